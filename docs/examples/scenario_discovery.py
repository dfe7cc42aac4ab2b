"""Driving the package from a scenario-discovery tool.

Tools such as the EMA Workbench call a model as ``outcomes = model(**levers)`` over a
sampled design and then look for the region of inputs where an outcome is bad. This
example writes that model function around ``with_updates`` and ``compare``, samples it
with a Latin hypercube, and finds the cost threshold above which the ROFR costs the
buyer the most: the first step of PRIM, written out in NumPy.
"""

import numpy as np
from scipy.stats import qmc

import computemarket as cm

BASE = cm.load_scenario("baseline")


def model(azure_cost: float, window: int) -> dict[str, float]:
    """The ROFR's extra total cost against an open market ($B), for two levers."""
    scenario = BASE.with_updates(
        {"providers.azure.base_cost": azure_cost, "contract.window_months": window}
    )
    result = cm.compare(scenario, rules=["rofr", "open"], paths=40, seed=1)
    cost = result.total_cost_diff_stats.sel(rule="rofr", statistic="mean")
    return {"rofr_cost": float(cost)}


sample = qmc.scale(qmc.LatinHypercube(d=2, seed=5).random(12), [10.0, 0.0], [13.0, 6.0])
levers = [{"azure_cost": float(c), "window": round(w)} for c, w in sample]
outcomes = np.array([model(**lever)["rofr_cost"] for lever in levers])

costs = np.array([lever["azure_cost"] for lever in levers])
threshold = float(np.quantile(outcomes, 0.75))
bad = outcomes >= threshold
print(f"ROFR cost over the sample: {outcomes.min():.1f} to {outcomes.max():.1f} $B")
print(f"the worst quarter has Azure's cost in [{costs[bad].min():.2f}, {costs[bad].max():.2f}]")
assert bad.any() and np.isfinite(outcomes).all()
