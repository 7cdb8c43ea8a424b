"""The dashboards, headless: set controls, check that outputs change, and errors stay inside."""
import base64
import html
import json
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import toolkit  # noqa: E402
from toolkit import i18n, widgets  # noqa: E402
from toolkit.i18n import t  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return toolkit.load_dataset()


@pytest.fixture()
def explorer(data):
    return widgets.explorer(data)


def test_explorer_starts_with_the_default_scenario(explorer, data):
    assert explorer.scenario() == toolkit.Scenario()
    picture = explorer.figure.svg.decode("utf-8")
    assert picture.startswith("<?xml") and "<svg" in picture
    # real text, so that the browser's search finds the labels
    assert "Savings against residual legal risk" in picture
    # on the page: an <img> of that picture, with alt text saying what it shows
    assert explorer.figure.value.startswith('<img class="widget-image smm-chart" alt="Two charts.')
    assert base64.b64encode(explorer.figure.svg).decode("ascii") in explorer.figure.value
    assert explorer.message.value == ""
    assert explorer.evaluation.equals(toolkit.evaluate(data))
    for service in data.services.index:
        assert data.services.loc[service, "name_en"] in explorer.table.value


def test_moving_a_slider_recomputes_table_and_figure(explorer, data):
    figure, table, updates = explorer.figure.value, explorer.table.value, explorer.updates
    explorer.controls["horizon_months"].value = 6
    assert explorer.updates == updates + 1
    assert explorer.figure.value != figure
    assert explorer.table.value != table
    assert explorer.evaluation.equals(toolkit.evaluate(data, toolkit.Scenario(horizon_months=6)))


def test_a_slider_step_that_is_not_exactly_its_decimals_recomputes_once(explorer):
    """0.5 + 7 * 0.05 is 0.8500000000000001: the box shows 0.85, which is not a new value to move the slider to."""
    salary, updates = explorer.controls["salary_multiplier"], explorer.updates
    salary.value = 0.5 + 7 * 0.05
    assert salary.entry.value == "0.85" and explorer.updates == updates + 1


def test_ticking_a_clause_changes_the_recommendations(explorer):
    before = explorer.recommendations.value
    explorer.controls["clauses"]["nda"].value = True  # optional: SEO's supplier sees the firm's secrets
    assert explorer.scenario().clauses == ("nda",)
    assert explorer.recommendations.value != before
    # the contract holds the clause ticked and, always, the ones the law requires
    assert explorer.evaluation.loc["seo", "clauses_applied"] == ("dpa_art28", "ip_assignment", "nda")


def test_invalid_combination_shows_a_message_not_a_traceback(explorer):
    with explorer.hold():
        for box in explorer.controls["services"].values():
            box.value = False
    # in plain words, beside the boxes that caused it; the last chart and table are not left on screen
    beside = explorer.field_messages["services"]
    assert 'role="alert"' in beside.value and "Tick at least one service" in beside.value
    assert "Traceback" not in beside.value and "Scenario field" not in beside.value
    assert explorer.message.value == ""
    assert all(view.layout.visibility == "hidden" for view in (explorer.figure, explorer.table,
                                                               explorer.recommendations, explorer.summary))
    explorer.controls["services"]["blog"].value = True  # fixing it clears the message
    assert beside.value == "" and explorer.message.value == ""
    assert explorer.figure.layout.visibility is None and explorer.table.layout.visibility is None
    assert list(explorer.evaluation.index) == ["blog"]


def test_hold_recomputes_once(explorer):
    updates = explorer.updates
    with explorer.hold():
        explorer.controls["volume"].value = 2.0
        explorer.controls["fee_multiplier"].value = 1.5
        explorer.controls["risk_appetite"].value = "high"
    assert explorer.updates == updates + 1
    assert explorer.scenario() == toolkit.Scenario(volume=2.0, fee_multiplier=1.5, risk_appetite="high")


def test_suggest_best_clauses_button(explorer, data):
    best, _ = toolkit.best_clause_set(data, explorer.scenario())
    explorer.suggest_button.click()
    assert explorer.scenario().clauses == best


def test_set_scenario_round_trip(explorer):
    target = toolkit.Scenario(profile="medium", services=("blog", "seo"), clauses=("nda",), horizon_months=36)
    explorer.set_scenario(target)
    assert explorer.scenario() == target


