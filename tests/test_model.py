"""toolkit/model.py: every formula of the module docstring, against values worked out by hand.

Most unit tests use ``tiny``: a copy of data/ with a few rows changed so that the arithmetic is
easy (the changes are listed in the fixture). The other tables keep the bundled numbers:

* likelihood_levels: yearly chance of an incident at L1..L5 = 0.01, 0.04, 0.10, 0.25, 0.50
* clauses (premium %, drafting EUR): ip_assignment 8, 600; dpa_art28 3, 800; nda 1, 300;
  sla_penalties 10, 700; indemnity_insurance 4, 500; supplier_liability_cap -2, 150;
  audit_rights 3, 400
* clause_effects (likelihood steps, impact steps): ip_assignment copyright 2, 1;
  dpa_art28 privacy 2, 1; nda trade_secrets 2, 0; sla_penalties liability 2, 0;
  indemnity_insurance liability 0, 2 and privacy 0, 1; supplier_liability_cap liability 0, -1;
  audit_rights privacy 1, 0 and trade_secrets 1, 0
* exposure, outsourced (likelihood, impact) / in house (likelihood, impact):
  blog: copyright 3, 2 / 2, 2; privacy 2, 2 / 1, 2; liability 2, 2 / 1, 2
  content: copyright 4, 3 / 3, 2; privacy 2, 2 / 1, 2; trademarks 2, 2 / 1, 2; liability 2, 3 / 2, 3
  seo: copyright 2, 1 / 2, 1; privacy 2, 2 / 1, 2; trademarks 2, 3 / 2, 3; liability 3, 2 / 1, 2;
       trade_secrets 2, 2 / 1, 2
  reputation: privacy 4, 4 / 3, 4; liability 3, 4 / 3, 4; trade_secrets 2, 2 / 1, 2
* copyright exposes 8 services (all but reputation); trade_secrets 4 (seo, reputation,
  direct_marketing, know_how); liability all 9
* costs (hours a month, tools EUR a month, fee EUR a month): seo 20, 130, 400; reputation 14, 100, 350

So in ``tiny``, for the small firm, the loss when an incident becomes a claim is, at impact
1 / 2 / 3 / 4 / 5 (1, 3, 5 = low, typical, high; 2 and 4 their geometric means):

* copyright (claim chance 0.5): 100 / 200 / 400 / 800 / 1600
* privacy (claim chance 0.1): 1000 / 2000 / 4000 / 8000 / 16000
* liability (claim chance 0.2): 100 / 300 / 900 / 2700 / 8100
* trademarks (claim chance 0.25): 400 / 800 / 1600 / 3200 / 6400
* trade_secrets (claim chance 0.5): 200 / 400 / 800 / 1600 / 3200

and a year of a (service, area) pair costs chance(L) x claim chance x loss(I). For blog that is,
outsourced with no clauses, copyright 0.10 x 0.5 x 200 = 10, privacy 0.04 x 0.1 x 2000 = 8,
liability 0.04 x 0.2 x 300 = 2.4 (20.4 a year); in house, copyright 0.04 x 0.5 x 200 = 4,
privacy 0.01 x 0.1 x 2000 = 2, liability 0.01 x 0.2 x 300 = 0.6 (6.6 a year).
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


def write_rows(path, rows):
    """Replace a CSV file's rows, keeping its header line."""
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header] + [list(map(str, row)) for row in rows])


def copy_data(folder, source=DATA):
    folder.mkdir(parents=True, exist_ok=True)
    for csv_file in source.glob("*.csv"):
        shutil.copyfile(csv_file, folder / csv_file.name)
    return folder


# The loss rows of the small firm in ``tiny``: claim chance, low, typical and high loss.
TINY_LOSSES = {"copyright": (0.5, 100, 400, 1600), "privacy": (0.1, 1000, 4000, 16000),
               "liability": (0.2, 100, 900, 8100), "trademarks": (0.25, 400, 1600, 6400),
               "trade_secrets": (0.5, 200, 800, 3200)}


def make_tiny(folder):
    copy_data(folder)
    # hourly cost = 24000 x 1.5 / 1800 = 20 EUR; activity volume 1; size class small
    edit_row(folder / "profiles.csv", {"id": "small"}, gross_salary_eur=24000, oncost_multiplier=1.5,
             productive_hours_year=1800, turnover_eur=1_000_000, activity_volume=1)
    edit_row(folder / "costs.csv", {"service_id": "blog"}, inhouse_hours_month=10, tools_eur_month=55,
             outsourced_fee_eur_month=100)
    edit_row(folder / "costs.csv", {"service_id": "content"}, inhouse_hours_month=20, tools_eur_month=0,
             outsourced_fee_eur_month=500)
    for area, (claim, low, typical, high) in TINY_LOSSES.items():
        edit_row(folder / "incident_losses.csv", {"area_id": area, "size_class": "small"}, claim_probability=claim,
                 loss_low_eur=low, loss_eur=typical, loss_high_eur=high)
    # copyright for a medium firm: claim chance 0.25, 2000 EUR whatever the impact
    edit_row(folder / "incident_losses.csv", {"area_id": "copyright", "size_class": "medium"},
             claim_probability=0.25, loss_low_eur=2000, loss_eur=2000, loss_high_eur=2000)
    # No legal requirements, so that the cost arithmetic stays simple: every clause is optional
    # (``tiny_required`` adds some back).
    write_rows(folder / "requirements.csv", [])
    return folder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return toolkit.load_dataset(make_tiny(tmp_path_factory.mktemp("tiny") / "data"))


REQUIRED = [("blog", "dpa_art28"), ("blog", "ip_assignment"), ("content", "ip_assignment")]


@pytest.fixture(scope="module")
def tiny_required(tmp_path_factory):
    """``tiny`` with three legal requirements: blog needs the art. 28 DPA and the IP assignment,
    content the IP assignment."""
    folder = make_tiny(tmp_path_factory.mktemp("tiny_required") / "data")
    write_rows(folder / "requirements.csv",
               [[service, clause, "always", "a condition", "a legal basis", "a reason"] for service, clause in REQUIRED])
    return toolkit.load_dataset(folder)


