"""`report`: the estate view for a lead: verdicts, blockers, the work left, the money, a cutover drawn.

Nothing is judged here. Findings and verdicts come from the check engine (`run_checks`) or from
a check JSON report; a cutover comes from a run's journal (`timeline`); prices from the price
list (`pricing`). This module arranges them per API and for the estate; `report_html` and
`render_markdown` below turn the arrangement into a page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable

from apigw_migrate.findings import API_VERDICTS, ApiResult, CheckReport, Finding, Severity
from apigw_migrate.pricing import PriceList, money
from apigw_migrate.render import MARKDOWN_BUDGET, RULE_DOCS_URL, SCHEMA_VERSION, VERDICT_TEXT
from apigw_migrate.render import _md_cell as md_cell

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.timeline import Timeline

# What the user must do about a finding, from the rule's own severity and `fixed_by`; in the
# order a migration meets them.
ACTIONS = (
    ("decide", "Decide: redesign, or keep these routes on REST", "blockers: the feature has no HTTP API equivalent"),
    ("change", "Change the API or its clients", "warnings convert cannot handle: a change to make or a difference to accept"),
    ("review", "Review what convert does for you", "convert rewrites these; check the result"),
    ("know", "Know the difference", "behaviour that differs on HTTP APIs; nothing to change"),
)
HTTP_NO_CACHE = (
    "HTTP APIs have no cache: requests the REST cache answered today will reach the backend, so backend load may rise."
)


@dataclass(frozen=True)
class WorkItem:
    """The findings of one rule in one API, as one line of work."""

    rule: str
    name: str
    severity: Severity
    instead: str
    findings: tuple[Finding, ...]

    @property
    def routes(self) -> list[str]:
        return list(dict.fromkeys(r for f in self.findings for r in f.routes))

    @property
    def whole_api(self) -> bool:
        return any(not f.routes for f in self.findings)

    @property
    def doc_url(self) -> str:
        return RULE_DOCS_URL.format(id=self.rule)


@dataclass(frozen=True)
class Cache:
    """A REST stage cache cluster, which an HTTP API cannot keep."""

    stage: str
    size: str  # GB, as the stage's cacheClusterSize spells it
    monthly: Decimal | None  # None: this price list has no price for the size


@dataclass
class Cost:
    """One API's month: REST now, HTTP after; `moves` says how much of it can move."""

    requests: int
    requests_source: str
    rest: Decimal
    http: Decimal
    http_metered: int
    moves: str  # all | part | none (from the API's verdict)
    cache: Cache | None = None

    @property
    def now(self) -> Decimal:
        cache = self.cache.monthly if self.cache and self.cache.monthly is not None else Decimal(0)
        return self.rest + cache

    @property
    def after(self) -> Decimal:
        """The month once the API moved; an API that stays on REST keeps its costs and its cache."""
        return self.now if self.moves == "none" else self.http

    @property
    def saving(self) -> Decimal:
        return self.now - self.after


