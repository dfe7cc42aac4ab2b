"""Pydantic's validation errors translated into :class:`~computemarket.errors.Problem` lists.

Every problem names the dotted path of the field (``providers[1].base_cost``), the value
found there and what is allowed, so that a user sees every mistake in a file at once.
The scenario schema and the sweep-file schema share this translation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from computemarket.errors import Problem

__all__ = ["CrossFieldError", "problems_from"]


class CrossFieldError(ValueError):
    """Carries cross-field problems through pydantic's error wrapping."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


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


def _model_at(loc: tuple[Any, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    """The model class whose field the location ``loc`` names, if any."""
    model: Any = root
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


def _holds_table(value: Any) -> bool:
    """Whether ``value`` is a table or a list holding one (at any depth)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            return True
        if isinstance(item, list | tuple):
            stack.extend(item)
    return False


def problems_from(
    exc: ValidationError, data: Mapping[str, Any], root: type[BaseModel]
) -> list[Problem]:
    """The problems of a pydantic error on ``data``, validated against the model ``root``."""
    problems: list[Problem] = []
    for err in exc.errors():
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, CrossFieldError):
            problems.extend(cause.problems)
            continue
        loc = tuple(err["loc"])
        value = _lookup(data, loc)
        kind = err["type"]
        # Not the values of unknown keys, nor tables or lists of them (they may hold such
        # keys): those are named, not echoed.
        shown = kind != "extra_forbidden" and not _holds_table(value)
        if kind == "extra_forbidden":
            model = _model_at(loc[:-1], root)
            allowed = sorted(model.model_fields) if model else []
            message = f"unknown key; allowed here: {', '.join(allowed)}"
        elif kind == "missing":
            message = "required but missing"
        else:
            message = err["msg"].replace("Input should be", "must be").replace("Value error, ", "")
        problems.append(Problem(_dotted(loc), value, message, show_value=shown))
    return problems
