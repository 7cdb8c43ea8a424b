"""Class debrief: where did the class land? (``python -m toolkit debrief FOLDER``)

A teacher puts the students' saved scenarios (``scenario.json`` files, e.g. the
``exports/case_study/`` folders of notebook 05, renamed or in one sub-folder per student)
in one folder. Every ``*.json`` below it is read; a malformed or foreign file is reported
and skipped, never fatal. A file saved by an earlier version (a clause id since replaced,
see ``toolkit.scenario.REPLACED_CLAUSES``) is read with the clause that replaced it, and
the replacement is listed in ``notes``.

Nothing here names a clause: the clauses the law requires come from ``requirements.csv``
(through the model's ``clauses_applied``), and a supplier's request is any clause that
raises a risk score in ``clause_effects.csv`` (the cap on the supplier's liability).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .data import Dataset
from .model import evaluate
from .exercises import ATTEMPTS_FILE
from .handin import CLASS_SUFFIX, HANDIN_FILE, read_handin
from .scenario import ReplacedClauseWarning, Scenario

__all__ = ["debrief", "Debrief"]

_MAX_FILES = 2000  # a class, not a data lake: stop reading after this many files


@dataclass(frozen=True)
class Debrief:
    """The class's choices.

    students: one row per valid file (student = the file's path relative to the folder, or the
        student's name for a hand-in of notebook 05, ``handin.json``, whose decision is the
        services the student chose, not the model's; a student who handed in twice counts once,
        the later hand-in): case (a hand-in's case, else the profile), profile, risk_appetite, clauses (as the student chose them), services_outsourced,
        decision_net_benefit; both sides of the services outsourced (EUR over the student's
        horizon): inhouse_legal_loss (had they been kept in house) and outsourced_legal_loss
        (with the clauses in their contracts); contract_clauses (every clause in those
        contracts, the ones the law requires included); supplier_requests (the clauses chosen
        that the supplier asks for, raising the firm's risk for a lower fee).
    outsourced_share: per service, the share of students whose decision outsources it.
    clause_sets: how many students chose each clause set.
    spread: statistics of the decision's net benefit (count, mean, min, quartiles, max).
    outliers: students far from the others of the same case (net benefit outside 1.5 x the
        interquartile range from the case's quartiles, with 4 students of the case or more), or
        with a 'critical' risk appetite, with the reason.
    skipped: (file, reason) for every file that could not be used.
    notes: (file, message) for every file read with a clause of an earlier version replaced.
    """

    students: pd.DataFrame
    outsourced_share: pd.Series
    clause_sets: pd.Series
    spread: pd.Series
    outliers: pd.DataFrame
    skipped: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def report(self) -> str:
        lines = [f"Scenarios read: {len(self.students)}; skipped: {len(self.skipped)}", ""]
        if len(self.students):
            lines += ["Share of students who outsource each service:",
                      (self.outsourced_share * 100).round(0).astype(int).astype(str).add(" %").to_string(), "",
                      "Clause sets chosen (students):", self.clause_sets.to_string(), "",
                      "Decision's net benefit (EUR):", self.spread.round(0).to_string(), ""]
            sides = self.students[["inhouse_legal_loss", "outsourced_legal_loss"]].mean()
            lines += ["Both sides of the services outsourced, class mean of the expected legal loss (EUR): "
                      f"{sides.inhouse_legal_loss:,.0f} had they been kept in house, "
                      f"{sides.outsourced_legal_loss:,.0f} outsourced with their clauses", ""]
            requests = self.students.loc[self.students["supplier_requests"] != "(none)", "supplier_requests"]
            lines += ["Accepted a supplier's request (a lower fee for more risk):",
                      requests.to_string() if len(requests) else "(none)", ""]
            lines += ["Outliers to discuss:", self.outliers.to_string() if len(self.outliers) else "(none)", ""]
        for path, message in self.notes:
            lines.append(f"note {path}: {message}")
        for path, reason in self.skipped:
            lines.append(f"skipped {path}: {reason}")
        return "\n".join(lines)


def debrief(folder, dataset: Dataset) -> Debrief:
    """Read every scenario file below ``folder`` and summarise the class's decisions."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder; expected a folder of students' scenario .json files")
    effects = dataset.clause_effects
    raising = effects[(effects.likelihood_steps < 0) | (effects.impact_steps < 0)]
    supplier_requests = set(raising.index.get_level_values("clause_id"))
    rows, skipped, notes = [], [], []
    paths = sorted(folder.rglob("*.json"))
    # A hand-in of notebook 05 (handin.json) stands for its folder: the student's own decision, under
    # the student's name; the scenario.json beside it is the same decision and is not read twice.
    handin_folders = {path.parent for path in paths if path.name == HANDIN_FILE}
    handins: dict = {}
    for count, path in enumerate(paths):
        name = str(path.relative_to(folder))
        if count >= _MAX_FILES:
            skipped.append((name, f"more than {_MAX_FILES} files; the rest were not read"))
            break
        if path.name == ATTEMPTS_FILE or path.name == "scenario.json" and path.parent in handin_folders:
            continue
        chosen_services, case = None, None
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ReplacedClauseWarning)
                if path.name == HANDIN_FILE or path.name.endswith(CLASS_SUFFIX):
                    content = read_handin(path)
                    scenario = Scenario.from_dict(content["scenario"]).replace(
                        clauses=tuple(content["decision"].get("clauses", ())))
                    chosen_services, case = set(content["decision"]["services"]), content["case"]
                else:
                    scenario = Scenario.load(path)
            evaluation = evaluate(dataset, scenario)
            if chosen_services is not None and not chosen_services <= set(evaluation.index):
                raise ValueError(f"unknown services {', '.join(sorted(chosen_services - set(evaluation.index)))}")
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # any bad content: report and skip
            skipped.append((name, str(exc).replace(f"{path}: ", "")))
            continue
        notes += [(name, str(w.message)) for w in caught if issubclass(w.category, ReplacedClauseWarning)]
        if chosen_services is not None:
            student = content["name"].strip()
            key = " ".join(student.lower().split())
            if key in handins:  # handed in twice: the later hand-in counts
                earlier = handins[key]
                if str(content.get("saved", "")) < earlier[0]:
                    notes.append((name, f"{student} handed in twice; {earlier[1]} counts"))
                    continue
                notes.append((earlier[1], f"{student} handed in twice; {name} counts"))
                rows = [row for row in rows if row["student"] != earlier[2]]
            handins[key] = (str(content.get("saved", "")), name, student)
            name = student
            chosen = evaluation.index.isin(sorted(chosen_services))
            chosen = pd.Series(chosen, index=evaluation.index)
        else:
            chosen = evaluation.outsourced
        in_contracts = {clause for clauses in evaluation.clauses_applied[chosen] for clause in clauses}
        rows.append({"student": name, "case": case or scenario.profile, "profile": scenario.profile,
                     "risk_appetite": scenario.risk_appetite,
                     "clauses": ", ".join(scenario.clauses) or "(none)",
                     "services_outsourced": ", ".join(evaluation.index[chosen]) or "(none)",
                     "decision_net_benefit": float(evaluation.net_benefit[chosen].sum()),
                     "inhouse_legal_loss": float(evaluation.inhouse_legal_loss[chosen].sum()),
                     "outsourced_legal_loss": float(evaluation.outsourced_legal_loss[chosen].sum()),
                     "contract_clauses": ", ".join(c for c in dataset.clauses.index if c in in_contracts) or "(none)",
                     "supplier_requests": ", ".join(c for c in scenario.clauses if c in supplier_requests)
                     or "(none)",
                     "_chosen": set(evaluation.index[chosen])})
    students = pd.DataFrame(rows, columns=["student", "case", "profile", "risk_appetite", "clauses", "services_outsourced",
                                           "decision_net_benefit", "inhouse_legal_loss", "outsourced_legal_loss",
                                           "contract_clauses", "supplier_requests", "_chosen"]).set_index("student")
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
                   outliers, skipped, notes)


# The reasons _outliers gives (joined by "; "); toolkit.classroom puts them into words per language.
FAR_BELOW, FAR_ABOVE = "net benefit far below the others of the case", "net benefit far above the others of the case"
CRITICAL = "accepts critical risk"


def _outliers(students: pd.DataFrame) -> pd.DataFrame:
    """Students far from the others *of the same case* (a bigger firm is no outlier)."""
    reasons = {}
    values = students["decision_net_benefit"]
    for _case, group in values.groupby(students["case"]):
        if len(group) < 4:
            continue
        low, high = group.quantile(0.25), group.quantile(0.75)
        reach = 1.5 * (high - low)
        for student, value in group.items():
            if value < low - reach:
                reasons.setdefault(student, []).append(FAR_BELOW)
            elif value > high + reach:
                reasons.setdefault(student, []).append(FAR_ABOVE)
    for student, appetite in students["risk_appetite"].items():
        if appetite == "critical":
            reasons.setdefault(student, []).append(CRITICAL)
    table = pd.DataFrame({"reason": {s: "; ".join(r) for s, r in reasons.items()}})
    if len(table):
        table["decision_net_benefit"] = values.reindex(table.index).round(0)
    table.index.name = "student"
    return table
