"""The holder's first offer when a refused holder competes: closed form and best response."""

import numpy as np
import pytest

from computemarket.games.first_offer import first_offer_response
from computemarket.games.quantiles import quantile_grid


@pytest.mark.parametrize("threshold", [0.6, 0.7, 0.8])
def test_switching_cost_matches_the_closed_form(threshold):
    """One outsider bidding uniformly on (1/2, 1): competing earns (1 - c)^2 / 2 at the
    bid (1 + c) / 2, offering earns T - c, so the holder offers below c* = sqrt(2T - 1)."""
    q = quantile_grid()
    outsider = np.array([0.5 + q / 2])
    closed = np.sqrt(2 * threshold - 1)
    switching, market = first_offer_response(q, outsider, q, threshold, 1.0)
    assert switching == pytest.approx(closed, abs=2e-3)
    inside = q > 0.05
    np.testing.assert_allclose(market[inside], (1 + q[inside]) / 2, atol=2e-3)


def test_a_holder_that_cannot_gain_from_competing_always_offers():
    q = quantile_grid()
    # Outsiders bidding near zero leave a competing holder nothing: it offers up to T.
    switching, _ = first_offer_response(q, np.array([q * 1e-3]), q, 0.9, 1.0)
    assert switching == pytest.approx(0.9, abs=4e-3)
    # Outsiders above the reserve cannot trade: a refused holder sells at the reserve.
    assert first_offer_response(q, np.array([q + 5.0]), q, 0.9, 1.0)[0] == -np.inf
    # A threshold below every cost: no type offers.
    assert first_offer_response(q + 2.0, np.array([q + 2.5]), q, 1.0, 5.0)[0] == -np.inf


def test_the_baseline_holder_best_responds_under_rofo():
    """The review's case: a holder of cost just below the threshold did better refused."""
    import computemarket as cm
    from computemarket.games.auction import decide
    from computemarket.market.plan import make_plan
    from computemarket.market.quotes import quotes, rule_bids
    from computemarket.scenario.rules import ROFO

    plan = make_plan(
        cm.load_scenario("baseline").with_updates(
            {"bidding.mode": "strategic", "contract.rule": "rofo"}
        )
    )
    full = rule_bids(plan, ROFO)
    threshold = full.threshold
    rng = np.random.default_rng(0)
    n = 20_000
    cost = plan.cost_at(rng.uniform(size=(n, 1, 3)))[:, 0, :]
    for own in (threshold - 0.3, threshold - 0.05, threshold + 0.2):
        cost[:, 0] = own
        bids, thresholds = quotes(plan, np.repeat(cost[:, None, :], plan.n_tenders, axis=1))
        quoted = bids[:, 0, :, 7]  # every provider takes part, headroom covers the tender
        assert thresholds[0, 7] == threshold

        def profit(holder_bid, quoted=quoted, own=own):
            b = quoted.copy()
            b[:, 0] = holder_bid
            out = decide(
                ROFO,
                np.ones(n),
                b,
                cost,
                np.full((n, 3), 2.0),
                0,
                True,
                20.0,
                threshold=threshold,
                refused_competes=True,
            )
            return float(np.mean(np.nan_to_num(out.price[:, 0] - own) * out.award[:, 0]))

        chosen = profit(quoted[:, 0])
        best = max(profit(p) for p in np.linspace(max(own, 10.0), 20.0, 401))
        assert chosen >= best - 0.01 * 20.0 * 0.01, (own, chosen, best)
