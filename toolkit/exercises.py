"""Graded questions with feedback: ``check("costs_q1", answer)``.

Reference answers are not stored anywhere a student reads: each is computed from the
model and the bundled data when ``check`` runs, so they stay right if the data change.
A wrong answer is compared with the answers that typical mistakes give (forgetting the
vendor-management overhead, adding instead of multiplying, ...) to give a specific hint.

We looked at otter-grader first: its tests hold fixed expected values in files next to
the notebook (public tests are readable by students) and grading runs in Docker. Here
answers follow the data, hints depend on the mistake, and nothing needs Docker, so a
small checker on top of the model serves better.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from . import i18n
from .data import load_dataset
from .i18n import t
from .model import best_clause_set, break_even, breakdown, evaluate, sweep
from .scenario import Scenario

__all__ = ["check", "QUESTIONS", "CASES", "Feedback", "reference_answer", "case_scenario", "load_attempts",
           "record_attempt", "ATTEMPTS_FILE", "compare_estimate"]


@dataclass(frozen=True)
class Feedback:
    """The result of a check; shows as a coloured line with a symbol in a notebook."""

    question: str  # the id (as in the attempts file)
    correct: bool
    message: str
    title: str | None = None  # what the student reads ("Question 1"); the id if None

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return f"{'✔' if self.correct else '✘'} {self.title or self.question}: {self.message}"

    def _repr_html_(self) -> str:
        import html

        colour, symbol = ("#009E73", "✔") if self.correct else ("#D55E00", "✘")
        return (f'<div role="status" style="border-left:4px solid {colour};padding:4px 8px">'
                f"<b>{symbol} {html.escape(self.title or self.question)}</b>: {html.escape(self.message)}</div>")


@dataclass(frozen=True)
class Question:
    kind: str  # "number", "choice", "set" or "function"
    reference: Callable[[Any], Any]  # dataset -> the right answer (for "function": test cases)
    hint: str  # i18n key of the general hint
    mistakes: tuple = ()  # (dataset -> a wrong answer a typical mistake gives, i18n key of its hint)
    tolerance: float = 0.005  # relative, for numbers
    table: str | None = None  # for "choice" and "set": the data table whose ids (and names) are the options
    case_aware: bool = False  # reference and mistakes take (dataset, case)


def _small(**changes) -> Scenario:
    return Scenario(**changes)


def _hourly(data, profile="small", oncost=True):
    row = data.profiles.loc[profile]
    return row.gross_salary_eur * (row.oncost_multiplier if oncost else 1) / row.productive_hours_year


def _blog(data, column):
    return evaluate(data, _small()).loc["blog", column]


CASES = ("bellini", "trattoria", "moda", "clinica")
CASE_FOLDER = Path(__file__).resolve().parent.parent / "cases"


def case_scenario(case: str = "bellini") -> Scenario:
    """The starting scenario of a case of the library (``cases/<case>.json``)."""
    if case not in CASES:
        raise ValueError(f"case: unknown case {case!r}; expected one of {', '.join(CASES)}")
    return Scenario.load(CASE_FOLDER / f"{case}.json")


def _case_scenario(data, case="bellini") -> Scenario:
    start = case_scenario(case)
    best, _ = best_clause_set(data, start)
    return start.replace(clauses=best)


def _case_table(data, case="bellini"):
    return evaluate(data, _case_scenario(data, case))


def _case_outsourced(data, case="bellini"):
    table = _case_table(data, case)
    return table[table.outsourced]


def _legal_gain(data, case="bellini"):
    """Per service: expected legal loss in house minus outsourced (what outsourcing saves in legal loss)."""
    table = _case_table(data, case)
    return table.inhouse_legal_loss - table.outsourced_legal_loss


QUESTIONS: dict[str, Question] = {
    # 01_costs
    "costs_q1": Question("number", lambda d: _hourly(d), "hint_costs_q1",
                         ((lambda d: _hourly(d, oncost=False), "hint_oncost"),
                          (lambda d: d.profiles.loc["small", "gross_salary_eur"] / 12 / 160, "hint_productive_hours"))),
    "costs_q2": Question("number", lambda d: _blog(d, "outsourced_cost"), "hint_costs_q2",
                         ((lambda d: _blog(d, "fee"), "hint_overhead"),
                          (lambda d: _blog(d, "fee") + _blog(d, "vendor_management"), "hint_transition"),
                          (lambda d: _blog(d, "fee") + _blog(d, "transition"), "hint_overhead"),
                          (lambda d: _blog(d, "fee") + _blog(d, "vendor_management") + _blog(d, "transition"),
                           "hint_required_clauses"))),
    # the break-even of content after a change the notebook does not show (the fee up by COSTS_Q3_FEE)
    "costs_q3": Question("number", lambda d: _content_break_even(d, fee_multiplier=COSTS_Q3_FEE), "hint_costs_q3",
                         ((lambda d: _content_break_even(d), "hint_fee_unchanged"),
                          (lambda d: _content_break_even(d, fee_multiplier=2 - COSTS_Q3_FEE), "hint_fee_direction"),
                          (lambda d: _content_break_even(d, fee_multiplier=COSTS_Q3_FEE) / 12,
                           "hint_months_not_years")),
                         tolerance=0.02),
    "costs_q4": Question("function", lambda d: [((1000.0, 800.0), 200.0), ((500.0, 700.0), -200.0), ((0.0, 0.0), 0.0)],
                         "hint_costs_q4", ((lambda d: [((1000.0, 800.0), -200.0)], "hint_sign"),)),
    # 02_legal_risks
    "risks_q1": Question("number", lambda d: float(d.exposure.loc[("direct_marketing", "privacy"), "likelihood"]
                                                   * d.exposure.loc[("direct_marketing", "privacy"), "impact"]),
                         "hint_risks_q1",
                         ((lambda d: float(d.exposure.loc[("direct_marketing", "privacy"), "likelihood"]
                                           + d.exposure.loc[("direct_marketing", "privacy"), "impact"]),
                           "hint_multiply"),
                          (lambda d: float(d.exposure.loc[("direct_marketing", "privacy"), "inhouse_likelihood"]
                                           * d.exposure.loc[("direct_marketing", "privacy"), "inhouse_impact"]),
                           "hint_inhouse_side")), tolerance=0),
    "risks_q2": Question("choice", lambda d: _band_of(d, 12), "hint_risks_q2",
                         ((lambda d: "medium", "hint_band_edges"),),
                         table="risk_bands"),
    # the worst area of a service in house: notebook 02 shows in-house scores by area for direct marketing only
    "risks_q3": Question("choice", lambda d: _worst_area(d, RISKS_Q3_SERVICE, "inhouse_score"), "hint_risks_q3",
                         ((lambda d: _worst_area(d, RISKS_Q3_SERVICE, "inherent_score"), "hint_outsourced_side"),
                          (lambda d: _worst_area(d, RISKS_Q3_SERVICE, "residual_score"), "hint_outsourced_side")),
                         table="legal_areas"),
    # expected legal loss of one area on one side: yearly chance of an incident x claim chance x loss x years
    "risks_q4": Question("function", lambda d: [((0.25, 0.01, 41_600.0, 2.0), 208.0), ((0.1, 0.2, 1_800.0, 2.0), 72.0),
                                                ((0.5, 0.01, 20_000.0, 1.0), 100.0)], "hint_risks_q4",
                         ((lambda d: [((0.25, 0.01, 41_600.0, 2.0), 104.0)], "hint_years"),
                          (lambda d: [((0.25, 0.01, 41_600.0, 2.0), 20_800.0)], "hint_claim_chance"))),
    # 04_contract_clauses
    "clauses_q1": Question("number",
                           lambda d: float(breakdown(d, _small(clauses=("dpa_art28",))).loc[
                               ("direct_marketing", "privacy"), "residual_likelihood"]),
                           "hint_clauses_q1",
                           ((lambda d: float(d.exposure.loc[("direct_marketing", "privacy"), "likelihood"]),
                             "hint_clause_steps"),), tolerance=0),
    "clauses_q2": Question("number",
                           lambda d: float(breakdown(d, _small(clauses=("ip_assignment",))).loc[
                               ("blog", "copyright"), "residual_score"]),
                           "hint_clauses_q2", ((lambda d: 0.0, "hint_floor"),), tolerance=0),
    # the best set of a case the notebook does not show (notebook 04 shows the small firm's)
    "clauses_q3": Question("set", lambda d: _best_set(d, case_scenario(CLAUSES_Q3_CASE)), "hint_clauses_q3",
                           ((lambda d: set(d.clauses.index), "hint_not_all_clauses"),
                            (lambda d: _best_set(d, case_scenario(CLAUSES_Q3_CASE)) | _required(d),
                             "hint_required_not_optional"),
                            (lambda d: _best_set(d, _small()), "hint_other_firm_set"),
                            (lambda d: _best_set(d, _small(profile=case_scenario(CLAUSES_Q3_CASE).profile)),
                             "hint_other_firm_set"),
                            (lambda d: _best_set(d, case_scenario(CLAUSES_Q3_CASE)) - {"supplier_liability_cap"},
                             "hint_cap_is_optional")),
                           table="clauses"),
    # 05_case_study
    # case-aware: each reference and mistake takes (dataset, case)
    "case_q1": Question("set", lambda d, c: set(_case_outsourced(d, c).index), "hint_case_q1",
                        ((lambda d, c: set(_case_table(d, c).index[_case_table(d, c).savings > 0]), "hint_savings_only"),),
                        table="services", case_aware=True),
    "case_q2": Question("number", lambda d, c: float(_case_outsourced(d, c).net_benefit.sum()), "hint_case_q2",
                        ((lambda d, c: float(_case_table(d, c).net_benefit.sum()), "hint_only_outsourced"),
                         (lambda d, c: float(_case_outsourced(d, c).savings.sum()), "hint_savings_not_net")),
                        case_aware=True),
    "case_q3": Question("choice", lambda d, c: _legal_gain(d, c).idxmax(), "hint_case_q3",
                        ((lambda d, c: _case_table(d, c).inhouse_legal_loss.idxmax(), "hint_inhouse_loss_only"),
                         (lambda d, c: _legal_gain(d, c).idxmin(), "hint_gain_sign")),
                        table="services", case_aware=True),
}


COSTS_Q3_FEE = 1.1  # costs_q3: the supplier raises its fees by 10%
RISKS_Q3_SERVICE = "brand"  # risks_q3: online brand management, in house
CLAUSES_Q3_CASE = "clinica"  # clauses_q3: the private clinic of the case library


def _content_break_even(data, **changes) -> float:
    """Months after which outsourcing content starts to save (savings are linear in the horizon)."""
    return float(break_even(sweep(data, Scenario(**changes), "horizon_months", [1, 120]))["content"])


def _worst_area(data, service, column):
    return breakdown(data).loc[service, column].idxmax()


def _best_set(data, scenario) -> set:
    return set(best_clause_set(data, scenario)[0])


def _required(data) -> set:
    """The clauses the law requires for outsourcing at least one service (requirements.csv)."""
    return set(data.requirements.index.get_level_values("clause_id"))


def _band_of(data, score):
    bands = data.risk_bands
    return next(band for band, row in bands.iterrows() if row.min_score <= score <= row.max_score)


_DATA_CACHE: dict = {}


def _dataset():
    if "data" not in _DATA_CACHE:
        _DATA_CACHE["data"] = load_dataset()
    return _DATA_CACHE["data"]


def reference_answer(question: str, dataset=None, case: str = "bellini"):
    """The right answer, for the instructor edition and the tests (not used in student notebooks)."""
    spec = _question(question)
    data = dataset if dataset is not None else _dataset()
    return spec.reference(data, case) if spec.case_aware else spec.reference(data)


class _Unusable(ValueError):
    """An answer of the wrong kind; ``key`` and ``values`` say why, through the catalogue."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


