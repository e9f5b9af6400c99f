"""stage: translate the REST stage into HTTP stage settings, and list the Lambda functions to grant.

The REST stage comes from a bundle's `stage` (get_stage, botocore names), a SAM `AWS::Serverless::Api`'s
properties, or the `AWS::ApiGateway::Stage` of a CloudFormation RestApi. `ConvertResult.stage` gets it in
apigatewayv2 CreateStage names (fact sheet §11): method settings re-keyed from REST keys
(``~1books~1{id}/GET``, ``*/*``) to route keys, throttling and detailed metrics copied, the access-log
format with REST-only variables replaced, stage variables and tags copied. What HTTP stages lack (cache,
execution logs, X-Ray, canary, WAF, client certificate, Firehose logs) is left out (the AGW6xx rules said so). The document
itself is not changed.

`ConvertResult.lambda_functions` lists each Lambda function an integration or authorizer calls (the ARN
inside ``…/functions/{ARN}/invocations``, kept as written) with its routes, for the new permissions (§15).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Callable

from apigw_migrate import pointer as jp
from apigw_migrate.checks.context import describe
from apigw_migrate.findings import Finding
from apigw_migrate.openapi import AUTHORIZER, LAMBDA_FUNCTION_IN_URI, method_settings_routes, template_method_settings_key
from apigw_migrate.transforms.context import (
    Context,
    integration_type,
    joined_as_sub,
    operations,
    protect,
    restore,
    sub_to_intrinsic,
    text_of,
)
from apigw_migrate.checks.mapping import rest_only_context

if TYPE_CHECKING:
    from apigw_migrate.transforms import LambdaUse

_CONTEXT_VAR = re.compile(r"\$context\.([A-Za-z0-9_.]+)")
# REST access-log variables with a close HTTP counterpart; the others become "-".
_LOG_RENAMES = {"resourcePath": "$context.routeKey"}
_SETTINGS = {"throttlingBurstLimit": "ThrottlingBurstLimit", "throttlingRateLimit": "ThrottlingRateLimit", "metricsEnabled": "DetailedMetricsEnabled"}
_CFN_SETTINGS = {
    "MetricsEnabled": "metricsEnabled", "LoggingLevel": "loggingLevel", "DataTraceEnabled": "dataTraceEnabled",
    "ThrottlingBurstLimit": "throttlingBurstLimit", "ThrottlingRateLimit": "throttlingRateLimit",
    "CachingEnabled": "cachingEnabled", "CacheTtlInSeconds": "cacheTtlInSeconds", "CacheDataEncrypted": "cacheDataEncrypted",
}  # fmt: skip


def stage(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Fill `ctx.stage` and `ctx.lambda_functions`; the document is returned unchanged.

    >>> uri = "arn:aws:apigateway:r:lambda:path/2015-03-31/functions/arn:aws:lambda:r:1:function:f/invocations"
    >>> doc = {"paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "AWS_PROXY", "uri": uri}}}}}
    >>> ctx = Context()
    >>> _, findings = stage(doc, ctx)
    >>> ctx.stage, [(u.function, u.routes) for u in ctx.lambda_functions]
    ({'StageName': '$default'}, [('arn:aws:lambda:r:1:function:f', ('GET /a',))])
    """
    rest, base = _rest_stage(ctx)
    ctx.stage = _translate(doc, rest, base, ctx) if rest else {"StageName": ctx.options.stage_name}
    ctx.lambda_functions = _lambda_functions(doc, ctx)
    return doc, []


# -- reading the REST stage ---------------------------------------------------------------------


def _rest_stage(ctx: Context) -> tuple[dict | None, str]:
    """The REST stage in get_stage field names, and the pointer of where it is written."""
    src = ctx.src
    if src is None:
        return None, ""
    if src.bundle is not None and isinstance(src.bundle.get("stage"), dict):
        return src.bundle["stage"], "/stage"
    props = src.template_resource
    if isinstance(props, dict) and src.template_pointer and ("StageName" in props or "MethodSettings" in props):
        return _from_cfn(props), src.template_pointer
    resources = src.document.get("Resources") if isinstance(src.document, dict) else None
    if isinstance(resources, dict) and src.api_name:
        for name, resource in resources.items():
            if not isinstance(resource, dict) or resource.get("Type") != "AWS::ApiGateway::Stage":
                continue
            stage_props = resource.get("Properties")
            if isinstance(stage_props, dict) and stage_props.get("RestApiId") == {"Ref": src.api_name}:
                return _from_cfn(stage_props), jp.join("/Resources", name, "Properties")
    return None, ""


