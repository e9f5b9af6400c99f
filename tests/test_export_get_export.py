"""The get_export path, with botocore's Stubber standing in for what moto cannot do.

moto's get_export is a stub (Swagger 2.0, no integrations or authorizers) and moto has no v2 API
mappings for REST APIs, so those single calls are stubbed on the very client the exporter uses;
every other call goes to the moto server.
"""

from __future__ import annotations

import io
import json

import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from apigw_migrate import aws as aws_mod
from apigw_migrate.bundle import write
from apigw_migrate.errors import AwsError
from apigw_migrate.export import export_bundle
from apigw_migrate.load import load
from apigw_migrate.openapi import iter_operations, operation_security, scheme_kind, security_schemes
from test_export import ACCOUNT, LAMBDA_URI, REGION, ShopApi, build_other_api, build_shop_api

LAMBDA_PROXY_EXPORT = "awsdocs__amazon-api-gateway-developer-guide__doc_source__api-as-lambda-proxy-export-swagger-with-extensions.md__block1.json"


@pytest.fixture
def ctx(aws, monkeypatch):
    monkeypatch.setenv("APIGW_MIGRATE_MAX_ATTEMPTS", "1")
    return aws_mod.connect(region=REGION, endpoint_url=aws)


def export_reply(body: bytes) -> dict:
    return {
        "contentType": "application/json",
        "contentDisposition": 'attachment; filename="oas30_2026-01-01T00:00:00Z.json"',
        "body": StreamingBody(io.BytesIO(body), len(body)),
    }


def export_params(api_id: str, stage: str) -> dict:
    return {
        "restApiId": api_id,
        "stageName": stage,
        "exportType": "oas30",
        "parameters": {"extensions": "apigateway,authorizers"},
        "accepts": "application/json",
    }


def test_get_export_document_is_kept_and_asks_for_both_extensions_U(ctx, boto_client, corpus, tmp_path):
    api_id = build_other_api(boto_client)
    body = (corpus / LAMBDA_PROXY_EXPORT).read_bytes()
    with Stubber(ctx.client("apigateway", purpose="export")) as stub:
        # The comma-joined `extensions` value is how the console asks for both [U].
        stub.add_response("get_export", export_reply(body), export_params(api_id, "dev"))
        bundle = export_bundle(ctx, api_id, "dev")
        stub.assert_no_pending_responses()
    assert bundle["metadata"]["exportedVia"] == "get_export"
    assert "exportFallbackReason" not in bundle["metadata"]
    assert bundle["openapi"] == json.loads(body)
    path = tmp_path / "b.json"
    write(bundle, path)
    src = load(path)
    assert (src.kind, src.spec) == ("bundle", "swagger2")
    assert sorted(o.route_key for o in iter_operations(src)) == ["GET /calc", "GET /calc/{operand1}/{operand2}/{operator}", "POST /calc"]


def test_get_export_failure_falls_back_to_resources(ctx, boto_client):
    api_id = build_other_api(boto_client)
    message = "Only found non-JSON body models for: [application/xml]. Specify at least one JSON body model."
    with Stubber(ctx.client("apigateway", purpose="export")) as stub:
        stub.add_client_error("get_export", "BadRequestException", message, 400)
        bundle = export_bundle(ctx, api_id, "dev")
    assert bundle["metadata"]["exportedVia"] == "resources"
    assert bundle["metadata"]["exportFallbackReason"].startswith("get_export failed: AWS error on get_export")
    assert message in bundle["metadata"]["exportFallbackReason"]
    assert bundle["openapi"]["paths"]["/"]["get"]["x-amazon-apigateway-integration"]["type"] == "http_proxy"


def test_via_export_does_not_fall_back(ctx, boto_client):
    api_id = build_other_api(boto_client)
    with Stubber(ctx.client("apigateway", purpose="export")) as stub:
        stub.add_client_error("get_export", "BadRequestException", "Only found non-JSON body models for: [text/xml]", 400)
        with pytest.raises(AwsError) as e:
            export_bundle(ctx, api_id, "dev", via="export")
    assert e.value.exit_code == 3
    assert "Only found non-JSON body models" in str(e.value)


