"""Counterfactuals: one market under several rules or rule schedules, on common random numbers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from computemarket.errors import InputError, ScenarioError
from computemarket.experiments.investment import investment_equilibrium
from computemarket.market.plan import make_plan
from computemarket.results.dataset import bidding_attrs
from computemarket.results.statistics import add_statistics
from computemarket.results.units import PRICE, label
from computemarket.scenario import RULES, Scenario, as_scenario, load_scenario
from computemarket.scenario.overlay import schedule_differences
from computemarket.simulation import simulate_summary

__all__ = ["HEADLINE", "compare", "plot_comparison"]

#: Metrics the comparison table and figure show, in order.
HEADLINE = (
    "total_cost",
    "total_spend",
    "elsewhere_cost",
    "lost_cost",
    "unit_cost",
    "served_fraction",
    "late_gw_months",
    "buyer_surplus",
    "holder_surplus",
    "outsider_surplus",
    "outside_developed_gw",
    "outside_developed_gw_months",
    "providers_in_market",
    "inefficient_award_rate",
    "hhi",
)


def compare(
    scenario: Scenario | str | Path | None = None,
    rules: Sequence[str | Path | Scenario] | str = ("exclusive", "rofr", "rofo", "open"),
    reference: str | Path | Scenario = "open",
    *,
    paths: int | None = None,
    seed: int | None = None,
    engine: str = "vector",
    workers: int = 1,
    chunk_paths: int | None = None,
    progress: Callable[[int], None] | None = None,
    demand: object = None,
    forecast: object = None,
    investment: str = "fixed",
    solve_paths: int = 200,
) -> xr.Dataset:
    """Run a market under several contract rules or rule schedules on common random numbers.

    Every rule sees the same demand paths, cost draws and lead times (the draws depend on
    the seed and the scenario's shape, not on its rule), so the paired differences
    between rules are free of sampling noise from different draws.

    Parameters
    ----------
    scenario : Scenario, str or Path, optional
        The default scenario (``history``) if not given.
    rules : str, Path, Scenario or a sequence of them, default all four rules
        What to run. A rule's name (``"rofr"``, ...) runs ``scenario`` under that rule for
        the whole horizon, with its schedule (``contract.changes``) dropped and holder and
        window kept. Anything else is a scenario (a shipped name such as
        ``"rofr_kept"``, a TOML file, or a :class:`Scenario`) run as it is, with its own
        schedule; it must be the same market as ``scenario`` under another schedule (it
        may differ only in the tables of
        :data:`~computemarket.scenario.overlay.SCHEDULE_FIELDS`), and it is labelled by
        its name. ``scenario``'s own name runs it with its schedule.
    reference : str, Path or Scenario, default "open"
        What the differences are measured against, in the same forms; added to ``rules``
        if missing.
    paths : int, optional
        Paths per rule; ``scenario.run.paths`` by default.
    seed : int, optional
        Seed of the random inputs, the same for every rule; ``scenario.run.seed`` by default.
    engine : {"vector", "compiled", "des"}, default "vector"
        As for :func:`computemarket.simulate`; results do not depend on it.
    workers : int, default 1
        Threads running chunks of paths side by side.
    chunk_paths : int, optional
        Paths simulated together (bounds memory).
    progress : callable, optional
        Called with the number of paths finished, as they finish.
    demand : array-like or xarray.DataArray, optional
        Demand paths of your own, the same under every rule (as for
        :func:`computemarket.simulate`).
    forecast : str or array-like, optional
        The buyer's forecaster, as for :func:`computemarket.simulate`.
    investment : {"fixed", "equilibrium"}, default "fixed"
        Under investment supply: ``"fixed"`` keeps every provider's investment policy
        under every rule; ``"equilibrium"`` solves each rule's own
        :func:`~computemarket.investment_equilibrium` first (on ``solve_paths`` paths
        of the same seed), so that investment and entry respond to the rule.
    solve_paths : int, default 200
        Paths of each equilibrium solve (with ``investment="equilibrium"``).

    Returns
    -------
    xarray.Dataset
        Over ``rule`` (and ``path``, ``statistic``, ``provider`` where they apply): for
        each metric ``m`` of :func:`computemarket.summarize`, ``m`` and ``m_stats``, and
        the paired difference from the reference, ``m_diff`` and ``m_diff_stats``. The
        ``rule`` coordinate holds the rules' and scenarios' names. With
        ``investment="equilibrium"``, the attribute ``investment_epsilon`` is the largest
        of the rules' equilibria. Where a rule has strategic bids, ``strategic_epsilon``
        and ``strategic_epsilon_share`` (over ``rule``; NaN for cost-plus rules) say how
        far each rule's bids are from best responses, and
        ``strategic_unsolved_intermediate`` which rules in force leave the intermediate
        tenders out of that, as in :func:`simulate`'s attributes.

    Raises
    ------
    InputError
        For an unknown rule, reference or ``investment``, or a scenario that is another
        market (it names the tables that differ).
    ScenarioError
        If a rule cannot apply to the scenario (e.g. no holder).

    Examples
    --------
    >>> c = compare(paths=50, seed=1, rules=["rofr", "open"])
    >>> c.rule.values.tolist()
    ['rofr', 'open']
    >>> float(c.unit_cost_diff.sel(rule="open").max())
    0.0
    >>> s = compare("history", ["history", "rofr_kept"], "open_from_start", paths=50, seed=1)
    >>> s.rule.values.tolist()
    ['history', 'rofr_kept', 'open_from_start']
    """
    scenario = as_scenario(scenario)
    if investment not in ("fixed", "equilibrium"):
        raise InputError("investment", investment, 'must be "fixed" or "equilibrium"')
    entries = [rules] if isinstance(rules, str | Path | Scenario) else list(rules)
    variants = dict(_variant(scenario, entry, "rules") for entry in entries)
    reference_label, reference_variant = _variant(scenario, reference, "reference")
    variants.setdefault(reference_label, reference_variant)
    reference = reference_label
    rules = list(variants)
    if paths is None and demand is None:  # demand paths given set the count themselves
        paths = scenario.run.paths
    seed = scenario.run.seed if seed is None else seed
    parts, epsilon, gains = [], {}, {}
    for rule, variant in variants.items():
        if investment == "equilibrium" and variant.supply.mode == "investment":
            eq = investment_equilibrium(variant, paths=solve_paths, seed=seed, engine=engine)
            variant = Scenario.from_toml(eq.attrs["scenario"], f"{variant.name} ({rule})")
            epsilon[rule] = float(eq.attrs["investment_epsilon"])
        summary = simulate_summary(
            variant,
            engine=engine,
            paths=paths,
            seed=seed,
            workers=workers,
            chunk_paths=chunk_paths,
            progress=progress,
            demand=demand,
            forecast=forecast,
        )
        gains[rule] = bidding_attrs(make_plan(variant))
        per_path = summary[[name for name in summary.data_vars if not name.endswith("_stats")]]
        parts.append(per_path.drop_vars("statistic", errors="ignore"))
    metrics = xr.concat(parts, dim=xr.DataArray(rules, dims="rule", name="rule"))
    differences = metrics - metrics.sel(rule=reference)
    out = xr.Dataset()
    for name in metrics.data_vars:
        attrs = dict(metrics[name].attrs)
        out[name] = metrics[name]
        out[f"{name}_stats"] = _by_rule(metrics[name], attrs)
        diff = differences[name].assign_attrs(
            units=attrs.get("units", ""),
            long_name=f"{attrs.get('long_name', name)}: difference from {reference}",
        )
        out[f"{name}_diff"] = diff
        out[f"{name}_diff_stats"] = _by_rule(diff, diff.attrs)
    out.attrs = {
        "scenario_name": scenario.name,
        "reference": reference,
        "seed": int(summary.attrs.get("seed", -1)),
        "paths": int(metrics.sizes["path"]),
        "engine": engine,
        "investment": investment,
    }
    if epsilon:
        out.attrs["investment_epsilon"] = max(epsilon.values())
    if any("strategic_epsilon" in gain for gain in gains.values()):
        # How far each rule's strategic bids are from best responses (NaN: cost plus).
        for name, units, text in _GAINS:
            values = [float(gains[rule].get(name, np.nan)) for rule in rules]
            out[name] = xr.DataArray(values, dims="rule", attrs={"units": units, "long_name": text})
        unsolved = [str(gains[rule].get("strategic_unsolved_intermediate", "")) for rule in rules]
        out["strategic_unsolved_intermediate"] = xr.DataArray(
            np.array(unsolved, dtype=str),
            dims="rule",
            attrs={"long_name": "rules in force whose intermediate tenders are not solved for"},
        )
    return out


#: The bids' largest deviation gains reported per rule: name, units, long name.
_GAINS = (
    ("strategic_epsilon", PRICE, "largest gain from deviating from the bids"),
    ("strategic_epsilon_share", "1", "largest gain from deviating, over the reserve price"),
)


def _variant(scenario: Scenario, entry: object, field: str) -> tuple[str, Scenario]:
    """A label and the scenario one entry of ``rules`` (or the reference) stands for."""
    if isinstance(entry, str) and entry in RULES:
        return entry, scenario.with_updates({"contract.rule": entry, "contract.changes": []})
    if isinstance(entry, str) and entry == scenario.name:
        return entry, scenario
    if not isinstance(entry, str | Path | Scenario):
        raise InputError(field, entry, f"must be a rule ({list(RULES)}) or a scenario")
    try:
        variant = entry if isinstance(entry, Scenario) else load_scenario(entry)
    except ScenarioError as exc:
        raise InputError(
            field, entry, f"is neither a rule ({list(RULES)}) nor a scenario that loads: {exc}"
        ) from None
    differ = schedule_differences(scenario, variant)
    if differ:
        raise InputError(
            field,
            entry,
            f"is another market than {scenario.name!r} (it differs in {', '.join(differ)}); "
            "only the contract and initial contracts may differ, so that the paths pair",
        )
    return variant.name, variant


def _by_rule(values: xr.DataArray, attrs: dict) -> xr.DataArray:
    stats = [
        add_statistics(values.sel(rule=r, drop=True).to_dataset(name="m"))["m_stats"]
        for r in values.rule.values
    ]
    return xr.concat(stats, dim=values["rule"]).assign_attrs(attrs)


#: Metrics the comparison figure draws by default: the cost and its parts, and the channels.
FIGURE = (
    "total_cost",
    "total_spend",
    "lost_cost",
    "late_gw_months",
    "holder_surplus",
    "served_fraction",
)


def plot_comparison(comparison: xr.Dataset, metrics: Sequence[str] = FIGURE):
    """Bar charts of each rule's paired difference from the reference, with 95% intervals.

    Parameters
    ----------
    comparison : xarray.Dataset
        From :func:`compare`.
    metrics : sequence of str
        Metrics to draw, one panel each (default :data:`FIGURE`).

    Returns
    -------
    matplotlib.figure.Figure
        One bar chart per metric.

    Examples
    --------
    >>> c = compare(paths=20, seed=1, rules=["rofr", "open"])
    >>> fig = plot_comparison(c, ["total_cost", "unit_cost"])
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
    ['total_cost ($B)', 'unit_cost ($B/GW-year)']
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    columns = 3
    rows = int(np.ceil(len(metrics) / columns))
    fig, axes = plt.subplots(
        rows, columns, figsize=(4.2 * columns, 3.2 * rows), layout="constrained", squeeze=False
    )
    rules = [str(r) for r in comparison.rule.values]
    reference = comparison.attrs.get("reference", "")
    for ax, name in zip(axes.ravel(), metrics, strict=False):
        stats = comparison[f"{name}_diff_stats"]
        mean = stats.sel(statistic="mean").values
        half = 1.96 * np.nan_to_num(stats.sel(statistic="std_error").values)
        colours = ["tab:grey" if r == reference else "tab:blue" for r in rules]
        ax.bar(rules, mean, yerr=half, color=colours, capsize=4)
        if max(len(r) for r in rules) > 8:  # schedules' names would overlap side by side
            ax.tick_params(axis="x", labelrotation=25)
        ax.axhline(0.0, color="black", lw=0.8)
        units = label(comparison[name].attrs.get("units", ""))
        ax.set_title(f"{name} ({units})", fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    for ax in axes.ravel()[len(metrics) :]:
        ax.set_visible(False)
    fig.suptitle(
        f"{comparison.attrs.get('scenario_name', '')}: difference from '{reference}' "
        f"({comparison.attrs.get('paths', '')} paths, common random numbers, 95% intervals)"
    )
    return fig
