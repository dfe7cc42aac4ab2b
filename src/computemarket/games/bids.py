"""How every provider bids under one contract rule, on cost grids: :func:`market_bids`.

The result, a :class:`RuleBids`, maps costs to quotes. It covers both bidding modes:
cost plus (``cost x (1 + markup)``) and strategic (the equilibria of
:mod:`computemarket.games.first_price` and :mod:`computemarket.games.asymmetric`, with
the holder's quotes and the buyer's ``rofo`` threshold). It knows nothing of scenarios or
engines: :mod:`computemarket.market.quotes` feeds it a scenario's cost grids, and
:func:`computemarket.tender_study` those of a textbook game.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from computemarket.games.asymmetric import asymmetric_first_price
from computemarket.games.capacity import sales_table
from computemarket.games.distributional import (
    capacity_grid_sales,
    distributional_equilibrium,
    refusal_grid_sales,
)
from computemarket.games.divisible import capacity_bids, capacity_gain, capacity_sales
from computemarket.games.first_price import first_price_equilibrium
from computemarket.games.quantiles import BidTable
from computemarket.games.refusal import RefusalSales, refusal_gain
from computemarket.games.tails import tail_table
from computemarket.games.uniform import uniform_gain, uniform_grid_sales
from computemarket.games.unit_grid import grid_first_price
from computemarket.games.winning import (
    deviation_gain,
    expected_market_price,
    match_factor,
    sales_gain,
    win_probability,
)
from computemarket.scenario.rules import EXCLUSIVE, OPEN, ROFO, ROFR

__all__ = ["RuleBids", "market_bids"]


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

    def __call__(
        self, cost: np.ndarray, holder: int, reserve: float, position: np.ndarray | None = None
    ) -> np.ndarray:
        """Quotes for costs of shape ``(..., P)``.

        ``position``: the costs' places on the table's cost grids
        (:meth:`~computemarket.games.quantiles.BidTable.locate`), where known already.
        """
        if self.markup is not None:
            bids = cost * (1.0 + self.markup)
        else:
            # A type that can trade never asks more than the buyer accepts.
            if position is None:
                position = self.table.locate(cost)
            bids = self.table.read(cost, position)
            bids = np.where(cost < reserve, np.minimum(bids, reserve), bids)
        if holder >= 0 and self.holder_quote != "table":
            own = cost[..., holder]
            target = reserve if self.holder_quote == "reserve" else self.threshold
            bids[..., holder] = np.where(own <= target, target, own)
        return bids


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
    equilibrium: str = "grid",
    quantity: float = 1.0,
    capacity: np.ndarray | None = None,
    tail_costs: np.ndarray | None = None,
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
    equilibrium : {"grid", "own_type", "exact"}, default "grid"
        First-price bids of bidders with different cost distributions: in distributional
        strategies on a grid (:func:`computemarket.games.unit_grid.grid_first_price`; the
        own-type bids are kept where they leave a smaller gain), each as among copies of
        itself, or the asymmetric equilibrium by shooting
        (:func:`computemarket.games.asymmetric.asymmetric_first_price`, falling back to the
        own-type bids if it finds no solution or one that leaves a larger gain). Alike
        bidders always get the symmetric equilibrium.
    quantity : float, default 1.0
        The quantity tendered.
    capacity : ndarray of shape (P,), optional
        Each provider's headroom, known to all: strategic bids are then the equilibrium of
        the capacity-constrained tender, so far under ``open``, ``exclusive`` and ``rofr``
        (first price, outsiders against a best-responding holder). Alike bidders get the
        envelope solution, unlike ones shooting
        (:func:`computemarket.games.divisible.capacity_bids`) or, where that leaves a
        gain above ``SHOOTING_TOLERANCE`` or under ``rofr``, distributional strategies on
        a grid (:mod:`computemarket.games.distributional`). Without it, the single-unit
        game.
    tail_costs : ndarray of shape (P, m), optional
        Costs of types beyond the grid (the distributions' tails): ``epsilon`` then also
        covers them, their bids extrapolated as quotes are (the single-unit game and the
        pay-as-bid capacity games; not yet the uniform-price one).

    Returns
    -------
    RuleBids

    Raises
    ------
    ValueError
        For an ``equilibrium`` not listed above. With ``capacity``, for a rule or
        payment rule whose capacity-constrained equilibrium is not computed (``rofo``;
        ``second_price`` in intermediate tenders of more than two bidders).
    """
    if equilibrium not in EQUILIBRIA:
        raise ValueError(
            f"equilibrium = {equilibrium!r}: expected one of {', '.join(map(repr, EQUILIBRIA))}"
        )
    providers = costs.shape[0]
    outsiders = [p for p in range(providers) if p != holder]
    if mode == "cost_plus":
        markups = np.broadcast_to(np.asarray(markup, dtype=float), (providers,))
        bids = costs * (1.0 + markups[:, None])
        threshold = np.nan
        if rule == ROFO:
            threshold = _outside_price(bids[outsiders], q, reserve, auction)
        return RuleBids(BidTable(costs, bids), "table", threshold, 0.0, markups)

    if capacity is not None:
        return _capacity_rule_bids(
            rule, costs, q, holder, reserve, auction, quantity, capacity, tail_costs
        )
    bids = costs.copy()  # second price: bidding one's cost is weakly dominant
    table = None
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
            check = {"holder_costs": holder_costs, "holder_available": holder_available}
            gain = deviation_gain(costs[bidders], bids[bidders], q, reserve, **check)
            epsilon = float(max(gain.max(), 0.0))
            if tail_costs is not None:
                sales = _unit_sales(holder_costs, holder_available)
                table, check["types"] = tail_table(
                    costs, bids, q, reserve, sales, tail_costs, bidders
                )
                gain = deviation_gain(costs[bidders], bids[bidders], q, reserve, **check)
                epsilon = max(epsilon, float(gain.max()))
        if rule == ROFR:
            holder_quote = "reserve"
        elif rule == ROFO:
            holder_quote = "threshold"
            threshold = _outside_price(bids[outsiders], q, reserve, auction)
    return RuleBids(table or BidTable(costs, bids), holder_quote, threshold, epsilon)


