"""Equilibrium solutions kept on disk: another process reads them, bit for bit."""

import os
import subprocess
import sys

import numpy as np
import pytest

import computemarket as cm
from computemarket.market import equilibria, quotes, solutions
from computemarket.market.plan import make_plan

SOLVE = """
import sys
import numpy as np
import computemarket as cm
from computemarket.market import equilibria, quotes, solutions
from computemarket.market.plan import make_plan
plan = make_plan(cm.load_scenario("open").with_updates({"bidding.mode": "strategic"}))
key_known = solutions.is_cached(equilibria._solve, equilibria.rule_key(plan, 2))
bids = quotes.rule_bids(plan, 2)
np.save(sys.argv[1], bids.table.bids)
print("cached-before" if key_known else "solved")
"""


def _run(tmp_path, cache, name):
    script = tmp_path / "solve.py"
    script.write_text(SOLVE)
    env = {**os.environ, "COMPUTEMARKET_CACHE": str(cache)}
    out = tmp_path / f"{name}.npy"
    proc = subprocess.run(
        [sys.executable, str(script), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip(), np.load(out)


def test_a_second_process_reads_the_solution_bit_for_bit(tmp_path):
    cache = tmp_path / "cache"
    first, bids = _run(tmp_path, cache, "first")
    second, again = _run(tmp_path, cache, "second")
    assert (first, second) == ("solved", "cached-before")
    assert np.array_equal(bids, again)
    assert any(cache.rglob("*.pkl"))


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("COMPUTEMARKET_CACHE", "off")
    assert solutions.cache_folder() is None
    plan = make_plan(cm.load_scenario("open").with_updates({"bidding.mode": "strategic"}))
    equilibria._rule_bids.cache_clear()
    assert quotes.rule_bids(plan, 2).epsilon >= 0.0
    # Nothing was written anywhere: pointing the cache at a folder finds it empty.
    monkeypatch.setenv("COMPUTEMARKET_CACHE", str(folder))
    assert not solutions.is_cached(equilibria._solve, equilibria.rule_key(plan, 2))
    assert not any(folder.rglob("*.pkl"))


def test_a_changed_solver_does_not_read_old_solutions(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPUTEMARKET_CACHE", str(tmp_path / "cache"))
    plan = make_plan(cm.load_scenario("open").with_updates({"bidding.mode": "strategic"}))
    key = equilibria.rule_key(plan, 2)
    solutions.cached(equilibria._solve, key)
    assert solutions.is_cached(equilibria._solve, key)
    monkeypatch.setattr(solutions, "solver_digest", lambda: "another solver")
    assert not solutions.is_cached(equilibria._solve, key)


def test_an_unwritable_cache_folder_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COMPUTEMARKET_CACHE", str(blocker / "cache"))
    plan = make_plan(cm.load_scenario("open").with_updates({"bidding.mode": "strategic"}))
    equilibria._rule_bids.cache_clear()
    assert quotes.rule_bids(plan, 2).epsilon >= 0.0


def test_a_registered_distribution_is_keyed_by_what_it_is(monkeypatch, tmp_path):
    from scipy import stats

    from computemarket.scenario.registry import register

    monkeypatch.setenv("COMPUTEMARKET_CACHE", str(tmp_path / "cache"))
    keys = []
    for scale in (0.72, 1.2):
        register("cost", "mine_for_keys", stats.gamma(16.0, scale=scale))
        scenario = cm.load_scenario("open").with_updates(
            {
                "bidding.mode": "strategic",
                "providers.oracle.cost": {"distribution": "mine_for_keys"},
            }
        )
        keys.append(equilibria.rule_key(make_plan(scenario), 2))
    assert keys[0] != keys[1]


def test_snapped_games_solved_in_worker_processes_equal_those_solved_here(monkeypatch):
    # The baseline's holder and first outsider: 9 snapped games per rule, rofr and open.
    data = cm.load_scenario("baseline").to_dict()
    data["providers"] = data["providers"][:2]
    data["bidding"] = dict(data.get("bidding", {}), mode="strategic", intermediate="snapped")
    plan = make_plan(cm.Scenario.from_dict(data))
    monkeypatch.setenv("COMPUTEMARKET_CACHE", "off")
    solved = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("COMPUTEMARKET_SOLVE_JOBS", jobs)
        equilibria._SNAPPED.clear()
        equilibria._solve_snapped(plan, np.unique(plan.tender_rule))
        solved[jobs] = dict(equilibria._SNAPPED)
    assert len(solved["2"]) >= solutions.MIN_PARALLEL
    assert solved["1"].keys() == solved["2"].keys()
    for index, here in solved["1"].items():
        there = solved["2"][index]
        assert np.array_equal(here.table.bids, there.table.bids)
        assert here.epsilon == there.epsilon


def test_a_bad_number_of_solve_jobs_is_refused_by_name(monkeypatch):
    for bad in ("0", "two", "-3"):
        monkeypatch.setenv("COMPUTEMARKET_SOLVE_JOBS", bad)
        with pytest.raises(ValueError, match=f"COMPUTEMARKET_SOLVE_JOBS='{bad}'.*at least 1"):
            solutions.solve_jobs()


def test_worker_processes_use_the_parents_cache_folder_of_the_moment(tmp_path, monkeypatch):
    # joblib keeps its workers, and they keep the environment they started with: the
    # folder must travel with each call, or a later folder (or "off") would not reach them.
    import math

    monkeypatch.setenv("COMPUTEMARKET_SOLVE_JOBS", "2")
    calls = [(float(i), 1.0) for i in range(solutions.MIN_PARALLEL)]
    for name in ("first", "second"):
        monkeypatch.setenv("COMPUTEMARKET_CACHE", str(tmp_path / name))
        assert solutions.cached_map(math.hypot, calls) == [math.hypot(*c) for c in calls]
        assert any((tmp_path / name).rglob("*.pkl"))
    monkeypatch.setenv("COMPUTEMARKET_CACHE", "off")
    more = [(float(i), 2.0) for i in range(solutions.MIN_PARALLEL)]
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    solutions.cached_map(math.hypot, more)
    assert {p for p in tmp_path.rglob("*") if p.is_file()} == before


def test_a_pool_worker_solves_in_itself_unless_told_otherwise(monkeypatch):
    import multiprocessing

    monkeypatch.delenv("COMPUTEMARKET_SOLVE_JOBS", raising=False)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(solutions.solve_jobs) == 1
