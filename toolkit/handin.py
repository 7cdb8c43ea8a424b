"""The student's hand-in (notebook 05) and the teacher's gradebook over a class's hand-ins.

``export_handin(...)`` writes, beside the usual decision files of
:func:`toolkit.export.export_decision`, a ``handin.json``: the student's name, the case,
*the student's own decision* (services outsourced, optional clauses, justification,
reflections) with the optimiser's suggestion beside it, the answers to the graded questions
and every attempt that :func:`toolkit.exercises.check` recorded beside the notebook. Nothing
is sent anywhere: the student hands the folder in.

``gradebook(folder)`` reads every ``handin.json`` below a folder (a broken or foreign file is
reported and skipped; a student who handed in twice counts once, with the later hand-in) and
returns one row per student: case, decision, and per question first-try correct, attempts and
final correct. ``write_gradebook`` writes it as CSV and xlsx with a one-page HTML class summary
(``python -m toolkit debrief DIR --out OUT --lang it``).
"""
from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import json
import os
import re
import secrets
import tempfile
import unicodedata
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import i18n, present
from .data import Dataset
from .exercises import ATTEMPTS_FILE, CASE_FOLDER, CASES, QUESTIONS, case_scenario, load_attempts
from .i18n import t
from .model import best_clause_set, evaluate
from .scenario import Scenario

__all__ = ["case_brief", "suggestion", "compare", "export_handin", "read_handin", "gradebook", "Gradebook",
           "write_gradebook", "HANDIN_FILE", "CLASS_SUFFIX", "classroom_handin", "write_class_handin"]

HANDIN_FILE = "handin.json"
CLASS_SUFFIX = ".handin.json"  # a classroom hand-in: <name>-<time>-<random>.handin.json (make classroom)
MAX_JUSTIFICATION = 10_000  # characters: a few paragraphs; keeps a hand-in far below read_handin's 2 MB
SCHEMA_VERSION = 1
_MAX_BYTES = 2_000_000


def case_brief(case: str, lang: str = "en") -> str:
    """The brief of a case (``cases/<case>.md``) in ``lang``: English above the ``---`` line, Italian below."""
    lang = i18n.check_lang(lang)
    if case not in CASES:
        raise ValueError(f"case: unknown case {case!r}; expected one of {', '.join(CASES)}")
    text = (CASE_FOLDER / f"{case}.md").read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    english, _, italian = body.partition("\n---\n")
    return f"{title}\n{english if lang == 'en' else italian}".strip() + "\n"


def suggestion(dataset: Dataset, scenario: Scenario) -> dict:
    """What the optimiser suggests for a scenario: services outsourced, optional clauses, net benefit."""
    best, _ = best_clause_set(dataset, scenario)
    table = evaluate(dataset, scenario.replace(clauses=best))
    return {"services": sorted(table.index[table.outsourced]), "clauses": sorted(best),
            "net_benefit": round(float(table.loc[table.outsourced, "net_benefit"].sum()), 2)}


def _decision(dataset: Dataset, scenario: Scenario, services, clauses) -> dict:
    clauses = tuple(sorted(clauses or ()))
    table = evaluate(dataset, scenario.replace(clauses=clauses))
    services = sorted(str(service) for service in (services or ()))
    unknown = [service for service in services if service not in table.index]
    if unknown:
        raise ValueError(f"services: unknown id(s) {', '.join(unknown)}; expected some of {', '.join(table.index)}")
    return {"services": services, "clauses": list(clauses),
            "net_benefit": round(float(table.loc[services, "net_benefit"].sum()), 2) if services else 0.0}


