"""The plan: plain dataclasses shared by `plan` (writes), `run` (executes) and `report`/`status` (read).

The YAML shape is documented in docs/plan.md and enforced by schemas/plan.schema.json; `to_dict` and
`from_dict` convert between the two without losing a field, so a plan read and written again is equal.

A call parameter whose value only exists at run time (an ApiMappingId, a KeyValueStore ETag, a
CloudFormation output) is written as a *lookup* instead of a guess, and `run` resolves it just before
the call by reading live state (`LOOKUPS` lists the kinds):

    {lookup: mapping_id, key: orders}                   the ApiMappingId of mapping key "orders" ("" = root)
    {lookup: kvs_etag}                                  the KeyValueStore's current ETag (describe_key_value_store)
    {lookup: stack_output, stack: NAME, output: KEY}    an output of a deployed CloudFormation stack

A lookup may also stand for a value in `baseline` or a step's `verify` (the cloudfront strategy's
`kvs_arn`, the distribution's hostname): resolve it the same way, then compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Protocol

PLAN_VERSION = 1
STRATEGY_NAMES = ("path", "cloudfront", "route53")
LOOKUPS = ("mapping_id", "kvs_etag", "stack_output")


class ClientSource(Protocol):
    """Anything that hands out boto3 clients per service and Region (`apigw_migrate.aws.AwsContext` does)."""

    def client(self, service: str, region: str | None = None) -> Any: ...


@dataclass
class Call:
    """One AWS call: boto3 client name, snake_case operation, botocore field names as parameters."""

    service: str
    operation: str
    params: dict[str, Any] = field(default_factory=dict)
    region: str | None = None  # None: the region of the side the call acts on (domain's, unless stated)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"service": self.service, "operation": self.operation, "params": self.params}
        if self.region:
            out["region"] = self.region
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Call":
        return cls(data["service"], data["operation"], dict(data.get("params") or {}), data.get("region"))


def lookups(value: Any) -> list[dict[str, Any]]:
    """Every lookup placeholder inside a call's parameters, in document order.

    >>> lookups({"ApiMappingId": {"lookup": "mapping_id", "key": ""}, "Stage": "prod"})
    [{'lookup': 'mapping_id', 'key': ''}]
    """
    if isinstance(value, dict):
        if "lookup" in value and isinstance(value["lookup"], str):
            return [value]
        return [x for v in value.values() for x in lookups(v)]
    if isinstance(value, list):
        return [x for v in value for x in lookups(v)]
    return []


@dataclass
class Parity:
    """Sample requests sent to both APIs before traffic moves; their answers must agree."""

    requests: str  # file of samples (method, path, headers, body), relative to the plan file
    compare_headers: list[str] = field(default_factory=lambda: ["content-type"])
    ignore: list[str] = field(default_factory=list)  # DeepDiff exclude paths, e.g. "root['timestamp']"


@dataclass
class Gates:
    """What a step's bake must show before the next step; `run` evaluates, the plan only defines.

    Rates are HTTP errors / HTTP Count over `window`; ratios compare the HTTP value with REST's over
    the same window (a ratio is skipped while REST's value is 0, leaving the ceiling). Fewer than
    `min_requests` requests on either side is an *insufficient* verdict, never a pass.
    """

    window: int = 300
    min_requests: int = 100
    max_5xx_rate: float = 0.01
    max_5xx_ratio: float = 1.5
    max_4xx_rate: float = 0.05
    max_4xx_ratio: float = 1.5
    max_p99_ms: float = 1500
    max_p99_ratio: float = 1.3
    max_avg_latency_ratio: float = 1.3
    alarms: list[str] = field(default_factory=list)
    parity: Parity | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "parity"}
        out["alarms"] = list(self.alarms)
        out["parity"] = None if self.parity is None else {
            "requests": self.parity.requests,
            "compare_headers": list(self.parity.compare_headers),
            "ignore": list(self.parity.ignore),
        }
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: "Gates | None" = None) -> "Gates":
        """Gates from a mapping; keys it lacks come from `base` (the plan's defaults for a step's override)."""
        start = (base or cls()).to_dict()
        start.update({k: v for k, v in data.items() if k != "parity"})
        parity = data.get("parity", start["parity"])
        start.pop("parity")
        gates = cls(**start)
        gates.alarms = list(gates.alarms)
        if parity is not None:
            gates.parity = Parity(
                parity["requests"], list(parity.get("compare_headers", ["content-type"])), list(parity.get("ignore", []))
            )
        return gates


@dataclass
class Domain:
    name: str
    region: str
    endpoint_type: str = "REGIONAL"  # REGIONAL | EDGE
    security_policy: str = "TLS_1_2"


@dataclass
class ApiRef:
    api_id: str
    stage: str
    region: str
    api_name: str = ""


@dataclass
class PreflightResult:
    """One preflight finding as the plan records it (rule id, severity, what is wrong, how to fix it)."""

    rule: str
    severity: str  # blocker | warning | info
    message: str
    fix: str = ""


@dataclass
class Step:
    """One forward move: its calls, what the read-back must show, how to undo it, how long to watch it."""

    name: str
    share: float  # cumulative percentage of traffic on HTTP after this step
    calls: list[Call] = field(default_factory=list)
    verify: dict[str, Any] = field(default_factory=dict)  # same shape as Plan.baseline
    rollback: list[Call] = field(default_factory=list)  # from this step's state back to the baseline
    bake: int = 600  # seconds
    groups: list[str] = field(default_factory=list)  # path strategy: route groups moved so far
    gates: Gates | None = None  # None: the plan's gates
    comment: str = ""  # written above the step in the YAML; kept on round trip

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "share": self.share}
        if self.groups:
            out["groups"] = list(self.groups)
        out["calls"] = [c.to_dict() for c in self.calls]
        out["verify"] = self.verify
        out["rollback"] = [c.to_dict() for c in self.rollback]
        out["bake"] = self.bake
        if self.gates is not None:
            out["gates"] = self.gates.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], plan_gates: Gates | None = None) -> "Step":
        return cls(
            name=data["name"],
            share=float(data["share"]),
            calls=[Call.from_dict(c) for c in data.get("calls") or []],
            verify=dict(data.get("verify") or {}),
            rollback=[Call.from_dict(c) for c in data.get("rollback") or []],
            bake=int(data.get("bake", 600)),
            groups=list(data.get("groups") or []),
            gates=None if data.get("gates") is None else Gates.from_dict(data["gates"], plan_gates),
        )

    def effective_gates(self, plan: "Plan") -> Gates:
        return self.gates if self.gates is not None else plan.gates


@dataclass
class Plan:
    strategy: str  # path | cloudfront | route53
    why: str
    domain: Domain
    rest: ApiRef
    http: ApiRef
    baseline: dict[str, Any]  # the live state planned against, in the strategy's state shape
    steps: list[Step]
    gates: Gates = field(default_factory=Gates)
    preflight: list[PreflightResult] = field(default_factory=list)
    forced: bool = False
    # Strategy settings run needs besides the calls: path → {groups: {name: {mapping, routes, share,
    # definition}}}; cloudfront → {stack, kvs_name, client_key, template, function}; route53 →
    # {hosted_zone_id, record, rest_set, http_set}.
    settings: dict[str, Any] = field(default_factory=dict)
    plan_version: int = PLAN_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_version": self.plan_version,
            "strategy": self.strategy,
            "why": self.why,
            "domain": _plain(self.domain),
            "rest": _plain(self.rest),
            "http": _plain(self.http),
            "baseline": self.baseline,
            "settings": self.settings,
            "preflight": [_plain(p) for p in self.preflight],
            "forced": self.forced,
            "gates": self.gates.to_dict(),
            "steps": [s.to_dict() for s in self.steps],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Plan":
        gates = Gates.from_dict(data.get("gates") or {})
        return cls(
            plan_version=int(data["plan_version"]),
            strategy=data["strategy"],
            why=data.get("why", ""),
            domain=Domain(**data["domain"]),
            rest=ApiRef(**data["rest"]),
            http=ApiRef(**data["http"]),
            baseline=dict(data.get("baseline") or {}),
            settings=dict(data.get("settings") or {}),
            preflight=[PreflightResult(**p) for p in data.get("preflight") or []],
            forced=bool(data.get("forced", False)),
            gates=gates,
            steps=[Step.from_dict(s, gates) for s in data.get("steps") or []],
        )

    @property
    def final_share(self) -> float:
        return self.steps[-1].share if self.steps else 0.0


def _plain(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}
