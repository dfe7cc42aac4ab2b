"""The discrete-event engine: the market model as SimPy processes, one path at a time.

This is the reference semantics: readable, slow. Each path runs in its own
:class:`simpy.Environment` whose clock counts :data:`TICKS` ticks per month; an event of
phase ``j`` in month ``t`` happens at tick ``TICKS * t + j``, which fixes the order of
events inside a month (``docs/model.md``, section Event order):

1. construction finishing this month adds capacity (:data:`ARRIVE`);
2. contracts starting or ending this month take effect (:data:`CONTRACTS`);
3. matching windows ending this month are decided (:data:`WINDOWS`);
4. in a review month under investment supply, entrants decide whether to enter and
   providers decide their capacity (:data:`INVEST`);
5. the buyer observes demand and issues its tenders in a tender month, one per lead
   (:data:`BUYER`);
6. contracts deliver from built capacity and the buyer pays (:data:`DELIVERY`).

The arithmetic of each step lives in :class:`~computemarket.market.ledger.Ledger`, shared with
the vectorized engine; processes here decide only when each step happens.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import numpy as np
import simpy

from computemarket.market.inputs import MarketInputs
from computemarket.market.ledger import Ledger
from computemarket.market.records import Records

__all__ = ["ARRIVE", "BUYER", "CONTRACTS", "DELIVERY", "INVEST", "TICKS", "WINDOWS", "run"]

TICKS = 10
ARRIVE, CONTRACTS, WINDOWS, INVEST, BUYER, DELIVERY = 1, 2, 3, 4, 5, 6

Process = Generator[simpy.Event, None, None]


class _PathMarket:
    """The market of one path: a SimPy environment, a ledger and the processes."""

    def __init__(self, inputs: MarketInputs, records: Records, row: int) -> None:
        self.env = simpy.Environment()
        self.inputs = inputs
        self.plan = inputs.plan
        self.ledger = Ledger(inputs)
        self.records = records
        self.rows = slice(row, row + 1)
        contracts = self.plan.n_initial + self.plan.n_tenders
        self.active = np.zeros((contracts, self.plan.n_providers), dtype=bool)

    def run(self) -> None:
        plan = self.plan
        for slot in range(plan.n_initial):
            self.env.process(self.contract(slot))
            for provider, month in self.ledger.orders(slot):
                self.env.process(self.construction(slot, provider, month))
        if plan.investment is not None and plan.investment.investing:
            self.env.process(self.providers())
        self.env.process(self.buyer())
        self.env.process(self.accounts())
        self.env.run(until=TICKS * plan.months)

    def until(self, month: int, phase: int) -> simpy.Timeout:
        """A timeout that fires at ``phase`` of ``month``, or at once if that has passed."""
        return self.env.timeout(max(TICKS * month + phase - self.env.now, 0))

    # -- processes ------------------------------------------------------------------------
    def construction(self, slot: int, provider: int, month: int) -> Process:
        """Capacity ordered for contract ``slot`` by ``provider`` is finished in ``month``."""
        yield self.until(month, ARRIVE)
        self.ledger.finish(slot, provider)

    def contract(self, slot: int) -> Process:
        """Contract ``slot`` takes effect in its start month and lapses at each provider's end."""
        ends = self.plan.contract_end[slot]
        yield self.until(int(self.plan.contract_start[slot]), CONTRACTS)
        self.active[slot] = True
        for end in np.unique(ends).tolist():
            yield self.until(end, CONTRACTS)
            self.active[slot, ends == end] = False

    def tender(self, k: int) -> Process:
        """Tender ``k``: wait out the holder's matching window, then award and build."""
        yield self.until(int(self.plan.tender_decision[k]), WINDOWS)
        self.award(k)

    def award(self, k: int) -> None:
        """Decide tender ``k``, book its contract and start its construction processes."""
        plan = self.plan
        decision = self.ledger.decide(k)
        self.records.decided(self.rows, k, *decision)
        slot = plan.n_initial + k
        self.env.process(self.contract(slot))
        for provider, month in self.ledger.orders(slot):
            self.env.process(self.construction(slot, provider, month))

    def providers(self) -> Process:
        """In each review month the providers decide how much capacity to develop."""
        plan = self.plan
        for month in np.flatnonzero(plan.investment.review).tolist():
            yield self.until(month, INVEST)
            self.ledger.invest(month, self.inputs.demand[:, month])

    def buyer(self) -> Process:
        """Each month the buyer observes demand; in a tender month it issues its tenders.

        One tender per lead, shortest first; one without a window is decided before the
        next is sized, so that the next sees its award.
        """
        plan = self.plan
        for month in range(plan.months):
            yield self.until(month, BUYER)
            for k in plan.issued_in(month):
                quantity = self.ledger.tender_quantity(k, self.inputs.demand[:, month])
                self.records.issued(self.rows, k, quantity)
                if plan.tender_window[k] > 0:
                    self.env.process(self.tender(k))
                else:
                    self.award(k)

    def accounts(self) -> Process:
        """Each month active contracts deliver from built capacity and are paid."""
        for month in range(self.plan.months):
            yield self.until(month, DELIVERY)
            self.ledger.deliver(
                self.active,
                self.inputs.demand[:, month],
                out=self.records.month(self.rows, month),
                month=month,
            )


def _one_path(inputs: MarketInputs, row: int) -> MarketInputs:
    keep = slice(row, row + 1)
    return MarketInputs(
        plan=inputs.plan,
        first_path=inputs.first_path + row,
        demand=inputs.demand[keep],
        cost=inputs.cost[keep],
        bid=inputs.bid[keep],
        lead=inputs.lead[keep],
        threshold=inputs.threshold,
    )


def run(
    inputs: MarketInputs,
    progress: Callable[[int], None] | None = None,
    out: Records | None = None,
) -> Records:
    """Simulate every path of ``inputs`` with SimPy, one path after another.

    Parameters
    ----------
    inputs : MarketInputs
    progress : callable, optional
        Called with the number of paths finished after each path.
    out : Records, optional
        Records covering these paths (and perhaps more) to write into.

    Returns
    -------
    Records
    """
    records = Records.for_inputs(inputs, out)
    for row in range(inputs.paths):
        _PathMarket(_one_path(inputs, row), records, row).run()
        if progress is not None:
            progress(1)
    return records
