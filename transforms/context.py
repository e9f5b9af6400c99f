"""What every convert pass shares: the options, the input it came from, and what it reports besides the document.

A pass is ``def name(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]``. The document is the
HTTP-API-to-be (OpenAPI 3.0 once `normalize` ran); `ctx` carries the options, the input `Source` (None
when a pass runs on its own, as in the doctests), the routes the analysis blocked (with the findings that
block them), the blockers the user acknowledged, and the one-line notes that `convert --explain` prints.

Passes do not judge: the analysis (`checks.analyze`) made every finding. The only findings a pass returns
are AGW000, from `ctx.cannot()`, when it meets something it cannot rewrite on a route the analysis called
movable; they point into the input as the user wrote it (`ctx.pointer()` maps a pointer into the
document being converted back to the input, Swagger 2.0 places included).

Values may be CloudFormation intrinsics or Terraform placeholders; `map_text` edits the text inside a
plain string or an ``Fn::Sub`` and gives up (returns None) on anything it cannot see into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.findings import Finding, Severity
from apigw_migrate.openapi import ANY_METHOD, HTTP_METHODS, INTEGRATION, is_intrinsic, route_key

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.transforms import ConvertOptions, LambdaUse
    from apigw_migrate.transforms.http_rules import Violation

OPERATION_KEYS = HTTP_METHODS + (ANY_METHOD,)
ENDPOINT_CONFIGURATION = "x-amazon-apigateway-endpoint-configuration"
# What an operation without responses gets: OpenAPI requires at least one.
DEFAULT_RESPONSE = {"default": {"description": "Default response"}}


@dataclass
class Context:
    """State shared by the passes of one conversion (see the module docstring)."""

    options: "ConvertOptions" = None  # type: ignore[assignment]
    src: "Source | None" = None
    # The input API before any pass ran (the same object as src.api); lets a pass ask what a REST
    # integration was before an earlier pass rewrote it.
    input_api: dict | None = None
    # Pointer prefixes in the converted document → where the same thing sits in the input (Swagger 2.0).
    renames: dict[str, str] = field(default_factory=dict)
    blocked: dict[str, list[Finding]] = field(default_factory=dict)
    acknowledged: list[Finding] = field(default_factory=list)  # blockers set aside: their routes move without the feature
    notes: list[str] = field(default_factory=list)
    stage: dict = field(default_factory=dict)
    lambda_functions: list["LambdaUse"] = field(default_factory=list)
    violations: list["Violation"] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.options is None:
            from apigw_migrate.transforms import ConvertOptions

            self.options = ConvertOptions()
        if self.input_api is None and self.src is not None:
            self.input_api = self.src.api

    # -- locations ---------------------------------------------------------------------------

    def pointer(self, current: str) -> str:
        """Where `current` (a pointer into the converted document) was written in the input file."""
        for new, old in sorted(self.renames.items(), key=lambda kv: -len(kv[0])):
            if current == new or current.startswith(new + "/"):
                current = old + current[len(new) :]
                break
        if self.input_api is not None:
            for candidate in jp.ancestors(current):
                if jp.resolve(self.input_api, candidate, None) is not None:
                    current = candidate
                    break
        return self.src.api_pointer(current) if self.src is not None else current

    # -- reporting ---------------------------------------------------------------------------

    def cannot(self, route: str, pointer: str, what: str) -> Finding:
        """Block `route`: the pass cannot rewrite `what`, though the analysis found nothing that blocks it.

        That is a disagreement between a check rule and this pass (a bug): the AGW000 finding says so,
        and the route is left out rather than written wrong.
        """
        from apigw_migrate.checks import CRASH_RULE_ID, get_rule

        f = get_rule(CRASH_RULE_ID).finding(
            self.pointer(pointer),
            f"{route}: convert cannot rewrite {what}, yet the analysis found nothing blocking the route; the route was "
            "left out (this is a bug in apigw-migrate: please report it)",
            routes=[route],
            severity=Severity.BLOCKER,
        )
        self.block(route, f)
        return f

    def acknowledges(self, rule_id: str, route: str) -> bool:
        """Whether the user set aside a blocker of `rule_id` on `route` (or on the whole API): its loss is accepted."""
        return any(f.rule == rule_id and (not f.routes or route in f.routes) for f in self.acknowledged)

    def block(self, route: str, finding: Finding) -> None:
        """Record that `route` cannot move; the finding says why (cleanup leaves the route out)."""
        self.blocked.setdefault(route, []).append(finding)

    def note(self, text: str) -> None:
        self.notes.append(text)


# -- walking the document -----------------------------------------------------------------------


@dataclass(frozen=True)
class Op:
    """One operation of the document being converted."""

    path: str
    method: str  # as written: "get", "x-amazon-apigateway-any-method"
    op: dict

    @property
    def route(self) -> str:
        return route_key(self.method, self.path)

    @property
    def pointer(self) -> str:
        return jp.join("/paths", self.path, self.method)

    @property
    def integration(self) -> dict | None:
        integ = self.op.get(INTEGRATION)
        return integ if isinstance(integ, dict) else None

    @property
    def integration_pointer(self) -> str:
        return jp.join(self.pointer, INTEGRATION)


def operations(doc: dict) -> Iterator[Op]:
    """Every operation, in document order (a snapshot: passes may delete while iterating)."""
    paths = doc.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in list(paths.items()):
        if not isinstance(item, dict):
            continue
        for method, op in list(item.items()):
            if isinstance(method, str) and method.lower() in OPERATION_KEYS and isinstance(op, dict):
                yield Op(path, method, op)


def path_variables(path: str) -> list[str]:
    """The variable names of a route path, a greedy one without its '+'.

    >>> path_variables("/a/{id}/{proxy+}")
    ['id', 'proxy']
    """
    return re.findall(r"\{([^{}+]+)\+?\}", path)


def remove_operation(doc: dict, o: Op) -> None:
    """Delete one operation, and its path when no operation is left there."""
    item = doc["paths"][o.path]
    del item[o.method]
    if not any(isinstance(k, str) and k.lower() in OPERATION_KEYS for k in item):
        del doc["paths"][o.path]


def integration_type(integ: dict | None) -> str:
    """Lower-case integration type, '' when absent."""
    if not isinstance(integ, dict):
        return ""
    t = integ.get("type")
    return t.lower() if isinstance(t, str) else ""


# -- intrinsic-aware values ---------------------------------------------------------------------


def text_of(value: Any) -> str | None:
    """The text to look at: a plain string, or the template string of an ``Fn::Sub``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        if isinstance(sub, str):
            return sub
        if isinstance(sub, list) and sub and isinstance(sub[0], str):
            return sub[0]
    return None


