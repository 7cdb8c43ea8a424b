"""Write the teaching notebooks in notebooks/ from the cell lists below (one source).

Run: ``.venv/bin/python tools/build_notebooks.py``. A test checks that the committed
notebooks equal what this script writes, so edit the notebooks here, not in JupyterLab.
Markdown cells start with "md:", code cells with "py:".
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
RESTART = ("**Restart at any time:** menu *Kernel → Restart Kernel and Run All Cells…* "
           "(or *Run → Run All Cells*). Nothing you do here can break the data: the tables in "
           "`data/` are only read.")
SETUP = """py:import toolkit
from toolkit import plots, widgets

data = toolkit.load_dataset()   # the sourced tables in data/
LANG = "en"                      # "it" for Italian labels"""

NOTEBOOKS: dict[str, list[str]] = {}

NOTEBOOKS["00_start_here"] = [
    f"""md:# Should a firm outsource its social media? Start here

**You will:** see the whole decision for one example firm in three cells; learn to read the
table and the chart; get a map of the rest of the lab.

**Time:** 10 minutes. **You need:** no coding: press *Shift+Enter* to run each grey cell.

{RESTART}""",
    """md:## The question
Social media marketing is many jobs: a blog, content and design, SEO, pages and profiles,
online reputation, the brand online, e-mail and SMS marketing, and passing know-how on.
A firm can do each job with its own people or **outsource** it to an agency or a freelancer.
Outsourcing often **saves money**, but a third party now handles the firm's content, customer
data, brand and secrets, which **adds legal risk**. Good **contract clauses** lower that risk,
at a price. This lab puts numbers on the three.""",
    SETUP,
    """md:## The decision for a small Italian firm (no contract clauses yet)
One row per service. *Savings* and *net benefit* are in euros over a 24-month contract;
*residual risk* is a score from 0 to 25 (likelihood × impact of the worst legal problem).""",
    """py:result = toolkit.evaluate(data)
result[["savings", "residual_risk", "risk_band", "expected_legal_loss", "net_benefit", "recommendation"]].round(0)""",
    """md:**How to read it.** *Savings* = what the firm pays in house minus what it would pay the
supplier (fee, managing the supplier, switching over). *Expected legal loss* turns the risk into
euros: the chance of a legal problem times what it would cost. *Net benefit* = savings − expected
legal loss. The model recommends outsourcing only when the net benefit is positive **and** the risk
is no higher than the firm accepts (here: *medium*).""",
    """py:plots.savings_vs_risk(result, lang=LANG);""",
    """md:Each point is a service. Right of the dashed line the risk is above what the firm accepts;
below the horizontal line outsourcing costs more than it saves. Only the services in the top-left
area are worth outsourcing as they are.

## Contract clauses change the picture
The toolkit tries every combination of the 8 contract clauses in `data/clauses.csv` and keeps
the one with the highest net benefit for the whole decision.""",
    """py:summary = toolkit.portfolio(data)
print("Best clause set:", ", ".join(summary.best_clauses))
print(f"Net benefit of the decision without clauses: EUR {summary.decision_net_benefit:,.0f}")
print(f"Net benefit with the best clauses:           EUR {summary.best_net_benefit:,.0f}")
summary.best_evaluation[["savings", "residual_risk", "net_benefit", "recommendation"]].round(0)""",
    """md:## The path through the lab
| notebook | what you do | time |
|---|---|---|
| [01_costs](01_costs.ipynb) | in-house vs outsourced cost, break-even horizon and volume | 20 min |
| [02_legal_risks](02_legal_risks.ipynb) | the five legal questions, article by article; score a service yourself | 25 min |
| [03_tradeoff_explorer](03_tradeoff_explorer.ipynb) | the dashboard: move the inputs, watch the decision | 25 min |
| [04_contract_clauses](04_contract_clauses.ipynb) | clauses as risk reduction; the best set; your contract checklist | 25 min |
| [05_case_study](05_case_study.ipynb) | decide for a fictional firm, justify, export your hand-in | 40 min |
| [06_uncertainty](06_uncertainty.ipynb) | what if the numbers are wrong: tornado, break-even, Monte Carlo; share and report | 30 min |

How every number is computed, in words: [the model](../toolkit/model.py) (its first part), also shown
by `print(toolkit.model.__doc__)`.""",
    """md:## Recap
* Outsourcing each service is a trade-off: **savings** against **legal risk**.
* The risk becomes euros (*expected legal loss*); the decision needs a positive **net benefit**
  *and* an acceptable **risk band**.
* Clauses lower risk but cost fees and drafting: the best set is not "all of them".

**Questions.** (1) Which service has the largest savings, and why is it still not recommended?
(2) Which service would you expect to flip first if the firm accepted *high* risk?
(3) Why might a firm keep a service in house even when the model says *outsource*?""",
]

