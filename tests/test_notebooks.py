"""Every teaching notebook, English (notebooks/) and Italian (notebooks/it/), runs top to bottom in a
fresh kernel, is committed clean, is what `make notebooks` builds from notebooks/src/, and is the one
notebooks/manifest.yml lists (title, time, questions)."""
import html
import importlib.util
import io
import json
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import nbformat
import pytest
from conftest import run_notebook

ROOT = Path(__file__).resolve().parent.parent


def load_builder():
    """tools/build_notebooks.py as a module (the manifest reader and the builder)."""
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "tools" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_notebooks", module)
    spec.loader.exec_module(module)
    return module


MANIFEST = load_builder().load_manifest()
FOLDERS = {lang: ROOT / folder for lang, folder in MANIFEST.student_folders.items()}
NOTEBOOKS = [path for folder in FOLDERS.values() for path in sorted(folder.glob("*.ipynb"))]
EXPECTED = [entry.name for entry in MANIFEST.student()]
# What the first and the last cell of every notebook must say, per language.
SHAPE = {"en": {"objectives": "**You will:**", "time": "**Time:**", "restart": "Restart",
                "recap": "## Recap", "questions": "**Questions.**"},
         "it": {"objectives": "**Obiettivi:**", "time": "**Tempo:**", "restart": "Ricomincia",
                "recap": "## Riepilogo", "questions": "**Domande.**"}}
CHECKLIST_TITLE = {"en": "# Contract checklist", "it": "# Checklist del contratto"}
# The checklist marks the clauses the law requires (the art. 28 agreement, the written IP assignment).
CHECKLIST_REQUIRED = {"en": "**required by law**", "it": "**imposta dalla legge**"}


def lang_of(path: Path) -> str:
    return "it" if path.parent == FOLDERS["it"] else "en"


def label(path: Path) -> str:
    return f"{lang_of(path)}-{path.stem}"


def code_cells(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def comments(source: str) -> list[tuple[int, int, str]]:
    """The comments of a code cell: (line index, column, text), found by tokenize (a '#' in a string is no comment)."""
    return [(token.start[0] - 1, token.start[1], token.string)
            for token in tokenize.generate_tokens(io.StringIO(source).readline) if token.type == tokenize.COMMENT]


def without_comments(source: str) -> str:
    """A code cell with its comments dropped: a line keeps the code before its comment (right-stripped, so
    the spaces that align a comment do not count), and a line that held only a comment goes."""
    lines = source.splitlines()
    for line, column, _ in reversed(comments(source)):
        code = lines[line][:column].rstrip()
        if code:
            lines[line] = code
        else:
            del lines[line]
    return "\n".join(lines)


def english_words(comment: str) -> list[str]:
    """The lower-case words of a comment outside its quoted strings and brackets (what a translation must
    change; units such as EUR stay)."""
    return re.findall(r"\b[a-z]{3,}\b", re.sub(r"\"[^\"]*\"|'[^']*'|\([^)]*\)|\{[^}]*\}", "", comment))


def test_comments_are_dropped_by_tokens_not_by_hash_signs():
    code = 'x = "#1"  # the first\n# only a comment\ny = 2   # EUR\nz = {"a": "b#c"}'
    assert without_comments(code) == 'x = "#1"\ny = 2\nz = {"a": "b#c"}'
    translated = 'x = "#1"  # il primo\n# solo un commento\ny = 2 # EUR\nz = {"a": "b#c"}'
    assert without_comments(translated) == without_comments(code)
    assert without_comments(code.replace('"#1"', '"#2"')) != without_comments(code), "code in a string still counts"
    assert english_words('# {"...", "..."} or set()') == ["set"] and english_words('# "en" | "it"') == []
    assert english_words("# EUR/h") == [] and english_words("# months") == ["months"]


@pytest.mark.parametrize("lang", FOLDERS)
def test_all_teaching_notebooks_are_there(lang):
    assert [p.stem for p in sorted(FOLDERS[lang].glob("*.ipynb"))] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=label)
