"""The sections of a scenario: demand, buyer, contract, bidding, costs, providers, run.

Each is a frozen pydantic model whose fields carry a unit and a description
(:func:`_param`), so that :func:`~computemarket.scenario.parameters.parameter_table` and
``docs/model.md`` are written from one declaration. :class:`~computemarket.scenario.schema.Scenario`
puts them together.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from computemarket.scenario.distributions import as_cost_table, frozen_distribution
from computemarket.scenario.fields import (
    MOST_GW,
    MOST_MONTHS,
    MOST_PRICE,
    Month,
    Section,
    Whole,
    param,
)
from computemarket.scenario.registry import registered
from computemarket.scenario.rules import Rule
from computemarket.scenario.supply import Entry, Investment

__all__ = [
    "Bidding",
    "Buyer",
    "CapacityPoint",
    "Contract",
    "Costs",
    "Demand",
    "DemandPoint",
    "InitialContract",
    "Month",
    "Provider",
    "RuleChange",
    "Run",
    "Section",
    "Whole",
    "param",
]


class Demand(Section):
    """The buyer's stochastic demand for compute.

    Log-demand grows each month by a drift that decays from ``growth_initial`` towards
    ``growth_long_run`` with the given half-life, plus a Gaussian shock of annual volatility
    ``volatility`` (``docs/model.md``, section Demand).
    """

    initial_gw: float = param(0.8, "GW", "Demand in the first month.", gt=0, le=MOST_GW)
    growth_initial: float = param(
        2.0,
        "1/year",
        "Annual growth rate of demand at the start (2.0 means x3 a year).",
        gt=-1,
        le=100,
    )
    growth_long_run: float = param(
        0.15, "1/year", "Annual growth rate that growth decays towards.", gt=-1, le=100
    )
    growth_half_life_years: float = param(
        2.0, "years", "Years for the log-growth rate to close half its gap to the long run.", gt=0
    )
    volatility: float = param(
        0.25, "1/sqrt(year)", "Annual standard deviation of log-demand shocks.", ge=0, le=3
    )
    ceiling: tuple[DemandPoint, ...] = Field(
        (),
        description=(
            "The most compute the buyer can pay for (its financing): points interpolated "
            "linearly, flat outside them; demand and each tender's forecast are capped at "
            "it. Empty (the default): no ceiling."
        ),
    )


class DemandPoint(Section):
    """One point of the ceiling on demand (``demand.ceiling``)."""

    date: Month = Field(description="Month of this point.")
    gw: float = param(
        ..., "GW", "The most demand the buyer can finance at this month.", gt=0, le=MOST_GW
    )


class Buyer(Section):
    """The buyer's procurement policy and valuation of compute."""

    tender_every_months: Whole = param(6, "months", "Months between tenders.", ge=1, le=MOST_MONTHS)
    lead_months: Whole = param(
        18, "months", "How far ahead a tender's capacity starts (and demand is forecast).", ge=1
    )
    ramp_lead_months: tuple[Annotated[Whole, Field(ge=1)], ...] = Field(
        (),
        description=(
            "Further leads (months) at which the buyer also tenders in each tender month, "
            "each for the gap at its own start: contracts with a ramp of start dates. "
            "Empty (the default): one tender a month, at lead_months."
        ),
        json_schema_extra={"unit": "months"},
    )
    term_months: Whole = param(60, "months", "Length of each contract.", ge=1, le=MOST_MONTHS)
    safety_margin: float = param(
        0.10, "1", "Fraction added to the demand forecast when sizing a tender.", ge=0, le=10
    )
    forecast: str = Field(
        "auto",
        description=(
            "How the buyer forecasts demand growth over the lead time: 'model' (the demand "
            "process above), 'paths' (fitted to demand paths given to simulate), 'auto' "
            "('paths' when demand paths are given, else 'model'), or a registered "
            "forecaster's name (docs/model.md, Forecast)."
        ),
    )

    @field_validator("forecast")
    @classmethod
    def _known_forecast(cls, forecast: str) -> str:
        known = ["auto", *registered("forecast")]
        if forecast not in known:
            raise ValueError(f"must be one of {known} (register a plug-in to add one)")
        return forecast

    reserve_price: float = param(
        20.0,
        "$B/GW-year",
        "Highest price the buyer accepts; bids above it are refused.",
        gt=0,
        le=MOST_PRICE,
    )
    value_of_unmet: float = param(
        20.0,
        "$B/GW-year",
        "Value the buyer loses per GW-year of demand not served.",
        ge=0,
        le=MOST_PRICE,
    )
    elsewhere_price: float = param(
        0.0,
        "$B/GW-year",
        "Price of compute bought outside the tenders (spot or short-term rental) when "
        "contracts fall short; at most value_of_unmet.",
        ge=0,
        le=MOST_PRICE,
    )
    elsewhere_gw: float = param(
        0.0,
        "GW",
        "Most of a month's shortfall that can be bought outside the tenders (0: none; "
        "the rest is lost at value_of_unmet).",
        ge=0,
        le=MOST_GW,
    )
    discount_rate: float = param(0.08, "1/year", "Annual rate for discounting spend.", ge=0, le=1)


