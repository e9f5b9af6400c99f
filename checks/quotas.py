"""Route paths and quotas that differ (fact sheet §3, §13)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from apigw_migrate.checks.context import context
from apigw_migrate.checks.cors import cors_options
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity
from apigw_migrate.openapi import route_path_problem

if TYPE_CHECKING:
    from apigw_migrate.load import Source

ROUTE_QUOTA = 300
AUTHORIZER_QUOTA = 10


@rule(
    id="AGW801",
    name="route-quota",
    severity=Severity.WARNING,
    fact="§13",
    fixed_by=None,
    summary="Checks for APIs with more than 300 routes (CORS-only OPTIONS methods, which convert drops, not counted).",
    why="HTTP APIs allow 300 routes per API by default (raisable) and 300 integrations (fixed).",
    instead="Request a route quota increase, share integrations, use greedy routes, or split the API across several HTTP APIs under one domain.",
    example="paths:  # 420 operations",
    use_instead="# two HTTP APIs mapped under one custom domain:\n# api.example.com/orders → orders API, api.example.com/catalog → catalog API",
)
def route_quota(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    dropped = {c.op.route for c in cors_options(ctx)}
    count = len({route for route in ctx.routes if route not in dropped})
    if count > ROUTE_QUOTA:
        yield r.finding(
            src.api_pointer("/paths"),
            f"{count} routes; HTTP APIs allow {ROUTE_QUOTA} per API unless the quota is raised (integrations: {ROUTE_QUOTA}, fixed)",
        )


@rule(
    id="AGW802",
    name="authorizer-quota",
    severity=Severity.WARNING,
    fact="§13",
    fixed_by=None,
    summary="Checks for APIs with more than 10 authorizers.",
    why="HTTP APIs allow 10 authorizers per API by default.",
    instead="Request a quota increase or merge authorizers.",
    example="components:\n  securitySchemes:  # 12 x-amazon-apigateway-authorizer entries",
    use_instead="# at most 10 authorizers, or a raised quota",
)
def authorizer_quota(src: "Source", r: Rule) -> Iterator[Finding]:
    authorizers = context(src).authorizers
    if len(authorizers) > AUTHORIZER_QUOTA:
        yield r.finding(
            authorizers[0].pointer.rsplit("/", 2)[0] if src.bundle is None else "/authorizers",
            f"{len(authorizers)} authorizers; HTTP APIs allow {AUTHORIZER_QUOTA} per API unless the quota is raised",
        )


@rule(
    id="AGW803",
    name="route-path-invalid",
    severity=Severity.BLOCKER,
    fact="§3",
    fixed_by=None,
    stays_blocked=True,
    summary="Checks for resource paths that are not valid HTTP API route paths: a greedy variable that is not the last segment, a variable that is not a whole segment, empty segments.",
    why="HTTP API route keys accept `{name}` only as a whole segment and `{name+}` only as the last one; import rejects any other path, so the route cannot be created as written.",
    instead="Rename the resource so that path variables are whole segments and a greedy {name+} comes last (for example /files/{key+} instead of /{proxy+}/meta).",
    example="paths:\n  /{proxy+}/meta:\n    get: {...}\n  /files/v{version}:\n    get: {...}",
    use_instead="paths:\n  /meta/{proxy+}:\n    get: {...}\n  /files/{version}:\n    get: {...}",
)
def route_path_invalid(src: "Source", r: Rule) -> Iterator[Finding]:
    by_path: dict[str, list[str]] = {}
    pointers: dict[str, str] = {}
    for op in context(src).ops:
        by_path.setdefault(op.path, []).append(op.route)
        pointers.setdefault(op.path, op.pointer)
    for path, routes in by_path.items():
        problem = route_path_problem(path)
        if problem:
            yield r.finding(pointers[path], f"{path}: not a valid HTTP API route path ({problem})", routes=routes)


RULES = (route_quota, authorizer_quota, route_path_invalid)
