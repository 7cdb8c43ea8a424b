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
"""
from __future__ import annotations

import itertools
import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd

from .data import Dataset

__all__ = ["Scenario", "evaluate", "breakdown", "portfolio", "best_clause_set", "PortfolioSummary",
           "clause_value", "sweep", "break_even",
           "RISK_BANDS", "RECOMMENDATIONS", "SCENARIO_SCHEMA_VERSION"]

RISK_BANDS = ("low", "medium", "high", "critical")
RECOMMENDATIONS = ("outsource", "outsource_with_clauses", "keep_in_house")
SCENARIO_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Scenario:
    """The inputs of one decision, validated. Every field has a default.

    profile: id of a company profile (``profiles.csv``).
    services: ids of the services in scope; ``None`` means all of them.
    volume: multiplier on the profile's activity volume (1.0 = as the profile says).
    horizon_months: length of the contract, 1 to 120 months.
    salary_multiplier: multiplier on the gross salary of the person who would run the services
        in house (1.0 = as the profile says); managing a supplier stays at the profile's salary.
    fee_multiplier: multiplier on the suppliers' fees (1.0 = as in ``costs.csv``).
    management_hours: staff hours a month spent managing the supplier of each outsourced
        service (default 1.5: about 3 hours a week over 9 services, within the 2-4 hours a
        week of vendor governance in shared/domain.md, an assumption).
    transition_months: months the firm pays the supplier while still running the service
        itself (the one-off transition cost; default 1, an assumption).
    clauses: ids of the contract clauses adopted (``clauses.csv``).
    risk_appetite: the highest risk band the firm accepts for an outsourced service.
    eur_per_risk_point: ``None`` monetises risk with the likelihood and impact tables;
        a number (EUR a year per point of residual score) uses that simpler rule.
    """

    profile: str = "small"
    services: tuple[str, ...] | None = None
    volume: float = 1.0
    horizon_months: int = 24
    salary_multiplier: float = 1.0
    fee_multiplier: float = 1.0
    management_hours: float = 1.5
    transition_months: float = 1.0
    clauses: tuple[str, ...] = ()
    risk_appetite: str = "medium"
    eur_per_risk_point: float | None = None

    def __post_init__(self):
        def fail(name, expected, value):
            raise ValueError(f"Scenario field '{name}': expected {expected}, got {value!r}")

        def id_tuple(name, value, allow_none):
            if value is None and allow_none:
                return None
            if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
                fail(name, "a list of ids", value)
            if not all(isinstance(item, str) and item for item in value):
                fail(name, "a list of ids (text)", value)
            if len(set(value)) != len(value):
                fail(name, "each id once", value)
            # Sorted so that two scenarios with the same ids are equal and hash alike.
            return tuple(sorted(value))

        if not isinstance(self.profile, str) or not self.profile:
            fail("profile", "a profile id such as 'small'", self.profile)
        object.__setattr__(self, "services", id_tuple("services", self.services, allow_none=True))
        if self.services is not None and not self.services:
            fail("services", "at least one service (or None for all)", self.services)
        object.__setattr__(self, "clauses", id_tuple("clauses", self.clauses, allow_none=False))
        for name, low, high in (("volume", 0.0, 100.0), ("salary_multiplier", 0.0, 10.0),
                                ("fee_multiplier", 0.0, 10.0), ("management_hours", 0.0, 200.0),
                                ("transition_months", 0.0, 24.0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                fail(name, f"a number from {low:g} to {high:g}", value)
            if not low <= value <= high or (name in ("volume", "salary_multiplier", "fee_multiplier") and value == 0):
                fail(name, f"a number above 0 and at most {high:g}" if name in (
                    "volume", "salary_multiplier", "fee_multiplier") else f"a number from {low:g} to {high:g}", value)
            object.__setattr__(self, name, float(value))
        months = self.horizon_months
        if isinstance(months, bool) or not isinstance(months, (int, float)) or not math.isfinite(months) \
                or months != int(months) or not 1 <= months <= 120:
            fail("horizon_months", "a whole number of months from 1 to 120", months)
        object.__setattr__(self, "horizon_months", int(months))
        if self.risk_appetite not in RISK_BANDS:
            fail("risk_appetite", f"one of {', '.join(RISK_BANDS)}", self.risk_appetite)
        if self.eur_per_risk_point is not None:
            value = self.eur_per_risk_point
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 <= value <= 1e6):
                fail("eur_per_risk_point", "None or a number of EUR from 0 to 1,000,000", value)
            object.__setattr__(self, "eur_per_risk_point", float(value))

    def replace(self, **changes) -> "Scenario":
        """A copy with some fields changed (validated again)."""
        return Scenario(**{**self.to_dict(), **changes})

    def to_dict(self) -> dict:
        data = asdict(self)
        data["services"] = None if self.services is None else list(self.services)
        data["clauses"] = list(self.clauses)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Scenario":
        """Build from a dict of fields (unknown keys are an error, missing keys take defaults)."""
        if not isinstance(data, dict):
            raise ValueError(f"a scenario must be a JSON object of fields, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known - {"schema_version"})
        if unknown:
            raise ValueError(f"Scenario field '{unknown[0]}' is unknown; expected some of {', '.join(sorted(known))}")
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def load(cls, path) -> "Scenario":
        """Read a scenario JSON file (a JSON object of the fields)."""
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"{path}: scenario file not found")
        if path.stat().st_size > 1_000_000:
            raise ValueError(f"{path}: file is larger than 1 MB; a scenario file is a few hundred bytes")
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not a valid JSON scenario ({exc})") from None
        if isinstance(data, dict):
            version = data.get("schema_version", SCENARIO_SCHEMA_VERSION)
            if version != SCENARIO_SCHEMA_VERSION:
                raise ValueError(f"{path}: schema_version {version!r} is not supported; expected "
                                 f"{SCENARIO_SCHEMA_VERSION}")
        try:
            return cls.from_dict(data)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    def save(self, path) -> Path:
        """Write the scenario as JSON (atomically: a temporary file, then a rename)."""
        import os
        import tempfile

        path = Path(path)
        text = json.dumps({"schema_version": SCENARIO_SCHEMA_VERSION, **self.to_dict()}, indent=2) + "\n"
        handle, temporary = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=".scenario-",
                                             suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path

    def check(self, dataset: Dataset) -> None:
        """Raise ValueError naming the field if an id is not in the dataset."""
        if self.profile not in dataset.profiles.index:
            raise ValueError(f"Scenario field 'profile': unknown profile '{self.profile}'; expected one of "
                             f"{', '.join(dataset.profiles.index)}")
        for name, table in (("services", dataset.services), ("clauses", dataset.clauses)):
            for item in getattr(self, name) or ():
                if item not in table.index:
                    raise ValueError(f"Scenario field '{name}': unknown id '{item}'; expected some of "
                                     f"{', '.join(table.index)}")


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
    inhouse = (costs.inhouse_hours_month.to_numpy() * volume * hourly + costs.tools_eur_month.to_numpy()) * months
    fee = costs.outsourced_fee_eur_month.to_numpy() * volume * scenario.fee_multiplier

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
        management=np.full(len(services), scenario.management_hours * base_hourly), months=months,
        transition=fee * scenario.transition_months,
        band_edges=list(zip(bands.index, bands.max_score)),
        appetite_rank=RISK_BANDS.index(scenario.risk_appetite),
        eur_per_risk_point=scenario.eur_per_risk_point,
        base_mask=np.array([c in scenario.clauses for c in clause_ids]),
    )


def _band_rank(scores: np.ndarray, edges) -> np.ndarray:
    maxima = np.array([high for _, high in edges])
    names = [band for band, _ in edges]
    positions = np.searchsorted(maxima, scores, side="left")
    return np.array([RISK_BANDS.index(names[p]) for p in positions])


def _compute(inp: _Inputs, mask: np.ndarray) -> dict:
    """The whole model for one clause set (mask over clauses). Returns arrays."""
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
    outsourced = (inp.fee + premium + inp.management) * inp.months + inp.transition + drafting
    savings = inp.inhouse_cost - outsourced

    # Euros (section 3): expected loss per area over the horizon.
    years = inp.months / 12
    if inp.eur_per_risk_point is None:
        area_loss = inp.probability[res_like] * inp.loss[res_impact] * years
        inherent_area_loss = inp.probability[inp.likelihood] * inp.loss[inp.impact] * years
    else:
        area_loss = residual_score * inp.eur_per_risk_point * years
        inherent_area_loss = inherent_score * inp.eur_per_risk_point * years
    area_loss = np.where(exposed, area_loss, 0.0)
    inherent_area_loss = np.where(exposed, inherent_area_loss, 0.0)
    legal_loss = area_loss.sum(axis=1)
    net = savings - legal_loss

    # Decision (section 4).
    residual_risk = residual_score.max(axis=1)
    band_rank = _band_rank(residual_risk, inp.band_edges)
    within = band_rank <= inp.appetite_rank
    outsource = within & (net > 0)
    return dict(res_like=res_like, res_impact=res_impact, inherent_score=inherent_score,
                residual_score=residual_score, protects=protects, drafting=drafting, premium=premium,
                outsourced=outsourced, savings=savings, area_loss=area_loss,
                inherent_area_loss=inherent_area_loss, legal_loss=legal_loss, net=net,
                inherent_risk=inherent_score.max(axis=1), residual_risk=residual_risk,
                band_rank=band_rank, within=within, outsource=outsource)


def _decision_value(result: dict) -> float:
    """Net benefit of the services recommended for outsourcing (section 5)."""
    return float(result["net"][result["outsource"]].sum())


def evaluate(dataset: Dataset, scenario: Scenario | None = None) -> pd.DataFrame:
    """One row per service in scope: costs, savings, risk and the recommendation.

    Columns (EUR over the horizon unless said): ``inhouse_cost``, ``fee``,
    ``clause_premium``, ``vendor_management``, ``transition``, ``drafting``,
    ``outsourced_cost``, ``savings``, ``inherent_risk`` and ``residual_risk`` (0-25, the
    worst legal area), ``risk_band``, ``within_appetite``, ``inherent_legal_loss``,
    ``expected_legal_loss``, ``net_benefit``, ``recommendation``, ``reason`` (a short
    code: ``risk_above_appetite``, ``not_worth_it`` or ``worth_it``), ``clauses_applied``.
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
        "outsourced_cost": result["outsourced"],
        "savings": result["savings"],
        "inherent_risk": result["inherent_risk"],
        "residual_risk": result["residual_risk"],
        "risk_band": [RISK_BANDS[r] for r in result["band_rank"]],
        "within_appetite": result["within"],
        "inherent_legal_loss": result["inherent_area_loss"].sum(axis=1),
        "expected_legal_loss": result["legal_loss"],
        "net_benefit": result["net"],
        "recommendation": recommendation,
        "reason": reason,
        "clauses_applied": [", ".join(c for c, on in zip(inp.clause_ids, row) if on) for row in protects],
    }, index=pd.Index(inp.services, name="service_id"))
    return table


