"""A REST API defined by AWS::ApiGateway::Resource/Method/Authorizer resources becomes an export-shaped API."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from apigw_migrate.errors import InputError
from apigw_migrate.load import load
from apigw_migrate.openapi import iter_operations, operation_security, scheme_kind, security_schemes
from apigw_migrate.refs import deref

from conftest import DATA

TEMPLATE = DATA / "load" / "rest-resources.yaml"


@pytest.fixture(scope="module")
def clinic():
    return load(TEMPLATE, api="ClinicApi")


def test_kind_and_routes(clinic) -> None:
    assert (clinic.kind, clinic.spec, clinic.flavor, clinic.api_name) == ("cloudformation", "oas3", "rest", "ClinicApi")
    assert sorted(op.route_key for op in iter_operations(clinic)) == [
        "ANY /{proxy+}",
        "GET /",
        "GET /visits/{visitId}",
        "POST /visits",
    ]
    assert clinic.template_pointer == "/Resources/ClinicApi/Properties"
    assert clinic.template_resource["EndpointConfiguration"] == {"Types": ["REGIONAL"]}


def test_operations_point_at_their_method_resource(clinic) -> None:
    ops = {op.route_key: op for op in iter_operations(clinic)}
    assert ops["POST /visits"].pointer == "/Resources/VisitsPost"
    assert clinic.locate(ops["POST /visits"].pointer) == (78, 3)
    assert clinic.locate(ops["GET /"].pointer) == (61, 3)
    integ = clinic.api_pointer("/paths/~1visits~1{visitId}/get/x-amazon-apigateway-integration")
    assert integ == "/Resources/VisitGet/Properties/Integration"
    param = clinic.api_pointer(
        "/paths/~1visits~1{visitId}/get/x-amazon-apigateway-integration/requestParameters/integration.request.path.id"
    )
    assert param == "/Resources/VisitGet/Properties/Integration/RequestParameters/integration.request.path.id"
    assert clinic.locate(param) == (111, 11)
    # A part the resource spells differently points at the nearest resource that defines it.
    assert clinic.api_pointer("/paths/~1visits/post/security/0") == "/Resources/VisitsPost/Properties/AuthorizationType"
    assert clinic.api_pointer("/info/title") == "/Resources/ClinicApi"
    assert clinic.api_pointer("/paths/~1visits~1{visitId}") == "/Resources/VisitResource"


def test_integrations_are_export_shaped(clinic) -> None:
    ops = {op.route_key: op for op in iter_operations(clinic)}
    visit = ops["GET /visits/{visitId}"].integration
    assert visit == {
        "uri": "https://records.example.org/visits/{id}",
        "httpMethod": "GET",
        "requestParameters": {
            "integration.request.path.id": "method.request.path.visitId",
            "integration.request.header.X-Clinic": "method.request.header.X-Clinic",
        },
        "type": "http",
        "passthroughBehavior": "when_no_templates",
        "responses": {
            "default": {"statusCode": "200"},
            "404": {"statusCode": "404", "responseParameters": {"method.response.header.X-Reason": "'not-found'"}},
        },
    }
    assert ops["POST /visits"].integration["uri"] == {
        "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${VisitsFunction.Arn}/invocations"
    }
    assert ops["GET /"].integration["type"] == "mock"
    assert ops["ANY /{proxy+}"].method == "x-amazon-apigateway-any-method"
    params = ops["GET /visits/{visitId}"].op["parameters"]
    assert {(p["name"], p["in"], p["required"]) for p in params} == {("visitId", "path", True), ("X-Clinic", "header", False)}
    assert ops["GET /visits/{visitId}"].op["responses"]["404"]["headers"] == {"X-Reason": {"schema": {"type": "string"}}}


def test_security_and_authorizers(clinic) -> None:
    ops = {op.route_key: op for op in iter_operations(clinic)}
    security, _ = operation_security(clinic, ops["POST /visits"])
    assert security == [{"api_key": []}, {"VetsAuthorizer": ["clinic/write"]}]
    assert operation_security(clinic, ops["GET /visits/{visitId}"])[0] == [{"sigv4": []}]
    assert "security" not in ops["GET /"].op
    schemes = security_schemes(clinic)
    assert {name: scheme_kind(s) for name, (s, _) in schemes.items()} == {
        "VetsAuthorizer": "cognito",
        "api_key": "api_key",
        "sigv4": "iam",
    }
    assert schemes["VetsAuthorizer"][1] == "/Resources/VetsAuthorizer"
    authorizer = schemes["VetsAuthorizer"][0]["x-amazon-apigateway-authorizer"]
    assert authorizer["providerARNs"] == [{"Fn::GetAtt": ["VetsPool", "Arn"]}]


def test_validators_models_and_gateway_responses(clinic) -> None:
    post = clinic.api["paths"]["/visits"]["post"]
    assert post["x-amazon-apigateway-request-validator"] == "body"
    assert clinic.api["x-amazon-apigateway-request-validators"] == {
        "body": {"validateRequestBody": True, "validateRequestParameters": False}
    }
    schema = deref(clinic, post["requestBody"]["content"]["application/json"]["schema"])
    assert schema["required"] == ["petId"]
    assert clinic.api["x-amazon-apigateway-gateway-responses"]["RESOURCE_NOT_FOUND"]["statusCode"] == "404"


def test_methods_of_other_apis_are_left_out() -> None:
    other = load(TEMPLATE, api="OtherApi")
    assert other.base_pointer == "/Resources/OtherApi/Properties/Body"
    assert list(iter_operations(other)) == []


def test_corpus_rest_with_auth(corpus: Path) -> None:
    src = load(corpus / "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__REST__rest-with-auth.yaml")
    (op,) = iter_operations(src)
    assert op.route_key == "GET /"
    assert op.pointer == "/Resources/Method"
    assert src.locate(op.pointer) == (19, 3)
    (requirement,) = operation_security(src, op)[0]
    scheme, ptr = security_schemes(src)[next(iter(requirement))]
    assert scheme_kind(scheme) == "request"
    assert ptr == "/Resources/MyAuthorizer"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "template.yaml"
    p.write_text(textwrap.dedent(text).lstrip("\n"))
    return p


API = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: x}
"""


