"""Reading sweep results: Sobol sensitivity indices and response figures."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence

import numpy as np
import xarray as xr

from computemarket.errors import InputError
from computemarket.results.units import label

__all__ = ["plot_response", "plot_sobol", "sobol_indices"]


def sobol_indices(
    result: xr.Dataset,
    metrics: Sequence[str] = ("total_cost", "unit_cost", "served_fraction"),
    statistic: str = "mean",
    seed: int = 0,
) -> xr.Dataset:
    """First-order and total Sobol indices of metrics over a Sobol sweep (SALib).

    Parameters
    ----------
    result : xarray.Dataset
        The result of a sweep whose design is ``sobol`` (Saltelli's scheme).
    metrics : sequence of str
        Metrics of :func:`computemarket.summarize` to analyse.
    statistic : str, default "mean"
        Which across-path statistic of each point to analyse.
    seed : int, default 0
        Seed of SALib's bootstrap for the confidence intervals.

    Returns
    -------
    xarray.Dataset
        Over ``metric`` and ``parameter``: ``S1``, ``S1_conf``, ``ST``, ``ST_conf``
        (the ``_conf`` values are half-widths of 95% bootstrap intervals).

    Raises
    ------
    InputError
        If the sweep is not a Sobol design, a metric is missing, or points failed.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import computemarket as cm
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "sobol.toml"
    >>> _ = file.write_text('''
    ... [sweep]
    ... paths = 20
    ... [design]
    ... kind = "sobol"
    ... samples = 8
    ... [[axes]]
    ... path = "demand.growth_initial"
    ... low = 1.0
    ... high = 3.0
    ... [[axes]]
    ... path = "providers.azure.base_cost"
    ... low = 11.0
    ... high = 14.0
    ... ''')
    >>> result = cm.sweep(file, engine="vector")
    >>> indices = sobol_indices(result, ["unit_cost"])
    >>> indices.S1.dims, indices.parameter.values.tolist()
    (('metric', 'parameter'), ['demand.growth_initial', 'providers.azure.base_cost'])
    """
    from SALib.analyze import sobol

    if result.attrs.get("design") != "sobol":
        raise InputError("result", result.attrs.get("design"), "must come from a 'sobol' sweep")
    spec = tomllib.loads(result.attrs["sweep"])
    axes = spec["axes"]
    names = json.loads(result.attrs["parameters"])
    problem = {
        "num_vars": len(axes),
        "names": names,
        "bounds": [[a["low"], a["high"]] for a in axes],
    }
    if int(result.attrs.get("failed_points", 0)):
        raise InputError(
            "result",
            f"{result.attrs['failed_points']} failed points",
            "Sobol indices need every point of the design",
        )
    rows = []
    for metric in metrics:
        name = f"{metric}_stats"
        if name not in result:
            raise InputError("metrics", metric, f"is not in the sweep result ({name} missing)")
        values = result[name].sel(statistic=statistic)
        if "provider" in values.dims:
            raise InputError("metrics", metric, "is per provider; pick a provider first")
        outcome = sobol.analyze(
            problem,
            values.values.astype(float),
            calc_second_order=False,
            conf_level=0.95,
            seed=seed,
            print_to_console=False,
        )
        rows.append({k: np.asarray(outcome[k]) for k in ("S1", "S1_conf", "ST", "ST_conf")})
    data = {k: (("metric", "parameter"), np.array([r[k] for r in rows])) for k in rows[0]}
    out = xr.Dataset(data, coords={"metric": list(metrics), "parameter": names})
    out["S1"].attrs = {"long_name": "first-order Sobol index"}
    out["ST"].attrs = {"long_name": "total-order Sobol index"}
    out.attrs = {"statistic": statistic, "base_samples": int(spec["design"]["samples"])}
    return out


def plot_sobol(indices: xr.Dataset):
    """Bar chart of first-order and total indices with 95% intervals, a panel per metric.

    Parameters
    ----------
    indices : xarray.Dataset
        From :func:`sobol_indices`: ``S1``, ``S1_conf``, ``ST`` and ``ST_conf`` over
        ``metric`` and ``parameter``.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per metric, a pair of bars per parameter.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[0.6, 0.3]])
    >>> indices = xr.Dataset(
    ...     {k: (("metric", "parameter"), values) for k in ("S1", "S1_conf", "ST", "ST_conf")},
    ...     coords={"metric": ["unit_cost"], "parameter": ["growth", "cost"]},
    ... )
    >>> fig = plot_sobol(indices)
    >>> fig.axes[0].get_title()
    'unit_cost'
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    metrics = [str(m) for m in indices.metric.values]
    params = [str(p) for p in indices.parameter.values]
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(4.5 * len(metrics), 4.2), layout="constrained", squeeze=False
    )
    x = np.arange(len(params))
    for ax, metric in zip(axes[0], metrics, strict=True):
        row = indices.sel(metric=metric)
        ax.bar(x - 0.2, row.S1, 0.4, yerr=row.S1_conf, capsize=3, label="first order")
        ax.bar(x + 0.2, row.ST, 0.4, yerr=row.ST_conf, capsize=3, label="total")
        ax.set_xticks(
            x,
            [p.split(".")[-1] if len(p) > 18 else p for p in params],
            rotation=35,
            ha="right",
            fontsize=8,
        )
        ax.set_title(metric)
        ax.axhline(0, color="black", lw=0.8)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend()
    fig.suptitle(
        f"Sobol indices ({indices.attrs.get('statistic', 'mean')} over paths, 95% intervals)"
    )
    return fig


def plot_response(result: xr.Dataset, metric: str = "total_cost", statistic: str = "mean"):
    """How a metric responds across a grid sweep: a line per value of the second axis.

    Parameters
    ----------
    result : xarray.Dataset
        The result of a grid sweep of one or two axes.
    metric : str, default "total_cost"
        A metric of :func:`computemarket.summarize`.
    statistic : str, default "mean"
        Which across-path statistic of each point to draw.

    Returns
    -------
    matplotlib.figure.Figure
        The metric against the first axis, a line per value of the second.

    Raises
    ------
    InputError
        If ``result`` is not a grid sweep of one or two axes.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import computemarket as cm
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "window.toml"
    >>> _ = file.write_text('''
    ... [sweep]
    ... paths = 20
    ... [design]
    ... kind = "grid"
    ... [[axes]]
    ... path = "contract.window_months"
    ... values = [0, 6]
    ... ''')
    >>> fig = plot_response(cm.sweep(file, engine="vector"), "unit_cost")
    >>> fig.axes[0].get_xlabel()
    'contract.window_months'
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    values = result[f"{metric}_stats"].sel(statistic=statistic)
    dims = [d for d in values.dims if d != "provider"]
    if result.attrs.get("design") != "grid" or not 1 <= len(dims) <= 2:
        raise InputError(
            "result", result.attrs.get("design"), "must be a grid sweep of one or two axes"
        )
    fig, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    first = dims[0]
    if len(dims) == 1:
        ax.plot(values[first], values, marker="o")
    else:
        for level in values[dims[1]].values:
            line = values.sel({dims[1]: level})
            ax.plot(
                line[first],
                line,
                marker="o",
                label=f"{result[dims[1]].attrs.get('parameter', dims[1])} = {level}",
            )
        ax.legend(fontsize=8)
    ax.set_xlabel(result[first].attrs.get("parameter", first))
    ax.set_ylabel(f"{metric} ({label(values.attrs.get('units', ''))}), {statistic} over paths")
    ax.grid(alpha=0.3)
    return fig
