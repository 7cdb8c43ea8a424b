"""Tests of toolkit/plots.py: every chart draws what it promises, in both languages,
without touching pyplot when given an Axes."""
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")  # before pyplot: no window, no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import toolkit  # noqa: E402
from toolkit import plots  # noqa: E402
from toolkit.i18n import STRINGS, eur, name, t  # noqa: E402

# A scenario naming a clause the law requires (it is in those contracts anyway). With the bundled data
# every service needs a required clause, so no service is recommended "outsource" without clauses:
# the tests that need all three recommendations relabel a row (the charts draw what the table says).
SCENARIO = toolkit.Scenario(clauses=("dpa_art28",))
# Both sides pull apart for the clinic (health data): outsourcing lowers the legal loss of some services
# (expected_legal_loss < 0), and the supplier's cap on its liability lowers the fee and adds risk.
CLINIC = toolkit.Scenario(profile="clinica")
MATRIX_SERVICE = "profiles"  # four legal areas, two of them in the same residual cell


@pytest.fixture(scope="module")
def bundle():
    data = toolkit.load_dataset()
    curve = toolkit.sweep(data, SCENARIO, "horizon_months", range(1, 61))
    return SimpleNamespace(data=data, evaluation=toolkit.evaluate(data, SCENARIO),
                           breakdown=toolkit.breakdown(data, SCENARIO),
                           clauses=toolkit.clause_value(data, SCENARIO), curve=curve)


@pytest.fixture(autouse=True)
def close_figures():
    before = set(plt.get_fignums())
    yield
    for number in set(plt.get_fignums()) - before:
        plt.close(number)


CHARTS = {
    "savings_vs_risk": lambda b, **kw: plots.savings_vs_risk(b.evaluation, dataset=b.data, **kw),
    "net_benefit_bars": lambda b, **kw: plots.net_benefit_bars(b.evaluation, dataset=b.data, **kw),
    "risk_heatmap": lambda b, **kw: plots.risk_heatmap(b.breakdown, dataset=b.data, **kw),
    "risk_matrix": lambda b, **kw: plots.risk_matrix(b.breakdown, MATRIX_SERVICE, dataset=b.data, **kw),
    "inherent_vs_residual": lambda b, **kw: plots.inherent_vs_residual(b.evaluation, dataset=b.data, **kw),
    "inhouse_vs_outsourced": lambda b, **kw: plots.inhouse_vs_outsourced(b.evaluation, dataset=b.data, **kw),
    "cost_comparison": lambda b, **kw: plots.cost_comparison(b.evaluation, dataset=b.data, **kw),
    "clause_value_bars": lambda b, **kw: plots.clause_value_bars(b.clauses, dataset=b.data, **kw),
    "break_even_curves": lambda b, **kw: plots.break_even_curves(b.curve, dataset=b.data, **kw),
}


def expected_labels(chart, bundle, lang):
    """(title, x label, y label) as the catalogue says."""
    service = name(bundle.data, "services", MATRIX_SERVICE, lang)
    return {
        "savings_vs_risk": (t("plot_savings_vs_risk_title", lang), t("plot_residual_axis", lang),
                            t("plot_savings_axis", lang)),
        "net_benefit_bars": (t("plot_net_benefit_title", lang), t("plot_net_benefit_axis", lang),
                             t("service", lang)),
        "risk_heatmap": (t("plot_heatmap_title_residual", lang),
                         f"{t('legal_area', lang)}  ({t('plot_not_exposed', lang)})", t("service", lang)),
        "risk_matrix": (t("plot_matrix_title_inherent", lang, service=service), t("plot_impact_axis", lang),
                        t("plot_likelihood_axis", lang)),
        "inherent_vs_residual": (t("plot_dumbbell_title", lang), t("plot_risk_score_axis", lang),
                                 t("service", lang)),
        "inhouse_vs_outsourced": (t("plot_sides_title", lang), t("plot_risk_score_axis", lang), t("service", lang)),
        "cost_comparison": (t("plot_cost_title", lang), t("plot_cost_axis", lang), t("service", lang)),
        "clause_value_bars": (t("plot_clause_title", lang), t("plot_eur_axis", lang), t("clause", lang)),
        "break_even_curves": (t("plot_break_even_title", lang), t("plot_field_horizon_months", lang),
                              t("plot_savings_axis", lang)),
    }[chart]


def labels_of(ax):
    return ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()


def legend_texts(ax):
    # a long entry is wrapped to keep the legend narrow (issue 13): compared as one line
    return [text.get_text().replace("\n", " ") for text in ax.get_legend().get_texts()]


def texts(ax):
    return [text.get_text() for text in ax.texts]


def fresh_axes():
    """An Axes on a Figure that pyplot does not know about (as a dashboard makes it)."""
    return Figure().add_subplot()


