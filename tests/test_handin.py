"""The hand-in of notebook 05 and the gradebook over a class's hand-ins (toolkit/handin.py)."""
import copy
import json

import pandas as pd
import pytest

from toolkit import cli, i18n
from toolkit.exercises import CASES, case_scenario, record_attempt, reference_answer
from toolkit.handin import HANDIN_FILE, case_brief, compare, export_handin, gradebook, suggestion, write_gradebook


@pytest.fixture(scope="module")
def template(dataset, tmp_path_factory):
    """One real hand-in, written by export_handin as notebook 05 does."""
    folder = tmp_path_factory.mktemp("real")
    attempts = folder / "toolkit_attempts.json"
    record_attempt("costs_q1", 17.44, False, path=attempts)
    record_attempt("costs_q1", 24.42, True, path=attempts)
    record_attempt("case_q1", ["blog"], False, case="bellini", path=attempts)
    record_attempt("case_q1", ["blog"], False, case="clinica", path=attempts)  # another case: not this hand-in's
    files = export_handin(dataset, "bellini", folder / "out", name="Ada Rossi", services={"blog", "seo"},
                          clauses=("exit_transition",), justification="Blog and SEO only: the owner dislikes risk.",
                          reflections="1. A review written by the agency must say so.", lang="it",
                          attempts_file=attempts)
    return folder / "out", files


def test_handin_carries_the_students_own_decision_and_the_suggestion(template, dataset):
    folder, files = template
    names = {path.name for path in files}
    assert {HANDIN_FILE, "evaluation.csv", "scenario.json", "checklist.md", "savings_vs_risk.png"} <= names
    content = json.loads((folder / HANDIN_FILE).read_text(encoding="utf-8"))
    assert content["name"] == "Ada Rossi" and content["case"] == "bellini" and content["lang"] == "it"
    assert content["decision"]["services"] == ["blog", "seo"]
    assert content["decision"]["clauses"] == ["exit_transition"]
    assert "owner dislikes risk" in content["decision"]["justification"]
    assert content["decision"]["reflections"].startswith("1.")
    assert content["suggestion"] == suggestion(dataset, case_scenario("bellini"))
    assert content["suggestion"]["services"] != content["decision"]["services"]
    # the attempts of this case only (and of the other notebooks), with a summary per question
    assert [a["question"] for a in content["attempts"]] == ["costs_q1", "costs_q1", "case_q1"]
    assert content["answers"]["costs_q1"] == {"first_try_correct": False, "attempts": 2, "answer": 24.42,
                                              "final_correct": True}
    # the decision files are the student's: the scenario saved holds the student's clause
    assert json.loads((folder / "scenario.json").read_text())["clauses"] == ["exit_transition"]


def test_handin_rejects_an_unknown_case_or_service(dataset, tmp_path):
    with pytest.raises(ValueError, match="case"):
        export_handin(dataset, "pizzeria", tmp_path, name="X")
    with pytest.raises(ValueError, match="services"):
        export_handin(dataset, "moda", tmp_path, name="X", services={"billboards"})


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_brief_and_comparison_in_each_language(lang, dataset):
    for case in CASES:
        brief = case_brief(case, lang)
        assert brief.startswith("# ") and "---" not in brief
    assert "Bergamo" in case_brief("bellini", lang)
    table = compare(dataset, case_scenario("clinica"), {"blog"}, (), lang)
    assert list(table.columns) == [i18n.t(k, lang) for k in ("handin_yours", "handin_net_yours", "handin_suggested",
                                                              "handin_net_suggested")]
    assert (table[i18n.t("handin_yours", lang)] == i18n.t("yes", lang)).sum() == 1


@pytest.mark.parametrize("lang, thousands", [("en", ","), ("it", ".")])
def test_comparison_writes_euros_as_the_other_euro_columns(lang, thousands, dataset):
    """Both net-benefit columns read 3,088 (en) or 3.088 (it), never a bare 3088."""
    from toolkit import present
    from toolkit.model import evaluate

    scenario = case_scenario("bellini")
    best = suggestion(dataset, scenario)
    table = compare(dataset, scenario, best["services"], best["clauses"], lang)
    mine = evaluate(dataset, scenario.replace(clauses=tuple(best["clauses"])))
    assert any(abs(mine.loc[s, "net_benefit"]) >= 1000 for s in best["services"])
    for key in ("handin_net_yours", "handin_net_suggested"):
        column = table[i18n.t(key, lang)]
        assert all(isinstance(value, str) for value in column)
        for service in best["services"]:
            value = float(mine.loc[service, "net_benefit"])
            shown = column[i18n.name(dataset, "services", service, lang)]
            assert shown == present.cell(value, "net_benefit", lang)
            if abs(value) >= 1000:
                assert thousands in shown


# --- a fake class: 12 students over the 4 cases, broken files, one student handing in twice --------------

def _student(template_content, number, case, dataset):
    content = copy.deepcopy(template_content)
    best = suggestion(dataset, case_scenario(case))
    content.update(name=f"Student {number:02d}", case=case, scenario=case_scenario(case).to_dict(),
                   suggestion=best, saved=f"2026-12-01T10:{number:02d}:00+0000")
    # even students follow the suggestion; odd ones outsource the blog only, with no optional clause
    content["decision"] = {**content["decision"], **(
        {"services": best["services"], "clauses": best["clauses"]} if number % 2 == 0
        else {"services": ["blog"], "clauses": []})}
    # student n: costs_q1 right at the first try if n % 3 == 0, else wrong then right;
    # case_q2 tried n % 4 times, never right; the others never tried
    attempts = [{"question": "costs_q1", "answer": 24.42, "correct": True}] if number % 3 == 0 else [
        {"question": "costs_q1", "answer": 17.44, "correct": False},
        {"question": "costs_q1", "answer": 24.42, "correct": True}]
    attempts += [{"question": "case_q2", "answer": 1.0, "correct": False, "case": case}] * (number % 4)
    content["attempts"], content["answers"] = attempts, {}
    return content


