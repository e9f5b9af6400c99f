"""The rules an HTTP API OpenAPI document must follow for `aws apigatewayv2 import-api` to take it.

Each rule is a small named function ``rule(doc) -> Iterator[Violation]`` over the converted document
(fact sheet §2.3, §2.4, §3, §13). `RULES` must all pass for convert to write the document; `QUOTA_RULES`
are raisable quotas, reported as warnings (AGW801, AGW802) rather than refusals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.openapi import AUTHORIZER, CORS_HEADER_FIELDS, route_path_problem
from apigw_migrate.transforms.context import OPERATION_KEYS, Op, as_int, integration_type, operations
from apigw_migrate.transforms.cors import CORS

MAX_ROUTES = 300
MAX_AUTHORIZERS = 10
REST_ONLY_ROOT = (
    "x-amazon-apigateway-api-key-source", "x-amazon-apigateway-binary-media-types", "x-amazon-apigateway-documentation",
    "x-amazon-apigateway-gateway-responses", "x-amazon-apigateway-minimum-compression-size", "x-amazon-apigateway-policy",
    "x-amazon-apigateway-request-validators", "x-amazon-apigateway-request-validator",
)  # fmt: skip
REST_ONLY_INTEGRATION = ("requestTemplates", "responses", "passthroughBehavior", "contentHandling", "cacheKeyParameters", "cacheNamespace",
                         "responseTransferMode", "integrationTarget")  # fmt: skip
REST_ONLY_AUTHORIZER = ("providerARNs", "identityValidationExpression")
_PATH_ITEM_KEYS = ("summary", "description", "servers", "parameters")
# HTTP API routes have no TRACE method.
ROUTE_METHODS = tuple(m for m in OPERATION_KEYS if m != "trace")
CORS_FIELDS = tuple(CORS_HEADER_FIELDS.values())
MAX_AUDIENCES = 50
# HTTP API parameter mapping keys (fact sheet §4.1): request and, per status code, response.
_REQUEST_MAPPING = re.compile(r"^(?:(?:append|overwrite|remove):(?:header|querystring)\.\S+|overwrite:path)$")
_RESPONSE_MAPPING = re.compile(r"^(?:(?:append|overwrite|remove):header\.\S+|overwrite:statuscode)$")
_JWT_IDENTITY = re.compile(r"^\$request\.(?:header|querystring)\.\S+$")


@dataclass(frozen=True)
class Violation:
    rule: str  # the rule function's name
    message: str
    pointer: str  # into the converted document
    where: str = ""  # file:line:column in the input of what the pointer names, when convert knows it


def _schemes(doc: dict) -> dict[str, Any]:
    components = doc.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    return schemes if isinstance(schemes, dict) else {}


def _authorizers(doc: dict) -> Iterator[tuple[str, dict]]:
    for name, scheme in _schemes(doc).items():
        if isinstance(scheme, dict) and isinstance(scheme.get(AUTHORIZER), dict):
            yield name, scheme[AUTHORIZER]


def _integrations(doc: dict) -> Iterator[tuple[Op, dict]]:
    for o in operations(doc):
        if o.integration is not None:
            yield o, o.integration


def openapi_version(doc: dict) -> Iterator[Violation]:
    """HTTP import reads OpenAPI 3.0 only."""
    if not str(doc.get("openapi", "")).startswith("3.0"):
        yield Violation("openapi_version", f"openapi must be 3.0.x, not {doc.get('openapi', doc.get('swagger'))!r}", "/openapi")


def route_keys(doc: dict) -> Iterator[Violation]:
    """Every path is a valid route path (greedy variable last) and holds only operations and path-item fields."""
    for path, item in (doc.get("paths") or {}).items():
        problem = route_path_problem(path)
        if problem:
            yield Violation("route_keys", f"{path}: {problem}", jp.join("/paths", path))
        if not isinstance(item, dict):
            continue
        for key in item:
            if key.lower() not in ROUTE_METHODS and key not in _PATH_ITEM_KEYS and not key.startswith("x-"):
                yield Violation("route_keys", f"{path}: {key!r} is not an HTTP API route method", jp.join("/paths", path, key))


def integration_types(doc: dict) -> Iterator[Violation]:
    """HTTP APIs take AWS_PROXY and HTTP_PROXY integrations only."""
    for o, integ in _integrations(doc):
        if integration_type(integ) not in ("aws_proxy", "http_proxy"):
            yield Violation("integration_types", f"{o.route}: integration type {integ.get('type')!r} is not AWS_PROXY or HTTP_PROXY",
                            jp.join(o.integration_pointer, "type"))  # fmt: skip


def payload_format_versions(doc: dict) -> Iterator[Violation]:
    """Every integration names its payload format: 1.0 or 2.0 for Lambda, 1.0 for everything else."""
    for o, integ in _integrations(doc):
        if integration_type(integ) not in ("aws_proxy", "http_proxy"):
            continue  # integration_types reports it
        version = integ.get("payloadFormatVersion")
        is_lambda = integration_type(integ) == "aws_proxy" and "integrationSubtype" not in integ
        allowed = ("1.0", "2.0") if is_lambda else ("1.0",)
        if version not in allowed:
            yield Violation("payload_format_versions", f"{o.route}: payloadFormatVersion {version!r} (expected {' or '.join(allowed)})",
                            jp.join(o.integration_pointer, "payloadFormatVersion"))  # fmt: skip


def subtype_integrations(doc: dict) -> Iterator[Violation]:
    """An AWS service integration (integrationSubtype) needs a role and its service parameters."""
    for o, integ in _integrations(doc):
        if "integrationSubtype" in integ:
            for key in ("credentials", "requestParameters"):
                if not integ.get(key):
                    yield Violation("subtype_integrations", f"{o.route}: {integ['integrationSubtype']} without {key}", o.integration_pointer)


def integration_settings(doc: dict) -> Iterator[Violation]:
    """timeoutInMillis within 50–30000 and tlsConfig holding only serverNameToVerify (BC2 `Integration`)."""
    for o, integ in _integrations(doc):
        timeout = as_int(integ.get("timeoutInMillis"))
        if "timeoutInMillis" in integ and timeout is not None and not 50 <= timeout <= 30000:
            yield Violation("integration_settings", f"{o.route}: timeoutInMillis {timeout} is outside 50–30000",
                            jp.join(o.integration_pointer, "timeoutInMillis"))  # fmt: skip
        tls = integ.get("tlsConfig")
        if tls is not None and (not isinstance(tls, dict) or set(tls) - {"serverNameToVerify"}):
            yield Violation("integration_settings", f"{o.route}: tlsConfig takes only serverNameToVerify", jp.join(o.integration_pointer, "tlsConfig"))


def parameter_mappings(doc: dict) -> Iterator[Violation]:
    """Parameter mapping keys in HTTP syntax: `overwrite:header.X`, per status code 200–599 for responses."""
    for o, integ in _integrations(doc):
        if "integrationSubtype" in integ:
            continue  # service parameters (subtype_integrations)
        request = integ.get("requestParameters")
        for key in request if isinstance(request, dict) else ():
            if not _REQUEST_MAPPING.match(str(key)):
                yield Violation("parameter_mappings", f"{o.route}: {key!r} is not an HTTP API request parameter mapping",
                                jp.join(o.integration_pointer, "requestParameters", key))  # fmt: skip
        response = integ.get("responseParameters")
        for status, mapping in response.items() if isinstance(response, dict) else ():
            ptr = jp.join(o.integration_pointer, "responseParameters", status)
            if not (str(status).isdigit() and 200 <= int(status) <= 599) or not isinstance(mapping, dict):
                yield Violation("parameter_mappings", f"{o.route}: response mappings are keyed by a status code 200–599, not {status!r}", ptr)
                continue
            for key in mapping:
                if not _RESPONSE_MAPPING.match(str(key)):
                    yield Violation("parameter_mappings", f"{o.route}: {key!r} is not an HTTP API response parameter mapping", jp.join(ptr, key))


def one_security_requirement(doc: dict) -> Iterator[Violation]:
    """An operation has at most one security requirement naming one scheme (import error otherwise)."""
    if doc.get("security"):
        yield Violation("one_security_requirement", "root security must be written per operation", "/security")
    for o in operations(doc):
        reqs = o.op.get("security")
        if reqs is None:
            continue
        if not isinstance(reqs, list) or len(reqs) > 1 or any(not isinstance(r, dict) or len(r) > 1 for r in reqs):
            yield Violation("one_security_requirement", f"{o.route}: more than one security requirement", jp.join(o.pointer, "security"))


def security_schemes_defined(doc: dict) -> Iterator[Violation]:
    """Every scheme an operation requires is defined."""
    schemes = _schemes(doc)
    for o in operations(doc):
        for req in o.op.get("security") or []:
            for name in req if isinstance(req, dict) else ():
                if name not in schemes:
                    yield Violation("security_schemes_defined", f"{o.route}: security scheme {name!r} is not defined", jp.join(o.pointer, "security"))


def authorizer_types(doc: dict) -> Iterator[Violation]:
    """HTTP authorizers are `request` (Lambda) or `jwt`."""
    for name, auth in _authorizers(doc):
        if str(auth.get("type", "")).lower() not in ("request", "jwt"):
            yield Violation("authorizer_types", f"authorizer {name!r}: type {auth.get('type')!r} is not request or jwt",
                            jp.join("/components/securitySchemes", name, AUTHORIZER, "type"))  # fmt: skip


def jwt_authorizers(doc: dict) -> Iterator[Violation]:
    """A JWT authorizer has an issuer (or an OpenID Connect URL) and a non-empty audience."""
    for name, auth in _authorizers(doc):
        if str(auth.get("type", "")).lower() != "jwt":
            continue
        ptr = jp.join("/components/securitySchemes", name, AUTHORIZER)
        config = auth.get("jwtConfiguration") if isinstance(auth.get("jwtConfiguration"), dict) else {}
        scheme = _schemes(doc)[name]
        if not config.get("issuer") and not (scheme.get("type") == "openIdConnect" and scheme.get("openIdConnectUrl")):
            yield Violation("jwt_authorizers", f"JWT authorizer {name!r} has no issuer", jp.join(ptr, "jwtConfiguration"))
        audience = config.get("audience")
        if not audience:
            yield Violation("jwt_authorizers", f"JWT authorizer {name!r} has an empty audience", jp.join(ptr, "jwtConfiguration"))
        elif isinstance(audience, list) and len(audience) > MAX_AUDIENCES:
            yield Violation("jwt_authorizers", f"JWT authorizer {name!r} has {len(audience)} audiences (at most {MAX_AUDIENCES})",
                            jp.join(ptr, "jwtConfiguration", "audience"))  # fmt: skip
        identity = auth.get("identitySource")
        if isinstance(identity, str) and not _JWT_IDENTITY.match(identity.strip()):
            yield Violation("jwt_authorizers", f"JWT authorizer {name!r}: identity source {identity!r} must be one request header or query string",
                            jp.join(ptr, "identitySource"))  # fmt: skip


def request_authorizers(doc: dict) -> Iterator[Violation]:
    """A Lambda REQUEST authorizer has a function uri and payload format 1.0 or 2.0 (simple responses: 2.0 only)."""
    for name, auth in _authorizers(doc):
        if str(auth.get("type", "")).lower() != "request":
            continue
        ptr = jp.join("/components/securitySchemes", name, AUTHORIZER)
        if not auth.get("authorizerUri"):
            yield Violation("request_authorizers", f"REQUEST authorizer {name!r} has no authorizerUri", ptr)
        version = auth.get("authorizerPayloadFormatVersion")
        if version not in ("1.0", "2.0"):
            yield Violation("request_authorizers", f"REQUEST authorizer {name!r}: authorizerPayloadFormatVersion {version!r}", ptr)
        if auth.get("enableSimpleResponses") and version != "2.0":
            yield Violation("request_authorizers", f"REQUEST authorizer {name!r}: simple responses need payload format 2.0", ptr)
        ttl = as_int(auth.get("authorizerResultTtlInSeconds"))
        if ttl is not None and not 0 <= ttl <= 3600:
            yield Violation("request_authorizers", f"REQUEST authorizer {name!r}: authorizerResultTtlInSeconds {ttl} is outside 0–3600", ptr)
        elif ttl and not auth.get("identitySource"):
            yield Violation("request_authorizers", f"REQUEST authorizer {name!r} caches results but has no identity source to key them on", ptr)


def cors_configuration(doc: dict) -> Iterator[Violation]:
    """`x-amazon-apigateway-cors` holds only CORS fields, maxAge within −1–86400, no credentials with the origin '*'."""
    cors = doc.get(CORS)
    if cors is None:
        return
    if not isinstance(cors, dict):
        yield Violation("cors_configuration", "x-amazon-apigateway-cors must be a mapping", "/" + CORS)
        return
    for key in sorted(set(cors) - set(CORS_FIELDS)):
        yield Violation("cors_configuration", f"x-amazon-apigateway-cors has no field {key!r}", jp.join("/" + CORS, key))
    age = as_int(cors.get("maxAge"))
    if "maxAge" in cors and age is not None and not -1 <= age <= 86400:
        yield Violation("cors_configuration", f"maxAge {age} is outside −1–86400", jp.join("/" + CORS, "maxAge"))
    if cors.get("allowCredentials") is True and "*" in (cors.get("allowOrigins") or []):
        # [U] HTTP API CORS refuses credentials with the wildcard origin, as browsers do.
        yield Violation("cors_configuration", "allowCredentials cannot go with the origin '*'", jp.join("/" + CORS, "allowCredentials"))


def no_rest_extensions(doc: dict) -> Iterator[Violation]:
    """No REST-only extension or property is left (fact sheet §3; tlsConfig is integration_settings')."""
    for key in REST_ONLY_ROOT:
        if key in doc:
            yield Violation("no_rest_extensions", f"REST-only extension {key}", "/" + key)
    for o in operations(doc):
        if "x-amazon-apigateway-request-validator" in o.op:
            yield Violation("no_rest_extensions", f"{o.route}: REST-only request validator", jp.join(o.pointer, "x-amazon-apigateway-request-validator"))
        integ = o.integration or {}
        for key in REST_ONLY_INTEGRATION:
            if key in integ:
                yield Violation("no_rest_extensions", f"{o.route}: REST-only integration property {key}", jp.join(o.integration_pointer, key))
    for name, scheme in _schemes(doc).items():
        if isinstance(scheme, dict) and scheme.get("type") == "apiKey" and str(scheme.get("name", "")).lower() == "x-api-key" and AUTHORIZER not in scheme:
            yield Violation("no_rest_extensions", f"API key scheme {name!r}", jp.join("/components/securitySchemes", name))
    for name, auth in _authorizers(doc):
        for key in REST_ONLY_AUTHORIZER:
            if key in auth:
                yield Violation("no_rest_extensions", f"authorizer {name!r}: REST-only {key}", jp.join("/components/securitySchemes", name, AUTHORIZER, key))


def route_quota(doc: dict) -> Iterator[Violation]:
    """At most 300 routes (a raisable quota)."""
    count = sum(1 for _ in operations(doc))
    if count > MAX_ROUTES:
        yield Violation("route_quota", f"{count} routes, over the default quota of {MAX_ROUTES} (raise it before the import)", "/paths")


def authorizer_quota(doc: dict) -> Iterator[Violation]:
    """At most 10 authorizers (raisable through AWS Support)."""
    count = sum(1 for _ in _authorizers(doc))
    if count > MAX_AUTHORIZERS:
        yield Violation("authorizer_quota", f"{count} authorizers, over the default quota of {MAX_AUTHORIZERS}", "/components/securitySchemes")


RULES: tuple[Callable[[dict], Iterator[Violation]], ...] = (
    openapi_version,
    route_keys,
    integration_types,
    payload_format_versions,
    integration_settings,
    parameter_mappings,
    subtype_integrations,
    one_security_requirement,
    security_schemes_defined,
    authorizer_types,
    jwt_authorizers,
    request_authorizers,
    cors_configuration,
    no_rest_extensions,
)
QUOTA_RULES: dict[str, Callable[[dict], Iterator[Violation]]] = {"AGW801": route_quota, "AGW802": authorizer_quota}


def check(doc: dict) -> list[Violation]:
    """Every violation of `RULES`, in rule order."""
    return [v for rule in RULES for v in rule(doc)]

