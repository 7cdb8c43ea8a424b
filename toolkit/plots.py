"""Charts of the model's results: one chart per function, in English or Italian.

Every function takes the table it draws (from :func:`toolkit.evaluate`,
:func:`toolkit.breakdown`, :func:`toolkit.clause_value`, :func:`toolkit.sweep`,
:func:`toolkit.sensitivity` or the result of :func:`toolkit.simulate`), an
optional Matplotlib ``ax`` and ``lang`` ("en" or "it"), and returns the Axes it drew on.
Pass ``dataset`` (the one the table was computed from) to show the names of services,
legal areas and clauses instead of their ids. The charts that draw risk bands
(``savings_vs_risk``, ``risk_matrix``, ``inherent_vs_residual``, ``inhouse_vs_outsourced``) require it: the band
limits come from its ``risk_bands`` table, so an edited ``risk_bands.csv`` moves them::

    import toolkit
    from toolkit import plots
    data = toolkit.load_dataset()
    table = toolkit.evaluate(data, toolkit.Scenario(clauses=("dpa_art28",)))
    plots.savings_vs_risk(table, lang="it", dataset=data)

Figures: with ``ax=None`` a new figure is made with ``matplotlib.pyplot.subplots`` (so
that Jupyter shows it under the cell); with an ``ax`` the chart is drawn on it and
pyplot is not touched at all, so a dashboard can draw on its own
``matplotlib.figure.Figure``. No global settings (rcParams, styles) are changed.

Colours come from the Okabe-Ito palette (safe for colour-blind readers) and the heat
maps use cividis; every meaning carried by a colour is also carried by a marker shape,
a hatch, a text or a legend entry.
"""
from __future__ import annotations

import functools
import html
import itertools
import math
import re
import textwrap

import matplotlib
import numpy as np
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from .i18n import STRINGS, check_lang, eur, name, number, t
from .model import RECOMMENDATIONS, break_even
from .scenario import RISK_BANDS
from .whatif import decision_or_total

__all__ = ["savings_vs_risk", "net_benefit_bars", "risk_heatmap", "risk_matrix", "inherent_vs_residual",
           "inhouse_vs_outsourced", "cost_comparison", "clause_value_bars", "break_even_curves", "tornado", "uncertainty_bands",
           "decision_histogram", "standalone_figure", "alt_text", "describe_charts", "OKABE_ITO", "HEATMAP_CMAP"]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7"}
HEATMAP_CMAP = "cividis"  # sequential and colour-blind safe
EDGE = "#333333"  # outlines and hatches

# One colour + marker + hatch per recommendation (the legend names them).
REC_STYLE = {
    "outsource": dict(color=OKABE_ITO["green"], marker="o", hatch=""),
    "outsource_with_clauses": dict(color=OKABE_ITO["blue"], marker="s", hatch="//"),
    "keep_in_house": dict(color=OKABE_ITO["vermillion"], marker="X", hatch="xx"),
}
BAND_STYLE = {
    "low": dict(color=OKABE_ITO["green"], hatch=""),
    "medium": dict(color=OKABE_ITO["yellow"], hatch=".."),
    "high": dict(color=OKABE_ITO["orange"], hatch="//"),
    "critical": dict(color=OKABE_ITO["vermillion"], hatch="xx"),
}
COST_PARTS = ("fee", "clause_premium", "vendor_management", "transition", "drafting")
COST_STYLE = {
    "inhouse": dict(color=OKABE_ITO["sky_blue"], hatch=""),
    "fee": dict(color=OKABE_ITO["orange"], hatch="///"),
    "clause_premium": dict(color=OKABE_ITO["blue"], hatch="xx"),
    "vendor_management": dict(color=OKABE_ITO["purple"], hatch=".."),
    "transition": dict(color=OKABE_ITO["yellow"], hatch="\\\\\\"),
    "drafting": dict(color=OKABE_ITO["green"], hatch="oo"),
}
LINE_STYLES = ("-", "--", "-.", ":")
LINE_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h")
LINE_COLOURS = tuple(c for k, c in OKABE_ITO.items() if k != "yellow")  # yellow is faint on white
SCORE_MAX = 25


# --- shared helpers ----------------------------------------------------------------------


# Passed as ``ax`` by standalone_figure: draw on a new Figure that pyplot does not know about.
_STANDALONE = object()


def standalone_figure(chart, *args, **options):
    """``chart(*args, **options)`` drawn on a new Figure of the chart's own size, without pyplot.

    For files (``standalone_figure(tornado, table).savefig("tornado.png")``): no figure is left
    open and no global state is touched. The size is the one the chart picks for ``ax=None``.
    """
    return chart(*args, ax=_STANDALONE, **options).figure


def _axes(ax, size):
    """The given Axes, or a new figure's of ``size`` (inches): pyplot's, so that a notebook shows
    it, or for :func:`standalone_figure` one of its own."""
    if ax is _STANDALONE:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=size, layout="constrained")
        FigureCanvasAgg(figure)
        return figure.add_subplot()
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # only when asked for a new figure

    return plt.subplots(figsize=size, layout="constrained")[1]


