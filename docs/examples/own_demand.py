"""Your own demand process: a saturating S-curve with random ceilings.

Demand paths of your own replace the scenario's lognormal process. The buyer then
forecasts from your paths (``forecast="paths"``), so a demand that levels off is not
forecast to keep growing.
"""

import numpy as np

import computemarket as cm

scenario = cm.load_scenario("history")
months = np.arange(scenario.horizon_months)
rng = np.random.default_rng(7)
ceilings = rng.uniform(8.0, 16.0, size=(200, 1))  # GW where each path levels off
demand = 0.8 + ceilings / (1.0 + np.exp(-(months - 36) / 9.0))

ds = cm.simulate(scenario, demand=demand, seed=1)
summary = cm.summarize(ds)
served = float(summary.served_fraction_stats.sel(statistic="mean"))
print(f"forecast: {ds.attrs['forecast']}; demand served: {served:.1%}")
assert ds.attrs["forecast"] == "paths" and 0.0 < served <= 1.0
