"""The `apigw-migrate` command line.

Commands are thin: parse options, call one library function, render its result. User errors
(`apigw_migrate.errors.UserError`) become one line on stderr and their exit code here, and only
here; a traceback is shown only with `--debug` or APIGW_MIGRATE_DEBUG=1.
"""

from __future__ import annotations

import os
import sys

import typer

from apigw_migrate import __version__
from apigw_migrate.cli import check as check_cmd
from apigw_migrate.cli import convert as convert_cmd
from apigw_migrate.cli import demo as demo_cmd
from apigw_migrate.cli import diff as diff_cmd
from apigw_migrate.cli import export as export_cmd
from apigw_migrate.cli import plan as plan_cmd
from apigw_migrate.cli import report as report_cmd
from apigw_migrate.cli import rules as rules_cmd
from apigw_migrate.cli import run as run_cmd
from apigw_migrate.errors import ExitCode, UserError

app = typer.Typer(
    name="apigw-migrate",
    help=(
        "Move an Amazon API Gateway REST API (v1) to an HTTP API (v2) without dropping a feature silently.\n\n"
        "Pipeline: export (AWS → bundle) → check (gaps, with the HTTP-API alternative) → convert (HTTP API "
        "OpenAPI/CloudFormation) → plan → run.\n\n"
        "Exit codes: 0 success · 1 findings at or above --fail-on, blocked routes or failed validation · "
        "2 usage or input error · 3 AWS error (credentials, access, not found, throttling) · 130 interrupted."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"apigw-migrate {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    debug: bool = typer.Option(False, "--debug", help="Show a traceback when a command fails.", envvar="APIGW_MIGRATE_DEBUG"),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    _state["debug"] = debug


export_cmd.register(app)
check_cmd.register(app)
convert_cmd.register(app)
diff_cmd.register(app)
plan_cmd.register(app)
rules_cmd.register(app)
run_cmd.register(app)
report_cmd.register(app)
demo_cmd.register(app)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn every failure into one line and an exit code."""
    debug = os.environ.get("APIGW_MIGRATE_DEBUG", "") not in ("", "0") or "--debug" in (argv or sys.argv[1:])
    try:
        code = app(args=argv, standalone_mode=False)
    except UserError as e:
        if debug:
            raise
        typer.echo(f"error: {e}", err=True)
        sys.exit(int(e.exit_code))
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except RecursionError:
        # The loaders refuse documents nested deeper than the stages can walk; this is the last guard.
        if debug:
            raise
        typer.echo("error: the input nests too deeply to process", err=True)
        sys.exit(int(ExitCode.USAGE))
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(int(ExitCode.INTERRUPTED))
    except Exception as e:  # noqa: BLE001 - the last guard: never a bare traceback for the user
        # typer >= 0.25 raises its vendored copy of click's exceptions, so match the class by name.
        if any(c.__name__ == "ClickException" for c in type(e).__mro__):
            e.show()
            sys.exit(int(ExitCode.USAGE))
        if debug:
            raise
        typer.echo(
            f"error: internal error: {type(e).__name__}: {e} (run again with --debug for a traceback, and report it)",
            err=True,
        )
        sys.exit(70)
    sys.exit(code if isinstance(code, int) else 0)
