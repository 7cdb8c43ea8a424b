"""Servers, browser and page helpers shared by tests/test_browser.py and the benchmarks
(benchmarks/browser_latency.py, benchmarks/classroom_load.py): the one test-server harness.

Everything is bounded in time and cleaned up on exit, even on failure:

* ``jupyter_lab(root_dir)`` and ``voila_app(extra_flags, cpus)`` start a server on a free port of
  127.0.0.1 in its own process group, wait (at most ``SERVER_START_TIMEOUT`` s) until it answers, and
  stop the whole group (and any kernel it started) when the ``with`` block ends.
* ``chromium()`` launches Debian's Chromium through Playwright, with the flags that keep it
  quiet on a machine without internet access.
* ``run_all_in_lab``, ``drag_slider``, ``timed_slider_move`` and friends drive the pages with the mouse.

Voila is started with the notebook and flags ``make app`` uses: they are read from the Makefile.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "test-artifacts" / "screenshots"))

SERVER_START_TIMEOUT = 60  # seconds, per server
LATENCY_TARGET_MS = 500  # slider released -> new chart shown
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1600, "height": 1100}

# What a broken page shows (asserted absent).
FAILURE_TEXTS = ["Error displaying widget", "model not found", "Traceback (most recent call last)"]
STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
# Code on a page: a code cell's input area, its prompt, or an editor (markdown cells also have a
# .jp-InputArea, holding their rendered text).
CODE_SELECTOR = ".jp-CodeCell .jp-InputArea, .jp-InputPrompt, .jp-InputArea-editor, .cm-editor, .CodeMirror"
# A rendered widget view in an output (JupyterLab and Voila); while loading, the output reads
# "Loading widget...", on failure "Error displaying widget: ...".
WIDGET_VIEW = ".jp-OutputArea-output > .jupyter-widgets"

# The explorer's controls, found by their (English) labels.
HORIZON_LABEL = "Horizon (months)"
CLAUSE_LABEL = "GDPR art. 28 data processing agreement"
# Where to drop the horizon handle, as fractions of the track: every move lands on a different value
# (6..60 by 6: 54, 12, 42, 24, 60, 6, 36, 18, 48, ...).
MOVE_FRACTIONS = [0.9, 0.1, 0.7, 0.3, 1.0, 0.0, 0.55, 0.2, 0.8]


# ---------------------------------------------------------------- browser


def chromium_executable() -> str | None:
    """$CHROMIUM, else /usr/bin/chromium; None when neither is an executable file."""
    candidate = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    found = shutil.which(candidate)
    return found if found and os.access(found, os.X_OK) else None


def browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed (pip install -e '.[test]')"
    if chromium_executable() is None:
        where = f"CHROMIUM={os.environ['CHROMIUM']!r}" if os.environ.get("CHROMIUM") else "/usr/bin/chromium"
        return (f"no Chromium found at {where}: install Debian's (apt-get install chromium) "
                "or set CHROMIUM=/path/to/chromium")
    return None


@contextlib.contextmanager
def chromium():
    """A headless Chromium (Playwright Browser), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS,
                                             headless=True, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Let the page paint what just scrolled into view (JupyterLab skips off-screen cells) and the
    # pictures in view finish decoding: two animation frames, then the visible images.
    page.evaluate("""() => new Promise(done => {
      setTimeout(done, 2000);  // at most
      requestAnimationFrame(() => requestAnimationFrame(() =>
        Promise.all([...document.images].filter(img => img.getBoundingClientRect().bottom > 0 && !img.complete)
          .map(img => img.decode().catch(() => null))).then(done)));
    })""")
    page.screenshot(path=str(path), full_page=True)
    return path


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def makefile_variable(name: str) -> str:
    """The value of a one-line ``NAME := value`` (or ``?=``, ``=``) in the Makefile."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{name}\s*[:?]?=[ \t]*(.*?)[ \t]*$", text, flags=re.MULTILINE)
    if not match:
        raise LookupError(f"Makefile: no {name} = ... line")
    return match.group(1)


def app_command(port: int) -> list[str]:
    """What ``make app`` runs (same notebook, same flags), with sys.executable and the given port."""
    return [sys.executable, "-m", "voila", makefile_variable("APP_NOTEBOOK"),
            *shlex.split(makefile_variable("APP_FLAGS")), f"--port={port}"]


def _children(pid: int) -> list[int]:
    """Every descendant of pid (Linux /proc); [] elsewhere."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class Server:
    """A server process started by ``_serve``; url ends with '/'."""
    name: str
    process: subprocess.Popen
    log_path: Path
    url: str = ""
    token: str = ""
    root_dir: Path | None = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to the process group (the server shuts its kernels down), then SIGKILL what is left."""
        if self.process.poll() is not None:
            return
        leftovers = _children(self.process.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        for pid in leftovers:  # kernels run in their own sessions: end those still alive
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _in_the_server_process(cpus: set[int] | None) -> None:
    """Linux, in the server process before it starts: get SIGTERM should the test process die without
    cleaning up (kill -9); with ``cpus``, run (with the kernels it starts) on those CPUs only."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    if cpus:
        os.sched_setaffinity(0, cpus)