@pytest.fixture
def tiny_copy(tiny, tmp_path):
    """A fresh copy of the tiny CSV files, free to edit (load it with toolkit.load_dataset)."""
    return copy_data(tmp_path / "tiny", source=tiny.path)


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
    ev = evaluate(tiny, small(services=("blog", "reputation"), clauses=("ip_assignment",)))
    # ip_assignment acts on copyright: blog is exposed there, reputation is not.
    assert ev.loc["blog", "clause_premium"] == pytest.approx(100 * 0.08 * 12)  # 96
    assert ev.loc["reputation", "clause_premium"] == 0
    assert ev.loc["blog", "clauses_applied"] == ("ip_assignment",) and ev.loc["reputation", "clauses_applied"] == ()
    # nda acts on trade_secrets: reputation's, not blog's (350 x 1 % x 12 = 42)
    ev = evaluate(tiny, small(services=("blog", "reputation"), clauses=("ip_assignment", "nda")))
    assert ev.loc["blog", "clause_premium"] == pytest.approx(96)
    assert ev.loc["reputation", "clause_premium"] == pytest.approx(42)
    assert ev.loc["reputation", "clauses_applied"] == ("nda",)
    # two clauses on one service add up: seo, indemnity 4 % + sla 10 % of 400 = 56 a month
    ev = evaluate(tiny, small(services=("seo",), clauses=("indemnity_insurance", "sla_penalties")))
    assert ev.loc["seo", "clause_premium"] == pytest.approx(56 * 12)  # 672


def test_the_suppliers_cap_is_a_discount_on_the_fee(tiny):
    # supplier_liability_cap: -2 % of the fee on every service exposed in liability (seo is)
    row = evaluate(tiny, small(services=("seo",), clauses=("supplier_liability_cap",))).loc["seo"]
    assert row.clause_premium == pytest.approx(-0.02 * 400 * 12)  # -96
    # outsourced = (400 - 8 + 30) x 12 + 400 transition + 150 drafting = 5064 + 550 = 5614
    assert row.outsourced_cost == pytest.approx(5614)
    assert row.fee == pytest.approx(4800), "the fee column stays the supplier's list fee"


def test_vendor_management_is_the_same_for_every_service(tiny):
    ev = evaluate(tiny, small(management_hours=3))
    assert np.allclose(ev.vendor_management, 3 * 20 * 12)  # 720, whatever the fee


def test_drafting_shared_among_protected_services_in_scope(tiny):
    ev = evaluate(tiny, small(services=("blog", "content", "reputation"), clauses=("ip_assignment",)))
    # 600 EUR shared by blog and content (copyright); reputation is not exposed in copyright
    assert ev.loc["blog", "drafting"] == pytest.approx(300)
    assert ev.loc["content", "drafting"] == pytest.approx(300)
    assert ev.loc["reputation", "drafting"] == 0
    ev = evaluate(tiny, small(clauses=("ip_assignment", "nda")))
    # all 9 services: copyright exposes 8 (all but reputation), 600 / 8 = 75 each; nda (300) acts on
    # trade_secrets: seo, reputation, direct_marketing, know_how (300 / 4 = 75 each)
    expected = {"blog": 75, "content": 75, "social_pages": 75, "profiles": 75, "brand": 75,
                "seo": 150, "reputation": 75, "direct_marketing": 150, "know_how": 150}
    assert ev.drafting.to_dict() == pytest.approx(expected)
    assert ev.drafting.sum() == pytest.approx(600 + 300)  # each clause is drafted once


def test_drafting_is_one_off(tiny):
    short = evaluate(tiny, small(services=("blog",), clauses=("ip_assignment",)))
    long = evaluate(tiny, small(services=("blog",), clauses=("ip_assignment",), horizon_months=60))
    assert short.loc["blog", "drafting"] == long.loc["blog", "drafting"] == pytest.approx(600)


def test_outsourced_cost_and_savings(tiny):
    ev = evaluate(tiny, small(services=("blog", "seo"), clauses=("ip_assignment",)))
    # ip_assignment's 600 EUR of drafting shared by blog and seo (both exposed in copyright): 300 each
    # blog: (fee 100 + premium 8 + management 1.5 x 20) x 12 + transition 100 + drafting 300
    #     = 138 x 12 + 400 = 2056; savings = 3060 - 2056 = 1004
    assert ev.loc["blog", "outsourced_cost"] == pytest.approx(2056)
    assert ev.loc["blog", "savings"] == pytest.approx(1004)
    # seo: (400 + 32 + 30) x 12 + 400 + 300 = 5544 + 700 = 6244; in house (20 x 20 + 130) x 12 = 6360
    assert ev.loc["seo", "outsourced_cost"] == pytest.approx(6244)
    assert ev.loc["seo", "inhouse_cost"] == pytest.approx(6360)
    assert ev.loc["seo", "savings"] == pytest.approx(116)


@pytest.mark.parametrize("profile", ["micro", "small", "medium", "clinica"])
def test_the_columns_add_up_exactly_on_the_bundled_data(dataset, profile):
    ev = evaluate(dataset, Scenario(profile=profile, clauses=("nda", "supplier_liability_cap"), horizon_months=37))
    assert (ev.savings == ev.inhouse_cost - ev.outsourced_cost).all()
    assert (ev.expected_legal_loss == ev.outsourced_legal_loss - ev.inhouse_legal_loss).all()
    assert (ev.net_benefit == ev.savings - ev.expected_legal_loss).all()
    parts = ev.fee + ev.clause_premium + ev.vendor_management + ev.transition + ev.drafting
    assert np.allclose(ev.outsourced_cost, parts, rtol=1e-12, atol=0)
    pairs = breakdown(dataset, Scenario(profile=profile, clauses=("nda", "supplier_liability_cap"),
                                        horizon_months=37))
    for column in ("inherent_legal_loss", "inhouse_legal_loss", "outsourced_legal_loss", "expected_legal_loss"):
        by_service = pairs[column].groupby(level="service_id").sum()
        assert np.allclose(ev.loc[by_service.index, column], by_service, rtol=1e-12, atol=1e-9), column


# --- 2. risk --------------------------------------------------------------------------------


def test_residual_likelihood_and_impact_floor_at_1(tiny):
    scenario = small(services=("blog",), clauses=("dpa_art28", "audit_rights", "indemnity_insurance"))
    bd = breakdown(tiny, scenario)
    privacy = bd.loc[("blog", "privacy")]
    # likelihood 2 - (2 + 1) = -1 -> 1; impact 2 - (1 dpa + 1 indemnity) = 0 -> 1; never removed
    assert (privacy.likelihood, privacy.impact) == (2, 2)
    assert (privacy.residual_likelihood, privacy.residual_impact, privacy.residual_score) == (1, 1, 1)
    # liability: likelihood 2 (no step), impact 2 - 2 (indemnity) = 0 -> 1
    liability = bd.loc[("blog", "liability")]
    assert (liability.residual_likelihood, liability.residual_impact, liability.residual_score) == (2, 1, 2)
    # copyright untouched by these clauses: 3 x 2
    assert bd.loc[("blog", "copyright"), "residual_score"] == 6
    assert evaluate(tiny, scenario).loc["blog", "residual_risk"] == 6


