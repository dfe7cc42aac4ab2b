"""Scenarios: validated, immutable descriptions of one market to simulate.

A scenario is a TOML file (see ``scenarios/baseline.toml``) turned into a :class:`Scenario`.
Every parameter carries a unit and a description in its field metadata;
:func:`parameter_table` lists them, and ``docs/model.md`` is written from it.

Validation uses pydantic v2: field types and bounds are declared once, and every problem
in a file is reported together with its dotted field path.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import tomli_w
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from computemarket._calendar import month_index, parse_month
from computemarket.errors import Problem, ScenarioError

__all__ = [
    "RULES",
    "Bidding",
    "Buyer",
    "CapacityPoint",
    "Contract",
    "Costs",
    "Demand",
    "InitialContract",
    "Provider",
    "RuleChange",
    "Run",
    "Scenario",
    "load_scenario",
    "parameter_table",
    "shipped_scenarios",
]

#: Contract rules the engines implement, in the order of their integer codes.
RULES: tuple[str, ...] = ("exclusive", "rofr", "open", "rofo")
#: Rules under which one provider holds a right and must be named as ``contract.holder``.
_HOLDER_RULES = frozenset({"exclusive", "rofr", "rofo"})

Month = Annotated[str, BeforeValidator(parse_month)]
Rule = Literal["exclusive", "rofr", "open", "rofo"]


def _param(default: Any, unit: str, description: str, **bounds: Any) -> Any:
    """Declare a scenario parameter with its unit, description and bounds."""
    extra: dict[str, Any] = {"strict": True}
    if isinstance(default, float):
        extra["allow_inf_nan"] = False
    return Field(
        default, description=description, json_schema_extra={"unit": unit}, **extra, **bounds
    )


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Demand(_Section):
    """The buyer's stochastic demand for compute.

    Log-demand grows each month by a drift that decays from ``growth_initial`` towards
    ``growth_long_run`` with the given half-life, plus a Gaussian shock of annual volatility
    ``volatility`` (``docs/model.md``, section Demand).
    """

    initial_gw: float = _param(0.8, "GW", "Demand in the first month.", gt=0)
    growth_initial: float = _param(
        2.0,
        "1/year",
        "Annual growth rate of demand at the start (2.0 means x3 a year).",
        gt=-1,
        le=100,
    )
    growth_long_run: float = _param(
        0.15, "1/year", "Annual growth rate that growth decays towards.", gt=-1, le=100
    )
    growth_half_life_years: float = _param(
        2.0, "years", "Years for the log-growth rate to close half its gap to the long run.", gt=0
    )
    volatility: float = _param(
        0.25, "1/sqrt(year)", "Annual standard deviation of log-demand shocks.", ge=0, le=3
    )


class Buyer(_Section):
    """The buyer's procurement policy and valuation of compute."""

    tender_every_months: int = _param(6, "months", "Months between tenders.", ge=1)
    lead_months: int = _param(
        18, "months", "How far ahead a tender's capacity starts (and demand is forecast).", ge=1
    )
    term_months: int = _param(60, "months", "Length of each contract.", ge=1)
    safety_margin: float = _param(
        0.10, "1", "Fraction added to the demand forecast when sizing a tender.", ge=0, le=10
    )
    reserve_price: float = _param(
        20.0, "$B/GW-year", "Highest price the buyer accepts; bids above it are refused.", gt=0
    )
    value_of_unmet: float = _param(
        20.0, "$B/GW-year", "Value the buyer loses per GW-year of demand not served.", ge=0
    )
    discount_rate: float = _param(0.08, "1/year", "Annual rate for discounting spend.", ge=0, le=1)


class RuleChange(_Section):
    """A change of contract rule from a given month on."""

    date: Month = Field(description="First month the new rule applies to tenders issued.")
    rule: Rule = Field(description="Contract rule from this month on.")
    window_months: int | None = _param(
        None, "months", "Matching window from this month on (default: unchanged).", ge=0
    )


