"""normalize: make the input an OpenAPI 3.0 document the later passes can read the same way.

Swagger 2.0 becomes OpenAPI 3.0 (HTTP import rejects 2.0 outright): securityDefinitions →
components.securitySchemes, definitions → components.schemas (every `$ref` rewritten), body and formData
parameters → requestBody, consumes/produces → media types, host/basePath/schemes → servers. References to
other files are inlined (HTTP import cannot follow them); path items and integrations given by a local
`$ref` are resolved. What OpenAPI requires and REST exports may lack is added: a default response, the
declaration of each path variable, `info.title` and `info.version`.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from apigw_migrate import pointer as jp
from apigw_migrate.findings import Finding
from apigw_migrate.openapi import INTEGRATION, malformed_parameters
from apigw_migrate.refs import split_ref
from apigw_migrate.transforms.context import DEFAULT_RESPONSE, ENDPOINT_CONFIGURATION, OPERATION_KEYS, Context, operations, path_variables

_SCHEMA_KEYS = (
    "type", "format", "items", "enum", "default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "multipleOf",
)  # fmt: skip
_PARAM_KEYS = ("name", "in", "description", "required", "allowEmptyValue", "deprecated", "example")
_COLLECTION_STYLE = {"csv": ("form", False), "multi": ("form", True), "ssv": ("spaceDelimited", False), "pipes": ("pipeDelimited", False)}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_REF_PREFIXES = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}


def normalize(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Return `doc` as OpenAPI 3.0 with nothing the HTTP import cannot read.

    >>> doc = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "basePath": "/prod",
    ...        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}
    >>> out, findings = normalize(doc, Context())
    >>> out["openapi"], out["servers"], findings
    ('3.0.1', [{'url': '/prod'}], [])
    >>> normalize(out, Context())[0] == out
    True
    """
    _broken_refs(doc, ctx)
    _malformed_parameters(doc, ctx)
    if "swagger" in doc:
        doc = _from_swagger2(doc, ctx)
        ctx.note("converted Swagger 2.0 to OpenAPI 3.0.1")
    else:
        _swagger2_leftovers(doc, ctx)
    if ctx.src is not None and ctx.src.external:
        _inline_external(doc, ctx)
    _resolve_local(doc, ctx)
    _info(doc, ctx)
    for o in operations(doc):
        responses = o.op.get("responses")
        if not isinstance(responses, dict) or not responses:
            o.op["responses"] = copy.deepcopy(DEFAULT_RESPONSE)
            ctx.note(f"{o.route}: added a default response (OpenAPI requires at least one)")
        missing = [name for name in path_variables(o.path) if name not in _declared_path_parameters(doc, o.path, o.op)]
        if missing:
            o.op.setdefault("parameters", []).extend(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in missing
            )
            ctx.note(f"{o.route}: declared the path parameter(s) {', '.join(missing)} (OpenAPI requires it)")
    return doc, []


def _broken_refs(doc: dict, ctx: Context) -> None:
    """Schemas whose `$ref` does not resolve (load recorded them; AGW003 reports them) become empty schemas.

    Runs first, on the input's shape, where the recorded pointers still hold.
    """
    for b in ctx.src.broken_refs if ctx.src is not None else ():
        holder = jp.resolve(doc, b.holder, None)
        if isinstance(holder, dict) and holder.get("$ref") == b.ref:
            holder.clear()
            ctx.note(f"left out the schema at {b.holder}: its $ref {b.ref!r} does not resolve")


def _malformed_parameters(doc: dict, ctx: Context) -> None:
    """Parameters OpenAPI cannot read (AGW004 reports them) are left out (on the input's shape, like `_broken_refs`)."""
    bad = malformed_parameters(doc)
    for b in reversed(bad):  # from the last: removing an item moves the ones after it
        holder = jp.resolve(doc, jp.parent(b.pointer))
        del holder[int(jp.split(b.pointer)[-1])]
        if not holder:
            del jp.resolve(doc, jp.parent(jp.parent(b.pointer)))["parameters"]
        ctx.note(f"left out the parameter at {b.pointer}: {b.problem}")


