"""Reading TOML files and nested inputs safely: every failure a :class:`ScenarioError`.

Scenario files and sweep files are read here, so that a folder, a file that is not UTF-8
text, an oversized file, TOML that does not parse and values nested too deeply for any
scenario are refused with the file named and what is wrong, never with a traceback from
the reader or a recursion error from validation.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from computemarket.errors import Problem, ScenarioError

__all__ = ["MOST_BYTES", "MOST_DEPTH", "check_depth", "parse_toml", "read_toml"]

#: Largest TOML file read (bytes): scenarios and sweep files are a few kilobytes.
MOST_BYTES = 16 * 2**20
#: Deepest nesting of tables and lists accepted (scenarios use four levels).
MOST_DEPTH = 16


def read_toml(path: str | Path, what: str = "file") -> tuple[dict[str, Any], str]:
    """The tables of the TOML file ``path``, and its text.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file is meant to be, for messages ("scenario file", "sweep file").

    Returns
    -------
    data : dict
    text : str

    Raises
    ------
    ScenarioError
        If the file is missing, a folder, unreadable, larger than :data:`MOST_BYTES`, not
        UTF-8, not TOML, or nested deeper than :data:`MOST_DEPTH`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> read_toml(folder, "sweep file")
    Traceback (most recent call last):
    ...
    computemarket.errors.ScenarioError: ...: 1 problem
      is a folder, not a sweep file
    """
    source = str(path)
    path = Path(path)

    def refuse(message: str) -> ScenarioError:
        return ScenarioError([Problem("", None, message)], source)

    try:
        folder = path.is_dir()
    except (OSError, ValueError):
        folder = False
    if folder:
        raise refuse(f"is a folder, not a {what}")
    try:
        with path.open("rb") as file:
            raw = file.read(MOST_BYTES + 1)
    except FileNotFoundError:
        raise refuse(f"no such {what}") from None
    except OSError as exc:
        raise refuse(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    except ValueError:  # a path with a NUL byte
        raise refuse("is not a usable file name") from None
    if len(raw) > MOST_BYTES:
        raise refuse(f"is larger than {MOST_BYTES // 2**20} MiB; a {what} is a few kilobytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(f"is not UTF-8 text (byte {exc.start}); TOML files are UTF-8") from None
    return parse_toml(text, source), text


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML ``text`` from ``source``, refusing bad syntax and deep nesting cleanly.

    Examples
    --------
    >>> parse_toml("a = 1", "x.toml")
    {'a': 1}
    >>> parse_toml("a = " + "[" * 40 + "]" * 40, "x.toml")
    Traceback (most recent call last):
    ...
    computemarket.errors.ScenarioError: x.toml: 1 problem
      a[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: nested deeper than 16 levels; ...
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([Problem("", None, f"not valid TOML: {exc}")], source) from None
    except RecursionError:
        raise ScenarioError(
            [
                Problem(
                    "",
                    None,
                    f"cannot be read: nested far deeper than {MOST_DEPTH} levels; no "
                    "scenario or sweep field is",
                )
            ],
            source,
        ) from None
    check_depth(data, source)
    return data


def check_depth(data: Any, source: str | None = None) -> None:
    """Refuse tables and lists nested deeper than :data:`MOST_DEPTH`, naming where.

    Walks without recursion, so any depth is measured safely.

    Examples
    --------
    >>> check_depth({"demand": {"initial_gw": 1.0}})
    """
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, Mapping):
            children = [(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()]
        elif isinstance(value, list | tuple):
            children = [(v, f"{where}[{i}]") for i, v in enumerate(value)]
        else:
            continue
        if depth >= MOST_DEPTH and children:
            raise ScenarioError(
                [
                    Problem(
                        where,
                        None,
                        f"nested deeper than {MOST_DEPTH} levels; no scenario or sweep field is",
                        show_value=False,
                    )
                ],
                source,
            )
        stack.extend((v, w, depth + 1) for v, w in children)
