"""Quotes: every provider's price for every tender of a batch of paths, and the rofo thresholds.

:func:`quotes` is applied once per batch of paths, before the engines run, so every
engine sees the same quotes. How each provider bids under each rule comes from
:func:`computemarket.games.bids.market_bids`, computed once per scenario and rule from the
providers' cost distributions (:func:`rule_bids`, cached).

Two bidding modes (``bidding.mode``):

``cost_plus``
    Every provider quotes ``cost x (1 + markup)``.
``strategic``
    Equilibrium bids for the contract rule and payment rule (``bidding.auction``), from
    :mod:`computemarket.games`, by tender state (:mod:`computemarket.market.states`):
    outside bidders shade their bids above cost, knowing the holder may match
    (``rofr``). Under a second-price rule they bid as under pay as bid, since a market
    tender whose takers could each serve it pays the winner its own bid. A
    strategic holder posts the reserve price under ``exclusive``, quotes the highest
    price the buyer accepts under ``rofo`` (when that covers its cost), and asks the
    reserve price as supplier of last resort under ``rofr``.

Any other mode names a registered plug-in (:mod:`computemarket.market.bidding`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from computemarket.games.bids import RuleBids, market_bids
from computemarket.games.first_offer import first_offer_response
from computemarket.games.quantiles import BidTable, quantile_grid
from computemarket.market.bidding import MIN_STRATEGIC_SPREAD, plugin_quotes
from computemarket.market.plan import Plan, cost_distribution_of, cost_quantiles
from computemarket.market.solutions import cached, cached_map
from computemarket.market.states import all_needed, full_set, shares, state_count, takers
from computemarket.scenario.registry import KINDS, lookup
from computemarket.scenario.rules import EXCLUSIVE, OPEN, ROFO, ROFR

__all__ = [
    "MIN_STRATEGIC_SPREAD",
    "TAIL_PROBABILITIES",
    "quotes",
    "rule_bids",
    "rule_key",
    "state_epsilon",
]

#: Where ``epsilon`` also checks types beyond the grid: the distributions' far tails.
TAIL_PROBABILITIES = np.array([1e-6, 1e-5, 1e-4, 1e-3, 1 - 1e-3, 1 - 1e-4, 1 - 1e-5, 1 - 1e-6])


def quotes(plan: Plan, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every provider's quote for every tender in every tender state, and the rofo thresholds.

    Parameters
    ----------
    plan : Plan
    cost : ndarray, shape (n, K, P)
        Each provider's cost per tender ($B per GW-year).

    Returns
    -------
    bids : ndarray, shape (n, K, P, S)
        Quotes ($B per GW-year) in each tender state (:mod:`computemarket.market.states`):
        ``S = 2 ** P + 1`` under strategic bidding, where equilibrium bids depend on
        which providers have headroom and whether all of it is needed; ``S = 1`` under
        cost plus and plug-ins, whose quotes do not.
    threshold : ndarray, shape (K, S)
        For tenders under ``rofo``, the highest first offer from the holder that the buyer
        accepts, in each tender state; NaN for the other tenders.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> bids, threshold = quotes(plan, np.full((1, plan.n_tenders, 3), 10.0))
    >>> bids.shape[3], bids[0, 0, :, 0].round(2).tolist(), threshold.shape
    (1, [11.5, 12.0, 11.0], (17, 1))
    """
    if plan.bidding_mode not in KINDS["bidding"]:
        bids, threshold = plugin_quotes(lookup("bidding", plan.bidding_mode), plan, cost)
        return bids[..., None], threshold[:, None]
    providers = plan.n_providers
    states = state_count(providers, plan.snapped_states) if plan.bidding_mode == "strategic" else 1
    bids = np.empty((*cost.shape, states))
    threshold = np.full((plan.n_tenders, states), np.nan)
    if states > state_count(providers):
        _solve_snapped(plan, np.unique(plan.tender_rule))
    for code in np.unique(plan.tender_rule):
        which = plan.tender_rule == code
        rule = rule_bids(plan, int(code))
        here = cost[:, which, :]
        if states == 1:
            bids[..., 0][:, which, :] = rule(here, plan.holder, plan.reserve_price)
            threshold[which, 0] = rule.threshold
            continue
        for state in range(states):
            view = bids[..., state]  # a view: the mask below then indexes it in place
            unused = shares(state, providers) is not None and not _snapped_used(state, providers)
            if unused or (state != all_needed(providers) and len(takers(state, providers)) < 2):
                # Never reached: a lone provider with headroom is "all needed", and a
                # snapped state needs two takers, not all at the full share.
                view[:, which, :] = here
                continue
            view[:, which, :], threshold[which, state] = _state_quotes(plan, int(code), state, here)
    return bids, threshold