class _Explained(ValueError):
    """An answer written in a way Python cannot read as meant (e.g. ``24,42`` read as a tuple): only explain."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def _question(question: str) -> Question:
    if question not in QUESTIONS:
        raise ValueError(f"question: unknown id {question!r}; expected one of {', '.join(QUESTIONS)}")
    return QUESTIONS[question]


def check(question: str, answer, lang: str = "en", dataset=None, case: str | None = None) -> Feedback:
    """Check an answer and say why it is wrong, with a hint specific to the mistake.

    Answers are read the way students write them: ids or names (English or Italian) in any
    case; numbers as numbers or as text with a decimal comma or thousands separators. A
    number Python cannot read as meant (``24,42`` is two numbers to Python) is explained.
    ``case`` (the case questions of notebook 05) is one of :data:`CASES`; default bellini.
    Inside a notebook each attempt is recorded in ``toolkit_attempts.json`` beside it.
    """
    lang = i18n.check_lang(lang)
    spec = _question(question)
    if case is not None and case not in CASES:
        raise ValueError(f"case: unknown case {case!r}; expected one of {', '.join(CASES)}")
    feedback = _check(question, spec, answer, lang, dataset if dataset is not None else _dataset(), case or "bellini")
    feedback = dataclasses.replace(feedback, title=question_title(question, lang))
    if _recording():
        try:
            record_attempt(question, answer, feedback.correct, case=case)
        except OSError:  # a read-only folder must not break the exercise
            pass
    return feedback


def question_title(question: str, lang: str = "en") -> str:
    """What a student reads for a question: "Question 2" (en) or "Domanda 2" (it).

    The number is the question's place in its notebook: the ``_q<n>`` of its id, which follows the order of
    ``notebooks/manifest.yml`` (a test checks it). The id stays in the attempts file and in the API.
    """
    found = re.fullmatch(r"[a-z_]+_q(\d+)", question)
    if not found:
        raise ValueError(f"question: {question!r} does not end in _q<number>; name it as the others in QUESTIONS")
    return t("question_title", lang, number=int(found.group(1)))


def _check(question, spec, answer, lang, data, case) -> Feedback:
    call = (lambda f: f(data, case)) if spec.case_aware else (lambda f: f(data))
    right = call(spec.reference)
    if answer is ... or answer is None:
        return Feedback(question, False, t("answer_missing", lang))
    try:
        readings, note = _read(spec, answer, data, lang)
        if any(_matches(spec, value, right) for value in readings):
            return Feedback(question, True, t("answer_right", lang) + (" " + note(lang) if note else ""))
    except _Explained as exc:
        return Feedback(question, False, t(exc.key, lang, **exc.values))
    except _Unusable as exc:
        if exc.key == "problem_unfinished":  # a function that still returns ...
            return Feedback(question, False, t("answer_missing", lang))
        return Feedback(question, False, t("answer_wrong_type", lang, expected=t(f"kind_{spec.kind}", lang),
                                           problem=t(exc.key, lang, **exc.values)))
    for wrong, hint in spec.mistakes:
        try:
            if any(_matches(spec, value, call(wrong)) for value in readings):
                return Feedback(question, False, t(hint, lang))
        except _Unusable:
            continue
    if spec.kind == "number" and float(right) != 0:
        for value in readings:
            for factor, key in ((1000.0, "hint_thousand_small"), (0.001, "hint_thousand_large")):
                if math.isclose(value * factor, float(right), rel_tol=max(spec.tolerance, 0.005)):
                    return Feedback(question, False, t(key, lang))
    return Feedback(question, False, t(spec.hint, lang))


def compare_estimate(estimate, answer, lang: str = "en") -> str:
    """One line comparing a student's estimate (``PREDICT``, EUR an hour) with the answer computed for a question.

    The estimate is written before computing, so the student predicts a number rather than picks one
    of a few offered; it is not graded. ``...`` (not yet written or answered) gets what to do next.
    """
    lang = i18n.check_lang(lang)

    def value(number):
        if number is ... or number is None or isinstance(number, bool):
            return None
        if isinstance(number, str):
            readings = _text_readings(number, lang)
            return readings[0] if readings else None
        try:
            number = float(number)
        except (TypeError, ValueError):
            return None
        return number if math.isfinite(number) else None

    guess, computed = value(estimate), value(answer)
    if guess is None:
        return t("estimate_missing", lang)
    shown = i18n.eur(guess, lang, decimals=2)
    if computed is None:
        return t("estimate_waiting", lang, estimate=shown)
    return t("estimate_compared", lang, estimate=shown, answer=i18n.eur(computed, lang, decimals=2),
             gap=i18n.eur(abs(guess - computed), lang, decimals=2),
             direction=t("estimate_above" if guess >= computed else "estimate_below", lang))


# --- reading answers as students write them -----------------------------------------------------

_CURRENCY = re.compile(r"(?i)\s*(eur|euro|€)\s*")
_NUMBER_TEXT = re.compile(r"^[+-]?(\d[\d.,]*)$")


def _text_readings(text: str, lang: str) -> list[float]:
    """The numbers a text can mean, the likeliest first (for ``lang``); [] if it is no number."""
    cleaned = _CURRENCY.sub("", text.strip())
    for space in (" ", "\u00a0", "\u202f", "'", "_"):
        cleaned = cleaned.replace(space, "")
    if not _NUMBER_TEXT.match(cleaned):
        return []
    sign = -1.0 if cleaned.startswith("-") else 1.0
    body = cleaned.lstrip("+-")
    if body.endswith((".", ",")):
        body = body[:-1]
    commas, dots = body.count(","), body.count(".")
    if commas and dots:  # the last one is the decimal separator
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        if body.count(decimal) > 1:
            return []
        return [sign * float(body.replace(thousands, "").replace(decimal, "."))]
    separator = "," if commas else "." if dots else None
    if separator is None:
        return [sign * float(body)]
    parts = body.split(separator)
    grouped = all(len(part) == 3 for part in parts[1:]) and 1 <= len(parts[0]) <= 3
    if len(parts) > 2:  # 1.234.567 or 1,234,567: thousands
        return [sign * float("".join(parts))] if grouped else []
    as_decimal = sign * float(parts[0] + "." + parts[1])
    if not grouped:
        return [as_decimal]
    as_thousands = sign * float(parts[0] + parts[1])
    # "5,667": thousands in English, a decimal comma in Italian; "5.667": the reverse
    thousands_first = (separator == ",") == (lang == "en")
    return [as_thousands, as_decimal] if thousands_first else [as_decimal, as_thousands]


def _show(value: float, lang: str) -> str:
    """A number written as Python wants it (a dot for decimals, no thousands separator)."""
    return f"{value:.10g}" if abs(value) < 1e15 else repr(value)


def _table_ids(data, table: str) -> dict:
    """lower-case id, name or label (both languages) -> id."""
    frame = getattr(data, table)
    lookup = {}
    for column in ("name_en", "name_it", "label_en", "label_it"):
        if column in frame.columns:
            for key, value in frame[column].items():
                lookup[str(value).strip().lower()] = key
                if column == "label_it" and str(value).strip().lower().endswith("o"):
                    # a band is "alta" in Italian when it agrees with "fascia" (la fascia alta)
                    lookup[str(value).strip().lower()[:-1] + "a"] = key
    for key in frame.index:
        lookup[str(key).lower()] = key
        lookup[str(key).lower().replace("_", " ")] = key
    return lookup


def _resolve(item, data, table, lang):
    if not isinstance(item, str):
        raise _Unusable("problem_got", what=type(item).__name__)
    lookup = _table_ids(data, table)
    key = " ".join(item.strip().strip("'\"").lower().split())
    if key in lookup:
        return lookup[key]
    if key.replace(" ", "_") in lookup:
        return lookup[key.replace(" ", "_")]
    raise _Unusable("problem_unknown_id", item=item, ids=", ".join(map(str, getattr(data, table).index)))


def _read(spec: Question, answer, data, lang):
    """(the values the answer can mean, a note to add to 'Right.' or None); raises _Unusable or _Explained."""
    if spec.kind == "number":
        if isinstance(answer, bool):
            raise _Unusable("problem_got", what=type(answer).__name__)
        if isinstance(answer, (tuple, list)) and 2 <= len(answer) and all(
                isinstance(part, int) and not isinstance(part, bool) for part in answer):
            written = ",".join(str(part) for part in answer)
            dot = f"{answer[0]}.{''.join(str(part) for part in answer[1:])}" if len(answer) == 2 else written
            raise _Explained("problem_tuple", written=written, dot=dot)
        if isinstance(answer, str):
            readings = _text_readings(answer, lang)
            if not readings:
                raise _Unusable("problem_text", text=answer[:40])
            return readings, (lambda lg, _a=answer, _v=readings[0]: t("note_text_number", lg, text=_a.strip(),
                                                                       number=_show(_v, lg)))
        if not isinstance(answer, (int, float)) and not hasattr(answer, "__float__"):
            raise _Unusable("problem_got", what=type(answer).__name__)
        try:
            value = float(answer)
        except (TypeError, ValueError):
            raise _Unusable("problem_got", what=type(answer).__name__) from None
        if not math.isfinite(value):
            raise _Unusable("problem_not_finite")
        return [value], None
    if spec.kind == "choice":
        if not isinstance(answer, str):
            if isinstance(answer, (set, frozenset, list, tuple)) and len(answer) == 1:
                raise _Explained("problem_one_in_set", item=next(iter(answer)))
            raise _Unusable("problem_got", what=type(answer).__name__)
        return [_resolve(answer, data, spec.table, lang)], None
    if spec.kind == "set":
        if isinstance(answer, str):
            raise _Unusable("problem_set_as_text", text=answer[:40])
        if isinstance(answer, dict) or not hasattr(answer, "__iter__"):
            raise _Unusable("problem_got", what=type(answer).__name__)
        return [{_resolve(item, data, spec.table, lang) for item in answer}], None
    return [answer], None


def _matches(spec: Question, value, right) -> bool:
    """True if the value (as read by _read) is right; raises _Unusable for a function that fails."""
    if spec.kind == "number":
        return math.isclose(value, float(right), rel_tol=spec.tolerance, abs_tol=1e-9 if spec.tolerance == 0 else 0.5)
    if spec.kind == "choice":
        return value == right
    if spec.kind == "set":
        return set(value) == set(right)
    if spec.kind == "function":
        answer = value
        if not callable(answer):
            raise _Unusable("problem_got", what=type(answer).__name__)
        for arguments, expected in right:
            try:
                result = answer(*arguments)
            except Exception as exc:  # a student's function may fail in any way: report it as a hint
                raise _Unusable("problem_raised", error=type(exc).__name__, arguments=arguments) from None
            if result is ...:
                raise _Unusable("problem_unfinished")
            if result is None or isinstance(result, bool) or not isinstance(result, (int, float)):
                raise _Unusable("problem_returned", result=repr(result), arguments=arguments)
            if not math.isclose(float(result), float(expected), abs_tol=1e-9):
                return False
        return True
    raise AssertionError(spec.kind)


# --- attempts: recorded beside the notebook, never sent anywhere ---------------------------------

ATTEMPTS_FILE = "toolkit_attempts.json"


def _recording() -> bool:
    """Record attempts only inside a notebook's kernel (not in tests or scripts), unless TOOLKIT_ATTEMPTS=0."""
    if os.environ.get("TOOLKIT_ATTEMPTS", "") == "0":
        return False
    if os.environ.get("TOOLKIT_ATTEMPTS", "") == "1":
        return True
    return "ipykernel" in sys.modules and "pytest" not in sys.modules


