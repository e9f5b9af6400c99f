"""Time `apigw-migrate diff` on a large REST/HTTP pair, against one whole-document DeepDiff.

    python bench/bench_diff.py [N_OPERATIONS]     (default 1500)

The REST export comes from bench/generate.py's `generate(n_ops)`. The HTTP document is derived from
it the simple way (proxy types upper-cased, payload format 1.0, REST-only keys dropped), and every 20th
route (then every route) gets a real change so the per-route DeepDiff has work to do. There is no
target: it prints how many times faster than one whole-document DeepDiff the diff is.
"""

from __future__ import annotations

import copy
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402


def derive_http(rest: dict, change_every: int = 20) -> dict:
    http = copy.deepcopy(rest)
    http.pop("servers", None)
    http["x-amazon-apigateway-importexport-version"] = "1.0"
    n = 0
    for item in http["paths"].values():
        for op in item.values():
            integ = op.get("x-amazon-apigateway-integration") if isinstance(op, dict) else None
            if not isinstance(integ, dict):
                continue
            integ["type"] = str(integ.get("type", "")).upper()
            for key in ("passthroughBehavior", "requestTemplates", "responses", "cacheKeyParameters", "cacheNamespace"):
                integ.pop(key, None)
            if integ["type"] in ("AWS_PROXY", "HTTP_PROXY"):
                integ["payloadFormatVersion"] = "2.0" if n % change_every == 0 else "1.0"
            params = integ.pop("requestParameters", None)
            if isinstance(params, dict):
                integ["requestParameters"] = {
                    "overwrite:header." + k.rsplit(".", 1)[1].lower(): "$request.header." + v.rsplit(".", 1)[1].lower()
                    for k, v in params.items()
                    if k.startswith("integration.request.header.") and v.startswith("method.request.header.")
                }
            n += 1
    return http


def main() -> None:
    n_ops = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    from deepdiff import DeepDiff

    from apigw_migrate.diff import diff_sources, load_http_document
    from apigw_migrate.load import load

    rest = generate(n_ops)
    for label, change_every in (("every 20th route changed", 20), ("every route changed", 1)):
        http = derive_http(rest, change_every)
        with tempfile.TemporaryDirectory() as tmp:
            rest_path, http_path = Path(tmp, "rest.json"), Path(tmp, "http.json")
            rest_path.write_text(json.dumps(rest))
            http_path.write_text(json.dumps(http))
            start = time.perf_counter()
            rest_src, http_src = load(rest_path), load_http_document(str(http_path))
            loaded = time.perf_counter()
            result = diff_sources(rest_src, http_src)
            done = time.perf_counter()

        start_whole = time.perf_counter()
        DeepDiff(rest, http)
        whole = time.perf_counter() - start_whole

        s = result.summary()
        print(f"{label}: {s['routes']} routes ({s['unchanged']} unchanged, {s['changed']} changed)")
        print(f"  load both files:                         {(loaded - start) * 1000:8.1f} ms")
        print(f"  normalize + per-route DeepDiff:          {(done - loaded) * 1000:8.1f} ms")
        print(f"  one whole-document DeepDiff (in memory): {whole * 1000:8.1f} ms  ({whole / (done - loaded):.0f}x the diff)")


if __name__ == "__main__":
    main()
