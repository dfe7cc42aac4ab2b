"""A compiled reference of the vectorized engine: the same model as a Numba loop per path.

This is the practical speed limit the benchmarks compare the NumPy engine against. It
repeats the arithmetic of :mod:`computemarket.ledger` and :mod:`computemarket.tenders`
operation for operation (sums in the same order, the same 1 kW snapping), so that on
the same draws it gives the same numbers; ``tests/test_compiled_reference.py`` checks
that. It covers the rules ``exclusive``, ``rofr`` and ``open`` with first-price payment
(quotes come prepared, so cost-plus and strategic quotes both work); ``rofo``
and second-price payment are left to the Python engines. Numba is an optional
dependency (the ``bench`` and ``test`` extras).
"""

from __future__ import annotations

import numba
import numpy as np

from computemarket.inputs import MarketInputs
from computemarket.records import Records
from computemarket.tenders import EPS_GW, EXCLUSIVE, OPEN

NEVER = np.iinfo(np.int64).max


@numba.njit(cache=True, inline="always")
def _snap(x):
    return x if x > EPS_GW else 0.0


@numba.njit(cache=True)
def _fill(quantity, bids, room, eligible, award):
    providers = bids.size
    key = np.empty(providers)
    for p in range(providers):
        key[p] = bids[p] if eligible[p] else np.inf
    order = np.argsort(key, kind="mergesort")
    remaining = quantity
    for rank in range(providers):
        who = order[rank]
        take = min(remaining, room[who]) if eligible[who] else 0.0
        take = _snap(take)
        award[who] = take
        remaining = remaining - take
    return _snap(remaining)


@numba.njit(cache=True)
def _decide(rule, quantity, bids, costs, headroom, holder, partial, reserve, award, price):
    providers = bids.size
    quantity = _snap(quantity)
    room = np.empty(providers)
    acceptable = np.empty(providers, dtype=np.bool_)
    for p in range(providers):
        room[p] = _snap(headroom[p])
        acceptable[p] = (bids[p] <= reserve) and (room[p] > 0.0)
        price[p] = bids[p]
    matched = 0.0
    best_outside = np.nan
    if rule == OPEN:
        _fill(quantity, bids, room, acceptable, award)
    elif rule == EXCLUSIVE:
        eligible = np.zeros(providers, dtype=np.bool_)
        eligible[holder] = acceptable[holder]
        _fill(quantity, bids, room, eligible, award)
    else:
        eligible = acceptable.copy()
        eligible[holder] = False
        best = np.inf
        for p in range(providers):
            if eligible[p] and bids[p] < best:
                best = bids[p]
        has_offer = np.isfinite(best)
        if has_offer:
            best_outside = best
        holder_room = room[holder]
        matches = has_offer and holder_room > 0.0 and best >= costs[holder]
        if not partial:
            matches = matches and holder_room >= quantity - EPS_GW
        matched = min(quantity, holder_room) if matches else 0.0
        remaining = _fill(quantity - matched, bids, room, eligible, award)
        last_resort = (not matches) and acceptable[holder]
        award[holder] = matched + _snap(min(remaining, holder_room) if last_resort else 0.0)
        price[holder] = best if matches else bids[holder]
    for p in range(providers):
        if not award[p] > 0.0:
            price[p] = np.nan
    return matched, best_outside


