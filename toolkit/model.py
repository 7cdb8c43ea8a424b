"""
# How the model decides

For each social media marketing service the model compares two ways of running it
over the contract **horizon** (in months): keep it **in house** (the firm's own staff do
the work) or **outsource** it to an agency or freelancer. Both ways carry legal risk: the
firm is the controller of its customers' data, the owner of its brand and the advertiser
whoever does the work. Outsourcing changes that risk: it can add some (a third party now
holds the firm's data, content, brand and secrets) and it can remove some (a specialist
with trained staff and checked processes). The decision weighs the money saved against
the **difference** in legal risk. All the numbers come from the tables in `data/`, each
with its source; `docs/model.md` explains the calibration and the limits.

## 1. What the work costs

* **Volume** = the profile's activity volume x the scenario's volume multiplier
  (1.0 = the reference volume of `costs.csv`).
* **Hourly cost of an employee** = gross salary x salary multiplier x on-cost
  multiplier / productive hours a year.
* **In-house cost** = (hours a month x volume x hourly cost + tools a month) x months.
* **Fee** = supplier's monthly fee x volume x fee multiplier.
* **The clauses in a service's contract** = the adopted clauses that act on a legal area
  in which the service is exposed when outsourced, plus, always, the clauses the law
  requires for outsourcing it (`requirements.csv`: the GDPR art. 28 data processing
  agreement when the supplier processes personal data for the firm, the written
  assignment of rights, LdA art. 110, when it creates works the firm will use).
* **Clause premium** = fee x the sum of the fee changes (%) of the clauses in the
  contract: a premium for a clause that protects the firm, a discount (negative) for one
  the supplier asks for, such as a cap on its liability.
* **Vendor management** = management hours a month x the profile's hourly cost *before*
  the salary multiplier (someone already on the staff must brief and check the supplier;
  the salary multiplier is about the person who would do the work in house, so paying
  that person more never makes outsourcing look worse).
* **Transition** (one-off) = transition months x fee: for a while the firm pays the
  supplier while its own people still run the service.
* **Drafting** (one-off) = each clause's drafting cost, shared equally by the services in
  scope whose contract holds it.
* **Outsourced cost** = (fee + clause premium + vendor management) x months
  + transition + drafting.
* **Savings** = in-house cost - outsourced cost.

## 2. How risky each way is (scores)

For each (service, legal area) pair of `exposure.csv`, two sets of scores, each a
likelihood and an impact from 1 to 5 (0: no risk on that side):

* **In house**: the likelihood and impact when the firm's own staff do the work.
* **Outsourced, inherent**: the likelihood and impact when a supplier does it with no
  clauses. **Inherent score** = likelihood x impact, 1 to 25.
* **Outsourced, residual**: the inherent likelihood minus the likelihood steps of the
  clauses in the contract that act on that area, kept between 1 and 5; the **residual
  impact** likewise. A clause the firm asks for takes steps off (a contract can lower a
  risk but never remove it); a clause the supplier asks for (the cap on its liability) adds
  a step, because the firm then keeps the loss above the cap. **Residual score** =
  residual likelihood x residual impact.
* Some firms' business raises the stakes in one area on both sides (a clinic's health
  data in privacy, GDPR art. 9): `profile_adjustments.csv` adds impact steps for that
  firm, never above 5.
* A service's **in-house risk**, **inherent risk** and **residual risk** are its *worst*
  area's scores on that side (so a summary never hides a critical area).
* **Risk band** of the residual risk: low 0-4, medium 5-9, high 10-16,
  critical 17-25 (`risk_bands.csv`).

## 3. What the risk costs in euros

For each pair and each side, with that side's scores (the residual ones when outsourced):

* **Yearly chance of an incident** = the probability of the likelihood level
  (`likelihood_levels.csv`): something goes wrong that could ground a claim, such as an
  e-mail sent without consent or a photo used without a licence.
* **Chance it becomes a claim** = the share of incidents that turn into a fine, damages,
  a demand letter or legal costs, for the legal area and the firm's size class
  (`incident_losses.csv`): most incidents never reach an authority or a court.
* **Loss when it does** = for the legal area and size class (`incident_losses.csv`,
  from real fines, awards and settlements in `enforcement.csv`): impact 1 is the low
  loss, 3 the typical loss, 5 the high loss; 2 and 4 lie halfway between (the geometric
  mean of their neighbours), so a loss never leaves the range the evidence shows.
* **Expected loss** = yearly chance of an incident x chance it becomes a claim x loss when
  it does x years of the horizon.
* If the scenario sets **EUR per risk point**, that simpler rule is used instead, on both
  sides: expected loss = score x EUR per risk point x years.

A service's **in-house legal loss** and **outsourced legal loss** are the sums over its
areas (losses add up, while the bands look at the worst one). Its **expected legal loss**
= outsourced legal loss - in-house legal loss: what outsourcing adds, negative when a
supplier with its required clauses lowers the risk.

## 4. The recommendation

* **Net benefit** = savings - expected legal loss.
* **Keep in house** if the net benefit is not positive, or if outsourcing would leave a
  risk above the risk appetite (the highest band the firm accepts) that is also higher
  than the risk of doing the work in house (a risk above the appetite either way is no
  reason to prefer one way over the other).
* Otherwise **outsource with clauses** if its contract holds at least one clause (a
  required one counts), else **outsource**.

## 5. The portfolio and the best clause set

Totals are sums over the services in scope. The **decision's net benefit** adds up the
net benefit of the services recommended for outsourcing (those kept in house add 0).
The **best clause set** is found by trying every subset of the optional clauses (those no
service in scope requires: 2^7 = 128 with the bundled data) and keeping the one with the
highest decision's net benefit; ties go to the smaller set. A clause that costs more in
fees and drafting than the risk it removes is left out, so adopting every clause is not
always best.

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
* **likelihood** and **impact** (one draw each, for every service and area, on both sides
  alike) multiply the yearly chance of an incident (never above 1) and the loss when it
  becomes a claim; **eur_per_risk_point** (one draw) the EUR per risk point, when the
  scenario uses that rule.

A **simulation** (`simulate`) draws all the multipliers many times (each draw is one
possible future) and runs sections 1 to 4 for each. The scores, bands and clauses do not
change, so the risk appetite test does not either. For each service it reports:

* the **probability that outsourcing beats keeping it in house** = the share of draws in
  which its net benefit is positive *and* its risk passes the appetite test of section 4
  (always 0 for a service that fails it);
* **percentiles** of its net benefit: 5% of the draws fall below the 5th percentile, half
  below the median (50th), 95% below the 95th;
* the **decision's net benefit** in each draw: the net benefit of the services that the
  deterministic evaluation recommends for outsourcing.

With every range set to min = mode = max = 1 every draw equals the evaluation exactly.

## 7. Which input matters most? (sensitivity)

`sensitivity` changes **one input at a time** by +/- a share (default 20%), all else as
in the scenario: the same eight multipliers at 1 - change and 1 + change (likelihood and
impact only with the tables, EUR per risk point only with that rule). It reports the net
benefit of each service, of the services the scenario's decision outsources (**decision**,
the centre of the tornado chart) and of all of them together (**total**) at the low and the
high value; the **swing** = |high - low| ranks the inputs (the tornado chart, by the
decision's swing). Where to stop
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
    worst legal area when outsourced, before and after the clauses), ``inhouse_risk`` (0-25,
    the worst legal area when kept in house), ``risk_band`` (of the residual risk),
    ``within_appetite`` (the residual risk's band is within the appetite), ``risk_acceptable``
    (the risk test of the recommendation: within the appetite, or no higher than in house),
    ``inherent_legal_loss`` (outsourced with no clauses), ``inhouse_legal_loss`` and
    ``outsourced_legal_loss`` (the expected loss on each side, after the clauses),
    ``expected_legal_loss`` (= outsourced - in house: the loss outsourcing adds; negative
    when a supplier lowers it), ``net_benefit`` (= savings - expected legal loss),
    ``outsourced`` (True where the recommendation is to outsource, with or without clauses:
    every consumer reads the decision here), ``recommendation``, ``reason`` (a short code:
    ``risk_above_appetite``, ``not_worth_it`` or ``worth_it``), ``clauses_applied`` (a tuple
    of the ids of the clauses in the service's contract: the adopted ones that act on its
    risks and the ones the law requires, in alphabetical order; empty if none).
    The formulas are in this module's docstring (``toolkit.model.__doc__``).
    """
    scenario = scenario or Scenario()
    inp = _prepare(dataset, scenario)
    result = _compute(inp, inp.base_mask)
    months = inp.months
    applied = result["applied"]
    recommendation = np.where(~result["outsource"], "keep_in_house",
                              np.where(applied.any(axis=1), "outsource_with_clauses", "outsource"))
    reason = np.where(~result["acceptable"], "risk_above_appetite",
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
        "inhouse_risk": result["inhouse_risk"],
        "risk_band": [RISK_BANDS[r] for r in result["band_rank"]],
        "within_appetite": result["within"],
        "risk_acceptable": result["acceptable"],
        "inherent_legal_loss": result["inherent_area_loss"].sum(axis=1),
        "inhouse_legal_loss": result["inhouse_loss"],
        "outsourced_legal_loss": result["outsourced_loss"],
        "expected_legal_loss": result["legal_loss"],
        "net_benefit": result["net"],
        "outsourced": result["outsource"],
        "recommendation": recommendation,
        "reason": reason,
        "clauses_applied": [tuple(c for c, on in zip(inp.clause_ids, row) if on) for row in applied],
    }, index=pd.Index(inp.services, name="service_id"))
    return table


