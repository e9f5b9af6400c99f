"""The `cloudfront` strategy: a true percentage with per-user stickiness, in front of both Regional APIs.

A viewer-request CloudFront Function (cloudfront-js-2.0) reads the HTTP percentage and both origins
from a CloudFront KeyValueStore and hashes a client key into a bucket 0..99; buckets below the
percentage go to the HTTP API. Steps change only the stored percentage; rollback stores 0.

State shape::

    {kvs_arn: ARN or null, keys: {http_percentage: "0", rest_origin: ..., http_origin: ...},
     record: {name, type, target}}     record: where the hostname's DNS alias points (null: not read)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from apigw_migrate import aws

if TYPE_CHECKING:
    from apigw_migrate.cutover.model import ClientSource, Plan

KEYS = ("http_percentage", "rest_origin", "http_origin")


def read_state(clients: "ClientSource", plan: "Plan") -> dict[str, Any]:
    """The stored keys (KeyValueStore data plane) and the hostname's DNS alias target."""
    kvs_arn = plan.baseline.get("kvs_arn")
    if not isinstance(kvs_arn, str):  # a stack_output lookup: the stack made the store
        kvs_arn = stack_output(clients, plan, "KeyValueStoreArn")
    keys: dict[str, str] = {}
    if kvs_arn:
        kvs = clients.client("cloudfront-keyvaluestore", "us-east-1")
        for key in KEYS:
            try:
                keys[key] = aws.call(kvs, "get_key", f"key {key}", KvsARN=kvs_arn, Key=key)["Value"]
            except aws.AwsCallError as e:
                if e.kind != "not_found":
                    raise
    return {"kvs_arn": kvs_arn, "keys": keys, "record": read_record(clients, plan)}


def stack_output(clients: "ClientSource", plan: "Plan", output: str) -> str | None:
    """An output of the plan's CloudFormation stack, or None while the stack does not exist."""
    stack = plan.settings.get("stack")
    if not stack:
        return None
    cfn = clients.client("cloudformation", plan.domain.region)
    try:
        stacks = aws.call(cfn, "describe_stacks", f"stack {stack}", StackName=stack).get("Stacks", [])
    except aws.AwsCallError as e:
        if e.kind in ("not_found", "other"):  # CloudFormation says ValidationError for a missing stack
            return None
        raise
    for out in (stacks[0].get("Outputs") or []) if stacks else []:
        if out.get("OutputKey") == output:
            return out.get("OutputValue")
    return None


def read_record(clients: "ClientSource", plan: "Plan") -> dict[str, Any] | None:
    zone = plan.settings.get("hosted_zone_id")
    if not zone:
        return None
    name = plan.domain.name.rstrip(".").lower() + "."
    reply = aws.call(
        clients.client("route53", "us-east-1"), "list_resource_record_sets", f"hosted zone {zone}",
        HostedZoneId=zone, StartRecordName=name, StartRecordType="A", MaxItems="1",
    )
    for r in reply.get("ResourceRecordSets", []):
        if r["Name"].lower() == name and r["Type"] == "A":
            target = (r.get("AliasTarget") or {}).get("DNSName", "")
            return {"name": plan.domain.name, "type": "A", "target": target.rstrip(".").lower()}
    return {"name": plan.domain.name, "type": "A", "target": None}


def state_problems(state: Any) -> list[tuple[list, str]]:
    if not isinstance(state, dict) or not isinstance(state.get("keys"), dict):
        return [([], "the cloudfront strategy's state is {kvs_arn, keys: {http_percentage, rest_origin, http_origin}, record}")]
    out: list[tuple[list, str]] = []
    pct = state["keys"].get("http_percentage")
    if pct is not None and not (isinstance(pct, str) and pct.isdigit() and 0 <= int(pct) <= 100):
        out.append((["keys", "http_percentage"], f"http_percentage is {pct!r}; it is stored as a string holding a whole number from 0 to 100"))
    return out


# --- planning ------------------------------------------------------------------------------------------

# Managed policies (CloudFront's documented ids): no caching, and every viewer header but Host, since
# API Gateway answers 403 to a Host that is not its own.
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"

