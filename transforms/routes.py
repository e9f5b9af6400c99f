"""routes: make every path + method a valid HTTP API route, and keep the REST stage out of the routes.

A REST export names its stage in `servers[].variables.basePath` (OpenAPI 3.0) or `basePath` (Swagger 2.0,
a server URL path after normalize). HTTP import turns a base path into part of every route unless told to
ignore it (fact sheet §3: the base path is the `basePath` server variable, else the URL path), so the
servers are reduced to ``{"url": "/"}`` (kept only to carry the endpoint configuration). A greedy variable
(`{proxy+}`) must be the last segment of a route; a route that breaks a route-key rule cannot move.
`x-amazon-apigateway-any-method` stays: it is the ANY route in HTTP import too. CORS-only OPTIONS
methods are left to the `cors` pass, which needs their headers.
"""

from __future__ import annotations

import re

from apigw_migrate import pointer as jp
from apigw_migrate.findings import Finding, Severity
from apigw_migrate.transforms.context import Context, operations

_VARIABLE = re.compile(r"\{([^{}]+)\}")
_SEGMENT_VARIABLE = re.compile(r"^\{[A-Za-z0-9._:-]+\+?\}$")
ENDPOINT_CONFIGURATION = "x-amazon-apigateway-endpoint-configuration"
# Not in the rule catalog yet (REST import rejects such paths too, so check has no rule for it); the lead
# is asked for a catalog entry. Until then the finding is built here, with its own alternative.
INVALID_ROUTE_RULE = "AGW803"


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


def routes(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Check every route key and drop the REST base path from `servers`.

    >>> doc = {"openapi": "3.0.1", "servers": [{"url": "https://x.example/{basePath}",
    ...        "variables": {"basePath": {"default": "/prod"}}}],
    ...        "paths": {"/{proxy+}/x": {"get": {}}, "/a": {"get": {}}}}
    >>> ctx = Context()
    >>> out, findings = routes(doc, ctx)
    >>> "servers" in out, sorted(ctx.blocked)
    (False, ['GET /{proxy+}/x'])
    """
    findings: list[Finding] = []
    _servers(doc, ctx)
    for o in operations(doc):
        problem = route_path_problem(o.path)
        if problem:
            f = Finding(
                rule=INVALID_ROUTE_RULE,
                severity=Severity.BLOCKER,
                message=f"{o.route}: not a valid HTTP API route ({problem}); the route cannot move as written",
                alternative="Rename the resource so that path variables are whole segments and a greedy {name+} comes last.",
                pointer=ctx.pointer(jp.join("/paths", o.path)),
                routes=(o.route,),
            )
            findings.append(f)
            ctx.block(o.route, f)
    return doc, findings


def _servers(doc: dict, ctx: Context) -> None:
    servers = doc.get("servers")
    if not isinstance(servers, list) or not servers:
        return
    if servers == [{"url": "/"}] or all(_plain_root(s) for s in servers):
        return
    endpoint = next((s[ENDPOINT_CONFIGURATION] for s in servers if isinstance(s, dict) and ENDPOINT_CONFIGURATION in s), None)
    base = _base_path(servers[0])
    if endpoint is None:
        del doc["servers"]
    else:
        doc["servers"] = [{"url": "/", ENDPOINT_CONFIGURATION: endpoint}]
    where = f" (base path {base!r})" if base else ""
    ctx.note(
        f"removed the REST server URL{where}: HTTP import would put a base path in front of every route; "
        "HTTP stages are chosen at deploy time"
    )


def _plain_root(server: object) -> bool:
    return isinstance(server, dict) and server.get("url") == "/" and "variables" not in server


def _base_path(server: object) -> str | None:
    if not isinstance(server, dict):
        return None
    variables = server.get("variables")
    if isinstance(variables, dict) and isinstance(variables.get("basePath"), dict):
        default = variables["basePath"].get("default")
        return default if isinstance(default, str) else None
    url = server.get("url")
    if isinstance(url, str):
        rest = url.split("://", 1)[1] if "://" in url else url
        path = "/" + rest.split("/", 1)[1] if "/" in rest else ""
        return path if path not in ("", "/") else None
    return None
