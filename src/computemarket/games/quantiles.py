"""Distributions on a probability grid: how the games describe costs and bids.

A bidder's cost (or bid) distribution is its quantile function tabulated at the
midpoints ``q`` of equal cells of (0, 1) (:func:`quantile_grid`). :func:`cdf_from_grid`
inverts such a table, and :class:`BidTable` turns a tabulated bid function into quotes
for any cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

__all__ = [
    "GRID_POINTS",
    "BidTable",
    "below_probabilities",
    "cdf_from_grid",
    "quantile_grid",
    "spread_ties",
]

#: Points of the probability grid on which bid functions are tabulated.
GRID_POINTS = 257


def quantile_grid(points: int = GRID_POINTS) -> np.ndarray:
    """Probabilities at the midpoints of ``points`` equal cells of (0, 1)."""
    return (np.arange(points) + 0.5) / points


def cdf_from_grid(values: np.ndarray, grid: np.ndarray, q: np.ndarray) -> np.ndarray:
    """CDF at ``values`` of a variable whose quantiles at ``q`` are ``grid`` (nondecreasing).

    Linear between grid points; 0 below the first quantile's cell and 1 above the last.
    Ties in ``grid`` (a point mass, or a constant) are spread over a tiny interval, so the
    CDF stays a function.
    """
    strictly, span = spread_ties(grid)
    lo_q, hi_q = q[0] - 0.5 / q.size, q[-1] + 0.5 / q.size
    xp = np.concatenate([[strictly[0] - span * 1e-9], strictly, [strictly[-1] + span * 1e-9]])
    fp = np.concatenate([[lo_q], q, [hi_q]])
    return np.interp(values, xp, fp, left=0.0, right=1.0)


def below_probabilities(bids: np.ndarray, q: np.ndarray, prices: np.ndarray) -> np.ndarray:
    """P(each bidder's bid is at most each price), from bid quantiles ``bids`` on ``q``.

    Parameters
    ----------
    bids : ndarray, shape (m, G)
        Bid quantiles of ``m`` bidders (``m`` may be zero).
    q : ndarray, shape (G,)
        The probability grid.
    prices : ndarray, shape (M,)
        Where to evaluate.

    Returns
    -------
    ndarray, shape (m, M)

    Examples
    --------
    >>> q = quantile_grid(5)
    >>> below_probabilities(np.array([q]), q, np.array([0.5])).round(6).tolist()
    [[0.5]]
    """
    prices = np.atleast_1d(prices)
    rows = [cdf_from_grid(prices, b, q) for b in bids]
    return np.array(rows).reshape(len(bids), prices.size)


def spread_ties(grid: np.ndarray) -> tuple[np.ndarray, float]:
    """A nondecreasing grid made strictly increasing by tiny steps, and its span (>= 1)."""
    span = max(float(grid[-1] - grid[0]), 1.0)
    return grid + span * 1e-12 * np.arange(grid.size), span


@dataclass(frozen=True, eq=False)
class BidTable:
    """Bid functions of several bidders, tabulated on their cost grids.

    Attributes
    ----------
    costs : ndarray, shape (n, G)
        Each bidder's cost at the probabilities of the grid.
    bids : ndarray, shape (n, G)
        The bid at each of those costs.
    outer_costs, outer_bids : ndarray, shape (n, m), optional
        Knots beyond the grid, each row's costs increasing and outside its grid's range:
        types in the distributions' tails and their own best responses
        (:func:`computemarket.games.tails.tail_table`). Where given on a side, costs
        beyond the grid read their bids off these knots (linear; flat past the last
        knot, never below cost) instead of carrying the grid's edge segment on.
    cuts : ndarray, shape (n, G - 1), optional
        Where a segment between neighbouring grid types holds a jump (an equilibrium's
        gap), the fraction of the segment at which the bid steps from its left end's to
        its right end's; NaN where the segment is linear.
    outer_cuts : ndarray, shape (n, m), optional
        The same for the segment from each outer knot towards the grid (to the next knot
        or the grid's edge).
    """

    costs: np.ndarray
    bids: np.ndarray
    outer_costs: np.ndarray | None = None
    outer_bids: np.ndarray | None = None
    cuts: np.ndarray | None = None
    outer_cuts: np.ndarray | None = None

    def __call__(self, cost: np.ndarray) -> np.ndarray:
        """Bids for costs of shape ``(..., n)``.

        Between grid points, linear, or a step where ``cuts`` marks a jump. Beyond the
        grid, off the outer knots where there are some. Otherwise, below the grid (the
        cheapest half cell of :func:`quantile_grid`), the line of the lowest grid segment
        carried on, but no lower than that line reaches at probability zero, and never
        below cost. The equilibrium bid's slope at the bottom,
        ``b'(c) = f(c) U(c) / X(c)^2`` by the envelope theorem, is the lowest segment's
        where the density holds up (uniform costs); where it thins out (a lognormal's
        lower tail) the bid flattens, and the bound in probability holds it up. A
        constant markup (slope one) would bid below every rival and leave money on the
        table; a flat bid would put an atom where the rivals' cheapest types bid. A bid
        function that quotes cost stays at cost. Above the grid, the line of the highest
        segment carried on, never below cost (a flat bid would tie the dearest types with
        each other).
        """
        return self.read(cost, self.locate(cost))

    def locate(self, cost: np.ndarray) -> np.ndarray:
        """Where costs of shape ``(..., n)`` fall on each bidder's cost grid.

        A fractional index into the grid (clipped to it), for :meth:`read`: tables with
        the same cost grids (one market's tender states) then share one search.

        Examples
        --------
        >>> table = BidTable(np.array([[1.0, 2.0, 4.0]]), np.array([[2.0, 3.0, 5.0]]))
        >>> table.locate(np.array([[1.5], [3.0]])).tolist()
        [[0.5], [1.5]]
        """
        out = np.empty_like(cost, dtype=float)
        for i in range(self.costs.shape[0]):
            grid = self.costs[i]
            out[..., i] = np.interp(cost[..., i], grid, np.arange(grid.size, dtype=float))
        return out

    def read(self, cost: np.ndarray, position: np.ndarray) -> np.ndarray:
        """Bids for costs of shape ``(..., n)`` at their :meth:`locate` positions.

        Examples
        --------
        >>> table = BidTable(np.array([[1.0, 2.0, 4.0]]), np.array([[2.0, 3.0, 5.0]]))
        >>> cost = np.array([[1.5], [3.0]])
        >>> table.read(cost, table.locate(cost)).tolist()
        [[2.5], [4.0]]
        """
        out = np.empty_like(cost, dtype=float)
        for i in range(self.costs.shape[0]):
            grid, bid = self.costs[i], self.bids[i]
            c = cost[..., i]
            left = np.minimum(position[..., i].astype(np.int64), grid.size - 2)
            step = position[..., i] - left
            low, high = bid[left], bid[left + 1]
            inside = low + step * (high - low)
            if self.cuts is not None and not np.isnan(self.cuts[i]).all():
                cut = self.cuts[i][left]
                jump = np.where(step < cut, low, high)
                inside = np.where(np.isnan(cut), inside, jump)
            out[..., i] = inside
            # The few costs beyond the grid are read again, element by element the same.
            outside = (c < grid[0]) | (c > grid[-1])
            if outside.any():
                column = out[..., i]
                column[outside] = self._beyond(i, c[outside])
        return out

    def _beyond(self, i: int, c: np.ndarray) -> np.ndarray:
        """Bids of bidder ``i`` at costs ``c`` beyond its grid (both sides)."""
        grid, bid = self.costs[i], self.bids[i]
        slope = (bid[1] - bid[0]) / (grid[1] - grid[0]) if grid[1] > grid[0] else 0.0
        # Half a cell below the first grid point, in probability.
        floor = bid[0] - 0.5 * (bid[1] - bid[0])
        below = np.maximum(c, np.maximum(bid[0] + slope * (c - grid[0]), floor))
        top = (bid[-1] - bid[-2]) / (grid[-1] - grid[-2]) if grid[-1] > grid[-2] else 0.0
        above = np.maximum(c, bid[-1] + top * (c - grid[-1]))
        edge = np.where(c < grid[0], below, above)
        if self.outer_costs is None:
            return edge
        return self._outer(i, c, edge)

    def _outer(self, i: int, c: np.ndarray, edge: np.ndarray) -> np.ndarray:
        """Bids beyond bidder ``i``'s grid off its outer knots, on each side that has some.

        ``edge``: the bids without knots, kept on a side that has none.
        """
        below = above = edge
        lower, upper = self._chains[i]
        low = c < self.costs[i][0]
        if lower is not None and low.any():
            below = np.maximum(c, _chain(c, *lower))
        if upper is not None and not low.all():
            above = np.maximum(c, _chain(c, *upper))
        return np.where(low, below, above)

    @cached_property
    def _chains(self) -> list[tuple[tuple | None, tuple | None]]:
        """Each bidder's chains of knots below and above its grid, None where it has none."""
        chains = []
        for i in range(self.costs.shape[0]):
            grid, bid = self.costs[i], self.bids[i]
            knots, values = self.outer_costs[i], self.outer_bids[i]
            cuts = np.full(knots.size, np.nan) if self.outer_cuts is None else self.outer_cuts[i]
            lower, upper = knots < grid[0], knots > grid[-1]
            chains.append(
                (
                    (
                        np.append(knots[lower], grid[0]),
                        np.append(values[lower], bid[0]),
                        cuts[lower],
                    )
                    if lower.any()
                    else None,
                    (
                        np.insert(knots[upper], 0, grid[-1]),
                        np.insert(values[upper], 0, bid[-1]),
                        cuts[upper],
                    )
                    if upper.any()
                    else None,
                )
            )
        return chains


def _chain(c: np.ndarray, xp: np.ndarray, fp: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Values at ``c`` of the chain of knots ``(xp, fp)``, flat beyond its ends.

    Linear between knots, or a step where ``cuts`` (one per segment) holds a fraction.
    """
    j = np.clip(np.searchsorted(xp, c, side="right") - 1, 0, xp.size - 2)
    span = xp[j + 1] - xp[j]
    frac = np.clip((c - xp[j]) / np.where(span > 0, span, 1.0), 0.0, 1.0)
    linear = fp[j] + frac * (fp[j + 1] - fp[j])
    cut = cuts[j]
    return np.where(np.isnan(cut), linear, np.where(frac < cut, fp[j], fp[j + 1]))
