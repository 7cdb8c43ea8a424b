"""Build the notebooks from their Markdown sources: ``make notebooks``.

The sources are MyST Markdown files, one per notebook and language, ``notebooks/src/<lang>/<name>.md``
(open one in JupyterLab, or any editor with a Markdown preview); ``notebooks/manifest.yml`` lists the
notebooks, their titles, times and questions. From them this script writes:

* the student notebooks, ``notebooks/*.ipynb`` (English) and ``notebooks/it/*.ipynb`` (Italian),
  without the cells tagged ``solution``, and the Voila app ``app/explorer.ipynb`` (committed);
* with ``--instructor [FOLDER]``: the instructor edition (``make instructor``, git-ignored), with a
  banner, the ``solution`` cells in place of the ``exercise`` cells, and the teacher-only notebooks;
* the generated tables between ``<!-- notebooks:begin -->`` and ``<!-- notebooks:end -->`` in
  ``README.md`` and ``docs/teaching.md``, and notebook 00's map (``<!-- notebook-map -->``).

In a source, links are relative to the source file (``[costs](01_costs.md)``,
``[data](../../../data/clauses.csv)``), so they work in a Markdown preview; the builder rewrites them
relative to each notebook it writes, and fails on a link to a file that does not exist.

Cell ids come from the cell's text in the source (not from its position), so inserting a cell changes no
other cell. Each written notebook records a digest of its cells: a notebook edited by hand since it was
built is never overwritten; the builder says which cells differ and how to carry the edit into the source
(``--adopt`` does it for edited cells), or ``--force`` discards the edit.

Run: ``.venv/bin/python tools/build_notebooks.py [--check | --adopt | --force | --instructor [FOLDER]]``.
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "notebooks" / "manifest.yml"
SOURCES = ROOT / "notebooks" / "src"
GENERATED_DOCS = (ROOT / "README.md", ROOT / "docs" / "teaching.md")
MAP_MARKER = "<!-- notebook-map -->"
BLOCK = re.compile(r"(<!-- notebooks:begin[^>]*-->\n).*?(<!-- notebooks:end -->)", re.S)
LINK = re.compile(r"(\]\()([^)\s]+)(\))")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
EDITIONS = ("student", "instructor", "app")


class BuildError(Exception):
    """A source or the manifest is wrong, or a notebook was edited by hand: nothing was written."""


@dataclass(frozen=True)
class Entry:
    """One notebook of the manifest."""

    name: str
    title: dict
    does: dict
    minutes: int | None = None
    questions: tuple = ()
    edition: str = "student"
    languages: tuple = ("en", "it")
    output: str | None = None  # app only: where the notebook is written


@dataclass(frozen=True)
class Manifest:
    entries: tuple
    languages: tuple
    student_folders: dict
    instructor_folder: str
    instructor_banner: dict
    map_header: dict
    path: Path = field(default=MANIFEST)

    def student(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.edition == "student"]

    def entry(self, name: str) -> Entry:
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise KeyError(f"{name!r} is not in {self.path.name}")


def load_manifest(path: Path = MANIFEST) -> Manifest:
    """The manifest, checked: every field a notebook needs, every source file there."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"{path}: cannot read the manifest ({exc})") from None
    known = {f for f in Entry.__dataclass_fields__}
    entries, seen = [], set()
    for number, item in enumerate(raw.get("notebooks") or [], start=1):
        where = f"{path}: notebook {number} ({item.get('name', '?')})"
        unknown = set(item) - known
        if unknown:
            raise BuildError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(known))}")
        missing = {"name", "title", "does"} - set(item)
        if missing:
            raise BuildError(f"{where}: missing {', '.join(sorted(missing))}")
        entry = Entry(**{**item, "questions": tuple(item.get("questions") or ()),
                         "languages": tuple(item.get("languages") or raw["languages"])})
        if entry.edition not in EDITIONS:
            raise BuildError(f"{where}: edition must be one of {', '.join(EDITIONS)}, got {entry.edition!r}")
        if entry.name in seen:
            raise BuildError(f"{where}: the name {entry.name!r} is listed twice")
        if (entry.edition == "app") != bool(entry.output):
            raise BuildError(f"{where}: 'output' is for app notebooks, and an app notebook needs one")
        if entry.edition != "app" and not isinstance(entry.minutes, int):
            raise BuildError(f"{where}: minutes must be a whole number")
        for lang in entry.languages:
            for key in ("title", "does"):
                if not getattr(entry, key).get(lang):
                    raise BuildError(f"{where}: no {key} in {lang!r}")
            if not source_path(entry.name, lang).exists():
                raise BuildError(f"{where}: no source {_shown(source_path(entry.name, lang))}")
        seen.add(entry.name)
        entries.append(entry)
    return Manifest(tuple(entries), tuple(raw["languages"]), raw["student_folders"], raw["instructor_folder"],
                    raw["instructor_banner"], raw["map_header"], Path(path))


