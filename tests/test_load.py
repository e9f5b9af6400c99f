"""Input loading: every way a file can be wrong ends in one InputError line naming file, line and column."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from apigw_migrate.errors import ExitCode, InputError, NotAnApiError, UsageError
from apigw_migrate.load import MAX_DEPTH, ensure_shallow, expand_inputs, load, load_all, load_many, parse, quote_placeholders, read_text
from apigw_migrate.openapi import iter_operations

from conftest import FIXTURES

MINIMAL_OAS3 = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}}


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return p


def load_error(path: Path, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        load(path, **kwargs)
    err = info.value
    assert err.exit_code == ExitCode.USAGE
    assert "\n" not in str(err)
    assert str(err).startswith(str(path))
    return err


# --- files that are not readable documents ---------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    err = load_error(tmp_path / "nope.json")
    assert err.reason == "no such file"


def test_directory(tmp_path: Path) -> None:
    err = load_error(tmp_path)
    assert "is a directory" in err.reason


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty(tmp_path: Path, text: str) -> None:
    err = load_error(write(tmp_path, "empty.yaml", text))
    assert err.reason == "file is empty"


def test_json_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    p = write(tmp_path, "bad.json", '{\n  "openapi": "3.0.1",\n  "paths": {,}\n}\n')
    err = load_error(p)
    assert (err.line, err.column) == (3, 13)
    assert "not valid JSON" in err.reason
    assert str(err).startswith(f"{p}:3:13: ")


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    p = write(tmp_path, "bad.yaml", "openapi: 3.0.1\npaths:\n  /a: [unclosed\n  /b: {}\n")
    err = load_error(p)
    assert err.line == 4
    assert "not valid YAML or JSON" in err.reason


def test_plain_text_is_not_a_document(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "notes.txt", "just some words\n"))
    assert "expected a mapping at the top level" in err.reason


def test_top_level_list(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "list.json", "[1, 2]"))
    assert "expected a mapping" in err.reason


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    p = write(tmp_path, "latin1.yaml", "openapi: 3.0.1\ninfo:\n  title: caf\xe9\n".encode("latin-1"))
    err = load_error(p)
    assert err.line == 3
    assert "not UTF-8" in err.reason and "0xe9" in err.reason


def test_utf16_is_named(tmp_path: Path) -> None:
    p = write(tmp_path, "utf16.json", json.dumps(MINIMAL_OAS3).encode("utf-16"))
    err = load_error(p)
    assert err.reason == "the file is UTF-16 text; save it as UTF-8"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    p = write(tmp_path, "bom.json", b"\xef\xbb\xbf" + json.dumps(MINIMAL_OAS3).encode())
    assert load(p).spec == "oas3"


def test_size_cap_parameter(tmp_path: Path) -> None:
    p = write(tmp_path, "api.json", json.dumps(MINIMAL_OAS3))
    size = p.stat().st_size
    err = load_error(p, max_bytes=size - 1)
    assert f"over the {size - 1:,}-byte cap" in err.reason
    assert load(p, max_bytes=size).kind == "oas3"


def test_size_cap_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = write(tmp_path, "api.json", json.dumps(MINIMAL_OAS3))
    monkeypatch.setenv("APIGW_MIGRATE_MAX_BYTES", "10")
    err = load_error(p)
    assert "APIGW_MIGRATE_MAX_BYTES" in err.reason
    # The explicit parameter wins over the environment.
    assert load(p, max_bytes=10_000).kind == "oas3"


def test_size_cap_environment_must_be_a_number(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = write(tmp_path, "api.json", json.dumps(MINIMAL_OAS3))
    monkeypatch.setenv("APIGW_MIGRATE_MAX_BYTES", "50MB")
    with pytest.raises(UsageError, match="APIGW_MIGRATE_MAX_BYTES must be a whole number"):
        load(p)


def test_size_cap_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "huge.json"
    with p.open("wb") as f:
        f.truncate(2 * 1024**3)  # sparse: takes no disk

    def must_not_read(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", must_not_read)
    err = load_error(p)
    assert "2,147,483,648 bytes, over the 52,428,800-byte cap" in err.reason


# --- documents that are not REST API definitions ---------------------------------------------------


def test_openapi_31_is_refused_at_its_line(tmp_path: Path) -> None:
    p = write(tmp_path, "api.yaml", "info: {title: t, version: '1'}\nopenapi: 3.1.0\npaths: {}\n")
    err = load_error(p)
    assert (err.line, err.column) == (2, 1)
    assert "OpenAPI 3.1.0 is not supported" in err.reason


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("openapi: 4.0.0\npaths: {}\n", "unknown OpenAPI version '4.0.0'"),
        ("swagger: '1.2'\npaths: {}\n", "unknown Swagger version '1.2'"),
        ("info: {title: t}\npaths: {}\n", "not an OpenAPI document"),
    ],
)
def test_unknown_versions(tmp_path: Path, text: str, fragment: str) -> None:
    err = load_error(write(tmp_path, "api.yaml", text))
    assert fragment in err.reason


def test_yaml_float_versions_are_read_as_written(tmp_path: Path) -> None:
    assert load(write(tmp_path, "a.yaml", "swagger: 2.0\npaths: {}\n")).spec == "swagger2"
    assert load(write(tmp_path, "b.yaml", "openapi: 3.0\npaths: {}\n")).spec == "oas3"


def test_no_paths(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "api.yaml", "openapi: 3.0.1\ninfo: {title: t, version: '1'}\n"))
    assert "no 'paths'" in err.reason


def test_paths_not_a_mapping_points_at_paths(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "api.yaml", "openapi: 3.0.1\npaths:\n- /a\n"))
    assert (err.line, err.column) == (2, 1)


# --- duplicate keys --------------------------------------------------------------------------------


def test_duplicate_key_json_names_the_second_occurrence(tmp_path: Path) -> None:
    text = '{\n  "openapi": "3.0.1",\n  "paths": {\n    "/a": {},\n    "/b": {},\n    "/a": {}\n  }\n}\n'
    err = load_error(write(tmp_path, "dup.json", text))
    assert err.reason == "duplicate key '/a'"
    assert (err.line, err.column) == (6, 5)


def test_duplicate_key_yaml_names_the_second_occurrence(tmp_path: Path) -> None:
    text = "openapi: 3.0.1\npaths:\n  /a:\n    get: {}\n    post: {}\n    get: {}\n"
    err = load_error(write(tmp_path, "dup.yaml", text))
    assert err.reason == "duplicate key 'get'"
    assert (err.line, err.column) == (6, 5)


def test_same_key_in_different_objects_is_fine(tmp_path: Path) -> None:
    doc = {"openapi": "3.0.1", "paths": {"/a": {"get": {"responses": {}}}, "/b": {"get": {"responses": {}}}}}
    assert len(list(iter_operations(load(write(tmp_path, "ok.json", json.dumps(doc)))))) == 2


# --- YAML aliases ----------------------------------------------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_before_expansion(tmp_path: Path) -> None:
    import tracemalloc

    p = write(tmp_path, "bomb.yaml", billion_laughs())
    tracemalloc.start()
    try:
        err = load_error(p)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "alias bomb" in err.reason
    expanded = re.search(r"to ([\d,]+)", err.reason)
    assert expanded and int(expanded.group(1).replace(",", "")) > 10**9
    assert peak < 50 * 1024 * 1024


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    p = write(tmp_path, "loop.yaml", "openapi: 3.0.1\npaths: &p\n  /a: *p\n")
    err = load_error(p)
    assert "refers to a node that contains it" in err.reason
    assert err.line == 2


def test_ordinary_aliases_and_merge_keys_are_expanded(tmp_path: Path) -> None:
    text = """
    openapi: 3.0.1
    x-defaults: &integration
      type: aws_proxy
      httpMethod: POST
    paths:
      /a:
        get:
          responses: {}
          x-amazon-apigateway-integration:
            <<: *integration
            uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations
      /b:
        get:
          responses: {}
          x-amazon-apigateway-integration: *integration
    """
    src = load(write(tmp_path, "anchors.yaml", text))
    a = src.api["paths"]["/a"]["get"]["x-amazon-apigateway-integration"]
    assert a["type"] == "aws_proxy" and a["uri"].endswith("/invocations")
    assert src.api["paths"]["/b"]["get"]["x-amazon-apigateway-integration"] == {"type": "aws_proxy", "httpMethod": "POST"}


def test_deep_nesting_is_one_line(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "deep.json", "[" * 200_000 + "]" * 200_000))
    assert err.reason == f"nesting is more than {MAX_DEPTH} levels deep; refusing to read it"


def nested_schema(depth: int) -> str:
    """An OpenAPI 3.0 JSON document whose one response schema nests `depth` objects."""
    schema = '{"a":' * depth + "1" + "}" * depth
    return (
        '{"openapi": "3.0.1", "info": {"title": "t", "version": "1"},\n"paths": {"/a": {"get": {"responses": '
        '{"200": {"description": "ok", "content": {"application/json": {"schema": ' + schema + "}}}}}}}}"
    )


def test_json_nested_deeper_than_later_stages_can_walk_is_refused_at_its_place(tmp_path: Path) -> None:
    # The C decoder reads this and check never recurses into it; copying it (convert) would end in a
    # RecursionError, so convert and diff refuse it where it gets too deep.
    src = load(write(tmp_path, "deep.json", nested_schema(MAX_DEPTH)))
    with pytest.raises(InputError) as caught:
        ensure_shallow(src.api, src.path, src.positions, src.base_pointer)
    err = caught.value
    assert err.reason.startswith(f"nesting is more than {MAX_DEPTH} levels deep")
    assert err.line == 2 and err.column is not None


def test_convert_refuses_json_nested_deeper_than_it_can_copy(tmp_path: Path, cli) -> None:
    path = write(tmp_path, "deep.json", nested_schema(MAX_DEPTH + 300))
    result = cli("convert", str(path), "-o", str(tmp_path / "out.json"))
    assert result.code == 2, result
    assert result.stderr.startswith(f"error: {path}:2:") and f"more than {MAX_DEPTH} levels deep" in result.stderr


def test_nesting_up_to_the_limit_loads(tmp_path: Path) -> None:
    src = load(write(tmp_path, "deep.json", nested_schema(MAX_DEPTH - 20)))
    assert list(src.api["paths"]) == ["/a"]
    # Root mapping and x-deep's lists: exactly MAX_DEPTH levels.
    yaml_text = "openapi: 3.0.1\npaths: {}\nx-deep: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    node, levels = load(write(tmp_path, "deep.yaml", yaml_text)).api["x-deep"], 1
    while node:
        node, levels = node[0], levels + 1
    assert levels == MAX_DEPTH - 1


def test_deep_yaml_is_refused_before_libyaml_composes_it(tmp_path: Path) -> None:
    # libyaml's composer recurses in C: without the check this input kills the interpreter (SIGSEGV),
    # so it runs in a child process.
    path = write(tmp_path, "deep.yaml", "openapi: 3.0.1\npaths: {}\nx-deep: " + "[" * 100_000 + "]" * 100_000 + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "apigw_migrate", "check", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2, result
    assert result.stderr.strip() == f"error: {path}:3:{8 + MAX_DEPTH}: nesting is more than {MAX_DEPTH} levels deep; refusing to read it"


# --- YAML scalars ----------------------------------------------------------------------------------


def test_yaml_scalars_keep_openapi_meaning(tmp_path: Path) -> None:
    text = """
    openapi: 3.0.1
    info: {title: t, version: 2019-01-01}
    paths:
      /a:
        get:
          responses:
            200: {description: ok}
          x-amazon-apigateway-integration:
            timeoutInMillis: 29_000
            type: mock
            y: yes
    """
    src = load(write(tmp_path, "api.yaml", text))
    assert src.api["info"]["version"] == "2019-01-01"
    op = src.api["paths"]["/a"]["get"]
    assert list(op["responses"]) == ["200"]
    assert op["x-amazon-apigateway-integration"]["timeoutInMillis"] == 29000
    assert op["x-amazon-apigateway-integration"]["y"] is True


# --- templates -------------------------------------------------------------------------------------

SAM_TWO_APIS = """
Transform: AWS::Serverless-2016-10-31
Resources:
  PublicApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        openapi: 3.0.1
        paths:
          /books:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations
  AdminApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        swagger: "2.0"
        paths:
          /users:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                uri: !GetAtt AdminFn.Arn
                credentials: !If [IsProd, !Ref ProdRole, !Ref DevRole]
                requestTemplates: !Join ["", ["a", !Ref B]]
  Loans:
    Type: AWS::Serverless::HttpApi
