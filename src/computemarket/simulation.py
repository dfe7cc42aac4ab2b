"""The main entry points: simulate a scenario with one of the engines.

Paths run in chunks of ``chunk_paths``. Each chunk draws its own random inputs (path
``k`` always gets the same draws, see :mod:`computemarket.market.draws`), runs through the
engine and is copied into the output, so results are bit-identical whatever the chunk
size or the number of worker threads. :func:`simulate_summary` keeps only each path's
headline metrics, so its memory stays bounded however many paths it runs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import xarray as xr

from computemarket.engines import ENGINES, check_engine
from computemarket.market.draws import BLOCK_PATHS, draw
from computemarket.market.forecast import forecast_factor, with_forecast
from computemarket.market.inputs import prepare, validate_demand
from computemarket.market.plan import Plan, make_plan
from computemarket.market.records import Records
from computemarket.market.sizes import check_memory
from computemarket.results.dataset import build_dataset
from computemarket.results.metrics import record_metrics
from computemarket.results.statistics import metrics_dataset, statistics_of
from computemarket.scenario import Scenario, as_scenario
from computemarket.scenario.numbers import integer_argument

__all__ = ["DEFAULT_CHUNK_PATHS", "simulate", "simulate_summary", "summary_statistics"]
#: Paths per chunk by default: a multiple of the draws' block size.
DEFAULT_CHUNK_PATHS = 32 * BLOCK_PATHS


def simulate(
    scenario: Scenario | Mapping | str | Path | None = None,
    *,
    engine: str = "vector",
    paths: int | None = None,
    seed: int | None = None,
    demand: object = None,
    forecast: object = None,
    chunk_paths: int | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> xr.Dataset:
    """Simulate a scenario over Monte Carlo paths.

    Parameters
    ----------
    scenario : Scenario, mapping, str or Path, optional
        A scenario, its tables as a mapping (``Scenario.to_dict()``), a TOML file or the
        name of a shipped scenario; the default scenario (``history``) if not given.
    engine : {"vector", "compiled", "des"}, default "vector"
        ``"vector"``: NumPy over all paths of a chunk at once. ``"compiled"``: a Numba
        loop over paths (needs the ``fast`` extra; fastest for many runs). ``"des"``: the
        SimPy discrete-event engine, one path at a time (the readable reference). All
        three give the same results, bit for bit.
    paths : int, optional
        Number of paths; ``scenario.run.paths`` by default (or the number of demand paths).
    seed : int, optional
        Seed of the random inputs; ``scenario.run.seed`` by default.
    demand : array-like or xarray.DataArray, optional
        Demand paths of your own over ``(path, time)`` in GW, replacing the scenario's
        demand process.
    forecast : str or array-like of shape (T,), optional
        How the buyer forecasts demand growth over the lead time when it sizes a tender
        (:mod:`computemarket.market.forecast`): ``"model"`` (the scenario's demand
        model), ``"paths"`` (fitted to the ``demand`` paths), ``"auto"`` (``"paths"``
        with demand paths, else ``"model"``), a registered forecaster's name, or your own
        growth factor for each month. ``buyer.forecast`` (default ``"auto"``) otherwise.
    chunk_paths : int, optional
        Paths simulated together (default :data:`DEFAULT_CHUNK_PATHS`); bounds the working
        memory. Results do not depend on it.
    workers : int, default 1
        Threads running chunks side by side. Results do not depend on it.
    progress : callable, optional
        Called with the number of paths finished, as they finish.

    Returns
    -------
    xarray.Dataset
        Over ``path``, ``time``, ``provider`` and ``tender``: demand, capacity, contracts,
        delivery, spend, prices and every tender's quantities, awards and quotes, each with
        ``units`` and ``long_name``; the scenario and seed in the attributes
        (:func:`computemarket.results.build_dataset`).

    Raises
    ------
    ScenarioError
        If the scenario is invalid.
    InputError
        If the engine, paths, seed, chunk size, workers or demand paths are invalid, or
        the arrays would not fit in free memory (checked before any is allocated).

    Examples
    --------
    >>> ds = simulate(paths=4, seed=1)
    >>> ds.sizes["path"], ds.attrs["engine"]
    (4, 'vector')
    >>> float(abs(ds.served + ds.shortfall - ds.demand).max()) < 1e-12
    True
    """
    run = _Run(scenario, engine, paths, seed, demand, chunk_paths, workers, forecast)
    run.check_memory("records")
    full = Records(run.plan, run.paths)
    for _ in run.chunks(progress, out=full):
        pass
    results = build_dataset(run.scenario, full, seed=run.seed, engine=engine)
    results.attrs["forecast"] = run.forecast
    return results


def simulate_summary(
    scenario: Scenario | Mapping | str | Path | None = None,
    *,
    engine: str = "vector",
    paths: int | None = None,
    seed: int | None = None,
    demand: object = None,
    forecast: object = None,
    chunk_paths: int | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> xr.Dataset:
    """Simulate and keep only the headline metrics, in memory bounded by the chunk size.

    Takes the arguments of :func:`simulate` and returns what
    ``summarize(simulate(...))`` would, without holding every path's time series:
    each chunk is summarized as soon as it is simulated.

    Parameters
    ----------
    scenario : Scenario, mapping, str or Path, optional
        A scenario, its tables as a mapping (``Scenario.to_dict()``), a TOML file or the
        name of a shipped scenario; the default scenario (``history``) if not given.
    engine : {"vector", "compiled", "des"}, default "vector"
        ``"vector"``: NumPy over all paths of a chunk at once. ``"compiled"``: a Numba
        loop over paths (needs the ``fast`` extra; fastest for many runs). ``"des"``: the
        SimPy discrete-event engine, one path at a time (the readable reference). All
        three give the same results, bit for bit.
    paths : int, optional
        Number of paths; ``scenario.run.paths`` by default (or the number of demand paths).
    seed : int, optional
        Seed of the random inputs; ``scenario.run.seed`` by default.
    demand : array-like or xarray.DataArray, optional
        Demand paths of your own over ``(path, time)`` in GW, replacing the scenario's
        demand process.
    forecast : str or array-like of shape (T,), optional
        How the buyer forecasts demand growth over the lead time when it sizes a tender
        (:mod:`computemarket.market.forecast`): ``"model"`` (the scenario's demand
        model), ``"paths"`` (fitted to the ``demand`` paths), ``"auto"`` (``"paths"``
        with demand paths, else ``"model"``), a registered forecaster's name, or your own
        growth factor for each month. ``buyer.forecast`` (default ``"auto"``) otherwise.
    chunk_paths : int, optional
        Paths simulated together (default :data:`DEFAULT_CHUNK_PATHS`); bounds the working
        memory. Results do not depend on it.
    workers : int, default 1
        Threads running chunks side by side. Results do not depend on it.
    progress : callable, optional
        Called with the number of paths finished, as they finish.

    Returns
    -------
    xarray.Dataset
        As :func:`computemarket.summarize`: each path's headline metrics and their
        statistics across paths.

    Raises
    ------
    ScenarioError
        If the scenario is invalid.
    InputError
        If the engine, paths, seed, chunk size, workers or demand paths are invalid, or
        the arrays would not fit in free memory (checked before any is allocated).

    Examples
    --------
    >>> from computemarket import summarize
    >>> small = simulate_summary(paths=130, seed=1, chunk_paths=64)
    >>> small.identical(summarize(simulate(paths=130, seed=1)))
    True
    """
    run = _Run(scenario, engine, paths, seed, demand, chunk_paths, workers, forecast)
    run.check_memory("metrics")
    values = _path_values(run, progress)
    attrs = {"scenario_name": run.scenario.name, "seed": int(run.seed), "engine": engine}
    return metrics_dataset(
        values,
        np.arange(run.paths),
        np.array(run.plan.providers, dtype=object),
        attrs,
        statistics={name: statistics_of(metric) for name, metric in values.items()},
    )


def summary_statistics(
    scenario: Scenario, *, engine: str, paths: int, seed: int
) -> dict[str, np.ndarray]:
    """Only the statistics of :func:`simulate_summary`, as plain arrays (for sweeps).

    Parameters
    ----------
    scenario : Scenario
    engine : str
        A name in :data:`ENGINES`.
    paths, seed : int

    Returns
    -------
    dict of str to ndarray
        ``m_stats`` for each metric ``m``, over ``(statistic,)`` or
        ``(statistic, provider)``: the values of ``simulate_summary(...)[f"{m}_stats"]``.
    """
    run = _Run(scenario, engine, paths, seed, None, None, 1)
    run.check_memory("metrics")
    values = _path_values(run, None)
    return {f"{name}_stats": statistics_of(metric) for name, metric in values.items()}


def _path_values(run: _Run, progress: Callable[[int], None] | None) -> dict[str, np.ndarray]:
    """Each path's metrics, chunk by chunk, concatenated over paths."""
    parts = [record_metrics(chunk) for chunk in run.chunks(progress)]
    if len(parts) == 1:
        return parts[0]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


