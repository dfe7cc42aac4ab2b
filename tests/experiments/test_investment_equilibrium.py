"""The investment equilibrium: checked by deviations simulated apart from the solver."""

import numpy as np
import pytest

import computemarket as cm
from computemarket.scenario.supply import annuity_factor

# Shell and power ~$12B/GW (CALIBRATION.md, suggested defaults), over a 15-year life; the
# providers' base cost is the baseline's less that annuity, with markups that keep the
# baseline's prices, so that capacity is not paid for twice.
FACILITY, LIFE = 12.0, 15.0
COSTS = {"azure": 11.5, "oracle": 11.0, "stargate": 11.0}
PATHS, SEED = 120, 11
#: Most gain from a deviation, as a share of the provider's profit (docs/economics.md).
TOLERANCE = 0.02


def _scenario(capex=FACILITY):
    annuity = FACILITY * annuity_factor(0.10, LIFE)
    updates = {"supply.mode": "investment"}
    for name, cost in COSTS.items():
        updates[f"providers.{name}.base_cost"] = cost - annuity
        updates[f"providers.{name}.markup"] = cost * 1.15 / (cost - annuity) - 1.0
        updates[f"providers.{name}.investment.capex_per_gw"] = capex
        updates[f"providers.{name}.investment.asset_life_years"] = LIFE
    return cm.load_scenario("baseline").with_updates(updates)


@pytest.fixture(scope="module")
def equilibrium():
    return cm.investment_equilibrium(_scenario(), paths=PATHS, seed=SEED)


def _profits(sc, seed, paths=PATHS):
    s = cm.simulate_summary(sc, paths=paths, seed=seed)
    return s.provider_profit.transpose("path", "provider").values


def test_the_solver_converges_with_a_small_epsilon(equilibrium):
    assert equilibrium.attrs["converged"] == 1
    assert 0.0 <= equilibrium.attrs["investment_epsilon"] <= TOLERANCE
    gains = equilibrium.deviation_gain
    build = [d for d in gains.deviation.values if not d.startswith("entry")]
    assert np.isfinite(gains.sel(deviation=build).values).all()
    assert np.isnan(gains.sel(deviation=["entry x0", "entry never"]).values).all()  # no entrants
    assert "build 0.25" in build  # a provider building nothing is tested too
    # The reported profit is that of the scenario it returns.
    sc = cm.Scenario.from_toml(equilibrium.attrs["scenario"])
    np.testing.assert_array_equal(_profits(sc, SEED).mean(axis=0), equilibrium.profit.values)


def test_no_provider_gains_from_deviating_on_fresh_paths(equilibrium):
    # Apart from the solver: its shares, other paths, deviations simulated directly.
    sc = cm.Scenario.from_toml(equilibrium.attrs["scenario"])
    seed = SEED + 1000
    base = _profits(sc, seed)
    worst = []
    for i, provider in enumerate(sc.providers):
        share = provider.investment.build_share
        lead = provider.investment.anticipation_months
        prefix = f"providers.{provider.name}.investment."
        for update in (
            {prefix + "build_share": share * 0.75},
            {prefix + "build_share": share * 1.25},
            {prefix + "anticipation_months": lead + 12},
            {prefix + "anticipation_months": lead - 12},
        ):
            paired = _profits(sc.with_updates(update), seed)[:, i] - base[:, i]
            se = paired.std(ddof=1) / np.sqrt(paired.size)
            gain = paired.mean() - 3.0 * se
            worst.append(gain / abs(base[:, i].mean()))
    assert max(worst) <= TOLERANCE, worst


def test_higher_capex_means_less_capacity(equilibrium):
    dear = cm.investment_equilibrium(_scenario(capex=2.5 * FACILITY), paths=PATHS, seed=SEED)
    assert (dear.build_share.values <= equilibrium.build_share.values).all()
    cheap_sc = cm.Scenario.from_toml(equilibrium.attrs["scenario"])
    dear_sc = cm.Scenario.from_toml(dear.attrs["scenario"])
    built = [
        cm.simulate_summary(s, paths=PATHS, seed=SEED).developed_gw.sum("provider").mean()
        for s in (cheap_sc, dear_sc)
    ]
    assert float(built[1]) < float(built[0])


def test_an_exogenous_scenario_is_refused_naming_the_field():
    with pytest.raises(cm.InputError, match=r"supply\.mode"):
        cm.investment_equilibrium(paths=5)


@pytest.mark.parametrize(
    "deviations",
    [
        [("share", -1.0)],
        [("share", float("inf"))],
        [("share", True)],
        [("build", 11.0)],
        [("timing", 1.5)],
        [("later", 1)],
        ["share"],
    ],
)
def test_bad_deviations_are_refused(deviations):
    with pytest.raises(cm.InputError, match="deviations"):
        cm.investment_equilibrium(_scenario(), paths=5, deviations=deviations)


def _with_entrant(cost):
    return _scenario().with_updates(
        {"providers.stargate.entry": {"cost": cost, "earliest": "2026-01", "threshold_gw": 1.0}}
    )


