"""Print the investment table of docs/economics.md: the ROFR's cost when capacity responds.

Run from the repository root: ``python docs/investment_headline.py [--paths 1000]
[--solve-paths 200] [--bidding cost_plus]``. For each rule schedule (the ROFR as it ran,
the ROFR kept, exclusivity kept, and ``open``) it solves the providers' investment
equilibrium on ``investment.toml`` (:func:`computemarket.investment_equilibrium`), then
simulates every equilibrium on the same paths and prints each schedule's difference from
``open`` with paired standard errors. Beside it, the same differences with the
equilibrium of ``open`` held fixed (investment that does not respond to the rule), and
with exogenous supply (the baseline's schedules), so that the rows show what the
response of investment adds.
"""

from __future__ import annotations

import argparse

import numpy as np

import computemarket as cm

#: Rule schedules: a name, the contract table's updates.
SCHEDULES = {
    "history": {"contract.rule": "rofr", "contract.changes": [{"date": "2025-11", "rule": "open"}]},
    "rofr kept": {"contract.rule": "rofr", "contract.changes": []},
    "exclusive kept": {"contract.rule": "exclusive", "contract.changes": []},
    "open": {"contract.rule": "open", "contract.changes": []},
}
METRICS = [
    ("total_cost", "cost ($B)", None),
    ("total_spend", "spend ($B)", None),
    ("outside_developed_gw", "outside GW at end", None),
    ("share", "holder share", "holder"),
    ("served_fraction", "served", None),
    ("capex_spent", "capex ($B)", "sum"),
]


def paired(a, b, name, by, holder):
    """Mean and standard error of the paired difference ``a - b`` in ``name``.

    ``by`` reduces the provider dimension: ``"holder"`` selects ``holder`` (any provider's
    name), ``"sum"`` adds providers up, None leaves the metric as it is. NaN pairs are
    left out.
    """
    x, y = a[name], b[name]
    if by == "holder":
        x, y = x.sel(provider=holder), y.sel(provider=holder)
    elif by == "sum":
        x, y = x.sum("provider"), y.sum("provider")
    d = (x - y).values
    d = d[~np.isnan(d)]
    return d.mean(), d.std(ddof=1) / np.sqrt(d.size)


def _row(label, summary, reference, holder):
    cells = []
    for metric, _, by in METRICS:
        mean, se = paired(summary, reference, metric, by, holder)
        cells.append(f"{mean:+.3g} ± {se:.2g}")
    return f"| {label} | " + " | ".join(cells) + " |"


