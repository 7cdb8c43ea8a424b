"""Write the generated parts of docs/model.md from the model and the data: ``make docs``.

docs/model.md is written by hand except between ``<!-- generated:NAME -->`` and
``<!-- end:NAME -->``, where this script puts: the formulas (the docstring of toolkit/model.py,
their one home), the tables of data/ the text explains, a worked example and, for each bundled
profile, each service's recommendation with its reason. ``--check`` writes nothing and exits 1
when the file is out of date (the tests run it).
"""
from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import toolkit
from toolkit import model

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "model.md"
BLOCK = re.compile(r"(<!-- generated:(\w+) -->\n).*?(<!-- end:\2 -->)", re.S)
BUNDLED_PROFILES = ("micro", "small", "medium")
CASE_PROFILES = ("bellini", "trattoria", "moda", "clinica")


def eur(value: float) -> str:
    return f"EUR {value:,.0f}" if value >= 0 else f"−EUR {-value:,.0f}"


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def formulas(_data) -> str:
    """The docstring of toolkit/model.py, one heading level down (it opens with '# How the model decides')."""
    text = model.__doc__.strip()
    text = re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M)
    return text + "\n"


def losses(data) -> str:
    cited = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
    rows = []
    for (area, size), row in data.incident_losses.iterrows():
        evidence = sorted({c for c in cited.findall(row.source) if c in data.enforcement.index})
        loss = [row.loss_low_eur, math.sqrt(row.loss_low_eur * row.loss_eur), row.loss_eur,
                math.sqrt(row.loss_eur * row.loss_high_eur), row.loss_high_eur]
        rows.append([data.legal_areas.loc[area, "name_en"], size, f"{row.claim_probability:g}",
                     " / ".join(f"{value:,.0f}" for value in loss), row.evidence_check,
                     ", ".join(f"`{c}`" for c in evidence) or "assumption"])
    return table(["legal area", "size", "claim chance", "loss at impact 1 / 2 / 3 / 4 / 5 (EUR)", "evidence check",
                  "enforcement rows cited"], rows)


def likelihood(data) -> str:
    return table(["level", "label", "incident chance a year", "source"],
                 [[level, row.label_en, f"{row.incident_probability:.0%}", row.source]
                  for level, row in data.likelihood_levels.iterrows()])


def inhouse_scores(data) -> str:
    rows = []
    for (service, area), row in data.exposure.iterrows():
        rows.append([data.services.loc[service, "name_en"], data.legal_areas.loc[area, "name_en"],
                     f"{row.likelihood} × {row.impact} = {row.likelihood * row.impact}",
                     f"{row.inhouse_likelihood} × {row.inhouse_impact} = {row.inhouse_likelihood * row.inhouse_impact}",
                     row.inhouse_rationale])
    return table(["service", "legal area", "outsourced, no clauses (L × I)", "in house (L × I)",
                  "why the in-house score"], rows)


def requirements(data) -> str:
    return table(["service", "required clause", "when", "legal basis"],
                 [[data.services.loc[service, "name_en"], data.clauses.loc[clause, "name_en"],
                   f"{row.applies}: {row.condition}", row.legal_basis]
                  for (service, clause), row in data.requirements.iterrows()])


