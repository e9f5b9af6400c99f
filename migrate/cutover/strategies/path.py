"""The `path` strategy: move groups of routes by base path with API mappings on one Regional domain.

API Gateway has no weighted mappings: each base path maps to one API stage (longest prefix wins) and
the matched base path is stripped before the API sees the request. So a step adds a mapping for a
route group that points at the HTTP API, and the last step switches the root mapping to the HTTP API
(`update_api_mapping`, one call) and removes the group mappings, which the root now covers.

State shape (baseline and verify)::

    {mappings: {"": {api_id, stage}, "orders": {api_id, stage}, ...}}    "" is the root (empty) mapping
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apigw_migrate import aws

if TYPE_CHECKING:
    from apigw_migrate.cutover.model import ClientSource, Plan
    from apigw_migrate.transforms import ConvertResult


def read_state(clients: "ClientSource", plan: "Plan") -> dict[str, Any]:
    """The domain's API mappings, REST and HTTP alike (apigatewayv2 lists both on AWS)."""
    client = clients.client("apigatewayv2", plan.domain.region)
    items = aws.paginate(client, "get_api_mappings", "Items", f"custom domain {plan.domain.name}", DomainName=plan.domain.name)
    return state_from_mappings(items)


def state_from_mappings(items: list[dict[str, Any]]) -> dict[str, Any]:
    """apigatewayv2 ApiMapping items → the path state.

    >>> state_from_mappings([{"ApiMappingKey": "", "ApiId": "a1", "Stage": "prod", "ApiMappingId": "m"}])
    {'mappings': {'': {'api_id': 'a1', 'stage': 'prod'}}}
    """
    mappings = {(m.get("ApiMappingKey") or ""): {"api_id": m["ApiId"], "stage": m["Stage"]} for m in items}
    return {"mappings": dict(sorted(mappings.items()))}


def state_problems(state: Any) -> list[tuple[list, str]]:
    """Where `state` is not the path state shape (used on a hand-edited plan's baseline and verify)."""
    if not isinstance(state, dict) or not isinstance(state.get("mappings"), dict):
        return [([], "the path strategy's state is {mappings: {KEY: {api_id, stage}}} (KEY \"\" is the root mapping)")]
    out: list[tuple[list, str]] = []
    for key, target in state["mappings"].items():
        if not (isinstance(target, dict) and isinstance(target.get("api_id"), str) and isinstance(target.get("stage"), str)):
            out.append((["mappings", key], f"mapping {key or '(root)'!r} needs api_id and stage"))
    extra = set(state) - {"mappings"}
    out.extend(([("key", k)], f"unknown field {k!r} in the path state (only mappings)") for k in sorted(extra))
    return out


# --- planning ------------------------------------------------------------------------------------------


def join_key(*parts: str) -> str:
    """A mapping key from parts, skipping empty ones.

    >>> join_key("", "orders"), join_key("store", "orders"), join_key("", "")
    ('orders', 'store/orders', '')
    """
    return "/".join(p.strip("/") for p in parts if p.strip("/"))


def first_segment(route_key: str) -> str:
    """The group a route joins under `--group-by first-segment`: its first literal path segment, or "" (root).

    A first segment that is a path variable cannot be a mapping key, so such routes stay with the root.

    >>> first_segment("GET /orders/{id}"), first_segment("ANY /{proxy+}"), first_segment("GET /")
    ('orders', '', '')
    """
    path = route_key.partition(" ")[2]
    segment = path.strip("/").split("/")[0]
    return "" if not segment or segment.startswith("{") else segment


