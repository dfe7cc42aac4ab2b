"""A sweep built in Python: the matching window against Azure's build-out, no file needed.

The mapping has the sweep file's tables; the base may be a ``Scenario`` object.
"""

import computemarket as cm

if __name__ == "__main__":  # process pools import this file again in each worker
    base = cm.load_scenario("baseline")
    spec = {
        "sweep": {"name": "window", "paths": 50, "base": base, "seed": 3},
        "design": {"kind": "grid"},
        "axes": [
            {"path": "contract.window_months", "values": [0, 3, 6]},
            {"path": "providers.azure.base_cost", "values": [10.5, 11.5]},
        ],
    }
    result = cm.sweep(spec, executor="processes", workers=2)
    mean = result.total_cost_stats.sel(statistic="mean")
    print(mean.round(1).to_pandas())
    assert mean.dims == ("contract_window_months", "providers_azure_base_cost")
