"""Hand-in material: the contract checklist and an export of a decision to files.

Beside the model, not underneath it: nothing in ``data``/``model`` imports this module.
"""
from __future__ import annotations

from pathlib import Path

from . import i18n
from .data import Dataset
from .i18n import t
from .model import Scenario, breakdown, evaluate

__all__ = ["checklist", "export_decision"]

_DISCLAIMER = {
    "en": "A teaching aid, not legal advice: have a lawyer draft and review the real contract.",
    "it": "Uno strumento didattico, non una consulenza legale: il contratto vero va redatto e rivisto da un avvocato.",
}
_HEAD = {
    "en": ("Contract checklist", "Services to outsource", "Clause to negotiate", "Risk it answers", "Provision",
           "No service is recommended for outsourcing in this scenario: there is nothing to negotiate.",
           "No adopted clause protects this service: consider the clauses that act on its areas."),
    "it": ("Checklist del contratto", "Servizi da esternalizzare", "Clausola da negoziare", "Rischio a cui risponde",
           "Norma", "In questo scenario nessun servizio va esternalizzato: non c'è nulla da negoziare.",
           "Nessuna clausola adottata protegge questo servizio: valuta le clausole che agiscono sulle sue aree."),
}


def checklist(dataset: Dataset, scenario: Scenario | None = None, lang: str = "en") -> str:
    """A Markdown checklist: for each service to outsource, each clause to negotiate,
    the risk it answers (legal area, score before -> after) and the provision behind it."""
    lang = i18n.check_lang(lang)
    scenario = scenario or Scenario()
    evaluation = evaluate(dataset, scenario)
    pairs = breakdown(dataset, scenario)
    title, services_head, clause_head, risk_head, provision_head, nothing, unprotected = _HEAD[lang]
    lines = [f"# {title}", "", f"> {_DISCLAIMER[lang]}", ""]
    chosen = evaluation[evaluation.recommendation != "keep_in_house"]
    if chosen.empty:
        return "\n".join(lines + [nothing, ""])
    lines += [f"## {services_head}", ""]
    for service, row in chosen.iterrows():
        lines += [f"### {i18n.name(dataset, 'services', service, lang)} — {t(row.recommendation, lang)}", ""]
        areas = pairs.loc[service]
        clauses = [c for c in scenario.clauses if any(c in str(v).split(", ") for v in areas["clauses"])]
        if not clauses:
            lines += [unprotected, ""]
            continue
        lines += [f"| ☐ | {clause_head} | {risk_head} | {provision_head} |", "|---|---|---|---|"]
        for clause in clauses:
            answered = [f"{i18n.name(dataset, 'legal_areas', area, lang)} "
                        f"({int(a.inherent_score)} → {int(a.residual_score)})"
                        for area, a in areas.iterrows() if clause in str(a["clauses"]).split(", ")]
            lines.append(f"| ☐ | {i18n.name(dataset, 'clauses', clause, lang)} | {'; '.join(answered)} | "
                         f"{dataset.clauses.loc[clause, 'provision']} |")
        lines.append("")
    return "\n".join(lines)


def export_decision(dataset: Dataset, scenario: Scenario | None, out_dir, lang: str = "en") -> list[Path]:
    """Write a decision to ``out_dir``: evaluation.csv, breakdown.csv, scenario.json,
    checklist.md and the charts as PNG. Returns the files written."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from . import plots

    lang = i18n.check_lang(lang)
    scenario = scenario or Scenario()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    evaluation = evaluate(dataset, scenario)
    pairs = breakdown(dataset, scenario)
    written = []
    for name, table in (("evaluation.csv", evaluation), ("breakdown.csv", pairs)):
        table.to_csv(out / name)
        written.append(out / name)
    written.append(scenario.save(out / "scenario.json"))
    (out / "checklist.md").write_text(checklist(dataset, scenario, lang), encoding="utf-8")
    written.append(out / "checklist.md")
    charts = {
        "savings_vs_risk.png": lambda ax: plots.savings_vs_risk(evaluation, ax=ax, lang=lang,
                                                                appetite=scenario.risk_appetite),
        "net_benefit.png": lambda ax: plots.net_benefit_bars(evaluation, ax=ax, lang=lang, dataset=dataset),
        "inherent_vs_residual.png": lambda ax: plots.inherent_vs_residual(evaluation, ax=ax, lang=lang,
                                                                          dataset=dataset),
    }
    for name, draw in charts.items():
        figure = Figure(figsize=(8, 5), layout="constrained")
        FigureCanvasAgg(figure)
        draw(figure.add_subplot())
        figure.savefig(out / name, dpi=120)
        written.append(out / name)
    return written
