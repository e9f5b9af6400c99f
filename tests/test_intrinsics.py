"""Template intrinsics: evaluated with --parameter, --region and defaults; --format openapi refuses what stays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apigw_migrate.errors import UsageError
from apigw_migrate.intrinsics import REMOVED, Given, environment, names_needed, parse_assignments, resolve, unresolved
from apigw_migrate.load import load

from conftest import DATA

TEMPLATE = DATA / "real" / "intrinsics-template.yaml"
FUNCTION_ARN = "OrdersFunction.Arn=arn:aws:lambda:eu-west-1:123456789012:function:orders"

T = {
    "Parameters": {
        "Stage": {"Type": "String", "Default": "dev"},
        "Ids": {"Type": "CommaDelimitedList", "Default": "a,b"},
        "Flag": {"Type": "String"},
    },
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        "FlagOn": {"Fn::Equals": [{"Ref": "Flag"}, "on"]},
        "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
        "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "FlagOn"}]},
        "Either": {"Fn::Or": [{"Condition": "NotProd"}, {"Condition": "FlagOn"}]},
        "Loop": {"Fn::Not": [{"Condition": "Loop"}]},
    },
    "Mappings": {"Hosts": {"dev": {"name": "dev.example.com"}}},
    "Resources": {"Fn": {"Type": "AWS::Lambda::Function"}},
}


def env(given: dict | None = None, region: str | None = None, use_defaults: bool = True):  # type: ignore[no-untyped-def]
    return environment(T, given or {}, region, use_defaults)


def test_ref_takes_the_given_value_then_the_default() -> None:
    assert resolve({"Ref": "Stage"}, env()) == "dev"
    assert resolve({"Ref": "Stage"}, env({"Stage": "prod"})) == "prod"
    assert resolve({"Ref": "Ids"}, env()) == ["a", "b"]
    assert resolve({"Ref": "Flag"}, env()) == {"Ref": "Flag"}  # no default: unknown


def test_defaults_are_not_used_when_a_template_is_written_out() -> None:
    assert resolve({"Ref": "Stage"}, env(use_defaults=False)) == {"Ref": "Stage"}


def test_pseudo_parameters_come_from_region_or_parameters_only() -> None:
    e = env(region="cn-north-1")
    assert resolve({"Fn::Sub": "${AWS::Partition}|${AWS::URLSuffix}|${AWS::Region}"}, e) == "aws-cn|amazonaws.com.cn|cn-north-1"
    assert resolve({"Ref": "AWS::AccountId"}, e) == {"Ref": "AWS::AccountId"}
    assert resolve({"Ref": "AWS::AccountId"}, env({"AWS::AccountId": "123456789012"})) == "123456789012"
    assert resolve({"Ref": "AWS::Region"}, env()) == {"Ref": "AWS::Region"}


def test_sub_both_forms_and_partial_substitution() -> None:
    e = env(region="eu-west-1")
    assert resolve({"Fn::Sub": ["${Host}/${Stage}", {"Host": {"Fn::FindInMap": ["Hosts", "dev", "name"]}}]}, e) == "dev.example.com/dev"
    assert resolve({"Fn::Sub": "${!Literal}-${Stage}"}, e) == "${Literal}-dev"
    partial = resolve({"Fn::Sub": ["${AWS::Region}/${Fn.Arn}/${X}", {"X": {"Fn::GetAtt": ["Fn", "Arn"]}}]}, e)
    assert partial == {"Fn::Sub": ["eu-west-1/${Fn.Arn}/${X}", {"X": {"Fn::GetAtt": ["Fn", "Arn"]}}]}


def test_join_select_and_a_deployed_attribute_given_as_parameter() -> None:
    e = env({"Fn.Arn": "arn:aws:lambda:eu-west-1:1:function:f"})
    assert resolve({"Fn::Join": [",", [{"Ref": "Stage"}, {"Fn::Select": [1, {"Ref": "Ids"}]}]]}, e) == "dev,b"
    assert resolve({"Fn::GetAtt": ["Fn", "Arn"]}, e) == "arn:aws:lambda:eu-west-1:1:function:f"
    assert resolve({"Fn::Join": ["", ["x", {"Fn::GetAtt": ["Fn", "Arn"]}]]}, env()) == {
        "Fn::Join": ["", ["x", {"Fn::GetAtt": ["Fn", "Arn"]}]]
    }


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, {"a": "not prod", "b": "either", "c": "no"}),
        ({"Stage": "prod", "Flag": "on"}, {"a": "prod", "b": "either", "c": "both"}),
        ({"Stage": "prod", "Flag": "off"}, {"a": "prod", "b": "neither", "c": "no"}),
    ],
)
def test_if_on_equals_not_and_or_condition(given: dict, expected: dict) -> None:
    value = {
        "a": {"Fn::If": ["IsProd", "prod", "not prod"]},
        "b": {"Fn::If": ["Either", "either", "neither"]},
        "c": {"Fn::If": ["Both", "both", "no"]},
    }
    assert resolve(value, env(given)) == expected


def test_if_stays_when_its_condition_depends_on_the_stack() -> None:
    kept = resolve({"Fn::If": ["FlagOn", {"Ref": "Stage"}, "x"]}, env())
    assert kept == {"Fn::If": ["FlagOn", "dev", "x"]}  # Flag has no value: the branches are still evaluated
    assert resolve({"Fn::If": ["Loop", 1, 2]}, env()) == {"Fn::If": ["Loop", 1, 2]}  # a cycle never decides
    # And short-circuits: one false part decides it whatever the others are.
    assert resolve({"Fn::If": ["Both", 1, 2]}, env({"Stage": "dev"})) == 2


def test_no_value_removes_the_key_or_item() -> None:
    value = {"keep": 1, "drop": {"Fn::If": ["IsProd", 2, {"Ref": "AWS::NoValue"}]}, "list": [1, {"Ref": "AWS::NoValue"}, 3]}
    assert resolve(value, env()) == {"keep": 1, "list": [1, 3]}


def test_unknown_parameter_names_are_refused_for_a_template() -> None:
    with pytest.raises(UsageError, match="--parameter Stag: the template has no such parameter"):
        env({"Stag": "x"})
    # A resource (its physical id) and its attributes may be given; so may anything for a plain document.
    assert env({"Fn": "x", "Fn.Arn": "y"}).values["Fn.Arn"] == "y"
    assert environment({"openapi": "3.0.1"}, {"Anything": "x"}).values == {"Anything": "x"}


def test_parse_assignments_refuses_a_value_without_name() -> None:
    assert parse_assignments(["A=1 B=x=y"]) == {"A": "1", "B": "x=y"}
    with pytest.raises(UsageError, match="expected NAME=VALUE"):
        parse_assignments(["Stage"])


def test_unresolved_and_names_needed() -> None:
    doc = {"info": {"title": {"Fn::Sub": "${AWS::StackName}-${Fn.Arn}"}}, "x": [{"Ref": "Y"}]}
    assert [p for p, _ in unresolved(doc)] == ["/info/title", "/x/0"]
    assert names_needed(doc) == (["AWS::StackName", "Y"], ["Fn.Arn"])


def test_if_inside_paths_is_decided_and_its_routes_keep_their_lines() -> None:
    src = load(TEMPLATE, given=Given({"WithAdmin": "yes", "BackendHost": "b.example.com"}))
    assert list(src.api["paths"]) == ["/orders", "/admin"]
    assert src.api["paths"]["/admin"]["get"]["x-amazon-apigateway-integration"]["uri"] == "https://b.example.com/admin"
    # /admin/get now stands where the chosen Fn::If branch was written.
    assert src.locate(src.api_pointer("/paths/~1admin/get")) == (50, 17)
    assert src.parameter_defaults == ("Stage",)
    assert "/admin" not in load(TEMPLATE, given=Given({})).api["paths"]


def test_check_and_convert_see_the_same_routes_for_the_same_parameters(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "http.json"
    for admin, routes in (("yes", {"GET /orders", "GET /admin"}), ("no", {"GET /orders"})):
        args = ("--parameter", f"WithAdmin={admin}", "--parameter", "BackendHost=b.example.com", "--region", "eu-west-1")
        checked = cli("check", str(TEMPLATE), "--format", "json", "--fail-on", "never", *args)
        assert checked.code == 0, checked
        assert {r["route"] for r in json.loads(checked.stdout)["apis"][0]["routes"]} == routes
        converted = cli("convert", str(TEMPLATE), "-o", str(out), "--parameter", FUNCTION_ARN, *args)
        assert converted.code == 0, converted
        document = json.loads(out.read_text())
        assert {f"{m.upper()} {p}" for p, item in document["paths"].items() for m in item} == routes
        assert document["info"]["title"] == "orders-dev"
        assert list(unresolved(document)) == []


def test_openapi_refuses_unresolved_intrinsics_naming_each_place(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "http.json"
    result = cli("convert", str(TEMPLATE), "-o", str(out), "--parameter", "WithAdmin=yes")
    assert result.code == 2 and not out.exists()
    assert "--format sam" in result.stderr and "--parameter" in result.stderr
    lines = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    # The function ARN (a resource of the stack), the Region, and the backend host without a default.
    assert f"{TEMPLATE}:46:17: !Sub" in lines[0] and "--parameter AWS::Region=… --parameter OrdersFunction.Arn=…" in lines[0]
    assert any(line.startswith(f"{TEMPLATE}:57:21: !Sub") and "BackendHost" in line for line in lines), lines
    assert len(lines) == 2


def test_sam_output_keeps_the_intrinsics_and_the_parameters_open(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    out = tmp_path / "http.yaml"
    result = cli("convert", str(TEMPLATE), "-o", str(out), "--format", "sam", "--parameter", "WithAdmin=no")
    assert result.code == 0, result
    body = yaml.safe_load(out.read_text())["Resources"]["HttpApi"]["Properties"]["DefinitionBody"]
    # Defaults are not used for a template written out: Stage keeps its Ref, and the stack decides it.
    assert body["info"]["title"] == {"Fn::Sub": "orders-${Stage}"}
    assert list(body["paths"]) == ["/orders"]


def test_routes_under_an_undecided_condition_are_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A template written out does not take the defaults, so nothing decides whether /admin exists.
    out = tmp_path / "http.yaml"
    result = cli("convert", str(TEMPLATE), "-o", str(out), "--format", "sam")
    assert result.code == 2 and not out.exists(), result
    assert f"{TEMPLATE}:47:11: depends on WithAdmin, Stage" in result.stderr


def test_region_must_look_like_one(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("convert", str(TEMPLATE), "-o", str(tmp_path / "x.json"), "--region", "Ireland")
    assert result.code == 2 and "--region 'Ireland'" in result.stderr


# -- generated intrinsics -----------------------------------------------------------------------

from hypothesis import given as generated, settings, strategies as st  # noqa: E402

NAMES = st.sampled_from(["Stage", "Ids", "Flag", "Fn.Arn", "AWS::Region", "AWS::AccountId", "Nope"])
CONDITIONS = st.sampled_from(["IsProd", "FlagOn", "NotProd", "Both", "Either", "Loop", "Missing"])


def _values(depth: int):  # type: ignore[no-untyped-def]
    leaf = st.one_of(st.text(max_size=8), st.integers(), st.builds(lambda n: {"Ref": n}, NAMES),
                     st.builds(lambda n: {"Fn::Sub": "x-${" + n + "}-${!Lit}"}, NAMES),
                     st.just({"Ref": "AWS::NoValue"}), st.just({"Fn::GetAtt": ["Fn", "Arn"]}))  # fmt: skip
    if depth == 0:
        return leaf
    inner = _values(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda c, a, b: {"Fn::If": [c, a, b]}, CONDITIONS, inner, inner),
        st.builds(lambda d, items: {"Fn::Join": [d, items]}, st.sampled_from(["", "/"]), st.lists(inner, max_size=3)),
        st.builds(lambda t, v: {"Fn::Sub": [t, {"V": v}]}, st.just("${V}:${Stage}"), inner),
        st.builds(lambda i, items: {"Fn::Select": [i, items]}, st.integers(-1, 3), st.lists(inner, max_size=3)),
        st.dictionaries(st.sampled_from(["a", "b", "Fn::Bogus"]), inner, max_size=2),
        st.lists(inner, max_size=3),
    )


def _known(depth: int):  # type: ignore[no-untyped-def]
    """Values whose every intrinsic can be evaluated once Stage, Flag and the Region are given."""
    text = st.one_of(st.text(alphabet="abc-/", max_size=6), st.builds(lambda n: {"Ref": n}, st.sampled_from(["Stage", "AWS::Region"])),
                     st.builds(lambda n: {"Fn::Sub": "x-${" + n + "}-${!Lit}"}, st.sampled_from(["Stage", "AWS::Partition"])))  # fmt: skip
    if depth == 0:
        return st.one_of(text, st.integers(), st.just({"Ref": "AWS::NoValue"}))
    inner = _known(depth - 1)
    return st.one_of(
        text,
        st.builds(lambda c, a, b: {"Fn::If": [c, a, b]}, st.sampled_from(["IsProd", "FlagOn", "NotProd", "Both", "Either"]), inner, inner),
        st.builds(lambda d, items: {"Fn::Join": [d, items]}, st.sampled_from(["", "/"]), st.lists(text, max_size=3)),
        st.builds(lambda t, v: {"Fn::Sub": [t, {"V": v}]}, st.just("${V}:${Stage}"), text),
        st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2),
        st.lists(inner, max_size=3),
    )


@settings(max_examples=300, deadline=None)
@generated(value=_values(3), stage=st.sampled_from(["prod", "dev"]), flag=st.sampled_from(["on", "off", None]))
def test_generated_intrinsics_resolve_without_a_crash_and_once_for_all(value, stage, flag) -> None:  # type: ignore[no-untyped-def]
    e = env({"Stage": stage, **({"Flag": flag} if flag else {})}, region="eu-west-1")
    out = resolve(value, e)
    assert resolve(out, e) == out  # evaluating twice changes nothing more


@settings(max_examples=300, deadline=None)
@generated(value=_known(3), stage=st.sampled_from(["prod", "dev"]), flag=st.sampled_from(["on", "off"]))
def test_generated_intrinsics_that_can_be_known_are_all_evaluated(value, stage, flag) -> None:  # type: ignore[no-untyped-def]
    out = resolve(value, env({"Stage": stage, "Flag": flag}, region="eu-west-1"))
    if out is REMOVED:  # the whole value was AWS::NoValue
        return
    assert list(unresolved(out)) == [], out
    assert "${!" not in json.dumps(out)


def test_check_warns_about_routes_no_parameter_decides(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.read_text().replace('    Default: "no"\n', ""))  # WithAdmin has no default now
    result = cli("check", str(template), "--format", "json", "--fail-on", "never")
    [conditional] = [f for f in json.loads(result.stdout)["apis"][0]["findings"] if f["rule"] == "AGW005"]
    assert conditional["line"] == 46 and "/admin exists only under a template condition" in conditional["message"]
    assert conditional["message"].endswith("give --parameter for WithAdmin")  # Stage is decided by its default
    decided = cli("check", str(template), "--format", "json", "--fail-on", "never", "--parameter", "WithAdmin=yes")
    assert "AGW005" not in {f["rule"] for f in json.loads(decided.stdout)["apis"][0]["findings"]}
    refused = cli("convert", str(template), "-o", str(tmp_path / "http.json"))
    assert refused.code == 2 and f"{template}:46:11: depends on WithAdmin\n" in refused.stderr
