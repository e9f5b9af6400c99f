"""`apigw-migrate export` against a realistic REST API built call by call on the moto server.

moto's import_rest_api drops authorizers, security and validators, so `build_shop_api` creates
everything with the same API calls a console or CloudFormation would make.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from apigw_migrate.errors import InputError
from apigw_migrate.load import load
from apigw_migrate.openapi import iter_operations

REGION = "us-east-1"
ACCOUNT = "123456789012"
KEY_VALUE = "pRt7-NEVER-IN-A-BUNDLE-9x2QkV31aZ"
LAMBDA_URI = (
    f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
    f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{{}}/invocations"
)
BOOK_SCHEMA = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "Book",
    "type": "object",
    "required": ["title"],
    "properties": {"title": {"type": "string"}, "isbn": {"type": "string"}},
}


@dataclass
class ShopApi:
    api_id: str
    stage: str
    user_pool_id: str
    user_pool_arn: str
    app_client_ids: list[str]
    vpc_link_id: str
    key_id: str
    usage_plan_id: str
    cognito_authorizer_id: str
    token_authorizer_id: str


def build_shop_api(make_client, name: str = "shop api", stage: str = "prod") -> ShopApi:
    """A REST API with Lambda proxy, HTTP, MOCK and AWS integrations, Cognito and TOKEN authorizers,
    a validator, a model, a gateway response, a usage plan with a key, stage settings and a custom domain."""
    apigw = make_client("apigateway")
    cognito = make_client("cognito-idp")

    pool = cognito.create_user_pool(PoolName="shop-users")["UserPool"]
    clients = [
        cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName=n)["UserPoolClient"]["ClientId"]
        for n in ("web", "mobile")
    ]

    api = apigw.create_rest_api(
        name=name,
        description="Book shop",
        endpointConfiguration={"types": ["REGIONAL"]},
        minimumCompressionSize=1024,
        apiKeySource="HEADER",
        tags={"team": "books"},
        policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}
                ],
            }
        ),
    )
    api_id, root = api["id"], api["rootResourceId"]

    cognito_auth = apigw.create_authorizer(
        restApiId=api_id,
        name="ShopCognito",
        type="COGNITO_USER_POOLS",
        providerARNs=[pool["Arn"]],
        identitySource="method.request.header.Authorization",
    )["id"]
    token_auth = apigw.create_authorizer(
        restApiId=api_id,
        name="PartnerToken",
        type="TOKEN",
        authorizerUri=LAMBDA_URI.format("partner-auth"),
        identitySource="method.request.header.X-Partner-Token",
        authorizerResultTtlInSeconds=300,
    )["id"]
    # moto drops identityValidationExpression on create but keeps it on update.
    apigw.update_authorizer(
        restApiId=api_id, authorizerId=token_auth,
        patchOperations=[{"op": "replace", "path": "/identityValidationExpression", "value": "^Bearer [-0-9a-zA-Z._]+$"}],
    )
    validator = apigw.create_request_validator(
        restApiId=api_id, name="body-only", validateRequestBody=True, validateRequestParameters=False
    )["id"]
    apigw.create_model(restApiId=api_id, name="Book", contentType="application/json", schema=json.dumps(BOOK_SCHEMA))
    apigw.put_gateway_response(
        restApiId=api_id,
        responseType="DEFAULT_4XX",
        statusCode="400",
        responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
        responseTemplates={"application/json": '{"message": $context.error.messageString}'},
    )
    link = apigw.create_vpc_link(
        name="legacy-nlb", targetArns=[f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/net/legacy/0123456789abcdef"]
    )["id"]

    def resource(parent: str, part: str) -> str:
        return apigw.create_resource(restApiId=api_id, parentId=parent, pathPart=part)["id"]

    books = resource(root, "books")
    book = resource(books, "{bookId}")
    health = resource(root, "health")
    legacy = resource(root, "legacy")
    proxy = resource(legacy, "{proxy+}")

    # GET /books: Lambda proxy behind Cognito with a scope.
    apigw.put_method(
        restApiId=api_id, resourceId=books, httpMethod="GET", authorizationType="COGNITO_USER_POOLS",
        authorizerId=cognito_auth, authorizationScopes=["shop/read"],
        requestParameters={"method.request.querystring.author": False},
    )
    apigw.put_integration(
        restApiId=api_id, resourceId=books, httpMethod="GET", type="AWS_PROXY", integrationHttpMethod="POST",
        uri=LAMBDA_URI.format("list-books"),
    )
    # POST /books: AWS integration to SQS with a body validator and a model.
    apigw.put_method(
        restApiId=api_id, resourceId=books, httpMethod="POST", authorizationType="COGNITO_USER_POOLS",
        authorizerId=cognito_auth, requestValidatorId=validator, requestModels={"application/json": "Book"},
    )
    apigw.put_integration(
        restApiId=api_id, resourceId=books, httpMethod="POST", type="AWS", integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{REGION}:sqs:path/{ACCOUNT}/new-books",
        credentials=f"arn:aws:iam::{ACCOUNT}:role/apigw-sqs",
        requestParameters={"integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"},
        requestTemplates={"application/json": "Action=SendMessage&MessageBody=$input.body"},
        passthroughBehavior="NEVER",
    )
    apigw.put_method_response(restApiId=api_id, resourceId=books, httpMethod="POST", statusCode="202")
    apigw.put_integration_response(restApiId=api_id, resourceId=books, httpMethod="POST", statusCode="202", selectionPattern="")
    # GET /books/{bookId}: HTTP (non-proxy) behind the TOKEN authorizer and an API key.
    apigw.put_method(
        restApiId=api_id, resourceId=book, httpMethod="GET", authorizationType="CUSTOM", authorizerId=token_auth,
        apiKeyRequired=True, operationName="getBook",
        requestParameters={"method.request.path.bookId": True, "method.request.header.X-Trace": False},
    )
    apigw.put_integration(
        restApiId=api_id, resourceId=book, httpMethod="GET", type="HTTP", integrationHttpMethod="GET",
        uri="https://catalog.example.com/books/{id}",
        requestParameters={"integration.request.path.id": "method.request.path.bookId"},
        timeoutInMillis=20000,
    )
    apigw.put_method_response(
        restApiId=api_id, resourceId=book, httpMethod="GET", statusCode="200",
        responseParameters={"method.response.header.X-Book-Version": False}, responseModels={"application/json": "Book"},
    )
    apigw.put_method_response(restApiId=api_id, resourceId=book, httpMethod="GET", statusCode="404")
    apigw.put_integration_response(
        restApiId=api_id, resourceId=book, httpMethod="GET", statusCode="200", selectionPattern="",
        responseParameters={"method.response.header.X-Book-Version": "integration.response.header.ETag"},
    )
    apigw.put_integration_response(restApiId=api_id, resourceId=book, httpMethod="GET", statusCode="404", selectionPattern="404")
    # GET /health: MOCK, IAM-authorised.
    apigw.put_method(restApiId=api_id, resourceId=health, httpMethod="GET", authorizationType="AWS_IAM")
    apigw.put_integration(
        restApiId=api_id, resourceId=health, httpMethod="GET", type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    apigw.put_method_response(restApiId=api_id, resourceId=health, httpMethod="GET", statusCode="200")
    apigw.put_integration_response(restApiId=api_id, resourceId=health, httpMethod="GET", statusCode="200", selectionPattern="")
    # ANY /legacy/{proxy+}: HTTP proxy through the VPC link.
    apigw.put_method(
        restApiId=api_id, resourceId=proxy, httpMethod="ANY", authorizationType="NONE",
        requestParameters={"method.request.path.proxy": True},
    )
    apigw.put_integration(
        restApiId=api_id, resourceId=proxy, httpMethod="ANY", type="HTTP_PROXY", integrationHttpMethod="ANY",
        uri="http://legacy.internal.example.com/{proxy}", connectionType="VPC_LINK", connectionId=link,
        requestParameters={"integration.request.path.proxy": "method.request.path.proxy"},
    )

    apigw.create_deployment(restApiId=api_id, stageName=stage, variables={"vpcLinkId": link, "backend": "v2"})
    apigw.update_stage(
        restApiId=api_id,
        stageName=stage,
        patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100"},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "200"},
            {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
            {"op": "replace", "path": "/*/*/metrics/enabled", "value": "true"},
            {"op": "replace", "path": "/~1books/GET/caching/enabled", "value": "true"},
            {"op": "replace", "path": "/~1books/GET/caching/ttlInSeconds", "value": "60"},
            {"op": "replace", "path": "/cacheClusterEnabled", "value": "true"},
            {"op": "replace", "path": "/tracingEnabled", "value": "true"},
        ],
    )

    plan = apigw.create_usage_plan(
        name="partners",
        apiStages=[{"apiId": api_id, "stage": stage, "throttle": {"/books/{bookId}/GET": {"burstLimit": 5, "rateLimit": 2.0}}}],
        throttle={"burstLimit": 100, "rateLimit": 50.0},
        quota={"limit": 10000, "offset": 0, "period": "MONTH"},
    )["id"]
    key = apigw.create_api_key(name="acme", enabled=True, value=KEY_VALUE)["id"]
    apigw.create_usage_plan_key(usagePlanId=plan, keyId=key, keyType="API_KEY")

    apigw.create_domain_name(
        domainName="api.shop.example.com",
        regionalCertificateArn=f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555",
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="TLS_1_2",
    )
    apigw.create_base_path_mapping(domainName="api.shop.example.com", restApiId=api_id, stage=stage, basePath="shop")
    return ShopApi(api_id, stage, pool["Id"], pool["Arn"], clients, link, key, plan, cognito_auth, token_auth)


def build_other_api(make_client, name: str = "other") -> str:
    """A second, small API with its own usage plan, which must not leak into the shop's bundle."""
    apigw = make_client("apigateway")
    api = apigw.create_rest_api(name=name)
    apigw.put_method(restApiId=api["id"], resourceId=api["rootResourceId"], httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(
        restApiId=api["id"], resourceId=api["rootResourceId"], httpMethod="GET", type="HTTP_PROXY",
        integrationHttpMethod="GET", uri="https://example.com/",
    )
    apigw.create_deployment(restApiId=api["id"], stageName="dev")
    apigw.create_usage_plan(name="other-plan", apiStages=[{"apiId": api["id"], "stage": "dev"}])
    return api["id"]


@pytest.fixture
def env(aws):
    return {"APIGW_MIGRATE_MAX_ATTEMPTS": "1", "AWS_DEFAULT_REGION": REGION}


@pytest.fixture
def shop(boto_client) -> ShopApi:
    api = build_shop_api(boto_client)
    build_other_api(boto_client)
    return api


def export(cli, aws, env, *args):
    return cli("export", "--endpoint-url", aws, *args, env=env)


# ------------------------------------------------------------------------------------------------


def test_export_writes_a_bundle_with_every_section(cli, aws, env, shop, tmp_path):
    out = tmp_path / "shop.bundle.json"
    result = export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "prod", "-o", str(out))
    assert result.code == 0, result
    assert f"wrote {out}" in result.stderr
    bundle = json.loads(out.read_text())

    meta = bundle["metadata"]
    assert (meta["restApiId"], meta["stage"], meta["restApiName"], meta["region"]) == (shop.api_id, "prod", "shop api", REGION)
    assert meta["accountId"] == ACCOUNT
    # moto's get_export is a stub without integrations: auto mode notices and falls back.
    assert meta["exportedVia"] == "resources"
    assert "no x-amazon-apigateway-integration" in meta["exportFallbackReason"]

    rest = bundle["restApi"]
    assert rest["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert rest["policy"]["Statement"][0]["Action"] == "execute-api:Invoke"
    assert (rest["apiKeySource"], rest["minimumCompressionSize"]) == ("HEADER", 1024)
    assert rest["tags"] == {"team": "books"}
    assert "createdDate" in rest and rest["createdDate"].endswith("Z")

    stage = bundle["stage"]
    assert stage["tracingEnabled"] is True and stage["cacheClusterEnabled"] is True
    assert stage["methodSettings"]["~1books/GET"]["cachingEnabled"] is True
    assert stage["methodSettings"]["~1books/GET"]["cacheTtlInSeconds"] == 60
    assert stage["methodSettings"]["*/*"]["loggingLevel"] == "INFO"
    assert stage["methodSettings"]["*/*"]["throttlingRateLimit"] == 100.0
    assert stage["variables"]["backend"] == "v2"

    assert {a["name"]: a["type"] for a in bundle["authorizers"]} == {"ShopCognito": "COGNITO_USER_POOLS", "PartnerToken": "TOKEN"}

    [plan] = bundle["usagePlans"]
    assert plan["name"] == "partners"
    assert plan["apiStages"] == [{"apiId": shop.api_id, "stage": "prod", "throttle": {"/books/{bookId}/GET": {"burstLimit": 5, "rateLimit": 2.0}}}]
    assert plan["quota"]["period"] == "MONTH"
    assert plan["apiKeys"] == [{"id": shop.key_id, "name": "acme", "type": "API_KEY", "enabled": True}]

    assert [(g["responseType"], g["statusCode"]) for g in bundle["gatewayResponses"]] == [("DEFAULT_4XX", "400")]
    assert [(v["name"], v["validateRequestBody"]) for v in bundle["requestValidators"]] == [("body-only", True)]

    [domain] = bundle["domainNames"]
    assert domain["domainName"] == "api.shop.example.com"
    assert domain["securityPolicy"] == "TLS_1_2" and domain["endpointConfiguration"]["types"] == ["REGIONAL"]
    # v1 and v2 show the one domain's mappings alike; the v2 view adds the mapping id
    (mapping,) = domain["mappings"]
    assert mapping.pop("apiMappingId")
    assert mapping == {"basePath": "shop", "restApiId": shop.api_id, "stage": "prod"}

    [pool] = bundle["cognitoUserPools"]
    assert pool["userPoolArn"] == shop.user_pool_arn and pool["userPoolId"] == shop.user_pool_id
    assert sorted(pool["appClientIds"]) == sorted(shop.app_client_ids)
    assert sorted(c["ClientName"] for c in pool["appClients"]) == ["mobile", "web"]

    assert any("assembled from the API's resources" in n for n in bundle["notes"])


def test_api_key_value_never_reaches_the_bundle_file(cli, aws, env, shop, tmp_path):
    for fmt in ("json", "yaml"):
        out = tmp_path / f"b.{fmt}"
        assert export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "prod", "-o", str(out)).code == 0
        raw = out.read_bytes()
        assert shop.key_id.encode() in raw  # the key is there, by id
        assert KEY_VALUE.encode() not in raw


