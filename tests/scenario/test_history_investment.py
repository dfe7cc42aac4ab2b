"""history_investment.toml: the default market with investment supply and AWS's entry decided."""

import numpy as np
import pytest

import computemarket as cm
from computemarket.testing import assert_results_equal


@pytest.fixture(scope="module")
def pair():
    return cm.load_scenario("history"), cm.load_scenario("history_investment")


def test_it_is_the_default_market_with_investment(pair):
    history, invested = pair
    assert invested.supply.mode == "investment"
    assert invested.contract == history.contract
    assert invested.initial_contracts == history.initial_contracts
    assert invested.provider_names == history.provider_names
    for old, new in zip(history.providers, invested.providers, strict=True):
        # The shell and power are capex now: base costs fall by the annuity, and the markups
        # keep history's cost-plus price within a cent per GW-year.
        annuity = new.investment.capex_per_gw * 0.1 / (1 - 1.1**-new.investment.asset_life_years)
        assert new.base_cost == pytest.approx(old.base_cost - annuity, abs=0.005)
        price = old.base_cost * (1 + old.markup)
        assert new.base_cost * (1 + new.markup) == pytest.approx(price, abs=0.01)
        assert new.cost_spread == old.cost_spread


def test_aws_entry_is_decided_not_typed_in(pair):
    _, invested = pair
    aws = invested.provider("aws")
    assert aws.entry is not None and aws.entry.earliest == invested.start
    assert aws.bids_from in (None, invested.start)
    # Its pipeline does not start at the observed date (November 2025).
    assert aws.capacity[0].date == invested.start and aws.capacity[0].gw > 0.0


def test_the_engines_agree_on_it(pair):
    _, invested = pair
    vector = cm.simulate(invested, paths=4, seed=11)
    assert_results_equal(vector, cm.simulate(invested, paths=4, seed=11, engine="des"))
    entered = cm.simulate_summary(invested, paths=200, seed=11).entry_month.sel(provider="aws")
    assert np.isfinite(entered.values).mean() > 0.5


def _profits(sc, paths=200, seed=97):
    summary = cm.simulate_summary(sc, paths=paths, seed=seed)
    return summary.provider_profit.transpose("path", "provider").values


def test_its_policies_are_an_equilibrium_on_fresh_paths(pair):
    # The file says its shares, anticipations and AWS's entry threshold are the equilibrium of
    # its schedule (solved on 200 paths, seed 1). Checked apart from the solver: other paths,
    # each provider's deviations simulated directly, gains less three paired standard errors
    # within 2% of the larger of its profit, its entry cost and $1B (docs/economics.md).
    _, sc = pair
    base = _profits(sc)
    worst = {}
    for i, provider in enumerate(sc.providers):
        share = provider.investment.build_share
        lead = provider.investment.anticipation_months
        prefix = f"providers.{provider.name}."
        deviations = {
            "share x0.75": {prefix + "investment.build_share": share * 0.75},
            "share x1.25": {prefix + "investment.build_share": share * 1.25},
            "a year later": {prefix + "investment.anticipation_months": lead + 12},
            "a year earlier": {prefix + "investment.anticipation_months": lead - 12},
        }
        scale = max(abs(base[:, i].mean()), 1.0)
        if provider.entry is not None:
            scale = max(scale, provider.entry.cost)
            for label, threshold in (("enter at once", 0.0), ("never", 1e6), ("twice", 2.0)):
                deviations[f"entry {label}"] = {prefix + "entry.threshold_gw": threshold}
        for label, update in deviations.items():
            paired = _profits(sc.with_updates(update))[:, i] - base[:, i]
            gain = paired.mean() - 3.0 * paired.std(ddof=1) / np.sqrt(paired.size)
            worst[f"{provider.name} {label}"] = gain / scale
    assert max(worst.values()) <= 0.02, sorted(worst.items(), key=lambda kv: -kv[1])[:3]
