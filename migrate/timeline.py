"""A cutover run's journal → its timeline: the share of traffic on HTTP over time, gates, rollbacks.

The journal is the file `apigw-migrate run` writes beside its plan (shape fixed in docs/report.md,
"The run journal"): `{journal_version: 1, plan, plan_sha256, strategy, domain, records: [...]}`,
records appended in `seq` order. This module only reads it. A journal that breaks the shape is
refused with one line naming the place (`file:line:column: ...`), never half drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from apigw_migrate import pointer as jp
from apigw_migrate.errors import InputError
from apigw_migrate.positions import PositionIndex

JOURNAL_VERSION = 1
STRATEGIES = ("path", "cloudfront", "route53")
EVENTS = ("call", "verify", "gate", "step", "rollback", "lock", "run")
STATUSES = ("started", "done", "failed", "pass", "fail", "insufficient")
GATE_VERDICTS = ("pass", "fail", "insufficient")
# Events that concern a step and so must name it; lock and run records concern the whole run.
STEP_EVENTS = ("call", "verify", "gate", "step")


@dataclass(frozen=True)
class Gate:
    name: str
    value: float | None
    threshold: float | None
    verdict: str
    rest_value: float | None = None


@dataclass(frozen=True)
class GateCheck:
    time: datetime
    step: int
    status: str  # pass | fail | insufficient
    gates: tuple[Gate, ...]


@dataclass(frozen=True)
class Point:
    """The share of traffic on HTTP (percent) from `time` on."""

    time: datetime
    share: float
    label: str


@dataclass
class Step:
    index: int
    name: str
    share: float | None = None  # the share this step reached, once verified
    status: str = "started"  # started | done | failed | rolled back
    started: datetime | None = None
    finished: datetime | None = None
    checks: list[GateCheck] = field(default_factory=list)


@dataclass(frozen=True)
class Rollback:
    step: int | None
    started: datetime
    message: str
    finished: datetime | None
    status: str  # started | done | failed
    share: float | None  # the share after the rollback, when done


@dataclass
class Timeline:
    path: str
    plan: str
    strategy: str
    domain: str
    points: list[Point]
    steps: list[Step]
    rollbacks: list[Rollback]
    start: datetime
    end: datetime

    @property
    def final_share(self) -> float:
        return self.points[-1].share

    @property
    def outcome(self) -> str:
        """One sentence: how the run ended, as far as the journal tells."""
        done = [r for r in self.rollbacks if r.status == "done"]
        if done:
            r = done[-1]
            return f"rolled back at {stamp(r.finished or r.started)}: {r.message}".rstrip(": ")
        if any(r.status != "done" for r in self.rollbacks):
            return "a rollback started but the journal does not record it finished: check the domain's state with `apigw-migrate status`"
        if self.steps and self.steps[-1].status == "done" and self.final_share >= 100:
            return f"completed: 100% of traffic on HTTP at {stamp(self.steps[-1].finished or self.end)}"
        return f"in progress or stopped: {fmt_share(self.final_share)} of traffic on HTTP at {stamp(self.end)}"


def stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%SZ")


def fmt_share(share: float) -> str:
    return f"{share:g}%"


def read_timeline(path: str) -> Timeline:
    """Read and check a run journal; InputError (exit 2) with the place for anything malformed."""
    from apigw_migrate.load import parse, read_text

    parsed = parse(read_text(path), path)
    return build_timeline(parsed.document, path, parsed.positions)


class _Reader:
    """Checks one journal field by field, failing at the first bad place with its position."""

    def __init__(self, path: str, positions: PositionIndex | None) -> None:
        self.path, self.positions = path, positions

    def fail(self, pointer: str, message: str) -> InputError:
        where = self.positions.locate(pointer) if self.positions else None
        return InputError(f"not a run journal at {pointer or '/'}: {message}", self.path, *(where or ()))

    def field(self, obj: dict, ptr: str, key: str, types: tuple, required: bool = True) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                raise self.fail(ptr, f"missing {key!r}")
            return None
        value = obj[key]
        # bool is an int in Python; a journal's numbers are never true/false.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            names = " or ".join(_TYPE_NAMES[t] for t in types)
            raise self.fail(jp.join(ptr, key), f"{key!r} must be {names}")
        return value

    def choice(self, obj: dict, ptr: str, key: str, allowed: tuple[str, ...]) -> str:
        value = self.field(obj, ptr, key, (str,))
        if value not in allowed:
            raise self.fail(jp.join(ptr, key), f"{key!r} is {value!r}; expected one of {', '.join(allowed)}")
        return value

    def time(self, obj: dict, ptr: str) -> datetime:
        raw = self.field(obj, ptr, "time", (str,))
        try:
            t = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(jp.join(ptr, "time"), f"'time' {raw!r} is not an ISO 8601 time") from None
        if t.tzinfo is None:
            raise self.fail(jp.join(ptr, "time"), f"'time' {raw!r} has no time zone (write it in UTC, ending in Z)")
        return t.astimezone(timezone.utc)

    def share(self, obj: dict, ptr: str, required: bool = False) -> float | None:
        value = self.field(obj, ptr, "share", (int, float), required)
        if value is not None and not 0 <= value <= 100:
            raise self.fail(jp.join(ptr, "share"), f"'share' is {value}; a share of traffic is a percentage from 0 to 100")
        return None if value is None else float(value)


_TYPE_NAMES = {str: "a string", int: "a number", float: "a number", list: "a list", dict: "an object", bool: "true or false"}


def build_timeline(doc: Any, path: str, positions: PositionIndex | None = None) -> Timeline:
    r = _Reader(path, positions)
    if not isinstance(doc, dict):
        raise r.fail("", "expected an object with journal_version, plan, strategy, domain and records")
    version = r.field(doc, "", "journal_version", (int,))
    if version != JOURNAL_VERSION:
        raise r.fail("/journal_version", f"journal_version {version} is not supported (this version reads {JOURNAL_VERSION})")
    plan = r.field(doc, "", "plan", (str,))
    r.field(doc, "", "plan_sha256", (str,))
    strategy = r.choice(doc, "", "strategy", STRATEGIES)
    domain = r.field(doc, "", "domain", (str,))
    records = r.field(doc, "", "records", (list,))
    if not records:
        raise r.fail("/records", "the journal has no records: the run never started")

    steps: dict[int, Step] = {}
    rollbacks: list[Rollback] = []
    open_rollback: dict[str, Any] | None = None
    times: list[datetime] = []
    points: list[Point] = []
    last_seq = 0
    for i, rec in enumerate(records):
        ptr = f"/records/{i}"
        if not isinstance(rec, dict):
            raise r.fail(ptr, "each record must be an object")
        seq = r.field(rec, ptr, "seq", (int,))
        if seq <= last_seq:
            raise r.fail(jp.join(ptr, "seq"), f"seq {seq} does not follow {last_seq}: records are appended in order")
        last_seq = seq
        t = r.time(rec, ptr)
        if times and t < times[-1]:
            raise r.fail(jp.join(ptr, "time"), f"time {stamp(t)} is earlier than the record before it")
        times.append(t)
        event = r.choice(rec, ptr, "event", EVENTS)
        status = r.choice(rec, ptr, "status", STATUSES)
        index = r.field(rec, ptr, "step", (int,), required=event in STEP_EVENTS)
        if index is not None and index < 0:
            raise r.fail(jp.join(ptr, "step"), "'step' counts from 0")
        name = r.field(rec, ptr, "step_name", (str,), required=False)
        share = r.share(rec, ptr)
        message = r.field(rec, ptr, "message", (str,), required=False) or ""

        step = None
        if index is not None and event in STEP_EVENTS:
            step = steps.setdefault(index, Step(index, name or f"step {index + 1}", started=t))
            if name:
                step.name = name
        if event == "verify" and status == "pass" and share is not None and step is not None:
            step.share = share
            points.append(Point(t, share, f"{step.name}: verified"))
        elif event == "gate" and step is not None:
            if status not in GATE_VERDICTS:
                raise r.fail(jp.join(ptr, "status"), f"a gate record's status is pass, fail or insufficient, not {status!r}")
            step.checks.append(GateCheck(t, index, status, _gates(r, rec, ptr)))
        elif event == "step" and step is not None:
            if status in ("done", "failed"):
                step.status, step.finished = status, t
            if share is not None:
                step.share = share
                if not points or points[-1].share != share:
                    points.append(Point(t, share, f"{step.name}: done"))
        elif event == "rollback":
            if status == "started":
                open_rollback = {"step": index, "started": t, "message": message}
            else:
                begun = open_rollback or {"step": index, "started": t, "message": message}
                rollbacks.append(Rollback(begun["step"], begun["started"], begun["message"] or message, t, status, share))
                open_rollback = None
                if status == "done":
                    if begun["step"] in steps:
                        steps[begun["step"]].status = "rolled back"
                    # A finished rollback takes the domain back to the baseline planned against: no HTTP traffic.
                    after = 0.0 if share is None else share
                    points.append(Point(t, after, "rollback done"))
    if open_rollback is not None:
        rollbacks.append(Rollback(open_rollback["step"], open_rollback["started"], open_rollback["message"], None, "started", None))
    # Before the first step the domain is as planned against: every request on REST.
    points.insert(0, Point(times[0], 0.0, "start"))
    return Timeline(
        path=path,
        plan=plan,
        strategy=strategy,
        domain=domain,
        points=points,
        steps=[steps[k] for k in sorted(steps)],
        rollbacks=rollbacks,
        start=times[0],
        end=times[-1],
    )


def _gates(r: _Reader, rec: dict, ptr: str) -> tuple[Gate, ...]:
    raw = r.field(rec, ptr, "gates", (list,))
    out = []
    for j, g in enumerate(raw):
        gptr = f"{ptr}/gates/{j}"
        if not isinstance(g, dict):
            raise r.fail(gptr, "each gate must be an object")
        out.append(
            Gate(
                name=r.field(g, gptr, "name", (str,)),
                value=_number(r.field(g, gptr, "value", (int, float), required=False)),
                threshold=_number(r.field(g, gptr, "threshold", (int, float), required=False)),
                verdict=r.choice(g, gptr, "verdict", GATE_VERDICTS),
                rest_value=_number(r.field(g, gptr, "rest_value", (int, float), required=False)),
            )
        )
    return tuple(out)


def _number(value: int | float | None) -> float | None:
    return None if value is None else float(value)
