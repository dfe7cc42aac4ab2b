"""Benchmark sweep throughput: in-process, on 2 local processes and on a 2-worker Dask cluster.

    python benchmarks/bench_sweep.py [--points 200] [--paths 200,1000] [--base baseline]

For each path count it runs a zip sweep of ``--points`` points (the ROFR window varied),
summary metrics only, with a store (as the command line runs it), on each executor with
the compiled engine, and in-process with the vectorized engine too. It prints points per
second, path-months per second, and the overhead per point (time per point at 1 path,
in-process). All figures come from one run. ``--base`` names the shipped scenario the
sweep varies (``investment`` measures investment supply's throughput).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import computemarket as cm

ROOT = Path(__file__).resolve().parents[1]


def _spec(folder: Path, points: int, paths: int, base: str = "baseline") -> Path:
    # Windows 0-12, within the base's shortest lead (history tenders 9 months ahead).
    buyer = cm.load_scenario(base).buyer
    most = min(12, buyer.lead_months, *buyer.ramp_lead_months)
    values = ", ".join(str(i % (most + 1)) for i in range(points))
    path = folder / f"bench_{points}_{paths}.toml"
    path.write_text(
        f'[sweep]\nname = "bench"\nbase = "{ROOT / "scenarios" / f"{base}.toml"}"\n'
        f'paths = {paths}\nseed = 1\n\n[design]\nkind = "zip"\n\n[[axes]]\n'
        f'path = "contract.window_months"\nvalues = [{values}]\n'
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--paths", default="200,1000")
    parser.add_argument("--base", default="baseline", help="shipped scenario to vary")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    import computemarket as cm
    from computemarket.experiments.sweeps import sweep

    months = cm.load_scenario("baseline").horizon_months
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sweep(_spec(folder, 2, 1), engine="compiled")  # load the compiled kernel
        start = time.perf_counter()
        sweep(_spec(folder, args.points, 1), engine="compiled")
        overhead = (time.perf_counter() - start) / args.points
        print(f"overhead per point (1 path, in-process): {overhead * 1e3:.0f} ms")
        print(
            f"{'paths':>6} {'executor':<22} {'engine':<9} {'seconds':>8} {'points/s':>9} "
            f"{'path-mo/s':>11}"
        )
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            # Warm the workers: imports and the compiled kernel.
            client.run(lambda: sweep(_spec(folder, 2, 1), engine="compiled"))
            for paths in [int(p) for p in args.paths.split(",")]:
                spec = _spec(folder, args.points, paths, args.base)
                for label, engine, options in (
                    ("in-process", "vector", {}),
                    ("in-process", "compiled", {}),
                    ("2 local processes", "compiled", {"executor": "processes", "workers": 2}),
                    ("Dask LocalCluster (2)", "compiled", {"executor": client}),
                ):
                    start = time.perf_counter()
                    with tempfile.TemporaryDirectory() as store:
                        sweep(spec, store=Path(store) / "s", engine=engine, **options)
                    seconds = time.perf_counter() - start
                    rate = args.points / seconds
                    print(
                        f"{paths:>6} {label:<22} {engine:<9} {seconds:>8.2f} {rate:>9.2f} "
                        f"{rate * paths * months:>11,.0f}"
                    )


if __name__ == "__main__":
    main()
