"""The rule registry and the engine that runs it (`run_checks`).

Registration is explicit: every area module is imported here and its `RULES` appended to
`ALL_RULES` (tests/test_rules_registry.py walks the package to make sure none is left out).
"""

from __future__ import annotations

from dataclasses import replace
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any, Iterable

from apigw_migrate import pointer as jp
from apigw_migrate.checks.rule import Rule
from apigw_migrate.findings import ApiResult, CheckReport, Finding, Severity, api_verdict, locate_all, route_verdicts

if TYPE_CHECKING:
    from apigw_migrate.config import Config
    from apigw_migrate.load import Source
    from apigw_migrate.options import AnalysisOptions

from apigw_migrate.checks import (  # noqa: E402 - the area modules import Rule from this package
    auth,
    cors,
    domains,
    endpoints,
    gateway,
    general,
    integrations,
    mapping,
    monitoring,
    permissions,
    quotas,
    stage,
)
from apigw_migrate.checks.context import context as _context  # noqa: E402 - not `context`: that names the submodule

ALL_RULES: tuple[Rule, ...] = (
    *general.RULES,
    *endpoints.RULES,
    *auth.RULES,
    *integrations.RULES,
    *mapping.RULES,
    *cors.RULES,
    *stage.RULES,
    *gateway.RULES,
    *quotas.RULES,
    *domains.RULES,
    *monitoring.RULES,
    *permissions.RULES,
)

CRASH_RULE_ID = "AGW000"


def _registry() -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for r in ALL_RULES:
        if r.id in table:
            raise RuntimeError(f"duplicate rule id {r.id}")
        table[r.id] = r
    return table


RULES_BY_ID = _registry()


def get_rule(rule_id: str) -> Rule:
    try:
        return RULES_BY_ID[rule_id]
    except KeyError:
        raise KeyError(f"unknown rule {rule_id}") from None


def selected(rules: Iterable[Rule], select: tuple[str, ...] = ()) -> list[Rule]:
    """Rules whose id starts with a `select` prefix (all when empty).

    `ignore` is not applied here: ignored rules still run, and their findings are counted as ignored.
    """
    return [r for r in rules if not select or r.id.startswith(select)]


def run_rules(src: "Source", rules: Iterable[Rule]) -> list[Finding]:
    """Run rules on one source; a rule that raises becomes an AGW000 finding and the run goes on."""
    findings: list[Finding] = []
    for r in rules:
        try:
            findings.extend(r.run(src))
        except Exception as e:  # noqa: BLE001 - one broken rule must not hide the others' findings
            findings.append(
                RULES_BY_ID[CRASH_RULE_ID].finding(
                    src.base_pointer,
                    f"rule {r.id} ({r.name}) crashed: {type(e).__name__}: {e}; its findings are missing",
                )
            )
    return locate_all(findings, src)


# Rules that make sense for a document that already is an HTTP API definition: it is said once
# (AGW002), and only the quotas still apply; every REST-gap rule would be noise.
HTTP_FLAVOR_RULES = ("AGW002", "AGW801", "AGW802")
INLINE_IGNORE = "x-apigw-migrate-ignore"


def unknown_ids(ids: Iterable[str]) -> list[str]:
    """The ids (or id prefixes) in `ids` that match no rule."""
    return [i for i in ids if not any(r.startswith(i) for r in RULES_BY_ID)]


def run_checks(
    sources: Iterable["Source"],
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    config: "Config | None" = None,
    options: "AnalysisOptions | None" = None,
) -> CheckReport:
    """Check every source: findings (located and sorted), route and API verdicts, estate summary.

    `options` are what the command line and the config say (`apigw_migrate.options.analysis_options`);
    without them, `select`, `ignore` and the config's settings make them.
    """
    if options is None:
        from apigw_migrate.config import Config
        from apigw_migrate.options import analysis_options

        options = analysis_options(config or Config(), select=select, ignore=ignore)
    return CheckReport(apis=[analyze(src, options) for src in sources])


