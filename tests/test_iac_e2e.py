"""End to end: every fixture through convert, then to CloudFormation and SAM, linted by cfn-lint."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES

from apigw_migrate.load import load
from apigw_migrate.transforms import ConvertOptions, convert
from apigw_migrate.transforms.iac import to_template

# (fixture, --api): every REST API the fixtures hold.
INPUTS = [
    ("bookstore.oas30.json", None),
    ("bookstore.bundle.json", None),
    ("orders.swagger2.yaml", None),
    ("payments.oas30.yaml", None),
    ("inventory.swagger2.json", None),
    ("clean.oas30.yaml", None),
    ("sam-template.yaml", "CatalogApi"),
    ("sam-template.yaml", "StaffApi"),
    ("cloudformation.json", None),
    ("terraform.json.tpl", None),
]
# The blockers about the whole API (private endpoint, VPC endpoints, resource policy, WAF, backend
# certificate, edge domain) are acknowledged, so every fixture's other routes reach the template.
WHOLE_API = ("AGW102", "AGW103", "AGW104", "AGW105", "AGW106", "AGW811")
OPTIONS = ConvertOptions(on_blocked="skip", jwt_audiences=("4example5client",), ignore=WHOLE_API)


def converted(name: str, api: str | None):
    src = load(FIXTURES / name, api=api)
    return src, convert(src, OPTIONS)


@pytest.mark.parametrize("fmt", ["cloudformation", "sam"])
@pytest.mark.parametrize(("name", "api"), INPUTS)
def test_fixture_template_is_cfn_lint_clean(name, api, fmt, tmp_path):
    from cfnlint.api import lint_file

    src, result = converted(name, api)
    template = to_template(result, fmt, source_kind=src.kind)
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, indent=2))
    problems = [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in lint_file(path) if m.rule.id[0] in "EW"]
    assert problems == []


@pytest.mark.parametrize(("name", "api"), INPUTS)
def test_fixture_gets_one_permission_per_function_for_the_new_api(name, api):
    src, result = converted(name, api)
    template = to_template(result, "cloudformation", source_kind=src.kind)
    perms = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Permission"]
    functions = {json.dumps(p["FunctionName"], sort_keys=True) for p in perms}
    assert len(functions) == len(perms)
    assert bool(perms) == bool(result.lambda_functions)
    for p in perms:
        assert "${HttpApi}/" in p["SourceArn"]["Fn::Sub"]
        assert p["Principal"] == "apigateway.amazonaws.com"


def test_bookstore_authorizer_only_function_is_scoped_to_authorizers():
    src, result = converted("bookstore.oas30.json", None)
    authorizer_only = {
        json.dumps(u.function, sort_keys=True) for u in result.lambda_functions if u.kind == "authorizer"
    } - {json.dumps(u.function, sort_keys=True) for u in result.lambda_functions if u.kind == "integration"}
    assert authorizer_only, "the bookstore fixture has Lambda authorizers"
    template = to_template(result, "sam", source_kind=src.kind)
    scopes = {
        json.dumps(r["Properties"]["FunctionName"], sort_keys=True): r["Properties"]["SourceArn"]["Fn::Sub"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Permission"
    }
    for function in authorizer_only:
        assert scopes[function].endswith("${HttpApi}/authorizers/*")


@pytest.mark.parametrize("fmt", ["cloudformation", "sam"])
@pytest.mark.parametrize(("name", "api"), [("clean.oas30.yaml", None), ("sam-template.yaml", "CatalogApi"), ("bookstore.bundle.json", None)])
def test_convert_cli_writes_a_lint_clean_template(cli, tmp_path, name, api, fmt):
    from cfnlint.api import lint_file

    out = tmp_path / f"template-{fmt}.yaml"
    args = ["convert", str(FIXTURES / name), "--format", fmt, "-o", str(out), "--on-blocked", "skip"]
    args += ["--jwt-audience", "4example5client", "--ignore", ",".join(WHOLE_API)] + (["--api", api] if api else [])
    result = cli(*args)
    assert result.code == 0, result
    problems = [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in lint_file(out) if m.rule.id[0] in "EW"]
    assert problems == []
    text = out.read_text()
    assert ("AWS::Serverless::HttpApi" if fmt == "sam" else "AWS::ApiGatewayV2::Api") in text


def test_acknowledged_blockers_are_recorded_in_the_template_metadata(tmp_path):
    src, result = converted("sam-template.yaml", "StaffApi")
    template = to_template(result, "sam", source_kind=src.kind)
    recorded = template["Metadata"]["apigw-migrate"]["acknowledged"]
    assert sorted(a["rule"] for a in recorded) == ["AGW102", "AGW103", "AGW104"]
    assert all(a["ignoredBy"] == "ignore" and a["routes"] == "all" and a["message"] for a in recorded)