def _finish(ax, title, xlabel, ylabel):
    ax.set_title(title, loc="left", fontsize="medium", fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def _wrap(text, width):
    return textwrap.fill(text, width, break_on_hyphens=False)


def _labels(ids, table, dataset, lang, width=28):
    """Row names from the dataset (wrapped), or the ids."""
    if dataset is None:
        return [str(item) for item in ids]
    return [_wrap(name(dataset, table, item, lang), width) for item in ids]


def _band_tops(dataset) -> dict:
    """The highest score of each band, from the dataset's risk_bands table."""
    return {band: int(high) for band, high in dataset.risk_bands["max_score"].items()}


def _choice(argument, value, allowed):
    if value not in allowed:
        raise ValueError(f"{argument}: expected one of {', '.join(map(str, allowed))}, got {value!r}")
    return value


def _legend(ax, **options):
    """A legend of the artists drawn with a label."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, fontsize="small", **options)


def _eur_ticks(axis, lang, bins=5):
    """Thousands separators on a EUR axis, in the language's style (1,000 or 1.000).

    At most ``bins`` intervals, so that long labels such as -100,000 do not collide.
    """
    axis.set_major_locator(MaxNLocator(nbins=bins))
    axis.set_major_formatter(FuncFormatter(lambda value, _: number(value, lang)))


def _rec_legend(ax, recommendations, lang, patches=False, extra=(), **options):
    """Legend entries for the recommendations present, in the model's order (then ``extra``)."""
    present = [r for r in RECOMMENDATIONS if r in set(recommendations)]
    if patches:
        handles = [Patch(facecolor=REC_STYLE[r]["color"], hatch=REC_STYLE[r]["hatch"], edgecolor=EDGE,
                         label=t(r, lang)) for r in present]
    else:
        handles = [Line2D([], [], linestyle="", marker=REC_STYLE[r]["marker"], color=REC_STYLE[r]["color"],
                          markeredgecolor=EDGE, markersize=8, label=t(r, lang)) for r in present]
    ax.legend(handles=handles + list(extra), fontsize="small", **options)


def _value_labels(ax, bars, lang):
    """EUR at the end of each horizontal bar: inside long bars (on a white box), outside short ones.

    Call it after drawing every bar: "long" is measured against all the data on the Axes.
    """
    span = max(ax.dataLim.width, 1e-9)
    for bar in bars:
        value = bar.get_x() + bar.get_width()  # the bar's end (bars start at 0)
        inside = abs(value) > 0.3 * span
        outward = 1 if value >= 0 else -1
        side = -outward if inside else outward
        ax.annotate(eur(value, lang), (value, bar.get_y() + bar.get_height() / 2), xytext=(3 * side, 0),
                    textcoords="offset points", ha="left" if side > 0 else "right", va="center",
                    fontsize="x-small", bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none",
                                                  alpha=0.85) if inside else None)
    ax.margins(x=0.25)  # room for the outside labels, also in the explorer's narrow chart


def _services_axis(ax, labels):
    """Categories down the y axis, the first at the top."""
    ax.set_yticks(range(len(labels)), labels, fontsize="small")
    ax.set_ylim(len(labels) - 0.5, -0.5)


# --- the charts ----------------------------------------------------------------------------


def savings_vs_risk(evaluation, ax=None, lang="en", appetite="medium", *, dataset):
    """Scatter of savings (EUR) against residual risk (0-25), one marker per recommendation.

    The dashed vertical line is the top score of the ``appetite`` band in ``dataset``'s
    risk_bands, the horizontal line is zero savings; the four corners say what each quadrant
    means. Points are numbered (short, so the chart stays readable in a dashboard) and a key
    beside the legend names the services; ``dataset`` gives the names and the band limits.
    """
    check_lang(lang)
    _choice("appetite", appetite, RISK_BANDS)
    ax = _axes(ax, (10, 5.5))
    limit = _band_tops(dataset)[appetite]
    for rec in RECOMMENDATIONS:
        rows = evaluation[evaluation["recommendation"] == rec]
        if len(rows):
            style = REC_STYLE[rec]
            ax.scatter(rows["residual_risk"], rows["savings"], s=70, color=style["color"], marker=style["marker"],
                       edgecolors=EDGE, linewidths=0.6, zorder=3)
    for number_, (_, row) in enumerate(evaluation.iterrows(), start=1):
        ax.annotate(str(number_), (row["residual_risk"], row["savings"]), xytext=(5, 3),
                    textcoords="offset points", fontsize="x-small", fontweight="bold")
    # The key: numbers and names in two columns of lines (spaces would collapse in an SVG).
    names = _labels(evaluation.index, "services", dataset, lang, width=36)
    numbers = "\n".join(f"{n}" + "\n" * label.count("\n") for n, label in enumerate(names, start=1))
    for text, offset in ((numbers, 0), ("\n".join(names), 14)):
        ax.annotate(text, (1.03, 0.0), xycoords="axes fraction", xytext=(offset, 0), textcoords="offset points",
                    ha="left", va="bottom", fontsize="small", linespacing=1.25)
    line = ax.axvline(limit, color=EDGE, linestyle="--", linewidth=1,
                      label=_wrap(t("plot_appetite_line", lang, band=t(appetite, lang), score=limit), 26))
    ax.axhline(0, color=EDGE, linewidth=0.8)
    ax.set_xlim(0, SCORE_MAX + 1)
    low, high = min(evaluation["savings"].min(), 0), max(evaluation["savings"].max(), 0)
    pad = (high - low) * 0.3 or 1000  # room for the corner captions above and below the points
    ax.set_ylim(low - pad, high + pad)
    _quadrant_captions(ax, limit, lang)
    _eur_ticks(ax.yaxis, lang)
    _rec_legend(ax, evaluation["recommendation"], lang, extra=[line], loc="upper left", bbox_to_anchor=(1.01, 1))
    return _finish(ax, t("plot_savings_vs_risk_title", lang), t("plot_residual_axis", lang),
                   t("plot_savings_axis", lang))


def _quadrant_captions(ax, limit, lang):
    corners = [(0.01, 0.98, "left", "top", "plot_q_saves_ok"), (0.01, 0.02, "left", "bottom", "plot_q_costs_ok")]
    if limit < SCORE_MAX:
        corners += [(0.99, 0.98, "right", "top", "plot_q_saves_risky"),
                    (0.99, 0.02, "right", "bottom", "plot_q_costs_risky")]
    for x, y, ha, va, key in corners:
        ax.text(x, y, t(key, lang).replace(", ", ",\n", 1), transform=ax.transAxes, ha=ha, va=va,
                multialignment=ha, fontsize="small", style="italic", color=EDGE)


