"""How numbers a user gives are read: integers from NumPy scalars and whole-number floats.

Scripts and tools hand over ``numpy.int64(3)`` or ``6.0`` where an integer is meant (an
EMA Workbench lever, a value read from an array, a sweep file's ``[0.0, 3.0]``). Scenario
fields (through :data:`~computemarket.scenario.sections.Whole`) and the arguments of
``simulate``, ``draw``, ``tender_study`` and ``sweep`` (through :func:`integer_argument`)
all read them by the same rule: an integral value is an integer, ``6.5`` and booleans are
refused, naming the field.
"""

from __future__ import annotations

import math
import numbers
import operator
from typing import Any

import numpy as np

from computemarket.errors import InputError

__all__ = ["integer_argument", "real_argument", "whole_number"]


def whole_number(value: Any) -> Any:
    """An integer given as a NumPy integer or a whole-number float, as a Python ``int``.

    Anything else is left for the field's own (strict) check to accept or refuse:
    ``6.5`` and ``True`` are refused as integers, naming the field.

    Parameters
    ----------
    value : object
        What the user gave.

    Returns
    -------
    object
        ``int(value)`` for integral NumPy scalars and finite whole floats; ``value`` as
        it was otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> whole_number(np.int64(3)), whole_number(6.0), whole_number(6.5), whole_number(True)
    (3, 6, 6.5, True)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return operator.index(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer():
            return int(number)
    return value


def integer_argument(name: str, value: Any, least: int) -> int:
    """``value`` as an ``int`` of at least ``least``, or an :class:`InputError` naming ``name``.

    Parameters
    ----------
    name : str
        The argument, named in the error.
    value : object
        What the user gave: an integer, a NumPy integer or a whole-number float.
    least : int
        The smallest value allowed.

    Returns
    -------
    int

    Raises
    ------
    InputError
        If the value is not a whole number of at least ``least``.

    Examples
    --------
    >>> import numpy as np
    >>> integer_argument("paths", np.int64(500), 1), integer_argument("paths", 500.0, 1)
    (500, 500)
    >>> integer_argument("paths", 0.5, 1)
    Traceback (most recent call last):
    ...
    computemarket.errors.InputError: paths = 0.5: must be a whole number >= 1
    """
    number = whole_number(value)
    if isinstance(number, bool) or not isinstance(number, int) or number < least:
        raise InputError(name, value, f"must be a whole number >= {least}")
    return number


def real_argument(
    name: str,
    value: Any,
    *,
    above: float | None = None,
    least: float | None = None,
    most: float | None = None,
) -> float:
    """``value`` as a finite ``float`` within bounds, or an :class:`InputError` naming ``name``.

    Python and NumPy reals (integers and floats of any width) are accepted; booleans,
    strings, complex numbers, NaN and infinities are not.

    Parameters
    ----------
    name : str
        The argument, named in the error.
    value : object
    above : float, optional
        The value must be greater than this.
    least, most : float, optional
        The value must be at least ``least`` and at most ``most``.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> real_argument("reserve_price", np.float32(1.5), above=0.0)
    1.5
    >>> real_argument("reserve_price", True, above=0.0)
    Traceback (most recent call last):
    ...
    computemarket.errors.InputError: reserve_price = True: must be a finite number > 0.0
    """
    bounds = []
    if above is not None:
        bounds.append(f"> {above}")
    if least is not None:
        bounds.append(f">= {least}")
    if most is not None:
        bounds.append(f"<= {most}")
    allowed = "must be a finite number" + (" " + " and ".join(bounds) if bounds else "")
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        raise InputError(name, value, allowed)
    try:
        number = float(value)
    except OverflowError:
        raise InputError(name, value, allowed) from None
    if (
        not np.isfinite(number)
        or (above is not None and not number > above)
        or (least is not None and number < least)
        or (most is not None and number > most)
    ):
        raise InputError(name, value, allowed)
    return number
