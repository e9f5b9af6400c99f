"""CORS (fact sheet §8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from apigw_migrate.checks.auth import api_key_schemes
from apigw_migrate.checks.context import Context, Op, as_text, context, describe, mapping, route_list
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.load import Source

_HEADER_PREFIX = "method.response.header.access-control-"
_ORIGIN_KEY = "method.response.header.access-control-allow-origin"


@dataclass
class CorsOption:
    """A MOCK OPTIONS method that only answers with Access-Control-* headers."""

    op: Op
    headers: dict[str, str]  # header name (lower case) → static value, quotes removed
    origin_pointer: str
    dynamic: str | None = None  # why the origin is not a static value
    dynamic_pointer: str = ""


def _static(value: object) -> str | None:
    if isinstance(value, str) and len(value) >= 2 and value.startswith("'") and value.endswith("'"):
        return value[1:-1]
    return None


def _classify(o: Op) -> CorsOption | None:
    integ = o.integration or {}
    responses = mapping(integ.get("responses"))
    found = CorsOption(op=o, headers={}, origin_pointer=o.integration_pointer)
    any_header = False
    for key, resp in responses.items():
        resp = mapping(resp)
        for name, value in mapping(resp.get("responseParameters")).items():
            lname = str(name).lower()
            if not lname.startswith(_HEADER_PREFIX):
                return None
            any_header = True
            static = _static(value)
            header = lname[len("method.response.header."):]
            if lname == _ORIGIN_KEY:
                found.origin_pointer = o.iat("responses", key, "responseParameters", name)
            if static is None:
                if found.dynamic is None:
                    found.dynamic = f"{header} is taken from {describe(value)}"
                    found.dynamic_pointer = o.iat("responses", key, "responseParameters", name)
            else:
                found.headers.setdefault(header, static)
        for mime, template in mapping(resp.get("responseTemplates")).items():
            text = (as_text(template) or "").lower()
            if "responseoverride.header.access-control-allow-origin" in text and found.dynamic is None:
                found.dynamic = "Access-Control-Allow-Origin is computed by a VTL response template"
                found.dynamic_pointer = o.iat("responses", key, "responseTemplates", mime)
                any_header = True
    return found if any_header else None


_LIST_HEADERS = ("access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers")


def cors_list(text: str) -> tuple[list[str], list[str]]:
    """(items of a comma-separated Access-Control-* value with stray quotes removed, the items that had them).

    A REST mock header written as ``"'Content-Type','Authorization'"`` sends ``Content-Type','Authorization``:
    its items carry quotes no browser matches.

    >>> cors_list("Content-Type','Authorization', X-Api-Key")
    (['Content-Type', 'Authorization', 'X-Api-Key'], ["Content-Type'", "'Authorization'"])
    """
    items: list[str] = []
    bad: list[str] = []
    for raw in text.split(","):
        item = raw.strip()
        clean = item.strip("'\"").strip()
        if clean != item:
            bad.append(item)
        if clean:
            items.append(clean)
    return items, bad


def stray_quotes(integ: dict) -> Iterator[tuple[str, str, str, list[str], list[str]]]:
    """(response key, parameter name, value, items with quotes, cleaned items) of each Access-Control-* list of a
    CORS mock that holds stray quotes; check (AGW505) and convert (the cors pass) both read them here."""
    for key, resp in mapping(integ.get("responses")).items():
        for name, value in mapping(mapping(resp).get("responseParameters")).items():
            static = _static(value)
            # Most values hold no inner quote at all: nothing to split.
            if static is None or ("'" not in static and '"' not in static):
                continue
            if str(name).lower()[len("method.response.header."):] not in _LIST_HEADERS:
                continue
            items, bad = cors_list(static)
            if bad:
                yield str(key), str(name), static, bad, items


def stray_quotes_message(route: str, name: str, bad: list[str], items: list[str]) -> str:
    header = name[len("method.response.header."):]
    return (
        f"{route}: {header} holds stray quotes ({', '.join(bad)}), sent as they are by the REST mock and matching no "
        f"browser request; the HTTP API CORS configuration gets {', '.join(items) or 'nothing'}"
    )


def cors_options(ctx: Context) -> list[CorsOption]:
    """The REST "Enable CORS" OPTIONS methods: MOCK, answering with Access-Control-* headers only.

    Computed once per Context: several rules ask.
    """
    cached = ctx.memo.get("cors_options")
    if cached is None:
        cached = ctx.memo["cors_options"] = [
            c for c in (_classify(o) for o in ctx.ops if o.method == "OPTIONS" and o.itype == "mock") if c
        ]
    return cached


def cors_configured(ctx: Context) -> bool:
    """Whether the HTTP API will get a CORS configuration (from CORS OPTIONS methods or SAM Cors)."""
    return bool(cors_options(ctx)) or ctx.prop("Cors")[0] is not None


@rule(
    id="AGW501",
    name="cors-mock-options",
    severity=Severity.INFO,
    fact="§8",
    fixed_by="cors",
    summary="Checks for MOCK OPTIONS methods that only return static Access-Control-* headers (REST \"Enable CORS\"), and SAM Cors settings.",
    why="HTTP APIs answer preflight requests from the API's CORS configuration; the OPTIONS mocks have no HTTP equivalent and are not needed.",
    instead="Configure x-amazon-apigateway-cors with the union of the origins, methods and headers (convert does) and drop the OPTIONS routes.",
    example="/books:\n  options:\n    x-amazon-apigateway-integration:\n      type: mock\n      requestTemplates: {application/json: '{\"statusCode\": 200}'}\n      responses:\n        default:\n          statusCode: '200'\n          responseParameters:\n            method.response.header.Access-Control-Allow-Origin: \"'*'\"\n            method.response.header.Access-Control-Allow-Methods: \"'GET,OPTIONS'\"",
    use_instead="x-amazon-apigateway-cors:\n  allowOrigins: [\"*\"]\n  allowMethods: [GET, OPTIONS]",
)
def cors_mock_options(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    for c in cors_options(ctx):
        if c.dynamic is None:
            origin = c.headers.get("access-control-allow-origin")
            detail = f"origin {origin}" if origin is not None else "no Allow-Origin"
            yield r.finding(
                c.op.integration_pointer,
                f"{c.op.route}: MOCK preflight answering CORS ({detail}); it becomes the API's CORS configuration",
                routes=[c.op.route],
            )
    cors, ptr = ctx.prop("Cors")
    if cors is not None:
        origin = mapping(cors).get("AllowOrigin", cors) if not isinstance(cors, str) else cors
        yield r.finding(ptr, f"SAM Cors (origin {describe(origin)}) becomes the API's CORS configuration")


@rule(
    id="AGW502",
    name="cors-dynamic-origin",
    severity=Severity.WARNING,
    fact="§8",
    fixed_by="cors",
    summary="Checks for Access-Control-Allow-Origin values computed in VTL, taken from a non-static source, or differing between paths.",
    why="An HTTP API has one CORS configuration for the whole API: per-path origins and origins echoed by a template cannot be expressed one to one.",
    instead="List every allowed origin in AllowOrigins (API-wide), or answer CORS in the backend without an API CORS configuration.",
    example="responses:\n  default:\n    responseTemplates:\n      application/json: |\n        #set($origin = $input.params('Origin'))\n        #if($origin.endsWith('.example.com'))\n        #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n        #end",
    use_instead="x-amazon-apigateway-cors:\n  allowOrigins:\n    - https://app.example.com\n    - https://admin.example.com",
)
def cors_dynamic_origin(src: "Source", r: Rule) -> Iterator[Finding]:
    options = cors_options(context(src))
    for c in options:
        if c.dynamic:
            yield r.finding(c.dynamic_pointer, f"{c.op.route}: {c.dynamic}; an HTTP API lists its origins statically", routes=[c.op.route])
    # HTTP API CORS refuses allowCredentials with the origin '*' [U]; the `cors` pass leaves it out.
    credentialed = [c for c in options if c.headers.get("access-control-allow-credentials", "").strip().lower() == "true"]
    if credentialed and any("*" in [o.strip() for o in c.headers.get("access-control-allow-origin", "").split(",")] for c in options):
        yield r.finding(
            credentialed[0].origin_pointer,
            "credentials are allowed together with the origin '*', which browsers refuse and HTTP API CORS does not accept: "
            "allowCredentials is left out; to allow credentialed requests, list the origins and set allowCredentials",
            routes=[c.op.route for c in credentialed],
        )
    by_origin: dict[str, list[CorsOption]] = {}
    for c in options:
        origin = c.headers.get("access-control-allow-origin")
        if c.dynamic is None and origin is not None:
            by_origin.setdefault(origin, []).append(c)
    if len(by_origin) < 2:
        return
    ranked = sorted(by_origin.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    summary = "; ".join(f"{origin} on {route_list([c.op.path for c in cs])}" for origin, cs in ranked)
    for origin, cs in ranked[1:]:
        yield r.finding(
            cs[0].origin_pointer,
            f"Access-Control-Allow-Origin differs between paths ({summary}); an HTTP API has one CORS configuration",
            routes=[c.op.route for c in cs],
        )


@rule(
    id="AGW503",
    name="backend-cors-headers",
    severity=Severity.WARNING,
    fact="§8",
    fixed_by="cors",
    summary="Checks for proxy routes on an API that answers CORS preflights, whose backends may set CORS headers themselves.",
    why="Once an HTTP API has a CORS configuration, the CORS headers returned by backends are ignored and replaced by the API's.",
    instead="Make sure the API CORS configuration allows every origin, header and method the backend used to allow.",
    example="/books:\n  get:\n    x-amazon-apigateway-integration: {type: aws_proxy, ...}   # the function sets Access-Control-Allow-Origin\n  options:\n    x-amazon-apigateway-integration: {type: mock, ...}",
    use_instead="x-amazon-apigateway-cors:\n  allowOrigins: [https://app.example.com]   # what the function used to send\n  exposeHeaders: [x-request-id]",
)
def backend_cors_headers(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    if not cors_configured(ctx):
        return
    proxies = [o for o in ctx.ops if o.itype in ("aws_proxy", "http_proxy") and o.method != "OPTIONS"]
    if proxies:
        routes = [o.route for o in proxies]
        yield r.finding(
            proxies[0].integration_pointer,
            f"the API answers CORS preflights, so on the HTTP API the CORS headers that the backends of "
            f"{len(routes)} proxy route{'s' if len(routes) > 1 else ''} ({route_list(routes)}) return are ignored",
            routes=routes,
        )


def _authorized(ctx: Context, o: Op) -> bool:
    """Whether the route keeps an authorization on the HTTP API: API keys go away, anything else stays."""
    return o.auth_type == "aws_iam" or bool(o.scheme_names() - api_key_schemes(ctx))


@rule(
    id="AGW504",
    name="cors-default-route-authorizer",
    severity=Severity.WARNING,
    fact="§8",
    fixed_by="cors",
    summary="Checks for greedy ANY (ANY /{proxy+}) or $default routes with authorization on an API that answers CORS preflights.",
    why="Such a route also catches the browser's OPTIONS preflight, which carries no credentials, so the authorizer rejects it.",
    instead="Add an OPTIONS /{proxy+} route with no authorization and an integration (convert does).",
    example="/{proxy+}:\n  x-amazon-apigateway-any-method:\n    security: [{jwtAuth: []}]\n  options:\n    x-amazon-apigateway-integration: {type: mock, ...}",
    use_instead="/{proxy+}:\n  x-amazon-apigateway-any-method:\n    security: [{jwtAuth: []}]\n  options:\n    security: []\n    x-amazon-apigateway-integration: {type: aws_proxy, ...}   # answers preflights",
)
def cors_default_route_authorizer(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    if not cors_configured(ctx):
        return
    for o in ctx.ops:
        if o.is_any and (o.is_greedy or o.path == "/$default") and _authorized(ctx, o):
            yield r.finding(
                o.security_pointer if o.security else o.pointer,
                f"{o.route} requires authorization and also catches CORS preflights, which carry no credentials",
                routes=[o.route],
            )


@rule(
    id="AGW505",
    name="cors-quoted-values",
    severity=Severity.WARNING,
    fact="§8",
    fixed_by="cors",
    summary="Checks for Access-Control-* values of a CORS mock whose items carry stray quotes (a header value split from a broken string).",
    why="A REST mock sends the header exactly as written, so `'Content-Type','Authorization'` reaches browsers as `Content-Type','Authorization`, which matches no request header; copied into an HTTP API CORS configuration the items would still carry the quotes.",
    instead="Write the list as one quoted string without inner quotes (`'Content-Type,Authorization'`); convert removes the stray quotes.",
    example="responseParameters:\n  method.response.header.Access-Control-Allow-Headers: \"'Content-Type','Authorization'\"",
    use_instead="x-amazon-apigateway-cors:\n  allowHeaders: [Content-Type, Authorization]",
)
def cors_quoted_values(src: "Source", r: Rule) -> Iterator[Finding]:
    for c in cors_options(context(src)):
        for key, name, _value, bad, items in stray_quotes(c.op.integration or {}):
            yield r.finding(
                c.op.iat("responses", key, "responseParameters", name),
                stray_quotes_message(c.op.route, name, bad, items),
                routes=[c.op.route],
            )


RULES = (cors_mock_options, cors_dynamic_origin, backend_cors_headers, cors_default_route_authorizer, cors_quoted_values)
