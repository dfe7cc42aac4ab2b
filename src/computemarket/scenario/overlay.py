"""Scenario files that build on another: ``base = "history"`` and only what differs.

A counterfactual is the same market under another rule schedule. Writing it as a whole
copy of the default lets the two drift apart; a file that names its ``base`` and gives
only the tables that change cannot. The base is a shipped scenario's name or a TOML file
(a relative path is read from the overlay's own folder), and may itself have a base.

The overlay's tables are applied as :meth:`~computemarket.scenario.Scenario.with_updates`
applies dotted paths: a table is entered key by key (``[contract] rule = "open"`` sets
``contract.rule`` and keeps the base's holder and window); a list (``changes``,
``capacity``, ``initial_contracts``) replaces the base's list whole; ``[providers.NAME]``
changes the named provider's fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from computemarket.errors import Problem, ScenarioError

__all__ = ["MOST_BASES", "SCHEDULE_FIELDS", "overlay_updates", "schedule_differences"]

#: Longest chain of bases followed (a file whose base has a base, ...).
MOST_BASES = 8

#: The tables in which two runs of one market under different rule schedules may differ:
#: the labels, the contract (rule, schedule, window) and the contracts signed at the start
#: (a rule may forbid some, e.g. an outsider's under exclusivity). The run table is left
#: out too: a comparison sets paths and seed for all.
SCHEDULE_FIELDS = ("name", "description", "contract", "initial_contracts", "run")


def overlay_updates(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """The dotted updates an overlay's tables stand for.

    Parameters
    ----------
    data : mapping
        The overlay's tables, without ``base``.
    prefix : str
        The dotted path above ``data`` (empty at the top).

    Returns
    -------
    dict of str to object
        Dotted paths and values, for :meth:`Scenario.with_updates`. Tables are entered
        (an empty one changes nothing); anything else (numbers, strings, lists) is a
        value. A provider named in ``[providers.NAME]`` is entered too, so that only the
        fields given change; a new provider cannot be added this way.

    Examples
    --------
    >>> overlay_updates({"name": "x", "contract": {"rule": "open", "changes": []}, "run": {}})
    {'name': 'x', 'contract.rule': 'open', 'contract.changes': []}
    """
    updates: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):  # an empty table changes nothing (not a reset)
            updates.update(overlay_updates(value, f"{path}."))
        else:
            updates[path] = value
    return updates


def resolve_base(
    data: dict[str, Any],
    source: str,
    folder: Path | None,
    load: Callable[[str | Path], Any],
    depth: int = 0,
) -> Any | None:
    """The scenario an overlay file describes, or None if ``data`` names no base.

    Parameters
    ----------
    data : dict
        The file's tables.
    source : str
        The file's name, for messages.
    folder : Path, optional
        Where a relative base path is read from (None: the current folder).
    load : callable
        Loads a base by shipped name or path (:func:`~computemarket.load_scenario`'s
        inner loader, which follows bases of its own to ``depth + 1``).
    depth : int
        How many bases led here.

    Returns
    -------
    Scenario or None

    Raises
    ------
    ScenarioError
        If ``base`` is not a string, names no file or shipped scenario, the chain is longer
        than :data:`MOST_BASES`, or the overlay's updates are invalid for the base.

    Examples
    --------
    >>> from computemarket import load_scenario
    >>> sc = resolve_base({"base": "history", "name": "x"}, "x.toml", None, load_scenario)
    >>> sc.name, sc.contract.rule
    ('x', 'rofr')
    """
    if "base" not in data:
        return None
    base = data["base"]
    if not isinstance(base, str) or not base.strip():
        raise ScenarioError(
            [Problem("base", base, "must be a shipped scenario's name or a TOML file")], source
        )
    if depth >= MOST_BASES:
        raise ScenarioError(
            [Problem("base", base, f"more than {MOST_BASES} bases in a chain (a loop?)")], source
        )
    where: str | Path = base
    if folder is not None and (folder / base).exists():
        where = folder / base
    try:
        parent = load(where)
    except ScenarioError as exc:
        raise ScenarioError(exc.problems, f"{source}, base {base!r}") from None
    rest = {key: value for key, value in data.items() if key != "base"}
    try:
        return parent.with_updates(overlay_updates(rest))
    except ScenarioError as exc:
        raise ScenarioError(exc.problems, f"{source} (on base {base!r})") from None


def schedule_differences(one: Any, other: Any) -> list[str]:
    """The tables in which two scenarios differ beyond their rule schedules.

    Parameters
    ----------
    one, other : Scenario
        Two scenarios.

    Returns
    -------
    list of str
        The top-level tables (``demand``, ``providers``, ...) that differ, outside
        :data:`SCHEDULE_FIELDS`; empty when the two are the same market under different
        rules, so that their paths pair on common random numbers.

    Examples
    --------
    >>> from computemarket import load_scenario
    >>> schedule_differences(load_scenario("history"), load_scenario("rofr_kept"))
    []
    >>> schedule_differences(load_scenario("baseline"), load_scenario("with_aws"))
    ['providers']
    """
    a, b = one.to_dict(), other.to_dict()
    return sorted(k for k in set(a) | set(b) if k not in SCHEDULE_FIELDS and a.get(k) != b.get(k))