def _info(doc: dict, ctx: Context) -> None:
    """OpenAPI requires info.title and info.version; HTTP import names the API after the title."""
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    added = []
    if info.get("title") in (None, ""):
        info["title"] = (ctx.src.api_name if ctx.src is not None and ctx.src.api_name else None) or "converted-api"
        added.append(f"title {info['title']!r}")
    if info.get("version") in (None, ""):
        info["version"] = "1.0"
        added.append("version '1.0'")
    if added:
        doc["info"] = info
        ctx.note(f"added info {' and '.join(added)} (OpenAPI requires them)")


def _swagger2_leftovers(doc: dict, ctx: Context) -> None:
    """Swagger 2.0 constructs inside an OpenAPI 3.0 document (hand-edited files): definitions, body parameters."""
    changed = _security_definitions(doc, ctx)
    if isinstance(doc.get("definitions"), dict):
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in doc.pop("definitions").items():
            schemas.setdefault(name, schema)
        ctx.renames["/components/schemas"] = "/definitions"
        changed = True
    for o in operations(doc):
        consumes = _list(o.op.get("consumes")) or ["application/json"]
        for key in ("consumes", "produces"):
            if o.op.pop(key, None) is not None:
                changed = True
        params = o.op.get("parameters")
        if not isinstance(params, list):
            continue
        bodies = [p for p in params if isinstance(p, dict) and p.get("in") in ("body", "formData")]
        if not bodies:
            continue
        o.op["parameters"] = [
            p if not isinstance(p, dict) or {"schema", "content", "$ref"} & set(p) else _param(p) for p in params if p not in bodies
        ]
        if not o.op["parameters"]:
            del o.op["parameters"]
        if "requestBody" not in o.op:
            o.op["requestBody"] = _body(bodies, consumes)
        changed = True
    if changed:
        _rewrite_refs(doc, set())
        ctx.note("rewrote Swagger 2.0 constructs found inside the OpenAPI 3.0 document (definitions, body parameters, consumes/produces)")


def _security_definitions(doc: dict, ctx: Context) -> bool:
    """Swagger 2.0 `securityDefinitions` beside `components` (REST import reads both) → `components.securitySchemes`.

    Read as `apigw_migrate.openapi.scheme_table` reads them: a name both hold keeps the OpenAPI 3.0 scheme.
    """
    legacy = doc.get("securityDefinitions")
    if not isinstance(legacy, dict):
        return False
    del doc["securityDefinitions"]
    components = doc.setdefault("components", {})
    if not isinstance(components.get("securitySchemes"), dict):
        components["securitySchemes"] = {}
    schemes = components["securitySchemes"]
    for name, scheme in legacy.items():
        if name not in schemes:
            schemes[name] = _scheme(scheme)
            ctx.renames[jp.join("/components/securitySchemes", name)] = jp.join("/securityDefinitions", name)
    ctx.note(f"moved securityDefinitions ({', '.join(legacy)}) into components.securitySchemes")
    return True


def _declared_path_parameters(doc: dict, path: str, op: dict) -> set[str]:
    item = doc["paths"].get(path) or {}
    names = set()
    for p in list(item.get("parameters") or []) + list(op.get("parameters") or []):
        if isinstance(p, dict) and isinstance(p.get("$ref"), str) and p["$ref"].startswith("#"):
            p = jp.resolve(doc, p["$ref"][1:], None)
        if isinstance(p, dict) and p.get("in") == "path" and isinstance(p.get("name"), str):
            names.add(p["name"])
    return names


# -- Swagger 2.0 → OpenAPI 3.0 ------------------------------------------------------------------


