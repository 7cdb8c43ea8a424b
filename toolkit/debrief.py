"""Class debrief: where did the class land? (``python -m toolkit debrief FOLDER``)

A teacher puts the students' saved scenarios (``scenario.json`` files, e.g. the
``exports/case_study/`` folders of notebook 05, renamed or in one sub-folder per student)
in one folder. Every ``*.json`` below it is read; a malformed or foreign file is reported
and skipped, never fatal.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .data import Dataset
from .model import evaluate
from .scenario import Scenario

__all__ = ["debrief", "Debrief"]

_MAX_FILES = 2000  # a class, not a data lake: stop reading after this many files


@dataclass(frozen=True)
class Debrief:
    """The class's choices.

    students: one row per valid file (student = the file's path relative to the folder):
        profile, risk_appetite, clauses, services_outsourced, decision_net_benefit.
    outsourced_share: per service, the share of students whose decision outsources it.
    clause_sets: how many students chose each clause set.
    spread: statistics of the decision's net benefit (count, mean, min, quartiles, max).
    outliers: students far from the rest (net benefit outside 1.5 x the interquartile range
        from the quartiles, or a 'critical' risk appetite), with the reason.
    skipped: (file, reason) for every file that could not be used.
    """

    students: pd.DataFrame
    outsourced_share: pd.Series
    clause_sets: pd.Series
    spread: pd.Series
    outliers: pd.DataFrame
    skipped: list = field(default_factory=list)

    def report(self) -> str:
        lines = [f"Scenarios read: {len(self.students)}; skipped: {len(self.skipped)}", ""]
        if len(self.students):
            lines += ["Share of students who outsource each service:",
                      (self.outsourced_share * 100).round(0).astype(int).astype(str).add(" %").to_string(), "",
                      "Clause sets chosen (students):", self.clause_sets.to_string(), "",
                      "Decision's net benefit (EUR):", self.spread.round(0).to_string(), ""]
            lines += ["Outliers to discuss:", self.outliers.to_string() if len(self.outliers) else "(none)", ""]
        for path, reason in self.skipped:
            lines.append(f"skipped {path}: {reason}")
        return "\n".join(lines)


def debrief(folder, dataset: Dataset) -> Debrief:
    """Read every scenario file below ``folder`` and summarise the class's decisions."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder; expected a folder of students' scenario .json files")
    rows, skipped = [], []
    for count, path in enumerate(sorted(folder.rglob("*.json"))):
        name = str(path.relative_to(folder))
        if count >= _MAX_FILES:
            skipped.append((name, f"more than {_MAX_FILES} files; the rest were not read"))
            break
        try:
            scenario = Scenario.load(path)
            evaluation = evaluate(dataset, scenario)
        except ValueError as exc:  # Scenario.load and evaluate raise ValueError for any bad content
            skipped.append((name, str(exc).replace(f"{path}: ", "")))
            continue
        chosen = evaluation.outsourced
        rows.append({"student": name, "profile": scenario.profile, "risk_appetite": scenario.risk_appetite,
                     "clauses": ", ".join(scenario.clauses) or "(none)",
                     "services_outsourced": ", ".join(evaluation.index[chosen]) or "(none)",
                     "decision_net_benefit": float(evaluation.net_benefit[chosen].sum()),
                     "_chosen": set(evaluation.index[chosen])})
    students = pd.DataFrame(rows, columns=["student", "profile", "risk_appetite", "clauses", "services_outsourced",
                                           "decision_net_benefit", "_chosen"]).set_index("student")
    services = list(dataset.services.index)
    if len(students):
        share = pd.Series({s: sum(s in chosen for chosen in students["_chosen"]) / len(students) for s in services},
                          name="share_outsourcing")
    else:
        share = pd.Series(0.0, index=services, name="share_outsourcing")
    clause_sets = students["clauses"].value_counts().rename("students")
    values = students["decision_net_benefit"]
    spread = values.describe() if len(values) else pd.Series(dtype=float)
    outliers = _outliers(students)
    return Debrief(students.drop(columns="_chosen"), share.sort_values(ascending=False), clause_sets, spread,
                   outliers, skipped)


def _outliers(students: pd.DataFrame) -> pd.DataFrame:
    reasons = {}
    values = students["decision_net_benefit"]
    if len(values) >= 4:
        low, high = values.quantile(0.25), values.quantile(0.75)
        reach = 1.5 * (high - low)
        for student, value in values.items():
            if value < low - reach:
                reasons.setdefault(student, []).append("net benefit far below the class")
            elif value > high + reach:
                reasons.setdefault(student, []).append("net benefit far above the class")
    for student, appetite in students["risk_appetite"].items():
        if appetite == "critical":
            reasons.setdefault(student, []).append("accepts critical risk")
    table = pd.DataFrame({"reason": {s: "; ".join(r) for s, r in reasons.items()}})
    if len(table):
        table["decision_net_benefit"] = values.reindex(table.index).round(0)
    table.index.name = "student"
    return table
