"""The holder's best response under a right of first offer, when a refused holder competes.

Under ``rofo`` the buyer accepts the holder's first offer when it is at most the
threshold ``T``. A refused holder may then bid in the outside market
(``contract.refused_holder = "competes"``). A holder of cost ``c`` therefore chooses
between offering ``T`` (accepted: it earns ``T - c`` per unit) and being refused on
purpose to bid ``b`` against the outsiders (it earns ``(b - c) W(b)``, with ``W`` the
chance that every outsider bids above ``b``). The first falls with slope one in ``c``,
the best of the second with slope ``W <= 1``, so the holder offers ``T`` below one
switching cost ``c*`` and competes above it (:func:`first_offer_response`,
:func:`switching_cost`). The outsiders' bids
are taken as given; they do not yet anticipate the holder in their market.
"""

from __future__ import annotations

import numpy as np

from computemarket.games.first_price import PRICE_POINTS
from computemarket.games.winning import win_probability

__all__ = ["first_offer_response", "switching_cost"]


def first_offer_response(
    holder_costs: np.ndarray,
    outsider_bids: np.ndarray,
    q: np.ndarray,
    threshold: float,
    reserve: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each holder type offers the threshold, and its best bid if it competes.

    Parameters
    ----------
    holder_costs : ndarray, shape (G,)
        The holder's cost quantiles on ``q``.
    outsider_bids : ndarray, shape (m, G)
        The outsiders' bid quantiles on ``q``.
    q : ndarray, shape (G,)
        The probability grid.
    threshold : float
        The buyer's acceptance threshold for the first offer.
    reserve : float
        The buyer refuses bids above it.

    Returns
    -------
    offers : ndarray of bool, shape (G,)
        True where offering the threshold earns at least the best bid in the market.
    market : ndarray, shape (G,)
        Each type's best bid in the outside market (its cost where it cannot trade).

    Examples
    --------
    Against one outsider whose bids are uniform on (0.5, 1), a holder of cost 0.4 does
    better offering a threshold of 0.7 (0.3) than bidding (at most 0.225); one of cost
    0.65 does better bidding.

    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid()
    >>> offers, market = first_offer_response(q, np.array([0.5 + q / 2]), q, 0.7, 1.0)
    >>> bool(offers[np.searchsorted(q, 0.4)]), bool(offers[np.searchsorted(q, 0.65)])
    (True, False)
    """
    low = min(float(holder_costs.min()), reserve)
    prices = np.linspace(low, reserve, PRICE_POINTS)
    wins = win_probability(outsider_bids, q, prices, np.ones_like(prices))
    profit = (prices[None, :] - holder_costs[:, None]) * wins[None, :]
    best = np.argmax(profit, axis=1)
    trades = holder_costs < reserve
    market = np.where(trades, np.maximum(prices[best], holder_costs), holder_costs)
    compete = np.where(trades, np.maximum(profit[np.arange(q.size), best], 0.0), 0.0)
    offers = (threshold - holder_costs >= compete) & (holder_costs <= threshold)
    return offers, market


def switching_cost(
    holder_costs: np.ndarray,
    outsider_bids: np.ndarray,
    q: np.ndarray,
    threshold: float,
    reserve: float,
) -> float:
    """The cost ``c*`` below which the holder offers the threshold and above which it bids.

    Where offering less competing, ``(T - c) - max_b (b - c) W(b)``, changes sign between
    two grid types, ``c*`` is interpolated linearly between them; ``-inf`` if no type
    offers, the highest type's cost if every type does.

    Parameters
    ----------
    holder_costs, outsider_bids, q, threshold, reserve
        As :func:`first_offer_response`.

    Returns
    -------
    float

    Examples
    --------
    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid()
    >>> c = switching_cost(q, np.array([0.5 + q / 2]), q, 0.7, 1.0)
    >>> 0.4 < c < 0.65
    True
    """
    offers, market = first_offer_response(holder_costs, outsider_bids, q, threshold, reserve)
    if not offers.any():
        return -np.inf
    last = int(np.flatnonzero(offers)[-1])
    if last == q.size - 1:
        return float(holder_costs[-1])
    wins = win_probability(outsider_bids, q, market[last : last + 2], np.ones(2))
    compete = (market[last : last + 2] - holder_costs[last : last + 2]) * wins
    gap = (threshold - holder_costs[last : last + 2]) - np.maximum(compete, 0.0)
    share = gap[0] / (gap[0] - gap[1]) if gap[0] > gap[1] else 0.0
    edge = holder_costs[last] + share * (holder_costs[last + 1] - holder_costs[last])
    return float(min(edge, threshold))
