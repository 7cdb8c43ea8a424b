"""Scenario files: Scenario.save / Scenario.load (versioned JSON, atomic writes, clear errors),
and the explorer's Save and Load buttons."""
import json
import os
import pickle
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit
from toolkit import RISK_BANDS, Scenario
from toolkit.scenario import (FIELD_RANGES, SCENARIO_JSON_SCHEMA, SCENARIO_MAX_BYTES, SCENARIO_SCHEMA_VERSION,
                              ReplacedClauseWarning, ScenarioFileError)

IDS = [f"id_{k}" for k in range(12)]

# Any valid scenario, over the whole range each field allows (ids need not exist in the data:
# a file holds ids, and evaluate() checks them against a dataset).
any_scenario = st.builds(
    Scenario,
    profile=st.sampled_from(["micro", "small", "medium", "bellini"]),
    services=st.none() | st.lists(st.sampled_from(IDS), min_size=1, max_size=9, unique=True).map(tuple),
    volume=st.floats(0, 100, exclude_min=True),
    horizon_months=st.integers(1, 120),
    salary_multiplier=st.floats(0, 10, exclude_min=True),
    fee_multiplier=st.floats(0, 10, exclude_min=True),
    management_hours=st.floats(0, 200),
    transition_months=st.floats(0, 24),
    clauses=st.lists(st.sampled_from(IDS), unique=True).map(tuple),
    risk_appetite=st.sampled_from(RISK_BANDS),
    eur_per_risk_point=st.none() | st.floats(0, 1e6),
)
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def files_in(folder):
    return sorted(p.name for p in Path(folder).iterdir())


# --- the round trip -------------------------------------------------------------------------


@PROPERTY
@given(scenario=any_scenario)
def test_save_load_round_trip(scenario, tmp_path_factory):
    folder = tmp_path_factory.mktemp("round")
    path = scenario.save(folder / "mine.json")
    assert path == folder / "mine.json"
    assert Scenario.load(path) == scenario
    assert Scenario.from_json(scenario.to_json()) == scenario
    assert files_in(folder) == ["mine.json"], "no temporary file left behind"


@PROPERTY
@given(scenario=any_scenario)
def test_saved_file_follows_the_published_json_schema(scenario):
    jsonschema = pytest.importorskip("jsonschema")
    stored = json.loads(scenario.to_json())
    assert stored["schema_version"] == SCENARIO_SCHEMA_VERSION
    jsonschema.validate(stored, SCENARIO_JSON_SCHEMA)
    assert set(SCENARIO_JSON_SCHEMA["properties"]) == set(stored)


def _edges(allowed):
    """Values at and just beyond each end of a range, and a fraction where a whole number is asked for."""
    step = 1 if allowed.whole else 1e-6
    return [allowed.low, allowed.low - step, allowed.high, allowed.high + step, (allowed.low + allowed.high) / 2,
            allowed.low + 0.5, None]


@pytest.mark.parametrize("name", sorted(FIELD_RANGES))
def test_validation_and_json_schema_agree_at_the_edges_of_each_range(name):
    """FIELD_RANGES drives both Scenario's checks and the published schema: they accept the same values."""
    jsonschema = pytest.importorskip("jsonschema")
    allowed = FIELD_RANGES[name]
    verdicts = []
    for value in _edges(allowed):
        try:
            Scenario(**{name: value})
            by_scenario = True
        except ValueError as exc:
            assert f"'{name}'" in str(exc) and allowed.in_words() in str(exc)
            by_scenario = False
        by_schema = jsonschema.Draft202012Validator(SCENARIO_JSON_SCHEMA).is_valid({name: value})
        assert by_scenario == by_schema, f"{name}={value!r}: Scenario says {by_scenario}, the schema {by_schema}"
        verdicts.append(by_scenario)
    assert True in verdicts and False in verdicts, "the edges include accepted and refused values"


def test_saving_again_replaces_the_file(tmp_path):
    path = tmp_path / "s.json"
    Scenario(profile="micro").save(path)
    Scenario(profile="medium", clauses=("nda",)).save(path)
    assert Scenario.load(path) == Scenario(profile="medium", clauses=("nda",))
    assert files_in(tmp_path) == ["s.json"]
    assert path.stat().st_mode & 0o444 == 0o444, "a shared scenario file is readable"


