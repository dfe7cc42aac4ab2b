"""Tender states: what the providers know about a tender when they bid, as an index.

A tender's quantity ``q`` and every provider's headroom ``k_i`` are known to all when
it is issued; costs are private (``docs/economics.md``, Capacity-constrained tenders).
Equilibrium bids therefore depend on the tender's state, which varies by path, so the
quotes of :mod:`computemarket.market.quotes` come once per state and the engines pick,
at each decision, the state the tender is in (:func:`tender_state`). The states are

- **all needed** (index ``2 ** P``): the providers' headroom, each capped at ``q``, adds
  up to at most ``q``. Every provider sells its whole headroom whatever it quotes (up to
  the reserve), so quoting the reserve is a dominant strategy under every rule and
  payment rule; a lone provider with headroom is the case of one.
- **a set of takers** (index ``sum of 2 ** i`` over the providers with headroom): the
  providers with headroom take part, and their bids are the single-unit equilibrium among
  them. Under first price this is the equilibrium where each taker's headroom covers
  ``q`` (slack); where it does not for some (the intermediate case), it is the
  single-unit bids among the right bidders, whose deviation gain
  ``benchmarks/bench_states.py`` measures. Under second price the bids are the same:
  where each taker covers ``q``, the winner keeps headroom and sets the uniform price
  with its own bid, so the tender is pay as bid.

With ``bidding.intermediate = "snapped"`` (markets of up to
:data:`MOST_SNAPPED_PROVIDERS` providers), an intermediate tender gets a state of its own
after those: each taker's share of the tender, ``min(k_i, q) / q``, snapped to the
nearest of ``1/4, 1/2, 3/4, 1`` (:data:`SNAP_LEVELS`), indexes ``2 ** P + 1 + code`` with
``code = sum of level_i x 5 ** i`` (level 0 for no headroom). Its bids are the
equilibrium of the capacity-constrained tender with those shares (``docs/economics.md``,
Intermediate tenders), and the award still uses the true headrooms.

With one state only (cost plus and plug-ins), every tender is in state 0. A market of
more than :data:`MOST_SET_PROVIDERS` providers has two states, so that the states (and
the equilibria solved for them) do not grow as ``2 ** P``: all needed (index 1), and
otherwise the providers that can have headroom in the tender taking part (index 0;
:func:`computemarket.market.groups.present`, a set known from the plan, the same on every
path). With snapped states, a tender of such a market whose present providers are at most
:data:`MOST_SNAPPED_PROVIDERS` (its *group*, :func:`computemarket.market.groups.groups`)
is keyed as a market of those providers alone: ``LARGE_STATES + code``, where ``code``
holds the snapped level of each member in its slot of the group
(:func:`computemarket.market.groups.group_levels`); a member's level is 4 in a slack
tender, where it covers the whole tender, and 0 without headroom.
"""

from __future__ import annotations

import numpy as np

from computemarket.games.auction import EPS_GW

__all__ = [
    "LARGE_STATES",
    "MOST_SET_PROVIDERS",
    "MOST_SNAPPED_PROVIDERS",
    "REGIMES",
    "SNAP_LEVELS",
    "all_needed",
    "full_set",
    "regime",
    "shares",
    "snap_levels",
    "state_count",
    "state_quotes",
    "takers",
    "tender_state",
]

#: Markets of up to this many providers have a state for every set of takers.
MOST_SET_PROVIDERS = 5

#: Markets of up to this many providers can key intermediate tenders by snapped shares.
MOST_SNAPPED_PROVIDERS = 3

#: Levels of a snapped share of the tender: quarters.
SNAP_LEVELS = 4

#: States of a market of more than :data:`MOST_SET_PROVIDERS` providers before its
#: snapped ones: the providers present (0) and all needed (1).
LARGE_STATES = 2

#: The codes of :func:`regime` (the ``tender_state`` output), in order.
REGIMES = ("no tender", "all needed", "slack", "intermediate")


def state_count(providers: int, snapped: bool = False) -> int:
    """Number of tender states of a market of ``providers``: every taker set, and all needed.

    With ``snapped``, and at most :data:`MOST_SNAPPED_PROVIDERS` providers, also every
    combination of snapped shares; above :data:`MOST_SET_PROVIDERS`, every combination of
    the snapped shares of a group of :data:`MOST_SNAPPED_PROVIDERS` providers.

    Examples
    --------
    >>> state_count(3), state_count(8), state_count(3, snapped=True), state_count(7, True)
    (9, 2, 134, 127)
    """
    if providers > MOST_SET_PROVIDERS:
        lattice = (SNAP_LEVELS + 1) ** MOST_SNAPPED_PROVIDERS
        return LARGE_STATES + (lattice if snapped else 0)
    count = 2**providers + 1
    if snapped and providers <= MOST_SNAPPED_PROVIDERS:
        count += (SNAP_LEVELS + 1) ** providers
    return count


