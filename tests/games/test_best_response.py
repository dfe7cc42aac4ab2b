"""Every type best-responds, tails included: computed bids checked by tests/games/best_response.py.

The check shares nothing with the solvers but the bid functions: true cost distributions
(scipy.stats), rivals' bid distributions through the inverse of their bid functions, its
own enumeration of who bids below whom, and a grid of 20,001 deviation prices per type.
Targets: the largest gain at most 0.1% of the price for interior types and 0.5% in the
tails (probabilities below 1% and above 99%, down to 1e-5).
"""

import numpy as np
import pytest
from best_response import largest_gains, refusal_gains
from scipy import stats

from computemarket.games.bids import market_bids
from computemarket.games.quantiles import quantile_grid
from computemarket.scenario.rules import OPEN, ROFR

Q = quantile_grid()
U = stats.uniform(0, 1)
LOGNORMAL = stats.lognorm(s=0.3, scale=0.5)


def _bid_functions(dists, quantity, capacity, reserve=1.0, auction="first_price"):
    costs = np.array([np.asarray(d.ppf(Q), dtype=float) for d in dists])
    rule = market_bids(
        OPEN,
        costs,
        Q,
        holder=-1,
        reserve=reserve,
        auction=auction,
        quantity=quantity,
        capacity=np.asarray(capacity, dtype=float),
    )
    n = len(dists)

    def one(i):
        def bid(c):
            c = np.asarray(c, dtype=float)
            return rule(np.repeat(c[..., None], n, axis=-1), -1, reserve)[..., i]

        return bid

    return [one(i) for i in range(n)], rule


CASES = {
    # name: (cost distributions, quantity, headrooms)
    "alike, binding (q = 1.5 of 1 + 1)": ([U, U], 1.5, [1.0, 1.0]),
    "alike, three of one unit, q = 1.5": ([U, U, U], 1.5, [1.0, 1.0, 1.0]),
    "alike lognormal, three, q = 1.3": ([LOGNORMAL] * 3, 1.3, [1.0, 1.0, 1.0]),
    "alike, slack (headroom covers q)": ([U, U], 1.0, [2.0, 2.0]),
    "unlike headroom (1 and 0.5, q = 1)": ([U, U], 1.0, [1.0, 0.5]),
    "unlike costs, binding (q = 1.3)": ([U, stats.uniform(0, 0.8)], 1.3, [1.0, 1.0]),
    "unlike lognormal costs and headroom": (
        [LOGNORMAL, stats.lognorm(s=0.3, scale=0.55)],
        1.2,
        [1.0, 0.6],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_type_best_responds(case):
    dists, quantity, capacity = CASES[case]
    bids, rule = _bid_functions(dists, quantity, capacity)
    interior, tails = largest_gains(bids, dists, 1.0, quantity, capacity)
    assert interior.max() <= 1e-3, (case, interior)
    assert tails.max() <= 5e-3, (case, tails)
    # The solver's own measure agrees that it is an equilibrium.
    assert rule.epsilon <= 2e-3


def test_three_unlike_headrooms_best_respond():
    # A small bidder sure to sell whatever its cheapest types bid enters the bidding above
    # the others' common lowest bid (the shooting's active set).
    dists, quantity, capacity = [U, U, U], 1.5, [1.0, 0.7, 0.4]
    bids, _ = _bid_functions(dists, quantity, capacity)
    interior, tails = largest_gains(bids, dists, 1.0, quantity, capacity, prices=4001)
    assert interior.max() <= 1e-3 and tails.max() <= 5e-3, (interior, tails)


def test_the_check_detects_a_bid_that_is_not_a_best_response():
    # Quoting cost is no equilibrium: the check must say so loudly.
    def truthful(c):
        return np.asarray(c, dtype=float)

    interior, _ = largest_gains([truthful, truthful], [U, U], 1.0, 1.5, [1.0, 1.0], prices=2001)
    assert interior.min() > 0.1


def test_uniform_price_with_headroom_above_the_tender_is_pay_as_bid():
    # The winner is the marginal offer and is paid its own bid: the bids of the pay-as-bid
    # game, which the check accepts.
    dists, quantity, capacity = [U, U], 1.0, [1.5, 1.5]
    bids, _ = _bid_functions(dists, quantity, capacity, auction="second_price")
    np.testing.assert_allclose(bids[0](np.array([0.2, 0.6])), [0.6, 0.8], atol=2e-3)
    interior, tails = largest_gains(bids, dists, 1.0, quantity, capacity, prices=4001)
    assert interior.max() <= 1e-3 and tails.max() <= 5e-3


@pytest.mark.parametrize("available", [1.0, 0.7])
@pytest.mark.parametrize("dist", [U, LOGNORMAL], ids=["uniform", "lognormal"])
def test_outsiders_facing_a_right_of_first_refusal_best_respond(dist, available):
    # One unit; the holder (index 0) matches the lowest outside bid when it can serve and
    # its cost is at most that bid.
    costs = np.repeat(np.asarray(dist.ppf(Q), dtype=float)[None, :], 3, axis=0)
    rule = market_bids(ROFR, costs, Q, holder=0, reserve=1.0, holder_available=available)

    def one(i):
        def bid(c):
            c = np.asarray(c, dtype=float)
            return rule(np.repeat(c[..., None], 3, axis=-1), 0, 1.0)[..., i]

        return bid

    outsiders = [one(1), one(2)]
    interior, tails = largest_gains(
        outsiders, [dist, dist], 1.0, 1.0, [1.0, 1.0], holder=(dist, available)
    )
    assert interior.max() <= 1e-3 and tails.max() <= 5e-3, (interior, tails)


@pytest.mark.parametrize(
    ("quantity", "capacity", "holder_capacity"),
    [
        (1.5, [1.0, 1.0], 1.0),
        (2.5, [1.0, 1.0], 1.0),
        (1.5, [1.0, 1.0], 0.5),
        (1.0, [1.0, 1.0], 3.0),
    ],
)
def test_outsiders_best_respond_to_a_best_responding_holder_with_capacity(
    quantity, capacity, holder_capacity
):
    costs = np.repeat(np.asarray(U.ppf(Q), dtype=float)[None, :], 3, axis=0)
    rule = market_bids(
        ROFR,
        costs,
        Q,
        holder=0,
        reserve=1.0,
        quantity=quantity,
        capacity=np.array([holder_capacity, *capacity]),
    )

    def one(i):
        def bid(c):
            c = np.asarray(c, dtype=float)
            return rule(np.repeat(c[..., None], 3, axis=-1), 0, 1.0)[..., i]

        return bid

    interior, tails = refusal_gains(
        [one(1), one(2)], [U, U], U, 1.0, quantity, capacity, holder_capacity
    )
    assert interior.max() <= 1e-3 and tails.max() <= 5e-3, (interior, tails)
