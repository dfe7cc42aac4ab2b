"""Tail knots: a jump in a bid function between two knots is found wherever it lies."""

import numpy as np
import pytest

from computemarket.games.quantiles import quantile_grid
from computemarket.games.tails import JUMP_POINTS, POINTS, tail_table

RESERVE, SHARE = 1.0, 0.5


def _residual(low_price: float):
    """Sales of a lone bidder sure of half the tender, and of all of it at ``low_price``."""

    def sales(i, rivals, q, prices, grid):
        return np.where(np.asarray(prices) <= low_price, 1.0, SHARE)

    return sales


@pytest.mark.parametrize("fraction", [0.1 / (JUMP_POINTS - 1), 0.5, 1 - 0.9 / (JUMP_POINTS - 1)])
def test_jump_between_tail_knots(fraction):
    # Profit (p - c) x sales: the low price wins below c* = (a - SHARE r) / (1 - SHARE),
    # the reserve above; put c* a given fraction of the way between the knots 0.02, 0.03.
    q = quantile_grid(5)
    # The low price on the searched price grid (from the lowest grid cost to r), so that
    # c* is exact for the search too.
    prices = np.linspace(q[0], RESERVE, POINTS)
    target = SHARE * RESERVE + (1 - SHARE) * (0.02 + fraction * 0.01)
    low_price = prices[np.searchsorted(prices, target)]
    jump = (low_price - SHARE * RESERVE) / (1 - SHARE)
    cell = int((jump - 0.02) / 0.01 * (JUMP_POINTS - 1))
    assert cell == int(fraction * (JUMP_POINTS - 1))  # the first, a middle or the last cell
    costs, bids = q[None, :], np.full((1, q.size), RESERVE)  # every grid type bids r
    table, (types, read) = tail_table(
        costs, bids, q, RESERVE, _residual(low_price), np.array([[0.01, 0.02, 0.03, 0.05]])
    )
    # The table follows the best response on both sides of c*, close to it.
    step = 0.01 / (JUMP_POINTS - 1) ** 2
    below, above = jump - 2 * step, jump + 2 * step
    got = table(np.array([[0.015], [below], [above], [0.04]]))[:, 0]
    np.testing.assert_allclose(got[[0, 1]], low_price, atol=2e-4)
    np.testing.assert_allclose(got[[2, 3]], RESERVE)
    # No checked type leaves more than a sliver of the price on the table.
    sold = _residual(low_price)(0, None, q, read[0], None)
    best = np.maximum(low_price - types[0], SHARE * (RESERVE - types[0]))
    assert np.max(best - (read[0] - types[0]) * sold) < 1e-3 * RESERVE
