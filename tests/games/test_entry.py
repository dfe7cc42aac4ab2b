"""The entry lab against the closed forms of docs/economics.md (Entry), costs U(0, 1)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

import computemarket as cm
from computemarket.games.entry import free_entry_number

N = 5
DRAWS = 60_000


def _profit(rule: str, auction: str, n: np.ndarray) -> np.ndarray:
    """Each entrant's expected profit with n entrants, a holder always present, r = 1."""
    n = np.asarray(n, dtype=float)
    if rule == "open":
        return 1 / ((n + 1) * (n + 2))
    if rule == "rofr" and auction == "first_price":
        return n / ((n + 1) ** 2 * (n + 2))
    if rule == "rofr":
        return (n - 1) / (n * (n + 1) * (n + 2))
    if rule == "rofo":
        return (n - 1) / (n * (n + 1) ** 2)
    return np.zeros_like(n)


CASES = [
    ("open", "first_price"),
    ("open", "second_price"),
    ("rofr", "first_price"),
    ("rofr", "second_price"),
    ("rofo", "first_price"),
    ("exclusive", "first_price"),
]


@pytest.fixture(scope="module")
def studies() -> dict[tuple[str, str], xr.Dataset]:
    return {
        case: cm.entry_study(
            case[0],
            potential_entrants=N,
            entry_cost=0.03,
            auction=case[1],
            draws=DRAWS,
            seed=4,
        )
        for case in CASES
    }


@pytest.mark.parametrize("case", CASES)
def test_entrant_profit_matches_the_closed_form(studies, case):
    ds = studies[case]
    n = np.arange(1, N + 1)
    got = ds.entrant_profit.sel(entrants=n).values
    se = ds.entrant_profit_se.sel(entrants=n).values
    expected = _profit(*case, n)
    # Four standard errors, plus the bid grid's own error (a few 1e-4 of the reserve).
    np.testing.assert_array_less(np.abs(got - expected), 4 * se + 1e-3)
    assert np.isnan(float(ds.entrant_profit.sel(entrants=0)))


@pytest.mark.parametrize("case", CASES)
def test_free_entry_numbers_are_those_the_closed_forms_imply(studies, case):
    ds = studies[case]
    n = np.arange(1, N + 1)
    exact = _profit(*case, n)
    got = ds.entrant_profit.sel(entrants=n).values
    se = ds.entrant_profit_se.sel(entrants=n).values
    assert int(ds.n_entrants) == free_entry_number(got, 0.03)
    # Entry costs at least 0.003 from every closed-form profit above, more than the
    # estimates' noise and grid error, so the estimated number must be the exact one.
    for entry_cost in (0.012, 0.0465, 0.063, 0.2):
        assert np.all(np.abs(exact - entry_cost) > 5 * se + 2e-3), entry_cost
        assert free_entry_number(got, entry_cost) == free_entry_number(exact, entry_cost)


def test_the_rofr_deters_entry_that_open_tenders_draw(studies):
    # At an entry cost of 0.03 open tenders draw 4 entrants (1/30 per entrant, 1/42 at
    # five), a ROFR 3 (3/80 at three, 4/150 at four), exclusivity none.
    assert int(studies["open", "first_price"].n_entrants) == 4
    assert int(studies["rofr", "first_price"].n_entrants) == 3
    assert int(studies["exclusive", "first_price"].n_entrants) == 0


@pytest.mark.parametrize("case", [("open", "first_price"), ("rofr", "second_price")])
def test_outcomes_are_those_of_tender_study_at_the_free_entry_number(studies, case):
    ds = studies[case]
    n = int(ds.n_entrants)
    alone = cm.tender_study(case[0], outsiders=n, auction=case[1], draws=DRAWS, seed=4)
    for name in alone.data_vars:
        np.testing.assert_array_equal(ds[name].values, alone[name].values, err_msg=name)
    assert ds.sizes["provider"] == n + 1


def test_welfare_under_open_tenders_is_the_expected_gain_less_entry_costs(studies):
    # The lowest of n + 1 uniform costs has mean 1 / (n + 2); everything is sold.
    ds = studies["open", "first_price"]
    n = np.arange(N + 1)
    expected = (n + 1) / (n + 2) - 0.03 * n
    np.testing.assert_allclose(ds.welfare.values, expected, atol=4e-3)


def test_without_entrants_the_holder_sells_at_the_reserve():
    ds = cm.entry_study("rofr", potential_entrants=3, entry_cost=0.5, draws=5_000, seed=1)
    assert int(ds.n_entrants) == 0
    assert list(ds.provider.values) == ["holder"]
    assert bool((ds.price == 1.0).all()) and bool(ds.holder_won.all())
    summary = cm.summarize(ds)
    assert float(summary.price.sel(statistic="mean")) == 1.0
    assert int(summary.n_entrants) == 0


