"""Print the table of docs/economics.md for the default market with investment and entry on.

Run from the repository root: ``python docs/investment_history.py [--paths 1000]
[--solve-paths 200] [--entry-costs 1 3 8] [--jobs 2] [--bidding cost_plus]``. On
``history_investment.toml`` (the default market, its schedules as pipelines, AWS's GPU
capacity a potential entrant) it solves the providers' investment and entry equilibrium
(:func:`computemarket.investment_equilibrium`) under each rule schedule of the shipped
counterfactuals (the ROFR as it ran, the ROFR kept to 2030, and no right at all) for each
entry cost of AWS, simulates every equilibrium on the same paths, and prints each
schedule's difference from the open market with paired standard errors. Beside them: the
same schedules with every policy held at the open market's equilibrium (investment and
entry that do not respond to the rule), and the exogenous-supply answer of
``history.toml``. The solves are independent, so ``--jobs`` runs them in parallel
processes.

``--dates`` prints instead how the ROFR's cost with exogenous supply (``history.toml``)
depends on the late entrants' dates, and ``--aws`` what entering at once or waiting for
the right to end is worth to AWS and to the buyer on ``history_investment.toml``; both run
in seconds.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from investment_headline import paired  # docs/, beside this script

import computemarket as cm

#: The rule schedules, by the shipped file whose contract table they take.
SCHEDULES = {"ROFR as it ran": "history", "ROFR kept": "rofr_kept", "open": "open_from_start"}

#: The potential entrants: AWS's GPU and Trainium lines.
ENTRANTS = ("aws", "aws_trainium")

#: Differences reported: metric, column label, how providers are reduced.
METRICS = [
    ("total_cost", "cost ($B)", None),
    ("outside_developed_gw_months", "outside GW-months", None),
    ("outside_developed_gw", "outside GW by 2035", None),
    ("share", "holder share", "holder"),
    ("capex_spent", "capex ($B)", "sum"),
]


def _schedule(name: str) -> dict:
    contract = cm.load_scenario(name).to_dict()["contract"]
    return {"contract.rule": contract["rule"], "contract.changes": contract.get("changes", [])}


def _solve(args: tuple[float, str, int, str]) -> tuple[float, str, str, str, str]:
    """One schedule's equilibrium at one entry cost: its scenario as TOML and lines."""
    cost, schedule, paths, bidding = args
    market = cm.load_scenario("history_investment").with_updates(
        {
            "providers.aws.entry.cost": cost,
            "bidding.mode": bidding,
            **_schedule(SCHEDULES[schedule]),
        }
    )
    eq = cm.investment_equilibrium(market, paths=paths, seed=1)
    shares = ", ".join(
        f"{p} {s:.3g}{f' ({int(m):+d} mo)' if m else ''}"
        for p, s, m in zip(
            eq.provider.values, eq.build_share.values, eq.anticipation_months.values, strict=True
        )
    )
    thresholds = "; ".join(
        ", ".join(
            f"{rule} {'never' if value >= 1e5 else f'{value:.3g}'}"
            for rule, value in zip(own.rule.values, own.values, strict=True)
        )
        for own in (eq.entry_threshold.sel(provider=name) for name in ENTRANTS)
    )
    line = (
        f"entry cost {cost:g}, {schedule}: shares {shares}; thresholds (GPU; Trainium) "
        f"{thresholds}; "
        f"epsilon {eq.attrs['investment_epsilon']:.2%}; converged {bool(eq.attrs['converged'])}"
    )
    return cost, schedule, eq.attrs["scenario"], line, thresholds


def _cells(summary, reference, holder) -> str:
    return " | ".join(
        "{:+.3g} ± {:.2g}".format(*paired(summary, reference, metric, by, holder))
        for metric, _, by in METRICS
    )


def _entry(summary) -> str:
    """Each entrant's share of paths entered and median entry month, as table cells."""
    cells = []
    for name in ENTRANTS:
        month = summary.entry_month.sel(provider=name).values
        entered = np.isfinite(month)
        median = f"{np.median(month[entered]):.0f}" if entered.any() else "-"
        cells.append(f"{entered.mean():.3f} | {median}")
    return " | ".join(cells)


