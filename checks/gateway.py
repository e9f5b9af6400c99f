"""Gateway-level request handling: validation, gateway responses, models (fact sheet §1, §2.2, §3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.checks.context import Context, Op, context, describe, items, mapping, route_list, truthy
from apigw_migrate.checks.cors import cors_options
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.load import Source

VALIDATOR = "x-amazon-apigateway-request-validator"
VALIDATORS = "x-amazon-apigateway-request-validators"


def _validators(ctx: Context) -> dict[str, str]:
    """Validator name → what it validates ("body", "parameters", "body and parameters", "" for nothing)."""
    table: dict[str, dict] = {name: mapping(v) for name, v in mapping(ctx.src.api.get(VALIDATORS)).items()}
    for v in items(ctx.bundle.get("requestValidators")):
        v = mapping(v)
        table.setdefault(str(v.get("name", v.get("id"))), v)
    out = {}
    for name, v in table.items():
        parts = [what for key, what in (("validateRequestBody", "body"), ("validateRequestParameters", "parameters")) if truthy(v.get(key))]
        out[name] = " and ".join(parts)
    return out


@rule(
    id="AGW701",
    name="request-validation",
    severity=Severity.WARNING,
    fact="§1,§2.2",
    fixed_by="cleanup",
    summary="Checks for request validators that apply to operations (x-amazon-apigateway-request-validator at the root or on an operation).",
    why="HTTP APIs do not validate requests: invalid bodies and missing required parameters reach the backend instead of getting a 400.",
    instead="Validate in the backend (or a Lambda authorizer for parameters) before switching.",
    example="x-amazon-apigateway-request-validators:\n  all: {validateRequestBody: true, validateRequestParameters: true}\nx-amazon-apigateway-request-validator: all",
    use_instead="# no validation on HTTP APIs: validate the body against the same JSON Schema in the backend",
)
def request_validation(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    table = _validators(ctx)
    default, default_ptr = ctx.api_ext(VALIDATOR)
    # CORS preflight mocks become the API's CORS configuration (AGW501): nothing left to validate.
    preflights = {c.op.pointer for c in cors_options(ctx)}
    inherited: list[str] = []
    for o in ctx.ops:
        if o.pointer in preflights:
            continue
        if VALIDATOR in o.op:
            name = o.op[VALIDATOR]
            what = table.get(str(name), "requests (validator not defined here)")
            if what:
                yield r.finding(
                    o.at(VALIDATOR),
                    f"{o.route}: validator {describe(name)} checks the {what}; HTTP APIs do not validate",
                    routes=[o.route],
                )
        elif default is not None:
            inherited.append(o.route)
    if default is not None and inherited:
        what = table.get(str(default), "requests (validator not defined here)")
        if what:
            yield r.finding(
                default_ptr,
                f"default validator {describe(default)} checks the {what} of {len(inherited)} route"
                f"{'s' if len(inherited) > 1 else ''} ({route_list(inherited)}); HTTP APIs do not validate",
                routes=inherited,
            )


@rule(
    id="AGW702",
    name="gateway-responses",
    severity=Severity.WARNING,
    fact="§1,§2.2",
    fixed_by="cleanup",
    summary="Checks for custom gateway responses (x-amazon-apigateway-gateway-responses, bundle gatewayResponses, GatewayResponses).",
    why="HTTP APIs have no custom gateway responses: errors produced by API Gateway itself (401, 403, 404, 429, 5xx) come back in the default format, without custom headers such as CORS ones.",
    instead="Make clients tolerate the default error bodies; CORS on errors comes from the API CORS configuration.",
    example="x-amazon-apigateway-gateway-responses:\n  UNAUTHORIZED:\n    statusCode: 401\n    responseParameters:\n      gatewayresponse.header.Access-Control-Allow-Origin: \"'*'\"\n    responseTemplates:\n      application/json: '{\"error\": \"$context.error.messageString\"}'",
    use_instead="# no gateway responses: clients get {\"message\":\"Unauthorized\"};\n# x-amazon-apigateway-cors adds CORS headers to errors",
)
def gateway_responses(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    seen: set[str] = set()
    responses, _ = ctx.api_ext("x-amazon-apigateway-gateway-responses")
    for rtype, resp in mapping(responses).items():
        seen.add(str(rtype))
        status = mapping(resp).get("statusCode")
        detail = f" (status {describe(status)})" if status is not None else ""
        yield r.finding(ctx.api_at("x-amazon-apigateway-gateway-responses", rtype), f"custom gateway response {rtype}{detail}; HTTP APIs answer with their default error")
    for i, resp in enumerate(items(ctx.bundle.get("gatewayResponses"))):
        resp = mapping(resp)
        rtype = str(resp.get("responseType"))
        if resp.get("defaultResponse") is True or rtype in seen:
            continue
        seen.add(rtype)
        yield r.finding(jp.join("/gatewayResponses", i), f"custom gateway response {rtype}; HTTP APIs answer with their default error")
    sam, sam_ptr = ctx.prop("GatewayResponses")
    for rtype in mapping(sam):
        if rtype not in seen:
            seen.add(rtype)
            yield r.finding(jp.join(sam_ptr, rtype), f"custom gateway response {rtype}; HTTP APIs answer with their default error")
    for name, props, res_ptr in ctx.related.get("AWS::ApiGateway::GatewayResponse", ()):
        rtype = str(props.get("ResponseType", name))
        if rtype not in seen:
            seen.add(rtype)
            yield r.finding(res_ptr, f"custom gateway response {rtype} ({name}); HTTP APIs answer with their default error")


def _body_schema(src: "Source", o: Op) -> tuple[str | int, ...] | None:
    """Where the operation's request body schema is (tokens below the operation), if it declares one."""
    if src.spec == "swagger2":
        for i, p in enumerate(items(o.op.get("parameters"))):
            if isinstance(p, dict) and p.get("in") == "body" and p.get("schema"):
                return ("parameters", i, "schema")
        return None
    body = o.op.get("requestBody")
    if isinstance(body, dict):
        if "$ref" in body:
            return ("requestBody",)
        for mime, media in mapping(body.get("content")).items():
            if mapping(media).get("schema"):
                return ("requestBody", "content", mime, "schema")
    return None


@rule(
    id="AGW703",
    name="request-models-ignored",
    severity=Severity.INFO,
    fact="§3",
    fixed_by=None,
    summary="Checks for request body schemas and models.",
    why="HTTP API import ignores request body schemas (there is no request validation); they stay only as documentation.",
    instead="Validate bodies in the backend if the schema was enforced by a validator.",
    example="requestBody:\n  content:\n    application/json:\n      schema: {$ref: '#/components/schemas/Book'}",
    use_instead="# the schema stays in the document as documentation; nothing enforces it",
)
def request_models_ignored(src: "Source", r: Rule) -> Iterator[Finding]:
    places = [(o, where) for o in context(src).ops if (where := _body_schema(src, o))]
    if places:
        routes = [o.route for o, _ in places]
        first, where = places[0]
        yield r.finding(
            first.at(*where),
            f"{len(routes)} route{'s declare' if len(routes) > 1 else ' declares'} a request body schema ({route_list(routes)}); "
            "HTTP API import ignores them",
            routes=routes,
        )


RULES = (request_validation, gateway_responses, request_models_ignored)
