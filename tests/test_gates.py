"""Gates: CloudWatch queries with each API's own names and dimensions (Stubber for exact shapes, the
local server for values), verdicts from rates, and the parity probe against two local HTTP servers."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.stub import Stubber
from cutover_helpers import make_apis, path_plan, put_metrics

from apigw_migrate.cutover import gates
from apigw_migrate.cutover.model import Gates, Parity

END = dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.timezone.utc)


class OneClient:
    def __init__(self, client):
        self.made = client

    def client(self, service, region=None):
        return self.made


def test_metric_queries_use_each_apis_names_and_dimensions():
    import boto3

    plan = path_plan("r1", "h1")
    cw = boto3.client("cloudwatch", region_name="us-east-1")
    rest_dims = [{"Name": "ApiName", "Value": "shop"}, {"Name": "Stage", "Value": "prod"}]
    http_dims = [{"Name": "ApiId", "Value": "h1"}, {"Name": "Stage", "Value": "$default"}]

    def expected(side, dims, names):
        return [
            {"Id": f"{side}_{qid}", "MetricStat": {"Metric": {"Namespace": "AWS/ApiGateway", "MetricName": name, "Dimensions": dims}, "Period": 300, "Stat": stat}, "ReturnData": True}
            for qid, name, stat in zip(("count", "e5xx", "e4xx", "avg", "p99"), names, ("Sum", "Sum", "Sum", "Average", "p99"))
        ]

    with Stubber(cw) as stub:
        for side, dims, names in (("rest", rest_dims, ["Count", "5XXError", "4XXError", "Latency", "Latency"]), ("http", http_dims, ["Count", "5xx", "4xx", "Latency", "Latency"])):
            stub.add_response(
                "get_metric_data",
                {"MetricDataResults": [{"Id": f"{side}_count", "Values": [400.0]}, {"Id": f"{side}_e5xx", "Values": [4.0]}, {"Id": f"{side}_p99", "Values": [90.0]}]},
                {"MetricDataQueries": expected(side, dims, names), "StartTime": END - dt.timedelta(seconds=300), "EndTime": END},
            )
        metrics = gates.read_metrics(OneClient(cw), plan, 300, END)
        stub.assert_no_pending_responses()
    assert metrics["http"] == {"count": 400.0, "e5xx": 4.0, "p99": 90.0}


def test_alarm_gate_parameter_shape_and_verdicts():
    import boto3

    plan = path_plan("r1", "h1")
    cw = boto3.client("cloudwatch", region_name="us-east-1")
    with Stubber(cw) as stub:
        stub.add_response("describe_alarms", {"MetricAlarms": [{"AlarmName": "shop-5xx", "StateValue": "ALARM"}, {"AlarmName": "shop-p99", "StateValue": "OK"}]}, {"AlarmNames": ["shop-5xx", "shop-p99", "gone"]})
        verdicts = gates.alarm_verdicts(OneClient(cw), plan, Gates(alarms=["shop-5xx", "shop-p99", "gone"]))
    assert [(v.name, v.verdict) for v in verdicts] == [("alarm shop-5xx", "fail"), ("alarm shop-p99", "pass"), ("alarm gone", "fail")]


def metrics(http_count=1000.0, http_5xx=1.0, rest_count=1000.0, rest_5xx=1.0, http_p99=100.0, rest_p99=100.0):
    return {
        "http": {"count": http_count, "e5xx": http_5xx, "e4xx": 0.0, "avg": 50.0, "p99": http_p99},
        "rest": {"count": rest_count, "e5xx": rest_5xx, "e4xx": 0.0, "avg": 50.0, "p99": rest_p99},
    }


def by_name(verdicts):
    return {v.name: v for v in verdicts}


def test_rates_not_counts_compare_a_small_share_fairly():
    # 5 errors in 500 HTTP requests is the same 1 % rate as 50 in 5000 on REST: a pass on the ratio
    found = by_name(gates.judge(Gates(max_5xx_rate=0.02), metrics(http_count=500, http_5xx=5, rest_count=5000, rest_5xx=50)))
    assert found["5xx_rate"].value == pytest.approx(0.01) and found["5xx_rate"].rest_value == pytest.approx(0.01)
    assert found["5xx_ratio"].value == pytest.approx(1.0) and found["5xx_ratio"].verdict == "pass"


def test_ratio_is_skipped_while_rest_has_no_errors_and_the_ceiling_judges():
    found = by_name(gates.judge(Gates(), metrics(http_5xx=5, rest_5xx=0)))
    assert "5xx_ratio" not in found and found["5xx_rate"].verdict == "pass"


def test_too_few_requests_is_insufficient_never_a_pass():
    verdicts = gates.judge(Gates(min_requests=100), metrics(http_count=99))
    assert [(v.name, v.verdict) for v in verdicts] == [("requests", "insufficient")]
    assert gates.overall(verdicts) == "insufficient"


def test_no_rest_traffic_left_leaves_ceilings_only():
    found = by_name(gates.judge(Gates(), metrics(rest_count=0, rest_5xx=0, http_p99=2000)))
    assert found["p99_ms"].verdict == "fail" and "p99_ratio" not in found and "avg_latency_ratio" not in found


def test_p99_from_the_local_server(boto_client):
    rest, http = make_apis(boto_client)
    put_metrics(boto_client("cloudwatch"), "shop", http, http_p99=900)
    found = gates.read_metrics(OneClient(boto_client("cloudwatch")), path_plan(rest, http), 300, dt.datetime.now(dt.timezone.utc))
    assert found["http"]["p99"] == 900.0 and found["rest"]["p99"] == 118.0
    assert found["http"]["count"] == 500.0 and found["rest"]["e5xx"] == 2.0


# --- the parity probe --------------------------------------------------------------------------------


def serve(answer):
    """A local HTTP server on 127.0.0.1 answering every request with answer(path) → (status, headers, body); records requests."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append({k.lower(): v for k, v in self.headers.items()})
            status, headers, body = answer(self.path)
            data = json.dumps(body).encode()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}", seen


