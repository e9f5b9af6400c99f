"""`apigw-migrate plan`."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from apigw_migrate.errors import InputError, UsageError


class Strategy(str, Enum):
    auto = "auto"
    path = "path"
    cloudfront = "cloudfront"
    route53 = "route53"


class PlanFormat(str, Enum):
    yaml = "yaml"
    text = "text"
    markdown = "markdown"


def register(app: typer.Typer) -> None:
    app.command("plan", short_help="Write a staged, gated cutover plan for the custom domain, with a rollback for every step.")(plan)


def plan(
    domain: Optional[str] = typer.Option(None, "--domain", help="The custom domain name clients use, e.g. api.example.com."),
    rest_api_id: Optional[str] = typer.Option(None, "--rest-api-id", help="The REST API (v1) serving the domain now."),
    rest_stage: Optional[str] = typer.Option(None, "--rest-stage", help="Its stage."),
    http_api_id: Optional[str] = typer.Option(None, "--http-api-id", help="The HTTP API (v2) taking over."),
    http_stage: str = typer.Option("$default", "--http-stage", help="Its stage."),
    http_region: Optional[str] = typer.Option(None, "--http-region", help="The HTTP API's Region when it differs (route53 needs two Regions)."),
    strategy: Strategy = typer.Option(Strategy.auto, "--strategy", help="path (API mappings by route group), cloudfront (a true percentage), route53 (weights across Regions), or auto: the first that fits."),
    steps: Optional[str] = typer.Option(None, "--steps", help="Cumulative HTTP shares, e.g. 1,5,25,50,100 (path: groups are batched to reach each)."),
    preset: Optional[str] = typer.Option(None, "--preset", help="Canary10Percent5Minutes, Linear10PercentEvery10Minutes or AllAtOnce (steps and bake)."),
    bake: Optional[str] = typer.Option(None, "--bake", help="How long each step is watched before the next: 600, 90s, 10m, 1h (default 10m)."),
    group_by: str = typer.Option("first-segment", "--group-by", help="path: first-segment, or a YAML file of group name: base path."),
    group_api: List[str] = typer.Option([], "--group-api", help="path: NAME=API_ID, an HTTP API serving group NAME re-rooted under its mapping (repeatable)."),
    client_key: str = typer.Option("header:x-client-id", "--client-key", help="cloudfront: what keeps a client on one side: header:NAME, cookie:NAME or ip."),
    hosted_zone_id: Optional[str] = typer.Option(None, "--hosted-zone-id", help="cloudfront, route53: the Route 53 zone of the hostname (found by name when omitted)."),
    route_counts: Optional[Path] = typer.Option(None, "--route-counts", help="path: a JSON object route key → requests (from access logs), when detailed metrics are off."),
    from_bundle: Optional[Path] = typer.Option(None, "--from-bundle", help="Plan offline from an export bundle (it holds the domains and mappings)."),
    http_definition: Optional[Path] = typer.Option(None, "--http-definition", help="The converted HTTP API document, to check every route against every mapping."),
    alarm: List[str] = typer.Option([], "--alarm", help="A CloudWatch alarm that must not be in ALARM for a step to pass (repeatable)."),
    parity: Optional[str] = typer.Option(None, "--parity", help="A file of sample requests (method, path, headers, body) sent to both APIs before traffic moves; answers must agree."),
    min_requests: Optional[int] = typer.Option(None, "--min-requests", help="Requests a gate needs before any verdict (default 100); fewer is never a pass."),
    force: bool = typer.Option(False, "--force", help="Write the plan despite preflight blockers, recording them in it."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Where to write the plan (files it needs are written beside it)."),
    fmt: PlanFormat = typer.Option(PlanFormat.yaml, "--format", "-f", help="With --explain: text (a table) or markdown (for a change ticket, with a Mermaid diagram). When planning: the plan goes to -o and this rendering to stdout."),
    explain: Optional[Path] = typer.Option(None, "--explain", help="Print an existing plan as a table (or --format markdown) and exit."),
    validate: Optional[Path] = typer.Option(None, "--validate", help="Check a hand-edited plan (the checks run makes first) and exit."),
    profile: Optional[str] = typer.Option(None, "--profile", help="AWS profile."),
    region: Optional[str] = typer.Option(None, "--region", help="AWS Region of the domain and the REST API."),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", help="AWS endpoint URL (a local AWS for tests)."),
) -> None:
    """Plan a staged cutover of the custom domain from the REST API to the HTTP API.

    API Gateway has no weighted API mappings: a base path maps to one API stage and is stripped before the API sees the request. So weights are real only through CloudFront (a stored percentage, per-client stickiness), Route 53 across two Regions, or as the share of traffic a group of routes carries (path). The plan says which it chose and why.

    Every step lists its AWS calls, what the read-back must show, and its rollback calls; gates (error rates and latency against REST, a minimum request count, alarms, a parity probe) judge each bake when 'apigw-migrate run' executes the plan. Preflight findings (PRE rules) with a blocker stop the plan (exit 1) unless --force.

    Examples:

      apigw-migrate plan --domain api.example.com --rest-api-id a1b2c3 --rest-stage prod --http-api-id h1j2k3 -o plan.yaml

      apigw-migrate plan --from-bundle shop.bundle.json --http-definition shop-http.yaml --domain api.example.com --rest-api-id a1b2c3 --rest-stage prod --http-api-id h1j2k3 -o plan.yaml

      apigw-migrate plan --explain plan.yaml --format markdown -o ticket.md

      apigw-migrate plan --validate plan.yaml
    """
    from apigw_migrate.cutover import explain as explain_mod
    from apigw_migrate.cutover import planfile

    if validate is not None:
        loaded = planfile.load(validate)
        typer.echo(f"{validate}: valid {loaded.plan.strategy} plan, {len(loaded.plan.steps)} step(s)", err=True)
        return
    if explain is not None:
        loaded = planfile.load(explain)
        if fmt is not PlanFormat.markdown and output is None and sys.stdout.isatty():
            from rich.console import Console

            explain_mod.render_rich(loaded.plan, Console())
            return
        _emit(explain_mod.markdown(loaded.plan) if fmt is PlanFormat.markdown else explain_mod.text(loaded.plan), output)
        return
    missing = [flag for flag, value in (("--domain", domain), ("--rest-api-id", rest_api_id), ("--rest-stage", rest_stage), ("--http-api-id", http_api_id)) if not value]
    if missing:
        raise UsageError(f"plan needs {', '.join(missing)} (or --explain PLAN / --validate PLAN)")
    if fmt is not PlanFormat.yaml and output is None:
        raise UsageError(f"--format {fmt.value} prints the plan for people; pass -o FILE for the plan itself")
    request = _request(domain, rest_api_id, rest_stage, http_api_id, http_stage, http_region, strategy.value, steps, preset, bake,
                       group_by, group_api, client_key, hosted_zone_id, route_counts, force, output)
    request.gates = _gates(alarm, parity, min_requests)
    from apigw_migrate.cutover import plan as plan_mod

    if from_bundle is not None:
        facts = plan_mod.gather_bundle(str(from_bundle), request, str(http_definition) if http_definition else None)
    else:
        from apigw_migrate.aws import connect

        facts = plan_mod.gather_live(connect(profile, region, endpoint_url), request, str(http_definition) if http_definition else None)
    try:
        outcome = plan_mod.make_plan(facts, request)
    except plan_mod.PreflightFailed as failed:
        _show(failed.findings, fixes=True)
        raise
    _show(outcome.findings)
    document = planfile.to_document(outcome.plan, outcome.header)
    # The files the plan names sit beside it (the current directory when the plan goes to stdout).
    where = output.parent if output is not None else Path(".")
    for name, text in outcome.files.items():
        _write(where / name, text)
    if output is None:
        typer.echo(planfile.dumps(document), nl=False)
    else:
        planfile.save(document, output)
    written = [str(output)] if output is not None else []
    written += [str(where / name) for name in sorted(outcome.files)]
    if written:
        typer.echo(f"wrote {', '.join(written)}: {outcome.plan.strategy} plan, {len(outcome.plan.steps)} step(s)", err=True)
    if outcome.plan.forced:
        typer.echo("preflight had blockers: the plan was written because of --force and records them", err=True)
    if fmt is not PlanFormat.yaml:
        # the plan itself went to --output; the rendering for people goes to stdout
        _emit(explain_mod.markdown(outcome.plan) if fmt is PlanFormat.markdown else explain_mod.text(outcome.plan), None)


def _show(findings: list, fixes: bool = False) -> None:
    """Preflight findings on stderr, like check's: rule, severity, what; with the fix when they stop the plan."""
    for f in findings:
        typer.echo(f"{f.rule} {f.severity.value}: {f.message}", err=True)
        if fixes and f.severity.value == "blocker":
            typer.echo(f"    fix: {f.alternative}", err=True)


