"""Random inputs, drawn once per scenario and seed, outside the engines.

Every random number a simulation uses comes from here, in a documented layout, so that
both engines see the same draws and path ``k`` gets the same numbers whichever paths are
simulated beside it and however they are chunked.

Layout. There is one stream per *purpose* and per *block* of :data:`BLOCK_PATHS` paths:
the generator for purpose ``j`` and block ``b`` is ``PCG64(SeedSequence(seed,
spawn_key=(j, b)))``. Each block draws an array of shape ``(BLOCK_PATHS, *shape)`` and
path ``k`` takes row ``k % BLOCK_PATHS`` of block ``k // BLOCK_PATHS``. The purposes are,
in order of ``j``:

0. ``demand``: standard normal shocks to log-demand, shape ``(T - 1,)`` per path;
1. ``cost``: uniforms on (0, 1) turned into cost shocks, shape ``(K, P)`` per path;
2. ``lead``: uniforms on (0, 1) turned into construction lead times, shape ``(K, P)``.

Adding a purpose later appends a new ``j`` and shifts none of these draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from computemarket.market.plan import Plan
from computemarket.scenario.numbers import integer_argument

__all__ = ["BLOCK_PATHS", "PURPOSES", "Draws", "draw"]

#: Paths that share one generator per purpose.
BLOCK_PATHS = 64
#: Purposes of the random streams, in the order of their spawn-key index.
PURPOSES = ("demand", "cost", "lead")
_HALF_ULP = 2.0**-54


@dataclass(frozen=True, eq=False)
class Draws:
    """The raw random numbers for a batch of consecutive paths.

    Attributes
    ----------
    seed : int
    first_path : int
        Index of the first path in the batch.
    demand : ndarray, shape (n, T - 1)
        Standard normal shocks to log-demand.
    cost : ndarray, shape (n, K, P)
        Uniforms on the open interval (0, 1) for cost shocks.
    lead : ndarray, shape (n, K, P)
        Uniforms on the open interval (0, 1) for lead times.
    """

    seed: int
    first_path: int
    demand: np.ndarray
    cost: np.ndarray
    lead: np.ndarray

    @property
    def paths(self) -> int:
        """Number of paths in the batch."""
        return int(self.demand.shape[0])


@lru_cache(maxsize=6)
def _stream(seed: int, purpose: int, first: int, count: int, shape: tuple[int, ...], kind: str):
    """Draws of paths ``first`` .. ``first + count - 1`` for one purpose (read-only).

    Cached: a sweep with common random numbers asks for the same draws at every point.
    """
    out = np.empty((count, *shape))
    if count == 0:
        return out
    first_block = first // BLOCK_PATHS
    last_block = (first + count - 1) // BLOCK_PATHS
    for block in range(first_block, last_block + 1):
        rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(purpose, block)))
        )
        if kind == "normal":
            values = rng.standard_normal((BLOCK_PATHS, *shape))
        else:
            values = rng.random((BLOCK_PATHS, *shape)) + _HALF_ULP
        lo = max(first, block * BLOCK_PATHS)
        hi = min(first + count, (block + 1) * BLOCK_PATHS)
        out[lo - first : hi - first] = values[lo - block * BLOCK_PATHS : hi - block * BLOCK_PATHS]
    out.setflags(write=False)
    return out


def draw(plan: Plan, paths: int, seed: int, first_path: int = 0) -> Draws:
    """Draw the random inputs of paths ``first_path`` to ``first_path + paths - 1``.

    Parameters
    ----------
    plan : Plan
        Fixes the shapes: months ``T``, tenders ``K`` and providers ``P``.
    paths : int
        Number of consecutive paths.
    seed : int
        Non-negative seed of the whole run.
    first_path : int, default 0

    Returns
    -------
    Draws

    Raises
    ------
    InputError
        If ``paths``, ``seed`` or ``first_path`` is negative or not a whole number.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> a = draw(plan, 10, seed=1)
    >>> b = draw(plan, 3, seed=1, first_path=7)
    >>> bool(np.array_equal(a.cost[7:], b.cost))
    True
    """
    paths = integer_argument("paths", paths, 0)
    seed = integer_argument("seed", seed, 0)
    first_path = integer_argument("first_path", first_path, 0)
    shape = (plan.n_tenders, plan.n_providers)
    return Draws(
        seed=seed,
        first_path=first_path,
        demand=_stream(seed, 0, first_path, paths, (plan.months - 1,), "normal"),
        cost=_stream(seed, 1, first_path, paths, shape, "uniform"),
        lead=_stream(seed, 2, first_path, paths, shape, "uniform"),
    )
