"""The dashboards, headless: set controls, check that outputs change, and errors stay inside."""
import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import toolkit  # noqa: E402
from toolkit import widgets  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return toolkit.load_dataset()


@pytest.fixture()
def explorer(data):
    return widgets.explorer(data)


def test_explorer_starts_with_the_default_scenario(explorer, data):
    assert explorer.scenario() == toolkit.Scenario()
    assert explorer.figure.format == "svg+xml"
    picture = bytes(explorer.figure.value).decode("utf-8")
    assert picture.startswith("<?xml") and "<svg" in picture
    # real text, so that screen readers and the browser's search find the labels
    assert "Savings against residual legal risk" in picture
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


def test_ticking_a_clause_changes_the_recommendations(explorer):
    before = explorer.recommendations.value
    explorer.controls["clauses"]["dpa_art28"].value = True
    assert explorer.scenario().clauses == ("dpa_art28",)
    assert explorer.recommendations.value != before
    assert explorer.evaluation.loc["profiles", "clauses_applied"] == ("dpa_art28",)


def test_invalid_combination_shows_a_message_not_a_traceback(explorer):
    with explorer.hold():
        for box in explorer.controls["services"].values():
            box.value = False
    assert "role=\"alert\"" in explorer.message.value
    assert "services" in explorer.message.value
    assert "Traceback" not in explorer.message.value
    explorer.controls["services"]["blog"].value = True  # fixing it clears the message
    assert explorer.message.value == ""
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
    button = explorer.children[0].children[2].children[-1]
    button.click()
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
    dashboard.children[3].click()  # the compare button
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
        assert bytes(moving.figure.value) == bytes(fresh.figure.value)
