"""The journal: atomic, append-only, checked on load; reconcile finds where a crashed run stands; effects
predict each call's state; secrets are redacted."""

from __future__ import annotations

import json
import os

import pytest
from cutover_helpers import path_plan

from apigw_migrate.cutover import effects
from apigw_migrate.cutover.journal import DriftError, Journal, reconcile, redact
from apigw_migrate.errors import InputError

R, H = {"api_id": "r1", "stage": "prod"}, {"api_id": "h1", "stage": "$default"}


def new_journal(tmp_path) -> Journal:
    return Journal.create(tmp_path / "plan.yaml.journal.json", "plan.yaml", "ab" * 32, "path", "api.example.com")


def test_every_append_rewrites_the_whole_file_atomically(tmp_path, monkeypatch):
    journal = new_journal(tmp_path)
    replaced = []
    real_replace, real_fsync = os.replace, os.fsync
    synced = []
    monkeypatch.setattr(os, "replace", lambda a, b: (replaced.append((a, b)), real_replace(a, b))[1])
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    journal.append("call", "started", 0, call={"service": "apigatewayv2", "operation": "create_api_mapping", "params": {}}, index=0, phase="forward")
    assert len(replaced) == 1 and replaced[0][1] == journal.path and len(synced) >= 1
    assert [p.name for p in tmp_path.iterdir()] == ["plan.yaml.journal.json"]  # no temporary file left
    data = json.loads(journal.path.read_text())
    assert data["records"][0]["seq"] == 1 and data["records"][0]["status"] == "started"


def test_a_failed_write_keeps_the_old_journal_whole(tmp_path, monkeypatch):
    journal = new_journal(tmp_path)
    journal.append("run", "started")
    before = journal.path.read_text()

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(InputError, match="cannot write the journal: disk full"):
        journal.append("run", "done")
    assert journal.path.read_text() == before and len(journal.records) == 1
    assert len(list(tmp_path.iterdir())) == 1


def test_load_checks_shape_and_plan(tmp_path):
    journal = new_journal(tmp_path)
    journal.append("run", "started")
    assert Journal.load(journal.path, "ab" * 32).records[0]["event"] == "run"
    with pytest.raises(InputError, match="another version of the plan"):
        Journal.load(journal.path, "cd" * 32)
    data = json.loads(journal.path.read_text())
    data["records"][0]["status"] = "maybe"
    journal.path.write_text(json.dumps(data, indent=1))
    with pytest.raises(InputError) as e:
        Journal.load(journal.path)
    assert "record 1 has status 'maybe'" in str(e.value) and e.value.line is not None


def test_steps_done_and_open_states(tmp_path):
    journal = new_journal(tmp_path)
    journal.append("run", "started")
    journal.append("step", "done", 0, share=10.0)
    journal.append("step", "done", 1, share=30.0)
    assert journal.steps_done() == 2 and journal.run_open() and journal.share() == 30.0
    journal.append("rollback", "started", 1)
    assert journal.rollback_open()
    journal.append("rollback", "done", 1, share=0.0)
    assert journal.steps_done() == 0 and not journal.rollback_open() and journal.share() == 0.0


def test_reconcile_finds_how_many_calls_of_a_step_took_effect(tmp_path):
    plan = path_plan("r1", "h1")
    journal = new_journal(tmp_path)
    assert reconcile(journal, plan, {"mappings": {"": R}}).steps_done == 0
    journal.append("step", "done", 0)
    journal.append("step", "done", 1)
    # step 3 switched the root and deleted orders, then the process died
    position = reconcile(journal, plan, {"mappings": {"": H, "carts": H}})
    assert (position.steps_done, position.calls_done) == (2, 2) and "2 of 3 calls" in position.note
    position = reconcile(journal, plan, {"mappings": {"": R, "carts": H, "orders": H}})
    assert (position.steps_done, position.calls_done) == (2, 0)


def test_reconcile_refuses_drift_and_says_what_changed(tmp_path):
    plan = path_plan("r1", "h1")
    with pytest.raises(DriftError) as e:
        reconcile(None, plan, {"mappings": {"": {"api_id": "other", "stage": "prod"}}})
    assert "mappings[''].api_id is 'other', expected 'r1'" in str(e.value)


def test_predict_skips_calls_with_nothing_left_to_do():
    plan = path_plan("r1", "h1")
    delete_orders = plan.steps[0].rollback[0]
    after, todo = effects.predict("path", {"mappings": {"": R}}, delete_orders)
    assert not todo and after == {"mappings": {"": R}}
    switch = plan.steps[2].calls[0]
    after, todo = effects.predict("path", {"mappings": {"": R}}, switch)
    assert todo and after == {"mappings": {"": H}}
    assert effects.predict("path", after, switch) == (after, False)


def test_predict_route53_and_kvs():
    from apigw_migrate.cutover.model import Call

    change = Call("route53", "change_resource_record_sets", {"HostedZoneId": "Z", "ChangeBatch": {"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": "a", "Type": "A", "SetIdentifier": "http", "Weight": 13}}]}})
    assert effects.predict("route53", {"weights": {"http": 0, "rest": 255}}, change) == ({"weights": {"http": 13, "rest": 255}}, True)
    put = Call("cloudfront-keyvaluestore", "put_key", {"KvsARN": "arn", "Key": "http_percentage", "Value": "5", "IfMatch": "E"})
    assert effects.predict("cloudfront", {"keys": {"http_percentage": "5"}}, put)[1] is False


def test_redact_keeps_names_and_drops_values():
    found = redact({"headers": {"Authorization": "Bearer t", "X-Api-Key": "k", "Cookie": "c", "Accept": "json"}, "aws_secret_access_key": "s", "Key": "http_percentage"})
    assert found == {"headers": {"Authorization": "<redacted>", "X-Api-Key": "<redacted>", "Cookie": "<redacted>", "Accept": "json"},
                     "aws_secret_access_key": "<redacted>", "Key": "http_percentage"}
