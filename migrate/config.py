"""Project configuration: `[tool.apigw-migrate]` in pyproject.toml, or `.apigw-migrate.toml`.

Searched from the current directory upwards; the first directory holding either file wins
(`.apigw-migrate.toml` before `pyproject.toml`, and a pyproject.toml without the table is
skipped). `--config FILE` names the file directly. Shape (see docs/check-output.md)::

    [tool.apigw-migrate]            # in .apigw-migrate.toml the keys may also sit at the top level
    select = ["AGW2"]               # id prefixes of the rules to run (default: all)
    ignore = ["AGW703", "AGW8"]     # id prefixes whose findings are set aside (counted as ignored)
    fail-on = "warning"             # blocker (default) | warning | info | never

    [[tool.apigw-migrate.ignore-at]]
    rule = "AGW305"
    pointer = "/paths/~1legacy*"    # glob on JSON Pointers; a match on an ancestor counts

    [tool.apigw-migrate.routes."GET /legacy"]   # per-route overrides, read by check and convert
    payload-format = "2.0"
    jwt-audience = ["app-client-id"]

    [tool.apigw-migrate.vpc-links]              # REST VPC link → VPC link V2 and listener, as --vpc-link
    abc123 = "vl-0a1b2c,arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/my-nlb/1/2"
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apigw_migrate.errors import InputError, UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FILE_NAMES = (".apigw-migrate.toml", "pyproject.toml")
FAIL_ON = ("blocker", "warning", "info", "never")
KEYS = {"select", "ignore", "ignore-at", "fail-on", "routes", "vpc-links"}


@dataclass(frozen=True)
class IgnoreAt:
    rule: str
    pointer: str


@dataclass(frozen=True)
class Config:
    path: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    ignore_at: tuple[IgnoreAt, ...] = ()
    fail_on: str | None = None
    # Per-route overrides (apigw_migrate.options.route_overrides), read by check and convert alike.
    routes: dict[str, Any] = field(default_factory=dict)
    # REST VPC link id → "V2_LINK_ID,LISTENER_ARN" (or "LISTENER_ARN"), as --vpc-link takes them.
    vpc_links: dict[str, str] = field(default_factory=dict)


def find_config(start: Path | None = None) -> Path | None:
    """The nearest config file from `start` (default: the current directory) upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        dotfile = folder / FILE_NAMES[0]
        if dotfile.is_file():
            return dotfile
        pyproject = folder / FILE_NAMES[1]
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "apigw-migrate" in data["tool"]


def load_config(path: str | Path | None = None, start: Path | None = None) -> Config:
    """Read the config named by `path`, or the nearest one; an empty Config when there is none."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise UsageError(f"--config {path}: no such file")
    else:
        found = find_config(start)
        if found is None:
            return Config()
        p = found
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"not valid TOML: {e}", str(p)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read: {e}", str(p)) from None
    table = data.get("tool", {}).get("apigw-migrate") if isinstance(data.get("tool"), dict) else None
    if table is None:
        table = data if p.name != "pyproject.toml" else {}
    return parse_config(table, str(p))


def parse_config(table: dict, path: str) -> Config:
    from apigw_migrate.checks import unknown_ids

    def fail(message: str) -> UsageError:
        return UsageError(f"{path}: [tool.apigw-migrate] {message}")

    unknown_keys = sorted(set(table) - KEYS - {"tool"})
    if unknown_keys:
        raise fail(f"unknown key {unknown_keys[0]!r} (known: {', '.join(sorted(KEYS))})")

    def ids(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"{key} must be a list of rule ids")
        bad = unknown_ids(value)
        if bad:
            raise fail(f"{key}: unknown rule id {bad[0]!r} (see 'apigw-migrate rules')")
        return tuple(value)

    entries = []
    raw_at = table.get("ignore-at", [])
    if not isinstance(raw_at, list):
        raise fail("ignore-at must be an array of tables: [[tool.apigw-migrate.ignore-at]]")
    for entry in raw_at:
        if not isinstance(entry, dict) or not isinstance(entry.get("rule"), str) or not isinstance(entry.get("pointer"), str):
            raise fail('each ignore-at entry needs rule = "AGW…" and pointer = "/json/pointer/glob"')
        if unknown_ids([entry["rule"]]):
            raise fail(f"ignore-at: unknown rule id {entry['rule']!r} (see 'apigw-migrate rules')")
        entries.append(IgnoreAt(entry["rule"], entry["pointer"]))
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise fail(f"fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    routes = table.get("routes", {})
    if not isinstance(routes, dict):
        raise fail("routes must be a table of route key → overrides")
    vpc_links = table.get("vpc-links", {})
    if not isinstance(vpc_links, dict) or not all(isinstance(v, str) for v in vpc_links.values()):
        raise fail('vpc-links must be a table of REST link id = "V2_LINK_ID,LISTENER_ARN"')
    return Config(
        path=path,
        select=ids("select"),
        ignore=ids("ignore"),
        ignore_at=tuple(entries),
        fail_on=fail_on,
        routes=routes,
        vpc_links=dict(vpc_links),
    )
