"""`apigw-migrate demo`: the whole pipeline on a local AWS, or (--serve) that local AWS kept running."""

from __future__ import annotations

from pathlib import Path

import typer

HELP = (
    "Run the whole pipeline on a local AWS, with no AWS account and no network: a sample REST API is "
    "created on moto (127.0.0.1), then export, check, convert, plan, run (to 100 %, then a run whose gate "
    "fails and rolls back) and report run on it as you would run them. Every file stays in --dir.\n\n"
    "With --serve, the local AWS keeps running (sample loaded unless --empty) for export, plan and run by "
    "hand with --endpoint-url; Ctrl-C or SIGTERM stops it.\n\n"
    # rich markup would read [demo] as a style tag
    "Needs the demo extra: pip install -e '.\\[demo]'.\n\n"
    "\b\nExamples:\n"
    "  apigw-migrate demo\n"
    "  apigw-migrate demo --dir /tmp/shop-demo\n"
    "  apigw-migrate demo --serve --port 5000\n\n"
    "Exit codes: 0 done · 2 the demo extra is not installed, or a bad option · 70 a stage did not end as expected."
)


def register(app: typer.Typer) -> None:
    app.command("demo", help=HELP, short_help="The whole pipeline on a local AWS (no account, no network).")(demo)


def demo(
    folder: Path = typer.Option(Path("apigw-migrate-demo"), "--dir", help="Where the demo writes its files."),
    serve: bool = typer.Option(False, "--serve", help="Keep the local AWS running instead, until Ctrl-C or SIGTERM."),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="With --serve: the port on 127.0.0.1 (0: a free one)."),
    empty: bool = typer.Option(False, "--empty", help="With --serve: start without the sample API."),
) -> None:
    from apigw_migrate import demo as demo_mod
    from apigw_migrate.errors import UsageError

    if not serve and (port or empty):
        raise UsageError("--port and --empty go with --serve")
    try:
        if serve:
            demo_mod.serve(port, load=not empty, out=_echo)
        else:
            demo_mod.run_demo(folder, _echo)
    except demo_mod.DemoStepFailed as e:
        typer.echo(f"error: internal error: {e} (a bug: please report it with the output above)", err=True)
        raise typer.Exit(70) from None


def _echo(line: str) -> None:
    typer.echo(line)