NOTEBOOKS["01_costs"] = [
    f"""md:# 01 · What does each option cost?

**You will:** compute what an employee's hour costs a firm; compare in-house and outsourced cost
per service; find the contract length (*break-even horizon*) and the activity volume at which
outsourcing starts or stops paying.

**Time:** 20 minutes. **Pattern:** predict, then run; change one number, run again.

{RESTART}""",
    SETUP,
    """md:## 1. What an hour of an employee costs
The firm pays more than the gross salary (in Italy, *RAL*): social contributions (INPS and INAIL,
about 27–32% of RAL) and the severance accrual (TFR, pay ÷ 13.5 = 7.41%, *Codice civile* art. 2120).
The **on-cost multiplier** in `profiles.csv` sums these up.

**Predict:** for the small firm (RAL EUR 30,000, multiplier 1.40, 1,720 productive hours a year),
is one hour nearer EUR 17, 24 or 40?""",
    """py:profile = data.profiles.loc["small"]
hourly_cost = profile.gross_salary_eur * profile.oncost_multiplier / profile.productive_hours_year
print(f"One hour of the small firm's social media employee costs EUR {hourly_cost:.2f}")""",
    """md:## 2. In-house against outsourced, service by service
In house: hours × hourly cost + tools. Outsourced: the supplier's fee + the hours spent managing the
supplier + a one-off transition (paying the supplier while your people still do the work).""",
    """py:result = toolkit.evaluate(data)
result[["inhouse_cost", "fee", "vendor_management", "transition", "outsourced_cost", "savings"]].round(0)""",
    """py:plots.cost_comparison(result, lang=LANG, dataset=data);""",
    """md:## 3. Tweak: change one input
Change `SALARY` below (1.0 = as the profile says; 1.2 = a 20% better-paid employee) and run the cell.
**Predict first:** will the savings go up or down?""",
    """py:SALARY = 1.2
toolkit.evaluate(data, toolkit.Scenario(salary_multiplier=SALARY))[["inhouse_cost", "savings"]].round(0)""",
    """md:## 4. Break-even horizon: how long must the contract run?
The transition is paid once, the monthly difference every month, so a short contract may not pay
back the switch. Each line is a service's savings as the contract gets longer; a marker shows where
it crosses zero.""",
    """py:horizon_curve = toolkit.sweep(data, None, "horizon_months", range(1, 61))
plots.break_even_curves(horizon_curve, lang=LANG, dataset=data);
toolkit.break_even(horizon_curve).round(1).to_frame("break-even (months)")""",
    """md:## 5. Break-even volume
More activity means more in-house hours *and* a higher fee. Where the in-house hour costs less than
the supplier's, growing volume makes outsourcing *less* attractive, and the reverse.""",
    """py:volume_curve = toolkit.sweep(data, None, "volume", [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4])
plots.break_even_curves(volume_curve, lang=LANG, dataset=data);""",
    """md:## 6. Your turn: the cost dashboard
Move the sliders (they act when you release them). Try the *micro* and *medium* profiles.""",
    """py:widgets.cost_explorer(data, lang=LANG)""",
    """md:## Recap
* An employee's hour costs the firm about 1.4 × its share of the gross salary.
* Outsourced cost is more than the fee: managing the supplier and switching over cost too.
* Break-even horizon and volume tell you *when* outsourcing pays, not only *whether*.

**Questions.** (1) Which service never pays back within 5 years, and what drives that?
(2) With a 12-month contract, which services stop saving money? (3) The fee doubles: which
services still save?""",
]