def _from_cfn(props: dict) -> dict:
    out: dict[str, Any] = {}
    simple = {
        "StageName": "stageName", "Variables": "variables", "CacheClusterEnabled": "cacheClusterEnabled",
        "TracingEnabled": "tracingEnabled", "ClientCertificateId": "clientCertificateId", "CacheClusterSize": "cacheClusterSize",
    }  # fmt: skip
    for cfn, rest in simple.items():
        if cfn in props:
            out[rest] = props[cfn]
    if isinstance(props.get("CanarySetting"), dict):
        out["canarySettings"] = props["CanarySetting"]
    log = props.get("AccessLogSetting")
    if isinstance(log, dict):
        out["accessLogSettings"] = {k[0].lower() + k[1:]: v for k, v in log.items()}
    tags = props.get("Tags")
    if isinstance(tags, list):
        out["tags"] = {t.get("Key"): t.get("Value") for t in tags if isinstance(t, dict)}
    elif isinstance(tags, dict):
        out["tags"] = tags
    settings = {}
    for item in props.get("MethodSettings") or []:
        if not isinstance(item, dict):
            continue
        settings[template_method_settings_key(str(item.get("ResourcePath", "/*")), str(item.get("HttpMethod", "*")))] = {
            rest: item[cfn] for cfn, rest in _CFN_SETTINGS.items() if cfn in item
        }
    if settings:
        out["methodSettings"] = settings
    return out


# -- translating it -----------------------------------------------------------------------------


# get_stage names → CloudFormation property names, to point findings at what a template says.
_CFN_NAMES = {
    "cacheClusterEnabled": "CacheClusterEnabled", "tracingEnabled": "TracingEnabled", "canarySettings": "CanarySetting",
    "clientCertificateId": "ClientCertificateId", "accessLogSettings": "AccessLogSetting", "methodSettings": "MethodSettings",
    "destinationArn": "DestinationArn", "format": "Format", "webAclArn": "WebAclArn",
}  # fmt: skip


def _translate(doc: dict, rest: dict, base: str, ctx: Context) -> dict:
    in_template = base.startswith("/Resources/")

    def where(*tokens: str) -> str:
        if in_template:
            # MethodSettings is a list in templates: point at the list, not at a REST key.
            tokens = tuple(_CFN_NAMES.get(t, t) for t in tokens[:2] if not (tokens[0] == "methodSettings" and t != "methodSettings"))
        return jp.join(base, *tokens)

    def report(rule: str, ptr: str, message: str) -> None:
        # The rule (AGW6xx, AGW105, AGW106) reported it; --explain says what this pass did about it.
        ctx.note(message)

    out: dict[str, Any] = {"StageName": ctx.options.stage_name}
    rest_name = rest.get("stageName")
    if rest_name and rest_name != ctx.options.stage_name:
        shown = repr(rest_name) if isinstance(rest_name, str) else f"({describe(rest_name)})"
        ctx.note(f"REST stage {shown} becomes the HTTP stage {ctx.options.stage_name!r}")
    _method_settings(doc, rest, out, where, report, ctx)
    if rest.get("cacheClusterEnabled"):
        report("AGW601", where("cacheClusterEnabled"),
               f"stage cache cluster ({describe(rest.get('cacheClusterSize', '?'))} GB) has no HTTP equivalent: every request reaches the backend")  # fmt: skip
    if rest.get("tracingEnabled"):
        report("AGW604", where("tracingEnabled"), "X-Ray tracing is not available on HTTP APIs; trace from the backend instead")
    if rest.get("canarySettings"):
        report("AGW605", where("canarySettings"),
               "canary deployment settings have no HTTP equivalent; shift traffic with the migration plan or a second stage")  # fmt: skip
    if rest.get("webAclArn"):
        report("AGW105", where("webAclArn"), f"WAF web ACL {rest['webAclArn']} cannot be associated with an HTTP API stage")
    if rest.get("clientCertificateId"):
        report("AGW106", where("clientCertificateId"),
               f"backend client certificate {rest['clientCertificateId']} cannot be used by an HTTP API (no backend mTLS certificate)")  # fmt: skip
    log = rest.get("accessLogSettings")
    if isinstance(log, dict) and log.get("destinationArn"):
        destination = log["destinationArn"]
        if ":firehose:" in str(text_of(destination) or ""):
            report("AGW606", where("accessLogSettings", "destinationArn"),
                   f"access logs go to Firehose ({describe(destination)}); HTTP APIs log to CloudWatch Logs only, so AccessLogSettings was left out")  # fmt: skip
        else:
            fmt, replaced = _log_format(log.get("format"))
            if replaced:
                report("AGW607", where("accessLogSettings", "format"),
                       f"access log format uses variables HTTP APIs lack; replaced: {', '.join(replaced)}")  # fmt: skip
            out["AccessLogSettings"] = {"DestinationArn": destination, **({"Format": fmt} if fmt is not None else {})}
    if isinstance(rest.get("variables"), dict) and rest["variables"]:
        out["StageVariables"] = dict(rest["variables"])
    if isinstance(rest.get("tags"), dict) and rest["tags"]:
        out["Tags"] = dict(rest["tags"])
    return out


