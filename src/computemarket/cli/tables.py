"""Tables the command line prints: a summary, and a comparison of rules."""

from __future__ import annotations

import xarray as xr

from computemarket.results.units import label as unit_label

__all__ = ["comparison_table", "summary_table"]

_ROWS = (
    ("total_spend", "Buyer's spend (PV)"),
    ("unit_cost", "Unit cost"),
    ("shortfall_gw_months", "Shortfall"),
    ("served_fraction", "Demand served"),
    ("elsewhere_cost", "Compute bought elsewhere (PV)"),
    ("lost_cost", "Value of demand lost (PV)"),
    ("unmet_cost", "Cost of the shortfall (PV)"),
    ("total_cost", "Spend + shortfall (PV)"),
    ("buyer_surplus", "Buyer's surplus (PV)"),
    ("holder_surplus", "Holder's surplus (PV)"),
    ("outsider_surplus", "Outsiders' surplus (PV)"),
    ("holder_match_rate", "Holder match rate"),
    ("holder_price_premium", "Holder's price premium"),
    ("inefficient_award_rate", "Inefficient award rate"),
    ("late_gw_months", "Capacity late"),
    ("hhi", "HHI of delivered GW"),
    ("hhi_contracted", "HHI of contracted GW"),
    ("providers_in_market", "Providers in the market at end"),
    ("revenue", "Revenue (PV)"),
    ("share", "Share of delivered GW"),
    ("developed_gw", "Developed at end"),
    ("capex_spent", "Capex (PV)"),
    ("provider_profit", "Profit after capex (PV)"),
    ("entry_month", "Month of entry"),
)


def summary_table(summary: xr.Dataset) -> str:
    """The rows of :data:`_ROWS` with each statistic across paths, as text."""
    stats = ["mean", "std_error", "q05", "q50", "q95"]
    rows = []
    for name, label in _ROWS:
        var = summary[f"{name}_stats"]
        unit = unit_label(var.attrs["units"])
        if "provider" in var.dims:
            rows += [(f"{label}: {p}", unit, var.sel(provider=p)) for p in var["provider"].values]
        else:
            rows.append((label, unit, var))
    width = max(34, *(len(text) + 1 for text, _, _ in rows))  # long provider names fit
    header = f"{'metric':<{width}}{'unit':<12}" + "".join(
        f"{h:>11}" for h in ("mean", "std err", "5%", "50%", "95%")
    )
    lines = [header, "-" * len(header)]
    for text, unit, values in rows:
        cells = "".join(_cell(float(values.sel(statistic=s))) for s in stats)
        lines.append(f"{text:<{width}}{unit:<12}{cells}")
    return "\n".join(lines)


def _cell(value: float) -> str:
    if value != value:  # NaN
        return f"{'n/a':>11}"
    if abs(value) >= 1000:
        return f"{value:>11,.0f}"
    return f"{value:>11.3g}" if abs(value) < 1 else f"{value:>11.2f}"


def comparison_table(result: xr.Dataset, headline: tuple[str, ...], reference: str) -> str:
    """Each headline metric's level under the reference and paired differences from it.

    Where rules have strategic bids, a last row gives each rule's ``strategic_epsilon``
    (a level: how far its bids are from best responses; n/a for cost-plus rules), and a
    note names the rules whose intermediate tenders it leaves out.
    """
    names = [str(r) for r in result.rule.values]
    # Columns as wide as their longest entry, so that long names and units stay apart.
    wide = max(26, *(len(name) + 1 for name in headline))
    unit_wide = max(12, *(len(str(result[name].attrs["units"])) + 1 for name in headline))
    header = f"{'metric':<{wide}}{'unit':<{unit_wide}}" + "".join(f"{n:>22}" for n in names)
    lines = [header, "-" * len(header)]
    for name in headline:
        level = result[f"{name}_stats"].sel(statistic="mean")
        diff = result[f"{name}_diff_stats"]
        cells = ""
        for rule in names:
            value = float(level.sel(rule=rule))
            if rule == reference:
                cells += f"{_short(value):>22}"
            else:
                d = float(diff.sel(rule=rule, statistic="mean"))
                se = float(diff.sel(rule=rule, statistic="std_error"))
                cells += f"{_short(d, signed=True) + ' ± ' + _short(se):>22}"
        lines.append(f"{name:<{wide}}{result[name].attrs['units']:<{unit_wide}}{cells}")
    if "strategic_epsilon" in result:
        # Levels, not differences: how far each rule's strategic bids are from equilibrium.
        gains = result["strategic_epsilon"]
        cells = "".join(f"{_short(float(gains.sel(rule=rule))):>22}" for rule in names)
        lines.append(f"{'strategic_epsilon':<{wide}}{gains.attrs['units']:<{unit_wide}}{cells}")
        unsolved = {
            rule: str(result["strategic_unsolved_intermediate"].sel(rule=rule).item())
            for rule in names
        }
        left = "; ".join(f"{rule}: {rules}" for rule, rules in unsolved.items() if rules)
        if left:
            lines.append(f"  (not counting intermediate tenders, not solved for, under {left})")
    return "\n".join(lines)


def _short(value: float, signed: bool = False) -> str:
    if value != value:
        return "n/a"
    sign = "+" if signed else ""
    if abs(value) >= 100:
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.3g}"