def test_a_hand_written_file_without_version_and_with_a_bom_loads(tmp_path):
    path = tmp_path / "hand.json"
    path.write_bytes(b'\xef\xbb\xbf{"profile": "medium", "horizon_months": 36, "clauses": ["nda", "dpa_art28"]}')
    assert Scenario.load(path) == Scenario(profile="medium", horizon_months=36, clauses=("dpa_art28", "nda"))


def test_saved_scenario_runs_through_the_cli(tmp_path, capsys):
    from toolkit.cli import main

    path = Scenario(profile="medium", services=("seo", "blog")).save(tmp_path / "s.json")
    assert main(["evaluate", "--scenario", str(path), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("service_id,")


# --- clause ids of earlier versions, and clauses the law requires ---------------------------------


def test_a_file_naming_the_old_liability_clause_loads_with_a_warning(tmp_path, dataset):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"schema_version": 1, "profile": "small",
                                "clauses": ["liability_cap_insurance", "nda"]}), encoding="utf-8")
    with pytest.warns(ReplacedClauseWarning) as record:
        scenario = Scenario.load(path)
    assert len(record) == 1
    message = str(record[0].message)
    assert "indemnity_insurance" in message and "supplier_liability_cap" in message
    assert record[0].filename == __file__, "the warning points at the code that loaded the file"
    # the indemnity protects the firm as the old clause did; the supplier's cap is not added for it
    assert scenario.clauses == ("indemnity_insurance", "nda")
    assert set(scenario.clauses) <= set(dataset.clauses.index)
    toolkit.evaluate(dataset, scenario)  # a valid scenario for the current data


def test_the_old_and_the_new_clause_together_give_the_new_one_once(tmp_path):
    path = tmp_path / "both.json"
    path.write_text('{"clauses": ["indemnity_insurance", "liability_cap_insurance"]}', encoding="utf-8")
    with pytest.warns(ReplacedClauseWarning):
        assert Scenario.load(path).clauses == ("indemnity_insurance",)


def test_check_explains_what_replaced_the_old_liability_clause(dataset):
    scenario = Scenario(clauses=("liability_cap_insurance",))  # made in code: not translated
    with pytest.raises(ValueError, match="'clauses': unknown id 'liability_cap_insurance'") as info:
        scenario.check(dataset)
    message = str(info.value)
    assert "split in two" in message and "'indemnity_insurance'" in message and "'supplier_liability_cap'" in message
    with pytest.raises(ValueError, match="split in two"):
        toolkit.evaluate(dataset, scenario)
    with pytest.raises(ValueError) as other:
        Scenario(clauses=("pinky_promise",)).check(dataset)
    assert "split" not in str(other.value), "only a replaced id gets the explanation"


def test_a_file_naming_the_clauses_the_law_requires_stays_valid(tmp_path, dataset):
    path = tmp_path / "required.json"
    path.write_text('{"profile": "small", "clauses": ["dpa_art28", "ip_assignment", "supplier_liability_cap"]}',
                    encoding="utf-8")
    scenario = Scenario.load(path)
    assert scenario.clauses == ("dpa_art28", "ip_assignment", "supplier_liability_cap")
    # every bundled service that either clause acts on requires it already: naming them changes nothing
    named = toolkit.evaluate(dataset, scenario)
    plain = toolkit.evaluate(dataset, scenario.replace(clauses=("supplier_liability_cap",)))
    pd.testing.assert_frame_equal(named, plain)
    assert Scenario.load(scenario.save(tmp_path / "again.json")) == scenario


# --- bad files: a clear error naming the file and the problem ------------------------------------

