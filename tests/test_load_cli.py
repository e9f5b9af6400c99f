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
    "http-only.yaml": ("Resources:\n  H:\n    Type: AWS::Serverless::HttpApi\n", ": no REST API in this template; H already is an HTTP API"),
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
