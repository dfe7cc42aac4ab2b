import numpy as np
import pytest
import xarray as xr

import computemarket as cm
from computemarket.cli import main
from computemarket.cli.tables import comparison_table
from conftest import two_providers


@pytest.fixture(scope="module")
def comparison():
    # The legacy baseline (the ROFR for ten years, three providers): the directions below
    # are its findings. Under the calibrated default the holder's gain from the ROFR is not
    # signed (it matches prices that use up headroom it would sell dearer later; issue 10).
    return cm.compare("baseline", paths=120, seed=3)


def test_rules_share_their_random_numbers(comparison):
    # Demand does not depend on the rule, so neither does its total: common random numbers.
    a = cm.simulate(
        cm.load_scenario("baseline").with_updates({"contract.rule": "open"}), paths=5, seed=3
    )
    b = cm.simulate(
        cm.load_scenario("baseline").with_updates({"contract.rule": "exclusive"}), paths=5, seed=3
    )
    np.testing.assert_array_equal(a.demand, b.demand)
    np.testing.assert_array_equal(a.cost, b.cost)
    assert list(comparison.rule.values) == ["exclusive", "rofr", "rofo", "open"]


def test_paired_differences(comparison):
    for name in ("unit_cost", "total_cost", "hhi", "served_fraction"):
        diff = comparison[f"{name}_diff"]
        expected = comparison[name] - comparison[name].sel(rule="open")
        xr.testing.assert_allclose(diff, expected)
        assert float(abs(comparison[f"{name}_diff"].sel(rule="open")).max()) == 0.0
        mean = comparison[f"{name}_diff_stats"].sel(statistic="mean")
        np.testing.assert_allclose(mean, diff.mean("path"))


def test_known_directions(comparison):
    diff = comparison.sel(statistic="mean")
    # Exclusivity concentrates supply and leaves demand unserved.
    assert float(diff.hhi_diff_stats.sel(rule="exclusive")) > 4000
    assert float(diff.served_fraction_diff_stats.sel(rule="exclusive")) < 0
    # The matching window delays outside capacity.
    assert float(diff.late_gw_months_diff_stats.sel(rule="rofr")) > 0
    # Under rofr the holder matches only prices that cover its cost, so it gains.
    assert float(diff.holder_surplus_diff_stats.sel(rule="rofr")) > 0


def test_bad_rules():
    with pytest.raises(cm.InputError, match="rules"):
        cm.compare(paths=2, rules=["auction"])
    with pytest.raises(cm.ScenarioError, match="holder"):
        cm.compare(
            cm.load_scenario("baseline").with_updates(
                {"contract.rule": "open", "contract.holder": None}
            ),
            paths=2,
            rules=["rofr"],
        )


def test_cli_compare(tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["compare", "--paths", "40", "--rules", "rofr,open", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "differences from 'open'" in text and "total_cost" in text and "±" in text
    assert sorted(p.name for p in out.iterdir()) == ["compare.nc", "compare.png"]
    assert xr.load_dataset(out / "compare.nc", engine="h5netcdf").sizes["rule"] == 2


def test_competition_metrics_by_hand():
    # One outsider cheaper than the holder, who has room: under rofr the holder matches.
    sc = two_providers("rofr", 1)
    data = sc.to_dict()
    data["providers"][0]["capacity"] = [{"date": "2030-01", "gw": 10.0}]
    data["providers"][0]["base_cost"] = 9.0  # holder: cost 9, quote 9.9
    data["providers"][1]["base_cost"] = 11.0  # outsider: cost 11, quote 12.1
    ds = cm.simulate(cm.Scenario.from_dict(data), paths=1, seed=0)
    s = cm.summarize(ds)
    assert float(s.holder_match_rate[0]) == 1.0
    assert np.isnan(float(s.holder_price_premium[0]))  # outsiders won nothing
    assert float(s.inefficient_award_rate[0]) == 0.0  # the holder is the cheaper provider
    assert float(s.hhi_contracted[0]) == pytest.approx(10_000)
    # The contract runs from month 3 (lead 3); the holder decided in month 1 (window 1)
    # and built in one month, so it is on time and earns 12.1 - 9 per GW-year on 1 GW
    # for months 3 to 11.
    assert float(s.holder_surplus[0]) == pytest.approx((12.1 - 9.0) * 9 / 12)
    assert float(s.outsider_surplus[0]) == 0.0
    assert float(s.late_gw_months[0]) == 0.0
    # The buyer values compute at 30 per GW-year (value_of_unmet) and pays 12.1.
    assert float(s.buyer_surplus[0]) == pytest.approx((30.0 - 12.1) * 9 / 12)


def test_inefficient_award_is_counted():
    # The holder is dearer than the outsider but matches a price above its cost.
    sc = two_providers("rofr", 1)
    data = sc.to_dict()
    data["providers"][0]["capacity"] = [{"date": "2030-01", "gw": 10.0}]
    data["providers"][0]["base_cost"] = 10.5  # holder cost 10.5
    data["providers"][1]["base_cost"] = 10.0  # outsider cost 10, quote 11
    s = cm.summarize(cm.simulate(cm.Scenario.from_dict(data), paths=1, seed=0))
    assert float(s.holder_match_rate[0]) == 1.0
    assert float(s.inefficient_award_rate[0]) == 1.0


def test_rule_arguments_are_named_in_errors():
    single = cm.compare(paths=5, seed=1, rules="rofr")
    assert single.rule.values.tolist() == ["rofr", "open"]
    with pytest.raises(cm.InputError, match="reference = 'none'"):
        cm.compare(paths=5, reference="none")
    with pytest.raises(cm.InputError, match="rules = 'rofx'"):
        cm.compare(paths=5, rules=["rofx"])


def test_strategic_rules_report_how_far_their_bids_are_from_equilibrium(comparison):
    # Own-type bids and the taker set's keep the solves fast; the attribute is the same.
    scenario = cm.load_scenario("baseline").with_updates(
        {
            "bidding.mode": "strategic",
            "bidding.intermediate": "taker_set",
            "bidding.equilibrium": "own_type",
        }
    )
    result = cm.compare(scenario, ["rofr", "open"], paths=4, seed=1)
    for rule in ("rofr", "open"):
        alone = cm.simulate(scenario.with_updates({"contract.rule": rule}), paths=4, seed=1)
        assert float(result.strategic_epsilon.sel(rule=rule)) == alone.attrs["strategic_epsilon"]
        share = float(result.strategic_epsilon_share.sel(rule=rule))
        assert share == alone.attrs["strategic_epsilon_share"] > 0
    # The taker set's bids leave every rule's intermediate tenders unsolved, and say so.
    assert result.strategic_unsolved_intermediate.values.tolist() == ["rofr", "open"]
    table = comparison_table(result, ("total_cost",), "open")
    assert "strategic_epsilon" in table and "rofr: rofr; open: open" in table
    # Cost-plus rules have no such gain.
    assert "strategic_epsilon" not in comparison
    assert "strategic_epsilon" not in comparison_table(comparison, ("total_cost",), "open")
