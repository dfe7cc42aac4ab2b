"""The labelled results dataset: coordinates, units, round trips, user demand."""

import numpy as np
import pytest
import xarray as xr

import computemarket as cm
from computemarket.results.variables import VARIABLES


@pytest.fixture(scope="module")
def ds():
    return cm.simulate("baseline", paths=6, seed=4)


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
    assert cm.Scenario.from_dict(
        __import__("tomllib").loads(ds.attrs["scenario"])
    ) == cm.load_scenario("baseline")
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
