"""Reading REST OpenAPI documents the same way everywhere: operations, route keys, security.

Works on both dialects a REST export comes in (OpenAPI 3.0 and Swagger 2.0) without converting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from apigw_migrate import pointer as jp

if TYPE_CHECKING:
    from apigw_migrate.load import Source

ANY_METHOD = "x-amazon-apigateway-any-method"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
INTEGRATION = "x-amazon-apigateway-integration"
AUTHORIZER = "x-amazon-apigateway-authorizer"
AUTHTYPE = "x-amazon-apigateway-authtype"
# The function inside a Lambda invocation URI: arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{fn}/invocations
LAMBDA_FUNCTION_IN_URI = re.compile(r":lambda:path/[^/]+/functions/(.+)/invocations")
# Access-Control-* response headers → the x-amazon-apigateway-cors field they become.
CORS_HEADER_FIELDS = {
    "access-control-allow-origin": "allowOrigins",
    "access-control-allow-methods": "allowMethods",
    "access-control-allow-headers": "allowHeaders",
    "access-control-expose-headers": "exposeHeaders",
    "access-control-max-age": "maxAge",
    "access-control-allow-credentials": "allowCredentials",
}


@dataclass(frozen=True)
class Operation:
    path: str  # as written in `paths`, e.g. "/books/{bookId}"
    method: str  # key as written: "get", "x-amazon-apigateway-any-method"
    op: dict
    pointer: str  # into the Source's document

    @property
    def http_method(self) -> str:
        return "ANY" if self.method == ANY_METHOD else self.method.upper()

    @property
    def route_key(self) -> str:
        return route_key(self.method, self.path)

    @property
    def integration(self) -> dict | None:
        integ = self.op.get(INTEGRATION)
        return integ if isinstance(integ, dict) else None

    @property
    def integration_pointer(self) -> str:
        return jp.join(self.pointer, INTEGRATION)


def is_intrinsic(value: Any) -> bool:
    """A CloudFormation intrinsic: a one-key mapping ``{"Ref": …}``, ``{"Condition": …}`` or ``{"Fn::…": …}``."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = str(next(iter(value)))
    return key in ("Ref", "Condition") or key.startswith("Fn::")


# REST identity-source prefixes and their HTTP spelling (fact sheet §2.4, §6); path parameters cannot be identity sources.
_IDENTITY_PREFIXES = (
    ("method.request.header.", "$request.header."),
    ("method.request.querystring.", "$request.querystring."),
    ("stageVariables.", "$stageVariables."),
    ("context.", "$context."),
)


def translate_identity(source: str) -> str | None:
    """One REST identity source in HTTP spelling (kept when already HTTP), or None when it has none.

    >>> translate_identity("method.request.header.Auth"), translate_identity("stageVariables.v")
    ('$request.header.Auth', '$stageVariables.v')
    >>> translate_identity("method.request.path.id") is None
    True
    """
    s = source.strip()
    if s.startswith("$"):
        return s
    for rest, http in _IDENTITY_PREFIXES:
        if s.startswith(rest):
            return http + s[len(rest):]
    return None


def route_key(method: str, path: str) -> str:
    """HTTP API spelling of a route: ``GET /books/{bookId}``, ``ANY /{proxy+}``."""
    verb = "ANY" if method == ANY_METHOD else method.upper()
    return f"{verb} {path or '/'}"


_SEGMENT_VARIABLE = re.compile(r"^\{[A-Za-z0-9._:-]+\+?\}$")


def route_path_problem(path: str) -> str | None:
    """Why `path` cannot be an HTTP API route path, or None.

    >>> route_path_problem("/books/{id}") is None, route_path_problem("/{proxy+}") is None
    (True, True)
    >>> route_path_problem("/{proxy+}/more")
    'the greedy variable {proxy+} must be the last segment'
    """
    if not isinstance(path, str) or not path.startswith("/"):
        return "a route path must start with '/'"
    segments = path.split("/")[1:]
    if path != "/" and any(s == "" for s in segments):
        return "empty path segment ('//' or a trailing '/')"
    for i, seg in enumerate(segments):
        if "{" in seg or "}" in seg:
            if not _SEGMENT_VARIABLE.match(seg):
                return f"segment {seg!r}: a path variable must be a whole segment named with letters, digits, '.', '_', ':' or '-'"
            if seg.endswith("+}") and i != len(segments) - 1:
                return f"the greedy variable {seg} must be the last segment"
    return None


def template_method_settings_key(resource_path: str, method: str) -> str:
    """The REST methodSettings key of a template MethodSettings item.

    ``/~1books`` GET → ``~1books/GET``; ``/`` → ``~1/GET``; ``/*`` → ``*/GET``. CloudFormation wants
    ResourcePath already escaped (``/~1books~1{id}``); a plain ``/books/{id}`` is read too.

    >>> template_method_settings_key("/~1books~1{id}", "GET"), template_method_settings_key("/books", "POST")
    ('~1books~1{id}/GET', '~1books/POST')
    >>> template_method_settings_key("/", "GET"), template_method_settings_key("/*", "*")
    ('~1/GET', '*/*')
    """
    resource = resource_path[1:] if resource_path.startswith("/") else resource_path
    if "/" in resource or (resource and not resource.startswith("~1") and resource != "*"):
        resource = "~1" + resource.replace("/", "~1")
    return f"{resource or '~1'}/{method}"


