"""What if: the uncertainty table, toolkit.simulate (Monte Carlo), toolkit.sensitivity and
their charts (tornado, uncertainty bands, decision histogram)."""
import csv
import dataclasses

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import toolkit  # noqa: E402
from toolkit import RISK_BANDS, DataError, Scenario, evaluate, plots, sensitivity, simulate  # noqa: E402
from toolkit.i18n import t  # noqa: E402
from toolkit.model import _compute, _prepare  # noqa: E402
from toolkit.whatif import _PER_SERVICE, PERCENTILES, UNCERTAIN_INPUTS, _draw_factors, _with_factors  # noqa: E402

FACTORS = ["min_factor", "mode_factor", "max_factor"]


@pytest.fixture(scope="module")
def data():
    return toolkit.load_dataset()


def with_ranges(dataset, **ranges):
    """A copy of the dataset whose uncertainty table has some rows replaced: name=(min, mode, max)."""
    table = dataset.uncertainty.copy()
    for name, values in ranges.items():
        table.loc[name, FACTORS] = values
    return dataclasses.replace(dataset, uncertainty=table)


def fixed(dataset):
    """Every range min = mode = max = 1: no uncertainty at all."""
    return with_ranges(dataset, **{name: (1.0, 1.0, 1.0) for name in UNCERTAIN_INPUTS})


def shrunk(dataset, spread):
    """Every range pulled towards 1 by ``spread`` (1 = as in the data, 0 = no uncertainty)."""
    table = dataset.uncertainty.copy()
    table[FACTORS] = 1 + spread * (table[FACTORS] - 1)
    return dataclasses.replace(dataset, uncertainty=table)


# --- data/uncertainty.csv -----------------------------------------------------------------------


def test_uncertainty_table_has_every_input_with_a_valid_range(data):
    table = data.uncertainty
    assert sorted(table.index) == sorted(UNCERTAIN_INPUTS)
    assert (table.min_factor <= table.mode_factor).all() and (table.mode_factor <= table.max_factor).all()
    assert (table.mode_factor == 1).all(), "the most likely value is the one the deterministic model uses"
    assert (table.min_factor < table.max_factor).all(), "every input is uncertain in the bundled data"
    for name, row in table.iterrows():
        assert row.source.strip(), name
        how = "each service" if name in _PER_SERVICE else "one draw for the firm"
        assert how in row.description_en.lower(), f"{name}: the description says how it is drawn"


def _edit(folder, input_name, **values):
    path = folder / "uncertainty.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    line = next(k for k, row in enumerate(rows) if row[0] == input_name)
    for column, value in values.items():
        rows[line][header.index(column)] = str(value)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path, line + 1


def test_mode_outside_the_range_names_line_and_column(data_copy):
    path, line = _edit(data_copy, "fee", mode_factor=2)
    with pytest.raises(DataError, match="min_factor <= mode_factor <= max_factor") as info:
        toolkit.load_dataset(data_copy)
    assert (info.value.path, info.value.line, info.value.column) == (path, line, "mode_factor")


def test_max_below_min_names_max_factor(data_copy):
    _edit(data_copy, "salary", min_factor=1.2, mode_factor=1.2, max_factor=0.9)
    with pytest.raises(DataError) as info:
        toolkit.load_dataset(data_copy)
    assert info.value.column == "max_factor"


def test_unknown_or_missing_input_and_negative_factor(data_copy):
    path, _ = _edit(data_copy, "fee", input="fees")
    with pytest.raises(DataError, match="expected one of") as info:
        toolkit.load_dataset(data_copy)
    assert info.value.column == "input"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("fees,")) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="no row for the input 'fee'"):
        toolkit.load_dataset(data_copy)


def test_negative_factor_is_refused(data_copy):
    _edit(data_copy, "impact", min_factor=-0.5)
    with pytest.raises(DataError, match="min_factor"):
        toolkit.load_dataset(data_copy)


# --- simulate: reproducible, exact at zero spread, converging ----------------------------------


def test_same_seed_same_draws_other_seed_other_draws(data):
    a, b = simulate(data, draws=3_000, seed=7), simulate(data, draws=3_000, seed=7)
    pd.testing.assert_frame_equal(a.net_benefit, b.net_benefit, check_exact=True)
    pd.testing.assert_frame_equal(a.summary, b.summary, check_exact=True)
    c = simulate(data, draws=3_000, seed=8)
    assert not np.array_equal(a.net_benefit.to_numpy(), c.net_benefit.to_numpy())


