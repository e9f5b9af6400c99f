"""Every module's doctests run, found by walking each package's own __path__.

`checks/` and `transforms/` are mapped under `apigw_migrate` by package-dir, so in an editable install
`apigw_migrate.__path__` holds only `migrate/`: a walk from it misses them. Each subpackage is walked
from its own `__path__`.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import apigw_migrate
import apigw_migrate.checks
import apigw_migrate.transforms

MODULES = sorted(
    {
        info.name
        for package in (apigw_migrate, apigw_migrate.checks, apigw_migrate.transforms)
        for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".")
        if not info.name.endswith("__main__")
    }
    | {"apigw_migrate.checks", "apigw_migrate.transforms"}
)


def test_the_walk_finds_all_three_folders():
    assert {"apigw_migrate.load", "apigw_migrate.checks.auth", "apigw_migrate.transforms.routes"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests_pass(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {name}"
