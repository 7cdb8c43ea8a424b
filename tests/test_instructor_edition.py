"""The instructor edition (`make instructor`) comes from the same source as the student notebooks:
its solutions pass every check, and no solution reaches a student notebook."""
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
            prompts = dict(worked_answers(student_path.stem, lang)) if student_path.stem in GRADED else {}
            for mine, theirs in zip(instructor[1:], student):
                question = re.search(r'^check\("(\w+)"', theirs.source, re.M) if theirs.cell_type == "code" else None
                if question:
                    assert question.group(1) in solved and mine.source != theirs.source
                elif theirs.source in prompts:  # a worked answer in place of a prompt
                    assert _unlinked(mine.source) == _unlinked(prompts[theirs.source])
                else:  # the same text; only relative links point elsewhere (instructor/<lang>/ is deeper)
                    assert _unlinked(mine.source) == _unlinked(theirs.source)


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
