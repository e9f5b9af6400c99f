"""The report formats: json schema, SARIF 2.1.0 structure, the terminal table, markdown."""

from __future__ import annotations

import json
from pathlib import Path

from apigw_migrate.checks import ALL_RULES, run_checks
from apigw_migrate.load import load
from apigw_migrate.render import render

DATA = Path(__file__).parent / "data" / "checks"


def report(*names: str):
    return run_checks([load(DATA / n) for n in names])


def test_json_schema_is_stable():
    doc = json.loads(render(report("oas3_rest.yaml"), "json"))
    assert doc["schemaVersion"] == 1
    assert set(doc) == {"schemaVersion", "tool", "apis", "errors", "summary"}
    api = doc["apis"][0]
    assert set(api) == {"api", "file", "kind", "flavor", "verdict", "summary", "routes", "movableRoutes", "blockedRoutes", "findings", "ignored"}
    assert set(api["findings"][0]) == {"rule", "severity", "message", "alternative", "pointer", "file", "line", "column", "routes", "api"}
    assert api["summary"]["routes"] == {"ready": 1, "needs-change": 5, "blocked": 6}
    assert set(doc["summary"]) == {"apis", "errors", "verdicts", "findings", "ignored", "blockersByRule"}


def test_json_is_deterministic():
    assert render(report("swagger2_auth.yaml"), "json") == render(report("swagger2_auth.yaml"), "json")


def test_sarif_structure():
    doc = json.loads(render(report("oas3_rest.yaml", "bundle_edge.json"), "sarif"))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r.id for r in ALL_RULES)
    agw201 = next(r for r in rules if r["id"] == "AGW201")
    assert agw201["help"]["markdown"].startswith("# api-key-required (AGW201)")
    assert agw201["defaultConfiguration"] == {"level": "error"}
    assert agw201["shortDescription"]["text"].startswith("Checks for")
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["AGW302"] == "error" and levels["AGW301"] == "warning" and levels["AGW313"] == "note"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"]
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
        assert result["message"]["text"]
    first = next(r for r in run["results"] if r["ruleId"] == "AGW302")
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 16, "startColumn": 9}
    assert first["properties"]["routes"] == ["PUT /table"]


def test_terminal_table_with_and_without_color():
    colored = render(report("oas3_rest.yaml"), "text", tty=True, color=True, width=200)
    assert "\x1b[" in colored and "blockers (6)" in colored and "┏" in colored
    plain = render(report("oas3_rest.yaml"), "text", tty=True, color=False, width=200)
    assert "\x1b[" not in plain and "blockers (6)" in plain and "AGW302" in plain


def test_markdown_lists_partial_routes_and_ignored():
    text = render(report("oas3_rest.yaml"), "markdown")
    assert "- **Can move now:**" in text and "`PUT /table`" in text
    assert text.count("| ⛔ |") == 6


def test_no_color_env_gives_plain_table_in_cli(cli, monkeypatch):
    import sys

    class Tty:
        def isatty(self):
            return True

    monkeypatch.setattr(sys.stdout, "isatty", Tty().isatty, raising=False)
    r = cli("check", str(DATA / "near_miss.yaml"), env={"NO_COLOR": "1"})
    assert r.code == 0
    assert "\x1b[" not in r.stdout