def net_benefit_bars(evaluation, ax=None, lang="en", dataset=None):
    """Horizontal bars of each service's net benefit (EUR), hatched by recommendation."""
    check_lang(lang)
    ax = _axes(ax, (8, 0.45 * len(evaluation) + 1.8))
    table = evaluation.sort_values("net_benefit", ascending=False)
    styles = [REC_STYLE[r] for r in table["recommendation"]]
    bars = ax.barh(range(len(table)), table["net_benefit"], color=[s["color"] for s in styles],
                   hatch=[s["hatch"] for s in styles], edgecolor=EDGE, linewidth=0.6)
    _value_labels(ax, bars, lang)
    ax.axvline(0, color=EDGE, linewidth=0.8)
    _services_axis(ax, _labels(table.index, "services", dataset, lang))
    _eur_ticks(ax.xaxis, lang, bins=4)
    # The legend gets a band of its own above the first bar, so that it never hides a bar or its value
    # (in a corner it did, with long Italian labels): the band's height in rows is the legend's height
    # (about 0.19 in per entry, plus its padding) over the height of one row.
    entries = table["recommendation"].nunique()
    axis_inches = max(ax.get_position().height * ax.figure.get_figheight(), 1.0)
    legend_share = min((0.19 * entries + 0.14) / axis_inches, 0.5)
    ax.set_ylim(len(table) - 0.5, -0.5 - len(table) * legend_share / (1 - legend_share))
    _rec_legend(ax, table["recommendation"], lang, patches=True, loc="upper center",
                borderaxespad=0.2)
    return _finish(ax, t("plot_net_benefit_title", lang), t("plot_net_benefit_axis", lang), t("service", lang))


SIDES = ("inherent", "residual", "inhouse")  # outsourced with no clauses, with the clauses, kept in house


def risk_heatmap(breakdown_table, ax=None, lang="en", which="residual", dataset=None):
    """Services x legal areas grid of one side's score, the number in each cell.

    ``which``: "inherent" (outsourced, no clauses), "residual" (outsourced, with the clauses)
    or "inhouse" (kept in house). Cells where the service has no risk in the area on that
    side show "-".
    """
    check_lang(lang)
    _choice("which", which, SIDES)
    scores = breakdown_table[f"{which}_score"].unstack("area_id")
    scores = scores.where(scores > 0)  # 0: no risk on this side (the pair is in the table for the other side)
    services = list(dict.fromkeys(breakdown_table.index.get_level_values("service_id")))
    areas = list(dataset.legal_areas.index) if dataset is not None else sorted(scores.columns)
    scores = scores.reindex(index=services, columns=areas)
    ax = _axes(ax, (1.5 * len(areas) + 4, 0.45 * len(services) + 2.5))
    values = np.ma.masked_invalid(scores.to_numpy(dtype=float))
    cmap = matplotlib.colormaps[HEATMAP_CMAP].with_extremes(bad="white")
    norm = Normalize(0, SCORE_MAX)
    image = ax.imshow(values, cmap=cmap, norm=norm, aspect="auto")
    for (i, j), value in np.ndenumerate(scores.to_numpy(dtype=float)):
        exposed = not math.isnan(value)
        light = exposed and sum(cmap(norm(value))[:3]) / 3 < 0.5
        ax.text(j, i, f"{value:.0f}" if exposed else "-", ha="center", va="center", fontsize="small",
                color="white" if light else "black")
    ax.set_xticks(range(len(areas)), _labels(areas, "legal_areas", dataset, lang, width=16), fontsize="small")
    ax.set_yticks(range(len(services)), _labels(services, "services", dataset, lang), fontsize="small")
    ax.set_xticks(np.arange(len(areas) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(services) + 1) - 0.5, minor=True)
    ax.tick_params(which="minor", length=0)
    ax.grid(which="minor", color="#cccccc", linewidth=0.8)
    ax.figure.colorbar(image, ax=ax, label=t("plot_score_colorbar", lang))
    xlabel = f"{t('legal_area', lang)}  ({t('plot_not_exposed', lang)})"
    return _finish(ax, t(f"plot_heatmap_title_{which}", lang), xlabel, t("service", lang))


def risk_matrix(breakdown_table, service, ax=None, lang="en", which="inherent", *, dataset):
    """The 5x5 likelihood x impact matrix, shaded by ``dataset``'s risk bands, with ``service``'s legal areas.

    ``which``: "inherent" (outsourced, no clauses), "residual" (outsourced, with the clauses) or
    "inhouse" (kept in house); areas with no risk on that side are left out.
    """
    check_lang(lang)
    _choice("which", which, SIDES)
    _choice("service", service, list(dataset.services.index))
    ids = breakdown_table.index.get_level_values("service_id")
    ax = _axes(ax, (9, 6))
    tops = _band_tops(dataset)
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            band = next(b for b in RISK_BANDS if likelihood * impact <= tops[b])
            ax.add_patch(Rectangle((impact - 0.5, likelihood - 0.5), 1, 1, facecolor=BAND_STYLE[band]["color"],
                                   alpha=0.45, hatch=BAND_STYLE[band]["hatch"], edgecolor="white", linewidth=1))
            ax.text(impact - 0.45, likelihood + 0.45, str(likelihood * impact), ha="left", va="top",
                    fontsize="x-small", color=EDGE)
    lows = {band: ([0] + [tops[b] + 1 for b in RISK_BANDS])[k] for k, band in enumerate(RISK_BANDS)}
    bands = [Patch(facecolor=BAND_STYLE[b]["color"], alpha=0.45, hatch=BAND_STYLE[b]["hatch"], edgecolor=EDGE,
                   label=t("plot_band_legend", lang, band=t(b, lang), low=lows[b], high=tops[b]))
             for b in RISK_BANDS]
    areas = _matrix_points(ax, breakdown_table[ids == service].droplevel("service_id"), which, dataset, lang)
    ax.legend(handles=bands + areas, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6), _level_labels(dataset, "impact_levels", lang), fontsize="small")
    ax.set_yticks(range(1, 6), _level_labels(dataset, "likelihood_levels", lang), fontsize="small")
    title = t(f"plot_matrix_title_{which}", lang, service=_labels([service], "services", dataset, lang, 60)[0])
    return _finish(ax, title, t("plot_impact_axis", lang), t("plot_likelihood_axis", lang))


