import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from computemarket.games.auction import EPS_GW, decide, merit_order_fill
from computemarket.scenario.rules import EXCLUSIVE, OPEN, ROFR

P = 3
prices = arrays(float, (4, P), elements=st.floats(1.0, 30.0))
rooms = arrays(float, (4, P), elements=st.sampled_from([0.0, 0.5, 2.0]) | st.floats(0.0, 5.0))
quantities = arrays(float, (4,), elements=st.floats(0.0, 6.0))


@given(quantities, prices, rooms, st.sampled_from([EXCLUSIVE, ROFR, OPEN]), st.booleans())
def test_awards_respect_quantity_headroom_and_reserve(q, bids, room, rule, partial):
    costs = bids / 1.1
    out = decide(rule, q, bids, costs, room, holder=0, partial_match=partial, reserve_price=20.0)
    assert (out.award >= 0).all()
    assert (out.award <= room + 1e-12).all()
    assert (out.award.sum(axis=1) <= q + 1e-12).all()
    awarded = out.award > 0
    assert (out.price[awarded] <= 20.0).all()
    assert np.isnan(out.price[~awarded]).all()
    if rule == EXCLUSIVE:
        assert (out.award[:, 1:] == 0).all()
    if rule != ROFR:
        assert (out.matched == 0).all() and np.isnan(out.best_outside).all()
    else:
        matched = out.matched > 0
        assert (out.best_outside[matched] >= costs[matched, 0]).all()
        np.testing.assert_array_equal(out.price[matched, 0], out.best_outside[matched])


@given(quantities, prices, rooms)
def test_open_market_fills_as_much_as_the_cheapest_can(q, bids, room):
    acceptable = (bids <= 20.0) & (room > EPS_GW)  # headroom under 1 kW counts as none
    out = decide(OPEN, q, bids, bids, room, holder=-1, partial_match=True, reserve_price=20.0)
    total_room = np.where(acceptable, room, 0).sum(axis=1)
    np.testing.assert_allclose(out.award.sum(axis=1), np.minimum(q, total_room), atol=1e-9)
    # Merit order: nobody is awarded while a cheaper acceptable provider has room left.
    for row in range(q.size):
        for i in range(P):
            for j in range(P):
                if out.award[row, j] > 0 and acceptable[row, i] and bids[row, i] < bids[row, j]:
                    assert out.award[row, i] >= room[row, i] - 1e-9


def test_merit_order_breaks_ties_by_provider_order():
    award, left = merit_order_fill(
        np.array([1.0]), np.array([[10.0, 10.0]]), np.array([[1.0, 1.0]]), np.array([[True, True]])
    )
    assert award.tolist() == [[1.0, 0.0]] and left.tolist() == [0.0]


def test_holder_is_supplier_of_last_resort_under_rofr():
    # Outsiders can supply only 0.5 of 2 GW; the holder, too dear to match, takes the rest
    # at its own quote.
    out = decide(
        ROFR,
        np.array([2.0]),
        np.array([[15.0, 12.0]]),
        np.array([[14.0, 10.0]]),
        np.array([[5.0, 0.5]]),
        holder=0,
        partial_match=True,
        reserve_price=20.0,
    )
    assert out.matched.tolist() == [0.0]
    assert out.award.tolist() == [[1.5, 0.5]]
    assert out.price.tolist() == [[15.0, 12.0]]


def _uniform(q, bids, room):
    return decide(
        OPEN,
        np.array([q]),
        np.array([bids]),
        np.array([bids]),
        np.array([room]),
        holder=-1,
        partial_match=True,
        reserve_price=20.0,
        auction="second_price",
    )


