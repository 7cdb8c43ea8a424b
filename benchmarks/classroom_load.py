"""Classroom load test: N students open the Voila explorer at once and each changes a control.

What it does (loopback only, bounded in time and count):

1. starts Voila on 127.0.0.1 and a free port, serving what ``make app`` serves (``app/explorer.ipynb``),
   with the test harness the browser tests use (``tests/browser_support.py``);
2. opens N pages at once in headless Chromium (Debian's /usr/bin/chromium or $CHROMIUM, driven
   by Playwright, spread over a few browser contexts); each page is one student: it waits until
   the dashboard has rendered (a number box beside a slider and the chart picture are shown), ticks
   one checkbox (a contract clause) and waits until the chart picture changes;
3. records per student the time to first render (from the page request) and the time from the
   click to the new chart, and any failure ("Error displaying widget", a traceback, a time-out);
4. reads the memory of the Voila server and of its kernels (Voila starts one kernel per page)
   with psutil, while the run goes on (peak) and once every student is done (steady state);
5. prints a table, stops the browser, the server and every kernel, even on error or Ctrl+C.

Limits: at most --students 200 and --budget 600 s for the whole run; every wait has a time-out;
a SIGALRM backstop ends the run if something hangs anyway.

``--kernel-memory`` measures one kernel alone instead (no Voila, no browser): a Jupyter kernel
of this Python runs the explorer cell, changes controls six times, and its RSS/USS/PSS is read;
then each teaching notebook runs top to bottom in a kernel of its own (a temporary copy) and
that kernel's memory is read.

``--protocol`` measures the server, not the browsers: the classroom server (``python -m toolkit classroom
--host 127.0.0.1``, or with ``--plain-voila`` what ``make app`` serves) and N simulated students from one
asyncio process (tests/voila_protocol.py: HTTP and the kernel websocket as a Voila page speaks them; no
Chromium). Student i joins at i/(N-1) x --spread s (default 60): GET the page (the server runs the notebook
in a new kernel), open the kernel's websocket with the cookies the page set, make the widgets live as
ipywidgets 8 does (the jupyter.widget.control comm's request_states), move the horizon slider --moves times
(a comm update; timed until the chart's new picture arrives), then type a name, press Join, write a
justification and press Hand in, and wait for that student's file in <class-dir>/handins/. Once every
student is in, each moves the slider once more (over 20 s: the class at work). Pages stay open until the
end. Reported: first render (and its parts: first byte, kernel started, notebook ran), slider -> chart while
others join and once all joined, hand-in, failures, hand-in files found, the CPU of the server, the kernels
and the rest of the machine, and the memory of the server and its kernels (peak and every page open).

``--kernel-cost`` shows where one classroom kernel's CPU goes (start, imports, the page, a move).

Run:  .venv/bin/python benchmarks/classroom_load.py --protocol --students 40   # the server's figures
      .venv/bin/python benchmarks/classroom_load.py --protocol --students 10 --plain-voila
      .venv/bin/python benchmarks/classroom_load.py --kernel-cost
      .venv/bin/python benchmarks/classroom_load.py                 # 30 students in Chromium
      .venv/bin/python benchmarks/classroom_load.py --students 10
      .venv/bin/python benchmarks/classroom_load.py --kernel-memory
Needs: psutil in the venv (the test extras); without --protocol also playwright and Debian's chromium.
Servers, browser flags and page texts come from tests/browser_support.py, shared with the tests.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import browser_support as support  # noqa: E402
import voila_protocol as protocol  # noqa: E402

ROOT = support.ROOT
SCREENSHOTS = ROOT / "test-artifacts" / "classroom-load"  # failed students' pages
MAX_STUDENTS = 200
KERNEL_READY_CPU_S = 1.5  # CPU seconds after which a pre-heated kernel has surely run the explorer cell
MAX_BUDGET_S = 600
MiB = 2 ** 20

# The chart: the explorer's picture, an <img class="smm-chart"> holding its SVG as a data: URL, once loaded.
_CHART_SHOWN = """() => { const img = document.querySelector('img.smm-chart');
  return img !== null && img.src.startsWith('data:image/svg+xml') && img.complete && img.naturalWidth > 0; }"""
_CHART_CHANGED = """(old) => { const img = document.querySelector('img.smm-chart');
  return img !== null && img.getAttribute('src') !== old && img.complete && img.naturalWidth > 0; }"""


class Budget(Exception):
    """The whole run went over its time budget."""


# ------------------------------------------------------------------------------ processes and memory


def tree(pid: int):
    """psutil.Process of pid and of all its descendants (those still alive)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_cpu(pid: int) -> dict:
    """CPU seconds (user + system) used so far by pid and by each descendant: {pid: seconds}."""
    import psutil

    used = {}
    for process in tree(pid):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            times = process.cpu_times()
            used[process.pid] = times.user + times.system
    return used


def tree_rss(pid: int) -> int:
    """Sum of RSS over pid and its descendants."""
    import psutil

    total = 0
    for process in tree(pid):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += process.memory_info().rss
    return total


@dataclass
class MemorySample:
    server_rss: int = 0
    kernels_rss: list[int] = field(default_factory=list)
    server_uss: int = 0
    kernels_uss: list[int] = field(default_factory=list)

    @property
    def total_rss(self) -> int:
        return self.server_rss + sum(self.kernels_rss)

    @property
    def total_uss(self) -> int:
        return self.server_uss + sum(self.kernels_uss)


