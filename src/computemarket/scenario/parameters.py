"""The table of every scenario parameter, with its unit, bounds, default and description."""

from __future__ import annotations

import annotated_types
from pydantic import BaseModel

from computemarket.scenario.schema import Scenario
from computemarket.scenario.updates import get_path

__all__ = ["parameter_table"]

_SYMBOLS = (
    (annotated_types.Gt, "gt", ">"),
    (annotated_types.Ge, "ge", ">="),
    (annotated_types.Lt, "lt", "<"),
    (annotated_types.Le, "le", "<="),
)


def parameter_table(scenario: Scenario | None = None) -> list[dict[str, str]]:
    """Every scenario parameter with its unit, bounds, default and description.

    Parameters
    ----------
    scenario : Scenario, optional
        With a scenario, list items appear once each, by name where they have one
        (``providers.oracle.base_cost``) and by index otherwise
        (``initial_contracts[0].gw``), each with its ``value`` in that scenario: the
        paths :meth:`Scenario.with_updates` and :meth:`Scenario.get` take. Without one,
        list items appear once with ``[]`` in the path.

    Returns
    -------
    list of dict
        One row per parameter, with keys ``path``, ``unit``, ``bounds`` (for instance
        ``"> 0, <= 1e+06"``; empty where there are none), ``default`` and
        ``description``, and ``value`` with a scenario.

    Examples
    --------
    >>> rows = {row["path"]: row for row in parameter_table()}
    >>> rows["demand.volatility"]["unit"], rows["demand.volatility"]["bounds"]
    ('1/sqrt(year)', '>= 0, <= 3')
    >>> from computemarket import load_scenario
    >>> named = {row["path"]: row for row in parameter_table(load_scenario())}
    >>> named["providers.oracle.base_cost"]["value"]
    '11.0'
    """
    rows: list[dict[str, str]] = []
    data = scenario.model_dump(mode="python") if scenario is not None else None

    def items(path: str) -> list[str]:
        """The paths of a list's items in ``scenario``: by name, else by index."""
        if data is None:
            return [f"{path}[]"]
        found = get_path(data, path)
        return [
            f"{path}.{item['name']}"
            if isinstance(item, dict) and "name" in item
            else f"{path}[{i}]"
            for i, item in enumerate(found)
        ]

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
                if getattr(annotation, "__origin__", None) is tuple:
                    for item in items(path):
                        walk(sub, f"{item}.")
                elif data is None or get_path(data, path) is not None:
                    walk(sub, f"{path}.")  # an optional table absent here has no rows
                continue
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            row = {
                "path": path,
                "unit": str(extra.get("unit", "-")),
                "bounds": _bounds(field.metadata),
                "default": "required" if field.is_required() else repr(field.get_default()),
                "description": field.description or "",
            }
            if data is not None:
                row["value"] = repr(get_path(data, path))
            rows.append(row)

    walk(Scenario, "")
    return rows


def _bounds(metadata: list) -> str:
    """A field's numeric bounds as text, ``"> 0, <= 1e+06"``."""
    parts = []
    for kind, attribute, symbol in _SYMBOLS:
        for item in metadata:
            if isinstance(item, kind):
                bound = getattr(item, attribute)
                parts.append(
                    f"{symbol} {bound:g}" if isinstance(bound, float) else f"{symbol} {bound}"
                )
    return ", ".join(parts)
