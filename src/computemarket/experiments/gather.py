"""Gathering a sweep's points into one dataset: batches over ``point``, then the result.

A batch stacks finished points over a ``point`` dimension (:func:`stack`); the result
puts every point in index order, marks failed ones, and gives grids a dimension per axis
(:func:`assemble`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from computemarket.errors import InputError
from computemarket.experiments.sweep_file import SweepSpec, dim_name
from computemarket.results.statistics import STATISTICS, statistics_variable
from computemarket.results.units import parameter_units
from computemarket.scenario import parameter_table

__all__ = ["PointStatistics", "assemble", "stack"]


@dataclass(frozen=True)
class PointStatistics:
    """A point's summary statistics (``m_stats`` arrays), as a worker sends them back."""

    values: dict[str, np.ndarray]
    providers: tuple[str, ...]


def stack(items: list[tuple[int, Any]]) -> xr.Dataset:
    """Finished points as one dataset over ``point`` (the points' indices)."""
    indices = np.array([index for index, _ in items], dtype=np.int64)
    first = items[0][1]
    if isinstance(first, PointStatistics):
        return _stack_statistics(indices, [stats for _, stats in items])
    same = all(
        ds.sizes == first.sizes
        and list(ds.data_vars) == list(first.data_vars)
        and all(ds[c].equals(first[c]) for c in first.coords)
        for _, ds in items[1:]
    )
    if not same:
        # Full time series of points with different tender schedules: pad what is missing.
        stacked = xr.concat(
            [ds for _, ds in items],
            dim="point",
            join="outer",
            coords="different",
            compat="equals",
            combine_attrs="override",
        )
        return stacked.assign_coords(point=indices)
    variables = {
        name: xr.Variable(
            ("point", *var.dims), np.stack([ds[name].values for _, ds in items]), var.attrs
        )
        for name, var in first.data_vars.items()
    }
    return xr.Dataset(variables, coords={**first.coords, "point": indices}, attrs=first.attrs)


def _stack_statistics(indices: np.ndarray, items: list[PointStatistics]) -> xr.Dataset:
    first = items[0]
    variables = {}
    for name in first.values:
        stacked = np.stack([item.values[name] for item in items])
        metric = name.removesuffix("_stats")
        variables[name] = statistics_variable(metric, stacked, leading=("point",))
    coords = {
        "point": indices,
        "statistic": list(STATISTICS),
        "provider": np.array(first.providers, dtype=object),
    }
    return xr.Dataset(variables, coords=coords)


def assemble(spec: SweepSpec, parts: list[xr.Dataset], errors: dict[int, str]) -> xr.Dataset:
    """Every point of ``spec`` in index order, from batches ``parts`` and failures ``errors``."""
    if not parts:
        raise InputError(
            "sweep",
            spec.settings.name,
            f"every point failed; first error: {next(iter(errors.values()), '')}",
        )
    data = parts[0]
    if len(parts) > 1:
        # Points can differ in shape only with keep = "full" and axes that change the
        # tender schedule; their tender-level variables are then padded with missing values.
        data = xr.concat(
            parts,
            dim="point",
            join="outer",
            coords="different",
            compat="equals",
            combine_attrs="override",
        )
    # Every point in index order; a failed point's values are missing: NaN for floats,
    # -1 for integers, False for flags.
    fill = {
        name: _missing(var.dtype) for name, var in data.data_vars.items() if "point" in var.dims
    }
    data = data.reindex(point=np.arange(len(spec.points)), fill_value=fill)
    data = data.drop_vars("point")
    failed = np.array([p.index in errors for p in spec.points])
    data["failed"] = ("point", failed)
    data["error"] = (
        "point",
        np.array([errors.get(p.index, "") for p in spec.points], dtype=object),
    )
    names = [a.path for a in spec.axes]
    units = {row["path"]: parameter_units(row["unit"]) for row in parameter_table(spec.base)}
    for path, dim in zip(names, _axis_dims(spec), strict=True):
        data = data.assign_coords({dim: ("point", [p.updates[path] for p in spec.points])})
        data[dim].attrs["parameter"] = path
        if units.get(path):
            data[dim].attrs["units"] = units[path]
    dims = _axis_dims(spec)
    if spec.design.kind == "grid" and len(dims) == 1:
        data = data.swap_dims(point=dims[0]).transpose(..., dims[0])  # axes last, as unstack does
    elif spec.design.kind == "grid":
        data = data.set_index(point=dims).unstack("point")
    else:
        data = data.assign_coords(point=np.arange(len(spec.points)))
    data.attrs = {
        "sweep": spec.text,
        "sweep_digest": spec.digest,
        "design": spec.design.kind,
        "paths_per_point": spec.settings.paths,
        "seed": spec.settings.seed,
        "common_random_numbers": int(spec.settings.common_random_numbers),
        "points": len(spec.points),
        "failed_points": int(failed.sum()),
        "parameters": json.dumps(names),
    }
    return data


def _missing(dtype: np.dtype) -> object:
    kind = dtype.kind
    return np.nan if kind in "fc" else (-1 if kind in "iu" else (False if kind == "b" else ""))


def _axis_dims(spec: SweepSpec) -> list[str]:
    return [dim_name(a.path) for a in spec.axes]