def _level_labels(dataset, table, lang):
    return [f"{level}\n{getattr(dataset, table).loc[level, f'label_{lang}']}" for level in range(1, 6)]


def _matrix_points(ax, rows, which, dataset, lang):
    """The service's areas as numbered points (side by side when they share a cell).

    Returns the legend handles that name the numbers.
    """
    prefix = {"inherent": "", "residual": "residual_", "inhouse": "inhouse_"}[which]
    rows = rows[rows[f"{prefix}likelihood"] > 0]  # no risk on this side: not a point of the matrix
    cells, handles = {}, []
    for number_, (area, row) in enumerate(rows.iterrows(), start=1):
        cell = (int(row[f"{prefix}impact"]), int(row[f"{prefix}likelihood"]))
        cells.setdefault(cell, []).append(number_)
        label = _labels([area], "legal_areas", dataset, lang, width=34)[0]
        handles.append(Line2D([], [], linestyle="", marker=f"${number_}$", color=OKABE_ITO["black"], label=label))
    for (impact, likelihood), numbers in cells.items():
        for k, number_ in enumerate(numbers):
            x = impact + (k - (len(numbers) - 1) / 2) * 0.3
            ax.plot(x, likelihood, marker="o", linestyle="", markersize=13, color=OKABE_ITO["black"],
                    markeredgecolor="white")
            ax.text(x, likelihood, str(number_), ha="center", va="center", color="white", fontsize="small",
                    fontweight="bold")
    return handles


def _band_columns(ax, dataset, lang):
    """Dotted lines between ``dataset``'s risk bands along a 0-25 x axis, each band named at the top."""
    tops = _band_tops(dataset)
    top_of_axes = blended_transform_factory(ax.transData, ax.transAxes)
    for k, band in enumerate(RISK_BANDS):
        low = 0 if k == 0 else tops[RISK_BANDS[k - 1]] + 0.5
        high = tops[band] + 0.5 if band != RISK_BANDS[-1] else SCORE_MAX + 1
        if band != RISK_BANDS[-1]:
            ax.axvline(high, color="#999999", linewidth=0.8, linestyle=":", zorder=0)
        ax.text((low + high) / 2, 0.995, t(band, lang), transform=top_of_axes, ha="center", va="top",
                fontsize="small", color="#555555")


def inherent_vs_residual(evaluation, ax=None, lang="en", *, dataset):
    """Dumbbells: each service's inherent and residual risk (0-25) joined by a line, over ``dataset``'s bands."""
    check_lang(lang)
    ax = _axes(ax, (10, 0.45 * len(evaluation) + 2))
    y = np.arange(len(evaluation))
    _band_columns(ax, dataset, lang)
    ax.hlines(y, evaluation["residual_risk"], evaluation["inherent_risk"], color="#888888", linewidth=2, zorder=1)
    ax.scatter(evaluation["inherent_risk"], y, marker="o", s=110, color=OKABE_ITO["vermillion"], edgecolors=EDGE,
               zorder=3, label=t("plot_inherent_marker", lang))
    ax.scatter(evaluation["residual_risk"], y, marker="D", s=40, color=OKABE_ITO["blue"], edgecolors=EDGE,
               zorder=4, label=t("plot_residual_marker", lang))
    ax.set_xlim(0, SCORE_MAX + 1)
    _services_axis(ax, _labels(evaluation.index, "services", dataset, lang))
    ax.set_ylim(len(evaluation) - 0.2, -0.8)
    _legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1))
    return _finish(ax, t("plot_dumbbell_title", lang), t("plot_risk_score_axis", lang), t("service", lang))


SIDE_STYLE = {  # one colour and one marker shape per side (the legend names them)
    "inhouse": dict(color=OKABE_ITO["orange"], marker="s", s=95),
    "outsourced": dict(color=OKABE_ITO["blue"], marker="D", s=55),
}