def breakdown(dataset: Dataset, scenario: Scenario | None = None) -> pd.DataFrame:
    """One row per (service, legal area) pair with a risk on either side: the scores and euros.

    Columns: outsourced, ``likelihood``, ``impact``, ``inherent_score`` (no clauses),
    ``residual_likelihood``, ``residual_impact``, ``residual_score``, ``risk_band`` (of the
    residual score); in house, ``inhouse_likelihood``, ``inhouse_impact``, ``inhouse_score``;
    the money, ``incident_probability`` (a year, at the residual likelihood),
    ``claim_probability``, ``loss_if_it_happens`` (EUR, at the residual impact),
    ``inherent_legal_loss``, ``inhouse_legal_loss``, ``outsourced_legal_loss`` (EUR over the
    horizon) and ``expected_legal_loss`` (= outsourced - in house); ``clauses`` (a tuple of the
    ids of the clauses in the contract that act on this area), ``required`` (those of them the
    law requires), ``provision``.
    """
    scenario = scenario or Scenario()
    inp = _prepare(dataset, scenario)
    result = _compute(inp, inp.base_mask)
    acts = (inp.like_steps != 0) | (inp.impact_steps != 0)  # clauses x areas
    rows = []
    for i, service in enumerate(inp.services):
        for j, area in enumerate(inp.areas):
            if not (inp.exposed[i, j] or inp.inhouse_exposed[i, j]):
                continue
            res_like, res_impact = result["res_like"][i, j], result["res_impact"][i, j]
            acting = result["applied"][i] & acts[:, j]
            rows.append({
                "service_id": service, "area_id": area,
                "likelihood": inp.likelihood[i, j], "impact": inp.impact[i, j],
                "inherent_score": result["inherent_score"][i, j],
                "residual_likelihood": res_like, "residual_impact": res_impact,
                "residual_score": result["residual_score"][i, j],
                "risk_band": RISK_BANDS[_band_rank(np.array([result["residual_score"][i, j]]), inp.band_edges)[0]],
                "inhouse_likelihood": inp.inhouse_likelihood[i, j], "inhouse_impact": inp.inhouse_impact[i, j],
                "inhouse_score": result["inhouse_score"][i, j],
                "incident_probability": inp.probability[res_like],
                "claim_probability": inp.claim[j],
                "loss_if_it_happens": inp.loss[j, res_impact],
                "inherent_legal_loss": result["inherent_area_loss"][i, j],
                "inhouse_legal_loss": result["inhouse_area_loss"][i, j],
                "outsourced_legal_loss": result["area_loss"][i, j],
                "expected_legal_loss": result["area_loss"][i, j] - result["inhouse_area_loss"][i, j],
                "clauses": tuple(c for c, on in zip(inp.clause_ids, acting) if on),
                "required": tuple(c for c, on in zip(inp.clause_ids, acting & inp.required[i]) if on),
                "provision": dataset.exposure.loc[(service, area), "provision"],
            })
    return pd.DataFrame(rows).set_index(["service_id", "area_id"])


