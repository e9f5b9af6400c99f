"""Route-by-route differences between a REST API definition and an HTTP API OpenAPI document.

Both sides are first normalized into the same comparable shape per route (see `normalize_rest` and
`normalize_http`): the HTTP API spelling of integration types, Lambda URIs reduced to the function
ARN, REST parameter mappings rewritten in HTTP mapping syntax, REST security rewritten as
authorizer type names. A route moved without a change in meaning therefore compares equal; what
remains is what the migration changed. DeepDiff runs per route on these small dicts: a whole-document
DeepDiff takes seconds on a large API where this takes tens of milliseconds (bench/bench_diff.py).

The JSON form (`DiffResult.to_dict`) is documented in docs/diff-output.md and kept stable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from apigw_migrate import pointer as jp
from apigw_migrate.errors import InputError
from apigw_migrate.load import Source, ensure_shallow, load, parse, read_text, resource_type
from apigw_migrate.openapi import (
    ANY_METHOD,
    CORS_HEADER_FIELDS,
    INTEGRATION,
    Operation,
    iter_operations,
    operation_security,
    scheme_kind,
    security_schemes,
)
from apigw_migrate.refs import check_refs, deref
from apigw_migrate.transforms.stage import lambda_function

FORMAT_NAME = "apigw-migrate/diff"
FORMAT_VERSION = 1

AUTH_TYPES = {
    "iam": "AWS_IAM",
    "token": "TOKEN",
    "request": "REQUEST",
    "cognito": "COGNITO_USER_POOLS",
    "jwt": "JWT",
}
HTTP_TEMPLATE_BODIES = {"AWS::Serverless::HttpApi": "DefinitionBody", "AWS::ApiGatewayV2::Api": "Body"}


@dataclass
class Change:
    """One field that differs: `path` into the normalized route (or CORS) form, both values."""

    path: tuple[str, ...]
    rest: Any
    http: Any

    @property
    def area(self) -> str:
        return self.path[0]

    @property
    def field(self) -> str:
        return ".".join(self.path[1:]) or self.path[0]

    def to_dict(self) -> dict:
        return {"area": self.area, "field": self.field, "path": list(self.path), "rest": self.rest, "http": self.http}


@dataclass
class RouteDiff:
    route: str
    status: str  # changed | removed | added | unchanged
    changes: list[Change] = field(default_factory=list)
    note: str | None = None

    def to_dict(self) -> dict:
        return {
            "route": self.route,
            "status": self.status,
            "changes": [c.to_dict() for c in self.changes],
            "note": self.note,
        }


@dataclass
class CorsDiff:
    status: str  # changed | removed | added | unchanged
    rest: dict | None
    http: dict | None
    changes: list[Change] = field(default_factory=list)
    note: str | None = None

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "rest": self.rest,
            "http": self.http,
            "changes": [c.to_dict() for c in self.changes],
            "note": self.note,
        }


@dataclass
class DiffResult:
    rest_path: str
    rest_kind: str
    rest_api: str | None
    http_path: str
    routes: list[RouteDiff]
    cors: CorsDiff

    def summary(self) -> dict[str, int]:
        counts = {s: 0 for s in ("unchanged", "changed", "added", "removed")}
        for r in self.routes:
            counts[r.status] += 1
        return {"routes": len(self.routes), **counts}

    def to_dict(self) -> dict:
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "rest": {"path": self.rest_path, "kind": self.rest_kind, "api": self.rest_api},
            "http": {"path": self.http_path},
            "summary": self.summary(),
            "routes": [r.to_dict() for r in self.routes],
            "api": {"cors": self.cors.to_dict()},
        }


# --- entry points ------------------------------------------------------------------------------


def diff_files(rest_input: str, http_document: str, api: str | None = None) -> DiffResult:
    """Diff a REST input (anything `load` accepts) against an HTTP API document file."""
    rest = load(rest_input, api=api)
    ensure_shallow(rest.api, rest.path, rest.positions, rest.base_pointer)
    http = load_http_document(http_document)
    ensure_shallow(http.api, http.path, http.positions, http.base_pointer)
    return diff_sources(rest, http)


def load_http_document(path: str) -> Source:
    """An HTTP API OpenAPI 3.0 document (JSON or YAML), or the one HTTP API inside a SAM/CloudFormation template.

    The REST loader's flavor checks do not apply: this side is expected to be an HTTP API.
    """
    parsed = parse(read_text(path), path)
    document, base = parsed.document, ""
    if not isinstance(document, dict):
        raise InputError("expected an HTTP API OpenAPI document (a mapping at the top level)", path)
    if isinstance(document.get("Resources"), dict) and "openapi" not in document:
        base = _template_http_api(document["Resources"], path)
    api = jp.resolve(document, base, None)
    if not isinstance(api, dict):
        raise InputError("the HTTP API definition is not a mapping", path)
    if "swagger" in api:
        raise InputError("HTTP API documents are OpenAPI 3.0; this one is Swagger 2.0", path)
    if not re.fullmatch(r"3\.0(\.\d+)?", str(api.get("openapi", ""))):
        raise InputError(f"not an OpenAPI 3.0 document (openapi: {api.get('openapi')!r})", path)
    if not isinstance(api.get("paths"), dict):
        raise InputError("no 'paths' mapping in the HTTP API document", path)
    src = Source(
        path=path,
        kind="oas3",
        document=document,
        api=api,
        base_pointer=base,
        spec="oas3",
        flavor="http",
        positions=parsed.positions,
    )
    check_refs(src)
    return src


def _template_http_api(resources: dict, path: str) -> str:
    found = [
        (name, HTTP_TEMPLATE_BODIES[r["Type"]])
        for name, r in resources.items()
        if resource_type(r) in HTTP_TEMPLATE_BODIES
        and isinstance(r.get("Properties"), dict)
        and HTTP_TEMPLATE_BODIES[r["Type"]] in r["Properties"]
    ]
    if len(found) != 1:
        what = "no HTTP API with an inline definition" if not found else f"{len(found)} HTTP APIs"
        raise InputError(f"the template holds {what}; pass the HTTP API's OpenAPI document instead", path)
    name, body = found[0]
    return jp.join("/Resources", name, "Properties", body)


def diff_sources(rest: Source, http: Source) -> DiffResult:
    from deepdiff import DeepDiff

    rest_routes = normalize_rest(rest)
    http_routes = normalize_http(http)
    rest_cors, http_cors = rest_cors_config(rest), http_cors_config(http)
    preflight_moved = http_cors is not None

    routes: list[RouteDiff] = []
    blockers: dict[str, list[str]] | None = None
    for key in sorted(set(rest_routes) | set(http_routes), key=_route_order):
        before, after = rest_routes.get(key), http_routes.get(key)
        if after is None:
            note = None
            if preflight_moved and key.startswith("OPTIONS ") and before is not None and before["cors_preflight"]:
                note = "preflight answered by the API-level CORS configuration"
            else:
                blockers = _blockers_by_route(rest) if blockers is None else blockers
                if blockers.get(key):
                    note = "cannot move to an HTTP API: " + "; ".join(blockers[key])
            routes.append(RouteDiff(key, "removed", note=note))
        elif before is None:
            routes.append(RouteDiff(key, "added"))
        else:
            before = {k: v for k, v in before.items() if k != "cors_preflight"}
            after = {k: v for k, v in after.items() if k != "cors_preflight"}
            # DeepDiff costs ~0.1 ms per call even on tiny dicts: run it only on the areas
            # (integration, authorization, parameters) that differ, as most routes differ in none.
            changes = []
            for area in before:
                if before[area] != after[area]:
                    one, other = {area: before[area]}, {area: after[area]}
                    changes += _changes(DeepDiff(one, other, view="tree"), one, other)
            routes.append(RouteDiff(key, "changed" if changes else "unchanged", changes))

    cors_before, cors_after = {"cors": rest_cors or {}}, {"cors": http_cors or {}}
    cors_changes = _changes(DeepDiff(cors_before, cors_after, view="tree"), cors_before, cors_after)
    # REST answered each path's preflight with that path's headers; an HTTP API has one configuration
    # for all routes. A field the paths set differently changed for some of them even when the HTTP
    # value equals their union: it is reported with each path's value.
    by_path = rest_cors_by_path(rest)
    per_path = _per_path_fields(by_path)
    cors_changes = [c for c in cors_changes if c.path[1:2] and c.path[1] not in per_path] + [
        Change(("cors", name), {p: cfg.get(name) for p, cfg in by_path.items()}, (http_cors or {}).get(name)) for name in per_path
    ]
    cors_changes.sort(key=lambda c: c.path)
    note = None
    if per_path:
        note = (
            f"the REST API answered the preflights of {len(by_path)} paths with different {', '.join(per_path)}; "
            "the HTTP API has one configuration for every route"
        )
    if rest_cors is None and http_cors is not None:
        cors_status = "added"
    elif rest_cors is not None and http_cors is None:
        cors_status = "removed"
    else:
        cors_status = "changed" if cors_changes else "unchanged"
    return DiffResult(
        rest_path=rest.path,
        rest_kind=rest.kind,
        rest_api=rest.api_name,
        http_path=http.path,
        routes=routes,
        cors=CorsDiff(cors_status, rest_cors, http_cors, cors_changes, note),
    )


def _blockers_by_route(src: Source) -> dict[str, list[str]]:
    """Route key → `RULE message` of each reason it cannot move: why a removed route was left out.

    Convert's own reasons (it is what leaves routes out), and for the routes it moves with its
    default options, the blockers check finds (a route left out with other options).
    """
    from apigw_migrate.checks import run_checks
    from apigw_migrate.errors import UserError
    from apigw_migrate.findings import Severity
    from apigw_migrate.transforms import ConvertOptions, convert

    try:
        blocked = convert(src, ConvertOptions(on_blocked="skip")).blocked_reasons
    except UserError:
        blocked = {}
    found: dict[str, list] = {route: list(fs) for route, fs in blocked.items()}
    for f in run_checks([src]).findings():
        if f.severity is Severity.BLOCKER:
            for route in f.routes:
                if route not in blocked:
                    found.setdefault(route, []).append(f)
    reasons: dict[str, list[str]] = {}
    for route, findings in found.items():
        for f in findings:
            message = f.message[len(route) + 2 :] if f.message.startswith(route + ": ") else f.message
            reasons.setdefault(route, []).append(f"{f.rule} {message}")
    return reasons


def _per_path_fields(by_path: dict[str, dict]) -> list[str]:
    """The CORS fields whose value differs between the paths that answer preflights (a field one path
    sets and another does not differs too)."""
    if len(by_path) < 2:
        return []
    names = sorted({name for cfg in by_path.values() for name in cfg})
    return [name for name in names if len({json.dumps(cfg.get(name), sort_keys=True) for cfg in by_path.values()}) > 1]


def _route_order(key: str) -> tuple[str, str]:
    method, _, path = key.partition(" ")
    return (path or "\uffff", method)  # `$default` (no path) sorts last


# --- normalization ------------------------------------------------------------------------------


def normalize_rest(src: Source) -> dict[str, dict]:
    """Route key → comparable form of each REST operation."""
    schemes = security_schemes(src)
    result = {}
    for op in iter_operations(src):
        integ = deref(src, op.integration) if op.integration is not None else None
        integ = _rest_path_substitution(integ) if isinstance(integ, dict) else {}
        itype = str(integ.get("type", "")).upper() or None
        result[op.route_key] = {
            "integration": _integration(integ, itype, rest=True),
            "authorization": _authorization(src, op, schemes),
            "parameters": {
                "request": _rest_request_parameters(integ),
                # REST ignores integration responses on proxy integrations (they pass the backend through).
                "response": {} if itype in ("AWS_PROXY", "HTTP_PROXY") else _rest_response_parameters(integ),
            },
            "cors_preflight": op.http_method == "OPTIONS" and itype == "MOCK" and _sets_cors_headers(integ),
        }
    return result


def normalize_http(src: Source) -> dict[str, dict]:
    """Route key → comparable form of each HTTP API route (`$default` for the default route)."""
    schemes = security_schemes(src)
    result = {}
    for op in iter_operations(src):
        key = "$default" if op.method == ANY_METHOD and op.op.get("isDefaultRoute") else op.route_key
        integ = deref(src, op.op.get(INTEGRATION))
        integ = integ if isinstance(integ, dict) else {}
        itype = str(integ.get("type", "")).upper() or None
        result[key] = {
            "integration": _integration(integ, itype, rest=False),
            "authorization": _authorization(src, op, schemes),
            "parameters": {
                "request": _http_mapping(integ.get("requestParameters")),
                "response": {
                    str(status): _http_mapping(mapping)
                    for status, mapping in sorted((integ.get("responseParameters") or {}).items())
                    if isinstance(mapping, dict)
                }
                if isinstance(integ.get("responseParameters"), dict)
                else {},
            },
            "cors_preflight": False,
        }
    return result


def _integration(integ: dict, itype: str | None, *, rest: bool) -> dict:
    uri = integ.get("uri")
    # AWS_PROXY without a subtype is Lambda; with one it is an AWS service (fact sheet §9).
    is_lambda = itype == "AWS_PROXY" and not integ.get("integrationSubtype")
    if is_lambda:
        uri = lambda_function(uri) or uri
    payload = integ.get("payloadFormatVersion")
    if rest:
        # REST has one proxy event shape, the one HTTP APIs call 1.0 (fact sheet §5); it
        # ignores a payloadFormatVersion written in the export.
        payload = "1.0" if itype in ("AWS_PROXY", "HTTP_PROXY") else None
    elif payload is None and itype == "HTTP_PROXY":
        payload = "1.0"  # the only value HTTP proxy integrations take
    timeout = integ.get("timeoutInMillis")
    return {
        "type": itype,
        "uri": uri,
        # Lambda is always invoked with POST: the verb written (or left out) means nothing.
        "httpMethod": None if is_lambda else _upper(integ.get("httpMethod")),
        "payloadFormatVersion": str(payload) if payload is not None else None,
        "integrationSubtype": integ.get("integrationSubtype"),
        "timeoutInMillis": int(timeout) if isinstance(timeout, (int, float)) or str(timeout).isdigit() else timeout,
        "connectionType": _upper(integ.get("connectionType")) or "INTERNET",
        "connectionId": integ.get("connectionId"),
        "credentials": integ.get("credentials"),
    }


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _authorization(src: Source, op: Operation, schemes: dict) -> dict:
    requirements, _ = operation_security(src, op)
    api_key = False
    alternatives: list[list[tuple[str, str, list]]] = []
    for requirement in requirements if isinstance(requirements, list) else ():
        if not isinstance(requirement, dict):
            continue
        entries = []
        for name, scopes in sorted(requirement.items()):
            scheme = schemes.get(name, ({}, ""))[0]
            kind = scheme_kind(scheme) if scheme else "other"
            if kind == "api_key":
                api_key = True
                continue
            entries.append((AUTH_TYPES.get(kind, "UNKNOWN"), name, sorted(scopes or []) if isinstance(scopes, list) else []))
        if entries:
            alternatives.append(entries)
    if not alternatives:
        auth = op.op.get("x-amazon-apigateway-auth")
        is_iam = isinstance(auth, dict) and str(auth.get("type", "")).upper() == "AWS_IAM"
        return {"type": "AWS_IAM" if is_iam else "NONE", "authorizer": None, "scopes": [], "apiKeyRequired": api_key}
    if len(alternatives) == 1 and len(alternatives[0]) == 1:
        ((kind, name, scopes),) = alternatives[0]
        authorizer = None if kind == "AWS_IAM" else name
        return {"type": kind, "authorizer": authorizer, "scopes": scopes, "apiKeyRequired": api_key}
    # Several requirements (OR) or several schemes in one (AND): HTTP import rejects these
    # (fact sheet §3), so they only appear on the REST side; spelled out to stay readable.
    spelled = " | ".join(" + ".join(f"{name} ({kind})" for kind, name, _ in alt) for alt in alternatives)
    scopes = sorted({s for alt in alternatives for _, _, sc in alt for s in sc})
    return {"type": "MULTIPLE", "authorizer": spelled, "scopes": scopes, "apiKeyRequired": api_key}


# REST mapping expression → HTTP mapping expression (fact sheet §4.2).
_REST_SOURCES = (
    ("method.request.multivaluequerystring.", "$request.querystring."),
    ("method.request.querystring.", "$request.querystring."),
    ("method.request.multivalueheader.", "$request.header."),
    ("method.request.header.", "$request.header."),
    ("method.request.path.", "$request.path."),
    ("method.request.body", "$request.body"),
    ("integration.response.multivalueheader.", "$response.header."),
    ("integration.response.header.", "$response.header."),
    ("integration.response.body", "$response.body"),
    ("stageVariables.", "$stageVariables."),
    ("context.", "$context."),
)


def _rest_source(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    for prefix, replacement in _REST_SOURCES:
        if value.startswith(prefix):
            return _lower_header(replacement + value[len(prefix) :])
    return value


def _lower_header(expression: str) -> str:
    """Header names are case-insensitive: `$request.header.X-Id` and `…x-id` are the same source."""
    for prefix in ("$request.header.", "$response.header."):
        if expression.startswith(prefix):
            return prefix + expression[len(prefix) :].lower()
    return expression


def _rest_path_substitution(integ: dict) -> dict:
    """REST path-parameter mappings folded into the integration URI, as HTTP APIs spell them.

    An HTTP API integration URI takes route path variables by name (`…/{authorId}`) [U] (fact
    sheet §4.2). So REST's `integration.request.path.id ← method.request.path.authorId` with
    `…/{id}` in its URI means the same as an HTTP URI `…/{authorId}` without a mapping, and an
    identity mapping (`path.proxy ← method.request.path.proxy`) means nothing at all.
    """
    params = integ.get("requestParameters")
    if not isinstance(params, dict):
        return integ
    uri = integ.get("uri")
    kept = {}
    for target, source in params.items():
        name = target[len("integration.request.path.") :] if target.startswith("integration.request.path.") else None
        variable = source[len("method.request.path.") :] if isinstance(source, str) and source.startswith("method.request.path.") else None
        if name is None or variable is None:
            kept[target] = source
        elif name == variable:
            continue
        elif isinstance(uri, str) and "{" + name + "}" in uri:
            uri = uri.replace("{" + name + "}", "{" + variable + "}")
        else:
            kept[target] = source
    return {**integ, "uri": uri, "requestParameters": kept}


def _rest_request_parameters(integ: dict) -> dict:
    params = integ.get("requestParameters")
    if not isinstance(params, dict):
        return {}
    result = {}
    for target, source in params.items():
        if target.startswith("integration.request.path."):
            key = "path." + target[len("integration.request.path.") :]
        elif target.startswith("integration.request.header."):
            key = "overwrite:header." + target[len("integration.request.header.") :].lower()
        elif target.startswith("integration.request.querystring."):
            key = "overwrite:querystring." + target[len("integration.request.querystring.") :]
        else:
            key = target
        result[key] = _rest_source(source)
    return dict(sorted(result.items()))


def _rest_response_parameters(integ: dict) -> dict:
    responses = integ.get("responses")
    if not isinstance(responses, dict):
        return {}
    result: dict[str, dict] = {}
    for response in responses.values():
        if not isinstance(response, dict) or not isinstance(response.get("responseParameters"), dict):
            continue
        mapping = result.setdefault(str(response.get("statusCode", "200")), {})
        for target, source in response["responseParameters"].items():
            if target.startswith("method.response.header."):
                target = "overwrite:header." + target[len("method.response.header.") :].lower()
            mapping[target] = _rest_source(source)
    return {status: dict(sorted(m.items())) for status, m in sorted(result.items()) if m}


def _http_mapping(mapping: Any) -> dict:
    if not isinstance(mapping, dict):
        return {}
    result = {}
    for key, value in mapping.items():
        action, _, target = str(key).partition(":")
        if target.startswith("header."):
            key = f"{action}:header.{target[len('header.'):].lower()}"
        if isinstance(value, str):
            # `${request.header.x}` and `$request.header.x` are two spellings of one source.
            whole = re.fullmatch(r"\$\{([^{}]+)\}", value)
            value = _lower_header("$" + whole.group(1) if whole else value)
        result[key] = value
    return dict(sorted(result.items()))


# --- CORS ---------------------------------------------------------------------------------------


def _sets_cors_headers(integ: dict) -> bool:
    return any(True for _ in _cors_values(integ))


def _cors_values(integ: dict) -> Iterable[tuple[str, str]]:
    responses = integ.get("responses") if isinstance(integ.get("responses"), dict) else {}
    for response in responses.values():
        params = response.get("responseParameters") if isinstance(response, dict) else None
        for target, source in (params or {}).items() if isinstance(params, dict) else ():
            header = target[len("method.response.header.") :].lower() if target.startswith("method.response.header.") else ""
            if header in CORS_HEADER_FIELDS and isinstance(source, str):
                yield CORS_HEADER_FIELDS[header], _rest_source(source)


def rest_cors_by_path(src: Source) -> dict[str, dict]:
    """Path → the CORS configuration its MOCK OPTIONS method answers preflights with, in HTTP API terms."""
    result: dict[str, dict] = {}
    for op in iter_operations(src):
        integ = deref(src, op.integration) if op.integration is not None else None
        if op.http_method != "OPTIONS" or not isinstance(integ, dict) or str(integ.get("type", "")).upper() != "MOCK":
            continue
        config: dict[str, Any] = {}
        for name, value in _cors_values(integ):
            if name in ("maxAge", "allowCredentials"):
                config[name] = value
            else:
                config.setdefault(name, []).extend(v.strip() for v in str(value).split(",") if v.strip())
        if config:
            result[op.path] = _cors_normalized(config)
    return result


def rest_cors_config(src: Source) -> dict | None:
    """The one CORS configuration a REST API's MOCK OPTIONS methods amount to, in HTTP API terms, merged
    as convert merges them: the union of the lists, the largest max age, credentials if any path allowed them."""
    by_path = rest_cors_by_path(src)
    if not by_path:
        return None
    merged: dict[str, Any] = {}
    for config in by_path.values():
        for name, value in config.items():
            if name == "maxAge":
                ages = [a for a in (merged.get(name), value) if isinstance(a, int)]
                merged[name] = max(ages) if ages else value
            elif name == "allowCredentials":
                merged[name] = bool(merged.get(name)) or value
            else:
                merged[name] = sorted(set(merged.get(name, [])) | set(value), key=str)
    return merged


def http_cors_config(src: Source) -> dict | None:
    cors = src.api.get("x-amazon-apigateway-cors")
    return _cors_normalized(cors) if isinstance(cors, dict) else None


def _cors_normalized(cors: dict) -> dict:
    result: dict[str, Any] = {}
    for key in ("allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders"):
        values = cors.get(key)
        if values is None:
            continue
        values = values if isinstance(values, list) else [values]
        if key == "allowMethods":
            values = [str(v).upper() for v in values]
        elif key in ("allowHeaders", "exposeHeaders"):
            values = [str(v).lower() for v in values]
        result[key] = sorted(set(values), key=str)
    if cors.get("maxAge") is not None:
        age = cors["maxAge"]
        result["maxAge"] = int(age) if str(age).lstrip("-").isdigit() else age
    if cors.get("allowCredentials") is not None:
        flag = cors["allowCredentials"]
        result["allowCredentials"] = flag if isinstance(flag, bool) else str(flag).lower() == "true"
    return result


# --- turning DeepDiff's report into field-level changes ---------------------------------------------


def _depth(path: tuple) -> int:
    """How deep a change is reported: a whole field, a whole mapping entry, never inside a list."""
    if path[:1] == ("parameters",):
        return 4 if path[1:2] == ("response",) else 3
    return 2  # integration.X, authorization.X, cors.X


_MISSING = object()


def _get(node: Any, path: tuple) -> Any:
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _changes(tree: Any, before: dict, after: dict) -> list[Change]:
    paths: set[tuple] = set()
    for levels in tree.values():
        for level in levels:
            raw = level.path(output_format="list")
            cut: list = []
            for key in raw:
                if not isinstance(key, str) or len(cut) >= _depth(tuple(cut + [key])):
                    break
                cut.append(key)
            paths.update(_expand(tuple(cut), before, after))
    changes = []
    for path in sorted(paths):
        old, new = _get(before, path), _get(after, path)
        changes.append(Change(path, None if old is _MISSING else old, None if new is _MISSING else new))
    return changes


def _expand(path: tuple, before: dict, after: dict) -> Iterable[tuple]:
    """A change reported on a whole mapping becomes one change per differing entry."""
    old, new = _get(before, path), _get(after, path)
    old = {} if old is _MISSING and isinstance(new, dict) else old
    new = {} if new is _MISSING and isinstance(old, dict) else new
    if path and len(path) < _depth(path) and isinstance(old, dict) and isinstance(new, dict):
        for key in set(old) | set(new):
            if old.get(key, _MISSING) != new.get(key, _MISSING):
                yield from _expand(path + (key,), before, after)
    elif path:
        yield path


# --- rendering ----------------------------------------------------------------------------------


def render_json(result: DiffResult) -> str:
    return json.dumps(result.to_dict(), indent=2, default=str) + "\n"


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)


_MARKS = {"changed": "~", "removed": "-", "added": "+", "unchanged": "="}


def _rest_label(result: DiffResult) -> str:
    return result.rest_path + (f"#{result.rest_api}" if result.rest_api else "")


def _headline(result: DiffResult) -> list[str]:
    s = result.summary()
    return [
        f"REST  {_rest_label(result)} ({result.rest_kind})",
        f"HTTP  {result.http_path}",
        f"Routes: {s['routes']} ({s['unchanged']} unchanged, {s['changed']} changed, "
        f"{s['added']} added, {s['removed']} removed)",
    ]


def render_text(result: DiffResult) -> str:
    """Plain text: the summary, then every route that is not unchanged with its changes, then CORS."""
    lines = _headline(result)
    shown = [r for r in result.routes if r.status != "unchanged"]
    if shown:
        lines.append("")
    for r in shown:
        lines.append(f"{_MARKS[r.status]} {r.route}" + (f"  ({r.note})" if r.note else ""))
        for c in r.changes:
            lines.append(f"    {c.area}.{c.field}: {_value(c.rest)} -> {_value(c.http)}")
    lines.append("")
    lines.append(f"CORS: {result.cors.status}" + (f"  ({result.cors.note})" if result.cors.note else ""))
    for c in result.cors.changes:
        lines.append(f"    {c.field}: {_value(c.rest)} -> {_value(c.http)}")
    return "\n".join(lines) + "\n"


def render_rich(result: DiffResult, console: Any) -> None:
    """The text form as a rich table, for a terminal."""
    from rich.table import Table

    from rich.text import Text

    styles = {"changed": "yellow", "removed": "red", "added": "green"}
    for line in _headline(result):
        console.print(line, highlight=False, markup=False)
    shown = [r for r in result.routes if r.status != "unchanged"]
    if shown:
        table = Table(show_lines=True)
        table.add_column("", no_wrap=True)
        table.add_column("Route", no_wrap=True)
        table.add_column("Field", overflow="fold")
        table.add_column("REST", overflow="fold")
        table.add_column("HTTP", overflow="fold")
        for r in shown:
            style = styles.get(r.status, "")
            # Text cells: a value's `[...]` is not markup and `:100:` is not an emoji.
            if not r.changes:
                table.add_row(Text(_MARKS[r.status]), Text(r.route), Text(r.note or r.status), "", "", style=style)
            for i, c in enumerate(r.changes):
                table.add_row(
                    Text(_MARKS[r.status] if i == 0 else ""),
                    Text(r.route if i == 0 else ""),
                    Text(f"{c.area}.{c.field}"),
                    Text(_value(c.rest)),
                    Text(_value(c.http)),
                    style=style,
                )
        console.print(table)
    console.print(f"CORS: {result.cors.status}" + (f"  ({result.cors.note})" if result.cors.note else ""), highlight=False, markup=False)
    for c in result.cors.changes:
        console.print(f"    {c.field}: {_value(c.rest)} -> {_value(c.http)}", highlight=False, markup=False)


def _md(value: Any) -> str:
    if value is None:
        return "(none)"
    return "`" + _value(value).replace("`", "'").replace("|", "\\|") + "`"


def render_markdown(result: DiffResult) -> str:
    s = result.summary()
    out = [
        "# REST → HTTP API diff",
        "",
        f"REST: `{_rest_label(result)}` ({result.rest_kind}) · HTTP: `{result.http_path}`",
        "",
        "| Routes | Unchanged | Changed | Added | Removed |",
        "|---:|---:|---:|---:|---:|",
        f"| {s['routes']} | {s['unchanged']} | {s['changed']} | {s['added']} | {s['removed']} |",
    ]
    changed = [r for r in result.routes if r.status == "changed"]
    if changed:
        out += ["", "## Changed routes", "", "| Route | Field | REST | HTTP |", "|---|---|---|---|"]
        for r in changed:
            for c in r.changes:
                out.append(f"| `{r.route}` | {c.area}.{c.field} | {_md(c.rest)} | {_md(c.http)} |")
    for status, title in (("removed", "Removed routes"), ("added", "Added routes")):
        rows = [r for r in result.routes if r.status == status]
        if rows:
            out += ["", f"## {title}", ""]
            out += [f"- `{r.route}`" + (f": {r.note}" if r.note else "") for r in rows]
    out += ["", "## CORS", "", f"Status: {result.cors.status}" + (f" ({result.cors.note})" if result.cors.note else "")]
    if result.cors.changes:
        out += ["", "| Field | REST | HTTP |", "|---|---|---|"]
        out += [f"| {c.field} | {_md(c.rest)} | {_md(c.http)} |" for c in result.cors.changes]
    return "\n".join(out) + "\n"
