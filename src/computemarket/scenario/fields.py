"""The building blocks of the scenario's tables: frozen sections and declared parameters."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from computemarket.scenario.calendar import parse_month
from computemarket.scenario.numbers import whole_number

__all__ = ["MOST_GW", "MOST_MONTHS", "MOST_PRICE", "Month", "Section", "Whole", "param"]

Month = Annotated[str, BeforeValidator(parse_month)]


#: An integer field that also takes NumPy integers and whole-number floats (6.0 -> 6).
Whole = Annotated[int, BeforeValidator(whole_number)]


#: Bounds on quantities and prices: far beyond anything physical, and low enough that
#: sums over a century of months cannot overflow.
MOST_GW = 1e6
MOST_PRICE = 1e6
#: The longest span in months any contract, tender cycle or horizon may take.
MOST_MONTHS = 1200


def param(default: Any, unit: str, description: str, **bounds: Any) -> Any:
    """Declare a scenario parameter with its unit, description and bounds.

    Floats, required ones included (``default`` is ``...``), must be finite.
    """
    extra: dict[str, Any] = {"strict": True}
    if default is ... or isinstance(default, float):
        extra["allow_inf_nan"] = False
    return Field(
        default, description=description, json_schema_extra={"unit": unit}, **extra, **bounds
    )


class Section(BaseModel):
    """A frozen table that refuses unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")