def inhouse_vs_outsourced(evaluation, ax=None, lang="en", appetite=None, *, dataset):
    """Both sides of the decision: per service, the risk score (0-25, its worst legal area) when
    kept in house (square) and when outsourced with the clauses in its contract (diamond, the
    residual risk), joined by a line over ``dataset``'s risk bands. At the right, in words,
    whether outsourcing is riskier or safer than keeping the service, and by how many points.
    ``appetite`` (a band) adds the dashed line of the highest score the firm accepts.
    """
    check_lang(lang)
    if appetite is not None:
        _choice("appetite", appetite, RISK_BANDS)
    ax = _axes(ax, (10.5, 0.5 * len(evaluation) + 2.4))
    y = np.arange(len(evaluation))
    inhouse = evaluation["inhouse_risk"].to_numpy(dtype=float)
    outsourced = evaluation["residual_risk"].to_numpy(dtype=float)
    _band_columns(ax, dataset, lang)
    ax.hlines(y, inhouse, outsourced, color="#888888", linewidth=2, zorder=1)
    for side, values, key in (("inhouse", inhouse, "plot_inhouse_marker"),
                              ("outsourced", outsourced, "plot_outsourced_marker")):
        style = SIDE_STYLE[side]
        ax.scatter(values, y, marker=style["marker"], s=style["s"], color=style["color"], edgecolors=EDGE,
                   linewidths=0.6, zorder=3 if side == "inhouse" else 4, label=t(key, lang))
    if appetite is not None:
        limit = _band_tops(dataset)[appetite]
        ax.axvline(limit, color=EDGE, linestyle="--", linewidth=1, zorder=2,
                   label=t("plot_appetite_line", lang, band=t(appetite, lang), score=limit))
    right = blended_transform_factory(ax.transAxes, ax.transData)
    ax.text(1.02, 1.0, t("plot_sides_header", lang), transform=ax.transAxes, ha="left", va="bottom",
            fontsize="small", fontweight="bold")
    for k, change in enumerate(outsourced - inhouse):
        if change > 0:
            text = t("plot_sides_riskier", lang, points=f"{change:.0f}")
        elif change < 0:
            text = t("plot_sides_safer", lang, points=f"{-change:.0f}")
        else:
            text = t("plot_sides_same", lang)
        ax.text(1.02, k, text, transform=right, ha="left", va="center", fontsize="small")
    ax.set_xlim(0, SCORE_MAX + 1)
    _services_axis(ax, _labels(evaluation.index, "services", dataset, lang))
    ax.set_ylim(len(evaluation) - 0.4, -0.9)  # room under the band names
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, frameon=False)
    return _finish(ax, t("plot_sides_title", lang), t("plot_risk_score_axis", lang), t("service", lang))


def cost_comparison(evaluation, ax=None, lang="en", dataset=None):
    """Per service: the in-house cost bar above the outsourced cost, stacked into its parts (EUR)."""
    check_lang(lang)
    ax = _axes(ax, (9, 0.7 * len(evaluation) + 2))
    y = np.arange(len(evaluation))
    style = COST_STYLE["inhouse"]
    ax.barh(y - 0.2, evaluation["inhouse_cost"], height=0.38, color=style["color"], hatch=style["hatch"],
            edgecolor=EDGE, linewidth=0.5, label=t("plot_cost_inhouse", lang))
    left = np.zeros(len(evaluation))
    for part in COST_PARTS:
        style = COST_STYLE[part]
        ax.barh(y + 0.2, evaluation[part], left=left, height=0.38, color=style["color"], hatch=style["hatch"],
                edgecolor=EDGE, linewidth=0.5, label=t(f"plot_cost_{part}", lang))
        left = left + evaluation[part].to_numpy()
    _services_axis(ax, _labels(evaluation.index, "services", dataset, lang))
    _eur_ticks(ax.xaxis, lang)
    _legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1))
    return _finish(ax, t("plot_cost_title", lang), t("plot_cost_axis", lang), t("service", lang))


def clause_value_bars(clause_table, ax=None, lang="en", dataset=None):
    """Per clause: its cost and the expected legal loss it removes (EUR), side by side.

    A clause the supplier asks for (a cap on its liability) has a negative cost (a discount) and
    removes a negative loss (it adds risk): its bars point left of the zero line. Clauses adopted
    in the scenario are marked with a check mark and "(adopted)"; those the law requires for a
    service in scope (``required``: in those contracts whatever the scenario says, so their bars
    count only the other services) with "(required by law)".
    """
    check_lang(lang)
    ax = _axes(ax, (9, 0.7 * len(clause_table) + 2))
    y = np.arange(len(clause_table))
    for column, offset, colour, hatch, key in (("cost", -0.2, "vermillion", "//", "plot_clause_cost"),
                                               ("risk_removed", 0.2, "green", "", "plot_clause_removed")):
        ax.barh(y + offset, clause_table[column], height=0.38, color=OKABE_ITO[colour], hatch=hatch,
                edgecolor=EDGE, linewidth=0.5, label=t(key, lang))
    for bars in ax.containers:
        _value_labels(ax, bars, lang)
    labels = _labels(clause_table.index, "clauses", dataset, lang)
    required = clause_table["required"] if "required" in clause_table else [False] * len(clause_table)
    labels = [f"\u2713 {label} ({t('plot_adopted', lang)})" if adopted else label
              for label, adopted in zip(labels, clause_table["adopted"])]
    labels = [f"{label} ({t('plot_required', lang)})" if needed else label for label, needed in zip(labels, required)]
    ax.axvline(0, color=EDGE, linewidth=0.8)
    _services_axis(ax, labels)
    _eur_ticks(ax.xaxis, lang)
    _finish(ax, t("plot_clause_title", lang), t("plot_eur_axis", lang), t("clause", lang))
    # Under the axis label, not inside the axes: the bars' value labels reach every corner (issue 13).
    _legend(ax, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=1, borderaxespad=0.5,
            bbox_transform=ax.transAxes)
    return ax


_Y_AXIS = {"savings": "plot_savings_axis", "net_benefit": "plot_net_benefit_axis"}


