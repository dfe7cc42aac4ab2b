"""Investment supply: the providers' development decisions, in every engine."""

import numpy as np
import pytest
from hypothesis import given, settings

import computemarket as cm
from computemarket.engines import compiled, des
from computemarket.engines import vector as core
from computemarket.market.draws import draw
from computemarket.market.inputs import prepare
from computemarket.market.investment import review
from computemarket.market.plan import make_plan
from computemarket.scenario.supply import annuity_factor
from computemarket.testing import assert_results_equal, scenarios

FACILITY = 12.0  # $B per GW of shell and power (CALIBRATION.md, suggested defaults)


def _investing(**updates):
    base = {"supply.mode": "investment"}
    for name in ("azure", "oracle", "stargate"):
        base[f"providers.{name}.investment.capex_per_gw"] = FACILITY
        base[f"providers.{name}.investment.asset_life_years"] = 15.0
    base.update(updates)
    return cm.load_scenario("baseline").with_updates(base)


def _arrays(scenario, paths, seed, engine):
    plan = make_plan(scenario)
    inputs = prepare(plan, draw(plan, paths, seed))
    return plan, {"vector": core, "compiled": compiled, "des": des}[engine].run(inputs).arrays


def test_exogenous_supply_develops_the_schedule_and_spends_no_capex():
    # A capex given under exogenous supply is not charged: the schedule is given capacity.
    costly = cm.load_scenario("baseline").with_updates(
        {"providers.oracle.investment.capex_per_gw": 12.0}
    )
    ds = cm.simulate(costly, paths=20, seed=3)
    plain = cm.simulate("baseline", paths=20, seed=3)
    for name in plain.data_vars:  # the same numbers (the scenario's attributes differ)
        np.testing.assert_array_equal(ds[name].values, plain[name].values, err_msg=name)
    ceiling = ds.capacity_ceiling.broadcast_like(ds.developed).transpose(*ds.developed.dims)
    np.testing.assert_array_equal(ds.developed.values, ceiling.values)
    assert float(abs(ds.capex).max()) == 0.0
    s = cm.summarize(ds)
    np.testing.assert_array_equal(
        s.developed_gw.values, np.broadcast_to(ds.capacity_ceiling.values[-1], (20, 3))
    )


def test_developed_capacity_rises_within_the_pipeline_and_costs_its_annuity():
    sc = _investing()
    plan, arrays = _arrays(sc, 40, 2, "vector")
    developed = np.moveaxis(arrays["developed"], -1, 0)  # (path, month, provider)
    pipeline = plan.ceiling.T[None]
    assert (developed <= pipeline + 1e-12).all()
    assert (np.diff(developed, axis=1) >= 0).all()  # development is irreversible
    rate = FACILITY * annuity_factor(0.10, 15.0) / 12.0
    np.testing.assert_allclose(np.moveaxis(arrays["capex"], -1, 0), developed * rate, rtol=1e-15)
    # Before any decision can land, providers have what was under way at the start.
    d = sc.providers[0].investment.development_months
    np.testing.assert_array_equal(
        developed[:, :d, 0], np.broadcast_to(plan.ceiling[0, :d], (40, d))
    )


def test_commitments_stay_within_developed_capacity():
    ds = cm.simulate(_investing(), paths=30, seed=4)
    tender_start = ds.tender_start.values
    starts = [np.flatnonzero(ds.time.values == t)[0] for t in tender_start]
    room = (
        ds.developed.isel(time=starts).rename(time="tender").transpose("path", "tender", "provider")
    )
    assert (ds.headroom.transpose("path", "tender", "provider").values <= room.values + 1e-9).all()


def test_a_larger_build_share_develops_at_least_as_much():
    low = cm.simulate(
        _investing(**{"providers.oracle.investment.build_share": 0.3}), paths=30, seed=1
    )
    high = cm.simulate(
        _investing(**{"providers.oracle.investment.build_share": 0.9}), paths=30, seed=1
    )
    oracle_low = low.developed.sel(provider="oracle")
    oracle_high = high.developed.sel(provider="oracle")
    assert (oracle_high >= oracle_low - 1e-12).all()
    assert float((oracle_high - oracle_low).sum()) > 0.0


