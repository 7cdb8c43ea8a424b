"""Dashboards for the notebooks and the Voila app (ipywidgets).

Each dashboard is a function returning an ipywidgets container with:

* ``.controls``: a dict of the widgets a teacher or a test can set
  (``services`` and ``clauses`` are dicts of id -> Checkbox);
* ``.scenario()``: the Scenario the controls describe now;
* ``.message``: an HTML widget where an invalid combination is explained (never a
  traceback);
* ``.figure``: an HTML widget holding the chart as an ``<img>`` (SVG) with alt text in the
  dashboard's language that says what the chart shows; its size is fixed, so the page does not
  jump; redrawn only when a control changes (``.figure.svg``: the picture's bytes).

Every number control is a slider for the mouse beside a labelled text box (``control.entry``) that
shows the value in the dashboard's language (1,25 in Italian) and takes a typed value: the box is
what the keyboard and screen readers use (the slider's handle has no accessible name in
ipywidgets 8.1, so the page's style hides the handle itself from them and draws its grip instead).
A typed value that is not a number, not whole where it must be, or outside the slider's range is
a message beside that box, in plain words, and the outputs are hidden until it is fixed.

In the explorer a clause the law requires for a service in scope (``data/requirements.csv``)
is ticked and locked (a disabled box, "(required by law)" after its name) with the reason and
the legal basis as its tooltip, in the dashboard's language; unticking every service that needs
it unlocks it, back to the student's own choice. ``.scenario().clauses`` holds only what the
student chose: the model adds the required clauses to the contracts that need them.

Work happens only on change: sliders update when released, and nothing is computed
while the dashboard is being built or while several controls are set at once
(``with dashboard.hold(): ...``).
"""
from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import hashlib
import html
import io
import json
import math
import os
import re
import tempfile
import warnings
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as widgets
import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import i18n, plots
from .data import DataError, load_dataset
from .export import _law
from .i18n import STRINGS, t
from .model import best_clause_set, evaluate
from .scenario import REPLACED_CLAUSES, RISK_BANDS, ReplacedClauseWarning, Scenario

__all__ = ["explorer", "cost_explorer", "risk_scorer"]

_FIGURE_DPI = 90
_SLIDER_STYLE = {"description_width": "11em"}
_SLIDER_LAYOUT = widgets.Layout(width="26em")
# A number control: its label (wrapping onto a second line rather than cut) and value in a box, and
# the slider's track beside it.
_LABEL_STYLE = {"description_width": "12em"}
_ENTRY_WIDTH, _TRACK_WIDTH = "17.5em", "15em"
# The page style of every dashboard (an HTML widget's <style>, scoped to .smm-dashboard):
# * labels wrap instead of being cut with an ellipsis ("Managing hours/mo..."), the row growing;
# * a slider's handle (noUiSlider: role="slider" but no accessible name in ipywidgets 8.1) is hidden
#   from the keyboard and screen readers, its text box being the control they use; its grip (the
#   handle's child, which noUiSlider drags by) stays visible and draggable with the mouse.
_STYLE = """<style>
.smm-dashboard .widget-label, .smm-dashboard .widget-label-basic,
.smm-dashboard .widget-label-basic span, .smm-dashboard .widget-checkbox span {
  white-space: normal; overflow: visible; text-overflow: clip; height: auto; line-height: 1.25; }
.smm-dashboard .widget-inline-hbox { height: auto; min-height: var(--jp-widgets-inline-height); }
.smm-dashboard .widget-inline-hbox .widget-label { align-self: center; }
.smm-dashboard .widget-checkbox { height: auto; min-height: 24px; }
.smm-dashboard .widget-checkbox label { display: flex; align-items: center; }
.smm-dashboard .smm-entry input { text-align: right; }
.smm-dashboard .noUi-handle { visibility: hidden; }
.smm-dashboard .noUi-touch-area { visibility: visible; box-sizing: border-box; border-radius: 50%;
  border: var(--jp-widgets-slider-border-width, 1px) solid var(--jp-widgets-slider-handle-border-color, #9e9e9e);
  background: var(--jp-widgets-slider-handle-background-color, #fff); cursor: grab; }
.smm-dashboard .smm-chart { max-width: 100%; height: auto; }
</style>"""
# The explorer's figure: size in inches and the two axes' boxes (left, bottom, width, height
# as fractions of the figure), leaving room for the legend and the service names.
EXPLORER_FIGURE_SIZE = (12.0, 4.8)
EXPLORER_AXES = ((0.075, 0.11, 0.285, 0.80), (0.70, 0.11, 0.28, 0.80))
# The explorer's second figure, both sides of the risk (plots.inhouse_vs_outsourced): inches per
# service row plus room for the title, the x axis and the legend; the axes' box leaves room at the
# left for the service names and at the right for the words that compare the two sides.
SIDES_ROW_INCHES, SIDES_EXTRA_INCHES, SIDES_WIDTH = 0.42, 2.0, 11.0


