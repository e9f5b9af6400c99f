"""`apigw-migrate check`, `rules` and `rule` through the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "checks"


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A clean directory (no config file above it is picked up from the repository)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".apigw-migrate.toml").write_text("")
    return tmp_path


def copy(work: Path, name: str) -> str:
    shutil.copy(DATA / name, work / name)
    return str(work / name)


def test_text_output_when_not_a_tty_is_plain_and_exit_1_on_blockers(cli, work):
    r = cli("check", copy(work, "oas3_rest.yaml"))
    assert r.code == 1
    assert "oas3_rest.yaml:16:9: AGW302 [blocker] PUT /table: AWS integration to dynamodb PutItem" in r.stdout
    assert "    instead: Put a small Lambda function" in r.stdout
    assert "partial: some routes can move now" in r.stdout
    assert "  stay on REST: " in r.stdout and "PUT /table" in r.stdout
    assert r.stdout.rstrip().splitlines()[-1].startswith("1 API checked: 6 blockers, 19 warnings, 6 info")
    assert "\x1b[" not in r.stdout


def test_exit_0_when_only_warnings_and_fail_on_blocker(cli, work):
    r = cli("check", copy(work, "near_miss.yaml"))
    assert r.code == 0, r


@pytest.mark.parametrize("fail_on,code", [("blocker", 0), ("warning", 1), ("info", 1), ("never", 0)])
def test_fail_on(cli, work, fail_on, code):
    path = copy(work, "swagger2_auth.yaml")
    assert cli("check", path, "--select", "AGW1", "--ignore", "AGW104", "--fail-on", fail_on).code == code


def test_fail_on_info_with_only_info(cli, work):
    path = copy(work, "near_miss.yaml")
    assert cli("check", path, "--fail-on", "info").code == 1
    assert cli("check", path, "--fail-on", "warning").code == 0


def test_select_and_ignore_by_prefix_and_ignored_are_counted(cli, work):
    r = cli("check", copy(work, "swagger2_auth.yaml"), "--select", "AGW2", "--ignore", "AGW20", "--format", "json")
    doc = json.loads(r.stdout)
    api = doc["apis"][0]
    assert {f["rule"] for f in api["findings"]} == set()
    assert {f["rule"] for f in api["ignored"]} == {"AGW201", "AGW203", "AGW204", "AGW205", "AGW206", "AGW207", "AGW208", "AGW209"}
    assert all(f["ignoredBy"] == "ignore" for f in api["ignored"])
    assert doc["summary"]["ignored"] == len(api["ignored"])
    assert r.code == 0


def test_unknown_rule_id_is_a_usage_error(cli, work):
    r = cli("check", copy(work, "near_miss.yaml"), "--ignore", "AGW2O1")
    assert r.code == 2
    assert "unknown rule id" in r.stderr and "Traceback" not in r.stderr


def test_config_file_ignore_at_and_fail_on(cli, work):
    path = copy(work, "oas3_rest.yaml")
    (work / ".apigw-migrate.toml").write_text(
        'fail-on = "never"\nignore = ["AGW821"]\n[[ignore-at]]\nrule = "AGW3"\npointer = "/paths/~1table*"\n'
    )
    r = cli("check", path, "--format", "json")
    assert r.code == 0
    api = json.loads(r.stdout)["apis"][0]
    ignored = {(f["rule"], f["ignoredBy"]) for f in api["ignored"]}
    assert ignored == {("AGW821", "ignore"), ("AGW302", "ignore-at /paths/~1table*")}
    # Set aside, a DynamoDB integration is out of the report, yet the route still cannot move: no HTTP
    # API integration can call DynamoDB (AGW302 stays blocked; an acknowledged loss would not).
    assert api["routes"][1] == {"route": "PUT /table", "verdict": "blocked"}
    text = cli("check", path).stdout
    assert "2 ignored" in text


def test_config_option_and_config_in_pyproject(cli, work, tmp_path):
    path = copy(work, "near_miss.yaml")
    cfg = tmp_path / "elsewhere.toml"
    cfg.write_text('[tool.apigw-migrate]\nfail-on = "info"\n')
    assert cli("check", path, "--config", str(cfg)).code == 1
    (work / ".apigw-migrate.toml").unlink()
    (work / "pyproject.toml").write_text('[tool.apigw-migrate]\nfail-on = "info"\n')
    assert cli("check", path).code == 1
    assert cli("check", path, "--fail-on", "blocker").code == 0


def test_bad_config_is_exit_2(cli, work):
    (work / ".apigw-migrate.toml").write_text('ignore = ["NOPE"]\n')
    r = cli("check", copy(work, "near_miss.yaml"))
    assert r.code == 2 and "unknown rule id 'NOPE'" in r.stderr


def test_inline_ignore(cli, work):
    text = (DATA / "oas3_rest.yaml").read_text().replace(
        "  /table:\n    put:\n", "  /table:\n    x-apigw-migrate-ignore: [AGW302]\n    put:\n"
    )
    (work / "api.yaml").write_text(text)
    r = cli("check", str(work / "api.yaml"), "--format", "json")
    api = json.loads(r.stdout)["apis"][0]
    assert "AGW302" not in {f["rule"] for f in api["findings"]}
    assert [(f["rule"], f["ignoredBy"]) for f in api["ignored"]] == [("AGW302", "x-apigw-migrate-ignore at /paths/~1table")]


def test_several_inputs_a_directory_and_an_unreadable_file(cli, work):
    folder = work / "estate"
    folder.mkdir()
    for name in ("near_miss.yaml", "bundle_private.json", "http.yaml"):
        shutil.copy(DATA / name, folder / name)
    (folder / "broken.json").write_text("{nope")
    r = cli("check", str(folder), "--format", "json")
    assert r.code == 2
    assert r.stderr.count("error: ") == 1 and "broken.json:1:2: not valid JSON" in r.stderr
    doc = json.loads(r.stdout)
    assert doc["summary"]["apis"] == 3
    assert doc["summary"]["verdicts"] == {"partial": 0, "ready": 2, "ready-with-changes": 0, "stay-on-rest": 1}
    assert doc["summary"]["blockersByRule"] == {"AGW102": 1, "AGW103": 1}
    assert doc["errors"] == [{"file": str(folder / "broken.json"), "message": f"{folder / 'broken.json'}:1:2: not valid JSON: Expecting property name enclosed in double quotes"}]


def test_estate_summary_in_text(cli, work):
    r = cli("check", copy(work, "near_miss.yaml"), copy(work, "bundle_private.json"))
    assert r.code == 1
    assert "estate: 1 ready, 1 stay-on-rest" in r.stdout
    assert "blockers by rule: AGW102 ×1, AGW103 ×1" in r.stdout


def test_single_unreadable_file_is_one_line_exit_2(cli, work):
    (work / "x.json").write_text("[1,")
    r = cli("check", str(work / "x.json"))
    assert r.code == 2 and r.stdout == ""
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1


def test_output_file_and_markdown(cli, work):
    out = work / "report.md"
    r = cli("check", copy(work, "bundle_edge.json"), "--format", "markdown", "-o", str(out))
    assert r.code == 1 and r.stdout == ""
    text = out.read_text()
    assert text.startswith("## apigw-migrate check")
    # Absolute rule links: a relative one would resolve against the pull request's URL.
    assert "| ⛔ | [AGW105](https://github.com/apigw-migrate/apigw-migrate/blob/main/docs/rules/AGW105.md) | `bundle_edge.json:95:5` | (whole API) |" in text


def test_api_option_picks_a_template_api(cli, work):
    r = cli("check", copy(work, "sam.yaml"), "--api", "ShopApi", "--format", "json", "--fail-on", "never")
    assert r.code == 0
    assert json.loads(r.stdout)["apis"][0]["api"].endswith("#ShopApi")
    r = cli("check", copy(work, "sam.yaml"), "--api", "Nope")
    assert r.code == 2


def test_max_bytes(cli, work):
    r = cli("check", copy(work, "near_miss.yaml"), "--max-bytes", "10")
    assert r.code == 2 and "cap" in r.stderr


def test_rules_lists_every_rule(cli):
    from apigw_migrate.checks import ALL_RULES

    r = cli("rules")
    assert r.code == 0
    lines = r.stdout.splitlines()
    assert len(lines) == len(ALL_RULES)
    assert lines[0].startswith("AGW000  warning  internal-error")
    assert any(l.startswith("AGW201  blocker  api-key-required") and "Checks for methods that require an API key" in l for l in lines)


def test_rule_prints_the_docs(cli):
    r = cli("rule", "AGW201")
    assert r.code == 0
    assert r.stdout.startswith("# api-key-required (AGW201)")
    for section in ("## What it does", "## Why it matters on HTTP APIs", "## Example", "Use instead:", "## Migration", "## References"):
        assert section in r.stdout
    assert cli("rule", "api-key-required").stdout == r.stdout
    assert r.stdout == (Path(__file__).parent.parent / "docs" / "rules" / "AGW201.md").read_text().split("\n", 2)[2]


def test_unknown_rule_suggests_close_matches(cli):
    r = cli("rule", "AGW29")
    assert r.code == 2
    assert "unknown rule 'AGW29'; did you mean" in r.stderr and "AGW209" in r.stderr


def test_check_help_teaches(cli):
    r = cli("check", "--help")
    assert r.code == 0
    for text in ("--fail-on", "--select", "x-apigw-migrate-ignore", "Exit codes"):
        assert text in r.stdout