def test_via_export_keeps_even_a_stubbed_export_and_says_what_is_missing(cli, aws, boto_client, tmp_path):
    api_id = build_other_api(boto_client)
    out = tmp_path / "b.json"
    result = cli(
        "export", "--endpoint-url", aws, "--rest-api-id", api_id, "--stage", "dev", "--via", "export", "-o", str(out),
        env={"APIGW_MIGRATE_MAX_ATTEMPTS": "1", "AWS_DEFAULT_REGION": REGION},
    )
    assert result.code == 0, result
    bundle = json.loads(out.read_text())
    assert bundle["metadata"]["exportedVia"] == "get_export"
    assert "x-amazon-apigateway-integration" not in json.dumps(bundle["openapi"])
    [note] = [n for n in bundle["notes"] if "no x-amazon-apigateway-integration" in n]
    assert note.endswith("export again with --via resources")
    assert f"note: {note}" in result.stderr


def test_cli_both_paths_against_moto_give_bundles_that_read_the_same(cli, aws, boto_client, tmp_path, monkeypatch):
    from moto.apigateway import models

    shop = build_shop_api(boto_client)
    asked: list[str] = []

    def realistic_export(self, rest_api_id, export_type):
        asked.append(export_type)
        return aws_style_export(shop)

    # moto's server runs in this process: its get_export now answers what AWS would, over real HTTP.
    monkeypatch.setattr(models.APIGatewayBackend, "export_api", realistic_export)
    env = {"APIGW_MIGRATE_MAX_ATTEMPTS": "1", "AWS_DEFAULT_REGION": REGION}
    common = ("export", "--endpoint-url", aws, "--rest-api-id", shop.api_id, "--stage", "prod")
    via_export = cli(*common, "-o", str(tmp_path / "e.json"), env=env)
    via_resources = cli(*common, "--via", "resources", "-o", str(tmp_path / "r.yaml"), env=env)
    assert via_export.code == 0 and via_resources.code == 0, (via_export, via_resources)
    assert asked == ["oas30"]
    assert "used the resources path" not in via_export.stderr

    from_export, from_resources = load(tmp_path / "e.json"), load(tmp_path / "r.yaml")
    assert (from_export.bundle["metadata"]["exportedVia"], from_resources.bundle["metadata"]["exportedVia"]) == ("get_export", "resources")
    assert signature(from_export) == signature(from_resources)
    assert len(signature(from_export)) == 5

    def verdicts(src) -> tuple:
        result = cli("check", "--format", "json", str(src.path))
        [api] = json.loads(result.stdout)["apis"]
        return result.code, api["verdict"], api["routes"], sorted({f["rule"] for f in api["findings"]})

    assert verdicts(from_export) == verdicts(from_resources)


def test_throttling_on_get_export_is_not_hidden_by_a_fallback(ctx, boto_client):
    api_id = build_other_api(boto_client)
    with Stubber(ctx.client("apigateway", purpose="export")) as stub:
        stub.add_client_error("get_export", "TooManyRequestsException", "Too Many Requests", 429)
        with pytest.raises(AwsError, match="kept throttling get_export"):
            export_bundle(ctx, api_id, "dev")


