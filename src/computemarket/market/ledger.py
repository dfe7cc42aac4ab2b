"""The contract book and capacity accounts of a batch of paths.

A :class:`Ledger` holds the state both engines share: every contract's awarded GW and
price per provider, the commitments schedule, each provider's built capacity and the
capacity it has built or ordered, and the quantities of tenders still open. Its methods
are the market's arithmetic (headroom, tender sizing, construction, delivery); the
engines decide only *when* each is called, and call them in the same order, so the
discrete-event engine (one path) and the vectorized engine (many paths) compute the
same numbers with the same operations.

Layout: the path axis is the *last* axis of every array (``(contract, provider, path)``,
``(month, provider, path)``), so that sums over contracts or providers add whole
contiguous rows of paths, in a fixed order.
"""

from __future__ import annotations

import numpy as np

from computemarket.games.auction import EPS_GW, TenderOutcome, decide
from computemarket.market.booking import commit, headroom_over_term, rises_from, total
from computemarket.market.inputs import MarketInputs
from computemarket.market.investment import review
from computemarket.market.plan import Plan
from computemarket.market.states import state_count, state_quotes, tender_state

__all__ = ["NEVER", "Delivery", "Ledger"]

#: Arrival month of construction never ordered.
NEVER = np.iinfo(np.int64).max


class Delivery:
    """What happens in one month of delivery, for a batch of paths.

    :meth:`Ledger.deliver` writes into these arrays.

    Attributes
    ----------
    capacity, contracted, delivered, spend, supply_cost : ndarray, shape (P, n)
        Built capacity, GW under active contracts, GW delivered, the buyer's spend and the
        providers' cost of what they delivered ($B in the month), per provider.
    developed, capex, entered : ndarray, shape (P, n)
        Capacity developed for the buyer (the ceiling on commitments, GW), its capex
        annuity plus any entry cost paid ($B in the month), and 1 where the provider is
        in the market (0 for a potential entrant that has not entered), per provider.
    served, shortfall : ndarray, shape (n,)
        Demand served and not served (GW).
    """

    __slots__ = (
        "capacity",
        "capex",
        "contracted",
        "delivered",
        "developed",
        "entered",
        "served",
        "shortfall",
        "spend",
        "supply_cost",
    )

    def __init__(
        self,
        capacity,
        contracted,
        delivered,
        spend,
        supply_cost,
        served,
        shortfall,
        developed,
        capex,
        entered,
    ) -> None:
        self.entered = entered
        self.developed = developed
        self.capex = capex
        self.capacity = capacity
        self.contracted = contracted
        self.delivered = delivered
        self.spend = spend
        self.supply_cost = supply_cost
        self.served = served
        self.shortfall = shortfall


