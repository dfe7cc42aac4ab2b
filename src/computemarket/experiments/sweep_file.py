"""Sweep files: a base scenario, parameter axes, and an explicit experiment design.

A sweep file is TOML::

    [sweep]
    name = "window_by_buildout"
    base = "../baseline.toml"      # a file (relative to the sweep file) or a shipped name
    paths = 500                    # Monte Carlo paths per point
    seed = 7
    common_random_numbers = true   # every point uses the same draws (else one stream each)
    keep = "summary"               # "summary" (statistics), "paths" (per-path metrics too)
                                   # or "full" (every time series as well: large)

    [design]
    kind = "grid"                  # grid | zip | lhs | sobol
    samples = 64                   # lhs: points; sobol: base samples N (N * (D + 2) points)
    sample_seed = 0                # lhs and sobol

    [[axes]]
    path = "contract.window_months"
    values = [0, 3, 6]             # grid and zip
    # low = 0 and high = 12          lhs and sobol (integers are rounded)

``grid`` crosses the axes' values; ``zip`` takes them side by side (equal lengths);
``lhs`` draws a Latin hypercube and ``sobol`` Saltelli's design for Sobol indices (SALib),
both scaled to each axis's bounds. Nothing is crossed or zipped implicitly.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from computemarket.errors import Problem, ScenarioError
from computemarket.scenario import Scenario, load_scenario
from computemarket.scenario.problems import CrossFieldError, problems_from

__all__ = ["Point", "SweepSpec", "dim_name", "load_sweep"]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SweepSettings(_Section):
    """The ``[sweep]`` table."""

    name: str = Field("sweep", strict=True)
    base: str = Field(
        "baseline", strict=True, description="Base scenario: a file or a shipped name."
    )
    paths: int = Field(500, ge=1, strict=True, description="Monte Carlo paths per point.")
    seed: int = Field(0, ge=0, strict=True)
    common_random_numbers: bool = Field(True, strict=True)
    keep: Literal["summary", "paths", "full"] = "summary"


class Design(_Section):
    """The ``[design]`` table."""

    kind: Literal["grid", "zip", "lhs", "sobol"]
    samples: int | None = Field(None, ge=1, strict=True)
    sample_seed: int = Field(0, ge=0, strict=True)


class Axis(_Section):
    """One ``[[axes]]`` entry: a dotted scenario parameter and its values or bounds."""

    path: str = Field(strict=True, min_length=1)
    values: tuple[Any, ...] | None = None
    low: float | None = Field(None, allow_inf_nan=False)
    high: float | None = Field(None, allow_inf_nan=False)


class _SweepFile(_Section):
    sweep: SweepSettings = Field(default_factory=SweepSettings)
    design: Design
    axes: tuple[Axis, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> _SweepFile:
        problems: list[Problem] = []
        sampled = self.design.kind in ("lhs", "sobol")
        if sampled and self.design.samples is None:
            problems.append(
                Problem("design.samples", None, f"a {self.design.kind} design needs a sample count")
            )
        for i, axis in enumerate(self.axes):
            where = f"axes[{i}]"
            if sampled:
                if axis.low is None or axis.high is None:
                    problems.append(
                        Problem(where, axis.path, "a sampled design needs low and high bounds")
                    )
                elif not axis.low < axis.high:
                    problems.append(
                        Problem(f"{where}.high", axis.high, f"must be above low ({axis.low})")
                    )
                if axis.values is not None:
                    problems.append(
                        Problem(
                            f"{where}.values",
                            list(axis.values),
                            "a sampled design takes bounds, not values",
                        )
                    )
            else:
                if not axis.values:
                    problems.append(
                        Problem(
                            f"{where}.values",
                            axis.values,
                            "a grid or zip design needs a non-empty list of values",
                        )
                    )
                elif self.design.kind == "grid" and len(set(map(repr, axis.values))) < len(
                    axis.values
                ):
                    problems.append(
                        Problem(
                            f"{where}.values", list(axis.values), "grid values must be distinct"
                        )
                    )
                if axis.low is not None or axis.high is not None:
                    problems.append(
                        Problem(where, axis.path, "a grid or zip design takes values, not bounds")
                    )
        if self.design.kind == "zip":
            lengths = {len(a.values or ()) for a in self.axes}
            if len(lengths) > 1:
                problems.append(
                    Problem("axes", sorted(lengths), "a zip design needs equally long value lists")
                )
        paths = [a.path for a in self.axes]
        if len(set(paths)) != len(paths):
            problems.append(Problem("axes", paths, "each parameter may appear on one axis only"))
        if problems:
            raise CrossFieldError(problems)
        return self


@dataclass(frozen=True)
class Point:
    """One point of a sweep: its index, its parameter values and its seed."""

    index: int
    updates: dict[str, Any]
    seed: int


@dataclass(frozen=True, eq=False)
class SweepSpec:
    """A validated sweep: settings, design, axes, the base scenario and every point.

    Build one with :func:`load_sweep`.
    """

    settings: SweepSettings
    design: Design
    axes: tuple[Axis, ...]
    base: Scenario
    points: tuple[Point, ...]
    text: str
    source: str

    @property
    def digest(self) -> str:
        """SHA-256 of the sweep's settings, design, axes and base scenario."""
        payload = repr((self.settings, self.design, self.axes, self.base.content_hash))
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def dims(self) -> tuple[str, ...]:
        """Result dimensions: one per axis for grids, ``point`` otherwise."""
        if self.design.kind == "grid":
            return tuple(dim_name(a.path) for a in self.axes)
        return ("point",)

    def scenario(self, point: Point) -> Scenario:
        """The scenario of one point."""
        return self.base.with_updates(point.updates)


