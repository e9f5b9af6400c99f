"""Golden files: the tests only compare; `python tests/update_goldens.py` rewrites them and shows the diff.

A test that wrote its golden file and then compared the output with it would pass whatever the code
does (a planted CORS bug once passed every CORS test that way), so writing is a separate command whose
diff a person reviews, and a test run asked to update fails instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

UPDATE_COMMAND = "python tests/update_goldens.py"


def dump(record: Any) -> str:
    return yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=120)


def assert_matches(golden: Path, record: Any) -> None:
    """`record` equals what `golden` holds (compared as YAML data, not as text)."""
    if os.environ.get("APIGW_MIGRATE_UPDATE_GOLDEN"):
        pytest.fail(f"tests never write golden files: run {UPDATE_COMMAND}, review its diff, then run the tests")
    if not golden.exists():
        pytest.fail(f"no golden output {golden.name}; create it with {UPDATE_COMMAND} and review it")
    assert yaml.safe_load(dump(record)) == yaml.safe_load(golden.read_text(encoding="utf-8"))
