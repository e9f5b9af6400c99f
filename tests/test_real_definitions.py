"""Real definitions: what used to convert into something import refuses, or behaves differently, or crashed.

One test (or a few) per case, each on a small file in tests/data/real/ and through the real CLI, for check
and convert alike where both judge it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from apigw_migrate.transforms.http_rules import check as http_check
from apigw_migrate.transforms.validate import spec_violations

from conftest import DATA

REAL = DATA / "real"
PRIVATE = REAL / "private-integrations.yaml"
LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/nlb/1/2"
ORDERS_LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/orders/1/3"


def findings(result, rule: str) -> list[dict]:  # type: ignore[no-untyped-def]
    report = json.loads(result.stdout)
    return [f for api in report["apis"] for f in api["findings"] if f["rule"] == rule]


def check_json(cli, path: Path, *args: str):  # type: ignore[no-untyped-def]
    result = cli("check", str(path), "--format", "json", "--fail-on", "never", *args)
    assert result.code == 0, result
    return result


def convert_json(cli, path: Path, out: Path, *args: str):  # type: ignore[no-untyped-def]
    return cli("convert", str(path), "-o", str(out), "--report", "json", *args)


def assert_importable(document: dict) -> None:
    assert http_check(document) == [] and spec_violations(document) == []


# -- Swagger 2.0 securityDefinitions inside OpenAPI 3.0 -------------------------------------------


def test_security_definitions_beside_components_are_read_by_check(cli) -> None:  # type: ignore[no-untyped-def]
    [token] = findings(check_json(cli, REAL / "oas3-security-definitions.yaml"), "AGW203")
    assert token["line"] == 16 and "TokenAuth" in token["message"]  # under securityDefinitions
    assert [r["verdict"] for r in json.loads(check_json(cli, REAL / "oas3-security-definitions.yaml").stdout)["apis"][0]["routes"]] == ["needs-change"]


def test_security_definitions_beside_components_become_security_schemes(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "http.json"
    result = convert_json(cli, REAL / "oas3-security-definitions.yaml", out)
    assert result.code == 0, result
    document = json.loads(out.read_text())
    assert "securityDefinitions" not in document
    assert set(document["components"]) == {"schemas", "securitySchemes"}
    authorizer = document["components"]["securitySchemes"]["TokenAuth"]["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "request" and authorizer["identitySource"] == "$request.header.Authorization"
    assert_importable(document)
    [token] = findings(result, "AGW203")
    assert token["line"] in (15, 16)  # located in securityDefinitions, where the user wrote it


# -- malformed parts ------------------------------------------------------------------------------


BAD_PARTS = """\
openapi: 3.0.1
info: {title: bad, version: "1"}
paths:
  /:
    parameters:
      - in: path
        schema: {type: string}
      - name: q
        schema: {type: string}
    post:
      requestBody:
        content:
          application/json:
            schema:
              $ref: 'schemas.yaml/#Address'
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Nope'}
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: POST, uri: 'https://example.com/'}
"""


def test_malformed_parameters_and_broken_schema_refs_are_findings_and_left_out(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_PARTS)
    checked = check_json(cli, path)
    out = tmp_path / "http.json"
    converted = convert_json(cli, path, out)
    assert converted.code == 0, converted
    for result in (checked, converted):
        params = findings(result, "AGW004")
        assert [(f["line"], f["severity"]) for f in params] == [(6, "warning"), (8, "warning")]
        assert "a path parameter has no 'name'" in params[0]["message"] and params[0]["routes"] == ["POST /"]
        assert "parameter 'q' has no 'in'" in params[1]["message"]
        refs = findings(result, "AGW003")
        assert [f["line"] for f in refs] == [14, 21]
        assert "malformed" in refs[0]["message"] and "nothing at /components/schemas/Nope" in refs[1]["message"]
    document = json.loads(out.read_text())
    assert "parameters" not in document["paths"]["/"]
    assert document["paths"]["/"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {}
    assert_importable(document)


def test_validation_failures_name_the_place_in_words(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = REAL / "invalid-parameter-schema.yaml"
    result = cli("convert", str(path), "-o", str(tmp_path / "x.json"))
    assert result.code == 1 and not (tmp_path / "x.json").exists()
    assert f"  {path}:9:11: not a valid parameter (at /paths/~1items/get/parameters/0 of the document" in result.stderr
    for internal in ("oneOf", "Failed validating", "KeyError", "deque"):
        assert internal not in result.stderr


def test_a_validator_crash_reads_as_a_sentence(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import openapi_spec_validator

    class Crashing:
        """Crashes on the path item /post, the way the validator does on shapes it does not expect."""

        def __init__(self, spec: dict) -> None:
            self.spec = spec

        def iter_errors(self):  # type: ignore[no-untyped-def]
            if "/post" in self.spec["paths"]:
                raise KeyError("/post")
            return iter(())

    monkeypatch.setattr(openapi_spec_validator, "OpenAPIV30SpecValidator", Crashing)
    [violation] = spec_violations({"openapi": "3.0.1", "paths": {"/get": {}, "/post": {}}})
    assert "KeyError" not in violation.message
    assert "shape OpenAPI 3.0 does not allow" in violation.message and violation.pointer == "/paths/~1post"


def test_validator_errors_on_greedy_paths_point_at_the_path_as_written() -> None:
    doc = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"},
           "paths": {"/{proxy+}": {"get": {"parameters": [{"name": "p", "in": "query", "schema": 5}], "responses": {"200": {"description": "ok"}}}}}}
    assert "/paths/~1{proxy+}/get/parameters/0" in [v.pointer for v in spec_violations(doc)]


# -- REST VPC links and private integrations ------------------------------------------------------


def test_openapi_refuses_rest_vpc_links_naming_each_place(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "http.json"
    result = cli("convert", str(PRIVATE), "-o", str(out))
    assert result.code == 2 and not out.exists()
    assert "--vpc-link REST_LINK=V2_LINK_ID,LISTENER_ARN" in result.stderr
    assert f"  {PRIVATE}:21:9: GET /items/{{itemId}}: VPC link abc123" in result.stderr
    assert f"  {PRIVATE}:34:9: GET /orders: VPC link vl-v2link" in result.stderr


def test_vpc_link_option_writes_the_v2_link_listener_path_and_tls_name(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "http.json"
    result = convert_json(
        cli, PRIVATE, out, "--vpc-link", f"abc123=vl-new,{LISTENER}", "--vpc-link", f"vl-v2link={ORDERS_LISTENER}"
    )
    assert result.code == 0, result
    document = json.loads(out.read_text())
    items = document["paths"]["/items/{itemId}"]["get"]["x-amazon-apigateway-integration"]
    assert (items["connectionId"], items["uri"]) == ("vl-new", LISTENER)
    # The REST uri variable {id} was filled from the route's {itemId}.
    assert items["requestParameters"]["overwrite:path"] == "/v1/items/$request.path.itemId"
    assert items["tlsConfig"] == {"serverNameToVerify": "internal.example.com"}
    orders = document["paths"]["/orders"]["get"]["x-amazon-apigateway-integration"]
    # Already a VPC link V2 (integrationTarget): its id stays, only the listener was needed; http: no TLS name.
    assert (orders["connectionId"], orders["uri"]) == ("vl-v2link", ORDERS_LISTENER)
    assert "integrationTarget" not in orders and "tlsConfig" not in orders
    assert orders["requestParameters"] == {"overwrite:path": "/orders"}
    assert_importable(document)
    given = findings(result, "AGW311")
    assert {f["severity"] for f in given} == {"info"} and all("(--vpc-link)" in f["message"] for f in given)


def test_check_takes_vpc_link_too_and_says_the_same(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    links = ("--vpc-link", f"abc123=vl-new,{LISTENER}", "--vpc-link", f"vl-v2link={ORDERS_LISTENER}")
    checked = findings(check_json(cli, PRIVATE, *links), "AGW311")
    converted = findings(convert_json(cli, PRIVATE, tmp_path / "http.json", *links), "AGW311")
    assert [(f["severity"], f["line"], f["message"]) for f in checked] == [(f["severity"], f["line"], f["message"]) for f in converted]
    assert "kept as overwrite:path /v1/items/$request.path.itemId and tlsConfig.serverNameToVerify internal.example.com" in checked[0]["message"]
    assert {f["severity"] for f in findings(check_json(cli, PRIVATE), "AGW311")} == {"warning"}


def test_vpc_links_from_the_config(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / ".apigw-migrate.toml"
    config.write_text(f'[vpc-links]\nabc123 = "vl-new,{LISTENER}"\n"vl-v2link" = "{ORDERS_LISTENER}"\n')
    out = tmp_path / "http.json"
    result = cli("convert", str(PRIVATE), "-o", str(out), "--config", str(config))
    assert result.code == 0, result
    assert json.loads(out.read_text())["paths"]["/items/{itemId}"]["get"]["x-amazon-apigateway-integration"]["connectionId"] == "vl-new"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (f"abc123={LISTENER}", "abc123 is a REST VPC link (V1), which HTTP APIs cannot use"),
        ("abc123=vl-new,http://nlb.example.com", "is not a load balancer listener or Cloud Map service ARN"),
        ("abc123", "expected REST_LINK=V2_LINK_ID,LISTENER_ARN"),
    ],
)
def test_vpc_link_option_mistakes_are_usage_errors(cli, tmp_path: Path, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("convert", str(PRIVATE), "-o", str(tmp_path / "x.json"), "--vpc-link", value)
    assert result.code == 2 and message in result.stderr, result


def test_check_says_on_the_route_why_a_vpc_link_given_cannot_be_used(cli) -> None:  # type: ignore[no-untyped-def]
    result = check_json(cli, PRIVATE, "--vpc-link", f"abc123={LISTENER}")
    [link] = [f for f in findings(result, "AGW311") if f["routes"] == ["GET /items/{itemId}"]]
    assert "abc123 is a REST VPC link (V1), which HTTP APIs cannot use" in link["message"]
    assert findings(result, "AGW000") == []


def test_iac_private_integrations_keep_https_and_the_backend_path(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cfnlint.api import lint_file

    out = tmp_path / "http.yaml"
    result = cli("convert", str(PRIVATE), "-o", str(out), "--format", "cloudformation")
    assert result.code == 0, result
    template = yaml.safe_load(out.read_text())
    body = template["Resources"]["HttpApi"]["Properties"]["Body"]
    items = body["paths"]["/items/{itemId}"]["get"]["x-amazon-apigateway-integration"]
    assert items["tlsConfig"] == {"serverNameToVerify": "internal.example.com"}
    assert items["requestParameters"]["overwrite:path"] == "/v1/items/$request.path.itemId"
    assert items["uri"] == {"Ref": "ListenerArnForInternalExampleCom"} and items["connectionId"] == {"Ref": "VpcLinkV2ForAbc123"}
    assert [f"{m.rule.id} {m.message}" for m in lint_file(out) if m.rule.id[0] in "EW"] == []


# -- http → HTTP_PROXY forwards everything ---------------------------------------------------------


def test_http_made_http_proxy_says_it_forwards_every_header_and_query_string(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    links = ("--vpc-link", f"abc123=vl-new,{LISTENER}", "--vpc-link", f"vl-v2link={ORDERS_LISTENER}")
    for result in (check_json(cli, PRIVATE), convert_json(cli, PRIVATE, tmp_path / "http.json", *links)):
        [legacy] = findings(result, "AGW304")
        assert "forwards every client header and query string parameter to the backend" in legacy["message"]


# -- Lambda REQUEST authorizers whose identity sources HTTP APIs require -------------------------


def test_request_authorizer_without_cache_and_stage_variable_identity(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = REAL / "request-authorizer-ttl0.yaml"
    for result in (check_json(cli, path), convert_json(cli, path, tmp_path / "http.json")):
        [optional] = findings(result, "AGW210")
        assert optional["severity"] == "warning" and optional["line"] == 14
        assert "answers 401" in optional["message"] and "method.request.header.Authorization" in optional["message"]
        [variable] = findings(result, "AGW211")
        assert "$stageVariables.tenant" in variable["message"] and "the REST stage is not in this input" in variable["message"]


def test_stage_variable_identity_source_set_on_the_rest_stage(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    api = yaml.safe_load((REAL / "request-authorizer-ttl0.yaml").read_text())
    api["components"]["securitySchemes"]["TenantAuth"]["x-amazon-apigateway-authorizer"]["authorizerResultTtlInSeconds"] = 300
    template = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "prod", "Variables": {"tenant": "acme"}, "DefinitionBody": api}}},
    }
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(template))
    result = check_json(cli, path)
    assert findings(result, "AGW210") == []  # caching on: REST required the identity sources too
    [variable] = findings(result, "AGW211")
    assert "the REST stage sets it" in variable["message"]


# -- CORS values with stray quotes ---------------------------------------------------------------


def test_cors_values_with_stray_quotes_are_cleaned_with_a_finding(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = REAL / "cors-quoted.yaml"
    out = tmp_path / "http.json"
    converted = convert_json(cli, path, out)
    assert converted.code == 0, converted
    assert json.loads(out.read_text())["x-amazon-apigateway-cors"]["allowHeaders"] == ["Content-Type", "Authorization"]
    for result in (check_json(cli, path), converted):
        [quoted] = findings(result, "AGW505")
        assert quoted["line"] == 29 and quoted["severity"] == "warning"
        assert "Content-Type', 'Authorization" in quoted["message"]
