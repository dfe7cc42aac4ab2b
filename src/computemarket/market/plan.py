"""The deterministic timeline of a scenario, as arrays both engines read.

A :class:`Plan` holds everything about a scenario that does not depend on random draws:
the month calendar, when tenders are issued and decided under which rule, when contracts
start and end, each provider's capacity ceiling, and the demand drift and forecast factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from computemarket.errors import Problem, ScenarioError
from computemarket.market.costs import cost_distribution_of, cost_quantiles, cost_table
from computemarket.market.groups import snappable
from computemarket.market.investment import InvestmentPlan, investment_plan, lookahead
from computemarket.scenario import RULES, Scenario
from computemarket.scenario.calendar import month_dates, month_index

__all__ = ["Plan", "cost_quantiles", "make_plan"]


@dataclass(frozen=True, eq=False)
class Plan:
    """Deterministic arrays derived from a scenario.

    Months are counted from zero at ``scenario.start``. Contracts are numbered with the
    initial contracts first (in file order), then one contract slot per tender; a contract
    is active in months ``start <= t < end``.

    Attributes
    ----------
    months : int
        Number of simulated months, ``T``.
    dates : ndarray of datetime64, shape (T,)
        First day of each month.
    providers : tuple of str
        Provider names, ``P`` of them.
    holder : int
        Index of the holder of the contract right, or -1.
    tender_month, tender_start, tender_end : ndarray of int, shape (K,)
        Month each tender is issued, and its contract's first and after-last month at the
        buyer's term (``buyer.term_months``): what an open tender counts as pending.
    tender_window, tender_decision : ndarray of int, shape (K,)
        The matching window in force for each tender and the month it is decided.
    tender_rule : ndarray of int, shape (K,)
        Index into :data:`computemarket.scenario.RULES` of each tender's rule.
    tender_lead : ndarray of int, shape (K,)
        Each tender's lead, ``tender_start - tender_month``: ``lead_months``, or one of
        ``ramp_leads``. A month's tenders are numbered in order of lead, shortest first.
    initial_provider : ndarray of int, shape (C0,)
    initial_gw, initial_price : ndarray of float, shape (C0,)
    contract_start : ndarray of int, shape (C0 + K,)
    contract_end : ndarray of int, shape (C0 + K, P)
        After-last month of each contract with each provider: an initial contract's
        ``end``, or a tender's start plus the winner's term (``providers[].term_months``,
        else ``buyer.term_months``).
    ceiling : ndarray of float, shape (P, T)
        Capacity ceiling of each provider in each month (GW).
    drift : ndarray of float, shape (T,)
        Monthly drift of log-demand from month t to t + 1.
    monthly_volatility : float
    forecast_factor : ndarray of float, shape (T,)
        Tender quantity per GW of current demand: the expected growth of demand over
        ``lead_months`` times ``1 + safety_margin``.
    lead_months : int
        ``buyer.lead_months``.
    ramp_leads : tuple of int
        ``buyer.ramp_lead_months``, sorted: further leads tendered in each tender month.
    ramp_factor : ndarray of float, shape (R, T)
        ``forecast_factor`` for each of ``ramp_leads``.
    demand_ceiling : ndarray of float, shape (T,)
        The most demand the buyer can finance in each month (``demand.ceiling``; ``inf``
        where the scenario sets none): demand paths and tender forecasts are capped at it.
    spare_gw, base_cost, cost_spread, markup, lead_median, lead_spread : ndarray, shape (P,)
    reserve_price, value_of_unmet, discount_rate : float
    elsewhere_price, elsewhere_gw : float
        Price and depth of compute bought outside the tenders (``buyer.elsewhere_*``).
    bids_from : ndarray of int, shape (P,)
        First tender month each provider may bid in (``providers[].bids_from``; -1: from
        the start): tenders issued earlier see no headroom from it.
    provider_term : ndarray of int, shape (P,)
        Months each provider's contracts from tenders run (``providers[].term_months``,
        else ``buyer.term_months``).
    partial_match : bool
    refused_competes : bool
        Under ``rofo``, whether a holder whose first offer is refused competes outside.
    cost_distribution : str
    initial_demand : float
    bidding_mode, auction : str
        ``bidding.mode`` and ``bidding.auction``.
    holder_available : float
    equilibrium : str
        ``bidding.equilibrium``.
    snapped_states : bool
        Intermediate tenders get the equilibrium of their snapped shares
        (:mod:`computemarket.market.states`): ``bidding.intermediate == "snapped"``
        under strategic, pay-as-bid bidding, in a market of up to three providers (or a
        larger one with tenders of few providers present, ``groups.snappable``) with
        ``open`` or ``rofr`` in force at some tender (the rules whose snapped games are
        solved; elsewhere the snapped states would only repeat the taker sets' quotes).
    cost_tables : tuple
        Each provider's own cost distribution as sorted items, or None.
    investment : InvestmentPlan or None
        The providers' investment arrays (:mod:`computemarket.market.investment`);
        ``ceiling`` is then each provider's pipeline.
    """

    months: int
    dates: np.ndarray
    providers: tuple[str, ...]
    holder: int
    tender_month: np.ndarray
    tender_start: np.ndarray
    tender_end: np.ndarray
    tender_window: np.ndarray
    tender_decision: np.ndarray
    tender_rule: np.ndarray
    tender_lead: np.ndarray
    initial_provider: np.ndarray
    initial_gw: np.ndarray
    initial_price: np.ndarray
    contract_start: np.ndarray
    contract_end: np.ndarray
    ceiling: np.ndarray
    drift: np.ndarray
    monthly_volatility: float
    forecast_factor: np.ndarray
    lead_months: int
    ramp_leads: tuple[int, ...]
    ramp_factor: np.ndarray
    demand_ceiling: np.ndarray
    bids_from: np.ndarray
    provider_term: np.ndarray
    spare_gw: np.ndarray
    base_cost: np.ndarray
    cost_spread: np.ndarray
    markup: np.ndarray
    lead_median: np.ndarray
    lead_spread: np.ndarray
    reserve_price: float
    value_of_unmet: float
    discount_rate: float
    partial_match: bool
    refused_competes: bool
    cost_distribution: str
    initial_demand: float
    bidding_mode: str
    auction: str
    holder_available: float
    equilibrium: str = "grid"
    snapped_states: bool = False
    cost_tables: tuple[tuple[tuple[str, Any], ...] | None, ...] = ()
    investment: InvestmentPlan | None = None
    elsewhere_price: float = 0.0
    elsewhere_gw: float = 0.0

    @property
    def n_providers(self) -> int:
        """Number of providers, ``P``."""
        return len(self.providers)

    @property
    def n_tenders(self) -> int:
        """Number of tenders, ``K``."""
        return int(self.tender_month.size)

    @property
    def n_initial(self) -> int:
        """Number of initial contracts, ``C0``."""
        return int(self.initial_gw.size)

    def cost_at(self, u: np.ndarray, min_spread: float = 0.0) -> np.ndarray:
        """Providers' costs at probabilities ``u`` of shape ``(..., P)`` ($B per GW-year).

        See :func:`cost_quantiles`; spreads below ``min_spread`` are raised to it. A
        provider with a distribution of its own (``providers[].cost``) draws from it.
        """
        spread = np.maximum(self.cost_spread, min_spread)
        costs = cost_quantiles(self.cost_distribution, self.base_cost, spread, u)
        for provider, table in enumerate(self.cost_tables):
            if table is not None:
                costs[..., provider] = cost_distribution_of(table).ppf(u[..., provider])
        return costs

    def tender_factors(self) -> np.ndarray:
        """Each tender's forecast factor, shape (K,): its lead's factor in its month."""
        rows = np.vstack([self.forecast_factor[None, :], self.ramp_factor])
        lead_row = np.array([self.lead_months, *self.ramp_leads])
        row = np.argmax(self.tender_lead[:, None] == lead_row[None, :], axis=1)
        return rows[row, self.tender_month]

    def issued_in(self, month: int) -> list[int]:
        """The tenders issued in ``month``, in tender order (shortest lead first)."""
        return np.flatnonzero(self.tender_month == month).tolist()

    def active(self, month: int) -> np.ndarray:
        """Boolean mask ``(C, P)``: which contracts are in force with each provider in ``month``."""
        return (self.contract_start[:, None] <= month) & (month < self.contract_end)


def _interp_ceiling(sc: Scenario, months: np.ndarray) -> np.ndarray:
    rows = []
    for prov in sc.providers:
        at = np.array([month_index(p.date, sc.start) for p in prov.capacity], dtype=float)
        gw = np.array([p.gw for p in prov.capacity], dtype=float)
        rows.append(np.interp(months, at, gw))
    return np.array(rows)


def _demand_ceiling(sc: Scenario, months: np.ndarray) -> np.ndarray:
    """The ceiling on demand in each month: ``inf`` where the scenario sets none."""
    points = sc.demand.ceiling
    if not points:
        return np.full(months.shape, np.inf)
    at = np.array([month_index(p.date, sc.start) for p in points], dtype=float)
    return np.interp(months, at, np.array([p.gw for p in points], dtype=float))


def _drift(sc: Scenario, count: int) -> np.ndarray:
    """Monthly log-drift for months 0 .. count - 1."""
    d = sc.demand
    start_rate = np.log1p(d.growth_initial)
    long_rate = np.log1p(d.growth_long_run)
    years = np.arange(count) / 12.0
    annual = long_rate + (start_rate - long_rate) * np.exp2(-years / d.growth_half_life_years)
    return annual / 12.0


def _rules(sc: Scenario, tender_month: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rule = np.full(tender_month.shape, RULES.index(sc.contract.rule))
    window = np.full(tender_month.shape, sc.contract.window_months)
    current_window = sc.contract.window_months
    for change in sc.contract.changes:
        after = tender_month >= month_index(change.date, sc.start)
        if change.window_months is not None:
            current_window = change.window_months
        rule[after] = RULES.index(change.rule)
        window[after] = current_window
    # Only the right of first refusal has a matching window.
    window = np.where(rule == RULES.index("rofr"), window, 0)
    return rule, window


def _forecast(sc: Scenario, drift: np.ndarray, sigma: float, lead: int, field: str) -> np.ndarray:
    """E[D(t + lead) | D(t)] / D(t) for lognormal growth, times the safety margin, (T,)."""
    months = sc.horizon_months
    window_drift = np.convolve(drift, np.ones(lead), mode="valid")[:months]
    with np.errstate(over="ignore"):
        forecast = np.exp(window_drift + 0.5 * lead * sigma**2) * (1.0 + sc.buyer.safety_margin)
    if not np.isfinite(forecast).all():
        raise ScenarioError(
            [
                Problem(
                    field,
                    lead,
                    "with this demand growth and volatility the demand forecast overflows; "
                    "shorten the lead time or lower growth or volatility",
                )
            ],
            sc.name,
        )
    return forecast


def make_plan(sc: Scenario) -> Plan:
    """Derive the deterministic timeline of a scenario.

    Parameters
    ----------
    sc : Scenario

    Returns
    -------
    Plan

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> plan = make_plan(load_scenario())
    >>> plan.months, plan.providers
    (120, ('azure', 'oracle', 'stargate', 'aws', 'aws_trainium', 'coreweave', 'cerebras'))
    >>> plan.tender_month[:4].tolist(), plan.tender_lead[:4].tolist()  # three leads a month
    ([0, 0, 0, 3], [9, 18, 30, 9])
    """
    months = sc.horizon_months
    buyer = sc.buyer
    lead = buyer.lead_months
    leads = sorted({lead, *buyer.ramp_lead_months})
    # Tenders are issued every tender_every_months, one for each lead, while their window
    # and start fall inside the horizon, so that every tender is decided and can deliver.
    issue = np.arange(0, months, buyer.tender_every_months)
    pairs = np.array([(m, ahead) for m in issue for ahead in leads if m + ahead < months])
    pairs = pairs.reshape(-1, 2).astype(np.int64)
    tender_month, tender_lead = pairs[:, 0], pairs[:, 1]
    rule, window = _rules(sc, tender_month)
    tender_start = tender_month + tender_lead
    tender_end = tender_start + buyer.term_months
    # Each winner's contract runs for its own term (providers[].term_months), if it has one.
    term = np.array([p.term_months or buyer.term_months for p in sc.providers], dtype=np.int64)
    award_end = tender_start[:, None] + term[None, :]

    names = sc.provider_names
    index = {name: i for i, name in enumerate(names)}
    initial = sc.initial_contracts
    initial_start = np.array(
        [max(month_index(c.start or sc.start, sc.start), 0) for c in initial], dtype=np.int64
    )
    initial_end = np.array([month_index(c.end, sc.start) for c in initial], dtype=np.int64)

    drift = _drift(sc, months + max(leads))
    sigma = sc.demand.volatility / np.sqrt(12.0)
    forecast = _forecast(sc, drift, float(sigma), lead, "buyer.lead_months")
    ramps = tuple(sorted(buyer.ramp_lead_months))
    ramp_factor = np.array(
        [_forecast(sc, drift, float(sigma), ahead, "buyer.ramp_lead_months") for ahead in ramps]
    ).reshape(len(ramps), months)

    def per_provider(attr: str) -> np.ndarray:
        return np.array([getattr(p, attr) for p in sc.providers], dtype=float)

    holder = sc.contract.holder
    ceiling = _interp_ceiling(sc, np.arange(months, dtype=float))
    bids_from = np.array(
        [-1 if p.bids_from is None else month_index(p.bids_from, sc.start) for p in sc.providers],
        dtype=np.int64,
    )
    return Plan(
        months=months,
        dates=month_dates(sc.start, months),
        providers=names,
        holder=index[holder] if holder is not None else -1,
        tender_month=tender_month.astype(np.int64),
        tender_start=tender_start.astype(np.int64),
        tender_end=tender_end.astype(np.int64),
        tender_window=window.astype(np.int64),
        tender_decision=(tender_month + window).astype(np.int64),
        tender_rule=rule.astype(np.int64),
        tender_lead=tender_lead,
        initial_provider=np.array([index[c.provider] for c in initial], dtype=np.int64),
        initial_gw=np.array([c.gw for c in initial], dtype=float),
        initial_price=np.array([c.price for c in initial], dtype=float),
        contract_start=np.concatenate([initial_start, tender_start]).astype(np.int64),
        contract_end=np.concatenate(
            [np.repeat(initial_end[:, None], len(sc.providers), axis=1), award_end]
        ).astype(np.int64),
        ceiling=ceiling,
        drift=drift[:months],
        monthly_volatility=float(sigma),
        forecast_factor=forecast,
        lead_months=int(lead),
        ramp_leads=ramps,
        ramp_factor=ramp_factor,
        demand_ceiling=_demand_ceiling(sc, np.arange(months, dtype=float)),
        spare_gw=per_provider("spare_gw"),
        base_cost=per_provider("base_cost"),
        cost_spread=per_provider("cost_spread"),
        markup=per_provider("markup"),
        lead_median=per_provider("lead_time_months"),
        lead_spread=per_provider("lead_time_spread"),
        reserve_price=buyer.reserve_price,
        value_of_unmet=buyer.value_of_unmet,
        discount_rate=buyer.discount_rate,
        partial_match=sc.contract.partial_match,
        refused_competes=sc.contract.refused_holder == "competes",
        cost_distribution=sc.costs.distribution,
        initial_demand=sc.demand.initial_gw,
        bidding_mode=sc.bidding.mode,
        auction=sc.bidding.auction,
        holder_available=sc.bidding.holder_available,
        equilibrium=sc.bidding.equilibrium,
        snapped_states=bool(
            sc.bidding.intermediate == "snapped"
            and sc.bidding.mode == "strategic"
            and sc.bidding.auction == "first_price"
            and snappable(ceiling, tender_start, tender_month, bids_from)
            and np.isin(rule, (RULES.index("open"), RULES.index("rofr"))).any()
        ),
        cost_tables=tuple(cost_table(p.cost) for p in sc.providers),
        bids_from=bids_from,
        provider_term=term,
        elsewhere_price=buyer.elsewhere_price,
        elsewhere_gw=buyer.elsewhere_gw,
        investment=investment_plan(
            sc,
            _drift(sc, months + lookahead(sc)),
            float(sigma),
            ceiling,
            _rules(sc, np.arange(months))[0],
        ),
    )
