"""Capacity that responds: exogenous schedules against investment, and exclusivity.

``investment.toml`` is the baseline with each provider's schedule as its pipeline, the
most it can develop. Under exclusivity the outside providers sell nothing, so in their
investment equilibrium they develop nothing beyond what was under way at the start.
"""

import computemarket as cm

investing = cm.load_scenario("investment")
exclusive = cm.investment_equilibrium(
    investing.with_updates({"contract.rule": "exclusive"}), paths=60, seed=1, rounds=3
)
shares = {
    str(p): float(s)
    for p, s in zip(exclusive.provider.values, exclusive.build_share.values, strict=True)
}
runs = {
    "exogenous (baseline)": cm.simulate("baseline", paths=200, seed=1),
    "investment (rofr)": cm.simulate(investing, paths=200, seed=1),
    "investment, exclusivity kept": cm.simulate(
        cm.Scenario.from_toml(exclusive.attrs["scenario"]), paths=200, seed=1
    ),
}
fig = cm.plot_developed(runs)
fig.savefig("capacity_investment.png", dpi=90)
outside = {k: float(cm.summarize(ds).outside_developed_gw.mean()) for k, ds in runs.items()}
print(f"outside providers' build shares under exclusivity: {shares}")
print(f"outside GW developed by the end: {outside}")
assert outside["investment, exclusivity kept"] < outside["investment (rofr)"]
