"""What the rules read, computed once per Source.

Every rule needs the operations, their integrations, the security that applies to them and the
API-level settings, from whichever of the three places the input keeps them: the OpenAPI
document, the bundle's AWS objects, or the template resource. `context(src)` walks the document
once and hands the same `Context` to every rule of a run (the 3000-operation benchmark spends
most of its time here otherwise).

Values may be CloudFormation intrinsics (``{"Fn::Sub": …}``, ``{"Ref": …}``) or Terraform
placeholders (``"${var}"``): the helpers below treat them as opaque and never evaluate them.
"""

from __future__ import annotations

import json

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.openapi import (
    ANY_METHOD,
    INTEGRATION,
    Operation,
    is_intrinsic,
    iter_operations,
    scheme_kind,
    scheme_table,
    security_schemes,
)
from apigw_migrate.refs import deref

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.options import AnalysisOptions

AUTH_EXT = "x-amazon-apigateway-auth"


# ---------------------------------------------------------------- opaque values


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and ("${" in value or "%{" in value)


def is_opaque(value: Any) -> bool:
    """A value that is only known at deploy time."""
    return is_intrinsic(value) or (isinstance(value, str) and value.strip().startswith("${") and value.strip().endswith("}"))


def as_text(value: Any) -> str | None:
    """The literal text of a string, ``Fn::Sub`` or ``Fn::Join`` (unknown parts become ``${…}``)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict) or len(value) != 1:
        return None
    (fn, arg), = value.items()
    if fn == "Fn::Sub":
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            return arg[0]
        return arg if isinstance(arg, str) else None
    if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
        sep = arg[0] if isinstance(arg[0], str) else ""
        return sep.join(as_text(part) or "${…}" for part in arg[1])
    return None


def truthy(value: Any) -> bool | None:
    """True or False for a literal boolean (or its string form); None when only known at deploy time."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
    if is_opaque(value) or is_placeholder(value):
        return None
    return bool(value)


def describe(value: Any) -> str:
    """Short text for a value in a message: intrinsics by their function name."""
    if is_intrinsic(value):
        return f"{next(iter(value))} expression"
    if isinstance(value, (dict, list)):
        # JSON, not a Python repr: users know `["a", "b"]`, not `['a', 'b']`.
        value = json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, str):
        return value if len(value) <= 80 else value[:77] + "…"
    return str(value)


def lower(value: Any) -> str:
    return value.lower() if isinstance(value, str) else ""


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def items(value: Any) -> list:
    return value if isinstance(value, list) else []


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def route_list(routes: Iterable[str], limit: int = 3) -> str:
    """``GET /a, POST /b and 4 more`` for messages."""
    routes = list(routes)
    shown = ", ".join(routes[:limit])
    return shown + (f" and {len(routes) - limit} more" if len(routes) > limit else "")


# ---------------------------------------------------------------- operations


@dataclass
class Op:
    """One operation with what most rules need about it.

    `rel` is the operation's pointer inside the API document; `at()` turns a pointer below it
    into a pointer into the file (an API assembled from template resources maps it to the
    resource that defines that part).
    """

    operation: Operation
    src: "Source"
    rel: str
    route: str
    pointer: str
    integration: dict | None
    integration_pointer: str
    itype: str  # lower-case integration type, "" when there is none
    security: list
    security_rel: str  # where the applying `security` is written, inside the API document
    auth_type: str  # x-amazon-apigateway-auth type, lower-case, "" when absent

    def at(self, *tokens: str | int) -> str:
        return self.src.api_pointer(jp.join(self.rel, *tokens))

    def iat(self, *tokens: str | int) -> str:
        """A pointer below the operation's integration."""
        return self.src.api_pointer(jp.join(self.rel + _INTEGRATION_TOKEN, *tokens))

    def sat(self, *tokens: str | int) -> str:
        """A pointer below the security requirements that apply to the operation."""
        return self.src.api_pointer(jp.join(self.security_rel, *tokens))

    @property
    def security_pointer(self) -> str:
        return self.sat()

    @property
    def path(self) -> str:
        return self.operation.path

    @property
    def method(self) -> str:
        return self.operation.http_method

    @property
    def op(self) -> dict:
        return self.operation.op

    @property
    def is_any(self) -> bool:
        return self.operation.method == ANY_METHOD

    @property
    def is_greedy(self) -> bool:
        return self.path.rstrip("/").endswith("+}")

    def scheme_names(self) -> set[str]:
        names: set[str] = set()
        for requirement in self.security:
            if isinstance(requirement, dict):
                names.update(str(k) for k in requirement)
        return names


