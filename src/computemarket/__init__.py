"""computemarket: the market for AI compute, simulated.

Model OpenAI's demand for compute against cloud providers' capacity under contract rules
such as Microsoft's right of first refusal, with three engines that agree bit for bit (a
SimPy discrete-event reference, a NumPy vectorized engine and an optional Numba one) and
labelled results (xarray). Everything a script or an importing model needs is here; the
layers behind it are described in ``docs/architecture.md``.

Examples
--------
>>> import computemarket as cm
>>> ds = cm.simulate("baseline", paths=2, seed=0)
>>> sorted(ds.provider.values.tolist())
['azure', 'oracle', 'stargate']
"""

from computemarket.errors import (
    ComputeMarketError,
    InputError,
    Problem,
    ScenarioError,
    StoreDamageWarning,
)
from computemarket.experiments import (
    Fact,
    SweepSpec,
    backtest,
    compare,
    investment_equilibrium,
    load_sweep,
    plot_comparison,
    plot_response,
    plot_sobol,
    sobol_indices,
    sweep,
)
from computemarket.games import entry_study, tender_study
from computemarket.market.bidding import (
    BiddingModel,
    GridBidding,
    QuoteRequest,
    register_bidding,
)
from computemarket.market.forecast import Forecaster, ForecastRequest, register_forecaster
from computemarket.results.dataset import package_version
from computemarket.results.plots import plot_delivered, plot_demand_fan, plot_developed
from computemarket.results.summary import summarize
from computemarket.results.tables import to_frame
from computemarket.results.units import unit_registry
from computemarket.scenario import Scenario, load_scenario, parameter_table, shipped_scenarios
from computemarket.simulation import simulate, simulate_summary

__all__ = [
    "BiddingModel",
    "ComputeMarketError",
    "Fact",
    "ForecastRequest",
    "Forecaster",
    "GridBidding",
    "InputError",
    "Problem",
    "QuoteRequest",
    "Scenario",
    "ScenarioError",
    "StoreDamageWarning",
    "SweepSpec",
    "__version__",
    "backtest",
    "compare",
    "entry_study",
    "investment_equilibrium",
    "load_scenario",
    "load_sweep",
    "parameter_table",
    "plot_comparison",
    "plot_delivered",
    "plot_demand_fan",
    "plot_developed",
    "plot_response",
    "plot_sobol",
    "register_bidding",
    "register_forecaster",
    "shipped_scenarios",
    "simulate",
    "simulate_summary",
    "sobol_indices",
    "summarize",
    "sweep",
    "tender_study",
    "to_frame",
    "unit_registry",
]

__version__ = package_version()