# cf.updateRequestOrigin's parameters beyond the documented page are [U] (§10): the function sets only
# domainName and originPath and lets every other origin setting come from the distribution's origin.
FUNCTION_TEMPLATE = r"""import cf from 'cloudfront';

// apigw-migrate cutover router (cloudfront-js-2.0, viewer request).
// Sends a stable share of clients to the HTTP API: each client key hashes into a bucket 0..99, and
// buckets below the stored http_percentage go to http_origin. A missing or malformed value in the
// KeyValueStore sends everything to rest_origin (or to the distribution's default origin, REST).
const kvs = cf.kvs();
const CLIENT_KEY = __CLIENT_KEY__;

// FNV-1a, 32 bits, with the multiplication split in 16-bit halves to stay exact in doubles.
function bucket(text) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = ((h & 0xffff) * 0x01000193 + ((((h >>> 16) * 0x01000193) & 0xffff) << 16)) >>> 0;
    }
    return h % 100;
}

function clientKey(event) {
    const request = event.request;
    if (CLIENT_KEY.kind === 'header') {
        const header = request.headers[CLIENT_KEY.name];
        if (header && header.value) { return header.value; }
    } else if (CLIENT_KEY.kind === 'cookie') {
        const cookie = request.cookies[CLIENT_KEY.name];
        if (cookie && cookie.value) { return cookie.value; }
    }
    // no key on this request: the viewer's address keeps it on one side
    return event.viewer.ip;
}

async function stored(key) {
    try {
        return await kvs.get(key, { format: 'string' });
    } catch (e) {
        return null;
    }
}

function percentage(raw) {
    if (typeof raw !== 'string' || !/^[0-9]{1,3}$/.test(raw)) { return 0; }
    const value = parseInt(raw, 10);
    return value <= 100 ? value : 0;
}

// "host" or "host/origin/path" → the origin to use; null when malformed
function origin(raw) {
    if (typeof raw !== 'string' || !/^[A-Za-z0-9.-]+(\/[A-Za-z0-9$._~-]+)*$/.test(raw)) { return null; }
    const slash = raw.indexOf('/');
    return slash < 0 ? { domainName: raw, originPath: '' } : { domainName: raw.slice(0, slash), originPath: raw.slice(slash) };
}

async function handler(event) {
    const share = percentage(await stored('http_percentage'));
    const http = share > 0 ? origin(await stored('http_origin')) : null;
    const toHttp = http !== null && bucket(clientKey(event)) < share;
    const target = toHttp ? http : origin(await stored('rest_origin'));
    if (target !== null) {
        cf.updateRequestOrigin({ domainName: target.domainName, originPath: target.originPath });
    }
    return event.request;
}
"""


def client_key(spec: str) -> dict[str, str]:
    """`header:NAME`, `cookie:NAME` or `ip` → the function's CLIENT_KEY.

    >>> client_key("header:X-User-Id"), client_key("ip")
    ({'kind': 'header', 'name': 'x-user-id'}, {'kind': 'ip', 'name': ''})
    """
    from apigw_migrate.errors import UsageError

    kind, _, name = spec.partition(":")
    if kind == "ip" and not name:
        return {"kind": "ip", "name": ""}
    if kind in ("header", "cookie") and name and re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", name):
        # CloudFront Functions see header names in lower case; cookie names as sent
        return {"kind": kind, "name": name.lower() if kind == "header" else name}
    raise UsageError(f"--client-key {spec!r}: use header:NAME, cookie:NAME or ip")


def function_code(spec: str) -> str:
    import json

    return FUNCTION_TEMPLATE.replace("__CLIENT_KEY__", json.dumps(client_key(spec), sort_keys=True))


def origin_host(api_id: str, region: str, stage: str) -> str:
    """An API's execute-api origin as the function stores it: host, then the stage as origin path (not for $default).

    >>> origin_host("a1b2c3", "us-east-1", "prod"), origin_host("h1", "eu-west-1", "$default")
    ('a1b2c3.execute-api.us-east-1.amazonaws.com/prod', 'h1.execute-api.eu-west-1.amazonaws.com')
    """
    host = f"{api_id}.execute-api.{region}.amazonaws.com"
    return host if stage == "$default" else f"{host}/{stage}"


