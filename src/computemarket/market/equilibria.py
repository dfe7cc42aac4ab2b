"""Equilibrium bids by game: the single-unit games of each set of takers, the snapped states'.

How each provider bids under a rule comes from
:func:`computemarket.games.bids.market_bids`, solved once per game from the providers'
cost distributions and cached, in memory and on disk (:mod:`computemarket.market.solutions`):

- :func:`rule_bids`: the single-unit game among all providers (and, privately, among
  each smaller set of takers);
- the snapped states' capacity-constrained games (``bidding.intermediate = "snapped"``),
  independent of each other and so solved in parallel processes;
- :func:`state_epsilon` and :func:`case_epsilons`: the largest deviation gains in them.

:mod:`computemarket.market.quotes` turns these bids into every provider's quote per
tender and state.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from computemarket.games.bids import RuleBids, market_bids
from computemarket.games.quantiles import quantile_grid
from computemarket.market.bidding import MIN_STRATEGIC_SPREAD
from computemarket.market.costs import cost_distribution_of, cost_quantiles
from computemarket.market.groups import (
    present_in,
    rule_groups,
    slack_sets,
    snapped_games,
)
from computemarket.market.plan import Plan
from computemarket.market.solutions import cached, cached_map
from computemarket.market.states import (
    MOST_SET_PROVIDERS,
    shares,
    takers,
)
from computemarket.scenario.rules import EXCLUSIVE, OPEN, ROFR

__all__ = [
    "TAIL_PROBABILITIES",
    "case_epsilons",
    "rule_bids",
    "rule_key",
    "state_epsilon",
]

#: Where ``epsilon`` also checks types beyond the grid: the distributions' far tails.
TAIL_PROBABILITIES = np.array([1e-6, 1e-5, 1e-4, 1e-3, 1 - 1e-3, 1 - 1e-4, 1 - 1e-5, 1 - 1e-6])


def _snapped_bids(plan: Plan, rule: int, state: int) -> RuleBids | None:
    """The equilibrium of a snapped state's capacity-constrained tender, or None.

    Solved where the games layer computes it: pay as bid, under ``open`` and ``rofr``
    (outsiders against a best-responding holder). Under ``rofo``, ``exclusive`` and the
    uniform price the state keeps its set of takers' bids.
    """
    if plan.auction != "first_price" or rule not in (OPEN, ROFR):
        return None
    taking = tuple(takers(state, plan.n_providers))
    snapped = shares(state, plan.n_providers)
    return _rule_bids_snapped(_snapped_key(plan, rule), taking, tuple(snapped[p] for p in taking))


def _snapped_key(plan: Plan, rule: int) -> tuple:
    """:func:`rule_key` without what a snapped game does not depend on.

    The markups, the single-unit equilibrium method and ``holder_available`` (the
    capacity game's holder can always match), so that runs differing only in those
    share the snapped solutions.
    """
    key = list(rule_key(plan, rule))
    key[5], key[9], key[10] = 1.0, tuple(0.0 for _ in key[9]), None
    return tuple(key)


def state_epsilon(plan: Plan, rule: int) -> float:
    """Largest deviation gain over the tender states whose equilibrium is solved here.

    The largest of :func:`case_epsilons`. Under ``second_price`` the strategic quotes and
    so their gains are the first-price ones: where every taker covers the tender the
    winner is the marginal offer and is paid its own bid (``docs/economics.md``).

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario("open").with_updates({"bidding.mode": "cost_plus"}))
    >>> state_epsilon(plan, 2)
    0.0
    """
    cases = case_epsilons(plan, rule)
    found = [value for value in (cases["slack"], cases["intermediate"]) if value is not None]
    return float(max(found, default=0.0))


def case_epsilons(plan: Plan, rule: int) -> dict[str, float | bool | None]:
    """Largest deviation gain under ``rule`` by capacity case, where the bids are solved.

    ``"slack"``: the single-unit games of the full set and of each smaller set of takers,
    where every taker's headroom covers the tender (types in the tails included).
    ``"intermediate"``: the snapped states' capacity games (their own games' gains; the
    snapping error is measured apart, ``benchmarks/bench_states.py``), or None where
    intermediate tenders keep the taker set's single-unit bids, which are not solved
    for that case (and for cost-plus bids); zero under ``exclusive`` and with one
    provider. An intermediate tender whose shares all snap to the whole tender bids the
    slack game of its takers, the snapped game at ``(1, ..., 1)``, counted in
    ``"slack"``. In a market of more than ``MOST_SET_PROVIDERS`` providers ``"slack"``
    covers the games among the providers present in the rule's tenders
    (:func:`~computemarket.market.groups.present`) and, with snapped states, those of the
    sets of takers of the tenders' groups; ``"intermediate"`` the groups' snapped games.
    ``"unsolved"``: whether some of the rule's intermediate tenders keep single-unit bids
    (in such a market, those without a group). Where all headroom is needed no gain is
    possible (quoting the reserve is dominant), so it has no entry. $B per GW-year.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario("open").with_updates({"bidding.mode": "cost_plus"}))
    >>> case_epsilons(plan, 2)
    {'slack': 0.0, 'intermediate': None, 'unsolved': True}
    """
    providers = plan.n_providers
    sets = _present_sets(plan, rule) if plan.bidding_mode == "strategic" else set()
    if sets and rule != EXCLUSIVE:
        # A market of more than MOST_SET_PROVIDERS: the games of the sets present.
        key = rule_key(plan, rule)
        slack = max(
            rule_bids(plan, rule).epsilon
            if len(taking) == providers
            else _rule_bids_among(key, taking).epsilon
            for taking in sets
        )
    else:
        slack = rule_bids(plan, rule).epsilon
    if plan.bidding_mode != "strategic":
        return {"slack": float(slack), "intermediate": None, "unsolved": True}
    if rule == EXCLUSIVE:
        # The holder posts the reserve in every state: there is no game to deviate in.
        return {"slack": float(slack), "intermediate": 0.0, "unsolved": False}
    for taking in slack_sets(plan, rule):
        slack = max(slack, _rule_bids_among(rule_key(plan, rule), taking).epsilon)
    intermediate = None if providers >= 2 else 0.0  # one provider: no such tenders
    # Above MOST_SET_PROVIDERS only the tenders with a group have snapped states.
    grouped = sum(len(chosen) for chosen in rule_groups(plan, rule).values())
    every = providers <= MOST_SET_PROVIDERS or grouped == (plan.tender_rule == rule).sum()
    solving = plan.snapped_states and rule in (OPEN, ROFR)
    if solving and (grouped or every):
        _solve_snapped(plan, [rule])
        key = _snapped_key(plan, rule)
        intermediate = max(
            (_rule_bids_snapped(key, *game).epsilon for game in snapped_games(plan, rule)),
            default=0.0,
        )
    unsolved = providers >= 2 and not (solving and every)
    return {"slack": float(slack), "intermediate": intermediate, "unsolved": unsolved}


def _present_sets(plan: Plan, rule: int) -> set[tuple[int, ...]]:
    """The sets of two providers or more present in ``rule``'s tenders, above the set cap.

    Empty in markets of at most ``MOST_SET_PROVIDERS`` providers, whose states name their
    takers, and where no tender is under ``rule``.
    """
    if plan.n_providers <= MOST_SET_PROVIDERS:
        return set()
    sets = present_in(plan)
    under = np.flatnonzero(plan.tender_rule == rule).tolist()
    return {sets[k] for k in under if len(sets[k]) >= 2}


def rule_bids(plan: Plan, rule: int) -> RuleBids:
    """How providers bid under ``rule`` (an index into ``RULES``) in this plan's market.

    Where every provider takes part: the single-unit game among all of them. Computed
    once per plan and rule, and cached: in memory, and for strategic bidding on disk too
    (:mod:`computemarket.market.solutions`), so other processes and later runs read the
    solution rather than solve again.
    """
    return _rule_bids(rule_key(plan, rule))


def rule_key(plan: Plan, rule: int) -> tuple:
    """What determines how providers bid under ``rule`` in ``plan``'s market."""
    return (
        plan.bidding_mode,
        plan.auction,
        rule,
        plan.holder,
        float(plan.reserve_price),
        float(plan.holder_available),
        plan.cost_distribution,
        tuple(plan.base_cost),
        tuple(plan.cost_spread),
        tuple(plan.markup),
        plan.equilibrium,
        plan.cost_tables,
    )