NOTEBOOKS["02_legal_risks"] = [
    f"""md:# 02 · Which legal risks does outsourcing add?

**You will:** learn the five legal questions outsourcing raises and the articles of law behind them;
score risks on a 5 × 5 likelihood × impact matrix; score one service yourself and compare with the
reference scores; see how a score becomes euros.

**Time:** 25 minutes. **Baseline:** keeping a service in house adds no risk; the scores measure what
*outsourcing* adds, with no contract clauses.

{RESTART}""",
    SETUP,
    """md:## 1. The five legal questions
* **Copyright.** In Italy a commissioned creative work does not pass to the client by default:
  economic rights move by contract (L. 633/1941, *LdA*, art. 107) and the transfer must be proven in
  writing (art. 110). Unauthorised copying online is a crime fined up to EUR 2,065 (art. 171(1)).
* **Personal data.** The supplier is a *processor*: the contract must set the duties of GDPR art. 28(3).
  E-mail and SMS marketing needs prior consent (*Codice privacy* art. 130, ePrivacy Directive art. 13);
  the worst breaches are fined up to EUR 20M or 4% of worldwide turnover (GDPR art. 83(5)).
  A firm running a Facebook page is a joint controller with the platform (CJEU C-210/16).
* **Trademarks.** The owner can enforce a licence's limits against the licensee (EUTMR art. 25(2));
  a sign identical or similar to another's mark may not be used as a domain name where it confuses
  (*Codice della proprietà industriale*, CPI, art. 22).
* **Supplier's liability.** A clause excluding liability for intent or gross negligence is void
  (*Codice civile* art. 1229); unfair commercial practices such as fake reviews are fined by the
  AGCM up to EUR 10M (*Codice del consumo* art. 27(9)).
* **Trade secrets.** Information is protected only if kept under reasonable secrecy measures
  (CPI art. 98, from Directive (EU) 2016/943).""",
    """py:data.legal_areas[["name_en", "eu_provisions", "it_provisions", "sanction_note"]]""",
    """md:## 2. The 5 × 5 matrix
Likelihood 1 (rare) to 5 (almost certain) × impact 1 (negligible) to 5 (severe) gives a score of
1 to 25, in four bands: low 1–4, medium 5–9, high 10–16, critical 17–25 (the common matrix that
IEC 31010 describes). Here is electronic direct marketing, service by legal area:""",
    """py:pairs = toolkit.breakdown(data)
plots.risk_matrix(pairs, "direct_marketing", lang=LANG);""",
    """md:## 3. All services at once
Each cell: the inherent score (no clauses). Blank: outsourcing that service adds no risk in that area.
A service's risk is its **worst** cell, so an average never hides a critical problem.""",
    """py:plots.risk_heatmap(pairs, lang=LANG, which="inherent", dataset=data);""",
    """md:## 4. Your turn: score a service yourself
**Before you look at the reference:** set a likelihood and an impact for each legal area of
*online reputation management*, then press *Compare with the reference*. Where you differ, read the
reason given; you may still disagree: say why in the recap questions.""",
    """py:widgets.risk_scorer("reputation", data, lang=LANG)""",
    """md:## 5. From a score to euros
Each likelihood level has a yearly probability and each impact level a loss: the larger of a floor
in euros and a share of turnover (fines under GDPR art. 83 and *Codice del consumo* art. 27(9) grow
with the firm). These are teaching assumptions, written in the data, with their sources.""",
    """py:display(data.likelihood_levels[["label_en", "annual_probability", "source"]])
data.impact_levels[["label_en", "loss_floor_eur", "loss_turnover_pct", "source"]]""",
    """py:pairs.loc["direct_marketing", ["inherent_score", "annual_probability", "loss_if_it_happens", "expected_loss"]]""",
    """md:## Recap
* Five legal questions; each has articles of law behind it and, for some, a fine that scales with turnover.
* Risk = likelihood × impact, judged area by area; a service is as risky as its worst area.
* Expected legal loss = yearly chance × loss × years: that is how risk meets money.

**Questions.** (1) Why is e-mail marketing the riskiest service (name the article)?
(2) Where did your scores differ most from the reference, and who is right?
(3) Why does the same breach cost a medium firm more than a micro firm in this model?""",
]

