"""The bundle shape: schema, documentation, writing and reading back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from apigw_migrate import bundle
from apigw_migrate.errors import InputError
from apigw_migrate.load import load

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "bundle.md"


def schema_paths(node: dict, prefix: str = "") -> list[str]:
    paths = []
    for name, child in (node.get("properties") or {}).items():
        path = f"{prefix}.{name}" if prefix else name
        paths.append(path)
        paths.extend(schema_paths(child, path))
    if isinstance(node.get("items"), dict):
        paths.extend(schema_paths(node["items"], prefix + "[]"))
    return paths


def test_every_schema_property_is_documented():
    documented = set(re.findall(r"`([A-Za-z0-9_.\[\]]+)`", DOC.read_text(encoding="utf-8")))
    paths = schema_paths(bundle.schema())
    assert len(paths) > 100
    missing = [p for p in paths if p not in documented]
    assert missing == []


def minimal(**extra) -> dict:
    doc = bundle.new_bundle("a1b2c3d4e5", "prod", {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}}, "resources")
    doc.update(extra)
    return doc


def test_new_bundle_validates():
    bundle.validate(minimal(notes=["yes"], usagePlans=[{"id": "p", "name": "n", "apiKeys": [{"id": "k", "enabled": True}]}]), "b.json")


def test_an_api_key_value_is_refused_by_the_schema():
    with pytest.raises(InputError, match=r"/usagePlans/0/apiKeys/0"):
        bundle.validate(minimal(usagePlans=[{"id": "p", "name": "n", "apiKeys": [{"id": "k", "value": "secret"}]}]), "b.json")


def test_write_is_atomic_and_round_trips_json_and_yaml(tmp_path):
    # Strings YAML 1.1 would read as booleans or dates must come back as strings.
    doc = minimal(notes=["yes", "on", "2024-01-01", "line one\nline two", "ünïcode"])
    for name in ("b.json", "b.yaml", "b.yml"):
        path = tmp_path / name
        bundle.write(doc, path)
        assert load(path).bundle == doc
    assert (tmp_path / "b.yaml").read_text().startswith("apiVersion: apigw-migrate/v1\nkind: RestApiBundle\n")
    assert json.loads((tmp_path / "b.json").read_text())["notes"][0] == "yes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.json", "b.yaml", "b.yml"]


def test_write_replaces_an_existing_file_and_honours_an_explicit_format(tmp_path):
    path = tmp_path / "b.json"
    path.write_text("old")
    bundle.write(minimal(), path, "yaml")
    assert path.read_text().startswith("apiVersion:")


def test_write_to_a_missing_directory_is_an_input_error(tmp_path):
    target = tmp_path / "nope" / "b.json"
    with pytest.raises(InputError) as e:
        bundle.write(minimal(), target)
    assert str(e.value).startswith(f"{target}: cannot write the bundle")
    assert e.value.exit_code == 2


def test_wrong_api_version_is_named(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps(minimal(apiVersion="apigw-migrate/v9")))
    with pytest.raises(InputError, match="unsupported bundle: apiVersion 'apigw-migrate/v9'"):
        load(path)


def test_broken_bundle_points_at_line_and_field(tmp_path):
    doc = minimal()
    doc["metadata"]["stage"] = ""
    path = tmp_path / "b.json"
    bundle.write(doc, path)
    with pytest.raises(InputError) as e:
        load(path)
    assert "not a valid bundle at /metadata/stage" in str(e.value)
    assert e.value.line is not None
