"""The vectorized engine: the market model over many paths at once.

One Python loop runs over months; inside it every step is a NumPy operation on arrays
over paths (and contracts, providers). The steps and their arithmetic are those of the
discrete-event engine (:mod:`computemarket.engines.des`), taken from the same
:class:`~computemarket.market.ledger.Ledger`, in the order ``docs/model.md`` fixes:

1. construction due this month is finished;
2. contracts starting or ending this month take effect (a mask over contracts);
3. tenders whose matching window ends this month are decided, in tender order;
4. in a review month under investment supply, entrants decide whether to enter and
   providers decide their capacity;
5. the buyer observes demand and issues this month's tenders, one per lead, shortest
   first, deciding each at once when it has no window before sizing the next;
6. contracts deliver and are paid.
"""

from __future__ import annotations

from collections.abc import Callable

from computemarket.market.inputs import MarketInputs
from computemarket.market.ledger import Ledger
from computemarket.market.records import Records

__all__ = ["run"]


def run(
    inputs: MarketInputs,
    progress: Callable[[int], None] | None = None,
    out: Records | None = None,
) -> Records:
    """Simulate every path of ``inputs`` at once.

    Parameters
    ----------
    inputs : MarketInputs
    progress : callable, optional
        Called once with the number of paths when they are done.
    out : Records, optional
        Records covering these paths (and perhaps more) to write into.

    Returns
    -------
    Records
    """
    plan = inputs.plan
    ledger = Ledger(inputs)
    records = Records.for_inputs(inputs, out)
    every = slice(None)
    windows_ending: dict[int, list[int]] = {}
    for k in range(plan.n_tenders):
        if plan.tender_window[k] > 0:
            windows_ending.setdefault(int(plan.tender_decision[k]), []).append(k)

    def decide(k: int) -> None:
        records.decided(every, k, *ledger.decide(k))

    for month in range(plan.months):
        ledger.finish_due(month)
        active = plan.active(month)
        for k in windows_ending.get(month, ()):
            decide(k)
        demand_now = inputs.demand[:, month]
        ledger.invest(month, demand_now)
        for k in plan.issued_in(month):
            records.issued(every, k, ledger.tender_quantity(k, demand_now))
            if plan.tender_window[k] == 0:
                decide(k)
        ledger.deliver(active, demand_now, out=records.month(every, month), month=month)
    if progress is not None:
        progress(inputs.paths)
    return records