def test_breakdown_lists_the_pairs_with_a_risk(tiny):
    bd = breakdown(tiny, small(services=("blog", "reputation")))
    assert sorted(bd.index) == [("blog", "copyright"), ("blog", "liability"), ("blog", "privacy"),
                                ("reputation", "liability"), ("reputation", "privacy"),
                                ("reputation", "trade_secrets")]
    row = bd.loc[("reputation", "privacy")]
    assert (row.inherent_score, row.inhouse_score) == (16, 12)  # 4 x 4 outsourced, 3 x 4 in house
    assert (row.inhouse_likelihood, row.inhouse_impact) == (3, 4)


def test_risk_is_the_worst_area_on_each_side(tiny):
    # content outsourced: copyright 4 x 3 = 12, privacy 2 x 2 = 4, trademarks 2 x 2 = 4, liability 2 x 3 = 6;
    # in house: copyright 3 x 2 = 6, privacy 1 x 2 = 2, trademarks 1 x 2 = 2, liability 2 x 3 = 6
    row = evaluate(tiny, small()).loc["content"]
    assert (row.inherent_risk, row.residual_risk, row.risk_band, row.inhouse_risk) == (12, 12, "high", 6)
    # ip_assignment: copyright (4 - 2) x (3 - 1) = 4, so liability (6) becomes the worst; in house unchanged
    row = evaluate(tiny, small(clauses=("ip_assignment",))).loc["content"]
    assert (row.inherent_risk, row.residual_risk, row.risk_band, row.inhouse_risk) == (12, 6, "medium", 6)


def test_risk_band_boundaries_through_evaluate(data_copy):
    # One area per service (liability, no risk in house), with the score chosen on a band edge.
    cells = {"blog": (2, 2, 4, "low"), "brand": (1, 4, 4, "low"), "content": (1, 5, 5, "medium"),
             "seo": (3, 3, 9, "medium"), "social_pages": (2, 5, 10, "high"), "profiles": (4, 4, 16, "high"),
             "reputation": (4, 5, 20, "critical"), "direct_marketing": (5, 5, 25, "critical"),
             "know_how": (1, 1, 1, "low")}
    write_rows(data_copy / "exposure.csv",
               [[service, "liability", likelihood, impact, 0, 0, "a reason", "no risk in house", "a provision",
                 "assumption"] for service, (likelihood, impact, _, _) in cells.items()])
    write_rows(data_copy / "requirements.csv", [])  # the bundled ones name areas these services lost
    ev = evaluate(toolkit.load_dataset(data_copy), Scenario())
    for service, (_, _, score, band) in cells.items():
        assert ev.loc[service, "residual_risk"] == score, service
        assert ev.loc[service, "risk_band"] == band, service
        assert ev.loc[service, "inhouse_risk"] == 0 and ev.loc[service, "inhouse_legal_loss"] == 0, service


def test_risk_band_boundaries_including_17(dataset):
    # 17 is not a product of two scores from 1 to 5, so it cannot come out of evaluate();
    # the band lookup itself must still follow risk_bands.csv: 0-4, 5-9, 10-16, 17-25.
    from toolkit.model import _band_rank

    edges = list(zip(dataset.risk_bands.sort_values("max_score").index,
                     dataset.risk_bands.sort_values("max_score").max_score))
    scores = np.array([0, 4, 5, 9, 10, 16, 17, 25])
    bands = [RISK_BANDS[rank] for rank in _band_rank(scores, edges)]
    assert bands == ["low", "low", "medium", "medium", "high", "high", "critical", "critical"]


def test_the_suppliers_cap_raises_the_liability_impact(tiny):
    bd = breakdown(tiny, small(services=("blog",), clauses=("supplier_liability_cap",)))
    liability = bd.loc[("blog", "liability")]
    # impact 2 - (-1) = 3: the firm keeps the loss above the cap; likelihood unchanged
    assert (liability.likelihood, liability.impact) == (2, 2)
    assert (liability.residual_likelihood, liability.residual_impact, liability.residual_score) == (2, 3, 6)
    assert liability.residual_score > liability.inherent_score  # the one clause that can do this
    # the other areas are untouched
    assert bd.loc[("blog", "copyright"), "residual_score"] == 6 and bd.loc[("blog", "privacy"), "residual_score"] == 4
    # with the indemnity's 2 impact steps off, the cap takes one back: 2 - (2 - 1) = 1
    both = breakdown(tiny, small(services=("blog",), clauses=("supplier_liability_cap", "indemnity_insurance")))
    assert both.loc[("blog", "liability"), "residual_impact"] == 1
    assert both.loc[("blog", "liability"), "clauses"] == ("indemnity_insurance", "supplier_liability_cap")


def test_the_suppliers_cap_never_raises_an_impact_above_5(tiny_copy):
    edit_row(tiny_copy / "exposure.csv", {"service_id": "blog", "area_id": "liability"}, impact=5)
    data = toolkit.load_dataset(tiny_copy)
    without = breakdown(data, small(services=("blog",))).loc[("blog", "liability")]
    capped = breakdown(data, small(services=("blog",), clauses=("supplier_liability_cap",))).loc[("blog", "liability")]
    assert (without.residual_impact, capped.residual_impact) == (5, 5)
    # liability at impact 5: the high loss, 8100; a year: 0.04 x 0.2 x 8100 = 64.8 either way
    assert capped.loss_if_it_happens == pytest.approx(8100)
    assert capped.outsourced_legal_loss == pytest.approx(64.8) == without.outsourced_legal_loss


# --- 3. euros -------------------------------------------------------------------------------


def test_expected_loss_on_both_sides(tiny):
    # 24 months = 2 years. Blog outsourced with no clauses: (10 + 8 + 2.4) x 2 = 40.8; in house
    # (4 + 2 + 0.6) x 2 = 13.2 (module docstring); what outsourcing adds: 40.8 - 13.2 = 27.6
    row = evaluate(tiny, small(horizon_months=24)).loc["blog"]
    assert row.outsourced_legal_loss == pytest.approx(40.8)
    assert row.inherent_legal_loss == pytest.approx(40.8)  # no clauses: residual = inherent
    assert row.inhouse_legal_loss == pytest.approx(13.2)
    assert row.expected_legal_loss == pytest.approx(27.6)
    copyright = breakdown(tiny, small(horizon_months=24)).loc[("blog", "copyright")]
    assert copyright.incident_probability == pytest.approx(0.10)  # likelihood 3
    assert copyright.claim_probability == pytest.approx(0.5)
    assert copyright.loss_if_it_happens == pytest.approx(200)  # impact 2: sqrt(100 x 400)
    assert copyright.outsourced_legal_loss == pytest.approx(20)  # 0.10 x 0.5 x 200 x 2
    assert copyright.inhouse_legal_loss == pytest.approx(8)  # 0.04 x 0.5 x 200 x 2
    assert copyright.expected_legal_loss == pytest.approx(12)