def test_italian_explorer_uses_the_catalogue(data):
    italian = widgets.explorer(data, lang="it")
    assert "Gestione dei blog" in italian.table.value
    assert "Raccomandazione" in italian.table.value
    with pytest.raises(ValueError, match="lang"):
        widgets.explorer(data, lang="fr")


def test_cost_explorer_reacts(data):
    dashboard = widgets.cost_explorer(data)
    figure = dashboard.figure.value
    dashboard.controls["management_hours"].value = 5.0
    assert dashboard.figure.value != figure
    assert dashboard.evaluation.vendor_management.iloc[0] == pytest.approx(
        toolkit.evaluate(data, toolkit.Scenario(management_hours=5.0)).vendor_management.iloc[0])


def test_risk_scorer_compares_with_reference(data):
    dashboard = widgets.risk_scorer("direct_marketing", data)
    dashboard.controls["privacy_likelihood"].value = 5
    dashboard.controls["privacy_impact"].value = 5
    assert dashboard.student_scores().loc["privacy", "score"] == 25
    dashboard.compare_button.click()
    assert "same as the reference" in dashboard.feedback.value      # privacy 5 x 5 = 25, as the data says
    assert "reference is 9" in dashboard.feedback.value             # liability left at 0, reference 3 x 3
    with pytest.raises(ValueError, match="service"):
        widgets.risk_scorer("nonexistent", data)


def test_redrawing_leaves_nothing_behind(data):
    """The explorer empties its axes without ax.clear(): after any path, the picture equals a fresh one."""
    import random

    rng = random.Random(3)
    moving = widgets.explorer(data)
    for _ in range(6):
        target = toolkit.Scenario(
            profile=rng.choice(list(data.profiles.index)), horizon_months=rng.choice(range(6, 61, 6)),
            volume=rng.choice([0.5, 1.0, 2.0, 4.0]), risk_appetite=rng.choice(toolkit.RISK_BANDS),
            clauses=tuple(rng.sample(list(data.clauses.index), rng.randint(0, 4))),
            services=tuple(rng.sample(list(data.services.index), rng.randint(1, 9))))
        moving.set_scenario(target)
        fresh = widgets.explorer(data, scenario=target)
        assert moving.figure.svg == fresh.figure.svg


# --- the clauses the law requires: ticked and locked, with the reason as a tooltip -----------------


def required_for(data, services):
    """clause -> services among ``services`` that the law requires it for (requirements.csv)."""
    found = {}
    for service, clause in data.requirements.index:
        if service in services:
            found.setdefault(clause, []).append(service)
    return found


def test_required_clauses_are_ticked_and_locked_with_a_tooltip(explorer, data):
    required = required_for(data, data.services.index)
    assert set(required) == {"dpa_art28", "ip_assignment"}  # the bundled requirements
    assert set(explorer.locked) == set(required)
    for clause, box in explorer.controls["clauses"].items():
        clause_name = i18n.name(data, "clauses", clause, "en")
        if clause in required:
            assert box.value and box.disabled
            assert box.description == t("required_label", "en", clause=clause_name)
            tooltip = box.tooltip
            assert tooltip == explorer.locked[clause]
            assert tooltip.startswith(t("required_tooltip", "en"))
            assert t(f"required_reason_{clause}", "en") in tooltip
            for service in required[clause]:  # each service that needs it, by name, with its legal basis
                basis = data.requirements.loc[(service, clause), "legal_basis"]
                assert f"{i18n.name(data, 'services', service, 'en')}: {basis}" in tooltip
            assert "_" not in tooltip  # words, never ids
            # on the page: a ticked, disabled box whose title (the browser's tooltip) is the tooltip
            view = explorer.required_views[clause]
            assert box.layout.display == "none" and view.layout.display is None
            assert f'title="{html.escape(tooltip)}"' in view.value
            assert "checked disabled" in view.value and html.escape(box.description) in view.value
        else:
            assert not box.value and not box.disabled
            assert box.description == box.tooltip == clause_name
            assert box.layout.display is None and explorer.required_views[clause].layout.display == "none"
    # what the student chose: nothing (the law's clauses are added by the model, not by the student)
    assert explorer.scenario() == toolkit.Scenario()
    assert explorer.evaluation.loc["blog", "clauses_applied"] == ("dpa_art28", "ip_assignment")


