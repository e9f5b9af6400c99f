"""`apigw-migrate convert` end to end through the real CLI, on every fixture and on small written inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, run_cli
from goldens import assert_matches

GOLDEN = Path(__file__).parent / "data" / "convert" / "fixtures"

# (fixture, extra arguments) → (exit code with --on-blocked fail, the routes convert cannot move).
# Written from reading each fixture (see fixtures/README.md for what each one holds).
OUTCOMES = {
    ("bookstore.bundle.json", ()): (1, {"GET /exports/catalog", "GET /prices/{isbn}", "GET /status", "POST /authors", "POST /orders", "POST /reviews"}),
    # Without the bundle's app client ids the Cognito routes cannot get a JWT audience.
    ("bookstore.oas30.json", ()): (1, {"ANY /{proxy+}", "GET /books", "GET /books/{bookId}", "GET /exports/catalog", "GET /prices/{isbn}",
                                       "GET /status", "POST /authors", "POST /books", "POST /orders", "POST /reviews"}),
    ("bookstore.oas30.json", ("--jwt-audience", "web-client")): (1, {"GET /exports/catalog", "GET /prices/{isbn}", "GET /status",
                                                                    "POST /authors", "POST /orders", "POST /reviews"}),
    ("clean.oas30.yaml", ()): (0, set()),
    ("cloudformation.json", ()): (0, set()),
    ("inventory.swagger2.json", ()): (1, {"GET /warehouses", "PUT /items/{sku}/stock"}),
    ("orders.swagger2.yaml", ()): (1, {"GET /orders", "GET /orders/{orderId}", "POST /orders", "POST /orders/{orderId}/fulfil"}),
    ("orders.swagger2.yaml", ("--jwt-audience", "orders-web")): (1, {"POST /orders/{orderId}/fulfil"}),
    ("payments.oas30.yaml", ()): (1, {"POST /events"}),
    ("sam-template.yaml", ("--api", "CatalogApi")): (1, {"GET /titles", "GET /titles/{titleId}"}),
    ("sam-template.yaml", ("--api", "StaffApi")): (0, set()),
    ("terraform.json.tpl", ()): (1, {"GET /tickets", "GET /tickets/{ticketId}", "POST /tickets"}),
}  # fmt: skip


def _case_id(key: tuple) -> str:
    name, args = key
    return name + ("[" + " ".join(args) + "]" if args else "")


def _blocked(stderr: str) -> set[str]:
    lines = stderr.splitlines()
    out = set()
    for i, line in enumerate(lines):
        if " route(s) cannot move:" in line or " route(s) left out " in line:
            for entry in lines[i + 1 :]:
                if not entry.startswith("  "):
                    break
                out.add(entry.strip().split(": AGW", 1)[0])
    return out


def test_outcomes_cover_every_fixture() -> None:
    inputs = {p.name for p in FIXTURES.iterdir() if p.suffix in (".json", ".yaml", ".tpl")}
    assert inputs == {name for name, _ in OUTCOMES}


@pytest.mark.parametrize("key", sorted(OUTCOMES), ids=_case_id)
def test_fixture_outcome_with_on_blocked_fail(key: tuple, cli, tmp_path: Path) -> None:
    name, args = key
    code, blocked = OUTCOMES[key]
    out = tmp_path / "http.yaml"
    r = cli("convert", str(FIXTURES / name), "-o", str(out), *args)
    assert r.code == code, r
    assert _blocked(r.stderr) == blocked
    assert out.exists() == (code == 0)
    if code == 1:
        assert "nothing written" in r.stderr


@pytest.mark.parametrize("key", sorted(OUTCOMES), ids=_case_id)
def test_fixture_converts_to_golden_document_with_on_blocked_skip(key: tuple, cli, tmp_path: Path) -> None:
    """The written document (and what was reported) matches the reviewed golden file."""
    record, _ = fixture_record(key, tmp_path)
    assert record["left_out"] == sorted(OUTCOMES[key][1])
    assert_matches(golden_path(key), record)


def fixture_record(key: tuple, work: Path) -> tuple[dict, object]:
    """What convert --on-blocked skip does with one fixture: exit code, routes left out, findings, document."""
    name, args = key
    out = work / "http.json"
    r = run_cli("convert", str(FIXTURES / name), "-o", str(out), "--on-blocked", "skip", "--report", "json", *args)
    findings = json.loads(r.stdout)["apis"][0]["findings"]
    record = {
        "exit": r.code,
        "left_out": sorted(_blocked(r.stderr)),
        "findings": sorted(f"{f['rule']} {f['severity']} line {f['line']}" for f in findings),
        "document": json.loads(out.read_text()) if out.exists() else None,
    }
    return record, r


def golden_path(key: tuple) -> Path:
    return GOLDEN / (_case_id(key).replace(" ", "_").replace("[", ".").replace("]", "") + ".out.yaml")


def test_clean_fixture_converts_without_a_warning_or_blocker(cli, tmp_path: Path) -> None:
    r = cli("convert", str(FIXTURES / "clean.oas30.yaml"), "-o", str(tmp_path / "o.json"), "--report", "json")
    assert r.code == 0, r
    severities = {f["severity"] for f in json.loads(r.stdout)["apis"][0]["findings"]}
    assert severities <= {"info"}


def test_http_api_input_is_refused_with_exit_2(cli, tmp_path: Path) -> None:
    doc = {
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "x-amazon-apigateway-cors": {"allowOrigins": ["*"]},
        "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "HTTP_PROXY", "uri": "https://x", "payloadFormatVersion": "1.0"}}}},
    }
    src = tmp_path / "http.json"
    src.write_text(json.dumps(doc))
    out = tmp_path / "o.json"
    r = cli("convert", str(src), "-o", str(out))
    assert r.code == 2
    assert "already an HTTP API definition" in r.stderr
    assert not out.exists()


def test_dash_output_writes_the_document_to_stdout_and_findings_to_stderr(cli) -> None:
    r = cli("convert", str(FIXTURES / "clean.oas30.yaml"), "-o", "-")
    assert r.code == 0, r
    doc = json.loads(r.stdout)
    assert doc["openapi"] == "3.0.1" and doc["x-amazon-apigateway-importexport-version"] == "1.0"
    assert "AGW313" in r.stderr


def test_yaml_output_and_explain(cli, tmp_path: Path) -> None:
    out = tmp_path / "http.yml"
    r = cli("convert", str(FIXTURES / "inventory.swagger2.json"), "-o", str(out), "--on-blocked", "skip", "--explain")
    assert r.code == 0, r
    doc = yaml.safe_load(out.read_text())
    assert "swagger" not in doc and doc["openapi"] == "3.0.1"
    assert "what each pass changed:" in r.stderr and "normalize:" in r.stderr and "converted Swagger 2.0" in r.stderr


def test_payload_format_option_and_route_override_from_config(cli, tmp_path: Path) -> None:
    config = tmp_path / ".apigw-migrate.toml"
    config.write_text('[routes."GET /notes/{noteId}"]\npayload-format = "1.0"\n')
    out = tmp_path / "o.json"
    r = cli("convert", str(FIXTURES / "clean.oas30.yaml"), "-o", str(out), "--payload-format", "2.0", "--config", str(config))
    assert r.code == 0, r
    doc = json.loads(out.read_text())
    versions = {
        f"{m.upper()} {p}": op["x-amazon-apigateway-integration"]["payloadFormatVersion"]
        for p, item in doc["paths"].items()
        for m, op in item.items()
        if op["x-amazon-apigateway-integration"]["type"] == "AWS_PROXY"
    }
    assert versions["GET /notes/{noteId}"] == "1.0"
    assert set(v for k, v in versions.items() if k != "GET /notes/{noteId}") == {"2.0"}


def test_jwt_audience_from_config_route_override(cli, tmp_path: Path) -> None:
    config = tmp_path / ".apigw-migrate.toml"
    config.write_text('[routes."GET /titles"]\njwt-audience = ["from-config"]\n')
    out = tmp_path / "o.json"
    r = cli("convert", str(FIXTURES / "sam-template.yaml"), "--api", "CatalogApi", "-o", str(out), "--config", str(config))
    assert r.code == 0, r
    schemes = json.loads(out.read_text())["components"]["securitySchemes"]
    jwt = [s["x-amazon-apigateway-authorizer"] for s in schemes.values() if s.get("x-amazon-apigateway-authorizer", {}).get("type") == "jwt"]
    assert [a["jwtConfiguration"]["audience"] for a in jwt] == [["from-config"]]


def test_cli_audience_wins_over_the_bundle(cli, tmp_path: Path) -> None:
    out = tmp_path / "o.json"
    r = cli("convert", str(FIXTURES / "bookstore.bundle.json"), "-o", str(out), "--on-blocked", "skip", "--jwt-audience", "a,b")
    assert r.code == 0, r
    auth = json.loads(out.read_text())["components"]["securitySchemes"]["bookstore-cognito"]["x-amazon-apigateway-authorizer"]
    assert auth["jwtConfiguration"]["audience"] == ["a", "b"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("-o", "out.txt"), "must end in .json, .yaml or .yml"),
        (("-o", "o.json", "--payload-format", "3.0"), "--payload-format must be 1.0 or 2.0"),
        (("-o", "o.json", "--api", "Nope"), "--api picks an API inside a SAM or CloudFormation template"),
        (("-o", "o.json", "--stage-name", "my stage"), "--stage-name 'my stage': use $default or"),
        (("-o", "missing/o.json",), "no directory 'missing' to write into"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: tuple, message: str, cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = cli("convert", str(FIXTURES / "clean.oas30.yaml"), *args)
    assert r.code == 2, r
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_unknown_route_override_key_is_a_usage_error(cli, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[routes."GET /x"]\npayload = "2.0"\n')
    r = cli("convert", str(FIXTURES / "clean.oas30.yaml"), "-o", str(tmp_path / "o.json"), "--config", str(config))
    assert r.code == 2 and "unknown override 'payload'" in r.stderr


def test_invalid_document_is_not_written_and_says_why(cli, tmp_path: Path) -> None:
    # Every route is fine for HTTP, but two operations share an operationId, which OpenAPI forbids.
    doc = {
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}, "operationId": "x",
                                 "x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "GET", "uri": "https://b"}}},
                  "/b": {"get": {"responses": {"200": {"description": "ok"}}, "operationId": "x",
                                 "x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "GET", "uri": "https://b"}}}},
    }  # fmt: skip
    src = tmp_path / "dup.json"
    src.write_text(json.dumps(doc))
    out = tmp_path / "o.json"
    r = cli("convert", str(src), "-o", str(out))
    assert r.code == 1, r
    assert "fails validation" in r.stderr and "openapi-spec-validator" in r.stderr
    assert not out.exists()


def test_cloudformation_format_writes_a_template(cli, tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    r = cli("convert", str(FIXTURES / "clean.oas30.yaml"), "-o", str(out), "--format", "cloudformation")
    assert r.code == 0, r
    template = json.loads(out.read_text())
    assert any(res["Type"] == "AWS::ApiGatewayV2::Api" for res in template["Resources"].values())


def test_every_route_blocked_with_skip_writes_nothing(cli, tmp_path: Path) -> None:
    out = tmp_path / "o.json"
    r = cli("convert", str(FIXTURES / "terraform.json.tpl"), "-o", str(out), "--on-blocked", "skip")
    assert r.code == 1
    assert "no route is left" in r.stderr and not out.exists()


# What a check finding on the REST input may be answered by in convert, when convert reports the
# loss under another rule: Firehose access logs are left out whole (AGW606), so the REST-only
# variables of their format (AGW607) no longer matter.
SUPERSEDED_BY = {"AGW607": "AGW606"}


@pytest.mark.parametrize("key", sorted(OUTCOMES), ids=_case_id)
def test_every_check_finding_on_a_converted_route_is_reported_by_convert(key: tuple) -> None:
    """Nothing is dropped silently: what check says about a route that convert writes, convert says too."""
    from apigw_migrate.checks import run_checks
    from apigw_migrate.load import load
    from apigw_migrate.transforms import ConvertOptions, convert
    from apigw_migrate.transforms.context import operations

    name, args = key
    flags = dict(zip(args[::2], args[1::2]))
    src = load(FIXTURES / name, api=flags.get("--api"))
    audiences = (flags["--jwt-audience"],) if "--jwt-audience" in flags else ()
    result = convert(src, ConvertOptions(on_blocked="skip", jwt_audiences=audiences))
    written = {o.route: o.integration or {} for o in operations(result.document)}
    reported = {(f.rule, route) for f in result.findings for route in f.routes}
    api_level = {f.rule for f in result.findings if not f.routes}
    rules = {f.rule for f in result.findings}
    missing = []
    for f in run_checks([src]).apis[0].findings:
        rule = f.rule if f.rule in rules or f.rule not in SUPERSEDED_BY else SUPERSEDED_BY[f.rule]
        if not f.routes:
            if rule not in rules:
                missing.append(f"{f.rule} {f.pointer}")
            continue
        for route in set(f.routes) & set(written):
            if (rule, route) not in reported and rule not in api_level and not _path_target_carried(f, written[route]):
                missing.append(f"{f.rule} {route}")
    assert missing == []


def _path_target_carried(f, integration: dict) -> bool:
    """A REST path target convert did not need to report: the HTTP_PROXY uri has the variable of the same name,
    which HTTP APIs fill from the route [U], or the integration is Lambda, where REST ignored it too."""
    target = f.pointer.rpartition("/integration.request.path.")[2] if "/integration.request.path." in f.pointer else None
    if f.rule != "AGW404" or target is None:
        return False
    return integration.get("type") == "AWS_PROXY" or "{" + target + "}" in str(integration.get("uri"))


def test_ignores_set_findings_aside_as_check_does_but_blocked_routes_stay_blocked(cli, tmp_path: Path, monkeypatch) -> None:
    lam = {"type": "aws_proxy", "httpMethod": "POST", "uri": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
           "arn:aws:lambda:eu-west-1:1:function:f/invocations"}  # fmt: skip
    doc = {
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "x-amazon-apigateway-binary-media-types": ["image/png"],
        "x-amazon-apigateway-minimum-compression-size": 1024,
        "x-apigw-migrate-ignore": ["AGW107"],
        "paths": {
            "/a": {"get": {"responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": lam}},
            "/mock": {"get": {"responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": {"type": "mock"}}},
        },
    }
    src = tmp_path / "api.json"
    src.write_text(json.dumps(doc))
    (tmp_path / ".apigw-migrate.toml").write_text('ignore = ["AGW108"]\n')
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "o.json"

    r = cli("convert", str(src), "-o", str(out), "--ignore", "AGW305")
    assert r.code == 1 and "GET /mock: AGW305" in r.stderr and not out.exists()

    r = cli("convert", str(src), "-o", str(out), "--ignore", "AGW305", "--on-blocked", "skip", "--report", "json")
    assert r.code == 0, r
    api = json.loads(r.stdout)["apis"][0]
    assert {f["rule"]: f["ignoredBy"] for f in api["ignored"]} == {
        "AGW107": "x-apigw-migrate-ignore at /", "AGW108": "ignore", "AGW305": "ignore"}  # fmt: skip
    assert {"AGW107", "AGW108", "AGW305"}.isdisjoint(f["rule"] for f in api["findings"])
    assert {r["route"]: r["verdict"] for r in api["routes"]}["GET /mock"] == "blocked"
    written = json.loads(out.read_text())
    assert "x-apigw-migrate-ignore" not in written and list(written["paths"]) == ["/a"]


def test_unknown_ignore_id_is_a_usage_error(cli, tmp_path: Path) -> None:
    r = cli("convert", str(FIXTURES / "clean.oas30.yaml"), "-o", str(tmp_path / "o.json"), "--ignore", "AGW999")
    assert r.code == 2 and "--ignore AGW999: unknown rule id" in r.stderr


def test_convert_reports_are_titled_as_convert_not_check(cli, tmp_path):
    text = cli("convert", str(FIXTURES / "clean.oas30.yaml"), "-o", str(tmp_path / "a.json"))
    assert text.code == 0, text
    assert "1 API converted: 0 blockers, 0 warnings" in text.stderr + text.stdout
    md = cli("convert", str(FIXTURES / "clean.oas30.yaml"), "-o", str(tmp_path / "b.json"), "--report", "markdown")
    assert md.code == 0, md
    assert "## apigw-migrate convert" in md.stderr + md.stdout and "apigw-migrate check" not in md.stderr + md.stdout


def test_a_base_path_convert_drops_is_reported_as_check_reports_it(cli, tmp_path: Path) -> None:
    # orders.swagger2.yaml serves /v1 on its own domain: convert writes the routes without it.
    fixture = str(FIXTURES / "orders.swagger2.yaml")
    checked = json.loads(cli("check", fixture, "--format", "json", "--select", "AGW110").stdout)["apis"][0]["findings"]
    r = cli("convert", fixture, "-o", str(tmp_path / "o.json"), "--on-blocked", "skip", "--report", "json")
    converted = [f for f in json.loads(r.stdout)["apis"][0]["findings"] if f["rule"] == "AGW110"]
    assert [(f["message"], f["line"], f["severity"]) for f in converted] == [(f["message"], f["line"], f["severity"]) for f in checked]
    assert checked and "/v1" in checked[0]["message"]
    assert "servers" not in json.loads((tmp_path / "o.json").read_text())
