"""Class debrief over a folder of students' scenario files; bad files are skipped, not fatal."""
import json
import re
import warnings
from pathlib import Path

import pytest

from toolkit import Scenario, evaluate, load_dataset
from toolkit import debrief as debrief_module
from toolkit.debrief import debrief
from toolkit.scenario import REPLACED_CLAUSES


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


@pytest.fixture()
def two_sided_folder(tmp_path):
    """A class whose files exercise the two-sided model: no clause chosen, the supplier's cap, an old file."""
    Scenario(profile="clinica").save(tmp_path / "gina.json")
    Scenario(profile="clinica", clauses=("nda", "supplier_liability_cap")).save(tmp_path / "hugo.json")
    old = json.loads(Scenario(clauses=("nda",)).to_json())
    old["clauses"] = ["liability_cap_insurance", "nda"]  # saved before the clause was split in two
    (tmp_path / "ivo.json").write_text(json.dumps(old), encoding="utf-8")
    return tmp_path


def test_both_sides_and_the_clauses_in_the_contracts(two_sided_folder, dataset):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the old file's warning is a note, not noise on stderr
        result = debrief(two_sided_folder, dataset)
    assert not result.skipped and len(result.students) == 3
    for student, scenario in {"gina.json": Scenario(profile="clinica"),
                              "hugo.json": Scenario(profile="clinica", clauses=("nda", "supplier_liability_cap"))
                              }.items():
        table = evaluate(dataset, scenario)
        chosen = table[table.outsourced]
        row = result.students.loc[student]
        assert row.inhouse_legal_loss == pytest.approx(chosen.inhouse_legal_loss.sum())
        assert row.outsourced_legal_loss == pytest.approx(chosen.outsourced_legal_loss.sum())
        assert row.decision_net_benefit == pytest.approx(chosen.net_benefit.sum())
        in_contracts = {clause for clauses in chosen.clauses_applied for clause in clauses}
        assert row.contract_clauses == ", ".join(c for c in dataset.clauses.index if c in in_contracts)
    gina = result.students.loc["gina.json"]
    assert gina.clauses == "(none)" and "dpa_art28" in gina.contract_clauses  # the law's clause, not chosen
    assert gina.supplier_requests == "(none)"
    assert result.students.loc["hugo.json", "supplier_requests"] == "supplier_liability_cap"
    text = result.report()
    assert "Accepted a supplier's request" in text and "hugo.json" in text.split("Accepted a supplier's request")[1]
    mean = result.students[["inhouse_legal_loss", "outsourced_legal_loss"]].mean()
    assert f"{mean.inhouse_legal_loss:,.0f} had they been kept in house" in text
    assert f"{mean.outsourced_legal_loss:,.0f} outsourced with their clauses" in text


def test_an_old_file_is_read_with_the_clause_that_replaced_it(two_sided_folder, dataset):
    result = debrief(two_sided_folder, dataset)
    assert result.students.loc["ivo.json", "clauses"] == "indemnity_insurance, nda"
    [(path, message)] = result.notes
    assert path == "ivo.json" and message == REPLACED_CLAUSES["liability_cap_insurance"][1]
    assert f"note ivo.json: {message}" in result.report()
    assert result.clause_sets["indemnity_insurance, nda"] == 1


def test_the_debrief_names_no_clause():
    """Clause ids change between versions (liability_cap_insurance did): the debrief reads them from the data."""
    source = Path(debrief_module.__file__).read_text(encoding="utf-8")
    ids = set(load_dataset().clauses.index) | set(REPLACED_CLAUSES)
    assert ids and not [clause for clause in ids if re.search(rf"\b{clause}\b", source)]


def test_a_bigger_firm_is_no_outlier_students_are_compared_within_their_case(tmp_path, dataset):
    # four students on the small firm, close to each other, and one on the clinic, whose net benefit
    # is far larger: pooled, the clinic would be "far above the class"; within its case it is alone
    for name, horizon in (("a", 24), ("b", 25), ("c", 26), ("d", 27)):
        Scenario(horizon_months=horizon).save(tmp_path / f"{name}.json")
    Scenario.load(Path(__file__).resolve().parent.parent / "cases" / "clinica.json").save(tmp_path / "e.json")
    result = debrief(tmp_path, dataset)
    assert result.students.loc["e.json", "case"] == "clinica"
    assert result.students["decision_net_benefit"]["e.json"] > 2 * result.students["decision_net_benefit"].drop(
        "e.json").max()
    assert "e.json" not in result.outliers.index
