"""Figures of a results dataset (matplotlib is imported only when a figure is drawn)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from computemarket.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_delivered", "plot_demand_fan", "plot_developed"]


def _axes(ax: Axes | None) -> tuple[Figure, Axes]:
    import matplotlib

    if ax is not None:
        return ax.figure, ax
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    return fig, ax


def plot_delivered(ds: xr.Dataset, ax: Axes | None = None) -> Figure:
    """Stacked area of delivered capacity by provider (mean over paths), with demand.

    Parameters
    ----------
    ds : xarray.Dataset
        Results from :func:`computemarket.simulate`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import computemarket as cm
    >>> fig = plot_delivered(cm.simulate(paths=8, seed=1))
    >>> fig.axes[0].get_ylabel()
    'GW'
    """
    fig, ax = _axes(ax)
    time = ds["time"].values
    delivered = ds["delivered"].mean("path")
    ax.stackplot(
        time,
        *[delivered.sel(provider=p).values for p in ds["provider"].values],
        labels=[str(p) for p in ds["provider"].values],
        alpha=0.85,
    )
    ax.plot(time, ds["demand"].mean("path").values, color="black", lw=1.5, label="demand (mean)")
    ax.plot(
        time,
        ds["demand"].median("path").values,
        color="black",
        lw=1,
        ls="--",
        label="demand (median)",
    )
    top = float(np.nanquantile(ds["demand"].mean("path").values, 1.0))
    ax.set_ylim(0, max(top, float(delivered.sum("provider").max())) * 1.05)
    ax.set_ylabel("GW")
    ax.set_title(
        f"Delivered capacity by provider, mean of {ds.sizes['path']} paths "
        f"({ds.attrs.get('scenario_name', '')})"
    )
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    return fig


def plot_demand_fan(ds: xr.Dataset, ax: Axes | None = None) -> Figure:
    """Fan chart of demand against served capacity across paths.

    Bands show the 5-95% and 25-75% ranges across paths; lines the medians.

    Parameters
    ----------
    ds : xarray.Dataset
        Results from :func:`computemarket.simulate`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> import computemarket as cm
    >>> fig = plot_demand_fan(cm.simulate(paths=8, seed=1))
    >>> len(fig.axes[0].get_lines())
    2
    """
    fig, ax = _axes(ax)
    time = ds["time"].values
    for name, colour in (("demand", "tab:red"), ("served", "tab:blue")):
        values = ds[name].values
        q = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        ax.fill_between(time, q[0], q[4], color=colour, alpha=0.15, lw=0)
        ax.fill_between(time, q[1], q[3], color=colour, alpha=0.3, lw=0)
        ax.plot(time, q[2], color=colour, lw=1.5, label=f"{name} (median; 50% and 90% bands)")
    ax.set_ylabel("GW")
    ax.set_title(f"Demand and served capacity across {ds.sizes['path']} paths")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    return fig


def plot_developed(runs: dict[str, xr.Dataset], ax: Axes | None = None) -> Figure:
    """Capacity developed for the buyer over time, by provider, for several runs.

    One colour per provider, one line style per run (the median across paths), so that
    exogenous and investment supply, or two rules, can be read off one chart.

    Parameters
    ----------
    runs : dict of str to xarray.Dataset
        Results from :func:`computemarket.simulate`, by label (the legend's).
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Raises
    ------
    InputError
        If ``runs`` is empty.

    Examples
    --------
    >>> import computemarket as cm
    >>> fig = plot_developed(
    ...     {"exogenous": cm.simulate("baseline", paths=8, seed=1),
    ...      "investment": cm.simulate("investment", paths=8, seed=1)}
    ... )
    >>> len(fig.axes[0].get_lines())
    6
    """
    if not runs:
        raise InputError("runs", runs, "must name at least one results dataset")
    fig, ax = _axes(ax)
    styles = ("-", "--", ":", "-.")
    colours = {}
    for k, (label, ds) in enumerate(runs.items()):
        median = ds["developed"].median("path")
        for provider in ds["provider"].values:
            colour = colours.setdefault(str(provider), f"C{len(colours)}")
            ax.plot(
                ds["time"].values,
                median.sel(provider=provider).values,
                color=colour,
                ls=styles[k % len(styles)],
                lw=1.5,
                label=f"{provider} ({label})",
            )
    ax.set_ylabel("GW")
    ax.set_title("Capacity developed for the buyer by provider (median across paths)")
    ax.legend(loc="lower right", fontsize=8, ncol=len(runs))
    ax.grid(alpha=0.3)
    return fig
