"""Quotes computed for a scenario's tenders."""

import numpy as np

import computemarket as cm


def test_cost_plus_quotes_are_exact_in_the_tails():
    from computemarket.market.plan import make_plan
    from computemarket.market.quotes import quotes

    plan = make_plan(cm.load_scenario())
    u = np.array([5e-4, 0.5, 0.9995])[:, None, None] * np.ones((1, plan.n_tenders, 3))
    cost = plan.cost_at(u)
    bids, _ = quotes(plan, cost)
    np.testing.assert_array_equal(bids, cost * (1.0 + plan.markup))
