"""A regression on tidy tables: what a ROFR does to the buyer's unit cost, path by path.

``cm.compare`` runs the rules on common random numbers; ``cm.to_frame`` turns its
per-path metrics into a long table, one row per value, ready for a regression.
"""

import numpy as np

import computemarket as cm

result = cm.compare("baseline", rules=["rofr", "open"], paths=200, seed=1)
table = cm.to_frame(result, "path")
unit_cost = table[table.variable == "unit_cost"].pivot(index="path", columns="rule")["value"]

# unit_cost = a + b * rofr + path effect; with two rules b is the mean paired difference.
y = np.r_[unit_cost["open"], unit_cost["rofr"]]
rofr = np.r_[np.zeros(len(unit_cost)), np.ones(len(unit_cost))]
paths = np.tile(np.eye(len(unit_cost)), (2, 1))
design = np.column_stack([rofr, paths])
coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
effect = coefficients[0]
print(f"ROFR effect on unit cost: {effect:+.3f} $B/GW-year")
paired = float(result.unit_cost_diff_stats.sel(rule="rofr", statistic="mean"))
assert np.isclose(effect, paired)
