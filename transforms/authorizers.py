"""authorizers: turn REST authorizers and security requirements into what HTTP APIs accept (§2.4, §6, §7).

- Cognito user pools → a JWT authorizer per scheme: issuer from the first provider ARN, audience from
  ``--jwt-audience``, else the bundle's app client ids for that pool, else the config file. No audience
  means no authorizer (an empty audience is never written) and the routes that use it are blocked.
- TOKEN → REQUEST with the header as identity source and payload format 1.0; REQUEST keeps its identity
  sources in HTTP spelling. The REST cache TTL (300 s when unset) is written out explicitly.
- IAM (`awsSigv4`) stays; ``x-amazon-apigateway-auth: AWS_IAM`` becomes a sigv4 scheme requirement.
- API-key requirements are removed (HTTP APIs have no API keys); the scheme itself goes in `cleanup`.
- Every operation ends with at most one security requirement written on the operation itself (the root
  `security` is folded into the operations). Two real authorizers as alternatives cannot be expressed:
  the route is blocked.
"""

from __future__ import annotations

import re
from typing import Any

from apigw_migrate import pointer as jp
from apigw_migrate.findings import Finding, Severity
from apigw_migrate.openapi import AUTHORIZER, scheme_kind, translate_identity
from apigw_migrate.transforms.context import Context, Op, map_text, operations, protect, restore, text_of