def breakdown(dataset: Dataset, scenario: Scenario | None = None) -> pd.DataFrame:
    """One row per exposed (service, legal area) pair: scores before and after the clauses.

    Columns: ``likelihood``, ``impact``, ``inherent_score``, ``residual_likelihood``,
    ``residual_impact``, ``residual_score``, ``risk_band`` (of the residual score),
    ``annual_probability``, ``loss_if_it_happens`` (EUR), ``expected_loss`` (EUR over
    the horizon), ``inherent_expected_loss``, ``clauses`` (the adopted clauses that act
    on this area), ``provision``.
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
                "clauses": ", ".join(c for c, on in zip(inp.clause_ids, acting[:, j]) if on),
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


MONEY_COLUMNS = ["inhouse_cost", "fee", "clause_premium", "vendor_management", "transition", "drafting",
                 "outsourced_cost", "savings", "inherent_legal_loss", "expected_legal_loss", "net_benefit"]


def portfolio(dataset: Dataset, scenario: Scenario | None = None) -> PortfolioSummary:
    """Totals for the scenario and the clause set that serves it best."""
    scenario = scenario or Scenario()
    evaluation = evaluate(dataset, scenario)
    best, best_value = best_clause_set(dataset, scenario)
    best_scenario = scenario.replace(clauses=best)
    outsourced = evaluation.recommendation != "keep_in_house"
    return PortfolioSummary(
        scenario=scenario,
        totals=evaluation[MONEY_COLUMNS].sum(),
        decision_net_benefit=float(evaluation.loc[outsourced, "net_benefit"].sum()),
        counts=evaluation.recommendation.value_counts().reindex(list(RECOMMENDATIONS), fill_value=0),
        best_clauses=best,
        best_net_benefit=best_value,
        evaluation=evaluation,
        best_evaluation=evaluate(dataset, best_scenario),
    )


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
        cost = float(b["outsourced"].sum() - a["outsourced"].sum())
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
