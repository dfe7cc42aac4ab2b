"""Under rofo a refused holder competes in the outside market when the scenario says so."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from computemarket.games.auction import EPS_GW, decide
from computemarket.scenario.rules import OPEN, ROFO

PRICES = st.floats(5.0, 25.0)


def test_a_refused_holder_undercutting_the_outsiders_wins_the_tender():
    bids = np.array([[13.0, 14.0, 15.0]])
    common = dict(
        quantity=np.array([1.0]),
        bids=bids,
        costs=bids - 2.0,
        headroom=np.array([[2.0, 2.0, 2.0]]),
        holder=0,
        partial_match=True,
        reserve_price=20.0,
        threshold=12.0,
    )
    idle = decide(ROFO, **common)
    competes = decide(ROFO, **common, refused_competes=True)
    assert idle.award.tolist() == [[0.0, 1.0, 0.0]]
    assert competes.award.tolist() == [[1.0, 0.0, 0.0]]
    assert competes.price[0, 0] == 13.0 and competes.matched.tolist() == [0.0]


@settings(max_examples=200, deadline=None)
@given(
    arrays(float, 3, elements=PRICES),
    arrays(float, 3, elements=st.floats(0.0, 2.0)),
    st.floats(0.05, 3.0),
    st.floats(5.0, 25.0),
    st.sampled_from(["first_price", "second_price"]),
)
def test_a_refused_holder_that_competes_is_in_an_open_market(bids, rooms, quantity, t, auction):
    """Refused, the holder is one more bidder: the outcome is the open market's."""
    common = dict(
        quantity=np.array([quantity]),
        bids=bids[None],
        costs=bids[None] * 0.9,
        headroom=rooms[None],
        holder=0,
        partial_match=True,
        reserve_price=20.0,
        auction=auction,
    )
    rofo = decide(ROFO, **common, threshold=t, refused_competes=True)
    if bids[0] <= t and rooms[0] > EPS_GW and bids[0] <= 20.0:
        assert rofo.matched[0] > 0.0  # accepted: as before
        return
    market = decide(OPEN, **common)
    np.testing.assert_array_equal(rofo.award, market.award)
    np.testing.assert_array_equal(rofo.price, market.price)
