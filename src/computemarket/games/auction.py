"""Tender decisions: who supplies how much at what price, on arrays over paths.

Both engines call :func:`decide` with arrays whose first axis runs over paths (the
discrete-event engine passes one path at a time), so a tender is decided by the same
arithmetic whichever engine simulates it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from computemarket.scenario import RULES

__all__ = ["EPS_GW", "TenderOutcome", "clearing_price", "decide", "merit_order_fill"]

#: Quantities below this (GW, i.e. one kilowatt) count as zero: headroom, tenders, awards.
EPS_GW = 1e-6 * 1e-3

EXCLUSIVE, ROFR, OPEN, ROFO = (RULES.index(r) for r in ("exclusive", "rofr", "open", "rofo"))


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
        GW the holder took through its right: by matching under ``rofr``, by its accepted
        first offer under ``rofo``.
    best_outside : ndarray, shape (n,)
        The outside offer shown to the holder under ``rofr`` (the lowest acceptable
        outside quote, or under ``second_price`` the outsiders' clearing price); NaN
        otherwise or if there is none.
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


def clearing_price(
    bids: np.ndarray, room_left: np.ndarray, eligible: np.ndarray, reserve_price: float
) -> np.ndarray:
    """The uniform price of a market: its lowest rejected unit's offer, else the reserve.

    The lowest eligible bid with room left after the awards. A partly used offer (the
    marginal one) therefore sets the price with its own bid; a marginal offer used to the
    last unit leaves the price to the next offer; where every eligible unit is sold, the
    price is the reserve. This is the multi-unit uniform-price auction's price at the unit
    level (Krishna 2010, ch. 12), the convention of pay-as-bid against uniform-price
    comparisons in electricity auctions (Fabra, von der Fehr and Harbord 2006). With one
    unit and headroom one each it is the second-lowest bid; with headroom that covers the
    tender, the winner is the marginal offer and is paid its own bid.

    Parameters
    ----------
    bids, room_left : ndarray, shape (n, P)
        Quotes, and the headroom each provider has left after the awards.
    eligible : ndarray of bool, shape (n, P)
        Which quotes took part.
    reserve_price : float
        The price where no eligible unit is left unsold.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    1.5 units asked of three offers of one unit: the second offer is used in part and
    sets the price; with two offers of 0.75 the second is used up and the third sets it.

    >>> bids, eligible = np.array([[10.0, 11.0, 12.0]]), np.ones((1, 3), bool)
    >>> clearing_price(bids, np.array([[0.0, 0.5, 1.0]]), eligible, 20.0).tolist()
    [11.0]
    >>> clearing_price(bids, np.array([[0.0, 0.0, 1.0]]), eligible, 20.0).tolist()
    [12.0]
    """
    unused = eligible & (room_left > EPS_GW)
    lowest = np.min(np.where(unused, bids, np.inf), axis=1)
    return np.where(np.isfinite(lowest), lowest, reserve_price)


def _market(
    quantity: np.ndarray,
    bids: np.ndarray,
    room: np.ndarray,
    eligible: np.ndarray,
    auction: str,
    reserve_price: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill ``quantity`` in merit order; price each award under the payment rule."""
    award, remaining = merit_order_fill(quantity, bids, room, eligible)
    if auction == "second_price":
        clearing = clearing_price(bids, room - award, eligible, reserve_price)
        price = np.broadcast_to(clearing[:, None], bids.shape).copy()
    else:
        price = bids.copy()
    return award, price, remaining


