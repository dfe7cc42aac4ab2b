"""The main entry point: simulate a scenario with one of the engines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import xarray as xr

from computemarket import des
from computemarket.draws import draw
from computemarket.errors import InputError
from computemarket.inputs import prepare
from computemarket.plan import make_plan
from computemarket.records import Records
from computemarket.results import build_dataset
from computemarket.scenario import Scenario, load_scenario

__all__ = ["ENGINES", "simulate"]

#: Engines by name: each maps MarketInputs (and a progress callback) to Records.
ENGINES: dict[str, Callable[..., Records]] = {"des": des.run}


def simulate(
    scenario: Scenario | str | Path | None = None,
    *,
    engine: str = "des",
    paths: int | None = None,
    seed: int | None = None,
    demand: object = None,
    progress: Callable[[int], None] | None = None,
) -> xr.Dataset:
    """Simulate a scenario over Monte Carlo paths.

    Parameters
    ----------
    scenario : Scenario, str or Path, optional
        A scenario, a TOML file or the name of a shipped scenario; the baseline by default.
    engine : {"des"}, default "des"
        ``"des"``: the SimPy discrete-event engine (the reference).
    paths : int, optional
        Number of paths; ``scenario.run.paths`` by default (or the number of demand paths).
    seed : int, optional
        Seed of the random inputs; ``scenario.run.seed`` by default.
    demand : array-like or xarray.DataArray, optional
        Demand paths of your own over ``(path, time)`` in GW, replacing the scenario's
        demand process. The buyer still forecasts with the scenario's demand model.
    progress : callable, optional
        Called with the number of paths finished, as they finish.

    Returns
    -------
    xarray.Dataset
        See :func:`computemarket.results.build_dataset`.

    Raises
    ------
    ScenarioError
        If the scenario is invalid.
    InputError
        If the engine, paths, seed or demand paths are invalid.

    Examples
    --------
    >>> ds = simulate(paths=4, seed=1)
    >>> ds.sizes["path"], ds.attrs["engine"]
    (4, 'des')
    >>> float(abs(ds.served + ds.shortfall - ds.demand).max()) < 1e-12
    True
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if engine not in ENGINES:
        raise InputError("engine", engine, f"must be one of {sorted(ENGINES)}")
    plan = make_plan(scenario)
    if paths is None and demand is None:
        paths = scenario.run.paths
    seed = scenario.run.seed if seed is None else seed
    if demand is not None and paths is None:
        paths = _count_paths(demand)
    if isinstance(paths, bool) or not isinstance(paths, int) or paths < 1:
        raise InputError("paths", paths, "must be a positive integer")
    draws = draw(plan, paths, seed)
    inputs = prepare(plan, draws, demand=demand, bidding=scenario.bidding.mode)
    records = ENGINES[engine](inputs, progress=progress)
    return build_dataset(scenario, records, seed=seed, engine=engine)


def _count_paths(demand: object) -> int:
    shape = getattr(demand, "shape", None)
    if shape is None:
        try:
            shape = (len(demand),)  # type: ignore[arg-type]
        except TypeError:
            raise InputError(
                "demand", type(demand).__name__, "must be an array over (path, time)"
            ) from None
    if len(shape) != 2:
        raise InputError("demand", f"array of shape {tuple(shape)}", "must have dims (path, time)")
    if isinstance(demand, xr.DataArray):
        return int(demand.sizes.get("path", shape[0]))
    return int(shape[0])
