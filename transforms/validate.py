"""validate: check the converted document against OpenAPI 3.0 and against the HTTP import rules.

Two validators: openapi-spec-validator (the document is OpenAPI 3.0; CloudFormation intrinsics are seen as
placeholder strings) and `http_rules` (what `import-api` needs beyond OpenAPI). Their violations go to
`ctx.violations`; convert refuses to write a document that has any. The raisable quotas (routes,
authorizers) become warnings instead. The document is not changed.
"""

from __future__ import annotations

import re

from apigw_migrate import pointer as jp
from apigw_migrate.findings import Finding
from apigw_migrate.transforms import http_rules
from apigw_migrate.transforms.context import Context, placeholder_view
from apigw_migrate.transforms.http_rules import Violation

SPEC_VALIDATOR = "openapi-spec-validator"
_MAX_MESSAGE = 300


def spec_violations(doc: dict) -> list[Violation]:
    """What openapi-spec-validator finds wrong with `doc` as an OpenAPI 3.0 document."""
    from openapi_spec_validator import OpenAPIV30SpecValidator

    view = placeholder_view(doc)
    if isinstance(view.get("paths"), dict):
        # `{proxy+}` is API Gateway's greedy variable; to OpenAPI it is the parameter `proxy`.
        view["paths"] = {re.sub(r"\{([^{}]+)\+\}", r"{\1}", k): v for k, v in view["paths"].items()}
    try:
        errors = list(OpenAPIV30SpecValidator(view).iter_errors())
    except Exception as e:  # noqa: BLE001 - a validator crash must read as a failed validation, not a traceback
        return [Violation(SPEC_VALIDATOR, _short(f"the validator could not read the document: {type(e).__name__}: {e}"), "")]
    return [
        Violation(SPEC_VALIDATOR, _short(str(getattr(error, "message", error))), jp.join("", *getattr(error, "absolute_path", ())))
        for error in errors
    ]


def _short(message: str) -> str:
    """Validator messages can quote a whole subtree; one line of a report is enough."""
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


def validate(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Record every violation in `ctx.violations`; quotas (raisable, reported by AGW801 and AGW802) become notes.

    >>> ctx = Context()
    >>> _ = validate({"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {
    ...   "/a": {"get": {"responses": {"200": {"description": "ok"}},
    ...   "x-amazon-apigateway-integration": {"type": "MOCK"}}}}}, ctx)
    >>> [(v.rule, v.pointer) for v in ctx.violations]
    [('integration_types', '/paths/~1a/get/x-amazon-apigateway-integration/type')]
    """
    ctx.violations = http_rules.check(doc) + spec_violations(doc)
    for rule in http_rules.QUOTA_RULES.values():
        for v in rule(doc):
            ctx.note(v.message)
    return doc, []
