"""Hand-in material: the contract checklist and an export of a decision to files.

:func:`export_decision` writes the decision (CSV, the scenario, the checklist, three charts);
:func:`export_report` adds the what-if analysis (sensitivity and a Monte Carlo simulation),
an Excel workbook with one sheet per table and a one-page HTML report with the charts
embedded, to hand in. ``python -m toolkit export`` calls it from the command line.

Beside the model, not underneath it: nothing in ``data``/``model`` imports this module.
"""
from __future__ import annotations

import base64
import contextlib
import html
import json
import numbers
import os
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import i18n, present
from .data import Dataset
from .i18n import t
from .model import breakdown, evaluate
from .present import law
from .scenario import SCENARIO_SCHEMA_VERSION, Scenario
from .whatif import decision_or_total, sensitivity, simulate

__all__ = ["checklist", "export_decision", "export_report", "report_tables", "ids_as_text", "REPORT_SHEETS",
           "sheet_name", "scenario_table",
           "spreadsheet_table", "write_csv", "CSV_STYLE", "ExportError", "StudentScenario", "student_scenario",
           "STUDENT_SCENARIO_FILES"]


def checklist(dataset: Dataset, scenario: Scenario | None = None, lang: str = "en") -> str:
    """A Markdown checklist: for each service to outsource, both sides of its risk (the worst score
    and the expected legal loss, in house and outsourced), then each clause of its contract with the
    risk it answers (legal area, score before -> after), the provision behind it, and whether the
    law requires it (with the legal basis of requirements.csv) or it is negotiated, at the firm's
    request or, for a clause that raises the firm's risk (the cap on the supplier's liability), at
    the supplier's."""
    lang = i18n.check_lang(lang)
    scenario = scenario or Scenario()
    evaluation = evaluate(dataset, scenario)
    pairs = breakdown(dataset, scenario)
    lines = [f"# {t('checklist_title', lang)}", "", f"> {t('disclaimer', lang)}", ""]
    chosen = evaluation[evaluation.outsourced]
    if chosen.empty:
        return "\n".join(lines + [t("checklist_nothing", lang), ""])
    requirements = dataset.requirements
    effects = dataset.clause_effects
    raising = (effects.likelihood_steps < 0) | (effects.impact_steps < 0)  # the supplier's requests raise a score
    raises = set(effects.index[raising].get_level_values("clause_id"))
    lines += [f"## {t('checklist_services', lang)}", ""]
    for service, row in chosen.iterrows():
        lines += [f"### {i18n.name(dataset, 'services', service, lang)} — {t(row.recommendation, lang)}", "",
                  t("checklist_sides", lang, months=scenario.horizon_months, inhouse_risk=int(row.inhouse_risk),
                    residual_risk=int(row.residual_risk), band=t(row.risk_band, lang).lower(),
                    inhouse_loss=i18n.eur(row.inhouse_legal_loss, lang),
                    outsourced_loss=i18n.eur(row.outsourced_legal_loss, lang)), ""]
        areas = pairs.loc[service]
        if not row.clauses_applied:
            lines += [t("checklist_unprotected", lang), ""]
            continue
        lines += [f"| ☐ | {t('checklist_clause', lang)} | {t('checklist_risk', lang)} | "
                  f"{t('checklist_provision', lang)} | {t('checklist_status', lang)} |", "|---|---|---|---|---|"]
        for clause in row.clauses_applied:
            answered = [f"{i18n.name(dataset, 'legal_areas', area, lang)} "
                        f"({int(a.inherent_score)} → {int(a.residual_score)})"
                        for area, a in areas.iterrows() if clause in a.clauses]  # the areas it acts on
            if (service, clause) in requirements.index:
                requirement = requirements.loc[(service, clause)]
                key = "checklist_required" if requirement.applies == "always" else "checklist_required_usually"
                status = t(key, lang, basis=_law(requirement.legal_basis, lang))
            else:
                status = t("checklist_supplier_request" if clause in raises else "checklist_firm_request", lang)
            lines.append(f"| ☐ | {i18n.name(dataset, 'clauses', clause, lang)} | {'; '.join(answered) or '—'} | "
                         f"{_law(dataset.clauses.loc[clause, 'provision'], lang)} | {status} |")
        lines.append("")
    return "\n".join(lines)


