"""The cloudfront (stored percentage in a KeyValueStore) and route53 (weights) ladders on the local AWS,
each verified by reading the store or the records back, and rolled back on unhealthy metrics."""

from __future__ import annotations

import json

import pytest
from cutover_helpers import DOMAIN, REGION, count_calls, make_apis, put_metrics

from apigw_migrate.cutover import planfile
from apigw_migrate.cutover.model import ApiRef, Call, Domain, Gates, Plan, Step

REST_ORIGIN, HTTP_ORIGIN = "r1.execute-api.us-east-1.amazonaws.com", "h1.execute-api.us-east-1.amazonaws.com"


def kvs_plan(rest: str, http: str, arn: str) -> Plan:
    def put(value: str) -> Call:
        return Call("cloudfront-keyvaluestore", "put_key", {"KvsARN": arn, "Key": "http_percentage", "Value": value, "IfMatch": {"lookup": "kvs_etag"}}, "us-east-1")

    keys0 = {"http_origin": HTTP_ORIGIN, "http_percentage": "0", "rest_origin": REST_ORIGIN}
    first = Call("cloudfront-keyvaluestore", "update_keys", {"KvsARN": arn, "IfMatch": {"lookup": "kvs_etag"}, "Puts": [{"Key": k, "Value": v} for k, v in keys0.items()]}, "us-east-1")
    steps = [Step("origins stored (0% on HTTP)", 0.0, [first], {"kvs_arn": arn, "keys": keys0, "record": None}, [put("0")], 0)]
    for share in ("10", "50", "100"):
        steps.append(Step(f"{share}% on HTTP", float(share), [put(share)], {"kvs_arn": arn, "keys": {**keys0, "http_percentage": share}, "record": None}, [put("0")], 0))
    return Plan("cloudfront", "a true percentage", Domain(DOMAIN, REGION), ApiRef(rest, "prod", REGION, "shop"), ApiRef(http, "$default", REGION),
                {"kvs_arn": arn, "keys": {}, "record": None}, steps, Gates(min_requests=10), settings={})


@pytest.fixture
def store(boto_client):
    rest, http = make_apis(boto_client)
    arn = boto_client("cloudfront").create_key_value_store(Name="cutover")["KeyValueStore"]["ARN"]
    return rest, http, arn


def stored(boto_client, arn: str) -> dict:
    pages = boto_client("cloudfront-keyvaluestore").get_paginator("list_keys").paginate(KvsARN=arn)
    return {i["Key"]: i["Value"] for p in pages for i in p["Items"]}


def test_cloudfront_ladder_stores_the_percentage_and_locks_in_the_store(store, boto_client, cli, aws, tmp_path, monkeypatch):
    rest, http, arn = store
    put_metrics(boto_client("cloudwatch"), "shop", http)
    plan_path = tmp_path / "plan.yaml"
    planfile.write(kvs_plan(rest, http, arn), plan_path)
    log = count_calls(monkeypatch)
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    assert result.code == 0, result
    assert stored(boto_client, arn) == {"http_origin": HTTP_ORIGIN, "http_percentage": "100", "rest_origin": REST_ORIGIN}
    writes = [(op, p.get("Key", "")) for _, op, p in log.calls if op in ("put_key", "delete_key", "update_keys")]
    # the lock key is put and deleted around the ladder; each percentage is stored once
    assert writes == [("put_key", "apigw-migrate-lock"), ("update_keys", ""), ("put_key", "http_percentage"), ("put_key", "http_percentage"),
                      ("put_key", "http_percentage"), ("delete_key", "apigw-migrate-lock")]


def test_cloudfront_unhealthy_step_stores_zero(store, boto_client, cli, aws, tmp_path):
    rest, http, arn = store
    cw = boto_client("cloudwatch")
    put_metrics(cw, "shop", http)
    plan_path = tmp_path / "plan.yaml"
    planfile.write(kvs_plan(rest, http, arn), plan_path)
    assert cli("run", str(plan_path), "--yes", "--until", "2", "--endpoint-url", aws).code == 0
    assert stored(boto_client, arn)["http_percentage"] == "10"
    put_metrics(cw, "shop", http, http_5xx=300)
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    assert result.code == 1, result
    assert "5xx_rate failed" in result.stderr
    assert stored(boto_client, arn)["http_percentage"] == "0"


