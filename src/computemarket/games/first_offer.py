"""The holder's best response under a right of first offer, when a refused holder competes.

Under ``rofo`` the buyer accepts the holder's first offer when it is at most the
threshold ``T``. A refused holder may then bid in the outside market
(``contract.refused_holder = "competes"``). A holder of cost ``c`` therefore chooses
between offering ``T`` (accepted: it earns ``T - c`` per unit) and being refused on
purpose to bid ``b`` against the outsiders (it earns ``(b - c) W(b)``, with ``W`` the
chance that every outsider bids above ``b``). The first falls with slope one in ``c``,
the best of the second with slope ``W <= 1``, so the holder offers ``T`` below one
switching cost ``c*`` and competes above it (:func:`first_offer_response`). The outsiders' bids
are taken as given; they do not yet anticipate the holder in their market.
"""

from __future__ import annotations

import numpy as np

from computemarket.games.first_price import PRICE_POINTS
from computemarket.games.winning import win_probability

__all__ = ["first_offer_response"]


def first_offer_response(
    holder_costs: np.ndarray,
    outsider_bids: np.ndarray,
    q: np.ndarray,
    threshold: float,
    reserve: float,
) -> tuple[float, np.ndarray]:
    """The switching cost ``c*``, and each holder type's best bid if it competes.

    Types at or below ``c*`` offer the threshold; dearer ones bid. Where offering less
    competing, ``(T - c) - max_b (b - c) W(b)``, changes sign between two grid types,
    ``c*`` is interpolated linearly between them; it is ``-inf`` if no type offers, and
    at most ``T``.

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
    switching : float
        ``c*``.
    market : ndarray, shape (G,)
        Each type's best bid in the outside market (its cost where it cannot trade).

    Examples
    --------
    Against one outsider whose bids are uniform on (0.5, 1), competing earns
    ``(1 - c)^2 / 2`` and offering a threshold of 0.7 earns ``0.7 - c``: the holder
    offers below ``c* = sqrt(0.4)``.

    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid()
    >>> switching, market = first_offer_response(q, np.array([0.5 + q / 2]), q, 0.7, 1.0)
    >>> round(switching, 3), round(float(np.sqrt(0.4)), 3)
    (0.632, 0.632)
    """
    low = min(float(holder_costs.min()), reserve)
    prices = np.linspace(low, reserve, PRICE_POINTS)
    wins = win_probability(outsider_bids, q, prices, np.ones_like(prices))
    profit = (prices[None, :] - holder_costs[:, None]) * wins[None, :]
    best = np.argmax(profit, axis=1)
    trades = holder_costs < reserve
    market = np.where(trades, np.maximum(prices[best], holder_costs), holder_costs)
    compete = np.where(trades, np.maximum(profit[np.arange(q.size), best], 0.0), 0.0)
    gap = (threshold - holder_costs) - compete
    offers = (gap >= 0.0) & (holder_costs <= threshold)
    if not offers.any():
        return -np.inf, market
    last = int(np.flatnonzero(offers)[-1])
    if last == q.size - 1:
        return float(min(holder_costs[-1], threshold)), market
    share = gap[last] / (gap[last] - gap[last + 1]) if gap[last] > gap[last + 1] else 0.0
    edge = holder_costs[last] + share * (holder_costs[last + 1] - holder_costs[last])
    return float(min(edge, threshold)), market
