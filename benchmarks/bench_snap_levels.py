"""What other snapping levels would leave on the table in the baseline's intermediate tenders.

The engines key an intermediate tender by each taker's share of it snapped to quarters
(``computemarket.market.states``). This samples the baseline's intermediate tenders as
``bench_states.py`` does (strategic, 1,000 paths, seed 0, 40 sampled, duplicates
dropped), snaps each tender's shares to a candidate set of levels (nearest level, at
least the lowest; where the snapped shares would add up to the tender or less, the share
furthest above its level is raised a level at a time, as the engines do), solves that
snapped game, and measures the largest gain of its bids in the tender's true game.

    .venv/bin/python benchmarks/bench_snap_levels.py [--paths 1000] [--sample 40]
"""

from __future__ import annotations

import argparse
from functools import cache

import numpy as np
from bench_states import classify

import computemarket as cm
from computemarket.games.divisible import capacity_gain
from computemarket.games.quantiles import quantile_grid
from computemarket.games.refusal import RefusalSales, refusal_gain
from computemarket.market.equilibria import _rule_bids_among, _snapped_key, _solve
from computemarket.market.plan import make_plan
from computemarket.market.states import takers
from computemarket.scenario.rules import ROFR

CANDIDATES = {
    "quarters (the engines')": (0.25, 0.5, 0.75, 1.0),
    "an eighth, then quarters": (0.125, 0.25, 0.5, 0.75, 1.0),
    "sixths": (1 / 6, 1 / 3, 1 / 2, 2 / 3, 5 / 6, 1.0),
}


def snap(room: np.ndarray, levels: np.ndarray) -> tuple[float, ...]:
    """Shares snapped to the nearest of ``levels``, raised until they exceed the tender."""
    index = np.abs(room[:, None] - levels[None, :]).argmin(axis=1)
    while levels[index].sum() <= 1.0:
        below = np.where(index < levels.size - 1, room - levels[index], -np.inf)
        index[int(np.argmax(below))] += 1
    return tuple(float(x) for x in levels[index])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    scenario = cm.load_scenario("baseline").with_updates({"bidding.mode": "strategic"})
    plan = make_plan(scenario)
    providers, reserve, q = plan.n_providers, plan.reserve_price, quantile_grid()
    ds = cm.simulate(scenario, paths=args.paths, seed=0)
    state, quantity, headroom = classify(ds)
    where = np.argwhere(ds.tender_state.values == 3)
    rng = np.random.default_rng(0)
    chosen = where[rng.choice(len(where), size=min(args.sample, len(where)), replace=False)]
    cases = {}
    for p, t in chosen:
        rule, taking = int(plan.tender_rule[t]), tuple(takers(int(state[p, t]), providers))
        room = np.minimum(headroom[p, t][list(taking)], quantity[p, t]) / quantity[p, t]
        cases[(rule, taking, tuple(np.round(room, 9)))] = room

    @cache
    def solved(rule, taking, shares):
        return _solve(_snapped_key(plan, rule), taking, shares)

    def gain(rule, taking, room, bids) -> float:
        costs = _solve(_snapped_key(plan, rule)).table.costs[list(taking)]
        if rule == ROFR and plan.holder in taking:
            inner = taking.index(plan.holder)
            out = [j for j in range(len(taking)) if j != inner]
            sales = RefusalSales(1.0, room[out], room[inner], costs[inner], q, holder_quote=reserve)
            return float(refusal_gain(costs[out], bids[out], q, reserve, sales).max())
        return float(capacity_gain(costs, bids, q, reserve, quantity=1.0, capacity=room).max())

    print(f"baseline, {args.paths} paths: {len(cases)} distinct intermediate tenders sampled")
    for name, levels in CANDIDATES.items():
        levels = np.array(levels)
        gains = []
        for (rule, taking, _), room in cases.items():
            shares = snap(room, levels)
            if all(x == 1.0 for x in shares):
                bids = _rule_bids_among(_snapped_key(plan, rule), taking).table.bids
            else:
                bids = solved(rule, taking, shares).table.bids[list(taking)]
            gains.append(gain(rule, taking, room, bids) / reserve)
        g = np.array(gains)
        states = (levels.size + 1) ** providers
        print(
            f"  {name:<26} {states:4d} lattice states: median {np.median(g):6.2%}, "
            f"90th pct {np.quantile(g, 0.9):6.2%}, largest {g.max():6.2%} of the reserve"
        )


if __name__ == "__main__":
    main()
