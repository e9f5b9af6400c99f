"""`apigw-migrate convert`: write the HTTP API definition of a REST API."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, List, Optional

import typer

from apigw_migrate import pointer as jp
from apigw_migrate.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from apigw_migrate.intrinsics import Given
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
    "cannot move (VTL templates, mocks, other AWS services, two authorizers, API keys...) are blocked: with "
    "--on-blocked fail (default) nothing is written; with skip they are left out and listed. Convert runs the "
    "analysis `check` runs, with the same options: it blocks exactly the routes check calls blocked and "
    "reports check's findings. A blocker about the whole API (private endpoint, resource policy, mutual TLS...) "
    "blocks every route; to move anyway, acknowledge it with --ignore ID (or the config's ignore): the written "
    "document records what was acknowledged (info.x-apigw-migrate, or the template's Metadata).\n\n"
    # Square brackets are escaped: the help is rendered with rich markup.
    "Per-route overrides live in \\[tool.apigw-migrate] of pyproject.toml or in .apigw-migrate.toml:\n\n"
    "\b\n"
    '  \\[tool.apigw-migrate.routes."GET /books/{id}"]\n'
    '  payload-format = "2.0"\n'
    '  jwt-audience = ["app-client-id"]\n\n'
    "Findings set aside for check (--ignore, the config's ignore and ignore-at, an inline "
    "x-apigw-migrate-ignore key) are set aside here too and counted as ignored. The x-apigw-migrate-ignore keys "
    "are not written to the output.\n\n"
    "\b\nExamples:\n"
    "  apigw-migrate convert shop.bundle.json -o shop-http.yaml\n"
    "  apigw-migrate convert export.json -o - --payload-format 2.0 > http.json\n"
    "  apigw-migrate convert template.yaml --api OrdersApi --format sam -o http-template.yaml --on-blocked skip\n"
    "  apigw-migrate convert export.json -o http.yaml --jwt-audience 3n4v5q1k8r --explain\n\n"
    "A template's intrinsics (!Ref, !Sub, !Join, !If on its Conditions) are evaluated with --parameter, --region "
    "and the parameters' defaults. An OpenAPI document cannot hold an intrinsic: with --format openapi, one left "
    "unresolved (a function's ARN, say) is an error naming its place; give it with --parameter, or write "
    "--format sam|cloudformation, which keep intrinsics.\n\n"
    "Exit codes: 0 written · 1 blocked routes (with --on-blocked fail) or a document that fails validation "
    "(nothing written) · 2 usage or input error (also: the input already is an HTTP API, or --format openapi "
    "with intrinsics left unresolved)."
)
PARAMETER_HELP = (
    "A value for the template's intrinsics, as `sam deploy --parameter-overrides` takes it (repeatable): a "
    "parameter (Stage=prod), a pseudo parameter (AWS::AccountId=123456789012) or a deployed resource's id or "
    "attribute (MyFunction.Arn=arn:…). With --format openapi, parameters not given take their Default."
)
VPC_LINK_HELP = (
    "What replaces a REST VPC link on the HTTP API (repeatable, or vpc-links in the config): REST_LINK (its id, or "
    "the template resource a !Ref names) = the VPC link V2 id and the load balancer listener (or Cloud Map service) "
    "ARN; LISTENER_ARN alone when the REST integration already uses a VPC link V2 (integrationTarget)."
)
REGION_HELP = "The Region the API is deployed in: the value of AWS::Region, AWS::Partition and AWS::URLSuffix."


def register(app: typer.Typer) -> None:
    app.command("convert", help=HELP, short_help="Write the HTTP API definition (OpenAPI, CloudFormation or SAM) of a REST API.")(
        convert
    )


def convert(
    input_path: str = typer.Argument(..., metavar="INPUT", help="The REST API to convert."),
    output: str = typer.Option(..., "-o", "--output", metavar="OUT", help="Where to write: .json, .yaml or .yml; '-' for stdout (JSON)."),
    api: Optional[str] = typer.Option(None, "--api", metavar="LOGICAL_ID", help="In a template holding several REST APIs, the one to convert."),
    fmt: OutputFormat = typer.Option(OutputFormat.openapi, "--format", help="openapi (default): the import document; cloudformation or sam: a template holding it, its stage and Lambda permissions."),
    payload_format: Optional[str] = typer.Option(None, "--payload-format", metavar="1.0|2.0", help="payloadFormatVersion of Lambda proxy integrations."),
    jwt_audience: List[str] = typer.Option([], "--jwt-audience", metavar="ID", help="Audience (app client id) of the JWT authorizers made from Cognito ones (repeatable)."),
    on_blocked: OnBlocked = typer.Option(OnBlocked.fail, "--on-blocked", help="fail (default): write nothing when a route cannot move; skip: leave those routes out."),
    stage_name: str = typer.Option("$default", "--stage-name", metavar="NAME", help="Name of the HTTP stage (the $default stage serves at the URL root)."),
    explain: bool = typer.Option(False, "--explain", help="Also list, pass by pass, what convert changed."),
    config_file: Optional[str] = typer.Option(None, "--config", metavar="FILE", help="Read settings from this file instead of searching for one."),
    report: Report = typer.Option(Report.text, "--report", help="How to print the findings: text (default), json or markdown."),
    ignore: List[str] = typer.Option([], "--ignore", metavar="ID", help="Set aside findings of rules whose id starts with this prefix, as check does (repeatable); a blocker set aside is acknowledged and no longer blocks, unless no HTTP API can serve the route."),
    parameter: List[str] = typer.Option([], "--parameter", metavar="NAME=VALUE", help=PARAMETER_HELP),
    region: Optional[str] = typer.Option(None, "--region", metavar="REGION", help=REGION_HELP),
    vpc_link: List[str] = typer.Option([], "--vpc-link", metavar="REST_LINK=V2_LINK_ID,LISTENER_ARN", help=VPC_LINK_HELP),
) -> None:
    from apigw_migrate.cli.check import rule_ids
    from apigw_migrate.config import load_config
    from apigw_migrate.load import load
    from apigw_migrate.options import ConvertOptions, analysis_options
    from apigw_migrate.transforms import convert as run_convert

    target = _target(output)
    config = load_config(config_file)
    options = analysis_options(
        config,
        ignore=rule_ids("--ignore", ignore),
        payload_format=payload_format,
        jwt_audience=jwt_audience,
        cls=ConvertOptions,
        parameter=parameter,
        region=region,
        vpc_link=vpc_link,
        on_blocked=on_blocked.value,
        stage_name=stage_name,
    )
    # IaC output keeps the template's parameters: only --format openapi fills in their defaults.
    given = options.given(use_defaults=fmt is OutputFormat.openapi)
    src = load(input_path, api=api, given=given)
    refuse_undecided_routes(src)
    result = run_convert(src, options)
    # The findings report is the command's data (stdout, or stderr when stdout carries the document);
    # what happened to the document is a diagnostic (stderr).
    stream = sys.stderr if output == "-" else sys.stdout
    stream.write(_render_findings(result, report.value))
    stream.flush()
    err = sys.stderr
    remaining = sum(1 for _ in _routes(result.document))
    if fmt is OutputFormat.openapi and remaining and not result.violations and not (result.blocked_routes and on_blocked is OnBlocked.fail):
        # What an OpenAPI document cannot hold is refused first (exit 2: one error line, then each place), since
        # it is what the user must act on. Convert writes intrinsics of its own (a JWT issuer from a pool's
        # `!GetAtt`): evaluated the same way.
        result.document = evaluate_output(result.document, src.document, given)
        refuse_vpc_links(src, result.document)
        refuse_intrinsics(src, result.document)
    if explain:
        err.write(_explain(result))
    failed = False
    if result.blocked_routes:
        verb = "cannot move" if on_blocked is OnBlocked.fail else "left out (--on-blocked skip)"
        err.write(f"{len(result.blocked_routes)} route(s) {verb}:\n")
        err.write(_blocked_text(result))
        failed = on_blocked is OnBlocked.fail
    if result.violations:
        err.write("the converted document fails validation, so it was not written:\n")
        for v in result.violations:
            err.write(f"  {v.where or v.pointer or '/'}: {v.message} (at {v.pointer or '/'} of the document; {v.rule})\n")
        failed = True
    if not failed and remaining == 0:
        err.write("no route is left to convert, so nothing was written\n")
        failed = True
    if failed:
        whole_api = sorted({f.rule for fs in result.blocked_reasons.values() for f in fs if not f.routes})
        if whole_api and not result.violations:
            # --on-blocked skip would leave out every route too: only an acknowledgement moves them.
            err.write(
                f"nothing written; every route is blocked by {', '.join(whole_api)}, which concern the whole API: to move "
                f"anyway, acknowledge them with --ignore {','.join(whole_api)} (the output records it)\n"
            )
        elif result.blocked_routes and on_blocked is OnBlocked.fail and not result.violations:
            err.write("nothing written; rerun with --on-blocked skip to write the other routes\n")
        raise typer.Exit(int(ExitCode.FINDINGS))
    if fmt is OutputFormat.openapi and src.parameter_defaults:
        err.write(f"template parameters at their Default (give --parameter to change): {', '.join(src.parameter_defaults)}\n")
    document: Any = result.document
    if fmt is not OutputFormat.openapi:
        from apigw_migrate.transforms.iac import to_template

        document = to_template(result, fmt.value, source_kind=src.kind)
    if result.acknowledged:
        err.write(f"acknowledged (--ignore) {len(result.acknowledged)} blocker(s): {', '.join(sorted({f.rule for f in result.acknowledged}))}; the output records them\n")
    _write(document, output, target)
    err.write(f"wrote {'stdout' if output == '-' else output}: {remaining} route(s) as an HTTP API {fmt.value} definition\n")


def _blocked_text(result: "ConvertResult") -> str:
    """Each blocked route with why, once: a blocker about the whole API is said once for every route."""
    whole_api = list(dict.fromkeys(f for fs in result.blocked_reasons.values() for f in fs if not f.routes))
    lines = [f"  every route: {f.rule} {f.message}\n" for f in whole_api]
    for route in result.blocked_routes:
        for f in result.blocked_reasons.get(route, []):
            if f.routes:
                message = f.message[len(route) + 2 :] if f.message.startswith(route + ": ") else f.message
                lines.append(f"  {route}: {f.rule} {message}\n")
    return "".join(lines)


def evaluate_output(document: Any, template: Any, given: "Given") -> Any:
    from apigw_migrate.intrinsics import environment, resolve

    # Not strict: `template` is already evaluated, so the names given no longer show in it.
    env = environment(template, given.parameters, given.region, given.use_defaults, strict=False)
    return document if env.empty else resolve(document, env)


def refuse_vpc_links(src: "Source", document: Any) -> None:
    """Exit 2, naming each place, when a private integration still names a REST VPC link and its NLB's DNS name."""
    from apigw_migrate.transforms.context import operations
    from apigw_migrate.transforms.private import is_listener, link_key

    places: dict[str, str] = {}
    for o in operations(document):
        integ = o.integration
        if integ is None or str(integ.get("connectionType", "")).upper() != "VPC_LINK" or is_listener(integ.get("uri")):
            continue
        position = src.locate(src.api_pointer(jp.join(o.integration_pointer, "connectionId")))
        where = f"{src.path}:{position[0]}:{position[1]}" if position else src.path
        places.setdefault(where, f"{o.route}: VPC link {link_key(integ.get('connectionId')) or '(not a plain id)'}")
    if not places:
        return
    sys.stderr.write(
        f"error: {len(places)} private integration(s) name a REST VPC link, which an HTTP API cannot use: give the VPC "
        "link V2 and the load balancer listener ARN with --vpc-link REST_LINK=V2_LINK_ID,LISTENER_ARN (or vpc-links "
        "in the config), or write --format sam or --format cloudformation, which ask for them as Parameters; nothing written\n"
    )
    for where, what in places.items():
        sys.stderr.write(f"  {where}: {what}\n")
    raise typer.Exit(int(ExitCode.USAGE))


