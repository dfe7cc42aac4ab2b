"""Reading scenarios: TOML files and the scenarios shipped with the package."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from computemarket.errors import Problem, ScenarioError
from computemarket.scenario.overlay import resolve_base
from computemarket.scenario.schema import Scenario
from computemarket.scenario.toml_files import parse_toml, read_toml

__all__ = ["DEFAULT_SCENARIO", "as_scenario", "load_scenario", "shipped_scenarios"]

#: Where the shipped scenario files live inside the package.
_SHIPPED = resources.files("computemarket.scenario") / "shipped"

#: The scenario read when none is named: the market as it ran (the ROFR from January to
#: October 2025, open after). ``baseline`` (the ROFR kept for ten years) is the legacy
#: default, kept so that earlier results can be reproduced.
DEFAULT_SCENARIO = "history"


def shipped_scenarios() -> list[str]:
    """List the scenarios shipped with the package.

    Returns
    -------
    list of str
        Their names, sorted; each loads with :func:`load_scenario`.

    Examples
    --------
    >>> "baseline" in shipped_scenarios()
    True
    """
    folder = _SHIPPED
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Read and validate a scenario.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file, or the name of a shipped scenario (``"history"``, ``"open"``, ...).
        Without it, the default scenario (:data:`DEFAULT_SCENARIO`: ``history``, the
        market as it ran). A file may name a ``base`` scenario and give only what differs
        from it (:mod:`computemarket.scenario.overlay`).

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        If the file is missing, is not valid TOML, or describes an invalid scenario (or
        names a base that is missing or invalid).

    Examples
    --------
    >>> load_scenario().name
    'history'
    >>> load_scenario("open").contract.rule
    'open'
    >>> kept = load_scenario("rofr_kept")  # history with another rule schedule
    >>> [(c.date, c.rule) for c in kept.contract.changes]
    [('2030-01', 'open')]
    """
    return _load(DEFAULT_SCENARIO if path is None else path, 0)


def _load(path: str | Path, depth: int) -> Scenario:
    candidate = Path(path)
    if not candidate.exists() and str(path) in shipped_scenarios():
        source = f"{path} (shipped)"
        data = parse_toml((_SHIPPED / f"{path}.toml").read_text(), source)
        folder = None
    elif candidate.exists():
        source = str(path)
        data, _ = read_toml(candidate, "scenario file")
        folder = candidate.parent
    else:
        known = ", ".join(shipped_scenarios())
        raise ScenarioError(
            [Problem("", str(path), f"no such file, nor a shipped scenario ({known})")], str(path)
        )
    overlaid = resolve_base(data, source, folder, lambda base: _load(base, depth + 1), depth)
    return overlaid if overlaid is not None else Scenario.from_dict(data, source)


def as_scenario(scenario: Scenario | Mapping | str | Path | None) -> Scenario:
    """A scenario from any of the forms the API takes.

    Parameters
    ----------
    scenario : Scenario, mapping, str, Path or None
        A scenario (returned as it is), its tables as a mapping (validated with
        :meth:`Scenario.from_dict`), a TOML file or a shipped scenario's name, or None for
        the default.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If the scenario is invalid, or ``scenario`` is of none of these kinds.

    Examples
    --------
    >>> sc = load_scenario("open")
    >>> as_scenario(sc.to_dict()) == sc, as_scenario("open") == sc
    (True, True)
    """
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, Mapping):
        return Scenario.from_dict(scenario, source="mapping")
    if scenario is None or isinstance(scenario, str | Path):
        return load_scenario(scenario)
    raise ScenarioError(
        [
            Problem(
                "scenario",
                type(scenario).__name__,
                "must be a Scenario, a mapping of its tables, a TOML file or a shipped name",
            )
        ]
    )
