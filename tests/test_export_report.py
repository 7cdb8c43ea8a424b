"""The hand-in export: toolkit.export.export_report and ``python -m toolkit export``."""
import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import toolkit  # noqa: E402
from toolkit import Scenario  # noqa: E402
from toolkit.cli import main  # noqa: E402
from toolkit.export import REPORT_SHEETS, export_report, report_tables, scenario_table, sheet_name  # noqa: E402
from toolkit.i18n import t  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = Scenario(profile="medium", clauses=("dpa_art28", "nda"), horizon_months=36)
DRAWS = 2_000
FILES = {"evaluation.csv", "breakdown.csv", "scenario.json", "checklist.md", "savings_vs_risk.png",
         "net_benefit.png", "inherent_vs_residual.png", "sensitivity.csv", "uncertainty.csv", "report.xlsx",
         "tornado.png", "uncertainty_bands.png", "decision_histogram.png", "report.html"}
CHARTS = sorted(name for name in FILES if name.endswith(".png"))


@pytest.fixture(scope="module")
def data():
    return toolkit.load_dataset()


@pytest.fixture(scope="module")
def exported(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "hand_in"  # not there yet: created
    files = export_report(data, SCENARIO, out, draws=DRAWS, seed=3)
    return out, files


def read_workbook(path):
    # keep_default_na=False: an empty text cell reads back as "" (as written), not as NaN
    return pd.read_excel(path, sheet_name=None, keep_default_na=False, na_values=[])


def test_every_file_is_written(exported):
    out, files = exported
    assert {p.name for p in files} == FILES == {p.name for p in out.iterdir()}
    for name in CHARTS:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_workbook_read_back_equals_the_tables(exported, data):
    out, _ = exported
    book = {name: sheet for name, sheet in zip(REPORT_SHEETS, read_workbook(out / "report.xlsx").values())}
    assert list(read_workbook(out / "report.xlsx")) == [sheet_name(n, "en") for n in REPORT_SHEETS], \
        "one sheet per table, in order, named in words"
    pd.testing.assert_frame_equal(book["scenario"], scenario_table(data, SCENARIO, "en"), obj="scenario")
    # the sheets are for reading in Excel: names, words and headers in the language, euros to the cent
    evaluation = book["evaluation"].set_index(t("service", "en"))
    model = toolkit.evaluate(data, SCENARIO)
    assert list(evaluation.index) == list(data.services.name_en.loc[model.index])
    assert evaluation[t("net_benefit", "en")].to_numpy() == pytest.approx(model.net_benefit.round(2).to_numpy())
    assert list(evaluation[t("recommendation", "en")]) == [t(r, "en") for r in model.recommendation]
    uncertainty = book["uncertainty"].set_index(t("service", "en"))
    simulation = toolkit.simulate(data, SCENARIO, draws=DRAWS, seed=3)
    assert uncertainty[t("p50", "en")].to_numpy() == pytest.approx(simulation.summary.p50.round(2).to_numpy())
    for name in ("evaluation", "breakdown", "sensitivity", "uncertainty"):
        ids = set(data.services.index) | set(data.clauses.index) | {"keep_in_house", "outsource_with_clauses"}
        cells = {str(v) for v in book[name].to_numpy().ravel()} | set(book[name].columns)
        assert not cells & ids, f"{name}: ids shown: {cells & ids}"


def test_workbook_opens_right_in_excel(exported):
    from openpyxl import load_workbook

    out, _ = exported
    book = load_workbook(out / "report.xlsx")
    assert book.sheetnames == [sheet_name(n, "en") for n in REPORT_SHEETS]
    sheet = book["Evaluation"]
    assert sheet.freeze_panes == "A2", "the header row stays in view"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width >= len("Content, audio-visual production and web design")
    headers = [c.value for c in sheet[1]]
    net = sheet.cell(row=2, column=headers.index(t("net_benefit", "en")) + 1)
    assert net.number_format == "#,##0.00" and net.value == round(net.value, 2)
    share = book["Uncertainty"]
    headers = [c.value for c in share[1]]
    assert share.cell(row=2, column=headers.index(t("pct_probability_outsource", "en")) + 1).number_format == "0.0%"
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold, sheet.title
        for row in sheet.iter_rows(min_row=2):  # no "0.##" format: Excel would show 500 as "500."
            for cell in row:
                if isinstance(cell.value, (int, float)):
                    assert cell.number_format in ("#,##0.00", "0.0%", "#,##0", "General"), cell.number_format
                    assert cell.number_format != "General" or not float(cell.value).is_integer()


def test_scenario_sheet_in_words_and_file_read_back_as_the_scenario(exported, data):
    out, _ = exported
    sheet = read_workbook(out / "report.xlsx")["Scenario"]
    assert list(sheet.columns) == [t("report_field", "en"), t("report_value", "en")]
    rows = dict(zip(*(sheet[column] for column in sheet.columns)))
    assert rows[t("profile", "en")] == "Medium firm"
    assert rows[t("services_in_scope", "en")] == "all"
    assert rows[t("clauses_adopted", "en")] == "; ".join(data.clauses.loc[["dpa_art28", "nda"], "name_en"])
    assert rows[t("risk_appetite", "en")] == "Medium" and rows[t("horizon_months", "en")] == "36"
    assert rows[t("plot_field_eur_per_risk_point", "en")] == t("report_eur_per_point_none", "en")
    # scenario.json is the file for code: it reads back as the scenario
    assert json.loads((out / "scenario.json").read_text(encoding="utf-8"))["schema_version"] == 1
    assert Scenario.load(out / "scenario.json") == SCENARIO
    assert report_tables(data, SCENARIO, draws=100)["scenario"].value.map(json.loads).iloc[0] == 1


def test_csv_files_read_back_equal_the_tables(exported, data):
    out, _ = exported
    book = dict(zip(REPORT_SHEETS, read_workbook(out / "report.xlsx").values()))
    for name in ("evaluation", "breakdown", "sensitivity", "uncertainty"):
        table = pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig", keep_default_na=False, na_values=[""])
        sheet = book[name].copy()
        percent = [column for column in sheet.columns if "%" in column]  # fractions in the workbook
        assert percent or name in ("evaluation", "sensitivity"), name
        sheet[percent] = (100 * sheet[percent]).round(2)
        pd.testing.assert_frame_equal(table, sheet, check_dtype=False, obj=name)
    raw = (out / "evaluation.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM: Excel reads the accents right"
    assert not re.search(rb"\d\.\d{3,}", raw), "rounded to the cent"


def test_italian_csv_is_excel_italian(data, tmp_path):
    export_report(data, SCENARIO, tmp_path, lang="it", draws=300, seed=3)
    text = (tmp_path / "evaluation.csv").read_text(encoding="utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith(f"{t('service', 'it')};") and t("net_benefit", "it") in header
    table = pd.read_csv(tmp_path / "evaluation.csv", sep=";", decimal=",", encoding="utf-8-sig")
    model = toolkit.evaluate(data, SCENARIO)
    assert table[t("net_benefit", "it")].to_numpy() == pytest.approx(model.net_benefit.round(2).to_numpy())
    assert table[t("service", "it")].tolist() == data.services.name_it.loc[model.index].tolist()
    assert set(table[t("recommendation", "it")]) <= {t(r, "it") for r in ("outsource", "outsource_with_clauses",
                                                                           "keep_in_house")}
    uncertainty = pd.read_csv(tmp_path / "uncertainty.csv", sep=";", decimal=",", encoding="utf-8-sig")
    wins = uncertainty[t("pct_probability_outsource", "it")]
    assert wins.between(0, 100).all() and wins.max() > 1, "percentages, as the header says"
    simulation = toolkit.simulate(data, SCENARIO, draws=300, seed=3)
    assert wins.to_numpy() == pytest.approx((100 * simulation.summary.probability_outsource).round(2).to_numpy())


def test_html_report_is_one_self_contained_page(exported, data):
    out, _ = exported
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert t("disclaimer", "en") in page
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) == len(CHARTS), "every chart, embedded"
    embedded = {base64.b64decode(src.split(",", 1)[1]) for src in sources}
    assert embedded == {(out / name).read_bytes() for name in CHARTS}
    assert all(src.startswith("data:image/png;base64,") for src in sources)
    assert not re.search(r'(src|href)="(http|file|/)', page), "no link to anything outside the page"
    assert all('alt="' in tag for tag in re.findall(r"<img [^>]+>", page))
    for item in ("Medium firm", "GDPR art. 28 data processing agreement", "Non-disclosure agreement", "36"):
        assert item in page, item  # the scenario, in words
    for service in data.services.name_en:
        assert service.replace("'", "&#x27;") in page or service in page
    assert "<script" not in page.lower()


def test_italian_report(data, tmp_path):
    export_report(data, Scenario(eur_per_risk_point=50.0), tmp_path, lang="it", draws=500)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<html lang="it">' in page and t("disclaimer", "it") in page
    assert t("disclaimer", "en") not in page
    assert "Piccola impresa" in page


def test_bad_arguments_write_nothing(data, tmp_path):
    out = tmp_path / "never"
    for arguments in (dict(draws=0), dict(seed=-1), dict(change=2.0), dict(lang="fr")):
        with pytest.raises(ValueError):
            export_report(data, SCENARIO, out, **arguments)
    with pytest.raises(ValueError, match="'profile'"):
        export_report(data, Scenario(profile="huge"), out)
    assert not out.exists()
    a_file = tmp_path / "taken.txt"
    a_file.write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="folder"):
        export_report(data, SCENARIO, a_file, draws=100)
    assert a_file.read_text(encoding="utf-8") == "mine"


# --- the command line ---------------------------------------------------------------------


def test_cli_export_with_a_scenario_file(tmp_path, capsys):
    scenario_file = SCENARIO.save(tmp_path / "mine.json")
    out = tmp_path / "out"
    assert main(["export", "--scenario", str(scenario_file), "--out", str(out), "--draws", "500", "--lang", "it"]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {len(FILES)} files" in printed
    assert {p.name for p in out.iterdir()} == FILES
    assert Scenario.load(out / "scenario.json") == SCENARIO


@pytest.mark.parametrize("arguments, fragment", [
    (["--draws", "0"], "draws"),
    (["--seed", "-4"], "seed"),
    (["--scenario", "{folder}/bad.json"], "cut short"),
    (["--scenario", "{folder}/huge.json"], "'profile'"),
    (["--data", "{folder}/no_data"], "no such folder"),
])
def test_cli_export_bad_input_is_one_error_line_and_status_2(tmp_path, capsys, arguments, fragment):
    (tmp_path / "bad.json").write_text('{"profile": "small",', encoding="utf-8")
    (tmp_path / "huge.json").write_text('{"profile": "huge"}', encoding="utf-8")
    out = tmp_path / "out"
    arguments = [a.replace("{folder}", str(tmp_path)) for a in arguments]
    assert main(["export", "--out", str(out), *arguments]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0]
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_cli_export_into_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "report.txt"
    target.write_text("keep", encoding="utf-8")
    assert main(["export", "--out", str(target), "--draws", "100"]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert target.read_text(encoding="utf-8") == "keep"


def test_cli_export_needs_out():
    with pytest.raises(SystemExit) as info:
        main(["export"])
    assert info.value.code == 2


def test_python_m_toolkit_export_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "toolkit", "export", "--out", str(tmp_path / "o"), "--draws",
                             "300"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o" / "report.html").is_file() and (tmp_path / "o" / "report.xlsx").is_file()
    assert result.stderr == ""


# --- the contract checklist and custom profiles ------------------------------------------------


def test_checklist_lists_each_protecting_clause_with_its_areas_and_provision(dataset):
    from toolkit.export import checklist

    scenario = Scenario(clauses=("dpa_art28", "exit_transition", "ip_assignment"))
    text = checklist(dataset, scenario)
    assert "not legal advice" in text
    table = toolkit.evaluate(dataset, scenario)
    outsourced = table.index[table.outsourced]
    for service in outsourced:
        assert f"### {dataset.services.loc[service, 'name_en']}" in text
    for service in table.index.difference(outsourced):
        assert f"### {dataset.services.loc[service, 'name_en']}" not in text
    # profiles: privacy L4 x I4 = 16; the DPA takes 2 likelihood and 1 impact step -> 2 x 3 = 6.
    assert ("| ☐ | GDPR art. 28 data processing agreement | Personal data (privacy) (16 → 6) | "
            "GDPR art. 28(3); Codice privacy art. 130 |") in text
    # a clause lists only the areas it acts on: the exit clause for content names liability and
    # trademarks (clause_effects.csv), not copyright.
    content = text.split("### Content")[1].split("###")[0]
    exit_row = next(line for line in content.splitlines() if "Exit and transition clause" in line)
    assert "Supplier's liability" in exit_row and "Trademarks" in exit_row and "Copyright" not in exit_row
    assert checklist(dataset, scenario, lang="it").startswith("# Checklist del contratto")


def test_checklist_marks_the_clauses_the_law_requires_and_who_asks_for_the_others(dataset):
    from toolkit.export import checklist

    scenario = Scenario(clauses=("supplier_liability_cap", "trademark_licence"))
    table = toolkit.evaluate(dataset, scenario)
    assert table.loc["blog", "outsourced"] and table.loc["content", "outsourced"]
    text = checklist(dataset, scenario)
    blog = text.split("### Blog management")[1].split("###")[0]
    rows = {line.split(" | ")[1]: line for line in blog.splitlines() if line.startswith("| ☐ | ")}
    # requirements.csv: blog needs the DPA ('always') and the IP assignment; the cap is the supplier's ask
    assert rows["GDPR art. 28 data processing agreement"].endswith("**required by law** (GDPR art. 28(1), 28(3)) |")
    assert "**required by law**" in rows["IP assignment and originality warranty"]
    assert "the supplier's request" in rows["Cap on the supplier's liability (the supplier's request)"]
    assert "(4 → 6)" in rows["Cap on the supplier's liability (the supplier's request)"], "the cap raises the risk"
    content = text.split("### Content")[1].split("###")[0]
    assert "**required by law** for the usual scope of the job (GDPR art. 28(1), 28(3))" in content  # 'usually'
    assert "the firm's request" in next(line for line in content.splitlines() if "Trademark licence" in line)
    # the data cite the law as English does ('arts.', 'EUTMR'); the Italian checklist as Italian does
    italian = checklist(dataset, scenario, lang="it")
    assert "**imposta dalla legge** (LdA artt. 107, 110)" in italian
    assert "RMUE art. 25(2); CPI artt. 20, 22, 118(6)" in italian
    assert "arts." not in italian and "EUTMR" not in italian


def test_with_profile_takes_its_limits_from_the_data_package(dataset, monkeypatch):
    """The ranges are those of datapackage.json, not a copy: tighten one there and with_profile follows."""
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    profiles = next(r for r in descriptor["resources"] if r["name"] == "profiles")
    oncost = next(f for f in profiles["schema"]["fields"] if f["name"] == "oncost_multiplier")
    arguments = dict(name_en="x", gross_salary_eur=30_000, oncost_multiplier=1.8, productive_hours_year=1_720,
                     turnover_eur=1e6, activity_volume=1.0)
    assert "x" in toolkit.with_profile(dataset, "x", **arguments).profiles.index
    oncost["constraints"]["maximum"] = 1.5
    monkeypatch.setattr("toolkit.data._descriptor", lambda: descriptor)
    with pytest.raises(ValueError, match=r"oncost_multiplier: expected a number from 1 to 1\.5, got 1\.8"):
        toolkit.with_profile(dataset, "x", **arguments)


def test_checklist_when_nothing_is_outsourced(dataset):
    from toolkit.export import checklist

    text = checklist(dataset, Scenario(risk_appetite="low", services=("direct_marketing",)))
    assert "nothing to negotiate" in text and "| ☐ |" not in text


def test_with_profile_adds_a_validated_firm(dataset):
    firm = toolkit.with_profile(dataset, "my_firm", name_en="My firm", gross_salary_eur=30_000,
                                oncost_multiplier=1.4, productive_hours_year=1_720, turnover_eur=3_000_000,
                                activity_volume=1.0)
    assert "my_firm" in firm.profiles.index and "my_firm" not in dataset.profiles.index
    # the same numbers as the bundled small firm give the same evaluation
    mine = toolkit.evaluate(firm, Scenario(profile="my_firm"))
    small = toolkit.evaluate(dataset, Scenario(profile="small"))
    assert (mine.net_benefit - small.net_benefit).abs().max() < 1e-9
    for field, value in (("oncost_multiplier", 0.5), ("productive_hours_year", 50), ("turnover_eur", -1),
                         ("gross_salary_eur", float("nan"))):
        arguments = dict(name_en="x", gross_salary_eur=30_000, oncost_multiplier=1.4, productive_hours_year=1_720,
                         turnover_eur=1e6, activity_volume=1.0)
        arguments[field] = value
        with pytest.raises(ValueError, match=field):
            toolkit.with_profile(dataset, "x", **arguments)
    with pytest.raises(ValueError, match="profile_id"):
        toolkit.with_profile(dataset, "My Firm!", name_en="x", gross_salary_eur=1, oncost_multiplier=1.4,
                             productive_hours_year=1_720, turnover_eur=1, activity_volume=1)


def test_a_failed_export_leaves_the_previous_hand_in_whole(data, tmp_path, monkeypatch):
    from toolkit import plots

    out = tmp_path / "hand_in"
    export_report(data, SCENARIO, out, draws=300, seed=3)
    (out / "my_notes.txt").write_text("mine", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):  # the last chart fails, after most files were written
        raise OSError("No space left on device")

    monkeypatch.setattr(plots, "decision_histogram", broken)
    with pytest.raises(OSError, match="No space"):
        export_report(data, Scenario(profile="micro"), out, draws=300, seed=3)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "the old hand-in, whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hand_in"], "no staging folder left behind"
    monkeypatch.undo()
    files = export_report(data, Scenario(profile="micro"), out, draws=300, seed=3)
    assert all(f.parent == out and f.exists() for f in files)
    assert (out / "my_notes.txt").read_text(encoding="utf-8") == "mine", "the student's own file is kept"
    assert Scenario.load(out / "scenario.json") == Scenario(profile="micro")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hand_in"]


@pytest.mark.parametrize("lang", ["en", "it"])
def test_a_file_that_cannot_be_written_is_named_with_the_fix(data, tmp_path, monkeypatch, lang):
    """A workbook held open (Excel on Windows: permission denied on that file) stops the export: the error
    names report.xlsx in the hand-in folder (not a hidden staging copy) and what to do; the old folder stays."""
    from toolkit.export import ExportError

    out = tmp_path / "hand_in"
    export_report(data, SCENARIO, out, draws=300, seed=3)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = pd.ExcelWriter

    def held_open(path, *args, **kwargs):
        if Path(path).name == "report.xlsx":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pd, "ExcelWriter", held_open)
    with pytest.raises(ExportError) as info:
        export_report(data, Scenario(profile="micro"), out, draws=300, seed=3, lang=lang)
    error = info.value
    assert isinstance(error, OSError) and error.path == out / "report.xlsx"
    assert str(out / "report.xlsx") in str(error) and ".new-" not in str(error)
    assert t("export_fix_open", lang) in str(error) and "Permission denied" in str(error)
    assert str(out) in str(error) and isinstance(error.__cause__, PermissionError)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "the old hand-in, whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hand_in"]


