"""End to end: each fixture against its own conversion. What diff reports removed must be exactly
what convert blocked (or a CORS preflight now answered by the CORS configuration)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import FIXTURES

from apigw_migrate.load import load
from apigw_migrate.transforms import ConvertOptions, convert
from test_iac_e2e import INPUTS


@pytest.mark.parametrize(("name", "api"), INPUTS)
def test_removed_routes_are_the_blocked_ones(cli, tmp_path, name, api):
    src = load(FIXTURES / name, api=api)
    result = convert(src, ConvertOptions(on_blocked="skip", jwt_audiences=("4example5client",)))
    http = tmp_path / "http.json"
    http.write_text(json.dumps(result.document))
    args = ["diff", str(FIXTURES / name), str(http), "--format", "json"] + (["--api", api] if api else [])
    run = cli(*args)
    assert run.code == 0, run
    report = json.loads(run.stdout)
    preflight = "preflight answered by the API-level CORS configuration"
    removed = {r["route"]: r["note"] for r in report["routes"] if r["status"] == "removed" and r["note"] != preflight}
    assert set(removed) == set(result.blocked_routes)
    # each blocked route says why, with the rule ids convert blocked it for
    for route, note in removed.items():
        assert note and note.startswith("cannot move to an HTTP API: "), (route, note)
        assert {f.rule for f in result.blocked_reasons[route]} <= set(re.findall(r"AGW\d{3}", note)), (route, note)
    assert [r["route"] for r in report["routes"] if r["status"] == "added"] == []
    for r in report["routes"]:
        if r["note"] == preflight:
            assert r["route"].startswith("OPTIONS ") and report["api"]["cors"]["http"] is not None
    text = cli(*args[:3], *args[5:]).stdout  # the text report, of the same API
    for route, note in removed.items():
        assert f"- {route}  ({note})" in text


def test_clean_fixture_converts_without_a_single_difference(cli, tmp_path):
    src = load(FIXTURES / "clean.oas30.yaml")
    http = tmp_path / "http.json"
    http.write_text(json.dumps(convert(src).document))
    report = json.loads(cli("diff", str(FIXTURES / "clean.oas30.yaml"), str(http), "-f", "json").stdout)
    assert report["summary"]["unchanged"] == report["summary"]["routes"] > 0
    assert report["api"]["cors"]["status"] == "unchanged"
