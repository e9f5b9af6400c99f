"""Start-up time of `apigw-migrate --help`, and what it imports.

    python bench/bench_startup.py [REPEAT]      (default 7)

Prints the best wall time of REPEAT runs in a fresh interpreter and the heaviest top-level packages
imported (from `python -X importtime`). Fails when boto3, botocore, deepdiff or
openapi_spec_validator are imported just to print the help: commands import them when they run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter

FORBIDDEN = ("boto3", "botocore", "deepdiff", "openapi_spec_validator", "moto")
HELP = [sys.executable, "-c", "from apigw_migrate.cli import main; main(['--help'])"]


def best_wall_time(repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(HELP, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - started)
    return best


def imported_packages() -> Counter:
    """Cumulative import time (µs) per top-level package, from `-X importtime`."""
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    done = subprocess.run(HELP, check=True, capture_output=True, text=True, env=env)
    totals: Counter = Counter()
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(2)) <= 1:  # top-level imports only: their cumulative time
            totals[m.group(3).split(".")[0]] += int(m.group(1))
    return totals


def main() -> int:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    seconds = best_wall_time(repeat)
    packages = imported_packages()
    print(f"apigw-migrate --help: best of {repeat}: {seconds * 1000:.0f} ms")
    print("heaviest imports (cumulative ms):")
    for name, micros in packages.most_common(8):
        print(f"  {name:28} {micros / 1000:7.1f}")
    bad = sorted(name for name in packages if name in FORBIDDEN)
    if bad:
        print(f"FAIL: --help imports {', '.join(bad)}")
        return 1
    print(f"none of {', '.join(FORBIDDEN)} imported")
    return 0


if __name__ == "__main__":
    sys.exit(main())