def test_bundle_loads_and_validates(cli, aws, env, shop, tmp_path):
    out = tmp_path / "shop.bundle.yaml"
    assert export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "prod", "-o", str(out)).code == 0
    assert out.read_text().startswith("apiVersion: apigw-migrate/v1")
    src = load(out)
    assert (src.kind, src.spec, src.flavor, src.base_pointer) == ("bundle", "oas3", "rest", "/openapi")
    assert sorted(o.route_key for o in iter_operations(src)) == [
        "ANY /legacy/{proxy+}", "GET /books", "GET /books/{bookId}", "GET /health", "POST /books",
    ]


def test_corrupted_bundle_fails_load_with_a_clear_error(cli, aws, env, shop, tmp_path):
    out = tmp_path / "shop.bundle.json"
    assert export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "prod", "-o", str(out)).code == 0
    bundle = json.loads(out.read_text())
    bundle["usagePlans"][0]["apiKeys"][0]["value"] = "leaked"
    out.write_text(json.dumps(bundle, indent=2))
    with pytest.raises(InputError) as e:
        load(out)
    assert "not a valid bundle at /usagePlans/0/apiKeys/0" in str(e.value)
    assert str(e.value).startswith(f"{out}:")

    del bundle["usagePlans"][0]["apiKeys"][0]["value"]
    bundle["metadata"]["exportedVia"] = "carrier-pigeon"
    out.write_text(json.dumps(bundle))
    with pytest.raises(InputError, match="/metadata/exportedVia"):
        load(out)


