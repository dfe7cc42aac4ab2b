"""The providers' investment and entry policies as a game: profiles, steps and payoffs.

A *policy profile* is an array ``(P, 2 + R)``: each provider's build share, its
anticipation (months), and, for a potential entrant, its entry threshold (GW) under each
of the ``R`` rules of the scenario's schedule, in the order they first come into force
(NaN for a provider in the market from the start). :class:`PolicyGame` turns a profile
into a scenario and its expected profits, simulated on common random numbers and
memoised, and lists the candidate changes of one best-response step;
:func:`computemarket.investment_equilibrium` plays it.
"""

from __future__ import annotations

import numpy as np

from computemarket.scenario import Scenario
from computemarket.scenario.fields import MOST_GW, MOST_MONTHS
from computemarket.simulation import simulate_summary

__all__ = ["LEAD", "MOST_SHARE", "SHARE", "THRESHOLDS", "PolicyGame", "schedule_rules"]

#: The columns of a policy profile: the build share, the anticipation, and the first of
#: the entry thresholds (one per rule of the schedule from there on).
SHARE, LEAD, THRESHOLDS = 0, 1, 2
#: The largest build share a step may choose.
MOST_SHARE = 10.0
#: Candidate shares of one best-response step, as multiples of the current share, beside
#: the absolute points below (so that a share of zero can grow again).
_MULTIPLES = (0.5, 0.75, 0.9, 1.1, 1.25, 1.5, 2.0)
_POINTS = (0.0, 0.25, 0.5, 1.0)
#: Candidate changes of one best-response step to the anticipation, in months.
_SHIFTS = (-12, -6, 6, 12)
#: Candidate entry thresholds (GW) beside multiples of the current one; staying out is
#: a threshold no forecast reaches (``MOST_GW``).
_ENTRY_POINTS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)


def schedule_rules(sc: Scenario) -> tuple[str, ...]:
    """The rules of a scenario's schedule, each once, in the order they come into force.

    Parameters
    ----------
    sc : Scenario

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> import computemarket as cm
    >>> schedule_rules(cm.load_scenario("history"))
    ('rofr', 'open')
    >>> schedule_rules(cm.load_scenario("baseline"))
    ('rofr',)
    """
    rules = [sc.contract.rule, *(change.rule for change in sc.contract.changes)]
    return tuple(dict.fromkeys(rules))


