"""The fuzz suite: generated malformed files through ``validate``, ``run`` and ``sweep``.

Three kinds of generated input:

- malformed TOML text: the shipped scenarios and sweep files with bytes cut, inserted or
  repeated, and random TOML-like text;
- mutations of the shipped scenarios: one field (or a whole table) set to a hostile value
  (infinities, NaN, huge or negative numbers, wrong types, nested lists, far dates);
- mutations of the shipped sweep files, the same way.

Every case must end with exit 0 or 2. Exit 2 means: a message on standard error that
starts with ``error:``, names the file, names a field (or says what is wrong with the
whole file), carries no traceback, and leaves no output behind. Exit 0 from ``run`` means
finite results. Cases run in this process through :func:`computemarket.cli.main` (fast);
``test_generated_cases_in_a_subprocess`` runs a few through the real command line.
The default profile tries a few dozen cases per test; ``HYPOTHESIS_PROFILE=thorough``
many more.
"""

import contextlib
import copy
import io
import math
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import tomli_w
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from computemarket.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.toml"))
THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
FUNCTION = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

HOSTILE = st.one_of(
    st.sampled_from([math.inf, -math.inf, math.nan, -1, 0, -0.5, 10**30, 2**70, 1e308, -(10**12)]),
    st.sampled_from(["", "2325-01", "1700-01", "x" * 500, "open", "../../etc", "2025-13"]),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(-5, 5), max_size=3),
    st.just({"nested": {"deeper": [1, 2]}}),
    st.recursive(
        st.integers(), lambda inner: st.lists(inner, min_size=1, max_size=2), max_leaves=9
    ),
)


def _run_cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue()


def _assert_clean_refusal(code: int, err: str, file: Path, out: Path | None = None) -> None:
    assert code in (0, 2), (code, err)
    if code == 2:
        assert err.startswith("error: "), err
        assert "Traceback" not in err, err
        assert file.name in err or "--" in err, err  # the file, or the option at fault
        assert "=" in err or ": " in err.split("\n", 1)[-1] or "problem" in err, err
        if out is not None:
            assert not out.exists(), f"output left behind: {list(out.rglob('*'))}"


def _with_absolute_base(file: Path, folder: Path | None = None) -> str:
    """A sweep file's text with its base named by absolute path, to read from elsewhere."""
    text = file.read_text(errors="replace")
    for name in ("baseline.toml", "../baseline.toml"):
        here = (folder or file.parent) / name
        if here.exists():
            text = text.replace(f'"{name}"', f'"{here.resolve()}"')
    return text


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path into nested tables and lists."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            found.append((*prefix, key))
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.append((*prefix, i))
            found.extend(_paths(value, (*prefix, i)))
    return found


def _mutate(data: dict, path: tuple, value: object) -> dict:
    target = data
    for key in path[:-1]:
        target = target[key]
    if isinstance(target, dict) and path[-1] not in target:
        raise KeyError(path[-1])  # an earlier mutation replaced the table this was in
    target[path[-1]] = value
    return data


COST_TABLES = st.fixed_dictionaries(
    {"distribution": st.sampled_from(["gamma", "norm", "uniform", "lognorm", "poisson", "x"])},
    optional={
        "a": HOSTILE,
        "s": HOSTILE,
        "loc": HOSTILE,
        "scale": HOSTILE,
        "api_token": st.just("never-shown"),
    },
)


def _new_inputs(data: dict, draw) -> None:
    """Add what the shipped files do not hold: a provider's cost table, a forecaster."""
    if "providers" in data and draw(st.booleans()):
        # A list of providers, or in an overlay a table of them by name.
        keys = list(data["providers"]) if isinstance(data["providers"], dict) else None
        provider = draw(
            st.sampled_from(keys) if keys else st.integers(0, len(data["providers"]) - 1)
        )
        data["providers"][provider]["cost"] = copy.deepcopy(draw(COST_TABLES))
    if "buyer" in data and draw(st.booleans()):
        data["buyer"]["forecast"] = draw(
            st.one_of(st.sampled_from(["auto", "paths", "x"]), HOSTILE)
        )


