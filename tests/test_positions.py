"""JSON Pointer → (line, column) for JSON and YAML, the same way for both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apigw_migrate.load import load, parse
from apigw_migrate.openapi import iter_operations
from apigw_migrate.positions import DuplicateKey, JsonLocator, PositionIndex, json_positions

from conftest import FIXTURES

JSON_TEXT = """{
  "openapi" : "3.0.1",
  "paths" : {
    "/books/{id}" : {
      "get" : {
        "parameters" : [ { "name" : "id" },
          { "name" : "x~y" } ],
        "x-amazon-apigateway-integration" : { "type" : "mock" }
      }
    },
    "a/b~c" : { },
    "esc\\"aped" : 1
  }
}
"""

YAML_TEXT = """openapi: 3.0.1
paths:
  /books/{id}:
    get:
      parameters:
      - name: id
      -   name: x~y
      x-amazon-apigateway-integration: {type: mock}
  a/b~c: {}
  'esc"aped': 1
"""

EXPECTED = {
    "": (1, 1),
    "/openapi": (2, 3),
    "/paths/~1books~1{id}/get": (5, 7),
    "/paths/~1books~1{id}/get/parameters/0": (6, 26),
    "/paths/~1books~1{id}/get/parameters/1": (7, 11),
    "/paths/~1books~1{id}/get/parameters/1/name": (7, 13),
    "/paths/~1books~1{id}/get/x-amazon-apigateway-integration/type": (8, 47),
    "/paths/a~1b~0c": (11, 5),
    '/paths/esc"aped': (12, 5),
}
YAML_EXPECTED = {
    "": (1, 1),
    "/openapi": (1, 1),
    "/paths/~1books~1{id}/get": (4, 5),
    "/paths/~1books~1{id}/get/parameters/0": (6, 9),
    "/paths/~1books~1{id}/get/parameters/1": (7, 11),
    "/paths/~1books~1{id}/get/parameters/1/name": (7, 11),
    "/paths/~1books~1{id}/get/x-amazon-apigateway-integration/type": (8, 41),
    "/paths/a~1b~0c": (9, 3),
    '/paths/esc"aped': (10, 3),
}


def test_json_table() -> None:
    table = json_positions(JSON_TEXT)
    for pointer, position in EXPECTED.items():
        assert table[pointer] == position, pointer


def test_yaml_table() -> None:
    positions = parse(YAML_TEXT, "x.yaml").positions
    for pointer, position in YAML_EXPECTED.items():
        if pointer:
            assert positions.exact(pointer) == position, pointer


def test_json_and_yaml_agree_on_which_pointers_exist() -> None:
    json_table = json_positions(JSON_TEXT)
    yaml_parsed = parse(YAML_TEXT, "x.yaml")
    # Every node of the document has a place in both tables.
    assert set(json_table) - {""} == set(yaml_parsed.positions._table)


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    index = PositionIndex(json_positions(JSON_TEXT))
    assert index.locate("/paths/~1books~1{id}/get/responses/200") == (5, 7)
    assert index.exact("/paths/~1books~1{id}/get/responses/200") is None
    assert index.locate("/nothing/here") == (1, 1)


def test_duplicate_key_position() -> None:
    with pytest.raises(DuplicateKey) as info:
        json_positions('{"a": {"b": 1,\n "b": 2}}')
    assert (info.value.key, info.value.position) == ("b", (2, 2))


def test_commas_and_brackets_inside_strings_do_not_confuse_the_scanner() -> None:
    text = '{"a": "x, y: [z] {w}", "b": ["\\"]", {"c": 1}]}'
    table = json_positions(text)
    assert table["/b/1"] == (1, 37)
    assert table["/b/1/c"] == (1, 38)
    assert json.loads(text)["b"][1] == {"c": 1}


@pytest.mark.parametrize("name", ["bookstore.oas30.json", "orders.swagger2.yaml"])
def test_every_operation_of_a_fixture_is_located_exactly(name: str) -> None:
    src = load(FIXTURES / name)
    lines = (FIXTURES / name).read_text().splitlines()
    for op in iter_operations(src):
        line, column = src.positions.exact(op.pointer)
        method_key = op.method
        assert lines[line - 1][column - 1 :].lstrip('"').startswith(method_key), (op.route_key, line)


def test_positions_inside_a_sam_definition_body() -> None:
    src = load(FIXTURES / "sam-template.yaml", api="StaffApi")
    pointer = "/Resources/StaffApi/Properties/DefinitionBody/paths/~1members~1{memberId}/get"
    assert src.api_pointer("/paths/~1members~1{memberId}/get") == pointer
    line, column = src.locate(pointer)
    assert (FIXTURES / "sam-template.yaml").read_text().splitlines()[line - 1].strip() == "get:"
    assert column == 13
    integration = pointer + "/x-amazon-apigateway-integration/uri"
    assert src.locate(integration)[0] == line + 15


def test_positions_inside_a_cloudformation_json_body() -> None:
    src = load(FIXTURES / "cloudformation.json")
    pointer = src.api_pointer("/paths/~1forecast~1{city}/get/security/0/station-token")
    line, column = src.locate(pointer)
    text_line = (FIXTURES / "cloudformation.json").read_text().splitlines()[line - 1]
    assert text_line[column - 1 :].startswith('"station-token"')


def test_positions_in_a_bundle_point_into_openapi() -> None:
    src = load(FIXTURES / "bookstore.bundle.json")
    pointer = src.api_pointer("/paths/~1books~1{bookId}~1cover/get/x-amazon-apigateway-integration/tlsConfig")
    assert pointer.startswith("/openapi/paths/")
    line, column = src.locate(pointer)
    assert (FIXTURES / "bookstore.bundle.json").read_text().splitlines()[line - 1][column - 1 :].startswith('"tlsConfig"')


def test_positions_of_a_terraform_template_with_unquoted_placeholders(tmp_path: Path) -> None:
    src = load(FIXTURES / "terraform.json.tpl")
    pointer = "/paths/~1tickets~1{ticketId}/get/x-amazon-apigateway-integration/timeoutInMillis"
    line, column = src.locate(pointer)
    assert (FIXTURES / "terraform.json.tpl").read_text().splitlines()[line - 1][column - 1 :] == '"timeoutInMillis": ${timeout}'


def test_loading_a_valid_json_file_reads_no_position_until_asked() -> None:
    src = load(FIXTURES / "bookstore.oas30.json")
    assert src.positions._locator.indexed == 0
    assert src.locate(src.api_pointer("/paths/~1status/get")) is not None
    assert src.positions._locator.indexed > 0


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_the_lazy_json_locator_agrees_with_the_full_scan_on_every_node(name: str) -> None:
    text = (FIXTURES / name).read_text()
    locator = JsonLocator(text)
    for pointer, position in json_positions(text).items():
        assert locator.exact(pointer) == position, pointer


def test_the_lazy_json_locator_answers_none_for_what_is_not_there() -> None:
    locator = JsonLocator(JSON_TEXT)
    assert locator.exact("/paths/~1nope") is None
    assert locator.exact("/paths/~1books~1{id}/get/parameters/9") is None
    assert locator.exact("/paths/~1books~1{id}/get/parameters/x") is None
    assert locator.locate("/paths/~1books~1{id}/get/responses/200/x") == (5, 7)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_locating_many_pointers_at_once_agrees_with_one_at_a_time(name: str) -> None:
    text = (FIXTURES / name).read_text()
    pointers = list(json_positions(text)) + ["/nothing/here", "/paths/~1nope/get", "/info/title/9"]
    batch = JsonLocator(text).locate_many(pointers)
    single = JsonLocator(text)
    assert batch == {p: single.locate(p) for p in pointers}


def test_locating_many_in_yaml_uses_the_table() -> None:
    positions = parse(YAML_TEXT, "x.yaml").positions
    pointers = ["/paths/~1books~1{id}/get/parameters/1/name", "/paths/~1books~1{id}/get/responses/200"]
    assert positions.locate_many(pointers) == {p: positions.locate(p) for p in pointers}


def test_may_hold_key_is_false_only_when_no_object_has_the_key() -> None:
    json_index = parse(JSON_TEXT, "x.json").positions
    yaml_index = parse(YAML_TEXT, "x.yaml").positions
    for index in (json_index, yaml_index):
        assert index.may_hold_key("x-amazon-apigateway-integration")
        assert not index.may_hold_key("x-apigw-migrate-ignore")