def test_a_risk_that_comes_with_the_activity_adds_nothing(tiny):
    # content, 12 months. Outsourced: copyright L4 I3 0.25 x 0.5 x 400 = 50; privacy L2 I2
    # 0.04 x 0.1 x 2000 = 8; trademarks L2 I2 0.04 x 0.25 x 800 = 8; liability L2 I3
    # 0.04 x 0.2 x 900 = 7.2; total 73.2. In house: copyright L3 I2 0.10 x 0.5 x 200 = 10;
    # privacy L1 I2 0.01 x 0.1 x 2000 = 2; trademarks L1 I2 0.01 x 0.25 x 800 = 2; liability
    # L2 I3 7.2 (misleading advertising is the firm's whoever makes it); total 21.2.
    row = evaluate(tiny, small()).loc["content"]
    assert (row.outsourced_legal_loss, row.inhouse_legal_loss) == (pytest.approx(73.2), pytest.approx(21.2))
    assert row.expected_legal_loss == pytest.approx(52)
    assert breakdown(tiny, small()).loc[("content", "liability"), "expected_legal_loss"] == pytest.approx(0)


def test_a_supplier_with_its_clauses_can_lower_the_risk(tiny):
    # blog, 12 months, ip_assignment + dpa_art28 + audit_rights:
    # copyright L3-2 = 1, I2-1 = 1: 0.01 x 0.5 x 100 = 0.5 (in house 4)
    # privacy L2-3 -> 1, I2-1 = 1: 0.01 x 0.1 x 1000 = 1 (in house 2)
    # liability untouched 2.4 (in house 0.6); outsourced 3.9 against 6.6 in house: -2.7
    ev = evaluate(tiny, small(services=("blog",), clauses=("ip_assignment", "dpa_art28", "audit_rights")))
    row = ev.loc["blog"]
    assert row.outsourced_legal_loss == pytest.approx(3.9)
    assert row.inhouse_legal_loss == pytest.approx(6.6)
    assert row.expected_legal_loss == pytest.approx(-2.7)
    # a negative loss adds to the savings: outsourced (100 + 8 + 3 + 3 + 30) x 12 + 100 + 600 + 800 + 400
    # = 1728 + 1900 = 3628; savings 3060 - 3628 = -568; net -568 + 2.7 = -565.3
    assert row.savings == pytest.approx(-568)
    assert row.net_benefit == pytest.approx(-565.3)
    privacy = breakdown(tiny, small(services=("blog",), clauses=("dpa_art28", "audit_rights"))).loc[("blog", "privacy")]
    assert privacy.expected_legal_loss == pytest.approx(-1)  # 1 outsourced - 2 in house


@pytest.mark.parametrize("impact, copyright_loss", [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1600)])
def test_the_impact_places_the_loss_between_low_typical_and_high(tiny_copy, impact, copyright_loss):
    # copyright, small firm: low 100, typical 400, high 1600; impact 2 = sqrt(100 x 400) = 200,
    # impact 4 = sqrt(400 x 1600) = 800. Blog's copyright pair set to impact k on both sides.
    edit_row(tiny_copy / "exposure.csv", {"service_id": "blog", "area_id": "copyright"}, impact=impact,
             inhouse_impact=impact)
    pair = breakdown(toolkit.load_dataset(tiny_copy), small(services=("blog",))).loc[("blog", "copyright")]
    assert pair.loss_if_it_happens == pytest.approx(copyright_loss)
    assert pair.outsourced_legal_loss == pytest.approx(0.10 * 0.5 * copyright_loss)  # likelihood 3
    assert pair.inhouse_legal_loss == pytest.approx(0.04 * 0.5 * copyright_loss)  # likelihood 2, same money


def test_the_size_class_chooses_the_losses(tiny):
    # The bundled medium profile (size class medium): copyright 0.25 x 2000 at any impact.
    # blog copyright over 12 months: outsourced 0.10 x 0.25 x 2000 = 50, in house 0.04 x 0.25 x 2000 = 20
    pair = breakdown(tiny, Scenario(profile="medium", horizon_months=12)).loc[("blog", "copyright")]
    assert (pair.claim_probability, pair.loss_if_it_happens) == (pytest.approx(0.25), pytest.approx(2000))
    assert (pair.outsourced_legal_loss, pair.inhouse_legal_loss) == (pytest.approx(50), pytest.approx(20))
    # 18 months = 1.5 years
    pair = breakdown(tiny, Scenario(profile="medium", horizon_months=18)).loc[("blog", "copyright")]
    assert pair.outsourced_legal_loss == pytest.approx(75)
    # with_profile: the size class follows the turnover unless given (EUR 30M is above the small ceiling)
    numbers = dict(name_en="A firm", gross_salary_eur=24000, oncost_multiplier=1.5, productive_hours_year=1800,
                   activity_volume=1)
    for turnover, size, loss in ((3_000_000, None, 200), (30_000_000, None, 2000), (3_000_000, "medium", 2000)):
        firm = toolkit.with_profile(tiny, "firm", turnover_eur=turnover, size_class=size, **numbers)
        pair = breakdown(firm, Scenario(profile="firm", services=("blog",))).loc[("blog", "copyright")]
        assert pair.loss_if_it_happens == pytest.approx(loss), (turnover, size)


def test_expected_loss_with_eur_per_risk_point_on_both_sides(tiny):
    # blog outsourced 6 + 4 + 4 = 14 points, in house 4 + 2 + 2 = 8 points; x 100 EUR x 2 years
    row = evaluate(tiny, small(horizon_months=24, eur_per_risk_point=100)).loc["blog"]
    assert row.outsourced_legal_loss == pytest.approx(2800)
    assert row.inhouse_legal_loss == pytest.approx(1600)
    assert row.expected_legal_loss == pytest.approx(1200)
    # ip_assignment: copyright 1 x 1 = 1 -> (1 + 4 + 4) x 100 x 2 = 1800; in house unchanged
    row = evaluate(tiny, small(horizon_months=24, eur_per_risk_point=100, clauses=("ip_assignment",))).loc["blog"]
    assert row.outsourced_legal_loss == pytest.approx(1800)
    assert row.expected_legal_loss == pytest.approx(200)
    assert row.inherent_legal_loss == pytest.approx(2800)
    # the rule replaces the tables on both sides: 0 EUR a point is no legal loss at all
    row = evaluate(tiny, small(eur_per_risk_point=0)).loc["blog"]
    assert (row.outsourced_legal_loss, row.inhouse_legal_loss, row.expected_legal_loss) == (0, 0, 0)


def test_net_benefit(tiny):
    # blog over 24 months, no clauses: in house 255 x 24 = 6120; outsourced 130 x 24 + 100 = 3220;
    # savings 2900; expected loss 27.6 (see above); net 2872.4
    row = evaluate(tiny, small(horizon_months=24)).loc["blog"]
    assert row.savings == pytest.approx(2900)
    assert row.net_benefit == pytest.approx(2872.4)
    assert row.net_benefit == row.savings - row.expected_legal_loss


