"""The plan file: round trip with comments, the JSON Schema, and one located error per problem of a hand-edited plan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import DATA

from apigw_migrate.cutover import planfile
from apigw_migrate.cutover.model import Call, Gates, Plan
from apigw_migrate.cutover.plan import PlanRequest, gather_bundle, make_plan

SHOP = DATA / "plan" / "shop.bundle.json"
GROUP_APIS = {"carts": "gcarts0001", "catalog": "gcatalog01", "health": "ghealth001", "orders": "gorders001"}


def shop_request(**overrides) -> PlanRequest:
    values = dict(domain="api.shop.example.com", rest_api_id="a1b2c3d4e5", rest_stage="prod", http_api_id="h1j2k3l4m5",
                  group_apis=dict(GROUP_APIS), hosted_zone_id="Z0SHOP")
    values.update(overrides)
    return PlanRequest(**values)


def shop_plan(strategy: str = "path") -> planfile.Loaded:
    outcome = make_plan(gather_bundle(str(SHOP), shop_request(strategy=strategy), None), shop_request(strategy=strategy))
    text = planfile.dumps(planfile.to_document(outcome.plan, outcome.header))
    return planfile.loads(text, "plan.yaml")


@pytest.mark.parametrize("strategy", ["path", "cloudfront"])
def test_a_written_plan_reads_back_equal_and_writes_back_byte_for_byte(strategy: str) -> None:
    loaded = shop_plan(strategy)
    text = planfile.dumps(loaded.document)
    again = planfile.loads(text, "plan.yaml")
    assert again.plan.to_dict() == loaded.plan.to_dict()
    assert planfile.dumps(again.document) == text
    assert Plan.from_dict(loaded.plan.to_dict()).to_dict() == loaded.plan.to_dict()


def test_an_edit_through_the_document_keeps_every_comment(tmp_path: Path) -> None:
    loaded = shop_plan()
    before = planfile.dumps(loaded.document)
    comments = [line.strip() for line in before.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > len(loaded.plan.steps)  # a header, and at least one line per step
    loaded.document["steps"][0]["bake"] = 1200
    target = tmp_path / "plan.yaml"
    planfile.save(loaded.document, target)
    after = target.read_text()
    assert [line.strip() for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    assert planfile.load(target).plan.steps[0].bake == 1200


def test_the_schema_ships_in_the_package_and_accepts_a_plan() -> None:
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("apigw_migrate").joinpath("schemas/plan.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(shop_plan().plan.to_dict())


def _where(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the nth occurrence of `needle`'s first non-space character."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += len(needle) - len(needle.lstrip())
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def test_a_hand_edited_plan_gets_one_located_error_per_problem(tmp_path: Path, cli) -> None:
    text = planfile.dumps(shop_plan().document)
    edited = (
        text.replace("strategy: path", "strategy: paths", 1)
        .replace("  max_5xx_rate: 0.01", "  max_5xx_rate: 2", 1)
        .replace("    bake: 600", "    bakee: 600", 1)
        .replace("  window: 300", "  window: soon", 1)
    )
    target = tmp_path / "plan.yaml"
    target.write_text(edited)
    result = cli("plan", "--validate", str(target))
    assert result.code == 2, result
    lines = [line.removeprefix("error: ") for line in result.stderr.strip().splitlines()]
    expected = {
        _where(edited, "paths"),  # a wrong value: at the value
        _where(edited, "2\n  max_5xx_ratio"),
        _where(edited, "    bakee: 600"),  # an unknown key: at the key
        _where(edited, "soon"),
        # a missing key: at the mapping that lacks it (the first step, whose first key sits after "- ")
        tuple(a + b for a, b in zip(_where(edited, "  - name: "), (0, 2))),
    }
    found = set()
    for line in lines:
        m = re.match(rf"{re.escape(str(target))}:(\d+):(\d+): (.+)", line)
        assert m, line
        found.add((int(m.group(1)), int(m.group(2))))
    assert found == expected
    assert len(lines) == 5  # "bakee" is unknown and "bake" is missing: two problems on one step
    assert any("bakee" in line for line in lines) and any("'bake'" in line for line in lines)


def test_problems_the_schema_cannot_see_are_located_too() -> None:
    loaded = shop_plan()
    doc = loaded.plan.to_dict()
    doc["steps"][1]["share"] = 1.0  # lower than step 1's
    doc["steps"][2]["name"] = doc["steps"][0]["name"]
    doc["steps"][0]["calls"][0]["params"]["ApiMappingKey"] = 7
    doc["steps"][0]["calls"].append(Call("apigatewayv2", "create_api_mappingz", {}).to_dict())
    doc["steps"][0]["rollback"][0]["params"]["ApiMappingId"] = {"lookup": "mapping_idz", "key": "carts"}
    doc["steps"][3]["verify"] = {"mappings": {"orders": {"api_id": "x"}}}
    doc["steps"][3]["rollback"] = []
    text = planfile.dumps(doc)
    with pytest.raises(planfile.PlanFileError) as caught:
        planfile.loads(text, "p.yaml")
    messages = [p.reason for p in caught.value.problems]
    assert any("lower than the previous step" in m for m in messages)
    assert any("is also step 1's" in m for m in messages)
    assert any("ApiMappingKey" in m for m in messages)
    assert any("no operation 'create_api_mappingz'" in m for m in messages)
    assert any("unknown lookup 'mapping_idz'" in m for m in messages)
    assert any("needs api_id and stage" in m for m in messages)
    assert any("needs rollback calls" in m for m in messages)
    assert len(messages) == 7
    assert all(p.line is not None and p.column is not None for p in caught.value.problems)
    # sorted by place in the file
    assert [p.line for p in caught.value.problems] == sorted(p.line for p in caught.value.problems)


def test_an_unsupported_plan_version_is_named() -> None:
    text = planfile.dumps(shop_plan().document).replace("plan_version: 1", "plan_version: 2")
    with pytest.raises(planfile.PlanFileError) as caught:
        planfile.loads(text, "p.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, "plan_version 2") == (_where(text, "plan_version: 2")[0], problem.reason[:14])


def test_broken_yaml_and_a_non_mapping_are_input_errors(cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("plan_version: 1\nsteps: [\n  - a\n")
    result = cli("plan", "--validate", str(broken))
    assert result.code == 2 and re.search(rf"{re.escape(str(broken))}:\d+:\d+: not valid YAML", result.stderr), result
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n- 2\n")
    result = cli("plan", "--validate", str(listing))
    assert result.code == 2 and f"{listing}:1:1:" in result.stderr
    result = cli("plan", "--validate", str(tmp_path / "missing.yaml"))
    assert result.code == 2 and "cannot read the plan" in result.stderr


def test_a_valid_plan_validates_with_exit_0(cli, tmp_path: Path) -> None:
    target = tmp_path / "plan.yaml"
    planfile.save(shop_plan().document, target)
    result = cli("plan", "--validate", str(target))
    assert result.code == 0, result
    assert "valid path plan, 5 step(s)" in result.stderr


def test_step_gates_override_only_what_they_name() -> None:
    loaded = shop_plan()
    doc = loaded.plan.to_dict()
    doc["gates"]["alarms"] = ["shop-5xx"]
    doc["steps"][0]["gates"] = {"min_requests": 500, "parity": {"requests": "samples.yaml", "ignore": ["root['timestamp']"]}}
    plan = planfile.loads(planfile.dumps(doc), "p.yaml").plan
    gates = plan.steps[0].effective_gates(plan)
    assert (gates.min_requests, gates.alarms, gates.max_5xx_rate) == (500, ["shop-5xx"], Gates().max_5xx_rate)
    assert gates.parity is not None and gates.parity.compare_headers == ["content-type"]
    assert plan.steps[1].effective_gates(plan).min_requests == Gates().min_requests
