"""integrations: turn every REST integration into one HTTP APIs accept, or block its route.

HTTP APIs know two integration types (fact sheet §2.3, §9):

- Lambda proxy (`aws_proxy`) → `AWS_PROXY` with a `payloadFormatVersion` (the option, or the route's
  override); `uri`, `credentials` and `timeoutInMillis` stay (clamped to the 30 s HTTP limit).
- `http_proxy` → `HTTP_PROXY`, payload 1.0. A non-proxy `http` integration whose templates only pass
  the body through becomes `HTTP_PROXY` too (its parameter mappings are translated by `parameters`).
- An `aws` integration to SQS, EventBridge, Kinesis, Step Functions or AppConfig whose template is one
  of the recognised shapes becomes `AWS_PROXY` with an `integrationSubtype` and service parameters.

Everything else (other `aws` services, Lambda non-proxy, VTL-dependent `http`, `mock` outside CORS,
response streaming) cannot move: the route is blocked with the finding that says why.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_plus

from apigw_migrate import pointer as jp
from apigw_migrate.findings import Finding, Severity
from apigw_migrate.openapi import LAMBDA_FUNCTION_IN_URI
from apigw_migrate.transforms.context import (
    Context,
    Op,
    as_int,
    integration_type,
    joined_as_sub,
    operations,
    path_variables,
    protect,
    restore,
    text_of,
)
from apigw_migrate.transforms.cors import is_cors_preflight

HTTP_TIMEOUT_MAX = 30000
_CFN_VAR = re.compile(r"\$\{[^}]*\}")
_AWS_URI = re.compile(r"^arn:[^:]*:apigateway:([^:]*):([^:]+):(path|action)/(.*)$", re.S)
PASSTHROUGH_TEMPLATES = ("", "$input.json('$')", '$input.json("$")', "$input.body")

# Where payload 1.0 puts a Lambda authorizer's context is [U].
PAYLOAD_1_0 = (
    "Lambda integrations use payload format 1.0, the REST proxy event plus `version: \"1.0\"`: the response "
    "shape is unchanged, but `requestContext.resourceId` is null, `requestContext.stage` is the HTTP stage "
    "(`$default` unless you name one), header names may arrive lower-cased, a Lambda authorizer's context sits "
    "at `requestContext.authorizer.<key>` (not confirmed by AWS's documentation) and JWT claims at `requestContext.authorizer.claims`"
)
PAYLOAD_2_0 = (
    "Lambda integrations use payload format 2.0, a different event: no `multiValueHeaders` or "
    "`multiValueQueryStringParameters` (repeated values arrive comma-joined), cookies in `cookies[]`, "
    "`rawPath`/`rawQueryString`/`routeKey` and `requestContext.http.{method,path,sourceIp,userAgent}` instead of "
    "`httpMethod`/`path`/`requestContext.identity`, authorizer data under `requestContext.authorizer.lambda|jwt|iam`, "
    "`rawPath` without the custom-domain mapping prefix; a response without `statusCode` is taken as a 200 JSON body. "
    "Update the functions before switching traffic"
)

# (service, action) → (integrationSubtype, required parameters, optional parameters)
SUBTYPES: dict[tuple[str, str], tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    ("sqs", "SendMessage"): ("SQS-SendMessage", ("QueueUrl", "MessageBody"), (
        "DelaySeconds", "MessageAttributes", "MessageDeduplicationId", "MessageGroupId", "MessageSystemAttributes", "Region")),
    ("sqs", "ReceiveMessage"): ("SQS-ReceiveMessage", ("QueueUrl",), (
        "AttributeNames", "MaxNumberOfMessages", "MessageAttributeNames", "ReceiveRequestAttemptId", "VisibilityTimeout",
        "WaitTimeSeconds", "Region")),
    ("sqs", "DeleteMessage"): ("SQS-DeleteMessage", ("ReceiptHandle", "QueueUrl"), ("Region",)),
    ("sqs", "PurgeQueue"): ("SQS-PurgeQueue", ("QueueUrl",), ("Region",)),
    ("events", "PutEvents"): ("EventBridge-PutEvents", ("Detail", "DetailType", "Source"), (
        "Time", "EventBusName", "Resources", "Region", "TraceHeader")),
    ("kinesis", "PutRecord"): ("Kinesis-PutRecord", ("StreamName", "Data", "PartitionKey"), (
        "SequenceNumberForOrdering", "ExplicitHashKey", "Region")),
    ("states", "StartExecution"): ("StepFunctions-StartExecution", ("StateMachineArn",), ("Name", "Input", "Region")),
    ("states", "StartSyncExecution"): ("StepFunctions-StartSyncExecution", ("StateMachineArn",), (
        "Name", "Input", "Region", "TraceHeader")),
    ("states", "StopExecution"): ("StepFunctions-StopExecution", ("ExecutionArn",), ("Cause", "Error", "Region")),
    ("appconfig", "GetConfiguration"): ("AppConfig-GetConfiguration", ("Application", "Environment", "Configuration", "ClientId"), (
        "ClientConfigurationVersion", "Region")),
}  # fmt: skip
_SERVICE_ALIASES = {"sync-states": "states", "eventbridge": "events"}


def integrations(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Rewrite each operation's `x-amazon-apigateway-integration` for HTTP APIs.

    >>> doc = {"paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy",
    ...   "httpMethod": "POST", "uri": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
    ...   "arn:aws:lambda:eu-west-1:1:function:f/invocations", "timeoutInMillis": 29000}}}}}
    >>> out, findings = integrations(doc, Context())
    >>> out["paths"]["/a"]["get"]["x-amazon-apigateway-integration"]["payloadFormatVersion"], [f.rule for f in findings]
    ('1.0', ['AGW313'])
    """
    findings: list[Finding] = []
    lambda_routes: dict[str, list[Op]] = {"1.0": [], "2.0": []}
    for o in operations(doc):
        integ = o.integration
        if integ is None:
            continue
        kind = integration_type(integ)
        if str(integ.get("responseTransferMode", "")).upper() == "STREAM":
            _block(ctx, findings, o, "AGW310", jp.join(o.integration_pointer, "responseTransferMode"),
                   f"{o.route}: the integration streams its response (responseTransferMode STREAM); HTTP APIs buffer every response")  # fmt: skip
            continue
        if kind == "aws_proxy":
            if "integrationSubtype" in integ:
                continue
            version = _payload_version(o, ctx)
            _lambda_proxy(integ, version)
            lambda_routes[version].append(o)
        elif kind == "http_proxy":
            integ["type"] = "HTTP_PROXY"
            integ["payloadFormatVersion"] = "1.0"
        elif kind == "http":
            _http(o, integ, ctx, findings)
        elif kind == "aws":
            _aws(o, integ, ctx, findings)
        elif kind == "mock":
            if is_cors_preflight(o.method, integ):
                continue
            _block(ctx, findings, o, "AGW305", jp.join(o.integration_pointer, "type"),
                   f"{o.route}: MOCK integration; HTTP APIs have no mock integrations (answer it from a Lambda function)")  # fmt: skip
            continue
        else:
            continue
        if o.route in ctx.blocked:
            continue
        _timeout(o, integ, ctx, findings)
        _vpc_link(o, integ, ctx, findings)
    for version, ops in lambda_routes.items():
        live = [o for o in ops if o.route not in ctx.blocked]
        if live:
            findings.append(
                ctx.finding(
                    "AGW313",
                    live[0].integration_pointer,
                    f"{len(live)} Lambda proxy route(s): {PAYLOAD_1_0 if version == '1.0' else PAYLOAD_2_0}",
                    routes=[o.route for o in live],
                )
            )
            ctx.note(f"{len(live)} Lambda proxy integration(s) → AWS_PROXY, payloadFormatVersion {version}")
    return doc, findings


