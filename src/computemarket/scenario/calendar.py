"""Month arithmetic: scenarios name months as ``"YYYY-MM"``, engines count them from zero."""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: object) -> str:
    """Return ``value`` as a ``"YYYY-MM"`` string.

    Accepts ``"YYYY-MM"``, ``"YYYY-MM-DD"`` (the day is dropped) and :class:`datetime.date`.

    Raises
    ------
    ValueError
        If the value is not a month.
    """
    if isinstance(value, _dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            try:
                day = _dt.date.fromisoformat(text)
            except ValueError:
                pass
            else:
                return f"{day.year:04d}-{day.month:02d}"
        match = _MONTH.match(text)
        if match and 1 <= int(match.group(2)) <= 12:
            return text
    msg = "must be a month written 'YYYY-MM' (or a date 'YYYY-MM-DD')"
    raise ValueError(msg)


def month_index(month: str, start: str) -> int:
    """Number of whole months from ``start`` to ``month`` (both ``"YYYY-MM"``)."""
    year, mon = (int(x) for x in month.split("-"))
    year0, mon0 = (int(x) for x in start.split("-"))
    return (year - year0) * 12 + (mon - mon0)


def month_dates(start: str, count: int) -> np.ndarray:
    """The first day of ``count`` consecutive months from ``start``, as ``datetime64[ns]``."""
    first = np.datetime64(start, "M")
    return (first + np.arange(count)).astype("datetime64[D]").astype("datetime64[ns]")
