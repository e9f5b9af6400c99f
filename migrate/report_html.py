"""The report as one self-contained HTML page: inline CSS, inline SVG charts, a small sorting script.

Nothing is loaded at view time: no fonts, scripts, styles or images from anywhere. A strict
Content-Security-Policy says so to the browser (only the page's own style and script, by hash),
so a page that tried to load something would be stopped, not just "not meant to". Links (rule
documentation, the price list's source) are navigation, not loads. Every text taken from an input
(API names, routes, messages, journal fields) goes through `esc`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from apigw_migrate.findings import Finding
from apigw_migrate.pricing import money
from apigw_migrate.render import VERDICT_TEXT, location
from apigw_migrate.report import (
    ACTIONS,
    HTTP_NO_CACHE,
    ApiView,
    Report,
    cache_amount,
    cache_fate,
    money_notes,
    region_note,
    share,
)

if TYPE_CHECKING:
    from apigw_migrate.timeline import Timeline

VERDICT_COLORS = {"ready": "#2e7d32", "ready-with-changes": "#689f38", "partial": "#f9a825", "stay-on-rest": "#c62828"}
GATE_COLORS = {"pass": "#2e7d32", "fail": "#c62828", "insufficient": "#9e9e9e"}
RULE_ID = re.compile(r"AGW\d{3}")

CSS = """
:root{color-scheme:light;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1100px;padding:24px 32px 64px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:17px;margin:24px 0 6px}h4{font-size:15px;margin:16px 0 4px}
.muted,.note{color:var(--muted)}.note{font-size:13px;margin:4px 0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px;background:var(--soft)}
.card b{display:block;font-size:22px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:13px;font-weight:600;white-space:nowrap}
.v-ready{background:#2e7d32}.v-ready-with-changes{background:#689f38}.v-partial{background:#f9a825;color:#1b1f24}.v-stay-on-rest{background:#c62828}
.g-pass{background:#2e7d32}.g-fail{background:#c62828}.g-insufficient{background:#6e7781}
.s-blocker{color:#c62828;font-weight:600}.s-warning{color:#9a6700;font-weight:600}.s-info{color:#0969da}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:14px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
th button{all:unset;cursor:pointer;font-weight:600}th button:focus-visible{outline:2px solid #0969da}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:0 3px;border-radius:3px;word-break:break-word}
a{color:#0969da}svg{display:block;max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:#1b1f24}
ul.work{padding-left:20px}ul.work li{margin:4px 0}
details{margin:4px 0}summary{cursor:pointer;color:var(--muted)}
.warn{border-left:4px solid #f9a825;background:#fff8e1;padding:8px 12px;margin:12px 0}
.bad{border-left:4px solid #c62828;background:#ffebee;padding:8px 12px;margin:12px 0}
@media print{body{max-width:none;padding:0}details{display:block}}
"""

# Sorts a table by a clicked header (numbers by their data-sort value), and on load by `#sort=KEY`
# or `#sort=-KEY` (descending), so a sorted view can be linked to.
JS = """
(function(){
function val(td){var v=td.getAttribute('data-sort');return v===null?td.textContent.trim().toLowerCase():parseFloat(v);}
function sort(table,col,desc){
var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=val(a.cells[col]),y=val(b.cells[col]);
var r=(typeof x==='number'&&typeof y==='number')?x-y:String(x).localeCompare(String(y));return desc?-r:r;});
rows.forEach(function(r){body.appendChild(r);});
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){th.setAttribute('aria-sort',i===col?(desc?'descending':'ascending'):'none');});
}
Array.prototype.forEach.call(document.querySelectorAll('table.sortable'),function(table){
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
var b=th.querySelector('button');if(b){b.addEventListener('click',function(){sort(table,i,th.getAttribute('aria-sort')==='ascending');});}
});});
var m=/^#sort=(-?)([a-z-]+)$/.exec(location.hash);
if(m){var th=document.querySelector('table.sortable th[data-key="'+m[2]+'"]');if(th){sort(th.closest('table'),th.cellIndex,m[1]==='-');}}
})();
"""


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


CSP = (
    f"default-src 'none'; style-src {csp_hash(CSS)}; script-src {csp_hash(JS)}; img-src 'none'; "
    "connect-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'"
)


def rule_link(rule: str, text: str | None = None) -> str:
    """A link to the rule's documentation; a rule id that is not one (from a foreign JSON report) stays plain text."""
    from apigw_migrate.render import RULE_DOCS_URL

    label = esc(text if text is not None else rule)
    if not RULE_ID.fullmatch(rule):
        return label
    return f'<a href="{esc(RULE_DOCS_URL.format(id=rule))}">{label}</a>'


def badge(verdict: str) -> str:
    return f'<span class="badge v-{esc(verdict)}">{esc(verdict)}</span>'


def render_html(report: Report) -> str:
    s = report.summary()
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        "<title>API Gateway migration report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>API Gateway migration report</h1>",
        f'<p class="muted">{s["apis"]} API{"s" if s["apis"] != 1 else ""} · generated '
        f"{report.generated_at:%Y-%m-%d %H:%M}Z by apigw-migrate</p>",
        _cards(report),
        _estate(report),
        _money(report),
    ]
    if report.timeline is not None:
        parts.append(_cutover(report.timeline))
    if report.apis:
        parts.append(_api_table(report))
        parts.append("<h2>Each API</h2>")
        parts.extend(_api_section(i, v) for i, v in enumerate(report.apis))
    if report.errors:
        parts.append("<h2>Inputs that could not be read</h2><ul>")
        parts.extend(f"<li><code>{esc(p)}</code>: {esc(m)}</li>" for p, m in report.errors)
        parts.append("</ul>")
    parts.append(f"<script>{JS}</script></body></html>")
    return "\n".join(parts) + "\n"


