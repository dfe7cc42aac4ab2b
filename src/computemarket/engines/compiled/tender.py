"""One tender decided for one path, compiled: :func:`decide` and its merit-order helpers.

The operations of :mod:`computemarket.games.auction` for a single path, written as Numba
loops: the same 1 kW snapping, the same tie-breaking (a stable insertion sort, as NumPy's
stable argsort ranks), the same order of operations, so that the compiled engine's
awards equal the vectorized engine's bit for bit. Importing this module imports Numba.
"""

from __future__ import annotations

import numba
import numpy as np

from computemarket.games.auction import EPS_GW
from computemarket.market.states import (
    LARGE_STATES,
    MOST_SET_PROVIDERS,
    MOST_SNAPPED_PROVIDERS,
    SNAP_LEVELS,
)
from computemarket.scenario.rules import EXCLUSIVE, OPEN, ROFO, ROFR

__all__ = ["decide", "state"]


@numba.njit(cache=True, inline="always")
def _snap(x):
    return x if x > EPS_GW else 0.0


@numba.njit(cache=True)
def state(quantity, headroom, states, group):
    """The tender's state (:func:`computemarket.market.states.tender_state`), for one path.

    ``states``: how many tender states the quotes have; ``group``: the tender's group
    (:func:`computemarket.market.groups.groups`, padded with -1), which keys a large
    market's snapped states as those of a market of its members alone.
    """
    providers = headroom.size
    if providers <= MOST_SET_PROVIDERS:
        return _small_state(quantity, headroom, states > (1 << providers) + 1)
    asked = _snap(quantity)
    total = 0.0
    for p in range(providers):
        total = total + min(_snap(headroom[p]), asked)
    if total <= asked:
        return 1
    size = 0
    for s in range(group.size):
        if group[s] >= 0:
            size += 1
    if states <= LARGE_STATES or size < 2:
        return 0
    members = np.empty(size)
    for s in range(size):
        members[s] = headroom[group[s]]
    small = _small_state(quantity, members, True)
    first = (1 << size) + 1
    if small >= first:
        return LARGE_STATES + small - first
    # A set of takers, every one covering the tender: the full level for each.
    code = 0
    weight = 1
    for s in range(size):
        if small >> s & 1:
            code += SNAP_LEVELS * weight
        weight *= SNAP_LEVELS + 1
    return LARGE_STATES + code


@numba.njit(cache=True)
def _small_state(quantity, headroom, snapped):
    """:func:`state` in a market with a state for every set of takers."""
    providers = headroom.size
    quantity = _snap(quantity)
    total = 0.0
    mask = 0
    for p in range(providers):
        room = _snap(headroom[p])
        total = total + min(room, quantity)
        if room > 0.0:
            mask += 1 << p
    if total <= quantity:
        return 1 << providers
    if not snapped or providers > MOST_SNAPPED_PROVIDERS:
        return mask
    asked = quantity if quantity > 0.0 else 1.0
    scaled = np.zeros(providers)
    level = np.zeros(providers, dtype=np.int64)
    covers = True
    for p in range(providers):
        room = _snap(headroom[p])
        if room > 0.0:
            scaled[p] = min(room, quantity) / asked * SNAP_LEVELS
            level[p] = int(min(max(np.floor(scaled[p] + 0.5), 1.0), SNAP_LEVELS))
        if not (room >= quantity or room <= 0.0):
            covers = False
    # Raise the level furthest below its share until the levels exceed the tender.
    for _ in range(providers):
        if level.sum() > SNAP_LEVELS:
            break
        best = -1
        for p in range(providers):
            if 0 < level[p] < SNAP_LEVELS and (
                best < 0 or scaled[p] - level[p] > scaled[best] - level[best]
            ):
                best = p
        if best < 0:
            break
        level[best] += 1
    code = 0
    top = True
    weight = 1
    for p in range(providers):
        code += level[p] * weight
        weight *= SNAP_LEVELS + 1
        if not (level[p] == SNAP_LEVELS or level[p] == 0):
            top = False
    if covers or top:
        return mask
    return (1 << providers) + 1 + code


@numba.njit(cache=True)
def _fill(quantity, bids, room, eligible, award, key, order):
    """Merit-order fill (:func:`computemarket.games.auction.merit_order_fill`); the rest left.

    ``key`` and ``order`` are scratch arrays of length P. Providers are ranked by a stable
    insertion sort on their eligible bids (ineligible ones last), as NumPy's stable
    argsort ranks them.
    """
    providers = bids.size
    for p in range(providers):
        key[p] = bids[p] if eligible[p] else np.inf
        # Insert p after every ranked provider whose key is not greater.
        j = p
        while j > 0 and key[order[j - 1]] > key[p]:
            order[j] = order[j - 1]
            j -= 1
        order[j] = p
    remaining = quantity
    for rank in range(providers):
        who = order[rank]
        take = min(remaining, room[who]) if eligible[who] else 0.0
        take = _snap(take)
        award[who] = take
        remaining = remaining - take
    return _snap(remaining)


