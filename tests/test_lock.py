"""The lock's AWS marker: exact call shapes (Stubber), and who holds it."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber
from cutover_helpers import path_plan

from apigw_migrate.cutover.lock import TAG, Lock, LockedError, domain_arn

ARN = "arn:aws:apigateway:us-east-1::/domainnames/api.example.com"


class OneClient:
    def __init__(self, client):
        self.made = client

    def client(self, service, region=None):
        return self.made


def test_the_marker_is_a_tag_on_the_custom_domain(tmp_path):
    plan = path_plan("r1", "h1")
    assert domain_arn(plan) == ARN
    v2 = boto3.client("apigatewayv2", region_name="us-east-1")
    lock = Lock(plan, OneClient(v2), tmp_path / "j.lock", "me@host pid 1", "2026-12-01T14:00:00Z")
    mine = {TAG: "me@host pid 1 since 2026-12-01T14:00:00Z"}
    with Stubber(v2) as stub:
        stub.add_response("get_tags", {"Tags": {}}, {"ResourceArn": ARN})
        stub.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": mine})
        stub.add_response("get_tags", {"Tags": mine}, {"ResourceArn": ARN})
        assert lock.acquire(break_lock=False) is None
        assert (tmp_path / "j.lock").exists()
        stub.add_response("get_tags", {"Tags": mine}, {"ResourceArn": ARN})
        stub.add_response("untag_resource", {}, {"ResourceArn": ARN, "TagKeys": [TAG]})
        lock.release()
        stub.assert_no_pending_responses()
    assert not (tmp_path / "j.lock").exists()


def test_a_marker_overwritten_in_the_same_moment_steps_back(tmp_path):
    plan = path_plan("r1", "h1")
    v2 = boto3.client("apigatewayv2", region_name="us-east-1")
    lock = Lock(plan, OneClient(v2), tmp_path / "j.lock", "me@host pid 1", "2026-12-01T14:00:00Z")
    with Stubber(v2) as stub:
        stub.add_response("get_tags", {"Tags": {}}, {"ResourceArn": ARN})
        stub.add_response("tag_resource", {}, None)
        stub.add_response("get_tags", {"Tags": {TAG: "you@other pid 2 since 2026-12-01T14:00:00Z"}}, {"ResourceArn": ARN})
        with pytest.raises(LockedError, match="locked by you@other pid 2 .* at the same moment"):
            lock.acquire(break_lock=False)
    assert not (tmp_path / "j.lock").exists()


def test_release_leaves_a_marker_that_is_no_longer_ours(tmp_path):
    plan = path_plan("r1", "h1")
    v2 = boto3.client("apigatewayv2", region_name="us-east-1")
    lock = Lock(plan, OneClient(v2), tmp_path / "j.lock", "me@host pid 1", "2026-12-01T14:00:00Z")
    with Stubber(v2) as stub:  # someone broke our lock: release must not remove theirs
        stub.add_response("get_tags", {"Tags": {TAG: "you@other pid 2 since 2026-12-01T15:00:00Z"}}, {"ResourceArn": ARN})
        lock.release()
        stub.assert_no_pending_responses()


def test_a_marker_that_cannot_be_set_leaves_no_local_lock(tmp_path):

    plan = path_plan("r1", "h1")
    v2 = boto3.client("apigatewayv2", region_name="us-east-1")
    lock = Lock(plan, OneClient(v2), tmp_path / "j.lock", "me@host pid 1", "2026-12-01T14:00:00Z")
    from apigw_migrate.errors import AwsError

    with Stubber(v2) as stub:
        stub.add_response("get_tags", {"Tags": {}}, {"ResourceArn": ARN})
        stub.add_client_error("tag_resource", "AccessDeniedException", "not authorized to perform: apigateway:POST", 403)
        with pytest.raises(AwsError, match="access denied"):
            lock.acquire(break_lock=False)
    assert not (tmp_path / "j.lock").exists()
