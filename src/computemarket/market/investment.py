"""Capacity investment: the providers' development decisions, as arithmetic on arrays.

Under ``supply.mode = "investment"`` a provider's capacity schedule is its pipeline, the
most it can have ready by each month, and its *developed* capacity (what it can commit
to the buyer) grows only by its own decisions. Every ``review_every_months`` months,
after the month's matching windows are decided and before the buyer issues its tenders,
each provider ``i`` looks ``d_i`` months ahead (its ``development_months``) and develops,
for every month from then on, at least

``min(pipeline_i(s), a_i * max(E[D(t + d_i + h_i) | D(t)] - R_i(t + d_i), 0))``,

where ``a_i`` is its ``build_share``, ``h_i`` its ``anticipation_months`` (how far beyond
the ready date it builds for), ``D`` the buyer's demand and ``R_i`` the capacity
its rivals have developed for that month, as it stands after this review's entries and
before any investment decision in it (decisions are simultaneous). Development is
irreversible (capacity falls only where the pipeline does), and costs ``capex_per_gw``
per GW as a level annuity over ``asset_life_years``, paid every month the GW stays
developed (``docs/economics.md``, section Investment, which also gives the equilibrium
in the shares ``a``).

A provider with an ``entry`` table is a potential entrant: it has nothing developed and
wins nothing until, at a review from its earliest month, the same forecast gap reaches its
threshold under the rule in force that month; it then enters, pays its entry cost and
invests from then on. Entrants decide before the investment decisions, in provider order,
each seeing what the entrants before it have just developed.

Under ``"exogenous"`` the developed capacity is the schedule itself and nothing here
changes it. :func:`review` is the decision's arithmetic; the vectorized and
discrete-event engines call it through :class:`~computemarket.market.ledger.Ledger`, and
the compiled engine repeats it operation for operation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from computemarket.errors import Problem, ScenarioError
from computemarket.scenario import Scenario
from computemarket.scenario.calendar import month_index
from computemarket.scenario.rules import RULES
from computemarket.scenario.supply import annuity_factor

__all__ = ["NOT_ENTERED", "InvestmentPlan", "investment_plan", "lookahead", "review"]

#: The entry month of a potential entrant that has not entered (later than any month).
NOT_ENTERED = 2**62


@dataclass(frozen=True, eq=False)
class InvestmentPlan:
    """The deterministic arrays of the providers' investment.

    Attributes
    ----------
    investing : bool
        Whether providers decide their capacity (``supply.mode == "investment"``).
    review : ndarray of bool, shape (T,)
        The months providers review their capacity (all False when not investing).
    development : ndarray of int, shape (P,)
        Months from a decision to the capacity being ready.
    share : ndarray of float, shape (P,)
        Each provider's ``build_share``.
    growth : ndarray of float, shape (P, T)
        ``E[D(t + d_i + h_i) | D(t)] / D(t)``: expected growth of demand over provider
        ``i``'s development time and anticipation, from month ``t``.
    capex_rate : ndarray of float, shape (P,)
        Capex per GW developed and per month ($B): ``capex_per_gw`` times the annuity
        factor, over twelve (zero when not investing: exogenous capacity has no capex).
    initial : ndarray of float, shape (P, T)
        Developed capacity before any decision: the schedule when not investing, else
        the pipeline up to the first month a decision can reach, flat after it (or the
        pipeline, where that is lower; zero for a potential entrant).
    entrant : ndarray of bool, shape (P,)
        Which providers are potential entrants (``providers[].entry``).
    entry_from, entry_cost : ndarray, shape (P,)
        Each entrant's earliest month of entry and entry cost ($B); :data:`NOT_ENTERED`
        and 0 for the others.
    entry_threshold : ndarray, shape (P, T)
        Each entrant's entry threshold (GW) at a review in each month: its threshold under
        the rule in force that month (0 for the others).
    """

    investing: bool
    review: np.ndarray
    development: np.ndarray
    share: np.ndarray
    growth: np.ndarray
    capex_rate: np.ndarray
    initial: np.ndarray
    entrant: np.ndarray
    entry_from: np.ndarray
    entry_threshold: np.ndarray
    entry_cost: np.ndarray

    def entry_months(self, paths: int) -> np.ndarray:
        """Each provider's month of entry before any decision, ``(P, paths)``.

        -1 for the providers in the market from the start, :data:`NOT_ENTERED` for the
        potential entrants.
        """
        first = np.where(self.entrant, NOT_ENTERED, -1).astype(np.int64)
        return np.repeat(first[:, None], paths, axis=1)


def investment_plan(
    sc: Scenario,
    drift: np.ndarray,
    monthly_volatility: float,
    pipeline: np.ndarray,
    month_rule: np.ndarray,
) -> InvestmentPlan:
    """The investment arrays of a scenario.

    Parameters
    ----------
    sc : Scenario
    drift : ndarray, shape (T + L,)
        Monthly drift of log-demand, over the horizon and at least :func:`lookahead`
        months beyond it (:func:`computemarket.market.plan.make_plan`).
    monthly_volatility : float
        Monthly standard deviation of log-demand shocks.
    pipeline : ndarray, shape (P, T)
        Each provider's capacity schedule by month.
    month_rule : ndarray of int, shape (T,)
        The code (:data:`computemarket.scenario.RULES`) of the rule in force each month.

    Returns
    -------
    InvestmentPlan
    """
    providers, months = pipeline.shape
    investing = sc.supply.mode == "investment"
    development = np.array([p.investment.development_months for p in sc.providers], dtype=np.int64)
    horizon = development + np.array(
        [p.investment.anticipation_months for p in sc.providers], dtype=np.int64
    )
    share = np.array([p.investment.build_share for p in sc.providers], dtype=float)
    rate = sc.supply.cost_of_capital
    capex_rate = float(investing) * (
        np.array(
            [
                p.investment.capex_per_gw * annuity_factor(rate, p.investment.asset_life_years)
                for p in sc.providers
            ],
            dtype=float,
        )
        / 12.0
    )
    # Cumulative drift: growth over d months from t is exp(sum of drift[t:t+d] + d s^2/2).
    cumulative = np.concatenate([[0.0], np.cumsum(drift)])
    growth = np.zeros((providers, months))
    review = np.zeros(months, dtype=bool)
    initial = pipeline.copy()
    if investing:
        review[:: sc.supply.review_every_months] = True
        t = np.arange(months)
        for i, d in enumerate(development.tolist()):
            h = int(horizon[i])
            ahead = np.minimum(t + h, cumulative.size - 1)
            with np.errstate(over="ignore"):
                growth[i] = np.exp(
                    cumulative[ahead] - cumulative[t] + 0.5 * h * monthly_volatility**2
                )
            if d < months:  # what was under way at the start, within a pipeline that may fall
                initial[i, d:] = np.minimum(pipeline[i, d - 1], pipeline[i, d:])
        if not np.isfinite(growth).all():
            raise ScenarioError(
                [
                    Problem(
                        "providers[].investment.development_months",
                        int(horizon.max()),
                        "with this demand growth and volatility the providers' demand forecast "
                        "overflows; shorten development_months or anticipation_months, or "
                        "lower growth or volatility",
                    )
                ],
                sc.name,
            )
    entrant = np.array([p.entry is not None for p in sc.providers], dtype=bool)
    entry_from = np.array(
        [
            max(month_index(p.entry.earliest, sc.start), 0) if p.entry is not None else NOT_ENTERED
            for p in sc.providers
        ],
        dtype=np.int64,
    )
    by_rule = np.array(
        [[p.entry.threshold(rule) if p.entry else 0.0 for rule in RULES] for p in sc.providers]
    ).reshape(providers, len(RULES))
    threshold = by_rule[:, month_rule]
    entry_cost = np.array([p.entry.cost if p.entry else 0.0 for p in sc.providers])
    initial[entrant] = 0.0
    return InvestmentPlan(
        entrant=entrant,
        entry_from=entry_from,
        entry_threshold=threshold,
        entry_cost=entry_cost,
        investing=investing,
        review=review,
        development=development,
        share=share,
        growth=growth,
        capex_rate=capex_rate,
        initial=initial,
    )


def lookahead(sc: Scenario) -> int:
    """The furthest any provider forecasts demand beyond a decision, in months.

    Parameters
    ----------
    sc : Scenario

    Returns
    -------
    int
        The largest ``development_months + anticipation_months`` (0 when not investing).
    """
    if sc.supply.mode != "investment":
        return 0
    return max(
        p.investment.development_months + p.investment.anticipation_months for p in sc.providers
    )


def review(
    developed: np.ndarray,
    entry_month: np.ndarray,
    month: int,
    demand_now: np.ndarray,
    pipeline: np.ndarray,
    plan: InvestmentPlan,
) -> None:
    """Every provider's entry and investment decision in ``month``, written in place.

    Entry first, in the order of the providers: a potential entrant whose earliest month
    has come enters where the demand it forecasts its rivals leave uncovered reaches its
    threshold, and develops its share of it at once, so that later entrants see it. Then
    every provider in the market decides its capacity, all on the same snapshot.

    Parameters
    ----------
    developed : ndarray, shape (P, T, n)
        Each provider's developed capacity by month and path; raised in place.
    entry_month : ndarray of int, shape (P, n)
        Each provider's month of entry (:meth:`InvestmentPlan.entry_months`); set in
        place for the entrants that enter.
    month : int
        The month of the review.
    demand_now : ndarray, shape (n,)
        The buyer's demand this month.
    pipeline : ndarray, shape (P, T)
        The most each provider can have ready by each month.
    plan : InvestmentPlan
    """
    providers, months = pipeline.shape
    for i in np.flatnonzero(plan.entrant & (plan.entry_from <= month)).tolist():
        ahead = month + int(plan.development[i])
        if ahead >= months:
            continue  # capacity could not be ready inside the horizon
        gap = demand_now * plan.growth[i, month] - _rivals(developed, i, ahead)
        enters = (entry_month[i] > month) & (gap >= plan.entry_threshold[i, month])
        entry_month[i] = np.where(enters, month, entry_month[i])
        reach = np.minimum(
            (plan.share[i] * np.maximum(gap, 0.0))[None, :], pipeline[i, ahead:, None]
        )
        developed[i, ahead:] = np.where(
            enters, np.maximum(developed[i, ahead:], reach), developed[i, ahead:]
        )
    targets = []
    for i in range(providers):
        ahead = month + int(plan.development[i])
        if ahead >= months:
            targets.append(None)
            continue
        gap = demand_now * plan.growth[i, month] - _rivals(developed, i, ahead)
        target = plan.share[i] * np.maximum(gap, 0.0)
        targets.append(np.where(entry_month[i] <= month, target, 0.0))
    for i, target in enumerate(targets):
        if target is None:
            continue
        ahead = month + int(plan.development[i])
        reach = np.minimum(target[None, :], pipeline[i, ahead:, None])
        np.maximum(developed[i, ahead:], reach, out=developed[i, ahead:])


def _rivals(developed: np.ndarray, i: int, ahead: int) -> np.ndarray:
    """Capacity the providers other than ``i`` have developed for month ``ahead``, (n,)."""
    rivals = np.zeros(developed.shape[2])
    for j in range(developed.shape[0]):
        if j != i:
            rivals = rivals + developed[j, ahead]
    return rivals
