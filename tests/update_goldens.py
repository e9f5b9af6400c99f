"""Rewrite every golden file from the current code and print the diff: ``python tests/update_goldens.py``.

Review the diff like code before committing it. ``--check`` only prints the diff and exits 1 when a
golden file would change. The tests themselves never write these files (see tests/goldens.py).
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parent.parent


def current_goldens() -> Iterator[tuple[Path, str]]:
    """(golden file, the text the current code gives) for every golden test case."""
    import test_convert_cli
    import test_pass_golden
    from goldens import dump

    for case in test_pass_golden.CASES:
        record, _, _ = test_pass_golden.run_case(case)
        yield test_pass_golden.golden_path(case), dump(record)
    with tempfile.TemporaryDirectory() as work:
        for i, key in enumerate(sorted(test_convert_cli.OUTCOMES)):
            folder = Path(work) / str(i)
            folder.mkdir()
            record, _ = test_convert_cli.fixture_record(key, folder)
            yield test_convert_cli.golden_path(key), dump(record)


def update(goldens: Iterable[tuple[Path, str]], write: bool = True) -> list[str]:
    """Write each changed golden file (unless `write` is False); the unified diff of every change."""
    diff: list[str] = []
    for path, text in goldens:
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old == text:
            continue
        name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        diff += difflib.unified_diff(old.splitlines(keepends=True), text.splitlines(keepends=True), f"a/{name}", f"b/{name}")
        if write:
            path.write_text(text, encoding="utf-8")
    return diff


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/update_goldens.py", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print the diff and exit 1 when a golden file would change; write nothing")
    args = parser.parse_args(argv)
    diff = update(current_goldens(), write=not args.check)
    sys.stdout.writelines(diff)
    changed = sum(1 for line in diff if line.startswith("+++ "))
    verb = "would change" if args.check else "rewritten; review the diff above before committing"
    print(f"{changed} golden file{'s' if changed != 1 else ''} {verb}", file=sys.stderr)
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
