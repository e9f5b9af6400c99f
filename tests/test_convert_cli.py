"""`apigw-migrate convert` end to end through the real CLI, on every fixture and on small written inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_VALUES, FIXTURES, run_cli
from goldens import assert_matches

GOLDEN = Path(__file__).parent / "data" / "convert" / "fixtures"

# (fixture, extra arguments) → (exit code with --on-blocked fail, the routes convert cannot move).
# Written from reading each fixture (see fixtures/README.md for what each one holds); they are check's
# blocked routes too (tests/test_verdict.py compares the two commands on every input).
_BOOKSTORE = {"ANY /{proxy+}", "DELETE /books/{bookId}", "GET /", "GET /authors/{authorId}", "GET /books", "GET /books/{bookId}",
              "GET /books/{bookId}/cover", "GET /exports/catalog", "GET /prices/{isbn}", "GET /search", "GET /status", "OPTIONS /",
              "OPTIONS /books", "OPTIONS /books/{bookId}", "OPTIONS /books/{bookId}/cover", "OPTIONS /{proxy+}", "POST /authors",
              "POST /books", "POST /orders", "POST /reviews", "PUT /books/{bookId}"}
# Beyond its whole-API blockers: a VTL template, a mock, DynamoDB, an SQS call with message attributes, a
# Step Functions template HTTP parameters cannot express, API keys.
_BOOKSTORE_ROUTES = {"GET /exports/catalog", "GET /prices/{isbn}", "GET /status", "POST /authors", "POST /books", "POST /orders",
                     "POST /reviews", "PUT /books/{bookId}"}
OUTCOMES = {
    # The resource policy (and, in the bundle, the WAF ACL, the backend certificate, an edge custom domain)
    # concerns the whole API: every route stays, unless the user acknowledges them.
    ("bookstore.bundle.json", ()): (1, _BOOKSTORE),
    ("bookstore.bundle.json", ("--ignore", "AGW104,AGW105,AGW106,AGW811")): (1, _BOOKSTORE_ROUTES),
    ("bookstore.oas30.json", ()): (1, _BOOKSTORE),
    # Without the bundle's app client ids the Cognito routes cannot get a JWT audience.
    ("bookstore.oas30.json", ("--ignore", "AGW104")): (1, _BOOKSTORE_ROUTES | {"ANY /{proxy+}", "GET /books", "GET /books/{bookId}"}),
    ("bookstore.oas30.json", ("--jwt-audience", "web-client", "--ignore", "AGW104")): (1, _BOOKSTORE_ROUTES),
    ("clean.oas30.yaml", ()): (0, set()),
    # The API key route: HTTP APIs would let callers without a key through.
    ("cloudformation.json", ()): (1, {"POST /observations"}),
    ("inventory.swagger2.json", ()): (1, {"GET /warehouses", "PUT /items/{sku}/stock"}),
    ("orders.swagger2.yaml", ()): (1, {"GET /orders", "GET /orders/{orderId}", "POST /orders", "POST /orders/{orderId}/fulfil", "POST /partners/orders"}),
    ("orders.swagger2.yaml", ("--jwt-audience", "orders-web")): (1, {"POST /orders/{orderId}/fulfil", "POST /partners/orders"}),
    ("payments.oas30.yaml", ()): (1, {"GET /payments/{paymentId}", "GET /refunds", "GET /settlements", "POST /events", "POST /payments", "POST /refunds"}),
    ("payments.oas30.yaml", ("--ignore", "AGW103,AGW104")): (1, {"POST /events"}),
    ("sam-template.yaml", ("--api", "CatalogApi")): (1, {"GET /titles", "GET /titles/{titleId}"}),
    # A private API with a resource policy: nothing moves unless all three are acknowledged.
    ("sam-template.yaml", ("--api", "StaffApi")): (1, {"GET /members/{memberId}", "POST /members/{memberId}/fines"}),
    ("sam-template.yaml", ("--api", "StaffApi", "--ignore", "AGW102,AGW103,AGW104")): (0, set()),
    ("terraform.json.tpl", ()): (1, {"GET /tickets", "GET /tickets/{ticketId}", "POST /tickets"}),
}  # fmt: skip




def _case_id(key: tuple) -> str:
    name, args = key
    return name + ("[" + " ".join(args) + "]" if args else "")


def _blocked(report: str) -> set[str]:
    """The routes a `--report json` report calls blocked."""
    return {r["route"] for r in json.loads(report)["apis"][0]["routes"] if r["verdict"] == "blocked"}


def test_outcomes_cover_every_fixture() -> None:
    inputs = {p.name for p in FIXTURES.iterdir() if p.suffix in (".json", ".yaml", ".tpl")}
    assert inputs == {name for name, _ in OUTCOMES}


@pytest.mark.parametrize("key", sorted(OUTCOMES), ids=_case_id)
def test_fixture_outcome_with_on_blocked_fail(key: tuple, cli, tmp_path: Path) -> None:
    name, args = key
    code, blocked = OUTCOMES[key]
    out = tmp_path / "http.yaml"
    r = cli("convert", str(FIXTURES / name), "-o", str(out), "--report", "json", *args, *FIXTURE_VALUES.get(name, ()))
    assert r.code == code, r
    assert _blocked(r.stdout) == blocked
    assert f"{len(blocked)} route(s) cannot move" in r.stderr if blocked else "cannot move" not in r.stderr
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
    r = run_cli("convert", str(FIXTURES / name), "-o", str(out), "--on-blocked", "skip", "--report", "json", *args, *FIXTURE_VALUES.get(name, ()))
    findings = json.loads(r.stdout)["apis"][0]["findings"]
    record = {
        "exit": r.code,
        "left_out": sorted(_blocked(r.stdout)),
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
    r = cli("convert", str(FIXTURES / "sam-template.yaml"), "--api", "CatalogApi", "-o", str(out), "--config", str(config),
            *FIXTURE_VALUES["sam-template.yaml"])  # fmt: skip
    assert r.code == 0, r
    schemes = json.loads(out.read_text())["components"]["securitySchemes"]
    jwt = [s["x-amazon-apigateway-authorizer"] for s in schemes.values() if s.get("x-amazon-apigateway-authorizer", {}).get("type") == "jwt"]
    assert [a["jwtConfiguration"]["audience"] for a in jwt] == [["from-config"]]


def test_cli_audience_wins_over_the_bundle(cli, tmp_path: Path) -> None:
    out = tmp_path / "o.json"
    r = cli("convert", str(FIXTURES / "bookstore.bundle.json"), "-o", str(out), "--on-blocked", "skip", "--jwt-audience", "a,b",
            "--ignore", "AGW104,AGW105,AGW106,AGW811", *FIXTURE_VALUES["bookstore.bundle.json"])  # fmt: skip
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
    # With the audience its Cognito routes need (AGW204), some routes move and the document is written.
    r = cli("convert", fixture, "-o", str(tmp_path / "o.json"), "--on-blocked", "skip", "--report", "json", "--jwt-audience", "orders-web")
    assert r.code == 0, r
    converted = [f for f in json.loads(r.stdout)["apis"][0]["findings"] if f["rule"] == "AGW110"]
    assert [(f["message"], f["line"], f["severity"]) for f in converted] == [(f["message"], f["line"], f["severity"]) for f in checked]
    assert checked and "/v1" in checked[0]["message"]
    assert "servers" not in json.loads((tmp_path / "o.json").read_text())