def test_draws_do_not_depend_on_the_other_services_in_scope(data):
    every = simulate(data, draws=2_000, seed=3)
    alone = simulate(data, Scenario(services=("seo",)), draws=2_000, seed=3)
    # Same futures, same seed: the draws differ only by a constant, the share of the required
    # clauses' one-off drafting that seo bears (all of it alone, a share of it with the others).
    shift = evaluate(data, Scenario(services=("seo",))).net_benefit["seo"] - evaluate(data).net_benefit["seo"]
    assert shift < 0, "seo alone pays the whole drafting of its required clauses"
    assert np.allclose(alone.net_benefit["seo"] - every.net_benefit["seo"], shift, rtol=0, atol=1e-6)


scenarios = st.builds(
    Scenario,
    profile=st.sampled_from(["micro", "small", "medium"]),
    services=st.none() | st.lists(st.sampled_from(["blog", "content", "seo", "profiles", "direct_marketing",
                                                   "know_how"]), min_size=1, max_size=6, unique=True).map(tuple),
    volume=st.floats(0.1, 5), horizon_months=st.integers(1, 120), salary_multiplier=st.floats(0.2, 5),
    fee_multiplier=st.floats(0.2, 5), management_hours=st.floats(0, 10), transition_months=st.floats(0, 6),
    clauses=st.lists(st.sampled_from(["nda", "dpa_art28", "ip_assignment", "audit_rights", "indemnity_insurance",
                                      "supplier_liability_cap"]), unique=True).map(tuple),
    risk_appetite=st.sampled_from(RISK_BANDS), eur_per_risk_point=st.none() | st.floats(0, 1000),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios)
def test_zero_spread_equals_evaluate_exactly(data, scenario):
    result = simulate(fixed(data), scenario, draws=30, seed=1)
    evaluation = evaluate(data, scenario)
    draws = result.net_benefit.to_numpy()
    assert (draws == evaluation.net_benefit.to_numpy()[None, :]).all()  # bit for bit, every draw
    outsourced = evaluation.outsourced.to_numpy()
    assert (result.outsource.to_numpy() == outsourced[None, :]).all()
    assert (result.summary.probability_outsource == outsourced.astype(float)).all()
    for q in PERCENTILES:
        assert (result.summary[f"p{q}"] == evaluation.net_benefit).all()


@pytest.mark.parametrize("scenario", [Scenario(), Scenario(profile="medium", clauses=("dpa_art28", "nda")),
                                      Scenario(eur_per_risk_point=60.0, horizon_months=36)], ids=str)
def test_converges_on_the_deterministic_result_as_the_spread_shrinks(data, scenario):
    expected = evaluate(data, scenario).net_benefit
    scale = expected.abs() + 1_000
    widths, gaps = [], []
    for spread in (1.0, 0.1, 0.01, 0.001):
        summary = simulate(shrunk(data, spread), scenario, draws=4_000, seed=0).summary
        widths.append(((summary.p95 - summary.p5) / scale).max())
        gaps.append(((summary.p50 - expected).abs() / scale).max())
    assert widths[0] > 0.01
    for before, after in zip(widths, widths[1:]):
        assert after == pytest.approx(before / 10, rel=0.2)  # the spread of the results shrinks with the input's
    # a thousandth of the spread: the results sit within a thousandth of the first spread's width
    assert widths[-1] < 2e-3 * widths[0] and gaps[-1] < 2e-3 * widths[0]
    assert gaps[-1] < gaps[1] < gaps[0] or gaps[0] < 1e-9
    # away from 0, the decision settles on the deterministic one
    summary = simulate(shrunk(data, 0.001), scenario, draws=2_000).summary
    clear = (expected.abs() > 100).to_numpy()
    outsourced = summary.outsourced.to_numpy().astype(float)
    assert (summary.probability_outsource.to_numpy()[clear] == outsourced[clear]).all()


