"""Shared fixtures. Keep this file small: helpers used by one test file live in that file."""
import shutil
from pathlib import Path

import pytest

import toolkit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="session", autouse=True)
def chart_cache(tmp_path_factory):
    """The dashboards' chart cache (toolkit/widgets.py) in a folder of this run, not the user's ~/.cache;
    set in the environment, so that the kernels and servers the tests start use it too."""
    import os

    os.environ["TOOLKIT_CHART_CACHE"] = str(tmp_path_factory.mktemp("chart-cache"))
    return os.environ["TOOLKIT_CHART_CACHE"]


@pytest.fixture(scope="session")
def dataset():
    """The bundled data package, loaded once. Read it, never modify it."""
    return toolkit.load_dataset()


@pytest.fixture
def data_copy(tmp_path):
    """A fresh folder holding copies of data/*.csv (free to edit)."""
    folder = tmp_path / "data"
    folder.mkdir()
    for csv_file in sorted(DATA.glob("*.csv")):
        shutil.copyfile(csv_file, folder / csv_file.name)
    return folder


def run_notebook(path, workdir):
    """Execute a copy of the notebook at ``path`` inside ``workdir`` (so its exports land there).

    Returns the executed notebook and the HTML of every check feedback it showed; fails on an
    error output or on anything written to stderr.
    """
    import nbformat
    from nbclient import NotebookClient

    copy = Path(workdir) / Path(path).name
    shutil.copy(path, copy)
    notebook = nbformat.read(copy, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(workdir)}}).execute()
    checks = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{copy.name} cell {index}: {output.get('ename')}"
            if output.output_type == "stream":
                assert output.name != "stderr", f"{copy.name} cell {index} wrote to stderr: {output.text[:300]}"
            html = output.get("data", {}).get("text/html", "")
            if 'role="status"' in html:
                checks.append(html)
    return notebook, checks
