"""Label raw engine output once, as an :class:`xarray.Dataset` with units.

:func:`build_dataset` is the only place that turns records into a labelled dataset, with
the names, dimensions and units of :data:`~computemarket.results.variables.VARIABLES`;
every engine feeds it the same :class:`~computemarket.market.records.Records`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import numpy as np
import xarray as xr

from computemarket.market.bidding import GridBidding, grid_epsilon
from computemarket.market.equilibria import case_epsilons
from computemarket.market.plan import Plan
from computemarket.market.records import Records
from computemarket.market.states import REGIMES, regime
from computemarket.results.variables import VARIABLES
from computemarket.scenario import RULES, Scenario
from computemarket.scenario.registry import KINDS, lookup

__all__ = ["bidding_attrs", "build_dataset", "package_version"]


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
    # Path-last, as the records: (tender, provider, path) -> (tender * path, provider).
    headroom = np.moveaxis(records.arrays["headroom"], 1, 2)
    arrays["tender_state"] = regime(
        records.arrays["tender_quantity"].reshape(-1), headroom.reshape(-1, plan.n_providers)
    ).reshape(records.arrays["tender_quantity"].shape)
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
    # CF flags: the codes of the tender states (market.states.REGIMES).
    data_vars["tender_state"].attrs["flag_values"] = np.arange(len(REGIMES), dtype=np.int8)
    data_vars["tender_state"].attrs["flag_meanings"] = " ".join(
        r.replace(" ", "_") for r in REGIMES
    )
    month = plan.dates
    coords = {
        "path": (
            "path",
            records.first_path + np.arange(records.paths),
            {"long_name": "path index"},
        ),
        "time": ("time", month, {"long_name": "month", "standard_name": "time", "axis": "T"}),
        "provider": ("provider", np.array(plan.providers, dtype=object)),
        "bids_from": (
            "provider",
            np.asarray(plan.bids_from, dtype=np.int64),
            {"long_name": "first tender month the provider may bid in (-1: from the start)"},
        ),
        "term_months": (
            "provider",
            np.asarray(plan.provider_term, dtype=np.int64),
            {
                "long_name": "length of the contracts the provider signs in tenders",
                "units": "months",
            },
        ),
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
        "elsewhere_price": scenario.buyer.elsewhere_price,
        "elsewhere_gw": scenario.buyer.elsewhere_gw,
        "computemarket_version": package_version(),
    }
    attrs.update(bidding_attrs(plan))
    dataset = xr.Dataset(data_vars, coords=coords, attrs=attrs)
    return dataset.transpose("path", "time", "tender", "provider")


def bidding_attrs(plan: Plan) -> dict[str, float | str]:
    """How far a plan's strategic bids are from best responses: the results' attributes.

    Parameters
    ----------
    plan : Plan
        The plan of a scenario (:func:`~computemarket.market.plan.make_plan`).

    Returns
    -------
    dict
        Empty under cost-plus bids. Under strategic bids ``strategic_epsilon`` (the
        largest gain any provider could make by deviating, $B per GW-year), by capacity
        case ``strategic_epsilon_slack`` and ``strategic_epsilon_intermediate``, the
        rules whose intermediate tenders are not solved for
        (``strategic_unsolved_intermediate``), and ``strategic_epsilon_share`` (over the
        reserve price). A strategic plug-in on a grid gets the first and the last.

    Examples
    --------
    >>> from computemarket.market.plan import make_plan
    >>> from computemarket.scenario import load_scenario
    >>> bidding_attrs(make_plan(load_scenario("baseline")))
    {}
    """
    gains: dict[str, float | str] = {}
    if plan.bidding_mode == "strategic":
        # The largest gain any provider could make by deviating from its strategic bid,
        # over the rules in force, the tender states whose equilibrium is solved and every
        # type, the grid's and the tails' down to probability 1e-6 ($B per GW-year; see
        # docs/economics.md, Tender states in the market).
        cases = {int(r): case_epsilons(plan, int(r)) for r in np.unique(plan.tender_rule)}
        slack = [case["slack"] for case in cases.values()]
        middle = [case["intermediate"] for case in cases.values()]
        solved = [value for value in middle if value is not None]
        gains["strategic_epsilon"] = float(max(slack + solved, default=0.0))
        # By capacity case: where each taker could serve the tender, and in between (the
        # snapped states' games); rules whose intermediate tenders (some or all) keep
        # single-unit bids, unsolved there, are named.
        gains["strategic_epsilon_slack"] = float(max(slack, default=0.0))
        gains["strategic_epsilon_intermediate"] = float(max(solved, default=0.0))
        gains["strategic_unsolved_intermediate"] = ",".join(
            RULES[r] for r, case in cases.items() if case["unsolved"]
        )
    elif plan.bidding_mode not in KINDS["bidding"]:
        model = lookup("bidding", plan.bidding_mode)
        if isinstance(model, GridBidding):
            # The same deviation check, applied to a strategic plug-in's bids.
            gains["strategic_epsilon"] = grid_epsilon(model, plan)
    if "strategic_epsilon" in gains:
        # The same as a share of the reserve price, the scale of every price here.
        gains["strategic_epsilon_share"] = gains["strategic_epsilon"] / plan.reserve_price
    return gains


def _stored(dims: tuple[str, ...]) -> tuple[str, ...]:
    """Dimensions in the order records store them: the path axis last."""
    return (*[d for d in dims if d != "path"], "path") if "path" in dims else dims


def _month_date(plan, months: np.ndarray) -> np.ndarray:
    first = plan.dates[0].astype("datetime64[M]")
    return (first + months).astype("datetime64[D]").astype("datetime64[ns]")
