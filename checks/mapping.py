"""Parameter mapping (fact sheet §4)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterator

from apigw_migrate.checks.context import Op, context, mapping
from apigw_migrate.checks.cors import cors_options
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.load import Source

# Headers an HTTP API refuses to map (fact sheet §4.1). "host" is not in AWS's list; it is
# included because API Gateway sets it from the backend URL [U].
RESERVED_HEADERS = {
    "authorization",
    "connection",
    "content-encoding",
    "content-length",
    "content-location",
    "forwarded",
    "keep-alive",
    "origin",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "via",
    "host",
}
RESERVED_PREFIXES = ("access-control-", "apigw-", "x-amz-", "x-amzn-")

# $context variables REST has and HTTP APIs lack (fact sheet §11). The list comes from third-party
# copies of the variable pages, so it is unconfirmed [U].
REST_ONLY_CONTEXT = (
    "resourceId",
    "resourcePath",
    "identity.apiKey",
    "identity.apiKeyId",
    "error.validationErrorString",
    "requestOverride.",
    "responseOverride.",
    "authorize.",
    "authenticate.",
    "authorizer.integrationLatency",
    "authorizer.integrationStatus",
    "authorizer.latency",
    "authorizer.requestId",
    "authorizer.status",
    "waf.",
    "wafResponseCode",
    "webaclArn",
    "xrayTraceId",
    "isCanaryRequest",
)


def rest_only_context(name: str) -> bool:
    """Whether `name` (without ``context.``) is a REST-only $context variable."""
    return any(name == v or (v.endswith(".") and name.startswith(v)) for v in REST_ONLY_CONTEXT)


_SOURCES = (
    (re.compile(r"^method\.request\.path\.(.+)$"), "$request.path.{}"),
    (re.compile(r"^method\.request\.(?:multivalue)?querystring\.(.+)$"), "$request.querystring.{}"),
    (re.compile(r"^method\.request\.(?:multivalue)?header\.(.+)$"), "$request.header.{}"),
    (re.compile(r"^method\.request\.body\.(.+)$"), "$request.body.{}"),
    (re.compile(r"^stageVariables\.(.+)$"), "$stageVariables.{}"),
    (re.compile(r"^context\.(.+)$"), "$context.{}"),
    (re.compile(r"^integration\.response\.(?:multivalue)?header\.(.+)$"), "$response.header.{}"),
    (re.compile(r"^integration\.response\.body\.(.+)$"), "$response.body.{}"),
)
_WHOLE = {"method.request.body": "$request.body", "integration.response.body": "$response.body"}


def translate_source(source: Any) -> Any:
    """A REST mapping source as an HTTP mapping value, or None when it has no HTTP spelling.

    >>> translate_source("method.request.multivalueheader.X-Id"), translate_source("'static'")
    ('$request.header.X-Id', 'static')
    >>> translate_source("integration.response.body.a.b"), translate_source("nonsense")
    ('$response.body.a.b', None)
    >>> translate_source({"Fn::Sub": "'${Stage}-x'"})
    {'Fn::Sub': '${Stage}-x'}
    """
    if not isinstance(source, str):
        # '${Value}' inside an Fn::Sub is a quoted static value too.
        sub = source.get("Fn::Sub") if isinstance(source, dict) and len(source) == 1 else None
        text = sub if isinstance(sub, str) else sub[0] if isinstance(sub, list) and sub and isinstance(sub[0], str) else None
        if text is None or not (len(text) >= 2 and text[0] == text[-1] == "'"):
            return None
        inner = text[1:-1]
        if isinstance(sub, list):
            return {"Fn::Sub": [inner, *sub[1:]]}
        return {"Fn::Sub": inner} if "${" in inner else inner
    s = source.strip()
    if len(s) >= 2 and s[0] == s[-1] == "'":
        return s[1:-1]
    if s in _WHOLE:
        return _WHOLE[s]
    for pattern, template in _SOURCES:
        m = pattern.match(s)
        if m:
            return template.format(m.group(1))
    return None


def _request_mappings(src: "Source") -> list[tuple[Op, str, str]]:
    """(operation, target, source) for every integration request parameter mapping.

    Computed once per Context: five rules read it. `_mapping_pointer` gives a mapping's pointer.
    """
    ctx = context(src)
    found = ctx.memo.get("request_mappings")
    if found is None:
        found = ctx.memo["request_mappings"] = []
        for o in ctx.ops:
            if o.integration is None or o.itype == "mock":
                continue
            params = o.integration.get("requestParameters")
            if isinstance(params, dict):
                found.extend((o, str(target), source if isinstance(source, str) else "") for target, source in params.items())
    return found


def _mapping_pointer(o: Op, target: str) -> str:
    return o.iat("requestParameters", target)


@rule(
    id="AGW401",
    name="multivalue-parameter-source",
    severity=Severity.WARNING,
    fact="§4.2",
    fixed_by="parameters",
    summary="Checks for parameter mappings from multi-value sources (method.request.multivaluequerystring.*, method.request.multivalueheader.*).",
    why="HTTP APIs have no multi-value sources: the single-value $request.querystring and $request.header sources give the repeated values comma-joined (not confirmed by AWS's documentation), so a backend parsing a list sees one string.",
    instead="Map the same name from $request.querystring or $request.header and split the value on commas in the backend.",
    example="requestParameters:\n  integration.request.querystring.tag: method.request.multivaluequerystring.tag",
    use_instead="requestParameters:\n  overwrite:querystring.tag: $request.querystring.tag   # a,b,c",
)
def multivalue_parameter_source(src: "Source", r: Rule) -> Iterator[Finding]:
    # The comma-joining of the HTTP sources is unconfirmed (fact sheet §4.2 [U]).
    for o, target, source in _request_mappings(src):
        if source.startswith(("method.request.multivaluequerystring.", "method.request.multivalueheader.")):
            kind, _, name = source[len("method.request.multivalue"):].partition(".")
            single = f"$request.{'querystring' if kind == 'querystring' else 'header'}.{name}"
            yield r.finding(
                _mapping_pointer(o, target),
                f"{o.route}: {target} takes every value of {source}; HTTP APIs comma-join them",
                routes=[o.route],
                alternative=f"Map {single} and split the value on commas in the backend.",
            )


def reserved_header(name: str) -> bool:
    lname = name.lower()
    return lname in RESERVED_HEADERS or lname.startswith(RESERVED_PREFIXES)


@rule(
    id="AGW402",
    name="reserved-header-target",
    severity=Severity.BLOCKER,
    fact="§4.1",
    fixed_by="parameters",
    summary="Checks for parameter mappings into headers HTTP APIs reserve (Authorization, Host-like, X-Forwarded-*, x-amz-*, access-control-*, …).",
    why="HTTP APIs refuse mappings that set reserved headers, so the backend would not receive the value.",
    instead="Send the value under another header name and read it there in the backend.",
    example="requestParameters:\n  integration.request.header.Authorization: \"'Basic c2VjcmV0'\"",
    use_instead="requestParameters:\n  overwrite:header.x-backend-auth: Basic c2VjcmV0   # the backend reads x-backend-auth",
)
def reserved_header_target(src: "Source", r: Rule) -> Iterator[Finding]:
    for o, target, source in _request_mappings(src):
        # On an AWS service integration a header such as X-Amz-Target is part of the service call, which an
        # integration subtype makes itself (AGW301), or which cannot move at all (AGW302, AGW303).
        if o.itype != "aws" and target.lower().startswith("integration.request.header."):
            name = target[len("integration.request.header."):]
            if reserved_header(name):
                yield r.finding(_mapping_pointer(o, target), f"{o.route}: maps into reserved header {name}; HTTP APIs cannot set it", routes=[o.route])


@rule(
    id="AGW403",
    name="body-jsonpath-source",
    severity=Severity.INFO,
    fact="§4.1",
    fixed_by="parameters",
    summary="Checks for parameter mappings from a JSONPath into the request body (method.request.body.*).",
    why="HTTP APIs evaluate body JSONPaths on the first 100 KB of the body only, without recursive descent or filters.",
    instead="Map the same JSONPath from $request.body (convert does) and keep the value within the first 100 KB, or read it in the backend.",
    example="requestParameters:\n  integration.request.header.x-order: method.request.body.order.id",
    use_instead="requestParameters:\n  overwrite:header.x-order: $request.body.order.id",
)
def body_jsonpath_source(src: "Source", r: Rule) -> Iterator[Finding]:
    for o, target, source in _request_mappings(src):
        if source.startswith("method.request.body."):
            path = source[len("method.request.body.") :]
            yield r.finding(
                _mapping_pointer(o, target),
                f"{o.route}: {target} reads {path} from the body; HTTP APIs read only its first 100 KB",
                routes=[o.route],
                alternative=f"Map $request.body.{path} (convert does) and keep the value within the first 100 KB, or read it in the backend.",
            )


@rule(
    id="AGW404",
    name="path-parameter-target",
    severity=Severity.WARNING,
    fact="§4.2",
    fixed_by="parameters",
    summary="Checks for parameter mappings into integration path parameters (integration.request.path.*).",
    why="HTTP API mappings cannot set a single path parameter; only the whole path can be overwritten.",
    instead="Name the route's path variable in the HTTP integration URI (convert does when the value comes from one), or overwrite:path with the full backend path.",
    example="uri: https://backend.example.com/items/{id}\nrequestParameters:\n  integration.request.path.id: method.request.path.itemId",
    use_instead="uri: https://backend.example.com/items/{itemId}\n# or: requestParameters: {overwrite:path: /items/$request.path.itemId}",
)
def path_parameter_target(src: "Source", r: Rule) -> Iterator[Finding]:
    # That HTTP mappings have no per-parameter path target, and the way around it, are unconfirmed
    # (fact sheet §4.2 [U]).
    for o, target, source in _request_mappings(src):
        if target.startswith("integration.request.path."):
            name = target[len("integration.request.path."):]
            variable = source[len("method.request.path."):] if source.startswith("method.request.path.") else None
            instead = (
                f"Put {{{variable}}} into the HTTP integration URI in place of {{{name}}} (convert does), or overwrite:path with the full backend path."
                if variable
                else f"Overwrite:path with the full backend path holding the value of {{{name}}}, or compute it in the backend."
            )
            yield r.finding(
                _mapping_pointer(o, target),
                f"{o.route}: sets path parameter {{{name}}} from {source or 'a value'}; HTTP APIs can only overwrite the whole path",
                routes=[o.route],
                alternative=instead,
            )


@rule(
    id="AGW405",
    name="context-variable-unavailable",
    severity=Severity.WARNING,
    fact="§4.2,§11",
    fixed_by="parameters",
    summary="Checks for mappings from $context variables that HTTP APIs lack (resourceId, resourcePath, identity.apiKey, xrayTraceId, …).",
    why="The variable does not exist on HTTP APIs, so the backend would receive an empty value.",
    instead="Use an HTTP counterpart ($context.routeKey for resourcePath) or drop the mapping.",
    example="requestParameters:\n  integration.request.header.x-resource: context.resourcePath",
    use_instead="requestParameters:\n  overwrite:header.x-route: $context.routeKey",
)
def context_variable_unavailable(src: "Source", r: Rule) -> Iterator[Finding]:
    for o, target, source in _request_mappings(src):
        if source.startswith("context.") and rest_only_context(source[len("context."):]):
            yield r.finding(_mapping_pointer(o, target), f"{o.route}: {target} reads ${source}, which HTTP APIs do not have", routes=[o.route])
    for o in context(src).ops:
        for key, resp in mapping((o.integration or {}).get("responses")).items():
            for name, source in mapping(mapping(resp).get("responseParameters")).items():
                if isinstance(source, str) and source.startswith("context.") and rest_only_context(source[len("context."):]):
                    ptr = o.iat("responses", key, "responseParameters", name)
                    yield r.finding(ptr, f"{o.route}: {name} reads ${source}, which HTTP APIs do not have", routes=[o.route])


@rule(
    id="AGW406",
    name="response-parameter-mapping",
    severity=Severity.WARNING,
    fact="§4.2",
    fixed_by="parameters",
    summary="Checks for response parameter mappings on integration responses of non-proxy integrations.",
    why="HTTP API response mappings are keyed on the actual status code, not on a selection pattern, and read their values from $response.header and $response.body sources.",
    instead="Write responseParameters per status code (convert translates what it can).",
    example="responses:\n  default:\n    statusCode: '200'\n    responseParameters:\n      method.response.header.x-request-id: integration.response.header.x-amzn-RequestId",
    use_instead="responseParameters:\n  '200':\n    overwrite:header.x-request-id: $response.header.x-amzn-RequestId",
)
def response_parameter_mapping(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    cors = {c.op.pointer for c in cors_options(ctx)}
    for o in ctx.ops:
        if o.itype not in ("http", "aws") or o.pointer in cors:
            continue
        for key, resp in mapping((o.integration or {}).get("responses")).items():
            params = mapping(mapping(resp).get("responseParameters"))
            # Access-Control-* mappings are the CORS configuration's job (AGW501-AGW503).
            names = [n for n in params if not str(n).lower().startswith("method.response.header.access-control-")]
            if names:
                ptr = o.iat("responses", key, "responseParameters")
                shown = ", ".join(n.replace("method.response.header.", "") for n in names)
                selector = "the default response" if key == "default" else f"responses matching {key!r}"
                yield r.finding(ptr, f"{o.route}: {selector} map {shown}; HTTP APIs map per status code", routes=[o.route])


RULES = (
    multivalue_parameter_source,
    reserved_header_target,
    body_jsonpath_source,
    path_parameter_target,
    context_variable_unavailable,
    response_parameter_mapping,
)