def aws_style_export(shop: ShopApi) -> dict:
    """What get_export (oas30, apigateway+authorizers) writes for the shop API, spelled as AWS spells it."""
    cognito = [{"ShopCognito": ["shop/read"]}]
    return {
        "openapi": "3.0.1",
        "info": {"title": "shop api", "description": "Book shop", "version": "2026-01-01T00:00:00Z"},
        "servers": [
            {"url": f"https://{shop.api_id}.execute-api.{REGION}.amazonaws.com/{{basePath}}", "variables": {"basePath": {"default": "prod"}}}
        ],
        "paths": {
            "/books": {
                "get": {
                    "parameters": [{"name": "author", "in": "query", "schema": {"type": "string"}}],
                    "security": cognito,
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy", "httpMethod": "POST", "uri": LAMBDA_URI.format("list-books"),
                        "passthroughBehavior": "when_no_match",
                    },
                },
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book"}}}, "required": True},
                    "responses": {"202": {"description": "202 response", "content": {}}},
                    "security": [{"ShopCognito": []}],
                    "x-amazon-apigateway-request-validator": "body-only",
                    "x-amazon-apigateway-integration": {
                        "type": "aws", "httpMethod": "POST", "uri": f"arn:aws:apigateway:{REGION}:sqs:path/{ACCOUNT}/new-books",
                        "credentials": f"arn:aws:iam::{ACCOUNT}:role/apigw-sqs",
                        "responses": {"default": {"statusCode": "202"}},
                        "requestParameters": {"integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"},
                        "requestTemplates": {"application/json": "Action=SendMessage&MessageBody=$input.body"},
                        "passthroughBehavior": "never",
                    },
                },
            },
            "/books/{bookId}": {
                "get": {
                    "operationId": "getBook",
                    "parameters": [
                        {"name": "bookId", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "200 response",
                            "headers": {"X-Book-Version": {"schema": {"type": "string"}}},
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book"}}},
                        },
                        "404": {"description": "404 response", "content": {}},
                    },
                    "security": [{"PartnerToken": [], "api_key": []}],
                    "x-amazon-apigateway-integration": {
                        "type": "http", "httpMethod": "GET", "uri": "https://catalog.example.com/books/{id}",
                        "responses": {
                            "default": {
                                "statusCode": "200",
                                "responseParameters": {"method.response.header.X-Book-Version": "integration.response.header.ETag"},
                            },
                            "404": {"statusCode": "404"},
                        },
                        "requestParameters": {"integration.request.path.id": "method.request.path.bookId"},
                        "passthroughBehavior": "when_no_match", "timeoutInMillis": 20000,
                    },
                }
            },
            "/health": {
                "get": {
                    "responses": {"200": {"description": "200 response", "content": {}}},
                    "security": [{"sigv4": []}],
                    "x-amazon-apigateway-integration": {
                        "type": "mock", "responses": {"default": {"statusCode": "200"}},
                        "requestTemplates": {"application/json": '{"statusCode": 200}'}, "passthroughBehavior": "when_no_match",
                    },
                }
            },
            "/legacy/{proxy+}": {
                "x-amazon-apigateway-any-method": {
                    "parameters": [{"name": "proxy", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "x-amazon-apigateway-integration": {
                        "type": "http_proxy", "httpMethod": "ANY", "uri": "http://legacy.internal.example.com/{proxy}",
                        "connectionType": "VPC_LINK", "connectionId": "${stageVariables.vpcLinkId}",
                        "requestParameters": {"integration.request.path.proxy": "method.request.path.proxy"},
                        "passthroughBehavior": "when_no_match",
                    },
                }
            },
        },
        "components": {
            "schemas": {"Book": {"title": "Book", "type": "object", "required": ["title"], "properties": {"title": {"type": "string"}}}},
            "securitySchemes": {
                "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
                "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"},
                "ShopCognito": {
                    "type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "cognito_user_pools",
                    "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": [shop.user_pool_arn]},
                },
                "PartnerToken": {
                    "type": "apiKey", "name": "X-Partner-Token", "in": "header", "x-amazon-apigateway-authtype": "custom",
                    "x-amazon-apigateway-authorizer": {
                        "type": "token", "authorizerUri": LAMBDA_URI.format("partner-auth"), "authorizerResultTtlInSeconds": 300,
                        "identityValidationExpression": "^Bearer [-0-9a-zA-Z._]+$",
                    },
                },
            },
        },
        "x-amazon-apigateway-request-validators": {"body-only": {"validateRequestParameters": False, "validateRequestBody": True}},
        "x-amazon-apigateway-api-key-source": "HEADER",
        "x-amazon-apigateway-minimum-compression-size": 1024,
    }


def signature(src) -> dict:
    """Per route: integration type, and the (scheme, kind) pairs its security asks for.

    Security is compared as a set of schemes so that how get_export groups an API key with an
    authorizer (one requirement or two) does not matter here.
    """
    schemes = {name: scheme_kind(s) for name, (s, _) in security_schemes(src).items()}
    result = {}
    for op in iter_operations(src):
        requirements, _ = operation_security(src, op)
        names = sorted({name for req in requirements for name in req})
        result[op.route_key] = (str(op.integration["type"]).lower(), [(n, schemes.get(n)) for n in names])
    return result


