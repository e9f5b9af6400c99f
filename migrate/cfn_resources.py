"""A REST API written as CloudFormation resources, turned into the OpenAPI 3.0 document an export gives.

Templates often define a REST API without a `Body`: an ``AWS::ApiGateway::RestApi`` plus
``AWS::ApiGateway::Resource`` (the path tree, chained through `ParentId`), ``AWS::ApiGateway::Method``
(verb, authorization, `Integration`), ``AWS::ApiGateway::Authorizer``, and optionally
``RequestValidator``, ``GatewayResponse`` and ``Model`` resources. This module assembles them into
the same shape `aws apigateway get-export --parameters extensions='apigateway,authorizers'` writes,
so every later stage reads one dialect. Each part of the result points back at the resource that
defines it (`Source.pointer_map`): a finding on an operation lands on its Method resource.

Intrinsic values (`!Sub` URIs, `!GetAtt` role ARNs) are kept opaque. Only the links between the
API's own resources must be plain `!Ref`/`!GetAtt Api.RootResourceId`; anything else (an imported
resource id, a parent in another stack) is an input error naming the resource.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apigw_migrate import pointer as jp
from apigw_migrate.errors import InputError
from apigw_migrate.openapi import ANY_METHOD, INTEGRATION

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.positions import PositionIndex

API_KEY_SCHEME = "api_key"
SIGV4_SCHEME = "sigv4"

# Integration property → export key. Values are copied as written.
_INTEGRATION_KEYS = {
    "Uri": "uri",
    "IntegrationHttpMethod": "httpMethod",
    "Credentials": "credentials",
    "RequestParameters": "requestParameters",
    "RequestTemplates": "requestTemplates",
    "TimeoutInMillis": "timeoutInMillis",
    "ConnectionType": "connectionType",
    "ConnectionId": "connectionId",
    "ContentHandling": "contentHandling",
    "CacheKeyParameters": "cacheKeyParameters",
    "CacheNamespace": "cacheNamespace",
    "IntegrationTarget": "integrationTarget",
    "ResponseTransferMode": "responseTransferMode",
}
# Export keys whose content uses the same keys as the resource property: pointers keep their tail.
_SAME_SHAPE = {"requestParameters": "RequestParameters", "requestTemplates": "RequestTemplates"}
# Integration property → export key, for the enums the export writes in lower case.
_LOWER_CASE_KEYS = {"Type": "type", "PassthroughBehavior": "passthroughBehavior"}


class _Assembler:
    def __init__(self, document: dict, path: str, positions: "PositionIndex", api: str):
        self.resources: dict[str, Any] = document["Resources"]
        self.path = path
        self.positions = positions
        self.api = api
        self.pointer_map: dict[str, tuple[str, bool]] = {"": (jp.join("/Resources", api), False)}
        self.resource_paths: dict[str, str] = {}
        self.model_names: dict[str, str] = {}  # Model logical id → the name methods refer to it by

    def fail(self, message: str, pointer: str) -> InputError:
        return InputError(message, self.path, *(self.positions.locate(pointer) or ()))

    def owned(self, type_name: str) -> list[tuple[str, dict]]:
        """This API's resources of one type, as (logical id, Properties)."""
        found = []
        for name, res in self.resources.items():
            if not isinstance(res, dict) or res.get("Type") != type_name:
                continue
            props = res.get("Properties")
            if isinstance(props, dict) and props.get("RestApiId") == {"Ref": self.api}:
                found.append((name, props))
        return found

    def map(self, api_ptr: str, logical_id: str, *tokens: str, keep_rest: bool = False) -> None:
        self.pointer_map[api_ptr] = (jp.join("/Resources", logical_id, *tokens), keep_rest)

    def ref_target(self, value: Any) -> str | None:
        """The logical id a plain ``{"Ref": X}`` names, or ``"/"`` for ``!GetAtt Api.RootResourceId``."""
        if isinstance(value, dict) and len(value) == 1:
            if isinstance(value.get("Ref"), str):
                return value["Ref"]
            att = value.get("Fn::GetAtt")
            if att == [self.api, "RootResourceId"] or att == f"{self.api}.RootResourceId":
                return "/"
        return None

    def resource_path(self, value: Any, where: str) -> str:
        target = self.ref_target(value)
        if target == "/":
            return "/"
        if target is None or target not in self.resources:
            raise self.fail(
                "cannot tell which path this belongs to: expected !Ref to an AWS::ApiGateway::Resource "
                f"or !GetAtt {self.api}.RootResourceId",
                where,
            )
        return self._path_of(target)

    def _path_of(self, logical_id: str) -> str:
        if logical_id in self.resource_paths:
            return self.resource_paths[logical_id]
        chain: list[str] = []
        current = logical_id
        while True:
            res = self.resources.get(current)
            ptr = jp.join("/Resources", current)
            if not isinstance(res, dict) or res.get("Type") != "AWS::ApiGateway::Resource":
                raise self.fail(f"{current} is not an AWS::ApiGateway::Resource of {self.api}", ptr)
            if current in chain:
                raise self.fail(f"the ParentId chain of {logical_id} loops back to {current}", ptr)
            chain.append(current)
            props = res.get("Properties") or {}
            parent = self.ref_target(props.get("ParentId"))
            if parent is None:
                raise self.fail(
                    f"ParentId of {current} must be !Ref to a Resource or !GetAtt {self.api}.RootResourceId",
                    jp.join(ptr, "Properties", "ParentId"),
                )
            if parent == "/" or parent in self.resource_paths:
                break
            current = parent
        base = "" if parent == "/" else self.resource_paths[parent].rstrip("/")
        for name in reversed(chain):
            part = (self.resources[name].get("Properties") or {}).get("PathPart")
            if not isinstance(part, str) or not part:
                raise self.fail(
                    f"PathPart of {name} must be a plain string",
                    jp.join("/Resources", name, "Properties", "PathPart"),
                )
            base = f"{base}/{part}"
            self.resource_paths[name] = base
        return self.resource_paths[logical_id]

    def assemble(self) -> dict:
        schemes = self.authorizers()
        validators = self.validators()
        schemas = self.models()
        paths: dict[str, dict] = {}
        methods = self.owned("AWS::ApiGateway::Method")
        if not methods:
            raise self.fail(
                f"REST API {self.api} has no Body and no AWS::ApiGateway::Method resources: nothing to migrate",
                jp.join("/Resources", self.api),
            )
        for logical_id, props in methods:
            method_ptr = jp.join("/Resources", logical_id, "Properties")
            route_path = self.resource_path(props.get("ResourceId"), jp.join(method_ptr, "ResourceId"))
            verb = props.get("HttpMethod")
            if not isinstance(verb, str):
                raise self.fail(f"HttpMethod of {logical_id} must be a plain string", jp.join(method_ptr, "HttpMethod"))
            key = ANY_METHOD if verb.upper() == "ANY" else verb.lower()
            item = paths.setdefault(route_path, {})
            if key in item:
                raise self.fail(f"{verb.upper()} {route_path} is defined twice (also by another Method)", method_ptr)
            op_ptr = jp.join("/paths", route_path, key)
            self.map(op_ptr, logical_id)
            item[key] = self.operation(logical_id, props, op_ptr, schemes, validators)
        for name, route_path in self.resource_paths.items():
            if route_path in paths:
                self.map(jp.join("/paths", route_path), name)
        api_doc: dict[str, Any] = {
            "openapi": "3.0.1",
            "info": {"title": self._title(), "version": "1.0"},
            "paths": dict(sorted(paths.items())),
        }
        components: dict[str, Any] = {}
        if schemas:
            components["schemas"] = schemas
        if schemes["used"]:
            components["securitySchemes"] = {n: schemes["all"][n] for n in sorted(schemes["used"])}
        if components:
            api_doc["components"] = components
        if validators["used"]:
            api_doc["x-amazon-apigateway-request-validators"] = {
                n: validators["all"][n] for n in sorted(validators["used"])
            }
        responses = self.gateway_responses()
        if responses:
            api_doc["x-amazon-apigateway-gateway-responses"] = responses
        return api_doc

    def _title(self) -> Any:
        props = (self.resources[self.api].get("Properties") or {}) if isinstance(self.resources[self.api], dict) else {}
        return props.get("Name", self.api)

    def operation(self, logical_id: str, props: dict, op_ptr: str, schemes: dict, validators: dict) -> dict:
        op: dict[str, Any] = {}
        params = self.parameters(props.get("RequestParameters"))
        if params:
            op["parameters"] = params
            self.map(jp.join(op_ptr, "parameters"), logical_id, "Properties", "RequestParameters")
        body = self.request_body(props.get("RequestModels"))
        if body:
            op["requestBody"] = body
            self.map(jp.join(op_ptr, "requestBody"), logical_id, "Properties", "RequestModels")
        op["responses"] = self.method_responses(props.get("MethodResponses"))
        security = self.security(logical_id, props, schemes)
        if security is not None:
            op["security"] = security
            self.map(jp.join(op_ptr, "security"), logical_id, "Properties", "AuthorizationType")
        validator = self.ref_target(props.get("RequestValidatorId"))
        if validator in validators["by_id"]:
            name = validators["by_id"][validator]
            validators["used"].add(name)
            op["x-amazon-apigateway-request-validator"] = name
        integ = props.get("Integration")
        if isinstance(integ, dict):
            op[INTEGRATION] = self.integration(integ)
            integ_ptr = jp.join(op_ptr, INTEGRATION)
            self.map(integ_ptr, logical_id, "Properties", "Integration")
            for export_key, prop in _SAME_SHAPE.items():
                self.map(jp.join(integ_ptr, export_key), logical_id, "Properties", "Integration", prop, keep_rest=True)
            self.map(jp.join(integ_ptr, "responses"), logical_id, "Properties", "Integration", "IntegrationResponses")
        return op

    @staticmethod
    def parameters(request_parameters: Any) -> list[dict]:
        if not isinstance(request_parameters, dict):
            return []
        where = {"path": "path", "querystring": "query", "header": "header", "multivaluequerystring": "query",
                 "multivalueheader": "header"}  # fmt: skip
        params = []
        for key, required in request_parameters.items():
            parts = str(key).split(".", 3)
            if len(parts) == 4 and parts[:2] == ["method", "request"] and parts[2] in where:
                location = where[parts[2]]
                params.append(
                    {
                        "name": parts[3],
                        "in": location,
                        "required": True if location == "path" else required is True,
                        "schema": {"type": "string"},
                    }
                )
        return params

    def request_body(self, models: Any) -> dict | None:
        if not isinstance(models, dict) or not models:
            return None
        content = {}
        for mime, model in models.items():
            name = model.get("Ref") if isinstance(model, dict) else model
            if isinstance(model, dict) and isinstance(name, str):
                name = self.model_names.get(name, name)
            content[mime] = {"schema": {"$ref": f"#/components/schemas/{name}"}} if isinstance(name, str) else {}
        return {"content": content}

    @staticmethod
    def method_responses(method_responses: Any) -> dict:
        responses: dict[str, Any] = {}
        for resp in method_responses if isinstance(method_responses, list) else []:
            if not isinstance(resp, dict):
                continue
            entry: dict[str, Any] = {"description": f"{resp.get('StatusCode')} response"}
            headers = {
                k.rsplit(".", 1)[-1]: {"schema": {"type": "string"}}
                for k in (resp.get("ResponseParameters") or {})
                if isinstance(k, str) and k.startswith("method.response.header.")
            }
            if headers:
                entry["headers"] = headers
            responses[str(resp.get("StatusCode"))] = entry
        return responses

    def security(self, logical_id: str, props: dict, schemes: dict) -> list | None:
        kind = str(props.get("AuthorizationType") or "NONE").upper()
        requirements: list[dict] = []
        if props.get("ApiKeyRequired") is True:
            schemes["used"].add(API_KEY_SCHEME)
            requirements.append({API_KEY_SCHEME: []})
        if kind == "AWS_IAM":
            schemes["used"].add(SIGV4_SCHEME)
            requirements.append({SIGV4_SCHEME: []})
        elif kind in ("CUSTOM", "COGNITO_USER_POOLS"):
            target = self.ref_target(props.get("AuthorizerId"))
            if target not in schemes["all"]:
                raise self.fail(
                    f"AuthorizerId of {logical_id} must be !Ref to an AWS::ApiGateway::Authorizer of {self.api}",
                    jp.join("/Resources", logical_id, "Properties", "AuthorizerId"),
                )
            schemes["used"].add(target)
            scopes = props.get("AuthorizationScopes")
            requirements.append({target: list(scopes) if isinstance(scopes, list) else []})
        return requirements or None

    @staticmethod
    def integration(integ: dict) -> dict:
        result: dict[str, Any] = {}
        for prop, export_key in _INTEGRATION_KEYS.items():
            if prop in integ:
                result[export_key] = integ[prop]
        for prop, key in _LOWER_CASE_KEYS.items():
            if prop in integ:
                value = integ[prop]
                result[key] = value.lower() if isinstance(value, str) else value
        responses = {}
        for resp in integ.get("IntegrationResponses") or []:
            if not isinstance(resp, dict):
                continue
            entry: dict[str, Any] = {"statusCode": resp.get("StatusCode")}
            for prop, key in (("ResponseParameters", "responseParameters"), ("ResponseTemplates", "responseTemplates"),
                              ("ContentHandling", "contentHandling")):  # fmt: skip
                if prop in resp:
                    entry[key] = resp[prop]
            responses[resp.get("SelectionPattern") or "default"] = entry
        if responses:
            result["responses"] = responses
        return result

    def authorizers(self) -> dict:
        all_schemes: dict[str, dict] = {
            API_KEY_SCHEME: {"type": "apiKey", "name": "x-api-key", "in": "header"},
            SIGV4_SCHEME: {"type": "apiKey", "name": "Authorization", "in": "header",
                           "x-amazon-apigateway-authtype": "awsSigv4"},
        }  # fmt: skip
        for logical_id, props in self.owned("AWS::ApiGateway::Authorizer"):
            kind = str(props.get("Type") or "").upper()
            authorizer: dict[str, Any] = {"type": kind.lower()}
            for prop, key in (
                ("AuthorizerUri", "authorizerUri"),
                ("AuthorizerCredentials", "authorizerCredentials"),
                ("AuthorizerResultTtlInSeconds", "authorizerResultTtlInSeconds"),
                ("IdentitySource", "identitySource"),
                ("IdentityValidationExpression", "identityValidationExpression"),
                ("ProviderARNs", "providerARNs"),
            ):
                if prop in props:
                    authorizer[key] = props[prop]
            source = props.get("IdentitySource")
            header = "Authorization"
            if kind != "REQUEST" and isinstance(source, str) and source.startswith("method.request.header."):
                header = source[len("method.request.header.") :]
            all_schemes[logical_id] = {
                "type": "apiKey",
                "name": header if kind != "REQUEST" else "Unused",
                "in": "header",
                "x-amazon-apigateway-authtype": "cognito_user_pools" if kind == "COGNITO_USER_POOLS" else "custom",
                "x-amazon-apigateway-authorizer": authorizer,
            }
            self.map(jp.join("/components/securitySchemes", logical_id), logical_id)
        return {"all": all_schemes, "used": set()}

    def validators(self) -> dict:
        all_validators: dict[str, dict] = {}
        by_id: dict[str, str] = {}
        for logical_id, props in self.owned("AWS::ApiGateway::RequestValidator"):
            name = props.get("Name") if isinstance(props.get("Name"), str) else logical_id
            all_validators[name] = {
                "validateRequestBody": props.get("ValidateRequestBody") is True,
                "validateRequestParameters": props.get("ValidateRequestParameters") is True,
            }
            by_id[logical_id] = name
            self.map(jp.join("/x-amazon-apigateway-request-validators", name), logical_id)
        return {"all": all_validators, "by_id": by_id, "used": set()}

    def gateway_responses(self) -> dict:
        responses: dict[str, dict] = {}
        for logical_id, props in self.owned("AWS::ApiGateway::GatewayResponse"):
            kind = props.get("ResponseType")
            if not isinstance(kind, str):
                continue
            entry: dict[str, Any] = {}
            for prop, key in (("StatusCode", "statusCode"), ("ResponseParameters", "responseParameters"),
                              ("ResponseTemplates", "responseTemplates")):  # fmt: skip
                if prop in props:
                    entry[key] = props[prop]
            responses[kind] = entry
            self.map(jp.join("/x-amazon-apigateway-gateway-responses", kind), logical_id)
        return responses

    def models(self) -> dict:
        schemas: dict[str, Any] = {}
        for logical_id, props in self.owned("AWS::ApiGateway::Model"):
            # RequestModels values are model names (what !Ref returns); a model without a Name goes by its logical id.
            name = props["Name"] if isinstance(props.get("Name"), str) else logical_id
            self.model_names[logical_id] = name
            schema = props.get("Schema")
            schemas[name] = schema if isinstance(schema, dict) else {"type": "object"}
            self.map(jp.join("/components/schemas", name), logical_id, "Properties", "Schema", keep_rest=True)
        return schemas


def source_from_resources(document: dict, path: str, positions: "PositionIndex", api: str, kind: str) -> "Source":
    """The Source of REST API `api` (a logical id) defined by resources instead of a Body."""
    from apigw_migrate.load import source_from_openapi

    assembler = _Assembler(document, path, positions, api)
    api_doc = assembler.assemble()
    resource = document["Resources"][api]
    props = resource.get("Properties") if isinstance(resource.get("Properties"), dict) else {}
    return source_from_openapi(
        api_doc,
        path,
        positions,
        base_pointer=jp.join("/Resources", api),
        kind=kind,
        document=document,
        api_name=api,
        template_resource=props,
        template_pointer=jp.join("/Resources", api, "Properties"),
        pointer_map=assembler.pointer_map,
    )
