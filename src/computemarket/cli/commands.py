"""The command line's subcommands, one function each: arguments in, exit status out."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from computemarket.cli.output import FIGURES, check_output, safe_name, write_outputs
from computemarket.cli.tables import comparison_table, summary_table
from computemarket.errors import InputError, ScenarioError, StoreDamageWarning
from computemarket.scenario import load_scenario, shipped_scenarios

__all__ = [
    "EXIT_BAD_INPUT",
    "backtest_facts",
    "compare_rules",
    "list_scenarios",
    "run_scenario",
    "run_sweep",
    "validate_files",
]

EXIT_BAD_INPUT = 2
#: Seconds to wait for a Dask scheduler named with --scheduler.
SCHEDULER_TIMEOUT = 10


def run_scenario(args: argparse.Namespace) -> int:
    """``computemarket run``: simulate, print the summary table, write results and figures."""
    from tqdm import tqdm

    from computemarket.results.summary import summarize
    from computemarket.simulation import simulate, simulate_summary

    scenario = load_scenario(args.scenario)
    out = args.out if args.out is not None else Path("results") / safe_name(scenario.name)
    if args.summary_only:
        outputs = ["summary.nc"]
    else:
        outputs = ["results.nc"] + ([] if args.no_plots else list(FIGURES))
    # A folder the user names is theirs: its outputs are not replaced unasked. The default
    # folder, results/<name>, is the command's own, and a rerun replaces what it wrote.
    check_output(out, outputs, args.overwrite or args.out is None)
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
    print(summary_table(summary))
    if ds is None:
        written = write_outputs({"summary.nc": summary}, out, figures=None)
    else:
        written = write_outputs({"results.nc": ds}, out, figures=None if args.no_plots else ds)
    print("\nwrote " + ", ".join(str(p) for p in written))
    return 0


def compare_rules(args: argparse.Namespace) -> int:
    """``computemarket compare``: one market under several rules or schedules, paired paths."""
    from tqdm import tqdm

    from computemarket.experiments.comparison import HEADLINE, compare, plot_comparison

    scenario = load_scenario(args.scenario)
    rules = [r.strip() for r in args.rules.split(",") if r.strip()]
    out = args.out if args.out is not None else Path("results") / safe_name(scenario.name)
    check_output(out, ["compare.nc", "compare.png"], args.overwrite or args.out is None)
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
            investment=args.investment,
        )
    print(
        f"{scenario.name}: {result.attrs['paths']:,} paths per rule, seed {result.attrs['seed']}, "
        f"differences from '{result.attrs['reference']}' (mean ± standard error, common random "
        "numbers)"
    )
    print(comparison_table(result, HEADLINE, result.attrs["reference"]))
    import matplotlib.pyplot as plt

    fig = plot_comparison(result)
    try:
        written = write_outputs(
            {"compare.nc": result}, out, figures=None, extra={"compare.png": fig}
        )
    finally:
        plt.close(fig)
    print("\nwrote " + ", ".join(str(p) for p in written))
    return 0


def run_sweep(args: argparse.Namespace) -> int:
    """``computemarket sweep``: run a sweep file's design into its store."""
    import time

    from tqdm import tqdm

    from computemarket.experiments.sweep_file import load_sweep
    from computemarket.experiments.sweeps import sweep

    spec = load_sweep(args.file)  # every problem is reported before any work starts
    default = Path("results") / "sweeps" / safe_name(spec.settings.name)
    store = args.out if args.out is not None else default
    check_output(store, [], overwrite=False)  # a file is refused; the store guards the rest
    cluster = client = None
    executor: object = None
    if args.scheduler or args.dask_local:
        from distributed import Client, LocalCluster

        if args.scheduler:
            try:
                client = Client(args.scheduler, timeout=SCHEDULER_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(
                    "--scheduler",
                    args.scheduler,
                    f"cannot be reached within {SCHEDULER_TIMEOUT} s ({type(exc).__name__}); "
                    "check the address, or run with --dask-local N",
                ) from None
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
        with warnings.catch_warnings():
            warnings.simplefilter("always", StoreDamageWarning)
            warnings.showwarning = _show_store_damage(warnings.showwarning)
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


def _show_store_damage(show):
    """A ``warnings.showwarning`` that prints store damage as one plain line."""

    def showwarning(message, category, *rest, **options):
        if issubclass(category, StoreDamageWarning):
            print(f"warning: {message}", file=sys.stderr)
        else:
            show(message, category, *rest, **options)

    return showwarning


def _sweep_figures(result, store: Path) -> list[Path]:
    """Sobol indices (table and figure) for Sobol sweeps; a response figure for grids."""
    import matplotlib.pyplot as plt

    from computemarket.experiments.sensitivity import plot_response, plot_sobol, sobol_indices

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


def backtest_facts(args: argparse.Namespace) -> int:
    """``computemarket backtest``: the facts of 2025-2026 against the model's bands."""
    from computemarket.experiments.backtest import backtest, backtest_table

    result = backtest(args.scenario, paths=args.paths, seed=args.seed)
    print(
        f"{result.attrs['scenario_name']}: {result.attrs['paths']} paths, seed "
        f"{result.attrs['seed']}; a fact is inside when its range meets the model's 5-95% band"
    )
    print(backtest_table(result, markdown=args.markdown))
    outside = ~result["inside"].values
    limits = result["fact"].values[outside & ~result["tested"].values]
    if limits.size:
        print(f"outside, known limits of the model (not tested): {', '.join(map(str, limits))}")
    held = (result["grade"].values == "P") & result["tested"].values
    missed = result["fact"].values[held & outside]
    if missed.size:
        print(f"P-graded facts outside the band: {', '.join(map(str, missed))}")
        return 1 if args.strict else 0
    return 0


def validate_files(args: argparse.Namespace) -> int:
    """``computemarket validate``: check scenario files and list every problem."""
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


def list_scenarios(args: argparse.Namespace) -> int:
    """``computemarket scenarios``: each shipped scenario with its description."""
    for name in shipped_scenarios():
        print(f"{name:<16}{load_scenario(name).description}")
    return 0
