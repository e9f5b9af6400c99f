"""Live state or a bundle + the HTTP definition + a domain → a Plan, its strategy chosen and explained.

`gather_live` / `gather_bundle` read what planning needs into `Facts`; `make_plan` chooses the
strategy, asks it for steps, runs preflight and returns the Plan plus the files to write beside it
(per-group HTTP definitions, the CloudFront function and template). Nothing here writes AWS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from apigw_migrate.cutover.model import ApiRef, Domain, Gates, Plan, PreflightResult
from apigw_migrate.errors import FindingsError, UsageError
from apigw_migrate.findings import Finding

PRESETS: dict[str, tuple[list[float], int]] = {
    # CodeDeploy's names: shape and numbers (share steps, bake seconds between them)
    "Canary10Percent5Minutes": ([10.0, 100.0], 300),
    "Linear10PercentEvery10Minutes": ([float(p) for p in range(10, 101, 10)], 600),
    "AllAtOnce": ([100.0], 0),
}
DEFAULT_STEPS = [1.0, 5.0, 25.0, 50.0, 100.0]
DEFAULT_BAKE = 600
METRIC_DAYS = 14
AUTO_ORDER = ("path", "route53", "cloudfront")


@dataclass
class PlanRequest:
    domain: str
    rest_api_id: str
    rest_stage: str
    http_api_id: str
    http_stage: str = "$default"
    http_region: str | None = None  # default: the domain's (and REST API's) Region
    strategy: str = "auto"
    steps: list[float] | None = None  # cumulative HTTP shares (cloudfront, route53; path batches groups by them)
    bake: int = DEFAULT_BAKE
    groups: dict[str, str] | None = None  # path: group name → base path under the REST mapping; None = first segment
    group_apis: dict[str, str] = field(default_factory=dict)  # path: group name → HTTP API id serving it re-rooted
    client_key: str = "header:x-client-id"  # cloudfront: header:NAME | cookie:NAME | ip
    hosted_zone_id: str | None = None
    route_counts: dict[str, int] | None = None  # route key → requests, from access logs
    force: bool = False
    out_name: str = "plan.yaml"  # names the files written beside the plan
    gates: Gates = field(default_factory=Gates)  # every step's gates (alarms, parity probe, thresholds)


@dataclass
class Facts:
    """What planning knows about the domain and both APIs, read live or from a bundle."""

    source: str  # live | bundle
    domain_name: str
    domain_region: str
    domain: dict[str, Any] | None  # name, region, endpoint_type, security_policy, routing_mode, regional_domain_name, regional_zone
    mappings: list[dict[str, str]]  # every mapping on the domain: {key, api_id, stage}
    rest: ApiRef
    http: ApiRef
    rest_src: Any  # the REST definition (apigw_migrate.load.Source)
    http_routes: list[str] | None  # route keys of the HTTP API (definition or live), None = unknown
    http_exists: bool | None = None
    http_stage_exists: bool | None = None
    rest_endpoint_disabled: bool | None = None
    http_endpoint_disabled: bool | None = None
    http_domain: dict[str, Any] | None = None  # the same hostname as a custom domain in the HTTP API's Region
    hosted_zone_id: str | None = None
    route_counts: dict[str, int] | None = None
    counts_from: str = "equal"  # cloudwatch | access-logs | equal
    rest_has_data: bool | None = None
    http_has_data: bool | None = None
    lambda_functions: list[tuple[str, str]] = field(default_factory=list)  # (function, integration|authorizer)
    lambda_policies: dict[str, Any] | None = None  # None: not read
    check_findings: list[Finding] = field(default_factory=list)
    baseline_extra: dict[str, Any] = field(default_factory=dict)  # route53/cloudfront records read live

    @property
    def rest_mapping_key(self) -> str | None:
        """The mapping key that serves the REST stage on the domain (longest-lived traffic comes through it)."""
        keys = [m["key"] for m in self.mappings if m["api_id"] == self.rest.api_id and m["stage"] == self.rest.stage]
        return min(keys, key=len) if keys else None

    @property
    def rest_routes(self) -> list[str]:
        from apigw_migrate.openapi import all_route_keys

        return sorted(set(all_route_keys(self.rest_src)))


def parse_duration(text: str) -> int:
    """Seconds from "90", "90s", "10m", "1h".

    >>> parse_duration("10m"), parse_duration("90"), parse_duration("1h")
    (600, 90, 3600)
    """
    m = re.fullmatch(r"\s*(\d+)\s*([smh]?)\s*", text)
    if not m:
        raise UsageError(f"--bake {text!r}: give a duration like 600, 90s, 10m or 1h")
    return int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def parse_steps(text: str) -> list[float]:
    """Cumulative HTTP shares, strictly rising, ending at 100.

    >>> parse_steps("1,5,25,50,100")
    [1.0, 5.0, 25.0, 50.0, 100.0]
    """
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UsageError(f"--steps {text!r}: give percentages separated by commas, e.g. 1,5,25,50,100") from None
    if not values or any(not 0 < v <= 100 for v in values) or values != sorted(set(values)):
        raise UsageError(f"--steps {text!r}: percentages above 0 and at most 100, each larger than the one before")
    if values[-1] != 100:
        raise UsageError(f"--steps {text!r}: the last step must be 100 (a plan ends with all traffic on HTTP)")
    return values


# --- choosing the strategy -------------------------------------------------------------------------------


def fits(facts: Facts, strategy: str) -> str | None:
    """None when `strategy` can carry this cutover, else why not (one sentence for the user)."""
    d = facts.domain
    if strategy == "path":
        if d is None:
            return f"custom domain {facts.domain_name} was not found in {facts.domain_region}"
        if d["endpoint_type"] != "REGIONAL":
            return f"{d['name']} is edge-optimized, and an HTTP API can only be mapped on a Regional domain"
        # Whether HTTP mappings work on the newer enhanced (TLS 1.3) policies is [U] (§10): only TLS_1_2 fits.
        if d["security_policy"] != "TLS_1_2":
            return f"{d['name']} uses {d['security_policy']}, and HTTP API mappings need TLS_1_2"
        if d.get("routing_mode") not in (None, "", "API_MAPPING_ONLY", "BASE_PATH_MAPPING_ONLY"):
            return f"{d['name']} uses routing rules, which serve REST APIs only and are not allowed with HTTP mappings"
        if facts.http.region != d["region"]:
            return f"the HTTP API is in {facts.http.region}, the domain in {d['region']}: a mapping joins a domain and an API of one Region"
        return None
    if strategy == "route53":
        # [U] derived (fact sheet §10): a Regional domain name is unique within a Region and an alias
        # record's name must equal it, so one Region cannot hold both sides of the weighted set.
        if facts.http.region == facts.rest.region:
            return (
                f"both APIs are in {facts.rest.region}, and a Regional custom domain name is unique within a Region, so "
                "Route 53 weighted records cannot split one hostname between them there; use --strategy path (route groups by "
                "base path on the shared domain) or --strategy cloudfront (a true percentage)"
            )
        if facts.http_domain is None:
            return f"there is no custom domain {facts.domain_name} in {facts.http.region} for the HTTP API to serve the hostname"
        return None
    if strategy == "cloudfront":
        return None
    raise UsageError(f"--strategy must be auto, path, cloudfront or route53, not {strategy!r}")


def choose(facts: Facts, wanted: str) -> tuple[str, str]:
    """(strategy, why). `auto` takes the first of path, route53, cloudfront that fits.

    A strategy named with --strategy that does not fit is refused when nothing could make it fit
    (route53 in one Region); otherwise preflight reports what is wrong (an edge-optimized domain for
    path is PRE102), so the user sees the fix.
    """
    if wanted != "auto":
        reason = fits(facts, wanted)
        if reason and wanted == "route53":
            raise UsageError(f"--strategy route53 cannot carry this cutover: {reason}")
        if reason:
            return wanted, f"chosen with --strategy {wanted}, although {reason}"
        return wanted, WHY[wanted](facts)
    skipped: list[tuple[str, str]] = []
    for name in AUTO_ORDER:
        reason = fits(facts, name)
        if reason is None:
            why = WHY[name](facts)
            if skipped:
                why += f" (not {' or '.join(n for n, _ in skipped)}: {'; '.join(r for _, r in skipped)})"
            return name, why
        skipped.append((name, reason))
    raise AssertionError("cloudfront always fits")  # pragma: no cover


WHY = {
    "path": lambda f: (
        f"{f.domain_name} is a Regional TLS 1.2 domain in the APIs' Region, so REST and HTTP stages can share it: "
        "route groups move one API mapping at a time, and the last step switches the root mapping in one call; "
        "each step's share is the traffic its route groups carried"
    ),
    "route53": lambda f: (
        f"the HTTP API serves {f.domain_name} from {f.http.region} and the REST API from {f.rest.region}: "
        "Route 53 weighted alias records split the hostname by weight (0-255)"
    ),
    "cloudfront": lambda f: (
        f"a CloudFront distribution in front of both APIs gives a true percentage with per-client stickiness: a "
        f"CloudFront Function hashes each client into 0-99 and reads the HTTP share from a KeyValueStore"
    ),
}


# --- the plan --------------------------------------------------------------------------------------------


class PreflightFailed(FindingsError):
    """Preflight found blockers: no plan. `findings` holds all of them, for the caller to show."""

    def __init__(self, findings: list[Finding], blockers: int) -> None:
        super().__init__(f"preflight failed with {blockers} blocker(s); no plan written (--force writes it anyway and records them)")
        self.findings = findings


@dataclass
class Outcome:
    plan: Plan
    header: str
    files: dict[str, str]  # file name (beside the plan) → text
    findings: list[Finding]


def make_plan(facts: Facts, req: PlanRequest) -> Outcome:
    """Choose, build, preflight. Raises FindingsError when preflight has blockers and `force` is off."""
    from apigw_migrate.cutover import preflight
    from apigw_migrate.cutover.strategies import cloudfront, path, route53

    strategy, why = choose(facts, req.strategy)
    builder = {"path": path.build, "cloudfront": cloudfront.build, "route53": route53.build}[strategy]
    built = builder(facts, req)
    findings = preflight.run(facts, strategy, built.moved_routes, built.not_found, built.misrouted)
    blockers = preflight.blocking(findings)
    if blockers and not req.force:
        raise PreflightFailed(findings, len(blockers))
    plan = Plan(
        strategy=strategy,
        why=why,
        domain=Domain(
            facts.domain_name,
            facts.domain_region,
            (facts.domain or {}).get("endpoint_type", "REGIONAL"),
            (facts.domain or {}).get("security_policy", "TLS_1_2"),
        ),
        rest=facts.rest,
        http=facts.http,
        baseline=built.baseline,
        steps=built.steps,
        gates=req.gates,
        preflight=[PreflightResult(f.rule, f.severity.value, f.message, f.alternative) for f in findings],
        forced=bool(blockers),
        settings=built.settings,
    )
    header = _header(plan, facts, built.notes)
    return Outcome(plan, header, built.files, findings)


def _header(plan: Plan, facts: Facts, notes: list[str]) -> str:
    import textwrap

    lines = [
        f"apigw-migrate cutover plan: {facts.rest.api_name or facts.rest.api_id} (REST {facts.rest.api_id}/{facts.rest.stage}) "
        f"→ HTTP {facts.http.api_id}/{facts.http.stage} on {facts.domain_name}",
        f"Strategy {plan.strategy}: {plan.why}.",
        "API Gateway has no weighted API mappings, and a mapping strips the base path it matched.",
        *notes,
        "Planned from " + ("live AWS state" if facts.source == "live" else "a bundle (offline), which lists only this API's mappings")
        + "; run refuses the plan if the domain no longer shows `baseline`"
        + ("." if facts.source == "live" else ": plan against AWS when the domain maps other APIs too."),
        "Edit freely (comments are kept); check edits with: apigw-migrate plan --validate THIS_FILE",
    ]
    if plan.forced:
        lines.append("FORCED: preflight had blockers (see `preflight`); this plan was written with --force.")
    out: list[str] = []
    for line in lines:
        out.extend(textwrap.wrap(line, 110, break_on_hyphens=False) or [""])
    return "\n".join(out)


def shares_of(groups: dict[str, list[str]], counts: dict[str, int] | None) -> dict[str, float]:
    """Each group's share of traffic in percent (summing to 100, unrounded), from route counts; equal shares without.

    >>> shares_of({"a": ["GET /a"], "b": ["GET /b"]}, {"GET /a": 30, "GET /b": 10})
    {'a': 75.0, 'b': 25.0}
    >>> shares_of({"a": ["GET /a"], "b": ["GET /b"]}, None)
    {'a': 50.0, 'b': 50.0}
    """
    totals = {g: sum((counts or {}).get(r, 0) for r in routes) for g, routes in groups.items()}
    whole = sum(totals.values())
    if not counts or whole == 0:
        return {g: 100.0 / len(groups) for g in groups}
    return {g: 100.0 * t / whole for g, t in totals.items()}


@dataclass
class Built:
    """What a strategy's `build` gives `make_plan`."""

    baseline: dict[str, Any]
    steps: list[Any]
    settings: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # sentences for the plan's header comment
    moved_routes: list[str] = field(default_factory=list)
    not_found: dict[str, list[str]] = field(default_factory=dict)  # mapping key → REST routes that would 404
    misrouted: dict[str, dict[str, str]] = field(default_factory=dict)  # mapping key → {REST route: HTTP route answering instead}


