"""Read any input the tool accepts into one `Source`.

Accepted: an apigw-migrate bundle; a REST export (OpenAPI 3.0.x or Swagger 2.0, JSON or YAML); a
SAM or CloudFormation template holding a REST API inline (or, for CloudFormation, as
``AWS::ApiGateway::Resource``/``Method`` resources: see `cfn_resources`); a Terraform template file
with `${var}` placeholders. Intrinsic functions (`!Sub`, `{"Fn::GetAtt": …}`) and placeholders are kept as
opaque values, never evaluated.

Speed (bench/bench_load.py): JSON goes through the C `json` module and its position table is only
built when a line is first asked for (50 ms for a 2.3 MB, 1,500-operation export); YAML is composed
by libyaml through PyYAML's C loader and turned into plain data here, recording positions on the way
(0.8 s for the same export, where ruamel.yaml's pure-Python loaders take 3-4.5 s).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apigw_migrate import pointer as jp
from apigw_migrate.errors import InputError, NotAnApiError, UsageError, UserError
from apigw_migrate.openapi import scheme_table
from apigw_migrate.positions import DuplicateKey, JsonLocator, Position, PositionIndex, json_positions

if TYPE_CHECKING:
    from apigw_migrate.intrinsics import Given

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# YAML aliases may repeat nodes, but a document that expands to more than this many times the nodes
# it writes (plus an allowance for small files) is an alias bomb: refused before anything is built.
ALIAS_EXPANSION_FACTOR = 10
ALIAS_EXPANSION_ALLOWANCE = 100_000
# Real definitions nest a few dozen levels. The YAML builder and the later stages recurse (copy.deepcopy
# takes two frames a level), so deeper input would end in a RecursionError under Python's default limit.
MAX_DEPTH = 200

KINDS = ("bundle", "oas3", "swagger2", "sam", "cloudformation", "terraform")
TERRAFORM_SUFFIXES = (".tpl", ".tftpl")
REST_TEMPLATE_TYPES = {"AWS::Serverless::Api": "DefinitionBody", "AWS::ApiGateway::RestApi": "Body"}
HTTP_TEMPLATE_TYPES = {"AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api"}


@dataclass
class Source:
    """One REST API as loaded from a file.

    - `document`: the whole file as plain dicts and lists (the template, bundle or export).
    - `api`: the REST API's OpenAPI document inside it (the same object as `document` for an export).
    - `base_pointer`: where `api` sits in `document` (``""``, ``/openapi``, or
      ``/Resources/MyApi/Properties/DefinitionBody``). Findings point into `document`.
    - `spec`: ``oas3`` or ``swagger2``: the OpenAPI dialect of `api`.
    - `flavor`: ``rest``, or ``http`` when the document is already an HTTP API definition.
    - `bundle`: the bundle's top level when `kind` is ``bundle`` (what the export leaves out).
    - `template_resource`: for templates, the API resource's ``Properties`` and its pointer.
    - `external`: documents referenced by relative `$ref`s, by absolute path.
    - `pointer_map`: only for an API assembled from ``AWS::ApiGateway::*`` resources (see
      `cfn_resources`): where each part of `api` is defined in `document`.
    """

    path: str
    kind: str
    document: Any
    api: dict
    base_pointer: str = ""
    spec: str = "oas3"
    flavor: str = "rest"
    api_name: str | None = None
    bundle: dict | None = None
    template_resource: dict | None = None
    template_pointer: str | None = None
    external: dict[str, Any] = field(default_factory=dict)
    positions: PositionIndex = field(default_factory=PositionIndex)
    pointer_map: dict[str, tuple[str, bool]] | None = None
    # Template parameters whose Default stood in for a value not given (see `apigw_migrate.intrinsics`).
    parameter_defaults: tuple[str, ...] = ()
    # `$ref`s inside schemas that do not resolve (`refs.BrokenRef`): reported, and left out by convert.
    broken_refs: list[Any] = field(default_factory=list)

    def api_pointer(self, pointer: str = "") -> str:
        """A pointer into `api` expressed as a pointer into `document`.

        An API assembled from CloudFormation resources (`pointer_map` set) does not sit anywhere
        in the document: its pointers lead to the resource that defines the node instead (an
        operation to its ``AWS::ApiGateway::Method``), keeping the rest of the pointer only where
        the resource spells the same keys (``requestParameters``).
        """
        if self.pointer_map is None:
            return self.base_pointer + pointer
        for ancestor in jp.ancestors(pointer):
            target = self.pointer_map.get(ancestor)
            if target is not None:
                doc_ptr, keep_rest = target
                return doc_ptr + pointer[len(ancestor) :] if keep_rest else doc_ptr
        return self.base_pointer

    def locate(self, pointer: str) -> Position | None:
        return self.positions.locate(pointer)

    @property
    def display_name(self) -> str:
        return f"{self.path}#{self.api_name}" if self.api_name else self.path


@dataclass
class Parsed:
    document: Any
    positions: PositionIndex
    # Every distinct `$ref` value, when the parser collected them (JSON): lets the ref check skip its walk.
    ref_strings: set[str] | None = None


def max_bytes_default() -> int:
    raw = os.environ.get("APIGW_MIGRATE_MAX_BYTES")
    if raw:
        try:
            return int(raw)
        except ValueError:
            raise UsageError(f"APIGW_MIGRATE_MAX_BYTES must be a whole number of bytes, not {raw!r}") from None
    return DEFAULT_MAX_BYTES


_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def read_text(path: str | Path, max_bytes: int | None = None) -> str:
    """The file's text, refusing what is not a readable UTF-8 file under the size cap."""
    p = Path(path)
    limit = max_bytes if max_bytes is not None else max_bytes_default()
    # Every OS error (a name too long, a loop of links, no permission) is the user's input problem.
    try:
        if not p.exists():
            raise InputError("no such file", str(path))
        if p.is_dir():
            raise InputError("is a directory, not a file", str(path))
        size = p.stat().st_size
        if size > limit:
            raise InputError(
                f"file is {size:,} bytes, over the {limit:,}-byte cap (raise it with --max-bytes or APIGW_MIGRATE_MAX_BYTES)",
                str(path),
            )
        raw = p.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", str(path)) from None
    except ValueError:  # a NUL character in the path
        raise InputError("cannot read: the path holds a NUL character", repr(str(path))) from None
    for bom, encoding in _OTHER_BOMS:
        if raw.startswith(bom):
            raise InputError(f"the file is {encoding} text; save it as UTF-8", str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start})", str(path), line) from None
    if not text.strip():
        raise InputError("file is empty", str(path))
    return text


