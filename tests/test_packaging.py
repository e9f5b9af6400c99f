"""The package layout: every folder with an __init__.py ships, and start-up stays light."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from conftest import ROOT

ROOTS = {"migrate": "apigw_migrate", "checks": "apigw_migrate.checks", "transforms": "apigw_migrate.transforms"}


def declared_packages() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return set(data["tool"]["setuptools"]["packages"])


def package_folders() -> set[str]:
    found = set()
    for folder, name in ROOTS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([name, *rel.parts]))
    return found


def test_every_package_folder_is_listed_in_pyproject():
    missing = package_folders() - declared_packages()
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


def test_package_dir_maps_the_three_top_level_folders():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["tool"]["setuptools"]["package-dir"] == {v: k for k, v in ROOTS.items()}


def test_modules_import_under_the_apigw_migrate_name():
    import apigw_migrate.checks
    import apigw_migrate.transforms

    assert apigw_migrate.checks.__name__ == "apigw_migrate.checks"
    assert apigw_migrate.transforms.__name__ == "apigw_migrate.transforms"


def test_help_does_not_import_boto3():
    code = (
        "import sys\n"
        "from apigw_migrate.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('boto3', 'botocore', 'openapi_spec_validator', 'moto', 'deepdiff') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY=" in out
    assert out.strip().splitlines()[-1] == "HEAVY=", f"--help imported {out.strip().splitlines()[-1]}"


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "apigw_migrate", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("apigw-migrate ")
