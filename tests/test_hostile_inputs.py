"""Hostile input through the real CLI: `check`, `convert` and `diff` on broken, mistyped, truncated,
deeply nested and binary versions of real inputs, and on hostile paths.

Every run must end in exit 0, 1 or 2; an exit 2 says so in exactly one `error:` line on stderr; no run
prints a traceback or an internal error; and no run leaves a partial output file (convert writes its
document only when it exits 0, diff writes nothing when it exits 2, nothing leaves a `.tmp` file).

The cases are generated from a seed named in the test id, so a failure is reproduced by its id alone.
"""

from __future__ import annotations

import copy
import json
import random
import re
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from conftest import DATA, FIXTURES

from apigw_migrate.load import parse

BASES = [
    FIXTURES / "clean.oas30.yaml",
    FIXTURES / "inventory.swagger2.json",
    DATA / "checks" / "oas3_rest.yaml",
    DATA / "checks" / "swagger2_auth.yaml",
    DATA / "checks" / "bundle_edge.json",
    DATA / "checks" / "sam.yaml",
    DATA / "checks" / "http.yaml",
]
HTTP_BASE = DATA / "diff" / "http.json"
WEIRD_STRINGS = ["", " ", "~1/", "${var}", "{proxy+}", "/{a}/{a}", "é✓\u200b", "\x00", "a" * 5000, "$ref", "#/", "*", "..", "%{ if x }"]
WEIRD_SCALARS: list[Any] = [None, True, 0, -1, 2**70, 1.5, float("1e308"), "", "0x1F", [], {}, [None], {"": None}]


def _nodes(doc: Any, path: tuple = ()) -> list[tuple]:
    """Every container path in the document (the root included)."""
    found = [path]
    if isinstance(doc, dict):
        for k, v in doc.items():
            if isinstance(v, (dict, list)):
                found += _nodes(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            if isinstance(v, (dict, list)):
                found += _nodes(v, path + (i,))
    return found


def _at(doc: Any, path: tuple) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 2 or roll < 0.5:
        return rng.choice(WEIRD_SCALARS + WEIRD_STRINGS)
    if roll < 0.75:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(WEIRD_STRINGS + ["type", "uri", "paths", "responses", "x-amazon-apigateway-integration"]): _random_value(rng, depth + 1)
            for _ in range(rng.randint(0, 3))}  # fmt: skip


def _pick(rng: random.Random, doc: Any) -> tuple[Any, Any]:
    """A random container of the document and one of its keys (or indexes)."""
    for _ in range(20):
        node = _at(doc, rng.choice(_nodes(doc)))
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if keys:
            return node, rng.choice(keys)
    return doc, None


def swap_type(rng, doc):
    node, key = _pick(rng, doc)
    if key is not None:
        node[key] = _random_value(rng)
    return doc


def delete_key(rng, doc):
    for _ in range(rng.randint(1, 4)):
        node, key = _pick(rng, doc)
        if key is not None:
            del node[key]
    return doc


def bad_ref(rng, doc):
    node, key = _pick(rng, doc)
    if key is not None:
        node[key] = {"$ref": rng.choice(["#/nowhere", "missing.yaml#/A", "#/paths", "#", "x.yaml/#A", "#/components/schemas/" + "a" * 300, "../../etc/passwd"])}
    return doc


def deep(rng, doc):
    node, key = _pick(rng, doc)
    value: Any = "leaf"
    for _ in range(rng.choice([150, 250, 600])):
        value = [value] if rng.random() < 0.5 else {"k": value}
    if key is not None:
        node[key] = value
    return doc


def weird_keys(rng, doc):
    for _ in range(rng.randint(1, 3)):
        node, key = _pick(rng, doc)
        if isinstance(node, dict) and key is not None:
            node[rng.choice(WEIRD_STRINGS) + str(rng.randint(0, 9))] = node.pop(key)
    return doc


def null_values(rng, doc):
    for _ in range(rng.randint(1, 5)):
        node, key = _pick(rng, doc)
        if key is not None:
            node[key] = None
    return doc


def scalar_top(rng, doc):
    return rng.choice([[], "openapi", 3, None, [doc], True])


def wrong_versions(rng, doc):
    if isinstance(doc, dict):
        for key in ("openapi", "swagger"):
            if key in doc:
                doc[key] = rng.choice(["3.1.0", "2.1", 3, None, "", ["3.0.1"], "3.0.1.1"])
    return doc


def odd_paths(rng, doc):
    paths = doc.get("paths") if isinstance(doc, dict) else None
    if isinstance(paths, dict) and paths:
        item = paths.pop(rng.choice(list(paths)))
        paths[rng.choice(["", "noslash", "/a//b", "/{x+}/y", "/{}", "/a/{b", "/" + "x" * 3000, "/é/✓"])] = item
    return doc


