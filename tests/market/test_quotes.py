"""Quotes computed for a scenario's tenders."""

import numpy as np

import computemarket as cm


def test_cost_plus_quotes_are_exact_in_the_tails():
    from computemarket.market.plan import make_plan
    from computemarket.market.quotes import quotes

    plan = make_plan(cm.load_scenario("baseline"))
    u = np.array([5e-4, 0.5, 0.9995])[:, None, None] * np.ones((1, plan.n_tenders, 3))
    cost = plan.cost_at(u)
    bids, _ = quotes(plan, cost)
    assert bids.shape == (*cost.shape, 1)  # cost plus: one quote whatever the tender state
    np.testing.assert_array_equal(bids[..., 0], cost * (1.0 + plan.markup))


def test_strategic_epsilon_covers_types_in_the_tails():
    """The issue: epsilon checked grid points only and missed the lowest-cost types."""
    import computemarket as cm
    from computemarket.games.quantiles import quantile_grid
    from computemarket.games.winning import deviation_gain
    from computemarket.market.equilibria import TAIL_PROBABILITIES, _cost_grid, rule_bids
    from computemarket.market.plan import make_plan

    scenario = cm.load_scenario("open").with_updates({"bidding.mode": "strategic"})
    plan = make_plan(scenario)
    bids = rule_bids(plan, 2)
    table = bids.table
    grid_only = deviation_gain(table.costs, table.bids, quantile_grid(), plan.reserve_price)
    assert bids.epsilon >= float(grid_only.max())
    # A tail type that bid far below every rival would leave money behind: the check sees it.
    tails = _cost_grid("lognormal", plan.base_cost, plan.cost_spread, TAIL_PROBABILITIES)
    low = tails[:, :1]
    gain = deviation_gain(
        table.costs, table.bids, quantile_grid(), plan.reserve_price, types=(low, low * 1.0001)
    )
    assert float(gain.min()) > 0.5
    # (Taker-set intermediate bids: the snapped states' games take minutes to solve cold.)
    ds = cm.simulate(scenario.with_updates({"bidding.intermediate": "taker_set"}), paths=2, seed=1)
    assert ds.attrs["strategic_epsilon_share"] == ds.attrs["strategic_epsilon"] / 20.0
