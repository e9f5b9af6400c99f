"""Wrap a converted HTTP API in a CloudFormation or SAM template ready to deploy next to the REST API.

The template is standalone: it never edits the stack that holds the REST API, so the new API can be
created, tested and deleted without touching production. Everything it cannot know becomes a
Parameter, and `Metadata["apigw-migrate"]["notes"]` says why each one exists:

- references to resources or parameters of the source template (`!Ref Fn`, `!GetAtt Fn.Arn`,
  `${Fn.Arn}` inside `!Sub`) that this template does not hold: `Ref X` keeps its spelling and `X`
  becomes a Parameter; an attribute (`Fn.Arn`) cannot be a Parameter, so it is read through one
  named `FnArn`; a `!FindInMap` likewise; a condition in `!If` becomes a Condition decided by a
  true/false Parameter;
- Terraform template placeholders (`${lambda_arn}`, only with ``source_kind="terraform"``) become
  Parameters and the strings holding them `Fn::Sub`;
- Lambda functions named by a stage variable (fact sheet §15): the permission needs the real
  function, so a Parameter holds it (defaulting to the stage's value when the stage has it);
- a JWT authorizer without an audience, an access-log destination the source did not carry.

Every Lambda function gets one `AWS::Lambda::Permission` for the NEW API (fact sheet §15: the old
grants name the REST API id and do nothing for the HTTP API).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Iterator

from apigw_migrate.errors import UsageError
from apigw_migrate.openapi import ANY_METHOD
from apigw_migrate.transforms import ConvertResult, LambdaUse
from apigw_migrate.transforms.cleanup import acknowledgement
from apigw_migrate.transforms.context import is_intrinsic, operations
from apigw_migrate.transforms.private import backend_url, is_listener, link_key, private_integration
from apigw_migrate.transforms.stage import lambda_function

FORMATS = ("cloudformation", "sam")
API = "HttpApi"
STAGE = "HttpApiStage"
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
METADATA_KEY = "apigw-migrate"

# CloudFormation refuses a template body over 1 MB even from S3; past that, the OpenAPI document
# has to go to S3 and be referenced with BodyS3Location / DefinitionUri.
MAX_TEMPLATE_BYTES = 1_000_000

# HTTP API route settings: LoggingLevel and DataTraceEnabled exist in the model but are
# "supported only for WebSocket APIs" (fact sheet §11).
HTTP_ROUTE_SETTINGS = ("DetailedMetricsEnabled", "ThrottlingBurstLimit", "ThrottlingRateLimit")
HTTP_STAGE_FIELDS = (
    "StageName",
    "Description",
    "DefaultRouteSettings",
    "RouteSettings",
    "AccessLogSettings",
    "StageVariables",
    "Tags",
)

# `${…}` names API Gateway itself resolves (variables in integration URIs, parameter mappings, AWS
# variables on import): never template placeholders.
_GATEWAY_VARIABLE = re.compile(r"^(stageVariables|request|response|context)\.|^AWS::")
_DOLLAR_BRACE = re.compile(r"(\$?)\$\{([^{}]*)\}")
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")
_PSEUDO = "AWS::"


def to_template(result: ConvertResult, fmt: str, *, source_kind: str | None = None) -> dict:
    """The HTTP API of `result` as a CloudFormation (``cloudformation``) or SAM (``sam``) template.

    `source_kind` is `Source.kind` of the converted input; ``terraform`` turns `${name}`
    placeholders in the document into Parameters.

    >>> doc = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}}
    >>> t = to_template(ConvertResult(document=doc, stage={"StageName": "$default"}), "cloudformation")
    >>> sorted(t["Resources"]), t["Resources"]["HttpApi"]["Properties"]["FailOnWarnings"]
    (['HttpApi', 'HttpApiStage'], True)
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown template format {fmt!r}: choose {' or '.join(FORMATS)}")
    builder = _Builder(result, fmt, source_kind)
    return builder.build()


