"""`apigw-migrate export`: read a REST API stage (or every one) from AWS into bundle files."""

from __future__ import annotations

import re
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from apigw_migrate.errors import AwsError, UsageError

if TYPE_CHECKING:
    from apigw_migrate.aws import AwsContext


class Format(str, Enum):
    json = "json"
    yaml = "yaml"


class Via(str, Enum):
    auto = "auto"
    export = "export"
    resources = "resources"


HELP = (
    "Read a REST API stage from AWS into a bundle file: the OpenAPI export plus what it leaves out.\n\n"
    "The bundle holds the API as OpenAPI 3.0 with the x-amazon-apigateway extensions, the stage settings, "
    "authorizers, usage plans and their API keys (ids and names, never the key values), gateway responses, "
    "request validators, VPC links, custom domains mapped to the API and the Cognito app client ids of its "
    "user pools. `check` and `convert` read it. Every field is described in docs/bundle.md.\n\n"
    "Credentials come from the standard AWS chain (environment, --profile or AWS_PROFILE, SSO, instance roles); "
    "the region from --region, AWS_REGION or the profile. Only Get and List calls are made.\n\n"
    "\b\nExamples:\n"
    "  apigw-migrate export --rest-api-id a1b2c3d4e5 --stage prod\n"
    "  apigw-migrate export --rest-api-id a1b2c3d4e5 --stage prod -o shop.yaml\n"
    "  apigw-migrate export --all -o bundles/ --jobs 8\n\n"
    "Exit codes: 0 written · 2 bad option or unwritable output · 3 AWS error (credentials, access denied, "
    "not found, throttled after retries, endpoint unreachable) or, with --all, some APIs failed."
)


def register(app: typer.Typer) -> None:
    app.command("export", help=HELP, short_help="Read a REST API stage from AWS into a bundle file.")(export)


def export(
    rest_api_id: Optional[str] = typer.Option(None, "--rest-api-id", help="The REST API id (the 10 characters in its execute-api URL)."),
    stage: Optional[str] = typer.Option(None, "--stage", help="The stage to export. May be left out when the API has a single stage."),
    all_apis: bool = typer.Option(False, "--all", help="Export every REST API and stage of the region, one bundle each, into the -o directory."),
    region: Optional[str] = typer.Option(None, "--region", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)."),
    profile: Optional[str] = typer.Option(None, "--profile", help="Named profile from your AWS config (default: AWS_PROFILE)."),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", help="Send AWS calls to this URL instead (a proxy, LocalStack, moto). AWS_ENDPOINT_URL works too."),
    output: Optional[str] = typer.Option(
        None, "-o", "--output",
        help="Bundle file to write ('-' for stdout). Default: <restApiId>-<stage>.bundle.json here. "
        "With --all: the directory (default: here).",
    ),
    fmt: Optional[Format] = typer.Option(None, "--format", help="json (default) or yaml; otherwise taken from the -o file extension."),
    via: Via = typer.Option(
        Via.auto, "--via",
        help="How to get the OpenAPI document: 'export' (AWS get_export), 'resources' (assembled from the API's "
        "resources, methods and integrations) or 'auto': get_export, falling back to resources when it fails or "
        "comes back without integrations.",
    ),
    jobs: int = typer.Option(4, "--jobs", min=1, max=32, help="With --all: how many APIs to read at once."),
) -> None:
    from apigw_migrate import aws

    if all_apis:
        if rest_api_id or stage:
            raise UsageError("--all exports every API and stage; leave out --rest-api-id and --stage")
        if output == "-":
            raise UsageError("--all writes one file per API and stage: give -o a directory, not '-'")
        ctx = aws.connect(profile, region, endpoint_url)
        _export_all(ctx, Path(output or "."), fmt.value if fmt else "json", via.value, jobs)
        return
    if not rest_api_id:
        raise UsageError("give --rest-api-id ID (and --stage NAME), or --all (list your APIs: aws apigateway get-rest-apis)")
    ctx = aws.connect(profile, region, endpoint_url)
    _export_one(ctx, rest_api_id, stage, output, fmt.value if fmt else None, via.value)