def compare(dataset: Dataset, scenario: Scenario, services, clauses=(), lang: str = "en") -> pd.DataFrame:
    """Your decision beside the optimiser's, one row per service: outsourced by you / suggested, net benefit."""
    lang = i18n.check_lang(lang)
    mine = evaluate(dataset, scenario.replace(clauses=tuple(clauses or ())))
    best = suggestion(dataset, scenario)
    theirs = evaluate(dataset, scenario.replace(clauses=tuple(best["clauses"])))
    chosen = set(services or ())
    yes, no = t("yes", lang), t("no", lang)

    def euros(value) -> str:  # as the other euro columns read: 3,088 (en) or 3.088 (it)
        return present.cell(float(value), "net_benefit", lang)

    frame = pd.DataFrame({
        t("handin_yours", lang): [yes if service in chosen else no for service in mine.index],
        t("handin_net_yours", lang): [euros(mine.loc[s, "net_benefit"] if s in chosen else 0) for s in mine.index],
        t("handin_suggested", lang): [yes if theirs.loc[s, "outsourced"] else no for s in mine.index],
        t("handin_net_suggested", lang): [euros(theirs.loc[s, "net_benefit"] if theirs.loc[s, "outsourced"] else 0)
                                          for s in mine.index],
    }, index=[i18n.name(dataset, "services", service, lang) for service in mine.index])
    frame.index.name = t("service", lang)
    return frame


def _answers(attempts: list) -> dict:
    """Per question: the last answer, first-try correct, attempts, final correct."""
    answers = {}
    for attempt in attempts:
        question = attempt.get("question")
        if question not in QUESTIONS:
            continue
        entry = answers.setdefault(question, {"first_try_correct": bool(attempt.get("correct")), "attempts": 0})
        entry["attempts"] += 1
        entry["answer"] = attempt.get("answer")
        entry["final_correct"] = bool(attempt.get("correct"))
    return answers


def export_handin(dataset: Dataset, case: str, out_dir, *, name: str, services=(), clauses=(),
                  justification: str = "", reflections: str = "", lang: str = "en", scenario: Scenario | None = None,
                  attempts_file=None) -> list[Path]:
    """Write the hand-in to ``out_dir``: the decision files of export_decision (for the student's own
    decision) and ``handin.json``. ``scenario``: the case's scenario if the student changed it
    (default: ``cases/<case>.json``). Attempts are read from ``attempts_file`` (default: the
    notebook's ``toolkit_attempts.json``). Returns the files written."""
    from .export import export_decision

    lang = i18n.check_lang(lang)
    if case not in CASES:
        raise ValueError(f"case: unknown case {case!r}; expected one of {', '.join(CASES)}")
    scenario = scenario or case_scenario(case)
    mine = _decision(dataset, scenario, services, clauses)
    out = Path(out_dir)
    written = export_decision(dataset, scenario.replace(clauses=tuple(mine["clauses"])), out, lang=lang)
    attempts = [a for a in load_attempts(attempts_file if attempts_file is not None else Path.cwd() / ATTEMPTS_FILE)
                if a.get("case") in (None, case) or not str(a.get("question", "")).startswith("case_")]
    content = {
        "schema_version": SCHEMA_VERSION, "kind": "smm-outsourcing-handin",
        "name": str(name or "").strip(), "case": case, "lang": lang,
        "saved": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "scenario": scenario.to_dict(),
        "decision": {**mine, "justification": str(justification or "").strip(),
                     "reflections": str(reflections or "").strip()},
        "suggestion": suggestion(dataset, scenario),
        "answers": _answers(attempts),
        "attempts": attempts,
    }
    path = out / HANDIN_FILE
    _write_atomic(path, json.dumps(content, ensure_ascii=False, indent=1))
    return written + [path]


