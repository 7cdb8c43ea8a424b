"""The model's euros rest on evidence: data/enforcement.csv and the losses the model uses.

* enforcement.csv holds at least 20 real cases and figures, at least 3 per legal area;
* for each legal area and each size class a profile uses, the loss per claim the model uses at
  every impact level (1-5, read through :func:`toolkit.breakdown`) lies within that area's
  enforcement amounts for firms of that size; or, where incident_losses.csv's evidence_check says
  ``area``, within the area's amounts for firms of every size; or, where it says ``outside``, the
  row's rationale says why (a loss below the evidence says so, one above it too);
* every case id that a data table cites exists in enforcement.csv.

Each check is a function that returns the problems it finds, so that the last tests can show it
failing on a copy of the data with a deliberately wrong value.
"""
import csv
import json
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import toolkit
from toolkit import Scenario, breakdown

DATA = Path(__file__).resolve().parent.parent / "data"
DESCRIPTOR = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))

# The kinds of enforcement amounts that are a loss to the firm that paid them (not a tariff, a
# premium, a claim whose outcome is unknown or a statistic).
LOSS_KINDS = ("fine", "damages", "legal_costs", "settlement", "price_reduction", "payment", "demand")
# Words a rationale uses to say that a loss lies below or above the evidence.
BELOW = ("below", "under", "lower than", "outside")
ABOVE = ("above", "beyond", "higher than", "more than", "outside")
# A case id: lower-case words joined by '_' (garante_2022_occhiali24), as enforcement.csv's pattern.
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@pytest.fixture(scope="module")
def data():
    return toolkit.load_dataset()


# --- the checks ----------------------------------------------------------------------------------


def losses_the_model_uses(dataset):
    """{(area, size class): [loss per claim at impact 1, 2, 3, 4, 5]} as the model uses them.

    Read through breakdown() on a probe: the dataset with every area of service k exposed at
    impact k (likelihood 1, no risk in house, no requirements, no profile adjustments), evaluated
    for one profile of each size class.
    """
    services, areas = list(dataset.services.index)[:5], list(dataset.legal_areas.index)
    rows = [{"service_id": service, "area_id": area, "likelihood": 1, "impact": impact, "inhouse_likelihood": 0,
             "inhouse_impact": 0, "rationale": "probe", "inhouse_rationale": "probe", "provision": "probe",
             "source": "probe"}
            for impact, service in enumerate(services, start=1) for area in areas]
    exposure = pd.DataFrame(rows).set_index(["service_id", "area_id"])[dataset.exposure.columns]
    probe = replace(dataset, exposure=exposure, requirements=dataset.requirements.iloc[0:0],
                    profile_adjustments=dataset.profile_adjustments.iloc[0:0])
    result = {}
    for size, profiles in dataset.profiles.groupby("size_class").groups.items():
        pairs = breakdown(probe, Scenario(profile=profiles[0], services=tuple(services)))
        assert (pairs.residual_impact == pairs.impact).all(), "no clause in the probe"
        for area in areas:
            result[(area, size)] = [float(pairs.loc[(service, area), "loss_if_it_happens"]) for service in services]
    return result


def evidence_amounts(dataset, area, size=None):
    table = dataset.enforcement
    rows = table[(table.legal_area == area) & table.kind.isin(LOSS_KINDS) & (table.amount_eur > 0)]
    if size is not None:
        rows = rows[rows.firm_size == size]
    return rows.amount_eur


def evidence_problems(dataset):
    """Where the losses the model uses leave the evidence without the data saying why."""
    problems = []
    used = losses_the_model_uses(dataset)
    for size in sorted(set(dataset.profiles.size_class)):
        for area in dataset.legal_areas.index:
            losses = used[(area, size)]
            row = dataset.incident_losses.loc[(area, size)]
            where = f"incident_losses ({area}, {size}), losses {[round(x) for x in losses]}"
            amounts = evidence_amounts(dataset, area, size if row.evidence_check == "size" else None)
            if amounts.empty:
                problems.append(f"{where}: no enforcement amount for the {row.evidence_check} check")
                continue
            low, high = amounts.min(), amounts.max()
            below, above = min(losses) < low, max(losses) > high
            if row.evidence_check in ("size", "area"):
                if below or above:
                    problems.append(f"{where}: outside the {row.evidence_check} evidence EUR {low:,.0f}-{high:,.0f}")
                continue
            # 'outside': it must really be outside the area's evidence, and the rationale must say why
            rationale = row.rationale.lower()
            if not (below or above):
                problems.append(f"{where}: marked 'outside' but within the area's EUR {low:,.0f}-{high:,.0f}")
            if below and not any(word in rationale for word in BELOW):
                problems.append(f"{where}: below the area's lowest amount {low:,.0f}; the rationale does not say why")
            if above and not any(word in rationale for word in ABOVE):
                problems.append(f"{where}: above the area's highest amount {high:,.0f}; the rationale does not say why")
    return problems