"""


def test_template_with_several_rest_apis_lists_them(tmp_path: Path) -> None:
    p = write(tmp_path, "template.yaml", SAM_TWO_APIS)
    with pytest.raises(UsageError) as info:
        load(p)
    assert info.value.exit_code == ExitCode.USAGE
    assert "2 REST APIs" in str(info.value) and "AdminApi, PublicApi" in str(info.value)


def test_api_picks_one_and_points_into_the_template(tmp_path: Path) -> None:
    p = write(tmp_path, "template.yaml", SAM_TWO_APIS)
    src = load(p, api="PublicApi")
    assert (src.kind, src.spec, src.api_name) == ("sam", "oas3", "PublicApi")
    assert src.base_pointer == "/Resources/PublicApi/Properties/DefinitionBody"
    assert src.template_resource == {"StageName": "prod", "DefinitionBody": src.api}
    (op,) = iter_operations(src)
    assert op.pointer == "/Resources/PublicApi/Properties/DefinitionBody/paths/~1books/get"
    assert src.locate(op.pointer) == (11, 13)
    assert src.display_name == f"{p}#PublicApi"


def test_api_unknown_name(tmp_path: Path) -> None:
    p = write(tmp_path, "template.yaml", SAM_TWO_APIS)
    with pytest.raises(UsageError, match="no REST API named 'Loans'; the template holds: AdminApi, PublicApi"):
        load(p, api="Loans")


def test_api_on_a_plain_openapi_file_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--api picks an API inside a SAM or CloudFormation template"):
        load(FIXTURES / "clean.oas30.yaml", api="X")


def test_intrinsics_stay_opaque(tmp_path: Path) -> None:
    src = load(write(tmp_path, "template.yaml", SAM_TWO_APIS), api="AdminApi")
    integ = src.api["paths"]["/users"]["get"]["x-amazon-apigateway-integration"]
    assert integ["uri"] == {"Fn::GetAtt": ["AdminFn", "Arn"]}
    assert integ["credentials"] == {"Fn::If": ["IsProd", {"Ref": "ProdRole"}, {"Ref": "DevRole"}]}
    assert integ["requestTemplates"] == {"Fn::Join": ["", ["a", {"Ref": "B"}]]}
    public = load(write(tmp_path, "t2.yaml", SAM_TWO_APIS), api="PublicApi")
    uri = public.api["paths"]["/books"]["get"]["x-amazon-apigateway-integration"]["uri"]
    assert uri == {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"}


def test_getatt_with_dotted_attribute(tmp_path: Path) -> None:
    text = """
    Resources:
      Api:
        Type: AWS::ApiGateway::RestApi
        Properties:
          Body:
            openapi: 3.0.1
            x-host: !GetAtt Db.Endpoint.Address
            x-list: !GetAtt [Db, Arn]
            paths: {}
    """
    src = load(write(tmp_path, "cfn.yaml", text))
    assert src.kind == "cloudformation"
    assert src.api["x-host"] == {"Fn::GetAtt": ["Db", "Endpoint.Address"]}
    assert src.api["x-list"] == {"Fn::GetAtt": ["Db", "Arn"]}


def test_template_with_only_http_apis(tmp_path: Path) -> None:
    text = """
    Resources:
      Loans:
        Type: AWS::Serverless::HttpApi
      Raw:
        Type: AWS::ApiGatewayV2::Api
    """
    # What an HTTP OpenAPI file is, each HTTP API of a template is: an HTTP-flavored source (check says AGW002).
    sources, errors = load_all(write(tmp_path, "http.yaml", text))
    assert errors == []
    assert [(s.api_name, s.kind, s.flavor) for s in sources] == [("Loans", "sam", "http"), ("Raw", "sam", "http")]


def test_template_without_any_api(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "t.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"))
    assert isinstance(err, NotAnApiError)
    assert err.reason.startswith("no API in this template")


def test_sam_api_without_definition_body(tmp_path: Path) -> None:
    text = """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Api:
        Type: AWS::Serverless::Api
        Properties:
          StageName: prod
    """
    err = load_error(write(tmp_path, "sam.yaml", text))
    assert "has no inline OpenAPI definition (DefinitionBody)" in err.reason
    assert (err.line, err.column) == (3, 3)


def test_sam_definition_uri_in_s3(tmp_path: Path) -> None:
    text = """
    Resources:
      Api:
        Type: AWS::Serverless::Api
        Properties:
          DefinitionUri: {Bucket: my-bucket, Key: api.yaml}
    """
    err = load_error(write(tmp_path, "sam.yaml", text))
    assert "keeps its OpenAPI definition in S3 (DefinitionUri)" in err.reason
    assert err.line == 5


def test_sam_definition_uri_local_file(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "openapi.yaml").write_text((FIXTURES / "clean.oas30.yaml").read_text())
    text = """
    Resources:
      Api:
        Type: AWS::Serverless::Api
        Properties:
          DefinitionUri: api/openapi.yaml
    """
    src = load(write(tmp_path, "sam.yaml", text))
    assert (src.kind, src.api_name, src.template_pointer) == ("sam", "Api", "/Resources/Api/Properties")
    assert src.path.endswith("openapi.yaml")


def test_aws_include_body(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text((FIXTURES / "clean.oas30.yaml").read_text())
    text = """
    Resources:
      Api:
        Type: AWS::Serverless::Api
        Properties:
          DefinitionBody:
            Fn::Transform:
              Name: AWS::Include
              Parameters:
                Location: {loc}
    """
    assert load(write(tmp_path, "sam.yaml", text.replace("{loc}", "openapi.yaml"))).spec == "oas3"
    err = load_error(write(tmp_path, "s3.yaml", text.replace("{loc}", "s3://bucket/openapi.yaml")))
    assert "includes its OpenAPI definition from s3://bucket/openapi.yaml (AWS::Include)" in err.reason
    assert err.line == 9


def test_bundle_with_api_flag_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="this file is a bundle"):
        load(FIXTURES / "bookstore.bundle.json", api="X")


def test_broken_bundle_names_the_place(tmp_path: Path) -> None:
    bundle = json.loads((FIXTURES / "bookstore.bundle.json").read_text())
    bundle["usagePlans"][0]["apiKeys"][0]["value"] = "secret"
    err = load_error(write(tmp_path, "b.json", json.dumps(bundle, indent=2)))
    assert "/usagePlans/0/apiKeys/0" in err.reason
    assert err.line is not None


# --- Terraform -------------------------------------------------------------------------------------


def test_terraform_placeholders_quoted_and_unquoted(tmp_path: Path) -> None:
    text = """
    {
      "openapi": "3.0.1",
      "info": {"title": "${name}", "version": "1"},
      "paths": {
        "/a": {
          "get": {
            "x-amazon-apigateway-integration": {
              "type": "aws_proxy",
              "uri": "arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${fn_arn}/invocations",
              "timeoutInMillis": ${timeout},
              "x-list": [${first}, "b"]
            }
          }
        }
      }
    }
    """
    src = load(write(tmp_path, "api.json.tpl", text))
    assert src.kind == "terraform"
    integ = src.api["paths"]["/a"]["get"]["x-amazon-apigateway-integration"]
    assert integ["timeoutInMillis"] == "${timeout}"
    assert integ["x-list"] == ["${first}", "b"]
    assert "${fn_arn}" in integ["uri"]
    assert src.locate("/paths/~1a/get/x-amazon-apigateway-integration/timeoutInMillis") == (10, 11)


def test_terraform_directive_lines_are_blanked() -> None:
    text = '{\n%{ if enabled }\n"a": ${x}\n%{ endif }\n}\n'
    assert json.loads(quote_placeholders(text)) == {"a": "${x}"}


def test_placeholders_in_a_plain_json_file_still_error_when_broken(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, "api.json", '{"openapi": "3.0.1", "paths": {"a": ${x} ${y}}}'))
    assert "not valid JSON" in err.reason


# --- several inputs --------------------------------------------------------------------------------


def test_expand_inputs_walks_directories_sorted(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.json", "a.yaml", "sub/c.yml", "d.tpl", "notes.txt"):
        (tmp_path / name).write_text("{}")
    files = expand_inputs([str(tmp_path), "x.json"])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files[:-1]] == ["a.yaml", "b.json", "d.tpl", "sub/c.yml"]
    assert files[-1] == "x.json"


def test_expand_inputs_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory holds no"):
        expand_inputs([str(tmp_path)])


def test_load_many_fixtures() -> None:
    sources = load_many([str(FIXTURES / "clean.oas30.yaml"), str(FIXTURES / "orders.swagger2.yaml")])
    assert [s.kind for s in sources] == ["oas3", "swagger2"]


# --- parse and read_text directly ------------------------------------------------------------------


def test_parse_picks_json_or_yaml() -> None:
    assert parse('{"a": 1}').document == {"a": 1}
    assert parse("a: 1").document == {"a": 1}
    assert parse("  [1]").document == [1]


def test_read_text_strips_the_bom(tmp_path: Path) -> None:
    p = write(tmp_path, "x.yaml", b"\xef\xbb\xbfa: 1\n")
    assert read_text(p) == "a: 1\n"
