"""Findings and verdicts: the one result type that check and convert both produce."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from apigw_migrate.load import Source


class Severity(str, Enum):
    BLOCKER = "blocker"  # cannot move without a redesign or a lost guarantee
    WARNING = "warning"  # moves, with a change the user must make or accept
    INFO = "info"  # convert handles it, or a behaviour difference worth knowing

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls(value.lower())
        except ValueError:
            raise ValueError(f"unknown severity {value!r}: choose blocker, warning or info") from None


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.BLOCKER: 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    alternative: str = ""
    pointer: str = ""
    routes: tuple[str, ...] = ()
    file: str | None = None
    line: int | None = None
    column: int | None = None
    api: str | None = None  # display name of the API (file, or file#LogicalId)
    ignored_by: str | None = None  # why the finding was set aside (config, --ignore, inline), else None

    def located(self, src: "Source") -> "Finding":
        """Fill file, line and column from the source's position table (nearest ancestor wins)."""
        return self.at(src, src.locate(self.pointer))

    def at(self, src: "Source", pos: "tuple[int, int] | None") -> "Finding":
        # Positional construction: `dataclasses.replace` costs several times more, and every
        # finding of a large export goes through here.
        return Finding(
            self.rule,
            self.severity,
            self.message,
            self.alternative,
            self.pointer,
            self.routes,
            self.file or src.path,
            pos[0] if pos else None,
            pos[1] if pos else None,
            self.api or src.display_name,
            self.ignored_by,
        )

    def sort_key(self) -> tuple:
        return (self.file or "", self.line or 0, self.column or 0, self.rule, self.pointer, self.message)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "alternative": self.alternative,
            "pointer": self.pointer,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "routes": list(self.routes),
            "api": self.api,
            **({"ignoredBy": self.ignored_by} if self.ignored_by else {}),
        }


def locate_all(findings: Iterable[Finding], src: "Source") -> list[Finding]:
    """Locate many findings with one pass over the source, sorted by file, line, column and rule."""
    findings = list(findings)
    positions = src.positions.locate_many(f.pointer for f in findings)
    return sorted((f.at(src, positions[f.pointer]) for f in findings), key=Finding.sort_key)


ROUTE_VERDICTS = ("ready", "needs-change", "blocked")
API_VERDICTS = ("ready", "ready-with-changes", "partial", "stay-on-rest")


def route_verdicts(route_keys: Iterable[str], findings: Iterable[Finding]) -> dict[str, str]:
    """`blocked` if a blocker touches the route, `needs-change` for a warning, else `ready`.

    A finding with no routes concerns the whole API and counts for every route.
    """
    # Findings without routes raise the floor of every route once, instead of once per route.
    floor = -1
    worst: dict[str, int] = {}
    for f in findings:
        rank = _RANK[f.severity]
        if not f.routes:
            floor = max(floor, rank)
            continue
        for k in f.routes:
            if worst.get(k, -1) < rank:
                worst[k] = rank
    names = ("ready", "ready", "needs-change", "blocked")  # indexed by rank + 1
    return {k: names[max(floor, worst.get(k, -1)) + 1] for k in route_keys}


def api_verdict(routes: dict[str, str], findings: Iterable[Finding]) -> str:
    findings = list(findings)
    if any(f.severity is Severity.BLOCKER and not f.routes for f in findings):
        return "stay-on-rest"
    values = set(routes.values())
    if "blocked" in values:
        return "stay-on-rest" if values == {"blocked"} else "partial"
    if "needs-change" in values or any(f.severity is Severity.WARNING for f in findings):
        return "ready-with-changes"
    return "ready"


@dataclass
class ApiResult:
    """What check says about one API: located, sorted findings and the verdicts."""

    source_path: str
    api: str
    findings: list[Finding]
    routes: dict[str, str]
    verdict: str
    ignored: list[Finding] = field(default_factory=list)
    kind: str = ""
    flavor: str = "rest"

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for f in self.findings:
            out[f.severity.value] += 1
        return out

    @property
    def movable_routes(self) -> list[str]:
        """Routes that can move now (ready or needing a change)."""
        return [k for k, v in self.routes.items() if v != "blocked"]

    @property
    def blocked_routes(self) -> list[str]:
        """Routes that should stay on REST."""
        return [k for k, v in self.routes.items() if v == "blocked"]

    def summary(self) -> dict:
        routes = {v: 0 for v in ROUTE_VERDICTS}
        for v in self.routes.values():
            routes[v] += 1
        return {"findings": self.counts(), "ignored": len(self.ignored), "routes": routes}


@dataclass
class CheckReport:
    """The result of `check` over one or more APIs, with the estate summary."""

    apis: list[ApiResult]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (input, one-line load error)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file found in a directory, why it is no API)
    command: str = "check"  # the command whose findings these are: "check" or "convert"

    def findings(self) -> list[Finding]:
        return [f for a in self.apis for f in a.findings]

    def fails(self, threshold: str) -> bool:
        """Whether a finding is at or above `threshold` (blocker, warning, info; never: no)."""
        if threshold == "never":
            return False
        limit = Severity.parse(threshold).rank
        return any(f.severity.rank >= limit for f in self.findings())

    def summary(self) -> dict:
        verdicts = {v: 0 for v in API_VERDICTS}
        blockers: dict[str, int] = {}
        severities = {s.value: 0 for s in Severity}
        for a in self.apis:
            verdicts[a.verdict] += 1
            for f in a.findings:
                severities[f.severity.value] += 1
                if f.severity is Severity.BLOCKER:
                    blockers[f.rule] = blockers.get(f.rule, 0) + 1
        return {
            "apis": len(self.apis),
            "errors": len(self.errors),
            "skipped": len(self.skipped),
            "verdicts": verdicts,
            "findings": severities,
            "ignored": sum(len(a.ignored) for a in self.apis),
            "blockersByRule": dict(sorted(blockers.items())),
        }
