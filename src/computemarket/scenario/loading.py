"""Reading scenarios: TOML files and the scenarios shipped with the package."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from computemarket.errors import Problem, ScenarioError
from computemarket.scenario.schema import Scenario
from computemarket.scenario.toml_files import read_toml

__all__ = ["as_scenario", "load_scenario", "shipped_scenarios"]

#: Where the shipped scenario files live inside the package.
_SHIPPED = resources.files("computemarket.scenario") / "shipped"


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
        A TOML file, or the name of a shipped scenario (``"baseline"``, ``"open"``, ...).
        Without it, the default scenario: ``baseline``.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        If the file is missing, is not valid TOML, or describes an invalid scenario.

    Examples
    --------
    >>> load_scenario().name
    'baseline'
    >>> load_scenario("open").contract.rule
    'open'
    """
    if path is None:
        path = "baseline"
    candidate = Path(path)
    if not candidate.exists() and str(path) in shipped_scenarios():
        text = (_SHIPPED / f"{path}.toml").read_text()
        return _from_text(text, f"{path} (shipped)")
    if not candidate.exists():
        known = ", ".join(shipped_scenarios())
        raise ScenarioError(
            [Problem("", str(path), f"no such file, nor a shipped scenario ({known})")], str(path)
        )
    data, _ = read_toml(candidate, "scenario file")
    return Scenario.from_dict(data, str(path))


def _from_text(text: str, source: str) -> Scenario:
    return Scenario.from_toml(text, source)


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
