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
from test_notebooks import FOLDERS, NOTEBOOKS, ROOT, label, load_builder  # noqa: E402

builder = load_builder()
GRADED = [name for name in builder.NOTEBOOKS if builder.exercises(name)]
# Which notebook asks which questions: costs_* in 01, risks_* in 02, clauses_* in 04, case_* in 05.
PREFIX = {"01_costs": "costs", "02_legal_risks": "risks", "04_contract_clauses": "clauses", "05_case_study": "case"}


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


def test_every_question_is_asked_once_in_its_notebook():
    asked = [exercise.question for exercise in builder.exercises()]
    assert sorted(asked) == sorted(QUESTIONS)
    assert GRADED == list(PREFIX)
    for name, prefix in PREFIX.items():
        questions = [exercise.question for exercise in builder.exercises(name)]
        assert len(questions) >= 3 and all(q.startswith(prefix + "_") for q in questions), name


def test_student_cells_are_open_and_solutions_differ():
    for exercise in builder.exercises():
        assert "..." in exercise.student, exercise.question
        assert exercise.solution_lines(), f"{exercise.question}: the solution adds nothing"
        assert "..." not in exercise.solution, exercise.question


@pytest.mark.parametrize("path", NOTEBOOKS, ids=label)
def test_student_notebooks_hold_no_solution(path):
    sources = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    for exercise in builder.exercises():
        for line in exercise.solution_lines():
            assert line not in sources, f"{path.name} shows the solution of {exercise.question}: {line!r}"


def test_instructor_edition_is_the_student_edition_plus_banner_and_solutions(edition):
    for lang in FOLDERS:
        assert sorted(p.name for p in (edition / lang).glob("*.ipynb")) == sorted(
            [p.name for p in FOLDERS[lang].glob("*.ipynb")] + [f"{n}.ipynb" for n in builder.TEACHER_NOTEBOOKS])
        for student_path in sorted(FOLDERS[lang].glob("*.ipynb")):
            student = nbformat.read(student_path, as_version=4).cells
            instructor = nbformat.read(edition / lang / student_path.name, as_version=4).cells
            banner = {"en": "Instructor edition: contains solutions", "it": "Edizione per il docente"}[lang]
            assert banner in instructor[0].source
            assert len(instructor) == len(student) + 1
            solved = {exercise.question for exercise in builder.exercises(student_path.stem)}
            for mine, theirs in zip(instructor[1:], student):
                question = re.search(r'^check\("(\w+)"', theirs.source, re.M) if theirs.cell_type == "code" else None
                if question:
                    assert question.group(1) in solved and mine.source != theirs.source
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
    assert len(checks) == len(builder.exercises(name)), f"{name}: {len(checks)} checks shown"
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