_law = law  # toolkit.present.law: a citation as each language writes it


# --- the student's own scenario -----------------------------------------------------------------

# Where a student's scenario is, relative to the notebook's folder, in the order they are tried:
# the hand-in of notebook 05 (toolkit.handin.export_handin), then the explorer's Save (notebook 03).
STUDENT_SCENARIO_FILES = ("exports/case_study/scenario.json", "my_scenario.json")


@dataclass(frozen=True)
class StudentScenario:
    """The result of :func:`student_scenario`.

    scenario: the scenario to work on. path: the file it came from (None: the preset). author and case:
    from notebook 05's ``handin.json`` beside it ("" if none). note: in words, which file was used (or
    that none was found) and any file skipped, and why.
    """

    scenario: Scenario
    path: Path | None
    author: str
    case: str
    note: str

    def _repr_markdown_(self) -> str:
        return self.note


def student_scenario(dataset: Dataset, path=None, lang: str = "en", folder=".") -> StudentScenario:
    """The student's own scenario, for the what-if notebook (06) and its report.

    ``path`` (a scenario file) if given; else the first of :data:`STUDENT_SCENARIO_FILES` under ``folder``
    that reads and fits ``dataset``: notebook 05's export (its ``handin.json`` gives the student's name and
    case) or the explorer's saved file. If none does, the preset ``Scenario()``. Never raises for a missing
    or broken file: the ``note`` says, in ``lang``, which file was used, which were skipped and why, or that
    none was found.
    """
    lang = i18n.check_lang(lang)
    folder = Path(folder)
    candidates = [Path(path)] if path is not None else [folder / name for name in STUDENT_SCENARIO_FILES]
    skipped = []
    for candidate in candidates:
        if not candidate.is_file():
            if path is not None:
                skipped.append(t("scenario_not_used", lang, path=candidate, problem=t("file_not_found", lang)))
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a replaced clause id is read as its successor
                scenario = Scenario.load(candidate)
            evaluate(dataset, scenario)  # ids that the data do not know (an edited file, another data set)
        except (ValueError, OSError) as exc:
            skipped.append(t("scenario_not_used", lang, path=candidate, problem=exc))
            continue
        author, case = _handin_of(candidate)
        firm = i18n.name(dataset, "profiles", scenario.profile, lang)
        if candidate.name == "scenario.json" and candidate.parent.name == "case_study":
            note = t("scenario_from_case_study", lang, path=candidate, firm=firm, who=f"; {author}" if author else "")
        elif path is None:
            note = t("scenario_from_explorer", lang, path=candidate, firm=firm)
        else:
            note = t("scenario_from_file", lang, path=candidate, firm=firm)
        return StudentScenario(scenario, candidate, author, case, "\n\n".join([*skipped, note]))
    note = t("scenario_preset", lang, paths=", ".join(str(c) for c in candidates))
    return StudentScenario(Scenario(), None, "", "", "\n\n".join([*skipped, note]))


