"""Endpoint type and API-level REST settings (fact sheet §1, §2.2)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.checks.context import Context, context, describe, is_opaque, items, mapping
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.load import Source

ENDPOINT_EXT = "x-amazon-apigateway-endpoint-configuration"


def endpoint_types(ctx: Context) -> list[tuple[str, str, str]]:
    """(type, pointer, how it is known) for each endpoint type the input sets.

    A template REST API without EndpointConfiguration is EDGE: that is what CloudFormation and
    SAM create by default.
    """
    found: list[tuple[str, str, str]] = []
    types, ptr = ctx.bundle_value("restApi", "endpointConfiguration", "types")
    for i, t in enumerate(items(types)):
        found.append((str(t).upper(), jp.join(ptr, i), "restApi.endpointConfiguration"))
    if ctx.src.template_pointer is not None and ctx.src.kind in ("sam", "cloudformation"):
        conf, conf_ptr = ctx.prop("EndpointConfiguration")
        if conf is None:
            found.append(("EDGE", ctx.props_pointer, "the template's default (no EndpointConfiguration)"))
        elif isinstance(conf, str):
            found.append((conf.upper(), conf_ptr, "EndpointConfiguration"))
        elif isinstance(conf, dict) and "Type" in conf:
            if isinstance(conf["Type"], str):
                found.append((conf["Type"].upper(), jp.join(conf_ptr, "Type"), "EndpointConfiguration.Type"))
        elif isinstance(conf, dict):
            for i, t in enumerate(items(conf.get("Types"))):
                if isinstance(t, str):
                    found.append((t.upper(), jp.join(conf_ptr, "Types", i), "EndpointConfiguration.Types"))
    return found


def _vpc_endpoint_ids(ctx: Context) -> Iterator[tuple[Any, str]]:
    src = ctx.src
    if src.spec == "swagger2":
        conf, ptr = ctx.api_ext(ENDPOINT_EXT)
        if isinstance(conf, dict) and "vpcEndpointIds" in conf:
            yield conf["vpcEndpointIds"], jp.join(ptr, "vpcEndpointIds")
    for i, server in enumerate(items(src.api.get("servers"))):
        conf = mapping(server).get(ENDPOINT_EXT)
        if isinstance(conf, dict) and "vpcEndpointIds" in conf:
            yield conf["vpcEndpointIds"], src.api_pointer(jp.join("/servers", i, ENDPOINT_EXT, "vpcEndpointIds"))
    ids, ptr = ctx.bundle_value("restApi", "endpointConfiguration", "vpcEndpointIds")
    if ids:
        yield ids, ptr
    conf, conf_ptr = ctx.prop("EndpointConfiguration")
    for key in ("VpcEndpointIds", "VPCEndpointIds"):
        if isinstance(conf, dict) and key in conf:
            yield conf[key], jp.join(conf_ptr, key)


@rule(
    id="AGW101",
    name="edge-optimized-endpoint",
    severity=Severity.WARNING,
    fact="§1,§10",
    fixed_by=None,
    summary="Checks for REST APIs with the EDGE (edge-optimized) endpoint type.",
    why="HTTP APIs are Regional only: there is no API Gateway-managed CloudFront distribution in front, so clients far from the Region see more latency, and an edge custom domain cannot map to an HTTP API.",
    instead="Use a Regional HTTP API; put your own CloudFront distribution in front when clients are global (origin request policy AllViewerExceptHostHeader).",
    example="Type: AWS::ApiGateway::RestApi\nProperties:\n  EndpointConfiguration:\n    Types: [EDGE]",
    use_instead="Type: AWS::ApiGatewayV2::Api\nProperties:\n  ProtocolType: HTTP\n# Regional only; add a CloudFront distribution in front for global clients",
)
def edge_optimized_endpoint(src: "Source", r: Rule) -> Iterator[Finding]:
    for t, ptr, how in endpoint_types(context(src)):
        if t == "EDGE":
            yield r.finding(ptr, f"edge-optimized endpoint ({how}): HTTP APIs are Regional only")
            return


@rule(
    id="AGW102",
    name="private-endpoint",
    severity=Severity.BLOCKER,
    fact="§1",
    fixed_by=None,
    summary="Checks for REST APIs with the PRIVATE endpoint type.",
    why="HTTP APIs have no private endpoint type: an HTTP API is always reachable from the internet, so a private API would become public.",
    instead="Keep the API on REST, or put it behind an internal ALB / VPC-only network path and an IAM or Lambda authorizer after a security review.",
    example="Type: AWS::Serverless::Api\nProperties:\n  EndpointConfiguration:\n    Type: PRIVATE\n    VPCEndpointIds: [vpce-0123]",
    use_instead="# no HTTP API equivalent: keep the API on REST, or expose the backend\n# through an internal load balancer instead of API Gateway",
)
def private_endpoint(src: "Source", r: Rule) -> Iterator[Finding]:
    for t, ptr, how in endpoint_types(context(src)):
        if t == "PRIVATE":
            yield r.finding(ptr, f"private endpoint ({how}): an HTTP API is always public, there is no private type")
            return


@rule(
    id="AGW103",
    name="vpc-endpoint-ids",
    severity=Severity.BLOCKER,
    fact="§2.2",
    fixed_by=None,
    summary="Checks for endpoint configurations that list vpcEndpointIds.",
    why="vpcEndpointIds bind a private REST API to interface VPC endpoints; HTTP APIs cannot be reached through execute-api VPC endpoints this way.",
    instead="Keep the API on REST, or redesign the private access path (internal load balancer, IAM authorization).",
    example="x-amazon-apigateway-endpoint-configuration:\n  vpcEndpointIds: [vpce-0123456789abcdef0]",
    use_instead="# no HTTP API equivalent: HTTP APIs cannot be bound to execute-api VPC endpoints",
)
def vpc_endpoint_ids(src: "Source", r: Rule) -> Iterator[Finding]:
    for ids, ptr in _vpc_endpoint_ids(context(src)):
        if ids:
            shown = ", ".join(describe(i) for i in ids) if isinstance(ids, list) else describe(ids)
            yield r.finding(ptr, f"the API is bound to VPC endpoints ({shown}); HTTP APIs cannot be bound to execute-api VPC endpoints")
            return


def policy_summary(policy: Any) -> str:
    """A few words on what a resource policy restricts, for the message."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return "a policy document"
    if is_opaque(policy):
        return describe(policy)
    if isinstance(policy, dict) and "Statement" not in policy:
        # SAM Auth.ResourcePolicy: IpRangeWhitelist, SourceVpcBlacklist, CustomStatements, …
        keys = [k for k in policy if policy.get(k)]
        return "SAM ResourcePolicy " + ", ".join(keys) if keys else "an empty ResourcePolicy"
    statements = mapping(policy).get("Statement")
    statements = statements if isinstance(statements, list) else [statements] if statements else []
    conditions: set[str] = set()
    effects: list[str] = []
    for s in statements:
        s = mapping(s)
        effects.append(str(s.get("Effect", "?")))
        for ops in mapping(s.get("Condition")).values():
            conditions.update(str(k) for k in mapping(ops))
    text = f"{len(statements)} statement{'s' if len(statements) != 1 else ''} ({', '.join(sorted(set(effects)))})"
    if conditions:
        text += ", conditions on " + ", ".join(sorted(conditions))
    return text