@pytest.mark.parametrize(
    ("extra", "fragment", "line"),
    [
        ("", "has no Body and no AWS::ApiGateway::Method resources", 2),
        (
            """
  M:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !Ref Api, ResourceId: !ImportValue shared-root, HttpMethod: GET}
""",
            "cannot tell which path this belongs to",
            7,
        ),
        (
            """
  R:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !Ref R2, PathPart: a}
  R2:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !Ref R, PathPart: b}
  M:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !Ref Api, ResourceId: !Ref R, HttpMethod: GET}
""",
            "the ParentId chain of R loops back to R",
            5,
        ),
        (
            """
  M:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: CUSTOM
      AuthorizerId: some-id
""",
            "AuthorizerId of M must be !Ref to an AWS::ApiGateway::Authorizer of Api",
            12,
        ),
        (
            """
  M1:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !Ref Api, ResourceId: !GetAtt Api.RootResourceId, HttpMethod: GET}
  M2:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !Ref Api, ResourceId: !GetAtt Api.RootResourceId, HttpMethod: get}
""",
            "GET / is defined twice",
            10,
        ),
    ],
    ids=["no-methods", "imported-resource", "parent-loop", "authorizer-id", "twice"],
)
def test_resources_errors(tmp_path: Path, extra: str, fragment: str, line: int) -> None:
    with pytest.raises(InputError) as info:
        load(write(tmp_path, API + extra.lstrip("\n")))
    assert fragment in info.value.reason
    assert info.value.line == line


@pytest.mark.parametrize("reference", ["Book", "!Ref BookModel"])
def test_a_named_model_is_found_by_its_name_or_by_ref(tmp_path: Path, reference: str) -> None:
    path = write(tmp_path, API + f"""
  BookModel:
    Type: AWS::ApiGateway::Model
    Properties: {{RestApiId: !Ref Api, Name: Book, ContentType: application/json, Schema: {{type: object, required: [title]}}}}
  M:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: POST
      RequestModels: {{application/json: {reference}}}
""".lstrip("\n"))
    src = load(path)
    body = src.api["paths"]["/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Book"}
    assert deref(src, body)["required"] == ["title"]
    line, column = src.locate(src.api_pointer("/components/schemas/Book/required"))
    assert path.read_text().splitlines()[line - 1][column - 1 :].startswith("required: [title]")
