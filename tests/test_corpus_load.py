"""Every file of the shared corpus of real-world definitions: loaded as expected, or one clear error.

The files are read in place (the `corpus` fixture skips when the corpus is absent); none is copied.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apigw_migrate.errors import InputError, UsageError
from apigw_migrate.load import load
from apigw_migrate.openapi import iter_operations

# file → ("ok", kind, spec, flavor, operations) or ("error", message fragment, line)
EXPECTED: dict[str, tuple] = {
    "CodeGenieApp__serverless-express__example__simple-proxy-api.yaml": ("ok", "swagger2", "swagger2", "rest", 4),
    "aws-samples__aws-modern-application-workshop__module-4__api__api-swagger.json": (
        "error", "not valid JSON: Expecting property name enclosed in double quotes", 437),  # trailing comma
    # Refs inside schemas that do not resolve are recorded (AGW003), not refused: see test_broken_schema_refs.
    "aws-samples__aws-serverless-ecommerce-platform__delivery-pricing__resources__openapi.yaml": ("ok", "oas3", "oas3", "rest", 1),
    "aws-samples__aws-serverless-ecommerce-platform__orders__resources__openapi.yaml": ("ok", "oas3", "oas3", "rest", 2),
    "aws-samples__serverless-patterns__apigw-sfn-crud__api.openapi.yaml": ("ok", "oas3", "oas3", "rest", 2),
    "aws-samples__serverless-samples__apigw-private-custom-domain-name__iac__swagger.yaml": (
        "ok", "oas3", "oas3", "rest", 2),
    "aws-samples__serverless-samples__fargate-private-api__javascript-private-nlb-ecs-sam__swagger.yaml": (
        "ok", "swagger2", "swagger2", "rest", 16),
    "aws-samples__serverless-samples__queue-based-ingestion__python-sam__api.yaml": ("ok", "oas3", "oas3", "http", 2),
    "aws-samples__serverless-samples__serverless-rest-api__python-rest-sam__src__api__swagger.yaml": (
        "ok", "swagger2", "swagger2", "rest", 13),
    "aws-samples__sessions-with-aws-sam__http-api-direct-integration__api.yaml": ("ok", "oas3", "oas3", "http", 3),
    "aws__aws-sam-cli__tests__integration__testdata__start_api__cfn-http-api-with-swagger-body.yaml": ("ok", "cloudformation", "oas3", "http", 1),
    "aws__aws-sam-cli__tests__integration__testdata__start_api__swagger-rest-api-template.yaml": (
        "ok", "sam", "swagger2", "rest", 6),
    "aws__serverless-application-model__examples__2016-10-31__api_resource_policy__template.yaml": (
        "error", "REST API LambdaAPIDefinition has no inline OpenAPI definition (DefinitionBody)", 23),
    "aws__serverless-application-model__examples__2016-10-31__api_swagger_cors__swagger.yaml": (
        "ok", "swagger2", "swagger2", "rest", 2),
    "aws__serverless-application-model__examples__2016-10-31__inline_swagger__template.yaml": (
        "error", "duplicate key 'swagger'", 23),
    "aws__serverless-application-model__examples__2016-10-31__usage_plan__template.yaml": (
        "error", "the template holds 2 REST APIs; pick one with --api: MyApiOne, MyApiTwo", None),
    "aws__serverless-application-model__tests__translator__input__http_api_existing_openapi.yaml": ("ok", "sam", "oas3", "http", 4),
    "aws__serverless-application-model__tests__translator__input__http_api_with_cors.yaml": ("ok", "sam", "oas3", "http", 1),
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__HTTP__http-api-parameter-mapping.yaml": ("ok", "cloudformation", "oas3", "http", 0),
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__HTTP__http-with-jwt-auth.yaml": ("ok", "cloudformation", "oas3", "http", 0),
    # No Body: assembled from its AWS::ApiGateway::Method/Authorizer resources.
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__REST__rest-with-auth.yaml": (
        "ok", "cloudformation", "oas3", "rest", 1),
    "awsdocs__amazon-api-gateway-developer-guide__doc_source__api-as-lambda-proxy-export-swagger-with-extensions.md__block1.json": (
        "ok", "swagger2", "swagger2", "rest", 3),
    "awsdocs__amazon-api-gateway-developer-guide__doc_source__api-gateway-request-validation-sample-api-swagger.md__block1.json": (
        "ok", "swagger2", "swagger2", "rest", 2),
    # Only a lone payloadFormatVersion hints at HTTP, which REST definitions carry too.
    "balabalabear-vault__infra__definitions__api_definition.tpl": ("ok", "terraform", "oas3", "rest", 2),
    "nationalarchives__tdr-terraform-environments__templates__api_gateway__backend_checks.json.tpl": ("ok", "terraform", "oas3", "rest", 1),
    "nationalarchives__tdr-terraform-environments__templates__api_gateway__draft_metadata.json.tpl": (
        "ok", "terraform", "swagger2", "rest", 1),
}  # fmt: skip

USAGE_PLAN = "aws__serverless-application-model__examples__2016-10-31__usage_plan__template.yaml"


def test_every_corpus_file_has_an_expectation(corpus: Path) -> None:
    files = {p.name for p in corpus.iterdir() if p.is_file() and p.name != "MANIFEST.tsv"}
    assert files == set(EXPECTED)


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(corpus: Path, name: str) -> None:
    expected = EXPECTED[name]
    path = corpus / name
    if expected[0] == "ok":
        _, kind, spec, flavor, operations = expected
        src = load(path)
        assert (src.kind, src.spec, src.flavor) == (kind, spec, flavor)
        assert len(list(iter_operations(src))) == operations
        return
    _, fragment, line = expected
    with pytest.raises((InputError, UsageError)) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert fragment in message
    assert getattr(info.value, "line", None) == line


BROKEN_SCHEMA_REFS = {
    "aws-samples__aws-serverless-ecommerce-platform__delivery-pricing__resources__openapi.yaml": [
        "$ref '../../shared/resources/schemas.yaml#/Product': cannot resolve: no such file"],
    "aws-samples__aws-serverless-ecommerce-platform__orders__resources__openapi.yaml": [
        "$ref 'schemas.yaml/#Address': malformed", "$ref 'schemas.yaml#/Order': cannot resolve: no such file"],
    "nationalarchives__tdr-terraform-environments__templates__api_gateway__backend_checks.json.tpl": [
        "$ref '#/components/schemas/Empty': cannot resolve: nothing at /components/schemas/Empty"],
}  # fmt: skip


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(BROKEN_SCHEMA_REFS))
def test_broken_schema_refs(corpus: Path, name: str) -> None:
    reasons = [b.reason for b in load(corpus / name).broken_refs]
    for fragment in BROKEN_SCHEMA_REFS[name]:
        assert any(r.startswith(fragment) for r in reasons), reasons


@pytest.mark.corpus
@pytest.mark.parametrize(("api", "line"), [("MyApiOne", 21), ("MyApiTwo", 27)])
def test_usage_plan_template_apis_have_no_definition_body(corpus: Path, api: str, line: int) -> None:
    with pytest.raises(InputError) as info:
        load(corpus / USAGE_PLAN, api=api)
    assert f"REST API {api} has no inline OpenAPI definition (DefinitionBody)" in info.value.reason
    assert info.value.line == line
