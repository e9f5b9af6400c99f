"""`plan` against the local AWS (moto plus migrate/localaws.py): a REST and an HTTP API on one domain.

Besides planning, the tests apply each step's calls the way `run` will (lookups resolved just
before the call) and read the state back with the strategy's `read_state`: every step's `verify` and
every rollback must be what AWS then shows. Golden plans have the generated ids replaced by names.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from plan_live_helpers import ACCOUNT, DOMAIN, Clients, Executor, build_shop
from test_plan_offline import compare_golden

from apigw_migrate.cutover import planfile
from apigw_migrate.cutover.strategies import module


@pytest.fixture
def make(aws, boto_client, monkeypatch):
    """boto3 clients on the freshly reset local AWS; `make.url` is its endpoint, for the CLI."""
    monkeypatch.setenv("APIGW_MIGRATE_MAX_ATTEMPTS", "1")

    def client(service: str, region: str = "us-east-1"):
        return boto_client(service, region)

    client.url = aws  # type: ignore[attr-defined]
    return client


def plan_args(make, shop, *extra: str, region: str = "us-east-1") -> list[str]:
    return ["plan", "--endpoint-url", make.url, "--region", region, "--domain", DOMAIN, "--rest-api-id", shop.rest_id,
            "--rest-stage", "prod", "--http-api-id", shop.http_id, *extra]


def group_apis(make, *names: str, region: str = "us-east-1") -> list[str]:
    """An HTTP API per route group (serving it re-rooted), as the user deploys them from the plan's group definitions."""
    v2 = make("apigatewayv2", region)
    args = []
    for name in names:
        api = v2.create_api(Name=f"shop-{name}", ProtocolType="HTTP")["ApiId"]
        v2.create_stage(ApiId=api, StageName="$default")
        args += ["--group-api", f"{name}={api}"]
    return args


