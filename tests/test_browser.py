"""End to end in a real Chromium: every notebook in JupyterLab, and the `make app` dashboard in Voila.

Controls are moved with the mouse (the horizon slider's handle is dragged, a clause box is clicked) and
the chart and recommendations must change; no page may show a widget error or a traceback. Voila must
show the dashboard without its code. Each slider move is timed (release -> new chart) and printed; the
figures are not asserted here (see benchmarks/browser_latency.py).

Needs Debian's Chromium (/usr/bin/chromium, or $CHROMIUM): skipped without it, failed when CI=true.
Screenshots: test-artifacts/screenshots/ (or $SCREENSHOT_DIR). Helpers: tests/browser_support.py.
"""
import contextlib
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_support as support  # noqa: E402

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(p.name for p in support.NOTEBOOKS.glob("*.ipynb"))
EXPLORER_NOTEBOOK = "03_tradeoff_explorer.ipynb"
TIMED_MOVES = 5


@pytest.fixture(scope="module")
def browser():
    reason = support.browser_missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI (CI=true) but {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")
    with support.chromium() as chromium:
        yield chromium
    print(f"\nbrowser test screenshots: {support.SCREENSHOTS}")


@pytest.fixture(scope="module")
def lab(browser):
    with support.jupyter_lab() as server:
        yield server


@pytest.fixture
def page(browser):
    page = support.new_page(browser)
    yield page
    page.context.close()


@contextlib.contextmanager
def diagnostics(page, server, name):
    """On failure: a screenshot and the server's last log lines, then the original error."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            print(f"\nfailure screenshot: {support.screenshot(page, name + '-FAILED')}")
        print(f"--- {server.name} log (last lines) ---\n{server.log_tail()}")
        raise


def assert_clean(page, where):
    problems = support.page_problems(page)
    assert not problems, f"{where}:\n" + "\n".join(problems)


def exercise_explorer(page, where):
    """Click a clause and drag the horizon slider with the mouse; the outputs must follow. Returns timed moves."""
    explorer = support.Explorer(page)
    explorer.wait_ready()
    shots = [support.screenshot(page, f"{where}-explorer-1-start")]

    recommendations, chart = explorer.recommendations.text_content(), explorer.chart_src()
    clause = explorer.clause()
    assert not clause.is_checked()
    clause.click()  # a real mouse click at the box's centre
    assert clause.is_checked()
    explorer.wait_recommendations_changed(recommendations)
    explorer.wait_chart_changed(chart)
    shots.append(support.screenshot(page, f"{where}-explorer-2-clause-ticked"))

    recommendations = explorer.recommendations.text_content()
    first = support.timed_slider_move(explorer, support.MOVE_FRACTIONS[0])  # asserts the chart changed
    explorer.wait_recommendations_changed(recommendations)
    shots.append(support.screenshot(page, f"{where}-explorer-3-horizon-{first.after}"))

    moves = [support.timed_slider_move(explorer, fraction)  # each asserts that the chart changed
             for fraction in support.MOVE_FRACTIONS[1:TIMED_MOVES + 1]]
    assert len({move.after for move in moves}) > 1
    assert_clean(page, where)
    print(f"\nscreenshots: {', '.join(str(s) for s in shots)}")
    print(support.describe_moves(f"{where} latency", moves))
    return moves


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda name: name.removesuffix(".ipynb"))
def test_notebook_runs_clean_in_jupyterlab(page, lab, notebook):
    name = f"lab-{notebook.removesuffix('.ipynb')}"
    try:
        with diagnostics(page, lab, name):
            support.open_in_lab(page, lab, notebook)
            support.run_all_in_lab(page)
            assert_clean(page, f"JupyterLab, {notebook}")
            expected = support.widget_calls(support.NOTEBOOKS / notebook)
            shown = page.locator(support.WIDGET_VIEW).count()
            assert shown >= expected, f"{notebook}: {shown} widgets shown, {expected} dashboards called"
            if shown:  # Run All leaves the page at the end: show the (first) dashboard instead
                page.locator(support.WIDGET_VIEW).first.scroll_into_view_if_needed()
            print(f"\nscreenshot: {support.screenshot(page, name)}")
    finally:
        support.shut_down_lab_kernels(lab)


def test_explorer_in_jupyterlab_follows_the_mouse(page, lab):
    try:
        with diagnostics(page, lab, "lab-explorer"):
            support.open_in_lab(page, lab, EXPLORER_NOTEBOOK)
            support.run_all_in_lab(page)
            exercise_explorer(page, "lab")
    finally:
        support.shut_down_lab_kernels(lab)


def test_voila_app_shows_the_dashboard_without_code(page, browser):
    with support.voila_app() as app, diagnostics(page, app, "voila"):
        support.open_app(page, app)
        assert page.locator(support.CODE_SELECTOR).count() == 0, "Voila shows code cells"
        visible = page.locator("body").inner_text()
        assert "widgets.explorer(" not in visible and "import toolkit" not in visible, "Voila shows source code"
        assert "trade-off explorer" in visible  # the markdown title is shown
        exercise_explorer(page, "voila")
        assert page.locator(support.CODE_SELECTOR).count() == 0
