"""`--help` as a user reads it: no Python types, plain argument names, and the README's exit codes."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

COMMANDS = ["", "export", "check", "convert", "diff", "rules", "rule"]


def help_text(cli, command: str) -> str:
    args = [command, "--help"] if command else ["--help"]
    result = cli(*args, env={"COLUMNS": "200"})
    assert result.code == 0, result
    return result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_python_types_or_braced_arguments(cli, command):
    text = help_text(cli, command)
    assert "Usage:" in text
    for marker in ("<bool>", "<str>", "<int", "<path>", "<list[", "{INPUT", "{REST_INPUT", "{ID"):
        assert marker not in text, f"{command} --help shows {marker}"
    assert not re.search(r"<(bool|str|int|float|path|list\[\w+\])\b", text), text


def test_check_usage_names_its_arguments_plainly(cli):
    text = help_text(cli, "check")
    assert "apigw-migrate check [OPTIONS] INPUT..." in text
    assert re.search(r"--output\s+-o\s+FILE\b", text)
    assert re.search(r"--format\s+-f\s+\[text\|json\|sarif\|markdown\]", text)


def readme_exit_codes() -> dict[int, str]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    return {int(code): meaning for code, meaning in re.findall(r"^\| (\d+) \| (.+?) \|$", section, re.M)}


def help_exit_codes(text: str) -> set[int]:
    paragraph = " ".join(text.split("Exit codes:", 1)[1].split("\n\n", 1)[0].replace("│", " ").split())
    return {int(code) for code in re.findall(r"(?:^|·)\s*(\d+)\s", paragraph)}


def test_help_and_the_readme_list_the_same_exit_codes(cli):
    from apigw_migrate.errors import ExitCode

    readme = readme_exit_codes()
    assert {int(c) for c in ExitCode} <= set(readme)
    assert help_exit_codes(help_text(cli, "")) == set(readme)
