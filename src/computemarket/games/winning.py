"""Winning probabilities of a bid against rivals and a holder, and the checks built on them.

:func:`win_probability` is the one place that computes the chance that a price wins a
single-unit tender (every rival bids above it and no holder takes the unit by matching
it). The equilibrium solvers use it, and so do :func:`deviation_gain`, which measures how
much a bidder could gain by leaving its bid function, and :func:`expected_market_price`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from computemarket.games.quantiles import cdf_from_grid

__all__ = [
    "deviation_gain",
    "expected_market_price",
    "match_factor",
    "sales_gain",
    "win_probability",
]


def match_factor(
    prices: np.ndarray, holder_costs: np.ndarray | None, holder_available: float, q: np.ndarray
) -> np.ndarray:
    """Probability that no holder takes the unit by matching each price: ``1 - a F_H(b)``.

    One everywhere when there is no holder (``holder_costs`` is None).
    """
    if holder_costs is None:
        return np.ones_like(prices, dtype=float)
    return 1.0 - holder_available * cdf_from_grid(prices, holder_costs, q)


def _rival_survival(bids: np.ndarray, q: np.ndarray, prices: np.ndarray) -> np.ndarray:
    """P(bidder j bids above each price), shape (n, M)."""
    return np.array([1.0 - cdf_from_grid(prices, b, q) for b in bids])


def win_probability(
    rivals: np.ndarray, q: np.ndarray, prices: np.ndarray, match: np.ndarray
) -> np.ndarray:
    """P(every rival bids above each price and no holder matches it); 1 with no rivals."""
    return np.prod(_rival_survival(rivals, q, prices), axis=0) * match


def deviation_gain(
    costs: np.ndarray,
    bids: np.ndarray,
    q: np.ndarray,
    reserve: float,
    *,
    holder_costs: np.ndarray | None = None,
    holder_available: float = 1.0,
    points: int = 8193,
    types: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Largest gain any bidder gets by deviating from ``bids``, per bidder and cost.

    Rivals keep the bids ``bids``. The deviation searches ``points`` prices between the
    lowest cost and the reserve, a finer grid than the solver's.

    Parameters
    ----------
    costs, bids : ndarray, shape (n, G)
        Cost quantiles on ``q`` and the bid at each.
    q : ndarray, shape (G,)
    reserve : float
    holder_costs : ndarray of shape (G,), optional
        The holder's cost quantiles, when a holder may match (``rofr``).
    holder_available : float
    points : int
    types : (ndarray, ndarray), optional
        Own costs and bids to check instead of the grid's, each of shape ``(n, m)``: for
        instance types in the tails, beyond the grid (their bids extrapolated).

    Returns
    -------
    ndarray, shape (n, G) or (n, m)
        Best deviation profit minus the profit of the given bid (0 means no gain).
    """
    n = costs.shape[0]
    own_costs, own_bids = (costs, bids) if types is None else types
    low = min(float(costs.min()), float(own_costs.min()), reserve)
    prices = np.linspace(low, reserve, points)
    match = match_factor(prices, holder_costs, holder_available, q)
    gain = np.empty_like(own_bids, dtype=float)
    for i in range(n):
        rivals = np.delete(bids, i, axis=0)
        win = win_probability(rivals, q, prices, match)
        best = np.max((prices[None, :] - own_costs[i][:, None]) * win[None, :], axis=1)
        best = np.maximum(best, 0.0)
        own_match = match_factor(own_bids[i], holder_costs, holder_available, q)
        own_win = win_probability(rivals, q, own_bids[i], own_match)
        own = np.where(own_bids[i] <= reserve, (own_bids[i] - own_costs[i]) * own_win, 0.0)
        gain[i] = best - own
    return gain


def sales_gain(
    costs: np.ndarray,
    bids: np.ndarray,
    q: np.ndarray,
    reserve: float,
    sales: Callable[..., np.ndarray],
    points: int = 8193,
    types: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Largest gain a bidder gets by deviating from ``bids``, for any expected-sales rule.

    Parameters
    ----------
    costs, bids : ndarray, shape (n, G)
        Cost quantiles on ``q`` and the bid at each.
    q : ndarray, shape (G,)
        The probability grid.
    reserve : float
        The buyer refuses bids above it.
    sales : callable
        ``sales(i, rivals, q, prices, grid)``: bidder ``i``'s expected sales at ``prices``
        given its rivals' bid quantiles (a pay-as-bid game: profit is price less cost,
        times sales).
    points : int, default 8193
        Deviation prices searched, from the lowest cost to the reserve.
    types : (ndarray, ndarray), optional
        Own costs and bids to check instead of the grid's, each of shape ``(n, m)``
        (types in the tails, as for :func:`deviation_gain`); rivals keep ``bids``.

    Returns
    -------
    ndarray, shape (n, G) or (n, m)
        Best deviation profit less the profit of the given bid (0: no gain).

    Examples
    --------
    One unit, two bidders quoting cost: shading up pays.

    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid()
    >>> def unit(i, rivals, q, prices, grid):
    ...     return win_probability(rivals, q, prices, np.ones_like(prices))
    >>> costs = np.array([q, q])
    >>> bool(sales_gain(costs, costs, q, 1.0, unit).max() > 0.1)
    True
    """
    n = costs.shape[0]
    own_costs, own_bids = (costs, bids) if types is None else types
    low = min(float(costs.min()), float(own_costs.min()), reserve)
    prices = np.linspace(low, reserve, points)
    gain = np.zeros_like(own_bids, dtype=float)
    for i in range(n):
        rivals = np.delete(bids, i, axis=0)
        at_prices = sales(i, rivals, q, prices, prices)
        best = np.max((prices[None, :] - own_costs[i][:, None]) * at_prices[None, :], axis=1)
        own = (own_bids[i] - own_costs[i]) * sales(i, rivals, q, own_bids[i], prices)
        gain[i] = np.maximum(best, 0.0) - np.where(own_bids[i] <= reserve, own, 0.0)
    return gain


def expected_market_price(bids: np.ndarray, q: np.ndarray, reserve: float, auction: str) -> float:
    """Expected price of a market among bidders with bid quantiles ``bids``, capped at the reserve.

    Under ``first_price`` the price is the lowest bid; under ``second_price`` the second
    lowest. Where the market would clear above the reserve (or has too few bidders), the
    price counts as the reserve: the buyer would not pay more for the unit.

    Parameters
    ----------
    bids : ndarray, shape (n, G)
        Each bidder's bid quantiles on ``q``.
    q : ndarray, shape (G,)
    reserve : float
    auction : {"first_price", "second_price"}

    Returns
    -------
    float

    Examples
    --------
    Two bidders bidding uniform costs truthfully: the second-lowest of two uniforms has
    mean 2/3.

    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid(2001)
    >>> round(expected_market_price(np.array([q, q]), q, 1.0, "second_price"), 3)
    0.667
    """
    low = min(float(bids.min()), reserve)
    x = np.linspace(min(low, 0.0), reserve, 8193)
    below = np.array([cdf_from_grid(x, b, q) for b in bids])  # P(bid <= x)
    above = 1.0 - below
    none_below = np.prod(above, axis=0)
    if auction == "first_price":
        survival = none_below  # P(min bid > x)
    else:
        one_below = np.zeros_like(x)
        for i in range(bids.shape[0]):
            one_below += below[i] * np.prod(np.delete(above, i, axis=0), axis=0)
        survival = none_below + one_below  # P(second lowest > x)
    # E[min(reserve, Y)] = x0 + integral of P(Y > x) from x0 to the reserve, for Y >= x0.
    return float(x[0] + np.trapezoid(survival, x))
