"""AWS failures become one line and exit code 3 (apigw_migrate.aws), through the real CLI where possible."""

from __future__ import annotations

import socket

import pytest
from botocore.stub import Stubber

from apigw_migrate import aws as aws_mod
from apigw_migrate.errors import AwsError, ExitCode
from apigw_migrate.export import export_bundle

API_ID = "a1b2c3d4e5"
REGION = "us-east-1"
DENIED = (
    f"User: arn:aws:iam::123456789012:user/ci-reader is not authorized to perform: apigateway:GET on resource: "
    f"arn:aws:apigateway:{REGION}::/restapis/{API_ID} because no identity-based policy allows the apigateway:GET action"
)


@pytest.fixture
def ctx(aws, monkeypatch):
    monkeypatch.setenv("APIGW_MIGRATE_MAX_ATTEMPTS", "1")
    return aws_mod.connect(region=REGION, endpoint_url=aws)


def fail_first_call(ctx, code: str, message: str, status: int) -> AwsError:
    with Stubber(ctx.client("apigateway")) as stub:
        stub.add_client_error("get_rest_api", code, message, status)
        with pytest.raises(AwsError) as e:
            export_bundle(ctx, API_ID, "prod")
    assert e.value.exit_code == ExitCode.AWS
    assert "\n" not in str(e.value)
    return e.value


def test_access_denied_names_the_missing_action_and_resource(ctx):
    error = fail_first_call(ctx, "AccessDeniedException", DENIED, 403)
    assert str(error) == (
        f"access denied: your credentials lack apigateway:GET on arn:aws:apigateway:{REGION}::/restapis/{API_ID} "
        "(needed by get_rest_api); grant it and retry"
    )


def test_access_denied_without_a_parsable_message_names_the_call(ctx):
    error = fail_first_call(ctx, "AccessDeniedException", "Forbidden", 403)
    assert "access denied calling get_rest_api REST API 'a1b2c3d4e5'" in str(error)


def test_access_denied_on_another_service_names_that_service(ctx):
    client = ctx.client("cognito-idp")
    with Stubber(client) as stub:
        stub.add_client_error("list_user_pool_clients", "AccessDeniedException", "Forbidden", 403)
        with pytest.raises(AwsError) as e:
            aws_mod.call(client, "list_user_pool_clients", what="app clients", UserPoolId="us-east-1_x", MaxResults=60)
    assert "grant the permission for cognito-idp list_user_pool_clients" in str(e.value)
    assert "apigateway" not in str(e.value)


def test_expired_token(ctx):
    error = fail_first_call(ctx, "ExpiredTokenException", "The security token included in the request is expired", 403)
    assert "security token has expired" in str(error)


def test_invalid_credentials(ctx):
    error = fail_first_call(ctx, "UnrecognizedClientException", "The security token included in the request is invalid.", 403)
    assert "AWS rejected the credentials (UnrecognizedClientException)" in str(error)


class _Throttling:
    """An API Gateway endpoint on 127.0.0.1 that answers every call with 429 and counts the calls."""

    def __init__(self) -> None:
        import http.server
        import threading

        owner = self
        self.calls = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server interface
                owner.calls += 1
                body = b'{"message": "Too Many Requests"}'
                self.send_response(429)
                self.send_header("x-amzn-ErrorType", "TooManyRequestsException")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_throttling_after_retries(monkeypatch):
    # A real throttling endpoint, so botocore's retry handler runs: a Stubber answer skips it.
    endpoint = _Throttling()
    try:
        monkeypatch.setenv("APIGW_MIGRATE_MAX_ATTEMPTS", "3")
        ctx = aws_mod.connect(region=REGION, endpoint_url=endpoint.url)
        with pytest.raises(AwsError) as e:
            export_bundle(ctx, API_ID, "prod")
    finally:
        endpoint.server.shutdown()
        endpoint.server.server_close()
    assert endpoint.calls == 3  # the first call and two retries
    assert e.value.exit_code == ExitCode.AWS and "\n" not in str(e.value)
    assert "kept throttling get_rest_api" in str(e.value) and "APIGW_MIGRATE_MAX_ATTEMPTS" in str(e.value)


def test_not_found_names_the_rest_api(ctx):
    error = fail_first_call(ctx, "NotFoundException", "Invalid API identifier specified 123456789012:a1b2c3d4e5", 404)
    assert str(error).startswith(f"REST API {API_ID!r} not found in {REGION}")


def test_no_credentials(cli, aws, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    result = cli("export", "--rest-api-id", API_ID, "--stage", "prod", "--endpoint-url", aws, env={"APIGW_MIGRATE_MAX_ATTEMPTS": "1"})
    assert result.code == 3
    assert result.stderr.startswith("error: no AWS credentials found")
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_profile(cli, aws):
    result = cli("export", "--rest-api-id", API_ID, "--profile", "nosuchprofile", "--endpoint-url", aws)
    assert result.code == 3
    assert "AWS profile 'nosuchprofile' is not in your AWS config" in result.stderr


def test_no_region(cli, aws, monkeypatch):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    result = cli("export", "--rest-api-id", API_ID, "--endpoint-url", aws)
    assert result.code == 3
    assert "no AWS region: pass --region" in result.stderr


def test_aws_region_environment_variable_is_honoured(aws, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    assert aws_mod.connect(endpoint_url=aws).region == "eu-west-3"


def test_endpoint_not_reachable(cli):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens on the port once the socket is closed: the connection is refused at once.
    result = cli(
        "export", "--rest-api-id", API_ID, "--stage", "prod", "--endpoint-url", f"http://127.0.0.1:{port}",
        env={"APIGW_MIGRATE_MAX_ATTEMPTS": "1"},
    )
    assert result.code == 3
    assert result.stderr.startswith(f"error: cannot reach the AWS endpoint http://127.0.0.1:{port}")


def test_max_attempts_must_be_a_positive_number(cli, aws):
    result = cli("export", "--rest-api-id", API_ID, "--endpoint-url", aws, env={"APIGW_MIGRATE_MAX_ATTEMPTS": "lots"})
    assert result.code == 2
    assert "APIGW_MIGRATE_MAX_ATTEMPTS must be a whole number" in result.stderr
    assert cli("export", "--rest-api-id", API_ID, "--endpoint-url", aws, env={"APIGW_MIGRATE_MAX_ATTEMPTS": "0"}).code == 2


def test_clients_use_adaptive_retries_with_the_configured_attempts(aws, monkeypatch):
    monkeypatch.setenv("APIGW_MIGRATE_MAX_ATTEMPTS", "7")
    client = aws_mod.connect(region=REGION, endpoint_url=aws).client("apigateway")
    assert client.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 7}


def test_cli_modules_do_not_import_boto3():
    import subprocess
    import sys

    code = "import sys, apigw_migrate.cli, apigw_migrate.cli.export; print('boto3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


@pytest.mark.parametrize(
    "code,status,kind",
    [
        ("AccessDenied", 403, "access"),
        ("ThrottlingException", 400, "throttled"),
        ("ResourceNotFoundException", 400, "not_found"),
        ("ExpiredToken", 400, "expired"),
        ("InternalFailure", 500, "other"),
    ],
)
def test_error_kinds(code, status, kind):
    from botocore.exceptions import ClientError

    error = ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "GetThing")
    assert aws_mod.translate(error, "get_thing", "thing 'x'").kind == kind
