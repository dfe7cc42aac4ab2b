"""The contract book and capacity accounts of a batch of paths.

A :class:`Ledger` holds the state both engines share: every contract's awarded GW and
price per provider, each provider's built capacity and the capacity it has built or
ordered, and the quantities of tenders still open. Its methods are the market's
arithmetic (committed capacity, headroom, tender sizing, construction, delivery); the
engines decide only *when* each is called. Arrays run over paths first, so the
discrete-event engine (one path) and the vectorized engine (many paths) compute with
the same operations in the same order.
"""

from __future__ import annotations

import numpy as np

from computemarket.inputs import MarketInputs
from computemarket.plan import Plan
from computemarket.tenders import EPS_GW, TenderOutcome, decide

__all__ = ["Delivery", "Ledger"]


class Delivery:
    """What happened in one month of delivery, for a batch of paths.

    Attributes
    ----------
    capacity, contracted, delivered, spend : ndarray, shape (n, P)
        Built capacity, GW under active contracts, GW delivered, and spend ($B in the
        month) per provider.
    served, shortfall : ndarray, shape (n,)
        Demand served and not served (GW).
    """

    __slots__ = ("capacity", "contracted", "delivered", "served", "shortfall", "spend")

    def __init__(self, capacity, contracted, delivered, spend, served, shortfall) -> None:
        self.capacity = capacity
        self.contracted = contracted
        self.delivered = delivered
        self.spend = spend
        self.served = served
        self.shortfall = shortfall