@dataclass
class ApiView:
    result: ApiResult
    title: str
    rest_api_id: str | None = None
    stage: str | None = None
    region: str | None = None
    cache: Cache | None = None
    cost: Cost | None = None
    work: dict[str, list[WorkItem]] = field(default_factory=dict)  # action key → items

    @property
    def verdict(self) -> str:
        return self.result.verdict

    @property
    def label(self) -> str:
        """The title with its stage: one API's stages are separate rows of an estate."""
        return f"{self.title} ({self.stage})" if self.stage else self.title

    @property
    def moves(self) -> str:
        """How much of the API can move by its verdict: all, part (blocked routes stay) or none."""
        return {"ready": "all", "ready-with-changes": "all", "partial": "part"}.get(self.verdict, "none")

    @property
    def features(self) -> list[WorkItem]:
        """The REST-only features in use: every rule with a finding, once."""
        return sorted((i for items in self.work.values() for i in items), key=lambda i: i.rule)

    @property
    def blockers(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.result.findings:
            if f.severity is Severity.BLOCKER:
                out[f.rule] = out.get(f.rule, 0) + 1
        return dict(sorted(out.items()))


@dataclass
class Money:
    """The estate's month, priced on all listed requests together."""

    requests: int
    rest_now: Decimal
    caches_now: Decimal
    rest_after: Decimal  # the APIs that stay on REST
    http_after: Decimal
    caches_after: Decimal  # caches of the APIs that stay on REST
    unpriced_caches: list[Cache]
    upper_bound: bool  # some API moves only in part

    @property
    def now(self) -> Decimal:
        return self.rest_now + self.caches_now

    @property
    def after(self) -> Decimal:
        return self.rest_after + self.http_after + self.caches_after

    @property
    def saving(self) -> Decimal:
        return self.now - self.after


@dataclass
class Report:
    apis: list[ApiView]
    prices: PriceList
    errors: list[tuple[str, str]] = field(default_factory=list)
    timeline: "Timeline | None" = None
    money: Money | None = None
    requests_note: str = ""
    generated_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    check: CheckReport = field(default_factory=lambda: CheckReport(apis=[]))

    def summary(self) -> dict:
        return self.check.summary()

    @property
    def regions(self) -> list[str]:
        return sorted({a.region for a in self.apis if a.region})


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class RequestCounts:
    """Monthly requests per API: `--requests-per-month N` for every API, or `NAME=N` for one.

    NAME matches an API's name, id, `id/stage`, `name/stage` or its file's name.
    """

    default: int | None = None
    named: tuple[tuple[str, int], ...] = ()
    source: str = "--requests-per-month"

    @classmethod
    def parse(cls, values: Iterable[str]) -> "RequestCounts":
        from apigw_migrate.errors import UsageError

        default, named = None, []
        for raw in values:
            name, sep, number = raw.rpartition("=")
            try:
                count = int(number.replace("_", "").replace(",", ""))
            except ValueError:
                raise UsageError(f"--requests-per-month {raw}: expected a whole number of requests, or NAME=NUMBER") from None
            if count < 0:
                raise UsageError(f"--requests-per-month {raw}: a request count cannot be negative")
            if sep:
                named.append((name, count))
            elif default is not None:
                raise UsageError("--requests-per-month: give one number for every API, or NAME=NUMBER per API")
            else:
                default = count
        return cls(default, tuple(named))

    def lookup(self, view: ApiView) -> int | None:
        keys = names_of(view)
        return next((count for name, count in self.named if name in keys), self.default)

    def unused(self, views: list[ApiView]) -> list[str]:
        """NAME=N entries that match no API: a typo would otherwise price nothing, silently."""
        every = set().union(*(names_of(v) for v in views)) if views else set()
        return [name for name, _ in self.named if name not in every]


def names_of(view: "ApiView") -> set[str]:
    """The names a user may give an API on the command line."""
    keys = {view.title, view.result.api, os.path.basename(view.result.source_path)}
    if view.rest_api_id:
        keys |= {view.rest_api_id, f"{view.rest_api_id}/{view.stage}"}
    if view.stage:
        keys.add(f"{view.title}/{view.stage}")
    return keys


def view_of(result: ApiResult, src: "Source | None") -> ApiView:
    """An API's view: its names and its stage cache, from the bundle when there is one."""
    bundle = src.bundle if src is not None else None
    if not bundle:
        return ApiView(result, title=result.api)
    meta = bundle.get("metadata") or {}
    stage = bundle.get("stage") or {}
    cache = None
    if stage.get("cacheClusterEnabled") and stage.get("cacheClusterSize"):
        cache = Cache(str(meta.get("stage") or stage.get("stageName") or ""), str(stage["cacheClusterSize"]), None)
    return ApiView(
        result,
        title=str(meta.get("restApiName") or meta.get("restApiId") or result.api),
        rest_api_id=meta.get("restApiId"),
        stage=meta.get("stage"),
        region=meta.get("region"),
        cache=cache,
    )


def work_left(result: ApiResult) -> dict[str, list[WorkItem]]:
    """The API's findings grouped by what the user must do, then by rule (most findings first)."""
    from apigw_migrate.checks import RULES_BY_ID

    by_rule: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule, []).append(f)
    groups: dict[str, list[WorkItem]] = {key: [] for key, _, _ in ACTIONS}
    for rule_id, found in by_rule.items():
        rule = RULES_BY_ID.get(rule_id)
        severity = max((f.severity for f in found), key=lambda s: s.rank)
        item = WorkItem(
            rule=rule_id,
            name=rule.name if rule else rule_id,
            severity=severity,
            instead=found[0].alternative or (rule.instead if rule else ""),
            findings=tuple(found),
        )
        fixed_by = rule.fixed_by if rule else None
        if severity is Severity.BLOCKER:
            key = "decide"
        elif fixed_by:
            key = "review"
        elif severity is Severity.WARNING:
            key = "change"
        else:
            key = "know"
        groups[key].append(item)
    for items in groups.values():
        items.sort(key=lambda i: (-len(i.findings), i.rule))
    return {k: v for k, v in groups.items() if v}