def test_vectorised_draws_equal_a_per_draw_loop_on_the_same_multipliers(data):
    """The decision rules are the model's own: one call of _compute per draw gives the same."""
    for scenario in (Scenario(clauses=("dpa_art28",)), Scenario(eur_per_risk_point=40.0, risk_appetite="high"),
                     Scenario(services=("blog", "seo", "direct_marketing"), clauses=("nda", "ip_assignment"))):
        inp = _prepare(data, scenario)
        every = list(data.services.index)
        columns = [every.index(s) for s in inp.services]
        factors = _draw_factors(np.random.default_rng(5), data.uncertainty, 200, len(every))
        vector = _compute(_with_factors(inp, factors, columns), inp.base_mask)
        for d in range(200):
            one = {n: f[d:d + 1] for n, f in factors.items()}  # one draw at a time
            single = _compute(_with_factors(inp, one, columns), inp.base_mask)
            np.testing.assert_allclose(single["net"][0], vector["net"][d], rtol=1e-12)
            assert (single["outsource"][0] == vector["outsource"][d]).all()


def test_a_yearly_chance_never_exceeds_1(data):
    # brand, outsourced: trademarks at likelihood 4 (no clause required there), 0.25 a year; x 5 is
    # 1.25: it must stop at 1 (a certainty). In house the highest level is 3: 0.10 x 5 = 0.5, no cap
    # needed, so the in-house loss is simply 5 times the evaluation's.
    wide = with_ranges(fixed(data), likelihood=(5.0, 5.0, 5.0))
    scenario = Scenario(services=("brand",))
    result = simulate(wide, scenario, draws=5).net_benefit["brand"]
    pairs = toolkit.breakdown(data, scenario)
    row = evaluate(data, scenario).loc["brand"]
    assert pairs.loc[("brand", "trademarks"), "incident_probability"] * 5 > 1
    assert (data.likelihood_levels.incident_probability.loc[pairs.inhouse_likelihood] * 5 <= 1).all()
    years = 2
    per_claim = pairs.claim_probability * pairs.loss_if_it_happens * years
    capped = (np.minimum(pairs.incident_probability * 5, 1) * per_claim).sum()
    expected = row.savings - (capped - 5 * row.inhouse_legal_loss)
    assert result.to_numpy() == pytest.approx(np.full(5, expected), rel=1e-12)
    assert capped < (pairs.incident_probability * 5 * per_claim).sum()


def test_only_the_chosen_inputs_vary(data):
    only_fees = with_ranges(fixed(data), fee=(0.5, 1.0, 1.5))
    result = simulate(only_fees, Scenario(), draws=2_000)
    evaluation = evaluate(data)
    monthly_fee = evaluation.fee / 24
    # net = deterministic - (factor - 1) x (fee and the clause premiums over 24 months + 1 transition
    # month of fee); the premiums (the required clauses') are a share of the fee, so they move with it
    factor = 1 - (result.net_benefit - evaluation.net_benefit) / (evaluation.fee + evaluation.clause_premium
                                                                  + monthly_fee)
    assert factor.min().min() >= 0.5 - 1e-9 and factor.max().max() <= 1.5 + 1e-9
    assert factor.mean().mean() == pytest.approx(1.0, abs=0.01)  # the triangle's mean (0.5 + 1 + 1.5) / 3


def test_summary_matches_the_raw_draws(data):
    scenario = Scenario(clauses=("dpa_art28",))
    result = simulate(data, scenario, draws=5_000, seed=2)
    net, summary = result.net_benefit, result.summary
    assert list(summary.index) == list(evaluate(data, scenario).index) == list(net.columns)
    assert net.shape == (5_000, len(summary)) and result.outsource.shape == net.shape
    for q in PERCENTILES:
        assert np.allclose(summary[f"p{q}"], np.percentile(net, q, axis=0))
    assert (summary[["p5", "p25", "p50", "p75", "p95"]].diff(axis=1).iloc[:, 1:] >= 0).all().all()
    assert np.allclose(summary["mean"], net.mean())
    # the appetite blocks outsourcing only where the outsourced risk is also worse than in house
    evaluation = evaluate(data, scenario)
    acceptable = summary.within_appetite | (evaluation.residual_risk <= evaluation.inhouse_risk)
    assert np.allclose(summary.probability_outsource, ((net > 0) & acceptable).mean())
    assert (summary.probability_outsource[~acceptable] == 0).all()
    assert (summary.probability_outsource <= summary.probability_positive).all()
    chosen = summary.index[summary.outsourced]
    assert np.allclose(result.decision_net_benefit, net[chosen].sum(axis=1))


