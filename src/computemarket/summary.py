"""Headline metrics of a results dataset, per path and across paths."""

from __future__ import annotations

import numpy as np
import xarray as xr

from computemarket.errors import InputError
from computemarket.records import Records
from computemarket.scenario import RULES

__all__ = [
    "METRICS",
    "STATISTICS",
    "add_statistics",
    "metrics_dataset",
    "path_metrics",
    "record_metrics",
    "statistics_of",
    "statistics_variable",
    "summarize",
]

#: The across-path statistics, in the order of the ``statistic`` coordinate.
STATISTICS = ("mean", "std_error", "q05", "q50", "q95")

#: Each metric's units and long name.
METRICS = {
    "total_spend": ("$B", "buyer's spend, present value at the start"),
    "unit_cost": ("$B/GW-year", "buyer's spend per GW-year delivered, both discounted"),
    "shortfall_gw_months": ("GW-months", "demand not served, summed over months"),
    "served_fraction": ("1", "share of demand served"),
    "unmet_cost": ("$B", "value of demand not served, present value"),
    "total_cost": ("$B", "spend plus the value of demand not served, present value"),
    "revenue": ("$B", "provider's revenue from the buyer, present value"),
    "share": ("1", "provider's share of delivered GW-months"),
    "hhi": ("1", "Herfindahl-Hirschman index of delivered GW-months (0 to 10,000)"),
    "hhi_contracted": ("1", "Herfindahl-Hirschman index of contracted GW-months (0 to 10,000)"),
    "holder_price_premium": (
        "$B/GW-year",
        "holder's average award price minus outsiders' "
        "(volume-weighted; NaN if either won nothing)",
    ),
    "inefficient_award_rate": (
        "1",
        "share of tenders with awards where a provider was awarded capacity while one with "
        "a lower cost had headroom left (NaN where nothing was awarded)",
    ),
    "late_gw_months": (
        "GW-months",
        "capacity under contract but not yet built, summed over months",
    ),
    "buyer_surplus": (
        "$B",
        "value of demand served (at value_of_unmet per GW-year) less spend, present value",
    ),
    "holder_surplus": ("$B", "holder's revenue less its cost of supply, present value"),
    "outsider_surplus": (
        "$B",
        "outside providers' revenue less their cost of supply, present value",
    ),
    "holder_match_rate": (
        "1",
        "share of rofr tenders with an outside offer that the holder matched "
        "(NaN where there were none)",
    ),
}


def statistics_of(values: np.ndarray) -> np.ndarray:
    """Mean, standard error and quantiles over the first (path) axis, ignoring NaN.

    Parameters
    ----------
    values : ndarray, shape (n, ...)

    Returns
    -------
    ndarray, shape (5, ...)
        In the order of :data:`STATISTICS`; NaN where a column has no values (and the
        standard error where it has one).
    """
    count = np.sum(~np.isnan(values), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, np.nansum(values, axis=0) / np.maximum(count, 1), np.nan)
        centred = np.where(np.isnan(values), 0.0, values - mean)
        var = np.sum(centred**2, axis=0) / np.maximum(count - 1, 1)
        std_error = np.where(count > 1, np.sqrt(var / np.maximum(count, 1)), np.nan)
    return np.concatenate([mean[None], std_error[None], _nanquantiles(values, _QUANTILES)])


def _statistics(metric: xr.DataArray) -> xr.DataArray:
    stacked = statistics_of(metric.transpose("path", ...).values)
    dims = ("statistic", *[d for d in metric.dims if d != "path"])
    return xr.DataArray(stacked, dims=dims, attrs=metric.attrs)


#: The quantiles among :data:`STATISTICS`.
_QUANTILES = (0.05, 0.5, 0.95)


def _nanquantiles(values: np.ndarray, q: tuple[float, ...]) -> np.ndarray:
    """Quantiles ``q`` over the first axis of each column, ignoring NaN (NaN if none)."""
    if not np.isnan(values).any():
        return np.quantile(values, q, axis=0)
    out = np.full((len(q), *values.shape[1:]), np.nan)
    for index in np.ndindex(values.shape[1:]):
        column = values[(slice(None), *index)]
        column = column[~np.isnan(column)]
        if column.size:
            out[(slice(None), *index)] = np.quantile(column, q)
    return out


