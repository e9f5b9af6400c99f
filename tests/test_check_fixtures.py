"""`apigw-migrate check` end to end on every file in fixtures/: the exact rule ids and verdict."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES

_BOOKSTORE = {
    "AGW104", "AGW107", "AGW108", "AGW109", "AGW201", "AGW203", "AGW204", "AGW206", "AGW207", "AGW208", "AGW209",
    "AGW302", "AGW303", "AGW304", "AGW305", "AGW306", "AGW307", "AGW308", "AGW309", "AGW310", "AGW311",
    "AGW312", "AGW313", "AGW401", "AGW402", "AGW403", "AGW404", "AGW405", "AGW406", "AGW501", "AGW502", "AGW503",
    "AGW504", "AGW701", "AGW702", "AGW703", "AGW821", "AGW831",
    "AGW210", "AGW211",  # its REQUEST authorizer: no cache, a stage-variable identity source
}  # fmt: skip

# (file, --api) → (rule ids, API verdict)
EXPECTED = {
    ("bookstore.oas30.json", None): (_BOOKSTORE, "stay-on-rest"),
    ("bookstore.bundle.json", None): (
        _BOOKSTORE | {"AGW101", "AGW105", "AGW106", "AGW202", "AGW601", "AGW602", "AGW603", "AGW604", "AGW605",
                      "AGW606", "AGW607", "AGW608", "AGW811", "AGW812", "AGW813"},
        "stay-on-rest",
    ),  # fmt: skip
    ("clean.oas30.yaml", None): ({"AGW313", "AGW821"}, "ready"),
    ("cloudformation.json", None): (
        {"AGW101", "AGW107", "AGW201", "AGW202", "AGW203", "AGW208", "AGW313", "AGW604", "AGW821", "AGW831"},
        "partial",
    ),
    ("inventory.swagger2.json", None): ({"AGW001", "AGW304", "AGW305", "AGW404", "AGW703", "AGW821"}, "partial"),
    ("orders.swagger2.yaml", None): (
        {"AGW001", "AGW110", "AGW201", "AGW204", "AGW205", "AGW302", "AGW313", "AGW501", "AGW503", "AGW701", "AGW703", "AGW821", "AGW831"},
        "partial",
    ),
    ("payments.oas30.yaml", None): (
        {"AGW103", "AGW104", "AGW208", "AGW209", "AGW301", "AGW302", "AGW311", "AGW313", "AGW701", "AGW703", "AGW821", "AGW831"},
        "stay-on-rest",
    ),
    # Without --jwt-audience no JWT authorizer can be written for the Cognito one: its routes are blocked.
    ("sam-template.yaml", "CatalogApi"): ({"AGW204", "AGW313", "AGW501", "AGW503", "AGW821", "AGW831"}, "partial"),
    ("sam-template.yaml", "StaffApi"): (
        {"AGW102", "AGW103", "AGW104", "AGW313", "AGW601", "AGW602", "AGW603", "AGW604", "AGW608", "AGW821", "AGW831"},
        "stay-on-rest",
    ),
    ("terraform.json.tpl", None): ({"AGW204", "AGW501", "AGW503", "AGW821"}, "partial"),
}


def test_every_fixture_file_is_expected():
    files = {p.name for p in FIXTURES.iterdir() if p.suffix in (".json", ".yaml", ".tpl")}
    assert files == {name for name, _ in EXPECTED}


@pytest.mark.parametrize("name,api", sorted(EXPECTED, key=str), ids=[f"{n}-{a}" for n, a in sorted(EXPECTED, key=str)])
def test_fixture(cli, name, api):
    rules, verdict = EXPECTED[(name, api)]
    args = ["check", str(FIXTURES / name), "--format", "json"] + (["--api", api] if api else [])
    result = cli(*args)
    doc = json.loads(result.stdout)
    found = doc["apis"][0]
    assert {f["rule"] for f in found["findings"]} == rules
    assert found["verdict"] == verdict
    blocked = any(f["severity"] == "blocker" for f in found["findings"])
    assert result.code == (1 if blocked else 0)


def test_clean_fixture_has_no_warning_or_blocker(cli):
    result = cli("check", str(FIXTURES / "clean.oas30.yaml"), "--fail-on", "warning")
    assert result.code == 0, result


def test_template_with_two_rest_apis_is_checked_api_by_api(cli):
    result = cli("check", str(FIXTURES / "sam-template.yaml"), "--format", "json", "--fail-on", "never")
    assert result.code == 0, result.stderr
    apis = {a["api"]: a["verdict"] for a in json.loads(result.stdout)["apis"]}
    path = FIXTURES / "sam-template.yaml"
    assert apis == {f"{path}#CatalogApi": "partial", f"{path}#StaffApi": "stay-on-rest"}
