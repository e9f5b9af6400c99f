"""`apigw-migrate run` and `status` on the local AWS: the full ladder, a rollback on unhealthy metrics,
dry runs, the lock, and the journal."""

from __future__ import annotations

import json

import pytest

from cutover_helpers import DOMAIN, count_calls, make_apis, path_plan, put_metrics, write_plan


@pytest.fixture
def setup(boto_client, tmp_path):
    rest, http = make_apis(boto_client)
    plan = path_plan(rest, http)
    return rest, http, write_plan(tmp_path, plan), boto_client


def live_mappings(boto_client) -> dict:
    items = boto_client("apigatewayv2").get_api_mappings(DomainName=DOMAIN)["Items"]
    return {m["ApiMappingKey"]: (m["ApiId"], m["Stage"]) for m in items}


def test_full_ladder_with_healthy_metrics_ends_on_http(setup, cli, aws, monkeypatch):
    rest, http, plan_path, boto_client = setup
    put_metrics(boto_client("cloudwatch"), "shop", http)
    log = count_calls(monkeypatch)
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    assert result.code == 0, result
    assert live_mappings(boto_client) == {"": (http, "$default")}
    # each write once, in order: no step applied twice
    assert [op for op, _ in log.writes()] == [
        "tag_resource", "create_api_mapping", "create_api_mapping", "update_api_mapping", "delete_api_mapping", "delete_api_mapping", "untag_resource",
    ]
    assert [key for op, key in log.writes() if op in ("create_api_mapping", "update_api_mapping")] == ["orders", "carts", ""]
    journal = json.loads((plan_path.parent / "plan.yaml.journal.json").read_text())
    steps = [r for r in journal["records"] if r["event"] == "step"]
    assert [(r["step"], r["share"]) for r in steps] == [(0, 10.0), (1, 30.0), (2, 100.0)]
    gates = [r for r in journal["records"] if r["event"] == "gate"]
    assert {g["status"] for g in gates} == {"pass"} and len(gates) == 3
    names = {g["name"] for g in gates[0]["gates"]}
    assert {"requests", "5xx_rate", "5xx_ratio", "4xx_rate", "p99_ms", "p99_ratio", "avg_latency_ratio"} <= names
    assert [r["seq"] for r in journal["records"]] == list(range(1, len(journal["records"]) + 1))
    assert "summary: 3 of 3 steps done, 100 % of traffic on HTTP" in result.stdout
    assert f"the domain now: {{\"mappings\": {{\"\": {{\"api_id\": \"{http}\", \"stage\": \"$default\"}}}}}}" in result.stdout
    assert "tag_resource" not in result.stdout  # the lock is not a change to the domain


def test_unhealthy_metrics_at_step_three_roll_back_to_rest(setup, cli, aws):
    rest, http, plan_path, boto_client = setup
    cw = boto_client("cloudwatch")
    put_metrics(cw, "shop", http)
    first = cli("run", str(plan_path), "--yes", "--until", "2", "--endpoint-url", aws)
    assert first.code == 0, first
    assert live_mappings(boto_client) == {"": (rest, "prod"), "orders": (http, "$default"), "carts": (http, "$default")}
    put_metrics(cw, "shop", http, http_5xx=200)  # 201 of 1000 HTTP requests now fail
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    assert result.code == 1, result
    assert live_mappings(boto_client) == {"": (rest, "prod")}
    assert "5xx_rate failed" in result.stderr and "rolled back to 100 % REST" in result.stderr
    journal = json.loads((plan_path.parent / "plan.yaml.journal.json").read_text())
    done = [r for r in journal["records"] if r["event"] == "rollback" and r["status"] == "done"]
    assert done and done[-1]["share"] == 0.0 and done[-1]["read_back"] == {"mappings": {"": {"api_id": rest, "stage": "prod"}}}
    failed_gate = [r for r in journal["records"] if r["event"] == "gate" and r["status"] == "fail"][-1]
    rate = next(g for g in failed_gate["gates"] if g["name"] == "5xx_rate")
    assert rate["verdict"] == "fail" and rate["value"] == pytest.approx(201 / 1000) and rate["rest_value"] == pytest.approx(4 / 2000)


def test_too_little_data_fails_safe_unless_allowed(setup, cli, aws):
    rest, http, plan_path, boto_client = setup
    put_metrics(boto_client("cloudwatch"), "shop", http, count=3)
    result = cli("run", str(plan_path), "--yes", "--until", "1", "--endpoint-url", aws)
    assert result.code == 1, result
    assert "too little data" in result.stderr
    assert live_mappings(boto_client) == {"": (rest, "prod")}
    allowed = cli("run", str(plan_path), "--yes", "--until", "1", "--allow-insufficient-data", "--endpoint-url", aws)
    assert allowed.code == 0, allowed
    assert "orders" in live_mappings(boto_client)


