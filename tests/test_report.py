"""`apigw-migrate report`: the estate from check's own verdicts, the money, the markdown cap, HTML safety."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
import yaml

from apigw_migrate.render import RULE_DOCS_URL
from conftest import DATA, FIXTURES

JOURNAL = DATA / "report" / "rolled-back.journal.json"
PRICE_PAGE = "https://aws.amazon.com/api-gateway/pricing/"


def clean_bundle(tmp_path, name="notes", cache_size=None, api_id="n0t3s4p1zz", title=None):
    """A bundle of the sample API that uses nothing HTTP APIs lack, optionally with a stage cache."""
    from apigw_migrate.bundle import new_bundle

    openapi = yaml.safe_load((FIXTURES / "clean.oas30.yaml").read_text())
    if title:
        openapi["info"]["title"] = title
    bundle = new_bundle(api_id, "v1", openapi, "file", restApiName=name, region="us-east-1")
    bundle["stage"] = {"stageName": "v1"}
    if cache_size:
        bundle["stage"].update(cacheClusterEnabled=True, cacheClusterSize=cache_size)
    path = tmp_path / f"{api_id}.bundle.json"
    path.write_text(json.dumps(bundle))
    return path


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end != -1 else None]


# ------------------------------------------------------------------------------------------------
# Verdicts and work come from check, unchanged


def test_verdicts_and_blockers_are_checks_own(cli, tmp_path):
    check = cli("check", str(FIXTURES), "--format", "json", "--fail-on", "never")
    expected = json.loads(check.stdout)
    r = cli("report", str(FIXTURES), "--format", "markdown")
    assert r.code == 0, r
    estate = section(r.stdout, "## Estate")
    for verdict, n in expected["summary"]["verdicts"].items():
        assert f"| {verdict} | {n} |" in estate
    for rule, n in expected["summary"]["blockersByRule"].items():
        assert f"| [{rule}]({RULE_DOCS_URL.format(id=rule)}) | {n} |" in estate


def test_a_check_json_report_gives_the_same_report_as_its_definitions(cli, tmp_path):
    inputs = [str(FIXTURES / n) for n in ("clean.oas30.yaml", "orders.swagger2.yaml", "inventory.swagger2.json", "sam-template.yaml")]
    report_json = tmp_path / "check.json"
    assert cli("check", *inputs, "--format", "json", "-o", str(report_json), "--fail-on", "never").code == 0
    direct = cli("report", *inputs, "--requests-per-month", "5000000")
    via_json = cli("report", str(report_json), "--requests-per-month", "5000000")
    assert direct.code == via_json.code == 0, (direct, via_json)

    def body(text: str) -> str:
        return re.sub(r"generated \S+ \S+", "", text)

    assert body(via_json.stdout) == body(direct.stdout)
    assert "## `" in direct.stdout and "### Change the API or its clients" in direct.stdout


def test_per_api_sections_list_routes_features_and_work_by_action(cli):
    r = cli("report", str(FIXTURES / "orders.swagger2.yaml"))
    api = section(r.stdout, "## `")
    assert "partial" in api
    assert "**Routes ready to move (" in api and "**Stay on REST (" in api
    assert "**REST-only features in use:**" in api
    assert "### Decide: redesign, or keep these routes on REST" in api
    # every work line links the rule's documentation
    work = [l for l in api.splitlines() if l.startswith("- [AGW")]
    assert work and all(re.match(r"- \[(AGW\d{3})\]\(" + re.escape(RULE_DOCS_URL.split("{")[0]) + r"\1\.md\)", l) for l in work)


# ------------------------------------------------------------------------------------------------
# Money


def test_money_for_one_api_is_priced_exactly(cli, tmp_path):
    path = clean_bundle(tmp_path)
    r = cli("report", str(path), "--requests-per-month", "400000000")
    money = section(r.stdout, "## Money")
    # REST: 333 M × $3.50 + 67 M × $2.80 = 1,353.10; HTTP: 300 M × $1.00 + 100 M × $0.90 = 390.00
    assert "| Requests (400,000,000) | $1,353.10 | $390.00 | $963.10 |" in money
    assert "Amazon API Gateway, us-east-1, as of" in money and PRICE_PAGE in money


def test_average_request_size_meters_http_requests_in_512_kb_steps(cli, tmp_path):
    path = clean_bundle(tmp_path)
    r = cli("report", str(path), "--requests-per-month", "100000000", "--average-request-kb", "700")
    assert "| Requests (100,000,000) | $350.00 | $200.00 | $150.00 |" in r.stdout


def test_retired_cache_is_its_own_line_and_the_report_says_http_has_no_cache(cli, tmp_path):
    path = clean_bundle(tmp_path, cache_size="237")
    r = cli("report", str(path), "--requests-per-month", "1000000")
    money = section(r.stdout, "## Money")
    assert "| REST caches | $2,774.00 | $0.00 | $2,774.00 |" in money
    assert "| notes | v1 | 237 GB | $2,774.00 | retired |" in money
    assert "HTTP APIs have no cache" in money and "backend load may rise" in money


def test_cache_of_an_api_that_stays_on_rest_is_kept(cli):
    r = cli("report", str(FIXTURES / "bookstore.bundle.json"), "--requests-per-month", "1000000")
    money = section(r.stdout, "## Money")
    assert "| REST caches | $14.60 | $14.60 | $0.00 |" in money
    assert "| bookstore | prod | 0.5 GB | $14.60 | kept: the API stays on REST |" in money
    # the API is in eu-west-1: the report says which Region's prices it used
    assert "APIs in eu-west-1 are priced with these us-east-1 prices" in money


def test_cache_size_without_a_confirmed_price_is_shown_without_an_amount(cli, tmp_path):
    path = clean_bundle(tmp_path, cache_size="6.1")
    r = cli("report", str(path), "--requests-per-month", "1000000")
    assert "| notes | v1 | 6.1 GB | not in the price list | retired |" in r.stdout
    assert "No price in this price list for a 6.1 GB cache" in r.stdout


def test_estate_tiers_count_all_requests_together(cli, tmp_path):
    a = clean_bundle(tmp_path, name="a", api_id="aaaaaaaaaa")
    b = clean_bundle(tmp_path, name="b", api_id="bbbbbbbbbb")
    r = cli("report", str(a), str(b), "--requests-per-month", "a=300000000", "--requests-per-month", "b=100000000")
    assert r.code == 0, r
    # 400 M in all: the estate crosses both first tiers even though neither API does alone
    assert "| Requests (400,000,000) | $1,353.10 | $390.00 | $963.10 |" in r.stdout
    apis = section(r.stdout, "## APIs")
    assert "| a (v1) | ready | 5 | 0 | 0 | 0 | $1,050.00 | $300.00 | $750.00 |" in apis
    assert "| b (v1) | ready | 5 | 0 | 0 | 0 | $350.00 | $100.00 | $250.00 |" in apis


def test_an_api_that_stays_on_rest_saves_nothing(cli):
    r = cli("report", str(FIXTURES / "bookstore.bundle.json"), "--requests-per-month", "10000000")
    assert "| bookstore (prod) | stay-on-rest | 0 | 0 | 21 |" in r.stdout
    assert "| $49.60 | $49.60 | $0.00 |" in r.stdout


def test_an_http_api_document_is_not_priced(cli, tmp_path):
    r = cli("report", str(clean_bundle(tmp_path)), str(DATA / "checks" / "http.yaml"), "--requests-per-month", "1000000")
    assert r.code == 0, r
    assert "| Requests (1,000,000) | $3.50 | $1.00 | $2.50 |" in r.stdout
    (row,) = [l for l in section(r.stdout, "## APIs").splitlines() if "http.yaml" in l]
    assert row.endswith("| – | – | – |")


@pytest.mark.parametrize("name", ["notes", "n0t3s4p1zz", "n0t3s4p1zz/v1", "notes/v1", "n0t3s4p1zz.bundle.json"])
def test_requests_can_be_given_by_any_name_of_the_api(cli, tmp_path, name):
    r = cli("report", str(clean_bundle(tmp_path)), "--requests-per-month", f"{name}=2000000")
    assert "| Requests (2,000,000) | $7.00 | $2.00 | $5.00 |" in r.stdout, r


def test_a_malformed_check_json_report_is_refused_by_name(cli, tmp_path):
    path = tmp_path / "check.json"
    path.write_text(json.dumps({"schemaVersion": 1, "tool": {"name": "apigw-migrate"}, "apis": [{"api": "a", "verdict": "great"}]}))
    r = cli("report", str(path))
    assert r.code == 2 and "not a check JSON report this version reads" in r.stderr and "great" in r.stderr, r


def test_a_check_json_report_of_another_schema_version_is_refused(cli, tmp_path):
    path = tmp_path / "check.json"
    path.write_text(json.dumps({"schemaVersion": 2, "tool": {"name": "apigw-migrate"}, "apis": []}))
    r = cli("report", str(path))
    assert r.code == 2 and "schemaVersion 2" in r.stderr, r


def test_unknown_api_name_for_requests_is_refused(cli, tmp_path):
    r = cli("report", str(clean_bundle(tmp_path)), "--requests-per-month", "nope=5")
    assert r.code == 2 and r.stderr.count("\n") == 1 and "nope" in r.stderr, r


@pytest.mark.parametrize("value", ["lots", "-5", "1=2=x"])
def test_bad_request_counts_are_refused(cli, tmp_path, value):
    r = cli("report", str(clean_bundle(tmp_path)), "--requests-per-month", value)
    assert r.code == 2 and r.stderr.count("\n") == 1, r


def test_without_counts_the_report_says_how_to_get_money(cli, tmp_path):
    r = cli("report", str(clean_bundle(tmp_path)))
    assert "No request counts: pass `--requests-per-month N`" in r.stdout


# ------------------------------------------------------------------------------------------------
# Inputs, errors, formats


def test_unreadable_input_is_listed_and_the_others_reported(cli, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text("{")
    out = tmp_path / "r.md"
    r = cli("report", str(clean_bundle(tmp_path)), str(bad), "-o", str(out))
    assert r.code == 2, r
    text = out.read_text()
    assert "## Inputs that could not be read" in text and "broken.json" in text
    assert "## `notes (v1)`: ready" in text


def test_nothing_to_report_is_a_usage_error(cli):
    r = cli("report")
    assert r.code == 2 and "PATH" in r.stderr


def test_region_and_paths_do_not_mix(cli, tmp_path):
    r = cli("report", str(clean_bundle(tmp_path)), "--region", "us-east-1")
    assert r.code == 2 and "either" in r.stderr


def test_format_follows_the_output_extension(cli, tmp_path):
    path = clean_bundle(tmp_path)
    assert cli("report", str(path), "-o", str(tmp_path / "r.html")).code == 0
    assert cli("report", str(path), "-o", str(tmp_path / "r.md")).code == 0
    assert (tmp_path / "r.html").read_text().startswith("<!doctype html>")
    assert (tmp_path / "r.md").read_text().startswith("# API Gateway migration report")


def test_cutover_in_markdown(cli):
    r = cli("report", "--run", str(JOURNAL))
    assert r.code == 0, r
    cut = section(r.stdout, "## Cutover")
    assert "**Outcome:** rolled back at 2026-11-30 09:20:11Z: gate 5xx_rate failed: 0.034 > 0.01" in cut
    assert "| 2026-11-30 09:10:07Z | 40% | books (40% of traffic): verified |" in cut
    assert "| books (40% of traffic) | 2026-11-30 09:20:07Z | 5xx_rate | 0.034 | 0.0011 | 0.01 | ❌ fail |" in cut
    assert "- **Rollback** started 2026-11-30 09:20:08Z, done 2026-11-30 09:20:11Z" in cut


def test_markdown_stays_under_githubs_comment_limit(cli, tmp_path):
    findings = [
        {"rule": f"AGW{i:03d}", "severity": "blocker", "message": f"POST /r{i}: needs an API key " + "x" * 200,
         "alternative": "y" * 150, "pointer": f"/paths/~1r{i}", "file": "a.json", "line": i, "column": 1,
         "routes": [f"POST /r{i}"], "api": "a.json"}
        for i in range(300)
    ]
    apis = [
        {"api": f"api-{n}.json", "file": f"api-{n}.json", "kind": "oas3", "flavor": "rest", "verdict": "partial",
         "routes": [{"route": f"POST /r{i}", "verdict": "blocked"} for i in range(300)] + [{"route": "GET /", "verdict": "ready"}],
         "findings": findings, "ignored": []}
        for n in range(40)
    ]
    doc = {"schemaVersion": 1, "tool": {"name": "apigw-migrate", "version": "0"}, "apis": apis, "errors": [], "summary": {}}
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(doc))
    r = cli("report", str(path), "--format", "markdown")
    assert r.code == 0, r
    assert len(r.stdout) < 65_536
    assert r.stdout.rstrip().endswith("`--format html` or `check --format json` has it all.")
    assert "| partial | 40 |" in r.stdout  # the estate summary always fits: it comes first


# ------------------------------------------------------------------------------------------------
# HTML: self-contained and escaped


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.data: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in self.data else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in:
            self.data[self._in].append(data)


@pytest.fixture
def hostile(tmp_path):
    """A bundle whose names, routes and title carry markup."""
    from apigw_migrate.bundle import new_bundle

    openapi = yaml.safe_load((FIXTURES / "clean.oas30.yaml").read_text())
    openapi["paths"]['/x"><img src=x onerror=alert(1)>'] = openapi["paths"].pop("/notes")
    bundle = new_bundle("h0st1le000", "<marquee>prod</marquee>", openapi, "file", restApiName="<script>alert(1)</script>", region="us-east-1")
    bundle["stage"] = {"stageName": "prod", "cacheClusterEnabled": True, "cacheClusterSize": "0.5"}
    path = tmp_path / "hostile.bundle.json"
    path.write_text(json.dumps(bundle))
    return path


def html_of(cli, tmp_path, *args):
    out = tmp_path / "r.html"
    r = cli("report", *args, "-o", str(out))
    assert r.code == 0, r
    return out.read_text()


def test_html_escapes_everything_taken_from_inputs(cli, tmp_path, hostile):
    html = html_of(cli, tmp_path, str(hostile), str(FIXTURES / "orders.swagger2.yaml"), "--run", str(JOURNAL),
                   "--requests-per-month", "1000")
    page = Page()
    page.feed(html)
    assert [t for t, _ in page.tags].count("script") == 1
    assert not [t for t, _ in page.tags if t in ("img", "iframe", "object", "embed", "link", "marquee")]
    assert not [(t, a) for t, a in page.tags for k in a if k.startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror=alert(1)&gt;" in html


def test_html_policy_allows_only_the_pages_own_style_and_script(cli, tmp_path):
    from apigw_migrate.report_html import csp_hash

    html = html_of(cli, tmp_path, str(FIXTURES / "orders.swagger2.yaml"), "--run", str(JOURNAL))
    page = Page()
    page.feed(html)
    (policy,) = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == csp_hash("".join(page.data["script"]))
    assert directives["style-src"] == csp_hash("".join(page.data["style"]))


def test_html_names_no_url_but_links(cli, tmp_path, hostile):
    html = html_of(cli, tmp_path, str(hostile), str(FIXTURES / "bookstore.bundle.json"), "--run", str(JOURNAL),
                   "--requests-per-month", "1000")
    page = Page()
    page.feed(html)
    rule_doc = re.compile(re.escape(RULE_DOCS_URL).replace(r"\{id\}", r"AGW\d{3}"))
    links = []
    for tag, attrs in page.tags:
        for key, value in attrs.items():
            if key in ("src", "srcset", "data", "poster", "background", "action") or (key == "href" and tag != "a"):
                pytest.fail(f"<{tag} {key}={value!r}> would load something")
            if value and "://" in value:
                assert (tag, key) == ("a", "href"), (tag, key, value)
                links.append(value)
    # URLs from the inputs (backend URIs in findings) are text to read, never an attribute
    assert links and all(rule_doc.fullmatch(h) or h == PRICE_PAGE for h in links), links
    style, script = "".join(page.data["style"]), "".join(page.data["script"])
    assert "url(" not in style and "@import" not in style
    assert "://" not in script and "fetch" not in script and "XMLHttpRequest" not in script


def test_each_finding_links_its_rule_documentation(cli, tmp_path):
    html = html_of(cli, tmp_path, str(FIXTURES / "orders.swagger2.yaml"))
    check = json.loads(cli("check", str(FIXTURES / "orders.swagger2.yaml"), "--format", "json", "--fail-on", "never").stdout)
    for f in check["apis"][0]["findings"]:
        assert f'<a href="{RULE_DOCS_URL.format(id=f["rule"])}">{f["rule"]}</a>' in html
