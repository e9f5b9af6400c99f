"""The pass modules' doctest examples (run by test_doctests.py), and the behaviours that rest on unconfirmed ([U]) fact-sheet rows.

A pass rewrites and the analysis reports (`checks.analyze`): each behaviour is checked on both sides, the
document the pass writes and the finding `check` and `convert` report about it.
"""

from __future__ import annotations

import copy
import doctest
import importlib

import pytest


from apigw_migrate.checks import analyze
from apigw_migrate.findings import Finding
from apigw_migrate.load import source_from_document
from apigw_migrate.transforms import ConvertOptions
from apigw_migrate.checks.auth import cognito_issuer
from apigw_migrate.transforms.authorizers import authorizers
from apigw_migrate.transforms.cleanup import cleanup
from apigw_migrate.transforms.context import Context
from apigw_migrate.transforms.cors import cors
from apigw_migrate.transforms.integrations import integrations
from apigw_migrate.transforms.parameters import parameters
from apigw_migrate.transforms.stage import stage

MODULES = [
    "context", "normalize", "routes", "integrations", "parameters", "authorizers", "cors", "stage", "cleanup", "validate", "http_rules",
    "iac",
]  # fmt: skip


def test_pass_modules_have_a_doctest_example() -> None:
    for name in MODULES:
        if name == "http_rules":
            continue
        module = importlib.import_module(f"apigw_migrate.transforms.{name}")
        finder = doctest.DocTestFinder()
        assert any(t.examples for t in finder.find(module)), name


def analysis(doc: dict, **options: object) -> list[Finding]:
    """What check (and convert) report about a REST document written as a bare `paths` mapping."""
    full = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, **copy.deepcopy(doc)}
    return analyze(source_from_document(full, "api.json"), ConvertOptions(**options)).findings  # type: ignore[arg-type]


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
    out, _ = parameters(copy.deepcopy(doc), Context())
    assert out["paths"]["/users/{id}"]["get"]["x-amazon-apigateway-integration"]["requestParameters"] == {"overwrite:header.X-All": "$request.header.X-Tag"}
    (multi,) = [f for f in analysis(doc) if f.rule == "AGW401"]
    assert "comma-join" in multi.message and multi.routes == ("GET /users/{id}",)


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
    options = {"payload_format": "2.0", "route_overrides": {"GET /a": {"payloadFormatVersion": "1.0"}}}
    out, _ = integrations(copy.deepcopy(doc), Context(options=ConvertOptions(**options)))  # type: ignore[arg-type]
    versions = {m: op["x-amazon-apigateway-integration"]["payloadFormatVersion"] for m, op in out["paths"]["/a"].items()}
    assert versions == {"get": "1.0", "post": "2.0"}
    # One AGW313 per payload version, with its own description of what the functions see.
    messages = {f.routes: f.message for f in analysis(doc, **options) if f.rule == "AGW313"}
    assert "payload format 1.0" in messages[("GET /a",)] and "payload format 2.0" in messages[("POST /a",)]


def test_uri_variable_renamed_after_the_route_variable_is_reported_U() -> None:
    # HTTP APIs fill {authorId} in an HTTP_PROXY uri from the route's variable [U]: the rename is a warning.
    doc = _op({"type": "HTTP_PROXY", "uri": "https://b.example.com/a/{id}", "requestParameters": {
        "integration.request.path.id": "method.request.path.authorId"}}, path="/authors/{authorId}")  # fmt: skip
    out, _ = parameters(copy.deepcopy(doc), Context())
    assert out["paths"]["/authors/{authorId}"]["get"]["x-amazon-apigateway-integration"]["uri"] == "https://b.example.com/a/{authorId}"
    assert [(f.rule, f.routes) for f in analysis(doc) if f.rule == "AGW404"] == [("AGW404", ("GET /authors/{authorId}",))]