def test_dry_run_prints_every_call_and_makes_none(setup, cli, aws, monkeypatch):
    rest, http, plan_path, boto_client = setup
    log = count_calls(monkeypatch)
    result = cli("run", str(plan_path), "--dry-run", "--endpoint-url", aws)
    assert result.code == 0, result
    assert log.calls == []
    assert result.stdout.count("would call apigatewayv2 create_api_mapping") == 2
    assert "would call apigatewayv2 update_api_mapping" in result.stdout and '"ApiMappingKey": "orders"' in result.stdout
    assert not (plan_path.parent / "plan.yaml.journal.json").exists()
    assert live_mappings(boto_client) == {"": (rest, "prod")}


def test_json_output_is_one_event_per_line(setup, cli, aws):
    rest, http, plan_path, boto_client = setup
    put_metrics(boto_client("cloudwatch"), "shop", http)
    result = cli("run", str(plan_path), "--yes", "--until", "1", "--output", "json", "--endpoint-url", aws)
    assert result.code == 0, result
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events[-1]["event"] == "summary" and events[-1]["code"] == 0 and events[-1]["share"] == 10.0
    assert {"lock", "run", "call", "verify", "gate", "step"} <= {e["event"] for e in events}


def test_a_second_runner_is_refused_and_break_lock_takes_over(setup, cli, aws, boto_client):
    rest, http, plan_path, _ = setup
    put_metrics(boto_client("cloudwatch"), "shop", http)
    # another machine's runner holds the domain: its tag is on the custom domain
    v2 = boto_client("apigatewayv2")
    arn = v2.get_domain_name(DomainName=DOMAIN)["DomainNameArn"]
    v2.tag_resource(ResourceArn=arn, Tags={"apigw-migrate:lock": "ops@other-host pid 4242 since 2026-12-01T13:00:00Z"})
    refused = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    assert refused.code == 2, refused
    assert "locked by ops@other-host pid 4242" in refused.stderr and "--break-lock" in refused.stderr
    assert live_mappings(boto_client) == {"": (rest, "prod")}
    taken = cli("run", str(plan_path), "--yes", "--until", "1", "--break-lock", "--endpoint-url", aws)
    assert taken.code == 0, taken
    assert "broke the lock of ops@other-host pid 4242" in taken.stderr
    assert v2.get_tags(ResourceArn=arn)["Tags"] == {}


def test_a_local_lock_file_refuses_a_second_runner(setup, cli, aws):
    rest, http, plan_path, boto_client = setup
    lock = plan_path.parent / "plan.yaml.journal.json.lock"
    lock.write_text(json.dumps({"holder": "me@here pid 1", "time": "2026-12-01T13:00:00Z"}))
    refused = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    assert refused.code == 2 and "locked by me@here pid 1" in refused.stderr, refused


def test_rollback_command_returns_to_rest(setup, cli, aws):
    rest, http, plan_path, boto_client = setup
    put_metrics(boto_client("cloudwatch"), "shop", http)
    assert cli("run", str(plan_path), "--yes", "--until", "2", "--endpoint-url", aws).code == 0
    result = cli("run", str(plan_path), "--rollback", "--endpoint-url", aws)
    assert result.code == 0, result
    assert live_mappings(boto_client) == {"": (rest, "prod")}


def test_drift_is_refused_with_what_changed(setup, cli, aws, boto_client):
    rest, http, plan_path, _ = setup
    boto_client("apigatewayv2").create_api_mapping(DomainName=DOMAIN, ApiId=rest, Stage="prod", ApiMappingKey="admin")
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    assert result.code == 2, result
    assert "no longer matches" in result.stderr and "'admin'" in result.stderr


def test_status_shows_live_state_journal_and_lock(setup, cli, aws):
    rest, http, plan_path, boto_client = setup
    put_metrics(boto_client("cloudwatch"), "shop", http)
    assert cli("run", str(plan_path), "--yes", "--until", "1", "--endpoint-url", aws).code == 0
    result = cli("status", str(plan_path), "--output", "json", "--endpoint-url", aws)
    assert result.code == 0, result
    report = json.loads(result.stdout)
    assert report["live_matches"] == "step 1" and report["steps_done"] == 1 and report["share"] == 10.0
    assert report["lock"] == {"local": None, "aws": None}
    assert {g["name"] for g in report["last_gates"]} >= {"requests", "5xx_rate"}
    text = cli("status", str(plan_path), "--endpoint-url", aws)
    assert "steps done: 1 of 3, 10 % of traffic on HTTP" in text.stdout and "lock: free" in text.stdout


