"""The compiled kernel of :mod:`computemarket.compiled`: the market model as a Numba loop per path.

It repeats the arithmetic of :mod:`computemarket.ledger` and :mod:`computemarket.tenders`
operation for operation (sums in the same order, the same 1 kW snapping, the same
tie-breaking), so that on the same inputs it gives the vectorized engine's numbers bit
for bit; ``tests/test_compiled.py`` checks that on random scenarios under every rule and
payment rule. Importing this module imports Numba; :mod:`computemarket.compiled` does so
only when the compiled engine is first used.
"""

from __future__ import annotations

import numba
import numpy as np

from computemarket.tenders import EPS_GW, EXCLUSIVE, OPEN, ROFO, ROFR

NEVER = np.iinfo(np.int64).max
#: Paths whose monthly outputs are gathered before being copied to the records.
BLOCK = 8


@numba.njit(cache=True, inline="always")
def _snap(x):
    return x if x > EPS_GW else 0.0


@numba.njit(cache=True)
def _fill(quantity, bids, room, eligible, award, key, order):
    """Merit-order fill (:func:`computemarket.tenders.merit_order_fill`); the rest left.

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
    """Fill in merit order and price the awards (:func:`computemarket.tenders._market`)."""
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
def _decide(
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
    award,
    price,
    scratch,
    flags,
    order,
):
    """One tender for one path (:func:`computemarket.tenders.decide`).

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
        if second_price:
            _fill(quantity, bids, room, eligible, whole, key, order)
            offer = _clearing(bids, room, whole, eligible, reserve)
        else:
            offer = np.inf
            for p in range(providers):
                if eligible[p] and bids[p] < offer:
                    offer = bids[p]
        if has_offer:
            best_outside = offer
        holder_room = room[holder]
        matches = has_offer and holder_room > 0.0 and offer >= costs[holder]
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
        award[holder] = matched
        price[holder] = quote
    for p in range(providers):
        if not award[p] > 0.0:
            price[p] = np.nan
    return matched, best_outside


