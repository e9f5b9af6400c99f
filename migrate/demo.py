"""`apigw-migrate demo`: the whole pipeline on a local AWS, with no AWS account and no network.

The local AWS is `localaws.LocalAws` (moto's server and the extensions `run` needs) in this process
on 127.0.0.1. The demo builds the sample REST API of `fixtures/demo/shop.oas30.yaml` there with the
calls a console or CloudFormation would make, then runs the real commands on it, each through the
CLI exactly as a user would type them: export → check → convert → the HTTP APIs created → plan →
run (to 100 %, back, then a run whose gates fail at a later step) → report.

moto has no `import-api`, so `create_http_api` makes an HTTP API from a converted definition with
direct apigatewayv2 calls; on AWS `aws apigatewayv2 import-api` or the converted template does it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import logging
import os
import shlex
import signal
import textwrap
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from apigw_migrate.errors import InputError, UsageError

REGION = "us-east-1"
ACCOUNT = "123456789012"
DOMAIN = "api.shop.example.com"
STAGE = "prod"
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "demo" / "shop.oas30.yaml"
INSTALL_HINT = "the demo needs moto (the local AWS): pip install -e '.[demo]'"
# The credentials the demo's clients sign with: the local AWS accepts any, and a user's real ones
# (or their profile) must never be read for it.
DEMO_ENV = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo", "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
            # a proxy from the environment must not carry the calls to 127.0.0.1 off this machine
            "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
DROP_ENV = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE")
# No bake: each step's gates are read once, so both runs take seconds (a real plan bakes 10 minutes).
BAKE = "0"

# The files the demo writes, in the order the pipeline makes them (the plan adds one definition per group).
BUNDLE, CHECK_JSON, HTTP_DEF, TEMPLATE = "shop.bundle.json", "shop.check.json", "shop-http.yaml", "shop-http.template.yaml"
PLAN, JOURNAL, FAILED_JOURNAL, REPORT = "plan.yaml", "plan.yaml.journal.json", "plan.failed-run.journal.json", "report.html"
STALE = (BUNDLE, CHECK_JSON, HTTP_DEF, TEMPLATE, PLAN, JOURNAL, FAILED_JOURNAL, REPORT)


def quiet_server_log() -> None:
    """The local server logs every request through werkzeug's logger; the demo shows the commands' output instead."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def require_moto() -> None:
    """One line that says what to install (exit 2) when the local AWS cannot start."""
    try:
        import moto  # noqa: F401
        import werkzeug  # noqa: F401
        import flask  # noqa: F401
    except ImportError:
        raise UsageError(INSTALL_HINT) from None


