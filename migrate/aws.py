"""boto3 sessions and clients, retry settings, and AWS errors turned into one-line user errors.

boto3 is imported here lazily, inside functions, so that importing the CLI stays fast. Every
command that talks to AWS (export now, run later) gets its clients from `connect()` and sends each
call through `call()` / `paginate()`, which turn botocore failures into `AwsError` (exit 3).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from apigw_migrate.errors import AwsError, UsageError

MAX_ATTEMPTS_ENV = "APIGW_MIGRATE_MAX_ATTEMPTS"
# API Gateway's control plane allows only a few GETs per second per account; an export of a large
# API makes hundreds, so throttling is expected and adaptive mode waits it out.
DEFAULT_MAX_ATTEMPTS = 10
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 60
# get_export renders the whole API server-side; big APIs take longer than an ordinary GET.
EXPORT_READ_TIMEOUT = 300

_ACCESS_DENIED = {
    "AccessDeniedException",
    "AccessDenied",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthorizationError",
    "Forbidden",
}
_EXPIRED = {"ExpiredTokenException", "ExpiredToken", "RequestExpired", "TokenRefreshRequired"}
_BAD_CREDENTIALS = {
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "MissingAuthenticationTokenException",
}
_NOT_FOUND = {"NotFoundException", "ResourceNotFoundException", "NoSuchEntity"}
_THROTTLED = {
    "TooManyRequestsException",
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "RequestLimitExceeded",
    "LimitExceededException",
}
_NOT_AUTHORIZED = re.compile(r"not authorized to perform:?\s*([\w.-]+:[\w*.-]+)(?:\s+on resource:?\s*(\S+?))?(?=\s|$|,)")


def max_attempts() -> int:
    raw = os.environ.get(MAX_ATTEMPTS_ENV)
    if not raw:
        return DEFAULT_MAX_ATTEMPTS
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{MAX_ATTEMPTS_ENV} must be a whole number of attempts, not {raw!r}") from None
    if value < 1:
        raise UsageError(f"{MAX_ATTEMPTS_ENV} must be at least 1, not {value}")
    return value


@dataclass
class AwsContext:
    """One boto3 session and the clients made from it, shared by the threads of one command.

    boto3 sessions are not thread-safe but clients are, so every client is created under a lock
    and then reused.
    """

    session: Any
    region: str
    endpoint_url: str | None = None
    attempts: int = DEFAULT_MAX_ATTEMPTS
    _clients: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, service: str, region: str | None = None, purpose: str = "") -> Any:
        """A client for `service` in `region` (default: the context's); `purpose="export"` waits longer for replies."""
        key = (service, region or self.region, purpose)
        with self._lock:
            if key not in self._clients:
                from botocore.config import Config

                # total_max_attempts counts the first call too, so APIGW_MIGRATE_MAX_ATTEMPTS=1 means no retry
                # (botocore's max_attempts would add one).
                config = Config(
                    retries={"mode": "adaptive", "total_max_attempts": self.attempts},
                    connect_timeout=CONNECT_TIMEOUT,
                    read_timeout=EXPORT_READ_TIMEOUT if purpose == "export" else READ_TIMEOUT,
                )
                kwargs: dict[str, Any] = {"region_name": key[1], "config": config}
                if self.endpoint_url:
                    kwargs["endpoint_url"] = self.endpoint_url
                client = self.session.client(service, **kwargs)
                if self.endpoint_url:
                    pin_endpoint_host(client, self.endpoint_url)
                self._clients[key] = client
            return self._clients[key]


def pin_endpoint_host(client: Any, endpoint_url: str) -> None:
    """Send the KeyValueStore data plane's requests to `endpoint_url`'s host as given.

    Its endpoint rules put the store's account id in front of any endpoint host
    (`http://123456789012.127.0.0.1:5000`), which no local or proxy endpoint answers to.
    """
    from urllib.parse import urlsplit, urlunsplit

    netloc = urlsplit(endpoint_url).netloc

    def rewrite(request: Any, **_: Any) -> None:
        parts = urlsplit(request.url)
        if parts.netloc != netloc and parts.netloc.endswith("." + netloc):
            request.url = urlunsplit(parts._replace(netloc=netloc))

    # Only this service: S3's virtual-hosted addressing puts a bucket there, which must stay.
    client.meta.events.register_first("before-send.cloudfront-keyvaluestore", rewrite)


def connect(profile: str | None = None, region: str | None = None, endpoint_url: str | None = None) -> AwsContext:
    """A session from the standard credential chain, with AWS CLI conventions for profile and region.

    AWS_PROFILE, AWS_DEFAULT_REGION and AWS_ENDPOINT_URL (also per service, AWS_ENDPOINT_URL_API_GATEWAY)
    are read by botocore itself; AWS_REGION is honoured here because older botocore releases ignore it.
    """
    import boto3
    import botocore.exceptions

    try:
        session = boto3.Session(profile_name=profile or None)
    except botocore.exceptions.ProfileNotFound:
        raise AwsError(f"AWS profile {profile or os.environ.get('AWS_PROFILE')!r} is not in your AWS config (aws configure list-profiles)") from None
    resolved = region or session.region_name or os.environ.get("AWS_REGION")
    if not resolved:
        raise AwsError("no AWS region: pass --region, or set AWS_REGION or a region in your AWS profile")
    return AwsContext(session=session, region=resolved, endpoint_url=endpoint_url or None, attempts=max_attempts())


def call(client: Any, operation: str, what: str | None = None, **params: Any) -> dict:
    """Call `client.<operation>(**params)`; return the reply without ResponseMetadata, datetimes as ISO 8601."""
    try:
        reply = getattr(client, operation)(**params)
    except Exception as e:  # noqa: BLE001 - botocore raises many unrelated types; translate() sorts them
        raise translate(e, operation, what, _region(client), _service(client)) from None
    return plain(reply)


def paginate(client: Any, operation: str, result_key: str, what: str | None = None, **params: Any) -> list:
    """Every item of a paginated list call, following position/NextToken to the end."""
    items: list = []
    try:
        if client.can_paginate(operation):
            for page in client.get_paginator(operation).paginate(**params):
                items.extend(page.get(result_key) or [])
        else:
            token_name = _token_name(client, operation)
            while True:
                page = getattr(client, operation)(**params)
                items.extend(page.get(result_key) or [])
                token = page.get(token_name)
                if not token:
                    break
                params = {**params, token_name: token}
    except Exception as e:  # noqa: BLE001
        raise translate(e, operation, what, _region(client), _service(client)) from None
    return plain(items)


def _token_name(client: Any, operation: str) -> str:
    """The pagination token of an operation botocore has no paginator for: the request and the reply use the same name."""
    model = client.meta.service_model.operation_model(client.meta.method_to_api_mapping[operation])
    members = model.input_shape.members if model.input_shape else {}
    return next((name for name in ("position", "NextToken", "nextToken") if name in members), "NextToken")


def _region(client: Any) -> str | None:
    return getattr(getattr(client, "meta", None), "region_name", None)


def _service(client: Any) -> str | None:
    model = getattr(getattr(client, "meta", None), "service_model", None)
    return getattr(model, "service_name", None)


def plain(value: Any) -> Any:
    """botocore's reply as JSON-ready data: no ResponseMetadata, datetimes as ISO 8601 strings."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc)
        return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError, or '' for anything else."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str((response.get("Error") or {}).get("Code") or "")
    return ""


def translate(
    exc: BaseException, operation: str, what: str | None = None, region: str | None = None, service: str | None = None
) -> AwsCallError:
    """Turn a botocore/boto3 failure into an AwsError with one line that says what to fix.

    The returned error carries `kind` (``credentials``, ``expired``, ``access``, ``not_found``,
    ``throttled``, ``unreachable``, ``other``) so callers can decide to fall back or to stop.
    """
    if isinstance(exc, AwsCallError):
        return exc
    if isinstance(exc, AwsError):
        return AwsCallError(exc.message, "other")
    import botocore.exceptions as bex

    target = f" {what}" if what else ""
    where = f" in {region}" if region else ""
    if isinstance(exc, bex.NoCredentialsError):
        return _err("credentials", "no AWS credentials found: configure them (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) or pass --profile")
    if isinstance(exc, bex.PartialCredentialsError):
        return _err("credentials", f"incomplete AWS credentials: {exc}")
    if isinstance(exc, bex.ProfileNotFound):
        return _err("credentials", f"AWS profile not found: {exc}")
    if isinstance(exc, (bex.TokenRetrievalError, bex.SSOTokenLoadError, bex.UnauthorizedSSOTokenError)):
        return _err("expired", f"the AWS SSO session has expired or is missing: run 'aws sso login' and retry ({exc})")
    if isinstance(exc, bex.NoRegionError):
        return _err("other", "no AWS region: pass --region, or set AWS_REGION or a region in your AWS profile")
    if isinstance(exc, (bex.EndpointConnectionError, bex.ConnectTimeoutError, bex.ConnectionClosedError)):
        url = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        return _err("unreachable", f"cannot reach the AWS endpoint{(' ' + url) if url else ''} for {operation}: check the network, proxy, --region and --endpoint-url")
    if isinstance(exc, bex.ReadTimeoutError):
        return _err("unreachable", f"AWS did not answer {operation}{target} in time: retry, or check the network")
    if isinstance(exc, bex.ClientError):
        code = error_code(exc)
        message = str((exc.response.get("Error") or {}).get("Message") or "").strip()
        status = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        if code in _EXPIRED or ("expired" in message.lower() and "token" in message.lower()):
            return _err("expired", f"the AWS security token has expired: refresh your credentials (aws sso login, or a new session token) and retry ({operation})")
        if code in _BAD_CREDENTIALS:
            return _err("credentials", f"AWS rejected the credentials ({code}) on {operation}: check the access key, secret key and session token")
        if code in _ACCESS_DENIED or status == 403:
            found = _NOT_AUTHORIZED.search(message)
            if found:
                action, resource = found.group(1), found.group(2)
                on = f" on {resource}" if resource else ""
                return _err("access", f"access denied: your credentials lack {action}{on} (needed by {operation}); grant it and retry")
            return _err("access", f"access denied calling {operation}{target}: grant the permission for {service or 'apigateway'} {operation} and retry")
        if code in _NOT_FOUND or status == 404:
            subject = what or "the resource"
            return _err("not_found", f"{subject} not found{where} ({operation}: {message or code})")
        if code in _THROTTLED or status == 429:
            return _err("throttled", f"AWS kept throttling {operation}{target} after retries ({code}): wait and retry, or raise {MAX_ATTEMPTS_ENV}")
        return _err("other", f"AWS error on {operation}{target}: {code}: {message}" if message else f"AWS error on {operation}{target}: {code}")
    if isinstance(exc, bex.BotoCoreError):
        return _err("other", f"AWS call {operation}{target} failed: {exc}")
    raise exc


class AwsCallError(AwsError):
    """An AwsError that remembers what kind of failure it was, so callers can fall back or stop."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def _err(kind: str, message: str) -> AwsCallError:
    return AwsCallError(message, kind)
