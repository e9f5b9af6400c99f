"""The `path` strategy: move groups of routes by base path with API mappings on one Regional domain.

API Gateway has no weighted mappings: each base path maps to one API stage (longest prefix wins) and
the matched base path is stripped before the API sees the request. So a step adds a mapping for a
route group that points at the HTTP API, and the last step switches the root mapping to the HTTP API
(`update_api_mapping`, one call) and removes the group mappings, which the root now covers.

State shape (baseline and verify)::

    {mappings: {"": {api_id, stage}, "orders": {api_id, stage}, ...}}    "" is the root (empty) mapping
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apigw_migrate import aws

if TYPE_CHECKING:
    from apigw_migrate.cutover.model import ClientSource, Plan


def read_state(clients: "ClientSource", plan: "Plan") -> dict[str, Any]:
    """The domain's API mappings, REST and HTTP alike (apigatewayv2 lists both on AWS)."""
    client = clients.client("apigatewayv2", plan.domain.region)
    items = aws.paginate(client, "get_api_mappings", "Items", f"custom domain {plan.domain.name}", DomainName=plan.domain.name)
    return state_from_mappings(items)


def state_from_mappings(items: list[dict[str, Any]]) -> dict[str, Any]:
    """apigatewayv2 ApiMapping items → the path state.

    >>> state_from_mappings([{"ApiMappingKey": "", "ApiId": "a1", "Stage": "prod", "ApiMappingId": "m"}])
    {'mappings': {'': {'api_id': 'a1', 'stage': 'prod'}}}
    """
    mappings = {(m.get("ApiMappingKey") or ""): {"api_id": m["ApiId"], "stage": m["Stage"]} for m in items}
    return {"mappings": dict(sorted(mappings.items()))}


def state_problems(state: Any) -> list[tuple[list, str]]:
    """Where `state` is not the path state shape (used on a hand-edited plan's baseline and verify)."""
    if not isinstance(state, dict) or not isinstance(state.get("mappings"), dict):
        return [([], "the path strategy's state is {mappings: {KEY: {api_id, stage}}} (KEY \"\" is the root mapping)")]
    out: list[tuple[list, str]] = []
    for key, target in state["mappings"].items():
        if not (isinstance(target, dict) and isinstance(target.get("api_id"), str) and isinstance(target.get("stage"), str)):
            out.append((["mappings", key], f"mapping {key or '(root)'!r} needs api_id and stage"))
    extra = set(state) - {"mappings"}
    out.extend(([("key", k)], f"unknown field {k!r} in the path state (only mappings)") for k in sorted(extra))
    return out
