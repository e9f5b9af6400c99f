"""routes: make every path + method a valid HTTP API route, and keep the REST stage out of the routes.

A REST export names its stage in `servers[].variables.basePath` (OpenAPI 3.0) or `basePath` (Swagger 2.0,
a server URL path after normalize). HTTP import turns a base path into part of every route unless told to
ignore it (fact sheet §3: the base path is the `basePath` server variable, else the URL path), so the
servers are reduced to ``{"url": "/"}`` (kept only to carry the endpoint configuration). A greedy variable
(`{proxy+}`) must be the last segment of a route. The routes the analysis blocked are left out here, so
no later pass sees them; a route that breaks a route-key rule was blocked by AGW803.
`x-amazon-apigateway-any-method` stays: it is the ANY route in HTTP import too. CORS-only OPTIONS
methods are left to the `cors` pass, which needs their headers.
"""

from __future__ import annotations

from apigw_migrate import pointer as jp
from apigw_migrate.findings import Finding
from apigw_migrate.openapi import route_path_problem
from apigw_migrate.transforms.context import ENDPOINT_CONFIGURATION, Context, operations, remove_operation


def routes(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Leave out the blocked routes, check every other route key and drop the REST base path from `servers`.

    >>> doc = {"openapi": "3.0.1", "servers": [{"url": "https://x.example/{basePath}",
    ...        "variables": {"basePath": {"default": "/prod"}}}],
    ...        "paths": {"/{proxy+}/x": {"get": {}}, "/a": {"get": {}}}}
    >>> ctx = Context()
    >>> out, findings = routes(doc, ctx)
    >>> "servers" in out, sorted(ctx.blocked), [f.rule for f in findings]
    (False, ['GET /{proxy+}/x'], ['AGW000'])
    """
    findings: list[Finding] = []
    _servers(doc, ctx)
    removed = []
    for o in operations(doc):
        if o.route in ctx.blocked:
            remove_operation(doc, o)
            removed.append(o.route)
            continue
        problem = route_path_problem(o.path)
        if problem:
            findings.append(ctx.cannot(o.route, jp.join("/paths", o.path), f"the route path ({problem})"))
            remove_operation(doc, o)
    if removed:
        ctx.note(f"left out {len(removed)} blocked route(s): {', '.join(removed)}")
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