def _block(ctx: Context, findings: list[Finding], o: Op, rule: str, ptr: str, message: str, severity: Severity | None = None) -> None:
    f = ctx.finding(rule, ptr, message, routes=[o.route], severity=severity)
    findings.append(f)
    ctx.block(o.route, f)


def _payload_version(o: Op, ctx: Context) -> str:
    override = ctx.options.route_overrides.get(o.route) or {}
    return str(override.get("payloadFormatVersion", ctx.options.payload_format))


def _lambda_proxy(integ: dict, version: str) -> None:
    integ["type"] = "AWS_PROXY"
    integ["httpMethod"] = "POST"
    integ["payloadFormatVersion"] = version


def _timeout(o: Op, integ: dict, ctx: Context, findings: list[Finding]) -> None:
    value = as_int(integ.get("timeoutInMillis"))
    if value is not None and value > HTTP_TIMEOUT_MAX:
        integ["timeoutInMillis"] = HTTP_TIMEOUT_MAX
        findings.append(
            ctx.finding(
                "AGW312",
                jp.join(o.integration_pointer, "timeoutInMillis"),
                f"{o.route}: integration timeout {value} ms clamped to {HTTP_TIMEOUT_MAX} ms, the HTTP API maximum",
                routes=[o.route],
            )
        )