def test_a_full_disk_names_the_chart_and_says_to_free_space(data, tmp_path, monkeypatch):
    import errno

    from toolkit import plots
    from toolkit.export import ExportError

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(plots, "tornado", full)
    with pytest.raises(ExportError, match="No space") as info:
        export_report(data, SCENARIO, tmp_path / "new", draws=300)
    assert info.value.path == tmp_path / "new" / "tornado.png" and t("export_fix_space", "en") in str(info.value)
    assert not (tmp_path / "new").exists()


def test_a_folder_that_cannot_be_replaced_names_the_file_held_open(data, tmp_path, monkeypatch):
    """On Windows a file open in Excel stops the folder's swap: the error names that file."""
    import os

    from toolkit import export
    from toolkit.export import ExportError

    out = tmp_path / "hand_in"
    export_report(data, SCENARIO, out, draws=300, seed=3)
    real_rename, real_open = os.rename, open

    def rename(source, target):
        if Path(source) == out:
            raise PermissionError(13, "Access is denied", str(source))
        return real_rename(source, target)

    def locked(path, mode="r", *args, **kwargs):
        if Path(path).name == "report.xlsx" and "+" in mode:
            raise PermissionError(13, "The process cannot access the file", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(export.os, "rename", rename)
    monkeypatch.setattr("builtins.open", locked)
    with pytest.raises(ExportError) as info:
        export_report(data, Scenario(profile="micro"), out, draws=300, seed=3)
    monkeypatch.undo()
    assert info.value.path == out / "report.xlsx" and t("export_fix_open", "en") in str(info.value)
    assert Scenario.load(out / "scenario.json") == SCENARIO, "the old hand-in, whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hand_in"], "no staging folder left behind"


