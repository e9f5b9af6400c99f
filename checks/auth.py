"""Authorization: API keys, usage plans and authorizers (fact sheet §2.4, §6, §7, §12)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.checks.context import (
    Authorizer,
    Context,
    as_int,
    as_text,
    context,
    describe,
    is_opaque,
    items,
    mapping,
    route_list,
    truthy,
)
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity
from apigw_migrate.openapi import scheme_kind, translate_identity

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.options import AnalysisOptions

_COGNITO_ARN = re.compile(r"^arn:[^:]*:cognito-idp:([^:]+):[^:]*:userpool/(.+)$")
_VARIABLE = re.compile(r"\$\{[^}]*\}")
NOT_AN_AUTHORIZER = ("api_key", "other")  # scheme kinds an HTTP route drops from its security


def route_requirements(requirements: Iterable[Any], kind_of: dict[str, str]) -> list[dict]:
    """The security requirements an HTTP route keeps, each once: API keys and schemes that are no API Gateway
    authorizer (REST ignored those too) go. `kind_of` maps a scheme name to `scheme_kind`; an undefined
    `api_key` counts as an API key (REST import reads the name as apiKeyRequired).

    One route takes one authorizer: more than one requirement left, or one naming several schemes, blocks
    the route (AGW207); the `authorizers` pass writes what this returns.

    >>> route_requirements([{"api_key": [], "tok": []}, {"tok": []}], {"tok": "request"})
    [{'tok': []}]
    """
    kept: list[dict] = []
    for requirement in requirements:
        if not isinstance(requirement, dict):
            continue
        real = {n: v for n, v in requirement.items() if kind_of.get(n, "api_key" if n == "api_key" else "") not in NOT_AN_AUTHORIZER}
        if real and real not in kept:
            kept.append(real)
    return kept


def cognito_issuer(arn: Any) -> Any:
    """The JWT issuer of a user pool ARN (a string, an ``Fn::Sub`` or ``Fn::GetAtt Pool.Arn``), or None.

    >>> cognito_issuer("arn:aws:cognito-idp:eu-west-1:123:userpool/eu-west-1_abc")
    'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc'
    >>> cognito_issuer({"Fn::GetAtt": ["Pool", "Arn"]})
    {'Fn::Sub': 'https://${Pool.ProviderURL}'}
    >>> cognito_issuer({"Fn::Sub": "arn:aws:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${PoolId}"})
    {'Fn::Sub': 'https://cognito-idp.${AWS::Region}.amazonaws.com/${PoolId}'}
    """
    if isinstance(arn, dict) and list(arn) == ["Fn::GetAtt"]:
        att = arn["Fn::GetAtt"]
        parts = att if isinstance(att, list) else str(att).split(".")
        if len(parts) == 2 and parts[1] == "Arn":
            # ProviderURL is "cognito-idp.<region>.amazonaws.com/<poolId>", the issuer without its scheme [U].
            return {"Fn::Sub": "https://${" + str(parts[0]) + ".ProviderURL}"}
        return None
    sub = arn.get("Fn::Sub") if isinstance(arn, dict) and len(arn) == 1 else None
    text = arn if isinstance(arn, str) else sub if isinstance(sub, str) else sub[0] if isinstance(sub, list) and sub and isinstance(sub[0], str) else None
    if text is None:
        return None
    # ${…} variables may hold ':' and '/': hide them while matching.
    hidden: list[str] = []
    m = _COGNITO_ARN.match(_VARIABLE.sub(lambda v: hidden.append(v.group()) or f"\x00{len(hidden) - 1}\x00", text))
    if not m:
        return None

    def restore(part: str) -> str:
        return re.sub("\x00(\\d+)\x00", lambda v: hidden[int(v.group(1))], part)

    issuer = f"https://cognito-idp.{restore(m.group(1))}.amazonaws.com/{restore(m.group(2))}"
    if sub is None:
        return issuer
    if isinstance(sub, list):
        return {"Fn::Sub": [issuer, *sub[1:]]}
    return {"Fn::Sub": issuer} if "${" in issuer else issuer


@dataclass
class JwtPlan:
    """The JWT authorizer a Cognito authorizer becomes: `problem` says why it cannot be written (None: it can)."""

    issuer: Any
    audience: list[str]
    origin: str  # where the audience comes from, for messages
    problem: str | None = None


def jwt_plan(arns: list, routes: Iterable[str], options: "AnalysisOptions", bundle: dict | None) -> JwtPlan:
    """Issuer (the first pool) and audience of the JWT authorizer for a Cognito authorizer used by `routes`.

    The audience comes from --jwt-audience, else the bundle's app client ids for that pool, else the
    config file's per-route jwt-audience. AGW204 judges with it and the `authorizers` pass writes it.
    """
    issuer = cognito_issuer(arns[0]) if arns else None
    if issuer is None:
        shown = describe(arns[0]) if arns else "(none)"
        return JwtPlan(
            None, [], "",
            f"no JWT issuer can be derived from the provider ARN {shown!r}: use a user pool ARN "
            "(arn:aws:cognito-idp:<region>:<account>:userpool/<id>)",
        )  # fmt: skip
    if options.jwt_audiences:
        return JwtPlan(issuer, list(options.jwt_audiences), "from --jwt-audience")
    for pool in items((bundle or {}).get("cognitoUserPools")):
        if isinstance(pool, dict) and pool.get("userPoolArn") == arns[0] and pool.get("appClientIds"):
            return JwtPlan(issuer, [str(c) for c in pool["appClientIds"]], "the pool's app clients, from the bundle")
    configured: list[str] = []
    for route in routes:
        for value in (options.route_overrides.get(route) or {}).get("jwtAudience") or ():
            if str(value) not in configured:
                configured.append(str(value))
    if configured:
        return JwtPlan(issuer, configured, "from the config file")
    listed = "the bundle lists no app client for this pool" if (bundle or {}).get("cognitoUserPools") is not None else "the input does not say which app clients call the API"
    return JwtPlan(
        issuer, [], "",
        f"a JWT authorizer needs the app client ids as audience and {listed}: pass --jwt-audience, export a bundle "
        "that lists the pool's app clients, or set jwt-audience for its routes in the config",
    )  # fmt: skip


def jwt_plans(src: "Source", options: "AnalysisOptions | None" = None) -> dict[str, JwtPlan]:
    """The JWT plan of every Cognito authorizer of `src`, by name, with the run's options (AGW204 and convert)."""
    ctx = context(src, options)
    plans = ctx.memo.get("jwt_plans")
    if plans is None:
        plans = ctx.memo["jwt_plans"] = {
            a.name: jwt_plan(pool_arns(a), a.routes, ctx.options, ctx.bundle) for a in ctx.authorizers if a.kind == "cognito"
        }
    return plans


