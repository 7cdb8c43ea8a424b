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

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from . import i18n
from .data import load_dataset
from .i18n import t
from .model import best_clause_set, break_even, breakdown, evaluate, sweep
from .scenario import Scenario

__all__ = ["check", "QUESTIONS", "Feedback", "reference_answer"]


@dataclass(frozen=True)
class Feedback:
    """The result of a check; shows as a coloured line with a symbol in a notebook."""

    question: str
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return f"{'✔' if self.correct else '✘'} {self.question}: {self.message}"

    def _repr_html_(self) -> str:
        import html

        colour, symbol = ("#009E73", "✔") if self.correct else ("#D55E00", "✘")
        return (f'<div role="status" style="border-left:4px solid {colour};padding:4px 8px">'
                f"<b>{symbol} {html.escape(self.question)}</b>: {html.escape(self.message)}</div>")


@dataclass(frozen=True)
class Question:
    kind: str  # "number", "choice", "set" or "function"
    reference: Callable[[Any], Any]  # dataset -> the right answer (for "function": test cases)
    hint: str  # i18n key of the general hint
    mistakes: tuple = ()  # (dataset -> a wrong answer a typical mistake gives, i18n key of its hint)
    tolerance: float = 0.005  # relative, for numbers
    options: Callable[[Any], list] | None = field(default=None)


def _small(**changes) -> Scenario:
    return Scenario(**changes)


def _hourly(data, profile="small", oncost=True):
    row = data.profiles.loc[profile]
    return row.gross_salary_eur * (row.oncost_multiplier if oncost else 1) / row.productive_hours_year


def _blog(data, column):
    return evaluate(data, _small()).loc["blog", column]


def _case_scenario(data) -> Scenario:
    best, _ = best_clause_set(data, Scenario(profile="bellini", risk_appetite="medium"))
    return Scenario(profile="bellini", risk_appetite="medium", clauses=best)


def _case_table(data):
    return evaluate(data, _case_scenario(data))


def _case_outsourced(data):
    table = _case_table(data)
    return table[table.outsourced]


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
    "costs_q3": Question("number",
                         lambda d: break_even(sweep(d, None, "horizon_months", [1, 120]))["content"],
                         "hint_costs_q3", tolerance=0.02),
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
                         options=lambda d: list(d.risk_bands.index)),
    "risks_q3": Question("choice", lambda d: breakdown(d).loc["know_how", "inherent_score"].idxmax(), "hint_risks_q3",
                         options=lambda d: list(d.legal_areas.index)),
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
    "clauses_q3": Question("set", lambda d: set(best_clause_set(d, _small())[0]), "hint_clauses_q3",
                           ((lambda d: set(d.clauses.index), "hint_not_all_clauses"),
                            (lambda d: set(best_clause_set(d, _small())[0]) | _required(d),
                             "hint_required_not_optional")),
                           options=lambda d: list(d.clauses.index)),
    # 05_case_study
    "case_q1": Question("set", lambda d: set(_case_outsourced(d).index),
                        "hint_case_q1", options=lambda d: list(d.services.index)),
    "case_q2": Question("number",
                        lambda d: float(_case_outsourced(d).net_benefit.sum()),
                        "hint_case_q2", ((lambda d: float(_case_table(d).net_benefit.sum()), "hint_only_outsourced"),)),
    "case_q3": Question("choice", lambda d: _strongest_clause(d, "privacy"), "hint_case_q3",
                        options=lambda d: list(d.clauses.index)),
}


def _required(data) -> set:
    """The clauses the law requires for outsourcing at least one service (requirements.csv)."""
    return set(data.requirements.index.get_level_values("clause_id"))


def _band_of(data, score):
    bands = data.risk_bands
    return next(band for band, row in bands.iterrows() if row.min_score <= score <= row.max_score)


def _strongest_clause(data, area):
    effects = data.clause_effects.xs(area, level="area_id")
    return (effects.likelihood_steps + effects.impact_steps).idxmax()


_DATA_CACHE: dict = {}


def _dataset():
    if "data" not in _DATA_CACHE:
        _DATA_CACHE["data"] = load_dataset()
    return _DATA_CACHE["data"]


def reference_answer(question: str, dataset=None):
    """The right answer, for the instructor edition and the tests (not used in student notebooks)."""
    return _question(question).reference(dataset if dataset is not None else _dataset())


class _Unusable(ValueError):
    """An answer of the wrong kind; ``key`` and ``values`` say why, through the catalogue."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def _question(question: str) -> Question:
    if question not in QUESTIONS:
        raise ValueError(f"question: unknown id {question!r}; expected one of {', '.join(QUESTIONS)}")
    return QUESTIONS[question]


def check(question: str, answer, lang: str = "en", dataset=None) -> Feedback:
    """Check an answer and say why it is wrong, with a hint specific to the mistake."""
    lang = i18n.check_lang(lang)
    spec = _question(question)
    data = dataset if dataset is not None else _dataset()
    right = spec.reference(data)
    if answer is ... or answer is None:
        return Feedback(question, False, t("answer_missing", lang))
    try:
        correct = _matches(spec, answer, right)
    except _Unusable as exc:
        if exc.key == "problem_unfinished":  # a function that still returns ...
            return Feedback(question, False, t("answer_missing", lang))
        return Feedback(question, False, t("answer_wrong_type", lang, expected=t(f"kind_{spec.kind}", lang),
                                           problem=t(exc.key, lang, **exc.values)))
    if correct:
        return Feedback(question, True, t("answer_right", lang))
    for wrong, hint in spec.mistakes:
        try:
            if _matches(spec, answer, wrong(data)):
                return Feedback(question, False, t(hint, lang))
        except _Unusable:
            continue
    return Feedback(question, False, t(spec.hint, lang))


def _matches(spec: Question, answer, right) -> bool:
    """True if ``answer`` is right; raises _Unusable when it is not the kind of answer asked for."""
    if spec.kind == "number":
        if isinstance(answer, bool) or not isinstance(answer, (int, float)) and not hasattr(answer, "__float__"):
            raise _Unusable("problem_got", what=type(answer).__name__)
        value = float(answer)
        if not math.isfinite(value):
            raise _Unusable("problem_not_finite")
        return math.isclose(value, float(right), rel_tol=spec.tolerance, abs_tol=1e-9 if spec.tolerance == 0 else 0.5)
    if spec.kind == "choice":
        if not isinstance(answer, str):
            raise _Unusable("problem_got", what=type(answer).__name__)
        return answer.strip() == right
    if spec.kind == "set":
        if isinstance(answer, str) or not hasattr(answer, "__iter__"):
            raise _Unusable("problem_got", what=type(answer).__name__)
        return set(answer) == set(right)
    if spec.kind == "function":
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