BAD_FILES = {
    "empty": (b"", "empty"),
    "only spaces": (b"  \n ", "empty"),
    "not utf-8 (latin-1)": ('{"profile": "piccola impresa è"}'.encode("latin-1"), "UTF-8"),
    "binary garbage": (bytes(range(256)) * 4, "UTF-8"),
    "a pickle": (pickle.dumps({"profile": "small"}), "UTF-8"),
    "truncated": (b'{"profile": "small", "clauses": ["nda", ', "cut short"),
    "truncated in a string": (b'{"profile": "sma', "cut short"),
    "not json": (b"profile = small", "not a valid JSON"),
    "python literal": (b"{'profile': 'small'}", "not a valid JSON"),
    "trailing garbage": (b'{"profile": "small"} x', "not a valid JSON"),
    "a list": (b'["small"]', "JSON object"),
    "a number": (b"42", "JSON object"),
    "null": (b"null", "JSON object"),
    "deeply nested": (b"[" * 100_000, "nested too deeply"),
    "version 2": (b'{"schema_version": 2, "profile": "small"}', "'schema_version'"),
    "version 0": (b'{"schema_version": 0}', "'schema_version'"),
    "version as text": (b'{"schema_version": "1"}', "'schema_version'"),
    "version true": (b'{"schema_version": true}', "'schema_version'"),
    "version 1.5": (b'{"schema_version": 1.5}', "'schema_version'"),
    "version null": (b'{"schema_version": null}', "'schema_version'"),
    "unknown field": (b'{"profile": "small", "colour": "blue"}', "'colour' is unknown"),
    "misspelt field": (b'{"horizon_month": 12}', "did you mean 'horizon_months'"),
    "field twice": (b'{"profile": "small", "profile": "medium"}', "'profile' appears twice"),
    "number as text": (b'{"volume": "2"}', "'volume'"),
    "negative horizon": (b'{"horizon_months": -3}', "'horizon_months'"),
    "fractional horizon": (b'{"horizon_months": 12.5}', "'horizon_months'"),
    "infinite": (b'{"horizon_months": Infinity}', "'horizon_months'"),
    "not a number": (b'{"fee_multiplier": NaN}', "'fee_multiplier'"),
    "huge integer": (b'{"volume": 1' + b"0" * 500 + b"}", "'volume'"),
    "band unknown": (b'{"risk_appetite": "extreme"}', "'risk_appetite'"),
    "clauses as text": (b'{"clauses": "nda"}', "'clauses'"),
    "clause twice": (b'{"clauses": ["nda", "nda"]}', "'clauses'"),
    "no services": (b'{"services": []}', "'services'"),
    "id not text": (b'{"services": [1, 2]}', "'services'"),
    "risk points negative": (b'{"eur_per_risk_point": -5}', "'eur_per_risk_point'"),
}


@pytest.mark.parametrize("content, fragment", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_gives_a_clear_error(tmp_path, content, fragment):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ScenarioFileError, match=fragment) as info:
        Scenario.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), "the message names the file"
    assert "Traceback" not in message and len(message) < 400
    assert isinstance(info.value, ValueError)  # the CLI and the widgets catch ValueError
    assert path.read_bytes() == content, "loading never changes the file"


@PROPERTY
@given(cut=st.integers(0, 10_000), scenario=any_scenario)
def test_every_truncation_of_a_saved_file_is_refused(cut, scenario, tmp_path_factory):
    text = scenario.to_json().encode("utf-8")
    cut %= len(text.rstrip())  # a proper prefix: at least the closing brace is missing
    path = tmp_path_factory.mktemp("cut") / "cut.json"
    path.write_bytes(text[:cut])
    with pytest.raises(ScenarioFileError):
        Scenario.load(path)


def test_file_over_1_mb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"profile": "small"' + " " * SCENARIO_MAX_BYTES + "}", encoding="utf-8")  # valid JSON
    with pytest.raises(ScenarioFileError, match="larger than 1 MB"):
        Scenario.load(path)
    exactly = tmp_path / "exactly.json"
    body = '{"profile": "small"}'
    exactly.write_text(body + " " * (SCENARIO_MAX_BYTES - len(body)), encoding="utf-8")
    assert Scenario.load(exactly) == Scenario()  # 1 MB itself is allowed


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_reading_stops_after_1_mb_even_for_an_endless_file():
    # /dev/zero never ends: only a capped read can answer.
    with pytest.raises(ScenarioFileError, match="larger than 1 MB"):
        Scenario.load("/dev/zero")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ScenarioFileError, match="not found"):
        Scenario.load(tmp_path / "nope.json")
    with pytest.raises(ScenarioFileError, match="folder"):
        Scenario.load(tmp_path)


