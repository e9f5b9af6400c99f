"""Every corpus file holding a REST API converts to a valid HTTP API document, or is refused in words.

Run through the real CLI with `--format openapi`, the strictest output: the written document passes
openapi-spec-validator and the HTTP import rules and holds no CloudFormation intrinsic; or the command
lists the routes it left out (exit 1); or it refuses (exit 2) naming each place as file:line:column. A
refusal for values the file cannot hold (intrinsics, REST VPC links) says which option gives them: given
them, the file converts. No message shows a validator's internals. The outcome per file was written from
reading the file and its MANIFEST entry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from apigw_migrate.intrinsics import unresolved
from apigw_migrate.transforms.http_rules import check
from apigw_migrate.transforms.validate import spec_violations

pytestmark = pytest.mark.corpus

WRITTEN = "written"  # a valid document is written
LEFT_OUT = "left-out"  # routes that cannot move are listed; nothing else to write (exit 1)
NEEDS_VALUES = "needs-values"  # refused until --parameter / --vpc-link give what the file lacks (exit 2)
REFUSED = "refused"  # the input cannot be read as a REST API (exit 2), the place named
NOT_REST = "not-rest"  # no REST API in the file: nothing to convert (exit 2)

EXPECTED: dict[str, str] = {
    "CodeGenieApp__serverless-express__example__simple-proxy-api.yaml": WRITTEN,
    "aws-samples__aws-modern-application-workshop__module-4__api__api-swagger.json": REFUSED,  # not valid JSON
    "aws-samples__aws-serverless-ecommerce-platform__delivery-pricing__resources__openapi.yaml": NEEDS_VALUES,
    # Its schema refs lead to a file outside the corpus (AGW003); the Cognito routes need an audience.
    "aws-samples__aws-serverless-ecommerce-platform__orders__resources__openapi.yaml": LEFT_OUT,
    "aws-samples__serverless-patterns__apigw-sfn-crud__api.openapi.yaml": LEFT_OUT,
    "aws-samples__serverless-samples__apigw-private-custom-domain-name__iac__swagger.yaml": NEEDS_VALUES,
    "aws-samples__serverless-samples__fargate-private-api__javascript-private-nlb-ecs-sam__swagger.yaml": NEEDS_VALUES,
    "aws-samples__serverless-samples__queue-based-ingestion__python-sam__api.yaml": NOT_REST,
    "aws-samples__serverless-samples__serverless-rest-api__python-rest-sam__src__api__swagger.yaml": NEEDS_VALUES,
    "aws-samples__sessions-with-aws-sam__http-api-direct-integration__api.yaml": NOT_REST,
    "aws__aws-sam-cli__tests__integration__testdata__start_api__cfn-http-api-with-swagger-body.yaml": NOT_REST,
    "aws__aws-sam-cli__tests__integration__testdata__start_api__swagger-rest-api-template.yaml": NEEDS_VALUES,
    "aws__serverless-application-model__examples__2016-10-31__api_resource_policy__template.yaml": REFUSED,  # no inline body
    "aws__serverless-application-model__examples__2016-10-31__api_swagger_cors__swagger.yaml": NEEDS_VALUES,
    "aws__serverless-application-model__examples__2016-10-31__inline_swagger__template.yaml": REFUSED,  # duplicate key
    "aws__serverless-application-model__examples__2016-10-31__usage_plan__template.yaml": REFUSED,  # two APIs: --api
    "aws__serverless-application-model__tests__translator__input__http_api_existing_openapi.yaml": NOT_REST,
    "aws__serverless-application-model__tests__translator__input__http_api_with_cors.yaml": NOT_REST,
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__HTTP__http-api-parameter-mapping.yaml": NOT_REST,
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__HTTP__http-with-jwt-auth.yaml": NOT_REST,
    "awsdocs__amazon-api-gateway-developer-guide__cloudformation-templates__REST__rest-with-auth.yaml": NEEDS_VALUES,
    "awsdocs__amazon-api-gateway-developer-guide__doc_source__api-as-lambda-proxy-export-swagger-with-extensions.md__block1.json": LEFT_OUT,
    "awsdocs__amazon-api-gateway-developer-guide__doc_source__api-gateway-request-validation-sample-api-swagger.md__block1.json": LEFT_OUT,
    "balabalabear-vault__infra__definitions__api_definition.tpl": WRITTEN,
    # Its path-level parameter on '/' names no variable of '/' (AGW004); the Step Functions route stays on REST.
    "nationalarchives__tdr-terraform-environments__templates__api_gateway__backend_checks.json.tpl": LEFT_OUT,
    "nationalarchives__tdr-terraform-environments__templates__api_gateway__draft_metadata.json.tpl": LEFT_OUT,
}  # fmt: skip

# What no message may show: a validator's or Python's internals.
INTERNALS = re.compile(r"KeyError|Traceback|internal error|ValidationError|\bdeque\(|Failed validating")
PLACE = re.compile(r"^(?:error: )?\s*(\S+):(\d+):(\d+): ", re.M)
NEEDS = re.compile(r"needs (--parameter .+)$", re.M)
VPC_LINK = re.compile(r": VPC link (\S+)$", re.M)


def _files(corpus: Path) -> list[str]:
    return sorted(p.name for p in corpus.iterdir() if p.name != "MANIFEST.tsv" and p.is_file())


def test_every_corpus_file_has_an_outcome(corpus: Path) -> None:
    assert sorted(EXPECTED) == _files(corpus)


def _assert_valid_document(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert list(unresolved(document)) == []
    assert check(document) == [], [(v.rule, v.pointer, v.message) for v in check(document)]
    assert spec_violations(document) == [], [(v.pointer, v.message) for v in spec_violations(document)]


def _values_asked_for(stderr: str) -> list[str]:
    """The options a NEEDS_VALUES refusal asks for, filled with plausible values."""
    args: list[str] = []
    for needs in NEEDS.findall(stderr):
        for name in re.findall(r"--parameter (\S+?)=…", needs):
            value = f"arn:aws:lambda:eu-west-1:123456789012:function:{name.split('.')[0]}" if "." in name else "corpus-value"
            args += ["--parameter", f"{name}={value}"]
    for i, link in enumerate(dict.fromkeys(VPC_LINK.findall(stderr))):
        args += ["--vpc-link", f"{link}=vl-{i},arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/nlb/{i}/2"]
    return _dedupe_pairs(args)


def _dedupe_pairs(args: list[str]) -> list[str]:
    pairs = list(dict.fromkeys(zip(args[::2], args[1::2])))
    return [x for pair in pairs for x in pair]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_converts_or_is_refused_in_words(name: str, corpus: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = corpus / name
    if not path.exists():
        pytest.skip(f"{name} is not in this corpus")
    out = tmp_path / "http.json"
    expected = EXPECTED[name]
    result = cli("convert", str(path), "-o", str(out), "--on-blocked", "skip", "--region", "eu-west-1")
    assert not INTERNALS.search(result.stderr + result.stdout), result
    if expected == NEEDS_VALUES:
        assert result.code == 2 and not out.exists(), result
        places = PLACE.findall(result.stderr)
        assert places and all(p[0] == str(path) for p in places), result
        args = _values_asked_for(result.stderr)
        assert args, result
        # Given what it asked for, it converts (or asks for the rest, once: a VPC link refusal comes first).
        for _ in range(2):
            result = cli("convert", str(path), "-o", str(out), "--on-blocked", "skip", "--region", "eu-west-1", *args)
            if result.code != 2:
                break
            args = _dedupe_pairs(args + _values_asked_for(result.stderr))
        assert not INTERNALS.search(result.stderr), result
        expected = WRITTEN if result.code == 0 else LEFT_OUT
    if expected == WRITTEN:
        assert result.code == 0, result
        _assert_valid_document(out)
    elif expected == LEFT_OUT:
        assert result.code == 1 and not out.exists(), result
        assert "left out (--on-blocked skip)" in result.stderr
        assert "fails validation" not in result.stderr, result
    elif expected == REFUSED:
        assert result.code == 2 and not out.exists(), result
        assert re.search(re.escape(str(path)) + r"(:\d+:\d+)?: \S", result.stderr), result
        if "--api" not in result.stderr:
            assert PLACE.search(result.stderr), result
    else:
        assert result.code == 2 and ("already" in result.stderr or "no REST API" in result.stderr), result


def test_a_template_with_two_apis_converts_each_when_picked(corpus: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = corpus / "aws__serverless-application-model__examples__2016-10-31__usage_plan__template.yaml"
    if not path.exists():
        pytest.skip("not in this corpus")
    for api in ("MyApiOne", "MyApiTwo"):
        out = tmp_path / f"{api}.json"
        result = cli("convert", str(path), "--api", api, "-o", str(out), "--on-blocked", "skip", "--region", "eu-west-1")
        assert not INTERNALS.search(result.stderr), result
        if result.code == 2:  # SAM builds these APIs from the functions' events: no definition to convert
            assert PLACE.search(result.stderr) and "no inline OpenAPI definition" in result.stderr, result
        elif result.code == 0:
            _assert_valid_document(out)
        else:
            assert "left out" in result.stderr, result


@pytest.mark.parametrize("name", sorted(n for n, outcome in EXPECTED.items() if outcome == NEEDS_VALUES))
def test_templates_refused_for_openapi_write_sam(name: str, corpus: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """What --format openapi refuses for want of values, --format sam writes with its intrinsics kept."""
    path = corpus / name
    if not path.exists():
        pytest.skip(f"{name} is not in this corpus")
    from cfnlint.api import lint_file

    out = tmp_path / "http.yaml"
    result = cli("convert", str(path), "-o", str(out), "--format", "sam", "--on-blocked", "skip")
    assert result.code == 0, result
    assert "AWS::Serverless::HttpApi" in out.read_text(encoding="utf-8")
    assert [f"{m.rule.id} {m.message}" for m in lint_file(out) if m.rule.id[0] in "EW"] == []
