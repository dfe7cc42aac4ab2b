"""Sales of a capacity-constrained bidder in a divisible tender, against its rivals' bids.

A tender asks for ``quantity``; bidder ``i`` offers up to its headroom ``capacity[i]`` at
one price, and awards go in merit order, cheapest first, up to headroom. If the rivals
that bid below ``i`` hold headroom ``K_S`` in total, ``i`` sells

    s_i(S) = min(k_i, max(0, q - K_S)),

the residual its cheaper rivals leave, up to its own headroom. Facing rivals whose bids
fall below a price ``p`` with probabilities ``G_j(p)``, independently, it expects to sell

    X_i(p) = sum over subsets S of its rivals of  s_i(S) prod_{j in S} G_j(p)
             prod_{j not in S} (1 - G_j(p)).

``X_i`` falls from ``min(k_i, q)`` (every rival above ``p``) to the guaranteed residual
``m_i = s_i(all rivals)``. With one unit and headroom one each this is the probability of
winning, so the single-unit games are the case ``quantity = capacity = 1``.
"""

from __future__ import annotations

import itertools

import numpy as np

__all__ = ["SalesTable", "capacity_table", "sales_table"]


class SalesTable:
    """Every bidder's sales in every order of the others: ``s_i(S)`` by subset.

    Parameters
    ----------
    quantity : float
        The quantity tendered.
    capacity : ndarray, shape (n,)
        Each bidder's headroom (same units as ``quantity``).

    Attributes
    ----------
    quantity : float
    capacity : ndarray, shape (n,)
    subsets : ndarray of bool, shape (2 ** (n - 1), n - 1)
        Every subset of a bidder's rivals (rivals in index order, the bidder left out).
    sales : ndarray, shape (n, 2 ** (n - 1))
        ``sales[i, s]``: what bidder ``i`` sells when exactly the rivals of subset ``s``
        bid below it.
    guaranteed : ndarray, shape (n,)
        What each bidder sells even when it bids above every rival, ``m_i``.
    most : ndarray, shape (n,)
        What each sells when it bids below every rival, ``min(k_i, q)``.

    Examples
    --------
    Two bidders of one unit each and a tender for 1.5: the cheaper sells 1, the dearer 0.5.

    >>> table = SalesTable(1.5, np.array([1.0, 1.0]))
    >>> table.sales.tolist(), table.guaranteed.tolist()
    ([[1.0, 0.5], [1.0, 0.5]], [0.5, 0.5])
    """

    def __init__(self, quantity: float, capacity: np.ndarray) -> None:
        capacity = np.asarray(capacity, dtype=float)
        n = capacity.size
        self.quantity = float(quantity)
        self.capacity = capacity
        choices = list(itertools.product([False, True], repeat=n - 1))
        self.subsets = np.array(choices, dtype=bool).reshape(len(choices), n - 1)
        # Order the subsets by size, then lexicographically: the empty set first.
        if n > 1:
            self.subsets = self.subsets[np.lexsort(self.subsets.T[::-1])]
            self.subsets = self.subsets[np.argsort(self.subsets.sum(axis=1), kind="stable")]
        sales = np.empty((n, self.subsets.shape[0]))
        for i in range(n):
            rivals = np.delete(capacity, i)
            below = self.subsets.astype(float) @ rivals
            sales[i] = np.minimum(capacity[i], np.maximum(0.0, self.quantity - below))
        self.sales = sales
        self.guaranteed = sales[:, -1].copy()
        self.most = sales[:, 0].copy()

    def expected(self, i: int, below: np.ndarray) -> np.ndarray:
        """Bidder ``i``'s expected sales, ``X_i``.

        Parameters
        ----------
        i : int
            The bidder.
        below : ndarray, shape (n - 1, M)
            For each rival (index order, ``i`` left out), the probability that it bids below
            each of ``M`` prices.

        Returns
        -------
        ndarray, shape (M,)
            Expected sales at each price.
        """
        below = np.asarray(below, dtype=float)
        total = np.zeros(below.shape[1:])
        for subset, sold in zip(self.subsets, self.sales[i], strict=True):
            if sold == 0.0:
                continue
            chance = np.prod(np.where(subset[:, None], below, 1.0 - below), axis=0)
            total = total + sold * chance
        return total


def sales_table(quantity: float, capacity: np.ndarray | None, bidders: int) -> SalesTable:
    """The :class:`SalesTable` of a tender, or of one unit with unit headrooms.

    Parameters
    ----------
    quantity : float
        The quantity tendered.
    capacity : ndarray of shape (n,), or None
        Headrooms; None means one unit each (with ``quantity`` one, a single-unit tender).
    bidders : int
        Number of bidders ``n``.

    Returns
    -------
    SalesTable
        Headrooms above the quantity are cut to it: a bidder cannot sell more than is asked.

    Examples
    --------
    >>> sales_table(1.0, None, 3).guaranteed.tolist()
    [0.0, 0.0, 0.0]
    """
    if capacity is None:
        capacity = np.ones(bidders)
    capacity = np.minimum(np.asarray(capacity, dtype=float), quantity)
    return SalesTable(quantity, capacity)


def capacity_table(
    quantity: float, capacity: np.ndarray | None, bidders: int, *, holder: bool
) -> SalesTable | None:
    """The sales table a solver needs, or None for the single-unit game.

    Parameters
    ----------
    quantity : float
        The quantity tendered.
    capacity : ndarray of shape (n,), or None
        Headrooms.
    bidders : int
        Number of bidders.
    holder : bool
        Whether the solver also faces a holder's match (single-unit only).

    Returns
    -------
    SalesTable or None
        None when there is one unit and no capacity: the single-unit game.

    Raises
    ------
    ValueError
        If capacities come with a holder (see :mod:`computemarket.games.refusal`).

    Examples
    --------
    >>> capacity_table(1.0, None, 2, holder=False) is None
    True
    """
    if capacity is None and quantity == 1.0:
        return None
    if holder:
        raise ValueError(
            "capacities are not combined with a holder's match here; "
            "see computemarket.games.refusal"
        )
    return sales_table(quantity, capacity, bidders)