def _vpc_link(o: Op, integ: dict, ctx: Context, findings: list[Finding]) -> None:
    if str(integ.get("connectionType", "")).upper() != "VPC_LINK":
        return
    # V1 link ids are not valid for HTTP APIs, but whether the REST API's link id can be reused as it is
    # is [U] (fact sheet appendix): the integration is written as it was, with a warning, not blocked.
    target = integ.pop("integrationTarget", None)
    extra = f"; the REST integrationTarget {target!r} was removed (HTTP names the listener in the uri)" if target is not None else ""
    findings.append(
        ctx.finding(
            "AGW311",
            jp.join(o.integration_pointer, "connectionType"),
            # What HTTP import does with a VPC link V1 id is [U].
            f"{o.route}: private integration through a REST VPC link, written as it was but not working as written (HTTP "
            f"import refuses or drops it): before importing, set connectionId to a VPC link V2 id and the uri to the "
            f"ALB/NLB listener ARN or Cloud Map service ARN (an NLB DNS name does not work on HTTP APIs){extra}",
            routes=[o.route],
        )
    )


# -- http (non-proxy) ---------------------------------------------------------------------------


def _http(o: Op, integ: dict, ctx: Context, findings: list[Finding]) -> None:
    templates = [t for t in (integ.get("requestTemplates") or {}).values() if not _passthrough(t)]
    responses = integ.get("responses") if isinstance(integ.get("responses"), dict) else {}
    response_templates = [
        t for r in responses.values() if isinstance(r, dict) for t in (r.get("responseTemplates") or {}).values() if not _passthrough(t)
    ]
    if templates or response_templates:
        where = "requestTemplates" if templates else "responses"
        _block(ctx, findings, o, "AGW304", jp.join(o.integration_pointer, where),
               f"{o.route}: HTTP (non-proxy) integration transforms the "
               f"{'request' if templates else 'response'} body with a VTL template; HTTP APIs cannot",
               severity=Severity.BLOCKER)  # fmt: skip
        return
    codes = sorted({str(r.get("statusCode")) for r in responses.values() if isinstance(r, dict) and "statusCode" in r})
    status_note = (
        f"; REST answered with the status codes of its integration responses ({', '.join(codes)}), HTTP passes the backend's own status through"
        if codes
        else ""
    )
    integ["type"] = "HTTP_PROXY"
    integ["payloadFormatVersion"] = "1.0"
    integ.pop("requestTemplates", None)
    findings.append(
        ctx.finding(
            "AGW304",
            jp.join(o.integration_pointer, "type"),
            f"{o.route}: HTTP (non-proxy) integration without body templates converted to HTTP_PROXY with parameter "
            f"mapping{status_note}",
            routes=[o.route],
            severity=Severity.WARNING,
        )
    )
    ctx.note(f"{o.route}: http → HTTP_PROXY")


def _passthrough(template: Any) -> bool:
    return template is None or (isinstance(template, str) and template.strip() in PASSTHROUGH_TEMPLATES)


# -- aws (service integrations) -----------------------------------------------------------------