def parse(text: str, path: str = "<input>") -> Parsed:
    """Parse JSON or YAML text into plain data plus a position table."""
    first = text.lstrip()[:1]
    if first and first in "{[":
        return _parse_json(text, path)
    return _parse_yaml(text, path)


# A `"$ref": "…"` member. Inside a JSON string the quotes would be escaped, so every match is a real
# member; the set may still hold more than the API part of a bundle or template, which only costs
# a ref check that then walks (refs.check_refs).
_JSON_REF = re.compile(r'"\$ref"[ \t\n\r]*:[ \t\n\r]*"((?:[^"\\]|\\.)*)"')


def _parse_json(text: str, path: str) -> Parsed:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
        result = dict(pairs)
        if len(result) != len(pairs):
            raise _JsonDuplicate()
        return result

    try:
        document = json.loads(text, object_pairs_hook=no_duplicates)
    except _JsonDuplicate:
        try:
            json_positions(text)
        except DuplicateKey as dup:
            raise InputError(f"duplicate key {dup.key!r}", path, *dup.position) from None
        raise InputError("duplicate key", path) from None
    except json.JSONDecodeError as e:
        if "${" in text:
            quoted = quote_placeholders(text)
            if quoted != text:
                return _parse_json(quoted, path)
        raise InputError(f"not valid JSON: {e.msg}", path, e.lineno, e.colno) from None
    except RecursionError:
        raise InputError(f"nesting is more than {MAX_DEPTH} levels deep; refusing to read it", path) from None
    ref_strings = {json.loads(f'"{raw}"') if "\\" in raw else raw for raw in _JSON_REF.findall(text)}
    return Parsed(document, PositionIndex(locator=JsonLocator(text)), ref_strings)


