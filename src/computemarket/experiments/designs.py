"""Experiment designs: the parameter values of every point, and each point's seed.

``grid`` crosses the axes' values; ``zip`` takes them side by side; ``lhs`` draws a Latin
hypercube (:mod:`scipy.stats.qmc`) and ``sobol`` Saltelli's design (SALib), both scaled
to each axis's bounds, with sampled values of integer parameters rounded.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from computemarket.errors import Problem, ScenarioError
from computemarket.experiments.sweep_tables import SweepFile
from computemarket.scenario import Scenario

__all__ = ["design_points", "point_seeds"]


def _rounding(base: Scenario, path: str, where: str) -> bool:
    """Whether the base value at ``path`` is an integer (sampled values are then rounded)."""
    try:
        value = base.get(path)
    except ScenarioError as exc:
        problem = exc.problems[0]
        raise ScenarioError([Problem(where, path, problem.message)], "sweep") from None
    return isinstance(value, int) and not isinstance(value, bool)


def design_points(spec: SweepFile, base: Scenario) -> list[dict[str, Any]]:
    """Every point's parameter values, in index order, as ``{path: value}``."""
    axes = spec.axes
    kind = spec.design.kind
    if kind == "grid":
        return [
            dict(zip([a.path for a in axes], combo, strict=True))
            for combo in itertools.product(*[a.values for a in axes])
        ]
    if kind == "zip":
        return [
            dict(zip([a.path for a in axes], combo, strict=True))
            for combo in zip(*[a.values for a in axes], strict=True)
        ]
    lows = np.array([a.low for a in axes])
    highs = np.array([a.high for a in axes])
    if kind == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(axes), seed=spec.design.sample_seed).random(
            spec.design.samples
        )
        samples = qmc.scale(unit, lows, highs)
    else:
        from SALib.sample import sobol as saltelli

        problem = {
            "num_vars": len(axes),
            "names": [a.path for a in axes],
            "bounds": [[a.low, a.high] for a in axes],
        }
        samples = saltelli.sample(
            problem, spec.design.samples, calc_second_order=False, seed=spec.design.sample_seed
        )
    rounded = [_rounding(base, a.path, f"axes[{i}].path") for i, a in enumerate(axes)]
    return [
        {
            a.path: (round(float(v)) if r else float(v))
            for a, v, r in zip(axes, row, rounded, strict=True)
        }
        for row in samples
    ]


def point_seeds(seed: int, count: int, common: bool) -> list[int]:
    """Each point's seed: the sweep's seed (common random numbers) or one derived from the index."""
    if common:
        return [seed] * count
    return [
        int(np.random.SeedSequence([seed, i]).generate_state(1, np.uint64)[0] >> np.uint64(1))
        for i in range(count)
    ]