def _difference(a, b, metric: str) -> str:
    """The paired difference as a cell; a provider's profit is AWS's GPU line's."""
    by = "holder" if metric == "provider_profit" else None
    return "{:+.3g} ± {:.2g}".format(*paired(a, b, metric, by, "aws"))


#: AWS's GPU capacity bidding from January 2025, ready a year after (its development time).
AWS_EARLY = {
    "providers.aws.bids_from": "2025-01",
    "providers.aws.capacity": [{"date": "2025-01", "gw": 0.0}, {"date": "2026-02", "gw": 0.4}],
    "providers.aws_trainium.bids_from": "2025-01",
}


def _dates(paths: int, bidding: dict) -> None:
    """The ROFR's cost with exogenous supply, by the late entrants' dates."""
    history = cm.load_scenario("history").with_updates(bidding)
    open_ = cm.load_scenario("open_from_start").with_updates(bidding)
    every = {
        **AWS_EARLY,
        "providers.cerebras.bids_from": "2025-01",
        "providers.stargate.bids_from": "2025-01",
    }
    both = {
        "as typed in": {},
        "Cerebras from 2025-01": {"providers.cerebras.bids_from": "2025-01"},
        "Trainium from 2025-01": {"providers.aws_trainium.bids_from": "2025-01"},
        "the SoftBank sites from 2025-01": {"providers.stargate.bids_from": "2025-01"},
        "all four late entrants from 2025-01": every,
    }
    print("| entry dates | the ROFR as it ran costs ($B) |\n|---|---|")
    for label, updates in both.items():
        a = cm.simulate_summary(history.with_updates(updates), paths=paths)
        b = cm.simulate_summary(open_.with_updates(updates), paths=paths)
        print(f"| {label} | {_difference(a, b, 'total_cost')} |")
    # The investment file with history's dated entries back (AWS from 2025-11 on its
    # schedule, Trainium from 2026-02): investment supply alone.
    dated = {
        **{f"providers.{name}.entry": None for name in ENTRANTS},
        **{
            f"providers.{name}.{field}": history.provider(name).model_dump(mode="json")[field]
            for name in ("aws", "aws_trainium")
            for field in ("bids_from", "capacity")
        },
    }
    invested = cm.load_scenario("history_investment").with_updates({**dated, **bidding})
    a = cm.simulate_summary(invested, paths=paths)
    b = cm.simulate_summary(invested.with_updates(_schedule("open_from_start")), paths=paths)
    print(f"| as typed in, investment supply | {_difference(a, b, 'total_cost')} |")
    # Only the GPU line's entry decided, Trainium dated as in history.
    trainium = cm.load_scenario("history_investment").with_updates(
        {
            "providers.aws_trainium.entry": None,
            "providers.aws_trainium.bids_from": history.provider("aws_trainium").bids_from,
            **bidding,
        }
    )
    a = cm.simulate_summary(trainium, paths=paths)
    b = cm.simulate_summary(trainium.with_updates(_schedule("open_from_start")), paths=paths)
    print(f"| GPU line decided, Trainium dated | {_difference(a, b, 'total_cost')} |")
    # And exogenous supply at the investment file's costs (net of the shell annuity).
    net = {
        f"providers.{p.name}.{field}": getattr(p, field)
        for p in invested.providers
        for field in ("base_cost", "markup")
    }
    a = cm.simulate_summary(history.with_updates(net), paths=paths)
    b = cm.simulate_summary(open_.with_updates(net), paths=paths)
    print(
        f"| as typed in, exogenous supply at costs net of the annuity | "
        f"{_difference(a, b, 'total_cost')} |"
    )
    ran = cm.simulate_summary(history, paths=paths)
    for label, updates in (("AWS (both chips)", AWS_EARLY), ("all four", every)):
        b = cm.simulate_summary(open_.with_updates(updates), paths=paths)
        print(f"| {label} from 2025-01 under open only | {_difference(ran, b, 'total_cost')} |")


