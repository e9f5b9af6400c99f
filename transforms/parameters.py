"""parameters: translate REST parameter mappings into HTTP API parameter mapping (fact sheet §4).

Request side: ``integration.request.header|querystring.X`` ← ``method.request.*``, ``context.*``,
``stageVariables.*`` or a quoted static value becomes ``overwrite:header|querystring.X`` ← ``$request.*``,
``$context.*``, ``$stageVariables.*`` or the bare value. HTTP has no per-parameter path target: a path
mapping is only kept where the HTTP_PROXY uri already names the variable (HTTP APIs put the route's path
variables into `{name}` in the uri [U]), the uri variable being renamed after the route variable when
the two names differ (with a warning); otherwise it is dropped with a warning. Reserved headers cannot be
mapped at all, which blocks the route.

Response side, for what was a non-proxy `http` integration: integration responses keyed by a plain status
code become `responseParameters[code]`; responses keyed by a regex or `default` cannot (HTTP keys on the
actual status code). Integrations with an `integrationSubtype` carry service parameters, not mappings, and
are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from apigw_migrate import pointer as jp
from apigw_migrate.findings import Finding
from apigw_migrate.openapi import INTEGRATION
from apigw_migrate.transforms.context import Context, Op, integration_type, map_text, operations, text_of

RESERVED_HEADERS = frozenset({
    "authorization", "connection", "content-encoding", "content-length", "content-location", "forwarded", "keep-alive",
    "origin", "proxy-authenticate", "proxy-authorization", "te", "trailers", "transfer-encoding", "upgrade",
    "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "via",
})  # fmt: skip
RESERVED_PREFIXES = ("access-control-", "apigw-", "x-amz-", "x-amzn-")
# $context variables REST has and HTTP APIs lack (fact sheet §11); a prefix ends with '.'.
REST_ONLY_CONTEXT = (
    "resourceId", "resourcePath", "identity.apiKey", "identity.apiKeyId", "error.validationErrorString",
    "requestOverride.", "responseOverride.", "authorize.", "authenticate.", "authorizer.integrationLatency",
    "authorizer.integrationStatus", "authorizer.latency", "authorizer.requestId", "authorizer.status", "waf.",
    "wafResponseCode", "webaclArn", "xrayTraceId", "isCanaryRequest",
)  # fmt: skip
_ACTIONS = ("overwrite:", "append:", "remove:")
_TARGET = re.compile(r"^integration\.request\.(header|querystring|path)\.(.+)$")
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


def reserved_header(name: str) -> bool:
    """Whether HTTP API parameter mapping refuses to touch this header (fact sheet §4.1)."""
    lower = name.lower()
    return lower in RESERVED_HEADERS or lower.startswith(RESERVED_PREFIXES)


def rest_only_context(variable: str) -> bool:
    return any(variable.startswith(v) if v.endswith(".") else variable == v for v in REST_ONLY_CONTEXT)


def translate_source(source: Any) -> Any:
    """A REST mapping source as an HTTP mapping value, or None when it has no HTTP spelling.

    >>> translate_source("method.request.multivalueheader.X-Id"), translate_source("'static'")
    ('$request.header.X-Id', 'static')
    >>> translate_source("integration.response.body.a.b"), translate_source("nonsense")
    ('$response.body.a.b', None)
    """
    if not isinstance(source, str):
        # '${Value}' inside an Fn::Sub is a quoted static value too.
        return map_text(source, lambda t: t[1:-1] if len(t) >= 2 and t[0] == t[-1] == "'" else None)
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


def parameters(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Translate request and response parameter mappings of every proxy integration.

    >>> integ = {"type": "HTTP_PROXY", "uri": "https://b.example/{id}", "requestParameters": {
    ...   "integration.request.header.X-Req": "context.requestId",
    ...   "integration.request.path.id": "method.request.path.id"}}
    >>> doc = {"paths": {"/a/{id}": {"get": {"x-amazon-apigateway-integration": integ}}}}
    >>> out, findings = parameters(doc, Context())
    >>> out["paths"]["/a/{id}"]["get"]["x-amazon-apigateway-integration"]["requestParameters"], findings
    ({'overwrite:header.X-Req': '$context.requestId'}, [])
    """
    findings: list[Finding] = []
    for o in operations(doc):
        integ = o.integration
        if integ is None or "integrationSubtype" in integ:
            continue
        kind = integration_type(integ)
        if kind not in ("http_proxy", "aws_proxy", "http"):
            continue
        if isinstance(integ.get("requestParameters"), dict):
            _request(o, integ, kind, ctx, findings)
        if rest_type(o, ctx) == "http" and isinstance(integ.get("responses"), dict):
            _responses(o, integ, ctx, findings)
    return doc, findings


