"""The compiled engine's kernel: the market model as a Numba loop per path.

It repeats the arithmetic of :mod:`computemarket.market.ledger` and
:mod:`computemarket.games.auction` (through :mod:`computemarket.engines.compiled.tender`)
operation for operation (sums in the same order, the same 1 kW snapping, the same
tie-breaking), so that on the same inputs it gives the vectorized engine's numbers bit
for bit; ``tests/engines/test_compiled.py`` checks that on random scenarios under every
rule and payment rule. Importing this module imports Numba; the engine
(:mod:`computemarket.engines.compiled`) does so only when it is first used.
"""

from __future__ import annotations

import numba
import numpy as np

from computemarket.engines.compiled.capacity import investment_review, tender_room
from computemarket.engines.compiled.tender import decide, state
from computemarket.games.auction import EPS_GW
from computemarket.market.investment import NOT_ENTERED
from computemarket.market.ledger import NEVER

__all__ = ["run_paths"]

#: Paths whose monthly outputs are gathered before being copied to the records.
BLOCK = 8


@numba.njit(cache=True, nogil=True)
def run_paths(
    demand,
    cost,
    bid,
    lead,
    threshold,
    group,
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
    initial_developed,
    investing,
    review,
    development,
    build_share,
    growth,
    capex_rate,
    entrant,
    entry_from,
    entry_threshold,
    entry_cost,
    forecast,
    demand_ceiling,
    bids_from,
    spare,
    base_cost,
    holder,
    partial,
    reserve,
    second_price,
    competes,
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
    bid_out,
    threshold_out,
    developed_out,
    capex_out,
    entered_out,
):
    """Simulate every path of a batch, one after another, into the records' arrays.

    The outputs are those of :class:`computemarket.market.records.Records`, path axis last:
    ``(T, P, n)`` and ``(T, n)`` monthly, ``(K, P, n)`` and ``(K, n)`` per tender, with
    their defaults (NaN for prices not set) already in place. ``bid`` holds every
    tender's quotes in each tender state, state-major, ``(S, n, K, P)``, and ``threshold`` the rofo
    thresholds, ``(K, S)``; each decision picks its state's
    (:func:`computemarket.engines.compiled.tender.state`, from ``group``, each tender's
    group of present providers, ``(K, 3)``, as ``MarketInputs.group``). Under investment supply
    (``investing``) the providers' reviews raise each path's developed capacity, as
    :func:`computemarket.market.investment.review` does.
    """
    n, months = demand.shape
    tenders = tender_month.size
    providers = spare.size
    initial = initial_gw.size
    contracts = initial + tenders
    horizon = months
    for c in range(contracts):
        for p in range(providers):
            horizon = max(horizon, contract_end[c, p])
    # The tenders issued in each month (shortest lead first); the tenders whose window
    # ends in each month and the contracts in force, in order: the same for every path.
    n_issued = np.zeros(months, dtype=np.int64)
    issued = np.empty((months, max(tenders, 1)), dtype=np.int64)
    n_ending = np.zeros(months, dtype=np.int64)
    ending = np.empty((months, max(tenders, 1)), dtype=np.int64)
    for k in range(tenders):
        issued[tender_month[k], n_issued[tender_month[k]]] = k
        n_issued[tender_month[k]] += 1
        if tender_window[k] > 0:
            m = tender_decision[k]
            ending[m, n_ending[m]] = k
            n_ending[m] += 1
    n_active = np.zeros(months, dtype=np.int64)
    active = np.empty((months, max(contracts, 1)), dtype=np.int64)
    for month in range(months):
        for c in range(contracts):
            last = contract_start[c]
            for p in range(providers):
                last = max(last, contract_end[c, p])
            if contract_start[c] <= month < last:  # in force with some provider
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
    open_deliverable = np.zeros(tenders)
    outcome_award = np.empty(providers)
    outcome_price = np.empty(providers)
    headroom = np.empty(providers)
    quote = np.empty(providers)
    states = bid.shape[0]  # quotes state-major: (S, n, K, P)
    scratch = np.empty((3, providers))
    flags = np.empty((2, providers), dtype=np.bool_)
    order = np.empty(providers, dtype=np.int64)
    developed = np.empty((providers, months))
    wanted = np.empty(providers)
    entry_month = np.empty(providers, dtype=np.int64)
    # Construction orders finishing in each month (to skip months when none does).
    due = np.zeros(months, dtype=np.int64)
    # Monthly outputs of a block of BLOCK consecutive paths, copied out a block at a
    # time so that each copy fills whole cache lines of the path-last records.
    block_p = np.empty((8, months, providers, BLOCK))
    block = np.empty((2, months, BLOCK))
    for i in range(n):
        award[:] = 0.0
        price[:] = 0.0
        unit_cost[:] = 0.0
        build[:] = 0.0
        arrival[:] = NEVER
        commitments[:] = 0.0
        open_quantity[:] = 0.0
        open_deliverable[:] = 0.0
        due[:] = 0
        developed[:] = initial_developed
        for p in range(providers):
            entry_month[p] = NOT_ENTERED if entrant[p] else -1
        b = i % BLOCK
        for p in range(providers):
            built[p] = spare[p]
            owned[p] = spare[p]
        n_orders = 0
        latest_start = -1
        for c in range(initial):
            latest_start = max(latest_start, contract_start[c])
            p = initial_provider[c]
            award[c, p] = initial_gw[c]
            price[c, p] = initial_price[c]
            unit_cost[c, p] = base_cost[p]
            for m in range(contract_start[c], contract_end[c, p]):
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
            # 3. decisions at the end of windows (tender order), 4. the review, 5. this
            # month's tenders, each decided at once when it has no window.
            for step in range(n_ending[month] + max(n_issued[month], 1)):
                if step < n_ending[month]:
                    k = ending[month, step]
                else:
                    if investing and review[month] and step == n_ending[month]:
                        investment_review(
                            developed,
                            entry_month,
                            month,
                            demand[i, month],
                            ceiling,
                            development,
                            build_share,
                            growth,
                            entrant,
                            entry_from,
                            entry_threshold,
                            wanted,
                        )
                    if n_issued[month] == 0:
                        continue
                    k = issued[month, step - n_ending[month]]
                    start = tender_start[k]
                    target = demand[i, month] * forecast[k]
                    target = min(target, demand_ceiling[start])
                    covered = 0.0
                    for p in range(providers):
                        covered += commitments[start, p]
                    pending = 0.0
                    for j in range(tenders):
                        if tender_start[j] <= start < tender_end[j]:
                            pending += open_deliverable[j]
                    quantity = target - (covered + pending)
                    quantity = quantity if quantity > EPS_GW else 0.0
                    open_quantity[k] = quantity
                    quantity_out[k, i] = quantity
                    if tender_window[k] != 0:
                        # In its window it counts in pending at what it can deliver.
                        tender_room(
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
                        )
                        free = 0.0
                        for p in range(providers):
                            free = free + max(headroom[p], 0.0)
                        open_deliverable[k] = min(quantity, max(free - pending, 0.0))
                        continue
                start = tender_start[k]
                slot = initial + k
                tender_room(
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
                )
                s = state(open_quantity[k], headroom, states, group[k]) if states > 1 else 0
                for p in range(providers):
                    quote[p] = bid[s, i, k, p]
                    bid_out[k, p, i] = quote[p]
                threshold_out[k, i] = threshold[k, s]
                matched, best = decide(
                    tender_rule[k],
                    open_quantity[k],
                    quote,
                    cost[i, k],
                    headroom,
                    holder,
                    partial,
                    reserve,
                    second_price,
                    threshold[k, s],
                    competes,
                    outcome_award,
                    outcome_price,
                    scratch,
                    flags,
                    order,
                )
                latest_start = max(latest_start, start)
                open_quantity[k] = 0.0
                open_deliverable[k] = 0.0
                for p in range(providers):
                    award[slot, p] = outcome_award[p]
                    price[slot, p] = outcome_price[p] if outcome_award[p] > 0.0 else 0.0
                    unit_cost[slot, p] = cost[i, k, p]
                    peak = -np.inf
                    for m in range(start, contract_end[slot, p]):
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
                    # A contract whose term with p has ended delivers nothing from p.
                    a = award[c, p] if month < contract_end[c, p] else 0.0
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
                block_p[5, month, p, b] = developed[p, month]
                paid = developed[p, month] * capex_rate[p]
                if entry_month[p] == month:
                    paid = paid + entry_cost[p]
                block_p[6, month, p, b] = paid
                block_p[7, month, p, b] = 1.0 if entry_month[p] <= month else 0.0
                total = total + delivered
            served = min(demand[i, month], total)
            block[0, month, b] = served
            block[1, month, b] = demand[i, month] - served
        if b == BLOCK - 1 or i == n - 1:
            first = i - b
            outputs_p = (
                capacity_out,
                contracted_out,
                delivered_out,
                spend_out,
                supply_out,
                developed_out,
                capex_out,
                entered_out,
            )
            for v in range(8):
                for month in range(months):
                    for p in range(providers):
                        for q in range(b + 1):
                            outputs_p[v][month, p, first + q] = block_p[v, month, p, q]
            for month in range(months):
                for q in range(b + 1):
                    served_out[month, first + q] = block[0, month, q]
                    shortfall_out[month, first + q] = block[1, month, q]