@numba.njit(cache=True)
def _path(
    demand,
    cost,
    bid,
    lead,
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
    months = demand.size
    tenders, providers = cost.shape
    initial = initial_gw.size
    contracts = initial + tenders
    horizon = months
    for c in range(contracts):
        horizon = max(horizon, contract_end[c])
    award = np.zeros((contracts, providers))
    price = np.zeros((contracts, providers))
    unit_cost = np.zeros((contracts, providers))
    build = np.zeros((contracts, providers))
    arrival = np.full((contracts, providers), NEVER, dtype=np.int64)
    commitments = np.zeros((horizon, providers))
    built = spare.copy()
    owned = spare.copy()
    orders = np.empty(contracts, dtype=np.int64)
    n_orders = 0
    for i in range(initial):
        p = initial_provider[i]
        award[i, p] = initial_gw[i]
        price[i, p] = initial_price[i]
        unit_cost[i, p] = base_cost[p]
        for m in range(contract_start[i], contract_end[i]):
            commitments[m, p] += initial_gw[i]
        build[i, p] = initial_gw[i]
        arrival[i, p] = contract_start[i]
        owned[p] = owned[p] + initial_gw[i]
        orders[n_orders] = i
        n_orders += 1
    open_quantity = np.zeros(tenders)
    outcome_award = np.empty(providers)
    outcome_price = np.empty(providers)
    headroom = np.empty(providers)

    for month in range(months):
        # 1. construction due this month, in the order it was placed.
        for j in range(n_orders):
            slot = orders[j]
            for p in range(providers):
                if arrival[slot, p] == month:
                    built[p] = built[p] + build[slot, p]
        # 3. and 4.: decisions at the end of windows, then this month's tender.
        for step in range(2):
            for k in range(tenders):
                if step == 0 and not (tender_window[k] > 0 and tender_decision[k] == month):
                    continue
                if step == 1:
                    if tender_month[k] != month:
                        continue
                    start = tender_start[k]
                    target = demand[month] * forecast[tender_month[k]]
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
                    quantity_out[k] = quantity
                    if tender_window[k] != 0:
                        continue
                start = tender_start[k]
                end = tender_end[k]
                for p in range(providers):
                    headroom[p] = ceiling[p, start] - commitments[start, p]
                matched, best = _decide(
                    tender_rule[k],
                    open_quantity[k],
                    bid[k],
                    cost[k],
                    headroom,
                    holder,
                    partial,
                    reserve,
                    outcome_award,
                    outcome_price,
                )
                slot = initial + k
                open_quantity[k] = 0.0
                for p in range(providers):
                    award[slot, p] = outcome_award[p]
                    price[slot, p] = outcome_price[p] if outcome_award[p] > 0.0 else 0.0
                    unit_cost[slot, p] = cost[k, p]
                    headroom_out[k, p] = max(headroom[p], 0.0)
                    peak = -np.inf
                    for m in range(start, end):
                        commitments[m, p] += outcome_award[p]
                        peak = max(peak, commitments[m, p])
                    need = peak - owned[p]
                    need = need if need > EPS_GW else 0.0
                    owned[p] = owned[p] + need
                    build[slot, p] = need
                    arrival[slot, p] = tender_decision[k] + lead[k, p] if need > 0.0 else NEVER
                    construction_out[k, p] = need
                    award_out[k, p] = outcome_award[p]
                    award_price_out[k, p] = outcome_price[p]
                orders[n_orders] = slot
                n_orders += 1
                matched_out[k] = matched
                best_out[k] = best
        # 5. delivery, oldest contract first.
        total_delivered = 0.0
        for p in range(providers):
            running = 0.0
            delivered = 0.0
            spend = 0.0
            supply = 0.0
            for c in range(contracts):
                if not (contract_start[c] <= month < contract_end[c]):
                    continue
                a = award[c, p]
                each = min(max(built[p] - running, 0.0), a)
                running += a
                delivered += each
                spend += each * price[c, p]
                supply += each * unit_cost[c, p]
            capacity_out[month, p] = built[p]
            contracted_out[month, p] = running
            delivered_out[month, p] = delivered
            spend_out[month, p] = spend / 12.0
            supply_out[month, p] = supply / 12.0
            total_delivered += delivered
        served = min(demand[month], total_delivered)
        served_out[month] = served
        shortfall_out[month] = demand[month] - served


@numba.njit(cache=True, parallel=True)
def _all_paths(
    demand,
    cost,
    bid,
    lead,
    plan_ints,
    ceiling,
    forecast,
    spare,
    base_cost,
    initial_provider,
    initial_gw,
    initial_price,
    contract_start,
    contract_end,
    holder,
    partial,
    reserve,
    out_m,
    out_mp,
    out_k,
    out_kp,
):
    tender_month, tender_start, tender_end, tender_window, tender_decision, tender_rule = (
        plan_ints[0],
        plan_ints[1],
        plan_ints[2],
        plan_ints[3],
        plan_ints[4],
        plan_ints[5],
    )
    for i in numba.prange(demand.shape[0]):
        _path(
            demand[i],
            cost[i],
            bid[i],
            lead[i],
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
            out_mp[0, i],
            out_mp[1, i],
            out_mp[2, i],
            out_mp[3, i],
            out_mp[4, i],
            out_m[0, i],
            out_m[1, i],
            out_k[0, i],
            out_k[1, i],
            out_k[2, i],
            out_kp[0, i],
            out_kp[1, i],
            out_kp[2, i],
            out_kp[3, i],
        )


def run(inputs: MarketInputs, threads: int = 1) -> Records:
    """Simulate the paths of ``inputs`` with the compiled kernel on ``threads`` threads."""
    plan = inputs.plan
    n, months = inputs.demand.shape
    tenders, providers = plan.n_tenders, plan.n_providers
    out_m = np.zeros((2, n, months))
    out_mp = np.zeros((5, n, months, providers))
    out_k = np.zeros((3, n, tenders))
    out_k[1] = np.nan
    out_kp = np.zeros((4, n, tenders, providers))
    out_kp[1] = np.nan
    plan_ints = (
        np.stack(
            [
                plan.tender_month,
                plan.tender_start,
                plan.tender_end,
                plan.tender_window,
                plan.tender_decision,
                plan.tender_rule,
            ]
        )
        if tenders
        else np.zeros((6, 0), dtype=np.int64)
    )
    previous = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        _all_paths(
            inputs.demand,
            inputs.cost,
            inputs.bid,
            inputs.lead,
            plan_ints,
            plan.ceiling,
            plan.forecast_factor,
            plan.spare_gw,
            plan.base_cost,
            plan.initial_provider,
            plan.initial_gw,
            plan.initial_price,
            plan.contract_start,
            plan.contract_end,
            plan.holder,
            plan.partial_match,
            plan.reserve_price,
            out_m,
            out_mp,
            out_k,
            out_kp,
        )
    finally:
        numba.set_num_threads(previous)
    records = Records.for_inputs(inputs)
    a = records.arrays
    for name, values in zip(
        ("capacity", "contracted", "delivered", "spend", "supply_cost"), out_mp, strict=True
    ):
        a[name][:] = values.transpose(1, 2, 0)
    for name, values in zip(("served", "shortfall"), out_m, strict=True):
        a[name][:] = values.T
    names = ("tender_quantity", "best_outside_price", "holder_matched")
    for name, values in zip(names, out_k, strict=True):
        a[name][:] = values.T
    for name, values in zip(
        ("award", "award_price", "construction", "headroom"), out_kp, strict=True
    ):
        a[name][:] = values.transpose(1, 2, 0)
    return records
