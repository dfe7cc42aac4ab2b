"""Memory a simulation needs, estimated before anything is allocated, and the check.

:func:`check_memory` is the one place that compares what a request would allocate with
the memory the machine has free, so that ``simulate(paths=10**12)`` is refused at once
with a message that says how many paths would fit, rather than failing deep inside NumPy
after minutes of work.
"""

from __future__ import annotations

import psutil

from computemarket.errors import InputError
from computemarket.market.plan import Plan
from computemarket.market.states import state_count

__all__ = ["bytes_per_path", "check_bytes", "check_memory", "kept_bytes_per_path"]

_FLOAT = 8
#: Headline metrics per path, with room to spare (``results.metrics`` has 19).
_METRICS = 32


def kept_bytes_per_path(plan: Plan) -> int:
    """Bytes of one path's records kept for the whole run (``simulate``'s output).

    Monthly outputs (five per provider, two not, and demand) and tender outputs and inputs
    (four per provider and four not, plus cost, bid and lead time per provider).

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> kept_bytes_per_path(make_plan(load_scenario())) > 10_000
    True
    """
    months, tenders, providers = plan.months, plan.n_tenders, plan.n_providers
    monthly = months * (5 * providers + 3)
    tendered = tenders * (7 * providers + 4)
    return _FLOAT * (monthly + tendered)


def bytes_per_path(plan: Plan) -> int:
    """Bytes of one path's working state while its chunk runs: ledger, inputs, records.

    The inputs hold every quote in every tender state (:mod:`computemarket.market.states`).

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> bytes_per_path(plan) > kept_bytes_per_path(plan)
    True
    """
    providers = plan.n_providers
    contracts = plan.n_initial + plan.n_tenders
    horizon = max(plan.months, int(plan.contract_end.max(initial=0)))
    ledger = 6 * contracts * providers + horizon * providers + 4 * providers + 2 * plan.n_tenders
    states = state_count(providers, plan.snapped_states) if plan.bidding_mode == "strategic" else 1
    inputs = (3 + states) * plan.n_tenders * providers + plan.months
    return _FLOAT * (ledger + inputs) + kept_bytes_per_path(plan)


def check_memory(plan: Plan, paths: int, keep: str, working: int) -> None:
    """Refuse a request whose arrays would not fit in the memory this machine has free.

    Parameters
    ----------
    plan : Plan
    paths : int
        Paths requested.
    keep : {"records", "metrics"}
        What is kept of every path to the end: its records (``simulate``) or its metrics
        (a summary, which holds the records of one chunk at a time).
    working : int
        Paths in flight at once (chunk size times chunks in flight).

    Raises
    ------
    InputError
        Naming ``paths``, the memory needed and free, and how many paths would fit.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> check_memory(plan, 1000, "records", 1000)
    >>> check_memory(plan, 10**12, "metrics", 4096)
    Traceback (most recent call last):
    ...
    computemarket.errors.InputError: paths = 1000000000000: would need about ...
    """
    if keep == "records":
        # The dataset presents the records path first: counted twice.
        per_kept = 2 * kept_bytes_per_path(plan)
    else:
        per_kept = _FLOAT * (2 * _METRICS + 2 * plan.n_providers)
    in_flight = min(working, paths) * bytes_per_path(plan)
    free = psutil.virtual_memory().available
    fit = int(max(0.8 * free - in_flight, 0) // per_kept)
    advice = f"at most about {fit:,} paths fit"
    if keep == "records":
        advice += (
            " with every path kept; simulate_summary (computemarket run --summary-only) "
            "keeps one chunk at a time"
        )
    check_bytes("paths", paths, paths * per_kept + in_flight, advice)


def check_bytes(field: str, value: object, needed: float, advice: str) -> None:
    """Refuse ``field = value`` if ``needed`` bytes would not fit in free memory.

    Examples
    --------
    >>> check_bytes("points", 10, 1e3, "fewer points")
    >>> check_bytes("points", 10**9, 1e18, "fewer points")
    Traceback (most recent call last):
    ...
    computemarket.errors.InputError: points = 1000000000: would need about ...
    """
    free = psutil.virtual_memory().available
    if needed <= 0.8 * free:
        return
    raise InputError(
        field,
        value,
        f"would need about {_size(needed)} of memory and {_size(free)} is free; {advice}",
    )


def _size(count: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if count < 1024:
            return f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} PiB"
