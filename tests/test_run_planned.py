"""`plan` then `run` on the local AWS: the plan the plan command writes runs to its last step, and
rolls back to the baseline, read back from the server."""

from __future__ import annotations

from cutover_helpers import put_metrics
from plan_live_helpers import DOMAIN, build_shop

from apigw_migrate.cutover import planfile


def test_a_written_path_plan_runs_and_rolls_back(cli, aws, boto_client, tmp_path, monkeypatch):
    monkeypatch.setenv("APIGW_MIGRATE_MAX_ATTEMPTS", "1")
    shop = build_shop(boto_client)
    groups = []
    for name in ("carts", "health", "orders"):  # an HTTP API per route group, serving it re-rooted
        api = boto_client("apigatewayv2").create_api(Name=f"shop-{name}", ProtocolType="HTTP")["ApiId"]
        boto_client("apigatewayv2").create_stage(ApiId=api, StageName="$default")
        groups += ["--group-api", f"{name}={api}"]
    out = tmp_path / "plan.yaml"
    planned = cli("plan", "--endpoint-url", aws, "--region", "us-east-1", "--domain", DOMAIN, "--rest-api-id", shop.rest_id,
                  "--rest-stage", "prod", "--http-api-id", shop.http_id, "--strategy", "path", "--bake", "0", *groups, "-o", str(out))
    assert planned.code == 0, planned
    plan = planfile.load(out).plan
    assert plan.strategy == "path" and len(plan.steps) >= 2
    # the plan's own gates, with enough synthetic requests for its min_requests
    put_metrics(boto_client("cloudwatch"), "shop", shop.http_id, count=max(plan.gates.min_requests, 500))

    def mappings():
        items = boto_client("apigatewayv2").get_api_mappings(DomainName=DOMAIN)["Items"]
        return {m["ApiMappingKey"]: m["ApiId"] for m in items}

    middle = len(plan.steps) - 1
    assert cli("run", str(out), "--yes", "--until", str(middle), "--endpoint-url", aws).code == 0
    assert {k: v["api_id"] for k, v in plan.steps[middle - 1].verify["mappings"].items()} == mappings()
    back = cli("run", str(out), "--rollback", "--endpoint-url", aws)
    assert back.code == 0, back
    assert mappings() == {"": shop.rest_id}
    done = cli("run", str(out), "--yes", "--endpoint-url", aws)
    assert done.code == 0, done
    assert mappings() == {k: v["api_id"] for k, v in plan.steps[-1].verify["mappings"].items()}


def test_a_written_cloudfront_plan_runs_with_its_stack_outputs(cli, aws, boto_client, tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("APIGW_MIGRATE_MAX_ATTEMPTS", "1")
    shop = build_shop(boto_client)
    out = tmp_path / "plan.yaml"
    planned = cli("plan", "--endpoint-url", aws, "--region", "us-east-1", "--domain", DOMAIN, "--rest-api-id", shop.rest_id,
                  "--rest-stage", "prod", "--http-api-id", shop.http_id, "--strategy", "cloudfront", "--steps", "10,100", "--bake", "0",
                  "-o", str(out))
    assert planned.code == 0, planned
    plan = planfile.load(out).plan
    # the stack the plan names, deployed: its outputs are what the plan's lookups read
    arn = boto_client("cloudfront").create_key_value_store(Name="shop-split")["KeyValueStore"]["ARN"]
    boto_client("cloudformation").create_stack(StackName=plan.settings["stack"], TemplateBody=json.dumps({
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"KeyValueStoreArn": {"Value": arn}, "DistributionDomainName": {"Value": "d111111abcdef8.cloudfront.net"}},
    }))
    put_metrics(boto_client("cloudwatch"), "shop", shop.http_id, count=max(plan.gates.min_requests, 500))
    result = cli("run", str(out), "--yes", "--endpoint-url", aws)
    assert result.code == 0, result
    assert boto_client("cloudfront-keyvaluestore").get_key(KvsARN=arn, Key="http_percentage")["Value"] == "100"
    records = boto_client("route53").list_resource_record_sets(HostedZoneId=shop.zone_id)["ResourceRecordSets"]
    assert [r["AliasTarget"]["DNSName"].rstrip(".") for r in records if r["Name"] == DOMAIN + "." and r["Type"] == "A"] == ["d111111abcdef8.cloudfront.net"]
    back = cli("run", str(out), "--rollback", "--endpoint-url", aws)
    assert back.code == 0, back
    assert boto_client("cloudfront-keyvaluestore").get_key(KvsARN=arn, Key="http_percentage")["Value"] == "0"
    records = boto_client("route53").list_resource_record_sets(HostedZoneId=shop.zone_id)["ResourceRecordSets"]
    target = [r["AliasTarget"]["DNSName"].rstrip(".").lower() for r in records if r["Name"] == DOMAIN + "." and r["Type"] == "A"]
    assert target == [plan.baseline["record"]["target"]]
