"""Symmetric first-price equilibria of one tender, by the envelope theorem, on arrays.

The game (``docs/economics.md``): one buyer values a unit at the reserve price ``r``.
Bidders draw independent private costs, bidder ``i`` from the distribution described by
its quantile function on a grid of probabilities ``q``. A bid function maps a cost to a
price. Everything here is computed once per scenario (or per :func:`tender_study`), not
per tender.

- Second price (the clearing price among the bidders): bidding one's cost is a weakly
  dominant strategy, with or without a right of first refusal.
- First price (pay as bid): bidder ``i`` with cost ``c`` bids ``b`` to maximise
  ``(b - c) * P(every rival bids above b) * M(b)``. Here ``M(b)`` is the probability that
  no holder takes the unit away by matching. Under a right of first refusal,
  ``M(b) = 1 - a * F_H(b)``, where ``F_H`` is the CDF of the holder's cost and ``a`` the
  probability that the holder can serve. Otherwise ``M = 1``. We solve for the
  equilibrium by damped iterated best response on the grid
  (:func:`first_price_equilibrium`). It serves bidders that share a cost distribution;
  :mod:`computemarket.games.asymmetric` solves for unlike ones. The closed forms for
  uniform costs in ``docs/economics.md`` check it, and
  :func:`~computemarket.games.winning.deviation_gain` checks that no bidder gains by
  deviating.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from computemarket.games.capacity import capacity_table
from computemarket.games.quantiles import below_probabilities
from computemarket.games.winning import match_factor, win_probability

__all__ = ["PRICE_POINTS", "first_price_equilibrium"]

#: Candidate prices searched for each best response.
PRICE_POINTS = 2049


def first_price_equilibrium(
    costs: np.ndarray,
    q: np.ndarray,
    reserve: float,
    *,
    holder_costs: np.ndarray | None = None,
    holder_available: float = 1.0,
    quantity: float = 1.0,
    capacity: np.ndarray | None = None,
    sales: Callable[..., np.ndarray] | None = None,
    iterations: int = 2000,
    damping: float = 0.5,
    tolerance: float = 1e-9,
) -> np.ndarray:
    """Equilibrium bids of a first-price (pay-as-bid) procurement auction.

    Solved through the envelope theorem. In equilibrium a bidder's expected profit is
    ``U(c) = (b(c) - c) X(c)``, where ``X(c)`` is what its bid ``b(c)`` expects to sell
    (the probability that it wins, for one unit), and ``U'(c) = -X(c)``. Hence
    ``U(c) = U(c_top) + integral from c to c_top of X``, and ``b(c) = c + U(c) / X(c)``.
    We iterate this map from the cost-plus-share start, damped, until no bid moves by more
    than ``tolerance`` times the reserve. The top type's profit ``U(c_top)`` is its best
    response on a fine price grid. With capacities, ``X`` comes from
    :class:`~computemarket.games.capacity.SalesTable`: a bidder sure to sell some of its
    headroom whatever it bids has ``U(c_top) > 0`` and its top types bid up to the reserve.

    Parameters
    ----------
    costs : ndarray, shape (n, G)
        Each bidder's cost quantiles on the grid ``q``.
    q : ndarray, shape (G,)
    reserve : float
        The buyer refuses bids above it.
    holder_costs : ndarray, shape (G,), optional
        Quantiles of a holder's cost: the bidders face a right of first refusal, under
        which the holder takes the unit by matching the winning bid when its cost is below it.
    holder_available : float, default 1.0
        Probability that the holder can serve (and so match).
    quantity : float, default 1.0
        The quantity tendered.
    capacity : ndarray of shape (n,), optional
        Each bidder's headroom, offered at one price; awards go in merit order up to
        headroom. Without it, one unit and no capacity limit: the single-unit auction.
        Not combined with ``holder_costs``.
    sales : callable, optional
        ``sales(i, rivals, q, prices, grid)``: bidder ``i``'s expected sales at ``prices``
        given its rivals' bid quantiles, for games whose sales neither of the above
        describes (:class:`~computemarket.games.refusal.RefusalSales`); overrides them.
    iterations, damping, tolerance
        Limits of the fixed-point iteration.

    Returns
    -------
    ndarray, shape (n, G)
        Bids; a bidder whose cost is at or above the reserve bids its cost (it cannot trade).

    Examples
    --------
    Two bidders with costs uniform on (0, 1) and reserve 1 bid ``(1 + c) / 2``:

    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid()
    >>> bids = first_price_equilibrium(np.array([q, q]), q, 1.0)
    >>> bool(np.allclose(bids, (1 + q) / 2, atol=2e-3))
    True
    """
    n = costs.shape[0]
    low = min(float(costs.min()), reserve)
    prices = np.linspace(low, reserve, PRICE_POINTS)
    table = capacity_table(quantity, capacity, n, holder=holder_costs is not None)

    def match_at(b: np.ndarray) -> np.ndarray:
        return match_factor(b, holder_costs, holder_available, q)

    bids = np.where(costs < reserve, costs + (reserve - costs) / (n + 1), costs)
    for _ in range(iterations):
        new = np.empty_like(bids)
        for i in range(n):
            rivals = np.delete(bids, i, axis=0)
            c = costs[i]
            trades = c < reserve

            def win_at(b: np.ndarray, rivals=rivals, i=i) -> np.ndarray:
                if sales is not None:
                    return sales(i, rivals, q, np.atleast_1d(b), prices)
                if table is not None:
                    return table.expected(i, below_probabilities(rivals, q, b))
                return win_probability(rivals, q, b, match_at(b))

            own = win_at(bids[i])
            # The top trading type's profit: its best response on the price grid.
            top = int(np.flatnonzero(trades)[-1]) if trades.any() else -1
            if top < 0:
                new[i] = c
                continue
            u_top = max(float(np.max((prices - c[top]) * win_at(prices))), 0.0)
            # U(c) = U(c_top) + integral of V from c to c_top (trapezoid on the cost grid).
            segment = 0.5 * (own[1:] + own[:-1]) * np.diff(c)
            tail = np.concatenate([np.cumsum(segment[::-1])[::-1], [0.0]])
            profit = np.where(trades, u_top + tail - tail[top], 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                markup = np.where(own > 1e-300, profit / own, reserve - c)
            new[i] = np.where(trades, np.minimum(c + markup, reserve), c)
        new = np.maximum(np.maximum.accumulate(new, axis=1), costs)
        step = (1.0 - damping) * (new - bids)
        bids = bids + step
        if np.max(np.abs(step)) < tolerance * max(reserve, 1e-12):
            break
    return bids
