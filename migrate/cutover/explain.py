"""A plan for people: a table on the terminal (`plan --explain`), Markdown with a Mermaid diagram for a change ticket."""

from __future__ import annotations

from typing import Any

from apigw_migrate.cutover.model import Call, Plan


def _duration(seconds: int) -> str:
    """
    >>> _duration(600), _duration(90), _duration(0)
    ('10m', '90s', '0s')
    """
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds and seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"


def describe_call(call: Call) -> str:
    """One line per call: operation and its telling parameters (lookups shown as <what>)."""
    shown = []
    for key, value in call.params.items():
        if key in ("DomainName", "HostedZoneId", "KvsARN", "IfMatch"):
            continue
        if key == "ChangeBatch":
            changes = value.get("Changes", [])
            parts = []
            for c in changes:
                r = c["ResourceRecordSet"]
                weight = f" weight {r['Weight']}" if "Weight" in r else ""
                parts.append(f"{c['Action']} {r.get('SetIdentifier', r['Name'])}{weight}")
            shown.append(", ".join(parts))
            continue
        shown.append(f"{key}={_value(value)}")
    return f"{call.service} {call.operation} " + " ".join(shown)


def _value(value: Any) -> str:
    """
    >>> _value({"lookup": "mapping_id", "key": ""}), _value({"lookup": "kvs_etag"}), _value("")
    ('<mapping_id (root)>', '<kvs_etag>', "''")
    """
    if isinstance(value, dict) and "lookup" in value:
        if value["lookup"] == "mapping_id":
            return f"<mapping_id {value.get('key') or '(root)'}>"
        detail = value.get("output", "")
        return f"<{value['lookup']} {detail}>" if detail else f"<{value['lookup']}>"
    if value == "":
        return "''"
    return str(value)


def gate_summary(plan: Plan) -> str:
    g = plan.gates
    parts = [f"5xx ≤ {g.max_5xx_rate:.2%} and ≤ {g.max_5xx_ratio}× REST", f"4xx ≤ {g.max_4xx_rate:.2%} and ≤ {g.max_4xx_ratio}× REST",
             f"p99 ≤ {g.max_p99_ms:g} ms and ≤ {g.max_p99_ratio}× REST", f"avg latency ≤ {g.max_avg_latency_ratio}× REST",
             f"at least {g.min_requests} requests per {_duration(g.window)}"]
    if g.alarms:
        parts.append("alarms OK: " + ", ".join(g.alarms))
    if g.parity:
        parts.append(f"parity probe: {g.parity.requests}")
    return "; ".join(parts)


def text(plan: Plan) -> str:
    """A plain table (the terminal renders the same rows with rich)."""
    lines = [f"{plan.strategy} cutover of {plan.domain.name}: REST {plan.rest.api_id}/{plan.rest.stage} → HTTP {plan.http.api_id}/{plan.http.stage}",
             f"why: {plan.why}", f"gates: {gate_summary(plan)}", ""]
    for i, step in enumerate(plan.steps, 1):
        lines.append(f"{i}. {step.name}  [{step.share:g}% on HTTP, bake {_duration(step.bake)}]")
        lines.extend(f"     do:   {describe_call(c)}" for c in step.calls)
        lines.extend(f"     undo: {describe_call(c)}" for c in step.rollback)
    if plan.preflight:
        lines.append("")
        lines.append("preflight:")
        lines.extend(f"  {p.rule} {p.severity}: {p.message}" for p in plan.preflight)
    return "\n".join(lines) + "\n"


def render_rich(plan: Plan, console: Any) -> None:
    """The same rows as `text`, as a table on a terminal."""
    from rich.table import Table

    console.print(f"[bold]{plan.strategy}[/bold] cutover of {plan.domain.name}: REST {plan.rest.api_id}/{plan.rest.stage} "
                  f"→ HTTP {plan.http.api_id}/{plan.http.stage}", markup=True, highlight=False)
    console.print(f"why: {plan.why}", markup=False, highlight=False)
    console.print(f"gates: {gate_summary(plan)}", markup=False, highlight=False)
    table = Table(show_lines=True)
    for column in ("#", "step", "HTTP share", "bake", "calls", "rollback"):
        table.add_column(column)
    for i, step in enumerate(plan.steps, 1):
        table.add_row(str(i), step.name, f"{step.share:g}%", _duration(step.bake),
                      "\n".join(describe_call(c) for c in step.calls), "\n".join(describe_call(c) for c in step.rollback))
    console.print(table)
    for p in plan.preflight:
        console.print(f"{p.rule} {p.severity}: {p.message}", markup=False, highlight=False)


def markdown(plan: Plan) -> str:
    """For a change ticket: summary, Mermaid diagram of steps, shares and gates, the calls and rollbacks, preflight."""
    out = [f"# Cutover of `{plan.domain.name}` ({plan.strategy})", "",
           f"REST `{plan.rest.api_id}` stage `{plan.rest.stage}` → HTTP `{plan.http.api_id}` stage `{plan.http.stage}`.", "",
           f"**Why {plan.strategy}:** {plan.why}.", "",
           f"**Gates after every step:** {gate_summary(plan)}. Too little data is never a pass.", "",
           "```mermaid", "flowchart LR", '    start(["baseline: 0% on HTTP"])']
    previous = "start"
    for i, step in enumerate(plan.steps, 1):
        node = f"s{i}"
        share = f"{step.share:g}% on HTTP"
        label = f"{i}. {step.name}" + ("" if share in step.name else f"<br/>{share}")
        out.append(f'    {node}["{_mermaid(label)}"]')
        out.append(f"    {previous} --> {node}")
        gate = f"g{i}"
        out.append(f'    {gate}{{"gates, bake {_duration(step.bake)}"}}')
        out.append(f"    {node} --> {gate}")
        out.append(f"    {gate} -. fail: rollback .-> start")
        previous = gate
    out.append('    done(["100% on HTTP"])' if plan.final_share == 100 else f'    done(["{plan.final_share:g}% on HTTP"])')
    out.append(f"    {previous} -- pass --> done")
    out.extend(["```", "", "| # | Step | HTTP share | Bake | Calls | Rollback |", "|---|---|---|---|---|---|"])
    for i, step in enumerate(plan.steps, 1):
        calls = "<br>".join(f"`{_cell(describe_call(c))}`" for c in step.calls) or "–"
        undo = "<br>".join(f"`{_cell(describe_call(c))}`" for c in step.rollback) or "–"
        out.append(f"| {i} | {_cell(step.name)} | {step.share:g}% | {_duration(step.bake)} | {calls} | {undo} |")
    if plan.preflight:
        out.extend(["", "## Preflight", "", "| Rule | Severity | Finding | Fix |", "|---|---|---|---|"])
        out.extend(f"| {p.rule} | {p.severity} | {_cell(p.message)} | {_cell(p.fix)} |" for p in plan.preflight)
    if plan.forced:
        out.extend(["", "> **Forced:** preflight had blockers; this plan was written with `--force`."])
    return "\n".join(out) + "\n"


def _mermaid(text: str) -> str:
    return text.replace('"', "#quot;")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