def best_clause_set(dataset: Dataset, scenario: Scenario | None = None) -> tuple[tuple[str, ...], float]:
    """The set of optional clauses with the highest decision's net benefit, and that value (section 5).

    Every subset of the optional clauses is tried (those that no service in scope requires: the
    required ones are in every contract anyway); the scenario's own ``clauses`` field is
    ignored. Ties go to the smaller set, then to the first in the order of clauses.csv; the set is
    returned in alphabetical order.
    """
    scenario = scenario or Scenario()
    inp = _prepare(dataset, scenario)
    best, best_value = (), -math.inf
    count = len(inp.clause_ids)
    for size in range(len(inp.optional) + 1):
        for subset in itertools.combinations(inp.optional, size):
            mask = np.zeros(count, dtype=bool)
            mask[list(subset)] = True
            value = _decision_value(_compute(inp, mask))
            if value > best_value + 1e-6:  # strictly better: ties keep the smaller, earlier set
                best, best_value = tuple(inp.clause_ids[k] for k in subset), value
    return tuple(sorted(best)), best_value


MONEY_COLUMNS = ["inhouse_cost", "fee", "clause_premium", "vendor_management", "transition", "drafting",
                 "outsourced_cost", "savings", "inherent_legal_loss", "inhouse_legal_loss", "outsourced_legal_loss",
                 "expected_legal_loss", "net_benefit"]


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
    drafting, over all services in scope; negative for a clause that lowers the fee),
    ``risk_removed`` (EUR: the fall in total expected legal loss when outsourcing; negative for
    a clause that shifts risk onto the firm), ``value`` (= risk_removed - cost), ``adopted``
    (in the scenario), ``required`` (the law requires it for at least one service in scope: it
    is in those contracts whatever the scenario says, and only its effect on the other
    services is counted here). For a clause already adopted the figures compare the scenario
    with and without it; for the others, with and without adding it. Every service in scope
    counts, outsourced or not.
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
                     "adopted": bool(inp.base_mask[k]), "required": bool(inp.required[:, k].any())})
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
# 128 sets of optional clauses costs a few milliseconds.


