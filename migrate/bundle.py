"""The bundle: one REST API stage and everything the OpenAPI export leaves out, in one file.

Shape (every field documented in docs/bundle.md; JSON Schema in schemas/bundle.schema.json)::

    apiVersion: apigw-migrate/v1
    kind: RestApiBundle
    metadata: {restApiId, restApiName, stage, region, accountId, exportedAt, exportedVia, toolVersion}
    openapi: {...}            # the REST API as OpenAPI 3.0 with x-amazon-apigateway extensions
    restApi: {...}            # get_rest_api
    stage: {...}              # get_stage
    authorizers: [...]        # get_authorizers
    usagePlans: [{..., apiKeys: [{id, name, enabled}]}]   # never key values
    gatewayResponses: [...]   # get_gateway_responses, customised ones only
    requestValidators, vpcLinks, domainNames (with their mappings to this API), cognitoUserPools, notes

Field names inside the AWS objects are botocore's (`apigateway` service model).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apigw_migrate import pointer as jp
from apigw_migrate.errors import InputError

if TYPE_CHECKING:
    from apigw_migrate.load import Source
    from apigw_migrate.positions import PositionIndex

API_VERSION = "apigw-migrate/v1"
KIND = "RestApiBundle"


@lru_cache(maxsize=1)
def schema() -> dict:
    text = resources.files("apigw_migrate").joinpath("schemas/bundle.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate(document: dict, path: str, positions: "PositionIndex | None" = None) -> None:
    """Raise InputError naming the first place where `document` breaks the bundle schema."""
    if document.get("apiVersion") != API_VERSION or document.get("kind") != KIND:
        raise InputError(
            f"unsupported bundle: apiVersion {document.get('apiVersion')!r}, kind {document.get('kind')!r} "
            f"(this version reads apiVersion {API_VERSION!r}, kind {KIND!r})",
            path,
        )
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        ptr = jp.join("", *error.absolute_path)
        where = positions.locate(ptr) if positions else None
        raise InputError(f"not a valid bundle at {ptr or '/'}: {error.message}", path, *(where or ()))


def source_from_bundle(document: dict, path: str, positions: "PositionIndex", ref_strings: set[str] | None = None) -> "Source":
    from apigw_migrate.load import source_from_openapi

    validate(document, path, positions)
    meta = document["metadata"]
    return source_from_openapi(
        document["openapi"],
        path,
        positions,
        base_pointer="/openapi",
        kind="bundle",
        document=document,
        api_name=f"{meta['restApiId']}/{meta['stage']}",
        bundle=document,
        ref_strings=ref_strings,
    )


def dumps(bundle: dict, fmt: str = "json") -> str:
    if fmt == "yaml":
        import yaml

        # PyYAML writes YAML 1.1, the dialect the loader reads: strings such as "yes" or "on" get quoted
        # and come back as strings.
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return yaml.dump(bundle, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=120)
    return json.dumps(bundle, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def format_for(path: str | Path) -> str:
    """``yaml`` for a .yaml/.yml file name, else ``json``."""
    return "yaml" if Path(path).suffix.lower() in (".yaml", ".yml") else "json"


def write(bundle: dict, path: str | Path, fmt: str | None = None) -> None:
    """Write atomically: a crash never leaves half a bundle behind. `fmt` defaults to the file name's."""
    import os
    import tempfile

    p = Path(path)
    text = dumps(bundle, fmt or format_for(p))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent if str(p.parent) else ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise InputError(f"cannot write the bundle: {e.strerror or e}", str(path)) from None


def new_bundle(rest_api_id: str, stage: str, openapi: dict, exported_via: str, **metadata: Any) -> dict:
    from apigw_migrate import __version__

    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"restApiId": rest_api_id, "stage": stage, "exportedVia": exported_via, "toolVersion": __version__, **metadata},
        "openapi": openapi,
    }