def sample_memory(server_pid: int, full: bool = False) -> MemorySample:
    """RSS (and with full=True USS) of the Voila server and of each kernel it started."""
    import psutil

    sample = MemorySample()
    for process in tree(server_pid):
        try:
            info = process.memory_full_info() if full else process.memory_info()
            is_kernel = "ipykernel_launcher" in " ".join(process.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if process.pid == server_pid:
            sample.server_rss, sample.server_uss = info.rss, getattr(info, "uss", 0)
        elif is_kernel:
            sample.kernels_rss.append(info.rss)
            sample.kernels_uss.append(getattr(info, "uss", 0))
        else:  # anything else the server runs counts as server
            sample.server_rss += info.rss
            sample.server_uss += getattr(info, "uss", 0)
    return sample


@contextlib.contextmanager
def voila_server(preheat: int = 0, fill_delay: float | None = None, pool_timeout: float = 300,
                 cores: set[int] | None = None, iopub_timeout: int | None = None):
    """What ``make app`` serves (``support.voila_app``), with the load test's options; the server and all
    its kernels are stopped on exit.

    preheat > 0: Voila's pre-heated kernel pool of that size (each kernel has run the notebook before
    anyone asks for the page); this waits until the pool is full and idle. fill_delay: seconds Voila waits
    before starting a kernel to replace one a page took (Voila's default: 1). cores: the CPUs the server
    and its kernels may use (kernels inherit the server's affinity); None: all.
    """
    flags = []
    if iopub_timeout is not None:  # seconds Voila waits for a cell's output after the cell finished (nbclient: 4)
        flags.append(f"--VoilaExecutor.iopub_timeout={iopub_timeout}")
    if preheat > 0:
        flags += ["--preheat_kernel=True", f"--pool_size={preheat}"]
        if fill_delay is not None:
            flags.append(f"--VoilaKernelManager.fill_delay={fill_delay}")
    with support.voila_app(extra_flags=flags, cpus=cores) as server:
        if preheat > 0:
            wait_for_pool(server.process.pid, preheat, pool_timeout)
        yield server


def wait_for_pool(server_pid: int, size: int, timeout: float) -> None:
    """Until `size` kernels run under the server, each has used the CPU time of running the notebook
    (an idle kernel starts with under 1 s, the explorer cell takes about 3 s more) and all have been quiet
    for 5 s. Kernels start, then wait a moment before they execute: a short lull is not readiness."""
    started = time.monotonic()
    quiet_since, last = None, None
    while time.monotonic() - started < timeout:
        used = {pid: seconds for pid, seconds in tree_cpu(server_pid).items() if pid != server_pid}
        kernels = [pid for pid in used if pid in _kernel_pids(server_pid)]
        busy = sum(used.values()) - sum(last.values()) if last is not None else float("inf")
        last = used
        ran = len(kernels) >= size and all(used[pid] >= KERNEL_READY_CPU_S for pid in kernels)
        if ran and busy < 0.2:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 5:
                print(f"pre-heated pool of {size} kernels ready after {time.monotonic() - started:.0f} s", flush=True)
                return
        else:
            quiet_since = None
        time.sleep(1)
    raise TimeoutError(f"the pre-heated pool of {size} kernels was not ready within {timeout:.0f} s")


def _kernel_pids(server_pid: int) -> set[int]:
    import psutil

    pids = set()
    for process in tree(server_pid)[1:]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            if "ipykernel_launcher" in " ".join(process.cmdline()):
                pids.add(process.pid)
    return pids


# ------------------------------------------------------------------------------ the students


@dataclass
class Student:
    number: int
    render_s: float | None = None
    update_s: float | None = None
    failure: str = ""


async def one_student(number: int, context, url: str, timeout_ms: int, start_gate: asyncio.Event) -> Student:
    record = Student(number)
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    try:
        await start_gate.wait()  # every student presses Enter at the same moment
        started = time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
        await page.locator(".smm-number input").first.wait_for(state="visible", timeout=timeout_ms)  # a number box
        await page.wait_for_function(_CHART_SHOWN, timeout=timeout_ms)
        record.render_s = time.perf_counter() - started

        old_src = await page.locator("img.smm-chart").first.get_attribute("src")
        box = page.locator(".widget-checkbox", has_text=support.CLAUSE_LABEL).locator("input[type=checkbox]")
        if await box.count() == 0:  # labels changed: any checkbox changes the chart too
            box = page.locator(".widget-checkbox input[type=checkbox]").last
        clicked = time.perf_counter()
        await box.first.click(timeout=timeout_ms)
        await page.wait_for_function(_CHART_CHANGED, arg=old_src, timeout=timeout_ms)
        record.update_s = time.perf_counter() - clicked

        text = await page.locator("body").inner_text(timeout=timeout_ms)
        shown = [needle for needle in support.FAILURE_TEXTS if needle in text]
        if shown:
            record.failure = f"page shows {shown[0]!r}"
    except Exception as exc:  # noqa: BLE001 - a failed student is a result, not a crash
        record.failure = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
    if record.failure:
        record.failure += await _what_the_page_shows(page, number)
    return record


async def _what_the_page_shows(page, number: int) -> str:
    """A short description of a failed student's page, and a screenshot in test-artifacts/classroom-load/."""
    with contextlib.suppress(Exception):
        text = await asyncio.wait_for(page.evaluate(
            "() => [document.querySelectorAll('.jupyter-widgets').length,"
            " (document.body ? document.body.innerText : '').replace(/\\s+/g, ' ').slice(0, 160)]"), timeout=10)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"student-{number:03d}.png"
        await asyncio.wait_for(page.screenshot(path=str(path)), timeout=20)
        return f" | {text[0]} widgets on the page; it reads: {text[1]!r} | {path.relative_to(ROOT)}"
    return ""


async def classroom(url: str, students: int, contexts: int, timeout_ms: int, server_pid: int, deadline: float):
    from playwright.async_api import async_playwright

    peak = {"total_rss": 0, "kernels": 0, "chromium_rss": 0, "server_cpu": 0.0, "chromium_cpu": 0.0}
    stop_sampling = asyncio.Event()

    async def sampler(browser_pid_getter):
        while not stop_sampling.is_set():
            sample = await asyncio.to_thread(sample_memory, server_pid)
            peak["total_rss"] = max(peak["total_rss"], sample.total_rss)
            peak["kernels"] = max(peak["kernels"], len(sample.kernels_rss))
            pid = browser_pid_getter()
            if pid:
                peak["chromium_rss"] = max(peak["chromium_rss"], await asyncio.to_thread(tree_rss, pid))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop_sampling.wait(), timeout=0.5)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=support.chromium_executable(),
                                                   args=support.CHROMIUM_ARGS, headless=True, timeout=60_000)
        browser_pid = {"pid": None}
        sampling = asyncio.create_task(sampler(lambda: browser_pid["pid"]))
        try:
            browser_pid["pid"] = _chromium_pid()
            cpu_before = tree_cpu(server_pid)
            pool = [await browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(contexts)]
            gate = asyncio.Event()
            tasks = [asyncio.create_task(one_student(i + 1, pool[i % contexts], url, timeout_ms, gate))
                     for i in range(students)]
            await asyncio.sleep(1.0)  # every page is open and waiting at the gate
            wall_start = time.perf_counter()
            gate.set()
            remaining = deadline - time.monotonic()
            done, pending = await asyncio.wait(tasks, timeout=max(remaining, 1))
            for task in pending:
                task.cancel()
            results = [t.result() if t in done and not t.cancelled() else Student(i + 1, failure="over the time budget")
                       for i, t in enumerate(tasks)]
            wall = time.perf_counter() - wall_start
            steady = await asyncio.to_thread(sample_memory, server_pid, True)  # every page still open
            cpu_after = tree_cpu(server_pid)
            peak["server_cpu"] = sum(cpu_after.get(p, 0) - cpu_before.get(p, 0) for p in cpu_after)
            peak["chromium_cpu"] = sum(tree_cpu(browser_pid["pid"]).values()) if browser_pid["pid"] else 0
            stop_sampling.set()
            await sampling
            if browser_pid["pid"]:
                peak["chromium_rss"] = max(peak["chromium_rss"], tree_rss(browser_pid["pid"]))
        finally:
            stop_sampling.set()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sampling, timeout=5)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(browser.close(), timeout=30)
    return results, wall, steady, peak