def _export_one(ctx: "AwsContext", rest_api_id: str, stage: str | None, output: str | None, fmt: str | None, via: str) -> None:
    from apigw_migrate import bundle as bundle_mod
    from apigw_migrate.export import export_bundle

    bundle = export_bundle(ctx, rest_api_id, stage, via=via)
    stage_name = bundle["metadata"]["stage"]
    _report(bundle)
    if output == "-":
        sys.stdout.write(bundle_mod.dumps(bundle, fmt or "json"))
        return
    if output is None or Path(output).is_dir():
        fmt = fmt or "json"
        path = Path(output or ".") / f"{_safe(rest_api_id)}-{_safe(stage_name)}.bundle.{fmt}"
    else:
        path = Path(output)
        fmt = fmt or bundle_mod.format_for(path)
    bundle_mod.write(bundle, path, fmt)
    typer.echo(f"wrote {path}", err=True)


def _report(bundle: dict) -> None:
    meta = bundle["metadata"]
    if meta.get("exportFallbackReason"):
        typer.echo(f"note: used the resources path: {meta['exportFallbackReason']}", err=True)
    for note in bundle.get("notes") or []:
        typer.echo(f"note: {note}", err=True)


def _safe(name: str) -> str:
    """A file-name-safe spelling: letters, digits, dot, dash and underscore stay; anything else becomes a dash."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^\w.-]", "-", name)).strip("-.") or "api"


def _export_all(ctx: "AwsContext", out_dir: Path, fmt: str, via: str, jobs: int) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from apigw_migrate import bundle as bundle_mod
    from apigw_migrate.errors import InputError
    from apigw_migrate.export import ExportOutcome, Target, export_many, list_targets

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot create the output directory: {e.strerror or e}", str(out_dir)) from None
    if not out_dir.is_dir():
        raise InputError("not a directory (with --all, -o names the directory to write the bundles into)", str(out_dir))
    targets = list_targets(ctx)
    if not targets:
        typer.echo(f"no REST API with a stage in {ctx.region}: nothing to export", err=True)
        return

    def save(target: Target, bundle: dict) -> str:
        path = out_dir / f"{_safe(target.api_name)}-{_safe(target.api_id)}-{_safe(target.stage)}.bundle.{fmt}"
        bundle_mod.write(bundle, path, fmt)
        return str(path)

    err_console = Console(stderr=True)
    progress = Progress(
        TextColumn("exporting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, disable=not err_console.is_terminal, transient=True,
    )
    with progress:
        task = progress.add_task("export", total=len(targets))

        def done(outcome: ExportOutcome) -> None:
            progress.advance(task)

        outcomes = export_many(ctx, targets, via, jobs, save, done)

    table = Table(title=f"REST API exports ({ctx.region})")
    for column in ("api", "id", "stage", "routes", "file", "status"):
        table.add_column(column, justify="right" if column == "routes" else "left", overflow="fold")
    failed = 0
    for o in outcomes:
        status = "ok" if o.error is None else "failed"
        failed += o.error is not None
        table.add_row(o.target.api_name, o.target.api_id, o.target.stage, str(o.routes) if o.path else "-", o.path or "-", status)
    out = Console()
    # Piped or redirected output is for reading later or for grep: never fold a file name over two lines.
    (out if out.is_terminal else Console(width=1000)).print(table)
    for o in outcomes:
        if o.error:
            typer.echo(f"error: {o.target.api_name} ({o.target.api_id}) stage {o.target.stage}: {o.error}", err=True)
    if failed:
        raise AwsError(f"{failed} of {len(outcomes)} exports failed (see above); the others were written to {out_dir}")
