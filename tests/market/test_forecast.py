"""The buyer's forecaster: the scenario's model, fitted to the user's paths, or the user's."""

import numpy as np
import pytest

import computemarket as cm

T = 120


@pytest.fixture(scope="module")
def scenario():
    return cm.load_scenario("baseline")


def test_a_flat_demand_is_not_forecast_to_grow(scenario):
    """The issue: a flat 0.8 GW demand used to tender 3.6 GW under the scenario's model."""
    flat = np.full((8, T), 0.8)
    margin = scenario.buyer.safety_margin
    fitted = cm.simulate(scenario, demand=flat, seed=1)
    model = cm.simulate(scenario, demand=flat, seed=1, forecast="model")
    most = 0.8 * (1 + margin) + 1e-9
    late = slice(-36, None)  # after the initial contracts (1.3 GW, to 2030) have ended
    assert float(fitted.contracted.sum("provider").isel(time=late).max()) <= most
    assert float(model.contracted.sum("provider").isel(time=late).max()) > 1.2
    assert fitted.attrs["forecast"] == "paths" and model.attrs["forecast"] == "model"


def test_a_saturating_demand_is_contracted_to_its_level(scenario):
    t = np.arange(T)
    scurve = np.tile(12.0 / (1 + np.exp(-(t - 40) / 10.0)), (8, 1))
    ds = cm.simulate(scenario, demand=scurve, seed=1)
    # It saturates at 12 GW: never more than 12 x (1 + margin) under contract (the model
    # forecast ended with 14.5 GW contracted, every ceiling's worth).
    most = 12 * (1 + scenario.buyer.safety_margin) + 1e-9
    assert float(ds.contracted.sum("provider").max()) <= most


def test_every_engine_honours_the_forecaster(scenario):
    t = np.arange(T)
    demand = np.tile(2.0 + t / 20.0, (3, 1))
    growth = np.full(T, 1.3)
    runs = [
        cm.simulate(scenario, demand=demand, forecast=growth, engine=engine, seed=2)
        for engine in ("vector", "compiled", "des")
    ]
    for other in runs[1:]:
        assert other.drop_attrs().identical(runs[0].drop_attrs())
    # The first tender asks for the forecast less what the initial contracts cover at its
    # start (all three, 1.3 GW, run from mid-2025 to 2030).
    tendered = runs[0].tender_quantity.isel(tender=0).values
    covered = sum(c.gw for c in scenario.initial_contracts)
    expected = demand[:, 0] * 1.3 * (1 + scenario.buyer.safety_margin) - covered
    assert (expected > 0).all()
    np.testing.assert_allclose(tendered, expected, atol=1e-9)


def test_the_fitted_forecast_is_the_mean_growth_of_the_paths(scenario):
    from computemarket.market.forecast import fitted_growth
    from computemarket.market.plan import make_plan

    plan = make_plan(scenario)
    rng = np.random.default_rng(3)
    demand = np.exp(np.cumsum(rng.normal(0.02, 0.05, size=(50, T)), axis=1))
    lead = scenario.buyer.lead_months
    growth = fitted_growth(plan, demand)
    np.testing.assert_allclose(growth[10], np.mean(demand[:, 10 + lead] / demand[:, 10]))
    assert (growth[T - lead :] == 1.0).all()


def test_compare_takes_demand_paths(scenario):
    flat = np.full((6, T), 0.8)
    c = cm.compare(scenario, rules=["rofr", "open"], demand=flat, seed=1)
    assert c.sizes["path"] == 6
    assert float(c.served_fraction.min()) > 0.0


@pytest.mark.parametrize(
    ("forecast", "demand", "phrase"),
    [
        ("oracle", None, "forecast = 'oracle': must be one of"),
        ("paths", None, "'paths' needs demand paths"),
        (np.ones(5), None, r"forecast = 'array of shape \(5,\)'"),
        (np.r_[np.ones(T - 1), np.inf], None, r"forecast\[119\] = inf"),
        (np.r_[0.0, np.ones(T - 1)], None, r"forecast\[0\] = 0.0"),
    ],
)
def test_bad_forecasts_are_refused(scenario, forecast, demand, phrase):
    with pytest.raises(cm.InputError, match=phrase):
        cm.simulate(scenario, paths=2, forecast=forecast, demand=demand)


class Halved:
    """Forecasts half the scenario's growth over the lead time (at least no decline)."""

    def growth(self, request):
        return np.maximum(1.0 + (request.model_growth - 1.0) / 2.0, 1.0)


cm.register_forecaster("halved", Halved())


def test_a_registered_forecaster_is_named_in_the_scenario(scenario, tmp_path):
    text = scenario.to_toml().replace('forecast = "auto"', 'forecast = "halved"')
    path = tmp_path / "halved.toml"
    path.write_text(text)
    halved = cm.load_scenario(path)
    assert halved.buyer.forecast == "halved"
    runs = [cm.simulate(halved, paths=10, seed=1, engine=e) for e in ("vector", "compiled", "des")]
    for other in runs[1:]:
        assert other.drop_attrs().identical(runs[0].drop_attrs())
    model = cm.simulate(scenario, paths=10, seed=1)
    # Less growth forecast: never more tendered in the first tender, less in total.
    first = runs[0].tender_quantity.isel(tender=0)
    assert (first <= model.tender_quantity.isel(tender=0) + 1e-12).all()
    assert float(runs[0].tender_quantity.sum()) < float(model.tender_quantity.sum())
    assert runs[0].attrs["forecast"] == "halved"


def test_forecasters_are_checked_when_registered_and_named(scenario):
    with pytest.raises(cm.InputError, match="growth"):
        cm.register_forecaster("nothing", object())
    with pytest.raises(cm.InputError, match="built-in"):
        cm.register_forecaster("model", Halved())
    with pytest.raises(cm.ScenarioError, match=r"buyer\.forecast = 'psychic'"):
        scenario.with_updates({"buyer.forecast": "psychic"})