def _aws(o: Op, integ: dict, ctx: Context, findings: list[Finding]) -> None:
    uri = text_of(joined_as_sub(integ.get("uri")))
    if uri is not None and LAMBDA_FUNCTION_IN_URI.search(uri):
        _block(ctx, findings, o, "AGW303", jp.join(o.integration_pointer, "type"),
               f"{o.route}: Lambda non-proxy integration (type aws): the request and response go through VTL templates "
               "that HTTP APIs do not run; switch the function to the proxy event (payload 1.0 is closest) and map in code")  # fmt: skip
        return
    parsed = _parse_aws_uri(uri) if uri is not None else None
    if parsed is None:
        _block(ctx, findings, o, "AGW302", jp.join(o.integration_pointer, "uri"),
               f"{o.route}: AWS service integration whose uri cannot be read; no integration subtype can replace it")  # fmt: skip
        return
    region, service, style, rest = parsed
    service = _SERVICE_ALIASES.get(service, service)
    action, params, problem = _service_call(o, integ, service, style, rest, region)
    known = SUBTYPES.get((service, action or ""))
    if known is None:
        what = f"{service} {action}" if action else service
        _block(ctx, findings, o, "AGW302", jp.join(o.integration_pointer, "uri"),
               f"{o.route}: AWS integration to {what}: no HTTP API integration subtype exists for it (use a Lambda "
               "function in between, or keep this route on REST)")  # fmt: skip
        return
    subtype, required, optional = known
    if problem is None:
        missing = [p for p in required if p not in params]
        unknown = [p for p in params if p not in required and p not in optional]
        if missing:
            problem = f"the template does not give {', '.join(missing)}"
        elif unknown:
            problem = f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a parameter of {subtype}"
    if problem is not None:
        _block(ctx, findings, o, "AGW302", jp.join(o.integration_pointer, "requestTemplates"),
               f"{o.route}: AWS integration to {service} {action} could become {subtype}, but {problem}; rewrite it by hand "
               "or keep the route on REST")  # fmt: skip
        return
    if integ.get("credentials") in (None, ""):
        _block(ctx, findings, o, "AGW301", o.integration_pointer,
               f"{o.route}: {subtype} needs an IAM role for API Gateway to assume (credentials), and the REST integration has none",
               severity=Severity.BLOCKER)  # fmt: skip
        return
    had_response_mapping = any(
        isinstance(r, dict) and (r.get("responseTemplates") or r.get("responseParameters"))
        for r in (integ.get("responses") or {}).values()
    )
    lost = "; its REST response mapping (templates, headers) is gone" if had_response_mapping else ""
    if "base64Encode" in str(integ.get("requestTemplates")):
        # Whether the service then receives the body encoded the same way is [U].
        lost += "; the REST template base64-encoded the body itself: check the data arrives encoded the same way"
    new = {"type": "AWS_PROXY", "integrationSubtype": subtype, "credentials": integ["credentials"], "requestParameters": params,
           "payloadFormatVersion": "1.0"}  # fmt: skip
    for key in ("timeoutInMillis", "connectionType", "connectionId"):
        if key in integ:
            new[key] = integ[key]
    integ.clear()
    integ.update(new)
    findings.append(
        ctx.finding(
            "AGW301",
            o.integration_pointer,
            f"{o.route}: AWS integration to {service} {action} converted to integrationSubtype {subtype}: verify that clients "
            f"accept the service's own response (its JSON shape and status codes pass through, no response mapping){lost}",
            routes=[o.route],
        )
    )
    ctx.note(f"{o.route}: aws {service} {action} → AWS_PROXY {subtype}")


def _parse_aws_uri(uri: str) -> tuple[str, str, str, str] | None:
    protected, found = protect(uri)
    m = _AWS_URI.match(protected)
    if m is None:
        return None
    region, service, style, rest = m.groups()
    return restore(region, found), restore(service, found).lower(), style, restore(rest, found)


def _service_call(o: Op, integ: dict, service: str, style: str, rest: str, region: str) -> tuple[str | None, dict[str, Any], str | None]:
    """(action, service parameters, why they cannot be derived or None)."""
    templates = {k: v for k, v in (integ.get("requestTemplates") or {}).items() if v is not None}
    template_value = templates.get("application/json", next(iter(templates.values()), None)) if templates else None
    if len({json.dumps(v, sort_keys=True) for v in templates.values()}) > 1:
        return None, {}, "it has different templates per content type"
    wrapped = isinstance(template_value, dict)
    template = text_of(template_value) if template_value is not None else ""
    if template is None:
        return None, {}, "its template is not a plain string"
    path_params = _parameter_locations(o)
    params: dict[str, Any] = {}
    action: str | None = rest.split("&", 1)[0].split("?", 1)[0] if style == "action" else None
    problem: str | None = None
    if service == "sqs":
        pairs = _form_pairs(template) if template.strip() else []
        for key, value in pairs:
            if key == "Action":
                action = value
            elif key != "Version":
                params[key] = value
        if style == "path" and rest:
            account_queue = rest.strip("/")
            params.setdefault("QueueUrl", f"https://sqs.{region}.amazonaws.com/{account_queue}")
        params.update(_query_parameters(integ))
    elif service == "appconfig":
        m = re.match(r"applications/([^/]+)/environments/([^/]+)/configurations/([^/?]+)", rest)
        if m:
            action = "GetConfiguration"
            params.update(zip(("Application", "Environment", "Configuration"), m.groups()))
        query = _query_parameters(integ)
        rename = {"client_id": "ClientId", "client_configuration_version": "ClientConfigurationVersion"}
        params.update({rename.get(k, k): v for k, v in query.items()})
    else:
        if template.strip():
            body = _json_template(template)
            if body is None:
                return action, {}, "its template is not a JSON object HTTP parameters can express"
            if service == "events":
                entries = body.get("Entries") if isinstance(body, dict) else None
                if not (isinstance(entries, list) and len(entries) == 1 and isinstance(entries[0], dict)):
                    return action, {}, "its template does not hold exactly one entry in Entries"
                body = entries[0]
            params.update(body)
    names = {n.lower(): n for _, required, optional in SUBTYPES.values() for n in required + optional}
    # Inside an Fn::Sub (the template's or the uri's) a ${…} is a CloudFormation variable: keep it one.
    in_sub = wrapped or isinstance(joined_as_sub(integ.get("uri")), dict)
    out: dict[str, Any] = {}
    for key, value in params.items():
        name = names.get(key.lower(), key)
        translated = value if (isinstance(value, str) and value.startswith("$request.")) else _vtl_value(value, path_params)
        if translated is None:
            problem = problem or f"{key} = {value!r} uses VTL that HTTP parameter mapping cannot express"
            continue
        out[name] = {"Fn::Sub": translated} if in_sub and "${" in translated else translated
    return action, out, problem


