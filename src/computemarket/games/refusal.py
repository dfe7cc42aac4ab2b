"""Outsiders' sales in a divisible tender under a right of first refusal with capacities.

The holder has headroom ``k_0`` and a private cost ``c_0``; outsiders bid first, and the
holder sees their offers, the lowest ``p*``. Matching, it takes ``M = min(q, k_0)`` at
``p*`` and the outsiders share ``q - M`` in merit order. Declining, the outsiders share
``q`` and it sells, as supplier of last resort at its quote ``b_0``, what they leave:
``L = min(k_0, max(0, q - K))`` with ``K`` their headroom (every outsider taking part).
So it matches when ``(p* - c_0) M >= (b_0 - c_0) L`` (:func:`games.auction.decide`), that
is when ``c_0 <= theta(p*)``:

    theta(p) = p                              if L = 0,
    theta(p) = (p M - b_0 L) / (M - L)        if 0 < L < M,
    never (below the quote)                   if L = M.

An outsider that bids ``b`` with the rivals of ``S`` below it sells ``s_i(S; q - M)`` if the
holder matches and ``s_i(S; q)`` if not, and the holder matches with probability
``F_0(theta(p*))``, ``p* = b`` when ``S`` is empty and the lowest bid of ``S`` otherwise.
:class:`RefusalSales` sums this over ``S`` exactly: the chance of a match at the lowest
bid of ``S``, all of ``S`` below ``b``, is an inclusion-exclusion over the subsets of
``S`` of integrals ``C_T(b) = integral below b of F_0(theta(x)) d prod_{j in T} G_j(x)``,
computed once per round on a price grid.
"""

from __future__ import annotations

import itertools

import numpy as np

from computemarket.games.capacity import SalesTable
from computemarket.games.quantiles import below_probabilities, cdf_from_grid
from computemarket.games.winning import sales_gain

__all__ = ["RefusalSales", "refusal_gain"]


