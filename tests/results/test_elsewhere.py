"""The shortfall's cost, split into compute bought elsewhere and demand lost."""

import numpy as np
import pytest
from hypothesis import given

import computemarket as cm
from computemarket.errors import ScenarioError
from computemarket.testing import scenarios


def _discounted(ds, values, rate):
    months = np.arange(ds.sizes["time"])
    discount = (1.0 + rate) ** (-months / 12.0)
    return (values.transpose("path", "time").values * discount).sum(axis=1) / 12.0


def test_shortfall_is_bought_up_to_the_depth_and_the_rest_is_lost():
    sc = cm.load_scenario("baseline").with_updates(
        {"buyer.elsewhere_gw": 0.7, "buyer.elsewhere_price": 15.0, "buyer.value_of_unmet": 18.0}
    )
    ds = cm.simulate(sc, paths=40, seed=6)
    summary = cm.summarize(ds)
    rate = sc.buyer.discount_rate
    bought = np.minimum(ds.shortfall, 0.7)
    np.testing.assert_allclose(summary.elsewhere_cost.values, 15.0 * _discounted(ds, bought, rate))
    lost = 18.0 * _discounted(ds, ds.shortfall - bought, rate)
    np.testing.assert_allclose(summary.lost_cost.values, lost)
    np.testing.assert_array_equal(summary.unmet_cost, summary.elsewhere_cost + summary.lost_cost)
    np.testing.assert_array_equal(summary.total_cost, summary.total_spend + summary.unmet_cost)
    # Buying elsewhere below the value of compute adds the difference to the buyer's surplus.
    served = 18.0 * _discounted(ds, ds.served, rate) - summary.total_spend.values
    surplus = served + (18.0 - 15.0) * _discounted(ds, bought, rate)
    np.testing.assert_allclose(summary.buyer_surplus.values, surplus)
    assert float(summary.elsewhere_cost.mean()) > 0 and float(summary.lost_cost.mean()) > 0


def test_without_a_market_elsewhere_the_whole_shortfall_is_lost():
    summary = cm.summarize(cm.simulate(cm.load_scenario("baseline"), paths=10, seed=1))
    assert (summary.elsewhere_cost == 0).all()
    np.testing.assert_array_equal(summary.lost_cost, summary.unmet_cost)


def test_a_price_above_the_value_of_compute_is_refused():
    with pytest.raises(
        ScenarioError, match=r"buyer\.elsewhere_price.*at most buyer\.value_of_unmet"
    ):
        cm.load_scenario("baseline").with_updates(
            {"buyer.elsewhere_gw": 1.0, "buyer.elsewhere_price": 25.0}
        )


@given(scenarios(max_months=36))
def test_the_shortfalls_parts_add_up_on_any_scenario(sc):
    ds = cm.simulate(sc, paths=3, seed=sc.run.seed)
    summary = cm.summarize(ds)
    price, depth = sc.buyer.elsewhere_price, sc.buyer.elsewhere_gw
    assert (summary.elsewhere_cost >= 0).all() and (summary.lost_cost >= 0).all()
    np.testing.assert_array_equal(summary.unmet_cost, summary.elsewhere_cost + summary.lost_cost)
    # Never more bought than the depth allows in any month, at its price.
    months = np.arange(ds.sizes["time"])
    discount = (1.0 + sc.buyer.discount_rate) ** (-months / 12.0)
    cap = price * depth * discount.sum() / 12.0
    assert (summary.elsewhere_cost <= cap * (1 + 1e-12) + 1e-12).all()
    # The demand paths never exceed the ceiling.
    if sc.demand.ceiling:
        from computemarket.market.plan import make_plan

        ceiling = make_plan(sc).demand_ceiling
        assert (ds.demand.transpose("path", "time").values <= ceiling).all()