class Dashboard(widgets.VBox):
    """A VBox that knows its controls and redraws on change (see the module docstring)."""

    def __init__(self, dataset, lang, controls, body, update, scenario):
        self.dataset, self.lang, self.controls = dataset, i18n.check_lang(lang), controls
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        self._update, self._holding, self._scenario = update, False, scenario
        self.updates = 0  # how many times the outputs were recomputed (tests and benchmarks read it)
        # Outputs hidden while the inputs cannot be evaluated (never a stale chart or table), and
        # scenario field -> a message widget beside its control, for a problem of that field.
        self.outputs, self.field_messages = [], {}
        # the style applies from a hidden element too: no empty line at the top
        super().__init__(children=[widgets.HTML(_STYLE, layout=widgets.Layout(display="none")), *body, self.message])
        self.add_class("smm-dashboard")
        for widget in self._all_controls():
            widget.observe(self._changed, names="value")
            if hasattr(widget, "entry"):
                widget.entry.observe(lambda change, control=widget: self._typed(control), names="value")

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

    def _typed(self, control) -> None:
        """A value typed in ``control.entry``: move the slider to it, or say what is wrong beside the box."""
        value, problem = _parse_entry(control, control.entry.value, self.lang)
        had_problem, control.entry_problem = control.entry_problem, problem
        # compared at the precision _parse_entry keeps: the box that the slider itself rewrote (0.85 for
        # 0.8500000000000001) is the same value, not a new one to move the slider to (a second refresh)
        if problem is None and value != round(control.value, max(control.decimals, 2)):
            control.value = value  # the slider's observers rewrite the box and recompute
            return
        if problem is None:  # the same value, typed otherwise ("1" for 1.00): shown as the slider shows it
            control.entry.value = i18n.number(value, self.lang, control.decimals)
        if (problem is not None or had_problem is not None) and not self._holding:
            self.refresh()

    def problem(self) -> str | None:
        """What stops the inputs from being evaluated, in plain words (None when they can be)."""
        for control in self._all_controls():
            if getattr(control, "entry_problem", None):
                return control.entry_problem
        try:
            self.scenario()
        except (ValueError, DataError) as exc:
            return self._in_words(exc)
        return None

    def _in_words(self, exc) -> str:
        field = re.match(r"Scenario field '(\w+)'", str(exc))
        if field and f"fix_{field.group(1)}" in STRINGS:
            return t(f"fix_{field.group(1)}", self.lang)
        return t("invalid_combination", self.lang, problem=str(exc))

    def scenario(self) -> Scenario:
        """The Scenario the controls describe (ValueError if the combination is invalid)."""
        values = {}
        for name, control in self.controls.items():
            if isinstance(control, dict):
                values[name] = self._ticked(name, control)
                if name == "services" and len(values[name]) == len(control):
                    values[name] = None  # all of them: the Scenario's default
            elif name in Scenario.__dataclass_fields__:
                values[name] = control.value
        return self._scenario.replace(**values)

    def _ticked(self, name, boxes) -> tuple:
        """The ids whose box is ticked (the explorer leaves out the clauses ticked only by the law)."""
        return tuple(key for key, box in boxes.items() if box.value)

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
        for view in self.field_messages.values():
            view.value, view.layout.display = "", "none"  # no empty line under the boxes
        typed = [control for control in self._all_controls() if getattr(control, "entry_problem", None)]
        for control in self._all_controls():
            if hasattr(control, "entry_message"):
                control.entry_message.value = ""
                control.entry_message.layout.display = "none"
        try:
            if typed:  # a typed value that cannot be used: beside its box, in plain words
                for control in typed:
                    control.entry_message.value = _alert(control.entry_problem)
                    control.entry_message.layout.display = None
                raise _Shown()
            scenario = self.scenario()
            self._update(scenario)
        except (ValueError, DataError, _Shown) as exc:
            field = re.match(r"Scenario field '(\w+)'", str(exc))
            view = self.field_messages.get(field.group(1)) if field else None
            if isinstance(exc, _Shown):
                self.message.value = ""
            elif view is not None:  # beside the control that caused it, in plain words
                view.value, view.layout.display = _alert(self._in_words(exc)), None
                self.message.value = ""
            else:
                self.message.value = _alert(self._in_words(exc))
            for output in self.outputs:  # no stale result on screen, and no blank space where it was
                output.layout.visibility, output.layout.display = "hidden", "none"
        else:
            self.message.value = ""
            for output in self.outputs:  # an output is always shown with the default display
                output.layout.visibility, output.layout.display = None, None
        self.updates += 1


class _Shown(Exception):
    """The inputs cannot be evaluated, and the message is already beside the control that caused it."""


