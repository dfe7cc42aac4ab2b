"""The experiments layer: many runs of the model, designed and gathered.

- :mod:`~computemarket.experiments.comparison`: one scenario under several contract
  rules on common random numbers (:func:`compare`);
- :mod:`~computemarket.experiments.sweep_file`: sweep files, their designs and points
  (:func:`load_sweep`);
- :mod:`~computemarket.experiments.sweeps`: running a sweep's points on an executor
  (:func:`sweep`), with its store (:mod:`~computemarket.experiments.store`) and the
  gathering of points into one dataset (:mod:`~computemarket.experiments.gather`);
- :mod:`~computemarket.experiments.investment`: the providers' investment equilibrium
  (:func:`investment_equilibrium`), played on the policy profiles of
  :mod:`~computemarket.experiments.policies`;
- :mod:`~computemarket.experiments.sensitivity`: Sobol indices and response figures;
- :mod:`~computemarket.experiments.backtest`: the dated facts of 2025-2026 against the
  model's bands (:func:`backtest`).

It sits on :mod:`computemarket.simulation` and the results layer; only the command line
and the package's top level import it.
"""

from computemarket.experiments.backtest import Fact, backtest
from computemarket.experiments.comparison import compare, plot_comparison
from computemarket.experiments.investment import investment_equilibrium
from computemarket.experiments.sensitivity import plot_response, plot_sobol, sobol_indices
from computemarket.experiments.sweep_file import SweepSpec, load_sweep
from computemarket.experiments.sweeps import sweep

__all__ = [
    "Fact",
    "SweepSpec",
    "backtest",
    "compare",
    "investment_equilibrium",
    "load_sweep",
    "plot_comparison",
    "plot_response",
    "plot_sobol",
    "sobol_indices",
    "sweep",
]
