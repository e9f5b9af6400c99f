"""Shared test fixtures: a local moto AWS on 127.0.0.1, the shared corpus, the CLI runner."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DATA = Path(__file__).resolve().parent / "data"
CORPUS = Path(os.environ.get("APIGW_MIGRATE_CORPUS", ROOT.parent / "shared" / "corpus"))

# What an OpenAPI document must hold and a fixture cannot say (convert refuses without it): the VPC link V2
# and listener replacing a REST VPC link, the Region and the ARNs of the template's own functions. Given
# on every run, so the cases and their golden files keep their names.
_LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/{}/50dc6c495c0c9188/0467ef3c8400ae65"
_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:{}"
FIXTURE_VALUES: dict[str, tuple[str, ...]] = {
    "bookstore.bundle.json": ("--vpc-link", "x7k2pq=vl-0bookstore," + _LISTENER.format("covers")),
    "bookstore.oas30.json": ("--vpc-link", "x7k2pq=vl-0bookstore," + _LISTENER.format("covers")),
    "payments.oas30.yaml": ("--vpc-link", "k7r2w9=vl-0payments," + _LISTENER.format("settlements")),
    "cloudformation.json": ("--region", "us-east-1", *(
        a for fn in ("ForecastFunction", "ObservationsFunction", "RadarFunction", "TokenAuthorizerFunction")
        for a in ("--parameter", f"{fn}.Arn={_FUNCTION.format(fn)}"))),
    "sam-template.yaml": ("--region", "us-east-1", "--parameter", "StaffFunction.Arn=" + _FUNCTION.format("staff"),
                          "--parameter", "CatalogFunction.Arn=" + _FUNCTION.format("catalog"),
                          "--parameter", "ReadersPool.ProviderURL=cognito-idp.us-east-1.amazonaws.com/us-east-1_Readers1"),
}  # fmt: skip

# No test may reach real AWS: dummy credentials, and any endpoint that is not loopback fails fast.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.pop("AWS_PROFILE", None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

_real_connect = socket.socket.connect


def _loopback_only(self, address):  # type: ignore[no-untyped-def]
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) and self.family in (
        socket.AF_INET,
        socket.AF_INET6,
    ):
        raise OSError(f"tests may only connect to 127.0.0.1, not {host}")
    return _real_connect(self, address)


socket.socket.connect = _loopback_only  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def moto_server():
    """One local AWS (moto plus the project's extensions) for the whole run, on 127.0.0.1 and a free port."""
    from apigw_migrate.localaws import LocalAws

    with LocalAws() as endpoint_url:
        yield endpoint_url


@pytest.fixture
def aws(moto_server):
    """The endpoint URL of a freshly reset moto server."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")).read()
    return moto_server


@pytest.fixture
def boto_client(aws):
    """Factory for boto3 clients pointed at moto, with no retries so errors surface at once."""
    import boto3
    from botocore.config import Config

    from apigw_migrate.aws import pin_endpoint_host

    def make(service: str, region: str = "us-east-1"):
        client = boto3.client(
            service, endpoint_url=aws, region_name=region, config=Config(retries={"max_attempts": 1})
        )
        pin_endpoint_host(client, aws)
        return client

    return make


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        # CI always has the corpus beside the checkout: there a missing one is a broken path, not a skip.
        if os.environ.get("APIGW_MIGRATE_REQUIRE_CORPUS"):
            pytest.fail(f"shared corpus not found at {CORPUS} and APIGW_MIGRATE_REQUIRE_CORPUS is set")
        pytest.skip(f"shared corpus not found at {CORPUS} (set APIGW_MIGRATE_CORPUS)")
    return CORPUS


@pytest.fixture
def cli():
    """Run the real CLI in process through main(), returning (exit code, stdout, stderr)."""
    return run_cli


def run_cli(*args: str, env: dict | None = None) -> "CliResult":
    import contextlib
    import io

    from apigw_migrate.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_env = {}
    for k, v in (env or {}).items():
        old_env[k] = os.environ.get(k)
        os.environ[k] = v
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return CliResult(code, out.getvalue(), err.getvalue())


class CliResult:
    def __init__(self, code: int, stdout: str, stderr: str):
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, stdout={self.stdout[:2000]!r}, stderr={self.stderr[:2000]!r})"