def result_from_json(api: dict) -> ApiResult:
    """One API of a `check --format json` report (docs/check-output.md) back into an ApiResult."""

    def finding(d: dict) -> Finding:
        return Finding(
            rule=str(d["rule"]),
            severity=Severity.parse(str(d["severity"])),
            message=str(d.get("message") or ""),
            alternative=str(d.get("alternative") or ""),
            pointer=str(d.get("pointer") or ""),
            routes=tuple(str(r) for r in d.get("routes") or ()),
            file=d.get("file"),
            line=d.get("line"),
            column=d.get("column"),
            api=d.get("api"),
            ignored_by=d.get("ignoredBy"),
        )

    verdict = str(api["verdict"])
    if verdict not in API_VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    return ApiResult(
        source_path=str(api.get("file") or api["api"]),
        api=str(api["api"]),
        findings=[finding(f) for f in api.get("findings") or ()],
        routes={str(r["route"]): str(r["verdict"]) for r in api.get("routes") or ()},
        verdict=verdict,
        ignored=[finding(f) for f in api.get("ignored") or ()],
        kind=str(api.get("kind") or ""),
        flavor=str(api.get("flavor") or "rest"),
    )


def is_check_report(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and isinstance(document.get("tool"), dict)
        and document["tool"].get("name") == "apigw-migrate"
        and "schemaVersion" in document
        and isinstance(document.get("apis"), list)
    )


def collect(paths: list[str], max_bytes: int | None = None) -> tuple[list[ApiView], list[tuple[str, str]]]:
    """Every API of the inputs with its check result: bundles, REST definitions, check JSON reports.

    An input that cannot be read becomes an error beside the others (as in `check`).
    """
    from apigw_migrate.checks import run_checks
    from apigw_migrate.config import load_config
    from apigw_migrate.errors import InputError, UserError
    from apigw_migrate.load import expand_inputs, parse, read_text, sources_from_parsed

    config = load_config(None)
    views: list[ApiView] = []
    errors: list[tuple[str, str]] = []
    for path in expand_inputs(paths):
        try:
            parsed = parse(read_text(path, max_bytes), path)
            if is_check_report(parsed.document):
                if parsed.document["schemaVersion"] != SCHEMA_VERSION:
                    raise InputError(
                        f"check JSON report schemaVersion {parsed.document['schemaVersion']!r}: this version reads {SCHEMA_VERSION}", path
                    )
                try:
                    views.extend(view_of(result_from_json(a), None) for a in parsed.document["apis"])
                except (KeyError, TypeError, ValueError, AttributeError) as e:
                    raise InputError(f"not a check JSON report this version reads: {e}", path) from None
                errors.extend((str(e.get("file")), str(e.get("message"))) for e in parsed.document.get("errors") or ())
                continue
            sources, unreadable = sources_from_parsed(parsed, path)
        except UserError as e:
            errors.append((path, str(e)))
            continue
        errors.extend((path, str(e)) for e in unreadable)
        checked = run_checks(sources, config=config)
        views.extend(view_of(result, src) for result, src in zip(checked.apis, sources))
    return views, errors