NOTEBOOKS["03_tradeoff_explorer"] = [
    f"""md:# 03 · The trade-off explorer

**You will:** explore how each input moves the decision, with a worksheet of questions beside the
dashboard.

**Time:** 25 minutes. **Pattern:** *predict, then check*: write your guess before you touch a control.

{RESTART}""",
    SETUP,
    """md:## The dashboard
Left: the firm and the contract. Middle: the services in scope. Right: the clauses in the contract
(or let the button suggest the best set). The chart, the summary and the table update when you
release a slider or tick a box. Symbols as well as colours tell the recommendation apart.""",
    """py:dashboard = widgets.explorer(data, lang=LANG)
dashboard""",
    """md:## Worksheet
1. **Predict:** before you move the *Highest risk accepted* buttons to *high*, which service do you
   expect to flip to *outsource*? Now check.
2. Set the horizon to 12 months. Which services stop paying? Why does a short contract hurt?
3. Tick *GDPR art. 28 data processing agreement*. Which service's risk band changes, and what does
   the clause cost?
4. Switch to the *medium* firm, then press *Suggest the best clause set*. Why does a bigger firm buy
   more clauses?
5. Raise *Supplier fees* to 1.5. Which recommendation survives?
6. Untick every service: what does the dashboard tell you?

Write your answers in the cell below (double-click to edit).""",
    """md:*Your answers here.*""",
    """md:The dashboard's current scenario and table can also be read in code:""",
    """py:print(dashboard.scenario())
dashboard.evaluation[["net_benefit", "recommendation"]].round(0)""",
    """md:## Recap
* The decision depends on costs (salary, fees, volume, horizon), on risk appetite and on the clauses.
* A service flips when its net benefit changes sign or its risk band crosses the appetite.

**Questions.** (1) Which single input changes the most recommendations? (2) Is a higher risk appetite
ever *right* for a firm? When? (3) What is missing from this model that a manager would weigh?""",
]

NOTEBOOKS["04_contract_clauses"] = [
    f"""md:# 04 · Contract clauses as risk reduction

**You will:** see inherent and residual risk side by side; compare each clause's cost with the risk
it removes; find the best clause set and explain it; keep a contract checklist.

**Time:** 25 minutes.

*This notebook is a teaching aid, not legal advice.*

{RESTART}""",
    SETUP,
    """md:## 1. What each clause does
Each clause lowers the likelihood and/or the impact score of some legal areas, never below 1,
and costs a one-off drafting fee plus a premium on the supplier's monthly fee.""",
    """py:data.clauses[["name_en", "provision", "drafting_cost_eur", "fee_premium_pct"]]""",
    """py:data.clause_effects[["likelihood_steps", "impact_steps"]]""",
    """md:## 2. Inherent against residual risk
With two clauses adopted: the GDPR art. 28 data processing agreement and the IP assignment
(LdA arts. 107 and 110).""",
    """py:with_two = toolkit.Scenario(clauses=("dpa_art28", "ip_assignment"))
two = toolkit.evaluate(data, with_two)
plots.inherent_vs_residual(two, lang=LANG, dataset=data);""",
    """md:## 3. What a clause costs against the risk it removes
For each clause, added to the scenario above: fee premiums and drafting (cost) against the fall in
expected legal loss (risk removed), over all services in scope.""",
    """py:values = toolkit.clause_value(data, with_two)
plots.clause_value_bars(values, lang=LANG, dataset=data);
values.round(0)""",
    """md:**Careful:** this counts every service, even those the firm will keep in house. The best set
below counts only the services actually outsourced, so the two can disagree.

## 4. The best clause set, and why
The toolkit tries all 256 combinations and keeps the highest net benefit of the decision.""",
    """py:summary = toolkit.portfolio(data)
best = toolkit.Scenario(clauses=summary.best_clauses)
print("Best clauses:", ", ".join(summary.best_clauses))
print(f"Net benefit: EUR {summary.decision_net_benefit:,.0f} without clauses, EUR {summary.best_net_benefit:,.0f} with them")
summary.best_evaluation[["clauses_applied", "residual_risk", "risk_band", "net_benefit", "recommendation"]].round(0)""",
    """md:## 5. Your contract checklist
For each service to outsource: the clauses to negotiate, the risk each answers (score before → after)
and the provision behind it. It is saved in `exports/checklist.md` to keep.""",
    """py:from pathlib import Path
from IPython.display import Markdown
from toolkit.export import checklist

text = checklist(data, best, lang=LANG)
Path("exports").mkdir(exist_ok=True)
Path("exports/checklist.md").write_text(text, encoding="utf-8")
Markdown(text)""",
    """md:## Recap
* A clause is worth adopting when the risk it removes exceeds its fee premium and drafting cost.
* Which clauses pay depends on the firm: a fine that scales with turnover makes protection worth more
  to a larger firm.
* Some law cannot be contracted away: the firm remains joint controller of its social page
  (CJEU C-210/16) and cannot exclude liability for gross negligence (*Codice civile* art. 1229).

**Questions.** (1) Why is the SLA with penalties left out of the best set? (2) Which clause would you
add anyway, for a reason the model does not count? (3) Run `toolkit.portfolio(data, toolkit.Scenario(profile="medium"))`:
what changes, and why?""",
]

