"""Tenders at several leads (buyer.ramp_lead_months): contracts with a ramp of start dates."""

import inspect

import numpy as np
import pytest

import computemarket as cm
from computemarket.errors import InputError, ScenarioError
from computemarket.market.forecast import forecast_factor
from computemarket.market.plan import make_plan
from computemarket.testing import assert_results_equal


def _ramped(ramps=(6, 30), **more):
    return cm.load_scenario("baseline").with_updates(
        {"buyer.ramp_lead_months": list(ramps), **more}
    )


def test_each_tender_month_has_one_tender_per_lead_shortest_first():
    sc = _ramped()
    plan = make_plan(sc)
    leads = (6, 18, 30)
    months = sc.horizon_months
    expected = [
        (m, lead)
        for m in range(0, months, sc.buyer.tender_every_months)
        for lead in leads
        if m + lead < months
    ]
    assert list(zip(plan.tender_month.tolist(), plan.tender_lead.tolist(), strict=True)) == expected
    assert (plan.tender_start == plan.tender_month + plan.tender_lead).all()
    assert (plan.tender_end == plan.tender_start + sc.buyer.term_months).all()
    assert plan.issued_in(0) == [0, 1, 2]
    # The contract slots after the initial contracts follow the tenders.
    assert (plan.contract_start[plan.n_initial :] == plan.tender_start).all()


def test_each_tender_forecasts_over_its_own_lead():
    sc = _ramped()
    plan = make_plan(sc)
    d = sc.demand
    sigma2 = d.volatility**2 / 12.0
    factors = plan.tender_factors()
    for k in (0, 1, 2, 30, 31, 32):
        month, lead = int(plan.tender_month[k]), int(plan.tender_lead[k])
        # The model's conditional mean growth, written out month by month.
        log_growth = 0.0
        for j in range(month, month + lead):
            years = j / 12.0
            start_rate, long_rate = np.log1p(d.growth_initial), np.log1p(d.growth_long_run)
            annual = long_rate + (start_rate - long_rate) * 2.0 ** (
                -years / d.growth_half_life_years
            )
            log_growth += annual / 12.0
        expected = np.exp(log_growth + 0.5 * lead * sigma2) * (1.0 + sc.buyer.safety_margin)
        assert factors[k] == pytest.approx(expected, rel=1e-12)
    # The primary lead's factor is the plan's forecast_factor, as without ramps.
    primary = plan.tender_lead == sc.buyer.lead_months
    assert (factors[primary] == plan.forecast_factor[plan.tender_month[primary]]).all()


def test_a_longer_tender_is_sized_after_the_shorter_one_of_its_month_is_awarded():
    # Open rule (no window), no volatility, one ample provider: every tender is filled,
    # so the 30-month tender of a month asks for its forecast less the 6- and 18-month
    # awards of the same month that are still in force at its start.
    sc = _ramped(
        **{
            "contract.rule": "open",
            "demand.volatility": 0.0,
            "buyer.term_months": 60,
            "buyer.reserve_price": 1e4,
        }
    )
    ds = cm.simulate(sc, paths=2, seed=1)
    plan = make_plan(sc)
    quantity = ds.tender_quantity.isel(path=0).values
    awarded = ds.award.isel(path=0).sum("provider").values
    demand0 = float(ds.demand.isel(path=0, time=0))
    factors = plan.tender_factors()
    # Month 0: tenders 0 (6 months), 1 (18) and 2 (30). Initial contracts cover part.
    book = np.zeros(plan.months + 200)
    for slot in range(plan.n_initial):
        end = plan.contract_end[slot, plan.initial_provider[slot]]
        book[plan.contract_start[slot] : end] += plan.initial_gw[slot]
    for k in (0, 1, 2):
        start = int(plan.tender_start[k])
        target = min(demand0 * factors[k], plan.demand_ceiling[start])
        expected = max(target - book[start], 0.0)
        assert quantity[k] == pytest.approx(expected, rel=1e-12, abs=1e-9)
        book[start : int(plan.tender_end[k])] += awarded[k]
    assert awarded[0] > 0 and awarded[1] > 0  # the shorter tenders were awarded


def test_the_three_engines_agree_with_ramps_under_every_rule():
    for rule in ("rofr", "rofo", "open", "exclusive"):
        sc = _ramped(**{"contract.rule": rule})
        vector = cm.simulate(sc, paths=6, seed=7)
        assert_results_equal(cm.simulate(sc, paths=6, seed=7, engine="compiled"), vector)
        assert_results_equal(
            cm.simulate(sc, paths=2, seed=7, engine="des"), vector.isel(path=slice(0, 2))
        )


@pytest.mark.parametrize(
    ("updates", "field", "phrase"),
    [
        ({"buyer.ramp_lead_months": [18]}, "buyer.ramp_lead_months[0]", "differ from"),
        ({"buyer.ramp_lead_months": [6, 6]}, "buyer.ramp_lead_months[1]", "other ramp"),
        ({"buyer.ramp_lead_months": [120]}, "buyer.ramp_lead_months[0]", "horizon_months"),
        (
            {"buyer.ramp_lead_months": [0]},
            "buyer.ramp_lead_months[0]",
            "greater than or equal to 1",
        ),
        (
            {"buyer.ramp_lead_months": [2], "contract.window_months": 3},
            "contract.window_months",
            "shortest: 2",
        ),
    ],
)
def test_bad_ramp_leads_name_the_field(updates, field, phrase):
    with pytest.raises(ScenarioError) as err:
        cm.load_scenario("baseline").with_updates(updates)
    assert field in str(err.value) and phrase in str(err.value)


def test_forecasts_of_one_lead_are_refused_with_ramps_and_paths_are_fitted_per_lead():
    sc = _ramped()
    plan = make_plan(sc)
    with pytest.raises(InputError, match="ramp leads"):
        forecast_factor(plan, np.ones(plan.months), None, 0.1)
    with pytest.raises(InputError, match=r"buyer\.ramp_lead_months"):
        cm.simulate(sc, paths=2, forecast=np.ones(plan.months))
    # Demand that doubles every 6 months: the fitted growth is 2, 8 and 32 over 6, 18, 30.
    demand = np.tile(2.0 ** (np.arange(plan.months) / 6.0), (3, 1))
    factor = forecast_factor(plan, "paths", demand, 0.0)
    assert factor.shape == (3, plan.months)
    assert factor[:, 0] == pytest.approx([8.0, 2.0, 32.0])  # lead_months first, then ramps
    ds = cm.simulate(sc, paths=3, demand=demand)
    assert ds.attrs["forecast"] == "paths"


def test_a_plug_in_forecaster_with_ramp_leads_is_refused_when_the_scenario_is_read():
    class Flat:
        def growth(self, request):
            return np.ones(request.dates.size)

    cm.register_forecaster("flat_for_ramps", Flat())
    with pytest.raises(ScenarioError, match=r"buyer\.forecast") as err:
        _ramped(**{"buyer.forecast": "flat_for_ramps"})
    assert "ramp leads [6, 30]" in str(err.value)
    # Without ramp leads the same forecaster is accepted.
    plain = cm.load_scenario("baseline").with_updates({"buyer.forecast": "flat_for_ramps"})
    assert plain.buyer.forecast == "flat_for_ramps"


def test_the_solver_cache_key_covers_the_cost_distributions():
    from computemarket.market import solutions

    source = inspect.getsource(solutions.solver_digest)
    assert '"costs.py"' in source