def _mutated_file(tmp_path: Path, source: Path, draw, name: str) -> Path:
    data = tomllib.loads(source.read_text())
    _new_inputs(data, draw)
    paths = _paths(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        try:
            _mutate(data, path, copy.deepcopy(draw(HOSTILE)))
        except (KeyError, IndexError, TypeError):
            pass  # the path went away with an earlier mutation
    file = tmp_path / name
    file.write_text(tomli_w.dumps(data))
    return file


@FUNCTION
@given(data=st.data())
def test_mutated_scenarios_are_refused_or_run_finite(tmp_path_factory, data):
    tmp_path = tmp_path_factory.mktemp("fuzz")
    source = data.draw(st.sampled_from(SCENARIOS))
    file = _mutated_file(tmp_path, source, data.draw, "mutant.toml")
    code, err = _run_cli(["validate", str(file)])
    _assert_clean_refusal(code, err, file)
    out = tmp_path / "out"
    argv = ["run", str(file), "--paths", "3", "--no-plots", "--out", str(out)]
    run_code, run_err = _run_cli(argv)
    assert "never-shown" not in err + run_err
    _assert_clean_refusal(run_code, run_err, file, out)
    assert run_code == code, (err, run_err)
    if run_code == 0:
        results = xr.load_dataset(out / "results.nc", engine="h5netcdf")
        for name, var in results.data_vars.items():
            if var.dtype.kind == "f":
                assert not np.isinf(var.values).any(), name


@FUNCTION
@given(data=st.data())
def test_malformed_text_is_refused_cleanly(tmp_path_factory, data):
    tmp_path = tmp_path_factory.mktemp("fuzz")
    source = data.draw(st.sampled_from(SCENARIOS + SWEEPS))
    text = _with_absolute_base(source).encode()
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["cut", "insert", "repeat"]))
        if action == "cut":
            text = text[:at] + text[at + data.draw(st.integers(1, 40)) :]
        elif action == "insert":
            text = text[:at] + data.draw(st.binary(min_size=1, max_size=8)) + text[at:]
        else:
            text = text[:at] + text[at : at + 60] * 2 + text[at + 60 :]
    if data.draw(st.booleans()):
        text = data.draw(st.text(alphabet='[]{}=".,#\n abc0123456789-', max_size=200)).encode()
    file = tmp_path / "malformed.toml"
    file.write_bytes(text)
    command = "sweep" if source in SWEEPS else "validate"
    out = tmp_path / "out"
    argv = [command, str(file)] + (["--out", str(out)] if command == "sweep" else [])
    if command == "sweep":
        # A sweep file that happens to stay valid would run: only check refusals.
        try:
            from computemarket import load_sweep

            load_sweep(file)
            return
        except Exception:  # any refusal is checked through the command line below
            pass
    code, err = _run_cli(argv)
    _assert_clean_refusal(code, err, file, out if command == "sweep" else None)


@FUNCTION
@given(data=st.data())
def test_mutated_sweep_files_are_refused_before_any_work(tmp_path_factory, data):
    tmp_path = tmp_path_factory.mktemp("fuzz")
    source = data.draw(st.sampled_from(SWEEPS))
    file = _mutated_file(tmp_path, source, data.draw, "mutant.toml")
    file.write_text(_with_absolute_base(file, source.parent))
    from computemarket import ComputeMarketError, load_sweep

    try:
        load_sweep(file)
        return  # still valid: a real sweep, not this suite's business
    except ComputeMarketError:
        pass
    out = tmp_path / "out"
    code, err = _run_cli(["sweep", str(file), "--out", str(out)])
    assert code == 2, err
    _assert_clean_refusal(code, err, file, out)


def test_generated_cases_in_a_subprocess(tmp_path):
    """A few generated cases through the real command line: exit 2, no traceback."""
    rng = np.random.default_rng(14)
    text = (ROOT / "scenarios" / "baseline.toml").read_bytes()
    cases = [b"x = " + b"[" * 3000 + b"]" * 3000, b"\xff\xfe\x00garbage", b"[[providers]]\n"]
    lines = text.split(b"\n")
    settings_lines = [i for i, line in enumerate(lines) if line and not line.startswith(b"#")]
    for at in rng.choice(settings_lines, size=2, replace=False):
        cases.append(b"\n".join([*lines[:at], b"=[{" + lines[at], *lines[at + 1 :]]))
    for i, case in enumerate(cases):
        file = tmp_path / f"case{i}.toml"
        file.write_bytes(case)
        out = tmp_path / f"out{i}"
        for argv in (["validate", str(file)], ["run", str(file), "--out", str(out)]):
            proc = subprocess.run(
                [sys.executable, "-m", "computemarket", *argv],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert proc.returncode == 2, (case[:40], proc.stderr)
            assert "Traceback" not in proc.stderr and proc.stderr.startswith("error: ")
            assert not out.exists()


ARGUMENTS = st.one_of(HOSTILE, st.sampled_from(["vector", "des", "compiled", "auto", None]))


@settings(max_examples=40 if not THOROUGH else 400, deadline=None)
@given(
    options=st.dictionaries(
        st.sampled_from(["paths", "seed", "engine", "chunk_paths", "workers"]),
        ARGUMENTS,
        min_size=1,
    )
)
def test_api_arguments_are_refused_cleanly(options):
    """``simulate_summary`` with hostile arguments: it runs, or raises the package's error."""
    from computemarket import ComputeMarketError, simulate_summary

    options.setdefault("paths", 2)
    if isinstance(options["paths"], int) and not isinstance(options["paths"], bool):
        options["paths"] = min(options["paths"], 4) if options["paths"] > 0 else options["paths"]
    try:
        simulate_summary("open", **options)
    except ComputeMarketError:
        pass
