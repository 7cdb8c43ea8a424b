"""The inputs of one decision (:class:`Scenario`) and its file format.

A scenario is validated when it is made: every field is checked against what it may hold
(the number fields against :data:`FIELD_RANGES`, the one table that also writes the
published JSON Schema, :data:`SCENARIO_JSON_SCHEMA`). The ids it names (profile,
services, clauses) are checked against a dataset by :meth:`Scenario.check`, which
:func:`toolkit.evaluate` calls.

A scenario file is a JSON object of the fields, versioned (``schema_version``), written
atomically by :meth:`Scenario.save` and read by :meth:`Scenario.load`, which only parses
JSON and says in one line what is wrong with a bad file.
"""
from __future__ import annotations

import contextlib
import difflib
import warnings
import json
import math
import glob
import os
import stat
import tempfile
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .data import Dataset

__all__ = ["Scenario", "ScenarioFileError", "NumberRange", "FIELD_RANGES", "RISK_BANDS", "SCENARIO_SCHEMA_VERSION",
           "SCENARIO_MAX_BYTES", "SCENARIO_JSON_SCHEMA", "REPLACED_CLAUSES", "ReplacedClauseWarning"]

RISK_BANDS = ("low", "medium", "high", "critical")  # ascending; the bands of data/risk_bands.csv
SCENARIO_SCHEMA_VERSION = 1
SCENARIO_MAX_BYTES = 1_000_000  # a scenario file is a few hundred bytes


