"""What the lab can reach: JupyterLab's root, every link of every notebook, a copy of the data to edit."""
import re
from pathlib import Path

import nbformat
import pytest

import toolkit

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks" / "it").glob("*.ipynb"))


def _makefile_lab() -> str:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return text[text.index("\nlab:"):text.index("\n\n", text.index("\nlab:"))]


def test_make_lab_opens_the_project_root_on_notebook_00():
    lab = _makefile_lab()
    assert "--ServerApp.root_dir=." in lab, "the root is the project: data/ and docs/ are one click away"
    start = re.search(r"^LAB_START := /lab/tree/(\S+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert start and (ROOT / start.group(1)).is_file() and start.group(1) == "notebooks/00_start_here.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_every_link_resolves_inside_the_lab(path):
    """A relative link must reach a file under the lab's root (the project folder); JupyterLab cannot open
    anything above it. Links to the web are left to the reader."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        for target in re.findall(r"\]\(([^)\s]+)\)", cell.source):
            target = target.split("#")[0]
            if not target or "://" in target or target.startswith("mailto:"):
                continue
            resolved = (path.parent / target).resolve()
            assert resolved.exists(), f"{path.name}: broken link {target}"
            assert ROOT in resolved.parents, f"{path.name}: {target} is outside the lab's root"


def test_copy_data_gives_an_editable_copy_and_never_overwrites(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = toolkit.copy_data("my_data")
    assert folder == Path("my_data") and (tmp_path / "my_data" / "costs.csv").is_file()
    costs = tmp_path / "my_data" / "costs.csv"
    edited = costs.read_text(encoding="utf-8") + ""
    costs.write_text(edited, encoding="utf-8")
    data = toolkit.load_dataset(folder)
    assert data.path == folder and len(data.services) == len(toolkit.load_dataset().services)
    (tmp_path / "my_data" / "mark.txt").write_text("mine", encoding="utf-8")
    assert toolkit.copy_data("my_data") == folder and (tmp_path / "my_data" / "mark.txt").exists()
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    with pytest.raises(toolkit.DataError, match="folder"):
        toolkit.copy_data("a_file")


def _copy_with(tmp_path, name, transform):
    folder = tmp_path / "d"
    toolkit.copy_data(folder)
    path = folder / name
    path.write_bytes(transform(path.read_bytes()))
    return folder


def test_utf16_file_names_the_fix(tmp_path):
    folder = _copy_with(tmp_path, "costs.csv", lambda raw: raw.decode("utf-8").encode("utf-16"))
    with pytest.raises(toolkit.DataError, match="CSV UTF-8") as caught:
        toolkit.load_dataset(folder)
    assert "costs.csv" in str(caught.value) and "UTF-16" in str(caught.value)


def test_a_column_renamed_in_italian_says_to_rename_it_back(tmp_path):
    folder = _copy_with(tmp_path, "profiles.csv",
                        lambda raw: raw.replace(b"gross_salary_eur", b"Retribuzione lorda", 1))
    with pytest.raises(toolkit.DataError, match="gross_salary_eur") as caught:
        toolkit.load_dataset(folder)
    assert "rename the column back" in str(caught.value) or "renamed to" in str(caught.value)


def test_absurd_magnitudes_are_a_data_error(tmp_path):
    import csv
    import io

    def huge_salary(raw):
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
        rows[1][rows[0].index("gross_salary_eur")] = "1e308"
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue().encode("utf-8")

    folder = _copy_with(tmp_path, "profiles.csv", huge_salary)
    with pytest.raises(toolkit.DataError, match="plausible") as caught:
        toolkit.load_dataset(folder)
    assert "gross_salary_eur" in str(caught.value) and "line 2" in str(caught.value)
    assert toolkit.data.PLAUSIBLE_MAX >= 100 * toolkit.load_dataset().legal_areas.max_sanction_eur.max()
