"""convert on every definition of the shared corpus (read in place, never copied).

Each REST definition either converts to a document that passes both validators, or ends with its blocked
routes listed. The expected outcome per file was written from reading the file and its MANIFEST entry.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apigw_migrate.errors import UserError
from apigw_migrate.load import load, parse
from apigw_migrate.transforms import ConvertOptions, convert
from apigw_migrate.transforms.context import integration_type, operations
from apigw_migrate.transforms.http_rules import check
from apigw_migrate.transforms.validate import spec_violations

pytestmark = pytest.mark.corpus

CONVERTS = "converts"  # every route moves
BLOCKED = "blocked"  # some routes cannot move: listed
INPUT_ERROR = "input-error"  # load refuses it (exit 2), with the reason in the message
HTTP_INPUT = "http-input"  # already an HTTP API: convert refuses it (exit 2)

# file → (outcome, blocked routes or a fragment of the error message)
EXPECTED: dict[str, tuple[str, object]] = {
    "CodeGenieApp__serverless-express__example__simple-proxy-api.yaml": (CONVERTS, None),
    "aws-samples__aws-modern-application-workshop__module-4__api__api-swagger.json": (INPUT_ERROR, "not valid JSON"),
    # Schema refs to a file outside the corpus (one malformed) are left out with AGW003 (test_real_corpus.py).
    "aws-samples__aws-serverless-ecommerce-platform__delivery-pricing__resources__openapi.yaml": (CONVERTS, None),
    "aws-samples__aws-serverless-ecommerce-platform__orders__resources__openapi.yaml": (BLOCKED, {"GET /", "POST /"}),
    "aws-samples__serverless-patterns__apigw-sfn-crud__api.openapi.yaml": (BLOCKED, {"ANY /", "ANY /{id}"}),
    "aws-samples__serverless-samples__apigw-private-custom-domain-name__iac__swagger.yaml": (CONVERTS, None),
    # Every route but the health check maps X-Amzn-Trace-Id, a header HTTP API mappings cannot set (AGW402).
    "aws-samples__serverless-samples__fargate-private-api__javascript-private-nlb-ecs-sam__swagger.yaml": (BLOCKED, {
        "DELETE /locations/{locationID}", "DELETE /locations/{locationID}/resources/{resourceID}",
        "DELETE /users/{userID}/bookings/{bookingID}", "GET /locations", "GET /locations/{locationID}",
        "GET /locations/{locationID}/resources", "GET /locations/{locationID}/resources/{resourceID}",
        "GET /locations/{locationID}/resources/{resourceID}/bookings", "GET /users/{userID}/bookings",
        "GET /users/{userID}/bookings/{bookingID}", "PUT /locations/{locationID}", "PUT /locations/{locationID}/resources",
        "PUT /users/{userID}/bookings", "PUT /users/{userID}/bookings/{bookingID}"}),
    "aws-samples__serverless-samples__queue-based-ingestion__python-sam__api.yaml": (HTTP_INPUT, None),
    "aws-samples__serverless-samples__serverless-rest-api__python-rest-sam__src__api__swagger.yaml": (CONVERTS, None),
    "aws-samples__sessions-with-aws-sam__http-api-direct-integration__api.yaml": (HTTP_INPUT, None),
    "aws__aws-sam-cli__tests__integration__testdata__start_api__cfn-http-api-with-swagger-body.yaml": (HTTP_INPUT, None),
    "aws__aws-sam-cli__tests__integration__testdata__start_api__swagger-rest-api-template.yaml": (CONVERTS, None),
    "aws__serverless-application-model__examples__2016-10-31__api_resource_policy__template.yaml": (INPUT_ERROR, "no inline OpenAPI definition"),
    "aws__serverless-application-model__examples__2016-10-31__api_swagger_cors__swagger.yaml": (CONVERTS, None),
    "aws__serverless-application-model__examples__2016-10-31__inline_swagger__template.yaml": (INPUT_ERROR, "duplicate key"),
    "aws__serverless-application-model__examples__2016-10-31__usage_plan__template.yaml": (INPUT_ERROR, "holds 2 REST APIs"),
    "aws__serverless-application-model__tests__translator__input__http_api_existing_openapi.yaml": (HTTP_INPUT, None),
    "aws__serverless-application-model__tests__translator__input__http_api_with_cors.yaml": (HTTP_INPUT, None),
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__HTTP__http-api-parameter-mapping.yaml": (HTTP_INPUT, None),
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__HTTP__http-with-jwt-auth.yaml": (HTTP_INPUT, None),
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__REST__rest-with-auth.yaml": (CONVERTS, None),
    "awsdocs__amazon-api-gateway-developer-guide__doc_source__api-as-lambda-proxy-export-swagger-with-extensions.md__block1.json": (
        BLOCKED, {"GET /calc", "GET /calc/{operand1}/{operand2}/{operator}", "POST /calc"}),
    "awsdocs__amazon-api-gateway-developer-guide__doc_source__api-gateway-request-validation-sample-api-swagger.md__block1.json": (
        BLOCKED, {"GET /validation", "POST /validation"}),
    # Swagger 2.0 leftovers inside OpenAPI 3.0 (body parameter, definitions) are repaired by normalize.
    "balabalabear-vault__infra__definitions__api_definition.tpl": (CONVERTS, None),
    "nationalarchives__tdr-terraform-environments__templates__api_gateway__backend_checks.json.tpl": (BLOCKED, {"POST /"}),
    "nationalarchives__tdr-terraform-environments__templates__api_gateway__draft_metadata.json.tpl": (
        BLOCKED, {"POST /draft-metadata/validate/{consignmentId}/{fileName}"}),
}  # fmt: skip


def _files(corpus: Path) -> list[str]:
    return sorted(p.name for p in corpus.iterdir() if p.name != "MANIFEST.tsv" and p.is_file())


def test_every_corpus_file_has_an_expected_outcome(corpus: Path) -> None:
    assert sorted(EXPECTED) == _files(corpus)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_converts_or_lists_its_blocked_routes(name: str, corpus: Path) -> None:
    outcome, detail = EXPECTED[name]
    path = corpus / name
    if not path.exists():
        pytest.skip(f"{name} is not in this corpus")
    try:
        src = load(path)
        result = convert(src, ConvertOptions(on_blocked="skip"))
    except UserError as e:
        assert outcome in (INPUT_ERROR, HTTP_INPUT), f"{name}: {e}"
        assert int(e.exit_code) == 2
        assert (detail if outcome == INPUT_ERROR else "already an HTTP API definition") in str(e)
        return
    assert outcome in (CONVERTS, BLOCKED), f"{name} converted but {outcome} was expected"
    assert result.violations == [], [(v.rule, v.pointer, v.message) for v in result.violations]
    assert set(result.blocked_routes) == (detail or set())
    for route, findings in result.blocked_reasons.items():
        assert findings and all(route in f.routes or not f.routes for f in findings)
    # The written document passes both validators on its own (not only through convert's record).
    assert check(result.document) == [] and spec_violations(result.document) == []


def _http_body(path: Path) -> dict:
    """The OpenAPI Body of the AWS::ApiGatewayV2::Api in an HTTP API template (the HTTP half of a pair)."""
    doc = parse(path.read_text(encoding="utf-8"), str(path)).document
    for resource in doc["Resources"].values():
        if resource.get("Type") == "AWS::ApiGatewayV2::Api":
            return resource["Properties"]["Body"]
    raise AssertionError("no HTTP API in the template")


def _integration_shapes(document: dict) -> set[tuple]:
    return {
        (integration_type(o.integration), tuple(sorted(o.integration)), type(o.integration.get("uri")).__name__)
        for o in operations(document)
        if o.integration is not None
    }


def test_sam_cli_rest_template_converts_to_what_its_http_twin_writes(corpus: Path) -> None:
    """aws-sam-cli keeps a REST and an HTTP version of its start-api test API.

    The two declare different routes, so the route sets are not compared; the Lambda integrations are:
    the converted ones must have exactly the shape the HTTP side uses (AWS_PROXY, POST, payload format,
    an Fn::Sub uri), and no REST-only key.
    """
    rest = corpus / "aws__aws-sam-cli__tests__integration__testdata__start_api__swagger-rest-api-template.yaml"
    http = corpus / "aws__aws-sam-cli__tests__integration__testdata__start_api__cfn-http-api-with-swagger-body.yaml"
    if not (rest.exists() and http.exists()):
        pytest.skip("pair not in this corpus")
    converted = convert(load(rest), ConvertOptions(payload_format="2.0"))
    twin = _http_body(http)
    assert _integration_shapes(converted.document) == _integration_shapes(twin)
    assert converted.blocked_routes == []


def test_serverless_rest_api_sample_authorizer_becomes_the_http_request_type(corpus: Path) -> None:
    """The REST half of the serverless-samples pair uses a TOKEN Lambda authorizer; its HTTP half uses a
    Lambda REQUEST authorizer (payload 1.0 for REST compatibility), which is what convert writes."""
    rest = corpus / "aws-samples__serverless-samples__serverless-rest-api__python-rest-sam__src__api__swagger.yaml"
    if not rest.exists():
        pytest.skip("not in this corpus")
    result = convert(load(rest))
    schemes = result.document["components"]["securitySchemes"]
    kinds = {name: s["x-amazon-apigateway-authorizer"]["type"] for name, s in schemes.items() if "x-amazon-apigateway-authorizer" in s}
    assert kinds and set(kinds.values()) == {"request"}
    for s in schemes.values():
        auth = s.get("x-amazon-apigateway-authorizer")
        if auth:
            assert auth["authorizerPayloadFormatVersion"] == "1.0" and auth["identitySource"].startswith("$request.header.")
    assert {f.rule for f in result.findings} >= {"AGW001", "AGW203", "AGW701", "AGW702"}
