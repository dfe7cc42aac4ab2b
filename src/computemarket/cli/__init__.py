"""The ``computemarket`` command line: run, compare, sweep and validate scenarios.

:func:`main` parses the options (:mod:`~computemarket.cli.parser`), runs the subcommand
(:mod:`~computemarket.cli.commands`) and turns the package's errors into exit status 2
with the message on standard error. The command line sits on top of every layer; nothing
imports it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from computemarket.cli import commands
from computemarket.cli.commands import EXIT_BAD_INPUT
from computemarket.cli.parser import build_parser
from computemarket.errors import ComputeMarketError

__all__ = ["EXIT_BAD_INPUT", "main"]

_COMMANDS = {
    "run": commands.run_scenario,
    "compare": commands.compare_rules,
    "sweep": commands.run_sweep,
    "backtest": commands.backtest_facts,
    "validate": commands.validate_files,
    "scenarios": commands.list_scenarios,
}


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
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or options argparse refuses (it has said why)
        return int(exc.code or 0)
    try:
        return _COMMANDS[args.command](args)
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