def analyze(src: "Source", options: "AnalysisOptions | None" = None) -> ApiResult:
    """The one judgement of a REST API: its findings and the verdict of every route.

    `check` reports it; `convert` reports the same result and leaves out exactly the routes it calls
    blocked. Rules whose id starts with a `select` prefix run (all when empty). Findings of rules
    matching `ignore`, at a pointer matched by an `ignore-at` entry, or under an object carrying
    `x-apigw-migrate-ignore`, move to `ApiResult.ignored` with the reason: they are counted, never
    dropped silently. A blocker set aside stops blocking its routes (the user acknowledged the loss),
    unless its rule `stays_blocked` (no HTTP API can serve the route).
    """
    if options is None:
        from apigw_migrate.options import AnalysisOptions

        options = AnalysisOptions()
    rules = selected(ALL_RULES, tuple(options.select))
    active = rules if src.flavor == "rest" else [r for r in rules if r.id in HTTP_FLAVOR_RULES]
    ctx = _context(src, options)
    ignore, ignore_at = tuple(options.ignore), tuple(options.ignore_at)
    kept: list[Finding] = []
    dropped: list[Finding] = []
    inline = InlineIgnores(src)
    for f in run_rules(src, active):
        reason = ignore_reason(f, ignore, ignore_at, inline)
        (dropped if reason else kept).append(replace(f, ignored_by=reason) if reason else f)
    routes = list(dict.fromkeys(ctx.routes))
    verdicts = route_verdicts(routes, kept + [f for f in dropped if still_blocks(f)])
    return ApiResult(
        source_path=src.path,
        api=src.display_name,
        findings=kept,
        routes=verdicts,
        verdict=api_verdict(verdicts, kept),
        ignored=dropped,
        kind=src.kind,
        flavor=src.flavor,
    )


def still_blocks(f: Finding) -> bool:
    """Whether a finding that was set aside still blocks its routes (see `Rule.stays_blocked`)."""
    rule = RULES_BY_ID.get(f.rule)
    return f.severity is Severity.BLOCKER and bool(f.routes) and rule is not None and rule.stays_blocked


def blocking_findings(result: ApiResult) -> dict[str, list[Finding]]:
    """For each blocked route of `result`, the findings that block it (those about the whole API too)."""
    blockers = [f for f in result.findings if f.severity is Severity.BLOCKER] + [f for f in result.ignored if still_blocks(f)]
    out: dict[str, list[Finding]] = {}
    for route in result.blocked_routes:
        out[route] = [f for f in blockers if not f.routes or route in f.routes]
    return out


def acknowledged(result: ApiResult) -> list[Finding]:
    """The blockers a user set aside that no longer block: the losses they accepted by ignoring them."""
    return [f for f in result.ignored if f.severity is Severity.BLOCKER and not still_blocks(f)]


def ignore_reason(f: Finding, ignore: tuple[str, ...], ignore_at: tuple[Any, ...], inline: "InlineIgnores") -> str | None:
    if ignore and f.rule.startswith(ignore):
        return "ignore"
    for entry in ignore_at:
        if f.rule.startswith(entry.rule) and any(fnmatchcase(p, entry.pointer) for p in jp.ancestors(f.pointer)):
            return f"ignore-at {entry.pointer}"
    where = inline.match(f)
    if where is not None:
        return f"{INLINE_IGNORE} at {where or '/'}"
    return None


class InlineIgnores:
    """`x-apigw-migrate-ignore: [ids]` on any object silences those rules at and below it.

    Only the ancestors of each finding are looked at (memoised per pointer, each node reached
    from its parent), so a clean document costs next to nothing.
    """

    def __init__(self, src: "Source"):
        self.memo: dict[str, tuple[Any, tuple[tuple[str, tuple[str, ...]], ...]]] = {"": (src.document, self._own("", src.document, ()))}
        # Most files carry no inline ignore at all: then no finding needs its ancestors looked at.
        self.active = src.positions.may_hold_key(INLINE_IGNORE)

    @staticmethod
    def _own(pointer: str, node: Any, chain: tuple) -> tuple:
        if isinstance(node, dict) and INLINE_IGNORE in node:
            ids = node[INLINE_IGNORE]
            ids = ids if isinstance(ids, list) else [ids]
            return chain + ((pointer, tuple(str(i) for i in ids)),)
        return chain

    def _entry(self, pointer: str) -> tuple[Any, tuple]:
        found = self.memo.get(pointer)
        if found is not None:
            return found
        parent_ptr, _, token = pointer.rpartition("/")
        parent, chain = self._entry(parent_ptr)
        token = jp.unescape(token)
        if isinstance(parent, dict):
            node = parent.get(token)
        elif isinstance(parent, list) and token.isdigit() and int(token) < len(parent):
            node = parent[int(token)]
        else:
            node = None
        entry = (node, self._own(pointer, node, chain))
        self.memo[pointer] = entry
        return entry

    def match(self, f: Finding) -> str | None:
        if not self.active:
            return None
        for where, ids in self._entry(f.pointer)[1]:
            if f.rule.startswith(ids):
                return where
        return None