def test_credentials_with_the_wildcard_origin_are_left_out_U() -> None:
    # HTTP API CORS refuses allowCredentials with the origin '*' [U]; browsers never honoured the pair.
    mock = {"type": "mock", "responses": {"default": {"statusCode": "200", "responseParameters": {
        "method.response.header.Access-Control-Allow-Origin": "'*'",
        "method.response.header.Access-Control-Allow-Credentials": "'true'"}}}}  # fmt: skip
    doc = {"paths": {"/a": {"get": {}, "options": {"x-amazon-apigateway-integration": mock}}}}
    out, _ = cors(copy.deepcopy(doc), Context())
    assert out["x-amazon-apigateway-cors"] == {"allowOrigins": ["*"]}
    assert "AGW502" in [f.rule for f in analysis(doc)]


def _cors_mock(max_age: int, origin: str = "https://a.example.com") -> dict:
    return {"type": "mock", "responses": {"default": {"statusCode": "200", "responseParameters": {
        "method.response.header.Access-Control-Allow-Origin": f"'{origin}'",
        "method.response.header.Access-Control-Max-Age": f"'{max_age}'"}}}}  # fmt: skip


@pytest.mark.parametrize("ages", [(600, 300), (300, 600), (60, 600, 300)])
def test_cors_max_age_of_several_preflights_is_the_largest_whatever_their_order(ages: tuple) -> None:
    # One API-level configuration must not make browsers preflight more often than any path did.
    doc = {"paths": {f"/p{i}": {"get": {}, "options": {"x-amazon-apigateway-integration": _cors_mock(age)}} for i, age in enumerate(ages)}}
    out, _ = cors(doc, Context())
    assert out["x-amazon-apigateway-cors"]["maxAge"] == max(ages)


LAMBDA_URI = "arn:aws:apigateway:r:lambda:path/2015-03-31/functions/arn:aws:lambda:r:1:function:f/invocations"


def test_parameter_mapping_is_kept_on_a_lambda_proxy_integration_U() -> None:
    # Whether HTTP APIs apply mappings on a Lambda proxy integration is [U]: they are kept, with a note.
    doc = _op({"type": "AWS_PROXY", "uri": LAMBDA_URI, "requestParameters": {
        "integration.request.header.X-Tenant": "method.request.header.X-Org"}})  # fmt: skip
    ctx = Context()
    out, findings = parameters(doc, ctx)
    integ = out["paths"]["/users/{id}"]["get"]["x-amazon-apigateway-integration"]
    assert integ["requestParameters"] == {"overwrite:header.X-Tenant": "$request.header.X-Org"} and findings == []
    assert any("Lambda proxy" in n and "not confirmed" in n for n in ctx.notes)


def test_greedy_route_with_an_authorizer_gets_an_unauthenticated_options_route_U() -> None:
    # AWS says to add the OPTIONS route; whether its integration then sees the preflights is [U].
    integ = {"type": "HTTP_PROXY", "uri": "https://b.example.com/{proxy}", "payloadFormatVersion": "1.0"}
    doc = {"x-amazon-apigateway-cors": {"allowOrigins": ["https://app.example.com"]}, "paths": {"/{proxy+}": {
        "x-amazon-apigateway-any-method": {"security": [{"auth": []}], "x-amazon-apigateway-integration": integ}}}}  # fmt: skip
    out, _ = cors(copy.deepcopy(doc), Context())
    twin = out["paths"]["/{proxy+}"]["options"]
    assert twin["security"] == [] and twin["x-amazon-apigateway-integration"] == integ


def test_method_settings_keyed_any_apply_to_the_any_route_U() -> None:
    # REST's methodSettings key for an ANY method is [U]: `…/ANY` is taken to name the ANY route.
    bundle = {
        "apiVersion": "apigw-migrate/v1", "kind": "RestApiBundle", "metadata": {"restApiId": "a1", "stage": "prod", "exportedVia": "file"},
        "openapi": {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {"/items": {
            "get": {"x-amazon-apigateway-integration": {"type": "AWS_PROXY", "uri": LAMBDA_URI}},
            "x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration": {"type": "AWS_PROXY", "uri": LAMBDA_URI}}}}},
        "stage": {"stageName": "prod", "methodSettings": {"~1items/ANY": {"throttlingBurstLimit": 7}}},
    }  # fmt: skip
    src = source_from_document(bundle, "bundle.json")
    ctx = Context(src=src)
    stage(copy.deepcopy(src.api), ctx)
    assert ctx.stage["RouteSettings"] == {"ANY /items": {"ThrottlingBurstLimit": 7}}


