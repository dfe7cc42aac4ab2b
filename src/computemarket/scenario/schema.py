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
from typing import Annotated, Any, Literal

import tomli_w
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from computemarket.errors import Problem, ScenarioError
from computemarket.scenario.calendar import parse_month
from computemarket.scenario.consistency import consistency_problems
from computemarket.scenario.problems import CrossFieldError, problems_from
from computemarket.scenario.rules import Rule
from computemarket.scenario.updates import drop_none, set_path

__all__ = [
    "Bidding",
    "Buyer",
    "CapacityPoint",
    "Contract",
    "Costs",
    "Demand",
    "InitialContract",
    "Provider",
    "RuleChange",
    "Run",
    "Scenario",
]

Month = Annotated[str, BeforeValidator(parse_month)]


def _param(default: Any, unit: str, description: str, **bounds: Any) -> Any:
    """Declare a scenario parameter with its unit, description and bounds."""
    extra: dict[str, Any] = {"strict": True}
    if isinstance(default, float):
        extra["allow_inf_nan"] = False
    return Field(
        default, description=description, json_schema_extra={"unit": unit}, **extra, **bounds
    )


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Demand(_Section):
    """The buyer's stochastic demand for compute.

    Log-demand grows each month by a drift that decays from ``growth_initial`` towards
    ``growth_long_run`` with the given half-life, plus a Gaussian shock of annual volatility
    ``volatility`` (``docs/model.md``, section Demand).
    """

    initial_gw: float = _param(0.8, "GW", "Demand in the first month.", gt=0)
    growth_initial: float = _param(
        2.0,
        "1/year",
        "Annual growth rate of demand at the start (2.0 means x3 a year).",
        gt=-1,
        le=100,
    )
    growth_long_run: float = _param(
        0.15, "1/year", "Annual growth rate that growth decays towards.", gt=-1, le=100
    )
    growth_half_life_years: float = _param(
        2.0, "years", "Years for the log-growth rate to close half its gap to the long run.", gt=0
    )
    volatility: float = _param(
        0.25, "1/sqrt(year)", "Annual standard deviation of log-demand shocks.", ge=0, le=3
    )


class Buyer(_Section):
    """The buyer's procurement policy and valuation of compute."""

    tender_every_months: int = _param(6, "months", "Months between tenders.", ge=1)
    lead_months: int = _param(
        18, "months", "How far ahead a tender's capacity starts (and demand is forecast).", ge=1
    )
    term_months: int = _param(60, "months", "Length of each contract.", ge=1)
    safety_margin: float = _param(
        0.10, "1", "Fraction added to the demand forecast when sizing a tender.", ge=0, le=10
    )
    reserve_price: float = _param(
        20.0, "$B/GW-year", "Highest price the buyer accepts; bids above it are refused.", gt=0
    )
    value_of_unmet: float = _param(
        20.0, "$B/GW-year", "Value the buyer loses per GW-year of demand not served.", ge=0
    )
    discount_rate: float = _param(0.08, "1/year", "Annual rate for discounting spend.", ge=0, le=1)


class RuleChange(_Section):
    """A change of contract rule from a given month on."""

    date: Month = Field(description="First month the new rule applies to tenders issued.")
    rule: Rule = Field(description="Contract rule from this month on.")
    window_months: int | None = _param(
        None, "months", "Matching window from this month on (default: unchanged).", ge=0
    )


class Contract(_Section):
    """The contract rule: who may supply and whether a holder can match outside offers."""

    rule: Rule = Field("rofr", description="Contract rule: 'exclusive', 'rofr', 'rofo' or 'open'.")
    holder: str | None = Field(
        "azure", description="Provider holding the right (needed by all rules but 'open')."
    )
    window_months: int = _param(
        3, "months", "Months the holder has to match the best outside offer under 'rofr'.", ge=0
    )
    partial_match: bool = _param(
        True, "-", "Whether the holder may match only the part of a tender it can deliver."
    )
    changes: tuple[RuleChange, ...] = Field(
        (), description="Rule changes by date, in increasing order."
    )


class Bidding(_Section):
    """How providers set their prices, and how winners are paid."""

    mode: Literal["cost_plus", "strategic"] = Field(
        "cost_plus",
        description=(
            "Bidding rule: 'cost_plus' (price = cost x (1 + markup)) or 'strategic' "
            "(equilibrium bids given the contract rule; docs/economics.md)."
        ),
    )
    auction: Literal["first_price", "second_price"] = Field(
        "first_price",
        description=(
            "Payment rule: 'first_price' (pay as bid) or 'second_price' (winners are paid "
            "the price that clears the market: the lowest unused acceptable bid, or the "
            "reserve price)."
        ),
    )
    holder_available: float = _param(
        1.0,
        "1",
        "Probability that outside bidders assign to the holder being able to match "
        "(strategic bidding under 'rofr').",
        ge=0,
        le=1,
    )
    equilibrium: Literal["own_type", "exact"] = Field(
        "own_type",
        description=(
            "First-price bids of providers with different cost distributions: 'own_type' "
            "(each bids as among copies of itself; fast, approximate) or 'exact' (the "
            "asymmetric equilibrium, by shooting; up to ~15 s per rule; "
            "docs/economics.md)."
        ),
    )