def summarize(ds: xr.Dataset) -> xr.Dataset:
    """Headline metrics per path, with their mean, standard error and quantiles.

    Money is discounted to the scenario's start at ``buyer.discount_rate`` (monthly
    compounding of the annual rate); quantities are not.

    Parameters
    ----------
    ds : xarray.Dataset
        Results from :func:`computemarket.simulate`, or a :func:`computemarket.tender_study`
        (then: the mean and standard error of each outcome, over ``statistic``).

    Returns
    -------
    xarray.Dataset
        For each metric ``m``: ``m`` over ``path`` (and ``provider`` for revenue and
        share), and ``m_stats`` over ``statistic`` (``mean``, ``std_error``, ``q05``,
        ``q50``, ``q95``) with the same other dimensions. Every variable has ``units`` and
        ``long_name``.

    Raises
    ------
    InputError
        If ``ds`` lacks the variables or attributes of a results dataset.

    Examples
    --------
    >>> from computemarket import simulate
    >>> s = summarize(simulate(paths=3, seed=2))
    >>> s["unit_cost_stats"].sel(statistic="mean").attrs["units"]
    '$B/GW-year'
    >>> float(s["share"].sum("provider")[0])
    1.0
    """
    if ds.attrs.get("kind") == "tender_study":
        return _study_summary(ds)
    return add_statistics(path_metrics(ds))


def _study_summary(ds: xr.Dataset) -> xr.Dataset:
    """Expected values and standard errors of a :func:`computemarket.tender_study`."""
    out = xr.Dataset(coords={"statistic": ["mean", "std_error"]})
    n = ds.sizes["draw"]
    for name in (
        "trade",
        "price",
        "holder_won",
        "efficient",
        "buyer_surplus",
        "holder_surplus",
        "outsider_surplus",
    ):
        values = ds[name].values.astype(float)
        se = values.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
        out[name] = xr.DataArray([values.mean(), se], dims="statistic", attrs=ds[name].attrs)
    out.attrs = dict(ds.attrs)
    return out


def path_metrics(ds: xr.Dataset) -> xr.Dataset:
    """The headline metrics of each path, without statistics across paths.

    Computed on the underlying NumPy arrays (a sweep calls this once per point).

    Parameters
    ----------
    ds : xarray.Dataset
        Results from :func:`computemarket.simulate`.

    Returns
    -------
    xarray.Dataset
        The per-path variables of :func:`summarize`.

    Raises
    ------
    InputError
        If ``ds`` lacks the variables or attributes of a results dataset.
    """
    needed = (
        "spend",
        "supply_cost",
        "delivered",
        "shortfall",
        "demand",
        "served",
        "tender_quantity",
        "award",
        "award_price",
        "cost",
        "headroom",
        "contracted",
    )
    missing = [name for name in needed if name not in ds]
    if missing or "discount_rate" not in ds.attrs:
        raise InputError(
            "ds",
            f"dataset missing {missing or ['discount_rate attribute']}",
            "must be a results dataset from computemarket.simulate",
        )

    def monthly(name: str) -> np.ndarray:
        var = ds[name]
        order = ("path", "time", "provider") if "provider" in var.dims else ("path", "time")
        return var.transpose(*order).values

    def tendered(name: str) -> np.ndarray:
        var = ds[name]
        order = ("path", "tender", "provider") if "provider" in var.dims else ("path", "tender")
        return var.transpose(*order).values

    providers = ds["provider"].values
    values = _metric_values(
        monthly,
        tendered,
        is_holder=providers == ds.attrs.get("holder", ""),
        is_rofr=(ds["tender_rule"].values == "rofr") if "tender_rule" in ds.coords else True,
        discount_rate=float(ds.attrs["discount_rate"]),
        value_of_unmet=float(ds.attrs.get("value_of_unmet", 0.0)),
    )
    attrs = {k: ds.attrs[k] for k in ("scenario_name", "seed", "engine") if k in ds.attrs}
    return metrics_dataset(values, ds["path"].values, providers, attrs)