# --- legal requirements ---------------------------------------------------------------------


def test_required_clauses_are_in_the_contract_with_their_costs(tiny_required):
    # blog, content, reputation over 12 months; the scenario adopts nothing.
    ev = evaluate(tiny_required, small(services=("blog", "content", "reputation")))
    assert ev.loc["blog", "clauses_applied"] == ("dpa_art28", "ip_assignment")
    assert ev.loc["content", "clauses_applied"] == ("ip_assignment",)
    assert ev.loc["reputation", "clauses_applied"] == ()
    # blog: premium (3 % + 8 %) x 100 = 11 a month, 132; drafting dpa 800 + ip 600 / 2 (with content) = 1100
    assert ev.loc["blog", "clause_premium"] == pytest.approx(132)
    assert ev.loc["blog", "drafting"] == pytest.approx(1100)
    # outsourced (100 + 11 + 30) x 12 + 100 + 1100 = 1692 + 1200 = 2892; savings 3060 - 2892 = 168
    assert ev.loc["blog", "outsourced_cost"] == pytest.approx(2892)
    assert ev.loc["blog", "savings"] == pytest.approx(168)
    # risk: copyright 1 x 1 (0.5 EUR), privacy L2-2 -> 1, I2-1 = 1 (1 EUR), liability 2 x 2 (2.4 EUR);
    # outsourced 3.9 - in house 6.6 = -2.7; net 168 + 2.7 = 170.7; risk 4 (low)
    assert ev.loc["blog", "expected_legal_loss"] == pytest.approx(-2.7)
    assert ev.loc["blog", "net_benefit"] == pytest.approx(170.7)
    assert (ev.loc["blog", "residual_risk"], ev.loc["blog", "recommendation"]) == (4, "outsource_with_clauses")
    # content: premium 8 % x 500 = 40 a month, 480; drafting 300; outsourced (500 + 40 + 30) x 12 + 500 + 300
    # = 7640 against 4800 in house: kept in house, and its contract would still hold the assignment
    assert ev.loc["content", "clause_premium"] == pytest.approx(480)
    assert ev.loc["content", "drafting"] == pytest.approx(300)
    assert ev.loc["content", "savings"] == pytest.approx(4800 - 7640)
    assert ev.loc["content", "recommendation"] == "keep_in_house"
    assert ev.loc["reputation", "clause_premium"] == 0 and ev.loc["reputation", "drafting"] == 0
    # the inherent loss is still the one with no clauses at all: 20.4
    assert ev.loc["blog", "inherent_legal_loss"] == pytest.approx(20.4)


def test_naming_a_required_clause_in_the_scenario_changes_nothing_where_it_is_required(tiny_required):
    scope = ("blog", "content", "reputation")
    plain = evaluate(tiny_required, small(services=scope))
    # ip_assignment acts on copyright, where only blog and content are exposed: both require it
    pdt.assert_frame_equal(plain, evaluate(tiny_required, small(services=scope, clauses=("ip_assignment",))))
    # dpa_art28 is required by blog only; named in the scenario it also reaches content and
    # reputation (exposed in privacy), and its 800 EUR of drafting is shared by the three
    named = evaluate(tiny_required, small(services=scope, clauses=("dpa_art28",)))
    assert named.loc["blog", "clauses_applied"] == ("dpa_art28", "ip_assignment")
    assert named.loc["reputation", "clauses_applied"] == ("dpa_art28",)
    assert named.loc["blog", "drafting"] == pytest.approx(800 / 3 + 300)
    assert named.loc["reputation", "clause_premium"] == pytest.approx(350 * 0.03 * 12)  # 126


def test_breakdown_says_which_clauses_the_law_requires(tiny_required):
    bd = breakdown(tiny_required, small(services=("blog",), clauses=("audit_rights",)))
    assert bd.loc[("blog", "copyright"), "clauses"] == ("ip_assignment",)
    assert bd.loc[("blog", "copyright"), "required"] == ("ip_assignment",)
    assert bd.loc[("blog", "privacy"), "clauses"] == ("audit_rights", "dpa_art28")
    assert bd.loc[("blog", "privacy"), "required"] == ("dpa_art28",)
    assert bd.loc[("blog", "liability"), "clauses"] == () and bd.loc[("blog", "liability"), "required"] == ()


def test_best_clause_set_searches_only_the_optional_clauses(tiny_required):
    scenario = small(services=("blog", "content"), clauses=("nda",))
    best, value = best_clause_set(tiny_required, scenario)
    assert not {"dpa_art28", "ip_assignment"} & set(best)  # blog and content require them anyway
    optional = [c for c in tiny_required.clauses.index if c not in ("dpa_art28", "ip_assignment")]
    assert len(optional) == 7
    values = {}
    for size in range(len(optional) + 1):
        for subset in itertools.combinations(optional, size):
            ev = evaluate(tiny_required, scenario.replace(clauses=subset))
            values[subset] = float(ev.net_benefit[ev.outsourced].sum())
    assert value == pytest.approx(max(values.values()), abs=1e-6)
    assert values[tuple(sorted(best))] == pytest.approx(value, abs=1e-6)
    required = clause_value(tiny_required, scenario)
    assert required.required.to_dict() == {c: c in ("dpa_art28", "ip_assignment") for c in required.index}


# --- 4. the recommendation ------------------------------------------------------------------
# blog over 12 months: in house 3060, outsourced 1660, savings 1400; expected loss
# 20.4 - 6.6 = 13.8; net 1386.2; risk 6 (medium) outsourced, 4 (low) in house.


def test_outsource_when_within_appetite_and_worth_it(tiny):
    row = evaluate(tiny, small(services=("blog",))).loc["blog"]
    assert row.net_benefit == pytest.approx(1386.2)
    assert (row.risk_band, row.within_appetite, row.inhouse_risk) == ("medium", True, 4)
    assert (row.outsourced, row.recommendation, row.reason) == (True, "outsource", "worth_it")


def test_keep_in_house_when_the_risk_is_above_appetite_and_above_the_inhouse_risk(tiny):
    # appetite low: residual 6 (medium) is above it, and above the in-house 4
    row = evaluate(tiny, small(services=("blog",), risk_appetite="low")).loc["blog"]
    assert row.net_benefit == pytest.approx(1386.2)
    assert not row.within_appetite
    assert (row.outsourced, row.recommendation, row.reason) == (False, "keep_in_house", "risk_above_appetite")


