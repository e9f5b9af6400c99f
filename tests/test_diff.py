"""`apigw-migrate diff` (migrate/diff.py): route-level differences between a REST API and an HTTP document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import DATA

from apigw_migrate.diff import diff_files, render_rich
from apigw_migrate.transforms import ConvertResult
from apigw_migrate.transforms.iac import to_template

REST = DATA / "diff" / "rest.json"
HTTP = DATA / "diff" / "http.json"
FN = "arn:aws:lambda:us-east-1:123456789012:function:"


def http_doc() -> dict:
    return json.loads(HTTP.read_text())


def write(tmp_path: Path, doc: dict, name: str = "http.json") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc) if name.endswith((".yaml", ".yml")) else json.dumps(doc))
    return str(path)


def run_json(cli, rest: str | Path, http: str | Path) -> dict:
    result = cli("diff", str(rest), str(http), "--format", "json")
    assert result.code == 0, result
    return json.loads(result.stdout)


def by_route(report: dict) -> dict[str, dict]:
    return {r["route"]: r for r in report["routes"]}


def changes(route: dict) -> list[tuple[str, object, object]]:
    return [(f"{c['area']}.{c['field']}", c["rest"], c["http"]) for c in route["changes"]]


def test_faithful_conversion_leaves_only_real_changes(cli):
    report = run_json(cli, REST, HTTP)
    assert report["format"] == "apigw-migrate/diff" and report["version"] == 1
    assert report["rest"] == {"path": str(REST), "kind": "oas3", "api": None}
    assert report["summary"] == {"routes": 8, "unchanged": 4, "changed": 3, "added": 0, "removed": 1}
    routes = by_route(report)
    assert {k for k, r in routes.items() if r["status"] == "unchanged"} == {
        "GET /books",
        "GET /books/{id}",
        "DELETE /books/{id}",
        "ANY /legacy/{proxy+}",
    }
    assert changes(routes["POST /books"]) == [("authorization.type", "COGNITO_USER_POOLS", "JWT")]
    assert changes(routes["GET /reports"]) == [
        ("authorization.apiKeyRequired", True, False),
        ("authorization.type", "TOKEN", "REQUEST"),
    ]
    assert changes(routes["GET /status"]) == [
        ("integration.payloadFormatVersion", None, "1.0"),
        ("integration.type", "HTTP", "HTTP_PROXY"),
    ]
    assert routes["OPTIONS /books"]["status"] == "removed"
    assert routes["OPTIONS /books"]["note"] == "preflight answered by the API-level CORS configuration"
    assert report["api"]["cors"]["status"] == "unchanged"
    assert report["api"]["cors"]["rest"] == {
        "allowHeaders": ["authorization", "content-type", "x-amz-date"],
        "allowMethods": ["GET", "OPTIONS", "POST"],
        "allowOrigins": ["https://books.example.com"],
    }


def test_routes_are_sorted_by_path_then_method(cli):
    report = run_json(cli, REST, HTTP)
    assert [r["route"] for r in report["routes"]] == [
        "GET /books",
        "OPTIONS /books",
        "POST /books",
        "DELETE /books/{id}",
        "GET /books/{id}",
        "ANY /legacy/{proxy+}",
        "GET /reports",
        "GET /status",
    ]


def test_lambda_invocation_uri_and_bare_arn_compare_equal(cli, tmp_path):
    doc = http_doc()
    integ = doc["paths"]["/books"]["get"]["x-amazon-apigateway-integration"]
    integ["uri"] = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FN}books-list/invocations"
    integ["type"] = "aws_proxy"
    del integ["httpMethod"]  # Lambda is invoked with POST whatever is written
    assert by_route(run_json(cli, REST, write(tmp_path, doc)))["GET /books"]["status"] == "unchanged"


def test_identity_path_mapping_has_no_http_counterpart_U(cli, tmp_path):
    # REST maps integration.request.path.proxy ← method.request.path.proxy explicitly; the HTTP
    # integration URI `{proxy}` takes the route variable by itself ([U], fact sheet §4.2).
    assert by_route(run_json(cli, REST, HTTP))["ANY /legacy/{proxy+}"]["status"] == "unchanged"
    # A path mapping from anything else is a real difference.
    rest = json.loads(REST.read_text())
    integ = rest["paths"]["/legacy/{proxy+}"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]
    integ["requestParameters"]["integration.request.path.proxy"] = "method.request.header.X-Path"
    routes = by_route(run_json(cli, write(tmp_path, rest, "rest.json"), HTTP))
    assert changes(routes["ANY /legacy/{proxy+}"]) == [("parameters.request.path.proxy", "$request.header.x-path", None)]


def test_renamed_path_variable_folds_into_the_uri_U(cli, tmp_path):
    # REST `…/{p}` with path.p ← method.request.path.proxy is HTTP's `…/{proxy}` ([U] as above).
    rest = json.loads(REST.read_text())
    integ = rest["paths"]["/legacy/{proxy+}"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]
    integ["uri"] = "https://legacy.example.com/{p}"
    del integ["requestParameters"]["integration.request.path.proxy"]
    integ["requestParameters"]["integration.request.path.p"] = "method.request.path.proxy"
    rest_path = write(tmp_path, rest, "rest.json")
    assert by_route(run_json(cli, rest_path, HTTP))["ANY /legacy/{proxy+}"]["status"] == "unchanged"
    doc = http_doc()
    doc["paths"]["/legacy/{proxy+}"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]["uri"] = "https://legacy.example.com/{p}"
    routes = by_route(run_json(cli, rest_path, write(tmp_path, doc)))
    assert changes(routes["ANY /legacy/{proxy+}"]) == [
        ("integration.uri", "https://legacy.example.com/{proxy}", "https://legacy.example.com/{p}")
    ]


def test_integration_changes_are_named_field_by_field(cli, tmp_path):
    doc = http_doc()
    get_books = doc["paths"]["/books"]["get"]["x-amazon-apigateway-integration"]
    get_books.update(payloadFormatVersion="2.0", timeoutInMillis=30000, uri=FN + "books-list-v2")
    legacy = doc["paths"]["/legacy/{proxy+}"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]
    legacy["requestParameters"] = {"overwrite:header.x-tenant": "$request.header.x-org", "remove:header.cookie": "''"}
    status = doc["paths"]["/status"]["get"]["x-amazon-apigateway-integration"]
    status["responseParameters"] = {"200": {"overwrite:header.cache-control": "max-age=60"}, "404": {"overwrite:statuscode": "410"}}
    routes = by_route(run_json(cli, REST, write(tmp_path, doc)))
    assert changes(routes["GET /books"]) == [
        ("integration.payloadFormatVersion", "1.0", "2.0"),
        ("integration.timeoutInMillis", 29000, 30000),
        ("integration.uri", FN + "books-list", FN + "books-list-v2"),
    ]
    assert changes(routes["ANY /legacy/{proxy+}"]) == [
        ("parameters.request.overwrite:header.x-tenant", "$request.header.x-tenant-id", "$request.header.x-org"),
        ("parameters.request.remove:header.cookie", None, "''"),
    ]
    status_changes = changes(routes["GET /status"])
    assert ("parameters.response.200.overwrite:header.cache-control", "no-store", "max-age=60") in status_changes
    # A status mapping only one side has is still reported entry by entry.
    assert ("parameters.response.404.overwrite:statuscode", None, "410") in status_changes
    change = routes["GET /books"]["changes"][2]
    assert change == {
        "area": "integration",
        "field": "uri",
        "path": ["integration", "uri"],
        "rest": FN + "books-list",
        "http": FN + "books-list-v2",
    }


def test_service_integration_subtype_is_a_change(cli, tmp_path):
    doc = http_doc()
    doc["paths"]["/books"]["get"]["x-amazon-apigateway-integration"] = {
        "type": "AWS_PROXY",
        "integrationSubtype": "SQS-SendMessage",
        "payloadFormatVersion": "1.0",
        "credentials": "arn:aws:iam::123456789012:role/api-sqs",
        "requestParameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": "$request.body"},
    }
    found = dict((f, (a, b)) for f, a, b in changes(by_route(run_json(cli, REST, write(tmp_path, doc)))["GET /books"]))
    assert found["integration.integrationSubtype"] == (None, "SQS-SendMessage")
    assert found["integration.credentials"] == (None, "arn:aws:iam::123456789012:role/api-sqs")
    assert found["integration.uri"] == (FN + "books-list", None)
    assert found["parameters.request.MessageBody"] == (None, "$request.body")


def test_authorization_changes(cli, tmp_path):
    doc = http_doc()
    doc["paths"]["/books"]["post"]["security"] = [{"books-cognito": ["books/admin", "books/write"]}]
    doc["paths"]["/books/{id}"]["get"]["security"] = [{"reports-token": []}]
    doc["paths"]["/books/{id}"]["delete"].pop("security")
    routes = by_route(run_json(cli, REST, write(tmp_path, doc)))
    assert ("authorization.scopes", ["books/write"], ["books/admin", "books/write"]) in changes(routes["POST /books"])
    assert changes(routes["GET /books/{id}"]) == [("authorization.authorizer", "books-request", "reports-token")]
    assert changes(routes["DELETE /books/{id}"]) == [("authorization.type", "AWS_IAM", "NONE")]


def test_several_security_requirements_are_spelled_out(cli, tmp_path):
    rest = json.loads(REST.read_text())
    rest["paths"]["/books"]["get"]["security"] = [{"books-request": []}, {"sigv4": []}]
    routes = by_route(run_json(cli, write(tmp_path, rest, "rest.json"), HTTP))
    assert changes(routes["GET /books"]) == [
        ("authorization.authorizer", "books-request (REQUEST) | sigv4 (AWS_IAM)", None),
        ("authorization.type", "MULTIPLE", "NONE"),
    ]


def test_added_and_removed_routes(cli, tmp_path):
    doc = http_doc()
    del doc["paths"]["/books/{id}"]["delete"]
    doc["paths"]["/health"] = {"get": {"x-amazon-apigateway-integration": {"type": "HTTP_PROXY", "httpMethod": "GET", "uri": "https://h.example.com/"}}}
    doc["paths"]["/$default"] = {
        "x-amazon-apigateway-any-method": {
            "isDefaultRoute": True,
            "x-amazon-apigateway-integration": {"type": "AWS_PROXY", "uri": FN + "fallback", "payloadFormatVersion": "2.0"},
        }
    }
    report = run_json(cli, REST, write(tmp_path, doc))
    routes = by_route(report)
    assert routes["DELETE /books/{id}"]["status"] == "removed"
    assert routes["DELETE /books/{id}"]["note"] is None
    assert routes["GET /health"]["status"] == "added"
    assert routes["$default"]["status"] == "added"
    assert report["routes"][-1]["route"] == "$default"
    assert report["summary"]["added"] == 2 and report["summary"]["removed"] == 2


def test_cors_changes(cli, tmp_path):
    doc = http_doc()
    doc["x-amazon-apigateway-cors"]["allowOrigins"] = ["*"]
    doc["x-amazon-apigateway-cors"]["maxAge"] = 300
    cors = run_json(cli, REST, write(tmp_path, doc))["api"]["cors"]
    assert cors["status"] == "changed"
    assert [(c["area"], c["field"], c["rest"], c["http"]) for c in cors["changes"]] == [
        ("cors", "allowOrigins", ["https://books.example.com"], ["*"]),
        ("cors", "maxAge", None, 300),
    ]


def test_cors_removed_keeps_the_options_route_unexplained(cli, tmp_path):
    doc = http_doc()
    del doc["x-amazon-apigateway-cors"]
    report = run_json(cli, REST, write(tmp_path, doc))
    assert report["api"]["cors"]["status"] == "removed"
    assert report["api"]["cors"]["http"] is None
    assert by_route(report)["OPTIONS /books"]["note"] is None


def test_cors_added_when_rest_had_none(cli, tmp_path):
    rest = json.loads(REST.read_text())
    del rest["paths"]["/books"]["options"]
    cors = run_json(cli, write(tmp_path, rest, "rest.json"), HTTP)["api"]["cors"]
    assert cors["status"] == "added" and cors["rest"] is None


def test_swagger2_rest_input_and_yaml_http_document(cli, tmp_path):
    swagger = {
        "swagger": "2.0",
        "info": {"title": "s", "version": "1"},
        "basePath": "/prod",
        "paths": {
            "/books": {
                "get": {
                    "responses": {"200": {"description": "ok"}},
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy",
                        "httpMethod": "POST",
                        "uri": f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FN}books-list/invocations",
                        "timeoutInMillis": 29000,
                    },
                }
            }
        },
    }
    doc = http_doc()
    doc["paths"] = {"/books": {"get": doc["paths"]["/books"]["get"]}}
    del doc["x-amazon-apigateway-cors"]
    report = run_json(cli, write(tmp_path, swagger, "rest.json"), write(tmp_path, doc, "http.yaml"))
    assert report["rest"]["kind"] == "swagger2"
    assert report["summary"] == {"routes": 1, "unchanged": 1, "changed": 0, "added": 0, "removed": 0}


@pytest.mark.parametrize("fmt", ["cloudformation", "sam"])
def test_http_document_inside_a_generated_template(cli, tmp_path, fmt):
    template = to_template(ConvertResult(document=http_doc(), stage={"StageName": "$default"}), fmt)
    direct = run_json(cli, REST, HTTP)
    via_template = run_json(cli, REST, write(tmp_path, template, "template.yaml"))
    assert via_template["routes"] == direct["routes"]
    assert via_template["api"] == direct["api"]


def test_text_output_lists_what_differs(cli):
    result = cli("diff", str(REST), str(HTTP))
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[2] == "Routes: 8 (4 unchanged, 3 changed, 0 added, 1 removed)"
    assert "- OPTIONS /books  (preflight answered by the API-level CORS configuration)" in lines
    assert "~ GET /reports" in lines
    assert '    authorization.type: "TOKEN" -> "REQUEST"' in lines
    assert not any("GET /books/{id}" in line for line in lines)  # unchanged routes are only counted
    assert lines[-1] == "CORS: unchanged"
    assert "\x1b[" not in result.stdout  # plain when stdout is not a terminal


def test_terminal_output_is_a_table_of_what_differs():
    import io

    from rich.console import Console

    out = io.StringIO()
    render_rich(diff_files(str(REST), str(HTTP)), Console(file=out, width=200, color_system=None))
    text = out.getvalue()
    assert "Routes: 8 (4 unchanged, 3 changed, 0 added, 1 removed)" in text
    row = next(line for line in text.splitlines() if "GET /reports" in line)
    assert "authorization.apiKeyRequired" in row and "true" in row and "false" in row
    assert "preflight answered by the API-level CORS configuration" in text
    assert "GET /books/{id}" not in text  # unchanged routes are only counted
    assert text.rstrip().endswith("CORS: unchanged")


def test_markdown_output_to_a_file(cli, tmp_path):
    out = tmp_path / "diff.md"
    result = cli("diff", str(REST), str(HTTP), "--format", "markdown", "-o", str(out))
    assert result.code == 0 and result.stdout == ""
    text = out.read_text()
    assert "| 8 | 4 | 3 | 0 | 1 |" in text
    assert '| `GET /reports` | authorization.type | `"TOKEN"` | `"REQUEST"` |' in text
    assert "- `OPTIONS /books`: preflight answered by the API-level CORS configuration" in text


def test_json_output_to_a_file_matches_stdout(cli, tmp_path):
    out = tmp_path / "diff.json"
    assert cli("diff", str(REST), str(HTTP), "-f", "json", "-o", str(out)).code == 0
    assert json.loads(out.read_text()) == run_json(cli, REST, HTTP)


def test_library_result_matches_the_cli(cli):
    result = diff_files(str(REST), str(HTTP))
    assert result.to_dict() == run_json(cli, REST, HTTP)


@pytest.mark.parametrize(
    ("http_content", "message"),
    [
        ({"swagger": "2.0", "info": {}, "paths": {}}, "HTTP API documents are OpenAPI 3.0; this one is Swagger 2.0"),
        ({"openapi": "3.1.0", "info": {}, "paths": {}}, "not an OpenAPI 3.0 document (openapi: '3.1.0')"),
        ({"openapi": "3.0.1", "info": {}}, "no 'paths' mapping in the HTTP API document"),
        ({"Resources": {"Fn": {"Type": "AWS::Lambda::Function"}}}, "the template holds no HTTP API with an inline definition"),
        (
            {"openapi": "3.0.1", "info": {}, "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"$ref": "#/nowhere"}}}}},
            "$ref '#/nowhere'",
        ),
    ],
)
def test_bad_http_document_is_an_input_error(cli, tmp_path, http_content, message):
    result = cli("diff", str(REST), write(tmp_path, http_content))
    assert result.code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_and_unreadable_inputs_exit_2(cli, tmp_path):
    missing = cli("diff", str(tmp_path / "nope.json"), str(HTTP))
    assert missing.code == 2 and "nope.json: no such file" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"openapi": "3.0.1",')
    result = cli("diff", str(REST), str(broken))
    assert result.code == 2 and "broken.json:1:" in result.stderr


def test_unknown_format_exits_2(cli):
    result = cli("diff", str(REST), str(HTTP), "--format", "xml")
    assert result.code == 2 and "'xml' is not one of 'text', 'json', 'markdown'" in result.stderr


def _preflight(origin: str, max_age: int) -> dict:
    return {
        "responses": {"200": {"description": "ok"}},
        "x-amazon-apigateway-integration": {"type": "mock", "responses": {"default": {"statusCode": "200", "responseParameters": {
            "method.response.header.Access-Control-Allow-Origin": f"'{origin}'",
            "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'",
            "method.response.header.Access-Control-Max-Age": f"'{max_age}'"}}}},
    }  # fmt: skip


@pytest.mark.parametrize("ages", [(600, 300), (300, 600)])
def test_cors_merged_from_paths_that_differed_is_a_change_path_by_path(cli, tmp_path, ages):
    from apigw_migrate.load import load
    from apigw_migrate.transforms import ConvertOptions, convert

    lam = {"type": "aws_proxy", "httpMethod": "POST", "uri": f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FN}f/invocations"}
    rest = {
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {"get": {"responses": {}, "x-amazon-apigateway-integration": lam}, "options": _preflight("https://a.example.com", ages[0])},
            "/b": {"get": {"responses": {}, "x-amazon-apigateway-integration": lam}, "options": _preflight("https://b.example.com", ages[1])},
        },
    }
    rest_path = write(tmp_path, rest, "rest.json")
    http = convert(load(rest_path), ConvertOptions()).document
    assert http["x-amazon-apigateway-cors"]["maxAge"] == 600  # the largest
    report = run_json(cli, rest_path, write(tmp_path, http))
    cors = report["api"]["cors"]
    assert cors["status"] == "changed"
    assert {c["field"]: (c["rest"], c["http"]) for c in cors["changes"]} == {
        "allowOrigins": ({"/a": ["https://a.example.com"], "/b": ["https://b.example.com"]}, ["https://a.example.com", "https://b.example.com"]),
        "maxAge": ({"/a": ages[0], "/b": ages[1]}, 600),
    }
    assert cors["rest"]["maxAge"] == 600 and "2 paths" in cors["note"]
    text = cli("diff", rest_path, write(tmp_path, http)).stdout
    assert "CORS: changed  (the REST API answered the preflights of 2 paths with different allowOrigins, maxAge;" in text
    assert "CORS: unchanged" not in text


def test_cors_set_alike_on_every_path_stays_unchanged(cli, tmp_path):
    from apigw_migrate.load import load
    from apigw_migrate.transforms import convert

    rest = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"},
            "paths": {p: {"options": _preflight("https://a.example.com", 300)} for p in ("/a", "/b")}}  # fmt: skip
    rest["paths"]["/a"]["get"] = {"responses": {}, "x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "GET", "uri": "https://x.example.com"}}
    rest_path = write(tmp_path, rest, "rest.json")
    cors = run_json(cli, rest_path, write(tmp_path, convert(load(rest_path)).document))["api"]["cors"]
    assert cors["status"] == "unchanged" and cors["note"] is None and cors["changes"] == []