class Ledger:
    """Contracts and capacity for ``inputs.paths`` paths.

    Parameters
    ----------
    inputs : MarketInputs

    Attributes
    ----------
    award, price : ndarray, shape (n, C, P)
        GW and price of every contract slot (initial contracts first, then one per tender);
        zero until awarded.
    build, arrival, finished : ndarray, shape (n, C, P)
        Construction ordered for each contract slot (GW), the month it finishes, and
        whether it has.
    owned : ndarray, shape (n, P)
        Capacity built or under construction (GW).
    open_quantity : ndarray, shape (n, K)
        Quantity of each tender issued but not yet decided (GW).
    """

    def __init__(self, inputs: MarketInputs) -> None:
        plan = inputs.plan
        n = inputs.paths
        contracts = plan.n_initial + plan.n_tenders
        self.inputs = inputs
        self.plan: Plan = plan
        self.award = np.zeros((n, contracts, plan.n_providers))
        self.price = np.zeros((n, contracts, plan.n_providers))
        initial = np.arange(plan.n_initial)
        self.award[:, initial, plan.initial_provider] = plan.initial_gw
        self.price[:, initial, plan.initial_provider] = plan.initial_price
        # Construction orders, one slot per contract: what each provider builds for it,
        # when that finishes, and whether it has. Initial contracts' capacity is built by
        # their start; tender slots are filled when the tender is decided.
        self.build = np.zeros_like(self.award)
        self.arrival = np.full(self.award.shape, np.iinfo(np.int64).max, dtype=np.int64)
        self.build[:, initial, plan.initial_provider] = plan.initial_gw
        self.arrival[:, initial, plan.initial_provider] = plan.contract_start[initial]
        self.finished = np.zeros(self.award.shape, dtype=bool)
        self.owned = plan.spare_gw + np.sum(self.build, axis=1)
        self.open_quantity = np.zeros((n, plan.n_tenders))

    # -- capacity -------------------------------------------------------------------------
    def finish_due(self, month: int) -> None:
        """Mark every construction order due by ``month`` as finished (vectorized engines)."""
        self.finished = self.arrival <= month

    def built(self) -> np.ndarray:
        """Capacity in place (n, P): spare capacity plus every finished order, in slot order."""
        return self.plan.spare_gw + np.sum(np.where(self.finished, self.build, 0.0), axis=1)

    # -- commitments ----------------------------------------------------------------------
    def committed(self, month: int) -> np.ndarray:
        """GW (n, P) under contracts (awarded so far) that are active in ``month``."""
        active = self.plan.active(month)
        return np.sum(self.award * active[None, :, None], axis=1)

    def pending(self, month: int) -> np.ndarray:
        """GW (n,) of open tenders whose contracts would be active in ``month``."""
        plan = self.plan
        covers = (plan.tender_start <= month) & (month < plan.tender_end)
        return np.sum(self.open_quantity * covers[None, :], axis=1)

    def tender_quantity(self, k: int, demand_now: np.ndarray) -> np.ndarray:
        """Size tender ``k`` from current demand (n,) and record it as open.

        The quantity is the forecast of demand at the contract's start, times one plus the
        safety margin, less what is contracted or pending in open tenders for that month.
        """
        plan = self.plan
        start = int(plan.tender_start[k])
        forecast = demand_now * plan.forecast_factor[plan.tender_month[k]]
        covered = np.sum(self.committed(start), axis=1) + self.pending(start)
        quantity = forecast - covered
        quantity = np.where(quantity > EPS_GW, quantity, 0.0)
        self.open_quantity[:, k] = quantity
        return quantity

    # -- decisions ------------------------------------------------------------------------
    def decide(self, k: int) -> tuple[TenderOutcome, np.ndarray, np.ndarray]:
        """Decide tender ``k``, book its contract and order the construction it needs.

        Returns
        -------
        outcome : TenderOutcome
        build : ndarray, shape (n, P)
            GW of new construction ordered now.
        arrival : ndarray of int, shape (n, P)
            Month the construction finishes (decision month plus lead time).
        """
        plan = self.plan
        start, end = int(plan.tender_start[k]), int(plan.tender_end[k])
        headroom = plan.ceiling[:, start][None, :] - self.committed(start)
        outcome = decide(
            int(plan.tender_rule[k]),
            self.open_quantity[:, k],
            self.inputs.bid[:, k, :],
            self.inputs.cost[:, k, :],
            headroom,
            plan.holder,
            plan.partial_match,
            plan.reserve_price,
        )
        slot = plan.n_initial + k
        self.award[:, slot, :] = outcome.award
        self.price[:, slot, :] = np.where(outcome.award > 0.0, outcome.price, 0.0)
        self.open_quantity[:, k] = 0.0
        # Build what the provider's capacity (built or ordered) cannot cover at the peak of
        # its commitments over the new contract's term.
        peak = self.committed(start)
        for month in plan.span_checkpoints(start, end)[1:]:
            peak = np.maximum(peak, self.committed(int(month)))
        build = peak - self.owned
        build = np.where(build > EPS_GW, build, 0.0)
        self.owned = self.owned + build
        arrival = int(plan.tender_decision[k]) + self.inputs.lead[:, k, :]
        self.build[:, slot, :] = build
        self.arrival[:, slot, :] = np.where(build > 0.0, arrival, np.iinfo(np.int64).max)
        return outcome, build, arrival

    # -- delivery -------------------------------------------------------------------------
    def deliver(self, active: np.ndarray, demand_now: np.ndarray) -> Delivery:
        """Deliver active contracts from built capacity, oldest contract first.

        Parameters
        ----------
        active : ndarray of bool, shape (C,)
            Contracts in force this month.
        demand_now : ndarray, shape (n,)

        Returns
        -------
        Delivery
        """
        capacity = self.built()
        award = self.award * active[None, :, None]
        before = np.cumsum(award, axis=1) - award
        delivered_each = np.clip(capacity[:, None, :] - before, 0.0, award)
        contracted = np.sum(award, axis=1)
        delivered = np.sum(delivered_each, axis=1)
        spend = np.sum(delivered_each * self.price, axis=1) / 12.0
        served = np.minimum(demand_now, np.sum(delivered, axis=1))
        return Delivery(capacity, contracted, delivered, spend, served, demand_now - served)