def _chromium_pid() -> int | None:
    """The newest Chromium started by this process's Playwright driver (its browser process)."""
    import psutil

    browsers = []
    for process in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            if "chrom" in process.name().lower() and "--type=" not in " ".join(process.cmdline()):
                browsers.append((process.create_time(), process.pid))
    return max(browsers)[1] if browsers else None


# ------------------------------------------------------------------------------ report


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def describe(values: list[float]) -> str:
    if not values:
        return f"{'-':>8} {'-':>8} {'-':>8} {'-':>8}"
    return (f"{statistics.median(values):8.1f} {percentile(values, 95):8.1f} {min(values):8.1f} "
            f"{max(values):8.1f}")


def machine() -> str:
    import psutil

    return (f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2 ** 30:.0f} GiB, {platform.system()} "
            f"{platform.machine()}, Python {platform.python_version()}")


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("voila", "ipywidgets", "jupyter_server", "playwright"):
        with contextlib.suppress(PackageNotFoundError):
            parts.append(f"{name} {version(name)}")
    return ", ".join(parts)


def report(students: list[Student], wall: float, steady: MemorySample, peak: dict, contexts: int,
           mode: str = "") -> str:
    n = len(students)
    renders = [s.render_s for s in students if s.render_s is not None]
    updates = [s.update_s for s in students if s.update_s is not None and not s.failure]
    failed = [s for s in students if s.failure]
    kernels = len(steady.kernels_rss)
    lines = [
        f"Classroom load test, {date.today().isoformat()}: {n} students at once, Voila on 127.0.0.1, "
        f"headless Chromium ({contexts} contexts) on the same machine; {mode}",
        f"machine: {machine()}; {versions()}",
        "",
        f"{'seconds':<34}{'median':>8} {'p95':>8} {'min':>8} {'max':>8}",
        f"{'time to first render':<34}{describe(renders)}",
        f"{'click -> new chart':<34}{describe(updates)}",
        f"everyone rendered and updated after {wall:.1f} s; failures: {len(failed)}/{n}",
        f"CPU used meanwhile: Voila server + kernels {peak['server_cpu']:.0f} s "
        f"({peak['server_cpu'] / n:.1f} s a student), Chromium {peak['chromium_cpu']:.0f} s; "
        f"{os.cpu_count()} cores x {wall:.0f} s = {os.cpu_count() * wall:.0f} s available",
        "",
        "memory with every page open (psutil)          RSS MiB    USS MiB",
        f"{'Voila server (alone)':<44}{steady.server_rss / MiB:9.0f}  {steady.server_uss / MiB:9.0f}",
        f"{f'{kernels} kernels, total':<44}{sum(steady.kernels_rss) / MiB:9.0f}  {sum(steady.kernels_uss) / MiB:9.0f}",
        f"{'one kernel, mean':<44}{_mean(steady.kernels_rss) / MiB:9.0f}  {_mean(steady.kernels_uss) / MiB:9.0f}",
        f"{'server + kernels':<44}{steady.total_rss / MiB:9.0f}  {steady.total_uss / MiB:9.0f}",
        f"{f'per session (server + kernels) / {n}':<44}{steady.total_rss / MiB / n:9.0f}  "
        f"{steady.total_uss / MiB / n:9.0f}",
        f"{'peak during the run, server + kernels':<44}{peak['total_rss'] / MiB:9.0f}",
        f"{'Chromium (the students side, not the server)':<44}{peak['chromium_rss'] / MiB:9.0f}",
    ]
    if failed:
        lines += ["", "failures:"] + [f"  student {s.number}: {s.failure}" for s in failed[:20]]
    return "\n".join(lines)


