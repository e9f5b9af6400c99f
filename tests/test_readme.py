"""The README's quick start runs as written: two set-up commands, each complete on a fresh machine; the
first installs only the demo extra and runs the demo, which exits 0 and leaves its files in the folder."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from conftest import ROOT


def quick_start_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.S)


def test_the_quick_start_has_exactly_a_demo_command_and_a_test_command():
    first, second = quick_start_blocks()
    for block in (first, second):
        assert block.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install -e ")
    assert "pip install -e '.[demo]'" in first and "[test]" not in first
    assert first.rstrip().endswith("apigw-migrate demo")
    assert "pip install -e '.[test]'" in second and second.rstrip().endswith("pytest")


def test_the_quick_start_command_works(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # a fresh folder: the demo finds its sample beside the package, not in the cwd
    command = quick_start_blocks()[0].split("&&")[-1].strip()
    args = shlex.split(command)
    assert args[0] == "apigw-migrate"
    result = cli(*args[1:])
    assert result.code == 0, result
    listed = result.stdout.rstrip().splitlines()[-1].strip()
    assert Path(listed).parent == Path("apigw-migrate-demo") and (tmp_path / listed).is_file()
    assert (tmp_path / "apigw-migrate-demo" / "report.html").is_file()