def _log_format(fmt: Any) -> tuple[Any, list[str]]:
    text = text_of(fmt)
    if text is None:
        return fmt, []
    replaced: list[str] = []

    def swap(m: re.Match) -> str:
        variable = m.group(1)
        if not rest_only_context(variable):
            return m.group()
        new = _LOG_RENAMES.get(variable, "-")
        replaced.append(f"{m.group()} → {new}")
        return new

    new = _CONTEXT_VAR.sub(swap, text)
    return (new if isinstance(fmt, str) else {"Fn::Sub": new}), sorted(set(replaced))


def _method_settings(
    doc: dict, rest: dict, out: dict, where: Callable[..., str], report: Callable[[str, str, str], None], ctx: Context
) -> None:
    settings = rest.get("methodSettings")
    if not isinstance(settings, dict):
        return
    routes = [o.route for o in operations(doc) if o.route not in ctx.blocked]
    rekeyed: list[str] = []
    logging: list[str] = []
    caching: list[str] = []
    # REST applies the most specific setting: wildcards first, so that a method's own values win.
    ordered = sorted(settings.items(), key=lambda kv: (str(kv[0]).split("/")[0] != "*", not str(kv[0]).endswith("/*")))
    for key, ms in ordered:
        if not isinstance(ms, dict):
            continue
        if str(ms.get("loggingLevel", "OFF")).upper() in ("INFO", "ERROR") or ms.get("dataTraceEnabled"):
            logging.append(key)
        if ms.get("cachingEnabled"):
            caching.append(key)
        values = {http: ms[rest_key] for rest_key, http in _SETTINGS.items() if rest_key in ms}
        if not values:
            continue
        matched = method_settings_routes(str(key), routes)
        if matched is None:
            out.setdefault("DefaultRouteSettings", {}).update(values)
            rekeyed.append(f"{key} → DefaultRouteSettings")
            continue
        if not matched:
            ctx.note(f"method settings {key!r}: no route left for them")
            continue
        for route in matched:
            out.setdefault("RouteSettings", {}).setdefault(route, {}).update(values)
        rekeyed.append(f"{key} → {', '.join(matched)}")
    if rekeyed:
        report("AGW608", where("methodSettings"), f"method settings re-keyed for HTTP routes: {'; '.join(rekeyed)}")
    if logging:
        report("AGW603", where("methodSettings", logging[0]),
               f"execution logging or data tracing is on ({', '.join(logging)}); HTTP APIs have access logs only")  # fmt: skip
    if caching:
        report("AGW602", where("methodSettings", caching[0]),
               f"method caching is on ({', '.join(caching)}); HTTP APIs do not cache responses")  # fmt: skip


# -- Lambda functions ---------------------------------------------------------------------------


def lambda_function(uri: Any) -> Any:
    """The function ARN inside a Lambda invocation uri, as written; None when the uri is not one.

    An intrinsic with no text to read (a ``Ref``, an ``Fn::GetAtt``) is returned as it is.

    >>> lambda_function({"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Books.Arn}/invocations"})
    {'Fn::GetAtt': ['Books', 'Arn']}
    """
    joined = joined_as_sub(uri)
    text = text_of(joined)
    if text is None:
        return uri if isinstance(uri, dict) else None
    protected, found = protect(text)
    m = LAMBDA_FUNCTION_IN_URI.search(protected)
    if m is None:
        return None
    piece = restore(m.group(1), found)
    if isinstance(joined, str):
        return piece
    sub = joined["Fn::Sub"]
    if isinstance(sub, list) and len(sub) > 1 and isinstance(sub[1], dict):
        name = piece[2:-1] if piece.startswith("${") and piece.endswith("}") else None
        if name in sub[1]:
            return sub[1][name]
        return {"Fn::Sub": [piece, sub[1]]}
    return sub_to_intrinsic(piece)


def _lambda_functions(doc: dict, ctx: Context) -> list["LambdaUse"]:
    from apigw_migrate.transforms import LambdaUse

    by_function: dict[str, tuple[Any, list[str]]] = {}
    for o in operations(doc):
        integ = o.integration
        if o.route in ctx.blocked or integ is None or integration_type(integ) != "aws_proxy" or "integrationSubtype" in integ:
            continue
        fn = lambda_function(integ.get("uri"))
        if fn is None:
            continue
        key = json.dumps(fn, sort_keys=True)
        by_function.setdefault(key, (fn, []))[1].append(o.route)
    uses = [LambdaUse(function=fn, kind="integration", routes=tuple(routes)) for fn, routes in by_function.values()]
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    for name, scheme in schemes.items():
        auth = scheme.get(AUTHORIZER) if isinstance(scheme, dict) else None
        if isinstance(auth, dict) and str(auth.get("type", "")).lower() == "request" and auth.get("authorizerUri") is not None:
            fn = lambda_function(auth["authorizerUri"])
            if fn is not None:
                uses.append(LambdaUse(function=fn, kind="authorizer", authorizer=name))
    return uses
