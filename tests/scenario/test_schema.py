import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from pydantic import ValidationError

import computemarket as cm
from computemarket.scenario import Scenario, load_scenario, parameter_table, shipped_scenarios
from computemarket.testing import scenarios

SHIPPED = [
    "baseline",
    "exclusive",
    "exclusive_kept",
    "history",
    "investment",
    "open",
    "open_from_start",
    "rofr_kept",
    "with_aws",
]

ROOT = Path(__file__).resolve().parents[2]


def test_default_scenario_is_the_market_as_it_ran():
    default = load_scenario()
    assert default == load_scenario(ROOT / "scenarios" / "history.toml")
    assert default.contract.rule == "rofr"
    assert [(c.date, c.rule) for c in default.contract.changes] == [("2025-11", "open")]


@pytest.mark.parametrize("name", SHIPPED)
def test_packaged_copies_match_the_repository(name):
    packaged = ROOT / "src" / "computemarket" / "scenario" / "shipped" / f"{name}.toml"
    assert packaged.read_bytes() == (ROOT / "scenarios" / f"{name}.toml").read_bytes()


def test_every_repository_scenario_is_shipped():
    names = {p.stem for p in (ROOT / "scenarios").glob("*.toml")}
    assert names == set(shipped_scenarios())


def test_shipped_scenarios_have_the_rules_they_claim():
    assert load_scenario("baseline").contract.rule == "rofr"
    assert load_scenario("exclusive").contract.rule == "exclusive"
    assert load_scenario("open").contract.rule == "open"
    with_aws = load_scenario("with_aws")
    assert "aws" in with_aws.provider_names and len(with_aws.providers) == 4
    assert {"azure", "oracle", "stargate"} <= set(load_scenario("baseline").provider_names)
    assert load_scenario("open_from_start").contract.rule == "open"
    assert load_scenario("exclusive_kept").contract.rule == "exclusive"
    kept = load_scenario("rofr_kept").contract
    assert kept.rule == "rofr" and [(c.date, c.rule) for c in kept.changes] == [("2030-01", "open")]


@pytest.mark.parametrize("name", SHIPPED)
def test_every_number_in_a_shipped_scenario_names_its_source(name):
    number = re.compile(r"^\s*(\w+\s*=\s*-?[0-9.]+|\{.*gw\s*=)")
    exempt = ("paths", "seed", "spare_gw", "window_months = 0")
    for line in (ROOT / "scenarios" / f"{name}.toml").read_text().splitlines():
        code = line.split("#")[0]
        if number.match(code) and not code.strip().startswith(exempt):
            assert "#" in line, f"{name}.toml: no source comment on: {line.strip()}"


def test_toml_round_trip_and_hash():
    sc = load_scenario("baseline")
    again = Scenario.from_dict(tomllib.loads(sc.to_toml()))
    assert again == sc
    assert again.content_hash == sc.content_hash
    assert sc.with_updates({"demand.volatility": 0.3}).content_hash != sc.content_hash


def test_a_scenario_with_no_holder_round_trips_through_toml():
    # TOML has no null: no holder is written as "" and read back as None, where leaving
    # it out would give the default holder ('azure'), here not a provider at all.
    data = load_scenario("baseline").to_dict()
    data["contract"] = {"rule": "open", "holder": None}
    data["providers"] = [dict(p, name=f"p{i}") for i, p in enumerate(data["providers"])]
    data["initial_contracts"] = []
    sc = Scenario.from_dict(data)
    assert sc.contract.holder is None
    text = sc.to_toml()
    assert 'holder = ""' in text
    again = Scenario.from_toml(text, "again")
    assert again == sc and again.contract.holder is None
    assert again.content_hash == sc.content_hash


@given(scenarios())
def test_round_trip_of_generated_scenarios(sc):
    assert Scenario.from_dict(tomllib.loads(sc.to_toml())) == sc


def test_with_updates_by_name_index_and_section():
    sc = load_scenario("baseline")
    new = sc.with_updates(
        {
            "providers.oracle.base_cost": 9.5,
            "providers[2].markup": 0.3,
            "buyer.term_months": 36,
            "providers.azure.capacity[0].gw": 2.0,
        }
    )
    assert new.provider("oracle").base_cost == 9.5
    assert new.provider("stargate").markup == 0.3
    assert new.buyer.term_months == 36
    assert new.provider("azure").capacity[0].gw == 2.0
    assert sc.provider("oracle").base_cost == 11.0  # the original is unchanged
    with pytest.raises(ValidationError, match="frozen"):
        sc.buyer.term_months = 1


