"""Bad inputs through the real CLI: exit code 2 and one line naming file, line and column, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES

from test_load import SAM_TWO_APIS, billion_laughs

# name → (file content, expected "path:line:col: message" tail after the path; None = no position)
CASES: dict[str, tuple[str | bytes, str]] = {
    "not-json.json": ('{"openapi": "3.0.1",\n  "paths": {,}}', ":2:13: not valid JSON"),
    "not-yaml.yaml": ("openapi: 3.0.1\npaths:\n  /a: [x\n  /b: {}\n", ":4:"),
    "empty.yaml": ("\n\n", ": file is empty"),
    "latin1.yaml": ("openapi: 3.0.1\ntitle: caf\xe9\n".encode("latin-1"), ":2: not UTF-8 text (byte 0xe9"),
    "oas31.yaml": ("openapi: 3.1.0\npaths: {}\n", ":1:1: OpenAPI 3.1.0 is not supported"),
    "unknown.yaml": ("openapi: 2.5\npaths: {}\n", ":1:1: unknown OpenAPI version '2.5'"),
    "nopaths.yaml": ("openapi: 3.0.1\ninfo: {title: t}\n", ": no 'paths' in the OpenAPI document"),
    "dup.json": ('{"openapi": "3.0.1",\n "paths": {},\n "paths": {}}', ":3:2: duplicate key 'paths'"),
    "dup.yaml": ("openapi: 3.0.1\npaths: {}\nopenapi: 3.0.2\n", ":3:1: duplicate key 'openapi'"),
    "ref.yaml": (
        "openapi: 3.0.1\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/nope'}\n",
        ":6:9: $ref '#/nope': cannot resolve",
    ),
    "cyclic.yaml": (
        "openapi: 3.0.1\npaths:\n  /a: {$ref: '#/x-a'}\nx-a: {$ref: '#/x-b'}\nx-b: {$ref: '#/x-a'}\n",
        ":3:3: $ref '#/x-a': cyclic",
    ),
    "malformed.yaml": ("openapi: 3.0.1\npaths:\n  /a: {$ref: 'x.yaml/#A'}\n", ":3:3: $ref 'x.yaml/#A': malformed"),
    "external.yaml": ("openapi: 3.0.1\npaths:\n  /a: {$ref: 'missing.yaml#/A'}\n", ":3:3: $ref 'missing.yaml#/A': cannot resolve: no such file"),
    "bomb.yaml": (billion_laughs(), ": YAML aliases expand"),
    "no-body.yaml": (
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  A:\n    Type: AWS::Serverless::Api\n    Properties: {StageName: p}\n",
        ":3:3: REST API A has no inline OpenAPI definition (DefinitionBody)",
    ),
}  # fmt: skip


def assert_one_line_error(result, path: Path, tail: str) -> None:
    assert result.code == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith(f"error: {path}{tail}"), lines[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_exits_2_with_one_line(cli, tmp_path: Path, name: str) -> None:
    content, tail = CASES[name]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    assert_one_line_error(cli("check", str(path)), path, tail)


def test_missing_file_and_directory(cli, tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    assert_one_line_error(cli("check", str(missing)), missing, ": no such file")
    (tmp_path / "empty-dir").mkdir()
    result = cli("check", str(tmp_path / "empty-dir"))
    assert result.code == 2 and "directory holds no" in result.stderr


def test_size_cap_from_option_and_environment(cli, tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"openapi": "3.0.1", "paths": {}}))
    assert_one_line_error(cli("check", str(path), "--max-bytes", "5"), path, ": file is")
    assert_one_line_error(cli("check", str(path), env={"APIGW_MIGRATE_MAX_BYTES": "5"}), path, ": file is")
    assert cli("check", str(path), "--max-bytes", "100000").code == 0


def test_api_picks_one_of_several(cli, tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(SAM_TWO_APIS)
    result = cli("check", str(path), "--api", "PublicApi", "--format", "json", "--fail-on", "never")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["apis"][0]["api"] == f"{path}#PublicApi"


def test_check_without_api_checks_every_rest_api_of_a_template(cli, tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(SAM_TWO_APIS)
    result = cli("check", str(path), "--format", "json", "--fail-on", "never")
    assert result.code == 0, result.stderr
    assert [a["api"] for a in json.loads(result.stdout)["apis"]] == [f"{path}#AdminApi", f"{path}#PublicApi"]


def test_convert_of_a_template_with_several_apis_needs_api(cli, tmp_path: Path) -> None:
    path = tmp_path / "two-apis.yaml"
    path.write_text(SAM_TWO_APIS)
    result = cli("convert", str(path), "-o", str(tmp_path / "out.json"))
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: the template holds 2 REST APIs; pick one with --api: AdminApi, PublicApi"
    ]


def test_quick_start_bundle_loads_through_the_cli(cli) -> None:
    result = cli("check", str(FIXTURES / "bookstore.bundle.json"), "--format", "json", "--fail-on", "never")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["apis"][0]["api"].startswith(str(FIXTURES / "bookstore.bundle.json"))


HTTP_ONLY_TEMPLATE = "Resources:\n  H:\n    Type: AWS::Serverless::HttpApi\n"
COMPOSE = "services:\n  web:\n    image: nginx\n"


def test_an_http_only_template_gets_agw002_like_an_http_openapi_file(cli, tmp_path: Path) -> None:
    path = tmp_path / "http-only.yaml"
    path.write_text(HTTP_ONLY_TEMPLATE)
    result = cli("check", str(path), "--format", "json")
    assert result.code == 0, result.stderr
    (api,) = json.loads(result.stdout)["apis"]
    assert (api["api"], api["flavor"]) == (f"{path}#H", "http")
    assert [(f["rule"], f["severity"]) for f in api["findings"]] == [("AGW002", "info")]
    converted = cli("convert", str(path), "-o", str(tmp_path / "out.json"))
    assert converted.code == 2 and "already an HTTP API" in converted.stderr
    assert not (tmp_path / "out.json").exists()


def test_a_directory_skips_files_that_are_not_api_definitions_and_counts_them(cli, tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "http-only.yaml").write_text(HTTP_ONLY_TEMPLATE)
    (tmp_path / "api.yaml").write_text((FIXTURES / "clean.oas30.yaml").read_text())
    result = cli("check", str(tmp_path), "--format", "json")
    assert result.code == 0, result
    notes = result.stderr.splitlines()
    assert [n.split(": skipped: ")[0] for n in notes] == [f"note: {tmp_path / 'docker-compose.yml'}", f"note: {tmp_path / 'list.json'}"]
    doc = json.loads(result.stdout)
    assert doc["summary"]["skipped"] == 2 and doc["summary"]["errors"] == 0 and doc["summary"]["apis"] == 2
    assert [s["file"] for s in doc["skipped"]] == [str(tmp_path / "docker-compose.yml"), str(tmp_path / "list.json")]
    text = cli("check", str(tmp_path)).stdout
    assert "2 files skipped (not an API definition)" in text.splitlines()[-1]


def test_a_file_named_explicitly_that_is_not_an_api_definition_stays_an_error(cli, tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_text(COMPOSE)
    assert_one_line_error(cli("check", str(path)), path, ": not an OpenAPI document")


@pytest.mark.parametrize("command", ["check", "convert", "diff"])
def test_every_os_error_on_an_input_is_exit_2_with_one_line(cli, tmp_path: Path, command: str) -> None:
    long_name = str(tmp_path / ("x" * 300 + ".json"))
    args = {
        "check": ["check", long_name],
        "convert": ["convert", long_name, "-o", str(tmp_path / "out.json")],
        "diff": ["diff", long_name, str(FIXTURES / "clean.oas30.yaml")],
    }[command]
    result = cli(*args)
    assert result.code == 2, result
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {long_name}: ")
    if command == "diff":  # the other side too
        result = cli("diff", str(FIXTURES / "clean.oas30.yaml"), long_name)
        assert result.code == 2 and len(result.stderr.splitlines()) == 1, result


@pytest.mark.parametrize("fmt", ["json", "sarif", "markdown", "text"])
def test_an_unreadable_input_still_writes_the_report_file(cli, tmp_path: Path, fmt: str) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    out = tmp_path / f"report.{fmt}"
    result = cli("check", str(broken), "--format", fmt, "-o", str(out))
    assert result.code == 2
    assert len(result.stderr.splitlines()) == 1
    text = out.read_text()
    if fmt == "json":
        doc = json.loads(text)
        assert doc["errors"][0]["file"] == str(broken) and doc["summary"]["errors"] == 1
    elif fmt == "sarif":
        (invocation,) = json.loads(text)["runs"][0]["invocations"]
        assert invocation["executionSuccessful"] is False
        (note,) = invocation["toolExecutionNotifications"]
        assert note["level"] == "error" and note["message"]["text"].startswith(f"{broken}:1:")
    else:
        assert "1 input could not be read" in text


def test_a_directory_without_any_api_definition_is_an_input_error(cli, tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    result = cli("check", str(tmp_path), "--format", "json", "-o", str(tmp_path / "report.json"))
    assert result.code == 2
    assert result.stderr.splitlines()[-1] == f"error: {tmp_path}: no API definition among the 1 file(s) found there"
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["skipped"] == 1
