"""Accessibility checked by a real tool: axe-core (npm, `make axe`) injected by Playwright into the `make app`
dashboard (Voila) and notebook 03 in JupyterLab. Zero serious or critical violations inside what the lab
draws; every chart image has alt text in the page's language. The full axe results are saved to test-artifacts/axe/<page>.json.

JupyterLab's own interface (menus, side bar) is not ours: in Lab only the notebook's output area is checked.
Skipped without Chromium or without axe-core (`make axe`); failed when CI=true.
"""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_support as support  # noqa: E402

pytestmark = pytest.mark.browser

AXE = support.ROOT / "node_modules" / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = support.SCREENSHOTS.parent / "axe"
BLOCKING = {"serious", "critical"}


browser = support.browser_fixture(
    "accessibility tests", lambda: None if AXE.is_file() else f"axe-core is not installed ({AXE}): run `make axe`",
    screenshots=False)


@pytest.fixture
def page(browser):
    with support.closing_page(browser) as page:
        yield page


def run_axe(page, name: str, include: str | None = None) -> list[dict]:
    """Inject axe-core, run it (on ``include``, a CSS selector, or the whole page), save the results."""
    page.add_script_tag(path=str(AXE))
    context = "document" if include is None else f"{{include: [[{json.dumps(include)}]]}}"
    results = page.evaluate(f"() => axe.run({context}, {{resultTypes: ['violations']}})")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\naxe results: {ARTIFACTS / (name + '.json')}")
    return [v for v in results["violations"] if v.get("impact") in BLOCKING]


def describe(violations) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}): "
                     + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:4])
                     for v in violations)


def check_charts_and_controls(page, lang: str = "en") -> None:
    """Every chart has alt text in the page's language; every number control has a labelled text box, and
    the slider's handle (no accessible name in ipywidgets 8.1) is kept from the keyboard."""
    charts = page.locator("img.smm-chart")
    assert charts.count() >= 1
    for k in range(charts.count()):
        alt = charts.nth(k).get_attribute("alt") or ""
        assert len(alt) > 40, alt
        words = ("Two charts", "Each service") if lang == "en" else ("Due grafici", "ogni servizio")
        assert any(word in alt for word in words), alt
    boxes = page.locator(".smm-number input[type=text]")
    assert boxes.count() >= 4
    for k in range(boxes.count()):
        label = page.locator(f"label[for={json.dumps(boxes.nth(k).get_attribute('id'))}]")
        assert (label.inner_text() or "").strip(), "a number box without a label"
    handle = page.locator(".smm-number .noUi-handle").first
    assert handle.evaluate("e => getComputedStyle(e).visibility") == "hidden"


def test_voila_app_has_no_serious_violation(page):
    """The whole app page: zero serious or critical violations (ipywidgets' unnamed slider handles and
    alt-less Image are no longer on the page: see toolkit.widgets)."""
    with support.voila_app() as app:
        support.open_app(page, app)
        check_charts_and_controls(page)
        blocking = run_axe(page, "voila-explorer")
    assert not blocking, describe(blocking)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_notebook_03_in_lab_has_no_serious_violation(page, lang):
    notebook, name = ("03_tradeoff_explorer.ipynb", "lab-03-explorer") if lang == "en" else (
        "it/03_tradeoff_explorer.ipynb", "lab-03-explorer-it")
    with support.jupyter_lab() as lab:
        try:
            support.open_in_lab(page, lab, notebook)
            support.run_all_in_lab(page)
            support.Explorer(page).chart.wait_for(state="visible")
            check_charts_and_controls(page, lang)
            blocking = run_axe(page, name, include=".jp-NotebookPanel .jp-OutputArea")
        finally:
            support.shut_down_lab_kernels(lab)
    assert not blocking, describe(blocking)
