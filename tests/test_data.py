"""toolkit/data.py: loading the CSV tables, and refusing bad ones with a clear DataError.

Every bad-input test edits a fresh copy of data/ (the ``data_copy`` fixture) and checks
the DataError's file, 1-based line, column and that its message says what was found
and what was expected. ``pytest.raises(DataError)`` also proves that no KeyError or
pandas error escapes instead.
"""
import csv
import json
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

import toolkit
from toolkit import DataError
from toolkit.data import TABLES, load_with_frictionless

DATA = Path(__file__).resolve().parent.parent / "data"

SCHEMAS = {r["path"]: r["schema"] for r in json.loads((DATA / "datapackage.json").read_text("utf-8"))["resources"]}
NUMERIC = {path: {f["name"] for f in schema["fields"] if f["type"] in ("number", "integer")}
           for path, schema in SCHEMAS.items()}


# --- helpers -----------------------------------------------------------------------------


def read_rows(path, encoding="utf-8"):
    with open(path, newline="", encoding=encoding) as handle:
        return list(csv.reader(handle))


def write_rows(path, rows, delimiter=",", encoding="utf-8", lineterminator="\n"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)


def set_cell(folder, filename, key, column, value):
    """Set ``column`` of the row matching ``key`` ({column: value}); return that row's file line.

    The bundled files have no multi-line cells, so row k (header = 0) is on line k + 1.
    """
    path = folder / filename
    rows = read_rows(path)
    assert not any("\n" in cell for row in rows for cell in row), "helper assumes one line per row"
    header = rows[0]
    matches = [i for i, row in enumerate(rows[1:], start=1)
               if all(row[header.index(k)] == v for k, v in key.items())]
    assert len(matches) == 1, f"{filename}: {key} matches rows {matches}"
    rows[matches[0]][header.index(column)] = value
    write_rows(path, rows)
    return matches[0] + 1


