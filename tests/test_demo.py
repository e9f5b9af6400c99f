"""`apigw-migrate demo` end to end through the real CLI, and `demo --serve` in a subprocess."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

ENDPOINT = re.compile(r"http://127\.0\.0\.1:(\d+)")


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def listening_ports() -> set[int]:
    """The TCP ports in LISTEN state on this machine (Linux /proc), to prove the demo leaves none behind."""
    ports: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def test_demo_runs_the_whole_pipeline_and_leaves_its_files_and_no_server(cli, tmp_path):
    # conftest's socket guard refuses any address but 127.0.0.1: this run proves the demo needs no network
    folder = tmp_path / "demo"
    # an earlier demo's files (an unreadable journal above all) are replaced, not resumed; others are kept
    folder.mkdir()
    (folder / "plan.yaml.journal.json").write_text("{not json")
    (folder / "notes.txt").write_text("mine")
    threads_before = {t.ident for t in threading.enumerate()}
    result = cli("demo", "--dir", str(folder))
    assert result.code == 0, result
    out = result.stdout

    # each stage shows the command as a user types it, then its real output
    for command in ("export", "check", "convert", "plan", "run", "status", "report"):
        assert f"$ apigw-migrate {command} " in out, command
    assert "wrote " in out
    assert "import-api" in out  # says what does this step on AWS
    assert "(exit code 1)" in out.split("== 7.", 1)[1]  # the failed gate's run ends as run says it does

    # the last lines list every file, and every file is in the folder
    listed = out.rstrip().split("Everything the demo wrote is in", 1)[1].splitlines()[1:]
    files = [Path(line.strip()) for line in listed]
    assert files and all(f.parent == folder and f.is_file() for f in files), listed
    names = {f.name for f in files}
    assert {"shop.bundle.json", "shop.check.json", "shop-http.yaml", "shop-http.template.yaml", "plan.yaml",
            "plan.yaml.journal.json", "plan.failed-run.journal.json", "report.html"} <= names
    assert names | {"notes.txt"} == {p.name for p in folder.iterdir()}
    assert (folder / "notes.txt").read_text() == "mine"

    # the first run reached 100 %; the second failed a gate at a later step and rolled back, verified
    first = json.loads((folder / "plan.yaml.journal.json").read_text())["records"]
    assert any(r["event"] == "step" and r["status"] == "done" and r.get("share") == 100.0 for r in first)
    second = json.loads((folder / "plan.failed-run.journal.json").read_text())["records"]
    done_steps = [r["step"] for r in second if r["event"] == "step" and r["status"] == "done"]
    failed_gate = next(r for r in second if r["event"] == "gate" and r["status"] == "fail")
    assert done_steps == [0, 1] and failed_gate["step"] == 2
    assert any(g["name"] == "5xx_rate" and g["verdict"] == "fail" for g in failed_gate["gates"])
    assert [r["status"] for r in second if r["event"] == "rollback"] == ["started", "done"]

    # the HTTP API was made with the routes of the converted definition; the report draws the failed run
    definition = yaml.safe_load((folder / "shop-http.yaml").read_text())
    defined = sorted(f"{m.upper()} {p}" for p, item in definition["paths"].items() for m in item if m != "parameters")
    made = re.search(r"^HTTP API \w+: (\d+) routes \((.*)\), stage \$default$", out, re.M)
    assert made and made.group(2).split(", ") == defined
    html = (folder / "report.html").read_text()
    assert "<svg" in html and "api.shop.example.com" in html and "rolled back" in html

    # nothing left running: the server's port is closed, its thread gone, no new listening socket
    port = int(ENDPOINT.search(out).group(1))
    assert not port_open(port)
    assert port not in listening_ports()
    assert not [t for t in threading.enumerate() if t.ident not in threads_before and t.name == "localaws"]


def test_demo_without_moto_says_in_one_line_what_to_install(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "moto", None)
    result = cli("demo", "--dir", str(tmp_path / "demo"))
    assert result.code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "pip install -e '.[demo]'" in result.stderr
    assert not (tmp_path / "demo").exists()


def test_port_and_empty_need_serve(cli):
    result = cli("demo", "--empty")
    assert result.code == 2 and "--serve" in result.stderr


def test_a_dir_that_is_a_file_is_an_input_error(cli, tmp_path):
    (tmp_path / "taken").write_text("")
    result = cli("demo", "--dir", str(tmp_path / "taken" / "demo"))
    assert result.code == 2 and str(tmp_path / "taken" / "demo") in result.stderr


def test_serve_on_a_port_in_use_says_so(cli):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("demo", "--serve", "--empty", "--port", str(port))
    assert result.code == 2, result
    assert f"--port {port}" in result.stderr and result.stderr.count("\n") == 1


def test_the_demo_extra_holds_the_local_aws_and_test_includes_it():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(d.startswith("moto[server]") for d in extras["demo"])
    assert set(extras["demo"]) <= set(extras["test"])


def start_server(*args: str) -> tuple[subprocess.Popen, int, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "apigw_migrate", "demo", "--serve", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    first = process.stdout.readline()
    match = re.fullmatch(r"endpoint: http://127\.0\.0\.1:(\d+)\n", first)
    if not match:
        process.kill()
        pytest.fail(f"first line {first!r}; stderr {process.stderr.read()}")
    lines = [first]
    while not lines[-1].startswith("Ctrl-C or SIGTERM stops it."):
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"server ended early: {lines} {process.stderr.read()}")
        lines.append(line)
    return process, int(match.group(1)), lines


def client(service: str, port: int):
    import boto3
    from botocore.config import Config

    return boto3.client(service, endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        config=Config(retries={"max_attempts": 1}))


def test_serve_loads_the_sample_answers_boto3_and_the_cli_and_stops_on_sigterm(cli, tmp_path, monkeypatch):
    process, port, lines = start_server()
    try:
        apis = client("apigateway", port).get_rest_apis()["items"]
        assert [a["name"] for a in apis] == ["shop"]
        mappings = client("apigatewayv2", port).get_api_mappings(DomainName="api.shop.example.com")["Items"]
        assert [(m["ApiMappingKey"], m["ApiId"]) for m in mappings] == [("", apis[0]["id"])]
        # every command the guide prints works as printed: export, plan, run to 100 %, status
        monkeypatch.chdir(tmp_path)
        commands = [line.strip() for line in lines if line.strip().startswith("apigw-migrate ")]
        assert [c.split()[1] for c in commands] == ["export", "plan", "run", "status"]
        for command in commands:
            result = cli(*command.split()[1:])
            assert result.code == 0, (command, result)
        assert (tmp_path / "shop.bundle.json").is_file()
        assert "100 % of traffic on HTTP" in result.stdout
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    assert code == 0, process.stderr.read()
    assert "stopped" in process.stdout.read()
    assert not port_open(port)


def test_serve_empty_on_a_chosen_port_stops_on_ctrl_c(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    process, port, _ = start_server("--port", str(free), "--empty")
    try:
        assert port == free
        assert client("apigateway", port).get_rest_apis()["items"] == []
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0, process.stderr.read()
    assert not port_open(port)