def test_the_tooltip_speaks_italian(data):
    italian = widgets.explorer(data, lang="it")
    tooltip = italian.locked["ip_assignment"]
    assert tooltip.startswith(t("required_tooltip", "it")) and t("required_reason_ip_assignment", "it") in tooltip
    assert "LdA artt. 107, 110" in tooltip and "arts." not in tooltip  # cited as Italian cites the law
    assert i18n.name(data, "services", "blog", "it") in tooltip
    assert "CGUE C-210/16" in italian.locked["dpa_art28"] and "CJEU" not in italian.locked["dpa_art28"]
    box = italian.controls["clauses"]["dpa_art28"]
    assert box.disabled and box.description.endswith("imposta dalla legge")


def test_unticking_every_service_that_needs_a_clause_unlocks_it(explorer, data):
    boxes = explorer.controls["clauses"]
    keep = ("brand", "know_how")  # neither processes personal data for the firm: no art. 28 contract
    assert "dpa_art28" not in required_for(data, keep)
    with explorer.hold():
        for service, box in explorer.controls["services"].items():
            box.value = service in keep
    assert set(explorer.locked) == {"ip_assignment"}
    assert not boxes["dpa_art28"].disabled and not boxes["dpa_art28"].value  # back to the student's choice
    assert boxes["dpa_art28"].tooltip == i18n.name(data, "clauses", "dpa_art28", "en")
    assert boxes["dpa_art28"].layout.display is None  # the real box is back on the page
    assert explorer.required_views["dpa_art28"].layout.display == "none"
    tooltip = explorer.locked["ip_assignment"]  # only the services in scope are listed
    assert i18n.name(data, "services", "brand", "en") in tooltip
    assert i18n.name(data, "services", "blog", "en") not in tooltip
    explorer.controls["services"]["brand"].value = False  # know-how alone still needs the written assignment
    assert set(explorer.locked) == {"ip_assignment"}
    with explorer.hold():
        explorer.controls["services"]["reputation"].value = True
        explorer.controls["services"]["know_how"].value = False
    assert set(explorer.locked) == {"dpa_art28"} and not boxes["ip_assignment"].disabled
    assert explorer.scenario() == toolkit.Scenario(services=("reputation",))


def test_the_students_choice_survives_a_lock(explorer):
    boxes, services = explorer.controls["clauses"], explorer.controls["services"]
    with explorer.hold():
        for service, box in services.items():
            box.value = service == "brand"
    boxes["dpa_art28"].value = True  # unlocked: the student adopts it
    assert explorer.scenario().clauses == ("dpa_art28",)
    services["blog"].value = True  # the blog needs it: locked, and still the student's choice
    assert boxes["dpa_art28"].disabled and explorer.scenario().clauses == ("dpa_art28",)
    boxes["dpa_art28"].value = False  # a teacher unticks the locked box: the choice changes, the box stays ticked
    assert boxes["dpa_art28"].value and explorer.scenario().clauses == ()
    services["blog"].value = False
    assert not boxes["dpa_art28"].disabled and not boxes["dpa_art28"].value


def test_a_scenario_naming_a_required_clause_is_shown_and_kept(explorer):
    target = toolkit.Scenario(clauses=("dpa_art28", "nda"))
    explorer.set_scenario(target)
    assert explorer.scenario() == target
    assert explorer.controls["clauses"]["dpa_art28"].disabled and explorer.controls["clauses"]["nda"].value


# --- both sides of the decision: table, summary, risk chart -------------------------------------


@pytest.mark.parametrize("lang", ["en", "it"])
def test_table_and_summary_show_both_sides(lang, data):
    dashboard = widgets.explorer(data, lang=lang)
    table, evaluation = dashboard.table.value, dashboard.evaluation
    for key in ("group_cost", "group_risk_score", "group_legal_loss", "side_inhouse", "side_outsourced",
                "side_added", "net_benefit", "recommendation"):
        assert t(key, lang).replace("'", "&#x27;") in table, key
    for service, row in evaluation.iterrows():
        cells = [i18n.number(row[c], lang) for c in ("inhouse_legal_loss", "outsourced_legal_loss",
                                                      "expected_legal_loss")]
        risks = [str(row.inhouse_risk), str(row.residual_risk)]
        assert ("<td class=\"smm-start\">" + cells[0] + "</td><td>" + cells[1] + "</td><td>" + cells[2]) in table
        assert ("<td class=\"smm-start\">" + risks[0] + "</td><td>" + risks[1] + "</td>") in table
    for service in evaluation.index:  # names, not ids
        assert f">{service}<" not in table
    chosen = evaluation[evaluation.outsourced]
    summary = dashboard.summary.value
    assert i18n.eur(chosen.outsourced_legal_loss.sum(), lang) in summary
    assert i18n.eur(chosen.inhouse_legal_loss.sum(), lang) in summary
    assert t("decision_summary", lang, count=len(chosen), total=len(evaluation),
             value=i18n.eur(chosen.net_benefit.sum(), lang)) in summary


