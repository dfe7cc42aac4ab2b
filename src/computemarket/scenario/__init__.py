"""The scenario layer: what a market to simulate is, validated before anything runs.

It holds the schema (:mod:`~computemarket.scenario.schema`, made of the sections of
:mod:`~computemarket.scenario.sections`), the checks across fields
(:mod:`~computemarket.scenario.consistency`), the translation of validation errors into
problems that name field, value and rule (:mod:`~computemarket.scenario.problems`),
dotted parameter paths (:mod:`~computemarket.scenario.updates`), loading files and the
shipped scenarios (:mod:`~computemarket.scenario.loading`, the ``shipped/`` folder), the
parameter table (:mod:`~computemarket.scenario.parameters`), the contract rules' names
and codes (:mod:`~computemarket.scenario.rules`) and month arithmetic
(:mod:`~computemarket.scenario.calendar`).

It is the lowest layer: it imports only :mod:`computemarket.errors`, and every other layer
may import it.
"""

from computemarket.scenario.loading import as_scenario, load_scenario, shipped_scenarios
from computemarket.scenario.parameters import parameter_table
from computemarket.scenario.rules import RULES
from computemarket.scenario.schema import Scenario
from computemarket.scenario.sections import (
    Bidding,
    Buyer,
    CapacityPoint,
    Contract,
    Costs,
    Demand,
    InitialContract,
    Provider,
    RuleChange,
    Run,
)
from computemarket.scenario.supply import Investment, Supply

__all__ = [
    "RULES",
    "Bidding",
    "Buyer",
    "CapacityPoint",
    "Contract",
    "Costs",
    "Demand",
    "InitialContract",
    "Investment",
    "Provider",
    "RuleChange",
    "Run",
    "Scenario",
    "Supply",
    "as_scenario",
    "load_scenario",
    "parameter_table",
    "shipped_scenarios",
]