def test_building_ahead_develops_earlier():
    now = cm.simulate(
        _investing(**{"providers.oracle.investment.build_share": 0.3}), paths=30, seed=1
    )
    ahead = cm.simulate(
        _investing(
            **{
                "providers.oracle.investment.build_share": 0.3,
                "providers.oracle.investment.anticipation_months": 12,
            }
        ),
        paths=30,
        seed=1,
    )
    gap = ahead.developed.sel(provider="oracle") - now.developed.sel(provider="oracle")
    assert float(gap.sum()) > 0.0


@pytest.mark.parametrize("engine", ["compiled", "des"])
def test_engines_agree_bit_for_bit_under_investment(engine):
    sc = _investing(
        **{
            "providers.oracle.investment.build_share": 0.4,
            "providers.stargate.investment.anticipation_months": -6,
            "supply.review_every_months": 4,
        }
    )
    reference = cm.simulate(sc, paths=12, seed=7)
    assert_results_equal(
        cm.simulate(sc, paths=12, seed=7, engine=engine), reference.assign_attrs(engine=engine)
    )


@settings(max_examples=25)
@given(scenarios(supplies=("investment",), bidding=("cost_plus",)))
def test_random_investing_scenarios_agree_in_every_engine(sc):
    plan, vector = _arrays(sc, 3, sc.run.seed, "vector")
    _, fast = _arrays(sc, 3, sc.run.seed, "compiled")
    for name, values in vector.items():
        np.testing.assert_array_equal(fast[name], values, err_msg=name)
    # Decisions only add to what was under way, and never beyond the pipeline.
    developed = vector["developed"]  # (T, P, n): month, provider, path
    assert (developed >= plan.investment.initial.T[:, :, None]).all()
    assert (developed <= plan.ceiling.T[:, :, None]).all()


def test_a_bad_anticipation_names_the_field():
    with pytest.raises(cm.ScenarioError, match="anticipation_months"):
        _investing(**{"providers.oracle.investment.anticipation_months": -30})


@settings(max_examples=10)
@given(scenarios(supplies=("investment",), bidding=("cost_plus",), max_months=30))
def test_random_investing_scenarios_agree_with_the_discrete_event_engine(sc):
    _, vector = _arrays(sc, 2, sc.run.seed, "vector")
    _, events = _arrays(sc, 2, sc.run.seed, "des")
    for name, values in vector.items():
        np.testing.assert_array_equal(events[name], values, err_msg=name)


def test_an_entrant_has_nothing_until_it_enters_and_pays_its_cost_once():
    sc = _investing(
        **{"providers.stargate.entry": {"cost": 3.0, "earliest": "2026-01", "threshold_gw": 2.0}}
    )
    plan, arrays = _arrays(sc, 30, 5, "vector")
    entered = np.moveaxis(arrays["entered"], -1, 0)[:, :, 2]  # (path, month)
    developed = np.moveaxis(arrays["developed"], -1, 0)[:, :, 2]
    capex = np.moveaxis(arrays["capex"], -1, 0)[:, :, 2]
    assert (entered[:, :12] == 0).all()  # not before its earliest month
    assert (np.diff(entered, axis=1) >= 0).all()  # once in, it stays
    first = np.where(entered.any(axis=1), entered.argmax(axis=1), plan.months)
    d = sc.provider("stargate").investment.development_months
    paid = capex - developed * plan.investment.capex_rate[2]  # entry costs alone
    for path, month in enumerate(first.tolist()):
        assert (developed[path, : min(month + d, plan.months)] == 0).all()
        others = np.arange(plan.months) != month
        np.testing.assert_allclose(paid[path, others], 0.0, atol=1e-12)  # only once
        if month < plan.months:
            assert paid[path, month] == pytest.approx(3.0, abs=1e-12)
    assert (first < plan.months).any() and (first > 12).any()
    assert np.isfinite(cm.summarize(cm.simulate(sc, paths=30, seed=5)).entry_month).any()


def test_entry_needs_investment_supply_and_an_outsider():
    entry = {"cost": 1.0, "earliest": "2026-01"}
    with pytest.raises(cm.ScenarioError, match=r"supply\.mode"):
        cm.load_scenario("baseline").with_updates({"providers.stargate.entry": entry})
    with pytest.raises(cm.ScenarioError, match="holder"):
        _investing(**{"providers.azure.entry": entry})
    with pytest.raises(cm.ScenarioError, match="initial contracts"):
        _investing(**{"providers.oracle.entry": entry})  # oracle has one from 2025-06


