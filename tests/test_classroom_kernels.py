"""The classroom server's kernels, driven at the protocol level (tests/voila_protocol.py: HTTP and the
kernel websocket as a Voila page speaks them, no browser), against ``python -m toolkit classroom
--host 127.0.0.1`` on a free port (loopback only):

* a closed page's kernel is shut down within a minute: 20 pages open, 15 close (their websocket), and
  within CLOSED_WITHIN s only the 5 open pages' kernels remain (counted as processes and as the
  server's own count on the teacher's summary), the 5 still answering;
* a websocket without the class code (or from another Origin) is refused and no kernel starts;
* with the code, an ``execute_request`` over the websocket runs nothing (code that would write a
  file: the file never appears), while the same websocket still moves the slider;
* at the cap (--students 3) a 4th student gets the "class is full" page and no kernel; once a
  student closes the page (the shutdown call the page makes), the next one gets in.

Skipped when the classroom server or psutil is missing (failed instead under CI=true).
"""
from __future__ import annotations

import asyncio
import sys
import time
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_support as support  # noqa: E402
import voila_protocol as protocol  # noqa: E402

CLOSED_WITHIN = 60  # s: the promise for a closed page's kernel
PAGES, KEPT = 20, 5
JOIN_TIMEOUT = 180  # s for one page to render (20 at once on 2 busy cores)
STEP_TIMEOUT = 30  # s for any other answer


def _missing() -> str | None:
    try:
        import psutil  # noqa: F401
    except ImportError:
        return "psutil is not installed (pip install -e '.[test]')"
    return protocol.classroom_missing_reason()


def run(coroutine, timeout: float):
    """Run a coroutine to the end, at most timeout seconds."""
    async def bounded():
        protocol.use_many_connections(100)
        return await asyncio.wait_for(coroutine, timeout)
    return asyncio.run(bounded())


@pytest.fixture(scope="module")
def classroom():
    support.require(_missing(), "the classroom kernel tests")
    # --cull-after well above the test's length: only the closed pages' kernels may go.
    with protocol.classroom_server(students=PAGES + 5, cull_after=900) as server:
        yield server


def kernels(server) -> set[int]:
    return protocol.kernel_pids(server.pid)


async def open_pages(url: str, count: int) -> list[protocol.Student]:
    students = [protocol.Student(url) for _ in range(count)]
    results = await asyncio.gather(*(student.join(JOIN_TIMEOUT) for student in students), return_exceptions=True)
    problems = [repr(result) for result in results if isinstance(result, BaseException)]
    if problems:
        await asyncio.gather(*(student.leave() for student in students), return_exceptions=True)
        raise AssertionError(f"{len(problems)} of {count} pages did not render: {problems[:3]}")
    return students


# ---------------------------------------------------------------- refused without the code


def test_websocket_without_the_code_is_refused_and_starts_no_kernel(classroom):
    async def scenario():
        before = kernels(classroom)
        # The page without the code: 403 and no kernel.
        with pytest.raises(protocol.Refused) as refused:
            await protocol.fetch_page(classroom.url, STEP_TIMEOUT)
        assert refused.value.status == 403
        with pytest.raises(protocol.Refused) as refused:
            await protocol.fetch_page(f"{classroom.url}?code=WRONG1", STEP_TIMEOUT)
        assert refused.value.status == 403
        # A real student's kernel: its websocket without the class cookie, with a wrong code, from
        # another Origin: refused; with the cookie it opens (so the refusals are the code's doing).
        student = await protocol.Student(classroom.student_url).join(JOIN_TIMEOUT)
        try:
            kernel_id = student.page.kernel_id
            username = {k: v for k, v in student.page.cookies.items() if k.startswith("username")}
            attempts = {
                "no cookie at all": dict(cookies=""),
                "Voila's user cookie but no class cookie": dict(cookies="; ".join(f"{k}={v}" for k, v in username.items())),
                "a wrong code": dict(cookies="smm_class=WRONG1", query="code=WRONG1"),
                "another Origin": dict(cookies=student.page.cookie_header, headers={"Origin": "http://evil.example"}),
            }
            for what, options in attempts.items():
                with pytest.raises(protocol.Refused) as refused:
                    socket = await protocol.KernelSocket.open(classroom.url, kernel_id, timeout=STEP_TIMEOUT, **options)
                    await socket.close()
                assert refused.value.status in (403, 404), f"{what}: {refused.value}"
            # A made-up kernel id without the code: refused, and no kernel starts for it.
            with pytest.raises(protocol.Refused):
                await protocol.KernelSocket.open(classroom.url, str(uuid.uuid4()), timeout=STEP_TIMEOUT)
            with_code = await protocol.KernelSocket.open(classroom.url, kernel_id, student.page.cookie_header,
                                                         timeout=STEP_TIMEOUT)
            assert (await with_code.kernel_info(STEP_TIMEOUT))["status"] == "ok"
            await with_code.close()
            started = kernels(classroom) - before
            assert len(started) == 1, f"one page with the code, one kernel; found {len(started)} new"
        finally:
            await student.leave(shutdown=True)

    run(scenario(), JOIN_TIMEOUT + 120)