def record_metrics(records: Records) -> dict[str, np.ndarray]:
    """The headline metrics of each path, straight from an engine's records.

    Gives the values of :func:`path_metrics` on the records' results dataset, bit for
    bit, without building the dataset (a sweep calls this once per point).

    Parameters
    ----------
    records : Records

    Returns
    -------
    dict of str to ndarray
        Each metric over ``(path,)``, or ``(path, provider)`` for revenue and share.
    """
    plan = records.plan

    def path_first(name: str) -> np.ndarray:
        stored = records.arrays[name]  # path axis last, as the records store it
        return np.moveaxis(stored, -1, 0)

    return _metric_values(
        path_first,
        path_first,
        is_holder=np.arange(plan.n_providers) == plan.holder,
        is_rofr=plan.tender_rule == RULES.index("rofr"),
        discount_rate=float(plan.discount_rate),
        value_of_unmet=float(plan.value_of_unmet),
    )


def metrics_dataset(
    values: dict[str, np.ndarray],
    path: np.ndarray,
    providers: np.ndarray,
    attrs: dict[str, object],
    statistics: dict[str, np.ndarray] | None = None,
) -> xr.Dataset:
    """Label per-path metric values (and optionally their statistics) as a dataset.

    Parameters
    ----------
    values : dict of str to ndarray
        Each metric over ``(path,)`` or ``(path, provider)``.
    path : ndarray
        The path coordinate.
    providers : ndarray of str
        The provider coordinate.
    attrs : dict
        Attributes of the dataset.
    statistics : dict of str to ndarray, optional
        Each metric's statistics over ``(statistic, ...)``, from :func:`statistics_of`;
        stored as ``m_stats``, with the ``paths`` attribute.

    Returns
    -------
    xarray.Dataset
    """
    variables = {}
    for name, metric in values.items():
        units, long_name = METRICS[name]
        dims = ("path", "provider") if metric.ndim == 2 else ("path",)
        variables[name] = xr.Variable(dims, metric, {"units": units, "long_name": long_name})
    coords: dict[str, object] = {"path": path, "provider": providers}
    attrs = dict(attrs)
    if statistics is not None:
        for name, stats in statistics.items():
            variables[f"{name}_stats"] = statistics_variable(name, stats)
        coords["statistic"] = list(STATISTICS)
        attrs["paths"] = int(path.size)
    out = xr.Dataset(variables, coords=coords)
    out.attrs = attrs
    return out


def statistics_variable(name: str, stats: np.ndarray, leading: tuple[str, ...] = ()) -> xr.Variable:
    """A metric's statistics as the variable ``name_stats``, with its units and long name.

    Parameters
    ----------
    name : str
        The metric (a key of :data:`METRICS`).
    stats : ndarray
        Over ``(*leading, statistic)`` or ``(*leading, statistic, provider)``.
    leading : tuple of str, optional
        Dimensions before ``statistic`` (a sweep's ``point``, say).

    Returns
    -------
    xarray.Variable
    """
    units, long_name = METRICS[name]
    by_provider = stats.ndim - len(leading) == 2
    dims = (*leading, "statistic", "provider") if by_provider else (*leading, "statistic")
    return xr.Variable(dims, stats, {"units": units, "long_name": long_name})