def test_summary_when_nothing_is_outsourced(data):
    dashboard = widgets.explorer(data, scenario=toolkit.Scenario(profile="micro", services=("brand", "know_how")))
    evaluation = dashboard.evaluation
    assert not evaluation.outsourced.any()
    expected = t("summary_sides_none", "en", months=24, outsourced=i18n.eur(evaluation.outsourced_legal_loss.sum()),
                 inhouse=i18n.eur(evaluation.inhouse_legal_loss.sum()), residual_risk=evaluation.residual_risk.max(),
                 inhouse_risk=evaluation.inhouse_risk.max())
    assert expected.replace("'", "&#x27;") in dashboard.summary.value


@pytest.mark.parametrize("lang", ["en", "it"])
def test_risk_chart_compares_in_house_with_outsourced(lang, data):
    dashboard = widgets.explorer(data, lang=lang)
    picture = html.unescape(dashboard.risk_figure.svg.decode("utf-8"))
    for key in ("plot_sides_title", "plot_inhouse_marker", "plot_outsourced_marker"):
        assert t(key, lang) in picture, key
    for service in data.services.index:
        assert i18n.name(data, "services", service, lang).split()[0] in picture


def test_risk_chart_redraws_only_when_the_risk_changes(explorer):
    risk = explorer.risk_figure.value
    explorer.controls["horizon_months"].value = 48  # money only: the scores do not move
    assert explorer.risk_figure.value == risk
    explorer.controls["risk_appetite"].value = "high"  # the appetite line moves
    assert explorer.risk_figure.value != risk
    appetite = explorer.risk_figure.value
    explorer.controls["services"]["blog"].value = False  # one service fewer
    assert explorer.risk_figure.value != appetite


def test_redrawing_the_risk_chart_leaves_nothing_behind(data):
    moving = widgets.explorer(data)
    for target in (toolkit.Scenario(profile="clinica", risk_appetite="low"),
                   toolkit.Scenario(services=("blog", "seo"), clauses=("nda",)),
                   toolkit.Scenario(profile="medium", risk_appetite="critical")):
        moving.set_scenario(target)
        assert moving.risk_figure.svg == widgets.explorer(data, scenario=target).risk_figure.svg


# --- scenario files of an earlier version ---------------------------------------------------------


def old_scenario_file(folder, name="old.json"):
    """A file saved before liability_cap_insurance was split in two."""
    data = json.loads(toolkit.Scenario(clauses=("nda",)).to_json())
    data["clauses"] = ["liability_cap_insurance", "nda"]
    (folder / name).write_text(json.dumps(data), encoding="utf-8")
    return name


