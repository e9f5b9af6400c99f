"""`apigw-migrate convert`: write the HTTP API definition of a REST API."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, List, Optional

import typer

from apigw_migrate.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.transforms import ConvertResult


class OutputFormat(str, Enum):
    openapi = "openapi"
    cloudformation = "cloudformation"
    sam = "sam"


class Report(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class OnBlocked(str, Enum):
    fail = "fail"
    skip = "skip"


HELP = (
    "Write the HTTP API (v2) definition of a REST API: an OpenAPI 3.0 document that `aws apigatewayv2 "
    "import-api` accepts, or a CloudFormation/SAM template holding it.\n\n"
    "INPUT is a bundle (from `apigw-migrate export`), a REST export (OpenAPI 3.0 or Swagger 2.0), a SAM or "
    "CloudFormation template (pick the API with --api) or a Terraform template file. Every change of "
    "meaning is reported with the same rule ids as `check`; --explain lists what each pass changed.\n\n"
    "Lambda proxy routes get payload format 1.0 (the REST-compatible event) unless --payload-format 2.0 "
    "or a per-route override says otherwise. Cognito authorizers become JWT authorizers and need the app "
    "client ids as audience: --jwt-audience, the bundle's cognitoUserPools, or the config file. Routes that "
    "cannot move (VTL templates, mocks, other AWS services, two authorizers...) are blocked: with "
    "--on-blocked fail (default) nothing is written; with skip they are left out and listed.\n\n"
    # Square brackets are escaped: the help is rendered with rich markup.
    "Per-route overrides live in \\[tool.apigw-migrate] of pyproject.toml or in .apigw-migrate.toml:\n\n"
    "\b\n"
    '  \\[tool.apigw-migrate.routes."GET /books/{id}"]\n'
    '  payload-format = "2.0"\n'
    '  jwt-audience = ["app-client-id"]\n\n'
    "Findings set aside for check (--ignore, the config's ignore and ignore-at, an inline "
    "x-apigw-migrate-ignore key) are set aside here too and counted as ignored; a blocked route stays blocked. "
    "The x-apigw-migrate-ignore keys are not written to the output.\n\n"
    "\b\nExamples:\n"
    "  apigw-migrate convert shop.bundle.json -o shop-http.yaml\n"
    "  apigw-migrate convert export.json -o - --payload-format 2.0 > http.json\n"
    "  apigw-migrate convert template.yaml --api OrdersApi --format sam -o http-template.yaml --on-blocked skip\n"
    "  apigw-migrate convert export.json -o http.yaml --jwt-audience 3n4v5q1k8r --explain\n\n"
    "Exit codes: 0 written · 1 blocked routes (with --on-blocked fail) or a document that fails validation "
    "(nothing written) · 2 usage or input error (also: the input already is an HTTP API)."
)
ROUTE_OVERRIDE_KEYS = {"payload-format", "jwt-audience"}


def register(app: typer.Typer) -> None:
    app.command("convert", help=HELP, short_help="Write the HTTP API definition (OpenAPI, CloudFormation or SAM) of a REST API.")(
        convert
    )


def convert(
    input_path: str = typer.Argument(..., metavar="INPUT", help="The REST API to convert."),
    output: str = typer.Option(..., "-o", "--output", metavar="OUT", help="Where to write: .json, .yaml or .yml; '-' for stdout (JSON)."),
    api: Optional[str] = typer.Option(None, "--api", metavar="LOGICAL_ID", help="In a template holding several REST APIs, the one to convert."),
    fmt: OutputFormat = typer.Option(OutputFormat.openapi, "--format", help="openapi (default): the import document; cloudformation or sam: a template holding it, its stage and Lambda permissions."),
    payload_format: str = typer.Option("1.0", "--payload-format", metavar="1.0|2.0", help="payloadFormatVersion of Lambda proxy integrations."),
    jwt_audience: List[str] = typer.Option([], "--jwt-audience", metavar="ID", help="Audience (app client id) of the JWT authorizers made from Cognito ones (repeatable)."),
    on_blocked: OnBlocked = typer.Option(OnBlocked.fail, "--on-blocked", help="fail (default): write nothing when a route cannot move; skip: leave those routes out."),
    stage_name: str = typer.Option("$default", "--stage-name", metavar="NAME", help="Name of the HTTP stage (the $default stage serves at the URL root)."),
    explain: bool = typer.Option(False, "--explain", help="Also list, pass by pass, what convert changed."),
    config_file: Optional[str] = typer.Option(None, "--config", metavar="FILE", help="Read settings from this file instead of searching for one."),
    report: Report = typer.Option(Report.text, "--report", help="How to print the findings: text (default), json or markdown."),
    ignore: List[str] = typer.Option([], "--ignore", metavar="ID", help="Set aside findings of rules whose id starts with this prefix, as check does (repeatable); blocked routes stay blocked."),
) -> None:
    from apigw_migrate.cli.check import rule_ids
    from apigw_migrate.config import load_config
    from apigw_migrate.load import load
    from apigw_migrate.transforms import ConvertOptions
    from apigw_migrate.transforms import convert as run_convert

    target = _target(output)
    ignore_ids = rule_ids("--ignore", ignore)
    config = load_config(config_file)
    overrides = route_overrides(config.routes, config.path or "config")
    src = load(input_path, api=api)
    options = ConvertOptions(
        payload_format=payload_format,
        jwt_audiences=tuple(a for raw in jwt_audience for a in raw.split(",") if a),
        on_blocked=on_blocked.value,
        stage_name=stage_name,
        route_overrides=overrides,
        ignore=tuple(ignore_ids) + config.ignore,
        ignore_at=config.ignore_at,
    )
    result = run_convert(src, options)
    # The findings report is the command's data (stdout, or stderr when stdout carries the document);
    # what happened to the document is a diagnostic (stderr).
    stream = sys.stderr if output == "-" else sys.stdout
    stream.write(_render_findings(src, result, report.value))
    stream.flush()
    err = sys.stderr
    if explain:
        err.write(_explain(result))
    failed = False
    if result.blocked_routes:
        verb = "cannot move" if on_blocked is OnBlocked.fail else "left out (--on-blocked skip)"
        err.write(f"{len(result.blocked_routes)} route(s) {verb}:\n")
        for route, findings in result.blocked_reasons.items():
            for f in findings:
                message = f.message[len(route) + 2 :] if f.message.startswith(route + ": ") else f.message
                err.write(f"  {route}: {f.rule} {message}\n")
        failed = on_blocked is OnBlocked.fail
    if result.violations:
        err.write("the converted document fails validation, so it was not written:\n")
        for v in result.violations:
            err.write(f"  {v.pointer or '/'}: [{v.rule}] {v.message}\n")
        failed = True
    remaining = sum(1 for _ in _routes(result.document))
    if not failed and remaining == 0:
        err.write("no route is left to convert, so nothing was written\n")
        failed = True
    if failed:
        if result.blocked_routes and on_blocked is OnBlocked.fail and not result.violations:
            err.write("nothing written; rerun with --on-blocked skip to write the other routes\n")
        raise typer.Exit(int(ExitCode.FINDINGS))
    document: Any = result.document
    if fmt is not OutputFormat.openapi:
        from apigw_migrate.transforms.iac import to_template

        document = to_template(result, fmt.value, source_kind=src.kind)
    _write(document, output, target)
    err.write(f"wrote {'stdout' if output == '-' else output}: {remaining} route(s) as an HTTP API {fmt.value} definition\n")


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


def _target(output: str) -> str:
    if output == "-":
        return "json"
    if not Path(output).parent.is_dir():
        raise UsageError(f"-o {output}: no directory {str(Path(output).parent)!r} to write into")
    suffix = Path(output).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    raise UsageError(f"-o {output}: the file name must end in .json, .yaml or .yml (or use '-' for stdout)")


def _routes(document: dict):  # type: ignore[no-untyped-def]
    from apigw_migrate.transforms.context import operations

    return operations(document)


def dumps(document: Any, target: str) -> str:
    if target == "yaml":
        import yaml

        return yaml.dump(document, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False, allow_unicode=True, width=120)
    import json

    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _write(document: Any, output: str, target: str) -> None:
    text = dumps(document, target)
    if output == "-":
        sys.stdout.write(text)
        return
    path = Path(output)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, ValueError) as e:
        # No partial output: the temporary file goes too (os.replace fails when OUT is a directory).
        try:
            tmp.unlink(missing_ok=True)
        except (OSError, ValueError):
            pass
        raise UsageError(f"cannot write {output}: {getattr(e, 'strerror', None) or e}") from None


def _render_findings(src: "Source", result: "ConvertResult", fmt: str) -> str:
    from apigw_migrate.findings import ApiResult, CheckReport, api_verdict, route_verdicts
    from apigw_migrate.openapi import all_route_keys
    from apigw_migrate.render import render

    # A route's verdict says what convert did with it: blocked only when it was left out; a blocker
    # finding on a converted route (an API key requirement removed, say) still needs a change.
    routes = route_verdicts(all_route_keys(src), result.findings)
    blocked = set(result.blocked_routes)
    for route, verdict in routes.items():
        if route in blocked:
            routes[route] = "blocked"
        elif verdict == "blocked":
            routes[route] = "needs-change"
    api = ApiResult(
        source_path=src.path,
        api=src.display_name,
        findings=result.findings,
        routes=routes,
        verdict=api_verdict(routes, result.findings),
        ignored=result.ignored,
        kind=src.kind,
        flavor=src.flavor,
    )
    return render(CheckReport(apis=[api], command="convert"), fmt, tty=False)


def _explain(result: "ConvertResult") -> str:
    lines = ["", "what each pass changed:"]
    for name, notes in result.explain:
        lines.append(f"  {name}: {'nothing' if not notes else ''}".rstrip())
        lines += [f"    - {n}" for n in notes]
    return "\n".join(lines) + "\n"