class Ledger:
    """Contracts and capacity for ``inputs.paths`` paths.

    Parameters
    ----------
    inputs : MarketInputs

    Attributes
    ----------
    award, price : ndarray, shape (C, P, n)
        GW and price of every contract slot (initial contracts first, then one per
        tender); zero until awarded.
    commitments : ndarray, shape (H, P, n)
        GW committed to the buyer in each month by each provider, over every month any
        contract can reach; updated as contracts are awarded.
    build, arrival : ndarray, shape (C, P, n)
        Construction ordered for each contract slot (GW) and the month it finishes.
    built : ndarray, shape (P, n)
        Capacity in place (GW).
    owned : ndarray, shape (P, n)
        Capacity built or under construction (GW).
    open_quantity : ndarray, shape (K, n)
        Quantity of each tender issued but not yet decided (GW).
    open_deliverable : ndarray, shape (K, n)
        What each tender in its window can deliver (GW), what :meth:`pending` counts: its
        quantity, at most the providers' headroom for it when issued, less what the open
        tenders pending for its start could deliver.
    latest_start : int
        The latest first month of any contract booked so far.
    developed : ndarray, shape (P, T, n)
        Capacity each provider has developed for the buyer by each month (GW): the
        ceiling on its commitments. Under exogenous supply, the plan's ceiling (a
        read-only view); under investment, raised by :meth:`invest`.
    entry_month : ndarray of int, shape (P, n)
        The month each provider entered: -1 from the start, ``NOT_ENTERED`` for a
        potential entrant still out.
    """

    def __init__(self, inputs: MarketInputs) -> None:
        plan = inputs.plan
        n = inputs.paths
        contracts = plan.n_initial + plan.n_tenders
        horizon = max(plan.months, int(plan.contract_end.max(initial=0)))
        self.inputs = inputs
        self.plan: Plan = plan
        self.award = np.zeros((contracts, plan.n_providers, n))
        self.price = np.zeros((contracts, plan.n_providers, n))
        # Each contract's cost to its provider per GW-year: the tender's cost draw, or the
        # provider's base cost for contracts signed before the start.
        self.unit_cost = np.zeros((contracts, plan.n_providers, n))
        self.build = np.zeros((contracts, plan.n_providers, n))
        self.arrival = np.full((contracts, plan.n_providers, n), NEVER, dtype=np.int64)
        self.commitments = np.zeros((horizon, plan.n_providers, n))
        self.built = np.repeat(plan.spare_gw[:, None], n, axis=1)
        self.owned = self.built.copy()
        self.open_quantity = np.zeros((plan.n_tenders, n))
        self.open_deliverable = np.zeros((plan.n_tenders, n))
        self._factor = plan.tender_factors()
        investment = plan.investment
        if investment is not None and investment.investing:
            self.developed = np.repeat(investment.initial[:, :, None], n, axis=2)
            self.entry_month = investment.entry_months(n)
        else:
            self.developed = np.broadcast_to(plan.ceiling[:, :, None], (*plan.ceiling.shape, n))
            self.entry_month = np.full((plan.n_providers, n), -1, dtype=np.int64)
        # Scratch arrays of delivery.
        self._each = np.zeros((plan.n_providers, n))
        self._product = np.zeros((plan.n_providers, n))
        # For each month, the contract slots with construction finishing then, in the
        # order the construction was ordered.
        self._due: dict[int, list[int]] = {}
        # The latest start of a contract booked so far: a tender starting earlier must also
        # fit beside it (booking.headroom_over_term).
        self.latest_start = int(plan.contract_start[: plan.n_initial].max(initial=-1))
        # Where capacity is the same on every path, the month from which each provider's
        # never falls (booking.headroom_over_term uses it to stop early).
        investing = investment is not None and investment.investing
        self._rises_from = None if investing else rises_from(plan.ceiling)
        # Which providers won anything on any path, by contract: delivery skips the rest.
        self._awarded = np.zeros((contracts, plan.n_providers), dtype=bool)
        # Initial contracts: booked, and their capacity ordered to finish by their start.
        for slot in range(plan.n_initial):
            provider = plan.initial_provider[slot]
            start, end = plan.contract_start[slot], plan.contract_end[slot, provider]
            self.award[slot, provider] = plan.initial_gw[slot]
            self.price[slot, provider] = plan.initial_price[slot]
            self.unit_cost[slot, provider] = plan.base_cost[provider]
            self.commitments[start:end] += self.award[slot]
            self.build[slot, provider] = plan.initial_gw[slot]
            self._awarded[slot, provider] = plan.initial_gw[slot] > 0.0
            self.arrival[slot, provider] = start
            self.owned = self.owned + self.build[slot]
            self._ordered(slot)

    # -- capacity -------------------------------------------------------------------------
    def _ordered(self, slot: int) -> None:
        ordered = self.build[slot] > 0.0
        for month in np.unique(self.arrival[slot][ordered]).tolist():
            self._due.setdefault(month, []).append(slot)

    def orders(self, slot: int) -> list[tuple[int, int]]:
        """``(provider, month)`` of each construction order of a one-path ledger's ``slot``."""
        return [
            (int(p), int(self.arrival[slot, p, 0]))
            for p in np.flatnonzero(self.build[slot, :, 0] > 0.0)
        ]

    def finish(self, slot: int, provider: int) -> None:
        """One construction order finishes (discrete-event engine, one path)."""
        self.built[provider] = self.built[provider] + self.build[slot, provider]

    def finish_due(self, month: int) -> None:
        """Every construction order due in ``month`` finishes, in the order placed."""
        for slot in self._due.get(month, ()):
            due = self.arrival[slot] == month
            self.built = self.built + np.where(due, self.build[slot], 0.0)

    def invest(self, month: int, demand_now: np.ndarray) -> None:
        """The providers' investment review in ``month`` (under investment supply)."""
        investment = self.plan.investment
        if investment is not None and investment.review[month]:
            review(
                self.developed, self.entry_month, month, demand_now, self.plan.ceiling, investment
            )

    # -- tenders --------------------------------------------------------------------------
    def pending(self, month: int) -> np.ndarray:
        """GW (n,) of open tenders whose contracts would be active in ``month``.

        A tender in its window counts at what it can deliver: its quantity, at most the
        providers' headroom for it when it was issued (:meth:`_room`) less what the open
        tenders pending then could deliver.
        """
        plan = self.plan
        covers = (plan.tender_start <= month) & (month < plan.tender_end)
        return total(self.open_deliverable[covers])

    def tender_quantity(self, k: int, demand_now: np.ndarray) -> np.ndarray:
        """Size tender ``k`` from current demand (n,) and record it as open.

        The quantity is the forecast of demand at the contract's start (over the tender's
        own lead), times one plus the safety margin (at most the ceiling on demand then),
        less what is contracted or pending in open tenders for that month.
        """
        plan = self.plan
        start = int(plan.tender_start[k])
        forecast = demand_now * self._factor[k]
        forecast = np.minimum(forecast, plan.demand_ceiling[start])
        pending = self.pending(start)
        covered = total(self.commitments[start]) + pending
        quantity = forecast - covered
        quantity = np.where(quantity > EPS_GW, quantity, 0.0)
        self.open_quantity[k] = quantity
        if plan.tender_window[k] > 0:
            # What it can deliver: the providers' room less what the open tenders
            # counted in pending can deliver from it.
            room = total(np.maximum(self._room(k), 0.0))
            self.open_deliverable[k] = np.minimum(quantity, np.maximum(room - pending, 0.0))
        return quantity

    def _room(self, k: int) -> np.ndarray:
        """GW (P, n) each provider can commit to tender ``k`` now, over its own term.

        See :func:`~computemarket.market.booking.headroom_over_term` (docs/model.md).
        """
        plan = self.plan
        headroom = headroom_over_term(
            self.developed,
            self.commitments,
            int(plan.tender_start[k]),
            plan.contract_end[plan.n_initial + k],
            self.latest_start,
            self._rises_from,
        )
        # A provider with a later first tender (providers[].bids_from) offers nothing yet.
        headroom[plan.tender_month[k] < plan.bids_from] = 0.0
        return headroom

    def decide(
        self, k: int
    ) -> tuple[TenderOutcome, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Decide tender ``k``, book its contract and order the construction it needs.

        The providers quote as the tender's state asks (:mod:`computemarket.market.states`):
        which of them have headroom, and whether all of it is needed.

        Returns
        -------
        outcome : TenderOutcome
            Arrays over ``(n, P)``, as :func:`computemarket.games.auction.decide` gives them.
        build : ndarray, shape (P, n)
            GW of new construction ordered now.
        headroom : ndarray, shape (P, n)
            GW each provider could still commit at the contract's start (at least zero).
        bids : ndarray, shape (n, P)
            The quotes the tender was decided on.
        threshold : ndarray, shape (n,)
            Under ``rofo``, the buyer's acceptance threshold in the tender's state.
        """
        plan = self.plan
        start = int(plan.tender_start[k])
        slot = plan.n_initial + k
        headroom = self._room(k)
        quoted = self.inputs.bid[:, k]
        if quoted.shape[2] > 1:
            snapped = quoted.shape[2] > state_count(plan.n_providers)
            group = self.inputs.group[k] if snapped else None
            state = tender_state(self.open_quantity[k], headroom.T, snapped, group)
        else:
            state = np.zeros(self.inputs.paths, dtype=np.int64)
        bids = state_quotes(quoted, state)
        threshold = self.inputs.threshold[k][state]
        outcome = decide(
            int(plan.tender_rule[k]),
            self.open_quantity[k],
            bids,
            self.inputs.cost[:, k, :],
            headroom.T,
            plan.holder,
            plan.partial_match,
            plan.reserve_price,
            auction=plan.auction,
            threshold=threshold,
            refused_competes=plan.refused_competes,
        )
        award = outcome.award.T
        self.award[slot] = award
        self.price[slot] = np.where(award > 0.0, outcome.price.T, 0.0)
        self.unit_cost[slot] = self.inputs.cost[:, k, :].T
        self._awarded[slot] = (award > 0.0).any(axis=1)
        self.latest_start = max(self.latest_start, start)
        self.open_quantity[k] = 0.0
        self.open_deliverable[k] = 0.0
        # Build what the provider's capacity (built or ordered) cannot cover at the peak of
        # its commitments over the new contract's term (each provider's own).
        ends = plan.contract_end[slot]
        build = commit(self.commitments, award, start, ends, self.latest_start) - self.owned
        build = np.where(build > EPS_GW, build, 0.0)
        self.owned = self.owned + build
        self.build[slot] = build
        arrival = int(plan.tender_decision[k]) + self.inputs.lead[:, k, :].T
        self.arrival[slot] = np.where(build > 0.0, arrival, NEVER)
        self._ordered(slot)
        return outcome, build, np.maximum(headroom, 0.0), bids, threshold

    # -- delivery -------------------------------------------------------------------------
    def deliver(
        self, active: np.ndarray, demand_now: np.ndarray, out: Delivery, month: int
    ) -> None:
        """Deliver active contracts from built capacity, oldest contract first.

        Parameters
        ----------
        active : ndarray of bool, shape (C, P)
            Contracts in force this month, with each provider (:meth:`Plan.active`).
        demand_now : ndarray, shape (n,)
        out : Delivery
            Arrays to write the month's delivery into (views of the records, say).
        month : int
            The month delivered, for the developed capacity and its capex.
        """
        # Walk the active contracts from the oldest: each takes what capacity the older
        # ones left, up to its award. Operations write into preallocated arrays.
        taken, delivered = out.contracted, out.delivered
        spend, supply_cost = out.spend, out.supply_cost
        for array in (taken, delivered, spend, supply_cost):
            array[...] = 0.0
        each, product = self._each, self._product
        # A contract with no award on any path in force adds exact zeros: skipped.
        for slot in np.flatnonzero((active & self._awarded).any(axis=1)):
            award = self.award[slot]
            if not active[slot].all():  # some providers' terms have ended
                award = np.where(active[slot][:, None], award, 0.0)
            np.subtract(self.built, taken, out=each)
            np.maximum(each, 0.0, out=each)
            np.minimum(each, award, out=each)
            np.add(taken, award, out=taken)
            np.add(delivered, each, out=delivered)
            np.multiply(each, self.price[slot], out=product)
            np.add(spend, product, out=spend)
            np.multiply(each, self.unit_cost[slot], out=product)
            np.add(supply_cost, product, out=supply_cost)
        np.divide(spend, 12.0, out=spend)
        np.divide(supply_cost, 12.0, out=supply_cost)
        out.capacity[...] = self.built
        out.developed[...] = self.developed[:, month]
        investment = self.plan.investment
        rate = investment.capex_rate if investment is not None else 0.0
        np.multiply(self.developed[:, month], np.reshape(rate, (-1, 1)), out=out.capex)
        if investment is not None and investment.entrant.any():
            entering = self.entry_month == month
            out.capex[...] = out.capex + np.where(entering, investment.entry_cost[:, None], 0.0)
        out.entered[...] = self.entry_month <= month
        np.minimum(demand_now, total(delivered), out=out.served)
        np.subtract(demand_now, out.served, out=out.shortfall)
