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

from apigw_migrate import pointer as jp
from apigw_migrate.findings import Finding
from apigw_migrate.openapi import ANY_METHOD, CORS_HEADER_FIELDS, INTEGRATION
from apigw_migrate.transforms.context import DEFAULT_RESPONSE, Context, Op, integration_type, operations, remove_operation

CORS = "x-amazon-apigateway-cors"
_HEADER = "method.response.header."


def is_cors_preflight(method: str, integ: dict | None) -> bool:
    """A MOCK OPTIONS integration whose responses set `Access-Control-*` headers and nothing else.

    >>> is_cors_preflight("options", {"type": "mock", "responses": {"default": {"statusCode": "200",
    ...   "responseParameters": {"method.response.header.Access-Control-Allow-Origin": "'*'"}}}})
    True
    >>> is_cors_preflight("get", {"type": "mock"})
    False
    """
    if str(method).lower() != "options" or integration_type(integ) != "mock":
        return False
    assert integ is not None
    responses = integ.get("responses")
    keys = [
        str(k).lower()
        for r in (responses.values() if isinstance(responses, dict) else ())
        if isinstance(r, dict) and isinstance(r.get("responseParameters"), dict)
        for k in r["responseParameters"]
    ]
    return bool(keys) and all(k.startswith(_HEADER + "access-control-") for k in keys)


def cors(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Merge CORS-only OPTIONS mocks into `x-amazon-apigateway-cors` and drop them.

    >>> mock = {"type": "mock", "responses": {"default": {"statusCode": "200", "responseParameters": {
    ...   "method.response.header.Access-Control-Allow-Origin": "'https://a.example'",
    ...   "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'"}}}}
    >>> doc = {"paths": {"/a": {"get": {}, "options": {"x-amazon-apigateway-integration": mock}}}}
    >>> out, findings = cors(doc, Context())
    >>> out["x-amazon-apigateway-cors"], list(out["paths"]["/a"]), [f.rule for f in findings]
    ({'allowOrigins': ['https://a.example'], 'allowMethods': ['GET', 'OPTIONS']}, ['get'], ['AGW501'])
    """
    findings: list[Finding] = []
    preflights = [o for o in operations(doc) if is_cors_preflight(o.method, o.integration)]
    if preflights:
        _merge(doc, preflights, ctx, findings)
    if isinstance(doc.get(CORS), dict):
        _backend_cors_headers(doc, ctx, findings)
        _greedy_with_authorizer(doc, ctx, findings)
    return doc, findings


def _merge(doc: dict, preflights: list[Op], ctx: Context, findings: list[Finding]) -> None:
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
    findings.append(
        ctx.finding(
            "AGW501",
            preflights[0].pointer,
            f"{len(preflights)} CORS-only OPTIONS mock(s) replaced by the API's CORS configuration "
            f"(x-amazon-apigateway-cors: {_summary(config)}); HTTP APIs answer preflights themselves",
            routes=[o.route for o in preflights],
        )
    )
    ctx.note(f"removed {len(preflights)} CORS OPTIONS route(s); wrote x-amazon-apigateway-cors")
    distinct = set(origins_by_path.values())
    if len(distinct) > 1:
        detail = "; ".join(f"{p}: {', '.join(v)}" for p, v in sorted(origins_by_path.items()))
        findings.append(
            ctx.finding(
                "AGW502",
                preflights[0].pointer,
                f"allowed origins differed per path ({detail}); HTTP APIs have one CORS configuration, so every route now "
                f"allows all of them",
                routes=[o.route for o in preflights],
            )
        )
    if dynamic:
        findings.append(
            ctx.finding(
                "AGW502",
                dynamic[0].integration_pointer,
                "Access-Control-* values computed in VTL or taken from the request cannot be carried: only the static "
                + ("origins were kept" if config.get("allowOrigins") else "values were kept and no origin is allowed; set allowOrigins")
                + "; list every allowed origin in x-amazon-apigateway-cors",
                routes=[o.route for o in dynamic],
            )
        )
    if config.get("allowCredentials") and "*" in config.get("allowOrigins", []):
        # Browsers refuse a credentialed response with the origin '*', so REST never served one; HTTP API
        # CORS refuses the pair outright [U]. Leaving allowCredentials out keeps what browsers saw.
        del config["allowCredentials"]
        findings.append(
            ctx.finding(
                "AGW502",
                preflights[0].pointer,
                "credentials were allowed together with the origin '*', which browsers refuse and HTTP API CORS is not "
                "documented to accept: allowCredentials was left out; to allow credentialed requests, list the origins explicitly and "
                "set allowCredentials",
                routes=[o.route for o in preflights],
            )
        )


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
                items = [v.strip() for v in text.split(",") if v.strip()]
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


def _backend_cors_headers(doc: dict, ctx: Context, findings: list[Finding]) -> None:
    """Once the API has a CORS configuration, HTTP APIs drop the CORS headers proxy backends send (§8)."""
    proxied = [
        o for o in operations(doc)
        if integration_type(o.integration) in ("aws_proxy", "http_proxy") and "integrationSubtype" not in (o.integration or {})
        and o.route not in ctx.blocked
    ]  # fmt: skip
    if not proxied:
        return
    preflights = [o.route for o in proxied if o.method.lower() == "options"]
    extra = f"; the backend also answers the preflights of {', '.join(preflights)}" if preflights else ""
    findings.append(
        ctx.finding(
            "AGW503",
            proxied[0].integration_pointer,
            f"the API now has a CORS configuration, so HTTP APIs replace the CORS headers the backends of {len(proxied)} "
            f"proxy route(s) return with its own{extra}: make sure x-amazon-apigateway-cors allows every origin, method "
            "and header the backends allowed",
            routes=[o.route for o in proxied],
        )
    )


def _greedy_with_authorizer(doc: dict, ctx: Context, findings: list[Finding]) -> None:
    for o in operations(doc):
        if o.method != ANY_METHOD or not o.path.endswith("+}") or o.route in ctx.blocked or not o.op.get("security"):
            continue
        item = doc["paths"][o.path]
        options = item.get("options")
        route = f"OPTIONS {o.path}"
        if isinstance(options, dict):
            if options.get("security") == []:
                continue
            what = f"kept {route} as it is; make sure it has no authorizer"
        else:
            twin: dict[str, Any] = {"responses": copy.deepcopy(o.op.get("responses") or DEFAULT_RESPONSE)}
            if o.op.get("parameters"):
                twin["parameters"] = copy.deepcopy(o.op["parameters"])
            twin["security"] = []
            if INTEGRATION in o.op:
                twin[INTEGRATION] = copy.deepcopy(o.op[INTEGRATION])
            item["options"] = twin
            # The fact sheet (§8) says to add such a route; whether its integration is then invoked for
            # preflights CORS already answers is [U]: the finding says the backend may receive them.
            what = (
                f"added {route} with no authorizer, integrated like {o.route}: the backend may now receive the preflights "
                "(not confirmed by AWS's documentation)"
            )
            ctx.note(f"added {route} (unauthenticated preflights)")
        findings.append(
            ctx.finding(
                "AGW504",
                jp.join(o.pointer, "security"),
                f"{o.route} has an authorizer and would reject unauthenticated CORS preflights; {what}",
                routes=[o.route, route],
            )
        )