@lru_cache(maxsize=64)
def _rule_bids(key: tuple) -> RuleBids:
    """Solved once per process; strategic solutions also kept on disk across processes."""
    solved = _AMONG.get((key,))
    if solved is not None:
        return solved
    return cached(_solve, key) if key[0] == "strategic" else _solve(key)


@lru_cache(maxsize=256)
def _rule_bids_among(key: tuple, taking: tuple[int, ...]) -> RuleBids:
    """Strategic bids of the single-unit game among the providers ``taking`` only."""
    solved = _AMONG.get((key, taking))
    return solved if solved is not None else cached(_solve, key, taking)


#: Games among the providers present, solved ahead in parallel (:func:`_solve_present`).
_AMONG: dict[tuple, RuleBids] = {}


def _solve_present(plan: Plan) -> None:
    """Solve the games among the providers present in the plan's tenders, in parallel.

    Markets of more than ``MOST_SET_PROVIDERS`` providers only, under strategic bidding:
    every set present under a rule in force (the whole market's through
    :func:`rule_bids`), in worker processes as the snapped games are, so that a cold
    run pays the slowest game rather than their sum.
    """
    if plan.bidding_mode != "strategic" or plan.n_providers <= MOST_SET_PROVIDERS:
        return
    calls = []
    for rule in np.unique(plan.tender_rule).tolist():
        if rule == EXCLUSIVE:
            continue
        key = rule_key(plan, rule)
        sets = _present_sets(plan, rule) | set(slack_sets(plan, rule))
        for taking in sorted(sets):
            call = (key,) if len(taking) == plan.n_providers else (key, taking)
            if call not in _AMONG:
                calls.append(call)
    if len(calls) > 1:
        if len(_AMONG) + len(calls) > _MOST_SNAPPED:
            _AMONG.clear()
        _AMONG.update(zip(calls, cached_map(_solve, calls), strict=True))