def present(evaluation):
    return [r for r in toolkit.RECOMMENDATIONS if r in set(evaluation["recommendation"])]


# --- every chart ---------------------------------------------------------------------------


@pytest.mark.parametrize("chart", CHARTS)
def test_new_figure_when_no_axes(chart, bundle):
    before = set(plt.get_fignums())
    ax = CHARTS[chart](bundle)
    assert isinstance(ax, Axes)
    assert set(plt.get_fignums()) - before == {ax.figure.number}  # one new figure, shown by Jupyter


@pytest.mark.parametrize("chart", CHARTS)
def test_given_pyplot_axes_is_used_and_no_figure_is_added(chart, bundle):
    fig, ax = plt.subplots()
    count = len(plt.get_fignums())
    assert CHARTS[chart](bundle, ax=ax) is ax
    assert len(plt.get_fignums()) == count
    assert plt.gcf() is fig


@pytest.mark.parametrize("chart", CHARTS)
def test_given_figure_axes_leaves_pyplot_and_rcparams_alone(chart, bundle):
    ax = fresh_axes()
    figures, settings = plt.get_fignums(), dict(matplotlib.rcParams)
    assert CHARTS[chart](bundle, ax=ax) is ax
    assert plt.get_fignums() == figures
    assert dict(matplotlib.rcParams) == settings
    ax.figure.canvas.draw()  # draws without pyplot


@pytest.mark.parametrize("chart", CHARTS)
def test_standalone_figure_has_the_charts_own_size_and_leaves_pyplot_alone(chart, bundle):
    """The size of each chart is set in one place: files get the size a notebook shows."""
    shown = CHARTS[chart](bundle)  # ax=None: a pyplot figure of the chart's own size
    figures = plt.get_fignums()
    figure = plots.standalone_figure(CHARTS[chart], bundle)
    assert plt.get_fignums() == figures
    assert tuple(figure.get_size_inches()) == tuple(shown.figure.get_size_inches())
    assert figure.axes and figure.axes[0].get_title(loc="left") == shown.get_title(loc="left")
    figure.canvas.draw()  # draws without pyplot


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("chart", CHARTS)
def test_title_and_axis_labels_come_from_the_catalogue(chart, lang, bundle):
    shown = labels_of(CHARTS[chart](bundle, ax=fresh_axes(), lang=lang))
    assert all(shown)
    assert shown == expected_labels(chart, bundle, lang)


@pytest.mark.parametrize("chart", CHARTS)
def test_italian_differs_from_english(chart, bundle):
    english = CHARTS[chart](bundle, ax=fresh_axes(), lang="en")
    italian = CHARTS[chart](bundle, ax=fresh_axes(), lang="it")
    for en_text, it_text in zip(labels_of(english), labels_of(italian)):
        assert en_text != it_text
    if english.get_legend() is not None:
        assert legend_texts(english) != legend_texts(italian)
    else:  # the heat map names services and areas on its axes
        assert [x.get_text() for x in english.get_xticklabels()] != [x.get_text() for x in italian.get_xticklabels()]


@pytest.mark.parametrize("chart", CHARTS)
def test_invalid_lang_raises_before_drawing(chart, bundle):
    before = plt.get_fignums()
    with pytest.raises(ValueError, match="lang"):
        CHARTS[chart](bundle, lang="fr")
    assert plt.get_fignums() == before


@pytest.mark.parametrize("chart", CHARTS)
def test_saves_to_png(chart, bundle, tmp_path):
    ax = CHARTS[chart](bundle, lang="it")
    path = tmp_path / f"{chart}.png"
    ax.figure.savefig(path, dpi=60)
    assert path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_catalogue_has_both_languages_for_every_plot_key():
    keys = [key for key in STRINGS if key.startswith("plot_")]
    assert len(keys) > 30
    for key in keys:
        assert STRINGS[key]["en"] and STRINGS[key]["it"], key
        assert STRINGS[key]["en"] != STRINGS[key]["it"], key


def test_import_toolkit_does_not_import_matplotlib():
    code = "import sys, toolkit; toolkit.evaluate(toolkit.load_dataset()); sys.exit('matplotlib' in sys.modules)"
    root = Path(__file__).resolve().parent.parent
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=root).returncode == 0


# --- savings_vs_risk -----------------------------------------------------------------------


def with_all_recommendations(evaluation):
    """The table with one service relabelled "outsource", so that all three recommendations are drawn."""
    evaluation = evaluation.copy()
    evaluation.loc[evaluation.index[evaluation.outsourced][0], "recommendation"] = "outsource"
    return evaluation


