"""The compiled engine gives the vectorized engine's numbers exactly."""

import numpy as np
import pytest
from hypothesis import given

import computemarket as cm
from computemarket.engines import compiled
from computemarket.engines import vector as core
from computemarket.market.draws import draw
from computemarket.market.inputs import prepare
from computemarket.market.plan import make_plan
from computemarket.testing import assert_results_equal, scenarios

SHIPPED = [
    "baseline",
    "exclusive",
    "history",
    "history_investment",
    "investment",
    "open",
    "with_aws",
]


def _compare(scenario, paths, seed):
    plan = make_plan(scenario)
    inputs = prepare(plan, draw(plan, paths, seed))
    fast = compiled.run(inputs)
    vector = core.run(inputs)
    for name, values in vector.arrays.items():
        np.testing.assert_array_equal(fast.arrays[name], values, err_msg=name)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios(name):
    _compare(cm.load_scenario(name), paths=150, seed=3)


@given(scenarios())
def test_random_scenarios_every_rule_and_payment_rule(sc):
    # 40 examples in CI, 1,000 under HYPOTHESIS_PROFILE=thorough.
    _compare(sc, paths=3, seed=sc.run.seed)


def test_simulate_with_chunks_and_threads_matches_the_vectorized_engine():
    vector = cm.simulate("baseline", paths=300, seed=5)
    fast = cm.simulate("baseline", paths=300, seed=5, engine="compiled", chunk_paths=64, workers=2)
    assert_results_equal(fast, vector.assign_attrs(engine="compiled"))
    summary = cm.simulate_summary("open", paths=200, seed=2, engine="compiled")
    assert summary.identical(
        cm.simulate_summary("open", paths=200, seed=2).assign_attrs(engine="compiled")
    )


def test_missing_numba_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(compiled, "available", lambda: False)
    with pytest.raises(cm.InputError, match="Numba"):
        cm.simulate(paths=2, engine="compiled")