def _handin_of(scenario_file: Path) -> tuple[str, str]:
    """The student's name and case from the ``handin.json`` beside a scenario file of notebook 05, or ("", "")."""
    handin = scenario_file.parent / "handin.json"
    try:
        if handin.stat().st_size > 2_000_000:
            return "", ""
        content = json.loads(handin.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", ""
    if not isinstance(content, dict):
        return "", ""
    name, case = content.get("name"), content.get("case")
    return (name.strip() if isinstance(name, str) else ""), (case if isinstance(case, str) else "")


def export_decision(dataset: Dataset, scenario: Scenario | None, out_dir, lang: str = "en") -> list[Path]:
    """Write a decision to ``out_dir``: evaluation.csv, breakdown.csv, scenario.json,
    checklist.md and the charts as PNG. Returns the files written."""
    from . import plots

    lang = i18n.check_lang(lang)
    scenario = scenario or Scenario()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    evaluation = evaluate(dataset, scenario)
    pairs = breakdown(dataset, scenario)
    written = []
    for name, table in (("evaluation.csv", evaluation), ("breakdown.csv", pairs)):
        with _writing(out / name, lang):
            written.append(write_csv(spreadsheet_table(table, dataset, lang, percent=True), out / name, lang))
    with _writing(out / "scenario.json", lang):
        written.append(scenario.save(out / "scenario.json"))
    with _writing(out / "checklist.md", lang):
        (out / "checklist.md").write_text(checklist(dataset, scenario, lang), encoding="utf-8")
    written.append(out / "checklist.md")
    charts = {
        "savings_vs_risk.png": (plots.savings_vs_risk, evaluation, dict(appetite=scenario.risk_appetite)),
        "net_benefit.png": (plots.net_benefit_bars, evaluation, {}),
        "inherent_vs_residual.png": (plots.inherent_vs_residual, evaluation, {}),
    }
    for name, (chart, table, options) in charts.items():
        with _writing(out / name, lang):
            written.append(_save_chart(out / name, chart, table, lang=lang, dataset=dataset, **options))
    return written


class ExportError(OSError):
    """Writing one file of an export failed. ``path`` is the file (where the hand-in keeps it),
    ``problem`` what the system said and ``fix`` what to do; ``str(error)`` says all three, in the
    export's language. An OSError, so ``except OSError`` still catches it; the system's error is its
    ``__cause__``."""

    def __init__(self, path, problem: str, fix: str, message: str, errno_: int | None = None):
        super().__init__(errno_, message)
        self.path, self.problem, self.fix, self.message = Path(path), problem, fix, message

    def __str__(self) -> str:
        return self.message


def _explain(exc: OSError, path: Path, folder: Path, lang: str) -> ExportError:
    """``exc`` (raised while writing ``path``) as an ExportError that names the file and the fix."""
    import errno

    if exc.errno == errno.ENOSPC:
        fix = "export_fix_space"
    elif isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY, errno.EROFS):
        fix = "export_fix_open"
    else:
        fix = "export_fix_other"
    problem = exc.strerror or str(exc) or type(exc).__name__
    message = t("export_failed", lang, path=path, problem=problem, fix=t(fix, lang), folder=folder)
    return ExportError(path, problem, t(fix, lang), message, exc.errno)


@contextlib.contextmanager
def _writing(path: Path, lang: str):
    """Any OSError while the block writes ``path`` becomes an :class:`ExportError` naming it."""
    try:
        yield
    except ExportError:
        raise
    except OSError as exc:
        raise _explain(exc, path, path.parent, lang) from exc


