"""Run every bench/bench_*.py in its own interpreter and print what each reports.

    python bench/run.py [NAME_FRAGMENT...]      e.g. python bench/run.py load startup

Exit code 1 when any benchmark misses its target (exits non-zero).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(f in s.stem for f in argv)]
    failed = []
    for script in scripts:
        print(f"=== {script.name}", flush=True)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode
        print(f"--- {script.name}: exit {code} in {time.perf_counter() - started:.1f} s\n", flush=True)
        if code:
            failed.append(script.name)
    if failed:
        print(f"missed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
