"""Every teaching notebook runs top to bottom in a fresh kernel, and is committed clean."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = ["00_start_here", "01_costs", "02_legal_risks", "03_tradeoff_explorer", "04_contract_clauses",
            "05_case_study", "06_uncertainty"]


def test_all_teaching_notebooks_are_there():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name}: clear the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_shape(path):
    """Short, with a title, objectives, time and restart advice up front, a recap at the end."""
    notebook = nbformat.read(path, as_version=4)
    assert len(notebook.cells) <= 25
    first, last = notebook.cells[0].source, notebook.cells[-1].source
    assert first.startswith("# ")
    assert "**You will:**" in first and "**Time:**" in first and "Restart" in first
    assert "## Recap" in last and "**Questions.**" in last


def test_notebooks_match_their_source():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_notebooks.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_clean(path, tmp_path):
    # Run a copy in a temporary folder so that exports do not land in the repository.
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    notebook = nbformat.read(copy, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{path.name} cell {index}: {output.get('ename')}"
            if output.output_type == "stream":
                assert output.name != "stderr", f"{path.name} cell {index} wrote to stderr: {output.text[:300]}"
    if path.stem == "05_case_study":
        exported = {p.name for p in (tmp_path / "exports" / "case_study").iterdir()}
        assert {"evaluation.csv", "breakdown.csv", "scenario.json", "checklist.md", "savings_vs_risk.png"} <= exported
    if path.stem == "04_contract_clauses":
        assert "# Contract checklist" in (tmp_path / "exports" / "checklist.md").read_text(encoding="utf-8")
