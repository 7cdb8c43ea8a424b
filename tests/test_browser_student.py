"""What a student sees in the `make app` dashboard (Voila, Chromium): messages next to their cause, no stale result.

* Unticking every service hides the charts and the table and says "Tick at least one service" beside
  the service boxes.
* A Save with a bad file name says so next to the Save button (not under the table).
* A number typed outside a control's range (or not a number) hides the results and says what to type
  right under that box; the keyboard reaches the box, not the slider's handle.

Screenshots: test-artifacts/screenshots/student-*.png. Helpers: tests/browser_support.py.
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_support as support  # noqa: E402

pytestmark = pytest.mark.browser


browser = support.browser_fixture()


@pytest.fixture(scope="module")
def app(browser):
    with support.voila_app() as server:
        yield server


@pytest.fixture
def page(browser):
    with support.closing_page(browser) as page:
        yield page


def _gap(a, b) -> float:
    """The distance in px between two boxes (0 if they touch or overlap)."""
    dx = max(0.0, max(a["x"], b["x"]) - min(a["x"] + a["width"], b["x"] + b["width"]))
    dy = max(0.0, max(a["y"], b["y"]) - min(a["y"] + a["height"], b["y"] + b["height"]))
    return (dx * dx + dy * dy) ** 0.5


def test_untick_every_service_hides_the_results_and_says_why_beside_the_boxes(page, app):
    import toolkit

    data = toolkit.load_dataset()
    explorer = support.open_app(page, app)
    for name in data.services.name_en:
        page.locator(".widget-checkbox", has_text=name).locator("input[type=checkbox]").first.uncheck()
    message = page.get_by_text("Tick at least one service")
    message.wait_for(state="visible", timeout=30_000)
    page.wait_for_function("() => [...document.querySelectorAll('img.widget-image')]"
                           ".every(img => getComputedStyle(img).visibility === 'hidden')", timeout=30_000)
    last_box = page.locator(".widget-checkbox", has_text=data.services.name_en.iloc[-1]).first
    assert _gap(message.bounding_box(), last_box.bounding_box()) < 80, "the message is beside the boxes"
    assert page.get_by_text("Scenario field").count() == 0, "no code words"
    assert not explorer.recommendations.is_visible() and not page.locator("table.smm-table").first.is_visible()
    print(f"\nscreenshot: {support.screenshot(page, 'student-untick-all-after')}")
    page.locator(".widget-checkbox", has_text="Blog management").locator("input[type=checkbox]").first.check()
    message.wait_for(state="detached", timeout=30_000)
    explorer.chart.wait_for(state="visible")


def test_a_bad_typed_value_hides_the_results_and_says_what_to_type_under_the_box(page, app):
    explorer = support.open_app(page, app)
    row = page.locator(".smm-number", has=page.locator(".widget-label", has_text="Activity volume"))
    box = row.locator("input[type=text]")
    box.fill("9")
    box.press("Enter")
    message = row.locator("[role=alert]", has_text="Type a number from 0.25 to 4.00")
    message.wait_for(state="visible", timeout=30_000)
    assert _gap(message.bounding_box(), box.bounding_box()) < 40, "the message is right under the box"
    page.wait_for_function("() => [...document.querySelectorAll('img.widget-image')]"
                           ".every(img => getComputedStyle(img).visibility === 'hidden')", timeout=30_000)
    assert not explorer.recommendations.is_visible() and not page.locator("table.smm-table").first.is_visible()
    print(f"\nscreenshot: {support.screenshot(page, 'student-bad-number-after')}")
    # the keyboard: Tab from the box goes to the next box, never to a slider handle (no accessible name)
    box.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className + ' ' + document.activeElement.tagName")
    assert "noUi" not in focused and "INPUT" in focused, focused
    box.fill("2,5")  # a comma works as well as a point
    box.press("Enter")
    message.wait_for(state="detached", timeout=30_000)
    explorer.chart.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('img.widget-image').getAttribute('alt').length > 40")
    assert box.input_value() == "2.50"


def test_save_error_shows_next_to_the_button(page, app):
    support.open_app(page, app)
    name = page.locator(".widget-text", has=page.locator(".widget-label", has_text="Scenario file")).locator("input")
    name.fill("../elsewhere.json")
    name.press("Enter")
    save = page.locator("button", has_text="Save").first
    save.click()
    alert = page.locator("[role=alert]", has_text="plain name ending in .json")
    alert.wait_for(state="visible", timeout=30_000)
    assert _gap(alert.bounding_box(), save.bounding_box()) < 120, "the error is next to the Save button"
    print(f"\nscreenshot: {support.screenshot(page, 'student-save-error-after')}")


def test_italian_explorer_writes_numbers_in_italian(page, browser):
    """Notebook 03 in Italian (JupyterLab): the number boxes beside the sliders say 1,00, not 1.00."""
    with support.jupyter_lab() as lab:
        try:
            support.open_in_lab(page, lab, "it/03_tradeoff_explorer.ipynb")
            support.run_all_in_lab(page)
            support.Explorer(page).chart.wait_for(state="visible")
            salary = page.locator(".smm-number", has=page.locator(".widget-label", has_text="Stipendio (x)")).first
            salary.wait_for(state="visible")
            assert salary.locator("input[type=text]").input_value() == "1,00"
            boxes = page.locator(".jp-OutputArea .smm-number input[type=text]")
            shown = [boxes.nth(k).input_value() for k in range(boxes.count())]
            assert len(shown) >= 4 and not any("." in value for value in shown), shown
            readouts = page.locator(".jp-OutputArea .widget-readout:visible")
            assert readouts.count() == 0, "no d3 readout (1.00) is shown"
            print(f"\nscreenshot: {support.screenshot(page, 'student-it-explorer-after')}")
        finally:
            support.shut_down_lab_kernels(lab)
