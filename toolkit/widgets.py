"""Dashboards for the notebooks and the Voila app (ipywidgets).

Each dashboard is a function returning an ipywidgets container with:

* ``.controls``: a dict of the widgets a teacher or a test can set
  (``services`` and ``clauses`` are dicts of id -> Checkbox);
* ``.scenario()``: the Scenario the controls describe now;
* ``.message``: an HTML widget where an invalid combination is explained (never a
  traceback);
* ``.figure``: an Image widget of fixed height, redrawn only when a control changes.

Work happens only on change: sliders update when released, and nothing is computed
while the dashboard is being built or while several controls are set at once
(``with dashboard.hold(): ...``).
"""
from __future__ import annotations

import contextlib
import html
import io
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as widgets
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import i18n, plots
from .data import DataError, load_dataset
from .i18n import t
from .model import best_clause_set, evaluate
from .scenario import RISK_BANDS, Scenario

__all__ = ["explorer", "cost_explorer", "risk_scorer"]

_FIGURE_DPI = 90
_SLIDER_STYLE = {"description_width": "11em"}
_SLIDER_LAYOUT = widgets.Layout(width="26em")
# The explorer's figure: size in inches and the two axes' boxes (left, bottom, width, height
# as fractions of the figure), leaving room for the legend and the service names.
EXPLORER_FIGURE_SIZE = (12.0, 4.8)
EXPLORER_AXES = ((0.075, 0.11, 0.285, 0.80), (0.70, 0.11, 0.28, 0.80))


class Dashboard(widgets.VBox):
    """A VBox that knows its controls and redraws on change (see the module docstring)."""

    def __init__(self, dataset, lang, controls, body, update, scenario):
        self.dataset, self.lang, self.controls = dataset, i18n.check_lang(lang), controls
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        self._update, self._holding, self._scenario = update, False, scenario
        self.updates = 0  # how many times the outputs were recomputed (tests and benchmarks read it)
        super().__init__(children=[*body, self.message])
        for widget in self._all_controls():
            widget.observe(self._changed, names="value")

    def _all_controls(self):
        for control in self.controls.values():
            yield from control.values() if isinstance(control, dict) else [control]

    @contextlib.contextmanager
    def hold(self):
        """Set several controls and recompute once at the end."""
        self._holding = True
        try:
            yield self
        finally:
            self._holding = False
            self.refresh()

    def _changed(self, _change):
        if not self._holding:
            self.refresh()

    def scenario(self) -> Scenario:
        """The Scenario the controls describe (ValueError if the combination is invalid)."""
        values = {}
        for name, control in self.controls.items():
            if isinstance(control, dict):
                values[name] = tuple(key for key, box in control.items() if box.value)
                if name == "services" and len(values[name]) == len(control):
                    values[name] = None  # all of them: the Scenario's default
            elif name in Scenario.__dataclass_fields__:
                values[name] = control.value
        return self._scenario.replace(**values)

    def set_scenario(self, scenario: Scenario) -> None:
        """Move the controls to a scenario's values (one recomputation)."""
        with self.hold():
            for name, control in self.controls.items():
                value = getattr(scenario, name, None)
                if isinstance(control, dict):
                    chosen = set(value or (control if name == "services" else ()))
                    for key, box in control.items():
                        box.value = key in chosen
                elif name in Scenario.__dataclass_fields__:
                    control.value = value

    def refresh(self) -> None:
        try:
            scenario = self.scenario()
            self._update(scenario)
        except (ValueError, DataError) as exc:
            self.message.value = _alert(t("invalid_combination", self.lang, problem=str(exc)))
        else:
            self.message.value = ""
        self.updates += 1


def _alert(text: str) -> str:
    return (f'<div role="alert" style="border-left:4px solid #D55E00;padding:4px 8px;background:#fff4ec">'
            f'<b>⚠ {html.escape(text)}</b></div>')


def _figure(width: float, height: float, layout: str | None = "constrained") -> Figure:
    # The explorer places its axes by hand: a constrained layout costs ~100 ms a redraw.
    figure = Figure(figsize=(width, height), dpi=_FIGURE_DPI, layout=layout)
    FigureCanvasAgg(figure)
    return figure


