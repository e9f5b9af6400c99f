"""The README's quick start runs as written: its `apigw-migrate` command exits 0 on a fresh checkout."""

from __future__ import annotations

import re
import shlex

from conftest import ROOT


def quick_start_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.S)


def test_the_quick_start_has_an_install_and_run_command_and_a_test_command():
    first, second = quick_start_blocks()
    assert "pip install -e '.[test]'" in first and "apigw-migrate " in first
    assert "pip install -e '.[test]'" in second and second.rstrip().endswith("pytest")


def test_the_quick_start_command_works(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    command = quick_start_blocks()[0].split("&&")[-1].strip()
    args = shlex.split(command)
    assert args[0] == "apigw-migrate"
    result = cli(*args[1:])
    assert result.code == 0, result
    assert "1 API checked" in result.stdout


def readme_plans() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Cutover plans", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.*?)\n```", section, re.S)


def test_the_readme_has_one_valid_plan_per_strategy():
    from apigw_migrate.cutover import planfile

    plans = [planfile.loads(text, f"README.md plan {i + 1}").plan for i, text in enumerate(readme_plans())]
    assert sorted(p.strategy for p in plans) == ["cloudfront", "path", "route53"]
