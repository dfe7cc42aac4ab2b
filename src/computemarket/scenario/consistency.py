"""Checks of a scenario that involve more than one field.

Pydantic checks each field on its own (types, bounds); :func:`consistency_problems` checks
what only the whole scenario can tell: unique provider names, a holder for the rules that
need one, windows within the lead time, dates in order and inside the horizon.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from computemarket.errors import Problem
from computemarket.scenario.calendar import month_index
from computemarket.scenario.rules import HOLDER_RULES

if TYPE_CHECKING:  # pragma: no cover
    from computemarket.scenario.schema import Scenario

__all__ = ["consistency_problems"]


def consistency_problems(sc: Scenario) -> Iterator[Problem]:
    """Checks that involve more than one field."""
    names = sc.provider_names
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            yield Problem(f"providers[{i}].name", name, "provider names must be unique")
        seen.add(name)
    rules = {sc.contract.rule, *(c.rule for c in sc.contract.changes)}
    holder = sc.contract.holder
    if holder is None and rules & HOLDER_RULES:
        yield Problem(
            "contract.holder", None, f"rules {sorted(rules & HOLDER_RULES)} need a holder"
        )
    elif holder is not None and holder not in names:
        yield Problem("contract.holder", holder, f"must be one of the providers {list(names)}")
    first, last = month_index(sc.start, "1900-01"), month_index(sc.start, "2262-01")
    if first < 0 or last + sc.horizon_months > 0:
        yield Problem(
            "start",
            sc.start,
            f"must lie between 1900-01 and {sc.horizon_months} months before 2262-01 (dates "
            "are stored as datetime64[ns], which ends in April 2262)",
        )
    lead = sc.buyer.lead_months
    if lead >= sc.horizon_months:
        yield Problem(
            "buyer.lead_months",
            lead,
            f"must be below horizon_months ({sc.horizon_months}): a tender's capacity starts "
            "lead_months after it is issued, so no tender could deliver inside the horizon",
        )
    ramps = sc.buyer.ramp_lead_months
    for i, ramp in enumerate(ramps):
        if ramp >= sc.horizon_months or ramp == lead or ramp in ramps[:i]:
            yield Problem(
                f"buyer.ramp_lead_months[{i}]",
                ramp,
                f"must be below horizon_months ({sc.horizon_months}) and differ from "
                f"buyer.lead_months ({lead}) and from the other ramp leads",
            )
    if ramps and sc.buyer.forecast not in ("auto", "model", "paths"):
        yield Problem(
            "buyer.forecast",
            sc.buyer.forecast,
            "a plug-in forecaster gives growth over one lead, but the buyer also tenders at "
            f"ramp leads {list(ramps)} (buyer.ramp_lead_months): use 'auto', 'model' or 'paths'",
        )
    lead = min(lead, *ramps) if ramps else lead
    if sc.contract.window_months > lead:
        yield Problem(
            "contract.window_months",
            sc.contract.window_months,
            f"must not exceed buyer.lead_months or any buyer.ramp_lead_months (the "
            f"shortest: {lead}): the window would end after "
            "the capacity is due",
        )
    end = sc.horizon_months
    previous = 0
    for i, change in enumerate(sc.contract.changes):
        at = month_index(change.date, sc.start)
        if not previous < at < end:
            yield Problem(
                f"contract.changes[{i}].date",
                change.date,
                "must fall after the start, after any earlier change, and inside the horizon",
            )
        previous = max(previous, at)
        if change.window_months is not None and change.window_months > lead:
            yield Problem(
                f"contract.changes[{i}].window_months",
                change.window_months,
                f"must not exceed buyer.lead_months or any buyer.ramp_lead_months (the "
                f"shortest: {lead})",
            )
    for i, prov in enumerate(sc.providers):
        if sc.costs.distribution == "uniform" and prov.cost_spread >= 1:
            yield Problem(
                f"providers[{i}].cost_spread",
                prov.cost_spread,
                "must be below 1 with uniform costs, so that every cost is positive",
            )
        if prov.entry is not None and sc.supply.mode != "investment":
            yield Problem(
                f"providers[{i}].entry",
                "a table",
                'needs supply.mode = "investment": an entrant develops its own capacity',
            )
        if prov.entry is not None and any(c.provider == prov.name for c in sc.initial_contracts):
            yield Problem(
                f"providers[{i}].entry",
                "a table",
                "a provider with initial contracts is in the market already; it cannot be an "
                "entrant",
            )
        if prov.entry is not None and prov.name == sc.contract.holder:
            yield Problem(
                f"providers[{i}].entry", "a table", "the holder of the right cannot be an entrant"
            )
        yield from _in_date_order(prov.capacity, f"providers[{i}].capacity", "capacity")
    buyer = sc.buyer
    if buyer.elsewhere_gw > 0 and buyer.elsewhere_price <= 0:
        yield Problem(
            "buyer.elsewhere_price",
            buyer.elsewhere_price,
            "must be > 0 when buyer.elsewhere_gw > 0: compute bought elsewhere has a price",
        )
    if buyer.elsewhere_gw > 0 and buyer.elsewhere_price > buyer.value_of_unmet:
        yield Problem(
            "buyer.elsewhere_price",
            buyer.elsewhere_price,
            f"must be at most buyer.value_of_unmet ({buyer.value_of_unmet}) when "
            "buyer.elsewhere_gw > 0: a buyer does not pay more for compute than it is worth",
        )
    yield from _in_date_order(sc.demand.ceiling, "demand.ceiling", "ceiling")
    for i, con in enumerate(sc.initial_contracts):
        for key in ("start", "end"):
            date = getattr(con, key)
            if date is not None and not 0 <= month_index(date, "1900-01") < 12 * 362:
                yield Problem(
                    f"initial_contracts[{i}].{key}", date, "must lie between 1900-01 and 2262-01"
                )
        if con.provider not in names:
            yield Problem(
                f"initial_contracts[{i}].provider",
                con.provider,
                f"must be one of the providers {list(names)}",
            )
        begin = month_index(con.start or sc.start, sc.start)
        if month_index(con.end, sc.start) <= max(begin, 0):
            yield Problem(
                f"initial_contracts[{i}].end",
                con.end,
                "must come after the contract's start and after the scenario's start",
            )


def _in_date_order(points, field: str, what: str) -> Iterator[Problem]:
    """A problem for each point of a schedule not strictly after the one before it."""
    months = [month_index(p.date, "1900-01") for p in points]
    for j in range(1, len(months)):
        if months[j] <= months[j - 1]:
            yield Problem(
                f"{field}[{j}].date",
                points[j].date,
                f"{what} points must be in strictly increasing date order",
            )
