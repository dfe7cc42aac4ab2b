"""Contract rules: their names, the integer codes the engines use, and which need a holder."""

from __future__ import annotations

from typing import Literal

__all__ = ["EXCLUSIVE", "HOLDER_RULES", "OPEN", "ROFO", "ROFR", "RULES", "Rule"]

#: Contract rules the engines implement, in the order of their integer codes.
RULES: tuple[str, ...] = ("exclusive", "rofr", "open", "rofo")
#: The integer code of each rule (its index in :data:`RULES`).
EXCLUSIVE, ROFR, OPEN, ROFO = (RULES.index(r) for r in ("exclusive", "rofr", "open", "rofo"))
#: Rules under which one provider holds a right and must be named as ``contract.holder``.
HOLDER_RULES = frozenset({"exclusive", "rofr", "rofo"})

Rule = Literal["exclusive", "rofr", "open", "rofo"]
