"""Graded questions: the reference passes, typical mistakes get their own hint, bad input is explained."""
import pytest

from toolkit import i18n
from toolkit.exercises import CASES, QUESTIONS, check, compare_estimate, reference_answer

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
    clinic_best = {"exit_transition", "supplier_liability_cap"}
    assert "optional" in check("clauses_q3", clinic_best | {"dpa_art28", "ip_assignment"}, dataset=dataset).message
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


@pytest.mark.parametrize("lang, word", [("en", "Question"), ("it", "Domanda")])
def test_feedback_names_the_question_in_words_not_its_id(dataset, lang, word):
    """The student reads "Question 2" (numbered as in the notebook), never "costs_q2"; the id stays in the API."""
    for feedback in (check("costs_q2", 1.0, lang=lang, dataset=dataset), check("case_q3", "nda", lang=lang,
                                                                               dataset=dataset)):
        number = feedback.question[-1]
        assert feedback.question in ("costs_q2", "case_q3")
        for shown in (str(feedback), feedback._repr_html_()):
            assert f"{word} {number}" in shown and feedback.question not in shown


def test_question_numbers_follow_the_order_of_the_manifest():
    import pathlib

    import yaml

    from toolkit.exercises import question_title

    manifest = yaml.safe_load((pathlib.Path(__file__).parents[1] / "notebooks" / "manifest.yml").read_text("utf-8"))
    listed = [entry.get("questions") or [] for entry in manifest["notebooks"]]
    assert sorted(q for questions in listed for q in questions) == sorted(QUESTIONS)
    for questions in listed:
        for position, question in enumerate(questions, start=1):
            assert question_title(question, "en") == f"Question {position}"
            assert question_title(question, "it") == f"Domanda {position}"


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


# --- the three questions whose answer used to be printed one cell above them ------------------------

REWRITTEN = ("costs_q3", "risks_q3", "clauses_q3")


@pytest.mark.parametrize("lang", LANGS)
def test_break_even_after_a_fee_rise(lang, dataset):
    """costs_q3: content's break-even with the fee 10% higher, a scenario the notebook does not show."""
    import toolkit

    right = reference_answer("costs_q3", dataset)
    shown = toolkit.break_even(toolkit.sweep(dataset, None, "horizon_months", range(1, 61)))["content"]
    dearer = toolkit.break_even(toolkit.sweep(dataset, toolkit.Scenario(fee_multiplier=1.1), "horizon_months",
                                              range(1, 61)))["content"]
    assert right == pytest.approx(dearer, rel=1e-9)
    assert abs(right - shown) > 1  # not the number the notebook's table shows
    for written in (dearer, round(dearer, 1), f"{dearer:.1f}".replace(".", ",") if lang == "it" else f"{dearer:.1f}"):
        assert check("costs_q3", written, lang=lang, dataset=dataset).correct, written
    expected = {shown: "hint_fee_unchanged", dearer / 12: "hint_months_not_years",
                toolkit.break_even(toolkit.sweep(dataset, toolkit.Scenario(fee_multiplier=0.9), "horizon_months",
                                                 range(1, 61)))["content"]: "hint_fee_direction"}
    for wrong, hint in expected.items():
        assert check("costs_q3", round(wrong, 2), lang=lang, dataset=dataset).message == i18n.t(hint, lang), hint


@pytest.mark.parametrize("lang", LANGS)
def test_worst_in_house_area_of_brand(lang, dataset):
    """risks_q3: brand's worst area in house (liability with the bundled data); the heat map shows outsourced."""
    import toolkit

    pairs = toolkit.breakdown(dataset)
    inhouse = pairs.loc["brand", "inhouse_score"]
    assert (inhouse == inhouse.max()).sum() == 1, "the question needs one worst area in house"
    right = reference_answer("risks_q3", dataset)
    assert right == inhouse.idxmax() != pairs.loc["brand", "inherent_score"].idxmax()
    for name_lang in LANGS:
        name = dataset.legal_areas.loc[right, f"name_{name_lang}"]
        assert check("risks_q3", name, lang=lang, dataset=dataset).correct
    outsourced = pairs.loc["brand", "inherent_score"].idxmax()
    assert check("risks_q3", outsourced, lang=lang, dataset=dataset).message == i18n.t("hint_outsourced_side", lang)
    others = set(pairs.loc["brand"].index) - {right, outsourced}
    for other in others:  # any other area: the general hint, which says how to compute the in-house score
        assert check("risks_q3", other, lang=lang, dataset=dataset).message == i18n.t("hint_risks_q3", lang)