def _request(domain, rest_api_id, rest_stage, http_api_id, http_stage, http_region, strategy, steps, preset, bake,  # type: ignore[no-untyped-def]
             group_by, group_api, client_key, hosted_zone_id, route_counts, force, output):
    from apigw_migrate.cutover import plan as plan_mod

    if steps and preset:
        raise UsageError("--steps and --preset both choose the steps: pass one")
    shares = plan_mod.parse_steps(steps) if steps else None
    seconds = plan_mod.DEFAULT_BAKE
    if preset:
        if preset not in plan_mod.PRESETS:
            raise UsageError(f"--preset {preset!r}: choose {', '.join(plan_mod.PRESETS)}")
        shares, seconds = plan_mod.PRESETS[preset]
    if bake is not None:
        seconds = plan_mod.parse_duration(bake)
    group_apis = {}
    for item in group_api:
        name, sep, api_id = item.partition("=")
        if not sep or not name or not api_id:
            raise UsageError(f"--group-api {item!r}: use NAME=API_ID")
        group_apis[name] = api_id
    request = plan_mod.PlanRequest(
        domain=domain, rest_api_id=rest_api_id, rest_stage=rest_stage, http_api_id=http_api_id, http_stage=http_stage,
        http_region=http_region, strategy=strategy, steps=shares, bake=seconds, groups=_groups(group_by), group_apis=group_apis,
        client_key=client_key, hosted_zone_id=hosted_zone_id, route_counts=_counts(route_counts) if route_counts else None,
        force=force, out_name=output.name if output else "plan.yaml",
    )
    if strategy in ("cloudfront", "auto"):
        from apigw_migrate.cutover.strategies.cloudfront import client_key as parse_key

        parse_key(client_key)
    return request