def replace_once(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_starting_with(path, prefix):
    """1-based number of the only physical line that starts with ``prefix`` (counted by hand)."""
    numbers = [n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
               if line.startswith(prefix)]
    assert len(numbers) == 1, numbers
    return numbers[0]


def load_error(folder):
    """The DataError load_dataset raises for ``folder``; Frictionless (load_with_frictionless, the reference
    implementation of Table Schema) must raise the very same one: same file, line, column and message."""
    with pytest.raises(DataError) as info:
        toolkit.load_dataset(folder)
    with pytest.raises(DataError) as reference:
        load_with_frictionless(folder)
    error, expected = info.value, reference.value
    assert (str(error), error.path, error.line, error.column) == \
        (str(expected), expected.path, expected.line, expected.column)
    return error


def check_error(error, path, line, column, *fragments):
    assert error.path == path
    assert error.line == line
    assert error.column == column
    message = str(error)
    assert str(path) in message, "the message names the file"
    assert "expected" in message, "the message says what was expected"
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def assert_same_tables(expected, actual):
    for name in TABLES:
        pdt.assert_frame_equal(getattr(actual, name), getattr(expected, name), obj=name)


def write_italian(source, target, encoding):
    """What Excel writes in an Italian locale: ';', decimal comma, CRLF."""
    target.mkdir()
    for csv_file in sorted(source.glob("*.csv")):
        rows = read_rows(csv_file)
        header, numeric = rows[0], NUMERIC[csv_file.name]
        out = [header] + [[cell.replace(".", ",") if name in numeric else cell for name, cell in zip(header, row)]
                          for row in rows[1:]]
        write_rows(target / csv_file.name, out, delimiter=";", encoding=encoding, lineterminator="\r\n")


# --- what must load ------------------------------------------------------------------------


def test_bundled_dataset_has_every_table_indexed_by_its_key(dataset):
    for name in TABLES:
        table = getattr(dataset, name)
        assert len(table) > 0, name
        schema = SCHEMAS[f"{name}.csv"]
        assert list(table.index.names) == schema["primaryKey"], name
        assert table.index.is_unique, name
    # Row counts read off the CSV files by eye: 9 services, 5 areas, 9 clauses (liability_cap_insurance
    # split into indemnity_insurance and supplier_liability_cap), 7 profiles (micro, small, medium and
    # four case-study firms), 15 rows of incident losses (5 areas x 3 size classes).
    assert len(dataset.services) == 9 and len(dataset.legal_areas) == 5
    assert len(dataset.clauses) == 9 and len(dataset.profiles) == 7
    assert len(dataset.incident_losses) == 15
    assert "liability_cap_insurance" not in dataset.clauses.index


def test_the_code_names_the_same_bands_and_uncertain_inputs_as_the_data_package():
    """The model ranks RISK_BANDS in order and draws UNCERTAIN_INPUTS by name: both must be the
    enums of datapackage.json (and in the same order), or an edited package would be misread."""
    from toolkit.whatif import UNCERTAIN_INPUTS

    descriptor = json.loads((toolkit.data.BUNDLED_DATA / "datapackage.json").read_text(encoding="utf-8"))
    enums = {(r["name"], f["name"]): f["constraints"]["enum"] for r in descriptor["resources"]
             for f in r["schema"]["fields"] if "enum" in f.get("constraints", {})}
    assert enums[("risk_bands", "band")] == list(toolkit.RISK_BANDS)
    assert enums[("uncertainty", "input")] == list(UNCERTAIN_INPUTS)


def test_values_come_through_as_numbers(dataset):
    # profiles.csv, row 'small': 30000,1.40,1720,3000000,1.0
    small = dataset.profiles.loc["small"]
    assert small.gross_salary_eur == 30000 and small.oncost_multiplier == 1.40
    assert small.productive_hours_year == 1720 and small.turnover_eur == 3_000_000
    # exposure.csv, row 'direct_marketing,privacy,5,5'
    assert dataset.exposure.loc[("direct_marketing", "privacy"), "likelihood"] == 5
    assert dataset.exposure.likelihood.dtype.kind == "i"
    # legal_areas.csv: trademarks has no fixed maximum sanction (an empty optional cell)
    assert pd.isna(dataset.legal_areas.loc["trademarks", "max_sanction_eur"])
    assert dataset.legal_areas.loc["privacy", "max_sanction_eur"] == 20_000_000


def test_a_copy_of_the_csv_files_loads_like_the_bundled_data(dataset, data_copy):
    assert_same_tables(dataset, toolkit.load_dataset(data_copy))


def test_italian_excel_export_loads_the_same(dataset, data_copy, tmp_path):
    italian = tmp_path / "italian"
    write_italian(data_copy, italian, encoding="utf-8-sig")
    profiles = (italian / "profiles.csv").read_bytes()
    assert profiles.startswith(b"\xef\xbb\xbfid;name_en;"), "BOM and ';' written"
    assert b";1,40;" in profiles, "the decimal comma is really exercised (small's on-cost 1.40)"
    assert b"\r\n" in profiles
    assert_same_tables(dataset, toolkit.load_dataset(italian))


def test_windows_1252_export_loads_the_same(dataset, data_copy, tmp_path):
    italian = tmp_path / "cp1252"
    write_italian(data_copy, italian, encoding="cp1252")
    clauses = (italian / "clauses.csv").read_bytes()
    assert "originalità".encode("cp1252") in clauses and not clauses.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        clauses.decode("utf-8")  # so the loader really has to fall back to Windows-1252
    loaded = toolkit.load_dataset(italian)
    assert loaded.clauses.loc["ip_assignment", "name_it"] == "Cessione dei diritti e garanzia di originalità"
    assert_same_tables(dataset, loaded)


def test_thousands_grouping_in_a_semicolon_file(dataset, data_copy):
    rows = read_rows(data_copy / "costs.csv")
    header = rows[0]
    fee, tools = header.index("outsourced_fee_eur_month"), header.index("tools_eur_month")
    blog = next(row for row in rows if row[0] == "blog")
    content = next(row for row in rows if row[0] == "content")
    blog[fee] = "1.500"  # one thousand five hundred, as Excel shows it in Italy
    content[tools] = "1.234,5"
    write_rows(data_copy / "costs.csv", rows, delimiter=";", encoding="cp1252")
    costs = toolkit.load_dataset(data_copy).costs
    assert costs.loc["blog", "outsourced_fee_eur_month"] == 1500.0
    assert costs.loc["content", "tools_eur_month"] == 1234.5
    # everything else as in the bundled file
    pdt.assert_frame_equal(costs.drop(index=["blog", "content"]), dataset.costs.drop(index=["blog", "content"]))
    assert costs.loc["blog", "inhouse_hours_month"] == 24 and costs.loc["content", "inhouse_hours_month"] == 48


def test_an_extra_column_is_ignored(dataset, data_copy):
    for name in ("costs.csv", "exposure.csv"):
        rows = read_rows(data_copy / name)
        write_rows(data_copy / name, [rows[0] + ["my_notes"]] + [row + ["check with the lawyer"] for row in rows[1:]])
    assert_same_tables(dataset, toolkit.load_dataset(data_copy))


def test_columns_in_another_order_load_the_same(dataset, data_copy):
    for csv_file in data_copy.glob("*.csv"):
        rows = read_rows(csv_file)
        write_rows(csv_file, [list(reversed(row)) for row in rows])
    assert read_rows(data_copy / "costs.csv")[0][0] == "source"
    assert_same_tables(dataset, toolkit.load_dataset(data_copy))


def test_loading_does_not_modify_the_files(data_copy):
    def snapshot(folder):
        return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}

    before, bundled_before = snapshot(data_copy), snapshot(DATA)
    toolkit.load_dataset(data_copy)
    toolkit.load_dataset()
    assert snapshot(data_copy) == before, "no file changed, added or removed"
    assert snapshot(DATA) == bundled_before