def names_that_are_not_cases(dataset):
    """Snake-case words of the data that are column, table or row ids, not case ids."""
    names = {f["name"] for r in DESCRIPTOR["resources"] for f in r["schema"]["fields"]}
    names |= {r["name"] for r in DESCRIPTOR["resources"]}
    for table in toolkit.data.TABLES:
        if table != "enforcement":
            for key in getattr(dataset, table).index.to_flat_index():
                names.update(map(str, key if isinstance(key, tuple) else (key,)))
    return names


def cited_cases(folder, filename, column, dataset):
    """{case id: [line, ...]} of the case ids cited in one text column of a CSV file."""
    skip = names_that_are_not_cases(dataset)
    cited = {}
    with open(folder / filename, newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            for word in SNAKE.findall(row[column] or ""):
                if word not in skip:
                    cited.setdefault(word, []).append(line)
    return cited


def missing_citations(folder, dataset, tables=(("incident_losses.csv", "source"),
                                               ("likelihood_levels.csv", "source"))):
    problems = []
    for filename, column in tables:
        for case, lines in cited_cases(folder, filename, column, dataset).items():
            if case not in dataset.enforcement.index:
                problems.append(f"{filename} line {lines[0]}, {column}: '{case}' is not a case_id of enforcement.csv")
    return problems


# --- the bundled data --------------------------------------------------------------------------


def test_enforcement_has_at_least_20_rows_and_3_per_legal_area(data):
    table = data.enforcement
    assert len(table) >= 20
    per_area = table.groupby("legal_area").size().reindex(data.legal_areas.index, fill_value=0)
    assert (per_area >= 3).all(), per_area.to_dict()
    for area in data.legal_areas.index:  # a range needs amounts, not only statistics and principles
        assert len(evidence_amounts(data, area)) >= 2, area


def test_every_enforcement_row_says_where_it_was_read(data):
    for case, row in data.enforcement.iterrows():
        assert row.citation.strip() and row.source.strip() and row.what_happened_en.strip(), case


def test_every_text_a_student_reads_is_in_both_languages(data):
    """What notebook 02 and 06 show (who decided, what happened, what a likelihood level or an uncertain
    input means) has an Italian text of its own, not a copy of the English one where the words differ."""
    shown = {"enforcement": ("authority", "what_happened"), "likelihood_levels": ("label", "description"),
             "uncertainty": ("description",)}
    for table, columns in shown.items():
        frame = getattr(data, table)
        for column in columns:
            english, italian = frame[f"{column}_en"], frame[f"{column}_it"]
            assert italian.str.strip().all(), (table, column)
            copied = frame.index[(english == italian) & english.str.contains(r"\b(?:the|of|and|was|is)\b")]
            assert not len(copied), f"{table}.{column}_it copies the English text: {list(copied)}"


def test_the_probe_reads_the_losses_as_the_model_uses_them(data):
    # impact 1, 3 and 5 are the low, typical and high loss of incident_losses.csv; 2 and 4 lie between
    used = losses_the_model_uses(data)
    assert set(used) == {(area, size) for area in data.legal_areas.index for size in set(data.profiles.size_class)}
    for (area, size), losses in used.items():
        row = data.incident_losses.loc[(area, size)]
        assert losses[0] == pytest.approx(row.loss_low_eur) and losses[4] == pytest.approx(row.loss_high_eur)
        assert losses[2] == pytest.approx(row.loss_eur)
        assert losses == sorted(losses), (area, size)


def test_the_losses_lie_within_the_evidence_or_the_data_say_why(data):
    assert evidence_problems(data) == []


def test_evidence_checks_name_real_checks(data):
    # a 'size' row has evidence for its own size; an 'area' row is checked only against the area
    checks = data.incident_losses.evidence_check
    assert set(checks) <= {"size", "area", "outside"}
    for (area, size), check in checks.items():
        if check == "size":
            assert len(evidence_amounts(data, area, size)) >= 1, (area, size)


def test_every_case_cited_by_the_losses_and_the_chances_exists(data):
    assert missing_citations(DATA, data) == []
    cited = cited_cases(DATA, "incident_losses.csv", "source", data)
    assert len(cited) >= 15, "the losses cite the evidence they rest on"
    assert cited_cases(DATA, "likelihood_levels.csv", "source", data), "the chances cite some evidence too"


def test_no_data_text_cites_a_case_that_does_not_exist(data):
    """Beyond the two tables above: every text column of every table (rationales, sources)."""
    texts = [(r["path"], f["name"]) for r in DESCRIPTOR["resources"] if r["name"] != "enforcement"
             for f in r["schema"]["fields"] if f["type"] == "string"]
    assert missing_citations(DATA, data, tables=texts) == []


# --- the checks can fail ------------------------------------------------------------------------


def edit_cell(path, key, column, value):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    match = [row for row in rows[1:] if all(row[header.index(k)] == v for k, v in key.items())]
    assert len(match) == 1
    match[0][header.index(column)] = value
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_a_loss_beyond_the_evidence_is_caught(data_copy):
    # privacy, small ('size'): the small-firm fines run EUR 10,000-41,600; a high loss of 500,000 is out
    edit_cell(data_copy / "incident_losses.csv", {"area_id": "privacy", "size_class": "small"}, "loss_high_eur",
              "500000")
    problems = evidence_problems(toolkit.load_dataset(data_copy))
    assert len(problems) == 1 and "(privacy, small)" in problems[0] and "outside the size evidence" in problems[0]


def test_a_size_row_without_evidence_of_that_size_is_caught(data_copy):
    # trademarks has no amount for a medium firm: 'size' cannot hold there
    edit_cell(data_copy / "incident_losses.csv", {"area_id": "trademarks", "size_class": "medium"},
              "evidence_check", "size")
    problems = evidence_problems(toolkit.load_dataset(data_copy))
    assert problems == ["incident_losses (trademarks, medium), losses [2000, 4472, 10000, 22361, 50000]: no "
                        "enforcement amount for the size check"]


@pytest.mark.parametrize("rationale, fragment", [
    ("Set by hand.", "below the area's lowest amount"),  # liability, micro: from 1,000, the area from 5,000
    ("A firm of this size loses little money per claim, well inside what courts award.",
     "below the area's lowest amount"),
])
def test_an_outside_row_that_does_not_say_why_is_caught(data_copy, rationale, fragment):
    edit_cell(data_copy / "incident_losses.csv", {"area_id": "liability", "size_class": "micro"}, "rationale",
              rationale)
    problems = evidence_problems(toolkit.load_dataset(data_copy))
    assert len(problems) == 1 and "(liability, micro)" in problems[0] and fragment in problems[0]


def test_an_outside_row_within_the_evidence_is_caught(data_copy):
    # copyright, small is within the area's EUR 260-2,500: calling it 'outside' hides nothing but is untrue
    edit_cell(data_copy / "incident_losses.csv", {"area_id": "copyright", "size_class": "small"}, "evidence_check",
              "outside")
    problems = evidence_problems(toolkit.load_dataset(data_copy))
    assert len(problems) == 1 and "marked 'outside' but within" in problems[0]


def test_a_misspelt_case_id_is_caught(data_copy):
    path = data_copy / "incident_losses.csv"
    text = path.read_text(encoding="utf-8")
    assert text.count("garante_2022_occhiali24") == 2
    path.write_text(text.replace("garante_2022_occhiali24", "garante_2022_occhiali42"), encoding="utf-8")
    problems = missing_citations(data_copy, toolkit.load_dataset(data_copy))
    assert len(problems) == 1 and "'garante_2022_occhiali42'" in problems[0]
    assert problems[0].startswith("incident_losses.csv line ")
