"""Run a sweep: every point of a design, in-process, on local processes or on Dask.

Each point's seed comes from the sweep's seed and the point's index, so results are
bit-identical whichever executor or engine runs them and in whatever order points
finish. With a ``store`` folder, finished points are written there in batches, every
``checkpoint_seconds``, atomically (a temporary file renamed into place), so a killed
sweep restarted with ``resume=True`` recomputes only the points not yet written and ends
with exactly the results of an uninterrupted run. A point that raises is recorded with
its error and parameters; the sweep goes on.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from computemarket import compiled
from computemarket.errors import InputError
from computemarket.scenario import Scenario
from computemarket.simulate import check_engine, simulate, simulate_summary, summary_statistics
from computemarket.summary import STATISTICS, statistics_variable, summarize
from computemarket.sweepspec import Point, SweepSpec, _dim_name, load_sweep

__all__ = ["sweep"]

Progress = Callable[[int, int], None]

#: Version of the store's layout: sweep.json, batches of points, failures, the result.
STORE_FORMAT = 2


@dataclass(frozen=True)
class _Statistics:
    """A point's summary statistics (``m_stats`` arrays), as a worker sends them back."""

    values: dict[str, np.ndarray]
    providers: tuple[str, ...]


def _run_points(
    base_toml: str, points: list[Point], paths: int, keep: str, engine: str
) -> list[tuple[int, Any, str]]:
    """Simulate some points; for each, (index, result or None, error text)."""
    base = Scenario.from_dict(tomllib.loads(base_toml))
    return [_run_point(base, point, paths, keep, engine) for point in points]


def _run_point(
    base: Scenario, point: Point, paths: int, keep: str, engine: str
) -> tuple[int, Any, str]:
    try:
        scenario = base.with_updates(point.updates)
        if keep == "full":
            results = simulate(scenario, paths=paths, seed=point.seed, engine=engine)
            summary = summarize(results)
            stats = summary[[n for n in summary.data_vars if n.endswith("_stats")]]
            return point.index, xr.merge([results, stats], combine_attrs="override"), ""
        if keep == "summary":
            # Plain arrays: a labelled dataset per point would cost as much as its engine.
            stats = summary_statistics(scenario, engine=engine, paths=paths, seed=point.seed)
            return point.index, _Statistics(stats, scenario.provider_names), ""
        return (
            point.index,
            simulate_summary(scenario, paths=paths, seed=point.seed, engine=engine),
            "",
        )
    except Exception as exc:  # a failing point is recorded, not fatal
        return point.index, None, f"{type(exc).__name__}: {exc}"


def sweep(
    spec: SweepSpec | str | Path,
    *,
    executor: Any = None,
    workers: int = 2,
    store: str | Path | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    checkpoint_seconds: float = 5.0,
    engine: str = "auto",
) -> xr.Dataset:
    """Run every point of a sweep and gather the results in one dataset.

    Parameters
    ----------
    spec : SweepSpec, str or Path
        A sweep, or a sweep file (see :mod:`computemarket.sweepspec`).
    executor : None, "processes", a concurrent.futures.Executor or a dask Client
        ``None`` runs points in this process; ``"processes"`` on ``workers`` local
        processes; an executor or ``distributed.Client`` on that.
    workers : int, default 2
        Processes for ``executor="processes"``.
    store : str or Path, optional
        A folder to write each finished point into, and the result at the end.
    resume : bool, default False
        Continue the sweep already in ``store``, computing only the points it lacks.
    progress : callable, optional
        Called as ``progress(done, total)`` after each point.
    checkpoint_seconds : float, default 5.0
        With a ``store``, finished points are written in batches at most this many
        seconds apart (each point at once with 0, or with ``keep = "full"``): the most
        work a killed sweep loses. Writing a batch takes ~0.2 s whatever its size.
    engine : {"auto", "compiled", "vector", "des"}, default "auto"
        The engine simulating each point: ``"auto"`` is ``"compiled"`` where Numba is
        installed (fastest), else ``"vector"``. All give the same results bit for bit.

    Returns
    -------
    xarray.Dataset
        A dimension per axis for grids (the parameters' values as coordinates), or a
        ``point`` dimension with the parameters as coordinates for other designs. For each
        metric, its ``*_stats`` (and per-path values with ``keep = "paths"``); ``failed``
        and ``error`` per point. Attributes: the sweep file, its digest, counts.

    Raises
    ------
    ScenarioError
        If the sweep file is invalid (before any work starts).
    InputError
        If ``store`` holds a different sweep, or holds one and ``resume`` is False; if
        ``checkpoint_seconds`` or ``engine`` is invalid (before any work starts).
    """
    if (
        isinstance(checkpoint_seconds, bool)
        or not isinstance(checkpoint_seconds, int | float)
        or not checkpoint_seconds >= 0
    ):
        raise InputError("checkpoint_seconds", checkpoint_seconds, "must be a number >= 0")
    engine = _engine(engine)
    if not isinstance(spec, SweepSpec):
        spec = load_sweep(spec)
    folder = _open_store(Path(store), spec, resume) if store is not None else None
    parts: list[xr.Dataset] = []
    errors: dict[int, str] = {}
    if folder is not None:
        parts, errors = _load_done(folder)
    finished = {int(i) for part in parts for i in part["point"].values} | set(errors)
    todo = [p for p in spec.points if p.index not in finished]
    total, done = len(spec.points), len(spec.points) - len(todo)
    if progress is not None:
        progress(done, total)
    keep = spec.settings.keep
    every = 0.0 if keep == "full" else float(checkpoint_seconds)
    buffer: list[tuple[int, xr.Dataset]] = []
    last_flush = time.monotonic()

    def flush() -> None:
        nonlocal last_flush
        if buffer:
            part = _stack(buffer)
            if folder is not None:
                _atomic_netcdf(part, folder / "points" / f"{buffer[0][0]:07d}.nc")
            parts.append(part)
            buffer.clear()
        last_flush = time.monotonic()

    base_toml = spec.base.to_toml()
    for index, result, error in _execute(
        executor, workers, base_toml, todo, (spec.settings.paths, keep, engine)
    ):
        if error:
            errors[index] = error
            if folder is not None:
                _write_failure(folder, spec.points[index], error)
        else:
            buffer.append((index, result))
            if time.monotonic() - last_flush >= every:
                flush()
        done += 1
        if progress is not None:
            progress(done, total)
    flush()
    result = _assemble(spec, parts, errors)
    if folder is not None:
        _atomic_netcdf(result, folder / "result.nc")
    return result


