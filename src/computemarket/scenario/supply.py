"""How capacity comes about: handed in as a schedule, or invested in by the providers.

:class:`Supply` is the scenario's ``[supply]`` table; :class:`Investment` is each
provider's ``investment`` table (``providers[].investment``). Under
``supply.mode = "exogenous"`` (the default) a provider's ``capacity`` schedule is the
capacity it has for the buyer, as before. Under ``"investment"`` the schedule is its
*pipeline*, the most it can have by each date (sites, power, chips), and the provider
decides how much of it to develop, every ``review_every_months`` months, by the rule of
``docs/economics.md`` (section Investment): develop enough to serve the share
``build_share`` of the demand it forecasts (``anticipation_months`` beyond the time it
takes to develop) its rivals will leave uncovered, at a cost of
``capex_per_gw`` per GW developed. :class:`Entry` (``providers[].entry``) makes a provider
a potential entrant, absent until its entry rule says it enters.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from computemarket.scenario.fields import (
    MOST_GW,
    MOST_MONTHS,
    MOST_PRICE,
    Month,
    Section,
    Whole,
    param,
)

__all__ = ["Entry", "Investment", "RuleThresholds", "Supply", "annuity_factor"]


class Supply(Section):
    """Whether capacity is a given schedule or the providers' investment decisions."""

    mode: Literal["exogenous", "investment"] = Field(
        "exogenous",
        description=(
            "'exogenous': each provider's capacity schedule is the capacity it has for the "
            "buyer; 'investment': the schedule is its pipeline (the most it can have by "
            "each date) and it decides how much to develop (docs/economics.md, Investment)."
        ),
    )
    review_every_months: Whole = param(
        6, "months", "Months between providers' investment decisions.", ge=1, le=MOST_MONTHS
    )
    cost_of_capital: float = param(
        0.10, "1/year", "Providers' annual cost of capital, for the capex annuity.", ge=0, le=1
    )


class Investment(Section):
    """A provider's capacity investment: its cost, lead time and decision rule."""

    capex_per_gw: float = param(
        0.0,
        "$B/GW",
        "Cost of developing one GW of capacity for the buyer, paid as an annuity (over "
        "asset_life_years) every month it is developed (zero: capacity costs only base_cost).",
        ge=0,
        le=MOST_PRICE,
    )
    asset_life_years: float = param(
        6.0, "years", "Life over which capex is annualised.", gt=0, le=100
    )
    development_months: Whole = param(
        24, "months", "Months from an investment decision to the capacity being ready.", ge=1
    )
    anticipation_months: Whole = param(
        0,
        "months",
        "Months beyond the development time whose forecast demand the provider builds for "
        "(positive: it builds ahead of demand; negative: behind it).",
        ge=-MOST_MONTHS,
        le=MOST_MONTHS,
    )
    build_share: float = param(
        1.0,
        "1",
        "Share of the forecast demand that rivals' capacity leaves uncovered which the "
        "provider develops capacity for (its investment policy; "
        "computemarket.investment_equilibrium solves for it).",
        ge=0,
        le=10,
    )

    @model_validator(mode="after")
    def _forecast_not_in_the_past(self) -> Investment:
        if self.development_months + self.anticipation_months < 0:
            raise ValueError(
                f"anticipation_months = {self.anticipation_months} would forecast demand "
                f"before the decision; it must be at least -development_months "
                f"(-{self.development_months})"
            )
        return self


def _rule_threshold(rule: str) -> float | None:
    return param(
        None,
        "GW",
        f"Entry threshold at reviews while '{rule}' is in force (empty: threshold_gw; "
        f"{MOST_GW:g}: never enter under it).",
        ge=0,
        le=MOST_GW,
        allow_inf_nan=False,
    )


class RuleThresholds(Section):
    """A potential entrant's entry threshold under each contract rule, where it differs.

    The rule in force at a review is part of the state an entrant sees, so its threshold
    may depend on it: an entrant that expects its first contracts to be matched by the
    holder can wait for the right to end. A rule left empty takes ``threshold_gw``.
    """

    exclusive: float | None = _rule_threshold("exclusive")
    rofr: float | None = _rule_threshold("rofr")
    rofo: float | None = _rule_threshold("rofo")
    open: float | None = _rule_threshold("open")


class Entry(Section):
    """A potential entrant: a provider that is not in the market until it decides to enter.

    Until it enters it has no capacity and wins nothing. From ``earliest`` on, at every
    investment review, it enters when the demand it forecasts its rivals will leave
    uncovered (as its investment rule forecasts it) is at least its threshold under the
    rule in force at that review (``threshold_by_rule``, else ``threshold_gw``); it then
    pays ``cost`` and from that review on invests like any provider. Entrants decide in
    the order the providers are listed, each seeing the entries before it in the same
    review (docs/economics.md, Entry in the market).
    """

    cost: float = param(
        ..., "$B", "Entry cost, paid once in the month of entry.", ge=0, le=MOST_PRICE
    )
    earliest: Month = Field(description="First month the provider may enter.")
    threshold_gw: float = param(
        0.0,
        "GW",
        "Forecast uncovered demand at which the provider enters (its entry policy; "
        "computemarket.investment_equilibrium solves for it).",
        ge=0,
        le=MOST_GW,
    )
    threshold_by_rule: RuleThresholds = Field(
        default_factory=RuleThresholds,
        description="Entry thresholds (GW) by the rule in force at the review, where they "
        "differ from threshold_gw.",
    )

    def threshold(self, rule: str) -> float:
        """The entry threshold (GW) at a review while ``rule`` is in force.

        Parameters
        ----------
        rule : {"exclusive", "rofr", "rofo", "open"}

        Returns
        -------
        float
            ``threshold_by_rule.<rule>`` where it is set, else ``threshold_gw``.

        Examples
        --------
        >>> entry = Entry(cost=3.0, earliest="2025-01", threshold_gw=1.0,
        ...               threshold_by_rule={"rofr": 1e6})
        >>> entry.threshold("rofr"), entry.threshold("open")
        (1000000.0, 1.0)
        """
        own = getattr(self.threshold_by_rule, rule)
        return self.threshold_gw if own is None else float(own)


def annuity_factor(rate: float, years: float) -> float:
    """Annual payment per unit of capital repaid over ``years`` at annual ``rate``.

    Parameters
    ----------
    rate : float
        Annual cost of capital (0.1 is 10%).
    years : float
        Life of the asset.

    Returns
    -------
    float
        ``rate / (1 - (1 + rate) ** -years)``, or ``1 / years`` at a zero rate (and its
        limit near zero).

    Examples
    --------
    >>> round(annuity_factor(0.10, 6.0), 4)
    0.2296
    >>> annuity_factor(0.0, 5.0)
    0.2
    """
    if rate == 0.0:
        return 1.0 / years
    # 1 - (1 + r)^-L, written so that it keeps its precision for tiny rates.
    return rate / -math.expm1(-years * math.log1p(rate))
