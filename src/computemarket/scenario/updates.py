"""Dotted parameter paths: how ``Scenario.with_updates`` finds and sets a value.

A path names tables by key and list items by index or, for items with a ``name``, by
name: ``providers.oracle.base_cost``, ``providers[1].capacity[0].gw``. Setting a new
name of a list of named tables to a table adds that item (``providers.google``); setting
an item to ``None`` removes it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

__all__ = ["drop_none", "get_path", "set_path", "split_path"]


def split_path(path: str) -> list[str]:
    """The parts of a dotted path: ``"a.b[2].c"`` gives ``["a", "b", "2", "c"]``."""
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


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at the dotted ``path`` of ``data``; KeyError naming what is there if none."""
    parts = split_path(path)
    if not parts:
        raise KeyError("empty parameter path")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[:depth]) or "the scenario"
        if isinstance(node, dict):
            if isinstance(node, _NewTable):
                node.setdefault(part, None)
            if part not in node:
                raise KeyError(
                    f"no parameter {part!r} in {where}; known: {', '.join(sorted(node))}"
                )
            if last:
                node[part] = value
            else:
                # An optional table not set yet (None) is entered as an empty one, so that
                # ``providers.aws.entry.cost`` can set an entry table; validation then asks
                # for its other required fields.
                node[part] = _NewTable() if node[part] is None else _mutable(node[part])
                node = node[part]
        elif isinstance(node, list):
            if last and _adds(node, part, value):
                node.append({"name": part, **value})
                return
            index = _list_index(node, part, where)
            if last and value is None:
                del node[index]  # an item set to None is removed
            elif last:
                node[index] = value
            else:
                node[index] = _mutable(node[index])
                node = node[index]
        else:
            raise KeyError(f"{where} is a value, not a table")


def _adds(items: list[Any], part: str, value: Any) -> bool:
    """Whether setting ``part`` of a list of named tables to ``value`` adds a new item."""
    names = [item.get("name") for item in items if isinstance(item, dict)]
    named = bool(names) and len(names) == len(items)
    return (
        named
        and isinstance(value, Mapping)
        and not part.lstrip("-").isdigit()
        and part not in names
        and value.get("name", part) == part
    )


def get_path(data: dict[str, Any], path: str) -> Any:
    """The value at the dotted ``path`` of ``data``; KeyError naming what is there if none."""
    parts = split_path(path)
    if not parts:
        raise KeyError("empty parameter path")
    node: Any = data
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth]) or "the scenario"
        if isinstance(node, dict):
            if part not in node:
                raise KeyError(
                    f"no parameter {part!r} in {where}; known: {', '.join(sorted(node))}"
                )
            node = node[part]
        elif isinstance(node, list | tuple):
            node = node[_list_index(list(node), part, where)]
        else:
            raise KeyError(f"{where} is a value, not a table")
    return node


class _NewTable(dict):
    """A table that was unset (None) before an update entered it: any key may be added."""


def _all_none(table: dict[str, Any]) -> bool:
    """Whether every value of ``table``, through its sub-tables, is None."""
    return all(v is None or (isinstance(v, dict) and _all_none(v)) for v in table.values())


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


def drop_none(value: Any) -> Any:
    """``value`` with every ``None`` left out of its tables (TOML has no null).

    A table all of whose values are ``None`` is left out too, rather than written empty.

    Examples
    --------
    >>> drop_none({"a": 1, "b": None, "c": {"d": None}, "e": [{"f": None}], "g": {}})
    {'a': 1, 'e': [{}], 'g': {}}
    """
    if isinstance(value, dict):
        return {
            k: drop_none(v)
            for k, v in value.items()
            if v is not None and not (isinstance(v, dict) and v and _all_none(v))
        }
    if isinstance(value, list | tuple):
        return [drop_none(v) for v in value]
    return value
