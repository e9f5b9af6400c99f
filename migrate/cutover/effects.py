"""What each planned call does to a strategy's state (the shape `read_state` returns).

`run` uses it three ways: to tell, after a crash, how many calls of a step had already taken effect
(the live state equals the state after exactly those calls); to check each call by reading back
the state it must produce; and to skip, during a rollback, the calls whose work is already undone
(deleting a mapping that a half-applied step never created would fail).
"""

from __future__ import annotations

import copy
from typing import Any

from apigw_migrate.cutover.model import Call


def predict(strategy: str, state: dict[str, Any], call: Call, ids: dict[str, str] | None = None) -> tuple[dict[str, Any], bool]:
    """(the state after `call`, whether the call has anything to do in `state`).

    `ids` maps literal ApiMappingIds to their keys, for calls that name a mapping by id, not by lookup.

    >>> state = {"mappings": {"": {"api_id": "r", "stage": "prod"}}}
    >>> call = Call("apigatewayv2", "create_api_mapping", {"ApiMappingKey": "orders", "ApiId": "h", "Stage": "$default"})
    >>> predict("path", state, call)
    ({'mappings': {'': {'api_id': 'r', 'stage': 'prod'}, 'orders': {'api_id': 'h', 'stage': '$default'}}}, True)
    """
    after = copy.deepcopy(state)
    params = call.params
    if call.operation in ("create_api_mapping", "update_api_mapping", "delete_api_mapping") and strategy == "path":
        mappings = after.setdefault("mappings", {})
        if call.operation == "create_api_mapping":
            key = params.get("ApiMappingKey") or ""
            target = {"api_id": params["ApiId"], "stage": params["Stage"]}
            todo = key not in mappings
            mappings[key] = target
            return _sorted(after), todo
        key = _mapping_key(params.get("ApiMappingId"), ids or {})
        if key is None or key not in mappings:
            return after, False
        if call.operation == "delete_api_mapping":
            del mappings[key]
            return _sorted(after), True
        new_key = params.get("ApiMappingKey", key) or ""
        target = {"api_id": params["ApiId"], "stage": params.get("Stage", mappings[key]["stage"])}
        todo = new_key != key or mappings[key] != target
        del mappings[key]
        mappings[new_key] = target
        return _sorted(after), todo
    if call.service == "cloudfront-keyvaluestore" and call.operation in ("put_key", "delete_key", "update_keys"):
        keys = after.setdefault("keys", {})
        puts = {params["Key"]: params["Value"]} if call.operation == "put_key" else {p["Key"]: p["Value"] for p in params.get("Puts") or []}
        deletes = [params["Key"]] if call.operation == "delete_key" else [d["Key"] for d in params.get("Deletes") or []]
        todo = any(k in keys for k in deletes) or any(keys.get(k) != v for k, v in puts.items())
        for k in deletes:
            keys.pop(k, None)
        keys.update(puts)
        return after, todo
    if call.operation == "change_resource_record_sets":
        before = copy.deepcopy(after)
        for change in (params.get("ChangeBatch") or {}).get("Changes") or []:
            _record_change(strategy, after, change)
        return after, after != before
    # a call the state does not show (tags, reads): it changes nothing run compares
    return after, True


def trail(strategy: str, start: dict[str, Any], calls: list[Call], ids: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The states before the first call and after each call: len(calls) + 1 states."""
    states = [start]
    for call in calls:
        states.append(predict(strategy, states[-1], call, ids)[0])
    return states


def same(strategy: str, expected: dict[str, Any], live: dict[str, Any]) -> bool:
    """Whether the live state is the expected one. A field the expected state leaves null is not compared
    (a cloudfront plan made before its stack existed knows no KeyValueStore ARN or DNS record yet)."""
    return not differences(expected, live)


def differences(expected: Any, live: Any, where: str = "") -> list[str]:
    """Human-readable differences, expected → live, skipping what `expected` leaves null.

    >>> differences({"mappings": {"": {"api_id": "r"}, "orders": {"api_id": "h"}}}, {"mappings": {"": {"api_id": "h"}}})
    ["mappings[''].api_id is 'h', expected 'r'", "mappings['orders'] is missing"]
    """
    if expected is None:
        return []
    if isinstance(expected, dict) and isinstance(live, dict):
        out = []
        for key in sorted(set(expected) | set(live), key=str):
            at = f"{where}[{key!r}]" if where.endswith(("mappings", "keys", "weights")) else (f"{where}.{key}" if where else str(key))
            if key not in live:
                if expected.get(key) is not None:
                    out.append(f"{at} is missing")
            elif key not in expected:
                # an unplanned mapping or weighted record takes traffic; an extra stored key does not
                if where.endswith(("mappings", "weights")):
                    out.append(f"{at} is there, unplanned ({live[key]!r})")
            else:
                out.extend(differences(expected[key], live[key], at))
        return out
    if expected != live:
        return [f"{where or 'state'} is {live!r}, expected {expected!r}"]
    return []


def describe_difference(strategy: str, expected: dict[str, Any], live: dict[str, Any]) -> str:
    found = differences(expected, live)
    return "; ".join(found[:5]) + (f" (and {len(found) - 5} more)" if len(found) > 5 else "") if found else "no difference"


def _mapping_key(value: Any, ids: dict[str, str]) -> str | None:
    if isinstance(value, dict) and value.get("lookup") == "mapping_id":
        return str(value.get("key") or "")
    if isinstance(value, str):
        return ids.get(value)
    return None


def _sorted(state: dict[str, Any]) -> dict[str, Any]:
    state["mappings"] = dict(sorted(state.get("mappings", {}).items()))
    return state


def _record_change(strategy: str, state: dict[str, Any], change: dict[str, Any]) -> None:
    action = change.get("Action")
    record = change.get("ResourceRecordSet") or {}
    set_id = record.get("SetIdentifier")
    if strategy == "route53" and set_id is not None:
        weights = state.setdefault("weights", {})
        if action == "DELETE":
            weights.pop(set_id, None)
        elif "Weight" in record:
            weights[set_id] = int(record["Weight"])
        state["weights"] = dict(sorted(weights.items()))
    elif strategy == "cloudfront" and isinstance(state.get("record"), dict):
        alias = record.get("AliasTarget") or {}
        if action == "DELETE":
            state["record"]["target"] = None
        elif alias.get("DNSName"):
            state["record"]["target"] = alias["DNSName"].rstrip(".").lower()
