"""Bad input refused cleanly, one test per class of the hardening issue that broke before.

Class 1 (values that validate but cannot be right) is in ``tests/scenario``; stores
(classes 4 and 5) in ``tests/experiments/test_store.py``; killed sweeps (class 6) in
``tests/experiments/test_faults.py``; chunking (class 9) in ``tests/results``.
"""

import time

import numpy as np
import pytest

import computemarket as cm
from computemarket.cli import commands, main

SECRET = "hunter2-TOKEN-98765"


@pytest.fixture
def files(tmp_path):
    """Hostile files: deep nesting, non-UTF-8 text, a folder, secrets in unknown keys."""
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 2000 + "]" * 2000 + "\n")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b'name = "\xff\xfe"\n')
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    secret = tmp_path / "secret.toml"
    secret.write_text(f'api_token = "{SECRET}"\n[buyer]\npassword = "{SECRET}"\n')
    return {"deep": deep, "binary": binary, "folder": folder, "secret": secret}


def _sweep_file(tmp_path, base, extra=""):
    path = tmp_path / "sweep.toml"
    path.write_text(
        f'[sweep]\nbase = "{base}"\npaths = 2\n{extra}[design]\nkind = "grid"\n'
        '[[axes]]\npath = "contract.window_months"\nvalues = [0, 3]\n'
    )
    return path


@pytest.mark.parametrize("kind", ["deep", "binary", "folder"])
@pytest.mark.parametrize("command", ["validate", "run", "sweep"])
def test_unreadable_files_exit_2_with_the_file_named(files, tmp_path, capsys, kind, command):
    out = tmp_path / "out"
    argv = [command, str(files[kind])] + ([] if command == "validate" else ["--out", str(out)])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and files[kind].name in err
    assert "Traceback" not in err
    assert not out.exists()


def test_a_sweep_whose_base_is_unreadable_exits_2(files, tmp_path, capsys):
    path = _sweep_file(tmp_path, files["deep"])
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "deeper than 16 levels" in capsys.readouterr().err


def test_deep_mappings_are_refused_not_recursed(tmp_path):
    deep: object = 1.0
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(cm.ScenarioError, match="deeper than 16 levels"):
        cm.Scenario.from_dict({"name": deep})


def test_values_of_unknown_keys_are_never_echoed(files, tmp_path, capsys):
    assert main(["validate", str(files["secret"])]) == 2
    path = _sweep_file(tmp_path, files["secret"], extra=f'token = "{SECRET}"\n')
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "api_token: unknown key" in err and "buyer.password: unknown key" in err
    assert "sweep.token: unknown key" in err
    assert SECRET not in err


