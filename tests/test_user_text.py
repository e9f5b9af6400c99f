"""What users read carries no internal marker: every rule's documentation, and every message, alternative,
note and report that check, convert (with its template notes) and diff print for every fixture, every
rule test input and (when present) every corpus file.

Refused: the unconfirmed-row tag `[U]`, the internal "fact sheet" and its `§` sections (users cite the
AWS documentation instead), Python reprs of dicts and lists, and unfilled placeholders (`{X}`,
`$request.body.X`) where the real name is known.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import CORPUS, DATA, FIXTURES, ROOT

from apigw_migrate.checks import ALL_RULES, run_checks
from apigw_migrate.diff import diff_sources, render_markdown as diff_markdown, render_text as diff_text
from apigw_migrate.errors import UserError
from apigw_migrate.findings import ApiResult, CheckReport
from apigw_migrate.load import load_all
from apigw_migrate.render import render
from apigw_migrate.ruledocs import DOCS_DIR, rule_markdown
from apigw_migrate.transforms import ConvertOptions, convert
from apigw_migrate.transforms.iac import to_template

FORBIDDEN = {
    "unconfirmed tag": re.compile(r"\[U[\]:]"),
    "fact sheet": re.compile(r"fact[ -]sheet", re.I),
    "section sign": re.compile(r"§"),
    # A DeepDiff path (`root['timestamp']`, what a plan's parity check ignores) is what the user writes: not a repr.
    "Python dict or list": re.compile(r"(?<!root)[\[{]\s*'[^'\n]*'\s*[:,\]}]"),
    "placeholder": re.compile(
        r"\{[A-Z]\}|(?:\$[A-Za-z]+|\bmethod\.(?:request|response)|\bintegration\.(?:request|response))(?:\.[\w-]+)*\.[A-Z](?![\w-])"
    ),
}


def offences(where: str, text: str) -> list[str]:
    found = []
    for what, pattern in FORBIDDEN.items():
        for m in pattern.finditer(text):
            start = max(0, m.start() - 60)
            found.append(f"{where}: {what}: …{text[start : m.end() + 40]}…".replace("\n", " "))
    return found


def inputs() -> list[Path]:
    files = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".json", ".yaml", ".tpl"))
    files += sorted((DATA / "checks").iterdir())
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name != "MANIFEST.tsv")
    return files


def user_texts(path: Path) -> list[tuple[str, str]]:
    """(where, text) for everything check, convert and diff tell a user about this input."""
    try:
        sources, _ = load_all(path)
    except UserError as e:
        return [("load error", str(e))]
    report = run_checks(sources)
    texts = [(f"check {fmt}", render(report, fmt)) for fmt in ("text", "markdown", "json")]
    texts.append(("check terminal", render(report, "text", tty=True, color=False, width=400)))
    for src in sources:
        try:
            result = convert(src, ConvertOptions(on_blocked="skip"))
        except UserError as e:
            texts.append(("convert error", str(e)))
            continue
        api = ApiResult(src.path, src.display_name, result.findings, {}, "ready", kind=src.kind, flavor=src.flavor)
        texts.append(("convert findings", render(CheckReport([api], command="convert"), "text")))
        texts.append(("convert --explain", "\n".join(n for _, notes in result.explain for n in notes)))
        texts.append(("blocked reasons", "\n".join(f.message for fs in result.blocked_reasons.values() for f in fs)))
        texts.append(("validation", "\n".join(v.message for v in result.violations)))
        if not result.violations:
            for fmt in ("cloudformation", "sam"):
                template = to_template(result, fmt, source_kind=src.kind)
                texts.append((f"{fmt} template notes", json.dumps(template.get("Metadata", {}), ensure_ascii=False)))
                params = template.get("Parameters", {})
                texts.append((f"{fmt} parameters", "\n".join(str(p.get("Description", "")) for p in params.values())))
            from apigw_migrate.load import parse, source_from_document

            http = source_from_document(parse(json.dumps(result.document), "http.json").document, "http.json")
            http.flavor = "http"
            diffed = diff_sources(src, http)
            texts += [("diff text", diff_text(diffed)), ("diff markdown", diff_markdown(diffed))]
    return texts


@pytest.mark.parametrize("doc", ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md"))])
def test_the_readme_and_docs_read_clean(doc: str) -> None:
    assert offences(doc, (ROOT / doc).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_rule_documentation_reads_clean(rule) -> None:
    assert offences(rule.id, rule_markdown(rule)) == []
    assert offences(f"docs/rules/{rule.id}.md", (DOCS_DIR / f"{rule.id}.md").read_text(encoding="utf-8")) == []


def test_rule_documentation_cites_the_aws_documentation() -> None:
    from apigw_migrate.ruledocs import FACT_PAGES

    missing = [r.id for r in ALL_RULES if r.id != "AGW000" and "https://docs.aws.amazon.com/" not in rule_markdown(r)]
    assert missing == []
    # every section a rule rests on leads to a page: none is dropped from the references unseen
    unmapped = [(r.id, s) for r in ALL_RULES for s in r.fact.split(",") if s.strip() not in FACT_PAGES and s.strip() != "–"]
    assert unmapped == []


@pytest.mark.parametrize("path", inputs(), ids=lambda p: p.name[:80])
def test_what_check_convert_and_diff_print_reads_clean(path: Path) -> None:
    found = [o for where, text in user_texts(path) for o in offences(where, text)]
    assert found == []


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("needs [U] confirmation", "unconfirmed tag"),
        ("see the fact sheet §4.1", "fact sheet"),
        ("cache cluster ({'Fn::If': ['c', 1, 2]} GB)", "Python dict or list"),
        ("origins ['a', 'b']", "Python dict or list"),
        ("Put {X} into the HTTP integration URI", "placeholder"),
        ("Map $request.body.X (convert does)", "placeholder"),
    ],
)
def test_the_markers_are_recognised(text: str, what: str) -> None:
    assert any(f": {what}: " in o for o in offences("sample", text))


def test_clean_text_passes() -> None:
    assert offences("sample", 'Map $request.body.order.id; put {sku} into the URI; {"a": ["b"]}; O\'Reilly') == []
