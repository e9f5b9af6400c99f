"""A path-strategy cutover on the local AWS, shared by the run tests: a REST API and an HTTP API on one
Regional domain, a three-step plan, synthetic CloudWatch metrics, and a counter of AWS calls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from botocore import xform_name

from apigw_migrate.cutover import planfile
from apigw_migrate.cutover.model import ApiRef, Call, Domain, Gates, Plan, Step

DOMAIN = "api.example.com"
REGION = "us-east-1"
WRITES = {"create_api_mapping", "update_api_mapping", "delete_api_mapping", "tag_resource", "untag_resource", "put_key", "delete_key"}


@dataclass
class Setup:
    rest: str
    http: str
    plan_path: Path
    plan: Plan


def make_rest_and_http(boto_client) -> tuple[str, str]:
    """A REST API deployed to stage prod and an HTTP API with its $default stage: (rest id, http id)."""
    v1, v2 = boto_client("apigateway"), boto_client("apigatewayv2")
    rest = v1.create_rest_api(name="shop")["id"]
    root = v1.get_resources(restApiId=rest)["items"][0]["id"]
    v1.put_method(restApiId=rest, resourceId=root, httpMethod="GET", authorizationType="NONE")
    v1.put_integration(restApiId=rest, resourceId=root, httpMethod="GET", type="MOCK")
    v1.create_deployment(restApiId=rest, stageName="prod")
    http = v2.create_api(Name="shop-http", ProtocolType="HTTP")["ApiId"]
    v2.create_stage(ApiId=http, StageName="$default")
    return rest, http


def make_apis(boto_client) -> tuple[str, str]:
    """make_rest_and_http, plus the Regional domain (made through v2) with the REST stage on its root."""
    rest, http = make_rest_and_http(boto_client)
    v2 = boto_client("apigatewayv2")
    v2.create_domain_name(DomainName=DOMAIN, DomainNameConfigurations=[{"CertificateArn": f"arn:aws:acm:{REGION}:123456789012:certificate/abc", "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}])
    v2.create_api_mapping(DomainName=DOMAIN, ApiId=rest, Stage="prod", ApiMappingKey="")
    return rest, http


def mapping_id(key: str) -> dict:
    return {"lookup": "mapping_id", "key": key}


def path_plan(rest: str, http: str, bake: int = 0, min_requests: int = 10) -> Plan:
    """orders, then carts, then the root: the shape `plan` writes for the path strategy."""
    r, h = {"api_id": rest, "stage": "prod"}, {"api_id": http, "stage": "$default"}

    def create(key: str) -> Call:
        return Call("apigatewayv2", "create_api_mapping", {"DomainName": DOMAIN, "ApiMappingKey": key, "ApiId": http, "Stage": "$default"})

    def delete(key: str) -> Call:
        return Call("apigatewayv2", "delete_api_mapping", {"DomainName": DOMAIN, "ApiMappingId": mapping_id(key)})

    def switch(api: str, stage: str) -> Call:
        return Call("apigatewayv2", "update_api_mapping", {"DomainName": DOMAIN, "ApiMappingId": mapping_id(""), "ApiMappingKey": "", "ApiId": api, "Stage": stage})

    steps = [
        Step("orders to HTTP", 10.0, [create("orders")], {"mappings": {"": r, "orders": h}}, [delete("orders")], bake, ["orders"]),
        Step("carts to HTTP", 30.0, [create("carts")], {"mappings": {"": r, "carts": h, "orders": h}}, [delete("carts"), delete("orders")], bake, ["orders", "carts"]),
        Step("root to HTTP", 100.0, [switch(http, "$default"), delete("orders"), delete("carts")], {"mappings": {"": h}}, [switch(rest, "prod")], bake, ["orders", "carts", ""]),
    ]
    return Plan(
        strategy="path",
        why="one Regional domain; routes move by base path",
        domain=Domain(DOMAIN, REGION),
        rest=ApiRef(rest, "prod", REGION, "shop"),
        http=ApiRef(http, "$default", REGION),
        baseline={"mappings": {"": r}},
        steps=steps,
        gates=Gates(window=300, min_requests=min_requests),
        settings={"rest_mapping": ""},
    )


def write_plan(tmp_path: Path, plan: Plan) -> Path:
    path = tmp_path / "plan.yaml"
    planfile.write(plan, path)
    return path


def put_metrics(cw, rest_name: str, http_id: str, *, http_5xx: float = 1, http_p99: float = 120, count: float = 500) -> None:
    """One window of traffic for both APIs, each with its own metric names and dimensions."""
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    rest_dims = [{"Name": "ApiName", "Value": rest_name}, {"Name": "Stage", "Value": "prod"}]
    http_dims = [{"Name": "ApiId", "Value": http_id}, {"Name": "Stage", "Value": "$default"}]
    latencies = [float(v) for v in range(20, 120)]
    cw.put_metric_data(Namespace="AWS/ApiGateway", MetricData=[
        {"MetricName": "Count", "Dimensions": rest_dims, "Timestamp": now, "Value": 1000.0},
        {"MetricName": "5XXError", "Dimensions": rest_dims, "Timestamp": now, "Value": 2.0},
        {"MetricName": "4XXError", "Dimensions": rest_dims, "Timestamp": now, "Value": 10.0},
        {"MetricName": "Latency", "Dimensions": rest_dims, "Timestamp": now, "Values": latencies + [110.0]},
        {"MetricName": "Count", "Dimensions": http_dims, "Timestamp": now, "Value": count},
        {"MetricName": "5xx", "Dimensions": http_dims, "Timestamp": now, "Value": float(http_5xx)},
        {"MetricName": "4xx", "Dimensions": http_dims, "Timestamp": now, "Value": 5.0},
        {"MetricName": "Latency", "Dimensions": http_dims, "Timestamp": now, "Values": [v * 0.9 for v in latencies] + [float(http_p99)] * 2},
    ])


@dataclass
class CallLog:
    calls: list[tuple[str, str, dict]] = field(default_factory=list)

    def writes(self) -> list[tuple[str, str]]:
        return [(op, _key(params)) for _, op, params in self.calls if op in WRITES]


def _key(params: dict) -> str:
    if "ApiMappingKey" in params:
        return params["ApiMappingKey"]
    return str(params.get("ApiMappingId") or params.get("Key") or "")


def count_calls(monkeypatch) -> CallLog:
    """Every AWS call the CLI's clients make, with its parameters, counted with a botocore event hook."""
    from apigw_migrate import aws

    log = CallLog()
    original = aws.AwsContext.client

    def client(self, service, region=None, purpose=""):
        made = original(self, service, region, purpose)
        if not getattr(made, "_counted", False):
            made.meta.events.register("before-parameter-build", lambda params, model, **_: log.calls.append((service, xform_name(model.name), dict(params))))
            made._counted = True
        return made

    monkeypatch.setattr(aws.AwsContext, "client", client)
    return log