def test_resume_needs_a_journal_and_an_open_run_needs_resume(setup, cli, aws):
    rest, http, plan_path, boto_client = setup
    nothing = cli("run", str(plan_path), "--resume", "--endpoint-url", aws)
    assert nothing.code == 2 and "nothing to resume" in nothing.stderr, nothing
    journal = plan_path.parent / "plan.yaml.journal.json"
    journal.write_text(json.dumps({"journal_version": 1, "plan": str(plan_path), "plan_sha256": _sha(plan_path), "strategy": "path",
                                   "domain": DOMAIN, "records": [{"seq": 1, "time": "2026-12-01T14:00:00Z", "step": None, "event": "run", "status": "started"}]}))
    open_run = cli("run", str(plan_path), "--endpoint-url", aws)
    assert open_run.code == 2 and "--resume" in open_run.stderr and "--rollback" in open_run.stderr, open_run


def _sha(path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_until_names_a_step_or_is_refused(setup, cli, aws):
    rest, http, plan_path, boto_client = setup
    put_metrics(boto_client("cloudwatch"), "shop", http)
    assert cli("run", str(plan_path), "--yes", "--until", "orders to HTTP", "--endpoint-url", aws).code == 0
    assert live_mappings(boto_client) == {"": (rest, "prod"), "orders": (http, "$default")}
    bad = cli("run", str(plan_path), "--until", "9", "--endpoint-url", aws)
    assert bad.code == 2 and "--until '9'" in bad.stderr, bad


def test_live_view_renders_gates_against_limits():
    from rich.console import Console

    from apigw_migrate.cli.run import Display

    display = Display("text", total=3)
    display._track({"event": "gate", "step": 1, "step_name": "carts to HTTP", "share": 30.0, "time_left": 42.0,
                    "gates": [{"name": "5xx_rate", "value": 0.002, "rest_value": 0.001, "threshold": 0.01, "verdict": "pass"}]})
    console = Console(width=100, record=True, force_terminal=False)
    console.print(display._render())
    text = " ".join(console.export_text().split())  # the title wraps to the table's width
    assert "step 2/3 carts to HTTP · 30 % on HTTP · 42 s of bake left" in text
    assert "5xx_rate" in text and "0.002" in text and "0.01" in text and "pass" in text


def test_a_change_during_the_bake_rolls_back_before_the_next_step(setup, cli, aws, boto_client, monkeypatch):
    rest, http, plan_path, _ = setup
    put_metrics(boto_client("cloudwatch"), "shop", http)
    from apigw_migrate.cutover import gates

    real = gates.evaluate

    def meddle(*args, **kwargs):
        verdicts = real(*args, **kwargs)
        # someone maps "admin" by hand while step 1 bakes
        boto_client("apigatewayv2").create_api_mapping(DomainName=DOMAIN, ApiId=rest, Stage="prod", ApiMappingKey="admin")
        return verdicts

    monkeypatch.setattr(gates, "evaluate", meddle)
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    assert result.code == 4, result  # the rollback cannot remove a mapping the plan never made: said loudly
    assert "changed while step 1 baked" in result.stderr and "'admin'" in result.stderr
    assert live_mappings(boto_client) == {"": (rest, "prod"), "admin": (rest, "prod")}


def test_a_forced_plan_runs_with_a_warning_naming_its_blockers(boto_client, cli, aws, tmp_path):
    from apigw_migrate.cutover.model import PreflightResult

    rest, http = make_apis(boto_client)
    put_metrics(boto_client("cloudwatch"), "shop", http)
    plan = path_plan(rest, http)
    plan.forced = True
    plan.preflight = [PreflightResult("PRE101", "blocker", "a route would answer 404", "deploy it")]
    plan_path = write_plan(tmp_path, plan)
    result = cli("run", str(plan_path), "--yes", "--until", "1", "--endpoint-url", aws)
    assert result.code == 0, result
    assert "warning: this plan was written with --force despite preflight blockers (PRE101)" in result.stderr


def test_status_of_a_plan_never_run(setup, cli, aws):
    rest, http, plan_path, boto_client = setup
    result = cli("status", str(plan_path), "--endpoint-url", aws)
    assert result.code == 0, result
    assert "the live state is baseline" in result.stdout and "journal: none (never run)" in result.stdout
    assert "steps done: 0 of 3, 0 % of traffic on HTTP" in result.stdout