@pytest.mark.parametrize("inhouse_copyright, inhouse_risk, net", [
    # in-house copyright 3 x 3: 0.10 x 0.5 x 400 = 20, in house 20 + 2 + 0.6 = 22.6; 1400 - (20.4 - 22.6)
    ((3, 3), 9, 1402.2),
    # in-house copyright 3 x 2: 0.10 x 0.5 x 200 = 10, in house 12.6; 1400 - (20.4 - 12.6); a tie is no worse
    ((3, 2), 6, 1392.2),
])
def test_a_risk_above_appetite_no_worse_than_in_house_does_not_block_outsourcing(tiny_copy, inhouse_copyright,
                                                                               inhouse_risk, net):
    edit_row(tiny_copy / "exposure.csv", {"service_id": "blog", "area_id": "copyright"},
             inhouse_likelihood=inhouse_copyright[0], inhouse_impact=inhouse_copyright[1])
    row = evaluate(toolkit.load_dataset(tiny_copy), small(services=("blog",), risk_appetite="low")).loc["blog"]
    assert (row.residual_risk, row.inhouse_risk, row.within_appetite) == (6, inhouse_risk, False)
    assert row.net_benefit == pytest.approx(net)
    assert (row.outsourced, row.recommendation, row.reason) == (True, "outsource", "worth_it")


def test_outsource_with_clauses_when_a_clause_brings_the_band_within_appetite(tiny):
    # ip_assignment: outsourced (100 + 8 + 30) x 12 + 100 + 600 = 2356; savings 704; outsourced loss
    # 0.01 x 0.5 x 100 + 8 + 2.4 = 10.9, minus 6.6 in house = 4.3; net 699.7; risk max(1, 4, 4) = 4 (low)
    row = evaluate(tiny, small(services=("blog",), risk_appetite="low", clauses=("ip_assignment",))).loc["blog"]
    assert row.net_benefit == pytest.approx(699.7)
    assert (row.residual_risk, row.risk_band, row.within_appetite) == (4, "low", True)
    assert (row.recommendation, row.reason) == ("outsource_with_clauses", "worth_it")


def test_keep_in_house_when_net_benefit_is_zero(tiny):
    # fee x 1.5: outsourced (150 + 30) x 12 + 150 = 2310, savings 3060 - 2310 = 750;
    # (14 - 8) points x 125 EUR x 1 year = 750 = the savings: net exactly 0 is not positive
    row = evaluate(tiny, small(services=("blog",), fee_multiplier=1.5, eur_per_risk_point=125)).loc["blog"]
    assert row.savings == 750 and row.expected_legal_loss == 750 and row.net_benefit == 0
    assert (row.recommendation, row.reason) == ("keep_in_house", "not_worth_it")


def test_keep_in_house_when_net_benefit_is_negative(tiny):
    # fee x 3 = 300: outsourced (300 + 30) x 12 + 300 = 4260; savings -1200; net -1200 - 13.8 = -1213.8
    row = evaluate(tiny, small(services=("blog",), fee_multiplier=3)).loc["blog"]
    assert row.net_benefit == pytest.approx(-1213.8)
    assert (row.recommendation, row.reason) == ("keep_in_house", "not_worth_it")


def test_a_clause_that_protects_another_service_does_not_make_outsource_with_clauses(tiny):
    # salary x 2 (in-house hourly cost 40), appetite critical, 12 months.
    # reputation: in house (14 x 40 + 100) x 12 = 7920; outsourced (350 + 30) x 12 + 350 = 4910;
    # savings 3010. Outsourced: privacy L4 I4 0.25 x 0.1 x 8000 = 200, liability L3 I4
    # 0.10 x 0.2 x 2700 = 54, trade_secrets L2 I2 0.04 x 0.5 x 400 = 8 (262); in house: privacy L3 I4
    # 0.10 x 0.1 x 8000 = 80, liability 54, trade_secrets L1 I2 0.01 x 0.5 x 400 = 2 (136);
    # net 3010 - 126 = 2884. ip_assignment protects blog only.
    ev = evaluate(tiny, small(services=("blog", "reputation"), clauses=("ip_assignment",), salary_multiplier=2,
                              risk_appetite="critical"))
    assert ev.loc["reputation", "net_benefit"] == pytest.approx(2884)
    assert ev.loc["reputation", "clauses_applied"] == ()
    assert ev.loc["reputation", "recommendation"] == "outsource"
    # blog: in house (10 x 40 + 55) x 12 = 5460, outsourced 2356 (above), net 3104 - 4.3 = 3099.7
    assert ev.loc["blog", "net_benefit"] == pytest.approx(3099.7)
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