def source_path(name: str, lang: str) -> Path:
    return SOURCES / lang / f"{name}.md"


def output_path(manifest: Manifest, entry: Entry, lang: str, instructor_folder: Path | None = None) -> Path:
    """Where ``entry`` in ``lang`` is written: the instructor edition when ``instructor_folder`` is given."""
    if instructor_folder is not None:
        return Path(instructor_folder) / lang / f"{entry.name}.ipynb"
    if entry.edition == "app":
        return ROOT / entry.output
    return ROOT / manifest.student_folders[lang] / f"{entry.name}.ipynb"


def _shown(path: Path) -> str:
    """A path as messages show it: relative to the project when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _relative(target: Path, folder: Path) -> str:
    return Path(os.path.relpath(target, folder)).as_posix()


def _rewrite_links(text: str, where: str, source_dir: Path, output_dir: Path, outputs: dict) -> str:
    """Links relative to the source file -> relative to the written notebook (outputs: source -> notebook)."""
    def replace(match: re.Match) -> str:
        target = match.group(2)
        if "://" in target or target.startswith(("#", "mailto:")):
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = Path(os.path.normpath(source_dir / path))
        if resolved in outputs:
            resolved = outputs[resolved]
        elif resolved.suffix == ".md" and resolved.is_relative_to(SOURCES):
            raise BuildError(f"{where}: the link {target!r} points to a notebook this edition does not have")
        elif not resolved.exists():
            raise BuildError(f"{where}: the link {target!r} points to {resolved}, which does not exist")
        return f"{match.group(1)}{_relative(resolved, output_dir)}{'#' + anchor if anchor else ''}{match.group(3)}"
    return LINK.sub(replace, text)


def notebook_map(manifest: Manifest, lang: str, here: Entry) -> str:
    """The table of the student notebooks (all but ``here``): links to their sources, what they do, time."""
    header = manifest.map_header[lang]
    rows = [f"| {' | '.join(header)} |", "|---|---|---|"]
    for entry in manifest.student():
        if entry.name != here.name and lang in entry.languages:
            link = _relative(source_path(entry.name, lang), source_path(here.name, lang).parent)
            rows.append(f"| [{entry.name}]({link}) | {entry.does[lang]} | {entry.minutes} min |")
    return "\n".join(rows)


def cell_digests(cells) -> dict[str, str]:
    """What each cell says, by id, for telling a hand edit (outputs and execution counts do not count)."""
    return {cell.get("id", ""): hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:12]
            for cell in cells}


def _base_id(entry: Entry, source_cell) -> str:
    """A cell's id before de-duplication: from its text in the source, never from its position."""
    return f"{entry.name[:2]}-{hashlib.sha1(source_cell.source.encode()).hexdigest()[:8]}"


def build(manifest: Manifest, entry: Entry, lang: str, instructor_folder: Path | None = None) -> nbformat.NotebookNode:
    """One notebook in one language; with ``instructor_folder``, its instructor edition."""
    if lang not in entry.languages:
        raise BuildError(f"{entry.name} has no {lang!r} edition (manifest languages: {', '.join(entry.languages)})")
    instructor = instructor_folder is not None
    source = source_path(entry.name, lang)
    output = output_path(manifest, entry, lang, instructor_folder)
    outputs = {source_path(other.name, other_lang): output_path(manifest, other, other_lang, instructor_folder)
               for other in manifest.entries for other_lang in other.languages
               if other.edition == entry.edition or (instructor and other.edition == "student")}
    notebook = nbformat.v4.new_notebook()
    if instructor:
        notebook.cells.append(nbformat.v4.new_markdown_cell(manifest.instructor_banner[lang], id="banner"))
    seen: dict[str, int] = {}
    for index, cell in enumerate(jupytext.read(source, fmt="md:myst").cells, start=1):
        tags = list(cell.metadata.get("tags", []))
        if ("solution" in tags and not instructor) or ("exercise" in tags and instructor):
            continue
        # The id: the cell's text in the source, so that no other cell's id moves when one changes.
        base = _base_id(entry, cell)
        seen[base] = seen.get(base, 0) + 1
        cell_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        text = cell.source
        if cell.cell_type == "markdown":
            if MAP_MARKER in text:
                text = text.replace(MAP_MARKER, notebook_map(manifest, lang, entry))
            text = _rewrite_links(text, f"{_shown(source)} cell {index}", source.parent, output.parent,
                                  outputs)
            made = nbformat.v4.new_markdown_cell(text, id=cell_id)
        else:
            made = nbformat.v4.new_code_cell(text, id=cell_id)
            if tags:
                made.metadata["tags"] = tags
        notebook.cells.append(made)
    notebook.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"},
                         "smm_toolkit": {"note": "Built by `make notebooks` from this source: edit the source.",
                                         "source": source.relative_to(ROOT).as_posix(),
                                         "cells": cell_digests(notebook.cells)}}
    return notebook