@contextlib.contextmanager
def _serve(name, command, *, port, ready, env=None, cwd=ROOT, workdir, cpus=None):
    """Start command in its own process group; wait for ready(); always stop it on exit."""
    log_path = Path(workdir) / f"{name}.log"
    linux = sys.platform.startswith("linux")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=cwd, env={**os.environ, **(env or {})}, start_new_session=True,
                                   preexec_fn=(lambda: _in_the_server_process(cpus)) if linux else None)
    server = Server(name, process, log_path, url=f"http://127.0.0.1:{port}/")
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not ready(server):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} while starting:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} did not answer on {server.url} within {SERVER_START_TIMEOUT} s:\n"
                                   f"{server.log_tail()}")
            time.sleep(0.25)
        yield server
    finally:
        server.stop()


# Lab settings for the tests: no news/update toast over the page.
_LAB_SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings":
                 '{"fetchNews": "false", "checkForUpdates": false}'}


@contextlib.contextmanager
def jupyter_lab(root_dir: Path | None = None):
    """JupyterLab on a temporary COPY of root_dir (default notebooks/), random token, 127.0.0.1."""
    with tempfile.TemporaryDirectory(prefix="smm-lab-") as workdir:
        work = Path(workdir)
        notebooks = work / "notebooks"
        shutil.copytree(root_dir or NOTEBOOKS, notebooks, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        settings = work / "settings"
        for relative, text in _LAB_SETTINGS.items():
            (settings / relative).parent.mkdir(parents=True, exist_ok=True)
            (settings / relative).write_text(text, encoding="utf-8")
        port, token = free_port(), secrets.token_hex(16)
        command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                   f"--ServerApp.root_dir={notebooks}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        env = {"JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"),
               "JUPYTER_RUNTIME_DIR": str(work / "runtime")}
        with _serve("jupyterlab", command, port=port, env=env, workdir=work,
                    ready=lambda s: _answers(f"{s.url}api/status?token={token}")) as server:
            server.token = token
            server.root_dir = notebooks
            yield server


@contextlib.contextmanager
def voila_app(extra_flags=(), cpus: set[int] | None = None):
    """What ``make app`` serves (Voila on app/explorer.ipynb), on a free port.

    ``extra_flags``: more Voila options (the classroom load test's kernel pool); ``cpus``: the CPUs
    the server and its kernels may use (kernels inherit the server's affinity); None: all.
    """
    with tempfile.TemporaryDirectory(prefix="smm-voila-") as workdir:
        port = free_port()
        # Polling "/" would run the notebook in a new kernel each time: wait for the port instead.
        with _serve("voila", [*app_command(port), *extra_flags], port=port, workdir=workdir, cpus=cpus,
                    ready=lambda s: _listening(port)) as server:
            yield server


def shut_down_lab_kernels(server: Server) -> None:
    """End every session of a JupyterLab server (frees the CPU between notebooks); quiet if the server is gone."""
    import json

    try:
        with urllib.request.urlopen(f"{server.url}api/sessions?token={server.token}", timeout=10) as response:
            sessions = json.load(response)
    except (OSError, ValueError):
        return
    for session in sessions:
        request = urllib.request.Request(f"{server.url}api/sessions/{session['id']}?token={server.token}",
                                         method="DELETE")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=20).close()


# ---------------------------------------------------------------- pages

