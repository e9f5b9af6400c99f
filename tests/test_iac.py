"""CloudFormation and SAM output (transforms/iac.py): hand-built convert results, linted by cfn-lint."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from conftest import DATA

from apigw_migrate.errors import UsageError
from apigw_migrate.transforms import ConvertResult, LambdaUse
from apigw_migrate.transforms.iac import to_template

CASES = DATA / "iac"
FORMATS = ("cloudformation", "sam")
API_SCOPE = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*"
AUTHORIZER_SCOPE = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/authorizers/*"


def case(name: str) -> ConvertResult:
    raw = json.loads((CASES / f"{name}.json").read_text())
    uses = [
        LambdaUse(u["function"], u["kind"], tuple(u.get("routes", ())), u.get("authorizer"))
        for u in raw["lambda_functions"]
    ]
    return ConvertResult(document=raw["document"], stage=raw["stage"], lambda_functions=uses)


def lint(template: dict, tmp_path: Path) -> list[str]:
    """cfn-lint's errors and warnings for the template written to disk, as 'RULE message (line)'."""
    from cfnlint.api import lint_file

    path = tmp_path / "template.json"
    path.write_text(json.dumps(template, indent=2))
    return [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in lint_file(path) if m.rule.id[0] in "EW"]


def permissions(template: dict) -> dict[str, dict]:
    return {
        name: r["Properties"] for name, r in template["Resources"].items() if r["Type"] == "AWS::Lambda::Permission"
    }


def notes(template: dict) -> list[str]:
    return template["Metadata"]["apigw-migrate"]["notes"]


def body(template: dict) -> dict:
    props = template["Resources"]["HttpApi"]["Properties"]
    return props.get("Body") or props["DefinitionBody"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(p.stem for p in CASES.glob("*.json")))
def test_template_is_cfn_lint_clean(name, fmt, tmp_path):
    source_kind = "terraform" if name == "terraform" else None
    template = to_template(case(name), fmt, source_kind=source_kind)
    assert lint(template, tmp_path) == []


def test_lint_helper_reports_a_broken_template(tmp_path):
    template = to_template(case("lambda_request_authorizer"), "cloudformation")
    template["Resources"]["HttpApiStage"]["Properties"]["AutoDeploy"] = "sometimes"
    assert any(line.startswith("E") for line in lint(template, tmp_path))