def _form_pairs(template: str) -> list[tuple[str, str]]:
    pairs = []
    for part in template.strip().split("&"):
        key, _, value = part.partition("=")
        value = value.strip()
        pairs.append((unquote_plus(key.strip()), value if "$" in value else unquote_plus(value)))
    return pairs


def _query_parameters(integ: dict) -> dict[str, Any]:
    """REST `integration.request.querystring.X` mappings of a service integration, as service parameters."""
    out: dict[str, Any] = {}
    for key, source in (integ.get("requestParameters") or {}).items():
        if isinstance(key, str) and key.startswith("integration.request.querystring."):
            from apigw_migrate.transforms.parameters import translate_source

            value = translate_source(source)
            out[key.rsplit(".", 1)[1]] = value if value is not None else source
    return out


_UNQUOTED_VTL = re.compile(r"(?<![\"\w])(\$(?:util\.\w+\()?\$?input\.(?:json|path)\('[^']*'\)\)?|\$input\.body)(?![\"\w])")


def _json_template(template: str) -> dict | None:
    try:
        body = json.loads(template)
    except ValueError:
        try:
            body = json.loads(_UNQUOTED_VTL.sub(lambda m: json.dumps(m.group(1)), template))
        except ValueError:
            return None
    if not isinstance(body, dict):
        return None
    if any(not isinstance(v, str) and not (isinstance(v, list) and all(isinstance(i, dict) for i in v)) for v in body.values()):
        return None
    return body


_BODY_FORMS = (
    "$input.body",
    "$input.json('$')",
    "$util.escapeJavaScript($input.body)",
    "$util.escapeJavaScript($input.json('$'))",
    "$util.base64Encode($input.body)",
    "$util.base64Encode($input.json('$'))",
)


def _parameter_locations(o: Op) -> dict[str, str]:
    """Request parameter name → where the operation reads it (path, querystring, header)."""
    places = {"query": "querystring", "header": "header", "path": "path"}
    out: dict[str, str] = {}
    for p in o.op.get("parameters") or []:
        if isinstance(p, dict) and p.get("in") in places and isinstance(p.get("name"), str):
            out.setdefault(p["name"], places[p["in"]])
    for name in path_variables(o.path):
        out[name] = "path"
    return out


def _vtl_value(value: Any, path_params: dict[str, str]) -> str | None:
    """A REST template value as an HTTP parameter-mapping value, or None.

    >>> _vtl_value("$util.escapeJavaScript($input.json('$'))", {})
    '$request.body'
    >>> _vtl_value("$input.params('id')", {"id": "path"}), _vtl_value("$context.requestId", {})
    ('$request.path.id', '$context.requestId')
    >>> _vtl_value("#set($x = 1)$x", {}) is None
    True
    """
    if not isinstance(value, str):
        return None
    v = value.strip()
    m = re.fullmatch(r"\$util\.urlEncode\((.*)\)", v)
    if m:
        v = m.group(1).strip()
    if v.replace('"', "'") in _BODY_FORMS:
        return "$request.body"
    m = re.fullmatch(r"(?:\$util\.(?:escapeJavaScript|base64Encode)\()?\$input\.(?:json|path)\('\$\.([\w.]+)'\)\)?", v)
    if m:
        return f"$request.body.{m.group(1)}"
    m = re.fullmatch(r"\$input\.params\('([\w.-]+)'\)", v)
    if m:
        # $input.params('x') searches path, query string, then headers: the declared parameter's place,
        # the query string when nothing declares it [U].
        return f"$request.{path_params.get(m.group(1), 'querystring')}.{m.group(1)}"
    m = re.fullmatch(r"\$input\.params\(\)\.(header|querystring|path)\.get\('([\w.-]+)'\)", v)
    if m:
        return f"$request.{m.group(1)}.{m.group(2)}"
    m = re.fullmatch(r"\$(context|stageVariables)\.([\w.]+)", v)
    if m:
        return v
    if "$" in _CFN_VAR.sub("", v) or "#" in v:
        return None
    return v
