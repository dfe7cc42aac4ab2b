"""The ceiling on demand (demand.ceiling): paths and tender forecasts are capped at it."""

import numpy as np
import pytest
import xarray as xr

import computemarket as cm
from computemarket.errors import ScenarioError
from computemarket.market.plan import make_plan
from computemarket.testing import assert_results_equal

CEILING = [{"date": "2025-06", "gw": 2.0}, {"date": "2027-01", "gw": 3.0}]


def _capped():
    return cm.load_scenario("baseline").with_updates({"demand.ceiling": CEILING})


def test_demand_and_every_tender_stay_under_the_ceiling():
    sc = _capped()
    ds = cm.simulate(sc, paths=200, seed=4)
    cap = make_plan(sc).demand_ceiling
    assert cap[0] == 2.0 and cap[5] == 2.0 and cap[24] == 3.0 and cap[-1] == 3.0
    assert 2.0 < cap[12] < 3.0  # linear between the points
    assert (ds.demand.transpose("path", "time").values <= cap + 0.0).all()
    assert (ds.demand.max("path").values == cap).any()  # it binds on some paths
    # A tender never asks for more than the ceiling at its start.
    start = make_plan(sc).tender_start
    assert (ds.tender_quantity.transpose("path", "tender").values <= cap[start] + 1e-12).all()


def test_no_ceiling_leaves_results_unchanged_and_a_high_one_changes_nothing():
    base = cm.load_scenario("baseline")
    high = base.with_updates({"demand.ceiling": [{"date": "2025-01", "gw": 1e5}]})
    assert np.isinf(make_plan(base).demand_ceiling).all()
    # Equal in every variable (the attributes name the scenario, which differs).
    xr.testing.assert_equal(
        cm.simulate(base, paths=20, seed=2), cm.simulate(high, paths=20, seed=2)
    )


@pytest.mark.parametrize("engine", ["compiled", "des"])
def test_engines_agree_bit_for_bit_with_a_ceiling(engine):
    sc = _capped()
    assert_results_equal(
        cm.simulate(sc, paths=12, seed=9), cm.simulate(sc, paths=12, seed=9, engine=engine)
    )


def test_points_out_of_order_are_refused_by_name():
    bad = [{"date": "2027-01", "gw": 3.0}, {"date": "2026-01", "gw": 2.0}]
    with pytest.raises(ScenarioError, match=r"demand\.ceiling\[1\]\.date.*increasing"):
        cm.load_scenario("baseline").with_updates({"demand.ceiling": bad})
