"""The gates a step must pass while it bakes: CloudWatch metrics of both APIs over the same window,
the plan's alarms, and the parity probe.

Each API is read with its own metric names and dimensions (AWS: api-gateway-metrics-and-dimensions,
http-api-metrics): REST `5XXError`/`4XXError`/`Count`/`Latency` with `ApiName`,`Stage`; HTTP
`5xx`/`4xx`/`Count`/`Latency` with `ApiId`,`Stage`. Error gates are rates (errors / Count), never raw
counts, so a small share of traffic compares fairly with the rest; p99 comes from `get_metric_data`
with the `p99` statistic. Too few requests is an *insufficient* verdict, never a pass.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from apigw_migrate import aws
from apigw_migrate.cutover.journal import redact
from apigw_migrate.cutover.model import Gates, Parity, Plan
from apigw_migrate.errors import InputError

NAMESPACE = "AWS/ApiGateway"
METRICS = {
    "rest": {"5xx": "5XXError", "4xx": "4XXError", "count": "Count", "latency": "Latency"},
    "http": {"5xx": "5xx", "4xx": "4xx", "count": "Count", "latency": "Latency"},
}
PROBE_TIMEOUT = 10


@dataclass
class Verdict:
    name: str
    value: float | None
    threshold: float | None
    verdict: str  # pass | fail | insufficient
    rest_value: float | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", None) or k in ("value", "threshold", "verdict")}


def http_api_ids(plan: Plan, groups: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Every HTTP API serving moved traffic: the plan's, plus, in a path plan, the API each moved group is
    mapped to. A base path mapping strips its key, so a group is served by an API of its own, re-rooted;
    its errors count as much as the main API's."""
    settings = plan.settings.get("groups") or {}
    ids = [plan.http.api_id] + [str(settings[g]["api_id"]) for g in groups if isinstance(settings.get(g), dict) and settings[g].get("api_id")]
    return list(dict.fromkeys(ids))


def dimensions(plan: Plan, side: str, api_id: str | None = None) -> list[dict[str, str]]:
    """The CloudWatch dimensions of one API's stage: REST by name, HTTP by id."""
    if side == "rest":
        return [{"Name": "ApiName", "Value": plan.rest.api_name}, {"Name": "Stage", "Value": plan.rest.stage}]
    return [{"Name": "ApiId", "Value": api_id or plan.http.api_id}, {"Name": "Stage", "Value": plan.http.stage}]


def metric_queries(plan: Plan, side: str, window: int, api_id: str | None = None, prefix: str | None = None) -> list[dict[str, Any]]:
    """get_metric_data queries for one API: sums of errors and requests, average and p99 latency."""
    names = METRICS[side]
    dims = dimensions(plan, side, api_id)
    prefix = prefix or side

    def query(qid: str, metric: str, stat: str) -> dict[str, Any]:
        return {
            "Id": f"{prefix}_{qid}",
            "MetricStat": {"Metric": {"Namespace": NAMESPACE, "MetricName": metric, "Dimensions": dims}, "Period": window, "Stat": stat},
            "ReturnData": True,
        }

    return [
        query("count", names["count"], "Sum"),
        query("e5xx", names["5xx"], "Sum"),
        query("e4xx", names["4xx"], "Sum"),
        query("avg", names["latency"], "Average"),
        query("p99", names["latency"], "p99"),
    ]


def read_metrics(
    clients: Any, plan: Plan, window: int, end: dt.datetime, groups: list[str] | tuple[str, ...] = ()
) -> dict[str, dict[str, float | None]]:
    """{rest: {count, e5xx, e4xx, avg, p99}, http: {...}} over [end - window, end]; None where no data.

    The HTTP side adds up every API serving moved traffic (`http_api_ids`): counts and errors summed,
    average latency weighted by requests, p99 the worst of them (percentiles do not add up).
    """
    start = end - dt.timedelta(seconds=window)
    out: dict[str, dict[str, float | None]] = {}
    for side, ref in (("rest", plan.rest), ("http", plan.http)):
        client = clients.client("cloudwatch", ref.region)
        apis = [None] if side == "rest" else http_api_ids(plan, groups)
        queries = [q for i, api in enumerate(apis) for q in metric_queries(plan, side, window, api, side if i == 0 else f"{side}{i}")]
        reply = aws.call(
            client, "get_metric_data", f"CloudWatch metrics of the {side.upper()} API",
            MetricDataQueries=queries, StartTime=start, EndTime=end,
        )
        per_api: dict[str, dict[str, float | None]] = {}
        for result in reply.get("MetricDataResults", []):
            api, key = result["Id"].split("_", 1)
            points = [float(v) for v in result.get("Values") or [] if v is not None]
            values = per_api.setdefault(api, {})
            if not points:
                values[key] = None
            elif key in ("count", "e5xx", "e4xx"):
                values[key] = sum(points)
            else:
                # one period covers the window; more than one point only when CloudWatch splits it
                values[key] = max(points) if key == "p99" else sum(points) / len(points)
        out[side] = combine(list(per_api.values()))
    return out