def test_savings_vs_risk_points_markers_and_legend(bundle):
    evaluation = with_all_recommendations(bundle.evaluation)
    ax = plots.savings_vs_risk(evaluation, ax=fresh_axes(), dataset=bundle.data)
    collections = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in collections) == len(evaluation)
    recommendations = present(evaluation)
    assert len(recommendations) == 3 and len(collections) == 3
    for collection, rec in zip(collections, recommendations):  # drawn in the model's order
        rows = evaluation[evaluation["recommendation"] == rec]
        assert np.allclose(collection.get_offsets(), rows[["residual_risk", "savings"]].to_numpy())
    shapes = {c.get_paths()[0].vertices.tobytes() for c in collections}
    assert len(shapes) == 3  # a different marker shape per recommendation, not only a colour
    line_text = t("plot_appetite_line", "en", band=t("medium", "en"), score=9)
    assert legend_texts(ax) == [t(r, "en") for r in recommendations] + [line_text]
    # every point numbered, and a key names the numbers with the services' names (never their ids)
    numbers = [str(n) for n in range(1, len(evaluation) + 1)]
    assert set(numbers) <= set(texts(ax))
    [column] = [text for text in texts(ax) if text.startswith("1\n")]  # the key's numbers, beside the names
    key = "\n".join(plots._labels(evaluation.index, "services", bundle.data, "en", width=36))
    assert key in texts(ax) and "_" not in key  # names: ids such as direct_marketing never show
    rows = dict(zip(column.split("\n"), key.split("\n")))  # a number on the first line of its name
    for number_, service in zip(numbers, evaluation.index):
        assert name(bundle.data, "services", service, "en").startswith(rows[number_])


@pytest.mark.parametrize("appetite, limit", [("low", 4), ("medium", 9), ("high", 16), ("critical", 25)])
def test_savings_vs_risk_quadrant_lines(appetite, limit, bundle):
    ax = plots.savings_vs_risk(bundle.evaluation, ax=fresh_axes(), appetite=appetite, dataset=bundle.data)
    vertical = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(vertical) == 1 and list(vertical[0].get_xdata()) == [limit, limit]
    assert any(list(line.get_ydata()) == [0, 0] for line in ax.lines)
    captions = {t(key, "en") for key in ("plot_q_saves_ok", "plot_q_saves_risky", "plot_q_costs_ok",
                                         "plot_q_costs_risky")}
    shown = captions & {text.replace("\n", " ") for text in texts(ax)}  # captions are on two lines
    assert len(shown) == (2 if appetite == "critical" else 4)  # nothing lies right of 25


def test_savings_vs_risk_rejects_unknown_appetite(bundle):
    with pytest.raises(ValueError, match="appetite"):
        plots.savings_vs_risk(bundle.evaluation, ax=fresh_axes(), appetite="huge", dataset=bundle.data)


# --- net_benefit_bars ----------------------------------------------------------------------


def test_net_benefit_bars(bundle):
    evaluation = bundle.evaluation
    ax = plots.net_benefit_bars(evaluation, ax=fresh_axes(), lang="it", dataset=bundle.data)
    bars = ax.containers[0]
    assert len(bars) == len(evaluation)
    ordered = evaluation.sort_values("net_benefit", ascending=False)
    assert np.allclose([bar.get_width() for bar in bars], ordered["net_benefit"])
    assert [bar.get_hatch() or "" for bar in bars] == [plots.REC_STYLE[r]["hatch"] for r in ordered.recommendation]
    assert [label.get_text() for label in ax.get_yticklabels()] == [
        plots._labels([s], "services", bundle.data, "it")[0] for s in ordered.index]
    assert [text.get_text() for text in ax.texts] == [eur(v, "it") for v in ordered["net_benefit"]]
    assert legend_texts(ax) == [t(r, "it") for r in present(evaluation)]
    assert any(list(line.get_xdata()) == [0, 0] for line in ax.lines)


def test_net_benefit_bars_ids_without_dataset(bundle):
    ax = plots.net_benefit_bars(bundle.evaluation, ax=fresh_axes())
    ticks = {label.get_text() for label in ax.get_yticklabels()}
    assert ticks == set(bundle.evaluation.index)


# --- risk_heatmap --------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["residual", "inherent"])
def test_risk_heatmap_cells_show_the_scores(which, bundle):
    table = bundle.breakdown
    ax = plots.risk_heatmap(table, ax=fresh_axes(), which=which, dataset=bundle.data)
    services = list(dict.fromkeys(table.index.get_level_values("service_id")))
    areas = list(bundle.data.legal_areas.index)
    cells = {(round(x), round(y)): text.get_text() for text in ax.texts
             for x, y in [text.get_position()] if text.get_text() and text.get_transform() == ax.transData}
    assert len(cells) == len(services) * len(areas)
    for i, service in enumerate(services):
        for j, area in enumerate(areas):
            expected = str(table.loc[(service, area), f"{which}_score"]) if (service, area) in table.index else "-"
            assert cells[(j, i)] == expected, (service, area)
    assert ax.get_title(loc="left") == t(f"plot_heatmap_title_{which}", "en")
    colorbar = [other for other in ax.figure.axes if other is not ax]
    assert len(colorbar) == 1 and colorbar[0].get_ylabel() == t("plot_score_colorbar", "en")
    assert ax.images[0].get_cmap().name.startswith("cividis")