def test_committed_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name}: clear the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=label)
def test_notebook_shape(path):
    """Short, with a title, objectives, time and restart advice up front, a recap at the end (followed
    only by the placeholder where students write their answers to its questions)."""
    words = SHAPE[lang_of(path)]
    notebook = nbformat.read(path, as_version=4)
    # The answer placeholders (markdown cells tagged "exercise" in the source) are where students
    # write, not more to read.
    import jupytext

    source = jupytext.read(ROOT / "notebooks" / "src" / lang_of(path) / path.name.replace(".ipynb", ".md"),
                           fmt="md:myst")
    placeholders = {cell.source.strip() for cell in source.cells
                    if cell.cell_type == "markdown" and "exercise" in cell.metadata.get("tags", [])}
    cells = [cell for cell in notebook.cells if cell.cell_type == "code" or cell.source.strip() not in placeholders]
    assert len(cells) <= 25
    first, last = cells[0].source, cells[-1].source
    assert first.startswith("# ")
    assert words["objectives"] in first and words["time"] in first and words["restart"] in first
    assert words["recap"] in last and words["questions"] in last


def test_notebooks_match_their_source():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_notebooks.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("entry", MANIFEST.student(), ids=lambda entry: entry.name)
@pytest.mark.parametrize("lang", FOLDERS)
def test_notebook_matches_its_manifest_entry(entry, lang):
    """The first heading holds the manifest's title, the time line its minutes; the checks asked are its questions."""
    notebook = nbformat.read(FOLDERS[lang] / f"{entry.name}.ipynb", as_version=4)
    first = notebook.cells[0].source
    assert first.splitlines()[0].startswith("# ") and entry.title[lang] in first.splitlines()[0]
    unit = {"en": "minutes", "it": "minuti"}[lang]
    assert f"{SHAPE[lang]['time']} {entry.minutes} {unit}" in first
    asked = [re.search(r'^check\("(\w+)"', cell.source, re.M).group(1) for cell in notebook.cells
             if cell.cell_type == "code" and re.search(r'^check\("(\w+)"', cell.source, re.M)]
    assert asked == list(entry.questions)


def test_every_question_is_asked_once_across_the_manifest():
    from toolkit.exercises import QUESTIONS

    asked = [question for entry in MANIFEST.entries for question in entry.questions]
    assert sorted(asked) == sorted(QUESTIONS)


def test_toolkit_holds_no_notebook_text():
    """What a notebook prints lives in its source: no notebook-specific strings in toolkit/i18n.py."""
    from toolkit.i18n import STRINGS

    assert not [key for key in STRINGS if key.startswith("nb_")]


@pytest.mark.parametrize("name", [entry.name for entry in MANIFEST.entries if len(entry.languages) > 1])
def test_italian_source_code_matches_english(name):
    """In the sources too (solutions included): code cells identical apart from the LANG line and the
    comments, which are translated (a comment with English words must not stay as it is in Italian)."""
    import jupytext

    english, italian = (jupytext.read(ROOT / "notebooks" / "src" / lang / f"{name}.md", fmt="md:myst") for lang in FOLDERS)
    assert [(c.cell_type, c.metadata.get("tags")) for c in italian.cells] == \
        [(c.cell_type, c.metadata.get("tags")) for c in english.cells]
    for en, it in zip(english.cells, italian.cells):
        if en.cell_type == "code":
            assert without_comments(it.source) == without_comments(en.source).replace('LANG = "en"', 'LANG = "it"'), \
                en.source[:80]
            untranslated = [text for _, _, text in comments(it.source)
                            if english_words(text) and text in {c for _, _, c in comments(en.source)}]
            assert not untranslated, f"{name}: comments left in English in the Italian notebook: {untranslated}"