def _from_swagger2(doc: dict, ctx: Context) -> dict:
    consumes = _list(doc.get("consumes")) or ["application/json"]
    produces = _list(doc.get("produces")) or ["application/json"]
    body_params = {
        name for name, p in (doc.get("parameters") or {}).items() if isinstance(p, dict) and p.get("in") in ("body", "formData")
    }
    out: dict[str, Any] = {"openapi": "3.0.1"}
    if "info" in doc:
        out["info"] = doc["info"]
    servers = _servers(doc)
    if servers:
        out["servers"] = servers
        ctx.renames["/servers"] = "/basePath" if "basePath" in doc else "/host"
    components: dict[str, Any] = {}
    for key, value in doc.items():
        if key in ("swagger", "info", "host", "basePath", "schemes", "consumes", "produces", ENDPOINT_CONFIGURATION):
            continue
        if key == "definitions":
            components["schemas"] = value
            ctx.renames["/components/schemas"] = "/definitions"
        elif key == "securityDefinitions":
            components["securitySchemes"] = {n: _scheme(s) for n, s in (value or {}).items()}
            ctx.renames["/components/securitySchemes"] = "/securityDefinitions"
        elif key == "parameters":
            params = {n: _param(p) for n, p in (value or {}).items() if n not in body_params}
            bodies = {n: _body([p], consumes) for n, p in (value or {}).items() if n in body_params}
            if params:
                components["parameters"] = params
                ctx.renames["/components/parameters"] = "/parameters"
            if bodies:
                components["requestBodies"] = bodies
                ctx.renames["/components/requestBodies"] = "/parameters"
        elif key == "responses":
            components["responses"] = {n: _response(r, produces) for n, r in (value or {}).items()}
            ctx.renames["/components/responses"] = "/responses"
        elif key == "paths":
            out["paths"] = _paths(value or {}, consumes, produces, body_params, ctx)
        else:
            out[key] = value
    if components:
        out["components"] = components
    _rewrite_refs(out, body_params)
    return out


def _servers(doc: dict) -> list[dict]:
    host, base = doc.get("host"), doc.get("basePath")
    if host is None and base is None and ENDPOINT_CONFIGURATION not in doc:
        return []
    schemes = _list(doc.get("schemes")) or ["https"]
    path = base if base is not None else ""
    if host is not None and isinstance(host, str) and isinstance(path, str):
        url: Any = f"{schemes[0]}://{host}{path}"
    else:
        url = path if isinstance(path, str) and path else "/"
    server: dict[str, Any] = {"url": url}
    if ENDPOINT_CONFIGURATION in doc:
        server[ENDPOINT_CONFIGURATION] = doc[ENDPOINT_CONFIGURATION]
    return [server]


