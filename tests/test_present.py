"""toolkit.present.table: what a student reads in a notebook's table has names, words and rounded numbers."""
import html
import re

import pandas as pd
import pytest

import toolkit
from toolkit import i18n, present

DATA = toolkit.load_dataset()
IDS = (set(DATA.services.index) | set(DATA.legal_areas.index) | set(DATA.clauses.index)
       | {"keep_in_house", "outsource", "outsource_with_clauses", "risk_above_appetite", "not_worth_it", "worth_it", "decision", "total"})


def _cells(shown: pd.DataFrame) -> list[str]:
    texts = list(shown.columns) + [str(v) for v in shown.to_numpy().ravel()]
    for level in range(shown.index.nlevels):
        texts += [str(v) for v in shown.index.get_level_values(level)] + [str(shown.index.names[level])]
    return texts


def _tables():
    scenario = toolkit.Scenario()
    simulation = toolkit.simulate(DATA, scenario, draws=500, seed=0)
    curve = toolkit.sweep(DATA, scenario, "horizon_months", range(1, 61))
    sens = toolkit.sensitivity(DATA, scenario)
    return {
        "evaluate": toolkit.evaluate(DATA, scenario),
        "breakdown": toolkit.breakdown(DATA, scenario),
        "clause_value": toolkit.clause_value(DATA),
        "simulate": simulation.summary,
        "break_even": toolkit.break_even(curve),
        "sensitivity": sens[sens.service == "blog"].set_index("input")[["low_net", "base_net", "high_net"]],
        # the whole table: its service column holds the two sums, "decision" and "total", besides the services
        "sensitivity_rows": sens.set_index("input")[["service", "low_net", "high_net"]],
        "clauses": DATA.clauses[["provision", "drafting_cost_eur", "fee_premium_pct"]],
        "requirements": DATA.requirements[["applies", "legal_basis"]],
        "uncertainty": DATA.uncertainty[["min_factor", "mode_factor", "max_factor"]],
    }


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_no_id_no_nan_no_long_decimals(lang):
    for name, frame in _tables().items():
        shown = present.table(frame, DATA, lang)
        for text in _cells(shown):
            assert text not in IDS, f"{name}: an id is shown: {text}"
            assert text.lower() not in ("nan", "none", "true", "false"), f"{name}: {text}"
            assert not re.search(r"\d[.,]\d{3,}$", text) or re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text), \
                f"{name}: unrounded {text}"
            assert "_" not in text or name in ("clauses", "requirements"), f"{name}: a code is shown: {text}"


def test_words_names_and_formats():
    evaluation = toolkit.evaluate(DATA)
    en = present.table(evaluation, DATA, "en", ["savings", "recommendation", "risk_band", "clauses_applied"])
    it = present.table(evaluation, DATA, "it", ["savings", "recommendation", "risk_band", "clauses_applied"])
    assert list(en.columns) == ["Savings (EUR)", "Recommendation", "Risk band", "Clauses that protect it"]
    assert en.index.name == "Service" and it.index.name == "Servizio"
    assert en.loc["Blog management", "Recommendation"] == "Outsource with clauses"
    assert it.loc["Gestione dei blog", "Raccomandazione"] == "Esternalizzare con clausole"
    content = evaluation.loc["content", "inhouse_cost"]
    costs_it = present.table(evaluation, DATA, "it", ["inhouse_cost"])
    assert costs_it.iloc[2, 0] == i18n.number(content, "it") and "." in costs_it.iloc[2, 0]
    assert present.table(evaluation, DATA, "en", ["inhouse_cost"]).iloc[2, 0] == f"{content:,.0f}"
    names = en.loc["Blog management", "Clauses that protect it"]
    assert i18n.name(DATA, "clauses", "dpa_art28", "en") in names


def test_break_even_never_and_one_decimal():
    curve = toolkit.sweep(DATA, None, "horizon_months", range(1, 61))
    series = toolkit.break_even(curve)
    for lang, never in (("en", "never"), ("it", "mai")):
        shown = present.table(series, DATA, lang)
        assert list(shown.columns) == [i18n.t("break_even_months", lang)]
        cells = shown.iloc[:, 0]
        assert (cells == never).sum() == series.isna().sum() > 0
        assert all(re.fullmatch(r"\d+[.,]\d", c) for c in cells[cells != never])
    assert "," in present.table(series, DATA, "it").iloc[0, 0]


def test_law_is_cited_as_each_language_does():
    shown = present.table(DATA.requirements, DATA, "it", ["legal_basis"])
    assert any("artt." in c for c in shown.iloc[:, 0]) and not any("arts." in c for c in shown.iloc[:, 0])
    assert present.law("LdA artt. 107, 110", "en") == "LdA arts. 107, 110"
    assert present.law("EUTMR art. 9; CJEU C-210/16", "it") == "RMUE art. 9; CGUE C-210/16"


