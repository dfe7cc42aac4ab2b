"""The Numba reference kernel in benchmarks/ gives the vectorized engine's numbers exactly."""

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings

import computemarket as cm
from computemarket import core
from computemarket.draws import draw
from computemarket.inputs import prepare
from computemarket.plan import make_plan
from computemarket.testing import scenarios

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import numba_engine


def _compare(scenario, paths, seed, threads=1):
    plan = make_plan(scenario)
    inputs = prepare(plan, draw(plan, paths, seed))
    compiled = numba_engine.run(inputs, threads=threads)
    vector = core.run(inputs)
    for name, values in vector.arrays.items():
        np.testing.assert_array_equal(compiled.arrays[name], values, err_msg=name)


@pytest.mark.parametrize("name", ["baseline", "exclusive", "open", "with_aws"])
def test_shipped_scenarios(name):
    _compare(cm.load_scenario(name), paths=150, seed=3, threads=2)


@settings(max_examples=25)
@given(scenarios(rules=("exclusive", "rofr", "open"), auctions=("first_price",)))
def test_random_scenarios(sc):
    # The compiled kernel covers cost-plus, first-price bidding under these three rules:
    # the configurations the benchmarks time.
    _compare(sc, paths=3, seed=sc.run.seed)
