"""toolkit/model.py: every formula of the module docstring, against values worked out by hand.

Most unit tests use ``tiny``: a copy of data/ with a few rows changed so the arithmetic is
easy (the changes are listed in the fixture). The other tables keep the bundled numbers:

* likelihood_levels: P(1..5) = 0.01, 0.04, 0.10, 0.25, 0.50 a year
* impact_levels: floors 300, 1500, 5000, 20000, 60000 EUR; shares 0.02, 0.1, 0.3, 1, 3 % of turnover
* clauses (premium %, drafting EUR): ip_assignment 8, 600; dpa_art28 3, 800; nda 1, 300;
  liability_cap_insurance 5, 500; audit_rights 3, 400
* clause_effects (likelihood steps, impact steps): ip_assignment copyright 2, 1;
  dpa_art28 privacy 2, 1; audit_rights privacy 1, 0 and trade_secrets 1, 0;
  liability_cap_insurance liability 0, 2 and privacy 0, 1; nda trade_secrets 2, 0
* exposure (likelihood, impact): blog copyright 3, 2; blog privacy 2, 2; blog liability 2, 2;
  content copyright 4, 3; content trademarks 2, 2; content liability 2, 3;
  seo trademarks 2, 3; seo liability 3, 2; seo trade_secrets 2, 2
* costs seo: 20 h a month, 130 EUR tools, 400 EUR fee
"""
import csv
import itertools
import json
import math
import random
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit
from toolkit import RISK_BANDS, Scenario, best_clause_set, breakdown, clause_value, evaluate, portfolio

DATA = Path(__file__).resolve().parent.parent / "data"


# --- helpers and fixtures -------------------------------------------------------------------