def test_cloudfront_lock_key_refuses_a_second_runner(store, boto_client, cli, aws, tmp_path):
    rest, http, arn = store
    kvs = boto_client("cloudfront-keyvaluestore")
    kvs.put_key(KvsARN=arn, Key="apigw-migrate-lock", Value="ci@runner-7 pid 99 since 2026-12-01T13:00:00Z", IfMatch=kvs.describe_key_value_store(KvsARN=arn)["ETag"])
    plan_path = tmp_path / "plan.yaml"
    planfile.write(kvs_plan(rest, http, arn), plan_path)
    result = cli("run", str(plan_path), "--yes", "--endpoint-url", aws)
    assert result.code == 2 and "locked by ci@runner-7 pid 99" in result.stderr, result


ZONE_NAME = "example.com."


def route53_plan(rest: str, http: str, zone: str) -> Plan:
    rest_target = {"HostedZoneId": "Z1UJRXOUMOOFQ8", "DNSName": "d-rest.execute-api.us-east-1.amazonaws.com", "EvaluateTargetHealth": False}
    http_target = {"HostedZoneId": "Z2OJLYMUO9EFXC", "DNSName": "d-http.execute-api.us-west-2.amazonaws.com", "EvaluateTargetHealth": False}

    def weights(rest_w: int, http_w: int) -> Call:
        return Call("route53", "change_resource_record_sets", {"HostedZoneId": zone, "ChangeBatch": {"Changes": [
            {"Action": "UPSERT", "ResourceRecordSet": {"Name": DOMAIN, "Type": "A", "SetIdentifier": "rest-us-east-1", "Weight": rest_w, "AliasTarget": rest_target}},
            {"Action": "UPSERT", "ResourceRecordSet": {"Name": DOMAIN, "Type": "A", "SetIdentifier": "http-us-west-2", "Weight": http_w, "AliasTarget": http_target}},
        ]}})

    def state(rest_w: int, http_w: int) -> dict:
        return {"hosted_zone_id": zone, "record": {"name": DOMAIN, "type": "A"}, "weights": {"http-us-west-2": http_w, "rest-us-east-1": rest_w}}

    steps = [Step(f"{s}% on HTTP", float(s), [weights(r, h)], state(r, h), [weights(255, 0)], 0) for s, r, h in ((5, 242, 13), (50, 127, 128), (100, 0, 255))]
    return Plan("route53", "two Regions", Domain(DOMAIN, REGION), ApiRef(rest, "prod", REGION, "shop"), ApiRef(http, "$default", REGION),
                state(255, 0), steps, Gates(min_requests=10), settings={"hosted_zone_id": zone, "record": {"name": DOMAIN, "type": "A"}})


def test_route53_ladder_moves_the_weights(boto_client, cli, aws, tmp_path):
    rest, http = make_apis(boto_client)
    put_metrics(boto_client("cloudwatch"), "shop", http)
    r53 = boto_client("route53")
    zone = r53.create_hosted_zone(Name=ZONE_NAME, CallerReference="t1")["HostedZone"]["Id"].split("/")[-1]
    plan = route53_plan(rest, http, zone)
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch=plan.steps[0].rollback[0].params["ChangeBatch"])
    plan_path = tmp_path / "plan.yaml"
    planfile.write(plan, plan_path)
    assert cli("run", str(plan_path), "--yes", "--until", "2", "--endpoint-url", aws).code == 0
    records = r53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    assert {r["SetIdentifier"]: r["Weight"] for r in records if "SetIdentifier" in r} == {"rest-us-east-1": 127, "http-us-west-2": 128}
    put_metrics(boto_client("cloudwatch"), "shop", http, http_5xx=400)
    result = cli("run", str(plan_path), "--yes", "--output", "json", "--endpoint-url", aws)
    assert result.code == 1, result
    records = r53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    assert {r["SetIdentifier"]: r["Weight"] for r in records if "SetIdentifier" in r} == {"rest-us-east-1": 255, "http-us-west-2": 0}
    assert json.loads(result.stdout.splitlines()[-1])["share"] == 0.0