# ---------------------------------------------------------------------------------------------
# Money


def price(views: list[ApiView], prices: PriceList, counts: dict[int, tuple[int, str]], average_request_kb: float | None) -> Money | None:
    """Each API's cost and the estate's; `counts` maps an index into `views` to (requests, source).

    HTTP API documents are left out: they already are on the cheaper price.
    """
    for view in views:
        if view.cache is not None:
            view.cache = Cache(view.cache.stage, view.cache.size, prices.cache_monthly(view.cache.size))
    priced = []
    for i, view in enumerate(views):
        if view.result.flavor != "rest" or i not in counts:
            continue
        requests, source = counts[i]
        view.cost = Cost(
            requests=requests,
            requests_source=source,
            rest=prices.rest_cost(requests),
            http=prices.http_cost(requests, average_request_kb),
            http_metered=prices.http_metered(requests, average_request_kb),
            moves=view.moves,
            cache=view.cache,
        )
        priced.append(view)
    if not priced:
        return None
    staying = [v for v in priced if v.moves == "none"]
    moving = [v for v in priced if v.moves != "none"]
    caches = [v.cache for v in priced if v.cache]
    # Tiers count a month's requests, so the estate is priced on its total, not as a sum of per-API amounts.
    return Money(
        requests=sum(v.cost.requests for v in priced if v.cost),
        rest_now=prices.rest_cost(sum(v.cost.requests for v in priced if v.cost)),
        caches_now=sum((c.monthly for c in caches if c.monthly is not None), Decimal(0)),
        rest_after=prices.rest_cost(sum(v.cost.requests for v in staying if v.cost)),
        http_after=prices.http_cost(sum(v.cost.requests for v in moving if v.cost), average_request_kb),
        caches_after=sum((v.cache.monthly for v in staying if v.cache and v.cache.monthly is not None), Decimal(0)),
        unpriced_caches=[c for c in caches if c.monthly is None],
        upper_bound=any(v.moves == "part" for v in priced),
    )


def build(
    views: list[ApiView],
    prices: PriceList,
    requests: dict[int, tuple[int, str]] | None = None,
    average_request_kb: float | None = None,
    errors: list[tuple[str, str]] | None = None,
    timeline: "Timeline | None" = None,
    requests_note: str = "",
) -> Report:
    for view in views:
        view.work = work_left(view.result)
    report = Report(
        apis=views,
        prices=prices,
        errors=list(errors or ()),
        timeline=timeline,
        requests_note=requests_note,
        check=CheckReport(apis=[v.result for v in views], errors=list(errors or ())),
    )
    report.money = price(views, prices, requests or {}, average_request_kb)
    return report


# ---------------------------------------------------------------------------------------------
# Text shared by the HTML and Markdown pages


def price_note(report: Report) -> str:
    p = report.prices
    return f"Prices: {p.name}, as of {p.date}, from {p.source}. {region_note(report)}".rstrip()


def region_note(report: Report) -> str:
    """Said when an API sits outside the price list's Region, empty otherwise."""
    other = [r for r in report.regions if r != report.prices.region]
    if not other:
        return ""
    return f"APIs in {', '.join(other)} are priced with these {report.prices.region} prices; prices there differ."


def money_notes(report: Report) -> list[str]:
    m = report.money
    notes = []
    if report.requests_note:
        notes.append(report.requests_note)
    if m is not None:
        notes.append(
            "Estate totals price all listed requests together through the tiers; the per-API amounts price each API alone."
        )
        if m.upper_bound:
            notes.append("APIs marked \"part\" move only in part: their blocked routes stay on REST, so their saving is an upper bound.")
    if any(v.cache for v in report.apis):
        notes.append(HTTP_NO_CACHE)
    unpriced = sorted({c.size for v in report.apis if (c := v.cache) and c.monthly is None})
    if unpriced:
        listed = ", ".join(f"{s} GB" for s in sorted(report.prices.cache_usd_per_hour, key=Decimal))
        notes.append(
            f"No price in this price list for a {', '.join(s + ' GB' for s in unpriced)} cache (it lists {listed}): "
            "those caches are shown without an amount and left out of the totals."
        )
    return notes


