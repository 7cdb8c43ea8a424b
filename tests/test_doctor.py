"""`python -m toolkit doctor` / `toolkit.check_setup()`: a healthy install passes, each kind of breakage is
reported with a PROBLEM line, a FIX line and exit status 1."""
import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import toolkit.doctor
from toolkit.doctor import (WIDGET_MANAGER, check_notebooks, check_packages, check_python, check_setup,
                            check_widgets, main)

ROOT = Path(__file__).resolve().parent.parent


def _problems(text: str) -> list[tuple[str, str]]:
    """(PROBLEM line, the FIX line right after it) pairs of a printed report."""
    lines = text.splitlines()
    pairs = []
    for index, line in enumerate(lines):
        if line.startswith("PROBLEM: "):
            assert index + 1 < len(lines) and lines[index + 1].startswith("FIX: "), f"no FIX after {line!r}"
            assert len(lines[index + 1]) > len("FIX: ") + 10, "the FIX says something"
            pairs.append((line, lines[index + 1]))
    return pairs


@pytest.fixture
def project(tmp_path, data_copy):
    """A project folder like the checkout: data/ (a copy, free to break) and notebooks/ (copies)."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.move(str(data_copy), root / "data")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return root


def test_healthy_install_reports_ok_and_returns_true():
    out = io.StringIO()
    report = check_setup(stream=out)
    text = out.getvalue()
    assert report, text
    assert report.ok and report.exit_code == 0 and not report.problems
    assert "PROBLEM" not in text and "FIX" not in text
    assert {f.check for f in report.findings} == {"python", "packages", "widgets", "data", "notebooks"}
    assert text.rstrip().endswith("All checks passed: ready for the lab.")
    assert "<toolkit doctor report: all checks passed>" == repr(report)


def test_main_exits_0_when_healthy(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "ok       widgets: ipywidgets 8." in out
    assert "ok       data:" in out
    assert re.search(r"ok       notebooks: \d+ notebooks in .* \(00_start_here \.\. \d\d_\w+\)", out)


def test_copied_project_is_healthy(project):
    assert check_setup(root=project, stream=False)


def test_broken_csv_is_reported_with_file_line_and_a_fix(project, capsys):
    costs = project / "data" / "costs.csv"
    with open(costs, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("inhouse_hours_month")] = "lots"  # a number belongs there; file line 2
    with open(costs, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)

    assert main(["--root", str(project)]) == 1
    out = capsys.readouterr().out
    [(problem, fix)] = _problems(out)
    assert problem.startswith("PROBLEM: data: ")
    assert "costs.csv" in problem and "line 2" in problem and "'lots'" in problem
    assert "costs.csv at line 2" in fix and "toolkit validate --data" in fix
    assert "1 problem found" in out


def test_missing_data_folder(project):
    shutil.rmtree(project / "data")
    out = io.StringIO()
    report = check_setup(root=project, stream=out)
    assert not report and report.exit_code == 1
    [(problem, fix)] = _problems(out.getvalue())
    assert "no such folder" in problem
    assert "pip install" in fix


def test_missing_notebook_folder(project):
    shutil.rmtree(project / "notebooks")
    out = io.StringIO()
    report = check_setup(root=project, stream=out)
    assert [f.check for f in report.problems] == ["notebooks"]
    [(problem, fix)] = _problems(out.getvalue())
    assert "notebooks" in problem and "is missing" in problem
    assert "git checkout -- notebooks/" in fix and "tools/build_notebooks.py" in fix


def test_one_missing_and_one_corrupt_notebook(project):
    (project / "notebooks" / "03_tradeoff_explorer.ipynb").unlink()
    (project / "notebooks" / "05_case_study.ipynb").write_text("<<<<<<< HEAD\n{", encoding="utf-8")
    findings = check_notebooks(project)
    problems = [f for f in findings if not f.ok]
    assert len(problems) == 2, findings
    assert "notebooks/03_tradeoff_explorer.ipynb is missing" in problems[0].message
    assert "05_case_study.ipynb is not a readable notebook" in problems[1].message
    assert "git checkout -- notebooks/05_case_study.ipynb" in problems[1].fix


def test_the_last_notebook_of_the_manifest_is_checked_in_both_languages(project):
    """The list comes from notebooks/manifest.yml: 06 (once missed by a hard-coded range) counts too."""
    (project / "notebooks" / "06_uncertainty.ipynb").unlink()
    (project / "notebooks" / "it" / "06_uncertainty.ipynb").unlink()
    problems = [f for f in check_notebooks(project) if not f.ok]
    assert [p.message for p in problems] == ["the notebook notebooks/06_uncertainty.ipynb is missing",
                                             "the notebook notebooks/it/06_uncertainty.ipynb is missing"]
    assert all("git checkout -- notebooks/" in p.fix for p in problems)


def test_only_student_notebooks_are_required(project):
    """The manifest's instructor-only notebook (class_debrief) and app are not looked for in notebooks/."""
    manifest = (project / "notebooks" / "manifest.yml").read_text(encoding="utf-8")
    assert "name: class_debrief" in manifest and "name: explorer_app" in manifest
    assert not list((project / "notebooks").rglob("class_debrief.ipynb"))
    [finding] = check_notebooks(project)
    student_files = list((project / "notebooks").glob("*.ipynb")) + list((project / "notebooks" / "it").glob("*.ipynb"))
    assert finding.ok and f"{len(student_files)} notebooks in" in finding.message, finding.message