# The charts go to the page as SVG with real text: here about 40% quicker to make than a PNG
# (no glyphs to rasterise), sharp at any zoom, and the labels stay text a screen reader can
# read. The rc settings apply only while saving (no global state).
_SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "smm-toolkit"}


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    with matplotlib.rc_context(_SVG_SETTINGS):
        figure.savefig(buffer, format="svg", metadata={"Date": None})  # same inputs, same bytes
    return buffer.getvalue()


def _empty(ax) -> None:
    """Remove what a chart drew on ``ax`` but keep its tick objects, for the next draw.

    ``ax.clear()`` would do, but matplotlib then rebuilds every tick (about a third of a
    redraw here). The charts set their own limits, ticks, labels and legend each time, so
    the picture is the same as after ``ax.clear()`` (tests compare the two).
    """
    for container in list(ax.containers):
        container.remove()
    for artist in [*ax.lines, *ax.patches, *ax.texts, *ax.collections, *ax.images, *ax.tables, *ax.artists]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.relim()
    ax.set_autoscale_on(True)


def _image(figure: Figure) -> widgets.Image:
    width, height = figure.get_size_inches() * _FIGURE_DPI
    # Every picture has the same size and aspect, so the area never jumps when one replaces the
    # last; max_width lets it shrink (keeping its aspect) in a narrow notebook instead of scrolling.
    return widgets.Image(format="svg+xml", layout=widgets.Layout(width=f"{width:.0f}px", max_width="100%",
                                                             height="auto", object_fit="contain"))


def _slider(kind, description, value, low, high, step, readout_format=None):
    options = dict(value=value, min=low, max=high, step=step, description=description,
                   continuous_update=False, style=_SLIDER_STYLE, layout=_SLIDER_LAYOUT)
    if readout_format:
        options["readout_format"] = readout_format
    return kind(**options)


def _common_controls(dataset, lang, scenario):
    profiles = [(f"{i18n.name(dataset, 'profiles', p, lang)}", p) for p in dataset.profiles.index]
    return {
        "profile": widgets.Dropdown(options=profiles, value=scenario.profile, description=t("profile", lang),
                                    style=_SLIDER_STYLE, layout=_SLIDER_LAYOUT),
        "volume": _slider(widgets.FloatSlider, t("volume", lang), scenario.volume, 0.25, 4.0, 0.25, ".2f"),
        "horizon_months": _slider(widgets.IntSlider, t("horizon_months", lang), scenario.horizon_months, 6, 60, 6),
        "salary_multiplier": _slider(widgets.FloatSlider, t("salary_multiplier", lang), scenario.salary_multiplier,
                                     0.5, 2.0, 0.05, ".2f"),
        "fee_multiplier": _slider(widgets.FloatSlider, t("fee_multiplier", lang), scenario.fee_multiplier,
                                  0.5, 2.0, 0.05, ".2f"),
    }


def _checkboxes(dataset, table, lang, chosen):
    return {item: widgets.Checkbox(value=item in chosen, description=i18n.name(dataset, table, item, lang),
                                   tooltip=i18n.name(dataset, table, item, lang), indent=False,
                                   layout=widgets.Layout(width="auto"))
            for item in getattr(dataset, table).index}


def _box(title, children, width="auto"):
    return widgets.VBox([widgets.HTML(f"<b>{html.escape(title)}</b>"), *children],
                        layout=widgets.Layout(width=width, padding="0 12px 0 0"))


def _table_html(evaluation, dataset, lang, columns) -> str:
    rows = []
    for service, row in evaluation.iterrows():
        cells = [html.escape(i18n.name(dataset, "services", service, lang))]
        for column in columns:
            value = row[column]
            if column in ("recommendation", "risk_band", "reason"):
                cells.append(html.escape(t(value, lang)))
            elif isinstance(value, float):
                cells.append(i18n.number(value, lang))
            else:
                cells.append(html.escape(str(value)))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{html.escape(t(c, lang))}</th>" for c in ["service", *columns])
    return (f'<table class="smm-table" style="border-collapse:collapse;font-size:0.9em">'
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "<style>.smm-table td,.smm-table th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}"
            ".smm-table td:first-child,.smm-table th:first-child{text-align:left}</style>")


