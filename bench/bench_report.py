"""`report` on an estate: how much the report adds on top of checking the APIs.

    python bench/bench_report.py [APIS] [OPS]

Writes APIS synthetic exports of OPS operations each (bench/generate.py; default 40 × 150) to a
temporary folder and prints, best of three: the check of every API (load + run_checks, which the
report reuses), arranging the report (work left, money), rendering HTML and Markdown, and the
sizes of both. Target: the report's own work (build + HTML + Markdown) ≤ 50 % of the check time.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, write  # noqa: E402
from timing import best_of  # noqa: E402

from apigw_migrate.pricing import default_prices  # noqa: E402
from apigw_migrate.report import build, collect, render_markdown  # noqa: E402
from apigw_migrate.report_html import render_html  # noqa: E402

TARGET = 0.5


def main() -> int:
    apis = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    ops = int(sys.argv[2]) if len(sys.argv) > 2 else 150
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(apis):
            write(generate(ops, seed=i), Path(tmp) / f"api-{i:03d}.json")
        check_t = best_of(lambda: collect([tmp]))
        views, errors = collect([tmp])
        counts = {i: (50_000_000 * (i + 1), "bench") for i in range(len(views))}
        report = build(views, default_prices(), counts, None, errors)
        # build only fills each view's work and cost, so running it again on the same views measures it alone
        build_t = best_of(lambda: build(views, default_prices(), counts, None, errors))
        html_t = best_of(lambda: render_html(report))
        md_t = best_of(lambda: render_markdown(report))
        html, md = render_html(report), render_markdown(report)
    own = build_t + html_t + md_t
    print(f"{apis} APIs × {ops} operations, {sum(len(v.result.findings) for v in views)} findings")
    print(f"check (reused)   {check_t:7.3f} s")
    print(f"build            {build_t:7.3f} s")
    print(f"render html      {html_t:7.3f} s  ({len(html) / 1e6:.1f} MB)")
    print(f"render markdown  {md_t:7.3f} s  ({len(md):,} characters)")
    print(f"report's own work / check: {own / check_t:.2f} (target ≤ {TARGET})")
    return 0 if own <= TARGET * check_t else 1


if __name__ == "__main__":
    sys.exit(main())
