"""The report formats: json schema, SARIF 2.1.0 structure, the terminal table, markdown."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

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


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _check_on_a_terminal(monkeypatch, no_color: bool) -> str:
    from apigw_migrate.cli import main

    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    out = _Terminal()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exited:
        main(["check", str(DATA / "oas3_rest.yaml"), "--fail-on", "never"])
    assert exited.value.code == 0
    return out.getvalue()


def test_a_terminal_gets_a_colored_table_and_no_color_turns_the_color_off(monkeypatch):
    colored = _check_on_a_terminal(monkeypatch, no_color=False)
    plain = _check_on_a_terminal(monkeypatch, no_color=True)
    for text in (colored, plain):
        assert "blockers (6)" in text and any(c in text for c in "┃│┏")  # the table, not the plain lines
    assert "\x1b[" in colored
    assert "\x1b[" not in plain


def test_sarif_fingerprints_are_stable_and_unique():
    runs = [json.loads(render(report("oas3_rest.yaml", "bundle_edge.json"), "sarif"))["runs"][0] for _ in range(2)]
    prints = [[r["partialFingerprints"]["apigwMigrateFinding/v1"] for r in run["results"]] for run in runs]
    assert prints[0] == prints[1]
    assert len(set(prints[0])) == len(prints[0])


def test_sarif_uris_are_relative_to_the_repository_root(tmp_path, monkeypatch):
    import shutil

    (tmp_path / ".git").mkdir()
    (tmp_path / "apis").mkdir()
    (tmp_path / "elsewhere").mkdir()
    shutil.copy(DATA / "oas3_rest.yaml", tmp_path / "apis" / "oas3_rest.yaml")
    monkeypatch.chdir(tmp_path / "elsewhere")  # a relative-to-cwd uri would be ../apis/…
    run = json.loads(render(run_checks([load("../apis/oas3_rest.yaml")]), "sarif"))["runs"][0]
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "apis/oas3_rest.yaml", "uriBaseId": "%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_markdown_stays_within_a_comment_and_says_what_it_left_out(monkeypatch):
    import apigw_migrate.render as render_mod

    full = render(report("oas3_rest.yaml"), "markdown")
    monkeypatch.setattr(render_mod, "MARKDOWN_BUDGET", 2000)
    short = render(report("oas3_rest.yaml"), "markdown")
    assert len(short) < len(full)
    assert "more findings (the least severe) left out" in short
    # blockers are listed first, so the cut drops infos and warnings before them
    assert "| ⛔ |" in short and "| ℹ️ |" not in short
