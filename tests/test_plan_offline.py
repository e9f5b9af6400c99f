"""`plan --from-bundle`: strategies, groups and shares, preflight, the files written, goldens, --explain.

Golden plans live in tests/data/plan/golden/. Regenerate with APIGW_MIGRATE_UPDATE_GOLDEN=1: that run
writes them and skips the comparison (a compare against what it just wrote proves nothing); review
the diff, then run again.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from conftest import DATA, FIXTURES

from apigw_migrate.cutover import planfile

SHOP = DATA / "plan" / "shop.bundle.json"
GOLDEN = DATA / "plan" / "golden"
BASE = ["plan", "--from-bundle", str(SHOP), "--domain", "api.shop.example.com", "--rest-api-id", "a1b2c3d4e5",
        "--rest-stage", "prod", "--http-api-id", "h1j2k3l4m5"]
GROUP_APIS = ["--group-api", "carts=gcarts0001", "--group-api", "catalog=gcatalog01", "--group-api", "health=ghealth001",
              "--group-api", "orders=gorders001"]


def compare_golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("APIGW_MIGRATE_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        pytest.skip(f"wrote {golden.name}; review the diff and run the tests again")
    if not golden.exists():
        pytest.fail(f"no golden {golden.name}; create it with APIGW_MIGRATE_UPDATE_GOLDEN=1 and review it")
    assert text == golden.read_text(encoding="utf-8")


@pytest.fixture
def http_definition(cli, tmp_path: Path) -> Path:
    """The converted HTTP API document of the shop bundle, as a user gets it from convert."""
    out = tmp_path / "shop-http.yaml"
    result = cli("convert", str(SHOP), "-o", str(out))
    assert result.code == 0, result
    return out


def test_path_plan_matches_its_golden(cli, tmp_path: Path, http_definition: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = cli(*BASE, *GROUP_APIS, "--http-definition", str(http_definition), "-o", str(out))
    assert result.code == 0, result
    compare_golden("path.plan.yaml", out.read_text())


def test_cloudfront_plan_matches_its_golden(cli, tmp_path: Path, http_definition: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = cli(*BASE, "--strategy", "cloudfront", "--hosted-zone-id", "Z0SHOP", "--client-key", "cookie:session",
                 "--preset", "Canary10Percent5Minutes", "--http-definition", str(http_definition), "-o", str(out))
    assert result.code == 0, result
    compare_golden("cloudfront.plan.yaml", out.read_text())
    assert (tmp_path / "plan.cloudfront.js").read_text().startswith("import cf from 'cloudfront';\n")


def test_path_plan_moves_the_lightest_groups_first_and_shows_the_cumulative_share(cli, tmp_path: Path) -> None:
    counts = tmp_path / "counts.json"
    counts.write_text(json.dumps({"GET /orders": 500, "POST /orders": 100, "GET /orders/{orderId}": 400, "GET /carts/{cartId}": 50,
                                  "PUT /carts/{cartId}": 50, "GET /catalog/items": 300, "GET /catalog/items/{sku}": 300,
                                  "GET /health": 200, "GET /": 100}))
    out = tmp_path / "plan.yaml"
    result = cli(*BASE, *GROUP_APIS, "--route-counts", str(counts), "-o", str(out))
    assert result.code == 0, result
    plan = planfile.load(out).plan
    # carts 100, health 200, catalog 600, orders 1000, root 100 of 2000 requests
    assert [s.groups[-1] for s in plan.steps[:-1]] == ["carts", "health", "catalog", "orders"]
    assert [s.share for s in plan.steps] == [5.0, 15.0, 45.0, 95.0, 100.0]
    assert plan.settings["shares_from"] == "access-logs"
    assert "access logs" in out.read_text().split("plan_version")[0]


def test_steps_batch_groups_to_reach_each_share(cli, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = cli(*BASE, *GROUP_APIS, "--steps", "30,70,100", "-o", str(out))
    assert result.code == 0, result
    plan = planfile.load(out).plan
    # five equal groups of 20%: 40% reaches 30, 80% reaches 70, then the root switch
    assert [(s.share, len(s.calls)) for s in plan.steps] == [(40.0, 2), (80.0, 2), (100.0, 5)]
    last = plan.steps[-1]
    assert last.calls[0].operation == "update_api_mapping"
    assert [c.operation for c in last.calls[1:]] == ["delete_api_mapping"] * 4
    assert last.rollback[0].params["ApiId"] == "a1b2c3d4e5"


def test_every_step_verifies_the_whole_mapping_table_and_rolls_back_to_the_baseline(cli, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    assert cli(*BASE, *GROUP_APIS, "-o", str(out)).code == 0
    plan = planfile.load(out).plan
    assert plan.baseline == {"mappings": {"": {"api_id": "a1b2c3d4e5", "stage": "prod"}}}
    for step in plan.steps[:-1]:
        added = [c.params["ApiMappingKey"] for s in plan.steps[: plan.steps.index(step) + 1] for c in s.calls]
        assert set(step.verify["mappings"]) == {"", *added}
        # undoing a step deletes exactly the mappings added so far, by key, newest first
        assert [c.params["ApiMappingId"] for c in step.rollback] == [{"lookup": "mapping_id", "key": k} for k in reversed(added)]
    assert plan.steps[-1].verify == {"mappings": {"": {"api_id": "h1j2k3l4m5", "stage": "$default"}}}


def test_routes_that_would_404_under_a_mapping_are_named_and_no_plan_is_written(cli, tmp_path: Path, http_definition: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = cli(*BASE, "--http-definition", str(http_definition), "-o", str(out))
    assert result.code == 1, result
    assert not out.exists()
    err = result.stderr
    assert "no plan written" in err
    orders = next(line for line in err.splitlines() if "PRE203" in line and "'orders'" in line)
    # /orders/{orderId} arrives as /{orderId}: nothing answers; /orders arrives as /: the home route answers
    assert "GET /orders/{orderId}" in orders and "POST /orders" in orders and "404" in orders
    assert "GET /orders (reaches GET /)" in orders
    assert "--group-api" in err


def test_group_definitions_are_rerooted_through_convert(cli, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    assert cli(*BASE, *GROUP_APIS, "-o", str(out)).code == 0
    orders = yaml.safe_load((tmp_path / "plan.orders.http.yaml").read_text())
    assert sorted(orders["paths"]) == ["/", "/{orderId}"]
    assert sorted(orders["paths"]["/"]) == ["get", "post"]
    integration = orders["paths"]["/{orderId}"]["get"]["x-amazon-apigateway-integration"]
    # convert's HTTP spelling, not the REST export's
    assert integration["type"] == "AWS_PROXY" and integration["payloadFormatVersion"] == "1.0"
    assert "function:shop-orders" in integration["uri"]
    plan = planfile.load(out).plan
    assert plan.settings["groups"]["orders"]["definition"] == "plan.orders.http.yaml"
    # each written definition imports as it is
    from apigw_migrate.transforms.validate import spec_violations

    for group in ("carts", "catalog", "health", "orders"):
        assert spec_violations(yaml.safe_load((tmp_path / f"plan.{group}.http.yaml").read_text())) == []
    assert "fails HTTP API import validation" not in out.read_text()
    # and a group API serving that definition answers every moved route
    from apigw_migrate.cutover.strategies.path import routes_that_404

    routes = [f"{m.upper()} {p}" for p, item in orders["paths"].items() for m in item]
    assert routes_that_404(plan.settings["groups"]["orders"]["routes"], "orders", routes) == []


def test_force_writes_a_plan_that_records_the_failed_preflight(cli, tmp_path: Path, http_definition: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = cli(*BASE, "--http-definition", str(http_definition), "--force", "-o", str(out))
    assert result.code == 0, result
    plan = planfile.load(out).plan
    assert plan.forced is True
    assert {p.rule for p in plan.preflight if p.severity == "blocker"} == {"PRE203"}
    assert "FORCED" in out.read_text().split("plan_version")[0]


def test_a_blocker_from_check_fails_preflight(cli, tmp_path: Path) -> None:
    # the bookstore sample still has check blockers on its routes
    out = tmp_path / "plan.yaml"
    result = cli("plan", "--from-bundle", str(FIXTURES / "bookstore.bundle.json"), "--domain", "store.eu.example-books.com",
                 "--rest-api-id", "k7x2m9q4ve", "--rest-stage", "prod", "--http-api-id", "h1j2k3l4m5", "--hosted-zone-id", "Z1",
                 "-o", str(out))
    assert result.code == 1, result
    assert not out.exists()
    assert re.search(r"PRE401 blocker: check still reports blockers on routes that would move: .*AGW", result.stderr)


def test_an_edge_optimized_domain_gets_cloudfront_and_refuses_path(cli, tmp_path: Path) -> None:
    args = ["plan", "--from-bundle", str(FIXTURES / "bookstore.bundle.json"), "--domain", "api.example-books.com",
            "--rest-api-id", "k7x2m9q4ve", "--rest-stage", "prod", "--http-api-id", "h1j2k3l4m5", "--hosted-zone-id", "Z1"]
    result = cli(*args, "--strategy", "path", "-o", str(tmp_path / "p.yaml"))
    assert result.code == 1, result
    assert re.search(r"PRE102 blocker: api.example-books.com is edge-optimized", result.stderr)
    assert "--strategy cloudfront" in result.stderr  # the fix
    assert not (tmp_path / "p.yaml").exists()
    result = cli(*args, "--force", "-o", str(tmp_path / "auto.yaml"))
    assert result.code == 0, result
    plan = planfile.load(tmp_path / "auto.yaml").plan
    assert plan.strategy == "cloudfront"
    assert "edge-optimized" in plan.why
    assert any(p.rule == "PRE702" for p in plan.preflight)


def test_auto_picks_path_on_a_regional_tls12_domain(cli, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    assert cli(*BASE, *GROUP_APIS, "-o", str(out)).code == 0
    text = out.read_text()
    assert planfile.load(out).plan.strategy == "path"
    assert "# Strategy path:" in text and "no weighted API mappings" in text


def test_route53_offline_cannot_see_the_second_region_U(cli, tmp_path: Path) -> None:
    result = cli(*BASE, "--strategy", "route53", "-o", str(tmp_path / "p.yaml"))
    assert result.code == 2, result
    assert "unique within a Region" in result.stderr and "--strategy path" in result.stderr and "cloudfront" in result.stderr


def test_cloudfront_template_passes_cfn_lint(cli, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    assert cli(*BASE, "--strategy", "cloudfront", "--hosted-zone-id", "Z0SHOP", "-o", str(out)).code == 0
    template = tmp_path / "plan.cloudfront.template.json"
    from cfnlint.api import lint

    # CloudFront's control plane lives in us-east-1, where this stack must be deployed
    matches = lint(template.read_text(), regions=["us-east-1"])
    assert [str(m) for m in matches if m.rule.id.startswith("E")] == []
    document = json.loads(template.read_text())
    behavior = document["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behavior["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # AllViewerExceptHostHeader
    assert document["Resources"]["Router"]["Properties"]["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"


def test_explain_prints_a_table_and_markdown_has_a_mermaid_diagram(cli, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    assert cli(*BASE, *GROUP_APIS, "-o", str(out)).code == 0
    table = cli("plan", "--explain", str(out))
    assert table.code == 0, table
    assert "5. switch the root mapping to HTTP" in table.stdout
    assert "undo: apigatewayv2 update_api_mapping ApiMappingId=<mapping_id (root)>" in table.stdout
    md = cli("plan", "--explain", str(out), "--format", "markdown")
    assert md.code == 0, md
    block = md.stdout.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.startswith("flowchart LR")
    assert block.count("-. fail: rollback .->") == 5
    assert "20% on HTTP" in block and "gates, bake 10m" in block
    assert "| 5 | switch the root mapping to HTTP" in md.stdout


def test_usage_mistakes_exit_2(cli, tmp_path: Path) -> None:
    assert cli("plan", "--domain", "x").code == 2
    result = cli(*BASE, "--steps", "5,1,100")
    assert result.code == 2 and "--steps" in result.stderr
    result = cli(*BASE, "--steps", "10,50")
    assert result.code == 2 and "100" in result.stderr
    result = cli(*BASE, "--preset", "Sometimes")
    assert result.code == 2 and "Canary10Percent5Minutes" in result.stderr
    result = cli(*BASE, "--bake", "soon")
    assert result.code == 2 and "--bake" in result.stderr
    result = cli(*BASE, "--client-key", "header:")
    assert result.code == 2 and "--client-key" in result.stderr
    result = cli(*BASE, "--group-api", "orders")
    assert result.code == 2 and "NAME=API_ID" in result.stderr
    result = cli(*BASE[:-2], "--http-api-id", "h1", "--rest-stage", "dev")
    assert result.code == 2


def test_a_disabled_execute_api_endpoint_gets_an_origin_custom_domain(cli, tmp_path: Path) -> None:
    bundle = json.loads(SHOP.read_text())
    bundle["restApi"]["disableExecuteApiEndpoint"] = True
    path = tmp_path / "shop.bundle.json"
    path.write_text(json.dumps(bundle))
    out = tmp_path / "plan.yaml"
    args = [a if a != str(SHOP) else str(path) for a in BASE]
    result = cli(*args, "--strategy", "cloudfront", "--hosted-zone-id", "Z0SHOP", "-o", str(out))
    assert result.code == 0, result
    plan = planfile.load(out).plan
    stored = {p["Key"]: p["Value"] for p in plan.steps[0].calls[0].params["Puts"]}
    assert stored["rest_origin"] == "origin-rest.api.shop.example.com"
    assert stored["http_origin"] == "h1j2k3l4m5.execute-api.us-east-1.amazonaws.com"
    assert any(p.rule == "PRE502" for p in plan.preflight)
    template = (tmp_path / "plan.origins.us-east-1.template.json").read_text()
    from cfnlint.api import lint

    assert [str(m) for m in lint(template, regions=["us-east-1"]) if m.rule.id.startswith("E")] == []
    resources = json.loads(template)["Resources"]
    assert resources["RestOriginMapping"]["Properties"] == {"DomainName": {"Ref": "RestOrigin"}, "ApiId": "a1b2c3d4e5", "Stage": "prod"}
    distribution = json.loads((tmp_path / "plan.cloudfront.template.json").read_text())["Resources"]["Distribution"]
    (origin,) = distribution["Properties"]["DistributionConfig"]["Origins"]
    assert (origin["DomainName"], origin["OriginPath"]) == ("origin-rest.api.shop.example.com", "")


def test_a_source_arn_grant_must_name_the_new_api_id_U() -> None:
    from apigw_migrate.cutover.preflight import grants

    def policy(source: str) -> dict:
        return {"Statement": [{"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "lambda:InvokeFunction",
                               "Condition": {"ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:us-east-1:123456789012:{source}"}}}]}

    assert grants(policy("h1/*"), "h1")
    assert grants(policy("h1/*/*/*"), "h1")  # a REST-style pattern still covers METHOD/path routes
    assert grants(policy("h1/$default/$default"), "h1")
    assert not grants(policy("a1/*"), "h1")
    assert grants(policy("h1/authorizers/*"), "h1", "authorizer") and not grants(policy("h1/*/GET/*"), "h1", "authorizer")


def test_planning_to_stdout_writes_the_named_files_in_the_current_directory(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(*BASE, *GROUP_APIS)
    assert result.code == 0, result
    plan = planfile.loads(result.stdout, "<stdout>").plan
    assert all((tmp_path / g["definition"]).is_file() for g in plan.settings["groups"].values() if "definition" in g)
    result = cli(*BASE, *GROUP_APIS, "--format", "markdown", "-o", "plan.yaml")
    assert result.code == 0, result
    assert result.stdout.startswith("# Cutover of `api.shop.example.com` (path)")
    assert planfile.load(tmp_path / "plan.yaml").plan.strategy == "path"
    assert cli(*BASE, *GROUP_APIS, "--format", "markdown").code == 2


def test_groups_from_a_file_take_multi_level_base_paths(cli, tmp_path: Path) -> None:
    groups = tmp_path / "groups.yaml"
    groups.write_text("buying: orders\nbrowsing: catalog/items\n")
    out = tmp_path / "plan.yaml"
    result = cli(*BASE, "--group-by", str(groups), "--group-api", "buying=gbuying001", "--group-api", "browsing=gbrowse001", "-o", str(out))
    assert result.code == 0, result
    plan = planfile.load(out).plan
    assert plan.settings["groups"]["browsing"]["mapping"] == "catalog/items"
    # carts, health and / are in no group: they move with the root switch
    assert sorted(plan.settings["groups"][""]["routes"]) == ["GET /", "GET /carts/{cartId}", "GET /health", "PUT /carts/{cartId}"]
    browsing = yaml.safe_load((tmp_path / "plan.browsing.http.yaml").read_text())
    assert sorted(browsing["paths"]) == ["/", "/{sku}"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("- orders\n")
    result = cli(*BASE, "--group-by", str(bad), "-o", str(out))
    assert result.code == 2 and "group name: base path" in result.stderr


def test_path_on_a_tls10_domain_with_routing_rules_fails_preflight(cli, tmp_path: Path) -> None:
    result = cli("plan", "--from-bundle", str(FIXTURES / "bookstore.bundle.json"), "--domain", "store.eu.example-books.com",
                 "--rest-api-id", "k7x2m9q4ve", "--rest-stage", "prod", "--http-api-id", "h1j2k3l4m5", "--strategy", "path",
                 "--force", "-o", str(tmp_path / "plan.yaml"))
    assert result.code == 0, result
    rules = {p.rule for p in planfile.load(tmp_path / "plan.yaml").plan.preflight if p.severity == "blocker"}
    assert {"PRE103", "PRE104"} <= rules


def test_a_domain_the_bundle_does_not_hold_is_missing(cli, tmp_path: Path) -> None:
    result = cli(*[a if a != "api.shop.example.com" else "api.other.example.com" for a in BASE], "--hosted-zone-id", "Z1",
                 "-o", str(tmp_path / "plan.yaml"))
    assert result.code == 1, result
    assert "PRE101 blocker: custom domain api.other.example.com does not exist" in result.stderr


def test_an_edge_domain_rolls_back_to_its_own_distribution(cli, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = cli("plan", "--from-bundle", str(FIXTURES / "bookstore.bundle.json"), "--domain", "api.example-books.com",
                 "--rest-api-id", "k7x2m9q4ve", "--rest-stage", "prod", "--http-api-id", "h1j2k3l4m5", "--hosted-zone-id", "Z1",
                 "--force", "-o", str(out))
    assert result.code == 0, result
    plan = planfile.load(out).plan
    (change,) = plan.steps[0].rollback[0].params["ChangeBatch"]["Changes"]
    assert change["ResourceRecordSet"]["AliasTarget"] == {
        "HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "d3k8f2p9q1x7za.cloudfront.net", "EvaluateTargetHealth": False}
    assert plan.baseline["record"]["target"] == "d3k8f2p9q1x7za.cloudfront.net"


def test_gate_options_land_in_the_plan_gates(cli, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = cli(*BASE, *GROUP_APIS, "--alarm", "shop-http-5xx", "--alarm", "shop-latency", "--parity", "samples.yaml",
                 "--min-requests", "500", "-o", str(out))
    assert result.code == 0, result
    gates = planfile.load(out).plan.gates
    assert gates.alarms == ["shop-http-5xx", "shop-latency"] and gates.min_requests == 500
    assert gates.parity is not None and gates.parity.requests == "samples.yaml" and gates.parity.compare_headers == ["content-type"]
    assert cli(*BASE, "--min-requests", "0").code == 2
