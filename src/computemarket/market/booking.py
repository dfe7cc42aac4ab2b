"""The commitments book: booking contracts by term and the headroom left beside them.

The arithmetic that :class:`~computemarket.market.ledger.Ledger` applies to its schedule
of commitments, ``(month, provider, path)``, path axis last. The compiled kernel repeats
it operation for operation (``engines/compiled/kernel.py``), so that both give the same
numbers bit for bit. docs/model.md (Capacity ceilings and headroom; Supply) states the
rules.
"""

from __future__ import annotations

import numpy as np

__all__ = ["commit", "headroom_over_term", "rises_from", "total"]


def total(rows: np.ndarray) -> np.ndarray:
    """Sum over the first axis, one row after another.

    ``np.sum(rows, axis=0)`` may add pairwise when the other axes have length one (one
    path) and row by row otherwise; summing explicitly fixes the order, so that a path's
    total does not depend on how many paths are computed beside it.

    Examples
    --------
    >>> total(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).tolist()
    [9.0, 12.0]
    """
    out = np.zeros(rows.shape[1:])
    for row in rows:
        out = out + row
    return out


def rises_from(ceiling: np.ndarray) -> np.ndarray:
    """The first month from which each provider's capacity never falls, (P,).

    Parameters
    ----------
    ceiling : ndarray, shape (P, T)

    Examples
    --------
    >>> rises_from(np.array([[1.0, 2.0, 2.0], [2.0, 1.0, 3.0], [3.0, 2.0, 1.0]])).tolist()
    [0, 1, 2]
    """
    falls = np.diff(ceiling, axis=1) < 0.0  # falls[p, j]: from month j to j + 1
    last = np.where(falls.any(axis=1), falls.shape[1] - np.argmax(falls[:, ::-1], axis=1), 0)
    return last.astype(np.int64)


def headroom_over_term(
    developed: np.ndarray,
    commitments: np.ndarray,
    start: int,
    ends: np.ndarray,
    latest_start: int,
    rises_from: np.ndarray | None = None,
) -> np.ndarray:
    """GW (P, n) each provider can commit from ``start`` to its own end.

    Its developed capacity at the start less its commitments then. Where a contract booked
    earlier starts after ``start`` (``latest_start > start``: a shorter lead decided after
    a longer one), also no more, in each later month of the term, than its capacity then
    (at least the start's: a ceiling that falls does not shrink a contract) less its
    commitments then.

    Parameters
    ----------
    developed : ndarray, shape (P, T, n)
        Capacity each provider may commit in each month; the last month holds after it.
    commitments : ndarray, shape (H, P, n)
        GW committed by month, ``H`` at least every end.
    start : int
        The new contract's first month.
    ends : ndarray of int, shape (P,)
        Its after-last month with each provider.
    latest_start : int
        The latest first month of a contract booked so far.
    rises_from : ndarray of int, shape (P,), optional
        The month from which each provider's capacity never falls, where it is the same
        on every path (exogenous supply). After ``latest_start`` commitments only fall, so
        where capacity only rises from there no later month can hold less room and the
        months after it are skipped; the result is the same, bit for bit.

    Returns
    -------
    ndarray, shape (P, n)
        May be negative where commitments already exceed the capacity.

    Examples
    --------
    One provider with 1 GW, 0.6 GW booked from month 6: a contract from month 2 to 12 has
    1 GW of room at its start but only 0.4 beside the later one.

    >>> developed = np.ones((1, 24, 1))
    >>> book = np.zeros((24, 1, 1))
    >>> book[6:18] = 0.6
    >>> headroom_over_term(developed, book, 2, np.array([12]), latest_start=0).ravel().tolist()
    [1.0]
    >>> headroom_over_term(developed, book, 2, np.array([12]), latest_start=6).ravel().tolist()
    [0.4]
    """
    room = developed[:, start] - commitments[start]
    if latest_start > start:
        last = developed.shape[1] - 1
        for p, end in enumerate(ends.tolist()):
            if rises_from is not None and latest_start >= rises_from[p]:
                end = min(end, latest_start + 1)
            months = np.minimum(np.arange(start + 1, end), last)
            ceiling = np.maximum(developed[p, start], developed[p, months])
            later = np.min(ceiling - commitments[start + 1 : end, p], axis=0, initial=np.inf)
            room[p] = np.minimum(room[p], later)
    return room


def commit(
    commitments: np.ndarray,
    award: np.ndarray,
    start: int,
    ends: np.ndarray,
    latest_start: int | None = None,
) -> np.ndarray:
    """Book ``award`` (P, n) into ``commitments`` from ``start`` to each provider's end.

    Returns each provider's peak commitment over its own term, (P, n), the capacity its
    construction must cover (docs/model.md, Supply). Given ``latest_start``, the latest
    first month of any contract booked (this one included), the peak is sought only up
    to it: no contract starts later, so commitments only fall after it, and the peak is
    the same, bit for bit.

    Examples
    --------
    Two providers, 0.5 GW each from month 1, ending in months 3 and 5:

    >>> book = np.zeros((6, 2, 1))
    >>> peak = commit(book, np.full((2, 1), 0.5), 1, np.array([3, 5]))
    >>> book[:, :, 0].sum(axis=0).tolist(), peak.ravel().tolist()
    ([1.0, 2.0], [0.5, 0.5])
    """
    stop = len(commitments) if latest_start is None else latest_start + 1
    if (ends == ends[0]).all():
        end = int(ends[0])
        commitments[start:end] += award
        return np.max(commitments[start : min(end, stop)], axis=0)
    peak = np.empty_like(award)
    for p, end in enumerate(ends.tolist()):
        commitments[start:end, p] += award[p]
        peak[p] = np.max(commitments[start : min(end, stop), p], axis=0)
    return peak
