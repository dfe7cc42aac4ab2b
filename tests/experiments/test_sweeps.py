"""Sweeps: designs, validation before work, executors, durable store, kill and resume."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import computemarket as cm
from computemarket.cli import main
from computemarket.experiments.sweep_file import load_sweep
from computemarket.experiments.sweeps import sweep

ROOT = Path(__file__).resolve().parents[2]
BASE = str(ROOT / "scenarios" / "baseline.toml")


def _write(tmp_path, body, name="s.toml", paths=20, settings=""):
    path = tmp_path / name
    header = f'[sweep]\nname = "t"\nbase = "{BASE}"\npaths = {paths}\nseed = 3\n{settings}'
    path.write_text(header + body)
    return path


GRID = """
[design]
kind = "grid"
[[axes]]
path = "contract.window_months"
values = [0, 3, 6]
[[axes]]
path = "providers.oracle.base_cost"
values = [10.0, 12.0]
"""


def test_grid_has_a_dimension_per_axis(tmp_path):
    result = sweep(_write(tmp_path, GRID))
    assert result.unit_cost_stats.dims == (
        "statistic",
        "contract_window_months",
        "providers_oracle_base_cost",
    )
    assert result.contract_window_months.values.tolist() == [0, 3, 6]
    assert result.contract_window_months.attrs["parameter"] == "contract.window_months"
    # Each point equals a direct run of its scenario with the sweep's seed.
    direct = cm.simulate_summary(
        cm.load_scenario("baseline").with_updates(
            {"contract.window_months": 3, "providers.oracle.base_cost": 12.0}
        ),
        paths=20,
        seed=3,
    )
    point = result.sel(contract_window_months=3, providers_oracle_base_cost=12.0)
    np.testing.assert_array_equal(point.unit_cost_stats, direct.unit_cost_stats)


def test_zip_lhs_and_sobol_designs(tmp_path):
    zipped = load_sweep(
        _write(
            tmp_path,
            """
[design]
kind = "zip"
[[axes]]
path = "contract.window_months"
values = [0, 3]
[[axes]]
path = "buyer.term_months"
values = [36, 60]
""",
            "z.toml",
        )
    )
    assert [p.updates for p in zipped.points] == [
        {"contract.window_months": 0, "buyer.term_months": 36},
        {"contract.window_months": 3, "buyer.term_months": 60},
    ]
    sampled = """
[design]
kind = "{kind}"
samples = 8
[[axes]]
path = "demand.volatility"
low = 0.1
high = 0.5
[[axes]]
path = "contract.window_months"
low = 0
high = 12
"""
    lhs = load_sweep(_write(tmp_path, sampled.replace("{kind}", "lhs"), "l.toml"))
    assert len(lhs.points) == 8
    values = [p.updates["demand.volatility"] for p in lhs.points]
    assert all(0.1 <= v <= 0.5 for v in values)
    assert all(isinstance(p.updates["contract.window_months"], int) for p in lhs.points)
    sobol = load_sweep(_write(tmp_path, sampled.replace("{kind}", "sobol"), "b.toml"))
    assert len(sobol.points) == 8 * (2 + 2)  # Saltelli: N (D + 2) without second order


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        (
            GRID.replace("contract.window_months", "contract.windw_months"),
            "no parameter 'windw_months'",
        ),
        (
            GRID.replace("values = [0, 3, 6]", "values = [0, 3, 60]"),
            "must not exceed buyer.lead_months",
        ),
        (
            '\n[design]\nkind = "lhs"\n[[axes]]\npath = "demand.volatility"\n'
            "low = 0.5\nhigh = 0.1\n",
            "must be above low",
        ),
        (
            '\n[design]\nkind = "sobol"\n[[axes]]\npath = "demand.volatility"\n'
            "low = 0.1\nhigh = 0.5\n",
            "needs a sample count",
        ),
        (
            '\n[design]\nkind = "zip"\n[[axes]]\npath = "demand.volatility"\nvalues = [0.1]\n'
            '[[axes]]\npath = "buyer.term_months"\nvalues = [12, 24]\n',
            "equally long",
        ),
        (
            '\n[design]\nkind = "random"\n[[axes]]\npath = "demand.volatility"\nvalues = [0.1]\n',
            "design.kind",
        ),
    ],
)
def test_bad_sweep_files_exit_2_before_any_work(tmp_path, capsys, body, phrase):
    out = tmp_path / "store"
    assert main(["sweep", str(_write(tmp_path, body)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert phrase in err and "Traceback" not in err
    assert not out.exists()


def test_executors_give_identical_results(tmp_path):
    spec = load_sweep(_write(tmp_path, GRID))
    serial = sweep(spec)
    processes = sweep(spec, executor="processes", workers=2)
    assert processes.identical(serial)
    from distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        with Client(cluster) as client:
            dask = sweep(spec, executor=client)
    assert dask.identical(serial)


def test_independent_streams_on_request(tmp_path):
    independent = "common_random_numbers = false\n"
    spec = load_sweep(_write(tmp_path, GRID, settings=independent))
    seeds = {p.seed for p in spec.points}
    assert len(seeds) == len(spec.points)
    again = load_sweep(_write(tmp_path, GRID, "again.toml", settings=independent))
    assert [p.seed for p in again.points] == [p.seed for p in spec.points]


def test_failing_points_are_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    import computemarket.experiments.sweeps as sweep_module

    real = sweep_module.summary_statistics

    def flaky(scenario, **kwargs):
        if scenario.demand.volatility > 0.4:
            raise RuntimeError("solver blew up")
        return real(scenario, **kwargs)

    monkeypatch.setattr(sweep_module, "summary_statistics", flaky)
    body = """