AUTH = "x-amazon-apigateway-auth"
SIGV4_SCHEME = {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
REST_DEFAULT_TTL = 300
_UNUSED = "no route uses it, so it was left out"
_COGNITO_ARN = re.compile(r"^arn:[^:]*:cognito-idp:([^:]+):[^:]*:userpool/(.+)$")
# What a REST authorizer may read its identity from (a subset of the mapping sources).
def cognito_issuer(arn: Any) -> Any:
    """The JWT issuer of a user pool ARN (a string, an ``Fn::Sub`` or ``Fn::GetAtt Pool.Arn``), or None.

    >>> cognito_issuer("arn:aws:cognito-idp:eu-west-1:123:userpool/eu-west-1_abc")
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc'
    >>> cognito_issuer({"Fn::GetAtt": ["Pool", "Arn"]})
    {'Fn::Sub': 'https://${Pool.ProviderURL}'}
    """
    if isinstance(arn, dict) and list(arn) == ["Fn::GetAtt"]:
        att = arn["Fn::GetAtt"]
        parts = att if isinstance(att, list) else str(att).split(".")
        if len(parts) == 2 and parts[1] == "Arn":
            # ProviderURL is "cognito-idp.<region>.amazonaws.com/<poolId>", the issuer without its scheme [U].
            return {"Fn::Sub": "https://${" + str(parts[0]) + ".ProviderURL}"}
        return None

    def issuer(text: str) -> str | None:
        protected, found = protect(text)
        m = _COGNITO_ARN.match(protected)
        if not m:
            return None
        return f"https://cognito-idp.{restore(m.group(1), found)}.amazonaws.com/{restore(m.group(2), found)}"

    return map_text(arn, issuer)


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

    unusable: dict[str, Finding] = {}
    for name, scheme in list(schemes.items()):
        kind = kinds.get(name)
        ptr = jp.join("/components/securitySchemes", name, AUTHORIZER)
        routes = uses.get(name, [])
        if kind == "token":
            _token(name, scheme, ptr, routes, ctx, findings)
            kinds[name] = "request"
        elif kind == "request":
            _request(name, scheme, ptr, routes, ctx, findings)
        elif kind == "cognito":
            problem = _cognito(name, scheme, ptr, routes, ctx, findings)
            if problem is not None:
                unusable[name] = problem
                del schemes[name]
                kinds[name] = "unusable"
            else:
                kinds[name] = "jwt"

    iam_name = next((n for n, k in kinds.items() if k == "iam"), None)
    key_routes: list[Op] = []
    for o in operations(doc):
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
        _settle(o, reqs, kinds, unusable, key_routes, ctx, findings)
    if key_routes:
        api_key = next(n for n, k in kinds.items() if k == "api_key") if "api_key" in kinds.values() else None
        ptr = jp.join(key_routes[0].pointer, "security")
        findings.append(
            ctx.finding(
                "AGW201",
                ptr,
                f"API key requirement removed from {len(key_routes)} route(s): HTTP APIs do not check x-api-key, so callers "
                f"without a key get through{f' (scheme {api_key!r})' if api_key else ''}",
                routes=[o.route for o in key_routes],
            )
        )
    return doc, findings


def _requirements(o: Op, root: Any) -> list[dict]:
    reqs = o.op.get("security") if "security" in o.op else root
    if not isinstance(reqs, list):
        return []
    return [r for r in reqs if isinstance(r, dict)]


def _settle(
    o: Op, reqs: list[dict], kinds: dict[str, str], unusable: dict[str, Finding], key_routes: list[Op], ctx: Context,
    findings: list[Finding],
) -> None:
    had_key = any(kinds.get(n) == "api_key" for r in reqs for n in r)
    dropped_other = sorted({n for r in reqs for n in r if kinds.get(n) == "other"})
    real = []
    for r in reqs:
        kept = {n: v for n, v in r.items() if kinds.get(n) not in ("api_key", "other")}
        if kept and kept not in real:
            real.append(kept)
    if had_key:
        key_routes.append(o)
    if dropped_other:
        ctx.note(f"{o.route}: dropped the requirement of {', '.join(dropped_other)} (no API Gateway authorizer: REST ignored it too)")
    for name in {n for r in real for n in r} & set(unusable):
        f = unusable[name]
        ctx.block(o.route, f)
    ptr = jp.join(o.pointer, "security")
    if len(real) > 1 or any(len(r) > 1 for r in real):
        names = " or ".join(" and ".join(r) for r in real)
        f = ctx.finding(
            "AGW207",
            ptr,
            f"{o.route}: needs {names}; an HTTP API route takes exactly one authorizer, so none was kept and the route "
            "cannot move as written (pick one authorizer, or merge them into one Lambda authorizer)",
            routes=[o.route],
            severity=Severity.BLOCKER,
        )
        findings.append(f)
        ctx.block(o.route, f)
        o.op["security"] = real
        return
    if had_key and real and (len(reqs) > 1 or any(len(r) > 1 for r in reqs)):
        findings.append(
            ctx.finding(
                "AGW207",
                ptr,
                f"{o.route}: the API key requirement next to {next(iter(real[0]))} was removed; the route keeps that authorizer alone",
                routes=[o.route],
                severity=Severity.WARNING,
            )
        )
    if real:
        o.op["security"] = real
    else:
        o.op.pop("security", None)


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


def _caching(name: str, auth: dict, ptr: str, routes: list[str], ctx: Context, findings: list[Finding], key: str) -> None:
    ttl = _ttl(auth)
    if isinstance(ttl, int) and ttl > 0:
        findings.append(
            ctx.finding(
                "AGW208",
                jp.join(ptr, "authorizerResultTtlInSeconds"),
                f"authorizer {name!r} caches results for {ttl} s{' (the REST default)' if 'authorizerResultTtlInSeconds' not in auth else ''}; "
                f"the HTTP cache key is {key}: a cached policy applies to every route with the same key (add $context.routeKey "
                "to the identity sources to cache per route)",
                routes=routes,
            )
        )


def _token(name: str, scheme: dict, ptr: str, routes: list[str], ctx: Context, findings: list[Finding]) -> None:
    auth = scheme[AUTHORIZER]
    header = scheme.get("name") if isinstance(scheme.get("name"), str) else "Authorization"
    identity = translate_identity(str(auth.get("identitySource", ""))) if auth.get("identitySource") else None
    identity = identity or f"$request.header.{header}"
    if auth.get("identityValidationExpression") is not None:
        findings.append(
            ctx.finding(
                "AGW206",
                jp.join(ptr, "identityValidationExpression"),
                f"authorizer {name!r}: identityValidationExpression {auth['identityValidationExpression']!r} dropped; "
                "HTTP APIs call the function for every token, so it must reject malformed ones itself",
                routes=routes,
            )
        )
    _caching(name, auth, ptr, routes, ctx, findings, identity)
    scheme[AUTHORIZER] = _lambda_common(auth, identity)
    findings.append(
        ctx.finding(
            "AGW203",
            ptr,
            f"TOKEN authorizer {name!r} → REQUEST authorizer, payload format 1.0, identity source {identity}: the function "
            "receives a REQUEST event (the token is in headers and in identitySource, methodArn names the new API)",
            routes=routes,
        )
    )
    ctx.note(f"authorizer {name}: TOKEN → REQUEST ({identity})")


def _request(name: str, scheme: dict, ptr: str, routes: list[str], ctx: Context, findings: list[Finding]) -> None:
    auth = scheme[AUTHORIZER]
    if auth.get("authorizerPayloadFormatVersion") and str(auth.get("type")) == "request" and "identityValidationExpression" not in auth:
        return  # already in HTTP form (a second run)
    raw = auth.get("identitySource")
    sources = [s for s in str(raw).split(",") if s.strip()] if isinstance(raw, str) else []
    translated = [translate_identity(s) for s in sources]
    unknown = [s.strip() for s, t in zip(sources, translated) if t is None]
    identity = ", ".join(t for t in translated if t) or None
    if auth.get("identityValidationExpression") is not None:
        findings.append(
            ctx.finding(
                "AGW206",
                jp.join(ptr, "identityValidationExpression"),
                f"authorizer {name!r}: identityValidationExpression dropped (HTTP APIs do not support it)",
                routes=routes,
            )
        )
    _caching(name, auth, ptr, routes, ctx, findings, identity or "empty")
    scheme[AUTHORIZER] = _lambda_common(auth, identity)
    extra = f"; identity sources {', '.join(unknown)} have no HTTP spelling and were left out" if unknown else ""
    findings.append(
        ctx.finding(
            "AGW209",
            ptr,
            f"REQUEST authorizer {name!r} → HTTP REQUEST authorizer, payload format 1.0, identity sources "
            f"{identity or '(none)'}{extra}",
            routes=routes,
        )
    )
    ctx.note(f"authorizer {name}: REQUEST → HTTP REQUEST ({identity or 'no identity source'})")


def _cognito(name: str, scheme: dict, ptr: str, routes: list[str], ctx: Context, findings: list[Finding]) -> Finding | None:
    """Rewrite a Cognito scheme as JWT; return the blocking finding instead when it cannot be done."""
    auth = scheme[AUTHORIZER]
    arns = auth.get("providerARNs") if isinstance(auth.get("providerARNs"), list) else []
    issuer = cognito_issuer(arns[0]) if arns else None
    if issuer is None:
        shown = arns[0] if arns else "(none)"
        return _unconvertible(
            jp.join(ptr, "providerARNs"),
            f"Cognito authorizer {name!r}: no JWT issuer can be derived from the provider ARN {shown!r}",
            "the routes that use it cannot move until the ARN is a user pool ARN "
            "(arn:aws:cognito-idp:<region>:<account>:userpool/<id>)",
            routes, ctx, findings,
        )  # fmt: skip
    audience, origin = _audience(arns[0], routes, ctx)
    if not audience:
        return _unconvertible(
            ptr,
            f"Cognito authorizer {name!r}: a JWT authorizer needs the app client ids as audience and none is known",
            "pass --jwt-audience, export a bundle that lists the pool's app clients, or set jwt-audience for its "
            "routes in the config",
            routes, ctx, findings,
        )  # fmt: skip
    if len(arns) > 1:
        others = ", ".join(str(text_of(a) or a) for a in arns[1:])
        findings.append(
            ctx.finding(
                "AGW205",
                jp.join(ptr, "providerARNs"),
                f"Cognito authorizer {name!r} accepts {len(arns)} user pools; the JWT authorizer uses the first one only, so "
                f"tokens from {others} are rejected (add one JWT authorizer per pool and split the routes)",
                routes=routes,
            )
        )
    if auth.get("identityValidationExpression") is not None:
        findings.append(
            ctx.finding(
                "AGW206",
                jp.join(ptr, "identityValidationExpression"),
                f"authorizer {name!r}: identityValidationExpression (matched against aud) dropped; the JWT audience "
                f"{', '.join(audience)} takes its place",
                routes=routes,
            )
        )
    raw_identity = auth.get("identitySource")
    identity = (translate_identity(raw_identity) if isinstance(raw_identity, str) else None) or "$request.header.Authorization"
    new: dict[str, Any] = {"type": "oauth2", "flows": {}}
    if scheme.get("description"):
        new["description"] = scheme["description"]
    new[AUTHORIZER] = {"type": "jwt", "jwtConfiguration": {"issuer": issuer, "audience": audience}, "identitySource": identity}
    scheme.clear()
    scheme.update(new)
    shown_issuer = text_of(issuer) or issuer
    findings.append(
        ctx.finding(
            "AGW204",
            ptr,
            f"Cognito authorizer {name!r} → JWT authorizer, issuer {shown_issuer}, audience {', '.join(audience)} ({origin}); "
            "REST accepted tokens from any app client of the pool, HTTP only from these; claims move to "
            "requestContext.authorizer.jwt.claims under payload 2.0",
            routes=routes,
        )
    )
    ctx.note(f"authorizer {name}: Cognito → JWT ({shown_issuer})")
    return None


def _unconvertible(ptr: str, problem: str, fix: str, routes: list[str], ctx: Context, findings: list[Finding]) -> Finding:
    """The AGW204 finding for a Cognito authorizer that cannot become a JWT one: a blocker when routes use it."""
    f = ctx.finding(
        "AGW204",
        ptr,
        f"{problem}; {fix if routes else _UNUSED}",
        routes=routes,
        severity=Severity.BLOCKER if routes else Severity.WARNING,
    )
    findings.append(f)
    return f


def _audience(arn: Any, routes: list[str], ctx: Context) -> tuple[list[str], str]:
    if ctx.options.jwt_audiences:
        return list(ctx.options.jwt_audiences), "from --jwt-audience"
    bundle = ctx.src.bundle if ctx.src is not None else None
    for pool in (bundle or {}).get("cognitoUserPools") or []:
        if isinstance(pool, dict) and pool.get("userPoolArn") == arn and pool.get("appClientIds"):
            return [str(c) for c in pool["appClientIds"]], "the pool's app clients, from the bundle"
    # The config file gives audiences per route ([tool.apigw-migrate.routes."GET /x"] jwt-audience).
    configured: list[str] = []
    for route in routes:
        override = ctx.options.route_overrides.get(route) or {}
        for value in override.get("jwtAudience") or ():
            if str(value) not in configured:
                configured.append(str(value))
    return configured, "from the config file"
