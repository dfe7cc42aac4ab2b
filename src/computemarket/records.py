"""Raw engine output: plain arrays over paths, months, tenders and providers.

Engines write into a :class:`Records`; :mod:`computemarket.results` labels it once as
an :class:`xarray.Dataset`. Nothing here knows about labels or units.
"""

from __future__ import annotations

import numpy as np

from computemarket.inputs import MarketInputs
from computemarket.ledger import Delivery
from computemarket.tenders import TenderOutcome

__all__ = ["Records"]

#: Names of the monthly arrays and their shapes' trailing axes ("P" for providers).
MONTHLY = {
    "capacity": "P",
    "contracted": "P",
    "delivered": "P",
    "spend": "P",
    "served": "",
    "shortfall": "",
}
#: Names of the per-tender arrays.
TENDER = {
    "tender_quantity": "",
    "best_outside_price": "",
    "holder_matched": "",
    "award": "P",
    "award_price": "P",
    "construction": "P",
}


class Records:
    """Output arrays for a batch of paths, filled month by month and tender by tender.

    Parameters
    ----------
    inputs : MarketInputs
        Fixes the shapes; demand, costs, quotes and lead times are copied from it.
    """

    def __init__(self, inputs: MarketInputs) -> None:
        plan = inputs.plan
        n, months, tenders, providers = inputs.paths, plan.months, plan.n_tenders, plan.n_providers
        self.inputs = inputs
        self.arrays: dict[str, np.ndarray] = {}
        for name, trailing in MONTHLY.items():
            shape = (n, months, providers) if trailing else (n, months)
            self.arrays[name] = np.zeros(shape)
        for name, trailing in TENDER.items():
            shape = (n, tenders, providers) if trailing else (n, tenders)
            self.arrays[name] = np.zeros(shape)
        self.arrays["best_outside_price"][:] = np.nan
        self.arrays["award_price"][:] = np.nan

    def month(self, rows: slice, t: int, delivery: Delivery) -> None:
        """Store month ``t``'s delivery for paths ``rows``."""
        for name in MONTHLY:
            self.arrays[name][rows, t] = getattr(delivery, name)

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
