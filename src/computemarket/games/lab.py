"""A single-tender lab for textbook comparisons of contract rules.

One buyer values one unit at the reserve price. A holder and ``outsiders`` outside
providers draw i.i.d. costs from any continuous ``scipy.stats`` distribution. The holder
can serve with a probability the outsiders know but cannot observe. Quotes come from the
same bidding code as the engines (:func:`computemarket.games.bids.market_bids`), and the
award from the same tender decision (:func:`computemarket.games.auction.decide`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr
from scipy import stats

from computemarket.errors import InputError
from computemarket.games.auction import decide
from computemarket.games.bids import market_bids
from computemarket.games.quantiles import quantile_grid
from computemarket.scenario import RULES

__all__ = ["tender_study"]

_UNITS = {
    "cost": ("price units", "provider's cost"),
    "bid": (
        "price units",
        "provider's quote (the holder's posted or first offer where it makes one)",
    ),
    "holder_available": ("1", "whether the holder could serve"),
    "trade": ("1", "whether the unit was sold"),
    "price": ("price units", "what the buyer paid (0 without trade)"),
    "holder_won": ("1", "whether the holder supplied the unit"),
    "efficient": (
        "1",
        "the unit went to the cheapest provider able to serve (no trade: not efficient)",
    ),
    "buyer_surplus": ("price units", "reserve price minus price, if traded"),
    "holder_surplus": ("price units", "price minus the holder's cost, if the holder won"),
    "outsider_surplus": ("price units", "price minus the winner's cost, if an outsider won"),
}


def tender_study(
    rule: str,
    *,
    outsiders: int = 1,
    cost: Any = None,
    bidding: str = "strategic",
    auction: str = "first_price",
    reserve_price: float = 1.0,
    holder_available: float = 1.0,
    markup: float = 0.0,
    draws: int = 100_000,
    seed: int = 0,
) -> xr.Dataset:
    """Simulate one tender many times under a contract rule.

    Parameters
    ----------
    rule : {"exclusive", "rofr", "rofo", "open"}
    outsiders : int, default 1
        Number of outside providers (besides the holder).
    cost : frozen scipy.stats continuous distribution, default ``uniform(0, 1)``
        The i.i.d. cost distribution of every provider.
    bidding : {"strategic", "cost_plus"}, default "strategic"
    auction : {"first_price", "second_price"}, default "first_price"
    reserve_price : float, default 1.0
        The buyer's value of the unit; quotes above it are refused.
    holder_available : float, default 1.0
        Probability that the holder can serve, known to the outsiders but not observed.
    markup : float, default 0.0
        Markup over cost under ``cost_plus``.
    draws : int, default 100_000
        Number of independent tenders simulated.
    seed : int, default 0
        Seed of the cost and availability draws.

    Returns
    -------
    xarray.Dataset
        Over ``draw`` (and ``provider``: ``holder``, ``outsider_1``, ...): ``cost``,
        ``bid``, ``holder_available``, ``trade``, ``price``, ``holder_won``, ``efficient``,
        ``buyer_surplus``, ``holder_surplus``, ``outsider_surplus``. The attributes hold
        the settings and ``epsilon``, the largest gain from deviating from the computed
        bids (0 up to numerical error for these symmetric games).
        :func:`computemarket.summarize` gives expected values with standard errors.

    Raises
    ------
    InputError
        Naming the argument that is invalid.

    Examples
    --------
    One outsider against a holder with a right of first refusal, costs uniform on
    (0, 1): the outsider bids ``(1 + c) / 2``, so the expected price is 3/4.

    >>> ds = tender_study("rofr", draws=20_000)
    >>> round(float(ds.price.mean()), 2)
    0.75
    """
    cost = stats.uniform(0, 1) if cost is None else cost
    _check(rule, outsiders, cost, bidding, auction, reserve_price, holder_available, draws, seed)
    code = RULES.index(rule)
    q = quantile_grid()
    providers = 1 + outsiders
    grid = np.repeat(np.asarray(cost.ppf(q), dtype=float)[None, :], providers, axis=0)
    rule_bids = market_bids(
        code,
        grid,
        q,
        holder=0,
        reserve=reserve_price,
        mode=bidding,
        auction=auction,
        holder_available=holder_available,
        markup=markup,
    )
    root = np.random.SeedSequence(seed)
    cost_stream, available_stream = (np.random.Generator(np.random.PCG64(s)) for s in root.spawn(2))
    costs = np.asarray(cost.ppf(cost_stream.random((draws, providers))), dtype=float)
    available = available_stream.random(draws) < holder_available
    bids = rule_bids(costs, 0, reserve_price)
    headroom = np.ones((draws, providers))
    headroom[:, 0] = available
    outcome = decide(
        code,
        np.ones(draws),
        bids,
        costs,
        headroom,
        holder=0,
        partial_match=True,
        reserve_price=reserve_price,
        auction=auction,
        threshold=rule_bids.threshold,
    )
    award = outcome.award
    trade = award.sum(axis=1) > 0.0
    winner = np.argmax(award, axis=1)
    rows = np.arange(draws)
    price = np.where(trade, np.nansum(np.where(award > 0, outcome.price, 0.0), axis=1), 0.0)
    holder_won = trade & (winner == 0)
    able_cost = np.where(headroom > 0, costs, np.inf)
    efficient = trade & (costs[rows, winner] <= able_cost.min(axis=1))
    winner_cost = costs[rows, winner]
    data = {
        "cost": (("draw", "provider"), costs),
        "bid": (("draw", "provider"), bids),
        "holder_available": ("draw", available),
        "trade": ("draw", trade),
        "price": ("draw", price),
        "holder_won": ("draw", holder_won),
        "efficient": ("draw", efficient),
        "buyer_surplus": ("draw", np.where(trade, reserve_price - price, 0.0)),
        "holder_surplus": ("draw", np.where(holder_won, price - costs[:, 0], 0.0)),
        "outsider_surplus": ("draw", np.where(trade & ~holder_won, price - winner_cost, 0.0)),
    }
    ds = xr.Dataset(
        {name: xr.Variable(dims, values) for name, (dims, values) in data.items()},
        coords={
            "draw": np.arange(draws),
            "provider": ["holder", *[f"outsider_{i + 1}" for i in range(outsiders)]],
        },
    )
    for name, (units, long_name) in _UNITS.items():
        ds[name].attrs = {"units": units, "long_name": long_name}
    ds.attrs = {
        "kind": "tender_study",
        "rule": rule,
        "outsiders": outsiders,
        "cost_distribution": _describe(cost),
        "bidding": bidding,
        "auction": auction,
        "reserve_price": reserve_price,
        "holder_available": holder_available,
        "markup": markup,
        "seed": seed,
        "acceptance_threshold": float(rule_bids.threshold),
        "epsilon": rule_bids.epsilon,
    }
    return ds


def _describe(dist: Any) -> str:
    name = getattr(getattr(dist, "dist", None), "name", type(dist).__name__)
    args = ", ".join(f"{a!r}" for a in getattr(dist, "args", ()))
    kwds = ", ".join(f"{k}={v!r}" for k, v in getattr(dist, "kwds", {}).items())
    return f"{name}({', '.join(x for x in (args, kwds) if x)})"


def _check(rule, outsiders, cost, bidding, auction, reserve, available, draws, seed) -> None:
    if rule not in RULES:
        raise InputError("rule", rule, f"must be one of {list(RULES)}")
    for name, value, least in (("outsiders", outsiders, 1), ("draws", draws, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
            raise InputError(name, value, f"must be an integer >= {least}")
    if not (hasattr(cost, "ppf") and hasattr(cost, "cdf")) or not isinstance(
        getattr(cost, "dist", None), stats.rv_continuous
    ):
        raise InputError("cost", cost, "must be a frozen scipy.stats continuous distribution")
    if bidding not in ("strategic", "cost_plus"):
        raise InputError("bidding", bidding, "must be 'strategic' or 'cost_plus'")
    if auction not in ("first_price", "second_price"):
        raise InputError("auction", auction, "must be 'first_price' or 'second_price'")
    if not (isinstance(reserve, int | float) and np.isfinite(reserve) and reserve > 0):
        raise InputError("reserve_price", reserve, "must be a positive finite number")
    if not (isinstance(available, int | float) and 0.0 <= available <= 1.0):
        raise InputError("holder_available", available, "must be a probability in [0, 1]")
    low = cost.ppf(0.0)
    if not np.isfinite(low) or low < 0:
        raise InputError("cost", _describe(cost), "must have a finite, non-negative lower bound")
