"""Tender states: which providers take part, whether all headroom is needed, and the quotes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import computemarket as cm
from computemarket.games.auction import EPS_GW, decide
from computemarket.games.bids import market_bids
from computemarket.games.quantiles import quantile_grid
from computemarket.market.equilibria import _cost_grid
from computemarket.market.plan import make_plan
from computemarket.market.quotes import quotes, rule_bids
from computemarket.market.states import (
    SNAP_LEVELS,
    all_needed,
    full_set,
    regime,
    shares,
    snap_levels,
    state_count,
    state_quotes,
    takers,
    tender_state,
)
from computemarket.scenario.rules import OPEN, ROFO, ROFR

GW = st.floats(0.0, 5.0, allow_nan=False) | st.sampled_from([0.0, EPS_GW, 1.0, 2.0])


def test_states_name_every_set_of_takers_and_all_needed():
    assert state_count(3) == 9 and all_needed(3) == 8 and full_set(3) == 7
    assert takers(6, 3) == [1, 2] and takers(8, 3) == [0, 1, 2]
    # A lone provider with headroom sells all it offers: that is "all needed" too.
    assert tender_state(np.array([1.0]), np.array([[3.0, 0.0, 0.0]])).tolist() == [8]
    # Exactly enough headroom is all needed; a kilowatt more is not.
    state = tender_state(np.array([1.0, 1.0]), np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 1e-3]]))
    assert state.tolist() == [8, 7]


def test_snapped_levels_that_round_to_the_tender_are_raised_above_it():
    # Shares 0.55 and 0.6 of a 1 GW tender round to two quarters each, a snapped game
    # where all headroom would be needed; the share furthest above its level (0.6) is
    # raised to three quarters. Three shares of 0.37 (one quarter each) need two raises.
    quantity = np.array([1.0, 1.0])
    headroom = np.array([[0.55, 0.6, 0.0], [0.37, 0.37, 0.37]])
    found = [shares(int(s), 3) for s in tender_state(quantity, headroom, True)]
    assert found == [(0.5, 0.75, 0.0), (0.5, 0.5, 0.25)]


@settings(max_examples=300, deadline=None)
@given(
    arrays(float, (30,), elements=st.floats(0.01, 5.0)),
    arrays(float, (30, 3), elements=GW),
)
def test_snapped_states_key_intermediate_tenders_by_their_shares(quantity, headroom):
    snapped = tender_state(quantity, headroom, True)
    plain = tender_state(quantity, headroom)
    kind = regime(quantity, headroom)
    for i in range(quantity.size):
        found = shares(int(snapped[i]), 3)
        if found is None:
            # Not intermediate, or every taker's share snaps to a whole tender.
            assert snapped[i] == plain[i]
            continue
        assert kind[i] == 3
        room = np.where(headroom[i] > EPS_GW, np.minimum(headroom[i], quantity[i]), 0.0)
        share = room / quantity[i]
        # Each share within half a quarter of its level (a quarter at least), or raised
        # by one quarter where rounding left the levels short of the tender; none for no
        # headroom; the levels exceed the tender, as the shares do; and the takers are
        # the providers with headroom.
        assert np.all((np.array(found) > 0) == (room > 0))
        assert sum(found) > 1.0 and share.sum() > 1.0
        inside = room > 0
        level, share = np.array(found)[inside], share[inside]
        near = np.abs(level - share) <= 0.5 / SNAP_LEVELS + 1e-12
        raised = (level > share) & (level - share <= 1.5 / SNAP_LEVELS + 1e-12)
        assert np.all(near | raised | ((level == 1 / SNAP_LEVELS) & (share < level)))
        assert takers(int(snapped[i]), 3) == [p for p in range(3) if room[p] > 0]
    # Beyond three providers there are no snapped states.
    assert state_count(4, snapped=True) == state_count(4)


@settings(max_examples=200, deadline=None)
@given(st.lists(GW, min_size=1, max_size=20), st.data())
def test_numpy_and_compiled_states_agree(quantities, data):
    pytest.importorskip("numba")
    from computemarket.engines.compiled.tender import state

    n = len(quantities)
    providers = data.draw(st.integers(1, 4))
    headroom = data.draw(arrays(float, (n, providers), elements=GW | st.floats(-2.0, 0.0)))
    quantity = np.array(quantities)
    expected = tender_state(quantity, headroom)
    none = np.full(3, -1)
    plain, lattice = state_count(providers), state_count(providers, snapped=True)
    got = [state(quantity[i], headroom[i], plain, none) for i in range(n)]
    assert expected.tolist() == got
    snapped = tender_state(quantity, headroom, True)
    assert snapped.tolist() == [state(quantity[i], headroom[i], lattice, none) for i in range(n)]
    # The set of takers is the providers with headroom above a kilowatt.
    for i in range(n):
        if expected[i] != all_needed(providers):
            assert takers(int(expected[i]), providers) == [
                p for p in range(providers) if headroom[i, p] > EPS_GW
            ]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([OPEN, ROFR, ROFO]),
    st.sampled_from(["first_price", "second_price"]),
    arrays(float, 3, elements=st.floats(0.01, 2.0)),
    st.floats(0.0, 1.0),
    arrays(float, 3, elements=st.floats(5.0, 19.0)),
    st.integers(0, 2),
    st.floats(5.0, 25.0),
    st.booleans(),
    st.booleans(),
)
def test_where_all_is_needed_quoting_the_reserve_is_dominant(
    rule, auction, rooms, extra, costs, who, deviation, partial, competes
):
    """Every provider sells its headroom at the reserve; no other quote earns more."""
    quantity = rooms.sum() + extra
    headroom = rooms[None, :]
    assert tender_state(np.array([quantity]), headroom).tolist() == [8]
    reserve = 20.0
    common = dict(
        costs=costs[None],
        headroom=headroom,
        holder=0,
        partial_match=partial,
        reserve_price=reserve,
        auction=auction,
        threshold=reserve,  # the rofo threshold where all headroom is needed
        refused_competes=competes,
    )
    bids = np.full((1, 3), reserve)
    base = decide(rule, np.array([quantity]), bids, **common)
    np.testing.assert_allclose(base.award, headroom, rtol=0, atol=2 * EPS_GW)
    deviated = bids.copy()
    deviated[0, who] = deviation
    other = decide(rule, np.array([quantity]), deviated, **common)
    paid = np.nan_to_num(base.price[0, who]) * base.award[0, who]
    paid_other = np.nan_to_num(other.price[0, who]) * other.award[0, who]
    assert paid >= paid_other - 1e-9


def _plan(rule="rofr", **more):
    # The taker-set states: snapped ones are tested in test_snapped_* and tests/engines.
    updates = {
        "bidding.mode": "strategic",
        "bidding.intermediate": "taker_set",
        "contract.rule": rule,
        **more,
    }
    return make_plan(cm.load_scenario("baseline").with_updates(updates))


@pytest.mark.parametrize(
    ("rule", "refused"),
    [
        ("open", "idle"),
        ("rofr", "idle"),
        ("rofo", "idle"),
        ("rofo", "competes"),
        ("exclusive", "idle"),
    ],
)
def test_quotes_by_state(rule, refused):
    plan = _plan(rule, **{"contract.refused_holder": refused})
    code = int(plan.tender_rule[0])
    rng = np.random.default_rng(1)
    cost = plan.cost_at(rng.uniform(size=(4, plan.n_tenders, 3)))
    bids, threshold = quotes(plan, cost)
    assert bids.shape == (4, plan.n_tenders, 3, 9)
    full = rule_bids(plan, code)(cost, plan.holder, plan.reserve_price)
    mine = [1, 2] if refused == "competes" else [0, 1, 2]  # the holder's offer: below
    np.testing.assert_array_equal(bids[..., full_set(3)][..., mine], full[..., mine])
    needed = bids[..., all_needed(3)]
    if rule == "exclusive":
        np.testing.assert_array_equal(needed, full)
        return
    outsiders = [1, 2] if rule == "rofo" else [0, 1, 2]
    np.testing.assert_array_equal(needed[..., outsiders], 20.0)
    # Oracle (1) and Stargate (2) alone: the single-unit game between them, open (the
    # holder without headroom can neither match nor offer first).
    q = quantile_grid()
    grid = _cost_grid(plan.cost_distribution, plan.base_cost, plan.cost_spread, q)[[1, 2]]
    pair = market_bids(OPEN, grid, q, holder=-1, reserve=20.0, mode="strategic")
    expected = pair(cost[..., [1, 2]], -1, 20.0)
    np.testing.assert_allclose(bids[..., 6][..., [1, 2]], expected, rtol=0, atol=1e-12)
    if rule != "rofo":
        # A provider without headroom sells nothing; its quote is its cost.
        np.testing.assert_array_equal(bids[..., 6][..., 0], cost[..., 0])
    else:
        # The buyer accepts the holder's first offer up to the outside market's expected
        # price in the state (the reserve where all is needed); the holder offers that.
        assert np.all(threshold[:, all_needed(3)] == 20.0)
        # Azure and Oracle take part: Oracle alone outside is a monopoly at the reserve.
        assert np.all(threshold[:, 3] <= 20.0) and np.all(threshold[:, 3] > 19.0)
        assert np.all(np.isnan(threshold[:, 6]))  # Azure has no headroom: no first offer
        # Idle: a holder too dear for its offer to pass offers its cost and is refused.
        # Competes: it offers the threshold below a switching cost and bids above the
        # threshold, refused on purpose, beyond it (games.first_offer; its own tests).
        own = cost[..., 0]
        for state in (3, 5, 7, 8):
            target = threshold[0, state]
            quoted = bids[..., state][..., 0]
            if refused == "idle":
                np.testing.assert_array_equal(quoted, np.where(own <= target, target, own))
            else:
                assert np.all((quoted == target) | (quoted > target))
                assert np.all(quoted[own > target] > target)
                assert np.all(quoted[own <= target - 2.0] == target)
        np.testing.assert_array_equal(bids[..., 8][..., 0], np.where(own < 20.0, 20.0, own))
    assert code in (OPEN, ROFR, ROFO)


def test_state_quotes_picks_each_paths_state():
    bids = np.arange(2 * 3 * 9, dtype=float).reshape(2, 3, 9)
    picked = state_quotes(bids, np.array([8, 0]))
    np.testing.assert_array_equal(picked, [bids[0, :, 8], bids[1, :, 0]])


def test_runs_record_the_quotes_of_each_tenders_state():
    """Where all headroom is needed, strategic providers quote the reserve; the records
    hold the quotes each tender was decided on (with the snapped intermediate states of
    three providers, the default)."""
    scenario = cm.load_scenario("baseline").with_updates({"bidding.mode": "strategic"})
    ds = cm.simulate(scenario, paths=64, seed=2)
    plan = make_plan(scenario)
    quantity = ds.tender_quantity.values
    headroom = ds.headroom.values
    state = tender_state(quantity.reshape(-1), headroom.reshape(-1, 3)).reshape(quantity.shape)
    needed = (state == 8) & (quantity > 0)
    assert needed.mean() > 0.3
    # The results label the same regimes, and say how many tenders are intermediate.
    assert np.array_equal(ds.tender_state.values == 1, needed)
    assert set(np.unique(ds.tender_state.values)) <= {0, 1, 2, 3}
    tendered = ds.tender_state.values > 0
    share = (ds.tender_state.values == 3).sum() / tendered.sum()
    assert 0.05 < share < 0.6
    bids = ds.bid.values
    cheap = ds.cost.values < plan.reserve_price
    assert np.all(bids[needed][cheap[needed]] == plan.reserve_price)
    # Elsewhere the quotes are the equilibrium ones, mostly below the reserve.
    others = ~needed & (quantity > 0)
    assert np.median(bids[others]) < plan.reserve_price


def test_large_markets_have_two_states():
    """Beyond MOST_SET_PROVIDERS the states do not grow as 2 ** P."""
    from computemarket.market.states import MOST_SET_PROVIDERS

    providers = MOST_SET_PROVIDERS + 2
    assert state_count(providers) == 2 and takers(0, providers) == list(range(providers))
    headroom = np.array([[0.1] * providers, [1.0] + [0.0] * (providers - 1)])
    state = tender_state(np.array([1.0, 0.5]), headroom)
    assert state.tolist() == [1, 1]  # 0.7 GW of 1 needed; a lone provider
    state = tender_state(np.array([0.5]), headroom[:1])
    assert state.tolist() == [0]
    numba = pytest.importorskip("numba")
    assert numba
    from computemarket.engines.compiled.tender import state as compiled

    assert compiled(0.5, headroom[0], 2, np.full(3, -1)) == 0
    assert compiled(1.0, headroom[0], 2, np.full(3, -1)) == 1


def test_uniform_price_tenders_where_each_taker_covers_them_are_pay_as_bid():
    """The winner has headroom left and sets the uniform price with its own bid, so the
    strategic quotes are the first-price ones and so is every price paid there."""
    # Taker-set intermediate bids: the open market's snapped games take minutes cold.
    base = cm.load_scenario("open").with_updates(
        {"bidding.mode": "strategic", "bidding.intermediate": "taker_set"}
    )
    first = cm.simulate(base, paths=64, seed=3)
    second = cm.simulate(base.with_updates({"bidding.auction": "second_price"}), paths=64, seed=3)
    slack = (first.tender_state.values == 2) & (second.tender_state.values == 2)
    assert slack.sum() > 10
    np.testing.assert_array_equal(second.bid.values[slack], first.bid.values[slack])
    awarded = second.award.values[slack] > 0
    np.testing.assert_array_equal(
        second.award_price.values[slack][awarded], second.bid.values[slack][awarded]
    )
    # Where all headroom is needed both rules pay the reserve.
    needed = second.tender_state.values == 1
    paid = second.award_price.values[needed][second.award.values[needed] > 0]
    assert np.all(paid == 20.0)


@settings(max_examples=300, deadline=None)
@given(
    arrays(float, st.tuples(st.integers(1, 6), st.integers(1, 7)), elements=st.floats(0.0, 1.0)),
    st.integers(2, 8),
)
def test_snapped_levels_round_each_share_and_exceed_the_tender(share, levels):
    """Each positive share gets its nearest level (one at least) or more; where the shares
    exceed the tender (an intermediate tender), so do their levels; a level is raised
    only while the levels do not yet exceed the tender."""
    level = snap_levels(share, levels)
    nearest = np.clip(np.floor(share * levels + 0.5), 1, levels)
    positive = share > 0.0
    assert np.all(level[~positive] == 0)
    assert np.all((level[positive] >= nearest[positive]) & (level[positive] <= levels))
    many = (positive.sum(axis=1) >= 2) & (share.sum(axis=1) > 1.0)
    assert np.all(level[many].sum(axis=1) > levels)
    already = np.where(positive, nearest, 0).sum(axis=1) > levels
    np.testing.assert_array_equal(level[already], np.where(positive, nearest, 0)[already])
    # Each raise adds one level, and none is needed beyond the first sum past the tender.
    raised = (level - np.where(positive, nearest, 0)).sum(axis=1)
    short = levels + 1 - np.where(positive, nearest, 0).sum(axis=1)
    assert np.all(raised <= np.maximum(short, 0))
