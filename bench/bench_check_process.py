"""A whole `apigw-migrate check` process against a `json.load` process of the same file.

    python bench/bench_check_process.py [N] [REPEAT]

Writes a synthetic N-operation export (default 1,500; bench/generate.py) as JSON, then runs, REPEAT
times each (default 7), alternating: `python -c "import json; json.load(open(F))"` and
`apigw-migrate check F --format json --fail-on never`. Prints the best wall time of each (the least
disturbed run), their CPU times, the check's peak memory (max RSS) and the ratio of the wall times.
Targets: the check process within 8× the json.load process, and under 100 MiB.

This is the user's view: interpreter start, imports, parsing, the analysis that `convert` shares,
locating every finding and rendering the report. An installed package runs from compiled bytecode,
so the processes run with it (PYTHONDONTWRITEBYTECODE removed, bytecode kept under a temporary
PYTHONPYCACHEPREFIX, one warm-up run each). The machine's load moves both numbers; alternating and
taking the best of several runs keeps the ratio meaningful on a busy machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

TARGET_RATIO = 8.0
TARGET_MIB = 100.0


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, max RSS MiB) of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    exe = str(Path(sys.executable).with_name("apigw-migrate"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export-{n}.json"
        path.write_text(json.dumps(generate(n), indent=2), encoding="utf-8")
        load_cmd = [sys.executable, "-c", f"import json; json.load(open({str(path)!r}, encoding='utf-8'))"]
        check_cmd = [exe, "check", str(path), "--format", "json", "--fail-on", "never"]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        run(load_cmd, env), run(check_cmd, env)  # warm-up: compile the bytecode once
        loads, checks = [], []
        for _ in range(repeat):
            loads.append(run(load_cmd, env))
            checks.append(run(check_cmd, env))
    load_wall, load_cpu = min(w for w, _, _ in loads), min(c for _, c, _ in loads)
    check_wall, check_cpu = min(w for w, _, _ in checks), min(c for _, c, _ in checks)
    rss = max(r for _, _, r in checks)
    ratio = check_wall / load_wall
    print(f"{n} operations, best of {repeat} alternating runs")
    print(f"json.load process  wall {load_wall:6.3f} s   cpu {load_cpu:6.3f} s")
    print(f"check process      wall {check_wall:6.3f} s   cpu {check_cpu:6.3f} s   max RSS {rss:5.1f} MiB")
    print(f"ratio (wall) {ratio:.1f}x (target ≤ {TARGET_RATIO:.0f}x), cpu {check_cpu / load_cpu:.1f}x; memory target < {TARGET_MIB:.0f} MiB")
    ok = ratio <= TARGET_RATIO and rss < TARGET_MIB
    print("ok" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
