"""The rule registry: every module's rules registered, ids unique, the catalog complete, docs fresh."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import apigw_migrate.checks as checks
from apigw_migrate.checks import ALL_RULES, RULES_BY_ID, get_rule
from apigw_migrate.checks.rule import Rule
from apigw_migrate.findings import Severity

PASSES = ("normalize", "routes", "integrations", "parameters", "authorizers", "cors", "stage", "cleanup", "validate")

CATALOG = {
    "AGW000": ("internal-error", "warning"), "AGW001": ("swagger2-document", "info"), "AGW002": ("http-api-document", "info"),
    "AGW101": ("edge-optimized-endpoint", "warning"), "AGW102": ("private-endpoint", "blocker"), "AGW103": ("vpc-endpoint-ids", "blocker"),
    "AGW104": ("resource-policy", "blocker"), "AGW105": ("waf-web-acl", "blocker"), "AGW106": ("backend-client-certificate", "blocker"),
    "AGW107": ("binary-media-types", "warning"), "AGW108": ("minimum-compression-size", "warning"), "AGW109": ("documentation-parts", "info"),
    "AGW201": ("api-key-required", "blocker"), "AGW202": ("usage-plan", "blocker"), "AGW203": ("token-authorizer", "info"),
    "AGW204": ("cognito-authorizer", "warning"), "AGW205": ("cognito-multiple-pools", "warning"),
    "AGW206": ("identity-validation-expression", "warning"), "AGW207": ("multiple-security-requirements", "blocker"),
    "AGW208": ("authorizer-caching", "info"), "AGW209": ("request-authorizer", "info"),
    "AGW301": ("aws-integration-with-subtype", "warning"), "AGW302": ("aws-integration-without-subtype", "blocker"),
    "AGW303": ("lambda-non-proxy-integration", "blocker"), "AGW304": ("http-non-proxy-integration", "blocker"),
    "AGW305": ("mock-integration", "blocker"), "AGW306": ("integration-templates-ignored", "warning"),
    "AGW307": ("content-handling", "warning"), "AGW308": ("cache-key-parameters", "warning"),
    "AGW309": ("tls-insecure-skip-verification", "warning"), "AGW310": ("response-streaming", "blocker"),
    "AGW311": ("vpc-link-v1", "warning"), "AGW312": ("integration-timeout-over-30s", "warning"), "AGW313": ("lambda-payload-format", "info"),
    "AGW401": ("multivalue-parameter-source", "warning"), "AGW402": ("reserved-header-target", "blocker"),
    "AGW403": ("body-jsonpath-source", "info"), "AGW404": ("path-parameter-target", "warning"),
    "AGW405": ("context-variable-unavailable", "warning"), "AGW406": ("response-parameter-mapping", "warning"),
    "AGW501": ("cors-mock-options", "info"), "AGW502": ("cors-dynamic-origin", "warning"), "AGW503": ("backend-cors-headers", "warning"),
    "AGW504": ("cors-default-route-authorizer", "warning"), "AGW601": ("cache-cluster", "warning"), "AGW602": ("method-caching", "warning"),
    "AGW603": ("execution-logging", "warning"), "AGW604": ("xray-tracing", "warning"), "AGW605": ("canary-deployment", "warning"),
    "AGW606": ("firehose-access-logs", "warning"), "AGW607": ("access-log-variables", "warning"), "AGW608": ("method-settings-rekeyed", "info"),
    "AGW701": ("request-validation", "warning"), "AGW702": ("gateway-responses", "warning"), "AGW703": ("request-models-ignored", "info"),
    "AGW801": ("route-quota", "warning"), "AGW802": ("authorizer-quota", "warning"), "AGW811": ("edge-custom-domain", "blocker"),
    "AGW812": ("domain-tls-policy", "warning"), "AGW813": ("domain-routing-rules", "warning"),
    "AGW821": ("cloudwatch-metrics-renamed", "info"), "AGW831": ("lambda-permissions", "warning"),
}


def _module_rules() -> dict[str, list[Rule]]:
    found = {}
    for info in pkgutil.iter_modules(checks.__path__):
        module = importlib.import_module(f"apigw_migrate.checks.{info.name}")
        rules = [v for v in vars(module).values() if isinstance(v, Rule)]
        if rules:
            found[info.name] = rules
    return found


def test_every_rule_defined_in_a_module_is_registered():
    registered = {id(r) for r in ALL_RULES}
    for module, rules in _module_rules().items():
        for r in rules:
            assert id(r) in registered, f"{r.id} in {module} is not in ALL_RULES"


def test_the_registry_refuses_a_duplicate_id(monkeypatch):
    # The registry is built at import, so an import that succeeds already proves today's ids unique;
    # this checks that the guard itself works.
    monkeypatch.setattr(checks, "ALL_RULES", (*ALL_RULES, ALL_RULES[0]))
    with pytest.raises(RuntimeError, match=f"duplicate rule id {ALL_RULES[0].id}"):
        checks._registry()


def test_every_catalog_id_exists_with_its_name_and_severity():
    for rule_id, (name, severity) in CATALOG.items():
        r = get_rule(rule_id)
        assert (r.name, r.severity.value) == (name, severity)


def test_fixed_by_names_a_convert_pass():
    for r in ALL_RULES:
        assert r.fixed_by is None or r.fixed_by in PASSES, (r.id, r.fixed_by)


def test_rule_texts_follow_the_conventions():
    for r in ALL_RULES:
        assert r.summary.startswith("Checks for"), r.id
        assert r.why and r.instead and r.fact, r.id
        assert r.example and r.use_instead, r.id
        assert isinstance(r.severity, Severity)


def test_get_rule_unknown_id():
    with pytest.raises(KeyError):
        get_rule("AGW999")
    assert set(CATALOG) <= set(RULES_BY_ID)


def test_rule_docs_are_fresh():
    from apigw_migrate.ruledocs import main

    assert main(["--check"]) == 0, "run: python -m apigw_migrate.ruledocs"


def test_rule_docs_check_detects_stale_files(tmp_path):
    from apigw_migrate.ruledocs import main, write

    write(tmp_path)
    assert main(["--check", "--dir", str(tmp_path)]) == 0
    (tmp_path / "AGW201.md").write_text("old\n")
    (tmp_path / "AGW777.md").write_text("a removed rule\n")
    assert main(["--check", "--dir", str(tmp_path)]) == 1
