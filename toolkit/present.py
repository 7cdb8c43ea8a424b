"""Tables as a student reads them: names instead of ids, words instead of codes, rounded numbers.

``table(frame, data, lang)`` turns a table of the toolkit (:func:`toolkit.evaluate`,
:func:`toolkit.breakdown`, :func:`toolkit.clause_value`, :func:`toolkit.sensitivity`,
``simulate(...).summary``, :func:`toolkit.break_even`, or a table of ``data``) into a table to
show: the rows named by the service, legal area, clause or profile in ``lang``, the columns by
their label (``Savings (EUR)``), recommendations, bands and reasons in words, ``never``
instead of an empty break-even, euros rounded to the euro, probabilities as percentages, tuples
of clause ids as clause names, ``yes``/``no`` for booleans, numbers written as ``lang`` writes
them (1,234 or 1.234). Every cell is text: the table is for reading; compute on the original.

Ids stay in the API, in the data and in files meant for code; this module is only for showing.
"""
from __future__ import annotations

import math
import numbers as _numbers
import re

import pandas as pd

from . import i18n
from .i18n import t

__all__ = ["table", "Table", "label", "cell", "law"]

# How a citation in the data reads in each language: plural articles are "arts." in English and
# "artt." in Italian; in Italian the EU trade mark regulation is the RMUE and the Court of Justice the CGUE.
_CITATIONS = {"en": ((re.compile(r"\bartt\."), "arts."),),
              "it": ((re.compile(r"\barts\."), "artt."), (re.compile(r"\bEUTMR\b"), "RMUE"),
                     (re.compile(r"\bCJEU\b"), "CGUE"), (re.compile(r"\b(Reg\.|Directive) \(EU\)"), r"\1 (UE)"),
                     (re.compile(r"\bDirective\b"), "Direttiva"),
                     # the notes in brackets that say what an article is about (data/legal_areas.csv, clauses.csv)
                     *((re.compile(re.escape(english)), italian) for english, italian in (
                         ("(transfer in writing)", "(cessione per iscritto)"),
                         ("(simple photographs)", "(fotografie semplici)"), ("(damages)", "(risarcimento)"),
                         ("(sanctions)", "(sanzioni)"),
                         ("(unfair commercial practices)", "(pratiche commerciali scorrette)"),
                         ("as rewritten by", "come riscritti dal"), ("(domain names)", "(nomi a dominio)"),
                         ("(reasonable secrecy measures)", "(misure di segretezza adeguate)"))))}
# Columns that cite the law.
_LAW = {"provision", "legal_basis", "eu_provisions", "it_provisions"}


def law(text: str, lang: str = "en") -> str:
    """A provision or legal basis from the data, written as ``lang`` cites the law."""
    for pattern, local in _CITATIONS[i18n.check_lang(lang)]:
        text = pattern.sub(local, text)
    return text

# An index (or id column) name -> the data table whose names label it.
_NAMED = {"service_id": "services", "area_id": "legal_areas", "clause_id": "clauses", "profile_id": "profiles",
          "size_class": None}
# Columns whose values are keys of the catalogue (recommendations, bands, reasons, appetites).
_WORDS = {"recommendation", "risk_band", "reason", "risk_appetite", "applies"}
# Columns in euros that are not recognisable by their name (see _is_eur).
_EUR = {"inhouse_cost", "fee", "clause_premium", "vendor_management", "transition", "drafting", "outsourced_cost",
        "savings", "net_benefit", "deterministic", "mean", "p5", "p25", "p50", "p75", "p95", "base_net", "low_net",
        "high_net", "swing", "cost", "risk_removed", "value", "loss_if_it_happens"}
# Columns with no value, or no break-even: "never" rather than an empty cell.
_NEVER = {"break_even", "break_even_months"}


def _is_eur(column: str) -> bool:
    return column in _EUR or column.endswith("_eur") or column.endswith("_legal_loss")


def _is_share(column: str) -> bool:
    return column.startswith("probability_") or column.endswith("_probability") or column.endswith("_factor")


def label(column: str, lang: str = "en") -> str:
    """The heading of ``column`` in ``lang``: its ``col_<column>`` text, else its catalogue text."""
    for key in (f"col_{column}", column):
        if key in i18n.STRINGS:
            return t(key, lang)
    if column.startswith("name_") or column.startswith("label_"):
        return t("col_name", lang)
    for suffix in ("_en", "_it"):
        if column.endswith(suffix) and f"col_{column[:-3]}" in i18n.STRINGS:
            return t(f"col_{column[:-3]}", lang)
    raise KeyError(f"no label for the column {column!r}: add 'col_{column}' to toolkit/i18n.py")


def _name(data, kind: str | None, item, lang: str) -> str:
    if kind is None:
        return t(str(item), lang) if str(item) in i18n.STRINGS else str(item)
    sums = {"total": "total", "decision": "decision_row"}  # whatif.TOTAL and whatif.DECISION: not a service
    if item in sums:
        return t(sums[item], lang)
    table = getattr(data, kind)
    return i18n.name(data, kind, item, lang) if item in table.index else str(item)