class Costs(_Section):
    """Family of the per-tender cost shocks."""

    distribution: Literal["lognormal", "uniform"] = Field(
        "lognormal",
        description=(
            "Cost shock family: 'lognormal' (mean one, log-sd = cost_spread) or "
            "'uniform' (on 1 +/- cost_spread)."
        ),
    )


class CapacityPoint(_Section):
    """One point of a provider's capacity ceiling schedule."""

    date: Month = Field(description="Month of this point.")
    gw: float = _param(..., "GW", "Ceiling on capacity committed to the buyer at this month.", ge=0)


class Provider(_Section):
    """A cloud provider that can sell capacity to the buyer."""

    name: str = Field(
        description="Identifier (lower case letters, digits, underscores).",
        pattern=r"^[a-z][a-z0-9_]*$",
        strict=True,
    )
    base_cost: float = _param(..., "$B/GW-year", "Mean cost of supplying one GW for a year.", gt=0)
    cost_spread: float = _param(
        0.15, "1", "Spread of the per-tender cost shock (see costs.distribution).", ge=0, le=3
    )
    markup: float = _param(0.15, "1", "Markup over cost under cost-plus bidding.", ge=0)
    spare_gw: float = _param(0.0, "GW", "Capacity built and free for the buyer at the start.", ge=0)
    lead_time_months: float = _param(15.0, "months", "Median construction lead time.", ge=1, le=240)
    lead_time_spread: float = _param(
        0.25, "1", "Log-standard deviation of the construction lead time.", ge=0, le=3
    )
    capacity: tuple[CapacityPoint, ...] = Field(
        min_length=1,
        description=(
            "Ceiling on capacity committed to the buyer: points interpolated linearly, "
            "flat before the first and after the last."
        ),
    )


class InitialContract(_Section):
    """A contract signed before the scenario starts; its capacity is built by its start."""

    provider: str = Field(description="Provider supplying it.", strict=True)
    gw: float = _param(..., "GW", "Capacity contracted.", gt=0)
    price: float = _param(..., "$B/GW-year", "Price paid per GW-year delivered.", ge=0)
    start: Month | None = Field(None, description="First month of delivery (default: start).")
    end: Month = Field(description="First month after the contract ends.")


class Run(_Section):
    """Defaults for a run of the scenario."""

    paths: int = _param(1000, "-", "Monte Carlo paths simulated by default.", ge=1)
    seed: int = _param(20250121, "-", "Seed of the random inputs by default.", ge=0)


class Scenario(_Section):
    """A complete, validated market scenario.

    Build one with :func:`load_scenario` (from TOML) or :meth:`from_dict`; change one with
    :meth:`with_updates`. Instances are immutable and compare by value.

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
    horizon_months: int = _param(120, "months", "Number of simulated months.", ge=1, le=1200)
    demand: Demand = Field(default_factory=Demand, description="Demand process.")
    buyer: Buyer = Field(default_factory=Buyer, description="Procurement policy.")
    contract: Contract = Field(default_factory=Contract, description="Contract rule.")
    bidding: Bidding = Field(default_factory=Bidding, description="Bidding rule.")
    costs: Costs = Field(default_factory=Costs, description="Cost shocks.")
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

        Raises
        ------
        ScenarioError
            Listing every problem, each with its field path, value and what is allowed.
        """
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise ScenarioError(problems_from(exc, data, cls), source) from None

    def with_updates(self, updates: Mapping[str, Any]) -> Scenario:
        """Return a validated copy with some parameters changed.

        Parameters
        ----------
        updates : mapping of str to object
            Dotted parameter paths and their new values. List items are named by index or,
            for providers, by name: ``"providers.oracle.base_cost"``, ``"providers[1].markup"``.

        Returns
        -------
        Scenario

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
        """
        data = self.model_dump(mode="python")
        problems = []
        for path, value in updates.items():
            try:
                set_path(data, path, value)
            except KeyError as exc:
                problems.append(Problem(path, value, str(exc.args[0])))
        if problems:
            raise ScenarioError(problems, "update")
        return Scenario.from_dict(data, source="update")

    # -- output ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain TOML-compatible data (``None`` values left out)."""
        return drop_none(self.model_dump(mode="json"))

    def to_toml(self) -> str:
        """The scenario as TOML text; :func:`load_scenario` reads it back unchanged.

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
        """SHA-256 of the scenario's canonical JSON form: equal scenarios, equal hashes."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    # -- conveniences ---------------------------------------------------------------------
    @property
    def provider_names(self) -> tuple[str, ...]:
        """Names of the providers, in file order."""
        return tuple(p.name for p in self.providers)

    def provider(self, name: str) -> Provider:
        """The provider called ``name``.

        Raises
        ------
        KeyError
            If there is no such provider.
        """
        for item in self.providers:
            if item.name == name:
                return item
        raise KeyError(f"no provider {name!r}; providers are {list(self.provider_names)}")