def template(domain: str, rest_origin: str, code: str, name: str) -> dict[str, Any]:
    """The CloudFormation template: KeyValueStore, function (published, associated with the store), distribution."""
    host, _, path = rest_origin.partition("/")
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"apigw-migrate: CloudFront in front of the REST and HTTP APIs of {domain}, split by a stored percentage",
        "Parameters": {
            "CertificateArn": {"Type": "String", "Description": f"ACM certificate in us-east-1 covering {domain}"},
        },
        "Resources": {
            "Store": {"Type": "AWS::CloudFront::KeyValueStore", "Properties": {"Name": f"{name}-split", "Comment": "http_percentage, rest_origin, http_origin"}},
            "Router": {
                "Type": "AWS::CloudFront::Function",
                "Properties": {
                    "Name": f"{name}-router",
                    "AutoPublish": True,
                    "FunctionCode": code,
                    "FunctionConfig": {
                        "Comment": "apigw-migrate cutover router",
                        "Runtime": "cloudfront-js-2.0",
                        "KeyValueStoreAssociations": [{"KeyValueStoreARN": {"Fn::GetAtt": ["Store", "Arn"]}}],
                    },
                },
            },
            "Distribution": {
                "Type": "AWS::CloudFront::Distribution",
                "Properties": {
                    "DistributionConfig": {
                        "Enabled": True,
                        "Comment": f"apigw-migrate cutover for {domain}",
                        "Aliases": [domain],
                        "HttpVersion": "http2and3",
                        "ViewerCertificate": {"AcmCertificateArn": {"Ref": "CertificateArn"}, "SslSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
                        "Origins": [{
                            "Id": "rest",
                            "DomainName": host,
                            "OriginPath": f"/{path}" if path else "",
                            "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]},
                        }],
                        "DefaultCacheBehavior": {
                            "TargetOriginId": "rest",
                            "ViewerProtocolPolicy": "https-only",
                            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST_HEADER,
                            "FunctionAssociations": [{"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": ["Router", "FunctionARN"]}}],
                        },
                    }
                },
            },
        },
        "Outputs": {
            "KeyValueStoreArn": {"Value": {"Fn::GetAtt": ["Store", "Arn"]}},
            "DistributionDomainName": {"Value": {"Fn::GetAtt": ["Distribution", "DomainName"]}},
        },
    }


def origins_template(origins: list[tuple[str, Any]], certificate: str | None) -> dict[str, Any]:
    """CloudFormation for origin custom domains (Regional, TLS 1.2), each mapped to its API stage, with its DNS record."""
    resources: dict[str, Any] = {}
    for host, api in origins:
        name = "Rest" if host.startswith("origin-rest.") else "Http"
        resources[f"{name}Origin"] = {"Type": "AWS::ApiGatewayV2::DomainName", "Properties": {
            "DomainName": host,
            "DomainNameConfigurations": [{"CertificateArn": {"Ref": "CertificateArn"}, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}]}}
        resources[f"{name}OriginMapping"] = {"Type": "AWS::ApiGatewayV2::ApiMapping", "Properties": {
            "DomainName": {"Ref": f"{name}Origin"}, "ApiId": api.api_id, "Stage": api.stage}}
        resources[f"{name}OriginRecord"] = {"Type": "AWS::Route53::RecordSet", "Properties": {
            "HostedZoneId": {"Ref": "HostedZoneId"}, "Name": host, "Type": "A",
            "AliasTarget": {"DNSName": {"Fn::GetAtt": [f"{name}Origin", "RegionalDomainName"]},
                            "HostedZoneId": {"Fn::GetAtt": [f"{name}Origin", "RegionalHostedZoneId"]}}}}
    certificate_param: dict[str, Any] = {"Type": "String", "Description": "ACM certificate in this Region covering the origin hostnames"}
    if certificate:
        certificate_param["Default"] = certificate
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "apigw-migrate: origin custom domains for APIs whose execute-api endpoint is disabled",
        "Parameters": {"CertificateArn": certificate_param, "HostedZoneId": {"Type": "AWS::Route53::HostedZone::Id"}},
        "Resources": resources,
    }


