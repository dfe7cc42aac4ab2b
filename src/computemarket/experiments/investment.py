"""The providers' investment equilibrium: build shares that are mutual best responses.

Under ``supply.mode = "investment"`` each provider follows the Markov rule of
:mod:`computemarket.market.investment`: at every review it develops the share
``build_share`` of the demand it forecasts, ``anticipation_months`` past its ready date,
its rivals will leave uncovered. :func:`investment_equilibrium` finds shares and timings
at which no provider can raise its expected profit (present value of revenue less cost of
supply less capex, :func:`computemarket.summarize`'s ``provider_profit``) by changing its
own: iterated best responses, one provider at a time, over candidate shares around its
current one, timings six and twelve months earlier or later and, for a potential entrant,
entry thresholds under each rule of the schedule (:mod:`.policies`), every candidate simulated
on the same paths (common random numbers), until a whole round changes nothing. It then
measures the largest gain from the deviations the issue names (building 10% and 25% more
or less, and a year earlier or later) as the investment analogue of ``strategic_epsilon``
(``docs/economics.md``, section Investment).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from computemarket.errors import InputError
from computemarket.experiments.policies import LEAD, MOST_SHARE, SHARE, THRESHOLDS, PolicyGame
from computemarket.scenario import Scenario, as_scenario

__all__ = ["DEVIATIONS", "investment_equilibrium"]

#: The deviations measured at the equilibrium: (kind, amount). A ``share`` deviation
#: multiplies the provider's build share; a ``timing`` one adds months to its
#: anticipation (positive: it builds for demand further ahead, so earlier); a ``build``
#: one sets the share to the amount (so that a provider building nothing is tested too);
#: an ``entry`` one multiplies a potential entrant's entry threshold (0: enter whenever
#: some demand is forecast uncovered; inf: stay out).
DEVIATIONS = (
    ("share", 0.75),
    ("share", 0.9),
    ("share", 1.1),
    ("share", 1.25),
    ("timing", 12),
    ("timing", -12),
    ("build", 0.25),
    ("build", 1.0),
    ("entry", 0.0),
    ("entry", float("inf")),
)

#: A step is taken only when it raises the provider's expected profit by more than this
#: share of it: on common random numbers the profit is flat over ranges of shares where
#: the pipeline binds, and chasing gains below that would cycle among near-equal shares.
_IMPROVEMENT = 1e-3
#: The least profit ($B) a deviation's gain is measured against, so that a provider
#: that builds and sells nothing (profit zero) does not turn noise into a large share.
_LEAST_SCALE = 1.0


def investment_equilibrium(
    scenario: Scenario | str | Path | None = None,
    *,
    paths: int = 200,
    seed: int | None = None,
    engine: str = "vector",
    rounds: int = 8,
    deviations: Sequence[tuple[str, float]] = DEVIATIONS,
    players: Sequence[str] | None = None,
) -> xr.Dataset:
    """Build shares that are mutual best responses, and the gain from deviating at them.

    Parameters
    ----------
    scenario : Scenario, str or Path, optional
        A scenario with ``supply.mode = "investment"``; its providers' ``build_share``
        values are the starting point.
    paths : int, default 200
        Paths every candidate is simulated on (the same paths for all: common random
        numbers).
    seed : int, optional
        Seed of the random inputs; ``scenario.run.seed`` by default.
    engine : {"vector", "compiled", "des"}, default "vector"
        As for :func:`computemarket.simulate`; results do not depend on it.
    rounds : int, default 8
        Most rounds of best responses (each gives every provider one step).
    deviations : sequence of (str, float), default :data:`DEVIATIONS`
        The deviations whose gain is measured at the equilibrium.
    players : sequence of str, optional
        The providers that best-respond (all by default). The others keep the scenario's
        policies, and their deviations are not measured (NaN): the result is then each
        player's best response to them, and an equilibrium among the players only. With
        many providers, solving for the few whose choice is in question (an entrant) is
        much cheaper.

    Returns
    -------
    xarray.Dataset
        Over ``provider`` (and ``deviation``, ``round``):

        - ``build_share``, ``anticipation_months``: the equilibrium investment policy;
        - ``entry_threshold``, over ``provider`` and ``rule``: each potential entrant's
          equilibrium entry threshold under each rule of the schedule, in the order they
          come into force (NaN for providers in the market from the start);
        - ``profit``, ``profit_se``: expected profit and its standard error ($B);
        - ``deviation_gain``, ``deviation_gain_se``: the paired gain in expected profit
          from each deviation ($B; NaN where a deviation is not allowed);
        - ``deviation_gain_share``: the gain over the largest of the absolute profit, the
          entry cost and $1B;
        - ``history``: the shares after each round.

        Attributes: ``investment_epsilon`` (the largest ``deviation_gain_share``, at
        least 0), ``converged`` (whether a round changed nothing: no step raised a profit
        by more than 0.1%), ``scenario`` (the TOML of the scenario with the equilibrium
        policy), ``paths``, ``seed``, ``engine``, ``players`` (their names, joined by
        commas).

    Raises
    ------
    InputError
        If the scenario does not invest, or ``rounds``, ``deviations`` or ``players`` are
        invalid.

    Examples
    --------
    >>> import computemarket as cm
    >>> sc = cm.load_scenario().with_updates(
    ...     {"supply.mode": "investment", "providers.oracle.investment.capex_per_gw": 40.0}
    ... )
    >>> eq = investment_equilibrium(sc, paths=20, seed=1, rounds=1, deviations=[("share", 1.1)])
    >>> eq.build_share.dims
    ('provider',)
    >>> bool(eq.attrs["investment_epsilon"] >= 0.0)
    True
    """
    sc = as_scenario(scenario)
    if sc.supply.mode != "investment":
        raise InputError(
            "scenario.supply.mode",
            sc.supply.mode,
            'must be "investment" for an investment equilibrium',
        )
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise InputError("rounds", rounds, "must be a whole number of at least 1")
    deviations = _checked(deviations)
    names = sc.provider_names
    playing = _players(players, names)
    game = PolicyGame(sc, paths, seed, engine)
    policy = game.start
    history = []
    converged = False
    for _ in range(rounds):
        changed = False
        for i in playing:
            best_value = game.profit(policy)[:, i].mean()
            for column, value in game.steps(policy, i):
                trial = policy.copy()
                trial[i, column] = value
                gain = game.profit(trial)[:, i].mean()
                if gain > best_value + _IMPROVEMENT * max(abs(best_value), 1e-9):
                    best_value, changed, policy = gain, True, trial
        history.append(policy[:, SHARE].copy())
        if not changed:
            converged = True
            break
    base = game.profit(policy)
    gain = np.full((len(names), len(deviations)), np.nan)
    gain_se = np.full_like(gain, np.nan)
    for i in playing:
        for j, deviation in enumerate(deviations):
            trial = game.deviate(policy, i, deviation)
            if trial is None:
                continue  # not allowed, or not a choice this provider has
            paired = game.profit(trial)[:, i] - base[:, i]
            gain[i, j] = paired.mean()
            gain_se[i, j] = paired.std(ddof=1) / np.sqrt(paired.size) if paired.size > 1 else 0.0
    profit = base.mean(axis=0)
    scale = np.maximum(np.maximum(np.abs(profit), game.entry_cost), _LEAST_SCALE)[:, None]
    share_gain = gain / scale
    finite = share_gain[np.isfinite(share_gain)]
    epsilon = float(max(finite.max(), 0.0)) if finite.size else 0.0
    labels = [_label(kind, amount) for kind, amount in deviations]
    return xr.Dataset(
        {
            "build_share": (
                "provider",
                policy[:, SHARE],
                {"units": "1", "long_name": "equilibrium build share"},
            ),
            "anticipation_months": (
                "provider",
                policy[:, LEAD].astype(np.int64),
                {"units": "month", "long_name": "equilibrium anticipation"},
            ),
            "entry_threshold": (
                ("provider", "rule"),
                policy[:, THRESHOLDS:],
                {"units": "GW", "long_name": "equilibrium entry threshold (NaN: not an entrant)"},
            ),
            "profit": ("provider", profit, {"units": "GUSD", "long_name": "expected profit, PV"}),
            "profit_se": (
                "provider",
                base.std(axis=0, ddof=1) / np.sqrt(base.shape[0])
                if base.shape[0] > 1
                else np.zeros(len(names)),
                {"units": "GUSD", "long_name": "standard error of expected profit"},
            ),
            "deviation_gain": (
                ("provider", "deviation"),
                gain,
                {"units": "GUSD", "long_name": "gain in expected profit from deviating"},
            ),
            "deviation_gain_se": (
                ("provider", "deviation"),
                gain_se,
                {"units": "GUSD", "long_name": "paired standard error of the gain"},
            ),
            "deviation_gain_share": (
                ("provider", "deviation"),
                share_gain,
                {"units": "1", "long_name": "gain from deviating over the absolute profit"},
            ),
            "history": (
                ("round", "provider"),
                np.array(history),
                {"units": "1", "long_name": "build shares after each round"},
            ),
        },
        coords={
            "provider": list(names),
            "rule": list(game.rules),
            "deviation": labels,
            "round": np.arange(1, len(history) + 1),
        },
        attrs={
            "investment_epsilon": epsilon,
            "converged": int(converged),
            "scenario": game.variant(policy).to_toml(),
            "paths": int(paths),
            "seed": int(game.seed),
            "engine": engine,
            "players": ",".join(names[i] for i in playing),
        },
    )


def _label(kind: str, amount: float) -> str:
    """A deviation's name: ``share x1.1``, ``build 0.25``, ``timing +12``, ``entry never``."""
    if kind == "timing":
        return f"timing {int(amount):+d}"
    if kind == "build":
        return f"build {amount:g}"
    if kind == "entry" and amount == np.inf:
        return "entry never"
    return f"{kind} x{amount:g}"


