import numpy as np
import pytest
import xarray as xr

import computemarket as cm
from computemarket.results.variables import VARIABLES


@pytest.fixture(scope="module")
def ds():
    return cm.simulate(paths=6, seed=4)


def test_coordinates_variables_and_attributes(ds):
    assert set(ds.dims) == {"path", "time", "provider", "tender"}
    assert ds.sizes["time"] == 120
    assert str(ds.time.values[0])[:10] == "2025-01-01"
    assert list(ds.provider.values) == ["azure", "oracle", "stargate"]
    for name in VARIABLES:
        assert name in ds
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"], name
    assert ds.attrs["seed"] == 4 and ds.attrs["engine"] == "vector"
    assert ds.attrs["computemarket_version"] == cm.__version__
    assert (
        cm.Scenario.from_dict(__import__("tomllib").loads(ds.attrs["scenario"]))
        == cm.load_scenario()
    )
    assert set(ds.tender_rule.values) == {"rofr"}


def test_netcdf_round_trip_is_identical(ds, tmp_path):
    path = tmp_path / "r.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    assert xr.load_dataset(path, engine="h5netcdf").identical(ds)


def test_price_is_spend_over_delivered(ds):
    delivered = ds.delivered.values
    price = ds.price.values
    assert np.isnan(price[delivered == 0]).all()
    on = delivered > 0
    np.testing.assert_allclose(price[on] * delivered[on] / 12, ds.spend.values[on])


def test_user_demand_replaces_the_demand_process():
    months = 120
    demand = np.linspace(1.0, 5.0, months)[None, :] * np.array([[1.0], [2.0]])
    ds = cm.simulate(demand=demand, seed=1)
    assert ds.sizes["path"] == 2
    np.testing.assert_array_equal(ds.demand.values, demand)
    da = xr.DataArray(demand.T, dims=("time", "path"), coords={"time": ds.time.values})
    again = cm.simulate(demand=da, seed=1)
    assert again.identical(ds)


@pytest.mark.parametrize(
    ("demand", "kwargs", "phrase"),
    [
        (np.ones((2, 50)), {}, "must have shape"),
        (np.ones(120), {}, "must have shape (paths, 120)"),
        (-np.ones((1, 120)), {}, "demand[0, 0]"),
        (np.full((1, 120), np.nan), {}, "finite"),
        (np.ones((2, 120)), {"paths": 3}, "must match the 2 demand paths"),
        (xr.DataArray(np.ones((2, 120)), dims=("a", "b")), {}, "dims"),
        (
            xr.DataArray(
                np.ones((1, 120)),
                dims=("path", "time"),
                coords={"time": np.arange("2026-01", "2036-01", dtype="datetime64[M]")},
            ),
            {},
            "scenario's months",
        ),
    ],
)
def test_bad_user_demand_is_refused_clearly(demand, kwargs, phrase):
    with pytest.raises(cm.InputError) as info:
        cm.simulate(demand=demand, **kwargs)
    assert phrase in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"paths": 0}, "paths"),
        ({"paths": 2.5}, "paths"),
        ({"seed": -1}, "seed"),
        ({"engine": "warp"}, "engine"),
    ],
)
def test_bad_arguments_are_refused_clearly(kwargs, phrase):
    with pytest.raises(cm.InputError, match=phrase):
        cm.simulate(**kwargs)


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
    assert ((s.hhi >= 10_000 / 3 - 1e-6) & (s.hhi <= 10_000)).all()
    np.testing.assert_allclose(s.total_cost, s.total_spend + s.unmet_cost)
    np.testing.assert_allclose(s.revenue.sum("provider"), s.total_spend)


def test_summary_of_one_path_has_no_standard_error():
    s = cm.summarize(cm.simulate(paths=1, seed=0))
    assert np.isnan(float(s.total_spend_stats.sel(statistic="std_error")))
    assert float(s.total_spend_stats.sel(statistic="mean")) == float(s.total_spend[0])


def test_summary_refuses_other_datasets():
    with pytest.raises(cm.InputError, match="results dataset"):
        cm.summarize(xr.Dataset({"x": ("a", [1.0])}))
