"""The buyer's demand forecast: the scenario's model, one fitted to given paths, or yours.

The buyer sizes each tender as ``demand now x forecast_factor[month]`` less what is
covered (:meth:`~computemarket.market.ledger.Ledger.tender_quantity`), where the factor
is its expected growth of demand over the lead time times ``1 + safety_margin``. Three
forecasters give that factor (:func:`forecast_factor`):

``"model"``
    The scenario's own demand process: ``E[D(t + L) | D(t)] / D(t)`` of its lognormal
    growth (:func:`computemarket.market.plan.make_plan`).
``"paths"``
    Fitted to demand paths the user gives: the mean over paths of ``D(t + L) / D(t)``,
    the forecast of a buyer who knows the distribution the paths are drawn from. The
    default when demand paths are given, so that a flat or saturating demand is not
    forecast to grow as the scenario's would.
an array of shape ``(T,)``
    Your own factor for each month (growth over the lead time, before the margin).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from computemarket.errors import InputError
from computemarket.market.plan import Plan

__all__ = ["FORECASTS", "fitted_growth", "forecast_factor", "with_forecast"]

#: Forecasters known by name.
FORECASTS = ("model", "paths")

#: Largest growth factor over the lead time accepted from a user's forecast.
MOST_GROWTH = 1e6


def fitted_growth(plan: Plan, demand: np.ndarray) -> np.ndarray:
    """Mean growth of the paths ``demand`` over the lead time, from each month.

    Parameters
    ----------
    plan : Plan
    demand : ndarray, shape (n, T)

    Returns
    -------
    ndarray, shape (T,)
        ``mean_paths D(t + L) / D(t)`` over paths with ``D(t) > 0`` (1 where none has
        demand, or where ``t + L`` is past the horizon; no tender is issued there).

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> flat = np.full((3, plan.months), 0.8)
    >>> bool((fitted_growth(plan, flat) == 1.0).all())
    True
    """
    lead = int(plan.tender_start[0] - plan.tender_month[0]) if plan.n_tenders else 0
    growth = np.ones(plan.months)
    if lead <= 0 or lead >= plan.months:
        return growth
    now, later = demand[:, :-lead], demand[:, lead:]
    positive = now > 0.0
    ratio = np.divide(later, now, out=np.zeros_like(now), where=positive)
    counted = positive.sum(axis=0)
    mean = np.divide(ratio.sum(axis=0), counted, out=np.ones(now.shape[1]), where=counted > 0)
    growth[: now.shape[1]] = mean
    return growth


def forecast_factor(
    plan: Plan, forecast: object, demand: np.ndarray | None, margin: float
) -> np.ndarray | None:
    """The tender factor of a forecaster, or None to keep the scenario's model.

    Parameters
    ----------
    plan : Plan
    forecast : None, "model", "paths" or array-like of shape (T,)
        None is ``"paths"`` with demand paths and ``"model"`` without.
    demand : ndarray of shape (n, T), optional
        The user's demand paths.
    margin : float
        The buyer's safety margin.

    Raises
    ------
    InputError
        For an unknown forecaster, ``"paths"`` without demand paths, or a factor array of
        the wrong shape or with values that are not finite and positive.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> forecast_factor(plan, None, None, 0.1) is None
    True
    >>> float(forecast_factor(plan, np.ones(plan.months), None, 0.1)[0])
    1.1
    """
    if forecast is None:
        forecast = "model" if demand is None else "paths"
    if isinstance(forecast, str):
        if forecast not in FORECASTS:
            raise InputError(
                "forecast", forecast, f"must be one of {list(FORECASTS)} or an array of factors"
            )
        if forecast == "model":
            return None
        if demand is None:
            raise InputError("forecast", forecast, "'paths' needs demand paths (demand=)")
        return fitted_growth(plan, demand) * (1.0 + margin)
    try:
        growth = np.asarray(forecast, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            "forecast", type(forecast).__name__, "must be a name or an array of numbers"
        ) from None
    if growth.shape != (plan.months,):
        raise InputError(
            "forecast",
            f"array of shape {growth.shape}",
            f"must have shape ({plan.months},): one growth factor per month",
        )
    bad = ~np.isfinite(growth) | (growth <= 0) | (growth > MOST_GROWTH)
    if bad.any():
        month = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"forecast[{month}]",
            float(growth[month]),
            f"must be finite, > 0 and at most {MOST_GROWTH:g}",
        )
    return growth * (1.0 + margin)


def with_forecast(plan: Plan, factor: np.ndarray | None) -> Plan:
    """``plan`` with the buyer's tender factor replaced (unchanged for None).

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> with_forecast(plan, None) is plan
    True
    """
    return plan if factor is None else replace(plan, forecast_factor=factor)