def normalized(text: str, shop, extra: dict[str, str] | None = None) -> str:
    names = {shop.rest_id: "REST_API_ID", shop.http_id: "HTTP_API_ID", shop.zone_id: "ZONE_ID", **(extra or {})}
    for value, name in sorted(names.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(value, name)
    return text


def test_auto_plans_path_live_from_cloudwatch_counts(cli, make, tmp_path: Path) -> None:
    shop = build_shop(make)
    groups = group_apis(make, "carts", "health", "orders")
    out = tmp_path / "plan.yaml"
    result = cli(*plan_args(make, shop, *groups, "-o", str(out)))
    assert result.code == 0, result
    plan = planfile.load(out).plan
    assert plan.strategy == "path"
    assert plan.settings["shares_from"] == "cloudwatch"
    # 2,700 requests: carts 200, health 400, orders 2,000, the root 100; lightest first
    assert [(s.groups[-1], s.share) for s in plan.steps] == [("carts", 7.41), ("health", 22.22), ("orders", 96.3), ("", 100.0)]
    ids = {v: f"GROUP_{k.upper()}_ID" for k, v in (g.split("=") for g in groups[1::2])}
    compare_golden("path.live.plan.yaml", normalized(out.read_text(), shop, ids))


def test_path_steps_read_back_as_verified_and_roll_back_to_the_baseline(cli, make, tmp_path: Path) -> None:
    shop = build_shop(make)
    out = tmp_path / "plan.yaml"
    assert cli(*plan_args(make, shop, *group_apis(make, "carts", "health", "orders"), "-o", str(out))).code == 0
    plan = planfile.load(out).plan
    strategy, clients, run = module("path"), Clients(make), Executor(make, plan)
    assert strategy.read_state(clients, plan) == plan.baseline
    run.apply(plan.steps[0].calls)
    run.apply(plan.steps[1].calls)
    assert strategy.read_state(clients, plan) == plan.steps[1].verify
    run.apply(plan.steps[1].rollback)
    assert strategy.read_state(clients, plan) == plan.baseline
    for step in plan.steps:
        run.apply(step.calls)
        assert strategy.read_state(clients, plan) == step.verify, step.name
    run.apply(plan.steps[-1].rollback)  # the root switch back is one update_api_mapping
    assert strategy.read_state(clients, plan) == plan.baseline


def test_a_missing_lambda_permission_fails_preflight(cli, make, tmp_path: Path) -> None:
    shop = build_shop(make, grant=("shop-home", "shop-orders"))
    out = tmp_path / "plan.yaml"
    result = cli(*plan_args(make, shop, *group_apis(make, "carts", "health", "orders"), "-o", str(out)))
    assert result.code == 1, result
    assert not out.exists()
    lines = result.stderr.splitlines()
    (at,) = [i for i, line in enumerate(lines) if "PRE301" in line]
    assert f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:shop-carts" in lines[at] and shop.http_id in lines[at]
    assert "fix:" in lines[at + 1] and "add-permission" in lines[at + 1]


def test_route53_plans_weights_across_two_regions_and_they_apply(cli, make, tmp_path: Path) -> None:
    shop = build_shop(make, http_region="eu-west-1")
    make("apigatewayv2", "eu-west-1").create_domain_name(DomainName=DOMAIN, DomainNameConfigurations=[{
        "CertificateArn": f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/eu", "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}])
    make("apigatewayv2", "eu-west-1").create_api_mapping(DomainName=DOMAIN, ApiId=shop.http_id, Stage="$default", ApiMappingKey="")
    out = tmp_path / "plan.yaml"
    result = cli(*plan_args(make, shop, "--http-region", "eu-west-1", "--steps", "5,50,100", "-o", str(out)))
    assert result.code == 0, result
    plan = planfile.load(out).plan
    assert plan.strategy == "route53"
    assert "us-east-1" in plan.why and "eu-west-1" in plan.why
    assert "(not path: " in plan.why and "a mapping joins a domain and an API of one Region" in plan.why
    targets = {}
    for region in ("us-east-1", "eu-west-1"):
        config = make("apigatewayv2", region).get_domain_name(DomainName=DOMAIN)["DomainNameConfigurations"][0]
        targets[config["ApiGatewayDomainName"]] = f"TARGET_{region.upper().replace('-', '_')}"
    compare_golden("route53.live.plan.yaml", normalized(out.read_text(), shop, targets))

    strategy, clients, run = module("route53"), Clients(make), Executor(make, plan)
    assert strategy.read_state(clients, plan) == plan.baseline == {
        "hosted_zone_id": shop.zone_id, "record": {"name": DOMAIN, "type": "A"}, "weights": {}}
    for step in plan.steps[:3]:
        run.apply(step.calls)
        assert strategy.read_state(clients, plan) == step.verify, step.name
    assert plan.steps[2].verify["weights"] == {"http-eu-west-1": 128, "rest-us-east-1": 127}
    run.apply(plan.steps[2].rollback)  # one atomic change: the weighted pair out, the plain record back
    assert strategy.read_state(clients, plan) == plan.baseline
    records = make("route53").list_resource_record_sets(HostedZoneId=shop.zone_id)["ResourceRecordSets"]
    (plain,) = [r for r in records if r["Type"] == "A"]
    assert "SetIdentifier" not in plain and plain["AliasTarget"]["DNSName"].rstrip(".") in targets


def test_route53_in_one_region_is_refused_with_the_reason_and_the_alternatives_U(cli, make, tmp_path: Path) -> None:
    shop = build_shop(make)
    result = cli(*plan_args(make, shop, "--strategy", "route53", "-o", str(tmp_path / "plan.yaml")))
    assert result.code == 2, result
    assert "unique within a Region" in result.stderr
    assert "--strategy path" in result.stderr and "--strategy cloudfront" in result.stderr
    assert not (tmp_path / "plan.yaml").exists()


def test_an_edge_optimized_domain_gets_cloudfront(cli, make, tmp_path: Path) -> None:
    shop = build_shop(make, domain_type="EDGE")
    out = tmp_path / "plan.yaml"
    result = cli(*plan_args(make, shop, "-o", str(out)))
    assert result.code == 0, result
    plan = planfile.load(out).plan
    assert plan.strategy == "cloudfront"
    assert "edge-optimized" in plan.why
    assert {"PRE701", "PRE702"} <= {p.rule for p in plan.preflight}
    assert plan.domain.endpoint_type == "EDGE"
    # the path strategy fails preflight, naming why and the fix; --force records it
    result = cli(*plan_args(make, shop, "--strategy", "path", "-o", str(tmp_path / "p.yaml")))
    assert result.code == 1 and "PRE102 blocker" in result.stderr, result
    result = cli(*plan_args(make, shop, "--strategy", "path", "--force", "-o", str(tmp_path / "p.yaml")))
    assert result.code == 0, result
    forced = planfile.load(tmp_path / "p.yaml").plan
    assert forced.forced and forced.why.startswith("chosen with --strategy path, although")


def test_cloudfront_steps_store_the_percentage_and_read_back(cli, make, tmp_path: Path) -> None:
    shop = build_shop(make)
    out = tmp_path / "plan.yaml"
    result = cli(*plan_args(make, shop, "--strategy", "cloudfront", "--preset", "Canary10Percent5Minutes", "-o", str(out)))
    assert result.code == 0, result
    plan = planfile.load(out).plan
    # the stack the plan's template describes, stood in for by a store made directly
    arn = make("cloudfront").create_key_value_store(Name="shop-split")["KeyValueStore"]["ARN"]
    outputs = {"KeyValueStoreArn": arn, "DistributionDomainName": "d111111abcdef8.cloudfront.net"}
    run = Executor(make, plan, outputs)
    plan.baseline["kvs_arn"] = arn  # a literal ARN is allowed in a plan too; read_state then needs no stack
    strategy, clients = module("cloudfront"), Clients(make)
    for step in plan.steps:
        run.apply(step.calls)
        assert strategy.read_state(clients, plan) == run.state(step.verify), step.name
    assert strategy.read_state(clients, plan)["keys"]["http_percentage"] == "100"
    run.apply(plan.steps[1].rollback)
    assert strategy.read_state(clients, plan)["keys"]["http_percentage"] == "0"
    run.apply(plan.steps[0].rollback)
    assert strategy.read_state(clients, plan)["record"]["target"] == plan.baseline["record"]["target"]


def test_the_http_api_and_its_stage_must_exist(cli, make, tmp_path: Path) -> None:
    shop = build_shop(make)
    args = plan_args(make, shop, "-o", str(tmp_path / "plan.yaml"))
    result = cli(*[a if a != shop.http_id else "nohttp01" for a in args])
    assert result.code == 1 and "PRE201" in result.stderr, result
    result = cli(*args, "--http-stage", "live")
    assert result.code == 1 and "PRE202" in result.stderr, result


STAND_INS = {
    "mapping_id": "m1a2b3",
    "kvs_etag": "ETAG1",
    "KeyValueStoreArn": "arn:aws:cloudfront::123456789012:key-value-store/0c5c0b8e-0000-0000-0000-000000000000",
    "DistributionDomainName": "d111111abcdef8.cloudfront.net",
}


@pytest.mark.skipif(os.environ.get("APIGW_MIGRATE_UPDATE_GOLDEN") == "1", reason="golden run")
def test_every_call_of_every_golden_passes_botocore_stubber_validation() -> None:
    """Stubber checks each call's parameters against the service model (lookups stand in as strings),
    including the calls the local AWS does not check itself."""
    import boto3
    from botocore.exceptions import ClientError
    from botocore.stub import Stubber

    from test_plan_offline import GOLDEN

    seen = set()
    for golden in sorted(GOLDEN.glob("*.plan.yaml")):
        plan = planfile.load(golden).plan
        for step in plan.steps:
            for call in [*step.calls, *step.rollback]:
                client = boto3.client(call.service, region_name="us-east-1")
                params = Executor(None, plan, STAND_INS).resolve_offline(call.params)
                with Stubber(client) as stub:
                    # an error reply: the request is still built and validated against the model first
                    stub.add_client_error(call.operation, "Stubbed", expected_params=params)
                    with pytest.raises(ClientError, match="Stubbed"):
                        getattr(client, call.operation)(**params)
                    stub.assert_no_pending_responses()
                seen.add((call.service, call.operation))
    assert {("apigatewayv2", "update_api_mapping"), ("cloudfront-keyvaluestore", "put_key"),
            ("cloudfront-keyvaluestore", "update_keys"), ("route53", "change_resource_record_sets")} <= seen


def test_aws_errors_exit_3_with_one_line(cli, make, tmp_path: Path) -> None:
    shop = build_shop(make, metrics=False)
    args = plan_args(make, shop, "-o", str(tmp_path / "plan.yaml"))
    result = cli(*[a if a != shop.rest_id else "norest0001" for a in args])
    assert result.code == 3, result
    assert len(result.stderr.strip().splitlines()) == 1 and "norest0001" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_metrics_shares_are_equal_and_said_so(cli, make, tmp_path: Path) -> None:
    shop = build_shop(make, metrics=False)
    out = tmp_path / "plan.yaml"
    result = cli(*plan_args(make, shop, *group_apis(make, "carts", "health", "orders"), "-o", str(out)))
    assert result.code == 0, result
    plan = planfile.load(out).plan
    assert plan.settings["shares_from"] == "equal"
    assert [s.share for s in plan.steps] == [25.0, 50.0, 75.0, 100.0]
    assert "Group shares are equal" in out.read_text().split("plan_version")[0]
    assert "PRE601" in result.stderr  # no REST data: the gates would have nothing to compare


def test_path_needs_the_rest_stage_mapped_on_the_domain(cli, make, tmp_path: Path) -> None:
    shop = build_shop(make)
    v2 = make("apigatewayv2")
    (mapping,) = v2.get_api_mappings(DomainName=DOMAIN)["Items"]
    v2.delete_api_mapping(DomainName=DOMAIN, ApiMappingId=mapping["ApiMappingId"])
    result = cli(*plan_args(make, shop, "--strategy", "path", "-o", str(tmp_path / "plan.yaml")))
    assert result.code == 1, result
    assert f"PRE106 blocker: no mapping on {DOMAIN} serves REST API {shop.rest_id} stage prod" in result.stderr