def edit_row(path, key, **values):
    """Change cells of the one row of a CSV file whose cells match ``key`` ({column: value})."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    matches = [row for row in rows[1:] if all(row[header.index(k)] == v for k, v in key.items())]
    assert len(matches) == 1, (path.name, key)
    for column, value in values.items():
        matches[0][header.index(column)] = str(value)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def copy_data(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for csv_file in DATA.glob("*.csv"):
        shutil.copyfile(csv_file, folder / csv_file.name)
    return folder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = copy_data(tmp_path_factory.mktemp("tiny") / "data")
    # hourly cost = 24000 x 1.5 / 1800 = 20 EUR; turnover 1,000,000 EUR; activity volume 1
    edit_row(folder / "profiles.csv", {"id": "small"}, gross_salary_eur=24000, oncost_multiplier=1.5,
             productive_hours_year=1800, turnover_eur=1_000_000, activity_volume=1)
    edit_row(folder / "costs.csv", {"service_id": "blog"}, inhouse_hours_month=10, tools_eur_month=55,
             outsourced_fee_eur_month=100)
    edit_row(folder / "costs.csv", {"service_id": "content"}, inhouse_hours_month=20, tools_eur_month=0,
             outsourced_fee_eur_month=500)
    return toolkit.load_dataset(folder)


def small(**fields):
    """The tiny 'small' profile over 12 months (1 year), unless told otherwise."""
    return Scenario(**{"profile": "small", "horizon_months": 12, **fields})


# --- 1. costs -------------------------------------------------------------------------------


def test_hourly_cost_through_vendor_management(tiny):
    # vendor management = hours x hourly cost x months; hourly = 24000 x 1.5 / 1800 = 20
    row = evaluate(tiny, small(services=("content",), management_hours=1)).loc["content"]
    assert row.vendor_management == pytest.approx(1 * 20 * 12)  # 240
    # The salary multiplier is the in-house person's: managing the supplier stays at 20 EUR/h.
    row = evaluate(tiny, small(services=("content",), management_hours=1, salary_multiplier=1.5)).loc["content"]
    assert row.vendor_management == pytest.approx(1 * 20 * 12)  # 240


def test_hourly_cost_with_the_bundled_micro_profile(dataset):
    # micro: 22000 x 1.38 / 1720 = 30360 / 1720 = 17.6511... EUR an hour; 1.5 h a month for 24 months
    row = evaluate(dataset, Scenario(profile="micro")).loc["blog"]
    assert row.vendor_management == pytest.approx(1.5 * 30360 / 1720 * 24)  # 635.44
    # in house: blog 24 h a month x micro's volume 0.5, tools 20 EUR a month
    assert row.inhouse_cost == pytest.approx((24 * 0.5 * 30360 / 1720 + 20) * 24)  # 5563.53
    # volume multiplier 2 on top of the profile's 0.5: 24 x 1.0 hours a month
    row = evaluate(dataset, Scenario(profile="micro", volume=2)).loc["blog"]
    assert row.inhouse_cost == pytest.approx((24 * 1.0 * 30360 / 1720 + 20) * 24)  # 10647.07


def test_inhouse_cost(tiny):
    # (10 h x volume 1 x 20 EUR + 55 EUR tools) x 12 = 255 x 12
    assert evaluate(tiny, small()).loc["blog", "inhouse_cost"] == pytest.approx(3060)
    # volume 2: (10 x 2 x 20 + 55) x 12 = 455 x 12 (the tools do not scale)
    assert evaluate(tiny, small(volume=2)).loc["blog", "inhouse_cost"] == pytest.approx(5460)
    # content, 36 months: (20 x 20 + 0) x 36
    assert evaluate(tiny, small(horizon_months=36)).loc["content", "inhouse_cost"] == pytest.approx(14400)


def test_fee_and_transition(tiny):
    row = evaluate(tiny, small()).loc["blog"]
    assert row.fee == pytest.approx(100 * 12)  # 1200 over the horizon
    assert row.transition == pytest.approx(100 * 1)  # one month of fee (default transition_months 1)
    # fee = 100 x volume 2 x fee multiplier 1.5 = 300 a month
    row = evaluate(tiny, small(volume=2, fee_multiplier=1.5, transition_months=2)).loc["blog"]
    assert row.fee == pytest.approx(300 * 12)
    assert row.transition == pytest.approx(300 * 2)
    assert evaluate(tiny, small(transition_months=0)).loc["content", "transition"] == 0


def test_clause_premium_only_on_services_the_clause_protects(tiny):
    ev = evaluate(tiny, small(services=("blog", "seo"), clauses=("ip_assignment",)))
    # ip_assignment acts on copyright: blog is exposed there, seo is not.
    assert ev.loc["blog", "clause_premium"] == pytest.approx(100 * 0.08 * 12)  # 96
    assert ev.loc["seo", "clause_premium"] == 0
    assert ev.loc["blog", "clauses_applied"] == ("ip_assignment",) and ev.loc["seo", "clauses_applied"] == ()
    # two clauses on blog: (8 % + 3 %) x 100 = 11 a month; dpa_art28 (privacy) still not seo's
    ev = evaluate(tiny, small(services=("blog", "seo"), clauses=("ip_assignment", "dpa_art28")))
    assert ev.loc["blog", "clause_premium"] == pytest.approx(11 * 12)  # 132
    assert ev.loc["seo", "clause_premium"] == 0
    # liability_cap_insurance lowers only the impact of liability, where seo is exposed: 5 % of 400
    ev = evaluate(tiny, small(services=("seo",), clauses=("liability_cap_insurance",)))
    assert ev.loc["seo", "clause_premium"] == pytest.approx(400 * 0.05 * 12)  # 240


def test_vendor_management_is_the_same_for_every_service(tiny):
    ev = evaluate(tiny, small(management_hours=3))
    assert np.allclose(ev.vendor_management, 3 * 20 * 12)  # 720, whatever the fee


def test_drafting_shared_among_protected_services_in_scope(tiny):
    ev = evaluate(tiny, small(services=("blog", "content", "seo"), clauses=("ip_assignment",)))
    # 600 EUR shared by blog and content (copyright); seo is not protected
    assert ev.loc["blog", "drafting"] == pytest.approx(300)
    assert ev.loc["content", "drafting"] == pytest.approx(300)
    assert ev.loc["seo", "drafting"] == 0
    ev = evaluate(tiny, small(clauses=("ip_assignment", "nda")))
    # all 9 services: copyright exposes blog, content, social_pages, profiles, brand, know_how
    # (600 / 6 = 100 each); nda (300) acts on trade_secrets: seo, reputation, direct_marketing,
    # know_how (300 / 4 = 75 each)
    expected = {"blog": 100, "content": 100, "social_pages": 100, "profiles": 100, "brand": 100,
                "know_how": 175, "seo": 75, "reputation": 75, "direct_marketing": 75}
    assert ev.drafting.to_dict() == pytest.approx(expected)
    assert ev.drafting.sum() == pytest.approx(600 + 300)  # each clause is drafted once


def test_drafting_is_one_off(tiny):
    short = evaluate(tiny, small(services=("blog",), clauses=("ip_assignment",)))
    long = evaluate(tiny, small(services=("blog",), clauses=("ip_assignment",), horizon_months=60))
    assert short.loc["blog", "drafting"] == long.loc["blog", "drafting"] == pytest.approx(600)


def test_outsourced_cost_and_savings(tiny):
    ev = evaluate(tiny, small(services=("blog", "seo"), clauses=("ip_assignment",)))
    # blog: (fee 100 + premium 8 + management 1.5 x 20) x 12 + transition 100 + drafting 600
    #     = 138 x 12 + 700 = 2356; savings = 3060 - 2356 = 704
    assert ev.loc["blog", "outsourced_cost"] == pytest.approx(2356)
    assert ev.loc["blog", "savings"] == pytest.approx(704)
    # seo: (400 + 0 + 30) x 12 + 400 = 5560; in house (20 x 20 + 130) x 12 = 6360; savings 800
    assert ev.loc["seo", "outsourced_cost"] == pytest.approx(5560)
    assert ev.loc["seo", "inhouse_cost"] == pytest.approx(6360)
    assert ev.loc["seo", "savings"] == pytest.approx(800)


@pytest.mark.parametrize("profile", ["micro", "small", "medium"])
def test_savings_is_inhouse_minus_outsourced_exactly(dataset, profile):
    ev = evaluate(dataset, Scenario(profile=profile, clauses=("nda", "dpa_art28"), horizon_months=37))
    assert (ev.savings == ev.inhouse_cost - ev.outsourced_cost).all()
    assert (ev.net_benefit == ev.savings - ev.expected_legal_loss).all()
    parts = ev.fee + ev.clause_premium + ev.vendor_management + ev.transition + ev.drafting
    assert np.allclose(ev.outsourced_cost, parts, rtol=1e-12, atol=0)


# --- 2. risk --------------------------------------------------------------------------------


def test_residual_likelihood_and_impact_floor_at_1(tiny):
    scenario = small(services=("blog",), clauses=("dpa_art28", "audit_rights", "liability_cap_insurance"))
    bd = breakdown(tiny, scenario)
    privacy = bd.loc[("blog", "privacy")]
    # likelihood 2 - (2 + 1) = -1 -> 1; impact 2 - (1 + 1) = 0 -> 1; never removed
    assert (privacy.likelihood, privacy.impact) == (2, 2)
    assert (privacy.residual_likelihood, privacy.residual_impact, privacy.residual_score) == (1, 1, 1)
    # liability: likelihood 2 (no step), impact 2 - 2 = 0 -> 1
    liability = bd.loc[("blog", "liability")]
    assert (liability.residual_likelihood, liability.residual_impact, liability.residual_score) == (2, 1, 2)
    # copyright untouched by these clauses: 3 x 2
    assert bd.loc[("blog", "copyright"), "residual_score"] == 6
    assert evaluate(tiny, scenario).loc["blog", "residual_risk"] == 6


def test_breakdown_lists_only_exposed_pairs(tiny):
    bd = breakdown(tiny, small(services=("blog", "seo")))
    assert sorted(bd.index) == [("blog", "copyright"), ("blog", "liability"), ("blog", "privacy"),
                                ("seo", "liability"), ("seo", "trade_secrets"), ("seo", "trademarks")]
    assert bd.loc[("seo", "trademarks"), "inherent_score"] == 6  # 2 x 3


def test_risk_is_the_worst_area(tiny):
    # content: copyright 4 x 3 = 12, trademarks 2 x 2 = 4, liability 2 x 3 = 6
    row = evaluate(tiny, small()).loc["content"]
    assert (row.inherent_risk, row.residual_risk, row.risk_band) == (12, 12, "high")
    # ip_assignment: copyright (4 - 2) x (3 - 1) = 4, so liability (6) becomes the worst
    row = evaluate(tiny, small(clauses=("ip_assignment",))).loc["content"]
    assert (row.inherent_risk, row.residual_risk, row.risk_band) == (12, 6, "medium")


def test_risk_band_boundaries_through_evaluate(data_copy):
    # One exposed area per service, with the score chosen on a band edge.
    cells = {"blog": (2, 2, 4, "low"), "brand": (1, 4, 4, "low"), "content": (1, 5, 5, "medium"),
             "seo": (3, 3, 9, "medium"), "social_pages": (2, 5, 10, "high"), "profiles": (4, 4, 16, "high"),
             "reputation": (4, 5, 20, "critical"), "direct_marketing": (5, 5, 25, "critical"),
             "know_how": (1, 1, 1, "low")}
    path = data_copy / "exposure.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for service, (likelihood, impact, _, _) in cells.items():
            writer.writerow([service, "liability", likelihood, impact, "a reason", "a provision", "assumption"])
    ev = evaluate(toolkit.load_dataset(data_copy), Scenario())
    for service, (_, _, score, band) in cells.items():
        assert ev.loc[service, "residual_risk"] == score, service
        assert ev.loc[service, "risk_band"] == band, service


def test_risk_band_boundaries_including_17(dataset):
    # 17 is not a product of two scores from 1 to 5, so it cannot come out of evaluate();
    # the band lookup itself must still follow risk_bands.csv: 0-4, 5-9, 10-16, 17-25.
    from toolkit.model import _band_rank

    edges = list(zip(dataset.risk_bands.sort_values("max_score").index,
                     dataset.risk_bands.sort_values("max_score").max_score))
    scores = np.array([0, 4, 5, 9, 10, 16, 17, 25])
    bands = [RISK_BANDS[rank] for rank in _band_rank(scores, edges)]
    assert bands == ["low", "low", "medium", "medium", "high", "high", "critical", "critical"]


# --- 3. euros -------------------------------------------------------------------------------


def test_expected_loss_with_the_tables_floor(tiny):
    # small: turnover 1,000,000, so the floors win (impact 2: max(1500, 0.1 % = 1000) = 1500).
    # 24 months = 2 years. copyright 3,2: 0.10 x 1500 x 2 = 300; privacy 2,2 and liability 2,2:
    # 0.04 x 1500 x 2 = 120 each; total 540
    row = evaluate(tiny, small(horizon_months=24)).loc["blog"]
    assert row.expected_legal_loss == pytest.approx(540)
    assert row.inherent_legal_loss == pytest.approx(540)
    bd = breakdown(tiny, small(horizon_months=24))
    assert bd.loc[("blog", "copyright"), "annual_probability"] == pytest.approx(0.10)
    assert bd.loc[("blog", "copyright"), "loss_if_it_happens"] == pytest.approx(1500)
    assert bd.loc[("blog", "copyright"), "expected_loss"] == pytest.approx(300)
    # ip_assignment: copyright 1,1: 0.01 x max(300, 0.02 % = 200) x 2 = 6; total 6 + 120 + 120
    row = evaluate(tiny, small(horizon_months=24, clauses=("ip_assignment",))).loc["blog"]
    assert row.expected_legal_loss == pytest.approx(246)
    assert row.inherent_legal_loss == pytest.approx(540)


def test_expected_loss_with_the_turnover_share(tiny):
    # medium (bundled row): turnover 25,000,000; impact 2: max(1500, 0.1 % x 25M = 25000) = 25000
    # 12 months: copyright 0.10 x 25000 = 2500; privacy and liability 0.04 x 25000 = 1000 each
    row = evaluate(tiny, Scenario(profile="medium", horizon_months=12)).loc["blog"]
    assert row.expected_legal_loss == pytest.approx(4500)
    # 18 months = 1.5 years
    row = evaluate(tiny, Scenario(profile="medium", horizon_months=18)).loc["blog"]
    assert row.expected_legal_loss == pytest.approx(4500 * 1.5)
    bd = breakdown(tiny, Scenario(profile="medium", horizon_months=12))
    assert bd.loc[("blog", "privacy"), "loss_if_it_happens"] == pytest.approx(25000)


def test_expected_loss_with_eur_per_risk_point(tiny):
    # blog scores 6 + 4 + 4 = 14 points x 100 EUR x 2 years
    row = evaluate(tiny, small(horizon_months=24, eur_per_risk_point=100)).loc["blog"]
    assert row.expected_legal_loss == pytest.approx(2800)
    # ip_assignment: copyright 1 x 1 = 1 -> (1 + 4 + 4) x 100 x 2
    row = evaluate(tiny, small(horizon_months=24, eur_per_risk_point=100, clauses=("ip_assignment",))).loc["blog"]
    assert row.expected_legal_loss == pytest.approx(1800)
    assert row.inherent_legal_loss == pytest.approx(2800)


def test_net_benefit(tiny):
    # blog over 24 months, no clauses: in house 255 x 24 = 6120; outsourced 130 x 24 + 100 = 3220;
    # savings 2900; expected loss 540 (see above); net 2360
    row = evaluate(tiny, small(horizon_months=24)).loc["blog"]
    assert row.savings == pytest.approx(2900)
    assert row.net_benefit == pytest.approx(2360)
    assert row.net_benefit == row.savings - row.expected_legal_loss


# --- 4. the recommendation ------------------------------------------------------------------
# blog over 12 months: in house 3060, outsourced 1660, savings 1400; expected loss
# 150 + 60 + 60 = 270; net 1130; risk 6 (medium).


def test_outsource_when_within_appetite_and_worth_it(tiny):
    row = evaluate(tiny, small(services=("blog",))).loc["blog"]
    assert row.net_benefit == pytest.approx(1130)
    assert (row.risk_band, row.within_appetite) == ("medium", True)
    assert (row.recommendation, row.reason) == ("outsource", "worth_it")


def test_keep_in_house_when_band_above_appetite_even_if_worth_it(tiny):
    row = evaluate(tiny, small(services=("blog",), risk_appetite="low")).loc["blog"]
    assert row.net_benefit == pytest.approx(1130)
    assert not row.within_appetite
    assert (row.recommendation, row.reason) == ("keep_in_house", "risk_above_appetite")


def test_outsource_with_clauses_when_a_clause_brings_the_band_within_appetite(tiny):
    # ip_assignment: outsourced (100 + 8 + 30) x 12 + 100 + 600 = 2356; savings 704;
    # loss 0.01 x 300 + 60 + 60 = 123; net 581; risk max(1, 4, 4) = 4 (low)
    row = evaluate(tiny, small(services=("blog",), risk_appetite="low", clauses=("ip_assignment",))).loc["blog"]
    assert row.net_benefit == pytest.approx(581)
    assert (row.residual_risk, row.risk_band) == (4, "low")
    assert (row.recommendation, row.reason) == ("outsource_with_clauses", "worth_it")


def test_keep_in_house_when_net_benefit_is_zero(tiny):
    # 14 points x 100 EUR x 1 year = 1400 = the savings: net exactly 0 is not positive
    row = evaluate(tiny, small(services=("blog",), eur_per_risk_point=100)).loc["blog"]
    assert row.savings == 1400 and row.expected_legal_loss == 1400 and row.net_benefit == 0
    assert (row.recommendation, row.reason) == ("keep_in_house", "not_worth_it")


def test_keep_in_house_when_net_benefit_is_negative(tiny):
    # fee x 3 = 300: outsourced (300 + 30) x 12 + 300 = 4260; savings -1200; net -1470
    row = evaluate(tiny, small(services=("blog",), fee_multiplier=3)).loc["blog"]
    assert row.net_benefit == pytest.approx(-1470)
    assert (row.recommendation, row.reason) == ("keep_in_house", "not_worth_it")


def test_a_clause_that_protects_another_service_does_not_make_outsource_with_clauses(tiny):
    # seo: savings 800 (above); loss trademarks 0.04 x 5000 = 200, liability 0.10 x 1500 = 150,
    # trade_secrets 0.04 x 1500 = 60; net 390; risk 6. ip_assignment protects blog only.
    ev = evaluate(tiny, small(services=("blog", "seo"), clauses=("ip_assignment",)))
    assert ev.loc["seo", "net_benefit"] == pytest.approx(390)
    assert ev.loc["seo", "recommendation"] == "outsource"
    assert ev.loc["blog", "recommendation"] == "outsource_with_clauses"


# --- Scenario ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field, value", [
    ("volume", 0), ("volume", -1), ("volume", float("nan")), ("volume", "x"), ("volume", True),
    ("volume", float("inf")), ("salary_multiplier", 0), ("fee_multiplier", -0.5),
    ("horizon_months", 0), ("horizon_months", 121), ("horizon_months", 1.5), ("horizon_months", "12"),
    ("horizon_months", float("nan")), ("horizon_months", float("inf")), ("horizon_months", True),
    ("risk_appetite", "extreme"), ("clauses", "nda"), ("clauses", ("nda", "nda")), ("clauses", None),
    ("services", "blog"), ("services", ()), ("profile", ""), ("eur_per_risk_point", -1),
    ("eur_per_risk_point", float("nan")),
])
def test_invalid_scenario_field_names_the_field(field, value):
    with pytest.raises(ValueError, match=f"'{field}'"):
        Scenario(**{field: value})


@pytest.mark.parametrize("field, value", [("profile", "huge"), ("services", ("blog", "vlog")),
                                          ("clauses", ("nda", "pinky_promise"))])
def test_unknown_ids_are_refused_by_evaluate(dataset, field, value):
    scenario = Scenario(**{field: value})  # the ids are only known with a dataset
    bad = value if isinstance(value, str) else value[-1]
    for function in (evaluate, breakdown, best_clause_set):
        with pytest.raises(ValueError, match=f"'{field}'.*'{bad}'"):
            function(dataset, scenario)


def test_valid_numbers_are_normalised():
    scenario = Scenario(volume=2, horizon_months=36.0)
    assert scenario.volume == 2.0 and isinstance(scenario.volume, float)
    assert scenario.horizon_months == 36 and isinstance(scenario.horizon_months, int)


def test_scenario_equality_ignores_clause_order():
    a = Scenario(clauses=("nda", "dpa_art28", "audit_rights"), services=["seo", "blog"])
    b = Scenario(clauses=["audit_rights", "nda", "dpa_art28"], services=("blog", "seo"))
    assert a == b and hash(a) == hash(b)
    assert a != Scenario(clauses=("nda", "dpa_art28"), services=("blog", "seo"))


def test_scenario_save_load_round_trip(tmp_path):
    scenario = Scenario(profile="medium", services=("seo", "blog"), volume=1.5, horizon_months=36,
                        salary_multiplier=1.2, fee_multiplier=0.8, management_hours=2, transition_months=0,
                        clauses=("nda", "audit_rights"), risk_appetite="high", eur_per_risk_point=50)
    path = scenario.save(tmp_path / "scenario.json")
    assert Scenario.load(path) == scenario
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["schema_version"] == 1 and stored["clauses"] == ["audit_rights", "nda"]
    assert [p.name for p in tmp_path.iterdir()] == ["scenario.json"], "no temporary file left behind"
    assert Scenario.load(Scenario().save(tmp_path / "default.json")) == Scenario()


@pytest.mark.parametrize("text, fragment", [
    ('{"schema_version": 2, "profile": "small"}', "schema_version"),
    ('{"profile": "small", "colour": "blue"}', "'colour'"),
    ('{"profile": "small",', "not a valid JSON"),
    ('["small"]', "JSON object"),
    ('{"horizon_months": Infinity}', "'horizon_months'"),
])
def test_scenario_load_rejects_bad_files(tmp_path, text, fragment):
    path = tmp_path / "scenario.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=fragment) as info:
        Scenario.load(path)
    assert str(path) in str(info.value)


def test_scenario_load_rejects_a_file_over_1_mb(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"profile": "small"' + " " * 1_000_001 + "}", encoding="utf-8")  # valid JSON
    with pytest.raises(ValueError, match="1 MB"):
        Scenario.load(path)


def test_scenario_load_missing_file(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        Scenario.load(tmp_path / "nope.json")


# --- property tests ---------------------------------------------------------------------------


def _ids(filename, column):
    with open(DATA / filename, newline="", encoding="utf-8") as handle:
        return sorted(row[column] for row in csv.DictReader(handle))


PROFILES, SERVICES, CLAUSES = _ids("profiles.csv", "id"), _ids("services.csv", "id"), _ids("clauses.csv", "id")

scenarios = st.builds(
    Scenario,
    profile=st.sampled_from(PROFILES),
    services=st.none() | st.lists(st.sampled_from(SERVICES), min_size=1, max_size=9, unique=True).map(tuple),
    volume=st.floats(0.1, 5),
    horizon_months=st.integers(1, 120),
    salary_multiplier=st.floats(0.2, 5),
    fee_multiplier=st.floats(0.2, 5),
    management_hours=st.floats(0, 10),
    transition_months=st.floats(0, 6),
    clauses=st.lists(st.sampled_from(CLAUSES), unique=True).map(tuple),
    risk_appetite=st.sampled_from(RISK_BANDS),
    eur_per_risk_point=st.none() | st.floats(0, 1000),
)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(scenario=scenarios, factor=st.floats(1.01, 3))
def test_raising_salary_never_lowers_savings(dataset, scenario, factor):
    higher = scenario.replace(salary_multiplier=min(10.0, scenario.salary_multiplier * factor))
    before, after = evaluate(dataset, scenario), evaluate(dataset, higher)
    # Only the in-house cost depends on the salary multiplier (managing the supplier is paid at
    # the profile's own salary), so savings change by in-house hours x change in hourly cost x months.
    scale = before.inhouse_cost.abs() + before.outsourced_cost.abs() + 1
    assert (after.savings >= before.savings - 1e-9 * scale).all()
    volume = dataset.profiles.loc[scenario.profile, "activity_volume"] * scenario.volume
    hours = dataset.costs.loc[before.index, "inhouse_hours_month"] * volume
    profile = dataset.profiles.loc[scenario.profile]
    hourly_change = profile.gross_salary_eur * (higher.salary_multiplier - scenario.salary_multiplier) \
        * profile.oncost_multiplier / profile.productive_hours_year
    expected = hours * hourly_change * scenario.horizon_months
    assert np.allclose(after.savings - before.savings, expected, rtol=1e-9, atol=1e-6 * scale.max())


def test_raising_salary_raises_savings_even_when_managing_takes_more_hours_than_the_work(tiny):
    # blog at volume 0.1: 1 in-house hour a month against 1.5 hours managing the supplier.
    # savings = (10 x 0.1 x h + 55) x 12 - [(100 x 0.1 + 1.5 x 20) x 12 + 100 x 0.1] = 12 h + 170
    # with h the in-house hourly cost: 410 at h = 20 (salary x 1), 650 at h = 40 (salary x 2).
    scenario = small(services=("blog",), volume=0.1)
    assert evaluate(tiny, scenario).loc["blog", "savings"] == pytest.approx(410)
    assert evaluate(tiny, scenario.replace(salary_multiplier=2)).loc["blog", "savings"] == pytest.approx(650)


@PROPERTY
@given(scenario=scenarios, clause=st.sampled_from(CLAUSES))
def test_adopting_a_clause_never_raises_residual_risk(dataset, scenario, clause):
    without = scenario.replace(clauses=tuple(c for c in scenario.clauses if c != clause))
    with_ = without.replace(clauses=without.clauses + (clause,))
    a, b = evaluate(dataset, without), evaluate(dataset, with_)
    assert (b.residual_risk <= a.residual_risk).all()
    assert (b.expected_legal_loss <= a.expected_legal_loss + 1e-9).all()
    assert (b.inherent_risk == a.inherent_risk).all()
    bd_a, bd_b = breakdown(dataset, without), breakdown(dataset, with_)
    assert bd_a.index.equals(bd_b.index)
    for column in ("residual_likelihood", "residual_impact", "residual_score"):
        assert (bd_b[column] <= bd_a[column]).all(), column


@PROPERTY
@given(scenario=scenarios)
def test_residual_never_exceeds_inherent(dataset, scenario):
    ev = evaluate(dataset, scenario)
    assert (ev.residual_risk <= ev.inherent_risk).all()
    assert (ev.expected_legal_loss <= ev.inherent_legal_loss + 1e-9).all()
    bd = breakdown(dataset, scenario)
    assert (bd.residual_score <= bd.inherent_score).all()
    assert (bd.residual_likelihood >= 1).all() and (bd.residual_impact >= 1).all()
    # each service's risk is its worst area
    worst = bd.groupby(level="service_id").residual_score.max()
    assert (ev.residual_risk.loc[worst.index] == worst).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios)
def test_portfolio_totals_are_the_sum_over_services(dataset, scenario):
    summary = portfolio(dataset, scenario)
    ev = evaluate(dataset, scenario)
    for column in ("inhouse_cost", "outsourced_cost", "savings", "expected_legal_loss", "net_benefit",
                   "fee", "clause_premium", "drafting"):
        assert column in summary.totals.index
    for column, total in summary.totals.items():
        assert total == pytest.approx(ev[column].sum(), rel=1e-12, abs=1e-6), column
    assert summary.decision_net_benefit == pytest.approx(ev.net_benefit[ev.outsourced].sum(), abs=1e-6)
    assert summary.counts.sum() == len(ev)
    assert summary.counts.to_dict() == {r: int((ev.recommendation == r).sum()) for r in toolkit.RECOMMENDATIONS}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios, seed=st.integers(0, 2**32 - 1))
def test_shuffling_csv_rows_changes_nothing(dataset, scenario, seed):
    shuffle = random.Random(seed).shuffle
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for csv_file in DATA.glob("*.csv"):
            with open(csv_file, newline="", encoding="utf-8") as handle:
                header, *rows = list(csv.reader(handle))
            shuffle(rows)
            with open(folder / csv_file.name, "w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows([header] + rows)
        shuffled = toolkit.load_dataset(folder)
    pdt.assert_frame_equal(evaluate(shuffled, scenario).sort_index(), evaluate(dataset, scenario).sort_index())
    pdt.assert_frame_equal(breakdown(shuffled, scenario).sort_index(), breakdown(dataset, scenario).sort_index())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios)
def test_outsourced_flag_and_clauses_applied_agree_with_the_recommendation(dataset, scenario):
    """The decision's one home: ``outsourced`` is every recommendation but keep_in_house, and
    ``clauses_applied`` (adopted clauses only, as a tuple) decides 'with clauses'."""
    ev = evaluate(dataset, scenario)
    assert ev.outsourced.dtype == bool
    assert (ev.outsourced == (ev.recommendation != "keep_in_house")).all()
    assert (ev.outsourced == (ev.within_appetite & (ev.net_benefit > 0))).all()
    for service, row in ev.iterrows():
        assert isinstance(row.clauses_applied, tuple), service
        assert set(row.clauses_applied) <= set(scenario.clauses) and list(row.clauses_applied) == sorted(
            row.clauses_applied)
        with_clauses = row.outsourced and bool(row.clauses_applied)
        assert (row.recommendation == "outsource_with_clauses") == with_clauses, service


# --- 5. the portfolio and the best clause set ---------------------------------------------------


def brute_force(dataset, scenario):
    """Decision's net benefit of every clause subset, recomputed with evaluate()."""
    values = {}
    for size in range(len(CLAUSES) + 1):
        for subset in itertools.combinations(CLAUSES, size):
            ev = evaluate(dataset, scenario.replace(clauses=subset))
            values[subset] = float(ev.net_benefit[ev.outsourced].sum())
    return values