def test_progress_is_reported_after_each_batch(data):
    calls = []
    simulate(data, draws=25_000, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(10_000, 25_000), (20_000, 25_000), (25_000, 25_000)]


@pytest.mark.parametrize("arguments, fragment", [
    (dict(draws=0), "draws"), (dict(draws=-5), "draws"), (dict(draws=1.5), "draws"), (dict(draws=True), "draws"),
    (dict(draws=2_000_000), "draws"), (dict(seed=-1), "seed"), (dict(seed="x"), "seed"),
    (dict(progress="bar"), "progress"),
])
def test_bad_arguments(data, arguments, fragment):
    with pytest.raises(ValueError, match=fragment):
        simulate(data, **arguments)


def test_unknown_id_is_refused(data):
    with pytest.raises(ValueError, match="'profile'"):
        simulate(data, Scenario(profile="huge"))


# --- sensitivity -----------------------------------------------------------------------------


def scaled_dataset(data, input_name, factor):
    """The dataset with one input's table scaled (what sensitivity does through multipliers)."""
    if input_name == "inhouse_hours":
        costs = data.costs.copy()
        costs["inhouse_hours_month"] *= factor
        return dataclasses.replace(data, costs=costs)
    if input_name == "likelihood":
        levels = data.likelihood_levels.copy()
        levels["incident_probability"] = np.minimum(levels["incident_probability"] * factor, 1)
        return dataclasses.replace(data, likelihood_levels=levels)
    if input_name == "impact":  # every loss scales, so their geometric means (impact 2 and 4) do too
        losses = data.incident_losses.copy()
        losses[["loss_low_eur", "loss_eur", "loss_high_eur"]] *= factor
        return dataclasses.replace(data, incident_losses=losses)
    return data


def by_hand(data, scenario, input_name, factor):
    """Net benefit per service with one input scaled, through evaluate()."""
    fields = {"volume": "volume", "salary": "salary_multiplier", "fee": "fee_multiplier",
              "management_hours": "management_hours", "eur_per_risk_point": "eur_per_risk_point"}
    if input_name in fields:
        name = fields[input_name]
        scenario = scenario.replace(**{name: getattr(scenario, name) * factor})
    return evaluate(scaled_dataset(data, input_name, factor), scenario).net_benefit


@pytest.mark.parametrize("scenario", [Scenario(clauses=("dpa_art28",)),
                                      Scenario(profile="medium", eur_per_risk_point=50.0, management_hours=3.0)],
                         ids=["tables", "eur_per_point"])
def test_sensitivity_equals_evaluate_with_the_input_changed(data, scenario):
    table = sensitivity(data, scenario, change=0.25)
    expected_inputs = set(UNCERTAIN_INPUTS) - ({"likelihood", "impact"} if scenario.eur_per_risk_point
                                                else {"eur_per_risk_point"})
    assert set(table.input) == expected_inputs
    evaluation = evaluate(data, scenario)
    base, chosen = evaluation.net_benefit, evaluation.outsourced
    assert chosen.any() and not chosen.all()  # the decision and the total differ
    for name in expected_inputs:
        rows = table[table.input == name].set_index("service")
        services = rows.drop(index=["total", "decision"])
        assert (services.base_net == base).all()  # exactly the evaluation
        assert rows.loc["decision", "base_net"] == pytest.approx(base[chosen].sum())
        for side, factor in (("low", 0.75), ("high", 1.25)):
            assert np.allclose(services[f"{side}_net"], by_hand(data, scenario, name, factor), rtol=1e-9, atol=1e-6)
            assert rows.loc["total", f"{side}_net"] == pytest.approx(services[f"{side}_net"].sum())
            # the decision: the services the scenario's evaluation outsources, kept fixed
            assert rows.loc["decision", f"{side}_net"] == pytest.approx(services.loc[chosen[chosen].index,
                                                                                   f"{side}_net"].sum())
        assert np.allclose(rows.swing, (rows.high_net - rows.low_net).abs())
        assert np.allclose(rows.low_value, rows.base_value * 0.75) and (rows.low_factor == 0.75).all()


