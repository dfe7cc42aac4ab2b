import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr

from computemarket.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_run_writes_results_and_figures(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--paths", "5", "--seed", "3", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "history: 5 paths, seed 3" in text  # the default scenario
    assert "Unit cost" in text and "Share of delivered GW: azure" in text
    for name in ("results.nc", "delivered_by_provider.png", "demand_vs_served.png"):
        assert (out / name).stat().st_size > 1000
    ds = xr.load_dataset(out / "results.nc", engine="h5netcdf")
    assert ds.sizes["path"] == 5 and ds.attrs["seed"] == 3
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_run_a_shipped_scenario_by_name(tmp_path, capsys):
    assert main(["run", "open", "--paths", "2", "--no-plots", "--out", str(tmp_path)]) == 0
    assert "open: 2 paths" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.nc"]


def _bad_file(tmp_path):
    text = (ROOT / "scenarios" / "baseline.toml").read_text()
    text = text.replace('holder = "azure"', 'holder = "ibm"').replace(
        "volatility = 0.25", "volatility = -2"
    )
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return path


def test_bad_scenario_exits_2_with_a_clear_message_and_no_output(tmp_path):
    bad = _bad_file(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "computemarket", "run", str(bad), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert str(bad) in proc.stderr and "demand.volatility = -2" in proc.stderr
    assert not out.exists()


def test_validate_explains_every_problem(tmp_path, capsys):
    bad = _bad_file(tmp_path)
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "demand.volatility" in err
    data = bad.read_text().replace("volatility = -2", "volatility = 0.2")
    bad.write_text(data)
    assert main(["validate", str(bad)]) == 2
    assert "contract.holder = 'ibm'" in capsys.readouterr().err
    assert main(["validate", str(ROOT / "scenarios" / "baseline.toml"), "open"]) == 0


@pytest.mark.parametrize("args", [["run", "--paths", "0"], ["run", "--workers", "0"]])
def test_bad_options_exit_2(args, tmp_path, capsys):
    assert main([*args, "--out", str(tmp_path / "o")]) == 2
    assert "error:" in capsys.readouterr().err  # argparse's own refusal, exit 2
    assert not (tmp_path / "o").exists()


def test_scenarios_lists_shipped_files(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in ("baseline", "exclusive", "investment", "open", "with_aws"):
        assert name in out


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "computemarket"
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "run" in proc.stdout


def test_summary_only_keeps_metrics_not_time_series(tmp_path, capsys):
    out = tmp_path / "s"
    assert (
        main(
            [
                "run",
                "--paths",
                "300",
                "--summary-only",
                "--workers",
                "2",
                "--chunk-paths",
                "64",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "history: 300 paths" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["summary.nc"]
    summary = xr.load_dataset(out / "summary.nc", engine="h5netcdf")
    assert summary.sizes["path"] == 300 and "unit_cost_stats" in summary
    assert "demand" not in summary


def test_existing_outputs_are_refused_unless_overwrite(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--paths", "2", "--no-plots", "--out", str(out)]) == 0
    before = (out / "results.nc").read_bytes()
    assert main(["run", "--paths", "3", "--no-plots", "--out", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert (out / "results.nc").read_bytes() == before  # untouched
    assert main(["run", "--paths", "3", "--no-plots", "--out", str(out), "--overwrite"]) == 0
    assert xr.load_dataset(out / "results.nc", engine="h5netcdf").sizes["path"] == 3


def test_an_output_that_is_a_file_is_refused_before_any_work(tmp_path, capsys):
    target = tmp_path / "a_file"
    target.write_text("mine")
    assert main(["run", "--paths", "2", "--out", str(target)]) == 2
    assert "is a file" in capsys.readouterr().err and target.read_text() == "mine"


def test_scenario_names_cannot_lead_outputs_out_of_the_folder(tmp_path, monkeypatch):
    text = (ROOT / "scenarios" / "open.toml").read_text()
    text = text.replace('name = "open"', 'name = "../../escaped"', 1)
    scenario = tmp_path / "escape.toml"
    scenario.write_text(text)
    work = tmp_path / "work" / "inside"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    assert main(["run", str(scenario), "--paths", "2", "--no-plots"]) == 0
    written = sorted(p.relative_to(work).as_posix() for p in work.rglob("results.nc"))
    assert written == ["results/_.._escaped/results.nc"]  # separators replaced, dots dropped
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "work" / "escaped").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--workers", "0"],
        ["run", "--workers", "-3"],
        ["run", "--paths", "0"],
        ["run", "--chunk-paths", "0"],
        ["sweep", "x.toml", "--workers", "0"],
        ["sweep", "x.toml", "--dask-local", "0"],
        ["sweep", "x.toml", "--dask-local", "-1"],
    ],
)
def test_counts_below_one_exit_2_before_any_work(args, capsys):
    assert main(args) == 2
    assert "is not at least 1" in capsys.readouterr().err


def test_the_default_folder_is_replaced_on_a_rerun(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "open", "--paths", "2", "--no-plots"]) == 0
    assert main(["run", "open", "--paths", "3", "--no-plots"]) == 0
    ds = xr.load_dataset(tmp_path / "results" / "open" / "results.nc", engine="h5netcdf")
    assert ds.sizes["path"] == 3


def test_compare_runs_the_counterfactual_schedules_of_the_default(tmp_path, capsys):
    out = tmp_path / "cf"
    argv = ["compare", "--paths", "30", "--seed", "4", "--out", str(out)]
    argv += ["--rules", "history,rofr_kept,exclusive_kept", "--reference", "open_from_start"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "differences from 'open_from_start'" in text
    header = next(line for line in text.splitlines() if line.startswith("metric"))
    assert header.split()[2:] == ["history", "rofr_kept", "exclusive_kept", "open_from_start"]
    result = xr.load_dataset(out / "compare.nc", engine="h5netcdf")
    # The ROFR as it ran, on the same paths as open from the start: it costs the buyer more.
    assert float(result.total_cost_diff.sel(rule="history").mean()) > 0


def test_compare_refuses_another_market_naming_what_differs(tmp_path, capsys):
    argv = ["compare", "--paths", "5", "--rules", "with_aws", "--out", str(tmp_path / "x")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "with_aws" in err and "providers" in err and "rules" in err