class Explorer(Dashboard):
    """The trade-off explorer's Dashboard: the clause boxes lock while the law requires them.

    ``.locked``: clause id -> tooltip, for the clauses ticked and locked now. The student's own
    choice for each clause is kept while its box is locked, and comes back when it unlocks;
    ``scenario().clauses`` is that choice. Setting a locked box's value (a teacher, a test)
    changes the choice, and the box stays ticked.

    On the page a locked clause shows as ``.required_views[clause]`` (an HTML widget: a ticked,
    disabled box and the clause's name, with the tooltip as its ``title``) in place of its
    Checkbox, which stays in ``controls`` ticked and disabled: ipywidgets shows a Checkbox's
    description, not its tooltip, when the mouse rests on it.
    """

    def __init__(self, dataset, lang, controls, body, update, scenario, required_views):
        self.locked, self.required_views = {}, required_views
        self._adopted = {clause: clause in scenario.clauses for clause in controls["clauses"]}
        self._clause_of = {id(box): clause for clause, box in controls["clauses"].items()}
        self._syncing = False
        self._tooltips = {}  # services in scope -> {clause: tooltip}
        super().__init__(dataset, lang, controls, body, update, scenario)

    def _changed(self, change):
        clause = self._clause_of.get(id(change["owner"]))
        if clause is not None and not self._syncing:
            self._adopted[clause] = bool(change["new"])
        super()._changed(change)

    def _ticked(self, name, boxes) -> tuple:
        if name == "clauses":
            return tuple(clause for clause in boxes if self._adopted[clause])
        return super()._ticked(name, boxes)

    def set_scenario(self, scenario: Scenario) -> None:
        self._adopted = {clause: clause in scenario.clauses for clause in self.controls["clauses"]}
        self._syncing = True  # the boxes follow the choice just set (and the locks, at the refresh)
        try:
            super().set_scenario(scenario)
        finally:
            self._syncing = False

    def refresh(self) -> None:
        self._lock_required_clauses()
        super().refresh()

    def _lock_required_clauses(self) -> None:
        """Tick and lock the clauses the law requires for a service in scope; unlock the others."""
        in_scope = tuple(service for service, box in self.controls["services"].items() if box.value)
        if in_scope not in self._tooltips:
            self._tooltips[in_scope] = _required_clauses(self.dataset, in_scope, self.lang)
        self.locked = self._tooltips[in_scope]
        holding, self._holding, self._syncing = self._holding, True, True
        try:
            for clause, box in self.controls["clauses"].items():
                clause_name = i18n.name(self.dataset, "clauses", clause, self.lang)
                view = self.required_views[clause]
                if clause in self.locked:
                    box.value, box.disabled = True, True
                    box.description = t("required_label", self.lang, clause=clause_name)
                    box.tooltip = self.locked[clause]
                    view.value = _locked_clause_html(box.description, box.tooltip)
                    box.layout.display, view.layout.display = "none", None
                else:
                    box.value, box.disabled = self._adopted[clause], False
                    box.description = box.tooltip = clause_name
                    box.layout.display, view.layout.display = None, "none"
        finally:
            self._holding, self._syncing = holding, False


def _locked_clause_html(label: str, tooltip: str) -> str:
    """A ticked, disabled box and its label, the tooltip on the whole line (the browser shows a title's
    line breaks)."""
    # Laid out as ipywidgets lays out a Checkbox (the inline height, the box 8px before the text); a long
    # label wraps onto a second line instead of being cut.
    return (f'<label class="smm-required-clause" title="{html.escape(tooltip)}" style="display:flex;'
            f'align-items:center;min-height:var(--jp-widgets-inline-height, 28px);cursor:help;'
            f'font-size:var(--jp-widgets-font-size, 13px)"><input type="checkbox" checked disabled '
            f'style="margin:0 8px 0 0;flex-shrink:0"><span style="line-height:1.3;min-width:0">'
            f'{html.escape(label)}</span></label>')


def _required_clauses(dataset, services, lang: str = "en") -> dict:
    """The clauses the law requires to outsource at least one of ``services`` (requirements.csv).

    Returns clause id -> tooltip, in the order of clauses.csv: a sentence saying why the box is
    locked, the reason (from the catalogue; without one, the data's own reason in its language)
    and, per service, its name and the legal basis as ``lang`` cites the law.
    """
    table = dataset.requirements
    wanted = [service for service in dataset.services.index if service in set(services)]
    result = {}
    if not len(table) or not wanted:
        return result
    required = set(table.index.get_level_values("clause_id"))
    for clause in dataset.clauses.index:
        if clause not in required:
            continue
        rows = table.xs(clause, level="clause_id")
        services_here = [service for service in wanted if service in rows.index]
        if not services_here:
            continue
        lines = [t("required_tooltip", lang)]
        reason_key = f"required_reason_{clause}"
        if reason_key in STRINGS:
            lines.append(t(reason_key, lang))
        for service in services_here:
            row = rows.loc[service]
            line = (f"\u2022 {i18n.name(dataset, 'services', service, lang)}: "
                    f"{_law(str(row['legal_basis']), lang)}")
            if row.get("applies") == "usually":
                line += f" ({t('required_usually', lang)})"
            reason = row.get(f"reason_{lang}", row.get("reason") if lang == "en" else None)
            if reason_key not in STRINGS and isinstance(reason, str) and reason:
                line += f". {reason}"
            lines.append(line)
        result[clause] = "\n".join(lines)
    return result


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


def _chart(figure: Figure) -> widgets.HTML:
    """An empty chart area for ``figure`` (see :func:`_show`)."""
    chart = widgets.HTML(layout=widgets.Layout(max_width="100%"))
    chart.svg, chart.alt = b"", ""
    return chart


