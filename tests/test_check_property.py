"""Property-based: check never crashes on a generated REST export, locates every finding, and its
verdicts agree with the findings (the same generator as the convert property tests)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings

from apigw_migrate.checks import CRASH_RULE_ID, run_checks
from apigw_migrate.findings import Severity
from apigw_migrate.load import parse, source_from_document
from apigw_migrate.openapi import all_route_keys
from test_convert_property import rest_exports


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=rest_exports())
def test_generated_exports_are_checked_without_a_crash_and_every_finding_is_located(doc: dict) -> None:
    text = json.dumps(doc, indent=2)
    parsed = parse(text, "generated.json")
    src = source_from_document(parsed.document, "generated.json", parsed.positions, ref_strings=parsed.ref_strings)
    result = run_checks([src]).apis[0]
    assert not [f for f in result.findings if f.rule == CRASH_RULE_ID], [f.message for f in result.findings]
    assert all(f.line and f.column for f in result.findings)
    for f in result.findings:
        # A finding stands at the key its pointer (or an ancestor's) ends with, or at an array item.
        assert text.splitlines()[f.line - 1][f.column - 1] in '"{['
    routes = set(all_route_keys(src))
    assert set(result.routes) == routes
    for f in result.findings:
        assert set(f.routes) <= routes
        if f.severity is Severity.BLOCKER:
            assert all(result.routes[r] == "blocked" for r in f.routes)