class Contract(_Section):
    """The contract rule: who may supply and whether a holder can match outside offers."""

    rule: Rule = Field("rofr", description="Contract rule: 'exclusive', 'rofr', 'rofo' or 'open'.")
    holder: str | None = Field(
        "azure", description="Provider holding the right (needed by all rules but 'open')."
    )
    window_months: int = _param(
        3, "months", "Months the holder has to match the best outside offer under 'rofr'.", ge=0
    )
    partial_match: bool = _param(
        True, "-", "Whether the holder may match only the part of a tender it can deliver."
    )
    changes: tuple[RuleChange, ...] = Field(
        (), description="Rule changes by date, in increasing order."
    )


class Bidding(_Section):
    """How providers set their prices, and how winners are paid."""

    mode: Literal["cost_plus", "strategic"] = Field(
        "cost_plus",
        description=(
            "Bidding rule: 'cost_plus' (price = cost x (1 + markup)) or 'strategic' "
            "(equilibrium bids given the contract rule; docs/economics.md)."
        ),
    )
    auction: Literal["first_price", "second_price"] = Field(
        "first_price",
        description=(
            "Payment rule: 'first_price' (pay as bid) or 'second_price' (winners are paid "
            "the price that clears the market: the lowest unused acceptable bid, or the "
            "reserve price)."
        ),
    )
    holder_available: float = _param(
        1.0,
        "1",
        "Probability that outside bidders assign to the holder being able to match "
        "(strategic bidding under 'rofr').",
        ge=0,
        le=1,
    )
    equilibrium: Literal["own_type", "exact"] = Field(
        "own_type",
        description=(
            "First-price bids of providers with different cost distributions: 'own_type' "
            "(each bids as among copies of itself; fast, approximate) or 'exact' (the "
            "asymmetric equilibrium, by shooting; up to ~15 s per rule; "
            "docs/economics.md)."
        ),
    )


class Costs(_Section):
    """Family of the per-tender cost shocks."""

    distribution: Literal["lognormal", "uniform"] = Field(
        "lognormal",
        description=(
            "Cost shock family: 'lognormal' (mean one, log-sd = cost_spread) or "
            "'uniform' (on 1 +/- cost_spread)."
        ),
    )


class CapacityPoint(_Section):
    """One point of a provider's capacity ceiling schedule."""

    date: Month = Field(description="Month of this point.")
    gw: float = _param(..., "GW", "Ceiling on capacity committed to the buyer at this month.", ge=0)


class Provider(_Section):
    """A cloud provider that can sell capacity to the buyer."""

    name: str = Field(
        description="Identifier (lower case letters, digits, underscores).",
        pattern=r"^[a-z][a-z0-9_]*$",
        strict=True,
    )
    base_cost: float = _param(..., "$B/GW-year", "Mean cost of supplying one GW for a year.", gt=0)
    cost_spread: float = _param(
        0.15, "1", "Spread of the per-tender cost shock (see costs.distribution).", ge=0, le=3
    )
    markup: float = _param(0.15, "1", "Markup over cost under cost-plus bidding.", ge=0)
    spare_gw: float = _param(0.0, "GW", "Capacity built and free for the buyer at the start.", ge=0)
    lead_time_months: float = _param(15.0, "months", "Median construction lead time.", ge=1, le=240)
    lead_time_spread: float = _param(
        0.25, "1", "Log-standard deviation of the construction lead time.", ge=0, le=3
    )
    capacity: tuple[CapacityPoint, ...] = Field(
        min_length=1,
        description=(
            "Ceiling on capacity committed to the buyer: points interpolated linearly, "
            "flat before the first and after the last."
        ),
    )


class InitialContract(_Section):
    """A contract signed before the scenario starts; its capacity is built by its start."""

    provider: str = Field(description="Provider supplying it.", strict=True)
    gw: float = _param(..., "GW", "Capacity contracted.", gt=0)
    price: float = _param(..., "$B/GW-year", "Price paid per GW-year delivered.", ge=0)
    start: Month | None = Field(None, description="First month of delivery (default: start).")
    end: Month = Field(description="First month after the contract ends.")


