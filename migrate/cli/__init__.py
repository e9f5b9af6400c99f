"""The `apigw-migrate` command line.

Commands are thin: parse options, call one library function, render its result. User errors
(`apigw_migrate.errors.UserError`) become one line on stderr and their exit code here, and only
here; a traceback is shown only with `--debug` or APIGW_MIGRATE_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

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

def _plain_help(param: Any) -> Any:
    """Spell a parameter in help as a user reads it: `-o FILE`, `--format [text|json]`, `INPUT...`.

    Recent typer versions print Python types (`<bool>`, `<str>`, `<list[str]>`) and wrap required
    arguments in braces (`{INPUT...}...`); these instance overrides put the metavars back.
    """
    if getattr(param, "_plain_help", False):
        return param
    param._plain_help = True
    original = getattr(type(param), "display_type_rich", None)

    def display_type_rich(ctx: Any) -> str | None:
        if param.param_type_name == "argument" or getattr(param, "is_flag", False) or original is None:
            return None
        if param.metavar:
            return param.metavar
        shown = str(original(param, ctx) or "").strip("<>").removesuffix("...")
        return f"[{shown}]" if "|" in shown else param.name.upper()

    def get_usage_pieces(ctx: Any) -> list[str]:
        name = param.metavar or param.name.upper()
        if param.nargs != 1 and not name.endswith("..."):
            name += "..."
        return [name if param.required else f"[{name}]"]

    param.display_type_rich = display_type_rich
    if param.param_type_name == "argument":
        param.get_usage_pieces = get_usage_pieces
    return param


class _PlainHelpCommand(TyperCommand):
    def get_params(self, ctx: Any) -> list:
        return [_plain_help(p) for p in super().get_params(ctx)]


class _PlainHelpGroup(TyperGroup):
    def get_params(self, ctx: Any) -> list:
        return [_plain_help(p) for p in super().get_params(ctx)]


app = typer.Typer(
    cls=_PlainHelpGroup,
    name="apigw-migrate",
    help=(
        "Move an Amazon API Gateway REST API (v1) to an HTTP API (v2) without dropping a feature silently.\n\n"
        "Pipeline: export (AWS → bundle) → check (gaps, with the HTTP-API alternative) → convert (HTTP API "
        "OpenAPI/CloudFormation) → plan → run.\n\n"
        "Exit codes: 0 success · 1 findings at or above --fail-on, blocked routes or failed validation · "
        "2 usage or input error · 3 AWS error (credentials, access, not found, throttling) · 4 a rollback that could "
        "not be verified (run) · 70 internal error "
        "(a bug: run again with --debug and report it) · 130 interrupted."
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
# After every registration: each command's help spells its parameters as a user reads them.
for _command in app.registered_commands:
    if _command.cls in (None, TyperCommand):
        _command.cls = _PlainHelpCommand


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn every failure into one line and an exit code."""
    debug = os.environ.get("APIGW_MIGRATE_DEBUG", "") not in ("", "0") or "--debug" in (argv or sys.argv[1:])
    try:
        code = app(args=argv, prog_name="apigw-migrate", standalone_mode=False)
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
        sys.exit(int(ExitCode.INTERNAL))
    sys.exit(code if isinstance(code, int) else 0)
