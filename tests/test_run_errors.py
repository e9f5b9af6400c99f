"""run's failure paths: damaged journals and nonsense plans (exit 2, one line, no AWS call), an AWS
error mid-step (exit 3, then --rollback), a rollback that cannot be verified (exit 4, with the manual
calls), Ctrl-C (130 after a verified rollback), and secrets kept out of every file and stream."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cutover_helpers import DOMAIN, count_calls, make_apis, path_plan, put_metrics, write_plan

from apigw_migrate.cutover.model import Call, Parity


@pytest.fixture
def ready(boto_client, tmp_path):
    rest, http = make_apis(boto_client)
    put_metrics(boto_client("cloudwatch"), "shop", http)
    return rest, http, tmp_path


def live(boto_client) -> dict:
    items = boto_client("apigatewayv2").get_api_mappings(DomainName=DOMAIN)["Items"]
    return {m["ApiMappingKey"]: m["ApiId"] for m in items}


def one_line_exit_2(result) -> None:
    assert result.code == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr, result


def test_truncated_journal_is_exit_2_without_an_aws_call(ready, cli, aws, monkeypatch):
    rest, http, tmp = ready
    plan_path = write_plan(tmp, path_plan(rest, http))
    assert cli("run", str(plan_path), "--yes", "--until", "1", "--endpoint-url", aws).code == 0
    journal = tmp / "plan.yaml.journal.json"
    journal.write_text(journal.read_text()[:-200])
    log = count_calls(monkeypatch)
    result = cli("run", str(plan_path), "--resume", "--yes", "--endpoint-url", aws)
    one_line_exit_2(result)
    assert "plan.yaml.journal.json:" in result.stderr and "not valid JSON" in result.stderr
    assert log.calls == []


@pytest.mark.parametrize("edit, words", [
    (lambda d: d["records"][2].update(seq=7), "record 3 has seq 7"),
    (lambda d: d["records"][1].update(event="teleport"), "record 2 has event 'teleport'"),
    (lambda d: d.update(journal_version=9), "journal_version 9"),
    (lambda d: d["records"].pop(0), "record 1 has seq 2"),
    (lambda d: d.update(plan_sha256="0" * 64), "another version of the plan"),
])
def test_hand_edited_journal_is_exit_2_without_an_aws_call(ready, cli, aws, monkeypatch, edit, words):
    rest, http, tmp = ready
    plan_path = write_plan(tmp, path_plan(rest, http))
    assert cli("run", str(plan_path), "--yes", "--until", "1", "--endpoint-url", aws).code == 0
    journal = tmp / "plan.yaml.journal.json"
    data = json.loads(journal.read_text())
    edit(data)
    journal.write_text(json.dumps(data, indent=1))
    log = count_calls(monkeypatch)
    for command in (["run", str(plan_path), "--yes"], ["status", str(plan_path)]):
        result = cli(*command, "--endpoint-url", aws)
        one_line_exit_2(result)
        assert words in result.stderr
    assert log.calls == []


@pytest.mark.parametrize("edit, words", [
    (lambda t: t.replace("share: 30.0", "share: lots"), "plan.yaml:"),
    (lambda t: t.replace("strategy: path", "strategy: teleport"), "plan.yaml:"),
    (lambda t: t.replace("plan_version: 1", "plan_version: 7"), "plan_version 7"),
    (lambda t: t.replace("operation: create_api_mapping", "operation: create_api_mapings"), "no operation"),
    (lambda t: t[: len(t) // 2] + "\n  - [unclosed", "plan.yaml:"),
    (lambda t: "just words", "plan.yaml:1:1"),
])
def test_nonsense_plan_is_exit_2_one_line_without_an_aws_call(ready, cli, aws, monkeypatch, edit, words):
    rest, http, tmp = ready
    plan_path = write_plan(tmp, path_plan(rest, http))
    plan_path.write_text(edit(plan_path.read_text()))
    log = count_calls(monkeypatch)
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    one_line_exit_2(result)
    assert words in result.stderr
    assert log.calls == []
    assert not (tmp / "plan.yaml.journal.json").exists()


def test_aws_error_mid_step_is_exit_3_and_rollback_goes_on_from_there(ready, cli, aws, boto_client):
    rest, http, tmp = ready
    plan = path_plan(rest, http)
    plan.steps[1].calls.append(Call("apigatewayv2", "create_api_mapping", {"DomainName": DOMAIN, "ApiMappingKey": "admin", "ApiId": "nosuchapi1", "Stage": "$default"}))
    plan_path = write_plan(tmp, plan)
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws, env={"APIGW_MIGRATE_MAX_ATTEMPTS": "1"})
    assert result.code == 3, result
    assert "--resume" in result.stderr and "journal" in result.stderr
    assert live(boto_client) == {"": rest, "orders": http, "carts": http}  # where it stopped, and the journal knows
    records = json.loads((tmp / "plan.yaml.journal.json").read_text())["records"]
    assert [r["status"] for r in records if r["event"] == "call"][-2:] == ["started", "failed"]
    back = cli("run", str(plan_path), "--rollback", "--endpoint-url", aws)
    assert back.code == 0, back
    assert live(boto_client) == {"": rest}


def test_rollback_that_cannot_be_verified_is_exit_4_with_the_manual_calls(ready, cli, aws, boto_client):
    rest, http, tmp = ready
    plan = path_plan(rest, http)
    # a wrong rollback: it deletes a mapping the step never made, so "orders" stays on HTTP
    plan.steps[0].rollback = [Call("apigatewayv2", "delete_api_mapping", {"DomainName": DOMAIN, "ApiMappingId": {"lookup": "mapping_id", "key": "ordrs"}})]
    plan_path = write_plan(tmp, plan)
    put_metrics(boto_client("cloudwatch"), "shop", http, http_5xx=300)
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    assert result.code == 4, result
    assert "ROLLBACK NOT VERIFIED" in result.stderr and "mappings['orders'] is there, unplanned" in result.stderr
    assert "aws apigatewayv2 delete-api-mapping --region us-east-1 --domain-name 'api.example.com'" in result.stderr
    assert live(boto_client) == {"": rest, "orders": http}


def test_ctrl_c_during_the_bake_rolls_back_with_yes(ready, cli, aws, boto_client, monkeypatch):
    rest, http, tmp = ready
    plan_path = write_plan(tmp, path_plan(rest, http))
    from apigw_migrate.cutover import gates

    real = gates.evaluate
    seen = []

    def interrupt(*args, **kwargs):
        seen.append(1)
        if len(seen) == 2:  # during step 2's bake
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(gates, "evaluate", interrupt)
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    assert result.code == 130, result
    assert live(boto_client) == {"": rest}
    assert "rolled back to 100 % REST" in result.stderr


class Echo(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_secrets_stay_out_of_the_journal_and_the_json_stream(ready, cli, aws, monkeypatch):
    rest, http, tmp = ready
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Echo) for _ in range(2)]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    urls = ",".join(f"http://127.0.0.1:{s.server_address[1]}" for s in servers)
    (tmp / "samples.yaml").write_text(
        "- method: GET\n  path: /orders/1\n  headers:\n    Authorization: Bearer sekrit-token-123\n"
        "    x-api-key: key-456-value\n    Cookie: session=abc789\n"
    )
    plan = path_plan(rest, http)
    plan.gates.parity = Parity("samples.yaml")
    plan_path = write_plan(tmp, plan)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret-key")
    try:
        result = cli("run", str(plan_path), "--yes", "--output", "json", "--probe-urls", urls, "--endpoint-url", aws)
    finally:
        for s in servers:
            s.shutdown()
            s.server_close()
    assert result.code == 0, result
    events = [json.loads(line) for line in result.stdout.splitlines()]
    parity = [e for e in events if e["event"] == "parity"]
    assert len(parity) == 3 and parity[0]["samples"][0]["request"]["headers"]["Authorization"] == "<redacted>"
    assert any(g["name"] == "parity" and g["verdict"] == "pass" for e in events if e["event"] == "gate" for g in e["gates"])
    written = result.stdout + result.stderr + (tmp / "plan.yaml.journal.json").read_text()
    for secret in ("sekrit-token-123", "key-456-value", "abc789", "testing-secret-key"):
        assert secret not in written


def test_a_missing_parity_sample_file_is_exit_2_before_any_aws_call(ready, cli, aws, monkeypatch):
    rest, http, tmp = ready
    plan = path_plan(rest, http)
    plan.gates.parity = Parity("missing-samples.yaml")
    plan_path = write_plan(tmp, plan)
    log = count_calls(monkeypatch)
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    one_line_exit_2(result)
    assert "missing-samples.yaml" in result.stderr and "cannot read the parity samples" in result.stderr
    assert log.calls == []
