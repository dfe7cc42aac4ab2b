"""tender_study, the single-tender lab: closed forms for uniform costs, surpluses, errors."""

import numpy as np
import pytest

import computemarket as cm


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


def test_unlike_outsiders_under_rofr_with_capacity_are_solved():
    # Refused before the grid solver (games.distributional); the study reports its gain.
    ds = cm.tender_study("rofr", outsiders=2, capacity=[1.0, 1.0, 0.5], draws=2_000)
    assert 0.0 < ds.attrs["epsilon"] < 0.01
    assert 0.0 < float(ds.holder_won.mean()) < 1.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"rule": "auction"}, "rule"),
        ({"rule": "open", "outsiders": -1}, "outsiders"),
        ({"rule": "open", "cost": "uniform"}, "cost"),
        ({"rule": "open", "holder_available": 2.0}, "holder_available"),
        ({"rule": "open", "auction": "dutch"}, "auction"),
        ({"rule": "open", "draws": 0}, "draws"),
    ],
)
def test_tender_study_refuses_bad_arguments(kwargs, field):
    with pytest.raises(cm.InputError, match=field):
        cm.tender_study(**kwargs)


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("quantity", [1.25, 1.5, 1.75])
def test_capacity_constrained_open_tender_matches_the_closed_form(n, quantity):
    # n providers of one unit, costs U(0, 1), reserve 1, 1 < q < 2: the buyer pays
    # 2 (2q - 1) / (n + 1) in all (docs/economics.md), all of q is bought, and the awards
    # follow costs.
    ds = cm.tender_study(
        "open", outsiders=n - 1, quantity=quantity, capacity=[1.0] * n, draws=60_000, seed=3
    )
    total = ds.price * ds.awarded.sum("provider")
    expected = 2 * (2 * quantity - 1) / (n + 1)
    se = float(total.std()) / np.sqrt(ds.sizes["draw"])
    assert float(total.mean()) == pytest.approx(expected, abs=4 * se + 1e-3)
    np.testing.assert_allclose(ds.awarded.sum("provider"), quantity)
    # Bids rise with cost: only two types at the very top, both bidding the reserve, tie.
    assert float(ds.efficient.mean()) >= 0.9995
    assert ds.attrs["epsilon"] < 2e-3


def test_capacity_limits_come_out_of_the_same_game():
    unit = cm.tender_study("open", draws=40_000, seed=2)
    # Headroom covering the tender: the single-unit game, whatever the scale.
    slack = cm.tender_study("open", quantity=2.0, capacity=[3.0, 3.0], draws=40_000, seed=2)
    np.testing.assert_allclose(slack.price, unit.price, atol=5e-3)
    unconstrained = cm.tender_study("open", quantity=2.0, draws=40_000, seed=2)
    np.testing.assert_allclose(unconstrained.price, unit.price, atol=1e-12)
    np.testing.assert_allclose(unconstrained.awarded, 2.0 * unit.awarded)
    # Every headroom needed: each sells it all, whatever it quotes, and quotes the reserve.
    tight = cm.tender_study("open", quantity=2.0, capacity=[0.5, 1.0], draws=1_000, seed=2)
    np.testing.assert_allclose(tight.bid, 1.0)
    np.testing.assert_allclose(tight.awarded.values, [[0.5, 1.0]] * 1_000)


def test_capacity_constrained_pay_as_bid_against_the_uniform_price():
    # Two of one unit, 1.5 asked: under the uniform price the dearer offer is used in part
    # and sets the price for both. Revenue equivalence (the same allocation and the same
    # payoff of the dearest type) gives the buyer the same expected spend, 4/3, under both
    # payment rules (docs/economics.md), though the bids differ.
    spend = {}
    for auction in ("first_price", "second_price"):
        ds = cm.tender_study(
            "open", quantity=1.5, capacity=[1.0, 1.0], auction=auction, draws=200_000, seed=1
        )
        spend[auction] = ds.price * ds.awarded.sum("provider")
    for paid in spend.values():
        assert abs(float(paid.mean()) - 4 / 3) < 4 * float(paid.std()) / np.sqrt(paid.size) + 2e-3
    assert float(np.abs(spend["first_price"] - spend["second_price"]).max()) > 0.05
    # Three bidders in between are not solved for under the uniform price: refused.
    with pytest.raises(cm.InputError, match="uniform-price"):
        cm.tender_study(
            "open",
            outsiders=2,
            quantity=1.5,
            capacity=[1.0, 1.0, 1.0],
            auction="second_price",
            draws=10,
        )
    # Headroom above the tender: the uniform price is the winner's own bid (pay as bid).
    fp = cm.tender_study("open", quantity=1.0, capacity=[1.5, 1.5], draws=30_000, seed=4)
    sp = cm.tender_study(
        "open", quantity=1.0, capacity=[1.5, 1.5], auction="second_price", draws=30_000, seed=4
    )
    np.testing.assert_allclose(sp.price, fp.price, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"rule": "open", "capacity": [1.0]}, "capacity"),
        ({"rule": "open", "capacity": [1.0, -1.0]}, "capacity"),
        ({"rule": "open", "capacity": [1.0, float("inf")]}, "capacity"),
        ({"rule": "open", "quantity": 0.0}, "quantity"),
        ({"rule": "open", "quantity": float("nan")}, "quantity"),
        ({"rule": "rofo", "capacity": [1.0, 1.0], "quantity": 1.5}, "capacity"),
        ({"rule": "open", "capacity": [1.0, 1.0], "holder_available": 0.5}, "holder_available"),
    ],
)
def test_capacity_arguments_are_checked(kwargs, field):
    with pytest.raises(cm.InputError, match=field):
        cm.tender_study(draws=10, **kwargs)


@pytest.mark.parametrize("quantity", [1.0, 1.25, 1.5, 1.75])
def test_refusal_with_capacity_matches_the_closed_form(quantity):
    # Holder and one outsider of one unit each, U(0, 1) costs, reserve 1: the outsider bids
    # min((q + c) / 2, 1); the holder matches when c0 <= (b - q + 1) / (2 - q), with
    # probability 1 - (2 - q) / 4; the buyer pays q - 5 (2 - q)^2 / 12 + (2 - q)^3 / 6.
    ds = cm.tender_study("rofr", quantity=quantity, capacity=[1.0, 1.0], draws=60_000, seed=5)
    w = 2.0 - quantity
    total = ds.price * ds.awarded.sum("provider")
    se = float(total.std()) / np.sqrt(ds.sizes["draw"])
    assert float(total.mean()) == pytest.approx(quantity - 5 * w**2 / 12 + w**3 / 6, abs=4 * se)
    matched = ds.awarded.sel(provider="holder") >= min(quantity, 1.0) - 1e-12
    assert float(matched.mean()) == pytest.approx(1 - w / 4, abs=0.01)
    np.testing.assert_allclose(
        ds.bid.sel(provider="outsider_1"),
        np.minimum((quantity + ds.cost.sel(provider="outsider_1")) / 2, 1.0),
        atol=3e-3,
    )
