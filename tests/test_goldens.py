"""The golden machinery: tests compare and never write; the update command writes and shows the diff."""

from __future__ import annotations

from pathlib import Path

import pytest

import update_goldens
from goldens import assert_matches, dump


def test_a_run_asked_to_update_goldens_fails_instead_of_writing(tmp_path: Path, monkeypatch) -> None:
    golden = tmp_path / "case.out.yaml"
    golden.write_text(dump({"a": 1}))
    monkeypatch.setenv("APIGW_MIGRATE_UPDATE_GOLDEN", "1")
    with pytest.raises(pytest.fail.Exception, match="tests/update_goldens.py"):
        assert_matches(golden, {"a": 2})
    with pytest.raises(pytest.fail.Exception):
        assert_matches(golden, {"a": 1})  # even a match does not pass in such a run
    assert golden.read_text() == dump({"a": 1})


def test_a_missing_or_different_golden_fails(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("APIGW_MIGRATE_UPDATE_GOLDEN", raising=False)
    with pytest.raises(pytest.fail.Exception, match="no golden output"):
        assert_matches(tmp_path / "none.out.yaml", {"a": 1})
    golden = tmp_path / "case.out.yaml"
    golden.write_text(dump({"a": 1}))
    with pytest.raises(AssertionError):
        assert_matches(golden, {"a": 2})
    assert_matches(golden, {"a": 1})


def test_the_update_command_writes_changed_files_and_returns_their_diff(tmp_path: Path) -> None:
    same, changed, new = tmp_path / "same.out.yaml", tmp_path / "changed.out.yaml", tmp_path / "new.out.yaml"
    same.write_text(dump({"a": 1}))
    changed.write_text(dump({"maxAge": 600}))
    diff = update_goldens.update([(same, dump({"a": 1})), (changed, dump({"maxAge": 300})), (new, dump({"b": 2}))])
    text = "".join(diff)
    assert "-maxAge: 600\n+maxAge: 300\n" in text and "+b: 2\n" in text and "same.out.yaml" not in text
    assert changed.read_text() == dump({"maxAge": 300}) and new.read_text() == dump({"b": 2})


def test_the_update_command_check_mode_writes_nothing(tmp_path: Path) -> None:
    golden = tmp_path / "g.out.yaml"
    golden.write_text(dump({"a": 1}))
    assert update_goldens.update([(golden, dump({"a": 2}))], write=False)
    assert golden.read_text() == dump({"a": 1})


def test_every_golden_case_is_known_to_the_update_command() -> None:
    import test_convert_cli
    import test_pass_golden

    paths = {test_pass_golden.golden_path(c) for c in test_pass_golden.CASES}
    paths |= {test_convert_cli.golden_path(k) for k in test_convert_cli.OUTCOMES}
    on_disk = set(Path(test_pass_golden.DATA).rglob("*.out.yaml"))
    assert on_disk <= paths, sorted(str(p) for p in on_disk - paths)
