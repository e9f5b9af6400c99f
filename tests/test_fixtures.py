"""The realistic inputs in fixtures/: each loads, and together they exercise the whole rule catalog.

`FIXTURE_RULES` is the table other tests assert against (``from test_fixtures import FIXTURE_RULES``):
for each fixture (and API, for the SAM template) the rule ids it was written to trigger. It is a
lower bound: a fixture may trigger more (e.g. AGW821 on any API), never fewer. AGW831 comes from the
bookstore's stage-variable function alias and the CloudFormation template's Lambda::Permission
resources: plain Lambda integrations give the checker nothing to see.
"""

from __future__ import annotations

import json

import pytest

from apigw_migrate.load import load
from apigw_migrate.openapi import iter_operations, security_schemes

from conftest import FIXTURES

# The catalog of common.md; a rule added later gets its fixture when it is written.
CATALOG = (
    "AGW000 AGW001 AGW002 AGW101 AGW102 AGW103 AGW104 AGW105 AGW106 AGW107 AGW108 AGW109 "
    "AGW201 AGW202 AGW203 AGW204 AGW205 AGW206 AGW207 AGW208 AGW209 "
    "AGW301 AGW302 AGW303 AGW304 AGW305 AGW306 AGW307 AGW308 AGW309 AGW310 AGW311 AGW312 AGW313 "
    "AGW401 AGW402 AGW403 AGW404 AGW405 AGW406 AGW501 AGW502 AGW503 AGW504 "
    "AGW601 AGW602 AGW603 AGW604 AGW605 AGW606 AGW607 AGW608 AGW701 AGW702 AGW703 "
    "AGW801 AGW802 AGW811 AGW812 AGW813 AGW821 AGW831"
).split()
# Engine-made (AGW000), HTTP-API input (AGW002) and quotas (synthetic tests build 301 routes / 11 authorizers).
NOT_IN_FIXTURES = {"AGW000", "AGW002", "AGW801", "AGW802"}

# (file, --api, kind, spec, flavor, operations)
LOADS = [
    ("bookstore.oas30.json", None, "oas3", "oas3", "rest", 21),
    ("bookstore.bundle.json", None, "bundle", "oas3", "rest", 21),
    ("orders.swagger2.yaml", None, "swagger2", "swagger2", "rest", 7),
    ("payments.oas30.yaml", None, "oas3", "oas3", "rest", 6),
    ("inventory.swagger2.json", None, "swagger2", "swagger2", "rest", 6),
    ("clean.oas30.yaml", None, "oas3", "oas3", "rest", 5),
    ("sam-template.yaml", "CatalogApi", "sam", "oas3", "rest", 3),
    ("sam-template.yaml", "StaffApi", "sam", "oas3", "rest", 2),
    ("cloudformation.json", None, "cloudformation", "oas3", "rest", 3),
    ("terraform.json.tpl", None, "terraform", "oas3", "rest", 4),
]

_BOOKSTORE = {
    "AGW104", "AGW107", "AGW108", "AGW109",
    "AGW201", "AGW203", "AGW204", "AGW206", "AGW207", "AGW208", "AGW209",
    "AGW301", "AGW302", "AGW303", "AGW304", "AGW305", "AGW306", "AGW307", "AGW308", "AGW309", "AGW310",
    "AGW311", "AGW312", "AGW313",
    "AGW401", "AGW402", "AGW403", "AGW404", "AGW405", "AGW406",
    "AGW501", "AGW502", "AGW503", "AGW504",
    "AGW701", "AGW702", "AGW703", "AGW831",
}  # fmt: skip

