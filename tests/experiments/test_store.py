"""The sweep store: damage detected batch by batch and recomputed, one writer at a time.

Each test damages a store the way the hardening issue found it broken (truncated or
garbage batches, an edited value, a duplicated batch, bad or missing ``sweep.json``,
empty or stray failure records, two writers) and checks that ``resume`` reports the
damage, recomputes exactly the damaged points and ends with the undamaged result.
"""

import json
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import h5py
import pytest
import xarray as xr

import computemarket as cm
from computemarket.cli import main
from computemarket.experiments.store import STORE_FORMAT, Store
from computemarket.experiments.store_files import bound, checksum
from computemarket.experiments.sweep_file import load_sweep
from computemarket.experiments.sweeps import sweep

ROOT = Path(__file__).resolve().parents[2]

ZIP = """
[sweep]
name = "damage"
base = "{base}"
paths = 10
seed = {seed}
[design]
kind = "zip"
[[axes]]
path = "contract.window_months"
values = [0, 1, 2, 3, 4, 5]
"""


def _file(tmp_path, seed=3, name="s.toml"):
    path = tmp_path / name
    path.write_text(ZIP.format(base=ROOT / "scenarios" / "baseline.toml", seed=seed))
    return path


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished store of six one-point batches, and its result."""
    tmp = tmp_path_factory.mktemp("store")
    path = _file(tmp)
    store = tmp / "store"
    result = sweep(path, store=store, checkpoint_seconds=0, engine="vector")
    return path, store, result


def _copy(finished, tmp_path):
    path, store, result = finished
    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    (copy / "result.nc").unlink()
    return path, copy, result


def _resume(path, store):
    """Resume, returning the result, the damage warnings and the points recomputed."""
    done = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = sweep(
            path, store=store, resume=True, engine="vector", progress=lambda d, t: done.append(d)
        )
    damage = [str(w.message) for w in caught if w.category is cm.StoreDamageWarning]
    return result, damage, 6 - done[0]


def _batch(store, index):
    return store / "points" / f"{index:07d}.nc"


def test_every_batch_carries_its_sweep_and_a_checksum(finished):
    path, store, _ = finished
    spec = load_sweep(path)
    assert json.loads((store / "sweep.json").read_text())["format"] == STORE_FORMAT
    for batch in sorted((store / "points").glob("*.nc")):
        part = xr.load_dataset(batch, engine="h5netcdf")
        assert part.attrs["sweep_digest"] == spec.digest
        assert part.attrs["checksum"] == bound(checksum(part), spec.digest)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b.write_bytes(b.read_bytes()[: len(b.read_bytes()) // 2]),  # truncated
        lambda b: b.write_bytes(b"\x89HDF garbage " * 100),  # garbage
        lambda b: b.write_bytes(b""),  # empty
    ],
    ids=["truncated", "garbage", "empty"],
)
def test_unreadable_batches_are_set_aside_and_recomputed(finished, tmp_path, damage):
    path, store, expected = _copy(finished, tmp_path)
    damage(_batch(store, 2))
    result, reports, recomputed = _resume(path, store)
    xr.testing.assert_identical(result, expected)
    assert recomputed == 1
    assert len(reports) == 1 and "points/0000002.nc cannot be read" in reports[0]
    assert (store / "damaged" / "points-0000002.nc").exists()


def test_an_edited_value_fails_the_checksum(finished, tmp_path):
    path, store, expected = _copy(finished, tmp_path)
    with h5py.File(_batch(store, 4), "r+") as file:
        name = next(n for n in file if n.endswith("_stats"))
        file[name][...] = file[name][...] * 1.01
    result, reports, recomputed = _resume(path, store)
    xr.testing.assert_identical(result, expected)
    assert recomputed == 1 and "does not match its checksum" in reports[0]


def test_a_duplicated_batch_is_set_aside(finished, tmp_path):
    path, store, expected = _copy(finished, tmp_path)
    shutil.copy(_batch(store, 1), _batch(store, 5))  # the copy sits after its original
    result, reports, recomputed = _resume(path, store)
    xr.testing.assert_identical(result, expected)
    # Batch 5 held point 1 only, so point 5 is computed again.
    assert recomputed == 1 and "repeats points of 0000001.nc" in reports[0]


def test_a_damaged_sweep_json_is_rebuilt_from_the_batches(finished, tmp_path):
    path, store, expected = _copy(finished, tmp_path)
    (store / "sweep.json").write_text("{not json")
    with pytest.raises(cm.InputError, match="already holds sweep points"):
        sweep(path, store=store)
    result, reports, recomputed = _resume(path, store)
    xr.testing.assert_identical(result, expected)
    assert recomputed == 0 and "sweep.json cannot be read" in reports[0]
    assert json.loads((store / "sweep.json").read_text())["digest"] == load_sweep(path).digest


def test_a_different_sweep_is_refused_even_without_sweep_json(finished, tmp_path):
    _, store, _ = _copy(finished, tmp_path)
    (store / "sweep.json").unlink()
    other = _file(tmp_path, seed=4, name="other.toml")  # same grid, another seed
    before = (store / "sweep.toml").read_text()
    with pytest.raises(cm.InputError, match=r"holds points of a different sweep"):
        sweep(other, store=store, resume=True)
    # The refused sweep marked nothing: the store still resumes as the first sweep's.
    assert (store / "sweep.toml").read_text() == before
    assert not (store / "sweep.json").exists()
    path = _file(tmp_path)
    _, _, recomputed = _resume(path, store)
    assert recomputed == 0


@pytest.mark.parametrize(
    "record",
    [
        "",  # empty
        "[]",  # not a record
        json.dumps({"index": 3, "updates": {}, "seed": 1, "error": "x", "sweep_digest": None}),
    ],
    ids=["empty", "not-a-record", "no-checksum"],
)
def test_bad_failure_records_are_set_aside(finished, tmp_path, record):
    path, store, expected = _copy(finished, tmp_path)
    (store / "failed" / "0000003.json").write_text(record)
    result, reports, recomputed = _resume(path, store)
    xr.testing.assert_identical(result, expected)
    assert recomputed == 0 and reports and "failed/0000003.json" in reports[0]
    assert not result.failed.any()


def test_a_stray_failure_record_for_a_finished_point_is_set_aside(finished, tmp_path):
    path, store, expected = _copy(finished, tmp_path)
    spec = load_sweep(path)
    with Store(store, spec, resume=True) as opened:
        opened.write_failure(spec.points[2], "RuntimeError: stray")  # a genuine record
    result, reports, _ = _resume(path, store)
    xr.testing.assert_identical(result, expected)
    assert "failed/0000002.json is for a point already finished" in reports[0]


def test_a_genuine_failure_record_is_kept(finished, tmp_path):
    path, store, _ = _copy(finished, tmp_path)
    spec = load_sweep(path)
    _batch(store, 2).unlink()
    with Store(store, spec, resume=True) as opened:
        opened.write_failure(spec.points[2], "RuntimeError: genuine")
    result, reports, recomputed = _resume(path, store)
    assert reports == [] and recomputed == 0
    assert result.failed.values.tolist() == [False, False, True, False, False, False]


def test_a_second_writer_is_refused(finished, tmp_path):
    path, store, _ = _copy(finished, tmp_path)
    spec = load_sweep(path)
    with Store(store, spec, resume=True):
        with pytest.raises(cm.InputError, match="being written by another run"):
            sweep(path, store=store, resume=True)
    sweep(path, store=store, resume=True)  # released: the next run goes ahead


def test_a_second_writer_in_another_process_is_refused(tmp_path):
    """Two ``--resume`` runs on one store: the second exits 2; the first finishes alone."""
    path = _file(tmp_path)
    text = path.read_text().replace("paths = 10", "paths = 2000")
    text = text.replace("contract.window_months", "demand.volatility")
    path.write_text(text.replace("[0, 1, 2, 3, 4, 5]", str([0.2 + i / 400 for i in range(40)])))
    store = tmp_path / "store"
    command = [sys.executable, "-m", "computemarket", "sweep", str(path), "--out", str(store)]
    first = subprocess.Popen([*command, "--checkpoint-every", "0"], stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while (
        first.poll() is None and time.time() < deadline and not any((store / "points").glob("*.nc"))
    ):
        time.sleep(0.05)
    second = subprocess.run([*command, "--resume"], capture_output=True, text=True)
    assert first.poll() is None, "the first run should still be writing"
    first_err = first.communicate(timeout=300)[1].decode()
    assert second.returncode == 2, second.stderr
    assert "being written by another run" in second.stderr
    assert "Traceback" not in second.stderr
    assert first.returncode == 0, first_err
    indices = [int(p.stem) for p in (store / "points").glob("*.nc")]
    assert len(indices) == len(set(indices)) == 40
    # And later resumes work: nothing is stuck.
    assert main(["sweep", str(path), "--out", str(store), "--resume"]) == 0


def test_symlinked_folders_are_refused(tmp_path):
    path = _file(tmp_path)
    store = tmp_path / "store"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".keep.nc.x.tmp").write_text("not the package's")
    store.mkdir()
    (store / "points").symlink_to(elsewhere)
    with pytest.raises(cm.InputError, match="'points' that is not a plain folder"):
        sweep(path, store=store)
    assert (elsewhere / ".keep.nc.x.tmp").exists()


def test_a_folder_with_the_users_files_is_not_written_over(tmp_path):
    path = _file(tmp_path)
    store = tmp_path / "mine"
    store.mkdir()
    (store / "result.nc").write_text("the user's own file")
    with pytest.raises(cm.InputError, match=r"already holds result\.nc but no sweep store"):
        sweep(path, store=store)
    assert (store / "result.nc").read_text() == "the user's own file"
    assert not (store / "sweep.toml").exists()


def test_an_edited_digest_is_damage_not_another_sweep(finished, tmp_path):
    path, store, expected = _copy(finished, tmp_path)
    with h5py.File(_batch(store, 3), "r+") as file:
        file.attrs["sweep_digest"] = "0" * 64
    record = store / "failed" / "0000001.json"
    spec = load_sweep(path)
    with Store(store, spec, resume=True) as opened:
        opened.write_failure(spec.points[1], "RuntimeError: x")
    _batch(store, 1).unlink()
    text = json.loads(record.read_text())
    text["sweep_digest"] = "f" * 64
    record.write_text(json.dumps(text))
    result, reports, recomputed = _resume(path, store)
    xr.testing.assert_identical(result, expected)
    assert recomputed == 2 and len(reports) == 2
    assert all("does not match its checksum" in line for line in reports)


def test_a_store_that_cannot_be_made_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("mine")
    with pytest.raises(cm.InputError, match="cannot be made"):
        sweep(_file(tmp_path), store=blocker / "store")