def test_sensitivity_is_sorted_by_the_decision_swing(data):
    table = sensitivity(data)
    decision = table[table.service == "decision"]
    assert list(decision.swing) == sorted(decision.swing, reverse=True)
    assert list(decision.swing) != sorted(table[table.service == "total"].swing, reverse=True)  # not the total's
    totals = table[table.service == "total"]
    assert list(table.columns) == ["input", "service", "low_factor", "high_factor", "base_value", "low_value",
                                   "high_value", "base_net", "low_net", "high_net", "swing"]
    # higher salaries or more in-house hours make outsourcing pay more; higher fees less
    for name, sign in (("salary", 1), ("inhouse_hours", 1), ("fee", -1)):
        row = totals[totals.input == name].iloc[0]
        assert np.sign(row.high_net - row.low_net) == sign


def test_sensitivity_of_a_decision_that_outsources_nothing(data):
    """The restaurant chain's 12 months outsource nothing: the decision is 0 whatever the inputs, and the
    rows are ranked by the total's swing instead."""
    from toolkit.exercises import case_scenario

    scenario = case_scenario("trattoria")
    assert not evaluate(data, scenario).outsourced.any()
    table = sensitivity(data, scenario)
    decision, totals = table[table.service == "decision"], table[table.service == "total"]
    assert (decision[["base_net", "low_net", "high_net", "swing"]] == 0).all().all()
    assert list(totals.swing) == sorted(totals.swing, reverse=True) and totals.swing.max() > 1000
    # the tornado and the report then read the total; a decision that outsources something is read itself
    assert toolkit.whatif.decision_or_total(table) == "total"
    assert toolkit.whatif.decision_or_total(sensitivity(data)) == "decision"
    assert toolkit.whatif.decision_or_total(table[table.service != "decision"]) == "total"


@pytest.mark.parametrize("change", [0, 1, -0.2, 1.5, "0.2", True])
def test_sensitivity_rejects_a_bad_change(data, change):
    with pytest.raises(ValueError, match="change"):
        sensitivity(data, change=change)


# --- charts ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results(data):
    scenario = Scenario(clauses=("dpa_art28",))
    return dict(sensitivity=sensitivity(data, scenario), simulation=simulate(data, scenario, draws=3_000))


CHARTS = {
    "tornado": lambda r, d, **kw: plots.tornado(r["sensitivity"], dataset=d, **kw),
    "tornado_blog": lambda r, d, **kw: plots.tornado(r["sensitivity"], dataset=d, service="blog", **kw),
    "uncertainty_bands": lambda r, d, **kw: plots.uncertainty_bands(r["simulation"], dataset=d, **kw),
    "decision_histogram": lambda r, d, **kw: plots.decision_histogram(r["simulation"], **kw),
}
TITLES = {"tornado": ("plot_tornado_title", "plot_tornado_decision_axis", "plot_tornado_axis"),
          "uncertainty_bands": ("plot_uncertainty_title", "plot_net_benefit_axis", "service"),
          "decision_histogram": ("plot_decision_title", "plot_net_benefit_axis", "plot_share_axis")}


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("chart", CHARTS)
def test_chart_draws_on_a_given_axes_with_catalogue_labels(chart, lang, results, data, tmp_path):
    before = plt.get_fignums()
    figure = Figure(figsize=(10, 6), layout="constrained")
    ax = CHARTS[chart](results, data, ax=figure.add_subplot(), lang=lang)
    assert ax.figure is figure and plt.get_fignums() == before, "pyplot untouched when an Axes is given"
    title_key, x_key, y_key = TITLES.get(chart, ("plot_tornado_title_service", "plot_net_benefit_axis",
                                                 "plot_tornado_axis"))
    head = t(title_key, lang, pct="20", draws="3", service="x").split("{")[0][:12]
    assert ax.get_title(loc="left").startswith(head)
    assert ax.get_xlabel() == t(x_key, lang) and ax.get_ylabel() == t(y_key, lang)
    assert ax.get_legend() is not None and len(ax.get_legend().get_texts()) >= 3
    figure.savefig(tmp_path / f"{chart}.png", dpi=50)
    assert (tmp_path / f"{chart}.png").read_bytes()[:4] == b"\x89PNG"


