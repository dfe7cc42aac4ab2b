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
them (as for the built-in modes; see docs/economics.md on capacity-aware bids). Quotes
are asked for one chunk of paths at a time, so a plug-in must price each path's draws on
their own (no statistics across paths), or results would depend on the chunk size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from computemarket.errors import InputError
from computemarket.games.quantiles import BidTable, quantile_grid
from computemarket.games.winning import deviation_gain
from computemarket.market.plan import Plan
from computemarket.scenario import RULES
from computemarket.scenario.registry import register

__all__ = [
    "MIN_STRATEGIC_SPREAD",
    "BiddingModel",
    "GridBidding",
    "QuoteRequest",
    "grid_epsilon",
    "plugin_quotes",
    "register_bidding",
]


#: Strategic bidding needs continuous costs: spreads below this are raised to it on the
#: cost grids bid functions are tabulated on (never in the cost draws).
MIN_STRATEGIC_SPREAD = 1e-3


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
    cost_grid : ndarray, shape (P, G)
        Each provider's cost quantiles at the probabilities ``probabilities``: the grid
        on which strategic plug-ins (:class:`GridBidding`) tabulate bid functions.
    probabilities : ndarray, shape (G,)
        The probabilities of the grid's quantiles.

    Examples
    --------
    >>> request = QuoteRequest(np.full((1, 2, 2), 10.0), ("rofr", "open"), ("a", "b"),
    ...     0, 20.0, np.array([10.0, 11.0]), np.array([0.1, 0.1]), np.array([0.1, 0.2]),
    ...     np.full((2, 3), 10.0), np.array([0.25, 0.5, 0.75]))
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
    cost_grid: np.ndarray
    probabilities: np.ndarray


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
    return register("bidding", name, model)


class GridBidding:
    """Base class of strategic plug-ins: bid functions on the cost grid, checked.

    Subclass it and write :meth:`bid_grid`: each provider's bid at each cost quantile
    (``request.cost_grid``) under one contract rule. Quotes then interpolate it at every
    cost draw as the built-in strategic mode does (types that can trade never ask more
    than the reserve price), and :func:`grid_epsilon` measures, with the package's own
    deviation check, how far the bids are from an equilibrium: the largest gain any
    provider could make by deviating, reported as ``strategic_epsilon`` in the results.

    Examples
    --------
    >>> class Shaded(GridBidding):
    ...     def bid_grid(self, rule, request):
    ...         return request.cost_grid * 1.05
    >>> isinstance(Shaded(), BiddingModel)
    True
    """

    def bid_grid(self, rule: str, request: QuoteRequest) -> np.ndarray:
        """Each provider's bid at each of its cost quantiles under ``rule``.

        Parameters
        ----------
        rule : str
            The contract rule of the tenders these bids are for.
        request : QuoteRequest
            Its ``cost_grid`` (shape ``(P, G)``) holds the costs to bid at.

        Returns
        -------
        ndarray
            Shape ``(P, G)``: bids, non-decreasing in cost.

        Raises
        ------
        NotImplementedError
            Always, here: subclasses write it.

        Examples
        --------
        >>> GridBidding().bid_grid("open", None)
        Traceback (most recent call last):
        ...
        NotImplementedError: a GridBidding plug-in writes bid_grid(rule, request)
        """
        raise NotImplementedError("a GridBidding plug-in writes bid_grid(rule, request)")

    def quotes(self, request: QuoteRequest) -> np.ndarray:
        """Interpolate quotes at every cost draw from :meth:`bid_grid`, rule by rule.

        Parameters
        ----------
        request : QuoteRequest
            The cost draws and the tenders' rules.

        Returns
        -------
        ndarray
            Shape ``request.cost.shape``.

        Raises
        ------
        InputError
            If a bid grid has the wrong shape or is not finite.

        Examples
        --------
        >>> class AtCost(GridBidding):
        ...     def bid_grid(self, rule, request):
        ...         return request.cost_grid.copy()
        >>> request = QuoteRequest(np.full((1, 1, 2), 10.0), ("open",), ("a", "b"), -1,
        ...     20.0, np.ones(2), np.ones(2), np.ones(2),
        ...     np.array([[9.0, 11.0], [9.0, 11.0]]), np.array([0.25, 0.75]))
        >>> AtCost().quotes(request).tolist()
        [[[10.0, 10.0]]]
        """
        bids = np.empty_like(request.cost)
        rules = np.array(request.rules, dtype=object)
        for rule in dict.fromkeys(request.rules):
            grid = _checked_grid(self, rule, request)
            which = rules == rule
            cost = request.cost[:, which, :]
            table = BidTable(request.cost_grid, grid)(cost)
            capped = np.minimum(table, request.reserve_price)
            bids[:, which, :] = np.where(cost < request.reserve_price, capped, table)
        return bids


