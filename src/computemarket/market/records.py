"""Raw engine output: plain arrays over paths, months, tenders and providers.

Engines write into a :class:`Records`; :mod:`computemarket.results` labels it once as
an :class:`xarray.Dataset`. Nothing here knows about labels or units.
"""

from __future__ import annotations

import numpy as np

from computemarket.games.auction import TenderOutcome
from computemarket.market.inputs import MarketInputs
from computemarket.market.ledger import Delivery
from computemarket.market.plan import Plan
from computemarket.market.states import full_set

__all__ = ["Records"]

#: Monthly arrays; True where they have a trailing provider axis.
MONTHLY = {
    "capacity": True,
    "contracted": True,
    "delivered": True,
    "spend": True,
    "supply_cost": True,
    "served": False,
    "shortfall": False,
    "developed": True,
    "capex": True,
    "entered": True,
}
#: Per-tender arrays written by the engines; True where they have a provider axis.
TENDER = {
    "tender_quantity": False,
    "best_outside_price": False,
    "holder_matched": False,
    "award": True,
    "award_price": True,
    "construction": True,
    "headroom": True,
    "acceptance_threshold": False,
}
#: Per-path inputs kept beside the outputs.
INPUTS = ("demand", "cost", "bid", "lead_time")


class Records:
    """Output arrays for a batch of paths, filled month by month and tender by tender.

    Arrays are stored with the path axis last, as the engines compute them:
    ``(T, P, n)`` and ``(T, n)`` for monthly values, ``(K, P, n)`` and ``(K, n)`` per
    tender; :func:`computemarket.results.build_dataset` presents them path first.

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
            shape = (months, providers, paths) if by_provider else (months, paths)
            self.arrays[name] = np.zeros(shape)
        for name, by_provider in TENDER.items():
            shape = (tenders, providers, paths) if by_provider else (tenders, paths)
            self.arrays[name] = np.zeros(shape)
        self.arrays["best_outside_price"][:] = np.nan
        self.arrays["acceptance_threshold"][:] = np.nan
        self.arrays["award_price"][:] = np.nan
        self.arrays["demand"] = np.zeros((months, paths))
        self.arrays["cost"] = np.zeros((tenders, providers, paths))
        self.arrays["bid"] = np.zeros((tenders, providers, paths))
        self.arrays["lead_time"] = np.zeros((tenders, providers, paths), dtype=np.int64)

    @classmethod
    def for_inputs(cls, inputs: MarketInputs, out: Records | None = None) -> Records:
        """Records for the paths of ``inputs``, holding a copy of its inputs.

        Parameters
        ----------
        inputs : MarketInputs
        out : Records, optional
            Records covering more paths (those of ``inputs`` among them) to write into;
            the result is then a view of its columns for these paths.
        """
        if out is None:
            records = cls(inputs.plan, inputs.paths, inputs.first_path)
        else:
            records = out.columns(inputs.first_path, inputs.paths)
        records.arrays["demand"][:] = inputs.demand.T
        records.arrays["cost"][:] = inputs.cost.transpose(1, 2, 0)
        # Until a tender is decided, its quotes where every provider takes part (the
        # engines then write the quotes of the tender's state).
        default = full_set(inputs.plan.n_providers) if inputs.bid.shape[3] > 1 else 0
        records.arrays["bid"][:] = inputs.bid[..., default].transpose(1, 2, 0)
        records.arrays["lead_time"][:] = inputs.lead.transpose(1, 2, 0)
        return records

    def columns(self, first_path: int, paths: int) -> Records:
        """A view of these records for ``paths`` paths from ``first_path`` on."""
        start = first_path - self.first_path
        if start < 0 or start + paths > self.paths:
            last = first_path + paths - 1
            raise ValueError(f"paths {first_path}..{last} are not in these records")
        view = object.__new__(Records)
        view.plan = self.plan
        view.paths = paths
        view.first_path = first_path
        view.arrays = {name: a[..., start : start + paths] for name, a in self.arrays.items()}
        return view

    def month(self, rows: slice, t: int) -> Delivery:
        """Views of month ``t``'s delivery arrays for paths ``rows``, to write into."""
        views = {name: self.arrays[name][t, ..., rows] for name in MONTHLY}
        return Delivery(**views)

    def issued(self, rows: slice, k: int, quantity: np.ndarray) -> None:
        """Store tender ``k``'s quantity for paths ``rows``."""
        self.arrays["tender_quantity"][k, rows] = quantity

    def decided(
        self,
        rows: slice,
        k: int,
        outcome: TenderOutcome,
        build: np.ndarray,
        headroom: np.ndarray,
        bids: np.ndarray,
        threshold: np.ndarray,
    ) -> None:
        """Store the decision on tender ``k`` for paths ``rows``.

        ``outcome`` and ``bids`` (the quotes decided on) hold arrays over ``(n, P)``;
        ``build`` and ``headroom`` are ``(P, n)``; ``threshold`` (the rofo threshold in the
        tender's state, NaN under other rules) is ``(n,)``.
        """
        self.arrays["bid"][k, :, rows] = bids.T
        self.arrays["acceptance_threshold"][k, rows] = threshold
        self.arrays["best_outside_price"][k, rows] = outcome.best_outside
        self.arrays["holder_matched"][k, rows] = outcome.matched
        self.arrays["award"][k, :, rows] = outcome.award.T
        self.arrays["award_price"][k, :, rows] = outcome.price.T
        self.arrays["construction"][k, :, rows] = build
        self.arrays["headroom"][k, :, rows] = headroom
