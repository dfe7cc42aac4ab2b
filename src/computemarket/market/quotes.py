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

from computemarket.games.bids import RuleBids
from computemarket.games.first_offer import first_offer_response
from computemarket.games.quantiles import BidTable, quantile_grid
from computemarket.market.bidding import MIN_STRATEGIC_SPREAD, plugin_quotes
from computemarket.market.equilibria import (
    TAIL_PROBABILITIES,
    _rule_bids,
    _rule_bids_among,
    _rule_bids_snapped,
    _snapped_bids,
    _snapped_key,
    _solve_present,
    _solve_snapped,
    rule_bids,
    rule_key,
    state_epsilon,
)
from computemarket.market.groups import (
    by_present,
    group_game,
    group_levels,
    rule_groups,
    snapped_used,
)
from computemarket.market.plan import Plan
from computemarket.market.states import (
    LARGE_STATES,
    MOST_SET_PROVIDERS,
    all_needed,
    full_set,
    shares,
    state_count,
    takers,
)
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
        which providers have headroom and whether all of it is needed, plus one state
        per combination of snapped shares with snapped intermediate states
        (``Plan.snapped_states``; 134 for three providers); ``S = 1`` under cost plus
        and plug-ins, whose quotes do not.
    threshold : ndarray, shape (K, S)
        For tenders under ``rofo``, the highest first offer from the holder that the buyer
        accepts, in each tender state; NaN for the other tenders.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario("baseline"))
    >>> bids, threshold = quotes(plan, np.full((1, plan.n_tenders, 3), 10.0))
    >>> bids.shape[3], bids[0, 0, :, 0].round(2).tolist(), threshold.shape
    (1, [11.5, 12.0, 11.0], (17, 1))
    """
    if plan.bidding_mode not in KINDS["bidding"]:
        bids, threshold = plugin_quotes(lookup("bidding", plan.bidding_mode), plan, cost)
        return bids[..., None], threshold[:, None]
    providers = plan.n_providers
    states = state_count(providers, plan.snapped_states) if plan.bidding_mode == "strategic" else 1
    # Stored state-major, so that each state's quotes are written in one contiguous block;
    # the state axis is last in the view returned.
    store = np.empty((states, *cost.shape))
    bids = np.moveaxis(store, 0, -1)
    threshold = np.full((plan.n_tenders, states), np.nan)
    grouping = providers > MOST_SET_PROVIDERS and states > LARGE_STATES
    if grouping:
        # A group's states are reached only in its own tenders: every other tender (and
        # provider without headroom) quotes its cost there, written in one contiguous copy.
        store[LARGE_STATES:] = cost
    if states > state_count(providers):
        _solve_snapped(plan, np.unique(plan.tender_rule))
    if states > 1:
        _solve_present(plan)
    for code in np.unique(plan.tender_rule):
        mask = plan.tender_rule == code
        # A slice where one rule covers every tender: the writes below are then plain copies.
        which = slice(None) if mask.all() else np.flatnonzero(mask)
        here = cost[:, which, :]
        if states == 1:
            rule = rule_bids(plan, int(code))
            bids[..., 0][:, which, :] = rule(here, plan.holder, plan.reserve_price)
            threshold[which, 0] = rule.threshold
            continue
        located: dict = {}  # the snapped states' tables share cost grids by set of takers
        grouped = rule_groups(plan, int(code))
        for state in range(states):
            view = bids[..., state]  # a view: the tender index below then writes into it
            if grouping and state >= LARGE_STATES:
                # A group's state: the game of its takers, in the tenders of that group.
                for members, chosen in grouped.items():
                    game = group_game(group_levels(state, providers), members)
                    if game is not None:
                        view[:, chosen, :], threshold[chosen, state] = _group_quotes(
                            plan, int(code), *game, cost[:, chosen, :], located
                        )
                continue
            unused = shares(state, providers) is not None and not snapped_used(state, providers)
            if unused or (state != all_needed(providers) and len(takers(state, providers)) < 2):
                # Never reached: a lone provider with headroom is "all needed", and a
                # snapped state needs two takers, not all at the full share.
                view[:, which, :] = here
                continue
            if providers > MOST_SET_PROVIDERS and state == full_set(providers):
                # The game among the providers that can have headroom in each tender.
                for taking, chosen in by_present(plan, np.flatnonzero(mask)).items():
                    view[:, chosen, :], threshold[chosen, state] = _state_quotes(
                        plan, int(code), state, cost[:, chosen, :], taking=taking
                    )
                continue
            view[:, which, :], threshold[which, state] = _state_quotes(
                plan, int(code), state, here, located
            )
    return bids, threshold


def _state_quotes(
    plan: Plan,
    rule: int,
    state: int,
    cost: np.ndarray,
    located: dict | None = None,
    taking: tuple[int, ...] | None = None,
) -> tuple[np.ndarray, float]:
    """Quotes and the rofo threshold in one tender state.

    ``located``: the costs' places on the snapped states' cost grids, by set of takers,
    kept between the states of one batch (they share the grids; ``BidTable.locate``).
    ``taking``: the providers taking part, where the state does not say (state 0 of a
    market of more than ``MOST_SET_PROVIDERS`` providers: those present in the tenders).

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
            return _snapped_quotes(plan, solved, takers(state, providers), cost, located), np.nan
        # Not solved for this rule: the bids of the set of takers.
        state = sum(1 << p for p in takers(state, providers))
    if taking is None:
        taking = tuple(takers(state, providers))
    if rule == EXCLUSIVE or (state != all_needed(providers) and len(taking) == providers):
        full = rule_bids(plan, rule)
        out, threshold = full(cost, holder, reserve), full.threshold
    elif state == all_needed(providers):
        # Every GW offered sells whatever its price: quote the reserve (dominant).
        out = np.where(cost < reserve, reserve, cost)
        return out, (float(reserve) if rule == ROFO else np.nan)
    elif len(taking) < 2:
        # Never reached: a lone provider with headroom is "all needed".
        return cost.copy(), np.nan
    else:
        out = cost.copy()
        among = _rule_bids_among(rule_key(plan, rule), taking)
        inner = taking.index(holder) if holder in taking else -1
        out[..., list(taking)] = among(cost[..., list(taking)], inner, reserve)
        threshold = among.threshold
    if rule == ROFO and plan.refused_competes and np.isfinite(threshold):
        edge, market = _first_offer_rule(rule_key(plan, rule), taking, providers)
        own = cost[..., holder]
        bids = market(own[..., None])[..., 0]
        bids = np.where(own < reserve, np.minimum(bids, reserve), bids)
        # Just above the switching cost the bid exceeds the threshold (else it would offer).
        out[..., holder] = np.where(
            own <= edge, threshold, np.maximum(bids, np.nextafter(threshold, np.inf))
        )
    return out, threshold


