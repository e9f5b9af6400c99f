"""Property-based: convert any generated REST export into a valid document without losing a route silently."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apigw_migrate.checks import run_checks
from apigw_migrate.errors import InputError
from apigw_migrate.load import source_from_document
from apigw_migrate.openapi import all_route_keys
from apigw_migrate.transforms import ConvertOptions, convert
from apigw_migrate.transforms.context import operations
from apigw_migrate.transforms.http_rules import check
from apigw_migrate.transforms.validate import spec_violations

FN = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:{}/invocations"
CORS_MOCK = {
    "type": "mock",
    "requestTemplates": {"application/json": '{"statusCode": 200}'},
    "responses": {"default": {"statusCode": "200", "responseParameters": {
        "method.response.header.Access-Control-Allow-Origin": "'https://app.example.com'",
        "method.response.header.Access-Control-Allow-Methods": "'GET,POST,OPTIONS'"}}},
}  # fmt: skip
INTEGRATIONS = {
    "lambda": {"type": "aws_proxy", "httpMethod": "POST", "uri": FN.format("f"), "timeoutInMillis": 29000},
    "slow-lambda": {"type": "aws_proxy", "httpMethod": "POST", "uri": FN.format("slow"), "timeoutInMillis": 120000},
    "http": {"type": "http_proxy", "httpMethod": "ANY", "uri": "https://backend.example.com/x",
             "requestParameters": {"integration.request.header.X-Id": "method.request.header.X-Id"}},
    "mock": {"type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
    "sqs": {"type": "aws", "httpMethod": "POST", "uri": "arn:aws:apigateway:eu-west-1:sqs:path/1/q", "credentials": "arn:aws:iam::1:role/r",
            "requestTemplates": {"application/json": "Action=SendMessage&MessageBody=$input.body"}},
    "dynamodb": {"type": "aws", "httpMethod": "POST", "uri": "arn:aws:apigateway:eu-west-1:dynamodb:action/PutItem",
                 "credentials": "arn:aws:iam::1:role/r", "requestTemplates": {"application/json": "{}"}},
    # What only a rewrite used to find out: a template HTTP parameters cannot express, a missing role.
    "sfn-vtl": {"type": "aws", "uri": "arn:aws:apigateway:eu-west-1:states:action/StartExecution", "credentials": "arn:aws:iam::1:role/r",
                "requestTemplates": {"application/json": '#set($b = $input.json(\'$\'))\n{"input": "$util.escapeJavaScript($b)", '
                                                         '"stateMachineArn": "arn:aws:states:eu-west-1:1:stateMachine:m"}'}},
    "sfn": {"type": "aws", "uri": "arn:aws:apigateway:eu-west-1:states:action/StartExecution", "credentials": "arn:aws:iam::1:role/r",
            "requestTemplates": {"application/json": '{"input": "$util.escapeJavaScript($input.json(\'$\'))", '
                                                     '"stateMachineArn": "arn:aws:states:eu-west-1:1:stateMachine:m"}'}},
    "sqs-no-role": {"type": "aws", "uri": "arn:aws:apigateway:eu-west-1:sqs:path/1/q",
                    "requestTemplates": {"application/json": "Action=SendMessage&MessageBody=$input.body"}},
    "http-vtl": {"type": "http", "httpMethod": "GET", "uri": "https://backend.example.com/v",
                 "requestTemplates": {"application/json": '{"q": "$input.params(\'q\')"}'}},
    "http-plain": {"type": "http", "httpMethod": "GET", "uri": "https://backend.example.com/p",
                   "requestParameters": {"integration.request.header.X-Trace": "context.xrayTraceId"},
                   "responses": {"default": {"statusCode": "200"}}},
    "reserved-header": {"type": "http_proxy", "httpMethod": "ANY", "uri": "https://backend.example.com/r",
                        "requestParameters": {"integration.request.header.X-Amzn-Trace-Id": "context.xrayTraceId",
                                              "integration.request.header.Authorization": "'Basic abc'"}},
    "stream": {"type": "aws_proxy", "httpMethod": "POST", "uri": FN.format("s"), "responseTransferMode": "STREAM"},
}  # fmt: skip
SCHEMES = {
    "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
    "token": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "custom",
              "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": FN.format("auth"), "authorizerResultTtlInSeconds": 60}},
    "pool": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "cognito_user_pools",
             "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools",
                                                "providerARNs": ["arn:aws:cognito-idp:eu-west-1:1:userpool/eu-west-1_p"]}},
    "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"},
}  # fmt: skip
SECURITY = st.sampled_from([None, [], [{"token": []}], [{"pool": ["s/read"]}], [{"sigv4": []}], [{"api_key": []}],
                            [{"api_key": [], "token": []}], [{"token": []}, {"pool": []}]])  # fmt: skip
SEGMENT = st.sampled_from(["books", "authors", "v1", "{id}", "{name}", "x"])


@st.composite
def rest_exports(draw: st.DrawFn) -> dict:
    paths: dict = {}
    for _ in range(draw(st.integers(1, 6))):
        segments = draw(st.lists(SEGMENT, max_size=3))
        # Path variables must be unique within a path (REST and OpenAPI both require it).
        seen: set[str] = set()
        segments = [s for s in segments if not (s.startswith("{") and (s in seen or seen.add(s)))]  # type: ignore[func-returns-value]
        if draw(st.booleans()) and draw(st.booleans()):
            segments.append("{proxy+}")
        path = "/" + "/".join(segments)
        item = paths.setdefault(path, {})
        variables = [s.strip("{}+") for s in segments if s.startswith("{")]
        for method in draw(st.lists(st.sampled_from(["get", "post", "delete", "x-amazon-apigateway-any-method"]), min_size=1, max_size=3, unique=True)):
            op: dict = {
                "responses": {"200": {"description": "ok"}},
                "x-amazon-apigateway-integration": json.loads(json.dumps(INTEGRATIONS[draw(st.sampled_from(sorted(INTEGRATIONS)))])),
            }
            if variables:
                op["parameters"] = [{"name": v, "in": "path", "required": True, "schema": {"type": "string"}} for v in variables]
            security = draw(SECURITY)
            if security is not None:
                op["security"] = security
            if draw(st.booleans()) and draw(st.booleans()):
                op["x-amazon-apigateway-auth"] = {"type": "AWS_IAM"}
            item[method] = op
        if draw(st.booleans()):
            item["options"] = {"responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": json.loads(json.dumps(CORS_MOCK))}
            if variables:
                item["options"]["parameters"] = [{"name": v, "in": "path", "required": True, "schema": {"type": "string"}} for v in variables]
    doc = {
        "openapi": "3.0.1",
        "info": {"title": "generated", "version": "1"},
        "servers": [{"url": "https://x.execute-api.eu-west-1.amazonaws.com/{basePath}", "variables": {"basePath": {"default": "/prod"}}}],
        "paths": paths,
        "components": {"securitySchemes": json.loads(json.dumps(SCHEMES))},
    }
    if draw(st.booleans()):
        doc["security"] = [{"token": []}]
    if draw(st.booleans()) and draw(st.booleans()):
        # A blocker about the whole API: nothing moves unless it is acknowledged.
        doc["x-amazon-apigateway-policy"] = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}  # fmt: skip
    return doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=rest_exports(), audience=st.booleans(), payload=st.sampled_from(["1.0", "2.0"]))
def test_generated_exports_validate_and_every_route_is_kept_or_named(doc: dict, audience: bool, payload: str) -> None:
    src = source_from_document(doc, "generated.json")
    options = ConvertOptions(payload_format=payload, jwt_audiences=("client",) if audience else (), on_blocked="skip")
    result = convert(src, options)

    assert result.violations == []
    assert check(result.document) == [] and spec_violations(result.document) == []
    kept = {o.route for o in operations(result.document)}
    named = {r for f in result.findings for r in f.routes}
    for route in all_route_keys(src):
        # A route is written, or a finding names it, or a blocker about the whole API holds it back.
        assert route in kept or route in named or route in result.blocked_routes, route
    for route in result.blocked_routes:
        assert route not in kept and result.blocked_reasons[route]
    assert "servers" not in result.document  # the REST stage never becomes part of the routes


@settings(max_examples=30, deadline=None)
@given(doc=rest_exports())
def test_converting_the_output_again_is_refused_as_an_http_api(doc: dict) -> None:
    """The output is an HTTP API definition: it must never look like a REST one that still needs work."""
    result = convert(source_from_document(doc, "generated.json"), ConvertOptions(jwt_audiences=("c",), on_blocked="skip"))
    again = source_from_document(json.loads(json.dumps(result.document)), "again.json")
    assert again.flavor == "http"
    with pytest.raises(InputError, match="already an HTTP API definition"):
        convert(again)


IGNORABLE = ["AGW104", "AGW201", "AGW207", "AGW204", "AGW302", "AGW305", "AGW402", "AGW304"]


def _reported(findings: list) -> list[tuple]:
    return sorted((f.rule, f.severity.value, f.pointer, f.routes, f.message) for f in findings if f.severity.value != "info")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    doc=rest_exports(),
    audience=st.booleans(),
    payload=st.sampled_from(["1.0", "2.0"]),
    ignore=st.lists(st.sampled_from(IGNORABLE), max_size=3, unique=True),
)
def test_convert_leaves_out_exactly_what_check_blocks_and_reports_what_check_reports(
    doc: dict, audience: bool, payload: str, ignore: list[str]
) -> None:
    """Invariant 1 on generated inputs: one analysis, two reports; no pass meets what it cannot rewrite."""
    src = source_from_document(doc, "generated.json")
    options = ConvertOptions(payload_format=payload, jwt_audiences=("client",) if audience else (), on_blocked="skip", ignore=tuple(ignore))
    checked = run_checks([src], options=options).apis[0]
    result = convert(src, options)

    assert [f.message for f in result.findings if f.rule == "AGW000"] == []
    assert sorted(result.blocked_routes) == sorted(checked.blocked_routes)
    assert _reported(result.findings) == _reported(checked.findings)
    assert result.report.routes == checked.routes and result.report.verdict == checked.verdict
    written = {o.route for o in operations(result.document)}
    assert written.isdisjoint(checked.blocked_routes)
    assert result.violations == []
    # A blocker about the whole API blocks every route; acknowledged, the document says so.
    if any(f.severity.value == "blocker" and not f.routes for f in checked.findings):
        assert written == set()
    acknowledged = sorted({f.rule for f in result.acknowledged})
    if written and acknowledged:
        assert sorted({a["rule"] for a in result.document["info"]["x-apigw-migrate"]["acknowledged"]}) == acknowledged
