"""The compiled engine's capacity arithmetic: headroom over a term and investment reviews.

Numba versions of :func:`computemarket.market.booking.headroom_over_term` (with the bids
dates of ``Ledger._room``) and :func:`computemarket.market.investment.review`, operation
for operation, for :mod:`computemarket.engines.compiled.kernel`. Importing this module
imports Numba.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["investment_review", "rivals", "tender_room"]


@numba.njit(cache=True, nogil=True)
def tender_room(
    k,
    initial,
    tender_start,
    tender_month,
    contract_end,
    developed,
    commitments,
    latest_start,
    bids_from,
    headroom,
):
    """Each provider's headroom for tender ``k`` into ``headroom``, as ``Ledger._room``.

    Its developed capacity at the start less its commitments then; where a contract booked
    earlier starts later (``latest_start``), no more than the capacity in each later month
    of its term, at least the start's, less the commitments then; zero before the
    provider's first tender.
    """
    start = tender_start[k]
    slot = initial + k
    last = developed.shape[1] - 1
    for p in range(headroom.size):
        headroom[p] = developed[p, start] - commitments[start, p]
        if latest_start > start:  # a contract booked earlier starts later
            later = np.inf
            for m in range(start + 1, contract_end[slot, p]):
                ceiling_m = max(developed[p, start], developed[p, min(m, last)])
                later = min(later, ceiling_m - commitments[m, p])
            headroom[p] = min(headroom[p], later)
        if tender_month[k] < bids_from[p]:
            headroom[p] = 0.0


@numba.njit(cache=True, nogil=True)
def investment_review(
    developed,
    entry_month,
    month,
    demand_now,
    pipeline,
    development,
    share,
    growth,
    entrant,
    entry_from,
    entry_threshold,
    target,
):
    """The entry and investment review of one path, as ``market.investment.review``."""
    providers, months = developed.shape
    for p in range(providers):
        if not entrant[p] or entry_from[p] > month:
            continue
        ahead = month + development[p]
        if ahead >= months:
            continue
        gap = demand_now * growth[p, month] - rivals(developed, p, ahead)
        if entry_month[p] > month and gap >= entry_threshold[p, month]:
            entry_month[p] = month
            want = share[p] * max(gap, 0.0)
            for s in range(ahead, months):
                reach = min(want, pipeline[p, s])
                if reach > developed[p, s]:
                    developed[p, s] = reach
    for p in range(providers):
        ahead = month + development[p]
        if ahead >= months:
            continue
        gap = demand_now * growth[p, month] - rivals(developed, p, ahead)
        target[p] = share[p] * max(gap, 0.0) if entry_month[p] <= month else 0.0
    for p in range(providers):
        ahead = month + development[p]
        if ahead >= months:
            continue
        for s in range(ahead, months):
            reach = min(target[p], pipeline[p, s])
            if reach > developed[p, s]:
                developed[p, s] = reach


@numba.njit(cache=True, nogil=True)
def rivals(developed, p, ahead):
    """Capacity the providers other than ``p`` have developed for month ``ahead``."""
    total = 0.0
    for j in range(developed.shape[0]):
        if j != p:
            total = total + developed[j, ahead]
    return total
