"""Preflight: what must hold before the first step, as findings with a rule id and the fix, like `check`.

Each rule is a declarative `PreRule` (id, name, severity, the fix, the AWS page behind it); the
checks below read `Facts` (gathered live or from a bundle by `plan`) and yield findings. A blocker
stops `plan` from writing the plan (exit 1) unless `--force`, which records the findings in it.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from apigw_migrate.findings import Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.cutover.plan import Facts

DOCS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/"


@dataclass(frozen=True)
class PreRule:
    id: str
    name: str
    severity: Severity
    fix: str
    page: str  # the AWS developer guide page the rule rests on

    def finding(self, message: str, routes: tuple[str, ...] = (), severity: Severity | None = None) -> Finding:
        return Finding(self.id, severity or self.severity, message, f"{self.fix} ({DOCS}{self.page}.html)", routes=routes)


RULES = {
    r.id: r
    for r in (
        PreRule("PRE101", "domain-missing", Severity.BLOCKER,
                "create the Regional custom domain (apigatewayv2 create-domain-name) or pass the right --domain and --region",
                "http-api-custom-domain-names"),
        PreRule("PRE102", "domain-edge-optimized", Severity.BLOCKER,
                "HTTP APIs map only to Regional domains: use --strategy cloudfront, or create a Regional domain and move DNS to it",
                "http-api-mappings"),
        PreRule("PRE103", "domain-tls-policy", Severity.BLOCKER,
                "set the domain's security policy to TLS_1_2 (apigatewayv2 update-domain-name) or use --strategy cloudfront",
                "http-api-mappings"),
        PreRule("PRE104", "domain-routing-rules", Severity.BLOCKER,
                "routing rules serve REST APIs only and are not allowed on a domain mapped to both kinds: set the routing mode to API_MAPPING_ONLY first",
                "rest-api-routing-rules"),
        PreRule("PRE105", "domain-other-region", Severity.BLOCKER,
                "API mappings join a domain and an API in the same Region and account: plan with --strategy route53 or cloudfront",
                "http-api-mappings"),
        PreRule("PRE106", "domain-not-mapped-to-rest", Severity.BLOCKER,
                "map the REST stage on the domain first (the plan moves traffic from that mapping), or pass the right --rest-stage",
                "rest-api-mappings"),
        PreRule("PRE201", "http-api-missing", Severity.BLOCKER,
                "import the converted definition (aws apigatewayv2 import-api) and pass its id as --http-api-id",
                "http-api-open-api"),
        PreRule("PRE202", "http-stage-missing", Severity.BLOCKER,
                "create the stage (apigatewayv2 create-stage, auto-deploy on) or pass --http-stage",
                "http-api-stages"),
        PreRule("PRE203", "route-404-under-mapping", Severity.BLOCKER,
                "API Gateway strips the matched base path: deploy the group's re-rooted definition the plan wrote and pass its API with --group-api NAME=API_ID",
                "http-api-mappings"),
        PreRule("PRE204", "route-missing-on-http", Severity.BLOCKER,
                "add the route to the HTTP API (apigw-migrate convert, then import) before traffic moves",
                "http-api-develop-routes"),
        PreRule("PRE301", "lambda-permission-missing", Severity.BLOCKER,
                "grant the HTTP API: aws lambda add-permission --principal apigateway.amazonaws.com --source-arn arn:aws:execute-api:REGION:ACCOUNT:HTTP_API_ID/*",
                "http-api-troubleshooting-lambda"),
        PreRule("PRE302", "lambda-permission-unchecked", Severity.INFO,
                "plan against AWS (without --from-bundle) to read the functions' policies, or check them by hand",
                "http-api-troubleshooting-lambda"),
        PreRule("PRE401", "check-blockers-on-moved-routes", Severity.BLOCKER,
                "resolve the blockers apigw-migrate check reports for these routes, or leave them on REST with a group that does not move",
                "http-api-vs-rest"),
        PreRule("PRE501", "execute-api-endpoint-enabled", Severity.INFO,
                "after the last step, disable the REST API's default endpoint (disableExecuteApiEndpoint) so no client bypasses the domain",
                "rest-api-disable-default-endpoint"),
        PreRule("PRE502", "execute-api-endpoint-disabled", Severity.INFO,
                "its CloudFront origin is an origin custom domain (origin-rest. or origin-http. before the hostname) in the plan's origins template: deploy it before running",
                "rest-api-disable-default-endpoint"),
        PreRule("PRE601", "no-metrics-rest", Severity.WARNING,
                "gates compare HTTP with REST: without REST data (5XXError, 4XXError, Count by ApiName) every gate is insufficient; send traffic or check the API name",
                "api-gateway-metrics-and-dimensions"),
        PreRule("PRE602", "no-metrics-http", Severity.INFO,
                "expected before the first step; gates read 5xx, 4xx, Count by ApiId once traffic moves",
                "http-api-metrics"),
        PreRule("PRE701", "cloudfront-certificate", Severity.WARNING,
                "CloudFront needs an ACM certificate for the hostname in us-east-1: pass it as the stack's CertificateArn parameter",
                "how-to-custom-domains"),
        PreRule("PRE702", "cloudfront-edge-alias", Severity.WARNING,
                "the edge-optimized domain's own distribution holds the hostname: move the alias with CloudFront associate-alias (a TXT record proves ownership) in the DNS step",
                "how-to-edge-optimized-custom-domain-name"),
        PreRule("PRE801", "route53-zone-missing", Severity.BLOCKER,
                "pass --hosted-zone-id for the zone that holds the hostname",
                "apigateway-regional-api-custom-domain-create"),
    )
}


def run(
    facts: "Facts", strategy: str, moved_routes: list[str], not_found: dict[str, list[str]],
    misrouted: dict[str, dict[str, str]] | None = None,
) -> list[Finding]:
    """Every preflight finding for this plan, in rule order.

    `not_found`: mapping key → REST routes that would 404 under it; `misrouted`: mapping key → REST
    route → the other HTTP route that would answer it there.
    """
    checks = [_domain(facts, strategy), _http_api(facts), _routes(facts, strategy, moved_routes, not_found, misrouted or {}),
              _permissions(facts), _check_blockers(facts, moved_routes), _endpoints(facts, strategy), _metrics(facts),
              _strategy_specific(facts, strategy)]
    found = [f for check in checks for f in check]
    return sorted(found, key=lambda f: (f.rule, f.message))


def _domain(facts: "Facts", strategy: str) -> Iterator[Finding]:
    d = facts.domain
    if d is None:
        yield RULES["PRE101"].finding(f"custom domain {facts.domain_name} does not exist in {facts.domain_region} for this account")
        return
    if strategy != "path":
        return
    if d["endpoint_type"] != "REGIONAL":
        yield RULES["PRE102"].finding(f"{d['name']} is {d['endpoint_type'].lower()}-optimized; an HTTP API cannot be mapped on it")
    if d["security_policy"] != "TLS_1_2":
        yield RULES["PRE103"].finding(f"{d['name']} uses {d['security_policy']}; HTTP API mappings need TLS_1_2")
    if d.get("routing_mode") not in (None, "", "API_MAPPING_ONLY", "BASE_PATH_MAPPING_ONLY"):
        yield RULES["PRE104"].finding(f"{d['name']} routes with routing rules ({d['routing_mode']})")
    if facts.http.region != d["region"] or facts.rest.region != d["region"]:
        yield RULES["PRE105"].finding(
            f"{d['name']} is in {d['region']}, the REST API in {facts.rest.region} and the HTTP API in {facts.http.region}"
        )
    if facts.rest_mapping_key is None:
        yield RULES["PRE106"].finding(f"no mapping on {d['name']} serves REST API {facts.rest.api_id} stage {facts.rest.stage}")


def _http_api(facts: "Facts") -> Iterator[Finding]:
    if facts.http_exists is False:
        yield RULES["PRE201"].finding(f"HTTP API {facts.http.api_id} does not exist in {facts.http.region}")
    elif facts.http_stage_exists is False:
        yield RULES["PRE202"].finding(f"HTTP API {facts.http.api_id} has no stage {facts.http.stage}")


def _routes(
    facts: "Facts", strategy: str, moved: list[str], not_found: dict[str, list[str]], misrouted: dict[str, dict[str, str]]
) -> Iterator[Finding]:
    if facts.http_routes is None:
        return
    from apigw_migrate.cutover.strategies.path import routes_that_404

    missing = routes_that_404(moved, "", facts.http_routes)
    if missing:
        yield RULES["PRE204"].finding(
            f"{len(missing)} REST route(s) have no HTTP route: {', '.join(missing)}", routes=tuple(missing)
        )
    if strategy == "path":
        for key in sorted(set(not_found) | set(misrouted)):
            routes = [r for r in not_found.get(key, []) if r not in missing]
            wrong = misrouted.get(key, {})
            parts = []
            if routes:
                parts.append(f"the HTTP API has no route for {', '.join(routes)}: these would answer 404")
            if wrong:
                parts.append("other routes would answer " + ", ".join(f"{r} (reaches {h})" for r, h in sorted(wrong.items())))
            if parts:
                yield RULES["PRE203"].finding(
                    f"under mapping {key!r} the base path is stripped: {'; '.join(parts)}", routes=tuple(sorted({*routes, *wrong}))
                )


def _permissions(facts: "Facts") -> Iterator[Finding]:
    if not facts.lambda_functions:
        return
    if facts.lambda_policies is None:
        names = sorted({f for f, _ in facts.lambda_functions})
        yield RULES["PRE302"].finding(f"the invoke permissions of {len(names)} Lambda function(s) were not read offline: {', '.join(names)}")
        return
    for function, kind in facts.lambda_functions:
        policy = facts.lambda_policies.get(function)
        if not grants(policy, facts.http.api_id, kind):
            what = "authorizer" if kind == "authorizer" else "integration"
            yield RULES["PRE301"].finding(
                f"Lambda {function} ({what}) does not let HTTP API {facts.http.api_id} invoke it"
                + (": it has no resource policy" if policy is None else "")
            )


def grants(policy: Any, api_id: str, kind: str = "integration") -> bool:
    """Whether a Lambda resource policy lets API Gateway invoke the function for `api_id`.

    >>> p = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
    ...     "Action": "lambda:InvokeFunction",
    ...     "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:1:h1/*"}}}]}
    >>> grants(p, "h1"), grants(p, "a1"), grants(p, "h1", "authorizer")
    (True, False, True)
    """
    if isinstance(policy, str):
        policy = json.loads(policy)
    if not isinstance(policy, dict):
        return False
    statements = policy.get("Statement") or []
    for s in statements if isinstance(statements, list) else [statements]:
        principal = s.get("Principal")
        service = principal.get("Service") if isinstance(principal, dict) else principal
        services = service if isinstance(service, list) else [service]
        actions = s.get("Action")
        actions = actions if isinstance(actions, list) else [actions]
        if s.get("Effect") != "Allow" or "apigateway.amazonaws.com" not in services:
            continue
        if not any(a in ("lambda:InvokeFunction", "lambda:*", "*") for a in actions):
            continue
        sources = [v for cond in (s.get("Condition") or {}).values() if isinstance(cond, dict)
                   for k, v in cond.items() if k.lower() == "aws:sourcearn"]
        if not sources:
            return True
        for source in sources:
            for arn in source if isinstance(source, list) else [source]:
                # arn:aws:execute-api:region:account:API_ID/... (authorizers: API_ID/authorizers/ID)
                rest = str(arn).split(":", 5)[-1]
                candidate = f"{api_id}/authorizers/x" if kind == "authorizer" else f"{api_id}/stage/GET/x"
                # the $default route's ARN has no method/path pair, so "/*/*/*" misses it: [U] (§15)
                if fnmatch.fnmatchcase(candidate, rest) or fnmatch.fnmatchcase(f"{api_id}/$default/$default", rest):
                    return True
    return False


def _check_blockers(facts: "Facts", moved: list[str]) -> Iterator[Finding]:
    from apigw_migrate.checks import domains

    # check's custom-domain rules judge the domain for the one native move; the plan judges it per
    # strategy instead (PRE102-PRE104), and cloudfront or route53 take the hostname off that domain.
    domain_rules = {r.id for r in domains.RULES}
    moved_set = set(moved)
    api_wide: set[str] = set()
    per_rule: dict[str, set[str]] = {}
    for f in facts.check_findings:
        if f.severity is not Severity.BLOCKER or f.rule in domain_rules:
            continue
        if not f.routes:
            api_wide.add(f.rule)
        else:
            hit = moved_set.intersection(f.routes)
            if hit:
                per_rule.setdefault(f.rule, set()).update(hit)
    if api_wide or per_rule:
        parts = [f"{rule} (the whole API)" for rule in sorted(api_wide)]
        parts += [f"{rule} ({', '.join(sorted(routes))})" for rule, routes in sorted(per_rule.items())]
        routes = sorted(moved_set) if api_wide else sorted(set().union(*per_rule.values()))
        yield RULES["PRE401"].finding(f"check still reports blockers on routes that would move: {'; '.join(parts)}", routes=tuple(routes))


def _endpoints(facts: "Facts", strategy: str) -> Iterator[Finding]:
    if facts.rest_endpoint_disabled is False:
        yield RULES["PRE501"].finding(f"REST API {facts.rest.api_id} still answers on its execute-api endpoint")
    if strategy == "cloudfront":
        for side, disabled in (("REST", facts.rest_endpoint_disabled), ("HTTP", facts.http_endpoint_disabled)):
            if disabled:
                yield RULES["PRE502"].finding(f"the {side} API's execute-api endpoint is disabled")


def _metrics(facts: "Facts") -> Iterator[Finding]:
    if facts.rest_has_data is False:
        yield RULES["PRE601"].finding(f"CloudWatch has no Count for REST API {facts.rest.api_name or facts.rest.api_id} (ApiName) in the last 14 days")
    if facts.http_has_data is False:
        yield RULES["PRE602"].finding(f"CloudWatch has no Count for HTTP API {facts.http.api_id} (ApiId) yet")


def _strategy_specific(facts: "Facts", strategy: str) -> Iterator[Finding]:
    if strategy == "cloudfront":
        yield RULES["PRE701"].finding(f"the CloudFront distribution serves {facts.domain_name}, so it needs a us-east-1 certificate for it")
        if facts.domain and facts.domain["endpoint_type"] == "EDGE":
            yield RULES["PRE702"].finding(f"{facts.domain_name} is edge-optimized: its hostname is an alias of API Gateway's own distribution")
    if strategy in ("cloudfront", "route53") and not facts.hosted_zone_id:
        yield RULES["PRE801"].finding(f"no Route 53 hosted zone found for {facts.domain_name}")


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.BLOCKER]
