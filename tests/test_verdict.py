"""One verdict: `check` and `convert` agree on every REST API of fixtures/ and of the shared corpus.

Through the real CLI, for every REST API (each API of a template on its own, with --api):

1. check's blocked routes are the routes convert leaves out, and check's blocker and warning findings are
   convert's, field by field (rule, severity, pointer, routes, message), with no AGW000 (a pass that met
   something it could not rewrite);
2. whenever `check --fail-on blocker` exits 1, `convert` (default --on-blocked fail) exits 1 and writes
   nothing;
3. a blocker about the whole API blocks every route: `--on-blocked skip` writes nothing either, and only an
   explicit acknowledgement (--ignore) lets the routes through, recorded in the written document.

The generated-input side of invariant 1 is in tests/test_convert_property.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, FIXTURE_VALUES, FIXTURES

from apigw_migrate.errors import UserError
from apigw_migrate.load import load_all


def _rest_apis(folder: Path, marks: tuple = ()) -> list:
    """(file, --api or None) for every REST API in `folder` that loads; templates give one entry per API."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix not in (".json", ".yaml", ".yml", ".tpl"):
            continue
        try:
            sources, _ = load_all(path)
        except UserError:
            continue  # an input error: refused alike by both commands (tests/test_convert_corpus.py)
        for src in sources:
            if src.flavor == "rest":
                api = src.api_name if src.kind in ("sam", "cloudformation") else None
                found.append(pytest.param(path, api, id=f"{path.name}{'#' + api if api else ''}", marks=marks))
    return found


APIS = _rest_apis(FIXTURES) + _rest_apis(CORPUS, marks=(pytest.mark.corpus,))


def _api(*args: str | None) -> list[str]:
    return [a for a in args if a is not None]


def _values(path: Path) -> tuple[str, ...]:
    """The template values and VPC links a fixture needs to be written as OpenAPI; both commands get them."""
    return FIXTURE_VALUES.get(path.name, ()) if path.parent == FIXTURES else ()


def _check(cli, path: Path, api: str | None, *extra: str) -> tuple[int, dict]:
    r = cli("check", str(path), "--format", "json", "--fail-on", "blocker", *(["--api", api] if api else []), *_values(path), *extra)
    assert r.code in (0, 1), r
    return r.code, json.loads(r.stdout)["apis"][0]


def _convert(cli, path: Path, api: str | None, out: Path, *extra: str):
    """Convert as check was run. Exit 2 only for what an OpenAPI document cannot hold (an intrinsic left unresolved,
    a REST VPC link without --vpc-link): a refusal of the output format, after the same report."""
    r = cli("convert", str(path), "-o", str(out), "--report", "json", *(["--api", api] if api else []), *_values(path), *extra)
    refused = r.code == 2 and "nothing written" in r.stderr and "--format sam or --format cloudformation" in r.stderr
    assert r.code in (0, 1) or refused, r
    assert not (refused and out.exists()), r
    return r, json.loads(r.stdout)["apis"][0]


def _blocked(report: dict) -> set[str]:
    return {r["route"] for r in report["routes"] if r["verdict"] == "blocked"}


def _findings(report: dict) -> list[tuple]:
    return sorted(
        (f["rule"], f["severity"], f["pointer"], tuple(f["routes"]), f["message"], f["line"], f["column"])
        for f in report["findings"]
        if f["severity"] in ("blocker", "warning")
    )


def _written_routes(out: Path) -> set[str]:
    from apigw_migrate.transforms.context import operations

    return {o.route for o in operations(json.loads(out.read_text()))}


def test_every_fixture_api_is_compared() -> None:
    # 9 files; sam-template.yaml holds two REST APIs.
    assert len([p for p in APIS if p.values[0].parent == FIXTURES]) == 10


@pytest.mark.parametrize("path,api", APIS)
def test_check_and_convert_give_one_verdict(cli, tmp_path: Path, path: Path, api: str | None) -> None:
    check_code, checked = _check(cli, path, api)
    out = tmp_path / "http.json"
    r, converted = _convert(cli, path, api, out, "--on-blocked", "skip")

    # 1. The same blocked routes, the same findings, word for word, and no pass that could not rewrite.
    assert _blocked(converted) == _blocked(checked)
    assert _findings(converted) == _findings(checked)
    assert converted["routes"] == checked["routes"] and converted["verdict"] == checked["verdict"]
    assert not [f for f in converted["findings"] if f["rule"] == "AGW000"]
    if out.exists():
        assert _written_routes(out).isdisjoint(_blocked(checked))
        assert f"{len(_blocked(checked))} route(s) left out" in r.stderr if _blocked(checked) else "left out" not in r.stderr
    # The listing under the count names every route it counts (or says every route, for a whole-API blocker);
    # an OpenAPI-output refusal (exit 2) comes instead of it.
    listed = {line.split(": AGW", 1)[0].strip() for line in r.stderr.splitlines() if line.startswith("  ") and ": AGW" in line}
    if r.code != 2:
        assert listed == _blocked(checked) or ("every route" in listed and listed - {"every route"} <= _blocked(checked))

    # 2. What check fails, convert refuses to write.
    strict = tmp_path / "strict.json"
    r, _ = _convert(cli, path, api, strict)
    if check_code == 1:
        assert r.code == 1 and not strict.exists(), r

    # 3. A blocker about the whole API blocks every route; skipping writes nothing.
    whole_api = sorted({f["rule"] for f in checked["findings"] if f["severity"] == "blocker" and not f["routes"]})
    if whole_api:
        assert _blocked(checked) == {r["route"] for r in checked["routes"]}
        assert not out.exists()


