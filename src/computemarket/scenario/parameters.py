"""The table of every scenario parameter, with its unit, default and description."""

from __future__ import annotations

from pydantic import BaseModel

from computemarket.scenario.schema import Scenario

__all__ = ["parameter_table"]


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
