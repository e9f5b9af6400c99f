"""The price list and the exact tiered costs: every tier boundary, the 512 KB metering, cache hours."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apigw_migrate.pricing import Tier, default_prices, money, normalize_size, parse_prices, tiered_cost

M = 1_000_000


@pytest.fixture(scope="module")
def prices():
    return default_prices()


def test_price_list_names_its_date_region_and_source(prices):
    assert prices.region == "us-east-1"
    assert prices.source == "https://aws.amazon.com/api-gateway/pricing/"
    assert len(prices.date) == 10 and prices.date.startswith("20")
    assert prices.currency == "USD"
    assert prices.date in prices.label and prices.source in prices.label


@pytest.mark.parametrize(
    ("requests", "expected"),
    [
        (0, "0"),
        (1, "0.0000035"),
        (M, "3.50"),
        (333 * M, "1165.50"),  # the whole first tier at $3.50
        (333 * M + 1, "1165.5000028"),  # the next request is billed at $2.80
        (1_000 * M, "3033.10"),  # + 667 million at $2.80
        (1_000 * M + 1, "3033.10000238"),  # then $2.38
        (20_000 * M, "48253.10"),  # + 19 billion at $2.38
        (20_000 * M + 1, "48253.10000151"),  # above 20 billion: $1.51
        (21_000 * M, "49763.10"),
    ],
)
def test_rest_tiers_are_exact_at_every_boundary(prices, requests, expected):
    assert prices.rest_cost(requests) == Decimal(expected)


@pytest.mark.parametrize(
    ("requests", "expected"),
    [
        (0, "0"),
        (300 * M, "300.00"),
        (300 * M + 1, "300.0000009"),
        (432 * M, "418.80"),  # 300 million at $1.00 + 132 million at $0.90
    ],
)
def test_http_tiers_are_exact_at_the_boundary(prices, requests, expected):
    assert prices.http_cost(requests) == Decimal(expected)


@pytest.mark.parametrize(
    ("kb", "metered_per_request"),
    [(None, 1), (1, 1), (512, 1), (512.5, 2), (513, 2), (1024, 2), (1025, 3)],
)
def test_http_requests_are_metered_in_512_kb_increments(prices, kb, metered_per_request):
    assert prices.http_metered(10, kb) == 10 * metered_per_request
    assert prices.http_cost(M, kb) == Decimal(metered_per_request)


def test_metering_can_push_requests_into_the_next_tier(prices):
    # 200 million requests of 600 KB are metered as 400 million: 300 at $1.00, 100 at $0.90.
    assert prices.http_cost(200 * M, 600) == Decimal("390.00")


def test_cache_prices_per_month_from_the_hourly_rate(prices):
    assert prices.cache_monthly("0.5") == Decimal("0.020") * 730
    assert prices.cache_monthly("237") == Decimal("3.80") * 730
    assert prices.cache_monthly("237.0") == prices.cache_monthly("237")


def test_cache_sizes_not_confirmed_have_no_price(prices):
    # Only the two confirmed sizes are listed (see data/prices.toml): no guessed amount for the others.
    assert prices.cache_hourly("6.1") is None
    assert prices.cache_monthly("118") is None


def test_normalize_size_spells_sizes_as_aws_does():
    assert [normalize_size(s) for s in ("0.5", 0.5, "237", 237.0, "13.50")] == ["0.5", "0.5", "237", "237", "13.5"]


def test_money_rounds_half_up_for_display_only():
    assert money(Decimal("1165.5000028")) == "$1,165.50"
    assert money(Decimal("0.005")) == "$0.01"


def test_tiered_cost_refuses_negative_counts():
    with pytest.raises(ValueError):
        tiered_cost(-1, (Tier(None, Decimal(1)),))


def test_price_file_with_unordered_or_closed_tiers_is_refused():
    base = {
        "name": "x", "region": "r", "date": "2026-01-01", "currency": "USD", "source": "s", "hours_per_month": 730,
        "http": {"metering_increment_kb": 512, "tiers": [{"usd_per_million": "1"}]},
        "rest": {"cache_usd_per_hour": {}, "tiers": [{"up_to": 10, "usd_per_million": "2"}, {"up_to": 5, "usd_per_million": "1"}, {"usd_per_million": "1"}]},
    }
    with pytest.raises(ValueError):
        parse_prices(base)
    base["rest"]["tiers"] = [{"up_to": 10, "usd_per_million": "2"}]
    with pytest.raises(ValueError):
        parse_prices(base)
