"""The baseline at 1,000 paths: strategic bidding (solutions cached) against cost plus.

Both in one process, each timed as the best of five runs after a warm-up that fills the
caches (in memory and on disk), so the ratio compares the runs themselves:

    .venv/bin/python benchmarks/bench_strategic_run.py [--paths 1000]
"""

from __future__ import annotations

import argparse
import time

import computemarket as cm


def best_of(scenario, paths: int, engine: str, repeats: int = 5) -> float:
    """Seconds of the fastest of ``repeats`` runs of ``simulate``."""
    cm.simulate(scenario, paths=paths, seed=0, engine=engine)  # warm-up: solve and cache
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        cm.simulate(scenario, paths=paths, seed=0, engine=engine)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=1000)
    args = parser.parse_args()
    base = cm.load_scenario()
    print(f"baseline, {args.paths} paths, best of 5")
    print(f"{'engine':<9} {'cost plus s':>12} {'strategic s':>12} {'ratio':>7}")
    for engine in ("vector", "compiled"):
        plus = best_of(base, args.paths, engine)
        strategic = best_of(base.with_updates({"bidding.mode": "strategic"}), args.paths, engine)
        print(f"{engine:<9} {plus:12.3f} {strategic:12.3f} {strategic / plus:7.2f}")


if __name__ == "__main__":
    main()
