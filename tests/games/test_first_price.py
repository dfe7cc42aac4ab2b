"""Equilibrium bids of one tender: closed forms for uniform costs, no profitable deviation."""

import numpy as np
import pytest
from scipy import stats
from scipy.special import ndtri

from computemarket.games.asymmetric import asymmetric_first_price
from computemarket.games.bids import market_bids
from computemarket.games.divisible import capacity_bids, capacity_gain
from computemarket.games.first_price import first_price_equilibrium
from computemarket.games.quantiles import quantile_grid
from computemarket.games.winning import deviation_gain, expected_market_price
from computemarket.scenario.rules import OPEN

Q = quantile_grid()


@pytest.mark.parametrize("n", [2, 3, 5])
def test_open_first_price_matches_the_closed_form(n):
    # Uniform (0, 1) costs, reserve 1: b(c) = c + (1 - c) / n.
    bids = first_price_equilibrium(np.repeat(Q[None, :], n, axis=0), Q, 1.0)
    np.testing.assert_allclose(bids, np.broadcast_to(Q + (1 - Q) / n, bids.shape), atol=2e-3)


@pytest.mark.parametrize("outsiders", [1, 2, 4])
def test_rofr_outsiders_bid_as_if_the_holder_were_one_more_bidder(outsiders):
    # With uniform costs the outsiders' objective is (b - c)(1 - b)^n: b = (1 + n c)/(n + 1).
    costs = np.repeat(Q[None, :], outsiders, axis=0)
    bids = first_price_equilibrium(costs, Q, 1.0, holder_costs=Q)
    expected = np.broadcast_to((1 + outsiders * Q) / (outsiders + 1), bids.shape)
    np.testing.assert_allclose(bids, expected, atol=2e-3)


@pytest.mark.parametrize("available", [1.0, 0.8, 0.6])
def test_one_outsider_with_an_uncertain_holder(available):
    # (b - c)(1 - a b) is maximised at b = (1 + a c) / (2 a), capped at the reserve.
    bids = first_price_equilibrium(Q[None, :], Q, 1.0, holder_costs=Q, holder_available=available)
    expected = np.minimum(1.0, (1 + available * Q) / (2 * available))
    np.testing.assert_allclose(bids[0], expected, atol=2e-3)


@pytest.mark.parametrize(
    "dist",
    [stats.uniform(0, 1), stats.lognorm(s=0.3, scale=1.0), stats.beta(2, 5), stats.expon(0, 0.4)],
    ids=["uniform", "lognormal", "beta", "exponential"],
)
@pytest.mark.parametrize("rofr", [False, True])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_no_bidder_gains_by_deviating(dist, rofr, n):
    reserve = float(dist.ppf(0.9)) if dist.dist.name != "uniform" else 1.0
    grid = dist.ppf(Q)
    costs = np.repeat(grid[None, :], n, axis=0)
    if n == 1 and not rofr:
        return  # a lone bidder without a holder simply asks the reserve
    holder = grid if rofr else None
    bids = first_price_equilibrium(costs, Q, reserve, holder_costs=holder)
    gain = deviation_gain(costs, bids, Q, reserve, holder_costs=holder)
    # Gains are measured on a finer grid than the solver's; what is left is grid error,
    # a fraction of a percent of the reserve.
    assert gain.max() < 3e-3 * reserve


def test_bids_rise_with_cost_and_stay_between_cost_and_reserve():
    grid = stats.lognorm(s=0.4, scale=1.0).ppf(Q)
    bids = first_price_equilibrium(np.array([grid, grid, grid]), Q, 2.0, holder_costs=grid)
    assert (np.diff(bids, axis=1) >= -1e-12).all()
    trades = grid < 2.0
    assert (bids[:, trades] >= grid[trades]).all() and (bids[:, trades] <= 2.0).all()


def test_expected_market_price_of_truthful_uniform_bidders():
    fine = quantile_grid(4001)
    for n in (2, 3, 4):
        bids = np.repeat(fine[None, :], n, axis=0)
        assert expected_market_price(bids, fine, 1.0, "first_price") == pytest.approx(
            1 / (n + 1), abs=1e-3
        )
        assert expected_market_price(bids, fine, 1.0, "second_price") == pytest.approx(
            2 / (n + 1), abs=1e-3
        )