def test_resources_path_spells_the_document_like_get_export(cli, aws, env, shop, tmp_path):
    out = tmp_path / "b.json"
    assert export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "prod", "--via", "resources", "-o", str(out)).code == 0
    bundle = json.loads(out.read_text())
    assert bundle["metadata"]["exportedVia"] == "resources" and "exportFallbackReason" not in bundle["metadata"]
    doc = bundle["openapi"]
    paths = doc["paths"]

    assert doc["openapi"] == "3.0.1"
    assert doc["servers"][0]["url"] == f"https://{shop.api_id}.execute-api.{REGION}.amazonaws.com/{{basePath}}"
    assert doc["servers"][0]["variables"]["basePath"]["default"] == "prod"
    assert set(paths) == {"/books", "/books/{bookId}", "/health", "/legacy/{proxy+}"}
    assert list(paths["/legacy/{proxy+}"]) == ["x-amazon-apigateway-any-method"]

    list_books = paths["/books"]["get"]
    assert list_books["security"] == [{"ShopCognito": ["shop/read"]}]
    assert list_books["parameters"] == [{"name": "author", "in": "query", "schema": {"type": "string"}}]
    assert list_books["x-amazon-apigateway-integration"] == {
        "type": "aws_proxy", "httpMethod": "POST", "uri": LAMBDA_URI.format("list-books"),
    }

    add_book = paths["/books"]["post"]
    assert add_book["x-amazon-apigateway-request-validator"] == "body-only"
    assert add_book["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book"}}}, "required": True,
    }
    integ = add_book["x-amazon-apigateway-integration"]
    assert integ["type"] == "aws" and integ["passthroughBehavior"] == "never"
    assert integ["credentials"] == f"arn:aws:iam::{ACCOUNT}:role/apigw-sqs"
    assert integ["responses"] == {"default": {"statusCode": "202"}}

    get_book = paths["/books/{bookId}"]["get"]
    assert get_book["operationId"] == "getBook"
    assert get_book["security"] == [{"PartnerToken": [], "api_key": []}]
    assert {(p["name"], p["in"], p.get("required", False)) for p in get_book["parameters"]} == {
        ("bookId", "path", True), ("X-Trace", "header", False),
    }
    assert get_book["responses"]["200"]["headers"] == {"X-Book-Version": {"schema": {"type": "string"}}}
    integ = get_book["x-amazon-apigateway-integration"]
    assert integ["type"] == "http" and integ["timeoutInMillis"] == 20000
    assert integ["requestParameters"] == {"integration.request.path.id": "method.request.path.bookId"}
    # Integration responses are keyed by their selection pattern, the one without a pattern by "default".
    assert integ["responses"] == {
        "default": {"statusCode": "200", "responseParameters": {"method.response.header.X-Book-Version": "integration.response.header.ETag"}},
        "404": {"statusCode": "404"},
    }

    assert paths["/health"]["get"]["security"] == [{"sigv4": []}]
    assert paths["/health"]["get"]["x-amazon-apigateway-integration"]["type"] == "mock"

    schemes = doc["components"]["securitySchemes"]
    assert schemes["api_key"] == {"type": "apiKey", "name": "x-api-key", "in": "header"}
    assert schemes["sigv4"]["x-amazon-apigateway-authtype"] == "awsSigv4"
    assert schemes["ShopCognito"]["x-amazon-apigateway-authtype"] == "cognito_user_pools"
    assert schemes["ShopCognito"]["x-amazon-apigateway-authorizer"] == {
        "type": "cognito_user_pools", "identitySource": "method.request.header.Authorization",
        "authorizerResultTtlInSeconds": 300, "providerARNs": [shop.user_pool_arn],
    }
    token = schemes["PartnerToken"]
    assert (token["name"], token["in"], token["x-amazon-apigateway-authtype"]) == ("X-Partner-Token", "header", "custom")
    assert token["x-amazon-apigateway-authorizer"]["type"] == "token"
    assert token["x-amazon-apigateway-authorizer"]["identityValidationExpression"] == "^Bearer [-0-9a-zA-Z._]+$"

    assert doc["components"]["schemas"]["Book"]["required"] == ["title"]
    assert "$schema" not in doc["components"]["schemas"]["Book"]
    assert doc["x-amazon-apigateway-request-validators"] == {"body-only": {"validateRequestBody": True, "validateRequestParameters": False}}
    assert doc["x-amazon-apigateway-gateway-responses"]["DEFAULT_4XX"]["statusCode"] == "400"
    assert doc["x-amazon-apigateway-policy"]["Version"] == "2012-10-17"
    assert doc["x-amazon-apigateway-api-key-source"] == "HEADER"
    assert doc["x-amazon-apigateway-minimum-compression-size"] == 1024