def _cards(report: Report) -> str:
    s = report.summary()
    cards = [(str(s["apis"]), "APIs")]
    cards += [(str(n), v) for v, n in s["verdicts"].items()]
    cards.append((str(sum(s["blockersByRule"].values())), "blockers"))
    if report.money is not None:
        cards.append((money(report.money.saving), "saved per month"))
    if report.timeline is not None:
        from apigw_migrate.timeline import fmt_share

        cards.append((fmt_share(report.timeline.final_share), "on HTTP at the end of the run"))
    return '<div class="cards">' + "".join(f'<div class="card"><b>{esc(a)}</b>{esc(b)}</div>' for a, b in cards) + "</div>"


def _estate(report: Report) -> str:
    if not report.apis:
        return ""
    s = report.summary()
    out = ["<h2>Estate by verdict</h2>"]
    out.append(bar_chart([(v, n, VERDICT_COLORS[v], None, str(n)) for v, n in s["verdicts"].items()], "APIs by verdict"))
    out.append("<ul>" + "".join(f"<li>{badge(v)} {esc(VERDICT_TEXT[v])}</li>" for v in s["verdicts"]) + "</ul>")
    out.append("<h2>Blockers by rule</h2>")
    if s["blockersByRule"]:
        from apigw_migrate.checks import RULES_BY_ID
        from apigw_migrate.render import RULE_DOCS_URL

        rows = []
        for rule, n in sorted(s["blockersByRule"].items(), key=lambda kv: (-kv[1], kv[0])):
            name = RULES_BY_ID[rule].name if rule in RULES_BY_ID else ""
            href = RULE_DOCS_URL.format(id=rule) if RULE_ID.fullmatch(rule) else None
            rows.append((f"{rule} {name}".strip(), n, "#c62828", href, str(n)))
        out.append(bar_chart(rows, "blockers by rule"))
    else:
        out.append("<p>No blockers: every API can move, at most with changes.</p>")
    return "\n".join(out)