def _snapped_quotes(
    plan: Plan, solved: RuleBids, sharing: list[int], cost: np.ndarray, located: dict | None
) -> np.ndarray:
    """Quotes in a snapped state: the takers ``sharing`` bid ``solved``, the others cost."""
    out = cost.copy()
    holder = plan.holder
    inner = sharing.index(holder) if holder in sharing else -1
    mine, knots = cost[..., sharing], solved.table.costs
    found = (located or {}).get(tuple(sharing))
    if found is None or not np.array_equal(found[0], knots):
        found = (knots, solved.table.locate(mine))
        if located is not None:
            located[tuple(sharing)] = found
    out[..., sharing] = solved(mine, inner, plan.reserve_price, found[1])
    return out


def _group_quotes(
    plan: Plan,
    rule: int,
    taking: tuple[int, ...],
    snapped: tuple[float, ...],
    cost: np.ndarray,
    located: dict,
) -> tuple[np.ndarray, float]:
    """Quotes and the rofo threshold in a group's state of a large market (``groups``).

    A slack state (every share one) is the single-unit game among ``taking``; an
    intermediate one the snapped capacity game where it is solved (pay as bid, ``open``
    and ``rofr``), else the single-unit game among ``taking`` too.
    """
    if min(snapped) < 1.0 and plan.auction == "first_price" and rule in (OPEN, ROFR):
        solved = _rule_bids_snapped(_snapped_key(plan, rule), taking, snapped)
        return _snapped_quotes(plan, solved, list(taking), cost, located), np.nan
    return _state_quotes(plan, rule, 0, cost, taking=taking)


@lru_cache(maxsize=256)
def _first_offer_rule(
    key: tuple, taking: tuple[int, ...], providers: int
) -> tuple[float, BidTable]:
    """The holder's first-offer rule among ``taking`` when a refused holder competes.

    The switching cost below which it offers the threshold, and the bids with which
    dearer types, refused on purpose, best-respond to the outsiders' bids of the set
    (``games.first_offer``). It depends on the game and the set only, not on the
    costs drawn, so it is computed once per process rather than per batch of paths.
    """
    holder, reserve = key[3], key[4]
    if len(taking) == providers:
        bids, rows = _rule_bids(key), [p for p in range(providers) if p != holder]
    else:
        bids = _rule_bids_among(key, taking)
        rows = [j for j, p in enumerate(taking) if p != holder]
    holder_costs = _rule_bids(key).table.costs[holder]
    edge, market = first_offer_response(
        holder_costs, bids.table.bids[rows], quantile_grid(), bids.threshold, reserve
    )
    return edge, BidTable(holder_costs[None, :], market[None, :])
