"""Check the staged calibration tables together with the main data package.

Run from the project root:  .venv/bin/python docs/model-calibration-draft/validate.py

It copies data/ to a temporary folder, adds the three staged CSV files and appends their
resources to the copy's datapackage.json (what the merge into data/ will do), then checks:
1. the merged package is valid for Frictionless (types, constraints, keys, foreign keys);
2. every row with numbers has a source that cites something or says 'assumption';
3. every case_id named in incident_losses.csv's source column exists in enforcement.csv;
4. each evidence_check value matches the enforcement amounts it claims to lie within.
Nothing in the project is written.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
STAGED = ("enforcement.csv", "requirements.csv", "incident_losses.csv")
# Kinds of enforcement amount that are a loss someone paid or was asked to pay out of court.
LOSS_KINDS = {"fine", "damages", "legal_costs", "settlement", "price_reduction", "payment", "demand"}


def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def evidence_range(enforcement: list[dict], area: str, size: str | None) -> list[float]:
    return sorted(float(r["amount_eur"]) for r in enforcement
                  if r["legal_area"] == area and r["kind"] in LOSS_KINDS and r["amount_eur"]
                  and float(r["amount_eur"]) > 0 and (size is None or r["firm_size"] == size))


def main() -> int:
    from frictionless import Package

    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", data)
        for name in STAGED:
            shutil.copy(HERE / name, data / name)
        descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
        staged = json.loads((HERE / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["resources"] += staged["resources"]
        (data / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
        report = Package(str(data / "datapackage.json")).validate()
        for task in report.tasks:
            for error in task.errors:
                problems.append(f"{task.name}: {error.message}")

        for resource in staged["resources"]:
            numeric = [f["name"] for f in resource["schema"]["fields"] if f["type"] in ("number", "integer")]
            if not numeric:
                continue
            for line, row in enumerate(rows(data / resource["path"]), start=2):
                source = row.get("source", "").strip()
                if not source or ("assumption" not in source.lower() and not re.search(r"[A-Za-z]{2,}", source)):
                    problems.append(f"{resource['path']} line {line}: source cites nothing")

        enforcement = rows(data / "enforcement.csv")
        ids = {r["case_id"] for r in enforcement}
        for line, row in enumerate(rows(data / "incident_losses.csv"), start=2):
            cited = set(re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", row["source"]))
            cited -= {"claim_probability", "loss_eur", "loss_low_eur", "loss_high_eur"}
            for case_id in sorted(cited - ids):
                problems.append(f"incident_losses.csv line {line}: cites unknown case_id '{case_id}'")
            low, high = float(row["loss_low_eur"]), float(row["loss_high_eur"])
            if not low <= float(row["loss_eur"]) <= high:
                problems.append(f"incident_losses.csv line {line}: loss_eur not between low and high")
            by_size = evidence_range(enforcement, row["area_id"], row["firm_size"])
            by_area = evidence_range(enforcement, row["area_id"], None)
            if by_size and by_size[0] <= low and high <= by_size[-1]:
                expected = "size"
            elif by_area and by_area[0] <= low and high <= by_area[-1]:
                expected = "area"
            else:
                expected = "outside"
            if row["evidence_check"] != expected:
                problems.append(f"incident_losses.csv line {line}: evidence_check is '{row['evidence_check']}', "
                                f"the evidence says '{expected}'")

    for problem in problems:
        print(problem)
    print("valid" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