def _mean(values: list[int]) -> float:
    return sum(values) / len(values) if values else 0.0


# ------------------------------------------------------------------------------ one kernel alone


def kernel_memory(changes: int = 6) -> str:
    """RSS/USS/PSS of one kernel of this Python after it ran the explorer and `changes` control changes."""
    import psutil
    from jupyter_client import KernelManager

    manager = KernelManager(kernel_name="python3")  # ipykernel's own spec: this Python (sys.executable)
    manager.start_kernel(cwd=str(ROOT))
    client = manager.client()
    client.start_channels()
    rows = []
    try:
        client.wait_for_ready(timeout=60)
        process = psutil.Process(manager.provisioner.process.pid)

        def measure(label):
            info = process.memory_full_info()
            rows.append(f"{label:<46}{info.rss / MiB:8.0f} {info.uss / MiB:8.0f} {info.pss / MiB:8.0f}")

        def run(code):
            reply = client.execute_interactive(code, timeout=120, output_hook=lambda _msg: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"kernel error: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")

        measure("idle kernel")
        run("import toolkit\nfrom toolkit import widgets\nd = widgets.explorer(toolkit.load_dataset())\nd")
        measure("explorer shown")
        cpu_shown = process.cpu_times()
        run("import itertools\n"
            "for months in itertools.islice(itertools.cycle([12, 36, 60, 24, 48]), %d):\n"
            "    d.controls['horizon_months'].value = months\n"
            "box = next(iter(d.controls['clauses'].values())); box.value = not box.value\n" % (changes - 1))
        measure(f"after {changes} control changes")
        cpu_after_changes = process.cpu_times()
        time.sleep(1)
        measure("1 s later")
        kernel_python = process.cmdline()[0]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    shown_cpu = cpu_shown.user + cpu_shown.system
    per_change = (cpu_after_changes.user + cpu_after_changes.system - shown_cpu) / changes
    return "\n".join([f"One kernel running the explorer, {date.today().isoformat()}; {machine()}",
                      f"kernel: {kernel_python} (ipykernel), {versions()}",
                      f"{'MiB':<46}{'RSS':>8} {'USS':>8} {'PSS':>8}", *rows,
                      f"kernel CPU: {shown_cpu:.1f} s from start to the explorer shown, {per_change:.2f} s a change"])


