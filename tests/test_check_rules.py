"""Each rule on a small input written for it: where it fires (pointer, line, column, routes) and where it stays silent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apigw_migrate.checks import ALL_RULES, get_rule, run_checks, run_rules
from apigw_migrate.checks.rule import rule
from apigw_migrate.findings import Severity
from apigw_migrate.load import load

DATA = Path(__file__).parent / "data" / "checks"
P = "/paths"
INTEG = "x-amazon-apigateway-integration"

# (input, rule, pointer, line, column, routes, severity)
FIRES = [
    ("swagger2_auth.yaml", "AGW001", "/swagger", 1, 1, [], "info"),
    ("http.yaml", "AGW002", "/openapi", 1, 1, [], "info"),
    ("bundle_edge.json", "AGW101", "/restApi/endpointConfiguration/types/0", 72, 9, [], "warning"),
    ("bundle_private.json", "AGW102", "/restApi/endpointConfiguration/types/0", 31, 9, [], "blocker"),
    ("sam.yaml", "AGW102", "/Resources/ShopApi/Properties/EndpointConfiguration/Type", 9, 9, [], "blocker"),
    ("bundle_private.json", "AGW103", "/restApi/endpointConfiguration/vpcEndpointIds", 33, 7, [], "blocker"),
    ("sam.yaml", "AGW103", "/Resources/ShopApi/Properties/EndpointConfiguration/VPCEndpointIds", 10, 9, [], "blocker"),
    ("swagger2_auth.yaml", "AGW104", "/x-amazon-apigateway-policy", 6, 1, [], "blocker"),
    ("bundle_edge.json", "AGW104", "/restApi/policy", 78, 5, [], "blocker"),
    ("sam.yaml", "AGW104", "/Resources/ShopApi/Properties/Auth/ResourcePolicy", 28, 9, [], "blocker"),
    ("bundle_edge.json", "AGW105", "/stage/webAclArn", 95, 5, [], "blocker"),
    ("bundle_edge.json", "AGW106", "/stage/clientCertificateId", 96, 5, [], "blocker"),
    ("swagger2_auth.yaml", "AGW107", "/x-amazon-apigateway-binary-media-types", 4, 1, [], "warning"),
    ("bundle_edge.json", "AGW107", "/restApi/binaryMediaTypes", 75, 5, [], "warning"),
    ("swagger2_auth.yaml", "AGW108", "/x-amazon-apigateway-minimum-compression-size", 5, 1, [], "warning"),
    ("swagger2_auth.yaml", "AGW109", "/x-amazon-apigateway-documentation", 14, 1, [], "info"),
    ("base_path.yaml", "AGW110", "/servers/0/url", 4, 5, [], "warning"),
    ("swagger2_auth.yaml", "AGW201", "/x-amazon-apigateway-api-key-source", 3, 1, ["GET /keys", "POST /both"], "blocker"),
    ("swagger2_auth.yaml", "AGW201", "/security/0", 27, 5, ["GET /keys"], "blocker"),
    ("swagger2_auth.yaml", "AGW201", f"{P}/~1both/post/security/0", 45, 11, ["POST /both"], "blocker"),
    ("bundle_edge.json", "AGW201", "/openapi/paths/~1books/post/security/0", 33, 13, ["POST /books"], "blocker"),
    ("sam.yaml", "AGW201", "/Resources/ShopApi/Properties/Auth/ApiKeyRequired", 27, 9, ["GET /orders"], "blocker"),
    ("bundle_edge.json", "AGW202", "/usagePlans/0", 133, 5, ["POST /books"], "blocker"),
    ("bundle_private.json", "AGW202", "/usagePlans/0", 42, 5, [], "warning"),
    ("sam.yaml", "AGW202", "/Resources/ShopApi/Properties/Auth/UsagePlan", 30, 9, ["GET /orders"], "blocker"),
    ("swagger2_auth.yaml", "AGW203", "/securityDefinitions/token/x-amazon-apigateway-authorizer/type", 72, 7, ["GET /either", "POST /both"], "info"),
    ("sam.yaml", "AGW203", "/Resources/ShopApi/Properties/Auth/Authorizers/Tok", 34, 11, ["GET /orders"], "info"),
    # No audience is known for the pool: the JWT authorizer cannot be written, so its route is blocked.
    ("swagger2_auth.yaml", "AGW204", "/securityDefinitions/cognito/x-amazon-apigateway-authorizer/type", 81, 7, ["GET /either"], "blocker"),
    ("bundle_edge.json", "AGW204", "/openapi/components/securitySchemes/pool/x-amazon-apigateway-authorizer/type", 58, 13, ["GET /books"], "warning"),
    ("swagger2_auth.yaml", "AGW205", "/securityDefinitions/cognito/x-amazon-apigateway-authorizer/providerARNs", 82, 7, ["GET /either"], "warning"),
    ("swagger2_auth.yaml", "AGW206", "/securityDefinitions/token/x-amazon-apigateway-authorizer/identityValidationExpression", 73, 7, ["GET /either", "POST /both"], "warning"),
    ("bundle_edge.json", "AGW206", "/authorizers/0/identityValidationExpression", 129, 7, ["GET /books"], "warning"),
    ("swagger2_auth.yaml", "AGW207", f"{P}/~1either/get/security", 38, 7, ["GET /either"], "blocker"),
    ("swagger2_auth.yaml", "AGW207", f"{P}/~1both/post/security", 44, 7, ["POST /both"], "warning"),
    ("swagger2_auth.yaml", "AGW208", "/securityDefinitions/token/x-amazon-apigateway-authorizer", 71, 5, ["GET /either", "POST /both"], "info"),
    ("swagger2_auth.yaml", "AGW208", "/securityDefinitions/request/x-amazon-apigateway-authorizer/authorizerResultTtlInSeconds", 92, 7, ["GET /req"], "info"),
    ("swagger2_auth.yaml", "AGW209", "/securityDefinitions/request/x-amazon-apigateway-authorizer/type", 90, 7, ["GET /req"], "info"),
    ("oas3_rest.yaml", "AGW209", "/components/securitySchemes/jwt/x-amazon-apigateway-authorizer/type", 127, 9, ["ANY /proxy/{proxy+}"], "info"),
    ("oas3_rest.yaml", "AGW301", f"{P}/~1queue/post/{INTEG}/uri", 9, 9, ["POST /queue"], "warning"),
    ("oas3_rest.yaml", "AGW302", f"{P}/~1table/put/{INTEG}/uri", 16, 9, ["PUT /table"], "blocker"),
    ("oas3_rest.yaml", "AGW303", f"{P}/~1calc/get/{INTEG}", 19, 7, ["GET /calc"], "blocker"),
    ("oas3_rest.yaml", "AGW304", f"{P}/~1legacy/get/{INTEG}/requestTemplates", 31, 9, ["GET /legacy"], "blocker"),
    ("oas3_rest.yaml", "AGW304", f"{P}/~1plain/get/{INTEG}", 40, 7, ["GET /plain"], "warning"),
    ("oas3_rest.yaml", "AGW305", f"{P}/~1status/get/{INTEG}", 54, 7, ["GET /status"], "blocker"),
    ("oas3_rest.yaml", "AGW306", f"{P}/~1fn/post/{INTEG}/responses", 102, 9, ["POST /fn"], "warning"),
    ("oas3_rest.yaml", "AGW307", f"{P}/~1fn/post/{INTEG}/contentHandling", 98, 9, ["POST /fn"], "warning"),
    ("oas3_rest.yaml", "AGW308", f"{P}/~1fn/post/{INTEG}/cacheKeyParameters", 99, 9, ["POST /fn"], "warning"),
    ("oas3_rest.yaml", "AGW309", f"{P}/~1proxy~1{{proxy+}}/x-amazon-apigateway-any-method/{INTEG}/tlsConfig/insecureSkipVerification", 113, 21, ["ANY /proxy/{proxy+}"], "warning"),
    ("oas3_rest.yaml", "AGW310", f"{P}/~1fn/post/{INTEG}/responseTransferMode", 101, 9, ["POST /fn"], "blocker"),
    ("oas3_rest.yaml", "AGW311", f"{P}/~1proxy~1{{proxy+}}/x-amazon-apigateway-any-method/{INTEG}/connectionType", 111, 9, ["ANY /proxy/{proxy+}"], "warning"),
    ("oas3_rest.yaml", "AGW312", f"{P}/~1fn/post/{INTEG}/timeoutInMillis", 100, 9, ["POST /fn"], "warning"),
    ("oas3_rest.yaml", "AGW313", f"{P}/~1fn/post/{INTEG}", 94, 7, ["POST /fn", "GET /staged"], "info"),
    ("oas3_rest.yaml", "AGW401", f"{P}/~1plain/get/{INTEG}/requestParameters/integration.request.querystring.tags", 47, 11, ["GET /plain"], "warning"),
    ("oas3_rest.yaml", "AGW402", f"{P}/~1plain/get/{INTEG}/requestParameters/integration.request.header.Authorization", 46, 11, ["GET /plain"], "blocker"),
    ("oas3_rest.yaml", "AGW403", f"{P}/~1plain/get/{INTEG}/requestParameters/integration.request.header.x-order", 48, 11, ["GET /plain"], "info"),
    ("oas3_rest.yaml", "AGW404", f"{P}/~1plain/get/{INTEG}/requestParameters/integration.request.path.id", 45, 11, ["GET /plain"], "warning"),
    ("oas3_rest.yaml", "AGW405", f"{P}/~1plain/get/{INTEG}/requestParameters/integration.request.header.x-res", 49, 11, ["GET /plain"], "warning"),
    ("oas3_rest.yaml", "AGW406", f"{P}/~1legacy/get/{INTEG}/responses/default/responseParameters", 36, 13, ["GET /legacy"], "warning"),
    ("oas3_rest.yaml", "AGW501", f"{P}/~1status/options/{INTEG}", 64, 7, ["OPTIONS /status"], "info"),
    ("oas3_rest.yaml", "AGW501", f"{P}/~1other/options/{INTEG}", 85, 7, ["OPTIONS /other"], "info"),
    ("sam.yaml", "AGW501", "/Resources/ShopApi/Properties/Cors", 21, 7, [], "info"),
    ("oas3_rest.yaml", "AGW502", f"{P}/~1echo/options/{INTEG}/responses/default/responseParameters/method.response.header.Access-Control-Allow-Origin", 82, 15, ["OPTIONS /echo"], "warning"),
    ("oas3_rest.yaml", "AGW502", f"{P}/~1status/options/{INTEG}/responses/default/responseParameters/method.response.header.Access-Control-Allow-Origin", 72, 15, ["OPTIONS /status"], "warning"),
    ("oas3_rest.yaml", "AGW503", f"{P}/~1fn/post/{INTEG}", 94, 7, ["POST /fn", "ANY /proxy/{proxy+}", "GET /staged"], "warning"),
    ("sam.yaml", "AGW503", "/Resources/ShopApi/Properties/DefinitionBody/paths/~1orders/get/x-amazon-apigateway-integration", 46, 15, ["GET /orders"], "warning"),
    ("oas3_rest.yaml", "AGW504", f"{P}/~1proxy~1{{proxy+}}/x-amazon-apigateway-any-method/security", 106, 7, ["ANY /proxy/{proxy+}"], "warning"),
    ("bundle_edge.json", "AGW601", "/stage/cacheClusterEnabled", 92, 5, [], "warning"),
    ("sam.yaml", "AGW601", "/Resources/ShopApi/Properties/CacheClusterEnabled", 12, 7, [], "warning"),
    ("bundle_edge.json", "AGW602", "/stage/methodSettings/~01books~1GET/cachingEnabled", 113, 9, ["GET /books"], "warning"),
    ("bundle_edge.json", "AGW603", "/stage/methodSettings/*~1*/loggingLevel", 107, 9, [], "warning"),
    ("sam.yaml", "AGW603", "/Resources/ShopApi/Properties/MethodSettings/0/LoggingLevel", 20, 11, [], "warning"),
    ("bundle_edge.json", "AGW604", "/stage/tracingEnabled", 94, 5, [], "warning"),
    ("sam.yaml", "AGW604", "/Resources/ShopApi/Properties/TracingEnabled", 11, 7, [], "warning"),
    ("bundle_edge.json", "AGW605", "/stage/canarySettings", 97, 5, [], "warning"),
    ("sam.yaml", "AGW605", "/Resources/ShopApi/Properties/CanarySetting", 13, 7, [], "warning"),
    ("bundle_edge.json", "AGW606", "/stage/accessLogSettings/destinationArn", 102, 7, [], "warning"),
    ("sam.yaml", "AGW606", "/Resources/ShopApi/Properties/AccessLogSetting/DestinationArn", 15, 9, [], "warning"),
    ("bundle_edge.json", "AGW607", "/stage/accessLogSettings/format", 103, 7, [], "warning"),
    ("sam.yaml", "AGW607", "/Resources/ShopApi/Properties/AccessLogSetting/Format", 16, 9, [], "warning"),
    ("bundle_edge.json", "AGW608", "/stage/methodSettings/~01books~1GET", 112, 7, ["GET /books"], "info"),
    ("bundle_edge.json", "AGW608", "/stage/methodSettings/*~1*", 106, 7, [], "info"),
    ("swagger2_auth.yaml", "AGW701", "/x-amazon-apigateway-request-validator", 22, 1, ["GET /keys", "POST /both"], "warning"),
    ("swagger2_auth.yaml", "AGW702", "/x-amazon-apigateway-gateway-responses/UNAUTHORIZED", 24, 3, [], "warning"),
    ("bundle_edge.json", "AGW702", "/gatewayResponses/1", 171, 5, [], "warning"),
    ("swagger2_auth.yaml", "AGW703", f"{P}/~1both/post/parameters/0/schema", 50, 11, ["POST /both"], "info"),
    ("bundle_edge.json", "AGW811", "/domainNames/0/endpointConfiguration/types/0", 184, 11, [], "blocker"),
    ("sam.yaml", "AGW811", "/Resources/ShopApi/Properties/Domain/EndpointConfiguration", 25, 9, [], "blocker"),
    ("bundle_edge.json", "AGW812", "/domainNames/1/securityPolicy", 202, 7, [], "warning"),
    ("bundle_edge.json", "AGW813", "/domainNames/1/routingMode", 203, 7, [], "warning"),
    ("swagger2_auth.yaml", "AGW821", "/paths", 28, 1, [], "info"),
    ("sam.yaml", "AGW831", "/Resources/Permission/Properties/SourceArn", 56, 7, [], "warning"),
    ("oas3_rest.yaml", "AGW831", f"{P}/~1staged/get/{INTEG}/uri", 119, 9, ["GET /staged"], "warning"),
    ("oas3_rest.yaml", "AGW831", f"{P}/~1fn/post/{INTEG}/uri", 97, 9, ["POST /fn", "ANY /proxy/{proxy+}"], "warning"),
    ("swagger2_auth.yaml", "AGW831", f"{P}/~1keys/get/{INTEG}/uri", 34, 9, ["GET /keys", "GET /either", "POST /both", "GET /open", "GET /req"], "warning"),
    ("bundle_edge.json", "AGW831", f"/openapi{P}/~1books/get/{INTEG}/uri", 28, 13, ["GET /books", "POST /books"], "warning"),
    ("bundle_private.json", "AGW831", f"/openapi{P}/~1ping/get/{INTEG}/uri", 21, 13, ["GET /ping"], "warning"),
    ("sam.yaml", "AGW831", f"/Resources/ShopApi/Properties/DefinitionBody{P}/~1orders/get/{INTEG}/uri", 49, 17, ["GET /orders"], "warning"),
    ("oas3_rest.yaml", "AGW210", "/components/securitySchemes/jwt/x-amazon-apigateway-authorizer/identitySource", 128, 9, ["ANY /proxy/{proxy+}"], "warning"),
    ("real_parts.yaml", "AGW821", "/paths", 5, 1, [], "info"),
    ("conditional_route.yaml", "AGW005", "/Resources/Api/Properties/DefinitionBody/paths/~1admin", 21, 11, [], "warning"),
    ("conditional_route.yaml", "AGW821", "/Resources/Api/Properties/DefinitionBody/paths", 16, 9, [], "info"),
    ("real_parts.yaml", "AGW004", f"{P}/~1notes~1{{noteId}}/parameters/0", 8, 9, ["GET /notes/{noteId}", "OPTIONS /notes/{noteId}"], "warning"),
    ("real_parts.yaml", "AGW004", f"{P}/~1notes~1{{noteId}}/parameters/1", 10, 9, ["GET /notes/{noteId}", "OPTIONS /notes/{noteId}"], "warning"),
    ("real_parts.yaml", "AGW003", f"{P}/~1notes~1{{noteId}}/get/responses/200/content/application~1json/schema", 21, 15, ["GET /notes/{noteId}"], "warning"),
    ("real_parts.yaml", "AGW503", f"{P}/~1notes~1{{noteId}}/get/{INTEG}", 23, 7, ["GET /notes/{noteId}"], "warning"),
    ("real_parts.yaml", "AGW501", f"{P}/~1notes~1{{noteId}}/options/{INTEG}", 31, 7, ["OPTIONS /notes/{noteId}"], "info"),
    ("real_parts.yaml", "AGW505", f"{P}/~1notes~1{{noteId}}/options/{INTEG}/responses/default/responseParameters/method.response.header.Access-Control-Allow-Headers", 40, 15, ["OPTIONS /notes/{noteId}"], "warning"),
    ("real_parts.yaml", "AGW208", "/components/securitySchemes/tenantAuth/x-amazon-apigateway-authorizer", 48, 7, ["GET /notes/{noteId}"], "info"),
    ("real_parts.yaml", "AGW209", "/components/securitySchemes/tenantAuth/x-amazon-apigateway-authorizer/type", 49, 9, ["GET /notes/{noteId}"], "info"),
    ("real_parts.yaml", "AGW211", "/components/securitySchemes/tenantAuth/x-amazon-apigateway-authorizer/identitySource", 50, 9, ["GET /notes/{noteId}"], "warning"),
]

_cache: dict[str, list] = {}


def findings_of(name: str) -> list:
    if name not in _cache:
        _cache[name] = run_checks([load(DATA / name)]).apis[0].findings
    return _cache[name]


@pytest.mark.parametrize("name,rule_id,pointer,line,column,routes,severity", FIRES, ids=[f"{r[1]}-{r[0]}-{r[3]}" for r in FIRES])
def test_rule_fires(name, rule_id, pointer, line, column, routes, severity):
    matches = [f for f in findings_of(name) if f.rule == rule_id and f.pointer == pointer]
    assert len(matches) == 1, [(f.rule, f.pointer) for f in findings_of(name) if f.rule == rule_id]
    f = matches[0]
    assert (f.line, f.column) == (line, column)
    assert list(f.routes) == routes
    assert f.severity.value == severity
    assert f.file == str(DATA / name)
    # The rule's alternative, or for the mapping rules that alternative with the finding's own names.
    if rule_id in ("AGW401", "AGW403", "AGW404"):
        assert f.alternative and f.alternative != get_rule(rule_id).instead
    else:
        assert f.alternative == get_rule(rule_id).instead
    assert f.message


@pytest.mark.parametrize(
    ("source", "target", "rule_id", "alternative"),
    [
        ("method.request.multivaluequerystring.tag", "integration.request.querystring.tags", "AGW401", "Map $request.querystring.tag and split"),
        ("method.request.multivalueheader.X-Id", "integration.request.header.x-ids", "AGW401", "Map $request.header.X-Id and split"),
        ("method.request.body.order.id", "integration.request.header.x-order", "AGW403", "Map $request.body.order.id (convert does)"),
        ("method.request.path.sku", "integration.request.path.id", "AGW404", "Put {sku} into the HTTP integration URI in place of {id}"),
    ],
)
def test_mapping_alternatives_name_the_mapping_at_hand(tmp_path, source, target, rule_id, alternative):
    integration = {"type": "http", "httpMethod": "GET", "uri": "https://b.example.com/items/{id}", "requestParameters": {target: source}}
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {
        "/items/{sku}": {"get": {"responses": {}, "x-amazon-apigateway-integration": integration}}}}))  # fmt: skip
    [finding] = [f for f in run_checks([load(path)], select=[rule_id]).apis[0].findings]
    assert finding.alternative.startswith(alternative), finding.alternative


def test_every_rule_but_the_quotas_and_the_crash_rule_has_a_firing_case():
    covered = {row[1] for row in FIRES}
    # AGW000 is made by the engine, the quotas need large inputs and AGW803 its own paths: all tested below.
    assert {r.id for r in ALL_RULES} - covered == {"AGW000", "AGW801", "AGW802", "AGW803"}


def test_each_input_gives_exactly_the_findings_listed():
    for name in {row[0] for row in FIRES}:
        listed = sorted((r[1], r[2]) for r in FIRES if r[0] == name)
        # AGW821 and AGW313 are listed once; every other finding of the input must be in the table.
        found = sorted((f.rule, f.pointer) for f in findings_of(name) if f.rule not in ("AGW821", "AGW313") or (f.rule, f.pointer) in listed)
        assert found == listed, (name, set(found) ^ set(listed))


def test_near_misses_stay_silent():
    """Lambda proxy with export boilerplate, api-key-source without keys, security [] and auth NONE,
    a validator that validates nothing, TTL 0, a 29 s timeout, allowed header and context mappings."""
    found = {f.rule for f in findings_of("near_miss.yaml")}
    assert found == {"AGW313", "AGW821", "AGW203"}


def test_a_lambda_proxy_route_invoked_through_a_role_gets_no_warning_or_blocker():
    routes = run_checks([load(DATA / "near_miss.yaml")]).apis[0]
    assert routes.routes["GET /books"] == "ready"
    assert routes.verdict == "ready"


def test_http_api_document_gives_one_info_finding_only():
    result = run_checks([load(DATA / "http.yaml")]).apis[0]
    assert [(f.rule, f.severity) for f in result.findings] == [("AGW002", Severity.INFO)]
    assert result.verdict == "ready"


def _wide_api(tmp_path: Path, n_routes: int, n_authorizers: int) -> Path:
    uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations"
    paths = {f"/r{i}": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": uri}}} for i in range(n_routes)}
    schemes = {
        f"auth{i}": {"type": "apiKey", "name": "Authorization", "in": "header",
                     "x-amazon-apigateway-authorizer": {"type": "request", "authorizerUri": uri, "authorizerResultTtlInSeconds": 0,
                                                        "identitySource": "method.request.header.Authorization"}}
        for i in range(n_authorizers)
    }
    doc = {"openapi": "3.0.1", "info": {"title": "wide", "version": "1"}, "paths": paths, "components": {"securitySchemes": schemes}}
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(doc, indent=1))
    return path


def test_route_quota_fires_above_300_routes(tmp_path):
    findings = run_checks([load(_wide_api(tmp_path, 301, 0))], select=["AGW801"]).apis[0].findings
    assert [(f.rule, f.pointer, f.line, f.column) for f in findings] == [("AGW801", "/paths", 7, 2)]
    assert "301 routes" in findings[0].message


def test_route_quota_silent_at_300_routes(tmp_path):
    assert run_checks([load(_wide_api(tmp_path, 300, 0))], select=["AGW801"]).apis[0].findings == []


def test_authorizer_quota_fires_above_10(tmp_path):
    findings = run_checks([load(_wide_api(tmp_path, 1, 11))], select=["AGW802"]).apis[0].findings
    assert [(f.rule, f.pointer) for f in findings] == [("AGW802", "/components/securitySchemes")]
    assert run_checks([load(_wide_api(tmp_path, 1, 10))], select=["AGW802"]).apis[0].findings == []


def test_a_crashing_rule_becomes_agw000_and_the_others_still_run():
    @rule(id="AGW999", name="boom", severity=Severity.BLOCKER, fact="–", summary="Checks for nothing.", why="-", instead="-")
    def boom(src, r):
        raise ValueError("bad shape")
        yield

    src = load(DATA / "near_miss.yaml")
    findings = run_rules(src, [boom, get_rule("AGW821")])
    assert [f.rule for f in findings] == ["AGW000", "AGW821"]
    assert "AGW999 (boom) crashed: ValueError: bad shape" in findings[0].message
    assert findings[0].severity is Severity.WARNING
    assert findings[0].alternative == get_rule("AGW000").instead


def test_intrinsics_and_placeholders_never_crash(tmp_path):
    """Every value an intrinsic or a placeholder: the rules treat them as opaque."""
    doc = (DATA / "sam.yaml").read_text()
    weird = doc.replace("Type: PRIVATE", "Type: !If [IsPrivate, PRIVATE, REGIONAL]").replace(
        "PercentTraffic: 5", "PercentTraffic: !Ref Pct").replace("Header: X-Token", "Header: !Ref HeaderName")
    (tmp_path / "t.yaml").write_text(weird)
    findings = run_checks([load(tmp_path / "t.yaml")]).apis[0].findings
    assert "AGW000" not in {f.rule for f in findings}
    assert "AGW102" not in {f.rule for f in findings}  # the endpoint type is unknown until deploy time


def test_terraform_placeholders_are_opaque(tmp_path):
    text = (DATA / "oas3_rest.yaml").read_text().replace("timeoutInMillis: 45000", 'timeoutInMillis: "${timeout}"')
    (tmp_path / "api.yaml").write_text(text)
    findings = run_checks([load(tmp_path / "api.yaml")]).apis[0].findings
    assert "AGW312" not in {f.rule for f in findings}
    assert "AGW000" not in {f.rule for f in findings}


def test_findings_are_sorted_by_position():
    findings = findings_of("oas3_rest.yaml")
    assert findings == sorted(findings, key=lambda f: f.sort_key())


def test_route_verdicts_and_partial_api():
    result = run_checks([load(DATA / "oas3_rest.yaml")]).apis[0]
    assert result.verdict == "partial"
    assert result.routes["PUT /table"] == "blocked"
    assert result.routes["POST /queue"] == "needs-change"
    assert result.routes["OPTIONS /other"] == "ready"
    assert "POST /queue" in result.movable_routes and "PUT /table" in result.blocked_routes


def test_whole_api_blocker_means_stay_on_rest():
    assert run_checks([load(DATA / "bundle_private.json")]).apis[0].verdict == "stay-on-rest"


def test_route_path_rule_fires_on_a_greedy_variable_that_is_not_last(tmp_path):
    path = tmp_path / "paths.yaml"
    path.write_text(
        "openapi: 3.0.1\n"
        "info: {title: t, version: '1'}\n"
        "paths:\n"
        "  /{proxy+}/meta:\n"
        "    get: {responses: {}}\n"
        "    put: {responses: {}}\n"
        "  /files/v{version}:\n"
        "    get: {responses: {}}\n"
        "  /files/{key+}:\n"
        "    get: {responses: {}}\n"
    )
    findings = run_checks([load(path)], select=["AGW803"]).apis[0].findings
    assert [(f.rule, f.pointer, f.line, f.column, f.routes, f.severity.value) for f in findings] == [
        ("AGW803", "/paths/~1{proxy+}~1meta/get", 5, 5, ("GET /{proxy+}/meta", "PUT /{proxy+}/meta"), "blocker"),
        ("AGW803", "/paths/~1files~1v{version}/get", 8, 5, ("GET /files/v{version}",), "blocker"),
    ]
    assert "last segment" in findings[0].message and "whole segment" in findings[1].message


def test_route_path_rule_stays_silent_on_valid_paths():
    assert not [f for f in findings_of("oas3_rest.yaml") if f.rule == "AGW803"]


def test_route_verdicts_whole_api_findings_raise_every_route():
    from apigw_migrate.findings import Finding, route_verdicts

    routes = ["GET /a", "GET /b", "GET /c"]
    whole_api_warning = Finding("AGW601", Severity.WARNING, "m")
    blocker_on_b = Finding("AGW302", Severity.BLOCKER, "m", routes=("GET /b",))
    info_on_c = Finding("AGW313", Severity.INFO, "m", routes=("GET /c", "GET /unknown"))
    assert route_verdicts(routes, [info_on_c]) == {"GET /a": "ready", "GET /b": "ready", "GET /c": "ready"}
    assert route_verdicts(routes, [whole_api_warning, blocker_on_b, info_on_c]) == {
        "GET /a": "needs-change",
        "GET /b": "blocked",
        "GET /c": "needs-change",
    }


def test_default_validator_does_not_count_cors_preflights(tmp_path):
    cors = {
        "type": "mock",
        "responses": {"default": {"statusCode": "200", "responseParameters": {"method.response.header.Access-Control-Allow-Origin": "'*'"}}},
    }
    doc = {
        "openapi": "3.0.1",
        "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": True, "validateRequestParameters": True}},
        "x-amazon-apigateway-request-validator": "all",
        "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "http_proxy", "uri": "https://b.example.com/a"}},
                         "options": {"x-amazon-apigateway-integration": cors}}},
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(doc))
    (found,) = [f for f in run_checks([load(path)]).apis[0].findings if f.rule == "AGW701"]
    assert found.routes == ("GET /a",)


def _content_handling_api(tmp_path, binary_media_types: bool) -> Path:
    path = tmp_path / "ch.yaml"
    path.write_text(
        "openapi: 3.0.1\n"
        "info: {title: t, version: '1'}\n"
        + ("x-amazon-apigateway-binary-media-types: [image/png]\n" if binary_media_types else "")
        + "paths:\n"
        "  /fn:\n"
        "    post:\n"
        "      responses: {}\n"
        "      x-amazon-apigateway-integration:\n"
        "        type: aws_proxy\n"
        "        httpMethod: POST\n"
        "        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/fn/invocations\n"
        "        contentHandling: CONVERT_TO_TEXT\n"
    )
    return path


def test_convert_to_text_without_binary_media_types_changes_nothing_and_stays_silent_U(tmp_path):
    assert run_checks([load(_content_handling_api(tmp_path, False))], select=["AGW307"]).apis[0].findings == []


def test_convert_to_text_with_binary_media_types_fires_U(tmp_path):
    findings = run_checks([load(_content_handling_api(tmp_path, True))], select=["AGW307"]).apis[0].findings
    assert [(f.rule, f.pointer, f.line) for f in findings] == [
        ("AGW307", "/paths/~1fn/post/x-amazon-apigateway-integration/contentHandling", 12)
    ]


def test_cognito_audience_is_found_in_the_bundle_for_a_pool_arn_longer_than_a_message_would_show():
    src = load(Path(__file__).parent.parent / "fixtures" / "bookstore.bundle.json")
    arn = "arn:aws:cognito-idp:ap-southeast-2:123456789012:userpool/ap-southeast-2_" + "x" * 40
    scheme = src.api["components"]["securitySchemes"]
    cognito = next(s for s in scheme.values() if s.get("x-amazon-apigateway-authorizer", {}).get("type") == "cognito_user_pools")
    cognito["x-amazon-apigateway-authorizer"]["providerARNs"] = [arn]
    src.bundle["cognitoUserPools"] = [{"userPoolArn": arn, "appClientIds": ["client-one"]}]
    findings = run_rules(src, [get_rule("AGW204")])
    assert findings and all("audience client-one (the pool's app clients, from the bundle)" in f.message for f in findings)


def _findings(tmp_path: Path, doc: dict, select: str, name: str = "api.json") -> list:
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=1))
    return run_checks([load(path)], select=[select]).apis[0].findings


def _api(paths: dict, **root) -> dict:
    return {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": paths, **root}


def _http_get(request_parameters: dict, uri: str = "https://backend.example.com/items/{id}") -> dict:
    integ = {"type": "http_proxy", "httpMethod": "GET", "uri": uri, "requestParameters": request_parameters}
    return {"/items/{itemId}": {"get": {"responses": {}, INTEG: integ}}}


def test_binary_media_types_fire_because_http_apis_have_no_such_setting_U(tmp_path):
    findings = _findings(tmp_path, _api({}, **{"x-amazon-apigateway-binary-media-types": ["image/png"]}), "AGW107")
    assert [(f.rule, f.pointer) for f in findings] == [("AGW107", "/x-amazon-apigateway-binary-media-types")]
    assert _findings(tmp_path, _api({}), "AGW107") == []


def test_multivalue_sources_are_reported_as_comma_joined_U(tmp_path):
    paths = _http_get({"integration.request.querystring.tag": "method.request.multivaluequerystring.tag",
                       "integration.request.querystring.one": "method.request.querystring.one"})
    findings = _findings(tmp_path, _api(paths), "AGW401")
    assert [f.pointer.rsplit("/", 1)[1] for f in findings] == ["integration.request.querystring.tag"]
    assert "comma-join" in findings[0].message


def test_path_parameter_targets_are_reported_U(tmp_path):
    findings = _findings(tmp_path, _api(_http_get({"integration.request.path.id": "method.request.path.itemId"})), "AGW404")
    assert [(f.routes, f.pointer.rsplit("/", 1)[1]) for f in findings] == [(("GET /items/{itemId}",), "integration.request.path.id")]


def test_rest_only_context_variables_in_mappings_and_access_logs_U(tmp_path):
    paths = _http_get({"integration.request.header.x-trace": "context.xrayTraceId",
                       "integration.request.header.x-request": "context.requestId"})
    findings = _findings(tmp_path, _api(paths), "AGW405")
    assert [f.pointer.rsplit("/", 1)[1] for f in findings] == ["integration.request.header.x-trace"]
    bundle = json.loads((DATA / "bundle_edge.json").read_text())
    bundle["stage"]["accessLogSettings"]["format"] = "$context.requestId $context.waf.status $context.routeKey"
    (log,) = _findings(tmp_path, bundle, "AGW607", "b.json")
    assert log.message == "the access log format uses $context.waf.status, which HTTP APIs do not have"


def test_a_method_settings_key_names_its_own_method_and_an_any_key_the_any_route_U(tmp_path):
    # Check and convert share one reading of the keys (openapi.method_settings_routes): a GET key is the
    # GET route only, as a GET request goes to the GET method, not to ANY, on both API types.
    bundle = json.loads((DATA / "bundle_edge.json").read_text())
    bundle["openapi"]["paths"] = {"/items": {"x-amazon-apigateway-any-method": {"responses": {}}, "get": {"responses": {}}}}
    bundle["stage"]["methodSettings"] = {
        "~1items/ANY": {"metricsEnabled": True},
        "~1items/GET": {"metricsEnabled": True},
        "~1gone/GET": {"metricsEnabled": True},
    }
    findings = _findings(tmp_path, bundle, "AGW608")
    assert sorted(f.routes for f in findings) == [("ANY /items",), ("GET /items",)]


def test_template_method_settings_of_the_root_resource_concern_the_root_route_only(tmp_path):
    text = (DATA / "sam.yaml").read_text().replace(
        '        - ResourcePath: "/*"\n          HttpMethod: "*"\n          LoggingLevel: ERROR',
        '        - ResourcePath: "/"\n          HttpMethod: GET\n          LoggingLevel: ERROR',
    ).replace("        paths:\n", "        paths:\n          /:\n            get: {responses: {}}\n")
    assert 'ResourcePath: "/"' in text
    (tmp_path / "t.yaml").write_text(text)
    findings = run_checks([load(tmp_path / "t.yaml")], select=["AGW603"]).apis[0].findings
    assert [f.routes for f in findings] == [("GET /",)]
    assert "~1/GET" in findings[0].message


def test_an_undefined_api_key_scheme_is_no_authorization_for_cors_preflights(tmp_path):
    cors = {"type": "mock", "responses": {"default": {"statusCode": "200", "responseParameters": {
        "method.response.header.Access-Control-Allow-Origin": "'*'"}}}}
    proxy = {"type": "http_proxy", "httpMethod": "ANY", "uri": "https://b.example.com/{proxy}"}

    def api(security: list) -> dict:
        return _api({"/{proxy+}": {"x-amazon-apigateway-any-method": {"security": security, INTEG: proxy},
                                   "options": {INTEG: cors}}})

    assert _findings(tmp_path, api([{"api_key": []}]), "AGW504") == []
    assert [f.rule for f in _findings(tmp_path, api([{"token": []}]), "AGW504")] == ["AGW504"]


def test_enhanced_tls_policies_are_flagged_as_unconfirmed_U(tmp_path):
    bundle = json.loads((DATA / "bundle_edge.json").read_text())
    bundle["domainNames"][1]["securityPolicy"] = "SecurityPolicy_TLS13_1_2_2021_06"
    (f,) = _findings(tmp_path, bundle, "AGW812")
    assert "enhanced policy: whether HTTP mappings accept it is unconfirmed" in f.message


def test_a_mapping_into_host_is_reserved_U(tmp_path):
    findings = _findings(tmp_path, _api(_http_get({"integration.request.header.Host": "'b.example.com'"})), "AGW402")
    assert [f.pointer.rsplit("/", 1)[1] for f in findings] == ["integration.request.header.Host"]


def test_request_authorizer_names_identity_sources_that_convert_drops(tmp_path):
    path = tmp_path / "req.yaml"
    path.write_text(
        "openapi: 3.0.1\n"
        "info: {title: t, version: '1'}\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"
        "      security: [{req: []}]\n"
        "      responses: {}\n"
        "components:\n"
        "  securitySchemes:\n"
        "    req:\n"
        "      type: apiKey\n"
        "      name: Unused\n"
        "      in: header\n"
        "      x-amazon-apigateway-authtype: custom\n"
        "      x-amazon-apigateway-authorizer:\n"
        "        type: request\n"
        "        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations\n"
        "        identitySource: method.request.header.X-Id, method.request.path.id\n"
    )
    [finding] = run_checks([load(path)], select=["AGW209"]).apis[0].findings
    assert "identity sources become $request.header.X-Id; method.request.path.id has no HTTP spelling and will be dropped" in finding.message


@pytest.mark.parametrize("header", ["x-api-key", "X-API-Key", "X-Api-Key"])
def test_an_api_key_scheme_is_recognised_whatever_the_case_of_its_header(tmp_path, header, cli):
    # Header names are case-insensitive: `X-API-Key` is the API key header REST checks.
    path = tmp_path / "key.yaml"
    path.write_text(
        "openapi: 3.0.1\n"
        "info: {title: t, version: '1'}\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"
        "      security: [{key: []}]\n"
        "      responses: {}\n"
        "      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: 'https://b.example.com/a'}\n"
        "components:\n"
        "  securitySchemes:\n"
        f"    key: {{type: apiKey, name: {header}, in: header}}\n"
    )
    [finding] = run_checks([load(path)], select=["AGW201"]).apis[0].findings
    assert finding.routes == ("GET /a",) and finding.severity is Severity.BLOCKER
    converted = cli("convert", str(path), "-o", str(tmp_path / "out.json"), "--report", "json")
    assert converted.code == 1 and "AGW201" in {f["rule"] for f in json.loads(converted.stdout)["apis"][0]["findings"]}
    # Acknowledged (the loss of the key check accepted), the route moves and the scheme is gone.
    converted = cli("convert", str(path), "-o", str(tmp_path / "out.json"), "--report", "json", "--ignore", "AGW201")
    assert converted.code == 0, converted
    assert "key" not in json.loads((tmp_path / "out.json").read_text()).get("components", {}).get("securitySchemes", {})