def shares(state: int, providers: int) -> tuple[float, ...] | None:
    """The snapped shares of the tender of a snapped state, or None for another state.

    Examples
    --------
    >>> shares(9 + 1 + 4 * 5 + 2 * 25, 3), shares(7, 3)
    ((0.25, 1.0, 0.5), None)
    """
    first = 2**providers + 1
    if providers > MOST_SNAPPED_PROVIDERS or state < first:
        return None
    code, base = state - first, SNAP_LEVELS + 1
    return tuple((code // base**p % base) / SNAP_LEVELS for p in range(providers))


def all_needed(providers: int) -> int:
    """The index of the state where all headroom is needed.

    Examples
    --------
    >>> all_needed(3)
    8
    """
    return 2**providers if providers <= MOST_SET_PROVIDERS else 1


def full_set(providers: int) -> int:
    """The index of the state where every provider takes part.

    Examples
    --------
    >>> full_set(3)
    7
    """
    return 2**providers - 1 if providers <= MOST_SET_PROVIDERS else 0


def takers(state: int, providers: int) -> list[int]:
    """The providers taking part in ``state`` (every one where all headroom is needed).

    Examples
    --------
    >>> takers(5, 3), takers(8, 3)
    ([0, 2], [0, 1, 2])
    """
    if state == all_needed(providers) or providers > MOST_SET_PROVIDERS:
        return list(range(providers))
    snapped = shares(state, providers)
    if snapped is not None:
        return [p for p in range(providers) if snapped[p] > 0.0]
    return [p for p in range(providers) if state >> p & 1]


def tender_state(
    quantity: np.ndarray,
    headroom: np.ndarray,
    snapped: bool = False,
    group: np.ndarray | None = None,
) -> np.ndarray:
    """Each path's tender state, from the quantity tendered and the providers' headroom.

    The arithmetic is that of :func:`computemarket.games.auction.decide`: quantities
    below 1 kW count as zero, and headroom capped at the quantity is added provider by
    provider, in index order (the compiled engine adds in the same order).

    Parameters
    ----------
    quantity : ndarray, shape (n,)
        GW tendered.
    headroom : ndarray, shape (n, P)
        GW each provider can still commit at the contract's start.
    snapped : bool, default False
        Give intermediate tenders their snapped-share states (at most
        :data:`MOST_SNAPPED_PROVIDERS` providers, or above :data:`MOST_SET_PROVIDERS`
        with a ``group``; ignored otherwise).
    group : ndarray of int, shape (MOST_SNAPPED_PROVIDERS,), optional
        The tender's row of :func:`computemarket.market.groups.groups`, in a market of more than
        :data:`MOST_SET_PROVIDERS` providers: a tender that is not all needed is then in
        the state of its group's providers taken as a market of their own (the other
        providers have no headroom in it).

    Returns
    -------
    ndarray of int, shape (n,)

    Examples
    --------
    Three providers: 1 GW asked of 0.5 + 0.4 GW is all needed; 1 GW of 2 + 0 + 0.7 GW
    leaves providers 0 and 2 to compete (``1 + 4``), and snapped, with shares 1 and 3/4,
    is the state ``9 + 4 + 3 x 25``.

    >>> quantity = np.array([1.0, 1.0])
    >>> headroom = np.array([[0.5, 0.4, 0.0], [2.0, 0.0, 0.7]])
    >>> tender_state(quantity, headroom).tolist(), tender_state(quantity, headroom, True).tolist()
    ([8, 5], [8, 88])

    Seven providers, of which 1, 3 and 4 are present: shares 3/4 and 1 of the tender
    in slots 0 and 2 are ``2 + 3 + 4 x 25``.

    >>> wide = np.zeros((1, 7))
    >>> wide[0, [1, 4]] = [0.7, 2.0]
    >>> tender_state(np.array([1.0]), wide, True, np.array([1, 3, 4])).tolist()
    [105]
    """
    n, providers = headroom.shape
    quantity = np.where(quantity > EPS_GW, quantity, 0.0)
    room = np.where(headroom > EPS_GW, headroom, 0.0)
    total = np.zeros(n)
    mask = np.zeros(n, dtype=np.int64)
    for p in range(providers):
        total = total + np.minimum(room[:, p], quantity)
        mask = mask + np.where(room[:, p] > 0.0, 1 << p, 0)
    if providers > MOST_SET_PROVIDERS:
        return _large_state(total <= quantity, quantity, headroom, snapped, group)
    state = np.where(total <= quantity, all_needed(providers), mask)
    if not snapped or providers > MOST_SNAPPED_PROVIDERS:
        return state
    # Snapped shares, level by level, in provider order (the compiled engine's arithmetic).
    # (A tender of no quantity has no shares, and is all needed whatever its levels.)
    asked = np.where(quantity > 0.0, quantity, 1.0)
    level = snap_levels(np.minimum(room, quantity[:, None]) / asked[:, None])
    code = (level * (SNAP_LEVELS + 1) ** np.arange(providers)).sum(axis=1)
    covers = np.all((room >= quantity[:, None]) | (room <= 0.0), axis=1)
    top = np.all((level == SNAP_LEVELS) | (level == 0), axis=1)
    middle = (state != all_needed(providers)) & ~covers & ~top
    return np.where(middle, 2**providers + 1 + code, state)


def snap_levels(share: np.ndarray, levels: int = SNAP_LEVELS) -> np.ndarray:
    """Shares of tenders snapped to whole ``1/levels``, as the snapped states key them.

    Each positive share goes to the nearest level, at least one and at most ``levels``;
    a zero share stays zero. Rounding may leave the levels adding up to the tender or
    less, where the snapped game would be "all needed" though the true shares exceed it,
    so the level furthest below its share is raised, one at a time, until they exceed it.

    Parameters
    ----------
    share : ndarray, shape (n, P)
        Each provider's headroom, capped at the tender, as a share of it.
    levels : int, default :data:`SNAP_LEVELS`
        Levels per tender.

    Returns
    -------
    ndarray of int, shape (n, P)
        Levels; the snapped share is ``level / levels``.

    Examples
    --------
    Shares 0.13, 1 and 0.07 go to quarters 1, 4 and 1. Shares 0.35 and 0.7, more than the
    tender together, round to 1 and 3 quarters, which only make the tender: the 0.35,
    furthest below its share, is raised to 2.

    >>> snap_levels(np.array([[0.13, 1.0, 0.07], [0.35, 0.7, 0.0]])).tolist()
    [[1, 4, 1], [2, 3, 0]]
    """
    n, providers = share.shape
    scaled = share * levels
    level = np.clip(np.floor(scaled + 0.5), 1, levels).astype(np.int64)
    level = np.where(share > 0.0, level, 0)
    rows = np.arange(n)
    for _ in range(providers):
        short = level.sum(axis=1) <= levels
        below = np.where((level > 0) & (level < levels), scaled - level, -np.inf)
        best = np.argmax(below, axis=1)
        raise_ = short & np.isfinite(below[rows, best])
        level[rows[raise_], best[raise_]] += 1
    return level


def _large_state(
    needed: np.ndarray,
    quantity: np.ndarray,
    headroom: np.ndarray,
    snapped: bool,
    group: np.ndarray | None,
) -> np.ndarray:
    """:func:`tender_state` above :data:`MOST_SET_PROVIDERS` providers."""
    members = [] if group is None else [int(p) for p in group if p >= 0]
    if not snapped or len(members) < 2:
        return np.where(needed, 1, 0).astype(np.int64)
    small = tender_state(quantity, headroom[:, members], snapped=True)
    size, base = len(members), SNAP_LEVELS + 1
    first = 2**size + 1
    # A set of takers (every one covering the tender) is the level SNAP_LEVELS for each.
    code = sum((small >> s & 1) * SNAP_LEVELS * base**s for s in range(size))
    code = np.where(small >= first, small - first, code)
    return np.where(needed, 1, LARGE_STATES + code).astype(np.int64)


def regime(quantity: np.ndarray, headroom: np.ndarray) -> np.ndarray:
    """Each tender's regime, a code into :data:`REGIMES`.

    0: nothing tendered; 1: all headroom needed; 2: slack, every provider with headroom
    could serve the whole tender (the bids are an equilibrium in both, under either
    payment rule, the reserve a dominant quote in 1); 3: intermediate, some could and
    some could not (the bids are the single-unit ones among the providers with headroom,
    an approximation, or with snapped states those of the snapped shares' equilibrium;
    ``docs/economics.md``). In markets of more than :data:`MOST_SET_PROVIDERS`
    providers, slack and intermediate tenders get the bids of all providers.

    Parameters
    ----------
    quantity : ndarray, shape (n,)
    headroom : ndarray, shape (n, P)

    Returns
    -------
    ndarray of int8, shape (n,)

    Examples
    --------
    >>> regime(np.array([1.0, 1.0, 1.0, 0.0]),
    ...        np.array([[0.5, 0.4], [2.0, 1.0], [2.0, 0.7], [1.0, 1.0]])).tolist()
    [1, 2, 3, 0]
    """
    providers = headroom.shape[1]
    asked = np.where(quantity > EPS_GW, quantity, 0.0)
    room = np.where(headroom > EPS_GW, headroom, 0.0)
    covers = np.all((room >= asked[:, None]) | (room <= 0.0), axis=1)
    needed = tender_state(quantity, headroom) == all_needed(providers)
    code = np.where(needed, 1, np.where(covers, 2, 3))
    return np.where(asked > 0.0, code, 0).astype(np.int8)


def state_quotes(bids: np.ndarray, state: np.ndarray) -> np.ndarray:
    """Each path's quotes in its state.

    Parameters
    ----------
    bids : ndarray, shape (n, P, S)
        Quotes of one tender in every state (``S`` is one where bids have no state).
    state : ndarray of int, shape (n,)

    Returns
    -------
    ndarray, shape (n, P)

    Examples
    --------
    >>> bids = np.arange(12.0).reshape(1, 2, 6)
    >>> state_quotes(bids, np.array([4])).tolist()
    [[4.0, 10.0]]
    """
    if bids.shape[2] == 1:
        return bids[:, :, 0]
    return np.take_along_axis(bids, state[:, None, None], axis=2)[:, :, 0]
