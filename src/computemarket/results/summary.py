"""Headline metrics of a results dataset, with statistics across paths: :func:`summarize`."""

from __future__ import annotations

import numpy as np
import xarray as xr

from computemarket.results.metrics import path_metrics
from computemarket.results.statistics import add_statistics

__all__ = ["summarize"]


def summarize(ds: xr.Dataset) -> xr.Dataset:
    """Headline metrics per path, with their mean, standard error and quantiles.

    Money is discounted to the scenario's start at ``buyer.discount_rate`` (monthly
    compounding of the annual rate); quantities are not.

    Parameters
    ----------
    ds : xarray.Dataset
        Results from :func:`computemarket.simulate`, or a :func:`computemarket.tender_study`
        or :func:`computemarket.entry_study` (then: the mean and standard error of each
        outcome, over ``statistic``; an entry study's variables over ``entrants`` and
        ``n_entrants`` are carried over as they are).

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
    'GUSD / GW / year'
    >>> round(float(s["share"].sum("provider")[0]), 12)
    1.0
    """
    if isinstance(ds, xr.Dataset) and ds.attrs.get("kind") in ("tender_study", "entry_study"):
        return _study_summary(ds)
    return add_statistics(path_metrics(ds))


def _study_summary(ds: xr.Dataset) -> xr.Dataset:
    """Expected values and standard errors of a tender or entry study."""
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
    for name in ("entrant_profit", "entrant_profit_se", "welfare", "n_entrants"):
        if name in ds:
            out[name] = ds[name]
    out.attrs = dict(ds.attrs)
    return out