NOTEBOOKS["05_case_study"] = [
    f"""md:# 05 · Case study: Sartoria Bellini

**You will:** build the scenario of a described firm, decide which services to outsource under which
clauses, justify the decision, and export a hand-in (CSV tables, PNG charts, your checklist).

**Time:** 40 minutes. *A teaching aid, not legal advice.*

{RESTART}""",
    """md:## The firm (fictional)
*Sartoria Bellini srl* makes made-to-measure shirts in Bergamo: 35 staff, turnover EUR 4.2 million.
Its marketing assistant (gross salary EUR 28,000) runs social media part-time. The owner wants more
reach on Instagram, a monthly newsletter to 12,000 customers, a refreshed logo for the 50th
anniversary, and to stop losing evenings answering reviews. A Milan agency has offered to take it
all for a two-year contract. The owner dislikes risk: a *medium* band at most.""",
    SETUP,
    """md:## 1. The firm's profile
Activity is about 1.3 times the reference volume. The figures below are the case's assumptions.""",
    """py:data = toolkit.with_profile(
    data, "bellini", name_en="Sartoria Bellini", name_it="Sartoria Bellini",
    gross_salary_eur=28_000, oncost_multiplier=1.40, productive_hours_year=1_720,
    turnover_eur=4_200_000, activity_volume=1.3,
    source="assumption: case study",
)
data.profiles.loc[["small", "bellini"], ["gross_salary_eur", "turnover_eur", "activity_volume"]]""",
    """md:## 2. Your scenario
Edit the values to match the brief, then run. (Horizon in months; risk appetite: low, medium, high
or critical.)""",
    """py:case = toolkit.Scenario(
    profile="bellini",
    horizon_months=24,
    risk_appetite="medium",
    clauses=(),
)
toolkit.evaluate(data, case)[["savings", "residual_risk", "risk_band", "net_benefit", "recommendation"]].round(0)""",
    """md:## 3. Decide with clauses
Let the toolkit suggest the best clause set, then check it in the explorer if you want to try
another.""",
    """py:summary = toolkit.portfolio(data, case)
decision = case.replace(clauses=summary.best_clauses)
print("Clauses:", ", ".join(decision.clauses))
result = toolkit.evaluate(data, decision)
result[["savings", "residual_risk", "risk_band", "net_benefit", "recommendation"]].round(0)""",
    """py:plots.savings_vs_risk(result, lang=LANG, appetite=decision.risk_appetite);""",
    """md:## 4. Justify (write in this cell; double-click to edit)
* Which services do you outsource, and which do you keep? Why?
* Which clauses will you negotiate first, and which article of law makes each one matter?
* What would change your mind (a fee increase? a shorter contract?)""",
    """md:## 5. Export your hand-in
Writes to `exports/case_study/`: `evaluation.csv`, `breakdown.csv`, `scenario.json`,
`checklist.md` and three PNG charts. Hand in the folder with this notebook.""",
    """py:from toolkit.export import export_decision

files = export_decision(data, decision, "exports/case_study", lang=LANG)
for file in files:
    print(file)""",
    """md:## Recap
You turned a brief into a scenario, let the model weigh savings against legal risk, chose the
contract clauses and exported a decision you can defend.

**Questions.** (1) The newsletter (electronic direct marketing) is the riskiest service: under which
conditions would you outsource it? (*Codice privacy* art. 130; GDPR art. 28.) (2) The logo refresh
falls under *brand* and *content*: who owns the new logo without a written assignment (LdA art. 110)?
(3) What would you ask the agency before signing?""",
]