def api_key_schemes(ctx: Context) -> set[str]:
    """Security scheme names that mean "API key required".

    AWS's own samples reference `api_key` without defining it; REST import reads the name as
    apiKeyRequired, so an undefined `api_key` counts too.
    """
    names = {name for name, (scheme, _) in ctx.schemes.items() if scheme_kind(scheme) == "api_key"}
    if "api_key" not in ctx.schemes:
        names.add("api_key")
    return names


def api_key_places(ctx: Context) -> dict[str, list[str]]:
    """Pointer of each security requirement that asks for an API key → the routes it applies to.

    Operations that inherit the API-wide `security` share its pointer, so they make one finding.
    """
    keys = api_key_schemes(ctx)
    places: dict[str, list[str]] = {}
    if keys:
        for o in ctx.ops:
            for i, requirement in enumerate(o.security):
                if isinstance(requirement, dict) and keys & set(requirement):
                    places.setdefault(o.sat(i), []).append(o.route)
                    break
    required, ptr = ctx.prop("Auth", "ApiKeyRequired")
    if truthy(required) is not False and required is not None and ctx.src.kind == "sam":
        places.setdefault(ptr, list(ctx.routes))
    return places


def api_key_routes(ctx: Context, places: dict[str, list[str]] | None = None) -> list[str]:
    """Every route that requires an API key, once each; `places` when `api_key_places` was already called."""
    places = api_key_places(ctx) if places is None else places
    return list(dict.fromkeys(route for routes in places.values() for route in routes))