def test_binary_media_types_are_left_out_with_a_warning_U() -> None:
    # That HTTP APIs have no binary-media-types setting is [U]; the extension goes, with AGW107.
    doc = {"x-amazon-apigateway-binary-media-types": ["image/png"], "paths": {}}
    out, _ = cleanup(copy.deepcopy(doc), Context())
    assert "x-amazon-apigateway-binary-media-types" not in out
    assert [(f.rule, f.severity.value) for f in analysis(doc) if f.rule == "AGW107"] == [("AGW107", "warning")]


def _request_authorizer(**auth: object) -> dict:
    scheme = {"type": "apiKey", "name": "Authorization", "in": "header",
              "x-amazon-apigateway-authorizer": {"type": "request", "authorizerUri": LAMBDA_URI, **auth}}  # fmt: skip
    return {"components": {"securitySchemes": {"auth": scheme}}, "paths": {"/a": {"get": {"security": [{"auth": []}]}}}}


def test_request_authorizer_without_identity_sources_has_no_identity_source_U() -> None:
    # Whether HTTP import wants an empty identitySource rather than none is [U]; none is written.
    out, _ = authorizers(_request_authorizer(authorizerResultTtlInSeconds=0), Context())
    auth = out["components"]["securitySchemes"]["auth"]["x-amazon-apigateway-authorizer"]
    assert "identitySource" not in auth and auth["authorizerPayloadFormatVersion"] == "1.0"


def test_authorizer_cache_ttl_is_written_out_when_rest_left_it_unset_U() -> None:
    # The HTTP default TTL is [U]: REST's default, 300 s, is written so the caching stays the same.
    doc = _request_authorizer(identitySource="method.request.header.Authorization")
    out, _ = authorizers(copy.deepcopy(doc), Context())
    auth = out["components"]["securitySchemes"]["auth"]["x-amazon-apigateway-authorizer"]
    assert auth["authorizerResultTtlInSeconds"] == 300 and auth["identitySource"] == "$request.header.Authorization"
    assert "AGW208" in [f.rule for f in analysis(doc)]


def test_iam_auth_extension_becomes_a_sigv4_requirement_U() -> None:
    # Whether HTTP import reads x-amazon-apigateway-auth is [U]: IAM is written as a sigv4 scheme instead.
    doc = {"paths": {"/a": {"get": {"x-amazon-apigateway-auth": {"type": "AWS_IAM"}}}}}
    out, _ = authorizers(doc, Context())
    op = out["paths"]["/a"]["get"]
    assert op == {"security": [{"sigv4": []}]}
    assert out["components"]["securitySchemes"]["sigv4"]["x-amazon-apigateway-authtype"] == "awsSigv4"


def test_vpc_link_integration_is_kept_as_written_with_a_warning_U() -> None:
    # Whether HTTP import takes the REST API's link id is [U]: the route is not blocked, AGW311 says what to change.
    integ = {"type": "http_proxy", "uri": "http://nlb.example.com/a", "connectionType": "VPC_LINK", "connectionId": "v1link"}
    doc = {"paths": {"/a": {"get": {"x-amazon-apigateway-integration": integ}}}}
    out, findings = integrations(copy.deepcopy(doc), Context())
    written = out["paths"]["/a"]["get"]["x-amazon-apigateway-integration"]
    assert written["connectionId"] == "v1link" and written["type"] == "HTTP_PROXY" and findings == []
    reported = analysis(doc)
    assert [f.severity.value for f in reported if f.rule == "AGW311"] == ["warning"]
    assert "--vpc-link" in next(f for f in reported if f.rule == "AGW311").alternative
    assert not any(f.severity.value == "blocker" for f in reported)
