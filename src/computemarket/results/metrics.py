"""The headline metrics of each path, from a results dataset or straight from records.

:func:`path_metrics` and :func:`record_metrics` feed the same arithmetic
(:func:`_metric_values`) with arrays in the same layout, so they agree bit for bit.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from computemarket.errors import InputError
from computemarket.market.records import Records
from computemarket.results.statistics import metrics_dataset
from computemarket.scenario.rules import ROFR

__all__ = ["bought_elsewhere", "elsewhere_terms", "path_metrics", "record_metrics"]


def elsewhere_terms(ds: xr.Dataset) -> tuple[float, float]:
    """The price and depth of compute bought outside the tenders, from a results dataset.

    Results saved before the market elsewhere existed have neither: (0, 0).
    """
    return float(ds.attrs.get("elsewhere_price", 0.0)), float(ds.attrs.get("elsewhere_gw", 0.0))


def bought_elsewhere(
    shortfall: np.ndarray | xr.DataArray, depth: float
) -> np.ndarray | xr.DataArray:
    """GW bought outside the tenders in each month: the shortfall, up to the depth."""
    return np.minimum(shortfall, depth)


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
    if not isinstance(ds, xr.Dataset):
        raise InputError(
            "ds", type(ds).__name__, "must be an xarray.Dataset from computemarket.simulate"
        )
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
        if name not in ds:  # results saved before investment supply: nothing developed
            ceiling = ds["capacity_ceiling"].transpose("time", "provider").values
            shape = (ds.sizes["path"], *ceiling.shape)
            if name == "entered":
                return np.ones(shape)
            return np.zeros(shape) if name == "capex" else np.broadcast_to(ceiling, shape)
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
        elsewhere=elsewhere_terms(ds),
        bids_from=(
            ds["bids_from"].values.astype(np.int64)
            if "bids_from" in ds.coords
            else np.full(providers.size, -1)  # results saved before dated entry
        ),
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
        Each metric over ``(path,)``, or ``(path, provider)`` for the per-provider ones
        (revenue, share, provider_profit, capex_spent, developed_gw, entry_month).
    """
    plan = records.plan

    def path_first(name: str) -> np.ndarray:
        stored = records.arrays[name]  # path axis last, as the records store it
        return np.moveaxis(stored, -1, 0)

    return _metric_values(
        path_first,
        path_first,
        is_holder=np.arange(plan.n_providers) == plan.holder,
        is_rofr=plan.tender_rule == ROFR,
        discount_rate=float(plan.discount_rate),
        value_of_unmet=float(plan.value_of_unmet),
        elsewhere=(float(plan.elsewhere_price), float(plan.elsewhere_gw)),
        bids_from=plan.bids_from,
    )