def _text(notebook) -> str:
    return nbformat.writes(notebook) + "\n"


# --------------------------------------------------------------------------------------------
# Hand edits: detected by the digest, carried into the source by --adopt.

def hand_edit(path: Path) -> nbformat.NotebookNode | None:
    """The notebook at ``path`` if it was edited by hand since it was built (else None)."""
    if not path.exists():
        return None
    try:
        existing = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook is reported, not overwritten
        raise BuildError(f"{_shown(path)} is not a readable notebook ({exc}); move it away, then build "
                         "again") from None
    recorded = existing.metadata.get("smm_toolkit", {}).get("cells")
    return None if recorded == cell_digests(existing.cells) else existing


def _changed_cells(edited) -> tuple[list, list, list]:
    """The hand edits: (cells changed in place, ids of cells added, ids of cells removed) since the build."""
    recorded = edited.metadata.get("smm_toolkit", {}).get("cells") or {}
    now = cell_digests(edited.cells)
    changed = [cell for cell in edited.cells if cell.get("id") in recorded and now[cell.id] != recorded[cell.id]]
    added = [cell.get("id") or "(no id)" for cell in edited.cells if cell.get("id") not in recorded]
    removed = [cell_id for cell_id in recorded if cell_id not in now]
    return changed, added, removed


def describe_edit(path: Path, edited, built, source: Path) -> str:
    changed, added, removed = _changed_cells(edited)
    built_by_id = {cell.id: cell for cell in built.cells}
    lines = [f"{_shown(path)} was edited by hand since it was built: nothing was written."]
    for cell in changed:
        lines.append(f"  changed cell {cell.id} ({cell.cell_type}), against what the source gives now:")
        original = built_by_id.get(cell.id)
        if original is None:
            lines.append("    (this cell was changed in the source too: merge the two by hand)")
            continue
        lines += [f"    {line}" for line in difflib.unified_diff(original.source.splitlines(),
                                                                 cell.source.splitlines(), lineterm="", n=0)][3:]
    if added:
        lines.append(f"  new cells: {', '.join(added)}")
    if removed:
        lines.append(f"  removed cells: {', '.join(removed)}")
    lines.append(f"The notebook is built from {_shown(source)}. Carry the edit into that file and build "
                 "again;")
    if changed and not added and not removed:
        lines.append("or `make notebooks ADOPT=1` copies the changed cells into the source for you;")
    lines.append("or `make notebooks FORCE=1` builds anyway and discards the hand edit.")
    return "\n".join(lines)


def adopt(manifest: Manifest, entry: Entry, lang: str, edited, instructor_folder=None) -> Path:
    """Copy the cells changed by hand in a written notebook back into its Markdown source."""
    source = source_path(entry.name, lang)
    output = output_path(manifest, entry, lang, instructor_folder)
    changed, added, removed = _changed_cells(edited)
    if added or removed:
        raise BuildError(f"{_shown(output)}: cells were added or removed by hand; --adopt only carries "
                         f"changed cells. Copy them into {_shown(source)} by hand.")
    text = source.read_text(encoding="utf-8")
    source_cells = {}
    for cell in jupytext.read(source, fmt="md:myst").cells:
        source_cells.setdefault(_base_id(entry, cell), cell)
    back = {out: src for src, out in (
        (source_path(other.name, other_lang), output_path(manifest, other, other_lang, instructor_folder))
        for other in manifest.entries for other_lang in other.languages)}
    for cell in changed:
        original = source_cells.get(cell.id.rsplit("-", 1)[0] if cell.id.count("-") > 1 else cell.id)
        if original is not None and MAP_MARKER in original.source:
            raise BuildError(f"{_shown(output)}: cell {cell.id} holds the map of the lab, which is made from "
                             f"notebooks/manifest.yml: change the manifest, or the rest of the cell in "
                             f"{_shown(source)}, by hand")
        if original is None or text.count(original.source) != 1:
            raise BuildError(f"{_shown(output)}: cell {cell.id} cannot be found once in "
                             f"{_shown(source)}; copy the edit by hand")
        new = cell.source
        if cell.cell_type == "markdown":  # links back to the source's point of view
            new = LINK.sub(lambda m: m.group(0) if "://" in m.group(2) or m.group(2).startswith(("#", "mailto:"))
                           else m.group(1) + _relative(back.get(Path(os.path.normpath(output.parent / m.group(2))),
                                                                Path(os.path.normpath(output.parent / m.group(2)))),
                                                       source.parent) + m.group(3), new)
        text = text.replace(original.source, new)
    source.write_text(text, encoding="utf-8")
    return source