def test_unknown_column_says_where_to_add_its_label():
    with pytest.raises(KeyError, match="col_mystery"):
        present.table(pd.DataFrame({"mystery": [1]}), DATA, "en")
    with pytest.raises(ValueError, match="lang"):
        present.table(toolkit.evaluate(DATA), DATA, "fr")


def test_the_original_is_untouched():
    evaluation = toolkit.evaluate(DATA)
    before = evaluation.copy()
    present.table(evaluation, DATA, "it")
    pd.testing.assert_frame_equal(evaluation, before)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_a_required_clause_reads_as_in_the_contract(lang):
    """clause_value: a clause the law requires is in the contract, never "In the contract: no" beside "Required: yes"."""
    values = toolkit.clause_value(DATA)
    assert values.required.any() and not values.loc[values.required, "adopted"].all()  # the case the table must fix
    shown = present.table(values, DATA, lang)
    in_contract, required = shown[i18n.t("col_adopted", lang)], shown[i18n.t("col_required", lang)]
    for clause, needed in values.required.items():
        name = i18n.name(DATA, "clauses", clause, lang)
        if needed:
            assert required[name] == i18n.t("yes", lang)
            assert in_contract[name] == i18n.t("yes_required", lang)
            assert in_contract[name].startswith(i18n.t("yes", lang))
        else:
            assert in_contract[name] == i18n.t("yes" if values.loc[clause, "adopted"] else "no", lang)


def test_italian_labels_use_the_notebooks_terms():
    """The Italian notebooks call it "probabilità di contestazione": a column label must not say "pretesa"."""
    import pathlib

    sources = " ".join(p.read_text("utf-8") for p in (pathlib.Path(__file__).parents[1] / "notebooks/src/it").glob("*.md"))
    label = present.label("claim_probability", "it")
    assert label.lower() in sources.lower() and "pretesa" not in label


def test_display_format_shows_whole_cells():
    """A provision or a case description is shown whole in a notebook's table, never cut with "..."."""
    long = "Codice civile arts. 1218, 1229, 1341(2), 1456, 1469-bis; Codice del consumo art. 27(9) " * 2
    frame = pd.DataFrame({"provision": [long]})
    try:
        i18n.display_format("it")
        assert long.strip() in frame.to_html() and long.strip() in frame.to_string()
    finally:
        pd.reset_option("display.float_format")
        pd.reset_option("display.max_colwidth")


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_long_text_is_shown_left_aligned_and_wrapped(lang):
    """In a notebook a provision reads as text: whole, aligned left, wrapping at a readable width; numbers stay right."""
    shown = present.table(DATA.legal_areas, DATA, lang, ["eu_provisions", "it_provisions", "max_sanction_eur"])
    assert isinstance(shown, pd.DataFrame) and type(shown.iloc[:1]) is pd.DataFrame
    page = shown._repr_html_()
    table_id = re.search(r'<table id="([^"]+)"', page).group(1)
    for k in (0, 1):
        rule = re.search(rf"#{table_id} td\.col{k} \{{([^}}]*)\}}", page).group(1)
        assert "text-align: left" in rule and "max-width" in rule and "white-space: normal" in rule
    assert not re.search(rf"#{table_id} td\.col2 ", page)  # the euros stay as the notebook aligns numbers
    for text in shown.iloc[:, 1]:
        assert html.escape(text, quote=False) in page  # whole, never cut with "..."
    assert page == present.table(DATA.legal_areas, DATA, lang, ["eu_provisions", "it_provisions",
                                                                "max_sanction_eur"])._repr_html_()  # same on a rebuild
    odd = present.Table(pd.DataFrame({"note": ["<b>not markup</b> & a long enough sentence to wrap"]}))
    assert "&lt;b&gt;not markup&lt;/b&gt; &amp;" in odd._repr_html_()
    short = present.table(toolkit.evaluate(DATA), DATA, lang, ["savings"])
    assert short._repr_html_() == pd.DataFrame(short)._repr_html_()  # nothing long: the usual table


def test_italian_citations_have_no_english_words():
    """Every provision of data/ as an Italian table cites it: artt., RMUE, Direttiva and the notes in brackets
    in Italian (a student of the Italian notebooks read '(transfer in writing)')."""
    texts = [*DATA.legal_areas.eu_provisions, *DATA.legal_areas.it_provisions, *DATA.clauses.provision,
             *DATA.requirements.legal_basis]
    english = re.compile(r"\b(in|of|the|by|and|for|arts|writing|names|measures|damages|sanctions|practices|"
                         r"photographs|Directive|rewritten|EU|EUTMR|CJEU)\b")
    found = [present.law(text, "it") for text in texts if english.search(present.law(text, "it"))]
    assert not found, found
    assert "(transfer in writing)" in present.law(DATA.legal_areas.it_provisions.iloc[0], "en")
