"""The report formats: json schema, SARIF 2.1.0 structure, the terminal table, markdown."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from apigw_migrate.checks import ALL_RULES, run_checks
from apigw_migrate.load import load
from apigw_migrate.render import render, short_location

DATA = Path(__file__).parent / "data" / "checks"


def report(*names: str):
    return run_checks([load(DATA / n) for n in names])


def test_json_schema_is_stable():
    doc = json.loads(render(report("oas3_rest.yaml"), "json"))
    assert doc["schemaVersion"] == 1
    assert set(doc) == {"schemaVersion", "tool", "apis", "errors", "skipped", "summary"}
    api = doc["apis"][0]
    assert set(api) == {"api", "file", "kind", "flavor", "verdict", "summary", "routes", "movableRoutes", "blockedRoutes", "findings", "ignored"}
    assert set(api["findings"][0]) == {"rule", "severity", "message", "alternative", "pointer", "file", "line", "column", "routes", "api"}
    assert api["summary"]["routes"] == {"ready": 1, "needs-change": 5, "blocked": 6}
    assert set(doc["summary"]) == {"apis", "errors", "skipped", "verdicts", "findings", "ignored", "blockersByRule"}


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


def _check_on_a_terminal(monkeypatch, no_color: bool, columns: int = 200, *args: str) -> str:
    from apigw_migrate.cli import main

    monkeypatch.setenv("COLUMNS", str(columns))
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    out = _Terminal()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exited:
        main(["check", str(DATA / "oas3_rest.yaml"), "--fail-on", "never", *args])
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


@pytest.mark.parametrize("term", ["dumb", "xterm-256color", None])
def test_the_table_does_not_depend_on_term(monkeypatch, term):
    if term is None:
        monkeypatch.delenv("TERM", raising=False)
    else:
        monkeypatch.setenv("TERM", term)
    text = render(report("oas3_rest.yaml"), "text", tty=True, color=False, width=200)
    assert "\x1b[" not in text and "┏" in text
    assert max(len(line) for line in text.splitlines()) == 200


def test_an_80_column_terminal_gets_one_line_per_finding_instead_of_a_broken_table(monkeypatch):
    text = _check_on_a_terminal(monkeypatch, True, 80)
    assert "┏" not in text and "│" not in text
    src = report("oas3_rest.yaml")
    for f in src.findings():
        # every rule id and file:line:col stays whole, on the line that starts the finding
        assert f"{f.rule} [{f.severity.value}]" in text and f"{f.line}:{f.column}: {f.rule}" in text


def test_a_table_that_fits_keeps_rule_ids_and_locations_whole():
    src = report("oas3_rest.yaml")
    width = next(w for w in range(60, 300) if __import__("apigw_migrate.render", fromlist=["x"]).table_fits(src, w))
    text = render(src, "text", tty=True, color=False, width=width)
    assert "┏" in text
    for f in src.findings():
        assert any(f.rule in line and short_location(f) in line for line in text.splitlines()), f


@pytest.mark.parametrize("tty", [False, True])
def test_show_lists_only_the_chosen_severities_and_the_summary_counts_all(tty):
    src = report("oas3_rest.yaml")
    full = render(src, "text", tty=tty, color=False, width=300)
    text = render(src, "text", tty=tty, color=False, width=300, show="blocker")
    assert "[warning]" not in text and "[info]" not in text and "warnings (" not in text
    assert "AGW302" in text
    assert text.splitlines()[-1] == full.splitlines()[-1] == "1 API checked: 6 blockers, 19 warnings, 6 info"
    assert "25 findings below blocker not shown (--show)" in text
    markdown = render(src, "markdown", show="warning")
    assert "| ℹ️ |" not in markdown and "| ⚠️ |" in markdown and "6 findings below warning not shown" in markdown


def test_show_on_the_command_line(cli):
    result = cli("check", str(DATA / "oas3_rest.yaml"), "--show", "blocker", "--fail-on", "never")
    assert result.code == 0
    assert "[warning]" not in result.stdout and "[blocker]" in result.stdout
    assert cli("check", str(DATA / "oas3_rest.yaml"), "--show", "loud").code == 2


def test_several_apis_are_listed_api_by_api(tmp_path):
    import shutil

    from test_load import SAM_TWO_APIS

    path = tmp_path / "two.yaml"
    path.write_text(SAM_TWO_APIS)
    shutil.copy(DATA / "oas3_rest.yaml", tmp_path / "one.yaml")
    from apigw_migrate.load import load_all

    src = run_checks(load_all(path)[0] + [load(tmp_path / "one.yaml")])
    for tty in (False, True):
        text = render(src, "text", tty=tty, color=False, width=300)
        lines = text.splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith((f"{path}#AdminApi", f"{path}#PublicApi", str(tmp_path / "one.yaml"))) and "finding" in line]
        assert len(starts) == 3, text
        # every finding sits under its own API's heading
        for a, start in zip(src.apis, starts):
            end = next((s for s in starts if s > start), len(lines))
            block = "\n".join(lines[start:end])
            assert a.api in lines[start]
            for f in a.findings:
                assert f.rule in block
