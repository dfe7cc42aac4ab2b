"""Raw engine output: plain arrays over paths, months, tenders and providers.

Engines write into a :class:`Records`; :mod:`computemarket.results` labels it once as
an :class:`xarray.Dataset`. Nothing here knows about labels or units.
"""

from __future__ import annotations

import numpy as np

from computemarket.inputs import MarketInputs
from computemarket.ledger import Delivery
from computemarket.plan import Plan
from computemarket.tenders import TenderOutcome

__all__ = ["Records"]

#: Monthly arrays; True where they have a trailing provider axis.
MONTHLY = {
    "capacity": True,
    "contracted": True,
    "delivered": True,
    "spend": True,
    "served": False,
    "shortfall": False,
}
#: Per-tender arrays written by the engines; True where they have a provider axis.
TENDER = {
    "tender_quantity": False,
    "best_outside_price": False,
    "holder_matched": False,
    "award": True,
    "award_price": True,
    "construction": True,
}
#: Per-path inputs kept beside the outputs.
INPUTS = ("demand", "cost", "bid", "lead_time")


class Records:
    """Output arrays for a batch of paths, filled month by month and tender by tender.

    Parameters
    ----------
    plan : Plan
    paths : int
        Number of paths in the batch.
    first_path : int, default 0
        Index of the batch's first path.

    Attributes
    ----------
    arrays : dict of str to ndarray
        Every output, and the inputs ``demand``, ``cost``, ``bid`` and ``lead_time``.
    """

    def __init__(self, plan: Plan, paths: int, first_path: int = 0) -> None:
        months, tenders, providers = plan.months, plan.n_tenders, plan.n_providers
        self.plan = plan
        self.paths = paths
        self.first_path = first_path
        self.arrays: dict[str, np.ndarray] = {}
        for name, by_provider in MONTHLY.items():
            shape = (paths, months, providers) if by_provider else (paths, months)
            self.arrays[name] = np.zeros(shape)
        for name, by_provider in TENDER.items():
            shape = (paths, tenders, providers) if by_provider else (paths, tenders)
            self.arrays[name] = np.zeros(shape)
        self.arrays["best_outside_price"][:] = np.nan
        self.arrays["award_price"][:] = np.nan
        self.arrays["demand"] = np.zeros((paths, months))
        self.arrays["cost"] = np.zeros((paths, tenders, providers))
        self.arrays["bid"] = np.zeros((paths, tenders, providers))
        self.arrays["lead_time"] = np.zeros((paths, tenders, providers), dtype=np.int64)

    @classmethod
    def for_inputs(cls, inputs: MarketInputs) -> Records:
        """Empty records for the paths of ``inputs``, holding a copy of its inputs."""
        records = cls(inputs.plan, inputs.paths, inputs.first_path)
        records.arrays["demand"][:] = inputs.demand
        records.arrays["cost"][:] = inputs.cost
        records.arrays["bid"][:] = inputs.bid
        records.arrays["lead_time"][:] = inputs.lead
        return records

    def put(self, chunk: Records) -> None:
        """Copy a chunk's records into the rows of its paths."""
        start = chunk.first_path - self.first_path
        rows = slice(start, start + chunk.paths)
        for name, values in chunk.arrays.items():
            self.arrays[name][rows] = values

    def month(self, rows: slice, t: int, delivery: Delivery) -> None:
        """Store month ``t``'s delivery for paths ``rows``."""
        for name, by_provider in MONTHLY.items():
            values = getattr(delivery, name)
            self.arrays[name][rows, t] = values.T if by_provider else values

    def issued(self, rows: slice, k: int, quantity: np.ndarray) -> None:
        """Store tender ``k``'s quantity for paths ``rows``."""
        self.arrays["tender_quantity"][rows, k] = quantity

    def decided(self, rows: slice, k: int, outcome: TenderOutcome, build: np.ndarray) -> None:
        """Store the decision on tender ``k`` for paths ``rows``."""
        self.arrays["best_outside_price"][rows, k] = outcome.best_outside
        self.arrays["holder_matched"][rows, k] = outcome.matched
        self.arrays["award"][rows, k] = outcome.award
        self.arrays["award_price"][rows, k] = outcome.price
        self.arrays["construction"][rows, k] = build
