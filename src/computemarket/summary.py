"""Headline metrics of a results dataset, per path and across paths."""

from __future__ import annotations

import numpy as np
import xarray as xr

from computemarket.errors import InputError

__all__ = ["STATISTICS", "add_statistics", "path_metrics", "summarize"]

#: The across-path statistics, in the order of the ``statistic`` coordinate.
STATISTICS = ("mean", "std_error", "q05", "q50", "q95")

_METRICS = {
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


def _ratio(numerator: xr.DataArray, denominator: xr.DataArray) -> xr.DataArray:
    """Numerator / denominator, NaN where the denominator is zero, without warnings."""
    num, den = xr.broadcast(numerator, denominator)
    out = np.divide(num.values, den.values, out=np.full(num.shape, np.nan), where=den.values > 0)
    return num.copy(data=out)


def _statistics(metric: xr.DataArray) -> xr.DataArray:
    values = metric.transpose("path", ...).values
    count = np.sum(~np.isnan(values), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, np.nansum(values, axis=0) / np.maximum(count, 1), np.nan)
        centred = np.where(np.isnan(values), 0.0, values - mean)
        var = np.sum(centred**2, axis=0) / np.maximum(count - 1, 1)
        std_error = np.where(count > 1, np.sqrt(var / np.maximum(count, 1)), np.nan)
    quantiles = [_nanquantile(values, q) for q in (0.05, 0.5, 0.95)]
    stacked = np.stack([mean, std_error, *quantiles])
    dims = ("statistic", *[d for d in metric.dims if d != "path"])
    return xr.DataArray(stacked, dims=dims, attrs=metric.attrs)


def _nanquantile(values: np.ndarray, q: float) -> np.ndarray:
    if not np.isnan(values).any():
        return np.quantile(values, q, axis=0)
    out = np.full(values.shape[1:], np.nan)
    for index in np.ndindex(values.shape[1:]):
        column = values[(slice(None), *index)]
        column = column[~np.isnan(column)]
        if column.size:
            out[index] = np.quantile(column, q)
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
    rate = float(ds.attrs["discount_rate"])
    months = np.arange(ds.sizes["time"])
    discount = xr.DataArray((1.0 + rate) ** (-months / 12.0), dims="time")

    spend = ds["spend"]
    delivered = ds["delivered"]
    revenue = (spend * discount).sum("time")
    total_spend = revenue.sum("provider")
    delivered_pv = (delivered.sum("provider") * discount).sum("time") / 12.0
    shortfall = ds["shortfall"]
    unmet = (shortfall * discount).sum("time") / 12.0 * float(ds.attrs.get("value_of_unmet", 0.0))
    volume = delivered.sum("time")
    share = _ratio(volume, volume.sum("provider"))
    metrics = {
        "total_spend": total_spend,
        "unit_cost": _ratio(total_spend, delivered_pv),
        "shortfall_gw_months": shortfall.sum("time"),
        "served_fraction": _ratio(ds["served"].sum("time"), ds["demand"].sum("time")),
        "unmet_cost": unmet,
        "total_cost": total_spend + unmet,
        "revenue": revenue,
        "share": share,
        "hhi": _hhi(volume),
        "hhi_contracted": _hhi(ds["contracted"].sum("time")),
        "holder_match_rate": _match_rate(ds),
        "holder_price_premium": _premium(ds),
        "inefficient_award_rate": _inefficiency(ds),
        "late_gw_months": (ds["contracted"] - delivered).sum(("time", "provider")),
    }
    value = float(ds.attrs.get("value_of_unmet", 0.0))
    profit = ((spend - ds["supply_cost"]) * discount).sum("time")
    is_holder = ds["provider"] == ds.attrs.get("holder", "")
    metrics["buyer_surplus"] = (ds["served"] * discount).sum("time") * value / 12.0 - total_spend
    metrics["holder_surplus"] = profit.where(is_holder, 0.0).sum("provider")
    metrics["outsider_surplus"] = profit.where(~is_holder, 0.0).sum("provider")
    out = xr.Dataset()
    for name, values in metrics.items():
        units, long_name = _METRICS[name]
        values = values.drop_vars([c for c in values.coords if c not in ("path", "provider")])
        values.attrs = {"units": units, "long_name": long_name}
        out[name] = values
    out.attrs = {k: ds.attrs[k] for k in ("scenario_name", "seed", "engine") if k in ds.attrs}
    return out


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
    out = metrics.copy()
    for name in metrics.data_vars:
        out[f"{name}_stats"] = _statistics(metrics[name])
    out = out.assign_coords(statistic=("statistic", list(STATISTICS)))
    out.attrs["paths"] = int(metrics.sizes["path"])
    return out


def _hhi(volume: xr.DataArray) -> xr.DataArray:
    share = _ratio(volume, volume.sum("provider"))
    return ((100.0 * share) ** 2).sum("provider", min_count=1)


def _premium(ds: xr.Dataset) -> xr.DataArray:
    holder = ds.attrs.get("holder", "")
    award = ds["award"]
    paid = (award * ds["award_price"].fillna(0.0)).sum("tender")
    volume = award.sum("tender")
    is_holder = ds["provider"] == holder
    holder_price = _ratio(
        paid.where(is_holder, 0.0).sum("provider"), volume.where(is_holder, 0.0).sum("provider")
    )
    outside_price = _ratio(
        paid.where(~is_holder, 0.0).sum("provider"), volume.where(~is_holder, 0.0).sum("provider")
    )
    return holder_price - outside_price


def _inefficiency(ds: xr.Dataset) -> xr.DataArray:
    award = ds["award"].transpose("path", "tender", "provider").values
    cost = ds["cost"].transpose("path", "tender", "provider").values
    left = ds["headroom"].transpose("path", "tender", "provider").values - award
    awarded = award > 1e-9
    # For each awarded provider: is there a cheaper one with room left?
    cheaper_with_room = (cost[..., None, :] < cost[..., :, None]) & (left[..., None, :] > 1e-9)
    wasteful = (awarded & cheaper_with_room.any(axis=-1)).any(axis=-1)
    decided = awarded.any(axis=-1)
    rate = _ratio(
        xr.DataArray(wasteful.sum(axis=1).astype(float), dims="path"),
        xr.DataArray(decided.sum(axis=1).astype(float), dims="path"),
    )
    return rate.assign_coords(path=ds["path"].values)


def _match_rate(ds: xr.Dataset) -> xr.DataArray:
    is_rofr = ds["tender_rule"] == "rofr" if "tender_rule" in ds.coords else True
    offered = (ds["tender_quantity"] > 0) & ds["best_outside_price"].notnull() & is_rofr
    matched = offered & (ds["holder_matched"] > 0)
    return _ratio(matched.sum("tender").astype(float), offered.sum("tender").astype(float))
