"""Contract terms by provider (providers[].term_months): each winner's part of a tender
runs for that provider's own term."""

import numpy as np
import pytest
from hypothesis import given

import computemarket as cm
from computemarket.errors import ScenarioError
from computemarket.market.plan import make_plan
from computemarket.scenario import Scenario
from computemarket.scenario.calendar import month_index
from computemarket.testing import assert_results_equal, scenarios
from conftest import small_scenario


def _split(short_term=3):
    """One tender (month 0, start month 2) for 1 GW, split between two providers.

    'cheap' (cost 10, 0.6 GW of ceiling) signs for ``short_term`` months; 'dear' (cost 12,
    ample ceiling) for the buyer's 12. Both build in one month, with no spread.
    """
    data = small_scenario(**{"horizon_months": 24, "buyer.tender_every_months": 24}).to_dict()
    solo = data["providers"][0]
    data["providers"] = [
        dict(solo, name="cheap", capacity=[{"date": "2030-01", "gw": 0.6}], term_months=short_term),
        dict(solo, name="dear", base_cost=12.0),
    ]
    data["contract"] = {"rule": "open", "holder": "dear", "window_months": 0}
    return Scenario.from_dict(data)


def test_the_plan_ends_each_providers_part_at_its_own_term():
    sc = _split()
    plan = make_plan(sc)
    assert plan.n_tenders == 1 and plan.n_initial == 0
    assert plan.provider_term.tolist() == [3, 12]
    assert plan.contract_end.tolist() == [[5, 14]]
    # The tender's own end (what an open tender counts as pending) is at the buyer's term.
    assert plan.tender_end.tolist() == [14]
    assert plan.active(4).tolist() == [[True, True]]
    assert plan.active(5).tolist() == [[False, True]]


def test_history_terms_and_initial_contracts_keep_their_own_end():
    sc = cm.load_scenario()
    plan = make_plan(sc)
    terms = dict(zip(plan.providers, plan.provider_term.tolist(), strict=True))
    for p in sc.providers:
        assert terms[p.name] == (p.term_months or sc.buyer.term_months)
    k = plan.n_initial
    assert (plan.contract_end[k:] == plan.tender_start[:, None] + plan.provider_term).all()
    for slot, contract in enumerate(sc.initial_contracts):
        end = month_index(contract.end, sc.start)
        assert (plan.contract_end[slot] == end).all()


@pytest.mark.parametrize("engine", ["vector", "compiled", "des"])
def test_a_split_award_delivers_and_is_paid_for_each_providers_term(engine):
    ds = cm.simulate(_split(), paths=1, seed=0, engine=engine).isel(path=0)
    award = ds.award.isel(tender=0)
    assert award.sel(provider="cheap") == pytest.approx(0.6)
    assert award.sel(provider="dear") == pytest.approx(0.4)
    months = np.arange(24)
    cheap = np.where((months >= 2) & (months < 5), 0.6, 0.0)
    dear = np.where((months >= 2) & (months < 14), 0.4, 0.0)
    np.testing.assert_allclose(ds.contracted.sel(provider="cheap"), cheap, atol=1e-12)
    np.testing.assert_allclose(ds.contracted.sel(provider="dear"), dear, atol=1e-12)
    np.testing.assert_allclose(ds.delivered.sel(provider="cheap"), cheap, atol=1e-12)
    # Each pays its own quote (cost x 1.1) for its own months.
    spend = (cheap * 11.0 + dear * 13.2) / 12.0
    np.testing.assert_allclose(ds.spend.sum("provider"), spend, rtol=1e-12, atol=1e-12)
    assert ds.term_months.sel(provider="cheap") == 3
    assert ds.term_months.sel(provider="dear") == 12


