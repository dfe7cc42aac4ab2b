"""Writing a command's outputs all at once, or not at all: :func:`write_outputs`."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["write_outputs"]


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

            for name, draw in (
                ("delivered_by_provider.png", plot_delivered),
                ("demand_vs_served.png", plot_demand_fan),
            ):
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