def test_resources_path_document_is_valid_openapi_30(cli, aws, env, shop, tmp_path):
    from openapi_spec_validator import validate

    out = tmp_path / "b.json"
    assert export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "prod", "--via", "resources", "-o", str(out)).code == 0
    validate(json.loads(out.read_text())["openapi"])


def test_default_output_name_and_format_choices(cli, aws, env, shop, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "prod")
    assert result.code == 0, result
    default = tmp_path / f"{shop.api_id}-prod.bundle.json"
    assert json.loads(default.read_text())["kind"] == "RestApiBundle"
    assert f"wrote {default.name}" in result.stderr
    assert result.stdout == ""

    assert export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "prod", "--format", "yaml").code == 0
    assert (tmp_path / f"{shop.api_id}-prod.bundle.yaml").read_text().startswith("apiVersion:")

    # --format wins over the file extension.
    assert export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "prod", "--format", "yaml", "-o", "x.json").code == 0
    assert (tmp_path / "x.json").read_text().startswith("apiVersion:")

    # An existing directory gets the default file name inside it.
    (tmp_path / "out").mkdir()
    assert export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "prod", "-o", "out").code == 0
    assert (tmp_path / "out" / f"{shop.api_id}-prod.bundle.json").is_file()
    assert not list(tmp_path.glob("**/*.tmp"))


