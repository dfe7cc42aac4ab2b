"""Shared test configuration: Hypothesis profiles and small scenarios worked by hand."""

from __future__ import annotations

import os
import tempfile

import pytest
from hypothesis import HealthCheck, settings

from computemarket.scenario import Scenario

# "default" runs in CI; "thorough" (HYPOTHESIS_PROFILE=thorough) explores many more cases.
settings.register_profile(
    "default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Equilibrium solutions go to a cache of this test run's own (subprocesses inherit it),
# never to the user's, so every run starts cold and leaves the user's cache alone.
os.environ["COMPUTEMARKET_CACHE"] = tempfile.mkdtemp(prefix="computemarket-cache-")


def small_scenario(**overrides) -> Scenario:
    """A deterministic one-provider market: constant demand of 1 GW, price 11.

    Constant demand (no growth, no volatility, no safety margin), one provider ``solo``
    with cost 10 and markup 0.1, no cost or lead-time spread (a one-month build), a
    ceiling of 10 GW, tenders every 3 months for capacity 2 months ahead, 12-month terms
    and a 12-month horizon.
    """
    data = {
        "name": "small",
        "start": "2030-01",
        "horizon_months": 12,
        "demand": {
            "initial_gw": 1.0,
            "growth_initial": 0.0,
            "growth_long_run": 0.0,
            "volatility": 0.0,
        },
        "buyer": {
            "tender_every_months": 3,
            "lead_months": 2,
            "term_months": 12,
            "safety_margin": 0.0,
            "reserve_price": 20.0,
            "value_of_unmet": 30.0,
            "discount_rate": 0.0,
        },
        "contract": {"rule": "open", "holder": None, "window_months": 0},
        "providers": [
            {
                "name": "solo",
                "base_cost": 10.0,
                "cost_spread": 0.0,
                "markup": 0.1,
                "lead_time_months": 1.0,
                "lead_time_spread": 0.0,
                "capacity": [{"date": "2030-01", "gw": 10.0}],
            }
        ],
    }
    for path, value in overrides.items():
        node = data
        *head, last = path.split(".")
        for part in head:
            node = node[part]
        node[last] = value
    return Scenario.from_dict(data)


def two_providers(rule: str, window: int) -> Scenario:
    """Holder 'azure' with no headroom at all; outsider 'oracle' builds in two months."""
    sc = small_scenario(**{"buyer.lead_months": 3, "horizon_months": 12})
    data = sc.to_dict()
    data["contract"] = {"rule": rule, "holder": "azure", "window_months": window}
    outsider = dict(data["providers"][0], name="oracle", lead_time_months=2.0)
    holder = dict(data["providers"][0], name="azure", capacity=[{"date": "2030-01", "gw": 0.0}])
    data["providers"] = [holder, outsider]
    return Scenario.from_dict(data)


@pytest.fixture
def small() -> Scenario:
    return small_scenario()
