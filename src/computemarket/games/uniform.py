"""Uniform-price tenders between two capacity-constrained bidders, in between the limits.

Every winner is paid the clearing price of :func:`~computemarket.games.auction.clearing_price`:
the bid of the first offer in merit order with headroom left, or the reserve where every
offer is used up. With two bidders, offers ``a`` (cheaper) and ``b``, headrooms ``k_a``,
``k_b`` and ``q`` asked, the cheaper sells ``min(k_a, q)`` and the dearer
``min(k_b, q - min(k_a, q))``, and the price is ``a``'s bid if ``k_a > q``, ``b``'s if
``k_b`` exceeds what is left for it, and the reserve otherwise. A bidder's payoff at a
price therefore depends on its rival's bid itself, not only on whether it lies below:
:func:`uniform_grid_sales` gives the expected sales and the expected revenue on a price
grid for :func:`~computemarket.games.distributional.distributional_equilibrium`, and
:func:`uniform_gain` measures deviations in the continuous game against a rival's bid
quantiles. Closed form (``docs/economics.md``): two of one unit, ``q = 1.5``, costs
uniform on (0, 1), reserve 1: ``b(c) = c (1 - ln c)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["uniform_gain", "uniform_grid_sales"]


def _orders(quantity: float, capacity: np.ndarray) -> dict:
    """Sales and who sets the price, for bidder 0 first, second, or alone.

    Returns, for bidder ``i`` (0 or 1) with rival ``j``: ``sold`` and ``setter`` in each
    order, the setter one of ``"own"``, ``"rival"``, ``"reserve"``.
    """
    out = {}
    for i in (0, 1):
        mine, theirs = float(capacity[i]), float(capacity[1 - i])
        first = min(mine, quantity)
        left = quantity - first
        ahead = "own" if mine > quantity else ("rival" if theirs > left else "reserve")
        rival_first = min(theirs, quantity)
        second = min(mine, quantity - rival_first)
        behind = "rival" if theirs > quantity else ("own" if mine > second else "reserve")
        alone = "own" if mine > quantity else "reserve"
        out[i] = {"first": (first, ahead), "second": (second, behind), "alone": (first, alone)}
    return out


def uniform_grid_sales(
    quantity: float, capacity: np.ndarray, reserve: float
) -> Callable[[int, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Expected sales and revenue on a price grid in a two-bidder uniform-price tender.

    A rival at the same price is first or second with probability one half each; a
    rival whose distribution has less than unit mass on the grid (types that cannot
    trade) is absent with the rest.

    Parameters
    ----------
    quantity : float
        The quantity tendered.
    capacity : ndarray, shape (2,)
        Headrooms (not capped at the quantity: headroom left over sets the price).
    reserve : float
        The price where every offer is used up.

    Returns
    -------
    callable
        ``sales(i, rivals, prices) -> (sales, revenue)``, each of shape ``(actions,)``.

    Examples
    --------
    Two of one unit, 1.5 asked, a rival at 0.5 for sure: below it a bidder sells one unit
    at 0.5, above it half a unit at its own bid.

    >>> sales = uniform_grid_sales(1.5, np.ones(2), 1.0)
    >>> prices = np.array([0.25, 0.5, 0.75])
    >>> sold, revenue = sales(0, np.array([[0.0, 1.0, 0.0]]), prices)
    >>> sold.tolist(), revenue.tolist()
    ([1.0, 0.75, 0.5], [0.5, 0.375, 0.375])
    """
    orders = _orders(float(quantity), np.asarray(capacity, dtype=float))

    def sales(i: int, rivals: np.ndarray, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        g = rivals[0]
        below = np.cumsum(g) - g  # P(rival strictly below p_k)
        above = g.sum() - below - g  # P(rival strictly above p_k), present
        absent = 1.0 - g.sum()
        # E[rival's bid; rival strictly above] and strictly below.
        upper = g * prices
        bid_below = np.cumsum(upper) - upper
        bid_above = upper.sum() - bid_below - upper
        (s1, set1), (s2, set2), (s0, set0) = (orders[i][k] for k in ("first", "second", "alone"))
        sold = s1 * above + s2 * below + 0.5 * (s1 + s2) * g + s0 * absent
        revenue = (
            s1 * _priced(set1, prices, above, bid_above, reserve)
            + s2 * _priced(set2, prices, below, bid_below, reserve)
            + 0.5
            * (
                s1 * _setter_price(set1, prices, prices, reserve)
                + s2 * _setter_price(set2, prices, prices, reserve)
            )
            * g
            + s0 * _setter_price(set0, prices, prices, reserve) * absent
        )
        return sold, revenue

    return sales


def _priced(setter: str, prices, chance, rival_bids, reserve) -> np.ndarray:
    """E[price; the rival on this side]: own bid, the rival's, or the reserve."""
    if setter == "own":
        return prices * chance
    if setter == "rival":
        return rival_bids
    return reserve * chance


def uniform_gain(
    costs: np.ndarray,
    bids: np.ndarray,
    reserve: float,
    *,
    quantity: float,
    capacity: np.ndarray,
    points: int = 8193,
) -> np.ndarray:
    """Largest gain a bidder gets by deviating from ``bids`` in a two-bidder uniform-price tender.

    The rival's bids at its cost quantiles are equally likely (the grid's cells); the
    deviation searches ``points`` prices between the lowest cost and the reserve.

    Parameters
    ----------
    costs, bids : ndarray, shape (2, G)
        Cost quantiles on an equal-probability grid and the bid at each (above the
        reserve: no offer).
    reserve : float
    quantity : float
    capacity : ndarray, shape (2,)
        Headrooms.
    points : int, default 8193

    Returns
    -------
    ndarray, shape (2, G)
        Best deviation profit less the profit of the given bid (0: no gain).

    Examples
    --------
    Quoting cost is not an equilibrium when the dearer offer sets the price for both:

    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid()
    >>> costs = np.array([q, q])
    >>> gain = uniform_gain(costs, costs, 1.0, quantity=1.5, capacity=np.ones(2))
    >>> bool(gain.max() > 0.01)
    True
    """
    orders = _orders(float(quantity), np.asarray(capacity, dtype=float))
    prices = np.linspace(min(float(costs.min()), reserve), reserve, points)
    gain = np.zeros_like(bids)
    for i in (0, 1):
        rival = bids[1 - i]
        # Profit is revenue less cost times sales, both expectations over the rival.
        revenue, sold = _expected(orders[i], prices, rival, reserve)
        best = np.max(revenue[None, :] - costs[i][:, None] * sold[None, :], axis=1)
        own_revenue, own_sold = _expected(orders[i], bids[i], rival, reserve)
        own = np.where(bids[i] <= reserve, own_revenue - costs[i] * own_sold, 0.0)
        gain[i] = np.where(costs[i] < reserve, np.maximum(best, 0.0) - own, 0.0)
    return gain


def _expected(orders: dict, own: np.ndarray, rival: np.ndarray, reserve: float):
    """E[price x sales] and E[sales] at each of ``own`` prices, the rival's bids equally likely."""
    present = rival <= reserve
    weight = 1.0 / rival.size
    first = (own[:, None] < rival[None, :]) & present[None, :]
    second = (own[:, None] > rival[None, :]) & present[None, :]
    tie = (own[:, None] == rival[None, :]) & present[None, :]
    revenue = np.zeros(own.shape)
    sold = np.zeros(own.shape)
    for order, mask in (("first", first), ("second", second)):
        amount, setter = orders[order]
        share = np.where(mask, 1.0, 0.0) + 0.5 * tie
        price = _setter_price(setter, own[:, None], rival[None, :], reserve)
        revenue = revenue + amount * (price * share).sum(axis=1) * weight
        sold = sold + amount * share.sum(axis=1) * weight
    amount, setter = orders["alone"]
    alone = (~present).sum() * weight
    revenue = revenue + amount * _setter_price(setter, own, own, reserve) * alone
    return revenue, sold + amount * alone


def _setter_price(setter: str, own, rival, reserve):
    if setter == "own":
        return np.broadcast_to(own, np.broadcast_shapes(np.shape(own), np.shape(rival)))
    if setter == "rival":
        return np.broadcast_to(rival, np.broadcast_shapes(np.shape(own), np.shape(rival)))
    return np.full(np.broadcast_shapes(np.shape(own), np.shape(rival)), float(reserve))
