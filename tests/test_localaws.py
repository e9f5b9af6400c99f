"""The local AWS: moto's server plus one custom domain for v1 and v2, update_api_mapping, the
KeyValueStore data plane and CloudWatch percentiles, each exercised with boto3 against the running server."""

from __future__ import annotations

import datetime as dt
import urllib.request

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from cutover_helpers import make_rest_and_http

from apigw_migrate.localaws import LocalAws, percentile

DOMAIN = "api.example.com"


def code_of(excinfo: pytest.ExceptionInfo) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def apis(boto_client):
    """A REST API with a prod stage, an HTTP API with $default, and one Regional domain made through v1."""
    rest, http = make_rest_and_http(boto_client)
    v1, v2 = boto_client("apigateway"), boto_client("apigatewayv2")
    v1.create_domain_name(
        domainName=DOMAIN,
        regionalCertificateArn="arn:aws:acm:us-east-1:123456789012:certificate/abc",
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="TLS_1_2",
    )
    return v1, v2, rest, http


def mappings(v2) -> dict[str, tuple[str, str]]:
    items = v2.get_api_mappings(DomainName=DOMAIN)["Items"]
    return {m["ApiMappingKey"]: (m["ApiId"], m["Stage"]) for m in items}


def test_v2_maps_a_rest_api_on_a_v1_domain(apis):
    v1, v2, rest, http = apis
    v1.create_base_path_mapping(domainName=DOMAIN, restApiId=rest, stage="prod")
    v2.create_api_mapping(DomainName=DOMAIN, ApiId=rest, Stage="prod", ApiMappingKey="legacy")
    v2.create_api_mapping(DomainName=DOMAIN, ApiId=http, Stage="$default", ApiMappingKey="orders")
    assert mappings(v2) == {"": (rest, "prod"), "legacy": (rest, "prod"), "orders": (http, "$default")}
    # v1 lists the REST API's mappings, "" as "(none)"
    v1_items = v1.get_base_path_mappings(domainName=DOMAIN)["items"]
    assert {(m["basePath"], m["restApiId"], m["stage"]) for m in v1_items} == {("(none)", rest, "prod"), ("legacy", rest, "prod")}
    assert v2.get_domain_name(DomainName=DOMAIN)["DomainNameConfigurations"][0]["EndpointType"] == "REGIONAL"


