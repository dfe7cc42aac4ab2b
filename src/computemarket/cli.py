"""The ``computemarket`` command line: run scenarios, validate scenario files."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from computemarket.errors import ComputeMarketError, ScenarioError
from computemarket.scenario import load_scenario, shipped_scenarios

__all__ = ["main"]

EXIT_BAD_INPUT = 2

_ROWS = (
    ("total_spend", "Buyer's spend (PV)"),
    ("unit_cost", "Unit cost"),
    ("shortfall_gw_months", "Shortfall"),
    ("served_fraction", "Demand served"),
    ("unmet_cost", "Value of unmet compute (PV)"),
    ("total_cost", "Spend + unmet (PV)"),
    ("holder_match_rate", "Holder match rate"),
    ("hhi", "HHI of delivered GW"),
    ("revenue", "Revenue (PV)"),
    ("share", "Share of delivered GW"),
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="computemarket",
        description="Simulate the market for AI compute under contract rules such as a "
        "right of first refusal.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="simulate a scenario; print a summary, save results and figures"
    )
    run.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help="TOML file or shipped scenario name (default: baseline)",
    )
    run.add_argument(
        "--paths", type=int, default=None, help="Monte Carlo paths (default: the scenario's)"
    )
    run.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    run.add_argument(
        "--engine",
        default="vector",
        choices=["vector", "des"],
        help="simulation engine: vector (fast, default) or des (SimPy reference)",
    )
    run.add_argument("--workers", type=int, default=1, help="threads running chunks (default: 1)")
    run.add_argument(
        "--chunk-paths", type=int, default=None, help="paths simulated together (default: 2048)"
    )
    run.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for results.nc and figures (default: results/<scenario name>)",
    )
    run.add_argument("--no-plots", action="store_true", help="do not draw figures")
    run.add_argument(
        "--summary-only",
        action="store_true",
        help="keep only each path's headline metrics (bounded memory for very many paths): "
        "writes summary.nc instead of results.nc and figures",
    )
    validate = sub.add_parser("validate", help="check scenario files and explain every problem")
    validate.add_argument("scenarios", nargs="+", help="TOML files or shipped scenario names")
    sub.add_parser("scenarios", help="list the shipped scenarios")
    return parser


def _format_table(summary) -> str:
    stats = ["mean", "std_error", "q05", "q50", "q95"]
    header = f"{'metric':<34}{'unit':<12}" + "".join(
        f"{h:>11}" for h in ("mean", "std err", "5%", "50%", "95%")
    )
    lines = [header, "-" * len(header)]
    for name, label in _ROWS:
        var = summary[f"{name}_stats"]
        unit = var.attrs["units"]
        if "provider" in var.dims:
            rows = [(f"{label}: {p}", var.sel(provider=p)) for p in var["provider"].values]
        else:
            rows = [(label, var)]
        for text, values in rows:
            cells = "".join(_cell(float(values.sel(statistic=s))) for s in stats)
            lines.append(f"{text:<34}{unit:<12}{cells}")
    return "\n".join(lines)


def _cell(value: float) -> str:
    if value != value:  # NaN
        return f"{'n/a':>11}"
    if abs(value) >= 1000:
        return f"{value:>11,.0f}"
    return f"{value:>11.3g}" if abs(value) < 1 else f"{value:>11.2f}"


def _run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from computemarket.simulate import simulate, simulate_summary
    from computemarket.summary import summarize

    scenario = load_scenario(args.scenario)
    out = args.out if args.out is not None else Path("results") / scenario.name
    paths = args.paths if args.paths is not None else scenario.run.paths
    options = {
        "engine": args.engine,
        "paths": args.paths,
        "seed": args.seed,
        "chunk_paths": args.chunk_paths,
        "workers": args.workers,
    }
    with tqdm(total=paths, unit="path", delay=2, file=sys.stderr, disable=None) as bar:
        if args.summary_only:
            summary = simulate_summary(scenario, progress=bar.update, **options)
            ds = None
        else:
            ds = simulate(scenario, progress=bar.update, **options)
            summary = summarize(ds)
    print(
        f"{scenario.name}: {summary.attrs['paths']:,} paths, seed {summary.attrs['seed']}, "
        f"engine {summary.attrs['engine']}, {scenario.horizon_months} months from {scenario.start}"
    )
    print(_format_table(summary))
    if ds is None:
        written = _write_outputs({"summary.nc": summary}, out, figures=None)
    else:
        written = _write_outputs({"results.nc": ds}, out, figures=None if args.no_plots else ds)
    print("\nwrote " + ", ".join(str(p) for p in written))
    return 0


def _write_outputs(datasets: dict, out: Path, *, figures) -> list[Path]:
    """Write datasets (and figures of ``figures``, a results dataset) into ``out`` at once.

    Everything is written into a hidden staging folder inside ``out`` first and moved into
    place only when all of it is written, so a failure leaves no partial output behind.
    """
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".computemarket-", dir=out))
    try:
        files = {}
        for name, dataset in datasets.items():
            dataset.to_netcdf(staging / name, engine="h5netcdf")
            files[name] = staging / name
        if figures is not None:
            import matplotlib.pyplot as plt

            from computemarket.plots import plot_delivered, plot_demand_fan

            for name, draw in (
                ("delivered_by_provider.png", plot_delivered),
                ("demand_vs_served.png", plot_demand_fan),
            ):
                fig = draw(figures)
                fig.savefig(staging / name, dpi=120)
                plt.close(fig)
                files[name] = staging / name
        written = []
        for name, path in files.items():
            os.replace(path, out / name)
            written.append(out / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _validate(args: argparse.Namespace) -> int:
    status = 0
    for name in args.scenarios:
        try:
            scenario = load_scenario(name)
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = EXIT_BAD_INPUT
        else:
            print(
                f"{name}: ok ({scenario.name}, {len(scenario.providers)} providers, "
                f"rule {scenario.contract.rule})"
            )
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        Exit status: 0 on success, 2 on bad input (scenario, options).
    """
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "validate":
            return _validate(args)
        for name in shipped_scenarios():
            print(f"{name:<16}{load_scenario(name).description}")
        return 0
    except ComputeMarketError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