def test_cloudformation_resources_and_properties():
    template = to_template(case("stage_settings"), "cloudformation")
    assert "Transform" not in template
    api = template["Resources"]["HttpApi"]
    assert api["Type"] == "AWS::ApiGatewayV2::Api"
    assert api["Properties"]["FailOnWarnings"] is True
    assert api["Properties"]["Body"]["x-amazon-apigateway-cors"]["allowOrigins"] == ["https://shop.example.com"]
    stage = template["Resources"]["HttpApiStage"]
    assert stage["Type"] == "AWS::ApiGatewayV2::Stage"
    assert stage["Properties"] == {
        "ApiId": {"Ref": "HttpApi"},
        "StageName": "prod",
        "AutoDeploy": True,
        "Description": "production",
        "DefaultRouteSettings": {"DetailedMetricsEnabled": True, "ThrottlingBurstLimit": 200, "ThrottlingRateLimit": 100.0},
        "RouteSettings": {"PUT /items/{id}": {"ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5.5}},
        "AccessLogSettings": {
            "DestinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:catalog-access",
            "Format": '{"requestId":"$context.requestId","route":"$context.routeKey","status":"$context.status"}',
        },
        "StageVariables": {"backend": "catalog-v2"},
        "Tags": {"team": "catalog"},
    }


def test_stage_settings_left_out_are_noted():
    text = "\n".join(notes(to_template(case("stage_settings"), "cloudformation")))
    assert "DefaultRouteSettings: LoggingLevel is left out" in text
    assert "RouteSettings for DELETE /items/{id} dropped: the HTTP API has no such route" in text
    assert "tag aws:cloudformation:stack-name left out" in text


def test_sam_resource_carries_the_stage_settings():
    template = to_template(case("stage_settings"), "sam")
    assert template["Transform"] == "AWS::Serverless-2016-10-31"
    assert set(template["Resources"]) == {"HttpApi", "CatalogInvokePermission"}
    api = template["Resources"]["HttpApi"]
    assert api["Type"] == "AWS::Serverless::HttpApi"
    props = api["Properties"]
    assert props["StageName"] == "prod"
    assert props["FailOnWarnings"] is True
    assert props["DefinitionBody"]["info"]["title"] == "catalog"
    assert props["RouteSettings"] == {"PUT /items/{id}": {"ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5.5}}
    assert props["AccessLogSettings"]["DestinationArn"].endswith(":log-group:catalog-access")
    assert props["StageVariables"] == {"backend": "catalog-v2"}
    assert props["Tags"] == {"team": "catalog"}
    assert "Description" not in props  # the API's description, not the stage's: noted instead
    assert any("stage description is left out" in n for n in notes(template))


def test_empty_stage_becomes_the_default_stage():
    doc = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}}
    template = to_template(ConvertResult(document=doc), "cloudformation")
    assert template["Resources"]["HttpApiStage"]["Properties"] == {
        "ApiId": {"Ref": "HttpApi"},
        "StageName": "$default",
        "AutoDeploy": True,
    }
    assert template["Outputs"]["HttpApiEndpoint"]["Value"] == {"Fn::Sub": "${HttpApi.ApiEndpoint}"}
    assert template["Outputs"]["HttpApiId"]["Value"] == {"Ref": "HttpApi"}


def test_named_stage_endpoint_has_the_stage_prefix():
    template = to_template(case("stage_settings"), "sam")
    assert template["Outputs"]["HttpApiEndpoint"]["Value"] == {"Fn::Sub": "${HttpApi.ApiEndpoint}/prod"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_permission_per_function_scoped_to_the_new_api(fmt):
    template = to_template(case("lambda_request_authorizer"), fmt)
    perms = permissions(template)
    by_function = {p["FunctionName"].rsplit(":", 1)[-1]: p for p in perms.values()}
    assert sorted(by_function) == ["authz", "orders-api", "orders-authorizer", "orders-get"]
    assert len(perms) == 4
    for p in perms.values():
        assert p["Action"] == "lambda:InvokeFunction"
        assert p["Principal"] == "apigateway.amazonaws.com"
    assert by_function["orders-api"]["SourceArn"] == {"Fn::Sub": API_SCOPE}
    assert by_function["orders-get"]["SourceArn"] == {"Fn::Sub": API_SCOPE}
    # Without an authorizers/* grant clients get 500 (fact sheet §15).
    assert by_function["orders-authorizer"]["SourceArn"] == {"Fn::Sub": AUTHORIZER_SCOPE}
    # A function that backs a route and an authorizer gets the wider grant once.
    assert by_function["authz"]["SourceArn"] == {"Fn::Sub": API_SCOPE}
    assert by_function["orders-api"]["FunctionName"] == "arn:aws:lambda:us-east-1:123456789012:function:orders-api"


def test_permissions_never_name_a_rest_api():
    result = case("lambda_request_authorizer")
    # A function given as its REST-era integration URI still gets a grant for the new API only.
    result.lambda_functions.append(
        LambdaUse(
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:legacy/invocations",
            "integration",
            ("GET /legacy",),
        )
    )
    for fmt in FORMATS:
        for p in permissions(to_template(result, fmt)).values():
            assert p["SourceArn"]["Fn::Sub"] in (API_SCOPE, AUTHORIZER_SCOPE)
            assert "apigateway:" not in json.dumps(p["FunctionName"])


def test_invocation_uri_is_reduced_to_the_function_arn():
    result = case("lambda_request_authorizer")
    result.lambda_functions = [
        LambdaUse(
            "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:legacy:live/invocations",
            "integration",
        )
    ]
    (perm,) = permissions(to_template(result, "cloudformation")).values()
    assert perm["FunctionName"] == "arn:aws:lambda:eu-west-1:123456789012:function:legacy:live"


def test_jwt_authorizer_without_audience_gets_a_parameter():
    template = to_template(case("jwt"), "cloudformation")
    schemes = body(template)["components"]["securitySchemes"]
    assert schemes["with-aud"]["x-amazon-apigateway-authorizer"]["jwtConfiguration"]["audience"] == ["6example1client"]
    assert schemes["no-aud"]["x-amazon-apigateway-authorizer"]["jwtConfiguration"]["audience"] == {"Ref": "NoAudJwtAudience"}
    param = template["Parameters"]["NoAudJwtAudience"]
    assert param["Type"] == "CommaDelimitedList"
    assert "Default" not in param  # the user must name the app clients
    assert "us-east-1_BBBBBBBBB" in param["Description"]
    assert any(n.startswith("NoAudJwtAudience:") for n in notes(template))
    assert list(template["Parameters"]) == ["NoAudJwtAudience"]


def test_input_result_is_not_modified():
    result = case("jwt")
    before = copy.deepcopy(result.document)
    to_template(result, "sam")
    assert result.document == before


def test_stage_variable_function_becomes_a_parameter():
    template = to_template(case("stage_variable_functions"), "cloudformation")
    params = template["Parameters"]
    # The stage defines reportFn: the parameter defaults to the function it names there.
    assert params["StageVariableReportFnFunction"]["Default"] == "arn:aws:lambda:us-east-1:123456789012:function:reports-beta"
    # alias is not a variable of this stage: the user must fill it in.
    assert "Default" not in params["StageVariableAliasFunction"]
    functions = sorted(json.dumps(p["FunctionName"]) for p in permissions(template).values())
    assert functions == [
        json.dumps({"Ref": "StageVariableAliasFunction"}),
        json.dumps({"Ref": "StageVariableReportFnFunction"}),
    ]
    text = "\n".join(notes(template))
    assert "GET /daily calls a Lambda function named by a stage variable" in text
    assert "same account" in text
    # The API itself keeps the stage variable: API Gateway resolves it per request.
    uri = body(template)["paths"]["/daily"]["get"]["x-amazon-apigateway-integration"]["uri"]
    assert uri.endswith("function:${stageVariables.reportFn}/invocations")


@pytest.mark.parametrize("fmt", FORMATS)
def test_intrinsics_are_kept_and_outside_references_become_parameters(fmt):
    template = to_template(case("intrinsics"), fmt, source_kind="sam")
    perms = {json.dumps(p["FunctionName"], sort_keys=True): p for p in permissions(template).values()}
    # Pseudo parameters and parameters stay as written.
    ship = {"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:ship-${Env}"}
    assert json.dumps(ship, sort_keys=True) in perms
    assert json.dumps({"Ref": "AuthFunctionArn"}) in perms
    assert perms[json.dumps({"Ref": "AuthFunctionArn"})]["SourceArn"] == {"Fn::Sub": AUTHORIZER_SCOPE}
    # !GetAtt on a resource of the source template is read through a parameter.
    assert json.dumps({"Ref": "CartFunctionArn"}) in perms
    assert json.dumps({"Ref": "PayFunctionArn"}) in perms
    assert sorted(template["Parameters"]) == ["AccessLogsArn", "AuthFunctionArn", "CartFunctionArn", "Env", "PayFunctionArn"]
    paths = body(template)["paths"]
    assert paths["/pay"]["post"]["x-amazon-apigateway-integration"]["uri"] == {
        "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${PayFunctionArn}/invocations"
    }
    join = paths["/cart"]["get"]["x-amazon-apigateway-integration"]["uri"]["Fn::Join"]
    assert join[1][1] == {"Ref": "CartFunctionArn"}
    stage_props = template["Resources"]["HttpApiStage" if fmt == "cloudformation" else "HttpApi"]["Properties"]
    assert stage_props["AccessLogSettings"]["DestinationArn"] == {"Ref": "AccessLogsArn"}
    assert any("!GetAtt CartFunction.Arn" in n for n in notes(template))
    assert template["Metadata"]["apigw-migrate"]["source_kind"] == "sam"


def test_terraform_placeholders_become_parameters():
    template = to_template(case("terraform"), "cloudformation", source_kind="terraform")
    assert sorted(template["Parameters"]) == ["AwsRegion", "BackendHost", "ThingsLambdaArn"]
    paths = body(template)["paths"]
    lambda_uri = paths["/things"]["get"]["x-amazon-apigateway-integration"]["uri"]
    assert lambda_uri == {
        "Fn::Sub": "arn:aws:apigateway:${AwsRegion}:lambda:path/2015-03-31/functions/${ThingsLambdaArn}/invocations"
    }
    proxy = paths["/proxy/{path+}"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]
    # API Gateway's own variables are escaped so CloudFormation leaves them alone.
    assert proxy["uri"] == {"Fn::Sub": "https://${BackendHost}/${!stageVariables.prefix}/{path}"}
    # Terraform's `$${` escape renders as a literal `${`.
    assert proxy["requestParameters"] == {"overwrite:header.x-trace": "${request.header.x-amzn-trace-id}"}
    (perm,) = permissions(template).values()
    assert perm["FunctionName"] == {"Ref": "ThingsLambdaArn"}


def test_placeholders_in_the_document_stay_without_terraform():
    template = to_template(case("terraform"), "cloudformation", source_kind="oas3")
    uri = body(template)["paths"]["/things"]["get"]["x-amazon-apigateway-integration"]["uri"]
    assert isinstance(uri, str) and "${things_lambda_arn}" in uri


def test_access_log_format_without_destination_asks_for_one():
    result = case("stage_settings")
    result.stage = {"StageName": "$default", "AccessLogSettings": {"Format": "$context.requestId"}}
    template = to_template(result, "cloudformation")
    logs = template["Resources"]["HttpApiStage"]["Properties"]["AccessLogSettings"]
    assert logs == {"DestinationArn": {"Ref": "AccessLogDestinationArn"}, "Format": "$context.requestId"}
    assert "Default" not in template["Parameters"]["AccessLogDestinationArn"]


def test_unknown_format_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown template format 'terraform'"):
        to_template(case("jwt"), "terraform")


def test_one_function_spelled_two_ways_gets_one_permission():
    template = to_template(case("conditions_and_mappings"), "cloudformation", source_kind="sam")
    (perm,) = permissions(template).values()
    assert perm["FunctionName"] == {"Ref": "CatalogFunctionArn"}
    assert list(permissions(template)) == ["CatalogFunctionInvokePermission"]


def test_conditions_and_mappings_of_the_source_template_become_parameters():
    template = to_template(case("conditions_and_mappings"), "sam", source_kind="sam")
    assert template["Conditions"] == {"IsProd": {"Fn::Equals": [{"Ref": "IsProdValue"}, "true"]}}
    assert template["Parameters"]["IsProdValue"]["AllowedValues"] == ["true", "false"]
    paths = body(template)["paths"]
    assert paths["/books"]["get"]["x-amazon-apigateway-integration"]["timeoutInMillis"] == {"Fn::If": ["IsProd", 29000, 10000]}
    join = paths["/search"]["get"]["x-amazon-apigateway-integration"]["uri"]["Fn::Join"][1]
    assert join[1] == {"Ref": "BackendsHost"}
    assert "BackendsHost" in template["Parameters"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_rest_vpc_link_becomes_parameters_for_the_v2_link_and_the_listener(fmt, tmp_path):
    nlb = "http://orders-nlb-1234.elb.eu-west-1.amazonaws.com"
    private = {"type": "HTTP_PROXY", "httpMethod": "ANY", "connectionType": "VPC_LINK", "connectionId": "a1b2c3",
               "payloadFormatVersion": "1.0"}  # fmt: skip
    document = {
        "openapi": "3.0.1",
        "info": {"title": "orders", "version": "1"},
        "x-amazon-apigateway-importexport-version": "1.0",
        "paths": {
            "/orders": {"get": {"responses": {}, "x-amazon-apigateway-integration": {**private, "uri": f"{nlb}/orders"}}},
            "/orders/{id}": {"get": {"responses": {}, "x-amazon-apigateway-integration": {**private, "uri": f"{nlb}/orders/{{id}}"}}},
            "/public": {"get": {"responses": {}, "x-amazon-apigateway-integration": {
                "type": "HTTP_PROXY", "httpMethod": "GET", "uri": "https://example.com/p", "payloadFormatVersion": "1.0"}}},
        },
    }  # fmt: skip
    template = to_template(ConvertResult(document=document, stage={"StageName": "$default"}), fmt)
    paths = body(template)["paths"]
    for path in ("/orders", "/orders/{id}"):
        integ = paths[path]["get"]["x-amazon-apigateway-integration"]
        assert integ["connectionId"] == {"Ref": "VpcLinkV2ForA1b2c3"}
        assert integ["uri"] == {"Ref": "ListenerArnForOrdersNlb1234ElbEuWest1AmazonawsCom"}
    assert paths["/public"]["get"]["x-amazon-apigateway-integration"]["uri"] == "https://example.com/p"
    assert set(template["Parameters"]) == {"VpcLinkV2ForA1b2c3", "ListenerArnForOrdersNlb1234ElbEuWest1AmazonawsCom"}
    assert "a1b2c3" in template["Parameters"]["VpcLinkV2ForA1b2c3"]["Description"]
    assert sum("overwrite:path" in n for n in notes(template)) == 2
    assert document["paths"]["/orders"]["get"]["x-amazon-apigateway-integration"]["connectionId"] == "a1b2c3"
    assert lint(template, tmp_path) == []