@rule(
    id="AGW104",
    name="resource-policy",
    severity=Severity.BLOCKER,
    fact="§1,§2.2",
    fixed_by="cleanup",
    summary="Checks for REST resource policies (x-amazon-apigateway-policy, restApi.policy, SAM Auth.ResourcePolicy, CloudFormation Policy).",
    why="HTTP APIs have no resource policies: IP allow/deny lists, VPC endpoint conditions and cross-account rules would stop being enforced.",
    instead="Enforce the conditions elsewhere: IAM authorization on the routes, a Lambda authorizer checking $context.identity.sourceIp, a WAF on a CloudFront distribution in front; or keep the API on REST.",
    example='x-amazon-apigateway-policy:\n  Version: "2012-10-17"\n  Statement:\n    - Effect: Deny\n      Principal: "*"\n      Action: execute-api:Invoke\n      Resource: execute-api:/*\n      Condition: {NotIpAddress: {aws:SourceIp: [203.0.113.0/24]}}',
    use_instead="# no resource policy on HTTP APIs: check the caller in a Lambda authorizer\n# ($context.identity.sourceIp) or filter with WAF on CloudFront in front",
)
def resource_policy(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    candidates = [
        ctx.api_ext("x-amazon-apigateway-policy"),
        ctx.bundle_value("restApi", "policy"),
        ctx.prop("Auth", "ResourcePolicy"),
        ctx.prop("Policy"),
    ]
    for policy, ptr in candidates:
        if policy:
            yield r.finding(ptr, f"resource policy with {policy_summary(policy)}: HTTP APIs would not enforce it")
            return


@rule(
    id="AGW105",
    name="waf-web-acl",
    severity=Severity.BLOCKER,
    fact="§1,§11",
    fixed_by=None,
    summary="Checks for stages protected by an AWS WAF web ACL (stage webAclArn, or a WAFv2 WebACLAssociation in the template).",
    why="HTTP API stages cannot be associated with AWS WAF: the web ACL's rules (rate limits, IP sets, managed rule groups) would stop filtering traffic.",
    instead="Put a CloudFront distribution with the web ACL in front of the HTTP API (and block direct execute-api access), or keep the API on REST.",
    example="stage:\n  webAclArn: arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api-acl/1111",
    use_instead="# HTTP API stages take no web ACL: attach it to a CloudFront distribution\n# in front of the API and disable the execute-api endpoint",
)
def waf_web_acl(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    for key, value, ptr in ctx.stage_settings():
        if key == "webAclArn" and value:
            yield r.finding(ptr, f"the stage is protected by web ACL {describe(value)}; HTTP API stages cannot be")
    for name, _props, ptr in ctx.related.get("AWS::WAFv2::WebACLAssociation", ()):
        yield r.finding(ptr, f"{name} associates a WAF web ACL with the REST API stage; HTTP API stages cannot have one")


@rule(
    id="AGW106",
    name="backend-client-certificate",
    severity=Severity.BLOCKER,
    fact="§1,§11",
    fixed_by=None,
    summary="Checks for stages that present a client certificate to the backend (clientCertificateId).",
    why="HTTP APIs cannot present an API Gateway client certificate to HTTP backends, so a backend that authenticates API Gateway by that certificate would reject the calls or have to stop checking.",
    instead="Authenticate API Gateway to the backend another way (a private integration through a VPC link, a secret header from a parameter mapping), or keep the API on REST.",
    example="stage:\n  clientCertificateId: abc123",
    use_instead="# no client certificate on HTTP API stages: use a private integration\n# (VPC link) or a shared-secret header the backend checks",
)
def backend_client_certificate(src: "Source", r: Rule) -> Iterator[Finding]:
    for key, value, ptr in context(src).stage_settings():
        if key == "clientCertificateId" and value:
            yield r.finding(ptr, f"the stage presents client certificate {describe(value)} to backends; HTTP APIs cannot")


def _first_set(ctx: Context, ext: str, bundle_key: str, prop: str) -> tuple[Any, str] | None:
    """The first place that sets an API-level setting: the export, the bundle's restApi, the template."""
    for value, ptr in (ctx.api_ext(ext), ctx.bundle_value("restApi", bundle_key), ctx.prop(prop)):
        if value is not None and value != []:
            return value, ptr
    return None


@rule(
    id="AGW107",
    name="binary-media-types",
    severity=Severity.WARNING,
    fact="§2.2",
    fixed_by="cleanup",
    summary="Checks for binary media types (x-amazon-apigateway-binary-media-types, binaryMediaTypes, BinaryMediaTypes).",
    why="HTTP APIs have no binary media type setting: bodies are passed through and Lambda proxy integrations signal binary with isBase64Encoded, so REST's content-type based base64 conversion no longer happens.",
    instead="Make the backend return base64 bodies with isBase64Encoded: true (Lambda) or pass binary through unchanged (HTTP proxy), and test every binary route.",
    example="x-amazon-apigateway-binary-media-types:\n  - image/png\n  - application/octet-stream",
    use_instead='# no setting: the Lambda function returns\n# {"statusCode": 200, "isBase64Encoded": true, "body": "<base64>"}',
)
def binary_media_types(src: "Source", r: Rule) -> Iterator[Finding]:
    # That HTTP APIs have no binary media type setting rests on its absence from the apigatewayv2
    # model; no page says so (fact sheet §2.2 [U]).
    found = _first_set(context(src), "x-amazon-apigateway-binary-media-types", "binaryMediaTypes", "BinaryMediaTypes")
    if found:
        value, ptr = found
        shown = ", ".join(describe(v) for v in value) if isinstance(value, list) else describe(value)
        yield r.finding(ptr, f"binary media types {shown}: HTTP APIs have no such setting, the backend must base64-encode")


@rule(
    id="AGW108",
    name="minimum-compression-size",
    severity=Severity.WARNING,
    fact="§2.2",
    fixed_by="cleanup",
    summary="Checks for response compression settings (x-amazon-apigateway-minimum-compression-size, minimumCompressionSize, MinimumCompressionSize).",
    why="HTTP APIs do not compress responses: clients that sent Accept-Encoding get uncompressed payloads, and transfer sizes grow.",
    instead="Compress in the backend, or put CloudFront (with compression on) in front of the HTTP API.",
    example="x-amazon-apigateway-minimum-compression-size: 1024",
    use_instead="# no setting: compress in the backend (Content-Encoding: gzip) or in CloudFront",
)
def minimum_compression_size(src: "Source", r: Rule) -> Iterator[Finding]:
    found = _first_set(context(src), "x-amazon-apigateway-minimum-compression-size", "minimumCompressionSize", "MinimumCompressionSize")
    if found:
        value, ptr = found
        yield r.finding(ptr, f"responses over {describe(value)} bytes are compressed today; HTTP APIs never compress")


@rule(
    id="AGW109",
    name="documentation-parts",
    severity=Severity.INFO,
    fact="§2.2",
    fixed_by="cleanup",
    summary="Checks for REST API documentation parts (x-amazon-apigateway-documentation).",
    why="HTTP APIs have no documentation parts; the import ignores them.",
    instead="Keep the documentation in the OpenAPI descriptions or a developer portal; convert drops the extension.",
    example="x-amazon-apigateway-documentation:\n  version: v1\n  documentationParts:\n    - location: {type: API}\n      properties: {description: Books API}",
    use_instead="info:\n  description: Books API   # plain OpenAPI descriptions stay",
)
def documentation_parts(src: "Source", r: Rule) -> Iterator[Finding]:
    doc, ptr = context(src).api_ext("x-amazon-apigateway-documentation")
    if doc:
        parts = mapping(doc).get("documentationParts")
        count = f"{len(parts)} documentation part{'s' if len(parts) != 1 else ''}" if isinstance(parts, list) else "documentation parts"
        yield r.finding(ptr, f"{count}: HTTP APIs have none, they are dropped")


EXECUTE_API_HOST = re.compile(r"^(?:[a-z]+://)?[^/]*\.execute-api\.[^/]+\.amazonaws\.com(?:\.cn)?(?:/|$)", re.I)


def base_path(src: "Source") -> tuple[str, str] | None:
    """(base path, pointer) when the definition serves its routes below a path of its own.

    A REST export's server URL ends in the stage (`https://{id}.execute-api.{region}.amazonaws.com/{basePath}`):
    the new API gets a new URL anyway, so that one is not reported. Any other base path (`/v1` on a
    custom domain, a Swagger `basePath` without an execute-api host) is what clients put in their URLs.
    """
    api = src.api
    if src.spec == "swagger2":
        base, host = api.get("basePath"), api.get("host")
        if not isinstance(base, str) or base.strip("/") == "" or (isinstance(host, str) and EXECUTE_API_HOST.match(host)):
            return None
        return base, src.api_pointer("/basePath")
    servers = api.get("servers")
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
        return None
    url, variables = servers[0].get("url"), servers[0].get("variables")
    if not isinstance(url, str) or EXECUTE_API_HOST.match(url):
        return None
    if isinstance(variables, dict) and isinstance(variables.get("basePath"), dict):
        default = variables["basePath"].get("default")
        if isinstance(default, str) and default.strip("/"):
            return "/" + default.strip("/"), src.api_pointer("/servers/0/variables/basePath/default")
    rest = url.split("://", 1)[1] if "://" in url else url
    path = "/" + rest.split("/", 1)[1] if "/" in rest else ""
    if path.strip("/") and "{" not in path:
        return path.rstrip("/"), src.api_pointer("/servers/0/url")
    return None


@rule(
    id="AGW110",
    name="server-base-path",
    severity=Severity.WARNING,
    fact="§3",
    fixed_by="routes",
    summary="Checks for definitions that serve their routes below a base path of their own (servers URL path or Swagger basePath), such as /v1.",
    why="An HTTP API imported from the definition gets its routes without the base path, and its $default stage serves them at the root of its URL: clients that call /v1/orders would get 404 unless the base path comes back through the stage or a custom domain.",
    instead="Keep the base path in client URLs with an API mapping on your custom domain (base path v1 to the HTTP API's stage), or name the HTTP stage after it (convert --stage-name v1); otherwise tell clients the new URLs.",
    example="swagger: '2.0'\nhost: orders.example.com\nbasePath: /v1\npaths:\n  /orders:\n    get: {...}",
    use_instead="# routes without the base path; the custom domain maps it back\npaths:\n  /orders:\n    get: {...}\n# AWS::ApiGatewayV2::ApiMapping: {DomainName: orders.example.com, ApiMappingKey: v1, ApiId: ..., Stage: $default}",
)
def server_base_path(src: "Source", r: Rule) -> Iterator[Finding]:
    found = base_path(src)
    if found is not None:
        path, ptr = found
        yield r.finding(
            ptr,
            f"routes are served below the base path {path}; the HTTP API's routes are written without it, so clients calling "
            f"{path}/… need an API mapping or a stage named {path.strip('/')}",
        )


RULES = (
    edge_optimized_endpoint,
    private_endpoint,
    vpc_endpoint_ids,
    resource_policy,
    waf_web_acl,
    backend_client_certificate,
    binary_media_types,
    minimum_compression_size,
    documentation_parts,
    server_base_path,
)