def test_risk_heatmap_in_house_and_a_side_without_risk(bundle):
    table = bundle.breakdown.copy()
    first = table.index[0]
    table.loc[first, "inhouse_score"] = 0  # no risk in this area when kept in house: "-", not "0"
    ax = plots.risk_heatmap(table, ax=fresh_axes(), which="inhouse", lang="it", dataset=bundle.data)
    services = list(dict.fromkeys(table.index.get_level_values("service_id")))
    areas = list(bundle.data.legal_areas.index)
    cells = {(round(x), round(y)): text.get_text() for text in ax.texts
             for x, y in [text.get_position()] if text.get_transform() == ax.transData}
    for i, service in enumerate(services):
        for j, area in enumerate(areas):
            score = table.loc[(service, area), "inhouse_score"] if (service, area) in table.index else 0
            assert cells[(j, i)] == (str(score) if score else "-"), (service, area)
    assert ax.get_title(loc="left") == t("plot_heatmap_title_inhouse", "it")


def test_risk_heatmap_rejects_unknown_which(bundle):
    with pytest.raises(ValueError, match="which"):
        plots.risk_heatmap(bundle.breakdown, ax=fresh_axes(), which="worst")


# --- risk_matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["inherent", "residual"])
def test_risk_matrix(which, bundle):
    rows = bundle.breakdown.loc[MATRIX_SERVICE]
    ax = plots.risk_matrix(bundle.breakdown, MATRIX_SERVICE, ax=fresh_axes(), which=which, dataset=bundle.data)
    cells = [patch for patch in ax.patches if isinstance(patch, Rectangle)]
    assert len(cells) == 25
    assert {cell.get_hatch() or "" for cell in cells} == {s["hatch"] for s in plots.BAND_STYLE.values()}
    products = [likelihood * impact for likelihood in range(1, 6) for impact in range(1, 6)]
    numbers = list(range(1, len(rows) + 1))  # the points are numbered; the legend names them
    assert sorted(int(text) for text in texts(ax)) == sorted(products + numbers)
    points = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(points) == len(rows)
    prefix = "" if which == "inherent" else "residual_"
    expected = sorted(zip(rows[f"{prefix}impact"], rows[f"{prefix}likelihood"]))
    placed = sorted((round(line.get_xdata()[0]), round(line.get_ydata()[0])) for line in points)
    assert placed == expected
    shown = legend_texts(ax)
    for band in toolkit.RISK_BANDS:
        assert any(text.startswith(t(band, "en")) for text in shown)
    for area in rows.index:
        assert name(bundle.data, "legal_areas", area, "en").replace(" ", "") in "".join(shown).replace(
            "\n", "").replace(" ", "")


def test_risk_matrix_in_house_leaves_out_an_area_without_risk(bundle):
    table = bundle.breakdown.copy()
    rows = table.loc[MATRIX_SERVICE]
    dropped = rows.index[0]
    table.loc[(MATRIX_SERVICE, dropped), ["inhouse_likelihood", "inhouse_impact", "inhouse_score"]] = 0
    ax = plots.risk_matrix(table, MATRIX_SERVICE, ax=fresh_axes(), which="inhouse", dataset=bundle.data)
    kept = rows.drop(dropped)
    points = [line for line in ax.lines if line.get_marker() == "o"]
    placed = sorted((round(line.get_xdata()[0]), round(line.get_ydata()[0])) for line in points)
    assert placed == sorted(zip(kept["inhouse_impact"], kept["inhouse_likelihood"]))
    legend = "".join(legend_texts(ax)).replace("\n", "").replace(" ", "")
    assert name(bundle.data, "legal_areas", dropped, "en").replace(" ", "") not in legend
    assert ax.get_title(loc="left") == t("plot_matrix_title_inhouse", "en",
                                         service=name(bundle.data, "services", MATRIX_SERVICE, "en"))


def test_risk_matrix_rejects_unknown_service(bundle):
    with pytest.raises(ValueError, match="service"):
        plots.risk_matrix(bundle.breakdown, "no_such_service", ax=fresh_axes(), dataset=bundle.data)
    with pytest.raises(ValueError, match="service"):
        plots.risk_matrix(bundle.breakdown.iloc[:0], "no_such_service", ax=fresh_axes(), dataset=bundle.data)