def _metric_values(
    monthly, tendered, *, is_holder, is_rofr, discount_rate, value_of_unmet, elsewhere, bids_from
) -> dict[str, np.ndarray]:
    """Every per-path metric, from functions giving each output path first.

    ``elsewhere`` is the price and depth (GW a month) of compute bought outside the
    tenders: each month's shortfall up to the depth is bought at that price, and the rest
    is lost at ``value_of_unmet`` (docs/model.md, Metrics). ``bids_from`` (P,) dates each
    provider's entry where the scenario types it in (``providers[].bids_from``).
    """
    months = np.arange(monthly("demand").shape[1])
    discount = (1.0 + discount_rate) ** (-months / 12.0)
    spend, delivered = monthly("spend"), monthly("delivered")
    supply, contracted = monthly("supply_cost"), monthly("contracted")
    served, shortfall, demand = monthly("served"), monthly("shortfall"), monthly("demand")
    value = value_of_unmet

    revenue = _sum(spend * discount[None, :, None], axis=1)
    total_spend = _sum(revenue, axis=1)
    delivered_pv = _sum(_sum(delivered, axis=2) * discount, axis=1) / 12.0
    price, depth = elsewhere
    bought = bought_elsewhere(shortfall, depth)
    bought_pv = _sum(bought * discount, axis=1) / 12.0
    elsewhere_cost = bought_pv * price
    lost = _sum((shortfall - bought) * discount, axis=1) / 12.0 * value
    unmet = elsewhere_cost + lost
    volume = _sum(delivered, axis=1)
    capex = _sum(monthly("capex") * discount[None, :, None], axis=1)
    profit = _sum((spend - supply) * discount[None, :, None], axis=1) - capex
    developed = monthly("developed")[:, -1, :]
    entered = monthly("entered") > 0.5
    # The first month in the market: entered (investment supply) and bidding (a dated entry).
    first = np.maximum(np.argmax(entered, axis=1), np.maximum(bids_from, 0)).astype(float)
    in_market = entered.any(axis=1) & (bids_from < months.size)  # bids within the horizon
    return {
        "total_spend": total_spend,
        "unit_cost": _divide(total_spend, delivered_pv),
        "shortfall_gw_months": _sum(shortfall, axis=1),
        "served_fraction": _divide(_sum(served, axis=1), _sum(demand, axis=1)),
        "elsewhere_cost": elsewhere_cost,
        "lost_cost": lost,
        "unmet_cost": unmet,
        "total_cost": total_spend + unmet,
        "revenue": revenue,
        "share": _divide(volume, _sum(volume, axis=1)[:, None]),
        "hhi": _hhi(volume),
        "hhi_contracted": _hhi(_sum(contracted, axis=1)),
        "holder_match_rate": _match_rate(tendered, is_rofr),
        "holder_price_premium": _premium(tendered, is_holder),
        "inefficient_award_rate": _inefficiency(tendered),
        "late_gw_months": _sum(contracted - delivered, axis=(1, 2)),
        "buyer_surplus": _sum(served * discount, axis=1) * value / 12.0
        - total_spend
        + bought_pv * (value - price),
        "holder_surplus": _sum(np.where(is_holder, profit, 0.0), axis=1),
        "outsider_surplus": _sum(np.where(is_holder, 0.0, profit), axis=1),
        "provider_profit": profit,
        "capex_spent": capex,
        "developed_gw": developed,
        "outside_developed_gw": _sum(np.where(is_holder, 0.0, developed), axis=1),
        "outside_developed_gw_months": _sum(
            np.where(is_holder, 0.0, monthly("developed")), axis=(1, 2)
        ),
        "entry_month": np.where(in_market, first, np.nan),
        "providers_in_market": _sum((entered[:, -1, :] & in_market).astype(float), axis=1),
    }


def _sum(values: np.ndarray, axis: int | tuple[int, ...]) -> np.ndarray:
    """Sum over ``axis`` (several: the last first), adding the terms in index order.

    ``np.sum`` adds pairwise along a contiguous axis and one by one along a strided one,
    and which it is depends on how many paths the array holds (with one path, the month
    axis becomes contiguous); a running sum fixes the order, so a path's metrics do not
    depend on how many paths are computed beside it.
    """
    axes = (axis,) if isinstance(axis, int) else axis
    for one in sorted(axes, reverse=True):
        if values.shape[one] == 0:
            values = np.zeros(np.delete(values.shape, one))
        else:
            values = np.cumsum(values, axis=one).take(-1, axis=one)
    return values


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Numerator / denominator, NaN where the denominator is not positive, without warnings."""
    num, den = np.broadcast_arrays(numerator, denominator)
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)


def _hhi(volume: np.ndarray) -> np.ndarray:
    share = _divide(volume, _sum(volume, axis=1)[:, None])
    total = _sum((100.0 * np.nan_to_num(share)) ** 2, axis=1)
    return np.where(np.isnan(share).all(axis=1), np.nan, total)


def _premium(tendered, is_holder: np.ndarray) -> np.ndarray:
    award = tendered("award")
    paid = _sum(award * np.nan_to_num(tendered("award_price")), axis=1)  # (n, P)
    volume = _sum(award, axis=1)
    holder = _divide(_sum(paid[:, is_holder], axis=1), _sum(volume[:, is_holder], axis=1))
    outside = _divide(_sum(paid[:, ~is_holder], axis=1), _sum(volume[:, ~is_holder], axis=1))
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