def _engine(engine: str) -> str:
    if engine == "auto":
        return "compiled" if compiled.available() else "vector"
    check_engine(engine, also=("auto",))
    return engine


def _task_size(points: int) -> int:
    """Points per task sent to an executor: enough to amortise its overhead per task."""
    return max(1, min(32, points // 64))


def _execute(executor, workers, base_toml, todo, args):
    if executor is None:
        base = Scenario.from_dict(tomllib.loads(base_toml))
        for point in todo:
            yield _run_point(base, point, *args)
        return
    if executor == "processes":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise InputError("workers", workers, "must be a positive integer")
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            yield from _drain(pool, base_toml, todo, args)
        return
    yield from _drain(executor, base_toml, todo, args)


def _drain(pool, base_toml, todo, args):
    """Submit the points to ``pool`` in tasks and yield their results as tasks complete."""
    size = _task_size(len(todo))
    futures = [
        pool.submit(_run_points, base_toml, todo[first : first + size], *args)
        for first in range(0, len(todo), size)
    ]
    if hasattr(pool, "scheduler_info"):  # a dask distributed Client
        from distributed import as_completed
    else:
        from concurrent.futures import as_completed
    for future in as_completed(futures):
        yield from future.result()


# -- the store ------------------------------------------------------------------------------
def _open_store(folder: Path, spec: SweepSpec, resume: bool) -> Path:
    marker = folder / "sweep.json"
    if marker.exists():
        recorded = json.loads(marker.read_text())
        if recorded.get("digest") != spec.digest:
            raise InputError("store", str(folder), "holds a different sweep; choose another folder")
        if recorded.get("format") != STORE_FORMAT:
            raise InputError(
                "store",
                str(folder),
                f"was written by another version of computemarket (store format "
                f"{recorded.get('format', 1)}, this version reads {STORE_FORMAT}); "
                "run the sweep again into a new folder",
            )
        if not resume:
            raise InputError(
                "store", str(folder), "already holds this sweep; pass --resume to continue it"
            )
    else:
        (folder / "points").mkdir(parents=True, exist_ok=True)
        (folder / "failed").mkdir(exist_ok=True)
        (folder / "sweep.toml").write_text(spec.text)
        marker.write_text(
            json.dumps(
                {
                    "digest": spec.digest,
                    "format": STORE_FORMAT,
                    "points": len(spec.points),
                    "name": spec.settings.name,
                }
            )
        )
    for stray in (folder / "points").glob(".*.tmp"):
        stray.unlink()  # a batch being written when the sweep was killed
    return folder


def _load_done(folder: Path) -> tuple[list[xr.Dataset], dict[int, str]]:
    parts = [
        xr.load_dataset(path, engine="h5netcdf")
        for path in sorted((folder / "points").glob("*.nc"))
    ]
    errors = {}
    for path in sorted((folder / "failed").glob("*.json")):
        errors[int(path.stem)] = json.loads(path.read_text())["error"]
    return parts, errors


def _stack(items: list[tuple[int, Any]]) -> xr.Dataset:
    """Finished points as one dataset over ``point`` (the points' indices)."""
    indices = np.array([index for index, _ in items], dtype=np.int64)
    first = items[0][1]
    if isinstance(first, _Statistics):
        return _stack_statistics(indices, [stats for _, stats in items])
    same = all(
        ds.sizes == first.sizes
        and list(ds.data_vars) == list(first.data_vars)
        and all(ds[c].equals(first[c]) for c in first.coords)
        for _, ds in items[1:]
    )
    if not same:
        # Full time series of points with different tender schedules: pad what is missing.
        stacked = xr.concat(
            [ds for _, ds in items],
            dim="point",
            join="outer",
            coords="different",
            compat="equals",
            combine_attrs="override",
        )
        return stacked.assign_coords(point=indices)
    variables = {
        name: xr.Variable(
            ("point", *var.dims), np.stack([ds[name].values for _, ds in items]), var.attrs
        )
        for name, var in first.data_vars.items()
    }
    return xr.Dataset(variables, coords={**first.coords, "point": indices}, attrs=first.attrs)


def _stack_statistics(indices: np.ndarray, items: list[_Statistics]) -> xr.Dataset:
    first = items[0]
    variables = {}
    for name in first.values:
        stacked = np.stack([item.values[name] for item in items])
        metric = name.removesuffix("_stats")
        variables[name] = statistics_variable(metric, stacked, leading=("point",))
    coords = {
        "point": indices,
        "statistic": list(STATISTICS),
        "provider": np.array(first.providers, dtype=object),
    }
    return xr.Dataset(variables, coords=coords)


def _atomic_netcdf(ds: xr.Dataset, target: Path) -> None:
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    os.close(handle)
    try:
        ds.to_netcdf(temporary, engine="h5netcdf")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _write_failure(folder: Path, point: Point, error: str) -> None:
    target = folder / "failed" / f"{point.index:07d}.json"
    temporary = target.with_suffix(".tmp")
    temporary.write_text(
        json.dumps(
            {"index": point.index, "updates": point.updates, "seed": point.seed, "error": error},
            default=str,
        )
    )
    os.replace(temporary, target)


# -- assembling the result ----------------------------------------------------------------
def _assemble(spec: SweepSpec, parts: list[xr.Dataset], errors: dict[int, str]) -> xr.Dataset:
    if not parts:
        raise InputError(
            "sweep",
            spec.settings.name,
            f"every point failed; first error: {next(iter(errors.values()), '')}",
        )
    data = parts[0]
    if len(parts) > 1:
        # Points can differ in shape only with keep = "full" and axes that change the
        # tender schedule; their tender-level variables are then padded with missing values.
        data = xr.concat(
            parts,
            dim="point",
            join="outer",
            coords="different",
            compat="equals",
            combine_attrs="override",
        )
    # Every point in index order; a failed point's values are missing: NaN for floats,
    # -1 for integers, False for flags.
    fill = {
        name: _missing(var.dtype) for name, var in data.data_vars.items() if "point" in var.dims
    }
    data = data.reindex(point=np.arange(len(spec.points)), fill_value=fill)
    data = data.drop_vars("point")
    failed = np.array([p.index in errors for p in spec.points])
    data["failed"] = ("point", failed)
    data["error"] = (
        "point",
        np.array([errors.get(p.index, "") for p in spec.points], dtype=object),
    )
    names = [a.path for a in spec.axes]
    for path, dim in zip(names, _axis_dims(spec), strict=True):
        data = data.assign_coords({dim: ("point", [p.updates[path] for p in spec.points])})
        data[dim].attrs["parameter"] = path
    dims = _axis_dims(spec)
    if spec.design.kind == "grid" and len(dims) == 1:
        data = data.swap_dims(point=dims[0]).transpose(..., dims[0])  # axes last, as unstack does
    elif spec.design.kind == "grid":
        data = data.set_index(point=dims).unstack("point")
    else:
        data = data.assign_coords(point=np.arange(len(spec.points)))
    data.attrs = {
        "sweep": spec.text,
        "sweep_digest": spec.digest,
        "design": spec.design.kind,
        "paths_per_point": spec.settings.paths,
        "seed": spec.settings.seed,
        "common_random_numbers": int(spec.settings.common_random_numbers),
        "points": len(spec.points),
        "failed_points": int(failed.sum()),
        "parameters": json.dumps(names),
    }
    return data


def _missing(dtype: np.dtype) -> object:
    kind = dtype.kind
    return np.nan if kind in "fc" else (-1 if kind in "iu" else (False if kind == "b" else ""))


def _axis_dims(spec: SweepSpec) -> list[str]:
    return [_dim_name(a.path) for a in spec.axes]