@pytest.mark.parametrize("name", EXPECTED)
def test_italian_code_matches_english(name):
    """Same cells in the same order; code differs only in the set-up cell's LANG = "it"."""
    english, italian = (nbformat.read(FOLDERS[lang] / f"{name}.ipynb", as_version=4) for lang in FOLDERS)
    assert [c.cell_type for c in italian.cells] == [c.cell_type for c in english.cells]
    en_code, it_code = ([without_comments(source) for source in code_cells(FOLDERS[lang] / f"{name}.ipynb")]
                        for lang in ("en", "it"))
    differ = [(en, it) for en, it in zip(en_code, it_code) if en != it]
    assert len(differ) == 1, f"{name}: apart from comments, only the set-up cell may differ, {len(differ)} cells do"
    (en, it), = differ
    assert 'LANG = "en"' in en and it == en.replace('LANG = "en"', 'LANG = "it"')
    for en_md, it_md in zip(english.cells, italian.cells):
        if en_md.cell_type == "markdown":
            assert en_md.source != it_md.source, f"{name}: a markdown cell is not translated: {en_md.source[:80]!r}"


_ARTICLE = re.compile(r"\b(?:arts?|artt)\.\s+((?:\d+(?:\(\d+\))?(?:-bis)?(?:,\s*|\s+(?:and|e)\s+)?)+)")
_CASE_OR_ACT = re.compile(r"\bC-\d+/\d+|\b\d{3,4}/\d{2,4}\b")


def citations(text: str) -> set[str]:
    """The articles (e.g. '28(3)', '107') and the cases and acts (e.g. 'C-210/16') a text cites."""
    found = set(_CASE_OR_ACT.findall(text))
    for group in _ARTICLE.findall(text):
        found.update(re.findall(r"\d+(?:\(\d+\))?(?:-bis)?", group))
    return found


@pytest.mark.parametrize("name", EXPECTED)
def test_italian_cells_cite_the_same_articles(name):
    english, italian = (nbformat.read(FOLDERS[lang] / f"{name}.ipynb", as_version=4) for lang in FOLDERS)
    for en, it in zip(english.cells, italian.cells):
        if en.cell_type == "markdown":
            assert citations(it.source) == citations(en.source), en.source[:80]


def test_citations_helper():
    assert citations("LdA arts. 107 and 110; GDPR art. 28(3); CJEU C-210/16") == {"107", "110", "28(3)", "C-210/16"}
    assert citations("LdA artt. 107 e 110; l'art. 28(3) GDPR; CGUE C-210/16") == {"107", "110", "28(3)", "C-210/16"}


# Every chart a notebook shows (plots.describe_charts in the set-up cell) comes with an <img> whose alt text
# is in the notebook's language: its first word says "chart".
CHART_WORD = {"en": "Chart", "it": "Grafico"}