class _Builder:
    def __init__(self, result: ConvertResult, fmt: str, source_kind: str | None):
        self.result = result
        self.fmt = fmt
        self.source_kind = source_kind
        self.parameters: dict[str, dict] = {}
        self.conditions: dict[str, dict] = {}
        self.notes: list[str] = []

    def build(self) -> dict:
        document = copy.deepcopy(self.result.document)
        if self.source_kind == "terraform":
            document = self._terraform_placeholders(document)
        self._jwt_audiences(document)
        self._vpc_links(document)
        stage = self._stage(document)
        resources: dict[str, dict] = {}
        if self.fmt == "sam":
            resources[API] = {"Type": "AWS::Serverless::HttpApi", "Properties": self._sam_api(document, stage)}
        else:
            resources[API] = {"Type": "AWS::ApiGatewayV2::Api", "Properties": self._cfn_api(document)}
            resources[STAGE] = {"Type": "AWS::ApiGatewayV2::Stage", "Properties": self._cfn_stage(stage)}
        resources.update(self._permissions(stage))

        template: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09"}
        if self.fmt == "sam":
            template["Transform"] = SAM_TRANSFORM
        template["Description"] = self._description(document)
        template["Resources"] = resources
        self._parameterize_outside_references(template)
        for resource in resources.values():
            if resource["Type"] == "AWS::Lambda::Permission":
                resource["Properties"]["FunctionName"] = _simplest(resource["Properties"]["FunctionName"])
        template["Outputs"] = self._outputs(stage)
        if self.parameters:
            template["Parameters"] = dict(sorted(self.parameters.items()))
        if self.conditions:
            template["Conditions"] = dict(sorted(self.conditions.items()))
        if len(json.dumps(template)) > MAX_TEMPLATE_BYTES:
            self.notes.append(
                f"the template is over CloudFormation's {MAX_TEMPLATE_BYTES:,}-byte limit: upload the OpenAPI document "
                "to S3 and point " + ("DefinitionUri" if self.fmt == "sam" else "BodyS3Location") + " at it instead"
            )
        template["Metadata"] = {METADATA_KEY: {"notes": self.notes}}
        if self.result.acknowledged:
            # The blockers the user set aside with --ignore: the template says which guarantees it drops.
            template["Metadata"][METADATA_KEY].update(acknowledgement(self.result.acknowledged))
        if self.source_kind:
            template["Metadata"][METADATA_KEY]["source_kind"] = self.source_kind
        return _ordered(template)

    # --- the API -------------------------------------------------------------------------------

    def _description(self, document: dict) -> str:
        info = document.get("info") if isinstance(document.get("info"), dict) else {}
        title = info.get("title")
        if not isinstance(title, str):  # e.g. a `!Sub` in a SAM source
            return "HTTP API converted from a REST API by apigw-migrate"
        # A template description holds at most 1,024 bytes.
        return f"HTTP API converted from the REST API {_display(title)[:900]!r} by apigw-migrate"

    def _cfn_api(self, document: dict) -> dict:
        # FailOnWarnings: the document is meant to hold only what HTTP APIs honour, so an import
        # warning means something would be silently dropped (an AWS-type integration, a bad
        # authorizer); failing the stack beats serving an API that behaves differently. Ignored
        # properties the import reports as Info (request schemas) do not fail it (fact sheet §3).
        return {"Body": document, "FailOnWarnings": True}

    def _sam_api(self, document: dict, stage: dict) -> dict:
        props: dict[str, Any] = {"DefinitionBody": document, "FailOnWarnings": True}
        # SAM builds the stage itself, with AutoDeploy on (`<Api>ApiGatewayDefaultStage` for `$default`).
        props.update({k: v for k, v in stage.items() if k != "Description"})
        if "Description" in stage:
            self.notes.append("the stage description is left out: AWS::Serverless::HttpApi has no stage description")
        return props

    def _cfn_stage(self, stage: dict) -> dict:
        props: dict[str, Any] = {"ApiId": {"Ref": API}, "StageName": stage["StageName"], "AutoDeploy": True}
        props.update({k: v for k, v in stage.items() if k != "StageName"})
        return props

    # --- the stage -----------------------------------------------------------------------------

    def _stage(self, document: dict) -> dict:
        """The stage settings HTTP APIs accept, with what was left out noted."""
        source = self.result.stage or {}
        stage: dict[str, Any] = {"StageName": source.get("StageName") or "$default"}
        for key in sorted(set(source) - set(HTTP_STAGE_FIELDS)):
            self.notes.append(f"stage setting {key} is not carried over: HTTP API stages do not use it")
        if isinstance(source.get("Description"), str):
            stage["Description"] = source["Description"]
        default = self._route_settings(source.get("DefaultRouteSettings"), "DefaultRouteSettings")
        if default:
            stage["DefaultRouteSettings"] = default
        routes = self._per_route_settings(source.get("RouteSettings"), document)
        if routes:
            stage["RouteSettings"] = routes
        logs = self._access_logs(source.get("AccessLogSettings"))
        if logs:
            stage["AccessLogSettings"] = logs
        variables = source.get("StageVariables")
        if isinstance(variables, dict) and variables:
            stage["StageVariables"] = {str(k): str(v) for k, v in sorted(variables.items())}
        tags = self._tags(source.get("Tags"))
        if tags:
            stage["Tags"] = tags
        return stage

    def _route_settings(self, settings: Any, where: str) -> dict:
        if not isinstance(settings, dict):
            return {}
        kept = {k: settings[k] for k in HTTP_ROUTE_SETTINGS if settings.get(k) is not None}
        for key in sorted(set(settings) - set(HTTP_ROUTE_SETTINGS)):
            self.notes.append(f"{where}: {key} is left out (supported only for WebSocket APIs)")
        if "ThrottlingBurstLimit" in kept:
            kept["ThrottlingBurstLimit"] = int(kept["ThrottlingBurstLimit"])
        if "ThrottlingRateLimit" in kept:
            kept["ThrottlingRateLimit"] = float(kept["ThrottlingRateLimit"])
        return kept

    def _per_route_settings(self, settings: Any, document: dict) -> dict:
        if not isinstance(settings, dict):
            return {}
        # A route setting for a route the API lacks fails the whole stage ("Unable to find Route"),
        # which happens when blocked routes were left out.
        existing = set(route_keys(document))
        result = {}
        for key in sorted(settings):
            if key not in existing:
                self.notes.append(f"RouteSettings for {key} dropped: the HTTP API has no such route")
                continue
            kept = self._route_settings(settings[key], f"RouteSettings[{key}]")
            if kept:
                result[key] = kept
        return result

    def _access_logs(self, settings: Any) -> dict:
        if not isinstance(settings, dict) or not settings:
            return {}
        fmt = settings.get("Format")
        if not fmt:
            self.notes.append("access logging left off: the source stage has a destination but no log format")
            return {}
        destination = settings.get("DestinationArn")
        if not destination:
            destination = self._parameter(
                "AccessLogDestinationArn",
                "ARN of the CloudWatch Logs log group for the HTTP API's access logs "
                "(HTTP APIs cannot log to Firehose)",
            )
            self.notes.append("AccessLogDestinationArn: the source stage had an access-log format but no destination")
        return {"DestinationArn": destination, "Format": fmt}

    def _tags(self, tags: Any) -> dict:
        if not isinstance(tags, dict):
            return {}
        result = {}
        for key, value in sorted(tags.items()):
            # `aws:`-prefixed tags (e.g. aws:cloudformation:stack-name on an exported stage) are
            # reserved: CloudFormation rejects them.
            if str(key).lower().startswith("aws:"):
                self.notes.append(f"tag {key} left out: tags starting with 'aws:' are reserved for AWS")
                continue
            result[str(key)] = str(value)
        return result

    # --- the JWT audience ----------------------------------------------------------------------

    def _jwt_audiences(self, document: dict) -> None:
        components = document.get("components") if isinstance(document.get("components"), dict) else {}
        schemes = components.get("securitySchemes") if isinstance(components.get("securitySchemes"), dict) else {}
        for name, scheme in schemes.items():
            authorizer = scheme.get("x-amazon-apigateway-authorizer") if isinstance(scheme, dict) else None
            if not isinstance(authorizer, dict) or str(authorizer.get("type", "")).lower() != "jwt":
                continue
            config = authorizer.setdefault("jwtConfiguration", {})
            if not isinstance(config, dict) or config.get("audience"):
                continue
            param = self._parameter(
                _logical_id(name) + "JwtAudience",
                f"Audiences (app client ids) the JWT authorizer {name} accepts, comma-separated; "
                f"issuer {config.get('issuer', '(from openIdConnectUrl)')}",
                param_type="CommaDelimitedList",
            )
            config["audience"] = param
            self.notes.append(
                f"{_logical_id(name)}JwtAudience: the JWT authorizer {name} has no audience; REST Cognito authorizers "
                "accepted tokens from every app client of the pool, HTTP APIs need them listed "
                "(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html)"
            )

    def _vpc_links(self, document: dict) -> None:
        """Parameters for the VPC link V2 and the listener that replace a REST VPC link (AGW311).

        A REST VPC link (V1, NLB only) id and its NLB DNS name uri mean nothing to an HTTP API, which
        needs a VPC link V2 and a load balancer listener (or Cloud Map service) ARN as uri. One
        Parameter per REST link and one per backend host, so routes that shared them still do. The
        backend path and an https backend's host are carried (`transforms.private.private_integration`).
        An integration `--vpc-link` already rewrote (its uri is a listener ARN) is left as it is.
        """
        for o in operations(document):
            integ = o.integration
            if integ is None or str(integ.get("connectionType", "")).upper() != "VPC_LINK" or is_listener(integ.get("uri")):
                continue
            link = integ.get("connectionId")
            key = link_key(link)
            if key is not None and not key.startswith("${"):
                integ["connectionId"] = self._parameter(
                    f"VpcLinkV2For{_logical_id(key)}",
                    f"Id of the VPC link V2 (subnets + security groups) that replaces REST VPC link {key} (if that "
                    "already is a VPC link V2, its id)",
                )
            uri = integ.get("uri")
            url = backend_url(uri)
            if url is not None or (isinstance(uri, str) and not uri.startswith("arn:")):
                host = url[1] if url else re.sub(r"^[a-z]+://", "", uri).split("/", 1)[0]
                host = host.replace("${", "").replace("}", "").split(":", 1)[0] or "Backend"
                shown = f"{url[0]}://{url[1]}{url[2]}" if url else uri
                carried = private_integration(integ, self._parameter(
                    f"ListenerArnFor{_logical_id(host)}"[:255],
                    f"ARN of the load balancer listener (or Cloud Map service) behind {host}; the REST integration called {shown}",
                ))
                kept = f"; kept as {' and '.join(carried)}" if carried else ""
                self.notes.append(
                    f"{o.route}: the REST integration called {shown}; an HTTP private integration sends the request path "
                    f"to the listener (with the stage name in front on a named stage){kept}"
                )

    # --- Lambda permissions --------------------------------------------------------------------

    def _permissions(self, stage: dict) -> dict[str, dict]:
        """One permission per function: `/*` when it backs a route, `/authorizers/*` when it only authorizes.

        `${HttpApi}/*` matches every stage, method and path, and also the `$default` route, whose
        ARN is `{apiId}/{stage}/$default` with no method/path pair (fact sheet §15): a REST-style
        `/*/*/*` pattern would miss it [U]. Lambda compares with StringLike, where `*` spans slashes.
        """
        grouped: dict[str, tuple[Any, set[str]]] = {}
        for use in self.result.lambda_functions:
            function = self._function_reference(use, stage.get("StageVariables") or {})
            key = json.dumps(function, sort_keys=True)
            kinds = grouped.setdefault(key, (function, set()))[1]
            kinds.add(use.kind)
        resources: dict[str, dict] = {}
        for function, kinds in grouped.values():
            scope = "/*" if "integration" in kinds else "/authorizers/*"
            logical = _unique(_function_label(function) + "InvokePermission", resources)
            resources[logical] = {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": function,
                    "Principal": "apigateway.amazonaws.com",
                    "SourceArn": {
                        "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${" + API + "}" + scope
                    },
                },
            }
        return resources

    def _function_reference(self, use: LambdaUse, stage_variables: dict) -> Any:
        """The function as a FunctionName value: ARN string, intrinsic, or a Parameter."""
        # A hand-built result may still give the integration uri: the permission needs the function in it.
        function = _canonical(lambda_function(use.function) or use.function)
        if not isinstance(function, str):
            return function
        if _STAGE_VARIABLE.search(function):
            return self._stage_variable_function(function, use, stage_variables)
        placeholders = [m for m in _DOLLAR_BRACE.finditer(function) if not m.group(1)]
        if not placeholders:
            return function
        if all(m.group(2).startswith(_PSEUDO) for m in placeholders):
            return {"Fn::Sub": function}
        return self._sub_placeholders(function)

    def _stage_variable_function(self, function: str, use: LambdaUse, stage_variables: dict) -> dict:
        names = _STAGE_VARIABLE.findall(function)
        param = "StageVariable" + "".join(_logical_id(n) for n in names) + "Function"
        resolved = _STAGE_VARIABLE.sub(lambda m: str(stage_variables.get(m.group(1), m.group(0))), function)
        default = resolved if "${" not in resolved else None
        where = ", ".join(use.routes) if use.routes else f"authorizer {use.authorizer}"
        ref = self._parameter(
            param,
            f"Lambda function (name or ARN) that {_display(function)} names ({where}); it must be in this account",
            default=default,
        )
        self.notes.append(
            f"{param}: {where} calls a Lambda function named by a stage variable ({_display(function)}); this permission covers "
            "only the function the parameter names: grant every function another stage may point to, in the same "
            "account (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html)"
        )
        return ref

    # --- parameters ----------------------------------------------------------------------------

    def _parameter(self, name: str, description: str, *, param_type: str = "String", default: Any = None) -> dict:
        if name not in self.parameters:
            param: dict[str, Any] = {"Type": param_type, "Description": description[:4000]}
            if default is not None:
                param["Default"] = default
            self.parameters[name] = param
        return {"Ref": name}

    def _sub_placeholders(self, text: str) -> dict:
        """A string with Terraform `${name}` placeholders as `Fn::Sub` over Parameters."""

        def replace(m: re.Match) -> str:
            if m.group(1):  # Terraform's `$${` escape: a literal `${` after rendering
                return "${!" + m.group(2) + "}"
            name = m.group(2)
            if _GATEWAY_VARIABLE.match(name) and not name.startswith(_PSEUDO):
                return "${!" + name + "}"
            if name.startswith(_PSEUDO):
                return m.group(0)
            param = _logical_id(name)
            if param not in self.parameters:
                self.notes.append(f"{param}: the Terraform template variable {name} is a Parameter here")
            self._parameter(param, f"Value of the Terraform template variable {name}")
            return "${" + param + "}"

        return {"Fn::Sub": _DOLLAR_BRACE.sub(replace, text)}

    def _terraform_placeholders(self, node: Any) -> Any:
        if isinstance(node, dict):
            if is_intrinsic(node):
                return node
            return {k: self._terraform_placeholders(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self._terraform_placeholders(v) for v in node]
        if not isinstance(node, str) or "${" not in node:
            return node
        if any(not m.group(1) and not _GATEWAY_VARIABLE.match(m.group(2)) for m in _DOLLAR_BRACE.finditer(node)):
            return self._sub_placeholders(node)
        # Only Terraform escapes (`$${x}`, a literal `${x}` once rendered) and API Gateway variables.
        return node.replace("$${", "${")

    def _parameterize_outside_references(self, template: dict) -> None:
        """Make references to the source template's resources and parameters into Parameters."""
        before = set(self.parameters)
        defined = set(template["Resources"]) | before
        for holder, key, node in list(_intrinsics(template["Resources"])):
            replacement = self._outside_reference(node, defined)
            if replacement is not None:
                holder[key] = replacement
        for name in sorted(set(self.parameters) - before):
            self.notes.append(f"{name}: {self.parameters[name]['Description']}")

    def _outside_reference(self, node: dict, defined: set[str]) -> Any:
        ((fn, arg),) = node.items()
        if fn == "Ref" and isinstance(arg, str) and not arg.startswith(_PSEUDO) and arg not in defined:
            self._parameter(arg, f"Value of !Ref {arg} in the source template (this template does not hold {arg})")
            return None
        if fn == "Fn::FindInMap" and isinstance(arg, list) and arg and isinstance(arg[0], str):
            keys = "".join(_logical_id(k) for k in arg[1:] if isinstance(k, str))
            return self._parameter(
                _logical_id(arg[0]) + keys,
                f"Value of !FindInMap {arg[0]} in the source template (this template has no Mappings)",
            )
        if fn == "Fn::If" and isinstance(arg, list) and arg and isinstance(arg[0], str):
            self._condition(arg[0])
            return None
        if fn == "Fn::GetAtt":
            resource, attribute = _getatt_parts(arg)
            if resource and resource not in defined:
                return self._attribute_parameter(resource, attribute)
            return None
        if fn == "Fn::Sub":
            text, variables = (arg[0], arg[1] if len(arg) > 1 else {}) if isinstance(arg, list) else (arg, {})
            if not isinstance(text, str):
                return None
            local = set(variables) if isinstance(variables, dict) else set()
            changed = False

            def replace(m: re.Match) -> str:
                nonlocal changed
                name = m.group(2)
                if m.group(1) or name.startswith("!") or name in local or name.startswith(_PSEUDO):
                    return m.group(0)
                resource, _, attribute = name.partition(".")
                if resource in defined:
                    return m.group(0)
                if attribute:
                    changed = True
                    return "${" + self._attribute_parameter(resource, attribute)["Ref"] + "}"
                self._parameter(name, f"Value of {name} (used in a !Sub) in the source template, which this template does not hold")
                return m.group(0)

            new_text = _DOLLAR_BRACE.sub(replace, text)
            if changed:
                return {"Fn::Sub": [new_text, variables] if isinstance(arg, list) else new_text}
        return None

    def _condition(self, name: str) -> None:
        """A condition of the source template, decided here by a true/false Parameter."""
        if name in self.conditions:
            return
        param = _logical_id(name) + "Value"
        self._parameter(param, f"Whether the source template's condition {name} holds", default="false")
        self.parameters[param]["AllowedValues"] = ["true", "false"]
        self.conditions[name] = {"Fn::Equals": [{"Ref": param}, "true"]}

    def _attribute_parameter(self, resource: str, attribute: str) -> dict:
        return self._parameter(
            _logical_id(resource) + _logical_id(attribute),
            f"Value of !GetAtt {resource}.{attribute} in the source template (this template does not hold {resource})",
        )

    # --- outputs -------------------------------------------------------------------------------

    def _outputs(self, stage: dict) -> dict:
        name = stage["StageName"]
        # The `$default` stage is served at the URL root; any other stage adds its name as a prefix.
        endpoint = "${" + API + ".ApiEndpoint}" + ("" if name == "$default" else "/" + name)
        return {
            "HttpApiId": {"Description": "Id of the new HTTP API", "Value": {"Ref": API}},
            "HttpApiEndpoint": {
                "Description": f"Invoke URL of the HTTP API's {name} stage",
                "Value": {"Fn::Sub": endpoint},
            },
        }


def route_keys(document: dict) -> Iterator[str]:
    """Route keys of an HTTP API document (`$default` for the `isDefaultRoute` operation)."""
    for o in operations(document):
        yield "$default" if o.method == ANY_METHOD and o.op.get("isDefaultRoute") else o.route


_OUTSIDE_REFERENCES = ("Ref", "Fn::GetAtt", "Fn::Sub", "Fn::If", "Fn::FindInMap")


def _intrinsics(node: Any) -> Iterator[tuple[Any, Any, dict]]:
    """(container, key, node) for every intrinsic that may name the source template, outermost first."""
    stack: list[Any] = [node]
    while stack:
        current = stack.pop()
        items = current.items() if isinstance(current, dict) else enumerate(current) if isinstance(current, list) else ()
        for key, value in items:
            if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _OUTSIDE_REFERENCES:
                yield current, key, value
            if isinstance(value, (dict, list)):
                stack.append(value)


def _getatt_parts(arg: Any) -> tuple[str | None, str]:
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
        return arg[0], str(arg[1])
    if isinstance(arg, str) and "." in arg:
        resource, _, attribute = arg.partition(".")
        return resource, attribute
    return None, ""


def _display(text: str) -> str:
    """`…function:${stageVariables.fn}` → `…function:<stageVariables.fn>`: notes and descriptions
    must not hold `${…}`, which cfn-lint takes for a forgotten `Fn::Sub` (E1029)."""
    return _DOLLAR_BRACE.sub(lambda m: "<" + m.group(2) + ">", text)


def _simplest(value: Any) -> Any:
    """`{"Fn::Sub": "${X}"}` → `{"Ref": "X"}`: the same value, easier to read."""
    if isinstance(value, dict) and list(value) == ["Fn::Sub"] and isinstance(value["Fn::Sub"], str):
        m = re.fullmatch(r"\$\{([A-Za-z0-9]+)\}", value["Fn::Sub"])
        if m:
            return {"Ref": m.group(1)}
    return value


def _canonical(function: Any) -> Any:
    """One spelling per function, so that one function gets one permission.

    `!Sub "${Fn.Arn}"` and `!Sub ["${F}", {F: !GetAtt Fn.Arn}]` → `!GetAtt [Fn, Arn]`; `!Sub "${Fn}"` → `!Ref Fn`.
    """
    if not isinstance(function, dict) or len(function) != 1:
        return function
    ((fn, arg),) = function.items()
    if fn == "Fn::GetAtt":
        resource, attribute = _getatt_parts(arg)
        return {"Fn::GetAtt": [resource, attribute]} if resource else function
    if fn != "Fn::Sub":
        return function
    text, variables = (arg[0], arg[1] if len(arg) > 1 else {}) if isinstance(arg, list) and arg else (arg, {})
    m = re.fullmatch(r"\$\{([A-Za-z0-9_:]+)(?:\.([A-Za-z0-9_.]+))?\}", text) if isinstance(text, str) else None
    if not m:
        return function
    name, attribute = m.groups()
    if isinstance(variables, dict) and name in variables and not attribute:
        return _canonical(variables[name])
    if name.startswith(_PSEUDO):
        return function
    return {"Fn::GetAtt": [name, attribute]} if attribute else {"Ref": name}


def _function_label(function: Any) -> str:
    """A readable logical-id stem for a function: its name, the resource or the parameter."""
    if isinstance(function, dict) and len(function) == 1:
        ((fn, arg),) = function.items()
        if fn == "Ref" and isinstance(arg, str):
            return _logical_id(arg)
        if fn == "Fn::GetAtt":
            return _logical_id(_getatt_parts(arg)[0] or "Function")
        if fn == "Fn::Sub":
            function = arg[0] if isinstance(arg, list) else arg
    if not isinstance(function, str):
        return "Function"
    name = function.split(":function:", 1)[-1].split(":")[0] if ":function:" in function else function
    # `${MyFunction.Arn}` → MyFunction, `${OrdersArn}` → OrdersArn
    name = re.sub(r"\$\{!?([^}.]*)[^}]*\}", r"\1", name)
    return _logical_id(name) or "Function"


def _logical_id(text: str) -> str:
    """`orders-get_v2` → `OrdersGetV2`: CloudFormation logical ids are alphanumeric."""
    parts = re.split(r"[^A-Za-z0-9]+", str(text))
    return "".join(p[:1].upper() + p[1:] for p in parts if p)[:200]


def _unique(name: str, taken: dict) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name}{n}" in taken:
        n += 1
    return f"{name}{n}"


_ORDER = (
    "AWSTemplateFormatVersion",
    "Transform",
    "Description",
    "Metadata",
    "Parameters",
    "Conditions",
    "Resources",
    "Outputs",
)


def _ordered(template: dict) -> dict:
    return {k: template[k] for k in _ORDER if k in template}