def ids_as_text(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose tuples of ids (``clauses_applied``, ``clauses``) are joined with ", ".

    For files: a CSV or spreadsheet cell holds text, and "dpa_art28, nda" reads better there
    than Python's "('dpa_art28', 'nda')".
    """
    joined = {column: table[column].map(", ".join) for column in table.columns
              if table[column].map(lambda cell: isinstance(cell, tuple)).any()}
    return table.assign(**joined)


# A CSV as the spreadsheets of each language read it: Excel and LibreOffice in an Italian locale
# split on ";" and read "1234,56"; the BOM tells Excel the file is UTF-8 (accents, "€").
CSV_STYLE = {"en": {"sep": ",", "decimal": "."}, "it": {"sep": ";", "decimal": ","}}
CSV_ENCODING = "utf-8-sig"


def _is_percent(column: str) -> bool:
    """A probability (a fraction of 1) that a hand-in file shows as a percentage."""
    return present._is_share(column) and not column.endswith("_factor")


def _heading(column: str, lang: str) -> str:
    """The header of ``column`` in a hand-in file: its label, "(%)" added for a percentage."""
    if _is_percent(column):
        return t(f"pct_{column}", lang) if f"pct_{column}" in i18n.STRINGS else f"{present.label(column, lang)} (%)"
    return present.label(column, lang)


def spreadsheet_table(table: pd.DataFrame, dataset: Dataset, lang: str = "en", percent: bool = False) -> pd.DataFrame:
    """``table`` (a table of the toolkit) as a hand-in file holds it: headers in ``lang``, names and words
    instead of ids (:func:`toolkit.present.table`), numbers kept as numbers, euros rounded to the cent,
    whole numbers as integers. A probability's header says "(%)"; ``percent=True`` (a CSV, which has no
    number formats) writes it as a percentage rounded to 2 decimals (66.31), else it stays a fraction
    (0.6631) for the workbook to format as 66.3%. A flat table (a plain position as its index) keeps no
    index column."""
    shown = present.table(table, dataset, lang, numbers=True)
    shown.columns = [_heading(column, lang) for column in table.columns]
    for column, heading in zip(table.columns, shown.columns):
        values = shown[heading]
        if percent and _is_percent(column):
            values = values.map(lambda v: round(100 * v, 2) if _is_number(v) else v)
        numeric = values.map(_is_number)
        if numeric.any() and (numeric | values.isna()).all() and (values[numeric] % 1 == 0).all():
            values = values.astype("Int64")  # 500, not 500.0
        shown[heading] = values
    return shown.reset_index(drop=isinstance(table.index, pd.RangeIndex))


def write_csv(table: pd.DataFrame, path, lang: str = "en") -> Path:
    """Write ``table`` (no index) as a CSV in ``lang``'s spreadsheet convention (:data:`CSV_STYLE`, UTF-8 with
    a BOM). Read it back with ``pd.read_csv(path, encoding="utf-8-sig", **CSV_STYLE[lang])``."""
    path = Path(path)
    style = CSV_STYLE[i18n.check_lang(lang)]

    def shortest(value: float) -> str:  # 500 and 2236.07, not 500.0 (a float column holding whole euros)
        return np.format_float_positional(value, trim="-").replace(".", style["decimal"])

    table.to_csv(path, index=False, encoding=CSV_ENCODING, float_format=shortest, **style)
    return path


def _format_sheet(sheet, table: pd.DataFrame, kinds: dict) -> None:
    """An openpyxl sheet as Excel should open it: the header row frozen and bold, each column as wide as
    its text (at most 60 characters), euros with thousands and cents, probabilities as percentages
    (the header says "(%)"), other numbers as rounded (whole ones with thousands)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    # a plain number: whole with thousands, else as rounded (Excel's "#,##0.##" would show 500 as "500.")
    formats = {"eur": "#,##0.00", "share": "0.0%", "number": "General"}
    for k, column in enumerate(table.columns, start=1):
        letter = get_column_letter(k)
        texts = [str(column)] + [str(v) for v in table[column].head(200)]
        sheet.column_dimensions[letter].width = min(60, max(len(text) for text in texts) + 2)
        header = sheet[f"{letter}1"]
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="top")
        number_format = formats.get(kinds.get(column))
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=k, max_col=k):
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    whole = number_format == "General" and float(cell.value).is_integer()
                    cell.number_format = "#,##0" if whole else number_format


def _kinds(table: pd.DataFrame, lang: str) -> dict:
    """Header in ``lang`` -> "eur", "share" or "number", from the original column names."""
    return {_heading(column, lang): "eur" if present._is_eur(column) else "share" if _is_percent(column) else "number"
            for column in table.columns}


def _save_chart(path: Path, chart, *args, **options) -> Path:
    from . import plots

    plots.standalone_figure(chart, *args, **options).savefig(path, dpi=120)
    return path


# --- the what-if report --------------------------------------------------------------------

# The tables of the report (and CSV files), in the workbook's order. Every sheet is a flat table with a header
# row, named in the language (:func:`sheet_name`).
REPORT_SHEETS = ("scenario", "evaluation", "breakdown", "sensitivity", "uncertainty")


def sheet_name(table: str, lang: str = "en") -> str:
    """The name of the workbook's sheet for ``table`` (one of :data:`REPORT_SHEETS`) in ``lang``."""
    return t(f"sheet_{table}", lang)[:31]