def _write_atomic(path: Path, text: str) -> None:
    """path's new text, or its old one if anything fails; mode 0600 on POSIX (mkstemp's), kept by os.replace."""
    handle, temporary = tempfile.mkstemp(prefix=".handin-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- classroom hand-ins (make classroom) -------------------------------------------------------------

def classroom_handin(dataset: Dataset, scenario: Scenario, *, name: str, choices: dict, justification: str = "",
                     lang: str = "en") -> dict:
    """A hand-in of the classroom page: no case (the firm is the scenario's profile); ``choices``:
    service -> 'outsource' | 'outsource_with_clauses' | 'keep_in_house' for the services in scope.
    The services outsourced are those chosen for outsourcing, with or without clauses."""
    from .model import RECOMMENDATIONS

    lang = i18n.check_lang(lang)
    name = " ".join(str(name or "").split())
    if not name:
        raise ValueError("name: empty; type your name or a pseudonym first")
    bad = {service: choice for service, choice in choices.items() if choice not in RECOMMENDATIONS}
    if bad:
        raise ValueError(f"choices: unknown choice(s) {bad}; expected one of {', '.join(RECOMMENDATIONS)}")
    justification = str(justification or "").strip()
    if len(justification) > MAX_JUSTIFICATION:
        raise ValueError(f"justification: {len(justification):,} characters; at most {MAX_JUSTIFICATION:,}, "
                         "please shorten it")
    services = [service for service, choice in choices.items() if choice != "keep_in_house"]
    mine = _decision(dataset, scenario, services, scenario.clauses)
    return {
        "schema_version": SCHEMA_VERSION, "kind": "smm-outsourcing-handin", "source": "classroom",
        "name": name, "case": None, "lang": lang,
        "saved": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds"),
        "scenario": scenario.to_dict(),
        "decision": {**mine, "choices": dict(sorted(choices.items())),
                     "justification": justification, "reflections": ""},
        "suggestion": suggestion(dataset, scenario),
        "answers": {}, "attempts": [],
    }


def write_class_handin(folder, content: dict) -> Path:
    """Store a classroom hand-in in ``folder`` under a new, unique name
    (``<name>-<UTC time>-<random>.handin.json``): never another student's file, nor an earlier hand-in
    of the same student (the teacher's view takes the latest). Atomic: the text goes to a temporary
    file, which is then linked under the final name (``os.link`` fails rather than replace a file), so
    a failure or a kill mid-way leaves no partial hand-in and every earlier file as it was."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", content["name"]).encode("ascii", "ignore")
                  .decode().lower()).strip("-")[:40] or "student"
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    handle, temporary = tempfile.mkstemp(prefix=".handin-", suffix=".partial", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(content, ensure_ascii=False, indent=1))
            stream.flush()
            os.fsync(stream.fileno())
        for _attempt in range(20):
            final = folder / f"{slug}-{stamp}-{secrets.token_hex(3)}{CLASS_SUFFIX}"
            try:
                os.link(temporary, final)
            except FileExistsError:
                continue
            return final
        raise OSError(f"no free file name in {folder} after 20 tries")
    finally:
        Path(temporary).unlink(missing_ok=True)


# --- reading hand-ins: the gradebook -----------------------------------------------------------------

def read_handin(path) -> dict:
    """A hand-in file, checked; raises ValueError saying what is wrong."""
    path = Path(path)
    if path.stat().st_size > _MAX_BYTES:
        raise ValueError("larger than 2 MB: not a hand-in")
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON (line {exc.lineno}): truncated or edited by hand?") from None
    if not isinstance(content, dict) or content.get("kind") != "smm-outsourcing-handin":
        raise ValueError("not a hand-in of notebook 05 (no \"kind\": \"smm-outsourcing-handin\")")
    if content.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"unsupported schema_version {content.get('schema_version')!r}")
    if content.get("case") not in CASES and not (content.get("source") == "classroom" and content.get("case") is None):
        raise ValueError(f"unknown case {content.get('case')!r}")
    if not isinstance(content.get("name"), str) or not content["name"].strip():
        raise ValueError("no student name (NAME at the top of notebook 05 was left empty)")
    decision = content.get("decision")
    if not isinstance(decision, dict) or not isinstance(decision.get("services"), list):
        raise ValueError("no decision (services) in the hand-in")
    if not isinstance(content.get("attempts", []), list) or not isinstance(content.get("answers", {}), dict):
        raise ValueError("attempts or answers are not lists/objects")
    return content


@dataclass(frozen=True)
class Gradebook:
    """rows: one per student (index: name); skipped: (file, reason); duplicates: (name, files, file used)."""

    rows: pd.DataFrame
    skipped: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)

    def within_case(self) -> pd.DataFrame:
        """Per case: students, mean score, and each student's net benefit against the case's median."""
        if self.rows.empty:
            return pd.DataFrame()
        return self.rows.groupby("case").agg(students=("case", "size"), mean_score=("score", "mean"),
                                             median_net_benefit=("net_benefit", "median"),
                                             matches_suggestion=("matches_suggestion", "mean"))


def _key(name: str) -> str:
    return " ".join(name.lower().split())


def gradebook(folder, questions=None) -> Gradebook:
    """Read every ``handin.json`` below ``folder`` (any ``*.json`` that declares itself a hand-in)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder: {folder} is not a folder")
    questions = list(questions or [q for q in QUESTIONS])
    latest: dict[str, tuple] = {}
    skipped, seen_files = [], {}
    for path in sorted(folder.rglob("*.json")):
        if path.name == ATTEMPTS_FILE or path.name == "scenario.json":
            continue
        relative = str(path.relative_to(folder))
        try:
            content = read_handin(path)
        except (OSError, ValueError) as exc:
            skipped.append((relative, str(exc)))
            continue
        key = _key(content["name"])
        seen_files.setdefault(key, []).append(relative)
        stamp = (str(content.get("saved", "")), path.stat().st_mtime)
        if key not in latest or stamp >= latest[key][0]:
            latest[key] = (stamp, relative, content)
    duplicates = [(latest[key][2]["name"], files, latest[key][1]) for key, files in seen_files.items() if len(files) > 1]
    rows = []
    for key, (_stamp, relative, content) in sorted(latest.items()):
        decision, best = content["decision"], content.get("suggestion") or {}
        case = content["case"] or (content.get("scenario") or {}).get("profile")  # classroom: the firm
        row = {"name": content["name"].strip(), "case": case, "file": relative,
               "services": ", ".join(decision.get("services", [])),
               "clauses": ", ".join(decision.get("clauses", [])),
               "net_benefit": decision.get("net_benefit"),
               "suggested_services": ", ".join(best.get("services", [])),
               "suggested_clauses": ", ".join(best.get("clauses", [])),
               "matches_suggestion": (sorted(decision.get("services", [])) == sorted(best.get("services", []))
                                      and sorted(decision.get("clauses", [])) == sorted(best.get("clauses", []))),
               "justification_words": len(str(decision.get("justification", "")).split()),
               "reflection_words": len(str(decision.get("reflections", "")).split())}
        answers = _answers(content.get("attempts", [])) or content.get("answers", {})
        score = 0
        for question in questions:
            entry = answers.get(question) or {}
            row[f"{question}_first_try"] = bool(entry.get("first_try_correct", False))
            row[f"{question}_attempts"] = int(entry.get("attempts", 0) or 0)
            row[f"{question}_final"] = bool(entry.get("final_correct", False))
            score += row[f"{question}_final"]
        row["score"] = score
        rows.append(row)
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame = frame.set_index("name")
    return Gradebook(frame, skipped, duplicates)


def _heading(column: str, lang: str) -> str:
    for suffix, key in (("_first_try", "gb_first_try"), ("_attempts", "gb_attempts"), ("_final", "gb_final")):
        if column.endswith(suffix) and column[: -len(suffix)] in QUESTIONS:
            return f"{column[: -len(suffix)]}: {t(key, lang)}"
    key = f"gb_{column}"
    return t(key, lang) if key in i18n.STRINGS else column


def _localised(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    shown = rows.reset_index()
    shown.columns = [_heading(column, lang) for column in shown.columns]
    return shown


def write_gradebook(book: Gradebook, out_dir, lang: str = "en") -> list[Path]:
    """gradebook.csv, gradebook.xlsx (sheets: gradebook, per case, skipped) and class_summary.html."""
    lang = i18n.check_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shown = _localised(book.rows, lang) if not book.rows.empty else pd.DataFrame({t("gb_name", lang): []})
    csv_path, xlsx_path, html_path = out / "gradebook.csv", out / "gradebook.xlsx", out / "class_summary.html"
    shown.to_csv(csv_path, index=False)
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as writer:
        shown.to_excel(writer, sheet_name=t("gb_sheet_gradebook", lang)[:31], index=False)
        book.within_case().to_excel(writer, sheet_name=t("gb_sheet_cases", lang)[:31])
        pd.DataFrame(book.skipped, columns=[t("gb_file", lang), t("gb_reason", lang)]).to_excel(
            writer, sheet_name=t("gb_sheet_skipped", lang)[:31], index=False)
    html_path.write_text(_summary_html(book, lang), encoding="utf-8")
    return [csv_path, xlsx_path, html_path]


def _chart(book: Gradebook, questions: list, lang: str) -> str:
    """A PNG (base64) of the share right at first try and at the end, per question."""
    from matplotlib.figure import Figure

    rows = book.rows
    first = [rows[f"{q}_first_try"].mean() * 100 for q in questions]
    final = [rows[f"{q}_final"].mean() * 100 for q in questions]
    figure = Figure(figsize=(8, 3.2))
    ax = figure.subplots()
    positions = range(len(questions))
    ax.bar([p - 0.2 for p in positions], first, width=0.4, label=t("gb_first_try", lang), color="#56B4E9")
    ax.bar([p + 0.2 for p in positions], final, width=0.4, label=t("gb_final", lang), color="#009E73")
    ax.set_xticks(list(positions), questions, rotation=45, ha="right", fontsize="small")
    ax.set_ylabel(t("gb_share_axis", lang))
    ax.set_ylim(0, 100)
    ax.legend(fontsize="small")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _summary_html(book: Gradebook, lang: str) -> str:
    rows = book.rows
    esc = html.escape
    parts = [f"<!doctype html><html lang=\"{lang}\"><meta charset=\"utf-8\"><title>{esc(t('gb_title', lang))}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:1em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#eee}"
             "@media print{body{margin:0}}</style>",
             f"<h1>{esc(t('gb_title', lang))}</h1>",
             f"<p>{esc(t('gb_counts', lang, students=len(rows), skipped=len(book.skipped), duplicates=len(book.duplicates)))}</p>"]
    if not rows.empty:
        questions = [q for q in QUESTIONS if f"{q}_final" in rows.columns and rows[f"{q}_attempts"].sum() > 0]
        if questions:
            parts.append(f"<h2>{esc(t('gb_questions', lang))}</h2>")
            parts.append(f'<img alt="{esc(t("gb_share_axis", lang))}" src="data:image/png;base64,'
                         f'{_chart(book, questions, lang)}">')
        parts.append(f"<h2>{esc(t('gb_cases', lang))}</h2>")
        cases = book.within_case().round(2)
        cases.columns = [t(f"gb_{c}", lang) for c in cases.columns]
        parts.append(cases.to_html())
        parts.append(f"<h2>{esc(t('gb_decisions', lang))}</h2>")
        decisions = rows.groupby(["case", "services", "clauses"]).size().rename(t("gb_students", lang)).reset_index()
        decisions.columns = [t(f"gb_{c}", lang) if f"gb_{c}" in i18n.STRINGS else c for c in decisions.columns]
        parts.append(decisions.to_html(index=False))
    if book.skipped:
        parts.append(f"<h2>{esc(t('gb_sheet_skipped', lang))}</h2><ul>")
        parts += [f"<li>{esc(file)}: {esc(reason)}</li>" for file, reason in book.skipped]
        parts.append("</ul>")
    if book.duplicates:
        parts.append(f"<h2>{esc(t('gb_duplicates', lang))}</h2><ul>")
        parts += [f"<li>{esc(name)}: {esc(', '.join(files))} → {esc(used)}</li>" for name, files, used in book.duplicates]
        parts.append("</ul>")
    parts.append("</html>")
    return "\n".join(parts)