# The status bar says "<kernel> | Idle" for the current notebook (the toolbar indicator alone also says
# idle before any kernel is attached), and the toolbar indicator agrees.
_KERNEL_IDLE = """() => {
  const item = document.querySelector('#jp-main-statusbar .jp-StatusBar-TextItem[title^="Change kernel"]');
  const text = item ? item.textContent.trim() : '';
  const indicator = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
  return /\\|\\s*Idle$/.test(text) && !text.startsWith('No Kernel')
      && indicator !== null && indicator.getAttribute('data-status') === 'idle';
}"""

# All code cells ran ([n] prompts), or an error output stopped Run All; and no cell is queued or running.
_RUN_FINISHED = """([stderrSelector]) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim());
  if (prompts.some(p => p.includes('*'))) return false;
  const done = prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p));
  return done || panel.querySelector(stderrSelector) !== null;
}"""

# No output still says "Loading widget..." (each shows its widget, or an error the checks catch).
_WIDGETS_SETTLED = """() => ![...document.querySelectorAll('.jp-OutputArea-output')].some(
  out => out.textContent.trim().startsWith('Loading widget'))"""


def open_in_lab(page, server: Server, notebook: str) -> None:
    """Open notebook in a fresh JupyterLab workspace and wait until its kernel is idle."""
    # Wait for elements, not for the "load" event (slow on a busy machine).
    page.goto(f"{server.url}lab/tree/{notebook}?reset&token={server.token}", wait_until="commit", timeout=60_000)
    page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(state="visible", timeout=60_000)
    page.wait_for_function(_KERNEL_IDLE, timeout=60_000)


