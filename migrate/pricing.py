"""API Gateway request and cache prices: one price list, shipped as package data, and exact tiered costs.

The prices live in `data/prices.toml` with the date they were taken, their Region and the page
they come from; the report names that list beside every amount. Costs are computed with
`Decimal` over whole requests, so a tier boundary costs exactly what the pricing page says
(333 million REST requests are 333 × $3.50, the next request is billed at $2.80).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

MILLION = Decimal(1_000_000)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Tier:
    up_to: int | None  # running total of requests where the tier ends; None: no end
    usd_per_million: Decimal


@dataclass(frozen=True)
class PriceList:
    name: str
    region: str
    date: str
    currency: str
    source: str
    hours_per_month: int
    rest_tiers: tuple[Tier, ...]
    http_tiers: tuple[Tier, ...]
    http_increment_kb: int
    cache_usd_per_hour: dict[str, Decimal]  # cacheClusterSize ("0.5", "237") → hourly price

    @property
    def label(self) -> str:
        return f"{self.name}, prices of {self.date} ({self.source})"

    def rest_cost(self, requests: int) -> Decimal:
        """Monthly cost of `requests` REST API requests, tier by tier."""
        return tiered_cost(requests, self.rest_tiers)

    def http_cost(self, requests: int, average_request_kb: float | None = None) -> Decimal:
        """Monthly cost of `requests` HTTP API requests of `average_request_kb` on average."""
        return tiered_cost(self.http_metered(requests, average_request_kb), self.http_tiers)

    def http_metered(self, requests: int, average_request_kb: float | None = None) -> int:
        """Requests as HTTP APIs meter them: each started 512 KB counts as one request.

        With only an average size this treats every request as average-sized, so it is exact
        for uniform traffic and an estimate otherwise.
        """
        if not average_request_kb or average_request_kb <= self.http_increment_kb:
            return requests
        return requests * math.ceil(average_request_kb / self.http_increment_kb)

    def cache_hourly(self, size: str) -> Decimal | None:
        """The hourly price of a REST cache cluster of `size` GB, None when this list has none."""
        return self.cache_usd_per_hour.get(normalize_size(size))

    def cache_monthly(self, size: str) -> Decimal | None:
        hourly = self.cache_hourly(size)
        return None if hourly is None else hourly * self.hours_per_month


def tiered_cost(requests: int, tiers: tuple[Tier, ...]) -> Decimal:
    """The cost of `requests` over consecutive tiers, each billing the requests that fall in it.

    >>> tiered_cost(12_000_000, (Tier(10_000_000, Decimal("2")), Tier(None, Decimal("1"))))
    Decimal('22')
    """
    if requests < 0:
        raise ValueError("a request count cannot be negative")
    total = Decimal(0)
    start = 0
    for tier in tiers:
        end = requests if tier.up_to is None else min(requests, tier.up_to)
        if end > start:
            total += Decimal(end - start) * tier.usd_per_million / MILLION
        if tier.up_to is None or requests <= tier.up_to:
            break
        start = tier.up_to
    return total


def normalize_size(size: str | float) -> str:
    """`cacheClusterSize` as AWS spells it ("0.5", "237"), from "237.0", 237 or 0.5 alike."""
    value = Decimal(str(size))
    return format(value.normalize(), "f")


def money(amount: Decimal) -> str:
    """`$1,234.57`: rounded half-up to the cent for display only."""
    from decimal import ROUND_HALF_UP

    return f"${amount.quantize(CENT, rounding=ROUND_HALF_UP):,}"


@lru_cache(maxsize=1)
def default_prices() -> PriceList:
    text = resources.files("apigw_migrate").joinpath("data/prices.toml").read_text(encoding="utf-8")
    return parse_prices(tomllib.loads(text))


def parse_prices(data: dict) -> PriceList:
    def tiers(raw: list[dict]) -> tuple[Tier, ...]:
        out = tuple(Tier(t.get("up_to"), Decimal(t["usd_per_million"])) for t in raw)
        bounds = [t.up_to for t in out[:-1]]
        # Consecutive, increasing boundaries and an open last tier: anything else is a typo in the file.
        if out[-1].up_to is not None or None in bounds or bounds != sorted(set(bounds)):
            raise ValueError("price tiers must have increasing `up_to` values and an open last tier")
        return out

    return PriceList(
        name=data["name"],
        region=data["region"],
        date=str(data["date"]),
        currency=data["currency"],
        source=data["source"],
        hours_per_month=int(data["hours_per_month"]),
        rest_tiers=tiers(data["rest"]["tiers"]),
        http_tiers=tiers(data["http"]["tiers"]),
        http_increment_kb=int(data["http"]["metering_increment_kb"]),
        cache_usd_per_hour={normalize_size(k): Decimal(v) for k, v in data["rest"]["cache_usd_per_hour"].items()},
    )
