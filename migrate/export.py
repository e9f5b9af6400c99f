"""AWS → bundle: one REST API stage and everything the migration needs to know about it.

Two ways to get the OpenAPI document:

- ``get_export`` (oas30 with the API Gateway and authorizer extensions): what AWS itself writes for
  the deployed stage. It fails on real AWS when a model is not JSON, and moto's version is a stub
  without integrations or authorizers.
- ``resources``: the same document assembled from get_resources/get_method, authorizers,
  validators, models and gateway responses, spelled the way get_export spells it (fact sheet
  §2.2-§2.4). It reads the API's current configuration, which may hold undeployed changes.

`via="auto"` tries get_export and falls back to resources when it fails or returns no
integration at all while the API has methods; the reason lands in `metadata.exportFallbackReason`.
Everything else (stage, authorizers, usage plans and their keys without values, gateway
responses, validators, VPC links, custom domains, Cognito app clients) is read the same way for
both and is documented field by field in docs/bundle.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from apigw_migrate.aws import AwsCallError, AwsContext, call, paginate
from apigw_migrate.bundle import new_bundle
from apigw_migrate.errors import UserError, UsageError
from apigw_migrate.openapi import ANY_METHOD, HTTP_METHODS, INTEGRATION

VIAS = ("auto", "export", "resources")
# Failures after which falling back to the resources path cannot help: the next calls would fail the same way.
_FATAL_KINDS = ("credentials", "expired", "throttled", "unreachable")
# get_export's `extensions` parameter: 'apigateway' adds integrations and validators, 'authorizers' the
# authorizer extension. Combining them comma-separated is what the console sends [U].
EXPORT_EXTENSIONS = "apigateway,authorizers"


# ---------------------------------------------------------------------------------------------
# Account-wide lookups, shared by every API of an `export --all` run


class AccountCache:
    """Usage plans, API keys and custom domains of the account, read once per run and shared by threads."""

    def __init__(self, ctx: AwsContext) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._usage_plans: list[dict] | None = None
        self._domains: list[dict] | None = None
        self._domain_notes: list[str] = []
        self._api_keys: dict[str, dict | str] = {}

    def usage_plans(self) -> list[dict]:
        with self._lock:
            if self._usage_plans is None:
                self._usage_plans = paginate(self.ctx.client("apigateway"), "get_usage_plans", "items", what="usage plans")
            return self._usage_plans

    def api_key(self, key_id: str) -> dict | str:
        """get_api_key without the value; a string when it could not be read (the reason)."""
        with self._lock:
            if key_id not in self._api_keys:
                try:
                    self._api_keys[key_id] = call(
                        self.ctx.client("apigateway"), "get_api_key", what=f"API key {key_id}", apiKey=key_id, includeValue=False
                    )
                except AwsCallError as e:
                    if e.kind in _FATAL_KINDS:
                        raise
                    self._api_keys[key_id] = str(e)
            return self._api_keys[key_id]

    def domains(self) -> tuple[list[dict], list[str]]:
        """Every custom domain with all its v1 base-path and v2 API mappings, and notes on what could not be read."""
        with self._lock:
            if self._domains is None:
                self._domains, self._domain_notes = _read_domains(self.ctx)
            return self._domains, self._domain_notes


def _read_domains(ctx: AwsContext) -> tuple[list[dict], list[str]]:
    v1 = ctx.client("apigateway")
    notes: list[str] = []
    domains = paginate(v1, "get_domain_names", "items", what="custom domain names")
    result = []
    for domain in domains:
        name = domain["domainName"]
        mappings: dict[tuple[str, str, str], dict] = {}
        for m in paginate(v1, "get_base_path_mappings", "items", what=f"base path mappings of {name}", domainName=name):
            base = m.get("basePath") or "(none)"
            mappings[(base, m.get("restApiId", ""), m.get("stage", ""))] = {
                "basePath": base, "restApiId": m.get("restApiId", ""), "stage": m.get("stage", "")
            }
        types = (domain.get("endpointConfiguration") or {}).get("types") or []
        try:
            # Multi-level mappings, which only the v2 view shows, exist on Regional domains only.
            v2_items = [] if "EDGE" in types else paginate(
                ctx.client("apigatewayv2"), "get_api_mappings", "Items", what=f"API mappings of {name}", DomainName=name
            )
        except AwsCallError as e:
            if e.kind in _FATAL_KINDS:
                raise
            notes.append(f"Could not read the API mappings (apigatewayv2) of {name}, so multi-level mappings may be missing: {e}")
            v2_items = []
        for m in v2_items:
            # v2 spells the empty key "", v1 "(none)"; both views show the same single-level mappings.
            base = m.get("ApiMappingKey") or "(none)"
            entry = mappings.setdefault(
                (base, m.get("ApiId", ""), m.get("Stage", "")),
                {"basePath": base, "restApiId": m.get("ApiId", ""), "stage": m.get("Stage", "")},
            )
            if m.get("ApiMappingId"):
                entry["apiMappingId"] = m["ApiMappingId"]
        result.append({**domain, "mappings": sorted(mappings.values(), key=lambda x: (x["basePath"], x["stage"]))})
    return result, notes


# ---------------------------------------------------------------------------------------------
# One API stage


def export_bundle(
    ctx: AwsContext,
    rest_api_id: str,
    stage: str | None = None,
    via: str = "auto",
    cache: AccountCache | None = None,
) -> dict:
    """Read one REST API stage from AWS into a bundle (a plain dict that validates against the bundle schema).

    Raises AwsError (exit 3) for credentials, access, not-found and throttling failures on the calls the
    bundle cannot do without; optional extras that cannot be read become sentences in `notes`.
    """
    if via not in VIAS:
        raise UsageError(f"--via must be one of {', '.join(VIAS)}, not {via!r}")
    cache = cache or AccountCache(ctx)
    apigw = ctx.client("apigateway")
    api_what = f"REST API {rest_api_id!r}"
    rest_api = call(apigw, "get_rest_api", what=api_what, restApiId=rest_api_id)
    stage_obj = _read_stage(apigw, rest_api_id, stage)
    stage_name = stage_obj["stageName"]
    notes: list[str] = []

    authorizers = paginate(apigw, "get_authorizers", "items", what=f"authorizers of {api_what}", restApiId=rest_api_id)
    validators = paginate(apigw, "get_request_validators", "items", what=f"request validators of {api_what}", restApiId=rest_api_id)
    gateway_responses = [
        g
        for g in paginate(apigw, "get_gateway_responses", "items", what=f"gateway responses of {api_what}", restApiId=rest_api_id)
        if not g.get("defaultResponse")
    ]

    openapi, exported_via, reason = _openapi(ctx, rest_api, stage_obj, authorizers, validators, gateway_responses, via, notes)

    bundle = new_bundle(
        rest_api_id,
        stage_name,
        openapi,
        exported_via,
        restApiName=rest_api.get("name", ""),
        region=ctx.region,
        accountId=_account_id(ctx, notes),
        exportedAt=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    )
    if reason:
        bundle["metadata"]["exportFallbackReason"] = reason
    bundle["restApi"] = _rest_api_section(rest_api)
    bundle["stage"] = stage_obj
    bundle["authorizers"] = authorizers
    bundle["usagePlans"] = _usage_plans(cache, rest_api_id, stage_name, notes)
    bundle["gatewayResponses"] = gateway_responses
    bundle["requestValidators"] = validators
    bundle["vpcLinks"] = _vpc_links(ctx, openapi, stage_obj, notes)
    bundle["domainNames"] = _domain_names(cache, rest_api_id, notes)
    bundle["cognitoUserPools"] = _cognito_pools(ctx, authorizers, notes)
    bundle["notes"] = notes
    return bundle


def _stage_names(apigw: Any, rest_api_id: str) -> list[str]:
    stages = call(apigw, "get_stages", what=f"stages of REST API {rest_api_id!r}", restApiId=rest_api_id).get("item") or []
    return sorted(s["stageName"] for s in stages)


def _read_stage(apigw: Any, rest_api_id: str, stage: str | None) -> dict:
    if stage is None:
        names = _stage_names(apigw, rest_api_id)
        if len(names) == 1:
            stage = names[0]
        elif not names:
            raise AwsCallError(f"REST API {rest_api_id!r} has no stage: deploy it to a stage first (nothing to export)", "not_found")
        else:
            raise UsageError(f"REST API {rest_api_id!r} has {len(names)} stages; pick one with --stage: {', '.join(names)}")
    try:
        return call(apigw, "get_stage", what=f"stage {stage!r} of REST API {rest_api_id!r}", restApiId=rest_api_id, stageName=stage)
    except AwsCallError as e:
        if e.kind != "not_found":
            raise
        names = _stage_names(apigw, rest_api_id)
        have = f"its stages are: {', '.join(names)}" if names else "it has no stage (deploy it first)"
        raise AwsCallError(f"REST API {rest_api_id!r} has no stage {stage!r}; {have}", "not_found") from None


def _openapi(
    ctx: AwsContext,
    rest_api: dict,
    stage: dict,
    authorizers: list[dict],
    validators: list[dict],
    gateway_responses: list[dict],
    via: str,
    notes: list[str],
) -> tuple[dict, str, str | None]:
    """The OpenAPI document, how it was obtained, and why get_export was not used (auto mode)."""
    reason: str | None = None
    if via in ("auto", "export"):
        try:
            document = _get_export(ctx, rest_api["id"], stage["stageName"])
        except AwsCallError as e:
            if via == "export" or e.kind in _FATAL_KINDS:
                raise
            reason = f"get_export failed: {e}"
        else:
            reason = _stub_reason(document)
            if via == "export":
                if reason:
                    # Asked for by name, so kept; but check and convert would see routes without backends.
                    notes.append(f"{reason}: its routes have no backend; export again with --via resources")
                return document, "get_export", None
            if reason is None:
                return document, "get_export", None
    document = build_from_resources(ctx, rest_api, stage, authorizers, validators, gateway_responses, notes)
    notes.append(
        f"The OpenAPI document was assembled from the API's resources (get_resources), which hold its current "
        f"configuration: changes not yet deployed to stage {stage['stageName']!r} are included."
    )
    return document, "resources", reason


def _get_export(ctx: AwsContext, rest_api_id: str, stage: str) -> dict:
    client = ctx.client("apigateway", purpose="export")
    reply = call(
        client,
        "get_export",
        what=f"export of REST API {rest_api_id!r} stage {stage!r}",
        restApiId=rest_api_id,
        stageName=stage,
        exportType="oas30",
        parameters={"extensions": EXPORT_EXTENSIONS},
        accepts="application/json",
    )
    body = reply.get("body")
    raw = body.read() if hasattr(body, "read") else body
    try:
        document = json.loads(raw.decode("utf-8") if isinstance(raw, (bytes, bytearray)) else raw or "")
    except (ValueError, UnicodeDecodeError) as e:
        raise AwsCallError(f"get_export returned a body that is not JSON ({e})", "other") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise AwsCallError("get_export returned a document without 'paths'", "other")
    return document


def _stub_reason(document: dict) -> str | None:
    ops = list(_operations(document))
    if ops and not any(isinstance(op.get(INTEGRATION), dict) for _, _, op in ops):
        return (
            f"get_export returned {len(ops)} operation(s) but no x-amazon-apigateway-integration at all "
            "(a stubbed or partial export)"
        )
    return None


def _operations(document: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            if isinstance(op, dict) and (method.lower() in HTTP_METHODS or method == ANY_METHOD):
                yield path, method, op


def count_routes(bundle: dict) -> int:
    return sum(1 for _ in _operations(bundle.get("openapi") or {}))


def _account_id(ctx: AwsContext, notes: list[str]) -> str | None:
    try:
        return call(ctx.client("sts"), "get_caller_identity").get("Account")
    except AwsCallError as e:
        if e.kind in _FATAL_KINDS:
            raise
        notes.append(f"Could not read the account id (sts get_caller_identity): {e}")
        return None


def parse_policy(raw: Any) -> Any:
    """The resource policy as JSON. get_rest_api returns it as a string with its quotes backslash-escaped."""
    if not isinstance(raw, str):
        return raw
    for candidate in (raw, raw.replace('\\"', '"')):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return raw


def _rest_api_section(rest_api: dict) -> dict:
    section = {k: v for k, v in rest_api.items() if k != "warnings"}
    if "policy" in section:
        section["policy"] = parse_policy(section["policy"])
    return section


def _usage_plans(cache: AccountCache, rest_api_id: str, stage: str, notes: list[str]) -> list[dict]:
    plans = []
    for plan in cache.usage_plans():
        stages = [s for s in plan.get("apiStages") or [] if s.get("apiId") == rest_api_id]
        if not any(s.get("stage") == stage for s in stages):
            continue
        entry = {**plan, "apiStages": stages}
        keys = []
        for key in paginate(
            cache.ctx.client("apigateway"), "get_usage_plan_keys", "items", what=f"keys of usage plan {plan['id']}", usagePlanId=plan["id"]
        ):
            # Whitelisted fields only: get_usage_plan_keys returns the key's value, which must never be written.
            item = {k: key[k] for k in ("id", "name", "type") if k in key}
            detail = cache.api_key(key["id"])
            if isinstance(detail, dict):
                if "enabled" in detail:
                    item["enabled"] = bool(detail["enabled"])
            else:
                notes.append(f"Could not read whether API key {key['id']} is enabled: {detail}")
            keys.append(item)
        entry["apiKeys"] = keys
        plans.append(entry)
    return plans


_STAGE_VARIABLE = re.compile(r"^\$\{stageVariables\.([A-Za-z0-9_]+)\}$")


def _vpc_links(ctx: AwsContext, openapi: dict, stage: dict, notes: list[str]) -> list[dict]:
    ids: dict[str, str] = {}
    variables = stage.get("variables") or {}
    for path, method, op in _operations(openapi):
        integ = op.get(INTEGRATION)
        if not isinstance(integ, dict) or str(integ.get("connectionType", "")).upper() != "VPC_LINK":
            continue
        link = str(integ.get("connectionId") or "")
        m = _STAGE_VARIABLE.match(link)
        if m:
            if m.group(1) not in variables:
                notes.append(f"{method.upper()} {path}: connectionId {link} names a stage variable that stage {stage['stageName']!r} does not set")
                continue
            link = variables[m.group(1)]
        if link:
            ids.setdefault(link, f"{method.upper()} {path}")
    links = []
    apigw = ctx.client("apigateway")
    for link_id, used_by in sorted(ids.items()):
        try:
            links.append(call(apigw, "get_vpc_link", what=f"VPC link {link_id!r}", vpcLinkId=link_id))
        except AwsCallError as e:
            if e.kind in _FATAL_KINDS:
                raise
            # REST integrations may now use a VPC link V2 (integrationTarget); those live in apigatewayv2.
            try:
                v2 = call(ctx.client("apigatewayv2"), "get_vpc_link", what=f"VPC link {link_id!r}", VpcLinkId=link_id)
            except AwsCallError as e2:
                if e2.kind in _FATAL_KINDS:
                    raise
                notes.append(f"Could not read VPC link {link_id} used by {used_by}: {e}")
                continue
            links.append({"id": link_id, "name": v2.get("Name", ""), "status": v2.get("VpcLinkStatus", ""), "version": "V2", "v2": v2})
    return links


def _domain_names(cache: AccountCache, rest_api_id: str, notes: list[str]) -> list[dict]:
    domains, domain_notes = cache.domains()
    notes.extend(domain_notes)
    result = []
    for domain in domains:
        mine = [m for m in domain["mappings"] if m["restApiId"] == rest_api_id]
        if mine:
            result.append({**domain, "mappings": mine})
    return result


_POOL_ARN = re.compile(r"^arn:[\w-]+:cognito-idp:([\w-]+):\d{12}:userpool/(\S+)$")


def _cognito_pools(ctx: AwsContext, authorizers: list[dict], notes: list[str]) -> list[dict]:
    arns: list[str] = []
    for a in authorizers:
        if a.get("type") == "COGNITO_USER_POOLS":
            arns.extend(x for x in a.get("providerARNs") or [] if x not in arns)
    pools = []
    for arn in arns:
        entry: dict[str, Any] = {"userPoolArn": arn}
        m = _POOL_ARN.match(arn)
        if not m:
            notes.append(f"Cognito authorizer provider {arn!r} is not a user pool ARN; its app client ids (the JWT audience) must be found by hand")
            pools.append(entry)
            continue
        region, pool_id = m.groups()
        entry.update(userPoolId=pool_id, region=region)
        try:
            clients = paginate(
                ctx.client("cognito-idp", region=region),
                "list_user_pool_clients",
                "UserPoolClients",
                what=f"app clients of user pool {pool_id}",
                UserPoolId=pool_id,
                MaxResults=60,
            )
        except AwsCallError as e:
            notes.append(
                f"Could not list the app clients of Cognito user pool {pool_id} ({e}); the JWT authorizer's "
                "audience (the app client ids) must be filled in by hand"
            )
        else:
            entry["appClientIds"] = [c["ClientId"] for c in clients]
            entry["appClients"] = [{k: c[k] for k in ("ClientId", "ClientName") if k in c} for c in clients]
        pools.append(entry)
    return pools


# ---------------------------------------------------------------------------------------------
# The resources path: assemble what get_export would have written


def build_from_resources(
    ctx: AwsContext,
    rest_api: dict,
    stage: dict,
    authorizers: list[dict],
    validators: list[dict],
    gateway_responses: list[dict],
    notes: list[str],
) -> dict:
    apigw = ctx.client("apigateway")
    api_id = rest_api["id"]
    what = f"REST API {api_id!r}"
    resources = paginate(apigw, "get_resources", "items", what=f"resources of {what}", restApiId=api_id, embed=["methods"])
    for resource in resources:
        for verb, method in list((resource.get("resourceMethods") or {}).items()):
            # The embedded method normally carries its integration; ask for the whole method when it does not.
            if not isinstance(method, dict) or "methodIntegration" not in method:
                resource["resourceMethods"][verb] = call(
                    apigw, "get_method", what=f"method {verb} {resource.get('path')} of {what}",
                    restApiId=api_id, resourceId=resource["id"], httpMethod=verb,
                )
    models = paginate(apigw, "get_models", "items", what=f"models of {what}", restApiId=api_id)
    return assemble_openapi(rest_api, stage, resources, authorizers, validators, models, gateway_responses, ctx.region, notes)


def assemble_openapi(
    rest_api: dict,
    stage: dict,
    resources: list[dict],
    authorizers: list[dict],
    validators: list[dict],
    models: list[dict],
    gateway_responses: list[dict],
    region: str,
    notes: list[str],
) -> dict:
    """An OpenAPI 3.0 document with the x-amazon-apigateway extensions, spelled as get_export spells them."""
    by_authorizer = {a["id"]: a for a in authorizers}
    by_validator = {v["id"]: v.get("name", v["id"]) for v in validators}
    schemes: dict[str, dict] = {a["name"]: _authorizer_scheme(a) for a in authorizers}
    paths: dict[str, dict] = {}
    for resource in sorted(resources, key=lambda r: r.get("path", "")):
        methods = resource.get("resourceMethods") or {}
        if not methods:
            continue
        item = paths.setdefault(resource["path"], {})
        for verb in sorted(methods):
            method = methods[verb]
            key = ANY_METHOD if verb.upper() == "ANY" else verb.lower()
            item[key] = _operation(resource["path"], method, by_authorizer, by_validator, schemes, notes)

    document: dict[str, Any] = {"openapi": "3.0.1", "info": {"title": rest_api.get("name") or rest_api["id"]}}
    if rest_api.get("description"):
        document["info"]["description"] = rest_api["description"]
    document["info"]["version"] = str(rest_api.get("version") or stage.get("lastUpdatedDate") or stage.get("createdDate") or "1.0")
    server: dict[str, Any] = {
        "url": f"https://{rest_api['id']}.execute-api.{region}.amazonaws.com/{{basePath}}",
        "variables": {"basePath": {"default": stage["stageName"]}},
    }
    endpoint = rest_api.get("endpointConfiguration") or {}
    endpoint_ext = {}
    if rest_api.get("disableExecuteApiEndpoint"):
        endpoint_ext["disableExecuteApiEndpoint"] = True
    if endpoint.get("vpcEndpointIds"):
        endpoint_ext["vpcEndpointIds"] = list(endpoint["vpcEndpointIds"])
    if endpoint_ext:
        server["x-amazon-apigateway-endpoint-configuration"] = endpoint_ext
    document["servers"] = [server]
    document["paths"] = paths

    components: dict[str, Any] = {}
    schemas = _schemas(models, rest_api["id"], notes)
    if schemas:
        components["schemas"] = schemas
    if schemes:
        components["securitySchemes"] = schemes
    if components:
        document["components"] = components

    if rest_api.get("policy"):
        document["x-amazon-apigateway-policy"] = parse_policy(rest_api["policy"])
    if rest_api.get("apiKeySource"):
        document["x-amazon-apigateway-api-key-source"] = rest_api["apiKeySource"]
    if rest_api.get("binaryMediaTypes"):
        document["x-amazon-apigateway-binary-media-types"] = list(rest_api["binaryMediaTypes"])
    if rest_api.get("minimumCompressionSize") is not None:
        document["x-amazon-apigateway-minimum-compression-size"] = rest_api["minimumCompressionSize"]
    if gateway_responses:
        document["x-amazon-apigateway-gateway-responses"] = {
            g["responseType"]: _compact({k: g.get(k) for k in ("statusCode", "responseParameters", "responseTemplates")})
            for g in gateway_responses
        }
    if validators:
        document["x-amazon-apigateway-request-validators"] = {
            v.get("name", v["id"]): {
                "validateRequestBody": bool(v.get("validateRequestBody")),
                "validateRequestParameters": bool(v.get("validateRequestParameters")),
            }
            for v in validators
        }
    return document


_PARAM_IN = {"path": "path", "querystring": "query", "multivaluequerystring": "query", "header": "header", "multivalueheader": "header"}
_PATH_TEMPLATE = re.compile(r"\{([^}/]+?)\+?\}")


def _operation(
    path: str,
    method: dict,
    by_authorizer: dict[str, dict],
    by_validator: dict[str, str],
    schemes: dict[str, dict],
    notes: list[str],
) -> dict:
    op: dict[str, Any] = {}
    if method.get("operationName"):
        op["operationId"] = method["operationName"]
    parameters: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for name, required in sorted((method.get("requestParameters") or {}).items()):
        parts = name.split(".", 3)
        if len(parts) != 4 or parts[:2] != ["method", "request"] or parts[2] not in _PARAM_IN:
            continue
        where, pname = _PARAM_IN[parts[2]], parts[3]
        if (pname, where) in seen:
            continue
        seen.add((pname, where))
        param: dict[str, Any] = {"name": pname, "in": where}
        if where == "path" or required:
            param["required"] = True
        param["schema"] = {"type": "string"}
        parameters.append(param)
    for pname in _PATH_TEMPLATE.findall(path):
        if (pname, "path") not in seen:
            seen.add((pname, "path"))
            parameters.append({"name": pname, "in": "path", "required": True, "schema": {"type": "string"}})
    if parameters:
        op["parameters"] = parameters
    if method.get("requestModels"):
        op["requestBody"] = {
            "content": {ct: {"schema": {"$ref": f"#/components/schemas/{model}"}} for ct, model in sorted(method["requestModels"].items())},
            "required": True,
        }
    op["responses"] = _responses(method.get("methodResponses") or {})

    requirement: dict[str, list] = {}
    auth_type = str(method.get("authorizationType") or "NONE").upper()
    if auth_type == "AWS_IAM":
        requirement["sigv4"] = []
        schemes.setdefault("sigv4", {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"})
    elif auth_type in ("CUSTOM", "COGNITO_USER_POOLS", "JWT"):
        authorizer = by_authorizer.get(str(method.get("authorizerId")))
        if authorizer is None:
            notes.append(f"{method.get('httpMethod', '?')} {path}: authorizer {method.get('authorizerId')!r} does not exist; the method's security is left out")
        else:
            requirement[authorizer["name"]] = list(method.get("authorizationScopes") or [])
    if method.get("apiKeyRequired"):
        requirement["api_key"] = []
        schemes.setdefault("api_key", {"type": "apiKey", "name": "x-api-key", "in": "header"})
    if requirement:
        # One requirement object: REST checks the API key AND the authorizer (how get_export spells the pair is [U]).
        op["security"] = [requirement]
    if method.get("requestValidatorId") in by_validator:
        op["x-amazon-apigateway-request-validator"] = by_validator[method["requestValidatorId"]]
    integration = method.get("methodIntegration")
    if isinstance(integration, dict):
        op[INTEGRATION] = _integration(integration)
    return op


def _responses(method_responses: dict) -> dict:
    responses: dict[str, Any] = {}
    for code in sorted(method_responses):
        r = method_responses[code] or {}
        entry: dict[str, Any] = {"description": f"{code} response"}
        headers = {}
        for name in sorted(r.get("responseParameters") or {}):
            if name.startswith("method.response.header."):
                headers[name[len("method.response.header."):]] = {"schema": {"type": "string"}}
        if headers:
            entry["headers"] = headers
        if r.get("responseModels"):
            entry["content"] = {ct: {"schema": {"$ref": f"#/components/schemas/{m}"}} for ct, m in sorted(r["responseModels"].items())}
        responses[str(code)] = entry
    # OpenAPI 3.0 requires at least one response; a method without method responses gets a neutral default.
    return responses or {"default": {"description": "Default response"}}


_INTEGRATION_FIELDS = (
    "httpMethod", "uri", "connectionType", "connectionId", "integrationTarget", "credentials", "requestParameters",
    "requestTemplates", "passthroughBehavior", "contentHandling", "timeoutInMillis", "cacheNamespace",
    "cacheKeyParameters", "tlsConfig", "responseTransferMode",
)


def _integration(integration: dict) -> dict:
    out: dict[str, Any] = {"type": str(integration.get("type", "")).lower()}
    for name in _INTEGRATION_FIELDS:
        value = integration.get(name)
        if value in (None, "", [], {}):
            continue
        out[name] = value.lower() if name == "passthroughBehavior" and isinstance(value, str) else value
    responses: dict[str, dict] = {}
    for status in sorted(integration.get("integrationResponses") or {}):
        r = integration["integrationResponses"][status] or {}
        key = r.get("selectionPattern") or "default"
        responses.setdefault(
            key,
            _compact({"statusCode": str(r.get("statusCode", status)), **{k: r.get(k) for k in ("responseParameters", "responseTemplates", "contentHandling")}}),
        )
    if responses:
        out["responses"] = responses
    return out


def _authorizer_scheme(authorizer: dict) -> dict:
    kind = str(authorizer.get("type", "")).lower()
    ext: dict[str, Any] = {"type": kind}
    for name in (
        "authorizerUri", "authorizerCredentials", "identitySource", "identityValidationExpression",
        "authorizerResultTtlInSeconds", "providerARNs", "jwtConfiguration",
    ):
        if authorizer.get(name) not in (None, "", []):
            ext[name] = authorizer[name]
    header = "Unused"
    identity = str(authorizer.get("identitySource") or "")
    if kind != "request":
        m = re.match(r"method\.request\.header\.([^,\s]+)", identity)
        header = m.group(1) if m else "Authorization"
    return {
        "type": "apiKey",
        "name": header,
        "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools" if kind == "cognito_user_pools" else "custom",
        "x-amazon-apigateway-authorizer": ext,
    }


def _schemas(models: list[dict], rest_api_id: str, notes: list[str]) -> dict:
    # Models refer to each other by URL: https://apigateway.amazonaws.com/restapis/{id}/models/{name}
    model_url = re.compile(r"https://apigateway\.amazonaws\.com/restapis/[^/]+/models/([^\"#/]+)")
    schemas: dict[str, Any] = {}
    for model in sorted(models, key=lambda m: m.get("name", "")):
        text = model.get("schema")
        if not text:
            continue
        try:
            schema = json.loads(model_url.sub(lambda m: f"#/components/schemas/{m.group(1)}", text))
        except ValueError:
            notes.append(
                f"Model {model.get('name')!r} ({model.get('contentType', '?')}) is not a JSON schema and was left out of components.schemas"
            )
            continue
        if isinstance(schema, dict):
            schema.pop("$schema", None)
        schemas[model["name"]] = schema
    return schemas


def _compact(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in (None, "", {}, [])}


# ---------------------------------------------------------------------------------------------
# Every API and stage of the account


@dataclass
class Target:
    api_id: str
    api_name: str
    stage: str


@dataclass
class ExportOutcome:
    target: Target
    path: str | None = None
    routes: int = 0
    error: str | None = None


def list_targets(ctx: AwsContext) -> list[Target]:
    """Every REST API of the region and each of its stages, sorted by API name then stage."""
    apigw = ctx.client("apigateway")
    targets = []
    for api in paginate(apigw, "get_rest_apis", "items", what="REST APIs"):
        for stage in _stage_names(apigw, api["id"]):
            targets.append(Target(api["id"], api.get("name", ""), stage))
    return sorted(targets, key=lambda t: (t.api_name, t.api_id, t.stage))


def export_many(
    ctx: AwsContext,
    targets: list[Target],
    via: str,
    jobs: int,
    save: Callable[[Target, dict], str],
    on_done: Callable[[ExportOutcome], None],
) -> list[ExportOutcome]:
    """Export and `save` every target on a bounded pool, in target order.

    A failure is recorded in its outcome, never raised, so one broken API does not stop the others.
    """
    cache = AccountCache(ctx)

    def one(target: Target) -> ExportOutcome:
        try:
            bundle = export_bundle(ctx, target.api_id, target.stage, via=via, cache=cache)
            return ExportOutcome(target, path=save(target, bundle), routes=count_routes(bundle))
        except UserError as e:
            return ExportOutcome(target, error=str(e))

    results: dict[int, ExportOutcome] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {pool.submit(one, t): i for i, t in enumerate(targets)}
        for future in as_completed(futures):
            outcome = future.result()
            results[futures[future]] = outcome
            on_done(outcome)
    except BaseException:
        # Ctrl-C: drop the exports not started yet instead of waiting for all of them.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return [results[i] for i in range(len(targets))]
