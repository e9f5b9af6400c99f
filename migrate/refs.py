"""`$ref` checking and following.

Every `$ref` in the API must lead somewhere: a local ``#/…`` pointer inside the API document, or
a relative file (``schemas.yaml#/Order``) next to the input. A ref whose chain of refs comes back
to itself is cyclic. Recursive schemas (a `Node` whose property refers to `Node`) are fine: only
chains made of nothing but refs are rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.errors import InputError

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.positions import Position

MAX_EXTERNAL_DEPTH = 8
# A ref inside a schema only describes a body, which HTTP APIs never validate: one that does not resolve is
# reported (AGW003) and left out by convert, instead of refusing the whole file.
_SCHEMA_TOKENS = frozenset(("schema", "schemas", "definitions"))


@dataclass(frozen=True)
class BrokenRef:
    """A `$ref` inside a schema that does not resolve: the object holding it (pointer into the API), the ref, and
    why (a sentence that names the ref at fault: this one, or one in a file it leads to)."""

    holder: str
    ref: str
    reason: str


def in_schema(holder: str) -> bool:
    """Whether the object at `holder` (a pointer into the API) sits in a schema.

    >>> in_schema("/paths/~1a/post/requestBody/content/application~1json/schema/properties/x"), in_schema("/paths/~1a/get/parameters/0")
    (True, False)
    """
    return not _SCHEMA_TOKENS.isdisjoint(jp.split(holder))


def iter_refs(node: Any, ptr: str = "") -> Iterator[tuple[str, str]]:
    """Yield (pointer of the object holding `$ref`, the ref string).

    In document order. Pointers are built only for the holders: each stack entry keeps its parent entry and key, so
    walking a large export costs a tuple per container rather than a string join.
    """
    stack: list[tuple[Any, Any, Any]] = [(node, None, None)]
    while stack:
        entry = stack.pop()
        current = entry[0]
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield _pointer_of(entry, ptr), ref
            children = [(v, entry, k) for k, v in current.items() if isinstance(v, (dict, list))]
        elif isinstance(current, list):
            children = [(v, entry, i) for i, v in enumerate(current) if isinstance(v, (dict, list))]
        else:
            continue
        # Reversed onto the stack: refs come out in document order, so the first error is the first written.
        stack.extend(reversed(children))


def _pointer_of(entry: tuple[Any, Any, Any], base: str) -> str:
    tokens = []
    while entry[1] is not None:
        tokens.append(entry[2])
        entry = entry[1]
    return jp.join(base, *reversed(tokens))


def split_ref(ref: str) -> tuple[str, str]:
    """``"a.yaml#/B"`` → ``("a.yaml", "/B")``; raises ValueError when malformed."""
    file_part, sep, fragment = ref.partition("#")
    if sep and fragment and not fragment.startswith("/"):
        raise ValueError("the part after '#' must be a JSON Pointer starting with '/'")
    if file_part.endswith("/"):
        raise ValueError("the file part ends with '/'")
    return file_part, fragment


def check_refs(src: "Source", ref_strings: "set[str] | None" = None) -> None:
    """Raise InputError for the first `$ref` that is malformed, unresolvable or cyclic.

    Inside a schema (`in_schema`), a malformed or unresolvable ref is recorded in `src.broken_refs` instead.

    `ref_strings`, when the parser collected them, are every distinct `$ref` value of the file:
    when they all resolve there is no need to walk the document (a 2 MB export has ~100,000
    containers to visit). On any failure the walk runs, to name the first bad ref in document
    order and where it stands.
    """
    where_is = lambda holder: src.locate(src.api_pointer(holder))  # noqa: E731
    if ref_strings is not None and _all_resolve(src, ref_strings):
        return
    _check_document(src, src.api, src.path, where_is, depth=0, broken=src.broken_refs)


def _all_resolve(src: "Source", ref_strings: "set[str]") -> bool:
    def fail(message: str) -> InputError:
        return InputError(message, src.path)

    try:
        for ref in ref_strings:
            _follow(src, src.api, src.path, *split_ref(ref), fail, depth=0)
    except (InputError, ValueError):
        return False
    return True


def _check_document(
    src: "Source",
    doc: Any,
    doc_path: str,
    where_is: Callable[[str], "Position | None"],
    depth: int,
    broken: "list[BrokenRef] | None" = None,
) -> None:
    """Raise for the first bad ref of `doc`; with `broken`, record those inside schemas there instead."""
    # Malformed refs first: what is wrong as written comes before what is missing elsewhere.
    refs = []
    for holder, ref in iter_refs(doc):
        try:
            refs.append((holder, ref, *split_ref(ref)))
        except ValueError as e:
            if broken is not None and in_schema(holder):
                broken.append(BrokenRef(holder, ref, f"$ref {ref!r}: malformed ({e})"))
                continue
            raise InputError(f"$ref {ref!r}: malformed ({e})", doc_path, *(where_is(holder) or ())) from None
    checked: dict[str, str | None] = {}  # ref → why it does not resolve (None: it does; absent: not followed yet)
    for holder, ref, file_part, fragment in refs:
        known = checked.get(ref, "")
        if known is None:
            continue
        if known:
            if not in_schema(holder):
                raise InputError(known, doc_path, *(where_is(holder) or ()))
            assert broken is not None
            broken.append(BrokenRef(holder, ref, known))
            continue

        def fail(message: str) -> InputError:
            return InputError(f"$ref {ref!r}: {message}", doc_path, *(where_is(holder) or ()))

        try:
            _follow(src, doc, doc_path, file_part, fragment, fail, depth)
        except InputError as e:
            if broken is None or not in_schema(holder):
                raise
            # The reason names the ref it is about (this one, or a ref of a file this one leads to).
            broken.append(BrokenRef(holder, ref, e.reason))
            checked[ref] = e.reason
            continue
        checked[ref] = None


def _follow(
    src: "Source", doc: Any, doc_path: str, file_part: str, fragment: str, fail: Callable[[str], InputError], depth: int
) -> None:
    """Follow one ref through its chain of refs; raise through `fail` where it breaks."""
    seen: set[tuple[str, str]] = set()
    current_doc, current_path, current_file, current_fragment = doc, doc_path, file_part, fragment
    while True:
        if current_file:
            if "://" in current_file:
                raise fail("remote references are not followed; inline the definition")
            target = (Path(current_path).parent / current_file).resolve()
            key = str(target)
            if key not in src.external:
                if depth >= MAX_EXTERNAL_DEPTH:
                    raise fail("external references nest too deeply")
                _load_external(src, target, fail, depth)
            current_doc, current_path = src.external[key], key
        node = jp.resolve(current_doc, current_fragment, _MISSING) if current_fragment else current_doc
        if node is _MISSING:
            raise fail(f"cannot resolve: nothing at {current_fragment} in {Path(current_path).name}")
        marker = (current_path, current_fragment)
        if marker in seen:
            raise fail("cyclic: the chain of references comes back to itself")
        seen.add(marker)
        if isinstance(node, dict) and isinstance(node.get("$ref"), str) and len(node) == 1:
            try:
                current_file, current_fragment = split_ref(node["$ref"])
            except ValueError as e:
                raise fail(f"leads to a malformed $ref ({e})") from None
            continue
        return


_MISSING = object()


def _load_external(src: "Source", target: Path, fail: Callable[[str], InputError], depth: int) -> None:
    from apigw_migrate.load import parse, read_text

    try:
        text = read_text(target)
    except InputError as e:
        raise fail(f"cannot resolve: {e.reason} ({target})") from None
    parsed = parse(text, str(target))
    src.external[str(target)] = parsed.document
    _check_document(src, parsed.document, str(target), parsed.positions.locate, depth + 1)


def deref(src: "Source", node: Any) -> Any:
    """Follow `$ref`s (local, and to the files checked at load time) until a real object.

    A ref inside an external file is read relative to that file. Refs were checked when the
    Source was loaded, so a chain ends; the hop limit only guards hand-made Sources.
    """
    doc, doc_path = src.api, src.path
    for _ in range(64):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node
        try:
            file_part, fragment = split_ref(node["$ref"])
        except ValueError:
            return node
        if file_part:
            key = str((Path(doc_path).parent / file_part).resolve())
            if key not in src.external:
                return node
            doc, doc_path = src.external[key], key
        node = jp.resolve(doc, fragment, None) if fragment else doc
    return node
