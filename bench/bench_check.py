"""Check time against the JSON parse, on synthetic REST exports of 375 to 3000 operations.

    python bench/bench_check.py

For each size it writes a synthetic export (bench/generate.py) as JSON to a temporary folder and
prints: `json.load` time, in-process check time (load + run_checks, findings located), the ratio
between the two, and the time of a whole `apigw-migrate check --format json` process. Target:
in-process check ≤ 10× the JSON parse, and times that grow linearly with the size.

The in-process time is split into its parts, so a regression shows where it is: `load` (parse and
$ref checks), `rules` (every rule on a freshly loaded source, findings not yet located),
`positions` (locating every finding in one pass over the JSON text) and `engine` (the rest:
ignores, verdicts, the report).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402
from timing import best_of  # noqa: E402

from apigw_migrate.checks import ALL_RULES, run_checks  # noqa: E402
from apigw_migrate.load import load  # noqa: E402

SIZES = (375, 750, 1500, 3000)
TARGET_RATIO = 10.0



def check_in_process(path: Path) -> int:
    report = run_checks([load(path)])
    return len(report.findings())


def parts(path: Path, check: float) -> tuple[float, float, float, float]:
    """(load, rules, positions, engine) times, each the best of three on fresh sources."""
    load_t = best_of(lambda: load(path))

    def rules() -> None:
        src = load(path)
        for r in ALL_RULES:
            list(r.run(src))

    rules_t = max(best_of(rules) - load_t, 0.0)
    src = load(path)
    pointers = [f.pointer for r in ALL_RULES for f in r.run(src)]
    positions_t = best_of(lambda: load(path).positions.locate_many(pointers)) - load_t
    positions_t = max(positions_t, 0.0)
    return load_t, rules_t, positions_t, max(check - load_t - rules_t - positions_t, 0.0)


def main() -> int:
    exe = Path(sys.executable).with_name("apigw-migrate")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            path = Path(tmp) / f"export-{n}.json"
            path.write_text(json.dumps(generate(n), indent=2), encoding="utf-8")
            parse = best_of(lambda: json.loads(path.read_text(encoding="utf-8")))
            findings = check_in_process(path)
            check = best_of(lambda: check_in_process(path))
            started = time.perf_counter()
            proc = subprocess.run([str(exe), "check", str(path), "--format", "json", "--fail-on", "never"], capture_output=True)
            cli = time.perf_counter() - started
            if proc.returncode != 0:
                print(proc.stderr.decode(), file=sys.stderr)
                return 2
            rows.append((n, path.stat().st_size, parse, check, check / parse, cli, findings, *parts(path, check)))
    print(
        f"{'ops':>6} {'bytes':>10} {'json.load':>10} {'check':>9} {'ratio':>7} {'CLI':>7} {'findings':>9}"
        f" | {'load':>8} {'rules':>8} {'positions':>10} {'engine':>8}"
    )
    for n, size, parse, check, ratio, cli, findings, load_t, rules_t, pos_t, engine_t in rows:
        print(
            f"{n:>6} {size:>10,} {parse * 1000:>8.1f}ms {check * 1000:>7.1f}ms {ratio:>6.1f}x {cli:>6.2f}s {findings:>9}"
            f" | {load_t * 1000:>6.1f}ms {rules_t * 1000:>6.1f}ms {pos_t * 1000:>8.1f}ms {engine_t * 1000:>6.1f}ms"
        )
    first, last = rows[0], rows[-1]
    growth = (last[3] / first[3]) / (last[0] / first[0])
    print(f"check time growth per size growth, {first[0]}→{last[0]} ops: {growth:.2f} (1.0 = linear)")
    worst = max(r[4] for r in rows)
    print(f"worst ratio {worst:.1f}x (target ≤ {TARGET_RATIO:.0f}x): {'ok' if worst <= TARGET_RATIO else 'OVER TARGET'}")
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
