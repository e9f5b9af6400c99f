"""The local AWS for tests and the demo: moto's server on 127.0.0.1, plus what moto lacks.

`run` needs four things moto 5.2 does not do, each added here as a small extension of moto's
backends (or, for a service moto lacks, of its server) that follows the botocore service models:

- **One custom domain for REST and HTTP APIs.** On AWS a Regional domain is one resource that
  `apigateway` (v1) and `apigatewayv2` both read and write: a v2 `create_api_mapping` may point at a
  REST API, and v1 base path mappings are v2 API mappings. moto keeps two unrelated stores. Here a
  domain created through either API exists in both, and v2's mapping store is the only one: v1 base
  path mapping calls read and write it.
- **apigatewayv2 `update_api_mapping`** (PATCH), the atomic switch of one mapping, and tags on a
  custom domain (`tag_resource`/`get_tags` with the domain's ARN), where `run` keeps its lock marker.
- **The CloudFront KeyValueStore data plane** (`cloudfront-keyvaluestore`: DescribeKeyValueStore with
  its ETag, GetKey, PutKey, DeleteKey, ListKeys, UpdateKeys, optimistic concurrency through IfMatch) for
  the stores made with moto's CloudFront `create_key_value_store`. The data plane is a separate
  service with its own host (`<account>.cloudfront-kvs.global.api.aws`), so it is served by a WSGI
  layer in front of moto's app, keyed on its `/key-value-stores/` paths.
- **Percentiles** (`p99`, any `pNN`) in CloudWatch `get_metric_data` and `get_metric_statistics`
  (`ExtendedStatistics`), computed from the values put with `put_metric_data`.

Start it with `with LocalAws() as endpoint_url: ...`; `endpoint_url` is `http://127.0.0.1:<port>`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

_installed = False
_install_lock = threading.Lock()

KVS_PATH = re.compile(r"^/key-value-stores/(?P<arn>arn:[^/]+:cloudfront::(?P<account>\d{12}):key-value-store/[^/]+)(?P<keys>/keys(?:/(?P<key>.+))?)?$")
PERCENTILE = re.compile(r"^p(?P<p>100(?:\.0+)?|\d{1,2}(?:\.\d+)?)$")
# Limits from the KeyValueStore documentation: keys 1-1024 bytes, values up to 1 KB, ListKeys pages 1-50.
KVS_MAX_KEY = 1024
KVS_MAX_VALUE = 1024
KVS_PAGE_DEFAULT, KVS_PAGE_MAX = 10, 50


class LocalAws:
    """moto's server with the extensions above, on 127.0.0.1 and a free port (or `port`)."""

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.endpoint_url = ""

    def start(self) -> str:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        install()
        app = KvsDataPlane(DomainDispatcherApplication(create_backend_app))
        self._server = make_server("127.0.0.1", self.port, app, threaded=True, request_handler=MotoRequestHandler)
        host, port = self._server.server_address[:2]
        self.endpoint_url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="localaws", daemon=True)
        self._thread.start()
        return self.endpoint_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def install() -> None:
    """Extend moto's classes in this process (idempotent); the server runs in this process, so they apply."""
    global _installed
    with _install_lock:
        if not _installed:
            _join_custom_domains()
            _add_v2_operations()
            _add_percentiles()
            _installed = True


# --- one custom domain for v1 and v2 -------------------------------------------------------------


def _backends(account_id: str, region: str) -> tuple[Any, Any]:
    from moto.apigateway.models import apigateway_backends
    from moto.apigatewayv2.models import apigatewayv2_backends

    return apigateway_backends[account_id][region], apigatewayv2_backends[account_id][region]


def _v2_error(code: str, status: int, message: str) -> Exception:
    from moto.apigatewayv2.exceptions import APIGatewayV2Error

    error = APIGatewayV2Error(code, message)
    error.code = status
    return error


