"""Sweep files: a base scenario, parameter axes, and an explicit experiment design.

A sweep file is TOML::

    [sweep]
    name = "window_by_buildout"
    base = "../baseline.toml"      # a file (relative to the sweep file) or a shipped name
    paths = 500                    # Monte Carlo paths per point
    seed = 7
    common_random_numbers = true   # every point uses the same draws (else one stream each)
    keep = "summary"               # "summary" (statistics), "paths" (per-path metrics too)
                                   # or "full" (every time series as well: large)

    [design]
    kind = "grid"                  # grid | zip | lhs | sobol
    samples = 64                   # lhs: points; sobol: base samples N (N * (D + 2) points)
    sample_seed = 0                # lhs and sobol

    [[axes]]
    path = "contract.window_months"
    values = [0, 3, 6]             # grid and zip
    # low = 0 and high = 12          lhs and sobol (integers are rounded)

``grid`` crosses the axes' values; ``zip`` takes them side by side (equal lengths);
``lhs`` draws a Latin hypercube and ``sobol`` Saltelli's design for Sobol indices (SALib),
both scaled to each axis's bounds. Nothing is crossed or zipped implicitly.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from computemarket.errors import Problem, ScenarioError
from computemarket.experiments.designs import design_points, point_seeds
from computemarket.experiments.sweep_tables import Axis, Design, SweepFile, SweepSettings
from computemarket.scenario import Scenario, load_scenario, shipped_scenarios
from computemarket.scenario.problems import problems_from
from computemarket.scenario.toml_files import check_depth, read_toml

__all__ = ["Point", "SweepSpec", "dim_name", "load_sweep"]


@dataclass(frozen=True)
class Point:
    """One point of a sweep: its index, its parameter values and its seed."""

    index: int
    updates: dict[str, Any]
    seed: int


@dataclass(frozen=True, eq=False)
class SweepSpec:
    """A validated sweep: settings, design, axes, the base scenario and every point.

    Build one with :func:`load_sweep`; run it with :func:`computemarket.sweep`.

    Parameters
    ----------
    settings : SweepSettings
        The ``[sweep]`` table: name, base scenario, paths, seed, what to keep.
    design : Design
        The ``[design]`` table: kind, samples and sampling seed.
    axes : tuple of Axis
        The ``[[axes]]``: dotted parameter paths with values or bounds.
    base : Scenario
        The base scenario every point updates.
    points : tuple of Point
        Every point of the design, in index order.
    text : str
        The sweep file's text.
    source : str
        Where it was read from.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "two.toml"
    >>> _ = file.write_text('''
    ... [design]
    ... kind = "zip"
    ... [[axes]]
    ... path = "buyer.lead_months"
    ... values = [12, 18]
    ... ''')
    >>> spec = load_sweep(file)
    >>> [p.updates for p in spec.points]
    [{'buyer.lead_months': 12}, {'buyer.lead_months': 18}]
    """

    settings: SweepSettings
    design: Design
    axes: tuple[Axis, ...]
    base: Scenario
    points: tuple[Point, ...]
    text: str
    source: str

    @property
    def digest(self) -> str:
        """SHA-256 of the sweep's settings, design, axes and base scenario.

        A store records it, so that ``resume`` refuses a store that holds another sweep.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> file = pathlib.Path(tempfile.mkdtemp()) / "grid.toml"
        >>> _ = file.write_text('''
        ... [design]
        ... kind = "grid"
        ... [[axes]]
        ... path = "providers.oracle.base_cost"
        ... values = [10.0, 12.0]
        ... ''')
        >>> spec = load_sweep(file)
        >>> spec.digest == load_sweep(file).digest
        True
        """
        payload = repr((self.settings, self.design, self.axes, self.base.content_hash))
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def dims(self) -> tuple[str, ...]:
        """Result dimensions: one per axis for grids, ``point`` otherwise.

        Each axis's dimension is its path with dots and brackets replaced by ``_``.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> file = pathlib.Path(tempfile.mkdtemp()) / "grid.toml"
        >>> _ = file.write_text('''
        ... [design]
        ... kind = "grid"
        ... [[axes]]
        ... path = "providers.oracle.base_cost"
        ... values = [10.0, 12.0]
        ... ''')
        >>> spec = load_sweep(file)
        >>> spec.dims
        ('providers_oracle_base_cost',)
        """
        if self.design.kind == "grid":
            return tuple(dim_name(a.path) for a in self.axes)
        return ("point",)

    def scenario(self, point: Point) -> Scenario:
        """The scenario of one point: the base scenario with the point's updates.

        Parameters
        ----------
        point : Point
            One of :attr:`points`.

        Returns
        -------
        Scenario
            The validated scenario.

        Raises
        ------
        ScenarioError
            If the updates are invalid (:func:`load_sweep` has checked every point).

        Examples
        --------
        >>> import pathlib, tempfile
        >>> file = pathlib.Path(tempfile.mkdtemp()) / "grid.toml"
        >>> _ = file.write_text('''
        ... [design]
        ... kind = "grid"
        ... [[axes]]
        ... path = "providers.oracle.base_cost"
        ... values = [10.0, 12.0]
        ... ''')
        >>> spec = load_sweep(file)
        >>> spec.scenario(spec.points[1]).provider("oracle").base_cost
        12.0
        """
        return self.base.with_updates(point.updates)


def _plain(spec: Mapping[str, Any]) -> tuple[dict[str, Any], Scenario | None]:
    """A sweep built in Python as plain TOML data, and the base scenario if it is one.

    NumPy scalars and arrays become Python numbers and lists; a base given as a scenario
    is named in the data by its name and content hash.
    """

    def plain(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple) or hasattr(value, "tolist"):
            value = value.tolist() if hasattr(value, "tolist") else value
            return [plain(v) for v in value] if isinstance(value, list) else value
        return value

    data = plain({k: v for k, v in spec.items()})
    settings = spec.get("sweep") if isinstance(spec.get("sweep"), Mapping) else None
    base = settings.get("base") if settings is not None else None
    if isinstance(base, Scenario):
        data["sweep"]["base"] = f"{base.name} (in memory, {base.content_hash[:12]})"
        return data, base
    return data, None


def dim_name(path: str) -> str:
    """The result dimension named after a parameter path (``contract.window_months``...)."""
    return re.sub(r"[^A-Za-z0-9_]+", "_", path).strip("_")


def _load_base(folder: Path, name: str, source: str) -> Scenario:
    """The sweep's base scenario: a file beside the sweep file, or a shipped scenario."""
    candidate = folder / name
    try:
        present = candidate.exists()
    except OSError:  # a name the file system cannot hold (too long, say)
        present = False
    if not present and name not in shipped_scenarios():
        raise ScenarioError(
            [
                Problem(
                    "sweep.base",
                    name[:200],
                    f"no such file in {folder}, nor a shipped scenario "
                    f"({', '.join(shipped_scenarios())})",
                )
            ],
            source,
        )
    try:
        return load_scenario(candidate if present else name)
    except ScenarioError as exc:
        raise ScenarioError(exc.problems, f"{exc.source} (the base of {source})") from None


