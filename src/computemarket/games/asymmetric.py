"""First-price equilibria among bidders with different cost distributions, by shooting.

See :func:`asymmetric_first_price` and ``docs/economics.md`` (Asymmetric providers).
"""

from __future__ import annotations

import numpy as np

from computemarket.games.capacity import capacity_table
from computemarket.games.quantiles import spread_ties

__all__ = ["asymmetric_first_price"]


def asymmetric_first_price(
    costs: np.ndarray,
    q: np.ndarray,
    reserve: float,
    *,
    holder_costs: np.ndarray | None = None,
    holder_available: float = 1.0,
    quantity: float = 1.0,
    capacity: np.ndarray | None = None,
    bisections: int = 22,
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
        Probability that the holder can serve (and so match).
    quantity : float, default 1.0
        The quantity tendered.
    capacity : ndarray of shape (n,), optional
        Each bidder's headroom, offered at one price, awarded in merit order. The
        first-order conditions are then ``sum_j A_ij(u) u_j' = X_i(u) / (b - phi_i)``,
        with ``X_i`` the expected sales of
        :class:`~computemarket.games.capacity.SalesTable` and
        ``A_ij = X_i(u_j = 0) - X_i(u_j = 1)`` what ``j`` moving below ``b`` takes from
        ``i``; one unit and no limit (the default) gives the system above. Not combined
        with ``holder_costs``.
    bisections : int, default 22
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

    >>> from computemarket.games.quantiles import quantile_grid
    >>> from computemarket.games.winning import deviation_gain
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

    table = capacity_table(quantity, capacity, n, holder=holder_costs is not None)
    others = _Rivals(table) if table is not None else None

    def slope(b: float, u: np.ndarray) -> np.ndarray:
        u = np.clip(u, 0.0, 1.0)
        inverse = 1.0 / (b - phi(u))
        if table is not None:
            return _capacity_slope(table, others, u, inverse)
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
        except (_Stiff, np.linalg.LinAlgError):
            # Bids pressed against costs: the steps shrink without end, or the slopes'
            # system stops being finite as a bid meets its cost. That is how a low bid
            # that is too low fails, so it counts as one.
            return False, None
        if sol.t.size < 2:
            # The first step already failed (solve_ivp's status -1): with capacity the
            # slopes' system can blow up as the first types enter (u near zero). The
            # shot counts as too low, as above, and leaves no solution for the bracket.
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


class _Rivals:
    """Index arrays for evaluating every bidder's sales and their derivatives at once."""

    def __init__(self, table) -> None:
        n = table.capacity.size
        self.n = n
        self.others = np.array([np.delete(np.arange(n), i) for i in range(n)]).reshape(n, n - 1)
        self.masks = table.subsets[None, :, :]  # (1, S, n - 1)
        self.sales = table.sales  # (n, S)
        self.signs = np.where(table.subsets, 1.0, -1.0)  # (S, n - 1)
        self.diagonal = np.eye(n - 1, dtype=bool)  # positions replaced by one in turn


def _capacity_slope(table, rivals: _Rivals, u: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    """``u'`` from the capacity first-order conditions ``A u' = X / (b - phi)``.

    A bidder none of whose types bids this low yet (``u_i = 0``) and whose condition would
    make ``u_i`` fall stays out of the system: its cheapest type is sure to keep its sales
    a little higher up, so it enters later, where its condition gives ``u_i' >= 0``.
    """
    n = rivals.n
    rival_u = u[rivals.others][:, None, :]  # (n, 1, n - 1)
    factors = np.where(rivals.masks, rival_u, 1.0 - rival_u)  # (n, S, n - 1)
    sales = np.einsum("is,is->i", rivals.sales, np.prod(factors, axis=2))
    # Products leaving out each rival in turn: (n, S, n - 1).
    spread = np.where(rivals.diagonal, 1.0, factors[:, :, None, :])
    rest = np.prod(spread, axis=3)
    # -dX_i/du_j: what rival j moving below the price takes from i.
    by_position = -np.einsum("is,sp,isp->ip", rivals.sales, rivals.signs, rest)
    taken = np.zeros((n, n))
    taken[np.arange(n)[:, None], rivals.others] = by_position
    rhs = sales * inverse
    active = np.ones(n, dtype=bool)
    out = np.zeros(n)
    for _ in range(n):
        idx = np.flatnonzero(active)
        out[:] = 0.0
        if idx.size:
            system = taken[np.ix_(idx, idx)]
            if not (np.isfinite(system).all() and np.isfinite(rhs[idx]).all()):
                # A bid at its cost: the shot has failed (LAPACK would complain aloud).
                raise np.linalg.LinAlgError("the slopes' system is not finite")
            try:
                out[idx] = np.linalg.solve(system, rhs[idx])
            except np.linalg.LinAlgError:
                out[idx] = np.linalg.lstsq(system, rhs[idx], rcond=None)[0]
        dormant = active & (u <= 0.0) & (out < 0.0)
        if not dormant.any():
            break
        active &= ~dormant
    return out


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
    strictly, _ = spread_ties(grid)
    # The grid's probabilities are the midpoints of equal cells: half a cell to each end.
    first = strictly[0] - 0.5 * (strictly[1] - strictly[0])
    last = strictly[-1] + 0.5 * (strictly[-1] - strictly[-2])
    return np.concatenate([[max(first, 0.0) if strictly[0] >= 0 else first], strictly, [last]])
