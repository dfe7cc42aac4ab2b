"""The results layer: labelled datasets, headline metrics and figures.

:mod:`~computemarket.results.dataset` labels an engine's records once as an
:class:`xarray.Dataset` with units (names and units in
:mod:`~computemarket.results.variables`); :mod:`~computemarket.results.metrics` computes
each path's headline metrics, :mod:`~computemarket.results.statistics` their statistics
across paths, :mod:`~computemarket.results.summary` puts both together
(:func:`summarize`), :mod:`~computemarket.results.tables` gives long tables
(:func:`to_frame`), and :mod:`~computemarket.results.plots` draws figures.

It may import the market and scenario layers (records, the plan, the bids' epsilon), never
an engine: every engine writes the same records.
"""

from computemarket.results.dataset import build_dataset, package_version
from computemarket.results.plots import plot_delivered, plot_demand_fan, plot_developed
from computemarket.results.summary import summarize
from computemarket.results.tables import to_frame

__all__ = [
    "build_dataset",
    "package_version",
    "plot_delivered",
    "plot_demand_fan",
    "plot_developed",
    "summarize",
    "to_frame",
]