class Run(_Section):
    """Defaults for a run of the scenario."""

    paths: int = _param(1000, "-", "Monte Carlo paths simulated by default.", ge=1)
    seed: int = _param(20250121, "-", "Seed of the random inputs by default.", ge=0)


class Scenario(_Section):
    """A complete, validated market scenario.

    Build one with :func:`load_scenario` (from TOML) or :meth:`from_dict`; change one with
    :meth:`with_updates`. Instances are immutable and compare by value.

    Examples
    --------
    >>> sc = load_scenario()
    >>> sc.contract.rule, sc.contract.holder
    ('rofr', 'azure')
    >>> sc.with_updates({"contract.window_months": 6}).contract.window_months
    6
    """

    name: str = Field("scenario", description="Short name of the scenario.", strict=True)
    description: str = Field("", description="What the scenario represents.", strict=True)
    start: Month = Field("2025-01", description="First simulated month.")
    horizon_months: int = _param(120, "months", "Number of simulated months.", ge=1, le=1200)
    demand: Demand = Field(default_factory=Demand, description="Demand process.")
    buyer: Buyer = Field(default_factory=Buyer, description="Procurement policy.")
    contract: Contract = Field(default_factory=Contract, description="Contract rule.")
    bidding: Bidding = Field(default_factory=Bidding, description="Bidding rule.")
    costs: Costs = Field(default_factory=Costs, description="Cost shocks.")
    providers: tuple[Provider, ...] = Field(min_length=1, description="Providers.")
    initial_contracts: tuple[InitialContract, ...] = Field(
        (), description="Contracts in force or signed before the start."
    )
    run: Run = Field(default_factory=Run, description="Run defaults.")

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems = list(_consistency_problems(self))
        if problems:
            raise _InconsistentError(problems)
        return self

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str | None = None) -> Scenario:
        """Validate a mapping (as read from TOML) into a scenario.

        Parameters
        ----------
        data : mapping
            The scenario's tables and values.
        source : str, optional
            Where the data came from, named in error messages.

        Returns
        -------
        Scenario

        Raises
        ------
        ScenarioError
            Listing every problem, each with its field path, value and what is allowed.
        """
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise ScenarioError(_problems_from(exc, data), source) from None

    def with_updates(self, updates: Mapping[str, Any]) -> Scenario:
        """Return a validated copy with some parameters changed.

        Parameters
        ----------
        updates : mapping of str to object
            Dotted parameter paths and their new values. List items are named by index or,
            for providers, by name: ``"providers.oracle.base_cost"``, ``"providers[1].markup"``.

        Returns
        -------
        Scenario

        Raises
        ------
        ScenarioError
            If a path names no parameter or a new value is invalid.

        Examples
        --------
        >>> sc = load_scenario().with_updates({"providers.oracle.base_cost": 9.0})
        >>> sc.provider("oracle").base_cost
        9.0
        """
        data = self.model_dump(mode="python")
        problems = []
        for path, value in updates.items():
            try:
                _set_path(data, path, value)
            except KeyError as exc:
                problems.append(Problem(path, value, str(exc.args[0])))
        if problems:
            raise ScenarioError(problems, "update")
        return Scenario.from_dict(data, source="update")

    # -- output ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The scenario as plain TOML-compatible data (``None`` values left out)."""
        return _drop_none(self.model_dump(mode="json"))

    def to_toml(self) -> str:
        """The scenario as TOML text; :func:`load_scenario` reads it back unchanged.

        Examples
        --------
        >>> sc = load_scenario()
        >>> Scenario.from_dict(tomllib.loads(sc.to_toml())) == sc
        True
        """
        return tomli_w.dumps(self.to_dict())

    @property
    def content_hash(self) -> str:
        """SHA-256 of the scenario's canonical JSON form: equal scenarios, equal hashes."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    # -- conveniences ---------------------------------------------------------------------
    @property
    def provider_names(self) -> tuple[str, ...]:
        """Names of the providers, in file order."""
        return tuple(p.name for p in self.providers)

    def provider(self, name: str) -> Provider:
        """The provider called ``name``.

        Raises
        ------
        KeyError
            If there is no such provider.
        """
        for item in self.providers:
            if item.name == name:
                return item
        raise KeyError(f"no provider {name!r}; providers are {list(self.provider_names)}")


class _InconsistentError(ValueError):
    """Carries cross-field problems through pydantic's error wrapping."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _consistency_problems(sc: Scenario) -> Iterator[Problem]:
    """Checks that involve more than one field."""
    names = sc.provider_names
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            yield Problem(f"providers[{i}].name", name, "provider names must be unique")
        seen.add(name)
    rules = {sc.contract.rule, *(c.rule for c in sc.contract.changes)}
    holder = sc.contract.holder
    if holder is None and rules & _HOLDER_RULES:
        yield Problem(
            "contract.holder", None, f"rules {sorted(rules & _HOLDER_RULES)} need a holder"
        )
    elif holder is not None and holder not in names:
        yield Problem("contract.holder", holder, f"must be one of the providers {list(names)}")
    lead = sc.buyer.lead_months
    if sc.contract.window_months > lead:
        yield Problem(
            "contract.window_months",
            sc.contract.window_months,
            f"must not exceed buyer.lead_months ({lead}): the window would end after "
            "the capacity is due",
        )
    end = sc.horizon_months
    previous = 0
    for i, change in enumerate(sc.contract.changes):
        at = month_index(change.date, sc.start)
        if not previous < at < end:
            yield Problem(
                f"contract.changes[{i}].date",
                change.date,
                "must fall after the start, after any earlier change, and inside the horizon",
            )
        previous = max(previous, at)
        if change.window_months is not None and change.window_months > lead:
            yield Problem(
                f"contract.changes[{i}].window_months",
                change.window_months,
                f"must not exceed buyer.lead_months ({lead})",
            )
    for i, prov in enumerate(sc.providers):
        if sc.costs.distribution == "uniform" and prov.cost_spread >= 1:
            yield Problem(
                f"providers[{i}].cost_spread",
                prov.cost_spread,
                "must be below 1 with uniform costs, so that every cost is positive",
            )
        months = [month_index(p.date, sc.start) for p in prov.capacity]
        for j in range(1, len(months)):
            if months[j] <= months[j - 1]:
                yield Problem(
                    f"providers[{i}].capacity[{j}].date",
                    prov.capacity[j].date,
                    "capacity points must be in strictly increasing date order",
                )
    for i, con in enumerate(sc.initial_contracts):
        if con.provider not in names:
            yield Problem(
                f"initial_contracts[{i}].provider",
                con.provider,
                f"must be one of the providers {list(names)}",
            )
        begin = month_index(con.start or sc.start, sc.start)
        if month_index(con.end, sc.start) <= max(begin, 0):
            yield Problem(
                f"initial_contracts[{i}].end",
                con.end,
                "must come after the contract's start and after the scenario's start",
            )


