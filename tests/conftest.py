"""Shared fixtures. Keep this file small: helpers used by one test file live in that file."""
import shutil
from pathlib import Path

import pytest

import toolkit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


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
