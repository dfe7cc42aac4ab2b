"""Scenario files that name a base and give only what differs (scenario/overlay.py)."""

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

import computemarket as cm
from computemarket.scenario import load_scenario
from computemarket.scenario.overlay import SCHEDULE_FIELDS, schedule_differences

ROOT = Path(__file__).resolve().parents[2]
COUNTERFACTUALS = ["rofr_kept", "exclusive_kept", "open_from_start"]


@pytest.mark.parametrize("name", COUNTERFACTUALS)
def test_counterfactuals_are_the_default_market_under_another_schedule(name):
    default, other = load_scenario(), load_scenario(name)
    assert other.name == name
    assert schedule_differences(default, other) == []
    assert other.contract != default.contract
    a, b = default.to_dict(), other.to_dict()
    assert {k for k in a if a[k] != b[k]} <= set(SCHEDULE_FIELDS)
    # The holder and window are the default's: only the rule and its schedule change.
    assert (other.contract.holder, other.contract.window_months) == ("azure", 3)


def test_exclusivity_drops_only_the_outsiders_initial_contracts():
    default, kept = load_scenario(), load_scenario("exclusive_kept")
    assert kept.initial_contracts == tuple(
        c for c in default.initial_contracts if c.provider == default.contract.holder
    )
    assert len(kept.initial_contracts) < len(default.initial_contracts)
    assert load_scenario("open_from_start").initial_contracts == default.initial_contracts


def test_the_legacy_files_keep_the_pre_december_market():
    # baseline, open and exclusive stay as they were, so earlier results reproduce: three
    # providers, no ceiling on demand, no market elsewhere, unmet demand at 20 $B/GW-year.
    for name in ("baseline", "open", "exclusive"):
        legacy = load_scenario(name)
        assert legacy.provider_names == ("azure", "oracle", "stargate")
        assert legacy.demand.ceiling == () and legacy.buyer.elsewhere_gw == 0.0
        assert legacy.buyer.value_of_unmet == 20.0
    a = cm.simulate_summary("open", paths=40, seed=2)
    b = cm.simulate_summary(
        load_scenario("baseline").with_updates({"contract.rule": "open", "contract.changes": []}),
        paths=40,
        seed=2,
    )
    assert a.total_cost.equals(b.total_cost) and a.share.equals(b.share)


def test_a_users_overlay_reads_its_base_from_its_own_folder(tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "base.toml").write_text((ROOT / "scenarios" / "baseline.toml").read_text())
    (folder / "cheap.toml").write_text(
        'base = "base.toml"\nname = "cheap"\n\n[providers.oracle]\nbase_cost = 9.0\n'
    )
    (folder / "cheaper.toml").write_text(
        'base = "cheap.toml"\n[demand]\nvolatility = 0.3\n[run]\n'  # an empty table
    )
    monkeypatch.chdir(tmp_path)  # not the overlay's folder
    cheap = load_scenario(folder / "cheap.toml")
    base = load_scenario("baseline")
    assert cheap.provider("oracle").base_cost == 9.0
    assert cheap.provider("oracle").markup == base.provider("oracle").markup
    assert cheap.with_updates({"name": "baseline", "providers.oracle.base_cost": 11.0}) == base
    cheaper = load_scenario(folder / "cheaper.toml")
    assert (cheaper.name, cheaper.demand.volatility) == ("cheap", 0.3)
    assert cheaper.provider("oracle").base_cost == 9.0
    assert cheaper.run == base.run  # the empty [run] reset nothing


def test_an_overlay_sets_a_table_its_base_leaves_unset(tmp_path):
    # history's aws has no investment or entry table (None); an overlay may add one key by
    # key, and a missing required key is named.
    path = tmp_path / "entrant.toml"
    path.write_text(
        'base = "history"\n[supply]\nmode = "investment"\n'
        '[providers.aws.entry]\ncost = 3.0\nearliest = "2025-01"\n'
        "[providers.aws.investment]\ncapex_per_gw = 12.0\n"
    )
    aws = load_scenario(path).provider("aws")
    assert (aws.entry.cost, aws.entry.earliest) == (3.0, "2025-01")
    assert aws.investment.capex_per_gw == 12.0
    with pytest.raises(cm.ScenarioError, match=r"entry\.earliest = None: required"):
        load_scenario().with_updates({"providers.aws.entry.cost": 3.0})
    with pytest.raises(cm.ScenarioError, match="bids_from is a value, not a table"):
        load_scenario().with_updates({"providers.aws.bids_from.month": 3})
    # An unset value (None) entered as a table is refused by validation, naming the field.
    with pytest.raises(cm.ScenarioError, match=r"providers\[0\]\.term_months: must be a valid"):
        load_scenario().with_updates({"providers.azure.term_months.x": 3})
    # Unset sub-tables are left out of the TOML, not written empty.
    text = load_scenario(path).to_toml()
    assert "threshold_by_rule" not in text
    assert cm.Scenario.from_toml(text) == load_scenario(path)


@pytest.mark.parametrize(
    ("text", "field", "phrase"),
    [
        ("base = 3\n", "base", "shipped scenario's name or a TOML file"),
        ('base = "nowhere"\n', "nowhere", "no such file, nor a shipped scenario"),
        ('base = "history"\n[demand]\nvolatilty = 0.3\n', "demand.volatilty", "no parameter"),
        ('base = "history"\n[demand]\nvolatility = -1.0\n', "demand.volatility", "greater"),
        ('base = "loop.toml"\n', "base", "more than 8 bases"),
    ],
)
def test_bad_overlays_name_the_field(tmp_path, text, field, phrase):
    path = tmp_path / "loop.toml"
    path.write_text(text)
    with pytest.raises(cm.ScenarioError, match=phrase) as info:
        load_scenario(path)
    assert field in str(info.value) and "loop.toml" in str(info.value)


def test_validate_reads_overlays(capsys):
    from computemarket.cli import main

    assert main(["validate", str(ROOT / "scenarios" / "rofr_kept.toml")]) == 0


def test_no_shipped_pipeline_rises_faster_than_three_gw_a_year():
    # C9 Build-rate ceiling: no firm has energised more than ~3 GW of IT load in one year.
    from computemarket.scenario.calendar import month_index

    sc = load_scenario("history")
    for provider in sc.providers:
        points = provider.capacity
        for a, b in pairwise(points):
            months = month_index(b.date, a.date)
            assert (b.gw - a.gw) / months * 12.0 <= 3.0 + 1e-9, (provider.name, a.date, b.date)


@pytest.mark.parametrize("name", ["history", "exclusive_kept"])
def test_the_defaults_initial_contracts_fit_under_their_providers_ceilings(name):
    # Initial contracts are typed in, not checked against capacity; a contract above its
    # provider's ceiling would shut the provider out of every tender that overlaps it
    # (headroom holds over a contract's term, docs/model.md).
    from computemarket.market.plan import make_plan

    plan = make_plan(load_scenario(name))
    book = np.zeros((plan.months, plan.n_providers))
    for slot in range(plan.n_initial):
        p = plan.initial_provider[slot]
        book[plan.contract_start[slot] : plan.contract_end[slot, p], p] += plan.initial_gw[slot]
    assert (book <= plan.ceiling.T + 1e-9).all()
