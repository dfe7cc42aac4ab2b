"""The games layer: single-tender auctions, their equilibrium bids, and a lab to study them.

It works on plain arrays and :mod:`scipy.stats` distributions and knows nothing of
scenarios' time, paths or engines:

- :mod:`~computemarket.games.quantiles`: distributions tabulated on a probability grid;
- :mod:`~computemarket.games.winning`: the chance a bid wins against rivals and a holder,
  the deviation check and the expected market price built on it;
- :mod:`~computemarket.games.first_price`: symmetric first-price equilibria (envelope
  theorem);
- :mod:`~computemarket.games.asymmetric`: first-price equilibria of unlike bidders
  (shooting);
- :mod:`~computemarket.games.bids`: how every provider bids under one contract rule
  (:func:`~computemarket.games.bids.market_bids`);
- :mod:`~computemarket.games.auction`: the mechanism, who supplies how much at what
  price under each rule (:func:`~computemarket.games.auction.decide`);
- :mod:`~computemarket.games.lab`: :func:`tender_study`, the single-tender lab;
- :mod:`~computemarket.games.entry`: :func:`entry_study`, free entry of outsiders into it.

It imports only the scenario layer's rule names and :mod:`computemarket.errors`.
"""

from computemarket.games.entry import entry_study
from computemarket.games.lab import tender_study

__all__ = ["entry_study", "tender_study"]
