"""Strategic bidding: closed forms for uniform costs, and no profitable deviation."""

import numpy as np
import pytest
from scipy import stats

import computemarket as cm
from computemarket.games.asymmetric import asymmetric_first_price
from computemarket.games.first_price import first_price_equilibrium
from computemarket.games.quantiles import quantile_grid
from computemarket.games.winning import deviation_gain, expected_market_price

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


# Closed forms for one tender, costs i.i.d. uniform on (0, 1), reserve 1, holder always able.
# n outsiders; see docs/economics.md for the derivations.
def _closed_forms(rule, n, auction):
    if rule == "open":
        return {"price": 2 / (n + 2), "efficient": 1.0, "holder_won": 1 / (n + 1)}
    if rule == "exclusive":
        return {"price": 1.0, "efficient": 1 / (n + 1), "holder_won": 1.0}
    if rule == "rofr" and auction == "first_price":
        price = (2 * n + 1) / (n + 1) ** 2
        return {"price": price, "efficient": 1 - n / (n + 1) ** 2, "holder_won": price}
    if rule == "rofr":  # second price: the holder matches the outsiders' clearing price
        price = 1.0 if n == 1 else 2 / (n + 1)
        return {"price": price, "holder_won": price}
    # rofo: the buyer's threshold is the outside market's expected price, which the holder asks
    price = 1.0 if n == 1 else 2 / (n + 1)
    return {"price": price, "holder_won": price}


@pytest.mark.parametrize(
    ("rule", "n", "auction"),
    [
        ("open", 1, "first_price"),
        ("open", 2, "first_price"),
        ("open", 1, "second_price"),
        ("open", 3, "second_price"),
        ("exclusive", 2, "first_price"),
        ("rofr", 1, "first_price"),
        ("rofr", 2, "first_price"),
        ("rofr", 3, "first_price"),
        ("rofr", 1, "second_price"),
        ("rofr", 3, "second_price"),
        ("rofo", 1, "first_price"),
        ("rofo", 2, "first_price"),
        ("rofo", 3, "second_price"),
    ],
)
def test_tender_study_matches_closed_forms(rule, n, auction):
    summary = cm.summarize(
        cm.tender_study(rule, outsiders=n, auction=auction, draws=60_000, seed=5)
    )
    for name, expected in _closed_forms(rule, n, auction).items():
        mean, se = (float(v) for v in summary[name].values)
        # Four standard errors, plus the solver's grid error on the price.
        assert abs(mean - expected) < 4 * se + 3e-3, (name, mean, expected, se)


def test_rofo_two_outsiders_efficiency():
    # The holder asks 2/3 and wins when its cost is below that: efficient with
    # probability 2 * (1 - 1/27) / 3 = 52/81.
    summary = cm.summarize(cm.tender_study("rofo", outsiders=2, draws=100_000, seed=2))
    mean, se = (float(v) for v in summary["efficient"].values)
    assert abs(mean - 52 / 81) < 4 * se + 1e-3


def test_surplus_adds_up_to_the_value_of_trade():
    ds = cm.tender_study("rofr", outsiders=2, draws=5_000)
    total = (ds.buyer_surplus + ds.holder_surplus + ds.outsider_surplus).values
    # The winner: the holder if it won, else the outsider with the lowest quote.
    outside = ds.bid.isel(provider=slice(1, None)).values.argmin(axis=1) + 1
    winner = np.where(ds.holder_won.values, 0, outside)
    winner_cost = ds.cost.values[np.arange(ds.sizes["draw"]), winner]
    np.testing.assert_allclose(total, np.where(ds.trade, 1.0 - winner_cost, 0.0), atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"rule": "auction"}, "rule"),
        ({"rule": "open", "outsiders": 0}, "outsiders"),
        ({"rule": "open", "cost": "uniform"}, "cost"),
        ({"rule": "open", "holder_available": 2.0}, "holder_available"),
        ({"rule": "open", "auction": "dutch"}, "auction"),
        ({"rule": "open", "draws": 0}, "draws"),
    ],
)
def test_tender_study_refuses_bad_arguments(kwargs, field):
    with pytest.raises(cm.InputError, match=field):
        cm.tender_study(**kwargs)


def test_cost_plus_quotes_are_exact_in_the_tails():
    from computemarket.market.plan import make_plan
    from computemarket.market.quotes import quotes

    plan = make_plan(cm.load_scenario())
    u = np.array([5e-4, 0.5, 0.9995])[:, None, None] * np.ones((1, plan.n_tenders, 3))
    cost = plan.cost_at(u)
    bids, _ = quotes(plan, cost)
    np.testing.assert_array_equal(bids, cost * (1.0 + plan.markup))


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
    from computemarket.games.bids import market_bids
    from computemarket.scenario.rules import OPEN

    costs = np.array([Q, 0.8 * Q])
    exact = market_bids(OPEN, costs, Q, holder=-1, reserve=1.0, equilibrium="exact")
    approximate = market_bids(OPEN, costs, Q, holder=-1, reserve=1.0)
    assert exact.epsilon < 2e-3 < approximate.epsilon
