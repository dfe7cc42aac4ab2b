"""Bidding models of your own: the protocol a plug-in follows, and how quotes call it.

A bidding model turns each provider's cost draw for each tender into a quote. Register
one by name (:func:`register_bidding`); a scenario then selects it with
``bidding.mode = "<name>"``, from TOML or ``with_updates``. Quotes are computed once per
batch of paths, before the engines run (:func:`computemarket.market.quotes.quotes`), so
all three engines, the compiled one included, honour a plug-in alike and agree bit for
bit: the plug-in is Python called from NumPy code, never from inside a compiled loop.

What a plug-in sees (:class:`QuoteRequest`): the cost draws, each tender's rule, the
holder, the reserve price and the providers' cost parameters. Tenders' quantities and
headrooms are decided later, inside the engines, so a plug-in's quotes cannot depend on
them (as for the built-in modes; see docs/economics.md on capacity-aware bids).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from computemarket.errors import InputError
from computemarket.market.plan import Plan
from computemarket.scenario import RULES
from computemarket.scenario.registry import register

__all__ = ["BiddingModel", "QuoteRequest", "plugin_quotes", "register_bidding"]


@dataclass(frozen=True)
class QuoteRequest:
    """What a bidding model is asked to price: every provider's cost for every tender.

    Parameters
    ----------
    cost : ndarray, shape (n, K, P)
        Each provider's cost draw for each tender of each path ($B per GW-year).
    rules : tuple of str
        The contract rule of each tender (``"exclusive"``, ``"rofr"``, ``"rofo"``,
        ``"open"``).
    providers : tuple of str
        The providers' names, in the order of the last axis.
    holder : int
        Index of the holder among the providers; -1 for none.
    reserve_price : float
        The buyer's reserve price ($B per GW-year).
    base_cost, cost_spread, markup : ndarray, shape (P,)
        The providers' parameters from the scenario.

    Examples
    --------
    >>> request = QuoteRequest(np.full((1, 2, 2), 10.0), ("rofr", "open"), ("a", "b"),
    ...     0, 20.0, np.array([10.0, 11.0]), np.array([0.1, 0.1]), np.array([0.1, 0.2]))
    >>> (request.cost * (1 + request.markup)).round(2).tolist()
    [[[11.0, 12.0], [11.0, 12.0]]]
    """

    cost: np.ndarray
    rules: tuple[str, ...]
    providers: tuple[str, ...]
    holder: int
    reserve_price: float
    base_cost: np.ndarray
    cost_spread: np.ndarray
    markup: np.ndarray


@runtime_checkable
class BiddingModel(Protocol):
    """What a bidding plug-in provides.

    ``quotes(request)`` returns every provider's quote, an array of the shape of
    ``request.cost``, finite and non-negative. Optionally, ``threshold(request)`` returns
    the buyer's acceptance threshold for the holder's first offer under ``rofo``, one
    value per tender (the reserve price where it is not given).

    Parameters
    ----------
    *args, **kwargs
        None: a protocol describes plug-ins and is not instantiated itself.

    Examples
    --------
    >>> class Markup:
    ...     def __init__(self, rate):
    ...         self.rate = rate
    ...     def quotes(self, request):
    ...         return request.cost * (1.0 + self.rate)
    >>> isinstance(Markup(0.1), BiddingModel)
    True
    """

    def quotes(self, request: QuoteRequest) -> np.ndarray:
        """Every provider's quote for every tender.

        Parameters
        ----------
        request : QuoteRequest
            The cost draws and what the scenario says of the tenders and providers.

        Returns
        -------
        ndarray
            Quotes ($B per GW-year), of shape ``request.cost.shape``.

        Examples
        --------
        >>> class AtCost:
        ...     def quotes(self, request):
        ...         return request.cost.copy()
        >>> isinstance(AtCost(), BiddingModel)
        True
        """
        ...


def register_bidding(name: str, model: BiddingModel) -> BiddingModel:
    """Register a bidding model under ``name``, for ``bidding.mode = name`` in scenarios.

    Parameters
    ----------
    name : str
        The name scenarios give as ``bidding.mode``; not a built-in mode.
    model : BiddingModel
        An object with a ``quotes(request)`` method (and optionally ``threshold``).

    Returns
    -------
    BiddingModel
        ``model``, so the call can decorate a class instance.

    Raises
    ------
    InputError
        If ``model`` has no ``quotes`` method, or ``name`` is a built-in mode.

    Examples
    --------
    >>> import computemarket as cm
    >>> class Posted:
    ...     def quotes(self, request):
    ...         return np.full(request.cost.shape, 14.0)
    >>> _ = cm.register_bidding("posted_14", Posted())
    >>> sc = cm.load_scenario().with_updates({"bidding.mode": "posted_14"})
    >>> float(cm.simulate(sc, paths=2, seed=1).bid.max())
    14.0
    """
    if not isinstance(model, BiddingModel):
        raise InputError("model", type(model).__name__, "must have a quotes(request) method")
    try:
        return register("bidding", name, model)
    except ValueError as exc:
        raise InputError("name", name, str(exc).split(": ", 1)[-1]) from None


def plugin_quotes(
    model: BiddingModel, plan: Plan, cost: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Quotes and ``rofo`` thresholds from a plug-in, checked.

    Raises
    ------
    InputError
        If the plug-in returns quotes of the wrong shape, or that are not finite and
        non-negative, naming the mode.
    """
    request = QuoteRequest(
        cost=cost.copy(),
        rules=tuple(RULES[r] for r in plan.tender_rule),
        providers=tuple(plan.providers),
        holder=int(plan.holder),
        reserve_price=float(plan.reserve_price),
        base_cost=plan.base_cost.copy(),
        cost_spread=plan.cost_spread.copy(),
        markup=plan.markup.copy(),
    )
    where = f"bidding.mode = {plan.bidding_mode!r}"
    bids = np.asarray(model.quotes(request), dtype=float)
    if bids.shape != cost.shape or not (np.isfinite(bids).all() and (bids >= 0).all()):
        raise InputError(
            where,
            f"quotes of shape {bids.shape}",
            f"the plug-in must return finite quotes >= 0 of shape {cost.shape}",
        )
    threshold = np.full(plan.n_tenders, np.nan)
    rofo = np.array([rule == "rofo" for rule in request.rules], dtype=bool)
    if rofo.any():
        given = getattr(model, "threshold", None)
        values = (
            np.full(plan.n_tenders, float(plan.reserve_price))
            if given is None
            else np.asarray(given(request), dtype=float)
        )
        if values.shape != (plan.n_tenders,) or not np.isfinite(values[rofo]).all():
            raise InputError(
                where,
                f"thresholds of shape {values.shape}",
                f"the plug-in's threshold must give {plan.n_tenders} finite values",
            )
        threshold[rofo] = values[rofo]
    return bids, threshold