# ---------------------------------------------------------------- authorizers


@dataclass
class Authorizer:
    """A REST authorizer as the OpenAPI scheme, the bundle and the template describe it together.

    `fields` maps a botocore-style field name to (value, pointer); the bundle's copy fills
    what the export left out (the bundle's authorizers may carry settings the export lacks).
    """

    name: str
    kind: str  # token, request, cognito, jwt, other
    pointer: str
    fields: dict[str, tuple[Any, str]] = field(default_factory=dict)
    routes: list[str] = field(default_factory=list)

    def get(self, key: str) -> Any:
        return self.fields.get(key, (None, ""))[0]

    def where(self, key: str) -> str:
        return self.fields.get(key, (None, self.pointer))[1] or self.pointer

    def has(self, key: str) -> bool:
        return key in self.fields and self.fields[key][0] is not None


_BUNDLE_AUTH_KINDS = {"TOKEN": "token", "REQUEST": "request", "COGNITO_USER_POOLS": "cognito", "JWT": "jwt"}
_SAM_AUTH_FIELDS = {
    "FunctionArn": "authorizerUri",
    "FunctionInvokeRole": "authorizerCredentials",
    "UserPoolArn": "providerARNs",
}


# ---------------------------------------------------------------- the context


@dataclass
class Context:
    src: "Source"
    ops: list[Op]
    routes: list[str]
    schemes: dict[str, tuple[dict, str]]
    authorizers: list[Authorizer]
    props: dict  # template resource Properties ({} when not a template)
    props_pointer: str
    related: dict[str, list[tuple[str, dict, str]]]  # template resources tied to the API, by type
    memo: dict[str, Any] = field(default_factory=dict)  # results several rules share
    options: "AnalysisOptions" = None  # type: ignore[assignment] - the analysis options (defaults when None is given)

    @property
    def bundle(self) -> dict:
        return self.src.bundle or {}

    def api_ext(self, key: str) -> tuple[Any, str]:
        """A root-level extension of the OpenAPI document and its pointer (None when absent)."""
        return self.src.api.get(key), self.api_at(key)

    def api_at(self, *tokens: str | int) -> str:
        """A pointer into the API document (tokens unescaped), as a pointer into the file."""
        return self.src.api_pointer(jp.join("", *tokens))

    def bundle_value(self, *keys: str | int) -> tuple[Any, str]:
        node: Any = self.bundle
        for k in keys:
            if isinstance(node, dict) and k in node:
                node = node[k]
            elif isinstance(node, list) and isinstance(k, int) and k < len(node):
                node = node[k]
            else:
                return None, ""
        return node, jp.join("", *keys)

    def prop(self, *keys: str) -> tuple[Any, str]:
        node: Any = self.props
        for k in keys:
            if isinstance(node, dict) and k in node:
                node = node[k]
            else:
                return None, ""
        return node, jp.join(self.props_pointer, *keys)

    def stage_settings(self) -> Iterator[tuple[str, Any, str]]:
        """(field, value, pointer) of stage settings from the bundle stage, the SAM Api, CFN Stage resources.

        Field names are botocore's (`tracingEnabled`); the template spelling is translated.
        """
        stage = mapping(self.bundle.get("stage"))
        for key, value in stage.items():
            yield key, value, jp.join("/stage", key)
        if self.src.kind == "sam":
            for key, value in self.props.items():
                name = _SAM_STAGE_FIELDS.get(key)
                if name:
                    yield name, value, jp.join(self.props_pointer, key)
        for res_name, res_props, res_ptr in self.related.get("AWS::ApiGateway::Stage", ()):
            for key, value in res_props.items():
                name = _SAM_STAGE_FIELDS.get(key)
                if name:
                    yield name, value, jp.join(res_ptr, "Properties", key)


# Template property → botocore Stage field. SAM's AWS::Serverless::Api and CFN's
# AWS::ApiGateway::Stage spell these the same way.
_SAM_STAGE_FIELDS = {
    "CacheClusterEnabled": "cacheClusterEnabled",
    "CacheClusterSize": "cacheClusterSize",
    "TracingEnabled": "tracingEnabled",
    "MethodSettings": "methodSettings",
    "CanarySetting": "canarySettings",
    "AccessLogSetting": "accessLogSettings",
    "ClientCertificateId": "clientCertificateId",
}

_last: list = [None, None]