def _paths(paths: dict, consumes: list, produces: list, body_params: set[str], ctx: Context) -> dict:
    out: dict[str, Any] = {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            out[path] = item
            continue
        new_item: dict[str, Any] = {}
        shared = item.get("parameters") or []
        for key, value in item.items():
            if key == "parameters":
                kept = [_param(p) for p in value or [] if not _is_body(p, body_params)]
                if kept:
                    new_item["parameters"] = kept
            elif isinstance(value, dict) and key.lower() in OPERATION_KEYS:
                new_item[key] = _operation(value, consumes, produces, body_params, shared, jp.join("/paths", path, key), ctx)
            else:
                new_item[key] = value
        out[path] = new_item
    return out


def _operation(op: dict, consumes: list, produces: list, body_params: set[str], shared: list, ptr: str, ctx: Context) -> dict:
    op_consumes = _list(op.get("consumes")) or consumes
    op_produces = _list(op.get("produces")) or produces
    out: dict[str, Any] = {}
    bodies = []
    for key, value in op.items():
        if key in ("consumes", "produces", "schemes"):
            continue
        if key == "parameters":
            params = []
            for i, p in enumerate(value or []):
                if _is_body(p, body_params):
                    bodies.append(p)
                    ctx.renames.setdefault(jp.join(ptr, "requestBody"), jp.join(ptr, "parameters", i))
                else:
                    params.append(_param(p))
            if params:
                out["parameters"] = params
        elif key == "responses" and isinstance(value, dict):
            out["responses"] = {code: _response(r, op_produces) for code, r in value.items()}
        else:
            out[key] = value
    bodies += [p for p in shared if _is_body(p, body_params)]
    if bodies:
        out["requestBody"] = _body(bodies, op_consumes)
    return out


def _is_body(p: Any, body_params: set[str]) -> bool:
    if not isinstance(p, dict):
        return False
    ref = p.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/parameters/"):
        return jp.unescape(ref[len("#/parameters/") :]) in body_params
    return p.get("in") in ("body", "formData")


def _param(p: Any) -> Any:
    if not isinstance(p, dict) or "$ref" in p:
        return p
    out = {k: p[k] for k in _PARAM_KEYS if k in p}
    out.update({k: v for k, v in p.items() if isinstance(k, str) and k.startswith("x-")})
    schema = p.get("schema") if isinstance(p.get("schema"), dict) else {k: p[k] for k in _SCHEMA_KEYS if k in p}
    if schema:
        out["schema"] = schema
    if out.get("in") == "path":
        out["required"] = True
    style = _COLLECTION_STYLE.get(str(p.get("collectionFormat", "")))
    if style and out.get("in") == "query":
        out["style"], out["explode"] = style
    return out


def _body(params: list, consumes: list) -> dict:
    resolved = [p for p in params if isinstance(p, dict)]
    refs = [p for p in resolved if "$ref" in p]
    if refs and len(resolved) == 1:
        return {"$ref": refs[0]["$ref"]}
    body = next((p for p in resolved if p.get("in") == "body"), None)
    out: dict[str, Any] = {}
    if body is not None:
        schema = body.get("schema") if isinstance(body.get("schema"), dict) else {}
        out["content"] = {mime: {"schema": schema} for mime in consumes}
        if body.get("description"):
            out["description"] = body["description"]
        if body.get("required"):
            out["required"] = True
        return out
    form = [p for p in resolved if p.get("in") == "formData"]
    props = {p.get("name", f"field{i}"): {k: p[k] for k in _SCHEMA_KEYS if k in p} for i, p in enumerate(form)}
    for schema in props.values():
        if schema.get("type") == "file":
            schema.update({"type": "string", "format": "binary"})
    schema: dict[str, Any] = {"type": "object", "properties": props}
    required = [p.get("name") for p in form if p.get("required")]
    if required:
        schema["required"] = required
    mimes = [m for m in consumes if m in _FORM_TYPES] or ["application/x-www-form-urlencoded"]
    out["content"] = {mime: {"schema": schema} for mime in mimes}
    return out


def _response(r: Any, produces: list) -> Any:
    if not isinstance(r, dict) or "$ref" in r:
        return r
    out: dict[str, Any] = {"description": r.get("description", "")}
    headers = r.get("headers")
    if isinstance(headers, dict):
        out["headers"] = {
            name: ({"description": h["description"]} if isinstance(h, dict) and h.get("description") else {})
            | {"schema": {k: h[k] for k in _SCHEMA_KEYS if isinstance(h, dict) and k in h} or {"type": "string"}}
            for name, h in headers.items()
        }
    examples = r.get("examples") if isinstance(r.get("examples"), dict) else {}
    if isinstance(r.get("schema"), dict) or examples:
        out["content"] = {}
        for mime in produces:
            media: dict[str, Any] = {}
            if isinstance(r.get("schema"), dict):
                media["schema"] = r["schema"]
            if mime in examples:
                media["example"] = examples[mime]
            out["content"][mime] = media
    out.update({k: v for k, v in r.items() if isinstance(k, str) and k.startswith("x-")})
    return out


def _scheme(s: Any) -> Any:
    if not isinstance(s, dict):
        return s
    extensions = {k: v for k, v in s.items() if isinstance(k, str) and k.startswith("x-")}
    kind = s.get("type")
    if kind == "basic":
        out: dict[str, Any] = {"type": "http", "scheme": "basic"}
    elif kind == "oauth2":
        flow_name = {"implicit": "implicit", "password": "password", "application": "clientCredentials", "accessCode": "authorizationCode"}.get(
            str(s.get("flow")), "implicit"
        )
        flow = {k: s[k] for k in ("authorizationUrl", "tokenUrl") if k in s}
        flow["scopes"] = s.get("scopes") or {}
        out = {"type": "oauth2", "flows": {flow_name: flow}}
    else:
        out = {k: s[k] for k in ("type", "name", "in") if k in s}
    if s.get("description"):
        out["description"] = s["description"]
    out.update(extensions)
    return out


def _rewrite_refs(node: Any, body_params: set[str]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                for old, new in _REF_PREFIXES.items():
                    if ref.startswith(old):
                        name = ref[len(old) :]
                        if old == "#/parameters/" and jp.unescape(name) in body_params:
                            new = "#/components/requestBodies/"
                        current["$ref"] = new + name
                        break
            stack.extend(v for v in current.values() if isinstance(v, (dict, list)))
        elif isinstance(current, list):
            stack.extend(v for v in current if isinstance(v, (dict, list)))


def _list(value: Any) -> list:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# -- references ---------------------------------------------------------------------------------


def _inline_external(doc: dict, ctx: Context) -> None:
    """Replace every `$ref` into another file by a copy of its target (HTTP import reads one document)."""
    assert ctx.src is not None
    count = [0]

    def visit(node: Any, base: str, seen: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                file_part, fragment = split_ref(ref)
                if file_part or base != ctx.src.path:
                    target_path = str((Path(base).parent / file_part).resolve()) if file_part else base
                    marker = f"{target_path}#{fragment}"
                    if marker in seen:
                        ctx.note(f"$ref {ref!r} refers back to itself; replaced by an open object schema")
                        return {"type": "object"}
                    target_doc = ctx.src.external.get(target_path) if target_path != ctx.src.path else doc
                    target = jp.resolve(target_doc, fragment, None) if target_doc is not None else None
                    if target is None:
                        return node
                    count[0] += 1
                    return visit(copy.deepcopy(target), target_path, seen + (marker,))
            return {k: visit(v, base, seen) for k, v in node.items()}
        if isinstance(node, list):
            return [visit(v, base, seen) for v in node]
        return node

    for key in list(doc):
        doc[key] = visit(doc[key], ctx.src.path, ())
    if count[0]:
        ctx.note(f"inlined {count[0]} reference(s) to other files (HTTP import reads a single document)")


def _resolve_local(doc: dict, ctx: Context) -> None:
    """Path items and integrations given as local `$ref`s become the objects they name."""
    paths = doc.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if isinstance(item, dict) and isinstance(item.get("$ref"), str) and item["$ref"].startswith("#"):
            target = jp.resolve(doc, item["$ref"][1:], None)
            if isinstance(target, dict):
                merged = copy.deepcopy(target)
                merged.update({k: v for k, v in item.items() if k != "$ref"})
                paths[path] = merged
                ctx.note(f"{path}: resolved the path item $ref {item['$ref']}")
    for o in operations(doc):
        integ = o.op.get(INTEGRATION)
        if isinstance(integ, dict) and isinstance(integ.get("$ref"), str) and integ["$ref"].startswith("#"):
            target = jp.resolve(doc, integ["$ref"][1:], None)
            if isinstance(target, dict):
                o.op[INTEGRATION] = copy.deepcopy(target)
                ctx.note(f"{o.route}: resolved the integration $ref {integ['$ref']}")
