"""computemarket: the market for AI compute, simulated.

Model OpenAI's demand for compute against cloud providers' capacity under contract rules
such as Microsoft's right of first refusal, with a discrete-event engine (SimPy) and
labelled results (xarray).

Examples
--------
>>> import computemarket as cm
>>> ds = cm.simulate("baseline", paths=2, seed=0)
>>> sorted(ds.provider.values.tolist())
['azure', 'oracle', 'stargate']
"""

from computemarket.compare import compare
from computemarket.errors import ComputeMarketError, InputError, Problem, ScenarioError
from computemarket.lab import tender_study
from computemarket.results import package_version
from computemarket.scenario import Scenario, load_scenario, shipped_scenarios
from computemarket.simulate import simulate, simulate_summary
from computemarket.summary import summarize

__all__ = [
    "ComputeMarketError",
    "InputError",
    "Problem",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "load_scenario",
    "shipped_scenarios",
    "simulate",
    "simulate_summary",
    "summarize",
    "tender_study",
]

__version__ = package_version()