def cache_amount(cache: Cache) -> str:
    return money(cache.monthly) if cache.monthly is not None else "not in the price list"


def cache_fate(view: ApiView) -> str:
    return "kept: the API stays on REST" if view.moves == "none" else "retired"


def share(part: Decimal, whole: Decimal) -> str:
    return f"{(part / whole * 100):.0f}%" if whole else "–"


# ---------------------------------------------------------------------------------------------
# Markdown


def render_markdown(report: Report) -> str:
    """The report for a wiki page or a ticket, kept under GitHub's comment limit like `check`'s."""
    out = Capped(MARKDOWN_BUDGET)
    s = report.summary()
    out.add("# API Gateway migration report", "")
    out.add(f"{s['apis']} API{'s' if s['apis'] != 1 else ''} · generated {report.generated_at:%Y-%m-%d %H:%M}Z", "")
    out.add("## Estate", "", "| Verdict | APIs | Meaning |", "|---|---|---|")
    for verdict, n in s["verdicts"].items():
        out.add(f"| {verdict} | {n} | {md_cell(VERDICT_TEXT[verdict])} |")
    out.add("")
    if s["blockersByRule"]:
        out.add("### Blockers by rule", "", "| Rule | Blockers |", "|---|---|")
        out.add(*(f"| [{k}]({RULE_DOCS_URL.format(id=k)}) | {v} |" for k, v in s["blockersByRule"].items()))
        out.add("")
    _money_markdown(report, out)
    if report.timeline is not None:
        _timeline_markdown(report.timeline, out)
    out.add("## APIs", "", "| API | Verdict | Routes ready | Needs change | Blocked | Blockers | REST now | HTTP after | Saving |",
            "|---|---|---|---|---|---|---|---|---|")
    for v in report.apis:
        r = v.result.summary()["routes"]
        c = v.cost
        out.add(
            f"| {md_cell(v.label)} | {v.verdict} | {r['ready']} | {r['needs-change']} | {r['blocked']} | "
            f"{sum(v.blockers.values())} | {money(c.now) if c else '–'} | {money(c.after) if c else '–'} | "
            f"{money(c.saving) if c else '–'} |"
        )
    out.add("")
    for v in report.apis:
        _api_markdown(v, out)
    if report.errors:
        out.add("## Inputs that could not be read", "")
        out.add(*(f"- `{md_cell(path)}`: {md_cell(message)}" for path, message in report.errors))
        out.add("")
    out.finish(
        "…the rest of this report is left out to fit a comment: `--format html` or `check --format json` has it all."
    )
    return out.text()


class Capped:
    """Lines added while they fit `budget` characters; once one does not, the rest is dropped and
    `finish` says so (the same budget as `check --format markdown`)."""

    def __init__(self, budget: int) -> None:
        self.budget, self.lines, self.full = budget, [], False

    def add(self, *lines: str) -> None:
        for line in lines:
            if self.full or len(line) + 1 > self.budget:
                self.full = True
                return
            self.budget -= len(line) + 1
            self.lines.append(line)

    def finish(self, message: str) -> None:
        if self.full:
            self.lines += ["", message]

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _money_markdown(report: Report, out: Capped) -> None:
    m = report.money
    out.add("## Money (per month)", "")
    if m is None:
        out.add("No request counts: pass `--requests-per-month N` (or `NAME=N` per API), or use `--region` to read "
                "CloudWatch. " + price_note(report), "")
    else:
        out.add("| | REST now | HTTP after | Saving |", "|---|---|---|---|")
        out.add(f"| Requests ({m.requests:,}) | {money(m.rest_now)} | {money(m.rest_after + m.http_after)} | "
                f"{money(m.rest_now - m.rest_after - m.http_after)} |")
        out.add(f"| REST caches | {money(m.caches_now)} | {money(m.caches_after)} | {money(m.caches_now - m.caches_after)} |")
        out.add(f"| **Total** | **{money(m.now)}** | **{money(m.after)}** | **{money(m.saving)}** ({share(m.saving, m.now)}) |", "")
        out.add(price_note(report), "")
    caches = [v for v in report.apis if v.cache]
    if caches:
        out.add("### REST caches", "", "| API | Stage | Size | Per month | On the move |", "|---|---|---|---|---|")
        for v in caches:
            c = v.cache
            assert c is not None
            out.add(f"| {md_cell(v.title)} | {md_cell(c.stage)} | {c.size} GB | {cache_amount(c)} | {cache_fate(v)} |")
        out.add("")
    out.add(*(f"- {n}" for n in money_notes(report)))
    out.add("")