# --- what must be refused -------------------------------------------------------------------


def test_missing_column(data_copy):
    path = data_copy / "costs.csv"
    rows = read_rows(path)
    drop = rows[0].index("tools_eur_month")
    write_rows(path, [row[:drop] + row[drop + 1:] for row in rows])
    error = load_error(data_copy)
    check_error(error, path, 1, "tools_eur_month", "'tools_eur_month' is missing",
                "service_id, inhouse_hours_month, tools_eur_month, outsourced_fee_eur_month")


def test_renamed_column_suggests_the_new_name(data_copy):
    path = data_copy / "costs.csv"
    rows = read_rows(path)  # the header only: the source texts name the column too
    rows[0][rows[0].index("tools_eur_month")] = "tools_eur_per_month"
    write_rows(path, rows)
    error = load_error(data_copy)
    check_error(error, path, 1, "tools_eur_month", "'tools_eur_month' is missing", "'tools_eur_per_month'")


def test_text_where_a_number_belongs(data_copy):
    line = set_cell(data_copy, "costs.csv", {"service_id": "blog"}, "tools_eur_month", "twenty")
    assert line == 2
    error = load_error(data_copy)
    check_error(error, data_copy / "costs.csv", 2, "tools_eur_month", "'twenty'", "a number")


@pytest.mark.parametrize("text", ["NaN", "inf", "-Infinity", "1e999"])
def test_non_finite_numbers_are_refused(data_copy, text):
    # The schema library accepts these as numbers; the model would turn them into NaN/inf costs.
    line = set_cell(data_copy, "costs.csv", {"service_id": "seo"}, "tools_eur_month", text)
    error = load_error(data_copy)
    check_error(error, data_copy / "costs.csv", line, "tools_eur_month", f"'{text}'", "a number")


@pytest.mark.parametrize("value", ["0", "6"])
def test_score_outside_1_to_5(data_copy, value):
    line = set_cell(data_copy, "exposure.csv", {"service_id": "seo", "area_id": "liability"}, "likelihood", value)
    error = load_error(data_copy)
    check_error(error, data_copy / "exposure.csv", line, "likelihood", f"found {value}", "from 1 to 5")


def test_negative_cost(data_copy):
    line = set_cell(data_copy, "costs.csv", {"service_id": "seo"}, "tools_eur_month", "-130")
    assert line == 4
    error = load_error(data_copy)
    check_error(error, data_copy / "costs.csv", 4, "tools_eur_month", "-130", "no negative")


def test_duplicate_service_id(data_copy):
    line = set_cell(data_copy, "services.csv", {"id": "seo"}, "id", "blog")
    error = load_error(data_copy)
    # blog is on line 2 of services.csv; the copy on the seo row (line 4)
    assert line == 4
    check_error(error, data_copy / "services.csv", 4, "id", "duplicate id 'blog'", "once", "line 2")


def test_duplicate_service_and_area_in_exposure(data_copy):
    line = set_cell(data_copy, "exposure.csv", {"service_id": "blog", "area_id": "liability"}, "area_id", "privacy")
    error = load_error(data_copy)
    # blog,privacy is on line 3; the second one replaces blog,liability on line 4. The key spans
    # two columns, so no single column is named.
    assert line == 4
    check_error(error, data_copy / "exposure.csv", 4, None, "service_id, area_id", "'blog', 'privacy'", "line 3")


def test_exposure_row_with_unknown_service(data_copy):
    line = set_cell(data_copy, "exposure.csv", {"service_id": "seo", "area_id": "trademarks"}, "service_id", "sea")
    error = load_error(data_copy)
    check_error(error, data_copy / "exposure.csv", line, "service_id", '"sea"', '"services"')


