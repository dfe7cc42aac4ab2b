"""An independent best-response check of computed bids, written apart from the solvers.

It shares no code with ``computemarket.games`` beyond the bid functions it checks. A
rival's bid falls below a price ``p`` with probability ``F_j(phi_j(p))``, where ``F_j`` is
the rival's true cost distribution (a frozen ``scipy.stats`` distribution, not the
solver's quantile grid) and ``phi_j`` the inverse of its bid function, found by bisection
on costs. A bidder's expected sales add up every set of rivals that can bid below it,
enumerated here; its best deviation is searched on a dense grid of prices between its
cost and the reserve, for types spread over the whole distribution, tails included.
"""

from __future__ import annotations

import itertools

import numpy as np


def inverse_bid(bid, dist, prices, reserve):
    """The cost whose bid is ``p``, for each price (bisection on costs; bids nondecreasing)."""
    low = np.full(prices.shape, float(dist.ppf(0.0)))
    high_cost = float(dist.ppf(1.0))
    high = np.full(prices.shape, min(high_cost, 10.0 * reserve + abs(low[0])))
    for _ in range(80):
        mid = 0.5 * (low + high)
        below = bid(mid) < prices
        low = np.where(below, mid, low)
        high = np.where(below, high, mid)
    return 0.5 * (low + high)


def below_probability(bid, dist, prices, reserve):
    """P(the rival's bid is below each price): its true CDF at the inverse bid."""
    return np.asarray(dist.cdf(inverse_bid(bid, dist, prices, reserve)), dtype=float)


def expected_sales(i, quantity, capacity, below):
    """Bidder ``i``'s expected sales at each price, ``below[j]`` the rivals' probabilities."""
    rivals = [j for j in range(len(capacity)) if j != i]
    total = np.zeros_like(below[rivals[0]]) if rivals else np.ones(1)
    for choice in itertools.product([False, True], repeat=len(rivals)):
        ahead = sum(capacity[j] for j, c in zip(rivals, choice, strict=True) if c)
        sold = min(capacity[i], max(0.0, quantity - ahead))
        if sold == 0.0:
            continue
        chance = np.ones_like(total)
        for j, c in zip(rivals, choice, strict=True):
            chance = chance * (below[j] if c else 1.0 - below[j])
        total = total + sold * chance
    return total


def largest_gains(
    bids, dists, reserve, quantity, capacity, *, prices=100001, tail=1e-5, holder=None
):
    """The largest relative gain from deviating, per bidder, at interior and tail types.

    Parameters
    ----------
    bids : list of callables
        Each bidder's bid as a function of its cost (vectorized).
    dists : list of frozen scipy.stats distributions
        Each bidder's true cost distribution.
    reserve, quantity : float
    capacity : sequence of float
    prices : int
        Prices on the deviation grid, from the lowest cost to the reserve.
    tail : float
        Probability of the outermost types checked in each tail.
    holder : tuple (distribution, availability), optional
        A holder with a right of first refusal over one unit: it takes the unit from the
        lowest bidder, at that bid, when it can serve and its cost is at most the bid.

    Returns
    -------
    interior, tails : ndarray, shape (n,)
        Largest gain as a share of the bidder's own bid, for types with probabilities in
        [0.01, 0.99] and for those beyond.
    """
    capacity = [min(float(k), quantity) for k in capacity]
    n = len(bids)
    interior = np.zeros(n)
    tails = np.zeros(n)
    probs_in = np.linspace(0.01, 0.99, 99)
    probs_out = np.concatenate([np.geomspace(tail, 0.01, 12), 1 - np.geomspace(tail, 0.01, 12)])
    lowest = min(float(d.ppf(tail)) for d in dists)
    grid = np.linspace(lowest, reserve, prices)
    for i in range(n):
        for probs, out in ((probs_in, interior), (probs_out, tails)):
            types = np.asarray(dists[i].ppf(probs), dtype=float)
            types = types[types < reserve]
            own = np.asarray(bids[i](types), dtype=float)
            points = np.concatenate([grid, own])
            below = {
                j: below_probability(bids[j], dists[j], points, reserve) for j in range(n) if j != i
            }
            sales = expected_sales(i, quantity, capacity, below)
            if holder is not None:
                dist, available = holder
                sales = sales * (1.0 - available * np.asarray(dist.cdf(points), dtype=float))
            at_grid, at_own = sales[: grid.size], sales[grid.size :]
            for c, bid, sold in zip(types, own, at_own, strict=True):
                best = float(np.max((grid - c) * at_grid))
                gain = max(best - (bid - c) * sold, 0.0)
                out[i] = max(out[i], gain / bid)
    return interior, tails


