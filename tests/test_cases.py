"""The case library: every case loads, evaluates and has a bilingual brief; the clinic's health data count."""
from pathlib import Path

import pytest

import toolkit
from toolkit import Scenario, breakdown, evaluate

CASES = Path(__file__).resolve().parent.parent / "cases"
NAMES = sorted(p.stem for p in CASES.glob("*.json"))


def test_at_least_four_cases():
    assert {"bellini", "trattoria", "moda", "clinica"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_case_loads_evaluates_and_has_a_brief(name, dataset):
    scenario = Scenario.load(CASES / f"{name}.json")
    assert scenario.profile == name
    assert dataset.profiles.loc[name, "source"].startswith("assumption")
    table = evaluate(dataset, scenario)
    assert len(table) == len(dataset.services)
    brief = (CASES / f"{name}.md").read_text(encoding="utf-8")
    assert brief.startswith("# ") and "---" in brief, "English, a rule, then Italian"
    assert name in (CASES / "README.md").read_text(encoding="utf-8")


def test_health_data_raise_the_privacy_impact(dataset):
    # profile_adjustments.csv: clinica, privacy, +1 impact step, capped at 5.
    clinic = breakdown(dataset, Scenario(profile="clinica")).xs("privacy", level="area_id")
    plain = breakdown(dataset, Scenario(profile="small")).xs("privacy", level="area_id")
    expected = (plain["impact"] + 1).clip(upper=5)
    assert (clinic["impact"] == expected).all()
    assert clinic.loc["profiles", "impact"] == 5 and plain.loc["profiles", "impact"] == 4
    # the same on the in-house side: the data are the clinic's whoever processes them
    assert (clinic["inhouse_impact"] == (plain["inhouse_impact"] + 1).clip(upper=5)).all()
    assert clinic.loc["profiles", "inhouse_impact"] == 5 and plain.loc["profiles", "inhouse_impact"] == 4
    # other areas are untouched
    other = breakdown(dataset, Scenario(profile="clinica")).xs("copyright", level="area_id")
    assert (other["impact"] == breakdown(dataset, Scenario()).xs("copyright", level="area_id")["impact"]).all()


def test_an_adjustment_naming_an_unknown_profile_is_a_data_error(data_copy):
    with open(data_copy / "profile_adjustments.csv", "a", encoding="utf-8") as handle:
        handle.write("nobody,privacy,1,a reason,assumption\n")
    with pytest.raises(toolkit.DataError) as error:
        toolkit.load_dataset(data_copy)
    assert error.value.path.name == "profile_adjustments.csv" and error.value.line == 3
