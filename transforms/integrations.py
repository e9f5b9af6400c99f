"""integrations: turn every REST integration into one HTTP APIs accept.

HTTP APIs know two integration types (fact sheet §2.3, §9):

- Lambda proxy (`aws_proxy`) → `AWS_PROXY` with a `payloadFormatVersion` (the option, or the route's
  override); `uri`, `credentials` and `timeoutInMillis` stay (clamped to the 30 s HTTP limit).
- `http_proxy` → `HTTP_PROXY`, payload 1.0. A non-proxy `http` integration whose templates only pass
  the body through becomes `HTTP_PROXY` too (its parameter mappings are translated by `parameters`).
- An `aws` integration to SQS, EventBridge, Kinesis, Step Functions or AppConfig whose template is one
  of the recognised shapes becomes `AWS_PROXY` with an `integrationSubtype` and service parameters.

Everything else (other `aws` services, Lambda non-proxy, VTL-dependent `http`, `mock` outside CORS,
response streaming) was blocked by the analysis (AGW302-AGW305, AGW310), which judges with the same
functions (`checks/services.py`): such a route never reaches this pass.
"""

from __future__ import annotations

from typing import Any

from apigw_migrate import pointer as jp
from apigw_migrate.checks.integrations import given_vpc_link
from apigw_migrate.checks.services import http_templates, is_cors_preflight, is_lambda_uri, service_call, uri_text
from apigw_migrate.findings import Finding
from apigw_migrate.transforms.context import Context, Op, as_int, integration_type, joined_as_sub, operations
from apigw_migrate.transforms.private import link_key, path_renames, private_integration


HTTP_TIMEOUT_MAX = 30000

def integrations(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Rewrite each operation's `x-amazon-apigateway-integration` for HTTP APIs.

    >>> doc = {"paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy",
    ...   "httpMethod": "POST", "uri": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
    ...   "arn:aws:lambda:eu-west-1:1:function:f/invocations", "timeoutInMillis": 29000}}}}}
    >>> out, findings = integrations(doc, Context())
    >>> out["paths"]["/a"]["get"]["x-amazon-apigateway-integration"]["payloadFormatVersion"], findings
    ('1.0', [])
    """
    findings: list[Finding] = []
    lambdas = {"1.0": 0, "2.0": 0}
    for o in operations(doc):
        integ = o.integration
        if integ is None or o.route in ctx.blocked:  # blocked: left out (by `routes`, in convert)
            continue
        kind = integration_type(integ)
        if str(integ.get("responseTransferMode", "")).upper() == "STREAM":
            findings.append(ctx.cannot(o.route, jp.join(o.integration_pointer, "responseTransferMode"), "a streamed response"))
            continue
        if kind == "aws_proxy":
            if "integrationSubtype" in integ:
                continue
            version = ctx.options.payload_format_of(o.route)
            _lambda_proxy(integ, version)
            lambdas[version] += 1
        elif kind == "http_proxy":
            integ["type"] = "HTTP_PROXY"
            integ["payloadFormatVersion"] = "1.0"
        elif kind == "http":
            where = http_templates(integ)
            if where is not None:
                findings.append(ctx.cannot(o.route, jp.join(o.integration_pointer, where), "an HTTP integration's VTL body template"))
                continue
            _http(o, integ, ctx)
        elif kind == "aws":
            found = _aws(o, integ, ctx)
            if found is not None:
                findings.append(found)
                continue
        elif kind == "mock":
            if is_cors_preflight(o.method, integ):
                continue
            findings.append(ctx.cannot(o.route, jp.join(o.integration_pointer, "type"), "a MOCK integration"))
            continue
        else:
            continue
        _timeout(o, integ, ctx)
        _vpc_link(o, integ, ctx)
    for version, count in lambdas.items():
        if count:
            ctx.note(f"{count} Lambda proxy integration(s) → AWS_PROXY, payloadFormatVersion {version}")
    return doc, findings


def _lambda_proxy(integ: dict, version: str) -> None:
    integ["type"] = "AWS_PROXY"
    integ["httpMethod"] = "POST"
    integ["payloadFormatVersion"] = version


def _timeout(o: Op, integ: dict, ctx: Context) -> None:
    value = as_int(integ.get("timeoutInMillis"))
    if value is not None and value > HTTP_TIMEOUT_MAX:
        integ["timeoutInMillis"] = HTTP_TIMEOUT_MAX
        ctx.note(f"{o.route}: integration timeout {value} ms clamped to {HTTP_TIMEOUT_MAX} ms, the HTTP API maximum")


def _vpc_link(o: Op, integ: dict, ctx: Context) -> None:
    """A private integration: what --vpc-link gives for its REST VPC link replaces it (see `transforms.private`)."""
    if str(integ.get("connectionType", "")).upper() != "VPC_LINK":
        return
    # V1 link ids are not valid for HTTP APIs, but whether the REST API's link id can be reused as it is
    # is [U] (fact sheet appendix): without --vpc-link the integration is written as it was (AGW311 says
    # what to change, and --format openapi refuses it).
    target = integ.pop("integrationTarget", None)
    link = given_vpc_link(ctx.options.vpc_links, integ.get("connectionId"), target is not None)
    if link is None:
        return
    rest_link = integ.get("connectionId")
    # The backend path becomes overwrite:path, an https backend's host tlsConfig.serverNameToVerify (`transforms.private`).
    private_integration(integ, link.listener, path_renames(integ.get("requestParameters")))
    if link.v2_id is not None:
        integ["connectionId"] = link.v2_id
    ctx.note(f"{o.route}: VPC link {link_key(rest_link)} → {integ['connectionId']}, uri {link.listener}")


def _http(o: Op, integ: dict, ctx: Context) -> None:
    """A non-proxy HTTP integration without body templates (see `http_templates`) becomes HTTP_PROXY."""
    integ["type"] = "HTTP_PROXY"
    integ["payloadFormatVersion"] = "1.0"
    integ.pop("requestTemplates", None)
    ctx.note(f"{o.route}: http → HTTP_PROXY")


def _aws(o: Op, integ: dict, ctx: Context) -> Finding | None:
    """An AWS service integration as an integration subtype (see `service_call`); AGW000 when it cannot be one."""
    if is_lambda_uri(uri_text(integ)):
        return ctx.cannot(o.route, jp.join(o.integration_pointer, "type"), "a Lambda non-proxy integration")
    call = service_call(integ, o.path, o.op.get("parameters") or [])
    if call.problem is not None or call.needs_credentials:
        return ctx.cannot(o.route, jp.join(o.integration_pointer, "uri"), f"the AWS integration to {call.what}")
    # Inside an Fn::Sub (the template's or the uri's) a ${…} is a CloudFormation variable: keep it one.
    templates = [v for v in (integ.get("requestTemplates") or {}).values() if v is not None]
    in_sub = isinstance(joined_as_sub(integ.get("uri")), dict) or any(isinstance(t, dict) for t in templates)
    params: dict[str, Any] = {k: ({"Fn::Sub": v} if in_sub and "${" in v else v) for k, v in call.parameters.items()}
    new = {"type": "AWS_PROXY", "integrationSubtype": call.subtype, "credentials": integ["credentials"], "requestParameters": params,
           "payloadFormatVersion": "1.0"}  # fmt: skip
    for key in ("timeoutInMillis", "connectionType", "connectionId"):
        if key in integ:
            new[key] = integ[key]
    integ.clear()
    integ.update(new)
    ctx.note(f"{o.route}: aws {call.what} → AWS_PROXY {call.subtype}")
    return None