@numba.njit(cache=True)
def _clearing(bids, room, award, eligible, reserve):
    """The lowest eligible bid with room left after ``award``, else the reserve."""
    lowest = np.inf
    for p in range(bids.size):
        if eligible[p] and room[p] - award[p] > EPS_GW and bids[p] < lowest:
            lowest = bids[p]
    return lowest if np.isfinite(lowest) else reserve


@numba.njit(cache=True)
def _market(quantity, bids, room, eligible, second_price, reserve, award, price, key, order):
    """Fill in merit order and price the awards (``computemarket.games.auction._market``)."""
    remaining = _fill(quantity, bids, room, eligible, award, key, order)
    if second_price:
        clearing = _clearing(bids, room, award, eligible, reserve)
        for p in range(bids.size):
            price[p] = clearing
    else:
        for p in range(bids.size):
            price[p] = bids[p]
    return remaining


@numba.njit(cache=True)
def decide(
    rule,
    quantity,
    bids,
    costs,
    headroom,
    holder,
    partial,
    reserve,
    second_price,
    threshold,
    competes,
    award,
    price,
    scratch,
    flags,
    order,
):
    """One tender for one path (:func:`computemarket.games.auction.decide`).

    Fills ``award`` and ``price`` (NaN where nothing is awarded); returns the GW the
    holder took through its right and the outside offer shown to it. ``scratch`` (3, P),
    ``flags`` (2, P) and ``order`` (P,) are working arrays, allocated once per batch.
    """
    providers = bids.size
    quantity = _snap(quantity)
    room, whole, key = scratch[0], scratch[1], scratch[2]
    acceptable, eligible = flags[0], flags[1]
    for p in range(providers):
        room[p] = _snap(headroom[p])
        acceptable[p] = (bids[p] <= reserve) and (room[p] > 0.0)
        eligible[p] = acceptable[p] and p != holder  # the outside market
    matched = 0.0
    best_outside = np.nan
    if rule == OPEN:
        _market(quantity, bids, room, acceptable, second_price, reserve, award, price, key, order)
    elif rule == EXCLUSIVE:
        for p in range(providers):
            eligible[p] = acceptable[p] and p == holder
            price[p] = bids[p]
        _fill(quantity, bids, room, eligible, award, key, order)
    elif rule == ROFR:
        has_offer = False
        for p in range(providers):
            has_offer = has_offer or eligible[p]
        unfilled = _fill(quantity, bids, room, eligible, whole, key, order)
        if second_price:
            offer = _clearing(bids, room, whole, eligible, reserve)
        else:
            offer = np.inf
            for p in range(providers):
                if eligible[p] and bids[p] < offer:
                    offer = bids[p]
        if has_offer:
            best_outside = offer
        holder_room = room[holder]
        holder_cost = costs[holder]
        # Match only when it earns at least what declining (last resort) would.
        match_profit = (offer - holder_cost) * min(quantity, holder_room) if has_offer else 0.0
        fallback = _snap(min(unfilled, holder_room)) if acceptable[holder] else 0.0
        decline_profit = (bids[holder] - holder_cost) * fallback
        matches = (
            has_offer
            and holder_room > 0.0
            and offer >= holder_cost
            and match_profit >= decline_profit
        )
        if not partial:
            matches = matches and holder_room >= quantity - EPS_GW
        matched = min(quantity, holder_room) if matches else 0.0
        remaining = _market(
            quantity - matched,
            bids,
            room,
            eligible,
            second_price,
            reserve,
            award,
            price,
            key,
            order,
        )
        last_resort = (not matches) and acceptable[holder]
        award[holder] = matched + _snap(min(remaining, holder_room) if last_resort else 0.0)
        price[holder] = offer if matches else bids[holder]
    elif rule == ROFO:
        quote = bids[holder]
        accepted = acceptable[holder] and quote <= threshold
        matched = _snap(min(quantity, room[holder]) if accepted else 0.0)
        if competes:
            eligible[holder] = acceptable[holder] and not accepted
        _market(
            quantity - matched,
            bids,
            room,
            eligible,
            second_price,
            reserve,
            award,
            price,
            key,
            order,
        )
        if accepted or not competes:
            award[holder] = matched
            price[holder] = quote
    for p in range(providers):
        if not award[p] > 0.0:
            price[p] = np.nan
    return matched, best_outside
