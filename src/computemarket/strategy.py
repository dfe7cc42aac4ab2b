"""Strategic bidding: equilibrium bid functions for one tender, on arrays.

The game (``docs/economics.md``): one buyer values a unit at the reserve price ``r``.
Bidders draw independent private costs, bidder ``i`` from the distribution described by
its quantile function on a grid of probabilities ``q``. A bid function maps a cost to a
price. Everything here is computed once per scenario (or per :func:`tender_study`), not
per tender.

- Second price (the clearing price among the bidders): bidding one's cost is a weakly
  dominant strategy, with or without a right of first refusal.
- First price (pay as bid): bidder ``i`` with cost ``c`` bids ``b`` to maximise
  ``(b - c) * P(every rival bids above b) * M(b)``. Here ``M(b)`` is the probability that
  no holder takes the unit away by matching. Under a right of first refusal,
  ``M(b) = 1 - a * F_H(b)``, where ``F_H`` is the CDF of the holder's cost and ``a`` the
  probability that the holder can serve. Otherwise ``M = 1``. We solve for the
  equilibrium by damped iterated best response on the grid. This works for any continuous
  cost distributions and for asymmetric bidders. The closed forms for uniform costs in
  ``docs/economics.md`` check it, and :func:`deviation_gain` checks that no bidder gains
  by deviating.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "BidTable",
    "asymmetric_first_price",
    "cdf_from_grid",
    "deviation_gain",
    "expected_market_price",
    "first_price_equilibrium",
    "quantile_grid",
]

#: Points of the probability grid on which bid functions are tabulated.
GRID_POINTS = 257
#: Candidate prices searched for each best response.
PRICE_POINTS = 2049


def quantile_grid(points: int = GRID_POINTS) -> np.ndarray:
    """Probabilities at the midpoints of ``points`` equal cells of (0, 1)."""
    return (np.arange(points) + 0.5) / points


def cdf_from_grid(values: np.ndarray, grid: np.ndarray, q: np.ndarray) -> np.ndarray:
    """CDF at ``values`` of a variable whose quantiles at ``q`` are ``grid`` (nondecreasing).

    Linear between grid points; 0 below the first quantile's cell and 1 above the last.
    Ties in ``grid`` (a point mass, or a constant) are spread over a tiny interval, so the
    CDF stays a function.
    """
    strictly, span = _spread_ties(grid)
    lo_q, hi_q = q[0] - 0.5 / q.size, q[-1] + 0.5 / q.size
    xp = np.concatenate([[strictly[0] - span * 1e-9], strictly, [strictly[-1] + span * 1e-9]])
    fp = np.concatenate([[lo_q], q, [hi_q]])
    return np.interp(values, xp, fp, left=0.0, right=1.0)


def _spread_ties(grid: np.ndarray) -> tuple[np.ndarray, float]:
    """A nondecreasing grid made strictly increasing by tiny steps, and its span (>= 1)."""
    span = max(float(grid[-1] - grid[0]), 1.0)
    return grid + span * 1e-12 * np.arange(grid.size), span


@dataclass(frozen=True, eq=False)
class BidTable:
    """Bid functions of several bidders, tabulated on their cost grids.

    Attributes
    ----------
    costs : ndarray, shape (n, G)
        Each bidder's cost at the probabilities of the grid.
    bids : ndarray, shape (n, G)
        The bid at each of those costs.
    """

    costs: np.ndarray
    bids: np.ndarray

    def __call__(self, cost: np.ndarray) -> np.ndarray:
        """Bids for costs of shape ``(..., n)``; beyond the grid, the edge markup carries on."""
        out = np.empty_like(cost, dtype=float)
        for i in range(self.costs.shape[0]):
            grid, bid = self.costs[i], self.bids[i]
            c = cost[..., i]
            inside = np.interp(c, grid, bid)
            below = c + (bid[0] - grid[0])
            above = np.maximum(c, bid[-1])
            out[..., i] = np.where(c < grid[0], below, np.where(c > grid[-1], above, inside))
        return out


def match_factor(
    prices: np.ndarray, holder_costs: np.ndarray | None, holder_available: float, q: np.ndarray
) -> np.ndarray:
    """Probability that no holder takes the unit by matching each price: ``1 - a F_H(b)``.

    One everywhere when there is no holder (``holder_costs`` is None).
    """
    if holder_costs is None:
        return np.ones_like(prices, dtype=float)
    return 1.0 - holder_available * cdf_from_grid(prices, holder_costs, q)


def _rival_survival(bids: np.ndarray, q: np.ndarray, prices: np.ndarray) -> np.ndarray:
    """P(bidder j bids above each price), shape (n, M)."""
    return np.array([1.0 - cdf_from_grid(prices, b, q) for b in bids])


def _win_against(
    rivals: np.ndarray, q: np.ndarray, prices: np.ndarray, match: np.ndarray
) -> np.ndarray:
    """P(every rival bids above each price and no holder matches it); 1 with no rivals."""
    return np.prod(_rival_survival(rivals, q, prices), axis=0) * match


def first_price_equilibrium(
    costs: np.ndarray,
    q: np.ndarray,
    reserve: float,
    *,
    holder_costs: np.ndarray | None = None,
    holder_available: float = 1.0,
    iterations: int = 2000,
    damping: float = 0.5,
    tolerance: float = 1e-9,
) -> np.ndarray:
    """Equilibrium bids of a first-price (pay-as-bid) procurement auction.

    Solved through the envelope theorem. In equilibrium a bidder's expected profit is
    ``U(c) = (b(c) - c) V(c)``, where ``V(c)`` is the probability that its bid ``b(c)``
    wins, and ``U'(c) = -V(c)``. Hence ``U(c) = U(c_top) + integral from c to c_top of V``,
    and ``b(c) = c + U(c) / V(c)``. We iterate this map from the cost-plus-share start,
    damped, until no bid moves by more than ``tolerance`` times the reserve. The top
    type's profit ``U(c_top)`` is its best response on a fine price grid.

    Parameters
    ----------
    costs : ndarray, shape (n, G)
        Each bidder's cost quantiles on the grid ``q``.
    q : ndarray, shape (G,)
    reserve : float
        The buyer refuses bids above it.
    holder_costs : ndarray, shape (G,), optional
        Quantiles of a holder's cost: the bidders face a right of first refusal, under
        which the holder takes the unit by matching the winning bid when its cost is below it.
    holder_available : float, default 1.0
        Probability that the holder can serve (and so match).
    iterations, damping, tolerance
        Limits of the fixed-point iteration.

    Returns
    -------
    ndarray, shape (n, G)
        Bids; a bidder whose cost is at or above the reserve bids its cost (it cannot trade).

    Examples
    --------
    Two bidders with costs uniform on (0, 1) and reserve 1 bid ``(1 + c) / 2``:

    >>> q = quantile_grid()
    >>> bids = first_price_equilibrium(np.array([q, q]), q, 1.0)
    >>> bool(np.allclose(bids, (1 + q) / 2, atol=2e-3))
    True
    """
    n = costs.shape[0]
    low = min(float(costs.min()), reserve)
    prices = np.linspace(low, reserve, PRICE_POINTS)

    def match_at(b: np.ndarray) -> np.ndarray:
        return match_factor(b, holder_costs, holder_available, q)

    bids = np.where(costs < reserve, costs + (reserve - costs) / (n + 1), costs)
    for _ in range(iterations):
        new = np.empty_like(bids)
        for i in range(n):
            rivals = np.delete(bids, i, axis=0)
            c = costs[i]
            trades = c < reserve

            def win_at(b: np.ndarray, rivals=rivals) -> np.ndarray:
                return _win_against(rivals, q, b, match_at(b))

            own = win_at(bids[i])
            # The top trading type's profit: its best response on the price grid.
            top = int(np.flatnonzero(trades)[-1]) if trades.any() else -1
            if top < 0:
                new[i] = c
                continue
            u_top = max(float(np.max((prices - c[top]) * win_at(prices))), 0.0)
            # U(c) = U(c_top) + integral of V from c to c_top (trapezoid on the cost grid).
            segment = 0.5 * (own[1:] + own[:-1]) * np.diff(c)
            tail = np.concatenate([np.cumsum(segment[::-1])[::-1], [0.0]])
            profit = np.where(trades, u_top + tail - tail[top], 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                markup = np.where(own > 1e-300, profit / own, reserve - c)
            new[i] = np.where(trades, np.minimum(c + markup, reserve), c)
        new = np.maximum(np.maximum.accumulate(new, axis=1), costs)
        step = (1.0 - damping) * (new - bids)
        bids = bids + step
        if np.max(np.abs(step)) < tolerance * max(reserve, 1e-12):
            break
    return bids


def asymmetric_first_price(
    costs: np.ndarray,
    q: np.ndarray,
    reserve: float,
    *,
    holder_costs: np.ndarray | None = None,
    holder_available: float = 1.0,
    bisections: int = 30,
) -> np.ndarray | None:
    """Equilibrium bids of a first-price auction among bidders with different costs.

    Solves the first-order conditions as differential equations in the bid, by shooting
    on the common low bid (Marshall et al. 1994). Write ``u_i(b)`` for the probability that
    bidder ``i``'s cost is below the cost at which it bids ``b``, ``phi_i = F_i^-1(u_i)``
    that cost, and ``m(b) = a f_H(b) / (1 - a F_H(b))`` the hazard of a holder's match
    (zero without a holder). Bidder ``i``'s first-order condition,
    ``1 / (b - phi_i) = m + sum over j != i of u_j' / (1 - u_j)``, solved for all
    bidders at once, gives ``u_i' = (1 - u_i) (S + m - 1 / (b - phi_i))`` with
    ``S = (sum_k 1 / (b - phi_k) - n m) / (n - 1)``. Every bidder's lowest cost bids the
    same low bid ``b0``: ``u_i(b0) = 0``. Starting too low, some bidder's bid falls to its
    cost before the top; starting too high, the bids reach the top (the reserve, or the
    holder's highest cost when it always matches) with types left over. Bisection on
    ``b0`` finds the boundary; where the two bracketing solutions part, near the top
    types that almost never win, the bids keep the last markup.

    Parameters
    ----------
    costs : ndarray, shape (n, G)
        Each bidder's cost quantiles on the grid ``q``; at least two bidders.
    q : ndarray, shape (G,)
    reserve : float
    holder_costs : ndarray, shape (G,), optional
        Quantiles of a holder's cost, under a right of first refusal.
    holder_available : float, default 1.0
    bisections : int, default 30
        Halvings of the bracket on the low bid.

    Returns
    -------
    ndarray of shape (n, G), or None
        Bids at each bidder's cost quantiles; None if no bracket was found (the caller
        then falls back to another solver).

    Examples
    --------
    Two bidders with costs uniform on (0, 1) and (0, 0.8), reserve 1: the stronger
    bidder shades its bid more, and neither gains by deviating.

    >>> q = quantile_grid()
    >>> costs = np.array([q, 0.8 * q])
    >>> bids = asymmetric_first_price(costs, q, 1.0)
    >>> bool(np.all(bids[1] - costs[1] >= bids[0] - costs[0] - 1e-3))
    True
    >>> float(deviation_gain(costs, bids, q, 1.0).max()) < 2e-3
    True
    """
    from scipy.integrate import solve_ivp

    n = costs.shape[0]
    if n < 2:
        return None
    knots_u = np.concatenate([[0.0], q, [1.0]])
    knots = np.array([_knots(c) for c in costs])
    holder = None if holder_costs is None else _knots(holder_costs)
    top = float(reserve)
    if holder is not None and holder_available >= 1.0:
        # Bids above the holder's highest cost are always matched: none wins there.
        top = min(top, float(holder_costs[-1]))

    def match_hazard(b: float) -> float:
        if holder is None or not holder[0] < b < holder[-1]:
            return 0.0
        k = int(np.searchsorted(holder, b))
        density = (knots_u[k] - knots_u[k - 1]) / (holder[k] - holder[k - 1])
        cdf = knots_u[k - 1] + density * (b - holder[k - 1])
        return holder_available * density / (1.0 - holder_available * cdf)

    rows = np.arange(n)
    widths = np.diff(knots_u)

    def phi(u: np.ndarray) -> np.ndarray:
        """Each bidder's cost at probability ``u[i]`` (linear between knots)."""
        k = np.clip(np.searchsorted(knots_u, u, side="right"), 1, knots_u.size - 1)
        left = knots[rows, k - 1]
        return left + (knots[rows, k] - left) * (u - knots_u[k - 1]) / widths[k - 1]

    def slope(b: float, u: np.ndarray) -> np.ndarray:
        u = np.clip(u, 0.0, 1.0)
        inverse = 1.0 / (b - phi(u))
        m = match_hazard(b)
        total = (inverse.sum() - n * m) / (n - 1)
        return (1.0 - u) * (total + m - inverse)

    def at_cost(b: float, u: np.ndarray) -> float:
        return float(np.min(b - phi(np.clip(u, 0.0, 1.0))))

    def exhausted(b: float, u: np.ndarray) -> float:
        return float(1.0 - np.max(u))

    at_cost.terminal = exhausted.terminal = True  # type: ignore[attr-defined]

    calls = [0]

    def counted(b: float, u: np.ndarray) -> np.ndarray:
        calls[0] += 1
        if calls[0] > _MAX_EVALUATIONS:
            raise _Stiff
        return slope(b, u)

    def shoot(low: float):
        calls[0] = 0
        try:
            sol = solve_ivp(
                counted,
                (low, top),
                np.zeros(n),
                events=(at_cost, exhausted),
                rtol=_RTOL,
                atol=1e-12,
                dense_output=True,
            )
        except _Stiff:
            # Bids pressed against costs: the steps shrink without end. That is how a low
            # bid that is too low fails, so it counts as one.
            return False, None
        over = sol.status == 0 and all(e.size == 0 for e in sol.t_events)
        return over, sol

    lo = float(knots[:, 0].max()) + 1e-9 * max(top, 1.0)
    hi = top
    if not lo < hi or q.size < 2:
        return None
    low_shot = high_shot = None
    for _ in range(bisections):
        mid = 0.5 * (lo + hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            over, sol = shoot(mid)
        if over:
            hi, high_shot = mid, sol
        else:
            lo, low_shot = mid, (sol if sol is not None else low_shot)
    if low_shot is None or high_shot is None:
        return None
    # Keep the part where the bracketing solutions agree.
    end = min(low_shot.t[-1], high_shot.t[-1])
    grid = np.linspace(high_shot.t[0], end, 4001)
    u_high = np.clip(high_shot.sol(grid), 0.0, 1.0)
    apart = np.flatnonzero(
        np.abs(np.clip(low_shot.sol(grid), 0.0, 1.0) - u_high).max(axis=0) > _APART
    )
    keep = apart[0] if apart.size else grid.size
    if keep < 2:
        return None
    grid, u_high = grid[:keep], u_high[:, :keep]
    bids = np.empty_like(costs)
    for i in range(n):
        cost_at = np.maximum.accumulate(np.interp(u_high[i], knots_u, knots[i]))
        inside = np.interp(costs[i], cost_at, grid)
        beyond = np.minimum(costs[i] + (grid[-1] - cost_at[-1]), reserve)
        bids[i] = np.where(costs[i] <= cost_at[-1], inside, beyond)
    return np.maximum(np.maximum.accumulate(np.maximum(bids, costs), axis=1), costs)


#: Bracketing solutions further apart than this (in probability) are not used.
_APART = 1e-4
#: Right-hand side evaluations after which a shot counts as failing low.
_MAX_EVALUATIONS = 60_000
#: Relative tolerance of each shot's integration.
_RTOL = 1e-7


class _Stiff(Exception):
    """A shot whose steps shrink without end."""


def _knots(grid: np.ndarray) -> np.ndarray:
    """Costs at probabilities 0, q and 1: the grid, extended linearly (not below zero)."""
    strictly, _ = _spread_ties(grid)
    # The grid's probabilities are the midpoints of equal cells: half a cell to each end.
    first = strictly[0] - 0.5 * (strictly[1] - strictly[0])
    last = strictly[-1] + 0.5 * (strictly[-1] - strictly[-2])
    return np.concatenate([[max(first, 0.0) if strictly[0] >= 0 else first], strictly, [last]])


def deviation_gain(
    costs: np.ndarray,
    bids: np.ndarray,
    q: np.ndarray,
    reserve: float,
    *,
    holder_costs: np.ndarray | None = None,
    holder_available: float = 1.0,
    points: int = 8193,
) -> np.ndarray:
    """Largest gain any bidder gets by deviating from ``bids``, per bidder and cost.

    Rivals keep the bids ``bids``. The deviation searches ``points`` prices between the
    lowest cost and the reserve, a finer grid than the solver's.

    Returns
    -------
    ndarray, shape (n, G)
        Best deviation profit minus the profit of the given bid (0 means no gain).
    """
    n = costs.shape[0]
    low = min(float(costs.min()), reserve)
    prices = np.linspace(low, reserve, points)
    match = match_factor(prices, holder_costs, holder_available, q)
    gain = np.empty_like(bids)
    for i in range(n):
        rivals = np.delete(bids, i, axis=0)
        win = _win_against(rivals, q, prices, match)
        best = np.max((prices[None, :] - costs[i][:, None]) * win[None, :], axis=1)
        best = np.maximum(best, 0.0)
        own_match = match_factor(bids[i], holder_costs, holder_available, q)
        own_win = _win_against(rivals, q, bids[i], own_match)
        own = np.where(bids[i] <= reserve, (bids[i] - costs[i]) * own_win, 0.0)
        gain[i] = best - own
    return gain


def expected_market_price(bids: np.ndarray, q: np.ndarray, reserve: float, auction: str) -> float:
    """Expected price of a market among bidders with bid quantiles ``bids``, capped at the reserve.

    Under ``first_price`` the price is the lowest bid; under ``second_price`` the second
    lowest. Where the market would clear above the reserve (or has too few bidders), the
    price counts as the reserve: the buyer would not pay more for the unit.

    Parameters
    ----------
    bids : ndarray, shape (n, G)
        Each bidder's bid quantiles on ``q``.
    q : ndarray, shape (G,)
    reserve : float
    auction : {"first_price", "second_price"}

    Returns
    -------
    float

    Examples
    --------
    Two bidders bidding uniform costs truthfully: the second-lowest of two uniforms has
    mean 2/3.

    >>> q = quantile_grid(2001)
    >>> round(expected_market_price(np.array([q, q]), q, 1.0, "second_price"), 3)
    0.667
    """
    low = min(float(bids.min()), reserve)
    x = np.linspace(min(low, 0.0), reserve, 8193)
    below = np.array([cdf_from_grid(x, b, q) for b in bids])  # P(bid <= x)
    above = 1.0 - below
    none_below = np.prod(above, axis=0)
    if auction == "first_price":
        survival = none_below  # P(min bid > x)
    else:
        one_below = np.zeros_like(x)
        for i in range(bids.shape[0]):
            one_below += below[i] * np.prod(np.delete(above, i, axis=0), axis=0)
        survival = none_below + one_below  # P(second lowest > x)
    # E[min(reserve, Y)] = x0 + integral of P(Y > x) from x0 to the reserve, for Y >= x0.
    return float(x[0] + np.trapezoid(survival, x))