def _players(players: Sequence[str] | None, names: Sequence[str]) -> list[int]:
    """The indices of the providers that best-respond, refusing unknown or repeated names."""
    if players is None:
        return list(range(len(names)))
    if isinstance(players, str) or not isinstance(players, Sequence) or not players:
        raise InputError("players", players, "must be a non-empty list of provider names")
    unknown = [p for p in players if p not in names]
    if unknown or len(set(players)) != len(players):
        raise InputError(
            "players", list(players), f"must name each provider once, among {', '.join(names)}"
        )
    return sorted(names.index(p) for p in players)


def _checked(deviations: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """The deviations as (kind, amount), refusing anything else naming the item."""
    allowed = (
        "each must be ('share', a finite multiple >= 0), ('build', a share from 0 to 10), "
        "('timing', whole months) or ('entry', a multiple >= 0 of the entry threshold, "
        "inf: never enter)"
    )
    out: list[tuple[str, float]] = []
    for item in deviations:
        try:
            kind, amount = item
        except (TypeError, ValueError):
            raise InputError("deviations", item, "each must be a pair (kind, amount)") from None
        if isinstance(amount, bool) or not isinstance(amount, numbers.Real):
            raise InputError("deviations", item, allowed)
        value = float(amount)
        if kind == "share" and 0 <= value < np.inf:
            out.append(("share", value))
        elif kind == "build" and 0 <= value <= MOST_SHARE:
            out.append(("build", value))
        elif kind == "timing" and np.isfinite(value) and value.is_integer():
            out.append(("timing", int(value)))
        elif kind == "entry" and value >= 0:
            out.append(("entry", value))
        else:
            raise InputError("deviations", item, allowed)
    return out