def combine(apis: list[dict[str, float | None]]) -> dict[str, float | None]:
    """One side's numbers from several APIs' (one API: its own numbers unchanged)."""
    if len(apis) == 1:
        return apis[0]
    out: dict[str, float | None] = {}
    for key in ("count", "e5xx", "e4xx"):
        found = [a[key] for a in apis if a.get(key) is not None]
        if found:
            out[key] = sum(found)  # type: ignore[arg-type]
    worst = [a["p99"] for a in apis if a.get("p99") is not None]
    if worst:
        out["p99"] = max(worst)  # type: ignore[type-var]
    weighted = [(a["avg"], a.get("count") or 0.0) for a in apis if a.get("avg") is not None]
    total = sum(n for _, n in weighted)
    if weighted:
        out["avg"] = sum(v * n for v, n in weighted) / total if total else sum(v for v, _ in weighted) / len(weighted)  # type: ignore[operator]
    return out


def judge(gates: Gates, metrics: dict[str, dict[str, float | None]]) -> list[Verdict]:
    """Verdicts of the metric gates from both APIs' numbers (no I/O)."""
    http, rest = metrics["http"], metrics["rest"]
    http_count, rest_count = http.get("count") or 0.0, rest.get("count") or 0.0
    verdicts = [Verdict("requests", http_count, gates.min_requests, "pass" if http_count >= gates.min_requests else "insufficient", rest_count)]
    if http_count < gates.min_requests:
        verdicts[0].detail = f"the HTTP API served {http_count:g} requests in the window; at least {gates.min_requests} are needed to judge"
        return verdicts
    # REST's numbers are a baseline only while REST still carries enough traffic (none once it has all moved)
    compare = rest_count >= gates.min_requests
    for kind, ceiling, ratio in (("5xx", gates.max_5xx_rate, gates.max_5xx_ratio), ("4xx", gates.max_4xx_rate, gates.max_4xx_ratio)):
        rate = (http.get(f"e{kind}") or 0.0) / http_count
        rest_rate = (rest.get(f"e{kind}") or 0.0) / rest_count if compare else None
        verdicts.append(Verdict(f"{kind}_rate", rate, ceiling, "pass" if rate <= ceiling else "fail", rest_rate))
        if rest_rate:  # a ratio against 0 means nothing: the ceiling alone judges then
            verdicts.append(Verdict(f"{kind}_ratio", rate / rest_rate, ratio, "pass" if rate / rest_rate <= ratio else "fail", None))
    p99, rest_p99 = http.get("p99"), rest.get("p99") if compare else None
    if p99 is None:
        verdicts.append(Verdict("p99_ms", None, gates.max_p99_ms, "insufficient", rest_p99, "no Latency data for the HTTP API"))
    else:
        verdicts.append(Verdict("p99_ms", p99, gates.max_p99_ms, "pass" if p99 <= gates.max_p99_ms else "fail", rest_p99))
        if rest_p99:
            verdicts.append(Verdict("p99_ratio", p99 / rest_p99, gates.max_p99_ratio, "pass" if p99 / rest_p99 <= gates.max_p99_ratio else "fail"))
    avg, rest_avg = http.get("avg"), rest.get("avg") if compare else None
    if avg is not None and rest_avg:
        ratio = avg / rest_avg
        verdicts.append(Verdict("avg_latency_ratio", ratio, gates.max_avg_latency_ratio, "pass" if ratio <= gates.max_avg_latency_ratio else "fail", None))
    return verdicts


def alarm_verdicts(clients: Any, plan: Plan, gates: Gates) -> list[Verdict]:
    if not gates.alarms:
        return []
    client = clients.client("cloudwatch", plan.domain.region)
    reply = aws.call(client, "describe_alarms", "CloudWatch alarms", AlarmNames=list(gates.alarms))
    states = {a["AlarmName"]: a["StateValue"] for a in reply.get("MetricAlarms", []) + reply.get("CompositeAlarms", [])}
    out = []
    for name in gates.alarms:
        state = states.get(name)
        if state is None:
            out.append(Verdict(f"alarm {name}", None, None, "fail", detail="no such alarm: a gate that cannot be read is not a pass"))
        else:
            out.append(Verdict(f"alarm {name}", None, None, "fail" if state == "ALARM" else "pass", detail=state))
    return out


