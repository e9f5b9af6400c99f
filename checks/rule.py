"""The rule object: everything a user needs to know about one REST-only feature, and how to find it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from apigw_migrate.findings import Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.load import Source


@dataclass(frozen=True)
class Rule:
    """A declarative rule.

    - `id`: stable (``AGW201``); severity is not encoded in it, so it survives a severity change.
    - `name`: names the REST feature flagged, never the remedy (``api-key-required``).
    - `summary`: one line, "Checks for …".
    - `why`: why it matters on HTTP APIs.
    - `instead`: the concrete HTTP-API alternative (also each finding's `alternative`).
    - `fact`: the fact-sheet section (``§12``).
    - `example` / `use_instead`: a REST snippet and its HTTP counterpart, for the docs.
    - `fixed_by`: the convert pass that handles it automatically, or None.
    - `stays_blocked`: an HTTP API cannot serve the route at all (no integration, no authorizer to write):
      setting a blocker of this rule aside (`--ignore`) only moves it out of the report, the route stays
      blocked. Other blockers are a lost guarantee: setting one aside acknowledges the loss, and the route
      moves without the feature.
    - `check`: Source → findings; no I/O, no printing.
    """

    id: str
    name: str
    severity: Severity
    summary: str
    why: str
    instead: str
    fact: str
    check: Callable[["Source"], Iterable[Finding]]
    example: str = ""
    use_instead: str = ""
    fixed_by: str | None = None
    stays_blocked: bool = False
    references: tuple[str, ...] = ()

    def finding(
        self,
        pointer: str,
        message: str,
        routes: Iterable[str] = (),
        severity: Severity | None = None,
        alternative: str | None = None,
    ) -> Finding:
        """`alternative`: `instead` said for this finding's own names (`{sku}` where the docs say "the path variable")."""
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            message=message,
            alternative=alternative or self.instead,
            pointer=pointer,
            routes=tuple(routes),
        )

    def run(self, src: "Source") -> Iterator[Finding]:
        yield from self.check(src)


def rule(**meta) -> Callable[[Callable[["Source"], Iterable[Finding]]], Rule]:
    """Decorator: turn a check function into a Rule with the given metadata.

    The function receives the Source and the Rule itself (to build findings):
    ``def check(src, r): yield r.finding(ptr, "…", routes=[…])``.
    """

    def wrap(fn: Callable[..., Iterable[Finding]]) -> Rule:
        holder: dict[str, Rule] = {}

        def bound(src: "Source") -> Iterable[Finding]:
            return fn(src, holder["rule"])

        r = Rule(check=bound, **meta)
        holder["rule"] = r
        return r

    return wrap
