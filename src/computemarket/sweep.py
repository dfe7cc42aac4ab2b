"""Run a sweep: every point of a design, in-process, on local processes or on Dask.

Each point's seed comes from the sweep's seed and the point's index, so results are
bit-identical whichever executor runs them and in whatever order points finish.
With a ``store`` folder, each finished point is written there at once, atomically
(a temporary file renamed into place), so a killed sweep restarted with ``resume=True``
recomputes only the missing points and ends with exactly the results of an uninterrupted
run. A point that raises is recorded with its error and parameters; the sweep goes on.
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from computemarket.errors import InputError
from computemarket.scenario import Scenario
from computemarket.simulate import simulate, simulate_summary
from computemarket.summary import summarize
from computemarket.sweepspec import Point, SweepSpec, _dim_name, load_sweep

__all__ = ["sweep"]

Progress = Callable[[int, int], None]


def _run_point(base_toml: str, point: Point, paths: int, keep: str) -> tuple[int, Any, str]:
    """Simulate one point; return (index, summary or None, error text)."""
    try:
        scenario = Scenario.from_dict(tomllib.loads(base_toml)).with_updates(point.updates)
        if keep == "full":
            results = simulate(scenario, paths=paths, seed=point.seed)
            summary = summarize(results)
            stats = summary[[n for n in summary.data_vars if n.endswith("_stats")]]
            return point.index, xr.merge([results, stats], combine_attrs="override"), ""
        summary = simulate_summary(scenario, paths=paths, seed=point.seed)
        if keep == "summary":
            summary = summary[[n for n in summary.data_vars if n.endswith("_stats")]]
        return point.index, summary, ""
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
        If ``store`` holds a different sweep, or holds one and ``resume`` is False.
    """
    if not isinstance(spec, SweepSpec):
        spec = load_sweep(spec)
    folder = _open_store(Path(store), spec, resume) if store is not None else None
    results: dict[int, xr.Dataset | None] = {}
    errors: dict[int, str] = {}
    if folder is not None:
        results, errors = _load_done(folder)
    todo = [p for p in spec.points if p.index not in results and p.index not in errors]
    total, done = len(spec.points), len(spec.points) - len(todo)
    if progress is not None:
        progress(done, total)
    base_toml = spec.base.to_toml()
    args = (spec.settings.paths, spec.settings.keep)
    for index, summary, error in _execute(executor, workers, base_toml, todo, args):
        if error:
            errors[index] = error
            if folder is not None:
                _write_failure(folder, spec.points[index], error)
        else:
            results[index] = summary
            if folder is not None:
                _atomic_netcdf(summary, folder / "points" / f"{index:07d}.nc")
        done += 1
        if progress is not None:
            progress(done, total)
    result = _assemble(spec, results, errors)
    if folder is not None:
        _atomic_netcdf(result, folder / "result.nc")
    return result


def _execute(executor, workers, base_toml, todo, args):
    if executor is None:
        for point in todo:
            yield _run_point(base_toml, point, *args)
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
    """Submit every point to ``pool`` and yield results as they complete."""
    futures = [pool.submit(_run_point, base_toml, point, *args) for point in todo]
    if hasattr(pool, "scheduler_info"):  # a dask distributed Client
        from distributed import as_completed
    else:
        from concurrent.futures import as_completed
    for future in as_completed(futures):
        yield future.result()


# -- the store ------------------------------------------------------------------------------
def _open_store(folder: Path, spec: SweepSpec, resume: bool) -> Path:
    marker = folder / "sweep.json"
    if marker.exists():
        recorded = json.loads(marker.read_text())
        if recorded.get("digest") != spec.digest:
            raise InputError("store", str(folder), "holds a different sweep; choose another folder")
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
                {"digest": spec.digest, "points": len(spec.points), "name": spec.settings.name}
            )
        )
    for stray in (folder / "points").glob(".*.tmp"):
        stray.unlink()  # a point being written when the sweep was killed
    return folder


def _load_done(folder: Path) -> tuple[dict[int, xr.Dataset], dict[int, str]]:
    results = {}
    for path in sorted((folder / "points").glob("*.nc")):
        results[int(path.stem)] = xr.load_dataset(path, engine="h5netcdf")
    errors = {}
    for path in sorted((folder / "failed").glob("*.json")):
        errors[int(path.stem)] = json.loads(path.read_text())["error"]
    return results, errors


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
def _assemble(
    spec: SweepSpec, results: dict[int, xr.Dataset], errors: dict[int, str]
) -> xr.Dataset:
    if not results:
        raise InputError(
            "sweep",
            spec.settings.name,
            f"every point failed; first error: {next(iter(errors.values()), '')}",
        )
    template = next(iter(results.values()))
    empty = _missing_like(template) if errors else None
    parts = [results.get(p.index, empty) for p in spec.points]
    # Points can differ in shape only with keep = "full" and axes that change the tender
    # schedule; their tender-level variables are then padded with missing values.
    data = xr.concat(parts, dim="point", combine_attrs="override", join="outer")
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


def _missing_like(template: xr.Dataset) -> xr.Dataset:
    """A failed point's placeholder: NaN for floats, -1 for integers, False for flags."""
    out = template.copy()
    for name, var in template.data_vars.items():
        kind = var.dtype.kind
        fill = np.nan if kind in "fc" else (-1 if kind in "iu" else (False if kind == "b" else ""))
        out[name] = xr.full_like(var, fill)
    return out


def _axis_dims(spec: SweepSpec) -> list[str]:
    return [_dim_name(a.path) for a in spec.axes]