@pytest.fixture
def two_servers():
    servers = []

    def start(rest_answer, http_answer):
        a, rest_url, rest_seen = serve(rest_answer)
        b, http_url, _ = serve(http_answer)
        servers.extend([a, b])
        return rest_url, http_url, rest_seen

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


SAMPLES = [
    {"method": "GET", "path": "/orders/1", "headers": {"Authorization": "Bearer sekrit-token-123", "x-api-key": "key-456", "Cookie": "session=abc789"}},
    {"method": "GET", "path": "/orders"},
]


def order(path):
    return {"id": path, "items": [1, 2], "timestamp": "2026-12-01T14:00:00Z"}


def test_parity_alike_when_both_answer_alike(two_servers):
    rest_url, http_url, seen = two_servers(
        lambda p: (200, {"Content-Type": "application/json"}, order(p)),
        # header names in another case are the same header (HTTP APIs send them lower-case); the ignored field differs
        lambda p: (200, {"content-type": "application/json"}, {**order(p), "timestamp": "later"}),
    )
    verdict, records = gates.probe(SAMPLES, rest_url, http_url, Parity("s.yaml", ["content-type"], ["root['timestamp']"]))
    assert verdict.verdict == "pass" and verdict.value == 0.0, records
    assert seen[0]["authorization"] == "Bearer sekrit-token-123"  # the real value is sent...
    text = json.dumps(records)
    for secret in ("sekrit-token-123", "key-456", "abc789"):  # ...and never recorded
        assert secret not in text
    assert records[0]["request"]["headers"]["Authorization"] == "<redacted>"