NOTEBOOKS["06_uncertainty"] = [
    f"""md:# 06 · What if the numbers are wrong?

**You will:** see which input moves the decision most (a *tornado* chart); find where outsourcing stops
paying as volume or contract length change; simulate thousands of possible futures (*Monte Carlo*) and
read percentile bands and probabilities; save your scenario to a file and export a report to hand in.

**Time:** 30 minutes. **Pattern:** predict, then run. *A teaching aid, not legal advice.*

{RESTART}""",
    SETUP,
    """md:## 1. Every number is an estimate
Salaries, fees, hours and, above all, the chance and cost of a legal problem are estimates. For each
one, `data/uncertainty.csv` gives a range as a **multiplier** of the value the model uses: lowest, most
likely (1 = as in the other tables) and highest. The `source` column says where each range comes from;
*assumption* means a teaching guess, with its reasoning.""",
    """py:data.uncertainty[["min_factor", "mode_factor", "max_factor", "description", "source"]]""",
    """md:## 2. One input at a time: the tornado
The scenario: the small firm with a GDPR art. 28 data processing agreement. Each input is moved 20%
down and 20% up, the others stay put. **Predict first:** which input moves the total net benefit most,
the salary, the supplier's fees or the chance of a legal problem?""",
    """py:scenario = toolkit.Scenario(clauses=("dpa_art28",))
table = toolkit.sensitivity(data, scenario, change=0.2)
plots.tornado(table, lang=LANG, dataset=data);""",
    """md:**How to read it.** The vertical line is the net benefit as the scenario stands; each bar shows where
it goes when one input is 20% lower (hatched) or higher (plain). The longest bars, at the top, are the
inputs worth checking before you sign. Two pairs of bars are twins: salary and in-house hours (the
in-house cost is hours × hourly cost), and likelihood and impact (expected loss is chance × loss).

A single service can tell a different story. Where a bar crosses the dotted zero line, that change alone
would flip the decision:""",
    """py:plots.tornado(table, service="blog", lang=LANG, dataset=data)
table[table.service == "blog"][["input", "low_net", "base_net", "high_net"]].round(0)""",
    """md:## 3. Where outsourcing stops paying
The tornado moves inputs by 20%; a **break-even** curve moves one input over its whole range. Here the
net benefit (savings minus expected legal loss) against the activity volume, then against the length
of the contract. A marker shows where each line crosses zero.""",
    """py:volume_curve = toolkit.sweep(data, scenario, "volume", [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4], column="net_benefit")
plots.break_even_curves(volume_curve, lang=LANG, dataset=data, column="net_benefit");""",
    """py:horizon_curve = toolkit.sweep(data, scenario, "horizon_months", range(1, 61), column="net_benefit")
plots.break_even_curves(horizon_curve, lang=LANG, dataset=data, column="net_benefit")
toolkit.break_even(horizon_curve).round(1).to_frame("break-even (months)")""",
    """md:## 4. Many possible futures at once: a Monte Carlo simulation
Now **every** input varies at the same time, each drawn from its range, 100,000 times: each draw is one
possible future. The *seed* fixes the random draws, so the same seed always gives the same futures
(and your results match your classmates'). The bar shows the progress.""",
    """py:from IPython.display import display
from ipywidgets import IntProgress

DRAWS = 100_000
bar = IntProgress(min=0, max=DRAWS, description="Futures")
display(bar)
result = toolkit.simulate(data, scenario, draws=DRAWS, seed=0,
                          progress=lambda done, total: setattr(bar, "value", done))
result.summary[["deterministic", "recommendation", "probability_outsource", "p5", "p50", "p95"]].round(2)""",
    """md:**How to read the table.** *deterministic* is the net benefit with every input as in the tables.
*probability_outsource* is the share of futures in which outsourcing beats keeping the service in house:
a positive net benefit **and** a risk within the firm's appetite. *p5*, *p50* (the median) and *p95* are
percentiles: in 5% of the futures the net benefit is below *p5*, in half below *p50*, in 95% below *p95*.
A service with 0% may still save money: its risk band is above the appetite in every future, because the
clauses, not the euros, set the band.""",
    """py:plots.uncertainty_bands(result, lang=LANG, dataset=data);""",
    """md:Each box spans the middle half of the futures, the thin line 90% of them; the diamond is the answer
without uncertainty. A box that straddles zero is a coin toss: the decision rests on numbers nobody
knows well. Below, the net benefit of the **whole decision** (the services the model recommends to
outsource) in every future:""",
    """py:plots.decision_histogram(result, lang=LANG);""",
    """md:## 5. The same seed, the same futures
Run the simulation again with another seed and fewer draws. **Predict:** will the probabilities change
a lot, a little, or not at all? What changes if you use `seed=0` again?""",
    """py:again = toolkit.simulate(data, scenario, draws=10_000, seed=1)
result.summary[["probability_outsource"]].assign(seed_1=again.summary["probability_outsource"]).round(3)""",
    """md:## 6. Share your scenario and hand in the report
A scenario file is a small JSON text you can hand in or send to a classmate; the explorer in notebook 03
has *Save* and *Load* buttons for the same files. `export_report` writes the tables (Excel, one sheet
per table, and CSV), the charts (PNG) and a one-page HTML report to `exports/uncertainty/`. From a
terminal: `python -m toolkit export --scenario my_scenario.json --out exports/uncertainty`.""",
    """py:path = scenario.save("my_scenario.json")
print(path, "->", toolkit.Scenario.load(path) == scenario)""",
    """py:from toolkit.export import export_report

files = export_report(data, scenario, "exports/uncertainty", lang=LANG, draws=10_000, seed=0)
print(*[file.name for file in files], sep="\\n")""",
    """md:## Recap
* A **tornado** ranks the inputs by how far a ±20% change moves the net benefit: check the top ones first.
* **Break-even** curves show the volume or contract length at which outsourcing a service stops paying.
* A **Monte Carlo** simulation gives, per service, the probability that outsourcing beats keeping it in
  house and a band of plausible net benefits; the seed makes it reproducible.
* Uncertainty in euros never makes a risky service acceptable: the band depends on the clauses. The
  e-mail newsletter needs prior consent (*Codice privacy* art. 130) and a processor contract (GDPR
  art. 28(3)) whatever the fees, and its worst breaches are fined up to 4% of turnover (GDPR art. 83(5)).

**Questions.** (1) Which input would you research first before signing, and why? (2) Which service is a
coin toss, and what would you ask the supplier to make it less so? (3) Narrow the `likelihood` range in
`data/uncertainty.csv` (a copy of `data/`) and run again: which probabilities change, and why?""",
]


def build(name: str, cells: list[str]) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                        "name": "python3"},
                         "language_info": {"name": "python"}}
    for index, cell in enumerate(cells):
        kind, text = cell[:3], cell[3:]
        maker = nbformat.v4.new_markdown_cell if kind == "md:" else nbformat.v4.new_code_cell
        if kind not in ("md:", "py:"):
            raise ValueError(f"{name} cell {index}: start with 'md:' or 'py:'")
        notebook.cells.append(maker(text, id=f"{name[:2]}-{index:02d}"))
    return notebook


def main(check: bool = False) -> int:
    stale = []
    for name, cells in NOTEBOOKS.items():
        path = ROOT / "notebooks" / f"{name}.ipynb"
        text = nbformat.writes(build(name, cells)) + "\n"
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run tools/build_notebooks.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv))