@dataclass(frozen=True)
class _Inputs:
    services: list
    areas: list
    clause_ids: list
    exposed: np.ndarray  # services x areas, bool: a risk when outsourced
    likelihood: np.ndarray  # services x areas, int (0 where not exposed), outsourced with no clauses
    impact: np.ndarray
    inhouse_exposed: np.ndarray  # services x areas, bool: a risk when kept in house
    inhouse_likelihood: np.ndarray  # services x areas, int (0 where no risk in house)
    inhouse_impact: np.ndarray
    like_steps: np.ndarray  # clauses x areas (negative: the clause raises the score)
    impact_steps: np.ndarray
    required: np.ndarray  # services x clauses, bool: the law requires the clause to outsource the service
    optional: list  # indices of the clauses no service in scope requires: the ones a search tries
    premium_rate: np.ndarray  # clauses, share of the fee (negative: a discount)
    drafting_cost: np.ndarray  # clauses
    probability: np.ndarray  # index = likelihood level 0..5: yearly chance of an incident
    claim: np.ndarray  # areas: chance that an incident becomes a claim, complaint or sanction
    loss: np.ndarray  # areas x impact level 0..5: EUR when it does, for the profile's size class
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
    # Simulation only (section 6), draws x 1: multipliers of the yearly chance of an incident and
    # of the loss (with eur_per_risk_point: of the EUR per point), on both sides alike.
    chance_factor: np.ndarray | None = None
    loss_factor: np.ndarray | None = None


