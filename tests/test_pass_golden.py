"""Each convert pass alone on small inputs: golden pairs in tests/data/convert/<pass>/<case>.in.yaml → .out.yaml.

The input is read like any user file (bundles included); an optional top-level
`x-apigw-migrate-test-options` mapping holds ConvertOptions fields for the case. The pass runs after the
analysis, as in convert. The .out.yaml records the document after the pass, the findings (only AGW000,
when the pass cannot rewrite a route the analysis called movable: none is expected), the blocked routes,
and for `stage` the stage settings and Lambda functions. Regenerate with
`python tests/update_goldens.py` and review the diff like code.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from apigw_migrate.checks import acknowledged, analyze, blocking_findings
from apigw_migrate.load import parse, source_from_document
from apigw_migrate.transforms import PASSES, ConvertOptions
from apigw_migrate.transforms.context import Context
from goldens import assert_matches

DATA = Path(__file__).parent / "data" / "convert"
PASS_BY_NAME = {p.__name__: p for p in PASSES}
CASES = sorted(p for name in PASS_BY_NAME for p in (DATA / name).glob("*.in.yaml"))
OPTIONS_KEY = "x-apigw-migrate-test-options"


def run_case(path: Path) -> tuple[dict, dict, Context]:
    """(recorded result, the document after the pass, the pass's context) for one case file."""
    parsed = parse(path.read_text(encoding="utf-8"), str(path))
    raw_options = parsed.document.pop(OPTIONS_KEY, {}) or {}
    if "jwt_audiences" in raw_options:
        raw_options["jwt_audiences"] = tuple(raw_options["jwt_audiences"])
    src = source_from_document(parsed.document, path.name, parsed.positions)
    options = ConvertOptions(**raw_options)
    # As in convert: the pass sees the routes the analysis blocked (and the blockers acknowledged).
    report = analyze(src, options)
    ctx = Context(options=options, src=src, blocked=blocking_findings(report), acknowledged=acknowledged(report))
    step = PASS_BY_NAME[path.parent.name]
    doc, findings = step(copy.deepcopy(src.api), ctx)
    record: dict = {
        "document": doc,
        "findings": [
            {"rule": f.rule, "severity": f.severity.value, "pointer": f.pointer, "routes": list(f.routes)}
            for f in sorted(findings, key=lambda f: (f.rule, f.pointer, f.message))
        ],
        "blocked": sorted(ctx.blocked),
        "notes": ctx.notes,
    }
    if step.__name__ == "stage":
        record["stage"] = ctx.stage
        record["lambda_functions"] = [
            {"function": u.function, "kind": u.kind, "routes": list(u.routes), "authorizer": u.authorizer} for u in ctx.lambda_functions
        ]
    if step.__name__ == "validate":
        record["violations"] = [{"rule": v.rule, "pointer": v.pointer} for v in ctx.violations]
    return record, doc, ctx


def golden_path(case: Path) -> Path:
    return case.with_name(case.name.replace(".in.yaml", ".out.yaml"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name[: -len('.in.yaml')]}")
def test_pass_matches_golden_output(case: Path) -> None:
    record, _, _ = run_case(case)
    assert_matches(golden_path(case), record)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name[: -len('.in.yaml')]}")
def test_pass_run_twice_changes_nothing(case: Path) -> None:
    _, once, first = run_case(case)
    step = PASS_BY_NAME[case.parent.name]
    twice, _ = step(copy.deepcopy(once), Context(options=first.options, src=first.src, blocked=first.blocked, acknowledged=first.acknowledged))
    assert twice == once


def test_every_pass_has_golden_cases() -> None:
    missing = [name for name in PASS_BY_NAME if not list((DATA / name).glob("*.in.yaml"))]
    assert missing == []
