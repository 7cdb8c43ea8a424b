"""Class debrief over a folder of students' scenario files; bad files are skipped, not fatal."""
import pytest

from toolkit import Scenario, evaluate
from toolkit.debrief import debrief


@pytest.fixture()
def class_folder(tmp_path):
    Scenario().save(tmp_path / "anna.json")
    Scenario(clauses=("dpa_art28", "exit_transition", "ip_assignment")).save(tmp_path / "bruno.json")
    (tmp_path / "carla").mkdir()
    Scenario(clauses=("dpa_art28", "exit_transition", "ip_assignment")).save(tmp_path / "carla" / "scenario.json")
    Scenario(risk_appetite="critical").save(tmp_path / "dario.json")
    (tmp_path / "broken.json").write_text("{\"profile\": ", encoding="utf-8")        # truncated
    (tmp_path / "foreign.json").write_text("[1, 2, 3]", encoding="utf-8")             # not a scenario
    (tmp_path / "martian.json").write_text("{\"profile\": \"mars\"}", encoding="utf-8")  # unknown profile
    (tmp_path / "notes.txt").write_text("not json", encoding="utf-8")                 # ignored: not .json
    return tmp_path


def test_summary_of_the_class(class_folder, dataset):
    result = debrief(class_folder, dataset)
    assert sorted(result.students.index) == ["anna.json", "bruno.json", "carla/scenario.json", "dario.json"]
    # Shares worked out from evaluate() for each student's scenario.
    chosen = {}
    for name, scenario in {"anna": Scenario(), "bruno": Scenario(clauses=("dpa_art28", "exit_transition",
                                                                           "ip_assignment")),
                           "dario": Scenario(risk_appetite="critical")}.items():
        table = evaluate(dataset, scenario)
        chosen[name] = set(table.index[table.outsourced])
    chosen["carla"] = chosen["bruno"]
    for service in dataset.services.index:
        expected = sum(service in c for c in chosen.values()) / 4
        assert result.outsourced_share[service] == pytest.approx(expected)
    assert result.clause_sets["dpa_art28, exit_transition, ip_assignment"] == 2
    assert result.clause_sets["(none)"] == 2
    assert result.spread["count"] == 4
    assert "accepts critical risk" in result.outliers.loc["dario.json", "reason"]


def test_bad_files_are_reported_and_skipped(class_folder, dataset):
    result = debrief(class_folder, dataset)
    skipped = dict(result.skipped)
    assert set(skipped) == {"broken.json", "foreign.json", "martian.json"}
    assert "JSON" in skipped["broken.json"]
    assert "profile" in skipped["martian.json"]
    text = result.report()
    assert "skipped broken.json" in text and "Scenarios read: 4; skipped: 3" in text


def test_empty_or_missing_folder(tmp_path, dataset):
    result = debrief(tmp_path, dataset)
    assert len(result.students) == 0 and result.report().startswith("Scenarios read: 0")
    with pytest.raises(ValueError, match="not a folder"):
        debrief(tmp_path / "nope", dataset)


def test_command_line(class_folder, tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "toolkit", "debrief", str(class_folder)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Scenarios read: 4; skipped: 3" in done.stdout and "skipped foreign.json" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "toolkit", "debrief", str(tmp_path / "none")],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and missing.stderr.startswith("error:") and "Traceback" not in missing.stderr
