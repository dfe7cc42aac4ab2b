"""The compiled engine: the market model as a Numba loop over paths (optional).

``engine="compiled"`` runs the arithmetic of the vectorized engine
(:mod:`computemarket.engines.vector`) as compiled code, one path after another, and gives the same
numbers bit for bit. It is the fastest engine for sweeps, where each point runs about a
thousand paths and the vectorized engine's cost is mostly NumPy's per-call overhead.

It needs Numba (``pip install 'computemarket[fast]'``), imported only when the engine is
first used; compiled code is cached on disk, so only the first run on a machine pays for
compilation (about 10 seconds). The kernel releases the GIL, so ``workers`` threads
run chunks of paths side by side. The month loop is in
:mod:`~computemarket.engines.compiled.kernel`, the decision on one tender in
:mod:`~computemarket.engines.compiled.tender`.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec

import numpy as np

from computemarket.errors import InputError
from computemarket.market.inputs import MarketInputs
from computemarket.market.records import Records

__all__ = ["available", "require", "run"]

#: The records' arrays the kernel writes, in the order it takes them.
_OUTPUTS = (
    "capacity",
    "contracted",
    "delivered",
    "spend",
    "supply_cost",
    "served",
    "shortfall",
    "tender_quantity",
    "best_outside_price",
    "holder_matched",
    "award",
    "award_price",
    "construction",
    "headroom",
    "bid",
    "acceptance_threshold",
    "developed",
    "capex",
    "entered",
)


def available() -> bool:
    """Whether the compiled engine can run here (Numba is installed)."""
    return find_spec("numba") is not None


def require() -> None:
    """Raise :class:`~computemarket.errors.InputError` if the compiled engine cannot run.

    Raises
    ------
    InputError
        Naming the engine and how to install what it needs.
    """
    if not available():
        raise InputError(
            "engine",
            "compiled",
            "needs Numba: pip install 'computemarket[fast]' (or use engine 'vector')",
        )


def run(
    inputs: MarketInputs,
    progress: Callable[[int], None] | None = None,
    out: Records | None = None,
) -> Records:
    """Simulate every path of ``inputs`` with the compiled kernel.

    Parameters
    ----------
    inputs : MarketInputs
    progress : callable, optional
        Called once with the number of paths when they are done.
    out : Records, optional
        Records covering these paths (and perhaps more) to write into.

    Returns
    -------
    Records

    Raises
    ------
    InputError
        If Numba is not installed.
    """
    require()
    from computemarket.engines.compiled import kernel

    plan = inputs.plan
    investment = plan.investment
    records = Records.for_inputs(inputs, out)
    a = records.arrays
    kernel.run_paths(
        np.ascontiguousarray(inputs.demand),
        np.ascontiguousarray(inputs.cost),
        np.ascontiguousarray(np.moveaxis(inputs.bid, -1, 0)),  # state-major, as stored
        np.ascontiguousarray(inputs.lead),
        np.ascontiguousarray(inputs.threshold, dtype=float),
        np.ascontiguousarray(inputs.group),
        plan.tender_month,
        plan.tender_start,
        plan.tender_end,
        plan.tender_window,
        plan.tender_decision,
        plan.tender_rule,
        plan.contract_start,
        np.ascontiguousarray(plan.contract_end),
        plan.initial_provider,
        plan.initial_gw,
        plan.initial_price,
        np.ascontiguousarray(plan.ceiling),
        np.ascontiguousarray(investment.initial),
        investment.investing,
        investment.review,
        investment.development,
        investment.share,
        np.ascontiguousarray(investment.growth),
        investment.capex_rate,
        investment.entrant,
        investment.entry_from,
        investment.entry_threshold,
        investment.entry_cost,
        plan.tender_factors(),
        np.ascontiguousarray(plan.demand_ceiling),
        np.ascontiguousarray(plan.bids_from),
        plan.spare_gw,
        plan.base_cost,
        plan.holder,
        plan.partial_match,
        float(plan.reserve_price),
        plan.auction == "second_price",
        plan.refused_competes,
        *(a[name] for name in _OUTPUTS),
    )
    if progress is not None:
        progress(inputs.paths)
    return records