def _join_custom_domains() -> None:
    from moto.apigateway import exceptions as v1x
    from moto.apigateway.models import APIGatewayBackend, BasePathMapping
    from moto.apigateway.models import DomainName as V1Domain
    from moto.apigatewayv2 import exceptions as v2x
    from moto.apigatewayv2.models import ApiGatewayV2Backend, ApiMapping
    from moto.apigatewayv2.models import DomainName as V2Domain

    v1_create_domain = APIGatewayBackend.create_domain_name
    v2_create_domain = ApiGatewayV2Backend.create_domain_name

    def v2_from_v1(v2: Any, domain: Any) -> Any:
        types = (domain.endpoint_configuration or {}).get("types") or ["EDGE"]
        config = {
            "apiGatewayDomainName": domain.regional_domain_name if types[0] == "REGIONAL" else domain.distribution_domain_name,
            "certificateArn": domain.regional_certificate_arn or domain.certificate_arn,
            "domainNameStatus": "AVAILABLE",
            "endpointType": types[0],
            "hostedZoneId": domain.regional_hosted_zone_id,
            "securityPolicy": domain.security_policy or "TLS_1_2",
        }
        tags = domain.tags if isinstance(domain.tags, dict) else {}
        return V2Domain(domain.domain_name, [{k: v for k, v in config.items() if v}], {}, tags, backend=v2)

    def v1_create_domain_name(self: Any, domain_name: str, *args: Any, **kwargs: Any) -> Any:
        _, v2 = _backends(self.account_id, self.region_name)
        if domain_name in v2.domain_names:
            raise v1x.ConflictException(f"The domain name you provided already exists: {domain_name}")
        domain = v1_create_domain(self, domain_name, *args, **kwargs)
        v2.domain_names[domain_name] = v2_from_v1(v2, domain)
        return domain

    def v2_create_domain_name(self: Any, domain_name: str, domain_name_configurations: list, *args: Any, **kwargs: Any) -> Any:
        v1, _ = _backends(self.account_id, self.region_name)
        if domain_name in v1.domain_names:
            raise v2x.DomainNameAlreadyExists()
        configs = [dict(c) for c in (domain_name_configurations or [{}])]
        config = configs[0]
        config.setdefault("endpointType", "REGIONAL")
        config.setdefault("securityPolicy", "TLS_1_2")
        config.setdefault("domainNameStatus", "AVAILABLE")
        domain = v2_create_domain(self, domain_name, configs, *args, **kwargs)
        mirror = V1Domain(
            domain_name,
            regional_certificate_arn=config.get("certificateArn"),
            endpoint_configuration={"types": [config["endpointType"]]},
            security_policy=config["securityPolicy"],
            tags=kwargs.get("tags") or None,
            region_name=self.region_name,
        )
        config.setdefault("apiGatewayDomainName", mirror.regional_domain_name)
        config.setdefault("hostedZoneId", mirror.regional_hosted_zone_id)
        v1.domain_names[domain_name] = mirror
        return domain

    def drop_domain(account_id: str, region: str, domain_name: str) -> None:
        v1, v2 = _backends(account_id, region)
        v1.domain_names.pop(domain_name, None)
        v2.domain_names.pop(domain_name, None)
        for mapping_id in [i for i, m in v2.api_mappings.items() if m.domain_name == domain_name]:
            del v2.api_mappings[mapping_id]

    def v1_delete_domain_name(self: Any, domain_name: str) -> None:
        if domain_name not in self.domain_names:
            raise v1x.DomainNameNotFound()
        drop_domain(self.account_id, self.region_name, domain_name)

    def v2_delete_domain_name(self: Any, domain_name: str) -> None:
        if domain_name not in self.domain_names:
            raise v2x.DomainNameNotFound()
        drop_domain(self.account_id, self.region_name, domain_name)

    def api_of(self: Any, api_id: str, stage: str) -> str:
        """'http' or 'rest' for an API id of this account and Region; the stage must exist on REST APIs."""
        v1, _ = _backends(self.account_id, self.region_name)
        if api_id in self.apis:
            return "http"
        if api_id in v1.apis:
            if v1.apis[api_id].stages.get(stage) is None:
                raise v2x.BadRequestException(f"Invalid stage identifier specified: {stage}")
            return "rest"
        raise v2x.ApiNotFound(api_id)

    def check_key(self: Any, domain_name: str, key: str, except_id: str | None = None) -> None:
        if key.startswith("/") or "//" in key or key.endswith("/"):
            raise v2x.BadRequestException("API mapping key should not start or end with a '/' or have consecutive '/'s.")
        for mapping_id, mapping in self.api_mappings.items():
            if mapping.domain_name == domain_name and mapping.api_mapping_key == key and mapping_id != except_id:
                raise _v2_error("ConflictException", 409, f"An ApiMapping with key '{key}' already exists for domain {domain_name}")

    def check_type(self: Any, domain_name: str, kind: str) -> None:
        # HTTP APIs map only to Regional domains (AWS: http-api-mappings).
        config = (self.domain_names[domain_name].domain_name_configurations or [{}])[0]
        if kind == "http" and config.get("endpointType") == "EDGE":
            raise v2x.BadRequestException("HTTP APIs can only be mapped to a Regional custom domain name")

    def v2_create_api_mapping(self: Any, api_id: str, api_mapping_key: str, domain_name: str, stage: str) -> Any:
        if domain_name not in self.domain_names:
            raise v2x.DomainNameNotFound()
        kind = api_of(self, api_id, stage)
        check_type(self, domain_name, kind)
        check_key(self, domain_name, api_mapping_key)
        mapping_id = hashlib.sha256(f"{domain_name}/{api_mapping_key}/{time.time_ns()}".encode()).hexdigest()[:6]
        mapping = ApiMapping(api_id=api_id, api_mapping_key=api_mapping_key, api_mapping_id=mapping_id, domain_name=domain_name, stage=stage)
        self.api_mappings[mapping_id] = mapping
        return mapping

    def v2_update_api_mapping(self: Any, api_mapping_id: str, domain_name: str, api_id: str, api_mapping_key: str | None, stage: str | None) -> Any:
        mapping = self.get_api_mapping(api_mapping_id, domain_name)
        if mapping.domain_name != domain_name:
            raise v2x.ApiMappingNotFound()
        stage = stage if stage is not None else mapping.stage
        key = api_mapping_key if api_mapping_key is not None else mapping.api_mapping_key
        check_type(self, domain_name, api_of(self, api_id, stage))
        check_key(self, domain_name, key, except_id=api_mapping_id)
        mapping.api_id, mapping.stage, mapping.api_mapping_key = api_id, stage, key
        return mapping

    # v1 base path mappings are views of the v2 store: key "" is shown as "(none)".
    # Which v2 mappings AWS lists through v1 is [U]: here those to REST APIs with a one-level key,
    # the only ones a v1 BasePathMapping can express.
    def v1_mappings(self: Any, domain_name: str) -> dict[str, Any]:
        if domain_name not in self.domain_names:
            raise v1x.DomainNameNotFound()
        _, v2 = _backends(self.account_id, self.region_name)
        return {
            m.api_mapping_key or "(none)": m
            for m in v2.api_mappings.values()
            if m.domain_name == domain_name and m.api_id in self.apis and "/" not in m.api_mapping_key
        }

    def as_base_path(m: Any) -> Any:
        return BasePathMapping(m.domain_name, m.api_id, basePath=m.api_mapping_key or "(none)", stage=m.stage)

    def v1_create_base_path_mapping(self: Any, domain_name: str, rest_api_id: str, base_path: str, stage: str) -> Any:
        if domain_name not in self.domain_names:
            raise v1x.DomainNameNotFound()
        if base_path and "/" in base_path:
            raise v1x.InvalidBasePathException()
        if rest_api_id not in self.apis:
            raise v1x.InvalidRestApiIdForBasePathMappingException()
        if stage and self.apis[rest_api_id].stages.get(stage) is None:
            raise v1x.InvalidStageException()
        key = "" if base_path in (None, "", "(none)") else base_path
        if (key or "(none)") in v1_mappings(self, domain_name):
            raise v1x.BasePathConflictException()
        _, v2 = _backends(self.account_id, self.region_name)
        return as_base_path(v2_create_api_mapping(v2, rest_api_id, key, domain_name, stage or ""))

    def v1_get_base_path_mappings(self: Any, domain_name: str) -> list:
        return [as_base_path(m) for m in v1_mappings(self, domain_name).values()]

    def v1_mapping(self: Any, domain_name: str, base_path: str) -> Any:
        found = v1_mappings(self, domain_name).get(base_path or "(none)")
        if found is None:
            raise v1x.BasePathNotFoundException()
        return found

    def v1_get_base_path_mapping(self: Any, domain_name: str, base_path: str) -> Any:
        return as_base_path(v1_mapping(self, domain_name, base_path))

    def v1_delete_base_path_mapping(self: Any, domain_name: str, base_path: str) -> None:
        _, v2 = _backends(self.account_id, self.region_name)
        del v2.api_mappings[v1_mapping(self, domain_name, base_path).api_mapping_id]

    def v1_update_base_path_mapping(self: Any, domain_name: str, base_path: str, patch_operations: list) -> Any:
        mapping = v1_mapping(self, domain_name, base_path)
        changes = {op["path"]: op.get("value") for op in patch_operations if op.get("op") == "replace"}
        api_id = changes.get("/restapiId", mapping.api_id)
        stage = changes.get("/stage", mapping.stage)
        key = changes.get("/basePath", mapping.api_mapping_key)
        if api_id not in self.apis:
            raise v1x.InvalidRestApiIdForBasePathMappingException()
        if stage and self.apis[api_id].stages.get(stage) is None:
            raise v1x.InvalidStageException()
        _, v2 = _backends(self.account_id, self.region_name)
        return as_base_path(v2_update_api_mapping(v2, mapping.api_mapping_id, domain_name, api_id, "" if key == "(none)" else key, stage))

    def v2_get_api_mapping(self: Any, api_mapping_id: str, domain_name: str) -> Any:
        if domain_name not in self.domain_names:
            raise v2x.DomainNameNotFound()
        mapping = self.api_mappings.get(api_mapping_id)
        if mapping is None or mapping.domain_name != domain_name:
            raise v2x.ApiMappingNotFound()
        return mapping

    APIGatewayBackend.create_domain_name = v1_create_domain_name
    APIGatewayBackend.delete_domain_name = v1_delete_domain_name
    APIGatewayBackend.create_base_path_mapping = v1_create_base_path_mapping
    APIGatewayBackend.get_base_path_mappings = v1_get_base_path_mappings
    APIGatewayBackend.get_base_path_mapping = v1_get_base_path_mapping
    APIGatewayBackend.delete_base_path_mapping = v1_delete_base_path_mapping
    APIGatewayBackend.update_base_path_mapping = v1_update_base_path_mapping
    ApiGatewayV2Backend.create_domain_name = v2_create_domain_name
    ApiGatewayV2Backend.delete_domain_name = v2_delete_domain_name
    ApiGatewayV2Backend.create_api_mapping = v2_create_api_mapping
    ApiGatewayV2Backend.get_api_mapping = v2_get_api_mapping
    ApiGatewayV2Backend.update_api_mapping = v2_update_api_mapping