def test_dash_writes_the_bundle_to_stdout(cli, aws, env, shop):
    result = export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "prod", "-o", "-")
    assert result.code == 0, result
    assert json.loads(result.stdout)["metadata"]["restApiId"] == shop.api_id
    assert "wrote" not in result.stderr


def test_stage_may_be_omitted_when_there_is_only_one(cli, aws, env, boto_client, tmp_path):
    api_id = build_other_api(boto_client)
    out = tmp_path / "o.json"
    assert export(cli, aws, env, "--rest-api-id", api_id, "-o", str(out)).code == 0
    assert json.loads(out.read_text())["metadata"]["stage"] == "dev"


def test_stage_must_be_named_when_there_are_several(cli, aws, env, shop, boto_client):
    boto_client("apigateway").create_deployment(restApiId=shop.api_id, stageName="beta")
    result = export(cli, aws, env, "--rest-api-id", shop.api_id)
    assert result.code == 2
    assert "pick one with --stage: beta, prod" in result.stderr


def test_unknown_stage_names_the_existing_ones(cli, aws, env, shop):
    result = export(cli, aws, env, "--rest-api-id", shop.api_id, "--stage", "production")
    assert result.code == 3
    assert result.stderr.strip() == f"error: REST API {shop.api_id!r} has no stage 'production'; its stages are: prod"