FIXTURE_RULES: dict[tuple[str, str | None], set[str]] = {
    ("bookstore.oas30.json", None): _BOOKSTORE,
    ("bookstore.bundle.json", None): _BOOKSTORE | {
        "AGW101", "AGW105", "AGW106", "AGW202",
        "AGW601", "AGW602", "AGW603", "AGW604", "AGW605", "AGW606", "AGW607", "AGW608",
        "AGW811", "AGW812", "AGW813", "AGW821",
    },  # fmt: skip
    ("orders.swagger2.yaml", None): {
        "AGW001", "AGW201", "AGW204", "AGW205", "AGW301", "AGW313", "AGW501", "AGW701", "AGW703",
    },  # fmt: skip
    ("payments.oas30.yaml", None): {
        "AGW103", "AGW104", "AGW208", "AGW209", "AGW301", "AGW311", "AGW313", "AGW701", "AGW703",
    },  # fmt: skip
    ("inventory.swagger2.json", None): {"AGW001", "AGW304", "AGW305", "AGW404", "AGW703"},
    # Must produce no warning and no blocker at all (infos such as AGW313 are fine). Its Lambda
    # integrations carry `credentials`: no resource-based permission names the old API.
    ("clean.oas30.yaml", None): set(),
    ("sam-template.yaml", "CatalogApi"): {"AGW204", "AGW313", "AGW501"},
    ("sam-template.yaml", "StaffApi"): {
        "AGW102", "AGW103", "AGW104", "AGW313", "AGW601", "AGW602", "AGW603", "AGW604", "AGW608",
    },  # fmt: skip
    # The Stage and UsagePlan resources of the template count too; AGW831 from its Lambda::Permission resources.
    ("cloudformation.json", None): {
        "AGW101", "AGW107", "AGW201", "AGW202", "AGW203", "AGW208", "AGW313", "AGW604", "AGW831",
    },  # fmt: skip
    # `aws_proxy` is Lambda proxy even when the URI is a placeholder.
    ("terraform.json.tpl", None): {"AGW204", "AGW313", "AGW501"},
}
# check and convert must report no warning and no blocker for this one.
CLEAN_FIXTURE = "clean.oas30.yaml"


@pytest.mark.parametrize(("name", "api", "kind", "spec", "flavor", "operations"), LOADS, ids=lambda v: str(v))
def test_fixture_loads(name: str, api: str | None, kind: str, spec: str, flavor: str, operations: int) -> None:
    src = load(FIXTURES / name, api=api)
    assert (src.kind, src.spec, src.flavor) == (kind, spec, flavor)
    assert len(list(iter_operations(src))) == operations


def test_every_fixture_file_is_listed_and_described() -> None:
    files = {p.name for p in FIXTURES.iterdir() if p.is_file() and p.name != "README.md"}
    assert files == {name for name, *_ in LOADS}
    assert {name for name, _ in FIXTURE_RULES} == files
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for name in files:
        assert f"`{name}`" in readme, name


def test_sam_template_needs_api_to_pick_one() -> None:
    from apigw_migrate.errors import UsageError

    with pytest.raises(UsageError, match="CatalogApi, StaffApi"):
        load(FIXTURES / "sam-template.yaml")


def test_meant_rules_are_catalog_ids() -> None:
    from apigw_migrate.checks import get_rule

    for key, ids in FIXTURE_RULES.items():
        unknown = ids - set(CATALOG)
        assert not unknown, (key, unknown)
    for rule_id in CATALOG:
        assert get_rule(rule_id).id == rule_id


def test_fixtures_together_cover_the_catalog() -> None:
    covered = set().union(*FIXTURE_RULES.values())
    assert set(CATALOG) - NOT_IN_FIXTURES - covered == set()
    assert not covered & NOT_IN_FIXTURES


def test_bundle_wraps_the_bookstore_export() -> None:
    bundle = json.loads((FIXTURES / "bookstore.bundle.json").read_text(encoding="utf-8"))
    export = json.loads((FIXTURES / "bookstore.oas30.json").read_text(encoding="utf-8"))
    assert bundle["openapi"] == export
    assert bundle["metadata"]["restApiId"] in export["servers"][0]["url"]


def test_bundle_usage_plan_keys_carry_no_value() -> None:
    bundle = load(FIXTURES / "bookstore.bundle.json").bundle
    for plan in bundle["usagePlans"]:
        for key in plan["apiKeys"]:
            assert set(key) <= {"id", "name", "enabled"}


def test_bundle_authorizers_match_the_export_schemes() -> None:
    src = load(FIXTURES / "bookstore.bundle.json")
    schemes = security_schemes(src)
    for authorizer in src.bundle["authorizers"]:
        scheme, _ = schemes[authorizer["name"]]
        assert scheme["x-amazon-apigateway-authorizer"]["type"] == authorizer["type"].lower()