@dataclass(frozen=True)
class Scenario:
    """The inputs of one decision, validated. Every field has a default.

    profile: id of a company profile (``profiles.csv``).
    services: ids of the services in scope; ``None`` means all of them.
    volume: multiplier on the profile's activity volume (1.0 = as the profile says).
    horizon_months: length of the contract, in whole months.
    salary_multiplier: multiplier on the gross salary of the person who would run the services
        in house (1.0 = as the profile says); managing a supplier stays at the profile's salary.
    fee_multiplier: multiplier on the suppliers' fees (1.0 = as in ``costs.csv``).
    management_hours: staff hours a month spent managing the supplier of each outsourced
        service (default 1.5: about 3 hours a week over 9 services, within the 2-4 hours a
        week of vendor governance in shared/domain.md, an assumption).
    transition_months: months the firm pays the supplier while still running the service
        itself (the one-off transition cost; default 1, an assumption).
    clauses: ids of the contract clauses adopted (``clauses.csv``).
    risk_appetite: the highest risk band the firm accepts for an outsourced service.
    eur_per_risk_point: ``None`` monetises risk with the likelihood and impact tables;
        a number (EUR a year per point of residual score) uses that simpler rule.

    The range each number field accepts is in :data:`FIELD_RANGES`.
    """

    profile: str = "small"
    services: tuple[str, ...] | None = None
    volume: float = 1.0
    horizon_months: int = 24
    salary_multiplier: float = 1.0
    fee_multiplier: float = 1.0
    management_hours: float = 1.5
    transition_months: float = 1.0
    clauses: tuple[str, ...] = ()
    risk_appetite: str = "medium"
    eur_per_risk_point: float | None = None

    def __post_init__(self):
        def fail(name, expected, value):
            shown = repr(value)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."  # a hand-edited file can hold anything
            raise ValueError(f"Scenario field '{name}': expected {expected}, got {shown}")

        def id_tuple(name, value, allow_none):
            if value is None and allow_none:
                return None
            if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
                fail(name, "a list of ids", value)
            if not all(isinstance(item, str) and item for item in value):
                fail(name, "a list of ids (text)", value)
            if len(set(value)) != len(value):
                fail(name, "each id once", value)
            # Sorted so that two scenarios with the same ids are equal and hash alike.
            return tuple(sorted(value))

        if not isinstance(self.profile, str) or not self.profile:
            fail("profile", "a profile id such as 'small'", self.profile)
        object.__setattr__(self, "services", id_tuple("services", self.services, allow_none=True))
        if self.services is not None and not self.services:
            fail("services", "at least one service (or None for all)", self.services)
        object.__setattr__(self, "clauses", id_tuple("clauses", self.clauses, allow_none=False))
        if self.risk_appetite not in RISK_BANDS:
            fail("risk_appetite", f"one of {', '.join(RISK_BANDS)}", self.risk_appetite)
        for name, allowed in FIELD_RANGES.items():
            value = getattr(self, name)
            if not allowed.accepts(value):
                fail(name, allowed.in_words(), value)
            object.__setattr__(self, name, allowed.normalise(value))

    def replace(self, **changes) -> "Scenario":
        """A copy with some fields changed (validated again)."""
        return Scenario(**{**self.to_dict(), **changes})

    def to_dict(self) -> dict:
        data = asdict(self)
        data["services"] = None if self.services is None else list(self.services)
        data["clauses"] = list(self.clauses)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Scenario":
        """Build from a dict of fields (unknown keys are an error, missing keys take defaults).

        An optional ``"schema_version"`` key must be :data:`SCENARIO_SCHEMA_VERSION` (a file
        written by an older or newer toolkit is refused rather than misread); without it the
        dict is read as the current version (a hand-written file).
        """
        if not isinstance(data, dict):
            kind = {list: "a list", str: "a text", int: "a number", float: "a number", bool: "true or false",
                    type(None): "null"}.get(type(data), type(data).__name__)
            raise ValueError(f"a scenario must be a JSON object of fields ({{\"profile\": ...}}), got {kind}")
        if "schema_version" in data:
            version = data["schema_version"]
            if isinstance(version, bool) or not isinstance(version, int) or version != SCENARIO_SCHEMA_VERSION:
                raise ValueError(f"Scenario field 'schema_version': version {version!r} is not supported; expected "
                                 f"{SCENARIO_SCHEMA_VERSION} (a file written by another version of the toolkit?)")
        known = {f.name for f in fields(cls)}
        data = _with_replaced_clauses(data)
        unknown = sorted(set(data) - known - {"schema_version"}, key=str)
        if unknown:
            guess = difflib.get_close_matches(str(unknown[0]), sorted(known), n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            raise ValueError(f"Scenario field '{unknown[0]}' is unknown{hint}; expected some of "
                             f"{', '.join(sorted(known))}")
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_json(self) -> str:
        """The scenario as the text of a scenario file (versioned, see :data:`SCENARIO_JSON_SCHEMA`)."""
        return json.dumps({"schema_version": SCENARIO_SCHEMA_VERSION, **self.to_dict()}, indent=2,
                          ensure_ascii=False, allow_nan=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Scenario":
        """Parse the text of a scenario file (ValueError saying what is wrong, never eval)."""
        if not text.strip():
            raise ValueError("the file is empty; expected a JSON object such as {\"profile\": \"small\"}")
        try:
            data = json.loads(text, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
                raise ValueError(f"not a valid JSON scenario: the text stops before the JSON is complete "
                                 f"({exc.msg}); was the file cut short? Expected a whole JSON object ending "
                                 "with '}'") from None
            raise ValueError(f"not a valid JSON scenario: {exc.msg} (line {exc.lineno}, column {exc.colno}); expected "
                             "a JSON object of scenario fields") from None
        except RecursionError:
            raise ValueError("not a valid JSON scenario: nested too deeply; expected a flat JSON object of scenario "
                             "fields") from None
        return cls.from_dict(data)

    @classmethod
    def load(cls, path) -> "Scenario":
        """Read a scenario file written by :meth:`save` (or by hand).

        Raises :class:`ScenarioFileError` (a ValueError) naming the file and the problem: not
        found, larger than 1 MB (checked before parsing, reading at most 1 MB + 1 byte), not
        UTF-8, not valid or truncated JSON, not an object, an unsupported ``schema_version``,
        an unknown field or a field with a bad value. The file is only parsed as JSON: it is
        never executed or unpickled.
        """
        path = Path(path)
        try:
            with open(path, "rb") as handle:
                raw = handle.read(SCENARIO_MAX_BYTES + 1)
        except FileNotFoundError:
            raise ScenarioFileError(path, "scenario file not found") from None
        except IsADirectoryError:
            raise ScenarioFileError(path, "this is a folder; expected a scenario file (.json)") from None
        except OSError as exc:
            raise ScenarioFileError(path, f"cannot read the file ({exc.strerror or exc})") from None
        if len(raw) > SCENARIO_MAX_BYTES:
            raise ScenarioFileError(path, "file is larger than 1 MB; a scenario file is a few hundred bytes")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScenarioFileError(path, f"not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8 "
                                          "JSON") from None
        try:
            return cls.from_json(text)
        except ValueError as exc:
            raise ScenarioFileError(path, str(exc)) from None

    def save(self, path) -> Path:
        """Write the scenario as a JSON file (versioned) and return its path.

        Atomic: the text goes to a temporary file in the same folder, is flushed to disk and
        then renamed over ``path``, so an existing file is either replaced whole or left as it
        was; the temporary file never stays behind (one left by a process killed while saving,
        older than a minute, is removed by the next save of the same name). A replaced file keeps
        its permissions (a private 0600 file stays private); a new one is 0644.
        """
        path = Path(path)
        folder = path.parent
        if not folder.is_dir():
            raise ScenarioFileError(path, f"the folder '{folder}' does not exist; expected an existing folder")
        text = self.to_json()
        _remove_leftovers(folder, path.name)
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            mode = 0o644  # mkstemp makes it private; a shared scenario is readable
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return path

    def check(self, dataset: Dataset) -> None:
        """Raise ValueError naming the field if an id is not in the dataset."""
        if self.profile not in dataset.profiles.index:
            raise ValueError(f"Scenario field 'profile': unknown profile '{self.profile}'; expected one of "
                             f"{', '.join(dataset.profiles.index)}")
        for name, table in (("services", dataset.services), ("clauses", dataset.clauses)):
            for item in getattr(self, name) or ():
                if item not in table.index:
                    replaced = f" ({REPLACED_CLAUSES[item][1]})" if name == "clauses" and item in REPLACED_CLAUSES else ""
                    raise ValueError(f"Scenario field '{name}': unknown id '{item}'{replaced}; expected some of "
                                     f"{', '.join(table.index)}")


def _remove_leftovers(folder: Path, name: str, age: float = 60.0) -> None:
    """Remove the temporary files a killed save of ``name`` left in ``folder`` (older than ``age`` s)."""
    now = time.time()
    for leftover in folder.glob(f".{glob.escape(name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > age:
                leftover.unlink()


# --- what each number field may hold: one table for the validation and the JSON Schema -----


@dataclass(frozen=True)
class NumberRange:
    """The values a number field of :class:`Scenario` accepts: ``low`` to ``high``.

    ``above_low``: ``low`` itself is refused (a multiplier of 0 would erase a cost rather
    than scale it); ``whole``: a whole number; ``unit``: named in the error message;
    ``or_none``: ``None`` is accepted too (and means something else, see the field).
    """

    low: float
    high: float
    above_low: bool = False
    whole: bool = False
    unit: str = ""
    or_none: bool = False

    def accepts(self, value) -> bool:
        if value is None:
            return self.or_none
        if not _finite_number(value) or value > self.high:
            return False
        if value < self.low or (self.above_low and value == self.low):
            return False
        return not self.whole or value == int(value)

    def normalise(self, value):
        """The stored value: an int for a whole number, else a float (None stays None)."""
        if value is None:
            return None
        return int(value) if self.whole else float(value)

    def in_words(self) -> str:
        """What the field expects, for an error message: 'a number above 0 and at most 100'."""
        kind = "a whole number" if self.whole else "a number"
        unit = f" of {self.unit}" if self.unit else ""
        limits = (f"above {_plain(self.low)} and at most {_plain(self.high)}" if self.above_low
                  else f"from {_plain(self.low)} to {_plain(self.high)}")
        return f"{'None or ' if self.or_none else ''}{kind}{unit} {limits}"

    def json_schema(self) -> dict:
        number = {"type": "integer" if self.whole else "number",
                  "exclusiveMinimum" if self.above_low else "minimum": self.low, "maximum": self.high}
        return {"oneOf": [{"type": "null"}, number]} if self.or_none else number


FIELD_RANGES = {
    "volume": NumberRange(0, 100, above_low=True),
    "horizon_months": NumberRange(1, 120, whole=True, unit="months"),
    "salary_multiplier": NumberRange(0, 10, above_low=True),
    "fee_multiplier": NumberRange(0, 10, above_low=True),
    "management_hours": NumberRange(0, 200),
    "transition_months": NumberRange(0, 24),
    "eur_per_risk_point": NumberRange(0, 1_000_000, unit="EUR", or_none=True),
}

# The scenario file format, as a JSON Schema (draft 2020-12), for people and other tools.
# The toolkit checks files with Scenario's own validation, which follows the same table.
SCENARIO_JSON_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "SMM outsourcing scenario",
    "description": "The inputs of one decision (toolkit.Scenario). Missing fields take their defaults; a file "
                   "without schema_version is read as the current version.",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": SCENARIO_SCHEMA_VERSION},
        "profile": {"type": "string", "minLength": 1, "description": "an id of profiles.csv"},
        "services": {"oneOf": [{"type": "null"}, {"type": "array", "minItems": 1, "uniqueItems": True,
                                                  "items": {"type": "string", "minLength": 1}}],
                     "description": "ids of services.csv; null for all of them"},
        "clauses": {"type": "array", "uniqueItems": True, "items": {"type": "string", "minLength": 1},
                    "description": "ids of clauses.csv"},
        "risk_appetite": {"enum": list(RISK_BANDS)},
        **{name: allowed.json_schema() for name, allowed in FIELD_RANGES.items()},
    },
}


class ScenarioFileError(ValueError):
    """A scenario file that cannot be read or is not a valid scenario.

    ``path`` is the file and ``problem`` what is wrong; ``str(error)`` says both.
    """

    def __init__(self, path, problem: str):
        self.path, self.problem = Path(path), problem
        super().__init__(f"{path}: {problem}")


def _finite_number(value) -> bool:
    """An int or float (not a bool) that is finite; False, not an error, for a huge int."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int with hundreds of digits, from a hand-edited file
        return False


# Clause ids of earlier versions: the id that takes their place when an old scenario file is
# read, and what to tell its owner.
REPLACED_CLAUSES = {
    "liability_cap_insurance": (
        "indemnity_insurance",
        "'liability_cap_insurance' was split in two: 'indemnity_insurance', the supplier's indemnity backed by "
        "its professional insurance, which protects the firm and is used in its place; and "
        "'supplier_liability_cap', the cap on its liability a supplier asks for, which shifts risk onto the firm: "
        "add it only if your contract has one"),
}


class ReplacedClauseWarning(UserWarning):
    """A scenario file names a clause of an earlier version; the clause that replaced it is used."""


def _with_replaced_clauses(data: dict) -> dict:
    """The scenario's fields with clause ids of earlier versions replaced (and a warning saying so)."""
    clauses = data.get("clauses")
    if not isinstance(clauses, list) or not any(isinstance(c, str) and c in REPLACED_CLAUSES for c in clauses):
        return data
    updated = []
    for clause in clauses:
        if isinstance(clause, str) and clause in REPLACED_CLAUSES:
            new, message = REPLACED_CLAUSES[clause]
            warnings.warn(message, ReplacedClauseWarning, stacklevel=5)  # the caller of Scenario.load
            clause = new
        if clause not in updated:
            updated.append(clause)
    return {**data, "clauses": updated}


def _unique_keys(pairs):
    """object_pairs_hook for json.loads: a key written twice in a hand-edited file is an error."""
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"Scenario field '{key}' appears twice; expected each field once")
        seen[key] = value
    return seen


def _plain(number: float) -> str:
    """100 -> '100', 1e6 -> '1,000,000', 0.5 -> '0.5'."""
    return f"{int(number):,}" if number == int(number) else f"{number:g}"
