"""The HTML report in a real headless browser (Debian's chromium): it renders, reads right, sorts, and
loads nothing from the network.

Chromium's own background traffic (updates, time, sign-in) is sent to a closed port on 127.0.0.1
through `--proxy-server`, and names resolve nowhere, so nothing leaves the machine; the page's
requests are told apart in chromium's network log by their initiator (the browser's own have
none). A control page that does load from the network proves the check can fail.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import DATA, FIXTURES

JOURNAL = DATA / "report" / "rolled-back.journal.json"
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get("CI") or os.environ.get("APIGW_MIGRATE_REQUIRE_BROWSER"):
        pytest.fail("chromium is not installed, and CI must run the browser test: .ci/run installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (Debian: apt-get install chromium): the HTML report's browser test needs it")


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    from conftest import run_cli

    out = tmp_path_factory.mktemp("report") / "estate.html"
    r = run_cli(
        "report", str(FIXTURES / "bookstore.bundle.json"), str(FIXTURES / "orders.swagger2.yaml"),
        str(FIXTURES / "clean.oas30.yaml"), str(FIXTURES / "inventory.swagger2.json"),
        "--requests-per-month", "bookstore=40000000", "--requests-per-month", "90000000",
        "--run", str(JOURNAL), "-o", str(out),
    )
    assert r.code == 0, r
    return out


class Browser:
    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary, self.workdir, self.runs = binary, workdir, 0

    def run(self, url: str, *extra: str) -> tuple[str, list[str]]:
        """Load `url`; return stdout and the http(s) URLs the page itself asked for.

        `console` keeps what the page logged (errors, policy violations) from this run.
        """
        self.runs += 1
        netlog = self.workdir / f"net-{self.runs}.json"
        args = [
            self.binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
            f"--user-data-dir={self.workdir / 'profile'}", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            f"--log-net-log={netlog}", "--enable-logging=stderr", "--v=0", *extra, url,
        ]
        env = {**os.environ, "HOME": str(self.workdir)}
        done = subprocess.run(args, capture_output=True, text=True, timeout=180, env=env, cwd=self.workdir)
        assert done.returncode == 0, done.stderr[-2000:]
        self.console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
        return done.stdout, page_requests(netlog)


def page_requests(netlog: Path) -> list[str]:
    """URLs of requests a page started: chromium marks its own background requests 'not an origin'."""
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    found = []
    for event in log["events"]:
        params = event.get("params") or {}
        # the job's end event repeats the type with only its result: the start one carries the URL
        if event["type"] == start and "url" in params and params.get("initiator") != "not an origin":
            found.append(params["url"])
    return [u for u in found if not u.startswith(("file:", "data:", "chrome:"))]


@pytest.fixture
def browser(chromium, tmp_path) -> Browser:
    return Browser(chromium, tmp_path)


class Text(HTMLParser):
    """The text a person reads: everything but scripts and styles; and each sortable row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0
        self.sort_headers: dict[str, str] = {}
        self.rows: list[list[str | None]] = []
        self._in_sortable = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "table" and "sortable" in (a.get("class") or ""):
            self._in_sortable = True
        if self._in_sortable and tag == "th" and "data-key" in a:
            self.sort_headers[a["data-key"]] = a.get("aria-sort", "")
        if self._in_sortable and tag == "tr":
            self.rows.append([])
        if self._in_sortable and tag == "td" and self.rows:
            self.rows[-1].append(a.get("data-sort"))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "table":
            self._in_sortable = False

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data.strip())

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def test_report_renders_to_a_screenshot(browser, page, tmp_path):
    shot = tmp_path / "report.png"
    browser.run(page.as_uri(), f"--screenshot={shot}", "--window-size=1280,3600")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 3600)
    # a blank page compresses to a few kilobytes; the report's text, tables and charts do not
    assert len(data) > 100_000, len(data)


def test_page_reads_right_and_its_script_sorts_under_the_policy(browser, page):
    dom, _ = browser.run(page.as_uri() + "#sort=-saving", "--dump-dom")
    text = Text()
    text.feed(dom)
    words = text.text
    for expected in (
        "API Gateway migration report",
        "Estate by verdict",
        "Blockers by rule",
        "saved per month",
        "HTTP APIs have no cache: requests the REST cache answered today will reach the backend, so backend load may rise.",
        "kept: the API stays on REST",
        "Price list: Amazon API Gateway, us-east-1, as of",
        "Cutover of api.shop.example.com",
        "rolled back at 2026-11-30 09:20:11Z: gate 5xx_rate failed: 0.034 > 0.01",
        "books (40% of traffic)",
        "Decide: redesign, or keep these routes on REST",
        "Routes ready to move",
        "REST-only features in use",
    ):
        assert expected in words, expected
    # The script ran (the policy let its hash through) and sorted by saving, largest first.
    assert text.sort_headers["saving"] == "descending"
    savings = [float(row[-1]) for row in text.rows if row and row[-1] is not None]
    assert len(savings) == 4 and savings == sorted(savings, reverse=True), savings


def test_page_loads_nothing_from_the_network_and_logs_nothing(browser, page):
    _, requests = browser.run(page.as_uri(), "--dump-dom")
    assert requests == []
    # no policy violation, no script error
    assert browser.console == []


def test_the_console_check_sees_a_policy_violation(browser, tmp_path):
    control = tmp_path / "control.html"
    control.write_text(
        """<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>"""
        "<body><script>document.title = 'ran'</script><p>control</p></body></html>"
    )
    browser.run(control.as_uri(), "--dump-dom")
    assert any("Content Security Policy" in line for line in browser.console), browser.console


def test_the_network_check_sees_a_page_that_loads_something(browser, tmp_path):
    control = tmp_path / "control.html"
    control.write_text(
        '<!doctype html><html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head>'
        '<body><img src="https://fonts.example.com/a.png"><p>control</p></body></html>'
    )
    _, requests = browser.run(control.as_uri(), "--dump-dom")
    assert "http://127.0.0.1:9/x.css" in requests and "https://fonts.example.com/a.png" in requests