WHOLE_API_CASES = [
    (FIXTURES / "sam-template.yaml", "StaffApi", "AGW102,AGW103,AGW104"),
    (FIXTURES / "payments.oas30.yaml", None, "AGW103,AGW104"),
    (FIXTURES / "bookstore.bundle.json", None, "AGW104,AGW105,AGW106,AGW811"),
]


@pytest.mark.parametrize("path,api,ids", WHOLE_API_CASES, ids=[f"{c[0].name}{'#' + c[1] if c[1] else ''}" for c in WHOLE_API_CASES])
def test_a_whole_api_blocker_moves_only_when_acknowledged_and_the_output_says_so(cli, tmp_path: Path, path: Path, api, ids: str) -> None:
    out = tmp_path / "http.json"
    r, _ = _convert(cli, path, api, out, "--on-blocked", "skip")
    assert r.code == 1 and not out.exists(), r
    assert f"acknowledge them with --ignore {ids}" in r.stderr

    # Acknowledged on the command line: both commands move the same routes.
    _, checked = _check(cli, path, api, "--ignore", ids)
    r, converted = _convert(cli, path, api, out, "--on-blocked", "skip", "--ignore", ids)
    assert r.code == 0, r
    assert _blocked(converted) == _blocked(checked) != {x["route"] for x in checked["routes"]}
    recorded = json.loads(out.read_text())["info"]["x-apigw-migrate"]["acknowledged"]
    assert sorted({a["rule"] for a in recorded}) == sorted(ids.split(","))
    assert all(a["ignoredBy"] == "ignore" and a["message"] for a in recorded)
    assert "acknowledged (--ignore)" in r.stderr


def test_acknowledgement_in_the_config_file_works_for_both_commands(cli, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".apigw-migrate.toml").write_text('ignore = ["AGW102", "AGW103", "AGW104"]\n')
    monkeypatch.chdir(tmp_path)
    path = FIXTURES / "sam-template.yaml"
    code, checked = _check(cli, path, "StaffApi")
    out = tmp_path / "http.yaml"
    r = cli("convert", str(path), "--api", "StaffApi", "--format", "sam", "-o", str(out))
    assert code == 0 and r.code == 0, r
    assert _blocked(checked) == set()
    import yaml

    template = yaml.safe_load(out.read_text())
    assert sorted(a["rule"] for a in template["Metadata"]["apigw-migrate"]["acknowledged"]) == ["AGW102", "AGW103", "AGW104"]


@pytest.mark.parametrize("flags", [("--jwt-audience", "web-client"), ("--payload-format", "2.0")])
def test_options_that_change_a_verdict_move_both_commands_alike(cli, tmp_path: Path, flags: tuple) -> None:
    path = FIXTURES / "bookstore.oas30.json"
    _, before = _check(cli, path, None, "--ignore", "AGW104")
    _, checked = _check(cli, path, None, "--ignore", "AGW104", *flags)
    _, converted = _convert(cli, path, None, tmp_path / "o.json", "--on-blocked", "skip", "--ignore", "AGW104", *flags)
    assert _blocked(converted) == _blocked(checked)
    assert sorted(map(str, converted["findings"])) == sorted(map(str, checked["findings"]))
    assert checked["findings"] != before["findings"]


def test_per_route_config_moves_both_commands_alike(cli, tmp_path: Path, monkeypatch) -> None:
    # The Cognito routes get their audience from the config file: no longer blocked, in either command.
    (tmp_path / ".apigw-migrate.toml").write_text(
        'ignore = ["AGW104"]\n'
        '[routes."GET /books"]\njwt-audience = ["web-client"]\n'
        '[routes."GET /books/{bookId}"]\npayload-format = "2.0"\n'
    )
    monkeypatch.chdir(tmp_path)
    path = FIXTURES / "bookstore.oas30.json"
    _, checked = _check(cli, path, None)
    _, converted = _convert(cli, path, None, tmp_path / "o.json", "--on-blocked", "skip")
    assert _blocked(converted) == _blocked(checked)
    assert "GET /books" not in _blocked(checked)
    assert _findings(converted) == _findings(checked)