class RefusalSales:
    """Expected sales of each outsider facing a holder with a right of first refusal.

    Parameters
    ----------
    quantity : float
        The quantity tendered.
    capacity : ndarray, shape (n,)
        Each outsider's headroom.
    holder_capacity : float
        The holder's headroom.
    holder_costs : ndarray, shape (G,)
        The holder's cost quantiles on ``q``.
    q : ndarray, shape (G,)
        The probability grid.
    holder_quote : float
        The holder's quote as supplier of last resort (the reserve, when strategic).

    Examples
    --------
    One outsider of one unit, a holder of one unit, 1.5 asked: the outsider is sure to
    sell at least half a unit, the holder matches only when its cost is below
    ``theta(p) = 2p - 1``.

    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid()
    >>> sales = RefusalSales(1.5, np.array([1.0]), 1.0, q, q, holder_quote=1.0)
    >>> round(float(sales.threshold(np.array([0.8]))[0]), 6), sales.last_resort
    (0.6, 0.5)
    """

    def __init__(
        self,
        quantity: float,
        capacity: np.ndarray,
        holder_capacity: float,
        holder_costs: np.ndarray,
        q: np.ndarray,
        *,
        holder_quote: float,
    ) -> None:
        self.q = q
        self.holder_costs = holder_costs
        self.holder_quote = float(holder_quote)
        room = np.minimum(np.asarray(capacity, dtype=float), quantity)
        self.n = room.size
        self.matched = min(float(quantity), float(holder_capacity))
        self.last_resort = min(
            float(holder_capacity), max(0.0, float(quantity) - float(room.sum()))
        )
        self.declined_table = SalesTable(quantity, room)
        self.matched_table = SalesTable(max(quantity - self.matched, 0.0), room)

    def threshold(self, price: np.ndarray) -> np.ndarray:
        """The highest holder cost at which matching ``price`` pays, ``theta(price)``."""
        m, last = self.matched, self.last_resort
        if last <= 0.0:
            return np.asarray(price, dtype=float)
        if last >= m:
            return np.full(np.shape(price), -np.inf)
        return (np.asarray(price) * m - self.holder_quote * last) / (m - last)

    def match_probability(self, price: np.ndarray) -> np.ndarray:
        """The chance the holder matches an outside offer of ``price``."""
        return cdf_from_grid(self.threshold(price), self.holder_costs, self.q)

    def __call__(
        self, i: int, rivals: np.ndarray, q: np.ndarray, prices: np.ndarray, grid: np.ndarray
    ) -> np.ndarray:
        """Outsider ``i``'s expected sales at each of ``prices``.

        Parameters
        ----------
        i : int
            The outsider.
        rivals : ndarray, shape (n - 1, G)
            The other outsiders' bid quantiles on ``q``.
        q : ndarray, shape (G,)
            The probability grid.
        prices : ndarray, shape (M,)
            Where to evaluate.
        grid : ndarray, shape (Y,)
            An increasing price grid covering every bid, for the integrals ``C_T``.

        Returns
        -------
        ndarray, shape (M,)
        """
        m = rivals.shape[0]
        at = below_probabilities(rivals, q, prices)
        on_grid = below_probabilities(rivals, q, grid)
        match_grid = self.match_probability(grid)
        # C_T(price) for every non-empty subset T of the rivals.
        integral = {}
        for size in range(1, m + 1):
            for subset in itertools.combinations(range(m), size):
                product = np.prod(on_grid[list(subset)], axis=0)
                steps = 0.5 * (match_grid[1:] + match_grid[:-1]) * np.diff(product)
                cumulative = np.concatenate([[0.0], np.cumsum(steps)])
                integral[subset] = np.interp(prices, grid, cumulative)
        table_yes, table_no = self.matched_table, self.declined_table
        total = np.zeros(prices.shape)
        for index, mask in enumerate(table_no.subsets):
            below = [j for j in range(m) if mask[j]]
            above = [j for j in range(m) if not mask[j]]
            outside = np.prod(1.0 - at[above], axis=0) if above else np.ones(prices.shape)
            inside = np.prod(at[below], axis=0) if below else np.ones(prices.shape)
            chance = outside * inside
            if not below:
                matched = chance * self.match_probability(prices)
            else:
                # E[match at the lowest bid of S; every bid of S below the price].
                lowest = np.zeros(prices.shape)
                for size in range(1, len(below) + 1):
                    for subset in itertools.combinations(below, size):
                        rest = [j for j in below if j not in subset]
                        level = np.prod(at[rest], axis=0) if rest else np.ones(prices.shape)
                        lowest = lowest - (-1.0) ** size * level * integral[subset]
                matched = outside * lowest
            yes, no = table_yes.sales[i, index], table_no.sales[i, index]
            total = total + matched * yes + (chance - matched) * no
        return total


def refusal_gain(
    costs: np.ndarray,
    bids: np.ndarray,
    q: np.ndarray,
    reserve: float,
    sales: RefusalSales,
    points: int = 8193,
    types: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Largest gain an outsider gets by deviating from ``bids``, per outsider and cost.

    ``types``: own costs and bids checked instead of the grid's
    (:func:`~computemarket.games.winning.sales_gain`).

    Parameters
    ----------
    costs, bids : ndarray, shape (n, G)
        The outsiders' cost quantiles and bids.
    q : ndarray, shape (G,)
        The probability grid.
    reserve : float
        The buyer refuses bids above it.
    sales : RefusalSales
        The outsiders' sales.
    points : int, default 8193
        Deviation prices searched.

    Returns
    -------
    ndarray, shape (n, G)
        Best deviation profit less the profit of the given bid.

    Examples
    --------
    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid()
    >>> table = RefusalSales(1.5, np.ones(2), 1.0, q, q, holder_quote=1.0)
    >>> costs = np.array([q, q])
    >>> bool(refusal_gain(costs, costs, q, 1.0, table).max() > 0.05)
    True
    """
    return sales_gain(costs, bids, q, reserve, sales, points, types)