def test_parity_finds_a_changed_header_value_case_and_a_missing_field(two_servers):
    rest_url, http_url, _ = two_servers(
        lambda p: (200, {"Content-Type": "application/json"}, order(p)),
        lambda p: (200, {"Content-Type": "Application/JSON"}, {k: v for k, v in order(p).items() if k != "items"}),
    )
    verdict, records = gates.probe(SAMPLES, rest_url, http_url, Parity("s.yaml", ["content-type"], ["root['timestamp']"]))
    assert verdict.verdict == "fail" and verdict.value == 2.0
    differences = records[0]["differences"]
    assert any(d.startswith("header content-type") for d in differences)
    assert any("root['items']" in d for d in differences)


def test_parity_status_difference_and_unreachable(two_servers):
    rest_url, http_url, _ = two_servers(lambda p: (200, {}, {}), lambda p: (404, {}, {"message": "Not Found"}))
    verdict, records = gates.probe(SAMPLES[1:], rest_url, http_url, Parity("s.yaml"))
    assert verdict.verdict == "fail" and "status 200 on REST, 404 on HTTP" in records[0]["differences"]
    verdict, records = gates.probe(SAMPLES[1:], rest_url, "http://127.0.0.1:9", Parity("s.yaml"))
    assert verdict.verdict == "fail" and records[0]["differences"][0].startswith("no answer")


def test_invoke_urls():
    plan = path_plan("r1", "h1")
    assert gates.invoke_urls(plan) == ("https://r1.execute-api.us-east-1.amazonaws.com/prod", "https://h1.execute-api.us-east-1.amazonaws.com")



def test_a_step_at_0_percent_is_judged_by_alarms_only():
    import boto3

    cw = boto3.client("cloudwatch", region_name="us-east-1")
    with Stubber(cw) as stub:  # no get_metric_data: nothing is expected on HTTP at 0 %
        stub.add_response("describe_alarms", {"MetricAlarms": [{"AlarmName": "shop-5xx", "StateValue": "OK"}]}, {"AlarmNames": ["shop-5xx"]})
        verdicts = gates.evaluate(OneClient(cw), path_plan("r1", "h1"), Gates(alarms=["shop-5xx"]), END, http_share=0.0)
        stub.assert_no_pending_responses()
    assert [(v.name, v.verdict) for v in verdicts] == [("requests", "pass"), ("alarm shop-5xx", "pass")]


def test_a_path_step_is_judged_on_every_group_api_that_serves_it(boto_client):
    # A base path mapping strips its key, so each moved group is served by an HTTP API of its own; the
    # group's failing API must fail the gate even while the plan's main HTTP API is healthy.
    plan = path_plan("r1", "h-main")
    plan.settings = {"groups": {"orders": {"mapping": "orders", "api_id": "h-orders"}}}
    cw = boto_client("cloudwatch")
    put_metrics(cw, "shop", "h-main", http_5xx=0, count=500)
    put_metrics(cw, "shop", "h-orders", http_5xx=100, count=500, http_p99=900)
    end = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=60)

    main_only = gates.read_metrics(OneClient(cw), plan, 600, end)
    both = gates.read_metrics(OneClient(cw), plan, 600, end, groups=["orders"])

    assert main_only["http"]["count"] == 500 and main_only["http"]["e5xx"] == 0
    assert both["http"]["count"] == 1000 and both["http"]["e5xx"] == 100
    assert both["http"]["p99"] >= 900  # the worst API's p99, not an average of percentiles
    verdicts = by_name(gates.judge(Gates(min_requests=10, max_5xx_rate=0.01), both))
    assert verdicts["5xx_rate"].verdict == "fail"


def test_several_apis_combine_counts_weighted_latency_and_worst_p99():
    combined = gates.combine([
        {"count": 900.0, "e5xx": 9.0, "e4xx": None, "avg": 10.0, "p99": 50.0},
        {"count": 100.0, "e5xx": 1.0, "e4xx": 4.0, "avg": 110.0, "p99": 400.0},
    ])
    assert combined == {"count": 1000.0, "e5xx": 10.0, "e4xx": 4.0, "p99": 400.0, "avg": pytest.approx(20.0)}