def kernel_cost(repeats: int = 3) -> str:
    """Where a student's kernel CPU goes on the classroom page (no load): a kernel of this Python starts,
    imports the floor (pandas, matplotlib.pyplot, ipywidgets), imports toolkit.classroom_app, builds and
    shows the page (what the notebook's cell does), then the horizon moves once; CPU seconds of each step
    (user + system of the kernel process), median of `repeats` fresh kernels."""
    import psutil
    from jupyter_client import KernelManager

    steps = [("kernel started (ipykernel, idle)", None),
             ("import pandas, matplotlib.pyplot, ipywidgets", "import pandas, matplotlib.pyplot, ipywidgets"),
             ("from toolkit import classroom_app", "from toolkit import classroom_app"),
             ("classroom_app.student_page() shown", "page = classroom_app.student_page()\npage"),
             ("one horizon move (chart redrawn)", "page.explorer.controls['horizon_months'].value = 48")]
    runs = []
    for _ in range(repeats):
        manager = KernelManager(kernel_name="python3")
        started = time.perf_counter()
        manager.start_kernel(cwd=str(ROOT))
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            process = psutil.Process(manager.provisioner.process.pid)
            row, last_cpu = [], 0.0
            for label, code in steps:
                step_started = time.perf_counter()
                if code is not None:
                    reply = client.execute_interactive(code, timeout=120, output_hook=lambda _msg: None)
                    if reply["content"]["status"] != "ok":
                        raise RuntimeError(f"{label}: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
                cpu = sum(process.cpu_times()[:2])
                wall = time.perf_counter() - (started if code is None else step_started)
                row.append((cpu - last_cpu, wall))
                last_cpu = cpu
            row.append((last_cpu, sum(wall for _cpu, wall in row)))
            runs.append(row)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    lines = [f"One classroom kernel, step by step (median of {repeats} fresh kernels), {date.today().isoformat()}; "
             f"{machine()}; load average {os.getloadavg()[0]:.1f}",
             f"{'step':<46}{'CPU s':>8} {'wall s':>8}"]
    for index, (label, _code) in enumerate([*steps, ("total", None)]):
        lines.append(f"{label:<46}{statistics.median(r[index][0] for r in runs):8.2f} "
                     f"{statistics.median(r[index][1] for r in runs):8.2f}")
    return "\n".join(lines)


def lab_server_memory() -> str:
    """RSS/USS of a JupyterLab server (no kernel) once a browser has opened 00_start_here in it."""
    import psutil

    with support.jupyter_lab() as lab:
        server = psutil.Process(lab.process.pid)
        started = server.memory_full_info()
        opened = None
        if support.chromium_executable():
            with support.chromium() as browser:
                support.open_in_lab(support.new_page(browser), lab, "00_start_here.ipynb")
                time.sleep(3)
                opened = server.memory_full_info()
    rows = [f"{'JupyterLab server, started':<46}{started.rss / MiB:8.0f} {started.uss / MiB:8.0f}"]
    if opened:
        rows.append(f"{'JupyterLab server, 00_start_here open in a tab':<46}{opened.rss / MiB:8.0f} "
                    f"{opened.uss / MiB:8.0f}")
    return "\n".join([f"JupyterLab server process (kernels not included), {date.today().isoformat()}",
                      f"{'MiB':<46}{'RSS':>8} {'USS':>8}", *rows])


def notebook_kernel_memory() -> str:
    """RSS/USS of the kernel of each teaching notebook after it ran top to bottom (a temp copy, like the tests)."""
    import nbformat
    import psutil
    from nbclient import NotebookClient

    rows = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        with tempfile.TemporaryDirectory(prefix="smm-kmem-") as workdir:
            copy = Path(workdir) / path.name
            shutil.copy(path, copy)
            notebook = nbformat.read(copy, as_version=4)
            client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                                    resources={"metadata": {"path": workdir}})
            with client.setup_kernel():
                for index, cell in enumerate(notebook.cells):
                    client.execute_cell(cell, index)
                kernel = psutil.Process(client.km.provisioner.process.pid)
                info, cpu = kernel.memory_full_info(), kernel.cpu_times()
        rows.append(f"{path.stem:<46}{info.rss / MiB:8.0f} {info.uss / MiB:8.0f} {info.pss / MiB:8.0f} "
                    f"{cpu.user + cpu.system:8.1f}")
    return "\n".join([f"Kernel of each notebook after Run All, {date.today().isoformat()}; {machine()}",
                      f"{'MiB (and the kernel CPU seconds it took)':<46}{'RSS':>8} {'USS':>8} {'PSS':>8} {'CPU s':>8}",
                      *rows])


# ------------------------------------------------------------------------------ protocol mode (no browser)


@dataclass
class SimulatedStudent:
    """One student of --protocol: when each step ended (seconds from their own page request)."""
    number: int
    joined_at: float = 0.0  # seconds after the run started
    first_byte_s: float | None = None  # the page's first byte
    kernel_s: float | None = None  # the kernel id in the page: Voila started the kernel
    page_s: float | None = None  # the page complete: the notebook ran in the kernel
    render_s: float | None = None  # websocket open and every widget live
    slider_s: list[float] = field(default_factory=list)  # slider -> the chart's new value, while others join
    working_slider_s: float | None = None  # the same once everyone joined (the class at work)
    handin_s: float | None = None  # name typed -> the hand-in file on disk
    failure: str = ""
    student: object = field(default=None, repr=False)  # the protocol.Student, its page still open


async def simulated_student(number: int, url: str, start_in: float, moves: int, timeout: float,
                            handins: Path | None, students: list) -> SimulatedStudent:
    """Join at start_in s, render, move the horizon `moves` times, hand in (when handins is a folder), then
    keep the page open (the websocket) until the run ends: the caller closes it."""
    record = SimulatedStudent(number, joined_at=start_in)
    await asyncio.sleep(start_in)
    student = protocol.Student(url)
    students.append(student)
    record.student = student
    stage = "page"
    try:
        await student.join(timeout)
        page = student.page
        record.first_byte_s = page.first_byte - page.requested if page.first_byte else None
        record.kernel_s = page.kernel_seen - page.requested if page.kernel_seen else None
        record.page_s = page.complete - page.requested
        record.render_s = student.render_s
        stage = "slider"
        for _ in range(moves):
            chart_s, _idle_s = await student.move_slider(timeout)
            record.slider_s.append(chart_s)
        if handins is not None:
            stage = "hand-in"
            name = f"Load student {number:03d}"
            started = time.perf_counter()
            await student.hand_in(name, f"Student {number} outsources with the clauses the law asks for.", timeout)
            while not _handed_in(handins, name):
                if time.perf_counter() - started > timeout:
                    raise TimeoutError(f"no hand-in file of {name!r} in {handins} within {timeout:.0f} s")
                await asyncio.sleep(0.2)
            record.handin_s = time.perf_counter() - started
    except (asyncio.TimeoutError, TimeoutError, ConnectionError, LookupError, protocol.Refused, OSError) as exc:
        record.failure = f"{stage}: {type(exc).__name__}: {exc}"[:300]
    return record


