"""A provider's first tender (providers[].bids_from): no headroom, so no award, before it."""

import numpy as np
import pytest
import xarray as xr

import computemarket as cm
from computemarket.testing import assert_results_equal


def _dated():
    return cm.load_scenario("baseline").with_updates(
        {"contract.rule": "open", "providers.oracle.bids_from": "2027-01"}
    )


def test_no_award_or_headroom_before_the_first_tender_and_awards_after():
    ds = cm.simulate(_dated(), paths=100, seed=2)
    issued = ds.tender_issued.values
    before = issued < np.datetime64("2027-01-01")
    oracle = ds.sel(provider="oracle")
    assert (oracle.award.isel(tender=np.flatnonzero(before)) == 0).all()
    assert (oracle.headroom.isel(tender=np.flatnonzero(before)) == 0).all()
    assert float(oracle.award.isel(tender=np.flatnonzero(~before)).sum()) > 0
    # Without the date, Oracle wins in those early tenders.
    free = cm.simulate(
        _dated().with_updates({"providers.oracle.bids_from": None}), paths=100, seed=2
    )
    assert float(free.award.sel(provider="oracle").isel(tender=np.flatnonzero(before)).sum()) > 0


def test_a_date_before_the_start_changes_nothing():
    base = cm.load_scenario("baseline")
    early = base.with_updates({"providers.oracle.bids_from": "2024-01"})
    a, b = cm.simulate(base, paths=20, seed=1), cm.simulate(early, paths=20, seed=1)
    assert b.bids_from.sel(provider="oracle") == -12  # months from the start, as given
    xr.testing.assert_equal(a.drop_vars("bids_from"), b.drop_vars("bids_from"))


@pytest.mark.parametrize("engine", ["compiled", "des"])
def test_engines_agree_bit_for_bit_with_a_dated_provider(engine):
    sc = _dated().with_updates({"contract.rule": "rofr", "providers.azure.bids_from": "2026-01"})
    assert_results_equal(
        cm.simulate(sc, paths=10, seed=4), cm.simulate(sc, paths=10, seed=4, engine=engine)
    )


def test_entry_month_is_the_first_tender_and_a_date_past_the_horizon_never_enters():
    sc = _dated().with_updates({"providers.stargate.bids_from": "2040-01"})
    summary = cm.summarize(cm.simulate(sc, paths=5, seed=3))
    month = summary.entry_month.isel(path=0)
    assert float(month.sel(provider="oracle")) == 24.0  # 2027-01, two years after 2025-01
    assert float(month.sel(provider="azure")) == 0.0
    assert np.isnan(month.sel(provider="stargate"))
    assert (summary.providers_in_market == 2).all()


def test_metrics_of_some_providers_keep_their_dates():
    # The dates travel with the provider coordinate, so a selection keeps them.
    ds = cm.simulate(_dated(), paths=4, seed=1)
    summary = cm.summarize(ds.sel(provider=["stargate", "oracle"]))
    assert summary.entry_month.sel(provider="oracle").values.tolist() == [24.0] * 4
