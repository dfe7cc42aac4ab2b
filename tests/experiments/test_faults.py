"""The fault suite: sweeps killed at random moments, a killed Dask worker, leaked processes.

A sweep killed with SIGKILL (running in-process, on a process pool, or on a local Dask
cluster) leaves none of its processes behind, and resumes to the uninterrupted result
bit for bit. The moments come from a seeded generator: one per executor in CI, more
under the thorough Hypothesis profile (``HYPOTHESIS_PROFILE=thorough``). Corrupted
stores and two writers are in ``test_store.py``.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psutil
import pytest
import xarray as xr

from computemarket.cli import main
from computemarket.experiments.sweeps import sweep

ROOT = Path(__file__).resolve().parents[2]
THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
EXECUTORS = {"in-process": [], "pool": ["--workers", "2"], "dask": ["--dask-local", "2"]}
MOMENTS = np.random.default_rng(14).uniform(0.1, 0.8, size=4 if THOROUGH else 1)

BODY = """
[sweep]
name = "faults"
base = "{base}"
paths = 300
seed = 5
[design]
kind = "zip"
[[axes]]
path = "demand.volatility"
values = {values}
"""


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """A 30-point sweep file and its result, run in this process without interruption."""
    path = tmp_path_factory.mktemp("faults") / "s.toml"
    values = [round(0.2 + i / 200, 4) for i in range(30)]
    path.write_text(BODY.format(base=ROOT / "scenarios" / "baseline.toml", values=values))
    return path, sweep(path)


def _descendants(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    return [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.parametrize("moment", MOMENTS.round(3).tolist())
@pytest.mark.parametrize("executor", list(EXECUTORS))
def test_a_killed_sweep_leaves_no_process_and_resumes_identically(
    uninterrupted, tmp_path, executor, moment
):
    path, expected = uninterrupted
    store = tmp_path / "store"
    command = [sys.executable, "-m", "computemarket", "sweep", str(path), "--out", str(store)]
    proc = subprocess.Popen(
        [*command, "--checkpoint-every", "0", *EXECUTORS[executor]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parent = psutil.Process(proc.pid)
    wanted = max(1, int(moment * 30))
    seen: dict[int, psutil.Process] = {}
    deadline = time.time() + 180
    while time.time() < deadline and proc.poll() is None:
        seen.update({p.pid: p for p in _descendants(parent)})
        if len(list((store / "points").glob("*.nc"))) >= wanted:
            break
        time.sleep(0.02)
    seen.update({p.pid: p for p in _descendants(parent)})
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (store / "result.nc").exists(), "the sweep should have been killed part way"
    if executor != "in-process":
        assert seen, "the sweep should have started worker processes"
    deadline = time.time() + 30
    while _alive(list(seen.values())) and time.time() < deadline:
        time.sleep(0.2)
    leaked = _alive(list(seen.values()))
    for process in leaked:
        process.kill()
    assert not leaked, [" ".join(p.cmdline())[:100] for p in leaked]
    assert main(["sweep", str(path), "--out", str(store), "--resume"]) == 0
    resumed = xr.load_dataset(store / "result.nc", engine="h5netcdf")
    xr.testing.assert_identical(resumed.drop_vars("error"), expected.drop_vars("error"))


def test_a_killed_dask_worker_does_not_change_the_result(uninterrupted, tmp_path):
    distributed = pytest.importorskip("distributed")
    path, expected = uninterrupted
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        pids = list(client.run(os.getpid).values())
        killed = []

        def progress(done: int, total: int) -> None:
            if done >= 5 and not killed:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        result = sweep(path, executor=client, store=tmp_path / "store", progress=progress)
    finally:
        client.close()
        cluster.close()
    assert killed
    xr.testing.assert_identical(result, expected)
