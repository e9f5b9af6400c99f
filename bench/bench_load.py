"""Load time of a 1,500-operation REST export, JSON and YAML, against the bare parsers.

    python bench/bench_load.py [N_OPERATIONS]     (default 1500)

Target: `apigw_migrate.load.load` under 3 s for each format. The ratio columns compare with
`json.load`, ruamel.yaml's safe and round-trip loaders (what the loader avoids) and PyYAML's C
loader. The JSON position table is built lazily, on the first line asked for; its build time is
printed apart because a clean check never pays it.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, write  # noqa: E402
from timing import best_of  # noqa: E402

from apigw_migrate.load import load  # noqa: E402

TARGET_S = 3.0


def main() -> int:
    n_ops = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    doc = generate(n_ops)
    with tempfile.TemporaryDirectory() as tmp:
        json_path = write(doc, Path(tmp) / "export.json")
        yaml_path = write(doc, Path(tmp) / "export.yaml")
        print(f"{n_ops} operations: JSON {json_path.stat().st_size:,} bytes, YAML {yaml_path.stat().st_size:,} bytes")

        json_s = best_of(lambda: load(json_path), 5)
        json_base = best_of(lambda: json.loads(json_path.read_text()), 5)
        src = load(json_path)
        last_op = src.api_pointer("/paths/" + list(src.api["paths"])[-1].replace("~", "~0").replace("/", "~1"))
        positions_s = best_of(lambda: load(json_path).locate(last_op), 3) - json_s

        yaml_s = best_of(lambda: load(yaml_path), 3)
        rows = [("apigw_migrate load (JSON)", json_s, json_base, "json.loads")]

        import yaml
        from ruamel.yaml import YAML

        text = yaml_path.read_text()
        pyyaml_c = best_of(lambda: yaml.load(text, Loader=yaml.CSafeLoader), 3)
        ruamel_safe = best_of(lambda: YAML(typ="safe", pure=True).load(text), 1)
        ruamel_rt = best_of(lambda: YAML(typ="rt").load(text), 1)
        rows.append(("apigw_migrate load (YAML)", yaml_s, pyyaml_c, "PyYAML CSafeLoader"))

    print(f"\n{'what':32} {'seconds':>8}  {'vs':>6}  baseline")
    for name, seconds, base, base_name in rows:
        print(f"{name:32} {seconds:8.3f}  {seconds / base:5.1f}x  {base_name} {base:.3f} s")
    print(f"{'JSON position table (lazy)':32} {max(positions_s, 0):8.3f}")
    print(f"{'ruamel.yaml safe (pure)':32} {ruamel_safe:8.3f}  {ruamel_safe / yaml_s:5.1f}x  slower than our YAML load")
    print(f"{'ruamel.yaml round-trip':32} {ruamel_rt:8.3f}  {ruamel_rt / yaml_s:5.1f}x  slower than our YAML load")
    ok = json_s < TARGET_S and yaml_s < TARGET_S
    print(f"\ntarget < {TARGET_S:.0f} s per format: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