def _aws(paths: int, bidding: dict) -> None:
    """What entering at once, or waiting for the right to end, is worth to AWS and the buyer."""
    market = cm.load_scenario("history_investment").with_updates(bidding)
    at_once = cm.simulate_summary(market, paths=paths)
    profit = at_once.provider_profit.sel(provider="aws").values
    se = profit.std(ddof=1) / np.sqrt(paths)
    print(f"AWS's profit net of entry: {profit.mean():.3g} ± {se:.2g}")
    waits = market.with_updates(
        {
            "providers.aws.entry.threshold_by_rule.rofr": 1e6,
            "providers.aws.entry.threshold_by_rule.open": 0.0,
        }
    )
    waited = cm.simulate_summary(waits, paths=paths)
    print(
        f"waiting for the right to end, against entering at once (median entry month "
        f"{np.nanmedian(waited.entry_month.sel(provider='aws').values):.0f}):"
    )
    for metric in ("provider_profit", "total_cost", "total_spend", "unmet_cost"):
        print(f"  {metric}: {_difference(waited, at_once, metric)}")
    open_ = market.with_updates({"contract.rule": "open", "contract.changes": []})
    late = open_.with_updates({"providers.aws.entry.earliest": "2025-11"})
    print(
        "under open, entering from 2025-11 against at once, AWS's profit: "
        + _difference(
            cm.simulate_summary(late, paths=paths),
            cm.simulate_summary(open_, paths=paths),
            "provider_profit",
        )
    )


def main() -> None:
    """Solve the equilibria and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--solve-paths", type=int, default=200)
    parser.add_argument("--entry-costs", type=float, nargs="+", default=[1.0, 3.0, 8.0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--bidding", default="cost_plus", choices=["cost_plus", "strategic"])
    parser.add_argument("--dates", action="store_true", help="the ROFR's cost by entry dates")
    parser.add_argument("--aws", action="store_true", help="AWS's entry at once or waiting")
    args = parser.parse_args()
    bidding = {"bidding.mode": args.bidding}
    if args.dates or args.aws:
        if args.dates:
            _dates(args.paths, bidding)
        if args.aws:
            _aws(args.paths, bidding)
        return
    work = [
        (cost, name, args.solve_paths, args.bidding)
        for cost in args.entry_costs
        for name in SCHEDULES
    ]
    with ProcessPoolExecutor(args.jobs) as pool:
        solved = {(cost, name): rest for cost, name, *rest in pool.map(_solve, work)}
    for _, line, _ in solved.values():
        print(line)
    holder = cm.load_scenario("history").contract.holder

    def run(sc):
        return cm.simulate_summary(sc, paths=args.paths)

    labels = " | ".join(label for _, label, _ in METRICS)
    print(
        f"\n| GPU entry cost ($B) | schedule | investment | thresholds, GPU; Trainium (GW) | "
        f"GPU enters | median month | Trainium enters | median month | {labels} |"
    )
    print("|---|---|---|---|---|---|---|---|" + "---|" * len(METRICS))
    for cost in args.entry_costs:
        scenarios = {name: cm.Scenario.from_toml(solved[cost, name][0]) for name in SCHEDULES}
        reference = run(scenarios["open"])
        print(
            f"| {cost:g} | open | responds | {solved[cost, 'open'][2]} | {_entry(reference)} | "
            + " | ".join("0" for _ in METRICS)
            + " |"
        )
        for name in ("ROFR as it ran", "ROFR kept"):
            summary = run(scenarios[name])
            print(
                f"| {cost:g} | {name} | responds | {solved[cost, name][2]} | {_entry(summary)} | "
                f"{_cells(summary, reference, holder)} |"
            )
        for name in ("ROFR as it ran", "ROFR kept"):
            # Every policy at open's, the entrants' thresholds under the right included.
            fixed = scenarios["open"].with_updates(
                {
                    **_schedule(SCHEDULES[name]),
                    **{
                        f"providers.{entrant}.entry.threshold_by_rule.rofr": scenarios["open"]
                        .provider(entrant)
                        .entry.threshold("open")
                        for entrant in ENTRANTS
                    },
                }
            )
            summary = run(fixed)
            print(
                f"| {cost:g} | {name} | fixed at open's | {solved[cost, 'open'][2]} | "
                f"{_entry(summary)} | {_cells(summary, reference, holder)} |"
            )
    exogenous = {
        name: run(cm.load_scenario(file).with_updates(bidding)) for name, file in SCHEDULES.items()
    }
    for name in ("ROFR as it ran", "ROFR kept"):
        print(
            f"| - | {name} | exogenous (history.toml) | - | - | - | - | - | "
            f"{_cells(exogenous[name], exogenous['open'], holder)} |"
        )


if __name__ == "__main__":
    main()