def charts_without_alt_text(notebook, lang: str) -> list[str]:
    """What is wrong with each picture output (image/png) of an executed notebook: no text/html beside
    it, no <img> with a non-empty alt, or an alt not in ``lang``."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            found = re.search(r'<img\b[^>]*\balt="([^"]*)"', data.get("text/html", ""))
            alt = html.unescape(found.group(1)).strip() if found else ""
            other = CHART_WORD["it" if lang == "en" else "en"]
            if not alt.startswith(CHART_WORD[lang]) or other in alt:
                problems.append(f"cell {index}: {alt or 'no alt text'!r}")
    return problems


def test_charts_without_alt_text_finds_a_bare_picture():
    """The check above can fail: a bare PNG, an empty alt, an English alt in an Italian notebook."""
    png = {"image/png": "iVBORw0KGgo="}
    outputs = [nbformat.v4.new_output("display_data", data=png),
               nbformat.v4.new_output("display_data", data={**png, "text/html": '<img alt="" src="x">'}),
               nbformat.v4.new_output("display_data", data={**png, "text/html": '<img alt="Chart: Costs." src="x">'}),
               nbformat.v4.new_output("display_data", data={**png, "text/html": '<img alt="Grafico: Costi." src="x">'})]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=outputs)])
    assert len(charts_without_alt_text(notebook, "it")) == 3
    assert len(charts_without_alt_text(notebook, "en")) == 3


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=label)
def test_notebook_runs_clean(path, tmp_path):
    # Run a copy in a temporary folder so that exports do not land in the repository.
    lang = lang_of(path)
    notebook, checks = run_notebook(path, tmp_path)
    assert not charts_without_alt_text(notebook, lang), f"{path.name}: a chart without alt text in {lang}"
    # Every graded question answers (unanswered: a hint, never an exception), and none is answered yet.
    assert len(checks) == len(MANIFEST.entry(path.stem).questions)
    assert not any("✔" in html for html in checks), f"{path.name}: a student notebook holds a right answer"
    if path.stem == "05_case_study":
        exported = {p.name for p in (tmp_path / "exports" / "case_study").iterdir()}
        assert {"evaluation.csv", "breakdown.csv", "scenario.json", "checklist.md", "savings_vs_risk.png"} <= exported
    if path.stem == "04_contract_clauses":
        text = (tmp_path / "exports" / "checklist.md").read_text(encoding="utf-8")
        assert CHECKLIST_TITLE[lang] in text and CHECKLIST_REQUIRED[lang] in text


def test_display_format_sets_the_table_number_format():
    """The set-up cell's i18n.display_format(LANG): 1,234.5 (en) or 1.234,5 (it) in every table."""
    import pandas as pd

    from toolkit import i18n

    table = pd.DataFrame({"eur": [12345.5, -0.25, float("nan")]})
    try:
        i18n.display_format("it")
        italian = table.to_string()
        i18n.display_format("en")
        english = table.to_string()
    finally:
        pd.reset_option("display.float_format")
    assert "12.345,5" in italian and "-0,25" in italian and "NaN" in italian
    assert "12,345.5" in english and "-0.25" in english
    assert i18n.table_number(1234567.0, "it") == "1.234.567" and i18n.table_number(-0.0) == "0"
    with pytest.raises(ValueError, match="lang"):
        i18n.display_format("fr")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=label)
def test_relative_links_resolve(path):
    """Links between notebooks and to the model work from notebooks/ and from notebooks/it/."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            for target in re.findall(r"\]\(([^)#\s]+)\)", cell.source):
                if "://" not in target:
                    assert (path.parent / target).exists(), f"{path.name}: broken link {target}"


@pytest.mark.browser
def test_italian_charts_have_alt_text_in_jupyterlab():
    """In a real JupyterLab, Run All on the Italian notebook 02: every chart is an <img> with alt text in
    Italian (the HTML output is the one Lab renders, not the bare PNG). About 12 s."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import browser_support as support

    support.require(support.browser_missing_reason(), "browser tests")
    with support.jupyter_lab() as lab, support.chromium() as browser, support.closing_page(browser) as page:
        try:
            support.open_in_lab(page, lab, "it/02_legal_risks.ipynb")
            support.run_all_in_lab(page)
            assert not support.page_problems(page), support.page_problems(page)
            # The charts plots draws (the dashboards' own, img.smm-chart, are checked by test_accessibility).
            pictures = page.locator(".jp-NotebookPanel .jp-OutputArea-output img:not(.smm-chart)")
            charts = [(img.evaluate("e => e.closest('.jp-OutputArea-output').dataset.mimeType"),
                       img.get_attribute("alt") or "") for img in pictures.all()]
            pictures.first.evaluate("e => e.scrollIntoView({block: 'start'})")
            support.screenshot(page, "lab-it-02-charts")
        finally:
            support.shut_down_lab_kernels(lab)
    assert len(charts) == 2 and {mime_type for mime_type, _alt in charts} == {"text/html"}, charts
    assert all(alt.startswith("Grafico: ") and "In verticale: " in alt for _mime_type, alt in charts), charts
