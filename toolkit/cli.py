"""Command line: ``python -m toolkit evaluate|portfolio|validate|export|debrief|doctor|link|classroom``.

Bad data or a bad scenario prints one short error line naming the problem and exits
with status 2 (no traceback).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from .data import DataError, load_dataset
from . import doctor
from . import link as nbgitpuller_link
from .export import ids_as_text
from .i18n import LANGS
from .model import evaluate, portfolio
from .scenario import Scenario

SHOWN = ["inhouse_cost", "outsourced_cost", "savings", "inherent_risk", "residual_risk", "risk_band",
         "expected_legal_loss", "net_benefit", "recommendation"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m toolkit",
                                     description="Which social media marketing services to outsource: "
                                                 "savings against legal risk, and the clauses that lower it.")
    commands = parser.add_subparsers(dest="command", required=True)
    # Options several commands share, each written once (argparse "parents").
    data_option = argparse.ArgumentParser(add_help=False)
    data_option.add_argument("--data", metavar="DIR", help="folder of CSV files laid out like data/ (default: bundled)")
    scenario_option = argparse.ArgumentParser(add_help=False)
    scenario_option.add_argument("--scenario", metavar="FILE.json", help="a scenario file: a JSON object of Scenario "
                                                                         "fields (default: the default scenario)")
    common = argparse.ArgumentParser(add_help=False, parents=[data_option, scenario_option])
    common.add_argument("--format", choices=["table", "csv", "json"], default="table")
    commands.add_parser("evaluate", parents=[common], help="one row per service: costs, risk, recommendation")
    commands.add_parser("portfolio", parents=[common], help="totals and the best clause set")
    commands.add_parser("validate", parents=[common], help="check the data folder and say what is wrong")
    export = commands.add_parser("export", parents=[data_option, scenario_option],
                                 help="write the hand-in: Excel, CSV, PNG charts and a one-page HTML report, with "
                                      "sensitivity and a Monte Carlo simulation")
    export.add_argument("--out", metavar="DIR", required=True, help="folder to write into (created if missing)")
    export.add_argument("--lang", choices=LANGS, default="en", help="language of the charts and the report")
    export.add_argument("--draws", type=int, default=10_000, help="simulated futures (default 10,000)")
    export.add_argument("--seed", type=int, default=0, help="random seed of the simulation (default 0)")
    debrief = commands.add_parser("debrief", parents=[data_option],
                                  help="a class's saved scenarios side by side: what each service's share of students "
                                       "chose, clause sets, spread, outliers")
    debrief.add_argument("folder", metavar="DIR", help="folder of students' scenario .json files or notebook 05 "
                                                        "hand-ins (searched below too)")
    debrief.add_argument("--out", metavar="DIR", help="where the gradebook of the hand-ins goes (gradebook.csv, "
                                                      "gradebook.xlsx, class_summary.html; default: DIR/gradebook)")
    debrief.add_argument("--lang", choices=LANGS, default="en", help="language of the gradebook and the summary")
    doctor.add_arguments(commands.add_parser(
        "doctor", help="check Python, the packages, the widget extension, data/ and notebooks/; exit 1 on a problem"))
    nbgitpuller_link.add_arguments(commands.add_parser(
        "link", help="print the nbgitpuller link that brings students' copies up to date on a JupyterHub "
                     "(docs/deploy.md)"))
    from . import classroom  # the standard library only at import; Voila is imported when serving

    classroom.add_arguments(commands.add_parser(
        "classroom", help="serve the explorer to the room from this laptop, with hand-in and a live class view "
                          "(make classroom; docs/teaching.md)"))
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "doctor":  # before loading data: the doctor reports bad data itself
        return doctor.run(args)
    if args.command == "link":  # needs no data
        return nbgitpuller_link.run(args)
    if args.command == "classroom":  # a server: the notebook it serves loads the data
        from . import classroom

        return classroom.run(args)
    if args.command == "debrief":
        return _debrief(args)
    try:
        dataset = load_dataset(args.data)
        scenario = Scenario.load(args.scenario) if args.scenario else Scenario()
        scenario.check(dataset)
    except (DataError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "validate":
        print(f"ok: {dataset}")
        return 0
    if args.command == "export":
        return _export(dataset, scenario, args)
    if args.command == "evaluate":
        table = evaluate(dataset, scenario)
        _print_table(table if args.format != "table" else table[SHOWN], args.format)
        return 0
    summary = portfolio(dataset, scenario)
    if args.format == "json":
        print(json.dumps({
            "scenario": summary.scenario.to_dict(),
            "totals": summary.totals.round(2).to_dict(),
            "decision_net_benefit": round(summary.decision_net_benefit, 2),
            "counts": summary.counts.to_dict(),
            "best_clauses": list(summary.best_clauses),
            "best_net_benefit": round(summary.best_net_benefit, 2),
        }, indent=2))
        return 0
    totals = summary.totals.to_frame("total_eur")
    if args.format == "csv":
        totals.to_csv(sys.stdout)
        return 0
    print(f"Scenario: {summary.scenario}")
    print(totals.round(0).to_string())
    print(f"\nDecision's net benefit (services recommended for outsourcing): {summary.decision_net_benefit:,.0f} EUR")
    print("Recommendations: " + ", ".join(f"{k} {v}" for k, v in summary.counts.items()))
    print(f"Best clause set: {', '.join(summary.best_clauses) or '(none)'} -> "
          f"{summary.best_net_benefit:,.0f} EUR")
    return 0


def _print_table(table: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        ids_as_text(table).to_csv(sys.stdout)
    elif fmt == "json":
        print(table.reset_index().to_json(orient="records", indent=2))
    else:
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(table.round(0).to_string())


def _export(dataset, scenario, args) -> int:
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, no display needed
    from .export import export_report

    try:
        files = export_report(dataset, scenario, args.out, lang=args.lang, draws=args.draws, seed=args.seed)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(files)} files to {args.out}:")
    for path in files:
        print(f"  {path.name}")
    return 0


def _debrief(args) -> int:
    from .debrief import debrief

    try:
        result = debrief(args.folder, load_dataset(args.data))
    except (DataError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.report())
    from .handin import gradebook, write_gradebook

    book = gradebook(args.folder)
    if len(book.rows):
        out = Path(args.out) if args.out else Path(args.folder) / "gradebook"
        try:
            files = write_gradebook(book, out, lang=args.lang)
        except OSError as exc:
            print(f"error: cannot write to {out}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        print(f"\ngradebook: {len(book.rows)} students; wrote " + ", ".join(str(path) for path in files))
    return 0
