"""`apigw-migrate check`: the gap checker."""

from __future__ import annotations

import gc
import os
import sys
from enum import Enum
from typing import List, Optional

import typer

from apigw_migrate.cli.convert import PARAMETER_HELP, REGION_HELP, VPC_LINK_HELP
from apigw_migrate.errors import ExitCode, UsageError


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    markdown = "markdown"


class Show(str, Enum):
    blocker = "blocker"
    warning = "warning"
    info = "info"


class FailOn(str, Enum):
    blocker = "blocker"
    warning = "warning"
    info = "info"
    never = "never"


HELP = (
    "Find every REST API feature that an HTTP API lacks or treats differently, with the HTTP-API alternative.\n\n"
    "INPUT is a bundle (from `apigw-migrate export`), a REST export (OpenAPI 3.0 or Swagger 2.0, JSON or YAML), "
    "a SAM or CloudFormation template, or a Terraform template file; several files or a directory (e.g. the "
    "output of `export --all`) give an estate summary. Each finding names the rule (see `apigw-migrate rules`), "
    "the place (file:line:column), the routes it affects and what to do instead. Each route gets a verdict "
    "(ready, needs-change, blocked) and each API one (ready, ready-with-changes, partial, stay-on-rest).\n\n"
    "A template holding several REST APIs is checked API by API (--api picks one). Its intrinsics (!Ref, !Sub, "
    "!Join, !If on its Conditions) are evaluated with --parameter, --region and the parameters' defaults, as "
    "convert --format openapi does.\n\n"
    "The options that change a verdict are convert's too, and move both alike: --jwt-audience (without an "
    "audience a Cognito authorizer cannot become a JWT one, which blocks its routes), --payload-format, "
    "--parameter, --region, --vpc-link, and the config's per-route overrides and ignores. A blocker set aside with --ignore no longer blocks its "
    "routes (you accept the loss) unless no HTTP API can serve the route at all (see `apigw-migrate rule ID`).\n\n"
    "Settings can live in \\[tool.apigw-migrate] of pyproject.toml or in .apigw-migrate.toml (found from the "
    "current directory upwards): select, ignore, fail-on, \\[\\[ignore-at]] rule + pointer glob, per-route "
    "\\[routes.\"GET /x\"] payload-format and jwt-audience. An "
    "`x-apigw-migrate-ignore: [AGW201]` key on any object of the input silences those rules at and below it. "
    "Ignored findings are counted, never hidden.\n\n"
    "\b\nExamples:\n"
    "  apigw-migrate check shop.bundle.json\n"
    "  apigw-migrate check bundles/ --format markdown -o report.md\n"
    "  apigw-migrate check template.yaml --api OrdersApi --fail-on warning\n"
    "  apigw-migrate check export.json --format sarif -o check.sarif --fail-on never\n"
    "  apigw-migrate check export.json --select AGW2 --ignore AGW208\n\n"
    "Exit codes: 0 nothing at or above --fail-on · 1 findings at or above it · 2 usage error or an input "
    "that could not be read (the others are still checked)."
)


def register(app: typer.Typer) -> None:
    app.command("check", help=HELP, short_help="Find REST-only features and how to replace them on an HTTP API.")(check)