def load_sweep(path: str | Path | Mapping[str, Any]) -> SweepSpec:
    """Read and validate a sweep, and check every point's scenario before any work.

    Parameters
    ----------
    path : str, Path or mapping
        The sweep file (format in this module's docstring and ``docs/sweeps.md``), or the
        same tables built in Python: ``{"sweep": {...}, "design": {...}, "axes": [...]}``.
        In a mapping, ``sweep.base`` may also be a :class:`~computemarket.Scenario`, and a
        relative base file is read from the working folder.

    Returns
    -------
    SweepSpec
        The validated sweep, with every point's parameters and seed.

    Raises
    ------
    ScenarioError
        If the file is not valid TOML, breaks the sweep schema, names an unknown
        parameter, or gives a point whose scenario is invalid (every problem is listed).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "window.toml"
    >>> _ = file.write_text('''
    ... [sweep]
    ... base = "baseline"
    ... paths = 20
    ... [design]
    ... kind = "grid"
    ... [[axes]]
    ... path = "contract.window_months"
    ... values = [0, 3, 6]
    ... ''')
    >>> spec = load_sweep(file)
    >>> len(spec.points), spec.dims
    (3, ('contract_window_months',))

    The same sweep built in Python:

    >>> spec = load_sweep({"sweep": {"paths": 20}, "design": {"kind": "grid"},
    ...                    "axes": [{"path": "contract.window_months", "values": [0, 3, 6]}]})
    >>> len(spec.points), spec.source
    (3, 'mapping')
    """
    given_base: Scenario | None = None
    if isinstance(path, Mapping):
        data, given_base = _plain(path)
        source, folder = "mapping", Path.cwd()
        text = tomli_w.dumps(data)
    else:
        path = Path(path)
        source, folder = str(path), path.parent
        data, text = read_toml(path, "sweep file")
    check_depth(data, source)
    try:
        spec = SweepFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, data, SweepFile), source) from None
    if given_base is not None:
        base = given_base
    else:
        base = _load_base(folder, spec.sweep.base, source)
    try:
        raw_points = design_points(spec, base)
    except ScenarioError as exc:
        raise ScenarioError(exc.problems, source) from None
    problems: list[Problem] = []
    for i, updates in enumerate(raw_points):
        try:
            base.with_updates(updates)
        except ScenarioError as exc:
            for problem in exc.problems:
                problems.append(
                    Problem(
                        f"point {i} ({updates}): {problem.field}", problem.value, problem.message
                    )
                )
            if len(problems) >= 20:
                break
    if problems:
        raise ScenarioError(problems, source)
    seeds = point_seeds(spec.sweep.seed, len(raw_points), spec.sweep.common_random_numbers)
    points = tuple(Point(i, u, s) for i, (u, s) in enumerate(zip(raw_points, seeds, strict=True)))
    return SweepSpec(spec.sweep, spec.design, spec.axes, base, points, text, source)
