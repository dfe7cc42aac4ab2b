"""How often each tender state occurs, and how far the bids are from best responses in it.

Runs a scenario with strategic bidding (default: the baseline, 1,000 paths), classifies
every decided tender by its state (:mod:`computemarket.market.states`):

- all needed: headroom, each capped at the quantity, adds up to at most the quantity
  (every provider quotes the reserve: dominant, no gain possible);
- slack: every provider with headroom could serve the whole tender (the single-unit
  equilibrium among them);
- intermediate: some but not all could (the snapped states' equilibria are used, or
  with ``--intermediate taker_set`` the single-unit bids among them),

and, for a sample of the intermediate tenders, measures the largest gain a provider
could make by deviating in the capacity-constrained game of that tender, against its
rivals' bid functions: ``capacity_gain`` under ``open``, ``refusal_gain`` (the outsiders,
against a best-responding holder) under ``rofr``. Gains are $B per GW-year and as a share
of the reserve price. With ``--solve``, the same tenders are also solved in their own
capacity-constrained game (``market_bids(..., capacity=...)``, the grid solver of
:mod:`computemarket.games.distributional` for unlike bidders), to measure what bids that
followed each tender's quantity and headrooms would leave, and how long a solve takes;
with ``--snap N`` as well, the game solved has each share snapped to ``1/N`` of the
tender (the rounding of :func:`~computemarket.market.states.tender_state`), to measure
what a coarser key for the tenders' games would cost.

In a market of more than ``MOST_SET_PROVIDERS`` providers (``--scenario history``) the
sample is drawn from the intermediate tenders that have a group (at most three providers
present: ``market.groups``), the only ones whose game the engines key by shares.

The bids checked are those the engines used: with ``bidding.intermediate = "snapped"``
(the default) the equilibrium of each tender's shares snapped to quarters, with
``--intermediate taker_set`` the single-unit bids among the providers with headroom.

    .venv/bin/python benchmarks/bench_states.py [--scenario baseline] [--paths 1000]
        [--solve [--snap N]] [--intermediate {snapped,taker_set}] [--ungrouped]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import computemarket as cm
from computemarket.games.auction import EPS_GW
from computemarket.games.bids import market_bids
from computemarket.games.divisible import capacity_gain
from computemarket.games.quantiles import quantile_grid
from computemarket.games.refusal import RefusalSales, refusal_gain
from computemarket.market.equilibria import (
    _rule_bids_among,
    _rule_bids_snapped,
    _snapped_bids,
    _snapped_key,
    _solve,
    rule_key,
)
from computemarket.market.groups import group_game, group_levels, groups, present_in
from computemarket.market.plan import make_plan
from computemarket.market.states import (
    MOST_SET_PROVIDERS,
    MOST_SNAPPED_PROVIDERS,
    REGIMES,
    shares,
    snap_levels,
    takers,
    tender_state,
)
from computemarket.scenario.rules import OPEN, ROFR


def classify(ds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each decided tender's state, quantity and headroom, over (path, tender)."""
    quantity = ds.tender_quantity.values  # (path, tender)
    headroom = ds.headroom.values  # (path, tender, provider)
    paths, tenders = quantity.shape
    state = tender_state(quantity.reshape(-1), headroom.reshape(paths * tenders, -1))
    return state.reshape(paths, tenders), quantity, headroom


def gain_in(
    plan,
    rule: int,
    state: int,
    quantity: float,
    headroom: np.ndarray,
    solve: bool = False,
    group: tuple[int, ...] = (),
    snap: int = 0,
) -> float:
    """Largest deviation gain of the state's bids in the capacity game of one tender.

    With ``solve``, of the equilibrium bids of that tender's own game instead, or with
    ``snap`` of the game with its shares snapped to ``1/snap`` (:func:`snap_shares`). ``group``:
    in a market of more than ``MOST_SET_PROVIDERS`` providers, the tender's present
    providers (``market.groups``), whose game it is.
    """
    providers = plan.n_providers
    taking = takers(state, providers)
    key = rule_key(plan, rule)
    if group:
        taking = [p for p in group if headroom[p] > EPS_GW]
    costs = _solve(key).table.costs[taking]
    q = quantile_grid()
    room = np.minimum(headroom[taking], quantity) / quantity
    reserve = plan.reserve_price
    holder = plan.holder
    if solve:
        inner = taking.index(holder) if holder in taking else -1
        own = market_bids(
            rule if inner >= 0 else OPEN,
            costs,
            q,
            holder=inner,
            reserve=reserve,
            quantity=1.0,
            capacity=snap_shares(room, snap) if snap else room,
        )
        grid = own.table.bids
    elif group:
        # Before: the single-unit game among the providers present; with snapped states
        # the game of the group's state (the snapped one, or the takers' single unit).
        # A tender without a group (more present) keeps the game among those present.
        among = _solve(key) if len(group) == providers else _rule_bids_among(key, group)
        grid = among.table.bids[[group.index(p) for p in taking]]
        if plan.snapped_states and len(group) <= MOST_SNAPPED_PROVIDERS:
            row = np.full(MOST_SNAPPED_PROVIDERS, -1)
            row[: len(group)] = group
            index = int(tender_state(np.array([quantity]), headroom[None, :], True, row)[0])
            found = group_game(group_levels(index, providers), group)
            if found is not None and min(found[1]) < 1.0:
                grid = _rule_bids_snapped(_snapped_key(plan, rule), *found).table.bids
            elif found is not None:
                grid = _rule_bids_among(key, found[0]).table.bids
    else:
        grid = _rule_bids_among(key, tuple(taking)).table.bids
        if plan.snapped_states:
            # The quotes the engines used: the snapped state's equilibrium, where solved.
            snapped = int(tender_state(np.array([quantity]), headroom[None, :], True)[0])
            solved = _snapped_bids(plan, rule, snapped) if shares(snapped, providers) else None
            if solved is not None:
                grid = solved.table.bids
    if rule == ROFR and holder in taking:
        inner = taking.index(holder)
        out = [j for j in range(len(taking)) if j != inner]
        sales = RefusalSales(1.0, room[out], room[inner], costs[inner], q, holder_quote=reserve)
        gain = refusal_gain(costs[out], grid[out], q, reserve, sales)
    else:
        gain = capacity_gain(costs, grid, q, reserve, quantity=1.0, capacity=room)
    return float(gain.max())


