"""Stage settings (fact sheet §11)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.checks.context import Context, as_text, context, describe, mapping, truthy
from apigw_migrate.checks.mapping import rest_only_context
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity
from apigw_migrate.openapi import method_settings_routes, template_method_settings_key

if TYPE_CHECKING:
    from apigw_migrate.load import Source

# Template MethodSettings item field → botocore MethodSetting field.
_TEMPLATE_METHOD_FIELDS = {
    "CachingEnabled": "cachingEnabled",
    "CacheTtlInSeconds": "cacheTtlInSeconds",
    "CacheDataEncrypted": "cacheDataEncrypted",
    "LoggingLevel": "loggingLevel",
    "DataTraceEnabled": "dataTraceEnabled",
    "MetricsEnabled": "metricsEnabled",
    "ThrottlingBurstLimit": "throttlingBurstLimit",
    "ThrottlingRateLimit": "throttlingRateLimit",
}


def method_settings(ctx: Context) -> Iterator[tuple[str, dict[str, tuple[Any, str]], list[str]]]:
    """(REST key like ``~1books/GET``, field → (value, pointer), routes) for each method setting.

    Routes are empty for ``*/*``: the setting concerns the whole API. A key that names no route of the
    API has no effect and is not yielded.
    """
    for key, value, ptr in ctx.stage_settings():
        if key != "methodSettings":
            continue
        if isinstance(value, dict):
            for mkey, setting in value.items():
                routes = method_settings_routes(str(mkey), ctx.routes)
                if routes != []:
                    fields = {k: (v, jp.join(ptr, mkey, k)) for k, v in mapping(setting).items()}
                    yield str(mkey), fields, routes or []
        elif isinstance(value, list):
            for i, item in enumerate(value):
                item = mapping(item)
                mkey = template_method_settings_key(str(item.get("ResourcePath", "/*")), str(item.get("HttpMethod", "*")))
                routes = method_settings_routes(mkey, ctx.routes)
                if routes != []:
                    fields = {
                        _TEMPLATE_METHOD_FIELDS[k]: (v, jp.join(ptr, i, k)) for k, v in item.items() if k in _TEMPLATE_METHOD_FIELDS
                    }
                    yield mkey, fields, routes or []


def _where(mkey: str, routes: list[str]) -> str:
    if mkey in ("*/*", "/*/*"):
        return "every method (*/*)"
    return f"{mkey} ({', '.join(routes)})" if routes else mkey


def _setting(ctx: Context, name: str) -> Iterator[tuple[Any, str]]:
    for key, value, ptr in ctx.stage_settings():
        if key == name:
            yield value, ptr