# -- error translation --------------------------------------------------------------------
def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _lookup(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _model_at(loc: tuple[Any, ...], root: type[BaseModel] | None = None) -> type[BaseModel] | None:
    """The model class whose field the location ``loc`` names, if any."""
    model: Any = Scenario if root is None else root
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if model is None:
            return None
    return model


def _problems_from(
    exc: ValidationError, data: Mapping[str, Any], root: type[BaseModel] | None = None
) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors():
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, _InconsistentError):
            problems.extend(cause.problems)
            continue
        loc = tuple(err["loc"])
        value = _lookup(data, loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            model = _model_at(loc[:-1], root)
            allowed = sorted(model.model_fields) if model else []
            message = f"unknown key; allowed here: {', '.join(allowed)}"
        elif kind == "missing":
            message = "required but missing"
        else:
            message = err["msg"].replace("Input should be", "must be").replace("Value error, ", "")
        problems.append(Problem(_dotted(loc), value, message))
    return problems


# -- dotted updates -----------------------------------------------------------------------
def _split_path(path: str) -> list[str]:
    parts: list[str] = []
    for chunk in path.split("."):
        while "[" in chunk and chunk.endswith("]"):
            head, _, index = chunk.partition("[")
            if head:
                parts.append(head)
            chunk = "[" + index
            inner, _, rest = chunk[1:].partition("]")
            parts.append(inner)
            chunk = rest
        if chunk:
            parts.append(chunk)
    return parts


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = _split_path(path)
    if not parts:
        raise KeyError("empty parameter path")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[:depth]) or "the scenario"
        if isinstance(node, dict):
            if part not in node:
                raise KeyError(
                    f"no parameter {part!r} in {where}; known: {', '.join(sorted(node))}"
                )
            if last:
                node[part] = value
            else:
                node[part] = _mutable(node[part])
                node = node[part]
        elif isinstance(node, list):
            index = _list_index(node, part, where)
            if last:
                node[index] = value
            else:
                node[index] = _mutable(node[index])
                node = node[index]
        else:
            raise KeyError(f"{where} is a value, not a table")