def _unit_sales(holder_costs, available):
    """A single-unit tender's sales: the chance of winning, a holder's match included."""

    def sales(i, rivals, q, prices, grid):
        return win_probability(rivals, q, prices, match_factor(prices, holder_costs, available, q))

    return sales


def _capacity_rule_bids(
    rule, costs, q, holder, reserve, auction, quantity, capacity, tail_costs=None
) -> RuleBids:
    """Strategic bids of a capacity-constrained tender (``docs/economics.md``).

    With ``tail_costs``, ``epsilon`` also covers those types (pay as bid).
    """
    headroom = np.asarray(capacity, dtype=float)
    room = np.minimum(headroom, quantity)
    if rule == EXCLUSIVE:
        return RuleBids(BidTable(costs, costs.copy()), "reserve", np.nan, 0.0)
    if rule == ROFR and auction == "first_price":
        return _refusal_bids(costs, q, holder, reserve, quantity, room, tail_costs)
    if rule != OPEN:
        raise ValueError(
            "capacity-constrained equilibria are computed under 'open', 'exclusive' and "
            "'rofr' (first price) so far; under rofo they need the holder's best offer"
        )
    taking = room > 0.0
    if auction == "second_price":
        # The uniform price is set at the margin (games.auction.clearing_price): with one
        # unit each it is the second-lowest bid (quoting one's cost is dominant); where
        # every headroom exceeds the tender the winner is the marginal offer and is paid
        # its bid (the pay-as-bid game); where all headroom is needed it is the reserve.
        if np.all(headroom[taking] == quantity):
            return RuleBids(BidTable(costs, costs.copy()), "table", np.nan, 0.0)
        if not (np.all(headroom[taking] > quantity) or room.sum() <= quantity):
            return _uniform_bids(costs, reserve, quantity, headroom, taking)
    bids = capacity_bids(costs, q, reserve, quantity=quantity, capacity=room)
    gain = np.inf
    if bids is not None:
        gain = capacity_gain(costs, bids, q, reserve, quantity=quantity, capacity=room).max()
    if gain > SHOOTING_TOLERANCE * reserve:
        # Unlike bidders whose equilibrium has an atom or a gap: solve it on a grid.
        chosen = np.flatnonzero(taking)
        table = sales_table(quantity, room[chosen], chosen.size)
        solved = distributional_equilibrium(costs[chosen], reserve, capacity_grid_sales(table))
        grid_bids = costs.copy()
        grid_bids[chosen] = solved.bids
        grid_gain = capacity_gain(costs, grid_bids, q, reserve, quantity=quantity, capacity=room)
        if grid_gain.max() < gain:
            bids, gain = grid_bids, grid_gain.max()
    table = BidTable(costs, bids)
    if tail_costs is not None and np.isfinite(gain):
        sales = capacity_sales(quantity, room, costs.shape[0])
        table, types = tail_table(costs, bids, q, reserve, sales, tail_costs)
        tails = sales_gain(costs, bids, q, reserve, sales, types=types)
        gain = max(gain, float(tails.max()))
    return RuleBids(table, "table", np.nan, float(max(gain, 0.0)))


