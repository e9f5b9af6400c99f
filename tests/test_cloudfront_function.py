"""The cloudfront strategy's viewer-request function, run in a real JavaScript engine.

Every test runs on each engine present: Node, and the mini-racer package (V8 embedded in Python, in the
test extras) where Node is missing. An engine that is absent shows as a skip with its reason; with
neither, the tests fail: the function must never ship untested. The `cloudfront`
module is a stand-in (an in-memory KeyValueStore whose `get` throws for a missing key, as CloudFront's
does, and an `updateRequestOrigin` that records the origin); the function's own code runs unchanged
apart from its import line.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from apigw_migrate.cutover.strategies.cloudfront import FUNCTION_TEMPLATE, function_code

REST = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod"
HTTP = "h1j2k3l4m5.execute-api.us-east-1.amazonaws.com"
IMPORT_LINE = "import cf from 'cloudfront';"

HARNESS = r"""
globalThis.__store = {};
globalThis.__origin = null;
globalThis.__cf = {
    kvs: function () {
        return {
            get: async function (key, options) {
                if (!Object.prototype.hasOwnProperty.call(globalThis.__store, key)) { throw new Error('Key not found: ' + key); }
                return globalThis.__store[key];
            }
        };
    },
    updateRequestOrigin: function (origin) { globalThis.__origin = origin; }
};
__FUNCTION__
function __event(kind, value) {
    const request = { method: 'GET', uri: '/orders', querystring: {}, headers: {}, cookies: {} };
    if (kind === 'header' && value !== null) { request.headers['x-client-id'] = { value: value }; }
    if (kind === 'cookie' && value !== null) { request.cookies['session'] = { value: value }; }
    return { version: '1.0', context: {}, viewer: { ip: kind === 'ip' ? value : '198.51.100.7' }, request: request };
}
async function __side(event) {
    globalThis.__origin = null;
    await handler(event);
    const o = globalThis.__origin;
    return o === null ? 'default' : o.domainName + o.originPath;
}
// For each store: how many of n keys went where, and the side of the first `sample` keys.
globalThis.__run = async function (stores, n, sample, kind) {
    const out = [];
    for (const store of stores) {
        globalThis.__store = store;
        const counts = {};
        const sides = [];
        for (let i = 0; i < n; i++) {
            const key = kind === 'ip' ? '10.' + ((i >> 16) & 255) + '.' + ((i >> 8) & 255) + '.' + (i & 255) : 'client-' + i;
            const side = await __side(__event(kind, key));
            counts[side] = (counts[side] || 0) + 1;
            if (i < sample) { sides.push(side); }
        }
        out.push({ counts: counts, sides: sides });
    }
    return JSON.stringify(out);
};
"""


def _script(code: str) -> str:
    assert code.startswith(IMPORT_LINE + "\n"), "cloudfront-js-2.0 wants the import on the first line"
    return HARNESS.replace("__FUNCTION__", "const cf = globalThis.__cf;\n" + code[len(IMPORT_LINE) + 1 :])


ENGINES = ("node", "mini-racer")


def _available(engine: str) -> bool:
    if engine == "node":
        return shutil.which("node") is not None
    try:
        import py_mini_racer  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    if not any(_available(e) for e in ENGINES):
        pytest.fail("the CloudFront function needs a JavaScript engine to be tested: install Node.js or the mini-racer package")
    if not _available(request.param):
        pytest.skip(f"{request.param} is not installed; the other engine runs this test")
    return request.param


def run_function(engine: str, code: str, stores: list[dict], n: int, sample: int = 0, kind: str = "header") -> list[dict]:
    script = _script(code)
    call = f"__run({json.dumps(stores)}, {n}, {sample}, {json.dumps(kind)})"
    if engine == "node":
        program = script + f"\n{call}.then(function (r) {{ process.stdout.write(r); }});\n"
        done = subprocess.run([shutil.which("node") or "node", "-e", program], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
    from py_mini_racer import MiniRacer

    ctx = MiniRacer()
    ctx.eval(script)
    return json.loads(ctx.eval(call).get(timeout=300))


def store(percentage: str | None = None, http: str | None = HTTP, rest: str | None = REST) -> dict:
    out = {}
    for key, value in (("http_percentage", percentage), ("http_origin", http), ("rest_origin", rest)):
        if value is not None:
            out[key] = value
    return out


HEADER_CODE = function_code("header:X-Client-Id")


def test_the_same_key_always_lands_on_the_same_side(engine: str) -> None:
    first, second = run_function(engine, HEADER_CODE, [store("37"), store("37")], n=3000, sample=3000)
    assert first["sides"] == second["sides"]
    assert set(first["sides"]) == {REST, HTTP}
    # a larger share only adds clients to HTTP: nobody on HTTP at 37% goes back to REST at 60%
    at_60 = run_function(engine, HEADER_CODE, [store("60")], n=3000, sample=3000)[0]["sides"]
    assert all(b == HTTP for a, b in zip(first["sides"], at_60) if a == HTTP)


@pytest.mark.parametrize("percentage", [1, 5, 10, 25, 50, 75, 99])
def test_the_share_converges_to_the_percentage_within_one_point_over_100000_keys(engine: str, percentage: int) -> None:
    result = run_function(engine, HEADER_CODE, [store(str(percentage))], n=100_000)[0]["counts"]
    share = 100.0 * result.get(HTTP, 0) / 100_000
    assert abs(share - percentage) <= 1.0, result
    assert result.get(HTTP, 0) + result.get(REST, 0) == 100_000


def test_zero_and_one_hundred_percent_are_exact(engine: str) -> None:
    zero, hundred = run_function(engine, HEADER_CODE, [store("0"), store("100")], n=5000)
    assert zero["counts"] == {REST: 5000}
    assert hundred["counts"] == {HTTP: 5000}


@pytest.mark.parametrize(
    "broken",
    [
        store(None),  # no percentage stored
        store("abc"),
        store("-5"),
        store("5.5"),
        store("101"),
        store(""),
        store("50", http=None),  # no HTTP origin stored
        store("50", http="not a host!"),
        store("50", http="https://h1.example.com"),
    ],
    ids=["missing", "letters", "negative", "fraction", "over-100", "empty", "no-http-origin", "bad-host", "url-not-host"],
)
def test_a_missing_or_malformed_store_sends_everything_to_rest(engine: str, broken: dict) -> None:
    result = run_function(engine, HEADER_CODE, [broken], n=2000)[0]["counts"]
    assert result == {REST: 2000}


def test_without_a_rest_origin_the_distribution_default_origin_serves(engine: str) -> None:
    result = run_function(engine, HEADER_CODE, [store("0", rest=None)], n=500)[0]["counts"]
    assert result == {"default": 500}


def test_cookie_and_viewer_ip_keys_split_too(engine: str) -> None:
    cookie = run_function(engine, function_code("cookie:session"), [store("30")], n=20_000, kind="cookie")[0]["counts"]
    assert abs(100.0 * cookie.get(HTTP, 0) / 20_000 - 30) <= 1.5
    by_ip = run_function(engine, function_code("ip"), [store("30")], n=20_000, kind="ip")[0]["counts"]
    assert abs(100.0 * by_ip.get(HTTP, 0) / 20_000 - 30) <= 1.5


def test_a_request_without_the_header_keeps_to_its_viewer_address(engine: str) -> None:
    # every request below comes from one address and carries no header: one side for all of them
    result = run_function(engine, HEADER_CODE, [store("50")], n=300, kind="none")[0]["counts"]
    assert len(result) == 1


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to parse the module as CloudFront does")
def test_the_code_as_written_is_an_es_module_node_accepts(tmp_path: Path) -> None:
    module = tmp_path / "router.mjs"
    module.write_text(HEADER_CODE, encoding="utf-8")
    done = subprocess.run([shutil.which("node"), "--check", str(module)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_client_key_is_the_only_thing_filled_in() -> None:
    assert FUNCTION_TEMPLATE.count("__CLIENT_KEY__") == 1
    assert 'const CLIENT_KEY = {"kind": "header", "name": "x-client-id"};' in HEADER_CODE


def test_the_origin_is_changed_with_domain_name_and_origin_path_only_U() -> None:
    # every other origin setting stays the distribution's: the full parameter list of updateRequestOrigin is unconfirmed
    calls = re.findall(r"cf\.updateRequestOrigin\((\{[^}]*\})\)", HEADER_CODE)
    assert calls == ["{ domainName: target.domainName, originPath: target.originPath }"]