def joined_as_sub(value: Any) -> Any:
    """An ``Fn::Join`` with an empty delimiter, as the ``Fn::Sub`` it is equivalent to (else unchanged).

    >>> joined_as_sub({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":x/", {"Fn::GetAtt": ["Fn", "Arn"]}]]})
    {'Fn::Sub': 'arn:${AWS::Partition}:x/${Fn.Arn}'}
    """
    if not (isinstance(value, dict) and len(value) == 1 and "Fn::Join" in value):
        return value
    args = value["Fn::Join"]
    if not (isinstance(args, list) and len(args) == 2 and args[0] == "" and isinstance(args[1], list)):
        return value
    parts = []
    for part in args[1]:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and list(part) == ["Ref"] and isinstance(part["Ref"], str):
            parts.append("${" + part["Ref"] + "}")
        elif isinstance(part, dict) and list(part) == ["Fn::GetAtt"]:
            att = part["Fn::GetAtt"]
            name = ".".join(att) if isinstance(att, list) else att
            if not isinstance(name, str):
                return value
            parts.append("${" + name + "}")
        else:
            return value
    return {"Fn::Sub": "".join(parts)}


def as_int(value: Any) -> int | None:
    """An integer setting as a number; None for an intrinsic, a placeholder or anything else not an integer.

    >>> as_int("29000"), as_int({"Ref": "Timeout"}), as_int(True)
    (29000, None, None)
    """
    if isinstance(value, bool) or is_intrinsic(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def map_text(value: Any, fn: Callable[[str], str | None]) -> Any:
    """Apply `fn` to the text of `value` (see `text_of`), keeping the ``Fn::Sub`` wrapper.

    Returns None when the value has no text to work on or `fn` returns None. A result that still holds
    a ``${…}`` CloudFormation variable stays inside the ``Fn::Sub``; a plain input stays plain.

    >>> map_text("a/b", str.upper)
    'A/B'
    >>> map_text({"Fn::Sub": "arn:${AWS::Region}"}, lambda s: s + "/x")
    {'Fn::Sub': 'arn:${AWS::Region}/x'}
    """
    text = text_of(value)
    if text is None:
        return None
    out = fn(text)
    if out is None:
        return None
    if isinstance(value, str):
        return out
    sub = value["Fn::Sub"]
    if isinstance(sub, list):
        return {"Fn::Sub": [out, *sub[1:]]}
    if "${" not in out:
        return out
    return {"Fn::Sub": out}


_SUB_VAR = re.compile(r"\$\{([^}!]+)\}")


def sub_to_intrinsic(piece: str) -> Any:
    """A piece of an ``Fn::Sub`` string as a value of its own: ``${Fn.Arn}`` → GetAtt, ``${X}`` → Ref.

    >>> sub_to_intrinsic("${Books.Arn}")
    {'Fn::GetAtt': ['Books', 'Arn']}
    >>> sub_to_intrinsic("arn:${AWS::Partition}:x")
    {'Fn::Sub': 'arn:${AWS::Partition}:x'}
    """
    m = _SUB_VAR.fullmatch(piece)
    if m:
        name = m.group(1)
        if "." in name:
            resource, _, attribute = name.partition(".")
            return {"Fn::GetAtt": [resource, attribute]}
        if not name.startswith("AWS::"):
            return {"Ref": name}
    return {"Fn::Sub": piece} if "${" in piece else piece


def protect(text: str) -> tuple[str, list[str]]:
    """Hide ``${…}`` template variables (they may hold ':' and '/') behind markers `restore` puts back.

    >>> text, found = protect("arn:${AWS::Partition}:x")
    >>> text.split(":"), found, restore(text, found)
    (['arn', '\\x000\\x00', 'x'], ['${AWS::Partition}'], 'arn:${AWS::Partition}:x')
    """
    found: list[str] = []

    def keep(m: re.Match) -> str:
        found.append(m.group())
        return f"\x00{len(found) - 1}\x00"

    return _ANY_VAR.sub(keep, text), found


def restore(text: str, found: list[str]) -> str:
    return re.sub("\x00(\\d+)\x00", lambda m: found[int(m.group(1))], text)


_ANY_VAR = re.compile(r"\$\{[^}]*\}")


def placeholder_view(node: Any) -> Any:
    """A copy where every intrinsic is a placeholder string, for validators that want plain OpenAPI."""
    if isinstance(node, dict):
        if is_intrinsic(node):
            return "intrinsic:" + next(iter(node))
        return {k: placeholder_view(v) for k, v in node.items()}
    if isinstance(node, list):
        return [placeholder_view(v) for v in node]
    return node
