"""What every output is called, over which dimensions, and in which units.

:data:`VARIABLES` lists the variables of a results dataset, :data:`METRICS` the headline
metrics of a summary. They are the one place that names outputs and their units;
:func:`~computemarket.results.dataset.build_dataset` and
:mod:`~computemarket.results.statistics` label arrays from them.
"""

from __future__ import annotations

__all__ = ["METRICS", "VARIABLES"]

from computemarket.results.units import GW as _GW
from computemarket.results.units import GW_MONTHS, MONEY, MONTHS
from computemarket.results.units import PRICE as _PRICE

#: Every variable of a results dataset: (dimensions, units, long name).
VARIABLES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "demand": (("path", "time"), _GW, "compute demanded by the buyer"),
    "capacity": (("path", "time", "provider"), _GW, "capacity built and available to the buyer"),
    "capacity_ceiling": (
        ("time", "provider"),
        _GW,
        "the provider's capacity schedule: what it has for the buyer under exogenous supply, "
        "its pipeline (the most it can develop) under investment",
    ),
    "developed": (
        ("path", "time", "provider"),
        _GW,
        "capacity developed for the buyer, the ceiling on the provider's commitments",
    ),
    "capex": (
        ("path", "time", "provider"),
        MONEY,
        "annuity on the capex of the capacity developed, plus any entry cost paid, in the month",
    ),
    "entered": (
        ("path", "time", "provider"),
        "1",
        "1 where the provider is in the market (0 for a potential entrant not yet in)",
    ),
    "contracted": (("path", "time", "provider"), _GW, "capacity under contracts in force"),
    "delivered": (("path", "time", "provider"), _GW, "contracted capacity delivered"),
    "served": (("path", "time"), _GW, "demand served by delivered capacity"),
    "shortfall": (("path", "time"), _GW, "demand not served"),
    "spend": (("path", "time", "provider"), MONEY, "buyer's payment in the month"),
    "supply_cost": (
        ("path", "time", "provider"),
        MONEY,
        "provider's cost of the capacity it delivered in the month",
    ),
    "price": (
        ("path", "time", "provider"),
        _PRICE,
        "average price of capacity delivered in the month (NaN where none is delivered)",
    ),
    "tender_quantity": (("path", "tender"), _GW, "capacity tendered"),
    "tender_state": (
        ("path", "tender"),
        "1",
        "the tender's regime when decided: 0 nothing tendered, 1 all headroom needed, "
        "2 every provider with headroom could serve it, 3 some could not (strategic bids "
        "there approximate)",
    ),
    "best_outside_price": (
        ("path", "tender"),
        _PRICE,
        "outside offer shown to the holder: lowest acceptable outside quote, or the outside "
        "clearing price under second_price (NaN if none or not rofr)",
    ),
    "holder_matched": (
        ("path", "tender"),
        _GW,
        "capacity the holder took through its right (match under rofr, first offer under rofo)",
    ),
    "acceptance_threshold": (
        ("path", "tender"),
        _PRICE,
        "highest first offer the buyer accepts from the holder under rofo, in the tender's "
        "state (NaN otherwise)",
    ),
    "award": (("path", "tender", "provider"), _GW, "capacity awarded"),
    "award_price": (
        ("path", "tender", "provider"),
        _PRICE,
        "price of the award (NaN where nothing is awarded)",
    ),
    "construction": (("path", "tender", "provider"), _GW, "new capacity ordered for the award"),
    "headroom": (
        ("path", "tender", "provider"),
        _GW,
        "capacity the provider could still commit at the contract's start, when decided",
    ),
    "cost": (("path", "tender", "provider"), _PRICE, "provider's cost for the tender"),
    "bid": (("path", "tender", "provider"), _PRICE, "provider's quote for the tender"),
    "lead_time": (
        ("path", "tender", "provider"),
        MONTHS,
        "construction lead time if the provider builds for the tender",
    ),
}


#: Each metric's units and long name.
METRICS = {
    "total_spend": (MONEY, "buyer's spend, present value at the start"),
    "unit_cost": (_PRICE, "buyer's spend per GW-year delivered, both discounted"),
    "shortfall_gw_months": (GW_MONTHS, "demand not served, summed over months"),
    "served_fraction": ("1", "share of demand served"),
    "elsewhere_cost": (
        MONEY,
        "compute bought outside the tenders (up to buyer.elsewhere_gw a month, at "
        "buyer.elsewhere_price), present value",
    ),
    "lost_cost": (MONEY, "value of demand neither contracted nor bought elsewhere, present value"),
    "unmet_cost": (MONEY, "elsewhere_cost plus lost_cost: the cost of the shortfall"),
    "total_cost": (MONEY, "spend plus the cost of the shortfall, present value"),
    "revenue": (MONEY, "provider's revenue from the buyer, present value"),
    "share": ("1", "provider's share of delivered GW-months"),
    "hhi": ("1", "Herfindahl-Hirschman index of delivered GW-months (0 to 10,000)"),
    "hhi_contracted": ("1", "Herfindahl-Hirschman index of contracted GW-months (0 to 10,000)"),
    "holder_price_premium": (
        _PRICE,
        "holder's average award price minus outsiders' "
        "(volume-weighted; NaN if either won nothing)",
    ),
    "inefficient_award_rate": (
        "1",
        "share of tenders with awards where a provider was awarded capacity while one with "
        "a lower cost had headroom left (NaN where nothing was awarded)",
    ),
    "late_gw_months": (
        GW_MONTHS,
        "capacity under contract but not yet built, summed over months",
    ),
    "buyer_surplus": (
        MONEY,
        "value of demand served (at value_of_unmet per GW-year) less spend, plus the "
        "surplus on compute bought elsewhere, present value",
    ),
    "holder_surplus": (
        MONEY,
        "holder's revenue less its cost of supply and its capex, present value",
    ),
    "outsider_surplus": (
        MONEY,
        "outside providers' revenue less their cost of supply and capex, present value",
    ),
    "provider_profit": (
        MONEY,
        "provider's revenue less its cost of supply and its capex, present value",
    ),
    "capex_spent": (
        MONEY,
        "provider's capex annuities on capacity developed and any entry cost, present value",
    ),
    "developed_gw": (_GW, "capacity the provider has developed for the buyer by the last month"),
    "outside_developed_gw": (
        _GW,
        "capacity developed by the providers other than the holder by the last month",
    ),
    "outside_developed_gw_months": (
        GW_MONTHS,
        "capacity developed by the providers other than the holder, summed over the months "
        "of the horizon (a later entry or build shows here when the capacity at the end "
        "does not differ)",
    ),
    "entry_month": (
        MONTHS,
        "months from the start to the provider's entry (0 if in from the start, NaN if it "
        "never entered)",
    ),
    "providers_in_market": ("1", "providers in the market in the last month"),
    "holder_match_rate": (
        "1",
        "share of rofr tenders with an outside offer that the holder matched "
        "(NaN where there were none)",
    ),
}