def main() -> None:
    """Solve the equilibria and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--solve-paths", type=int, default=200)
    parser.add_argument("--bidding", default="cost_plus", choices=["cost_plus", "strategic"])
    parser.add_argument(
        "--entry-only", action="store_true", help="print only the table of AWS's entry"
    )
    args = parser.parse_args()
    base = cm.load_scenario("investment").with_updates({"bidding.mode": args.bidding})
    if args.entry_only:
        _entry_table(args, base, base.contract.holder)
        return
    solved, policies = {}, {}
    for name, updates in SCHEDULES.items():
        eq = cm.investment_equilibrium(base.with_updates(updates), paths=args.solve_paths, seed=1)
        solved[name] = cm.Scenario.from_toml(eq.attrs["scenario"])
        policies[name] = eq
        shares = ", ".join(
            f"{p} {s:.3g} ({int(m):+d} mo)"
            for p, s, m in zip(
                eq.provider.values,
                eq.build_share.values,
                eq.anticipation_months.values,
                strict=True,
            )
        )
        print(
            f"{name}: build shares {shares}; epsilon {eq.attrs['investment_epsilon']:.2%}; "
            f"converged {bool(eq.attrs['converged'])}"
        )
    holder = base.contract.holder
    header = "| against open | " + " | ".join(label for _, label, _ in METRICS) + " |"
    rule = "|" + "---|" * (1 + len(METRICS))

    def run(sc):
        return cm.simulate_summary(sc, paths=args.paths)

    reference = run(solved["open"])
    print("\nInvestment responds to the rule (each schedule's own equilibrium):\n")
    print(header + "\n" + rule)
    for name in ("history", "rofr kept", "exclusive kept"):
        print(_row(name, run(solved[name]), reference, holder))
    print("\nInvestment fixed at open's equilibrium (only the rule changes):\n")
    print(header + "\n" + rule)
    for name in ("history", "rofr kept", "exclusive kept"):
        fixed = solved["open"].with_updates(SCHEDULES[name])
        print(_row(name, run(fixed), reference, holder))
    print("\nExogenous supply (the baseline's schedules):\n")
    exogenous = cm.load_scenario("baseline").with_updates({"bidding.mode": args.bidding})
    reference = run(exogenous.with_updates(SCHEDULES["open"]))
    print(header + "\n" + rule)
    for name in ("history", "rofr kept", "exclusive kept"):
        print(_row(name, run(exogenous.with_updates(SCHEDULES[name])), reference, holder))

    _entry_table(args, base, holder)


#: A potential entrant for the entry rows: AWS's pipeline of with_aws.toml (C4 AWS, C4 AWS
#: expansion), the same cost basis as the file's other providers, a year to develop
#: (C4 AWS: "all capacity by end-2026", about a year after the deal); the entry cost is
#: an assumption, varied.
ENTRANT = {
    "name": "aws",
    "base_cost": 9.92,
    "cost_spread": 0.15,
    "markup": 0.333,
    "lead_time_months": 12,
    "capacity": [
        {"date": "2025-01", "gw": 0.0},
        {"date": "2026-12", "gw": 0.4},
        {"date": "2028-12", "gw": 2.4},
    ],
    "investment": {"capex_per_gw": 12.0, "asset_life_years": 15.0, "development_months": 12},
}
ENTRY_COSTS = (3.0, 8.0)


def _entry_table(args, base, holder) -> None:
    """Entry of AWS, by entry cost and rule schedule, each schedule in its own equilibrium."""
    print("\nWith AWS as a potential entrant from 2025-01 (each schedule's equilibrium):\n")
    print(
        "| entry cost ($B) | schedule | AWS's thresholds (GW) | AWS enters (share of paths) | "
        "median entry month | cost against open ($B) | outside GW at end against open |"
    )
    print("|---|---|---|---|---|---|---|")
    data = base.to_dict()
    for cost in ENTRY_COSTS:
        entrant = {**ENTRANT, "entry": {"cost": cost, "earliest": "2025-01", "threshold_gw": 1.0}}
        market = cm.Scenario.from_dict({**data, "providers": [*data["providers"], entrant]})
        runs, thresholds = {}, {}
        for name in ("open", "history", "rofr kept"):
            eq = cm.investment_equilibrium(
                market.with_updates(SCHEDULES[name]), paths=args.solve_paths, seed=1
            )
            own = eq.entry_threshold.sel(provider="aws")
            thresholds[name] = ", ".join(
                f"{rule} {'never' if value >= 1e5 else f'{value:g}'}"
                for rule, value in zip(own.rule.values, own.values, strict=True)
            )
            runs[name] = cm.simulate_summary(
                cm.Scenario.from_toml(eq.attrs["scenario"]), paths=args.paths
            )
        for name, summary in runs.items():
            month = summary.entry_month.sel(provider="aws").values
            entered = np.isfinite(month)
            median = f"{np.median(month[entered]):.0f}" if entered.any() else "-"
            cost_diff = paired(summary, runs["open"], "total_cost", None, holder)
            outside = paired(summary, runs["open"], "outside_developed_gw", None, holder)
            print(
                f"| {cost:g} | {name} | {thresholds[name]} | {entered.mean():.3f} | {median} | "
                f"{cost_diff[0]:+.3g} ± {cost_diff[1]:.2g} | {outside[0]:+.3g} ± {outside[1]:.2g} |"
            )


if __name__ == "__main__":
    main()