def _recommendations_html(evaluation, dataset, lang) -> str:
    marks = {"outsource": "✔", "outsource_with_clauses": "✔+", "keep_in_house": "✘"}
    items = []
    for service, row in evaluation.iterrows():
        items.append(f"<li><b>{marks[row.recommendation]} {html.escape(t(row.recommendation, lang))}</b>: "
                     f"{html.escape(i18n.name(dataset, 'services', service, lang))} "
                     f"({html.escape(t(row.reason, lang))}; {html.escape(i18n.eur(row.net_benefit, lang))})</li>")
    return f'<ul class="smm-recommendations">{"".join(items)}</ul>'


def explorer(dataset=None, lang: str = "en", scenario: Scenario | None = None) -> Dashboard:
    """The trade-off explorer: every input of the model, and what it recommends.

    Outputs: a savings-vs-risk chart with decision quadrants beside the net-benefit bars,
    the per-service table, the recommendations and the decision's net benefit.
    """
    dataset = dataset if dataset is not None else load_dataset()
    lang = i18n.check_lang(lang)
    scenario = scenario or Scenario()
    controls = _common_controls(dataset, lang, scenario)
    controls["risk_appetite"] = widgets.ToggleButtons(
        options=[(t(band, lang), band) for band in RISK_BANDS], value=scenario.risk_appetite,
        description=t("risk_appetite", lang), style={"description_width": "11em", "button_width": "6em"})
    controls["services"] = _checkboxes(dataset, "services", lang, scenario.services or dataset.services.index)
    controls["clauses"] = _checkboxes(dataset, "clauses", lang, scenario.clauses)

    figure = _figure(*EXPLORER_FIGURE_SIZE, layout=None)
    savings_ax, benefit_ax = (figure.add_axes(box) for box in EXPLORER_AXES)
    image = _image(figure)
    table = widgets.HTML()
    recommendations = widgets.HTML()
    summary = widgets.HTML()
    best_button = widgets.Button(description=t("suggest_best_clauses", lang), icon="magic",
                                 layout=widgets.Layout(width="auto"))

    def update(current: Scenario):
        evaluation = evaluate(dataset, current)
        for ax in (savings_ax, benefit_ax):
            _empty(ax)
        plots.savings_vs_risk(evaluation, ax=savings_ax, lang=lang, appetite=current.risk_appetite, dataset=dataset)
        plots.net_benefit_bars(evaluation, ax=benefit_ax, lang=lang, dataset=dataset)
        image.value = _svg(figure)
        table.value = _table_html(evaluation, dataset, lang, ["inhouse_cost", "outsourced_cost", "savings",
                                                              "residual_risk", "risk_band", "expected_legal_loss",
                                                              "net_benefit", "recommendation"])
        recommendations.value = _recommendations_html(evaluation, dataset, lang)
        chosen = evaluation.outsourced
        summary.value = "<p>" + html.escape(t("decision_summary", lang, count=int(chosen.sum()),
                                                total=len(evaluation),
                                                value=i18n.eur(evaluation.net_benefit[chosen].sum(), lang))) + "</p>"
        dashboard.evaluation = evaluation

    inputs = widgets.HBox([
        _box(t("inputs", lang), [controls[k] for k in ("profile", "volume", "horizon_months", "salary_multiplier",
                                                       "fee_multiplier")] + [controls["risk_appetite"]]),
        _box(t("services_in_scope", lang), list(controls["services"].values()), width="28em"),
        _box(t("clauses_adopted", lang), list(controls["clauses"].values()) + [best_button], width="28em"),
    ], layout=widgets.Layout(flex_flow="row wrap"))
    files = _scenario_file_row(lang)
    body = [inputs, files.row, image, summary, recommendations, table]
    dashboard = Dashboard(dataset, lang, controls, body, update, scenario)
    dashboard.figure, dashboard.table, dashboard.recommendations = image, table, recommendations
    dashboard.evaluation, dashboard.scenario_files = None, files
    _connect_scenario_files(dashboard, files)

    def suggest(_button):
        try:
            best, _value = best_clause_set(dataset, dashboard.scenario())
        except ValueError as exc:
            dashboard.message.value = _alert(t("invalid_combination", lang, problem=str(exc)))
            return
        dashboard.set_scenario(dashboard.scenario().replace(clauses=best))

    best_button.on_click(suggest)
    dashboard.refresh()
    return dashboard


