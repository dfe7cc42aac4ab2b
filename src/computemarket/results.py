"""Label raw engine output once, as an :class:`xarray.Dataset` with units.

:func:`build_dataset` is the only place that names variables, dimensions and units; both
engines feed it the same :class:`~computemarket.records.Records`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import numpy as np
import xarray as xr

from computemarket.bidding import rule_bids
from computemarket.records import Records
from computemarket.scenario import RULES, Scenario

__all__ = ["VARIABLES", "build_dataset", "package_version"]

_GW = "GW"
_PRICE = "$B/GW-year"

#: Every variable of a results dataset: (dimensions, units, long name).
VARIABLES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "demand": (("path", "time"), _GW, "compute demanded by the buyer"),
    "capacity": (("path", "time", "provider"), _GW, "capacity built and available to the buyer"),
    "capacity_ceiling": (("time", "provider"), _GW, "most capacity a provider can commit"),
    "contracted": (("path", "time", "provider"), _GW, "capacity under contracts in force"),
    "delivered": (("path", "time", "provider"), _GW, "contracted capacity delivered"),
    "served": (("path", "time"), _GW, "demand served by delivered capacity"),
    "shortfall": (("path", "time"), _GW, "demand not served"),
    "spend": (("path", "time", "provider"), "$B", "buyer's payment in the month"),
    "supply_cost": (
        ("path", "time", "provider"),
        "$B",
        "provider's cost of the capacity it delivered in the month",
    ),
    "price": (
        ("path", "time", "provider"),
        _PRICE,
        "average price of capacity delivered in the month (NaN where none is delivered)",
    ),
    "tender_quantity": (("path", "tender"), _GW, "capacity tendered"),
    "best_outside_price": (
        ("path", "tender"),
        _PRICE,
        "outside offer shown to the holder: lowest acceptable outside quote, or the outside "
        "clearing price under second_price (NaN if none or not rofr)",
    ),
    "holder_matched": (
        ("path", "tender"),
        _GW,
        "capacity the holder took through its right (match under rofr, first offer under rofo)",
    ),
    "acceptance_threshold": (
        ("tender",),
        _PRICE,
        "highest first offer the buyer accepts from the holder under rofo (NaN otherwise)",
    ),
    "award": (("path", "tender", "provider"), _GW, "capacity awarded"),
    "award_price": (
        ("path", "tender", "provider"),
        _PRICE,
        "price of the award (NaN where nothing is awarded)",
    ),
    "construction": (("path", "tender", "provider"), _GW, "new capacity ordered for the award"),
    "headroom": (
        ("path", "tender", "provider"),
        _GW,
        "capacity the provider could still commit at the contract's start, when decided",
    ),
    "cost": (("path", "tender", "provider"), _PRICE, "provider's cost for the tender"),
    "bid": (("path", "tender", "provider"), _PRICE, "provider's quote for the tender"),
    "lead_time": (
        ("path", "tender", "provider"),
        "months",
        "construction lead time if the provider builds for the tender",
    ),
}


def package_version() -> str:
    """The installed version of computemarket."""
    try:
        return version("computemarket")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def build_dataset(scenario: Scenario, records: Records, *, seed: int, engine: str) -> xr.Dataset:
    """Label an engine's records as a results dataset.

    Parameters
    ----------
    scenario : Scenario
        The scenario simulated; its TOML text is stored in the attributes.
    records : Records
    seed : int
    engine : str
        Name of the engine that produced the records.

    Returns
    -------
    xarray.Dataset
        Coordinates ``path``, ``time``, ``provider`` and ``tender`` (with the tender's
        ``issued``, ``start``, ``decided`` months and ``rule``); the variables of
        :data:`VARIABLES`, each with ``units`` and ``long_name``.
    """
    plan = records.plan
    arrays = dict(records.arrays)
    arrays["capacity_ceiling"] = plan.ceiling.T
    arrays["acceptance_threshold"] = records.threshold
    delivered = arrays["delivered"]
    arrays["price"] = np.divide(
        arrays["spend"] * 12.0,
        delivered,
        out=np.full_like(delivered, np.nan),
        where=delivered > 0.0,
    )
    data_vars = {
        name: xr.Variable(_stored(dims), arrays[name], {"units": units, "long_name": long_name})
        for name, (dims, units, long_name) in VARIABLES.items()
    }
    month = plan.dates
    coords = {
        "path": (
            "path",
            records.first_path + np.arange(records.paths),
            {"long_name": "path index"},
        ),
        "time": ("time", month, {"long_name": "month"}),
        "provider": ("provider", np.array(plan.providers, dtype=object)),
        "tender": ("tender", np.arange(plan.n_tenders), {"long_name": "tender index"}),
        "tender_issued": ("tender", _month_date(plan, plan.tender_month)),
        "tender_start": ("tender", _month_date(plan, plan.tender_start)),
        "tender_decided": ("tender", _month_date(plan, plan.tender_decision)),
        "tender_rule": ("tender", np.array([RULES[r] for r in plan.tender_rule], dtype=object)),
    }
    attrs = {
        "title": f"computemarket results: {scenario.name}",
        "scenario_name": scenario.name,
        "scenario_hash": scenario.content_hash,
        "scenario": scenario.to_toml(),
        "seed": int(seed),
        "engine": engine,
        "holder": scenario.contract.holder or "",
        "discount_rate": scenario.buyer.discount_rate,
        "value_of_unmet": scenario.buyer.value_of_unmet,
        "computemarket_version": package_version(),
    }
    if plan.bidding_mode == "strategic":
        # The largest gain any provider could make by deviating from its strategic bid,
        # over the rules in force ($B per GW-year; see docs/economics.md).
        epsilons = [rule_bids(plan, int(r)).epsilon for r in np.unique(plan.tender_rule)]
        attrs["strategic_epsilon"] = float(max(epsilons, default=0.0))
    dataset = xr.Dataset(data_vars, coords=coords, attrs=attrs)
    return dataset.transpose("path", "time", "tender", "provider")


def _stored(dims: tuple[str, ...]) -> tuple[str, ...]:
    """Dimensions in the order records store them: the path axis last."""
    return (*[d for d in dims if d != "path"], "path") if "path" in dims else dims


def _month_date(plan, months: np.ndarray) -> np.ndarray:
    first = plan.dates[0].astype("datetime64[M]")
    return (first + months).astype("datetime64[D]").astype("datetime64[ns]")
