"""
# How the model decides

For each social media marketing service the model compares two ways of running it
over the contract **horizon** (in months): keep it **in house**, or **outsource** it
to an agency or freelancer. Keeping it in house is the baseline: it adds no new legal
risk, because no third party handles the firm's content, data, brand or secrets.
All the numbers come from the tables in `data/`, each with its source.

## 1. What the work costs

* **Volume** = the profile's activity volume x the scenario's volume multiplier
  (1.0 = the reference volume of `costs.csv`).
* **Hourly cost of an employee** = gross salary x salary multiplier x on-cost
  multiplier / productive hours a year.
* **In-house cost** = (hours a month x volume x hourly cost + tools a month) x months.
* **Fee** = supplier's monthly fee x volume x fee multiplier.
* **Clause premium** = fee x the sum of the premiums (%) of the adopted clauses that
  protect this service (a clause protects a service when it mitigates a legal area in
  which the service is exposed).
* **Vendor management** = management hours a month x the profile's hourly cost *before*
  the salary multiplier (someone already on the staff must brief and check the supplier;
  the salary multiplier is about the person who would do the work in house, so paying
  that person more never makes outsourcing look worse).
* **Transition** (one-off) = transition months x fee: for a while the firm pays the
  supplier while its own people still run the service.
* **Drafting** (one-off) = each protecting clause's drafting cost, shared equally by
  the services in scope that it protects.
* **Outsourced cost** = (fee + clause premium + vendor management) x months
  + transition + drafting.
* **Savings** = in-house cost - outsourced cost.

## 2. What outsourcing risks

For each legal area in which the service is exposed (`exposure.csv`):

* **Inherent score** = likelihood x impact (each 1 to 5), with no clauses: 1 to 25.
  Some firms' business raises the stakes in one area (a clinic's health data in privacy,
  GDPR art. 9): `profile_adjustments.csv` adds impact steps for that firm, never above 5.
* **Residual likelihood** = likelihood - the likelihood steps of the adopted clauses
  for that area, never below 1. **Residual impact** likewise. A contract can lower a
  risk but never remove it. **Residual score** = residual likelihood x residual impact.
* A service's **inherent risk** and **residual risk** are its *worst* area's scores
  (so a summary never hides a critical area). An unexposed pair scores 0.
* **Risk band** of the residual risk: low 0-4, medium 5-9, high 10-16,
  critical 17-25 (`risk_bands.csv`).

## 3. What the risk costs in euros

For each exposed area, with the residual scores:

* **Yearly chance** = the probability of the residual likelihood level
  (`likelihood_levels.csv`).
* **Loss if it happens** = the larger of the impact level's floor in EUR and its share
  of the firm's turnover (`impact_levels.csv`; GDPR and AGCM fines scale with
  turnover).
* **Expected loss** = yearly chance x loss if it happens x years of the horizon.
* If the scenario sets **EUR per risk point**, that simpler rule is used instead:
  expected loss = residual score x EUR per risk point x years.

A service's **expected legal loss** is the sum over its areas (losses add up, while the
band looks at the worst one).

## 4. The recommendation

* **Net benefit** = savings - expected legal loss.
* **Keep in house** if the risk band is above the risk appetite (the highest band the
  firm accepts) or the net benefit is not positive.
* Otherwise **outsource with clauses** if at least one adopted clause protects the
  service, else **outsource**.

## 5. The portfolio and the best clause set

Totals are sums over the services in scope. The **decision's net benefit** adds up the
net benefit of the services recommended for outsourcing (those kept in house add 0).
The **best clause set** is found by trying every subset of the clauses (2^8 = 256 with
the bundled data) and keeping the one with the highest decision's net benefit; ties go
to the smaller set. A clause that costs more in fees and drafting than the risk it
removes is left out, so adopting every clause is not always best.

## 6. What if the numbers are wrong? (uncertainty)

Many inputs are estimates. `data/uncertainty.csv` gives, for eight of them, a range as a
**multiplier** of the value used above: lowest, most likely and highest (a triangular
distribution; 1 = the value in the tables and the scenario):

* **volume** (one draw for the firm) multiplies the activity volume, so the in-house hours
  and the fees together;
* **inhouse_hours** and **fee** (one draw for each service) multiply the in-house hours a
  month and the supplier's fee;
* **salary** (one draw) multiplies the in-house hourly cost (not vendor management, as in
  section 1); **management_hours** (one draw) the hours of vendor management;
* **likelihood** and **impact** (one draw each, for every service and area) multiply the
  yearly chance (never above 1) and the loss if it happens; **eur_per_risk_point** (one
  draw) the EUR per risk point, when the scenario uses that rule.

A **simulation** (`simulate`) draws all the multipliers many times (each draw is one
possible future) and runs sections 1 to 4 for each. The scores, bands and clauses do not
change, so the risk appetite test does not either. For each service it reports:

* the **probability that outsourcing beats keeping it in house** = the share of draws in
  which its net benefit is positive *and* its risk band is within the appetite (always 0
  for a service whose risk is above the appetite);
* **percentiles** of its net benefit: 5% of the draws fall below the 5th percentile, half
  below the median (50th), 95% below the 95th;
* the **decision's net benefit** in each draw: the net benefit of the services that the
  deterministic evaluation recommends for outsourcing.

With every range set to min = mode = max = 1 every draw equals the evaluation exactly.

## 7. Which input matters most? (sensitivity)

`sensitivity` changes **one input at a time** by +/- a share (default 20%), all else as
in the scenario: the same eight multipliers at 1 - change and 1 + change (likelihood and
impact only with the tables, EUR per risk point only with that rule). It reports the net
benefit of each service and of all of them together (**total**) at the low and the high
value; the **swing** = |high - low| ranks the inputs (the tornado chart). Where to stop
outsourcing as volume or horizon changes is the **break-even** (`sweep`, `break_even`).

The code: this module is the engine (sections 1 to 5, with `sweep` and `break_even`);
`toolkit.scenario` holds the inputs and their file format; `toolkit.whatif` sections 6 and 7.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pandas as pd

from .data import Dataset
from .scenario import RISK_BANDS, Scenario

__all__ = ["evaluate", "breakdown", "portfolio", "PortfolioSummary", "best_clause_set", "clause_value", "sweep",
           "break_even", "RECOMMENDATIONS"]

RECOMMENDATIONS = ("outsource", "outsource_with_clauses", "keep_in_house")


def evaluate(dataset: Dataset, scenario: Scenario | None = None) -> pd.DataFrame:
    """One row per service in scope: costs, savings, risk and the recommendation.

    Columns (EUR over the horizon unless said): ``inhouse_cost``, ``fee``,
    ``clause_premium``, ``vendor_management``, ``transition``, ``drafting``,
    ``outsourced_cost``, ``savings``, ``inherent_risk`` and ``residual_risk`` (0-25, the
    worst legal area), ``risk_band``, ``within_appetite``, ``inherent_legal_loss``,
    ``expected_legal_loss``, ``net_benefit``, ``outsourced`` (True where the recommendation
    is to outsource, with or without clauses: every consumer reads the decision here),
    ``recommendation``, ``reason`` (a short code: ``risk_above_appetite``, ``not_worth_it``
    or ``worth_it``), ``clauses_applied`` (a tuple of the ids of the adopted clauses that
    protect the service, alphabetical; empty if none).
    The formulas are in this module's docstring (``toolkit.model.__doc__``).
    """
    scenario = scenario or Scenario()
    inp = _prepare(dataset, scenario)
    result = _compute(inp, inp.base_mask)
    months = inp.months
    protects = result["protects"]
    recommendation = np.where(~result["outsource"], "keep_in_house",
                              np.where(protects.any(axis=1), "outsource_with_clauses", "outsource"))
    reason = np.where(~result["within"], "risk_above_appetite",
                      np.where(result["net"] > 0, "worth_it", "not_worth_it"))
    table = pd.DataFrame({
        "inhouse_cost": inp.inhouse_cost,
        "fee": inp.fee * months,
        "clause_premium": result["premium"] * months,
        "vendor_management": inp.management * months,
        "transition": inp.transition,
        "drafting": result["drafting"],
        "outsourced_cost": result["outsourced_cost"],
        "savings": result["savings"],
        "inherent_risk": result["inherent_risk"],
        "residual_risk": result["residual_risk"],
        "risk_band": [RISK_BANDS[r] for r in result["band_rank"]],
        "within_appetite": result["within"],
        "inherent_legal_loss": result["inherent_area_loss"].sum(axis=1),
        "expected_legal_loss": result["legal_loss"],
        "net_benefit": result["net"],
        "outsourced": result["outsource"],
        "recommendation": recommendation,
        "reason": reason,
        "clauses_applied": [tuple(c for c, on in zip(inp.clause_ids, row) if on) for row in protects],
    }, index=pd.Index(inp.services, name="service_id"))
    return table


def breakdown(dataset: Dataset, scenario: Scenario | None = None) -> pd.DataFrame:
    """One row per exposed (service, legal area) pair: scores before and after the clauses.

    Columns: ``likelihood``, ``impact``, ``inherent_score``, ``residual_likelihood``,
    ``residual_impact``, ``residual_score``, ``risk_band`` (of the residual score),
    ``annual_probability``, ``loss_if_it_happens`` (EUR), ``expected_loss`` (EUR over
    the horizon), ``inherent_expected_loss``, ``clauses`` (a tuple of the ids of the adopted
    clauses that act on this area), ``provision``.
    """
    scenario = scenario or Scenario()
    inp = _prepare(dataset, scenario)
    result = _compute(inp, inp.base_mask)
    acting = (inp.like_steps + inp.impact_steps > 0) & inp.base_mask[:, None]  # clauses x areas
    rows = []
    for i, service in enumerate(inp.services):
        for j, area in enumerate(inp.areas):
            if not inp.exposed[i, j]:
                continue
            res_like, res_impact = result["res_like"][i, j], result["res_impact"][i, j]
            rows.append({
                "service_id": service, "area_id": area,
                "likelihood": inp.likelihood[i, j], "impact": inp.impact[i, j],
                "inherent_score": result["inherent_score"][i, j],
                "residual_likelihood": res_like, "residual_impact": res_impact,
                "residual_score": result["residual_score"][i, j],
                "risk_band": RISK_BANDS[_band_rank(np.array([result["residual_score"][i, j]]), inp.band_edges)[0]],
                "annual_probability": inp.probability[res_like],
                "loss_if_it_happens": inp.loss[res_impact],
                "expected_loss": result["area_loss"][i, j],
                "inherent_expected_loss": result["inherent_area_loss"][i, j],
                "clauses": tuple(c for c, on in zip(inp.clause_ids, acting[:, j]) if on),
                "provision": dataset.exposure.loc[(service, area), "provision"],
            })
    return pd.DataFrame(rows).set_index(["service_id", "area_id"])


def best_clause_set(dataset: Dataset, scenario: Scenario | None = None) -> tuple[tuple[str, ...], float]:
    """The clause set with the highest decision's net benefit, and that value (section 5).

    Every subset of the dataset's clauses is tried; the scenario's own ``clauses`` field is
    ignored. Ties go to the smaller set, then to the first in alphabetical order.
    """
    scenario = scenario or Scenario()
    inp = _prepare(dataset, scenario)
    best, best_value = (), -math.inf
    count = len(inp.clause_ids)
    for size in range(count + 1):
        for subset in itertools.combinations(range(count), size):
            mask = np.zeros(count, dtype=bool)
            mask[list(subset)] = True
            value = _decision_value(_compute(inp, mask))
            if value > best_value + 1e-6:  # strictly better: ties keep the smaller, earlier set
                best, best_value = tuple(inp.clause_ids[k] for k in subset), value
    return tuple(sorted(best)), best_value


MONEY_COLUMNS = ["inhouse_cost", "fee", "clause_premium", "vendor_management", "transition", "drafting",
                 "outsourced_cost", "savings", "inherent_legal_loss", "expected_legal_loss", "net_benefit"]


def portfolio(dataset: Dataset, scenario: Scenario | None = None) -> PortfolioSummary:
    """Totals for the scenario and the clause set that serves it best."""
    scenario = scenario or Scenario()
    evaluation = evaluate(dataset, scenario)
    best, best_value = best_clause_set(dataset, scenario)
    best_scenario = scenario.replace(clauses=best)
    return PortfolioSummary(
        scenario=scenario,
        totals=evaluation[MONEY_COLUMNS].sum(),
        decision_net_benefit=float(evaluation.loc[evaluation.outsourced, "net_benefit"].sum()),
        counts=evaluation.recommendation.value_counts().reindex(list(RECOMMENDATIONS), fill_value=0),
        best_clauses=best,
        best_net_benefit=best_value,
        evaluation=evaluation,
        best_evaluation=evaluate(dataset, best_scenario),
    )


@dataclass(frozen=True)
class PortfolioSummary:
    """Totals over the services in scope, and the best clause set.

    totals: sums of the money columns of :func:`evaluate` over all services in scope.
    decision_net_benefit: net benefit of the services recommended for outsourcing.
    counts: number of services per recommendation.
    best_clauses / best_net_benefit: the clause set that maximises the decision's net
    benefit with every outsourced service within the risk appetite, and that value.
    evaluation: the scenario's table; best_evaluation: the same with the best clauses.
    """

    scenario: Scenario
    totals: pd.Series
    decision_net_benefit: float
    counts: pd.Series
    best_clauses: tuple[str, ...]
    best_net_benefit: float
    evaluation: pd.DataFrame = field(repr=False)
    best_evaluation: pd.DataFrame = field(repr=False)


def clause_value(dataset: Dataset, scenario: Scenario | None = None) -> pd.DataFrame:
    """What each clause costs and what risk it removes, on top of the scenario's clauses.

    One row per clause of the dataset: ``cost`` (EUR over the horizon: fee premiums plus
    drafting, over all services in scope), ``risk_removed`` (EUR: the fall in total expected
    legal loss), ``value`` (= risk_removed - cost), ``adopted`` (in the scenario). For a
    clause already adopted the figures compare the scenario with and without it; for the
    others, with and without adding it. Every service in scope counts, outsourced or not.
    """
    scenario = scenario or Scenario()
    inp = _prepare(dataset, scenario)
    rows = []
    for k, clause in enumerate(inp.clause_ids):
        without, with_ = inp.base_mask.copy(), inp.base_mask.copy()
        without[k], with_[k] = False, True
        a, b = _compute(inp, without), _compute(inp, with_)
        cost = float(b["outsourced_cost"].sum() - a["outsourced_cost"].sum())
        removed = float(a["legal_loss"].sum() - b["legal_loss"].sum())
        rows.append({"clause_id": clause, "cost": cost, "risk_removed": removed, "value": removed - cost,
                     "adopted": bool(inp.base_mask[k])})
    return pd.DataFrame(rows).set_index("clause_id")


def sweep(dataset: Dataset, scenario: Scenario | None, field_name: str, values, column: str = "savings"
          ) -> pd.DataFrame:
    """``column`` of :func:`evaluate` for each value of one Scenario field.

    Rows: the values (index named after the field); columns: the services in scope.
    Example: ``sweep(data, scenario, "horizon_months", range(1, 61))``.
    """
    scenario = scenario or Scenario()
    rows = {value: evaluate(dataset, scenario.replace(**{field_name: value}))[column] for value in values}
    table = pd.DataFrame(rows).T
    table.index.name = field_name
    return table


def break_even(curve: pd.DataFrame) -> pd.Series:
    """Where each column of a :func:`sweep` first crosses zero (linear interpolation).

    NaN where it never crosses within the values tried.
    """
    x = curve.index.to_numpy(dtype=float)
    result = {}
    for service, y in curve.items():
        y = y.to_numpy(dtype=float)
        found = np.nan
        for i in range(1, len(y)):
            if (y[i - 1] < 0) != (y[i] < 0):
                found = x[i - 1] + (x[i] - x[i - 1]) * (0 - y[i - 1]) / (y[i] - y[i - 1])
                break
        result[service] = found
    return pd.Series(result, name="break_even")


# --- the computation -----------------------------------------------------------------------
# Prepared once per (dataset, scenario) as arrays of services x areas, so that trying all
# 256 clause sets costs a few milliseconds.


@dataclass(frozen=True)
class _Inputs:
    services: list
    areas: list
    clause_ids: list
    exposed: np.ndarray  # services x areas, bool
    likelihood: np.ndarray  # services x areas, int (0 where not exposed)
    impact: np.ndarray
    like_steps: np.ndarray  # clauses x areas
    impact_steps: np.ndarray
    premium_rate: np.ndarray  # clauses, share of the fee
    drafting_cost: np.ndarray  # clauses
    probability: np.ndarray  # index = likelihood level 0..5
    loss: np.ndarray  # index = impact level 0..5
    inhouse_cost: np.ndarray  # services
    fee: np.ndarray  # services, per month
    management: np.ndarray  # services, per month
    transition: np.ndarray  # services, one-off
    months: int
    band_edges: list  # (band, max_score), ascending
    appetite_rank: int
    eur_per_risk_point: float | None
    base_mask: np.ndarray  # clauses adopted by the scenario, bool
    # The ingredients of the money (section 1), kept so that a simulation can vary them.
    hours: np.ndarray  # services, in-house hours a month at the reference volume
    tools: np.ndarray  # services, EUR a month
    fee_reference: np.ndarray  # services, EUR a month at the reference volume
    volume: float  # the profile's volume x the scenario's multiplier
    hourly: float  # in-house hourly cost (with the salary multiplier)
    base_hourly: float  # the profile's hourly cost (managing a supplier)
    fee_multiplier: float
    management_hours: float
    transition_months: float
    # Simulation only (section 6), draws x 1: multipliers of the yearly chance and of the loss
    # (with eur_per_risk_point: of the EUR per point).
    chance_factor: np.ndarray | None = None
    loss_factor: np.ndarray | None = None


def _prepare(dataset: Dataset, scenario: Scenario) -> _Inputs:
    scenario.check(dataset)
    profile = dataset.profiles.loc[scenario.profile]
    services = list(scenario.services) if scenario.services else list(dataset.services.index)
    services = [s for s in dataset.services.index if s in services]  # table order
    areas = list(dataset.legal_areas.index)
    clause_ids = list(dataset.clauses.index)

    exposure = dataset.exposure
    likelihood = np.zeros((len(services), len(areas)), dtype=int)
    impact = np.zeros_like(likelihood)
    for (service, area), row in exposure.iterrows():
        if service in services:
            likelihood[services.index(service), areas.index(area)] = row.likelihood
            impact[services.index(service), areas.index(area)] = row.impact
    adjustments = dataset.profile_adjustments
    if scenario.profile in adjustments.index.get_level_values("profile_id"):
        for area, row in adjustments.loc[scenario.profile].iterrows():
            column = areas.index(area)
            raised = np.minimum(5, impact[:, column] + row.impact_steps)
            impact[:, column] = np.where(likelihood[:, column] > 0, raised, 0)
    like_steps = np.zeros((len(clause_ids), len(areas)), dtype=int)
    impact_steps = np.zeros_like(like_steps)
    for (clause, area), row in dataset.clause_effects.iterrows():
        like_steps[clause_ids.index(clause), areas.index(area)] = row.likelihood_steps
        impact_steps[clause_ids.index(clause), areas.index(area)] = row.impact_steps

    months = scenario.horizon_months
    volume = profile.activity_volume * scenario.volume
    base_hourly = profile.gross_salary_eur * profile.oncost_multiplier / profile.productive_hours_year
    hourly = base_hourly * scenario.salary_multiplier
    costs = dataset.costs.loc[services]
    ingredients = dict(hours=costs.inhouse_hours_month.to_numpy(dtype=float),
                       tools=costs.tools_eur_month.to_numpy(dtype=float),
                       fee_reference=costs.outsourced_fee_eur_month.to_numpy(dtype=float),
                       volume=float(volume), hourly=float(hourly), base_hourly=float(base_hourly),
                       fee_multiplier=scenario.fee_multiplier, management_hours=scenario.management_hours,
                       transition_months=scenario.transition_months)
    inhouse, fee, management, transition = _money(SimpleNamespace(months=months, **ingredients))

    probability = np.zeros(6)
    probability[dataset.likelihood_levels.index] = dataset.likelihood_levels.annual_probability
    levels = dataset.impact_levels
    loss = np.zeros(6)
    loss[levels.index] = np.maximum(levels.loss_floor_eur, levels.loss_turnover_pct / 100 * profile.turnover_eur)

    bands = dataset.risk_bands.sort_values("max_score")
    return _Inputs(
        services=services, areas=areas, clause_ids=clause_ids, exposed=likelihood > 0,
        likelihood=likelihood, impact=impact, like_steps=like_steps, impact_steps=impact_steps,
        premium_rate=dataset.clauses.loc[clause_ids, "fee_premium_pct"].to_numpy() / 100,
        drafting_cost=dataset.clauses.loc[clause_ids, "drafting_cost_eur"].to_numpy(),
        probability=probability, loss=loss, inhouse_cost=inhouse, fee=fee,
        management=np.full(len(services), management), months=months, transition=transition,
        band_edges=list(zip(bands.index, bands.max_score)),
        appetite_rank=RISK_BANDS.index(scenario.risk_appetite),
        eur_per_risk_point=scenario.eur_per_risk_point,
        base_mask=np.array([c in scenario.clauses for c in clause_ids]),
        **ingredients,
    )


def _money(inp, volume=1.0, hours=1.0, salary=1.0, fee=1.0, management=1.0):
    """Section 1's money: in-house cost over the horizon, the fee and vendor management a month,
    and the one-off transition. The optional multipliers (numbers, or arrays of draws x services
    or draws x 1) are the uncertain inputs of section 6; at 1.0 the result is exactly the
    deterministic one (multiplying by 1.0 changes no bit).
    """
    volume = inp.volume * volume
    hourly = inp.hourly * salary
    inhouse = (inp.hours * hours * volume * hourly + inp.tools) * inp.months
    monthly_fee = inp.fee_reference * volume * inp.fee_multiplier * fee
    managing = inp.management_hours * management * inp.base_hourly
    return inhouse, monthly_fee, managing, monthly_fee * inp.transition_months


def _band_rank(scores: np.ndarray, edges) -> np.ndarray:
    maxima = np.array([high for _, high in edges])
    names = [band for band, _ in edges]
    positions = np.searchsorted(maxima, scores, side="left")
    return np.array([RISK_BANDS.index(names[p]) for p in positions])


def _compute(inp: _Inputs, mask: np.ndarray) -> dict:
    """The whole model for one clause set (mask over clauses). Returns arrays.

    The money arrays of ``inp`` (inhouse_cost, fee, management, transition) may carry a
    leading axis of draws (draws x services) and ``chance_factor``/``loss_factor`` may be
    draws x 1 multipliers (section 6): savings, legal_loss, net, outsource then have the
    draws axis too. The scores, bands, clause choices and the per-area losses
    (area_loss, inherent_area_loss) never vary between draws.
    """
    exposed = inp.exposed
    # Residual scores (section 2): subtract the adopted clauses' steps, never below 1.
    like_cut = mask @ inp.like_steps  # areas
    impact_cut = mask @ inp.impact_steps
    res_like = np.where(exposed, np.maximum(1, inp.likelihood - like_cut), 0)
    res_impact = np.where(exposed, np.maximum(1, inp.impact - impact_cut), 0)
    inherent_score = inp.likelihood * inp.impact
    residual_score = res_like * res_impact

    # Which adopted clauses protect which service (section 1): a clause mitigating an area
    # in which the service is exposed.
    acts = (inp.like_steps + inp.impact_steps) > 0  # clauses x areas
    protects = (exposed.astype(int) @ acts.T.astype(int) > 0) & mask  # services x clauses
    sharing = protects.sum(axis=0)  # services protected by each clause
    drafting = (protects * np.divide(inp.drafting_cost, sharing, out=np.zeros_like(inp.drafting_cost, dtype=float),
                                     where=sharing > 0)).sum(axis=1)
    premium = inp.fee * (protects * inp.premium_rate).sum(axis=1)
    outsourced_cost = (inp.fee + premium + inp.management) * inp.months + inp.transition + drafting
    savings = inp.inhouse_cost - outsourced_cost

    # Euros (section 3): expected loss per area over the horizon.
    years = inp.months / 12
    if inp.eur_per_risk_point is None:
        chance, loss = inp.probability[res_like], inp.loss[res_impact]
        area_loss = chance * loss * years
        inherent_area_loss = inp.probability[inp.likelihood] * inp.loss[inp.impact] * years
    else:
        area_loss = residual_score * inp.eur_per_risk_point * years
        inherent_area_loss = inherent_score * inp.eur_per_risk_point * years
    area_loss = np.where(exposed, area_loss, 0.0)
    inherent_area_loss = np.where(exposed, inherent_area_loss, 0.0)
    legal_loss = area_loss.sum(axis=1)
    if inp.chance_factor is not None:  # section 6: a yearly chance times its multiplier, never above 1
        if chance.max() * inp.chance_factor.max() <= 1.0:  # no chance reaches 1: the multiplier factors out
            legal_loss = legal_loss * inp.chance_factor
        else:
            capped = np.minimum(chance * inp.chance_factor[:, :, None], 1.0) * loss * years
            legal_loss = np.where(exposed, capped, 0.0).sum(axis=-1)
    if inp.loss_factor is not None:  # the loss (or EUR per point) times its multiplier: linear, so it factors out
        legal_loss = legal_loss * inp.loss_factor
    net = savings - legal_loss

    # Decision (section 4).
    residual_risk = residual_score.max(axis=1)
    band_rank = _band_rank(residual_risk, inp.band_edges)
    within = band_rank <= inp.appetite_rank
    outsource = within & (net > 0)
    return dict(res_like=res_like, res_impact=res_impact, inherent_score=inherent_score,
                residual_score=residual_score, protects=protects, drafting=drafting, premium=premium,
                outsourced_cost=outsourced_cost, savings=savings, area_loss=area_loss,
                inherent_area_loss=inherent_area_loss, legal_loss=legal_loss, net=net,
                inherent_risk=inherent_score.max(axis=1), residual_risk=residual_risk,
                band_rank=band_rank, within=within, outsource=outsource)


def _decision_value(result: dict) -> float:
    """Net benefit of the services recommended for outsourcing (section 5)."""
    return float(result["net"][result["outsource"]].sum())