def test_an_output_inside_a_file_is_refused_before_any_work(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("mine")
    start = time.perf_counter()
    assert main(["run", "--paths", "100000", "--out", str(blocker / "sub")]) == 2
    assert time.perf_counter() - start < 5
    assert "lies inside a file" in capsys.readouterr().err
    assert blocker.read_text() == "mine"


def test_an_unreachable_scheduler_is_refused_cleanly(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(commands, "SCHEDULER_TIMEOUT", 1)
    path = _sweep_file(tmp_path, "baseline")
    argv = ["sweep", str(path), "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--scheduler = 'tcp://127.0.0.1:1': cannot be reached" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("call", "phrase"),
    [
        (lambda: cm.load_scenario("baseline").with_updates({3: 0.1}), "parameter paths are dotted"),
        (lambda: cm.load_scenario("baseline").with_updates([("a", 1)]), "updates = 'list'"),
        (lambda: cm.summarize({}), "ds = 'dict'"),
        (lambda: cm.summarize(5), "ds = 'int'"),
        (
            lambda: cm.simulate(paths=2, demand=np.ones((2, 120)) * (1 + 1j)),
            "demand = 'array of complex128': must be real numbers",
        ),
        (
            lambda: cm.simulate(paths=2, demand=np.full((2, 120), 1e308)),
            r"demand\[0, 0\] = 1e\+308: must be finite, >= 0 and at most",
        ),
    ],
    ids=["int-key", "not-a-mapping", "summarize-dict", "summarize-int", "complex", "huge"],
)
def test_python_calls_get_the_package_errors(call, phrase):
    with pytest.raises(cm.ComputeMarketError, match=phrase):
        call()


@pytest.mark.parametrize("function", [cm.simulate, cm.simulate_summary])
def test_sizes_are_checked_before_anything_is_allocated(function):
    start = time.perf_counter()
    with pytest.raises(cm.InputError, match=r"paths = 1000000000000: would need about .* fit"):
        function(paths=10**12)
    assert time.perf_counter() - start < 5


def test_a_huge_grid_is_refused_unmade(tmp_path, capsys):
    axes = "".join(
        f'[[axes]]\npath = "{p}"\nvalues = {[round(0.1 + i / 100, 2) for i in range(32)]}\n'
        for p in (
            "demand.volatility",
            "buyer.safety_margin",
            "providers.azure.markup",
            "providers.oracle.markup",
            "providers.stargate.markup",
            "providers.azure.cost_spread",
        )
    )
    path = tmp_path / "huge.toml"
    path.write_text('[design]\nkind = "grid"\n' + axes)  # 32**6: about 10**9 points
    start = time.perf_counter()
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    assert time.perf_counter() - start < 10
    err = capsys.readouterr().err
    assert "design = '1,073,741,824 points': a sweep has at most 1,000,000 points" in err


@pytest.mark.parametrize(
    ("options", "phrase"),
    [
        ({"reserve_price": True}, "reserve_price = True: must be a finite number > 0.0"),
        ({"quantity": "1"}, "quantity = '1': must be a finite number > 0.0"),
        ({"holder_available": 1.5}, "holder_available = 1.5: must be a finite number >= 0.0"),
        ({"draws": 10**12}, "draws = 1000000000000: must be at most 100,000,000"),
    ],
)
def test_tender_study_checks_its_numbers_by_one_rule(options, phrase):
    with pytest.raises(cm.InputError, match=phrase.replace("(", r"\(").replace(".", r"\.")):
        cm.tender_study("rofr", **options)


def test_tender_study_takes_numpy_reals():
    plain = cm.tender_study("rofr", reserve_price=1.0, quantity=1.5, capacity=[1, 1], draws=500)
    numpy = cm.tender_study(
        "rofr", reserve_price=np.float32(1.0), quantity=np.float64(1.5), capacity=[1, 1], draws=500
    )
    assert plain.price.identical(numpy.price)


@pytest.mark.parametrize(
    ("call", "phrase"),
    [
        (
            lambda: cm.load_scenario("baseline").with_updates(
                {"providers.oracle.cost": {"distribution": "gamma", "a": 10**400}}
            ),
            "must be finite",
        ),
        (
            lambda: cm.load_scenario("baseline").with_updates(
                {"providers.oracle.cost": __import__("scipy").stats.norm(loc=[11.0, 12.0])}
            ),
            "scalar, real parameters",
        ),
        (lambda: cm.tender_study("open", reserve_price=10**400), "must be a finite number"),
        (lambda: cm.load_sweep("a\0b.toml"), "not a usable file name"),
    ],
    ids=["huge-parameter", "array-parameter", "huge-reserve", "nul-in-path"],
)
def test_new_inputs_are_refused_cleanly(call, phrase):
    with pytest.raises(cm.ComputeMarketError, match=phrase):
        call()


def test_a_cost_table_is_not_echoed_with_what_it_holds():
    with pytest.raises(cm.ScenarioError) as info:
        cm.load_scenario("baseline").with_updates(
            {"providers.oracle.cost": {"distribution": "gamma", "api_token": SECRET}}
        )
    assert "providers[1].cost:" in str(info.value) and SECRET not in str(info.value)