[design]
kind = "zip"
[[axes]]
path = "demand.volatility"
values = [0.2, 0.5]
"""
    store = tmp_path / "store"
    result = sweep(_write(tmp_path, body), store=store)
    assert result.attrs["failed_points"] == 1
    assert result.failed.values.tolist() == [False, True]
    assert "RuntimeError: solver blew up" in str(result.error.values[1])
    assert np.isnan(result.unit_cost_stats.isel(point=1)).all()
    assert (store / "failed" / "0000001.json").exists()


def test_store_refuses_to_overwrite_and_checks_the_sweep(tmp_path):
    path = _write(tmp_path, GRID)
    store = tmp_path / "store"
    sweep(path, store=store)
    with pytest.raises(cm.InputError, match="already holds this sweep"):
        sweep(path, store=store)
    other = _write(tmp_path, GRID.replace("[0, 3, 6]", "[0, 3]"), "other.toml")
    with pytest.raises(cm.InputError, match="different sweep"):
        sweep(other, store=store, resume=True)


def test_killed_sweep_resumes_to_identical_results(tmp_path):
    body = GRID.replace("values = [0, 3, 6]", "values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]")
    path = _write(tmp_path, body, paths=300)
    store = tmp_path / "store"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "computemarket",
            "sweep",
            str(path),
            "--out",
            str(store),
            "--checkpoint-every",
            "0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        done = list((store / "points").glob("*.nc")) if (store / "points").exists() else []
        if len(done) >= 4:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = len(list((store / "points").glob("*.nc")))
    assert 4 <= finished < 20, "the sweep should have been killed part way"
    assert not (store / "result.nc").exists()
    assert main(["sweep", str(path), "--out", str(store), "--resume"]) == 0
    resumed = xr.load_dataset(store / "result.nc", engine="h5netcdf")
    uninterrupted = sweep(path)
    xr.testing.assert_identical(resumed.drop_vars("error"), uninterrupted.drop_vars("error"))
    assert not list((store / "points").glob(".*.tmp"))


def test_results_keep_units_and_sensitivity_runs(tmp_path, capsys):
    from computemarket.experiments.sensitivity import plot_response, sobol_indices

    grid = sweep(_write(tmp_path, GRID))
    assert grid.unit_cost_stats.attrs["units"] == "GUSD / GW / year"
    plot_response(grid)  # two axes: a line per value of the second
    body = """
[design]
kind = "sobol"
samples = 16
[[axes]]
path = "providers.azure.base_cost"
low = 9.0
high = 14.0
[[axes]]
path = "demand.volatility"
low = 0.1
high = 0.4
"""
    out = tmp_path / "sobol"
    assert main(["sweep", str(_write(tmp_path, body, "b.toml")), "--out", str(out)]) == 0
    assert "Sobol indices" in capsys.readouterr().out
    assert (out / "sobol.png").exists()
    indices = sobol_indices(xr.load_dataset(out / "result.nc", engine="h5netcdf"), ["unit_cost"])
    # Azure's cost drives its price and so the unit cost; volatility matters less.
    row = indices.sel(metric="unit_cost")
    assert float(row.ST.sel(parameter="providers.azure.base_cost")) > float(
        row.ST.sel(parameter="demand.volatility")
    )
    with pytest.raises(cm.InputError, match="sobol"):
        sobol_indices(grid)


def test_full_time_series_on_request(tmp_path):
    path = _write(tmp_path, GRID, settings='keep = "full"\n', paths=3)
    result = sweep(path, store=tmp_path / "store")
    assert set(result.demand.dims) == {
        "path",
        "time",
        "contract_window_months",
        "providers_oracle_base_cost",
    }
    direct = cm.simulate(
        cm.load_scenario("baseline").with_updates(
            {"contract.window_months": 6, "providers.oracle.base_cost": 10.0}
        ),
        paths=3,
        seed=3,
    )
    point = result.sel(contract_window_months=6, providers_oracle_base_cost=10.0)
    np.testing.assert_array_equal(
        point.delivered.transpose(*direct.delivered.dims), direct.delivered
    )
    assert point.unit_cost_stats.attrs["units"] == "GUSD / GW / year"


def test_one_axis_grid_and_duplicate_values(tmp_path, capsys):
    body = """
[design]
kind = "grid"
[[axes]]
path = "contract.rule"
values = ["rofr", "open"]
"""
    result = sweep(_write(tmp_path, body))
    assert result.unit_cost_stats.dims == ("statistic", "contract_rule")
    assert result.contract_rule.values.tolist() == ["rofr", "open"]
    duplicate = _write(tmp_path, GRID.replace("[0, 3, 6]", "[3, 3]"), "dup.toml")
    assert main(["sweep", str(duplicate), "--out", str(tmp_path / "o")]) == 2
    assert "grid values must be distinct" in capsys.readouterr().err


def test_batches_of_points_resume_to_identical_results(tmp_path):
    body = """