#: Solved snapped games in this process, by ``(key, taking, snapped)``.
_SNAPPED: dict[tuple, RuleBids] = {}


#: The most snapped games kept in memory (a few of the baseline's markets' worth).
_MOST_SNAPPED = 2048


def _rule_bids_snapped(key: tuple, taking: tuple[int, ...], snapped: tuple[float, ...]) -> RuleBids:
    """Strategic bids of the capacity game among ``taking`` with ``snapped`` shares."""
    index = (key, taking, snapped)
    if index not in _SNAPPED:
        _remember({index: cached(_solve, key, taking, snapped)})
    return _SNAPPED[index]


def _remember(solved: dict[tuple, RuleBids]) -> None:
    if len(_SNAPPED) + len(solved) > _MOST_SNAPPED:
        _SNAPPED.clear()
    _SNAPPED.update(solved)


def _solve_snapped(plan: Plan, rules) -> None:
    """Solve every snapped state's game of ``rules`` not solved yet, in parallel.

    The games are independent, so :func:`~computemarket.market.solutions.cached_map`
    solves them in worker processes; this is most of a cold strategic run's time with
    snapped states.
    """
    calls = []
    for rule in rules:
        if plan.auction != "first_price" or rule not in (OPEN, ROFR):
            continue
        key = _snapped_key(plan, int(rule))
        for taking, snapped in snapped_games(plan, int(rule)):
            index = (key, taking, snapped)
            if index not in _SNAPPED and index not in calls:
                calls.append(index)
    if calls:
        _remember(dict(zip(calls, cached_map(_solve, calls), strict=True)))


def _solve(
    key: tuple, taking: tuple[int, ...] | None = None, snapped: tuple[float, ...] | None = None
) -> RuleBids:
    mode, auction, rule, holder, reserve, available, family, base, spread, markup, eq, own = key
    q = quantile_grid()
    floor = MIN_STRATEGIC_SPREAD if mode == "strategic" else 0.0
    spreads = np.maximum(np.array(spread), floor)
    costs = _cost_grid(family, np.array(base), spreads, q, own)
    # Types in the tails, far beyond the grid's first and last quantiles (1 / 514).
    tails = _cost_grid(family, np.array(base), spreads, TAIL_PROBABILITIES, own)
    markups = np.array(markup)
    if taking is not None:
        # A smaller market: the holder without headroom cannot match or offer first, so
        # under rofr and rofo its rivals bid as in an open market among themselves.
        every = list(taking)
        costs, tails, markups = costs[every], tails[every], markups[every]
        if holder in every:
            holder = every.index(holder)
        else:
            holder = -1
            rule = OPEN
    if mode == "strategic":
        # A market tender is divisible and, where every taker could serve it, the winner
        # has headroom left: it is the marginal offer and the uniform price is its own
        # bid. Both payment rules are then pay as bid (docs/economics.md).
        auction = "first_price"
    if snapped is not None:
        # One tender's capacity game, in shares of its quantity.
        return market_bids(
            rule,
            costs,
            q,
            holder=holder,
            reserve=reserve,
            quantity=1.0,
            capacity=np.array(snapped),
            tail_costs=tails,
        )
    return market_bids(
        rule,
        costs,
        q,
        holder=holder,
        reserve=reserve,
        mode=mode,
        auction=auction,
        holder_available=available,
        markup=markups,
        equilibrium=eq,
        tail_costs=tails if mode == "strategic" else None,
    )


def _cost_grid(
    family: str, base: np.ndarray, spread: np.ndarray, q: np.ndarray, own: tuple = ()
) -> np.ndarray:
    """Each provider's cost quantiles on the grid ``q``, shape (P, G).

    Providers with a distribution of their own (``own``, as ``Plan.cost_tables``) take
    its quantiles.
    """
    grid = cost_quantiles(family, base, spread, q[:, None]).T
    for provider, table in enumerate(own):
        if table is not None:
            grid[provider] = cost_distribution_of(table).ppf(q)
    return grid
