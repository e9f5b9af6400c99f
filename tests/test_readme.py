"""The README's quick start runs as written: two set-up commands, each complete on a fresh machine; the
first installs only the demo extra and runs the demo, which exits 0 and leaves its files in the folder."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

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


def test_pip_install_of_the_demo_extra_is_enough_for_the_quick_start_command(tmp_path):
    """The first command as written, in a fresh interpreter and folder, with every package that only the
    test extra brings made unimportable: the demo must not need them."""
    command = quick_start_blocks()[0].split("&&")[-1].strip()
    args = shlex.split(command)
    assert args[0] == "apigw-migrate"
    blocked = sorted(m for m, dists in packages_distributions().items()
                     if {normalize(d) for d in dists} & only_in_the_test_extra())
    assert "pytest" in blocked and "hypothesis" in blocked
    script = ("import sys\n"
              f"for name in {blocked!r}: sys.modules[name] = None\n"
              "from apigw_migrate.cli import main\n"
              "main(sys.argv[1:])\n")
    result = subprocess.run([sys.executable, "-c", script, *args[1:]], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result
    listed = result.stdout.rstrip().splitlines()[-1].strip()
    assert Path(listed).parent == Path("apigw-migrate-demo") and (tmp_path / listed).is_file()
    assert (tmp_path / "apigw-migrate-demo" / "report.html").is_file()


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def only_in_the_test_extra() -> set[str]:
    """The test extra's packages that the demo extra does not bring (cfn-lint comes with moto[server])."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]

    def names(requirements: list[str]) -> set[str]:
        return {normalize(re.match(r"[A-Za-z0-9_.-]+", r).group(0)) for r in requirements}

    return names(extras["test"]) - names(extras["demo"]) - {"cfn-lint"}
