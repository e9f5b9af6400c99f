"""parameters: translate REST parameter mappings into HTTP API parameter mapping (fact sheet §4).

Request side: ``integration.request.header|querystring.X`` ← ``method.request.*``, ``context.*``,
``stageVariables.*`` or a quoted static value becomes ``overwrite:header|querystring.X`` ← ``$request.*``,
``$context.*``, ``$stageVariables.*`` or the bare value. HTTP has no per-parameter path target: a path
mapping is only kept where the HTTP_PROXY uri already names the variable (HTTP APIs put the route's path
variables into `{name}` in the uri [U]), the uri variable being renamed after the route variable when
the two names differ; otherwise it is dropped. Reserved headers cannot be mapped at all: the analysis
blocks such routes (AGW402), so a mapping into one reaches this pass only when the user set AGW402 aside,
and it is left out. What is dropped or changed here was reported by the AGW40x rules.

Response side, for what was a non-proxy `http` integration: integration responses keyed by a plain status
code become `responseParameters[code]`; responses keyed by a regex or `default` cannot (HTTP keys on the
actual status code). Integrations with an `integrationSubtype` carry service parameters, not mappings, and
are left alone.
"""

from __future__ import annotations

import re
from typing import Any

from apigw_migrate import pointer as jp
from apigw_migrate.checks.mapping import reserved_header, rest_only_context, translate_source
from apigw_migrate.findings import Finding
from apigw_migrate.openapi import INTEGRATION
from apigw_migrate.transforms.context import Context, Op, integration_type, map_text, operations, text_of


_ACTIONS = ("overwrite:", "append:", "remove:")
_TARGET = re.compile(r"^integration\.request\.(header|querystring|path)\.(.+)$")
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
        if integ is None or "integrationSubtype" in integ or o.route in ctx.blocked:
            continue
        kind = integration_type(integ)
        if kind not in ("http_proxy", "aws_proxy", "http"):
            continue
        if isinstance(integ.get("requestParameters"), dict):
            findings.extend(_request(o, integ, kind, ctx))
        if rest_type(o, ctx) == "http" and isinstance(integ.get("responses"), dict):
            _responses(o, integ, ctx)
    return doc, findings


def rest_type(o: Op, ctx: Context) -> str:
    """The integration type as the REST API had it (an earlier pass may have rewritten it)."""
    if ctx.input_api is not None:
        original = jp.resolve(ctx.input_api, jp.join("/paths", o.path, o.method, INTEGRATION, "type"), None)
        if isinstance(original, str):
            return original.lower()
    return integration_type(o.integration)


def _request(o: Op, integ: dict, kind: str, ctx: Context) -> list[Finding]:
    out: dict[str, Any] = {}
    left_out: list[str] = []
    findings: list[Finding] = []
    for key, source in integ["requestParameters"].items():
        if isinstance(key, str) and key.startswith(_ACTIONS):
            out[key] = source
            continue
        m = _TARGET.match(str(key))
        translated = translate_source(source) if m else None
        src_text = source if isinstance(source, str) else ""
        if m is None or translated is None or (src_text.startswith("context.") and rest_only_context(src_text[len("context.") :])):
            left_out.append(str(key))
            continue
        location, name = m.groups()
        if location == "path":
            _path_target(o, integ, kind, name, src_text, ctx)
            continue
        if location == "header" and reserved_header(name):
            if not ctx.acknowledges("AGW402", o.route):
                findings.append(ctx.cannot(o.route, jp.join(o.integration_pointer, "requestParameters", key), f"the mapping into {name}"))
            left_out.append(str(key))
            continue
        out[f"overwrite:{location}.{name}"] = translated
    if left_out:
        ctx.note(f"{o.route}: left out the mapping(s) {', '.join(left_out)} (no HTTP API equivalent)")
    if out:
        integ["requestParameters"] = out
        # Whether HTTP APIs apply mappings on a Lambda proxy integration is [U] (fact sheet §4.1): they are
        # kept, and the note says so.
        if kind == "aws_proxy":
            ctx.note(f"{o.route}: parameter mapping kept on a Lambda proxy integration (whether HTTP APIs apply it is not confirmed by AWS's documentation)")
    else:
        del integ["requestParameters"]
    return findings


def _path_target(o: Op, integ: dict, kind: str, name: str, source: str, ctx: Context) -> None:
    if kind == "aws_proxy":
        ctx.note(f"{o.route}: path mapping {name} dropped: a Lambda proxy integration has no path to fill (REST ignored it too)")
        return
    uri_text = text_of(integ.get("uri"))
    m = re.match(r"^method\.request\.path\.(.+)$", source)
    if kind in ("http_proxy", "http") and uri_text is not None and "{" + name + "}" in uri_text and m:
        variable = m.group(1)
        if variable != name:
            integ["uri"] = map_text(integ["uri"], lambda t: t.replace("{" + name + "}", "{" + variable + "}"))
            # Which route variable HTTP APIs fill a renamed uri variable from is [U].
            ctx.note(
                f"{o.route}: uri variable {{{name}}} renamed {{{variable}}}, the route variable HTTP APIs fill it from "
                "(not confirmed by AWS's documentation)"
            )
        else:
            ctx.note(f"{o.route}: path mapping {name} dropped: HTTP APIs fill {{{name}}} in the uri from the route path (not confirmed by AWS's documentation)")
        return
    ctx.note(f"{o.route}: path mapping {name} ← {source or 'a static value'} dropped: HTTP APIs have no per-variable path target")


def _responses(o: Op, integ: dict, ctx: Context) -> None:
    mapped: dict[str, dict[str, Any]] = dict(integ.get("responseParameters") or {})
    for pattern, response in integ["responses"].items():
        if not isinstance(response, dict) or not isinstance(response.get("responseParameters"), dict):
            continue
        params = response["responseParameters"]
        if not params:
            continue
        if not re.fullmatch(r"[2-5][0-9][0-9]", str(pattern)):
            ctx.note(f"{o.route}: response mapping for the selection pattern {pattern!r} left out (HTTP keys on one status code)")
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
            ctx.note(f"{o.route}: response mapping {', '.join(left_out)} for status {pattern} left out")
        if entry:
            mapped[str(pattern)] = entry
    if mapped:
        integ["responseParameters"] = mapped
        ctx.note(f"{o.route}: response mapping for status {', '.join(sorted(mapped))}")
