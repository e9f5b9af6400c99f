"""RFC 6901 JSON Pointers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apigw_migrate import pointer as jp


def test_escape_order_matters() -> None:
    # "~1" in a key must survive: "~" is escaped first.
    assert jp.escape("a/b~1") == "a~1b~01"
    assert jp.unescape("a~1b~01") == "a/b~1"


def test_join_and_split() -> None:
    ptr = jp.join("/paths", "/books/{id}", "get")
    assert ptr == "/paths/~1books~1{id}/get"
    assert jp.split(ptr) == ["paths", "/books/{id}", "get"]
    assert jp.join("", 0, "a") == "/0/a"
    assert jp.split("") == []
    assert jp.split("/") == [""]


def test_split_rejects_non_pointers() -> None:
    with pytest.raises(ValueError, match="not a JSON Pointer"):
        jp.split("paths/x")


def test_parent_and_ancestors() -> None:
    assert jp.parent("/a/b~1c") == "/a"
    assert jp.parent("/a") == ""
    assert jp.parent("") == ""
    assert list(jp.ancestors("/a/b")) == ["/a/b", "/a", ""]


def test_resolve() -> None:
    doc = {"paths": {"/a": {"get": {"tags": ["x", "y"]}}}, "": {"empty": 1}}
    assert jp.resolve(doc, "/paths/~1a/get/tags/1") == "y"
    assert jp.resolve(doc, "//empty") == 1
    assert jp.resolve(doc, "") is doc
    assert jp.resolve(doc, "/paths/~1a/get/tags/2", None) is None
    assert jp.resolve(doc, "/paths/~1a/get/tags/-1", "missing") == "missing"
    with pytest.raises(KeyError):
        jp.resolve(doc, "/nope")


@given(st.lists(st.one_of(st.text(), st.integers(min_value=0, max_value=10**6)), max_size=6))
def test_join_split_round_trip(tokens: list) -> None:
    assert jp.split(jp.join("", *tokens)) == [str(t) for t in tokens]


@given(st.recursive(st.integers(), lambda c: st.dictionaries(st.text(max_size=5), c, max_size=3), max_leaves=10))
def test_every_joined_path_resolves(doc) -> None:
    def walk(node, ptr):
        yield ptr, node
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, jp.join(ptr, k))

    for ptr, node in walk(doc, ""):
        assert jp.resolve(doc, ptr) == node
