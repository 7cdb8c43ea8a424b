"""What if the numbers are wrong? The Monte Carlo simulation and the sensitivity analysis.

The method, in words, is in sections 6 and 7 of :mod:`toolkit.model`'s docstring
(``print(toolkit.model.__doc__)``). Both run the engine of :mod:`toolkit.model` on arrays:
the inputs are prepared once, then the money of section 1 is recomputed with multipliers
(one row of multipliers per simulated future, or per input moved up or down), and the
whole model runs on all rows at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .data import Dataset
from .model import _compute, _Inputs, _money, _prepare, evaluate
from .scenario import Scenario

__all__ = ["simulate", "Simulation", "sensitivity", "UNCERTAIN_INPUTS", "PERCENTILES", "TOTAL", "DECISION"]

UNCERTAIN_INPUTS = ("volume", "inhouse_hours", "salary", "fee", "management_hours", "likelihood", "impact",
                    "eur_per_risk_point")
_PER_SERVICE = ("inhouse_hours", "fee")  # one draw for each service; the others one draw for the firm
PERCENTILES = (5, 25, 50, 75, 95)
_CHUNK = 10_000  # draws computed at once (memory; the progress callback is called after each)
_MAX_DRAWS = 1_000_000


@dataclass(frozen=True)
class Simulation:
    """The result of :func:`simulate`.

    summary: one row per service in scope: ``deterministic`` (net benefit of
    :func:`evaluate`, EUR), ``outsourced``, ``recommendation``, ``within_appetite`` and
    ``risk_acceptable`` (of the evaluation), ``probability_outsource`` (share of draws in which
    the net benefit is positive and the risk passes the appetite test: the probability that
    outsourcing beats keeping it in house),
    ``probability_positive`` (share with a positive net benefit), ``mean`` and ``p5``,
    ``p25``, ``p50``, ``p75``, ``p95`` (percentiles of the net benefit, EUR).
    net_benefit: the raw draws, draws x services (EUR over the horizon).
    outsource: draws x services, True where outsourcing beats keeping it in house.
    decision_net_benefit: per draw, the net benefit of the services the evaluation
    recommends for outsourcing (0 in every draw if it recommends none).
    """

    scenario: Scenario
    draws: int
    seed: int | None
    summary: pd.DataFrame = field(repr=False)
    net_benefit: pd.DataFrame = field(repr=False)
    outsource: pd.DataFrame = field(repr=False)
    decision_net_benefit: pd.Series = field(repr=False)


def simulate(dataset: Dataset, scenario: Scenario | None = None, draws: int = 10_000, seed: int | None = 0,
             progress=None) -> Simulation:
    """Monte Carlo over the uncertain inputs of ``data/uncertainty.csv`` (section 6).

    ``draws`` possible futures (1 to 1,000,000), reproducible with ``seed`` (an int; None
    for fresh randomness). All draws are computed as arrays, 10,000 at a time; after each
    batch ``progress(done, draws)`` is called if given (a notebook can move a progress bar).
    """
    scenario = scenario or Scenario()
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or not 1 <= draws <= _MAX_DRAWS:
        raise ValueError(f"draws: expected a whole number from 1 to {_MAX_DRAWS:,}, got {draws!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed: expected a whole number of at least 0 (or None), got {seed!r}")
    if progress is not None and not callable(progress):
        raise ValueError(f"progress: expected a function progress(done, total) or None, got {progress!r}")
    draws = int(draws)
    inp = _prepare(dataset, scenario)
    every = list(dataset.services.index)
    columns = [every.index(service) for service in inp.services]
    rng = np.random.default_rng(seed)
    net = np.empty((draws, len(inp.services)))
    outsource = np.empty((draws, len(inp.services)), dtype=bool)
    for start in range(0, draws, _CHUNK):
        count = min(_CHUNK, draws - start)
        result = _compute(_with_factors(inp, _draw_factors(rng, dataset.uncertainty, count, len(every)), columns),
                          inp.base_mask)
        net[start:start + count] = result["net"]
        outsource[start:start + count] = result["outsource"]
        if progress is not None:
            progress(start + count, draws)

    evaluation = evaluate(dataset, scenario)
    index = pd.Index(inp.services, name="service_id")
    summary = pd.DataFrame({
        "deterministic": evaluation["net_benefit"],
        "outsourced": evaluation["outsourced"],
        "recommendation": evaluation["recommendation"],
        "within_appetite": evaluation["within_appetite"],
        "risk_acceptable": evaluation["risk_acceptable"],
        "probability_outsource": outsource.mean(axis=0),
        "probability_positive": (net > 0).mean(axis=0),
        "mean": net.mean(axis=0),
        **{f"p{q}": values for q, values in zip(PERCENTILES, np.percentile(net, PERCENTILES, axis=0))},
    }, index=index)
    chosen = evaluation["outsourced"].to_numpy()
    draw_index = pd.RangeIndex(draws, name="draw")
    return Simulation(
        scenario=scenario, draws=draws, seed=seed, summary=summary,
        net_benefit=pd.DataFrame(net, index=draw_index, columns=index),
        outsource=pd.DataFrame(outsource, index=draw_index, columns=index),
        decision_net_benefit=pd.Series(net[:, chosen].sum(axis=1), index=draw_index, name="decision_net_benefit"),
    )


TOTAL = "total"  # the service column's value for the sum over the services in scope
DECISION = "decision"  # ... and for the sum over the services the evaluation outsources (the decision)


def decision_or_total(table: pd.DataFrame) -> str:
    """Whose net benefit a :func:`sensitivity` table is read by (the tornado chart, the report): DECISION, or
    TOTAL when the decision outsources nothing (its net benefit is then 0 whatever the inputs) or the table
    has no DECISION rows."""
    mine = table[table["service"] == DECISION]
    if mine.empty or not mine[["base_net", "low_net", "high_net"]].to_numpy().any():
        return TOTAL
    return DECISION


def sensitivity(dataset: Dataset, scenario: Scenario | None = None, change: float = 0.2) -> pd.DataFrame:
    """Net benefit when one input at a time is lower or higher by ``change`` (section 7).

    A tidy table, one row per (input, service): the services in scope, ``"decision"`` (the sum over
    the services the scenario's :func:`evaluate` outsources, its ``outsourced`` column: the net
    benefit of the decision, 0 if it outsources none) and ``"total"`` (the sum over all the services
    in scope, as if every one were outsourced): ``input``, ``service``, ``low_factor`` and ``high_factor``
    (1 -/+ change),
    ``base_value``, ``low_value``, ``high_value`` (the input itself: volume as a multiple of
    the reference, in-house hours a month and fees in EUR a month of the row's service or of
    all of them, salary as the in-house EUR an hour, management hours a month per service,
    likelihood and impact as multiples of their tables, EUR per risk point), ``base_net``, ``low_net``,
    ``high_net`` (net benefit, EUR over the horizon) and ``swing`` = |high_net - low_net|.
    Rows are ordered by the decision's swing, largest first (by the total's when the decision
    outsources nothing).
    """
    scenario = scenario or Scenario()
    if isinstance(change, bool) or not isinstance(change, (int, float)) or not 0 < change < 1:
        raise ValueError(f"change: expected a share above 0 and below 1 (0.2 = 20%), got {change!r}")
    inp = _prepare(dataset, scenario)
    unused = ("likelihood", "impact") if inp.eur_per_risk_point is not None else ("eur_per_risk_point",)
    names = [n for n in UNCERTAIN_INPUTS if n not in unused]
    count = len(inp.services)
    rows = 1 + 2 * len(names)  # the scenario, then each input low and high
    factors = {n: np.ones((rows, count if n in _PER_SERVICE else 1)) for n in UNCERTAIN_INPUTS}
    for k, name in enumerate(names):
        factors[name][1 + 2 * k] = 1 - change
        factors[name][2 + 2 * k] = 1 + change
    net = _compute(_with_factors(inp, factors, list(range(count))), inp.base_mask)["net"]
    hours, fees = inp.hours * inp.volume, inp.fee  # a month, per service at the scenario's volume
    chosen = evaluate(dataset, scenario)["outsourced"].reindex(inp.services).to_numpy(dtype=bool)
    picks = {DECISION: chosen, TOTAL: slice(None), **{service: i for i, service in enumerate(inp.services)}}
    records = []
    for k, name in enumerate(names):
        base, low, high = net[0], net[1 + 2 * k], net[2 + 2 * k]
        for service, one in picks.items():
            b, lo, hi = base[one].sum(), low[one].sum(), high[one].sum()
            value = {"volume": inp.volume, "inhouse_hours": float(np.sum(hours[one])), "salary": inp.hourly,
                     "fee": float(np.sum(fees[one])), "management_hours": inp.management_hours, "likelihood": 1.0,
                     "impact": 1.0, "eur_per_risk_point": inp.eur_per_risk_point}[name]
            records.append({"input": name, "service": service, "low_factor": 1 - change, "high_factor": 1 + change,
                            "base_value": value, "low_value": value * (1 - change), "high_value": value * (1 + change),
                            "base_net": float(b), "low_net": float(lo), "high_net": float(hi),
                            "swing": abs(float(hi) - float(lo))})
    table = pd.DataFrame(records)
    ranked = DECISION if chosen.any() else TOTAL
    order = table[table.service == ranked].sort_values("swing", ascending=False, kind="stable")["input"].tolist()
    table["_rank"] = table["input"].map({name: k for k, name in enumerate(order)})
    return table.sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)


# --- the draws and their multipliers ------------------------------------------------------


def _draw_factors(rng: np.random.Generator, table: pd.DataFrame, draws: int, services: int) -> dict:
    """Multipliers for ``draws`` draws from the triangular ranges of ``table`` (uncertainty.csv).

    Arrays of draws x services for the per-service inputs, draws x 1 for the others, drawn
    in the order of UNCERTAIN_INPUTS (so a seed gives the same futures whatever the scenario).
    """
    factors = {}
    for name in UNCERTAIN_INPUTS:
        low, mode, high = (float(table.loc[name, column]) for column in ("min_factor", "mode_factor", "max_factor"))
        shape = (draws, services if name in _PER_SERVICE else 1)
        factors[name] = rng.triangular(low, mode, high, size=shape) if high > low else np.full(shape, mode)
    return factors


def _with_factors(inp: _Inputs, factors: dict, columns) -> _Inputs:
    """The prepared inputs of a batch of draws: money arrays of draws x services, risk
    multipliers of draws x 1. ``columns`` picks the services in scope out of per-service factors."""
    inhouse, fee, management, transition = _money(
        inp, volume=factors["volume"], hours=factors["inhouse_hours"][:, columns], salary=factors["salary"],
        fee=factors["fee"][:, columns], management=factors["management_hours"])
    if inp.eur_per_risk_point is None:
        risk = dict(chance_factor=factors["likelihood"], loss_factor=factors["impact"])
    else:
        risk = dict(loss_factor=factors["eur_per_risk_point"])
    return replace(inp, inhouse_cost=inhouse, fee=fee, management=management, transition=transition, **risk)
