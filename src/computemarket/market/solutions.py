"""Equilibrium solutions cached on disk, across processes and runs.

Solving a strategic equilibrium takes from milliseconds to seconds per rule (the exact
asymmetric solve; ``benchmarks/bench_equilibria.py``); a sweep's workers and repeated
runs would each solve the same games again. :func:`cached` keeps every solution on disk
(``joblib.Memory``) in the user's cache folder (``platformdirs``), keyed by what
determines it: the arguments, and a digest of the source of the modules that compute
it (``games/`` and this layer's quotes), so a changed solver never reads an old answer.

``COMPUTEMARKET_CACHE`` sets the folder; ``COMPUTEMARKET_CACHE=off`` turns the disk
cache off. A folder that cannot be written is skipped silently: the solution is then
computed, as without a cache. A solution read back is the pickled object itself, so
results are bit-identical with and without the cache. Many independent games (the
snapped tender states) are solved at once by :func:`cached_map`, in
``COMPUTEMARKET_SOLVE_JOBS`` processes (default: one per CPU).

Solutions are read back with pickle: point ``COMPUTEMARKET_CACHE`` only at a folder
that you alone can write, as with any pickle cache.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import warnings
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["cache_folder", "cached", "cached_map", "is_cached", "solve_jobs", "solver_digest"]

#: The environment variable naming the cache folder (or "off").
ENVIRONMENT = "COMPUTEMARKET_CACHE"

#: The environment variable setting how many processes :func:`cached_map` solves in.
JOBS_ENVIRONMENT = "COMPUTEMARKET_SOLVE_JOBS"

#: Fewer games than this are solved in this process: starting workers costs more.
MIN_PARALLEL = 8


def cache_folder() -> Path | None:
    """Where solutions are kept: ``$COMPUTEMARKET_CACHE``, else the user cache folder.

    None when the variable is ``off``.

    Examples
    --------
    >>> import os
    >>> saved = os.environ.get("COMPUTEMARKET_CACHE")
    >>> os.environ["COMPUTEMARKET_CACHE"] = "off"
    >>> cache_folder() is None
    True
    >>> os.environ["COMPUTEMARKET_CACHE"] = "/tmp/solutions"
    >>> str(cache_folder())
    '/tmp/solutions'
    >>> _ = os.environ.pop("COMPUTEMARKET_CACHE")
    >>> cache_folder().name
    'equilibria'
    >>> if saved is not None:
    ...     os.environ["COMPUTEMARKET_CACHE"] = saved
    """
    setting = os.environ.get(ENVIRONMENT, "")
    if setting.lower() in ("off", "none", "0", "false"):
        return None
    if setting:
        return Path(setting)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("computemarket")) / "equilibria"


@lru_cache(maxsize=1)
def solver_digest() -> str:
    """SHA-256 of the source of the modules that compute equilibria, and of the versions.

    The package's, NumPy's and SciPy's versions are part of it: a newer SciPy may compute
    quantiles or integrate a little differently.

    Examples
    --------
    >>> len(solver_digest())
    64
    """
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "unknown"

    digest = hashlib.sha256()
    versions = tuple(installed(name) for name in ("computemarket", "numpy", "scipy"))
    digest.update(repr(versions).encode())
    package = resources.files("computemarket")
    files = [*sorted((package / "games").iterdir(), key=lambda f: f.name)]
    files += [
        package / "market" / name
        for name in ("equilibria.py", "quotes.py", "plan.py", "costs.py", "bidding.py", "states.py")
    ]
    files += [package / "scenario" / "distributions.py"]
    for file in files:
        if file.name.endswith(".py"):
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def cached(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)``, read from the disk cache when it has been computed before.

    Parameters
    ----------
    function : callable
        A module-level function of hashable, picklable arguments.
    *args
        Its arguments.

    Returns
    -------
    object
        What ``function`` returns.

    Examples
    --------
    >>> import math
    >>> cached(math.hypot, 3.0, 4.0)
    5.0
    """
    return _cached_in(cache_folder(), function, args)


