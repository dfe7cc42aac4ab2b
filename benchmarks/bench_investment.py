"""What investment supply costs: the baseline against investment.toml, and the equilibrium.

Run: ``.venv/bin/python benchmarks/bench_investment.py [--paths 1000] [--repeats 3]``.
Both scenarios run in the same process, alternately, and each figure is the fastest of
``--repeats`` runs (these machines are noisy; compare the ratios). Measured:
``simulate_summary`` on each engine, exogenous (``baseline``) against investment
(``investment``, the same market with development decisions every six months), and one
``investment_equilibrium`` solve of ``investment.toml`` (cost-plus bids).
"""

from __future__ import annotations

import argparse
import time

import computemarket as cm


def _best(repeats: int, call) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--solve-paths", type=int, default=200)
    args = parser.parse_args()
    exogenous, investing = cm.load_scenario("baseline"), cm.load_scenario("investment")
    engines = ["vector", "compiled"]
    for engine in engines:  # warm up: imports, Numba compilation
        cm.simulate_summary(investing, paths=8, engine=engine)
    print(f"simulate_summary, {args.paths} paths, fastest of {args.repeats}")
    print(f"{'engine':<10}{'exogenous s':>13}{'investment s':>14}{'ratio':>8}")
    for engine in engines:
        times = [
            _best(
                args.repeats,
                lambda sc=sc, e=engine: cm.simulate_summary(sc, paths=args.paths, engine=e),
            )
            for sc in (exogenous, investing)
        ]
        print(f"{engine:<10}{times[0]:>13.3f}{times[1]:>14.3f}{times[1] / times[0]:>8.2f}")
    start = time.perf_counter()
    eq = cm.investment_equilibrium(investing, paths=args.solve_paths, seed=1)
    solve = time.perf_counter() - start
    one = _best(args.repeats, lambda: cm.simulate_summary(investing, paths=args.solve_paths))
    print(
        f"\ninvestment_equilibrium, {args.solve_paths} paths: {solve:.1f} s "
        f"({solve / one:.0f} runs of {one:.3f} s), rounds {eq.sizes['round']}, "
        f"epsilon {eq.attrs['investment_epsilon']:.2%}"
    )


if __name__ == "__main__":
    main()
