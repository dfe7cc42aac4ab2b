"""The one public API: every name importable from ``computemarket``, documented and checked.

The public API is ``computemarket.__all__`` and ``computemarket.testing.__all__``, with the
public methods and properties of the classes among them. Each has a numpydoc docstring
that ``numpydoc.validate`` accepts (every check but the optional "See Also" and extended
summary sections), a Raises section unless it is listed below as one that never raises,
and an example (the doctests run them).
"""

import importlib
import inspect

import pytest
from numpydoc.docscrape import FunctionDoc
from numpydoc.validate import validate

import computemarket as cm
import computemarket.testing

#: numpydoc checks we do not require: a "See Also" section and an extended summary.
OPTIONAL = {"SA01", "ES01"}

#: Public callables that raise nothing on purpose, so have no Raises section.
NEVER_RAISES = {
    "computemarket.Problem",  # a plain record
    "computemarket.SweepSpec",  # a plain record: load_sweep validates
    "computemarket.Fact",  # a plain record: fact_values checks it against the results
    "computemarket.Fact.unit",
    "computemarket.shipped_scenarios",
    "computemarket.parameter_table",
    "computemarket.plot_delivered",
    "computemarket.plot_demand_fan",
    "computemarket.plot_comparison",
    "computemarket.plot_sobol",
    "computemarket.Scenario.to_dict",
    "computemarket.Scenario.to_toml",
    "computemarket.testing.scenarios",
    "computemarket.QuoteRequest",  # a plain record
    "computemarket.BiddingModel",  # a protocol: what a plug-in raises is its own
    "computemarket.BiddingModel.quotes",
    "computemarket.ForecastRequest",  # a plain record
    "computemarket.Forecaster",  # a protocol
    "computemarket.Forecaster.growth",
    "computemarket.GridBidding",  # a base class: its bid_grid says it must be written
}


def _public():
    for module, names in (
        ("computemarket", cm.__all__),
        ("computemarket.testing", computemarket.testing.__all__),
    ):
        owner = importlib.import_module(module)
        for name in names:
            if name.startswith("__"):
                continue
            obj = getattr(owner, name)
            yield f"{module}.{name}", obj
            if inspect.isclass(obj) and not issubclass(obj, Exception):
                for attr, value in vars(obj).items():
                    if not attr.startswith("_") and (
                        callable(value) or isinstance(value, property | classmethod)
                    ):
                        yield f"{module}.{name}.{attr}", getattr(obj, attr)


PUBLIC = dict(_public())


def test_every_public_name_resolves_and_sweep_is_the_function():
    assert callable(cm.sweep) and cm.sweep.__module__ == "computemarket.experiments.sweeps"
    for name in (
        "load_sweep",
        "sobol_indices",
        "parameter_table",
        "compare",
        "tender_study",
        "entry_study",
    ):
        assert callable(getattr(cm, name)), name
    assert sorted(cm.__all__) == sorted(set(cm.__all__))


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_numpydoc_validation(name):
    errors = [f"{code}: {message}" for code, message in validate(name)["errors"]]
    errors = [e for e in errors if e[:4] not in OPTIONAL]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_raises_section_unless_it_never_raises(name):
    obj = PUBLIC[name]
    if isinstance(obj, property) or (inspect.isclass(obj) and issubclass(obj, Exception)):
        return  # properties compute, exception classes are what is raised
    if not (inspect.isfunction(obj) or inspect.ismethod(obj) or inspect.isclass(obj)):
        return
    sections = FunctionDoc(obj)
    if name in NEVER_RAISES:
        assert not sections["Raises"], f"{name} is listed as never raising but documents Raises"
    else:
        assert sections["Raises"], f"{name} has no Raises section"