@pytest.mark.parametrize(
    ("costs", "holder", "available"),
    [
        (np.array([Q, 0.8 * Q]), None, 1.0),
        (np.array([Q, 0.8 * Q]), Q, 0.8),
        (np.array([0.1 + 0.9 * Q, 0.7 * Q]), Q, 1.0),
    ],
    ids=["open", "rofr-uncertain-holder", "rofr-different-supports"],
)
def test_asymmetric_bidders_gain_nothing_by_deviating(costs, holder, available):
    options = {"holder_costs": holder, "holder_available": available}
    exact = asymmetric_first_price(costs, Q, 1.0, **options)
    assert exact is not None
    assert np.all(np.diff(exact, axis=1) >= 0) and np.all(exact >= costs)
    gain = deviation_gain(costs, exact, Q, 1.0, **options).max()
    assert gain < 2e-3
    # Each bidding as among copies of itself leaves far more on the table.
    own = np.array([first_price_equilibrium(np.array([c, c]), Q, 1.0, **options)[0] for c in costs])
    assert gain < deviation_gain(costs, own, Q, 1.0, **options).max() / 10


def test_exact_equilibrium_through_market_bids():
    costs = np.array([Q, 0.8 * Q])
    exact = market_bids(OPEN, costs, Q, holder=-1, reserve=1.0, equilibrium="exact")
    # Against the own-type bids: the grid's are now about as good (0.0019 on this case).
    approximate = market_bids(OPEN, costs, Q, holder=-1, reserve=1.0, equilibrium="own_type")
    assert exact.epsilon < 2e-3 < approximate.epsilon


def test_exact_bids_that_do_worse_than_own_type_are_not_kept(monkeypatch):
    """The shooting's bids are checked as the grid's are: kept only where they do better.

    A shooting bracket may end on a stale low shot, so the bids it returns are not sure
    to be an equilibrium. Here it is made to return bids at cost (no shading at all);
    ``market_bids`` must then give the own-type bids, whose gain is smaller (about 0.10
    against 0.25 of the reserve).
    """
    import computemarket.games.bids as bids_module

    costs = np.array([Q, 0.8 * Q])
    monkeypatch.setattr(bids_module, "asymmetric_first_price", lambda costs, *a, **k: costs)
    exact = market_bids(OPEN, costs, Q, holder=-1, reserve=1.0, equilibrium="exact")
    own = market_bids(OPEN, costs, Q, holder=-1, reserve=1.0, equilibrium="own_type")
    np.testing.assert_array_equal(exact.table.bids, own.table.bids)
    at_cost = deviation_gain(costs, costs, Q, 1.0).max()
    assert exact.epsilon == own.epsilon < at_cost / 2


def test_an_unknown_equilibrium_method_is_named():
    costs = np.array([Q, 0.8 * Q])
    with pytest.raises(ValueError, match=r"equilibrium = 'shooting'.*'grid', 'own_type', 'exact'"):
        market_bids(OPEN, costs, Q, holder=-1, reserve=1.0, equilibrium="shooting")


def test_a_shot_whose_first_step_fails_counts_as_too_low():
    """Four unlike bidders of the default market in one of its intermediate tenders.

    Every low bid of the shooting bracket fails at the integrator's first step (the
    slopes' system blows up as the first types enter), which left a solution without a
    step that the bracket then read, raising ``IndexError`` from inside SciPy. Such a
    shot now counts as too low and leaves no solution: the shooting solve finds no
    bracket and returns None, and ``market_bids`` falls back to the grid solver, whose
    bids best-respond within 0.5% of the reserve.
    """
    # Azure, Oracle, the SoftBank sites and Cerebras (history.toml): mean costs and spreads.
    base = np.array([11.5, 11.0, 11.0, 7.7])[:, None]
    spread = np.array([0.15, 0.15, 0.20, 0.20])[:, None]
    costs = base * np.exp(spread * ndtri(Q) - 0.5 * spread**2)
    room = np.array([0.40475981, 0.44535667, 1.0, 0.15357126])
    found = capacity_bids(costs, Q, 16.0, quantity=1.0, capacity=room)
    assert found is None
    solved = market_bids(OPEN, costs, Q, holder=-1, reserve=16.0, quantity=1.0, capacity=room)
    gain = capacity_gain(costs, solved.table.bids, Q, 16.0, quantity=1.0, capacity=room)
    assert gain.max() < 0.005 * 16.0
