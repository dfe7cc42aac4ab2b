"""Bidding rules: how providers turn costs into quotes, and what the buyer will accept.

:func:`quotes` is applied once per batch of paths, before the engines run, so both engines
see the same quotes. It returns each provider's quote for each tender and, for tenders
under ``rofo``, the buyer's acceptance threshold for the holder's first offer (the
expected price of the outside market under the same bidding model).

Two bidding modes (``bidding.mode``):

``cost_plus``
    Every provider quotes ``cost x (1 + markup)``.
``strategic``
    Equilibrium bids for the contract rule and payment rule (``bidding.auction``), from
    :mod:`computemarket.strategy`: outside bidders shade their bids above cost, knowing
    the holder may match (``rofr``); under a second-price rule they bid their cost. A
    strategic holder posts the reserve price under ``exclusive``, quotes the highest
    price the buyer accepts under ``rofo`` (when that covers its cost), and asks the
    reserve price as supplier of last resort under ``rofr``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from computemarket.plan import Plan, cost_quantiles
from computemarket.scenario import RULES
from computemarket.strategy import (
    BidTable,
    asymmetric_first_price,
    deviation_gain,
    expected_market_price,
    first_price_equilibrium,
    quantile_grid,
)

__all__ = ["MIN_STRATEGIC_SPREAD", "RuleBids", "market_bids", "quotes", "rule_bids"]

#: Strategic bidding needs continuous costs: spreads below this are raised to it.
MIN_STRATEGIC_SPREAD = 1e-3

EXCLUSIVE, ROFR, OPEN, ROFO = (RULES.index(r) for r in ("exclusive", "rofr", "open", "rofo"))


@dataclass(frozen=True, eq=False)
class RuleBids:
    """How every provider bids under one contract rule.

    Attributes
    ----------
    table : BidTable
        Each provider's bid as a function of its cost (the holder's column is used only
        where ``holder_quote`` is ``"table"``).
    holder_quote : {"table", "reserve", "threshold"}
        What the holder quotes: from the table, the reserve price, or the acceptance
        threshold (its cost, when that is higher, so that it is refused).
    threshold : float
        The buyer's acceptance threshold for the holder's first offer under ``rofo``
        ($B per GW-year); NaN under the other rules.
    epsilon : float
        Largest gain any provider could make by deviating from its bid, given the others'
        ($B per GW-year); 0 where the bids are dominant strategies or cost plus.
    markup : ndarray, shape (P,), optional
        Under cost plus, each provider's markup: quotes are then ``cost x (1 + markup)``
        exactly, at every cost, not read from the table.
    """

    table: BidTable
    holder_quote: str
    threshold: float
    epsilon: float
    markup: np.ndarray | None = None

    def __call__(self, cost: np.ndarray, holder: int, reserve: float) -> np.ndarray:
        """Quotes for costs of shape ``(..., P)``."""
        if self.markup is not None:
            bids = cost * (1.0 + self.markup)
        else:
            bids = self.table(cost)
        if holder >= 0 and self.holder_quote != "table":
            own = cost[..., holder]
            target = reserve if self.holder_quote == "reserve" else self.threshold
            bids[..., holder] = np.where(own <= target, target, own)
        return bids


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
    >>> from computemarket.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> bids, threshold = quotes(plan, np.full((1, plan.n_tenders, 3), 10.0))
    >>> bids[0, 0].round(2).tolist(), bool(np.isnan(threshold).all())
    ([11.5, 12.0, 11.0], True)
    """
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

    Computed once per plan and rule, and cached.
    """
    key = (
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
    )
    return _rule_bids(key)


@lru_cache(maxsize=64)
def _rule_bids(key: tuple) -> RuleBids:
    mode, auction, rule, holder, reserve, available, family, base, spread, markup, eq = key
    q = quantile_grid()
    floor = MIN_STRATEGIC_SPREAD if mode == "strategic" else 0.0
    costs = _cost_grid(family, np.array(base), np.maximum(np.array(spread), floor), q)
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
    )


def market_bids(
    rule: int,
    costs: np.ndarray,
    q: np.ndarray,
    *,
    holder: int,
    reserve: float,
    mode: str = "strategic",
    auction: str = "first_price",
    holder_available: float = 1.0,
    markup: np.ndarray | float = 0.0,
    equilibrium: str = "own_type",
) -> RuleBids:
    """How each provider bids under ``rule``, given its cost quantiles.

    Parameters
    ----------
    rule : int
        Index into ``RULES``.
    costs : ndarray, shape (P, G)
        Each provider's cost quantiles on the grid ``q``.
    q : ndarray, shape (G,)
    holder : int
        Index of the holder (-1 for none).
    reserve : float
    mode : {"strategic", "cost_plus"}
    auction : {"first_price", "second_price"}
    holder_available : float
        Probability outsiders assign to the holder being able to match (``rofr``).
    markup : float or ndarray of shape (P,)
        Markups under ``cost_plus``.
    equilibrium : {"own_type", "exact"}, default "own_type"
        First-price bids of bidders with different cost distributions: each as among
        copies of itself, or the asymmetric equilibrium
        (:func:`computemarket.strategy.asymmetric_first_price`, falling back to the
        own-type bids if it finds no solution). Alike bidders always get the symmetric
        equilibrium.

    Returns
    -------
    RuleBids
    """
    providers = costs.shape[0]
    outsiders = [p for p in range(providers) if p != holder]
    if mode == "cost_plus":
        markups = np.broadcast_to(np.asarray(markup, dtype=float), (providers,))
        bids = costs * (1.0 + markups[:, None])
        threshold = np.nan
        if rule == ROFO:
            threshold = _outside_price(bids[outsiders], q, reserve, auction)
        return RuleBids(BidTable(costs, bids), "table", threshold, 0.0, markups)

    bids = costs.copy()  # second price: bidding one's cost is weakly dominant
    epsilon = 0.0
    holder_quote, threshold = "table", np.nan
    if rule == EXCLUSIVE:
        holder_quote = "reserve"
    else:
        bidders = list(range(providers)) if rule == OPEN else outsiders
        holder_costs = costs[holder] if rule == ROFR else None
        if auction == "first_price" and bidders:
            bids[bidders] = _first_price_bids(
                costs[bidders], q, reserve, holder_costs, holder_available, equilibrium
            )
            gain = deviation_gain(
                costs[bidders],
                bids[bidders],
                q,
                reserve,
                holder_costs=holder_costs,
                holder_available=holder_available,
            )
            epsilon = float(max(gain.max(), 0.0))
        if rule == ROFR:
            holder_quote = "reserve"
        elif rule == ROFO:
            holder_quote = "threshold"
            threshold = _outside_price(bids[outsiders], q, reserve, auction)
    return RuleBids(BidTable(costs, bids), holder_quote, threshold, epsilon)


def _cost_grid(family: str, base: np.ndarray, spread: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Each provider's cost quantiles on the grid ``q``, shape (P, G)."""
    return cost_quantiles(family, base, spread, q[:, None]).T


