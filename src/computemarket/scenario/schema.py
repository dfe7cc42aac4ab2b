"""The scenario schema: validated, immutable descriptions of one market to simulate.

A scenario is a TOML file (see ``scenarios/baseline.toml``) turned into a :class:`Scenario`.
Every parameter carries a unit and a description in its field metadata;
:func:`~computemarket.scenario.parameters.parameter_table` lists them, and
``docs/model.md`` is written from it.

Validation uses pydantic v2: field types and bounds are declared once, and every problem
in a file is reported together with its dotted field path
(:mod:`computemarket.scenario.problems`); checks across fields are in
:mod:`computemarket.scenario.consistency`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import tomli_w
from pydantic import Field, ValidationError, model_validator

from computemarket.errors import Problem, ScenarioError
from computemarket.scenario.consistency import consistency_problems
from computemarket.scenario.problems import CrossFieldError, problems_from
from computemarket.scenario.sections import (
    Bidding,
    Buyer,
    Contract,
    Costs,
    Demand,
    InitialContract,
    Month,
    Provider,
    Run,
    Section,
    Whole,
    param,
)
from computemarket.scenario.supply import Supply
from computemarket.scenario.toml_files import check_depth, parse_toml
from computemarket.scenario.updates import drop_none, get_path, set_path

__all__ = ["Scenario"]


class Scenario(Section):
    """A complete, validated market scenario.

    Build one with :func:`~computemarket.load_scenario` (from TOML) or :meth:`from_dict`
    (from a mapping); change one with :meth:`with_updates`. Instances are immutable and
    compare by value. ``docs/model.md`` gives every parameter with its unit and default
    (:func:`~computemarket.parameter_table` lists them).

    Parameters
    ----------
    name : str, default "scenario"
        Short name; the default output folder of the command line.
    description : str, default ""
        What the scenario represents.
    start : str, default "2025-01"
        First simulated month, ``"YYYY-MM"``.
    horizon_months : int, default 120
        Number of simulated months.
    demand : Demand
        The buyer's demand process.
    buyer : Buyer
        The buyer's procurement policy and valuations.
    contract : Contract
        The contract rule, its holder, matching window and changes over time.
    bidding : Bidding
        How providers bid and how winners are paid.
    costs : Costs
        The family of the per-tender cost shocks.
    supply : Supply
        Whether capacity is a schedule or invested in (and the investment's timing).
    providers : tuple of Provider
        The providers, at least one.
    initial_contracts : tuple of InitialContract, default ()
        Contracts signed before the start.
    run : Run
        Default paths and seed.

    Raises
    ------
    pydantic.ValidationError
        When the class is called directly with invalid values; :meth:`from_dict` and
        :func:`~computemarket.load_scenario` raise :class:`~computemarket.ScenarioError`
        instead, with every problem's field path, value and what is allowed.

    Examples
    --------
    >>> from computemarket import load_scenario
    >>> sc = load_scenario()
    >>> sc.contract.rule, sc.contract.holder
    ('rofr', 'azure')
    >>> sc.with_updates({"contract.window_months": 6}).contract.window_months
    6
    """

    name: str = Field("scenario", description="Short name of the scenario.", strict=True)
    description: str = Field("", description="What the scenario represents.", strict=True)
    start: Month = Field("2025-01", description="First simulated month.")
    horizon_months: Whole = param(120, "months", "Number of simulated months.", ge=1, le=1200)
    demand: Demand = Field(default_factory=Demand, description="Demand process.")
    buyer: Buyer = Field(default_factory=Buyer, description="Procurement policy.")
    contract: Contract = Field(default_factory=Contract, description="Contract rule.")
    bidding: Bidding = Field(default_factory=Bidding, description="Bidding rule.")
    costs: Costs = Field(default_factory=Costs, description="Cost shocks.")
    supply: Supply = Field(default_factory=Supply, description="Capacity supply.")
    providers: tuple[Provider, ...] = Field(min_length=1, description="Providers.")
    initial_contracts: tuple[InitialContract, ...] = Field(
        (), description="Contracts in force or signed before the start."
    )
    run: Run = Field(default_factory=Run, description="Run defaults.")

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems = list(consistency_problems(self))
        if problems:
            raise CrossFieldError(problems)
        return self

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str | None = None) -> Scenario:
        """Validate a mapping (as read from TOML) into a scenario.

        Parameters
        ----------
        data : mapping
            The scenario's tables and values.
        source : str, optional
            Where the data came from, named in error messages.

        Returns
        -------
        Scenario
            The validated scenario.

        Raises
        ------
        ScenarioError
            Listing every problem, each with its field path, value and what is allowed.

        Examples
        --------
        >>> from computemarket import load_scenario
        >>> data = load_scenario().to_dict()
        >>> data["buyer"]["lead_months"] = 0
        >>> Scenario.from_dict(data, source="mine")
        Traceback (most recent call last):
        ...
        computemarket.errors.ScenarioError: mine: 1 problem
          buyer.lead_months = 0: must be greater than or equal to 1
        """
        check_depth(data, source)
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise ScenarioError(problems_from(exc, data, cls), source) from None

    @classmethod
    def from_toml(cls, text: str, source: str | None = None) -> Scenario:
        """Validate a scenario's TOML text (:meth:`to_toml`, or a results attribute).

        Parameters
        ----------
        text : str
            The scenario as TOML.
        source : str, optional
            Where the text came from, named in error messages.

        Returns
        -------
        Scenario

        Raises
        ------
        ScenarioError
            If the text is not valid TOML or not a valid scenario.

        Examples
        --------
        >>> from computemarket import load_scenario
        >>> sc = load_scenario("open")
        >>> Scenario.from_toml(sc.to_toml()) == sc
        True
        """
        return cls.from_dict(parse_toml(text, source or "TOML text"), source)

    def with_updates(self, updates: Mapping[str, Any]) -> Scenario:
        """Return a validated copy with some parameters changed.

        Parameters
        ----------
        updates : mapping of str to object
            Dotted parameter paths and their new values. List items are named by index or,
            for providers, by name: ``"providers.oracle.base_cost"``, ``"providers[1].markup"``.
            A new provider is added by its name and table
            (``{"providers.google": {...}}``); an item set to ``None`` is removed
            (``{"providers.stargate": None}``).

        Returns
        -------
        Scenario
            A new, validated scenario; this one is unchanged.

        Raises
        ------
        ScenarioError
            If a path names no parameter or a new value is invalid.

        Examples
        --------
        >>> from computemarket import load_scenario
        >>> sc = load_scenario().with_updates({"providers.oracle.base_cost": 9.0})
        >>> sc.provider("oracle").base_cost
        9.0
        >>> google = {"base_cost": 12.5, "capacity": [{"date": "2026-01", "gw": 2.0}]}
        >>> sc.with_updates({"providers.google": google}).provider_names
        ('azure', 'oracle', 'stargate', 'aws', 'aws_trainium', 'coreweave', 'cerebras', 'google')
        """
        if not isinstance(updates, Mapping):
            raise ScenarioError(
                [
                    Problem(
                        "updates",
                        type(updates).__name__,
                        "must be a mapping of dotted parameter paths to values",
                    )
                ],
                "update",
            )
        data = self.model_dump(mode="python")
        problems = []
        for path, value in updates.items():
            if not isinstance(path, str):
                problems.append(
                    Problem(
                        repr(path),
                        value,
                        "parameter paths are dotted strings, e.g. 'buyer.lead_months'",
                    )
                )
                continue
            try:
                set_path(data, path, value)
            except KeyError as exc:
                problems.append(Problem(path, value, str(exc.args[0])))
        if problems:
            raise ScenarioError(problems, "update")
        return Scenario.from_dict(data, source="update")

    # -- output ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain TOML-compatible data (``None`` values left out).

        Returns
        -------
        dict
            Tables and values as :meth:`from_dict` takes them back.

        Examples
        --------
        >>> from computemarket import load_scenario
        >>> load_scenario().to_dict()["contract"]["rule"]
        'rofr'
        """
        data = drop_none(self.model_dump(mode="json"))
        if self.contract.holder is None:  # no holder: "" in TOML, which has no null
            data["contract"]["holder"] = ""
        return data

    def to_toml(self) -> str:
        """The scenario as TOML text; :func:`~computemarket.load_scenario` reads it back unchanged.

        Returns
        -------
        str
            A TOML document.

        Examples
        --------
        >>> import tomllib
        >>> from computemarket import load_scenario
        >>> sc = load_scenario()
        >>> Scenario.from_dict(tomllib.loads(sc.to_toml())) == sc
        True
        """
        return tomli_w.dumps(self.to_dict())

    @property
    def content_hash(self) -> str:
        """SHA-256 of the scenario's canonical JSON form: equal scenarios, equal hashes.

        Examples
        --------
        >>> from computemarket import load_scenario
        >>> sc = load_scenario()
        >>> sc.content_hash == load_scenario().content_hash, len(sc.content_hash)
        (True, 64)
        """
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    # -- conveniences ---------------------------------------------------------------------
    @property
    def provider_names(self) -> tuple[str, ...]:
        """Names of the providers, in file order.

        Examples
        --------
        >>> from computemarket import load_scenario
        >>> load_scenario().provider_names
        ('azure', 'oracle', 'stargate', 'aws', 'aws_trainium', 'coreweave', 'cerebras')
        """
        return tuple(p.name for p in self.providers)

    def get(self, path: str) -> Any:
        """The value of one parameter, named by its dotted path as in :meth:`with_updates`.

        Parameters
        ----------
        path : str
            A dotted path: ``"contract.window_months"``, ``"providers.oracle.base_cost"``,
            ``"providers[1].capacity[0].gw"``; a table's path gives the whole table.

        Returns
        -------
        object
            The value (a table as a dict, a list of tables as a tuple of dicts).

        Raises
        ------
        ScenarioError
            If the path names no parameter, with what is there instead.

        Examples
        --------
        >>> from computemarket import load_scenario
        >>> sc = load_scenario()
        >>> sc.get("contract.window_months"), sc.get("providers.oracle.base_cost")
        (3, 11.0)
        """
        try:
            return get_path(self.model_dump(mode="python"), path)
        except KeyError as exc:
            raise ScenarioError([Problem(path, None, str(exc.args[0]))], "get") from None

    def provider(self, name: str) -> Provider:
        """The provider called ``name``.

        Parameters
        ----------
        name : str
            A provider's name.

        Returns
        -------
        Provider
            Its validated section.

        Raises
        ------
        KeyError
            If there is no such provider.

        Examples
        --------
        >>> from computemarket import load_scenario
        >>> load_scenario().provider("oracle").lead_time_months
        18.0
        """
        for item in self.providers:
            if item.name == name:
                return item
        raise KeyError(f"no provider {name!r}; providers are {list(self.provider_names)}")
