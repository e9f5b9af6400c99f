"""`run`: execute a plan step by step, with gates, automatic rollback, crash-safe resume and a lock.

A step: check the live state is what the step starts from, make its calls (each journalled before
and after), read the state back and compare it with the step's `verify`, then bake: evaluate the
gates every interval until the bake time has passed. A failed gate, a read-back that does not match,
or an interrupt rolls back to the baseline (100 % REST) and verifies that by reading it back.

Exit codes (`Result.code`): 0 reached the target step, every gate passed · 1 a gate or read-back
failed and the rollback was verified · 2 the plan, journal or domain does not allow a run · 3 an
AWS error after retries (the journal says where the domain stands; --resume or --rollback goes on) ·
4 the rollback could not be verified (the result names the calls that finish it by hand) · 130
interrupted.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from apigw_migrate import aws
from apigw_migrate.cutover import effects, gates as gates_mod
from apigw_migrate.cutover.journal import Journal, Position, iso, reconcile, redact, utc_now
from apigw_migrate.cutover.lock import Lock, holder_name
from apigw_migrate.cutover.model import Call, Plan, Step, lookups
from apigw_migrate.errors import AwsError, UsageError, UserError

OK, GATE_FAILED, USAGE, AWS_FAILED, UNVERIFIED, INTERRUPTED = 0, 1, 2, 3, 4, 130


@dataclass
class Clock:
    """Time as the runner sees it; tests pass one whose sleep only moves the hands."""

    now: Callable[[], dt.datetime] = utc_now
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Options:
    dry_run: bool = False
    yes: bool = False
    resume: bool = False
    rollback: bool = False
    until: str | None = None  # a step number (1-based) or name
    break_lock: bool = False
    allow_insufficient_data: bool = False
    interval: float = 60.0  # seconds between gate evaluations while a step bakes
    max_extension: float = 1.0  # too little data extends a bake by up to this many bake times
    parity_urls: tuple[str, str] | None = None  # (REST, HTTP) base URLs; default: the execute-api URLs


@dataclass
class Result:
    code: int
    message: str = ""
    summary: dict[str, Any] = field(default_factory=dict)


class Runner:
    def __init__(
        self,
        plan: Plan,
        plan_path: str,
        journal: Journal | None,
        clients: Any,
        options: Options,
        emit: Callable[[dict], None] = lambda event: None,
        clock: Clock | None = None,
        confirm: Callable[[str], bool] = lambda question: True,
        journal_factory: Callable[[], Journal] | None = None,
    ) -> None:
        self.plan, self.plan_path, self.journal, self.clients, self.options = plan, plan_path, journal, clients, options
        self.emit, self.clock, self.confirm = emit, clock or Clock(), confirm
        self.journal_factory = journal_factory
        self.strategy = _strategy(plan.strategy)
        self.changed: list[str] = []  # what this run changed, for the summary
        self.current: int | None = None  # the step being applied or baked
        self.samples: dict[str, list[dict[str, Any]]] = {}  # parity sample requests by file

    # --- the run -----------------------------------------------------------------------------------

    def run(self) -> Result:
        if self.options.dry_run:
            return self.dry_run()
        target = self.target_step()
        if self.journal is not None and self.journal.run_open() and not (self.options.resume or self.options.rollback):
            raise UsageError(
                f"the last run of this plan did not finish (journal {self.journal.path}): pass --resume to go on "
                "from where the domain stands, or --rollback to return all traffic to the REST API"
            )
        # the parity samples are read before anything changes: a file that cannot be read is exit 2, not a bake that cannot end
        self.samples = {
            gates.parity.requests: gates_mod.load_samples(gates.parity, self.plan_path)
            for gates in (step.effective_gates(self.plan) for step in self.plan.steps)
            if gates.parity is not None
        }
        if self.journal is None:
            if self.options.resume:
                raise UsageError("nothing to resume: this plan has no journal yet (run it without --resume)")
            assert self.journal_factory is not None
            self.journal = self.journal_factory()
        self.journal.listeners.append(self.emit)
        if self.plan.forced:
            blockers = [p.rule for p in self.plan.preflight if p.severity == "blocker"]
            self.emit({"event": "warning", "message": f"this plan was written with --force despite preflight blockers ({', '.join(blockers) or 'see the plan'})"})
        self.resolve_stack_outputs()
        lock = Lock(self.plan, self.clients, Path(f"{self.journal.path}.lock"), holder_name(), iso(self.clock.now()), self.kvs_etag)
        broken = lock.acquire(self.options.break_lock)
        self.journal.append("lock", "done", message=f"took the lock as {lock.marker}" + (f"; broke the lock of {broken}" if broken else ""))
        self.journal.append("run", "started", share=self.journal.share(), message=self._mode())
        result = Result(INTERRUPTED, "interrupted")
        try:
            result = self._run(target)
        except KeyboardInterrupt:
            result = self.interrupted()
        except AwsError as e:
            result = Result(AWS_FAILED, f"{e.message} (the journal {self.journal.path} records where the domain stands: "
                                        "run again with --resume to go on, or --rollback)")
        except UserError as e:  # drift, a stack without its outputs, a parity sample file that cannot be read
            result = Result(int(e.exit_code), e.message)
        finally:
            status = "done" if result.code in (OK, GATE_FAILED) else "failed"
            try:
                lock.release()
            except AwsError as e:
                result.message += f"; the lock marker could not be removed ({e.message})"
            self.journal.append("run", status, share=self.journal.share(), message=result.message or None, code=result.code)
        result.summary = self.summary(result)
        return result

    def _run(self, target: int) -> Result:
        live, ids = self.read()
        if self.options.rollback or self.journal.rollback_open():
            return self.rollback(self.furthest_step(live), "rollback requested" if self.options.rollback else "finishing an interrupted rollback")
        position = reconcile(self.journal, self.plan, live, ids)
        if position.note:
            self.emit({"event": "reconcile", "message": position.note})
        return self.forward(position, target)

    def forward(self, position: Position, target: int) -> Result:
        calls_done = position.calls_done
        for index in range(position.steps_done, target + 1):
            step = self.plan.steps[index]
            if index > position.steps_done:
                # the start was reconciled; a later step checks nobody changed the domain during the last bake
                live, _ = self.read()
                before = self.plan.steps[index - 1].verify
                if not effects.same(self.plan.strategy, before, live):
                    difference = effects.describe_difference(self.plan.strategy, before, live)
                    self.journal.append("verify", "fail", index, step_name=step.name, read_back=live, message=f"before the step: {difference}")
                    return self.rollback(index - 1, f"the domain changed while step {index} baked: {difference}")
            self.current = index
            self.apply(index, step, calls_done)
            calls_done = 0
            live, _ = self.read()
            if not effects.same(self.plan.strategy, step.verify, live):
                difference = effects.describe_difference(self.plan.strategy, step.verify, live)
                self.journal.append("verify", "fail", index, step_name=step.name, read_back=live, message=difference)
                return self.rollback(index, f"the read-back after step {index + 1} does not match the plan: {difference}")
            self.journal.append("verify", "pass", index, step_name=step.name, read_back=live, share=step.share)
            verdict = self.bake(index, step)
            if verdict != "pass":
                return self.rollback(index, verdict)
            self.journal.append("step", "done", index, step_name=step.name, share=step.share)
        last = self.plan.steps[target] if self.plan.steps else None
        return Result(OK, f"reached step {target + 1} of {len(self.plan.steps)}" + (f" ({last.name}, {last.share:g} % on HTTP)" if last else ""))

    def apply(self, index: int, step: Step, start: int) -> None:
        for number, call in enumerate(step.calls):
            if number < start:
                continue
            self.call(index, step, call, number, "forward")

    def call(self, index: int, step: Step, call: Call, number: int, phase: str) -> dict[str, Any]:
        params = self.resolve(call)
        record = {"service": call.service, "operation": call.operation, "params": params}
        if call.region:
            record["region"] = call.region
        self.journal.append("call", "started", index, step_name=step.name, call=record, index=number, phase=phase)
        client = self.clients.client(call.service, self.region_of(call))
        try:
            result = aws.call(client, call.operation, f"step {index + 1} ({step.name})", **params)
        except AwsError as e:
            self.journal.append("call", "failed", index, step_name=step.name, call=record, index=number, phase=phase, message=e.message)
            raise
        self.journal.append("call", "done", index, step_name=step.name, call=record, index=number, phase=phase, result=result)
        self.changed.append(f"{call.service} {call.operation} {_brief(params)}")
        return result

    # --- bake and gates ----------------------------------------------------------------------------

    def bake(self, index: int, step: Step) -> str:
        """'pass', or why the step must roll back."""
        gates = step.effective_gates(self.plan)
        start = self.clock.monotonic()
        end, limit = start + step.bake, start + step.bake * (1 + self.options.max_extension)
        first = True
        while True:
            verdicts = gates_mod.evaluate(self.clients, self.plan, gates, self.clock.now(), http_share=step.share, groups=step.groups)
            if first and gates.parity is not None:
                verdicts.append(self.parity(index, step, gates))
            first = False
            outcome = gates_mod.overall(verdicts)
            now = self.clock.monotonic()
            self.journal.append("gate", outcome, index, step_name=step.name, gates=[v.to_dict() for v in verdicts],
                                time_left=max(0.0, round(end - now, 1)))
            if outcome == "fail":
                failed = [v for v in verdicts if v.verdict == "fail"]
                return "gate " + ", ".join(f"{v.name} failed ({_num(v.value)} > {_num(v.threshold)})" if v.threshold is not None else f"{v.name} failed ({v.detail})" for v in failed)
            if now >= end:
                if outcome == "pass":
                    return "pass"
                if now >= limit:
                    if self.options.allow_insufficient_data:
                        return "pass"
                    return "too little data to judge the gates by the end of the extended bake (allow it with --allow-insufficient-data)"
            wait_until = end if now < end else limit
            self.clock.sleep(max(0.0, min(self.options.interval, wait_until - now)))

    def parity(self, index: int, step: Step, gates: Any) -> gates_mod.Verdict:
        samples = self.samples[gates.parity.requests]
        rest_url, http_url = self.options.parity_urls or gates_mod.invoke_urls(self.plan)
        verdict, records = gates_mod.probe(samples, rest_url, http_url, gates.parity)
        self.emit({"event": "parity", "step": index, "samples": records})
        return verdict

    # --- rollback ----------------------------------------------------------------------------------

    def rollback(self, index: int, reason: str) -> Result:
        """Run step `index`'s rollback calls that still have work to do; verify the baseline by reading it back."""
        self.journal.append("rollback", "started", index, message=reason)
        calls = self.plan.steps[index].rollback if 0 <= index < len(self.plan.steps) else []
        live, ids = self.read()
        remaining = list(calls)
        try:
            # A step's rollback goes from its own full state to the baseline. A step cut short (a crash, an
            # AWS error) may leave a state between two steps, so when the baseline is not reached, the
            # earlier steps' rollbacks follow; every call whose work is already undone is skipped.
            for k in range(index, -1, -1):
                step = self.plan.steps[k]
                for number, call in enumerate(step.rollback):
                    after, todo = effects.predict(self.plan.strategy, live, call, ids)
                    if todo:
                        self.call(k, step, call, number, "rollback")
                        live = after
                    remaining = step.rollback[number + 1 :]
                live, ids = self.read()
                if effects.same(self.plan.strategy, self.plan.baseline, live):
                    break
        except AwsError as e:
            return self.unverified(index, f"{reason}; the rollback stopped on an AWS error: {e.message}", remaining)
        if effects.same(self.plan.strategy, self.plan.baseline, live):
            self.journal.append("rollback", "done", index, read_back=live, share=0.0, message=reason)
            code = GATE_FAILED if not self.options.rollback else OK
            return Result(code, f"rolled back to 100 % REST, verified by reading it back ({reason})")
        difference = effects.describe_difference(self.plan.strategy, self.plan.baseline, live)
        return self.unverified(index, f"{reason}; after the rollback the domain still differs from the baseline: {difference}", remaining or calls)

    def unverified(self, index: int, message: str, calls: list[Call]) -> Result:
        manual = [cli_command(c, self.region_of(c)) for c in calls]
        self.journal.append("rollback", "failed", index, message=message, manual=manual)
        text = f"ROLLBACK NOT VERIFIED: {message}. Finish it by hand, then check with `apigw-migrate status {self.plan_path}`:"
        return Result(UNVERIFIED, "\n".join([text, *(f"  {m}" for m in manual)]) if manual else text)

    def interrupted(self) -> Result:
        """Ctrl-C: roll back (at once with --yes, else after asking), or keep the state for --resume."""
        index = self.current if self.current is not None else self.journal.steps_done() - 1
        if index < 0:
            return Result(INTERRUPTED, "interrupted before any step; nothing changed")
        if self.options.yes or self.confirm("Interrupted. Roll back to 100 % REST now?"):
            result = self.rollback(index, "interrupted")
            return Result(INTERRUPTED if result.code in (OK, GATE_FAILED) else result.code, result.message)
        return Result(INTERRUPTED, f"interrupted; the domain stays as the journal {self.journal.path} records: run again with --resume or --rollback")

    # --- live state and lookups --------------------------------------------------------------------

    def read(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The live state in the plan's shape, and (path strategy) the ids of the mappings by id → key."""
        ids: dict[str, str] = {}
        if self.plan.strategy == "path":
            items = self._mappings()
            ids = {m["ApiMappingId"]: m.get("ApiMappingKey") or "" for m in items}
            from apigw_migrate.cutover.strategies.path import state_from_mappings

            return state_from_mappings(items), ids
        return self.strategy.read_state(self.clients, self.plan), ids

    def _mappings(self) -> list[dict[str, Any]]:
        client = self.clients.client("apigatewayv2", self.plan.domain.region)
        return aws.paginate(client, "get_api_mappings", "Items", f"custom domain {self.plan.domain.name}", DomainName=self.plan.domain.name)

    def resolve(self, call: Call) -> dict[str, Any]:
        """The call's parameters with every lookup replaced by the live value it names (the ETag last, for
        the store the call names)."""
        if not lookups(call.params):
            return call.params
        params = _replace(call.params, lambda item: item if item["lookup"] == "kvs_etag" else self.lookup(item, call))
        return _replace(params, lambda item: self.kvs_etag(params.get("KvsARN")))

    def resolve_stack_outputs(self) -> None:
        """Replace the plan's stack_output lookups (in states and calls) by the deployed stack's outputs.

        A plan made before its CloudFormation stack existed names the KeyValueStore ARN and the
        distribution by output; they do not change while the stack stands, so one read serves the run.
        """
        if not any(item["lookup"] == "stack_output" for item in lookups(self.plan.to_dict())):
            return
        cache: dict[str, Any] = {}

        def output(item: dict[str, Any]) -> Any:
            if item["lookup"] != "stack_output":
                return item
            if item["output"] not in cache:
                cache[item["output"]] = self.lookup(item, Call("cloudformation", "describe_stacks"))
            return cache[item["output"]]

        self.plan = Plan.from_dict(_replace(self.plan.to_dict(), output))

    def lookup(self, item: dict[str, Any], call: Call) -> Any:
        kind = item["lookup"]
        if kind == "mapping_id":
            key = item.get("key") or ""
            for m in self._mappings():
                if (m.get("ApiMappingKey") or "") == key:
                    return m["ApiMappingId"]
            raise AwsError(f"the domain {self.plan.domain.name} has no API mapping with key {key!r} for {call.operation}")
        if kind == "kvs_etag":
            return self.kvs_etag(call.params.get("KvsARN"))
        if kind == "stack_output":
            from apigw_migrate.cutover.strategies.cloudfront import stack_output

            value = stack_output(self.clients, self.plan, item["output"])
            if value is None:
                raise UsageError(f"stack {item.get('stack')} has no output {item['output']}: deploy the stack the plan names before running it")
            return value
        raise UsageError(f"unknown lookup {kind!r}")

    def kvs_etag(self, arn: Any = None) -> str:
        arn = arn if isinstance(arn, str) else self.plan.baseline.get("kvs_arn")
        if not isinstance(arn, str):
            raise UsageError("the plan names no KeyValueStore ARN (baseline kvs_arn)")
        client = self.clients.client("cloudfront-keyvaluestore", "us-east-1")
        return aws.call(client, "describe_key_value_store", "the KeyValueStore", KvsARN=arn)["ETag"]

    def region_of(self, call: Call) -> str:
        if call.region:
            return call.region
        if call.service in ("cloudfront", "cloudfront-keyvaluestore", "route53"):
            return "us-east-1"  # global services, signed in us-east-1
        return self.plan.domain.region

    def furthest_step(self, live: dict[str, Any]) -> int:
        """The step whose rollback undoes the live state: the last one whose calls started, per the journal,
        or else the last step whose verify state the live state is."""
        started = [r["step"] for r in self.journal.records if r["event"] == "call" and r.get("phase") == "forward"]
        if started:
            return max(started)
        matches = [i for i, s in enumerate(self.plan.steps) if effects.same(self.plan.strategy, s.verify, live)]
        return matches[-1] if matches else len(self.plan.steps) - 1

    def target_step(self) -> int:
        """The 0-based index of the last step to run (--until: a number from 1, or a step name)."""
        if not self.plan.steps:
            raise UsageError("the plan has no steps")
        until = self.options.until
        if until is None:
            return len(self.plan.steps) - 1
        if until.isdigit() and 1 <= int(until) <= len(self.plan.steps):
            return int(until) - 1
        for i, step in enumerate(self.plan.steps):
            if step.name == until:
                return i
        raise UsageError(f"--until {until!r} is neither a step number from 1 to {len(self.plan.steps)} nor a step name of the plan")

    # --- dry run and summary -----------------------------------------------------------------------

    def dry_run(self) -> Result:
        """Every call the run would make, with its parameters; no AWS call, no journal, no lock."""
        done = self.journal.steps_done() if self.journal else 0
        target = self.target_step()
        lock_call = "cloudfront-keyvaluestore put_key (lock key)" if self.plan.strategy == "cloudfront" else "apigatewayv2 tag_resource (lock tag on the custom domain)"
        self.emit({"event": "dry-run", "message": f"would take the lock: {lock_call}"})
        for index in range(done, target + 1):
            step = self.plan.steps[index]
            for number, call in enumerate(step.calls):
                self.emit({"event": "dry-run", "step": index, "step_name": step.name, "phase": "forward", "index": number, "call": _call_dict(call)})
            gates = step.effective_gates(self.plan)
            self.emit({"event": "dry-run", "step": index, "step_name": step.name, "message":
                       f"then read the state back (expect {json.dumps(step.verify, sort_keys=True)}), bake {step.bake} s with "
                       f"cloudwatch get_metric_data for both APIs every {self.options.interval:g} s over {gates.window} s windows"})
            for number, call in enumerate(step.rollback):
                self.emit({"event": "dry-run", "step": index, "step_name": step.name, "phase": "rollback", "index": number, "call": _call_dict(call)})
        return Result(OK, f"dry run: steps {done + 1} to {target + 1} of {len(self.plan.steps)}; nothing was changed")

    def summary(self, result: Result) -> dict[str, Any]:
        assert self.journal is not None
        return {
            "code": result.code,
            "steps_done": self.journal.steps_done(),
            "steps": len(self.plan.steps),
            "share": self.journal.share(),
            "changed": self.changed,
            # where the domain stands: the last state read back (after a step or a rollback)
            "state": next((r["read_back"] for r in reversed(self.journal.records) if "read_back" in r), None),
            "journal": str(self.journal.path),
        }

    def _mode(self) -> str:
        o = self.options
        return "rollback" if o.rollback else "resume" if o.resume else "run"


def _strategy(name: str) -> Any:
    from apigw_migrate.cutover import strategies

    return strategies.module(name)


def _replace(value: Any, resolve: Callable[[dict], Any]) -> Any:
    if isinstance(value, dict):
        if isinstance(value.get("lookup"), str):
            return resolve(value)
        return {k: _replace(v, resolve) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, resolve) for v in value]
    return value


def _call_dict(call: Call) -> dict[str, Any]:
    return redact(call.to_dict())


def _brief(params: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items() if not isinstance(v, (dict, list)))


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


def cli_command(call: Call, region: str) -> str:
    """The AWS CLI spelling of a call, for a person finishing a rollback by hand."""
    import re

    def dashed(name: str) -> str:
        return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).lower().replace("_", "-")

    parts = ["aws", call.service, dashed(call.operation), "--region", region]
    for name, value in call.params.items():
        if isinstance(value, dict) and value.get("lookup") == "mapping_id":
            value = f"<id of mapping {value.get('key') or '(root)'!r}: aws apigatewayv2 get-api-mappings --domain-name ...>"
        elif isinstance(value, dict) and value.get("lookup") == "kvs_etag":
            value = "<ETag from aws cloudfront-keyvaluestore describe-key-value-store>"
        text = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
        parts.append(f"--{dashed(name)} '{text}'")
    return " ".join(parts)

