"""Integrations (fact sheet §2.3, §5, §9, §13)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from apigw_migrate.checks import services
from apigw_migrate.checks.context import Op, as_int, as_text, context, describe, lower, mapping, route_list, truthy
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.checks.services import ServiceCall, is_cors_preflight, is_lambda_uri, service_call
from apigw_migrate.errors import UsageError
from apigw_migrate.findings import Finding, Severity
from apigw_migrate.openapi import content_handling_matters, declared_binary_media_types

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.transforms.private import VpcLink

PAYLOAD_1_0 = (
    "payload format 1.0, the REST proxy event plus `version: \"1.0\"`: the response shape is unchanged, but "
    "`requestContext.resourceId` is null, `requestContext.stage` is the HTTP stage (`$default` unless you name one), "
    "header names may arrive lower-cased, a Lambda authorizer's context sits at `requestContext.authorizer.<key>` and "
    "JWT claims at `requestContext.authorizer.claims`"
)
PAYLOAD_2_0 = (
    "payload format 2.0, a different event: no `multiValueHeaders` or `multiValueQueryStringParameters` (repeated "
    "values arrive comma-joined), cookies in `cookies[]`, `rawPath`/`rawQueryString`/`routeKey` and "
    "`requestContext.http.{method,path,sourceIp,userAgent}` instead of `httpMethod`/`path`/`requestContext.identity`, "
    "authorizer data under `requestContext.authorizer.lambda|jwt|iam`, `rawPath` without the custom-domain mapping "
    "prefix; a response without `statusCode` is taken as a 200 JSON body: update the functions before switching traffic"
)


def uri_text(op: Op) -> str:
    return services.uri_text(op.integration)


def _uri_pointer(op: Op) -> str:
    return op.iat("uri") if op.integration and "uri" in op.integration else op.integration_pointer


def aws_service_calls(src: "Source") -> list[tuple[Op, ServiceCall]]:
    """Every `aws` integration to a service other than Lambda, judged once (AGW301 and AGW302 both read it)."""
    ctx = context(src)
    found = ctx.memo.get("service_calls")
    if found is None:
        found = ctx.memo["service_calls"] = [
            (o, service_call(o.integration or {}, o.path, o.op.get("parameters") or []))
            for o in ctx.ops
            if o.itype == "aws" and not is_lambda_uri(uri_text(o))
        ]
    return found


@rule(
    id="AGW301",
    name="aws-integration-with-subtype",
    severity=Severity.WARNING,
    fact="§9",
    fixed_by="integrations",
    stays_blocked=True,
    summary="Checks for AWS service integrations that an HTTP API integrationSubtype can replace (SQS, EventBridge, Kinesis PutRecord, Step Functions, AppConfig).",
    why="HTTP APIs call these services through first-class integrations (integrationSubtype, AWS_PROXY, payload 1.0) with parameter mappings instead of VTL templates: the request template must be rewritten as service parameters and the client receives the service's response as it is.",
    instead="Use an AWS_PROXY integration with the named integrationSubtype, credentialsArn and requestParameters for the service parameters (convert writes a draft).",
    example="x-amazon-apigateway-integration:\n  type: aws\n  httpMethod: POST\n  uri: arn:aws:apigateway:us-east-1:sqs:action/SendMessage\n  credentials: arn:aws:iam::123456789012:role/apigw-sqs\n  requestTemplates:\n    application/json: Action=SendMessage&QueueUrl=...&MessageBody=$input.body",
    use_instead="x-amazon-apigateway-integration:\n  type: aws_proxy\n  integrationSubtype: SQS-SendMessage\n  payloadFormatVersion: '1.0'\n  credentials: arn:aws:iam::123456789012:role/apigw-sqs\n  requestParameters:\n    QueueUrl: https://sqs.us-east-1.amazonaws.com/123456789012/orders\n    MessageBody: $request.body",
)
def aws_integration_with_subtype(src: "Source", r: Rule) -> Iterator[Finding]:
    for o, call in aws_service_calls(src):
        if call.problem is not None:
            continue
        if call.needs_credentials:
            yield r.finding(
                _uri_pointer(o),
                f"{o.route}: AWS integration to {call.what} could become {call.subtype}, which needs an IAM role for API "
                "Gateway to assume (credentials), and the REST integration has none",
                routes=[o.route],
                severity=Severity.BLOCKER,
            )
            continue
        integ = o.integration or {}
        lost = ""
        if any(mapping(resp).get("responseTemplates") or mapping(resp).get("responseParameters") for resp in mapping(integ.get("responses")).values()):
            lost = "; its REST response mapping (templates, headers) is gone"
        if "base64Encode" in str(integ.get("requestTemplates")):
            lost += "; the REST template base64-encoded the body itself: check the data arrives encoded the same way"
        yield r.finding(
            _uri_pointer(o),
            f"{o.route}: AWS integration to {call.what} becomes integrationSubtype {call.subtype} with request parameters "
            f"{', '.join(call.parameters)}: clients get the service's own response (its JSON shape and status codes pass "
            f"through, no response mapping){lost}",
            routes=[o.route],
        )


@rule(
    id="AGW302",
    name="aws-integration-without-subtype",
    severity=Severity.BLOCKER,
    fact="§9",
    fixed_by=None,
    stays_blocked=True,
    summary="Checks for AWS service integrations (DynamoDB, S3, SNS, Kinesis PutRecords, …) that no HTTP API integrationSubtype covers.",
    why="HTTP APIs have no generic AWS integration and no VTL: these routes have no HTTP equivalent.",
    instead="Put a small Lambda function between the route and the service, or keep the API on REST.",
    example="x-amazon-apigateway-integration:\n  type: aws\n  httpMethod: POST\n  uri: arn:aws:apigateway:us-east-1:dynamodb:action/PutItem\n  requestTemplates:\n    application/json: '{\"TableName\": \"books\", \"Item\": {...}}'",
    use_instead="x-amazon-apigateway-integration:\n  type: aws_proxy\n  payloadFormatVersion: '1.0'\n  uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:put-book/invocations",
)
def aws_integration_without_subtype(src: "Source", r: Rule) -> Iterator[Finding]:
    for o, call in aws_service_calls(src):
        if call.problem is None:
            continue
        uri = (o.integration or {}).get("uri")
        what = call.what if call.service is not None else f"{call.what} ({describe(uri)})"
        yield r.finding(
            _uri_pointer(o),
            f"{o.route}: AWS integration to {what}: {call.problem}; put a Lambda function in between, or keep the route on REST",
            routes=[o.route],
        )


@rule(
    id="AGW303",
    name="lambda-non-proxy-integration",
    severity=Severity.BLOCKER,
    fact="§2.3",
    fixed_by=None,
    stays_blocked=True,
    summary="Checks for Lambda integrations of type aws (non-proxy, with VTL request/response mapping).",
    why="HTTP APIs only have Lambda proxy integrations: the VTL request and response templates would not run, so the function would receive a different event and its output would not be mapped.",
    instead="Change the function to the proxy event and response (payload 1.0 or 2.0) and move the template logic into it, or keep the route on REST.",
    example="x-amazon-apigateway-integration:\n  type: aws\n  httpMethod: POST\n  uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:books/invocations\n  requestTemplates:\n    application/json: '{\"id\": \"$input.params(''id'')\"}'",
    use_instead="x-amazon-apigateway-integration:\n  type: aws_proxy\n  httpMethod: POST\n  payloadFormatVersion: '1.0'\n  uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:books/invocations",
)
def lambda_non_proxy_integration(src: "Source", r: Rule) -> Iterator[Finding]:
    for o in context(src).ops:
        if o.itype == "aws" and is_lambda_uri(uri_text(o)):
            templated = bool(mapping(o.integration.get("requestTemplates"))) if o.integration else False
            detail = "with VTL request templates" if templated else "(custom integration)"
            yield r.finding(
                o.integration_pointer,
                f"{o.route}: non-proxy Lambda integration {detail}; HTTP APIs only invoke Lambda as a proxy",
                routes=[o.route],
            )


def _has_templates(templates: object) -> bool:
    return any((as_text(t) or "").strip() not in ("", "{}") for t in mapping(templates).values())


# What an `http` (non-proxy) integration turned into HTTP_PROXY changes on the wire, said by check and convert alike.
HTTP_PROXY_FORWARDS_ALL = (
    "as HTTP_PROXY it forwards every client header and query string parameter to the backend, where REST forwarded "
    "only those mapped in requestParameters (remove what the backend must not see with remove:header.* / "
    "remove:querystring.* mappings)"
)


@rule(
    id="AGW304",
    name="http-non-proxy-integration",
    severity=Severity.BLOCKER,
    fact="§2.3",
    fixed_by="integrations",
    stays_blocked=True,
    summary="Checks for HTTP integrations of type http (non-proxy): a blocker with request/response templates, a warning when they only map parameters.",
    why="HTTP APIs only have HTTP proxy integrations: VTL request/response templates and response selection do not exist. Parameter mappings alone can be translated, but a proxy integration forwards every client header and query string parameter to the backend, where a non-proxy one sent only what was mapped.",
    instead="Use HTTP_PROXY with parameter mappings (convert does this when there is no template), or move template logic into the backend.",
    example="x-amazon-apigateway-integration:\n  type: http\n  httpMethod: GET\n  uri: https://backend.example.com/books\n  requestParameters:\n    integration.request.header.x-source: \"'gateway'\"\n  responses:\n    default: {statusCode: '200'}",
    use_instead="x-amazon-apigateway-integration:\n  type: http_proxy\n  httpMethod: GET\n  uri: https://backend.example.com/books\n  payloadFormatVersion: '1.0'\n  requestParameters:\n    overwrite:header.x-source: gateway",
)
def http_non_proxy_integration(src: "Source", r: Rule) -> Iterator[Finding]:
    for o in context(src).ops:
        if o.itype != "http" or o.integration is None:
            continue
        where = services.http_templates(o.integration)
        if where is not None:
            body = "request" if where == "requestTemplates" else "response"
            yield r.finding(
                o.iat(where),
                f"{o.route}: non-proxy HTTP integration transforms the {body} body with a VTL template; HTTP APIs cannot",
                routes=[o.route],
            )
        else:
            codes = sorted({str(mapping(resp)["statusCode"]) for resp in mapping(o.integration.get("responses")).values() if "statusCode" in mapping(resp)})
            status = (
                f"; REST answered with the status codes of its integration responses ({', '.join(codes)}), HTTP passes the "
                "backend's own status through"
                if codes
                else ""
            )
            yield r.finding(
                o.integration_pointer,
                f"{o.route}: non-proxy HTTP integration without body templates; it becomes HTTP_PROXY with parameter "
                f"mapping{status}; {HTTP_PROXY_FORWARDS_ALL}",
                routes=[o.route],
                severity=Severity.WARNING,
            )


@rule(
    id="AGW305",
    name="mock-integration",
    severity=Severity.BLOCKER,
    fact="§1",
    fixed_by=None,
    stays_blocked=True,
    summary="Checks for MOCK integrations, other than CORS-only OPTIONS methods.",
    why="HTTP APIs have no mock integrations: the route would need a real backend to answer.",
    instead="Answer from a small Lambda function or a static backend, or keep the route on REST.",
    example="x-amazon-apigateway-integration:\n  type: mock\n  requestTemplates:\n    application/json: '{\"statusCode\": 200}'\n  responses:\n    default:\n      statusCode: '200'\n      responseTemplates:\n        application/json: '{\"status\": \"ok\"}'",
    use_instead="x-amazon-apigateway-integration:\n  type: aws_proxy\n  payloadFormatVersion: '2.0'\n  uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:status/invocations",
)
def mock_integration(src: "Source", r: Rule) -> Iterator[Finding]:
    for o in context(src).ops:
        if o.itype == "mock" and not is_cors_preflight(o.method, o.integration):
            yield r.finding(
                o.integration_pointer,
                f"{o.route}: MOCK integration; HTTP APIs need a real backend to answer",
                routes=[o.route],
            )


def _proxy_leftovers(integ: dict) -> list[str]:
    found = []
    if _has_templates(integ.get("requestTemplates")):
        found.append("requestTemplates")
    for key, resp in mapping(integ.get("responses")).items():
        resp = mapping(resp)
        if key != "default" or _has_templates(resp.get("responseTemplates")) or resp.get("responseParameters"):
            found.append("responses")
            break
    return found


@rule(
    id="AGW306",
    name="integration-templates-ignored",
    severity=Severity.WARNING,
    fact="§2.3",
    fixed_by="cleanup",
    summary="Checks for request templates and integration responses on proxy integrations.",
    why="HTTP API import drops requestTemplates, responses and passthroughBehavior from proxy integrations; whatever they were meant to do (error mapping by pattern, header mapping) does not happen.",
    instead="Remove them (convert does) and make sure the backend returns the final status codes and headers.",
    example="x-amazon-apigateway-integration:\n  type: aws_proxy\n  uri: arn:aws:apigateway:...:lambda:path/.../invocations\n  responses:\n    '.*NotFound.*': {statusCode: '404'}",
    use_instead="x-amazon-apigateway-integration:\n  type: aws_proxy\n  uri: arn:aws:apigateway:...:lambda:path/.../invocations\n  payloadFormatVersion: '1.0'\n# the function returns statusCode 404 itself",
)
def integration_templates_ignored(src: "Source", r: Rule) -> Iterator[Finding]:
    for o in context(src).ops:
        if o.itype in ("aws_proxy", "http_proxy") and o.integration is not None:
            # A lone `responses: {default: {statusCode: 200}}` and `passthroughBehavior:
            # when_no_match` are what every REST export writes: they mean nothing, so no finding.
            leftovers = _proxy_leftovers(o.integration)
            if leftovers:
                yield r.finding(
                    o.iat(leftovers[0]),
                    f"{o.route}: {' and '.join(leftovers)} on a proxy integration are dropped by HTTP APIs",
                    routes=[o.route],
                )


@rule(
    id="AGW307",
    name="content-handling",
    severity=Severity.WARNING,
    fact="§2.3",
    fixed_by="cleanup",
    summary="Checks for contentHandling CONVERT_TO_BINARY, and CONVERT_TO_TEXT on an API with binary media types, on integrations and integration responses.",
    why="HTTP APIs do not convert payloads between text and binary: the backend receives and must return bodies as they are.",
    instead="Make the backend handle base64 encoding itself (Lambda: isBase64Encoded).",
    example="x-amazon-apigateway-integration:\n  type: aws_proxy\n  contentHandling: CONVERT_TO_TEXT",
    use_instead="x-amazon-apigateway-integration:\n  type: aws_proxy\n  payloadFormatVersion: '2.0'\n# the function decodes event.body when event.isBase64Encoded is true",
)
def content_handling(src: "Source", r: Rule) -> Iterator[Finding]:
    binary = declared_binary_media_types(src)
    for o in context(src).ops:
        integ = o.integration
        if integ is None:
            continue
        places: list[tuple[object, tuple[str, ...]]] = [(integ.get("contentHandling"), ())]
        for key, resp in mapping(integ.get("responses")).items():
            places.append((mapping(resp).get("contentHandling"), ("responses", key)))
        for value, where in places:
            if content_handling_matters(value, binary):
                yield r.finding(
                    o.iat(*where, "contentHandling"),
                    f"{o.route}: contentHandling {value} is not applied by HTTP APIs",
                    routes=[o.route],
                )


@rule(
    id="AGW308",
    name="cache-key-parameters",
    severity=Severity.WARNING,
    fact="§2.3",
    fixed_by="cleanup",
    summary="Checks for integrations with cacheKeyParameters.",
    why="HTTP APIs have no response cache, so cache keys have no meaning and cached responses are no longer served.",
    instead="Cache in the backend or in a CloudFront distribution in front of the HTTP API.",
    example="x-amazon-apigateway-integration:\n  cacheKeyParameters: [method.request.path.id]\n  cacheNamespace: abc123",
    use_instead="# no API cache: CloudFront cache policy with the id in the cache key,\n# or caching in the backend",
)
def cache_key_parameters(src: "Source", r: Rule) -> Iterator[Finding]:
    # cacheNamespace alone is written into every export (it defaults to the resource id) and
    # means nothing without cache keys, so only non-empty cacheKeyParameters count.
    for o in context(src).ops:
        keys = (o.integration or {}).get("cacheKeyParameters")
        if keys:
            shown = ", ".join(map(describe, keys)) if isinstance(keys, list) else describe(keys)
            yield r.finding(
                o.iat("cacheKeyParameters"),
                f"{o.route}: responses are cached by {shown}; HTTP APIs have no cache",
                routes=[o.route],
            )


@rule(
    id="AGW309",
    name="tls-insecure-skip-verification",
    severity=Severity.WARNING,
    fact="§2.3",
    fixed_by="cleanup",
    summary="Checks for tlsConfig.insecureSkipVerification on integrations.",
    why="HTTP APIs always verify the certificates of public HTTP backends: a backend with a self-signed or mismatched certificate would fail with 5xx.",
    instead="Give the backend a certificate from a trusted CA before switching (serverNameToVerify exists for private integrations).",
    example="x-amazon-apigateway-integration:\n  type: http_proxy\n  uri: https://legacy.internal.example.com/{proxy}\n  tlsConfig: {insecureSkipVerification: true}",
    use_instead="x-amazon-apigateway-integration:\n  type: http_proxy\n  uri: https://legacy.example.com/{proxy}   # with a publicly trusted certificate",
)
def tls_insecure_skip_verification(src: "Source", r: Rule) -> Iterator[Finding]:
    for o in context(src).ops:
        tls = mapping((o.integration or {}).get("tlsConfig"))
        if "insecureSkipVerification" in tls and truthy(tls["insecureSkipVerification"]) is not False:
            yield r.finding(
                o.iat("tlsConfig", "insecureSkipVerification"),
                f"{o.route}: backend certificate checks are skipped today; HTTP APIs always verify them",
                routes=[o.route],
            )


@rule(
    id="AGW310",
    name="response-streaming",
    severity=Severity.BLOCKER,
    fact="§1,§2.3",
    fixed_by=None,
    stays_blocked=True,
    summary="Checks for integrations with responseTransferMode STREAM.",
    why="HTTP APIs cannot stream responses: the whole response is buffered and the 30 s timeout applies.",
    instead="Keep streaming routes on REST, or use Lambda function URLs with response streaming.",
    example="x-amazon-apigateway-integration:\n  type: aws_proxy\n  responseTransferMode: STREAM\n  timeoutInMillis: 300000",
    use_instead="# no streaming on HTTP APIs: a Lambda function URL with InvokeMode RESPONSE_STREAM",
)
def response_streaming(src: "Source", r: Rule) -> Iterator[Finding]:
    for o in context(src).ops:
        mode = (o.integration or {}).get("responseTransferMode")
        if str(mode).upper() == "STREAM":
            yield r.finding(
                o.iat("responseTransferMode"),
                f"{o.route}: the response is streamed; HTTP APIs buffer responses",
                routes=[o.route],
            )


def given_vpc_link(links: dict, connection_id: Any, is_v2: bool) -> "VpcLink | None":
    """What `--vpc-link` gives for a REST private integration, or None; a usage error when a REST VPC link (V1)
    is given a listener but no VPC link V2 id (only a link that already is V2, `integrationTarget`, keeps its id)."""
    from apigw_migrate.transforms.private import link_key

    key = link_key(connection_id)
    link = links.get(key) if key is not None else None
    if link is not None and link.v2_id is None and not is_v2:
        raise UsageError(
            f"--vpc-link {key}={link.listener}: {key} is a REST VPC link (V1), which HTTP APIs cannot use: "
            f"give the VPC link V2 that replaces it too ({key}=V2_LINK_ID,LISTENER_ARN)"
        )
    return link


def vpc_link_given_message(route: str, rest_link: Any, rest_uri: Any, v2_id: Any, listener: str, carried: list[str]) -> str:
    from apigw_migrate.transforms.private import backend_url, link_key

    url = backend_url(rest_uri)
    backend = f"{url[0]}://{url[1]}{url[2]}" if url else describe(rest_uri)
    kept = f"; the REST backend {backend} is kept as {' and '.join(carried)}" if carried else ""
    return (
        f"{route}: private integration through REST VPC link {link_key(rest_link) or describe(rest_link)} becomes VPC link "
        f"V2 {link_key(v2_id) or describe(v2_id)} to listener {listener} (--vpc-link){kept}"
    )


@rule(
    id="AGW311",
    name="vpc-link-v1",
    severity=Severity.WARNING,
    fact="§2.3,appx",
    fixed_by="integrations",
    summary="Checks for private integrations through a REST VPC link (connectionType VPC_LINK), V1 or with an integrationTarget.",
    why="HTTP APIs need a VPC link V2 (subnets and security groups) and the load balancer listener ARN as uri; a REST V1 link id and the NLB DNS name are not valid there.",
    instead="Create a VPC link V2 and point the integration at the NLB/ALB listener ARN: give both with convert --vpc-link REST_LINK=V2_LINK_ID,LISTENER_ARN (the backend path becomes overwrite:path, an https backend's host tlsConfig.serverNameToVerify); convert's CloudFormation/SAM output asks for them as Parameters.",
    example="x-amazon-apigateway-integration:\n  type: http_proxy\n  connectionType: VPC_LINK\n  connectionId: abc123\n  uri: http://my-nlb-123.elb.us-east-1.amazonaws.com/{proxy}",
    use_instead="x-amazon-apigateway-integration:\n  type: http_proxy\n  connectionType: VPC_LINK\n  connectionId: v2link1   # a VPC link V2\n  uri: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/my-nlb/123/456\n  payloadFormatVersion: '1.0'",
)
def vpc_link_v1(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    links = {str(mapping(v).get("id")): mapping(v) for v in ctx.bundle.get("vpcLinks") or [] if isinstance(v, dict)}
    for o in ctx.ops:
        integ = o.integration or {}
        if lower(integ.get("connectionType")) != "vpc_link":
            continue
        link_id = integ.get("connectionId")
        link = links.get(str(link_id))
        detail = f"VPC link {describe(link_id)}" if link_id is not None else "an unnamed VPC link (no connectionId)"
        if link:
            targets = ", ".join(describe(t) for t in link.get("targetArns") or [])
            detail += f" ({link.get('name', '')}{'; targets ' + targets if targets else ''})"
        try:
            given = given_vpc_link(ctx.options.vpc_links, link_id, bool(integ.get("integrationTarget")))
        except UsageError as e:  # convert refuses to run with it; check says why, on the route
            given, mistake = None, f"; {e}"
        else:
            mistake = ""
        if given is not None:
            from apigw_migrate.transforms.private import path_renames, private_integration

            carried = private_integration({"uri": integ.get("uri")}, given.listener, path_renames(integ.get("requestParameters")))
            v2_id = given.v2_id if given.v2_id is not None else link_id
            message = vpc_link_given_message(o.route, link_id, integ.get("uri"), v2_id, given.listener, carried)
            yield r.finding(o.iat("connectionType"), message, routes=[o.route], severity=Severity.INFO)
            continue
        if integ.get("integrationTarget"):
            message = f"{o.route}: private integration through {detail} to {describe(integ['integrationTarget'])}; the HTTP API needs a VPC link V2 and the listener ARN as uri"
        else:
            message = f"{o.route}: private integration through REST {detail}; HTTP APIs need a VPC link V2 and the load balancer listener ARN instead of {describe(integ.get('uri'))}"
        yield r.finding(o.iat("connectionType"), message + mistake, routes=[o.route])


@rule(
    id="AGW312",
    name="integration-timeout-over-30s",
    severity=Severity.WARNING,
    fact="§13",
    fixed_by="integrations",
    summary="Checks for integration timeouts above 30 seconds (timeoutInMillis > 30000).",
    why="HTTP API integrations time out after at most 30 s; longer requests would fail with 504.",
    instead="Keep requests under 30 s (asynchronous pattern: accept, queue, poll), or keep the route on REST.",
    example="x-amazon-apigateway-integration:\n  type: aws_proxy\n  timeoutInMillis: 60000",
    use_instead="x-amazon-apigateway-integration:\n  type: aws_proxy\n  timeoutInMillis: 30000",
)
def integration_timeout_over_30s(src: "Source", r: Rule) -> Iterator[Finding]:
    for o in context(src).ops:
        timeout = as_int((o.integration or {}).get("timeoutInMillis"))
        if timeout is not None and timeout > 30000:
            yield r.finding(
                o.iat("timeoutInMillis"),
                f"{o.route}: integration timeout {timeout} ms; HTTP APIs stop at 30000 ms",
                routes=[o.route],
            )


@rule(
    id="AGW313",
    name="lambda-payload-format",
    severity=Severity.INFO,
    fact="§5",
    fixed_by="integrations",
    summary="Checks for Lambda proxy integrations (their event and response formats change).",
    why="HTTP APIs send payload format 1.0 (closest to REST) or 2.0 (no multiValueHeaders, comma-joined duplicates, cookies array, requestContext.http) to Lambda; code written for the REST event may break under 2.0.",
    instead="Use payloadFormatVersion 1.0 to keep the REST event (convert's default), or update the function for 2.0.",
    example="x-amazon-apigateway-integration:\n  type: aws_proxy\n  httpMethod: POST\n  uri: arn:aws:apigateway:...:lambda:path/.../invocations",
    use_instead="x-amazon-apigateway-integration:\n  type: aws_proxy\n  httpMethod: POST\n  uri: arn:aws:apigateway:...:lambda:path/.../invocations\n  payloadFormatVersion: '1.0'",
)
def lambda_payload_format(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    by_version: dict[str, list[Op]] = {"1.0": [], "2.0": []}
    for o in ctx.ops:
        if o.itype == "aws_proxy" and is_lambda_uri(uri_text(o)) and "integrationSubtype" not in (o.integration or {}):
            by_version[ctx.options.payload_format_of(o.route)].append(o)
    for version, ops in by_version.items():
        if ops:
            routes = [o.route for o in ops]
            yield r.finding(
                ops[0].integration_pointer,
                f"{len(routes)} Lambda proxy route{'s get' if len(routes) > 1 else ' gets'} {PAYLOAD_1_0 if version == '1.0' else PAYLOAD_2_0} "
                f"({route_list(routes)})",
                routes=routes,
            )


RULES = (
    aws_integration_with_subtype,
    aws_integration_without_subtype,
    lambda_non_proxy_integration,
    http_non_proxy_integration,
    mock_integration,
    integration_templates_ignored,
    content_handling,
    cache_key_parameters,
    tls_insecure_skip_verification,
    response_streaming,
    vpc_link_v1,
    integration_timeout_over_30s,
    lambda_payload_format,
)
