"""`make notebooks` end to end, in a temporary copy of the project: a teacher edits one Markdown source and
only that notebook changes; an edit made in an .ipynb is never silently lost; adding a notebook takes one
Markdown file per language and one manifest entry."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "**Restart at any time:**"  # a sentence of notebook 02's first cell, in the English source


@pytest.fixture
def project(tmp_path):
    """A copy of the project (sources, notebooks, docs, data: what the builder reads and links to)."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", "instructor", "test-artifacts", "__pycache__", ".hypothesis", ".pytest_cache", "*.egg-info"))
    return copy


def build(project: Path, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(project / "tools" / "build_notebooks.py"), *flags],
                          capture_output=True, text=True, cwd=project)


def snapshot(project: Path) -> dict[str, bytes]:
    """Every file the builder may write, by path."""
    files = [*project.glob("notebooks/**/*.ipynb"), *project.glob("app/*.ipynb"), *project.glob("notebooks/src/**/*.md"),
             project / "README.md", project / "docs" / "teaching.md"]
    return {str(path.relative_to(project)): path.read_bytes() for path in files}


def cells(path: Path) -> list:
    return nbformat.read(path, as_version=4).cells


def test_a_sentence_edited_in_the_source_reaches_only_its_notebook(project):
    source = project / "notebooks" / "src" / "en" / "02_legal_risks.md"
    text = source.read_text(encoding="utf-8")
    assert text.count(SENTENCE) == 1
    source.write_text(text.replace(SENTENCE, "**Start again whenever you like:**"), encoding="utf-8")
    before = snapshot(project)
    result = build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    after = snapshot(project)
    changed = sorted(path for path in after if after[path] != before[path])
    assert changed == ["notebooks/02_legal_risks.ipynb"], changed
    old = {cell.id: cell for cell in cells(ROOT / "notebooks" / "02_legal_risks.ipynb")}
    new = cells(project / "notebooks" / "02_legal_risks.ipynb")
    assert "**Start again whenever you like:**" in new[0].source and SENTENCE not in new[0].source
    # Every other cell is the same cell, with the same id; the edited one differs in that sentence only.
    assert all(cell.id in old and old[cell.id].source == cell.source for cell in new[1:])
    assert new[0].source == old[next(iter(old))].source.replace(SENTENCE, "**Start again whenever you like:**")
    assert build(project, "--check").returncode == 0


def test_inserting_a_cell_moves_no_other_cell_id(project):
    source = project / "notebooks" / "src" / "en" / "01_costs.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("## 2. In-house against outsourced", "A new sentence.\n\n+++\n\n"
                                   "## 2. In-house against outsourced", 1), encoding="utf-8")
    assert build(project).returncode == 0
    old_ids = [cell.id for cell in cells(ROOT / "notebooks" / "01_costs.ipynb")]
    new_ids = [cell.id for cell in cells(project / "notebooks" / "01_costs.ipynb")]
    assert len(new_ids) == len(old_ids) + 1 and [i for i in new_ids if i in old_ids] == old_ids


