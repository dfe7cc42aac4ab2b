"""Single-unit first-price equilibria of unlike bidders, as distributional strategies on a grid.

The own-type bids of :mod:`computemarket.games.bids` (each bidder as among copies of
itself) are exact for alike bidders and far from a best response for unlike ones: among
the default market's seven providers, where one (Trainium) has costs about half the
others', a bidder gains up to 11% of the reserve by deviating. The shooting method of
:mod:`computemarket.games.asymmetric` assumes every bidder's lowest type bids one common
low bid; with supports that far apart it finds no bracket and falls back.

:func:`grid_first_price` solves the same game the way
:mod:`computemarket.games.distributional` solves capacity-constrained tenders: each
bidder's types are :data:`TYPES` equally likely cost quantiles, its actions a price grid,
and simultaneous optimistic dual averaging finds an approximate equilibrium in
distributional strategies. A single unit needs no sales table: a price ``p`` wins when
every rival bids above it and no holder matches it, so bidder ``i`` expects to sell

    X_i(p) = prod over rivals j of (1 - G_j(p)) x (1 - a F_H(p)),

``G_j`` the chance that ``j`` counts as below ``p`` on the grid (a tie counts half) and
``a F_H(p)`` the chance a holder with a right of first refusal matches (zero without
one; ``docs/economics.md``, Asymmetric providers). That is linear in the number of
bidders, where the subsets of a capacity game's table grow as ``2 ** n``. The types' bids
are then read at the caller's cost grid by linear interpolation, and the caller measures
their gains in the continuous game.
"""

from __future__ import annotations

import numpy as np

from computemarket.games.distributional import GridSales, _below, distributional_equilibrium
from computemarket.games.quantiles import quantile_grid
from computemarket.games.winning import match_factor

__all__ = ["ACTIONS", "ROUNDS", "TYPES", "grid_first_price", "unit_grid_sales"]

#: Types per bidder in the discretized game (equally likely cost quantiles).
TYPES = 129

#: Prices on the fine action grid.
ACTIONS = 641

#: The most rounds of dual averaging in each of the two passes.
ROUNDS = 1000


def unit_grid_sales(
    holder_costs: np.ndarray | None, holder_available: float, q: np.ndarray
) -> GridSales:
    """Expected sales on the grid of a single unit, with or without a matching holder.

    Parameters
    ----------
    holder_costs : ndarray of shape (G,), or None
        The holder's cost quantiles on ``q``, where a holder may match (``rofr``).
    holder_available : float
        Probability that the holder can match.
    q : ndarray, shape (G,)
        The probability grid of ``holder_costs``.

    Returns
    -------
    callable
        ``sales(i, rivals, prices)``: the chance of winning at each price, given the
        rivals' bid distributions on the grid (shape ``(n - 1, actions)``).

    Examples
    --------
    Against one rival that bids the middle of three prices, with no holder, a bidder
    wins for sure below it, half the time at it, never above it:

    >>> sales = unit_grid_sales(None, 1.0, quantile_grid())
    >>> sales(0, np.array([[0.0, 1.0, 0.0]]), np.array([0.1, 0.2, 0.3])).tolist()
    [1.0, 0.5, 0.0]
    """
    # The solver asks again and again on the same price grid: keep the match factor.
    kept: dict[str, np.ndarray] = {}

    def sales(i: int, rivals: np.ndarray, prices: np.ndarray) -> np.ndarray:
        if "prices" not in kept or not np.array_equal(kept["prices"], prices):
            kept["prices"] = prices.copy()
            kept["match"] = match_factor(prices, holder_costs, holder_available, q)
        return np.prod(1.0 - _below(rivals), axis=0) * kept["match"]

    return sales


def grid_first_price(
    costs: np.ndarray,
    q: np.ndarray,
    reserve: float,
    *,
    holder_costs: np.ndarray | None = None,
    holder_available: float = 1.0,
    types: int = TYPES,
    actions: int = ACTIONS,
    rounds: int = ROUNDS,
) -> np.ndarray:
    """Equilibrium bids of a single-unit first-price tender among unlike bidders, on a grid.

    Parameters
    ----------
    costs : ndarray, shape (n, G)
        Each bidder's cost quantiles on ``q`` (nondecreasing); at least one bidder.
    q : ndarray, shape (G,)
        The probability grid.
    reserve : float
        The buyer refuses bids above it.
    holder_costs : ndarray of shape (G,), optional
        The holder's cost quantiles on ``q``, under a right of first refusal: it matches
        the lowest bid with probability ``holder_available`` when its cost is below it.
    holder_available : float, default 1.0
    types : int, default :data:`TYPES`
        Cost quantiles per bidder in the discretized game.
    actions : int, default :data:`ACTIONS`
        Prices on the fine action grid
        (:func:`~computemarket.games.distributional.distributional_equilibrium`).
    rounds : int, default :data:`ROUNDS`
        The most rounds of each pass.

    Returns
    -------
    ndarray, shape (n, G)
        Bids at each bidder's cost quantiles: at least the cost, nondecreasing in it; a
        type that cannot trade (cost at or above the reserve) bids its cost.

    Examples
    --------
    Two bidders with costs uniform on (0, 1) and (0, 0.8), reserve 1: neither gains
    more than half a percent of the reserve by deviating.

    >>> from computemarket.games.winning import deviation_gain
    >>> q = quantile_grid()
    >>> costs = np.array([q, 0.8 * q])
    >>> bids = grid_first_price(costs, q, 1.0, rounds=300)
    >>> float(deviation_gain(costs, bids, q, 1.0).max()) < 5e-3
    True
    """
    costs = np.asarray(costs, dtype=float)
    coarse_q = quantile_grid(types)
    coarse = np.array([np.interp(coarse_q, q, row) for row in costs])
    sales = unit_grid_sales(holder_costs, holder_available, q)
    solved = distributional_equilibrium(coarse, reserve, sales, actions=actions, rounds=rounds)
    bids = np.array(
        [_read(row, knots, bid) for row, knots, bid in zip(costs, coarse, solved.bids, strict=True)]
    )
    bids = np.where(costs < reserve, np.maximum(bids, costs), costs)
    return np.maximum.accumulate(bids, axis=1)


def _read(cost: np.ndarray, knots: np.ndarray, bids: np.ndarray) -> np.ndarray:
    """Bids at ``cost``: linear between the types' knots, and along the end segments beyond.

    Beyond the coarse grid's end types a constant bid would give rivals an atom to
    undercut; the end segments' slopes carry the bid function on instead.
    """
    inside = np.interp(cost, knots, bids)
    low = (bids[1] - bids[0]) / max(knots[1] - knots[0], 1e-300)
    high = (bids[-1] - bids[-2]) / max(knots[-1] - knots[-2], 1e-300)
    inside = np.where(cost < knots[0], bids[0] + low * (cost - knots[0]), inside)
    return np.where(cost > knots[-1], bids[-1] + high * (cost - knots[-1]), inside)