def worked_example(data) -> str:
    scenario = toolkit.Scenario(profile="small")
    pairs = model.breakdown(data, scenario)
    row = pairs.loc[("direct_marketing", "privacy")]
    years = scenario.horizon_months / 12
    inhouse_chance = data.likelihood_levels.loc[row.inhouse_likelihood, "incident_probability"]
    required = ", ".join(data.clauses.loc[c, "name_en"] for c in row.required) or "none"
    lines = [
        f"Small firm, direct marketing (e-mail and SMS), personal data, over {scenario.horizon_months} months "
        f"({years:g} years):",
        "",
        f"* **In house**: likelihood {row.inhouse_likelihood}, impact {row.inhouse_impact}. "
        f"{inhouse_chance:.0%} a year × {row.claim_probability:g} chance of a claim × "
        f"{eur(row.inhouse_legal_loss / (inhouse_chance * row.claim_probability * years))} (the loss at impact "
        f"{row.inhouse_impact}) × {years:g} years = **{eur(row.inhouse_legal_loss)}**.",
        f"* **Outsourced with no clauses**: likelihood {row.likelihood}, impact {row.impact}: "
        f"**{eur(row.inherent_legal_loss)}**.",
        f"* **Outsourced with the required clauses** ({required}): residual likelihood "
        f"{row.residual_likelihood}, impact {row.residual_impact}. {row.incident_probability:.0%} a year × "
        f"{row.claim_probability:g} × {eur(row.loss_if_it_happens)} × {years:g} years = "
        f"**{eur(row.outsourced_legal_loss)}**.",
        f"* **What outsourcing adds** in this area: {eur(row.outsourced_legal_loss)} − {eur(row.inhouse_legal_loss)} = "
        f"**{eur(row.expected_legal_loss)}**"
        + (" (negative: the specialist, bound by its contract, lowers the risk)." if row.expected_legal_loss < 0
           else "."),
    ]
    return "\n".join(lines) + "\n"


def reason(row, appetite: str) -> str:
    if row.reason == "risk_above_appetite":
        return (f"outsourced risk {row.residual_risk} ({row.risk_band}) is above the appetite ({appetite}) and above "
                f"the in-house risk {row.inhouse_risk}")
    costs = f"saves {eur(row.savings)}" if row.savings >= 0 else f"costs {eur(-row.savings)} more"
    risk = (f"adds {eur(row.expected_legal_loss)} of expected loss" if row.expected_legal_loss >= 0
            else f"lowers the expected loss by {eur(-row.expected_legal_loss)}")
    return f"{costs} and {risk}: net {eur(row.net_benefit)}"


def outcomes(data) -> str:
    parts = []
    for profile in (*BUNDLED_PROFILES, *CASE_PROFILES):
        scenario = toolkit.Scenario(profile=profile)
        if (ROOT / "cases" / f"{profile}.json").exists():
            scenario = toolkit.Scenario.load(ROOT / "cases" / f"{profile}.json")
        best, value = model.best_clause_set(data, scenario)
        evaluation = model.evaluate(data, scenario)
        best_names = ", ".join(data.clauses.loc[c, "name_en"] for c in best) or "none"
        parts.append(f"**{data.profiles.loc[profile, 'name_en']}** ({scenario.horizon_months} months, appetite "
                     f"{scenario.risk_appetite}): net benefit of the decision {eur(evaluation.loc[evaluation.outsourced, 'net_benefit'].sum())} "
                     f"with the required clauses only; best optional clauses: {best_names} ({eur(value)}).\n")
        parts.append(table(["service", "recommendation", "reason"],
                           [[data.services.loc[s, "name_en"], row.recommendation.replace("_", " "),
                             reason(row, scenario.risk_appetite)] for s, row in evaluation.iterrows()]))
    return "\n".join(parts)


BLOCKS = {"formulas": formulas, "losses": losses, "likelihood": likelihood, "inhouse_scores": inhouse_scores,
          "requirements": requirements, "worked_example": worked_example, "outcomes": outcomes}


def render(text: str, data) -> str:
    names = [m.group(2) for m in BLOCK.finditer(text)]
    missing = sorted(set(BLOCKS) - set(names))
    if missing:
        raise SystemExit(f"error: {DOC.relative_to(ROOT)} has no block for {', '.join(missing)}")
    return BLOCK.sub(lambda m: m.group(1) + BLOCKS[m.group(2)](data) + m.group(3), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if docs/model.md is out of date")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    new = render(text, toolkit.load_dataset())
    if new == text:
        return 0
    if args.check:
        print(f"out of date (run `make docs`): {DOC.relative_to(ROOT)}")
        return 1
    DOC.write_text(new, encoding="utf-8")
    print(f"updated {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
