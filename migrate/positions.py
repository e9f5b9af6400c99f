"""Where each node of a loaded document stands in its file.

YAML gets its table while it is composed (libyaml gives every node a mark). JSON is parsed by the
C `json` module, which keeps no positions, so its table is built by a scanner the first time a
line is asked for: a check of a clean file never pays for it.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Callable

from apigw_migrate import pointer as jp

Position = tuple[int, int]  # 1-based line and column

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


class PositionIndex:
    """Maps a JSON Pointer to the (line, column) of the key or item that holds it."""

    def __init__(self, table: dict[str, Position] | None = None, builder: Callable[[], dict[str, Position]] | None = None):
        self._table = table
        self._builder = builder

    def _get_table(self) -> dict[str, Position]:
        if self._table is None:
            self._table = self._builder() if self._builder else {}
        return self._table

    def exact(self, pointer: str) -> Position | None:
        return self._get_table().get(pointer)

    def locate(self, pointer: str) -> Position | None:
        """The position of the pointer, or of its nearest ancestor that has one."""
        table = self._get_table()
        for p in jp.ancestors(pointer):
            if p in table:
                return table[p]
        return None


class DuplicateKey(Exception):
    def __init__(self, key: str, position: Position):
        super().__init__(key)
        self.key = key
        self.position = position


def json_positions(text: str) -> dict[str, Position]:
    """Scan JSON text and record where every key and array item starts.

    Raises DuplicateKey for a key that repeats inside one object, so the loader can say where.
    """
    line_starts = [0]
    line_starts.extend(m.end() for m in re.finditer("\n", text))

    def where(offset: int) -> Position:
        line = bisect.bisect_right(line_starts, offset)
        return line, offset - line_starts[line - 1] + 1

    table: dict[str, Position] = {"": (1, 1)}
    # Each frame: [is_object, pointer, next key or index, keys seen, expecting_key]
    stack: list[list] = []
    pending_key: str | None = None
    for m in _TOKEN.finditer(text):
        tok = m.group()
        first = tok[0]
        if first in "{[":
            if stack:
                ptr = _child(stack[-1], pending_key)
            else:
                ptr = ""
            if stack:
                table.setdefault(ptr, where(_value_start(stack[-1], m.start())))
            stack.append([first == "{", ptr, 0, set(), first == "{", None])
            pending_key = None
            continue
        if first in "}]":
            if stack:
                stack.pop()
            continue
        if not stack:
            continue
        frame = stack[-1]
        if first == ",":
            if frame[0]:
                frame[4] = True
            else:
                frame[2] += 1
            continue
        if first == ":":
            continue
        if frame[0] and frame[4]:
            key = json.loads(tok) if "\\" in tok else tok[1:-1]
            if key in frame[3]:
                raise DuplicateKey(key, where(m.start()))
            frame[3].add(key)
            frame[4] = False
            frame[5] = m.start()
            pending_key = key
            continue
        ptr = _child(frame, pending_key)
        table.setdefault(ptr, where(_value_start(frame, m.start())))
        pending_key = None
    return table


def _child(frame: list, key: str | None) -> str:
    if frame[0]:
        return jp.join(frame[1], key if key is not None else "")
    return jp.join(frame[1], frame[2])


def _value_start(frame: list, offset: int) -> int:
    # An object member is located at its key, like the YAML table does.
    return frame[5] if frame[0] and frame[5] is not None else offset