@given(
    profit=st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=12),
    entry_cost=st.floats(0.0, 1.0, allow_nan=False),
)
def test_free_entry_number_is_an_equilibrium(profit, entry_cost):
    n = free_entry_number(np.array(profit), entry_cost)
    assert 0 <= n <= len(profit)
    if n:
        assert profit[n - 1] >= entry_cost  # no entrant regrets entering
    assert all(p < entry_cost for p in profit[n:])  # nobody else wants to enter


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"potential_entrants": 0, "entry_cost": 0.1}, "potential_entrants"),
        ({"potential_entrants": 21, "entry_cost": 0.1}, "potential_entrants"),
        ({"potential_entrants": 2.5, "entry_cost": 0.1}, "potential_entrants"),
        ({"potential_entrants": 2, "entry_cost": -0.1}, "entry_cost"),
        ({"potential_entrants": 2, "entry_cost": float("nan")}, "entry_cost"),
        ({"potential_entrants": 2, "entry_cost": 0.1, "auction": "dutch"}, "auction"),
    ],
)
def test_entry_study_refuses_bad_arguments(kwargs, field):
    with pytest.raises(cm.InputError, match=field):
        cm.entry_study("open", **kwargs)
    with pytest.raises(cm.InputError, match="rule"):
        cm.entry_study("auction", potential_entrants=2, entry_cost=0.1)


def _gap_and_noise(ds: xr.Dataset) -> tuple[float, float]:
    """Mean price less long-run average cost, and the Monte Carlo error of the margin."""
    bought = ds.awarded.sum("provider")
    margin = (ds.price * bought - (ds.cost * ds.awarded).sum("provider")).values
    gap = float(ds.mean_price - ds.long_run_average_cost)
    return gap, margin.std(ddof=1) / np.sqrt(margin.size) / float(bought.mean())


@pytest.mark.parametrize("entry_cost", [0.045, 0.012, 0.005])
def test_under_free_entry_the_price_is_the_long_run_average_cost_within_the_derived_gap(
    entry_cost,
):
    # docs/economics.md (Entry, the long run): E[p] - LRAC = (n + 1)(pi(n) - k), which free
    # entry puts in [0, (n + 1)(pi(n) - pi(n + 1))) = [0, 2 / ((n + 2)(n + 3))) here: at
    # most 1 / (n + 3) of the price, so the gap closes as entry costs fall and n grows
    # (n = 3, 7 and 12 below; each cost lies away from every pi(n), so n is not a knife edge).
    most = 13  # one more than the largest n below: free entry, not the cap, stops entry
    ds = cm.entry_study("open", potential_entrants=most, entry_cost=entry_cost, draws=40_000)
    n = int(ds.n_entrants)
    assert n < most
    assert n == free_entry_number(
        _profit("open", "first_price", np.arange(1, most + 1)), entry_cost
    )
    gap, noise = _gap_and_noise(ds)
    exact = 1 / (n + 2) - (n + 1) * entry_cost
    assert gap == pytest.approx(exact, abs=4 * noise + 1e-4)
    assert -4 * noise <= gap <= 2 / ((n + 2) * (n + 3)) + 4 * noise
    # The identity holds with the study's own profits too (zero profit at the margin).
    # The holder earns an entrant's profit only on average, hence the profits' own error.
    own, own_se = (float(v.sel(entrants=n)) for v in (ds.entrant_profit, ds.entrant_profit_se))
    assert gap == pytest.approx((n + 1) * (own - entry_cost), abs=4 * (noise + (n + 1) * own_se))


def test_the_long_run_gap_holds_for_lognormal_costs_with_the_studys_own_profits():
    from scipy import stats

    ds = cm.entry_study(
        "open",
        potential_entrants=8,
        entry_cost=0.01,
        cost=stats.lognorm(0.25, scale=0.6),
        draws=40_000,
        seed=3,
    )
    n = int(ds.n_entrants)
    assert 1 <= n < 8
    profit, se = ds.entrant_profit.values, ds.entrant_profit_se.values
    gap, noise = _gap_and_noise(ds)
    slack = 4 * (noise + (n + 1) * max(se[n], se[n + 1]))
    assert gap == pytest.approx((n + 1) * (profit[n] - 0.01), abs=slack)
    assert -slack <= gap <= (n + 1) * (profit[n] - profit[n + 1]) + slack
