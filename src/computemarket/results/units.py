"""Units every output carries: strings pint parses, and the labels tables print.

Every variable's ``units`` attribute is a unit expression that `pint
<https://pint.readthedocs.io>`_ parses with a registry that knows US dollars
(:func:`unit_registry`), so ``ds.pint.quantify(unit_registry=cm.unit_registry())`` (the
``pint-xarray`` accessor) turns a results dataset into quantities, and
``.pint.to("USD / MW / month")`` converts them. Money is in billions of US dollars,
``GUSD`` (giga-USD); capacity in gigawatts, ``GW``; prices in ``GUSD / GW / year``;
volumes over time in ``GW * month``; shares and indices are ``1`` (dimensionless).

Tables and figures print shorter labels (:func:`label`): ``$B``, ``$B/GW-year``,
``GW-months``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = [
    "GW",
    "GW_MONTHS",
    "MONEY",
    "MONTHS",
    "PRICE",
    "label",
    "parameter_units",
    "unit_registry",
]

#: Gigawatts of compute capacity.
GW = "GW"
#: Billions of US dollars.
MONEY = "GUSD"
#: Billions of US dollars per gigawatt-year.
PRICE = "GUSD / GW / year"
#: Gigawatt-months (capacity summed over months).
GW_MONTHS = "GW * month"
#: Months.
MONTHS = "month"

_LABELS = {MONEY: "$B", PRICE: "$B/GW-year", GW_MONTHS: "GW-months", MONTHS: "months"}


#: The units of scenario parameters (``parameter_table``) as pint parses them.
_PARAMETER_UNITS = {
    "$B/GW-year": PRICE,
    "GW": GW,
    "months": MONTHS,
    "years": "year",
    "1/year": "1 / year",
    "1/sqrt(year)": "1 / year ** 0.5",
    "1": "1",
}


def parameter_units(unit: str) -> str | None:
    """A scenario parameter's unit (as ``parameter_table`` gives it) as pint parses it.

    None for parameters without units (names, dates, rules, flags: ``"-"``).

    Examples
    --------
    >>> parameter_units("$B/GW-year"), parameter_units("months"), parameter_units("-")
    ('GUSD / GW / year', 'month', None)
    """
    return _PARAMETER_UNITS.get(unit)


def label(units: str) -> str:
    """The short label tables and figures print for ``units``.

    Examples
    --------
    >>> label("GUSD / GW / year"), label("GW"), label("1")
    ('$B/GW-year', 'GW', '1')
    """
    return _LABELS.get(units, units)


@lru_cache(maxsize=1)
def unit_registry() -> Any:
    """A pint unit registry that parses every ``units`` attribute computemarket writes.

    Pint's default registry, with arrays kept as arrays (as ``pint-xarray`` needs) and
    one addition: ``USD``, a unit of the dimension
    ``[currency]`` (so ``GUSD`` is a billion of them). Needs ``pint`` (``pip install
    'computemarket[units]'``).

    Returns
    -------
    pint.UnitRegistry
        The same registry on every call.

    Examples
    --------
    >>> ureg = unit_registry()
    >>> price = ureg.Quantity(13.0, "GUSD / GW / year")
    >>> round(float(price.to("USD / kW / month").magnitude), 2)
    1083.33
    >>> float(ureg.Quantity(1.0, "GW * month").to("GW * year").magnitude)
    0.08333333333333333
    """
    import pint

    # pint-xarray needs quantities that wrap arrays, scalars included.
    registry = pint.UnitRegistry(force_ndarray_like=True)
    registry.define("USD = [currency] = US_dollar")
    return registry
