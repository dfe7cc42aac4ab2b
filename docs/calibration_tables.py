"""Write the generated sections of docs/calibration.md from the shipped files.

Two sections are generated, each between its markers in calibration.md:

- every number of ``scenarios/history.toml`` (the default) with the source its comment
  names (``history_table``);
- the backtest: the dated facts of 2025-2026 beside the model's median and 90% band
  under the default (``backtest_section``, the output of ``computemarket backtest
  --markdown``).

Run ``python docs/calibration_tables.py`` after changing either; a test checks that the
file is up to date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
MARKERS = {
    "history": ("<!-- generated: history table -->", "<!-- end: history table -->"),
    "backtest": ("<!-- generated: backtest -->", "<!-- end: backtest -->"),
}
BACKTEST_PATHS = 1000

_KEY = re.compile(r"^\s*([a-z_]+)\s*=\s*([^#]+?)\s*(?:#\s*(.*))?$")
_POINT = re.compile(
    r"^\s*\{\s*date\s*=\s*\"([0-9-]+)\",\s*gw\s*=\s*([0-9._eE+-]+)\s*\},?\s*(?:#\s*(.*))?$"
)
#: A TOML number: sign, digits with underscores, a fraction, an exponent.
_NUMBER = r"[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?"
_TABLE = re.compile(r"^\s*\[\[?([a-z_.]+)\]\]?\s*(?:#.*)?$")


def history_rows(path: Path = ROOT / "scenarios" / "history.toml") -> list[tuple[str, str, str]]:
    """``(parameter, value, source)`` for every number, month or schedule point of a file."""
    rows: list[tuple[str, str, str]] = []
    table, provider, listing, counts = "", "", "", {}
    for line in path.read_text().splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        if head := _TABLE.match(line):
            table = head.group(1)
            counts[table] = counts.get(table, 0) + 1
            provider, listing = "", ""
            continue
        if point := _POINT.match(line):
            where = f"{listing}[{point.group(1)}]"
            rows.append((where, f"{point.group(2)} GW", point.group(3) or ""))
            continue
        if key := _KEY.match(line):
            name, value, source = key.group(1), key.group(2), key.group(3) or ""
            if name == "name" and table == "providers":
                provider = value.strip('"')
                continue
            where = f"providers.{provider}" if table == "providers" else table
            if table == "initial_contracts":
                where = f"initial_contracts[{counts[table] - 1}]"
            full = f"{where}.{name}" if where else name
            if value == "[":
                listing = full
                continue
            number = re.fullmatch(_NUMBER, value) and name not in ("paths", "seed")
            if number or re.fullmatch(r'"[0-9]{4}-[0-9]{2}"', value):
                rows.append((full, value, source))
    return rows


def history_table() -> str:
    """The Markdown table of :func:`history_rows`."""
    lines = ["| parameter | value | source (the file's comment) |", "|---|---|---|"]
    for parameter, value, source in history_rows():
        lines.append(f"| `{parameter}` | {value} | {source.replace('|', '/')} |")
    return "\n".join(lines)


def backtest_section(paths: int = BACKTEST_PATHS) -> str:
    """The backtest table under the default scenario, as ``computemarket backtest`` prints it."""
    from computemarket.experiments.backtest import backtest, backtest_table

    result = backtest(paths=paths)
    head = (
        f"`computemarket backtest --paths {paths} --markdown` ({result.attrs['scenario_name']}, "
        f"seed {result.attrs['seed']}):"
    )
    return head + "\n\n" + backtest_table(result, markdown=True)


def render(text: str) -> str:
    """``text`` (calibration.md) with both generated sections written afresh."""
    for name, content in (("history", history_table()), ("backtest", backtest_section())):
        begin, end = MARKERS[name]
        pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise SystemExit(f"calibration.md has no {begin} ... {end} markers")
        block = f"{begin}\n{content}\n{end}"
        text = pattern.sub(lambda _, block=block: block, text)
    return text


def main() -> int:
    """Rewrite calibration.md's generated sections; say whether anything changed."""
    target = DOCS / "calibration.md"
    text = target.read_text()
    new = render(text)
    if new != text:
        target.write_text(new)
        print(f"wrote {target}")
    else:
        print(f"{target} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