def _jsonable(answer):
    if answer is ... or answer is None:
        return None
    if isinstance(answer, (bool, int, float, str)):
        return answer if not isinstance(answer, float) or math.isfinite(answer) else str(answer)
    if isinstance(answer, (set, frozenset)):
        return sorted(map(str, answer))
    if isinstance(answer, (list, tuple)):
        return [_jsonable(item) for item in answer]
    if callable(answer):
        return "<function>"
    try:
        return float(answer)
    except (TypeError, ValueError):
        return repr(answer)[:200]


def load_attempts(path=None) -> list:
    """The attempts recorded in ``path`` (default: toolkit_attempts.json in the current folder); [] if none."""
    path = Path(path) if path is not None else Path.cwd() / ATTEMPTS_FILE
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    attempts = content.get("attempts") if isinstance(content, dict) else None
    return [a for a in attempts if isinstance(a, dict)] if isinstance(attempts, list) else []


def record_attempt(question: str, answer, correct: bool, case: str | None = None, path=None) -> Path:
    """Append one attempt (question, answer, correct, time, case) to the attempts file, atomically.

    The file is rewritten through a temporary file in the same folder and ``os.replace``: a
    kernel that dies mid-write leaves the previous file whole.
    """
    path = Path(path) if path is not None else Path.cwd() / ATTEMPTS_FILE
    attempts = load_attempts(path)
    attempts.append({"question": question, "answer": _jsonable(answer), "correct": bool(correct),
                     "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **({"case": case} if case else {})})
    handle, temporary = tempfile.mkstemp(prefix=".attempts-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"schema_version": 1, "attempts": attempts}, stream, ensure_ascii=False, indent=1)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
