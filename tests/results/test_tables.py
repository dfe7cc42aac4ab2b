"""Tidy tables: one row per value of the level's variables, nothing crossed."""

import numpy as np
import pytest

import computemarket as cm


@pytest.fixture(scope="module")
def ds():
    return cm.simulate(paths=7, seed=3)


@pytest.mark.parametrize("level", ["time", "tender"])
def test_one_row_per_value_and_no_cartesian_blow_up(ds, level):
    table = cm.to_frame(ds, level)
    chosen = [n for n, v in ds.data_vars.items() if level in v.dims]
    assert sorted(table["variable"].unique()) == sorted(chosen)
    assert len(table) == sum(ds[n].size for n in chosen)
    assert len(table) < ds.to_dataframe().shape[0] * len(chosen)


def test_values_and_labels_match_the_dataset(ds):
    table = cm.to_frame(ds, "time")
    rows = table[(table.variable == "delivered") & (table.provider == "oracle")]
    expected = ds.delivered.sel(provider="oracle").transpose("path", "time").values.ravel()
    np.testing.assert_array_equal(rows.sort_values(["path", "time"]).value.values, expected)
    assert set(rows.units) == {"GW"}
    demand = table[table.variable == "demand"]
    assert demand.provider.isna().all() and len(demand) == ds.demand.size


def test_every_kind_of_result_has_its_level():
    summary = cm.summarize(cm.simulate(paths=4, seed=1))
    per_path = cm.to_frame(summary, "path")
    assert per_path.query("variable == 'share'").shape[0] == 4 * summary.sizes["provider"]
    stats = cm.to_frame(cm.compare(paths=5, seed=1, rules=["rofr"]), "statistic")
    assert set(stats.rule) == {"rofr", "open"} and "total_cost_diff_stats" in set(stats.variable)
    lab = cm.to_frame(cm.tender_study("open", draws=50), "draw")
    assert lab.query("variable == 'price'").shape[0] == 50


def test_bad_levels_are_refused(ds):
    with pytest.raises(cm.InputError, match="level = 'month'"):
        cm.to_frame(ds, "month")
    with pytest.raises(cm.InputError, match="no variable"):
        cm.to_frame(ds, "statistic")
