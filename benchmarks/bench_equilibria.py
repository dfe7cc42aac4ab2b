"""Time the single-tender equilibrium solvers, cold, one configuration after another.

Run from the repository root: ``python benchmarks/bench_equilibria.py``. Each solve runs
in this process with nothing cached (the solvers cache nothing themselves); the table gives
seconds and the ratio to the fastest row of the same run, since these machines are noisy.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import stats

from computemarket.games.divisible import capacity_bids, capacity_gain
from computemarket.games.quantiles import quantile_grid

Q = quantile_grid()
U = np.asarray(stats.uniform(0, 1).ppf(Q), dtype=float)
LN = np.asarray(stats.lognorm(s=0.3, scale=0.5).ppf(Q), dtype=float)

CASES = [
    ("alike, two of one unit, q = 1.5", np.array([U, U]), 1.5, [1.0, 1.0]),
    ("alike, three lognormal of one unit, q = 1.3", np.array([LN, LN, LN]), 1.3, [1.0] * 3),
    ("unlike headroom 1 and 0.5, q = 1", np.array([U, U]), 1.0, [1.0, 0.5]),
    ("unlike costs U(0,1) and U(0,0.8), q = 1.3", np.array([U, 0.8 * U]), 1.3, [1.0, 1.0]),
    ("unlike lognormal costs and headroom, q = 1.2", np.array([LN, 1.1 * LN]), 1.2, [1.0, 0.6]),
    ("three unlike headrooms 1, 0.7, 0.4, q = 1.5", np.array([U, U, U]), 1.5, [1.0, 0.7, 0.4]),
]


def main() -> None:
    """Print the table."""
    rows = []
    for name, costs, quantity, capacity in CASES:
        start = time.perf_counter()
        bids = capacity_bids(costs, Q, 1.0, quantity=quantity, capacity=np.array(capacity))
        seconds = time.perf_counter() - start
        gain = capacity_gain(costs, bids, Q, 1.0, quantity=quantity, capacity=np.array(capacity))
        rows.append((name, seconds, float(gain.max())))
    fastest = min(seconds for _, seconds, _ in rows)
    print(f"{'case':<48}{'seconds':>9}{'ratio':>9}{'epsilon':>10}")
    for name, seconds, epsilon in rows:
        print(f"{name:<48}{seconds:>9.2f}{seconds / fastest:>9.0f}{epsilon:>10.5f}")


if __name__ == "__main__":
    main()