def rest_type(o: Op, ctx: Context) -> str:
    """The integration type as the REST API had it (an earlier pass may have rewritten it)."""
    if ctx.input_api is not None:
        original = jp.resolve(ctx.input_api, jp.join("/paths", o.path, o.method, INTEGRATION, "type"), None)
        if isinstance(original, str):
            return original.lower()
    return integration_type(o.integration)


def _request(o: Op, integ: dict, kind: str, ctx: Context, findings: list[Finding]) -> None:
    base = jp.join(o.integration_pointer, "requestParameters")
    out: dict[str, Any] = {}
    for key, source in integ["requestParameters"].items():
        ptr = jp.join(base, key)
        if isinstance(key, str) and key.startswith(_ACTIONS):
            out[key] = source
            continue
        m = _TARGET.match(str(key))
        translated = translate_source(source) if m else None
        if m is None or translated is None:
            out_of_reach = f"{key} ← {source!r}" if m is None else f"source {source!r}"
            findings.append(
                ctx.finding(
                    "AGW404" if m and m.group(1) == "path" else "AGW405",
                    ptr,
                    f"{o.route}: mapping {out_of_reach} has no HTTP API equivalent and was left out; rebuild it by hand",
                    routes=[o.route],
                )
            )
            continue
        location, name = m.groups()
        src_text = source if isinstance(source, str) else ""
        if src_text.startswith(("method.request.multivalueheader.", "method.request.multivaluequerystring.")):
            # The comma-joining is [U].
            findings.append(
                ctx.finding(
                    "AGW401",
                    ptr,
                    f"{o.route}: {key} took every value of {src_text}; HTTP mapping {translated} gives the values comma-joined "
                    "(not confirmed by AWS's documentation)",
                    routes=[o.route],
                )
            )
        if src_text.startswith("method.request.body."):
            findings.append(
                ctx.finding(
                    "AGW403",
                    ptr,
                    f"{o.route}: {key} reads {src_text} ({translated}); HTTP APIs truncate the body at 100 KB before evaluating a JSONPath",
                    routes=[o.route],
                )
            )
        if src_text.startswith("context.") and rest_only_context(src_text[len("context.") :]):
            findings.append(
                ctx.finding(
                    "AGW405",
                    ptr,
                    f"{o.route}: {key} ← {src_text}: HTTP APIs have no ${src_text}; the mapping was left out",
                    routes=[o.route],
                )
            )
            continue
        if location == "path":
            _path_target(o, integ, kind, name, src_text, ptr, ctx, findings)
            continue
        if location == "header" and reserved_header(name):
            f = ctx.finding(
                "AGW402",
                ptr,
                f"{o.route}: {key} maps into {name}, a header HTTP API parameter mapping cannot set; the route cannot keep this mapping",
                routes=[o.route],
            )
            findings.append(f)
            ctx.block(o.route, f)
            continue
        out[f"overwrite:{location}.{name}"] = translated
    if out:
        integ["requestParameters"] = out
        # Whether HTTP APIs apply mappings on a Lambda proxy integration is [U] (fact sheet §4.1): they are
        # kept, and the note says so.
        if kind == "aws_proxy":
            ctx.note(f"{o.route}: parameter mapping kept on a Lambda proxy integration (whether HTTP APIs apply it is not confirmed by AWS's documentation)")
    else:
        del integ["requestParameters"]


