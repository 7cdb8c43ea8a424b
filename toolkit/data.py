"""Load and validate the data package (``data/``).

The tables are CSV files described by ``data/datapackage.json`` (a Frictionless data
package). Students edit them in a spreadsheet, so loading accepts what Excel writes
in an Italian locale as well as plain CSV:

* separator ``,`` or ``;`` (or tab), detected from the header line;
* in ``;``- or tab-separated files a decimal comma (``2,5``) and dots grouping the
  thousands (``1.500`` or ``1.234,56``); in ``,``-separated files a decimal point;
* UTF-8 with or without a byte-order mark, or Windows-1252 (Excel's plain "CSV").

Columns may come in any order and extra columns (a student's notes) are ignored.
Everything else that is wrong raises :class:`DataError` naming the file, the line and
the column, what was found and what was expected. Files are only read, never written.

The cells are checked against that Table Schema by the toolkit's own checker (the part of Table Schema the
package uses, reporting what Frictionless reports, without its ~1.5 s import in every kernel);
:func:`load_with_frictionless` checks them with Frictionless itself, the reference the tests compare with.

The schema used is always the toolkit's own (``data/datapackage.json`` beside this
package): it is the contract the model relies on, so a folder given to
:func:`load_dataset` needs only the CSV files.
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import math
import re
from decimal import Decimal
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

__all__ = ["DataError", "Dataset", "load_dataset", "load_with_frictionless", "with_profile", "BUNDLED_DATA", "TABLES"]

BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"
DESCRIPTOR = "datapackage.json"

# The tables of the package, each indexed by its primary key in datapackage.json.
TABLES = ("services", "legal_areas", "exposure", "clauses", "clause_effects", "costs", "profiles",
          "likelihood_levels", "impact_levels", "risk_bands", "uncertainty", "profile_adjustments",
          "requirements", "incident_losses", "enforcement")

# Tables whose rows are all optional: a header with no rows means "none" (no firm with an
# adjustment, no clause the law requires), not a damaged file.
_MAY_BE_EMPTY = ("profile_adjustments", "requirements")
_MAX_FILE_BYTES = 5_000_000  # a teaching table is a few kB; refuse to parse anything huge
# The largest magnitude any number of the data may have: ten billion (euros, hours, ...). The biggest real
# figure here is a fine cap of EUR 20 million; anything near 1e10 is a typing error (1e308 would even pass as a
# finite float and overflow the model's sums into inf).
PLAUSIBLE_MAX = 1e10
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^-?\d*,\d+$")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)  # what pandas reads too


class DataError(ValueError):
    """Bad data in one of the CSV files (or a missing file).

    Attributes: ``path`` (the file), ``line`` (1-based line in the file, or None),
    ``column`` (the column name, or None). ``str(error)`` says where, what was found and
    what was expected.
    """

    def __init__(self, message: str, path=None, line: int | None = None, column: str | None = None):
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        self.problem = message
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass(frozen=True)
class Dataset:
    """The tables of a data package, each a DataFrame indexed by its id.

    ``services``, ``legal_areas``, ``clauses``, ``profiles`` are indexed by ``id``;
    ``exposure`` by (``service_id``, ``area_id``); ``clause_effects`` by
    (``clause_id``, ``area_id``); ``costs`` by ``service_id``; ``likelihood_levels`` and
    ``impact_levels`` by ``level``; ``risk_bands`` by ``band``; ``uncertainty`` (the
    ranges of the Monte Carlo simulation) by ``input``; ``profile_adjustments`` by
    (``profile_id``, ``area_id``); ``requirements`` (the clauses the law requires for
    outsourcing a service) by (``service_id``, ``clause_id``); ``incident_losses`` (what an
    incident costs) by (``area_id``, ``size_class``); ``enforcement`` (the evidence the losses
    rest on) by ``case_id``.
    """

    services: pd.DataFrame
    legal_areas: pd.DataFrame
    exposure: pd.DataFrame
    clauses: pd.DataFrame
    clause_effects: pd.DataFrame
    costs: pd.DataFrame
    profiles: pd.DataFrame
    likelihood_levels: pd.DataFrame
    impact_levels: pd.DataFrame
    risk_bands: pd.DataFrame
    uncertainty: pd.DataFrame
    profile_adjustments: pd.DataFrame
    requirements: pd.DataFrame
    incident_losses: pd.DataFrame
    enforcement: pd.DataFrame
    path: Path = field(default=BUNDLED_DATA, compare=False)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(getattr(self, name))}" for name in TABLES)
        return f"Dataset({self.path}: {sizes})"


def copy_data(folder="my_data") -> Path:
    """Copy the bundled ``data/`` into ``folder`` (relative to the working folder: the notebook's) to edit it
    there, and return its path; then ``load_dataset(folder)`` loads the copy. The bundled tables stay as
    they are. An existing ``folder`` is never overwritten: its path is returned as it is (an edited copy
    is the student's work)."""
    import shutil

    target = Path(folder)
    if target.exists():
        if not target.is_dir():
            raise DataError("a file with this name exists; expected a folder to copy the data into", target)
        return target
    shutil.copytree(BUNDLED_DATA, target, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    return target


def load_dataset(path=None) -> Dataset:
    """Load and validate the data package in ``path`` (``None``: the bundled ``data/``)."""
    return _load(path, frictionless=False)


def load_with_frictionless(path=None) -> Dataset:
    """:func:`load_dataset`, with the Table Schema checked by Frictionless (the reference implementation)
    instead of the toolkit's own checker: the same tables and the same DataError, at about 1.5 s more CPU
    (it imports jsonschema). For the tests, and for anyone who wants the second opinion."""
    return _load(path, frictionless=True)


def _load(path, frictionless: bool) -> Dataset:
    folder = BUNDLED_DATA if path is None else Path(path)
    if not folder.is_dir():
        raise DataError(f"no such folder; expected a folder holding the CSV files {_csv_names()}", folder)
    descriptor = _descriptor()
    resources = {r["name"]: r for r in descriptor["resources"]}
    raw = {}
    for name, resource in resources.items():
        raw[name] = _read_table(folder / resource["path"], resource["schema"], may_be_empty=name in _MAY_BE_EMPTY)
    check = _check_with_frictionless if frictionless or not _checker_supports(resources) else _check_tables
    _raise_first_problem(resources, raw, check(resources, raw))
    tables = {name: _to_frame(raw[name], resources[name]["schema"]) for name in resources}
    _check_across_tables(resources, tables, raw)
    return Dataset(**tables, path=folder)


# --- reading -----------------------------------------------------------------------


def _descriptor() -> dict:
    with open(BUNDLED_DATA / DESCRIPTOR, encoding="utf-8") as handle:
        return json.load(handle)


def _schema(table: str) -> dict:
    """The Table Schema of one table of the package (fields, keys, constraints)."""
    return next(r["schema"] for r in _descriptor()["resources"] if r["name"] == table)


def _csv_names() -> str:
    return ", ".join(r["path"] for r in _descriptor()["resources"])


@dataclass
class _RawTable:
    path: Path
    header: list[str]
    rows: list[list[str]]  # cells in schema order, numbers normalised to a decimal point
    lines: list[int]  # the file line each row starts on


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel's plain "CSV" format on Windows writes Windows-1252.
        return data.decode("cp1252", errors="strict")


def _read_table(path: Path, schema: dict, may_be_empty: bool = False) -> _RawTable:
    if not path.is_file():
        raise DataError(f"file is missing; expected {path.name} with the columns "
                        f"{', '.join(f['name'] for f in schema['fields'])}", path)
    data = path.read_bytes()
    if len(data) > _MAX_FILE_BYTES:
        raise DataError(f"file is {len(data):,} bytes; expected a small table (at most {_MAX_FILE_BYTES:,})", path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\x00") > 2:
        # Excel's "Unicode text" (UTF-16): every other byte is zero; decoded as UTF-8 the names come out garbled.
        raise DataError("the file is saved as 'Unicode text' (UTF-16); in Excel use File > Save As > "
                        "'CSV UTF-8 (comma delimited) (*.csv)' (LibreOffice: Text CSV, character set UTF-8)", path)
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise DataError(f"cannot read the text ({exc.reason}); save it as 'CSV UTF-8'", path) from None
    if not text.strip():
        raise DataError("file is empty; expected a header line and at least one row", path, line=1)

    first_line = text.lstrip("\ufeff").splitlines()[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    decimal_comma = delimiter != ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    parsed, lines = [], []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):  # Excel leaves ';;;;' lines under a table
                parsed.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"the file is not valid CSV ({exc}); check the quotes on this line",
                        path, line=reader.line_num) from None

    header = [cell.strip().lstrip("\ufeff") for cell in parsed[0]]
    names = [f["name"] for f in schema["fields"]]
    missing = [name for name in names if name not in header]
    if missing:
        name = missing[0]
        guess = difflib.get_close_matches(name, [h for h in header if h not in names], n=1)
        hint = f" (was it renamed to '{guess[0]}'?)" if guess else (
            " (the column names stay as in the bundled file, in English and without spaces, whatever the "
            "language of the lab: rename the column back)" if header else "")
        raise DataError(f"column '{name}' is missing{hint}; expected the columns {', '.join(names)}",
                        path, line=lines[0], column=name)
    duplicated = sorted({h for h in header if header.count(h) > 1 and h in names})
    if duplicated:
        raise DataError(f"column '{duplicated[0]}' appears twice; expected it once", path,
                        line=lines[0], column=duplicated[0])
    if len(parsed) < 2 and not may_be_empty:
        raise DataError("no data rows; expected at least one row under the header", path, line=lines[0])

    position = [header.index(name) for name in names]
    numeric = [f["type"] in ("number", "integer") for f in schema["fields"]]
    rows = []
    for row, line in zip(parsed[1:], lines[1:]):
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            raise DataError(f"this row has {len(row)} cells but the header has {len(header)} columns; expected one "
                            "cell per column (check for a separator inside a value; put such values in quotes)",
                            path, line=line)
        cells = []
        for spec, pos, is_number in zip(schema["fields"], position, numeric):
            cell = row[pos].strip() if pos < len(row) else ""
            if is_number and decimal_comma:
                cell = _normalise_number(cell)
            if is_number and _unusable_number(cell):
                # The schema check takes 'NaN', 'inf', '1_000' and digits of other scripts for numbers (Python's
                # Decimal and int do); the model cannot use them.
                expected = _TYPE_WORDS[spec["type"]]
                raise DataError(f"found '{cell}' where {expected} belongs; expected {expected}{_unit(spec)}",
                                path, line=line, column=spec["name"])
            if is_number and _too_large(cell):
                raise DataError(f"found '{cell}', far beyond any plausible value; expected a number of at most "
                                f"{PLAUSIBLE_MAX:,.0f} in size{_unit(spec)} (a typing error?)",
                                path, line=line, column=spec["name"])
            cells.append(cell)
        rows.append(cells)
    return _RawTable(path, names, rows, lines[1:])


def _too_large(cell: str) -> bool:
    try:
        return abs(float(cell)) > PLAUSIBLE_MAX
    except ValueError:
        return False


def _unusable_number(cell: str) -> bool:
    """True for text the schema check takes for a number but the model cannot use: non-finite ('NaN', 'inf',
    '1e999', 'sNaN') or not written with the plain digits 0-9 ('1_000', Arabic-Indic digits). Empty cells and
    text that is no number at all are left to the schema check, which reports them."""
    if _PLAIN_NUMBER.fullmatch(cell):
        return not math.isfinite(float(cell))
    for parse in (float, Decimal):
        try:
            parse(cell)
            return True
        except (ValueError, ArithmeticError):
            pass
    return False


def _normalise_number(cell: str) -> str:
    """'1.234,5' -> '1234.5' and '2,5' -> '2.5' (Italian-locale spreadsheets)."""
    if _THOUSANDS.match(cell):
        return cell.replace(".", "").replace(",", ".")
    if _DECIMAL_COMMA.match(cell):
        return cell.replace(",", ".")
    return cell


# --- validation ----------------------------------------------------------------------
#
# The cells are checked against the Table Schema of datapackage.json (types, constraints, primary and foreign
# keys) by a small checker below that implements the part of Table Schema the package uses, the way Frictionless
# (its reference implementation) does: same problems, in the same order, with the same notes. Frictionless itself
# is not imported when loading: through jsonschema's format checker it costs about a second and a half of CPU
# per process, paid again by every student's kernel. It stays the reference: load_with_frictionless() runs it,
# and the tests check that both agree on every bad input they know. A descriptor using anything the checker does
# not implement is handed to Frictionless.


@dataclass
class _Problem:
    """One problem with the cells, as Table Schema reports it (the fields of a Frictionless error)."""

    type: str  # type-error, constraint-error, unique-error, primary-key, foreign-key, blank-row
    row_number: int  # the header is row 1
    field_name: str | None = None
    cell: str | None = None
    cells: list | None = None
    note: str = ""
    message: str = ""


_LIMIT_PROBLEMS = 1000  # per table, as Frictionless's default limit_errors
_FIELD_KEYS = {"name", "type", "description", "title", "constraints", "example", "rdfType"}
_CONSTRAINTS = {  # Frictionless's order of checks, per type
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "number": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "integer": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
}
_SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues"}


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value or [])


def _checker_supports(resources: dict) -> bool:
    """Whether every schema uses only what _cell_reader and _check_table implement."""
    for resource in resources.values():
        schema = resource["schema"]
        if set(schema) - _SCHEMA_KEYS:
            return False
        for spec in schema["fields"]:
            if set(spec) - _FIELD_KEYS or spec.get("format", "default") != "default" \
                    or spec.get("type", "string") not in _CONSTRAINTS \
                    or set(spec.get("constraints", {})) - set(_CONSTRAINTS[spec.get("type", "string")]) - {"unique"}:
                return False
        for key in schema.get("foreignKeys", []):
            if key["reference"].get("resource") not in resources:
                return False
    return True


def _read_value(kind: str, cell):
    """A cell (or a constraint's value) as Frictionless types it; None where it is not of the type."""
    if kind == "string":
        return cell if isinstance(cell, str) else None
    if isinstance(cell, str):
        cell = cell.strip()
        try:
            return Decimal(cell) if kind == "number" else int(cell)
        except Exception:  # noqa: BLE001 - exactly Frictionless's rule: anything Decimal()/int() refuses
            return None
    if cell is True or cell is False:
        return None
    if kind == "number":
        return cell if isinstance(cell, (int, Decimal)) else Decimal(str(cell)) if isinstance(cell, float) else None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return None


def _in_bound(compare, bound, value) -> bool:
    if value is None:
        return True
    if value != value:  # NaN
        return False
    return bool(compare(value, bound))


def _cell_reader(spec: dict, missing_values: list):
    """cell -> (value, {check: note}) for one field: its type, then its constraints in Frictionless's order."""
    import operator

    kind = spec.get("type", "string")
    constraints = spec.get("constraints", {})
    checks = {}
    for name in _CONSTRAINTS[kind]:
        bound = constraints.get(name)
        if bound is None:
            continue
        if name == "required":
            checks[name] = (lambda flag: lambda value: not (flag and value is None))(bound)
        elif name in ("minLength", "maxLength"):
            compare = operator.ge if name == "minLength" else operator.le
            checks[name] = (lambda c, b: lambda value: value is None or c(len(value), b))(compare, bound)
        elif name == "pattern":
            checks[name] = (lambda regex: lambda value: value is None or bool(regex.match(value)))(
                re.compile(f"^{bound}$"))
        elif name == "enum":
            checks[name] = (lambda allowed: lambda value: value is None or value in allowed)(
                [_read_value(kind, option) for option in bound])
        else:
            compare = {"minimum": operator.ge, "maximum": operator.le,
                       "exclusiveMinimum": operator.gt, "exclusiveMaximum": operator.lt}[name]
            checks[name] = (lambda c, b: lambda value: _in_bound(c, b, value))(compare, _read_value(kind, bound))
    type_note = f'type is "{kind}/default"'

    def read(cell):
        notes = {}
        value = None if str(cell) in missing_values else cell
        if value is not None:
            value = _read_value(kind, value)
            if value is None:
                notes["type"] = type_note
        if not notes:
            for name, check in checks.items():
                if not check(value):
                    notes[name] = f'constraint "{name}" is "{constraints[name]}"'
        return value, notes

    return read


class _Row:
    """One row's typed values and problems, filled in the order Frictionless fills them: a field when it is
    first asked for (the unique, key and foreign-key fields first), the others when the problems are asked for."""

    def __init__(self, cells: list, names: list, readers: dict, row_number: int):
        self.cells, self.names, self.readers, self.number = cells, names, readers, row_number
        self.values, self.blank, self.problems, self.complete = {}, set(), [], False

    def __getitem__(self, name):
        if name not in self.values:
            cell = self.cells[self.names.index(name)]
            value, notes = self.readers[name](cell)
            type_note = notes.pop("type", None)
            if value is None and not type_note:
                self.blank.add(name)
            if type_note:
                self.problems.append(_Problem("type-error", self.number, name, str(cell), self.cells, type_note))
            for note in notes.values():
                self.problems.append(_Problem("constraint-error", self.number, name, str(cell), self.cells, note))
            self.values[name] = value
        return self.values[name]

    def all_problems(self) -> list:
        if not self.complete:
            for name in self.names:
                self[name]
            if len(self.blank) == len(self.names):
                self.problems = [_Problem("blank-row", self.number, cells=self.cells,
                                          message=f'Row at position "{self.number}" is completely blank')]
            self.complete = True
        return self.problems


def _check_tables(resources: dict, raw: dict) -> dict:
    """{table: [_Problem, ...]} from the Table Schema of each table (the fast path of load_dataset)."""
    readers = {}
    for name, resource in resources.items():
        schema = resource["schema"]
        missing = _as_list(schema.get("missingValues", [""]))
        readers[name] = {spec["name"]: _cell_reader(spec, missing) for spec in schema["fields"]}
    lookups = {}  # (table, key fields) -> the set of their values, as Frictionless's lookup
    for resource in resources.values():
        for key in resource["schema"].get("foreignKeys", []):
            source, fields = key["reference"]["resource"], tuple(_as_list(key["reference"]["fields"]))
            if (source, fields) not in lookups:
                table, names = raw[source], raw[source].header
                values = set()
                for number, cells in enumerate(table.rows, start=2):
                    row = _Row(cells, names, readers[source], number)
                    found = tuple(row[f] for f in fields)
                    if set(found) != {None}:
                        values.add(found)
                lookups[(source, fields)] = values
    return {name: _check_table(resource["schema"], raw[name], readers[name], lookups)
            for name, resource in resources.items()}


def _check_table(schema: dict, table: _RawTable, readers: dict, lookups: dict) -> list:
    names = table.header
    unique = {spec["name"]: {} for spec in schema["fields"] if spec.get("constraints", {}).get("unique")}
    primary_key, seen_keys = _as_list(schema.get("primaryKey")), {}
    foreign_keys = [(tuple(_as_list(k["fields"])), k["reference"]["resource"],
                     tuple(_as_list(k["reference"]["fields"]))) for k in schema.get("foreignKeys", [])]
    problems = []
    for number, cells in enumerate(table.rows, start=2):
        row = _Row(cells, names, readers, number)
        for name, seen in unique.items():
            value = row[name]
            if value is not None:
                earlier = seen.get(value)
                seen[value] = number
                if earlier:
                    row.all_problems().append(_Problem("unique-error", number, name, str(value), cells,
                                                       f"the same as in the row at position {earlier}"))
        if primary_key:
            key = tuple(row[name] for name in primary_key)
            if set(key) == {None}:
                row.all_problems().append(_Problem("primary-key", number, cells=cells,
                                                   note='cells composing the primary keys are all "None"'))
            else:
                earlier = seen_keys.get(key)
                seen_keys[key] = number
                if earlier:
                    row.all_problems().append(_Problem("primary-key", number, cells=cells,
                                                       note=f"the same as in the row at position {earlier}"))
        for fields, source, source_fields in foreign_keys:
            values = tuple(row[name] for name in fields)
            if set(values) != {None} and values not in lookups[(source, source_fields)]:
                note = (f'for "{", ".join(fields)}": values "{", ".join(str(v) for v in values)}" not found in '
                        f'the lookup table "{source}" as "{", ".join(source_fields)}"')
                row.all_problems().append(_Problem("foreign-key", number, cells=cells, note=note))
        problems.extend(row.all_problems())
        if len(problems) >= _LIMIT_PROBLEMS:
            return problems[:_LIMIT_PROBLEMS]
    return problems


def _check_with_frictionless(resources: dict, raw: dict) -> dict:
    """{table: [_Problem, ...]} as Frictionless reports them (the reference; imports jsonschema)."""
    from frictionless import Package, Resource, Schema

    package = Package(resources=[
        Resource(name=name, data=[raw[name].header] + raw[name].rows,
                 schema=Schema.from_descriptor(resource["schema"]))
        for name, resource in resources.items()
    ])
    report = package.validate()
    found = {name: [] for name in resources}
    for task in report.tasks:
        found[task.name] = [_Problem(e.type, getattr(e, "row_number", None), getattr(e, "field_name", None) or None,
                                     getattr(e, "cell", None), getattr(e, "cells", None), e.note, e.message)
                            for e in task.errors]
    return found


def _raise_first_problem(resources: dict, raw: dict, problems: dict) -> None:
    """DataError for the first table with a problem: its first problem, and how many more there are."""
    for name, found in problems.items():
        if not found:
            continue
        table, schema = raw[name], resources[name]["schema"]
        # A duplicated primary key is reported twice (unique-error and primary-key): count it once.
        distinct = {(p.row_number, "duplicate" if p.type in ("unique-error", "primary-key") else (p.type, p.field_name))
                    for p in found}
        first, rest = found[0], len(distinct) - 1
        message = _explain(first, schema, table)
        if rest:
            message += f" (and {rest} more problem{'s' if rest > 1 else ''} in this file)"
        row_number = first.row_number
        line = table.lines[row_number - 2] if row_number and row_number >= 2 else None
        column = first.field_name or None
        if first.type == "foreign-key":
            column = _foreign_key_column(first, schema)
        raise DataError(message, table.path, line=line, column=column)


_TYPE_WORDS = {"number": "a number", "integer": "a whole number", "string": "text"}


def _explain(error, schema: dict, table: _RawTable | None = None) -> str:
    fields = {f["name"]: f for f in schema["fields"]}
    cell = getattr(error, "cell", None)
    name = getattr(error, "field_name", None)
    spec = fields.get(name, {})
    constraints = spec.get("constraints", {})
    if error.type == "type-error":
        expected = _TYPE_WORDS.get(spec.get("type"), spec.get("type"))
        return f"found '{cell}' where {expected} belongs; expected {expected}{_unit(spec)}"
    if error.type == "constraint-error":
        note = error.note
        if '"required"' in note:
            return "this cell is empty; expected a value" + (
                " (a citation, or the word 'assumption')" if name == "source" else "")
        if '"minimum"' in note or '"maximum"' in note:
            low, high = constraints.get("minimum"), constraints.get("maximum")
            if low is not None and high is not None:
                return f"found {cell}; expected a value from {low} to {high}"
            if low is not None:
                return f"found {cell}; expected {'a value of at least ' + str(low) if low else 'zero or more (no negative values)'}"
            return f"found {cell}; expected at most {high}"
        if '"enum"' in note:
            return f"found '{cell}'; expected one of {', '.join(constraints['enum'])}"
        if '"pattern"' in note:
            if constraints.get("pattern") == "[a-z][a-z0-9_]*":
                return f"found '{cell}'; expected an id of lower-case letters, digits and '_' (for example 'my_service')"
            described = spec.get("description", "").split(";")[0].rstrip(".")
            return f"found '{cell}', not in the form this column needs; expected what datapackage.json says of it: " \
                   f"{described or 'text matching ' + constraints['pattern']}"
        return f"found '{cell}'; {note}"
    if error.type in ("unique-error", "primary-key"):
        if error.type == "unique-error":
            key, values = [name], [cell]
        else:  # the cells are in schema order (see _read_table)
            names, cells = [f["name"] for f in schema["fields"]], list(getattr(error, "cells", None) or [])
            key = schema["primaryKey"]
            values = [cells[names.index(k)] for k in key if names.index(k) < len(cells)]
        label = ", ".join(key)
        earlier = re.search(r"position (\d+)", error.note or "")  # frictionless counts the header as row 1
        where = f" ({error.note})"
        if earlier and table is not None and 2 <= int(earlier.group(1)) <= len(table.lines) + 1:
            where = f" (it is already on line {table.lines[int(earlier.group(1)) - 2]})"
        shown = ", ".join(f"'{value}'" for value in values)
        return f"duplicate {label} {shown}; expected each {label} to appear once{where}"
    if error.type == "foreign-key":
        return f"{error.note}; expected an id that exists in the referenced table"
    if error.type == "blank-row":
        return ("this row has text only in columns the table does not use; expected values in its columns "
                f"{', '.join(fields)} (or delete the row)")
    if error.type == "missing-cell":
        return f"this row has no value for '{name}'; expected one"
    return error.message


def _unit(spec: dict) -> str:
    match = re.search(r"Unit: ([^.]+)\.", spec.get("description", ""))
    return f" ({match.group(1)})" if match else ""


def _foreign_key_column(error, schema: dict) -> str | None:
    match = re.search(r'for "([^"]+)"', error.note)
    if match:
        return match.group(1).split(",")[0].strip()
    keys = schema.get("foreignKeys", [])
    return keys[0]["fields"] if keys else None


# --- DataFrames and checks the schema cannot express -----------------------------------


def _to_frame(table: _RawTable, schema: dict) -> pd.DataFrame:
    # Built in one go from typed columns (setting the columns one by one was most of the load's time). The cells
    # passed the checks: integers are whole, numbers plain (an empty one is a missing value), the rest text.
    columns = list(zip(*table.rows)) if table.rows else [()] * len(table.header)
    data = {}
    for spec, values in zip(schema["fields"], columns):
        if spec["type"] == "integer":
            data[spec["name"]] = pd.array([int(v) for v in values], dtype="int64")
        elif spec["type"] == "number":
            data[spec["name"]] = pd.array([float(v) if v != "" else math.nan for v in values], dtype="float64")
        else:
            data[spec["name"]] = pd.array(list(values), dtype=str)
    frame = pd.DataFrame(data, columns=table.header)
    return frame.set_index(schema["primaryKey"]).sort_index()


def _check_across_tables(resources: dict, tables: dict, raw: dict) -> None:
    """Rules that span tables or rows, which Table Schema cannot state."""
    services = tables["services"].index
    missing = [s for s in services if s not in tables["costs"].index]
    if missing:
        raise DataError(f"no cost row for service '{missing[0]}'; expected one row per service in services.csv",
                        raw["costs"].path, column="service_id")
    for name in ("likelihood_levels", "impact_levels"):
        levels = sorted(tables[name].index)
        if levels != [1, 2, 3, 4, 5]:
            raise DataError(f"found levels {levels}; expected exactly the levels 1, 2, 3, 4, 5",
                            raw[name].path, column="level")
    bands = tables["risk_bands"].sort_values("min_score")
    expected_start = 0
    for band, row in bands.iterrows():
        line = next(line for r, line in zip(raw["risk_bands"].rows, raw["risk_bands"].lines) if r[0] == band)
        if row.min_score != expected_start or row.max_score < row.min_score:
            raise DataError(f"band '{band}' covers {row.min_score}-{row.max_score}; expected bands that cover "
                            f"0-25 without gaps or overlaps (this one should start at {expected_start})",
                            raw["risk_bands"].path, line=line, column="min_score")
        expected_start = row.max_score + 1
    if expected_start != 26:
        raise DataError(f"the bands stop at {expected_start - 1}; expected the highest band to end at 25",
                        raw["risk_bands"].path, column="max_score")
    uncertainty, table = tables["uncertainty"], raw["uncertainty"]
    enum = next(f for f in resources["uncertainty"]["schema"]["fields"] if f["name"] == "input")["constraints"]["enum"]
    absent = [name for name in enum if name not in uncertainty.index]
    if absent:
        raise DataError(f"no row for the input '{absent[0]}'; expected one row for each of {', '.join(enum)} "
                        "(set min_factor = mode_factor = max_factor = 1 to hold an input fixed)",
                        table.path, column="input")
    for cells, line in zip(table.rows, table.lines):
        row = uncertainty.loc[cells[0]]
        if not row.min_factor <= row.mode_factor <= row.max_factor:
            column = "mode_factor" if row.min_factor <= row.max_factor else "max_factor"
            raise DataError(f"input '{cells[0]}' has min {row.min_factor:g}, mode {row.mode_factor:g}, max "
                            f"{row.max_factor:g}; expected min_factor <= mode_factor <= max_factor",
                            table.path, line=line, column=column)
    _check_risk_tables(tables, raw)
    unused = [c for c in tables["clauses"].index if c not in tables["clause_effects"].index.get_level_values(0)]
    if unused:
        raise DataError(f"clause '{unused[0]}' has no row in clause_effects.csv; expected at least one legal "
                        "area it mitigates", raw["clause_effects"].path, column="clause_id")


def _check_risk_tables(tables: dict, raw: dict) -> None:
    """Both sides of each exposure row, the losses per size class, and the legal requirements."""
    exposure, table = tables["exposure"], raw["exposure"]
    for cells, line in zip(table.rows, table.lines):
        row = exposure.loc[(cells[0], cells[1])]
        if (row.inhouse_likelihood == 0) != (row.inhouse_impact == 0):
            raise DataError(f"({cells[0]}, {cells[1]}) has in-house likelihood {row.inhouse_likelihood} and impact "
                            f"{row.inhouse_impact}; expected both 0 (no risk in house) or both 1-5",
                            table.path, line=line, column="inhouse_impact")
    losses, table = tables["incident_losses"], raw["incident_losses"]
    for cells, line in zip(table.rows, table.lines):
        row = losses.loc[(cells[0], cells[1])]
        if not row.loss_low_eur <= row.loss_eur <= row.loss_high_eur:
            raise DataError(f"({cells[0]}, {cells[1]}) has losses low {row.loss_low_eur:g}, typical {row.loss_eur:g}, "
                            f"high {row.loss_high_eur:g}; expected loss_low_eur <= loss_eur <= loss_high_eur",
                            table.path, line=line, column="loss_eur")
    for size in sorted(set(tables["profiles"].size_class)):
        for area in tables["legal_areas"].index:
            if (area, size) not in losses.index:
                raise DataError(f"no row for legal area '{area}' and size class '{size}'; expected one row for each "
                                "legal area and each size class used in profiles.csv", table.path, column="size_class")
    acts = tables["clause_effects"]
    acts = acts[(acts.likelihood_steps > 0) | (acts.impact_steps > 0)]
    table = raw["requirements"]
    for cells, line in zip(table.rows, table.lines):
        service, clause = cells[0], cells[1]
        areas = set(acts.loc[clause].index) if clause in acts.index.get_level_values(0) else set()
        exposed = set(exposure.loc[service].index) if service in exposure.index.get_level_values(0) else set()
        if not areas & exposed:
            raise DataError(f"'{clause}' is required for '{service}' but lowers no risk the service has; expected a "
                            "clause that acts (clause_effects.csv) on a legal area in which the service is exposed "
                            "(exposure.csv)", table.path, line=line, column="clause_id")


def with_profile(dataset: Dataset, profile_id: str, *, name_en: str, name_it: str | None = None,
                 gross_salary_eur: float, oncost_multiplier: float, productive_hours_year: float,
                 turnover_eur: float, activity_volume: float, size_class: str | None = None,
                 description_en: str = "", description_it: str = "",
                 source: str = "assumption (case study)") -> Dataset:
    """A copy of ``dataset`` with one more company profile (for a case study).

    ``size_class`` (micro, small or medium: which losses of ``incident_losses.csv`` apply) is
    by staff headcount; when it is not given it follows the turnover ceilings of the same
    Commission Recommendation 2003/361/EC (micro up to EUR 2 million, small up to 10 million).
    Raises ValueError naming the field when a number is out of the range that
    ``profiles.csv`` allows (its constraints in ``datapackage.json``).
    """
    fields = {spec["name"]: spec.get("constraints", {}) for spec in _schema("profiles")["fields"]}
    values = dict(gross_salary_eur=gross_salary_eur, oncost_multiplier=oncost_multiplier,
                  productive_hours_year=productive_hours_year, turnover_eur=turnover_eur,
                  activity_volume=activity_volume)
    if not re.fullmatch(fields["id"]["pattern"], str(profile_id)):
        raise ValueError(f"profile_id: expected lower-case letters, digits and '_', got {profile_id!r}")
    for field_name, value in values.items():
        low, high = fields[field_name].get("minimum"), fields[field_name].get("maximum")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or (low is not None and value < low) or (high is not None and value > high):
            limits = f"from {low} to {high}" if high is not None else f"of at least {low}"
            raise ValueError(f"{field_name}: expected a number {limits}, got {value!r}")
    sizes = fields["size_class"]["enum"]
    if size_class is None:
        size_class = "micro" if turnover_eur <= 2_000_000 else "small" if turnover_eur <= 10_000_000 else "medium"
    if size_class not in sizes:
        raise ValueError(f"size_class: expected one of {', '.join(sizes)}, got {size_class!r}")
    row = pd.DataFrame([{"name_en": name_en, "name_it": name_it or name_en, "description_en": description_en,
                         "description_it": description_it or description_en, **values, "size_class": size_class,
                         "source": source}],
                       index=pd.Index([profile_id], name="id"))
    profiles = pd.concat([dataset.profiles.drop(index=profile_id, errors="ignore"), row[dataset.profiles.columns]])
    return replace(dataset, profiles=profiles.sort_index())
