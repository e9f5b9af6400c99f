"""cleanup: leave out what HTTP APIs do not have, saying what it meant, and mark the document as HTTP.

Removes the blocked routes, the REST-only root extensions (fact sheet §3 table), request validators, the
REST-only integration properties (templates and responses of proxy integrations, passthrough behaviour,
content handling, cache keys, `insecureSkipVerification`), authorizer leftovers, API-key schemes and
apigw-migrate's own `x-apigw-migrate-*` markers. Each removal that takes a behaviour away was reported by
its rule; `--explain` lists them all. Request body schemas stay, as documentation only (AGW703). Sets
`openapi: 3.0.1` and `x-amazon-apigateway-importexport-version`, and records in `info.x-apigw-migrate`
the blockers the user set aside, so the document says which guarantees it no longer gives.
"""

from __future__ import annotations

from typing import Any

from apigw_migrate import pointer as jp
from apigw_migrate.findings import Finding
from apigw_migrate.openapi import AUTHORIZER, AUTHTYPE, content_handling_matters, declared_binary_media_types, scheme_kind
from apigw_migrate.transforms.context import ENDPOINT_CONFIGURATION, Context, Op, integration_type, operations, remove_operation
from apigw_migrate.checks.services import PASSTHROUGH_TEMPLATES
from apigw_migrate.transforms.parameters import rest_type

IMPORT_EXPORT_VERSION = "x-amazon-apigateway-importexport-version"
VALIDATOR = "x-amazon-apigateway-request-validator"
# That HTTP APIs have no binary-media-types setting is [U] (fact sheet §2.2): it is left out (AGW107 says so).
ROOT_EXTENSIONS: dict[str, str] = {
    "x-amazon-apigateway-binary-media-types": "binary media types {value} left out: HTTP APIs have no such setting; Lambda 2.0 responses say isBase64Encoded themselves",
    "x-amazon-apigateway-minimum-compression-size": "minimum compression size {value} left out: HTTP APIs do not compress responses",
    "x-amazon-apigateway-documentation": "documentation parts left out: HTTP APIs have no documentation parts",
    "x-amazon-apigateway-policy": "resource policy left out: HTTP APIs have none, so its IP, VPC or account restrictions no longer apply",
    "x-amazon-apigateway-gateway-responses": "custom gateway responses ({value}) left out: HTTP APIs return their own error bodies and headers",
    "x-amazon-apigateway-api-key-source": "removed x-amazon-apigateway-api-key-source (HTTP APIs have no API keys)",
    "x-amazon-apigateway-request-validators": "removed the request validator definitions",
    VALIDATOR: "removed the API-wide default request validator",
}  # fmt: skip
HTTP_AUTHORIZER_KEYS = {
    "request": {"type", "identitySource", "authorizerUri", "authorizerCredentials", "authorizerResultTtlInSeconds",
                "authorizerPayloadFormatVersion", "enableSimpleResponses"},
    "jwt": {"type", "jwtConfiguration", "identitySource"},
}  # fmt: skip