def test_risk_matrix_of_an_empty_table_draws_the_bare_matrix(bundle):
    # The risk scorer dashboard starts with nothing scored.
    ax = plots.risk_matrix(bundle.breakdown.iloc[:0], "blog", ax=fresh_axes(), lang="it", dataset=bundle.data)
    assert len(ax.patches) == 25 and not [line for line in ax.lines if line.get_marker() == "o"]
    assert len(legend_texts(ax)) == len(toolkit.RISK_BANDS)


# --- inherent_vs_residual ------------------------------------------------------------------


def test_inherent_vs_residual(bundle):
    evaluation = bundle.evaluation
    ax = plots.inherent_vs_residual(evaluation, ax=fresh_axes(), dataset=bundle.data)
    inherent, residual = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert np.allclose(inherent.get_offsets()[:, 0], evaluation["inherent_risk"])
    assert np.allclose(residual.get_offsets()[:, 0], evaluation["residual_risk"])
    assert inherent.get_paths()[0].vertices.tobytes() != residual.get_paths()[0].vertices.tobytes()
    boundaries = sorted(line.get_xdata()[0] for line in ax.lines)
    assert boundaries == [4.5, 9.5, 16.5]
    assert legend_texts(ax) == [t("plot_inherent_marker", "en"), t("plot_residual_marker", "en")]
    assert {t(band, "en") for band in toolkit.RISK_BANDS} <= set(texts(ax))


# --- band limits come from the dataset drawn -------------------------------------------------

# data/risk_bands.csv with every band moved: low 0-5, medium 6-12, high 13-19, critical 20-25.
MOVED_BANDS = {"low": (0, 5), "medium": (6, 12), "high": (13, 19), "critical": (20, 25)}


