"""The pass modules' doctests, and the behaviours that rest on unconfirmed ([U]) fact-sheet rows."""

from __future__ import annotations

import doctest
import importlib

import pytest

from apigw_migrate.transforms import ConvertOptions
from apigw_migrate.transforms.authorizers import cognito_issuer
from apigw_migrate.transforms.context import Context
from apigw_migrate.transforms.integrations import integrations
from apigw_migrate.transforms.parameters import parameters

MODULES = [
    "context", "normalize", "routes", "integrations", "parameters", "authorizers", "cors", "stage", "cleanup", "validate", "http_rules",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests_pass(name: str) -> None:
    module = importlib.import_module(f"apigw_migrate.transforms.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_pass_modules_have_a_doctest_example() -> None:
    for name in MODULES:
        if name in ("http_rules",):
            continue
        module = importlib.import_module(f"apigw_migrate.transforms.{name}")
        finder = doctest.DocTestFinder()
        assert any(t.examples for t in finder.find(module)), name


def _op(integration: dict, path: str = "/users/{id}", parameters_: list | None = None) -> dict:
    op: dict = {"responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": integration}
    if parameters_ is not None:
        op["parameters"] = parameters_
    return {"paths": {path: {"get": op}}}


def test_path_mapping_is_dropped_when_the_uri_names_the_route_variable_U() -> None:
    # HTTP APIs fill {id} in an HTTP_PROXY uri from the route's path variable of that name [U].
    doc = _op({"type": "HTTP_PROXY", "uri": "https://b.example.com/u/{id}", "requestParameters": {
        "integration.request.path.id": "method.request.path.id"}})  # fmt: skip
    out, findings = parameters(doc, Context())
    integ = out["paths"]["/users/{id}"]["get"]["x-amazon-apigateway-integration"]
    assert "requestParameters" not in integ and integ["uri"] == "https://b.example.com/u/{id}" and findings == []


def test_multivalue_header_source_is_comma_joined_U() -> None:
    doc = _op({"type": "HTTP_PROXY", "uri": "https://b", "requestParameters": {
        "integration.request.header.X-All": "method.request.multivalueheader.X-Tag"}})  # fmt: skip
    out, findings = parameters(doc, Context())
    assert out["paths"]["/users/{id}"]["get"]["x-amazon-apigateway-integration"]["requestParameters"] == {"overwrite:header.X-All": "$request.header.X-Tag"}
    assert [f.rule for f in findings] == ["AGW401"] and "comma-joined [U]" in findings[0].message


def _sfn(template: str, parameters_: list | None = None) -> dict:
    return _op(
        {"type": "aws", "uri": "arn:aws:apigateway:eu-west-1:states:action/StopExecution", "credentials": "arn:aws:iam::1:role/r",
         "requestTemplates": {"application/json": template}},
        parameters_=parameters_,
    )  # fmt: skip


def test_input_params_reads_the_declared_header_and_else_the_query_string_U() -> None:
    header = _sfn('{"executionArn": "$input.params(\'arn\')"}', [{"name": "arn", "in": "header", "schema": {"type": "string"}}])
    undeclared = _sfn('{"executionArn": "$input.params(\'arn\')"}')
    for doc, expected in ((header, "$request.header.arn"), (undeclared, "$request.querystring.arn")):
        out, _ = integrations(doc, Context())
        assert out["paths"]["/users/{id}"]["get"]["x-amazon-apigateway-integration"]["requestParameters"] == {"ExecutionArn": expected}


def test_cognito_pool_given_by_getatt_gets_its_issuer_from_provider_url_U() -> None:
    assert cognito_issuer({"Fn::GetAtt": "Pool.Arn"}) == {"Fn::Sub": "https://${Pool.ProviderURL}"}
    assert cognito_issuer({"Fn::Sub": "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${Pool}"}) == {
        "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}"
    }
    assert cognito_issuer("${pool_arn}") is None


def test_payload_override_is_per_route() -> None:
    uri = "arn:aws:apigateway:r:lambda:path/2015-03-31/functions/arn:aws:lambda:r:1:function:f/invocations"
    doc = {"paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": uri}},
                            "post": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": uri}}}}}  # fmt: skip
    ctx = Context(options=ConvertOptions(payload_format="2.0", route_overrides={"GET /a": {"payloadFormatVersion": "1.0"}}))
    out, findings = integrations(doc, ctx)
    versions = {m: op["x-amazon-apigateway-integration"]["payloadFormatVersion"] for m, op in out["paths"]["/a"].items()}
    assert versions == {"get": "1.0", "post": "2.0"}
    # One AGW313 per payload version, with its own description of what the functions see.
    messages = {f.routes: f.message for f in findings}
    assert "payload format 1.0" in messages[("GET /a",)] and "payload format 2.0" in messages[("POST /a",)]


def test_uri_variable_renamed_after_the_route_variable_is_reported_U() -> None:
    # HTTP APIs fill {authorId} in an HTTP_PROXY uri from the route's variable [U]: the rename is a warning.
    doc = _op({"type": "HTTP_PROXY", "uri": "https://b.example.com/a/{id}", "requestParameters": {
        "integration.request.path.id": "method.request.path.authorId"}}, path="/authors/{authorId}")  # fmt: skip
    out, findings = parameters(doc, Context())
    assert out["paths"]["/authors/{authorId}"]["get"]["x-amazon-apigateway-integration"]["uri"] == "https://b.example.com/a/{authorId}"
    assert [(f.rule, f.routes) for f in findings] == [("AGW404", ("GET /authors/{authorId}",))] and "[U]" in findings[0].message


def test_credentials_with_the_wildcard_origin_are_left_out_U() -> None:
    # HTTP API CORS refuses allowCredentials with the origin '*' [U]; browsers never honoured the pair.
    from apigw_migrate.transforms.cors import cors

    mock = {"type": "mock", "responses": {"default": {"statusCode": "200", "responseParameters": {
        "method.response.header.Access-Control-Allow-Origin": "'*'",
        "method.response.header.Access-Control-Allow-Credentials": "'true'"}}}}  # fmt: skip
    out, findings = cors({"paths": {"/a": {"get": {}, "options": {"x-amazon-apigateway-integration": mock}}}}, Context())
    assert out["x-amazon-apigateway-cors"] == {"allowOrigins": ["*"]}
    assert "AGW502" in [f.rule for f in findings]
