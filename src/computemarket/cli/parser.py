"""The command line's options: :func:`build_parser`."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["build_parser"]


def _positive(text: str) -> int:
    """A whole number of at least one, for counts of workers and paths."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def _scenario_options(command: argparse.ArgumentParser, paths_help: str) -> None:
    """The scenario, paths, seed and workers options that ``run`` and ``compare`` share."""
    command.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help="TOML file or shipped scenario name (default: history, the market as it ran)",
    )
    command.add_argument("--paths", type=_positive, default=None, help=paths_help)
    command.add_argument(
        "--seed", type=int, default=None, help="random seed (default: the scenario's)"
    )
    command.add_argument(
        "--workers", type=_positive, default=1, help="threads running chunks (default: 1)"
    )
    command.add_argument(
        "--overwrite",
        action="store_true",
        help="replace outputs already in the folder given by --out (otherwise refused; "
        "the default folder, results/<name>, is replaced on each run)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The parser of every ``computemarket`` subcommand and its options."""
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
        "--chunk-paths",
        type=_positive,
        default=None,
        help="paths simulated together (default: 2048)",
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
        "compare",
        help="run a market under several contract rules or rule schedules on common random numbers",
    )
    _scenario_options(comp, "Monte Carlo paths per rule (default: the scenario's)")
    comp.add_argument(
        "--rules",
        default="exclusive,rofr,rofo,open",
        help="comma-separated rules, each held for the whole horizon, or scenarios that are "
        "the same market under another rule schedule (shipped names such as rofr_kept, or "
        "files) run as they are (default: exclusive,rofr,rofo,open)",
    )
    comp.add_argument(
        "--reference",
        default="open",
        help="rule or scenario to compare against (default: open)",
    )
    comp.add_argument(
        "--investment",
        choices=["fixed", "equilibrium"],
        default="fixed",
        help="under investment supply: keep the providers' policies under every rule "
        "(fixed, the default) or solve each rule's investment equilibrium first",
    )
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
        "--workers", type=_positive, default=1, help="local processes (default: 1, in-process)"
    )
    where.add_argument("--scheduler", default=None, help="address of a Dask scheduler to run on")
    where.add_argument(
        "--dask-local",
        type=_positive,
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
    back = sub.add_parser(
        "backtest",
        help="the dated facts of 2025-2026 beside the model's median and 90%% band",
    )
    back.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help="TOML file or shipped scenario name (default: history, the market as it ran)",
    )
    back.add_argument("--paths", type=_positive, default=None, help="Monte Carlo paths")
    back.add_argument(
        "--seed", type=int, default=None, help="random seed (default: the scenario's)"
    )
    back.add_argument(
        "--markdown", action="store_true", help="print a Markdown table (docs/calibration.md)"
    )
    back.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when a tested P-graded fact lies outside the model's band",
    )
    validate = sub.add_parser("validate", help="check scenario files and explain every problem")
    validate.add_argument("scenarios", nargs="+", help="TOML files or shipped scenario names")
    sub.add_parser("scenarios", help="list the shipped scenarios")
    return parser
