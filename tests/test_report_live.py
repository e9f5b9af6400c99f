"""`report --region`: every REST API stage read from AWS (moto) and its requests from CloudWatch."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

REGION = "us-east-1"


def build_api(make_client, name: str, stage: str, cache: str | None = None) -> str:
    apigw = make_client("apigateway")
    api = apigw.create_rest_api(name=name)
    apigw.put_method(restApiId=api["id"], resourceId=api["rootResourceId"], httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(
        restApiId=api["id"], resourceId=api["rootResourceId"], httpMethod="GET", type="HTTP_PROXY",
        integrationHttpMethod="GET", uri="https://example.com/",
    )
    apigw.create_deployment(restApiId=api["id"], stageName=stage)
    if cache:
        apigw.update_stage(
            restApiId=api["id"], stageName=stage,
            patchOperations=[{"op": "replace", "path": "/cacheClusterEnabled", "value": "true"},
                             {"op": "replace", "path": "/cacheClusterSize", "value": cache}],
        )
    return api["id"]


def put_counts(make_client, name: str, stage: str, days_and_counts: list[tuple[int, float]]) -> None:
    cw = make_client("cloudwatch")
    now = datetime.now(timezone.utc)
    cw.put_metric_data(
        Namespace="AWS/ApiGateway",
        MetricData=[
            {"MetricName": "Count", "Dimensions": [{"Name": "ApiName", "Value": name}, {"Name": "Stage", "Value": stage}],
             "Timestamp": now - timedelta(days=days), "Value": value, "Unit": "Count"}
            for days, value in days_and_counts
        ],
    )


@pytest.fixture
def env(aws):
    return {"APIGW_MIGRATE_MAX_ATTEMPTS": "1", "AWS_DEFAULT_REGION": REGION}


def test_live_report_prices_each_api_from_its_cloudwatch_count(cli, aws, env, boto_client, tmp_path):
    build_api(boto_client, "shop", "prod", cache="0.5")
    build_api(boto_client, "orders", "live")
    # 30 days back only: the datapoint 40 days old is outside the window and must not count.
    put_counts(boto_client, "shop", "prod", [(1, 200_000_000), (3, 100_000_000), (10, 50_000_000), (40, 999_000_000)])
    put_counts(boto_client, "orders", "live", [(2, 1_000_000)])
    put_counts(boto_client, "shop", "other-stage", [(2, 7_000_000)])  # another stage's traffic is not shop/prod's
    out = tmp_path / "live.md"
    r = cli("report", "--region", REGION, "--endpoint-url", aws, "-o", str(out), env=env)
    assert r.code == 0, r
    text = out.read_text()
    assert "Requests per API: CloudWatch Count, last 30 days (us-east-1)." in text
    apis = text[text.index("## APIs") :]
    # shop: 350 M requests → REST 333 M × $3.50 + 17 M × $2.80 = $1,213.10 + cache $14.60
    rows = {l.split(" | ")[0]: l for l in apis.splitlines() if l.startswith("| ")}
    assert "| $1,227.70 |" in rows["| shop (prod)"]
    assert "| $3.50 |" in rows["| orders (live)"]
    assert "| Requests (351,000,000) |" in text
    assert "| shop | prod | 0.5 GB | $14.60 |" in text


def test_live_report_with_no_api_says_so(cli, aws, env):
    r = cli("report", "--region", REGION, "--endpoint-url", aws, env=env)
    assert r.code == 0, r
    assert "0 APIs" in r.stdout


def test_live_report_maps_aws_errors_to_exit_3(cli, env):
    # Nothing listens on port 9 of the loopback address: the endpoint is unreachable.
    r = cli("report", "--region", REGION, "--endpoint-url", "http://127.0.0.1:9", env=env)
    assert r.code == 3 and r.stderr.count("\n") == 1, r