@pytest.mark.parametrize("lang", LANGS)
def test_best_set_of_the_clinic(lang, dataset):
    """clauses_q3: the clinic's best set, which differs from the small firm's that notebook 04 prints."""
    import toolkit
    from toolkit.exercises import case_scenario

    right = reference_answer("clauses_q3", dataset)
    assert right == set(toolkit.portfolio(dataset, case_scenario("clinica")).best_clauses)
    small = set(toolkit.portfolio(dataset).best_clauses)
    assert right != small, "the answer must not be the set the notebook prints above the question"
    assert check("clauses_q3", sorted(right), lang=lang, dataset=dataset).correct  # a list is read as a set
    assert check("clauses_q3", small, lang=lang, dataset=dataset).message == i18n.t("hint_other_firm_set", lang)
    if "supplier_liability_cap" in right:
        assert check("clauses_q3", right - {"supplier_liability_cap"}, lang=lang,
                     dataset=dataset).message == i18n.t("hint_cap_is_optional", lang)
    assert check("clauses_q3", set(dataset.clauses.index), lang=lang,
                 dataset=dataset).message == i18n.t("hint_not_all_clauses", lang)


@pytest.mark.parametrize("lang", LANGS)
def test_the_estimate_is_a_number_the_student_writes(lang):
    """costs_q1's prediction: written as a number (PREDICT), compared with the student's answer, never offered."""
    assert compare_estimate(..., ..., lang) == i18n.t("estimate_missing", lang)
    assert compare_estimate("about twenty", 24.42, lang) == i18n.t("estimate_missing", lang)
    waiting = compare_estimate(20, ..., lang)
    assert waiting.startswith(i18n.t("estimate_waiting", lang, estimate="X").split("X")[0])
    compared = compare_estimate(20, HOURLY, lang)
    assert i18n.eur(4.42, lang, decimals=2) in compared and i18n.t("estimate_below", lang) in compared
    assert i18n.t("estimate_above", lang) in compare_estimate("30", HOURLY, lang)


def test_no_predict_prompt_offers_the_answer():
    """The old prompt offered 17, 24 or 40 EUR with 24 accepted: a prediction must be written, not picked."""
    import re
    from pathlib import Path

    for lang in LANGS:
        text = (Path(__file__).resolve().parent.parent / "notebooks" / "src" / lang / "01_costs.md").read_text(
            encoding="utf-8")
        prompt = text.split("**Predict:**" if lang == "en" else "**Prevedi:**", 1)[1].split("```", 1)[0]
        assert not re.search(r"\b24\b", prompt) and "PREDICT" in prompt


def _earlier_text(notebook, question):
    """The sources and outputs of the cells above the cell that checks ``question``: (sources, outputs)."""
    sources, outputs = [], []
    for cell in notebook.cells:
        if cell.cell_type == "code" and f'check("{question}"' in cell.source:
            return "\n".join(sources), outputs
        sources.append(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            outputs.append("\n".join([output.get("text", ""), data.get("text/plain", ""), data.get("text/html", "")]))
    raise AssertionError(f"no cell checks {question}")


ASKED_IN = {"costs_q3": "01_costs", "risks_q3": "02_legal_risks", "clauses_q3": "04_contract_clauses"}


@pytest.mark.notebooks
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("question", REWRITTEN)
def test_the_answer_is_not_printed_above_the_question(question, lang, dataset, tmp_path):
    """Run the student notebook and read what it shows above the question: the answer must be worked out."""
    import re
    from pathlib import Path

    from conftest import run_notebook

    folder = Path(__file__).resolve().parent.parent / "notebooks" / ("" if lang == "en" else "it")
    notebook, _checks = run_notebook(folder / f"{ASKED_IN[question]}.ipynb", tmp_path)
    sources, outputs = _earlier_text(notebook, question)
    everything = sources + "\n".join(outputs)
    right = reference_answer(question, dataset)
    if question == "costs_q3":
        for decimals in (1, 2):
            for written in {f"{right:.{decimals}f}", f"{right:.{decimals}f}".replace(".", ",")}:
                assert not re.search(rf"(?<![\d.,]){re.escape(written)}(?!\d)", everything), written
    elif question == "risks_q3":
        # brand's in-house scores by area are shown nowhere above: no output has both its name and in-house columns
        from toolkit.present import label

        names = {dataset.services.loc["brand", f"name_{lg}"] for lg in LANGS}
        for output in outputs:
            if any(name in output for name in names):
                assert label("inhouse_likelihood", lang) not in output and label("inhouse_impact", lang) not in output
        assert not any(dataset.exposure.loc[("brand", area), "inhouse_rationale"][:60] in everything
                       for area in dataset.exposure.loc["brand"].index)
    else:
        clinic = {dataset.profiles.loc["clinica", f"name_{lg}"] for lg in LANGS} | {"San Luca"}
        assert not any(name in output for name in clinic for output in outputs)
        listed = {i18n.name(dataset, "clauses", clause, lang) for clause in right}
        for output in outputs:  # no line lists exactly the clinic's best set
            for line in output.splitlines():
                shown = {part.strip() for part in line.split(",")}
                assert shown != listed, line
