"""Every chart, drawn on Agg for the bundled profiles and case files in both languages: no two texts overlap,
no text leaves the figure, no text is smaller than MIN_FONT_PT (issue 13).

Texts are every visible Text artist of the figure (titles, axis labels, drawn tick labels, point and value
labels, legends, captions) measured by the renderer. The explorer's figure (two charts side by side, as the
dashboard draws them) is checked too, also after *Suggest the best clause set*.
"""
import itertools
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import toolkit  # noqa: E402
from toolkit import Scenario, plots  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = toolkit.load_dataset()
MIN_FONT_PT = 6.5  # matplotlib's x-small at the default 10 pt is 6.94 pt: the smallest size the charts use
CASES = {path.stem: Scenario.from_dict(json.loads(path.read_text(encoding="utf-8")))
         for path in sorted((ROOT / "cases").glob("*.json"))}
SCENARIOS = {**{f"profile {p}": Scenario(profile=p) for p in DATA.profiles.index},
             **{f"case {name}": scenario for name, scenario in CASES.items()}}


def _texts(figure):
    renderer = figure.canvas.get_renderer()
    skipped = set()
    for ax in figure.axes:  # tick labels outside the view are kept by matplotlib but not drawn
        for axis in (ax.xaxis, ax.yaxis):
            drawn = set(map(id, axis._update_ticks()))
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if id(tick) not in drawn:
                    skipped.update({id(tick.label1), id(tick.label2)})
    for text in figure.findobj(Text):
        if id(text) in skipped or not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            yield text, box


def problems(figure) -> list[str]:
    figure.canvas.draw()
    width, height = figure.bbox.width, figure.bbox.height
    texts = list(_texts(figure))
    found = []
    for text, box in texts:
        name = text.get_text().replace("\n", " ")[:50]
        if box.x0 < -1 or box.y0 < -1 or box.x1 > width + 1 or box.y1 > height + 1:
            found.append(f"outside the figure: {name!r}")
        if text.get_fontsize() < MIN_FONT_PT:
            found.append(f"smaller than {MIN_FONT_PT} pt: {name!r} ({text.get_fontsize():.1f} pt)")
    for ax in figure.axes:  # a legend must not hide the bars or points it explains
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        frame = legend.get_window_extent(renderer := figure.canvas.get_renderer())
        covered = [patch for patch in ax.patches if patch.get_visible() and patch.get_width() != 0
                   and _overlap(frame, patch.get_window_extent(renderer))]
        points = [point for collection in ax.collections if collection.get_visible() and collection.get_offsets().size
                  for point in ax.transData.transform(collection.get_offsets())
                  if frame.x0 < point[0] < frame.x1 and frame.y0 < point[1] < frame.y1]
        if covered or points:
            found.append(f"legend covers {len(covered)} bar(s) and {len(points)} point(s) of {ax.get_title()[:40]!r}")
    for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):
        common = box_a.intersection(box_a, box_b)
        if common is not None and common.width > 0.5 and common.height > 0.5:
            found.append(f"overlap: {a.get_text()[:40]!r} / {b.get_text()[:40]!r}")
    return found


def _overlap(a, b) -> bool:
    common = a.intersection(a, b)
    return common is not None and common.width > 0.5 and common.height > 0.5


def _charts(scenario, lang):
    evaluation = toolkit.evaluate(DATA, scenario)
    pairs = toolkit.breakdown(DATA, scenario)
    simulation = toolkit.simulate(DATA, scenario, draws=300, seed=0)
    yield "savings_vs_risk", plots.savings_vs_risk, (evaluation,), dict(appetite=scenario.risk_appetite, dataset=DATA)
    yield "net_benefit_bars", plots.net_benefit_bars, (evaluation,), dict(dataset=DATA)
    yield "risk_heatmap", plots.risk_heatmap, (pairs,), dict(dataset=DATA)
    yield "risk_matrix", plots.risk_matrix, (pairs, evaluation.index[0]), dict(dataset=DATA)
    yield "inherent_vs_residual", plots.inherent_vs_residual, (evaluation,), dict(dataset=DATA)
    yield "inhouse_vs_outsourced", plots.inhouse_vs_outsourced, (evaluation,), dict(
        appetite=scenario.risk_appetite, dataset=DATA)
    yield "cost_comparison", plots.cost_comparison, (evaluation,), dict(dataset=DATA)
    yield "clause_value_bars", plots.clause_value_bars, (toolkit.clause_value(DATA, scenario),), dict(dataset=DATA)
    for column in ("savings", "net_benefit"):
        curve = toolkit.sweep(DATA, scenario, "horizon_months", range(1, 61), column=column)
        yield f"break_even_curves {column}", plots.break_even_curves, (curve,), dict(dataset=DATA, column=column)
    yield "tornado", plots.tornado, (toolkit.sensitivity(DATA, scenario),), dict(dataset=DATA)
    yield "uncertainty_bands", plots.uncertainty_bands, (simulation,), dict(dataset=DATA)
    yield "decision_histogram", plots.decision_histogram, (simulation,), {}


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_no_label_collides_or_leaves_the_figure(name, lang):
    scenario = SCENARIOS[name]
    found = []
    for chart_name, chart, args, options in _charts(scenario, lang):
        figure = plots.standalone_figure(chart, *args, lang=lang, **options)
        found += [f"{chart_name}: {problem}" for problem in problems(figure)]
    assert not found, f"{name} ({lang}):\n" + "\n".join(found)


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_explorer_figure_has_no_collision(name, lang):
    """The dashboard's two charts side by side: a legend must not cover the other chart's labels."""
    from toolkit import widgets

    scenario = SCENARIOS[name]
    best, _value = toolkit.best_clause_set(DATA, scenario)
    for current in (scenario, scenario.replace(clauses=best)):  # as drawn, and after "Suggest"
        figure = widgets._figure(*widgets.EXPLORER_FIGURE_SIZE, layout=None)
        savings_ax, benefit_ax = (figure.add_axes(box) for box in widgets.EXPLORER_AXES)
        evaluation = toolkit.evaluate(DATA, current)
        plots.savings_vs_risk(evaluation, ax=savings_ax, lang=lang, appetite=current.risk_appetite, dataset=DATA)
        plots.net_benefit_bars(evaluation, ax=benefit_ax, lang=lang, dataset=DATA)
        found = problems(figure)
        assert not found, f"{name} ({lang}), clauses {current.clauses}:\n" + "\n".join(found)