@contextlib.contextmanager
def demo_credentials():
    """Dummy credentials for the process while the demo runs; the user's environment comes back after."""
    saved = {k: os.environ.get(k) for k in (*DEMO_ENV, *DROP_ENV)}
    os.environ.update(DEMO_ENV)
    for k in DROP_ENV:
        os.environ.pop(k, None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# --- the sample REST API ---------------------------------------------------------------------------


@dataclass
class Sample:
    rest_api_id: str
    usage_plan_id: str
    functions: list[str]


def load_sample() -> dict:
    from apigw_migrate.load import load

    if not SAMPLE.is_file():
        raise InputError("the demo's sample API is missing: run the demo from a checkout of apigw-migrate "
                         "(pip install -e '.[demo]')", str(SAMPLE))
    return load(SAMPLE).api


def build_sample(clients: Any, api: dict) -> Sample:
    """The sample REST API, made call by call as a console or CloudFormation would: a Cognito user pool
    with two app clients, both authorizers, each route's method and integration, a stage with
    settings, a usage plan, the Lambda functions with their grants to the REST API, and a Regional custom
    domain whose root maps to the stage."""
    v1, cognito = clients.client("apigateway"), clients.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName="shop-users")["UserPool"]
    # export lists the pool's app clients in the bundle; convert makes them the JWT audience
    for client_name in ("shop-web", "shop-mobile"):
        cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName=client_name)
    created = v1.create_rest_api(name=api["info"]["title"], description=api["info"].get("description", ""),
                                 endpointConfiguration={"types": ["REGIONAL"]})
    api_id, root = created["id"], created["rootResourceId"]

    authorizers: dict[str, tuple[str, str]] = {}  # scheme name → (authorizer id, authorization type)
    for name, scheme in api.get("components", {}).get("securitySchemes", {}).items():
        spec = scheme["x-amazon-apigateway-authorizer"]
        header = f"method.request.header.{scheme['name']}"
        if spec["type"] == "cognito_user_pools":
            # The sample names a pool of an invented account; the local one stands in for it.
            made = v1.create_authorizer(restApiId=api_id, name=name, type="COGNITO_USER_POOLS",
                                        providerARNs=[pool["Arn"]], identitySource=header)
            authorizers[name] = (made["id"], "COGNITO_USER_POOLS")
        else:
            made = v1.create_authorizer(restApiId=api_id, name=name, type=spec["type"].upper(), authorizerUri=spec["authorizerUri"],
                                        identitySource=header, authorizerResultTtlInSeconds=spec.get("authorizerResultTtlInSeconds", 300))
            authorizers[name] = (made["id"], "CUSTOM")

    resources = {"/": root}

    def resource(path: str) -> str:
        if path not in resources:
            parent, _, part = path.rpartition("/")
            resources[path] = v1.create_resource(restApiId=api_id, parentId=resource(parent or "/"), pathPart=part)["id"]
        return resources[path]

    for path, item in api["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "x-amazon-apigateway-integration" not in operation:
                continue
            rid, verb = resource(path), method.upper()
            auth: dict[str, Any] = {"authorizationType": "NONE"}
            for requirement in operation.get("security") or []:
                for scheme, scopes in requirement.items():
                    auth = {"authorizationType": authorizers[scheme][1], "authorizerId": authorizers[scheme][0]}
                    if scopes:
                        auth["authorizationScopes"] = scopes
            params = {f"method.request.{p['in'].replace('query', 'querystring')}.{p['name']}": bool(p.get("required"))
                      for p in operation.get("parameters") or []}
            v1.put_method(restApiId=api_id, resourceId=rid, httpMethod=verb, requestParameters=params, **auth)
            spec = operation["x-amazon-apigateway-integration"]
            extra = {"requestParameters": spec["requestParameters"]} if spec.get("requestParameters") else {}
            v1.put_integration(restApiId=api_id, resourceId=rid, httpMethod=verb, type=spec["type"].upper(),
                               integrationHttpMethod=spec["httpMethod"], uri=spec["uri"],
                               timeoutInMillis=spec.get("timeoutInMillis", 29000), **extra)

    v1.create_deployment(restApiId=api_id, stageName=STAGE, stageDescription="production")
    v1.update_stage(restApiId=api_id, stageName=STAGE, patchOperations=[
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "200"},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "400"},
        {"op": "replace", "path": "/*/*/metrics/enabled", "value": "true"},
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"},
    ])
    plan_id = v1.create_usage_plan(name="shop-partners", apiStages=[{"apiId": api_id, "stage": STAGE}],
                                   throttle={"burstLimit": 100, "rateLimit": 50.0},
                                   quota={"limit": 100000, "offset": 0, "period": "MONTH"})["id"]
    v1.create_domain_name(domainName=DOMAIN, endpointConfiguration={"types": ["REGIONAL"]}, securityPolicy="TLS_1_2",
                          regionalCertificateArn=f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/5a3c1e2d-0000-4000-8000-5h0p5h0p5h0p")
    v1.create_base_path_mapping(domainName=DOMAIN, restApiId=api_id, stage=STAGE, basePath="")
    functions = sorted({arn for arn in _lambda_arns(api)})
    create_functions(clients, functions)
    grant(clients, functions, api_id)
    return Sample(api_id, plan_id, functions)


def _lambda_arns(document: dict) -> list[str]:
    """The Lambda functions a definition's integrations and authorizers invoke (their ARNs)."""
    import re

    text = json.dumps(document)
    return re.findall(r"functions/(arn:aws:lambda:[^/\"]+)/invocations", text)


def create_functions(clients: Any, arns: list[str]) -> None:
    """The sample's functions (their code never runs: the demo's traffic is synthetic)."""
    iam, lam = clients.client("iam"), clients.client("lambda")
    role = iam.create_role(RoleName="shop-lambda", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return {'statusCode': 200, 'body': '{}'}\n")
    for arn in arns:
        lam.create_function(FunctionName=arn.rsplit(":", 1)[1], Runtime="python3.12", Role=role, Handler="index.handler",
                            Code={"ZipFile": code.getvalue()})


def grant(clients: Any, arns: list[str], api_id: str) -> None:
    """Let API Gateway invoke each function for one API: what the converted template's
    AWS::Lambda::Permission resources do on AWS (the REST API had its own grants)."""
    lam = clients.client("lambda")
    for arn in arns:
        lam.add_permission(FunctionName=arn.rsplit(":", 1)[1], StatementId=f"apigateway-{api_id}", Action="lambda:InvokeFunction",
                           Principal="apigateway.amazonaws.com", SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/*")


# --- an HTTP API from a converted definition -------------------------------------------------------


def create_http_api(clients: Any, document: dict, name: str) -> str:
    """The HTTP API a converted definition describes, made with direct apigatewayv2 calls (moto has no
    import-api): its authorizers, one integration per route and the routes, and the `$default` stage."""
    v2 = clients.client("apigatewayv2")
    api_id = v2.create_api(Name=name, ProtocolType="HTTP")["ApiId"]
    authorizers: dict[str, str] = {}
    for scheme_name, scheme in (document.get("components", {}).get("securitySchemes") or {}).items():
        spec = scheme.get("x-amazon-apigateway-authorizer")
        if not spec:
            continue
        if spec.get("type") == "jwt":
            jwt = spec["jwtConfiguration"]
            made = v2.create_authorizer(ApiId=api_id, Name=scheme_name, AuthorizerType="JWT",
                                        IdentitySource=[spec.get("identitySource", "$request.header.Authorization")],
                                        JwtConfiguration={"Audience": jwt.get("audience", []), "Issuer": jwt["issuer"]})
        else:
            sources = spec.get("identitySource") or []
            made = v2.create_authorizer(ApiId=api_id, Name=scheme_name, AuthorizerType="REQUEST",
                                        AuthorizerUri=spec["authorizerUri"],
                                        IdentitySource=sources if isinstance(sources, list) else [s.strip() for s in sources.split(",")],
                                        AuthorizerPayloadFormatVersion=spec.get("authorizerPayloadFormatVersion", "1.0"),
                                        AuthorizerResultTtlInSeconds=spec.get("authorizerResultTtlInSeconds", 0))
        authorizers[scheme_name] = made["AuthorizerId"]
    for path, item in (document.get("paths") or {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "x-amazon-apigateway-integration" not in operation:
                continue
            spec = operation["x-amazon-apigateway-integration"]
            integration = {"IntegrationType": spec["type"].upper(), "IntegrationUri": spec["uri"],
                           "PayloadFormatVersion": spec.get("payloadFormatVersion", "1.0")}
            if spec["type"].upper() == "HTTP_PROXY":
                integration["IntegrationMethod"] = spec.get("httpMethod", "ANY")
            if spec.get("timeoutInMillis"):
                integration["TimeoutInMillis"] = int(spec["timeoutInMillis"])
            integration_id = v2.create_integration(ApiId=api_id, **integration)["IntegrationId"]
            route: dict[str, Any] = {"RouteKey": f"{method.upper().replace('X-AMAZON-APIGATEWAY-ANY-METHOD', 'ANY')} {path}",
                                     "Target": f"integrations/{integration_id}"}
            for requirement in operation.get("security") or []:
                for scheme_name, scopes in requirement.items():
                    if scheme_name in authorizers:
                        kind = document["components"]["securitySchemes"][scheme_name]["x-amazon-apigateway-authorizer"]["type"]
                        route.update(AuthorizationType="JWT" if kind == "jwt" else "CUSTOM", AuthorizerId=authorizers[scheme_name])
                        if scopes:
                            route["AuthorizationScopes"] = scopes
            v2.create_route(ApiId=api_id, **route)
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    return api_id


# --- synthetic traffic ----------------------------------------------------------------------------


def put_traffic(clients: Any, rest_name: str, http_id: str, *, http_share: float = 0.5, requests: int = 2000,
                http_5xx_rate: float = 0.001) -> None:
    """One window of requests for both APIs in CloudWatch, each API with its own metric names and
    dimensions (REST: 5XXError/4XXError by ApiName and Stage; HTTP: 5xx/4xx by ApiId and Stage)."""
    cw = clients.client("cloudwatch")
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    rest_count, http_count = requests * (1 - http_share), requests * http_share
    latencies = [float(v) for v in range(30, 130)]

    def metrics(dims: list[dict], count: float, names: tuple[str, str], rate_5xx: float, scale: float) -> list[dict]:
        return [
            {"MetricName": "Count", "Dimensions": dims, "Timestamp": now, "Value": round(count)},
            {"MetricName": names[0], "Dimensions": dims, "Timestamp": now, "Value": round(count * rate_5xx)},
            {"MetricName": names[1], "Dimensions": dims, "Timestamp": now, "Value": round(count * 0.01)},
            {"MetricName": "Latency", "Dimensions": dims, "Timestamp": now, "Values": [v * scale for v in latencies]},
        ]

    rest_dims = [{"Name": "ApiName", "Value": rest_name}, {"Name": "Stage", "Value": STAGE}]
    http_dims = [{"Name": "ApiId", "Value": http_id}, {"Name": "Stage", "Value": "$default"}]
    cw.put_metric_data(Namespace="AWS/ApiGateway", MetricData=[
        *metrics(rest_dims, rest_count, ("5XXError", "4XXError"), 0.001, 1.0),
        *metrics(http_dims, http_count, ("5xx", "4xx"), http_5xx_rate, 0.85),
    ])


# --- running the commands -------------------------------------------------------------------------


@dataclass
class Demo:
    folder: Path
    endpoint_url: str
    out: Callable[[str], None]
    written: list[str] = field(default_factory=list)

    def say(self, text: str = "") -> None:
        self.out(text)

    def stage(self, title: str, explanation: str) -> None:
        self.say()
        self.say(f"== {title}")
        self.say(textwrap.fill(explanation, width=100, break_on_hyphens=False, break_long_words=False))

    def command(self, *args: str, expect: tuple[int, ...] = (0,), tail: int | None = None) -> int:
        """Run one apigw-migrate command as a user would type it, and show its output as it printed it
        (only its last `tail` lines when the rest repeats what an earlier command showed)."""
        from apigw_migrate.cli import main

        self.say("$ apigw-migrate " + " ".join(shlex.quote(a) for a in args))
        buffer = io.StringIO()
        code = 0
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            try:
                main(list(args))
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 0
        text = buffer.getvalue().rstrip("\n")
        lines = text.splitlines()
        if tail is not None and len(lines) > tail:
            self.say(f"[{len(lines) - tail} lines of findings, as above]")
            text = "\n".join(lines[-tail:])
        if text:
            self.say(text)
        self.say(f"(exit code {code})")
        if code not in expect:
            last = text.splitlines()[-1] if text else "no output"
            raise DemoStepFailed(f"`apigw-migrate {args[0]}` exited with {code}, not {' or '.join(map(str, expect))}: {last}")
        return code

    def path(self, name: str) -> str:
        if name not in self.written:
            self.written.append(name)
        return str(self.folder / name)

    def aws(self) -> list[str]:
        return ["--region", REGION, "--endpoint-url", self.endpoint_url]


class DemoStepFailed(Exception):
    """A command of the demo did not end as the demo expects (a bug: exit 70)."""


def reset(endpoint_url: str) -> None:
    """Empty the local AWS: moto keeps its state per process, so a second demo in one process starts clean."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{endpoint_url}/moto-api/reset", method="POST"), timeout=30).read()


@dataclass
class Apis:
    """What the demo made in the local AWS, by id."""

    sample: Sample
    rest_name: str
    http_id: str
    groups: dict[str, str]  # route group → the HTTP API serving it re-rooted under its mapping


def run_demo(folder: Path, out: Callable[[str], None]) -> list[Path]:
    """The whole pipeline on the local AWS; returns the files written, all in `folder`."""
    from apigw_migrate.localaws import LocalAws

    require_moto()
    api = load_sample()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot make the demo's folder: {e.strerror or e}", str(folder)) from None
    for name in STALE:  # an earlier demo's journal would make `run` resume instead of start
        (folder / name).unlink(missing_ok=True)
    for pattern in ("plan.*.http.yaml", "*.journal.json.lock"):  # a killed demo's run leaves its lock file
        for old in folder.glob(pattern):
            old.unlink()
    quiet_server_log()
    started = time.monotonic()
    with demo_credentials(), LocalAws() as endpoint_url:
        demo = Demo(folder, endpoint_url, out)
        demo.say(f"Local AWS (moto) on {endpoint_url}: no AWS account, nothing leaves this machine.")
        apis = prepare(demo, api)
        cutover(demo, apis)
    files = [folder / name for name in demo.written]
    out("")
    out(f"Done in {time.monotonic() - started:.0f} s; the local AWS is stopped. Everything the demo wrote is in {folder}:")
    for f in files:
        out(f"  {f}")
    return files


def prepare(demo: Demo, api: dict) -> Apis:
    """The sample REST API, then export, check, convert, and the HTTP APIs made from what convert wrote."""
    import yaml

    from apigw_migrate.aws import connect

    clients = connect(None, REGION, demo.endpoint_url)
    reset(demo.endpoint_url)
    demo.stage("0. The REST API", f"The sample REST API of {SAMPLE.relative_to(SAMPLE.parents[2])} is created in the local AWS with "
               "direct API calls: Cognito and Lambda TOKEN authorizers, a usage plan, a stage with settings, "
               f"and the Regional custom domain {DOMAIN} whose root maps to the stage.")
    sample = build_sample(clients, api)
    demo.say(f"REST API {sample.rest_api_id} ({api['info']['title']}), stage {STAGE}, {len(api['paths'])} paths; "
             f"usage plan {sample.usage_plan_id}; https://{DOMAIN}/ → {sample.rest_api_id}/{STAGE}")

    demo.stage("1. export", "Reads the REST API back from AWS into a bundle: the OpenAPI export plus what the export "
               "leaves out (stage settings, usage plans, authorizers, custom domains, Cognito app clients). The local AWS's "
               "get-export is a stub, so export assembles the document from the API's resources, as its note says.")
    demo.command("export", "--rest-api-id", sample.rest_api_id, "--stage", STAGE, *demo.aws(), "-o", demo.path(BUNDLE))

    demo.stage("2. check", "Every REST-only feature the API uses, with its rule, place and the HTTP-API alternative, and a "
               "verdict per route and per API. Exit code 1 would mean blockers; the JSON report feeds `report`.")
    demo.command("check", demo.path(BUNDLE), expect=(0, 1))
    demo.command("check", demo.path(BUNDLE), "--format", "json", "-o", demo.path(CHECK_JSON), "--fail-on", "never")

    demo.stage("3. convert", "Writes the HTTP API definition (OpenAPI 3.0 for import-api) and a CloudFormation template "
               "with the API, its stage and the Lambda permissions for the new API id. Routes that cannot move would be "
               "left out (--on-blocked skip) and stay on REST.")
    demo.command("convert", demo.path(BUNDLE), "-o", demo.path(HTTP_DEF), "--on-blocked", "skip", expect=(0, 1))
    demo.command("convert", demo.path(BUNDLE), "--format", "cloudformation", "-o", demo.path(TEMPLATE), "--on-blocked", "skip",
                 expect=(0, 1), tail=2)

    demo.stage("4. the HTTP API", f"On AWS, `aws apigatewayv2 import-api --body file://{HTTP_DEF}` or deploying {TEMPLATE} creates the "
               "HTTP API. The local AWS has no import-api, so the demo makes its authorizers, integrations and routes with "
               "direct calls (and one HTTP API per route group, for the plan), and grants them the Lambda permissions.")
    http_doc = yaml.safe_load(Path(demo.path(HTTP_DEF)).read_text(encoding="utf-8"))
    http_id = create_http_api(clients, http_doc, "shop-http")
    grant(clients, sample.functions, http_id)
    routes = clients.client("apigatewayv2").get_routes(ApiId=http_id)["Items"]
    demo.say(f"HTTP API {http_id}: {len(routes)} routes ({', '.join(sorted(r['RouteKey'] for r in routes))}), stage $default")
    groups = group_apis(clients, demo, sample)
    return Apis(sample, api["info"]["title"], http_id, groups)


def cutover(demo: Demo, apis: Apis) -> None:
    """plan, then run to 100 %, back to REST, a run whose gate fails at a later step, and the report."""
    from apigw_migrate.aws import connect

    clients = connect(None, REGION, demo.endpoint_url)
    rest_id = apis.sample.rest_api_id
    put_traffic(clients, apis.rest_name, apis.http_id, http_share=0.0)
    demo.stage("5. plan", "A staged cutover of the custom domain: API Gateway has no weighted API mappings, so the path strategy "
               "moves one route group at a time with an API mapping (served by that group's HTTP API, since a mapping strips "
               "its base path), then switches the root mapping in one call. Each step has its rollback and its gates.")
    group_args = [a for g, gid in apis.groups.items() for a in ("--group-api", f"{g}={gid}")]
    demo.command("plan", "--domain", DOMAIN, "--rest-api-id", rest_id, "--rest-stage", STAGE, "--http-api-id", apis.http_id,
                 *group_args, "--http-definition", demo.path(HTTP_DEF), "--bake", BAKE, *demo.aws(), "-o", demo.path(PLAN))
    for extra in sorted(demo.folder.glob("plan.*.http.yaml")):
        demo.path(extra.name)
    demo.command("plan", "--explain", demo.path(PLAN))

    demo.stage("6. run", "Each step: its calls (journalled before and after), a read-back of the mappings, then the gates, error "
               "rates and latency of both APIs from CloudWatch (here healthy synthetic metrics) against their limits. The "
               "demo's plan has no bake time, so it takes seconds; a real step is watched for 10 minutes by default.")
    put_traffic(clients, apis.rest_name, apis.http_id, http_share=0.5)
    demo.command("run", demo.path(PLAN), *demo.aws())
    demo.path(JOURNAL)
    demo.command("status", demo.path(PLAN), *demo.aws())

    demo.stage("7. a failed gate", "Back to REST on demand, then the same plan again with its own journal: two steps pass, then 8 % of the "
               "HTTP API's new requests fail with 5xx. The third step's gates fail, and the run rolls back to 100 % REST "
               "and verifies it by reading the mappings back (exit code 1).")
    demo.command("run", demo.path(PLAN), "--rollback", "--yes", *demo.aws())
    put_traffic(clients, apis.rest_name, apis.http_id, http_share=0.5)  # fresh in the gates' window, however slow the machine
    demo.command("run", demo.path(PLAN), "--state", demo.path(FAILED_JOURNAL), "--until", "2", *demo.aws())
    put_traffic(clients, apis.rest_name, apis.http_id, http_share=0.5, requests=4000, http_5xx_rate=0.08)
    demo.command("run", demo.path(PLAN), "--state", demo.path(FAILED_JOURNAL), *demo.aws(), expect=(1,))

    demo.stage("8. report", "One self-contained HTML page: the verdict, the work left, the monthly cost now and after, "
               "and the cutover drawn from the failed run's journal (share on HTTP per step, each gate against its limit, "
               "the rollback). Open it in a browser.")
    demo.command("report", demo.path(CHECK_JSON), "--run", demo.path(FAILED_JOURNAL), "--requests-per-month", "50000000",
                 "-o", demo.path(REPORT))


def group_apis(clients: Any, demo: Demo, sample: Sample) -> dict[str, str]:
    """One HTTP API per route group, from the REST definition re-rooted under the group's mapping:
    the definitions `plan` writes beside the plan, made here first so `plan` can name the APIs."""
    from apigw_migrate.cutover.strategies.path import group_routes, reroot_definition
    from apigw_migrate.load import load
    from apigw_migrate.openapi import all_route_keys

    src = load(Path(demo.path(BUNDLE)))
    out: dict[str, str] = {}
    for group in group_routes(sorted(set(all_route_keys(src)))):
        if not group:
            continue
        converted = reroot_definition(src, group, "$default")
        if converted is not None and converted.document is not None:
            out[group] = create_http_api(clients, converted.document, f"shop-http-{group}")
            grant(clients, sample.functions, out[group])
    demo.say("HTTP APIs per group: " + ", ".join(f"{g} → {gid}" for g, gid in out.items()))
    return out


# --- --serve ---------------------------------------------------------------------------------------


def serve(port: int, load: bool, out: Callable[[str], None]) -> None:
    """The local AWS until Ctrl-C or SIGTERM; the first line printed is `endpoint: URL`.

    With the sample, the REST API and its HTTP APIs are made as the demo makes them (export and convert
    run quietly in a temporary folder), and healthy synthetic traffic is put into CloudWatch every
    minute, so `plan` and `run` by hand find what they need."""
    import tempfile

    from apigw_migrate.aws import connect
    from apigw_migrate.localaws import LocalAws

    require_moto()
    api = load_sample() if load else None
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    quiet_server_log()
    server = LocalAws(port)
    try:
        if port:
            check_port(port)
        endpoint_url = server.start()
        out(f"endpoint: {endpoint_url}")
        traffic: Callable[[], None] = lambda: None
        if api is not None:
            with demo_credentials(), tempfile.TemporaryDirectory(prefix="apigw-migrate-demo-") as scratch:
                apis = prepare(Demo(Path(scratch), endpoint_url, lambda line: None), api)
                clients = connect(None, REGION, endpoint_url)

                def traffic() -> None:
                    with demo_credentials():
                        put_traffic(clients, apis.rest_name, apis.http_id, http_share=0.5)

                traffic()
            for line in serve_guide(endpoint_url, apis):
                out(line)
        out("Ctrl-C or SIGTERM stops it.")
        try:
            while not stop.wait(60):
                traffic()
        except KeyboardInterrupt:
            pass
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    out("stopped")


def check_port(port: int) -> None:
    """A port that cannot be listened on is a usage error (werkzeug would print two lines and exit 1)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug binds it
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as e:
            raise UsageError(f"--port {port}: cannot listen on 127.0.0.1 ({e.strerror or e})") from None


def serve_guide(endpoint_url: str, apis: Apis) -> list[str]:
    """What is loaded, and the commands that drive it by hand."""
    groups = " ".join(f"--group-api {g}={gid}" for g, gid in apis.groups.items())
    aws = f"--region {REGION} --endpoint-url {endpoint_url}"
    return [
        f"sample: REST API {apis.sample.rest_api_id} (stage {STAGE}) behind https://{DOMAIN}/; HTTP API {apis.http_id}; "
        f"per-group HTTP APIs {', '.join(f'{g}={gid}' for g, gid in apis.groups.items())}",
        "healthy synthetic traffic for both APIs is put into CloudWatch every minute",
        "try, in another shell (the local AWS accepts any credentials):",
        f"  export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_DEFAULT_REGION={REGION}",
        f"  apigw-migrate export --rest-api-id {apis.sample.rest_api_id} --stage {STAGE} {aws} -o shop.bundle.json",
        f"  apigw-migrate plan --domain {DOMAIN} --rest-api-id {apis.sample.rest_api_id} --rest-stage {STAGE} "
        f"--http-api-id {apis.http_id} {groups} --bake 0 {aws} -o plan.yaml",
        f"  apigw-migrate run plan.yaml {aws}",
        f"  apigw-migrate status plan.yaml {aws}",
    ]
