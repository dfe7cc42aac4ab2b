"""Print the headline table of docs/economics.md: what the ROFR costs, with paired errors.

Run from the repository root: ``python docs/headline.py [--paths 1000] [--intermediate
{snapped,taker_set}] [--equilibrium {grid,own_type,exact}] [--modes
cost_plus,strategic] [--rows history,rofr_kept,exclusive_kept,baseline]``. Each row
pairs a scenario with its reference on common random numbers (the same seed, the same
draws path by path), for the shipped cost-plus bids and for strategic bidding (with
``bidding.intermediate`` and ``bidding.equilibrium`` as given, the grid by default:
docs/economics.md, Unlike providers in slack tenders): the default and its
counterfactuals with ``open_from_start``, the legacy baseline with the legacy ``open``.
"""

from __future__ import annotations

import argparse

import numpy as np

import computemarket as cm

#: (scenario, what it is, the scenario it is paired with).
ROWS = [
    ("history", "the ROFR as it ran (Jan-Oct 2025), the default", "open_from_start"),
    ("rofr_kept", "the ROFR kept to 2030", "open_from_start"),
    ("exclusive_kept", "exclusivity kept", "open_from_start"),
    ("baseline", "the legacy market, ROFR kept to 2035", "open"),
]
METRICS = [
    ("total_cost", "cost ($B)", None),
    ("total_spend", "spend ($B)", None),
    ("share", "holder share", "holder"),
    ("late_gw_months", "late (GW-mo)", None),
    ("inefficient_award_rate", "inefficient", None),
]


def _paired(a, b, name, holder):
    x, y = a[name], b[name]
    if holder is not None:
        x, y = x.sel(provider=holder), y.sel(provider=holder)
    d = (x - y).values
    d = d[~np.isnan(d)]
    return d.mean(), d.std(ddof=1) / np.sqrt(d.size)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--intermediate", default="snapped", choices=["snapped", "taker_set"])
    parser.add_argument("--equilibrium", default="grid", choices=["own_type", "exact", "grid"])
    parser.add_argument("--modes", default="cost_plus,strategic")
    parser.add_argument("--rows", default=",".join(name for name, _, _ in ROWS))
    args = parser.parse_args()
    rows = [row for row in ROWS if row[0] in args.rows.split(",")]
    header = "| scenario | bidding | " + " | ".join(label for _, label, _ in METRICS) + " |"
    print(header)
    print("|" + "---|" * (2 + len(METRICS)))
    for mode in args.modes.split(","):
        updates = {"bidding.mode": mode}
        if mode == "strategic":
            updates["bidding.intermediate"] = args.intermediate
            updates["bidding.equilibrium"] = args.equilibrium
        references = {}
        for name, _, paired in rows:
            if paired not in references:
                base = cm.load_scenario(paired).with_updates(updates)
                references[paired] = cm.simulate_summary(base, paths=args.paths)
            reference = references[paired]
            sc = cm.load_scenario(name).with_updates(updates)
            summary = cm.simulate_summary(sc, paths=args.paths)
            holder = sc.contract.holder
            cells = []
            for metric, _, by in METRICS:
                mean, se = _paired(summary, reference, metric, holder if by else None)
                cells.append(f"{mean:+.3g} ± {se:.2g}")
            print(f"| {name} | {mode} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
