"""The instructor edition (`make instructor`) comes from the same source as the student notebooks:
its solutions pass every check, every question of every kind (graded checks, worksheet items, "Think it
over" and recap questions) has its worked answer, and no solution reaches a student notebook."""
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import run_notebook

from toolkit import i18n
from toolkit.exercises import QUESTIONS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_notebooks import FOLDERS, MANIFEST, NOTEBOOKS, ROOT, label  # noqa: E402

import jupytext  # noqa: E402

GRADED = [entry.name for entry in MANIFEST.student() if entry.questions]
TEACHER = [entry.name for entry in MANIFEST.entries if entry.edition == "instructor"]


def exercise_pairs(name: str, lang: str = "en") -> list[tuple[str, str, str]]:
    """(question, student cell, solution cell) for each graded question of a notebook's source."""
    cells = jupytext.read(ROOT / "notebooks" / "src" / lang / f"{name}.md", fmt="md:myst").cells
    pairs = []
    for cell, after in zip(cells, cells[1:]):
        if "exercise" in cell.metadata.get("tags", []) and cell.cell_type == "code":
            assert "solution" in after.metadata.get("tags", []), f"{name}: an exercise without its solution below it"
            pairs.append((re.search(r'^check\("(\w+)"', cell.source, re.M).group(1), cell.source, after.source))
    return pairs


def worked_answers(name: str, lang: str = "en") -> list[tuple[str, str]]:
    """(student prompt, worked answer) for each text exercise (open questions, rubric) of a notebook's source."""
    cells = jupytext.read(ROOT / "notebooks" / "src" / lang / f"{name}.md", fmt="md:myst").cells
    pairs = []
    for cell, after in zip(cells, cells[1:]):
        if "exercise" in cell.metadata.get("tags", []) and cell.cell_type == "markdown":
            assert "solution" in after.metadata.get("tags", []), f"{name}: a prompt without its worked answer below it"
            pairs.append((cell.source, after.source))
    return pairs


# The cells that ask ungraded questions (a worksheet, a "Think it over" section, the recap's questions):
# right after each come a markdown cell tagged `exercise` (the student's placeholder) and one tagged
# `solution` that starts with ANSWER_HEADER and answers every numbered item (prompt `1.` -> `**1.**`,
# prompt `(1)` -> `(1)`).
QUESTION_CELL = {"en": re.compile(r"^## (Worksheet|Think it over)\b|\*\*Questions\.\*\*", re.M),
                 "it": re.compile(r"^## (Scheda di lavoro|Per riflettere)\b|\*\*Domande\.\*\*", re.M)}
RECAP_QUESTIONS = {"en": "**Questions.**", "it": "**Domande.**"}
ANSWER_HEADER = {"en": "**For the teacher: worked answers**", "it": "**Per il docente: risposte svolte**"}
# The case study (05) answers its reflection and recap questions inside its marking rubric instead,
# under these labels ("Think it over, 1"; "Recap questions. (1) ..."): accepted as well.
RUBRIC_LABEL = {"en": {"think": "Think it over", "recap": "Recap questions"},
                "it": {"think": "Per riflettere", "recap": "Domande del riepilogo"}}
LIST_ITEM = re.compile(r"^\s*(\d+)\.\s", re.M)
INLINE_ITEM = re.compile(r"(?<![\w)])\((\d+)\)")  # "(2)", not "art. 28(3)"


def _source_cells(path: Path):
    return jupytext.read(path, fmt="md:myst").cells


def _tags(cell) -> list:
    return cell.metadata.get("tags", [])


def question_prompts(cells, lang: str) -> list[tuple[int, str, list[str]]]:
    """(cell index, kind, answer labels) for each cell that asks ungraded questions: the labels an
    answer must carry, "**1.**" for a prompt's list item 1., "(1)" for an inline (1)."""
    found = []
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown" or _tags(cell) or not QUESTION_CELL[lang].search(cell.source):
            continue
        recap = RECAP_QUESTIONS[lang] in cell.source
        prompt = cell.source.split(RECAP_QUESTIONS[lang], 1)[1] if recap else cell.source
        labels = [f"**{n}.**" for n in LIST_ITEM.findall(prompt)] + [f"({n})" for n in INLINE_ITEM.findall(prompt)]
        found.append((index, "recap" if recap else "think", labels))
    return found


def _answered(label: str, text: str) -> bool:
    if label.startswith("**"):  # a paragraph that starts with the number
        return re.search(rf"^{re.escape(label)}", text, re.M) is not None
    return re.search(rf"(?<![\w)]){re.escape(label)}", text) is not None


def _in_rubric(cells, lang: str, kind: str, labels: list[str]) -> list[str]:
    """The labels a solution cell elsewhere answers under the rubric's label for this kind (05's way)."""
    name = RUBRIC_LABEL[lang][kind]
    answered = []
    for cell in cells:
        if "solution" in _tags(cell) and cell.cell_type == "markdown" and name in cell.source:
            part = cell.source.split(name, 1)[1]
            answered += [label for label in labels
                         if _answered(label, part) or f"{name}, {label.strip('*().')}" in cell.source]
    return answered


