"""A scenario at 1,000 paths: strategic bidding (solutions cached) against cost plus.

Strategic with taker-set and with snapped intermediate bids. All in one process, each
timed as the best of five runs after a warm-up that fills the caches (in memory and on
disk), so the ratios compare the runs themselves:

    .venv/bin/python benchmarks/bench_strategic_run.py [--paths 1000] [--scenario baseline]
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
    parser.add_argument("--scenario", default="baseline")
    args = parser.parse_args()
    base = cm.load_scenario(args.scenario)
    print(f"{args.scenario}, {args.paths} paths, best of 5")
    print(f"{'engine':<9} {'cost plus s':>12} {'taker set s':>12} {'snapped s':>10} ratios")
    for engine in ("vector", "compiled"):
        plus = best_of(base, args.paths, engine)
        runs = [
            best_of(
                base.with_updates({"bidding.mode": "strategic", "bidding.intermediate": how}),
                args.paths,
                engine,
            )
            for how in ("taker_set", "snapped")
        ]
        ratios = ", ".join(f"{run / plus:.2f}" for run in runs)
        print(f"{engine:<9} {plus:12.3f} {runs[0]:12.3f} {runs[1]:10.3f} {ratios}")


if __name__ == "__main__":
    main()