def build(facts: Any, req: Any) -> Any:
    """Step 1 deploys nothing: it stores the keys at 0% and points DNS at the distribution; later steps store the percentage."""
    import json

    from apigw_migrate.cutover.model import Call, Step
    from apigw_migrate.cutover.plan import Built, file_stem, percentage_steps

    stem = file_stem(req.out_name)
    stack = "apigw-migrate-" + re.sub(r"[^A-Za-z0-9-]", "-", facts.domain_name)[:100]
    kvs_arn = {"lookup": "stack_output", "stack": stack, "output": "KeyValueStoreArn"}
    distribution = {"lookup": "stack_output", "stack": stack, "output": "DistributionDomainName"}
    rest_origin = origin_host(facts.rest.api_id, facts.rest.region, facts.rest.stage)
    http_origin = origin_host(facts.http.api_id, facts.http.region, facts.http.stage)
    # The public hostname now points at CloudFront, so an API whose execute-api endpoint is disabled
    # gets an origin custom domain of its own, deployed from a template in its Region.
    origin_domains: dict[str, list[tuple[str, Any]]] = {}
    if facts.rest_endpoint_disabled:
        rest_origin = f"origin-rest.{facts.domain_name}"
        origin_domains.setdefault(facts.rest.region, []).append((rest_origin, facts.rest))
    if facts.http_endpoint_disabled:
        http_origin = f"origin-http.{facts.domain_name}"
        origin_domains.setdefault(facts.http.region, []).append((http_origin, facts.http))
    code = function_code(req.client_key)
    files = {
        f"{stem}.cloudfront.js": code,
        f"{stem}.cloudfront.template.json": json.dumps(template(facts.domain_name, rest_origin, code, stack), indent=2) + "\n",
    }
    cert = (facts.domain or {}).get("certificate_arn")
    for region, origins in sorted(origin_domains.items()):
        files[f"{stem}.origins.{region}.template.json"] = json.dumps(origins_template(origins, cert), indent=2) + "\n"
    zone = facts.hosted_zone_id or "REPLACE-WITH-HOSTED-ZONE-ID"
    d = facts.domain or {}
    old_target = {"dns": d.get("regional_domain_name") or d.get("distribution_domain_name") or "", "zone": d.get("regional_zone") or CLOUDFRONT_ZONE}
    # where the hostname points now: read from Route 53 when planning live, else the domain's own target
    target = facts.baseline_extra.get("record_target", old_target["dns"].lower() or None)
    baseline = {"kvs_arn": kvs_arn, "keys": {}, "record": {"name": facts.domain_name, "type": "A", "target": target}}

    def put(key: str, value: str) -> Call:
        return Call("cloudfront-keyvaluestore", "put_key", {"KvsARN": kvs_arn, "Key": key, "Value": value, "IfMatch": {"lookup": "kvs_etag"}}, "us-east-1")

    def alias(dns: Any, zone_id: str) -> Call:
        return Call("route53", "change_resource_record_sets", {"HostedZoneId": zone, "ChangeBatch": {
            "Comment": "apigw-migrate cutover",
            "Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
                "Name": facts.domain_name, "Type": "A",
                "AliasTarget": {"HostedZoneId": zone_id, "DNSName": dns, "EvaluateTargetHealth": False}}}]}}, "us-east-1")

    keys0 = {"http_origin": http_origin, "http_percentage": "0", "rest_origin": rest_origin}
    steps = [Step(
        name="CloudFront in front (0% on HTTP)",
        share=0.0,
        calls=[Call("cloudfront-keyvaluestore", "update_keys", {
                   "KvsARN": kvs_arn, "IfMatch": {"lookup": "kvs_etag"},
                   "Puts": [{"Key": k, "Value": v} for k, v in (("rest_origin", rest_origin), ("http_origin", http_origin), ("http_percentage", "0"))],
               }, "us-east-1"),
               alias(distribution, CLOUDFRONT_ZONE)],
        verify={"kvs_arn": kvs_arn, "keys": keys0, "record": {"name": facts.domain_name, "type": "A", "target": distribution}},
        rollback=[alias(old_target["dns"], old_target["zone"])],
        bake=req.bake,
        comment=(f"Step 1: before running, deploy {stem}.cloudfront.template.json as stack {stack} (CertificateArn: a us-east-1 "
                 "certificate for the hostname). This step stores the origins at 0% and points the hostname at the distribution, "
                 "so every request still reaches REST, now through CloudFront."),
    )]
    for share in percentage_steps(req):
        value = str(int(round(share)))
        steps.append(Step(
            name=f"{value}% on HTTP",
            share=float(value),
            calls=[put("http_percentage", value)],
            verify={"kvs_arn": kvs_arn, "keys": {**keys0, "http_percentage": value},
                    "record": {"name": facts.domain_name, "type": "A", "target": distribution}},
            rollback=[put("http_percentage", "0")],
            bake=req.bake,
            comment=f"Step {len(steps) + 1}: clients whose key hashes below {value} (of 0-99) go to HTTP; the rest stay on REST. Rollback stores 0.",
        ))
    return Built(
        baseline=baseline,
        steps=steps,
        settings={"stack": stack, "client_key": client_key(req.client_key), "hosted_zone_id": zone,
                  "template": f"{stem}.cloudfront.template.json", "function": f"{stem}.cloudfront.js",
                  "origin_request_policy": "AllViewerExceptHostHeader", "cache_policy": "CachingDisabled"},
        files=files,
        notes=["Percentages are whole numbers: the function hashes each client into 100 buckets.",
               "Rolling back a percentage step stores 0 (all traffic to REST through CloudFront); step 1's rollback points DNS back."],
        moved_routes=facts.rest_routes,
    )
