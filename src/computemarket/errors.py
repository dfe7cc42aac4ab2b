"""Exceptions raised by computemarket.

Every error a user can trigger with bad input derives from :class:`ComputeMarketError`,
so a script can catch them all at once; the validation errors also derive from
:class:`ValueError`, so code that already catches that keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ComputeMarketError",
    "InputError",
    "Problem",
    "ScenarioError",
    "StoreDamageWarning",
]


class ComputeMarketError(Exception):
    """Base class of every error computemarket raises on purpose.

    Examples
    --------
    >>> import computemarket as cm
    >>> try:
    ...     cm.simulate(paths=0)
    ... except cm.ComputeMarketError as exc:
    ...     print(type(exc).__name__, exc)
    InputError paths = 0: must be a whole number >= 1
    """


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    field : str
        Dotted path of the offending field, e.g. ``"providers[1].base_cost"``;
        empty when the problem concerns the whole input.
    value : object
        The value found there (``None`` when the field is missing).
    message : str
        What is wrong and what is allowed.
    show_value : bool, default True
        Whether the message shows the value. Values of keys the schema does not know are
        not shown: a file named as a scenario may hold anything (a token, a password).

    Examples
    --------
    >>> print(Problem("buyer.lead_months", 0, "must be >= 1"))
    buyer.lead_months = 0: must be >= 1
    >>> print(Problem("buyer.password", "hunter2", "unknown key", show_value=False))
    buyer.password: unknown key
    """

    field: str
    value: object
    message: str
    show_value: bool = True

    def __str__(self) -> str:
        if not self.field:
            return self.message
        if not self.show_value:
            return f"{self.field}: {self.message}"
        return f"{self.field} = {self.value!r}: {self.message}"


class ScenarioError(ComputeMarketError, ValueError):
    """A scenario (file, mapping or update) is invalid.

    Parameters
    ----------
    problems : list of Problem
        Every problem found, not only the first.
    source : str, optional
        Where the scenario came from (a file path), named in the message.

    Examples
    --------
    >>> err = ScenarioError([Problem("demand.volatility", -1.0, "must be >= 0")], "a.toml")
    >>> print(err)
    a.toml: 1 problem
      demand.volatility = -1.0: must be >= 0
    """

    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.source}: " if self.source else ""
        count = len(self.problems)
        head = f"{where}{count} problem{'s' if count != 1 else ''}"
        return "\n  ".join([head, *(str(p) for p in self.problems)])

    def __str__(self) -> str:
        return self._message()


class InputError(ComputeMarketError, ValueError):
    """An argument other than a scenario is invalid (demand paths, seeds, path counts).

    Parameters
    ----------
    field : str
        Name of the argument at fault.
    value : object
        The value given (or a short description of it, for arrays).
    message : str
        What is allowed.

    Examples
    --------
    >>> err = InputError("paths", -1, "must be a positive integer")
    >>> print(err)
    paths = -1: must be a positive integer
    >>> err.problem.field
    'paths'
    """

    def __init__(self, field: str, value: object, message: str) -> None:
        self.problem = Problem(field, value, message)
        super().__init__(str(self.problem))


class StoreDamageWarning(UserWarning):
    """A batch or record of a sweep store failed its checks; its points are computed again.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("points/0000000.nc cannot be read", StoreDamageWarning)
    >>> caught[0].category.__name__
    'StoreDamageWarning'
    """
