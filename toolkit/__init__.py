"""SMM outsourcing toolkit: which social media marketing services to outsource.

A small public API (the formulas in words: ``toolkit.model``'s docstring)::

    import toolkit
    data = toolkit.load_dataset()              # the bundled, sourced tables
    data = toolkit.load_dataset(toolkit.copy_data("my_data"))   # a copy to edit (data/ stays as it is)
    scenario = toolkit.Scenario(profile="small", clauses=("dpa_art28",))
    toolkit.evaluate(data, scenario)           # one row per service
    toolkit.breakdown(data, scenario)          # one row per (service, legal area)
    toolkit.portfolio(data, scenario)          # totals and the best clause set
    toolkit.simulate(data, scenario, draws=10_000, seed=0)   # Monte Carlo: what if the numbers are wrong?
    toolkit.sensitivity(data, scenario, change=0.2)          # one input at a time, +/- 20%
    scenario.save("my_scenario.json"); toolkit.Scenario.load("my_scenario.json")
    toolkit.check_setup()                      # is this installation ready for the lab? (toolkit.doctor)

Charts live in ``toolkit.plots`` and dashboards in ``toolkit.widgets``; neither is
imported here, so ``import toolkit`` stays light (no matplotlib, no ipywidgets).
"""
from .data import DataError, Dataset, copy_data, load_dataset, with_profile
from .doctor import check_setup  # cheap: the standard library only; each check imports what it needs
from .model import (RECOMMENDATIONS, PortfolioSummary, best_clause_set, break_even, breakdown, clause_value, evaluate,
                    portfolio, sweep)
from .scenario import RISK_BANDS, Scenario, ScenarioFileError
from .whatif import Simulation, sensitivity, simulate

__all__ = [
    "DataError", "Dataset", "load_dataset", "copy_data", "with_profile",
    "Scenario", "evaluate", "breakdown", "portfolio", "best_clause_set", "PortfolioSummary",
    "clause_value", "sweep", "break_even",
    "simulate", "Simulation", "sensitivity", "ScenarioFileError",
    "RISK_BANDS", "RECOMMENDATIONS", "check_setup",
]
__version__ = "0.1.0"
