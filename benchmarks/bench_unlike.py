"""Single-unit bids of unlike providers: own-type against the grid, cold, per rule.

Run from the repository root: ``python benchmarks/bench_unlike.py [scenario ...]``
(default: ``history baseline``). For each scenario, method and rule it solves the game
where every provider takes part with the disk cache off, and prints the seconds and the
largest deviation gain the solver measures (``RuleBids.epsilon``: the grid's types and
eight types in the tails), in $B per GW-year and as a share of the reserve. The
seconds are comparable within one run only: these machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ["COMPUTEMARKET_CACHE"] = "off"

import computemarket as cm
from computemarket.market.equilibria import rule_bids
from computemarket.market.plan import make_plan
from computemarket.scenario.rules import RULES


def main() -> None:
    """Print one line per scenario, method and rule."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=["history", "baseline"])
    names = parser.parse_args().scenarios
    print(f"{'scenario':<10}{'method':<10}{'rule':<6}{'seconds':>9}{'epsilon':>9}{'share':>8}")
    for name in names:
        for method in ("own_type", "grid"):
            updates = {"bidding.mode": "strategic", "bidding.equilibrium": method}
            plan = make_plan(cm.load_scenario(name).with_updates(updates))
            for rule in (1, 2, 3):
                start = time.perf_counter()
                bids = rule_bids(plan, rule)
                seconds = time.perf_counter() - start
                share = bids.epsilon / plan.reserve_price
                print(
                    f"{name:<10}{method:<10}{RULES[rule]:<6}{seconds:>9.1f}"
                    f"{bids.epsilon:>9.4f}{share:>8.2%}"
                )


if __name__ == "__main__":
    main()
