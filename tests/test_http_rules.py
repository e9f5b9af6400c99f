"""transforms/http_rules.py: each HTTP import rule passes a good document and catches one that breaks it."""

from __future__ import annotations

import copy

import pytest

from apigw_migrate.transforms import http_rules
from apigw_migrate.transforms.validate import spec_violations

LAMBDA_URI = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:f/invocations"
GOOD = {
    "openapi": "3.0.1",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/books/{id}": {
            "get": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}},
                "security": [{"jwt": ["books/read"]}],
                "x-amazon-apigateway-integration": {"type": "AWS_PROXY", "httpMethod": "POST", "uri": LAMBDA_URI, "payloadFormatVersion": "2.0"},
            }
        },
        "/{proxy+}": {
            "x-amazon-apigateway-any-method": {
                "responses": {"200": {"description": "ok"}},
                "security": [{"lambda": []}],
                "x-amazon-apigateway-integration": {"type": "HTTP_PROXY", "httpMethod": "ANY", "uri": "https://b.example.com/{proxy}", "payloadFormatVersion": "1.0"},
            }
        },
        "/queue": {
            "post": {
                "responses": {"200": {"description": "ok"}},
                "x-amazon-apigateway-integration": {
                    "type": "AWS_PROXY", "integrationSubtype": "SQS-SendMessage", "credentials": "arn:aws:iam::1:role/r",
                    "requestParameters": {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/1/q", "MessageBody": "$request.body"},
                    "payloadFormatVersion": "1.0",
                },
            }
        },
    },
    "components": {
        "securitySchemes": {
            "jwt": {
                "type": "oauth2",
                "flows": {},
                "x-amazon-apigateway-authorizer": {
                    "type": "jwt",
                    "jwtConfiguration": {"issuer": "https://cognito-idp.eu-west-1.amazonaws.com/p", "audience": ["c"]},
                    "identitySource": "$request.header.Authorization",
                },
            },
            "lambda": {
                "type": "apiKey", "name": "Authorization", "in": "header",
                "x-amazon-apigateway-authorizer": {"type": "request", "authorizerUri": LAMBDA_URI, "authorizerPayloadFormatVersion": "1.0",
                                                   "identitySource": "$request.header.Authorization"},
            },
        }
    },
    "x-amazon-apigateway-cors": {"allowOrigins": ["https://app.example.com"], "allowCredentials": True, "maxAge": 300},
    "x-amazon-apigateway-importexport-version": "1.0",
}  # fmt: skip


def broken(edit) -> dict:  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(GOOD)
    edit(doc)
    return doc


def _op(doc: dict, path: str = "/books/{id}", method: str = "get") -> dict:
    return doc["paths"][path][method]


def _set(target: dict, key: str, value) -> None:  # type: ignore[no-untyped-def]
    target[key] = value


