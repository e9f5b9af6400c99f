"""Lambda resource-based permissions (fact sheet §15)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from apigw_migrate import pointer as jp
from apigw_migrate.checks.context import as_text, context, describe, mapping
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
    summary="Checks for Lambda invoke permissions that name the REST API (template AWS::Lambda::Permission resources) and for Lambda functions chosen by stage variables.",
    why="The HTTP API has a new API id: lambda:InvokeFunction permissions scoped to the old execute-api ARN do not cover it, so calls fail with 500; functions named by stage variables need a permission added by hand per function.",
    instead="Add permissions for arn:aws:execute-api:<region>:<account>:<newApiId>/* (and /authorizers/<id>), or use credentialsArn roles; remove the old ones after cutover.",
    example="Permission:\n  Type: AWS::Lambda::Permission\n  Properties:\n    Action: lambda:InvokeFunction\n    Principal: apigateway.amazonaws.com\n    SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/*",
    use_instead="Permission:\n  Type: AWS::Lambda::Permission\n  Properties:\n    Action: lambda:InvokeFunction\n    Principal: apigateway.amazonaws.com\n    SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*",
)
def lambda_permissions(src: "Source", r: Rule) -> Iterator[Finding]:
    # Permissions granted outside the input (console, CLI) cannot be seen here, so plain Lambda
    # proxy routes get no finding from this rule.
    ctx = context(src)
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


RULES = (lambda_permissions,)
