"""Convert a REST API definition into an HTTP API OpenAPI 3.0 document, one pass at a time.

The shapes below are the contract between `convert` and its consumers (the CLI, `iac`, `diff`).
`convert(src, options)` first runs the analysis `check` runs (`checks.analyze`, same options, same
ignores): it says which routes are blocked and which findings to report. Then it deep-copies the input's
API and runs `PASSES` over it in order; each pass is ``pass(doc, ctx) -> (doc, findings)`` (see
`transforms/context.py`) and only rewrites: the judging is done. A pass that meets something it cannot
rewrite on a route the analysis called movable returns an AGW000 finding that blocks the route: the
analysis and the pass disagree, which is a bug (the tests look for it on every input they have).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from apigw_migrate.errors import InputError
from apigw_migrate.findings import ApiResult, Finding, api_verdict, locate_all
from apigw_migrate.load import ensure_shallow
from apigw_migrate.options import ConvertOptions, check_options

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.transforms.http_rules import Violation

__all__ = ["ConvertOptions", "ConvertResult", "LambdaUse", "PASSES", "convert"]  # ConvertOptions lives in apigw_migrate.options


@dataclass
class LambdaUse:
    """A Lambda function the HTTP API will invoke; IaC grants it `lambda:InvokeFunction` for the new API."""

    function: Any  # the function ARN as written: a string, a `${var}` placeholder or a CloudFormation intrinsic
    kind: str  # "integration" | "authorizer"
    routes: tuple[str, ...] = ()  # route keys (integrations)
    authorizer: str | None = None  # security scheme name (authorizers)


@dataclass
class ConvertResult:
    """What convert produces.

    - `document`: the HTTP API OpenAPI 3.0.1 document.
    - `report`: the analysis, as `check` reports it (findings, route and API verdicts, ignored findings),
      plus any AGW000 finding a pass made; `findings`, `blocked_routes` and `ignored` are read from it.
    - `stage`: HTTP stage settings in apigatewayv2 CreateStage field names (`StageName`, `StageVariables`,
      `DefaultRouteSettings`, `RouteSettings` keyed by route key, `AccessLogSettings`, `Tags`), translated from
      the bundle's or template's REST stage; `{"StageName": …}` alone when the input has no stage.
    - `lambda_functions`: every Lambda integration and authorizer, for the new permissions (fact sheet §15).
    - `blocked_routes`: route keys that cannot move (left out with `on_blocked="skip"`).
    - `explain`: per pass, in order, a list of one-line descriptions of what it changed.
    - `blocked_reasons`: for each blocked route, the findings that block it.
    - `violations`: what makes `document` unfit for import (OpenAPI schema or HTTP import rules); convert
      must not be written out while this is non-empty.
    - `acknowledged`: blockers the options set aside, so their routes moved without the feature; the
      document records them (`info.x-apigw-migrate`, template Metadata for IaC).

    Blocked routes are left out of `document` whatever `on_blocked` says; `on_blocked` tells the caller
    (the CLI) whether that makes the conversion a failure.
    """

    document: dict
    report: ApiResult = field(default_factory=lambda: ApiResult(source_path="", api="", findings=[], routes={}, verdict="ready"))
    stage: dict = field(default_factory=dict)
    lambda_functions: list[LambdaUse] = field(default_factory=list)
    explain: list[tuple[str, list[str]]] = field(default_factory=list)
    blocked_reasons: dict[str, list[Finding]] = field(default_factory=dict)
    violations: list["Violation"] = field(default_factory=list)
    acknowledged: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.report.findings

    @property
    def ignored(self) -> list[Finding]:
        return self.report.ignored

    @property
    def blocked_routes(self) -> list[str]:
        return sorted(self.report.blocked_routes)

    @property
    def ok(self) -> bool:
        """The document is fit for import: neither validator found anything wrong with it."""
        return not self.violations


from apigw_migrate.transforms.authorizers import authorizers  # noqa: E402 - the passes import the shapes above
from apigw_migrate.transforms.cleanup import cleanup  # noqa: E402
from apigw_migrate.transforms.context import Context  # noqa: E402
from apigw_migrate.transforms.cors import cors  # noqa: E402
from apigw_migrate.transforms.integrations import integrations  # noqa: E402
from apigw_migrate.transforms.normalize import normalize  # noqa: E402
from apigw_migrate.transforms.parameters import parameters  # noqa: E402
from apigw_migrate.transforms.routes import routes  # noqa: E402
from apigw_migrate.transforms.stage import stage  # noqa: E402
from apigw_migrate.transforms.validate import validate  # noqa: E402

PASSES = (
    normalize,  # needs nothing: makes everything after it read OpenAPI 3.0 with local refs resolved
    routes,  # needs OpenAPI 3.0 servers/paths (normalize); leaves out the blocked routes, so no later pass sees them
    integrations,  # needs OpenAPI 3.0 operations (normalize); leaves CORS-only OPTIONS mocks to cors
    parameters,  # needs the HTTP integration types (integrations) to know which mappings to translate
    authorizers,  # needs OpenAPI 3.0 securitySchemes (normalize); folds root security into operations
    cors,  # needs per-operation security (authorizers) to spot greedy routes with an authorizer
    stage,  # needs final routes (all the above) to re-key method settings and list Lambda functions
    cleanup,  # needs every pass above done: it removes what they read (templates, validators), records what was acknowledged
    validate,  # needs the finished document (cleanup)
)

def convert(src: "Source", options: ConvertOptions | None = None) -> ConvertResult:
    """Convert one REST API `Source` into an HTTP API document; raises InputError for an HTTP API input."""
    from apigw_migrate.checks import acknowledged, analyze, blocking_findings

    options = options or ConvertOptions()
    if src.flavor == "http":
        raise InputError(
            "this is already an HTTP API definition (it uses HTTP-only features): there is nothing to convert; "
            "import it as it is, or pass the REST API's export",
            src.display_name,
        )
    check_options(options)
    ensure_shallow(src.api, src.path, src.positions, src.base_pointer)
    # Convert judges with every rule: a rule left out by `select` would let a blocked route reach the passes.
    report = analyze(src, replace(options, select=()))
    ctx = Context(options=options, src=src, blocked=blocking_findings(report), acknowledged=acknowledged(report))
    doc = copy.deepcopy(src.api)
    internal: list[Finding] = []
    explain: list[tuple[str, list[str]]] = []
    for step in PASSES:
        ctx.notes = []
        doc, found = step(doc, ctx)
        internal.extend(found)
        explain.append((step.__name__, ctx.notes))
    if internal:
        report = _with_internal(report, locate_all(dict.fromkeys(internal), src))
    return ConvertResult(
        document=doc,
        report=report,
        stage=ctx.stage,
        lambda_functions=ctx.lambda_functions,
        explain=explain,
        blocked_reasons={route: [f.located(src) for f in fs] for route, fs in sorted(ctx.blocked.items())},
        violations=ctx.violations,
        acknowledged=ctx.acknowledged,
    )


def _with_internal(report: ApiResult, internal: list[Finding]) -> ApiResult:
    """The analysis plus the AGW000 findings of passes that could not rewrite a route: those routes are blocked."""
    routes = dict(report.routes)
    for f in internal:
        for route in f.routes:
            routes[route] = "blocked"
    findings = sorted(report.findings + internal, key=Finding.sort_key)
    return replace(report, findings=findings, routes=routes, verdict=api_verdict(routes, findings))
