"""cors: replace REST "Enable CORS" OPTIONS mocks with one HTTP API CORS configuration (fact sheet §8).

REST answers preflights with a MOCK OPTIONS method per resource whose integration response sets static
`Access-Control-*` headers. HTTP APIs answer preflights themselves once `x-amazon-apigateway-cors` is set,
so the static values of every such method are merged (union of origins, methods and headers; the
largest max-age; credentials if any path allowed them) and the OPTIONS routes are removed (the
`integrations` pass leaves them alone for this). Origins that were computed in VTL, or that differed per
path, cannot be carried exactly: the union is written and a warning says so. With the configuration in
place HTTP APIs replace the CORS headers proxy backends send, which every proxy route is warned about. A
greedy route with an authorizer would also catch the preflights, so it gets an unauthenticated `OPTIONS`
twin on the same backend.
"""

from __future__ import annotations

import copy
from typing import Any

from apigw_migrate.checks.cors import cors_list
from apigw_migrate.checks.services import is_cors_preflight
from apigw_migrate.findings import Finding
from apigw_migrate.openapi import ANY_METHOD, CORS_HEADER_FIELDS, INTEGRATION
from apigw_migrate.transforms.context import DEFAULT_RESPONSE, Context, Op, operations, remove_operation


CORS = "x-amazon-apigateway-cors"
_HEADER = "method.response.header."


def cors(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Merge CORS-only OPTIONS mocks into `x-amazon-apigateway-cors` and drop them.

    >>> mock = {"type": "mock", "responses": {"default": {"statusCode": "200", "responseParameters": {
    ...   "method.response.header.Access-Control-Allow-Origin": "'https://a.example'",
    ...   "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'"}}}}
    >>> doc = {"paths": {"/a": {"get": {}, "options": {"x-amazon-apigateway-integration": mock}}}}
    >>> out, findings = cors(doc, Context())
    >>> out["x-amazon-apigateway-cors"], list(out["paths"]["/a"]), findings
    ({'allowOrigins': ['https://a.example'], 'allowMethods': ['GET', 'OPTIONS']}, ['get'], [])
    """
    preflights = [o for o in operations(doc) if is_cors_preflight(o.method, o.integration)]
    if preflights:
        _merge(doc, preflights, ctx)
    if isinstance(doc.get(CORS), dict):
        _greedy_with_authorizer(doc, ctx)
    return doc, []


def _merge(doc: dict, preflights: list[Op], ctx: Context) -> None:
    config: dict[str, Any] = dict(doc.get(CORS) or {})
    origins_by_path: dict[str, tuple[str, ...]] = {}
    dynamic: list[Op] = []
    for o in preflights:
        values, computed = _static_values(o.integration or {})
        if computed:
            dynamic.append(o)
        for field, value in values.items():
            if field == "maxAge":
                config[field] = max(int(config.get(field, -1)), int(value))
            elif field == "allowCredentials":
                config[field] = bool(config.get(field)) or value
            else:
                merged = list(config.get(field, []))
                seen = {m.lower() for m in merged}
                for v in value:
                    if v.lower() not in seen:
                        seen.add(v.lower())
                        merged.append(v)
                config[field] = merged
        if "allowOrigins" in values:
            origins_by_path[o.path] = tuple(values["allowOrigins"])
    doc[CORS] = config
    for o in preflights:
        remove_operation(doc, o)
    ctx.note(f"removed {len(preflights)} CORS OPTIONS route(s); wrote x-amazon-apigateway-cors: {_summary(config)}")
    if len(set(origins_by_path.values())) > 1:
        ctx.note("allowed origins differed per path: every route now allows all of them")
    if dynamic:
        ctx.note("Access-Control-* values computed in VTL or taken from the request were left out; only static values were kept")
    if config.get("allowCredentials") and "*" in config.get("allowOrigins", []):
        # Browsers refuse a credentialed response with the origin '*', so REST never served one; HTTP API
        # CORS refuses the pair outright [U]. Leaving allowCredentials out keeps what browsers saw.
        del config["allowCredentials"]
        ctx.note("allowCredentials left out: credentials were allowed together with the origin '*', which browsers refuse")


def _static_values(integ: dict) -> tuple[dict[str, Any], bool]:
    """The CORS fields an OPTIONS mock sets with static values, and whether any value was computed."""
    values: dict[str, Any] = {}
    computed = False
    for response in (integ.get("responses") or {}).values():
        if not isinstance(response, dict):
            continue
        templates = [t for t in (response.get("responseTemplates") or {}).values() if isinstance(t, str) and t.strip()]
        if any("$" in t or "#set" in t for t in templates):
            computed = True
        for key, source in (response.get("responseParameters") or {}).items():
            field = CORS_HEADER_FIELDS.get(str(key)[len(_HEADER) :].lower())
            if field is None:
                continue
            if not (isinstance(source, str) and len(source) >= 2 and source[0] == source[-1] == "'"):
                computed = True
                continue
            text = source[1:-1].strip()
            if field == "maxAge":
                if text.lstrip("-").isdigit():
                    values[field] = int(text)
            elif field == "allowCredentials":
                values[field] = text.lower() == "true"
            else:
                items = cors_list(text)[0]
                if field == "allowMethods":
                    items = [v.upper() for v in items]
                values[field] = items
    return values, computed


def _summary(config: dict) -> str:
    parts = []
    for field in ("allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders"):
        if config.get(field):
            parts.append(f"{field} {', '.join(config[field])}")
    for field in ("maxAge", "allowCredentials"):
        if field in config:
            parts.append(f"{field} {config[field]}")
    return "; ".join(parts) or "empty"


def _greedy_with_authorizer(doc: dict, ctx: Context) -> None:
    for o in operations(doc):
        if o.method != ANY_METHOD or not o.path.endswith("+}") or o.route in ctx.blocked or not o.op.get("security"):
            continue
        item = doc["paths"][o.path]
        options = item.get("options")
        route = f"OPTIONS {o.path}"
        if isinstance(options, dict):
            continue  # an OPTIONS route of its own stays as it is (AGW504 asks to make sure it has no authorizer)
        twin: dict[str, Any] = {"responses": copy.deepcopy(o.op.get("responses") or DEFAULT_RESPONSE)}
        if o.op.get("parameters"):
            twin["parameters"] = copy.deepcopy(o.op["parameters"])
        twin["security"] = []
        if INTEGRATION in o.op:
            twin[INTEGRATION] = copy.deepcopy(o.op[INTEGRATION])
        item["options"] = twin
        # The fact sheet (§8) says to add such a route; whether its integration is then invoked for
        # preflights CORS already answers is [U]: AGW504 says the backend may receive them.
        ctx.note(f"added {route} with no authorizer, integrated like {o.route} (unauthenticated preflights)")
