"""`apigw-migrate report`: the estate, the money and a cutover, as one HTML page or Markdown."""

from __future__ import annotations

import sys
from enum import Enum
from typing import TYPE_CHECKING, List, Optional

import typer

from apigw_migrate.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from apigw_migrate.aws import AwsContext
    from apigw_migrate.report import ApiView


class Format(str, Enum):
    html = "html"
    markdown = "markdown"


HELP = (
    "Report on many REST APIs for whoever decides what moves: each API's verdict, its blockers by rule, the routes "
    "ready to move, the REST-only features in use and the work left; the monthly cost now (REST) and after (HTTP); "
    "and, with --run, how a cutover went.\n\n"
    "PATH is a bundle, a REST definition, a `check --format json` report or a directory of them (e.g. the output "
    "of `export --all`). With --region, the APIs are read from AWS instead (every REST API and stage, as "
    "`export --all` does) and each one's requests come from CloudWatch (Count over the last 30 days). Offline, "
    "give --requests-per-month: one number for every API, or NAME=NUMBER per API (NAME: the API's name, id, "
    "id/stage or file name).\n\n"
    "HTML is one self-contained file (no network at view time); Markdown fits a wiki page or a GitHub comment. "
    "The format follows -o's extension (.md → markdown), else html; to stdout, markdown.\n\n"
    "\b\nExamples:\n"
    "  apigw-migrate report bundles/ --requests-per-month 120000000 -o estate.html\n"
    "  apigw-migrate report bundles/ --requests-per-month shop=90000000 --requests-per-month orders=4000000\n"
    "  apigw-migrate report --region eu-west-1 -o estate.html\n"
    "  apigw-migrate report shop.bundle.json --run plan.yaml.journal.json -o cutover.html\n\n"
    "Exit codes: 0 written · 2 bad option, or an input or journal that could not be read (the others are still "
    "reported) · 3 AWS error (with --region)."
)


def register(app: typer.Typer) -> None:
    app.command("report", help=HELP, short_help="Estate, money and cutover report (HTML or Markdown).")(report)


def report(
    paths: Optional[List[str]] = typer.Argument(None, metavar="PATH...", help="Bundles, REST definitions, check JSON reports or directories."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", help="html or markdown (default: from -o's extension; markdown on stdout)."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="Write the report to this file instead of stdout."),
    requests_per_month: List[str] = typer.Option(
        [], "--requests-per-month", metavar="[NAME=]N", help="Monthly requests: N for every API, or NAME=N for one (repeatable)."
    ),
    average_request_kb: Optional[float] = typer.Option(
        None, "--average-request-kb", min=0, help="Average request size in KB: HTTP APIs meter each started 512 KB as one request."
    ),
    run_journal: Optional[str] = typer.Option(None, "--run", metavar="JOURNAL", help="Draw the cutover recorded in this run journal."),
    region: Optional[str] = typer.Option(None, "--region", help="Read every REST API of this Region from AWS, and its requests from CloudWatch."),
    profile: Optional[str] = typer.Option(None, "--profile", help="With --region: named profile from your AWS config."),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", help="With --region: send AWS calls to this URL instead."),
    jobs: int = typer.Option(4, "--jobs", min=1, max=32, help="With --region: how many APIs to read at once."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", min=1, help="Refuse input files larger than this (default 50 MB)."),
) -> None:
    from apigw_migrate.pricing import default_prices
    from apigw_migrate.report import RequestCounts, build, render_markdown
    from apigw_migrate.report_html import render_html
    from apigw_migrate.timeline import read_timeline

    paths = paths or []
    if region and paths:
        raise UsageError("--region reads the APIs from AWS: give either PATH... or --region, not both")
    if (profile or endpoint_url) and not region:
        raise UsageError("--profile and --endpoint-url go with --region")
    if not paths and not region and not run_journal:
        raise UsageError("give PATH... (bundles, definitions, check JSON reports), --region R, or --run JOURNAL")
    counts = RequestCounts.parse(requests_per_month)
    if region and requests_per_month:
        raise UsageError("--region reads requests from CloudWatch; --requests-per-month is for files")
    chosen = fmt.value if fmt else ("markdown" if output is None or output.endswith((".md", ".markdown")) else "html")

    timeline = read_timeline(run_journal) if run_journal else None
    errors: list[tuple[str, str]] = []
    aws_failed = 0
    note = ""
    if region:
        from apigw_migrate import aws
        from apigw_migrate.usage import SOURCE

        ctx = aws.connect(profile, region, endpoint_url)
        views, aws_failed = _live_views(ctx, jobs, errors)
        requests = _cloudwatch_counts(ctx, views)
        note = f"Requests per API: {SOURCE} ({ctx.region})."
    else:
        from apigw_migrate.report import collect

        views, errors = collect(paths, max_bytes) if paths else ([], [])
        for path, message in errors:
            typer.echo(f"error: {message}" if message.startswith(path) else f"error: {path}: {message}", err=True)
        unused = counts.unused(views)
        if unused:
            raise UsageError(f"--requests-per-month {unused[0]}=…: no API of that name (use its name, id, id/stage or file name)")
        requests = {i: (n, counts.source) for i, v in enumerate(views) if (n := counts.lookup(v)) is not None}
        if requests:
            note = "Requests per API: given with --requests-per-month."

    result = build(views, default_prices(), requests, average_request_kb, errors, timeline, note)
    text = render_html(result) if chosen == "html" else render_markdown(result)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as e:
            raise UsageError(f"cannot write {output}: {e.strerror or e}") from None
        typer.echo(f"wrote {output}", err=True)
    if aws_failed:
        raise typer.Exit(int(ExitCode.AWS))
    if errors:
        raise typer.Exit(int(ExitCode.USAGE))


def _live_views(ctx: "AwsContext", jobs: int, errors: list[tuple[str, str]]) -> "tuple[list[ApiView], int]":
    """Every REST API stage of the Region, exported in memory and checked like a bundle file."""
    from apigw_migrate.checks import run_checks
    from apigw_migrate.config import load_config
    from apigw_migrate.export import Target, export_many, list_targets
    from apigw_migrate.load import source_from_document
    from apigw_migrate.report import view_of

    bundles: dict[tuple[str, str], dict] = {}

    def keep(target: Target, bundle: dict) -> str:
        bundles[(target.api_id, target.stage)] = bundle
        return f"{ctx.region}/{target.api_id}/{target.stage}"

    outcomes = export_many(ctx, list_targets(ctx), "auto", jobs, keep, lambda _: None)
    sources = []
    for o in outcomes:
        if o.error:
            where = f"{o.target.api_name} ({o.target.api_id}) stage {o.target.stage}"
            errors.append((where, o.error))
            typer.echo(f"error: {where}: {o.error}", err=True)
            continue
        sources.append(source_from_document(bundles[(o.target.api_id, o.target.stage)], o.path or ""))
    checked = run_checks(sources, config=load_config(None))
    return [view_of(r, s) for r, s in zip(checked.apis, sources)], sum(1 for o in outcomes if o.error)


def _cloudwatch_counts(ctx: "AwsContext", views: "list[ApiView]") -> dict[int, tuple[int, str]]:
    from apigw_migrate.usage import SOURCE, rest_requests

    return {i: (rest_requests(ctx, v.title, v.stage or ""), SOURCE) for i, v in enumerate(views)}
