"""Bidding rules: how a provider turns its cost into a price quote.

A bidding rule is a function ``(plan, cost) -> bid`` on arrays of shape ``(n, K, P)``
(paths, tenders, providers). It is applied once per batch of paths, before the engines
run, so both engines see the same quotes. :data:`BIDDING_RULES` maps the names a
scenario may use to the functions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from computemarket.plan import Plan

__all__ = ["BIDDING_RULES", "cost_plus"]


def cost_plus(plan: Plan, cost: np.ndarray) -> np.ndarray:
    """Quote cost times one plus the provider's markup.

    Parameters
    ----------
    plan : Plan
        Supplies each provider's ``markup``.
    cost : ndarray, shape (n, K, P)
        Each provider's cost per tender ($B per GW-year).

    Returns
    -------
    ndarray, shape (n, K, P)
        Quoted prices ($B per GW-year).

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.plan import make_plan
    >>> plan = make_plan(load_scenario())
    >>> cost_plus(plan, np.full((1, 1, 3), 10.0)).round(2).tolist()
    [[[11.5, 12.0, 11.0]]]
    """
    return cost * (1.0 + plan.markup)


#: Bidding rules by the name ``bidding.mode`` gives them.
BIDDING_RULES: dict[str, Callable[[Plan, np.ndarray], np.ndarray]] = {"cost_plus": cost_plus}
