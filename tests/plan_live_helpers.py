"""A shop on the local AWS for the live plan tests: a REST API and an HTTP API on one Regional domain,
their Lambda functions, CloudWatch counts and the Route 53 zone; and a small executor of plan calls."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable

ACCOUNT = "123456789012"
DOMAIN = "api.shop.example.com"
ROUTES = {  # path → methods, function
    "/": (["GET"], "shop-home"),
    "/orders": (["GET", "POST"], "shop-orders"),
    "/orders/{orderId}": (["GET"], "shop-orders"),
    "/carts/{cartId}": (["GET", "PUT"], "shop-carts"),
    "/health": (["GET"], "shop-home"),
}
COUNTS = {"GET /": 100, "GET /orders": 900, "POST /orders": 300, "GET /orders/{orderId}": 800, "GET /carts/{cartId}": 150,
          "PUT /carts/{cartId}": 50, "GET /health": 400}


@dataclass
class Shop:
    make: Callable[..., Any]
    rest_id: str
    http_id: str
    region: str
    functions: dict[str, str] = field(default_factory=dict)
    zone_id: str = ""


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return {'statusCode': 200}\n")
    return buf.getvalue()


def build_shop(make: Callable[..., Any], region: str = "us-east-1", http_region: str | None = None,
               grant: tuple[str, ...] = ("shop-home", "shop-orders", "shop-carts"), domain_type: str = "REGIONAL",
               metrics: bool = True) -> Shop:
    http_region = http_region or region
    iam = make("iam")
    role = iam.create_role(RoleName="shop-lambda", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))["Role"]["Arn"]
    lam = make("lambda", region)
    functions = {}
    for name in sorted({fn for _, fn in ROUTES.values()}):
        functions[name] = lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler",
                                               Code={"ZipFile": _zip()})["FunctionArn"]
    v1 = make("apigateway", region)
    rest = v1.create_rest_api(name="shop", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    resources = {"/": v1.get_resources(restApiId=rest)["items"][0]["id"]}
    for path in sorted(ROUTES, key=lambda p: p.count("/")):
        if path in resources:
            continue
        parent = "/" + "/".join(path.strip("/").split("/")[:-1])
        if parent not in resources:
            resources[parent] = v1.create_resource(restApiId=rest, parentId=resources["/"], pathPart=parent.strip("/"))["id"]
        resources[path] = v1.create_resource(restApiId=rest, parentId=resources[parent], pathPart=path.rsplit("/", 1)[1])["id"]
    for path, (methods, fn) in ROUTES.items():
        for method in methods:
            v1.put_method(restApiId=rest, resourceId=resources[path], httpMethod=method, authorizationType="NONE")
            v1.put_integration(restApiId=rest, resourceId=resources[path], httpMethod=method, type="AWS_PROXY", integrationHttpMethod="POST",
                               uri=f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functions[fn]}/invocations")
    v1.create_deployment(restApiId=rest, stageName="prod")
    v2 = make("apigatewayv2", http_region)
    http = v2.create_api(Name="shop-http", ProtocolType="HTTP")["ApiId"]
    for path, (methods, _) in ROUTES.items():
        for method in methods:
            v2.create_route(ApiId=http, RouteKey=f"{method} {path}")
    v2.create_stage(ApiId=http, StageName="$default")
    for name in grant:
        lam.add_permission(FunctionName=name, StatementId="http-api", Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                           SourceArn=f"arn:aws:execute-api:{http_region}:{ACCOUNT}:{http}/*")
    cert = f"arn:aws:acm:{region}:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555"
    if domain_type == "EDGE":
        v1.create_domain_name(domainName=DOMAIN, certificateArn=cert, endpointConfiguration={"types": ["EDGE"]})
        v1.create_base_path_mapping(domainName=DOMAIN, restApiId=rest, stage="prod")
    else:
        make("apigatewayv2", region).create_domain_name(
            DomainName=DOMAIN, DomainNameConfigurations=[{"CertificateArn": cert, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}])
        make("apigatewayv2", region).create_api_mapping(DomainName=DOMAIN, ApiId=rest, Stage="prod", ApiMappingKey="")
    shop = Shop(make, rest, http, region, functions)
    r53 = make("route53")
    shop.zone_id = r53.create_hosted_zone(Name="example.com", CallerReference="shop")["HostedZone"]["Id"].rsplit("/", 1)[-1]
    if domain_type != "EDGE":
        target = make("apigatewayv2", region).get_domain_name(DomainName=DOMAIN)["DomainNameConfigurations"][0]
        r53.change_resource_record_sets(HostedZoneId=shop.zone_id, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": {
            "Name": DOMAIN, "Type": "A",
            "AliasTarget": {"HostedZoneId": target["HostedZoneId"], "DNSName": target["ApiGatewayDomainName"], "EvaluateTargetHealth": False}}}]})
    if metrics:
        put_counts(make("cloudwatch", region))
    return shop


def put_counts(cw: Any) -> None:
    """Detailed (per-resource) REST metrics, as API Gateway writes them with metricsEnabled."""
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
    data = []
    for route, count in COUNTS.items():
        method, path = route.split(" ", 1)
        dims = [{"Name": "ApiName", "Value": "shop"}, {"Name": "Method", "Value": method}, {"Name": "Resource", "Value": path},
                {"Name": "Stage", "Value": "prod"}]
        data.append({"MetricName": "Count", "Dimensions": dims, "Timestamp": now, "Value": float(count), "Unit": "Count"})
    data.append({"MetricName": "Count", "Dimensions": [{"Name": "ApiName", "Value": "shop"}, {"Name": "Stage", "Value": "prod"}],
                 "Timestamp": now, "Value": float(sum(COUNTS.values())), "Unit": "Count"})
    cw.put_metric_data(Namespace="AWS/ApiGateway", MetricData=data)


class Executor:
    """Applies a plan's calls to the local AWS the simple way run will: lookups resolved just before each call."""

    def __init__(self, make: Callable[..., Any], plan: Any, outputs: dict[str, str] | None = None) -> None:
        self.make, self.plan, self.outputs = make, plan, outputs or {}

    def resolve(self, value: Any, call: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("lookup"), str):
            kind = value["lookup"]
            if kind == "mapping_id":
                items = self.make("apigatewayv2", self.plan.domain.region).get_api_mappings(DomainName=self.plan.domain.name)["Items"]
                return next(m["ApiMappingId"] for m in items if (m.get("ApiMappingKey") or "") == value["key"])
            if kind == "stack_output":
                return self.outputs[value["output"]]
            if kind == "kvs_etag":
                arn = self.resolve(call.params["KvsARN"], call)
                return self.make("cloudfront-keyvaluestore", "us-east-1").describe_key_value_store(KvsARN=arn)["ETag"]
            raise AssertionError(kind)
        if isinstance(value, dict):
            return {k: self.resolve(v, call) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, call) for v in value]
        return value

    def resolve_offline(self, value: Any) -> Any:
        """Lookups replaced by the stand-ins in `outputs` (keyed by lookup kind or stack output name)."""
        if isinstance(value, dict) and isinstance(value.get("lookup"), str):
            return self.outputs[value.get("output", value["lookup"])]
        if isinstance(value, dict):
            return {k: self.resolve_offline(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve_offline(v) for v in value]
        return value

    def apply(self, calls: list[Any]) -> None:
        for call in calls:
            client = self.make(call.service, call.region or self.plan.domain.region)
            getattr(client, call.operation)(**self.resolve(call.params, call))

    def state(self, value: Any) -> Any:
        """A verify/baseline block with its lookups resolved, to compare with read_state."""
        return self.resolve(value, None)


class Clients:
    """ClientSource for read_state: boto3 clients on the local AWS."""

    def __init__(self, make: Callable[..., Any]) -> None:
        self.make = make

    def client(self, service: str, region: str | None = None) -> Any:
        return self.make(service, region or "us-east-1")
