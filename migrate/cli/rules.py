"""`apigw-migrate rules` and `apigw-migrate rule ID`: what each finding id means."""

from __future__ import annotations

import typer

from apigw_migrate.errors import UsageError

RULES_HELP = (
    "List every rule: id, severity, name and what it checks for.\n\n"
    "The ids are stable; `check --select/--ignore` take id prefixes (AGW2 = every authorization rule). "
    "`apigw-migrate rule ID` prints one rule's full documentation (also in docs/rules/)."
)
RULE_HELP = (
    "Print a rule's documentation: what it checks, why it matters on HTTP APIs, an example and its "
    "HTTP-API counterpart, and how to migrate.\n\n"
    "\b\nExample:\n  apigw-migrate rule AGW201\n\n"
    "Exit codes: 0 printed · 2 unknown rule id (close matches are suggested)."
)


def register(app: typer.Typer) -> None:
    app.command("rules", help=RULES_HELP, short_help="List every rule id with its severity and summary.")(rules)
    app.command("rule", help=RULE_HELP, short_help="Print one rule's full documentation.")(rule)


def rules() -> None:
    from apigw_migrate.checks import ALL_RULES

    width = max(len(r.name) for r in ALL_RULES)
    for r in sorted(ALL_RULES, key=lambda r: r.id):
        typer.echo(f"{r.id}  {r.severity.value:<7}  {r.name:<{width}}  {r.summary}")


def rule(rule_id: str = typer.Argument(..., metavar="ID", help="A rule id such as AGW201, or its name (api-key-required).")) -> None:
    import difflib

    from apigw_migrate.checks import ALL_RULES, RULES_BY_ID
    from apigw_migrate.ruledocs import rule_markdown

    wanted = rule_id.strip()
    found = RULES_BY_ID.get(wanted.upper()) or next((r for r in ALL_RULES if r.name == wanted.lower()), None)
    if found is None:
        candidates = list(RULES_BY_ID) + [r.name for r in ALL_RULES]
        close = difflib.get_close_matches(wanted.upper() if wanted.upper().startswith("AGW") else wanted.lower(), candidates, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; 'apigw-migrate rules' lists them"
        raise UsageError(f"unknown rule {wanted!r}{hint}")
    typer.echo(rule_markdown(found), nl=False)