def where_gains(bids, dists, reserve, quantity, capacity, i=0, prices=100001):
    """For diagnosis: bidder ``i``'s relative gain at each probability of a grid."""
    probs = np.linspace(0.0005, 0.9995, 200)
    types = np.asarray(dists[i].ppf(probs), dtype=float)
    keep = types < reserve
    probs, types = probs[keep], types[keep]
    capacity = [min(float(k), quantity) for k in capacity]
    grid = np.linspace(min(float(d.ppf(1e-5)) for d in dists), reserve, prices)
    own = np.asarray(bids[i](types), dtype=float)
    points = np.concatenate([grid, own])
    n = len(bids)
    below = {j: below_probability(bids[j], dists[j], points, reserve) for j in range(n) if j != i}
    sales = expected_sales(i, quantity, capacity, below)
    at_grid, at_own = sales[: grid.size], sales[grid.size :]
    gains = [
        max(float(np.max((grid - c) * at_grid)) - (b - c) * s, 0.0) / b
        for c, b, s in zip(types, own, at_own, strict=True)
    ]
    return probs, np.array(gains)


def refusal_gains(bids, dists, holder, reserve, quantity, capacity, holder_capacity, tail=1e-5):
    """Largest relative gains of one or two outsiders facing a best-responding holder.

    The holder (cost distribution ``holder``, headroom ``holder_capacity``, quote as last
    resort the reserve) sees the lowest outside bid ``p``; matching it takes
    ``M = min(q, k_0)`` at ``p``, declining sells ``L`` (what the outsiders cannot fill) at
    the reserve, so it matches when ``(p - c_0) M >= (reserve - c_0) L``. For outsider ``i``
    bidding ``p`` against rival ``j``: with ``j`` above ``p`` the match chance is at ``p``;
    with ``j`` below, it is at ``j``'s bid, integrated over ``j``'s costs below
    ``phi_j(p)`` by the midpoint rule on 2,000 probabilities; 5,001 deviation prices. A
    lone outsider has no rival: the match is always at its own bid.
    """
    k = [min(float(c), quantity) for c in capacity]
    m = min(quantity, holder_capacity)
    last = min(holder_capacity, max(0.0, quantity - sum(k)))

    def match(price):
        price = np.asarray(price, dtype=float)
        if last == 0.0:
            limit = price
        elif last >= m:
            limit = np.full(price.shape, -np.inf)
        else:
            limit = (price * m - reserve * last) / (m - last)
        return np.asarray(holder.cdf(limit), dtype=float)

    def sold(own, ahead, total):
        return min(own, max(0.0, total - ahead))

    n = len(bids)
    interior, tails = np.zeros(n), np.zeros(n)
    probs_in = np.linspace(0.01, 0.99, 99)
    probs_out = np.concatenate([np.geomspace(tail, 0.01, 12), 1 - np.geomspace(tail, 0.01, 12)])
    lowest = min(float(d.ppf(tail)) for d in dists)
    grid = np.linspace(lowest, reserve, 5001)
    for i in range(n):
        below, under, k_j = np.zeros(grid.size), np.zeros(grid.size), 0.0
        if n == 2:
            j = 1 - i
            k_j = k[j]
            below = below_probability(bids[j], dists[j], grid, reserve)
            # integral over j's costs with bids below each grid price of match(b_j(c)).
            cells = 2000
            u = (np.arange(cells) + 0.5) / cells
            under = []
            for share in below:
                costs_j = np.asarray(dists[j].ppf(u * share), dtype=float)
                under.append(float(np.mean(match(bids[j](costs_j)))) * share)
            under = np.array(under)
        alone = match(grid)
        yes = (1 - below) * (
            alone * sold(k[i], 0.0, quantity - m) + (1 - alone) * sold(k[i], 0.0, quantity)
        ) + (under * sold(k[i], k_j, quantity - m) + (below - under) * sold(k[i], k_j, quantity))
        for probs, out in ((probs_in, interior), (probs_out, tails)):
            types = np.asarray(dists[i].ppf(probs), dtype=float)
            types = types[types < reserve]
            own = np.asarray(bids[i](types), dtype=float)
            own_sales = np.interp(own, grid, yes)
            for c, bid, s in zip(types, own, own_sales, strict=True):
                best = float(np.max((grid - c) * yes))
                out[i] = max(out[i], max(best - (bid - c) * s, 0.0) / bid)
    return interior, tails


