"""Plan ⇄ commented YAML (ruamel.yaml round trip), checked against schemas/plan.schema.json.

`load` reports every problem of a hand-edited plan at once, one `file:line:column: what is wrong`
line each, and is the same check `run` makes before its first call: the JSON Schema, then what a
schema cannot say (shares that go down, unknown lookups, AWS operations and parameters that botocore's
service model refuses, a verify block that is not the strategy's state shape).
"""

from __future__ import annotations

import copy
import io
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from apigw_migrate.cutover.model import LOOKUPS, PLAN_VERSION, Plan, lookups
from apigw_migrate.errors import InputError

SCHEMA_FILE = "schemas/plan.schema.json"


class PlanFileError(InputError):
    """A plan that cannot be used; `problems` holds one located InputError per problem."""

    def __init__(self, problems: list[InputError]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(first.reason, first.path, first.line, first.column)
        # One line per problem; the CLI prefixes the first with "error: ".
        self.message = "\n".join(p.message for p in problems)


@dataclass
class Loaded:
    plan: Plan
    document: Any  # the ruamel CommentedMap, comments included, for edits that keep them


@lru_cache(maxsize=1)
def schema() -> dict:
    import json

    return json.loads(resources.files("apigw_migrate").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 120
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    # "parity: null" reads better than "parity:" for a field a user may fill in
    yaml.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


# --- reading -------------------------------------------------------------------------------------------


def load(path: str | Path) -> Loaded:
    """Read and check a plan file; raise PlanFileError listing every problem, located."""
    path = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read the plan: {e.strerror or e}", path) from None
    return loads(text, path)


def loads(text: str, path: str = "<plan>") -> Loaded:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        document = _yaml().load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise InputError(f"not valid YAML: {e.problem or e.context}", path, *_mark(mark)) from None
    except YAMLError as e:
        raise InputError(f"not valid YAML: {e}", path) from None
    if not isinstance(document, dict):
        raise InputError("a plan is a YAML mapping with plan_version, strategy, domain, … (see docs/plan.md)", path, 1, 1)
    problems = [_located(path, document, where, message) for where, message in problems_in(document)]
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    if problems:
        raise PlanFileError(problems)
    return Loaded(Plan.from_dict(_plain(document)), document)


def _mark(mark: Any) -> tuple[int | None, int | None]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


def problems_in(document: dict) -> list[tuple[list, str]]:
    """(path into the document, message) for each problem; empty when the plan can run."""
    version = document.get("plan_version")
    if version != PLAN_VERSION:
        return [(["plan_version"], f"plan_version {version!r} is not supported: this apigw-migrate reads plan_version {PLAN_VERSION}; plan again")]
    import jsonschema

    out: list[tuple[list, str]] = []
    root = schema()
    validator = jsonschema.Draft202012Validator(root)
    for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        out.extend(_schema_problem(error, root))
    if out:  # the semantic checks below assume the shape is right
        return out
    return _semantic_problems(_plain(document))


def _schema_problem(error: Any, root: dict) -> list[tuple[list, str]]:
    """Our own wording for the schema's complaints, so the message names the field and what it must be."""
    where = list(error.absolute_path)
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        extra = [k for k in instance if k not in allowed]
        return [([*where, ("key", k)], f"unknown field {k!r} (allowed here: {', '.join(allowed)})") for k in extra]
    if kind == "required":
        missing = [k for k in value if k not in instance]
        return [(where, f"missing required field {k!r}") for k in missing]
    name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where).lstrip(".") or "the plan"
    if kind == "enum":
        return [(where, f"{name} is {instance!r}; it must be one of {', '.join(map(str, value))}")]
    if kind == "const":
        return [(where, f"{name} must be {value!r}, not {instance!r}")]
    if kind == "type":
        return [(where, f"{name} must be {_a(value)}, not {_a(type(instance).__name__)}")]
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than", "exclusiveMaximum": "less than"}
        return [(where, f"{name} is {instance!r}; it must be {words[kind]} {value}")]
    if kind == "minItems":
        return [(where, f"{name} needs at least {value} item{'s' if value != 1 else ''}")]
    if kind == "minLength":
        return [(where, f"{name} must not be empty")]
    if kind == "pattern":
        return [(where, f"{name} {instance!r} does not match {value}")]
    if kind == "oneOf" and where and where[-1] == "parity":
        return [(where, "parity is null or a mapping with requests (a file of sample requests), compare_headers and ignore")]
    return [(where, f"{name}: {error.message}")]


def _a(kind: Any) -> str:
    names = {"object": "a mapping", "dict": "a mapping", "array": "a list", "list": "a list", "string": "a string",
             "str": "a string", "number": "a number", "integer": "a whole number", "int": "a whole number",
             "float": "a number", "boolean": "true or false", "bool": "true or false", "null": "null",
             "NoneType": "null", "CommentedMap": "a mapping", "CommentedSeq": "a list"}
    if isinstance(kind, list):
        return " or ".join(names.get(k, k) for k in kind)
    return names.get(kind, str(kind))


def _semantic_problems(doc: dict) -> list[tuple[list, str]]:
    from apigw_migrate.cutover import strategies

    out: list[tuple[list, str]] = []
    strategy = strategies.module(doc["strategy"])
    out.extend((["baseline", *p], m) for p, m in strategy.state_problems(doc["baseline"]))
    names: dict[str, int] = {}
    previous = 0.0
    for i, step in enumerate(doc["steps"]):
        at = ["steps", i]
        if step["name"] in names:
            out.append(([*at, "name"], f"step name {step['name']!r} is also step {names[step['name']] + 1}'s: names identify steps in the journal"))
        names.setdefault(step["name"], i)
        if step["share"] < previous:
            out.append(([*at, "share"], f"share {step['share']} is lower than the previous step's {previous}: steps only move traffic towards HTTP (rollback goes back)"))
        previous = max(previous, step["share"])
        if step["calls"] and not step["rollback"]:
            out.append(([*at, "rollback"], "a step that makes calls needs rollback calls back to the baseline"))
        out.extend(([*at, "verify", *p], m) for p, m in strategy.state_problems(step["verify"]))
        for kind in ("calls", "rollback"):
            for j, call in enumerate(step[kind]):
                out.extend(([*at, kind, j, *p], m) for p, m in call_problems(call))
    return out


def call_problems(call: dict) -> list[tuple[list, str]]:
    """What botocore's service model says is wrong with one call (lookups stand in as strings)."""
    out: list[tuple[list, str]] = []
    for item in lookups(call["params"]):
        kind = item["lookup"]
        if kind not in LOOKUPS:
            out.append((["params"], f"unknown lookup {kind!r}: use one of {', '.join(LOOKUPS)}"))
        elif kind == "mapping_id" and not isinstance(item.get("key"), str):
            out.append((["params"], "lookup mapping_id needs key: the mapping key (\"\" for the root mapping)"))
        elif kind == "stack_output" and not (isinstance(item.get("stack"), str) and isinstance(item.get("output"), str)):
            out.append((["params"], "lookup stack_output needs stack and output names"))
    if out:
        return out
    model = _service_model(call["service"])
    if model is None:
        return [(["service"], f"unknown AWS service {call['service']!r} (a boto3 client name, e.g. apigatewayv2)")]
    operation = _operation_name(model, call["operation"])
    if operation is None:
        return [(["operation"], f"{call['service']} has no operation {call['operation']!r}")]
    from botocore.validate import ParamValidator

    report = ParamValidator().validate(_placeholders(call["params"]), model.operation_model(operation).input_shape)
    if report.has_errors():
        # botocore's report is one multi-line text; keep each complaint as its own problem
        for line in report.generate_report().splitlines():
            line = line.strip()
            if line and not line.startswith("Parameter validation failed"):
                out.append((["params"], f"{call['service']} {call['operation']}: {line}"))
    return out


@lru_cache(maxsize=None)
def _service_model(service: str) -> Any:
    import botocore.session
    from botocore.exceptions import UnknownServiceError

    try:
        return botocore.session.get_session().get_service_model(service)
    except UnknownServiceError:
        return None


def _operation_name(model: Any, snake: str) -> str | None:
    from botocore import xform_name

    return next((name for name in model.operation_names if xform_name(name) == snake), None)


def _placeholders(value: Any) -> Any:
    if isinstance(value, dict):
        if isinstance(value.get("lookup"), str):
            return "looked-up-at-run-time"
        return {k: _placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """ruamel's commented containers and scalars as plain dicts, lists, str, int, float and bool."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _located(path: str, document: Any, where: list, message: str) -> InputError:
    line, column = _position(document, where)
    return InputError(message, path, line, column)


def _position(document: Any, where: list) -> tuple[int | None, int | None]:
    """1-based line and column of the value at `where` (a ("key", k) last item: of the key itself).

    The nearest ancestor with a position wins, so a missing field points at the mapping that lacks it.
    """
    node, pos = document, _own_position(document)
    for part in where:
        if isinstance(part, tuple) and part[0] == "key":
            return _lc(node, "key", part[1]) or pos
        try:
            child_pos = _lc(node, "value", part)
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return pos
        pos = child_pos or _own_position(node) or pos
    return pos


def _own_position(node: Any) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None
    return lc.line + 1, lc.col + 1


def _lc(node: Any, what: str, key: Any) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        line, col = lc.key(key) if what == "key" else (lc.item(key) if isinstance(key, int) else lc.value(key))
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return line + 1, col + 1


# --- writing -------------------------------------------------------------------------------------------


def to_document(plan: Plan, header: str = "") -> Any:
    """The plan as a ruamel CommentedMap with a header comment and a comment above each step."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            out = CommentedMap()
            for k, v in value.items():
                out[k] = convert(v)
            return out
        if isinstance(value, list):
            return CommentedSeq([convert(v) for v in value])
        return value

    document = convert(copy.deepcopy(plan.to_dict()))
    if header:
        document.yaml_set_start_comment(header)
    import textwrap

    for i, text in enumerate(s.comment for s in plan.steps):
        if text:
            document["steps"].yaml_set_comment_before_after_key(i, before="\n".join(textwrap.wrap(text, 100, break_on_hyphens=False)), indent=2)
    return document


def dumps(document: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(document, stream)
    return stream.getvalue()


def save(document: Any, path: str | Path) -> None:
    """Write atomically (temp file, fsync, rename), so a reader never sees half a plan."""
    text = dumps(document)
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=str(target.parent or "."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write the plan: {e.strerror or e}", str(path)) from None


def write(plan: Plan, path: str | Path, header: str = "") -> None:
    save(to_document(plan, header), path)


__all__ = ["Loaded", "PlanFileError", "dumps", "load", "loads", "problems_in", "save", "schema", "to_document", "write"]