def test_exposure_row_with_unknown_legal_area(data_copy):
    line = set_cell(data_copy, "exposure.csv", {"service_id": "seo", "area_id": "trademarks"}, "area_id", "trademark")
    error = load_error(data_copy)
    check_error(error, data_copy / "exposure.csv", line, "area_id", '"trademark"', '"legal_areas"')


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"], ids=["empty", "bom-only", "blank-lines"])
def test_empty_file(data_copy, content):
    path = data_copy / "costs.csv"
    path.write_bytes(content)
    error = load_error(data_copy)
    check_error(error, path, 1, None, "empty", "header")


def test_header_only_file(data_copy):
    path = data_copy / "costs.csv"
    path.write_text(",".join(read_rows(path)[0]) + "\n", encoding="utf-8")
    error = load_error(data_copy)
    check_error(error, path, 1, None, "no data rows", "at least one row")


def test_missing_file(data_copy):
    path = data_copy / "costs.csv"
    path.unlink()
    error = load_error(data_copy)
    check_error(error, path, None, None, "missing", "costs.csv", "service_id")


def test_missing_folder(tmp_path):
    folder = tmp_path / "no_such_folder"
    error = load_error(folder)
    check_error(error, folder, None, None, "no such folder", "costs.csv")


def test_empty_required_cell_source(data_copy):
    line = set_cell(data_copy, "likelihood_levels.csv", {"level": "3"}, "source", "")
    assert line == 4
    error = load_error(data_copy)
    check_error(error, data_copy / "likelihood_levels.csv", 4, "source", "empty", "assumption")


def test_empty_required_number(data_copy):
    line = set_cell(data_copy, "exposure.csv", {"service_id": "blog", "area_id": "privacy"}, "impact", "")
    error = load_error(data_copy)
    check_error(error, data_copy / "exposure.csv", line, "impact", "empty")


def test_row_with_too_many_cells(data_copy):
    path = data_copy / "likelihood_levels.csv"
    rows = read_rows(path)
    rows[3] = rows[3][:6] + ["about once in 10 years", rows[3][6]]  # level 3: a stray separator
    write_rows(path, rows)
    error = load_error(data_copy)
    check_error(error, path, 4, None, "8 cells", "7 columns")


@pytest.mark.parametrize("defect", ["score", "cells"])
def test_line_number_counts_an_earlier_multi_line_cell(data_copy, defect):
    path = data_copy / "exposure.csv"
    # The first data row's rationale (quoted) spreads over three physical lines.
    replace_once(path, '"An outside writer may reuse texts', '"An outside writer\nmay reuse\ntexts')
    if defect == "score":
        replace_once(path, "seo,trademarks,2,3,", "seo,trademarks,2,9,")
        column, fragments = "impact", ("found 9", "from 1 to 5")
    else:
        replace_once(path, "seo,trademarks,2,3,", "seo,trademarks,2,3,extra,")
        column, fragments = None, ("11 cells", "10 columns")
    # Counted by hand: header 1, blog/copyright 2-4, blog/privacy 5, blog/liability 6,
    # content 7-10 (copyright, privacy, trademarks, liability), seo/copyright 11, seo/privacy 12,
    # seo/trademarks 13. The row number in the file would be 11.
    assert line_starting_with(path, "seo,trademarks,") == 13
    error = load_error(data_copy)
    check_error(error, path, 13, column, *fragments)


# --- the risk tables: both sides, losses per size class, legal requirements --------------------


@pytest.mark.parametrize("filename", ["requirements.csv", "profile_adjustments.csv"])
def test_a_table_of_optional_rows_may_hold_only_its_header(data_copy, filename):
    """No row means none: no clause the law requires, no firm whose business raises the stakes."""
    path = data_copy / filename
    path.write_text(",".join(read_rows(path)[0]) + "\n", encoding="utf-8")
    loaded = toolkit.load_dataset(data_copy)
    assert len(getattr(loaded, filename.removesuffix(".csv"))) == 0
    if filename == "requirements.csv":
        assert all(applied == () for applied in toolkit.evaluate(loaded).clauses_applied)
    else:  # the clinic's privacy impact is back to the plain score (profiles: 4, not 5)
        pairs = toolkit.breakdown(loaded, toolkit.Scenario(profile="clinica"))
        assert pairs.loc[("profiles", "privacy"), "impact"] == 4


