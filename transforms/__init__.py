"""Convert a REST API definition into an HTTP API OpenAPI 3.0 document, one pass at a time.

The shapes below are the contract between `convert` and its consumers (the CLI, `iac`, `diff`).
`convert(src, options)` deep-copies the input's API and runs `PASSES` over it in order; each pass is
``pass(doc, ctx) -> (doc, findings)`` (see `transforms/context.py`).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from apigw_migrate.errors import InputError, UsageError
from apigw_migrate.findings import Finding, locate_all
from apigw_migrate.load import ensure_shallow

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.transforms.http_rules import Violation


@dataclass
class ConvertOptions:
    payload_format: str = "1.0"  # Lambda proxy payloadFormatVersion; "1.0" is the REST-compatible event
    jwt_audiences: tuple[str, ...] = ()  # audiences for JWT authorizers made from Cognito ones
    on_blocked: str = "fail"  # "fail": blocked routes make convert exit 1; "skip": leave them out, listed
    stage_name: str = "$default"
    # route key → {"payloadFormatVersion": "2.0", "jwtAudience": ["client-id", ...]}, either key optional
    route_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What check sets aside, convert sets aside too (see `split_ignored`): rule id prefixes, and the
    # config's `ignore-at` entries (`apigw_migrate.config.IgnoreAt`: rule + pointer glob).
    ignore: tuple[str, ...] = ()
    ignore_at: tuple[Any, ...] = ()


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
    - `findings`: located findings (same ids as check) for everything that changed meaning or was left out.
    - `stage`: HTTP stage settings in apigatewayv2 CreateStage field names (`StageName`, `StageVariables`,
      `DefaultRouteSettings`, `RouteSettings` keyed by route key, `AccessLogSettings`, `Tags`), translated from
      the bundle's or template's REST stage; `{"StageName": …}` alone when the input has no stage.
    - `lambda_functions`: every Lambda integration and authorizer, for the new permissions (fact sheet §15).
    - `blocked_routes`: route keys that cannot move (left out with `on_blocked="skip"`).
    - `explain`: per pass, in order, a list of one-line descriptions of what it changed.
    - `blocked_reasons`: for each blocked route, the findings that block it.
    - `violations`: what makes `document` unfit for import (OpenAPI schema or HTTP import rules); convert
      must not be written out while this is non-empty.
    - `ignored`: findings set aside by the options' ignores or an inline `x-apigw-migrate-ignore`, each
      with its `ignored_by` reason (they are counted, never dropped).

    Blocked routes are left out of `document` whatever `on_blocked` says; `on_blocked` tells the caller
    (the CLI) whether that makes the conversion a failure.
    """

    document: dict
    findings: list[Finding] = field(default_factory=list)
    stage: dict = field(default_factory=dict)
    lambda_functions: list[LambdaUse] = field(default_factory=list)
    blocked_routes: list[str] = field(default_factory=list)
    explain: list[tuple[str, list[str]]] = field(default_factory=list)
    blocked_reasons: dict[str, list[Finding]] = field(default_factory=dict)
    violations: list["Violation"] = field(default_factory=list)
    ignored: list[Finding] = field(default_factory=list)

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
    routes,  # needs OpenAPI 3.0 servers/paths (normalize); blocks routes HTTP cannot key
    integrations,  # needs OpenAPI 3.0 operations (normalize); leaves CORS-only OPTIONS mocks to cors
    parameters,  # needs the HTTP integration types (integrations) to know which mappings to translate
    authorizers,  # needs OpenAPI 3.0 securitySchemes (normalize); folds root security into operations
    cors,  # needs per-operation security (authorizers) to spot greedy routes with an authorizer
    stage,  # needs final routes (all the above) to re-key method settings and list Lambda functions
    cleanup,  # needs every pass above done: it removes what they read (templates, validators, blocked routes)
    validate,  # needs the finished document (cleanup)
)

VALID_PAYLOAD_FORMATS = ("1.0", "2.0")
ON_BLOCKED = ("fail", "skip")
STAGE_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")  # apigatewayv2 CreateStage (the REST rule too)


