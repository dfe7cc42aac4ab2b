"""Writing a command's outputs all at once, or not at all: :func:`write_outputs`."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from computemarket.errors import InputError

__all__ = ["FIGURES", "check_output", "safe_name", "write_outputs"]

#: The figures ``computemarket run`` draws, in order.
FIGURES = ("delivered_by_provider.png", "demand_vs_served.png")
#: Characters kept in a folder named after a scenario or sweep; others become "_".
_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def safe_name(name: str) -> str:
    """A folder name made from a scenario's or sweep's name, that stays where it is put.

    Path separators and other characters become ``_`` and leading dots are dropped, so
    ``"../../escaped"`` or ``"/tmp/x"`` cannot leave the output folder.
    """
    text = "".join(ch if ch in _SAFE else "_" for ch in str(name)).lstrip(".")
    return text or "unnamed"


def check_output(out: Path, names: list[str], overwrite: bool) -> None:
    """Refuse, before any work, an output folder that is a file or already holds outputs.

    Raises
    ------
    InputError
        If ``out`` is a file or lies inside one, cannot be written, or holds any of
        ``names`` and ``overwrite`` is False.
    """
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "is a file; name a folder")
    _check_writable(out)
    clash = [name for name in names if (out / name).exists()]
    if clash and not overwrite:
        raise InputError(
            "--out",
            str(out),
            f"already holds {', '.join(clash)}; pass --overwrite to replace them, or "
            "choose another folder",
        )


def _check_writable(out: Path) -> None:
    """Refuse a folder that cannot be made or written, by writing a probe where it would be."""
    existing = out.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise InputError("--out", str(out), f"lies inside a file ({existing}); name a folder")
    try:
        probe = tempfile.mkdtemp(prefix=".computemarket-probe-", dir=existing)
    except OSError as exc:
        raise InputError(
            "--out", str(out), f"cannot be written ({exc.strerror or exc}); name another folder"
        ) from None
    os.rmdir(probe)


def write_outputs(datasets: dict, out: Path, *, figures, extra: dict | None = None) -> list[Path]:
    """Write datasets (and figures of ``figures``, a results dataset) into ``out`` at once.

    Everything is written into a hidden staging folder inside ``out`` first and moved into
    place only when all of it is written, so a failure leaves no partial output behind.
    """
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".computemarket-", dir=out))
    try:
        files = {}
        for name, dataset in datasets.items():
            dataset.to_netcdf(staging / name, engine="h5netcdf")
            files[name] = staging / name
        if figures is not None:
            import matplotlib.pyplot as plt

            from computemarket.results.plots import plot_delivered, plot_demand_fan

            for name, draw in zip(FIGURES, (plot_delivered, plot_demand_fan), strict=True):
                fig = draw(figures)
                fig.savefig(staging / name, dpi=120)
                plt.close(fig)
                files[name] = staging / name
        for name, fig in (extra or {}).items():
            fig.savefig(staging / name, dpi=120)
            files[name] = staging / name
        written = []
        for name, path in files.items():
            os.replace(path, out / name)
            written.append(out / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