def _handed_in(folder: Path, name: str) -> bool:
    import json

    for path in folder.glob("*.json"):
        with contextlib.suppress(OSError, ValueError):
            if json.loads(path.read_text(encoding="utf-8")).get("name") == name:
                return True
    return False


async def protocol_classroom(url: str, n: int, spread: float, moves: int, timeout: float, server_pid: int,
                             deadline: float, handins: Path | None, work_spread: float = 20):
    """n simulated students joining over `spread` seconds; returns (records, wall, steady memory, peak)."""
    import psutil

    protocol.use_many_connections(max(50, 2 * n))
    peak = {"total_rss": 0, "kernels": 0, "server_rss": 0, "server_cpu": 0.0, "kernels_cpu": 0.0,
            "client_cpu": 0.0}
    stop_sampling = asyncio.Event()

    async def sampler():
        while not stop_sampling.is_set():
            sample = await asyncio.to_thread(sample_memory, server_pid)
            peak["total_rss"] = max(peak["total_rss"], sample.total_rss)
            with contextlib.suppress(Exception):  # the server process alone (a kernel being forked is not it)
                peak["server_rss"] = max(peak["server_rss"], psutil.Process(server_pid).memory_info().rss)
            peak["kernels"] = max(peak["kernels"], len(sample.kernels_rss))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop_sampling.wait(), timeout=0.5)

    sampling = asyncio.create_task(sampler())
    pages: list = []
    cpu_before, client_before, system_before = tree_cpu(server_pid), time.process_time(), _busy_cpu()
    wall_start = time.perf_counter()
    tasks = [asyncio.create_task(simulated_student(i + 1, url, spread * i / max(n - 1, 1), moves, timeout,
                                                   handins, pages)) for i in range(n)]
    try:
        done, pending = await asyncio.wait(tasks, timeout=max(deadline - time.monotonic(), 1))
        for task in pending:
            task.cancel()
        records = [t.result() if t in done and not t.cancelled()
                   else SimulatedStudent(i + 1, failure="over the time budget") for i, t in enumerate(tasks)]
        wall = time.perf_counter() - wall_start
        # The class at work: everyone joined; each student moves the slider once, spread over work_spread s.
        joined = [r for r in records if not r.failure and r.student is not None]

        async def work(record, start_in):
            await asyncio.sleep(start_in)
            try:
                record.working_slider_s, _ = await record.student.move_slider(timeout)
            except (asyncio.TimeoutError, TimeoutError, ConnectionError, LookupError, OSError) as exc:
                record.failure = f"slider, class at work: {type(exc).__name__}: {exc}"[:300]

        if joined and time.monotonic() + work_spread + timeout < deadline:
            await asyncio.gather(*(work(r, work_spread * i / len(joined)) for i, r in enumerate(joined)))
        await asyncio.sleep(2)  # let the last kernels settle before the steady reading
        steady = await asyncio.to_thread(sample_memory, server_pid, True)  # every page still open
        cpu_after = tree_cpu(server_pid)
        peak["measured"] = time.perf_counter() - wall_start  # the window of the CPU figures
        kernels = _kernel_pids(server_pid)
        peak["server_cpu"] = cpu_after.get(server_pid, 0) - cpu_before.get(server_pid, 0)
        peak["kernels_cpu"] = sum(cpu_after[p] - cpu_before.get(p, 0) for p in cpu_after if p in kernels)
        peak["client_cpu"] = time.process_time() - client_before
        # Everything else the machine ran meanwhile (other users' work takes the server's cores too).
        peak["other_cpu"] = max(0.0, _busy_cpu() - system_before - peak["server_cpu"] - peak["kernels_cpu"]
                                - peak["client_cpu"])
    finally:
        stop_sampling.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(sampling, timeout=5)
        await asyncio.gather(*(page.leave() for page in pages), return_exceptions=True)
    return records, wall, steady, peak


def _busy_cpu() -> float:
    """CPU seconds the whole machine spent busy (every core, every process) since boot."""
    import psutil

    times = psutil.cpu_times()
    return times.user + times.nice + times.system + getattr(times, "irq", 0) + getattr(times, "softirq", 0)