def _first_price_bids(costs, q, reserve, holder_costs, available, equilibrium) -> np.ndarray:
    """First-price bids: symmetric, or for unlike bidders as ``equilibrium`` asks."""
    alike = bool(np.all(costs == costs[:1]))
    if equilibrium == "exact" and not alike:
        bids = asymmetric_first_price(
            costs, q, reserve, holder_costs=holder_costs, holder_available=available
        )
        if bids is not None:
            return bids
    return _own_type_bids(costs, q, reserve, holder_costs, available)


def _own_type_bids(costs, q, reserve, holder_costs, available) -> np.ndarray:
    """Each bidder's bids in the symmetric equilibrium among copies of itself.

    Exact when the bidders' costs are identically distributed (then this is the symmetric
    equilibrium); an approximation otherwise, whose quality ``RuleBids.epsilon`` reports.
    """
    n = costs.shape[0]
    out = np.empty_like(costs)
    for i in range(n):
        copies = np.repeat(costs[i][None, :], n, axis=0)
        out[i] = first_price_equilibrium(
            copies, q, reserve, holder_costs=holder_costs, holder_available=available
        )[0]
    return out


def _outside_price(bids: np.ndarray, q: np.ndarray, reserve: float, auction: str) -> float:
    if bids.shape[0] == 0:
        return float(reserve)
    return expected_market_price(bids, q, reserve, auction)