@numba.njit(cache=True, nogil=True)
def run_paths(
    demand,
    cost,
    bid,
    lead,
    threshold,
    tender_month,
    tender_start,
    tender_end,
    tender_window,
    tender_decision,
    tender_rule,
    contract_start,
    contract_end,
    initial_provider,
    initial_gw,
    initial_price,
    ceiling,
    forecast,
    spare,
    base_cost,
    holder,
    partial,
    reserve,
    second_price,
    capacity_out,
    contracted_out,
    delivered_out,
    spend_out,
    supply_out,
    served_out,
    shortfall_out,
    quantity_out,
    best_out,
    matched_out,
    award_out,
    award_price_out,
    construction_out,
    headroom_out,
):
    """Simulate every path of a batch, one after another, into the records' arrays.

    The outputs are those of :class:`computemarket.records.Records`, path axis last:
    ``(T, P, n)`` and ``(T, n)`` monthly, ``(K, P, n)`` and ``(K, n)`` per tender, with
    their defaults (NaN for prices not set) already in place.
    """
    n, months = demand.shape
    tenders = tender_month.size
    providers = spare.size
    initial = initial_gw.size
    contracts = initial + tenders
    horizon = months
    for c in range(contracts):
        horizon = max(horizon, contract_end[c])
    # The tender issued in each month; the tenders whose window ends in each month and
    # the contracts in force, in order: the same for every path.
    issued_in = np.full(months, -1, dtype=np.int64)
    for k in range(tenders):
        issued_in[tender_month[k]] = k
    n_ending = np.zeros(months, dtype=np.int64)
    ending = np.empty((months, max(tenders, 1)), dtype=np.int64)
    for k in range(tenders):
        if tender_window[k] > 0:
            m = tender_decision[k]
            ending[m, n_ending[m]] = k
            n_ending[m] += 1
    n_active = np.zeros(months, dtype=np.int64)
    active = np.empty((months, max(contracts, 1)), dtype=np.int64)
    for month in range(months):
        for c in range(contracts):
            if contract_start[c] <= month < contract_end[c]:
                active[month, n_active[month]] = c
                n_active[month] += 1
    award = np.zeros((contracts, providers))
    price = np.zeros((contracts, providers))
    unit_cost = np.zeros((contracts, providers))
    build = np.zeros((contracts, providers))
    arrival = np.zeros((contracts, providers), dtype=np.int64)
    commitments = np.zeros((horizon, providers))
    built = np.zeros(providers)
    owned = np.zeros(providers)
    orders = np.empty(contracts, dtype=np.int64)
    open_quantity = np.zeros(tenders)
    outcome_award = np.empty(providers)
    outcome_price = np.empty(providers)
    headroom = np.empty(providers)
    scratch = np.empty((3, providers))
    flags = np.empty((2, providers), dtype=np.bool_)
    order = np.empty(providers, dtype=np.int64)
    # Construction orders finishing in each month (to skip months when none does).
    due = np.zeros(months, dtype=np.int64)
    # Monthly outputs of a block of BLOCK consecutive paths, copied out a block at a
    # time so that each copy fills whole cache lines of the path-last records.
    block_p = np.empty((5, months, providers, BLOCK))
    block = np.empty((2, months, BLOCK))
    for i in range(n):
        award[:] = 0.0
        price[:] = 0.0
        unit_cost[:] = 0.0
        build[:] = 0.0
        arrival[:] = NEVER
        commitments[:] = 0.0
        open_quantity[:] = 0.0
        due[:] = 0
        b = i % BLOCK
        for p in range(providers):
            built[p] = spare[p]
            owned[p] = spare[p]
        n_orders = 0
        for c in range(initial):
            p = initial_provider[c]
            award[c, p] = initial_gw[c]
            price[c, p] = initial_price[c]
            unit_cost[c, p] = base_cost[p]
            for m in range(contract_start[c], contract_end[c]):
                commitments[m, p] += initial_gw[c]
            build[c, p] = initial_gw[c]
            arrival[c, p] = contract_start[c]
            if contract_start[c] < months:
                due[contract_start[c]] += 1
            owned[p] = owned[p] + initial_gw[c]
            orders[n_orders] = c
            n_orders += 1
        for month in range(months):
            # 1. construction due this month, in the order it was ordered.
            for j in range(n_orders if due[month] > 0 else 0):
                slot = orders[j]
                for p in range(providers):
                    if arrival[slot, p] == month:
                        built[p] = built[p] + build[slot, p]
            # 3. decisions at the end of windows (tender order), 4. this month's tender.
            for step in range(n_ending[month] + 1):
                if step < n_ending[month]:
                    k = ending[month, step]
                else:
                    k = issued_in[month]
                    if k < 0:
                        continue
                    start = tender_start[k]
                    target = demand[i, month] * forecast[tender_month[k]]
                    covered = 0.0
                    for p in range(providers):
                        covered += commitments[start, p]
                    pending = 0.0
                    for j in range(tenders):
                        if tender_start[j] <= start < tender_end[j]:
                            pending += open_quantity[j]
                    quantity = target - (covered + pending)
                    quantity = quantity if quantity > EPS_GW else 0.0
                    open_quantity[k] = quantity
                    quantity_out[k, i] = quantity
                    if tender_window[k] != 0:
                        continue
                start = tender_start[k]
                end = tender_end[k]
                for p in range(providers):
                    headroom[p] = ceiling[p, start] - commitments[start, p]
                matched, best = _decide(
                    tender_rule[k],
                    open_quantity[k],
                    bid[i, k],
                    cost[i, k],
                    headroom,
                    holder,
                    partial,
                    reserve,
                    second_price,
                    threshold[k],
                    outcome_award,
                    outcome_price,
                    scratch,
                    flags,
                    order,
                )
                slot = initial + k
                open_quantity[k] = 0.0
                for p in range(providers):
                    award[slot, p] = outcome_award[p]
                    price[slot, p] = outcome_price[p] if outcome_award[p] > 0.0 else 0.0
                    unit_cost[slot, p] = cost[i, k, p]
                    peak = -np.inf
                    for m in range(start, end):
                        commitments[m, p] += outcome_award[p]
                        peak = max(peak, commitments[m, p])
                    need = peak - owned[p]
                    need = need if need > EPS_GW else 0.0
                    owned[p] = owned[p] + need
                    build[slot, p] = need
                    arrival[slot, p] = tender_decision[k] + lead[i, k, p] if need > 0.0 else NEVER
                    if need > 0.0 and arrival[slot, p] < months:
                        due[arrival[slot, p]] += 1
                    award_out[k, p, i] = outcome_award[p]
                    award_price_out[k, p, i] = outcome_price[p]
                    construction_out[k, p, i] = need
                    headroom_out[k, p, i] = max(headroom[p], 0.0)
                orders[n_orders] = slot
                n_orders += 1
                best_out[k, i] = best
                matched_out[k, i] = matched
            # 5. delivery, oldest contract first.
            total = 0.0
            for p in range(providers):
                running = 0.0
                delivered = 0.0
                spend = 0.0
                supply = 0.0
                for j in range(n_active[month]):
                    c = active[month, j]
                    a = award[c, p]
                    each = min(max(built[p] - running, 0.0), a)
                    running = running + a
                    delivered = delivered + each
                    spend = spend + each * price[c, p]
                    supply = supply + each * unit_cost[c, p]
                block_p[0, month, p, b] = built[p]
                block_p[1, month, p, b] = running
                block_p[2, month, p, b] = delivered
                block_p[3, month, p, b] = spend / 12.0
                block_p[4, month, p, b] = supply / 12.0
                total = total + delivered
            served = min(demand[i, month], total)
            block[0, month, b] = served
            block[1, month, b] = demand[i, month] - served
        if b == BLOCK - 1 or i == n - 1:
            first = i - b
            outputs_p = (capacity_out, contracted_out, delivered_out, spend_out, supply_out)
            for v in range(5):
                for month in range(months):
                    for p in range(providers):
                        for q in range(b + 1):
                            outputs_p[v][month, p, first + q] = block_p[v, month, p, q]
            for month in range(months):
                for q in range(b + 1):
                    served_out[month, first + q] = block[0, month, q]
                    shortfall_out[month, first + q] = block[1, month, q]
