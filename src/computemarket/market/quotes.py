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
    :mod:`computemarket.games`: outside bidders shade their bids above cost, knowing
    the holder may match (``rofr``); under a second-price rule they bid their cost. A
    strategic holder posts the reserve price under ``exclusive``, quotes the highest
    price the buyer accepts under ``rofo`` (when that covers its cost), and asks the
    reserve price as supplier of last resort under ``rofr``.

Any other mode names a registered plug-in (:mod:`computemarket.market.bidding`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from computemarket.games.bids import RuleBids, market_bids
from computemarket.games.quantiles import quantile_grid
from computemarket.market.bidding import MIN_STRATEGIC_SPREAD, plugin_quotes
from computemarket.market.plan import Plan, cost_distribution_of, cost_quantiles
from computemarket.market.solutions import cached
from computemarket.scenario.registry import KINDS, lookup

__all__ = ["MIN_STRATEGIC_SPREAD", "TAIL_PROBABILITIES", "quotes", "rule_bids", "rule_key"]

#: Where ``epsilon`` also checks types beyond the grid: the distributions' far tails.
TAIL_PROBABILITIES = np.array([1e-6, 1e-5, 1e-4, 1e-3, 1 - 1e-3, 1 - 1e-4, 1 - 1e-5, 1 - 1e-6])


def quotes(plan: Plan, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every provider's quote for every tender, and the ``rofo`` acceptance thresholds.

    Parameters
    ----------
    plan : Plan
    cost : ndarray, shape (n, K, P)
        Each provider's cost per tender ($B per GW-year).

    Returns
    -------
    bids : ndarray, shape (n, K, P)
        Quotes ($B per GW-year).
    threshold : ndarray, shape (K,)
        For tenders under ``rofo``, the highest first offer from the holder that the buyer
        accepts; NaN for the other tenders.

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> bids, threshold = quotes(plan, np.full((1, plan.n_tenders, 3), 10.0))
    >>> bids[0, 0].round(2).tolist(), bool(np.isnan(threshold).all())
    ([11.5, 12.0, 11.0], True)
    """
    if plan.bidding_mode not in KINDS["bidding"]:
        return plugin_quotes(lookup("bidding", plan.bidding_mode), plan, cost)
    bids = np.empty_like(cost)
    threshold = np.full(plan.n_tenders, np.nan)
    for code in np.unique(plan.tender_rule):
        which = plan.tender_rule == code
        rule = rule_bids(plan, int(code))
        bids[:, which, :] = rule(cost[:, which, :], plan.holder, plan.reserve_price)
        threshold[which] = rule.threshold
    return bids, threshold


def rule_bids(plan: Plan, rule: int) -> RuleBids:
    """How providers bid under ``rule`` (an index into ``RULES``) in this plan's market.

    Computed once per plan and rule, and cached: in memory, and for strategic bidding
    on disk too (:mod:`computemarket.market.solutions`), so other processes and later
    runs read the solution rather than solve again.
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


def _solve(key: tuple) -> RuleBids:
    mode, auction, rule, holder, reserve, available, family, base, spread, markup, eq, own = key
    q = quantile_grid()
    floor = MIN_STRATEGIC_SPREAD if mode == "strategic" else 0.0
    spreads = np.maximum(np.array(spread), floor)
    costs = _cost_grid(family, np.array(base), spreads, q, own)
    # Types in the tails, far beyond the grid's first and last quantiles (1 / 514).
    tails = _cost_grid(family, np.array(base), spreads, TAIL_PROBABILITIES, own)
    return market_bids(
        rule,
        costs,
        q,
        holder=holder,
        reserve=reserve,
        mode=mode,
        auction=auction,
        holder_available=available,
        markup=np.array(markup),
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
