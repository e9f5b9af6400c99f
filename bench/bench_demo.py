"""Wall time of `apigw-migrate demo`, stage by stage, in a fresh interpreter.

    python bench/bench_demo.py

The issue's target: the whole demo in under 30 seconds. Each stage header the demo prints is timed as it
arrives, so the slowest stages show; exits 1 when the demo fails or misses the target.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time

TARGET = 30.0


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "apigw_migrate", "demo", "--dir", folder],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        stages: list[tuple[str, float]] = [("start-up and the local AWS", started)]
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("== "):
                stages.append((line[3:].strip(), time.perf_counter()))
        code = process.wait()
        total = time.perf_counter() - started
    stages.append(("end", started + total))
    for (name, at), (_, until) in zip(stages, stages[1:]):
        print(f"{until - at:6.2f} s  {name}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{total:6.2f} s  total (target < {TARGET:g} s), exit code {code}")
    # On a shared machine the wall time follows the load; the CPU time is what the demo itself needs.
    print(f"{usage.ru_utime + usage.ru_stime:6.2f} s  CPU time of the demo process")
    return 0 if code == 0 and total < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
