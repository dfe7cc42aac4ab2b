"""The discrete-event engine: small cases worked by hand, and invariants."""

import numpy as np
import pytest
from hypothesis import given

import computemarket as cm
from computemarket.testing import scenarios
from conftest import two_providers


def simulate(*args, **kwargs):
    """The discrete-event engine: every test in this file is about it."""
    return cm.simulate(*args, engine="des", **kwargs)


def test_one_provider_constant_demand_by_hand(small):
    ds = simulate(small, paths=2, seed=0)
    p0 = ds.isel(path=0, provider=0)
    # Tenders in months 0, 3, 6, 9 (each + lead 2 < 12). Only the first asks for anything:
    # 1 GW for months 2-13; the later ones find it already contracted.
    assert ds.tender.size == 4
    np.testing.assert_array_equal(ds.tender_quantity.isel(path=0), [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(p0.award, [1.0, 0.0, 0.0, 0.0])
    assert float(p0.award_price[0]) == pytest.approx(11.0)
    assert np.isnan(p0.award_price[1:]).all()
    # Nothing was built or spare, so the provider builds 1 GW, ordered in month 0 and
    # finished after the one-month lead time.
    np.testing.assert_array_equal(p0.construction, [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(p0.capacity, [0.0] + [1.0] * 11)
    # The contract starts in month 2: two months short, then fully served.
    np.testing.assert_array_equal(p0.contracted, [0.0, 0.0] + [1.0] * 10)
    np.testing.assert_array_equal(p0.delivered, [0.0, 0.0] + [1.0] * 10)
    np.testing.assert_array_equal(ds.shortfall.isel(path=0), [1.0, 1.0] + [0.0] * 10)
    np.testing.assert_allclose(p0.spend, [0.0, 0.0] + [11.0 / 12] * 10)
    np.testing.assert_allclose(ds.demand, 1.0)
    s = cm.summarize(ds)
    assert float(s.total_spend[0]) == pytest.approx(10 * 11.0 / 12)
    assert float(s.unit_cost[0]) == pytest.approx(11.0)
    assert float(s.shortfall_gw_months[0]) == pytest.approx(2.0)
    assert float(s.unmet_cost[0]) == pytest.approx(2.0 / 12 * 30.0)
    assert float(s.hhi[0]) == pytest.approx(10_000.0)


def test_matching_window_makes_outside_capacity_late():
    rofr = simulate(two_providers("rofr", 3), paths=1, seed=0).isel(path=0)
    opened = simulate(two_providers("open", 0), paths=1, seed=0).isel(path=0)
    # Under ROFR the tender of month 0 is decided when the window ends in month 3, the
    # outsider orders then and its capacity arrives in month 5; the contract started in 3.
    assert str(rofr.tender_decided.values[0])[:7] == "2030-04"
    oracle_rofr = rofr.delivered.sel(provider="oracle").values
    oracle_open = opened.delivered.sel(provider="oracle").values
    np.testing.assert_array_equal(oracle_rofr[:6], [0, 0, 0, 0, 0, 1])
    np.testing.assert_array_equal(oracle_open[:6], [0, 0, 0, 1, 1, 1])
    # The holder never had headroom, so it never matched; both runs award 1 GW to oracle.
    assert float(rofr.holder_matched.sum()) == 0.0
    assert float(rofr.award.sel(provider="oracle")[0]) == 1.0
    late = float(rofr.shortfall.sum() - opened.shortfall.sum())
    assert late == pytest.approx(2.0)  # two GW-months late


def test_holder_matches_when_the_best_offer_covers_its_cost():
    sc = two_providers("rofr", 1)
    data = sc.to_dict()
    data["providers"][0]["capacity"] = [{"date": "2030-01", "gw": 10.0}]
    data["providers"][0]["base_cost"] = 9.0  # holder cost 9, quote 9.9
    data["providers"][1]["base_cost"] = 11.0  # outsider quote 12.1
    ds = simulate(cm.Scenario.from_dict(data), paths=1, seed=0).isel(path=0)
    assert float(ds.best_outside_price[0]) == pytest.approx(12.1)
    assert float(ds.holder_matched[0]) == pytest.approx(1.0)
    assert float(ds.award.sel(provider="azure")[0]) == pytest.approx(1.0)
    assert float(ds.award_price.sel(provider="azure")[0]) == pytest.approx(12.1)
    assert float(ds.award.sel(provider="oracle")[0]) == 0.0


def test_holder_whose_cost_exceeds_every_price_never_matches():
    sc = cm.load_scenario("baseline").with_updates(
        {
            "providers.azure.base_cost": 1000.0,
            "costs.distribution": "uniform",
            "providers.azure.cost_spread": 0.5,
        }
    )
    ds = simulate(sc, paths=20, seed=3)
    assert float(ds.holder_matched.max()) == 0.0
    assert (ds.best_outside_price.notnull() & (ds.tender_quantity > 0)).any()


def test_all_or_nothing_match_needs_room_for_the_whole_tender():
    sc = two_providers("rofr", 1)
    data = sc.to_dict()
    data["providers"][0]["capacity"] = [{"date": "2030-01", "gw": 0.5}]  # room for half
    data["providers"][0]["base_cost"] = 9.0
    data["contract"]["partial_match"] = False
    ds = simulate(cm.Scenario.from_dict(data), paths=1, seed=0).isel(path=0)
    assert float(ds.holder_matched[0]) == 0.0
    assert float(ds.award.sel(provider="oracle")[0]) == pytest.approx(1.0)
    data["contract"]["partial_match"] = True
    ds = simulate(cm.Scenario.from_dict(data), paths=1, seed=0).isel(path=0)
    assert float(ds.holder_matched[0]) == pytest.approx(0.5)
    assert float(ds.award.sel(provider="oracle")[0]) == pytest.approx(0.5)


def test_exclusive_holder_takes_what_its_headroom_allows():
    sc = two_providers("exclusive", 0)
    data = sc.to_dict()
    data["providers"][0]["capacity"] = [{"date": "2030-01", "gw": 0.4}]
    ds = simulate(cm.Scenario.from_dict(data), paths=1, seed=0).isel(path=0)
    assert float(ds.award.sel(provider="azure")[0]) == pytest.approx(0.4)
    assert float(ds.award.sel(provider="oracle").sum()) == 0.0
    assert float(ds.delivered.sel(provider="oracle").sum()) == 0.0
    assert float(ds.shortfall[-1]) == pytest.approx(0.6)


def test_initial_contracts_are_built_by_their_start():
    ds = simulate("baseline", paths=3, seed=1)
    azure = ds.sel(provider="azure")
    # 0.6 GW from 2025-01 and 0.5 GW more from 2025-07 (scenario's initial contracts).
    assert (azure.delivered.sel(time="2025-01") == 0.6).all()
    assert (azure.contracted.sel(time="2025-07") >= 1.1 - 1e-12).all()


def test_same_seed_same_results_different_seed_different():
    a = simulate(paths=5, seed=11)
    b = simulate(paths=5, seed=11)
    assert a.identical(b)
    c = simulate(paths=5, seed=12)
    assert not np.array_equal(a.demand.values, c.demand.values)


def test_a_path_does_not_depend_on_the_paths_beside_it():
    few = simulate(paths=3, seed=5)
    many = simulate(paths=70, seed=5)
    cm.testing.assert_results_equal(few, many.isel(path=slice(0, 3)))


def _check_invariants(ds, sc):
    tol = 1e-9
    np.testing.assert_allclose(ds.served + ds.shortfall, ds.demand, rtol=1e-12, atol=1e-12)
    bound = np.minimum(ds.contracted, ds.capacity)
    assert (ds.delivered <= bound + tol).all()
    for name in (
        "demand",
        "capacity",
        "contracted",
        "delivered",
        "served",
        "shortfall",
        "spend",
        "tender_quantity",
        "holder_matched",
        "award",
        "construction",
    ):
        assert (ds[name] >= 0).all(), name
        assert ds[name].notnull().all(), name
    assert (ds.served <= ds.delivered.sum("provider") + tol).all()
    # Each tender is filled at most up to its quantity; awards carry prices and vice versa.
    assert (ds.award.sum("provider") <= ds.tender_quantity + tol).all()
    assert ((ds.award > 0) == ds.award_price.notnull()).all()
    assert (ds.award_price.fillna(0) <= sc.buyer.reserve_price + 1e-12).all()
    # Committed capacity respects the ceilings set at each contract's start.
    holder = sc.contract.holder
    matched = (ds.holder_matched > 0) & (ds.tender_rule == "rofr")
    if matched.any():
        cost = ds.cost.sel(provider=holder)
        assert (ds.best_outside_price.where(matched) >= cost.where(matched)).sum() == matched.sum()
    # The rule of each tender: the scenario may change it (contract.changes).
    exclusive = ds.tender_rule == "exclusive"
    others = [p for p in sc.provider_names if p != holder]
    if others and exclusive.any():
        awarded = ds.award.sel(provider=others).where(exclusive, 0.0)
        assert float(awarded.sum()) == 0.0
        if exclusive.all():
            initial = {
                p: sum(c.gw for c in sc.initial_contracts if c.provider == p) for p in others
            }
            for p in others:
                assert float(ds.delivered.sel(provider=p).max()) <= initial[p] + tol
    no_right = ~ds.tender_rule.isin(["rofr", "rofo"])
    assert float(ds.holder_matched.where(no_right, 0.0).sum()) == 0.0
    first_offer = (ds.holder_matched > 0) & (ds.tender_rule == "rofo")
    if first_offer.any():
        price = ds.award_price.sel(provider=holder).where(first_offer)
        assert (price <= ds.acceptance_threshold + 1e-12).sum() == first_offer.sum()


@given(scenarios())
def test_invariants_hold_on_random_scenarios(sc):
    ds = simulate(sc, paths=3, seed=sc.run.seed)
    _check_invariants(ds, sc)


@given(scenarios(rules=("exclusive",)))
def test_only_the_holder_supplies_new_capacity_under_exclusivity(sc):
    _check_invariants(simulate(sc, paths=2, seed=1), sc)


@given(scenarios(max_months=24))
def test_same_seed_gives_identical_datasets(sc):
    a = simulate(sc, paths=2, seed=3)
    b = simulate(sc, paths=2, seed=3)
    assert a.identical(b)