def context(src: "Source", options: "AnalysisOptions | None" = None) -> Context:
    """The Context of `src`, built on first use and reused by every rule of the same run.

    The engine passes the run's options; a rule asks without them and gets the run's. New options
    forget what rules shared (`memo`), since a shared judgement may depend on them.
    """
    if _last[0] is src:
        ctx = _last[1]
    else:
        ctx = _build(src)
        _last[0], _last[1] = src, ctx
    if options is not None and ctx.options is not options:
        ctx.options = options
        ctx.memo.clear()
    if ctx.options is None:
        from apigw_migrate.options import AnalysisOptions

        ctx.options = AnalysisOptions()
    return ctx


_INTEGRATION_TOKEN = "/" + INTEGRATION


def _build(src: "Source") -> Context:
    ops: list[Op] = []
    path_rel: dict[str, str] = {}
    api_security = src.api.get("security") or []
    for o in iter_operations(src):
        integ = o.op.get(INTEGRATION)
        if isinstance(integ, dict) and "$ref" in integ:
            integ = deref(src, integ)
        integ = integ if isinstance(integ, dict) else None
        # Pointer building is the bulk of this loop on a large export: escape each path once.
        item_rel = path_rel.get(o.path)
        if item_rel is None:
            item_rel = path_rel[o.path] = jp.join("/paths", o.path)
        rel = item_rel + "/" + o.method
        if "security" in o.op:
            security, sec_rel = o.op.get("security") or [], rel + "/security"
        else:
            security, sec_rel = api_security, "/security"
        auth = o.op.get(AUTH_EXT)
        ops.append(
            Op(
                operation=o,
                src=src,
                rel=rel,
                route=o.route_key,
                pointer=src.api_pointer(rel),
                integration=integ,
                integration_pointer=src.api_pointer(rel + _INTEGRATION_TOKEN),
                itype=lower(integ.get("type")) if integ else "",
                security=security if isinstance(security, list) else [],
                security_rel=sec_rel,
                auth_type=lower(auth.get("type")) if isinstance(auth, dict) else "",
            )
        )
    props = src.template_resource if isinstance(src.template_resource, dict) else {}
    ctx = Context(
        src=src,
        ops=ops,
        routes=[o.route for o in ops],
        schemes=security_schemes(src),
        authorizers=[],
        props=props,
        props_pointer=src.template_pointer or "",
        related=_related_resources(src),
    )
    ctx.authorizers = _authorizers(ctx)
    return ctx


def _refers_to(value: Any, name: str) -> bool:
    """Whether a template value refers to resource `name` (Ref, GetAtt, or ${name} in a Sub)."""
    if isinstance(value, dict):
        if value.get("Ref") == name:
            return True
        att = value.get("Fn::GetAtt")
        if isinstance(att, list) and att and att[0] == name:
            return True
        if isinstance(att, str) and att.split(".")[0] == name:
            return True
        return any(_refers_to(v, name) for v in value.values())
    if isinstance(value, list):
        return any(_refers_to(v, name) for v in value)
    if isinstance(value, str):
        return "${" + name + "}" in value or "${" + name + "." in value
    return False


_RELATED_TYPES = (
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::UsagePlan",
    "AWS::ApiGateway::Authorizer",
    "AWS::ApiGateway::GatewayResponse",
    "AWS::Lambda::Permission",
    "AWS::WAFv2::WebACLAssociation",
)


def _related_resources(src: "Source") -> dict[str, list[tuple[str, dict, str]]]:
    """Template resources that configure the REST API from outside its own resource."""
    if src.kind not in ("sam", "cloudformation") or not src.api_name or not isinstance(src.document, dict):
        return {}
    resources = mapping(src.document.get("Resources"))
    # An API assembled from resources (cfn_resources) already holds its authorizers and gateway
    # responses; reading them again would report each twice.
    skip = {"AWS::ApiGateway::Authorizer", "AWS::ApiGateway::GatewayResponse"} if src.pointer_map is not None else set()
    found: dict[str, list[tuple[str, dict, str]]] = {}
    for name, res in resources.items():
        if not isinstance(res, dict) or res.get("Type") not in _RELATED_TYPES or res.get("Type") in skip:
            continue
        props = mapping(res.get("Properties"))
        if _refers_to(props, src.api_name):
            found.setdefault(res["Type"], []).append((name, props, jp.join("/Resources", name)))
    return found


