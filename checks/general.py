"""Input-level rules: what kind of document was given (fact sheet §3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from apigw_migrate.checks.context import context
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.load import Source


@rule(
    id="AGW000",
    name="rule-crashed",
    severity=Severity.WARNING,
    fact="–",
    fixed_by=None,
    summary="Checks for rules that raised an exception while checking this input (made by the engine, never by a rule).",
    why="A crashed rule reports nothing, so a gap it should have found may be missing from the report.",
    instead="Report the crash (run with --debug for the traceback); meanwhile review the feature area of that rule by hand.",
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


RULES = (rule_crashed, swagger2_document, http_api_document)