def unanswered_questions(path: Path, lang: str) -> list[str]:
    """What is missing in a notebook source for the convention above, in words (empty: complete)."""
    cells, problems = _source_cells(path), []
    for index, kind, labels in question_prompts(cells, lang):
        heading = cells[index].source.strip().splitlines()[0][:60]
        pair = cells[index + 1:index + 3]
        if (len(pair) == 2 and all(c.cell_type == "markdown" for c in pair)
                and "exercise" in _tags(pair[0]) and "solution" in _tags(pair[1])):
            solution = pair[1].source
            if not solution.lstrip().startswith(ANSWER_HEADER[lang]):
                problems.append(f"{path.name}: the worked answers after {heading!r} do not start with "
                                f"{ANSWER_HEADER[lang]}")
            missing = [label for label in labels if not _answered(label, solution)]
        else:
            answered = _in_rubric(cells, lang, kind, labels)
            missing = [label for label in labels if label not in answered]
            if not labels or missing == labels:
                problems.append(f"{path.name}: {heading!r} is not followed by an exercise cell (the student's "
                                f"placeholder) and a solution cell (the worked answers)")
                continue
        if missing:
            problems.append(f"{path.name}: the worked answers after {heading!r} do not answer {', '.join(missing)}")
    return problems


STUDENT = [entry.name for entry in MANIFEST.student()]


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("name", STUDENT)
def test_every_question_cell_has_worked_answers_for_each_item(name, lang):
    path = ROOT / "notebooks" / "src" / lang / f"{name}.md"
    asked = question_prompts(_source_cells(path), lang)
    assert any(kind == "recap" for _i, kind, _labels in asked), f"{path.name}: no recap questions found"
    assert all(labels for _i, _kind, labels in asked), f"{path.name}: a question cell without numbered items"
    problems = unanswered_questions(path, lang)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("name", STUDENT)
def test_worked_answers_reach_the_instructor_edition_only(edition, name, lang):
    pairs = worked_answers(name, lang)
    assert pairs, f"{name} ({lang}): no worked answers (a markdown cell tagged solution) in its source"
    student = [cell.source for cell in nbformat.read(FOLDERS[lang] / f"{name}.ipynb", as_version=4).cells]
    instructor = [_unlinked(cell.source) for cell in nbformat.read(edition / lang / f"{name}.ipynb",
                                                                   as_version=4).cells]
    shown = "\n".join(student)
    for placeholder, solution in pairs:
        assert placeholder in student, f"{name} ({lang}): the placeholder {placeholder!r} is not in the notebook"
        for line in solution_lines(placeholder, solution):
            assert line not in shown, f"{name} ({lang}) shows a worked answer: {line!r}"
        assert _unlinked(solution) in instructor, f"{name} ({lang}): the instructor edition lacks {solution[:60]!r}"


def test_the_checker_finds_what_is_missing(tmp_path):
    source = ROOT / "notebooks" / "src" / "en" / "03_tradeoff_explorer.md"
    text = source.read_text(encoding="utf-8")
    assert unanswered_questions(source, "en") == []

    def problems(edited: str) -> str:
        copy = tmp_path / source.name
        copy.write_text(edited, encoding="utf-8")
        return "\n".join(unanswered_questions(copy, "en"))

    sixth = re.search(r"^\*\*6\.\*\*.*?(?=\n\n|\n\+\+\+)", text, re.M | re.S).group(0)
    assert "do not answer **6.**" in problems(text.replace(sixth, ""))
    recap_second = re.search(r"^\(2\) Open question.*?(?=\n\n)", text, re.M | re.S).group(0)
    assert "do not answer (2)" in problems(text.replace(recap_second, ""))
    assert "do not start with" in problems(text.replace(ANSWER_HEADER["en"], "**Answers**"))
    unpaired = text.replace('+++ {"tags": ["exercise"]}\n\n*Your answers here.*\n\n', "")
    assert "is not followed by an exercise cell" in problems(unpaired)
    # a new numbered item in a prompt needs its answer
    assert "do not answer **7.**" in problems(text.replace("\n\nWrite your answers in the cell below",
                                                           "\n7. One more question.\n\nWrite your answers in "
                                                           "the cell below", 1))


def test_the_checker_accepts_the_case_study_rubric_and_catches_a_gap_there(tmp_path):
    source = ROOT / "notebooks" / "src" / "it" / "05_case_study.md"
    assert unanswered_questions(source, "it") == []
    copy = tmp_path / source.name
    copy.write_text(source.read_text(encoding="utf-8").replace("**Per riflettere, 2", "**Riflessione 2"),
                    encoding="utf-8")
    assert "do not answer **2.**" in "\n".join(unanswered_questions(copy, "it"))