class RuleChange(Section):
    """A change of contract rule from a given month on."""

    date: Month = Field(description="First month the new rule applies to tenders issued.")
    rule: Rule = Field(description="Contract rule from this month on.")
    window_months: Whole | None = param(
        None, "months", "Matching window from this month on (default: unchanged).", ge=0
    )


class Contract(Section):
    """The contract rule: who may supply and whether a holder can match outside offers."""

    rule: Rule = Field("rofr", description="Contract rule: 'exclusive', 'rofr', 'rofo' or 'open'.")
    holder: str | None = Field(
        "azure",
        description=(
            "Provider holding the right (needed by all rules but 'open'); \"\" (or None "
            "from Python) for none, since TOML has no null."
        ),
    )

    @field_validator("holder", mode="before")
    @classmethod
    def _no_holder(cls, holder: object) -> object:
        return None if holder == "" else holder

    window_months: Whole = param(
        3, "months", "Months the holder has to match the best outside offer under 'rofr'.", ge=0
    )
    partial_match: bool = param(
        True, "-", "Whether the holder may match only the part of a tender it can deliver."
    )
    refused_holder: Literal["competes", "idle"] = Field(
        "competes",
        description=(
            "Under 'rofo', what a holder whose first offer the buyer refuses does: "
            "'competes' in the outside market at its quote, or stays 'idle' "
            "(docs/economics.md)."
        ),
    )
    changes: tuple[RuleChange, ...] = Field(
        (), description="Rule changes by date, in increasing order."
    )


