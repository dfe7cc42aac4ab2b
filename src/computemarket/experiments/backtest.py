"""The backtest: the dated facts of 2025-2026 against the model's bands under a scenario.

Each fact (:mod:`computemarket.experiments.facts`) is one dated, graded figure from
``shared/CALIBRATION.md`` that the model can speak to, with the range the source allows
and the model quantity it is compared with. :func:`backtest` simulates the scenario and
gives, for every fact, the model's median and 90% band over paths and whether the band
meets the fact's range. Facts that a default was set from say so (``calibrated``): they
check the arithmetic of the file, not the model. Facts shown to mark a known limit of the
model say so too (``tested`` is False).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from computemarket.errors import InputError
from computemarket.experiments.facts import FACTS, MEASURES, Fact
from computemarket.results.metrics import bought_elsewhere, elsewhere_terms
from computemarket.scenario import Scenario
from computemarket.simulation import simulate

__all__ = ["FACTS", "Fact", "backtest", "backtest_table"]


def _month(ds: xr.Dataset, month: str, field: str) -> int:
    """Index of ``month`` on the dataset's time axis, or a clear error."""
    times = ds["time"].values.astype("datetime64[M]")
    where = np.flatnonzero(times == np.datetime64(month, "M"))
    if where.size == 0:
        raise InputError(field, month, f"must lie in the scenario's horizon {times[0]}-{times[-1]}")
    return int(where[0])


def fact_values(ds: xr.Dataset, fact: Fact) -> np.ndarray:
    """The model's value of ``fact.measure`` on every path of a results dataset.

    Parameters
    ----------
    ds : xarray.Dataset
        Results from :func:`computemarket.simulate`.
    fact : Fact

    Returns
    -------
    ndarray, shape (path,)

    Raises
    ------
    InputError
        If a month lies outside the horizon, ``start`` comes after ``end``, or a provider
        is not in the market.

    Examples
    --------
    >>> import computemarket as cm
    >>> ds = cm.simulate(paths=4, seed=1)
    >>> fact_values(ds, FACTS[0]).round(2).tolist()
    [1.88, 1.88, 1.8, 2.5]
    """
    known = [str(p) for p in ds["provider"].values]
    for name in fact.providers:
        if name not in known:
            raise InputError(f"fact {fact.name!r}", name, f"must be one of the providers {known}")
    chosen = list(fact.providers) or known
    end = _month(ds, fact.end, f"fact {fact.name!r} end")
    begin = 0
    if fact.measure in ("rise", "spend", "signed"):  # the measures over a window
        if fact.start > fact.end:
            raise InputError(
                f"fact {fact.name!r} start", fact.start, f"must not come after end {fact.end}"
            )
        begin = _month(ds, fact.start, f"fact {fact.name!r} start")
    if fact.measure == "online":
        return ds["delivered"].sel(provider=chosen).isel(time=end).sum("provider").values
    if fact.measure == "rise":
        delivered = ds["delivered"].sel(provider=chosen).sum("provider")
        before = delivered.isel(time=begin - 1) if begin > 0 else 0.0 * delivered.isel(time=0)
        return (delivered.isel(time=end) - before).values
    if fact.measure == "spend":
        months = slice(begin, end + 1)
        spend = ds["spend"].sel(provider=chosen).isel(time=months).sum(("provider", "time"))
        if not fact.providers:  # the whole market: compute bought elsewhere counts too
            price, depth = elsewhere_terms(ds)
            bought = bought_elsewhere(ds["shortfall"].isel(time=months), depth).sum("time")
            spend = spend + bought * price / 12.0
        return spend.values
    if fact.measure == "contracted":
        scenario = Scenario.from_toml(ds.attrs["scenario"], "the results' scenario")
        # Every initial contract counts, whatever its start: each was signed before the
        # scenario's start.
        initial = sum(c.gw for c in scenario.initial_contracts if c.provider in chosen)
        return initial + _awards(ds, chosen, None, end)
    if fact.measure == "signed":
        return _awards(ds, chosen, begin, end)
    raise InputError(f"fact {fact.name!r}.measure", fact.measure, f"must be one of {MEASURES}")