def break_even_curves(curve, ax=None, lang="en", dataset=None, column="savings"):
    """One line per service from :func:`toolkit.sweep`, with the break-even points marked.

    ``column`` names what was swept ("savings" or "net_benefit"), for the y axis label. Every line has
    its own colour, line style and marker, and lines that run on top of each other place their markers
    at different points. Each break-even point is the line's own marker, ringed, with its value on a
    leader line (stacked when points are close); lines that nearly coincide are named in the legend.
    """
    check_lang(lang)
    _choice("column", column, tuple(_Y_AXIS))
    ax = _axes(ax, (11, 5.5))
    field = curve.index.name
    x = curve.index.to_numpy(dtype=float)
    crossings = break_even(curve)
    names = _labels(curve.columns, "services", dataset, lang, width=1000)
    every = max(1, len(x) // 8)
    styles = {}
    for k, (service, label) in enumerate(zip(curve.columns, names)):
        if not math.isnan(crossings[service]):
            label = t("plot_break_even_label", lang, service=label, value=number(crossings[service], lang, 1))
        styles[service] = dict(color=LINE_COLOURS[k % len(LINE_COLOURS)], marker=LINE_MARKERS[k % len(LINE_MARKERS)])
        # Markers start at a different point on each line, so that two lines on top of each other still
        # show both markers.
        ax.plot(x, curve[service].to_numpy(dtype=float), label=_wrap(label, 40), linewidth=1.5,
                linestyle=LINE_STYLES[k % len(LINE_STYLES)], markersize=5, markevery=(k % every, every),
                **styles[service])
    ax.axhline(0, color=EDGE, linewidth=0.8)
    extra = []
    found = crossings.dropna().sort_values()
    if len(found):
        _break_even_points(ax, found, styles, lang)
        extra.append(Line2D([], [], linestyle="", marker="o", markersize=10, markerfacecolor="white",
                            markeredgecolor=EDGE, markeredgewidth=1.5, label=t("plot_break_even_point", lang)))
    twins = _coinciding(curve, names)
    if twins:
        extra.append(Line2D([], [], linestyle="", label=_wrap(t("plot_lines_coincide", lang, lines=twins), 40)))
    _eur_ticks(ax.yaxis, lang)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles + extra, labels + [h.get_label() for h in extra], fontsize="small", loc="upper left",
              bbox_to_anchor=(1.01, 1))
    xlabel = t(f"plot_field_{field}", lang) if f"plot_field_{field}" in STRINGS else str(field)
    return _finish(ax, t("plot_break_even_title", lang), xlabel, t(_Y_AXIS[column], lang))


def _break_even_points(ax, found, styles, lang):
    """Each crossing: the line's marker, ringed, at (x, 0) and its value on a leader line, stacked in rows
    so that close points (a cluster at the start of the horizon) keep readable labels."""
    ax.autoscale_view()
    low, high = ax.get_xlim()
    bottom, top = ax.get_ylim()
    sign = 1 if top >= -bottom else -1  # labels on the side of the zero line with more room
    rows = []  # the right end (axes fraction) of the last label in each row
    for service, value in found.items():
        style = styles[service]
        ax.plot(value, 0, linestyle="", marker=style["marker"], markersize=11, markerfacecolor="white",
                markeredgecolor=style["color"], markeredgewidth=2, zorder=5)
        ax.plot(value, 0, linestyle="", marker=style["marker"], markersize=5, color=style["color"], zorder=6)
        where = (value - low) / (high - low or 1)
        row = next((k for k, end in enumerate(rows) if where - 0.06 > end), len(rows))
        rows[row:row + 1] = [where]
        offset = (0, sign * (16 + 15 * row))
        # The leader line is an annotation of its own, without text, so that the label's extent is its text only.
        ax.annotate("", (value, 0), xytext=offset, textcoords="offset points",
                    arrowprops=dict(arrowstyle="-", color=style["color"], linewidth=1, shrinkA=0, shrinkB=6), zorder=5)
        ax.annotate(number(value, lang, 1), (value, 0), xytext=offset, textcoords="offset points", ha="center",
                    va="bottom" if sign > 0 else "top", fontsize="small", color=EDGE, zorder=6,
                    bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor=style["color"], linewidth=1))


def _coinciding(curve, names) -> str:
    """The lines that lie on top of each other (within 2% of the chart's height everywhere), as
    "A = B; C = D", or ""."""
    values = curve.to_numpy(dtype=float)
    span = max(np.nanmax(values) - np.nanmin(values), 1e-9)
    pairs = []
    for i, j in itertools.combinations(range(values.shape[1]), 2):
        if np.nanmax(np.abs(values[:, i] - values[:, j])) < 0.02 * span:
            pairs.append(f"{names[i]} = {names[j]}")
    return "; ".join(pairs)


# --- what if: sensitivity and uncertainty ------------------------------------------------------

TORNADO_STYLE = {"low": dict(color=OKABE_ITO["blue"], hatch="//"), "high": dict(color=OKABE_ITO["orange"], hatch="")}


def _percent(value, lang, decimals=0):
    return f"{number(100 * value, lang, decimals)}%"


def _input_label(row, lang):
    decimals = {"volume": 2, "salary": 2, "likelihood": 2, "impact": 2, "management_hours": 1}.get(row["input"], 0)
    values = t("plot_tornado_range", lang, low=number(row["low_value"], lang, decimals),
               high=number(row["high_value"], lang, decimals), unit=t(f"plot_unit_{row['input']}", lang))
    return f"{t('plot_input_' + row['input'], lang)}\n{values}"


def _end_labels(ax, bars, lang):
    """EUR at the outer end of bars that may start away from 0."""
    for bar in bars:
        width = bar.get_width()
        end = bar.get_x() + width
        side = 1 if width >= 0 else -1
        ax.annotate(eur(end, lang), (end, bar.get_y() + bar.get_height() / 2), xytext=(3 * side, 0),
                    textcoords="offset points", ha="left" if side > 0 else "right", va="center", fontsize="x-small")


