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
a registered name
    A plug-in (:class:`Forecaster`, registered with :func:`register_forecaster`) whose
    ``growth(request)`` gives that array from a :class:`ForecastRequest`.

The scenario's ``buyer.forecast`` names the forecaster (``"auto"``: ``"paths"`` with
demand paths, else ``"model"``); ``simulate(forecast=...)`` overrides it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

import numpy as np

from computemarket.errors import InputError
from computemarket.market.plan import Plan
from computemarket.scenario.registry import lookup, register, registered

__all__ = [
    "ForecastRequest",
    "Forecaster",
    "fitted_growth",
    "forecast_factor",
    "register_forecaster",
    "with_forecast",
]


#: Largest growth factor over the lead time accepted from a user's forecast.
MOST_GROWTH = 1e6


@dataclass(frozen=True)
class ForecastRequest:
    """What a forecaster sees: the calendar, the lead time, and any demand paths given.

    Parameters
    ----------
    dates : ndarray of datetime64, shape (T,)
        The scenario's months.
    lead_months : int
        Months from a tender to its contract's start: the forecast's horizon.
    model_growth : ndarray, shape (T,)
        The scenario's own forecast of growth over the lead time (before the margin).
    demand : ndarray of shape (n, T), or None
        The user's demand paths, if any.

    Examples
    --------
    >>> request = ForecastRequest(np.arange("2025-01", "2025-04", dtype="datetime64[M]"),
    ...                           2, np.array([1.2, 1.2, 1.0]), None)
    >>> request.model_growth.tolist()
    [1.2, 1.2, 1.0]
    """

    dates: np.ndarray
    lead_months: int
    model_growth: np.ndarray
    demand: np.ndarray | None


@runtime_checkable
class Forecaster(Protocol):
    """What a forecasting plug-in provides: ``growth(request)``, one factor per month.

    Parameters
    ----------
    *args, **kwargs
        None: a protocol describes plug-ins and is not instantiated itself.

    Examples
    --------
    >>> class NoGrowth:
    ...     def growth(self, request):
    ...         return np.ones(request.dates.size)
    >>> isinstance(NoGrowth(), Forecaster)
    True
    """

    def growth(self, request: ForecastRequest) -> np.ndarray:
        """Expected growth of demand over the lead time from each month.

        Parameters
        ----------
        request : ForecastRequest
            The calendar, the lead time, the scenario's own forecast and any demand paths.

        Returns
        -------
        ndarray
            Shape ``(T,)``, finite and positive.

        Examples
        --------
        >>> class Doubling:
        ...     def growth(self, request):
        ...         return np.full(request.dates.size, 2.0)
        >>> isinstance(Doubling(), Forecaster)
        True
        """
        ...


def register_forecaster(name: str, forecaster: Forecaster) -> Forecaster:
    """Register a forecaster under ``name``, for ``buyer.forecast = name`` in scenarios.

    Parameters
    ----------
    name : str
        The name scenarios give as ``buyer.forecast``; not ``"auto"``, ``"model"`` or
        ``"paths"``.
    forecaster : Forecaster
        An object with a ``growth(request)`` method.

    Returns
    -------
    Forecaster
        ``forecaster``.

    Raises
    ------
    InputError
        If ``forecaster`` has no ``growth`` method, or ``name`` is a built-in one.

    Examples
    --------
    >>> import computemarket as cm
    >>> class Flat:
    ...     def growth(self, request):
    ...         return np.ones(request.dates.size)
    >>> _ = cm.register_forecaster("flat", Flat())
    >>> cm.load_scenario("baseline").with_updates({"buyer.forecast": "flat"}).buyer.forecast
    'flat'
    """
    if not isinstance(forecaster, Forecaster):
        raise InputError(
            "forecaster", type(forecaster).__name__, "must have a growth(request) method"
        )
    return register("forecast", name, forecaster)


def fitted_growth(plan: Plan, demand: np.ndarray, lead: int | None = None) -> np.ndarray:
    """Mean growth of the paths ``demand`` over the lead time, from each month.

    Parameters
    ----------
    plan : Plan
    demand : ndarray, shape (n, T)
    lead : int, optional
        The lead in months (default: ``plan.lead_months``; a ramp lead for its tenders).

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
    lead = plan.lead_months if lead is None else lead
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
    forecast : None, "auto", "model", "paths", a registered name, or array-like (T,)
        None and ``"auto"`` are ``"paths"`` with demand paths and ``"model"`` without.
    demand : ndarray of shape (n, T), optional
        The user's demand paths.
    margin : float
        The buyer's safety margin.

    Raises
    ------
    InputError
        For an unknown forecaster, ``"paths"`` without demand paths, or a factor array of
        the wrong shape or with values that are not finite and positive, and for an
        array or a plug-in in a scenario with ramp leads (``buyer.ramp_lead_months``):
        they give the growth over one lead only.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario("baseline"))  # one lead
    >>> forecast_factor(plan, None, None, 0.1) is None
    True
    >>> float(forecast_factor(plan, np.ones(plan.months), None, 0.1)[0])
    1.1
    >>> ramped = make_plan(load_scenario())  # the default tenders at three leads
    >>> forecast_factor(ramped, np.ones(ramped.months), None, 0.1)
    Traceback (most recent call last):
    ...
    computemarket.errors.InputError: forecast = 'an array': gives growth over one lead, ...
    """
    if forecast is None or (isinstance(forecast, str) and forecast == "auto"):
        forecast = "model" if demand is None else "paths"
    if isinstance(forecast, str):
        if forecast not in registered("forecast"):
            raise InputError(
                "forecast",
                forecast,
                f"must be one of {['auto', *registered('forecast')]} or an array of factors",
            )
        if forecast == "model":
            return None
        if forecast == "paths":
            if demand is None:
                raise InputError("forecast", forecast, "'paths' needs demand paths (demand=)")
            leads = (plan.lead_months, *plan.ramp_leads)
            fitted = np.array([fitted_growth(plan, demand, lead) for lead in leads])
            return (fitted[0] if len(leads) == 1 else fitted) * (1.0 + margin)
        _one_lead(plan, forecast)
        request = ForecastRequest(
            dates=plan.dates.copy(),
            lead_months=plan.lead_months,
            model_growth=plan.forecast_factor / (1.0 + margin),
            demand=None if demand is None else demand.copy(),
        )
        forecast = lookup("forecast", forecast).growth(request)
    try:
        growth = np.asarray(forecast, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            "forecast", type(forecast).__name__, "must be a name or an array of numbers"
        ) from None
    _one_lead(plan, "an array")
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


def _one_lead(plan: Plan, forecast: str) -> None:
    """Refuse a forecaster that gives one lead's growth in a scenario with ramp leads."""
    if plan.ramp_leads:
        raise InputError(
            "forecast",
            forecast,
            f"gives growth over one lead, but the buyer also tenders at ramp leads "
            f"{list(plan.ramp_leads)} (buyer.ramp_lead_months): use 'model' or 'paths'",
        )


def with_forecast(plan: Plan, factor: np.ndarray | None) -> Plan:
    """``plan`` with the buyer's tender factor replaced (unchanged for None).

    ``factor`` has shape ``(T,)``, or ``(1 + R, T)`` in a scenario with ``R`` ramp leads
    (``lead_months`` first, then ``plan.ramp_leads``), as :func:`forecast_factor` gives it.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> with_forecast(plan, None) is plan
    True
    """
    if factor is None:
        return plan
    if factor.ndim == 2:
        return replace(plan, forecast_factor=factor[0], ramp_factor=factor[1:])
    return replace(plan, forecast_factor=factor)
