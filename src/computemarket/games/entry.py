"""A lab for entry: how many outsiders a contract rule draws into the single tender.

``potential_entrants`` symmetric outsiders decide at once whether to enter, each paying
``entry_cost`` before it learns its cost (Levin and Smith 1994, with a fixed holder). An
entrant's expected profit with ``n`` entrants in all is the mean of what the outsiders
earn in :func:`~computemarket.games.lab.tender_study` with ``outsiders = n``, per
outsider: the same bids (:func:`~computemarket.games.bids.market_bids`) and the same
award (:func:`~computemarket.games.auction.decide`) as the engines. The pure-strategy
free-entry number is the largest ``n`` whose profit per entrant covers the entry cost
(``docs/economics.md``, Entry).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr
from scipy import stats

from computemarket.errors import InputError
from computemarket.games.lab import tender_study
from computemarket.scenario.numbers import integer_argument, real_argument

__all__ = ["MOST_ENTRANTS", "entry_study", "free_entry_number"]

#: Most potential entrants of one study: each number of entrants is its own tender game.
MOST_ENTRANTS = 20


def free_entry_number(profit: np.ndarray, entry_cost: float) -> int:
    """The largest number of entrants whose expected profit per entrant covers the cost.

    ``profit[n - 1]`` is each entrant's expected profit with ``n`` entrants. At the
    number returned, no entrant regrets entering (its profit covers ``entry_cost``) and
    no other potential entrant wants to join (with one more, profit falls short), so it
    is a pure-strategy free-entry equilibrium even where profit does not fall with
    ``n``. A tie counts as covering. Zero when not even one entrant covers the cost.

    Parameters
    ----------
    profit : array_like, shape (N,)
        Expected profit per entrant with 1, ..., N entrants.
    entry_cost : float
        What each entrant pays to enter.

    Returns
    -------
    int

    Examples
    --------
    Open tenders with uniform costs: ``1 / ((n + 1)(n + 2))`` per entrant.

    >>> n = np.arange(1, 11)
    >>> free_entry_number(1 / ((n + 1) * (n + 2)), 0.02)
    5
    >>> free_entry_number(1 / ((n + 1) * (n + 2)), 0.5)
    0
    """
    covers = np.flatnonzero(np.asarray(profit, dtype=float) >= entry_cost)
    return int(covers[-1] + 1) if covers.size else 0


def entry_study(
    rule: str,
    *,
    potential_entrants: int,
    entry_cost: float,
    cost: Any = None,
    auction: str = "first_price",
    reserve_price: float = 1.0,
    holder_available: float = 1.0,
    draws: int = 100_000,
    seed: int = 0,
) -> xr.Dataset:
    """Free entry of outsiders into a single tender under a contract rule.

    The holder is always present. Entrants bid strategically; an entrant's cost is drawn
    from ``cost``, like the holder's, after it has paid ``entry_cost``.

    Parameters
    ----------
    rule : {"exclusive", "rofr", "rofo", "open"}
    potential_entrants : int
        How many outsiders could enter (1 to :data:`MOST_ENTRANTS`).
    entry_cost : float
        What each entrant pays to enter, in the units of the reserve price (>= 0).
    cost : frozen scipy.stats continuous distribution, default ``uniform(0, 1)``
        The i.i.d. cost distribution of the holder and every entrant.
    auction : {"first_price", "second_price"}, default "first_price"
    reserve_price : float, default 1.0
        The buyer's value of the unit; quotes above it are refused.
    holder_available : float, default 1.0
        Probability that the holder can serve (:func:`~computemarket.tender_study`).
    draws : int, default 100_000
        Tenders simulated for each number of entrants.
    seed : int, default 0
        The same seed for every number of entrants, so every study with the same seed
        draws the same costs for the holder and the first outsiders: numbers of
        entrants, and rules, are compared on common random numbers.

    Returns
    -------
    xarray.Dataset
        Over ``entrants`` (0 to ``potential_entrants``): ``entrant_profit`` (each
        entrant's expected profit before the entry cost; NaN at 0, where there is none),
        its Monte Carlo ``entrant_profit_se``, and ``welfare`` (expected buyer, holder
        and outsider surplus less the entry costs paid). ``n_entrants``: the free-entry
        number (:func:`free_entry_number`). At that number, ``mean_price`` (the buyer's
        expected payment per unit bought) and ``long_run_average_cost`` (the expected
        cost of the units supplied plus ``entry_cost`` for every provider present, the
        holder's renewal included, per unit bought; NaN without trade). Under ``open``
        with a holder like the entrants (``holder_available = 1``) the first exceeds the
        second by ``(n + 1)(π(n) − k)`` per unit bought, so where free entry, not the
        number of potential entrants, stops entry (``π(n + 1) < k``), by between 0 and
        ``(n + 1)(π(n) − π(n + 1))`` per unit bought (``docs/economics.md``, Entry). Over
        ``draw`` (and ``provider``): the
        outcomes of :func:`~computemarket.tender_study` with ``n_entrants`` outsiders,
        the same draws bit for bit; with none, the holder faces the buyer alone.

    Raises
    ------
    InputError
        Naming the argument that is invalid.

    Examples
    --------
    Open tenders, costs uniform on (0, 1): an entrant earns ``1 / ((n + 1)(n + 2))``
    (``docs/economics.md``), so an entry cost of 0.02 lets five in, and a right of
    first refusal, which halves what the first entrant earns, four.

    >>> ds = entry_study("open", potential_entrants=8, entry_cost=0.02, draws=20_000)
    >>> int(ds.n_entrants), round(float(ds.entrant_profit.sel(entrants=1)), 2)
    (5, 0.17)
    >>> int(entry_study("rofr", potential_entrants=8, entry_cost=0.02, draws=20_000).n_entrants)
    4
    """
    most = integer_argument("potential_entrants", potential_entrants, 1)
    if most > MOST_ENTRANTS:
        raise InputError(
            "potential_entrants", most, f"must be at most {MOST_ENTRANTS} (one game per number)"
        )
    entry_cost = real_argument("entry_cost", entry_cost, least=0.0)
    cost = stats.uniform(0, 1) if cost is None else cost
    settings = {
        "cost": cost,
        "auction": auction,
        "reserve_price": reserve_price,
        "holder_available": holder_available,
        "draws": draws,
        "seed": seed,
    }
    profit = np.full(most + 1, np.nan)
    error = np.full(most + 1, np.nan)
    welfare = np.empty(most + 1)
    epsilon = 0.0
    # Only the largest number so far whose profit covers the cost is kept: memory stays
    # that of two studies however many could enter.
    out = None
    for n in range(most + 1):
        ds = tender_study(rule, outsiders=n, **settings)
        surplus = ds.buyer_surplus + ds.holder_surplus + ds.outsider_surplus
        welfare[n] = float(surplus.mean()) - n * entry_cost
        epsilon = max(epsilon, float(ds.attrs["epsilon"]))
        if n:
            each = ds.outsider_surplus.values / n
            profit[n] = each.mean()
            error[n] = each.std(ddof=1) / np.sqrt(each.size) if each.size > 1 else np.nan
        if n == 0 or profit[n] >= entry_cost:
            out = ds
    entered = free_entry_number(profit[1:], entry_cost)
    assert out is not None and out.sizes["provider"] == entered + 1
    out = out.copy()
    out.coords["entrants"] = np.arange(most + 1)
    out["entrant_profit"] = xr.DataArray(
        profit,
        dims="entrants",
        attrs={
            "units": "1",
            "long_name": "each entrant's expected profit before the entry cost "
            "(NaN with no entrant)",
        },
    )
    out["entrant_profit_se"] = xr.DataArray(
        error,
        dims="entrants",
        attrs={"units": "1", "long_name": "Monte Carlo standard error of entrant_profit"},
    )
    out["welfare"] = xr.DataArray(
        welfare,
        dims="entrants",
        attrs={
            "units": "1",
            "long_name": "expected buyer, holder and outsider surplus less entry costs paid",
        },
    )
    out["n_entrants"] = xr.DataArray(
        entered, attrs={"units": "1", "long_name": "free-entry number of entrants"}
    )
    bought = float(out.awarded.sum("provider").mean())
    supply = float((out.cost * out.awarded).sum("provider").mean())
    paid = float((out.price * out.awarded.sum("provider")).mean())
    out["mean_price"] = xr.DataArray(
        paid / bought if bought > 0 else np.nan,
        attrs={
            "units": "1",
            "long_name": "buyer's expected payment per unit bought, at n_entrants",
        },
    )
    out["long_run_average_cost"] = xr.DataArray(
        (supply + (entered + 1) * entry_cost) / bought if bought > 0 else np.nan,
        attrs={
            "units": "1",
            "long_name": "expected cost of the units supplied plus the entry cost of every "
            "provider present (the holder's included), per unit bought, at n_entrants",
        },
    )
    out.attrs = {
        **out.attrs,
        "kind": "entry_study",
        "potential_entrants": most,
        "entry_cost": entry_cost,
        "epsilon": epsilon,
    }
    return out