def _state_quotes(plan: Plan, rule: int, state: int, cost: np.ndarray) -> tuple[np.ndarray, float]:
    """Quotes and the rofo threshold in one tender state.

    Providers without headroom quote their cost. Under ``rofo`` the buyer, who knows the
    state, accepts the holder's first offer up to what it expects the outside market to
    charge in that state: the reserve where all headroom is needed (refusing would leave
    the holder's headroom unsold and the tender short), the expected single-unit price
    among the outsiders with headroom otherwise.
    """
    providers, holder, reserve = plan.n_providers, plan.holder, plan.reserve_price
    snapped = shares(state, providers)
    if snapped is not None:
        solved = _snapped_bids(plan, rule, state)
        if solved is not None:
            taking = takers(state, providers)
            out = cost.copy()
            inner = taking.index(holder) if holder in taking else -1
            out[..., taking] = solved(cost[..., taking], inner, reserve)
            return out, np.nan
        # Not solved for this rule: the bids of the set of takers.
        state = sum(1 << p for p in takers(state, providers))
    if state == full_set(providers) or rule == EXCLUSIVE:
        full = rule_bids(plan, rule)
        out, threshold = full(cost, holder, reserve), full.threshold
    elif state == all_needed(providers):
        # Every GW offered sells whatever its price: quote the reserve (dominant).
        out = np.where(cost < reserve, reserve, cost)
        return out, (float(reserve) if rule == ROFO else np.nan)
    else:
        taking = takers(state, providers)
        out = cost.copy()
        among = _rule_bids_among(rule_key(plan, rule), tuple(taking))
        inner = taking.index(holder) if holder in taking else -1
        out[..., taking] = among(cost[..., taking], inner, reserve)
        threshold = among.threshold
    if rule == ROFO and plan.refused_competes and np.isfinite(threshold):
        edge, market = _first_offer_rule(rule_key(plan, rule), state, providers)
        own = cost[..., holder]
        bids = market(own[..., None])[..., 0]
        bids = np.where(own < reserve, np.minimum(bids, reserve), bids)
        # Just above the switching cost the bid exceeds the threshold (else it would offer).
        out[..., holder] = np.where(
            own <= edge, threshold, np.maximum(bids, np.nextafter(threshold, np.inf))
        )
    return out, threshold


@lru_cache(maxsize=256)
def _first_offer_rule(key: tuple, state: int, providers: int) -> tuple[float, BidTable]:
    """The holder's first-offer rule in a state when a refused holder competes.

    The switching cost below which it offers the threshold, and the bids with which
    dearer types, refused on purpose, best-respond to the outsiders' bids of the state
    (``games.first_offer``). It depends on the game and the state only, not on the
    costs drawn, so it is computed once per process rather than per batch of paths.
    """
    holder, reserve = key[3], key[4]
    if state == full_set(providers):
        bids, rows = _rule_bids(key), [p for p in range(providers) if p != holder]
    else:
        taking = takers(state, providers)
        bids = _rule_bids_among(key, tuple(taking))
        rows = [j for j, p in enumerate(taking) if p != holder]
    holder_costs = _rule_bids(key).table.costs[holder]
    edge, market = first_offer_response(
        holder_costs, bids.table.bids[rows], quantile_grid(), bids.threshold, reserve
    )
    return edge, BidTable(holder_costs[None, :], market[None, :])


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

    The full set's (the single-unit game among all providers) and each smaller set's of
    takers, where every taker's headroom covers the tender; all needed has none (quoting
    the reserve is dominant). Where capacity binds for some takers only, the bids are the
    set's single-unit ones and the gain is measured apart (``benchmarks/bench_states.py``);
    with snapped states, each snapped state's gain in its own (snapped) game counts too.
    Under ``second_price`` the strategic quotes and so their gains are the first-price
    ones: where every taker covers the tender the winner is the marginal offer and is
    paid its own bid (``docs/economics.md``).
    """
    epsilon = rule_bids(plan, rule).epsilon
    if plan.bidding_mode != "strategic" or rule == EXCLUSIVE:
        return epsilon
    providers = plan.n_providers
    for state in range(full_set(providers)):
        taking = takers(state, providers)
        if len(taking) >= 2:
            epsilon = max(epsilon, _rule_bids_among(rule_key(plan, rule), tuple(taking)).epsilon)
    if plan.snapped_states:
        _solve_snapped(plan, [rule])
        for state in range(all_needed(providers) + 1, state_count(providers, True)):
            if _snapped_used(state, providers):
                solved = _snapped_bids(plan, rule, state)
                epsilon = max(epsilon, solved.epsilon if solved is not None else 0.0)
    return epsilon


def _snapped_used(state: int, providers: int) -> bool:
    """Whether a snapped state can be a tender's.

    Two takers or more, not all at the full share, and shares that add up to more than
    the tender (:func:`~computemarket.market.states.tender_state` raises levels that
    rounding leaves short).
    """
    snapped = shares(state, providers)
    taking = [x for x in snapped if x > 0.0]
    return len(taking) >= 2 and min(taking) < 1.0 and sum(taking) > 1.0


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
    return cached(_solve, key) if key[0] == "strategic" else _solve(key)


@lru_cache(maxsize=256)
def _rule_bids_among(key: tuple, taking: tuple[int, ...]) -> RuleBids:
    """Strategic bids of the single-unit game among the providers ``taking`` only."""
    return cached(_solve, key, taking)


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
    providers = plan.n_providers
    calls = []
    for rule in rules:
        if plan.auction != "first_price" or rule not in (OPEN, ROFR):
            continue
        key = _snapped_key(plan, int(rule))
        for state in range(all_needed(providers) + 1, state_count(providers, True)):
            if not _snapped_used(state, providers):
                continue
            taking = tuple(takers(state, providers))
            snapped = shares(state, providers)
            index = (key, taking, tuple(snapped[p] for p in taking))
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
