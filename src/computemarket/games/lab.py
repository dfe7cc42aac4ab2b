"""A single-tender lab for textbook comparisons of contract rules.

One buyer values each unit of a tender at the reserve price (one unit by default, or a
divisible quantity with providers' headrooms). A holder and ``outsiders`` outside
providers draw i.i.d. costs from any continuous ``scipy.stats`` distribution. The holder
can serve with a probability the outsiders know but cannot observe. Quotes come from the
same bidding code as the engines (:func:`computemarket.games.bids.market_bids`), and the
award from the same tender decision (:func:`computemarket.games.auction.decide`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr
from scipy import stats

from computemarket.errors import InputError
from computemarket.games.auction import decide, merit_order_fill
from computemarket.games.bids import market_bids
from computemarket.games.quantiles import quantile_grid
from computemarket.scenario import RULES
from computemarket.scenario.numbers import integer_argument, real_argument

__all__ = ["MOST_DRAWS", "tender_study"]

#: Most draws of one study: about 10 GB of arrays at two providers.
MOST_DRAWS = 100_000_000

_UNITS = {
    "cost": ("1", "provider's cost"),
    "bid": (
        "1",
        "provider's quote (the holder's posted or first offer where it makes one)",
    ),
    "holder_available": ("1", "whether the holder could serve"),
    "trade": ("1", "whether the unit was sold"),
    "awarded": ("1", "quantity the provider sold"),
    "price": ("1", "what the buyer paid per unit bought (0 without trade)"),
    "holder_won": ("1", "whether the holder sold something"),
    "efficient": (
        "1",
        "the awards are the merit order of costs among providers able to serve "
        "(no trade: not efficient)",
    ),
    "buyer_surplus": ("1", "reserve price less price, on every unit bought"),
    "holder_surplus": ("1", "the holder's price less its cost, on what it sold"),
    "outsider_surplus": ("1", "outsiders' prices less their costs, on what they sold"),
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
    quantity: float = 1.0,
    capacity: Sequence[float] | None = None,
    draws: int = 100_000,
    seed: int = 0,
) -> xr.Dataset:
    """Simulate one tender many times under a contract rule.

    Parameters
    ----------
    rule : {"exclusive", "rofr", "rofo", "open"}
    outsiders : int, default 1
        Number of outside providers (besides the holder). With none, the holder faces
        the buyer alone and, bidding strategically, quotes the reserve under every rule.
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
    quantity : float, default 1.0
        The quantity tendered (divisible); the buyer values each unit at the reserve.
    capacity : sequence of float, optional
        Each provider's headroom, the holder first, then the outsiders, known to all;
        awards go in merit order up to headroom. Without it, every provider can serve the
        whole tender (the single-unit game). With it, strategic bids are the
        capacity-constrained equilibrium, computed so far under ``open``, ``exclusive``
        and ``rofr`` (first price, against a holder that matches only when that pays;
        unlike bidders by the grid solver of :mod:`computemarket.games.distributional`;
        ``docs/economics.md``), with the holder always able to serve. Under
        ``second_price`` a tender some but not all could serve alone is solved for two
        providers (:mod:`computemarket.games.uniform`) and refused for more.
    draws : int, default 100_000
        Number of independent tenders simulated.
    seed : int, default 0
        Seed of the cost and availability draws.

    Returns
    -------
    xarray.Dataset
        Over ``draw`` (and ``provider``: ``holder``, ``outsider_1``, ...): ``cost``,
        ``bid``, ``awarded`` (the quantity each provider sells), ``holder_available``,
        ``trade``, ``price`` (the buyer's payment per unit bought), ``holder_won`` (the
        holder sold something), ``efficient`` (the awards are the merit order of costs
        among providers able to serve), ``buyer_surplus``, ``holder_surplus``,
        ``outsider_surplus``. The attributes hold the settings and ``epsilon``, the
        largest gain from deviating from the computed bids.
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

    Two providers of one unit each and 1.5 units asked: the buyer pays
    ``(4q - 2) / 3`` in all, ``(4q - 2) / (3q) = 8/9`` a unit (``docs/economics.md``).

    >>> ds = tender_study("open", quantity=1.5, capacity=[1.0, 1.0], draws=20_000)
    >>> round(float(ds.price.mean()), 3), float(ds.awarded.sum("provider").min())
    (0.889, 1.5)
    """
    cost = stats.uniform(0, 1) if cost is None else cost
    outsiders = integer_argument("outsiders", outsiders, 0)
    draws = integer_argument("draws", draws, 1)
    if draws > MOST_DRAWS:
        raise InputError("draws", draws, f"must be at most {MOST_DRAWS:,} (memory grows with it)")
    seed = integer_argument("seed", seed, 0)
    _check(rule, cost, bidding, auction, reserve_price, holder_available)
    reserve_price, holder_available = float(reserve_price), float(holder_available)
    providers = 1 + outsiders
    room = _capacity(quantity, capacity, providers, holder_available)
    code = RULES.index(rule)
    q = quantile_grid()
    grid = np.repeat(np.asarray(cost.ppf(q), dtype=float)[None, :], providers, axis=0)
    try:
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
            quantity=quantity,
            capacity=None if capacity is None else room,
        )
    except ValueError as exc:
        raise InputError("capacity", room.tolist(), str(exc)) from None
    root = np.random.SeedSequence(seed)
    cost_stream, available_stream = (np.random.Generator(np.random.PCG64(s)) for s in root.spawn(2))
    costs = np.asarray(cost.ppf(cost_stream.random((draws, providers))), dtype=float)
    available = available_stream.random(draws) < holder_available
    bids = rule_bids(costs, 0, reserve_price)
    headroom = np.repeat(room[None, :], draws, axis=0)
    headroom[:, 0] = np.where(available, headroom[:, 0], 0.0)
    outcome = decide(
        code,
        np.full(draws, float(quantity)),
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
    bought = award.sum(axis=1)
    trade = bought > 0.0
    paid = np.where(award > 0, outcome.price, 0.0) * award
    price = np.divide(paid.sum(axis=1), bought, out=np.zeros(draws), where=trade)
    margin = np.where(award > 0, paid - costs * award, 0.0)
    holder_won = award[:, 0] > 0.0
    cheapest, _ = merit_order_fill(np.full(draws, float(quantity)), costs, headroom, headroom > 0)
    efficient = trade & np.all(np.abs(award - cheapest) <= 1e-12, axis=1)
    data = {
        "cost": (("draw", "provider"), costs),
        "bid": (("draw", "provider"), bids),
        "awarded": (("draw", "provider"), award),
        "holder_available": ("draw", available),
        "trade": ("draw", trade),
        "price": ("draw", price),
        "holder_won": ("draw", holder_won),
        "efficient": ("draw", efficient),
        "buyer_surplus": ("draw", reserve_price * bought - paid.sum(axis=1)),
        "holder_surplus": ("draw", margin[:, 0]),
        "outsider_surplus": ("draw", margin[:, 1:].sum(axis=1)),
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
        "quantity": float(quantity),
        "capacity": "unconstrained" if capacity is None else json.dumps(room.tolist()),
        "seed": seed,
        "acceptance_threshold": float(rule_bids.threshold),
        "epsilon": rule_bids.epsilon,
    }
    return ds


def _capacity(quantity, capacity, providers: int, available: float) -> np.ndarray:
    """Each provider's headroom, validated; the quantity itself when unconstrained."""
    quantity = real_argument("quantity", quantity, above=0.0)
    if capacity is None:
        return np.full(providers, float(quantity))
    try:
        room = np.asarray(capacity, dtype=float)
    except (TypeError, ValueError):
        raise InputError("capacity", capacity, "must be a sequence of numbers") from None
    if room.shape != (providers,) or not (np.isfinite(room).all() and (room >= 0).all()):
        raise InputError(
            "capacity",
            capacity,
            f"must hold {providers} finite headrooms >= 0: the holder's, then each outsider's",
        )
    if available != 1.0:
        raise InputError(
            "holder_available", available, "must be 1 with capacities (the holder can serve)"
        )
    return room