def group_routes(route_keys: list[str], groups: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Route groups: name → route keys. `groups` (name → base path under the REST mapping) picks the
    longest matching base path per route; without it each first path segment is a group. "" = root.

    >>> group_routes(["GET /orders", "GET /orders/{id}", "GET /", "POST /carts"])
    {'': ['GET /'], 'carts': ['POST /carts'], 'orders': ['GET /orders', 'GET /orders/{id}']}
    """
    out: dict[str, list[str]] = {}
    for key in route_keys:
        if groups is None:
            name = first_segment(key)
        else:
            path = key.partition(" ")[2].strip("/")
            matches = [(len(base), name) for name, base in groups.items() if _under(path, base.strip("/"))]
            name = max(matches)[1] if matches else ""
        out.setdefault(name, []).append(key)
    return dict(sorted(out.items()))


def _under(path: str, base: str) -> bool:
    return bool(base) and (path == base or path.startswith(base + "/"))


def seen_path(route_path: str, strip: str) -> str:
    """The path an API sees for a REST route's path after a mapping strips `strip` (relative to the REST mapping).

    >>> seen_path("/orders/{id}", "orders"), seen_path("/orders", "orders"), seen_path("/a/b", "")
    ('/{id}', '/', '/a/b')
    """
    strip = strip.strip("/")
    if not strip:
        return route_path or "/"
    rest = route_path.strip("/")[len(strip):]
    return rest if rest.startswith("/") else "/" + rest


def http_route_serves(http_route: str, method: str, path: str) -> bool:
    """Whether an HTTP API route key answers every request the REST route (`method`, template `path`) takes.

    A REST path variable matches an HTTP variable (or greedy) segment only; a literal matches the same
    literal or a variable. `$default` and `ANY` match every method.

    >>> http_route_serves("GET /{id}", "GET", "/{orderId}"), http_route_serves("GET /items", "GET", "/{id}")
    (True, False)
    >>> http_route_serves("ANY /{proxy+}", "POST", "/a/b"), http_route_serves("$default", "GET", "/x")
    (True, True)
    """
    if http_route == "$default":
        return True
    h_method, _, h_path = http_route.partition(" ")
    if h_method != "ANY" and h_method != method:
        return False
    want = [s for s in path.strip("/").split("/") if s]
    have = [s for s in h_path.strip("/").split("/") if s]
    for i, seg in enumerate(have):
        if seg.startswith("{") and seg.endswith("+}"):
            # greedy: needs at least one more segment, of any kind
            return len(want) > i
        if i >= len(want):
            return False
        mine = want[i]
        if seg.startswith("{"):
            if mine.endswith("+}"):
                return False
            continue
        if mine != seg:
            return False
    return len(want) == len(have)


def routes_that_404(rest_routes: list[str], strip: str, http_routes: list[str]) -> list[str]:
    """The REST routes (HTTP spelling) no HTTP route would answer once `strip` is removed from their path.

    >>> routes_that_404(["GET /orders/{id}", "GET /orders"], "orders", ["GET /{id}"])
    ['GET /orders']
    """
    out = []
    for key in rest_routes:
        method, _, path = key.partition(" ")
        seen = seen_path(path, strip)
        if not any(http_route_serves(h, method, seen) for h in http_routes):
            out.append(key)
    return out


def routes_misrouted(rest_routes: list[str], strip: str, http_routes: list[str]) -> dict[str, str]:
    """REST route → the other HTTP route that would answer it under mapping `strip`.

    When the HTTP API serves a route's full path (the definition for the root mapping), a request that
    reaches it through a group mapping arrives stripped, and whatever route matches the stripped path
    answers it instead: `GET /orders` under mapping `orders` reaches `GET /`.

    >>> routes_misrouted(["GET /orders", "GET /orders/{id}"], "orders", ["GET /", "GET /orders", "GET /orders/{id}"])
    {'GET /orders': 'GET /'}
    """
    out = {}
    if not strip.strip("/"):
        return out
    for key in rest_routes:
        method, _, path = key.partition(" ")
        seen = seen_path(path, strip)
        full = any(http_route_serves(h, method, path) for h in http_routes if h != "$default")
        match = next((h for h in http_routes if h != "$default" and http_route_serves(h, method, seen)), None)
        if full and match is not None:
            out[key] = match
    return out


def reroot_paths(paths: dict[str, Any], base: str) -> dict[str, Any]:
    """The OpenAPI `paths` under `base`, keyed as the API sees them once the mapping strips `base`.

    >>> sorted(reroot_paths({"/orders": 1, "/orders/{id}": 2, "/carts": 3}, "orders"))
    ['/', '/{id}']
    """
    out: dict[str, Any] = {}
    base = base.strip("/")
    for path, item in paths.items():
        if _under(path.strip("/"), base):
            out[seen_path(path, base)] = item
    return out


def mapping_call(domain: str, key: str, api_id: str, stage: str) -> "Call":
    from apigw_migrate.cutover.model import Call

    return Call("apigatewayv2", "create_api_mapping", {"DomainName": domain, "ApiMappingKey": key, "ApiId": api_id, "Stage": stage})


def delete_call(domain: str, key: str) -> "Call":
    from apigw_migrate.cutover.model import Call

    return Call("apigatewayv2", "delete_api_mapping", {"DomainName": domain, "ApiMappingId": {"lookup": "mapping_id", "key": key}})


def switch_call(domain: str, key: str, api_id: str, stage: str) -> "Call":
    """One call that repoints an existing mapping: the atomic switch of the root."""
    from apigw_migrate.cutover.model import Call

    return Call(
        "apigatewayv2",
        "update_api_mapping",
        {"DomainName": domain, "ApiMappingId": {"lookup": "mapping_id", "key": key}, "ApiMappingKey": key, "ApiId": api_id, "Stage": stage},
    )


def build(facts: Any, req: Any) -> Any:
    """Route groups → steps: each adds the mappings of its groups, the last switches the root mapping."""
    from apigw_migrate.cutover.model import Step
    from apigw_migrate.cutover.plan import Built, file_stem, shares_of

    domain = facts.domain_name
    rest_key = facts.rest_mapping_key or ""
    http_id, http_stage = facts.http.api_id, facts.http.stage
    groups = group_routes(facts.rest_routes, req.groups)
    bases = {name: (req.groups or {}).get(name, name) for name in groups}
    shares = shares_of(groups, facts.route_counts)
    movable = sorted((g for g in groups if g), key=lambda g: (shares[g], g))
    baseline = {"mappings": {m["key"]: {"api_id": m["api_id"], "stage": m["stage"]} for m in facts.mappings}}
    baseline["mappings"] = dict(sorted(baseline["mappings"].items()))
    stem = file_stem(req.out_name)

    settings_groups: dict[str, Any] = {}
    not_found: dict[str, list[str]] = {}
    misrouted: dict[str, dict[str, str]] = {}
    invalid: list[str] = []  # group definitions that would not import as they are
    files: dict[str, str] = {}
    for g in movable:
        key = join_key(rest_key, bases[g])
        target = req.group_apis.get(g, http_id)
        entry: dict[str, Any] = {"mapping": key, "api_id": target, "share": round(shares[g], 2), "routes": groups[g]}
        converted = reroot_definition(facts.rest_src, bases[g], http_stage)
        if converted is not None:
            entry["definition"] = f"{stem}.{g.replace('/', '-')}.http.yaml"
            files[entry["definition"]] = _yaml(converted.document)
            if converted.violations:
                invalid.append(f"{entry['definition']} ({len(converted.violations)} problem(s), e.g. {converted.violations[0].message})")
        if g not in req.group_apis and facts.http_routes is not None:
            missing = routes_that_404(groups[g], bases[g], facts.http_routes)
            wrong = routes_misrouted(groups[g], bases[g], facts.http_routes)
            if missing or wrong:
                not_found[key] = missing
                misrouted[key] = wrong
        settings_groups[g] = entry
    if "" in groups:
        settings_groups[""] = {"mapping": rest_key, "api_id": http_id, "share": round(shares[""], 2), "routes": groups[""]}

    batches = _batches(movable, shares, req.steps)
    steps: list[Step] = []
    current = dict(baseline["mappings"])
    added: list[str] = []
    moved = 0.0
    for batch in batches:
        calls = []
        for g in batch:
            key = settings_groups[g]["mapping"]
            calls.append(mapping_call(domain, key, settings_groups[g]["api_id"], http_stage))
            current[key] = {"api_id": settings_groups[g]["api_id"], "stage": http_stage}
            added.append(key)
            moved += shares[g]
        names = ", ".join(batch)
        steps.append(Step(
            name=f"{names} to HTTP ({round(moved, 2):g}% of traffic moved)",
            share=round(moved, 2),
            groups=[g for b in batches[: len(steps) + 1] for g in b],
            calls=calls,
            verify={"mappings": dict(sorted(current.items()))},
            rollback=[delete_call(domain, k) for k in reversed(added)],
            bake=req.bake,
            comment=(
                f"Step {len(steps) + 1}: map {', '.join(repr(settings_groups[g]['mapping']) for g in batch)} to the HTTP API; "
                f"{names} carried {round(sum(shares[g] for g in batch), 2):g}% of requests, {round(moved, 2):g}% moved so far. "
                "The mapping strips its base path, so the HTTP API sees these routes re-rooted."
            ),
        ))
    final = dict(baseline["mappings"])
    final[rest_key] = {"api_id": http_id, "stage": http_stage}
    steps.append(Step(
        name="switch the root mapping to HTTP (100% of traffic moved)",
        share=100.0,
        groups=[*movable, *([""] if "" in groups else [])],
        calls=[switch_call(domain, rest_key, http_id, http_stage), *[delete_call(domain, k) for k in added]],
        verify={"mappings": dict(sorted(final.items()))},
        rollback=[switch_call(domain, rest_key, facts.rest.api_id, facts.rest.stage)],
        bake=req.bake,
        comment=(
            f"Step {len(steps) + 1}: one update_api_mapping points {rest_key or '(root)'!r} at the HTTP API, then the group "
            "mappings go (the root now serves their routes with full paths). Rollback points the root back at REST."
        ),
    ))
    counts = {"cloudwatch": "Group shares come from CloudWatch per-resource Count (last 14 days)",
              "access-logs": "Group shares come from the access logs' route counts",
              "equal": "Group shares are equal: there are no per-route counts (turn on detailed metrics, or pass --route-counts)"}
    return Built(
        baseline=baseline,
        steps=steps,
        settings={"rest_mapping": rest_key, "shares_from": facts.counts_from, "groups": settings_groups},
        files=files,
        notes=[f"{counts[facts.counts_from]}; the lightest groups move first.",
               *(f"Fix before deploying: {item} fails HTTP API import validation." for item in invalid)],
        moved_routes=facts.rest_routes,
        not_found=not_found,
        misrouted=misrouted,
    )


def _batches(movable: list[str], shares: dict[str, float], targets: list[float] | None) -> list[list[str]]:
    """One group per step, or with --steps, as many groups as reach each cumulative target.

    >>> _batches(["a", "b", "c"], {"a": 5, "b": 20, "c": 30}, [10, 100])
    [['a', 'b'], ['c']]
    """
    if not targets:
        return [[g] for g in movable]
    out: list[list[str]] = []
    batch: list[str] = []
    moved = 0.0
    pending = [t for t in targets if t < 100]
    for g in movable:
        batch.append(g)
        moved += shares[g]
        if pending and moved >= pending[0]:
            out.append(batch)
            batch = []
            while pending and moved >= pending[0]:
                pending.pop(0)
    if batch:
        out.append(batch)
    return out


def reroot_definition(src: Any, base: str, stage: str) -> "ConvertResult | None":
    """The HTTP API definition for the routes under `base`, written as the API sees them once the mapping
    strips `base`: the REST definition's paths re-rooted, then converted by `convert` like any input."""
    from apigw_migrate.load import source_from_document
    from apigw_migrate.transforms import ConvertOptions, convert

    api = dict(src.api)
    api["paths"] = reroot_paths(src.api.get("paths") or {}, base)
    if not api["paths"]:
        return None
    api = without_unused_definitions(api)
    if src.kind == "bundle":
        document = {**src.document, "openapi": api}
    elif src.base_pointer == "":
        document = api
    else:  # a template: convert the definition alone
        document = api
    group_src = source_from_document(document, f"{src.path}#{base}")
    return convert(group_src, ConvertOptions(on_blocked="skip", stage_name=stage))


# Reusable definitions a group's routes may not need: OpenAPI 3.0 components, Swagger 2.0 sections.
# Security schemes stay (they are named in `security`, never referenced with $ref).
_PRUNABLE = ("/components/schemas", "/components/parameters", "/components/responses", "/components/requestBodies",
             "/components/headers", "/components/examples", "/components/links", "/components/callbacks",
             "/definitions", "/parameters", "/responses")


def without_unused_definitions(api: dict) -> dict:
    """`api` with only the reusable definitions its paths reach through local `$ref`s, transitively.

    Each group's definition then carries what its routes use, instead of every model of the API.

    >>> api = {"paths": {"/": {"get": {"$ref": "#/components/schemas/A"}}},
    ...        "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {}, "C": {}}}}
    >>> sorted(without_unused_definitions(api)["components"]["schemas"])
    ['A', 'B']
    >>> api["paths"]["/"]["get"] = {"$ref": "#/components/schemas/C/properties/x"}
    >>> sorted(without_unused_definitions(api)["components"]["schemas"])
    ['C']
    """
    from apigw_migrate import pointer as jp
    from apigw_migrate.refs import iter_refs

    used: set[str] = set()
    pending: list[Any] = [api.get("paths")]
    while pending:
        for _, ref in iter_refs(pending.pop()):
            target = ref[1:] if ref.startswith("#/") else None
            if target is None or target in used:
                continue
            used.update(jp.ancestors(target))  # a ref into a definition keeps the whole definition
            found = jp.resolve(api, target, None)
            if found is not None:
                pending.append(found)
    out = dict(api)
    for section in _PRUNABLE:
        container = jp.resolve(out, section, None)
        if not isinstance(container, dict):
            continue
        kept = {name: item for name, item in container.items() if jp.join(section, name) in used}
        parent, key = jp.parent(section), jp.split(section)[-1]
        holder = out if parent == "" else dict(jp.resolve(out, parent))
        holder[key] = kept
        if parent:
            out[jp.split(parent)[0]] = holder
    return out


def _yaml(document: dict) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(document, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)
