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


def weights_for(share: float) -> tuple[int, int]:
    """(REST weight, HTTP weight) out of 255 for an HTTP share in percent; never both 0 (that splits equally).

    >>> weights_for(0), weights_for(5), weights_for(50), weights_for(100)
    ((255, 0), (242, 13), (127, 128), (0, 255))
    """
    http = round(255 * share / 100)
    return 255 - http, http


def _record(name: str, set_id: str, weight: int, target: dict[str, str]) -> dict[str, Any]:
    return {
        "Name": name,
        "Type": "A",
        "SetIdentifier": set_id,
        "Weight": weight,
        "AliasTarget": {"HostedZoneId": target["zone"], "DNSName": target["dns"], "EvaluateTargetHealth": False},
    }


def build(facts: Any, req: Any) -> Any:
    """One hostname, two Regional domains (REST's and HTTP's Region), weighted alias records between them."""
    from apigw_migrate.cutover.model import Call, Step
    from apigw_migrate.cutover.plan import Built, percentage_steps

    name = facts.domain_name
    zone = facts.hosted_zone_id or "REPLACE-WITH-HOSTED-ZONE-ID"
    rest_id, http_id = f"rest-{facts.rest.region}", f"http-{facts.http.region}"
    rest_target = {"zone": (facts.domain or {}).get("regional_zone") or "", "dns": (facts.domain or {}).get("regional_domain_name") or ""}
    http_target = {"zone": (facts.http_domain or {}).get("regional_zone") or "", "dns": (facts.http_domain or {}).get("regional_domain_name") or ""}
    live = facts.baseline_extra.get("route53")
    baseline = live or {"hosted_zone_id": zone, "record": {"name": name, "type": "A"}, "weights": {}}
    simple = facts.baseline_extra.get("route53_simple")  # the plain alias record the hostname has now, if any

    def change(*changes: tuple[str, dict]) -> Call:
        return Call("route53", "change_resource_record_sets", {
            "HostedZoneId": zone,
            "ChangeBatch": {"Comment": "apigw-migrate cutover", "Changes": [{"Action": a, "ResourceRecordSet": r} for a, r in changes]},
        })

    def weighted(share: float, action: str = "UPSERT") -> list[tuple[str, dict]]:
        rest_w, http_w = weights_for(share)
        return [(action, _record(name, rest_id, rest_w, rest_target)), (action, _record(name, http_id, http_w, http_target))]

    def back_to_baseline(share: float) -> list[Call]:
        if baseline["weights"]:
            return [change(*[("UPSERT", _record(name, sid, w, rest_target if sid == rest_id else http_target))
                             for sid, w in baseline["weights"].items() if sid in (rest_id, http_id)])]
        undo = weighted(share, "DELETE")
        if simple:
            # UPSERT: after the DELETEs above the name is free; it also repeats safely
            undo.append(("UPSERT", simple))
        return [change(*undo)]

    steps: list[Step] = []
    if set(baseline["weights"]) != {rest_id, http_id}:
        setup = [("DELETE", simple)] if simple else []
        steps.append(Step(
            name="weighted records (0% on HTTP)",
            share=0.0,
            calls=[change(*setup, *weighted(0.0, "CREATE"))],
            verify={"hosted_zone_id": zone, "record": {"name": name, "type": "A"}, "weights": {http_id: 0, rest_id: 255}},
            rollback=back_to_baseline(0.0),
            bake=0,
            comment="Step 1: one atomic change replaces the hostname's record by a weighted pair, all weight on REST.",
        ))
    for share in percentage_steps(req):
        rest_w, http_w = weights_for(share)
        steps.append(Step(
            name=f"{share:g}% on HTTP",
            share=float(share),
            calls=[change(*weighted(share))],
            verify={"hosted_zone_id": zone, "record": {"name": name, "type": "A"}, "weights": {http_id: http_w, rest_id: rest_w}},
            rollback=back_to_baseline(share),
            bake=req.bake,
            comment=f"Step {len(steps) + 1}: weights REST {rest_w} / HTTP {http_w} of 255 ({http_w / 255:.1%} of lookups to HTTP; resolvers cache for the alias TTL).",
        ))
    return Built(
        baseline=baseline,
        steps=steps,
        settings={"hosted_zone_id": zone, "record": {"name": name, "type": "A"}, "rest_set": rest_id, "http_set": http_id},
        notes=["DNS caches answers: a share is a share of lookups, and clients keep their answer until it expires."],
        moved_routes=facts.rest_routes,
    )
