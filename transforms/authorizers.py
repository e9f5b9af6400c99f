"""authorizers: turn REST authorizers and security requirements into what HTTP APIs accept (§2.4, §6, §7).

- Cognito user pools → a JWT authorizer per scheme, as `checks.auth.jwt_plan` (the judgement of AGW204)
  says: issuer from the first provider ARN, audience from ``--jwt-audience``, else the bundle's app client
  ids for that pool, else the config file. No issuer or no audience means no authorizer (an empty audience
  is never written): the analysis blocked the routes that use it, and an unused one is left out.
- TOKEN → REQUEST with the header as identity source and payload format 1.0; REQUEST keeps its identity
  sources in HTTP spelling. The REST cache TTL (300 s when unset) is written out explicitly.
- IAM (`awsSigv4`) stays; ``x-amazon-apigateway-auth: AWS_IAM`` becomes a sigv4 scheme requirement.
- API-key requirements are removed (HTTP APIs have no API keys); the scheme itself goes in `cleanup`.
- Every operation ends with at most one security requirement written on the operation itself (the root
  `security` is folded into the operations), as `checks.auth.route_requirements` says; two real
  authorizers as alternatives cannot be expressed, and the analysis blocked such routes (AGW207).

What changes meaning here was reported by the AGW20x rules; the pass only rewrites.
"""

from __future__ import annotations

from typing import Any

from apigw_migrate import pointer as jp
from apigw_migrate.checks.auth import JwtPlan, jwt_plan, jwt_plans, route_requirements
from apigw_migrate.findings import Finding
from apigw_migrate.openapi import AUTHORIZER, scheme_kind, translate_identity
from apigw_migrate.transforms.context import Context, Op, operations