# --------------------------------------------------------------------------------------------
# The tables in README.md and docs/teaching.md.

def docs_table(manifest: Manifest) -> str:
    rows = ["| notebook | what students do | time |", "|---|---|---|"]
    rows += [f"| [`{e.name}`](notebooks/{e.name}.ipynb) | {e.does['en']} | {e.minutes} min |" for e in manifest.student()]
    total = sum(entry.minutes for entry in manifest.student())
    rows.append(f"| | all of them, every task | {total} min |")
    return "\n".join(rows) + "\n"


def docs_with_tables(manifest: Manifest) -> dict[Path, str]:
    """README.md and docs/teaching.md with their generated notebook tables brought up to date."""
    updated = {}
    for path in GENERATED_DOCS:
        text = path.read_text(encoding="utf-8")
        table = docs_table(manifest)
        if path.parent != ROOT:  # links from docs/ go one folder up
            table = table.replace("](notebooks/", "](../notebooks/")
        new, count = BLOCK.subn(lambda m: m.group(1) + table + m.group(2), text)
        if count != 1:
            raise BuildError(f"{_shown(path)}: expected one <!-- notebooks:begin --> ... "
                             "<!-- notebooks:end --> block")
        updated[path] = new
    return updated


# --------------------------------------------------------------------------------------------

def plan(manifest: Manifest, instructor_folder: Path | None = None) -> list[tuple[Entry, str, Path]]:
    """Every (notebook, language, path) one run writes."""
    if instructor_folder is not None:
        entries = [e for e in manifest.entries if e.edition in ("student", "instructor")]
    else:
        entries = [e for e in manifest.entries if e.edition in ("student", "app")]
    return [(entry, lang, output_path(manifest, entry, lang, instructor_folder))
            for entry in entries for lang in entry.languages]


def run(check: bool = False, force: bool = False, adopt_edits: bool = False, instructor_folder: Path | None = None,
        out=print) -> int:
    manifest = load_manifest()
    stale, edited = [], []
    for entry, lang, path in plan(manifest, instructor_folder):
        built = build(manifest, entry, lang, instructor_folder)
        text = _text(built)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        by_hand = None if force else hand_edit(path)
        if by_hand is not None and cell_digests(by_hand.cells) != cell_digests(built.cells):
            if adopt_edits and not check:
                out(f"carried the hand edit of {_shown(path)} into "
                    f"{_shown(adopt(manifest, entry, lang, by_hand, instructor_folder))}")
                built = build(manifest, entry, lang, instructor_folder)
                text = _text(built)
            else:
                edited.append(describe_edit(path, by_hand, built, source_path(entry.name, lang)))
                continue
        if check:
            stale.append(_shown(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        out(f"wrote {_shown(path)}")
    if instructor_folder is None:
        for path, text in docs_with_tables(manifest).items():
            if path.read_text(encoding="utf-8") != text:
                if check:
                    stale.append(_shown(path))
                else:
                    path.write_text(text, encoding="utf-8")
                    out(f"updated the notebook table in {_shown(path)}")
    for message in edited:
        out(message)
    if stale:
        out("out of date (run `make notebooks`):\n  " + "\n  ".join(stale))
    return 1 if stale or edited else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="write nothing; list what is out of date")
    group.add_argument("--adopt", action="store_true", help="carry cells edited by hand in a notebook into its source")
    group.add_argument("--force", action="store_true", help="overwrite notebooks edited by hand (the edits are lost)")
    parser.add_argument("--instructor", nargs="?", const=None, default=False, metavar="FOLDER",
                        help="write the instructor edition to FOLDER/en and FOLDER/it (default: instructor/)")
    args = parser.parse_args(argv)
    try:
        folder = None
        if args.instructor is not False:
            folder = Path(args.instructor or ROOT / load_manifest().instructor_folder).resolve()
        status = run(args.check, args.force, args.adopt, folder)
        if folder is not None and status == 0:
            print(f"instructor edition (with solutions, do not hand out) in {folder / 'en'} and {folder / 'it'}")
        return status
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