def tornado(table, ax=None, lang="en", service="decision", dataset=None):
    """Tornado chart of :func:`toolkit.sensitivity`: how far each input moves the net benefit.

    One row per input, the widest swing at the top: a bar from the scenario's net benefit
    to the net benefit with the input lower (hatched) and one to that with it higher
    (plain). ``service`` picks whose net benefit: ``"decision"`` (the default: the services the
    scenario's evaluation outsources, the centre line is the decision's net benefit), a service's
    id, or ``"total"`` (all services in scope, as if every one were outsourced). A decision that
    outsources nothing is 0 whatever the inputs: the chart then shows the total and its title says so.
    """
    check_lang(lang)
    _choice("service", service, tuple(dict.fromkeys(table["service"])))
    shown = service
    if service == "decision" and "total" in set(table["service"]):
        shown = decision_or_total(table)  # the total when the decision outsources nothing
    rows = table[table["service"] == shown].sort_values("swing", ascending=False, kind="stable")
    ax = _axes(ax, (10, 0.75 * len(rows) + 2.2))
    pct = number(100 * (1 - rows["low_factor"].iloc[0]), lang)
    base = float(rows["base_net"].iloc[0])
    y = np.arange(len(rows))
    for side, offset in (("low", -0.2), ("high", 0.2)):
        style = TORNADO_STYLE[side]
        bars = ax.barh(y + offset, rows[f"{side}_net"] - base, left=base, height=0.38, color=style["color"],
                       hatch=style["hatch"], edgecolor=EDGE, linewidth=0.6,
                       label=t(f"plot_tornado_{side}", lang, pct=pct))
        _end_labels(ax, bars, lang)
    base_key = {"decision": "plot_tornado_base_decision", "total": "plot_tornado_base_total"}.get(shown,
                                                                                             "plot_tornado_base")
    ax.axvline(base, color=EDGE, linewidth=1.5, label=t(base_key, lang, value=eur(base, lang)))
    low, high = min(rows["low_net"].min(), rows["high_net"].min(), base), max(rows["low_net"].max(),
                                                                             rows["high_net"].max(), base)
    if low <= 0 <= high or abs(min(abs(low), abs(high))) < 0.2 * (high - low):
        ax.axvline(0, color=EDGE, linewidth=1, linestyle=":", label=t("plot_zero_line", lang))
    ax.margins(x=0.18)
    _services_axis(ax, [_input_label(row, lang) for _, row in rows.iterrows()])
    _eur_ticks(ax.xaxis, lang, bins=4)
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    if shown != service:
        title, xlabel = t("plot_tornado_title_nothing", lang, pct=pct), t("plot_tornado_total_axis", lang)
    elif service == "decision":
        title, xlabel = t("plot_tornado_title", lang, pct=pct), t("plot_tornado_decision_axis", lang)
    elif service == "total":
        title, xlabel = t("plot_tornado_title_total", lang, pct=pct), t("plot_tornado_total_axis", lang)
    else:
        title = t("plot_tornado_title_service", lang, pct=pct,
                  service=_labels([service], "services", dataset, lang, width=1000)[0])
        xlabel = t("plot_net_benefit_axis", lang)
    return _finish(ax, _wrap(title, 90), xlabel, t("plot_tornado_axis", lang))


def uncertainty_bands(simulation, ax=None, lang="en", dataset=None):
    """Per service, the spread of the net benefit over the simulated futures (:func:`toolkit.simulate`).

    A thin line spans the 5th to 95th percentile, a box the 25th to 75th, a bar marks the
    median and a diamond the net benefit without uncertainty; at the right, the share of
    futures in which outsourcing beats keeping the service in house. Services with the
    highest share first.
    """
    check_lang(lang)
    summary = simulation.summary.sort_values(["probability_outsource", "p50"], ascending=False, kind="stable")
    ax = _axes(ax, (10.5, 0.55 * len(summary) + 2.4))
    y = np.arange(len(summary))
    ax.hlines(y, summary["p5"], summary["p95"], color=EDGE, linewidth=1.2, zorder=2,
              label=t("plot_band_90", lang))
    ax.scatter(np.r_[summary["p5"], summary["p95"]], np.r_[y, y], marker="|", s=80, color=EDGE, zorder=2)
    ax.barh(y, summary["p75"] - summary["p25"], left=summary["p25"], height=0.5, color=OKABE_ITO["sky_blue"],
            edgecolor=EDGE, linewidth=0.6, zorder=3, label=t("plot_band_50", lang))
    ax.scatter(summary["p50"], y, marker="|", s=260, linewidths=2.5, color=OKABE_ITO["black"], zorder=4,
               label=t("plot_median", lang))
    ax.scatter(summary["deterministic"], y, marker="D", s=45, color=OKABE_ITO["vermillion"], edgecolors=EDGE,
               zorder=5, label=t("plot_deterministic", lang))
    ax.axvline(0, color=EDGE, linewidth=1, linestyle=":", label=t("plot_zero_line", lang), zorder=1)
    right = blended_transform_factory(ax.transAxes, ax.transData)
    ax.text(1.02, -0.75, t("plot_probability_header", lang), transform=right, ha="left", va="bottom",
            fontsize="small", fontweight="bold")
    for k, (_, row) in enumerate(summary.iterrows()):
        text = t("plot_probability_value", lang, value=_percent(row["probability_outsource"], lang))
        if not row["risk_acceptable"]:  # the appetite blocks outsourcing in every future
            text = f"{_percent(0, lang)}: {t('risk_above_appetite', lang)}"
        ax.text(1.02, k, text, transform=right, ha="left", va="center", fontsize="small")
    _services_axis(ax, _labels(summary.index, "services", dataset, lang))
    ax.set_ylim(len(summary) - 0.5, -1.0)
    _eur_ticks(ax.xaxis, lang, bins=4)
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    title = t("plot_uncertainty_title", lang, draws=number(simulation.draws, lang))
    return _finish(ax, title, t("plot_net_benefit_axis", lang), t("service", lang))


