"""`$ref` checking at load time, and `deref` afterwards."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from apigw_migrate.errors import InputError
from apigw_migrate.load import load
from apigw_migrate.refs import deref, iter_refs, split_ref


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def api_with(schema_ref: str, components: str = "") -> str:
    return f"""
    openapi: 3.0.1
    paths:
      /a:
        post:
          requestBody:
            content:
              application/json:
                schema:
                  $ref: '{schema_ref}'
          responses: {{}}
    {textwrap.indent(textwrap.dedent(components), "    ").strip()}
    """


def api_with_body_ref(ref: str, components: str = "") -> str:
    """A ref outside any schema (a request body given by reference): one that does not resolve refuses the file."""
    return f"""
    openapi: 3.0.1
    paths:
      /a:
        post:
          requestBody:
            $ref: '{ref}'
          responses: {{}}
    {textwrap.indent(textwrap.dedent(components), "    ").strip()}
    """


def ref_error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load(path)
    assert "\n" not in str(info.value)
    return info.value


def test_local_ref_resolves(tmp_path: Path) -> None:
    components = """
    components:
      schemas:
        Book: {type: object}
    """
    src = load(write(tmp_path / "api.yaml", api_with("#/components/schemas/Book", components)))
    schema = src.api["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert deref(src, schema) == {"type": "object"}


def test_unresolvable_local_ref_names_its_line(tmp_path: Path) -> None:
    p = write(tmp_path / "api.yaml", api_with_body_ref("#/components/requestBodies/Nope"))
    err = ref_error(p)
    assert err.reason == "$ref '#/components/requestBodies/Nope': cannot resolve: nothing at /components/requestBodies/Nope in api.yaml"
    assert (err.line, err.column) == (5, 7)  # the key holding the $ref


def test_unresolvable_ref_in_a_schema_is_recorded_not_refused(tmp_path: Path) -> None:
    src = load(write(tmp_path / "api.yaml", api_with("#/components/schemas/Nope")))
    [broken] = src.broken_refs
    assert broken.holder == "/paths/~1a/post/requestBody/content/application~1json/schema"
    assert broken.reason == "$ref '#/components/schemas/Nope': cannot resolve: nothing at /components/schemas/Nope in api.yaml"


def test_a_ref_broken_in_a_schema_still_refuses_where_it_is_used_outside_one(tmp_path: Path) -> None:
    text = api_with("#/components/parameters/P").replace("responses: {}", "parameters: [{$ref: '#/components/parameters/P'}]\n          responses: {}")
    err = ref_error(write(tmp_path / "api.yaml", text))
    assert "nothing at /components/parameters/P" in err.reason


def test_cyclic_ref_chain(tmp_path: Path) -> None:
    components = """
    components:
      schemas:
        A: {$ref: '#/components/schemas/B'}
        B: {$ref: '#/components/schemas/A'}
    """
    err = ref_error(write(tmp_path / "api.yaml", api_with_body_ref("#/components/schemas/A", components)))
    assert "cyclic" in err.reason


def test_recursive_schema_is_fine(tmp_path: Path) -> None:
    components = """
    components:
      schemas:
        Node:
          type: object
          properties:
            children: {type: array, items: {$ref: '#/components/schemas/Node'}}
    """
    src = load(write(tmp_path / "api.yaml", api_with("#/components/schemas/Node", components)))
    assert src.spec == "oas3"


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [
        ("schemas.yaml/#Address", "the part after '#' must be a JSON Pointer starting with '/'"),
        ("schemas/", "the file part ends with '/'"),
        ("#components/schemas/A", "must be a JSON Pointer starting with '/'"),
    ],
)
def test_malformed_refs(tmp_path: Path, ref: str, fragment: str) -> None:
    err = ref_error(write(tmp_path / "api.yaml", api_with_body_ref(ref)))
    assert "malformed" in err.reason and fragment in err.reason
    assert err.line == 5
    [broken] = load(write(tmp_path / "api.yaml", api_with(ref))).broken_refs
    assert "malformed" in broken.reason and fragment in broken.reason


def test_remote_ref_is_not_followed(tmp_path: Path) -> None:
    err = ref_error(write(tmp_path / "api.yaml", api_with_body_ref("https://example.org/schemas.json#/Book")))
    assert "remote references are not followed" in err.reason


def test_external_file_missing(tmp_path: Path) -> None:
    err = ref_error(write(tmp_path / "api" / "api.yaml", api_with_body_ref("../shared/schemas.yaml#/Book")))
    assert "cannot resolve: no such file" in err.reason
    assert str(tmp_path / "shared" / "schemas.yaml") in err.reason
    assert err.line == 5


def test_external_file_present_resolves_and_derefs(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "schemas.yaml", "Book:\n  $ref: '#/Inner'\nInner:\n  type: object\n  title: inner\n")
    src = load(write(tmp_path / "api" / "api.yaml", api_with("../shared/schemas.yaml#/Book")))
    assert str((tmp_path / "shared" / "schemas.yaml").resolve()) in src.external
    schema = src.api["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    # The ref inside schemas.yaml is read relative to schemas.yaml, not to the API.
    assert deref(src, schema) == {"type": "object", "title": "inner"}


def test_broken_ref_inside_an_external_file_names_that_file_and_line(tmp_path: Path) -> None:
    shared = write(tmp_path / "schemas.yaml", "Book:\n  type: object\n  properties:\n    a: {$ref: '#/Missing'}\n")
    err = ref_error(write(tmp_path / "api.yaml", api_with_body_ref("schemas.yaml#/Book")))
    assert err.path == str(shared.resolve())
    assert err.line == 4
    assert "nothing at /Missing" in err.reason


def test_unparsable_external_file(tmp_path: Path) -> None:
    write(tmp_path / "schemas.json", '{"Book": {,}}')
    err = ref_error(write(tmp_path / "api.yaml", api_with_body_ref("schemas.json#/Book")))
    assert err.path.endswith("schemas.json") and err.line == 1


def test_ref_in_a_template_body_is_located_in_the_template(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Api": {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {
                    "Body": {
                        "openapi": "3.0.1",
                        "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}},
                    }
                },
            }
        }
    }
    p = tmp_path / "cfn.json"
    p.write_text(json.dumps(template, indent=2))
    err = ref_error(p)
    assert err.line == 12
    # Local refs are relative to the API document, not to the template.
    template["Resources"]["Api"]["Properties"]["Body"]["components"] = {"responses": {"Nope": {"description": "x"}}}
    p.write_text(json.dumps(template, indent=2))
    assert load(p).kind == "cloudformation"


def test_iter_refs_and_split_ref() -> None:
    doc = {"a": {"$ref": "#/b"}, "l": [{"$ref": "x.yaml"}], "b": {}}
    assert list(iter_refs(doc)) == [("/a", "#/b"), ("/l/0", "x.yaml")]
    assert split_ref("x.yaml#/A/B") == ("x.yaml", "/A/B")
    assert split_ref("#/A") == ("", "/A")
    with pytest.raises(ValueError):
        split_ref("x.yaml#A")


def test_deref_leaves_plain_nodes_alone(tmp_path: Path) -> None:
    src = load(write(tmp_path / "api.yaml", "openapi: 3.0.1\npaths: {}\n"))
    assert deref(src, {"type": "string"}) == {"type": "string"}
    assert deref(src, "text") == "text"


def test_malformed_ref_is_reported_before_an_earlier_missing_file(tmp_path: Path) -> None:
    text = "openapi: 3.0.1\npaths:\n  /a: {$ref: 'missing.yaml#/A'}\n  /b: {$ref: 'x.yaml/#B'}\n"
    err = ref_error(write(tmp_path / "api.yaml", text))
    assert "malformed" in err.reason and err.line == 4


def test_first_unresolvable_ref_in_document_order(tmp_path: Path) -> None:
    text = "openapi: 3.0.1\npaths:\n  /a: {$ref: '#/x-one'}\n  /b: {$ref: '#/x-two'}\n"
    err = ref_error(write(tmp_path / "api.yaml", text))
    assert "x-one" in err.reason and err.line == 3