def test_a_damaged_manifest_is_reported(project):
    (project / "notebooks" / "manifest.yml").write_text("notebooks: [\n", encoding="utf-8")
    [finding] = check_notebooks(project)
    assert not finding.ok and "manifest.yml cannot be read" in finding.message
    assert "git checkout -- notebooks/manifest.yml" in finding.fix


def _fake_manager(folder: Path, version: str) -> Path:
    package = folder / "labextensions" / WIDGET_MANAGER / "package.json"
    package.parent.mkdir(parents=True)
    package.write_text(json.dumps({"name": WIDGET_MANAGER, "version": version}), encoding="utf-8")
    return package


def test_widget_extension_of_the_wrong_major_version_in_jupyter_path(tmp_path, monkeypatch, capsys):
    """A stale ipywidgets-7 front-end first in the Jupyter path: 'Error displaying widget'."""
    _fake_manager(tmp_path, "3.1.4")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert main([]) == 1
    out = capsys.readouterr().out
    [(problem, fix)] = _problems(out)
    assert problem.startswith("PROBLEM: widgets: ")
    assert "needs @jupyter-widgets/jupyterlab-manager 5.x" in problem and "loads 3.1.4" in problem
    assert str(tmp_path / "labextensions" / "@jupyter-widgets" / "jupyterlab-manager") in problem
    assert "Error displaying widget" in problem
    assert re.search(r"-m pip install --force-reinstall --no-deps \"ipywidgets==8[^\"]*\" "
                     r"\"jupyterlab_widgets==3\.\*\"", fix)
    assert "restart" in fix or "start it again" in fix


def test_widget_extension_matching_version_first_in_path_is_fine(tmp_path, monkeypatch):
    _fake_manager(tmp_path, "5.0.99")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    [finding] = check_widgets()
    assert finding.ok and "5.0.99" in finding.message


def test_widget_extension_missing(tmp_path):
    [finding] = check_widgets(paths=[tmp_path / "nothing-here"], ipywidgets_version="8.1.5")
    assert not finding.ok
    assert "was not found" in finding.message
    assert "jupyterlab_widgets==3.*" in finding.fix


def test_ipywidgets_7_kernel_needs_manager_3(tmp_path):
    _fake_manager(tmp_path, "5.0.1")
    [finding] = check_widgets(paths=[tmp_path / "labextensions"], ipywidgets_version="7.8.1")
    assert not finding.ok and "needs @jupyter-widgets/jupyterlab-manager 3.x" in finding.message
    assert "jupyterlab_widgets==1.*" in finding.fix


def test_unreadable_package_json(tmp_path):
    package = _fake_manager(tmp_path, "5.0.0")
    package.write_text("{not json", encoding="utf-8")
    [finding] = check_widgets(paths=[tmp_path / "labextensions"], ipywidgets_version="8.1.5")
    assert not finding.ok and "cannot be read" in finding.message