def percentage_steps(req: PlanRequest) -> list[float]:
    return list(req.steps or DEFAULT_STEPS)


def file_stem(out_name: str) -> str:
    """plan.yaml → plan (the prefix of the files written beside the plan)."""
    from pathlib import PurePath

    name = PurePath(out_name).name
    for suffix in (".yaml", ".yml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


# --- gathering facts -------------------------------------------------------------------------------------


def _http_routes_from(definition: str) -> list[str]:
    """Route keys of an HTTP API document (the converted definition), `$default` included when present."""
    from apigw_migrate.load import load
    from apigw_migrate.openapi import all_route_keys

    src = load(definition)
    keys = all_route_keys(src)
    return sorted(set(keys))


def _domain_from_v1(d: dict, region: str) -> dict[str, Any]:
    """A bundle's (get_domain_names) domain → the fields planning reads."""
    types = (d.get("endpointConfiguration") or {}).get("types") or ["EDGE"]
    return {
        "name": d["domainName"],
        "region": region,
        "endpoint_type": types[0],
        "security_policy": d.get("securityPolicy", "TLS_1_0"),
        "routing_mode": d.get("routingMode"),
        "regional_domain_name": d.get("regionalDomainName"),
        "regional_zone": d.get("regionalHostedZoneId"),
        "distribution_domain_name": d.get("distributionDomainName"),  # edge-optimized: its CloudFront target
        "certificate_arn": d.get("regionalCertificateArn") or d.get("certificateArn"),
    }


def _domain_from_v2(d: dict, region: str) -> dict[str, Any]:
    """apigatewayv2 get_domain_name → the fields planning reads."""
    config = (d.get("DomainNameConfigurations") or [{}])[0]
    return {
        "name": d["DomainName"],
        "region": region,
        "endpoint_type": config.get("EndpointType", "REGIONAL"),
        "security_policy": config.get("SecurityPolicy", "TLS_1_2"),
        "routing_mode": d.get("RoutingMode"),
        "regional_domain_name": config.get("ApiGatewayDomainName"),
        "regional_zone": config.get("HostedZoneId"),
        "certificate_arn": config.get("CertificateArn"),
    }


def gather_bundle(bundle_path: str, req: PlanRequest, http_definition: str | None) -> Facts:
    """Facts from an export bundle (domains and mappings included) and the converted HTTP definition; no AWS call."""
    from apigw_migrate.errors import InputError
    from apigw_migrate.load import load

    src = load(bundle_path)
    if src.kind != "bundle" or not src.bundle:
        raise InputError("--from-bundle needs a bundle written by apigw-migrate export", bundle_path)
    meta = src.bundle["metadata"]
    region = meta.get("region") or "us-east-1"
    if meta.get("restApiId") != req.rest_api_id or meta.get("stage") != req.rest_stage:
        raise UsageError(
            f"the bundle holds REST API {meta.get('restApiId')} stage {meta.get('stage')}, not {req.rest_api_id} stage {req.rest_stage}"
        )
    found = next((d for d in src.bundle.get("domainNames") or [] if d.get("domainName") == req.domain), None)
    domain = _domain_from_v1(found, region) if found else None
    mappings = [
        {"key": "" if m.get("basePath") in (None, "(none)") else m["basePath"], "api_id": m["restApiId"], "stage": m["stage"]}
        for m in (found or {}).get("mappings") or []
    ]
    facts = Facts(
        source="bundle",
        domain_name=req.domain,
        domain_region=region,
        domain=domain,
        mappings=mappings,
        rest=ApiRef(req.rest_api_id, req.rest_stage, region, meta.get("restApiName", "")),
        http=ApiRef(req.http_api_id, req.http_stage, req.http_region or region),
        rest_src=src,
        http_routes=_http_routes_from(http_definition) if http_definition else None,
        rest_endpoint_disabled=bool((src.bundle.get("restApi") or {}).get("disableExecuteApiEndpoint", False)),
        hosted_zone_id=req.hosted_zone_id,
    )
    _common(facts, req)
    return facts


def _common(facts: Facts, req: PlanRequest) -> None:
    """What both sources derive the same way: route counts from access logs, check's findings, Lambda uses."""
    from apigw_migrate.checks import run_checks
    from apigw_migrate.transforms import ConvertOptions, convert

    if req.route_counts is not None and facts.route_counts is None:
        facts.route_counts, facts.counts_from = req.route_counts, "access-logs"
    report = run_checks([facts.rest_src])
    facts.check_findings = report.apis[0].findings if report.apis else []
    result = convert(facts.rest_src, ConvertOptions(on_blocked="skip", stage_name=facts.http.stage))
    facts.lambda_functions = sorted(
        {(u.function, u.kind) for u in result.lambda_functions if isinstance(u.function, str) and "${" not in u.function}
    )


def gather_live(ctx: Any, req: PlanRequest, http_definition: str | None = None) -> Facts:
    """Facts read from AWS: the REST stage (as export reads it), the domain and its mappings, the HTTP API,
    Route 53, CloudWatch and the Lambda policies. Only reads."""
    from apigw_migrate import aws
    from apigw_migrate.export import export_bundle
    from apigw_migrate.load import source_from_document

    region = ctx.region
    http_region = req.http_region or region
    bundle = export_bundle(ctx, req.rest_api_id, req.rest_stage)
    src = source_from_document(bundle, f"REST API {req.rest_api_id}")
    domain, mappings = _live_domain(ctx, req.domain, region)
    v2 = ctx.client("apigatewayv2", http_region)
    facts = Facts(
        source="live",
        domain_name=req.domain,
        domain_region=region,
        domain=domain,
        mappings=mappings,
        rest=ApiRef(req.rest_api_id, req.rest_stage, region, bundle["metadata"].get("restApiName", "")),
        http=ApiRef(req.http_api_id, req.http_stage, http_region),
        rest_src=src,
        http_routes=_http_routes_from(http_definition) if http_definition else None,
        rest_endpoint_disabled=bool((bundle.get("restApi") or {}).get("disableExecuteApiEndpoint", False)),
    )
    try:
        api = aws.call(v2, "get_api", f"HTTP API {req.http_api_id}", ApiId=req.http_api_id)
        facts.http_exists = True
        facts.http_endpoint_disabled = bool(api.get("DisableExecuteApiEndpoint", False))
        facts.http.api_name = api.get("Name", "")
        try:
            aws.call(v2, "get_stage", f"stage {req.http_stage}", ApiId=req.http_api_id, StageName=req.http_stage)
            facts.http_stage_exists = True
        except aws.AwsCallError as e:
            if e.kind != "not_found":
                raise
            facts.http_stage_exists = False
        if facts.http_routes is None:
            routes = aws.paginate(v2, "get_routes", "Items", f"routes of HTTP API {req.http_api_id}", ApiId=req.http_api_id)
            facts.http_routes = sorted({r["RouteKey"] for r in routes})
    except aws.AwsCallError as e:
        if e.kind != "not_found":
            raise
        facts.http_exists = False
    if http_region != region:
        facts.http_domain, _ = _live_domain(ctx, req.domain, http_region)
    facts.hosted_zone_id = req.hosted_zone_id or _hosted_zone(ctx, req.domain)
    if facts.hosted_zone_id:
        _live_records(ctx, facts)
    _live_metrics(ctx, facts)
    _common(facts, req)
    _live_policies(ctx, facts)
    return facts


def _live_domain(ctx: Any, name: str, region: str) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """The domain and every mapping on it: apigatewayv2 first (it lists REST and HTTP mappings alike),
    the v1 view for an edge-optimized domain, which v2 does not manage."""
    from apigw_migrate import aws

    v2 = ctx.client("apigatewayv2", region)
    try:
        d = aws.call(v2, "get_domain_name", f"custom domain {name}", DomainName=name)
        items = aws.paginate(v2, "get_api_mappings", "Items", f"API mappings of {name}", DomainName=name)
        return _domain_from_v2(d, region), [
            {"key": m.get("ApiMappingKey") or "", "api_id": m["ApiId"], "stage": m["Stage"]} for m in items
        ]
    except aws.AwsCallError as e:
        if e.kind != "not_found":
            raise
    v1 = ctx.client("apigateway", region)
    try:
        d = aws.call(v1, "get_domain_name", f"custom domain {name}", domainName=name)
    except aws.AwsCallError as e:
        if e.kind != "not_found":
            raise
        return None, []
    items = aws.paginate(v1, "get_base_path_mappings", "items", f"base path mappings of {name}", domainName=name)
    return _domain_from_v1(d, region), [
        {"key": "" if m.get("basePath") in (None, "(none)") else m["basePath"], "api_id": m["restApiId"], "stage": m["stage"]} for m in items
    ]


def _hosted_zone(ctx: Any, name: str) -> str | None:
    """The public hosted zone whose name is the longest suffix of the hostname."""
    from apigw_migrate import aws

    r53 = ctx.client("route53", "us-east-1")
    zones = aws.paginate(r53, "list_hosted_zones", "HostedZones", "hosted zones")
    host = name.rstrip(".").lower() + "."
    best = [z for z in zones if host == z["Name"].lower() or host.endswith("." + z["Name"].lower())]
    best = [z for z in best if not (z.get("Config") or {}).get("PrivateZone")]
    if not best:
        return None
    return max(best, key=lambda z: len(z["Name"]))["Id"].rsplit("/", 1)[-1]


def _live_records(ctx: Any, facts: Facts) -> None:
    """The hostname's records now: route53's weights and the plain alias record step 1 replaces."""
    from apigw_migrate import aws
    from apigw_migrate.cutover.strategies.route53 import read_weights

    r53 = ctx.client("route53", "us-east-1")
    facts.baseline_extra["route53"] = read_weights(r53, facts.hosted_zone_id, facts.domain_name, "A")
    host = facts.domain_name.rstrip(".").lower() + "."
    reply = aws.call(r53, "list_resource_record_sets", f"hosted zone {facts.hosted_zone_id}",
                     HostedZoneId=facts.hosted_zone_id, StartRecordName=host, StartRecordType="A", MaxItems="100")
    for r in reply.get("ResourceRecordSets", []):
        if r["Name"].lower() == host and r["Type"] == "A" and "SetIdentifier" not in r:
            facts.baseline_extra["route53_simple"] = {k: v for k, v in r.items() if k in ("Name", "Type", "TTL", "ResourceRecords", "AliasTarget")}
            target = (r.get("AliasTarget") or {}).get("DNSName")
            facts.baseline_extra["record_target"] = target.rstrip(".").lower() if target else None


def _live_metrics(ctx: Any, facts: Facts) -> None:
    """Per-route Count (REST detailed metrics) for the group shares, and whether each API has any data."""
    import datetime as dt

    from apigw_migrate import aws

    cw = ctx.client("cloudwatch", facts.rest.region)
    end = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    start = end - dt.timedelta(days=METRIC_DAYS)
    name = facts.rest.api_name or facts.rest.api_id
    metrics = aws.paginate(cw, "list_metrics", "Metrics", "CloudWatch metrics", Namespace="AWS/ApiGateway", MetricName="Count",
                           Dimensions=[{"Name": "ApiName", "Value": name}])
    per_route = []
    for m in metrics:
        dims = {d["Name"]: d["Value"] for d in m.get("Dimensions", [])}
        if set(dims) == {"ApiName", "Method", "Resource", "Stage"} and dims["Stage"] == facts.rest.stage:
            per_route.append((f"{dims['Method']} {dims['Resource']}", m["Dimensions"]))

    def total(dimensions: list[dict], region: str) -> float:
        reply = aws.call(ctx.client("cloudwatch", region), "get_metric_statistics", "CloudWatch Count",
                         Namespace="AWS/ApiGateway", MetricName="Count", Dimensions=dimensions, StartTime=start, EndTime=end,
                         Period=86400, Statistics=["Sum"])
        return sum(p.get("Sum", 0) for p in reply.get("Datapoints", []))

    if per_route:
        counts = {route: int(total(dims, facts.rest.region)) for route, dims in per_route}
        if sum(counts.values()) > 0:
            facts.route_counts, facts.counts_from = counts, "cloudwatch"
    facts.rest_has_data = total([{"Name": "ApiName", "Value": name}, {"Name": "Stage", "Value": facts.rest.stage}], facts.rest.region) > 0
    facts.http_has_data = total([{"Name": "ApiId", "Value": facts.http.api_id}, {"Name": "Stage", "Value": facts.http.stage}], facts.http.region) > 0


def _live_policies(ctx: Any, facts: Facts) -> None:
    from apigw_migrate import aws

    facts.lambda_policies = {}
    for function, _ in facts.lambda_functions:
        region = function.split(":")[3] if function.startswith("arn:") else facts.http.region
        client = ctx.client("lambda", region)
        try:
            facts.lambda_policies[function] = aws.call(client, "get_policy", f"the policy of Lambda {function}", FunctionName=function)["Policy"]
        except aws.AwsCallError as e:
            if e.kind != "not_found":
                raise
            facts.lambda_policies[function] = None