class Bidding(Section):
    """How providers set their prices, and how winners are paid."""

    mode: str = Field(
        "cost_plus",
        description=(
            "Bidding rule: 'cost_plus' (price = cost x (1 + markup)), 'strategic' "
            "(equilibrium bids given the contract rule; docs/economics.md), or the name of "
            "a registered bidding model (computemarket.register_bidding)."
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
    holder_available: float = param(
        1.0,
        "1",
        "Probability that outside bidders assign to the holder being able to match "
        "(strategic bidding under 'rofr').",
        ge=0,
        le=1,
    )
    equilibrium: Literal["grid", "own_type", "exact"] = Field(
        "grid",
        description=(
            "First-price bids of providers with different cost distributions: 'grid' "
            "(distributional strategies on a grid, for any number of providers, the "
            "own-type bids kept where they leave a smaller gain; ~20 s cold per game of "
            "seven, then cached), 'own_type' (each bids as among copies of itself; fast, "
            "far from a best response where costs differ) or 'exact' (the asymmetric "
            "equilibrium, by shooting; up to ~15 s per rule, and no solution where costs "
            "lie far apart). docs/economics.md."
        ),
    )

    intermediate: Literal["taker_set", "snapped"] = Field(
        "snapped",
        description=(
            "Strategic bids in tenders that some but not all providers could serve alone: "
            "'snapped' (the capacity-constrained equilibrium of the tender with each share "
            "of it snapped to quarters; first price under open and rofr, up to three "
            "providers, else as 'taker_set'; solved once per state, in parallel, and "
            "cached; docs/economics.md) or 'taker_set' (the single-unit equilibrium among "
            "the providers with headroom; fast, far from a best response)."
        ),
    )

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, mode: str) -> str:
        known = registered("bidding")
        if mode not in known:
            raise ValueError(f"must be one of {known} (register a plug-in to add one)")
        return mode


class Costs(Section):
    """Family of the per-tender cost shocks."""

    distribution: Literal["lognormal", "uniform"] = Field(
        "lognormal",
        description=(
            "Cost shock family: 'lognormal' (mean one, log-sd = cost_spread) or "
            "'uniform' (on 1 +/- cost_spread)."
        ),
    )


class CapacityPoint(Section):
    """One point of a provider's capacity ceiling schedule."""

    date: Month = Field(description="Month of this point.")
    gw: float = param(
        ..., "GW", "Ceiling on capacity committed to the buyer at this month.", ge=0, le=MOST_GW
    )


class Provider(Section):
    """A cloud provider that can sell capacity to the buyer."""

    name: str = Field(
        description="Identifier (lower case letters, digits, underscores).",
        pattern=r"^[a-z][a-z0-9_]*$",
        strict=True,
    )
    base_cost: float = param(
        ..., "$B/GW-year", "Mean cost of supplying one GW for a year.", gt=0, le=MOST_PRICE
    )
    cost_spread: float = param(
        0.15, "1", "Spread of the per-tender cost shock (see costs.distribution).", ge=0, le=3
    )
    markup: float = param(0.15, "1", "Markup over cost under cost-plus bidding.", ge=0, le=100)
    spare_gw: float = param(
        0.0, "GW", "Capacity built and free for the buyer at the start.", ge=0, le=MOST_GW
    )
    lead_time_months: float = param(15.0, "months", "Median construction lead time.", ge=1, le=240)
    lead_time_spread: float = param(
        0.25, "1", "Log-standard deviation of the construction lead time.", ge=0, le=3
    )
    bids_from: Month | None = Field(
        None,
        description=(
            "First month of a tender the provider may bid in (its entry, dated, under "
            "exogenous supply); earlier tenders see no headroom from it. None: from the start."
        ),
    )
    term_months: Whole | None = Field(
        None,
        ge=1,
        le=MOST_MONTHS,
        description=(
            "Length of the contracts the provider signs in tenders, where it differs from "
            "the buyer's (a long lease, a short chip deal). None: buyer.term_months."
        ),
        json_schema_extra={"unit": "months"},
    )
    capacity: tuple[CapacityPoint, ...] = Field(
        min_length=1,
        description=(
            "Ceiling on capacity committed to the buyer: points interpolated linearly, "
            "flat before the first and after the last."
        ),
    )
    investment: Investment = Field(
        default_factory=Investment,
        description="Capex, lead time and policy of capacity investment (supply.mode).",
    )
    entry: Entry | None = Field(
        None,
        description=(
            "Makes the provider a potential entrant (investment supply only): it has no "
            "capacity until it enters, by the rule of docs/economics.md (Entry in the market)."
        ),
    )
    cost: Annotated[dict[str, Any] | None, BeforeValidator(as_cost_table)] = Field(
        None,
        description=(
            "The provider's own cost distribution: a continuous scipy.stats distribution "
            "by name and parameters, e.g. {distribution = 'gamma', a = 16.0, scale = 0.72} "
            "(or a frozen one from Python); its draws replace base_cost times the shock. "
            "base_cost stays the cost of initial contracts."
        ),
    )

    @field_validator("cost")
    @classmethod
    def _known_cost(cls, cost: dict[str, Any] | None) -> dict[str, Any] | None:
        if cost is not None:
            frozen_distribution(cost)
        return cost


class InitialContract(Section):
    """A contract signed before the scenario starts; its capacity is built by its start."""

    provider: str = Field(description="Provider supplying it.", strict=True)
    gw: float = param(..., "GW", "Capacity contracted.", gt=0, le=MOST_GW)
    price: float = param(
        ..., "$B/GW-year", "Price paid per GW-year delivered.", ge=0, le=MOST_PRICE
    )
    start: Month | None = Field(None, description="First month of delivery (default: start).")
    end: Month = Field(description="First month after the contract ends.")


class Run(Section):
    """Defaults for a run of the scenario."""

    paths: Whole = param(1000, "-", "Monte Carlo paths simulated by default.", ge=1)
    seed: Whole = param(20250121, "-", "Seed of the random inputs by default.", ge=0, le=2**63 - 1)
