"""Config files: discovery, shape, unknown ids."""

from __future__ import annotations

import pytest

from apigw_migrate.config import Config, IgnoreAt, find_config, load_config
from apigw_migrate.errors import InputError, UsageError


def test_no_config_gives_defaults(tmp_path):
    assert load_config(start=tmp_path) == Config()


def test_pyproject_table_found_from_a_subdirectory(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.apigw-migrate]\nignore = ["AGW703"]\nfail-on = "warning"\n'
        '[[tool.apigw-migrate.ignore-at]]\nrule = "AGW305"\npointer = "/paths/~1legacy*"\n'
        '[tool.apigw-migrate.routes."GET /legacy"]\nkeep-on-rest = true\n'
    )
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    c = load_config(start=sub)
    assert c.ignore == ("AGW703",)
    assert c.fail_on == "warning"
    assert c.ignore_at == (IgnoreAt("AGW305", "/paths/~1legacy*"),)
    assert c.routes == {"GET /legacy": {"keep-on-rest": True}}


def test_pyproject_without_the_table_is_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(tmp_path) is None


def test_dotfile_wins_and_may_use_top_level_keys(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.apigw-migrate]\nignore = ["AGW1"]\n')
    (tmp_path / ".apigw-migrate.toml").write_text('select = ["AGW2"]\n')
    c = load_config(start=tmp_path)
    assert c.select == ("AGW2",) and c.ignore == ()


@pytest.mark.parametrize(
    "text,fragment",
    [
        ('ignore = ["AGW999"]', "unknown rule id 'AGW999'"),
        ('select = "AGW2"', "must be a list"),
        ('fail-on = "sometimes"', "fail-on must be one of"),
        ('colour = true', "unknown key 'colour'"),
        ('[[ignore-at]]\nrule = "XYZ"\npointer = "/a"', "unknown rule id 'XYZ'"),
        ('[[ignore-at]]\nrule = "AGW305"', "each ignore-at entry needs"),
    ],
)
def test_bad_config_is_a_usage_error(tmp_path, text, fragment):
    (tmp_path / ".apigw-migrate.toml").write_text(text + "\n")
    with pytest.raises(UsageError, match=fragment.replace("(", r"\(")):
        load_config(start=tmp_path)


def test_invalid_toml_is_an_input_error(tmp_path):
    (tmp_path / ".apigw-migrate.toml").write_text("ignore = [\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_config(start=tmp_path)


def test_explicit_missing_file(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        load_config(tmp_path / "nope.toml")
