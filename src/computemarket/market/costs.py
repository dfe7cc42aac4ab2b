"""Providers' cost distributions: the family shocks and the distributions of their own.

The plan (:mod:`computemarket.market.plan`) draws every provider's costs through
:func:`cost_quantiles` and :func:`cost_distribution_of`; the equilibrium solver
(:mod:`computemarket.market.equilibria`) tabulates the same distributions.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.special import ndtri

from computemarket.scenario.distributions import frozen_distribution

__all__ = ["cost_distribution_of", "cost_quantiles", "cost_table"]


def cost_table(cost: dict[str, Any] | None) -> tuple[tuple[str, Any], ...] | None:
    """A provider's cost table as sorted items, with a fingerprint for a registered one.

    A registered distribution is named only; its fingerprint (a digest of its quantiles)
    keys the caches of solutions on what it is, so a name registered again with another
    distribution, or in another process, never reads solutions for the old one.
    """
    if cost is None:
        return None
    items = tuple(sorted(cost.items()))
    if len(cost) == 1:  # a registered name: no parameters
        probabilities = np.linspace(0.0005, 0.9995, 257)
        quantiles = np.asarray(frozen_distribution(cost).ppf(probabilities), dtype=float)
        items += (("~fingerprint", hashlib.sha256(quantiles.tobytes()).hexdigest()),)
    return items


@lru_cache(maxsize=256)
def cost_distribution_of(table: tuple[tuple[str, Any], ...]) -> Any:
    """The frozen distribution of a provider's ``cost`` table (as sorted items), cached."""
    return frozen_distribution({k: v for k, v in table if k != "~fingerprint"})


def cost_quantiles(family: str, base: np.ndarray, spread: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Costs at probabilities ``u`` (last axis over providers): base cost times a shock.

    The shock is lognormal with mean one, ``exp(s z - s^2 / 2)`` with ``z = Phi^-1(u)``,
    or uniform, ``1 + s (2u - 1)``, with ``s`` the provider's spread.
    """
    if family == "uniform":
        shock = 1.0 + spread * (2.0 * u - 1.0)
    else:
        shock = np.exp(spread * ndtri(u) - 0.5 * spread**2)
    return base * shock
