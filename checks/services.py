"""What a REST integration becomes on an HTTP API: the judgement AGW301-AGW305 and the `integrations` pass share.

The rules decide with these functions whether a route can move; the pass calls the same functions to
rewrite it, so the two cannot drift apart: an AWS service integration becomes an `integrationSubtype`
exactly when `service_call` finds no problem, a non-proxy HTTP integration becomes `HTTP_PROXY` exactly
when `http_templates` finds no body template.

HTTP APIs call five AWS services directly (fact sheet §9): SQS, EventBridge, Kinesis PutRecord, Step
Functions and AppConfig, each action with a fixed set of parameters that take HTTP parameter-mapping
values (`$request.body.x`, `$request.path.id`, `$context.requestId`, static text). A REST `aws`
integration moves when its uri names such an action and its VTL request template only places request
values into those parameters.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from apigw_migrate.checks.context import as_text, mapping
from apigw_migrate.openapi import LAMBDA_FUNCTION_IN_URI

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
_PARAMETER_NAMES = {n.lower(): n for _, required, optional in SUBTYPES.values() for n in required + optional}
PASSTHROUGH_TEMPLATES = ("", "$input.json('$')", '$input.json("$")', "$input.body")
_CFN_VAR = re.compile(r"\$\{[^}]*\}")
_AWS_URI = re.compile(r"^arn:[^:]*:apigateway:([^:]*):([^:]+):(path|action)/(.*)$", re.S)


def uri_text(integ: dict | None) -> str:
    """The text of an integration uri (a string, an ``Fn::Sub`` or ``Fn::Join``; '' when unknown)."""
    return (as_text((integ or {}).get("uri")) or "").strip()


def is_lambda_uri(uri: str) -> bool:
    return bool(LAMBDA_FUNCTION_IN_URI.search(uri)) or ":lambda:path/" in uri or ":function:" in uri


def is_passthrough(template: Any) -> bool:
    """A request or response template that only passes the body through (or says nothing)."""
    if template is None:
        return True
    text = as_text(template)
    return text is not None and text.strip() in PASSTHROUGH_TEMPLATES


def http_templates(integ: dict) -> str | None:
    """Where a non-proxy HTTP integration transforms a body with VTL ('requestTemplates' or 'responses'), else None.

    >>> http_templates({"requestTemplates": {"application/json": "$input.body"}}) is None
    True
    >>> http_templates({"responses": {"default": {"responseTemplates": {"application/json": "#set($x=1)"}}}})
    'responses'
    """
    if any(not is_passthrough(t) for t in mapping(integ.get("requestTemplates")).values()):
        return "requestTemplates"
    for response in mapping(integ.get("responses")).values():
        if any(not is_passthrough(t) for t in mapping(mapping(response).get("responseTemplates")).values()):
            return "responses"
    return None


def is_cors_preflight(method: str, integ: dict | None) -> bool:
    """A MOCK OPTIONS integration whose responses set `Access-Control-*` headers and nothing else.

    >>> is_cors_preflight("options", {"type": "mock", "responses": {"default": {"statusCode": "200",
    ...   "responseParameters": {"method.response.header.Access-Control-Allow-Origin": "'*'"}}}})
    True
    >>> is_cors_preflight("get", {"type": "mock"})
    False
    """
    if str(method).lower() != "options" or not isinstance(integ, dict) or str(integ.get("type", "")).lower() != "mock":
        return False
    keys = [str(k).lower() for r in mapping(integ.get("responses")).values() for k in mapping(mapping(r).get("responseParameters"))]
    return bool(keys) and all(k.startswith("method.response.header.access-control-") for k in keys)


@dataclass
class ServiceCall:
    """What an `aws` (non-Lambda) integration calls, and whether an integration subtype can replace it.

    `parameters` are the subtype's request parameters as HTTP mapping values (text; a ``${…}`` in them
    is a CloudFormation variable when the template or uri was an ``Fn::Sub``). `problem` says why no
    subtype can replace the integration; None when `subtype` and `parameters` are the whole answer.
    """

    service: str | None
    action: str | None
    subtype: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    needs_credentials: bool = False  # the subtype needs an IAM role and the integration has none

    @property
    def what(self) -> str:
        if self.service is None:
            return "an AWS service whose uri cannot be read"
        return f"{self.service} {self.action}" if self.action else self.service


def service_call(integ: dict, path: str, parameters: list) -> ServiceCall:
    """Judge an `aws` integration to an AWS service (not Lambda) on the operation at `path`.

    `parameters` are the operation's declared parameters (where `$input.params('x')` reads from).

    >>> sqs = {"type": "aws", "uri": "arn:aws:apigateway:eu-west-1:sqs:path/1/q", "credentials": "arn:role",
    ...        "requestTemplates": {"application/json": "Action=SendMessage&MessageBody=$input.body"}}
    >>> call = service_call(sqs, "/q", [])
    >>> call.subtype, call.parameters, call.problem
    ('SQS-SendMessage', {'MessageBody': '$request.body', 'QueueUrl': 'https://sqs.eu-west-1.amazonaws.com/1/q'}, None)
    """
    parsed = _parse_aws_uri(uri_text(integ))
    if parsed is None:
        return ServiceCall(None, None, problem="its uri cannot be read")
    region, service, style, rest = parsed
    service = _SERVICE_ALIASES.get(service, service)
    action, params, problem = _service_parameters(integ, path, parameters, service, style, rest, region)
    known = SUBTYPES.get((service, action or ""))
    if known is None:
        return ServiceCall(service, action, problem="no HTTP API integration subtype exists for it")
    subtype, required, optional = known
    if problem is None:
        missing = [p for p in required if p not in params]
        unknown = [p for p in params if p not in required and p not in optional]
        if missing:
            problem = f"the template does not give {', '.join(missing)}"
        elif unknown:
            problem = f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a parameter of {subtype}"
    if problem is not None:
        return ServiceCall(service, action, subtype, problem=f"it could become {subtype}, but {problem}")
    return ServiceCall(service, action, subtype, params, needs_credentials=integ.get("credentials") in (None, ""))


def _parse_aws_uri(uri: str) -> tuple[str, str, str, str] | None:
    # ${…} template variables may hold ':' and '/': hide them while splitting.
    found: list[str] = []

    def keep(m: re.Match) -> str:
        found.append(m.group())
        return f"\x00{len(found) - 1}\x00"

    def restore(text: str) -> str:
        return re.sub("\x00(\\d+)\x00", lambda m: found[int(m.group(1))], text)

    m = _AWS_URI.match(_CFN_VAR.sub(keep, uri))
    if m is None:
        return None
    region, service, style, rest = m.groups()
    return restore(region), restore(service).lower(), style, restore(rest)


def _service_parameters(
    integ: dict, path: str, parameters: list, service: str, style: str, rest: str, region: str
) -> tuple[str | None, dict[str, str], str | None]:
    """(action, service parameters, why they cannot be derived or None)."""
    templates = {k: v for k, v in mapping(integ.get("requestTemplates")).items() if v is not None}
    template_value = templates.get("application/json", next(iter(templates.values()), None)) if templates else None
    action: str | None = rest.split("&", 1)[0].split("?", 1)[0] if style == "action" else None
    if len({json.dumps(v, sort_keys=True) for v in templates.values()}) > 1:
        return action, {}, "it has different templates per content type"
    template = as_text(template_value) if template_value is not None else ""
    if template is None:
        return action, {}, "its template is not a plain string"
    path_params = _parameter_locations(path, parameters)
    params: dict[str, Any] = {}
    if service == "sqs":
        for key, value in _form_pairs(template) if template.strip() else []:
            if key == "Action":
                action = value
            elif key != "Version":
                params[key] = value
        if style == "path" and rest:
            params.setdefault("QueueUrl", f"https://sqs.{region}.amazonaws.com/{rest.strip('/')}")
        params.update(_query_parameters(integ))
    elif service == "appconfig":
        m = re.match(r"applications/([^/]+)/environments/([^/]+)/configurations/([^/?]+)", rest)
        if m:
            action = "GetConfiguration"
            params.update(zip(("Application", "Environment", "Configuration"), m.groups()))
        rename = {"client_id": "ClientId", "client_configuration_version": "ClientConfigurationVersion"}
        params.update({rename.get(k, k): v for k, v in _query_parameters(integ).items()})
    elif template.strip():
        body = _json_template(template)
        if body is None:
            return action, {}, "its template is not a JSON object HTTP parameters can express"
        if service == "events":
            entries = body.get("Entries")
            if not (isinstance(entries, list) and len(entries) == 1 and isinstance(entries[0], dict)):
                return action, {}, "its template does not hold exactly one entry in Entries"
            body = entries[0]
        params.update(body)
    out: dict[str, str] = {}
    for key, value in params.items():
        translated = value if (isinstance(value, str) and value.startswith("$request.")) else vtl_value(value, path_params)
        if translated is None:
            return action, {}, f"{key} = {value!r} uses VTL that HTTP parameter mapping cannot express"
        out[_PARAMETER_NAMES.get(key.lower(), key)] = translated
    return action, out, None


def _form_pairs(template: str) -> list[tuple[str, str]]:
    pairs = []
    for part in template.strip().split("&"):
        key, _, value = part.partition("=")
        value = value.strip()
        pairs.append((unquote_plus(key.strip()), value if "$" in value else unquote_plus(value)))
    return pairs


def _query_parameters(integ: dict) -> dict[str, Any]:
    """REST `integration.request.querystring.X` mappings of a service integration, as service parameters."""
    from apigw_migrate.checks.mapping import translate_source

    out: dict[str, Any] = {}
    for key, source in mapping(integ.get("requestParameters")).items():
        if isinstance(key, str) and key.startswith("integration.request.querystring."):
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


def _parameter_locations(path: str, parameters: list) -> dict[str, str]:
    """Request parameter name → where the operation reads it (path, querystring, header)."""
    places = {"query": "querystring", "header": "header", "path": "path"}
    out: dict[str, str] = {}
    for p in parameters if isinstance(parameters, list) else []:
        if isinstance(p, dict) and p.get("in") in places and isinstance(p.get("name"), str):
            out.setdefault(p["name"], places[p["in"]])
    for name in re.findall(r"\{([^{}+]+)\+?\}", path):
        out[name] = "path"
    return out


def vtl_value(value: Any, path_params: dict[str, str]) -> str | None:
    """A REST template value as an HTTP parameter-mapping value, or None.

    >>> vtl_value("$util.escapeJavaScript($input.json('$'))", {})
    '$request.body'
    >>> vtl_value("$input.params('id')", {"id": "path"}), vtl_value("$context.requestId", {})
    ('$request.path.id', '$context.requestId')
    >>> vtl_value("#set($x = 1)$x", {}) is None
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