def ensure_shallow(document: Any, path: str, positions: PositionIndex, base_pointer: str = "") -> None:
    """Refuse a JSON document nested more than MAX_DEPTH levels: the stages that copy, validate or
    diff whole documents recurse and would end in a RecursionError.

    The C decoder reads far deeper documents (YAML is refused while it is read, before libyaml's
    recursive composer sees it). `check` never recurses into the document, so only those stages
    pay for this walk; a JSON load stays at the cost of the parse.
    """
    too_deep = _too_deep(document)
    if too_deep is not None:
        pointer = base_pointer + too_deep
        raise InputError(
            f"nesting is more than {MAX_DEPTH} levels deep; refusing to read it", path, *(positions.locate(pointer) or ())
        )


def _too_deep(root: Any) -> str | None:
    """The pointer of the first container nested more than MAX_DEPTH levels deep, or None.

    The walk keeps only depths; the pointer is built by a second walk in the rare case that needs one.
    """
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _deep_pointer(root)
        values = node.values() if isinstance(node, dict) else node
        stack.extend((v, depth + 1) for v in values if isinstance(v, (dict, list)))
    return None


def _deep_pointer(root: Any) -> str:
    stack: list[tuple[Any, tuple]] = [(root, ())]
    while stack:
        node, tokens = stack.pop()
        if len(tokens) >= MAX_DEPTH:
            return jp.join("", *tokens)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend((v, (*tokens, k)) for k, v in items if isinstance(v, (dict, list)))
    return ""


class _JsonDuplicate(Exception):
    pass


_PLACEHOLDER = re.compile(r"\$\{[^{}]*\}|%\{[^{}]*\}")


def quote_placeholders(text: str) -> str:
    """Turn Terraform placeholders that stand outside JSON strings into strings.

    ``"count": ${n}`` becomes ``"count": "${n}"`` so the file parses; placeholders inside strings
    are left alone. A whole-line ``%{ if … }`` directive becomes an empty line.
    """
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_string = False
            i += 1
            continue
        if c == '"':
            in_string = True
            out.append(c)
            i += 1
            continue
        m = _PLACEHOLDER.match(text, i)
        if m:
            if m.group().startswith("%{"):
                out.append(" " * len(m.group()))
            else:
                out.append(json.dumps(m.group()))
            i = m.end()
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _parse_yaml(text: str, path: str) -> Parsed:
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        _check_nesting(loader_cls, text, path)
        loader = loader_cls(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        # One line: PyYAML's problems may quote the input over several.
        problem = " ".join(str(e.problem or e.context or "invalid YAML").split())
        if mark is not None:
            raise InputError(f"not valid YAML or JSON: {problem}", path, mark.line + 1, mark.column + 1) from None
        raise InputError(f"not valid YAML or JSON: {problem}", path) from None
    except yaml.YAMLError as e:
        raise InputError(f"not valid YAML or JSON: {' '.join(str(e).split())}", path) from None
    if node is None:
        raise InputError("file is empty", path)
    _check_alias_expansion(node, path)
    table: dict[str, Position] = {}
    document = _YamlBuilder(path, table).build(node, "")
    return Parsed(document, PositionIndex(table))


def _check_nesting(loader_cls: Any, text: str, path: str) -> None:
    """Refuse YAML nested deeper than MAX_DEPTH before libyaml composes it.

    libyaml's composer recurses in C: a few kilobytes of ``[[[[…`` crash the interpreter instead
    of raising. Reading the event stream is iterative and costs a tenth of composing.
    """
    import yaml

    try:
        _check_event_depth(loader_cls, text, path)
    except yaml.YAMLError:
        if loader_cls is yaml.SafeLoader:
            raise
        # libyaml's scanner reads ahead and has a nesting cap of its own, so it may refuse deep input
        # before this walk reaches MAX_DEPTH. The pure-Python parser does not read ahead that far: on
        # this (rare, failing) path it tells a too-deep document from a malformed one, whatever
        # libyaml's message says.
        _check_event_depth(yaml.SafeLoader, text, path)
        raise


def _check_event_depth(loader_cls: Any, text: str, path: str) -> None:
    import yaml

    opens = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    closes = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    loader = loader_cls(text)
    try:
        depth = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, opens):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise InputError(
                        f"nesting is more than {MAX_DEPTH} levels deep; refusing to read it", path, mark.line + 1, mark.column + 1
                    )
            elif isinstance(event, closes):
                depth -= 1
    finally:
        loader.dispose()


