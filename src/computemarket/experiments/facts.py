"""The dated facts of 2025-2026 that the backtest holds the model to.

Each :class:`Fact` is one figure from ``shared/CALIBRATION.md``, graded as there, with the
range the source allows and the model quantity it is compared with. :data:`FACTS` is the
list :func:`computemarket.backtest` checks by default; add a fact here, with its row.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FACTS", "MEASURES", "Fact"]

#: What a fact can be compared with; see :attr:`Fact.measure`.
MEASURES = ("online", "contracted", "signed", "spend", "rise")


@dataclass(frozen=True)
class Fact:
    """One dated fact and the model quantity it is checked against.

    Parameters
    ----------
    name : str
        Short label.
    source : str
        The row of ``shared/CALIBRATION.md`` (``"C9 Microsoft RPO"``), or a derivation from rows.
    grade : str
        ``"P"``, ``"R"`` or ``"A"`` (the row's confidence grade).
    measure : str
        ``"online"``: GW delivered in month ``end``; ``"contracted"``: GW contracted by the
        end of month ``end`` (every initial contract, whatever its start, plus the awards of
        tenders decided by then);
        ``"signed"``: GW awarded in tenders decided from ``start`` to ``end``;
        ``"spend"``: the buyer's payments from ``start`` to ``end``, both months included ($B;
        over the whole market it includes compute bought outside the tenders);
        ``"rise"``: the rise in GW delivered from the month before ``start`` to ``end``.
    start, end : str
        Months ``"YYYY-MM"`` (``start`` is unused by ``online`` and ``contracted``).
    low, high : float
        The range of the fact in the measure's unit (GW or $B).
    providers : tuple of str
        Providers the measure sums over; empty: all.
    calibrated : bool
        Whether a default of the shipped scenario was set from this fact.
    note : str
        How the range follows from the source.
    tested : bool
        Whether the check of P-graded facts holds the model to it; False for a fact shown
        to mark a known limit of the model, which ``note`` names.

    Examples
    --------
    >>> fact = Fact("online", "C5 Compute online", "P", "online", "2025-12", "2025-12", 1.8, 2.0)
    >>> fact.unit
    'GW'
    """

    name: str
    source: str
    grade: str
    measure: str
    start: str
    end: str
    low: float
    high: float
    providers: tuple[str, ...] = ()
    calibrated: bool = False
    note: str = ""
    tested: bool = True

    @property
    def unit(self) -> str:
        """The unit of the fact's measure.

        Returns
        -------
        str
            ``"$B"`` for spend, ``"GW"`` otherwise.

        Examples
        --------
        >>> FACTS[1].unit
        '$B'
        """
        return "$B" if self.measure == "spend" else "GW"


#: The facts of 2025-2026 the model can speak to, from shared/CALIBRATION.md.
FACTS: tuple[Fact, ...] = (
    Fact(
        "compute online, end-2025",
        "C5 Compute online",
        "P",
        "online",
        "2025-12",
        "2025-12",
        1.8,
        2.0,
        calibrated=True,
        note="~1.9 GW (CFO), read as 1.8-2.0",
    ),
    Fact(
        "Microsoft FY26 OpenAI revenue, compute part",
        "C9 Microsoft RPO; C9 Revenue",
        "P",
        "spend",
        "2025-07",
        "2026-06",
        19.0,
        21.5,
        ("azure",),
        calibrated=True,
        note="$24.1B less the ~20% revenue share on ~$20-22B of OpenAI revenue (C9 Product "
        "first-ship right; C9 Revenue), widened for other items",
    ),
    Fact(
        "contracted by April 2026",
        "C9 10 GW US target passed",
        "P",
        "contracted",
        "2026-04",
        "2026-04",
        10.0,
        12.0,
        note="passed 10 GW (contracted, not energised) on 2026-04-29; >3 GW added in 90 days",
    ),
    Fact(
        "Oracle deliveries, Jun-Aug 2026",
        "C9 Oracle RPO and deliveries",
        "P",
        "rise",
        "2026-06",
        "2026-08",
        0.0,
        0.85,
        ("oracle",),
        note="850 MW delivered to all customers in the quarter: OpenAI's part is at most that",
    ),
    Fact(
        "Abilene at 1.2 GW, end-2026",
        "C9 Abilene slip",
        "A",
        "online",
        "2026-12",
        "2026-12",
        1.2,
        1.6,
        ("oracle",),
        calibrated=True,
        note="1.2 GW due Q3-Q4 2026; Oracle's other OpenAI sites start in 2027",
    ),
    Fact(
        "compute spend 2026",
        "C9 Compute spend 2026",
        "R",
        "spend",
        "2026-01",
        "2026-12",
        45.0,
        55.0,
        note="~$50B (sworn testimony)",
    ),
    Fact(
        "compute and infrastructure 2026-30",
        "C9 Compute + infrastructure 2026-30",
        "R",
        "spend",
        "2026-01",
        "2030-12",
        600.0,
        860.0,
        note="~$856B including some infrastructure: compute alone taken as 70-100% of it",
    ),
    Fact(
        "AWS, end-2028",
        "C9 AWS confirmed",
        "P",
        "online",
        "2028-12",
        "2028-12",
        2.0,
        2.6,
        ("aws", "aws_trainium"),
        note="~0.4 GW of GPUs by end-2026 plus ~2 GW of Trainium from 2027 (aws and aws_trainium)",
    ),
    Fact(
        "Cerebras, end-2028",
        "C4 Cerebras; C9 Cerebras",
        "P",
        "online",
        "2028-12",
        "2028-12",
        0.6,
        0.9,
        ("cerebras",),
        note="750 MW through 2028",
    ),
    Fact(
        "Azure contracted by end-2025",
        "C1 ROFR ends",
        "P",
        "contracted",
        "2025-12",
        "2025-12",
        3.0,
        5.0,
        ("azure",),
        note="+$250B of Azure services (2025-10-28) on ~1.5 GW: ~3 GW more at ~13 $B/GW-yr "
        "over 6-7 years, read as 3-5 GW in all",
    ),
    Fact(
        "CoreWeave contracted by October 2025",
        "C4 CoreWeave",
        "P",
        "contracted",
        "2025-10",
        "2025-10",
        0.3,
        0.4,
        ("coreweave",),
        calibrated=True,
        note="$22.4B over 5 years at ~12.8 $B/GW-yr: ~0.35 GW",
    ),
    Fact(
        "CoreWeave signed in 2026",
        "C9 CoreWeave",
        "P",
        "signed",
        "2026-01",
        "2026-12",
        0.0,
        0.05,
        ("coreweave",),
        note="no new OpenAI contract found in 2026 (total stays $22.4B)",
    ),
    Fact(
        "Milam County in service, end-2026",
        "C9 Milam County",
        "P",
        "online",
        "2026-12",
        "2026-12",
        0.1,
        1.2,
        ("stargate",),
        note="SB Energy's 1.2 GW, service from 2026: the 9-month tenders, and a fit-out lead "
        "for the SoftBank sites, whose shells and power are in their schedule",
    ),
    Fact(
        "AWS contracted by July 2026",
        "C9 AWS confirmed",
        "P",
        "contracted",
        "2026-07",
        "2026-07",
        2.2,
        2.6,
        ("aws", "aws_trainium"),
        note="~0.4 GW of GPUs plus ~2 GW of Trainium, ramping to 2028: the model's tenders "
        "at 18 and 30 months ahead (buyer.ramp_lead_months)",
    ),
    Fact(
        "Cerebras contracted by May 2026",
        "C9 Cerebras",
        "P",
        "contracted",
        "2026-05",
        "2026-05",
        0.75,
        0.8,
        ("cerebras",),
        note="750 MW through 2028, signed 2026-01: the ramp, as AWS",
    ),
    Fact(
        "Oracle contracted by end-2025",
        "C3 Contract size",
        "R",
        "contracted",
        "2025-12",
        "2025-12",
        4.7,
        5.5,
        ("oracle",),
        tested=False,
        note="4.5 GW from 2027 plus Abilene's 1.2. Not held to it: a tender's award is capped "
        "by Oracle's pipeline at the contract's start, and the pipeline has the sites' "
        "~6-month slip (4.5 GW only by 2028-07), so the 30-month tenders of 2025 find ~3.5 GW",
    ),
)
