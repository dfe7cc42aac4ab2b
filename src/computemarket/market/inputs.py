"""Per-path inputs of a simulation: demand, costs, quotes and lead times.

:func:`prepare` turns a :class:`~computemarket.market.plan.Plan` and a batch of
:class:`~computemarket.market.draws.Draws` (or demand paths a user supplies) into the
:class:`MarketInputs` that both engines consume.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import ndtri

from computemarket.errors import InputError
from computemarket.market.draws import Draws
from computemarket.market.groups import groups, present_in
from computemarket.market.plan import Plan
from computemarket.market.quotes import quotes
from computemarket.scenario.sections import MOST_GW

__all__ = ["MarketInputs", "demand_paths", "prepare", "validate_demand"]


@dataclass(frozen=True, eq=False)
class MarketInputs:
    """Everything an engine needs for a batch of paths.

    Attributes
    ----------
    plan : Plan
    first_path : int
        Index of the batch's first path.
    demand : ndarray, shape (n, T)
        Demand (GW).
    cost : ndarray, shape (n, K, P)
        Each provider's cost for each tender ($B per GW-year).
    bid : ndarray, shape (n, K, P, S)
        Each provider's quote for each tender ($B per GW-year), in each tender state
        (:mod:`computemarket.market.states`; ``S = 1`` where quotes have no state).
    lead : ndarray of int, shape (n, K, P)
        Construction lead time (months, at least one) if the provider builds for a tender.
    threshold : ndarray, shape (K, S)
        Under ``rofo``, the highest first offer the buyer accepts from the holder, in each
        tender state; NaN for tenders under the other rules.
    """

    plan: Plan
    first_path: int
    demand: np.ndarray
    cost: np.ndarray
    bid: np.ndarray
    lead: np.ndarray
    threshold: np.ndarray

    @property
    def paths(self) -> int:
        """Number of paths in the batch."""
        return int(self.demand.shape[0])

    @cached_property
    def group(self) -> np.ndarray:
        """Each tender's group, shape (K, 3): its present providers where few (``groups``)."""
        plan = self.plan
        sets = present_in(plan)
        return groups(sets, plan.n_providers)


def demand_paths(plan: Plan, shocks: np.ndarray) -> np.ndarray:
    """Demand paths from standard normal shocks.

    ``log D[t + 1] = log D[t] + drift[t] + monthly_volatility * shock[t]``, from
    ``D[0] = initial_gw``, capped at ``plan.demand_ceiling`` in each month.

    Parameters
    ----------
    plan : Plan
    shocks : ndarray, shape (n, T - 1)

    Returns
    -------
    ndarray, shape (n, T)
    """
    steps = plan.drift[:-1] + plan.monthly_volatility * shocks
    log_growth = np.concatenate([np.zeros((shocks.shape[0], 1)), np.cumsum(steps, axis=1)], axis=1)
    # Overflow gives inf, which prepare() turns into a clear error naming the cause; under
    # a ceiling an overflowing path is capped at it instead (a volatile, bounded demand).
    with np.errstate(over="ignore"):
        uncapped = plan.initial_demand * np.exp(log_growth)
    # The buyer cannot finance more than demand.ceiling (inf where the scenario sets none).
    return np.minimum(uncapped, plan.demand_ceiling[: uncapped.shape[1]])


def _lead_times(plan: Plan, uniforms: np.ndarray) -> np.ndarray:
    months = plan.lead_median * np.exp(plan.lead_spread * ndtri(uniforms))
    return np.maximum(np.rint(months), 1).astype(np.int64)


def validate_demand(plan: Plan, demand: object, paths: int | None = None) -> np.ndarray:
    """Validate demand paths a user supplies.

    Parameters
    ----------
    plan : Plan
    demand : array-like or xarray.DataArray
        Shape ``(paths, T)`` (a DataArray with dims ``path`` and ``time`` in any order,
        and, if it has a datetime ``time`` coordinate, the scenario's months).
    paths : int, optional
        Number of paths expected, if fixed by the caller.

    Returns
    -------
    ndarray, shape (paths, T)

    Raises
    ------
    InputError
        Naming what is wrong: dims, shape, months, or the first negative or non-finite value.
    """
    try:
        import xarray as xr
    except ImportError:  # pragma: no cover - xarray is a dependency
        xr = None
    if xr is not None and isinstance(demand, xr.DataArray):
        if set(demand.dims) != {"path", "time"}:
            raise InputError(
                "demand", f"DataArray with dims {demand.dims}", "must have dims ('path', 'time')"
            )
        demand = demand.transpose("path", "time")
        if "time" in demand.coords and np.issubdtype(demand["time"].dtype, np.datetime64):
            given = demand["time"].values.astype("datetime64[M]")
            wanted = plan.dates.astype("datetime64[M]")
            if given.shape != wanted.shape or not np.array_equal(given, wanted):
                raise InputError(
                    "demand.time",
                    f"{given[0]} .. {given[-1]} ({given.size} months)",
                    f"must be the scenario's months {wanted[0]} .. {wanted[-1]}",
                )
        demand = demand.values
    try:
        given = np.asarray(demand)
    except (TypeError, ValueError):
        raise InputError("demand", type(demand).__name__, "must be real numbers (GW)") from None
    if given.dtype.kind in "cmMSUV":  # complex, times, text, raw bytes: no GW there
        raise InputError("demand", f"array of {given.dtype}", "must be real numbers (GW)")
    try:
        values = given.astype(float)
    except (TypeError, ValueError):
        raise InputError("demand", f"array of {given.dtype}", "must be real numbers (GW)") from None
    if values.ndim != 2 or values.shape[1] != plan.months:
        raise InputError(
            "demand",
            f"array of shape {values.shape}",
            f"must have shape (paths, {plan.months}): one row per path, one column per month",
        )
    if values.shape[0] == 0:
        raise InputError("demand", "array with no paths", "must hold at least one path")
    if paths is not None and paths != values.shape[0]:
        raise InputError(
            "paths", paths, f"must match the {values.shape[0]} demand paths given (or be omitted)"
        )
    bad = ~np.isfinite(values) | (values < 0) | (values > MOST_GW)
    if bad.any():
        path, month = (int(i) for i in np.argwhere(bad)[0])
        raise InputError(
            f"demand[{path}, {month}]",
            float(values[path, month]),
            f"must be finite, >= 0 and at most {MOST_GW:g} (GW)",
        )
    return values


def prepare(plan: Plan, draws: Draws, demand: object = None) -> MarketInputs:
    """Combine a plan and draws into the inputs of a batch of paths.

    Parameters
    ----------
    plan : Plan
    draws : Draws
    demand : array-like or xarray.DataArray, optional
        Demand paths of the user's own, shape ``(paths, T)`` in GW, replacing the scenario's
        demand process; must have as many paths as ``draws``.

    Returns
    -------
    MarketInputs

    Raises
    ------
    InputError
        If the demand paths are malformed or demand overflows.
    """
    if demand is None:
        values = demand_paths(plan, draws.demand)
        if not np.isfinite(values).all():
            raise InputError(
                "demand",
                "overflow",
                "grows beyond floating-point range: lower growth or volatility",
            )
    else:
        values = validate_demand(plan, demand, draws.paths)
    cost = plan.cost_at(draws.cost)
    bid, threshold = quotes(plan, cost)
    return MarketInputs(
        plan=plan,
        first_path=draws.first_path,
        demand=values,
        cost=cost,
        bid=bid,
        lead=_lead_times(plan, draws.lead),
        threshold=threshold,
    )
