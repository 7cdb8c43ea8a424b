"""toolkit/cli.py: ``python -m toolkit`` run as a real subprocess.

Each run starts a fresh interpreter (about 2.5 s of CPU, mostly imports and the first
validation), so the module starts each command once, all at the same time, and the tests
read the results. A few extra cases call ``toolkit.cli.main`` in this process instead (an
uncaught exception would fail the test just the same).
"""
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from toolkit import Scenario, best_clause_set, evaluate
from toolkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
SERVICE_IDS = {"blog", "content", "seo", "social_pages", "profiles", "reputation", "brand", "direct_marketing",
               "know_how"}  # the 9 rows of data/services.csv


def _write_inputs(folder):
    """The files the commands read: a data folder with a bad cell (line 2) and four scenario files."""
    broken = folder / "broken_data"
    shutil.copytree(ROOT / "data", broken, ignore=shutil.ignore_patterns("*.json"))
    costs = broken / "costs.csv"
    text = costs.read_text(encoding="utf-8")
    assert text.count("\nblog,24,20,450,") == 1
    costs.write_text(text.replace("\nblog,24,20,450,", "\nblog,24,twenty,450,"), encoding="utf-8")  # line 2
    files = {"unknown_profile.json": '{"profile": "huge"}', "invalid.json": '{"profile": "small",',
             "infinite.json": '{"horizon_months": Infinity}', "two.json": '{"services": ["seo", "blog"]}'}
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")


def _commands(folder):
    """name -> arguments after ``python -m toolkit``; ``folder`` holds the inputs of _write_inputs."""
    return {
        "evaluate": ["evaluate"],
        "evaluate_csv": ["evaluate", "--format", "csv"],
        "evaluate_json": ["evaluate", "--format", "json"],
        "portfolio": ["portfolio"],
        "unknown_profile": ["evaluate", "--scenario", str(folder / "unknown_profile.json")],
        "invalid_json": ["portfolio", "--scenario", str(folder / "invalid.json")],
        "broken_data": ["evaluate", "--data", str(folder / "broken_data")],
    }


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    _write_inputs(folder)
    return folder


@pytest.fixture(scope="module")
def runs(inputs):
    # cwd=ROOT: `python -m toolkit` from the project folder, as the README says
    started = {name: subprocess.Popen([sys.executable, "-m", "toolkit", *args], cwd=ROOT, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for name, args in _commands(inputs).items()}
    results = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=120)
        results[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return results


def ok(result):
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_evaluate_prints_a_table_of_every_service(runs):
    out = ok(runs["evaluate"])
    lines = out.strip().splitlines()
    assert "recommendation" in lines[0] and "net_benefit" in lines[0]
    assert lines[1].split() == ["service_id"]  # pandas puts the index name on its own line
    assert sorted(line.split()[0] for line in lines[2:]) == sorted(SERVICE_IDS)


def test_evaluate_csv_matches_evaluate(runs, dataset):
    table = pd.read_csv(io.StringIO(ok(runs["evaluate_csv"])), index_col="service_id")
    assert len(table) == 9 and set(table.index) == SERVICE_IDS
    expected = evaluate(dataset, Scenario())
    assert list(table.columns) == list(expected.columns)
    for column in ("inhouse_cost", "outsourced_cost", "savings", "inhouse_legal_loss", "outsourced_legal_loss",
                   "expected_legal_loss", "net_benefit", "inhouse_risk", "residual_risk"):
        assert table[column].to_dict() == pytest.approx(expected[column].to_dict(), rel=1e-9), column
    assert table.recommendation.to_dict() == expected.recommendation.to_dict()
    # the clauses in each contract, the ones the law requires included, joined as text
    assert table.clauses_applied.fillna("").to_dict() == {service: ", ".join(ids) for service, ids in
                                                          expected.clauses_applied.items()}
    assert "dpa_art28" in table.loc["blog", "clauses_applied"]


def test_evaluate_json_parses(runs):
    records = json.loads(ok(runs["evaluate_json"]))
    assert isinstance(records, list) and len(records) == 9
    assert {record["service_id"] for record in records} == SERVICE_IDS
    assert all({"savings", "risk_band", "recommendation"} <= set(record) for record in records)


def test_portfolio_table(runs, dataset):
    out = ok(runs["portfolio"])
    best, _ = best_clause_set(dataset, Scenario())
    assert "savings" in out and "net_benefit" in out
    best_line = next(line for line in out.splitlines() if line.startswith("Best clause set:"))
    assert all(clause in best_line for clause in best)


def test_portfolio_json_with_a_scenario_file(inputs, dataset, capsys):
    assert main(["portfolio", "--format", "json", "--scenario", str(inputs / "two.json")]) == 0
    summary = json.loads(capsys.readouterr().out)
    scenario = Scenario(services=("seo", "blog"))  # two.json
    best, value = best_clause_set(dataset, scenario)
    assert summary["scenario"] == json.loads(json.dumps(scenario.to_dict()))
    assert summary["best_clauses"] == list(best)
    assert summary["best_net_benefit"] == pytest.approx(value, abs=0.01)
    assert sum(summary["counts"].values()) == 2
    assert summary["totals"]["inhouse_cost"] == pytest.approx(
        evaluate(dataset, scenario).inhouse_cost.sum(), abs=0.01)
    assert summary["totals"]["savings"] == pytest.approx(
        summary["totals"]["inhouse_cost"] - summary["totals"]["outsourced_cost"], abs=0.02)


@pytest.mark.parametrize("name, fragments", [
    ("unknown_profile", ["profile", "'huge'"]),
    ("invalid_json", ["invalid.json", "not a valid JSON"]),
    ("broken_data", ["costs.csv", "line 2", "tools_eur_month", "'twenty'"]),
])
def test_bad_input_gives_one_error_line_and_status_2(runs, name, fragments):
    result = runs[name]
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert len(lines[0]) < 400, "short"
    assert result.stdout == ""


def test_non_finite_horizon_in_a_scenario_file(inputs, capsys):
    # JSON allows Infinity; Scenario used to fail on int(inf) with an OverflowError (a traceback).
    assert main(["evaluate", "--scenario", str(inputs / "infinite.json")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "infinite.json" in lines[0] and "horizon_months" in lines[0]
