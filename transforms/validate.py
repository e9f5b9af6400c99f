"""validate: check the converted document against OpenAPI 3.0 and against the HTTP import rules.

Two validators: openapi-spec-validator (the document is OpenAPI 3.0; CloudFormation intrinsics are seen as
placeholder strings) and `http_rules` (what `import-api` needs beyond OpenAPI). Their violations go to
`ctx.violations`; convert refuses to write a document that has any. The raisable quotas (routes,
authorizers) become warnings instead. The document is not changed.
"""

from __future__ import annotations

import re
from dataclasses import replace

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
    written: dict[str, str] = {}  # path as validated → as written
    if isinstance(view.get("paths"), dict):
        # `{proxy+}` is API Gateway's greedy variable; to OpenAPI it is the parameter `proxy`. A path item or
        # operation an intrinsic stands for (a template's `Fn::If`) is not there to validate.
        written = {re.sub(r"\{([^{}]+)\+\}", r"{\1}", k): k for k, v in view["paths"].items() if isinstance(v, dict)}
        view["paths"] = {k: {m: op for m, op in view["paths"][w].items() if not _placeholder(op)} for k, w in written.items()}

    def pointer(tokens: list) -> str:
        if len(tokens) >= 2 and tokens[0] == "paths":
            tokens = ["paths", written.get(str(tokens[1]), tokens[1]), *tokens[2:]]
        return jp.join("", *tokens)

    try:
        errors = list(OpenAPIV30SpecValidator(view).iter_errors())
    except Exception:  # noqa: BLE001 - a validator crash must read as a failed validation, not a traceback
        # Its internals (a KeyError on a key it expected) would mean nothing to a user: say what it means, and
        # where, by validating the paths one at a time.
        where = next((p for p in view.get("paths") or {} if _crashes({**view, "paths": {p: view["paths"][p]}})), None)
        return [Violation(SPEC_VALIDATOR, "this part has a shape OpenAPI 3.0 does not allow, so it cannot be validated",
                          pointer(["paths", where]) if where is not None else "")]  # fmt: skip
    return [Violation(SPEC_VALIDATOR, explain(error, view), pointer(list(getattr(error, "absolute_path", ())))) for error in errors]


def _crashes(view: dict) -> bool:
    from openapi_spec_validator import OpenAPIV30SpecValidator

    try:
        list(OpenAPIV30SpecValidator(view).iter_errors())
    except Exception:  # noqa: BLE001 - only whether it crashes matters here
        return True
    return False


# The last pointer token naming a kind of OpenAPI object → that kind, for "not a valid …" messages.
_KINDS = {"parameters": "parameter", "responses": "response", "schema": "schema", "schemas": "schema",
          "requestBody": "request body", "securitySchemes": "security scheme", "servers": "server", "paths": "path item",
          "content": "media type", "headers": "header", "info": "info object"}  # fmt: skip


def explain(error: object, document: object = None) -> str:
    """One short sentence for a jsonschema error of `document`, from its validator keyword (never its wording).

    openapi-spec-validator hands its errors on without keyword, value or instance: they are read back from the
    schema path, the schema and `document`.

    >>> from jsonschema import Draft4Validator
    >>> sorted(explain(e) for e in Draft4Validator({"required": ["name"], "properties": {"in": {"enum": ["path", "query"]}}}).iter_errors({"in": "body"}))
    ["'in' must be one of 'path', 'query', not 'body'", "missing 'name'"]
    """
    schema_path = list(getattr(error, "schema_path", ()))
    keyword = getattr(error, "validator", None)
    if not isinstance(keyword, str):
        keyword = schema_path[-1] if schema_path and isinstance(schema_path[-1], str) else None
    expected = getattr(error, "validator_value", None)
    if not isinstance(expected, (list, str, dict, bool, int)):
        expected = _walk(getattr(error, "schema", None), schema_path)
    path = list(getattr(error, "absolute_path", ()))
    instance = getattr(error, "instance", None)
    if document is not None and path:
        instance = _walk(document, path)
    path = [str(t) for t in path]
    field = next((t for t in reversed(path) if not t.isdigit()), "")
    if keyword == "required" and isinstance(instance, dict) and isinstance(expected, list):
        missing = [k for k in expected if k not in instance]
        if missing:
            return f"missing {', '.join(repr(k) for k in missing)}"
    if keyword == "additionalProperties" and isinstance(instance, dict):
        schema = getattr(error, "schema", {}) or {}
        known = set(schema.get("properties") or {})
        patterns = list(schema.get("patternProperties") or {})
        extra = [k for k in instance if k not in known and not any(re.search(p, str(k)) for p in patterns)]
        if extra:
            return f"{', '.join(repr(k) for k in extra)} {'is' if len(extra) == 1 else 'are'} not allowed here"
    if keyword == "enum" and isinstance(expected, list):
        return f"{field!r} must be one of {', '.join(repr(v) for v in expected)}, not {instance!r}"
    if keyword == "type":
        return f"{field or 'the value'!r} must be of type {expected}, not {type(instance).__name__}"
    if keyword in ("oneOf", "anyOf"):
        kind = next((_KINDS[t] for t in reversed(path) if t in _KINDS), "OpenAPI 3.0 object")
        return f"not a valid {kind}"
    if keyword == "pattern":
        return f"{instance!r} does not match {expected}"
    return _short(str(getattr(error, "message", error)).split("\n\n", 1)[0])


def _walk(node: object, tokens: list) -> object:
    for t in tokens:
        if isinstance(node, dict) and t in node:
            node = node[t]
        elif isinstance(node, list) and isinstance(t, int) and 0 <= t < len(node):
            node = node[t]
        else:
            return None
    return node


def _placeholder(value: object) -> bool:
    return isinstance(value, str) and value.startswith("intrinsic:")


def _short(message: str) -> str:
    """Validator messages can quote a whole subtree; one line of a report is enough."""
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


def _placed(v: Violation, ctx: Context) -> Violation:
    """`v` with the file:line:column of what its pointer names in the input (the nearest part that exists there)."""
    if ctx.src is None:
        return v
    position = ctx.src.locate(ctx.pointer(v.pointer))
    where = f"{ctx.src.path}:{position[0]}:{position[1]}" if position else ctx.src.path
    return replace(v, where=where)


def validate(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Record every violation in `ctx.violations`; quotas (raisable, reported by AGW801 and AGW802) become notes.

    >>> ctx = Context()
    >>> _ = validate({"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {
    ...   "/a": {"get": {"responses": {"200": {"description": "ok"}},
    ...   "x-amazon-apigateway-integration": {"type": "MOCK"}}}}}, ctx)
    >>> [(v.rule, v.pointer) for v in ctx.violations]
    [('integration_types', '/paths/~1a/get/x-amazon-apigateway-integration/type')]
    """
    ctx.violations = [_placed(v, ctx) for v in http_rules.check(doc) + spec_violations(doc)]
    for rule in http_rules.QUOTA_RULES.values():
        for v in rule(doc):
            ctx.note(v.message)
    return doc, []