def test_tornado_is_centred_on_the_decision(results, data):
    """The centre line is the net benefit of the services the evaluation outsources, not the sum of all."""
    table = results["sensitivity"]
    evaluation = evaluate(data, Scenario(clauses=("dpa_art28",)))
    decision = evaluation.net_benefit[evaluation.outsourced].sum()
    assert abs(decision - evaluation.net_benefit.sum()) > 1000  # the two differ: the test can tell them apart
    ax = plots.tornado(table, ax=Figure().add_subplot())
    centre = [line for line in ax.lines if line.get_linestyle() == "-"]
    assert [line.get_xdata()[0] for line in centre] == [pytest.approx(decision)]
    assert t("plot_tornado_base_decision", "en", value=f"EUR {decision:,.0f}") in legend_texts(ax)
    assert ax.get_xlabel() == t("plot_tornado_decision_axis", "en")
    total = plots.tornado(table, ax=Figure().add_subplot(), service="total", lang="it")
    assert total.get_title(loc="left").replace("\n", " ") == t("plot_tornado_title_total", "it", pct="20")


def test_tornado_of_a_decision_that_outsources_nothing_says_so(data):
    from toolkit.exercises import case_scenario

    table = sensitivity(data, case_scenario("trattoria"))
    ax = plots.tornado(table, ax=Figure().add_subplot(), lang="it", dataset=data)
    assert ax.get_title(loc="left").replace("\n", " ") == t("plot_tornado_title_nothing", "it", pct="20")
    assert ax.get_xlabel() == t("plot_tornado_total_axis", "it")
    totals = table[table.service == "total"]
    assert ax.containers[0][0].get_x() == pytest.approx(totals.base_net.iloc[0]) != 0


def test_tornado_bars_run_from_the_base_to_each_case(results):
    table = results["sensitivity"]
    ax = plots.tornado(table, ax=Figure().add_subplot())
    decision = table[table.service == "decision"]
    low_bars, high_bars = ax.containers
    hatches = {bar.get_hatch() for bar in low_bars}, {bar.get_hatch() for bar in high_bars}
    assert hatches[0] != hatches[1], "low and high differ by hatch, not only by colour"
    for bar, (_, row) in zip(low_bars, decision.iterrows()):
        assert bar.get_x() == pytest.approx(row.base_net)
        assert bar.get_x() + bar.get_width() == pytest.approx(row.low_net)
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels[0].startswith(t(f"plot_input_{decision.input.iloc[0]}", "en")), "widest swing at the top"
    with pytest.raises(ValueError, match="service"):
        plots.tornado(table, ax=Figure().add_subplot(), service="nope")


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_uncertainty_bands_say_the_probability(results, data):
    simulation = results["simulation"]
    ax = plots.uncertainty_bands(simulation, ax=Figure().add_subplot(), dataset=data)
    texts = [text.get_text() for text in ax.texts]
    best = simulation.summary.probability_outsource.max()
    assert t("plot_probability_value", "en", value=f"{100 * best:.0f}%") in texts


def test_uncertainty_bands_say_risk_above_appetite_only_where_it_blocks_outsourcing(results, data):
    simulation = results["simulation"]
    evaluation = evaluate(data, simulation.scenario)
    blocked = ~(evaluation.within_appetite | (evaluation.residual_risk <= evaluation.inhouse_risk))
    assert (simulation.summary.probability_outsource[blocked] == 0).all()
    assert (simulation.summary.probability_outsource[~blocked & ~evaluation.within_appetite] > 0).any(), \
        "the scenario has a service above the appetite that may still be outsourced"
    ax = plots.uncertainty_bands(simulation, ax=Figure().add_subplot(), dataset=data)
    texts = [text.get_text() for text in ax.texts]
    assert sum(t("risk_above_appetite", "en") in text for text in texts) == blocked.sum()


def test_decision_histogram_sums_to_100_percent(results):
    ax = plots.decision_histogram(results["simulation"], ax=Figure().add_subplot())
    assert sum(patch.get_height() for patch in ax.patches if patch.get_width() > 0) == pytest.approx(100)
    styles = {line.get_linestyle() for line in ax.lines}
    assert len(styles) == 4, "each marked value has its own line style"
