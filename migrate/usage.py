"""How many requests an API received: CloudWatch's `Count` metric over the last 30 days.

REST APIs publish `Count` in the `AWS/ApiGateway` namespace under the `ApiName` and `Stage`
dimensions (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html).
The sum of 30 daily sums stands for a month.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from apigw_migrate.aws import call

if TYPE_CHECKING:
    from apigw_migrate.aws import AwsContext

DAYS = 30
NAMESPACE = "AWS/ApiGateway"
SOURCE = f"CloudWatch Count, last {DAYS} days"


def rest_requests(ctx: "AwsContext", api_name: str, stage: str, now: datetime | None = None) -> int:
    """Requests to one REST API stage over the last 30 days (0 when CloudWatch has no data)."""
    end = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    reply = call(
        ctx.client("cloudwatch"),
        "get_metric_statistics",
        what=f"the Count metric of {api_name} stage {stage}",
        Namespace=NAMESPACE,
        MetricName="Count",
        Dimensions=[{"Name": "ApiName", "Value": api_name}, {"Name": "Stage", "Value": stage}],
        StartTime=end - timedelta(days=DAYS),
        EndTime=end,
        Period=86400,
        Statistics=["Sum"],
    )
    return round(sum(float(p.get("Sum") or 0) for p in reply.get("Datapoints") or ()))
