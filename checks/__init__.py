"""The rule registry and the engine that runs it.

Registration is explicit: every area module is imported here and its `RULES` appended to
`ALL_RULES` (tests/test_checks_registry.py walks the package to make sure none is left out).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

from apigw_migrate.checks.rule import Rule
from apigw_migrate.findings import Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.load import Source

AREA_MODULES: tuple[str, ...] = ()

ALL_RULES: tuple[Rule, ...] = ()

CRASH_RULE_ID = "AGW000"


def _registry() -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for r in ALL_RULES:
        if r.id in table:
            raise RuntimeError(f"duplicate rule id {r.id}")
        table[r.id] = r
    return table


RULES_BY_ID = _registry()


def get_rule(rule_id: str) -> Rule:
    try:
        return RULES_BY_ID[rule_id]
    except KeyError:
        raise KeyError(f"unknown rule {rule_id}") from None


def selected(rules: Iterable[Rule], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """Rules whose id starts with a `select` prefix (all when empty) and with no `ignore` prefix."""
    select, ignore = tuple(select), tuple(ignore)
    return [r for r in rules if (not select or r.id.startswith(select)) and not (ignore and r.id.startswith(ignore))]


def run_rules(src: "Source", rules: Iterable[Rule]) -> list[Finding]:
    """Run rules on one source; a rule that raises becomes an AGW000 finding and the run goes on."""
    findings: list[Finding] = []
    for r in rules:
        try:
            findings.extend(r.run(src))
        except Exception as e:  # noqa: BLE001 - one broken rule must not hide the others' findings
            findings.append(
                Finding(
                    rule=CRASH_RULE_ID,
                    severity=Severity.WARNING,
                    message=f"rule {r.id} ({r.name}) crashed: {type(e).__name__}: {e}; its findings are missing",
                    pointer=src.base_pointer,
                )
            )
    return sorted((replace(f).located(src) for f in findings), key=Finding.sort_key)
