"""The default market with investment and entry: when AWS enters, and what is developed.

``history_investment.toml`` is the default market (``history.toml``) with each capacity
schedule as a pipeline and AWS's GPU and Trainium lines as potential entrants, whose entry
the model decides. The default types AWS's GPUs in from November 2025, after the right of
first refusal ended; with investment and entry on, they enter at the first review, under
the right as well (docs/economics.md, The question with investment and entry on the
default market).
"""

import numpy as np

import computemarket as cm

runs = {
    "exogenous (history)": cm.simulate("history", paths=200, seed=1),
    "investment and entry (history_investment)": cm.simulate(
        "history_investment", paths=200, seed=1
    ),
}
fig = cm.plot_developed(runs)
fig.savefig("entry_default.png", dpi=90)
entry = {
    k: float(np.nanmedian(cm.summarize(ds).entry_month.sel(provider="aws").values))
    for k, ds in runs.items()
}
print(f"AWS's median entry month (0 is January 2025): {entry}")
assert entry["investment and entry (history_investment)"] < entry["exogenous (history)"]