@rule(
    id="AGW601",
    name="cache-cluster",
    severity=Severity.WARNING,
    fact="§1,§11",
    fixed_by="stage",
    summary="Checks for stages with an API cache cluster (cacheClusterEnabled, CacheClusterEnabled).",
    why="HTTP APIs have no response cache: every request reaches the backend, which may raise load and latency.",
    instead="Cache in the backend or in CloudFront in front of the HTTP API; size the backend for the uncached load.",
    example="stage:\n  cacheClusterEnabled: true\n  cacheClusterSize: '0.5'",
    use_instead="# no cache cluster: a CloudFront cache behaviour in front of the HTTP API",
)
def cache_cluster(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    size = next((describe(v) for v, _ in _setting(ctx, "cacheClusterSize")), None)
    for value, ptr in _setting(ctx, "cacheClusterEnabled"):
        enabled = truthy(value)
        if enabled is not False:
            how = f" ({size} GB)" if size else ""
            known = "" if enabled else f" (set by {describe(value)})"
            yield r.finding(ptr, f"the stage has a cache cluster{how}{known}; HTTP APIs have no cache")


@rule(
    id="AGW602",
    name="method-caching",
    severity=Severity.WARNING,
    fact="§11",
    fixed_by="stage",
    summary="Checks for method settings that enable caching (cachingEnabled, CachingEnabled).",
    why="HTTP APIs have no response cache; per-method cache settings are dropped.",
    instead="Cache in the backend or in CloudFront; set Cache-Control headers in responses.",
    example="stage:\n  methodSettings:\n    ~1books/GET: {cachingEnabled: true, cacheTtlInSeconds: 300}",
    use_instead="# no method cache: Cache-Control: max-age=300 from the backend and a CloudFront cache",
)
def method_caching(src: "Source", r: Rule) -> Iterator[Finding]:
    for mkey, fields, routes in method_settings(context(src)):
        value, ptr = fields.get("cachingEnabled", (None, ""))
        if value is not None and truthy(value) is not False:
            ttl = fields.get("cacheTtlInSeconds", (None, ""))[0]
            detail = f" for {describe(ttl)} s" if ttl is not None else ""
            yield r.finding(ptr, f"responses of {_where(mkey, routes)} are cached{detail}; HTTP APIs have no cache", routes=routes)


@rule(
    id="AGW603",
    name="execution-logging",
    severity=Severity.WARNING,
    fact="§1,§11",
    fixed_by="stage",
    summary="Checks for execution logging (loggingLevel INFO/ERROR, dataTraceEnabled).",
    why="HTTP APIs have no execution logs: only access logs remain, so the request/response traces used for debugging disappear.",
    instead="Log in the backend and use access logs with $context.integrationErrorMessage and $context.error.message.",
    example="stage:\n  methodSettings:\n    '*/*': {loggingLevel: INFO, dataTraceEnabled: true}",
    use_instead="AccessLogSettings:\n  Format: '{\"requestId\":\"$context.requestId\",\"error\":\"$context.integrationErrorMessage\"}'",
)
def execution_logging(src: "Source", r: Rule) -> Iterator[Finding]:
    for mkey, fields, routes in method_settings(context(src)):
        level, level_ptr = fields.get("loggingLevel", (None, ""))
        trace, trace_ptr = fields.get("dataTraceEnabled", (None, ""))
        if str(level).upper() in ("INFO", "ERROR"):
            extra = " with full request/response data" if truthy(trace) else ""
            yield r.finding(level_ptr, f"execution logging at {str(level).upper()}{extra} on {_where(mkey, routes)}; HTTP APIs have no execution logs", routes=routes)
        elif trace is not None and truthy(trace):
            yield r.finding(trace_ptr, f"data tracing on {_where(mkey, routes)}; HTTP APIs have no execution logs", routes=routes)


@rule(
    id="AGW604",
    name="xray-tracing",
    severity=Severity.WARNING,
    fact="§1,§11",
    fixed_by="stage",
    summary="Checks for X-Ray active tracing on the stage (tracingEnabled, TracingEnabled).",
    why="HTTP APIs do not emit X-Ray segments: traces start at the backend instead of API Gateway.",
    instead="Enable tracing in the Lambda functions / backends (active tracing), and correlate with $context.requestId.",
    example="Type: AWS::Serverless::Api\nProperties:\n  TracingEnabled: true",
    use_instead="Type: AWS::Serverless::Function\nProperties:\n  Tracing: Active",
)
def xray_tracing(src: "Source", r: Rule) -> Iterator[Finding]:
    for value, ptr in _setting(context(src), "tracingEnabled"):
        if value is not None and truthy(value) is not False:
            yield r.finding(ptr, "X-Ray tracing is on for the stage; HTTP APIs do not trace")


@rule(
    id="AGW605",
    name="canary-deployment",
    severity=Severity.WARNING,
    fact="§1,§11",
    fixed_by="stage",
    summary="Checks for canary deployments on the stage (canarySettings, CanarySetting).",
    why="HTTP APIs have no canary deployments: traffic cannot be split between deployments of one stage.",
    instead="Shift traffic with Lambda alias weights, or between APIs at the domain/CloudFront level (apigw-migrate plan).",
    example="stage:\n  canarySettings: {percentTraffic: 10, deploymentId: abc123}",
    use_instead="# weighted Lambda alias instead:\nAutoPublishAlias: live\nDeploymentPreference: {Type: Canary10Percent5Minutes}",
)
def canary_deployment(src: "Source", r: Rule) -> Iterator[Finding]:
    for value, ptr in _setting(context(src), "canarySettings"):
        if value:
            pct = mapping(value).get("percentTraffic", mapping(value).get("PercentTraffic"))
            detail = f" ({describe(pct)} % of traffic)" if pct is not None else ""
            yield r.finding(ptr, f"the stage runs a canary{detail}; HTTP APIs have no canary deployments")


def _access_log(ctx: Context) -> Iterator[tuple[str | None, str, str | None, str]]:
    """(destination, pointer, format, pointer) for each access log setting."""
    for value, ptr in _setting(ctx, "accessLogSettings"):
        value = mapping(value)
        dest_key = "destinationArn" if "destinationArn" in value else "DestinationArn"
        fmt_key = "format" if "format" in value else "Format"
        yield (
            as_text(value.get(dest_key)),
            jp.join(ptr, dest_key),
            as_text(value.get(fmt_key)),
            jp.join(ptr, fmt_key),
        )


@rule(
    id="AGW606",
    name="firehose-access-logs",
    severity=Severity.WARNING,
    fact="§1,§11",
    fixed_by="stage",
    summary="Checks for access logs delivered to Amazon Data Firehose.",
    why="HTTP API access logs go to CloudWatch Logs only.",
    instead="Log to a CloudWatch log group and add a subscription filter to Firehose.",
    example="stage:\n  accessLogSettings:\n    destinationArn: arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-logs",
    use_instead="AccessLogSettings:\n  DestinationArn: arn:aws:logs:us-east-1:123456789012:log-group:api-access\n# + a subscription filter from the log group to the Firehose stream",
)
def firehose_access_logs(src: "Source", r: Rule) -> Iterator[Finding]:
    for dest, ptr, _fmt, _ in _access_log(context(src)):
        if dest and ":firehose:" in dest:
            yield r.finding(ptr, f"access logs go to Firehose ({dest}); HTTP APIs log to CloudWatch Logs only")


_CONTEXT_VAR = re.compile(r"\$context\.([A-Za-z0-9_.]+)")


@rule(
    id="AGW607",
    name="access-log-variables",
    severity=Severity.WARNING,
    fact="§11",
    fixed_by="stage",
    summary="Checks for access log formats using $context variables that HTTP APIs lack.",
    why="Those variables are empty (or rejected) on HTTP APIs, so log fields would be lost.",
    instead="Replace them with HTTP variables ($context.routeKey for resourcePath; drop WAF, API key and X-Ray fields).",
    example="accessLogSettings:\n  format: '{\"id\":\"$context.requestId\",\"resource\":\"$context.resourcePath\",\"trace\":\"$context.xrayTraceId\"}'",
    use_instead="AccessLogSettings:\n  Format: '{\"id\":\"$context.requestId\",\"route\":\"$context.routeKey\"}'",
)
def access_log_variables(src: "Source", r: Rule) -> Iterator[Finding]:
    # Which variables are REST-only is unconfirmed (fact sheet §11 [U]): see REST_ONLY_CONTEXT.
    for _dest, _ptr, fmt, fmt_ptr in _access_log(context(src)):
        if not fmt:
            continue
        missing = sorted({v.rstrip(".") for v in _CONTEXT_VAR.findall(fmt) if rest_only_context(v.rstrip("."))})
        if missing:
            shown = ", ".join("$context." + v for v in missing)
            yield r.finding(fmt_ptr, f"the access log format uses {shown}, which HTTP APIs do not have")


@rule(
    id="AGW608",
    name="method-settings-rekeyed",
    severity=Severity.INFO,
    fact="§11",
    fixed_by="stage",
    summary="Checks for per-method stage settings (methodSettings, MethodSettings) that become route settings.",
    why="HTTP API route settings are keyed by route key (\"GET /books\"), and only throttling and detailed metrics carry over.",
    instead="Route settings keyed by route key (convert re-keys them); the */* entry becomes the default route settings.",
    example="stage:\n  methodSettings:\n    ~1books/GET: {throttlingRateLimit: 100, throttlingBurstLimit: 50, metricsEnabled: true}",
    use_instead="RouteSettings:\n  GET /books: {ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50, DetailedMetricsEnabled: true}",
)
def method_settings_rekeyed(src: "Source", r: Rule) -> Iterator[Finding]:
    carried = ("throttlingRateLimit", "throttlingBurstLimit", "metricsEnabled")
    for mkey, fields, routes in method_settings(context(src)):
        kept = [k for k in carried if k in fields]
        if not kept:
            continue
        ptr = fields[kept[0]][1].rsplit("/", 1)[0]
        if mkey in ("*/*", "/*/*"):
            target = "the default route settings"
        else:
            target = "route settings for " + (", ".join(routes) if routes else "no route of this document")
        yield r.finding(ptr, f"method settings {mkey} ({', '.join(kept)}) become {target}", routes=routes)


RULES = (
    cache_cluster,
    method_caching,
    execution_logging,
    xray_tracing,
    canary_deployment,
    firehose_access_logs,
    access_log_variables,
    method_settings_rekeyed,
)
