"""One module per way of moving traffic: `path` (API mappings), `cloudfront` (a stored percentage), `route53` (weights).

Each exposes `read_state(clients, plan) -> dict`, the live state in the shape the plan records as
`baseline` and each step's `verify`, so plan, run and status compare like with like.
"""

from __future__ import annotations

from types import ModuleType

from apigw_migrate.cutover.strategies import cloudfront, path, route53

STRATEGIES: dict[str, ModuleType] = {"path": path, "cloudfront": cloudfront, "route53": route53}


def module(strategy: str) -> ModuleType:
    """The strategy module for a plan's `strategy` value."""
    return STRATEGIES[strategy]
