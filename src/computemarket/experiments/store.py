"""The sweep store: a folder that holds a sweep's points as they finish, and its result.

Layout (format :data:`STORE_FORMAT`):

``sweep.json``
    The sweep's digest, the store's format, the point count and the sweep's name.
``sweep.toml``
    The sweep file.
``points/NNNNNNN.nc``
    Batches of finished points, named after their first point. Each carries the digest
    of its sweep and a SHA-256 checksum of its content (attributes ``sweep_digest`` and
    ``checksum``), and is written atomically: a temporary file renamed into place.
``failed/NNNNNNN.json``
    A failed point's index, parameters, seed and error, with the sweep's digest and a
    checksum of the record.
``damaged/``
    Batches and records that failed their checks on a resume, moved aside, never deleted.
``result.nc``
    The gathered result, written last.
``.lock``
    Held by the run writing the store (:mod:`filelock`, an OS lock that ends with the
    process, so a killed run leaves nothing stuck).

A :class:`Store` is opened by one run at a time; :meth:`Store.load` checks every batch and
record and says which are damaged and why (:attr:`Store.damage`), so that their points are
computed again rather than trusted. ``docs/reliability.md`` states the guarantees.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from filelock import FileLock, Timeout

from computemarket.errors import InputError
from computemarket.experiments.store_files import (
    RECORD_FIELDS,
    atomic_netcdf,
    atomic_text,
    bound,
    checksum,
    plain,
    read_marker,
    record_checksum,
)
from computemarket.experiments.sweep_file import Point, SweepSpec

__all__ = ["STORE_FORMAT", "Store", "atomic_netcdf", "checksum"]

#: Version of the store's layout: sweep.json, checked batches and failure records, result.
STORE_FORMAT = 3

_BATCH = re.compile(r"^\d{7}\.nc$")
_RECORD = re.compile(r"^\d{7}\.json$")


class Store:
    """A sweep's store folder, opened for writing by this run alone.

    Parameters
    ----------
    folder : Path
    spec : SweepSpec
        The sweep the store holds, or is to hold.
    resume : bool
        Continue a sweep the folder already holds; without it such a folder is refused.

    Raises
    ------
    InputError
        If another run is writing the store, it holds a different sweep or one written by
        another store format, it already holds this sweep and ``resume`` is False, or its
        subfolders are symbolic links.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from computemarket.experiments.sweep_file import load_sweep
    >>> spec = load_sweep({"design": {"kind": "grid"},
    ...     "axes": [{"path": "contract.window_months", "values": [0, 3]}]})
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "store"
    >>> with Store(folder, spec, resume=False) as store:
    ...     parts, errors = store.load()
    >>> len(parts), errors, store.damage
    (0, {}, [])
    >>> Store(folder, spec, resume=False)
    Traceback (most recent call last):
    ...
    computemarket.errors.InputError: store = '...': already holds this sweep; ...
    """

    def __init__(self, folder: Path, spec: SweepSpec, resume: bool) -> None:
        self.folder = Path(folder)
        self.spec = spec
        #: One line per batch or record set aside on loading, saying why.
        self.damage: list[str] = []
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                "store", str(self.folder), f"cannot be made ({exc.strerror or exc}); name a folder"
            ) from None
        self._lock = FileLock(self.folder / ".lock")
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise InputError(
                "store",
                str(self.folder),
                "is being written by another run; wait for it to finish, or choose another folder",
            ) from None
        try:
            self._open(resume)
        except BaseException:
            self._lock.release()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store for other runs."""
        self._lock.release()

    # -- opening ----------------------------------------------------------------------------
    def _open(self, resume: bool) -> None:
        folder, spec = self.folder, self.spec
        for sub in ("points", "failed", "damaged"):
            if (folder / sub).is_symlink() or (
                (folder / sub).exists() and not (folder / sub).is_dir()
            ):
                raise InputError(
                    "store",
                    str(folder),
                    f"has a '{sub}' that is not a plain folder; a store's folders must be its "
                    "own: choose another folder",
                )
        marker = folder / "sweep.json"
        held = any((folder / "points").glob("*.nc")) or any((folder / "failed").glob("*.json"))
        recorded, problem = read_marker(marker) if marker.exists() else (None, None)
        held = held or problem is not None
        if recorded is not None:
            if recorded.get("digest") != spec.digest:
                raise InputError(
                    "store", str(folder), "holds a different sweep; choose another folder"
                )
            if recorded.get("format") != STORE_FORMAT:
                raise InputError(
                    "store",
                    str(folder),
                    f"was written by another version of computemarket (store format "
                    f"{recorded.get('format', 1)}, this version reads {STORE_FORMAT}); "
                    "run the sweep again into a new folder",
                )
        if (recorded is not None or held) and not resume:
            raise InputError(
                "store",
                str(folder),
                "already holds this sweep; continue it with resume=True (--resume on the "
                "command line), or choose another folder"
                if recorded is not None
                else "already holds sweep points; continue with resume=True (--resume on the "
                "command line), or choose another folder",
            )
        clash = [n for n in ("sweep.toml", "result.nc") if (folder / n).exists()]
        if recorded is None and problem is None and not held and clash:
            raise InputError(
                "store",
                str(folder),
                f"already holds {', '.join(clash)} but no sweep store; choose another folder "
                "(nothing there is replaced)",
            )
        if problem is not None:
            self.damage.append(
                f"sweep.json {problem}: set aside in damaged/; the batches' own sweep "
                "identities are checked instead"
            )
            self._set_aside(marker)
        (folder / "points").mkdir(exist_ok=True)
        (folder / "failed").mkdir(exist_ok=True)
        # Written by load(), once every batch's own identity has been checked.
        self._marker_needed = recorded is None
        # Temporary files of a run killed while writing (this run holds the lock, so no
        # other run is writing them now); only names this module gives its temporaries.
        for stray in (folder / "points").glob(".*.nc.*.tmp"):
            stray.unlink()
        for stray in (folder / "failed").glob(".*.json.*.tmp"):
            stray.unlink()

    # -- loading ----------------------------------------------------------------------------
    def load(self) -> tuple[list[xr.Dataset], dict[int, str]]:
        """The batches of points and the failed points' errors that pass their checks.

        A batch or record that cannot be read, fails its checksum, or repeats or lies
        outside the sweep's points is moved to ``damaged/`` and described in
        :attr:`damage`; its points are left to compute again.

        Raises
        ------
        InputError
            If a batch or record belongs to a different sweep.
        """
        parts: list[xr.Dataset] = []
        seen: dict[int, str] = {}
        total = len(self.spec.points)
        for path in sorted((self.folder / "points").glob("*.nc")):
            if not _BATCH.match(path.name):
                continue  # not a name this package gives; not ours to judge
            problem, part = self._check_batch(path)
            if problem is None:
                indices = part["point"].values.astype(np.int64).tolist()
                if any(not 0 <= i < total for i in indices):
                    problem = "holds points outside the sweep's"
                elif any(i in seen for i in indices):
                    twin = next(seen[i] for i in indices if i in seen)
                    problem = f"repeats points of {twin}"
                else:
                    seen.update(dict.fromkeys(indices, path.name))
                    parts.append(part)
                    continue
            self._damaged(path, problem)
        errors: dict[int, str] = {}
        for path in sorted((self.folder / "failed").glob("*.json")):
            if not _RECORD.match(path.name):
                continue
            problem, record = self._check_record(path)
            if problem is None:
                index = record["index"]
                if not isinstance(index, int) or not 0 <= index < total:
                    problem = "names a point outside the sweep's"
                elif index in seen or index in errors:
                    problem = "is for a point already finished"
                elif record["updates"] != plain(self.spec.points[index].updates):
                    problem = "does not hold its point's parameters"
                else:
                    errors[index] = str(record["error"])
                    continue
            self._damaged(path, problem)
        self._write_marker()
        return parts, errors

    def _write_marker(self) -> None:
        """``sweep.toml`` and ``sweep.json``, for a store that has none (checked first)."""
        if not self._marker_needed:
            return
        spec = self.spec
        atomic_text(self.folder / "sweep.toml", spec.text)
        info = {
            "digest": spec.digest,
            "format": STORE_FORMAT,
            "points": len(spec.points),
            "name": spec.settings.name,
        }
        atomic_text(self.folder / "sweep.json", json.dumps(info))
        self._marker_needed = False

    def _check_batch(self, path: Path) -> tuple[str | None, xr.Dataset]:
        try:
            part = xr.load_dataset(path, engine="h5netcdf")
        except Exception as exc:  # truncated, garbage, not NetCDF: any reader error
            return f"cannot be read ({type(exc).__name__})", xr.Dataset()
        if "point" not in part.coords:
            return "holds no points", part
        digest = part.attrs.get("sweep_digest")
        if part.attrs.get("checksum") != bound(checksum(part), digest):
            return "does not match its checksum (edited or damaged)", part
        self._check_identity(path, digest)  # intact, so truly another sweep's if it differs
        part.attrs = {k: v for k, v in part.attrs.items() if k not in ("checksum", "sweep_digest")}
        return None, part

    def _check_record(self, path: Path) -> tuple[str | None, dict[str, Any]]:
        try:
            record = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            return f"cannot be read ({type(exc).__name__})", {}
        if not isinstance(record, dict) or not all(key in record for key in RECORD_FIELDS):
            return "is not a failure record", {}
        if record.get("checksum") != record_checksum(record):
            return "does not match its checksum (edited or damaged)", record
        self._check_identity(path, record["sweep_digest"])
        return None, record

    def _check_identity(self, path: Path, digest: object) -> None:
        if digest is not None and digest != self.spec.digest:
            raise InputError(
                "store",
                str(self.folder),
                f"holds points of a different sweep ({path.parent.name}/{path.name}); "
                "choose another folder",
            )

    def _damaged(self, path: Path, problem: str) -> None:
        self.damage.append(f"{path.parent.name}/{path.name} {problem}: set aside in damaged/")
        self._set_aside(path)

    def _set_aside(self, path: Path) -> None:
        aside = self.folder / "damaged"
        aside.mkdir(exist_ok=True)
        target = aside / f"{path.parent.name}-{path.name}"
        copy = 1
        while target.exists():
            copy += 1
            target = aside / f"{path.parent.name}-{path.name}.{copy}"
        os.replace(path, target)

    # -- writing ----------------------------------------------------------------------------
    def write_batch(self, part: xr.Dataset) -> None:
        """Write a batch of finished points, with the sweep's identity and its checksum."""
        if self._marker_needed:
            self.load()  # checks what the store holds before it is marked as this sweep's
        first = int(part["point"].values[0])
        stamped = part.copy()
        stamped.attrs = {
            **part.attrs,
            "sweep_digest": self.spec.digest,
            "checksum": bound(checksum(part), self.spec.digest),
        }
        atomic_netcdf(stamped, self.folder / "points" / f"{first:07d}.nc")

    def write_failure(self, point: Point, error: str) -> None:
        """Record a failed point (index, parameters, seed, error), atomically."""
        if self._marker_needed:
            self.load()  # checks what the store holds before it is marked as this sweep's
        record: dict[str, Any] = plain(
            {
                "index": point.index,
                "updates": point.updates,
                "seed": point.seed,
                "error": error,
                "sweep_digest": self.spec.digest,
            }
        )
        record["checksum"] = record_checksum(record)
        atomic_text(self.folder / "failed" / f"{point.index:07d}.json", json.dumps(record))

    def write_result(self, result: xr.Dataset) -> None:
        """Write the gathered result, atomically."""
        if self._marker_needed:
            self.load()  # checks what the store holds before it is marked as this sweep's
        atomic_netcdf(result, self.folder / "result.nc")