def _add_v2_operations() -> None:
    from moto.apigatewayv2 import urls
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    # Tags on a custom domain (its ARN ends in /domainnames/NAME): run's lock marker lives there.
    urls.url_paths["{0}/v2/tags/(?P<resource_arn_pt1>[^/]+)/domainnames/(?P<resource_arn_pt2>[^/]+)$"] = ApiGatewayV2Response.dispatch

    def update_api_mapping(self: Any) -> tuple[int, dict, str]:
        parts = self.path.split("/")
        domain_name, api_mapping_id = parts[-3], parts[-1]
        params = json.loads(self.body or "{}")
        if not params.get("apiId"):
            raise _v2_error("BadRequestException", 400, "ApiId is required")
        mapping = self.apigatewayv2_backend.update_api_mapping(
            api_mapping_id, domain_name, params["apiId"], params.get("apiMappingKey"), params.get("stage")
        )
        return 200, {}, json.dumps(mapping.to_json())

    ApiGatewayV2Response.update_api_mapping = update_api_mapping


# --- CloudWatch percentiles -----------------------------------------------------------------------


def percentile(values: Iterable[float], p: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least p % of the values at or below it.

    >>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), percentile([5.0], 99), percentile([], 99)
    (9, 5.0, None)
    """
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _add_percentiles() -> None:
    from moto.cloudwatch.models import Statistics
    from moto.cloudwatch.responses import CloudWatchResponse

    plain_statistic = Statistics.get_statistics_for_type

    def get_statistics_for_type(self: Any, stat: str) -> Any:
        found = PERCENTILE.match(stat or "")
        if found:
            # Percentiles need the single values; statistic sets (StatisticValues) carry none.
            return percentile(self.metric_single_values_list, float(found.group("p")))
        return plain_statistic(self, stat)

    def get_metric_statistics(self: Any) -> Any:
        from moto.core.responses import ActionResult

        from moto.cloudwatch.exceptions import InvalidParameterCombination

        statistics = self._get_param("Statistics", [])
        extended = self._get_param("ExtendedStatistics", [])
        if not statistics and not extended:
            raise InvalidParameterCombination("Must specify either Statistics or ExtendedStatistics")
        datapoints = self.cloudwatch_backend.get_metric_statistics(
            self._get_param("Namespace"),
            self._get_param("MetricName"),
            self._get_param("StartTime"),
            self._get_param("EndTime"),
            self._get_int_param("Period"),
            statistics,
            unit=self._get_param("Unit"),
            dimensions=self._get_param("Dimensions", []),
        )
        for point in datapoints:
            values = {p: get_statistics_for_type(point, p) for p in extended}
            point.extended_statistics = {p: v for p, v in values.items() if v is not None} or None
        return ActionResult({"Label": self._get_param("MetricName"), "Datapoints": datapoints})

    Statistics.get_statistics_for_type = get_statistics_for_type
    CloudWatchResponse.get_metric_statistics = get_metric_statistics


# --- the CloudFront KeyValueStore data plane ------------------------------------------------------


class KvsError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class KvsData:
    """The keys of one store and the version (ETag) that every write changes."""

    def __init__(self, created: float) -> None:
        self.items: dict[str, str] = {}
        self.created = self.modified = created
        self.version = 0
        self.etag = self._etag()

    def _etag(self) -> str:
        return hashlib.sha256(f"{id(self)}:{self.version}".encode()).hexdigest()[:24].upper()

    def write(self, if_match: str | None, puts: dict[str, str], deletes: list[str]) -> None:
        if not if_match:
            raise KvsError(400, "ValidationException", "IfMatch (the store's current ETag) is required")
        if if_match != self.etag:
            raise KvsError(409, "ConflictException", "Pre-condition failed: the ETag does not match the store's current version")
        for key, value in puts.items():
            _check_key(key)
            if len(value.encode()) > KVS_MAX_VALUE:
                raise KvsError(400, "ValidationException", f"the value of {key!r} is longer than {KVS_MAX_VALUE} bytes")
        for key in deletes:
            if key not in self.items and key not in puts:
                raise KvsError(404, "ResourceNotFoundException", f"Key {key!r} not found")
        for key in deletes:
            self.items.pop(key, None)
        self.items.update(puts)
        self.version += 1
        self.etag = self._etag()
        self.modified = time.time()

    def counts(self) -> dict[str, int]:
        return {"ItemCount": len(self.items), "TotalSizeInBytes": sum(len(k.encode()) + len(v.encode()) for k, v in self.items.items())}


def _check_key(key: str) -> None:
    if not key or len(key.encode()) > KVS_MAX_KEY:
        raise KvsError(400, "ValidationException", f"a key must be 1 to {KVS_MAX_KEY} bytes long")


class KvsDataPlane:
    """WSGI layer: `/key-value-stores/...` requests are the data plane; everything else goes to moto."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        found = KVS_PATH.match(environ.get("PATH_INFO", ""))
        if not found:
            return self.app(environ, start_response)
        try:
            status, headers, body = self.handle(environ, found)
        except KvsError as e:
            status, headers, body = e.status, {"x-amzn-ErrorType": e.code}, {"Message": e.message, "message": e.message}
        payload = json.dumps(body).encode()
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 409: "Conflict"}.get(status, "Error")
        start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(payload))), *headers.items()])
        return [payload]

    def handle(self, environ: dict, found: re.Match) -> tuple[int, dict, dict]:
        data, arn = _kvs_data(found.group("account"), found.group("arn"))
        method = environ["REQUEST_METHOD"]
        if_match = environ.get("HTTP_IF_MATCH")
        key = found.group("key")
        if not found.group("keys"):
            if method != "GET":
                raise KvsError(400, "ValidationException", f"{method} is not an operation on a store")
            body = {"KvsARN": arn, "Created": data.created, "LastModified": data.modified, "Status": "READY", **data.counts()}
            return 200, {"ETag": data.etag}, body
        if key is None:
            if method == "GET":
                return 200, {}, _list_keys(data, parse_qs(environ.get("QUERY_STRING", "")))
            if method == "POST":
                request = _json_body(environ)
                puts = {item["Key"]: item["Value"] for item in request.get("Puts") or []}
                deletes = [item["Key"] for item in request.get("Deletes") or []]
                data.write(if_match, puts, deletes)
                return 200, {"ETag": data.etag}, data.counts()
        elif method == "GET":
            if key not in data.items:
                raise KvsError(404, "ResourceNotFoundException", f"Key {key!r} not found")
            return 200, {}, {"Key": key, "Value": data.items[key], **data.counts()}
        elif method == "PUT":
            value = _json_body(environ).get("Value")
            if not isinstance(value, str):
                raise KvsError(400, "ValidationException", "Value is required")
            data.write(if_match, {key: value}, [])
            return 200, {"ETag": data.etag}, data.counts()
        elif method == "DELETE":
            data.write(if_match, {}, [key])
            return 200, {"ETag": data.etag}, data.counts()
        raise KvsError(400, "ValidationException", f"{method} is not an operation on keys")


