"""Tools for testing code built on computemarket: Hypothesis strategies and comparisons.

:func:`scenarios` generates valid, small scenarios (short horizons, few providers) that
exercise the edges of the model: zero and full matching windows, providers with no
headroom, zero growth, very high volatility. :func:`assert_results_equal` compares two
results datasets variable by variable, with a message naming what differs.

Hypothesis is imported only by this module; install the ``test`` extra to use it.

Examples
--------
>>> from hypothesis import given, settings
>>> from computemarket.testing import scenarios
>>> @settings(max_examples=3, deadline=None)
... @given(scenarios())
... def test_runs(sc):
...     assert sc.horizon_months >= 6
>>> test_runs()
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr
from hypothesis import strategies as st

from computemarket.scenario import RULES, Scenario

__all__ = ["assert_results_equal", "scenarios"]


def _month(start_year: int, offset: int) -> str:
    year, month = divmod(offset, 12)
    return f"{start_year + year:04d}-{month + 1:02d}"


@st.composite
def scenarios(
    draw: Any,
    *,
    rules: tuple[str, ...] = RULES,
    min_providers: int = 1,
    max_providers: int = 4,
    bidding: tuple[str, ...] = ("cost_plus", "strategic"),
    auctions: tuple[str, ...] = ("first_price", "second_price"),
    max_months: int = 48,
    supplies: tuple[str, ...] = ("exogenous", "investment"),
) -> Scenario:
    """A Hypothesis strategy for valid scenarios.

    Whatever the options, one scenario in three has a ceiling on demand
    (``demand.ceiling``), about one in two a market for compute bought elsewhere
    (``buyer.elsewhere_*``, priced above zero and at most at the value of unmet demand),
    and each provider a dated first tender (``providers[].bids_from``) and a term of its
    own (``providers[].term_months``) one time in four each; one scenario in four changes
    its rule once or twice (``contract.changes``).

    Parameters
    ----------
    rules : tuple of str, default all rules
        Contract rules to draw from.
    min_providers, max_providers : int, default 1 and 4
        Range of the number of providers.
    bidding : tuple of str, default both modes
        Bidding modes to draw from (``strategic`` is drawn one time in four). Snapped
        intermediate states (``bidding.intermediate``) and the grid's equilibrium
        (``bidding.equilibrium``) are drawn only in markets of up to two providers, whose
        games solve in seconds; larger markets get the taker set's and own-type bids.
    auctions : tuple of str, default both payment rules
        Payment rules to draw from.
    max_months : int, default 48
        Longest horizon drawn (the shortest is 6 months).
    supplies : tuple of str, default both supply modes
        Supply modes to draw from (``supply.mode``); under ``investment`` every provider
        gets a drawn ``investment`` table, and one in three (not the holder, nor one with
        initial contracts) an ``entry`` table, half of them with a threshold of their own
        under one rule.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of Scenario
        Valid scenarios named ``generated``, starting in 2035, with 4 paths by default.

    Examples
    --------
    The simplest scenario under ``open`` with two providers:

    >>> from hypothesis import find
    >>> sc = find(scenarios(rules=("open",)), lambda s: len(s.providers) == 2)
    >>> sc.contract.rule, sc.provider_names
    ('open', ('p0', 'p1'))
    """
    n_providers = draw(st.integers(min_providers, max_providers))
    names = [f"p{i}" for i in range(n_providers)]
    months = draw(st.integers(6, max_months))
    lead = draw(st.integers(1, months - 1))
    ramps: list[int] = []
    if draw(st.integers(0, 3)) == 0:  # tenders at further leads, one time in four
        other = st.integers(1, months - 1).filter(lambda ahead: ahead != lead)
        ramps = draw(st.lists(other, min_size=1, max_size=2, unique=True))
    rule = draw(st.sampled_from(rules))
    window = draw(st.integers(0, min([lead, *ramps]))) if rule == "rofr" else 0
    positive = st.floats(0.5, 30.0, allow_nan=False)
    distribution = draw(st.sampled_from(["lognormal", "uniform"]))
    spread_max = 0.9 if distribution == "uniform" else 1.0

    providers = []
    for name in names:
        points = draw(st.integers(1, 3))
        offsets = sorted(
            draw(st.sets(st.integers(-12, months + 12), min_size=points, max_size=points))
        )
        capacity = [
            {
                "date": _month(2035, off),
                "gw": draw(st.sampled_from([0.0, 0.0, 0.3, 1.0, 2.5, 10.0]) | st.floats(0, 20)),
            }
            for off in offsets
        ]
        providers.append(
            {
                "name": name,
                "base_cost": draw(positive),
                "cost_spread": draw(st.floats(0.0, spread_max)),
                "markup": draw(st.floats(0.0, 0.5)),
                "spare_gw": draw(st.sampled_from([0.0, 0.0, 0.5]) | st.floats(0, 3)),
                "lead_time_months": draw(st.floats(1.0, 30.0)),
                "lead_time_spread": draw(st.floats(0.0, 1.0)),
                "capacity": capacity,
            }
        )
        if draw(st.integers(0, 3)) == 0:  # a dated first tender, one time in four
            providers[-1]["bids_from"] = _month(2035, draw(st.integers(-6, months + 6)))
        if draw(st.integers(0, 3)) == 0:  # a term of its own, one time in four
            providers[-1]["term_months"] = draw(st.integers(1, 240))
    initial = []
    for _ in range(draw(st.integers(0, 2))):
        begin = draw(st.integers(-6, months - 1))
        length = draw(st.integers(1, 36))
        initial.append(
            {
                "provider": draw(st.sampled_from(names)),
                "gw": draw(st.floats(0.05, 3.0)),
                "price": draw(positive),
                "start": _month(2035, begin),
                "end": _month(2035, max(begin, 0) + length),
            }
        )
    supply = draw(st.sampled_from([s for s in ("exogenous", "investment") if s in supplies]))
    if supply == "investment":
        for provider in providers:
            development = draw(st.integers(1, 36))
            provider["investment"] = {
                "capex_per_gw": draw(st.sampled_from([0.0, 12.0]) | st.floats(0.0, 60.0)),
                "asset_life_years": draw(st.floats(1.0, 20.0)),
                "development_months": development,
                "anticipation_months": draw(st.integers(-development, 24)),
                "build_share": draw(st.sampled_from([0.0, 1.0]) | st.floats(0.0, 3.0)),
            }
            if draw(st.integers(0, 2)) == 0:  # a potential entrant, one time in three
                provider["entry"] = {
                    "cost": draw(st.sampled_from([0.0, 5.0]) | st.floats(0.0, 100.0)),
                    "earliest": _month(2035, draw(st.integers(-12, months + 12))),
                    "threshold_gw": draw(st.sampled_from([0.0, 1.0]) | st.floats(0.0, 20.0)),
                }
                if draw(st.booleans()):  # its own threshold under one rule, half the time
                    rule = draw(st.sampled_from(["exclusive", "rofr", "rofo", "open"]))
                    own = draw(st.sampled_from([0.0, 1e6]) | st.floats(0.0, 20.0))
                    provider["entry"]["threshold_by_rule"] = {rule: own}
    zero_growth = draw(st.booleans())
    ceiling = []
    if draw(st.integers(0, 2)) == 0:  # a ceiling on demand, one time in three
        at = sorted(set(draw(st.lists(st.integers(-6, months + 6), min_size=1, max_size=3))))
        ceiling = [{"date": _month(2035, m), "gw": draw(st.floats(0.05, 10.0))} for m in at]
    value = draw(st.floats(0.0, 60.0))
    elsewhere = {}
    if value >= 0.01 and draw(st.booleans()):  # compute bought outside the tenders
        elsewhere = {
            "elsewhere_gw": draw(st.sampled_from([0.0, 0.5]) | st.floats(0.0, 5.0)),
            "elsewhere_price": draw(st.floats(0.01, 1.0)) * value,
        }
    data = {
        "name": "generated",
        "start": "2035-01",
        "horizon_months": months,
        "demand": {
            "initial_gw": draw(st.floats(0.05, 5.0)),
            "growth_initial": 0.0 if zero_growth else draw(st.floats(-0.5, 3.0)),
            "growth_long_run": 0.0 if zero_growth else draw(st.floats(-0.2, 0.5)),
            "growth_half_life_years": draw(st.floats(0.25, 10.0)),
            "volatility": draw(st.sampled_from([0.0, 0.25, 2.5]) | st.floats(0.0, 3.0)),
            "ceiling": ceiling,
        },
        "buyer": {
            "tender_every_months": draw(st.integers(1, 12)),
            "lead_months": lead,
            "ramp_lead_months": ramps,
            "term_months": draw(st.integers(1, 72)),
            "safety_margin": draw(st.floats(0.0, 0.5)),
            "reserve_price": draw(st.floats(1.0, 60.0)),
            "value_of_unmet": value,
            "discount_rate": draw(st.floats(0.0, 0.2)),
            **elsewhere,
        },
        "contract": {
            "rule": rule,
            # Under 'open' the holder may be absent ("" in TOML).
            "holder": draw(st.sampled_from(names if rule != "open" else [*names, None])),
            "window_months": window,
            "partial_match": draw(st.booleans()),
            "refused_holder": draw(st.sampled_from(["competes", "idle"])),
        },
        "costs": {"distribution": distribution},
        "bidding": {
            "mode": draw(
                st.sampled_from(
                    [
                        m
                        for m in ("cost_plus", "cost_plus", "cost_plus", "strategic")
                        if m in bidding
                    ]
                )
            ),
            "auction": draw(st.sampled_from(auctions)),
            "holder_available": draw(st.sampled_from([1.0, 0.7])),
            # Snapped intermediate states' games take seconds (two providers) to minutes
            # (three) to solve cold, for every cost drawn: drawn with two providers or fewer.
            "intermediate": draw(
                st.sampled_from(["taker_set", "snapped"] if len(providers) <= 2 else ["taker_set"])
            ),
            # The grid's single-unit games take seconds each (tens for many providers),
            # again for every cost drawn: drawn with two providers or fewer, else own type.
            "equilibrium": draw(
                st.sampled_from(["own_type", "grid"] if len(providers) <= 2 else ["own_type"])
            ),
        },
        "supply": {
            "mode": supply,
            "review_every_months": draw(st.integers(1, 12)),
            "cost_of_capital": draw(st.floats(0.0, 0.2)),
        },
        "providers": providers,
        "initial_contracts": initial,
        "run": {"paths": 4, "seed": draw(st.integers(0, 2**32))},
    }
    if draw(st.integers(0, 3)) == 0:  # rule changes, one time in four
        # A rule with a holder needs one: with none, the market stays open.
        allowed = rules if data["contract"]["holder"] is not None else ("open",)
        offsets = sorted(draw(st.sets(st.integers(1, months - 1), min_size=1, max_size=2)))
        changes = []
        for offset in offsets:
            change = {"date": _month(2035, offset), "rule": draw(st.sampled_from(allowed))}
            if change["rule"] == "rofr" and draw(st.booleans()):
                change["window_months"] = draw(st.integers(0, min([lead, *ramps])))
            changes.append(change)
        data["contract"]["changes"] = changes
    # The holder of a right, and providers with initial contracts, are in the market
    # from the start: they cannot be entrants.
    present = {data["contract"]["holder"], *(c["provider"] for c in initial)}
    for provider in providers:
        if provider["name"] in present:
            provider.pop("entry", None)
    return Scenario.from_dict(data)


def assert_results_equal(
    actual: xr.Dataset, expected: xr.Dataset, *, rtol: float = 0.0, atol: float = 0.0
) -> None:
    """Assert two results datasets hold the same variables, coordinates and values.

    NaN equals NaN. Attributes other than ``engine`` and ``computemarket_version`` must
    match too.

    Parameters
    ----------
    actual : xarray.Dataset
        The results to check.
    expected : xarray.Dataset
        The results they should equal.
    rtol : float, default 0
        Relative tolerance for floating-point variables; zero means bit-identical.
    atol : float, default 0
        Absolute tolerance for floating-point variables.

    Raises
    ------
    AssertionError
        Naming the first variable that differs and where.

    Examples
    --------
    >>> import computemarket as cm
    >>> a = cm.simulate(paths=3, seed=1)
    >>> assert_results_equal(cm.simulate(paths=3, seed=1, engine="des"), a)
    >>> assert_results_equal(cm.simulate(paths=3, seed=2), a)
    Traceback (most recent call last):
    ...
    AssertionError: demand[0, 1]: ...
    """
    assert set(actual.data_vars) == set(expected.data_vars), (
        f"variables differ: {sorted(set(actual.data_vars) ^ set(expected.data_vars))}"
    )
    for name in expected.coords:
        xr.testing.assert_identical(
            actual[name].reset_coords(drop=True), expected[name].reset_coords(drop=True)
        )
    for name in expected.data_vars:
        a, e = actual[name], expected[name]
        assert a.dims == e.dims, f"{name}: dims {a.dims} != {e.dims}"
        assert _same_attrs(a.attrs, e.attrs), f"{name}: attributes differ"
        if np.issubdtype(e.dtype, np.floating):
            ok = np.isclose(a.values, e.values, rtol=rtol, atol=atol, equal_nan=True)
            if not ok.all():
                where = tuple(int(i) for i in np.argwhere(~ok)[0])
                raise AssertionError(
                    f"{name}{list(where)}: {a.values[where]!r} != {e.values[where]!r} "
                    f"({int((~ok).sum())} of {ok.size} values differ; rtol={rtol}, atol={atol})"
                )
        else:
            assert np.array_equal(a.values, e.values), f"{name}: values differ"
    skip = {"engine", "computemarket_version"}
    a_attrs = {k: v for k, v in actual.attrs.items() if k not in skip}
    e_attrs = {k: v for k, v in expected.attrs.items() if k not in skip}
    assert _same_attrs(a_attrs, e_attrs), "dataset attributes differ"


def _same_attrs(actual: dict, expected: dict) -> bool:
    """Whether two attribute mappings are equal, array values (CF flags) compared whole."""
    if actual.keys() != expected.keys():
        return False
    return all(
        np.array_equal(actual[k], expected[k])
        if isinstance(actual[k], np.ndarray) or isinstance(expected[k], np.ndarray)
        else actual[k] == expected[k]
        for k in actual
    )
