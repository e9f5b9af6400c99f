"""Custom domains (fact sheet §10)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.checks.context import Context, context, describe, is_opaque, items, mapping
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.load import Source


@dataclass
class Domain:
    name: str
    pointer: str
    endpoint: str | None  # EDGE, REGIONAL, PRIVATE; None when unknown
    endpoint_pointer: str
    policy: Any
    policy_pointer: str
    routing_mode: Any
    routing_pointer: str


def domains(ctx: Context) -> list[Domain]:
    """Custom domains mapped to the API: the bundle's domainNames and a SAM Domain.

    A template's own AWS::ApiGateway::DomainName resources are not read: nothing in them names the API.
    """
    found: list[Domain] = []
    for i, d in enumerate(items(ctx.bundle.get("domainNames"))):
        d = mapping(d)
        base = jp.join("/domainNames", i)
        types = [str(t).upper() for t in items(mapping(d.get("endpointConfiguration")).get("types"))]
        endpoint = types[0] if types else ("EDGE" if d.get("distributionDomainName") and not d.get("regionalDomainName") else None)
        endpoint_ptr = jp.join(base, "endpointConfiguration", "types", 0) if types else base
        found.append(
            Domain(
                str(d.get("domainName")),
                base,
                endpoint,
                endpoint_ptr,
                d.get("securityPolicy"),
                jp.join(base, "securityPolicy"),
                d.get("routingMode"),
                jp.join(base, "routingMode"),
            )
        )
    sam, sam_ptr = ctx.prop("Domain")
    if isinstance(sam, dict):
        # SAM's Domain.EndpointConfiguration defaults to REGIONAL.
        conf = sam.get("EndpointConfiguration", "REGIONAL")
        found.append(
            Domain(
                describe(sam.get("DomainName")),
                sam_ptr,
                None if is_opaque(conf) else str(conf).upper(),
                jp.join(sam_ptr, "EndpointConfiguration") if "EndpointConfiguration" in sam else sam_ptr,
                sam.get("SecurityPolicy"),
                jp.join(sam_ptr, "SecurityPolicy"),
                None,
                sam_ptr,
            )
        )
    return found


@rule(
    id="AGW811",
    name="edge-custom-domain",
    severity=Severity.BLOCKER,
    fact="§10",
    fixed_by=None,
    summary="Checks for edge-optimized custom domains mapped to the API.",
    why="An HTTP API can be mapped only to a Regional custom domain: the edge domain cannot take the new mapping, so the hostname cannot move without a DNS change.",
    instead="Create a Regional custom domain (or CloudFront in front) and move the DNS record, or keep the API on REST.",
    example="domainNames:\n  - domainName: api.example.com\n    endpointConfiguration: {types: [EDGE]}\n    mappings: [{basePath: '', stage: prod}]",
    use_instead="domainNames:\n  - domainName: api.example.com\n    endpointConfiguration: {types: [REGIONAL]}\n    securityPolicy: TLS_1_2",
)
def edge_custom_domain(src: "Source", r: Rule) -> Iterator[Finding]:
    for d in domains(context(src)):
        if d.endpoint == "EDGE":
            yield r.finding(d.endpoint_pointer, f"custom domain {d.name} is edge-optimized; an HTTP API can only be mapped to a Regional domain")


@rule(
    id="AGW812",
    name="domain-tls-policy",
    severity=Severity.WARNING,
    fact="§10",
    fixed_by=None,
    summary="Checks for Regional custom domains whose security policy is not TLS_1_2.",
    why="HTTP APIs can be mapped only to domains with the TLS 1.2 policy.",
    instead="Update the domain to TLS_1_2 (check that clients support TLS 1.2) before mapping the HTTP API.",
    example="domainNames:\n  - domainName: api.example.com\n    endpointConfiguration: {types: [REGIONAL]}\n    securityPolicy: TLS_1_0",
    use_instead="domainNames:\n  - domainName: api.example.com\n    endpointConfiguration: {types: [REGIONAL]}\n    securityPolicy: TLS_1_2",
)
def domain_tls_policy(src: "Source", r: Rule) -> Iterator[Finding]:
    for d in domains(context(src)):
        if d.endpoint == "EDGE" or d.policy is None or is_opaque(d.policy) or str(d.policy).upper() == "TLS_1_2":
            continue
        policy = str(d.policy)
        # Enhanced policies (SecurityPolicy_TLS13_*) are newer than the v2 API's enum; whether an
        # HTTP mapping is allowed on them is unconfirmed [U].
        note = " (enhanced policy: whether HTTP mappings accept it is unconfirmed)" if policy.startswith("SecurityPolicy_") else ""
        yield r.finding(d.policy_pointer, f"custom domain {d.name} uses security policy {policy}{note}; HTTP APIs need TLS_1_2")


@rule(
    id="AGW813",
    name="domain-routing-rules",
    severity=Severity.WARNING,
    fact="§10",
    fixed_by=None,
    summary="Checks for custom domains whose routing mode uses routing rules.",
    why="Routing rules (header/path based) are REST-only; a domain using them cannot route to an HTTP API with a rule.",
    instead="Use API mappings (base paths) for the HTTP API, or keep the rules pointing to REST until cutover.",
    example="domainNames:\n  - domainName: api.example.com\n    routingMode: ROUTING_RULE_THEN_API_MAPPING",
    use_instead="domainNames:\n  - domainName: api.example.com\n    routingMode: API_MAPPING_ONLY\n    mappings: [{basePath: v2, apiId: <http api>, stage: $default}]",
)
def domain_routing_rules(src: "Source", r: Rule) -> Iterator[Finding]:
    for d in domains(context(src)):
        if isinstance(d.routing_mode, str) and d.routing_mode.upper().startswith("ROUTING_RULE"):
            yield r.finding(d.routing_pointer, f"custom domain {d.name} routes with routing rules ({d.routing_mode}), which only reach REST APIs")


RULES = (edge_custom_domain, domain_tls_policy, domain_routing_rules)
