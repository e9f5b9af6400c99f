"""`$ref` checking and following.

Every `$ref` in the API must lead somewhere: a local ``#/…`` pointer inside the API document, or
a relative file (``schemas.yaml#/Order``) next to the input. A ref whose chain of refs comes back
to itself is cyclic. Recursive schemas (a `Node` whose property refers to `Node`) are fine: only
chains made of nothing but refs are rejected.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.errors import InputError

if TYPE_CHECKING:
    from apigw_migrate.load import Source


def iter_refs(node: Any, ptr: str = "") -> Iterator[tuple[str, str]]:
    """Yield (pointer of the object holding `$ref`, the ref string)."""
    stack = [(node, ptr)]
    while stack:
        current, here = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield here, ref
            for k, v in current.items():
                if isinstance(v, (dict, list)):
                    stack.append((v, jp.join(here, k)))
        elif isinstance(current, list):
            for i, v in enumerate(current):
                if isinstance(v, (dict, list)):
                    stack.append((v, jp.join(here, i)))


def split_ref(ref: str) -> tuple[str, str]:
    """``"a.yaml#/B"`` → ``("a.yaml", "/B")``; raises ValueError when malformed."""
    file_part, sep, fragment = ref.partition("#")
    if sep and fragment and not fragment.startswith("/"):
        raise ValueError("the part after '#' must be a JSON Pointer starting with '/'")
    if file_part.endswith("/"):
        raise ValueError("the file part ends with '/'")
    return file_part, fragment


def check_refs(src: "Source") -> None:
    """Raise InputError for the first `$ref` that is malformed, unresolvable or cyclic."""
    _check_document(src, src.api, src.path, src.base_pointer, depth=0)


def _check_document(src: "Source", doc: Any, doc_path: str, base: str, depth: int) -> None:
    for holder, ref in iter_refs(doc):
        where = src.positions.locate(base + holder) if doc_path == src.path else None

        def fail(message: str) -> InputError:
            return InputError(f"$ref {ref!r}: {message}", doc_path, *(where or ()))

        try:
            file_part, fragment = split_ref(ref)
        except ValueError as e:
            raise fail(f"malformed ({e})") from None
        seen: set[tuple[str, str]] = set()
        current_doc, current_path, current_file, current_fragment = doc, doc_path, file_part, fragment
        while True:
            if current_file:
                if "://" in current_file:
                    raise fail("remote references are not followed; inline the definition")
                target = (Path(current_path).parent / current_file).resolve()
                key = str(target)
                if key not in src.external:
                    if depth >= 8:
                        raise fail("external references nest too deeply")
                    from apigw_migrate.load import parse, read_text

                    try:
                        text = read_text(target)
                    except InputError as e:
                        raise fail(f"cannot resolve: {e.reason} ({target})") from None
                    parsed = parse(text, str(target))
                    src.external[key] = parsed.document
                    _check_document(src, parsed.document, str(target), "", depth + 1)
                current_doc, current_path = src.external[key], key
            node = jp.resolve(current_doc, current_fragment, None)
            if node is None and current_fragment:
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
                if not current_file:
                    current_file = ""
                continue
            break


def deref(src: "Source", node: Any) -> Any:
    """Follow local `$ref`s until a real object (refs were checked at load time)."""
    hops = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 32:
        file_part, fragment = split_ref(node["$ref"])
        if file_part:
            return node
        node = jp.resolve(src.api, fragment, None)
        hops += 1
    return node