def evaluate(
    clients: Any, plan: Plan, gates: Gates, end: dt.datetime, http_share: float = 100.0, groups: list[str] | tuple[str, ...] = ()
) -> list[Verdict]:
    """Every metric and alarm gate over the window ending at `end`.

    A step that sends no traffic to HTTP (0 %, e.g. CloudFront put in front of REST) leaves the HTTP
    metrics nothing to judge: the alarms (and the parity probe) judge it alone.
    """
    if http_share <= 0:
        idle = Verdict("requests", None, gates.min_requests, "pass", detail="0 % of traffic is on HTTP: its metrics have nothing to judge")
        return [idle] + alarm_verdicts(clients, plan, gates)
    return judge(gates, read_metrics(clients, plan, gates.window, end, groups)) + alarm_verdicts(clients, plan, gates)


def overall(verdicts: list[Verdict]) -> str:
    """fail if any gate failed, else insufficient if any lacked data, else pass."""
    kinds = {v.verdict for v in verdicts}
    return "fail" if "fail" in kinds else "insufficient" if "insufficient" in kinds else "pass"


# --- the parity probe --------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names lower-cased: HTTP header names are case-insensitive, and HTTP APIs send them lower-case
    body: Any  # parsed JSON, or the text


def load_samples(parity: Parity, plan_path: str | Path) -> list[dict[str, Any]]:
    """The sample requests (`requests` is relative to the plan): a YAML or JSON list of {method, path, headers, body}."""
    import yaml

    path = Path(plan_path).parent / parity.requests
    try:
        samples = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(f"cannot read the parity samples: {e.strerror or e}", str(path)) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(f"the parity samples are not valid YAML: {getattr(e, 'problem', e)}", str(path), *( (mark.line + 1, mark.column + 1) if mark else (None, None))) from None
    if not isinstance(samples, list) or not all(isinstance(s, dict) and isinstance(s.get("path"), str) for s in samples):
        raise InputError("the parity samples are a list of {method, path, headers, body}", str(path), 1, 1)
    return samples


def send(base_url: str, sample: dict[str, Any]) -> Answer:
    body = sample.get("body")
    data = None if body is None else (body if isinstance(body, str) else json.dumps(body)).encode()
    request = urllib.request.Request(
        base_url.rstrip("/") + "/" + sample["path"].lstrip("/"), data=data, method=str(sample.get("method") or "GET").upper(),
        headers={str(k): str(v) for k, v in (sample.get("headers") or {}).items()},
    )
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT) as reply:
            status, headers, raw = reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as e:
        status, headers, raw = e.code, e.headers, e.read()
    text = raw.decode("utf-8", "replace")
    try:
        parsed: Any = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return Answer(status, {k.lower(): v for k, v in headers.items()}, parsed)


def compare(rest: Answer, http: Answer, parity: Parity) -> list[str]:
    """How two answers to one request differ: status, the compared headers (values exactly), the body (DeepDiff)."""
    from deepdiff import DeepDiff

    out = []
    if rest.status != http.status:
        out.append(f"status {rest.status} on REST, {http.status} on HTTP")
    for name in parity.compare_headers:
        a, b = rest.headers.get(name.lower()), http.headers.get(name.lower())
        if a != b:
            out.append(f"header {name}: {a!r} on REST, {b!r} on HTTP")
    diff = DeepDiff(rest.body, http.body, exclude_paths=list(parity.ignore) or None, verbose_level=1)
    if diff:
        out.append("body: " + _summarise(diff))
    return out


def _summarise(diff: Any) -> str:
    parts = []
    for kind, items in diff.items():
        names = list(items.keys()) if isinstance(items, dict) else list(items)
        parts.append(f"{kind.replace('_', ' ')} {', '.join(str(n) for n in names[:5])}")
    return "; ".join(parts)


def probe(samples: list[dict[str, Any]], rest_url: str, http_url: str, parity: Parity) -> tuple[Verdict, list[dict[str, Any]]]:
    """Send every sample to both endpoints; one verdict and one redacted record per sample."""
    records, failed = [], 0
    for sample in samples:
        try:
            differences = compare(send(rest_url, sample), send(http_url, sample), parity)
        except (OSError, urllib.error.URLError) as e:
            differences = [f"no answer: {getattr(e, 'reason', e)}"]
        failed += bool(differences)
        records.append(redact({"request": {k: sample.get(k) for k in ("method", "path", "headers") if k in sample}, "differences": differences}))
    verdict = Verdict("parity", float(failed), 0.0, "fail" if failed else "pass",
                      detail=f"{failed} of {len(samples)} sample requests answered differently" if failed else f"{len(samples)} sample requests answered alike")
    return verdict, records


def invoke_urls(plan: Plan) -> tuple[str, str]:
    """The default execute-api URLs of both stages (HTTP's $default stage has no path segment)."""
    rest = f"https://{plan.rest.api_id}.execute-api.{plan.rest.region}.amazonaws.com/{plan.rest.stage}"
    http = f"https://{plan.http.api_id}.execute-api.{plan.http.region}.amazonaws.com"
    if plan.http.stage != "$default":
        http += f"/{plan.http.stage}"
    return rest, http