def _awards(ds: xr.Dataset, chosen: list[str], first: int | None, last: int) -> np.ndarray:
    """GW awarded to ``chosen`` in tenders decided from month ``first`` (None: any) to ``last``."""
    months = ds["time"].values.astype("datetime64[M]")
    decided = ds["tender_decided"].values.astype("datetime64[M]")
    within = decided <= months[last]
    if first is not None:
        within &= decided >= months[first]
    awards = ds["award"].sel(provider=chosen).isel(tender=np.flatnonzero(within))
    return awards.sum(("tender", "provider")).values


def backtest(
    scenario: Scenario | str | Path | None = None,
    *,
    paths: int | None = None,
    seed: int | None = None,
    facts: tuple[Fact, ...] = FACTS,
) -> xr.Dataset:
    """Every fact beside the model's median and 90% band under ``scenario``.

    Parameters
    ----------
    scenario : Scenario, str, Path or None
        The scenario (default: the default scenario, the market as it ran).
    paths, seed : int, optional
        Override the scenario's run settings.
    facts : tuple of Fact
        The facts to check (default :data:`FACTS`).

    Returns
    -------
    xarray.Dataset
        Over a dimension ``fact`` (the names): ``low``, ``high`` (the fact's range),
        ``median``, ``p05``, ``p95`` (the model's), ``inside`` (whether the 5-95% band meets
        the range), with ``source``, ``grade``, ``unit``, ``calibrated``, ``tested`` and ``note`` as
        coordinates.

    Raises
    ------
    InputError
        If a fact names a month outside the horizon or a provider not in the market.
    ScenarioError
        If the scenario is invalid.

    Examples
    --------
    >>> result = backtest(paths=20, seed=3)
    >>> bool(result.inside.sel(fact="compute online, end-2025"))
    True
    """
    ds = simulate(scenario, paths=paths, seed=seed)
    values = np.array([fact_values(ds, fact) for fact in facts])
    p05, median, p95 = np.percentile(values, [5.0, 50.0, 95.0], axis=1)
    low = np.array([f.low for f in facts])
    high = np.array([f.high for f in facts])

    coords = {
        "fact": [f.name for f in facts],
        "source": ("fact", [f.source for f in facts]),
        "grade": ("fact", [f.grade for f in facts]),
        "unit": ("fact", [f.unit for f in facts]),
        "calibrated": ("fact", [f.calibrated for f in facts]),
        "note": ("fact", [f.note for f in facts]),
        "tested": ("fact", [f.tested for f in facts]),
    }
    data = {
        "low": ("fact", low),
        "high": ("fact", high),
        "median": ("fact", median),
        "p05": ("fact", p05),
        "p95": ("fact", p95),
        "inside": ("fact", (p95 >= low) & (p05 <= high)),
    }
    attrs = {k: ds.attrs[k] for k in ("scenario_name", "seed") if k in ds.attrs}
    attrs["paths"] = int(ds.sizes["path"])
    return xr.Dataset(data, coords=coords, attrs=attrs)


def backtest_table(result: xr.Dataset, markdown: bool = False) -> str:
    """The backtest as a text or Markdown table, one row per fact.

    Parameters
    ----------
    result : xarray.Dataset
        From :func:`backtest`.
    markdown : bool
        A Markdown table (for ``docs/calibration.md``) instead of aligned text.

    Returns
    -------
    str

    Examples
    --------
    >>> print(backtest_table(backtest(paths=20, seed=3)).splitlines()[0])  # doctest: +ELLIPSIS
    fact ...
    """
    header = ["fact", "source", "grade", "fact range", "model median", "model 90% band", "inside"]
    rows = []
    for name in result["fact"].values:
        one = result.sel(fact=name)
        unit = str(one["unit"].values)
        fitted = " (calibrated)" if bool(one["calibrated"]) else ""
        fitted += "" if bool(one["tested"]) else " (not tested)"
        rows.append(
            [
                str(name),
                str(one["source"].values),
                str(one["grade"].values),
                f"{float(one['low']):g}-{float(one['high']):g} {unit}",
                f"{float(one['median']):.2f}",
                f"{float(one['p05']):.2f}-{float(one['p95']):.2f}",
                ("yes" if bool(one["inside"]) else "**no**" if markdown else "NO") + fitted,
            ]
        )
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    )