class PolicyGame:
    """Expected profits of every provider for given policy profiles, on common paths.

    Parameters
    ----------
    sc : Scenario
        A scenario with ``supply.mode = "investment"``; its providers' policies are the
        starting profile (:attr:`start`).
    paths : int
        Paths every profile is simulated on.
    seed : int or None
        Seed of the random inputs; ``sc.run.seed`` when None.
    engine : str
        As for :func:`computemarket.simulate`.

    Attributes
    ----------
    rules : tuple of str
        The rules of the schedule, one entry threshold column each
        (:func:`schedule_rules`).
    start : ndarray, shape (P, 2 + len(rules))
        The scenario's own profile.
    entry_cost : ndarray, shape (P,)
        Each provider's entry cost ($B; 0 for providers in the market from the start).

    Examples
    --------
    >>> import computemarket as cm
    >>> sc = cm.load_scenario("investment").with_updates(
    ...     {"providers.stargate.entry": {"cost": 2.0, "earliest": "2026-01"}})
    >>> game = PolicyGame(sc, paths=4, seed=1, engine="vector")
    >>> game.rules, game.start.shape
    (('rofr',), (3, 3))
    >>> game.profit(game.start).shape
    (4, 3)
    """

    def __init__(self, sc: Scenario, paths: int, seed: int | None, engine: str) -> None:
        self.sc, self.paths, self.engine = sc, paths, engine
        self.seed = sc.run.seed if seed is None else seed
        self.rules = schedule_rules(sc)
        self._cache: dict[bytes, np.ndarray] = {}
        self.start = np.array(
            [
                [
                    p.investment.build_share,
                    p.investment.anticipation_months,
                    *(
                        p.entry.threshold(rule) if p.entry is not None else np.nan
                        for rule in self.rules
                    ),
                ]
                for p in sc.providers
            ]
        )
        self.entry_cost = np.array([p.entry.cost if p.entry else 0.0 for p in sc.providers])

    @property
    def threshold_columns(self) -> range:
        """The columns of the entry thresholds, one per rule of :attr:`rules`."""
        return range(THRESHOLDS, THRESHOLDS + len(self.rules))

    def steps(self, policy: np.ndarray, i: int) -> list[tuple[int, float]]:
        """Candidate changes ``(column, value)`` of provider ``i``'s policy in one step.

        Parameters
        ----------
        policy : ndarray, shape (P, 2 + R)
        i : int

        Returns
        -------
        list of (int, float)
            Shares around the current one, anticipations six and twelve months either
            side, and, for an entrant, thresholds around each current one under each rule
            (staying out included).
        """
        share, lead = policy[i, SHARE], policy[i, LEAD]
        steps = [(SHARE, float(min(share * m, MOST_SHARE))) for m in _MULTIPLES]
        steps += [(SHARE, point) for point in _POINTS]
        steps += [(LEAD, float(lead + s)) for s in _SHIFTS if self._allowed_lead(i, lead + s)]
        for column in self.threshold_columns:
            threshold = policy[i, column]
            if np.isnan(threshold):
                continue
            steps += [(column, float(min(threshold * m, MOST_GW))) for m in _MULTIPLES]
            steps += [(column, point) for point in (*_ENTRY_POINTS, MOST_GW)]
        return steps

    def deviate(
        self, policy: np.ndarray, i: int, deviation: tuple[str, float]
    ) -> np.ndarray | None:
        """Provider ``i``'s policy after ``deviation``, or None where it has no such choice.

        An ``entry`` deviation moves the thresholds under every rule at once (0: enter
        whenever some demand is forecast uncovered; inf: stay out).
        """
        kind, amount = deviation
        trial = policy.copy()
        if kind == "share":
            trial[i, SHARE] = min(policy[i, SHARE] * amount, MOST_SHARE)
        elif kind == "build":
            trial[i, SHARE] = amount
        elif kind == "timing":
            trial[i, LEAD] = policy[i, LEAD] + amount
            if not self._allowed_lead(i, trial[i, LEAD]):
                return None  # it would forecast before the decision, or past any horizon
        else:
            columns = list(self.threshold_columns)
            if np.isnan(policy[i, columns]).all():
                return None
            trial[i, columns] = (
                np.minimum(policy[i, columns] * amount, MOST_GW) if amount < np.inf else MOST_GW
            )
        return trial

    def _allowed_lead(self, i: int, lead: float) -> bool:
        """Whether ``anticipation_months = lead`` is a valid choice for provider ``i``."""
        development = self.sc.providers[i].investment.development_months
        return -development <= lead <= MOST_MONTHS

    def variant(self, policy: np.ndarray) -> Scenario:
        """The scenario with every provider playing its part of ``policy``.

        An entrant's thresholds go to ``entry.threshold_by_rule`` under each rule of the
        schedule, and to ``entry.threshold_gw`` too where the schedule has one rule. With
        several rules ``threshold_gw`` keeps its value, which only a rule outside the
        schedule would read (for instance the same scenario compared under another rule):
        solve that schedule's equilibrium instead.
        """
        updates: dict[str, object] = {}
        for name, row in zip(self.sc.provider_names, policy, strict=True):
            updates[f"providers.{name}.investment.build_share"] = float(row[SHARE])
            updates[f"providers.{name}.investment.anticipation_months"] = int(row[LEAD])
            thresholds = row[THRESHOLDS:]
            if np.isnan(thresholds).all():
                continue
            if len(self.rules) == 1:
                updates[f"providers.{name}.entry.threshold_gw"] = float(thresholds[0])
            for rule, threshold in zip(self.rules, thresholds, strict=True):
                updates[f"providers.{name}.entry.threshold_by_rule.{rule}"] = float(threshold)
        return self.sc.with_updates(updates)

    def profit(self, policy: np.ndarray) -> np.ndarray:
        """Each path's profit of each provider under ``policy``, (paths, P), memoised."""
        key = policy.tobytes()
        if key not in self._cache:
            summary = simulate_summary(
                self.variant(policy), engine=self.engine, paths=self.paths, seed=self.seed
            )
            self._cache[key] = summary["provider_profit"].transpose("path", "provider").values
        return self._cache[key]
