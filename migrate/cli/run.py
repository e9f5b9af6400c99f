"""`apigw-migrate run` and `apigw-migrate status`: execute a cutover plan, and show where a domain stands."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Iterator, Optional

import typer

from apigw_migrate.errors import InputError


class Output(str, Enum):
    text = "text"
    json = "json"


RUN_HELP = (
    "Execute a cutover plan step by step: make each step's AWS calls, read the state back, bake while the "
    "gates (error rates and latency of both APIs, alarms, the parity probe) are evaluated, and roll back to "
    "100 % REST when one fails.\n\n"
    "Every call is journalled before and after (PLAN.journal.json, or --state) so a crashed run resumes "
    "without repeating or skipping a call (--resume), and a lock (a local file plus a tag on the custom domain, "
    "or a KeyValueStore key) keeps a second runner away. Ctrl-C rolls back after asking (at once with --yes). "
    "The journal and exit codes are described in docs/run.md.\n\n"
    "\b\nExamples:\n"
    "  apigw-migrate run plan.yaml --dry-run\n"
    "  apigw-migrate run plan.yaml --until 2\n"
    "  apigw-migrate run plan.yaml --resume --yes --output json\n"
    "  apigw-migrate run plan.yaml --rollback\n\n"
    "Exit codes: 0 reached the target step, every gate passed · 1 a gate failed and the rollback was verified · "
    "2 usage, plan or journal error, the domain changed, or it is locked · 3 AWS error after retries (resume later) · "
    "4 the rollback could not be verified (the manual calls are printed) · 130 interrupted."
)

STATUS_HELP = (
    "Show where the plan's domain stands: the live state read from AWS next to the journal (step, share of "
    "traffic on HTTP, last gate values) and who holds the lock. Only reads.\n\n"
    "Exit codes: 0 shown · 2 bad plan or journal · 3 AWS error."
)


def register(app: typer.Typer) -> None:
    app.command("run", help=RUN_HELP, short_help="Execute a cutover plan with gates, rollback, resume and a lock.")(run)
    app.command("status", help=STATUS_HELP, short_help="Show the live state of a plan's domain next to its journal.")(status)


def run(
    plan_path: Path = typer.Argument(..., metavar="PLAN", help="The plan file written by `apigw-migrate plan`."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print every AWS call the run would make, with its parameters; change nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask: on Ctrl-C, roll back at once."),
    resume: bool = typer.Option(False, "--resume", help="Go on from where an interrupted or crashed run left the domain."),
    until: Optional[str] = typer.Option(None, "--until", metavar="STEP", help="Stop after this step (its number from 1, or its name)."),
    rollback: bool = typer.Option(False, "--rollback", help="Return all traffic to the REST API now, and verify it."),
    state: Optional[Path] = typer.Option(None, "--state", metavar="FILE", help="The journal file [default: PLAN.journal.json]."),
    output: Output = typer.Option(Output.text, "--output", help="text (a live view) or json (one event per line, for CI logs)."),
    break_lock: bool = typer.Option(False, "--break-lock", help="Take the domain's lock from a run that is dead, and say whose it was."),
    allow_insufficient_data: bool = typer.Option(False, "--allow-insufficient-data", help="Pass a bake that never saw enough requests (default: roll back)."),
    interval: float = typer.Option(60.0, "--interval", min=1.0, help="Seconds between gate evaluations while a step bakes."),
    probe_urls: Optional[str] = typer.Option(None, "--probe-urls", metavar="REST_URL,HTTP_URL", help="Base URLs the parity probe calls [default: the execute-api URLs of both stages]."),
    profile: Optional[str] = typer.Option(None, "--profile", help="Named profile from your AWS config (default: AWS_PROFILE)."),
    region: Optional[str] = typer.Option(None, "--region", help="AWS region [default: the plan's domain region]."),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", help="Send AWS calls to this URL instead (a local AWS for tests and the demo)."),
) -> None:
    from apigw_migrate import aws
    from apigw_migrate.cutover.journal import Journal, plan_digest
    from apigw_migrate.cutover.runner import Options, Runner

    plan, text = load_plan(plan_path)
    journal_path = state or default_journal(plan_path)
    digest = plan_digest(text)
    journal = Journal.load(journal_path, digest) if journal_path.exists() else None
    if probe_urls is not None and len(probe_urls.split(",")) != 2:
        raise InputError("--probe-urls takes two base URLs separated by a comma: the REST one, then the HTTP one")
    options = Options(
        dry_run=dry_run, yes=yes, resume=resume, rollback=rollback, until=until, break_lock=break_lock,
        allow_insufficient_data=allow_insufficient_data, interval=interval,
        parity_urls=tuple(probe_urls.split(",")) if probe_urls else None,  # type: ignore[arg-type]
    )
    display = Display(output.value, total=len(plan.steps))
    clients = None if dry_run else aws.connect(profile, region or plan.domain.region, endpoint_url)
    runner = Runner(
        plan, str(plan_path), journal, clients, options, emit=display.event, confirm=_confirm,
        journal_factory=lambda: Journal.create(journal_path, str(plan_path), digest, plan.strategy, plan.domain.name),
    )
    with display, _sigterm_interrupts():
        result = runner.run()
    display.finish(result)
    if result.code:
        raise typer.Exit(result.code)


def status(
    plan_path: Path = typer.Argument(..., metavar="PLAN", help="The plan file."),
    state: Optional[Path] = typer.Option(None, "--state", metavar="FILE", help="The journal file [default: PLAN.journal.json]."),
    output: Output = typer.Option(Output.text, "--output", help="text or json."),
    profile: Optional[str] = typer.Option(None, "--profile", help="Named profile from your AWS config."),
    region: Optional[str] = typer.Option(None, "--region", help="AWS region [default: the plan's domain region]."),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", help="Send AWS calls to this URL instead."),
) -> None:
    from apigw_migrate import aws
    from apigw_migrate.cutover import effects
    from apigw_migrate.cutover.journal import Journal, plan_digest
    from apigw_migrate.cutover.lock import Lock
    from apigw_migrate.cutover.runner import Options, Runner

    plan, text = load_plan(plan_path)
    journal_path = state or default_journal(plan_path)
    journal = Journal.load(journal_path, plan_digest(text)) if journal_path.exists() else None
    clients = aws.connect(profile, region or plan.domain.region, endpoint_url)
    runner = Runner(plan, str(plan_path), journal, clients, Options())
    runner.resolve_stack_outputs()
    plan = runner.plan
    live, _ = runner.read()
    lock = Lock(plan, clients, Path(f"{journal_path}.lock"), "", "")
    matches = [i + 1 for i, s in enumerate(plan.steps) if effects.same(plan.strategy, s.verify, live)]
    report: dict[str, Any] = {
        "plan": str(plan_path),
        "domain": plan.domain.name,
        "strategy": plan.strategy,
        "live": live,
        "live_matches": "baseline" if effects.same(plan.strategy, plan.baseline, live) else (f"step {matches[-1]}" if matches else "no step of the plan"),
        "journal": str(journal_path) if journal else None,
        "steps_done": journal.steps_done() if journal else 0,
        "steps": len(plan.steps),
        "share": journal.share() if journal else 0.0,
        "run_open": journal.run_open() if journal else False,
        "last_gates": journal.last_gates() if journal else [],
        "lock": {"local": lock.local_holder(), "aws": lock.aws_holder()},
    }
    if output is Output.json:
        typer.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    lines = [
        f"domain {plan.domain.name} ({plan.strategy} strategy)",
        f"  live state: {json.dumps(live, sort_keys=True)}",
        f"  the live state is {report['live_matches']}",
        f"  journal: {report['journal'] or 'none (never run)'}",
        f"  steps done: {report['steps_done']} of {report['steps']}, {report['share']:g} % of traffic on HTTP"
        + (" (the last run did not finish: run --resume or --rollback)" if report["run_open"] else ""),
    ]
    lines += [f"  gate {_gate_line(g)}" for g in report["last_gates"]]
    holders = [h for h in (report["lock"]["local"], report["lock"]["aws"]) if h]
    lines.append(f"  lock: {'held by ' + holders[0] if holders else 'free'}")
    typer.echo("\n".join(lines))


def load_plan(path: Path) -> tuple[Any, str]:
    """The plan and its text; every problem of a hand-edited plan becomes one line (the first, and how many more)."""
    from apigw_migrate.cutover import planfile

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read the plan: {e.strerror or e}", str(path)) from None
    try:
        loaded = planfile.loads(text, str(path))
    except planfile.PlanFileError as e:
        more = len(e.problems) - 1
        first = e.problems[0]
        if more:
            first.message += f" (and {more} more problem{'s' if more > 1 else ''}: apigw-migrate plan --validate {path} lists them)"
        raise first from None
    return loaded.plan, text


def default_journal(plan_path: Path) -> Path:
    from apigw_migrate.cutover.journal import default_path

    return default_path(plan_path)


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (a cancelled CI job, a stopped container) is handled like Ctrl-C: roll back, or keep the state."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _confirm(question: str) -> bool:
    # Nobody can answer without a terminal: rolling back is the safe answer.
    if not sys.stdin.isatty():
        return True
    return typer.confirm(question, default=True, err=True)


def _gate_line(g: dict[str, Any]) -> str:
    value, threshold = g.get("value"), g.get("threshold")
    numbers = "" if value is None else f"{value:.4g}" + ("" if threshold is None else f" (limit {threshold:g})")
    rest = f", REST {g['rest_value']:.4g}" if isinstance(g.get("rest_value"), (int, float)) else ""
    detail = f" — {g['detail']}" if g.get("detail") else ""
    return f"{g['name']}: {numbers}{rest} {g['verdict']}{detail}".replace(":  ", ": ")


class Display:
    """Events as they happen: a live view on a terminal, plain lines otherwise, or one JSON object per line."""

    def __init__(self, mode: str, total: int) -> None:
        self.mode, self.total = mode, total
        self.live: Any = None
        self.view: dict[str, Any] = {"step": "-", "share": 0.0, "gates": [], "time_left": None}

    def __enter__(self) -> "Display":
        from rich.console import Console

        console = Console(stderr=True)
        if self.mode == "text" and console.is_terminal:
            from rich.live import Live

            self.live = Live(self._render(), console=console, transient=True, refresh_per_second=4)
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(None, None, None)
            self.live = None

    def event(self, record: dict[str, Any]) -> None:
        if self.mode == "json":
            sys.stdout.write(json.dumps(record, sort_keys=True, default=str) + "\n")
            sys.stdout.flush()
            return
        self._track(record)
        line = self._line(record)
        if line is None:
            return
        if record.get("event") == "dry-run":
            typer.echo(line)
        elif self.live is not None:
            self.live.console.print(line, markup=False, highlight=False)
            self.live.update(self._render())
        else:
            typer.echo(line, err=True)

    def finish(self, result: Any) -> None:
        if self.mode == "json":
            self.event({"event": "summary", "code": result.code, "message": result.message, **result.summary})
            return
        stream = sys.stdout
        s = result.summary
        if s:
            stream.write(f"summary: {s['steps_done']} of {s['steps']} steps done, {s['share']:g} % of traffic on HTTP; "
                         f"journal {s['journal']}\n")
            for change in s["changed"]:
                stream.write(f"  changed: {change}\n")
            if s.get("state") is not None:
                stream.write(f"  the domain now: {json.dumps(s['state'], sort_keys=True)}\n")
        if result.message:
            typer.echo(("error: " if result.code not in (0,) else "") + result.message, err=bool(result.code))

    def _track(self, r: dict[str, Any]) -> None:
        if r.get("step") is not None and r.get("step_name"):
            self.view["step"] = f"{r['step'] + 1}/{self.total} {r['step_name']}"
        if "share" in r:
            self.view["share"] = r["share"]
        if r.get("event") == "gate":
            self.view["gates"], self.view["time_left"] = r.get("gates") or [], r.get("time_left")

    def _render(self) -> Any:
        from rich.table import Table

        table = Table(title=f"step {self.view['step']} · {self.view['share']:g} % on HTTP"
                      + (f" · {self.view['time_left']:g} s of bake left" if self.view["time_left"] is not None else ""))
        for column in ("gate", "value", "REST", "limit", "verdict"):
            table.add_column(column)
        for g in self.view["gates"]:
            table.add_row(g["name"], _fmt(g.get("value")), _fmt(g.get("rest_value")), _fmt(g.get("threshold")), g["verdict"])
        return table

    def _line(self, r: dict[str, Any]) -> str | None:
        event, status = r.get("event"), r.get("status")
        step = f"step {r['step'] + 1}/{self.total}" if isinstance(r.get("step"), int) else ""
        if event == "dry-run":
            if "call" in r:
                c = r["call"]
                what = "on rollback, " if r.get("phase") == "rollback" else ""
                return f"{step} {r.get('step_name', '')}: {what}would call {c['service']} {c['operation']} {json.dumps(c['params'], sort_keys=True)}"
            return f"{step} {r.get('step_name', '')}: {r['message']}".strip() if step else r["message"]
        if event == "call":
            if status == "started":
                return None
            c = r["call"]
            return f"{step} {c['service']} {c['operation']} {json.dumps(c['params'], sort_keys=True)}: {status}" + (f" ({r['message']})" if r.get("message") else "")
        if event == "verify":
            return f"{step} read-back {'matches the plan' if status == 'pass' else 'does not match: ' + str(r.get('message'))}"
        if event == "gate":
            return "\n".join([f"{step} gates: {status}" + (f", {r['time_left']:g} s of bake left" if r.get("time_left") else "")]
                             + [f"    {_gate_line(g)}" for g in r.get("gates") or []])
        if event == "step":
            return f"{step} {r.get('step_name')}: done, {r.get('share', 0):g} % of traffic on HTTP"
        if event == "parity":
            return "\n".join(f"{step} parity {s['request'].get('method', 'GET')} {s['request'].get('path')}: "
                             + ("; ".join(s["differences"]) if s["differences"] else "alike") for s in r.get("samples") or [])
        if event == "warning":
            return f"warning: {r['message']}"
        if event in ("rollback", "lock", "run", "reconcile"):
            text = f"{event} {status or ''}".strip() + (f": {r['message']}" if r.get("message") else "")
            return f"{step} {text}".strip()
        return None


def _fmt(value: Any) -> str:
    return "" if value is None else f"{value:.4g}" if isinstance(value, (int, float)) else str(value)
