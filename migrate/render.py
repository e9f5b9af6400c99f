"""CheckReport → text, json, sarif, markdown.

- text: for a terminal a rich table per severity (per API when there are several), then each
  API's verdict and a one-line summary; plain lines (``file:line:col: ID [severity] message``) when
  the output is not a terminal, or when the table would not fit its width without breaking a rule id
  or a location, so logs and pipes stay greppable. `show` (text and markdown) is the lowest severity
  listed; the summary still counts every finding.
- json: the stable schema documented in docs/check-output.md (`schemaVersion` 1).
- sarif: SARIF 2.1.0 for GitHub code scanning; each rule carries its full documentation.
- markdown: a PR comment or migration ticket.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from apigw_migrate import __version__
from apigw_migrate.findings import CheckReport, Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.checks.rule import Rule

HOME_URL = "https://github.com/apigw-migrate/apigw-migrate"
RULE_DOCS_URL = HOME_URL + "/blob/main/docs/rules/{id}.md"
# GitHub refuses comments over 65,536 characters: findings past this budget are counted, not listed.
MARKDOWN_BUDGET = 60_000
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


# The table's narrowest readable columns for routes, message and alternative, and what its borders
# and padding take (five columns: six rules and two spaces each).
TABLE_TEXT_MIN = 14
TABLE_FRAME = 16


def render(
    report: CheckReport, fmt: str, tty: bool = False, color: bool = True, width: int | None = None, show: str = "info"
) -> str:
    """`tty`: the text goes to a terminal (a table when it fits); `color`: False under NO_COLOR;
    `width`: the terminal's columns (default: what the terminal or COLUMNS says);
    `show`: the lowest severity listed in text and markdown."""
    if fmt == "json":
        return render_json(report)
    if fmt == "sarif":
        return render_sarif(report)
    if fmt == "markdown":
        return render_markdown(report, show)
    if not tty:
        return render_plain(report, show)
    width = width or shutil.get_terminal_size().columns
    return render_rich(report, width, color, show) if table_fits(report, width) else render_plain(report, show)


def listed_findings(findings: list[Finding], show: str) -> list[Finding]:
    """The findings at or above the `show` severity, most severe first."""
    limit = Severity.parse(show).rank
    return [f for sev in SEVERITY_ORDER if sev.rank >= limit for f in findings if f.severity is sev]


def _hidden_line(report: CheckReport, show: str) -> list[str]:
    hidden = sum(1 for f in report.findings() if f.severity.rank < Severity.parse(show).rank)
    return [f"{hidden} finding{'s' if hidden != 1 else ''} below {show} not shown (--show)"] if hidden else []


def table_fits(report: CheckReport, width: int) -> bool:
    """Whether the table keeps every rule id and location on one line at this width."""
    findings = report.findings()
    rule_w = max((len(f.rule) for f in findings), default=0)
    where_w = max((len(short_location(f)) for f in findings), default=0)
    return rule_w + where_w + 3 * TABLE_TEXT_MIN + TABLE_FRAME <= width


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
    done = "converted" if report.command == "convert" else "checked"
    line = f"{s['apis']} API{'s' if s['apis'] != 1 else ''} {done}: " + ", ".join(parts)
    if s["ignored"]:
        line += f", {s['ignored']} ignored"
    if s["errors"]:
        line += f"; {s['errors']} input{'s' if s['errors'] != 1 else ''} could not be read"
    if s["skipped"]:
        line += f"; {s['skipped']} file{'s' if s['skipped'] != 1 else ''} skipped (not an API definition)"
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


def _groups(report: CheckReport) -> list[tuple[str | None, list[Finding]]]:
    """Findings per API under its name when there are several APIs (a template's, a folder's), else one group."""
    if len(report.apis) < 2:
        return [(None, report.findings())]
    return [(a.api, a.findings) for a in report.apis]


def _group_title(title: str, findings: list[Finding]) -> str:
    return f"{title}: {len(findings)} finding{'s' if len(findings) != 1 else ''}"


def render_plain(report: CheckReport, show: str = "info") -> str:
    lines = []
    for title, findings in _groups(report):
        listed = listed_findings(findings, show)
        if title is not None:
            lines.append(_group_title(title, findings))
        for f in listed:
            lines.append(f"{location(f)}: {f.rule} [{f.severity.value}] {f.message}")
            lines.append(f"    routes: {routes_text(f)}")
            if f.alternative:
                lines.append(f"    instead: {f.alternative}")
        if title is not None:
            lines.append("")
    if lines and lines[-1]:
        lines.append("")
    lines += _verdict_lines(report)
    lines += _hidden_line(report, show)
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def render_rich(report: CheckReport, width: int = 100, color: bool = True, show: str = "info") -> str:
    import io

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Width and height are both given, so rich asks neither the terminal nor TERM (it assumes 80
    # columns for TERM=dumb), and the colour choice is ours (NO_COLOR), not the environment's.
    console = Console(
        file=io.StringIO(),
        width=width,
        height=25,
        force_terminal=True,
        no_color=not color,
        color_system="standard" if color else None,
        _environ={},
        emoji=False,
    )
    styles = {Severity.BLOCKER: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    for title, findings in _groups(report):
        if title is not None:
            console.print(_group_title(title, findings), style="bold", markup=False, highlight=False)
        listed = listed_findings(findings, show)
        for sev in SEVERITY_ORDER:
            rows = [f for f in listed if f.severity is sev]
            if not rows:
                continue
            table = Table(title=f"{sev.value}s ({len(rows)})", title_style=styles[sev], expand=True)
            # Rule ids and locations never wrap: table_fits() chose the table only when they fit.
            table.add_column("rule", no_wrap=True, min_width=max(len(f.rule) for f in rows))
            table.add_column("location", no_wrap=True, min_width=max(len(short_location(f)) for f in rows))
            for col, ratio in (("routes", 3), ("message", 6), ("alternative", 5)):
                table.add_column(col, ratio=ratio, overflow="fold", min_width=TABLE_TEXT_MIN - 2)
            for f in rows:
                # Text cells: a message's `[...]` is not markup, a location's `:100:` is not an emoji.
                table.add_row(
                    Text(f.rule, style=styles[sev]), *(Text(t) for t in (short_location(f), routes_text(f), f.message, f.alternative))
                )
            console.print(table)
    for line in _verdict_lines(report) + _hidden_line(report, show):
        console.print(line, markup=False, highlight=False)
    console.print(summary_line(report), style="bold", markup=False, highlight=False)
    return console.file.getvalue()


def short_location(f: Finding) -> str:
    """`location()` with the file relative to the current directory when it is below it."""
    if f.file and os.path.isabs(f.file):
        rel = os.path.relpath(f.file)
        name = rel if not rel.startswith("..") else os.path.basename(f.file)
        return location(replace(f, file=name))
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
        "skipped": [{"file": path, "reason": reason} for path, reason in report.skipped],
        "summary": report.summary(),
    }
    # One member or item per line, without indentation: the C encoder only runs without `indent`, and a
    # report of thousands of findings is written four times faster (bench/bench_check_process.py).
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",\n", ": ")) + "\n"


def _sarif_rule(r: "Rule") -> dict:
    from apigw_migrate.ruledocs import rule_markdown

    doc = rule_markdown(r)
    return {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.why},
        "help": {"text": doc, "markdown": doc},
        "helpUri": RULE_DOCS_URL.format(id=r.id),
        "defaultConfiguration": {"level": SARIF_LEVELS[r.severity]},
        "properties": {"severity": r.severity.value, "fixedBy": r.fixed_by, "tags": ["apigw-migrate", r.severity.value]},
    }


def _repository_root(path: Path) -> Path | None:
    """The nearest folder above `path` holding `.git` (a directory, or a file for worktrees)."""
    for folder in path.parents:
        if (folder / ".git").exists():
            return folder
    return None


def _artifact_location(path: str | None, roots: dict[str, str]) -> dict:
    """An artifactLocation relative to the repository root (`%SRCROOT%`) when the file is in one.

    GitHub code scanning resolves relative URIs against the checkout root, so a path relative to
    the current directory would point at the wrong file when `check` runs in a subfolder. Outside
    a repository the current directory is the base; a file outside both gets an absolute URI.
    """
    if not path:
        return {"uri": "unknown"}
    absolute = Path(os.path.abspath(path))
    for base in (_repository_root(absolute), Path.cwd()):
        if base is None or not absolute.is_relative_to(base):
            continue
        # One base per run: a file under another one (a second repository) gets an absolute URI.
        if roots.setdefault("%SRCROOT%", base.as_uri() + "/") == base.as_uri() + "/":
            return {"uri": absolute.relative_to(base).as_posix(), "uriBaseId": "%SRCROOT%"}
    return {"uri": absolute.as_uri()}


def _fingerprint(f: Finding, seen: dict[str, int]) -> str:
    """Stable across runs and unrelated edits: rule, API and pointer, not line or message text."""
    base = hashlib.sha256(f"{f.rule}\0{f.api or f.file}\0{f.pointer}".encode()).hexdigest()[:32]
    seen[base] = seen.get(base, 0) + 1
    return f"{base}:{seen[base]}"


def render_sarif(report: CheckReport) -> str:
    from apigw_migrate.checks import ALL_RULES

    rule_list = sorted(ALL_RULES, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rule_list)}
    roots: dict[str, str] = {}
    seen: dict[str, int] = {}
    results = []
    for a in report.apis:
        for f in a.findings:
            physical: dict = {"artifactLocation": _artifact_location(f.file, roots)}
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
                "partialFingerprints": {"apigwMigrateFinding/v1": _fingerprint(f, seen)},
                "properties": {"routes": list(f.routes), "api": f.api, "pointer": f.pointer},
            }
            if f.rule in index:
                result["ruleIndex"] = index[f.rule]
            results.append(result)
    run: dict = {
        "tool": {
            "driver": {
                "name": "apigw-migrate",
                "version": __version__,
                "informationUri": HOME_URL,
                "rules": [_sarif_rule(r) for r in rule_list],
            }
        },
        "results": results,
        "invocations": [
            {
                "executionSuccessful": not report.errors,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": message if message.startswith(path) else f"{path}: {message}"}}
                    for path, message in report.errors
                ]
                + [{"level": "note", "message": {"text": f"{path}: skipped: {reason}"}} for path, reason in report.skipped],
            }
        ],
    }
    if roots:
        run["originalUriBaseIds"] = {name: {"uri": uri} for name, uri in roots.items()}
    doc = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: CheckReport, show: str = "info") -> str:
    lines = [f"## apigw-migrate {report.command}", "", summary_line(report), ""]
    icons = {Severity.BLOCKER: "⛔", Severity.WARNING: "⚠️", Severity.INFO: "ℹ️"}
    budget = MARKDOWN_BUDGET
    for a in report.apis:
        lines += [f"### `{a.api}`: {a.verdict}", "", VERDICT_TEXT.get(a.verdict, a.verdict) + "."]
        if a.verdict == "partial":
            lines += ["", f"- **Can move now:** {', '.join(f'`{r}`' for r in a.movable_routes)}",
                      f"- **Stay on REST:** {', '.join(f'`{r}`' for r in a.blocked_routes)}"]
        lines.append("")
        if a.findings:
            lines += ["| | Rule | Location | Routes | Finding | Instead |", "|---|---|---|---|---|---|"]
            rows = listed_findings(a.findings, show)
            for shown, f in enumerate(rows):
                row = (
                    f"| {icons[f.severity]} | [{f.rule}]({RULE_DOCS_URL.format(id=f.rule)}) | `{short_location(f)}` | "
                    f"{_md_cell(routes_text(f))} | {_md_cell(f.message)} | {_md_cell(f.alternative)} |"
                )
                budget -= len(row) + 1
                if budget < 0:
                    lines += ["", f"…and {len(rows) - shown} more findings (the least severe) left out to fit a comment: "
                              "`--format json` or `sarif` lists them all."]
                    break
                lines.append(row)
            lines.append("")
        if a.ignored:
            lines += [f"<details><summary>{len(a.ignored)} ignored</summary>", ""]
            for shown, f in enumerate(a.ignored):
                row = f"- {f.rule} at `{f.pointer}` ({f.ignored_by}): {_md_cell(f.message)}"
                budget -= len(row) + 1
                if budget < 0:
                    lines.append(f"- …and {len(a.ignored) - shown} more")
                    break
                lines.append(row)
            lines += ["", "</details>", ""]
    if report.errors:
        lines += ["### Inputs that could not be read", ""]
        lines += [f"- `{path}`: {_md_cell(message)}" for path, message in report.errors]
        lines.append("")
    if report.skipped:
        lines += ["### Files skipped (not an API definition)", ""]
        lines += [f"- `{path}`: {_md_cell(reason)}" for path, reason in report.skipped]
        lines.append("")
    hidden = _hidden_line(report, show)
    if hidden:
        lines += hidden + [""]
    if len(report.apis) > 1:
        s = report.summary()
        lines += ["### Estate", "", "| Verdict | APIs |", "|---|---|"]
        lines += [f"| {v} | {n} |" for v, n in s["verdicts"].items()]
        if s["blockersByRule"]:
            lines += ["", "| Blocker | Count |", "|---|---|"]
            lines += [f"| [{k}]({RULE_DOCS_URL.format(id=k)}) | {v} |" for k, v in s["blockersByRule"].items()]
        lines.append("")
    return "\n".join(lines)
