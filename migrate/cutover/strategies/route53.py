"""The `route53` strategy: weighted alias records between a REST and an HTTP API in two Regions.

A Regional custom domain name is unique within a Region and an alias record's name must equal the
API's custom domain name, so weighting one hostname between two APIs needs one domain per Region.
Weights are integers 0-255; a step sets the REST and HTTP records' weights so HTTP gets its share.

State shape::

    {hosted_zone_id: Z..., record: {name, type}, weights: {"<set identifier>": 0..255, ...}}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apigw_migrate import aws

if TYPE_CHECKING:
    from apigw_migrate.cutover.model import ClientSource, Plan


def read_state(clients: "ClientSource", plan: "Plan") -> dict[str, Any]:
    """The weights of the hostname's weighted record set in the plan's hosted zone."""
    zone = plan.settings["hosted_zone_id"]
    record = plan.settings["record"]
    return read_weights(clients.client("route53", "us-east-1"), zone, record["name"], record["type"])


def read_weights(client: Any, zone: str, name: str, rtype: str) -> dict[str, Any]:
    wanted = _fqdn(name)
    reply = aws.call(
        client, "list_resource_record_sets", f"hosted zone {zone}",
        HostedZoneId=zone, StartRecordName=wanted, StartRecordType=rtype, MaxItems="100",
    )
    weights = {
        r["SetIdentifier"]: int(r["Weight"])
        for r in reply.get("ResourceRecordSets", [])
        if _fqdn(r["Name"]) == wanted and r["Type"] == rtype and "Weight" in r and "SetIdentifier" in r
    }
    return {"hosted_zone_id": zone, "record": {"name": name, "type": rtype}, "weights": dict(sorted(weights.items()))}


def _fqdn(name: str) -> str:
    return name.rstrip(".").lower() + "."


def state_problems(state: Any) -> list[tuple[list, str]]:
    if not isinstance(state, dict) or not isinstance(state.get("weights"), dict) or not isinstance(state.get("record"), dict):
        return [([], "the route53 strategy's state is {hosted_zone_id, record: {name, type}, weights: {SET_ID: 0..255}}")]
    out: list[tuple[list, str]] = []
    for key, weight in state["weights"].items():
        if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= 255:
            out.append((["weights", key], f"weight of {key!r} is {weight!r}; Route 53 weights are whole numbers from 0 to 255"))
    return out