def test_v2_domain_is_seen_by_v1_and_names_are_unique(boto_client):
    v1, v2 = boto_client("apigateway"), boto_client("apigatewayv2")
    v2.create_domain_name(DomainName=DOMAIN, DomainNameConfigurations=[{"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}])
    assert v1.get_domain_name(domainName=DOMAIN)["endpointConfiguration"]["types"] == ["REGIONAL"]
    with pytest.raises(ClientError) as e:
        v1.create_domain_name(domainName=DOMAIN, endpointConfiguration={"types": ["REGIONAL"]})
    assert code_of(e) == "ConflictException"
    v1.delete_domain_name(domainName=DOMAIN)
    with pytest.raises(ClientError) as e:
        v2.get_domain_name(DomainName=DOMAIN)
    assert code_of(e) == "NotFoundException"


def test_a_mapping_key_is_taken_once_and_unknown_apis_are_refused(apis):
    v1, v2, rest, http = apis
    v2.create_api_mapping(DomainName=DOMAIN, ApiId=rest, Stage="prod", ApiMappingKey="orders")
    with pytest.raises(ClientError) as e:
        v2.create_api_mapping(DomainName=DOMAIN, ApiId=http, Stage="$default", ApiMappingKey="orders")
    assert code_of(e) == "ConflictException"
    with pytest.raises(ClientError) as e:
        v2.create_api_mapping(DomainName=DOMAIN, ApiId="nope123", Stage="prod", ApiMappingKey="x")
    assert code_of(e) == "NotFoundException"
    with pytest.raises(ClientError) as e:
        v2.create_api_mapping(DomainName=DOMAIN, ApiId=rest, Stage="nostage", ApiMappingKey="x")
    assert code_of(e) == "BadRequestException"


def test_http_api_cannot_map_to_an_edge_domain(boto_client):
    v1, v2 = boto_client("apigateway"), boto_client("apigatewayv2")
    http = v2.create_api(Name="h", ProtocolType="HTTP")["ApiId"]
    v1.create_domain_name(domainName="edge.example.com", certificateArn="arn:aws:acm:us-east-1:123456789012:certificate/e")
    with pytest.raises(ClientError) as e:
        v2.create_api_mapping(DomainName="edge.example.com", ApiId=http, Stage="$default", ApiMappingKey="")
    assert code_of(e) == "BadRequestException"


def test_update_api_mapping_switches_one_mapping_atomically(apis):
    v1, v2, rest, http = apis
    created = v2.create_api_mapping(DomainName=DOMAIN, ApiId=rest, Stage="prod", ApiMappingKey="orders")
    reply = v2.update_api_mapping(DomainName=DOMAIN, ApiMappingId=created["ApiMappingId"], ApiId=http, Stage="$default")
    assert (reply["ApiId"], reply["Stage"], reply["ApiMappingKey"]) == (http, "$default", "orders")
    assert mappings(v2) == {"orders": (http, "$default")}
    # the REST API no longer holds "orders", so v1 no longer lists it
    assert v1.get_base_path_mappings(domainName=DOMAIN).get("items", []) == []
    with pytest.raises(ClientError) as e:
        v2.update_api_mapping(DomainName=DOMAIN, ApiMappingId="missing", ApiId=http, Stage="$default")
    assert code_of(e) == "NotFoundException"


def test_v1_updates_and_deletes_go_to_the_one_store(apis):
    v1, v2, rest, http = apis
    v1.create_base_path_mapping(domainName=DOMAIN, restApiId=rest, stage="prod", basePath="cart")
    v1.update_base_path_mapping(domainName=DOMAIN, basePath="cart", patchOperations=[{"op": "replace", "path": "/basePath", "value": "basket"}])
    assert mappings(v2) == {"basket": (rest, "prod")}
    v1.delete_base_path_mapping(domainName=DOMAIN, basePath="basket")
    assert mappings(v2) == {}


def test_update_api_mapping_parameter_shape():
    """The exact request update_api_mapping sends, per the botocore model (ApiId is required)."""
    import boto3

    client = boto3.client("apigatewayv2", region_name="us-east-1")
    expected = {"DomainName": DOMAIN, "ApiMappingId": "m1", "ApiId": "h1", "Stage": "$default"}
    with Stubber(client) as stub:
        stub.add_response("update_api_mapping", {"ApiId": "h1", "ApiMappingId": "m1", "ApiMappingKey": "", "Stage": "$default"}, expected)
        client.update_api_mapping(**expected)
        stub.assert_no_pending_responses()


# --- KeyValueStore ---------------------------------------------------------------------------------


@pytest.fixture
def kvs(boto_client):
    arn = boto_client("cloudfront").create_key_value_store(Name="cutover")["KeyValueStore"]["ARN"]
    return boto_client("cloudfront-keyvaluestore"), arn


def test_kvs_put_get_list_delete_with_etags(kvs):
    client, arn = kvs
    etag = client.describe_key_value_store(KvsARN=arn)["ETag"]
    put = client.put_key(KvsARN=arn, Key="http_percentage", Value="0", IfMatch=etag)
    assert put["ETag"] != etag and put["ItemCount"] == 1
    assert client.get_key(KvsARN=arn, Key="http_percentage")["Value"] == "0"
    described = client.describe_key_value_store(KvsARN=arn)
    assert described["ETag"] == put["ETag"] and described["KvsARN"] == arn
    deleted = client.delete_key(KvsARN=arn, Key="http_percentage", IfMatch=put["ETag"])
    assert deleted["ItemCount"] == 0
    with pytest.raises(ClientError) as e:
        client.get_key(KvsARN=arn, Key="http_percentage")
    assert code_of(e) == "ResourceNotFoundException"


def test_kvs_stale_etag_is_a_conflict_and_changes_nothing(kvs):
    client, arn = kvs
    stale = client.describe_key_value_store(KvsARN=arn)["ETag"]
    client.put_key(KvsARN=arn, Key="k", Value="1", IfMatch=stale)
    with pytest.raises(ClientError) as e:
        client.put_key(KvsARN=arn, Key="k", Value="2", IfMatch=stale)
    assert code_of(e) == "ConflictException"
    assert client.get_key(KvsARN=arn, Key="k")["Value"] == "1"


def test_kvs_update_keys_and_paginated_list(kvs):
    client, arn = kvs
    etag = client.describe_key_value_store(KvsARN=arn)["ETag"]
    reply = client.update_keys(KvsARN=arn, IfMatch=etag, Puts=[{"Key": f"k{i:02}", "Value": str(i)} for i in range(12)])
    reply = client.update_keys(KvsARN=arn, IfMatch=reply["ETag"], Puts=[{"Key": "k00", "Value": "zero"}], Deletes=[{"Key": "k11"}])
    assert reply["ItemCount"] == 11
    pages = list(client.get_paginator("list_keys").paginate(KvsARN=arn, PaginationConfig={"PageSize": 5}))
    assert [len(p["Items"]) for p in pages] == [5, 5, 1]
    items = {i["Key"]: i["Value"] for p in pages for i in p["Items"]}
    assert items["k00"] == "zero" and "k11" not in items


def test_kvs_unknown_store_is_not_found(kvs):
    client, arn = kvs
    with pytest.raises(ClientError) as e:
        client.describe_key_value_store(KvsARN=arn[:-4] + "0000")
    assert code_of(e) == "ResourceNotFoundException"


def test_kvs_client_without_the_pin_would_leave_loopback(aws):
    """The data plane's endpoint rules put the account id before the endpoint host; the guard refuses anything else."""
    import boto3

    client = boto3.client("cloudfront-keyvaluestore", endpoint_url=aws, region_name="us-east-1")
    seen = []
    client.meta.events.register("before-send", lambda request, **_: seen.append(request.url) or _refuse())
    arn = "arn:aws:cloudfront::123456789012:key-value-store/0c5c0b8e-0000-0000-0000-000000000000"
    with pytest.raises(_Refused):
        client.describe_key_value_store(KvsARN=arn)
    assert seen[0].startswith(aws.replace("://", "://123456789012."))


class _Refused(Exception):
    pass


def _refuse():
    raise _Refused()


def test_kvs_parameter_shapes():
    import boto3

    client = boto3.client("cloudfront-keyvaluestore", region_name="us-east-1")
    arn = "arn:aws:cloudfront::123456789012:key-value-store/abc"
    with Stubber(client) as stub:
        stub.add_response("put_key", {"ItemCount": 1, "TotalSizeInBytes": 16, "ETag": "E2"}, {"KvsARN": arn, "Key": "http_percentage", "Value": "5", "IfMatch": "E1"})
        stub.add_response("describe_key_value_store", {"ItemCount": 1, "TotalSizeInBytes": 16, "KvsARN": arn, "Created": dt.datetime(2026, 1, 1), "ETag": "E2"}, {"KvsARN": arn})
        client.put_key(KvsARN=arn, Key="http_percentage", Value="5", IfMatch="E1")
        assert client.describe_key_value_store(KvsARN=arn)["ETag"] == "E2"


# --- CloudWatch percentiles ------------------------------------------------------------------------


def test_p99_from_put_values(boto_client):
    cw = boto_client("cloudwatch")
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    dims = [{"Name": "ApiId", "Value": "h1"}, {"Name": "Stage", "Value": "$default"}]
    values = list(range(1, 201))  # 1..200 ms: p99 = 198 by nearest rank, p50 = 100
    cw.put_metric_data(Namespace="AWS/ApiGateway", MetricData=[{"MetricName": "Latency", "Dimensions": dims, "Timestamp": now, "Values": [float(v) for v in values], "Unit": "Milliseconds"}])
    start, end = now - dt.timedelta(minutes=5), now + dt.timedelta(minutes=1)
    stats = cw.get_metric_statistics(Namespace="AWS/ApiGateway", MetricName="Latency", Dimensions=dims, StartTime=start, EndTime=end, Period=360, ExtendedStatistics=["p99", "p50"])
    assert stats["Datapoints"][0]["ExtendedStatistics"] == {"p99": 198.0, "p50": 100.0}
    data = cw.get_metric_data(
        StartTime=start,
        EndTime=end,
        MetricDataQueries=[{"Id": "p99", "MetricStat": {"Metric": {"Namespace": "AWS/ApiGateway", "MetricName": "Latency", "Dimensions": dims}, "Period": 360, "Stat": "p99"}}],
    )
    assert data["MetricDataResults"][0]["Values"] == [198.0]


def test_percentile_nearest_rank():
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile(range(1, 101), 99) == 99
    assert percentile(range(1, 101), 100) == 100


def test_local_aws_starts_and_stops_on_loopback():
    with LocalAws() as url:
        assert url.startswith("http://127.0.0.1:")
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).read()


def test_tags_on_a_custom_domain(apis):
    v1, v2, rest, http = apis
    arn = v2.get_domain_name(DomainName=DOMAIN)["DomainNameArn"]
    assert arn == f"arn:aws:apigateway:us-east-1::/domainnames/{DOMAIN}"
    v2.tag_resource(ResourceArn=arn, Tags={"apigw-migrate:lock": "me@host pid 1 since 2026-12-01T14:00:00Z"})
    assert v2.get_tags(ResourceArn=arn)["Tags"] == {"apigw-migrate:lock": "me@host pid 1 since 2026-12-01T14:00:00Z"}
    v2.untag_resource(ResourceArn=arn, TagKeys=["apigw-migrate:lock"])
    assert v2.get_tags(ResourceArn=arn)["Tags"] == {}