def test_decisions_never_take_back_capacity(monkeypatch):
    from computemarket.market import ledger

    seen = []

    def recording(developed, *args):
        before = developed.copy()
        review(developed, *args)
        seen.append(bool((developed >= before).all()))

    monkeypatch.setattr(ledger, "review", recording)
    cm.simulate(_investing(**{"providers.oracle.investment.build_share": 0.5}), paths=20, seed=2)
    assert len(seen) == 20 and all(seen)  # a review every six months of ten years


@pytest.mark.parametrize("rule", ["rofr", "open", "rofo"])
def test_engines_agree_under_investment_with_strategic_bids(rule):
    sc = _investing(
        **{
            "contract.rule": rule,
            "bidding.mode": "strategic",
            "bidding.intermediate": "taker_set",
            "providers.oracle.investment.build_share": 0.5,
        }
    )
    _, vector = _arrays(sc, 6, 3, "vector")
    _, fast = _arrays(sc, 6, 3, "compiled")
    for name, values in vector.items():
        np.testing.assert_array_equal(fast[name], values, err_msg=name)


def test_an_entrant_that_stays_out_under_one_rule_waits_for_it_to_end():
    # Never under the right, at once under open: the same as entering from the change.
    change = {"contract.changes": [{"date": "2027-01", "rule": "open"}]}
    waits = _investing(
        **change,
        **{
            "providers.stargate.entry": {
                "cost": 3.0,
                "earliest": "2025-07",
                "threshold_gw": 0.0,
                "threshold_by_rule": {"rofr": 1e6},
            }
        },
    )
    later = _investing(
        **change,
        **{"providers.stargate.entry": {"cost": 3.0, "earliest": "2027-01", "threshold_gw": 0.0}},
    )
    plan = make_plan(waits)
    np.testing.assert_array_equal(plan.investment.entry_threshold[2, :24], 1e6)
    np.testing.assert_array_equal(plan.investment.entry_threshold[2, 24:], 0.0)
    for engine in ("vector", "compiled", "des"):
        first, second = (cm.simulate(s, paths=12, seed=4, engine=engine) for s in (waits, later))
        months = cm.summarize(first).entry_month.sel(provider="stargate").values
        first.attrs, second.attrs = {}, {}  # the scenarios differ in their files only
        assert_results_equal(first, second)
        assert np.isfinite(months).any() and (months[np.isfinite(months)] >= 24).all()


def test_a_threshold_under_a_rule_is_read_only_while_that_rule_is_in_force():
    # The right to 2027, then open: each rule's own threshold counts in its months only.
    entry = {"cost": 3.0, "earliest": "2026-01", "threshold_gw": 2.0}
    change = {"contract.changes": [{"date": "2027-01", "rule": "open"}]}

    def run(**by_rule):
        sc = _investing(
            **change, **{"providers.stargate.entry": {**entry, "threshold_by_rule": by_rule}}
        )
        ds = cm.simulate(sc, paths=15, seed=2)
        ds.attrs = {}  # the scenarios differ in their files only
        return ds

    plain = run()
    assert_results_equal(plain, run(rofr=2.0, open=2.0))  # the same thresholds spelled out
    assert_results_equal(plain, run(exclusive=0.0, rofo=50.0))  # rules never in force
    for by_rule in ({"rofr": 50.0}, {"open": 50.0}):  # each rule's months do count
        with pytest.raises(AssertionError):
            assert_results_equal(plain, run(**by_rule))


def test_a_bad_threshold_under_a_rule_names_the_field():
    entry = {"cost": 3.0, "earliest": "2026-01", "threshold_by_rule": {"rofr": -1.0}}
    with pytest.raises(cm.ScenarioError, match=r"threshold_by_rule\.rofr"):
        _investing(**{"providers.stargate.entry": entry})
    with pytest.raises(cm.ScenarioError, match="threshold_by_rule"):
        _investing(**{"providers.stargate.entry": {**entry, "threshold_by_rule": {"rofx": 1.0}}})