def protocol_report(records: list[SimulatedStudent], wall: float, steady: MemorySample, peak: dict, *,
                    target: str, spread: float, moves: int, handins: Path | None, load_before: float) -> str:
    n = len(records)
    ok = [r for r in records if not r.failure]
    failed = [r for r in records if r.failure]

    def column(name):
        return [getattr(r, name) for r in records if getattr(r, name) is not None]

    sliders = [s for r in records for s in r.slider_s]
    handed = len(list(handins.glob("*.json"))) if handins is not None and handins.is_dir() else 0
    kernels = len(steady.kernels_rss)
    lines = [
        f"Classroom load test at the protocol level, {date.today().isoformat()}: {n} simulated students joining "
        f"over {spread:.0f} s (HTTP + the kernel websocket from one asyncio process, no browser), {target} on "
        f"127.0.0.1",
        f"machine: {machine()}; {versions()}; load average before the run {load_before:.1f} "
        f"(other work on the machine shares its cores)",
        "",
        f"{'seconds':<44}{'median':>8} {'p95':>8} {'min':>8} {'max':>8}",
        f"{'first render (request -> widgets live)':<44}{describe(column('render_s'))}",
        f"{'  of which: page first byte':<44}{describe(column('first_byte_s'))}",
        f"{'  kernel id in the page (kernel started)':<44}{describe(column('kernel_s'))}",
        f"{'  page complete (notebook ran)':<44}{describe(column('page_s'))}",
        f"{f'slider -> new chart, while joining ({moves} each)':<44}{describe(sliders)}",
        f"{'slider -> new chart, everyone joined (1 each)':<44}{describe(column('working_slider_s'))}",
        f"{'hand-in (name typed -> file on disk)':<44}{describe(column('handin_s'))}",
        f"failures: {len(failed)}/{n}; everyone done after {wall:.1f} s"
        + (f"; hand-in files: {handed} for {sum(1 for r in ok if r.handin_s is not None)} students who handed in"
           if handins is not None else ""),
        f"CPU used meanwhile: server {peak['server_cpu']:.0f} s, kernels {peak['kernels_cpu']:.0f} s "
        f"({peak['kernels_cpu'] / n:.1f} s a student), this simulator {peak['client_cpu']:.0f} s, other "
        f"processes on the machine {peak['other_cpu']:.0f} s, in {peak['measured']:.0f} s (joining, everyone's "
        f"slider move, 2 s): {os.cpu_count()} cores x {peak['measured']:.0f} s = "
        f"{os.cpu_count() * peak['measured']:.0f} s available",
        "",
        "memory (psutil)                                 RSS MiB    USS MiB",
        f"{'server (alone), every page open':<44}{steady.server_rss / MiB:9.0f}  {steady.server_uss / MiB:9.0f}",
        f"{'server (alone), peak':<44}{peak['server_rss'] / MiB:9.0f}",
        f"{f'{kernels} kernels, total':<44}{sum(steady.kernels_rss) / MiB:9.0f}  {sum(steady.kernels_uss) / MiB:9.0f}",
        f"{'one kernel, mean':<44}{_mean(steady.kernels_rss) / MiB:9.0f}  {_mean(steady.kernels_uss) / MiB:9.0f}",
        f"{'one kernel, max':<44}{max(steady.kernels_rss, default=0) / MiB:9.0f}  "
        f"{max(steady.kernels_uss, default=0) / MiB:9.0f}",
        f"{'server + kernels, every page open':<44}{steady.total_rss / MiB:9.0f}  {steady.total_uss / MiB:9.0f}",
        f"{'server + kernels, peak':<44}{peak['total_rss'] / MiB:9.0f}   (most kernels at once: {peak['kernels']})",
    ]
    if failed:
        lines += ["", "failures:"] + [f"  student {r.number} (joined at {r.joined_at:.0f} s): {r.failure}"
                                      for r in failed[:20]]
    return "\n".join(lines)


def run_protocol(args, budget: float, started: float) -> int:
    """--protocol: the classroom server (or, with --plain-voila, what make app serves), n simulated students."""
    deadline = started + budget - 30  # keep time to stop the server and the kernels
    if args.plain_voila:
        server_cm, target = voila_server(), "plain Voila (make app's explorer)"
    else:
        reason = protocol.classroom_missing_reason()
        if reason:
            print(f"error: {reason}; run with --plain-voila to measure make app's Voila instead", file=sys.stderr)
            return 2
        server_cm = protocol.classroom_server(students=max(args.students, args.cap or 0),
                                              cull_after=max(1800, int(budget)))
        target = "the classroom server (python -m toolkit classroom --host 127.0.0.1)"
    with server_cm as server:
        if args.plain_voila:
            url, pid, handins, log = server.url, server.process.pid, None, server
        else:
            url, pid, handins, log = server.student_url, server.pid, server.handins, server.server
        print(f"{target}: {url} (pid {pid}); {args.students} students over {args.spread:.0f} s ...", flush=True)
        load_before = os.getloadavg()[0]
        records, wall, steady, peak = asyncio.run(protocol_classroom(
            url, args.students, args.spread, args.moves, args.timeout, pid, deadline, handins))
        print(protocol_report(records, wall, steady, peak, target=target, spread=args.spread, moves=args.moves,
                              handins=handins, load_before=load_before))
        failures = sum(1 for r in records if r.failure)
        if failures:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(log.log_path, SCREENSHOTS / "server-protocol.log")
            print(f"\nthe server's log: {(SCREENSHOTS / 'server-protocol.log').relative_to(ROOT)}; its last lines:\n"
                  + log.log_tail(12), file=sys.stderr)
    return 1 if failures else 0