DOCUMENT_MUTATIONS: dict[str, Callable[[random.Random, Any], Any]] = {
    "swap-type": swap_type,
    "delete-key": delete_key,
    "bad-ref": bad_ref,
    "deep": deep,
    "weird-keys": weird_keys,
    "null-values": null_values,
    "scalar-top": scalar_top,
    "wrong-versions": wrong_versions,
    "odd-paths": odd_paths,
}


def _serialize(rng: random.Random, doc: Any, deep: bool = False) -> bytes:
    if deep or rng.random() < 0.5:  # PyYAML's dumper recurses: deep documents are written as JSON
        return json.dumps(doc, ensure_ascii=rng.random() < 0.5, default=str).encode()
    return yaml.safe_dump(doc, allow_unicode=True, default_flow_style=rng.random() < 0.3).encode()


def truncate(rng: random.Random, raw: bytes) -> bytes:
    return raw[: rng.randint(0, max(0, len(raw) - 1))]


def garbage(rng: random.Random, raw: bytes) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 400)))


def encodings(rng: random.Random, raw: bytes) -> bytes:
    text = raw.decode("utf-8", "replace")
    return rng.choice([text.encode("utf-16"), text.encode("utf-32"), b"\xef\xbb\xbf" + raw, raw.replace(b":", b"\x00:", 1), text.encode("latin-1", "replace") + b"\xff\xfe"])


def splice(rng: random.Random, raw: bytes) -> bytes:
    at = rng.randint(0, len(raw))
    junk = rng.choice([b"{", b"}", b"]]]", b": :", b"\n  - &a [*a]\n", b"\t", b"!!python/object:os.system ['ls']", b'"dup": 1, "dup": 2, ',
                       b"!GetAtt", b"${", b"%{ if x }", b"*unknown_alias", b"\n---\nsecond: document\n"])  # fmt: skip
    return raw[:at] + junk + raw[at:]


BYTE_MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "truncate": truncate,
    "garbage": garbage,
    "encodings": encodings,
    "splice": splice,
}

MUTATIONS = sorted(DOCUMENT_MUTATIONS) + sorted(BYTE_MUTATIONS)
SEEDS = range(6)
COMMANDS = ("check", "convert", "diff")


def hostile_file(folder: Path, mutation: str, seed: int, base: Path | None = None) -> Path:
    rng = random.Random(f"{mutation}-{seed}")
    base = base or rng.choice(BASES)
    raw = base.read_bytes()
    if mutation in DOCUMENT_MUTATIONS:
        doc = parse(raw.decode("utf-8"), str(base)).document  # CloudFormation tags become their JSON form
        raw = _serialize(rng, DOCUMENT_MUTATIONS[mutation](rng, copy.deepcopy(doc)), deep=mutation == "deep")
    else:
        raw = BYTE_MUTATIONS[mutation](rng, raw)
    path = folder / f"{mutation}-{seed}{rng.choice(['.json', '.yaml', '.yml', '.json.tpl'])}"
    path.write_bytes(raw)
    return path


def assert_ends_cleanly(result, out: Path | None = None, written_on: tuple[int, ...] = (0,)) -> None:
    assert result.code in (0, 1, 2), result
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream and "internal error" not in stream, result
    if result.code == 2:
        # One error line; an error about several places (convert's refusal of what an OpenAPI document cannot
        # hold) names each below it, one indented file:line:column line each.
        lines = result.stderr.splitlines()
        assert lines[0].startswith("error: ") and all(re.match(r"  \S+:\d+:\d+: ", line) for line in lines[1:]), result
    if out is not None:
        assert out.exists() == (result.code in written_on), result
        assert not list(out.parent.glob("*.tmp")), "a partial output file was left behind"
        if out.exists() and out.suffix == ".json":
            json.loads(out.read_text(encoding="utf-8"))