def _gates(alarms: List[str], parity: Optional[str], min_requests: Optional[int]):  # type: ignore[no-untyped-def]
    from apigw_migrate.cutover.model import Gates, Parity

    gates = Gates(alarms=list(alarms), parity=Parity(parity) if parity else None)
    if min_requests is not None:
        if min_requests < 1:
            raise UsageError("--min-requests must be at least 1: a gate with no data is never a pass")
        gates.min_requests = min_requests
    return gates


def _groups(group_by: str) -> dict[str, str] | None:
    if group_by == "first-segment":
        return None
    from apigw_migrate.load import parse, read_text

    document = parse(read_text(group_by), group_by).document
    if not isinstance(document, dict) or not all(isinstance(k, str) and isinstance(v, str) and v.strip("/") for k, v in document.items()):
        raise InputError("--group-by FILE holds group name: base path pairs, e.g. orders: orders/v1", group_by)
    return {k: v.strip("/") for k, v in document.items()}


def _counts(path: Path) -> dict[str, int]:
    from apigw_migrate.load import parse, read_text

    document = parse(read_text(path), str(path)).document
    if not isinstance(document, dict) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in document.values()):
        raise InputError('--route-counts holds a JSON object of route key → request count, e.g. {"GET /orders": 1200}', str(path))
    return {str(k): int(v) for k, v in document.items()}


def _emit(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    _write(output, text)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write: {e.strerror or e}", str(path)) from None