def _check_alias_expansion(root: Any, path: str) -> None:
    """Refuse a node graph whose aliases would expand it beyond reason (billion laughs) or loop.

    Sizes are counted once per distinct node, so this costs what the file holds, not what it
    would expand to.
    """
    import yaml

    def children(node: Any) -> list:
        if isinstance(node, yaml.MappingNode):
            return [n for pair in node.value for n in pair]
        if isinstance(node, yaml.SequenceNode):
            return node.value
        return []

    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            sizes[key] = 1 + sum(sizes[id(c)] for c in children(node))
            on_path.discard(key)
            continue
        if key in sizes:
            continue
        if key in on_path:
            mark = node.start_mark
            raise InputError("a YAML alias refers to a node that contains it", path, mark.line + 1, mark.column + 1)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children(node) if id(c) not in sizes)
    written, expanded = len(sizes), sizes[id(root)]
    if expanded > ALIAS_EXPANSION_FACTOR * written + ALIAS_EXPANSION_ALLOWANCE:
        raise InputError(
            f"YAML aliases expand {written:,} written nodes to {expanded:,} (an alias bomb?); refusing to read it",
            path,
        )


# CloudFormation short forms: `!Ref X` is `{"Ref": X}`, `!GetAtt A.B` is `{"Fn::GetAtt": ["A", "B"]}`,
# every other `!Name` is `{"Fn::Name": …}`.
_CFN_SPECIAL = {"!Ref": "Ref", "!Condition": "Condition"}