def _json_body(environ: dict) -> dict:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise KvsError(400, "ValidationException", "the request body is not JSON") from None
    return body if isinstance(body, dict) else {}


def _list_keys(data: KvsData, query: dict[str, list[str]]) -> dict:
    try:
        size = int((query.get("MaxResults") or [KVS_PAGE_DEFAULT])[0])
        start = int((query.get("NextToken") or ["0"])[0])
    except ValueError:
        raise KvsError(400, "ValidationException", "MaxResults and NextToken must be numbers") from None
    if not 1 <= size <= KVS_PAGE_MAX:
        raise KvsError(400, "ValidationException", f"MaxResults must be 1 to {KVS_PAGE_MAX}")
    keys = sorted(data.items)
    page = keys[start : start + size]
    body: dict[str, Any] = {"Items": [{"Key": k, "Value": data.items[k]} for k in page]}
    if start + size < len(keys):
        body["NextToken"] = str(start + size)
    return body


def _kvs_data(account_id: str, arn: str) -> tuple[KvsData, str]:
    """The data of the store `arn` made through moto's CloudFront; it lives on moto's model, so a reset drops it."""
    from moto.cloudfront.models import cloudfront_backends

    partition = arn.split(":")[1]
    backend = cloudfront_backends[account_id][partition]
    store = next((s for s in backend.key_value_stores.values() if s.arn == arn), None)
    if store is None:
        raise KvsError(404, "ResourceNotFoundException", f"Key value store {arn} not found")
    if not hasattr(store, "kvs_data"):
        store.kvs_data = KvsData(store.last_modified_time.timestamp())
    return store.kvs_data, arn