def refuse_undecided_routes(src: "Source") -> None:
    """Exit 2 when an intrinsic stands for a path item or an operation (AGW005): which routes exist is not known.

    No pass can convert what only a deployment decides, so the template is converted for one choice.
    """
    from apigw_migrate.intrinsics import undecided_paths

    places = []
    for ptr, names in undecided_paths(src):
        position = src.locate(src.api_pointer(ptr))
        where = f"{src.path}:{position[0]}:{position[1]}" if position else src.path
        places.append(f"{where}: depends on {', '.join(names) or 'the stack'}")
    if not places:
        return
    sys.stderr.write(
        f"error: {len(places)} path(s) or operation(s) exist only under a template condition that cannot be decided: "
        "give the parameters it depends on with --parameter (the API is converted for that choice); nothing written\n"
    )
    for p in places:
        sys.stderr.write(f"  {p}\n")
    raise typer.Exit(int(ExitCode.USAGE))


def refuse_intrinsics(src: "Source", document: Any) -> None:
    """Exit 2, naming each place, when the OpenAPI document would still hold a CloudFormation intrinsic."""
    from apigw_migrate.intrinsics import unresolved_places

    places = unresolved_places(src, document)
    if not places:
        return
    err = sys.stderr
    err.write(
        f"error: {len(places)} CloudFormation intrinsic(s) stay unresolved, and an OpenAPI document cannot hold them: "
        "give their values with --parameter NAME=VALUE (and --region), or write --format sam or --format "
        "cloudformation, which keep them; nothing written\n"
    )
    for p in places:
        err.write(f"  {p.where}: {p.text}: needs {p.needs}\n")
    raise typer.Exit(int(ExitCode.USAGE))


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


def _render_findings(result: "ConvertResult", fmt: str) -> str:
    from apigw_migrate.findings import CheckReport
    from apigw_migrate.render import render

    # The analysis check reports, as check reports it: the same findings and the same verdicts.
    return render(CheckReport(apis=[result.report], command="convert"), fmt, tty=False)


def _explain(result: "ConvertResult") -> str:
    lines = ["", "what each pass changed:"]
    for name, notes in result.explain:
        lines.append(f"  {name}: {'nothing' if not notes else ''}".rstrip())
        lines += [f"    - {n}" for n in notes]
    return "\n".join(lines) + "\n"
