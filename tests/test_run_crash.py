"""Kill the runner (SIGKILL, in a forked child) at every AWS call of a plan, before the request and after
the answer, then resume: the domain ends where the plan says, and no write is ever made twice."""

from __future__ import annotations

import os
import signal
import urllib.request

import pytest
from cutover_helpers import DOMAIN, count_calls, make_apis, path_plan, put_metrics, write_plan

from apigw_migrate.cutover.model import Plan

MUTATIONS = {"create_api_mapping", "update_api_mapping", "delete_api_mapping"}


def two_step_plan(rest: str, http: str) -> Plan:
    """orders to HTTP, then the root (dropping orders): the shortest ladder with a lookup, an update and a delete."""
    plan = path_plan(rest, http)
    plan.steps = [plan.steps[0], plan.steps[2]]
    plan.steps[1].calls = plan.steps[1].calls[:2]  # switch the root, delete orders
    return plan


def child_run(argv: list[str], kill_at: int, when: str, log_path: str, writes_only: bool = False) -> int:
    """Run the CLI in a forked child that SIGKILLs itself at AWS call number `kill_at` (`before` it is sent,
    or `after` its answer, before the journal records it); with `writes_only`, the number counts only the
    mapping writes. Returns the child's wait status."""
    pid = os.fork()
    if pid:
        return os.waitpid(pid, 0)[1]
    try:  # the child: never returns into pytest
        from conftest import run_cli

        from apigw_migrate import aws

        seen = [0]
        log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        original = aws.AwsContext.client

        def before(model, **_):
            if writes_only and _snake(model.name) not in MUTATIONS:
                return
            seen[0] += 1
            if when == "before" and seen[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

        def after(model, params, **_):
            name = _snake(model.name)
            if name in MUTATIONS:
                os.write(log, f"{name} {params.get('ApiMappingKey', params.get('ApiMappingId', ''))}\n".encode())
            if when == "after" and seen[0] == kill_at and (name in MUTATIONS or not writes_only):
                os.kill(os.getpid(), signal.SIGKILL)

        def client(self, service, region=None, purpose=""):
            made = original(self, service, region, purpose)
            if not getattr(made, "_crash", False):
                made.meta.events.register("before-parameter-build", before)
                made.meta.events.register("provide-client-params", lambda params, model, **_: _remember(made, params))
                made.meta.events.register("after-call", lambda model, **kw: after(model, made._last_params))
                made._crash = True
            return made

        aws.AwsContext.client = client
        result = run_cli(*argv)
        os.write(log, f"exit {result.code} calls {seen[0]}\n".encode())
    finally:
        os._exit(0)


def _remember(client, params):
    client._last_params = dict(params)


def _snake(name: str) -> str:
    from botocore import xform_name

    return xform_name(name)


def reset(aws: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{aws}/moto-api/reset", method="POST")).read()


@pytest.mark.parametrize("when", ["before", "after"])
def test_sigkill_at_every_call_then_resume_applies_each_write_once(aws, boto_client, tmp_path, monkeypatch, when):
    # A clean run first, to count the calls of the whole ladder.
    rest, http = make_apis(boto_client)
    put_metrics(boto_client("cloudwatch"), "shop", http)
    (tmp_path / "count").mkdir()
    plan_path = write_plan(tmp_path / "count", two_step_plan(rest, http))
    log_path = str(tmp_path / "count.log")
    assert child_run(["run", str(plan_path), "--yes", "--endpoint-url", aws], 0, when, log_path) == 0
    last = open(log_path).read().splitlines()[-1].split()
    assert last[:2] == ["exit", "0"], last
    total = int(last[3])
    assert total >= 12  # lock, reads, writes, read-backs, metrics, unlock

    for kill_at in range(1, total + 1):
        reset(aws)
        rest, http = make_apis(boto_client)
        put_metrics(boto_client("cloudwatch"), "shop", http)
        folder = tmp_path / f"{when}{kill_at}"
        folder.mkdir()
        plan_path = write_plan(folder, two_step_plan(rest, http))
        log_path = str(folder / "calls.log")
        status = child_run(["run", str(plan_path), "--yes", "--endpoint-url", aws], kill_at, when, log_path)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (kill_at, status)

        counted = count_calls(monkeypatch)
        from conftest import run_cli

        resumed = run_cli("run", str(plan_path), "--resume", "--yes", "--break-lock", "--endpoint-url", aws)
        assert resumed.code == 0, (when, kill_at, resumed)
        items = boto_client("apigatewayv2").get_api_mappings(DomainName=DOMAIN)["Items"]
        assert {m["ApiMappingKey"]: m["ApiId"] for m in items} == {"": http}, (when, kill_at)
        # every write of the plan happened exactly once, across the killed run and the resume
        before_kill = [line.split()[0] for line in open(log_path).read().splitlines() if not line.startswith("exit")]
        after_kill = [op for _, op, _ in counted.calls if op in MUTATIONS]
        assert sorted(before_kill + after_kill) == sorted(["create_api_mapping", "update_api_mapping", "delete_api_mapping"]), (when, kill_at, before_kill, after_kill)
        monkeypatch.undo()


def test_sigkill_during_a_rollback_then_resume_finishes_it(aws, boto_client, tmp_path):
    rest, http = make_apis(boto_client)
    cw = boto_client("cloudwatch")
    put_metrics(cw, "shop", http)
    plan_path = write_plan(tmp_path, path_plan(rest, http))
    from conftest import run_cli

    assert run_cli("run", str(plan_path), "--yes", "--until", "2", "--endpoint-url", aws).code == 0
    put_metrics(cw, "shop", http, http_5xx=300)
    # step 3 makes 3 writes; the 4th write is the rollback's switch of the root back to REST: die after it
    status = child_run(["run", str(plan_path), "--yes", "--endpoint-url", aws], 4, "after", str(tmp_path / "calls.log"), writes_only=True)
    assert os.WIFSIGNALED(status), status
    assert open(tmp_path / "calls.log").read().splitlines()[-1].startswith("update_api_mapping")
    resumed = run_cli("run", str(plan_path), "--resume", "--yes", "--break-lock", "--endpoint-url", aws)
    assert resumed.code == 1, resumed
    assert "finishing an interrupted rollback" in resumed.stderr
    items = boto_client("apigatewayv2").get_api_mappings(DomainName=DOMAIN)["Items"]
    assert {m["ApiMappingKey"]: m["ApiId"] for m in items} == {"": rest}


def test_sigterm_rolls_back_like_ctrl_c(aws, boto_client, tmp_path):
    rest, http = make_apis(boto_client)
    put_metrics(boto_client("cloudwatch"), "shop", http)
    plan_path = write_plan(tmp_path, path_plan(rest, http))
    pid = os.fork()
    if pid == 0:
        try:
            from conftest import run_cli

            from apigw_migrate.cutover import gates

            real = gates.evaluate

            def terminated(*args, **kwargs):  # a cancelled CI job, during step 2's bake
                if "seen" in terminated.__dict__:
                    os.kill(os.getpid(), signal.SIGTERM)
                terminated.seen = True
                return real(*args, **kwargs)

            gates.evaluate = terminated
            result = run_cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
            os._exit(result.code)
        finally:
            os._exit(99)
    status = os.waitpid(pid, 0)[1]
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 130, status
    items = boto_client("apigatewayv2").get_api_mappings(DomainName=DOMAIN)["Items"]
    assert {m["ApiMappingKey"]: m["ApiId"] for m in items} == {"": rest}
