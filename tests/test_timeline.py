"""Reading a run journal (the shape `run` writes) into a cutover timeline; refusing a malformed one."""

from __future__ import annotations

import json

import pytest

from apigw_migrate.errors import InputError
from apigw_migrate.timeline import build_timeline, read_timeline
from conftest import DATA

JOURNALS = DATA / "report"
ROLLED_BACK = JOURNALS / "rolled-back.journal.json"
COMPLETED = JOURNALS / "completed.journal.json"


def test_rolled_back_run_gives_shares_gates_and_the_rollback():
    t = read_timeline(str(ROLLED_BACK))
    assert (t.strategy, t.domain, t.plan) == ("path", "api.shop.example.com", "shop.plan.yaml")
    assert [p.share for p in t.points] == [0.0, 3.0, 40.0, 0.0]
    assert [s.name for s in t.steps] == ["orders (3% of traffic)", "books (40% of traffic)"]
    assert [s.status for s in t.steps] == ["done", "rolled back"]
    gates = [(c.status, [(g.name, g.value, g.threshold, g.verdict) for g in c.gates]) for c in t.steps[1].checks]
    assert gates == [
        ("insufficient", [("min_requests", 37.0, 100.0, "insufficient")]),
        ("fail", [("5xx_rate", 0.034, 0.01, "fail"), ("p99_ms", 433.0, 1500.0, "pass")]),
    ]
    assert t.steps[1].checks[1].gates[0].rest_value == 0.0011
    (rollback,) = t.rollbacks
    assert rollback.message == "gate 5xx_rate failed: 0.034 > 0.01"
    assert (rollback.started.isoformat(), rollback.finished.isoformat()) == ("2026-11-30T09:20:08+00:00", "2026-11-30T09:20:11+00:00")
    assert t.final_share == 0.0
    assert t.outcome.startswith("rolled back at 2026-11-30 09:20:11Z: gate 5xx_rate failed")


def test_completed_run_ends_at_100_percent():
    t = read_timeline(str(COMPLETED))
    assert [p.share for p in t.points] == [0.0, 10.0, 50.0, 100.0]
    assert not t.rollbacks
    assert t.outcome == "completed: 100% of traffic on HTTP at 2026-11-29 08:30:05Z"


def test_a_rollback_without_its_end_is_said_not_hidden():
    doc = json.loads(ROLLED_BACK.read_text())
    doc["records"] = doc["records"][:12]  # stops after "rollback started"
    t = build_timeline(doc, "j.json")
    assert t.rollbacks[0].status == "started" and t.rollbacks[0].finished is None
    assert "does not record it finished" in t.outcome
    assert t.final_share == 40.0


def _broken(change):
    doc = json.loads(ROLLED_BACK.read_text())
    change(doc)
    return doc


MALFORMED = {
    "version": (lambda d: d.update(journal_version=2), "/journal_version", "not supported"),
    "strategy": (lambda d: d.update(strategy="dns"), "/strategy", "expected one of path, cloudfront, route53"),
    "no-records": (lambda d: d.update(records=[]), "/records", "no records"),
    "missing-domain": (lambda d: d.pop("domain"), "/", "missing 'domain'"),
    "event": (lambda d: d["records"][2].update(event="deploy"), "/records/2/event", "expected one of"),
    "status": (lambda d: d["records"][2].update(status="ok"), "/records/2/status", "expected one of"),
    "seq-order": (lambda d: d["records"][3].update(seq=2), "/records/3/seq", "does not follow"),
    "time": (lambda d: d["records"][1].update(time="yesterday"), "/records/1/time", "not an ISO 8601 time"),
    "time-zone": (lambda d: d["records"][1].update(time="2026-11-30T09:00:01"), "/records/1/time", "no time zone"),
    "time-order": (lambda d: d["records"][4].update(time="2026-11-30T08:00:00Z"), "/records/4/time", "earlier"),
    "share": (lambda d: d["records"][3].update(share=140), "/records/3/share", "from 0 to 100"),
    "share-type": (lambda d: d["records"][3].update(share="3%"), "/records/3/share", "must be a number"),
    "step-missing": (lambda d: d["records"][2].pop("step"), "/records/2", "missing 'step'"),
    "gate-verdict": (lambda d: d["records"][4]["gates"][0].update(verdict="ok"), "/records/4/gates/0/verdict", "expected one of"),
    "gate-status": (lambda d: d["records"][4].update(status="done"), "/records/4/status", "pass, fail or insufficient"),
    "gates-missing": (lambda d: d["records"][4].pop("gates"), "/records/4", "missing 'gates'"),
    "bool-seq": (lambda d: d["records"][0].update(seq=True), "/records/0/seq", "must be a number"),
    "record-type": (lambda d: d["records"].insert(0, "lock"), "/records/0", "must be an object"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_journal_is_refused_at_its_place(case):
    change, pointer, words = MALFORMED[case]
    with pytest.raises(InputError) as e:
        build_timeline(_broken(change), "j.json")
    assert f"at {pointer}:" in str(e.value) and words in str(e.value)


def test_cli_refuses_a_malformed_journal_with_one_line_and_exit_2(cli, tmp_path):
    doc = _broken(lambda d: d["records"][3].update(share=140))
    path = tmp_path / "bad.journal.json"
    path.write_text(json.dumps(doc, indent=2))
    r = cli("report", "--run", str(path))
    assert r.code == 2, r
    assert r.stdout == ""
    (line,) = r.stderr.strip().splitlines()
    # file:line:column of the bad value, as every input error says it
    text = path.read_text().splitlines()
    where = next(i for i, l in enumerate(text, 1) if '"share": 140' in l)
    assert line.startswith(f"error: {path}:{where}:"), line
    assert "/records/3/share" in line


def test_cli_refuses_a_journal_that_is_not_json(cli, tmp_path):
    path = tmp_path / "bad.journal.json"
    path.write_text('{"journal_version": 1,')
    r = cli("report", "--run", str(path))
    assert r.code == 2 and len(r.stderr.strip().splitlines()) == 1, r