@pytest.mark.parametrize("cost", [2.0, 400.0])
def test_an_entrant_enters_only_when_entry_pays(cost):
    eq = cm.investment_equilibrium(_with_entrant(cost), paths=80, seed=SEED, rounds=4)
    sc = cm.Scenario.from_toml(eq.attrs["scenario"])
    summary = cm.simulate_summary(sc, paths=80, seed=SEED + 1000)  # fresh paths
    entered = np.isfinite(summary.entry_month.sel(provider="stargate").values)
    profit = summary.provider_profit.sel(provider="stargate").values
    # Staying out earns nothing: where it enters, entering must pay on average.
    if entered.any():
        assert profit.mean() >= -TOLERANCE * cost
    if cost == 400.0:  # more than it could ever earn here: it stays out
        assert not entered.any() and eq.entry_threshold.sel(provider="stargate") >= 1e5
    else:
        assert entered.mean() > 0.5
    assert eq.attrs["investment_epsilon"] <= TOLERANCE


def test_numpy_amounts_are_read_as_numbers():
    eq = cm.investment_equilibrium(
        _scenario(), paths=5, rounds=1, deviations=[("timing", np.int64(6)), ("build", 0.5)]
    )
    assert list(eq.deviation.values) == ["timing +6", "build 0.5"]


def test_compare_can_let_investment_respond_to_each_rule():
    kw = {"rules": ["exclusive", "open"], "paths": 40, "seed": SEED}
    fixed = cm.compare(_scenario(), **kw)
    responds = cm.compare(_scenario(), investment="equilibrium", solve_paths=40, **kw)
    # With policies fixed the outsiders' capacity cannot move; in equilibrium, under
    # exclusivity they sell nothing and so develop nothing beyond what was under way.
    diff = "outside_developed_gw_diff"
    assert float(abs(fixed[diff].sel(rule="exclusive")).max()) == 0.0
    assert float(responds[diff].sel(rule="exclusive").mean()) < -1.0
    assert responds.attrs["investment"] == "equilibrium"
    assert 0.0 <= responds.attrs["investment_epsilon"] <= TOLERANCE
    with pytest.raises(cm.InputError, match="investment"):
        cm.compare(_scenario(), investment="solved", **kw)


def test_an_entrant_best_responds_under_each_rule_of_the_schedule():
    # Exclusivity to 2028, then open: an entrant can sell nothing under the first rule.
    sc = _scenario().with_updates(
        {
            "contract.rule": "exclusive",
            "contract.changes": [{"date": "2028-01", "rule": "open"}],
            "providers.stargate.entry": {"cost": 2.0, "earliest": "2025-07", "threshold_gw": 1.0},
        }
    )
    eq = cm.investment_equilibrium(sc, paths=80, seed=SEED, rounds=4)
    assert list(eq.rule.values) == ["exclusive", "open"]
    thresholds = eq.entry_threshold.sel(provider="stargate")
    assert np.isnan(eq.entry_threshold.sel(provider="azure")).all()
    # It needs a larger forecast gap to enter while it cannot sell than once it can.
    assert float(thresholds.sel(rule="exclusive")) > float(thresholds.sel(rule="open"))
    # Apart from the solver: each rule's threshold moved alone, on fresh paths.
    solved = cm.Scenario.from_toml(eq.attrs["scenario"])
    seed, i = SEED + 1000, 2
    base = _profits(solved, seed, paths=80)[:, i]
    scale = max(abs(base.mean()), 2.0, 1.0)
    for rule in ("exclusive", "open"):
        own = float(thresholds.sel(rule=rule))
        for value in (0.0, own * 0.5, own * 2.0, 1e6):
            trial = solved.with_updates(
                {f"providers.stargate.entry.threshold_by_rule.{rule}": value}
            )
            paired = _profits(trial, seed, paths=80)[:, i] - base
            gain = paired.mean() - 3.0 * paired.std(ddof=1) / np.sqrt(paired.size)
            assert gain / scale <= TOLERANCE, (rule, value, gain)


def test_only_the_players_best_respond():
    sc = _with_entrant(2.0)
    eq = cm.investment_equilibrium(sc, paths=40, seed=SEED, rounds=2, players=["stargate"])
    assert eq.attrs["players"] == "stargate"
    start = {p.name: p.investment.build_share for p in sc.providers}
    for name in ("azure", "oracle"):  # not players: their policies stay, unmeasured
        assert float(eq.build_share.sel(provider=name)) == start[name]
        assert np.isnan(eq.deviation_gain.sel(provider=name)).all()
    assert np.isfinite(eq.deviation_gain.sel(provider="stargate", deviation="share x1.1"))
    # Its best response to the others' fixed policies: no listed deviation gains beyond 2%.
    assert eq.attrs["investment_epsilon"] <= TOLERANCE


@pytest.mark.parametrize("players", [["google"], ["oracle", "oracle"], [], "oracle"])
def test_bad_players_are_refused(players):
    with pytest.raises(cm.InputError, match="players"):
        cm.investment_equilibrium(_scenario(), paths=5, players=players)