def _path_target(o: Op, integ: dict, kind: str, name: str, source: str, ptr: str, ctx: Context, findings: list[Finding]) -> None:
    if kind == "aws_proxy":
        ctx.note(f"{o.route}: path mapping {name} dropped: a Lambda proxy integration has no path to fill (REST ignored it too)")
        return
    uri_text = text_of(integ.get("uri"))
    m = re.match(r"^method\.request\.path\.(.+)$", source)
    if kind in ("http_proxy", "http") and uri_text is not None and "{" + name + "}" in uri_text and m:
        variable = m.group(1)
        if variable != name:
            # The uri itself changes and the substitution is [U]: a warning, not just a note.
            integ["uri"] = map_text(integ["uri"], lambda t: t.replace("{" + name + "}", "{" + variable + "}"))
            ctx.note(f"{o.route}: uri variable {{{name}}} renamed {{{variable}}}")
            findings.append(
                ctx.finding(
                    "AGW404",
                    ptr,
                    f"{o.route}: integration.request.path.{name} ← {source}: HTTP APIs have no per-variable path target, so "
                    f"the uri variable {{{name}}} was renamed {{{variable}}}, the route variable HTTP APIs fill it from (not confirmed "
                    "by AWS's documentation); "
                    "check that the backend receives the same path",
                    routes=[o.route],
                )
            )
        else:
            ctx.note(f"{o.route}: path mapping {name} dropped: HTTP APIs fill {{{name}}} in the uri from the route path (not confirmed by AWS's documentation)")
        return
    findings.append(
        ctx.finding(
            "AGW404",
            ptr,
            f"{o.route}: integration.request.path.{name} ← {source or 'a static value'}: HTTP APIs have no per-variable "
            f"path target; put {{{name}}} into the integration uri (for a route variable of that name) or map overwrite:path",
            routes=[o.route],
        )
    )


def _responses(o: Op, integ: dict, ctx: Context, findings: list[Finding]) -> None:
    mapped: dict[str, dict[str, Any]] = dict(integ.get("responseParameters") or {})
    base = jp.join(o.integration_pointer, "responses")
    for pattern, response in integ["responses"].items():
        if not isinstance(response, dict) or not isinstance(response.get("responseParameters"), dict):
            continue
        params = response["responseParameters"]
        if not params:
            continue
        ptr = jp.join(base, pattern, "responseParameters")
        if not re.fullmatch(r"[2-5][0-9][0-9]", str(pattern)):
            findings.append(
                ctx.finding(
                    "AGW406",
                    ptr,
                    f"{o.route}: response mapping for the selection pattern {pattern!r} ({', '.join(params)}) cannot be "
                    "carried: HTTP API response mappings key on one actual status code; add them per code by hand",
                    routes=[o.route],
                )
            )
            continue
        entry = dict(mapped.get(str(pattern)) or {})
        status = response.get("statusCode")
        if status is not None and str(status) != str(pattern):
            entry["overwrite:statuscode"] = str(status)
        left_out = []
        for key, source in params.items():
            header = str(key)[len("method.response.header.") :] if str(key).startswith("method.response.header.") else None
            value = translate_source(source)
            if header is None or value is None or reserved_header(header):
                left_out.append(str(key))
                continue
            entry[f"overwrite:header.{header}"] = value
        if left_out:
            findings.append(
                ctx.finding(
                    "AGW406",
                    ptr,
                    f"{o.route}: response mapping {', '.join(left_out)} for status {pattern} left out (reserved header, "
                    "CORS header or a source HTTP cannot read)",
                    routes=[o.route],
                )
            )
        if entry:
            mapped[str(pattern)] = entry
    if mapped:
        integ["responseParameters"] = mapped
        ctx.note(f"{o.route}: response mapping for status {', '.join(sorted(mapped))}")
