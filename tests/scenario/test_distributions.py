"""Per-provider cost distributions: by name in TOML, frozen from Python, or registered."""

import numpy as np
import pytest
from scipy import stats

import computemarket as cm
from computemarket.scenario.registry import register


class _Triangle(stats.rv_continuous):
    """A distribution scipy does not name: triangular on [9, 13] with mode 10."""

    def _pdf(self, x):
        return np.where(x < 10.0, (x - 9.0) / 2.0, (13.0 - x) / 6.0) * ((x >= 9) & (x <= 13))

    def _cdf(self, x):
        left = (x - 9.0) ** 2 / 4.0
        right = 1.0 - (13.0 - x) ** 2 / 12.0
        return np.clip(np.where(x < 10.0, left, right), 0.0, 1.0)

    def _ppf(self, q):
        return np.where(q < 0.25, 9.0 + np.sqrt(4.0 * q), 13.0 - np.sqrt(12.0 * (1.0 - q)))


register("cost", "triangle_9_13", _Triangle(a=9.0, b=13.0, name="triangle").freeze())


def test_a_toml_table_names_a_scipy_distribution(tmp_path):
    text = cm.load_scenario("open").to_toml()
    text = text.replace(
        'name = "oracle"',
        'name = "oracle"\ncost = { distribution = "uniform", loc = 5.0, scale = 1.0 }',
    )
    path = tmp_path / "own.toml"
    path.write_text(text)
    scenario = cm.load_scenario(path)
    assert scenario.providers[1].cost == {"distribution": "uniform", "loc": 5.0, "scale": 1.0}
    ds = cm.simulate(scenario, paths=400, seed=1)
    oracle = ds.cost.sel(provider="oracle").values.ravel()
    assert oracle.min() >= 5.0 and oracle.max() <= 6.0
    assert stats.kstest(oracle, stats.uniform(5.0, 1.0).cdf).pvalue > 1e-3
    # The others keep base cost times the scenario's shock.
    azure = ds.cost.sel(provider="azure").values.ravel()
    assert abs(azure.mean() / scenario.providers[0].base_cost - 1.0) < 0.01


def test_a_cheaper_distribution_wins_more_of_the_market():
    base = cm.load_scenario("open")
    cheap = base.with_updates({"providers.oracle.cost": stats.uniform(5.0, 1.0)})
    share = {
        name: float(
            cm.simulate_summary(s, paths=200, seed=1).share_stats.sel(
                provider="oracle", statistic="mean"
            )
        )
        for name, s in (("base", base), ("cheap", cheap))
    }
    assert share["cheap"] > share["base"]


@pytest.mark.parametrize("mode", ["cost_plus", "strategic"])
def test_every_engine_draws_the_same_costs_and_bids(mode):
    # Two providers, so that the snapped states of strategic bidding solve in seconds.
    data = cm.load_scenario("open").to_dict()
    data["providers"] = data["providers"][:2]
    scenario = cm.Scenario.from_dict(data).with_updates(
        {"providers.oracle.cost": stats.gamma(16.0, scale=0.7), "bidding.mode": mode}
    )
    runs = [
        cm.simulate(scenario, paths=20, seed=3, engine=e) for e in ("vector", "compiled", "des")
    ]
    for other in runs[1:]:
        assert other.drop_attrs().identical(runs[0].drop_attrs())
    assert (runs[0].bid >= runs[0].cost - 1e-12).all()


def test_frozen_distributions_round_trip_through_toml():
    scenario = cm.load_scenario("baseline").with_updates(
        {"providers.stargate.cost": stats.lognorm(0.2, scale=11.0)}
    )
    again = cm.Scenario.from_dict(__import__("tomllib").loads(scenario.to_toml()))
    assert again == scenario
    assert scenario.providers[2].cost == {"distribution": "lognorm", "s": 0.2, "scale": 11.0}


def test_a_registered_distribution_is_named_alone():
    scenario = cm.load_scenario("open").with_updates(
        {"providers.azure.cost": {"distribution": "triangle_9_13"}}
    )
    ds = cm.simulate(scenario, paths=300, seed=1)
    azure = ds.cost.sel(provider="azure").values.ravel()
    assert azure.min() >= 9.0 and azure.max() <= 13.0
    assert abs(np.median(azure) - (13.0 - np.sqrt(6.0))) < 0.1


@pytest.mark.parametrize(
    ("table", "phrase"),
    [
        ({"distribution": "nope"}, "not a continuous scipy.stats distribution"),
        ({"distribution": "poisson", "mu": 3.0}, "not a continuous scipy.stats distribution"),
        ({"distribution": "gamma", "b": 1.0}, "'b' is not a parameter of gamma"),
        ({"distribution": "gamma", "a": float("inf")}, "must be finite"),
        ({"distribution": "norm", "loc": 1.0}, "must lie in"),
        ({"distribution": "triangle_9_13", "loc": 1.0}, "takes no parameters"),
        ({"loc": 1.0}, "needs distribution"),
    ],
)
def test_bad_distributions_are_refused_naming_the_field(table, phrase):
    with pytest.raises(cm.ScenarioError, match=r"providers\[1\]\.cost") as info:
        cm.load_scenario("baseline").with_updates({"providers.oracle.cost": table})
    assert phrase in str(info.value)
