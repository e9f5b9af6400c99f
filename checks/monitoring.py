"""Metrics and alarms (fact sheet §14)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.load import Source


@rule(
    id="AGW821",
    name="cloudwatch-metrics-renamed",
    severity=Severity.INFO,
    fact="§14",
    fixed_by=None,
    summary="Checks for REST APIs whose CloudWatch metrics, alarms and dashboards must be rewritten.",
    why="HTTP API metrics are named 4xx/5xx instead of 4XXError/5XXError, and use the ApiId dimension instead of ApiName; existing alarms would watch nothing.",
    instead="Recreate alarms and dashboards on 4xx, 5xx, Latency, IntegrationLatency with the ApiId (and Stage, Route) dimensions.",
    example="MetricName: 5XXError\nDimensions:\n  - {Name: ApiName, Value: books}",
    use_instead="MetricName: 5xx\nDimensions:\n  - {Name: ApiId, Value: a1b2c3d4e5}",
)
def cloudwatch_metrics_renamed(src: "Source", r: Rule) -> Iterator[Finding]:
    name = src.bundle.get("metadata", {}).get("restApiName") if src.bundle else None
    which = f" of {name}" if name else ""
    yield r.finding(
        src.api_pointer("/paths"),
        f"alarms and dashboards{which} on 4XXError/5XXError with the ApiName dimension must move to 4xx/5xx with ApiId",
    )


RULES = (cloudwatch_metrics_renamed,)