AUTH = "x-amazon-apigateway-auth"
SIGV4_SCHEME = {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
REST_DEFAULT_TTL = 300


def authorizers(doc: dict, ctx: Context) -> tuple[dict, list[Finding]]:
    """Convert the security schemes and leave each operation one security requirement at most.

    >>> doc = {"components": {"securitySchemes": {"tok": {"type": "apiKey", "name": "Authorization", "in": "header",
    ...   "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": "arn:fn",
    ...   "authorizerResultTtlInSeconds": 0}}}}, "security": [{"tok": []}], "paths": {"/a": {"get": {}}}}
    >>> out, findings = authorizers(doc, Context())
    >>> out["components"]["securitySchemes"]["tok"]["x-amazon-apigateway-authorizer"]["type"], out["paths"]["/a"]["get"]
    ('request', {'security': [{'tok': []}]})
    """
    findings: list[Finding] = []
    components: dict[str, Any] = doc["components"] if isinstance(doc.get("components"), dict) else {}
    schemes: dict[str, Any] = components["securitySchemes"] if isinstance(components.get("securitySchemes"), dict) else {}
    kinds = {name: scheme_kind(s) for name, s in schemes.items() if isinstance(s, dict)}
    root = doc.pop("security", None)
    if root is not None:
        ctx.note("folded the root security requirement into every operation")
    effective = {o.route: _requirements(o, root) for o in operations(doc)}
    uses: dict[str, list[str]] = {}
    for route, reqs in effective.items():
        for req in reqs:
            for name in req:
                uses.setdefault(name, []).append(route)
    # The analysis planned each JWT authorizer (AGW204): write what it judged, never a plan of our own.
    plans = jwt_plans(ctx.src, ctx.options) if ctx.src is not None else {}

    unusable: set[str] = set()
    for name, scheme in list(schemes.items()):
        kind = kinds.get(name)
        routes = uses.get(name, [])
        if kind == "token":
            _token(name, scheme, ctx)
            kinds[name] = "request"
        elif kind == "request":
            _request(name, scheme, ctx)
        elif kind == "cognito" and isinstance(scheme.get(AUTHORIZER), dict):
            auth = scheme[AUTHORIZER]
            arns = auth.get("providerARNs") if isinstance(auth.get("providerARNs"), list) else []
            plan = plans.get(name) or jwt_plan(arns, routes, ctx.options, None)
            if plan.problem is not None:
                unusable.add(name)
                del schemes[name]
                ctx.note(f"authorizer {name}: left out (it cannot become a JWT authorizer)")
            else:
                _cognito(name, scheme, plan, ctx)
                kinds[name] = "jwt"

    iam_name = next((n for n, k in kinds.items() if k == "iam"), None)
    for o in operations(doc):
        if o.route in ctx.blocked:  # left out (by `routes`, in convert)
            continue
        reqs = effective[o.route]
        # Whether HTTP import reads x-amazon-apigateway-auth is [U] (fact sheet §2.2): IAM is said with
        # the sigv4 scheme HTTP APIs document instead, and the extension goes.
        auth = o.op.pop(AUTH, None)
        auth_type = str(auth.get("type", "")).upper() if isinstance(auth, dict) else ""
        if auth_type == "AWS_IAM":
            if iam_name is None:
                iam_name = "sigv4" if "sigv4" not in schemes else "sigv4_iam"
                schemes[iam_name] = dict(SIGV4_SCHEME)
                components["securitySchemes"] = schemes
                doc["components"] = components
                kinds[iam_name] = "iam"
                ctx.note(f"added the {iam_name} security scheme (IAM) for x-amazon-apigateway-auth AWS_IAM")
            reqs = [dict(r, **{iam_name: []}) for r in reqs] if reqs else [{iam_name: []}]
        elif auth is not None:
            ctx.note(f"{o.route}: removed x-amazon-apigateway-auth {auth_type or auth!r}")
        found = _settle(o, reqs, kinds, unusable, ctx)
        if found is not None:
            findings.append(found)
    return doc, findings


def _requirements(o: Op, root: Any) -> list[dict]:
    reqs = o.op.get("security") if "security" in o.op else root
    if not isinstance(reqs, list):
        return []
    return [r for r in reqs if isinstance(r, dict)]


def _settle(o: Op, reqs: list[dict], kinds: dict[str, str], unusable: set[str], ctx: Context) -> Finding | None:
    """Write the route's one security requirement (see `route_requirements`); AGW000 when there is not one."""
    real = route_requirements(reqs, kinds)
    if any(kinds.get(n, "api_key" if n == "api_key" else "") == "api_key" for r in reqs for n in r) and not ctx.acknowledges("AGW201", o.route):
        # Callers without a key would get through: only an acknowledged AGW201 lets that happen.
        return ctx.cannot(o.route, jp.join(o.pointer, "security"), "the API key requirement")
    dropped = sorted({n for r in reqs for n in r} - {n for r in real for n in r})
    if dropped:
        ctx.note(f"{o.route}: dropped the requirement of {', '.join(dropped)} (API keys, or no API Gateway authorizer)")
    ptr = jp.join(o.pointer, "security")
    if {n for r in real for n in r} & unusable:
        return ctx.cannot(o.route, ptr, "a Cognito authorizer that cannot become a JWT authorizer")
    if len(real) > 1 or any(len(r) > 1 for r in real):
        return ctx.cannot(o.route, ptr, "several security requirements")
    if real:
        o.op["security"] = real
    else:
        o.op.pop("security", None)
    return None


def _ttl(auth: dict) -> Any:
    ttl = auth.get("authorizerResultTtlInSeconds")
    return REST_DEFAULT_TTL if ttl is None else ttl


def _lambda_common(auth: dict, identity: str | None) -> dict:
    out: dict[str, Any] = {"type": "request"}
    # Without identity sources the key is left out: whether HTTP import then wants an empty string instead
    # is [U] (fact sheet appendix, identitySource).
    if identity:
        out["identitySource"] = identity
    for key in ("authorizerUri", "authorizerCredentials"):
        if key in auth:
            out[key] = auth[key]
    # The HTTP default TTL is [U] (fact sheet §2.4): the REST value, or REST's default, is written out.
    out["authorizerResultTtlInSeconds"] = _ttl(auth)
    out["authorizerPayloadFormatVersion"] = "1.0"
    return out


def _token(name: str, scheme: dict, ctx: Context) -> None:
    auth = scheme[AUTHORIZER]
    header = scheme.get("name") if isinstance(scheme.get("name"), str) else "Authorization"
    identity = translate_identity(str(auth.get("identitySource", ""))) if auth.get("identitySource") else None
    identity = identity or f"$request.header.{header}"
    scheme[AUTHORIZER] = _lambda_common(auth, identity)
    ctx.note(f"authorizer {name}: TOKEN → REQUEST ({identity})")


def _request(name: str, scheme: dict, ctx: Context) -> None:
    auth = scheme[AUTHORIZER]
    if auth.get("authorizerPayloadFormatVersion") and str(auth.get("type")) == "request" and "identityValidationExpression" not in auth:
        return  # already in HTTP form (a second run)
    raw = auth.get("identitySource")
    sources = [s for s in str(raw).split(",") if s.strip()] if isinstance(raw, str) else []
    identity = ", ".join(t for t in (translate_identity(s) for s in sources) if t) or None
    scheme[AUTHORIZER] = _lambda_common(auth, identity)
    ctx.note(f"authorizer {name}: REQUEST → HTTP REQUEST ({identity or 'no identity source'})")


def _cognito(name: str, scheme: dict, plan: JwtPlan, ctx: Context) -> None:
    """Rewrite a Cognito scheme as the JWT authorizer the analysis planned."""
    auth = scheme[AUTHORIZER]
    raw_identity = auth.get("identitySource")
    identity = (translate_identity(raw_identity) if isinstance(raw_identity, str) else None) or "$request.header.Authorization"
    new: dict[str, Any] = {"type": "oauth2", "flows": {}}
    if scheme.get("description"):
        new["description"] = scheme["description"]
    new[AUTHORIZER] = {"type": "jwt", "jwtConfiguration": {"issuer": plan.issuer, "audience": list(plan.audience)}, "identitySource": identity}
    scheme.clear()
    scheme.update(new)
    ctx.note(f"authorizer {name}: Cognito → JWT ({plan.origin})")
