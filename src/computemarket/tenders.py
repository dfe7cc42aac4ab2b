"""Tender decisions: who supplies how much at what price, on arrays over paths.

Both engines call :func:`decide` with arrays whose first axis runs over paths (the
discrete-event engine passes one path at a time), so a tender is decided by the same
arithmetic whichever engine simulates it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from computemarket.scenario import RULES

__all__ = ["EPS_GW", "TenderOutcome", "decide", "merit_order_fill"]

#: Quantities below this (GW, i.e. one kilowatt) count as zero: headroom, tenders, awards.
EPS_GW = 1e-6 * 1e-3

EXCLUSIVE, ROFR, OPEN = (RULES.index(r) for r in ("exclusive", "rofr", "open"))


@dataclass(frozen=True, eq=False)
class TenderOutcome:
    """The decision on one tender for a batch of paths.

    Attributes
    ----------
    award : ndarray, shape (n, P)
        GW awarded to each provider.
    price : ndarray, shape (n, P)
        Price of each award ($B per GW-year); NaN where nothing is awarded.
    matched : ndarray, shape (n,)
        GW the holder took by matching the best outside offer.
    best_outside : ndarray, shape (n,)
        Lowest acceptable outside quote under ``rofr``; NaN otherwise or if none.
    """

    award: np.ndarray
    price: np.ndarray
    matched: np.ndarray
    best_outside: np.ndarray


def _snap(quantity: np.ndarray) -> np.ndarray:
    return np.where(quantity > EPS_GW, quantity, 0.0)


def merit_order_fill(
    quantity: np.ndarray, bids: np.ndarray, capacity: np.ndarray, eligible: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fill a quantity from the cheapest eligible quote upwards.

    Ties go to the provider listed first.

    Parameters
    ----------
    quantity : ndarray, shape (n,)
        GW to fill.
    bids : ndarray, shape (n, P)
        Quotes ($B per GW-year).
    capacity : ndarray, shape (n, P)
        Most each provider can take (GW).
    eligible : ndarray of bool, shape (n, P)
        Which quotes may be used.

    Returns
    -------
    award : ndarray, shape (n, P)
    remaining : ndarray, shape (n,)
        Quantity left unfilled.

    Examples
    --------
    >>> award, left = merit_order_fill(
    ...     np.array([3.0]), np.array([[12.0, 10.0, 11.0]]),
    ...     np.array([[5.0, 1.0, 1.5]]), np.array([[True, True, True]]))
    >>> award.tolist(), left.tolist()
    ([[0.5, 1.0, 1.5]], [0.0])
    """
    n, providers = bids.shape
    rows = np.arange(n)
    order = np.argsort(np.where(eligible, bids, np.inf), axis=1, kind="stable")
    award = np.zeros((n, providers))
    remaining = quantity.copy()
    for rank in range(providers):
        who = order[:, rank]
        take = np.where(eligible[rows, who], np.minimum(remaining, capacity[rows, who]), 0.0)
        take = _snap(take)
        award[rows, who] = take
        remaining = remaining - take
    return award, _snap(remaining)


def decide(
    rule: int,
    quantity: np.ndarray,
    bids: np.ndarray,
    costs: np.ndarray,
    headroom: np.ndarray,
    holder: int,
    partial_match: bool,
    reserve_price: float,
) -> TenderOutcome:
    """Decide one tender under a contract rule.

    Parameters
    ----------
    rule : int
        Index into :data:`computemarket.scenario.RULES`.
    quantity : ndarray, shape (n,)
        GW tendered.
    bids, costs : ndarray, shape (n, P)
        Each provider's quote and cost ($B per GW-year).
    headroom : ndarray, shape (n, P)
        GW each provider can still commit at the contract's start month.
    holder : int
        Index of the holder of the right (-1 if none; required by ``exclusive``, ``rofr``).
    partial_match : bool
        Under ``rofr``, whether the holder may match part of a tender.
    reserve_price : float
        Quotes above it are refused.

    Returns
    -------
    TenderOutcome

    Notes
    -----
    ``exclusive``: only the holder supplies, ``min(quantity, headroom)`` at its quote.
    ``open``: every provider quotes; merit order fills the tender.
    ``rofr``: the best acceptable outside quote is shown to the holder, which matches it
    when the price covers its cost (for what it can deliver, or only for the whole tender
    without ``partial_match``); outside providers fill the rest in merit order; what is
    still unfilled goes to a holder that did not match, at its own quote.

    Examples
    --------
    A holder (index 0) whose cost is below the best outside quote matches it:

    >>> out = decide(1, np.array([2.0]), bids=np.array([[13.0, 12.0, 12.5]]),
    ...              costs=np.array([[11.0, 10.0, 10.4]]),
    ...              headroom=np.array([[1.5, 5.0, 5.0]]), holder=0,
    ...              partial_match=True, reserve_price=20.0)
    >>> out.award.tolist(), out.price[0, :2].tolist(), out.matched.tolist()
    ([[1.5, 0.5, 0.0]], [12.0, 12.0], [1.5])
    """
    n, providers = bids.shape
    quantity = _snap(quantity)
    room = _snap(headroom)
    acceptable = (bids <= reserve_price) & (room > 0.0)
    price = bids.copy()
    matched = np.zeros(n)
    best_outside = np.full(n, np.nan)
    if rule == OPEN:
        award, _ = merit_order_fill(quantity, bids, room, acceptable)
    elif rule == EXCLUSIVE:
        only_holder = np.zeros(providers, dtype=bool)
        only_holder[holder] = True
        award, _ = merit_order_fill(quantity, bids, room, acceptable & only_holder)
    elif rule == ROFR:
        outside = np.ones(providers, dtype=bool)
        outside[holder] = False
        eligible = acceptable & outside
        best = np.min(np.where(eligible, bids, np.inf), axis=1)
        has_offer = np.isfinite(best)
        best_outside = np.where(has_offer, best, np.nan)
        holder_room = room[:, holder]
        matches = has_offer & (holder_room > 0.0) & (best >= costs[:, holder])
        if not partial_match:
            matches &= holder_room >= quantity - EPS_GW
        matched = np.where(matches, np.minimum(quantity, holder_room), 0.0)
        award, remaining = merit_order_fill(quantity - matched, bids, room, eligible)
        last_resort = ~matches & acceptable[:, holder]
        award[:, holder] = matched + _snap(
            np.where(last_resort, np.minimum(remaining, holder_room), 0.0)
        )
        price[:, holder] = np.where(matches, best, bids[:, holder])
    else:
        raise ValueError(f"unknown rule code {rule}")
    return TenderOutcome(
        award=award,
        price=np.where(award > 0.0, price, np.nan),
        matched=matched,
        best_outside=best_outside,
    )
