"""Input-level rules: what kind of document was given (fact sheet §3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.checks.context import context
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity
from apigw_migrate.openapi import malformed_parameter_message, malformed_parameters, route_at

if TYPE_CHECKING:
    from apigw_migrate.load import Source


@rule(
    id="AGW000",
    name="internal-error",
    severity=Severity.WARNING,
    fact="–",
    fixed_by=None,
    stays_blocked=True,
    summary="Checks for rules that raised an exception while checking this input, and for what convert could not rewrite on a route the analysis called movable (made by apigw-migrate itself, never by a rule).",
    why="A crashed rule reports nothing, so a gap it should have found may be missing from the report. A route convert cannot rewrite although no rule blocked it means a rule and convert disagree: convert leaves the route out (a blocker) rather than write it wrong.",
    instead="Report it (run with --debug for a traceback); meanwhile review the feature area of that rule, or that route, by hand.",
    example="# any input that makes a rule raise, e.g. a value of an unexpected shape\nx-amazon-apigateway-binary-media-types: {weird: shape}",
    use_instead="# the same input, once the rule is fixed, gives that rule's own findings",
)
def rule_crashed(src: "Source", r: Rule) -> Iterator[Finding]:
    # Made by the engine (checks.run_rules) when another rule raises; it never fires by itself.
    return iter(())


@rule(
    id="AGW001",
    name="swagger2-document",
    severity=Severity.INFO,
    fact="§3",
    fixed_by="normalize",
    summary="Checks for Swagger 2.0 (OpenAPI 2.0) input.",
    why="HTTP API import accepts OpenAPI 3.0 only: a `swagger: \"2.0\"` document is rejected and nothing is created.",
    instead="Convert to OpenAPI 3.0 (convert does this), or export the REST API again with exportType oas30.",
    example='swagger: "2.0"\nbasePath: /prod\npaths:\n  /books:\n    get: {...}',
    use_instead='openapi: 3.0.1\nservers:\n  - url: https://example.com/{basePath}\n    variables: {basePath: {default: prod}}\npaths:\n  /books:\n    get: {...}',
)
def swagger2_document(src: "Source", r: Rule) -> Iterator[Finding]:
    if src.spec == "swagger2":
        yield r.finding(
            src.api_pointer("/swagger"),
            "Swagger 2.0 document: HTTP API import rejects it; it must become OpenAPI 3.0",
        )


@rule(
    id="AGW002",
    name="http-api-document",
    severity=Severity.INFO,
    fact="§3",
    fixed_by=None,
    summary="Checks for input that already is an HTTP API definition.",
    why="The document already uses HTTP-API-only features (x-amazon-apigateway-cors, JWT authorizers, integration subtypes, `$default` routes): there is no REST API to migrate, and the REST-gap rules do not apply to it.",
    instead="Nothing to migrate: deploy it as an HTTP API as it is, or pass the REST API's export instead.",
    example="x-amazon-apigateway-cors: {allowOrigins: [\"*\"]}\npaths:\n  /orders:\n    post:\n      x-amazon-apigateway-integration: {integrationSubtype: SQS-SendMessage, ...}",
    use_instead="# already an HTTP API definition: import it with `aws apigatewayv2 import-api`",
)
def http_api_document(src: "Source", r: Rule) -> Iterator[Finding]:
    if src.flavor != "http":
        return
    ctx = context(src)
    marks = [
        key
        for key in ("x-amazon-apigateway-cors", "x-amazon-apigateway-importexport-version")
        if key in src.api
    ]
    if any(o.integration and "integrationSubtype" in o.integration for o in ctx.ops):
        marks.append("integrationSubtype")
    if any(a.kind == "jwt" for a in ctx.authorizers):
        marks.append("JWT authorizer")
    if any(o.op.get("isDefaultRoute") for o in ctx.ops):
        marks.append("$default route")
    detail = f" ({', '.join(marks)})" if marks else ""
    yield r.finding(
        src.api_pointer("/openapi" if "openapi" in src.api else "/swagger"),
        f"this document already is an HTTP API definition{detail}: there is no REST API to migrate",
    )


def broken_ref_message(reason: str) -> str:
    """AGW003's message, in check and convert alike."""
    return f"{reason}; the schema holding it is left out (an empty schema: HTTP APIs do not validate bodies)"


@rule(
    id="AGW003",
    name="unresolved-schema-ref",
    severity=Severity.WARNING,
    fact="§3",
    fixed_by="normalize",
    summary="Checks for `$ref`s inside schemas that are malformed or lead nowhere (a missing file, a missing component).",
    why="An OpenAPI document whose refs do not resolve is refused by HTTP API import; a schema only describes a body, which HTTP APIs never validate, so leaving it out loses documentation, not behaviour.",
    instead="Fix the ref (or bundle the referenced file into the definition) if the HTTP API should keep the schema; convert otherwise writes an empty schema in its place.",
    example="schema:\n  $ref: 'schemas.yaml/#Address'   # malformed: the fragment must start with '/'",
    use_instead="schema:\n  $ref: '#/components/schemas/Address'",
)
def unresolved_schema_ref(src: "Source", r: Rule) -> Iterator[Finding]:
    for b in src.broken_refs:
        yield r.finding(src.api_pointer(b.holder), broken_ref_message(b.reason), routes=route_at(b.holder))


@rule(
    id="AGW004",
    name="malformed-parameter",
    severity=Severity.WARNING,
    fact="§3",
    fixed_by="normalize",
    summary="Checks for parameters OpenAPI cannot read: without `name` or `in`, with an unknown `in`, or a path parameter the path does not have.",
    why="REST import tolerates such parameters and ignores them; HTTP API import validates the document and refuses it whole.",
    instead="Fix or delete the parameter in the REST definition; convert writes the HTTP API without it.",
    example="/orders:\n  parameters:\n    - in: path          # no name, and /orders has no path variable\n      schema: {type: string}",
    use_instead="/orders/{orderId}:\n  parameters:\n    - name: orderId\n      in: path\n      required: true\n      schema: {type: string}",
)
def malformed_parameter(src: "Source", r: Rule) -> Iterator[Finding]:
    for b in malformed_parameters(src.api):
        yield r.finding(src.api_pointer(b.pointer), malformed_parameter_message(b), routes=b.routes)


@rule(
    id="AGW005",
    name="conditional-route",
    severity=Severity.WARNING,
    fact="§3",
    fixed_by=None,
    summary="Checks for paths or operations of a template that exist only under a condition (`Fn::If`) the given parameters do not decide.",
    why="Which routes the API has then depends on the deployment: nothing about them can be checked, and an HTTP API document cannot hold the condition.",
    instead="Give the parameters the condition depends on (--parameter NAME=VALUE, or their Default) to check and convert the API of that deployment.",
    example="paths:\n  /admin:\n    Fn::If: [AdminEnabled, {get: {...}}, !Ref AWS::NoValue]",
    use_instead="# apigw-migrate check template.yaml --parameter EnableAdmin=yes",
)
def conditional_route(src: "Source", r: Rule) -> Iterator[Finding]:
    from apigw_migrate.intrinsics import undecided_paths

    for ptr, names in undecided_paths(src):
        needs = f"give --parameter for {', '.join(names)}" if names else "it depends on the stack"
        yield r.finding(src.api_pointer(ptr), f"{jp.split(ptr)[1]} exists only under a template condition; its routes are not checked: {needs}")


RULES = (rule_crashed, swagger2_document, http_api_document, unresolved_schema_ref, malformed_parameter, conditional_route)
