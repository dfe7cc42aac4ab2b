"""Integrity of a sweep store's files: checksums, and writes a reader never sees half of.

:func:`checksum` digests a batch's variables; :func:`bound` ties it to the sweep the batch
claims; :func:`record_checksum` digests a failure record; :func:`atomic_netcdf` and
:func:`atomic_text` write through a temporary file renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

__all__ = [
    "RECORD_FIELDS",
    "atomic_netcdf",
    "atomic_text",
    "bound",
    "checksum",
    "plain",
    "read_marker",
    "record_checksum",
]

#: The fields of a failure record that its checksum covers.
RECORD_FIELDS = ("index", "updates", "seed", "error", "sweep_digest")


def checksum(ds: xr.Dataset) -> str:
    """SHA-256 of a dataset's variables: names, dimensions, types and values, in name order.

    Attributes are left out, so the checksum can be stored among them.

    Examples
    --------
    >>> ds = xr.Dataset({"x": ("point", np.array([1.0, 2.0]))})
    >>> checksum(ds) == checksum(ds.copy(deep=True))
    True
    >>> checksum(ds) == checksum(ds.assign(x=ds.x + [0.0, 1e-12]))
    False
    """
    digest = hashlib.sha256()
    for name in sorted(map(str, ds.variables)):
        var = ds.variables[name]
        values = np.asarray(var.values)
        text = values.dtype.kind in "OUS"  # strings read back as objects or as unicode
        kind = "text" if text else values.dtype.str
        digest.update(repr((name, var.dims, values.shape, kind)).encode())
        if text:
            digest.update("\0".join(map(str, values.ravel().tolist())).encode())
        else:
            digest.update(np.ascontiguousarray(values).tobytes())
    return digest.hexdigest()


def bound(content: str, digest: object) -> str:
    """A batch's checksum: its content's, bound to the digest of the sweep it claims."""
    return hashlib.sha256(f"{content}:{digest}".encode()).hexdigest()


def record_checksum(record: dict[str, Any]) -> str:
    """SHA-256 of a failure record's fields (:data:`RECORD_FIELDS`), in key order.

    Examples
    --------
    >>> record = {"index": 1, "updates": {}, "seed": 3, "error": "x", "sweep_digest": "d"}
    >>> record_checksum(record) == record_checksum(dict(record, checksum="ignored"))
    True
    """
    fields = {key: record.get(key) for key in RECORD_FIELDS}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


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


def read_marker(marker: Path) -> tuple[dict[str, Any] | None, str | None]:
    """``sweep.json``'s content, or None and why it cannot be used."""
    try:
        recorded = json.loads(marker.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"cannot be read ({type(exc).__name__})"
    if not isinstance(recorded, dict):
        return None, "is not a JSON object"
    return recorded, None


def plain(value: Any) -> Any:
    """``value`` as it reads back from JSON (tuples as lists, NumPy scalars as numbers)."""
    return json.loads(json.dumps(value, default=str))


def atomic_text(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file renamed into place."""
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