def test_terraform_placeholders_stay_opaque() -> None:
    src = load(FIXTURES / "terraform.json.tpl")
    integ = src.api["paths"]["/tickets"]["get"]["x-amazon-apigateway-integration"]
    assert integ["uri"] == "${tickets_lambda_invoke_arn}"
    assert integ["timeoutInMillis"] == "${timeout}"


def test_sam_intrinsics_stay_opaque() -> None:
    src = load(FIXTURES / "sam-template.yaml", api="CatalogApi")
    titles = src.api["paths"]["/titles/{titleId}"]["get"]["x-amazon-apigateway-integration"]["uri"]
    assert titles["Fn::Sub"][1] == {"Fn": {"Fn::GetAtt": ["CatalogFunction", "Arn"]}}
    staff = load(FIXTURES / "sam-template.yaml", api="StaffApi")
    assert staff.template_resource["CacheClusterSize"] == {"Fn::If": ["IsProd", "1.6", "0.5"]}
    assert staff.template_resource["EndpointConfiguration"]["VPCEndpointIds"] == [{"Ref": "StaffVpcEndpointId"}]


# Every REST-only feature of the fact sheet, as the fixtures spell it: §1 matrix rows (the stage, API and
# domain settings live in the bundle), §2.2 root and operation extensions, §2.3 integration properties
# and §2.4 authorizer properties. Each (key, value) pair must occur in at least one fixture; value None
# means any value.
REST_ONLY_FEATURES: dict[str, list[tuple[str, object]]] = {
    "§1": [
        ("types", ["EDGE"]), ("Type", "PRIVATE"), ("clientCertificateId", None), ("webAclArn", None),
        ("usagePlans", None), ("quota", None), ("cacheClusterEnabled", True), ("cachingEnabled", True),
        ("canarySettings", None), ("loggingLevel", "INFO"), ("tracingEnabled", True), ("destinationArn", None),
        ("type", "mock"), ("responseTransferMode", "STREAM"), ("securityPolicy", "TLS_1_0"), ("routingMode", None),
    ],
    "§2.2": [
        ("x-amazon-apigateway-api-key-source", None), ("x-amazon-apigateway-binary-media-types", None),
        ("x-amazon-apigateway-documentation", None), ("vpcEndpointIds", None), ("x-amazon-apigateway-gateway-responses", None),
        ("x-amazon-apigateway-minimum-compression-size", None), ("x-amazon-apigateway-policy", None),
        ("x-amazon-apigateway-request-validators", None), ("x-amazon-apigateway-request-validator", None),
        ("x-amazon-apigateway-any-method", None), ("x-amazon-apigateway-auth", None), ("api_key", []),
    ],
    "§2.3": [
        ("type", "aws"), ("type", "http"), ("passthroughBehavior", None), ("requestTemplates", None),
        ("responseTemplates", None), ("cacheKeyParameters", None), ("cacheNamespace", None), ("contentHandling", None),
        ("insecureSkipVerification", True), ("connectionType", "VPC_LINK"), ("integrationTarget", None),
        ("timeoutInMillis", 300000),
    ],
    "§2.4": [
        ("type", "token"), ("type", "request"), ("type", "cognito_user_pools"), ("identityValidationExpression", None),
        ("authorizerResultTtlInSeconds", None), ("providerARNs", None), ("authorizerCredentials", None),
    ],
}  # fmt: skip


def _pairs(node: object, found: set[tuple[str, str]]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                found.add((key, json.dumps(value, sort_keys=True)))
                found.add((key, "*"))
                stack.append(value)
        elif isinstance(current, list):
            stack.extend(current)


@pytest.mark.parametrize("section", sorted(REST_ONLY_FEATURES))
def test_fixtures_spell_every_rest_only_feature_of_the_fact_sheet(section: str) -> None:
    found: set[tuple[str, str]] = set()
    for name, api, *_ in LOADS:
        _pairs(load(FIXTURES / name, api=api).document, found)
    missing = [
        (key, value)
        for key, value in REST_ONLY_FEATURES[section]
        if (key, "*" if value is None else json.dumps(value, sort_keys=True)) not in found
    ]
    assert not missing, f"no fixture has {missing} ({section})"