def dim_name(path: str) -> str:
    """The result dimension named after a parameter path (``contract.window_months``...)."""
    return re.sub(r"[^A-Za-z0-9_]+", "_", path).strip("_")


def _rounding(base: Scenario, path: str) -> bool:
    """Whether the base value at ``path`` is an integer (sampled values are then rounded)."""
    data: Any = base.model_dump()
    for part in re.split(r"\.|\[|\]", path):
        if not part:
            continue
        if isinstance(data, list | tuple):
            names = [item.get("name") for item in data if isinstance(item, dict)]
            data = data[int(part)] if part.lstrip("-").isdigit() else data[names.index(part)]
        else:
            data = data[part]
    return isinstance(data, int) and not isinstance(data, bool)


def _points(spec: _SweepFile, base: Scenario) -> list[dict[str, Any]]:
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
    rounded = [_rounding(base, a.path) for a in axes]
    return [
        {
            a.path: (round(float(v)) if r else float(v))
            for a, v, r in zip(axes, row, rounded, strict=True)
        }
        for row in samples
    ]


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and validate a sweep file, and check every point's scenario before any work.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    SweepSpec

    Raises
    ------
    ScenarioError
        If the file is not valid TOML, breaks the sweep schema, names an unknown
        parameter, or gives a point whose scenario is invalid (every problem is listed).
    """
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ScenarioError([Problem("", source, "no such sweep file")], source) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([Problem("", None, f"not valid TOML: {exc}")], source) from None
    try:
        spec = _SweepFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, data, _SweepFile), source) from None
    base_ref = spec.sweep.base
    candidate = path.parent / base_ref
    base = load_scenario(candidate if candidate.exists() else base_ref)
    raw_points = _points(spec, base)
    problems: list[Problem] = []
    for i, updates in enumerate(raw_points):
        try:
            base.with_updates(updates)
        except ScenarioError as exc:
            for problem in exc.problems:
                problems.append(
                    Problem(
                        f"point {i} ({updates}): {problem.field}", problem.value, problem.message
                    )
                )
            if len(problems) >= 20:
                break
    if problems:
        raise ScenarioError(problems, source)
    seeds = _seeds(spec.sweep.seed, len(raw_points), spec.sweep.common_random_numbers)
    points = tuple(Point(i, u, s) for i, (u, s) in enumerate(zip(raw_points, seeds, strict=True)))
    return SweepSpec(spec.sweep, spec.design, spec.axes, base, points, text, source)


def _seeds(seed: int, count: int, common: bool) -> list[int]:
    """Each point's seed: the sweep's seed (common random numbers) or one derived from the index."""
    if common:
        return [seed] * count
    return [
        int(np.random.SeedSequence([seed, i]).generate_state(1, np.uint64)[0] >> np.uint64(1))
        for i in range(count)
    ]