def check(
    inputs: List[str] = typer.Argument(..., metavar="INPUT...", help="Files or directories to check."),
    api: Optional[str] = typer.Option(
        None, "--api", metavar="LOGICAL_ID", help="In a template holding several REST APIs, the one to check (default: all of them)."
    ),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text (default), json, sarif (GitHub code scanning) or markdown."),
    output: Optional[str] = typer.Option(None, "-o", "--output", metavar="FILE", help="Write the report to this file instead of stdout."),
    show: Show = typer.Option(
        Show.info, "--show", help="The lowest severity printed in text and markdown reports (the summary counts all): blocker, warning or info (default)."
    ),
    fail_on: Optional[FailOn] = typer.Option(
        None, "--fail-on", help="Exit 1 when a finding is at or above this severity (default: blocker, or fail-on from the config)."
    ),
    select: List[str] = typer.Option([], "--select", metavar="ID", help="Run only rules whose id starts with this prefix (repeatable)."),
    ignore: List[str] = typer.Option([], "--ignore", metavar="ID", help="Set aside findings of rules whose id starts with this prefix (repeatable)."),
    config_file: Optional[str] = typer.Option(None, "--config", metavar="FILE", help="Read settings from this file instead of searching for one."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", min=1, help="Refuse input files larger than this (default 50 MB, or APIGW_MIGRATE_MAX_BYTES)."),
    payload_format: Optional[str] = typer.Option(None, "--payload-format", metavar="1.0|2.0", help="payloadFormatVersion convert gives Lambda proxy integrations (default 1.0), as for convert."),
    jwt_audience: List[str] = typer.Option([], "--jwt-audience", metavar="ID", help="Audience (app client id) of the JWT authorizers made from Cognito ones, as for convert (repeatable)."),
    parameter: List[str] = typer.Option([], "--parameter", metavar="NAME=VALUE", help=PARAMETER_HELP),
    region: Optional[str] = typer.Option(None, "--region", metavar="REGION", help=REGION_HELP),
    vpc_link: List[str] = typer.Option([], "--vpc-link", metavar="REST_LINK=V2_LINK_ID,LISTENER_ARN", help=VPC_LINK_HELP),
) -> None:
    from apigw_migrate.checks import run_checks
    from apigw_migrate.config import load_config
    from apigw_migrate.errors import InputError, NotAnApiError, UserError
    from apigw_migrate.load import expand_input_origins, load, load_all
    from apigw_migrate.options import analysis_options
    from apigw_migrate.render import render

    # A check is one short process over acyclic data (parsed documents, findings): the cyclic garbage
    # collector would only walk the growing heap again and again (a third of the time of a 1,500-operation
    # check, bench/bench_check_process.py), and the memory it could free is negligible.
    gc.disable()
    config = load_config(config_file)
    options = analysis_options(
        config,
        select=rule_ids("--select", select),
        ignore=rule_ids("--ignore", ignore),
        payload_format=payload_format,
        jwt_audience=jwt_audience,
        parameter=parameter,
        region=region,
        vpc_link=vpc_link,
    )
    threshold = fail_on.value if fail_on else (config.fail_on or "blocker")

    given = options.given()
    files = expand_input_origins(inputs)
    sources, errors, skipped = [], [], []
    for path, in_directory in files:
        try:
            if api:
                sources.append(load(path, api=api, max_bytes=max_bytes, given=given))
                continue
            found, unreadable = load_all(path, max_bytes=max_bytes, given=given)
        except NotAnApiError as e:
            if not in_directory:
                found, unreadable = [], [e]
            else:
                # A folder of API definitions also holds other YAML and JSON (docker-compose.yml): noted, counted.
                skipped.append((path, e.reason))
                typer.echo(f"note: {path}: skipped: {e.reason}", err=True)
                continue
        except InputError as e:
            found, unreadable = [], [e]
        except UserError as e:
            if len(files) == 1:
                raise
            found, unreadable = [], [e]
        sources.extend(found)
        # An unreadable file or template API: say so, check the rest, write the report, exit 2 at the end.
        for e in unreadable:
            errors.append((path, str(e)))
            typer.echo(f"error: {e}", err=True)

    if skipped and not sources and not errors:
        # Only files that are no API definitions: a wrong folder must not pass as "nothing to migrate".
        e = InputError(f"no API definition among the {len(skipped)} file(s) found there", ", ".join(inputs))
        errors.append((", ".join(inputs), str(e)))
        typer.echo(f"error: {e}", err=True)

    report = run_checks(sources, options=options)
    report.errors, report.skipped = errors, skipped
    if not sources and not skipped and len(errors) == 1 and output is None and fmt in (Format.text, Format.markdown):
        # The one input could not be read: its error line says it all; a report file, JSON or SARIF is still written.
        raise typer.Exit(int(ExitCode.USAGE))
    to_terminal = output is None and sys.stdout.isatty()
    text = render(report, fmt.value, tty=to_terminal, color=not os.environ.get("NO_COLOR"), show=show.value)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except (OSError, ValueError) as e:
            raise UsageError(f"cannot write {output}: {getattr(e, 'strerror', None) or e}") from None
    if errors:
        raise typer.Exit(int(ExitCode.USAGE))
    if report.fails(threshold):
        raise typer.Exit(int(ExitCode.FINDINGS))


def rule_ids(flag: str, values: list[str]) -> list[str]:
    """The rule id prefixes of a repeatable flag (`--select AGW2,AGW3` works too); UsageError for an unknown one."""
    import difflib

    from apigw_migrate.checks import RULES_BY_ID, unknown_ids

    ids = [v.strip().upper() for raw in values for v in raw.split(",") if v.strip()]
    bad = unknown_ids(ids)
    if bad:
        close = difflib.get_close_matches(bad[0], list(RULES_BY_ID), n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UsageError(f"{flag} {bad[0]}: unknown rule id{hint} (see 'apigw-migrate rules')")
    return ids