def test_inhouse_likelihood_without_an_impact_is_refused(data_copy):
    line = set_cell(data_copy, "exposure.csv", {"service_id": "seo", "area_id": "liability"}, "inhouse_impact", "0")
    error = load_error(data_copy)
    check_error(error, data_copy / "exposure.csv", line, "inhouse_impact", "(seo, liability)", "both 0")


def test_incident_losses_out_of_order_are_refused(data_copy):
    # privacy, small: low 10000, typical 20000, high 41600; a typical loss above the high end is a slip
    line = set_cell(data_copy, "incident_losses.csv", {"area_id": "privacy", "size_class": "small"}, "loss_eur",
                    "50000")
    error = load_error(data_copy)
    check_error(error, data_copy / "incident_losses.csv", line, "loss_eur", "(privacy, small)",
                "loss_low_eur <= loss_eur <= loss_high_eur")


def test_a_size_class_without_losses_is_refused(data_copy):
    path = data_copy / "incident_losses.csv"
    rows = read_rows(path)
    write_rows(path, [row for row in rows if row[:2] != ["trade_secrets", "medium"]])
    error = load_error(data_copy)
    check_error(error, path, None, "size_class", "'trade_secrets'", "'medium'", "each size class")


def test_a_required_clause_that_lowers_no_risk_of_the_service_is_refused(data_copy):
    # know_how is exposed in copyright, liability and trade_secrets; dpa_art28 acts on privacy only
    path = data_copy / "requirements.csv"
    with open(path, "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["know_how", "dpa_art28", "always", "a condition", "GDPR art. 28", "a reason"])
    error = load_error(data_copy)
    check_error(error, path, len(read_rows(path)), "clause_id", "'dpa_art28'", "'know_how'", "exposure.csv")


# --- the toolkit's Table Schema checker and Frictionless agree ---------------------------------
#
# load_dataset checks the cells with the toolkit's own Table Schema checker (Frictionless imports jsonschema,
# about 1.5 s of CPU in every student's kernel); load_with_frictionless checks them with Frictionless. Every
# bad-input test above compares the two errors (load_error); the cases below aim at each part of the schema.


def test_the_bundled_descriptor_is_checked_without_frictionless():
    from toolkit.data import _checker_supports, _descriptor

    resources = {r["name"]: r for r in _descriptor()["resources"]}
    assert _checker_supports(resources), "the fast checker would hand the bundled package to Frictionless"
    unknown = json.loads(json.dumps(resources))
    unknown["enforcement"]["schema"]["fields"][3]["format"] = "%Y-%m-%d"  # date: a format it does not implement
    assert not _checker_supports(unknown)


def test_loading_imports_neither_frictionless_nor_jsonschema():
    import subprocess
    import sys

    code = ("import sys, toolkit; toolkit.load_dataset(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('frictionless', 'jsonschema', 'rfc3987_syntax')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]", result.stdout


def test_both_checkers_accept_the_bundled_and_the_italian_files(dataset, data_copy, tmp_path):
    italian = tmp_path / "italian"
    write_italian(data_copy, italian, encoding="cp1252")
    for folder in (None, data_copy, italian):
        assert_same_tables(dataset, load_with_frictionless(folder))
        assert_same_tables(dataset, toolkit.load_dataset(folder))


def _append_row(folder, filename, cells):
    with open(folder / filename, "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(cells)


def _blank_row_with_a_note(folder):
    rows = read_rows(folder / "costs.csv")
    write_rows(folder / "costs.csv", [rows[0] + ["notes"]] + [row + [""] for row in rows[1:]]
               + [[""] * len(rows[0]) + ["a note under the table"]])


def _many_bad_rows(folder):
    rows = read_rows(folder / "costs.csv")
    write_rows(folder / "costs.csv", rows + [[f"extra_{i}", "lots", "-1", "0", "", ""] for i in range(1200)])


SEO = "Search engine optimisation (SEO)"
SCHEMA_CASES = {  # what each case breaks -> how
    "pattern": lambda f: set_cell(f, "services.csv", {"id": "seo"}, "id", "SEO"),
    "pattern-date": lambda f: set_cell(f, "enforcement.csv", {"case_id": "garante_2022_occhiali24"}, "date",
                                       "20/10/2022"),
    "enum": lambda f: set_cell(f, "profiles.csv", {"id": "small"}, "size_class", "smallish"),
    "enum-key": lambda f: set_cell(f, "risk_bands.csv", {"band": "high"}, "band", "severe"),
    "maximum": lambda f: set_cell(f, "profiles.csv", {"id": "small"}, "oncost_multiplier", "3.5"),
    "minimum-negative-range": lambda f: set_cell(f, "clauses.csv", {"id": "dpa_art28"}, "fee_premium_pct", "-60"),
    "integer-with-decimals": lambda f: set_cell(f, "exposure.csv", {"service_id": "blog", "area_id": "privacy"},
                                                "likelihood", "2.5"),
    "integer-exponent": lambda f: set_cell(f, "risk_bands.csv", {"band": "low"}, "max_score", "4e0"),
    "unique-integer-key": lambda f: set_cell(f, "likelihood_levels.csv", {"level": "3"}, "level", "2"),
    "unique-not-key": lambda f: set_cell(f, "costs.csv", {"service_id": "seo"}, "service_id", "blog"),
    "empty-key": lambda f: set_cell(f, "clauses.csv", {"id": "dpa_art28"}, "id", ""),
    "foreign-key-not-in-key": lambda f: set_cell(f, "enforcement.csv", {"case_id": "garante_2022_occhiali24"},
                                                 "legal_area", "privacyy"),
    "foreign-key-profile": lambda f: set_cell(f, "profile_adjustments.csv", {"profile_id": "clinica"},
                                              "profile_id", "clinic"),
    "foreign-key-in-a-referenced-table": lambda f: set_cell(f, "legal_areas.csv", {"id": "privacy"}, "id",
                                                            "data_protection"),
    "two-problems-one-row": lambda f: (set_cell(f, "costs.csv", {"service_id": "seo"}, "tools_eur_month", "-1"),
                                       set_cell(f, "costs.csv", {"service_id": "seo"}, "inhouse_hours_month", "x")),
    "two-rows": lambda f: (set_cell(f, "costs.csv", {"service_id": "seo"}, "tools_eur_month", "-1"),
                           set_cell(f, "costs.csv", {"service_id": "blog"}, "tools_eur_month", "-2")),
    "duplicate-and-bad-cell": lambda f: (set_cell(f, "services.csv", {"id": "seo"}, "id", "blog"),
                                         set_cell(f, "services.csv", {"id": "blog", "name_en": SEO}, "name_it", "")),
    "new-row-everything-wrong": lambda f: _append_row(f, "exposure.csv", ["nowhere", "nothing", "9", "", "x", "-1",
                                                                          "", "", "", ""]),
    "blank-row-beside-a-note": _blank_row_with_a_note,
    "more-than-a-thousand-problems": _many_bad_rows,
}


@pytest.mark.parametrize("case", list(SCHEMA_CASES))
def test_the_checker_and_frictionless_raise_the_same_error(data_copy, case):
    SCHEMA_CASES[case](data_copy)
    error = load_error(data_copy)  # both raise; same file, line, column and message
    assert error.path is not None and error.path.parent == data_copy


@pytest.mark.parametrize("text", ["1_000", "\u0663", "sNaN", "+nan"])
def test_numbers_the_schema_takes_but_the_model_cannot_use_are_refused(data_copy, text):
    # Decimal() and int() read these (so does Table Schema as Frictionless implements it); pandas does not.
    line = set_cell(data_copy, "costs.csv", {"service_id": "seo"}, "tools_eur_month", text)
    error = load_error(data_copy)
    check_error(error, data_copy / "costs.csv", line, "tools_eur_month", f"'{text}'", "a number")


@pytest.mark.parametrize("text, value", [("+5", 5.0), ("5.", 5.0), (".5", 0.5), ("1e3", 1000.0)])
def test_plain_numbers_in_other_spellings_load(data_copy, text, value):
    set_cell(data_copy, "costs.csv", {"service_id": "seo"}, "tools_eur_month", text)
    for load in (toolkit.load_dataset, load_with_frictionless):
        assert load(data_copy).costs.loc["seo", "tools_eur_month"] == value


def test_a_date_in_another_form_is_explained_by_the_column_description(data_copy):
    line = set_cell(data_copy, "enforcement.csv", {"case_id": "garante_2022_occhiali24"}, "date", "20/10/2022")
    error = load_error(data_copy)
    check_error(error, data_copy / "enforcement.csv", line, "date", "'20/10/2022'", "YYYY-MM-DD")
    assert "lower-case" not in str(error), "a date is not an id"


def test_a_row_with_text_only_in_an_extra_column_is_explained(data_copy):
    _blank_row_with_a_note(data_copy)
    error = load_error(data_copy)
    check_error(error, data_copy / "costs.csv", len(read_rows(data_copy / "costs.csv")), None,
                "only in columns the table does not use", "delete the row")
