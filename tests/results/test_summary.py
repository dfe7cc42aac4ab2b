"""Headline metrics and their statistics across paths."""

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

import computemarket as cm


@pytest.fixture(scope="module")
def ds():
    return cm.simulate(paths=6, seed=4)


def test_summary_statistics(ds):
    s = cm.summarize(ds)
    for name in (
        "total_spend",
        "unit_cost",
        "shortfall_gw_months",
        "unmet_cost",
        "total_cost",
        "revenue",
        "share",
        "hhi",
        "holder_match_rate",
        "served_fraction",
    ):
        assert name in s and f"{name}_stats" in s
        assert s[name].attrs["units"]
    mean = s.total_spend_stats.sel(statistic="mean")
    assert float(mean) == pytest.approx(float(s.total_spend.mean()))
    se = float(s.total_spend_stats.sel(statistic="std_error"))
    assert se == pytest.approx(float(s.total_spend.std(ddof=1)) / np.sqrt(6))
    q = s.total_spend_stats.sel(statistic=["q05", "q50", "q95"]).values
    assert q[0] <= q[1] <= q[2]
    np.testing.assert_allclose(s.share.sum("provider"), 1.0)
    assert ((s.hhi >= 10_000 / s.sizes["provider"] - 1e-6) & (s.hhi <= 10_000)).all()
    np.testing.assert_allclose(s.total_cost, s.total_spend + s.unmet_cost)
    np.testing.assert_allclose(s.revenue.sum("provider"), s.total_spend)


def test_summary_of_one_path_has_no_standard_error():
    s = cm.summarize(cm.simulate(paths=1, seed=0))
    assert np.isnan(float(s.total_spend_stats.sel(statistic="std_error")))
    assert float(s.total_spend_stats.sel(statistic="mean")) == float(s.total_spend[0])


def test_summary_refuses_other_datasets():
    with pytest.raises(cm.InputError, match="results dataset"):
        cm.summarize(xr.Dataset({"x": ("a", [1.0])}))


@settings(max_examples=8)
@given(paths=st.integers(1, 40), chunk=st.integers(1, 40))
def test_summary_does_not_depend_on_chunking(paths, chunk):
    """A chunk of one path used to sum its months pairwise and move metrics by 1e-16."""
    summary = cm.simulate_summary("baseline", paths=paths, seed=1, chunk_paths=chunk)
    whole = cm.summarize(cm.simulate("baseline", paths=paths, seed=1))
    xr.testing.assert_identical(summary, whole)


def test_a_last_chunk_of_one_path_gives_the_same_summary():
    summary = cm.simulate_summary("baseline", paths=2049, seed=1)
    assert summary.identical(cm.summarize(cm.simulate("baseline", paths=2049, seed=1)))
