"""RFC 6901 JSON Pointers: the one way every stage names a place in a document."""

from __future__ import annotations

from typing import Any, Iterable

_MISSING = object()


def escape(token: str | int) -> str:
    text = str(token)
    # Most tokens need no escaping; checking first keeps pointer building cheap on hot paths.
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(base: str, *tokens: str | int) -> str:
    """Append raw (unescaped) tokens to a pointer: ``join("/paths", "/books")`` → ``/paths/~1books``."""
    return base + "".join("/" + escape(t) for t in tokens)


def split(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON Pointer: {pointer!r}")
    return [unescape(t) for t in pointer[1:].split("/")]


def parent(pointer: str) -> str:
    return pointer.rsplit("/", 1)[0] if pointer else ""


def ancestors(pointer: str) -> Iterable[str]:
    """The pointer itself, then each ancestor up to the root ``""``."""
    while True:
        yield pointer
        if not pointer:
            return
        pointer = parent(pointer)


def resolve(document: Any, pointer: str, default: Any = _MISSING) -> Any:
    node = document
    for token in split(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            if default is _MISSING:
                raise KeyError(pointer)
            return default
    return node
