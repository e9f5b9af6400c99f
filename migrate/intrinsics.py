"""Evaluate the CloudFormation intrinsics of a template that can be known before deployment.

A REST API inside a SAM or CloudFormation template carries intrinsics where OpenAPI wants plain
values: `!Sub` in `info.title` and integration URIs, `!If` around a path or an operation, `!Ref` to a
parameter. An HTTP API OpenAPI document cannot hold any of them, so `convert --format openapi` needs
them evaluated. What can be known without a deployed stack is:

- `Ref` to a template parameter: the value given with ``--parameter NAME=VALUE``, else its ``Default``;
- `Ref` to a pseudo parameter: ``AWS::Region``, ``AWS::Partition`` and ``AWS::URLSuffix`` from
  ``--region`` (the partition and suffix follow from the Region), any of them (and
  ``AWS::AccountId``, ``AWS::StackName`` …) from ``--parameter AWS::AccountId=…``;
  ``AWS::NoValue`` removes the key or item that holds it;
- `Fn::Sub` (string and list forms), `Fn::Join`, `Fn::Select`, `Fn::FindInMap` (the template's
  Mappings) over such values;
- `Fn::If` on conditions built from `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or` and `Condition`.

A `Ref` to a resource and an attribute (`Fn::GetAtt`, `${Fn.Arn}`) are only known once the stack
exists: a user who has it deployed may give them too (``--parameter MyFunction.Arn=arn:…``). Anything
else (`Fn::ImportValue` …) stays an intrinsic, with whatever inside it could be evaluated;
`unresolved` lists where intrinsics remain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from apigw_migrate import pointer as jp
from apigw_migrate.errors import UsageError
from apigw_migrate.openapi import is_intrinsic

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.positions import PositionIndex

PSEUDO_PARAMETERS = (
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
)
NO_VALUE = "AWS::NoValue"
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LIST_TYPES = ("CommaDelimitedList", "List<")


class _NoValue:
    """What `Ref AWS::NoValue` evaluates to: the holder drops the key or item."""

    def __repr__(self) -> str:
        return "NoValue"


REMOVED = _NoValue()


@dataclass
class Environment:
    """What the intrinsics of one template are evaluated against.

    - `values`: `Ref` name → value (parameters given or defaulted, pseudo parameters known).
    - `conditions`: the template's `Conditions` (name → condition expression).
    - `mappings`: the template's `Mappings`.
    - `defaulted`: parameter names whose value is the template's `Default` (not given).
    """

    values: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    defaulted: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.values or self.conditions or self.mappings)


@dataclass(frozen=True)
class Given:
    """What the user said about a template's values: ``--parameter`` pairs, ``--region``, and whether
    parameters not given take their ``Default`` (they do for a plain OpenAPI document, which has to hold
    values; a template written out keeps its parameters instead)."""

    parameters: Mapping[str, str] = field(default_factory=dict)
    region: str | None = None
    use_defaults: bool = True


def evaluate(document: Any, positions: "PositionIndex", given: Given) -> tuple[Any, tuple[str, ...]]:
    """(`document` with what `given` makes known evaluated, the parameters that took their Default).

    `positions` learns where moved subtrees stand in the file. A document with nothing to evaluate
    against is returned as it is.
    """
    env = environment(document, given.parameters, given.region, given.use_defaults)
    if env.empty:
        return document, ()
    moved: list[tuple[str, str]] = []
    resolved = resolve(document, env, "", moved)
    positions.add_moves(moved)
    return resolved, env.defaulted


def parse_assignments(values: list[str], flag: str = "--parameter") -> dict[str, str]:
    """``["Stage=prod", "A=1,B=2"]`` style option values → {name: value}; UsageError when malformed.

    Like ``sam deploy --parameter-overrides``, one option may carry several space-separated pairs.

    >>> parse_assignments(["Stage=prod", "AWS::Region=eu-west-1 Env=a=b"])
    {'Stage': 'prod', 'AWS::Region': 'eu-west-1', 'Env': 'a=b'}
    """
    out: dict[str, str] = {}
    for raw in values:
        for pair in raw.split():
            name, sep, value = pair.partition("=")
            if not sep or not name:
                raise UsageError(f"{flag} {pair!r}: expected NAME=VALUE")
            out[name] = value
    return out


def partition_of(region: str) -> tuple[str, str]:
    """(partition, URL suffix) of a Region.

    >>> partition_of("eu-west-1"), partition_of("cn-north-1"), partition_of("us-gov-west-1")
    (('aws', 'amazonaws.com'), ('aws-cn', 'amazonaws.com.cn'), ('aws-us-gov', 'amazonaws.com'))
    """
    if region.startswith("cn-"):
        return "aws-cn", "amazonaws.com.cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov", "amazonaws.com"
    return "aws", "amazonaws.com"


def environment(
    template: Any,
    given: Mapping[str, str] | None = None,
    region: str | None = None,
    use_defaults: bool = True,
    strict: bool = True,
) -> Environment:
    """The Environment of `template` (a template's top level, or any other document) with the values given.

    With `strict`, a name given that is neither a parameter, a resource nor a pseudo parameter of the
    template, nor a name its intrinsics use, is refused, as CloudFormation does; a document that is not a
    template accepts any name (its `Fn::Sub`s may name anything).

    >>> t = {"Parameters": {"Stage": {"Type": "String", "Default": "prod"}, "Ids": {"Type": "CommaDelimitedList"}},
    ...      "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}}, "Resources": {}}
    >>> env = environment(t, {"Ids": "a,b"}, region="eu-west-1")
    >>> env.values["Stage"], env.values["Ids"], env.values["AWS::Partition"], env.defaulted
    ('prod', ['a', 'b'], 'aws', ('Stage',))
    """
    given = dict(given or {})
    is_template = isinstance(template, dict) and isinstance(template.get("Resources"), dict)
    parameters = template.get("Parameters") if is_template and isinstance(template.get("Parameters"), dict) else {}
    values: dict[str, Any] = {}
    defaulted: list[str] = []
    resources = template["Resources"] if is_template else {}
    if is_template and strict:
        unknown = sorted(n for n in given if n not in parameters and n not in PSEUDO_PARAMETERS and n.split(".")[0] not in resources)
        if unknown:
            # A name the template uses without defining it (a resource of another stack) may be given too.
            used = names_needed(template)
            unknown = [n for n in unknown if n not in used[0] and n not in used[1]]
        if unknown:
            known = ", ".join(sorted(parameters)) or "none"
            raise UsageError(
                f"--parameter {unknown[0]}: the template has no such parameter, resource or pseudo parameter "
                f"(its parameters: {known})"
            )
    for name, spec in parameters.items():
        spec = spec if isinstance(spec, dict) else {}
        if name in given:
            value: Any = given[name]
        elif use_defaults and "Default" in spec:
            value = spec["Default"]
            defaulted.append(name)
        else:
            continue
        if str(spec.get("Type", "")).startswith(_LIST_TYPES) and isinstance(value, str):
            value = [v.strip() for v in value.split(",")] if value else []
        values[name] = value
    if region:
        partition, suffix = partition_of(region)
        values.update({"AWS::Region": region, "AWS::Partition": partition, "AWS::URLSuffix": suffix})
    for name, value in given.items():
        # A resource's physical id (`Ref`) or attribute (`Fn::GetAtt`, `${Res.Attr}`) of a deployed stack.
        if name in PSEUDO_PARAMETERS or name not in parameters:
            values[name] = value
    conditions = template.get("Conditions") if is_template and isinstance(template.get("Conditions"), dict) else {}
    mappings = template.get("Mappings") if is_template and isinstance(template.get("Mappings"), dict) else {}
    return Environment(values=values, conditions=conditions, mappings=mappings, defaulted=tuple(defaulted))


def resolve(value: Any, env: Environment, pointer: str = "", moved: list[tuple[str, str]] | None = None) -> Any:
    """`value` with every intrinsic `env` can evaluate replaced by its value (a new object; `value` is not changed),
    or `REMOVED` when `value` itself comes to `AWS::NoValue`.

    `moved` collects (new pointer, old pointer) for subtrees an `Fn::If` lifted out of a branch, so that
    positions in the file can still be found for them.

    >>> env = environment({"Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
    ...   "Conditions": {"Prod": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}}, "Resources": {}}, region="eu-west-1")
    >>> resolve({"title": {"Fn::Sub": "api-${Stage}"}, "x": {"Fn::If": ["Prod", 1, {"Ref": "AWS::NoValue"}]}}, env)
    {'title': 'api-dev'}
    >>> resolve({"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${Fn.Arn}"}, env)
    {'Fn::Sub': 'arn:aws:lambda:eu-west-1:${Fn.Arn}'}
    >>> resolve({"Fn::Join": ["/", ["a", {"Ref": "Stage"}]]}, env)
    'a/dev'
    """
    return _Resolver(env, moved).value(value, pointer)


class _Resolver:
    def __init__(self, env: Environment, moved: list[tuple[str, str]] | None):
        self.env = env
        self.moved = moved
        self.evaluating: set[str] = set()

    def value(self, v: Any, ptr: str, in_argument: bool = False) -> Any:
        """`v` evaluated; inside a function's argument (`in_argument`) `AWS::NoValue` stays written, since
        dropping it there (a `Fn::Sub` variable, a `Fn::Join` item) would change what the function means."""
        if isinstance(v, dict):
            if is_intrinsic(v):
                result = self.intrinsic(v, ptr)
                return {"Ref": NO_VALUE} if in_argument and result is REMOVED else result
            out = {}
            for k, item in v.items():
                r = self.value(item, jp.join(ptr, k), in_argument)
                if r is not REMOVED:
                    out[k] = r
            return out
        if isinstance(v, list):
            items = [self.value(item, jp.join(ptr, i), in_argument) for i, item in enumerate(v)]
            return [i for i in items if i is not REMOVED]
        return v

    def intrinsic(self, v: dict, ptr: str) -> Any:
        name, arg = next(iter(v.items()))
        inner = jp.join(ptr, name)
        if name == "Fn::If":
            return self.if_(v, arg, ptr, inner)
        if name == "Ref":
            if arg == NO_VALUE:
                return REMOVED
            if isinstance(arg, str) and arg in self.env.values:
                return self.env.values[arg]
            return v
        if name == "Fn::GetAtt":
            attribute = ".".join(str(a) for a in arg) if isinstance(arg, list) else arg
            return self.env.values.get(attribute, v) if isinstance(attribute, str) else v
        arg = self.value(arg, inner, in_argument=True)
        handler = {
            "Fn::Sub": self.sub,
            "Fn::Join": self.join,
            "Fn::Select": self.select,
            "Fn::FindInMap": self.find_in_map,
        }.get(name)
        result = handler(arg) if handler else None
        if result is None:
            return {name: arg}
        if name in ("Fn::Select", "Fn::FindInMap"):
            # A value picked out of an argument is a value again: a NoValue kept inside it drops now.
            return self.value(result, ptr)
        return result

    def if_(self, v: dict, arg: Any, ptr: str, inner: str) -> Any:
        if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
            return v
        decided = self.condition(arg[0])
        if decided is None:
            return {"Fn::If": [arg[0], self.value(arg[1], jp.join(inner, 1)), self.value(arg[2], jp.join(inner, 2))]}
        index = 1 if decided else 2
        if self.moved is not None:
            self.moved.append((ptr, jp.join(inner, index)))
        return self.value(arg[index], jp.join(inner, index))

    def condition(self, name: str) -> bool | None:
        """True/False when the named condition can be evaluated, None when it depends on the stack."""
        if name in self.evaluating or name not in self.env.conditions:
            return None
        self.evaluating.add(name)
        try:
            return self.expression(self.env.conditions[name])
        finally:
            self.evaluating.discard(name)

    def expression(self, expr: Any) -> bool | None:
        if isinstance(expr, bool):
            return expr
        if not is_intrinsic(expr):
            return None
        name, arg = next(iter(expr.items()))
        if name == "Condition":
            return self.condition(arg) if isinstance(arg, str) else None
        if not isinstance(arg, list):
            return None
        if name == "Fn::Equals" and len(arg) == 2:
            left, right = (self.value(a, "") for a in arg)
            if _plain(left) and _plain(right):
                return _text(left) == _text(right)
            return None
        parts = [self.expression(a) for a in arg]
        if name == "Fn::Not" and len(parts) == 1:
            return None if parts[0] is None else not parts[0]
        if name == "Fn::And":
            return False if False in parts else (None if None in parts else True)
        if name == "Fn::Or":
            return True if True in parts else (None if None in parts else False)
        return None

    def sub(self, arg: Any) -> Any:
        if isinstance(arg, str):
            text, local = arg, {}
        elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
            text, local = arg
        else:
            return None
        left: list[str] = []

        def replace(m: re.Match) -> str:
            name = m.group(1)
            if name.startswith("!"):
                return m.group(0)  # `${!Literal}` is written as `${Literal}`, once the whole string resolves
            value = local[name] if name in local else self.env.values.get(name)
            if not _plain(value):
                left.append(name)
                return m.group(0)
            return _text(value)

        out = _SUB_VARIABLE.sub(replace, text)
        if not left:
            return _SUB_VARIABLE.sub(lambda m: "${" + m.group(1)[1:] + "}" if m.group(1).startswith("!") else m.group(0), out)
        kept = {k: v for k, v in local.items() if k in left}
        return {"Fn::Sub": [out, kept] if kept else out}

    def join(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], list)):
            return None
        if not all(_plain(p) for p in arg[1]):
            return None
        return arg[0].join(_text(p) for p in arg[1])

    def select(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list)):
            return None
        try:
            index = int(arg[0])
        except (TypeError, ValueError):
            return None
        items = arg[1]
        return items[index] if 0 <= index < len(items) and not is_intrinsic(items[index]) else None

    def find_in_map(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 3 and all(isinstance(a, str) for a in arg)):
            return None
        table = self.env.mappings.get(arg[0])
        second = table.get(arg[1]) if isinstance(table, dict) else None
        return second.get(arg[2]) if isinstance(second, dict) else None


def _plain(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def unresolved(value: Any, pointer: str = "") -> Iterator[tuple[str, dict]]:
    """(pointer, intrinsic) for every intrinsic left in `value`, outermost only, in document order.

    >>> list(unresolved({"info": {"title": {"Ref": "AWS::StackName"}}, "paths": {}}))
    [('/info/title', {'Ref': 'AWS::StackName'})]
    """
    if isinstance(value, dict):
        if is_intrinsic(value):
            yield pointer, value
            return
        for k, v in value.items():
            yield from unresolved(v, jp.join(pointer, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from unresolved(v, jp.join(pointer, i))


def describe(intrinsic: dict) -> str:
    """A short spelling of an intrinsic for a message: ``!Sub '${Fn.Arn}/invocations'``, ``!GetAtt Role.Arn``.

    >>> describe({"Fn::GetAtt": ["Role", "Arn"]}), describe({"Ref": "Stage"})
    ('!GetAtt Role.Arn', '!Ref Stage')
    """
    name, arg = next(iter(intrinsic.items()))
    short = "!" + (name[4:] if name.startswith("Fn::") else name)
    if name == "Fn::GetAtt" and isinstance(arg, list):
        arg = ".".join(str(a) for a in arg)
    if isinstance(arg, str):
        text = arg if len(arg) <= 60 else arg[:24] + "…" + arg[-35:]
        return f"{short} {text!r}" if name == "Fn::Sub" else f"{short} {text}"
    if name == "Fn::Sub" and isinstance(arg, list) and arg and isinstance(arg[0], str):
        return describe({"Fn::Sub": arg[0]})
    return short


def names_needed(intrinsic: Any) -> tuple[list[str], list[str]]:
    """(parameter names a value could be given for, attributes known only once the stack exists) inside `intrinsic`.

    >>> names_needed({"Fn::Sub": "arn:${AWS::Region}:${Fn.Arn}:${Stage}:${!Lit}"})
    (['AWS::Region', 'Stage'], ['Fn.Arn'])
    >>> names_needed({"Fn::Join": ["", [{"Ref": "Api"}, {"Fn::GetAtt": ["Role", "Arn"]}]]})
    (['Api'], ['Role.Arn'])
    """
    names: list[str] = []
    attributes: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, list):
            for item in v:
                walk(item)
            return
        if not isinstance(v, dict):
            return
        if is_intrinsic(v):
            name, arg = next(iter(v.items()))
            if name == "Ref" and isinstance(arg, str):
                names.append(arg)
                return
            if name == "Fn::GetAtt":
                attributes.append(".".join(str(a) for a in arg) if isinstance(arg, list) else str(arg))
                return
            if name == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0] if isinstance(arg, list) and arg and isinstance(arg[0], str) else ""
                local = arg[1] if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict) else {}
                for var in _SUB_VARIABLE.findall(text):
                    if var.startswith("!") or var in local:
                        continue
                    (attributes if "." in var and not var.startswith("AWS::") else names).append(var)
                walk(list(local.values()))
                return
        walk(list(v.values()))

    walk(intrinsic)
    return list(dict.fromkeys(names)), list(dict.fromkeys(attributes))


def condition_parameters(template: Any, name: str) -> list[str]:
    """The parameters a template condition depends on, through the conditions it names.

    >>> condition_parameters({"Conditions": {"A": {"Fn::Equals": [{"Ref": "P"}, "x"]},
    ...   "B": {"Fn::Or": [{"Condition": "A"}, {"Fn::Equals": [{"Ref": "Q"}, "y"]}]}}}, "B")
    ['P', 'Q']
    """
    conditions = template.get("Conditions") if isinstance(template, dict) else None
    conditions = conditions if isinstance(conditions, dict) else {}
    found: list[str] = []
    seen: set[str] = set()

    def visit(condition: str) -> None:
        if condition in seen:
            return
        seen.add(condition)

        def walk(v: Any) -> None:
            if isinstance(v, list):
                for item in v:
                    walk(item)
            elif isinstance(v, dict):
                if list(v) == ["Condition"] and isinstance(v["Condition"], str):
                    visit(v["Condition"])
                elif list(v) == ["Ref"] and isinstance(v["Ref"], str):
                    found.append(v["Ref"])
                else:
                    walk(list(v.values()))

        walk(conditions.get(condition))

    visit(name)
    return list(dict.fromkeys(found))


def undecided_paths(src: "Source") -> list[tuple[str, list[str]]]:
    """(pointer into the API, the parameters it depends on) of each path item or operation an intrinsic stands for.

    A template's `Fn::If` around a path or an operation whose condition could not be decided: which routes
    exist is only known for one deployment, so nothing can judge or convert them.
    """
    from apigw_migrate.openapi import ANY_METHOD, HTTP_METHODS

    paths = src.api.get("paths") if isinstance(src.api.get("paths"), dict) else {}
    # Only the paths object, its path items and their operations can stand for routes: looking no deeper
    # keeps this off the cost of a large export's check.
    places: list[tuple[str, dict]] = []
    if is_intrinsic(paths):
        places.append(("/paths", paths))
    for path, item in () if places else paths.items():
        ptr = jp.join("/paths", path)
        if is_intrinsic(item):
            places.append((ptr, item))
            continue
        for method, op in item.items() if isinstance(item, dict) else ():
            if isinstance(method, str) and (method.lower() in HTTP_METHODS or method == ANY_METHOD) and is_intrinsic(op):
                places.append((jp.join(ptr, method), op))
    found = []
    for ptr, value in places:
        args = value.get("Fn::If")
        condition = args[0] if isinstance(args, list) and args and isinstance(args[0], str) else None
        found.append((ptr, condition_parameters(src.document, condition) if condition else names_needed(value)[0]))
    return found


@dataclass(frozen=True)
class Place:
    """An intrinsic an OpenAPI document cannot hold: where it was written and what it needs."""

    where: str  # file:line:column (or file alone)
    pointer: str  # into the source document
    text: str  # the intrinsic, shortly (`describe`)
    needs: str  # what would make it known


def unresolved_places(src: "Source", document: Any) -> list[Place]:
    """Every intrinsic left in `document` (converted from `src`), placed in `src`'s file, one per place.

    The converted document keeps the input's pointers for most nodes (paths, integrations, `info`); a
    node that moved (Swagger 2.0 security definitions, say) is found by its value instead.
    """
    import json

    by_value: dict[str, str] = {}
    for ptr, value in unresolved(src.api):
        by_value.setdefault(json.dumps(value, sort_keys=True), ptr)
    places: dict[tuple[str, str], Place] = {}
    for ptr, value in unresolved(document):
        key = json.dumps(value, sort_keys=True)
        same = jp.resolve(src.api, ptr, None) if ptr else None
        source_ptr = ptr if same == value else by_value.get(key, ptr)
        doc_ptr = src.api_pointer(source_ptr)
        if (doc_ptr, key) in places:
            continue
        position = src.locate(doc_ptr)
        where = f"{src.path}:{position[0]}:{position[1]}" if position else src.path
        names, attributes = names_needed(value)
        wanted = names + attributes
        needs = f"--parameter {'=… --parameter '.join(wanted)}=…" if wanted else "a value known only once the stack is deployed"
        places[doc_ptr, key] = Place(where, doc_ptr, describe(value), needs)
    return list(places.values())
