"""Notebook 05 for every case of the library: the instructor edition's solutions pass every check of the
case chosen in CASE, the attempts are recorded beside the notebook, and the hand-in carries them."""
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import run_notebook  # noqa: E402

from toolkit.exercises import CASES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    folder = tmp_path_factory.mktemp("instructor")
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_notebooks.py"), "--instructor", str(folder)],
                   check=True, capture_output=True)
    return folder


@pytest.mark.notebooks
@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("case", CASES)
def test_case_study_solutions_pass_for_every_case(edition, case, lang, tmp_path):
    source = edition / lang / "05_case_study.ipynb"
    notebook = nbformat.read(source, as_version=4)
    setup = notebook.cells[[i for i, c in enumerate(notebook.cells) if 'CASE = "bellini"' in c.source][0]]
    setup.source = setup.source.replace('CASE = "bellini"', f'CASE = "{case}"').replace('NAME = ""', 'NAME = "Ada"')
    for cell in notebook.cells:
        if cell.source.startswith("MY_SERVICES = set()"):
            cell.source = cell.source.replace("MY_SERVICES = set()", 'MY_SERVICES = {"blog"}')
    path = tmp_path / "05_case_study.ipynb"
    nbformat.write(notebook, path)
    work = tmp_path / "run"
    work.mkdir()
    _executed, checks = run_notebook(path, work)
    assert len(checks) == 3 and all("✔" in html for html in checks), checks
    handin = json.loads((work / "exports" / "case_study" / "handin.json").read_text(encoding="utf-8"))
    assert handin["case"] == case and handin["name"] == "Ada" and handin["decision"]["services"] == ["blog"]
    assert {q: a["first_try_correct"] for q, a in handin["answers"].items()} == {
        "case_q1": True, "case_q2": True, "case_q3": True}
    assert all(attempt["case"] == case for attempt in handin["attempts"])