@pytest.fixture
def moved_bands(data_copy):
    """A dataset loaded from a copy of data/ whose risk_bands.csv says MOVED_BANDS."""
    path = data_copy / "risk_bands.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [lines[0]]
    for line in lines[1:]:
        band, _low, _high, rest = line.split(",", 3)
        low, high = MOVED_BANDS[band]
        rows.append(f"{band},{low},{high},{rest}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return toolkit.load_dataset(data_copy)


def test_editing_risk_bands_csv_moves_the_appetite_line(bundle, moved_bands):
    evaluation = toolkit.evaluate(moved_bands, SCENARIO)
    for dataset, limit in ((bundle.data, 9), (moved_bands, 12)):
        ax = plots.savings_vs_risk(evaluation, ax=fresh_axes(), appetite="medium", dataset=dataset)
        [line] = [line for line in ax.lines if line.get_linestyle() == "--"]
        assert list(line.get_xdata()) == [limit, limit]
        assert t("plot_appetite_line", "en", band=t("medium", "en"), score=limit) in legend_texts(ax)
    # the model read the same file: services at 6 to 12 points (10 and 12 were 'high') are 'medium' now
    assert set(evaluation.risk_band[evaluation.residual_risk.between(6, 12)]) == {"medium"}
    assert (evaluation.residual_risk.between(10, 12)).any()


def test_editing_risk_bands_csv_moves_the_band_boundaries(bundle, moved_bands):
    ax = plots.inherent_vs_residual(bundle.evaluation, ax=fresh_axes(), dataset=moved_bands)
    assert sorted(line.get_xdata()[0] for line in ax.lines) == [5.5, 12.5, 19.5]
    matrices = {name: plots.risk_matrix(bundle.breakdown, MATRIX_SERVICE, ax=fresh_axes(), dataset=dataset)
                for name, dataset in (("bundled", bundle.data), ("moved", moved_bands))}
    legends = {name: legend_texts(ax)[:len(MOVED_BANDS)] for name, ax in matrices.items()}
    assert legends["moved"] == [t("plot_band_legend", "en", band=t(band, "en"), low=low, high=high)
                                for band, (low, high) in MOVED_BANDS.items()]
    # a score of 5 (likelihood 1 x impact 5) is medium in the bundled bands and low in the moved ones
    colours = {name: {(round(p.get_x() + 0.5), round(p.get_y() + 0.5)): p.get_facecolor() for p in ax.patches}
               for name, ax in matrices.items()}
    assert colours["bundled"][(5, 1)] != colours["moved"][(5, 1)]
    assert colours["moved"][(5, 1)] == colours["moved"][(1, 1)]  # as low as a score of 1


# --- cost_comparison -----------------------------------------------------------------------


def test_cost_comparison(bundle):
    evaluation = bundle.evaluation
    ax = plots.cost_comparison(evaluation, ax=fresh_axes())
    inhouse, *parts = ax.containers
    assert len(parts) == len(plots.COST_PARTS)
    assert sum(len(container) for container in ax.containers) == 6 * len(evaluation)
    assert np.allclose([bar.get_width() for bar in inhouse], evaluation["inhouse_cost"])
    assert np.allclose([bar.get_x() + bar.get_width() for bar in parts[-1]], evaluation["outsourced_cost"])
    assert len({container[0].get_hatch() or "" for container in ax.containers}) == 6
    assert legend_texts(ax) == [t("plot_cost_inhouse", "en")] + [t(f"plot_cost_{p}", "en") for p in plots.COST_PARTS]


# --- clause_value_bars ---------------------------------------------------------------------


def test_clause_value_bars(bundle):
    table = bundle.clauses
    ax = plots.clause_value_bars(table, ax=fresh_axes(), lang="it", dataset=bundle.data)
    cost, removed = ax.containers
    assert np.allclose([bar.get_width() for bar in cost], table["cost"])
    assert np.allclose([bar.get_width() for bar in removed], table["risk_removed"])
    assert texts(ax) == [eur(v, "it") for v in table["cost"]] + [eur(v, "it") for v in table["risk_removed"]]
    marker = f"({t('plot_adopted', 'it')})"
    ticks = [label.get_text() for label in ax.get_yticklabels()]
    assert [marker in tick and tick.startswith("\u2713") for tick in ticks] == list(table["adopted"])
    assert legend_texts(ax) == [t("plot_clause_cost", "it"), t("plot_clause_removed", "it")]


@pytest.mark.parametrize("lang", ["en", "it"])
def test_clause_value_bars_say_which_clauses_the_law_requires(lang, bundle):
    table = bundle.clauses
    assert table["required"].any() and not table["required"].all()  # the bundled data has both kinds
    ax = plots.clause_value_bars(table, ax=fresh_axes(), lang=lang, dataset=bundle.data)
    ticks = [label.get_text() for label in ax.get_yticklabels()]
    marker = f"({t('plot_required', lang)})"
    assert [tick.endswith(marker) for tick in ticks] == list(table["required"])
    for tick, clause in zip(ticks, table.index):  # names, never ids
        assert name(bundle.data, "clauses", clause, lang).split()[0] in tick and clause not in tick


def test_clause_value_bars_draw_a_discount_and_added_risk_left_of_zero(bundle):
    """The supplier's cap lowers the fee (negative cost) and shifts risk onto the firm (negative risk removed)."""
    table = toolkit.clause_value(bundle.data, CLINIC)
    cap = table.loc["supplier_liability_cap"]
    assert cap["cost"] < 0 and cap["risk_removed"] < 0
    ax = plots.clause_value_bars(table, ax=fresh_axes(), dataset=bundle.data)
    cost, removed = ax.containers
    row = list(table.index).index("supplier_liability_cap")
    assert cost[row].get_width() == pytest.approx(cap["cost"])
    assert removed[row].get_width() == pytest.approx(cap["risk_removed"])
    low, high = ax.get_xlim()
    assert low < min(cap["cost"], cap["risk_removed"]) and high > table[["cost", "risk_removed"]].max().max()
    assert any(list(line.get_xdata()) == [0, 0] for line in ax.lines)  # the zero line the bars start from
    assert eur(cap["cost"], "en") in texts(ax) and eur(cap["cost"], "en").startswith("EUR -")
    assert "below 0" in legend_texts(ax)[0] and "below 0" in legend_texts(ax)[1]  # the legend says what left means


# --- both sides: inhouse_vs_outsourced and a negative expected legal loss ----------------------------


def side_points(ax):
    inhouse, outsourced = [c for c in ax.collections if isinstance(c, PathCollection)]
    return inhouse, outsourced


@pytest.mark.parametrize("lang", ["en", "it"])
def test_inhouse_vs_outsourced(lang, bundle):
    evaluation = toolkit.evaluate(bundle.data, CLINIC)
    ax = plots.inhouse_vs_outsourced(evaluation, ax=fresh_axes(), lang=lang, dataset=bundle.data)
    inhouse, outsourced = side_points(ax)
    y = np.arange(len(evaluation))
    assert np.allclose(inhouse.get_offsets(), np.column_stack([evaluation["inhouse_risk"], y]))
    assert np.allclose(outsourced.get_offsets(), np.column_stack([evaluation["residual_risk"], y]))
    # the sides differ by marker shape as well as colour
    assert inhouse.get_paths()[0].vertices.tobytes() != outsourced.get_paths()[0].vertices.tobytes()
    assert inhouse.get_facecolor()[0].tolist() != outsourced.get_facecolor()[0].tolist()
    assert legend_texts(ax) == [t("plot_inhouse_marker", lang), t("plot_outsourced_marker", lang)]
    assert sorted(line.get_xdata()[0] for line in ax.lines) == [4.5, 9.5, 16.5]  # the bands, no appetite line
    # at the right, in words: riskier, safer or the same when outsourced (the clinic has all three)
    change = evaluation["residual_risk"] - evaluation["inhouse_risk"]
    words = [t("plot_sides_riskier", lang, points=f"{c}") if c > 0 else
             t("plot_sides_safer", lang, points=f"{-c}") if c < 0 else t("plot_sides_same", lang) for c in change]
    assert (change > 0).any() and (change < 0).any() and (change == 0).any()
    shown = texts(ax)
    start = shown.index(t("plot_sides_header", lang))
    assert shown[start + 1:] == words
    assert [label.get_text() for label in ax.get_yticklabels()] == plots._labels(evaluation.index, "services",
                                                                                  bundle.data, lang)


def test_inhouse_vs_outsourced_appetite_line(bundle):
    ax = plots.inhouse_vs_outsourced(bundle.evaluation, ax=fresh_axes(), appetite="high", lang="it",
                                     dataset=bundle.data)
    [line] = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert list(line.get_xdata()) == [16, 16]
    assert legend_texts(ax)[-1] == t("plot_appetite_line", "it", band=t("high", "it"), score=16)
    with pytest.raises(ValueError, match="appetite"):
        plots.inhouse_vs_outsourced(bundle.evaluation, ax=fresh_axes(), appetite="huge", dataset=bundle.data)


def test_charts_when_outsourcing_lowers_the_legal_loss(bundle):
    """expected_legal_loss < 0: the net benefit exceeds the savings, and the charts draw the net benefit."""
    evaluation = toolkit.evaluate(bundle.data, CLINIC)
    lower = evaluation[evaluation["expected_legal_loss"] < 0]
    assert len(lower) and (lower["net_benefit"] > lower["savings"]).all()
    ax = plots.net_benefit_bars(evaluation, ax=fresh_axes(), dataset=bundle.data)
    ordered = evaluation.sort_values("net_benefit", ascending=False)
    assert np.allclose([bar.get_width() for bar in ax.containers[0]], ordered["net_benefit"])
    assert [text.get_text() for text in ax.texts] == [eur(v, "en") for v in ordered["net_benefit"]]
    ax = plots.savings_vs_risk(evaluation, ax=fresh_axes(), dataset=bundle.data)
    points = np.concatenate([c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)])
    assert sorted(map(tuple, points)) == sorted(zip(evaluation["residual_risk"], evaluation["savings"]))
    low, high = ax.get_ylim()
    assert low < evaluation["savings"].min() and high > evaluation["savings"].max()
    ax.figure.canvas.draw()