def decision_histogram(simulation, ax=None, lang="en"):
    """Histogram of the decision's net benefit over the simulated futures (:func:`toolkit.simulate`).

    Lines mark the 5th percentile, the median, the 95th percentile (each its own line
    style) and the value without uncertainty; the text says in how many futures it pays.
    """
    check_lang(lang)
    values = simulation.decision_net_benefit.to_numpy(dtype=float)
    ax = _axes(ax, (10, 5))
    weights = np.full(len(values), 100 / len(values))
    ax.hist(values, bins=50, weights=weights, color=OKABE_ITO["sky_blue"], edgecolor=EDGE, linewidth=0.4)
    chosen = simulation.summary["outsourced"]
    deterministic = float(simulation.summary.loc[chosen, "deterministic"].sum())
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    for value, key, style in ((p5, "plot_percentile_5", "--"), (p50, "plot_percentile_50", "-"),
                              (p95, "plot_percentile_95", "-.")):
        ax.axvline(value, color=EDGE, linewidth=1.5, linestyle=style, label=t(key, lang, value=eur(value, lang)))
    ax.axvline(deterministic, color=OKABE_ITO["vermillion"], linewidth=2, linestyle=":",
               label=t("plot_deterministic_value", lang, value=eur(deterministic, lang)))
    if chosen.any():
        note = t("plot_decision_pays", lang, value=_percent((values > 0).mean(), lang))
    else:
        note = t("plot_decision_nothing", lang)
    ax.text(0.01, 0.98, _wrap(note, 45), transform=ax.transAxes, ha="left", va="top", fontsize="small",
            fontweight="bold", bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor=EDGE, alpha=0.9))
    _eur_ticks(ax.xaxis, lang, bins=5)
    _legend(ax, loc="upper right")
    title = t("plot_decision_title", lang, draws=number(simulation.draws, lang))
    return _finish(ax, title, t("plot_net_benefit_axis", lang), t("plot_share_axis", lang))


# --- text alternatives: every chart a notebook shows says what it is -----------------------


def _words(text) -> str:
    """A label as one line (the charts wrap long labels)."""
    return re.sub(r"\s+", " ", str(text)).strip()


def _legend_entries(legend) -> list[str]:
    if legend is None:
        return []
    words = [_words(legend.get_title().get_text())] + [_words(text.get_text()) for text in legend.get_texts()]
    return [word for word in words if word]


def alt_text(figure, lang="en") -> str:
    """A text alternative for ``figure`` in ``lang``, told from the figure's own words.

    For each Axes: its title, what runs across and down (the axis labels) and what its legend
    says; a colour bar gives its label. E.g. "Chart: Net benefit by service. Across: Net
    benefit over the horizon (EUR). Down: Service. Legend: Outsource with clauses, Keep in house."
    """
    check_lang(lang)
    parts = []
    title = _words(figure.get_suptitle())
    if title:
        parts.append(t("alt_chart", lang, title=title))
    for ax in figure.axes:
        if ax.get_label() == "<colorbar>":
            label = _words(ax.get_ylabel() or ax.get_xlabel())
            if label:
                parts.append(t("alt_colour_scale", lang, label=label))
            continue
        title = " ".join(word for word in (_words(ax.get_title(loc=loc)) for loc in ("left", "center", "right"))
                         if word)
        parts.append(t("alt_chart", lang, title=title) if title else t("alt_chart_untitled", lang))
        for key, label in (("alt_across", ax.get_xlabel()), ("alt_down", ax.get_ylabel())):
            if _words(label):
                parts.append(t(key, lang, label=_words(label)))
        entries = _legend_entries(ax.get_legend())
        if entries:
            parts.append(t("alt_legend", lang, entries=", ".join(entries)))
    entries = [entry for legend in figure.legends for entry in _legend_entries(legend)]
    if entries:
        parts.append(t("alt_legend", lang, entries=", ".join(entries)))
    return " ".join(parts) or t("alt_chart_untitled", lang)


def _img(data_base64: str, alt: str, size: dict, mime: str = "image/png", css_class: str = "",
         style: str = "") -> str:
    """An ``<img>`` of a picture (base64, as IPython's formatter gives a PNG) with ``alt``; ``size``: the
    width and height in pixels to show it at (the inline backend's for retina PNGs, the dashboards' fixed
    size), else the picture shows at its own size. The dashboards' charts (widgets._show) are SVG."""
    classes = f' class="{css_class}"' if css_class else ""
    dimensions = "".join(f' {side}="{round(size[side])}"' for side in ("width", "height") if side in size)
    styles = f' style="{style}"' if style else ""
    return f'<img{classes} alt="{html.escape(alt)}"{dimensions}{styles} src="data:{mime};base64,{data_base64}">'


def _display_with_alt(figure, shell, lang):
    """Show ``figure`` as IPython would (same PNG, same size) plus a ``text/html`` ``<img>`` with alt text."""
    from IPython.display import publish_display_data

    formatter = shell.display_formatter
    hook = formatter.ipython_display_formatter
    enabled, hook.enabled = hook.enabled, False  # format the figure as usual, without coming back here
    try:
        bundle, metadata = formatter.format(figure)
    finally:
        hook.enabled = enabled
    png = bundle.get("image/png")
    if png and "text/html" not in bundle:
        if isinstance(png, bytes):
            import base64

            png = base64.b64encode(png).decode("ascii")
        bundle["text/html"] = _img(png, alt_text(figure, lang), metadata.get("image/png", {}))
    publish_display_data(bundle, metadata)


def describe_charts(lang="en") -> None:
    """From now on, every Matplotlib figure this notebook shows carries alt text in ``lang``.

    Called by each notebook's set-up cell. The inline backend shows a chart as a bare PNG, which
    JupyterLab draws as an ``<img>`` without alt text: a screen reader cannot say what it is.
    A figure shown after a cell (pyplot) or by ``display(figure)`` then also gets a ``text/html``
    ``<img>`` of the same PNG with :func:`alt_text` as its ``alt``; JupyterLab, nbconvert and Voila
    show the HTML, other front-ends keep the PNG. The picture is the one the inline backend makes
    (its formats, size and resolution settings apply). Outside IPython it does nothing.
    """
    check_lang(lang)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    # IPython's hook for objects that display themselves: the inline backend's format choices
    # (select_figure_formats) reset the per-format formatters but leave this one in place.
    shell.display_formatter.ipython_display_formatter.for_type(
        Figure, functools.partial(_display_with_alt, shell=shell, lang=lang))