def scenario_table(dataset: Dataset, scenario: Scenario, lang: str = "en") -> pd.DataFrame:
    """The scenario as a student reads it: one row per input, its label and its value in words, in ``lang``
    (the firm's name, the services' names or "all", the clauses' names or "none", the appetite as a word,
    numbers as ``lang`` writes them). For reading; ``scenario.json`` is the file for code."""
    lang = i18n.check_lang(lang)
    labels = {"services": "services_in_scope", "clauses": "clauses_adopted",
              "eur_per_risk_point": "plot_field_eur_per_risk_point"}
    fields = scenario.to_dict()
    return pd.DataFrame({t("report_field", lang): [t(labels.get(f, f), lang) for f in fields],
                         t("report_value", lang): [_scenario_value(dataset, name, value, lang)
                                                   for name, value in fields.items()]})


def report_tables(dataset: Dataset, scenario: Scenario | None = None, draws: int = 10_000, seed: int | None = 0,
                  change: float = 0.2, progress=None) -> dict:
    """The tables of the report, as flat DataFrames (the index made a column), by sheet name.

    ``scenario``: one row per field (``field``, ``value`` as JSON text, so that it reads
    back exactly; ``schema_version`` first). ``evaluation`` and ``breakdown``: as
    :func:`toolkit.evaluate` and :func:`toolkit.breakdown`, their tuples of clause ids joined into
    text (:func:`ids_as_text`). ``sensitivity``: as
    :func:`toolkit.sensitivity`. ``uncertainty``: the summary of :func:`toolkit.simulate`.
    Raises ValueError for a bad scenario or argument, before anything is written.
    """
    scenario = scenario or Scenario()
    simulation = simulate(dataset, scenario, draws=draws, seed=seed, progress=progress)
    fields = {"schema_version": SCENARIO_SCHEMA_VERSION, **scenario.to_dict()}
    return {
        "scenario": pd.DataFrame({"field": list(fields), "value": [json.dumps(v) for v in fields.values()]}),
        "evaluation": ids_as_text(evaluate(dataset, scenario)).reset_index(),
        "breakdown": ids_as_text(breakdown(dataset, scenario)).reset_index(),
        "sensitivity": sensitivity(dataset, scenario, change=change),
        "uncertainty": simulation.summary.reset_index(),
        "_simulation": simulation,  # for the charts; not a sheet
    }


def export_report(dataset: Dataset, scenario: Scenario | None, out_dir, lang: str = "en", draws: int = 10_000,
                  seed: int | None = 0, change: float = 0.2, progress=None, author: str | None = None) -> list[Path]:
    """Everything :func:`export_decision` writes, plus the what-if analysis, in ``out_dir``:

    * ``sensitivity.csv`` and ``uncertainty.csv`` (one input at a time -/+ ``change``; a
      Monte Carlo of ``draws`` futures with ``seed``);
    * ``report.xlsx``: one sheet per table (:data:`REPORT_SHEETS`, named in ``lang``), the scenario in words;
    * ``tornado.png``, ``uncertainty_bands.png``, ``decision_histogram.png``;
    * ``report.html``: one page with the scenario, the tables and every chart embedded
      (no other file needed), in ``lang``, marked as a teaching aid, not legal advice. Its title
      names the scenario's firm (the student's case) and ``author`` (the student's name) if given.

    Returns the files written. Bad input raises ValueError before any file is written. The folder is built
    beside ``out_dir`` and swapped in whole at the end: if anything fails, the previous ``out_dir`` is left as
    it was (files there that the report does not write are kept). A file that cannot be written (a workbook
    held open, permission denied, a full disk) raises :class:`ExportError` (an OSError) naming that file in
    ``out_dir`` and what to do.
    """
    lang = i18n.check_lang(lang)
    scenario = scenario or Scenario()
    tables = report_tables(dataset, scenario, draws=draws, seed=seed, change=change, progress=progress)
    simulation = tables.pop("_simulation")
    final = Path(out_dir)
    if final.exists() and not final.is_dir():
        raise ValueError(f"{final}: this is a file; expected a folder to write the report into")
    # The whole folder is built beside the old one and swapped in at the end: a failure (a workbook held
    # open, a full disk, a killed process) leaves the previous hand-in whole, never half old, half new.
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(final)
    with _writing(final, lang):
        out = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.new-"))
    try:
        written = _write_report(dataset, scenario, tables, simulation, out, lang, change, author)
        _swap_in(out, final, lang)
    except ExportError as exc:
        shutil.rmtree(out, ignore_errors=True)
        if exc.path.parent == out:  # name the file where the student will look for it, not the staging copy
            where = final / exc.path.name
            raise ExportError(where, exc.problem, exc.fix, t("export_failed", lang, path=where, problem=exc.problem,
                                                             fix=exc.fix, folder=final), exc.errno) from exc.__cause__
        raise
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return [final / path.name for path in written]


