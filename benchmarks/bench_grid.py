"""The grid solver on the games a cold strategic run solves: record them, replay variants.

``games.distributional.distributional_equilibrium`` is most of a cold strategic solve.
To compare changes to it on the games that matter, rather than on made-up ones, this
script works in two steps:

- ``--record DIR``: runs the scenarios (strategic bidding, a fresh solution cache, every
  game solved in this process) and writes each game the grid solver is given to ``DIR``:
  the costs, the reserve, the expected-sales function and, where the game has a check of
  its own that depends on the bids alone, what that check needs (the capacity game's
  sales table, or the refusal game under ``rofr``). The files are pickles: replay only
  a folder you recorded yourself.
- ``--replay DIR``: solves every recorded game again with the solver's defaults and with
  each ``--variant`` (keyword arguments of ``distributional_equilibrium``, such as
  ``rounds=600`` or ``tolerance=1e-3``), one after the other in this process, and prints
  the seconds and the largest deviation gain of the bids in the continuous game
  (``capacity_gain``, ``refusal_gain``: 8,193 prices between the lowest cost and the
  reserve) as a share of the reserve. The single-unit grid games of unlike providers and
  the two-bidder uniform-price games are timed but not checked here.

Seconds are comparable within one replay only: these machines are noisy.

    .venv/bin/python benchmarks/bench_grid.py --record DIR [--scenario history ...]
        [--paths 50]
    .venv/bin/python benchmarks/bench_grid.py --replay DIR [--variant rounds=600 ...]
"""

from __future__ import annotations

import argparse
import os
import pickle
import tempfile
import time
from pathlib import Path

import numpy as np


def record(folder: Path, scenarios: list[str], paths: int) -> None:
    """Run each scenario cold in this process and keep every grid game it solves."""
    os.environ["COMPUTEMARKET_CACHE"] = tempfile.mkdtemp(prefix="bench-grid-cache-")
    os.environ["COMPUTEMARKET_SOLVE_JOBS"] = "1"  # workers would not see the recorder
    import cloudpickle  # with distributed; pickles the sales closures by value

    import computemarket as cm
    from computemarket.games import bids, distributional, unit_grid

    folder.mkdir(parents=True, exist_ok=True)
    tags = {}

    def tagged(factory, kind):
        def make(game, *args, **kwargs):
            sales = factory(game, *args, **kwargs)
            tags[id(sales)] = (kind, game)
            return sales

        return make

    bids.capacity_grid_sales = tagged(distributional.capacity_grid_sales, "capacity")
    bids.refusal_grid_sales = tagged(distributional.refusal_grid_sales, "refusal")
    solve = distributional.distributional_equilibrium

    def recorder(costs, reserve, sales, **kwargs):
        kind, game = tags.get(id(sales), ("unchecked", None))
        path = folder / f"game{len(list(folder.glob('game*.pkl'))):04d}.pkl"
        with open(path, "wb") as file:
            cloudpickle.dump((np.asarray(costs), float(reserve), sales, kind, game), file)
        return solve(costs, reserve, sales, **kwargs)

    bids.distributional_equilibrium = recorder
    unit_grid.distributional_equilibrium = recorder
    for name in scenarios:
        start = time.perf_counter()
        scenario = cm.load_scenario(name).with_updates({"bidding.mode": "strategic"})
        cm.simulate(scenario, paths=paths, seed=0)
        count = len(list(folder.glob("game*.pkl")))
        print(f"{name}: {time.perf_counter() - start:.0f} s, {count} games recorded so far")


def _gain(costs, reserve, kind, game, solved_bids) -> float:
    from computemarket.games.divisible import capacity_gain
    from computemarket.games.quantiles import quantile_grid
    from computemarket.games.refusal import refusal_gain

    q = quantile_grid(costs.shape[1])
    if kind == "capacity":
        gain = capacity_gain(
            costs, solved_bids, q, reserve, quantity=game.quantity, capacity=game.capacity
        )
    elif kind == "refusal":
        gain = refusal_gain(costs, solved_bids, q, reserve, game)
    else:
        return np.nan
    return float(gain.max() / reserve)


#: The solver's settings a variant may change, and their types.
SETTINGS = {"actions": int, "rounds": int, "step": float, "tolerance": float}
WHAT = {int: "a whole number", float: "a number"}


def parse_variant(text: str) -> dict:
    """``"rounds=600,tolerance=1e-3"`` as keyword arguments; ValueError names what is wrong."""
    kwargs = {}
    for item in text.split(","):
        key, _, value = item.partition("=")
        if key not in SETTINGS:
            raise ValueError(f"--variant {text!r}: {key!r} is not one of {', '.join(SETTINGS)}")
        try:
            kwargs[key] = SETTINGS[key](value)
        except ValueError:
            raise ValueError(
                f"--variant {text!r}: {key} = {value!r} is not {WHAT[SETTINGS[key]]}"
            ) from None
        if kwargs[key] <= 0:
            raise ValueError(f"--variant {text!r}: {key} = {value} must be positive")
    return kwargs


def replay(folder: Path, variants: dict[str, dict]) -> None:
    """Solve every recorded game with the defaults and each variant; print a table."""
    from computemarket.games.distributional import distributional_equilibrium

    games = []
    for path in sorted(folder.glob("game*.pkl")):
        with open(path, "rb") as file:
            games.append(pickle.load(file))
    if not games:
        raise SystemExit(f"--replay {folder}: no recorded games (game*.pkl) there")
    settings = {"defaults": {}, **variants}
    checked = sum(kind in ("capacity", "refusal") for _, _, _, kind, _ in games)
    print(f"{len(games)} games, {checked} with a continuous check")
    print(
        f"{'variant':<24}{'seconds':>9}{'ratio':>7}{'median':>9}{'90th':>8}{'largest':>9}{'worse':>7}"
    )
    first_seconds, first_gains = None, None
    for name, kwargs in settings.items():
        seconds, gains = 0.0, []
        for costs, reserve, sales, kind, game in games:
            start = time.perf_counter()
            solved = distributional_equilibrium(costs, reserve, sales, **kwargs)
            seconds += time.perf_counter() - start
            gains.append(_gain(costs, reserve, kind, game, solved.bids))
        gains = np.array(gains)
        if first_seconds is None:
            first_seconds, first_gains = seconds, gains
        ok = ~np.isnan(gains)
        worse = int(np.sum(gains[ok] - first_gains[ok] > 5e-4))
        median, ninety, largest = (100 * np.quantile(gains[ok], p) for p in (0.5, 0.9, 1.0))
        print(
            f"{name:<24}{seconds:>9.1f}{seconds / first_seconds:>7.2f}"
            f"{median:>8.3f}%{ninety:>7.3f}%{largest:>8.3f}%{worse:>7}"
        )


def main() -> None:
    """Record or replay, as asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--record", type=Path, metavar="DIR")
    action.add_argument("--replay", type=Path, metavar="DIR")
    parser.add_argument("--scenario", action="append", help="default: history, open_from_start")
    parser.add_argument("--paths", type=int, default=50)
    parser.add_argument("--variant", action="append", default=[], metavar="KEY=VALUE[,...]")
    args = parser.parse_args()
    if args.record is not None:
        if args.variant:
            parser.error("--variant goes with --replay")
        record(args.record, args.scenario or ["history", "open_from_start"], args.paths)
    else:
        if args.scenario:
            parser.error("--scenario goes with --record")
        try:
            variants = {text: parse_variant(text) for text in args.variant}
        except ValueError as error:
            parser.error(str(error))
        replay(args.replay, variants)


if __name__ == "__main__":
    main()
