"""The run lock: one runner per domain.

Two marks, both naming the holder and the time: a local lock file beside the journal (two runners
on one machine), and a marker AWS holds (two machines): a tag on the custom domain for the path
and route53 strategies, a key in the KeyValueStore for the cloudfront strategy. A lock is never
taken over silently: `--break-lock` takes it and says whose it was.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from apigw_migrate import aws
from apigw_migrate.cutover.model import Plan
from apigw_migrate.errors import UserError

TAG = "apigw-migrate:lock"
KVS_KEY = "apigw-migrate-lock"


class LockedError(UserError):
    """Another runner holds the domain."""


def holder_name() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        user = "unknown"
    return f"{user}@{socket.gethostname()} pid {os.getpid()}"


def domain_arn(plan: Plan) -> str:
    region = plan.domain.region
    partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    return f"arn:{partition}:apigateway:{region}::/domainnames/{plan.domain.name}"


@dataclass
class Lock:
    plan: Plan
    clients: Any
    path: Path  # the local lock file
    holder: str
    time: str
    resolve_etag: Callable[[], str] | None = None  # cloudfront: the KeyValueStore's current ETag

    @property
    def marker(self) -> str:
        return f"{self.holder} since {self.time}"

    # --- reading -------------------------------------------------------------------------------------

    def local_holder(self) -> str | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return f"{data['holder']} since {data['time']}"
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            return f"an unreadable lock file {self.path}"

    def aws_holder(self) -> str | None:
        if self.plan.strategy == "cloudfront":
            arn = self._kvs_arn()
            if not arn:
                return None
            try:
                return aws.call(self._kvs(), "get_key", "the lock key", KvsARN=arn, Key=KVS_KEY)["Value"]
            except aws.AwsCallError as e:
                if e.kind == "not_found":
                    return None
                raise
        tags = aws.call(self._v2(), "get_tags", f"tags of custom domain {self.plan.domain.name}", ResourceArn=domain_arn(self.plan))
        return (tags.get("Tags") or {}).get(TAG)

    # --- taking and giving back ----------------------------------------------------------------------

    def acquire(self, break_lock: bool) -> str | None:
        """Take both marks; return whose lock was broken, if one was. Raise LockedError if held and not breaking."""
        held = self.local_holder() or self.aws_holder()
        if held and not break_lock:
            raise LockedError(
                f"the domain {self.plan.domain.name} is locked by {held}: another run is in progress. "
                "If that run is dead (crashed, killed, machine gone), run again with --break-lock"
            )
        self.path.unlink(missing_ok=True)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            raise LockedError(f"the domain {self.plan.domain.name} was locked by another run a moment ago ({self.local_holder()})") from None
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"holder": self.holder, "time": self.time, "domain": self.plan.domain.name}, f)
        try:
            self._set_marker()
            # Setting a tag is not a compare-and-swap: read it back, so of two runners racing from two
            # machines the one whose marker did not stay steps back.
            now = self.aws_holder()
        except BaseException:
            self.path.unlink(missing_ok=True)  # a lock we could not finish taking is not left behind
            raise
        if now not in (None, self.marker):
            self.path.unlink(missing_ok=True)
            raise LockedError(f"the domain {self.plan.domain.name} was locked by {now} at the same moment; not starting")
        return held

    def release(self) -> None:
        """Give both marks back; the AWS marker only if it is still ours."""
        try:
            if self.aws_holder() == self.marker:
                self._clear_marker()
        finally:
            self.path.unlink(missing_ok=True)

    def _set_marker(self) -> None:
        if self.plan.strategy == "cloudfront":
            arn = self._kvs_arn()
            if arn and self.resolve_etag:
                aws.call(self._kvs(), "put_key", "the lock key", KvsARN=arn, Key=KVS_KEY, Value=self.marker, IfMatch=self.resolve_etag())
            return
        aws.call(self._v2(), "tag_resource", f"custom domain {self.plan.domain.name}", ResourceArn=domain_arn(self.plan), Tags={TAG: self.marker})

    def _clear_marker(self) -> None:
        if self.plan.strategy == "cloudfront":
            arn = self._kvs_arn()
            if arn and self.resolve_etag:
                aws.call(self._kvs(), "delete_key", "the lock key", KvsARN=arn, Key=KVS_KEY, IfMatch=self.resolve_etag())
            return
        aws.call(self._v2(), "untag_resource", f"custom domain {self.plan.domain.name}", ResourceArn=domain_arn(self.plan), TagKeys=[TAG])

    def _v2(self) -> Any:
        return self.clients.client("apigatewayv2", self.plan.domain.region)

    def _kvs(self) -> Any:
        return self.clients.client("cloudfront-keyvaluestore", "us-east-1")

    def _kvs_arn(self) -> str | None:
        return self.plan.baseline.get("kvs_arn")
