"""Bidding plug-ins: registered by name, used by every engine, checked, found by workers."""

import subprocess
import sys

import numpy as np
import pytest

import computemarket as cm


class Undercut:
    """Oracle quotes a tenth of its cost; the others quote cost plus markup."""

    def quotes(self, request):
        bids = request.cost * (1.0 + request.markup)
        oracle = request.providers.index("oracle")
        bids[..., oracle] = request.cost[..., oracle] * 0.1
        return bids


class Broken:
    def quotes(self, request):
        return np.full(request.cost.shape[:-1], np.nan)


cm.register_bidding("undercut", Undercut())
cm.register_bidding("broken", Broken())


def test_a_plugin_sets_the_quotes_and_wins_the_awards():
    scenario = cm.load_scenario("open").with_updates({"bidding.mode": "undercut"})
    ds = cm.simulate(scenario, paths=20, seed=1)
    oracle = ds.bid.sel(provider="oracle")
    np.testing.assert_allclose(oracle, ds.cost.sel(provider="oracle") * 0.1)
    # The cheapest quote fills first: where Oracle had headroom, it was awarded first.
    room = ds.headroom.sel(provider="oracle")
    quantity = ds.tender_quantity
    expected = np.minimum(room, quantity)
    np.testing.assert_allclose(ds.award.sel(provider="oracle"), expected, atol=1e-9)


@pytest.mark.parametrize("engine", ["compiled", "des"])
def test_every_engine_honours_a_plugin(engine):
    scenario = cm.load_scenario("baseline").with_updates({"bidding.mode": "undercut"})
    vector = cm.simulate(scenario, paths=6, seed=2)
    other = cm.simulate(scenario, paths=6, seed=2, engine=engine)
    assert other.drop_attrs().identical(vector.drop_attrs())


def test_scenario_files_refer_to_plugins_by_name(tmp_path):
    text = cm.load_scenario("baseline").to_toml().replace('mode = "cost_plus"', 'mode = "undercut"')
    path = tmp_path / "mine.toml"
    path.write_text(text)
    assert cm.load_scenario(path).bidding.mode == "undercut"
    path.write_text(text.replace('"undercut"', '"nobody"'))
    with pytest.raises(cm.ScenarioError, match=r"bidding.mode = 'nobody': must be one of"):
        cm.load_scenario(path)


def test_bad_plugins_are_refused():
    scenario = cm.load_scenario("baseline").with_updates({"bidding.mode": "broken"})
    with pytest.raises(cm.InputError, match=r"bidding\.mode = 'broken'"):
        cm.simulate(scenario, paths=2)
    with pytest.raises(cm.InputError, match="quotes"):
        cm.register_bidding("nothing", object())
    with pytest.raises(cm.InputError, match="built-in"):
        cm.register_bidding("strategic", Undercut())


def test_process_pool_workers_find_a_plugin_registered_at_the_top_level(tmp_path):
    script = tmp_path / "plugin_sweep.py"
    script.write_text(
        "import numpy as np\n"
        "import computemarket as cm\n"
        "class Flat:\n"
        "    def quotes(self, request):\n"
        "        return np.full(request.cost.shape, 14.0)\n"
        "cm.register_bidding('flat', Flat())\n"
        "if __name__ == '__main__':\n"
        "    spec = {'sweep': {'paths': 5, 'base': cm.load_scenario('baseline').with_updates(\n"
        "            {'bidding.mode': 'flat'})}, 'design': {'kind': 'grid'},\n"
        "            'axes': [{'path': 'contract.window_months', 'values': [0, 3]}]}\n"
        "    result = cm.sweep(spec, executor='processes', workers=2, engine='vector')\n"
        "    assert int(result.failed.sum()) == 0, result.error.values\n"
        "    print('ok')\n"
    )
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr[-2000:]


class AtCostGrid(cm.GridBidding):
    """Bids its cost at every quantile: truthful, which pay-as-bid does not reward."""

    def bid_grid(self, rule, request):
        return request.cost_grid.copy()


class Truncated(cm.GridBidding):
    def bid_grid(self, rule, request):
        return request.cost_grid[:, :10]


cm.register_bidding("at_cost_grid", AtCostGrid())
cm.register_bidding("truncated", Truncated())


def test_a_strategic_plugin_is_interpolated_and_checked_by_the_package():
    open_market = cm.load_scenario("open")
    plugin = cm.simulate(open_market.with_updates({"bidding.mode": "at_cost_grid"}), paths=10)
    np.testing.assert_allclose(plugin.bid, plugin.cost, rtol=1e-6)
    # A plug-in bids in the single-unit game of each set of takers; so does the package
    # with taker-set intermediate bids (snapped states add their own games' gains).
    exact = {
        "bidding.mode": "strategic",
        "bidding.equilibrium": "exact",
        "bidding.intermediate": "taker_set",
    }
    strategic = cm.simulate(open_market.with_updates(exact), paths=10)
    # Bidding one's cost leaves money on the table; the package's equilibrium does not.
    assert plugin.attrs["strategic_epsilon"] > 50 * strategic.attrs["strategic_epsilon"]
    assert plugin.attrs["strategic_epsilon"] > 0.05
    compiled = cm.simulate(
        open_market.with_updates({"bidding.mode": "at_cost_grid"}), paths=10, engine="compiled"
    )
    assert compiled.drop_attrs().identical(plugin.drop_attrs())


def test_a_strategic_plugin_with_a_bad_grid_is_refused():
    scenario = cm.load_scenario("baseline").with_updates({"bidding.mode": "truncated"})
    with pytest.raises(cm.InputError, match=r"Truncated\.bid_grid"):
        cm.simulate(scenario, paths=2)