def _prepare(dataset: Dataset, scenario: Scenario) -> _Inputs:
    scenario.check(dataset)
    profile = dataset.profiles.loc[scenario.profile]
    services = list(scenario.services) if scenario.services else list(dataset.services.index)
    services = [s for s in dataset.services.index if s in services]  # table order
    areas = list(dataset.legal_areas.index)
    clause_ids = list(dataset.clauses.index)

    scores = {name: np.zeros((len(services), len(areas)), dtype=int)
              for name in ("likelihood", "impact", "inhouse_likelihood", "inhouse_impact")}
    for (service, area), row in dataset.exposure.iterrows():
        if service in services:
            for name, table in scores.items():
                table[services.index(service), areas.index(area)] = row[name]
    adjustments = dataset.profile_adjustments
    if scenario.profile in adjustments.index.get_level_values("profile_id"):
        for area, row in adjustments.loc[scenario.profile].iterrows():  # the firm's business raises the stakes
            column = areas.index(area)
            for likelihood, impact in (("likelihood", "impact"), ("inhouse_likelihood", "inhouse_impact")):
                raised = np.minimum(5, scores[impact][:, column] + row.impact_steps)
                scores[impact][:, column] = np.where(scores[likelihood][:, column] > 0, raised, 0)
    required = np.zeros((len(services), len(clause_ids)), dtype=bool)
    for service, clause in dataset.requirements.index:
        if service in services:
            required[services.index(service), clause_ids.index(clause)] = True
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
    probability[dataset.likelihood_levels.index] = dataset.likelihood_levels.incident_probability
    losses = dataset.incident_losses.xs(profile.size_class, level="size_class").loc[areas]
    low, typical, high = (losses[column].to_numpy(dtype=float) for column in ("loss_low_eur", "loss_eur", "loss_high_eur"))
    # Impact 1, 3 and 5 are the low, typical and high loss; 2 and 4 lie halfway between (geometric means).
    loss = np.column_stack([np.zeros(len(areas)), low, np.sqrt(low * typical), typical, np.sqrt(typical * high), high])

    bands = dataset.risk_bands.sort_values("max_score")
    return _Inputs(
        services=services, areas=areas, clause_ids=clause_ids,
        exposed=scores["likelihood"] > 0, inhouse_exposed=scores["inhouse_likelihood"] > 0, **scores,
        like_steps=like_steps, impact_steps=impact_steps, required=required,
        optional=[k for k in range(len(clause_ids)) if not required[:, k].any()],
        premium_rate=dataset.clauses.loc[clause_ids, "fee_premium_pct"].to_numpy() / 100,
        drafting_cost=dataset.clauses.loc[clause_ids, "drafting_cost_eur"].to_numpy(),
        probability=probability, claim=losses.claim_probability.to_numpy(dtype=float), loss=loss,
        inhouse_cost=inhouse, fee=fee,
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
    # The clauses in the contract for each service (section 2): the adopted ones that act on an
    # area in which it is exposed, and always the ones the law requires for outsourcing it.
    acts = (inp.like_steps != 0) | (inp.impact_steps != 0)  # clauses x areas
    applied = ((exposed.astype(int) @ acts.T.astype(int) > 0) & mask) | inp.required  # services x clauses
    # Residual scores: the clauses' steps off (or, negative, onto) each score, kept within 1-5.
    like_change = applied.astype(int) @ inp.like_steps  # services x areas
    impact_change = applied.astype(int) @ inp.impact_steps
    res_like = np.where(exposed, np.clip(inp.likelihood - like_change, 1, 5), 0)
    res_impact = np.where(exposed, np.clip(inp.impact - impact_change, 1, 5), 0)
    inherent_score = inp.likelihood * inp.impact
    residual_score = res_like * res_impact
    inhouse_score = inp.inhouse_likelihood * inp.inhouse_impact

    # Money (section 1): premiums (or a discount) and drafting for the clauses in each contract.
    sharing = applied.sum(axis=0)  # services each clause applies to
    drafting = (applied * np.divide(inp.drafting_cost, sharing, out=np.zeros_like(inp.drafting_cost, dtype=float),
                                    where=sharing > 0)).sum(axis=1)
    premium = inp.fee * (applied * inp.premium_rate).sum(axis=1)
    outsourced_cost = (inp.fee + premium + inp.management) * inp.months + inp.transition + drafting
    savings = inp.inhouse_cost - outsourced_cost

    # Euros (section 3): the expected loss on each side, and what outsourcing adds.
    area_loss, outsourced_loss = _expected_loss(inp, res_like, res_impact, exposed)
    inherent_area_loss, _ = _expected_loss(inp, inp.likelihood, inp.impact, exposed, with_factors=False)
    inhouse_area_loss, inhouse_loss = _expected_loss(inp, inp.inhouse_likelihood, inp.inhouse_impact,
                                                     inp.inhouse_exposed)
    legal_loss = outsourced_loss - inhouse_loss
    net = savings - legal_loss

    # Decision (section 4).
    residual_risk = residual_score.max(axis=1)
    inhouse_risk = inhouse_score.max(axis=1)
    band_rank = _band_rank(residual_risk, inp.band_edges)
    within = band_rank <= inp.appetite_rank
    acceptable = within | (residual_risk <= inhouse_risk)  # no worse than doing it in house
    outsource = acceptable & (net > 0)
    return dict(res_like=res_like, res_impact=res_impact, inherent_score=inherent_score,
                residual_score=residual_score, inhouse_score=inhouse_score, applied=applied, drafting=drafting,
                premium=premium, outsourced_cost=outsourced_cost, savings=savings, area_loss=area_loss,
                inherent_area_loss=inherent_area_loss, inhouse_area_loss=inhouse_area_loss,
                outsourced_loss=outsourced_loss, inhouse_loss=inhouse_loss, legal_loss=legal_loss, net=net,
                inherent_risk=inherent_score.max(axis=1), residual_risk=residual_risk, inhouse_risk=inhouse_risk,
                band_rank=band_rank, within=within, acceptable=acceptable, outsource=outsource)


def _expected_loss(inp: _Inputs, likelihood, impact, exposed, with_factors: bool = True):
    """Expected loss over the horizon on one side (section 3): per (service, area), and per
    service with the simulation's multipliers applied (draws x services when there are any)."""
    years = inp.months / 12
    if inp.eur_per_risk_point is not None:
        per_area = np.where(exposed, likelihood * impact * inp.eur_per_risk_point * years, 0.0)
        total = per_area.sum(axis=-1)
        if with_factors and inp.loss_factor is not None:
            total = total * inp.loss_factor
        return per_area, total
    chance = inp.probability[likelihood]  # yearly chance of an incident
    value = inp.claim * np.take_along_axis(inp.loss, impact.T, axis=1).T * years  # claim chance x loss x years
    per_area = np.where(exposed, chance * value, 0.0)
    total = per_area.sum(axis=-1)
    if with_factors and inp.chance_factor is not None:  # section 6: a yearly chance times its multiplier, never above 1
        if chance.max() * inp.chance_factor.max() <= 1.0:  # no chance reaches 1: the multiplier factors out
            total = total * inp.chance_factor
        else:
            capped = np.minimum(chance * inp.chance_factor[:, :, None], 1.0) * value
            total = np.where(exposed, capped, 0.0).sum(axis=-1)
    if with_factors and inp.loss_factor is not None:  # the loss times its multiplier: linear, so it factors out
        total = total * inp.loss_factor
    return per_area, total


def _decision_value(result: dict) -> float:
    """Net benefit of the services recommended for outsourcing (section 5)."""
    return float(result["net"][result["outsource"]].sum())