def test_tornado_when_outsourcing_lowers_the_legal_loss(bundle):
    """The likelihood and impact multipliers act on both sides: the tornado still spans low to high."""
    table = toolkit.sensitivity(bundle.data, CLINIC)
    rows = table[table["service"] == "direct_marketing"].sort_values("swing", ascending=False, kind="stable")
    ax = plots.tornado(table, ax=fresh_axes(), service="direct_marketing", dataset=bundle.data)
    low, high = ax.containers
    base = rows["base_net"].iloc[0]
    assert np.allclose([bar.get_x() for bar in low], base)
    assert np.allclose([bar.get_x() + bar.get_width() for bar in low], rows["low_net"])
    assert np.allclose([bar.get_x() + bar.get_width() for bar in high], rows["high_net"])
    likelihood = rows.set_index("input").loc["likelihood"]
    # with more chance of an incident, both sides lose more; outsourcing direct marketing lowers the loss,
    # so its net benefit rises with the likelihood
    assert likelihood["high_net"] > likelihood["low_net"]


# --- break_even_curves ---------------------------------------------------------------------


def test_break_even_curves(bundle):
    curve = bundle.curve
    ax = plots.break_even_curves(curve, ax=fresh_axes())
    lines = [line for line in ax.lines if not line.get_label().startswith("_")]
    assert len(lines) == curve.shape[1]
    assert len({(line.get_linestyle(), line.get_marker()) for line in lines}) == len(lines)  # not only colour
    crossings = toolkit.break_even(curve).dropna()
    assert len(crossings) >= 2
    # each crossing: the line's own marker (ringed) at (x, 0), in the line's colour, and its value written
    style = {line.get_label().split(" (")[0].replace("\n", " "): line for line in lines}
    rings = [line for line in ax.lines if line.get_label().startswith("_") and len(line.get_xdata()) == 1
             and line.get_markerfacecolor() == "white"]
    assert sorted(float(ring.get_xdata()[0]) for ring in rings) == pytest.approx(sorted(crossings))
    for service, value in crossings.items():
        line = style[service]
        ring, = [r for r in rings if float(r.get_xdata()[0]) == pytest.approx(value)]
        assert ring.get_marker() == line.get_marker() and ring.get_markeredgecolor() == line.get_color()
    assert sorted(text.get_text() for text in ax.texts if text.get_text()) == sorted(f"{v:.1f}" for v in crossings)
    assert legend_texts(ax)[len(lines)] == t("plot_break_even_point", "en")
    assert any(list(line.get_ydata()) == [0, 0] for line in ax.lines)


