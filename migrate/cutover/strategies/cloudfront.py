"""The `cloudfront` strategy: a true percentage with per-user stickiness, in front of both Regional APIs.

A viewer-request CloudFront Function (cloudfront-js-2.0) reads the HTTP percentage and both origins
from a CloudFront KeyValueStore and hashes a client key into a bucket 0..99; buckets below the
percentage go to the HTTP API. Steps change only the stored percentage; rollback stores 0.

State shape::

    {kvs_arn: ARN or null, keys: {http_percentage: "0", rest_origin: ..., http_origin: ...},
     record: {name, type, target}}     record: where the hostname's DNS alias points (null: not read)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apigw_migrate import aws

if TYPE_CHECKING:
    from apigw_migrate.cutover.model import ClientSource, Plan

KEYS = ("http_percentage", "rest_origin", "http_origin")


def read_state(clients: "ClientSource", plan: "Plan") -> dict[str, Any]:
    """The stored keys (KeyValueStore data plane) and the hostname's DNS alias target."""
    kvs_arn = plan.baseline.get("kvs_arn") or stack_output(clients, plan, "KeyValueStoreArn")
    keys: dict[str, str] = {}
    if kvs_arn:
        kvs = clients.client("cloudfront-keyvaluestore", "us-east-1")
        for key in KEYS:
            try:
                keys[key] = aws.call(kvs, "get_key", f"key {key}", KvsARN=kvs_arn, Key=key)["Value"]
            except aws.AwsCallError as e:
                if e.kind != "not_found":
                    raise
    return {"kvs_arn": kvs_arn, "keys": keys, "record": read_record(clients, plan)}


def stack_output(clients: "ClientSource", plan: "Plan", output: str) -> str | None:
    """An output of the plan's CloudFormation stack, or None while the stack does not exist."""
    stack = plan.settings.get("stack")
    if not stack:
        return None
    cfn = clients.client("cloudformation", plan.domain.region)
    try:
        stacks = aws.call(cfn, "describe_stacks", f"stack {stack}", StackName=stack).get("Stacks", [])
    except aws.AwsCallError as e:
        if e.kind in ("not_found", "other"):  # CloudFormation says ValidationError for a missing stack
            return None
        raise
    for out in (stacks[0].get("Outputs") or []) if stacks else []:
        if out.get("OutputKey") == output:
            return out.get("OutputValue")
    return None


def read_record(clients: "ClientSource", plan: "Plan") -> dict[str, Any] | None:
    zone = plan.settings.get("hosted_zone_id")
    if not zone:
        return None
    name = plan.domain.name.rstrip(".").lower() + "."
    reply = aws.call(
        clients.client("route53", "us-east-1"), "list_resource_record_sets", f"hosted zone {zone}",
        HostedZoneId=zone, StartRecordName=name, StartRecordType="A", MaxItems="1",
    )
    for r in reply.get("ResourceRecordSets", []):
        if r["Name"].lower() == name and r["Type"] == "A":
            target = (r.get("AliasTarget") or {}).get("DNSName", "")
            return {"name": plan.domain.name, "type": "A", "target": target.rstrip(".").lower()}
    return {"name": plan.domain.name, "type": "A", "target": None}


def state_problems(state: Any) -> list[tuple[list, str]]:
    if not isinstance(state, dict) or not isinstance(state.get("keys"), dict):
        return [([], "the cloudfront strategy's state is {kvs_arn, keys: {http_percentage, rest_origin, http_origin}, record}")]
    out: list[tuple[list, str]] = []
    pct = state["keys"].get("http_percentage")
    if pct is not None and not (isinstance(pct, str) and pct.isdigit() and 0 <= int(pct) <= 100):
        out.append((["keys", "http_percentage"], f"http_percentage is {pct!r}; it is stored as a string holding a whole number from 0 to 100"))
    return out