@pytest.mark.parametrize("scenario", [Scenario(profile="micro"), Scenario(profile="small"),
                                      Scenario(profile="medium"),
                                      Scenario(profile="small", horizon_months=60, risk_appetite="high",
                                               eur_per_risk_point=300, clauses=("nda",))],
                         ids=["micro", "small", "medium", "small-60m-high-eur"])
def test_best_clause_set_matches_brute_force(dataset, scenario):
    values = brute_force(dataset, scenario)
    assert len(values) == 2 ** len(CLAUSES) == 256
    best, best_value = best_clause_set(dataset, scenario)
    top = max(values.values())
    assert best_value == pytest.approx(top, abs=1e-6)
    assert values[tuple(sorted(best))] == pytest.approx(top, abs=1e-6)
    # ties go to the smaller set
    assert len(best) == min(len(subset) for subset, value in values.items() if value >= top - 1e-6)


def test_adopting_every_clause_is_not_best_for_every_profile(dataset):
    best = {profile: best_clause_set(dataset, Scenario(profile=profile))[0] for profile in PROFILES}
    assert any(set(clauses) != set(CLAUSES) for clauses in best.values()), best


@pytest.mark.parametrize("profile", PROFILES)
def test_best_set_outsources_only_within_appetite(dataset, profile):
    scenario = Scenario(profile=profile)
    summary = portfolio(dataset, scenario)
    assert summary.best_clauses == best_clause_set(dataset, scenario)[0]
    ev = evaluate(dataset, scenario.replace(clauses=summary.best_clauses))
    pdt.assert_frame_equal(ev, summary.best_evaluation)
    outsourced = ev[ev.outsourced]
    appetite = RISK_BANDS.index(scenario.risk_appetite)
    assert all(RISK_BANDS.index(band) <= appetite for band in outsourced.risk_band)
    assert outsourced.within_appetite.all()
    assert summary.best_net_benefit == pytest.approx(outsourced.net_benefit.sum(), abs=1e-6)