def test_a_longer_term_closes_the_gap_later_tenders_see():
    # One provider, constant demand of 1 GW, tenders every 3 months two months ahead. At
    # the buyer's 3-month term every tender asks for 1 GW; at 12 months, the first
    # contract covers the starts of the next three tenders, which ask for nothing.
    short = cm.simulate(small_scenario(**{"buyer.term_months": 3}), paths=1, seed=0)
    data = small_scenario(**{"buyer.term_months": 3, "contract.holder": "solo"}).to_dict()
    data["providers"][0]["term_months"] = 12
    long = cm.simulate(Scenario.from_dict(data), paths=1, seed=0)
    np.testing.assert_allclose(short.tender_quantity.isel(path=0), [1.0, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(long.tender_quantity.isel(path=0), [1.0, 0.0, 0.0, 0.0])
    # Capacity is built once, at the peak of the provider's own term.
    assert float(long.construction.sum()) == pytest.approx(1.0)


def test_a_provider_term_equal_to_the_buyers_changes_nothing():
    sc = cm.load_scenario("baseline")
    same = sc.with_updates({f"providers[{i}].term_months": 60 for i in range(len(sc.providers))})
    a = cm.simulate(sc, paths=20, seed=3)
    b = cm.simulate(same, paths=20, seed=3)
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)


def test_the_three_engines_agree_with_terms_by_provider_under_every_rule():
    for rule in ("rofr", "rofo", "open", "exclusive"):
        sc = cm.load_scenario().with_updates(
            {
                "contract.rule": rule,
                "contract.changes": [],
                "providers.stargate.term_months": 240,
                "providers.aws.term_months": 90,
                "providers.cerebras.term_months": 36,
            }
        )
        vector = cm.simulate(sc, paths=6, seed=5)
        assert len(set(make_plan(sc).provider_term.tolist())) > 2
        assert_results_equal(cm.simulate(sc, paths=6, seed=5, engine="compiled"), vector)
        assert_results_equal(
            cm.simulate(sc, paths=2, seed=5, engine="des"), vector.isel(path=slice(0, 2))
        )


@pytest.mark.parametrize(
    ("value", "phrase"),
    [(0, "greater than or equal to 1"), (2.5, "integer"), (10**6, "less than or equal")],
)
def test_a_bad_term_names_the_field(value, phrase):
    with pytest.raises(ScenarioError) as err:
        cm.load_scenario().with_updates({"providers.aws.term_months": value})
    assert "providers[3].term_months" in str(err.value) or "aws" in str(err.value)
    assert phrase in str(err.value)


@given(scenarios(bidding=("cost_plus",)))
def test_commitments_never_exceed_the_highest_ceiling_so_far(sc):
    # Tenders are decided out of start order (ramps, windows) and contracts last
    # different terms, so a tender's headroom must leave room for contracts booked to
    # start later in its term. With no initial contracts (which are typed in, not
    # checked), what a provider is committed to in a month is then at most the highest
    # capacity it has had by that month.
    sc = sc.with_updates({"initial_contracts": []})
    ds = cm.simulate(sc, paths=3, seed=sc.run.seed)
    highest = np.maximum.accumulate(ds.developed.values, axis=1)  # (path, time, provider)
    assert (ds.contracted.values <= highest + 1e-9).all()


def test_a_short_lead_decided_later_leaves_room_for_a_long_lead_booked_earlier():
    # One provider with a 1 GW ceiling; each month's 30-month tender is decided before
    # the next months' 9-month tenders for the same starts: they may not push the
    # provider's commitments over its ceiling.
    sc = cm.load_scenario().with_updates(
        {
            "contract.rule": "open",
            "contract.changes": [],
            "initial_contracts": [],
            "providers": [
                {
                    "name": "azure",
                    "base_cost": 10.0,
                    "capacity": [{"date": "2025-01", "gw": 1.0}],
                }
            ],
        }
    )
    for engine in ("vector", "compiled"):
        ds = cm.simulate(sc, paths=20, seed=2, engine=engine)
        assert float(ds.contracted.max()) <= 1.0 + 1e-9
        assert float(ds.contracted.max()) > 0.99  # and the ceiling is used


def test_a_tender_in_its_window_counts_in_pending_at_what_it_can_deliver():
    # Month 0: a 6-month and a 12-month tender under a 3-month window, constant demand of
    # 1 GW. The only provider with capacity has 0.3 GW, so the 6-month tender can deliver
    # 0.3 at most: the 12-month tender asks for the 0.7 it leaves, not for nothing.
    data = small_scenario(
        **{
            "horizon_months": 36,
            "buyer.lead_months": 6,
            "buyer.tender_every_months": 36,
            "buyer.term_months": 24,
        }
    ).to_dict()
    data["buyer"]["ramp_lead_months"] = [12]
    solo = data["providers"][0]
    data["providers"] = [
        dict(solo, name="holder", capacity=[{"date": "2030-01", "gw": 0.0}]),
        dict(solo, name="outsider", capacity=[{"date": "2030-01", "gw": 0.3}]),
    ]
    data["contract"] = {"rule": "rofr", "holder": "holder", "window_months": 3}
    sc = Scenario.from_dict(data)
    for engine in ("vector", "compiled", "des"):
        ds = cm.simulate(sc, paths=1, seed=0, engine=engine).isel(path=0)
        np.testing.assert_allclose(ds.tender_quantity, [1.0, 0.7], rtol=1e-12)
        np.testing.assert_allclose(ds.award.sum("provider"), [0.3, 0.0], atol=1e-12)


@pytest.mark.parametrize("rule", ["rofr", "open"])
def test_open_tenders_do_not_count_the_same_headroom_twice(rule):
    # Three leads in month 0 and 3 GW of demand; the one provider with capacity has 1 GW.
    # The 6-month tender can deliver 1 GW; under a window the 12-month tender, sized while
    # the first is pending, can deliver nothing more from the same gigawatt. So both rules
    # ask for 3, 2 and 2 GW, as the open market does deciding each tender at once.
    data = small_scenario(
        **{
            "horizon_months": 36,
            "demand.initial_gw": 3.0,
            "buyer.lead_months": 6,
            "buyer.tender_every_months": 36,
            "buyer.term_months": 24,
        }
    ).to_dict()
    data["buyer"]["ramp_lead_months"] = [12, 18]
    solo = data["providers"][0]
    data["providers"] = [
        dict(solo, name="holder", capacity=[{"date": "2030-01", "gw": 0.0}]),
        dict(solo, name="outsider", capacity=[{"date": "2030-01", "gw": 1.0}]),
    ]
    data["contract"] = {"rule": rule, "holder": "holder", "window_months": 3}
    sc = Scenario.from_dict(data)
    for engine in ("vector", "compiled", "des"):
        ds = cm.simulate(sc, paths=1, seed=0, engine=engine).isel(path=0)
        np.testing.assert_allclose(ds.tender_quantity, [3.0, 2.0, 2.0], rtol=1e-12)
        np.testing.assert_allclose(ds.award.sum("provider"), [1.0, 0.0, 0.0], atol=1e-12)
