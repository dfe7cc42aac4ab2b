"""Integers from NumPy scalars and whole-number floats, by one rule everywhere."""

import numpy as np
import pytest

import computemarket as cm


@pytest.mark.parametrize("value", [np.int64(6), np.int32(6), 6.0, np.float64(6.0), 6])
def test_integer_fields_take_numpy_integers_and_whole_floats(value):
    sc = cm.load_scenario("baseline").with_updates({"contract.window_months": value})
    assert sc.contract.window_months == 6 and type(sc.contract.window_months) is int
    assert sc == cm.load_scenario("baseline").with_updates({"contract.window_months": 6})


@pytest.mark.parametrize("value", [6.5, True, "6", float("nan"), float("inf")])
def test_integer_fields_refuse_fractions_booleans_and_text(value):
    with pytest.raises(cm.ScenarioError, match=r"contract\.window_months"):
        cm.load_scenario("baseline").with_updates({"contract.window_months": value})


def test_simulate_and_compare_read_integers_the_same_way():
    a = cm.simulate(paths=np.int64(3), seed=np.int64(5), chunk_paths=2.0, workers=np.int8(1))
    b = cm.simulate(paths=3, seed=5, chunk_paths=2, workers=1)
    assert a.identical(b)
    c = cm.compare(paths=np.int64(4), seed=6.0, rules=["open"])
    assert c.attrs["paths"] == 4 and c.attrs["seed"] == 6
    with pytest.raises(cm.InputError, match=r"paths = 2\.5"):
        cm.simulate(paths=2.5)
    lab = cm.tender_study("open", outsiders=np.int64(2), draws=100.0, seed=np.uint8(1))
    assert lab.sizes["draw"] == 100 and lab.sizes["provider"] == 3


def test_sweep_files_take_whole_floats_for_integer_parameters(tmp_path):
    file = tmp_path / "floats.toml"
    file.write_text(
        '[sweep]\npaths = 5.0\n[design]\nkind = "grid"\n'
        '[[axes]]\npath = "contract.window_months"\nvalues = [0.0, 3.0, 6.0]\n'
    )
    spec = cm.load_sweep(file)
    assert spec.settings.paths == 5
    assert [spec.scenario(p).contract.window_months for p in spec.points] == [0, 3, 6]