def _timeline_markdown(t: "Timeline", out: Capped) -> None:
    from apigw_migrate.timeline import fmt_share, stamp

    out.add(f"## Cutover of `{md_cell(t.domain)}` ({t.strategy})", "", f"**Outcome:** {md_cell(t.outcome)}", "")
    out.add("| Time | Share on HTTP | What |", "|---|---|---|")
    out.add(*(f"| {stamp(p.time)} | {fmt_share(p.share)} | {md_cell(p.label)} |" for p in t.points))
    out.add("")
    rows = [(step, check, g) for step in t.steps for check in step.checks for g in check.gates]
    if rows:
        out.add("| Step | Time | Gate | HTTP value | REST value | Threshold | Verdict |", "|---|---|---|---|---|---|---|")
        for step, check, g in rows:
            out.add(
                f"| {md_cell(step.name)} | {stamp(check.time)} | {md_cell(g.name)} | {_num(g.value)} | "
                f"{_num(g.rest_value)} | {_num(g.threshold)} | {'✅' if g.verdict == 'pass' else '❌' if g.verdict == 'fail' else '⏳'} {g.verdict} |"
            )
        out.add("")
    for r in t.rollbacks:
        end = stamp(r.finished) if r.finished else "not recorded as finished"
        out.add(f"- **Rollback** started {stamp(r.started)}, {r.status} {end}: {md_cell(r.message or 'no reason recorded')}")
    if t.rollbacks:
        out.add("")


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _routes_md(routes: list[str], limit: int = 30) -> str:
    """A few routes, then a count: an API of a thousand routes must not eat the comment's budget."""
    shown = ", ".join(f"`{md_cell(r)}`" for r in routes[:limit])
    return shown + (f" (+{len(routes) - limit} more)" if len(routes) > limit else "")


def _api_markdown(v: ApiView, out: Capped) -> None:
    out.add(f"## `{md_cell(v.label)}`: {v.verdict}", "", VERDICT_TEXT[v.verdict] + ".", "")
    if v.rest_api_id:
        out.add(f"REST API `{v.rest_api_id}`, stage `{md_cell(v.stage or '')}`, Region {v.region or 'unknown'}.", "")
    movable = v.result.movable_routes
    if movable:
        out.add(f"**Routes ready to move ({len(movable)}):** " + _routes_md(movable), "")
    if v.result.blocked_routes:
        out.add(f"**Stay on REST ({len(v.result.blocked_routes)}):** " + _routes_md(v.result.blocked_routes), "")
    if v.features:
        out.add("**REST-only features in use:** " + ", ".join(f"[{i.name}]({i.doc_url})" for i in v.features), "")
    for key, title, _ in ACTIONS:
        items = v.work.get(key)
        if not items:
            continue
        out.add(f"### {title}", "")
        for i in items:
            where = "whole API" if i.whole_api else _routes_md(i.routes, 5)
            out.add(f"- [{i.rule}]({i.doc_url}) {i.name} ×{len(i.findings)} ({where}): {md_cell(i.instead)}")
        out.add("")
