"""Equilibria of capacity-constrained tenders as distributional strategies on a grid.

Where unlike bidders share a tender that some but not all of them could serve alone, the
equilibrium may have atoms and gaps: a bidder whose guaranteed residual is large against
what it could win skips from competitive bids to the reserve once its cost passes a cut
off (``docs/economics.md``, Intermediate tenders). First-order conditions solved as
differential equations do not reach such equilibria, and best-response iteration on bid
functions cycles. Here the game is discretized instead (Bichler, Fichtl and Oberlechner
2025, Operations Research, doi:10.1287/opre.2022.0287): each bidder's types are the
points of its cost quantile grid, equally likely; its actions are ``actions`` prices from
the lowest cost to the reserve; a strategy gives each type a distribution over actions.
A bidder's expected profit is linear in its own strategy, ``(p - c) X_i(p)``, where
``X_i`` depends on the rivals only through the distributions of their bids on the grid
(:func:`capacity_grid_sales`, :func:`refusal_grid_sales`; a rival at the same price counts
as below with probability one half).

:func:`distributional_equilibrium` runs simultaneous dual averaging with an entropic
regularizer, in its optimistic form: every round each bidder adds to a score per type and
action a constant step times its payoffs plus their change since the last round (the
guess of the next round's payoffs), and plays the softmax of the scores. A plain falling
step converged far more slowly here. The payoffs of a round give the exploitability of
the strategies played in it (the most any type gains by switching to its best action)
for free. The strategies played cycle around the equilibrium, and their means over
windows of rounds come closer to it (``docs/economics.md``), so whichever played
strategy or window mean has the smallest exploitability is kept. A coarse pass on half the
prices finds where the bids lie and the fine pass spends its prices there, since the
error of the pure bids in the continuous game scales with the price step. Each type then
bids near the median of its distribution (:func:`_central`), and the caller measures the
pure bids' gains in the continuous game (:func:`~computemarket.games.winning.sales_gain`
or an independent check).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from computemarket.games.capacity import SalesTable
from computemarket.games.refusal import RefusalSales

__all__ = [
    "DistributionalSolution",
    "capacity_grid_sales",
    "distributional_equilibrium",
    "refusal_grid_sales",
]

#: Share of all types' probability below which a coarse price counts as unused.
ZOOM_MASS = 1e-4

#: Grid steps either side of a type's median action that its central bid averages over.
WINDOW = 4

#: Rounds in the first window whose mean strategy is a candidate (each next one doubles),
#: and how often the mean of the window so far is measured.
FIRST_WINDOW = 32

#: ``sales(i, rivals, prices)``: bidder ``i``'s expected sales at each price of the grid,
#: given its rivals' bid distributions on it (shape ``(n - 1, actions)``); or a pair,
#: expected sales and expected revenue, where the price paid is not one's own bid
#: (:func:`computemarket.games.uniform.uniform_grid_sales`).
GridSales = Callable[[int, np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class DistributionalSolution:
    """A solved discretized tender.

    Attributes
    ----------
    bids : ndarray, shape (n, G)
        Each type's bid: the median of its action distribution (its cost where it cannot
        trade).
    exploitability : float
        Largest gain any type could make by switching to its best action on the grid,
        in the units of ``(price - cost) x sales``.
    prices : ndarray, shape (actions,)
        The action grid.
    rounds : int
        Rounds run, both passes.
    """

    bids: np.ndarray
    exploitability: float
    prices: np.ndarray
    rounds: int


def _below(rivals: np.ndarray) -> np.ndarray:
    """P(each rival counts as below each grid price): strictly below, plus half a tie."""
    return np.cumsum(rivals, axis=1) - 0.5 * rivals


def capacity_grid_sales(table: SalesTable) -> GridSales:
    """Expected sales on the grid in a pay-as-bid tender with headrooms, no holder.

    Parameters
    ----------
    table : SalesTable
        The tender's sales by the set of rivals below.

    Returns
    -------
    callable
        ``sales(i, rivals, prices)``.

    Examples
    --------
    Two of one unit, 1.5 asked, against a rival that bids the middle of three prices: a
    bidder sells its headroom below it, the residual of one half above it, and on a tie
    the average of the two:

    >>> from computemarket.games.capacity import SalesTable
    >>> sales = capacity_grid_sales(SalesTable(1.5, np.ones(2)))
    >>> sales(0, np.array([[0.0, 1.0, 0.0]]), np.array([0.1, 0.2, 0.3])).tolist()
    [1.0, 0.75, 0.5]
    """

    def sales(i: int, rivals: np.ndarray, prices: np.ndarray) -> np.ndarray:
        return table.expected(i, _below(rivals))

    return sales


def refusal_grid_sales(refusal: RefusalSales) -> GridSales:
    """Expected sales on the grid of outsiders facing a holder with a right of first refusal.

    The holder matches the lowest outside bid ``p*`` with probability
    ``F_0(theta(p*))`` (:class:`~computemarket.games.refusal.RefusalSales`). For outsider
    ``i`` at grid price ``p_k`` with the rivals of a set ``S`` below, ``p*`` is ``p_k`` if
    ``S`` is empty and otherwise the lowest bid of ``S``, whose distribution on the grid
    follows from ``prod over S of (B_j(k) - G_j(l))``, ``B_j`` the chance of counting as
    below ``p_k`` and ``G_j(l)`` of bidding strictly below ``p_l``.

    Parameters
    ----------
    refusal : RefusalSales
        The tender: quantities, headrooms and the holder's costs.

    Returns
    -------
    callable
        ``sales(i, rivals, prices)``.

    Examples
    --------
    A lone outsider of one unit against a holder of one unit, one unit asked, holder
    costs uniform on (0, 1): it sells when the holder's cost is above its price.

    >>> from computemarket.games.quantiles import quantile_grid
    >>> from computemarket.games.refusal import RefusalSales
    >>> q = quantile_grid()
    >>> refusal = RefusalSales(1.0, np.ones(1), 1.0, q, q, holder_quote=1.0)
    >>> prices = np.array([0.25, 0.5])
    >>> refusal_grid_sales(refusal)(0, np.zeros((0, 2)), prices).round(3).tolist()
    [0.75, 0.5]
    """
    matched, declined = refusal.matched_table, refusal.declined_table
    # The solver asks again and again on the same price grid: keep what depends on it alone.
    grid: dict[str, np.ndarray] = {}

    def sales(i: int, rivals: np.ndarray, prices: np.ndarray) -> np.ndarray:
        m, size = rivals.shape
        below = _below(rivals)
        strictly = np.cumsum(rivals, axis=1) - rivals
        if "prices" not in grid or not np.array_equal(grid["prices"], prices):
            grid["prices"] = prices.copy()
            grid["match"] = refusal.match_probability(prices)
            grid["upper"] = np.triu(np.ones((size, size), dtype=bool))
        match, upper = grid["match"], grid["upper"]
        total = np.zeros(size)
        for index, subset in enumerate(declined.subsets):
            inside = [j for j in range(m) if subset[j]]
            outside = [j for j in range(m) if not subset[j]]
            none_above = np.prod(1.0 - below[outside], axis=0) if outside else np.ones(size)
            if len(inside) == 1:
                # One rival below: the match happens at its bid, or at p_k on a tie.
                j = inside[0]
                chance = none_above * below[j]
                through = np.cumsum(match * rivals[j]) - match * rivals[j]
                hit = none_above * (through + 0.5 * match * rivals[j])
            elif inside:
                # lowest[l, k]: P(every bid of S counts as below p_k, none below p_l).
                lowest = np.ones((size, size))
                for j in inside:
                    lowest = lowest * np.clip(below[j][None, :] - strictly[j][:, None], 0.0, None)
                lowest = np.where(upper, lowest, 0.0)
                at = lowest - np.vstack([lowest[1:], np.zeros((1, size))]) * upper
                chance = none_above * np.prod(below[inside], axis=0)
                hit = none_above * (match @ at)
            else:
                chance = none_above
                hit = none_above * match
            yes, no = matched.sales[i, index], declined.sales[i, index]
            total = total + hit * yes + (chance - hit) * no
        return total

    return sales


def distributional_equilibrium(
    costs: np.ndarray,
    reserve: float,
    sales: GridSales,
    *,
    actions: int = 161,
    rounds: int = 2000,
    step: float = 50.0,
    tolerance: float = 4e-4,
) -> DistributionalSolution:
    """Equilibrium of a discretized pay-as-bid tender, by simultaneous dual averaging.

    Parameters
    ----------
    costs : ndarray, shape (n, G)
        Each bidder's cost quantiles on an equal-probability grid (nondecreasing).
    reserve : float
        The buyer refuses bids above it; the top of the action grid.
    sales : callable
        ``sales(i, rivals, prices)`` (:func:`capacity_grid_sales`,
        :func:`refusal_grid_sales`).
    actions : int, default 161
        Prices on the fine grid, from just below the lowest bid of the coarse pass
        (``actions // 2 + 1`` prices from the lowest cost) to the reserve.
    rounds : int, default 2000
        The most rounds run in each pass.
    step : float, default 50.0
        Step per round, per unit of the reserve.
    tolerance : float, default 4e-4
        Stop a pass once the exploitability is below this share of the reserve.

    Returns
    -------
    DistributionalSolution

    Examples
    --------
    Two bidders of one unit, costs uniform on (0, 1), 1.5 units asked (closed form in
    ``docs/economics.md``): each is sure to sell half a unit and bids
    ``c + (1 - c)(1 + (1 - c)/2) / (2 - c)``, which the grid reproduces to within its step.

    >>> from computemarket.games.capacity import SalesTable
    >>> from computemarket.games.quantiles import quantile_grid
    >>> q = quantile_grid(65)
    >>> sales = capacity_grid_sales(SalesTable(1.5, np.ones(2)))
    >>> solved = distributional_equilibrium(np.array([q, q]), 1.0, sales)
    >>> closed = q + (1 - q) * (1 + (1 - q) / 2) / (2 - q)
    >>> bool(np.abs(solved.bids - closed).max() < 0.01)
    True
    """
    costs = np.asarray(costs, dtype=float)
    reserve = float(reserve)
    trades = costs < reserve
    low = min(float(costs.min()), reserve)
    # A coarse pass finds where the bids lie; the fine pass spends its prices there.
    coarse = _learn(
        costs, reserve, sales, np.linspace(low, reserve, actions // 2 + 1), rounds, step, tolerance
    )
    used = coarse.strategy.sum(axis=(0, 1)) > ZOOM_MASS
    prices = coarse.prices
    first = int(np.argmax(used)) if used.any() else 0
    low = float(max(prices[max(first - 2, 0)], low))
    fine = _learn(
        costs, reserve, sales, np.linspace(low, reserve, actions), rounds, step, tolerance
    )
    bids = np.where(trades, np.maximum(_central(fine.strategy, fine.prices), costs), costs)
    bids = np.maximum.accumulate(bids, axis=1)
    return DistributionalSolution(
        bids, fine.exploitability, fine.prices, coarse.rounds + fine.rounds
    )


@dataclass(frozen=True)
class _Learned:
    strategy: np.ndarray
    exploitability: float
    prices: np.ndarray
    rounds: int


def _learn(costs, reserve, sales, prices, rounds, step, tolerance) -> _Learned:
    """Optimistic dual averaging on one price grid; the least exploitable strategy seen.

    A type's actions are the prices at or above its cost (none if it cannot trade). A
    type's payoff is linear in its cost, ``R_i(p) - c X_i(p)`` (revenue and sales per
    action, ``R = p X`` when paid its bid), so each bidder's scores, summed over rounds,
    are ``A_i(p) - c B_i(p)``: two vectors per bidder carry what would otherwise be a
    score per type and action.

    The candidates are the strategies played and their means over windows of rounds
    that double in length (``(0, 32]``, ``(32, 64]``, ``(64, 128]``, ...), each mean
    taken every 32 rounds over the part of its window run so far, its exploitability
    measured against the payoffs it induces itself.
    """
    n = costs.shape[0]
    feasible = (prices[None, None, :] >= costs[:, :, None]) & (costs < reserve)[:, :, None]
    # Infeasible actions score minus infinity; a type with no feasible action (it cannot
    # trade) gets every action and then a zero strategy, so no row is all minus infinity.
    plays = feasible.any(axis=2, keepdims=True)
    blocked = np.where(feasible | ~plays, 0.0, -np.inf)
    level = np.zeros((n, prices.size))  # A: the summed revenue pushes
    slope = np.zeros((n, prices.size))  # B: the summed sales pushes
    strategy = _softmax(level, slope, costs, blocked, plays)
    best, best_strategy, done = np.inf, strategy, 0
    previous = None
    rate = step / reserve
    total, since, window = np.zeros_like(strategy), 0, FIRST_WINDOW
    for t in range(1, rounds + 1):
        done = t
        sold, revenue, gap = _payoffs(strategy, costs, sales, prices, feasible)
        if gap < best:
            best, best_strategy = gap, strategy
        if best <= tolerance * reserve:
            break
        total += strategy
        if t % FIRST_WINDOW == 0 or t == rounds:
            mean = total / (t - since)
            gap = _payoffs(mean, costs, sales, prices, feasible)[2]
            if gap < best:
                best, best_strategy = gap, mean
            if best <= tolerance * reserve:
                break
            if t == since + window:
                total, since, window = np.zeros_like(strategy), t, 2 * window
        # Optimistic: the coming round's payoffs guessed as this round's plus its change.
        if previous is None:
            level += rate * revenue
            slope += rate * sold
        else:
            level += rate * (2.0 * revenue - previous[0])
            slope += rate * (2.0 * sold - previous[1])
        previous = (revenue, sold)
        strategy = _softmax(level, slope, costs, blocked, plays)
    return _Learned(best_strategy, best, prices, done)


def _payoffs(strategy, costs, sales, prices, feasible) -> tuple[np.ndarray, np.ndarray, float]:
    """Sales and revenue per action against ``strategy``; the most a type gains by a switch."""
    n = costs.shape[0]
    offered = strategy.mean(axis=1)
    sold = np.empty((n, prices.size))
    revenue = np.empty((n, prices.size))
    for i in range(n):
        expected = sales(i, np.delete(offered, i, axis=0), prices)
        if isinstance(expected, tuple):
            # Sales and revenue: the price paid need not be one's own bid.
            sold[i], revenue[i] = expected
        else:
            sold[i], revenue[i] = expected, prices * expected
    gap = 0.0
    for i in range(n):
        payoff = revenue[i][None, :] - costs[i][:, None] * sold[i][None, :]
        top = np.where(feasible[i], payoff, 0.0).max(axis=1)
        played = strategy[i] @ revenue[i] - costs[i] * (strategy[i] @ sold[i])
        gap = max(gap, float(np.max(top - played)))
    return sold, revenue, gap


def _central(strategy: np.ndarray, prices: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Each type's central bid: the mean of its distribution near its median action.

    The median alone would put neighbouring types on the same grid price, and a bid
    function with flat steps gives rivals atoms to undercut; the whole mean would put a
    type that mixes a competitive bid and the reserve in the gap between them. A type
    whose median is the reserve bids the reserve.
    """
    cumulative = np.cumsum(strategy, axis=2)
    median = np.argmax(cumulative >= 0.5, axis=2)
    offsets = np.arange(-window, window + 1)
    near = np.clip(median[..., None] + offsets, 0, prices.size - 1)
    weight = np.take_along_axis(strategy, near, axis=2)
    inside = (median[..., None] + offsets >= 0) & (median[..., None] + offsets < prices.size)
    weight = np.where(inside, weight, 0.0)
    total = weight.sum(axis=2)
    mean = (weight * prices[near]).sum(axis=2) / np.where(total > 0, total, 1.0)
    central = np.where(total > 0, mean, prices[median])
    # A type whose median is the top of the grid pools there: at the reserve itself.
    return np.where(median == prices.size - 1, prices[-1], central)


def _softmax(
    level: np.ndarray, slope: np.ndarray, costs: np.ndarray, blocked: np.ndarray, plays: np.ndarray
) -> np.ndarray:
    """Each type's action distribution: softmax of its scores over feasible actions.

    Type ``c`` of bidder ``i`` scores ``level[i] - c slope[i]``. ``blocked`` is zero for a
    feasible action and minus infinity otherwise; types with no feasible action
    (``plays`` false, ``blocked`` zero throughout) get a zero strategy.
    """
    masked = level[:, None, :] - costs[:, :, None] * slope[:, None, :]
    masked += blocked
    masked -= masked.max(axis=2, keepdims=True)
    np.exp(masked, out=masked)
    masked *= plays / masked.sum(axis=2, keepdims=True)
    return masked
