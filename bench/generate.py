"""A synthetic REST API export of any size, shaped like `aws apigateway get-export` output.

    from generate import generate, write      # with bench/ on sys.path
    doc = generate(1500)                        # deterministic for a given (n_ops, seed)
    write(doc, "export.json")                   # or .yaml / .yml

The mix follows real exports: nested resources with path parameters, Lambda proxy and HTTP proxy
routes, a CORS MOCK `OPTIONS` on most resources, Cognito / TOKEN / REQUEST authorizers and API keys,
query and header parameters, request validators and body models, the export's habitual
`passthroughBehavior` / `responses.default` on proxies, and now and then an SQS or non-proxy Lambda
integration. `python bench/generate.py N out.json` writes one.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

REGION = "us-east-1"
ACCOUNT = "123456789012"
API_ID = "b3nchm4rk1"
VERBS = ("get", "post", "put", "delete", "patch")
NOUNS = ("orders", "items", "customers", "invoices", "carts", "products", "reviews", "shipments", "users", "tickets")
AUTHORIZERS = ("cognito", "token-auth", "request-auth")


def _lambda_uri(name: str) -> str:
    return (
        f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}/invocations"
    )


def _cors_options(path_params: list[str], methods: list[str], origin: str) -> dict:
    return {
        "parameters": [_path_param(p) for p in path_params] or None,
        "responses": {
            "200": {
                "description": "200 response",
                "headers": {
                    h: {"schema": {"type": "string"}}
                    for h in ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers")
                },
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Empty"}}},
            }
        },
        "x-amazon-apigateway-integration": {
            "responses": {
                "default": {
                    "statusCode": "200",
                    "responseParameters": {
                        "method.response.header.Access-Control-Allow-Methods": "'" + ",".join(methods) + "'",
                        "method.response.header.Access-Control-Allow-Headers": "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
                        "method.response.header.Access-Control-Allow-Origin": f"'{origin}'",
                    },
                }
            },
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "passthroughBehavior": "when_no_match",
            "type": "mock",
        },
    }


def _path_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _integration(rng: random.Random, service: str, verb: str, path: str) -> dict:
    roll = rng.random()
    if roll < 0.65:
        return {
            "httpMethod": "POST",
            "uri": _lambda_uri(f"{service}-{verb}"),
            "responses": {"default": {"statusCode": "200"}},
            "passthroughBehavior": "when_no_match",
            "timeoutInMillis": 29000,
            "contentHandling": "CONVERT_TO_TEXT",
            "type": "aws_proxy",
        }
    if roll < 0.9:
        integ: dict[str, Any] = {
            "httpMethod": verb.upper(),
            "uri": f"https://{service}.internal.example.com{path}",
            "passthroughBehavior": "when_no_match",
            "timeoutInMillis": rng.choice((10000, 29000)),
            "type": "http_proxy",
        }
        params = {f"integration.request.path.{p}": f"method.request.path.{p}" for p in _params_of(path)}
        if params:
            integ["requestParameters"] = params
        return integ
    if roll < 0.95 and verb in ("post", "put"):
        return {
            "credentials": f"arn:aws:iam::{ACCOUNT}:role/{service}-apigw-sqs",
            "httpMethod": "POST",
            "uri": f"arn:aws:apigateway:{REGION}:sqs:path/{ACCOUNT}/{service}-queue",
            "responses": {"default": {"statusCode": "202"}},
            "requestParameters": {"integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"},
            "requestTemplates": {"application/json": "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"},
            "passthroughBehavior": "never",
            "timeoutInMillis": 29000,
            "type": "aws",
        }
    return {
        "httpMethod": "POST",
        "uri": _lambda_uri(f"{service}-{verb}-legacy"),
        "responses": {
            "default": {"statusCode": "200", "responseTemplates": {"application/json": "$input.json('$.body')"}},
            ".*NotFound.*": {"statusCode": "404"},
        },
        "requestTemplates": {"application/json": '{"params": "$util.escapeJavaScript($input.params())"}'},
        "passthroughBehavior": "when_no_templates",
        "timeoutInMillis": 29000,
        "type": "aws",
    }


def _params_of(path: str) -> list[str]:
    return [seg[1:-1].rstrip("+") for seg in path.split("/") if seg.startswith("{")]


def _operation(rng: random.Random, service: str, verb: str, path: str, model: str) -> dict:
    params = [_path_param(p) for p in _params_of(path)]
    if verb == "get":
        params += [{"name": q, "in": "query", "required": False, "schema": {"type": "string"}} for q in ("limit", "next")]
    if rng.random() < 0.2:
        params.append({"name": "X-Tenant-Id", "in": "header", "required": True, "schema": {"type": "string"}})
    op: dict[str, Any] = {}
    if params:
        op["parameters"] = params
    if verb in ("post", "put", "patch"):
        op["requestBody"] = {
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
            "required": True,
        }
        op["x-amazon-apigateway-request-validator"] = "body-and-params"
    op["responses"] = {
        "200": {
            "description": "200 response",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
        }
    }
    roll = rng.random()
    if roll < 0.45:
        op["security"] = [{"cognito": [f"{service}/{'read' if verb == 'get' else 'write'}"]}]
    elif roll < 0.6:
        op["security"] = [{"token-auth": []}]
    elif roll < 0.7:
        op["security"] = [{"request-auth": []}]
    elif roll < 0.8:
        op["security"] = [{"api_key": []}]
    op["x-amazon-apigateway-integration"] = _integration(rng, service, verb, path)
    return op


def _resource_paths(rng: random.Random) -> "Any":
    """Endless resource paths: per service a collection, an item, and sub-resources of the item."""
    n = 0
    while True:
        service = f"{NOUNS[n % len(NOUNS)]}{n // len(NOUNS) or ''}"
        yield service, f"/{service}"
        yield service, f"/{service}/{{{service}Id}}"
        for sub in rng.sample(NOUNS, 2):
            yield service, f"/{service}/{{{service}Id}}/{sub}"
        n += 1


def generate(n_ops: int, seed: int = 0) -> dict:
    """A REST OpenAPI 3.0 export with exactly `n_ops` operations (OPTIONS included)."""
    rng = random.Random(seed)
    paths: dict[str, dict] = {}
    schemas: dict[str, Any] = {"Empty": {"title": "Empty Schema", "type": "object"}}
    count = 0
    resources = _resource_paths(rng)
    while count < n_ops:
        service, path = next(resources)
        model = f"{service.capitalize()}Model"
        schemas.setdefault(
            model,
            {
                "title": model,
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "name": {"type": "string", "maxLength": 200},
                               "quantity": {"type": "integer", "minimum": 0}},
            },
        )  # fmt: skip
        verbs = sorted(rng.sample(VERBS, rng.randint(1, 4)), key=VERBS.index)
        item: dict[str, Any] = {}
        for verb in verbs:
            if count == n_ops:
                break
            item[verb] = _operation(rng, service, verb, path, model)
            count += 1
        if count < n_ops and rng.random() < 0.8:
            methods = [v.upper() for v in item] + ["OPTIONS"]
            origin = "https://app.example.com" if rng.random() < 0.95 else "https://admin.example.com"
            item["options"] = {k: v for k, v in _cors_options(_params_of(path), methods, origin).items() if v is not None}
            count += 1
        paths[path] = item
    return {
        "openapi": "3.0.1",
        "info": {"title": f"synthetic-{n_ops}", "version": "2024-01-01T00:00:00Z"},
        "servers": [
            {
                "url": f"https://{API_ID}.execute-api.{REGION}.amazonaws.com/{{basePath}}",
                "variables": {"basePath": {"default": "prod"}},
            }
        ],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": _security_schemes()},
        "x-amazon-apigateway-request-validators": {
            "body-and-params": {"validateRequestParameters": True, "validateRequestBody": True},
            "params-only": {"validateRequestParameters": True, "validateRequestBody": False},
        },
        "x-amazon-apigateway-request-validator": "params-only",
        "x-amazon-apigateway-api-key-source": "HEADER",
    }


def _security_schemes() -> dict:
    return {
        "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
        "cognito": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authtype": "cognito_user_pools",
            "x-amazon-apigateway-authorizer": {
                "providerARNs": [f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_B3nchM4rk"],
                "type": "cognito_user_pools",
            },
        },
        "token-auth": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authtype": "custom",
            "x-amazon-apigateway-authorizer": {
                "authorizerUri": _lambda_uri("token-authorizer"),
                "authorizerResultTtlInSeconds": 300,
                "type": "token",
            },
        },
        "request-auth": {
            "type": "apiKey",
            "name": "Unused",
            "in": "header",
            "x-amazon-apigateway-authtype": "custom",
            "x-amazon-apigateway-authorizer": {
                "authorizerUri": _lambda_uri("request-authorizer"),
                "authorizerResultTtlInSeconds": 0,
                "identitySource": "method.request.header.X-Tenant-Id, method.request.querystring.key",
                "type": "request",
            },
        },
    }


def dumps(doc: dict, fmt: str = "json") -> str:
    """JSON the way get-export prints it (two spaces, ``" : "``), or block-style YAML."""
    if fmt == "yaml":
        import yaml

        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return yaml.dump(doc, Dumper=dumper, sort_keys=False, default_flow_style=False, width=200)
    return json.dumps(doc, indent=2, separators=(",", " : ")) + "\n"


def write(doc: dict, path: str | Path) -> Path:
    """Write `doc` as YAML for a .yaml/.yml path, else as JSON; returns the path."""
    p = Path(path)
    p.write_text(dumps(doc, "yaml" if p.suffix in (".yaml", ".yml") else "json"), encoding="utf-8")
    return p


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python bench/generate.py N_OPERATIONS OUT.json|OUT.yaml")
    out = write(generate(int(sys.argv[1])), sys.argv[2])
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
