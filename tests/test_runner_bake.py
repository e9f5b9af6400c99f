"""The bake loop with an injected clock: evaluations every interval for the bake time, too little data
extending it up to a limit, a failure at once; and Ctrl-C answered "no" keeps the state."""

from __future__ import annotations

import datetime as dt

import pytest
from cutover_helpers import path_plan

from apigw_migrate.cutover import gates
from apigw_migrate.cutover.journal import Journal
from apigw_migrate.cutover.runner import Clock, Options, Runner


class FakeClock(Clock):
    def __init__(self) -> None:
        self.t = 0.0
        self.slept: list[float] = []
        super().__init__(now=lambda: dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=self.t),
                         monotonic=lambda: self.t, sleep=self.sleep_for)

    def sleep_for(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds


def runner_with(monkeypatch, tmp_path, outcomes: list[str], **options):
    verdicts = iter(outcomes)
    seen = []

    def scripted(clients, plan, gate_config, end, http_share=100.0, groups=()):
        seen.append(end)
        outcome = next(verdicts)
        return [gates.Verdict("requests", 1.0, 1.0, outcome)]

    monkeypatch.setattr(gates, "evaluate", scripted)
    plan = path_plan("r1", "h1", bake=600)
    journal = Journal.create(tmp_path / "j.json", "plan.yaml", "0" * 64, "path", "api.example.com")
    clock = FakeClock()
    runner = Runner(plan, "plan.yaml", journal, None, Options(interval=60, **options), clock=clock)
    return runner, clock, seen, journal


def test_a_healthy_bake_evaluates_every_interval_for_the_bake_time(monkeypatch, tmp_path):
    runner, clock, seen, journal = runner_with(monkeypatch, tmp_path, ["pass"] * 20)
    assert runner.bake(0, runner.plan.steps[0]) == "pass"
    assert len(seen) == 11 and clock.t == 600 and set(clock.slept) == {60}
    assert seen[-1] - seen[0] == dt.timedelta(seconds=600)  # each window ends at the evaluation's time
    assert [r["time_left"] for r in journal.records][:2] == [600.0, 540.0]


def test_a_failed_gate_ends_the_bake_at_once(monkeypatch, tmp_path):
    runner, clock, seen, _ = runner_with(monkeypatch, tmp_path, ["pass", "pass", "fail"])
    assert runner.bake(0, runner.plan.steps[0]).startswith("gate requests failed")
    assert clock.t == 120


def test_too_little_data_extends_the_bake_up_to_one_more_bake_time(monkeypatch, tmp_path):
    runner, clock, seen, _ = runner_with(monkeypatch, tmp_path, ["insufficient"] * 12 + ["pass"] * 20)
    assert runner.bake(0, runner.plan.steps[0]) == "pass"
    assert clock.t == 720  # 12 evaluations (0 to 660 s) lacked data; the 13th, past the bake time, passed
    (tmp_path / "again").mkdir()
    runner, clock, seen, _ = runner_with(monkeypatch, tmp_path / "again", ["insufficient"] * 40)
    assert "too little data" in runner.bake(0, runner.plan.steps[0])
    assert clock.t == 1200


def test_allow_insufficient_data_passes_at_the_limit(monkeypatch, tmp_path):
    runner, clock, _, _ = runner_with(monkeypatch, tmp_path, ["insufficient"] * 40, allow_insufficient_data=True)
    assert runner.bake(0, runner.plan.steps[0]) == "pass" and clock.t == 1200


def test_ctrl_c_answered_no_keeps_the_state_for_resume(monkeypatch, tmp_path):
    runner, _, _, journal = runner_with(monkeypatch, tmp_path, [])
    runner.confirm = lambda question: False
    runner.current = 1
    result = runner.interrupted()
    assert result.code == 130 and "--resume" in result.message
    assert not any(r["event"] == "rollback" for r in journal.records)


@pytest.mark.parametrize("until, index", [(None, 2), ("1", 0), ("carts to HTTP", 1)])
def test_until(monkeypatch, tmp_path, until, index):
    runner, _, _, _ = runner_with(monkeypatch, tmp_path, [], until=until)
    assert runner.target_step() == index
