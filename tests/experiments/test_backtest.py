"""The backtest: facts against the model's bands, its measures, its command."""

import numpy as np
import pytest

import computemarket as cm
from computemarket.cli import main
from computemarket.errors import InputError
from computemarket.experiments.backtest import FACTS, Fact, backtest, backtest_table, fact_values


@pytest.fixture(scope="module")
def result():
    return backtest(paths=300)


def test_every_p_graded_fact_lies_in_the_default_scenarios_band(result):
    graded = result.sel(fact=(result.grade == "P") & result.tested)
    assert graded.sizes["fact"] >= 7
    outside = graded.fact.values[~graded.inside.values]
    assert outside.size == 0, f"P-graded facts outside the model's 90% band: {list(outside)}"


def test_the_band_brackets_the_median_and_inside_means_the_ranges_meet(result):
    median = result["median"]
    assert (result.p05 <= median).all() and (median <= result.p95).all()
    meets = (result.p95 >= result.low) & (result.p05 <= result.high)
    assert (meets == result.inside).all()
    assert set(result.fact.values) == {f.name for f in FACTS}


def test_a_fact_the_model_misses_is_reported_outside():
    far = Fact("impossible", "test", "P", "online", "2025-12", "2025-12", 50.0, 60.0)
    one = backtest(paths=20, seed=1, facts=(far,))
    assert not bool(one.inside.sel(fact="impossible"))
    assert "NO" in backtest_table(one) and "**no**" in backtest_table(one, markdown=True)


def test_measures_follow_their_definitions():
    sc = cm.load_scenario()
    ds = cm.simulate(sc, paths=30, seed=5)
    delivered = ds.delivered.sum("provider")
    online = Fact("x", "t", "R", "online", "2027-06", "2027-06", 0, 1)
    np.testing.assert_array_equal(fact_values(ds, online), delivered.sel(time="2027-06-01").values)
    rise = Fact("x", "t", "R", "rise", "2027-01", "2027-06", 0, 1, ("oracle",))
    oracle = ds.delivered.sel(provider="oracle")
    expected = oracle.sel(time="2027-06-01").values - oracle.sel(time="2026-12-01").values
    np.testing.assert_allclose(fact_values(ds, rise), expected)
    spend = Fact("x", "t", "R", "spend", "2026-01", "2026-12", 0, 1, ("azure",))
    azure = ds.spend.sel(provider="azure", time=slice("2026-01", "2026-12")).sum("time")
    np.testing.assert_allclose(fact_values(ds, spend), azure.values)
    # Over the whole market, spend includes compute bought elsewhere at its price.
    whole = Fact("x", "t", "R", "spend", "2026-01", "2026-12", 0, 1)
    bought = np.minimum(ds.shortfall.sel(time=slice("2026-01", "2026-12")), 0.5).sum("time")
    total = ds.spend.sel(time=slice("2026-01", "2026-12")).sum(("time", "provider"))
    np.testing.assert_allclose(fact_values(ds, whole), (total + bought * 15.0 / 12.0).values)
    # Contracted: initial contracts plus the awards of tenders decided by then.
    contracted = Fact("x", "t", "P", "contracted", "2026-04", "2026-04", 0, 1)
    decided = ds.tender_decided.values <= np.datetime64("2026-04-01")
    awards = ds.award.isel(tender=np.flatnonzero(decided)).sum(("tender", "provider"))
    initial = sum(c.gw for c in sc.initial_contracts)
    np.testing.assert_allclose(fact_values(ds, contracted), initial + awards.values)
    # Signed: the awards of tenders decided within the months, nothing else.
    signed = Fact("x", "t", "P", "signed", "2026-01", "2026-12", 0, 1, ("aws",))
    months = ds.tender_decided.values
    within = (months >= np.datetime64("2026-01-01")) & (months <= np.datetime64("2026-12-01"))
    aws = ds.award.sel(provider="aws").isel(tender=np.flatnonzero(within)).sum("tender")
    np.testing.assert_allclose(fact_values(ds, signed), aws.values)
    assert float(aws.mean()) > 0


@pytest.mark.parametrize(
    ("fact", "field"),
    [
        (Fact("x", "t", "P", "online", "2040-01", "2040-01", 0, 1), "fact 'x' end"),
        (Fact("x", "t", "P", "online", "2025-01", "2025-01", 0, 1, ("google",)), "fact 'x'"),
        (Fact("x", "t", "P", "volume", "2025-01", "2025-01", 0, 1), "fact 'x'.measure"),
    ],
)
def test_bad_facts_name_the_field(fact, field):
    ds = cm.simulate(paths=2, seed=1)
    with pytest.raises(InputError, match="must") as info:
        fact_values(ds, fact)
    assert str(info.value).startswith(field)


def test_the_command_prints_the_table_and_strict_fails_on_a_missed_fact(tmp_path, capsys):
    assert main(["backtest", "--paths", "200", "--strict"]) == 0
    out = capsys.readouterr().out
    assert "contracted by April 2026" in out and "model 90% band" in out
    # Without its initial contracts Azure earns far less in FY26: the check fails.
    bare = tmp_path / "bare.toml"
    bare.write_text('base = "history"\nname = "bare"\ninitial_contracts = []\n')
    assert main(["backtest", str(bare), "--paths", "50", "--strict"]) == 1
    assert "Microsoft FY26" in capsys.readouterr().out.split("outside the band:")[1]


def test_calibration_md_is_generated_from_the_files():
    # docs/calibration.md's tables of the default's numbers and of the backtest are
    # written by docs/calibration_tables.py; run it after changing either.
    import importlib.util
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs"
    spec = importlib.util.spec_from_file_location(
        "calibration_tables", docs / "calibration_tables.py"
    )
    tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tables)
    text = (docs / "calibration.md").read_text()
    assert tables.render(text) == text, "run: python docs/calibration_tables.py"
    rows = tables.history_rows()
    assert len(rows) > 60 and all(source for _, _, source in rows)


def test_a_window_that_ends_before_it_starts_is_refused():
    ds = cm.simulate(paths=2, seed=1)
    backwards = Fact("x", "t", "R", "spend", "2026-12", "2026-01", 0, 1)
    with pytest.raises(InputError, match="start = '2026-12': must not come after end 2026-01"):
        fact_values(ds, backwards)