class _Run:
    """A validated simulation request, split into chunks of paths."""

    def __init__(
        self, scenario, engine, paths, seed, demand, chunk_paths, workers, forecast=None
    ) -> None:
        scenario = as_scenario(scenario)
        check_engine(engine)
        self.scenario = scenario
        self.engine = engine
        self.plan: Plan = make_plan(scenario)
        self.demand = None if demand is None else validate_demand(self.plan, demand, paths)
        if forecast is None:
            forecast = scenario.buyer.forecast
        factor = forecast_factor(self.plan, forecast, self.demand, scenario.buyer.safety_margin)
        self.plan = with_forecast(self.plan, factor)
        if isinstance(forecast, str) and forecast == "auto":
            self.forecast = "model" if factor is None else "paths"
        else:
            self.forecast = forecast if isinstance(forecast, str) else "user"
        if paths is None:
            paths = scenario.run.paths if self.demand is None else self.demand.shape[0]
        self.paths = integer_argument("paths", paths, 1)
        self.seed = integer_argument("seed", scenario.run.seed if seed is None else seed, 0)
        chunk = DEFAULT_CHUNK_PATHS if chunk_paths is None else chunk_paths
        self.chunk_paths = integer_argument("chunk_paths", chunk, 1)
        self.workers = integer_argument("workers", workers, 1)
        self.in_flight = self.chunk_paths * (1 if self.workers == 1 else 2 * self.workers)

    def check_memory(self, keep: str) -> None:
        """Refuse at once a run whose arrays would not fit in free memory."""
        check_memory(self.plan, self.paths, keep, self.in_flight)

    def _one(
        self, first: int, progress: Callable[[int], None] | None, out: Records | None
    ) -> Records:
        count = min(self.chunk_paths, self.paths - first)
        draws = draw(self.plan, count, self.seed, first_path=first)
        demand = None if self.demand is None else self.demand[first : first + count]
        inputs = prepare(self.plan, draws, demand=demand)
        return ENGINES[self.engine](inputs, progress=progress, out=out)

    def chunks(
        self, progress: Callable[[int], None] | None, out: Records | None = None
    ) -> Iterator[Records]:
        """Each chunk's records, in path order; at most two chunks per worker in flight.

        With ``out``, each chunk is written straight into its columns of ``out``.
        """
        starts = range(0, self.paths, self.chunk_paths)
        if self.workers == 1:
            for first in starts:
                yield self._one(first, progress, out)
            return
        with ThreadPoolExecutor(self.workers) as pool:
            pending: deque[Future[Records]] = deque()
            for first in starts:
                pending.append(pool.submit(self._one, first, progress, out))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
