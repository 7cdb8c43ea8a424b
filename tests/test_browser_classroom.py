"""make classroom in a real browser (Chromium, Playwright), loopback only (--host 127.0.0.1).

Two students join with the class code, each types a name, moves the horizon slider and hands in; the
teacher page shows both within a few seconds, without a reload; without the code the page is 403; at the
cap (--students 2) a third visitor gets the "class is full" page; a closed page's kernel is shut down;
every request of every page goes to
the served host (nothing from the internet).

Screenshots: test-artifacts/screenshots/classroom-student-en.png (the top of the page),
classroom-student-en-handed-in.png (its end), classroom-teacher.png, classroom-full.png.
"""
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_support as support  # noqa: E402
from test_classroom import classroom_server, summary  # noqa: E402

pytestmark = pytest.mark.browser


browser = support.browser_fixture()


@pytest.fixture(scope="module")
def server():
    with classroom_server("--students", "2") as running:
        yield running


def _watch(page, server, requests: list, failed: list | None = None) -> None:
    """Record every request that does not go to the served host (data: and blob: URLs stay in the page),
    and in failed every answer of 400 or more (a route the page needs that the server refuses)."""
    if failed is not None:
        page.on("response", lambda response: failed.append(f"{response.status} {response.url}")
                if response.status >= 400 else None)

    def seen(request):
        url = request.url
        if not (url.startswith(server.url) or url.startswith(server.url.replace("http", "ws", 1))
                or url.startswith(("data:", "blob:"))):
            requests.append(url)
    page.on("request", seen)
    page.on("websocket", lambda ws: seen(type("R", (), {"url": ws.url})()))


def _join(page, server) -> None:
    page.goto(server.info["student_url"], wait_until="commit", timeout=60_000)


def _student(page, name: str, fraction: float) -> str:
    """Type the name, move the horizon slider, write a justification, hand in; the horizon chosen."""
    page.get_by_placeholder("name or pseudonym").fill(name)
    page.get_by_role("button", name="Join").click()
    explorer = support.Explorer(page)
    explorer.wait_ready()
    move = support.timed_slider_move(explorer, fraction)
    page.get_by_placeholder("Why? (a few sentences)").fill(f"{name}: the horizon matters.")
    page.get_by_role("button", name="Hand in").click()
    page.get_by_text("Handed in at").wait_for(state="visible", timeout=30_000)
    assert not support.page_problems(page), support.page_problems(page)
    return move.after


def _scroll_to_top(page) -> None:
    page.evaluate("() => { window.scrollTo(0, 0); document.querySelectorAll('*').forEach(el => {"
                  " if (el.scrollTop) el.scrollTop = 0; }); }")


def test_two_students_hand_in_and_the_teacher_sees_both(browser, server):
    outside, failed = [], []
    with support.closing_page(browser) as first, support.closing_page(browser) as second, \
            support.closing_page(browser) as teacher:
        for page in (first, second, teacher):
            _watch(page, server, outside, failed)
        teacher.goto(server.info["teacher_url"], wait_until="load")
        teacher.wait_for_function("() => document.querySelector('#handed b').textContent === '0'", timeout=20_000)

        _join(first, server)
        _join(second, server)  # both pages render at once, as in a class
        horizon = _student(first, "Ada Rossi", 0.9)
        support.screenshot(first, "classroom-student-en-handed-in")
        _scroll_to_top(first)
        support.screenshot(first, "classroom-student-en")
        _student(second, "Bruno Bianchi", 0.1)

        # Live: the teacher's page updates by itself (it fetches every 3 s), no reload.
        teacher.wait_for_function("() => document.querySelector('#handed b').textContent === '2'", timeout=10_000)
        table = teacher.locator("#students").text_content()
        assert "Ada Rossi" in table and "Bruno Bianchi" in table
        assert teacher.locator("#open b").text_content() == "2"
        assert "Blog" in teacher.locator("#services").text_content(), "service names, not ids"
        support.screenshot(teacher, "classroom-teacher")

        handins = sorted((server.class_dir / "handins").glob("*.handin.json"))
        assert len(handins) == 2
        import json

        ada = next(json.loads(p.read_text(encoding="utf-8")) for p in handins if p.name.startswith("ada-rossi"))
        assert ada["scenario"]["horizon_months"] == int(horizon), "the hand-in holds the slider's value"
        assert ada["decision"]["justification"] == "Ada Rossi: the horizon matters."

        # The cap is 2 pages: a third visitor is told, and gets no kernel.
        with support.closing_page(browser) as third:
            _watch(third, server, outside)
            response = third.goto(server.info["student_url"], wait_until="load")
            assert response.status == 503
            assert third.get_by_text("The class is full, try again in a minute").is_visible()
            support.screenshot(third, "classroom-full")

        # Closing a page shuts its kernel down at once (Voila's page-close call, served without _xsrf).
        first.close(run_before_unload=True)
        deadline = time.monotonic() + 15
        while summary(server)["open_pages"] != 1:
            assert time.monotonic() < deadline, "the closed page's kernel is still running after 15 s"
            time.sleep(0.5)
    assert outside == [], f"requests that left the served host: {outside}"
    assert failed == [], f"requests the server refused: {failed}"


def test_without_the_code_403(browser, server):
    with support.closing_page(browser) as page:
        response = page.goto(server.url, wait_until="load")
        assert response.status == 403
        assert page.get_by_text("This page needs the class code").is_visible()
        response = page.goto(f"{server.url}teacher", wait_until="load")
        assert response.status == 403
