"""Private integrations: a REST route behind a VPC link, as an HTTP API private integration.

A REST private integration names its VPC link in `connectionId` and its backend by URL in `uri`
(`http://my-nlb.elb.amazonaws.com/items/{id}`, the NLB's DNS name). An HTTP API private integration
names a VPC link V2 and the load balancer *listener* (or Cloud Map service) ARN as `uri`, and sends the
request path as the client sent it (with the stage name in front on a named stage). So, to call the same
backend the same way (http-api-develop-integrations-private):

- the backend path of the REST uri becomes the `overwrite:path` parameter mapping, its `{variables}`
  read from the route's path parameters;
- an `https://` backend becomes `tlsConfig.serverNameToVerify` with the host the REST uri named, so that
  the listener's certificate is still checked against it.

The ids the HTTP API needs cannot be read from a REST definition: `--vpc-link REST_LINK=V2_LINK_ID,LISTENER_ARN`
gives them (or `LISTENER_ARN` alone for a REST integration that already uses a VPC link V2 through
`integrationTarget`, whose id stays). IaC output asks for them as template Parameters instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from apigw_migrate.errors import UsageError
from apigw_migrate.transforms.context import joined_as_sub

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/]*)(/.*)?$", re.S)
_VARIABLE = re.compile(r"\{([^{}]+?)\+?\}")
_LISTENER = re.compile(r"^arn:[^:]+:(elasticloadbalancing|servicediscovery):")


@dataclass(frozen=True)
class VpcLink:
    """What replaces one REST VPC link: the VPC link V2 id (None: the REST link already is one) and the listener ARN."""

    v2_id: str | None
    listener: str


def parse_vpc_links(values: list[str] | Mapping[str, str], where: str = "--vpc-link") -> dict[str, VpcLink]:
    """``REST_LINK=V2_LINK_ID,LISTENER_ARN`` (or ``=LISTENER_ARN``) values → REST link id → VpcLink.

    >>> parse_vpc_links(["abc123=vl-0a1b,arn:aws:elasticloadbalancing:eu-west-1:1:listener/net/n/1/2"])
    {'abc123': VpcLink(v2_id='vl-0a1b', listener='arn:aws:elasticloadbalancing:eu-west-1:1:listener/net/n/1/2')}
    """
    pairs = list(values.items()) if isinstance(values, Mapping) else [tuple(v.partition("=")[::2]) for v in values]
    out: dict[str, VpcLink] = {}
    for key, value in pairs:
        shown = f"{where} {key}={value}"
        if not key or not isinstance(value, str) or not value:
            raise UsageError(f"{where} {key!r}: expected REST_LINK=V2_LINK_ID,LISTENER_ARN")
        parts = [p.strip() for p in value.split(",")]
        if len(parts) > 2 or not all(parts):
            raise UsageError(f"{shown}: expected V2_LINK_ID,LISTENER_ARN (or LISTENER_ARN alone for a VPC link V2)")
        listener = parts[-1]
        if not _LISTENER.match(listener):
            raise UsageError(
                f"{shown}: {listener!r} is not a load balancer listener or Cloud Map service ARN "
                "(arn:aws:elasticloadbalancing:…:listener/… or arn:aws:servicediscovery:…:service/…)"
            )
        out[key] = VpcLink(parts[0] if len(parts) == 2 else None, listener)
    return out


def is_listener(uri: Any) -> bool:
    """Whether `uri` is what an HTTP private integration calls: a listener or Cloud Map service ARN."""
    return isinstance(uri, str) and bool(_LISTENER.match(uri))


def link_key(connection_id: Any) -> str | None:
    """The name `--vpc-link` uses for a connection id: the id, or the name a `!Ref` gives it.

    >>> link_key("abc123"), link_key({"Ref": "NlbVpcLink"}), link_key({"Fn::GetAtt": ["L", "Id"]}) is None
    ('abc123', 'NlbVpcLink', True)
    """
    if isinstance(connection_id, str):
        return connection_id
    if isinstance(connection_id, dict) and list(connection_id) == ["Ref"] and isinstance(connection_id["Ref"], str):
        return connection_id["Ref"]
    return None


def backend_url(uri: Any) -> tuple[str, str, str] | None:
    """(scheme, host, path) of a REST private integration's uri, a string or an `Fn::Join`/`Fn::Sub` of one.

    >>> backend_url("https://nlb.example.com/items/{id}")
    ('https', 'nlb.example.com', '/items/{id}')
    >>> backend_url({"Fn::Join": ["", ["http://", {"Fn::GetAtt": "Nlb.DNSName"}, "/locations"]]})
    ('http', '${Nlb.DNSName}', '/locations')
    """
    sub = joined_as_sub(uri)
    text = uri if isinstance(uri, str) else sub.get("Fn::Sub") if isinstance(sub, dict) else None
    m = _URL.match(text) if isinstance(text, str) else None
    if m is None:
        return None
    return m.group(1).lower(), m.group(2), m.group(3) or ""


def route_path(path: str, renames: Mapping[str, str] | None = None) -> str:
    """A backend path with its `{variables}` read from the route: the `overwrite:path` value.

    `renames` maps a uri variable to the route variable REST filled it from.

    >>> route_path("/locations/{locationID}/{proxy+}", {"locationID": "id"})
    '/locations/$request.path.id/$request.path.proxy'
    """
    return _VARIABLE.sub(lambda m: "$request.path." + (renames or {}).get(m.group(1), m.group(1)), path)


def path_renames(request_parameters: Any) -> dict[str, str]:
    """REST `integration.request.path.X ← method.request.path.Y` mappings: uri variable X → route variable Y.

    >>> path_renames({"integration.request.path.id": "method.request.path.bookId", "integration.request.header.a": "'b'"})
    {'id': 'bookId'}
    """
    prefix, source = "integration.request.path.", "method.request.path."
    return {
        str(k)[len(prefix):]: str(v)[len(source):]
        for k, v in (request_parameters.items() if isinstance(request_parameters, dict) else ())
        if str(k).startswith(prefix) and isinstance(v, str) and v.startswith(source)
    }


def private_integration(integ: dict, listener: Any, renames: Mapping[str, str] | None = None) -> list[str]:
    """Point `integ` at `listener`, keeping the backend path and TLS name of its REST uri; what was carried, said shortly.

    >>> integ = {"uri": "https://api.internal.example.com/v1/{id}", "connectionType": "VPC_LINK"}
    >>> private_integration(integ, "arn:aws:elasticloadbalancing:eu-west-1:1:listener/net/n/1/2")
    ['overwrite:path /v1/$request.path.id', 'tlsConfig.serverNameToVerify api.internal.example.com']
    >>> integ["requestParameters"], integ["tlsConfig"]
    ({'overwrite:path': '/v1/$request.path.id'}, {'serverNameToVerify': 'api.internal.example.com'})
    """
    url = backend_url(integ.get("uri"))
    integ["uri"] = listener
    carried: list[str] = []
    if url is None:
        return carried
    scheme, host, path = url
    if path:
        params = integ.setdefault("requestParameters", {})
        if isinstance(params, dict) and "overwrite:path" not in params:
            params["overwrite:path"] = route_path(path, renames)
            carried.append(f"overwrite:path {params['overwrite:path']}")
    if scheme == "https" and host and "${" not in host:
        tls = integ.setdefault("tlsConfig", {})
        if isinstance(tls, dict):
            # A REST insecureSkipVerification stays for cleanup to remove and report (AGW309): HTTP APIs verify anyway.
            tls["serverNameToVerify"] = host.split(":", 1)[0]
            carried.append(f"tlsConfig.serverNameToVerify {tls['serverNameToVerify']}")
    return carried