def _edit_notebook(path: Path, old: str, new: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    hits = [cell for cell in notebook.cells if old in cell.source]
    assert len(hits) == 1
    hits[0].source = hits[0].source.replace(old, new)
    nbformat.write(notebook, path)


def test_a_hand_edit_in_the_notebook_is_never_overwritten(project):
    notebook = project / "notebooks" / "02_legal_risks.ipynb"
    _edit_notebook(notebook, SENTENCE, "**Hand-edited in JupyterLab:**")
    # A later change in the source would rewrite the notebook: the builder refuses and explains.
    source = project / "notebooks" / "src" / "en" / "02_legal_risks.md"
    source.write_text(source.read_text(encoding="utf-8").replace("## Recap", "## Recap (edited)"), encoding="utf-8")
    edited = notebook.read_bytes()
    result = build(project)
    assert result.returncode == 1
    assert notebook.read_bytes() == edited  # the hand edit is still there
    assert "notebooks/02_legal_risks.ipynb was edited by hand" in result.stdout
    assert "+**Hand-edited in JupyterLab:**" in result.stdout
    assert "notebooks/src/en/02_legal_risks.md" in result.stdout and "ADOPT=1" in result.stdout
    assert build(project, "--check").returncode == 1


def test_adopt_carries_the_hand_edit_into_the_source(project):
    notebook = project / "notebooks" / "it" / "01_costs.ipynb"
    _edit_notebook(notebook, "## 2. In azienda o all'esterno", "## 2. Dentro o fuori")
    result = build(project, "--adopt")
    assert result.returncode == 0, result.stdout + result.stderr
    source = (project / "notebooks" / "src" / "it" / "01_costs.md").read_text(encoding="utf-8")
    assert "## 2. Dentro o fuori" in source and "## 2. In azienda o all'esterno" not in source
    assert "## 2. Dentro o fuori" in notebook.read_text(encoding="utf-8")
    assert build(project, "--check").returncode == 0


def test_adopt_turns_links_back_to_the_source_view(project):
    notebook = project / "notebooks" / "00_start_here.ipynb"
    _edit_notebook(notebook, "*In italiano:*", "*In lingua italiana:*")  # the cell links to notebooks/it/
    assert build(project, "--adopt").returncode == 0
    source = (project / "notebooks" / "src" / "en" / "00_start_here.md").read_text(encoding="utf-8")
    assert "*In lingua italiana:* [00_start_here](../it/00_start_here.md)" in source
    # The cell that holds the generated map is not adopted: the map comes from the manifest.
    _edit_notebook(notebook, "How every number is computed", "How each number is computed")
    result = build(project, "--adopt")
    assert result.returncode == 2 and "notebooks/manifest.yml" in result.stderr


def test_force_discards_the_hand_edit(project):
    notebook = project / "notebooks" / "03_tradeoff_explorer.ipynb"
    original = notebook.read_bytes()
    _edit_notebook(notebook, "## Recap", "## Recap by hand")
    assert build(project).returncode == 1
    assert build(project, "--force").returncode == 0
    assert notebook.read_bytes() == original


def test_adding_a_notebook_is_one_source_per_language_and_one_manifest_entry(project):
    for lang, title, time in (("en", "Taxes", "**Time:** 5 minutes"), ("it", "Tasse", "**Tempo:** 5 minuti")):
        (project / "notebooks" / "src" / lang / "07_taxes.md").write_text(
            f"# 07 · {title}\n\n{time}\n\n+++\n\n```{{code-cell}}\nLANG = \"{lang}\"\n```\n\n+++\n\n"
            f"Back to [the start](00_start_here.md).\n", encoding="utf-8")
    manifest = project / "notebooks" / "manifest.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("  - name: class_debrief", """  - name: 07_taxes
    title: {en: Taxes, it: Tasse}
    minutes: 5
    does: {en: what taxes change, it: che cosa cambiano le tasse}
    questions: []

  - name: class_debrief""", 1), encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    for folder in ("notebooks", "notebooks/it"):
        built = cells(project / folder / "07_taxes.ipynb")
        assert "](00_start_here.ipynb)" in built[-1].source  # the link points at the built notebook
        home = "\n".join(cell.source for cell in cells(project / folder / "00_start_here.ipynb"))
        assert "[07_taxes](07_taxes.ipynb)" in home  # notebook 00's map lists it
    assert "| [`07_taxes`](notebooks/07_taxes.ipynb) | what taxes change | 5 min |" in \
        (project / "README.md").read_text(encoding="utf-8")
    assert "07_taxes" in (project / "docs" / "teaching.md").read_text(encoding="utf-8")


def test_a_broken_link_or_manifest_is_a_clear_error_and_writes_nothing(project):
    source = project / "notebooks" / "src" / "en" / "01_costs.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n+++\n\nSee [the table](../../../data/nope.csv).\n",
                      encoding="utf-8")
    before = snapshot(project)
    result = build(project)
    assert result.returncode == 2
    assert "notebooks/src/en/01_costs.md cell" in result.stderr and "data/nope.csv" in result.stderr
    assert snapshot(project) == before
    manifest = project / "notebooks" / "manifest.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("    minutes: 20\n", "    minutes: 20\n    minuts: 3\n"),
                        encoding="utf-8")
    result = build(project)
    assert result.returncode == 2 and "manifest.yml: notebook 2 (01_costs): unknown field(s) minuts" in result.stderr


def test_built_notebooks_record_their_source():
    for path in [*sorted((ROOT / "notebooks").glob("**/*.ipynb")), ROOT / "app" / "explorer.ipynb"]:
        metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]["smm_toolkit"]
        assert (ROOT / metadata["source"]).is_file(), path