def method_settings_routes(key: str, routes: Iterable[str]) -> list[str] | None:
    """The route keys a REST methodSettings key applies to; None for ``*/*`` (every route, the stage default).

    ``~1books~1{id}/GET`` → ``GET /books/{id}``; ``*/GET`` → every GET route; ``~1books/*`` → every route of
    /books. A key ending in ``/ANY`` names the ANY route: how REST keys an ANY method is unconfirmed
    (fact sheet §11 [U]).

    >>> method_settings_routes("~1books~1{id}/GET", ["GET /books/{id}", "PUT /books/{id}", "GET /books"])
    ['GET /books/{id}']
    >>> method_settings_routes("*/*", ["GET /books"]) is None, method_settings_routes("~1/GET", ["GET /", "GET /a"])
    (True, ['GET /'])
    """
    resource, _, method = key.rpartition("/")
    method = method.upper()
    if resource in ("*", "") and method == "*":
        return None
    path = None if resource in ("*", "") else "/" + jp.unescape(resource).lstrip("/")
    matched = []
    for route in routes:
        verb, _, route_path = route.partition(" ")
        if (path is None or route_path == path) and (method == "*" or verb == method):
            matched.append(route)
    return matched


def iter_operations(src: "Source") -> Iterator[Operation]:
    paths = src.api.get("paths") or {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        item_ptr = jp.join("/paths", path)
        for method, op in item.items():
            key = method.lower() if isinstance(method, str) else method
            if (key in HTTP_METHODS or key == ANY_METHOD) and isinstance(op, dict):
                yield Operation(path, key, op, src.api_pointer(jp.join(item_ptr, method)))


_PARAMETER_PLACES = ("path", "query", "header", "cookie", "body", "formData")
_PATH_VARIABLE = re.compile(r"\{([^{}]+?)\+?\}")


@dataclass(frozen=True)
class BadParameter:
    """A parameter OpenAPI cannot read: where (pointer into the API), the routes it belongs to, what is wrong."""

    pointer: str
    path: str
    routes: tuple[str, ...]
    problem: str


def malformed_parameters(api: dict) -> list[BadParameter]:
    """Path-level and operation-level parameters without `name` or `in`, with an unknown `in`, or naming a
    path variable the path does not have. A `$ref` is left to the ref checks.

    >>> api = {"paths": {"/": {"parameters": [{"in": "path", "name": "id"}, {"name": "q"}],
    ...   "get": {"parameters": [{"name": "x", "in": "query"}]}}}}
    >>> [(b.pointer, b.routes, b.problem) for b in malformed_parameters(api)]
    [('/paths/~1/parameters/0', ('GET /',), "path parameter 'id' is not a variable of the path /"), ('/paths/~1/parameters/1', ('GET /',), "parameter 'q' has no 'in'")]
    """
    found: list[BadParameter] = []
    paths = api.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if not isinstance(item, dict):
            continue
        variables: set[str] | None = None
        for method, holder in [(None, item), *item.items()]:
            is_op = method is None or (isinstance(method, str) and (method.lower() in HTTP_METHODS or method == ANY_METHOD))
            params = holder.get("parameters") if is_op and isinstance(holder, dict) else None
            if not isinstance(params, list):
                continue
            if variables is None:
                variables = set(_PATH_VARIABLE.findall(path)) if isinstance(path, str) else set()
            for i, p in enumerate(params):
                problem = _parameter_problem(p, path, variables)
                if problem:
                    found.append(BadParameter(_parameter_pointer(path, method, i), path, _routes_of(item, path, method), problem))
    return found


def _parameter_pointer(path: str, method: str | None, index: int) -> str:
    return jp.join("/paths", path, *([method] if method else []), "parameters", index)


def _routes_of(item: dict, path: str, method: str | None) -> tuple[str, ...]:
    """The route of `method`, or every route of the path item for a path-level parameter."""
    if method is not None:
        return (route_key(method, path),)
    return tuple(
        route_key(m, path) for m, op in item.items() if isinstance(m, str) and (m.lower() in HTTP_METHODS or m == ANY_METHOD) and isinstance(op, dict)
    )


def _parameter_problem(p: Any, path: str, variables: set[str]) -> str | None:
    if not isinstance(p, dict):
        return "a parameter must be a mapping"
    if "$ref" in p:
        return None
    name, place = p.get("name"), p.get("in")
    shown = f"parameter {name!r}" if isinstance(name, str) else "a parameter"
    if place is None:
        return f"{shown} has no 'in'"
    if place not in _PARAMETER_PLACES:
        return f"{shown}: 'in' is {place!r}, not one of path, query, header, cookie"
    if not isinstance(name, str) or not name:
        return f"a {place} parameter has no 'name'" if place != "body" else None
    if place == "path" and name not in variables:
        return f"path parameter {name!r} is not a variable of the path {path}"
    return None


def route_at(pointer: str) -> list[str]:
    """The route whose operation holds `pointer` (a pointer into the API), as a one-item list; else empty.

    >>> route_at("/paths/~1a~1{id}/get/responses/200"), route_at("/components/schemas/A")
    (['GET /a/{id}'], [])
    """
    tokens = jp.split(pointer)
    if len(tokens) >= 3 and tokens[0] == "paths" and (tokens[2].lower() in HTTP_METHODS or tokens[2] == ANY_METHOD):
        return [route_key(tokens[2].lower() if tokens[2] != ANY_METHOD else ANY_METHOD, tokens[1])]
    return []


def malformed_parameter_message(b: BadParameter) -> str:
    """AGW004's message, in check and convert alike."""
    return f"{b.problem}: OpenAPI cannot read it, so the HTTP API is written without it"


def all_route_keys(src: "Source") -> list[str]:
    return [o.route_key for o in iter_operations(src)]


def security_schemes(src: "Source") -> dict[str, tuple[dict, str]]:
    """Security scheme name → (scheme, pointer into the document)."""
    return {name: (s, src.api_pointer(ptr)) for name, (s, ptr) in scheme_table(src.api, src.spec).items()}


def scheme_table(api: dict, spec: str) -> dict[str, tuple[dict, str]]:
    """Security scheme name → (scheme, pointer into `api`).

    An OpenAPI 3.0 document may also carry Swagger 2.0 `securityDefinitions` (REST import accepts them):
    those count too, `components.securitySchemes` winning a name both hold.

    >>> sorted(scheme_table({"components": {"securitySchemes": {"a": {}}}, "securityDefinitions": {"a": {}, "b": {}}}, "oas3").items())
    [('a', ({}, '/components/securitySchemes/a')), ('b', ({}, '/securityDefinitions/b'))]
    """
    places = [("/securityDefinitions", api.get("securityDefinitions"))]
    if spec != "swagger2":
        components = api.get("components")
        places.insert(0, ("/components/securitySchemes", components.get("securitySchemes") if isinstance(components, dict) else None))
    table: dict[str, tuple[dict, str]] = {}
    for ptr, schemes in places:
        for name, s in schemes.items() if isinstance(schemes, dict) else ():
            if isinstance(s, dict):
                table.setdefault(name, (s, jp.join(ptr, name)))
    return table


def operation_security(src: "Source", op: Operation) -> tuple[list, str]:
    """The security requirements that apply to an operation, and where they are written."""
    if "security" in op.op:
        return (op.op.get("security") or []), jp.join(op.pointer, "security")
    return (src.api.get("security") or []), src.api_pointer("/security")


def scheme_kind(scheme: dict) -> str:
    """Classify a REST security scheme: api_key, iam, token, request, cognito, jwt, other."""
    authorizer = scheme.get(AUTHORIZER)
    if isinstance(authorizer, dict):
        t = str(authorizer.get("type", "")).lower()
        return {"token": "token", "request": "request", "cognito_user_pools": "cognito", "jwt": "jwt"}.get(t, "other")
    authtype = str(scheme.get(AUTHTYPE, "")).lower()
    if authtype == "awssigv4":
        return "iam"
    if scheme.get("type") == "apiKey" and str(scheme.get("name", "")).lower() == "x-api-key":
        return "api_key"
    if authtype == "cognito_user_pools":
        return "cognito"
    return "other"


def declared_binary_media_types(src: "Source") -> list:
    """The binary media types the REST API declares, wherever the input keeps them.

    The export's root extension, the bundle's restApi, or the template's BinaryMediaTypes.
    """
    restapi = (src.bundle or {}).get("restApi") or {}
    props = src.template_resource or {}
    for value in (src.api.get("x-amazon-apigateway-binary-media-types"), restapi.get("binaryMediaTypes"), props.get("BinaryMediaTypes")):
        if value:
            return value if isinstance(value, list) else [value]
    return []


def content_handling_matters(value: Any, binary_media_types: list) -> bool:
    """Whether a contentHandling value changes payloads on the REST API.

    CONVERT_TO_BINARY always decodes base64 text. CONVERT_TO_TEXT only acts on binary payloads,
    and a payload is binary only when its type matches a declared binary media type, so without
    any it changes nothing [U: inferred from how REST treats payloads; the fact sheet is silent].
    """
    if not isinstance(value, str):
        return False
    kind = value.upper()
    return kind == "CONVERT_TO_BINARY" or (kind == "CONVERT_TO_TEXT" and bool(binary_media_types))
