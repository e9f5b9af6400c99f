"""The options that change a verdict, shared by `check` and `convert`.

`check` judges a REST API and `convert` rewrites it; both run the same analysis (`checks.analyze`),
so every option that can move a route between ready, needs-change and blocked lives in
`AnalysisOptions` and both commands build it the same way (`analysis_options`: flags first, then the
config file). An option that only changes what convert writes (the stage name, what to do with blocked
routes) lives in `ConvertOptions`. An option that gives an input value a route is judged by (a template
parameter, the Region, a VPC link) belongs in `AnalysisOptions`, next to `jwt_audiences`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from apigw_migrate.errors import UsageError

if TYPE_CHECKING:
    from apigw_migrate.config import Config, IgnoreAt
    from apigw_migrate.intrinsics import Given
    from apigw_migrate.transforms.private import VpcLink

VALID_PAYLOAD_FORMATS = ("1.0", "2.0")
ON_BLOCKED = ("fail", "skip")
STAGE_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")  # apigatewayv2 CreateStage (the REST rule too)
ROUTE_OVERRIDE_KEYS = {"payload-format", "jwt-audience"}
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")


@dataclass
class AnalysisOptions:
    """What the analysis needs besides the input; the same object for check and convert."""

    payload_format: str = "1.0"  # Lambda proxy payloadFormatVersion; "1.0" is the REST-compatible event
    jwt_audiences: tuple[str, ...] = ()  # audiences for JWT authorizers made from Cognito ones
    # route key → {"payloadFormatVersion": "2.0", "jwtAudience": ["client-id", ...]}, either key optional
    route_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Rule id prefixes whose findings are set aside, and the config's `ignore-at` entries (rule + pointer
    # glob): set aside in both reports alike, and a blocker set aside no longer blocks (see Rule.stays_blocked).
    ignore: tuple[str, ...] = ()
    ignore_at: tuple["IgnoreAt", ...] = ()
    # Rule id prefixes to run (all when empty). Only check narrows its report with it: convert always
    # judges with every rule, or an unselected blocker would reach a pass that cannot rewrite it.
    select: tuple[str, ...] = ()
    # A template's values (--parameter NAME=VALUE, --region): `load` evaluates the intrinsics they make known
    # (`given()`), so both commands judge the same document.
    parameters: dict[str, str] = field(default_factory=dict)
    region: str | None = None
    # REST VPC link id (or the template name a `!Ref` gives it) → what replaces it on the HTTP API
    # (--vpc-link, or the config's vpc-links): AGW311 and the integrations pass judge private integrations by it.
    vpc_links: dict[str, "VpcLink"] = field(default_factory=dict)

    def given(self, use_defaults: bool = True) -> "Given":
        """The template values for `load`; `use_defaults`: parameters not given take their Default."""
        from apigw_migrate.intrinsics import Given

        return Given(self.parameters, self.region, use_defaults)

    def payload_format_of(self, route: str) -> str:
        """The payload format a Lambda proxy route gets: its override, else the option."""
        override = self.route_overrides.get(route) or {}
        return str(override.get("payloadFormatVersion", self.payload_format))


@dataclass
class ConvertOptions(AnalysisOptions):
    on_blocked: str = "fail"  # "fail": blocked routes make convert exit 1; "skip": leave them out, listed
    stage_name: str = "$default"


def analysis_options(
    config: "Config",
    *,
    ignore: Iterable[str] = (),
    select: Iterable[str] = (),
    payload_format: str | None = None,
    jwt_audience: Iterable[str] = (),
    parameter: Iterable[str] = (),
    region: str | None = None,
    vpc_link: Iterable[str] = (),
    cls: type[AnalysisOptions] = AnalysisOptions,
    **extra: Any,
) -> Any:
    """The options of one command run: its flags, then the config file (ignores add up; a flag wins)."""
    from apigw_migrate.intrinsics import parse_assignments
    from apigw_migrate.transforms.private import parse_vpc_links

    if region is not None and not REGION.fullmatch(region):
        raise UsageError(f"--region {region!r}: not a Region name (like eu-west-1)")
    links = parse_vpc_links(config.vpc_links, f"{config.path}: vpc-links") if config.vpc_links else {}
    links.update(parse_vpc_links(list(vpc_link)))
    options = cls(
        payload_format=payload_format or "1.0",
        jwt_audiences=tuple(a.strip() for raw in jwt_audience for a in raw.split(",") if a.strip()),
        route_overrides=route_overrides(config.routes, config.path or "config"),
        ignore=tuple(ignore) + tuple(config.ignore),
        ignore_at=tuple(config.ignore_at),
        select=tuple(select) or tuple(config.select),
        parameters=parse_assignments(list(parameter)),
        region=region,
        vpc_links=links,
        **extra,
    )
    check_options(options)
    return options


def route_overrides(routes: dict, where: str) -> dict[str, dict[str, Any]]:
    """`[tool.apigw-migrate.routes."GET /x"]` tables, checked: route key → {"payloadFormatVersion", "jwtAudience"}."""
    out: dict[str, dict[str, Any]] = {}
    for route, table in (routes or {}).items():
        if not isinstance(table, dict):
            raise UsageError(f"{where}: routes.{route!r} must be a table of overrides")
        unknown = sorted(set(table) - ROUTE_OVERRIDE_KEYS)
        if unknown:
            raise UsageError(f"{where}: routes.{route!r}: unknown override {unknown[0]!r} (known: {', '.join(sorted(ROUTE_OVERRIDE_KEYS))})")
        entry: dict[str, Any] = {}
        if "payload-format" in table:
            entry["payloadFormatVersion"] = str(table["payload-format"])
        if "jwt-audience" in table:
            audience = table["jwt-audience"]
            if not isinstance(audience, list) or not all(isinstance(a, str) for a in audience):
                raise UsageError(f"{where}: routes.{route!r}: jwt-audience must be a list of app client ids")
            entry["jwtAudience"] = list(audience)
        out[route] = entry
    return out


def check_options(options: AnalysisOptions) -> None:
    """UsageError for a value no command can act on."""
    if options.payload_format not in VALID_PAYLOAD_FORMATS:
        raise UsageError(f"--payload-format must be 1.0 or 2.0, not {options.payload_format!r}")
    for route, override in options.route_overrides.items():
        version = override.get("payloadFormatVersion")
        if version is not None and str(version) not in VALID_PAYLOAD_FORMATS:
            raise UsageError(f"route {route!r}: payload-format must be 1.0 or 2.0, not {version!r}")
    if isinstance(options, ConvertOptions):
        if options.stage_name != "$default" and not STAGE_NAME.fullmatch(options.stage_name):
            raise UsageError(f"--stage-name {options.stage_name!r}: use $default or 1-128 letters, digits, '-' and '_'")
        if options.on_blocked not in ON_BLOCKED:
            raise UsageError(f"--on-blocked must be fail or skip, not {options.on_blocked!r}")
