"""The market layer: the arithmetic every engine shares, on arrays over paths.

A run goes scenario -> :mod:`~computemarket.market.plan` (the deterministic timeline:
tenders, one per lead in each tender month, and the providers' cost distributions of
:mod:`~computemarket.market.costs`) ->
:mod:`~computemarket.market.draws` (random numbers, by purpose and block of paths) ->
:mod:`~computemarket.market.inputs` (demand, costs, lead times, and the quotes of
:mod:`~computemarket.market.quotes`) -> an engine, which calls the
:mod:`~computemarket.market.ledger` (contracts, capacity, delivery, tender decisions by
:func:`computemarket.games.auction.decide`) in the order the model fixes and writes
:mod:`~computemarket.market.records` (raw output arrays).

It imports the games and scenario layers, never an engine or the results.
"""