def test_unknown_rest_api_is_not_found(cli, aws, env):
    result = export(cli, aws, env, "--rest-api-id", "nosuchapi1", "--stage", "prod")
    assert result.code == 3
    assert "REST API 'nosuchapi1' not found in us-east-1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_option_mistakes_are_usage_errors(cli, aws, env, tmp_path):
    assert "--rest-api-id ID" in export(cli, aws, env).stderr
    assert export(cli, aws, env).code == 2
    both = export(cli, aws, env, "--all", "--rest-api-id", "abc")
    assert both.code == 2 and "leave out --rest-api-id" in both.stderr
    assert export(cli, aws, env, "--all", "-o", "-").code == 2
    assert export(cli, aws, env, "--via", "magic", "--rest-api-id", "x").code == 2


def test_export_help_teaches(cli):
    result = cli("export", "--help")
    assert result.code == 0
    text = " ".join(result.stdout.split())
    for phrase in ("--rest-api-id", "--all", "--via", "never the key values", "Exit codes", "apigw-migrate export --all -o bundles/"):
        assert phrase in text


# ------------------------------------------------------------------------------------------------
# --all


def test_all_exports_every_api_and_stage(cli, aws, env, shop, boto_client, tmp_path):
    boto_client("apigateway").create_deployment(restApiId=shop.api_id, stageName="beta")
    out = tmp_path / "bundles"
    result = export(cli, aws, env, "--all", "-o", str(out), "--jobs", "3")
    assert result.code == 0, result
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(
        [f"shop-api-{shop.api_id}-beta.bundle.json", f"shop-api-{shop.api_id}-prod.bundle.json"]
        + [p.name for p in out.glob("other-*-dev.bundle.json")]
    )
    assert len(files) == 3
    for f in files:
        load(out / f)
    # The summary table lists every export with its route count; no progress bar when stderr is not a TTY.
    assert "shop api" in result.stdout and "routes" in result.stdout and " 5 " in result.stdout
    assert result.stdout.count("ok") >= 3
    assert "exporting" not in result.stderr


