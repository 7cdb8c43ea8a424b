"""Graded questions: the reference passes, typical mistakes get their own hint, bad input is explained."""
import pytest

from toolkit import i18n
from toolkit.exercises import CASES, QUESTIONS, check, reference_answer

QUESTION_IDS = list(QUESTIONS)
LANGS = i18n.LANGS
# (question, case): every case of the library for the case-aware questions, once for the others
PAIRS = [(q, c) for q in QUESTION_IDS for c in (CASES if QUESTIONS[q].case_aware else (None,))]


def _pair_id(pair):
    question, case = pair
    return question if case is None else f"{question}-{case}"


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


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pair", PAIRS, ids=_pair_id)
def test_reference_answer_passes(pair, lang, dataset):
    question, case = pair
    answer = _as_answer(question, reference_answer(question, dataset, case=case or "bellini"))
    feedback = check(question, answer, lang=lang, dataset=dataset, case=case)
    assert feedback.correct, feedback.message
    assert feedback.message == i18n.t("answer_right", lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pair", PAIRS, ids=_pair_id)
def test_each_typical_mistake_gets_its_own_hint(pair, lang, dataset):
    question, case = pair
    spec = QUESTIONS[question]
    right = reference_answer(question, dataset, case=case or "bellini")
    seen = []  # an earlier mistake giving the same answer takes its hint first
    for wrong, hint in spec.mistakes:
        value = wrong(dataset, case) if spec.case_aware else wrong(dataset)
        if spec.kind == "function":
            (arguments, result), = value
            answer = lambda *args, _a=arguments, _r=result: _r if args == _a else -_solve(question, *args)  # noqa: E731
        else:
            answer = value
            if value == right or spec.kind == "number" and abs(value - right) <= 0.5 or value in seen:
                continue  # in this case the mistake gives the right answer (or an earlier mistake's)
            seen.append(value)
        feedback = check(question, answer, lang=lang, dataset=dataset, case=case)
        assert not feedback.correct
        assert feedback.message == i18n.t(hint, lang), (question, case, hint)


def test_each_case_has_a_decision_of_its_own(dataset):
    decisions = {case: (frozenset(reference_answer("case_q1", dataset, case=case)),
                        round(reference_answer("case_q2", dataset, case=case)))
                 for case in CASES}
    assert len(set(decisions.values())) == len(CASES), decisions
    # and the services decided differ for at least two pairs of cases
    assert len({services for services, _ in decisions.values()}) >= 3


def test_case_checks_follow_the_case(dataset):
    bellini = reference_answer("case_q2", dataset, case="bellini")
    clinica = reference_answer("case_q2", dataset, case="clinica")
    assert check("case_q2", clinica, dataset=dataset, case="clinica").correct
    assert not check("case_q2", clinica, dataset=dataset, case="bellini").correct
    assert check("case_q2", bellini, dataset=dataset).correct  # bellini is the default
    with pytest.raises(ValueError, match="case"):
        check("case_q2", 1, case="nowhere")


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


# --- answers as students write them ---------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("answer", ["High", "HIGH", " high ", "Alto", "alto", "alta", "Alta"])
def test_labels_any_case_and_either_language(answer, lang, dataset):
    assert check("risks_q2", answer, lang=lang, dataset=dataset).correct


@pytest.mark.parametrize("lang", LANGS)
def test_names_as_well_as_ids(lang, dataset):
    best = reference_answer("clauses_q3", dataset)
    for name_lang in LANGS:
        names = {dataset.clauses.loc[clause, f"name_{name_lang}"] for clause in best}
        assert check("clauses_q3", names, lang=lang, dataset=dataset).correct
        area = reference_answer("risks_q3", dataset)
        assert check("risks_q3", dataset.legal_areas.loc[area, f"name_{name_lang}"].upper(), lang=lang,
                     dataset=dataset).correct
    service = reference_answer("case_q3", dataset, case="clinica")
    assert check("case_q3", dataset.services.loc[service, "name_it"], lang=lang, dataset=dataset, case="clinica").correct


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_name_lists_the_ids(lang, dataset):
    message = check("risks_q2", "enormous", lang=lang, dataset=dataset).message
    assert "enormous" in message and "critical, high, low, medium" in message
    assert "{" not in check("risks_q2", {"high"}, lang=lang, dataset=dataset).message.split(":", 1)[0]


def test_a_set_given_for_a_choice_is_explained(dataset):
    assert "without braces" in check("risks_q2", {"high"}, dataset=dataset).message
    assert "senza parentesi graffe" in check("risks_q2", {"high"}, lang="it", dataset=dataset).message


HOURLY = 30_000 * 1.40 / 1_720  # costs_q1: EUR 24.42 an hour


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("written", ["24,42", "24.42", "EUR 24,42", "24,42 €", " 24.4186 "])
def test_numbers_as_text_are_understood_and_explained(written, lang, dataset):
    feedback = check("costs_q1", written, lang=lang, dataset=dataset)
    assert feedback.correct, feedback.message
    assert ("without quotes" if lang == "en" else "senza virgolette") in feedback.message


@pytest.mark.parametrize("lang", LANGS)
def test_thousands_separators_in_either_style(lang, dataset):
    right = reference_answer("costs_q2", dataset)
    whole = f"{right:,.2f}"  # 13,506.36
    italian = whole.replace(",", " ").replace(".", ",").replace(" ", ".")  # 13.506,36
    for written in (whole, italian, f"{right:,.0f}", f"{right:,.0f}".replace(",", ".")):
        assert check("costs_q2", written, lang=lang, dataset=dataset).correct, written


EXPLAINED = {
    "en": {"tuple": "Python read 24,42 as separate numbers", "dot": "24.42",
           "small": "1,000 times too small", "large": "1,000 times too large", "text": "not a number"},
    "it": {"tuple": "Python ha letto 24,42 come numeri separati", "dot": "24.42",
           "small": "1.000 volte troppo piccolo", "large": "1.000 volte troppo grande", "text": "non è un numero"},
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_tuple_from_a_decimal_comma_is_explained(lang, dataset):
    feedback = check("costs_q1", (24, 42), lang=lang, dataset=dataset)  # what `answer = 24,42` gives
    assert not feedback.correct
    assert EXPLAINED[lang]["tuple"] in feedback.message and EXPLAINED[lang]["dot"] in feedback.message
    assert "tuple" not in feedback.message


@pytest.mark.parametrize("lang", LANGS)
def test_an_answer_1000_times_off_names_the_separator(lang, dataset):
    right = reference_answer("costs_q2", dataset)
    assert EXPLAINED[lang]["small"] in check("costs_q2", right / 1000, lang=lang, dataset=dataset).message
    assert EXPLAINED[lang]["large"] in check("costs_q1", HOURLY * 1000, lang=lang, dataset=dataset).message


@pytest.mark.parametrize("lang", LANGS)
def test_text_that_is_no_number(lang, dataset):
    feedback = check("costs_q1", "about twenty", lang=lang, dataset=dataset)
    assert not feedback.correct and EXPLAINED[lang]["text"] in feedback.message


@pytest.mark.parametrize("lang", LANGS)
def test_hints_still_name_the_mistake_when_written_as_text(lang, dataset):
    # the on-cost mistake written the Italian way, as text: still the on-cost hint
    without_oncost = f"{30_000 / 1_720:.2f}".replace(".", ",")
    assert check("costs_q1", without_oncost, lang=lang, dataset=dataset).message == i18n.t("hint_oncost", lang)


# --- attempts ---------------------------------------------------------------------------------------

def test_attempts_are_recorded_atomically_beside_the_notebook(tmp_path, monkeypatch, dataset):
    from toolkit.exercises import ATTEMPTS_FILE, load_attempts

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TOOLKIT_ATTEMPTS", "1")
    check("costs_q1", 17.44, dataset=dataset)
    check("costs_q1", HOURLY, dataset=dataset)
    check("case_q1", {"blog"}, dataset=dataset, case="moda")
    attempts = load_attempts(tmp_path / ATTEMPTS_FILE)
    assert [(a["question"], a["correct"]) for a in attempts] == [("costs_q1", False), ("costs_q1", True),
                                                                  ("case_q1", False)]
    assert attempts[2]["case"] == "moda" and attempts[2]["answer"] == ["blog"] and "time" in attempts[0]
    assert [p.name for p in tmp_path.iterdir()] == [ATTEMPTS_FILE]  # no temporary file left behind
    (tmp_path / ATTEMPTS_FILE).write_text("{broken", encoding="utf-8")
    assert load_attempts(tmp_path / ATTEMPTS_FILE) == []


def test_no_attempts_recorded_outside_a_notebook(tmp_path, monkeypatch, dataset):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TOOLKIT_ATTEMPTS", raising=False)
    check("costs_q1", 1, dataset=dataset)
    assert list(tmp_path.iterdir()) == []
