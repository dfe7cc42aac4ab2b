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