def _describe(dist: Any) -> str:
    name = getattr(getattr(dist, "dist", None), "name", type(dist).__name__)
    args = ", ".join(f"{a!r}" for a in getattr(dist, "args", ()))
    kwds = ", ".join(f"{k}={v!r}" for k, v in getattr(dist, "kwds", {}).items())
    return f"{name}({', '.join(x for x in (args, kwds) if x)})"


def _check(rule, cost, bidding, auction, reserve, available) -> None:
    if rule not in RULES:
        raise InputError("rule", rule, f"must be one of {list(RULES)}")
    if not (hasattr(cost, "ppf") and hasattr(cost, "cdf")) or not isinstance(
        getattr(cost, "dist", None), stats.rv_continuous
    ):
        raise InputError("cost", cost, "must be a frozen scipy.stats continuous distribution")
    if bidding not in ("strategic", "cost_plus"):
        raise InputError("bidding", bidding, "must be 'strategic' or 'cost_plus'")
    if auction not in ("first_price", "second_price"):
        raise InputError("auction", auction, "must be 'first_price' or 'second_price'")
    real_argument("reserve_price", reserve, above=0.0)
    real_argument("holder_available", available, least=0.0, most=1.0)
    low = cost.ppf(0.0)
    if not np.isfinite(low) or low < 0:
        raise InputError("cost", _describe(cost), "must have a finite, non-negative lower bound")