def test_report_is_titled_with_the_students_case_and_name(data, tmp_path):
    from toolkit.exercises import case_scenario

    export_report(data, case_scenario("bellini"), tmp_path / "a", draws=300, author="Anna Rossi", lang="it")
    page = (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    firm = data.profiles.loc["bellini", "name_it"]
    title = t("report_title_by", "it", firm=firm, author="Anna Rossi")
    page = page.replace("&#x27;", "'")
    assert f"<title>{title}</title>" in page and f"<h1>{title}</h1>" in page
    export_report(data, case_scenario("trattoria"), tmp_path / "b", draws=300)
    page = (tmp_path / "b" / "report.html").read_text(encoding="utf-8")
    assert t("report_title_for", "en", firm=data.profiles.loc["trattoria", "name_en"]).replace("&", "&amp;") in page
    # the restaurant chain outsources nothing: the sensitivity section says so rather than show zeros
    assert t("plot_tornado_title_nothing", "en", pct="20") in page


def test_sensitivity_sheet_names_the_decision_in_words(exported):
    out, _ = exported
    sheet = pd.read_excel(out / "report.xlsx", sheet_name="Sensitivity")
    services = set(sheet[t("service", "en")])
    assert t("sensitivity_decision", "en") in services and "decision" not in services and "total" not in services
    # the input's values rounded and with their unit, as the tornado labels them
    salary = sheet[sheet[t("input", "en")] == t("plot_input_salary", "en")]
    assert set(salary[t("col_unit", "en")]) == {"EUR/hour"}
    for column in ("base_value", "low_value", "high_value"):
        values = sheet[t(f"col_{column}", "en")]
        assert (values.round(2) == values).all() and (values % 1 != 0).any(), column


# --- the student's own scenario (notebook 06) ------------------------------------------------------


def test_student_scenario_prefers_the_case_study_then_the_explorer_then_the_preset(data, tmp_path):
    from toolkit.export import student_scenario
    from toolkit.handin import export_handin

    found = student_scenario(data, folder=tmp_path)
    assert found.scenario == Scenario() and found.path is None
    assert found.note == t("scenario_preset", "en", paths=f"{tmp_path / 'exports/case_study/scenario.json'}, "
                                                          f"{tmp_path / 'my_scenario.json'}")
    explorer = Scenario(profile="medium", horizon_months=36).save(tmp_path / "my_scenario.json")
    found = student_scenario(data, folder=tmp_path, lang="it")
    assert found.scenario == Scenario.load(explorer) and found.path == explorer
    assert found.note == t("scenario_from_explorer", "it", path=explorer, firm="Media impresa")
    export_handin(data, "moda", tmp_path / "exports" / "case_study", name="Anna Rossi", services=["blog"],
                  clauses=["nda"], attempts_file=tmp_path / "none.json")
    found = student_scenario(data, folder=tmp_path)
    assert found.scenario.profile == "moda" and found.scenario.clauses == ("nda",)
    assert (found.author, found.case) == ("Anna Rossi", "moda") and "Anna Rossi" in found.note
    assert str(tmp_path / "exports" / "case_study" / "scenario.json") in found.note


def test_student_scenario_says_why_a_file_is_skipped(data, tmp_path):
    from toolkit.export import student_scenario

    (tmp_path / "exports" / "case_study").mkdir(parents=True)
    (tmp_path / "exports" / "case_study" / "scenario.json").write_text('{"profile": "huge"}', encoding="utf-8")
    (tmp_path / "my_scenario.json").write_text('{"profile": "small",', encoding="utf-8")
    found = student_scenario(data, folder=tmp_path)
    assert found.scenario == Scenario() and found.path is None
    first, second, preset = found.note.split("\n\n")
    assert first.startswith(f"{tmp_path / 'exports/case_study/scenario.json'} not used") and "huge" in first
    assert second.startswith(f"{tmp_path / 'my_scenario.json'} not used")
    assert preset.startswith("No scenario of yours found")
    missing = student_scenario(data, tmp_path / "nope.json", lang="it")
    assert missing.note.startswith(t("scenario_not_used", "it", path=tmp_path / "nope.json",
                                     problem=t("file_not_found", "it")))


# --- what a student reads in every file of an export: words, never ids, JSON or raw floats (issue 13) ------------

def _banned(data):
    """Ids (services, clauses, legal areas, profiles, catalogue keys) and the words of code."""
    ids = set(data.services.index) | set(data.clauses.index) | set(data.legal_areas.index) | set(data.profiles.index)
    ids |= {"keep_in_house", "outsource", "outsource_with_clauses", "risk_above_appetite", "not_worth_it",
            "worth_it", "decision", "total", *REPORT_SHEETS}  # REPORT_SHEETS: the tables' names in code
    return ids, {"nan", "none", "null", "true", "false", "[]", "{}"}


def _english_only(data):
    """Texts that only an English file holds: the catalogue's English where the Italian differs, and the
    English names of the data."""
    english = {text["en"] for text in toolkit.i18n.STRINGS.values() if text["en"] != text["it"]}
    for kind in ("services", "clauses", "legal_areas"):
        table = getattr(data, kind)
        english |= set(table.name_en[table.name_en != table.name_it])
    return english


_NUMBER = re.compile(r"-?\d[\d.,]*\d|-?\d")
_ROUNDED = re.compile(r"-?\d{1,3}([.,]\d{3})*([.,]\d{1,2})?|-?\d+([.,]\d{1,2})?")


def _problems(texts, where, data, lang):
    ids, code = _banned(data)
    english = _english_only(data) if lang == "it" else set()
    found = []
    for text in texts:
        text = str(text).strip()
        if text in ids or text.lower() in code:
            found.append(f"{where}: {text!r} (an id or code)")
        elif text in english:
            found.append(f"{where}: {text!r} (English in the Italian file)")
        if re.search(r"(?<![\w/])[a-z][a-z0-9]*_[a-z0-9_]+\b(?!\.(csv|py|json))", text):
            found.append(f"{where}: {text!r} (a snake_case id)")
        for number in _NUMBER.findall(text):
            if not _ROUNDED.fullmatch(number) and not re.fullmatch(r"\d+\.\d+\.\d+", number):  # a version
                found.append(f"{where}: {number!r} in {text[:60]!r} (not rounded)")
    return found


def _csv_texts(path, lang):
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [cell for row in csv.reader(handle, delimiter=";" if lang == "it" else ",") for cell in row]


def _xlsx_texts(path, lang):
    """Sheet names and text cells as written; a number as Excel shows it (a percentage for a "0.0%" format)."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    texts, found = list(book.sheetnames), []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, bool):
                    found.append(f"{path.name}/{sheet.title}!{cell.coordinate}: a boolean {cell.value}")
                elif isinstance(cell.value, (int, float)):
                    shown = 100 * cell.value if "%" in cell.number_format else cell.value
                    if abs(round(shown, 2) - shown) > 1e-9:
                        found.append(f"{path.name}/{sheet.title}!{cell.coordinate}: {cell.value} not rounded")
                elif cell.value is not None:
                    texts.append(cell.value)
    return texts, found


def _html_texts(path):
    import html

    page = path.read_text(encoding="utf-8").split("</style>", 1)[1]
    page = re.sub(r'<img [^>]+>', "", page)
    alts = re.findall(r'alt="([^"]*)"', path.read_text(encoding="utf-8"))
    return [html.unescape(text) for text in re.split(r"<[^>]+>", page) if text.strip()] + alts


def scan_export(folder: Path, data, lang: str) -> list[str]:
    """Every problem a student could read in the files of ``folder`` (an export in ``lang``)."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".csv":
            found += _problems(_csv_texts(path, lang), path.name, data, lang)
        elif path.suffix == ".xlsx":
            texts, wrong = _xlsx_texts(path, lang)
            found += wrong + _problems(texts, path.name, data, lang)
        elif path.suffix == ".html":
            found += _problems(_html_texts(path), path.name, data, lang)
        elif path.suffix == ".md":
            lines = path.read_text(encoding="utf-8").splitlines()
            found += _problems([cell for line in lines for cell in line.split("|")], path.name, data, lang)
    return found


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_file_of_a_report_is_in_words(data, tmp_path, lang):
    from toolkit.exercises import case_scenario

    scenario = case_scenario("moda").replace(clauses=("dpa_art28", "ip_assignment", "nda"))
    export_report(data, scenario, tmp_path / "r", lang=lang, draws=300, seed=1, author="Anna Rossi")
    assert scan_export(tmp_path / "r", data, lang) == []
    texts = _html_texts(tmp_path / "r" / "report.html")
    for clause in ("dpa_art28", "ip_assignment", "nda"):  # the evaluation names each service's clauses
        assert not any(re.search(rf"\b{clause}\b", text) for text in texts), clause
        assert any(data.clauses.loc[clause, f"name_{lang}"] in text for text in texts), clause


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_file_of_a_hand_in_is_in_words(data, tmp_path, lang):
    from toolkit.handin import export_handin

    export_handin(data, "bellini", tmp_path / "h", name="Anna Rossi", services=["blog", "reputation"],
                  clauses=["dpa_art28"], lang=lang, attempts_file=tmp_path / "none.json")
    assert scan_export(tmp_path / "h", data, lang) == []


def test_the_scan_finds_what_a_student_must_not_see(data, tmp_path):
    """The scan can fail: ids, JSON words, raw floats, English headers in an Italian file, unrounded cells."""
    from openpyxl import Workbook

    (tmp_path / "a.csv").write_text("Servizio;Net benefit (EUR);x\nblog;0,6631;null\n", encoding="utf-8-sig")
    book = Workbook()
    book.active.title = "evaluation"
    book.active.append(["Campo", 22.7907, True])
    book.save(tmp_path / "b.xlsx")
    (tmp_path / "c.html").write_text("<style></style><td>dpa_art28, ip_assignment</td><td>false</td>",
                                     encoding="utf-8")
    found = "\n".join(scan_export(tmp_path, data, "it"))
    for expected in ("'blog'", "'Net benefit (EUR)'", "'0,6631'", "'null'", "'evaluation'", "22.7907", "a boolean",
                     "dpa_art28", "'false'"):
        assert expected in found, expected
