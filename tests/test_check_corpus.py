"""Every file of the shared corpus through the real CLI: its load error, or its rule ids and verdict."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.corpus

# file → load-error fragment (exit 2), or (rule ids, verdict)
EXPECTED: dict[str, str | tuple[set[str], str]] = {
    "CodeGenieApp__serverless-express__example__simple-proxy-api.yaml": ({"AGW110", "AGW001", "AGW313", "AGW501", "AGW503", "AGW821", "AGW831"}, "ready-with-changes"),
    "aws-samples__aws-modern-application-workshop__module-4__api__api-swagger.json": "not valid JSON",
    # Schema refs that lead to a file outside the corpus (one malformed): AGW003, the schemas left out.
    "aws-samples__aws-serverless-ecommerce-platform__delivery-pricing__resources__openapi.yaml": (
        {"AGW003", "AGW313", "AGW703", "AGW821", "AGW831"}, "ready-with-changes"),
    "aws-samples__aws-serverless-ecommerce-platform__orders__resources__openapi.yaml": (
        {"AGW003", "AGW204", "AGW703", "AGW821"}, "stay-on-rest"),
    # Its Step Functions templates are VTL that HTTP parameters cannot express: no subtype can replace them.
    "aws-samples__serverless-patterns__apigw-sfn-crud__api.openapi.yaml": ({"AGW302", "AGW821"}, "stay-on-rest"),
    "aws-samples__serverless-samples__apigw-private-custom-domain-name__iac__swagger.yaml": ({"AGW313", "AGW821", "AGW831"}, "ready-with-changes"),
    "aws-samples__serverless-samples__fargate-private-api__javascript-private-nlb-ecs-sam__swagger.yaml": (
        # AGW505: its CORS mock writes Access-Control-Allow-Headers as several quoted strings.
        {"AGW110", "AGW001", "AGW203", "AGW208", "AGW311", "AGW402", "AGW404", "AGW405", "AGW501", "AGW503", "AGW505", "AGW701", "AGW702",
         "AGW703", "AGW821"},
        "partial",
    ),
    "aws-samples__serverless-samples__queue-based-ingestion__python-sam__api.yaml": ({"AGW002"}, "ready"),
    "aws-samples__serverless-samples__serverless-rest-api__python-rest-sam__src__api__swagger.yaml": (
        {"AGW110", "AGW001", "AGW203", "AGW208", "AGW313", "AGW701", "AGW702", "AGW703", "AGW821", "AGW831"},
        "ready-with-changes",
    ),
    "aws-samples__sessions-with-aws-sam__http-api-direct-integration__api.yaml": ({"AGW002"}, "ready"),
    "aws__aws-sam-cli__tests__integration__testdata__start_api__cfn-http-api-with-swagger-body.yaml": ({"AGW002"}, "ready"),  # HTTP APIs only: said as for an HTTP OpenAPI file
    "aws__aws-sam-cli__tests__integration__testdata__start_api__swagger-rest-api-template.yaml": (
        {"AGW001", "AGW101", "AGW107", "AGW313", "AGW821", "AGW831"},
        "ready-with-changes",
    ),
    "aws__serverless-application-model__examples__2016-10-31__api_resource_policy__template.yaml": "no inline OpenAPI definition",
    "aws__serverless-application-model__examples__2016-10-31__api_swagger_cors__swagger.yaml": ({"AGW110", "AGW001", "AGW313", "AGW821", "AGW831"}, "ready-with-changes"),
    "aws__serverless-application-model__examples__2016-10-31__inline_swagger__template.yaml": "duplicate key 'swagger'",
    # Both REST APIs are checked one by one; neither has an inline definition: one error line each.
    "aws__serverless-application-model__examples__2016-10-31__usage_plan__template.yaml": [
        "REST API MyApiOne has no inline OpenAPI definition",
        "REST API MyApiTwo has no inline OpenAPI definition",
    ],
    "aws__serverless-application-model__tests__translator__input__http_api_existing_openapi.yaml": ({"AGW002"}, "ready"),  # HTTP APIs only: said as for an HTTP OpenAPI file
    "aws__serverless-application-model__tests__translator__input__http_api_with_cors.yaml": ({"AGW002"}, "ready"),  # HTTP APIs only: said as for an HTTP OpenAPI file
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__HTTP__http-api-parameter-mapping.yaml": ({"AGW002"}, "ready"),  # HTTP APIs only: said as for an HTTP OpenAPI file
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__HTTP__http-with-jwt-auth.yaml": ({"AGW002"}, "ready"),  # HTTP APIs only: said as for an HTTP OpenAPI file
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__REST__rest-with-auth.yaml": (
        {"AGW101", "AGW208", "AGW209", "AGW313", "AGW821"},
        "ready-with-changes",
    ),
    "awsdocs__amazon-api-gateway-developer-guide__doc_source__api-as-lambda-proxy-export-swagger-with-extensions.md__block1.json": (
        {"AGW001", "AGW303", "AGW406", "AGW701", "AGW703", "AGW821"},
        "stay-on-rest",
    ),
    "awsdocs__amazon-api-gateway-developer-guide__doc_source__api-gateway-request-validation-sample-api-swagger.md__block1.json": (
        {"AGW110", "AGW001", "AGW201", "AGW304", "AGW406", "AGW701", "AGW703", "AGW821"},
        "stay-on-rest",
    ),
    "balabalabear-vault__infra__definitions__api_definition.tpl": ({"AGW821"}, "ready"),
    # A ref to a missing schema (AGW003), a path parameter declared on '/' (AGW004), Step Functions input in VTL (AGW302).
    "nationalarchives__tdr-terraform-environments__templates__api_gateway__backend_checks.json.tpl": (
        {"AGW003", "AGW004", "AGW203", "AGW302", "AGW821", "AGW831"}, "stay-on-rest"),
    "nationalarchives__tdr-terraform-environments__templates__api_gateway__draft_metadata.json.tpl": (
        {"AGW110", "AGW001", "AGW203", "AGW302", "AGW404", "AGW821", "AGW831"},
        "stay-on-rest",
    ),
}


def test_expectations_cover_the_whole_corpus(corpus):
    files = {p.name for p in corpus.iterdir() if p.is_file() and p.name != "MANIFEST.tsv"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(corpus, cli, name):
    expected = EXPECTED[name]
    result = cli("check", str(corpus / name), "--format", "json", "--fail-on", "never")
    if isinstance(expected, (str, list)):
        fragments = [expected] if isinstance(expected, str) else expected
        assert result.code == 2, result
        lines = result.stderr.splitlines()
        assert len(lines) == len(fragments) and "Traceback" not in result.stderr
        assert all(fragment in line for fragment, line in zip(fragments, lines))
        return
    assert result.code == 0, result
    api = json.loads(result.stdout)["apis"][0]
    rules, verdict = expected
    assert {f["rule"] for f in api["findings"]} == rules
    assert api["verdict"] == verdict
    assert all(f["line"] for f in api["findings"]), "every finding is located"


def test_the_whole_corpus_as_a_directory(corpus, cli):
    result = cli("check", str(corpus), "--format", "json")
    assert result.code == 2  # some files cannot be read; the others are still checked
    doc = json.loads(result.stdout)
    loaded = sum(1 for v in EXPECTED.values() if isinstance(v, tuple))
    errors = sum(len(v) if isinstance(v, list) else 1 for v in EXPECTED.values() if not isinstance(v, tuple))
    assert doc["summary"]["apis"] == loaded
    assert doc["summary"]["errors"] == errors  # MANIFEST.tsv is not an input suffix