# ---------------------------------------------------------------- no code runs


def test_execute_request_runs_no_code(classroom, tmp_path):
    witness = tmp_path / "executed.txt"

    async def scenario():
        student = await protocol.Student(classroom.student_url).join(JOIN_TIMEOUT)
        try:
            chart_s, _ = await student.move_slider(STEP_TIMEOUT)  # the websocket works ...
            code = f"open({str(witness)!r}, 'w').write('ran')"
            reply = await student.socket.execute(code, timeout=5)
            assert reply.get("status") != "ok", f"the kernel ran a student's code: {reply}"
            silent = await student.socket.execute(code, timeout=1)  # and again, without waiting for a reply
            assert silent.get("status") != "ok"
            await asyncio.sleep(3)
            assert not witness.exists(), "code sent over the websocket ran in the kernel"
            executed = [r.message for r in student.socket.received if r.message.get("msg_type") == "execute_input"]
            assert not executed, f"the kernel announced an execution: {executed[:1]}"
            again_s, _ = await student.move_slider(STEP_TIMEOUT)  # ... and still does afterwards
            assert chart_s < STEP_TIMEOUT and again_s < STEP_TIMEOUT
        finally:
            await student.leave(shutdown=True)

    run(scenario(), JOIN_TIMEOUT + 60)


# ---------------------------------------------------------------- closed pages' kernels go


def test_closed_pages_kernels_are_shut_down_within_a_minute(classroom):
    async def scenario():
        before = kernels(classroom)
        students = await open_pages(classroom.student_url, PAGES)
        try:
            opened = kernels(classroom) - before
            assert len(opened) >= PAGES, f"{PAGES} pages open but {len(opened)} new kernels"
            closing, kept = students[:PAGES - KEPT], students[PAGES - KEPT:]
            await asyncio.gather(*(student.leave() for student in closing))  # the websocket only: a tab gone
            closed_at = time.monotonic()
            timeline = []  # (seconds after the close, kernels running): how the closed pages' kernels went
            while True:
                remaining = kernels(classroom) - before
                summary = await protocol.teacher_summary(classroom)
                waited = time.monotonic() - closed_at
                if not timeline or timeline[-1][1] != len(remaining):
                    timeline.append((round(waited), len(remaining)))
                if len(remaining) <= KEPT and summary["open_pages"] <= KEPT:
                    break
                assert waited <= CLOSED_WITHIN, (
                    f"{waited:.0f} s after {PAGES - KEPT} of {PAGES} pages closed, {len(remaining)} kernels run "
                    f"(the server counts {summary['open_pages']}); at most {KEPT} should. Kernels running "
                    f"(seconds after the close, count): {timeline}")
                await asyncio.sleep(1)
            print(f"\nkernels of {PAGES - KEPT} closed pages shut down {waited:.0f} s after they closed; kernels "
                  f"running (seconds after the close, count): {timeline}")
            assert waited <= CLOSED_WITHIN, f"the closed pages' kernels took {waited:.0f} s to go, over {CLOSED_WITHIN} s"
            assert len(remaining) == KEPT, f"the open pages' kernels went too: {len(remaining)} of {KEPT} left"
            for student in kept:  # the open pages still work
                await student.move_slider(STEP_TIMEOUT)
        finally:
            await asyncio.gather(*(student.leave() for student in students), return_exceptions=True)

    run(scenario(), JOIN_TIMEOUT + CLOSED_WITHIN + 120)


# ---------------------------------------------------------------- the cap


def test_a_full_class_gets_the_full_page_and_no_kernel():
    support.require(_missing(), "the classroom kernel tests")

    async def scenario(classroom):
        students = await open_pages(classroom.student_url, 3)
        try:
            before = kernels(classroom)
            assert len(before) == 3
            with pytest.raises(protocol.Refused) as refused:
                await protocol.fetch_page(classroom.student_url, STEP_TIMEOUT)
            assert refused.value.status == 503
            words = protocol.page_text(refused.value.body)
            assert "The class is full" in words and "try again in a minute" in words, words[:300]
            assert kernels(classroom) == before, "the 4th student got a kernel"
            # One student closes the page (the shutdown call the page makes): the next one gets in.
            await students.pop(0).leave(shutdown=True)
            deadline = time.monotonic() + STEP_TIMEOUT
            while len(kernels(classroom)) > 2:
                assert time.monotonic() < deadline, "the closed page's kernel is still running"
                await asyncio.sleep(0.5)
            students.append(await protocol.Student(classroom.student_url).join(JOIN_TIMEOUT))
            assert len(kernels(classroom)) == 3
        finally:
            await asyncio.gather(*(student.leave() for student in students), return_exceptions=True)

    with protocol.classroom_server(students=3, cull_after=900) as classroom:
        run(scenario(classroom), 2 * JOIN_TIMEOUT + 60)