@pytest.mark.parametrize("lang", ["en", "it"])
def test_loading_an_old_file_says_what_replaced_its_clause(lang, data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dashboard = widgets.explorer(data, lang=lang)
    files = dashboard.scenario_files
    files.name.value = old_scenario_file(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing escapes to stderr (a notebook would show it in red)
        files.load.click()
    assert dashboard.message.value == ""
    assert dashboard.scenario().clauses == ("indemnity_insurance", "nda")
    status = files.status.value
    names = {c: i18n.name(data, "clauses", c, lang) for c in data.clauses.index}
    note = t("scenario_replaced_liability_cap_insurance", lang, **names)
    assert t("scenario_loaded", lang, path="old.json") in status
    assert 'role="status"' in status
    assert html.escape(note) in status
    assert "liability_cap_insurance" not in status and "indemnity_insurance" not in status  # words, not ids


def test_explorer_without_the_file_row(data, tmp_path, monkeypatch):
    """files=False (the classroom mode brings its own download/upload): no Save/Load row, nothing written."""
    monkeypatch.chdir(tmp_path)
    with_files = widgets.explorer(data)
    assert with_files.scenario_files is not None and with_files.scenario_files.row in with_files.children
    dashboard = widgets.explorer(data, files=False)
    assert dashboard.scenario_files is None
    assert len(dashboard.children) == len(with_files.children) - 1

    def buttons(widget):
        if isinstance(widget, toolkit.widgets.widgets.Button):
            yield widget.description
        for child in getattr(widget, "children", ()):
            yield from buttons(child)

    shown = set(buttons(dashboard))
    assert t("save_scenario", "en") not in shown and t("load_scenario", "en") not in shown
    assert t("save_scenario", "en") in set(buttons(with_files))
    dashboard.controls["horizon_months"].value = 12  # still a working explorer
    assert dashboard.scenario().horizon_months == 12 and dashboard.message.value == ""
    assert list(tmp_path.iterdir()) == []


# --- typed values: a message beside the box, never a stale result ----------------------------------


def hidden(dashboard) -> bool:
    return all(view.layout.visibility == "hidden" for view in dashboard.outputs)


@pytest.mark.parametrize("typed, expected", [
    ("abc", "Type a number from 0.25 to 4.00"), ("", "Type a number from 0.25 to 4.00"),
    ("9", "Type a number from 0.25 to 4.00"), ("0", "Type a number from 0.25 to 4.00"),
    ("nan", "Type a number from 0.25 to 4.00"), ("inf", "Type a number from 0.25 to 4.00")])
def test_a_typed_value_that_cannot_be_used_is_explained_beside_its_box(explorer, typed, expected):
    volume = explorer.controls["volume"]
    updates = explorer.updates
    volume.entry.value = typed
    assert volume.entry_message.layout.display is None and expected in volume.entry_message.value
    assert 'role="alert"' in volume.entry_message.value and explorer.message.value == ""
    assert hidden(explorer) and explorer.updates == updates + 1
    assert explorer.problem() == volume.entry_problem
    volume.entry.value = "2,5"  # a comma or a point: the slider follows, the message goes, the results come back
    assert volume.value == 2.5 and volume.entry.value == "2.50" and volume.entry_message.value == ""
    assert volume.entry_message.layout.display == "none" and not hidden(explorer)
    assert explorer.evaluation.equals(toolkit.evaluate(explorer.dataset, toolkit.Scenario(volume=2.5)))


def test_boundaries_are_accepted_and_the_horizon_must_be_whole(explorer):
    horizon = explorer.controls["horizon_months"]
    for typed, value in (("6", 6), ("60", 60), (" 36 ", 36)):
        horizon.entry.value = typed
        assert horizon.value == value and horizon.entry_problem is None and not hidden(explorer)
    horizon.entry.value = "12.5"
    assert "Type a whole number from 6 to 60" in horizon.entry_message.value and hidden(explorer)
    horizon.entry.value = "61"
    assert "Type a whole number from 6 to 60" in horizon.entry_message.value and hidden(explorer)
    horizon.value = 12  # moving the slider puts a good value in the box and clears the message
    assert horizon.entry.value == "12" and horizon.entry_message.value == "" and not hidden(explorer)


def test_the_slider_writes_its_value_in_the_box_in_the_dashboards_language(data):
    italian = widgets.explorer(data, lang="it")
    salary = italian.controls["salary_multiplier"]
    assert salary.entry.value == "1,00" and salary.entry.description == t("salary_multiplier", "it")
    salary.value = 1.25
    assert salary.entry.value == "1,25"
    updates = italian.updates
    salary.entry.value = "1.25"  # the same value typed otherwise: shown the Italian way, nothing recomputed
    assert salary.entry.value == "1,25" and italian.updates == updates and salary.entry_problem is None
    salary.entry.value = "5"
    assert "Scrivi un numero da 0,50 a 2,00" in salary.entry_message.value and hidden(italian)


def test_save_and_suggest_refuse_what_cannot_be_evaluated_in_plain_words(explorer, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    explorer.controls["fee_multiplier"].entry.value = "lots"
    explorer.scenario_files.save.click()
    status = explorer.scenario_files.status.value
    assert "Type a number from 0.50 to 2.00" in status and not list(tmp_path.iterdir())
    clauses = explorer.scenario().clauses
    explorer.suggest_button.click()
    assert explorer.scenario().clauses == clauses and hidden(explorer)
    explorer.controls["fee_multiplier"].entry.value = "1"
    with explorer.hold():
        for box in explorer.controls["services"].values():
            box.value = False
    explorer.suggest_button.click()  # no service: the message stays beside the boxes, no code words anywhere
    assert "Tick at least one service" in explorer.field_messages["services"].value
    assert explorer.message.value == "" and hidden(explorer)
    explorer.scenario_files.save.click()
    status = explorer.scenario_files.status.value
    assert "Tick at least one service" in status and "Scenario field" not in status


def test_cost_explorer_and_risk_scorer_hide_their_results_for_a_bad_typed_value(data):
    costs = widgets.cost_explorer(data)
    hours = costs.controls["management_hours"]
    hours.entry.value = "11"
    assert "Type a number from 0.0 to 10.0" in hours.entry_message.value and hidden(costs)
    hours.entry.value = "0"  # the boundary: no management at all is a valid what-if
    assert hours.value == 0 and not hidden(costs) and costs.evaluation.vendor_management.sum() == 0
    scorer = widgets.risk_scorer("blog", data)
    likelihood = scorer.controls["privacy_likelihood"]
    likelihood.entry.value = "6"
    assert "Type a whole number from 0 to 5" in likelihood.entry_message.value and hidden(scorer)
    scorer.compare_button.click()
    assert scorer.feedback.value == ""  # no comparison with a value the student did not mean
    likelihood.entry.value = "5"
    assert likelihood.value == 5 and not hidden(scorer)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_chart_has_alt_text_in_the_dashboards_language(lang, data):
    explorer = widgets.explorer(data, lang=lang)
    costs = widgets.cost_explorer(data, lang=lang)
    scorer = widgets.risk_scorer("blog", data, lang=lang)
    scorer.controls["privacy_likelihood"].value = 3
    scorer.controls["privacy_impact"].value = 2
    for chart in (explorer.figure, explorer.risk_figure, costs.figure, scorer.figure):
        alt = re.search(r'alt="([^"]*)"', chart.value).group(1)
        assert html.unescape(alt) == chart.alt and len(alt) > 40
        assert "_" not in alt and "nan" not in alt.lower()  # words, never ids
        assert f'width="{chart.value.split("width=")[1].split(chr(34))[1]}"' in chart.value  # a fixed size
    names = {rec: t(rec, lang) for rec in ("outsource_with_clauses", "keep_in_house")}
    assert all(f"{name}:" in explorer.figure.alt for name in names.values())
    keep = explorer.evaluation.index[explorer.evaluation.recommendation == "keep_in_house"]
    assert i18n.name(data, "services", keep[0], lang) in explorer.figure.alt.split(names["keep_in_house"])[1]
    area = i18n.name(data, "legal_areas", "privacy", lang)
    assert f"{area} 3 × 2 = 6" in scorer.figure.alt
    assert ("Risk matrix" if lang == "en" else "Matrice del rischio") in scorer.figure.alt


@pytest.mark.parametrize("lang", ["en", "it"])
def test_risk_scorer_notes_an_area_scored_on_one_side_only(lang, data):
    scorer = widgets.risk_scorer("blog", data, lang=lang)
    note = scorer.half_scored["privacy"]
    assert note.value == "" and note.layout.display == "none"
    scorer.controls["privacy_likelihood"].value = 4  # the impact left at 0: the score is 0, probably a slip
    assert html.escape(t("half_scored_impact", lang)) in note.value and note.layout.display is None
    assert not hidden(scorer)  # the chart is still right (no point for that area)
    assert all(other.value == "" for area, other in scorer.half_scored.items() if area != "privacy")
    with scorer.hold():
        scorer.controls["privacy_likelihood"].value = 0
        scorer.controls["privacy_impact"].value = 2
    assert html.escape(t("half_scored_likelihood", lang)) in note.value
    scorer.controls["privacy_likelihood"].value = 3
    assert note.value == "" and note.layout.display == "none"


# --- the chart cache: the dashboard's first picture, kept on disk for the next student's kernel ----------


def _first_picture(dataset, lang="en", scenario=None):
    dashboard = widgets.explorer(dataset, lang=lang, scenario=scenario)
    return dashboard.figure.value, dashboard.risk_figure.value


def test_chart_cache_gives_the_same_picture_as_drawing_it(dataset, tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CHART_CACHE", "off")
    drawn = _first_picture(dataset)
    monkeypatch.setenv("TOOLKIT_CHART_CACHE", str(tmp_path))
    assert _first_picture(dataset) == drawn  # written to the cache
    assert len(list(tmp_path.glob("*.svg"))) == 2 and not list(tmp_path.glob("*.tmp"))
    assert _first_picture(dataset) == drawn  # read from it


def test_chart_cache_key_follows_language_scenario_and_data(dataset, tmp_path, monkeypatch):
    from toolkit import Scenario, load_dataset

    monkeypatch.setenv("TOOLKIT_CHART_CACHE", str(tmp_path))
    _first_picture(dataset)
    _first_picture(dataset, lang="it")
    _first_picture(dataset, scenario=Scenario(horizon_months=12))
    assert len(list(tmp_path.glob("*.svg"))) == 6
    import pandas as pd

    changed_folder = toolkit.copy_data(tmp_path / "data")
    costs = pd.read_csv(changed_folder / "costs.csv", dtype=str, keep_default_na=False)
    costs.loc[0, "outsourced_fee_eur_month"] = str(float(costs.loc[0, "outsourced_fee_eur_month"]) + 500)
    costs.to_csv(changed_folder / "costs.csv", index=False)
    changed = load_dataset(changed_folder)
    monkeypatch.setenv("TOOLKIT_CHART_CACHE", "off")
    expected = _first_picture(changed)
    monkeypatch.setenv("TOOLKIT_CHART_CACHE", str(tmp_path))
    assert _first_picture(changed) == expected  # another fee: another picture, not the bundled data's
    assert len(list(tmp_path.glob("*.svg"))) == 8


def test_a_broken_cache_file_is_drawn_again(dataset, tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CHART_CACHE", str(tmp_path))
    drawn = _first_picture(dataset)
    for kept in tmp_path.glob("*.svg"):
        kept.write_bytes(kept.read_bytes()[:100])  # a half-written or damaged file
    assert _first_picture(dataset) == drawn
    assert all(kept.read_bytes().rstrip().endswith(b"</svg>") for kept in tmp_path.glob("*.svg"))


@pytest.mark.parametrize("lang", ["en", "it"])
def test_cost_explorer_rows_add_up(data, lang):
    """Every part of the outsourced cost is a column (premium and drafting too): a student can add up a row."""
    dashboard = widgets.cost_explorer(data, lang=lang, scenario=toolkit.Scenario(clauses=("indemnity_insurance",)))
    evaluation = dashboard.evaluation
    assert (evaluation.clause_premium != 0).any() and (evaluation.drafting != 0).any()  # the case to show
    page = dashboard.table.value
    headings = [html.unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", page)]
    for part in ("fee", "clause_premium", "vendor_management", "transition", "drafting", "outsourced_cost"):
        assert t(part, lang) in headings
    first = re.search(r"<tbody><tr>(.*?)</tr>", page).group(1)
    cells = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", first)]
    column = {h: k for k, h in enumerate(headings)}
    number = (lambda text: float(text.replace(",", ""))) if lang == "en" else \
        (lambda text: float(text.replace(".", "").replace(",", ".")))
    parts = sum(number(cells[column[t(p, lang)]]) for p in widgets.COST_PARTS)
    assert abs(parts - number(cells[column[t("outsourced_cost", lang)]])) <= len(widgets.COST_PARTS) / 2
    assert html.escape(t("costs_outsourced_sum", lang)) in page


def test_hidden_outputs_leave_no_blank_space(explorer):
    """Untick every service: the charts and tables take no room (display none, not only invisible), and come back."""
    before = {id(view): view.layout.display for view in explorer.outputs}
    with explorer.hold():
        for box in explorer.controls["services"].values():
            box.value = False
    assert explorer.outputs and all(view.layout.display == "none" and view.layout.visibility == "hidden"
                                    for view in explorer.outputs)
    explorer.refresh()  # still nothing to show: hidden again, and what comes back is still the display from before
    explorer.controls["services"]["blog"].value = True
    assert all(view.layout.display == before[id(view)] and view.layout.visibility is None
               for view in explorer.outputs)
    assert 'role="alert"' not in explorer.field_messages["services"].value
