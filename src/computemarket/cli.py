"""The ``computemarket`` command line: run scenarios, validate scenario files."""

from __future__ import annotations

import argparse
import json
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
    ("buyer_surplus", "Buyer's surplus (PV)"),
    ("holder_surplus", "Holder's surplus (PV)"),
    ("outsider_surplus", "Outsiders' surplus (PV)"),
    ("holder_match_rate", "Holder match rate"),
    ("holder_price_premium", "Holder's price premium"),
    ("inefficient_award_rate", "Inefficient award rate"),
    ("late_gw_months", "Capacity late"),
    ("hhi", "HHI of delivered GW"),
    ("hhi_contracted", "HHI of contracted GW"),
    ("revenue", "Revenue (PV)"),
    ("share", "Share of delivered GW"),
)


def _scenario_options(command: argparse.ArgumentParser, paths_help: str) -> None:
    """The scenario, paths, seed and workers options that ``run`` and ``compare`` share."""
    command.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help="TOML file or shipped scenario name (default: baseline)",
    )
    command.add_argument("--paths", type=int, default=None, help=paths_help)
    command.add_argument(
        "--seed", type=int, default=None, help="random seed (default: the scenario's)"
    )
    command.add_argument(
        "--workers", type=int, default=1, help="threads running chunks (default: 1)"
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
    _scenario_options(run, "Monte Carlo paths (default: the scenario's)")
    run.add_argument(
        "--engine",
        default="vector",
        choices=["vector", "compiled", "des"],
        help="simulation engine: vector (NumPy, default), compiled (Numba, needs the "
        "'fast' extra) or des (SimPy reference); all give the same results",
    )
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
    comp = sub.add_parser(
        "compare", help="run a scenario under several contract rules on common random numbers"
    )
    _scenario_options(comp, "Monte Carlo paths per rule (default: the scenario's)")
    comp.add_argument(
        "--rules",
        default="exclusive,rofr,rofo,open",
        help="comma-separated rules (default: exclusive,rofr,rofo,open)",
    )
    comp.add_argument("--reference", default="open", help="rule to compare against (default: open)")
    comp.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for compare.nc and compare.png (default: results/<scenario name>)",
    )
    sw = sub.add_parser("sweep", help="run a sweep file's design of scenarios")
    sw.add_argument("file", type=Path, help="sweep file (see scenarios/sweeps/)")
    where = sw.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=int, default=1, help="local processes (default: 1, in-process)"
    )
    where.add_argument("--scheduler", default=None, help="address of a Dask scheduler to run on")
    where.add_argument(
        "--dask-local",
        type=int,
        default=None,
        metavar="N",
        help="start a Dask LocalCluster with N worker processes and run on it",
    )
    sw.add_argument(
        "--out",
        type=Path,
        default=None,
        help="store folder (default: results/sweeps/<sweep name>)",
    )
    sw.add_argument("--resume", action="store_true", help="continue the sweep in the store")
    sw.add_argument(
        "--engine",
        default="auto",
        choices=["auto", "vector", "compiled", "des"],
        help="simulation engine (default: auto, compiled where Numba is installed, else "
        "vector); all give the same results",
    )
    sw.add_argument(
        "--checkpoint-every",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="write finished points to the store at most this many seconds apart "
        "(default: 5; 0 writes each point as it finishes)",
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


def _write_outputs(datasets: dict, out: Path, *, figures, extra: dict | None = None) -> list[Path]:
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
        for name, fig in (extra or {}).items():
            fig.savefig(staging / name, dpi=120)
            files[name] = staging / name
        written = []
        for name, path in files.items():
            os.replace(path, out / name)
            written.append(out / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _compare(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from computemarket.compare import HEADLINE, compare, plot_comparison

    scenario = load_scenario(args.scenario)
    rules = [r.strip() for r in args.rules.split(",") if r.strip()]
    out = args.out if args.out is not None else Path("results") / scenario.name
    paths = args.paths if args.paths is not None else scenario.run.paths
    total = paths * len(set(rules) | {args.reference})
    with tqdm(total=total, unit="path", delay=2, file=sys.stderr, disable=None) as bar:
        result = compare(
            scenario,
            rules,
            args.reference,
            paths=args.paths,
            seed=args.seed,
            workers=args.workers,
            progress=bar.update,
        )
    print(
        f"{scenario.name}: {result.attrs['paths']:,} paths per rule, seed {result.attrs['seed']}, "
        f"differences from '{args.reference}' (mean ± standard error, common random numbers)"
    )
    names = [str(r) for r in result.rule.values]
    header = f"{'metric':<26}{'unit':<12}" + "".join(f"{n:>22}" for n in names)
    lines = [header, "-" * len(header)]
    for name in HEADLINE:
        level = result[f"{name}_stats"].sel(statistic="mean")
        diff = result[f"{name}_diff_stats"]
        cells = ""
        for rule in names:
            value = float(level.sel(rule=rule))
            if rule == args.reference:
                cells += f"{_short(value):>22}"
            else:
                d = float(diff.sel(rule=rule, statistic="mean"))
                se = float(diff.sel(rule=rule, statistic="std_error"))
                cells += f"{_short(d, signed=True) + ' ± ' + _short(se):>22}"
        lines.append(f"{name:<26}{result[name].attrs['units']:<12}{cells}")
    print("\n".join(lines))
    import matplotlib.pyplot as plt

    fig = plot_comparison(result)
    try:
        written = _write_outputs(
            {"compare.nc": result}, out, figures=None, extra={"compare.png": fig}
        )
    finally:
        plt.close(fig)
    print("\nwrote " + ", ".join(str(p) for p in written))
    return 0


def _short(value: float, signed: bool = False) -> str:
    if value != value:
        return "n/a"
    sign = "+" if signed else ""
    if abs(value) >= 100:
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.3g}"


def _sweep(args: argparse.Namespace) -> int:
    import time

    from tqdm import tqdm

    from computemarket.sweep import sweep
    from computemarket.sweepspec import load_sweep

    spec = load_sweep(args.file)  # every problem is reported before any work starts
    store = args.out if args.out is not None else Path("results") / "sweeps" / spec.settings.name
    cluster = client = None
    executor: object = None
    if args.scheduler or args.dask_local:
        from distributed import Client, LocalCluster

        if args.scheduler:
            client = Client(args.scheduler)
        else:
            cluster = LocalCluster(n_workers=args.dask_local, threads_per_worker=1, processes=True)
            client = Client(cluster)
        executor = client
    elif args.workers > 1:
        executor = "processes"
    start = time.perf_counter()
    bar = tqdm(total=len(spec.points), unit="point", file=sys.stderr, disable=None, delay=1)

    def progress(done: int, total: int) -> None:
        bar.n = done
        bar.refresh()

    try:
        result = sweep(
            spec,
            executor=executor,
            workers=args.workers,
            store=store,
            resume=args.resume,
            progress=progress,
            checkpoint_seconds=args.checkpoint_every,
            engine=args.engine,
        )
    finally:
        bar.close()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    seconds = time.perf_counter() - start
    points = result.attrs["points"]
    print(
        f"{spec.settings.name}: {points:,} points ({spec.design.kind}), "
        f"{spec.settings.paths:,} paths each, {result.attrs['failed_points']} failed, "
        f"{seconds:.1f} s ({points / seconds:.1f} points/s)"
    )
    written = [store / "result.nc"]
    written += _sweep_figures(result, store)
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def _sweep_figures(result, store: Path) -> list[Path]:
    """Sobol indices (table and figure) for Sobol sweeps; a response figure for grids."""
    import matplotlib.pyplot as plt

    from computemarket.sensitivity import plot_response, plot_sobol, sobol_indices

    written = []
    if result.attrs["design"] == "sobol" and not result.attrs["failed_points"]:
        indices = sobol_indices(result)
        print("\nSobol indices (first order / total, ± 95% half-width):")
        for metric in indices.metric.values:
            print(f"  {metric}")
            for param in indices.parameter.values:
                row = indices.sel(metric=metric, parameter=param)
                print(
                    f"    {param:<40} {float(row.S1):6.3f} ± {float(row.S1_conf):.3f}"
                    f"   {float(row.ST):6.3f} ± {float(row.ST_conf):.3f}"
                )
        fig = plot_sobol(indices)
        name = "sobol.png"
    elif result.attrs["design"] == "grid" and len(json.loads(result.attrs["parameters"])) <= 2:
        fig = plot_response(result)
        name = "response.png"
    else:
        return written
    fig.savefig(store / name, dpi=120)
    plt.close(fig)
    written.append(store / name)
    return written


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
        if args.command == "compare":
            return _compare(args)
        if args.command == "sweep":
            return _sweep(args)
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