def cleanup(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Strip the REST-only parts and stamp the document as an HTTP API definition.

    >>> doc = {"openapi": "3.0.0", "x-amazon-apigateway-binary-media-types": ["image/png"], "paths": {}}
    >>> out, findings = cleanup(doc, Context())
    >>> out, findings
    ({'openapi': '3.0.1', 'paths': {}, 'x-amazon-apigateway-importexport-version': '1.0'}, [])
    """
    _blocked_routes(doc, ctx)
    _validators(doc, ctx)
    for key, message in ROOT_EXTENSIONS.items():
        if key not in doc:
            continue
        value = doc.pop(key)
        shown = ", ".join(map(str, value)) if isinstance(value, (list, dict)) else value
        ctx.note(message.format(value=shown))
    _endpoint_configuration(doc, ctx)
    _integrations(doc, ctx)
    _schemes(doc, ctx)
    _markers(doc, ctx)
    _acknowledged(doc, ctx)
    doc["openapi"] = "3.0.1"
    doc[IMPORT_EXPORT_VERSION] = "1.0"
    return doc, []


MARKER = "x-apigw-migrate"


def acknowledgement(findings: list[Finding]) -> dict:
    """What the written document records about the blockers set aside (in `info.x-apigw-migrate`, or template Metadata)."""
    return {
        "acknowledged": [
            {"rule": f.rule, "ignoredBy": f.ignored_by, "routes": list(f.routes) or "all", "message": f.message} for f in findings
        ]
    }


def _acknowledged(doc: dict, ctx: Context) -> None:
    """Say in the document which blockers the user set aside: it no longer gives those guarantees."""
    if not ctx.acknowledged:
        return
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    info[MARKER] = acknowledgement(ctx.acknowledged)
    doc["info"] = info
    ctx.note(f"recorded {len(ctx.acknowledged)} acknowledged blocker(s) in info.{MARKER}")


def _blocked_routes(doc: dict, ctx: Context) -> None:
    removed = []
    for o in operations(doc):
        if o.route in ctx.blocked:
            remove_operation(doc, o)
            removed.append(o.route)
    if removed:
        ctx.note(f"left out {len(removed)} blocked route(s): {', '.join(removed)}")


def _validators(doc: dict, ctx: Context) -> None:
    validators = doc.get("x-amazon-apigateway-request-validators") or {}
    default = doc.get(VALIDATOR)
    routes: list[str] = []
    first: str | None = None
    for o in operations(doc):
        own = VALIDATOR in o.op
        name = o.op.pop(VALIDATOR, default)
        spec = validators.get(name) if isinstance(validators, dict) and isinstance(name, str) else None
        if isinstance(spec, dict) and (spec.get("validateRequestBody") or spec.get("validateRequestParameters")):
            routes.append(o.route)
            if first is None:
                first = jp.join(o.pointer, VALIDATOR) if own else "/" + VALIDATOR
    if routes:
        ctx.note(f"request validation left out for {len(routes)} route(s)")


def _endpoint_configuration(doc: dict, ctx: Context) -> None:
    for server in doc.get("servers") or []:
        config = server.get(ENDPOINT_CONFIGURATION) if isinstance(server, dict) else None
        if not isinstance(config, dict):
            continue
        for key in [k for k in config if k not in ("disableExecuteApiEndpoint", "ipAddressType")]:
            del config[key]
            ctx.note(f"removed endpoint-configuration {key}")
        if not config:
            del server[ENDPOINT_CONFIGURATION]
    if doc.get("servers") == [{"url": "/"}]:
        del doc["servers"]


def _integrations(doc: dict, ctx: Context) -> None:
    hits: dict[str, list[tuple[str, str]]] = {}
    passthrough = 0

    def hit(rule: str, o: Op, ptr: str) -> None:
        hits.setdefault(rule, []).append((o.route, ptr))

    binary = declared_binary_media_types(ctx.src) if ctx.src is not None else []
    for o in operations(doc):
        integ = o.integration
        if integ is None:
            continue
        ptr = o.integration_pointer
        proxy_in_rest = rest_type(o, ctx) in ("aws_proxy", "http_proxy")
        templates = integ.pop("requestTemplates", None)
        if isinstance(templates, dict) and any(isinstance(t, str) and t.strip() not in PASSTHROUGH_TEMPLATES for t in templates.values()):
            if proxy_in_rest:
                hit("AGW306", o, jp.join(ptr, "requestTemplates"))
        responses = integ.pop("responses", None)
        if isinstance(responses, dict):
            for pattern, response in responses.items():
                if not isinstance(response, dict):
                    continue
                if content_handling_matters(response.get("contentHandling"), binary):
                    hit("AGW307", o, jp.join(ptr, "responses", pattern, "contentHandling"))
                if proxy_in_rest and (response.get("responseTemplates") or response.get("responseParameters")):
                    hit("AGW306", o, jp.join(ptr, "responses"))
        if integ.pop("passthroughBehavior", None) is not None:
            passthrough += 1
        if content_handling_matters(integ.pop("contentHandling", None), binary):
            hit("AGW307", o, jp.join(ptr, "contentHandling"))
        keys = integ.pop("cacheKeyParameters", None)
        namespace = integ.pop("cacheNamespace", None)
        if keys:
            hit("AGW308", o, jp.join(ptr, "cacheKeyParameters"))
        elif namespace is not None:
            ctx.note(f"{o.route}: removed cacheNamespace")
        tls = integ.get("tlsConfig")
        if isinstance(tls, dict) and "insecureSkipVerification" in tls:
            if tls.pop("insecureSkipVerification"):
                hit("AGW309", o, jp.join(ptr, "tlsConfig", "insecureSkipVerification"))
            if not tls:
                del integ["tlsConfig"]
        for key in ("responseTransferMode", "integrationTarget"):
            if integ.pop(key, None) is not None:
                ctx.note(f"{o.route}: removed {key}")
        if integration_type(integ) in ("aws_proxy", "http_proxy"):
            integ["type"] = integ["type"].upper()
    if passthrough:
        ctx.note(f"removed passthroughBehavior from {passthrough} integration(s) (no templates on HTTP APIs)")
    messages = {
        "AGW306": "request templates or integration responses on proxy integrations left out (HTTP APIs ignore them, as REST did for proxy types)",
        "AGW307": "contentHandling CONVERT_TO_* left out: HTTP APIs pass bodies through unconverted",
        "AGW308": "cacheKeyParameters left out: HTTP APIs do not cache",
        "AGW309": "tlsConfig.insecureSkipVerification left out: HTTP APIs verify the backend certificate, so a self-signed one fails",
    }
    for rule, entries in hits.items():
        ctx.note(f"{messages[rule]} ({len({r for r, _ in entries})} route(s))")


def _schemes(doc: dict, ctx: Context) -> None:
    schemes = (doc.get("components") or {}).get("securitySchemes")
    if not isinstance(schemes, dict):
        return
    for name in list(schemes):
        scheme = schemes[name]
        if not isinstance(scheme, dict):
            continue
        if scheme_kind(scheme) == "api_key":
            del schemes[name]
            ctx.note(f"removed the API key scheme {name}")
            continue
        auth = scheme.get(AUTHORIZER)
        if isinstance(auth, dict):
            allowed = HTTP_AUTHORIZER_KEYS.get(str(auth.get("type", "")).lower())
            for key in [k for k in auth if allowed is not None and k not in allowed]:
                del auth[key]
                ctx.note(f"authorizer {name}: removed {key}")
        authtype = scheme.get(AUTHTYPE)
        if authtype is not None and str(authtype).lower() != "awssigv4":
            del scheme[AUTHTYPE]
            ctx.note(f"scheme {name}: removed x-amazon-apigateway-authtype {authtype}")
    if not schemes:
        del doc["components"]["securitySchemes"]
        if not doc["components"]:
            del doc["components"]


def _markers(node: Any, ctx: Context) -> None:
    stack = [node]
    removed = 0
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key in [k for k in current if isinstance(k, str) and k.startswith("x-apigw-migrate")]:
                del current[key]
                removed += 1
            stack.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))
    if removed:
        ctx.note(f"removed {removed} x-apigw-migrate-* marker(s)")