def run(cli, command: str, path: Path, folder: Path, rng: random.Random):
    if command == "check":
        out = folder / "report.json"
        result = cli("check", str(path), "--format", rng.choice(["json", "sarif"]), "-o", str(out), "--fail-on", rng.choice(["blocker", "never"]))
        # The report is written whatever the input (a CI upload finds it), and is whole.
        assert_ends_cleanly(result, out, written_on=(0, 1, 2))
        return
    if command == "convert":
        out = folder / rng.choice(["http.json", "http.yaml"])
        args = ["convert", str(path), "-o", str(out), "--on-blocked", rng.choice(["fail", "skip"])]
        args += rng.choice([[], ["--format", "cloudformation"], ["--format", "sam"], ["--payload-format", "2.0"], ["--explain"]])
        assert_ends_cleanly(cli(*args), out)
        return
    fmt = rng.choice(["json", "text", "markdown"])
    out = folder / f"diff.{'json' if fmt == 'json' else 'txt'}"
    pair = [str(path), str(HTTP_BASE)] if rng.random() < 0.6 else [str(FIXTURES / "clean.oas30.yaml"), str(path)]
    result = cli("diff", *pair, "--format", fmt, "-o", str(out))
    assert result.code in (0, 2), result
    assert_ends_cleanly(result, out, written_on=(0,))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("mutation", MUTATIONS)
@pytest.mark.parametrize("command", COMMANDS)
def test_hostile_input_ends_cleanly(cli, tmp_path: Path, command: str, mutation: str, seed: int) -> None:
    path = hostile_file(tmp_path, mutation, seed)
    run(cli, command, path, tmp_path, random.Random(f"{command}-{mutation}-{seed}"))


HOSTILE_PATHS: dict[str, Callable[[Path], str]] = {
    "missing": lambda d: str(d / "nope.json"),
    "too-long-name": lambda d: str(d / ("x" * 300 + ".json")),
    "too-long-path": lambda d: str(d / "/".join(["y" * 200] * 30) / "a.json"),
    "directory": lambda d: str(d),
    "empty-file": lambda d: (d / "empty.json").write_text("") and str(d / "empty.json") or str(d / "empty.json"),
    "nul-in-name": lambda d: str(d / "a\x00b.json"),
    "not-a-directory-parent": lambda d: (d / "f.json").write_text("{}") and str(d / "f.json" / "x.json") or str(d / "f.json" / "x.json"),
    "fifo-like-dev-null": lambda d: "/dev/null",
    "unreadable-dir-entry": lambda d: "/proc/self/mem",
}


@pytest.mark.parametrize("where", sorted(HOSTILE_PATHS))
@pytest.mark.parametrize("command", COMMANDS)
def test_hostile_paths_end_in_one_error_line(cli, tmp_path: Path, command: str, where: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = HOSTILE_PATHS[where](folder)
    out = tmp_path / "out.json"
    args = {
        "check": ["check", path],
        "convert": ["convert", path, "-o", str(out)],
        "diff": ["diff", path, str(HTTP_BASE), "-o", str(out)],
    }[command]
    result = cli(*args)
    if command == "check" and where == "directory":
        assert result.code == 2 and "holds no" in result.stderr, result  # an empty folder
    assert_ends_cleanly(result, out if command != "check" else None)
    assert result.code == 2, result


@pytest.mark.parametrize("target", ["too-long", "missing-dir", "is-a-directory", "nul"])
@pytest.mark.parametrize("command", COMMANDS)
def test_unwritable_outputs_end_in_one_error_line(cli, tmp_path: Path, command: str, target: str) -> None:
    out = {
        "too-long": str(tmp_path / ("o" * 300 + ".json")),
        "missing-dir": str(tmp_path / "missing" / "o.json"),
        "is-a-directory": str(tmp_path),
        "nul": str(tmp_path / "o\x00.json"),
    }[target]
    args = {
        "check": ["check", str(FIXTURES / "clean.oas30.yaml"), "-o", out],
        "convert": ["convert", str(FIXTURES / "clean.oas30.yaml"), "-o", out],
        "diff": ["diff", str(FIXTURES / "clean.oas30.yaml"), str(HTTP_BASE), "-o", out],
    }[command]
    result = cli(*args)
    assert_ends_cleanly(result)
    assert result.code == 2, result
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("seed", range(3))
def test_a_directory_of_hostile_files_is_checked_file_by_file(cli, tmp_path: Path, seed: int) -> None:
    folder = tmp_path / "apis"
    folder.mkdir()
    for mutation in MUTATIONS:
        hostile_file(folder, mutation, 100 + seed)
    (folder / "docker-compose.yml").write_text("services:\n  web: {image: nginx}\n")
    out = tmp_path / "report.json"
    result = cli("check", str(folder), "--format", "json", "-o", str(out))
    assert result.code in (0, 1, 2), result
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    # one line per file that is not checked: an error, or a note for a file that is no API definition
    assert all(line.startswith(("error: ", "note: ")) for line in result.stderr.splitlines()), result
    doc = json.loads(out.read_text())
    assert doc["summary"]["errors"] + doc["summary"]["skipped"] == len(result.stderr.splitlines())
    assert str(folder / "docker-compose.yml") in {s["file"] for s in doc["skipped"]}