def run_all_in_lab(page, timeout_ms: int = 90_000) -> None:
    """Run → Run All Cells with the mouse, then wait until every cell ran and the kernel is idle."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    page.wait_for_function(_RUN_FINISHED, arg=[STDERR_OUTPUT], timeout=timeout_ms)
    page.wait_for_function(_KERNEL_IDLE, timeout=timeout_ms)
    page.wait_for_function(_WIDGETS_SETTLED, timeout=timeout_ms)


def widget_calls(notebook: Path) -> int:
    """How many code cells of notebook call a dashboard (``widgets.<name>(``): each shows one widget."""
    import json

    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    return sum(1 for cell in cells if cell["cell_type"] == "code"
               and re.search(r"\bwidgets\.\w+\(", "".join(cell["source"])))


def page_problems(page, scope: str = "body") -> list[str]:
    """Signs of a broken notebook/dashboard in the page ([] when clean)."""
    problems = []
    text = page.locator(scope).first.text_content() or ""
    problems += [f"page shows {needle!r}" for needle in FAILURE_TEXTS if needle in text]
    for output in page.locator(STDERR_OUTPUT).all():
        problems.append(f"stderr/error output: {(output.text_content() or '')[:500]!r}")
    return problems


@dataclass
class Explorer:
    """Locators for the explorer dashboard in a page (Lab or Voila)."""
    page: object

    @property
    def horizon(self):
        return self.page.locator(".widget-slider", has=self.page.locator(".widget-label", has_text=HORIZON_LABEL))

    @property
    def chart(self):
        # The explorer's chart: the widget image that follows the controls (one per dashboard).
        return self.page.locator("img.widget-image").first

    @property
    def recommendations(self):
        return self.page.locator("ul.smm-recommendations").first

    def clause(self, label: str = CLAUSE_LABEL):
        return self.page.locator(".widget-checkbox", has_text=label).locator("input[type=checkbox]")

    def wait_ready(self, timeout_ms: int = 60_000) -> None:
        self.horizon.locator(".noUi-handle").wait_for(state="visible", timeout=timeout_ms)
        self.chart.wait_for(state="visible", timeout=timeout_ms)
        self.page.wait_for_function("(img) => img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0",
                                    arg=self.chart.element_handle(), timeout=timeout_ms)
        self.recommendations.wait_for(state="attached", timeout=timeout_ms)

    def wait_recommendations_changed(self, old: str, timeout_ms: int = 30_000) -> None:
        """The HTML widget replaces its content on update: query the list afresh each time."""
        self.page.wait_for_function(
            "([old]) => { const el = document.querySelector('ul.smm-recommendations');"
            " return el !== null && el.textContent !== old; }", arg=[old], timeout=timeout_ms)

    def wait_chart_changed(self, old_src: str, timeout_ms: int = 30_000) -> None:
        self.page.wait_for_function(
            "([old]) => { const img = document.querySelector('img.widget-image');"
            " return img !== null && img.getAttribute('src') !== old; }", arg=[old_src], timeout=timeout_ms)

    def horizon_value(self) -> str:
        return (self.horizon.locator(".widget-readout").text_content() or "").strip()

    def chart_src(self) -> str:
        return self.chart.get_attribute("src") or ""


def open_app(page, server: Server) -> "Explorer":
    """Open the Voila app and wait for the dashboard. Voila streams the page while the notebook runs:
    wait for the dashboard's elements rather than for the "load" event."""
    page.goto(server.url, wait_until="commit", timeout=60_000)
    explorer = Explorer(page)
    explorer.wait_ready()
    return explorer


def drag_slider(page, slider, fraction: float, release: bool = True) -> None:
    """Drag slider's noUi handle with the mouse to fraction (0..1) of its track."""
    handle, track = slider.locator(".noUi-handle"), slider.locator(".noUi-base")
    handle.scroll_into_view_if_needed()
    start, bar = handle.bounding_box(), track.bounding_box()
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(bar["x"] + fraction * bar["width"], y0, steps=6)
    if release:
        page.mouse.up()


# Armed before the mouse is released: records when the pointer is released, when the chart's src
# changes and when the new picture has loaded (performance.now(), ms).
_ARM_PROBE = """(img) => {
  const probe = window.__smmProbe = {release: null, src: null, load: null};
  const released = () => { if (probe.release === null) probe.release = performance.now(); };
  window.addEventListener('pointerup', released, {capture: true, once: true});
  window.addEventListener('mouseup', released, {capture: true, once: true});
  const observer = new MutationObserver(() => {
    if (probe.src === null) { probe.src = performance.now(); observer.disconnect(); }
  });
  observer.observe(img, {attributes: true, attributeFilter: ['src']});
  img.addEventListener('load', () => { if (probe.load === null) probe.load = performance.now(); }, {once: true});
}"""


@dataclass
class Move:
    before: str  # slider readout before and after
    after: str
    src_ms: float  # release -> chart src changed
    load_ms: float  # release -> new chart image loaded


def timed_slider_move(explorer: Explorer, fraction: float, timeout_ms: int = 30_000) -> Move:
    """Drag the horizon slider with the mouse and time release -> new chart; AssertionError if no change."""
    page = explorer.page
    before, old_src = explorer.horizon_value(), explorer.chart_src()
    drag_slider(page, explorer.horizon, fraction, release=False)
    page.evaluate(_ARM_PROBE, explorer.chart.element_handle())
    page.mouse.up()
    try:
        page.wait_for_function("() => window.__smmProbe.src !== null && window.__smmProbe.load !== null",
                               timeout=timeout_ms)
    except Exception as exc:  # playwright TimeoutError: say what did not happen
        raise AssertionError(f"chart did not change within {timeout_ms} ms after moving the horizon slider "
                             f"from {before} (readout now {explorer.horizon_value()})") from exc
    probe = page.evaluate("() => window.__smmProbe")
    after = explorer.horizon_value()
    assert after != before, f"the horizon slider did not move ({before})"
    assert explorer.chart_src() != old_src, "chart src unchanged"
    return Move(before, after, probe["src"] - probe["release"], probe["load"] - probe["release"])


def timed_moves(explorer: Explorer, count: int) -> list[Move]:
    return [timed_slider_move(explorer, MOVE_FRACTIONS[i % len(MOVE_FRACTIONS)]) for i in range(count)]


def median_ms(moves: list[Move], field: str = "src_ms") -> float:
    return statistics.median(getattr(move, field) for move in moves)


def describe_moves(label: str, moves: list[Move]) -> str:
    lines = [f"{label}: slider released -> new chart (target <= {LATENCY_TARGET_MS} ms)"]
    for index, move in enumerate(moves, 1):
        lines.append(f"  move {index}: horizon {move.before:>2} -> {move.after:>2}: "
                     f"src changed {move.src_ms:6.0f} ms, image loaded {move.load_ms:6.0f} ms")
    src, load = median_ms(moves), median_ms(moves, "load_ms")
    verdict = "within" if load <= LATENCY_TARGET_MS else "OVER"
    lines.append(f"  median: src changed {src:.0f} ms, image loaded {load:.0f} ms "
                 f"({verdict} the {LATENCY_TARGET_MS} ms target)")
    return "\n".join(lines)