def uniform_price_gains(bids, dists, reserve, quantity, capacity, *, prices=4001, tail=1e-5):
    """Largest relative gains of two bidders in a uniform-price tender with headrooms.

    Every winner is paid the bid of the first offer in merit order with headroom left,
    or the reserve where both are used up. The rival's types are 5,000 equally likely
    quantiles of its true distribution, bidding through its bid function; ties split.
    """
    cells = 5000
    u = (np.arange(cells) + 0.5) / cells
    interior, tails = np.zeros(2), np.zeros(2)
    probs_in = np.linspace(0.01, 0.99, 99)
    probs_out = np.concatenate([np.geomspace(tail, 0.01, 12), 1 - np.geomspace(tail, 0.01, 12)])
    lowest = min(float(d.ppf(tail)) for d in dists)
    grid = np.linspace(lowest, reserve, prices)
    for i in (0, 1):
        j = 1 - i
        mine, theirs = float(capacity[i]), float(capacity[j])
        rival = np.asarray(bids[j](np.asarray(dists[j].ppf(u), dtype=float)), dtype=float)
        rival = np.where(rival <= reserve, rival, np.inf)  # an offer above the reserve is out

        def expected(p, rival=rival, mine=mine, theirs=theirs):
            return _uniform_expected(p, rival, mine, theirs, quantity, reserve)

        table = np.array([expected(p) for p in grid])  # (prices, 2)
        for probs, out in ((probs_in, interior), (probs_out, tails)):
            types = np.asarray(dists[i].ppf(probs), dtype=float)
            types = types[types < reserve]
            own = np.asarray(bids[i](types), dtype=float)
            for c, bid in zip(types, own, strict=True):
                best = float(np.max(table[:, 1] - c * table[:, 0]))
                s, paid = expected(bid)
                out[i] = max(out[i], max(best - (paid - c * s), 0.0) / bid)
    return interior, tails


def _uniform_expected(p, rival, mine, theirs, quantity, reserve):
    """E[sales] and E[sales x price] of bidding p in a uniform-price tender of two.

    ``rival`` holds the rival's bids at equally likely types (inf: no offer).
    """
    cells = rival.size
    ahead = p < rival  # includes no rival offer (inf)
    tie = p == rival
    sold_first = min(mine, quantity)
    if mine > quantity:
        price_first = np.full(cells, p)
    else:
        rest = quantity - sold_first
        price_first = np.where(np.isfinite(rival) & (theirs > rest), rival, reserve)
    sold_second = min(mine, quantity - min(theirs, quantity))
    if theirs > quantity:
        price_second = rival
    else:
        price_second = np.full(cells, p if mine > sold_second else reserve)
    weight_first = np.where(ahead, 1.0, 0.0) + 0.5 * tie
    weight_second = np.where(~ahead & ~tie, 1.0, 0.0) + 0.5 * tie
    sold = sold_first * weight_first + sold_second * weight_second
    paid = sold_first * price_first * weight_first + sold_second * price_second * weight_second
    return sold.mean(), paid.mean()