def convert(src: "Source", options: ConvertOptions | None = None) -> ConvertResult:
    """Convert one REST API `Source` into an HTTP API document; raises InputError for an HTTP API input."""
    options = options or ConvertOptions()
    if src.flavor == "http":
        raise InputError(
            "this is already an HTTP API definition (it uses HTTP-only features): there is nothing to convert; "
            "import it as it is, or pass the REST API's export",
            src.display_name,
        )
    check_options(options)
    ensure_shallow(src.api, src.path, src.positions, src.base_pointer)
    ctx = Context(options=options, src=src)
    doc = copy.deepcopy(src.api)
    findings: list[Finding] = []
    explain: list[tuple[str, list[str]]] = []
    for step in PASSES:
        ctx.notes = []
        doc, found = step(doc, ctx)
        findings.extend(found)
        explain.append((step.__name__, ctx.notes))
    findings.extend(outside_findings(src))
    kept, ignored = split_ignored(src, locate_all(dict.fromkeys(findings), src), options)
    return ConvertResult(
        document=doc,
        findings=kept,
        stage=ctx.stage,
        lambda_functions=ctx.lambda_functions,
        blocked_routes=sorted(ctx.blocked),
        explain=explain,
        blocked_reasons={route: [f.located(src) for f in fs] for route, fs in sorted(ctx.blocked.items())},
        violations=ctx.violations,
        ignored=ignored,
    )


def split_ignored(src: "Source", findings: list[Finding], options: ConvertOptions) -> tuple[list[Finding], list[Finding]]:
    """(kept, set aside): the findings a user ignored for check are ignored here the same way.

    Only the report changes: a blocked route stays blocked (its reasons stay in `blocked_reasons`),
    since leaving it in would write a route HTTP APIs cannot serve.
    """
    from apigw_migrate.checks import ignore_reason, InlineIgnores

    inline = InlineIgnores(src)
    kept: list[Finding] = []
    ignored: list[Finding] = []
    for f in findings:
        reason = ignore_reason(f, tuple(options.ignore), tuple(options.ignore_at), inline)
        if reason:
            ignored.append(replace(f, ignored_by=reason))
        else:
            kept.append(f)
    return kept, ignored


# Check rules about what sits outside the OpenAPI definition (endpoint type, usage plans, custom domains,
# alarms): no pass handles them, yet convert's findings must be complete on their own.
API_LEVEL_RULES = ("AGW101", "AGW102", "AGW110", "AGW202", "AGW811", "AGW812", "AGW813", "AGW821")
# Rules the passes apply to the definition; check also finds them in a bundle's or template's other
# properties (SAM Auth.ResourcePolicy, restApi.binaryMediaTypes, a template's AWS::Lambda::Permission
# resources naming the REST API, ...), which only check can see.
OUTSIDE_DEFINITION_RULES = ("AGW103", "AGW104", "AGW107", "AGW108", "AGW201", "AGW701", "AGW702", "AGW831")


def outside_findings(src: "Source") -> list[Finding]:
    from apigw_migrate.checks import ALL_RULES, CRASH_RULE_ID, run_rules

    wanted = set(API_LEVEL_RULES) | set(OUTSIDE_DEFINITION_RULES)
    found = run_rules(src, [r for r in ALL_RULES if r.id in wanted])
    inside = src.base_pointer
    return [
        f
        for f in found
        if f.rule in API_LEVEL_RULES
        or f.rule == CRASH_RULE_ID
        or (inside and f.pointer != inside and not f.pointer.startswith(inside + "/"))
    ]


def check_options(options: ConvertOptions) -> None:
    if options.payload_format not in VALID_PAYLOAD_FORMATS:
        raise UsageError(f"--payload-format must be 1.0 or 2.0, not {options.payload_format!r}")
    if options.stage_name != "$default" and not STAGE_NAME.fullmatch(options.stage_name):
        raise UsageError(f"--stage-name {options.stage_name!r}: use $default or 1-128 letters, digits, '-' and '_'")
    if options.on_blocked not in ON_BLOCKED:
        raise UsageError(f"--on-blocked must be fail or skip, not {options.on_blocked!r}")
    for route, override in options.route_overrides.items():
        version = override.get("payloadFormatVersion")
        if version is not None and str(version) not in VALID_PAYLOAD_FORMATS:
            raise UsageError(f"route {route!r}: payload-format must be 1.0 or 2.0, not {version!r}")