def snap_shares(room: np.ndarray, levels: int) -> np.ndarray:
    """Shares of one tender snapped to ``1/levels``, as ``tender_state`` snaps quarters."""
    return snap_levels(room[None, :], levels)[0] / levels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=40, help="intermediate tenders checked")
    parser.add_argument(
        "--solve", action="store_true", help="also solve each sampled tender's own game"
    )
    parser.add_argument(
        "--snap", type=int, default=0, help="with --solve, shares snapped to 1/N (0: as drawn)"
    )
    parser.add_argument("--intermediate", default="snapped", choices=["snapped", "taker_set"])
    parser.add_argument(
        "--ungrouped",
        action="store_true",
        help="a large market's intermediate tenders without a group (more than three present)",
    )
    args = parser.parse_args()
    if args.snap and (not args.solve or args.snap < 2):
        parser.error(f"--snap {args.snap}: needs --solve and at least 2 levels")
    updates = {"bidding.mode": "strategic", "bidding.intermediate": args.intermediate}
    scenario = cm.load_scenario(args.scenario).with_updates(updates)
    plan = make_plan(scenario)
    ds = cm.simulate(scenario, paths=args.paths, seed=0)
    state, quantity, headroom = classify(ds)
    code = ds.tender_state.values
    total = (code > 0).sum()
    print(f"{args.scenario}, {args.paths} paths, {total} tenders with a positive quantity")
    for value, name in enumerate(REGIMES[1:], start=1):
        print(f"  {name:<13} {(code == value).sum() / total:6.1%}")
    middle = code == 3
    rng = np.random.default_rng(0)
    where = np.argwhere(middle)
    chosen = where[rng.choice(len(where), size=min(args.sample, len(where)), replace=False)]
    if plan.n_providers > MOST_SET_PROVIDERS:
        # A large market: the tenders with a group, whose game is known (market.groups),
        # or with --ungrouped those without one, which keep the single-unit bids of the
        # providers present.
        sets = present_in(plan)
        small = groups(sets, plan.n_providers)[:, 1] >= 0
        where = where[small[where[:, 1]] != args.ungrouped]
        chosen = where[rng.choice(len(where), size=min(args.sample, len(where)), replace=False)]
    group = (lambda t: sets[t]) if plan.n_providers > MOST_SET_PROVIDERS else (lambda t: ())
    cases = [
        (int(plan.tender_rule[t]), int(state[p, t]), quantity[p, t], headroom[p, t])
        for p, t in chosen
        if int(plan.tender_rule[t]) in (OPEN, ROFR)
    ]
    groups_of = [group(t) for p, t in chosen if int(plan.tender_rule[t]) in (OPEN, ROFR)]
    reserve = plan.reserve_price
    for solve in (False, True) if args.solve else (False,):
        start = time.perf_counter()
        gains = np.array(
            [
                gain_in(plan, *case, solve=solve, group=members, snap=args.snap)
                for case, members in zip(cases, groups_of, strict=True)
            ]
        )
        label = "bids as run"
        if solve:
            own = "own equilibrium, solved"
            label = f"solved with shares in 1/{args.snap}" if args.snap else own
        spent = time.perf_counter() - start
        print(f"intermediate tenders checked: {gains.size}, {label} ({spent:.1f} s)")
        for name, value in (
            ("median", np.median(gains)),
            ("90th pct", np.quantile(gains, 0.9)),
            ("largest", gains.max()),
        ):
            print(f"  {name:<9} gain {value:8.4f} $B/GW-yr  ({value / reserve:6.2%} of reserve)")


if __name__ == "__main__":
    main()
