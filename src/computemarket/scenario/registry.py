"""Plug-ins registered by name, so that scenario files can refer to them.

A plug-in is registered under a kind and a name, from Python (:func:`register`) or by
an installed package's entry point in the group ``computemarket.<kind>`` (the way
plugin-based scientific packages find each other). Kinds:

``"bidding"``
    A bidding model (:class:`computemarket.market.bidding.BiddingModel`): a scenario's
    ``bidding.mode`` may name it.
``"cost"``
    A frozen continuous distribution of costs that ``scipy.stats`` does not name: a
    provider's ``cost = { distribution = "<name>" }`` may name it
    (:mod:`computemarket.scenario.distributions`).
``"forecast"``
    The buyer's demand forecaster (:class:`computemarket.market.forecast.Forecaster`):
    ``buyer.forecast`` may name it.

Scenario validation checks names here; the market layer looks the objects up. Names
registered in a script are known to that process and to process-pool workers that
import the script again (register at the script's top level); Dask workers on other
machines find plug-ins through entry points.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from computemarket.errors import InputError

__all__ = ["KINDS", "lookup", "register", "registered"]

#: The kinds of plug-in, and the names the package itself defines for each.
KINDS: dict[str, tuple[str, ...]] = {
    "bidding": ("cost_plus", "strategic"),
    "cost": (),
    "forecast": ("model", "paths"),
}

_REGISTRY: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}


def register(kind: str, name: str, plugin: Any) -> Any:
    """Register ``plugin`` as ``name`` of ``kind``; returns the plug-in.

    Parameters
    ----------
    kind : {"bidding", "cost", "forecast"}
    name : str
        The name scenario files use; not one the package defines itself.
    plugin : object
        The plug-in, as its kind requires (for ``"bidding"``, an object with a
        ``quotes`` method).

    Raises
    ------
    InputError
        For an unknown kind, or a name the package defines (``"auto"`` included).

    Examples
    --------
    >>> class Flat:
    ...     def quotes(self, request):
    ...         return request.cost * 0 + 15.0
    >>> _ = register("bidding", "flat_15", Flat())
    >>> "flat_15" in registered("bidding")
    True
    """
    if kind not in KINDS:
        raise InputError("kind", kind, f"must be one of {list(KINDS)}")
    if not isinstance(name, str) or not name or name in (*KINDS[kind], "auto"):
        raise InputError(
            "name", name, f"must be a new name, not one of the built-in {list(KINDS[kind])}"
        )
    _REGISTRY[kind][name] = plugin
    return plugin


def registered(kind: str) -> list[str]:
    """Every name of ``kind`` known now: built-in, registered, and from entry points.

    Examples
    --------
    >>> registered("bidding")[:2]
    ['cost_plus', 'strategic']
    """
    found = [ep.name for ep in entry_points(group=f"computemarket.{kind}")]
    return list(dict.fromkeys([*KINDS[kind], *_REGISTRY[kind], *found]))


def lookup(kind: str, name: str) -> Any:
    """The plug-in registered as ``name`` (loading its entry point the first time).

    Raises
    ------
    KeyError
        If no plug-in has that name.
    """
    if name not in _REGISTRY[kind]:
        for point in entry_points(group=f"computemarket.{kind}"):
            if point.name == name:
                _REGISTRY[kind][name] = point.load()
                break
        else:
            raise KeyError(f"no {kind} plug-in named {name!r}; known: {registered(kind)}")
    return _REGISTRY[kind][name]