def _cached_in(folder: Path | None, function: Callable[..., Any], args: tuple) -> Any:
    """:func:`cached` with the folder given (None: no disk cache).

    Worker processes keep the environment they started with, so :func:`cached_map`
    sends the parent's folder with each call.
    """
    if folder is None:
        return function(*args)
    memory = _memory(str(folder))
    if memory is None:
        return function(*args)
    with warnings.catch_warnings():
        # joblib warns and computes when a cache entry cannot be read or written.
        warnings.simplefilter("ignore")
        try:
            return memory.cache(_call)(function, args, solver_digest())
        except OSError:
            return function(*args)


def solve_jobs() -> int:
    """Processes :func:`cached_map` may use: ``$COMPUTEMARKET_SOLVE_JOBS``, else one per CPU.

    Unset, a process started by :mod:`multiprocessing` (a sweep's worker) gets one.

    Raises
    ------
    ValueError
        For a setting that is not a whole number of at least 1.

    Examples
    --------
    >>> import os
    >>> os.environ["COMPUTEMARKET_SOLVE_JOBS"] = "2"
    >>> solve_jobs()
    2
    >>> _ = os.environ.pop("COMPUTEMARKET_SOLVE_JOBS")
    """
    setting = os.environ.get(JOBS_ENVIRONMENT, "").strip()
    if not setting:
        # A worker of a sweep's process pool (or of another multiprocessing pool) solves
        # in itself: its siblings already use the other CPUs.
        if multiprocessing.parent_process() is not None:
            return 1
        return max(os.cpu_count() or 1, 1)
    try:
        jobs = int(setting)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise ValueError(
            f"{JOBS_ENVIRONMENT}={setting!r}: expected a whole number of processes, at least 1"
        )
    return jobs


def cached_map(function: Callable[..., Any], calls: list[tuple]) -> list[Any]:
    """``[cached(function, *args) for args in calls]``, solved in parallel processes.

    With :func:`solve_jobs` above one and at least :data:`MIN_PARALLEL` calls, they run in
    worker processes (``joblib.Parallel``); each result is the one :func:`cached` gives,
    and so is bit-identical to solving here (the solvers are deterministic, and a result
    read from the disk cache is the pickled object).

    Parameters
    ----------
    function : callable
        A module-level function of hashable, picklable arguments.
    calls : list of tuple
        The arguments of each call.

    Returns
    -------
    list
        The results, in the order of ``calls``.

    Examples
    --------
    >>> import math
    >>> cached_map(math.hypot, [(3.0, 4.0), (5.0, 12.0)])
    [5.0, 13.0]
    """
    jobs = min(solve_jobs(), len(calls))
    if jobs < 2 or len(calls) < MIN_PARALLEL:
        return [cached(function, *args) for args in calls]
    from joblib import Parallel, delayed

    folder = cache_folder()
    work = (delayed(_cached_in)(folder, function, args) for args in calls)
    return list(Parallel(n_jobs=jobs)(work))


def is_cached(function: Callable[..., Any], *args: Any) -> bool:
    """Whether ``function(*args)`` is in the disk cache now.

    Examples
    --------
    >>> import math
    >>> _ = cached(math.hypot, 6.0, 8.0)
    >>> is_cached(math.hypot, 6.0, 8.0) or cache_folder() is None
    True
    """
    folder = cache_folder()
    memory = None if folder is None else _memory(str(folder))
    if memory is None:
        return False
    return bool(memory.cache(_call).check_call_in_cache(function, args, solver_digest()))


def _call(function: Callable[..., Any], args: tuple, digest: str) -> Any:
    """What the disk cache keys: the function, its arguments and the solver's digest."""
    del digest  # part of the key only
    return function(*args)


@lru_cache(maxsize=8)
def _memory(folder: str) -> Any:
    from joblib import Memory

    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return None
    return Memory(folder, verbose=0)
