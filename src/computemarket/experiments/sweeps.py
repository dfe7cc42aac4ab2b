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

import os
import threading
import time
import tomllib
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import xarray as xr

from computemarket.engines import check_engine, compiled
from computemarket.errors import InputError, StoreDamageWarning
from computemarket.experiments.gather import PointStatistics, assemble, stack
from computemarket.experiments.store import Store
from computemarket.experiments.sweep_file import Point, SweepSpec, load_sweep
from computemarket.market.plan import make_plan
from computemarket.market.sizes import (
    bytes_per_path,
    check_bytes,
    check_memory,
    kept_bytes_per_path,
)
from computemarket.results.summary import summarize
from computemarket.scenario import Scenario
from computemarket.scenario.numbers import integer_argument
from computemarket.simulation import (
    DEFAULT_CHUNK_PATHS,
    simulate,
    simulate_summary,
    summary_statistics,
)

__all__ = ["sweep"]

Progress = Callable[[int, int], None]


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
            return point.index, PointStatistics(stats, scenario.provider_names), ""
        return (
            point.index,
            simulate_summary(scenario, paths=paths, seed=point.seed, engine=engine),
            "",
        )
    except Exception as exc:  # a failing point is recorded, not fatal
        return point.index, None, f"{type(exc).__name__}: {exc}"


def sweep(
    spec: SweepSpec | str | Path | Mapping[str, Any],
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
    spec : SweepSpec, str, Path or mapping
        A sweep, a sweep file (see :mod:`computemarket.experiments.sweep_file`), or the
        file's tables built in Python (as :func:`~computemarket.load_sweep` takes them).
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
        If ``store`` holds a different sweep, or holds one and ``resume`` is False, or
        another run is writing it; if ``checkpoint_seconds`` or ``engine`` is invalid
        (before any work starts).

    Warns
    -----
    StoreDamageWarning
        For each batch or failure record in ``store`` that cannot be read, fails its
        checksum, or repeats points: it is moved to the store's ``damaged/`` folder and
        its points are computed again.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "window.toml"
    >>> _ = file.write_text('''
    ... [sweep]
    ... paths = 50
    ... [design]
    ... kind = "grid"
    ... [[axes]]
    ... path = "contract.window_months"
    ... values = [0, 3, 6]
    ... ''')
    >>> result = sweep(file, engine="vector")
    >>> result.unit_cost_stats.dims
    ('statistic', 'contract_window_months')
    >>> int(result.failed.sum())
    0
    """
    if (
        isinstance(checkpoint_seconds, bool)
        or not isinstance(checkpoint_seconds, int | float)
        or not checkpoint_seconds >= 0
    ):
        raise InputError("checkpoint_seconds", checkpoint_seconds, "must be a number >= 0")
    engine = _engine(engine)
    _check_executor(executor)
    if not isinstance(spec, SweepSpec):
        spec = load_sweep(spec)
    _check_size(spec)
    opened = Store(Path(store), spec, resume) if store is not None else None
    try:
        return _sweep(spec, opened, executor, workers, progress, checkpoint_seconds, engine)
    finally:
        if opened is not None:
            opened.close()


def _sweep(spec, store, executor, workers, progress, checkpoint_seconds, engine) -> xr.Dataset:
    parts: list[xr.Dataset] = []
    errors: dict[int, str] = {}
    if store is not None:
        parts, errors = store.load()
        for line in store.damage:
            warnings.warn(f"store {store.folder}: {line}", StoreDamageWarning, stacklevel=3)
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
            part = stack(buffer)
            if store is not None:
                store.write_batch(part)
            parts.append(part)
            buffer.clear()
        last_flush = time.monotonic()

    base_toml = spec.base.to_toml()
    for index, result, error in _execute(
        executor, workers, base_toml, todo, (spec.settings.paths, keep, engine)
    ):
        if error:
            errors[index] = error
            if store is not None:
                store.write_failure(spec.points[index], error)
        else:
            buffer.append((index, result))
            if time.monotonic() - last_flush >= every:
                flush()
        done += 1
        if progress is not None:
            progress(done, total)
    flush()
    result = assemble(spec, parts, errors)
    if store is not None:
        store.write_result(result)
    return result


#: Scenario fields that change how many tenders, contracts, months or tender states a
#: point has, and so its size in memory.
SIZING_FIELDS = ("horizon_months", "buyer.", "providers", "initial_contracts", "bidding.")


def _check_size(spec: SweepSpec) -> None:
    """Refuse, before any work, a sweep whose points or result would not fit in memory.

    Each point is sized from its own plan where it sets a field that changes the size
    (:data:`SIZING_FIELDS`: more leads, tenders, months or providers), one plan per
    distinct setting of those fields (every point is valid: :func:`load_sweep` checked
    it); a point that sets none is the base's size.
    """
    paths, keep = spec.settings.paths, spec.settings.keep
    plans: dict[str, Any] = {}
    sizes = []
    for point in spec.points:
        sizing = {k: v for k, v in point.updates.items() if k.startswith(SIZING_FIELDS)}
        key = repr(sorted(sizing.items()))
        if key not in plans:
            plans[key] = make_plan(spec.scenario(point) if sizing else spec.base)
        sizes.append(plans[key])
    largest = max(plans.values(), key=bytes_per_path) if plans else make_plan(spec.base)
    check_memory(largest, paths, "records" if keep == "full" else "metrics", DEFAULT_CHUNK_PATHS)
    kept = sum(kept_bytes_per_path(plan) if keep == "full" else 8 * 64 for plan in sizes)
    check_bytes(
        "points",
        len(spec.points),
        kept * (paths if keep != "summary" else 1),
        f"the result would hold every point's {'time series' if keep == 'full' else 'paths'}; "
        'keep = "summary" keeps statistics only, or use fewer points or paths',
    )


def _engine(engine: str) -> str:
    if engine == "auto":
        return "compiled" if compiled.available() else "vector"
    check_engine(engine, also=("auto",))
    return engine


def _check_executor(executor: Any) -> None:
    """Refuse, before any work, an executor that cannot run points."""
    if executor is None or executor == "processes" or callable(getattr(executor, "submit", None)):
        return
    raise InputError(
        "executor",
        executor,
        "must be None (in this process), 'processes', a concurrent.futures.Executor or a "
        "dask distributed Client",
    )


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
        from concurrent.futures.process import BrokenProcessPool

        workers = integer_argument("workers", workers, 1)
        context = multiprocessing.get_context("spawn")
        try:
            with ProcessPoolExecutor(
                workers, mp_context=context, initializer=_watch_parent, initargs=(os.getpid(),)
            ) as pool:
                yield from _drain(pool, base_toml, todo, args)
        except BrokenProcessPool:
            raise InputError(
                "executor",
                "processes",
                "a worker process died. The usual cause: each worker imports the script "
                "that called sweep() and runs its top level again, so a script must do its "
                "work only under `if __name__ == '__main__':`; otherwise memory (fewer "
                "workers), or executor=None",
            ) from None
        return
    yield from _drain(executor, base_toml, todo, args)


def _watch_parent(parent: int, every: float = 0.5) -> None:
    """In a pool worker: exit as soon as the process that started the pool is gone.

    A pool's workers outlive a parent killed with SIGKILL (nothing can tell them); this
    thread checks the parent every ``every`` seconds and ends the worker, so a killed sweep
    leaves none of its processes behind (the resource tracker then exits too).
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="computemarket-watch-parent", daemon=True).start()


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
