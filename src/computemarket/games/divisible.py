"""Pay-as-bid equilibria of divisible tenders with capacity-constrained bidders.

The game (``docs/economics.md``, Capacity-constrained tenders): the buyer asks for
``quantity``; bidder ``i`` offers its headroom ``k_i`` at one price; awards go in merit
order up to headroom, and each winner is paid its bid. The quantity and every headroom
are known to all when the tender is issued; costs are private and independent. A bidder
of cost ``c`` bidding ``p`` earns ``(p - c) X_i(p)``, with ``X_i`` its expected sales
(:class:`~computemarket.games.capacity.SalesTable`), and the envelope theorem gives
``b(c) = c + (U(c_top) + integral from c to c_top of X_i) / X_i(b(c))``.

:func:`capacity_bids` solves it: alike bidders (the same costs and headroom) by iterating
that map (:func:`~computemarket.games.first_price.first_price_equilibrium`), unlike ones
by shooting on the first-order conditions
(:func:`~computemarket.games.asymmetric.asymmetric_first_price`). The limits come out of
the same solution: when every headroom covers the tender, ``X_i`` is the probability of
winning and the single-unit equilibrium results; when the tender needs all of everyone's
headroom, ``X_i`` is the constant ``k_i`` and every type bids the reserve.
:func:`capacity_gain` measures how far bids are from an equilibrium.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from computemarket.games.asymmetric import asymmetric_first_price
from computemarket.games.capacity import sales_table
from computemarket.games.first_price import first_price_equilibrium
from computemarket.games.quantiles import below_probabilities
from computemarket.games.winning import sales_gain

__all__ = ["capacity_bids", "capacity_gain", "capacity_sales"]


def capacity_bids(
    costs: np.ndarray,
    q: np.ndarray,
    reserve: float,
    *,
    quantity: float,
    capacity: np.ndarray,
) -> np.ndarray | None:
    """Equilibrium pay-as-bid bids of a tender for ``quantity`` among bidders of ``capacity``.

    Parameters
    ----------
    costs : ndarray, shape (n, G)
        Each bidder's cost quantiles on the grid ``q``.
    q : ndarray, shape (G,)
        The probability grid.
    reserve : float
        The buyer refuses bids above it.
    quantity : float
        The quantity tendered, positive.
    capacity : ndarray, shape (n,)
        Each bidder's headroom; a bidder with none does not take part (it bids its cost).

    Returns
    -------
    ndarray of shape (n, G), or None
        Bids at each bidder's cost quantiles; None where unlike bidders' first-order
        conditions found no solution.

    Examples
    --------
    Two bidders of one unit each, costs uniform on (0, 1), 1.5 units asked: each is sure
    to sell half a unit and bids ``c + (1 - c)(1 + (1 - c)/2) / (2 - c)``.

    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid()
    >>> bids = capacity_bids(np.array([q, q]), q, 1.0, quantity=1.5, capacity=np.ones(2))
    >>> closed = q + (1 - q) * (1 + (1 - q) / 2) / (2 - q)
    >>> float(np.abs(bids - closed).max()) < 1e-4
    True
    """
    costs = np.asarray(costs, dtype=float)
    room = np.minimum(np.asarray(capacity, dtype=float), quantity)
    bids = costs.copy()
    taking = np.flatnonzero(room > 0.0)
    if taking.size == 0:
        return bids
    mine, part = costs[taking], room[taking]
    trades = mine < reserve
    if part.sum() <= quantity or taking.size == 1:
        # Every offer sells all of its headroom whatever it asks: X_i is constant.
        bids[taking] = np.where(trades, reserve, mine)
        return bids
    alike = bool(np.all(mine == mine[:1]) and np.all(part == part[0]))
    slack = bool(np.all(part >= quantity))
    # Where every headroom covers the tender, X_i is the quantity times the chance of
    # winning: the single-unit game, whose bids do not depend on the scale.
    game = (
        {"quantity": 1.0, "capacity": None} if slack else {"quantity": quantity, "capacity": part}
    )
    if alike:
        solved = first_price_equilibrium(mine, q, reserve, **game)
    else:
        solved = asymmetric_first_price(mine, q, reserve, **game)
        if solved is None:
            return None
    bids[taking] = solved
    return bids


def capacity_gain(
    costs: np.ndarray,
    bids: np.ndarray,
    q: np.ndarray,
    reserve: float,
    *,
    quantity: float,
    capacity: np.ndarray,
    points: int = 8193,
    types: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Largest gain a bidder gets by deviating from ``bids``, per bidder and cost.

    Rivals keep their bids; the deviation searches ``points`` prices between the lowest
    cost and the reserve. ``types``: own costs and bids checked instead of the grid's
    (:func:`~computemarket.games.winning.sales_gain`).

    Parameters
    ----------
    costs, bids : ndarray, shape (n, G)
        Cost quantiles on ``q`` and the bid at each.
    q : ndarray, shape (G,)
        The probability grid.
    reserve : float
        The buyer refuses bids above it.
    quantity : float
        The quantity tendered.
    capacity : ndarray, shape (n,)
        Each bidder's headroom.
    points : int, default 8193
        Prices searched.

    Returns
    -------
    ndarray, shape (n, G)
        Best deviation profit less the profit of the given bid (0: no gain).

    Examples
    --------
    Quoting one's cost leaves money on the table:

    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid()
    >>> costs = np.array([q, q])
    >>> gain = capacity_gain(costs, costs, q, 1.0, quantity=1.5, capacity=np.ones(2))
    >>> bool(gain.max() > 0.1)
    True
    """
    sales = capacity_sales(quantity, capacity, costs.shape[0])
    return sales_gain(costs, bids, q, reserve, sales, points, types)


def capacity_sales(quantity: float, capacity: np.ndarray, n: int) -> Callable[..., np.ndarray]:
    """Expected sales in a pay-as-bid tender with headrooms, given the rivals' bid quantiles.

    Parameters
    ----------
    quantity : float
        The quantity tendered.
    capacity : ndarray, shape (n,)
        Each bidder's headroom.
    n : int
        Bidders.

    Returns
    -------
    callable
        ``sales(i, rivals, q, prices, grid)``, as
        :func:`~computemarket.games.winning.sales_gain` takes it.

    Examples
    --------
    Two of one unit, 1.5 asked, against a rival who bids the reserve: below it a bidder
    sells its whole headroom.

    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid(5)
    >>> sales = capacity_sales(1.5, np.ones(2), 2)
    >>> sales(0, np.ones((1, 5)), q, np.array([0.5]), None).tolist()
    [1.0]
    """
    table = sales_table(quantity, np.asarray(capacity, dtype=float), n)

    def sales(i, rivals, q, prices, grid):
        return table.expected(i, below_probabilities(rivals, q, prices))

    return sales
