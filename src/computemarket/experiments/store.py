"""The sweep store: a folder that holds a sweep's points as they finish, and its result.

Layout (format :data:`STORE_FORMAT`): ``sweep.json`` (the sweep's digest, format, point
count and name), ``sweep.toml`` (the sweep file), ``points/NNNNNNN.nc`` (batches of
finished points, each written atomically: a temporary file renamed into place),
``failed/NNNNNNN.json`` (a failed point's error, parameters and seed) and ``result.nc``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import xarray as xr

from computemarket.errors import InputError
from computemarket.experiments.sweep_file import Point, SweepSpec

__all__ = ["STORE_FORMAT", "atomic_netcdf", "load_done", "open_store", "write_failure"]

#: Version of the store's layout: sweep.json, batches of points, failures, the result.
STORE_FORMAT = 2


def open_store(folder: Path, spec: SweepSpec, resume: bool) -> Path:
    """Create the store for ``spec`` in ``folder``, or check the one there and clean it up."""
    marker = folder / "sweep.json"
    if marker.exists():
        recorded = json.loads(marker.read_text())
        if recorded.get("digest") != spec.digest:
            raise InputError("store", str(folder), "holds a different sweep; choose another folder")
        if recorded.get("format") != STORE_FORMAT:
            raise InputError(
                "store",
                str(folder),
                f"was written by another version of computemarket (store format "
                f"{recorded.get('format', 1)}, this version reads {STORE_FORMAT}); "
                "run the sweep again into a new folder",
            )
        if not resume:
            raise InputError(
                "store",
                str(folder),
                "already holds this sweep; continue it with resume=True (--resume on the "
                "command line), or choose another folder",
            )
    else:
        (folder / "points").mkdir(parents=True, exist_ok=True)
        (folder / "failed").mkdir(exist_ok=True)
        (folder / "sweep.toml").write_text(spec.text)
        marker.write_text(
            json.dumps(
                {
                    "digest": spec.digest,
                    "format": STORE_FORMAT,
                    "points": len(spec.points),
                    "name": spec.settings.name,
                }
            )
        )
    for stray in (folder / "points").glob(".*.tmp"):
        stray.unlink()  # a batch being written when the sweep was killed
    return folder


def load_done(folder: Path) -> tuple[list[xr.Dataset], dict[int, str]]:
    """The batches of points a store holds, and the errors of its failed points."""
    parts = [
        xr.load_dataset(path, engine="h5netcdf")
        for path in sorted((folder / "points").glob("*.nc"))
    ]
    errors = {}
    for path in sorted((folder / "failed").glob("*.json")):
        errors[int(path.stem)] = json.loads(path.read_text())["error"]
    return parts, errors


def atomic_netcdf(ds: xr.Dataset, target: Path) -> None:
    """Write ``ds`` to ``target`` through a temporary file, so a reader never sees half of it."""
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    os.close(handle)
    try:
        ds.to_netcdf(temporary, engine="h5netcdf")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_failure(folder: Path, point: Point, error: str) -> None:
    """Record a failed point (index, parameters, seed, error) in the store, atomically."""
    target = folder / "failed" / f"{point.index:07d}.json"
    temporary = target.with_suffix(".tmp")
    temporary.write_text(
        json.dumps(
            {"index": point.index, "updates": point.updates, "seed": point.seed, "error": error},
            default=str,
        )
    )
    os.replace(temporary, target)