def _uniform_bids(costs, reserve, quantity, headroom, taking) -> RuleBids:
    """Uniform-price bids in between the limits, where the marginal offer prices all."""
    chosen = np.flatnonzero(taking)
    if chosen.size != 2:
        raise ValueError(
            "the uniform-price equilibrium is computed where each headroom covers the "
            "tender, where all of it is needed, or for two bidders in between; with "
            f"{chosen.size} bidders in between it is not yet solved for"
        )
    mine, room = costs[chosen], headroom[chosen]
    sales = uniform_grid_sales(quantity, room, reserve)
    bids = costs.copy()
    bids[chosen] = distributional_equilibrium(mine, reserve, sales).bids
    gain = uniform_gain(mine, bids[chosen], reserve, quantity=quantity, capacity=room)
    return RuleBids(BidTable(costs, bids), "table", np.nan, float(max(gain.max(), 0.0)))


def _refusal_bids(costs, q, holder, reserve, quantity, room, tail_costs=None) -> RuleBids:
    """Outsiders' pay-as-bid equilibrium against a best-responding holder.

    With ``tail_costs``, ``epsilon`` also covers the outsiders' types in the tails.
    """
    outsiders = [p for p in range(costs.shape[0]) if p != holder]
    mine, part = costs[outsiders], room[outsiders]
    sales = RefusalSales(
        quantity, part, float(room[holder]), costs[holder], q, holder_quote=reserve
    )
    bids = costs.copy()
    gain = np.inf
    if np.all(mine == mine[:1]) and np.all(part == part[0]):
        bids[outsiders] = first_price_equilibrium(mine, q, reserve, sales=sales)
        gain = float(refusal_gain(mine, bids[outsiders], q, reserve, sales).max())
    if gain > SHOOTING_TOLERANCE * reserve:
        # Unlike outsiders, or an envelope solution that leaves a gain: atoms and gaps are
        # common (games.distributional); the grid's bids are kept where they do better.
        solved = distributional_equilibrium(mine, reserve, refusal_grid_sales(sales))
        grid_gain = float(refusal_gain(mine, solved.bids, q, reserve, sales).max())
        if grid_gain < gain:
            bids[outsiders], gain = solved.bids, grid_gain
    table = BidTable(costs, bids)
    if tail_costs is not None:
        table, types = tail_table(costs, bids, q, reserve, sales, tail_costs, outsiders)
        tails = refusal_gain(mine, bids[outsiders], q, reserve, sales, types=types)
        gain = max(gain, float(tails.max()))
    return RuleBids(table, "reserve", np.nan, max(gain, 0.0))


#: The methods for unlike bidders' single-unit bids (``market_bids``' ``equilibrium``).
EQUILIBRIA = ("grid", "own_type", "exact")

#: Largest gain, as a share of the reserve, at which the shooting solution of a
#: capacity-constrained tender is kept without trying the grid solver.
SHOOTING_TOLERANCE = 1e-3


def _first_price_bids(costs, q, reserve, holder_costs, available, equilibrium) -> np.ndarray:
    """First-price bids: symmetric, or for unlike bidders as ``equilibrium`` asks."""
    alike = bool(np.all(costs == costs[:1]))
    own = _own_type_bids(costs, q, reserve, holder_costs, available)
    if alike or equilibrium == "own_type":
        return own
    options = {"holder_costs": holder_costs, "holder_available": available}
    if equilibrium == "grid":
        found = grid_first_price(costs, q, reserve, **options)
    else:
        found = asymmetric_first_price(costs, q, reserve, **options)
    # Either is kept only where it leaves a smaller gain than the own-type bids: the
    # shooting's bracket may end on a stale low shot (one whose successors all failed at
    # their first step), and the grid's bids may do worse in the continuous game.
    if found is not None and (
        deviation_gain(costs, found, q, reserve, **options).max()
        < deviation_gain(costs, own, q, reserve, **options).max()
    ):
        return found
    return own


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