def test_both_paths_give_the_same_routes_integrations_and_security(ctx, boto_client, tmp_path):
    shop = build_shop_api(boto_client)
    via_resources = export_bundle(ctx, shop.api_id, "prod", via="resources")
    with Stubber(ctx.client("apigateway", purpose="export")) as stub:
        stub.add_response("get_export", export_reply(json.dumps(aws_style_export(shop)).encode()), export_params(shop.api_id, "prod"))
        via_export = export_bundle(ctx, shop.api_id, "prod", via="auto")
    assert via_export["metadata"]["exportedVia"] == "get_export"

    write(via_resources, tmp_path / "r.json")
    write(via_export, tmp_path / "e.json")
    from_resources, from_export = load(tmp_path / "r.json"), load(tmp_path / "e.json")
    assert signature(from_resources) == signature(from_export)
    assert signature(from_export)["GET /books/{bookId}"] == ("http", [("PartnerToken", "token"), ("api_key", "api_key")])
    assert signature(from_export)["GET /books"] == ("aws_proxy", [("ShopCognito", "cognito")])

    def authorizer_types(src):
        return {n: s.get("x-amazon-apigateway-authorizer", {}).get("type") for n, (s, _) in security_schemes(src).items()}

    assert authorizer_types(from_resources) == authorizer_types(from_export)
    # Everything outside the OpenAPI document is read the same way on both paths.
    for section in ("restApi", "stage", "authorizers", "usagePlans", "gatewayResponses", "requestValidators", "cognitoUserPools"):
        assert via_resources[section] == via_export[section], section


def test_vpc_link_named_by_a_stage_variable_is_read(ctx, boto_client):
    # moto does not keep an integration's connectionId, so the integration comes from a stubbed export.
    shop = build_shop_api(boto_client)
    with Stubber(ctx.client("apigateway", purpose="export")) as stub:
        stub.add_response("get_export", export_reply(json.dumps(aws_style_export(shop)).encode()), export_params(shop.api_id, "prod"))
        bundle = export_bundle(ctx, shop.api_id, "prod")
    [link] = bundle["vpcLinks"]
    assert (link["id"], link["name"]) == (shop.vpc_link_id, "legacy-nlb")
    assert link["targetArns"][0].endswith("loadbalancer/net/legacy/0123456789abcdef")


def test_v2_api_mappings_are_merged_with_base_path_mappings(ctx, boto_client):
    shop = build_shop_api(boto_client)
    with Stubber(ctx.client("apigatewayv2")) as stub:
        stub.add_response(
            "get_api_mappings",
            {
                "Items": [
                    {"ApiId": shop.api_id, "ApiMappingId": "m1shop", "ApiMappingKey": "shop", "Stage": "prod"},
                    {"ApiId": shop.api_id, "ApiMappingId": "m2orders", "ApiMappingKey": "orders/v2", "Stage": "prod"},
                    {"ApiId": "someotherapi", "ApiMappingId": "m3", "ApiMappingKey": "", "Stage": "live"},
                ]
            },
            {"DomainName": "api.shop.example.com"},
        )
        bundle = export_bundle(ctx, shop.api_id, "prod", via="resources")
    [domain] = bundle["domainNames"]
    assert domain["mappings"] == [
        {"basePath": "orders/v2", "restApiId": shop.api_id, "stage": "prod", "apiMappingId": "m2orders"},
        {"basePath": "shop", "restApiId": shop.api_id, "stage": "prod", "apiMappingId": "m1shop"},
    ]


def test_v2_mapping_read_failure_is_a_note(ctx, boto_client):
    shop = build_shop_api(boto_client)
    with Stubber(ctx.client("apigatewayv2")) as stub:
        stub.add_client_error(
            "get_api_mappings", "AccessDeniedException",
            f"User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: apigateway:GET on resource: "
            f"arn:aws:apigateway:{REGION}::/domainnames/api.shop.example.com/apimappings",
            403,
        )
        bundle = export_bundle(ctx, shop.api_id, "prod", via="resources")
    assert bundle["domainNames"][0]["mappings"] == [{"basePath": "shop", "restApiId": shop.api_id, "stage": "prod"}]
    assert any("API mappings (apigatewayv2) of api.shop.example.com" in n and "apigateway:GET" in n for n in bundle["notes"])


def test_cognito_permission_missing_becomes_a_note(ctx, boto_client):
    shop = build_shop_api(boto_client)
    with Stubber(ctx.client("cognito-idp", region=REGION)) as stub:
        stub.add_client_error(
            "list_user_pool_clients", "AccessDeniedException",
            f"User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: cognito-idp:ListUserPoolClients "
            f"on resource: {shop.user_pool_arn} because no identity-based policy allows the cognito-idp:ListUserPoolClients action",
            400,
        )
        bundle = export_bundle(ctx, shop.api_id, "prod", via="resources")
    [pool] = bundle["cognitoUserPools"]
    assert pool == {"userPoolArn": shop.user_pool_arn, "userPoolId": shop.user_pool_id, "region": REGION}
    [note] = [n for n in bundle["notes"] if "Cognito" in n]
    assert "cognito-idp:ListUserPoolClients" in note and "audience" in note
