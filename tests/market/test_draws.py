import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computemarket.errors import InputError
from computemarket.market.draws import BLOCK_PATHS, draw
from computemarket.market.plan import make_plan
from computemarket.scenario import load_scenario

PLAN = make_plan(load_scenario("baseline"))


@given(st.integers(0, 3 * BLOCK_PATHS), st.integers(1, 2 * BLOCK_PATHS))
def test_a_path_gets_the_same_draws_whatever_runs_beside_it(first, count):
    whole = draw(PLAN, first + count, seed=7)
    part = draw(PLAN, count, seed=7, first_path=first)
    for name in ("demand", "cost", "lead"):
        assert np.array_equal(getattr(whole, name)[first:], getattr(part, name))


def test_shapes_and_ranges():
    d = draw(PLAN, 10, seed=1)
    assert d.demand.shape == (10, PLAN.months - 1)
    assert d.cost.shape == (10, PLAN.n_tenders, PLAN.n_providers)
    assert (d.cost > 0).all() and (d.cost < 1).all()
    assert (d.lead > 0).all() and (d.lead < 1).all()
    assert abs(d.demand.mean()) < 0.05 and abs(d.demand.std() - 1) < 0.05


def test_purposes_and_seeds_are_independent_streams():
    a, b = draw(PLAN, 64, seed=1), draw(PLAN, 64, seed=2)
    assert not np.array_equal(a.cost, b.cost)
    assert not np.array_equal(a.cost, a.lead)
    assert abs(np.corrcoef(a.cost.ravel(), a.lead.ravel())[0, 1]) < 0.1


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_bad_counts_are_refused(bad):
    with pytest.raises(InputError, match=r"paths = .*whole number >= 0"):
        draw(PLAN, bad, seed=1)
    with pytest.raises(InputError, match="seed"):
        draw(PLAN, 1, seed=bad)