def test_with_updates_rejects_unknown_paths_and_bad_values():
    sc = load_scenario("baseline")
    with pytest.raises(cm.ScenarioError, match="no parameter 'volatilty'"):
        sc.with_updates({"demand.volatilty": 0.1})
    with pytest.raises(cm.ScenarioError, match="no item named 'ibm'"):
        sc.with_updates({"providers.ibm.base_cost": 1.0})
    with pytest.raises(cm.ScenarioError, match=r"demand.volatility = -0.1: must be greater"):
        sc.with_updates({"demand.volatility": -0.1})


def _write(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return path


def _baseline_with(replace_from, replace_to):
    text = (ROOT / "scenarios" / "baseline.toml").read_text()
    assert replace_from in text
    return text.replace(replace_from, replace_to, 1)


@pytest.mark.parametrize(
    ("old", "new", "field", "phrase"),
    [
        (
            "volatility = 0.25",
            "volatility = 0.25\nvolatilty = 0.3",
            "demand.volatilty",
            "unknown key",
        ),
        ("volatility = 0.25", 'volatility = "high"', "demand.volatility", "must be a valid number"),
        (
            "tender_every_months = 6",
            "tender_every_months = 6.5",
            "buyer.tender_every_months",
            "integer",
        ),
        (
            '{ date = "2025-01", gw = 1.6 }',
            '{ date = "2025-01", gw = -1.6 }',
            "providers[0].capacity[0].gw",
            "greater than or equal to 0",
        ),
        (
            'holder = "azure"',
            'holder = "google"',
            "contract.holder",
            "must be one of the providers",
        ),
        (
            "window_months = 3",
            "window_months = 24",
            "contract.window_months",
            "must not exceed buyer.lead_months",
        ),
        ('start = "2025-01"', 'start = "2025-13"', "start", "YYYY-MM"),
        ("partial_match = true", "partial_match = 1", "contract.partial_match", "boolean"),
    ],
)
def test_bad_scenarios_name_field_value_and_rule(tmp_path, old, new, field, phrase):
    path = _write(tmp_path, _baseline_with(old, new))
    with pytest.raises(cm.ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert str(path) in message
    assert field in message
    assert phrase in message
    assert any(p.field == field for p in info.value.problems)


def test_all_problems_are_reported_together(tmp_path):
    text = _baseline_with("volatility = 0.25", "volatility = -1.0")
    text = text.replace("lead_months = 18", "lead_months = 0")
    with pytest.raises(cm.ScenarioError) as info:
        load_scenario(_write(tmp_path, text))
    fields = {p.field for p in info.value.problems}
    assert {"demand.volatility", "buyer.lead_months"} <= fields


def test_toml_syntax_error(tmp_path):
    with pytest.raises(cm.ScenarioError, match="not valid TOML"):
        load_scenario(_write(tmp_path, "name = \n"))


def test_missing_file():
    with pytest.raises(cm.ScenarioError, match="no such file"):
        load_scenario("no/such/file.toml")


def test_cross_field_checks():
    base = load_scenario("baseline").to_dict()
    base["providers"][1]["name"] = "azure"
    with pytest.raises(cm.ScenarioError, match="unique"):
        Scenario.from_dict(base)
    data = load_scenario("baseline").to_dict()
    data["providers"][0]["capacity"] = [{"date": "2026-01", "gw": 1}, {"date": "2025-01", "gw": 2}]
    with pytest.raises(cm.ScenarioError, match="increasing date order"):
        Scenario.from_dict(data)
    data = load_scenario("baseline").to_dict()
    data["initial_contracts"][0]["provider"] = "ibm"
    with pytest.raises(cm.ScenarioError, match=r"initial_contracts\[0\].provider"):
        Scenario.from_dict(data)
    data = load_scenario("baseline").to_dict()
    data["contract"]["holder"] = None
    with pytest.raises(cm.ScenarioError, match="need a holder"):
        Scenario.from_dict(data)


def test_every_parameter_has_a_unit_and_description():
    rows = parameter_table()
    assert len(rows) > 30
    for row in rows:
        assert row["description"], row
    numeric = [r for r in rows if r["default"] not in ("required",) and r["unit"] == "-"]
    # Only flags, counts, names and dates go without a physical unit.
    for row in numeric:
        assert not row["default"].replace(".", "").isdigit() or row["path"].startswith("run."), row


def test_model_doc_lists_every_parameter():
    doc = (ROOT / "docs" / "model.md").read_text()
    missing = [row["path"] for row in parameter_table() if f"`{row['path']}`" not in doc]
    assert not missing, f"docs/model.md does not document {missing}"


def test_a_forecast_that_overflows_is_a_clear_error():
    from computemarket.market.plan import make_plan

    sc = load_scenario("baseline").with_updates(
        {
            "horizon_months": 1200,
            "buyer.lead_months": 1100,
            "demand.volatility": 3.0,
            "demand.growth_initial": 100.0,
            "demand.growth_long_run": 100.0,
        }
    )
    with pytest.raises(cm.ScenarioError, match=r"buyer\.lead_months.*forecast overflows"):
        make_plan(sc)


def test_get_reads_a_parameter_by_its_dotted_path():
    sc = load_scenario("baseline")
    assert sc.get("contract.window_months") == sc.contract.window_months
    assert sc.get("providers.oracle.base_cost") == sc.provider("oracle").base_cost
    assert sc.get("providers[2].capacity[0].gw") == sc.providers[2].capacity[0].gw
    assert sc.get("buyer")["lead_months"] == sc.buyer.lead_months
    for path, phrase in [
        ("providers.google.base_cost", "no item named 'google'"),
        ("contract.window", "no parameter 'window'"),
        ("contract.window_months.x", "is a value"),
    ]:
        with pytest.raises(cm.ScenarioError, match=phrase):
            sc.get(path)


def test_a_horizon_too_short_for_any_tender_is_refused():
    with pytest.raises(cm.ScenarioError, match=r"buyer\.lead_months.*horizon_months"):
        load_scenario("baseline").with_updates({"horizon_months": 18})
    assert load_scenario("baseline").with_updates({"horizon_months": 19}).horizon_months == 19


def test_simulate_takes_the_scenario_as_a_mapping():
    sc = load_scenario("open")
    assert cm.simulate(sc.to_dict(), paths=2, seed=1).identical(cm.simulate(sc, paths=2, seed=1))
    with pytest.raises(cm.ScenarioError, match="scenario"):
        cm.simulate(5)


@pytest.mark.parametrize(
    ("updates", "field", "phrase"),
    [
        ({"providers.oracle.base_cost": float("inf")}, "providers[1].base_cost", "finite"),
        ({"providers.oracle.capacity[0].gw": float("inf")}, "capacity[0].gw", "finite"),
        ({"initial_contracts[0].price": float("inf")}, "initial_contracts[0].price", "finite"),
        ({"initial_contracts[0].gw": float("nan")}, "initial_contracts[0].gw", "finite"),
        ({"buyer.term_months": 10**30}, "buyer.term_months", "less than or equal"),
        ({"buyer.tender_every_months": 10**12}, "buyer.tender_every_months", "less than"),
        ({"providers.oracle.spare_gw": 1e300}, "providers[1].spare_gw", "less than"),
        ({"run.seed": 2**70}, "run.seed", "less than or equal"),
        ({"start": "2325-01", "initial_contracts": []}, "start", "2262"),
        ({"start": "1850-01", "initial_contracts": []}, "start", "1900"),
        ({"initial_contracts[0].end": "9999-12"}, "initial_contracts[0].end", "2262"),
    ],
)
def test_values_that_validate_but_cannot_be_right_are_refused(updates, field, phrase):
    with pytest.raises(cm.ScenarioError) as caught:
        load_scenario("baseline").with_updates(updates)
    text = str(caught.value)
    assert field in text and phrase in text, text


def test_providers_are_added_and_removed_through_with_updates():
    sc = load_scenario("baseline")
    google = {"base_cost": 12.5, "capacity": [{"date": "2026-01", "gw": 2.0}]}
    added = sc.with_updates({"providers.google": google})
    assert added.provider_names == (*sc.provider_names, "google")
    assert added.provider("google").base_cost == 12.5
    assert added.get("providers.google.capacity[0].gw") == 2.0
    removed = added.with_updates({"providers.google": None})
    assert removed == sc
    with pytest.raises(cm.ScenarioError, match="no item named 'google'"):
        sc.with_updates({"providers.google": 3})  # not a table: nothing to add
    with pytest.raises(cm.ScenarioError, match="providers"):
        sc.with_updates({"providers.google": {"base_cost": 1.0}})  # capacity missing
    # Removing a provider that a contract names is refused by the consistency checks.
    named = sc.initial_contracts[0].provider
    with pytest.raises(cm.ScenarioError, match="initial_contracts"):
        sc.with_updates({f"providers.{named}": None})


def test_parameter_table_gives_bounds_and_the_paths_of_a_scenario():
    rows = {row["path"]: row for row in parameter_table()}
    assert rows["providers[].base_cost"]["bounds"] == "> 0, <= 1e+06"
    assert rows["run.seed"]["bounds"] == f">= 0, <= {2**63 - 1}"
    sc = load_scenario("baseline")
    named = {row["path"]: row for row in parameter_table(sc)}
    for path, row in named.items():
        assert row["value"] == repr(sc.get(path)), path
        sc.with_updates({path: sc.get(path)})  # every listed path is one with_updates takes
    assert "providers.oracle.base_cost" in named and "initial_contracts[0].gw" in named