@rule(
    id="AGW201",
    name="api-key-required",
    severity=Severity.BLOCKER,
    fact="§1,§12",
    fixed_by="authorizers",
    summary="Checks for methods that require an API key (an api_key security requirement, apiKeyRequired, SAM Auth.ApiKeyRequired) and for the API key source.",
    why="HTTP APIs have no API keys: the x-api-key header would no longer be checked, so callers without a key would get through.",
    instead="Authenticate callers with a JWT or Lambda authorizer (a Lambda authorizer can look the key up), or keep the API on REST.",
    example="components:\n  securitySchemes:\n    api_key: {type: apiKey, name: x-api-key, in: header}\npaths:\n  /books:\n    get:\n      security: [{api_key: []}]",
    use_instead="components:\n  securitySchemes:\n    keyCheck:\n      type: apiKey\n      name: x-api-key\n      in: header\n      x-amazon-apigateway-authorizer:\n        type: request\n        identitySource: $request.header.x-api-key\n        authorizerUri: arn:aws:apigateway:...:lambda:path/.../invocations\n        authorizerPayloadFormatVersion: '1.0'\npaths:\n  /books:\n    get:\n      security: [{keyCheck: []}]",
)
def api_key_required(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    places = api_key_places(ctx)
    for ptr, routes in places.items():
        if len(routes) == 1:
            message = f"{routes[0]} requires an API key; HTTP APIs do not check API keys"
        else:
            message = f"{len(routes)} routes require an API key ({route_list(routes)}); HTTP APIs do not check API keys"
        yield r.finding(ptr, message, routes=routes)
    if not places:
        return
    key_routes = api_key_routes(ctx, places)
    for value, ptr in (
        ctx.api_ext("x-amazon-apigateway-api-key-source"),
        ctx.bundle_value("restApi", "apiKeySource"),
        ctx.prop("ApiKeySourceType"),
    ):
        if str(value).upper() == "AUTHORIZER":
            yield r.finding(
                ptr,
                "API keys come from the Lambda authorizer (usageIdentifierKey); HTTP authorizers cannot return one",
                routes=key_routes,
            )
            return


def _plan_text(plan: dict) -> str:
    parts = []
    throttle = mapping(plan.get("throttle") or plan.get("Throttle"))
    if throttle:
        rate = throttle.get("rateLimit", throttle.get("RateLimit"))
        burst = throttle.get("burstLimit", throttle.get("BurstLimit"))
        parts.append(f"throttle {describe(rate)} rps / burst {describe(burst)}")
    quota = mapping(plan.get("quota") or plan.get("Quota"))
    if quota:
        parts.append(f"quota {describe(quota.get('limit', quota.get('Limit')))} per {describe(quota.get('period', quota.get('Period'))).lower()}")
    per_method = sum(len(mapping(s.get("throttle") or s.get("Throttle"))) for s in map(mapping, items(plan.get("apiStages") or plan.get("ApiStages"))))
    if per_method:
        parts.append(f"{per_method} per-method throttle{'s' if per_method > 1 else ''}")
    keys = items(plan.get("apiKeys"))
    if keys:
        parts.append(f"{len(keys)} API key{'s' if len(keys) > 1 else ''}")
    return ", ".join(parts) or "no limits set"


@rule(
    id="AGW202",
    name="usage-plan",
    severity=Severity.BLOCKER,
    fact="§12",
    fixed_by=None,
    summary="Checks for usage plans attached to the API stage (throttling, quotas, per-method throttles, API keys).",
    why="HTTP APIs have no usage plans, per-client throttling or quotas: only stage and route throttling shared by every client exist.",
    instead="Use stage/route throttling for the aggregate limit and enforce per-client quotas in a Lambda authorizer or the backend, or keep the API on REST.",
    example="usagePlans:\n  - name: partners\n    throttle: {rateLimit: 50, burstLimit: 100}\n    quota: {limit: 100000, period: MONTH}\n    apiKeys: [{id: k1, name: acme}]",
    use_instead="# HTTP APIs: one limit for everyone\nDefaultRouteSettings:\n  ThrottlingRateLimit: 50\n  ThrottlingBurstLimit: 100\n# per-client quotas move into a Lambda authorizer or the backend",
)
def usage_plan(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    key_routes = api_key_routes(ctx)
    plans: list[tuple[str, dict, str]] = []
    for i, plan in enumerate(items(ctx.bundle.get("usagePlans"))):
        if isinstance(plan, dict):
            plans.append((str(plan.get("name", plan.get("id", i))), plan, jp.join("/usagePlans", i)))
    sam_plan, sam_ptr = ctx.prop("Auth", "UsagePlan")
    if isinstance(sam_plan, dict) and str(sam_plan.get("CreateUsagePlan", "NONE")).upper() != "NONE":
        plans.append((f"Auth.UsagePlan ({describe(sam_plan.get('CreateUsagePlan'))})", sam_plan, sam_ptr))
    for name, props, ptr in ctx.related.get("AWS::ApiGateway::UsagePlan", ()):
        plans.append((name, props, ptr))
    for name, plan, ptr in plans:
        text = _plan_text(plan)
        if key_routes:
            yield r.finding(
                ptr,
                f"usage plan {name} ({text}) limits API-key callers of {len(key_routes)} route"
                f"{'s' if len(key_routes) > 1 else ''}; HTTP APIs have no per-client limits",
                routes=key_routes,
            )
        else:
            # Without a method that requires a key, a plan identifies no caller and limits nothing
            # today: losing it changes nothing, so it is not a blocker.
            yield r.finding(
                ptr,
                f"usage plan {name} ({text}) is attached, but no method requires an API key, so it limits "
                "nothing today; HTTP APIs have no usage plans",
                severity=Severity.WARNING,
            )


def _routes_text(a: Authorizer) -> str:
    if not a.routes:
        return "used by no route in this document"
    return f"used by {len(a.routes)} route{'s' if len(a.routes) > 1 else ''}"


@rule(
    id="AGW203",
    name="token-authorizer",
    severity=Severity.INFO,
    fact="§2.4,§6",
    fixed_by="authorizers",
    summary="Checks for TOKEN Lambda authorizers.",
    why="HTTP APIs have no TOKEN authorizers; a REQUEST authorizer with payload format 1.0 and the same header as identity source receives a different event: the token is in `headers` and `identitySource`, and `methodArn` names the new API.",
    instead="Use an HTTP REQUEST authorizer, payload format 1.0, identity source $request.header.<name>; make the function read the token from the 1.0 REQUEST event (convert writes the authorizer).",
    example="x-amazon-apigateway-authorizer:\n  type: token\n  identitySource: method.request.header.Authorization\n  authorizerUri: arn:aws:apigateway:...:lambda:path/.../invocations",
    use_instead="x-amazon-apigateway-authorizer:\n  type: request\n  identitySource: $request.header.Authorization\n  authorizerPayloadFormatVersion: '1.0'\n  authorizerUri: arn:aws:apigateway:...:lambda:path/.../invocations",
)
def token_authorizer(src: "Source", r: Rule) -> Iterator[Finding]:
    for a in context(src).authorizers:
        if a.kind == "token":
            source = a.get("identitySource") or "method.request.header.Authorization"
            yield r.finding(
                a.where("type"),
                f"TOKEN authorizer {a.name} ({describe(source)}, {_routes_text(a)}) becomes a REQUEST authorizer "
                "with payload 1.0: the function must read the token from the REQUEST event",
                routes=a.routes,
            )


def pool_arns(a: Authorizer) -> list:
    """The provider ARNs as written (strings, or intrinsics): compare these, `describe` them only in messages."""
    arns = a.get("providerARNs")
    if isinstance(arns, list):
        return arns
    return [arns] if arns else []


@rule(
    id="AGW204",
    name="cognito-authorizer",
    severity=Severity.WARNING,
    fact="§7",
    fixed_by="authorizers",
    stays_blocked=True,
    summary="Checks for Cognito user pool authorizers (COGNITO_USER_POOLS).",
    why="HTTP APIs validate Cognito tokens with a JWT authorizer, which needs the issuer and an audience (the app client ids); REST accepted tokens from any app client of the pool.",
    instead="Use a JWT authorizer with issuer https://cognito-idp.<region>.amazonaws.com/<poolId> and the app client ids as audience (convert writes it).",
    example="x-amazon-apigateway-authorizer:\n  type: cognito_user_pools\n  providerARNs:\n    - arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC",
    use_instead="x-amazon-apigateway-authorizer:\n  type: jwt\n  identitySource: $request.header.Authorization\n  jwtConfiguration:\n    issuer: https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC\n    audience: [4f1exampleclientid]",
)
def cognito_authorizer(src: "Source", r: Rule) -> Iterator[Finding]:
    plans = jwt_plans(src)
    for a in context(src).authorizers:
        if a.kind != "cognito":
            continue
        plan = plans[a.name]
        if plan.problem is not None:
            yield r.finding(
                a.where("providerARNs") if plan.issuer is None else a.where("type"),
                f"Cognito authorizer {a.name} ({_routes_text(a)}) cannot become a JWT authorizer: {plan.problem}"
                + ("" if a.routes else "; no route uses it, so it is left out"),
                routes=a.routes,
                severity=Severity.BLOCKER if a.routes else Severity.WARNING,
            )
            continue
        issuer = plan.issuer if isinstance(plan.issuer, str) else as_text(plan.issuer) or describe(plan.issuer)
        yield r.finding(
            a.where("type"),
            f"Cognito authorizer {a.name} ({_routes_text(a)}) becomes a JWT authorizer, issuer {issuer}, audience "
            f"{', '.join(plan.audience)} ({plan.origin}): REST accepted tokens from any app client of the pool, HTTP only "
            "from these; claims move to requestContext.authorizer.jwt.claims under payload 2.0",
            routes=a.routes,
        )


@rule(
    id="AGW205",
    name="cognito-multiple-pools",
    severity=Severity.WARNING,
    fact="§7",
    fixed_by="authorizers",
    summary="Checks for Cognito authorizers that accept tokens from several user pools (more than one providerARN).",
    why="A JWT authorizer has exactly one issuer, and a route can use only one authorizer: tokens from the other pools would be rejected.",
    instead="Create one JWT authorizer per pool and split the routes, or front them with a Lambda authorizer that accepts every issuer.",
    example="x-amazon-apigateway-authorizer:\n  type: cognito_user_pools\n  providerARNs:\n    - arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Staff\n    - arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Customers",
    use_instead="# one JWT authorizer per issuer; each route picks one\nstaffJwt:   {type: jwt, jwtConfiguration: {issuer: https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Staff, audience: [...]}}\ncustomerJwt: {type: jwt, jwtConfiguration: {issuer: https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Customers, audience: [...]}}",
)
def cognito_multiple_pools(src: "Source", r: Rule) -> Iterator[Finding]:
    for a in context(src).authorizers:
        arns = pool_arns(a)
        if a.kind == "cognito" and len(arns) > 1:
            yield r.finding(
                a.where("providerARNs"),
                f"Cognito authorizer {a.name} accepts {len(arns)} user pools; a JWT authorizer has one issuer",
                routes=a.routes,
            )


@rule(
    id="AGW206",
    name="identity-validation-expression",
    severity=Severity.WARNING,
    fact="§2.4,§6",
    fixed_by="authorizers",
    summary="Checks for authorizers with an identityValidationExpression.",
    why="HTTP APIs do not support identityValidationExpression: the regex pre-check of the token (or the aud check of a Cognito authorizer) is dropped, so the Lambda authorizer is invoked for malformed tokens.",
    instead="Do the same check at the start of the Lambda authorizer, or (Cognito) list the accepted audiences in the JWT authorizer.",
    example="x-amazon-apigateway-authorizer:\n  type: token\n  identityValidationExpression: ^Bearer [-0-9a-zA-Z._]+$",
    use_instead="# no pre-check: the Lambda authorizer tests the token format first\n# and returns Unauthorized when it does not match",
)
def identity_validation_expression(src: "Source", r: Rule) -> Iterator[Finding]:
    for a in context(src).authorizers:
        expr = a.get("identityValidationExpression")
        if expr:
            yield r.finding(
                a.where("identityValidationExpression"),
                f"authorizer {a.name} pre-checks tokens with {describe(expr)!r}; HTTP APIs drop the check",
                routes=a.routes,
            )


@rule(
    id="AGW207",
    name="multiple-security-requirements",
    severity=Severity.BLOCKER,
    fact="§3",
    fixed_by="authorizers",
    stays_blocked=True,
    summary="Checks for operations with more than one security requirement, or several schemes in one requirement (a warning when the extras are only API keys).",
    why="HTTP API import rejects operations with more than one security requirement: each route has at most one authorization type (IAM, Lambda authorizer or JWT).",
    instead="Pick one authorizer per route (a Lambda authorizer can combine several checks); API key alternatives disappear with API keys.",
    example="paths:\n  /books:\n    get:\n      security:\n        - cognito: []\n        - sigv4: []",
    use_instead="paths:\n  /books:\n    get:\n      security:\n        - cognitoJwt: []",
)
def multiple_security_requirements(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    kinds = {name: scheme_kind(scheme) for name, (scheme, _) in ctx.schemes.items()}
    groups: dict[tuple[str, Severity, str], list[str]] = {}
    for o in ctx.ops:
        reqs = [req for req in o.security if isinstance(req, dict)]
        if len(reqs) < 2 and all(len(req) < 2 for req in reqs) and not (o.auth_type == "aws_iam" and reqs):
            continue
        kept = route_requirements(reqs, kinds)
        if o.auth_type == "aws_iam":
            # IAM (x-amazon-apigateway-auth) becomes a sigv4 requirement next to the others (the authorizers pass).
            kept = [dict(req, sigv4=[]) for req in kept] or [{"sigv4": []}]
        if len(kept) > 1 or any(len(req) > 1 for req in kept):
            names = " | ".join(" + ".join(req) for req in kept)
            groups.setdefault((o.security_pointer, Severity.BLOCKER, names), []).append(o.route)
        else:
            names = " + ".join(sorted({k for req in reqs for k in req}))
            groups.setdefault((o.security_pointer, Severity.WARNING, names), []).append(o.route)
    for (ptr, severity, names), routes in groups.items():
        where = routes[0] if len(routes) == 1 else f"{len(routes)} routes ({route_list(routes)})"
        if severity is Severity.BLOCKER:
            message = f"{where}: several security schemes ({names}); an HTTP route takes exactly one (pick one, or merge them into one Lambda authorizer)"
        else:
            message = f"{where}: several security schemes ({names}), but the extras are API keys or no API Gateway authorizer, which go away"
        yield r.finding(ptr, message, routes=routes, severity=severity)


def _ttl(a: Authorizer) -> tuple[int | None, str]:
    """The cache TTL in seconds (None when only known at deploy time) and how it is known."""
    if not a.has("authorizerResultTtlInSeconds"):
        return 300, "unset: REST's default is 300 s"
    value = a.get("authorizerResultTtlInSeconds")
    ttl = as_int(value)
    if ttl is None:
        return None, f"set by {describe(value)}"
    return ttl, f"{ttl} s"


@rule(
    id="AGW208",
    name="authorizer-caching",
    severity=Severity.INFO,
    fact="§6",
    fixed_by="authorizers",
    summary="Checks for Lambda authorizers that cache results (authorizerResultTtlInSeconds > 0, or unset: REST's default is 300).",
    why="HTTP API authorizer caching keys on the identity sources only: a cached allow or simple response applies to every route with the same identity values.",
    instead="Add $context.routeKey to the identity sources to cache per route, or return policies valid for every route.",
    example="x-amazon-apigateway-authorizer:\n  type: token\n  authorizerResultTtlInSeconds: 300",
    use_instead="x-amazon-apigateway-authorizer:\n  type: request\n  identitySource: $request.header.Authorization, $context.routeKey\n  authorizerResultTtlInSeconds: 300",
)
def authorizer_caching(src: "Source", r: Rule) -> Iterator[Finding]:
    for a in context(src).authorizers:
        if a.kind not in ("token", "request"):
            continue
        ttl, how = _ttl(a)
        if ttl == 0:
            continue
        yield r.finding(
            a.where("authorizerResultTtlInSeconds"),
            f"authorizer {a.name} caches results ({how}); on HTTP APIs the cache key is the identity sources, "
            "so add $context.routeKey to cache per route",
            routes=a.routes,
        )


def translate_identity_source(value: str) -> tuple[list[str], list[str]]:
    """REST identity sources (comma-separated) in HTTP spelling, and those that have none (convert drops them)."""
    translated, unknown = [], []
    for part in (p.strip() for p in value.split(",") if p.strip()):
        http = translate_identity(part)
        (translated if http else unknown).append(http or part)
    return translated, unknown


@rule(
    id="AGW209",
    name="request-authorizer",
    severity=Severity.INFO,
    fact="§6",
    fixed_by="authorizers",
    summary="Checks for REQUEST Lambda authorizers.",
    why="HTTP REQUEST authorizers spell identity sources in HTTP syntax ($request.header.Auth, $request.querystring.token, $context.*, $stageVariables.*), and payload 1.0 is the REST-compatible event.",
    instead="Use an HTTP REQUEST authorizer with payload format 1.0 and the translated identity sources (convert writes it).",
    example="x-amazon-apigateway-authorizer:\n  type: request\n  identitySource: method.request.header.Auth, method.request.querystring.token",
    use_instead="x-amazon-apigateway-authorizer:\n  type: request\n  identitySource: $request.header.Auth, $request.querystring.token\n  authorizerPayloadFormatVersion: '1.0'",
)
def request_authorizer(src: "Source", r: Rule) -> Iterator[Finding]:
    for a in context(src).authorizers:
        if a.kind != "request":
            continue
        source = a.get("identitySource")
        if isinstance(source, str) and source.strip():
            translated, unknown = translate_identity_source(source)
            detail = f"identity sources become {', '.join(translated)}" if translated else "no identity source has an HTTP spelling"
            if unknown:
                detail += f"; {', '.join(unknown)} {'has' if len(unknown) == 1 else 'have'} no HTTP spelling and will be dropped"
        elif is_opaque(source):
            detail = f"identity sources set by {describe(source)} must be translated by hand"
        else:
            detail = "no identity source: HTTP caching needs at least one"
        yield r.finding(
            a.where("type"),
            f"REQUEST authorizer {a.name} ({_routes_text(a)}) moves with payload 1.0; {detail}",
            routes=a.routes,
        )


def _identity_parts(a: Authorizer) -> list[str]:
    source = a.get("identitySource")
    return [p.strip() for p in source.split(",") if p.strip()] if isinstance(source, str) else []


@rule(
    id="AGW210",
    name="request-authorizer-identity-optional",
    severity=Severity.WARNING,
    fact="§6",
    fixed_by=None,
    summary="Checks for REQUEST Lambda authorizers with caching off (authorizerResultTtlInSeconds 0) that name identity sources.",
    why="With caching off, REST calls a REQUEST authorizer even when a request lacks its identity sources, so the function decides; an HTTP API answers 401 without calling the function whenever an identity source is missing (http-api-lambda-authorizer).",
    instead="If requests without those headers or query strings must still reach the function, leave the identity sources out of the HTTP authorizer (allowed while caching is off); otherwise make sure every client sends them.",
    example="x-amazon-apigateway-authorizer:\n  type: request\n  identitySource: method.request.header.Authorization, method.request.querystring.token\n  authorizerResultTtlInSeconds: 0",
    use_instead="x-amazon-apigateway-authorizer:\n  type: request\n  authorizerPayloadFormatVersion: '1.0'\n  authorizerResultTtlInSeconds: 0\n  # no identitySource: the function is called for every request",
    references=("https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html",),
)
def request_authorizer_identity_optional(src: "Source", r: Rule) -> Iterator[Finding]:
    for a in context(src).authorizers:
        parts = _identity_parts(a)
        if a.kind != "request" or not parts or _ttl(a)[0] != 0:
            continue
        yield r.finding(
            a.where("identitySource"),
            f"REQUEST authorizer {a.name} ({_routes_text(a)}) does not cache, so REST called it even for requests "
            f"without {', '.join(parts)}; an HTTP API answers 401 to those without calling the function",
            routes=a.routes,
        )


def stage_variables(ctx: "Context") -> dict | None:
    """The REST stage's variables (bundle stage, SAM Variables, AWS::ApiGateway::Stage), or None when no stage is known."""
    found: dict | None = None
    for name, value, _ptr in ctx.stage_settings():
        if name == "variables" and isinstance(value, dict):
            found = {**(found or {}), **value}
    if isinstance(ctx.bundle.get("stage"), dict):
        found = found or {}
    variables, _ = ctx.prop("Variables")
    if isinstance(variables, dict):
        found = {**(found or {}), **variables}
    for _name, props, _ptr in ctx.related.get("AWS::ApiGateway::Stage", ()):
        if isinstance(props.get("Variables"), dict):
            found = {**(found or {}), **props["Variables"]}
    return found


@rule(
    id="AGW211",
    name="identity-source-stage-variable",
    severity=Severity.WARNING,
    fact="§6",
    fixed_by=None,
    summary="Checks for Lambda authorizers whose identity sources read a stage variable (such as stageVariables.tenant).",
    why="An HTTP API answers 401 without calling the authorizer when an identity source is empty, so an identity source such as $stageVariables.tenant needs the variable tenant on the HTTP stage; an OpenAPI import creates no stage variables.",
    instead="Define the variable on the HTTP API stage (convert's CloudFormation/SAM output copies the REST stage's variables), or drop it from the identity sources.",
    example="x-amazon-apigateway-authorizer:\n  type: request\n  identitySource: method.request.header.Authorization, stageVariables.tenant",
    use_instead="# the HTTP stage\nStageVariables:\n  tenant: acme",
    references=("https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html",),
)
def identity_source_stage_variable(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    variables = stage_variables(ctx)
    for a in ctx.authorizers:
        names = [p.split(".", 1)[1] for p in _identity_parts(a) if p.lstrip("$").startswith("stageVariables.")]
        for name in names:
            if variables is None:
                where = "the REST stage is not in this input: make sure the HTTP stage defines it"
            elif name in variables:
                where = "the REST stage sets it; convert --format cloudformation|sam copies it to the HTTP stage, an OpenAPI import does not"
            else:
                where = "the REST stage does not set it either, so REST passed an empty value: define it on the HTTP stage or drop it"
            yield r.finding(
                a.where("identitySource"),
                f"authorizer {a.name} ({_routes_text(a)}) reads the identity source $stageVariables.{name}; an HTTP API "
                f"answers 401 without calling the function while stage variable {name} is missing; {where}",
                routes=a.routes,
            )


RULES = (
    api_key_required,
    usage_plan,
    token_authorizer,
    cognito_authorizer,
    cognito_multiple_pools,
    identity_validation_expression,
    multiple_security_requirements,
    authorizer_caching,
    request_authorizer,
    request_authorizer_identity_optional,
    identity_source_stage_variable,
)