def _metric_values(
    monthly, tendered, *, is_holder, is_rofr, discount_rate, value_of_unmet
) -> dict[str, np.ndarray]:
    """Every per-path metric, from functions giving each output path first."""
    months = np.arange(monthly("demand").shape[1])
    discount = (1.0 + discount_rate) ** (-months / 12.0)
    spend, delivered = monthly("spend"), monthly("delivered")
    supply, contracted = monthly("supply_cost"), monthly("contracted")
    served, shortfall, demand = monthly("served"), monthly("shortfall"), monthly("demand")
    value = value_of_unmet

    revenue = np.sum(spend * discount[None, :, None], axis=1)
    total_spend = np.sum(revenue, axis=1)
    delivered_pv = np.sum(np.sum(delivered, axis=2) * discount, axis=1) / 12.0
    unmet = np.sum(shortfall * discount, axis=1) / 12.0 * value
    volume = np.sum(delivered, axis=1)
    profit = np.sum((spend - supply) * discount[None, :, None], axis=1)
    return {
        "total_spend": total_spend,
        "unit_cost": _divide(total_spend, delivered_pv),
        "shortfall_gw_months": np.sum(shortfall, axis=1),
        "served_fraction": _divide(np.sum(served, axis=1), np.sum(demand, axis=1)),
        "unmet_cost": unmet,
        "total_cost": total_spend + unmet,
        "revenue": revenue,
        "share": _divide(volume, np.sum(volume, axis=1)[:, None]),
        "hhi": _hhi(volume),
        "hhi_contracted": _hhi(np.sum(contracted, axis=1)),
        "holder_match_rate": _match_rate(tendered, is_rofr),
        "holder_price_premium": _premium(tendered, is_holder),
        "inefficient_award_rate": _inefficiency(tendered),
        "late_gw_months": np.sum(contracted - delivered, axis=(1, 2)),
        "buyer_surplus": np.sum(served * discount, axis=1) * value / 12.0 - total_spend,
        "holder_surplus": np.sum(np.where(is_holder, profit, 0.0), axis=1),
        "outsider_surplus": np.sum(np.where(is_holder, 0.0, profit), axis=1),
    }


def add_statistics(metrics: xr.Dataset) -> xr.Dataset:
    """Add ``m_stats`` (mean, standard error, quantiles across paths) for each metric ``m``.

    Parameters
    ----------
    metrics : xarray.Dataset
        Per-path metrics from :func:`path_metrics`.

    Returns
    -------
    xarray.Dataset
    """
    variables = dict(metrics.data_vars)
    for name, var in metrics.data_vars.items():
        variables[f"{name}_stats"] = _statistics(var)
    out = xr.Dataset(variables, coords={**metrics.coords, "statistic": list(STATISTICS)})
    out.attrs = dict(metrics.attrs)
    out.attrs["paths"] = int(metrics.sizes["path"])
    return out


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Numerator / denominator, NaN where the denominator is not positive, without warnings."""
    num, den = np.broadcast_arrays(numerator, denominator)
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)


def _hhi(volume: np.ndarray) -> np.ndarray:
    share = _divide(volume, np.sum(volume, axis=1)[:, None])
    total = np.sum((100.0 * np.nan_to_num(share)) ** 2, axis=1)
    return np.where(np.isnan(share).all(axis=1), np.nan, total)


def _premium(tendered, is_holder: np.ndarray) -> np.ndarray:
    award = tendered("award")
    paid = np.sum(award * np.nan_to_num(tendered("award_price")), axis=1)  # (n, P)
    volume = np.sum(award, axis=1)
    holder = _divide(np.sum(paid[:, is_holder], axis=1), np.sum(volume[:, is_holder], axis=1))
    outside = _divide(np.sum(paid[:, ~is_holder], axis=1), np.sum(volume[:, ~is_holder], axis=1))
    return holder - outside


def _inefficiency(tendered) -> np.ndarray:
    award, cost = tendered("award"), tendered("cost")
    left = tendered("headroom") - award
    awarded = award > 1e-9
    # For each awarded provider: is there a cheaper one with room left?
    cheaper_with_room = (cost[..., None, :] < cost[..., :, None]) & (left[..., None, :] > 1e-9)
    wasteful = (awarded & cheaper_with_room.any(axis=-1)).any(axis=-1)
    decided = awarded.any(axis=-1)
    return _divide(wasteful.sum(axis=1).astype(float), decided.sum(axis=1).astype(float))


def _match_rate(tendered, is_rofr) -> np.ndarray:
    quantity, best = tendered("tender_quantity"), tendered("best_outside_price")
    offered = (quantity > 0) & ~np.isnan(best) & is_rofr
    matched = offered & (tendered("holder_matched") > 0)
    return _divide(matched.sum(axis=1).astype(float), offered.sum(axis=1).astype(float))