def _authorizers(ctx: Context) -> list[Authorizer]:
    src = ctx.src
    by_name: dict[str, Authorizer] = {}
    places = scheme_table(src.api, src.spec)
    for name, (scheme, ptr) in ctx.schemes.items():
        kind = scheme_kind(scheme)
        if kind in ("api_key", "iam", "other") and "x-amazon-apigateway-authorizer" not in scheme:
            continue
        auth = scheme.get("x-amazon-apigateway-authorizer")
        auth_rel = jp.join(places[name][1], "x-amazon-apigateway-authorizer")
        a = Authorizer(name=name, kind=kind, pointer=src.api_pointer(auth_rel) if isinstance(auth, dict) else ptr)
        for key, value in mapping(auth).items():
            a.fields[key] = (value, src.api_pointer(jp.join(auth_rel, key)))
        by_name[name] = a
    for i, item in enumerate(items(ctx.bundle.get("authorizers"))):
        if not isinstance(item, dict):
            continue
        name = str(item.get("name", ""))
        base = jp.join("/authorizers", i)
        kind = _BUNDLE_AUTH_KINDS.get(str(item.get("type", "")).upper(), "other")
        a = by_name.get(name)
        if a is None:
            a = by_name[name] = Authorizer(name=name, kind=kind, pointer=base)
        for key, value in item.items():
            if key not in a.fields or a.fields[key][0] is None:
                a.fields[key] = (value, jp.join(base, key))
    if src.kind == "sam":
        sam_auth, auth_ptr = ctx.prop("Auth", "Authorizers")
        for name, spec in mapping(sam_auth).items():
            if not isinstance(spec, dict) or name in by_name:
                continue
            base = jp.join(auth_ptr, name)
            if "UserPoolArn" in spec:
                kind = "cognito"
            elif str(spec.get("FunctionPayloadType", "TOKEN")).upper() == "REQUEST":
                kind = "request"
            elif "FunctionArn" in spec:
                kind = "token"
            else:
                continue
            a = by_name[name] = Authorizer(name=name, kind=kind, pointer=base)
            for key, value in spec.items():
                if key in _SAM_AUTH_FIELDS:
                    if key == "UserPoolArn" and not isinstance(value, list):
                        value = [value]
                    a.fields[_SAM_AUTH_FIELDS[key]] = (value, jp.join(base, key))
            identity = mapping(spec.get("Identity"))
            id_ptr = jp.join(base, "Identity")
            if "ReauthorizeEvery" in identity:
                a.fields["authorizerResultTtlInSeconds"] = (identity["ReauthorizeEvery"], jp.join(id_ptr, "ReauthorizeEvery"))
            if "ValidationExpression" in identity:
                a.fields["identityValidationExpression"] = (identity["ValidationExpression"], jp.join(id_ptr, "ValidationExpression"))
            sources = [f"method.request.header.{h}" for h in [identity.get("Header")] if isinstance(h, str)]
            sources += [f"method.request.header.{h}" for h in items(identity.get("Headers")) if isinstance(h, str)]
            sources += [f"method.request.querystring.{q}" for q in items(identity.get("QueryStrings")) if isinstance(q, str)]
            if kind == "token" and not sources:
                sources = ["method.request.header.Authorization"]
            if sources:
                a.fields["identitySource"] = (", ".join(sources), id_ptr if identity else base)
    for res_name, props, res_ptr in ctx.related.get("AWS::ApiGateway::Authorizer", ()):
        name = str(props.get("Name", res_name))
        if name in by_name:
            continue
        kind = _BUNDLE_AUTH_KINDS.get(str(props.get("Type", "")).upper(), "other")
        a = by_name[name] = Authorizer(name=name, kind=kind, pointer=res_ptr)
        for key, value in props.items():
            field_name = _CFN_AUTH_FIELDS.get(key)
            if field_name:
                a.fields[field_name] = (value, jp.join(res_ptr, "Properties", key))
    by_scheme: dict[str, list[str]] = {}
    for o in ctx.ops:
        for name in o.scheme_names():
            by_scheme.setdefault(name, []).append(o.route)
    for a in by_name.values():
        a.routes = list(by_scheme.get(a.name, ()))
        if not a.routes and src.kind == "sam":
            default, _ = ctx.prop("Auth", "DefaultAuthorizer")
            if default == a.name:
                a.routes = list(ctx.routes)
    return list(by_name.values())


_CFN_AUTH_FIELDS = {
    "AuthorizerUri": "authorizerUri",
    "AuthorizerCredentials": "authorizerCredentials",
    "AuthorizerResultTtlInSeconds": "authorizerResultTtlInSeconds",
    "IdentitySource": "identitySource",
    "IdentityValidationExpression": "identityValidationExpression",
    "ProviderARNs": "providerARNs",
}


# ---------------------------------------------------------------- method settings keys

