"""The run journal: an append-only record of every AWS call, read-back, gate verdict and step, kept
beside the plan (`<plan>.journal.json`) and rewritten atomically (temporary file, fsync, rename)
before and after every AWS call, so a crash at any point leaves a whole file that says where the
domain stands. Its shape is in docs/run.md; records are only appended, never edited.

`reconcile` compares what the journal says with what AWS shows (the strategy's `read_state`) and
works out where a run stands: which steps are done, and how many calls of the next step already
took effect, so a resumed run neither repeats nor skips a call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from apigw_migrate.cutover import effects
from apigw_migrate.errors import InputError

JOURNAL_VERSION = 1
EVENTS = ("call", "verify", "gate", "step", "rollback", "lock", "run")
STATUSES = ("started", "done", "failed", "pass", "fail", "insufficient")
REDACTED = "<redacted>"
# Header and field names whose values never reach a file or stream: credentials, API keys, cookies.
SECRET_NAMES = re.compile(
    r"^(authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|cookie|set-cookie|x-amz-security-token|"
    r"secret.*|.*secret|.*password.*|session[-_]?token|access[-_]?token|id[-_]?token|refresh[-_]?token|"
    r"aws_access_key_id|aws_secret_access_key|certificate_?private_?key|private[-_]?key)$",
    re.IGNORECASE,
)


def redact(value: Any) -> Any:
    """`value` with every secret-named field's value replaced (names kept), at any depth.

    >>> redact({"headers": {"Authorization": "Bearer x", "Accept": "*/*"}, "SessionToken": "t"})
    {'headers': {'Authorization': '<redacted>', 'Accept': '*/*'}, 'SessionToken': '<redacted>'}
    """
    if isinstance(value, dict):
        return {
            k: REDACTED if SECRET_NAMES.match(str(k)) and isinstance(v, (str, int, float)) else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def plan_digest(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def default_path(plan_path: str | Path) -> Path:
    return Path(f"{plan_path}.journal.json")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Journal:
    path: Path
    data: dict[str, Any]
    now: Callable[[], dt.datetime] = utc_now
    listeners: list[Callable[[dict], None]] = field(default_factory=list)

    @property
    def records(self) -> list[dict[str, Any]]:
        return self.data["records"]

    @classmethod
    def create(cls, path: Path, plan_path: str, plan_sha256: str, strategy: str, domain: str, now: Callable[[], dt.datetime] = utc_now) -> "Journal":
        data = {
            "journal_version": JOURNAL_VERSION,
            "plan": str(plan_path),
            "plan_sha256": plan_sha256,
            "strategy": strategy,
            "domain": domain,
            "records": [],
        }
        journal = cls(Path(path), data, now)
        journal.write()
        return journal

    @classmethod
    def load(cls, path: Path, plan_sha256: str | None = None, now: Callable[[], dt.datetime] = utc_now) -> "Journal":
        """Read and check a journal; any damage (hand edits, truncation, another plan) is one located InputError."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise InputError(f"cannot read the journal: {e.strerror or e}", str(path)) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(f"the journal is not valid JSON ({e.msg}): it was truncated or edited; "
                             "restore it, or move it away and check the domain with `apigw-migrate status`", str(path), e.lineno, e.colno) from None
        problem = _problem(data)
        if problem:
            raise InputError(f"the journal is damaged: {problem}; journals are written by run only", str(path), *_locate(text, problem))
        if plan_sha256 and data["plan_sha256"] != plan_sha256:
            raise InputError(
                "the journal was written for another version of the plan (its sha256 differs): "
                "a plan must not change during a run; restore the plan, or finish with --rollback using the old plan",
                str(path),
            )
        return cls(path, data, now)

    def append(self, event: str, status: str, step: int | None = None, **fields: Any) -> dict[str, Any]:
        """Add one record and write the whole journal atomically before returning."""
        assert event in EVENTS and status in STATUSES, (event, status)
        record: dict[str, Any] = {"seq": len(self.records) + 1, "time": iso(self.now()), "step": step, "event": event, "status": status}
        record.update(redact({k: v for k, v in fields.items() if v is not None}))
        self.records.append(record)
        try:
            self.write()
        except OSError as e:
            self.records.pop()  # memory stays what the disk holds; no AWS call follows an unwritten record
            raise InputError(f"cannot write the journal: {e.strerror or e}", str(self.path)) from None
        for listener in self.listeners:
            listener(record)
        return record

    def write(self) -> None:
        """Temporary file in the same folder, fsync, rename over the journal, fsync the folder."""
        folder = self.path.parent if str(self.path.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self.data, f, indent=1, sort_keys=False)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        try:
            dir_fd = os.open(folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    # --- what the records say ---------------------------------------------------------------------

    def last(self, event: str | None = None, status: str | None = None) -> dict[str, Any] | None:
        for record in reversed(self.records):
            if (event is None or record["event"] == event) and (status is None or record["status"] == status):
                return record
        return None

    def run_open(self) -> bool:
        """Whether the last run started and never recorded its end (it crashed or was killed)."""
        run = self.last("run")
        return run is not None and run["status"] == "started"

    def steps_done(self) -> int:
        """How many steps are done and not since rolled back (steps run in order, so a count says which)."""
        done = 0
        for record in self.records:
            if record["event"] == "step" and record["status"] == "done":
                done = record["step"] + 1
            elif record["event"] == "rollback" and record["status"] == "done":
                done = 0
        return done

    def rollback_open(self) -> bool:
        started = self.last("rollback", "started")
        if started is None:
            return False
        return not any(r["event"] == "rollback" and r["status"] in ("done", "failed") and r["seq"] > started["seq"] for r in self.records)

    def share(self) -> float:
        for record in reversed(self.records):
            if "share" in record:
                return float(record["share"])
        return 0.0

    def last_gates(self) -> list[dict[str, Any]]:
        gate = self.last("gate")
        return list(gate.get("gates") or []) if gate else []


def _problem(data: Any) -> str:
    """What is wrong with a journal's shape, or ''."""
    if not isinstance(data, dict):
        return "it is not a JSON object"
    if data.get("journal_version") != JOURNAL_VERSION:
        return f"journal_version {data.get('journal_version')!r} is not {JOURNAL_VERSION}"
    for name in ("plan", "plan_sha256", "strategy", "domain"):
        if not isinstance(data.get(name), str):
            return f"field {name!r} is missing or not text"
    records = data.get("records")
    if not isinstance(records, list):
        return "field 'records' is missing or not a list"
    for i, record in enumerate(records, 1):
        if not isinstance(record, dict):
            return f"record {i} is not an object"
        if record.get("seq") != i:
            return f"record {i} has seq {record.get('seq')!r}: records are numbered 1, 2, 3… in order"
        if record.get("event") not in EVENTS:
            return f"record {i} has event {record.get('event')!r}, not one of {', '.join(EVENTS)}"
        if record.get("status") not in STATUSES:
            return f"record {i} has status {record.get('status')!r}, not one of {', '.join(STATUSES)}"
        step = record.get("step")
        if step is not None and (not isinstance(step, int) or isinstance(step, bool) or step < 0):
            return f"record {i} has step {step!r}: a step is a number from 0"
        if record["event"] == "call" and not (isinstance(record.get("call"), dict) and isinstance(record.get("index"), int) and isinstance(record.get("phase"), str)):
            return f"record {i} is a call without its call, index and phase"
    return ""


def _locate(text: str, problem: str) -> tuple[int | None, int | None]:
    """The line of the record a problem names (by its seq), for the editor; None when it names none."""
    found = re.match(r"record (\d+)", problem)
    if not found:
        return (1, 1)
    seq = int(found.group(1))
    for n, line in enumerate(text.splitlines(), 1):
        if re.search(rf'"seq":\s*{seq}\b', line):
            return (n, line.index('"seq"') + 1)
    return (None, None)


# --- reconcile -------------------------------------------------------------------------------------


@dataclass
class Position:
    """Where a run stands: `steps_done` whole steps, then `calls_done` calls of the next step."""

    steps_done: int
    calls_done: int = 0
    note: str = ""


class DriftError(InputError):
    """The domain is in a state neither the journal nor the plan explains."""


def reconcile(journal: Journal | None, plan: Any, live: dict[str, Any], ids: dict[str, str] | None = None) -> Position:
    """Where the run stands, from the journal checked against the live state.

    The journal names the last step done; the live state must be that step's `verify` (or the
    plan's baseline), or that state with the first N calls of the next step applied (a crash between
    a call and its journal record). Anything else is drift: someone changed the domain.
    """
    done = journal.steps_done() if journal else 0
    before = plan.baseline if done == 0 else plan.steps[done - 1].verify
    if done < len(plan.steps):
        step = plan.steps[done]
        states = effects.trail(plan.strategy, before, step.calls)
        # the most progress that explains the live state: a call that changed nothing need not run again
        for n in range(len(states) - 1, -1, -1):
            if effects.same(plan.strategy, states[n], live):
                note = f"{n} of {len(step.calls)} calls of step {done + 1} had taken effect" if n else ""
                return Position(done, n, note)
    elif effects.same(plan.strategy, before, live):
        return Position(done)
    where = f"{plan.steps[done - 1].name!r} (step {done})" if done else "the baseline the plan was made against"
    raise DriftError(
        f"the domain {plan.domain.name} no longer matches {where}: {effects.describe_difference(plan.strategy, before, live)}; "
        "find who changed it, then plan again (or put it back)"
    )