CASES = {
    "openapi_version": lambda d: _set(d, "openapi", "3.1.0"),
    "route_keys": lambda d: d["paths"].update({"/a/{rest+}/b": {"get": {"responses": {"200": {"description": "ok"}}}}}),
    "integration_types": lambda d: _set(_op(d)["x-amazon-apigateway-integration"], "type", "AWS"),
    "payload_format_versions": lambda d: _set(d["paths"]["/{proxy+}"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"], "payloadFormatVersion", "2.0"),
    "integration_settings": lambda d: _set(_op(d)["x-amazon-apigateway-integration"], "timeoutInMillis", 60000),
    "parameter_mappings": lambda d: _set(_op(d)["x-amazon-apigateway-integration"], "requestParameters",
                                         {"integration.request.header.X-Id": "method.request.header.X-Id"}),
    "subtype_integrations": lambda d: _op(d, "/queue", "post")["x-amazon-apigateway-integration"].pop("credentials"),
    "one_security_requirement": lambda d: _set(_op(d), "security", [{"jwt": []}, {"lambda": []}]),
    "security_schemes_defined": lambda d: _set(_op(d), "security", [{"missing": []}]),
    "authorizer_types": lambda d: _set(d["components"]["securitySchemes"]["lambda"]["x-amazon-apigateway-authorizer"], "type", "token"),
    "jwt_authorizers": lambda d: _set(d["components"]["securitySchemes"]["jwt"]["x-amazon-apigateway-authorizer"]["jwtConfiguration"], "audience", []),
    "request_authorizers": lambda d: d["components"]["securitySchemes"]["lambda"]["x-amazon-apigateway-authorizer"].pop("authorizerUri"),
    "cors_configuration": lambda d: _set(d["x-amazon-apigateway-cors"], "allowOrigins", ["*"]),
    "no_rest_extensions": lambda d: _set(_op(d)["x-amazon-apigateway-integration"], "passthroughBehavior", "when_no_match"),
    "route_quota": lambda d: d["paths"].update({f"/r{i}": {"get": {"responses": {"200": {"description": "ok"}}}} for i in range(300)}),
    "authorizer_quota": lambda d: d["components"]["securitySchemes"].update(
        {f"a{i}": copy.deepcopy(d["components"]["securitySchemes"]["lambda"]) for i in range(10)}
    ),
}  # fmt: skip
ALL_RULES = [r.__name__ for r in http_rules.RULES] + [r.__name__ for r in http_rules.QUOTA_RULES.values()]


def test_the_good_document_passes_every_rule_and_the_openapi_validator() -> None:
    for rule in list(http_rules.RULES) + list(http_rules.QUOTA_RULES.values()):
        assert list(rule(GOOD)) == [], rule.__name__
    assert spec_violations(GOOD) == []


def test_every_rule_has_a_breaking_case() -> None:
    assert sorted(CASES) == sorted(ALL_RULES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_catches_the_document_that_breaks_it(name: str) -> None:
    rule = getattr(http_rules, name)
    violations = list(rule(broken(CASES[name])))
    assert violations and all(v.rule == name for v in violations)
    assert all(v.pointer.startswith("/") for v in violations)


@pytest.mark.parametrize("name", sorted(CASES))
def test_other_rules_stay_quiet_on_each_breaking_case(name: str) -> None:
    # One defect, one rule: a rule that fires on someone else's defect would make messages confusing.
    doc = broken(CASES[name])
    noisy = {v.rule for v in http_rules.check(doc)} - {name}
    assert noisy == set(), noisy


def test_greedy_path_variable_is_a_plain_parameter_for_the_openapi_validator() -> None:
    # `{proxy+}` is API Gateway syntax; the OpenAPI validator must see `proxy` declared by the operation.
    doc = broken(lambda d: d["paths"]["/{proxy+}"].update({"get": {
        "parameters": [{"name": "proxy", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok"}}}}))  # fmt: skip
    assert spec_violations(doc) == []


def test_spec_validator_reports_a_pointer_into_the_document() -> None:
    doc = broken(lambda d: d["info"].pop("version"))
    assert [(v.rule, v.pointer) for v in spec_violations(doc)] == [("openapi-spec-validator", "/info")]


def test_intrinsics_are_placeholders_for_the_openapi_validator() -> None:
    doc = broken(lambda d: d["info"].update({"title": {"Ref": "AWS::StackName"}}))
    assert spec_violations(doc) == []


@pytest.mark.parametrize(
    "name, edit",
    [
        ("jwt_authorizers", lambda d: _set(d["components"]["securitySchemes"]["jwt"]["x-amazon-apigateway-authorizer"], "identitySource",
                                           "$request.header.A, $request.header.B")),
        ("jwt_authorizers", lambda d: _set(d["components"]["securitySchemes"]["jwt"]["x-amazon-apigateway-authorizer"]["jwtConfiguration"],
                                           "audience", [f"c{i}" for i in range(51)])),
        ("request_authorizers", lambda d: d["components"]["securitySchemes"]["lambda"]["x-amazon-apigateway-authorizer"].update(
            {"authorizerResultTtlInSeconds": 300, "identitySource": ""})),
        ("request_authorizers", lambda d: _set(d["components"]["securitySchemes"]["lambda"]["x-amazon-apigateway-authorizer"],
                                               "authorizerResultTtlInSeconds", 7200)),
        ("integration_settings", lambda d: _set(_op(d)["x-amazon-apigateway-integration"], "tlsConfig", {"insecureSkipVerification": True})),
        ("parameter_mappings", lambda d: _set(_op(d)["x-amazon-apigateway-integration"], "responseParameters",
                                              {"default": {"overwrite:header.X": "$response.header.Y"}})),
        ("parameter_mappings", lambda d: _set(_op(d)["x-amazon-apigateway-integration"], "responseParameters",
                                              {"200": {"method.response.header.X": "integration.response.header.Y"}})),
        ("cors_configuration", lambda d: _set(d["x-amazon-apigateway-cors"], "maxAge", 100000)),
        ("cors_configuration", lambda d: _set(d["x-amazon-apigateway-cors"], "allowOrigin", ["*"])),
    ],
)  # fmt: skip
def test_more_ways_to_break_a_rule(name: str, edit) -> None:  # type: ignore[no-untyped-def]
    assert {v.rule for v in http_rules.check(broken(edit))} == {name}


def test_intrinsic_settings_are_not_judged() -> None:
    doc = broken(lambda d: _set(_op(d)["x-amazon-apigateway-integration"], "timeoutInMillis", {"Ref": "Timeout"}))
    assert http_rules.check(doc) == []


def test_credentials_with_the_wildcard_origin_is_a_violation_U() -> None:
    # That HTTP API CORS refuses allowCredentials with the origin '*' is [U]; the rule takes it as a refusal.
    doc = broken(lambda d: _set(d["x-amazon-apigateway-cors"], "allowOrigins", ["*"]))
    assert [(v.rule, v.pointer) for v in http_rules.check(doc)] == [("cors_configuration", "/x-amazon-apigateway-cors/allowCredentials")]
    doc["x-amazon-apigateway-cors"]["allowCredentials"] = False
    assert http_rules.check(doc) == []
