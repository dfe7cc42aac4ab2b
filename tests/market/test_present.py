"""Markets of over MOST_SET_PROVIDERS providers: each tender's game is among those present.

The default market has seven providers, so its strategic tenders have two states, all
needed and "the others". Before, "the others" bid the equilibrium among all seven, so in
2025 Azure, Oracle and CoreWeave shaded their bids against Trainium and Cerebras, which
could not sell until 2027. Now the game is among the providers that can have headroom in
the tender (``states.present``).
"""

import numpy as np

import computemarket as cm
from computemarket.market.equilibria import _rule_bids_among, case_epsilons, rule_key
from computemarket.market.groups import present
from computemarket.market.plan import make_plan
from computemarket.market.quotes import quotes, rule_bids
from computemarket.scenario.rules import OPEN, ROFR
from computemarket.testing import assert_results_equal

SCENARIO = cm.load_scenario("history").with_updates({"bidding.mode": "strategic"})


def test_providers_without_capacity_or_bids_are_not_present():
    plan = make_plan(SCENARIO)
    sets = present(plan.ceiling, plan.tender_start, plan.tender_month, plan.bids_from)
    trainium = plan.providers.index("aws_trainium")
    for k, taking in enumerate(sets):
        start = min(int(plan.tender_start[k]), plan.months - 1)
        for p in range(plan.n_providers):
            can = plan.ceiling[p, start] > 0 and plan.tender_month[k] >= plan.bids_from[p]
            assert (p in taking) == bool(can)
    # The 2025 tenders leave Trainium out; the later ones have every provider.
    assert trainium not in sets[0] and sets[-1] == tuple(range(plan.n_providers))


def test_state_zero_quotes_are_the_game_among_the_present():
    plan = make_plan(SCENARIO)
    sets = present(plan.ceiling, plan.tender_start, plan.tender_month, plan.bids_from)
    k = 0  # the first tender: under the right, Trainium and others absent
    taking = sets[k]
    assert int(plan.tender_rule[k]) == ROFR and len(taking) < plan.n_providers
    cost = np.full((1, plan.n_tenders, plan.n_providers), 9.0)
    bids, _ = quotes(plan, cost)
    among = _rule_bids_among(rule_key(plan, ROFR), taking)
    inner = taking.index(plan.holder)
    expected = among(cost[:, k][:, list(taking)], inner, plan.reserve_price)
    np.testing.assert_array_equal(bids[:, k, list(taking), 0], expected)
    # Not the seven-provider game: against fewer rivals an outsider bids higher.
    full = rule_bids(plan, ROFR)(cost[:, k], plan.holder, plan.reserve_price)
    outsider = next(p for p in taking if p != plan.holder)
    assert bids[0, k, outsider, 0] > full[0, outsider]


def test_runs_take_the_present_providers_headroom_only():
    ds = cm.simulate(SCENARIO, paths=16, seed=3)
    plan = make_plan(SCENARIO)
    sets = present(plan.ceiling, plan.tender_start, plan.tender_month, plan.bids_from)
    headroom = ds.headroom.transpose("tender", "provider", "path").values  # after the award
    for k, taking in enumerate(sets):
        absent = [p for p in range(plan.n_providers) if p not in taking]
        assert np.all(headroom[k][absent] == 0.0)
    # The largest gain covers every set present under the rule.
    assert case_epsilons(plan, OPEN)["slack"] >= rule_bids(plan, OPEN).epsilon


def test_three_engines_agree_on_the_default_market_with_grid_bids():
    # The grid is the default method; its quotes come before the engines, which advance
    # time alone. The games are those of the test above, solved once in this test run.
    assert make_plan(SCENARIO).equilibrium == "grid"
    vector = cm.simulate(SCENARIO, paths=16, seed=3)
    for engine in ("des", "compiled"):
        other = cm.simulate(SCENARIO, paths=16, seed=3, engine=engine)
        assert_results_equal(other, vector.assign_attrs(engine=engine))