@pytest.fixture(scope="module")
def fake_class(template, dataset, tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    real = json.loads((template[0] / HANDIN_FILE).read_text(encoding="utf-8"))
    for number in range(1, 13):
        student = folder / f"s{number:02d}"
        student.mkdir()
        content = _student(real, number, CASES[number % 4], dataset)
        (student / HANDIN_FILE).write_text(json.dumps(content), encoding="utf-8")
    # student 05 hands in again, later, changing the decision
    again = _student(real, 5, CASES[1], dataset)
    again.update(saved="2026-12-01T11:30:00+0000")
    again["decision"] = {**again["decision"], "services": ["blog", "seo"]}
    (folder / "s05_again").mkdir()
    (folder / "s05_again" / HANDIN_FILE).write_text(json.dumps(again), encoding="utf-8")
    # broken files: truncated, a foreign JSON, a hand-in with no name, not UTF-8
    (folder / "broken").mkdir()
    (folder / "broken" / HANDIN_FILE).write_text(json.dumps(real)[:200], encoding="utf-8")
    (folder / "notes.json").write_text('{"hello": "world"}', encoding="utf-8")
    nameless = dict(real, name="  ")
    (folder / "nameless.json").write_text(json.dumps(nameless), encoding="utf-8")
    (folder / "latin1.json").write_bytes('{"name": "Niccolò"}'.encode("latin-1"))
    return folder


def test_gradebook_one_row_per_student_with_the_right_counts(fake_class):
    book = gradebook(fake_class)
    assert len(book.rows) == 12 and book.rows.index.is_unique
    assert {file for file, _ in book.skipped} == {"broken/handin.json", "notes.json", "nameless.json", "latin1.json"}
    assert [(name, used) for name, _files, used in book.duplicates] == [("Student 05", "s05_again/handin.json")]
    assert book.rows.loc["Student 05", "services"] == "blog, seo"
    for number in range(1, 13):
        row = book.rows.loc[f"Student {number:02d}"]
        assert row["case"] == CASES[number % 4]
        assert row["costs_q1_first_try"] == (number % 3 == 0)
        assert row["costs_q1_attempts"] == (1 if number % 3 == 0 else 2)
        assert row["costs_q1_final"]
        assert row["case_q2_attempts"] == number % 4 and not row["case_q2_final"]
        assert row["risks_q1_attempts"] == 0 and not row["risks_q1_first_try"]
        assert row["score"] == 1
        assert row["matches_suggestion"] == (number % 2 == 0 and number != 5)
    per_case = book.within_case()
    assert per_case["students"].to_dict() == {case: 3 for case in CASES}


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_gradebook_files_reread(fake_class, tmp_path, lang):
    files = write_gradebook(gradebook(fake_class), tmp_path, lang=lang)
    assert [path.name for path in files] == ["gradebook.csv", "gradebook.xlsx", "class_summary.html"]
    sheets = pd.read_excel(tmp_path / "gradebook.xlsx", sheet_name=None)
    table = sheets[i18n.t("gb_sheet_gradebook", lang)]
    assert len(table) == 12 and table[i18n.t("gb_name", lang)].is_unique
    assert f"costs_q1: {i18n.t('gb_attempts', lang)}" in table.columns
    assert len(sheets[i18n.t("gb_sheet_skipped", lang)]) == 4
    assert len(pd.read_csv(tmp_path / "gradebook.csv")) == 12
    page = (tmp_path / "class_summary.html").read_text(encoding="utf-8")
    assert i18n.t("gb_title", lang) in page and "data:image/png;base64," in page and f'lang="{lang}"' in page


def test_debrief_command_writes_the_gradebook_in_italian(fake_class, tmp_path, capsys):
    assert cli.main(["debrief", str(fake_class), "--lang", "it", "--out", str(tmp_path / "gb")]) == 0
    output = capsys.readouterr().out
    assert "gradebook: 12 students" in output
    table = pd.read_csv(tmp_path / "gb" / "gradebook.csv")
    assert "Studente" in table.columns and "Caso" in table.columns


def test_debrief_compares_students_within_their_case(fake_class, dataset):
    from toolkit.debrief import debrief

    result = debrief(fake_class, dataset)
    students = result.students
    assert len(students) == 12  # one row per student: the hand-ins, not the scenario files beside them
    assert students.loc["Student 05", "services_outsourced"] == "blog, seo"  # the later hand-in
    assert students.loc["Student 04", "case"] == CASES[0]
    # a student's decision is the services the student chose, not the model's
    assert students.loc["Student 01", "services_outsourced"] == "blog"
    # with 3 students a case, no case has enough students to call anyone an outlier on net benefit
    assert not any("far" in reason for reason in result.outliers.get("reason", []))


def test_reference_answers_differ_between_cases(dataset):
    assert len({frozenset(reference_answer("case_q1", dataset, case=c)) for c in CASES}) >= 3