class _YamlBuilder:
    def __init__(self, path: str, table: dict[str, Position]):
        self.path = path
        self.table = table

    def build(self, node: Any, ptr: str) -> Any:
        import yaml

        tag = node.tag
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merged = self.build(value_node, ptr)
                    for item in merged if isinstance(merged, list) else [merged]:
                        if isinstance(item, dict):
                            for k, v in item.items():
                                result.setdefault(k, v)
                    continue
                key = self._key(key_node)
                if key in result:
                    raise InputError(
                        f"duplicate key {key!r}", self.path, key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    )
                child = jp.join(ptr, key)
                self.table[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = self.build(value_node, child)
            return self._tagged(tag, result)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item_node in enumerate(node.value):
                child = jp.join(ptr, i)
                self.table[child] = (item_node.start_mark.line + 1, item_node.start_mark.column + 1)
                items.append(self.build(item_node, child))
            return self._tagged(tag, items)
        return self._tagged(tag, self._scalar(node))

    def _key(self, node: Any) -> str:
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            raise InputError("a mapping key must be a plain value", self.path, node.start_mark.line + 1, node.start_mark.column + 1)
        value = self._scalar(node)
        # Response codes (`200:`) and other numeric keys are strings in OpenAPI.
        if isinstance(value, bool):
            return node.value
        return str(value) if value is not None else node.value

    def _scalar(self, node: Any) -> Any:
        tag, value = node.tag, node.value
        if not tag.startswith("tag:yaml.org,2002:"):
            return value
        kind = tag[18:]
        if kind == "str":
            return value
        if kind == "int":
            return _yaml_int(value)
        if kind == "float":
            return _yaml_float(value)
        if kind == "bool":
            return value.lower() in ("yes", "true", "on", "y")
        if kind == "null":
            return None
        # Timestamps and binary stay as written: an OpenAPI `version: 2019-01-01` is a string.
        return value

    @staticmethod
    def _tagged(tag: str, value: Any) -> Any:
        if not tag.startswith("!"):
            return value
        if tag in _CFN_SPECIAL:
            return {_CFN_SPECIAL[tag]: value}
        if tag == "!GetAtt" and isinstance(value, str):
            resource, _, attribute = value.partition(".")
            return {"Fn::GetAtt": [resource, attribute]}
        return {"Fn::" + tag[1:]: value}


def _yaml_int(value: str) -> int | str:
    v = value.replace("_", "")
    try:
        if v.lower().startswith(("0x", "-0x", "+0x")):
            return int(v, 16)
        if v.lower().startswith(("0o", "-0o", "+0o")):
            return int(v, 8)
        if v.startswith("0b"):
            return int(v, 2)
        if ":" in v:
            return value
        return int(v)
    except ValueError:
        return value


def _yaml_float(value: str) -> float | str:
    v = value.replace("_", "").lower()
    if v == ".nan":
        return float("nan")
    if v in (".inf", "+.inf"):
        return float("inf")
    if v == "-.inf":
        return float("-inf")
    try:
        return float(v)
    except ValueError:
        return value


def load(path: str | Path, api: str | None = None, max_bytes: int | None = None, given: "Given | None" = None) -> Source:
    """Load one input file. Raises InputError (exit 2) with file, line and column on bad input.

    With `given`, the intrinsics its values make known are evaluated first (`apigw_migrate.intrinsics`).
    """
    path_s = str(path)
    text = read_text(path, max_bytes)
    parsed = parse(text, path_s)
    defaults = _evaluate(parsed, given)
    src = source_from_document(parsed.document, path_s, parsed.positions, api=api, ref_strings=parsed.ref_strings)
    src.parameter_defaults = defaults
    return src


def _evaluate(parsed: Parsed, given: "Given | None") -> tuple[str, ...]:
    if given is None:
        return ()
    from apigw_migrate.intrinsics import evaluate

    parsed.document, defaults = evaluate(parsed.document, parsed.positions, given)
    return defaults


def source_from_document(
    document: Any,
    path: str,
    positions: PositionIndex | None = None,
    api: str | None = None,
    ref_strings: set[str] | None = None,
) -> Source:
    positions = positions or PositionIndex({})
    if not isinstance(document, dict):
        raise NotAnApiError("expected a mapping at the top level (an OpenAPI document, a template or a bundle)", path)
    if document.get("apiVersion") is not None and document.get("kind") is not None:
        if api:
            raise UsageError("--api picks an API inside a template; this file is a bundle")
        from apigw_migrate import bundle as bundle_mod

        return bundle_mod.source_from_bundle(document, path, positions, ref_strings=ref_strings)
    if isinstance(document.get("Resources"), dict) and ("openapi" not in document and "swagger" not in document):
        return _source_from_template(document, path, positions, api)
    if api:
        raise UsageError("--api picks an API inside a SAM or CloudFormation template; this file is an OpenAPI document")
    kind_hint = "terraform" if path.endswith(TERRAFORM_SUFFIXES) else None
    return source_from_openapi(document, path, positions, base_pointer="", kind=kind_hint, ref_strings=ref_strings)


def source_from_openapi(
    api_doc: Any,
    path: str,
    positions: PositionIndex,
    base_pointer: str,
    kind: str | None = None,
    document: Any = None,
    ref_strings: set[str] | None = None,
    **extra: Any,
) -> Source:
    def fail(message: str) -> InputError:
        pos = positions.exact(base_pointer) if base_pointer else None
        return InputError(message, path, *(pos or ()))

    if not isinstance(api_doc, dict):
        raise fail("the API definition is not a mapping")
    spec = detect_spec(api_doc, fail, positions, base_pointer, path)
    paths = api_doc.get("paths")
    if paths is None:
        raise fail("no 'paths' in the OpenAPI document: nothing to migrate")
    if not isinstance(paths, dict):
        pos = positions.exact(jp.join(base_pointer, "paths"))
        raise InputError("'paths' must be a mapping of path to path item", path, *(pos or ()))
    src = Source(
        path=path,
        kind=kind or spec,
        document=document if document is not None else api_doc,
        api=api_doc,
        base_pointer=base_pointer,
        spec=spec,
        positions=positions,
        **extra,
    )
    from apigw_migrate.refs import check_refs

    check_refs(src, ref_strings)
    src.flavor = detect_flavor(api_doc)
    return src


def detect_spec(api_doc: dict, fail: Any, positions: PositionIndex, base_pointer: str, path: str) -> str:
    if "openapi" in api_doc:
        version = str(api_doc["openapi"])
        if re.fullmatch(r"3\.0(\.\d+)?", version):
            return "oas3"
        # Only now: asking for a position builds a JSON file's table, which a valid file never needs.
        pos = positions.exact(jp.join(base_pointer, "openapi"))
        if version.startswith("3.1"):
            raise InputError(
                f"OpenAPI {version} is not supported: REST API exports and HTTP API imports use OpenAPI 3.0",
                path,
                *(pos or ()),
            )
        raise InputError(f"unknown OpenAPI version {version!r} (expected 3.0.x or Swagger 2.0)", path, *(pos or ()))
    if "swagger" in api_doc:
        version = api_doc["swagger"]
        if str(version) in ("2.0", "2"):
            return "swagger2"
        pos = positions.exact(jp.join(base_pointer, "swagger"))
        raise InputError(f"unknown Swagger version {version!r} (expected 2.0)", path, *(pos or ()))
    message = "not an OpenAPI document: no 'openapi' or 'swagger' version (nor a template or an apigw-migrate bundle)"
    if not base_pointer:
        # The whole file is neither: not an API definition at all (a template's or bundle's body is a broken one).
        raise NotAnApiError(message, path)
    raise fail(message)


_HTTP_ONLY_ROOT = ("x-amazon-apigateway-importexport-version", "x-amazon-apigateway-cors")
_REST_ONLY_ROOT = (
    "x-amazon-apigateway-api-key-source",
    "x-amazon-apigateway-gateway-responses",
    "x-amazon-apigateway-request-validators",
    "x-amazon-apigateway-policy",
    "x-amazon-apigateway-binary-media-types",
)


def detect_flavor(api_doc: dict) -> str:
    """``http`` when the document already is an HTTP API definition, else ``rest``.

    Strong HTTP-only markers decide it; a lone `payloadFormatVersion` does not, since REST
    import ignores it and real REST definitions carry it.
    """
    if any(k in api_doc for k in _REST_ONLY_ROOT):
        return "rest"
    http_marks = any(k in api_doc for k in _HTTP_ONLY_ROOT)
    components = api_doc.get("components")
    if isinstance(components, dict) and "x-amazon-apigateway-integrations" in components:
        http_marks = True
    # Swagger 2.0 securityDefinitions count too, as everywhere (an OpenAPI 3.0 document may carry them).
    for scheme, _ in scheme_table(api_doc, "oas3").values():
        auth = scheme.get("x-amazon-apigateway-authorizer") if isinstance(scheme, dict) else None
        if isinstance(auth, dict) and str(auth.get("type", "")).lower() == "jwt":
            http_marks = True
        if isinstance(auth, dict) and str(auth.get("type", "")).lower() in ("token", "cognito_user_pools"):
            return "rest"
    for item in (api_doc.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        for op in item.values():
            if not isinstance(op, dict):
                continue
            if op.get("isDefaultRoute"):
                http_marks = True
            integ = op.get("x-amazon-apigateway-integration")
            if isinstance(integ, dict):
                if str(integ.get("type", "")).lower() in ("aws", "http", "mock"):
                    return "rest"
                if "integrationSubtype" in integ:
                    http_marks = True
    return "http" if http_marks else "rest"


def _source_from_template(document: dict, path: str, positions: PositionIndex, api: str | None) -> Source:
    resources = document["Resources"]
    transform = document.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    is_sam = any(isinstance(t, str) and t.startswith("AWS::Serverless") for t in transforms)
    kind = "sam" if is_sam or any(
        isinstance(r, dict) and str(r.get("Type", "")).startswith("AWS::Serverless::") for r in resources.values()
    ) else "cloudformation"

    rest = {name: r for name, r in resources.items() if resource_type(r) in REST_TEMPLATE_TYPES}
    if not rest:
        return _http_template_source(document, path, positions, api, kind)
    if api is None:
        if len(rest) > 1:
            raise UsageError(
                f"{path}: the template holds {len(rest)} REST APIs; pick one with --api: {', '.join(sorted(rest))}"
            )
        api = next(iter(rest))
    elif api not in rest:
        raise UsageError(f"{path}: no REST API named {api!r}; the template holds: {', '.join(sorted(rest))}")
    resource = rest[api]
    body_key = REST_TEMPLATE_TYPES[resource["Type"]]
    props = resource.get("Properties") if isinstance(resource.get("Properties"), dict) else {}
    resource_ptr = jp.join("/Resources", api)
    props_ptr = jp.join(resource_ptr, "Properties")
    body = props.get(body_key)
    include = _include_location(body)
    if include is not None:
        include_ptr = jp.join(props_ptr, body_key, "Fn::Transform", "Parameters", "Location")
        if isinstance(include, str) and "://" not in include:
            return _load_definition_file(Path(path).parent / include, kind, api, props, props_ptr)
        raise InputError(
            f"REST API {api} includes its OpenAPI definition from {include if isinstance(include, str) else 'S3'} "
            "(AWS::Include): download it and pass the file, or deploy and run 'apigw-migrate export'",
            path,
            *(positions.locate(include_ptr) or ()),
        )
    if body is None:
        uri_key = "DefinitionUri" if body_key == "DefinitionBody" else "BodyS3Location"
        uri = props.get(uri_key)
        if isinstance(uri, str) and "://" not in uri:
            return _load_definition_file(Path(path).parent / uri, kind, api, props, props_ptr)
        if uri is not None:
            pos = positions.exact(jp.join(props_ptr, uri_key))
            raise InputError(
                f"REST API {api} keeps its OpenAPI definition in S3 ({uri_key}): download it and pass the file, "
                "or deploy and run 'apigw-migrate export'",
                path,
                *(pos or ()),
            )
        if body_key == "Body":
            from apigw_migrate.cfn_resources import source_from_resources

            return source_from_resources(document, path, positions, api, kind)
        pos = positions.exact(resource_ptr)
        raise InputError(
            f"REST API {api} has no inline OpenAPI definition ({body_key}): SAM builds it from the functions' events "
            "at deploy time. Deploy it and run 'apigw-migrate export', or pass the exported definition",
            path,
            *(pos or ()),
        )
    return source_from_openapi(
        body,
        path,
        positions,
        base_pointer=jp.join(props_ptr, body_key),
        kind=kind,
        document=document,
        api_name=api,
        template_resource=props,
        template_pointer=props_ptr,
    )


def _http_template_source(document: dict, path: str, positions: PositionIndex, api: str | None, kind: str) -> Source:
    """A template holding HTTP APIs only: one of them as an HTTP-flavored Source, so that check says
    what it says of an HTTP OpenAPI file (AGW002) and convert refuses it the same way."""
    http = template_http_apis(document)
    if not http:
        raise NotAnApiError(
            "no API in this template (no AWS::Serverless::Api, AWS::ApiGateway::RestApi or HTTP API)", path
        )
    if api is None:
        if len(http) > 1:
            raise UsageError(f"{path}: the template holds {len(http)} HTTP APIs; pick one with --api: {', '.join(http)}")
        api = http[0]
    elif api not in http:
        raise UsageError(f"{path}: no API named {api!r}; the template holds the HTTP APIs {', '.join(http)}")
    resource = document["Resources"][api]
    props = resource.get("Properties") if isinstance(resource.get("Properties"), dict) else {}
    props_ptr = jp.join("/Resources", api, "Properties")
    body_key = "DefinitionBody" if resource["Type"] == "AWS::Serverless::HttpApi" else "Body"
    body = props.get(body_key)
    if isinstance(body, dict) and ("openapi" in body or "swagger" in body):
        src = source_from_openapi(
            body, path, positions, base_pointer=jp.join(props_ptr, body_key), kind=kind, document=document,
            api_name=api, template_resource=props, template_pointer=props_ptr,
        )
    else:
        # Routes built from the functions' events or kept in S3: there is nothing to read, but the
        # resource type alone says what the API is.
        src = Source(
            path=path, kind=kind, document=document, api={"openapi": "3.0.1", "paths": {}},
            base_pointer=jp.join("/Resources", api), positions=positions, api_name=api,
            template_resource=props, template_pointer=props_ptr,
        )
    src.flavor = "http"
    return src


def resource_type(resource: Any) -> str | None:
    """A template resource's `Type`, when it is a plain string (a hostile template may hold anything there)."""
    kind = resource.get("Type") if isinstance(resource, dict) else None
    return kind if isinstance(kind, str) else None


def template_http_apis(document: Any) -> list[str]:
    """Logical ids of the HTTP APIs of a template, sorted."""
    resources = document.get("Resources") if isinstance(document, dict) else None
    if not isinstance(resources, dict):
        return []
    return sorted(name for name, r in resources.items() if resource_type(r) in HTTP_TEMPLATE_TYPES)


def _load_definition_file(target: Path, kind: str, api: str, props: dict, props_ptr: str) -> Source:
    """The OpenAPI file a template API names by a local path, reported as that template API."""
    inner = load(target)
    inner.kind, inner.api_name = kind, api
    inner.template_resource, inner.template_pointer = props, props_ptr
    return inner


def _include_location(body: Any) -> Any:
    """The Location of a ``{"Fn::Transform": {"Name": "AWS::Include", …}}`` body, else None."""
    if not (isinstance(body, dict) and len(body) == 1 and isinstance(body.get("Fn::Transform"), dict)):
        return None
    transform = body["Fn::Transform"]
    if transform.get("Name") != "AWS::Include":
        return None
    params = transform.get("Parameters")
    return params.get("Location", "") if isinstance(params, dict) else ""


def load_all(path: str | Path, max_bytes: int | None = None, given: "Given | None" = None) -> tuple[list[Source], list[UserError]]:
    """Every REST API in one file: the one of an export or bundle, each of a template's.

    A template API that cannot be read (no inline definition, a broken `$ref`) becomes an error
    beside the others instead of hiding them; a file that cannot be read at all raises.
    """
    path_s = str(path)
    return sources_from_parsed(parse(read_text(path, max_bytes), path_s), path_s, given)


def sources_from_parsed(parsed: Parsed, path_s: str, given: "Given | None" = None) -> tuple[list[Source], list[UserError]]:
    """`load_all` for a file already parsed (a caller that first looks at the document itself)."""
    defaults = _evaluate(parsed, given)
    names = template_rest_apis(parsed.document)
    if not names and template_http_apis(parsed.document) and "openapi" not in parsed.document and "swagger" not in parsed.document:
        names = template_http_apis(parsed.document)
    sources: list[Source] = []
    errors: list[UserError] = []
    if len(names) < 2:
        sources = [source_from_document(parsed.document, path_s, parsed.positions, ref_strings=parsed.ref_strings)]
    for name in names if len(names) >= 2 else ():
        try:
            sources.append(source_from_document(parsed.document, path_s, parsed.positions, api=name))
        except UserError as e:
            errors.append(e)
    for src in sources:
        src.parameter_defaults = defaults
    return sources, errors


def template_rest_apis(document: Any) -> list[str]:
    """Logical ids of the REST APIs of a template, sorted; empty for anything that is not a template."""
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        return []
    if "openapi" in document or "swagger" in document:
        return []
    return sorted(
        name for name, r in document["Resources"].items() if resource_type(r) in REST_TEMPLATE_TYPES
    )


def load_many(paths: list[str], api: str | None = None, max_bytes: int | None = None) -> list[Source]:
    """Load several inputs; a directory contributes its JSON, YAML and template files, sorted."""
    result: list[Source] = []
    for p in expand_inputs(paths):
        result.append(load(p, api=api, max_bytes=max_bytes))
    return result


INPUT_SUFFIXES = (".json", ".yaml", ".yml") + TERRAFORM_SUFFIXES


def expand_inputs(paths: list[str]) -> list[str]:
    return [p for p, _ in expand_input_origins(paths)]


def expand_input_origins(paths: list[str]) -> list[tuple[str, bool]]:
    """(file, found in a directory) for each input: a directory contributes its JSON, YAML and
    template files, sorted; a file found there that is not an API definition may be skipped."""
    files: list[tuple[str, bool]] = []
    for p in paths:
        if os.path.isdir(p):
            try:
                found = sorted(str(f) for f in Path(p).rglob("*") if f.name.endswith(INPUT_SUFFIXES) and f.is_file())
            except OSError as e:
                raise InputError(f"cannot read the directory: {e.strerror or e}", p) from None
            if not found:
                raise InputError("directory holds no .json, .yaml, .yml or .tpl file", p)
            files.extend((f, True) for f in found)
        else:
            files.append((p, False))
    return files