def _rows(filename):
    with open(DATA / filename, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


PROFILES = sorted(row["id"] for row in _rows("profiles.csv"))
SERVICES = sorted(row["id"] for row in _rows("services.csv"))
CLAUSES = sorted(row["id"] for row in _rows("clauses.csv"))
# A clause with a negative step raises a score (the supplier's cap); the others only lower them.
RAISING = sorted({row["clause_id"] for row in _rows("clause_effects.csv")
                  if int(row["likelihood_steps"]) < 0 or int(row["impact_steps"]) < 0})
PROTECTIVE = [c for c in CLAUSES if c not in RAISING]
REQUIRED_BY_SERVICE = {}
for _row in _rows("requirements.csv"):
    REQUIRED_BY_SERVICE.setdefault(_row["service_id"], set()).add(_row["clause_id"])
PREMIUM_RATE = {row["id"]: float(row["fee_premium_pct"]) / 100 for row in _rows("clauses.csv")}


def test_the_clause_groups_the_properties_rely_on():
    assert RAISING == ["supplier_liability_cap"]
    assert len(PROTECTIVE) == 8
    # the law's preconditions are all clauses that protect the firm (residual <= inherent relies on it)
    assert set().union(*REQUIRED_BY_SERVICE.values()) == {"dpa_art28", "ip_assignment"}
    assert set(REQUIRED_BY_SERVICE) == set(SERVICES), "every bundled service has a requirement"


def scenarios_with(clauses=st.lists(st.sampled_from(CLAUSES), unique=True), service=None):
    """Any valid scenario over the bundled ids: profile, scope, clauses, appetite, horizon, multipliers."""
    scope = st.lists(st.sampled_from(SERVICES), min_size=1, max_size=9, unique=True)
    if service is not None:
        scope = scope.map(lambda chosen: sorted(set(chosen) | {service}))
    return st.builds(
        Scenario,
        profile=st.sampled_from(PROFILES),
        services=(st.none() | scope.map(tuple)) if service is None else scope.map(tuple),
        volume=st.floats(0.1, 5),
        horizon_months=st.integers(1, 120),
        salary_multiplier=st.floats(0.2, 5),
        fee_multiplier=st.floats(0.2, 5),
        management_hours=st.floats(0, 10),
        transition_months=st.floats(0, 6),
        clauses=clauses.map(tuple),
        risk_appetite=st.sampled_from(RISK_BANDS),
        eur_per_risk_point=st.none() | st.floats(0, 1000),
    )


scenarios = scenarios_with()
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
    # the legal side does not depend on who pays the salary
    assert (after.expected_legal_loss == before.expected_legal_loss).all()


def test_raising_salary_raises_savings_even_when_managing_takes_more_hours_than_the_work(tiny):
    # blog at volume 0.1: 1 in-house hour a month against 1.5 hours managing the supplier.
    # savings = (10 x 0.1 x h + 55) x 12 - [(100 x 0.1 + 1.5 x 20) x 12 + 100 x 0.1] = 12 h + 170
    # with h the in-house hourly cost: 410 at h = 20 (salary x 1), 650 at h = 40 (salary x 2).
    scenario = small(services=("blog",), volume=0.1)
    assert evaluate(tiny, scenario).loc["blog", "savings"] == pytest.approx(410)
    assert evaluate(tiny, scenario.replace(salary_multiplier=2)).loc["blog", "savings"] == pytest.approx(650)


def _with_and_without(scenario, clause):
    without = scenario.replace(clauses=tuple(c for c in scenario.clauses if c != clause))
    return without, without.replace(clauses=without.clauses + (clause,))


@PROPERTY
@given(scenario=scenarios, clause=st.sampled_from(PROTECTIVE))
def test_adopting_a_protective_clause_never_raises_the_outsourced_risk(dataset, scenario, clause):
    without, with_ = _with_and_without(scenario, clause)
    a, b = evaluate(dataset, without), evaluate(dataset, with_)
    assert (b.residual_risk <= a.residual_risk).all()
    assert (b.outsourced_legal_loss <= a.outsourced_legal_loss + 1e-9).all()
    assert (b.expected_legal_loss <= a.expected_legal_loss + 1e-9).all()
    assert (b.inherent_risk == a.inherent_risk).all() and (b.inherent_legal_loss == a.inherent_legal_loss).all()
    # the in-house side has no contract: no clause moves it
    assert (b.inhouse_risk == a.inhouse_risk).all() and (b.inhouse_legal_loss == a.inhouse_legal_loss).all()
    bd_a, bd_b = breakdown(dataset, without), breakdown(dataset, with_)
    assert bd_a.index.equals(bd_b.index)
    for column in ("residual_likelihood", "residual_impact", "residual_score"):
        assert (bd_b[column] <= bd_a[column]).all(), column


@PROPERTY
@given(scenario=scenarios)
def test_adopting_the_suppliers_cap_never_lowers_the_outsourced_risk(dataset, scenario):
    without, with_ = _with_and_without(scenario, "supplier_liability_cap")
    a, b = evaluate(dataset, without), evaluate(dataset, with_)
    assert (b.residual_risk >= a.residual_risk).all()
    assert (b.outsourced_legal_loss >= a.outsourced_legal_loss - 1e-9).all()
    assert (b.inhouse_legal_loss == a.inhouse_legal_loss).all()
    bd_a, bd_b = breakdown(dataset, without), breakdown(dataset, with_)
    for column in ("residual_likelihood", "residual_impact", "residual_score"):
        assert (bd_b[column] >= bd_a[column]).all(), column
    # and it is paid for with a discount on the fee of every contract it enters
    capped = b.clauses_applied.map(lambda ids: "supplier_liability_cap" in ids)
    discount = np.where(capped, PREMIUM_RATE["supplier_liability_cap"] * b.fee, 0.0)
    assert np.allclose(b.clause_premium - a.clause_premium, discount, rtol=1e-9, atol=1e-6)


@PROPERTY
@given(scenario=scenarios_with(clauses=st.lists(st.sampled_from(PROTECTIVE), unique=True)))
def test_residual_never_exceeds_inherent_without_a_clause_that_raises_it(dataset, scenario):
    ev = evaluate(dataset, scenario)
    assert (ev.residual_risk <= ev.inherent_risk).all()
    assert (ev.outsourced_legal_loss <= ev.inherent_legal_loss + 1e-9).all()
    bd = breakdown(dataset, scenario)
    assert (bd.residual_score <= bd.inherent_score).all()
    assert (bd.residual_likelihood >= 1).all() and (bd.residual_impact >= 1).all()
    # each service's risk is its worst area, on each side
    worst = bd.groupby(level="service_id")[["residual_score", "inhouse_score"]].max()
    assert (ev.residual_risk.loc[worst.index] == worst.residual_score).all()
    assert (ev.inhouse_risk.loc[worst.index] == worst.inhouse_score).all()


@pytest.mark.parametrize("service", sorted(REQUIRED_BY_SERVICE))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_scenario_outsources_a_service_without_the_clauses_the_law_requires(dataset, service, data):
    scenario = data.draw(scenarios_with(service=service))
    ev = evaluate(dataset, scenario)
    row = ev.loc[service]
    required = REQUIRED_BY_SERVICE[service]
    assert required <= set(row.clauses_applied), (service, row.clauses_applied)  # outsourced or not
    if row.outsourced:
        assert row.recommendation == "outsource_with_clauses"
    # their costs are in the price: the premium is the fee times the rates of the clauses in the contract
    rates = sum(PREMIUM_RATE[c] for c in row.clauses_applied)
    assert row.clause_premium == pytest.approx(row.fee * rates, rel=1e-9, abs=1e-9)
    assert row.drafting >= min(dataset.clauses.loc[c, "drafting_cost_eur"] / len(ev) for c in required) - 1e-9


def test_the_requirements_property_is_not_vacuous(dataset):
    """The default scenarios do outsource services with a requirement (so the property above bites)."""
    outsourced = {profile: evaluate(dataset, Scenario(profile=profile)).query("outsourced").index
                  for profile in PROFILES}
    assert any(service in REQUIRED_BY_SERVICE for services in outsourced.values() for service in services)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios)