def _scenario_file_row(lang):
    """A file name, Save and Load buttons and a status line (explorer: share a scenario as a file)."""
    name = widgets.Text(value="my_scenario.json", description=t("scenario_file", lang), style=_SLIDER_STYLE,
                        layout=widgets.Layout(width="26em"))
    save = widgets.Button(description=t("save_scenario", lang), icon="download", layout=widgets.Layout(width="auto"))
    load = widgets.Button(description=t("load_scenario", lang), icon="upload", layout=widgets.Layout(width="auto"))
    status = widgets.HTML()
    return SimpleNamespace(name=name, save=save, load=load, status=status,
                           row=widgets.HBox([name, save, load, status], layout=widgets.Layout(flex_flow="row wrap")))


def _connect_scenario_files(dashboard, files):
    """Save writes dashboard.scenario() with Scenario.save; Load reads a file with Scenario.load, checks
    its ids against the dataset and moves the controls (a slider's range widens to take a value beyond
    it). Any problem is a message in dashboard.message and changes nothing."""
    lang = dashboard.lang

    def fail(exc):
        files.status.value = ""
        dashboard.message.value = _alert(t("scenario_file_error", lang, problem=str(exc)))

    def path():
        # Only a plain file name in the notebook's folder: served as an app (Voila), the buttons
        # must not read or write anywhere else on the server.
        name = files.name.value.strip()
        if not name or Path(name).name != name or not name.endswith(".json") or name.startswith("."):
            raise ValueError(f"file name {name!r}: expected a plain name ending in .json, without folders, "
                             "such as my_scenario.json")
        return name

    def save(_button):
        try:
            saved = dashboard.scenario().save(path())
        except (ValueError, OSError) as exc:
            return fail(exc)
        dashboard.message.value = ""
        files.status.value = html.escape(t("scenario_saved", lang, path=str(saved)))

    def load(_button):
        try:
            name = path()
            loaded = Scenario.load(name)
            loaded.check(dashboard.dataset)
        except (ValueError, OSError) as exc:
            return fail(exc)
        for key, control in dashboard.controls.items():
            value = getattr(loaded, key, None)
            if isinstance(value, (int, float)) and hasattr(control, "max"):
                control.max, control.min = max(control.max, value), min(control.min, value)
        dashboard._scenario = loaded  # the fields without a control (management hours, ...) come from the file
        dashboard.set_scenario(loaded)
        files.status.value = html.escape(t("scenario_loaded", lang, path=name))

    files.save.on_click(save)
    files.load.on_click(load)


def cost_explorer(dataset=None, lang: str = "en", scenario: Scenario | None = None) -> Dashboard:
    """Costs only: in-house against outsourced, and the horizon at which outsourcing pays."""
    from .model import break_even, sweep

    dataset = dataset if dataset is not None else load_dataset()
    lang = i18n.check_lang(lang)
    scenario = scenario or Scenario()
    controls = _common_controls(dataset, lang, scenario)
    controls["management_hours"] = _slider(widgets.FloatSlider, t("management_hours", lang),
                                           scenario.management_hours, 0.0, 10.0, 0.5, ".1f")
    controls["transition_months"] = _slider(widgets.FloatSlider, t("transition_months", lang),
                                            scenario.transition_months, 0.0, 6.0, 0.5, ".1f")
    figure = _figure(11.5, 4.4)
    ax = figure.subplots()
    image = _image(figure)
    table = widgets.HTML()

    def update(current: Scenario):
        evaluation = evaluate(dataset, current)
        months = break_even(sweep(dataset, current, "horizon_months", [1, 120])).reindex(evaluation.index)
        ax.clear()
        plots.cost_comparison(evaluation, ax=ax, lang=lang, dataset=dataset)
        image.value = _svg(figure)
        shown = evaluation[["inhouse_cost", "fee", "vendor_management", "transition", "outsourced_cost", "savings"]]
        shown = shown.assign(break_even_months=[
            i18n.number(m, lang, 1) if m == m else t("never", lang) for m in months])
        table.value = _table_html(shown, dataset, lang, list(shown.columns))
        dashboard.evaluation = evaluation

    inputs = _box(t("inputs", lang), list(controls.values()))
    dashboard = Dashboard(dataset, lang, controls, [inputs, image, table], update, scenario)
    dashboard.figure, dashboard.table, dashboard.evaluation = image, table, None
    dashboard.refresh()
    return dashboard


