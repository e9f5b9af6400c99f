"""Lambda resource-based permissions (fact sheet §15)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.checks.context import Context, as_text, context, describe, mapping, route_list
from apigw_migrate.checks.rule import Rule, rule
from apigw_migrate.findings import Finding, Severity

if TYPE_CHECKING:
    from apigw_migrate.load import Source

_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.[^}]+\}")


@rule(
    id="AGW831",
    name="lambda-permissions",
    severity=Severity.WARNING,
    fact="§15",
    fixed_by=None,
    summary="Checks for Lambda functions invoked through resource-based permissions (integrations without credentials, authorizers without authorizerCredentials), for template AWS::Lambda::Permission resources that name the REST API, and for functions chosen by stage variables.",
    why="The HTTP API has a new API id: lambda:InvokeFunction permissions scoped to the old execute-api ARN do not cover it, so calls fail with 500; functions named by stage variables need a permission added by hand per function.",
    instead="Add permissions for arn:aws:execute-api:<region>:<account>:<newApiId>/* (and /authorizers/<id>), or use credentialsArn roles; remove the old ones after cutover.",
    example="Permission:\n  Type: AWS::Lambda::Permission\n  Properties:\n    Action: lambda:InvokeFunction\n    Principal: apigateway.amazonaws.com\n    SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/*",
    use_instead="Permission:\n  Type: AWS::Lambda::Permission\n  Properties:\n    Action: lambda:InvokeFunction\n    Principal: apigateway.amazonaws.com\n    SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*",
)
def lambda_permissions(src: "Source", r: Rule) -> Iterator[Finding]:
    ctx = context(src)
    yield from _resource_policy_invocations(ctx, r)
    for name, props, ptr in ctx.related.get("AWS::Lambda::Permission", ()):
        source = props.get("SourceArn")
        yield r.finding(
            jp.join(ptr, "Properties", "SourceArn") if source is not None else ptr,
            f"{name} lets the REST API invoke {describe(props.get('FunctionName'))} ({describe(source)}); "
            "the HTTP API needs its own permission",
        )
    for o in ctx.ops:
        if o.itype not in ("aws_proxy", "aws"):
            continue
        uri = as_text(mapping(o.integration).get("uri")) or ""
        if ":lambda:path/" in uri and _STAGE_VARIABLE.search(uri):
            yield r.finding(
                o.iat("uri"),
                f"{o.route}: the function is chosen by a stage variable; add an invoke permission for the HTTP API to each function by hand",
                routes=[o.route],
            )


def _resource_policy_invocations(ctx: "Context", r: Rule) -> Iterator[Finding]:
    """One finding for every Lambda function API Gateway invokes on the strength of the function's own
    resource policy. Those grants name the REST API's execute-api ARN (the console writes them that
    way), so the new API's calls fail with 500 until it has grants of its own; a credentials role
    needs nothing new. Stage-variable functions have their own finding below.
    """
    routes, first = [], None
    for o in ctx.ops:
        integ = mapping(o.integration)
        uri = as_text(integ.get("uri")) or ""
        if o.itype != "aws_proxy" or ":lambda:path/" not in uri or _STAGE_VARIABLE.search(uri) or integ.get("credentials"):
            continue
        routes.append(o.route)
        first = first or o.iat("uri")
    authorizers = [a for a in ctx.authorizers if a.kind in ("token", "request") and a.has("authorizerUri") and not a.get("authorizerCredentials")]
    if not routes and not authorizers:
        return
    parts = [f"{len(routes)} Lambda route{'s' if len(routes) != 1 else ''} ({route_list(routes)})"] if routes else []
    if authorizers:
        parts.append(f"Lambda authorizer{'s' if len(authorizers) != 1 else ''} {', '.join(a.name for a in authorizers)}")
    yield r.finding(
        first or authorizers[0].where("authorizerUri"),
        f"{' and '.join(parts)}: API Gateway invokes them through the functions' resource policies, which name "
        "the REST API; grant the HTTP API lambda:InvokeFunction (convert --format cloudformation or sam writes the grants)",
        routes=routes + [route for a in authorizers for route in a.routes if route not in routes],
    )


RULES = (lambda_permissions,)
