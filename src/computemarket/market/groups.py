"""The providers present in each tender of a large market, and the groups small enough to snap.

A market of more than :data:`~computemarket.market.states.MOST_SET_PROVIDERS` providers
does not key its tenders by the set of providers with headroom (there would be ``2 ** P``
sets); its tenders' bids come from the game among the providers that *can* have headroom
in them (:func:`present`), a set known from the plan and the same on every path. Where
that set is small, at most :data:`~computemarket.market.states.MOST_SNAPPED_PROVIDERS`
providers (the tender's *group*, :func:`groups`), the tender is keyed as a market of
those providers alone, snapped states included
(:func:`computemarket.market.states.tender_state`); :func:`group_levels` reads such a
state's snapped levels back, slot by slot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import numpy as np

from computemarket.games.auction import EPS_GW
from computemarket.market.states import (
    LARGE_STATES,
    MOST_SET_PROVIDERS,
    MOST_SNAPPED_PROVIDERS,
    SNAP_LEVELS,
    all_needed,
    full_set,
    shares,
    state_count,
    takers,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from computemarket.market.plan import Plan

__all__ = [
    "by_present",
    "group_game",
    "group_levels",
    "group_states",
    "groups",
    "has_group",
    "present",
    "present_in",
    "rule_groups",
    "slack_sets",
    "snappable",
    "snapped_games",
    "snapped_used",
]


def present(
    ceiling: np.ndarray, tender_start: np.ndarray, tender_month: np.ndarray, bids_from: np.ndarray
) -> list[tuple[int, ...]]:
    """The providers that can have headroom in each tender, known before any path is drawn.

    A provider's headroom is at most its capacity at the contract's start, which is at
    most its ceiling then (under investment supply, its pipeline), and it offers nothing
    before its first tender month (``providers[].bids_from``). So a provider whose ceiling
    at the start is zero, or whose first tender is later, takes part on no path; the
    others may. In markets of more than :data:`MOST_SET_PROVIDERS` providers the bids of
    a tender's state 0 are the equilibrium among these providers, not among all: rivals
    that cannot sell yet (Trainium before its chips, Cerebras before its first site) do
    not discipline the bids of the providers that can.

    Parameters
    ----------
    ceiling : ndarray, shape (P, T)
        Each provider's ceiling (or pipeline) by month; the last month holds after it.
    tender_start, tender_month : ndarray of int, shape (K,)
        Each tender's first month of delivery and the month it is decided in.
    bids_from : ndarray of int, shape (P,)
        Each provider's first tender month (-1: from the start).

    Returns
    -------
    list of tuple of int
        For each tender, the providers in index order.

    Examples
    --------
    The second provider builds its first GW in month 2 and the third bids from month 1:

    >>> ceiling = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
    >>> present(ceiling, np.array([1, 2, 5]), np.array([0, 1, 2]), np.array([-1, -1, 1]))
    [(0,), (0, 1, 2), (0, 1, 2)]
    """
    months = ceiling.shape[1]
    out = []
    for start, month in zip(tender_start, tender_month, strict=True):
        at = ceiling[:, min(int(start), months - 1)]
        out.append(tuple(int(p) for p in np.flatnonzero((at > EPS_GW) & (month >= bids_from))))
    return out


_PRESENT: WeakKeyDictionary[Plan, tuple[tuple[int, ...], ...]] = WeakKeyDictionary()


def present_in(plan: Plan) -> tuple[tuple[int, ...], ...]:
    """:func:`present` for each of a plan's tenders, computed once per plan.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> present_in(plan)[0], present_in(plan) is present_in(plan)
    ((0, 1, 5), True)
    """
    if plan not in _PRESENT:
        found = present(plan.ceiling, plan.tender_start, plan.tender_month, plan.bids_from)
        _PRESENT[plan] = tuple(found)
    return _PRESENT[plan]


def has_group(members: tuple[int, ...], providers: int) -> bool:
    """Whether the providers present in a tender are its group (:func:`groups`).

    Two to :data:`MOST_SNAPPED_PROVIDERS` of them, in a market of more than
    :data:`MOST_SET_PROVIDERS` providers.

    Examples
    --------
    >>> has_group((0, 2, 5), 7), has_group((0, 1, 2, 3), 7), has_group((4,), 7)
    (True, False, False)
    >>> has_group((0, 2), 5)
    False
    """
    return providers > MOST_SET_PROVIDERS and 2 <= len(members) <= MOST_SNAPPED_PROVIDERS


def by_present(plan: Plan, tenders: np.ndarray) -> dict[tuple[int, ...], np.ndarray]:
    """``tenders`` by the providers present in them (:func:`present`), as first met.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> found = by_present(make_plan(load_scenario()), np.arange(3))
    >>> {members: chosen.tolist() for members, chosen in found.items()}
    {(0, 1, 5): [0, 1, 2]}
    """
    sets = present_in(plan)
    found: dict[tuple[int, ...], list[int]] = {}
    for k in np.asarray(tenders).tolist():
        found.setdefault(sets[k], []).append(k)
    return {members: np.array(chosen) for members, chosen in found.items()}


def group_levels(state: int, providers: int) -> tuple[int, ...] | None:
    """The snapped levels by slot of a large market's group state, or None for another state.

    Markets of more than :data:`MOST_SET_PROVIDERS` providers only: slot ``s`` is the
    ``s``-th provider of the tender's group (:func:`groups`), and its level the number of
    quarters of the tender it can take (0: no headroom, 4: the whole tender).

    Examples
    --------
    >>> group_levels(2 + 3 + 4 * 5, 7), group_levels(1, 7), group_levels(20, 3)
    ((3, 4, 0), None, None)
    """
    if providers <= MOST_SET_PROVIDERS or state < LARGE_STATES:
        return None
    code, base = state - LARGE_STATES, SNAP_LEVELS + 1
    return tuple(code // base**s % base for s in range(MOST_SNAPPED_PROVIDERS))


def groups(present_sets: Sequence[tuple[int, ...]], providers: int) -> np.ndarray:
    """Each tender's group: its present providers where they are few enough to snap.

    In markets of more than :data:`MOST_SET_PROVIDERS` providers, a tender whose present
    providers (:func:`present`) number two to :data:`MOST_SNAPPED_PROVIDERS` has them as
    its group; the others have none.

    Parameters
    ----------
    present_sets : sequence of tuple of int
        :func:`present`'s output, one set per tender.
    providers : int
        Providers in the market.

    Returns
    -------
    ndarray of int, shape (K, MOST_SNAPPED_PROVIDERS)
        The members in index order, padded with -1; a row of -1 for no group.

    Examples
    --------
    >>> groups([(0, 2, 5), (0, 1, 2, 3), (4,)], 7).tolist()
    [[0, 2, 5], [-1, -1, -1], [-1, -1, -1]]
    """
    out = np.full((len(present_sets), MOST_SNAPPED_PROVIDERS), -1, dtype=np.int64)
    for k, members in enumerate(present_sets):
        if has_group(members, providers):
            out[k, : len(members)] = members
    return out


def snappable(
    ceiling: np.ndarray, tender_start: np.ndarray, tender_month: np.ndarray, bids_from: np.ndarray
) -> bool:
    """Whether some tender of the market can have a snapped intermediate state.

    Every tender of a market of at most :data:`MOST_SNAPPED_PROVIDERS` providers; in a
    market of more than :data:`MOST_SET_PROVIDERS`, the tenders with a group
    (:func:`groups`); none in between. The arguments are :func:`present`'s.

    Examples
    --------
    >>> ceiling = np.ones((7, 3))
    >>> snappable(ceiling, np.array([1]), np.array([0]), np.array([-1, -1, 5, 5, 5, 5, 5]))
    True
    >>> snappable(ceiling, np.array([1]), np.array([0]), np.full(7, -1))
    False
    """
    providers = ceiling.shape[0]
    if providers <= MOST_SNAPPED_PROVIDERS:
        return True
    sets = present(ceiling, tender_start, tender_month, bids_from)
    return bool((groups(sets, providers)[:, 1] >= 0).any())


def group_game(
    levels: tuple[int, ...], members: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[float, ...]] | None:
    """The takers of a group state and their snapped shares, or None where never reached.

    Parameters
    ----------
    levels : tuple of int
        :func:`group_levels` of the state.
    members : tuple of int
        The tender's group (a row of :func:`groups` without its padding).

    Returns
    -------
    tuple or None
        The providers with headroom and each one's share of the tender: all ones in a
        slack tender (the single-unit game among them), else a snapped intermediate
        tender's shares. None for a state no tender of the group is in: a level beyond
        the group, fewer than two takers, or shares adding up to the tender or less
        (:func:`~computemarket.market.states.tender_state` raises such levels).

    Examples
    --------
    >>> group_game((3, 0, 4), (1, 3, 4)), group_game((4, 4, 0), (1, 3, 4))
    (((1, 4), (0.75, 1.0)), ((1, 3), (1.0, 1.0)))
    >>> group_game((2, 2, 0), (1, 3, 4)), group_game((0, 0, 2), (1, 3)) is None
    (None, True)
    """
    if any(levels[len(members) :]):
        return None
    taking = tuple(p for p, level in zip(members, levels, strict=False) if level > 0)
    shares = tuple(level / SNAP_LEVELS for level in levels[: len(members)] if level > 0)
    if len(taking) < 2 or (min(shares) < 1.0 and sum(shares) <= 1.0):
        return None
    return taking, shares


def rule_groups(plan: Plan, rule: int) -> dict[tuple[int, ...], np.ndarray]:
    """The tenders under ``rule`` that have a group, by group.

    Empty unless the plan snaps a market of more than
    :data:`~computemarket.market.states.MOST_SET_PROVIDERS` providers
    (``Plan.snapped_states``).

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario().with_updates({"bidding.mode": "strategic"}))
    >>> sorted(rule_groups(plan, 1))
    [(0, 1, 5)]
    """
    if not plan.snapped_states or plan.n_providers <= MOST_SET_PROVIDERS:
        return {}
    found = by_present(plan, np.flatnonzero(plan.tender_rule == rule))
    providers = plan.n_providers
    return {members: chosen for members, chosen in found.items() if has_group(members, providers)}


def group_states(
    members: tuple[int, ...], providers: int
) -> list[tuple[int, tuple[int, ...], tuple[float, ...]]]:
    """Every state a tender of the group ``members`` can be in, with its game.

    Returns
    -------
    list of tuple
        ``(state, takers, shares)`` as :func:`group_game` gives them.

    Examples
    --------
    >>> found = group_states((0, 3), 7)
    >>> len(found), found[0]
    (10, (11, (0, 3), (1.0, 0.25)))
    """
    out = []
    for state in range(LARGE_STATES, state_count(providers, snapped=True)):
        game = group_game(group_levels(state, providers), members)
        if game is not None:
            out.append((state, *game))
    return out


def slack_sets(plan: Plan, rule: int) -> list[tuple[int, ...]]:
    """The smaller sets of takers whose single-unit games a rule's slack tenders can play.

    Every set of two or more in a market of at most ``MOST_SET_PROVIDERS`` providers; in a
    larger one, the sets of takers of the groups' slack states.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario().with_updates({"bidding.mode": "strategic"}))
    >>> slack_sets(plan, 1)
    [(0, 1), (0, 1, 5), (0, 5), (1, 5)]
    """
    providers = plan.n_providers
    if providers <= MOST_SET_PROVIDERS:
        found = [tuple(takers(state, providers)) for state in range(full_set(providers))]
        return [taking for taking in found if len(taking) >= 2]
    return sorted(
        {
            taking
            for members in rule_groups(plan, rule)
            for _, taking, snapped in group_states(members, providers)
            if min(snapped) == 1.0
        }
    )


def snapped_games(plan: Plan, rule: int) -> list[tuple[tuple[int, ...], tuple[float, ...]]]:
    """The takers and snapped shares of every snapped game a rule's tenders can play.

    Examples
    --------
    The default market's tenders under ``rofr`` (1) in 2025 have a group of three, with
    86 snapped games; none of its tenders under ``open`` (2) has a group:

    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario().with_updates({"bidding.mode": "strategic"}))
    >>> len(snapped_games(plan, 1)), snapped_games(plan, 2)
    (86, [])
    """
    providers = plan.n_providers
    if providers > MOST_SET_PROVIDERS:
        found = {
            (taking, snapped)
            for members in rule_groups(plan, rule)
            for _, taking, snapped in group_states(members, providers)
            if min(snapped) < 1.0
        }
        return sorted(found)
    out = []
    for state in range(all_needed(providers) + 1, state_count(providers, True)):
        if snapped_used(state, providers):
            taking = tuple(takers(state, providers))
            snapped = shares(state, providers)
            out.append((taking, tuple(snapped[p] for p in taking)))
    return out


def snapped_used(state: int, providers: int) -> bool:
    """Whether a snapped state can be a tender's.

    Two takers or more, not all at the full share, and shares that add up to more than
    the tender (:func:`~computemarket.market.states.tender_state` raises levels that
    rounding leaves short).

    Examples
    --------
    >>> snapped_used(9 + 1 + 4 * 5 + 2 * 25, 3), snapped_used(9 + 1 + 1 * 5, 3)
    (True, False)
    """
    snapped = shares(state, providers)
    taking = [x for x in snapped if x > 0.0]
    return len(taking) >= 2 and min(taking) < 1.0 and sum(taking) > 1.0