def bar_chart(rows: list[tuple[str, float, str, str | None, str]], title: str, label_width: int = 280) -> str:
    """Horizontal bars: (label, value, colour, link or None, value text) per row."""
    width, row_h, top = 760, 28, 6
    top_value = max((float(r[1]) for r in rows), default=0) or 1
    span = width - label_width - 110
    height = top + row_h * len(rows) + 4
    out = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">']
    for i, (label, value, color, href, text) in enumerate(rows):
        y = top + i * row_h
        w = max(0.0, float(value) / top_value * span)
        shown = label if len(label) <= 42 else label[:41] + "…"
        label_svg = f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">{esc(shown)}<title>{esc(label)}</title></text>'
        if href:
            label_svg = f'<a href="{esc(href)}">{label_svg}</a>'
        out.append(label_svg)
        out.append(f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" rx="3" fill="{color}"/>')
        out.append(f'<text x="{label_width + w + 6:.1f}" y="{y + 17}">{esc(text)}</text>')
    out.append("</svg>")
    return "".join(out)


def _money(report: Report) -> str:
    m = report.money
    out = ["<h2>Money per month</h2>"]
    if m is None:
        out.append(
            "<p>No request counts were given, so no amounts: pass <code>--requests-per-month N</code> "
            "(or <code>NAME=N</code> per API), or read CloudWatch with <code>--region</code>.</p>"
        )
    else:
        out.append(
            bar_chart(
                [
                    ("REST today", float(m.now), "#8c959f", None, money(m.now)),
                    ("after the move", float(m.after), "#2e7d32", None, money(m.after)),
                ],
                "monthly cost now and after",
                label_width=160,
            )
        )
        out.append(
            f"<p><b>{esc(money(m.saving))} saved per month</b> ({esc(share(m.saving, m.now))}) on "
            f"{m.requests:,} requests a month.</p>"
        )
        out.append('<table><thead><tr><th></th><th class="n">REST now</th><th class="n">After</th><th class="n">Saving</th></tr></thead><tbody>')
        req_after = m.rest_after + m.http_after
        out.append(_money_row(f"Requests ({m.requests:,})", m.rest_now, req_after))
        out.append(_money_row("REST caches", m.caches_now, m.caches_after))
        out.append(_money_row("Total", m.now, m.after, bold=True))
        out.append("</tbody></table>")
    caches = [v for v in report.apis if v.cache]
    if caches:
        out.append("<h3>REST caches</h3>")
        out.append(f'<p class="warn">{esc(HTTP_NO_CACHE)}</p>')
        out.append('<table><thead><tr><th>API</th><th>Stage</th><th class="n">Size</th><th class="n">Per month</th><th>On the move</th></tr></thead><tbody>')
        for v in caches:
            c = v.cache
            assert c is not None
            out.append(
                f'<tr><td>{esc(v.title)}</td><td>{esc(c.stage)}</td><td class="n">{esc(c.size)} GB</td>'
                f'<td class="n">{esc(cache_amount(c))}</td><td>{esc(cache_fate(v))}</td></tr>'
            )
        out.append("</tbody></table>")
    notes = [n for n in money_notes(report) if n != HTTP_NO_CACHE]
    p = report.prices
    out.append(
        f'<p class="note">Price list: {esc(p.name)}, as of {esc(p.date)}, from <a href="{esc(p.source)}">{esc(p.source)}</a>. '
        f"{esc(region_note(report))}</p>"
    )
    out.extend(f'<p class="note">{esc(n)}</p>' for n in notes)
    return "\n".join(out)


def _money_row(label: str, now: Decimal, after: Decimal, bold: bool = False) -> str:
    cells = [esc(label), esc(money(now)), esc(money(after)), esc(money(now - after))]
    if bold:
        cells = [f"<b>{c}</b>" for c in cells]
    return f'<tr><td>{cells[0]}</td><td class="n">{cells[1]}</td><td class="n">{cells[2]}</td><td class="n">{cells[3]}</td></tr>'


def _cutover(t: "Timeline") -> str:
    from apigw_migrate.timeline import fmt_share, stamp

    out = [f"<h2>Cutover of {esc(t.domain)}</h2>"]
    out.append(
        f'<p class="muted">Strategy {esc(t.strategy)} · plan <code>{esc(t.plan)}</code> · journal <code>{esc(t.path)}</code> · '
        f"{esc(stamp(t.start))} to {esc(stamp(t.end))}</p>"
    )
    cls = "bad" if t.rollbacks else "note"
    out.append(f'<p class="{cls}"><b>Outcome:</b> {esc(t.outcome)}</p>')
    out.append(timeline_chart(t))
    out.append("<h3>Share of traffic on HTTP</h3><table><thead><tr><th>Time</th><th class=\"n\">Share on HTTP</th><th>What</th></tr></thead><tbody>")
    out.extend(f'<tr><td>{esc(stamp(p.time))}</td><td class="n">{esc(fmt_share(p.share))}</td><td>{esc(p.label)}</td></tr>' for p in t.points)
    out.append("</tbody></table>")
    rows = [(step, check, g) for step in t.steps for check in step.checks for g in check.gates]
    if rows:
        out.append(
            "<h3>Gates</h3><table><thead><tr><th>Step</th><th>Time</th><th>Gate</th><th class=\"n\">HTTP value</th>"
            "<th class=\"n\">REST value</th><th class=\"n\">Threshold</th><th>Verdict</th></tr></thead><tbody>"
        )
        for step, check, g in rows:
            out.append(
                f"<tr><td>{esc(step.name)}</td><td>{esc(stamp(check.time))}</td><td>{esc(g.name)}</td>"
                f'<td class="n">{_num(g.value)}</td><td class="n">{_num(g.rest_value)}</td><td class="n">{_num(g.threshold)}</td>'
                f'<td><span class="badge g-{esc(g.verdict)}">{_gate_badge(g.verdict)}</span></td></tr>'
            )
        out.append("</tbody></table>")
    for r in t.rollbacks:
        end = stamp(r.finished) if r.finished else "not recorded as finished"
        after = f", {fmt_share(r.share)} on HTTP after it" if r.share is not None else ""
        out.append(
            f'<p class="bad"><b>Rollback</b> started {esc(stamp(r.started))}, {esc(r.status)} {esc(end)}{esc(after)}: '
            f"{esc(r.message or 'no reason recorded')}</p>"
        )
    return "\n".join(out)


def _gate_badge(verdict: str) -> str:
    return {"pass": "✔ pass", "fail": "✘ fail", "insufficient": "… insufficient data"}.get(verdict, esc(verdict))


def _num(value: float | None) -> str:
    return "–" if value is None else esc(f"{value:g}")


def timeline_chart(t: "Timeline") -> str:
    """Share on HTTP (0-100 %) over time as a step line; gate checks as dots; rollbacks as red lines."""
    from apigw_migrate.timeline import stamp

    width, height, left, right, top, bottom = 760, 260, 48, 16, 12, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    start, end = t.start.timestamp(), t.end.timestamp()
    span = (end - start) or 1.0

    def x(when: datetime) -> float:
        return left + (when.timestamp() - start) / span * plot_w

    def y(share_: float) -> float:
        return top + plot_h - share_ / 100 * plot_h

    out = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="share of traffic on HTTP over time">']
    for tick in (0, 25, 50, 75, 100):
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#d0d7de" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}%</text>')
    path = []
    for i, p in enumerate(t.points):
        px, py = x(p.time), y(p.share)
        if i == 0:
            path.append(f"M{px:.1f},{py:.1f}")
        else:
            path.append(f"H{px:.1f}V{py:.1f}")
    path.append(f"H{x(t.end):.1f}")
    out.append(f'<path d="{"".join(path)}" fill="none" stroke="#0969da" stroke-width="2.5"/>')
    for p in t.points:
        out.append(f'<circle cx="{x(p.time):.1f}" cy="{y(p.share):.1f}" r="3.5" fill="#0969da"><title>{esc(stamp(p.time))}: {esc(p.share)}% ({esc(p.label)})</title></circle>')
    gate_y = top + plot_h + 14
    for step in t.steps:
        for check in step.checks:
            detail = "; ".join(f"{g.name} {_plain(g.value)} vs {_plain(g.threshold)} ({g.verdict})" for g in check.gates)
            out.append(
                f'<circle cx="{x(check.time):.1f}" cy="{gate_y}" r="5" fill="{GATE_COLORS.get(check.status, "#9e9e9e")}">'
                f"<title>{esc(stamp(check.time))} gate {esc(check.status)} at {esc(step.name)}: {esc(detail)}</title></circle>"
            )
    for r in t.rollbacks:
        rx = x(r.started)
        out.append(f'<line x1="{rx:.1f}" x2="{rx:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#c62828" stroke-width="2" stroke-dasharray="5 3"/>')
        # The label goes on the side with room: a rollback near the end of the run is drawn at the right edge.
        anchor, dx = ("end", -4) if rx > left + plot_w * 0.7 else ("start", 4)
        out.append(
            f'<text x="{rx + dx:.1f}" y="{top + 12}" text-anchor="{anchor}" fill="#c62828">rollback {esc(stamp(r.started)[11:])}</text>'
        )
    out.append(f'<text x="{left}" y="{gate_y + 4}" text-anchor="end" dx="-6">gates</text>')
    out.append(f'<text x="{left}" y="{height - 8}">{esc(stamp(t.start))}</text>')
    out.append(f'<text x="{width - right}" y="{height - 8}" text-anchor="end">{esc(stamp(t.end))}</text>')
    out.append("</svg>")
    return "".join(out)


def _plain(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


COLUMNS = (
    ("api", "API", False),
    ("verdict", "Verdict", False),
    ("ready", "Routes ready", True),
    ("change", "Needs change", True),
    ("blocked", "Blocked", True),
    ("blockers", "Blockers", True),
    ("requests", "Requests / month", True),
    ("now", "REST now", True),
    ("after", "After", True),
    ("saving", "Saving", True),
)
VERDICT_ORDER = {v: i for i, v in enumerate(("ready", "ready-with-changes", "partial", "stay-on-rest"))}


def _api_table(report: Report) -> str:
    head = "".join(
        f'<th data-key="{key}" aria-sort="none"{" class=n" if numeric else ""}><button type="button">{esc(title)}</button></th>'
        for key, title, numeric in COLUMNS
    )
    out = [
        "<h2>APIs</h2>",
        '<p class="note">Click a column to sort; link a sorted view with <code>#sort=saving</code> (or <code>#sort=-saving</code> for largest first).</p>',
        f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>',
    ]
    for i, v in enumerate(report.apis):
        r = v.result.summary()["routes"]
        c = v.cost

        def num(value: object, text: str) -> str:
            return f'<td class="n" data-sort="{esc(value)}">{esc(text)}</td>'

        cells = [
            f'<td><a href="#api-{i}">{esc(v.title)}</a>{f" <span class=muted>{esc(v.stage)}</span>" if v.stage else ""}</td>',
            f'<td data-sort="{VERDICT_ORDER.get(v.verdict, 9)}">{badge(v.verdict)}</td>',
            num(r["ready"], str(r["ready"])),
            num(r["needs-change"], str(r["needs-change"])),
            num(r["blocked"], str(r["blocked"])),
            num(sum(v.blockers.values()), str(sum(v.blockers.values()))),
            num(c.requests if c else -1, f"{c.requests:,}" if c else "–"),
            num(c.now if c else -1, money(c.now) if c else "–"),
            num(c.after if c else -1, (money(c.after) + (" (part)" if c.moves == "part" else "")) if c else "–"),
            num(c.saving if c else -1, money(c.saving) if c else "–"),
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _route_list(routes: list[str], limit: int = 12) -> str:
    items = ", ".join(f"<code>{esc(r)}</code>" for r in routes[:limit])
    if len(routes) <= limit:
        return items
    rest = ", ".join(f"<code>{esc(r)}</code>" for r in routes[limit:])
    return f"{items} <details><summary>and {len(routes) - limit} more</summary>{rest}</details>"


def _api_section(i: int, v: ApiView) -> str:
    out = [f'<section id="api-{i}"><h3>{esc(v.label)} {badge(v.verdict)}</h3>', f"<p>{esc(VERDICT_TEXT[v.verdict])}.</p>"]
    meta = [f"file <code>{esc(v.result.source_path)}</code>"]
    if v.rest_api_id:
        meta.insert(0, f"REST API <code>{esc(v.rest_api_id)}</code>, stage <code>{esc(v.stage or '')}</code>, Region {esc(v.region or 'unknown')}")
    out.append(f'<p class="muted">{" · ".join(meta)}</p>')
    movable, blocked = v.result.movable_routes, v.result.blocked_routes
    out.append(f"<p><b>Routes ready to move ({len(movable)}):</b> {_route_list(movable) if movable else 'none'}</p>")
    if blocked:
        out.append(f"<p><b>Stay on REST ({len(blocked)}):</b> {_route_list(blocked)}</p>")
    if v.blockers:
        out.append("<p><b>Blockers by rule:</b> " + ", ".join(f"{rule_link(k)} ×{n}" for k, n in v.blockers.items()) + "</p>")
    if v.features:
        out.append("<p><b>REST-only features in use:</b> " + ", ".join(rule_link(f.rule, f.name) for f in v.features) + "</p>")
    if v.cache:
        fate = "kept while the API stays on REST" if v.moves == "none" else "retired on the move"
        out.append(
            f'<p class="warn">Stage cache of {esc(v.cache.size)} GB ({esc(cache_amount(v.cache))} a month): {esc(fate)}. '
            f"{esc(HTTP_NO_CACHE)}</p>"
        )
    if v.work:
        out.append("<h4>Work left</h4>")
    for key, title, hint in ACTIONS:
        items = v.work.get(key)
        if not items:
            continue
        out.append(f'<p><b>{esc(title)}</b> <span class="muted">({esc(hint)})</span></p><ul class="work">')
        for item in items:
            where = "the whole API" if item.whole_api else _route_list(item.routes, 5)
            findings = "".join(_finding(f) for f in item.findings)
            out.append(
                f'<li><span class="s-{esc(item.severity.value)}">{rule_link(item.rule)}</span> {esc(item.name)} ×{len(item.findings)} '
                f"({where}): {esc(item.instead)}"
                f"<details><summary>{len(item.findings)} finding{'s' if len(item.findings) != 1 else ''}</summary><ul>{findings}</ul></details></li>"
            )
        out.append("</ul>")
    if v.result.ignored:
        out.append(f'<p class="note">{len(v.result.ignored)} finding(s) ignored by configuration (counted, not listed here; see <code>check</code>).</p>')
    out.append("</section>")
    return "\n".join(out)


def _finding(f: Finding) -> str:
    where = location(f)
    return (
        f'<li>{rule_link(f.rule)} <span class="s-{esc(f.severity.value)}">{esc(f.severity.value)}</span> '
        f"{f'<code>{esc(where)}</code> ' if where else ''}{esc(f.message)}</li>"
    )
