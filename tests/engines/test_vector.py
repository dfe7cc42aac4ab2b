"""The vectorized engine equals the discrete-event engine; chunking and threads change nothing."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import computemarket as cm
from computemarket.testing import assert_results_equal, scenarios


def _both(sc, **kwargs):
    return cm.simulate(sc, engine="vector", **kwargs), cm.simulate(sc, engine="des", **kwargs)


@given(scenarios(), st.integers(1, 5))
def test_vector_engine_equals_the_des_on_random_scenarios(sc, paths):
    # The issue asks for 1e-9; the engines share every operation, so we hold them to
    # bit-for-bit equality (docs/model.md, "Exact agreement").
    vector, des = _both(sc, paths=paths, seed=sc.run.seed)
    assert_results_equal(vector, des)


@settings(max_examples=10)
@given(scenarios(min_providers=9, max_providers=12, max_months=24))
def test_equal_with_many_providers(sc):
    vector, des = _both(sc, paths=3, seed=1)
    assert_results_equal(vector, des)


@pytest.mark.parametrize(
    "updates",
    [
        {"contract.window_months": 0},
        {"contract.window_months": 18},  # equal to the lead time
        {
            "providers.azure.capacity": [{"date": "2025-01", "gw": 0.0}],
            "providers.oracle.capacity": [{"date": "2025-01", "gw": 0.0}],
            "providers.stargate.capacity": [{"date": "2025-01", "gw": 0.0}],
        },  # no headroom
        {"demand.growth_initial": 0.0, "demand.growth_long_run": 0.0},  # zero growth
        {"demand.volatility": 3.0},  # very high volatility
        {"contract.partial_match": False},
        {"contract.rule": "exclusive"},
        {"contract.rule": "open"},
        {"contract.changes": [{"date": "2025-10", "rule": "open"}]},
        {
            "contract.changes": [
                {"date": "2026-01", "rule": "rofr", "window_months": 9},
                {"date": "2026-07", "rule": "open"},
            ]
        },
        {"costs.distribution": "uniform"},
    ],
)
def test_vector_engine_equals_the_des_at_the_edges(updates):
    sc = cm.load_scenario("baseline").with_updates(updates)
    vector, des = _both(sc, paths=6, seed=2)
    assert_results_equal(vector, des)


def test_single_provider_and_user_demand():
    sc = cm.load_scenario("open")
    data = sc.to_dict()
    data["providers"] = data["providers"][:1]
    data["initial_contracts"] = [c for c in data["initial_contracts"] if c["provider"] == "azure"]
    single = cm.Scenario.from_dict(data)
    demand = np.linspace(0.5, 9.0, 120)[None, :] * np.array([[1.0], [1.5], [0.2]])
    vector, des = _both(single, demand=demand, seed=1)
    assert_results_equal(vector, des)


def test_the_baseline_agrees_bit_for_bit():
    vector, des = _both(cm.load_scenario("baseline"), paths=20, seed=9)
    assert_results_equal(vector, des)  # zero tolerance


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_months=36), st.integers(1, 150), st.integers(1, 40), st.integers(1, 3))
def test_results_do_not_depend_on_chunks_or_workers(sc, paths, chunk, workers):
    whole = cm.simulate(sc, paths=paths, seed=4)
    split = cm.simulate(sc, paths=paths, seed=4, chunk_paths=chunk, workers=workers)
    assert whole.identical(split)


def test_summary_in_chunks_equals_summary_of_everything():
    full = cm.summarize(cm.simulate(paths=300, seed=8))
    chunked = cm.simulate_summary(paths=300, seed=8, chunk_paths=70, workers=2)
    assert chunked.identical(full)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"chunk_paths": 0}, "chunk_paths"),
        ({"workers": 0}, "workers"),
        ({"chunk_paths": 2.5}, "chunk_paths"),
        ({"workers": True}, "workers"),
    ],
)
def test_bad_chunking_arguments(kwargs, name):
    with pytest.raises(cm.InputError, match=name):
        cm.simulate(paths=2, **kwargs)
