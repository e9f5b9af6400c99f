"""Plan time on a synthetic N-operation REST API (default 1,500) behind a Regional domain, offline.

    python bench/bench_plan.py [N_OPS]

Wraps a synthetic export (bench/generate.py) in a bundle whose domain maps the REST stage at the root,
then times the parts of `plan --from-bundle` for the path strategy: reading the bundle with check's
findings and convert's Lambda list (`gather_bundle`), then the plan itself, whose cost is one `convert`
per route group (each group's re-rooted HTTP definition). Target: < 30 s for 1,500 operations.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from apigw_migrate.bundle import new_bundle  # noqa: E402
from apigw_migrate.cutover.plan import PlanRequest, gather_bundle, make_plan  # noqa: E402

TARGET_SECONDS = 30.0


def main() -> int:
    n_ops = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    bundle = new_bundle("a1b2c3d4e5", "prod", generate(n_ops), "get_export", restApiName="bench", region="us-east-1")
    bundle["domainNames"] = [{
        "domainName": "api.bench.example.com", "endpointConfiguration": {"types": ["REGIONAL"]}, "securityPolicy": "TLS_1_2",
        "regionalDomainName": "d-bench.execute-api.us-east-1.amazonaws.com", "regionalHostedZoneId": "Z1UJRXOUMOOFQ8",
        "mappings": [{"basePath": "(none)", "restApiId": "a1b2c3d4e5", "stage": "prod"}],
    }]
    request = PlanRequest(domain="api.bench.example.com", rest_api_id="a1b2c3d4e5", rest_stage="prod", http_api_id="h1j2k3l4m5",
                          strategy="path", force=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.bundle.json"
        path.write_text(json.dumps(bundle))
        start = time.perf_counter()
        facts = gather_bundle(str(path), request, None)
        gathered = time.perf_counter()
        outcome = make_plan(facts, request)
        done = time.perf_counter()
    groups = len(outcome.plan.settings["groups"])
    print(f"{n_ops} operations, {len(facts.rest_routes)} routes, {groups} route groups, {len(outcome.plan.steps)} steps")
    print(f"gather_bundle (load, check, convert): {gathered - start:6.2f} s")
    print(f"make_plan (a convert per group):      {done - gathered:6.2f} s")
    total = done - start
    print(f"total:                                {total:6.2f} s (target < {TARGET_SECONDS:g} s)")
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