@pytest.mark.parametrize("lang", ["en", "it"])
def test_case_study_has_a_rubric_and_worked_answers_for_every_open_question(lang):
    (prompt, answer), = worked_answers("05_case_study", lang)
    words = {"en": ("rubric", "Think it over, 1", "Think it over, 2", "Recap questions"),
             "it": ("griglia di valutazione", "Per riflettere, 1", "Per riflettere, 2", "Domande del riepilogo")}[lang]
    for word in words:
        assert word in answer
    for number in ("(1)", "(2)", "(3)", "(4)"):  # each recap question answered
        assert number in answer.split(words[3], 1)[1]
    student = "\n".join(cell.source for cell in nbformat.read(FOLDERS[lang] / "05_case_study.ipynb", as_version=4).cells)
    assert prompt.strip() in student
    for line in solution_lines(prompt, answer):
        assert line not in student, line


def solution_lines(student: str, solution: str) -> list[str]:
    """The solution's lines that the student cell does not have: none may reach a student."""
    given = {line.strip() for line in student.splitlines()}
    return [line.strip() for line in solution.splitlines() if line.strip() and line.strip() not in given]


ALL_PAIRS = [pair for entry in MANIFEST.student() for pair in exercise_pairs(entry.name)]


def _unlinked(text: str) -> str:
    return re.sub(r"\]\([^)]*\)", "]()", text)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """The instructor edition, written by the command `make instructor` runs, into a temporary folder."""
    folder = tmp_path_factory.mktemp("instructor")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_notebooks.py"), "--instructor", str(folder)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


def test_every_question_has_an_exercise_and_a_solution_in_its_source():
    asked = [question for question, _student, _solution in ALL_PAIRS]
    assert sorted(asked) == sorted(QUESTIONS)
    for entry in MANIFEST.student():
        assert [question for question, _s, _t in exercise_pairs(entry.name)] == list(entry.questions), entry.name


def test_student_cells_are_open_and_solutions_differ():
    for question, student, solution in ALL_PAIRS:
        assert "..." in student, question
        assert solution_lines(student, solution), f"{question}: the solution adds nothing"
        assert "..." not in solution, question


@pytest.mark.parametrize("path", NOTEBOOKS, ids=label)
def test_student_notebooks_hold_no_solution(path):
    sources = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    for question, student, solution in ALL_PAIRS:
        for line in solution_lines(student, solution):
            assert line not in sources, f"{path.name} shows the solution of {question}: {line!r}"


def test_instructor_edition_is_the_student_edition_plus_banner_and_solutions(edition):
    for lang in FOLDERS:
        assert sorted(p.name for p in (edition / lang).glob("*.ipynb")) == sorted(
            [p.name for p in FOLDERS[lang].glob("*.ipynb")] + [f"{n}.ipynb" for n in TEACHER])
        for student_path in sorted(FOLDERS[lang].glob("*.ipynb")):
            student = nbformat.read(student_path, as_version=4).cells
            instructor = nbformat.read(edition / lang / student_path.name, as_version=4).cells
            banner = {"en": "Instructor edition: contains solutions", "it": "Edizione per il docente"}[lang]
            assert banner in instructor[0].source
            assert len(instructor) == len(student) + 1
            solved = set(MANIFEST.entry(student_path.stem).questions)
            prompts = worked_answers(student_path.stem, lang)  # in order: two prompts may read the same
            for mine, theirs in zip(instructor[1:], student):
                question = re.search(r'^check\("(\w+)"', theirs.source, re.M) if theirs.cell_type == "code" else None
                if question:
                    assert question.group(1) in solved and mine.source != theirs.source
                elif prompts and theirs.cell_type == "markdown" and theirs.source == prompts[0][0]:
                    assert _unlinked(mine.source) == _unlinked(prompts.pop(0)[1])  # a worked answer for a prompt
                else:  # the same text; only relative links point elsewhere (instructor/<lang>/ is deeper)
                    assert _unlinked(mine.source) == _unlinked(theirs.source)
            assert not prompts, f"{student_path.name}: prompts missing from the student notebook: {prompts}"


def test_make_instructor_writes_the_edition_and_git_ignores_it():
    assert re.search(r"^instructor/$", (ROOT / ".gitignore").read_text(encoding="utf-8"), re.M)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^instructor:.*\n\t.*tools/build_notebooks\.py --instructor", makefile, re.M)
    assert "make instructor" in makefile  # the help line


@pytest.mark.notebooks
@pytest.mark.parametrize("lang", list(FOLDERS))
@pytest.mark.parametrize("name", GRADED)
def test_solutions_pass_every_check(edition, name, lang, tmp_path):
    _notebook, checks = run_notebook(edition / lang / f"{name}.ipynb", tmp_path)
    assert len(checks) == len(MANIFEST.entry(name).questions), f"{name}: {len(checks)} checks shown"
    right = i18n.t("answer_right", lang)
    for html in checks:
        assert "✔" in html and right in html, f"{name} ({lang}): {html}"


@pytest.mark.notebooks
@pytest.mark.parametrize("lang", list(FOLDERS))
def test_teacher_debrief_notebook_runs(edition, lang, tmp_path):
    """The teacher-only notebook is in the instructor edition, not in notebooks/, and runs clean."""
    assert not (FOLDERS[lang] / "class_debrief.ipynb").exists()
    notebook, _checks = run_notebook(edition / lang / "class_debrief.ipynb", tmp_path)
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    shown = "\n".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "direct_marketing" in shown  # the share table lists every service