def risk_scorer(service: str, dataset=None, lang: str = "en") -> Dashboard:
    """Score one service yourself (likelihood and impact per legal area), then compare.

    ``.student_scores()`` returns the scores set with the sliders.
    """
    from .model import breakdown

    dataset = dataset if dataset is not None else load_dataset()
    lang = i18n.check_lang(lang)
    if service not in dataset.services.index:
        raise ValueError(f"service: unknown id {service!r}; expected one of {', '.join(dataset.services.index)}")
    areas = list(dataset.legal_areas.index)
    controls = {}
    rows = []
    for area in areas:
        like = _slider(widgets.IntSlider, t("likelihood", lang), 0, 0, 5, 1)
        impact = _slider(widgets.IntSlider, t("impact", lang), 0, 0, 5, 1)
        controls[f"{area}_likelihood"], controls[f"{area}_impact"] = like, impact
        rows.append(widgets.VBox([widgets.HTML(f"<b>{html.escape(i18n.name(dataset, 'legal_areas', area, lang))}</b>"
                                               f"<br><i>{html.escape(dataset.legal_areas.loc[area, f'question_{lang}'])}"
                                               f"</i>"), like, impact]))
    compare = widgets.Button(description=t("compare", lang), layout=widgets.Layout(width="auto"))
    feedback = widgets.HTML()
    figure = _figure(8.4, 5.4)  # the level names under the ticks and the area names in the legend need the width
    ax = figure.subplots()
    image = _image(figure)
    reference = breakdown(dataset, Scenario(services=(service,))).loc[service]

    def student_scores():
        import pandas as pd

        table = pd.DataFrame({"likelihood": [controls[f"{a}_likelihood"].value for a in areas],
                              "impact": [controls[f"{a}_impact"].value for a in areas]}, index=areas)
        table["score"] = table.likelihood * table.impact
        table.index.name = "area_id"
        return table

    def update(_scenario):
        scores = student_scores()
        exposed = scores[(scores.likelihood > 0) & (scores.impact > 0)]
        points = exposed.assign(inherent_score=exposed.score, residual_score=exposed.score,
                                residual_likelihood=exposed.likelihood, residual_impact=exposed.impact)
        points.index = _service_index(service, points.index)
        ax.clear()
        plots.risk_matrix(points, service, ax=ax, lang=lang, which="inherent", dataset=dataset)
        image.value = _svg(figure)

    def show_reference(_button):
        scores = student_scores()
        lines = []
        for area in areas:
            yours = int(scores.loc[area, "score"])
            theirs = int(reference.loc[area, "inherent_score"]) if area in reference.index else 0
            verdict = t("score_matches", lang) if yours == theirs else t("score_differs", lang, reference=theirs)
            why = html.escape(dataset.exposure.loc[(service, area), "rationale"]) if area in reference.index else ""
            lines.append(f"<li><b>{html.escape(i18n.name(dataset, 'legal_areas', area, lang))}</b>: "
                         f"{t('your_score', lang)} {yours}, {html.escape(verdict)}. {why}</li>")
        feedback.value = "<ul>" + "".join(lines) + "</ul>"

    compare.on_click(show_reference)
    grid = widgets.GridBox(rows, layout=widgets.Layout(grid_template_columns="repeat(auto-fill, 27em)"))
    body = [widgets.HTML(f"<h4>{html.escape(i18n.name(dataset, 'services', service, lang))}</h4>"
                         f"<p>{html.escape(t('not_exposed_hint', lang))}</p>"), grid, image, compare, feedback]
    dashboard = Dashboard(dataset, lang, controls, body, update, Scenario())
    dashboard.figure, dashboard.feedback, dashboard.student_scores = image, feedback, student_scores
    dashboard.refresh()
    return dashboard


def _service_index(service, areas):
    import pandas as pd

    return pd.MultiIndex.from_product([[service], list(areas)], names=["service_id", "area_id"])
