"""Where each node of a loaded document stands in its file.

YAML gets its table while it is composed (libyaml gives every node a mark). JSON is parsed by the
C `json` module, which keeps no positions, so its table is built by a scanner the first time a
line is asked for: a check of a clean file never pays for it.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Iterable

from apigw_migrate import pointer as jp

Position = tuple[int, int]  # 1-based line and column

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


class PositionIndex:
    """Maps a JSON Pointer to the (line, column) of the key or item that holds it.

    Backed by a ready table (YAML) or a `JsonLocator` that finds positions on demand (JSON).
    """

    def __init__(self, table: dict[str, Position] | None = None, locator: "JsonLocator | None" = None):
        self._table = table if table is not None else {}
        self._locator = locator
        # (pointer now, pointer in the file) for subtrees that evaluating the intrinsics moved (an `Fn::If`
        # replaced by its branch), applied in order: see `apigw_migrate.intrinsics.resolve`.
        self._moves: list[tuple[str, str]] = []

    def add_moves(self, moves: "Iterable[tuple[str, str]]") -> None:
        self._moves.extend(moves)

    def _in_file(self, pointer: str) -> str:
        for now, before in self._moves:
            if pointer == now or pointer.startswith(now + "/"):
                pointer = before + pointer[len(now) :]
        return pointer

    def exact(self, pointer: str) -> Position | None:
        if self._moves:
            pointer = self._in_file(pointer)
        if self._locator is not None:
            return self._locator.exact(pointer)
        return self._table.get(pointer)

    def may_hold_key(self, key: str) -> bool:
        """False only when no object of the file has this key: a cheap test before a search.

        JSON: the quoted key is not in the text. YAML: no pointer of the table ends with it.
        """
        if self._locator is not None:
            return f'"{key}"' in self._locator.text
        suffix = "/" + jp.escape(key)
        return any(p.endswith(suffix) for p in self._table)

    def locate_many(self, pointers: "Iterable[str]") -> dict[str, Position | None]:
        """`locate` for many pointers at once: one pass over a JSON file instead of one walk each."""
        if self._moves:
            return {p: self.locate(p) for p in pointers}
        if self._locator is not None:
            return self._locator.locate_many(pointers)
        return {p: self.locate(p) for p in pointers}

    def locate(self, pointer: str) -> Position | None:
        """The position of the pointer, or of its nearest ancestor that has one."""
        if self._moves:
            pointer = self._in_file(pointer)
        if self._locator is not None:
            return self._locator.locate(pointer)
        for p in jp.ancestors(pointer):
            if p in self._table:
                return self._table[p]
        return None


_WS = re.compile(r"[ \t\n\r]*")
# One object member up to its value: separators, the key (group 1, still escaped) and the colon.
_MEMBER = re.compile(r'[ \t\n\r,]*"((?:[^"\\]|\\.)*)"[ \t\n\r]*:[ \t\n\r]*')
_ITEM = re.compile(r"[ \t\n\r,]*")


class JsonLocator:
    """Finds where a pointer stands in JSON text, reading only the containers on its way.

    A full scan of a 2 MB export is a Python loop over ~300,000 tokens (about 0.2 s). Here each
    container is indexed once, lazily and only as far as needed: its member values are skipped by
    the C decoder, so locating the findings of a whole API costs about one more JSON parse.
    """

    def __init__(self, text: str):
        self.text = text
        self._decoder = json.JSONDecoder()
        # container start offset → [members (key → (key offset, value offset)) or item offsets, resume offset or None]
        self._containers: dict[int, list] = {}
        self._line_starts: list[int] | None = None
        self._cache: dict[str, int | None] = {}

    @property
    def indexed(self) -> int:
        """How many containers have been (partly) read: 0 until the first lookup."""
        return len(self._containers)

    def exact(self, pointer: str) -> Position | None:
        offset = self._offset(pointer)
        return None if offset is None else self._where(offset)

    def locate(self, pointer: str) -> Position | None:
        for p in jp.ancestors(pointer):
            offset = self._offset(p)
            if offset is not None:
                return self._where(offset)
        return None

    def locate_many(self, pointers: Iterable[str]) -> dict[str, Position | None]:
        """Locate many pointers in one pass over the text.

        The pointers form a tree of wanted tokens; the pass reads only the containers on that
        tree, member by member, and lets the C decoder skip every other value, so each byte is
        decoded at most once however many findings there are.
        """
        wanted = list(dict.fromkeys(pointers))
        trie: dict = {}
        for p in wanted:
            node = trie
            for token in jp.split(p):
                node = node.setdefault(token, {})
        offsets: dict[str, int] = {"": _WS.match(self.text, 0).end()}
        if trie and self.text[offsets[""]] in "{[":
            self._visit(offsets[""], trie, "", offsets)
        found: dict[str, int | None] = {}
        for p in wanted:
            for a in jp.ancestors(p):
                if a in offsets:
                    found[p] = offsets[a]
                    break
            else:
                found[p] = None
        positions = self._where_many(o for o in found.values() if o is not None)
        return {p: None if o is None else positions[o] for p, o in found.items()}

    def _where_many(self, offsets: Iterable[int]) -> dict[int, Position]:
        """Line and column of many offsets, counting newlines once in order (no table of every line)."""
        text, out, line, previous = self.text, {}, 1, 0
        for offset in sorted(set(offsets)):
            line += text.count("\n", previous, offset)
            previous = offset
            out[offset] = (line, offset - text.rfind("\n", 0, offset))
        return out

    def _visit(self, start: int, trie: dict, pointer: str, offsets: dict[str, int]) -> int:
        """Record the wanted members of the container at `start`; return the offset just past it."""
        text, skip = self.text, self._decoder.scan_once
        if text[start] == "{":
            i = start + 1
            while True:
                m = _MEMBER.match(text, i)
                if m is None:
                    return _WS.match(text, i).end() + 1  # past '}'
                raw = m.group(1)
                key = json.loads(f'"{raw}"') if "\\" in raw else raw
                value_at = m.end()
                sub = trie.get(key)
                if sub is None:
                    i = skip(text, value_at)[1]
                    continue
                here = pointer + "/" + jp.escape(key)
                offsets.setdefault(here, m.start(1) - 1)
                if sub and text[value_at] in "{[":
                    i = self._visit(value_at, sub, here, offsets)
                else:
                    i = skip(text, value_at)[1]
        i, index = start + 1, 0
        while True:
            i = _ITEM.match(text, i).end()
            if text[i] == "]":
                return i + 1
            sub = trie.get(str(index))
            if sub is None:
                i = skip(text, i)[1]
            else:
                here = f"{pointer}/{index}"
                offsets.setdefault(here, i)
                i = self._visit(i, sub, here, offsets) if sub and text[i] in "{[" else skip(text, i)[1]
            index += 1

    def _where(self, offset: int) -> Position:
        if self._line_starts is None:
            self._line_starts = [0]
            self._line_starts.extend(m.end() for m in re.finditer("\n", self.text))
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def _offset(self, pointer: str) -> int | None:
        """Offset of the key (object member) or value (array item) that the pointer names."""
        if pointer in self._cache:
            return self._cache[pointer]
        if pointer == "":
            result: int | None = _WS.match(self.text, 0).end()
        else:
            parent = jp.parent(pointer)
            token = jp.unescape(pointer[len(parent) + 1 :])
            value_at = self._value_offset(parent)
            result = None if value_at is None else self._member(value_at, token)
        self._cache[pointer] = result
        return result

    def _value_offset(self, pointer: str) -> int | None:
        """Offset where the value named by the pointer starts."""
        offset = _WS.match(self.text, 0).end()
        for token in jp.split(pointer):
            entry = self._find(offset, token)
            if entry is None:
                return None
            offset = entry[1]
        return offset

    def _member(self, container: int, token: str) -> int | None:
        entry = self._find(container, token)
        return None if entry is None else entry[0]

    def _find(self, container: int, token: str) -> tuple[int, int] | None:
        text = self.text
        if container >= len(text) or text[container] not in "{[":
            return None
        state = self._containers.get(container)
        if state is None:
            state = self._containers[container] = [{} if text[container] == "{" else [], container + 1]
        members = state[0]
        if isinstance(members, dict):
            if token in members:
                return members[token]
            return self._scan_object(state, token)
        if not token.isdigit():
            return None
        index = int(token)
        while index >= len(members) and state[1] is not None:
            self._scan_array_item(state)
        return (members[index], members[index]) if index < len(members) else None

    def _scan_object(self, state: list, wanted: str) -> tuple[int, int] | None:
        text, members = self.text, state[0]
        i = state[1]
        while i is not None:
            i = _WS.match(text, i).end()
            if text[i] == "}":
                i = None
                break
            if text[i] == ",":
                i = _WS.match(text, i + 1).end()
            key_at = i
            key, i = json.decoder.scanstring(text, i + 1)
            i = _WS.match(text, i).end() + 1  # past ':'
            value_at = _WS.match(text, i).end()
            _, i = self._decoder.raw_decode(text, value_at)
            members.setdefault(key, (key_at, value_at))
            if key == wanted:
                state[1] = i
                return members[key]
        state[1] = None
        return None

    def _scan_array_item(self, state: list) -> None:
        text, items = self.text, state[0]
        i = _WS.match(text, state[1]).end()
        if text[i] == ",":
            i = _WS.match(text, i + 1).end()
        if text[i] == "]":
            state[1] = None
            return
        items.append(i)
        _, state[1] = self._decoder.raw_decode(text, i)


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
    # Each frame: [is_object, pointer, next index, keys seen, expecting a key, offset of the last key]
    stack: list[list] = []
    pending_key: str | None = None
    for m in _TOKEN.finditer(text):
        tok = m.group()
        first = tok[0]
        if first in "{[":
            ptr = ""
            if stack:
                ptr = _child(stack[-1], pending_key)
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