def test_uniform_price_is_set_at_the_margin():
    # One unit each, one unit asked: the winner is used up, the second-lowest bid sets the
    # price (the single-unit second-price auction).
    out = _uniform(1.0, [10.0, 12.0, 11.0], [1.0, 1.0, 1.0])
    assert out.award.tolist() == [[1.0, 0.0, 0.0]] and out.price[0, 0] == 11.0
    # Headroom that covers the tender: the winner is the marginal offer, paid its own bid.
    out = _uniform(1.0, [10.0, 12.0, 11.0], [3.0, 3.0, 3.0])
    assert out.price[0, 0] == 10.0
    # 1.5 asked of unit offers: the partly used second offer sets the price for both.
    out = _uniform(1.5, [10.0, 12.0, 11.0], [1.0, 1.0, 1.0])
    assert out.award.tolist() == [[1.0, 0.0, 0.5]]
    np.testing.assert_array_equal(out.price[0, [0, 2]], [11.0, 11.0])
    # Every unit needed: the reserve.
    out = _uniform(4.0, [10.0, 12.0, 11.0], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(out.price[0], [20.0, 20.0, 20.0])


def test_holder_declines_when_selling_as_last_resort_pays_more():
    # 2 GW asked; outsiders can supply only 0.5 at 12; the holder (cost 10, quote 15, room 5)
    # would earn (12 - 10) x 2 = 4 by matching and (15 - 10) x 1.5 = 7.5 by declining.
    out = decide(
        ROFR,
        np.array([2.0]),
        np.array([[15.0, 12.0]]),
        np.array([[10.0, 10.0]]),
        np.array([[5.0, 0.5]]),
        holder=0,
        partial_match=True,
        reserve_price=20.0,
    )
    assert out.matched.tolist() == [0.0]
    assert out.award.tolist() == [[1.5, 0.5]] and out.price[0, 0] == 15.0
    # With outsiders able to cover the tender there is no last resort: it matches.
    out = decide(
        ROFR,
        np.array([2.0]),
        np.array([[15.0, 12.0]]),
        np.array([[10.0, 10.0]]),
        np.array([[5.0, 5.0]]),
        holder=0,
        partial_match=True,
        reserve_price=20.0,
    )
    assert out.matched.tolist() == [2.0] and out.price[0, 0] == 12.0


@given(quantities, prices, rooms, st.booleans(), st.sampled_from(["first_price", "second_price"]))
def test_the_holder_takes_the_better_of_matching_and_declining(q, bids, room, partial, auction):
    costs = bids / np.array([1.3, 1.1, 1.05])
    out = decide(
        ROFR,
        q,
        bids,
        costs,
        room,
        holder=0,
        partial_match=partial,
        reserve_price=20.0,
        auction=auction,
    )
    sold = out.award[:, 0]
    chosen = np.where(sold > 0, (out.price[:, 0] - costs[:, 0]) * sold, 0.0)
    # Declining: the holder sells, at its own quote, what the outsiders leave unfilled.
    without = decide(
        OPEN,
        q,
        np.where(np.arange(P) == 0, 99.0, bids),
        costs,
        room,
        holder=-1,
        partial_match=True,
        reserve_price=20.0,
        auction=auction,
    )
    left = np.maximum(q - without.award.sum(axis=1), 0.0)
    can_sell = (bids[:, 0] <= 20.0) & (room[:, 0] > EPS_GW)
    fallback = np.where(can_sell, np.minimum(left, room[:, 0]), 0.0)
    declined = (bids[:, 0] - costs[:, 0]) * np.where(fallback > EPS_GW, fallback, 0.0)
    # Matching: the outside offer for what it can deliver (all of it, if not partial).
    offer = out.best_outside
    feasible = ~np.isnan(offer) & (room[:, 0] > EPS_GW) & (offer >= costs[:, 0])
    if not partial:
        feasible &= room[:, 0] >= q - EPS_GW
    q_eff = np.where(q > EPS_GW, q, 0.0)
    matching = np.where(
        feasible, (np.nan_to_num(offer) - costs[:, 0]) * np.minimum(q_eff, room[:, 0]), -np.inf
    )
    np.testing.assert_allclose(chosen, np.maximum(matching, declined), atol=1e-9)