def test_break_even_curves_stagger_markers_and_name_lines_on_top_of_each_other(bundle):
    """Two services whose lines coincide: the markers sit at different points and the legend says so."""
    curve = bundle.curve[["blog", "seo"]].assign(twin=lambda frame: frame["blog"] + 1.0)
    ax = plots.break_even_curves(curve, ax=fresh_axes(), lang="it")
    blog, _seo, twin = [line for line in ax.lines if not line.get_label().startswith("_")]
    assert blog.get_markevery() != twin.get_markevery()
    assert legend_texts(ax)[-1].replace("\n", " ") == t("plot_lines_coincide", "it", lines="blog = twin")
    plain = plots.break_even_curves(bundle.curve[["blog", "seo"]], ax=fresh_axes())
    assert not any(text.startswith("Lines on top") for text in legend_texts(plain))


def test_break_even_curves_axis_follows_the_swept_field(bundle):
    curve = toolkit.sweep(bundle.data, SCENARIO, "volume", [0.25, 0.5, 1, 2, 4])
    ax = plots.break_even_curves(curve, ax=fresh_axes(), lang="it")
    assert ax.get_xlabel() == t("plot_field_volume", "it")
    assert ax.get_ylabel() == t("plot_savings_axis", "it")
    curve = toolkit.sweep(bundle.data, SCENARIO, "horizon_months", [6, 24], column="net_benefit")
    ax = plots.break_even_curves(curve, ax=fresh_axes(), column="net_benefit")
    assert ax.get_ylabel() == t("plot_net_benefit_axis", "en")


def test_break_even_title_is_true_where_outsourcing_starts_or_stops_paying(bundle):
    """By volume, blog starts to pay as the volume grows and online reputation stops paying: the title says
    both (issue 13), not only 'starts to pay'."""
    curve = toolkit.sweep(bundle.data, SCENARIO, "volume", list(np.linspace(0.25, 4, 16)))
    first, last = curve.iloc[0], curve.iloc[-1]
    assert first["blog"] < 0 < last["blog"] and first["reputation"] > 0 > last["reputation"]
    for lang, words in (("en", ("starts", "stops")), ("it", ("comincia", "smette"))):
        title = plots.break_even_curves(curve, ax=fresh_axes(), lang=lang).get_title(loc="left")
        assert title == t("plot_break_even_title", lang) and all(word in title for word in words), title


# --- alt text: what a notebook's chart says to a screen reader -----------------------------


@pytest.mark.parametrize("lang, expected", [
    ("en", "Chart: Net benefit by service. Across: Net benefit over the horizon (EUR). Down: Service. "
           "Legend: Outsource with clauses, Keep in house."),
    ("it", "Grafico: Beneficio netto per servizio. In orizzontale: Beneficio netto sull'orizzonte (EUR). "
           "In verticale: Servizio. Legenda: Esternalizzare con clausole, Tenere in azienda."),
])
def test_alt_text_tells_the_chart_from_its_own_words(lang, expected, bundle):
    figure = plots.standalone_figure(plots.net_benefit_bars, bundle.evaluation, lang=lang, dataset=bundle.data)
    assert set(bundle.evaluation.recommendation) == {"outsource_with_clauses", "keep_in_house"}
    assert plots.alt_text(figure, lang) == expected


def test_alt_text_of_a_heat_map_names_its_colour_scale_and_joins_wrapped_labels(bundle):
    figure = plots.standalone_figure(plots.risk_heatmap, bundle.breakdown, lang="it", dataset=bundle.data)
    alt = plots.alt_text(figure, "it")
    assert alt.startswith(f"Grafico: {t('plot_heatmap_title_residual', 'it')}.")
    assert f"Scala di colori: {t('plot_score_colorbar', 'it')}." in alt and "\n" not in alt
    with pytest.raises(ValueError, match="lang"):
        plots.alt_text(figure, "fr")


def test_chart_html_escapes_the_alt_text():
    figure = Figure()
    figure.add_subplot().set_title('<script>"Q&A"</script>')
    alt = plots.alt_text(figure, "en")
    assert alt == 'Chart: <script>"Q&A"</script>.'
    tag = plots._img("iVBORw0KGgo=", alt, {"width": 400, "height": 300})
    assert tag == ('<img alt="Chart: &lt;script&gt;&quot;Q&amp;A&quot;&lt;/script&gt;." width="400" height="300" '
                   'src="data:image/png;base64,iVBORw0KGgo=">')
    assert plots.alt_text(Figure(), "it") == "Grafico."


def test_describe_charts_outside_ipython_does_nothing_and_checks_lang():
    assert plots.describe_charts("it") is None
    with pytest.raises(ValueError, match="lang"):
        plots.describe_charts("fr")
