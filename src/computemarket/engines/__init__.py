"""The engines layer: three ways of advancing the market's time, one model.

- :mod:`~computemarket.engines.des`: SimPy processes, one path at a time (the readable
  reference);
- :mod:`~computemarket.engines.vector`: a loop over months, NumPy over paths (the
  default);
- :mod:`~computemarket.engines.compiled`: a Numba loop over paths (optional, fastest for
  sweeps).

Each takes :class:`~computemarket.market.inputs.MarketInputs` and writes
:class:`~computemarket.market.records.Records`; the arithmetic they share lives in the
market layer below, so they agree bit for bit. The engines never import each other (an
import contract checks it); this package's :data:`ENGINES` names them.
"""

from __future__ import annotations

from collections.abc import Callable

from computemarket.engines import compiled, des, vector
from computemarket.errors import InputError
from computemarket.market.records import Records

__all__ = ["ENGINES", "check_engine"]

#: Engines by name: each maps MarketInputs (a progress callback, records to fill) to Records.
ENGINES: dict[str, Callable[..., Records]] = {
    "vector": vector.run,
    "des": des.run,
    "compiled": compiled.run,
}


def check_engine(engine: object, *, also: tuple[str, ...] = ()) -> None:
    """Raise :class:`~computemarket.errors.InputError` unless ``engine`` can run here.

    Parameters
    ----------
    engine : object
        A name in :data:`ENGINES`.
    also : tuple of str, optional
        Further names the caller accepts (and handles itself), listed in the message.

    Raises
    ------
    InputError
        If ``engine`` is not a known engine, or is ``"compiled"`` and Numba is missing.

    Examples
    --------
    >>> check_engine("vector")
    >>> check_engine("fast")
    Traceback (most recent call last):
    ...
    computemarket.errors.InputError: engine = 'fast': must be one of ['compiled', 'des', 'vector']
    """
    if not isinstance(engine, str) or engine not in ENGINES:
        raise InputError("engine", engine, f"must be one of {sorted(set(ENGINES) | set(also))}")
    if engine == "compiled":
        compiled.require()
