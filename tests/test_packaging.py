"""The package layout: every folder with an __init__.py ships, and start-up stays light."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

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
    # Importing by a name always yields that __name__; what can go wrong is which folder answers it.
    import importlib.util

    for package, folder in (("apigw_migrate", "migrate"), ("apigw_migrate.checks", "checks"), ("apigw_migrate.transforms", "transforms")):
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.origin is not None, package
        assert Path(spec.origin).resolve() == ROOT / folder / "__init__.py", package


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


def test_commands_that_need_no_aws_do_not_import_boto3(tmp_path):
    fixture = str(ROOT / "fixtures" / "bookstore.oas30.json")
    http = str(tmp_path / "http.yaml")
    commands = [
        ["check", fixture],
        ["convert", fixture, "-o", http, "--on-blocked", "skip", "--ignore", "AGW104",
         "--vpc-link", "x7k2pq=vl-0bookstore,arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/covers/1/2"],
        ["diff", fixture, http],
        ["rules"],
        ["rule", "AGW201"],
        ["report", fixture, "--requests-per-month", "1000", "-o", str(tmp_path / "r.html")],
    ]
    for argv in commands:
        code = (
            "import contextlib, io, sys\n"
            "from apigw_migrate.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            f"    try:\n        main({argv!r})\n    except SystemExit as e:\n        status = e.code\n"
            "print(status, [m for m in ('boto3', 'botocore') if m in sys.modules])\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        assert out[0] in ("0", "1"), (argv, out)
        assert out[1:] == ["[]"], f"{argv[0]} imported {out[1:]}"


def test_wheel_ships_every_module_and_the_schema(tmp_path):
    """Build the wheel the way `pip install .` does, from a copy of the sources, and look inside."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ROOTS:
        shutil.copytree(ROOT / folder, src / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(src)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    [wheel] = (tmp_path / "dist").glob("apigw_migrate-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())

    expected = set()
    for folder, package in ROOTS.items():
        for f in (ROOT / folder).rglob("*"):
            shipped_kind = (
                f.suffix == ".py"
                or (f.suffix == ".json" and f.parent.name == "schemas")
                or (f.suffix == ".toml" and f.parent.name == "data")  # report's price list
            )
            if shipped_kind and "__pycache__" not in f.parts:
                expected.add("/".join([*package.split("."), *f.relative_to(ROOT / folder).parts]))
    assert "apigw_migrate/schemas/bundle.schema.json" in expected
    assert "apigw_migrate/data/prices.toml" in expected
    missing = sorted(expected - shipped)
    assert not missing, f"the wheel leaves out {missing}: list their packages in pyproject.toml"
