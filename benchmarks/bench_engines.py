"""Benchmark the engines on the baseline scenario.

    python benchmarks/bench_engines.py [--sizes 100,1000,10000,100000] [--des-paths 100]

Prints two tables. The first is end to end (``computemarket.simulate``: draws, engine and
dataset): seconds, path-months per second and peak memory, for the vectorized engine on
one thread and on two worker threads. The second covers the engines alone, on the same
prepared inputs: the vectorized engine and the compiled engine (Numba; 1 and 2 threads)
and the discrete-event engine. The DES runs on a subset of the paths and is compared per path.
Every figure comes from the same run, so the ratios hold even on a noisy machine. Each
configuration runs in a fresh subprocess, so that peak memory (maximum resident set
size, less that of the interpreter after imports) is its own.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _child(kind: str, paths: int, workers: int, name: str = "baseline") -> dict:
    import numpy as np

    import computemarket as cm
    from computemarket.engines import compiled, des
    from computemarket.engines import vector as core
    from computemarket.market.draws import draw
    from computemarket.market.inputs import prepare
    from computemarket.market.plan import make_plan

    scenario = cm.load_scenario(name)
    plan = make_plan(scenario)
    cm.simulate(scenario, paths=64, seed=1)  # warm up imports and caches
    if kind == "compiled":
        compiled.run(prepare(plan, draw(plan, 8, 1)))  # load (or compile) the kernel
    base = _rss_mib()
    start = time.perf_counter()
    if kind == "simulate":
        ds = cm.simulate(scenario, paths=paths, seed=1, workers=workers)
        checksum = float(ds.spend.sum())
    elif kind == "summary":
        summary = cm.simulate_summary(scenario, paths=paths, seed=1, workers=workers)
        checksum = float(summary.total_spend.sum())
    else:
        inputs = prepare(plan, draw(plan, paths, seed=1))
        start = time.perf_counter()
        if kind == "vector":
            records = _in_chunks(core, inputs, workers)
        elif kind == "des":
            records = des.run(inputs)
        else:
            records = _in_chunks(compiled, inputs, workers)
        checksum = float(np.sum(records.arrays["spend"]))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mib": _rss_mib() - base, "checksum": checksum}


def _in_chunks(engine, inputs, workers: int):
    """Run an engine module as simulate does: chunks, on ``workers`` threads."""
    from concurrent.futures import ThreadPoolExecutor

    from computemarket.market.inputs import MarketInputs
    from computemarket.market.records import Records
    from computemarket.simulation import DEFAULT_CHUNK_PATHS

    out = Records(inputs.plan, inputs.paths)

    def one(first: int) -> None:
        rows = slice(first, first + DEFAULT_CHUNK_PATHS)
        part = MarketInputs(
            inputs.plan,
            first,
            inputs.demand[rows],
            inputs.cost[rows],
            inputs.bid[rows],
            inputs.lead[rows],
            inputs.threshold,
        )
        engine.run(part, out=out)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(0, inputs.paths, DEFAULT_CHUNK_PATHS)))
    return out


#: The scenario measured (``--scenario``); the children read it from here.
SCENARIO = ["baseline"]


def _measure(kind: str, paths: int, workers: int = 1) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(paths), str(workers), SCENARIO[0]],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--des-paths", type=int, default=100)
    parser.add_argument("--summary-sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--scenario", default="baseline", help="shipped name or file (default: baseline)"
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, paths, workers, name = args.child
        print(json.dumps(_child(kind, int(paths), int(workers), name)))
        return
    SCENARIO[0] = args.scenario

    import computemarket as cm

    sizes = [int(s) for s in args.sizes.split(",")]
    scenario = cm.load_scenario(args.scenario)
    months = scenario.horizon_months
    print(
        f"computemarket {cm.__version__} | {scenario.name}, {months} months, "
        f"{len(scenario.providers)} providers | Python "
        f"{platform.python_version()} | {platform.machine()} | {_cpu_count()} cores"
    )

    print("\nEnd to end: computemarket.simulate (draws, engine, labelled dataset)")
    print(
        f"{'paths':>8} {'1 worker s':>11} {'path-mo/s':>11} {'peak MiB':>9} "
        f"{'2 workers s':>12} {'path-mo/s':>11} {'peak MiB':>9}"
    )
    for n in sizes:
        one = _measure("simulate", n, 1)
        two = _measure("simulate", n, 2)
        print(
            f"{n:>8,} {one['seconds']:>11.3f} {n * months / one['seconds']:>11,.0f} "
            f"{one['peak_mib']:>9.0f} {two['seconds']:>12.3f} "
            f"{n * months / two['seconds']:>11,.0f} {two['peak_mib']:>9.0f}"
        )

    des = _measure("des", args.des_paths)
    des_per_path = des["seconds"] / args.des_paths
    print(
        f"\nEngines alone, on the same prepared inputs. DES: {des_per_path * 1e3:.2f} ms "
        f"per path (measured on {args.des_paths} paths)"
    )
    print(
        f"{'paths':>8} {'vector 1t s':>12} {'vector 2t s':>12} {'compiled 1t':>12} "
        f"{'compiled 2t':>12} {'vec/comp 1t':>12} {'vec/comp 2t':>12} "
        f"{'DES/vec 1t':>11} {'DES/vec 2t':>11}"
    )
    for n in sizes:
        vector1 = _measure("vector", n, 1)
        vector2 = _measure("vector", n, 2)
        compiled1 = _measure("compiled", n, 1)
        compiled2 = _measure("compiled", n, 2)
        runs = (vector1, vector2, compiled1, compiled2)
        sums = {run["checksum"] for run in runs}
        if len(sums) != 1:
            raise SystemExit(f"the engines disagree at {n} paths: total spend {sorted(sums)}")
        print(
            f"{n:>8,} {vector1['seconds']:>12.3f} {vector2['seconds']:>12.3f} "
            f"{compiled1['seconds']:>12.3f} {compiled2['seconds']:>12.3f} "
            f"{vector1['seconds'] / compiled1['seconds']:>12.2f} "
            f"{vector2['seconds'] / compiled2['seconds']:>12.2f} "
            f"{des_per_path * n / vector1['seconds']:>11.0f} "
            f"{des_per_path * n / vector2['seconds']:>11.0f}"
        )

    print("\nSummary only: computemarket.simulate_summary (2 workers), memory bounded by the chunk")
    print(f"{'paths':>10} {'seconds':>9} {'path-mo/s':>11} {'peak MiB':>9}")
    for n in [int(s) for s in args.summary_sizes.split(",") if s]:
        summary = _measure("summary", n, 2)
        print(
            f"{n:>10,} {summary['seconds']:>9.2f} {n * months / summary['seconds']:>11,.0f} "
            f"{summary['peak_mib']:>9.0f}"
        )


def _cpu_count() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