# ------------------------------------------------------------------------------ main


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30, help="pages opened at once (default 30, at most 200)")
    parser.add_argument("--contexts", type=int, default=5, help="browser contexts the pages are spread over")
    parser.add_argument("--timeout", type=float, default=240, help="seconds for each wait of a student (default 240)")
    parser.add_argument("--budget", type=float, default=MAX_BUDGET_S,
                        help="seconds for the whole run, start-up included (at most 600)")
    parser.add_argument("--preheat", action="store_true",
                        help="Voila's pre-heated kernels: a pool of --students kernels that ran the notebook "
                             "in advance")
    parser.add_argument("--fill-delay", type=float, default=None,
                        help="with --preheat: seconds before Voila replaces a kernel a page took (Voila's default 1)")
    parser.add_argument("--iopub-timeout", type=int, default=None,
                        help="Voila's VoilaExecutor.iopub_timeout: seconds to wait for a cell's output once it ran "
                             "(nbclient's default 4)")
    parser.add_argument("--server-cores", type=int, default=0,
                        help="pin Voila and its kernels to this many cores and Chromium to the others, so the browsers "
                             "do not take the server's CPU (default 0: everything shares every core)")
    parser.add_argument("--kernel-memory", action="store_true",
                        help="measure one kernel running the explorer alone, then each notebook's kernel, and exit")
    parser.add_argument("--protocol", action="store_true",
                        help="simulate the students at the protocol level (HTTP + the kernel websocket, no browser) "
                             "against the classroom server: the server's figures, not Chromium's")
    parser.add_argument("--plain-voila", action="store_true",
                        help="with --protocol: against what make app serves (plain Voila, no hand-in) instead")
    parser.add_argument("--spread", type=float, default=60,
                        help="with --protocol: seconds over which the students join (default 60)")
    parser.add_argument("--moves", type=int, default=3,
                        help="with --protocol: slider moves per student, each timed to the new chart (default 3)")
    parser.add_argument("--cap", type=int, default=0,
                        help="with --protocol: the server's --students (most kernels at once; default: --students)")
    parser.add_argument("--kernel-cost", action="store_true",
                        help="CPU of one classroom kernel step by step (start, imports, the page, a move), and exit")
    args = parser.parse_args(argv)
    if args.kernel_cost:
        print(kernel_cost())
        return 0
    if args.kernel_memory:
        print(kernel_memory(), flush=True)
        print()
        print(notebook_kernel_memory(), flush=True)
        print()
        print(lab_server_memory())
        return 0
    if not 1 <= args.students <= MAX_STUDENTS:
        parser.error(f"--students must be 1..{MAX_STUDENTS}")
    budget = min(args.budget, MAX_BUDGET_S)
    if args.protocol:
        return _with_backstop(budget, lambda: run_protocol(args, budget, time.monotonic()))
    if support.chromium_executable() is None:
        print("error: no Chromium (apt-get install chromium, or set CHROMIUM=/path/to/chromium)", file=sys.stderr)
        return 2
    contexts = max(1, min(args.contexts, args.students))
    server_cores = None
    if args.server_cores:
        available = sorted(os.sched_getaffinity(0))
        if not 0 < args.server_cores < len(available):
            parser.error(f"--server-cores must leave at least one of the {len(available)} cores to the browser")
        server_cores = set(available[:args.server_cores])
        os.sched_setaffinity(0, set(available[args.server_cores:]))  # this process, Playwright and Chromium
    deadline = time.monotonic() + budget - 45  # keep time to stop the browser, the server and the kernels

    def run() -> int:
        with voila_server(preheat=args.students if args.preheat else 0, fill_delay=args.fill_delay,
                          pool_timeout=max(60.0, deadline - time.monotonic() - 120), cores=server_cores,
                          iopub_timeout=args.iopub_timeout) as server:
            print(f"Voila serving {server.url} (pid {server.process.pid}); {args.students} students ...", flush=True)
            students, wall, steady, peak = asyncio.run(classroom(
                server.url, args.students, contexts, int(args.timeout * 1000), server.process.pid, deadline))
            delay = args.fill_delay if args.fill_delay is not None else 1  # Voila's default
            mode = (f"pre-heated pool of {args.students} kernels (fill_delay {delay:g} s)" if args.preheat
                    else "no pre-heated kernels")
            if args.iopub_timeout is not None:
                mode += f"; VoilaExecutor.iopub_timeout={args.iopub_timeout}"
            if server_cores:
                mode += (f"; Voila and kernels pinned to {len(server_cores)} core(s), Chromium to the other "
                         f"{os.cpu_count() - len(server_cores)}")
            print(report(students, wall, steady, peak, contexts, mode))
            failures = sum(1 for s in students if s.failure)
            if failures:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                shutil.copy(server.log_path, SCREENSHOTS / "voila.log")
                print(f"\nVoila's log: {(SCREENSHOTS / 'voila.log').relative_to(ROOT)}; its last lines:\n"
                      + server.log_tail(12), file=sys.stderr)
        return 1 if failures else 0

    return _with_backstop(budget, run, margin=20)


def _with_backstop(budget: float, run, margin: float = 10) -> int:
    """run() under a SIGALRM backstop `margin` s before the budget: a hang ends the run (the servers are still
    stopped)."""
    started = time.monotonic()

    def out_of_time(_signum, _frame):
        raise Budget(f"the run went over its budget of {budget:.0f} s")

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(budget - margin))
    try:
        return run()
    except Budget as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        print(f"(whole run {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    sys.exit(main())