def test_too_high_required_version_and_a_missing_package(monkeypatch, capsys):
    monkeypatch.setattr(toolkit.doctor, "_runtime_requirements",
                        lambda: ["pandas>=999", "no-such-package-for-the-doctor>=1.0", "numpy>=1.0",
                                 'pytest>=1; extra == "test"'])
    assert main([]) == 1
    out = capsys.readouterr().out
    pairs = _problems(out)
    assert len(pairs) == 2, out
    (too_old, upgrade), (missing, install) = pairs
    assert re.match(r"PROBLEM: packages: pandas \S+ is installed but pandas>=999 is needed", too_old)
    assert upgrade.endswith('-m pip install --upgrade "pandas>=999"')
    assert "no-such-package-for-the-doctor is not installed" in missing
    assert install.endswith('-m pip install "no-such-package-for-the-doctor>=1.0"')
    assert "pytest" not in out.split("packages:")[1].split("\n")[0]  # extras are not runtime dependencies


def test_toolkit_not_installed_as_a_distribution(monkeypatch):
    monkeypatch.setattr(toolkit.doctor, "_runtime_requirements", lambda: None)
    [finding] = check_packages()
    assert not finding.ok and "is not installed in this Python" in finding.message
    assert "-m pip install -e" in finding.fix


def test_package_that_does_not_import(monkeypatch, tmp_path):
    """An installed distribution whose module is broken (e.g. a binary built for another numpy)."""
    monkeypatch.setattr(toolkit.doctor, "_import_name", lambda name: "toolkit_doctor_broken_module")
    (tmp_path / "toolkit_doctor_broken_module.py").write_text("raise ImportError('numpy.dtype size changed')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    [finding] = check_packages(["numpy>=1.0"])
    assert not finding.ok and "does not import (ImportError: numpy.dtype size changed)" in finding.message
    assert "--force-reinstall" in finding.fix


def test_python_too_old():
    [finding] = check_python(version_info=(3, 9, 18), requires=">=3.10")
    assert not finding.ok and "Python 3.9.18 is too old" in finding.message and finding.fix
    [finding] = check_python(version_info=(3, 10, 0), requires=">=3.10")
    assert finding.ok


def test_several_problems_are_all_reported(project, tmp_path, monkeypatch, capsys):
    shutil.rmtree(project / "notebooks")
    (project / "data" / "services.csv").write_text("", encoding="utf-8")
    jupyter = tmp_path / "jupyter"
    _fake_manager(jupyter, "3.0.0")
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    assert main(["--root", str(project)]) == 1
    out = capsys.readouterr().out
    assert [p.split(":")[1].strip() for p, _ in _problems(out)] == ["widgets", "data", "notebooks"]
    assert "3 problems found" in out


def test_importing_the_doctor_is_light():
    code = ("import sys, toolkit.doctor; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'jupyterlab', 'jupyter_core', 'voila') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_module_entry_point_exit_status(tmp_path):
    """`python -m toolkit.doctor` works on its own (whatever cli.py does)."""
    ok = subprocess.run([sys.executable, "-m", "toolkit.doctor"], cwd=ROOT, capture_output=True, text=True,
                        timeout=300)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = subprocess.run([sys.executable, "-m", "toolkit.doctor", "--root", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert broken.returncode == 1
    assert "PROBLEM: data:" in broken.stdout and "PROBLEM: notebooks:" in broken.stdout


def test_cli_doctor_subcommand(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "toolkit", "doctor"], cwd=ROOT, capture_output=True, text=True,
                        timeout=300)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "All checks passed" in ok.stdout
    broken = subprocess.run([sys.executable, "-m", "toolkit", "doctor", "--root", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "PROBLEM: notebooks:" in broken.stdout and "FIX: " in broken.stdout


def test_check_setup_is_callable_from_a_cell_and_toolkit_doctor_stays_the_module():
    """`toolkit.check_setup()` works, twice; exporting it does not hide the module `toolkit.doctor`."""
    code = ("import io, types, toolkit\n"
            "first = toolkit.check_setup(stream=io.StringIO())\n"
            "second = toolkit.check_setup(stream=io.StringIO())\n"
            "print(bool(first), bool(second), isinstance(toolkit.doctor, types.ModuleType),\n"
            "      toolkit.doctor.check_setup is toolkit.check_setup)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True"]
