"""Per-provider cost distributions: any continuous ``scipy.stats`` distribution, by name.

A provider's ``cost`` table names a distribution and its parameters, for example
``cost = { distribution = "gamma", a = 16.0, scale = 0.72 }``: the provider's cost per
GW-year is then drawn from ``scipy.stats.gamma(a=16.0, scale=0.72)`` for every tender,
in place of ``base_cost`` times the scenario's shock (``costs.distribution``). From
Python, any frozen continuous distribution may be given instead
(``with_updates({"providers.oracle.cost": scipy.stats.gamma(16, scale=0.72)})``); it is
stored by name and parameters, so the scenario still writes to TOML. A distribution of
your own that scipy does not name is registered as a plug-in
(``register("cost", name, frozen)`` in :mod:`computemarket.scenario.registry`) and
named by ``distribution = "<name>"`` alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

from computemarket.scenario.registry import lookup, registered

__all__ = ["as_cost_table", "frozen_distribution"]

#: Probabilities at which a distribution's range is checked.
_TAILS = (1e-9, 1.0 - 1e-9)
#: Largest cost accepted at the upper check (as ``MOST_PRICE`` in sections).
_MOST_COST = 1e6


def as_cost_table(value: Any) -> Any:
    """A frozen scipy distribution as the table scenarios store; anything else unchanged.

    Examples
    --------
    >>> as_cost_table(stats.gamma(16.0, scale=0.75))
    {'distribution': 'gamma', 'a': 16.0, 'scale': 0.75}
    >>> as_cost_table({"distribution": "norm"})
    {'distribution': 'norm'}
    """
    dist = getattr(value, "dist", None)
    if not isinstance(dist, stats.rv_continuous):
        return value
    try:
        return _table_of(value, dist)
    except (TypeError, ValueError, OverflowError) as exc:
        # Array or complex parameters, say: pydantic would pass a TypeError through.
        raise ValueError(f"a frozen distribution with scalar, real parameters: {exc}") from None


def _table_of(value: Any, dist: Any) -> dict[str, Any]:
    if not isinstance(getattr(stats, dist.name, None), type(dist)):
        raise ValueError(
            f"a distribution scipy.stats does not name ({type(dist).__name__}) must be "
            "registered as a 'cost' plug-in and named by it"
        )
    shapes = [s.strip() for s in (dist.shapes or "").split(",") if s.strip()]
    table: dict[str, Any] = {"distribution": dist.name}
    table.update({name: float(arg) for name, arg in zip(shapes, value.args, strict=False)})
    extra = value.args[len(shapes) :]
    for name, arg in zip(("loc", "scale"), extra, strict=False):
        table[name] = float(arg)
    table.update({k: float(v) for k, v in value.kwds.items()})
    return table


def frozen_distribution(table: Mapping[str, Any]) -> Any:
    """The frozen distribution a ``cost`` table names, checked.

    Raises
    ------
    ValueError
        If the name is neither a continuous ``scipy.stats`` distribution nor a registered
        ``cost`` plug-in, a parameter is unknown or not a finite number, or the
        distribution's range is not within ``[0, 1e6]`` $B per GW-year.

    Examples
    --------
    >>> dist = frozen_distribution({"distribution": "uniform", "loc": 9.0, "scale": 2.0})
    >>> float(dist.mean())
    10.0
    >>> frozen_distribution({"distribution": "norm", "loc": 1.0})
    Traceback (most recent call last):
    ...
    ValueError: the costs it draws must lie in [0, 1e+06] $B/GW-year (from ... to ...)
    """
    name = table.get("distribution")
    if not isinstance(name, str):
        raise ValueError("needs distribution = the name of a scipy.stats distribution")
    parameters = {k: v for k, v in table.items() if k != "distribution"}
    if name in registered("cost"):
        if parameters:
            raise ValueError(f"the registered distribution {name!r} takes no parameters")
        frozen = lookup("cost", name)
    else:
        family = getattr(stats, name, None)
        if not isinstance(family, stats.rv_continuous):
            raise ValueError(
                f"distribution = {name!r}: not a continuous scipy.stats distribution nor a "
                f"registered one ({registered('cost')})"
            )
        shapes = [s.strip() for s in (family.shapes or "").split(",") if s.strip()]
        allowed = [*shapes, "loc", "scale"]
        for key, value in parameters.items():
            if key not in allowed:
                raise ValueError(f"{key!r} is not a parameter of {name}; it takes {allowed}")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{key} = {value!r}: must be a number")
            try:
                finite = np.isfinite(float(value))
            except OverflowError:
                finite = False
            if not finite:
                raise ValueError(f"{key} = {value!r}: must be finite")
        try:
            frozen = family(**{key: float(value) for key, value in parameters.items()})
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name}({parameters}) cannot be made: {exc}") from None
    try:
        with np.errstate(all="ignore"):
            low, high = (float(frozen.ppf(p)) for p in _TAILS)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"its quantiles cannot be computed: {exc}") from None
    if not (np.isfinite(low) and np.isfinite(high) and 0.0 <= low <= high <= _MOST_COST):
        raise ValueError(
            f"the costs it draws must lie in [0, {_MOST_COST:g}] $B/GW-year "
            f"(from {low:.4g} to {high:.4g} at probabilities {_TAILS[0]:g} and 1 - "
            f"{_TAILS[0]:g})"
        )
    return frozen
