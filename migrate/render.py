"""CheckReport → text, json, sarif, markdown.

- text: for a terminal a rich table per severity, then each API's verdict and a one-line
  summary; plain lines (``file:line:col: ID [severity] message``) when the output is not a
  terminal or NO_COLOR is set, so logs and pipes stay greppable.
- json: the stable schema documented in docs/check-output.md (`schemaVersion` 1).
- sarif: SARIF 2.1.0 for GitHub code scanning; each rule carries its full documentation.
- markdown: a PR comment or migration ticket.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Iterable

from apigw_migrate import __version__
from apigw_migrate.findings import CheckReport, Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.checks.rule import Rule

FORMATS = ("text", "json", "sarif", "markdown")
SCHEMA_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {Severity.BLOCKER: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SEVERITY_ORDER = (Severity.BLOCKER, Severity.WARNING, Severity.INFO)
VERDICT_TEXT = {
    "ready": "ready: can move as it is",
    "ready-with-changes": "ready with changes: can move once the warnings are handled",
    "partial": "partial: some routes can move now, the others should stay on REST",
    "stay-on-rest": "stay on REST: blockers concern the whole API or every route",
}


def render(report: CheckReport, fmt: str, tty: bool = False, color: bool = True, width: int | None = None) -> str:
    """`tty`: the text goes to a terminal (a table); `color`: False under NO_COLOR."""
    if fmt == "json":
        return render_json(report)
    if fmt == "sarif":
        return render_sarif(report)
    if fmt == "markdown":
        return render_markdown(report)
    return render_rich(report, width, color) if tty else render_plain(report)


def location(f: Finding) -> str:
    where = f.file or ""
    if f.line:
        where += f":{f.line}:{f.column or 1}"
    return where


def routes_text(f: Finding, limit: int = 3) -> str:
    if not f.routes:
        return "(whole API)"
    shown = ", ".join(f.routes[:limit])
    return shown + (f" (+{len(f.routes) - limit} more)" if len(f.routes) > limit else "")


def summary_line(report: CheckReport) -> str:
    s = report.summary()
    counts = s["findings"]
    parts = [f"{counts['blocker']} blocker{'s' if counts['blocker'] != 1 else ''}",
             f"{counts['warning']} warning{'s' if counts['warning'] != 1 else ''}",
             f"{counts['info']} info"]
    line = f"{s['apis']} API{'s' if s['apis'] != 1 else ''} checked: " + ", ".join(parts)
    if s["ignored"]:
        line += f", {s['ignored']} ignored"
    if s["errors"]:
        line += f"; {s['errors']} input{'s' if s['errors'] != 1 else ''} could not be read"
    return line


def _verdict_lines(report: CheckReport) -> list[str]:
    lines = []
    for a in report.apis:
        lines.append(f"{a.api}: {VERDICT_TEXT.get(a.verdict, a.verdict)}")
        if a.verdict == "partial":
            lines.append(f"  can move now: {', '.join(a.movable_routes)}")
            lines.append(f"  stay on REST: {', '.join(a.blocked_routes)}")
    if len(report.apis) > 1:
        s = report.summary()
        verdicts = ", ".join(f"{n} {v}" for v, n in s["verdicts"].items() if n)
        lines.append(f"estate: {verdicts}")
        if s["blockersByRule"]:
            lines.append("blockers by rule: " + ", ".join(f"{k} ×{v}" for k, v in s["blockersByRule"].items()))
    return lines


def render_plain(report: CheckReport) -> str:
    lines = []
    for sev in SEVERITY_ORDER:
        for f in (f for f in report.findings() if f.severity is sev):
            lines.append(f"{location(f)}: {f.rule} [{sev.value}] {f.message}")
            lines.append(f"    routes: {routes_text(f)}")
            if f.alternative:
                lines.append(f"    instead: {f.alternative}")
    if lines:
        lines.append("")
    lines += _verdict_lines(report)
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def render_rich(report: CheckReport, width: int | None = None, color: bool = True) -> str:
    import io

    from rich.console import Console
    from rich.table import Table

    console = Console(
        file=io.StringIO(), width=width, force_terminal=True, no_color=not color, color_system="standard" if color else None
    )
    styles = {Severity.BLOCKER: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    for sev in SEVERITY_ORDER:
        rows = [f for f in report.findings() if f.severity is sev]
        if not rows:
            continue
        table = Table(title=f"{sev.value}s ({len(rows)})", title_style=styles[sev], expand=True)
        for col, ratio in (("rule", 1), ("location", 3), ("routes", 3), ("message", 6), ("alternative", 5)):
            table.add_column(col, ratio=ratio, overflow="fold")
        for f in rows:
            table.add_row(f"[{styles[sev]}]{f.rule}[/]", short_location(f), routes_text(f), f.message, f.alternative)
        console.print(table)
    for line in _verdict_lines(report):
        console.print(line, markup=False, highlight=False)
    console.print(summary_line(report), style="bold", markup=False, highlight=False)
    return console.file.getvalue()


def short_location(f: Finding) -> str:
    """`location()` with the file relative to the current directory when it is below it."""
    if f.file and os.path.isabs(f.file):
        rel = os.path.relpath(f.file)
        name = rel if not rel.startswith("..") else os.path.basename(f.file)
        return location(Finding(**{**f.__dict__, "file": name}))
    return location(f)


def _api_dict(a) -> dict:
    return {
        "api": a.api,
        "file": a.source_path,
        "kind": a.kind,
        "flavor": a.flavor,
        "verdict": a.verdict,
        "summary": a.summary(),
        "routes": [{"route": k, "verdict": v} for k, v in a.routes.items()],
        "movableRoutes": a.movable_routes,
        "blockedRoutes": a.blocked_routes,
        "findings": [f.to_dict() for f in a.findings],
        "ignored": [f.to_dict() for f in a.ignored],
    }


def render_json(report: CheckReport) -> str:
    doc = {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "apigw-migrate", "version": __version__},
        "apis": [_api_dict(a) for a in report.apis],
        "errors": [{"file": path, "message": message} for path, message in report.errors],
        "summary": report.summary(),
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _sarif_rule(r: "Rule") -> dict:
    from apigw_migrate.ruledocs import rule_markdown

    doc = rule_markdown(r)
    return {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.why},
        "help": {"text": doc, "markdown": doc},
        "helpUri": f"https://github.com/apigw-migrate/apigw-migrate/blob/main/docs/rules/{r.id}.md",
        "defaultConfiguration": {"level": SARIF_LEVELS[r.severity]},
        "properties": {"severity": r.severity.value, "fixedBy": r.fixed_by, "tags": ["apigw-migrate", r.severity.value]},
    }


def _artifact_uri(path: str | None) -> str:
    if not path:
        return "unknown"
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return rel.replace(os.sep, "/") if not rel.startswith("..") else "file://" + os.path.abspath(path)


def render_sarif(report: CheckReport, rules: Iterable["Rule"] | None = None) -> str:
    from apigw_migrate.checks import ALL_RULES

    rule_list = sorted(rules or ALL_RULES, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rule_list)}
    results = []
    for a in report.apis:
        for f in a.findings:
            physical: dict = {"artifactLocation": {"uri": _artifact_uri(f.file)}}
            if f.line:
                physical["region"] = {"startLine": f.line, "startColumn": f.column or 1}
            result = {
                "ruleId": f.rule,
                "level": SARIF_LEVELS[f.severity],
                "message": {"text": f"{f.message}. Instead: {f.alternative}" if f.alternative else f.message},
                "locations": [
                    {
                        "physicalLocation": physical,
                        "logicalLocations": [{"fullyQualifiedName": f.pointer or "/", "kind": "member"}],
                    }
                ],
                "properties": {"routes": list(f.routes), "api": f.api, "pointer": f.pointer},
            }
            if f.rule in index:
                result["ruleIndex"] = index[f.rule]
            results.append(result)
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "apigw-migrate",
                        "version": __version__,
                        "informationUri": "https://github.com/apigw-migrate/apigw-migrate",
                        "rules": [_sarif_rule(r) for r in rule_list],
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": f"{path}: {message}"}} for path, message in report.errors
                        ],
                    }
                ],
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: CheckReport) -> str:
    lines = ["## apigw-migrate check", "", summary_line(report), ""]
    for a in report.apis:
        lines += [f"### `{a.api}`: {a.verdict}", "", VERDICT_TEXT.get(a.verdict, a.verdict) + "."]
        if a.verdict == "partial":
            lines += ["", f"- **Can move now:** {', '.join(f'`{r}`' for r in a.movable_routes)}",
                      f"- **Stay on REST:** {', '.join(f'`{r}`' for r in a.blocked_routes)}"]
        lines.append("")
        if a.findings:
            lines += ["| | Rule | Location | Routes | Finding | Instead |", "|---|---|---|---|---|---|"]
            icons = {Severity.BLOCKER: "⛔", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}
            for sev in SEVERITY_ORDER:
                for f in (f for f in a.findings if f.severity is sev):
                    loc = f"{os.path.basename(f.file or '')}:{f.line}" if f.line else os.path.basename(f.file or "")
                    lines.append(
                        f"| {icons[sev]} | [{f.rule}](docs/rules/{f.rule}.md) | `{loc}` | {_md_cell(routes_text(f))} | "
                        f"{_md_cell(f.message)} | {_md_cell(f.alternative)} |"
                    )
            lines.append("")
        if a.ignored:
            lines += [f"<details><summary>{len(a.ignored)} ignored</summary>", ""]
            lines += [f"- {f.rule} at `{f.pointer}` ({f.ignored_by}): {_md_cell(f.message)}" for f in a.ignored]
            lines += ["", "</details>", ""]
    if report.errors:
        lines += ["### Inputs that could not be read", ""]
        lines += [f"- `{path}`: {_md_cell(message)}" for path, message in report.errors]
        lines.append("")
    if len(report.apis) > 1:
        s = report.summary()
        lines += ["### Estate", "", "| Verdict | APIs |", "|---|---|"]
        lines += [f"| {v} | {n} |" for v, n in s["verdicts"].items()]
        if s["blockersByRule"]:
            lines += ["", "| Blocker | Count |", "|---|---|"]
            lines += [f"| [{k}](docs/rules/{k}.md) | {v} |" for k, v in s["blockersByRule"].items()]
        lines.append("")
    return "\n".join(lines)