def test_all_goes_on_when_one_api_fails(cli, aws, env, shop, boto_client, tmp_path, monkeypatch):
    from moto.apigateway import models
    from moto.apigateway.exceptions import AccessDeniedException

    broken = build_other_api(boto_client, name="locked")
    real = models.APIGatewayBackend.get_authorizers

    def deny_one(self, restapi_id):
        if restapi_id == broken:
            raise AccessDeniedException(
                "AccessDeniedException",
                f"User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: apigateway:GET on resource: "
                f"arn:aws:apigateway:{REGION}::/restapis/{broken}/authorizers because no identity-based policy allows the apigateway:GET action",
            )
        return real(self, restapi_id)

    # The moto server runs in this process: the fault is injected server-side, the CLI sees a real 400 reply.
    monkeypatch.setattr(models.APIGatewayBackend, "get_authorizers", deny_one)
    out = tmp_path / "bundles"
    result = export(cli, aws, env, "--all", "-o", str(out))
    assert result.code == 3, result
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 2 and not any(broken in name for name in written)
    assert "failed" in result.stdout
    assert f"locked ({broken}) stage dev: access denied: your credentials lack apigateway:GET on arn:aws:apigateway:{REGION}::/restapis/{broken}/authorizers" in result.stderr
    assert "1 of 3 exports failed" in result.stderr


def test_all_with_no_api_says_so(cli, aws, env, tmp_path):
    result = export(cli, aws, env, "--all", "-o", str(tmp_path))
    assert result.code == 0
    assert "nothing to export" in result.stderr


def test_bundle_file_names_are_sanitized(cli, aws, env, boto_client, tmp_path):
    build_other_api(boto_client, name="Ünïcode / API: v2*")
    out = tmp_path / "b"
    assert export(cli, aws, env, "--all", "-o", str(out)).code == 0
    [name] = [p.name for p in out.iterdir()]
    assert name.startswith("Ünïcode-API-v2-") and name.endswith("-dev.bundle.json"), name
    assert Path(out / name).is_file()


def test_endpoint_and_profile_come_from_the_environment_too(cli, aws, shop, tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.write_text(f"[profile shop-reader]\nregion = {REGION}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    out = tmp_path / "b.json"
    result = cli(
        "export", "--rest-api-id", shop.api_id, "--stage", "prod", "-o", str(out),
        env={"AWS_ENDPOINT_URL": aws, "AWS_PROFILE": "shop-reader", "APIGW_MIGRATE_MAX_ATTEMPTS": "1"},
    )
    assert result.code == 0, result
    assert json.loads(out.read_text())["metadata"]["region"] == REGION
