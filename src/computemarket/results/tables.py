"""Tidy tables of results: one row per value, without crossing dimensions that never meet.

``xarray.Dataset.to_dataframe`` builds every combination of a dataset's dimensions: a
results dataset of 500 paths crosses ``time`` with ``tender`` and ``provider`` into
millions of rows, most of them empty. :func:`to_frame` instead takes the variables of one
*level* (per path, per month, per tender, or per statistic) and stacks each over its own
dimensions only, in long form: one row per value, with the variable's name and units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from computemarket.errors import InputError

__all__ = ["LEVELS", "to_frame"]

#: Each level: the dimension its variables have, and the dimensions they may not have.
LEVELS: dict[str, tuple[str | None, frozenset[str]]] = {
    "path": ("path", frozenset({"time", "tender", "statistic"})),
    "time": ("time", frozenset({"tender", "statistic"})),
    "tender": ("tender", frozenset({"time", "statistic"})),
    "statistic": ("statistic", frozenset({"path", "time", "tender"})),
    "draw": ("draw", frozenset({"statistic"})),
}


def to_frame(ds: xr.Dataset, level: str = "path") -> pd.DataFrame:
    """The variables of one level of a dataset, as a long table.

    Parameters
    ----------
    ds : xarray.Dataset
        Results of :func:`~computemarket.simulate`, :func:`~computemarket.summarize`,
        :func:`~computemarket.compare`, :func:`~computemarket.sweep` or
        :func:`~computemarket.tender_study`.
    level : {"path", "time", "tender", "statistic", "draw"}, default "path"
        Which variables: those over ``path`` alone (and ``provider``, ``rule``, sweep
        axes...), over ``time``, over ``tender``, the statistics across paths, or a
        lab's draws.

    Returns
    -------
    pandas.DataFrame
        One row per value: a column per dimension the level's variables have (missing
        where a variable lacks it), then ``variable``, ``value`` and ``units``.

    Raises
    ------
    InputError
        If ``level`` is not one of :data:`LEVELS`, or no variable of ``ds`` belongs to it.

    Examples
    --------
    >>> import computemarket as cm
    >>> summary = cm.summarize(cm.simulate(paths=3, seed=1))
    >>> table = cm.to_frame(summary, "path")
    >>> table.columns.tolist()
    ['path', 'provider', 'variable', 'value', 'units']
    >>> table[table.variable == "share"].shape
    (21, 5)
    >>> cm.to_frame(summary, "statistic").query("variable == 'unit_cost_stats'").shape
    (5, 5)
    """
    if level not in LEVELS:
        raise InputError("level", level, f"must be one of {list(LEVELS)}")
    key, excluded = LEVELS[level]
    chosen = [
        name
        for name, var in ds.data_vars.items()
        if key in var.dims and not excluded & set(var.dims)
    ]
    if not chosen:
        raise InputError("level", level, f"no variable of this dataset is over {key!r}")
    parts = [_long(ds, name, code) for code, name in enumerate(chosen)]
    table = pd.concat(parts, ignore_index=True, sort=False)
    dims = [c for c in table.columns if c not in ("variable", "value")]
    for dim in dims:
        if table[dim].isna().any() and np.issubdtype(ds[dim].dtype, np.integer):
            table[dim] = table[dim].astype("Int64")  # missing where a variable lacks it
    units = [str(ds[name].attrs.get("units", "")) for name in chosen]
    codes = table["variable"].to_numpy()
    table["variable"] = pd.Categorical.from_codes(codes, categories=chosen)
    table["units"] = pd.Categorical(np.asarray(units, dtype=object)[codes])
    return table[[*dims, "variable", "value", "units"]]


def _long(ds: xr.Dataset, name: str, code: int) -> pd.DataFrame:
    """One variable, one row per value, its dimensions' labels as columns."""
    var = ds[name]
    shape = var.shape
    columns: dict[str, object] = {}
    for axis, dim in enumerate(var.dims):
        labels = ds[dim].values if dim in ds.coords else np.arange(shape[axis])
        inner = int(np.prod(shape[axis + 1 :], dtype=np.int64))
        outer = int(np.prod(shape[:axis], dtype=np.int64))
        columns[dim] = np.tile(np.repeat(labels, inner), outer)
    columns["variable"] = np.full(var.size, code, dtype=np.int32)
    columns["value"] = np.asarray(var.values).ravel()
    return pd.DataFrame(columns)
