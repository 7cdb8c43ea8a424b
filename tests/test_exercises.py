"""Graded questions: the reference passes, typical mistakes get their own hint, bad input is explained."""
import pytest

from toolkit import i18n
from toolkit.exercises import QUESTIONS, check, reference_answer

QUESTION_IDS = list(QUESTIONS)


def _as_answer(question, value):
    """A student's form of the reference: a function for function questions."""
    if QUESTIONS[question].kind != "function":
        return value
    return lambda *args: _solve(question, *args)


def _solve(question, *args):
    # The functions students complete in the notebooks, written out.
    if question == "costs_q4":
        inhouse, outsourced = args
        return inhouse - outsourced
    incident_chance, claim_chance, loss, years = args  # risks_q4: the expected loss of one area on one side
    return incident_chance * claim_chance * loss * years


@pytest.mark.parametrize("question", QUESTION_IDS)
def test_reference_answer_passes(question, dataset):
    feedback = check(question, _as_answer(question, reference_answer(question, dataset)), dataset=dataset)
    assert feedback.correct, feedback.message
    assert feedback.message == i18n.t("answer_right")


@pytest.mark.parametrize("question", QUESTION_IDS)
def test_each_typical_mistake_gets_its_own_hint(question, dataset):
    spec = QUESTIONS[question]
    for wrong, hint in spec.mistakes:
        value = wrong(dataset)
        if spec.kind == "function":
            (arguments, result), = value
            answer = lambda *args, _a=arguments, _r=result: _r if args == _a else -_solve(question, *args)  # noqa: E731
        else:
            answer = value
        feedback = check(question, answer, dataset=dataset)
        assert not feedback.correct
        assert feedback.message == i18n.t(hint), (question, hint)


def test_at_least_three_questions_per_graded_notebook():
    prefixes = [q.split("_")[0] for q in QUESTIONS]
    for notebook in ("costs", "risks", "clauses", "case"):
        assert prefixes.count(notebook) >= 3


def test_specific_examples(dataset):
    # hourly cost without the on-cost multiplier: 30000 / 1720 = 17.44
    assert "on-cost" in check("costs_q1", 17.44, dataset=dataset).message
    assert check("costs_q1", 30000 * 1.40 / 1720, dataset=dataset).correct
    # the blog's fee alone over 24 months at volume 1: 450 x 24
    assert "vendor-management overhead" in check("costs_q2", 450 * 24, dataset=dataset).message
    # fee, managing the supplier and transition, but not the clauses the law requires for the blog:
    # 450 x 24 + 1.5 h x (30,000 x 1.40 / 1,720) x 24 + 450
    forgot_clauses = 450 * 24 + 1.5 * 30_000 * 1.40 / 1_720 * 24 + 450
    assert "the law requires" in check("costs_q2", forgot_clauses, dataset=dataset).message
    # the required clauses add 3% + 8% of the fee and their drafting: more than the sum above
    assert reference_answer("costs_q2", dataset) > forgot_clauses + 0.11 * 450 * 24
    # direct marketing, privacy: outsourced with no clauses 5 x 5 = 25; in house 4 x 5 = 20
    assert check("risks_q1", 25, dataset=dataset).correct
    assert "Multiply" in check("risks_q1", 10, dataset=dataset).message
    assert "in-house score" in check("risks_q1", 20, dataset=dataset).message
    # expected loss: 25% a year x 1% claim chance x EUR 41,600 x 2 years = EUR 208
    assert check("risks_q4", lambda p, c, loss, years: p * c * loss * years, dataset=dataset).correct
    assert "yearly" in check("risks_q4", lambda p, c, loss, years: p * c * loss, dataset=dataset).message
    assert "claim chance" in check("risks_q4", lambda p, c, loss, years: p * loss * years, dataset=dataset).message
    # the required clauses are not part of the (optional) best set
    assert "optional" in check("clauses_q3", {"dpa_art28", "ip_assignment"}, dataset=dataset).message
    assert check("risks_q2", "high", dataset=dataset).correct
    assert "Medium ends at 9" in check("risks_q2", "medium", dataset=dataset).message
    assert "never below 1" in check("clauses_q2", 0, dataset=dataset).message
    # a generic hint when the mistake is not a known one
    assert check("risks_q1", 7, dataset=dataset).message == i18n.t("hint_risks_q1")


def test_bad_answers_are_explained_not_raised(dataset):
    assert "No answer yet" in check("costs_q1", ..., dataset=dataset).message
    assert "Expected a number" in check("costs_q1", "abc", dataset=dataset).message
    assert "Expected a number" in check("costs_q1", float("nan"), dataset=dataset).message
    assert "Expected one id" in check("risks_q2", 3, dataset=dataset).message
    assert "Expected a set" in check("clauses_q3", "nda", dataset=dataset).message
    broken = check("costs_q4", lambda a, b: 1 / 0, dataset=dataset)
    assert not broken.correct and "ZeroDivisionError" in broken.message
    assert "returned None" in check("risks_q4", lambda a, b, c, d: None, dataset=dataset).message
    assert "TypeError" in check("risks_q4", lambda likelihood, impact: likelihood * impact, dataset=dataset).message


def test_feedback_in_italian_and_html(dataset):
    feedback = check("risks_q1", 10, lang="it", dataset=dataset)
    assert feedback.message == i18n.t("hint_multiply", "it")
    assert "✘" in feedback._repr_html_() and 'role="status"' in feedback._repr_html_()
    assert bool(check("risks_q1", 25, dataset=dataset)) is True


def test_unknown_question_and_language():
    with pytest.raises(ValueError, match="question"):
        check("nope", 1)
    with pytest.raises(ValueError, match="lang"):
        check("costs_q1", 1, lang="fr")


def test_unfinished_function_says_no_answer_yet_in_both_languages(dataset):
    unfinished = lambda inhouse_cost, outsourced_cost: ...  # noqa: E731  (the stub students start from)
    assert check("costs_q4", unfinished, dataset=dataset).message == i18n.t("answer_missing")
    assert check("costs_q4", unfinished, lang="it", dataset=dataset).message == i18n.t("answer_missing", "it")
    italian = check("risks_q4", lambda a, b, c, d: None, lang="it", dataset=dataset).message
    assert "ha restituito None" in italian and "returned" not in italian