[design]
kind = "zip"
[[axes]]
path = "contract.window_months"
values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
"""
    path = _write(tmp_path, body, paths=10)
    one_batch = sweep(path, store=tmp_path / "a", checkpoint_seconds=3600)
    assert len(list((tmp_path / "a" / "points").glob("*.nc"))) == 1
    store = tmp_path / "b"
    each = sweep(path, store=store, checkpoint_seconds=0, engine="vector")
    files = sorted((store / "points").glob("*.nc"))
    assert len(files) == 12
    xr.testing.assert_identical(each, one_batch)
    # As if killed before a third of the points were written: only those are recomputed.
    (store / "result.nc").unlink()
    for lost in files[::3]:
        lost.unlink()
    done = []
    resumed = sweep(
        path,
        store=store,
        resume=True,
        checkpoint_seconds=3600,
        progress=lambda d, t: done.append(d),
    )
    assert done[0] == 8
    xr.testing.assert_identical(resumed, one_batch)


@pytest.mark.parametrize(
    ("option", "phrase"),
    [
        ({"checkpoint_seconds": -1}, "checkpoint_seconds"),
        ({"checkpoint_seconds": "5"}, "checkpoint_seconds"),
        ({"engine": "fortran"}, "engine"),
    ],
)
def test_bad_sweep_options_are_refused(tmp_path, option, phrase):
    with pytest.raises(cm.InputError, match=phrase):
        sweep(_write(tmp_path, GRID, paths=2), **option)


def test_every_engine_gives_the_same_sweep(tmp_path):
    spec = load_sweep(_write(tmp_path, GRID, paths=30))
    vector = sweep(spec, engine="vector")
    assert sweep(spec, engine="compiled").identical(vector)
    assert sweep(spec).identical(vector)


def test_an_unknown_executor_is_refused_before_any_work(tmp_path):
    path = _write(tmp_path, GRID)
    with pytest.raises(cm.InputError, match="executor = 'threads'"):
        sweep(path, executor="threads", store=tmp_path / "store")
    assert not (tmp_path / "store").exists()


def test_the_python_api_says_how_to_resume(tmp_path):
    path = _write(tmp_path, GRID)
    sweep(path, store=tmp_path / "store", engine="vector")
    with pytest.raises(cm.InputError, match="resume=True"):
        sweep(path, store=tmp_path / "store", engine="vector")


def test_a_sweep_built_in_python(tmp_path):
    base = cm.load_scenario("open")
    spec = {
        "sweep": {"paths": np.int64(10), "base": base, "seed": 3},
        "design": {"kind": "grid"},
        "axes": [{"path": "providers.oracle.base_cost", "values": np.array([10.0, 12.0])}],
    }
    result = cm.sweep(spec, engine="vector", store=tmp_path / "store")
    expected = cm.simulate_summary(
        base.with_updates({"providers.oracle.base_cost": 12.0}), paths=10, seed=3
    )
    assert float(result.unit_cost_stats.sel(statistic="mean")[1]) == float(
        expected.unit_cost_stats.sel(statistic="mean")
    )
    assert (tmp_path / "store" / "sweep.toml").read_text().count("in memory") == 1
    with pytest.raises(cm.ScenarioError, match="design"):
        cm.load_sweep({"axes": [{"path": "x", "values": [1]}]})


def test_a_script_without_a_main_guard_gets_a_message_not_a_broken_pool(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import computemarket as cm\n"
        "spec = {'sweep': {'paths': 5}, 'design': {'kind': 'grid'},\n"
        "        'axes': [{'path': 'contract.window_months', 'values': [0, 3]}]}\n"
        "cm.sweep(spec, executor='processes', workers=2, engine='vector')\n"
    )
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False, timeout=300
    )
    assert proc.returncode != 0
    assert "__name__ == '__main__'" in proc.stderr


def test_the_memory_check_sizes_each_point_that_adds_tenders(tmp_path, monkeypatch):
    # A point with ramp leads has three times the tenders of the base: the check must
    # count its own size, not the base's, for what the result keeps.
    from computemarket.experiments import sweeps
    from computemarket.market.plan import make_plan
    from computemarket.market.sizes import kept_bytes_per_path

    spec = load_sweep(
        _write(
            tmp_path,
            """
[design]
kind = "grid"
[[axes]]
path = "buyer.ramp_lead_months"
values = [[], [6, 30]]
""",
            "ramps.toml",
            paths=10,
            settings='keep = "full"\n',
        )
    )
    seen = []
    monkeypatch.setattr(sweeps, "check_bytes", lambda *args: seen.append(args[2]))
    sweeps._check_size(spec)
    sizes = [kept_bytes_per_path(make_plan(spec.scenario(p))) for p in spec.points]
    assert sizes[1] > sizes[0]
    assert seen == [10 * sum(sizes)]
