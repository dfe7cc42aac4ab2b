"""Bids of types beyond the cost grid: their own best responses, kept as extra knots.

The solvers find bids on a grid of cost quantiles (:func:`~computemarket.games.quantiles.
quantile_grid`); its lowest point is the 1/(2G) quantile. Types below it (about 0.2% of
draws, and far more of a lognormal's range) need bids too. Carrying the grid's lowest
segment on works where the bid function is smooth there, but a capacity game's bids may
jump from a competitive bid to the reserve between the first two grid types, and the
line through them then falls far below any sensible bid: in one of the baseline's
``rofr`` states a type at the 1e-6 cost quantile left a fifth of the reserve on the table.

:func:`tail_table` instead gives each bidder's types at a few tail costs their best
response to the rivals' equilibrium bids (on a dense price grid, as the deviation checks
search) and keeps them as knots of the bid table beyond the grid
(:class:`~computemarket.games.quantiles.BidTable`). These types lie inside the grid's
extreme cells, which the rivals' bid distributions already account for, so their
rivals' incentives are those the solver balanced. It also returns the types at which the
result should be checked: halfway between neighbouring knots, where the table
interpolates rather than best-responds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from computemarket.games.quantiles import BidTable

__all__ = ["best_bids", "tail_table"]

#: Prices searched for a tail type's best response, as in the deviation checks.
POINTS = 8193


def best_bids(
    costs: np.ndarray,
    bids: np.ndarray,
    q: np.ndarray,
    reserve: float,
    sales: Callable[..., np.ndarray],
    own_costs: np.ndarray,
    points: int = POINTS,
) -> np.ndarray:
    """Each bidder's best response at ``own_costs`` to its rivals' ``bids``, pay as bid.

    Parameters
    ----------
    costs, bids : ndarray, shape (n, G)
        The bidders' cost quantiles on ``q`` and their bids.
    q : ndarray, shape (G,)
        The probability grid.
    reserve : float
        The buyer refuses bids above it.
    sales : callable
        ``sales(i, rivals, q, prices, grid)``: bidder ``i``'s expected sales at each price
        given its rivals' bid quantiles (as for :func:`~computemarket.games.winning.
        sales_gain`).
    own_costs : ndarray, shape (n, m)
        The costs whose best responses are wanted, per bidder.
    points : int, default 8193
        Prices searched, from the lowest cost to the reserve.

    Returns
    -------
    ndarray, shape (n, m)
        The most profitable price searched (the lowest of equals); a type that cannot
        trade at a profit (cost at or above the reserve) bids its cost.

    Examples
    --------
    Against one rival who bids the reserve, the best response is to undercut it by a step:

    >>> from computemarket.games.quantiles import quantile_grid
    >>> from computemarket.games.winning import win_probability
    >>> def unit(i, rivals, q, prices, grid):
    ...     return win_probability(rivals, q, prices, np.ones_like(prices))
    >>> q = quantile_grid(5)
    >>> costs = np.array([q, q])
    >>> best = best_bids(costs, np.ones((2, 5)), q, 1.0, unit, np.array([[0.01], [0.02]]))
    >>> bool(np.all((best < 1.0) & (best > 0.9998)))
    True
    """
    own_costs = np.asarray(own_costs, dtype=float)
    low = min(float(costs.min()), float(own_costs.min()), reserve)
    out = own_costs.copy()
    for i in range(costs.shape[0]):
        best, _ = _Response(i, costs, bids, q, reserve, sales, low, points).best(own_costs[i])
        out[i] = np.where(own_costs[i] < reserve, np.maximum(best, own_costs[i]), own_costs[i])
    return out


def tail_table(
    costs: np.ndarray,
    bids: np.ndarray,
    q: np.ndarray,
    reserve: float,
    sales: Callable[..., np.ndarray],
    tail_costs: np.ndarray | None,
    bidders: Sequence[int] | None = None,
) -> tuple[BidTable, tuple[np.ndarray, np.ndarray]]:
    """The bid table with best-responding knots in the tails and steps at gaps.

    Parameters
    ----------
    costs, bids : ndarray, shape (P, G)
        Every provider's cost quantiles and bids.
    q : ndarray, shape (G,)
    reserve : float
    sales : callable
        Expected sales of bidder ``k`` of ``bidders`` (as for :func:`best_bids`, among the
        bidders only).
    tail_costs : ndarray of shape (P, m), or None
        Costs beyond each provider's grid (None: no knots there).
    bidders : sequence of int, optional
        The providers that bid (default: all). The others' knots carry their grid's
        edges on, as :class:`~computemarket.games.quantiles.BidTable` does without knots.

    Returns
    -------
    table : BidTable
        ``BidTable(costs, bids)`` with the outer knots and the cuts found.
    check : (ndarray, ndarray), shape (len(bidders), k) each
        Types where the table interpolates rather than best-responds, and their bids read
        off ``table`` (at most the reserve): halfway across each linear segment beyond
        the grid, and a quarter, half and three quarters of the way across each stepped
        segment. The ``types`` for a gain check.

    Examples
    --------
    A lone bidder facing the buyer's reserve bids the reserve from every tail type:

    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid(5)
    >>> def alone(i, rivals, q, prices, grid):
    ...     return np.ones_like(prices)
    >>> table, check = tail_table(
    ...     np.array([q]), np.ones((1, 5)), q, 1.0, alone, np.array([[0.01, 0.99]])
    ... )
    >>> table.outer_bids.tolist(), check[1].round(6).tolist()
    ([[1.0, 1.0]], [[1.0, 1.0]])
    """
    providers, size = costs.shape
    bidders = list(range(providers)) if bidders is None else list(bidders)
    cuts = np.full((providers, size - 1), np.nan)
    outer_costs = outer = outer_cuts = None
    if tail_costs is not None:
        outer_costs = np.sort(np.asarray(tail_costs, dtype=float), axis=1)
        outer = BidTable(costs, bids)(outer_costs.T).T
        outer[bidders] = best_bids(
            costs[bidders], bids[bidders], q, reserve, sales, outer_costs[bidders]
        )
        outer_cuts = np.full(outer_costs.shape, np.nan)
    rows = []
    for k, p in enumerate(bidders):
        response = _Response(k, costs[bidders], bids[bidders], q, reserve, sales)
        lo, hi = costs[p, :-1], costs[p, 1:]
        cuts[p] = response.cuts(lo, bids[p, :-1], hi, bids[p, 1:])
        points = [_across(lo, hi, cuts[p], linear=False)]
        if outer_costs is not None:
            left, right, left_bid, right_bid = _outer_segments(
                outer_costs[p], outer[p], costs[p], bids[p]
            )
            outer_cuts[p] = response.cuts(left, left_bid, right, right_bid)
            points.append(_across(left, right, outer_cuts[p], linear=True))
        rows.append(np.concatenate(points))
    stepped = None if np.isnan(cuts).all() else cuts
    table = BidTable(costs, bids, outer_costs, outer, stepped, outer_cuts)
    # Rows padded with their own last point, so that every bidder checks as many types.
    rows = [row if row.size else costs[p, :1] for row, p in zip(rows, bidders, strict=True)]
    width = max(row.size for row in rows)
    types = np.array([np.pad(row, (0, width - row.size), mode="edge") for row in rows])
    read = _read_rows(table, bidders, types)
    return table, (types, np.where(types < reserve, np.minimum(read, reserve), read))


#: Gain, as a share of the reserve, that the interpolated bid halfway across a segment
#: between knots must leave before the segment is searched for a jump.
JUMP_GAIN = 1e-3

#: Costs across a searched segment, its ends included, whose best responses locate its jump.
JUMP_POINTS = 33

#: Searches of a segment for its jump: each within the bracket the one before found.
JUMP_PASSES = 2


class _Response:
    """One bidder's profit on the dense price grid against its rivals' bids."""

    def __init__(self, i, costs, bids, q, reserve, sales, low=None, points=POINTS):
        self.rivals = np.delete(bids, i, axis=0)
        self.i, self.q, self.reserve, self.sales = i, q, reserve, sales
        low = min(float(costs.min()), reserve) if low is None else low
        self.prices = np.linspace(low, reserve, points)
        self.sold = sales(i, self.rivals, q, self.prices, self.prices)

    def best(self, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Best prices searched for each cost, and their profits."""
        profit = (self.prices[None, :] - cost[:, None]) * self.sold[None, :]
        where = np.argmax(profit, axis=1)
        return self.prices[where], profit[np.arange(cost.size), where]

    def cuts(self, lo, lo_bid, hi, hi_bid) -> np.ndarray:
        """Where each segment between knots ``(lo, lo_bid)`` and ``(hi, hi_bid)`` jumps.

        A segment is searched where the linear bid halfway across it leaves more than
        ``JUMP_GAIN`` of the reserve. It holds a jump when the best responses of costs
        across it, its ends included, stay nearer its left end's bid up to some cost and
        nearer its right end's after (so the jump may lie in the first or last of the
        ``JUMP_POINTS - 1`` fractions searched): the cut lies between those two costs, as
        a fraction of the segment, and that bracket is searched again (``JUMP_PASSES``).
        A segment whose best responses do not split so (a steep but smooth stretch)
        stays linear (NaN).
        """
        out = np.full(lo.size, np.nan)
        middle, linear = 0.5 * (lo + hi), 0.5 * (lo_bid + hi_bid)
        trades = (hi < self.reserve) & (linear <= self.reserve) & (hi > lo)
        if not trades.any():
            return out
        _, best = self.best(middle)
        sold = self.sales(self.i, self.rivals, self.q, linear, self.prices)
        searched = np.flatnonzero(
            trades & (best - (linear - middle) * sold > JUMP_GAIN * self.reserve)
        )
        for k in searched:
            # The ends are searched too, so that a jump within the first or last
            # fraction of the segment is found where the ends' own best responses are
            # their knots' bids; the bracket found is then searched once more.
            left, right = 0.0, 1.0
            for _ in range(JUMP_PASSES):
                fractions = np.linspace(left, right, JUMP_POINTS)
                response, _ = self.best(lo[k] + fractions * (hi[k] - lo[k]))
                high = np.abs(response - hi_bid[k]) < np.abs(response - lo_bid[k])
                first = int(np.argmax(high))
                if not (0 < first and high[first:].all()):
                    break
                left, right = fractions[first - 1], fractions[first]
                out[k] = 0.5 * (left + right)
        return out


def _outer_segments(knots, values, grid, bid):
    """The segments beyond the grid, one per knot: towards the grid's nearer edge.

    A knot below the grid pairs with the next knot up (or the grid's first point), a knot
    above it with the next knot down (or the last point); a knot inside the grid's range
    (a distribution with ties there) is a segment of zero length. Returned as the lower
    and upper ends' costs and bids, in knot order.
    """
    left, right = knots.copy(), knots.copy()
    left_bid, right_bid = values.copy(), values.copy()
    for j, knot in enumerate(knots):
        if knot < grid[0]:
            up = np.flatnonzero((knots > knot) & (knots < grid[0]))
            right[j], right_bid[j] = (knots[up[0]], values[up[0]]) if up.size else (grid[0], bid[0])
        elif knot > grid[-1]:
            down = np.flatnonzero((knots < knot) & (knots > grid[-1]))
            left[j], left_bid[j] = (
                (knots[down[-1]], values[down[-1]]) if down.size else (grid[-1], bid[-1])
            )
    return left, right, left_bid, right_bid


def _across(lo, hi, cuts, *, linear: bool) -> np.ndarray:
    """Check points: a quarter, half and three quarters across each stepped segment.

    With ``linear``, also halfway across each linear segment of positive length.
    """
    stepped = ~np.isnan(cuts)
    points = [lo[stepped] + f * (hi - lo)[stepped] for f in (0.25, 0.5, 0.75)]
    if linear:
        points.append(0.5 * (lo + hi)[~stepped & (hi > lo)])
    return np.concatenate(points)


def _read_rows(table: BidTable, rows: list[int], types: np.ndarray) -> np.ndarray:
    """``table``'s bids of the providers ``rows`` at their own ``types`` (rows of it)."""

    def pick(values):
        return None if values is None else values[rows]

    sub = BidTable(
        table.costs[rows],
        table.bids[rows],
        pick(table.outer_costs),
        pick(table.outer_bids),
        pick(table.cuts),
        pick(table.outer_cuts),
    )
    return sub(types.T).T