def cell(value, column: str, lang: str = "en", data=None, numbers: bool = False):
    """One value of ``column`` as a table shows it in ``lang``.

    ``numbers=True`` (for spreadsheets): a number stays a number, rounded (euros to the cent, other
    values to 4 decimals, a probability as a fraction), so that Excel can sum and format it.
    """
    if isinstance(value, tuple):
        return ", ".join(i18n.name(data, "clauses", c, lang) if data is not None else c for c in value) or "\u2014"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return t("yes" if value else "no", lang)
    as_numbers = numbers
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("never", lang) if column in _NEVER else (None if as_numbers else "\u2014")
    if column in _LAW and isinstance(value, str):
        return law(value, lang)
    if column in _WORDS and str(value) in i18n.STRINGS:
        return t(str(value), lang)
    if column == "input" and f"plot_input_{value}" in i18n.STRINGS:
        return t(f"plot_input_{value}", lang)
    if column in _NAMED and data is not None:
        return _name(data, _NAMED[column], value, lang)
    if column == "service" and data is not None:
        return _name(data, "services", value, lang)
    if column == "legal_area" and data is not None:
        return _name(data, "legal_areas", value, lang)
    if isinstance(value, _numbers.Real) and as_numbers:
        value = float(value)
        if value == int(value):
            return int(value)
        return round(value, 2) if _is_eur(column) else round(value, 4)
    if isinstance(value, _numbers.Real):
        value = float(value)
        if _is_share(column) and not column.endswith("_factor"):
            percent = 100 * value
            return f"{i18n.number(percent, lang, 0 if round(percent, 1) == round(percent) else 1)}%"
        if _is_eur(column):
            return i18n.number(0.0 if round(value) == 0 else value, lang, 0)
        if value == int(value):
            return i18n.number(value, lang, 0)
        return i18n.number(value, lang, 1 if column in _NEVER else 2)
    return str(value)


def table(frame, data, lang: str = "en", columns=None, numbers: bool = False) -> pd.DataFrame:
    """``frame`` (a DataFrame or a Series of the toolkit) as a table to show in ``lang``.

    ``columns``: the columns to keep, in order (default: all). ``data``: the dataset whose
    names label the rows (services, legal areas, clauses, profiles). A table of ``data`` itself
    (indexed by ``id``) is named from the data table whose index it shares. ``numbers=True``: numbers
    stay numbers, rounded (for a spreadsheet: see :func:`cell`).
    """
    lang = i18n.check_lang(lang)
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(frame.name or "value")
    if columns is not None:
        frame = frame[list(columns)]
    shown = pd.DataFrame({column: [cell(value, column, lang, data, numbers) for value in frame[column]]
                          for column in frame.columns}, index=_index(frame.index, data, lang))
    if not numbers and {"adopted", "required"} <= set(frame.columns):
        # clause_value: a clause the law requires is in the contract whatever the scenario says
        required = frame["required"].fillna(False).astype(bool).to_numpy()
        shown.loc[required, "adopted"] = t("yes_required", lang)
    shown.columns = [label(column, lang) for column in frame.columns]
    return shown if numbers else Table(shown)


# A column whose longest cell is longer than this (a provision, a case description) is text to read:
# in a notebook it is aligned left and wraps at a readable width instead of stretching the table.
_TEXT_CELL = 30


class Table(pd.DataFrame):
    """What :func:`table` returns: a DataFrame (compute with it as with any), shown in a notebook with its
    long-text columns aligned left and wrapped at a readable width (JupyterLab aligns every cell right).

    Any operation on it gives a plain DataFrame back.
    """

    def _repr_html_(self) -> str | None:
        text = [k for k, column in enumerate(self.columns)
                if self[column].map(lambda value: isinstance(value, str) and len(value) > _TEXT_CELL).any()]
        if not text or not self.columns.is_unique:
            return super()._repr_html_()
        try:
            styler = pd.DataFrame(self).style
        except ImportError:  # pandas' Styler needs jinja2 (Jupyter brings it): the plain table then
            return super()._repr_html_()
        import hashlib

        # an id from the content: the same on every run (no change in a rebuilt notebook), different per table
        uuid = hashlib.sha1(pd.DataFrame(self).to_json(orient="split", default_handler=str).encode()).hexdigest()[:12]
        wrap = "text-align: left; white-space: normal; min-width: 14em; max-width: 32em; vertical-align: top"
        styles = [{"selector": f"td.col{k}", "props": wrap} for k in text]
        styles += [{"selector": f"th.col_heading.col{k}", "props": "text-align: left"} for k in text]
        styles.append({"selector": "th.col_heading", "props": "vertical-align: bottom"})
        styler = (styler.format(escape="html").format_index(escape="html", axis=0)
                  .format_index(escape="html", axis=1))  # the text is shown, never read as HTML
        return (styler.set_uuid(f"smm{uuid}").set_table_attributes('class="dataframe"')
                .set_table_styles(styles).to_html())


def _kind(index: pd.Index, data) -> str | None:
    name = index.name
    if name in _NAMED:
        return _NAMED[name]
    if data is not None and name in ("id", None):
        for kind in ("services", "legal_areas", "clauses", "profiles"):
            known = getattr(data, kind).index
            if len(index) and set(index) <= set(known):
                return kind
    return "" if name is None else None  # "" : a plain position, kept as it is


def _index(index: pd.Index, data, lang: str) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels = [_index(index.get_level_values(k), data, lang) for k in range(index.nlevels)]
        return pd.MultiIndex.from_arrays(levels, names=[level.name for level in levels])
    if index.name == "input":  # the inputs of sensitivity and data/uncertainty.csv
        return pd.Index([t(f"plot_input_{item}", lang) for item in index], name=t("input", lang))
    kind = _kind(index, data)
    if kind == "":
        return pd.RangeIndex(len(index)) if isinstance(index, pd.RangeIndex) else index
    heading = {"services": "service", "legal_areas": "legal_area", "clauses": "clause", "profiles": "col_profile"}
    values = [_name(data, kind, item, lang) for item in index]
    title = t(heading[kind], lang) if kind else (label(index.name, lang) if index.name else None)
    return pd.Index(values, name=title)