def _remove_leftovers(final: Path, age: float = 60.0) -> None:
    """Remove the staging folders a killed export of ``final`` left beside it (older than ``age`` s)."""
    now = time.time()
    for pattern in (f".{final.name}.new-*", f".{final.name}.old-*"):
        for leftover in final.parent.glob(pattern):
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > age:
                    shutil.rmtree(leftover)


def _swap_in(staging: Path, final: Path, lang: str = "en") -> None:
    """Replace ``final`` with ``staging``; files of ``final`` the export does not write (a student's notes,
    a hand-in's handin.json) are carried over. A failure names the file that stops it (on Windows, a file
    of ``final`` another program holds open) or else the folder."""
    if not final.exists():
        with _writing(final, lang):
            os.rename(staging, final)
        return
    for item in final.iterdir():
        if not (staging / item.name).exists():
            with _writing(final / item.name, lang):
                (shutil.copytree if item.is_dir() else shutil.copy2)(item, staging / item.name)
    old = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.old-"))
    try:
        os.rename(final, old / final.name)
    except OSError as exc:
        shutil.rmtree(old, ignore_errors=True)
        raise _explain(exc, _held_open(final) or final, final, lang) from exc
    try:
        os.rename(staging, final)
    except OSError as exc:  # put the old folder back: the student keeps a whole hand-in
        os.rename(old / final.name, final)
        shutil.rmtree(old, ignore_errors=True)
        raise _explain(exc, final, final, lang) from exc
    shutil.rmtree(old, ignore_errors=True)


def _held_open(folder: Path) -> Path | None:
    """The first file of ``folder`` that cannot be opened for writing (held open by Excel on Windows), if any."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            try:
                with open(path, "r+b"):
                    pass
            except OSError:
                return path
    return None


def _write_report(dataset, scenario, tables, simulation, out, lang, change, author) -> list[Path]:
    from . import plots

    written = export_decision(dataset, scenario, out, lang=lang)
    sheets = {"scenario": scenario_table(dataset, scenario, lang)}  # in words; scenario.json is for code
    sensitivity_rows = _sensitivity_rows(tables["sensitivity"], lang)
    sources = {"evaluation": evaluate(dataset, scenario), "breakdown": breakdown(dataset, scenario),
               "sensitivity": sensitivity_rows, "uncertainty": simulation.summary}
    for name, table in sources.items():
        sheets[name] = spreadsheet_table(table, dataset, lang)
    for name in ("sensitivity", "uncertainty"):
        with _writing(out / f"{name}.csv", lang):
            written.append(write_csv(spreadsheet_table(sources[name], dataset, lang, percent=True),
                                     out / f"{name}.csv", lang))
    workbook = out / "report.xlsx"
    with _writing(workbook, lang), pd.ExcelWriter(workbook, engine="openpyxl") as excel:
        for name in REPORT_SHEETS:
            title = sheet_name(name, lang)
            sheets[name].to_excel(excel, sheet_name=title, index=False)
            kinds = _kinds(sources[name], lang) if name in sources else {}
            _format_sheet(excel.sheets[title], sheets[name], kinds)
    written.append(workbook)
    charts = {
        "tornado.png": (plots.tornado, tables["sensitivity"], dict(dataset=dataset)),
        "uncertainty_bands.png": (plots.uncertainty_bands, simulation, dict(dataset=dataset)),
        "decision_histogram.png": (plots.decision_histogram, simulation, {}),
    }
    for name, (chart, table, options) in charts.items():
        with _writing(out / name, lang):
            written.append(_save_chart(out / name, chart, table, lang=lang, **options))
    page = out / "report.html"
    with _writing(page, lang):
        page.write_text(_report_html(dataset, scenario, tables, simulation, out, lang, change, author),
                        encoding="utf-8")
    written.append(page)
    return written


def _sensitivity_rows(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`toolkit.sensitivity` for a hand-in file: the decision's row named in words, a unit column after
    the input (as the tornado labels it: EUR/hour, hours/month, x reference) and the input's values rounded
    (euros to the cent, other values to 2 decimals)."""
    rows = table.replace({"service": {"decision": t("sensitivity_decision", lang)}})
    rows = rows.assign(**{column: rows[column].astype(float).round(2)
                          for column in ("base_value", "low_value", "high_value")})
    rows.insert(list(rows.columns).index("input") + 1, "unit", [t(f"plot_unit_{name}", lang) for name in rows["input"]])
    return rows


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _cell(value, column, lang) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "\u2713" if value else "\u2717"
    if column in ("recommendation", "risk_band", "reason") and value in i18n.STRINGS:
        return t(value, lang)
    if column.startswith("probability_"):
        return f"{i18n.number(100 * float(value), lang)}%"
    if _is_number(value):
        value = float(value)
        return i18n.number(value, lang, 2 if abs(value) < 10 and value != int(value) else 0)
    return str(value)