# The first picture of a dashboard, kept on disk. Every student of a class opens the same dashboard, so
# its first charts are the same bytes in every kernel, and making them (matplotlib laying out some 250
# texts) is most of what opening the page costs beyond importing pandas and matplotlib (0.1-0.2 s of
# about 0.3 s: benchmarks/cold_open.py). The key is everything the picture depends on: the toolkit's
# source, matplotlib's version and font, the data's tables, the language, the chart and the scenario;
# a file that is not a whole SVG is ignored. TOOLKIT_CHART_CACHE: a folder, or "off".
def _cache_folder() -> Path | None:
    setting = os.environ.get("TOOLKIT_CHART_CACHE", "")
    if setting.lower() in ("off", "0", "no"):
        return None
    if setting:
        return Path(setting)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "smm-toolkit" / "charts"


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    digest = hashlib.sha256(matplotlib.__version__.encode())
    digest.update(str(font_manager.findfont(font_manager.FontProperties())).encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.digest()


def _chart_key(dataset, lang: str, chart: str, scenario: Scenario) -> str:
    digest = hashlib.sha256(_code_fingerprint())
    digest.update(json.dumps([lang, chart, scenario.to_dict()], sort_keys=True, default=str).encode())
    for field in dataclasses.fields(dataset):
        frame = getattr(dataset, field.name)
        if isinstance(frame, pd.DataFrame):
            digest.update(f"{field.name}{list(frame.columns)}{list(frame.dtypes.astype(str))}".encode())
            digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def _cached_svg(figure: Figure, key: str | None) -> bytes:
    """``_svg(figure)``, read from the cache under ``key`` when it is there (and written there when not)."""
    folder = _cache_folder() if key else None
    if folder is None:
        return _svg(figure)
    path = folder / f"{key}.svg"
    with contextlib.suppress(OSError):
        kept = path.read_bytes()
        if kept.startswith(b"<?xml") and kept.rstrip().endswith(b"</svg>"):
            return kept
    svg = _svg(figure)
    with contextlib.suppress(OSError):  # a cache is only a saving: a read-only home changes nothing
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as temporary:
            temporary.write(svg)
        os.replace(temporary.name, path)  # whole or not at all, for kernels reading at the same time
    return svg


def _show(chart: widgets.HTML, figure: Figure, alt: str, key: str | None = None) -> None:
    """Put ``figure`` in ``chart`` as an SVG ``<img>`` with ``alt`` as its text alternative.

    An ``<img>`` in an HTML widget rather than ipywidgets' Image, whose view has no alt text (and
    whose tooltip trait breaks the view in ipywidgets 8.1). Every picture of a chart has the same
    width and height attributes, so the browser keeps the area's size while the next one loads
    and the page never jumps; max-width lets it shrink (keeping its aspect) in a narrow notebook.
    """
    svg = _cached_svg(figure, key)
    width, height = figure.get_size_inches() * _FIGURE_DPI
    chart.svg, chart.alt = svg, alt
    chart.value = plots._img(base64.b64encode(svg).decode("ascii"), alt, {"width": width, "height": height},
                             "image/svg+xml", css_class="widget-image smm-chart",
                             style="max-width:100%;height:auto;display:block")


def _names(dataset, services, lang: str) -> str:
    names = [i18n.name(dataset, "services", service, lang) for service in services]
    return ", ".join(names) if names else t("alt_none", lang)


def _slider(kind, description, value, low, high, step, readout_format=None, lang: str = "en"):
    """A number control: the slider (what ``controls`` holds; its ``.value`` is the number) and, as
    ``.entry``, a text box labelled ``description`` that shows the value in ``lang`` and takes a typed
    one; ``.row`` lays out both and ``.entry_message``, where a typed value that cannot be used is
    explained (see :meth:`Dashboard._typed`)."""
    options = dict(value=value, min=low, max=high, step=step, description="", readout=False,
                   continuous_update=False, layout=widgets.Layout(width=_TRACK_WIDTH, margin="0 0 0 10px"))
    if readout_format:
        options["readout_format"] = readout_format
    slider = kind(**options)
    decimals = 0 if kind is widgets.IntSlider else int((readout_format or ".2f").strip(".f") or 2)
    slider.decimals, slider.lang, slider.entry_problem = decimals, lang, None
    slider.entry = widgets.Text(value=i18n.number(value, lang, decimals), description=description,
                                continuous_update=False, style=_LABEL_STYLE,
                                layout=widgets.Layout(width=_ENTRY_WIDTH))
    slider.entry.add_class("smm-entry")
    slider.entry_message = widgets.HTML(layout=widgets.Layout(display="none", max_width="34em"))
    slider.observe(lambda change: _follow(slider, change["new"]), names="value")
    slider.row = widgets.VBox([widgets.HBox([slider.entry, slider], layout=widgets.Layout(align_items="center")),
                               slider.entry_message])
    slider.row.add_class("smm-number")
    return slider


def _follow(slider, value) -> None:
    """The slider moved (the mouse, a program, a typed value): the box shows its value, no problem left."""
    slider.entry_problem = None
    slider.entry.value = i18n.number(value, slider.lang, slider.decimals)


def _parse_entry(slider, text: str, lang: str):
    """(value, None) for a usable typed value, or (None, what is wrong in plain words in ``lang``).

    A comma or a point is the decimal mark in either language (the values are below a thousand)."""
    low, high = (i18n.number(limit, lang, slider.decimals) for limit in (slider.min, slider.max))
    whole = slider.decimals == 0
    problem = t("entry_range_whole" if whole else "entry_range", lang, low=low, high=high)
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None, problem
    if not math.isfinite(value) or not slider.min <= value <= slider.max or (whole and value != int(value)):
        return None, problem
    return (int(value) if whole else round(value, max(slider.decimals, 2))), None


def _view(control, lang: str):
    """What the page shows for ``control``: a number control's row (box and slider), or the control."""
    return getattr(control, "row", control)


def _common_controls(dataset, lang, scenario):
    profiles = [(f"{i18n.name(dataset, 'profiles', p, lang)}", p) for p in dataset.profiles.index]
    return {
        "profile": widgets.Dropdown(options=profiles, value=scenario.profile, description=t("profile", lang),
                                    style=_SLIDER_STYLE, layout=_SLIDER_LAYOUT),
        "volume": _slider(widgets.FloatSlider, t("volume", lang), scenario.volume, 0.25, 4.0, 0.25, ".2f", lang),
        "horizon_months": _slider(widgets.IntSlider, t("horizon_months", lang), scenario.horizon_months, 6, 60, 6,
                                  lang=lang),
        "salary_multiplier": _slider(widgets.FloatSlider, t("salary_multiplier", lang), scenario.salary_multiplier,
                                     0.5, 2.0, 0.05, ".2f", lang),
        "fee_multiplier": _slider(widgets.FloatSlider, t("fee_multiplier", lang), scenario.fee_multiplier,
                                  0.5, 2.0, 0.05, ".2f", lang),
    }


def _checkboxes(dataset, table, lang, chosen):
    return {item: widgets.Checkbox(value=item in chosen, description=i18n.name(dataset, table, item, lang),
                                   tooltip=i18n.name(dataset, table, item, lang), indent=False,
                                   layout=widgets.Layout(width="auto"))
            for item in getattr(dataset, table).index}


def _box(title, children, width="auto"):
    return widgets.VBox([widgets.HTML(f"<b>{html.escape(title)}</b>"), *children],
                        layout=widgets.Layout(width=width, padding="0 12px 0 0"))


# The explorer's table: each side next to the other, under a group heading.
EXPLORER_COLUMNS = [
    ("group_cost", [("inhouse_cost", "side_inhouse"), ("outsourced_cost", "side_outsourced")]),
    "savings",
    ("group_risk_score", [("inhouse_risk", "side_inhouse"), ("residual_risk", "side_outsourced"),
                          ("risk_band", "side_band")]),
    ("group_legal_loss", [("inhouse_legal_loss", "side_inhouse"), ("outsourced_legal_loss", "side_outsourced"),
                          ("expected_legal_loss", "side_added")]),
    "net_benefit",
    "recommendation",
]


def _table_html(evaluation, dataset, lang, columns) -> str:
    """A table of ``evaluation``, one row per service. ``columns``: column names (the catalogue
    names the heading), or (group key, [(column, sub-heading key), ...]) for columns shown side by
    side under one heading."""
    grouped = any(isinstance(item, tuple) for item in columns)
    flat, starts, top, sub = [], set(), [], []
    rowspan = ' rowspan="2"' if grouped else ""
    for item in columns:
        if isinstance(item, tuple):
            group, members = item
            starts.add(members[0][0])
            flat += [column for column, _ in members]
            top.append(f'<th colspan="{len(members)}" class="smm-group">{html.escape(t(group, lang))}</th>')
            sub += [f'<th class="{"smm-start" if k == 0 else ""}">{html.escape(t(key, lang))}</th>'
                    for k, (_, key) in enumerate(members)]
        else:
            flat.append(item)
            top.append(f"<th{rowspan}>{html.escape(t(item, lang))}</th>")
    rows = []
    for service, row in evaluation.iterrows():
        cells = [html.escape(i18n.name(dataset, "services", service, lang))]
        for column in flat:
            value = row[column]
            if column in ("recommendation", "risk_band", "reason"):
                cells.append(html.escape(t(value, lang)))
            elif isinstance(value, float):
                cells.append(i18n.number(value, lang))
            else:
                cells.append(html.escape(str(value)))
        classes = ["", *("smm-start" if column in starts else "" for column in flat)]
        rows.append("<tr>" + "".join(f'<td class="{k}">{c}</td>' if k else f"<td>{c}</td>"
                                     for c, k in zip(cells, classes)) + "</tr>")
    header = f"<tr><th{rowspan}>{html.escape(t('service', lang))}</th>{''.join(top)}</tr>"
    if grouped:
        header += f"<tr>{''.join(sub)}</tr>"
    return (f'<table class="smm-table" style="border-collapse:collapse;font-size:0.9em">'
            f"<thead>{header}</thead><tbody>{''.join(rows)}</tbody></table>"
            "<style>.smm-table td,.smm-table th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right;"
            "line-height:1.35}"
            ".smm-table td:first-child,.smm-table th:first-child{text-align:left}"
            ".smm-table th.smm-group{text-align:center;border-left:1px solid #bbb}"
            ".smm-table .smm-start{border-left:1px solid #bbb}</style>")


def _recommendations_html(evaluation, dataset, lang) -> str:
    marks = {"outsource": "✔", "outsource_with_clauses": "✔+", "keep_in_house": "✘"}
    items = []
    for service, row in evaluation.iterrows():
        items.append(f"<li><b>{marks[row.recommendation]} {html.escape(t(row.recommendation, lang))}</b>: "
                     f"{html.escape(i18n.name(dataset, 'services', service, lang))} "
                     f"({html.escape(t(row.reason, lang))}; {html.escape(i18n.eur(row.net_benefit, lang))})</li>")
    return f'<ul class="smm-recommendations">{"".join(items)}</ul>'


def explorer(dataset=None, lang: str = "en", scenario: Scenario | None = None, files: bool = True) -> Dashboard:
    """The trade-off explorer: every input of the model, and what it recommends.

    Outputs: a savings-vs-risk chart with decision quadrants beside the net-benefit bars; the
    decision's net benefit and both sides of its legal risk (in house and outsourced); the
    recommendations; the per-service table (costs, risk scores and expected legal losses, each
    side next to the other); a chart of each service's risk in house against outsourced
    (``.risk_figure``, redrawn only when the scores or the appetite change). The clauses the law
    requires for the services in scope are ticked and locked (see :class:`Explorer`).

    ``files``: with True (the default) a row to save the scenario to a file on the server and load
    it back (``.scenario_files``); with False no such row and ``.scenario_files`` is None (the
    classroom mode offers a browser download and upload instead).
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
    required_views = {clause: widgets.HTML(layout=widgets.Layout(display="none")) for clause in controls["clauses"]}

    figure = _figure(*EXPLORER_FIGURE_SIZE, layout=None)
    savings_ax, benefit_ax = (figure.add_axes(box) for box in EXPLORER_AXES)
    image = _chart(figure)
    sides_figure, sides_ax = _sides_figure(len(dataset.services))
    sides_image = _chart(sides_figure)
    sides_drawn = {}  # what the risk chart shows now: redrawn only when it changes
    table = widgets.HTML()
    recommendations = widgets.HTML()
    summary = widgets.HTML()
    best_button = widgets.Button(description=t("suggest_best_clauses", lang), icon="magic",
                                 layout=widgets.Layout(width="auto", align_self="flex-start"))

    def update(current: Scenario):
        evaluation = evaluate(dataset, current)
        for ax in (savings_ax, benefit_ax):
            _empty(ax)
        plots.savings_vs_risk(evaluation, ax=savings_ax, lang=lang, appetite=current.risk_appetite, dataset=dataset)
        plots.net_benefit_bars(evaluation, ax=benefit_ax, lang=lang, dataset=dataset)
        by = {rec: evaluation.index[evaluation.recommendation == rec]
              for rec in ("outsource", "outsource_with_clauses", "keep_in_house")}
        _show(image, figure, t("alt_explorer", lang, appetite=t(current.risk_appetite, lang),
                               months=current.horizon_months, outsource=_names(dataset, by["outsource"], lang),
                               clauses=_names(dataset, by["outsource_with_clauses"], lang),
                               keep=_names(dataset, by["keep_in_house"], lang)),
              key=None if image.svg else _chart_key(dataset, lang, "explorer", current))  # the first picture
        shown = (tuple(evaluation.index), tuple(evaluation.inhouse_risk), tuple(evaluation.residual_risk),
                 current.risk_appetite)
        if sides_drawn.get("shown") != shown:
            _empty(sides_ax)
            plots.inhouse_vs_outsourced(evaluation, ax=sides_ax, lang=lang, appetite=current.risk_appetite,
                                        dataset=dataset)
            lower, higher = (evaluation.residual_risk < evaluation.inhouse_risk,
                             evaluation.residual_risk > evaluation.inhouse_risk)
            _show(sides_image, sides_figure, t(
                "alt_sides", lang, appetite=t(current.risk_appetite, lang),
                lower=_names(dataset, evaluation.index[lower], lang),
                higher=_names(dataset, evaluation.index[higher], lang),
                same=_names(dataset, evaluation.index[~lower & ~higher], lang)),
                key=None if sides_image.svg else _chart_key(dataset, lang, "explorer_sides", current))
            sides_drawn["shown"] = shown
        table.value = _table_html(evaluation, dataset, lang, EXPLORER_COLUMNS)
        recommendations.value = _recommendations_html(evaluation, dataset, lang)
        summary.value = _summary_html(evaluation, current, lang)
        dashboard.evaluation = evaluation

    services_message = widgets.HTML()
    # The inputs and the services beside them, the chart, then the clauses (two columns): at 1366 x 768 in
    # JupyterLab with the file browser open, a control and the chart it changes fit on the screen together.
    inputs = widgets.HBox([
        _box(t("inputs", lang), [_view(controls[k], lang) for k in ("profile", "volume", "horizon_months",
                                                                     "salary_multiplier", "fee_multiplier")]
             + [controls["risk_appetite"]]),
        _box(t("services_in_scope", lang), list(controls["services"].values()) + [services_message], width="30em"),
    ], layout=widgets.Layout(flex_flow="row wrap"))
    clause_cells = [widgets.VBox([box, required_views[clause]]) for clause, box in controls["clauses"].items()]
    clauses = _box(t("clauses_adopted", lang), [
        widgets.GridBox(clause_cells, layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, minmax(24em, 1fr))", grid_gap="0 16px")), best_button])
    scenario_files = _scenario_file_row(lang) if files else None
    body = [inputs, image, summary, clauses, *([scenario_files.row] if files else []), recommendations, table,
            sides_image]
    dashboard = Explorer(dataset, lang, controls, body, update, scenario, required_views)
    dashboard.figure, dashboard.table, dashboard.recommendations = image, table, recommendations
    dashboard.summary, dashboard.risk_figure, dashboard.suggest_button = summary, sides_image, best_button
    dashboard.evaluation, dashboard.scenario_files = None, scenario_files
    dashboard.outputs = [image, summary, recommendations, table, sides_image]
    dashboard.field_messages = {"services": services_message}
    if files:
        _connect_scenario_files(dashboard, scenario_files)

    def suggest(_button):
        if dashboard.problem() is not None:
            dashboard.refresh()  # the message is (again) beside its cause; nothing to suggest for
            return
        best, _value = best_clause_set(dataset, dashboard.scenario())
        dashboard.set_scenario(dashboard.scenario().replace(clauses=best))

    best_button.on_click(suggest)
    dashboard.refresh()
    return dashboard


def _sides_figure(services: int):
    """The explorer's figure for plots.inhouse_vs_outsourced: a fixed size for ``services`` rows, axes
    placed by hand (room for the names at the left, the comparison in words at the right, the legend below)."""
    height = SIDES_ROW_INCHES * services + SIDES_EXTRA_INCHES
    figure = _figure(SIDES_WIDTH, height, layout=None)
    bottom, top = 1.0 / height, 0.4 / height
    return figure, figure.add_axes((0.2, bottom, 0.62, 1 - bottom - top))


def _summary_html(evaluation, scenario, lang) -> str:
    """The decision's net benefit, and both sides of its legal risk: the services to outsource
    (or, when there are none, every service in scope) kept in house against outsourced."""
    chosen = evaluation.outsourced
    decision = t("decision_summary", lang, count=int(chosen.sum()), total=len(evaluation),
                 value=i18n.eur(evaluation.net_benefit[chosen].sum(), lang))
    rows = evaluation[chosen] if chosen.any() else evaluation
    sides = t("summary_sides" if chosen.any() else "summary_sides_none", lang, months=scenario.horizon_months,
              outsourced=i18n.eur(rows.outsourced_legal_loss.sum(), lang),
              inhouse=i18n.eur(rows.inhouse_legal_loss.sum(), lang),
              residual_risk=int(rows.residual_risk.max()), inhouse_risk=int(rows.inhouse_risk.max()))
    return f"<p>{html.escape(decision)}<br>{html.escape(sides)}</p>"


def _replaced_note(warning, dataset, lang) -> str:
    """A ReplacedClauseWarning in words, in ``lang``: which clause of the file was replaced by which."""
    names = {clause: i18n.name(dataset, "clauses", clause, lang) for clause in dataset.clauses.index}
    for old, (new, message) in REPLACED_CLAUSES.items():
        if str(warning.message) == message:
            with contextlib.suppress(KeyError):
                return t(f"scenario_replaced_{old}", lang, **names)
            return t("scenario_clause_replaced", lang, new=names.get(new, new))
    return str(warning.message)


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

    pending = {}  # the file a first Save found there: a second Save of the same name replaces it

    def fail(exc):
        # Next to the buttons, where the student looks after pressing one (not under the table).
        files.status.value = _alert(t("scenario_file_error", lang, problem=str(exc)))

    def forget(_change=None):
        pending.clear()
        files.save.description = t("save_scenario", lang)

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
            name = path()
            if Path(name).exists() and pending.get("name") != name:
                # Ask first: the student may be about to overwrite a classmate's or an earlier scenario.
                pending["name"] = name
                files.save.description = t("replace_scenario", lang)
                files.status.value = _alert(t("scenario_exists", lang, path=name))
                return
            problem = dashboard.problem()
            if problem is not None:  # what the page shows cannot be evaluated: say why, in plain words
                forget()
                files.status.value = _alert(problem)
                return
            saved = dashboard.scenario().save(name)
        except (ValueError, OSError) as exc:
            forget()
            return fail(exc)
        forget()
        files.status.value = html.escape(t("scenario_saved", lang, path=str(saved)))

    def load(_button):
        try:
            name = path()
            with warnings.catch_warnings(record=True) as caught:  # an old file: say so on the page, not on stderr
                warnings.simplefilter("always", ReplacedClauseWarning)
                loaded = Scenario.load(name)
            loaded.check(dashboard.dataset)
        except (ValueError, OSError) as exc:
            return fail(exc)
        forget()
        notes = [_replaced_note(w, dashboard.dataset, lang) for w in caught
                 if issubclass(w.category, ReplacedClauseWarning)]
        for other in caught:  # any other warning goes on as it came
            if not issubclass(other.category, ReplacedClauseWarning):
                warnings.warn_explicit(other.message, other.category, other.filename, other.lineno)
        for key, control in dashboard.controls.items():
            value = getattr(loaded, key, None)
            if isinstance(value, (int, float)) and hasattr(control, "max"):
                control.max, control.min = max(control.max, value), min(control.min, value)
        dashboard._scenario = loaded  # the fields without a control (management hours, ...) come from the file
        dashboard.set_scenario(loaded)
        files.status.value = html.escape(t("scenario_loaded", lang, path=name)) + "".join(
            f'<div role="status" style="border-left:4px solid #0072B2;padding:2px 8px;background:#eef6fb;'
            f'max-width:60em">{html.escape(note)}</div>' for note in dict.fromkeys(notes))

    files.save.on_click(save)
    files.load.on_click(load)
    files.name.observe(forget, names="value")


# The parts of evaluate's outsourced_cost, in the order of docs/model.md's formula.
COST_PARTS = ("fee", "clause_premium", "vendor_management", "transition", "drafting")


def cost_explorer(dataset=None, lang: str = "en", scenario: Scenario | None = None) -> Dashboard:
    """Costs only: in-house against outsourced, and the horizon at which outsourcing pays."""
    from .model import break_even, sweep

    dataset = dataset if dataset is not None else load_dataset()
    lang = i18n.check_lang(lang)
    scenario = scenario or Scenario()
    controls = _common_controls(dataset, lang, scenario)
    controls["management_hours"] = _slider(widgets.FloatSlider, t("management_hours", lang),
                                           scenario.management_hours, 0.0, 10.0, 0.5, ".1f", lang)
    controls["transition_months"] = _slider(widgets.FloatSlider, t("transition_months", lang),
                                            scenario.transition_months, 0.0, 6.0, 0.5, ".1f", lang)
    figure = _figure(11.5, 4.4)
    ax = figure.subplots()
    image = _chart(figure)
    table = widgets.HTML()

    def update(current: Scenario):
        evaluation = evaluate(dataset, current)
        months = break_even(sweep(dataset, current, "horizon_months", [1, 120])).reindex(evaluation.index)
        ax.clear()
        plots.cost_comparison(evaluation, ax=ax, lang=lang, dataset=dataset)
        _show(image, figure, t("alt_costs", lang, months=current.horizon_months,
                               cheaper=_names(dataset, evaluation.index[evaluation.savings > 0], lang),
                               dearer=_names(dataset, evaluation.index[evaluation.savings <= 0], lang)))
        # every part of the outsourced cost is a column, so that a row adds up (to the euro's rounding)
        shown = evaluation[["inhouse_cost", *COST_PARTS, "outsourced_cost", "savings"]]
        shown = shown.assign(break_even_months=[
            i18n.number(m, lang, 1) if m == m else t("never", lang) for m in months])
        table.value = (_table_html(shown, dataset, lang, list(shown.columns))
                       + f'<p class="smm-note" style="margin:4px 0;font-size:0.85em">'
                       f'{html.escape(t("costs_outsourced_sum", lang))}</p>')
        dashboard.evaluation = evaluation

    inputs = _box(t("inputs", lang), [_view(control, lang) for control in controls.values()])
    dashboard = Dashboard(dataset, lang, controls, [inputs, image, table], update, scenario)
    dashboard.figure, dashboard.table, dashboard.evaluation = image, table, None
    dashboard.outputs = [image, table]
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
    half_scored = {}  # area -> a note beside it when only one of its two scores is set (its score is then 0)
    for area in areas:
        like = _slider(widgets.IntSlider, t("likelihood", lang), 0, 0, 5, 1, lang=lang)
        impact = _slider(widgets.IntSlider, t("impact", lang), 0, 0, 5, 1, lang=lang)
        controls[f"{area}_likelihood"], controls[f"{area}_impact"] = like, impact
        half_scored[area] = widgets.HTML(layout=widgets.Layout(display="none", max_width="34em"))
        rows.append(widgets.VBox([widgets.HTML(f"<b>{html.escape(i18n.name(dataset, 'legal_areas', area, lang))}</b>"
                                               f"<br><i>{html.escape(dataset.legal_areas.loc[area, f'question_{lang}'])}"
                                               f"</i>"), like.row, impact.row, half_scored[area]]))
    compare = widgets.Button(description=t("compare", lang), layout=widgets.Layout(width="auto"))
    feedback = widgets.HTML()
    figure = _figure(8.4, 5.4)  # the level names under the ticks and the area names in the legend need the width
    ax = figure.subplots()
    image = _chart(figure)
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
        for area, note in half_scored.items():  # a likely slip, said beside the area (the chart stays right)
            missing = ("impact" if scores.loc[area, "likelihood"] else "likelihood") if (
                (scores.loc[area, "likelihood"] > 0) != (scores.loc[area, "impact"] > 0)) else None
            note.value = "" if missing is None else (
                '<div role="status" style="border-left:4px solid #0072B2;padding:2px 8px;background:#eef6fb">'
                f'{html.escape(t(f"half_scored_{missing}", lang))}</div>')
            note.layout.display = "none" if missing is None else None
        points = exposed.assign(inherent_score=exposed.score, residual_score=exposed.score,
                                residual_likelihood=exposed.likelihood, residual_impact=exposed.impact)
        points.index = _service_index(service, points.index)
        ax.clear()
        plots.risk_matrix(points, service, ax=ax, lang=lang, which="inherent", dataset=dataset)
        scored = [t("alt_score", lang, area=i18n.name(dataset, "legal_areas", area, lang), likelihood=row.likelihood,
                    impact=row.impact, score=row.score) for area, row in exposed.iterrows()]
        _show(image, figure, t("alt_matrix", lang, service=i18n.name(dataset, "services", service, lang),
                               scores="; ".join(scored) or t("alt_none", lang)))

    def show_reference(_button):
        if dashboard.problem() is not None:
            dashboard.refresh()  # the message is (again) beside the box that caused it
            return
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
    grid = widgets.GridBox(rows, layout=widgets.Layout(grid_template_columns="repeat(auto-fill, 34em)"))
    body = [widgets.HTML(f"<h4>{html.escape(i18n.name(dataset, 'services', service, lang))}</h4>"
                         f"<p>{html.escape(t('not_exposed_hint', lang))}</p>"), grid, image, compare, feedback]
    dashboard = Dashboard(dataset, lang, controls, body, update, Scenario())
    dashboard.figure, dashboard.feedback, dashboard.student_scores = image, feedback, student_scores
    dashboard.compare_button, dashboard.outputs, dashboard.half_scored = compare, [image, feedback], half_scored
    dashboard.refresh()
    return dashboard


def _service_index(service, areas):
    import pandas as pd

    return pd.MultiIndex.from_product([[service], list(areas)], names=["service_id", "area_id"])
