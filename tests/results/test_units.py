"""Units pint parses on every variable, conversions that come out right, CF axes."""

import numpy as np
import pytest

import computemarket as cm

pint_xarray = pytest.importorskip("pint_xarray")
cf_xarray = pytest.importorskip("cf_xarray")


@pytest.fixture(scope="module")
def ureg():
    return cm.unit_registry()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """One dataset of each kind the package returns."""
    results = cm.simulate(paths=4, seed=1)
    file = tmp_path_factory.mktemp("units") / "s.toml"
    file.write_text(
        '[sweep]\npaths = 3\n[design]\nkind = "grid"\n[[axes]]\n'
        'path = "providers.oracle.base_cost"\nvalues = [10.0, 12.0]\n'
    )
    return {
        "simulate": results,
        "summarize": cm.summarize(results),
        "simulate_summary": cm.simulate_summary(paths=4, seed=1),
        "compare": cm.compare(paths=4, seed=1, rules=["rofr", "open"]),
        "sweep": cm.sweep(file, engine="vector"),
        "tender_study": cm.tender_study("rofr", draws=50),
    }


@pytest.mark.parametrize(
    "kind", ["simulate", "summarize", "simulate_summary", "compare", "sweep", "tender_study"]
)
def test_every_numeric_variable_quantifies_with_pint(outputs, ureg, kind):
    ds = outputs[kind]
    numeric = [n for n, v in ds.data_vars.items() if v.dtype.kind in "fiu"]
    assert numeric
    missing = [n for n in numeric if not ds[n].attrs.get("units")]
    assert not missing, missing
    quantified = ds[numeric].pint.quantify(unit_registry=ureg)
    for name in numeric:
        assert isinstance(quantified[name].data, ureg.Quantity), name


def test_conversions_come_out_right(outputs, ureg):
    ds = outputs["simulate"][["spend", "bid", "lead_time", "demand"]].pint.quantify(
        unit_registry=ureg
    )
    spend = ds.spend.pint.to("USD")
    np.testing.assert_allclose(spend.pint.magnitude, outputs["simulate"].spend.values * 1e9)
    bid = ds.bid.pint.to("USD / kW / month").pint.magnitude
    np.testing.assert_allclose(bid, outputs["simulate"].bid.values * 1e9 / 1e6 / 12)
    assert ds.lead_time.pint.to("year").pint.units == ureg.year
    summary = outputs["summarize"][["shortfall_gw_months"]].pint.quantify(unit_registry=ureg)
    in_years = summary.shortfall_gw_months.pint.to("GW * year").pint.magnitude
    np.testing.assert_allclose(in_years, outputs["summarize"].shortfall_gw_months.values / 12)
    assert ureg.Quantity(1, outputs["summarize"].share.attrs["units"]).dimensionless


def test_sweep_axes_carry_their_parameters_units(outputs, ureg):
    axis = outputs["sweep"]["providers_oracle_base_cost"]
    assert ureg.parse_units(axis.attrs["units"]) == ureg.parse_units("GUSD / GW / year")


def test_cf_xarray_finds_the_time_axis(outputs):
    ds = outputs["simulate"]
    assert ds.cf.axes == {"T": ["time"]}
    assert ds.cf["time"].name == "time"


def test_tables_keep_short_labels(capsys, tmp_path):
    from computemarket.cli import main

    assert main(["run", "--paths", "3", "--summary-only", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "$B/GW-year" in text and "GUSD" not in text