def _mutable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [copy.deepcopy(v) for v in value]
    return value


def _list_index(items: list[Any], part: str, where: str) -> int:
    if part.lstrip("-").isdigit():
        index = int(part)
        if -len(items) <= index < len(items):
            return index % len(items)
        raise KeyError(f"{where} has {len(items)} items; index {index} is out of range")
    names = [item.get("name") for item in items if isinstance(item, dict)]
    if part in names:
        return names.index(part)
    raise KeyError(f"no item named {part!r} in {where}; names: {', '.join(map(str, names))}")


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(v) for v in value]
    return value


# -- loading ------------------------------------------------------------------------------
def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped with the package.

    Examples
    --------
    >>> "baseline" in shipped_scenarios()
    True
    """
    folder = resources.files("computemarket") / "scenarios"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Read and validate a scenario.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file, or the name of a shipped scenario (``"baseline"``, ``"open"``, ...).
        Without it, the default scenario: ``baseline``.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If the file is missing, is not valid TOML, or describes an invalid scenario.

    Examples
    --------
    >>> load_scenario().name
    'baseline'
    >>> load_scenario("open").contract.rule
    'open'
    """
    if path is None:
        path = "baseline"
    candidate = Path(path)
    if not candidate.exists() and str(path) in shipped_scenarios():
        text = (resources.files("computemarket") / "scenarios" / f"{path}.toml").read_text()
        return _from_text(text, f"{path} (shipped)")
    try:
        text = candidate.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = ", ".join(shipped_scenarios())
        raise ScenarioError(
            [Problem("", str(path), f"no such file, nor a shipped scenario ({known})")], str(path)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem("", str(path), f"cannot be read: {exc}")], str(path)) from None
    return _from_text(text, str(path))


def _from_text(text: str, source: str) -> Scenario:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([Problem("", None, f"not valid TOML: {exc}")], source) from None
    return Scenario.from_dict(data, source)


def parameter_table() -> list[dict[str, str]]:
    """Every scenario parameter with its unit, default and description.

    Returns
    -------
    list of dict
        One row per parameter, with keys ``path``, ``unit``, ``default`` and ``description``;
        list items appear once with ``[]`` in the path.

    Examples
    --------
    >>> rows = {row["path"]: row for row in parameter_table()}
    >>> rows["demand.volatility"]["unit"]
    '1/sqrt(year)'
    """
    rows: list[dict[str, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            path = f"{prefix}{name}"
            annotation = field.annotation
            args = getattr(annotation, "__args__", ())
            sub = next(
                (
                    c
                    for c in [annotation, *args]
                    if isinstance(c, type) and issubclass(c, BaseModel)
                ),
                None,
            )
            if sub is not None:
                is_list = getattr(annotation, "__origin__", None) is tuple
                walk(sub, f"{path}[]." if is_list else f"{path}.")
                continue
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            default = "required" if field.is_required() else repr(field.get_default())
            rows.append(
                {
                    "path": path,
                    "unit": str(extra.get("unit", "-")),
                    "default": default,
                    "description": field.description or "",
                }
            )

    walk(Scenario, "")
    return rows
