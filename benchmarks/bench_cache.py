"""The baseline's strategic bids, solved cold and then read from the disk cache.

Run from the repository root: ``python benchmarks/bench_cache.py``. Each line is a fresh
process (as a sweep worker or a second run is) solving all four rules of the baseline,
first with an empty cache folder, then with the one the first left; the ratio is in one
run, since these machines are noisy.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

SOLVE = """
import time
import computemarket as cm
from computemarket.market.plan import make_plan
from computemarket.market.quotes import rule_bids
scenario = cm.load_scenario("baseline").with_updates(
    {"bidding.mode": "strategic", "bidding.equilibrium": "%s"})
plan = make_plan(scenario)
start = time.perf_counter()
for rule in range(4):
    rule_bids(plan, rule)
print(time.perf_counter() - start)
"""


def main() -> None:
    """Print cold and cached seconds for both equilibrium methods."""
    print(f"{'equilibrium':<12}{'cold (s)':>10}{'cached (s)':>12}{'ratio':>8}")
    for method in ("own_type", "exact"):
        folder = tempfile.mkdtemp(prefix="computemarket-bench-cache-")
        env = {**os.environ, "COMPUTEMARKET_CACHE": folder}
        seconds = []
        for _ in range(2):
            proc = subprocess.run(
                [sys.executable, "-c", SOLVE % method],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            seconds.append(float(proc.stdout.strip()))
        cold, warm = seconds
        print(f"{method:<12}{cold:>10.2f}{warm:>12.3f}{cold / warm:>8.0f}")


if __name__ == "__main__":
    main()