def _checked_grid(model: GridBidding, rule: str, request: QuoteRequest) -> np.ndarray:
    grid = np.asarray(model.bid_grid(rule, request), dtype=float)
    if grid.shape != request.cost_grid.shape or not np.isfinite(grid).all():
        raise InputError(
            f"{type(model).__name__}.bid_grid",
            f"array of shape {grid.shape}",
            f"must return finite bids of shape {request.cost_grid.shape} under {rule!r}",
        )
    return grid


def grid_epsilon(model: GridBidding, plan: Plan) -> float:
    """Largest gain from deviating from a strategic plug-in's bids, over the rules in force.

    The package's deviation check (:func:`computemarket.games.winning.deviation_gain`):
    rivals keep their bids, the buyer takes the lowest quote; under ``rofr`` the holder
    matches any outside price above its cost, under ``exclusive`` nobody bids. In $B per
    GW-year; 0 means every type best-responds on the check's price grid. NaN under
    ``second_price``, where this pay-as-bid check does not apply.

    Parameters
    ----------
    model : GridBidding
    plan : Plan

    Returns
    -------
    float

    Examples
    --------
    >>> from computemarket.scenario import load_scenario
    >>> from computemarket.market.plan import make_plan
    >>> class AtCost(GridBidding):
    ...     def bid_grid(self, rule, request):
    ...         return request.cost_grid.copy()
    >>> plan = make_plan(load_scenario("open"))
    >>> grid_epsilon(AtCost(), plan) > 0.1  # bidding one's cost leaves money behind
    True
    """
    if plan.auction != "first_price":
        return float("nan")  # the check is pay-as-bid's; a uniform price needs its own
    request = _request(plan, np.zeros((0, plan.n_tenders, plan.n_providers)))
    worst = 0.0
    for rule in dict.fromkeys(request.rules):
        grid = _checked_grid(model, rule, request)
        providers = range(plan.n_providers)
        if rule == "exclusive":
            continue
        bidders = list(providers) if rule == "open" else [p for p in providers if p != plan.holder]
        holder_costs = request.cost_grid[plan.holder] if rule == "rofr" else None
        gain = deviation_gain(
            request.cost_grid[bidders],
            grid[bidders],
            request.probabilities,
            float(plan.reserve_price),
            holder_costs=holder_costs,
            holder_available=float(plan.holder_available),
        )
        worst = max(worst, float(gain.max()))
    return worst


def _request(plan: Plan, cost: np.ndarray) -> QuoteRequest:
    probabilities = quantile_grid()
    return QuoteRequest(
        cost=cost.copy(),
        rules=tuple(RULES[r] for r in plan.tender_rule),
        providers=tuple(plan.providers),
        holder=int(plan.holder),
        reserve_price=float(plan.reserve_price),
        base_cost=plan.base_cost.copy(),
        cost_spread=plan.cost_spread.copy(),
        markup=plan.markup.copy(),
        cost_grid=plan.cost_at(
            np.broadcast_to(probabilities[:, None], (probabilities.size, plan.n_providers)),
            MIN_STRATEGIC_SPREAD,
        ).T.copy(),
        probabilities=probabilities,
    )


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
    request = _request(plan, cost)
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
