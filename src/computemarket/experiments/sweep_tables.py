"""The tables of a sweep file, validated: ``[sweep]``, ``[design]`` and ``[[axes]]``.

Checks across tables (bounds for sampled designs, values for grids and zips, distinct
grid values, equal zip lengths, one axis per parameter) are made here, before any point
is built; :mod:`computemarket.experiments.sweep_file` reads the file and builds the points.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from computemarket.errors import Problem
from computemarket.scenario.problems import CrossFieldError
from computemarket.scenario.sections import Whole

__all__ = ["MOST_POINTS", "Axis", "Design", "SweepFile", "SweepSettings"]

#: Most points one sweep may have (a sweep of 10,003 points takes about 5 minutes).
MOST_POINTS = 1_000_000


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SweepSettings(_Section):
    """The ``[sweep]`` table."""

    name: str = Field("sweep", strict=True)
    base: str = Field(
        "history",
        strict=True,
        description="Base scenario: a file or a shipped name (default: the default scenario).",
    )
    paths: Whole = Field(500, ge=1, strict=True, description="Monte Carlo paths per point.")
    seed: Whole = Field(0, ge=0, strict=True)
    common_random_numbers: bool = Field(True, strict=True)
    keep: Literal["summary", "paths", "full"] = "summary"


class Design(_Section):
    """The ``[design]`` table."""

    kind: Literal["grid", "zip", "lhs", "sobol"]
    samples: Whole | None = Field(None, ge=1, strict=True)
    sample_seed: Whole = Field(0, ge=0, strict=True)


class Axis(_Section):
    """One ``[[axes]]`` entry: a dotted scenario parameter and its values or bounds."""

    path: str = Field(strict=True, min_length=1)
    values: tuple[Any, ...] | None = None
    low: float | None = Field(None, allow_inf_nan=False)
    high: float | None = Field(None, allow_inf_nan=False)


class SweepFile(_Section):
    """A whole sweep file."""

    sweep: SweepSettings = Field(default_factory=SweepSettings)
    design: Design
    axes: tuple[Axis, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> SweepFile:
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
        if not problems and self.point_count() > MOST_POINTS:
            problems.append(
                Problem(
                    "design",
                    f"{self.point_count():,} points",
                    f"a sweep has at most {MOST_POINTS:,} points; split it into several sweeps "
                    "or sample it (lhs, sobol)",
                )
            )
        if problems:
            raise CrossFieldError(problems)
        return self

    def point_count(self) -> int:
        """How many points the design has, counted without making them."""
        kind = self.design.kind
        if kind == "grid":
            return math.prod(len(a.values or ()) for a in self.axes)
        if kind == "zip":
            return len(self.axes[0].values or ())
        samples = self.design.samples or 0
        return samples * (len(self.axes) + 2) if kind == "sobol" else samples