def decide(
    rule: int,
    quantity: np.ndarray,
    bids: np.ndarray,
    costs: np.ndarray,
    headroom: np.ndarray,
    holder: int,
    partial_match: bool,
    reserve_price: float,
    auction: str = "first_price",
    threshold: float | np.ndarray = float("nan"),
    refused_competes: bool = False,
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
        Index of the holder of the right (-1 if none; required by all rules but ``open``).
    partial_match : bool
        Under ``rofr``, whether the holder may match part of a tender.
    reserve_price : float
        Quotes above it are refused.
    auction : {"first_price", "second_price"}, default "first_price"
        Pay as bid, or pay every winner of a market the price that clears it.
    threshold : float or ndarray of shape (n,), optional
        Under ``rofo``, the highest first offer from the holder that the buyer accepts.
    refused_competes : bool, default False
        Under ``rofo``, whether a holder whose first offer is refused then takes part in
        the outside market with the same quote.

    Returns
    -------
    TenderOutcome

    Notes
    -----
    ``exclusive``: only the holder supplies, ``min(quantity, headroom)`` at its quote.
    ``open``: every provider quotes; merit order fills the tender.
    ``rofr``: the outside market's price (its best quote, or under ``second_price`` its
    clearing price) is shown to the holder. The holder matches it when the price covers
    its cost and matching earns it at least what declining would, declining meaning that
    it sells, at its own quote, what the outside market leaves unfilled: for what it can
    deliver, or, without ``partial_match``, only for the whole tender. Outside providers
    fill the rest in merit order. What is still unfilled goes to a holder that did not
    match, at its own quote.
    ``rofo``: the holder's quote is taken first, for what it can deliver, if it does not
    exceed ``threshold``; the rest goes to the outside market, with no later match. A
    refused holder competes in that market, at its quote, when ``refused_competes``.

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
    matched = np.zeros(n)
    best_outside = np.full(n, np.nan)
    outside = np.ones(providers, dtype=bool)
    if holder >= 0:
        outside[holder] = False
    if rule == OPEN:
        award, price, _ = _market(quantity, bids, room, acceptable, auction, reserve_price)
    elif rule == EXCLUSIVE:
        award, _ = merit_order_fill(quantity, bids, room, acceptable & ~outside)
        price = bids.copy()
    elif rule == ROFR:
        eligible = acceptable & outside
        has_offer = eligible.any(axis=1)
        # The outsiders' market for the whole tender: what it would leave unfilled, and
        # under second_price the price it would clear at.
        whole, unfilled = merit_order_fill(quantity, bids, room, eligible)
        if auction == "second_price":
            offer = clearing_price(bids, room - whole, eligible, reserve_price)
        else:
            offer = np.min(np.where(eligible, bids, np.inf), axis=1)
        best_outside = np.where(has_offer, offer, np.nan)
        holder_room = room[:, holder]
        holder_cost = costs[:, holder]
        # The holder matches when matching earns at least what declining would: declining,
        # it sells what the outsiders leave unfilled, as supplier of last resort at its own
        # quote (docs/economics.md).
        margin = np.where(has_offer, offer, holder_cost) - holder_cost
        match_profit = margin * np.minimum(quantity, holder_room)
        fallback = np.where(acceptable[:, holder], _snap(np.minimum(unfilled, holder_room)), 0.0)
        decline_profit = (bids[:, holder] - holder_cost) * fallback
        matches = (
            has_offer
            & (holder_room > 0.0)
            & (offer >= holder_cost)
            & (match_profit >= decline_profit)
        )
        if not partial_match:
            matches &= holder_room >= quantity - EPS_GW
        matched = np.where(matches, np.minimum(quantity, holder_room), 0.0)
        award, price, remaining = _market(
            quantity - matched, bids, room, eligible, auction, reserve_price
        )
        last_resort = ~matches & acceptable[:, holder]
        award[:, holder] = matched + _snap(
            np.where(last_resort, np.minimum(remaining, holder_room), 0.0)
        )
        price[:, holder] = np.where(matches, offer, bids[:, holder])
    elif rule == ROFO:
        holder_quote = bids[:, holder]
        accepted = acceptable[:, holder] & (holder_quote <= threshold)
        matched = _snap(np.where(accepted, np.minimum(quantity, room[:, holder]), 0.0))
        market = acceptable & outside
        if refused_competes:
            market[:, holder] = acceptable[:, holder] & ~accepted
        award, price, _ = _market(quantity - matched, bids, room, market, auction, reserve_price)
        award[:, holder] = np.where(accepted, matched, award[:, holder])
        price[:, holder] = np.where(accepted, holder_quote, price[:, holder])
    else:
        raise ValueError(f"unknown rule code {rule}")
    return TenderOutcome(
        award=award,
        price=np.where(award > 0.0, price, np.nan),
        matched=matched,
        best_outside=best_outside,
    )