def _html_table(table: pd.DataFrame, columns, lang, names=None) -> str:
    names = names or {}
    head = "".join(f"<th>{html.escape(names.get(c) or (t(c, lang) if c in i18n.STRINGS else c))}</th>"
                   for c in columns)
    body = []
    for _, row in table.iterrows():
        cells = []
        for c in columns:
            value = row[c]
            text = _cell(value, c, lang)
            numeric = _is_number(value)
            cells.append(f'<td class="{"num" if numeric else "txt"}">{html.escape(text)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _image(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}"></figure>'


_CSS = """body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60em;margin:1.5em auto;
padding:0 1em;color:#222;line-height:1.4}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;
border-bottom:1px solid #ccc}table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0}
th,td{padding:2px 8px;border-bottom:1px solid #ddd;vertical-align:top}th{text-align:left;background:#f4f4f4}
td.num{text-align:right;white-space:nowrap}.disclaimer{border-left:4px solid #D55E00;background:#fff4ec;
padding:6px 10px}figure{margin:0.8em 0}img{max-width:100%;height:auto}footer{margin-top:2em;font-size:0.8em;
color:#555}@media print{body{max-width:none;margin:0}h2{break-after:avoid}figure,table{break-inside:avoid}}"""


def _report_html(dataset, scenario, tables, simulation, out, lang, change, author=None) -> str:
    from . import __version__

    evaluation = tables["evaluation"].copy()
    evaluation["service"] = [i18n.name(dataset, "services", s, lang) for s in evaluation["service_id"]]
    evaluation["clauses_applied"] = [present.cell(clauses, "clauses_applied", lang, dataset)
                                     for clauses in evaluate(dataset, scenario)["clauses_applied"]]
    chosen = evaluation["outsourced"]
    summary = t("report_summary", lang, count=int(chosen.sum()), total=len(evaluation),
                value=i18n.eur(float(evaluation.loc[chosen, "net_benefit"].sum()), lang),
                months=scenario.horizon_months)
    sides = t("report_sides", lang,
              outsourced=i18n.eur(float(evaluation.loc[chosen, "outsourced_legal_loss"].sum()), lang),
              inhouse=i18n.eur(float(evaluation.loc[chosen, "inhouse_legal_loss"].sum()), lang),
              outsourced_all=i18n.eur(float(evaluation["outsourced_legal_loss"].sum()), lang),
              inhouse_all=i18n.eur(float(evaluation["inhouse_legal_loss"].sum()), lang))
    pairs = tables["breakdown"].assign(
        service=lambda frame: [i18n.name(dataset, "services", s, lang) for s in frame["service_id"]],
        legal_area=lambda frame: [i18n.name(dataset, "legal_areas", a, lang) for a in frame["area_id"]])
    fields = scenario_table(dataset, scenario, lang).set_axis(["field", "value"], axis=1)
    pct = i18n.number(100 * change, lang)
    sens = tables["sensitivity"]
    decision = decision_or_total(sens)  # the tornado's rows: a decision that outsources nothing is 0 throughout
    totals = sens[sens["service"] == decision].assign(
        input=lambda frame: [t(f"plot_input_{name}", lang) for name in frame["input"]])
    tornado_title = t("plot_tornado_title" if decision == "decision" else "plot_tornado_title_nothing", lang, pct=pct)
    uncertainty = tables["uncertainty"].copy()
    uncertainty["service"] = [i18n.name(dataset, "services", s, lang) for s in uncertainty["service_id"]]
    draws = i18n.number(simulation.draws, lang)
    firm = i18n.name(dataset, "profiles", scenario.profile, lang)
    author = str(author or "").strip()
    title = (t("report_title_by", lang, firm=firm, author=author) if author else
             t("report_title_for", lang, firm=firm))
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="disclaimer"><strong>{html.escape(t("disclaimer", lang))}</strong></p>',
        f"<h2>{html.escape(t('report_scenario', lang))}</h2>",
        _html_table(fields, ["field", "value"], lang, {"field": t("report_field", lang),
                                                       "value": t("report_value", lang)}),
        f"<h2>{html.escape(t('report_decision', lang))}</h2><p>{html.escape(summary)}</p>",
        f"<p>{html.escape(sides)}</p>",
        _html_table(evaluation, ["service", "inhouse_cost", "outsourced_cost", "savings", "inhouse_risk",
                                 "residual_risk", "risk_band", "inhouse_legal_loss", "outsourced_legal_loss",
                                 "expected_legal_loss", "net_benefit", "recommendation", "clauses_applied"], lang,
                    {"expected_legal_loss": t("report_added_loss", lang),
                     "clauses_applied": t("report_contract_clauses", lang)}),
        _image(out / "savings_vs_risk.png", t("plot_savings_vs_risk_title", lang)),
        _image(out / "net_benefit.png", t("plot_net_benefit_title", lang)),
        f"<h2>{html.escape(t('report_risks', lang))}</h2>",
        f"<p>{html.escape(t('report_risks_note', lang))}</p>",
        _html_table(pairs, ["service", "legal_area", "inhouse_score", "residual_score", "inhouse_legal_loss",
                            "outsourced_legal_loss"], lang),
        _image(out / "inherent_vs_residual.png", t("plot_dumbbell_title", lang)),
        f"<h2>{html.escape(t('report_sensitivity', lang, pct=pct))}</h2>",
        _html_table(totals, ["input", "low_net", "base_net", "high_net", "swing"], lang),
        _image(out / "tornado.png", tornado_title),
        f"<h2>{html.escape(t('report_uncertainty', lang, draws=draws, seed=simulation.seed))}</h2>",
        f"<p>{html.escape(t('report_uncertainty_note', lang))}</p>",
        _html_table(uncertainty, ["service", "deterministic", "probability_outsource", "p5", "p50", "p95"], lang),
        _image(out / "uncertainty_bands.png", t("plot_uncertainty_title", lang, draws=simulation.draws)),
        _image(out / "decision_histogram.png", t("plot_decision_title", lang, draws=simulation.draws)),
        f"<footer>{html.escape(t('report_made_with', lang, version=__version__))}</footer>",
    ]
    title = html.escape(title)
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            f"<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n")


def _scenario_value(dataset, name, value, lang) -> str:
    if name == "profile":
        return i18n.name(dataset, "profiles", value, lang)
    if name in ("services", "clauses"):
        if value is None:
            return t("report_all_services", lang)
        return "; ".join(i18n.name(dataset, name, item, lang) for item in value) or t("report_no_clauses", lang)
    if name == "risk_appetite":
        return t(value, lang)
    if name == "eur_per_risk_point":
        return t("report_eur_per_point_none", lang) if value is None else i18n.eur(value, lang)
    if value is None:
        return "\u2014"
    return i18n.number(value, lang, 0 if float(value) == int(value) else 2)