# --- atomic saves: a failed save leaves the old file as it was ------------------------------------


@pytest.fixture
def existing(tmp_path):
    path = Scenario(profile="micro", clauses=("nda",)).save(tmp_path / "scenario.json")
    return path, path.read_bytes()


@pytest.mark.parametrize("target, error", [("fsync", OSError("disk full")), ("replace", OSError("rename failed")),
                                           ("fsync", KeyboardInterrupt())])
def test_failure_while_writing_leaves_the_old_file_untouched(existing, monkeypatch, target, error):
    path, before = existing

    def boom(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(os, target, boom)
    with pytest.raises(type(error)):
        Scenario(profile="medium").save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert files_in(path.parent) == ["scenario.json"], "the temporary file was removed"
    assert Scenario.load(path) == Scenario(profile="micro", clauses=("nda",))


def test_failure_half_way_through_the_text_leaves_the_old_file_untouched(existing, monkeypatch):
    path, before = existing
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, text):
            self.handle.write(text[: len(text) // 2])
            self.handle.flush()
            raise OSError("no space left on device")

        def __getattr__(self, name):
            return getattr(self.handle, name)

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: HalfWriter(real_fdopen(*a, **k)))
    with pytest.raises(OSError, match="no space"):
        Scenario(profile="medium").save(path)
    assert path.read_bytes() == before
    assert files_in(path.parent) == ["scenario.json"]


def test_saving_into_a_missing_folder_or_over_a_folder(tmp_path):
    with pytest.raises(ScenarioFileError, match="does not exist"):
        Scenario().save(tmp_path / "no" / "such" / "scenario.json")
    (tmp_path / "taken").mkdir()
    with pytest.raises(OSError):
        Scenario().save(tmp_path / "taken")
    assert files_in(tmp_path) == ["taken"] and files_in(tmp_path / "taken") == []


def test_a_bad_file_never_replaces_a_good_one_through_load_and_save(tmp_path):
    good = Scenario(profile="medium").save(tmp_path / "good.json")
    before = good.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text('{"profile": "medium", "volume": "lots"}', encoding="utf-8")
    with pytest.raises(ScenarioFileError):
        Scenario.load(bad).save(good)
    assert good.read_bytes() == before


# --- the explorer's Save and Load buttons -----------------------------------------------------------


@pytest.fixture(scope="module")
def data():
    return toolkit.load_dataset()


@pytest.fixture
def explorer(data, tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    from toolkit import widgets

    monkeypatch.chdir(tmp_path)  # the default file name is relative to the working folder
    return widgets.explorer(data)


def test_explorer_saves_and_loads_a_scenario(explorer, tmp_path):
    files = explorer.scenario_files
    assert files.name.value == "my_scenario.json"
    chosen = Scenario(profile="medium", horizon_months=36, clauses=("dpa_art28", "nda"), risk_appetite="high")
    explorer.set_scenario(chosen)
    files.save.click()
    assert Scenario.load(tmp_path / "my_scenario.json") == explorer.scenario() == chosen
    assert "my_scenario.json" in files.status.value and explorer.message.value == ""

    explorer.set_scenario(Scenario())
    assert explorer.scenario() == Scenario()
    files.load.click()
    assert explorer.scenario() == chosen
    assert explorer.evaluation.equals(toolkit.evaluate(explorer.dataset, chosen))


@pytest.mark.parametrize("content, fragment", [
    (b'{"profile": "small",', "cut short"),
    (b'{"schema_version": 9}', "schema_version"),
    (b'{"profile": "huge"}', "profile"),  # valid file, but not a profile of this dataset
    (b'{"services": ["blog", "vlog"]}', "vlog"),
])
def test_explorer_load_error_is_a_message_and_changes_nothing(explorer, tmp_path, content, fragment):
    before = explorer.scenario()
    (tmp_path / "bad.json").write_bytes(content)
    explorer.scenario_files.name.value = "bad.json"
    explorer.scenario_files.load.click()
    status = explorer.scenario_files.status.value  # next to the Load button
    assert 'role="alert"' in status and fragment in status
    assert "Traceback" not in status
    assert explorer.scenario() == before
    assert (tmp_path / "bad.json").read_bytes() == content


def test_explorer_missing_file_and_bad_folder_are_messages(explorer, tmp_path):
    explorer.scenario_files.name.value = "nothing_here.json"
    explorer.scenario_files.load.click()
    assert "not found" in explorer.scenario_files.status.value
    explorer.scenario_files.name.value = "  "
    explorer.scenario_files.save.click()
    assert 'role="alert"' in explorer.scenario_files.status.value
    assert files_in(tmp_path) == []


def test_explorer_loads_every_field_even_beyond_the_sliders(explorer, tmp_path):
    wide = Scenario(profile="micro", volume=7.0, horizon_months=120, salary_multiplier=1.3, management_hours=3.0,
                    transition_months=2.0, eur_per_risk_point=40.0, services=("blog", "seo"), risk_appetite="low")
    wide.save(tmp_path / "wide.json")
    explorer.scenario_files.name.value = "wide.json"
    explorer.scenario_files.load.click()
    assert explorer.message.value == "", explorer.message.value
    assert explorer.scenario() == wide  # fields without a control come from the file, sliders widen
    assert explorer.controls["volume"].value == 7.0 and explorer.controls["horizon_months"].value == 120
    explorer.scenario_files.name.value = "copy.json"
    explorer.scenario_files.save.click()
    assert Scenario.load(tmp_path / "copy.json") == wide


def test_explorer_file_row_in_italian(data, tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    from toolkit import widgets
    from toolkit.i18n import t

    monkeypatch.chdir(tmp_path)
    dashboard = widgets.explorer(data, lang="it")
    files = dashboard.scenario_files
    assert (files.save.description, files.load.description) == (t("save_scenario", "it"), t("load_scenario", "it"))
    assert files.row in dashboard.children
    files.save.click()
    assert t("scenario_saved", "it", path="my_scenario.json") in files.status.value


def test_explorer_file_names_cannot_leave_the_folder(explorer, tmp_path):
    # Served as an app, the buttons must not read or write elsewhere on the server.
    for name in ("../x.json", "/etc/passwd", "sub/x.json", "x.txt", ".hidden.json"):
        explorer.scenario_files.name.value = name
        explorer.scenario_files.load.click()
        assert "plain name ending in .json" in explorer.scenario_files.status.value, name
        explorer.scenario_files.save.click()
        assert "plain name ending in .json" in explorer.scenario_files.status.value, name
    assert files_in(tmp_path) == []


def test_explorer_asks_before_replacing_a_file_and_keeps_its_mode(explorer, tmp_path):
    import os
    import stat

    from toolkit.i18n import t

    mine = tmp_path / "my_scenario.json"
    Scenario(profile="micro").save(mine)
    os.chmod(mine, 0o600)
    before = mine.read_bytes()
    files = explorer.scenario_files
    files.save.click()  # the first click only asks
    assert mine.read_bytes() == before
    assert 'role="alert"' in files.status.value and "my_scenario.json" in files.status.value
    assert files.save.description == t("replace_scenario", "en")
    files.name.value = "other.json"  # another name: no question pending
    assert files.save.description == t("save_scenario", "en")
    files.name.value = "my_scenario.json"
    files.save.click()
    files.save.click()  # asked, then confirmed
    assert Scenario.load(mine) == explorer.scenario()
    assert stat.S_IMODE(mine.stat().st_mode) == 0o600, "a private file stays private"
    assert files.save.description == t("save_scenario", "en")


def test_save_removes_what_a_killed_save_left(tmp_path):
    import os
    import time

    old = tmp_path / ".my.json.abc123.tmp"
    old.write_text("{", encoding="utf-8")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    fresh = tmp_path / ".my.json.def456.tmp"  # a save running now: left alone
    fresh.write_text("{", encoding="utf-8")
    Scenario().save(tmp_path / "my.json")
    assert not old.exists() and fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".my.json.def456.tmp", "my.json"]
