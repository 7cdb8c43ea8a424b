"""`make teacher-kit` builds the printable worksheets, the answer keys and the opening slides from a clean clone."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["00_start_here", "01_costs", "02_legal_risks", "03_tradeoff_explorer", "04_contract_clauses",
             "05_case_study", "06_uncertainty"]


@pytest.mark.notebooks
@pytest.mark.skipif(shutil.which("git") is None or shutil.which("make") is None, reason="needs git and make")
def test_make_teacher_kit_from_a_clean_clone(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    # The project's .venv, already set up. sys.prefix, not the resolved interpreter: .venv/bin/python is a
    # link to the base Python, and `make VENV=<base Python's prefix>` would pip-install this temporary
    # clone into the system's Python (it did: an editable install pointing at a deleted folder).
    venv = Path(sys.prefix)
    assert sys.prefix != sys.base_prefix, "run the tests from the project's virtual environment (make test)"
    # -o: the clone's Makefile must not reinstall the package into this shared .venv (its fresh pyproject.toml
    # is newer than .installed: `pip install -e` would point the .venv at this temporary clone, and every
    # later kernel would fail to import toolkit once the clone is deleted). PYTHONPATH: the clone's own toolkit.
    result = subprocess.run(["make", "-o", f"{venv}/.installed", "teacher-kit", f"VENV={venv}"], cwd=clone,
                            capture_output=True, text=True, timeout=900,
                            env=dict(os.environ, PYTHONPATH=str(clone)))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    kit = clone / "build" / "teacher-kit"
    for lang, rubric, open_cell in (("en", "marking rubric", "answer = ..."), ("it", "griglia di valutazione",
                                                                               "answer = ...")):
        for name in NOTEBOOKS:
            worksheet = (kit / lang / "worksheet" / f"{name}.html").read_text(encoding="utf-8")
            key = (kit / lang / "answer_key" / f"{name}.html").read_text(encoding="utf-8")
            assert "<html" in worksheet and "<html" in key
        case_worksheet = (kit / lang / "worksheet" / "05_case_study.html").read_text(encoding="utf-8")
        case_key = (kit / lang / "answer_key" / "05_case_study.html").read_text(encoding="utf-8")
        assert rubric in case_key and rubric not in case_worksheet
        assert open_cell in case_worksheet.replace("<span class=\"o\">=</span>", "=") or "..." in case_worksheet
        slides = (kit / lang / "opening_slides.slides.html").read_text(encoding="utf-8")
        assert "reveal" in slides.lower() and slides.count("<section") >= 5


def test_italian_guide_matches_the_manifest_and_its_links_resolve():
    import re

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_notebooks import MANIFEST

    guide = ROOT / "docs" / "it" / "teaching.md"
    text = guide.read_text(encoding="utf-8")
    total = 0
    for entry in MANIFEST.student():
        row = f"| [`{entry.name}`](../../notebooks/it/{entry.name}.ipynb) | {entry.does['it']} | {entry.minutes} min |"
        assert row in text, row
        total += entry.minutes
    assert f"| | tutti, ogni attività | {total} min |" in text
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if not target.startswith("http"):
            assert (guide.parent / target).exists(), target
    english = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)\)", english):
        if not target.startswith("http"):
            assert (ROOT / "docs" / target).exists(), target