def test_portfolio_totals_are_the_sum_over_services(dataset, scenario):
    summary = portfolio(dataset, scenario)
    ev = evaluate(dataset, scenario)
    for column in ("inhouse_cost", "outsourced_cost", "savings", "inhouse_legal_loss", "outsourced_legal_loss",
                   "expected_legal_loss", "net_benefit", "fee", "clause_premium", "drafting"):
        assert column in summary.totals.index
    for column, total in summary.totals.items():
        assert total == pytest.approx(ev[column].sum(), rel=1e-12, abs=1e-6), column
    assert summary.totals.expected_legal_loss == pytest.approx(
        summary.totals.outsourced_legal_loss - summary.totals.inhouse_legal_loss, rel=1e-9, abs=1e-6)
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
    """The decision's one home: ``outsourced`` is every recommendation but keep_in_house; the
    appetite blocks outsourcing only where the outsourced risk is also worse than in house; and
    ``clauses_applied`` (adopted or required clauses, as a tuple) decides 'with clauses'."""
    ev = evaluate(dataset, scenario)
    assert ev.outsourced.dtype == bool
    assert (ev.outsourced == (ev.recommendation != "keep_in_house")).all()
    acceptable = ev.within_appetite | (ev.residual_risk <= ev.inhouse_risk)
    assert (ev.outsourced == (acceptable & (ev.net_benefit > 0))).all()
    expected_reason = np.where(~acceptable, "risk_above_appetite",
                               np.where(ev.net_benefit > 0, "worth_it", "not_worth_it"))
    assert (ev.reason == expected_reason).all()
    for service, row in ev.iterrows():
        assert isinstance(row.clauses_applied, tuple), service
        allowed = set(scenario.clauses) | REQUIRED_BY_SERVICE.get(service, set())
        assert set(row.clauses_applied) <= allowed and list(row.clauses_applied) == sorted(row.clauses_applied)
        with_clauses = row.outsourced and bool(row.clauses_applied)
        assert (row.recommendation == "outsource_with_clauses") == with_clauses, service


# --- 5. the portfolio and the best clause set ---------------------------------------------------


def optional_clauses(scenario):
    """The clauses no service in scope requires (requirements.csv): the ones a search tries."""
    scope = scenario.services or SERVICES
    required = set().union(*(REQUIRED_BY_SERVICE.get(s, set()) for s in scope))
    return [c for c in CLAUSES if c not in required]


def brute_force(dataset, scenario):
    """Decision's net benefit of every subset of the optional clauses, recomputed with evaluate()."""
    values = {}
    optional = optional_clauses(scenario)
    for size in range(len(optional) + 1):
        for subset in itertools.combinations(optional, size):
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
    assert len(values) == 2 ** 7 == 128  # 9 clauses, of which dpa_art28 and ip_assignment are required
    best, best_value = best_clause_set(dataset, scenario)
    top = max(values.values())
    assert best_value == pytest.approx(top, abs=1e-6)
    assert values[tuple(sorted(best))] == pytest.approx(top, abs=1e-6)
    # ties go to the smaller set
    assert len(best) == min(len(subset) for subset, value in values.items() if value >= top - 1e-6)


def test_adopting_every_clause_is_not_best_for_every_profile(dataset):
    best = {profile: best_clause_set(dataset, Scenario(profile=profile))[0] for profile in PROFILES}
    assert any(set(clauses) != set(optional_clauses(Scenario())) for clauses in best.values()), best


@pytest.mark.parametrize("profile", PROFILES)
def test_best_set_outsources_only_where_the_risk_is_acceptable(dataset, profile):
    scenario = Scenario(profile=profile)
    summary = portfolio(dataset, scenario)
    assert summary.best_clauses == best_clause_set(dataset, scenario)[0]
    ev = evaluate(dataset, scenario.replace(clauses=summary.best_clauses))
    pdt.assert_frame_equal(ev, summary.best_evaluation)
    outsourced = ev[ev.outsourced]
    appetite = RISK_BANDS.index(scenario.risk_appetite)
    for service, row in outsourced.iterrows():
        assert RISK_BANDS.index(row.risk_band) <= appetite or row.residual_risk <= row.inhouse_risk, service
    assert summary.best_net_benefit == pytest.approx(outsourced.net_benefit.sum(), abs=1e-6)


@pytest.mark.parametrize("clause, adopted", [("audit_rights", False), ("nda", True)])
def test_clause_value_is_the_difference_of_two_evaluations(dataset, clause, adopted):
    scenario = Scenario(profile="medium", clauses=("nda", "exit_transition"))
    table = clause_value(dataset, scenario)
    assert sorted(table.index) == CLAUSES
    without = evaluate(dataset, scenario.replace(clauses=tuple(c for c in scenario.clauses if c != clause)))
    with_ = evaluate(dataset, scenario.replace(clauses=tuple(set(scenario.clauses) | {clause})))
    row = table.loc[clause]
    assert row.adopted == adopted and not row.required
    assert row.cost == pytest.approx(with_.outsourced_cost.sum() - without.outsourced_cost.sum())
    assert row.risk_removed == pytest.approx(without.expected_legal_loss.sum() - with_.expected_legal_loss.sum())
    assert row.value == pytest.approx(row.risk_removed - row.cost)
    assert row.cost > 0 and row.risk_removed > 0  # both clauses protect some medium-profile service
    assert table.loc["dpa_art28", "required"] and table.loc["ip_assignment", "required"]


def test_clause_value_by_hand(tiny):
    # tiny, blog alone, 12 months: ip_assignment adds premium 8 x 12 = 96 and drafting 600
    # (cost 696) and lowers blog's copyright loss from 10 (L3 I2) to 0.01 x 0.5 x 100 = 0.5 (L1 I1):
    # risk removed 9.5
    row = clause_value(tiny, small(services=("blog",))).loc["ip_assignment"]
    assert (row.cost, row.risk_removed, row.value) == (pytest.approx(696), pytest.approx(9.5),
                                                       pytest.approx(-686.5))
    assert not row.adopted and not row.required
    assert math.isclose(clause_value(tiny, small(services=("blog",), clauses=("ip_assignment",)))
                        .loc["ip_assignment", "cost"], 696)


def test_the_suppliers_cap_is_a_trade_off(tiny):
    # tiny, blog and seo, 24 months. The cap's discount: blog 100 x 2 % x 24 = 48, seo 400 x 2 % x 24
    # = 192; drafting 150: cost 150 - 240 = -90. It raises liability's impact 2 -> 3 (loss 300 -> 900):
    # blog L2 0.04 x 0.2 x 600 x 2 = 9.6 more, seo L3 0.10 x 0.2 x 600 x 2 = 24 more: risk removed -33.6.
    # Value -33.6 + 90 = 56.4: here the discount outweighs the risk the firm takes back.
    row = clause_value(tiny, small(services=("blog", "seo"), horizon_months=24)).loc["supplier_liability_cap"]
    assert (row.cost, row.risk_removed, row.value) == (pytest.approx(-90), pytest.approx(-33.6),
                                                       pytest.approx(56.4))
    # blog alone, 12 months: the discount (24) no longer pays the drafting (150): 1386.2 -> 1255.4
    # (outsourced (100 - 2 + 30) x 12 + 100 + 150 = 1786, savings 1274, liability 0.04 x 0.2 x 900 = 7.2,
    # expected loss 10 + 8 + 7.2 - 6.6 = 18.6)
    row = evaluate(tiny, small(services=("blog",), clauses=("supplier_liability_cap",))).loc["blog"]
    assert (row.savings, row.expected_legal_loss) == (pytest.approx(1274), pytest.approx(18.6))
    assert row.net_benefit == pytest.approx(1255.4)


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
