"""A bidding model of your own: posted prices that ignore each tender's cost draw.

A plug-in is any object with a ``quotes(request)`` method. Registered by name, it is
selected like the built-in modes, from a scenario file (``[bidding] mode = "posted"``)
or with ``with_updates``, and every engine uses it. Registering at the top level of a
script also registers it in process-pool workers, which import the script again.
"""

import numpy as np

import computemarket as cm


class PostedPrices:
    """Each provider posts its base cost times one plus its markup, whatever its draw."""

    def quotes(self, request: cm.QuoteRequest) -> np.ndarray:
        """The posted price of each provider, for every tender and path."""
        posted = request.base_cost * (1.0 + request.markup)
        return np.broadcast_to(posted, request.cost.shape).copy()


cm.register_bidding("posted", PostedPrices())

if __name__ == "__main__":
    base = cm.load_scenario("history")
    posted = base.with_updates({"bidding.mode": "posted"})
    runs = {
        name: cm.simulate(scenario, paths=200, seed=1, engine=engine)
        for name, scenario, engine in [
            ("cost_plus", base, "vector"),
            ("posted", posted, "vector"),
            ("posted, compiled", posted, "compiled"),
        ]
    }
    for name, ds in runs.items():
        unit = float(cm.summarize(ds).unit_cost_stats.sel(statistic="mean"))
        print(f"{name:<18} unit cost {unit:.3f} $B/GW-year")
    quotes = runs["posted"].bid.isel(path=0, tender=0).values
    assert np.allclose(quotes, [p.base_cost * (1 + p.markup) for p in base.providers])
    assert runs["posted"].drop_attrs().identical(runs["posted, compiled"].drop_attrs())