@pytest.mark.parametrize("clause, adopted", [("dpa_art28", False), ("ip_assignment", True)])
def test_clause_value_is_the_difference_of_two_evaluations(dataset, clause, adopted):
    scenario = Scenario(profile="medium", clauses=("ip_assignment", "nda"))
    table = clause_value(dataset, scenario)
    assert sorted(table.index) == CLAUSES
    without = evaluate(dataset, scenario.replace(clauses=tuple(c for c in scenario.clauses if c != clause)))
    with_ = evaluate(dataset, scenario.replace(clauses=tuple(set(scenario.clauses) | {clause})))
    row = table.loc[clause]
    assert row.adopted == adopted
    assert row.cost == pytest.approx(with_.outsourced_cost.sum() - without.outsourced_cost.sum())
    assert row.risk_removed == pytest.approx(without.expected_legal_loss.sum() - with_.expected_legal_loss.sum())
    assert row.value == pytest.approx(row.risk_removed - row.cost)
    assert row.cost > 0 and row.risk_removed > 0  # both clauses protect some medium-profile service


def test_clause_value_by_hand(tiny):
    # tiny, blog alone, 12 months: ip_assignment adds premium 8 x 12 = 96 and drafting 600
    # (cost 696) and lowers blog's loss from 270 to 123 (risk removed 147).
    row = clause_value(tiny, small(services=("blog",))).loc["ip_assignment"]
    assert (row.cost, row.risk_removed, row.value) == (pytest.approx(696), pytest.approx(147), pytest.approx(-549))
    assert not row.adopted
    assert math.isclose(clause_value(tiny, small(services=("blog",), clauses=("ip_assignment",)))
                        .loc["ip_assignment", "cost"], 696)


# --- sweep and break_even -------------------------------------------------------------------------


def test_sweep_and_break_even_by_hand(tiny):
    from toolkit import break_even, sweep

    # blog, fee x 2 = 200 a month: savings(h) = 255 h - [(200 + 30) h + 200] = 25 h - 200, zero at h = 8
    curve = sweep(tiny, small(services=("blog",), fee_multiplier=2), "horizon_months", range(1, 13))
    assert curve.index.name == "horizon_months" and list(curve.columns) == ["blog"]
    assert curve.blog.to_list() == pytest.approx([25 * h - 200 for h in range(1, 13)])
    assert break_even(curve)["blog"] == pytest.approx(8)
    # interpolation between points, and NaN where the curve never crosses zero
    made_up = pd.DataFrame({"a": [-2.0, 2.0, 4.0], "b": [1.0, 2.0, 3.0]}, index=[0, 1, 2])
    result = break_even(made_up)
    assert result["a"] == pytest.approx(0.5) and math.isnan(result["b"])
