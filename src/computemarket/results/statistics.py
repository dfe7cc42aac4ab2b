"""Statistics across paths, and the labelling of per-path metrics with them.

:func:`statistics_of` is the arithmetic (mean, standard error and quantiles over paths,
ignoring NaN) on plain arrays; the other functions label its results as ``m_stats``
variables with the units of :data:`~computemarket.results.variables.METRICS`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from computemarket.results.variables import METRICS

__all__ = [
    "STATISTICS",
    "add_statistics",
    "metrics_dataset",
    "statistics_of",
    "statistics_variable",
]

#: The across-path statistics, in the order of the ``statistic`` coordinate.
STATISTICS = ("mean", "std_error", "q05", "q50", "q95")


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
