"""Convert time on a synthetic 1,500-operation REST export, split by pass and by validator.

    python bench/bench_convert.py [N_OPS]

Loads a synthetic export (bench/generate.py) written as JSON, then runs every convert pass in order
on a copy of the API, timing each one; `validate` is split into the project's HTTP import rules and
openapi-spec-validator. The whole `convert()` call (findings located, the check rules for what sits
outside the definition) is timed too. Target: < 3 s for `convert()` on 1,500 operations, of which
openapi-spec-validator is expected to take most.
"""

from __future__ import annotations

import copy
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, write  # noqa: E402

from apigw_migrate.load import load  # noqa: E402
from apigw_migrate.transforms import PASSES, ConvertOptions, convert  # noqa: E402
from apigw_migrate.transforms import http_rules  # noqa: E402
from apigw_migrate.transforms.context import Context, operations  # noqa: E402
from apigw_migrate.transforms.validate import spec_violations  # noqa: E402

TARGET_SECONDS = 3.0


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> int:
    n_ops = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.json"
        write(generate(n_ops), path)
        src, load_s = timed(lambda: load(path))
        options = ConvertOptions(jwt_audiences=("bench-client",), on_blocked="skip")

        ctx = Context(options=options, src=src)
        doc = copy.deepcopy(src.api)
        rows: list[tuple[str, float]] = []
        for step in PASSES:
            if step.__name__ == "validate":
                _, rules_s = timed(lambda: http_rules.check(doc))
                _, spec_s = timed(lambda: spec_violations(doc))
                rows += [("validate: http_rules", rules_s), ("validate: openapi-spec-validator", spec_s)]
                continue
            (doc, _), seconds = timed(lambda: step(doc, ctx))  # noqa: B023 - called at once
            rows.append((step.__name__, seconds))

        result, total = timed(lambda: convert(src, options))

    routes = sum(1 for _ in operations(result.document))
    print(f"convert of a {n_ops}-operation export ({routes} routes kept, {len(result.blocked_routes)} blocked, "
          f"{len(result.findings)} findings); load {load_s:.2f} s")  # fmt: skip
    for name, seconds in rows:
        print(f"  {name:<34} {seconds:6.3f} s")
    print(f"  {'sum of the passes':<34} {sum(s for _, s in rows):6.3f} s")
    print(f"  {'convert() as called by the CLI':<34} {total:6.3f} s   (target < {TARGET_SECONDS:.0f} s)")
    if result.violations:
        print(f"the converted document has {len(result.violations)} validation error(s), e.g. {result.violations[0]}")
        return 1
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
