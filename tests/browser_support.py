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
CLAUSE_LABEL = "Non-disclosure agreement"  # optional: the ones the law requires are ticked and locked
# Where to drop the horizon handle, as fractions of the track: every move lands on a different value
# (6..60 by 6: 54, 12, 42, 24, 60, 6, 36, 18, 48, ...).
MOVE_FRACTIONS = [0.9, 0.1, 0.7, 0.3, 1.0, 0.0, 0.55, 0.2, 0.8]


# ---------------------------------------------------------------- browser


def chromium_executable() -> str | None:
    """$CHROMIUM, else /usr/bin/chromium; None when neither is an executable file."""
    candidate = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    found = shutil.which(candidate)
    return found if found and os.access(found, os.X_OK) else None


def require(reason: str | None, what: str) -> None:
    """Skip the tests of ``what`` when they cannot run here (``reason``); under CI=true, fail instead,
    since CI installs everything they need and a skip there would hide a broken set-up."""
    import pytest

    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} must run in CI (CI=true) but {reason}", pytrace=False)
        pytest.skip(f"{what} skipped: {reason}")


@contextlib.contextmanager
def closing_page(browser):
    """A fresh page (its own context), closed afterwards: the body of every test's ``page`` fixture."""
    page = new_page(browser)
    try:
        yield page
    finally:
        page.context.close()


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


def browser_fixture(what: str = "browser tests", also_missing=lambda: None, screenshots: bool = True):
    """The module-scoped ``browser`` fixture of a browser test module: ``browser = browser_fixture()``.

    Skips ``what`` (fails under CI=true) without Playwright and Chromium, or when ``also_missing()`` gives
    a reason (e.g. axe-core not installed); ``screenshots``: say where they went at the end.
    """
    import pytest

    @pytest.fixture(scope="module")
    def browser():
        require(browser_missing_reason() or also_missing(), what)
        with chromium() as launched:
            yield launched
        if screenshots:
            print(f"\nbrowser test screenshots: {SCREENSHOTS}")
    return browser


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


# The kernel spec runs "python": this interpreter's folder first on the PATH, so that the kernels import
# the toolkit this test runs on (another Python on the PATH may hold another copy of it).
_PATH = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


@contextlib.contextmanager
def _serve(name, command, *, port, ready, env=None, cwd=ROOT, workdir, cpus=None):
    """Start command in its own process group; wait for ready(); always stop it on exit."""
    log_path = Path(workdir) / f"{name}.log"
    linux = sys.platform.startswith("linux")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=cwd, env={**os.environ, "PATH": _PATH, **(env or {})}, start_new_session=True,
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
    def horizon_row(self):
        """The horizon's number control: its labelled text box and its slider (toolkit.widgets._slider)."""
        return self.page.locator(".smm-number", has=self.page.locator(".widget-label", has_text=HORIZON_LABEL))

    @property
    def horizon(self):
        return self.horizon_row.locator(".widget-slider")

    @property
    def horizon_entry(self):
        return self.horizon_row.locator("input[type=text]")

    @property
    def chart(self):
        # The explorer's chart: the <img> (in an HTML widget) that follows the controls (one per dashboard).
        return self.page.locator("img.widget-image").first

    @property
    def recommendations(self):
        return self.page.locator("ul.smm-recommendations").first

    def clause(self, label: str = CLAUSE_LABEL):
        return self.page.locator(".widget-checkbox", has_text=label).locator("input[type=checkbox]")

    def wait_ready(self, timeout_ms: int = 60_000) -> None:
        # the slider's grip (its handle is hidden from the keyboard and screen readers: the text box is theirs)
        self.horizon.locator(".noUi-touch-area").wait_for(state="visible", timeout=timeout_ms)
        self.chart.wait_for(state="visible", timeout=timeout_ms)
        self.page.wait_for_function("() => { const img = document.querySelector('img.widget-image');"
                                    " return img !== null && img.src.startsWith('data:image/svg+xml')"
                                    " && img.complete && img.naturalWidth > 0; }", timeout=timeout_ms)
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
        return self.horizon_entry.input_value().strip()

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
    """Drag slider's noUi grip (the handle's touch area) with the mouse to fraction (0..1) of its track."""
    handle, track = slider.locator(".noUi-touch-area"), slider.locator(".noUi-base")
    handle.scroll_into_view_if_needed()
    start, bar = handle.bounding_box(), track.bounding_box()
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(bar["x"] + fraction * bar["width"], y0, steps=6)
    if release:
        page.mouse.up()


# Armed before the mouse is released: records when the pointer is released, when the chart's src
# changes (the HTML widget puts a new <img> in its place) and when the new picture has loaded
# (performance.now(), ms).
_ARM_PROBE = """(img) => {
  const probe = window.__smmProbe = {release: null, src: null, load: null};
  const released = () => { if (probe.release === null) probe.release = performance.now(); };
  window.addEventListener('pointerup', released, {capture: true, once: true});
  window.addEventListener('mouseup', released, {capture: true, once: true});
  const area = img.parentElement, old = img.getAttribute('src');
  const loaded = () => { if (probe.load === null) probe.load = performance.now(); };
  const observer = new MutationObserver(() => {
    const now = area.querySelector('img');
    if (probe.src !== null || now === null || now.getAttribute('src') === old) return;
    probe.src = performance.now();
    observer.disconnect();
    if (now.complete && now.naturalWidth > 0) loaded(); else now.addEventListener('load', loaded, {once: true});
  });
  observer.observe(area, {childList: true, subtree: true, attributes: true, attributeFilter: ['src']});
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


# ---------------------------------------------------------------- JupyterHub
# A real hub on loopback for tests/test_hub.py and benchmarks/hub_load.py: JupyterHub with the
# repository's deploy/jupyterhub_config.py and a test overlay (DummyAuthenticator,
# SimpleLocalProcessSpawner, temporary home folders), configurable-http-proxy from node_modules/
# (`make test` installs it there with npm), every port on 127.0.0.1. Students go through it over HTTP
# (the login form, the redirects to the default URL) and the REST and kernel APIs; no browser.

HUB_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
PROXY_BIN = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
SPAWN_TIMEOUT = 120  # seconds, login -> the student's server answers
STUDENT_PASSWORD = "any"  # DummyAuthenticator takes any password


def proxy_executable() -> str | None:
    """configurable-http-proxy: the project's node_modules/.bin (``make test`` installs it), else on PATH."""
    if PROXY_BIN.is_file() and os.access(PROXY_BIN, os.X_OK):
        return str(PROXY_BIN)
    return shutil.which("configurable-http-proxy")


def hub_missing_reason() -> str | None:
    """Why a hub cannot be started here (None when it can)."""
    for module in ("jupyterhub", "jupyterhub_idle_culler", "requests", "psutil"):
        try:
            __import__(module)
        except ImportError:
            return f"Python package {module} is not installed (pip install -e '.[test]', or make setup-test)"
    if proxy_executable() is None:
        return ("configurable-http-proxy not found in node_modules/.bin nor on PATH: `make proxy` installs it "
                "with npm (Debian: apt-get install nodejs npm)")
    if shutil.which("git") is None:
        return "git is not installed (deploy/start-student-server clones the lab with it)"
    return None


def _kill_processes_under(folder: Path) -> None:
    """SIGKILL every process whose working directory is inside folder (student servers and kernels
    left behind by a hub that died); Linux /proc, quiet elsewhere."""
    folder = str(Path(folder).resolve())
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        with contextlib.suppress(OSError, ValueError):
            if (os.readlink(cwd) + "/").startswith(folder + "/") and int(cwd.parent.name) != os.getpid():
                os.kill(int(cwd.parent.name), signal.SIGKILL)


@dataclass
class Hub:
    """A running hub (``jupyter_hub``): url ends with '/'; token: an admin service's API token."""
    server: Server
    url: str
    token: str
    homes: Path
    workdir: Path
    lab_root: Path  # the shared copy (SMM_LAB_ROOT)

    @property
    def log_path(self) -> Path:
        return self.server.log_path

    def log_tail(self, lines: int = 60) -> str:
        return self.server.log_tail(lines)

    def api(self, method: str, path: str, *, json=None, ok=(200, 201, 202, 204), timeout: float = 30):
        """The hub's REST API (``/hub/api/<path>``) with the admin token; the decoded JSON (None if empty)."""
        import requests

        with requests.Session() as http:
            http.trust_env = False  # loopback only, never a proxy from the environment
            response = http.request(method, f"{self.url}hub/api/{path}", json=json, timeout=timeout,
                                    headers={"Authorization": f"token {self.token}"})
        if response.status_code not in ok:
            raise AssertionError(f"{method} /hub/api/{path}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    def user(self, name: str) -> dict:
        return self.api("GET", f"users/{name}")

    def server_state(self, name: str) -> str:
        """'ready', 'pending' (starting or stopping) or 'stopped': the student's default server, as the hub sees it."""
        model = self.user(name)
        if model.get("pending"):
            return "pending"
        return "ready" if model.get("server") else "stopped"

    def wait_for_state(self, name: str, state: str, timeout: float = SPAWN_TIMEOUT) -> float:
        """Wait until the student's server is in state; the seconds it took."""
        started = time.monotonic()
        while (now := self.server_state(name)) != state:
            if time.monotonic() - started > timeout:
                raise AssertionError(f"{name}'s server still {now!r}, not {state!r}, after {timeout:.0f} s:\n"
                                     f"{self.log_tail()}")
            time.sleep(0.25)
        return time.monotonic() - started

    def home(self, name: str) -> Path:
        return self.homes / name


def hub_test_overlay(*, port: int, hub_port: int, proxy_api_port: int, workdir: Path, homes: Path, token: str,
                     extra: str = "") -> str:
    """The test overlay: the repository's config first, then only what a test machine needs instead of a
    real server's (who logs in, how servers start, where homes are, loopback ports, files in workdir),
    then ``extra`` (a test's short time-outs)."""
    venv_bin = Path(sys.executable).parent
    return f"""\
# Test overlay written by tests/browser_support.py: the course's settings come from the repository's file.
c = get_config()  # noqa
load_subconfig({str(HUB_CONFIG)!r})

# Who logs in and how servers start: any name and password, servers as local processes of this user.
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes)!r} + "/{{username}}"
# The repository's start script (this working tree's), running this environment's jupyterhub-singleuser.
assert c.Spawner.cmd[0].endswith("/deploy/start-student-server"), c.Spawner.cmd
c.Spawner.cmd = [{str(ROOT / "deploy" / "start-student-server")!r}, {str(venv_bin / "jupyterhub-singleuser")!r}]
c.Spawner.ip = "127.0.0.1"
{'c.Spawner.args.append("--allow-root")  # the tests run as root here: Jupyter refuses that unless told' if hasattr(os, "geteuid") and os.geteuid() == 0 else ""}

# Loopback only: the public proxy, the proxy's API, the hub; students' servers get free ports on 127.0.0.1.
c.JupyterHub.bind_url = "http://127.0.0.1:{port}/"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy_executable()!r}]
c.ConfigurableHTTPProxy.pid_file = {str(workdir / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///" + {str(workdir / "jupyterhub.sqlite")!r}
c.JupyterHub.cookie_secret_file = {str(workdir / "cookie_secret")!r}
c.JupyterHub.cleanup_servers = True

# An admin service whose token the test uses for the REST API.
c.JupyterHub.services.append({{"name": "test-admin", "api_token": {token!r}}})
c.JupyterHub.load_roles.append({{"name": "admin", "services": ["test-admin"]}})

{extra}
"""


def shared_clone(destination: Path) -> Path:
    """A git clone of this repository's last commit at destination: the hub's shared copy in the tests
    (what /srv/smm-lab is on a server), which a test may commit to without touching the repository."""
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{ROOT}", str(destination)], check=True,
                   timeout=60, stdin=subprocess.DEVNULL)
    return destination


@contextlib.contextmanager
def jupyter_hub(extra_config: str = "", env: dict | None = None, cpus: set[int] | None = None):
    """A real JupyterHub on 127.0.0.1 (free ports) with deploy/jupyterhub_config.py, the test overlay and
    ``extra_config``; its shared copy of the lab (SMM_LAB_ROOT, ``hub.lab_root``) is a clone of this
    repository's last commit in a temporary folder. Waits at most SERVER_START_TIMEOUT s for the hub to
    answer through the proxy; on exit stops the hub (which stops the students' servers and the proxy),
    then kills whatever is left (even when the test failed)."""
    with tempfile.TemporaryDirectory(prefix="smm-hub-") as workdir:
        work = Path(workdir)
        homes = work / "home"
        homes.mkdir()
        lab_root = shared_clone(work / "srv" / "smm-lab")
        port, hub_port, proxy_api_port = free_port(), free_port(), free_port()
        token = secrets.token_hex(32)
        config = work / "jupyterhub_test_config.py"
        config.write_text(hub_test_overlay(port=port, hub_port=hub_port, proxy_api_port=proxy_api_port,
                                           workdir=work, homes=homes, token=token, extra=extra_config),
                          encoding="utf-8")
        command = [sys.executable, "-m", "jupyterhub", "-f", str(config)]
        try:
            with _serve("jupyterhub", command, port=port, workdir=work, cwd=work, cpus=cpus,
                        env={"SMM_LAB_ROOT": str(lab_root), **(env or {})},
                        ready=lambda s: _answers(f"{s.url}hub/api/")) as server:
                yield Hub(server, server.url, token, homes, work, lab_root)
        finally:
            _kill_processes_under(work)


# A kernel message (Jupyter messaging protocol 5.3) sent over the server's websocket as JSON.
def _kernel_message(msg_type: str, content: dict, session: str) -> str:
    import json
    import uuid
    from datetime import datetime, timezone

    return json.dumps({"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "student",
                                  "session": session, "date": datetime.now(timezone.utc).isoformat(),
                                  "version": "5.3"},
                       "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []})


@dataclass
class KernelRun:
    """What a cell printed and returned in a kernel (``HubStudent.run``)."""
    stdout: str = ""
    stderr: str = ""
    result: str = ""  # text/plain of the execute_result
    error: str = ""  # "EName: value" when the cell raised
    seconds: float = 0.0


class HubStudent:
    """One student going through the hub the way a browser would, without one: the login form and the
    redirects (``log_in``), then their own server's REST API and a kernel through its websocket, with an
    API token of their own (``token``, issued by the hub's admin API)."""

    def __init__(self, hub: Hub, name: str):
        import requests

        self.hub, self.name = hub, name
        self.http = requests.Session()
        self.http.trust_env = False  # loopback only
        self.base = f"{hub.url}user/{name}/"
        self.token = ""

    def close(self) -> None:
        self.http.close()

    # -- the browser's path
    def log_in(self, timeout: float = SPAWN_TIMEOUT):
        """Fill in the login form; the hub starts the server and the redirects end at the default URL.
        Returns the last response (JupyterLab's page); AssertionError if the server fails or is too slow."""
        hub_url = f"{self.hub.url}hub/"
        self.http.get(f"{hub_url}login", timeout=30).raise_for_status()
        response = self.http.post(f"{hub_url}login", timeout=timeout,
                                  data={"username": self.name, "password": STUDENT_PASSWORD,
                                        "_xsrf": self.http.cookies.get("_xsrf", path="/hub/") or ""})
        deadline = time.monotonic() + timeout
        # A spawn slower than the hub's slow_spawn_timeout (10 s) ends on the spawn-pending page, which a
        # browser reloads (its script waits for the progress events): reload it until it leads to the server.
        while not (response.status_code == 200 and response.url.startswith(self.base)):
            if "spawn-pending" not in response.url and not response.url.startswith(hub_url):
                raise AssertionError(f"{self.name}: login ended at {response.url} ({response.status_code})")
            if self.hub.server_state(self.name) == "stopped" and "spawn-pending" in response.url:
                raise AssertionError(f"{self.name}'s server failed to start:\n{self.hub.log_tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}'s server not ready {timeout:.0f} s after login:\n"
                                     f"{self.hub.log_tail()}")
            time.sleep(0.25)
            response = self.http.get(f"{hub_url}spawn-pending/{self.name}", timeout=timeout)
        return response

    def get_token(self) -> str:
        """An API token for this student (the hub's admin API issues it): their own permissions."""
        self.token = self.hub.api("POST", f"users/{self.name}/tokens",
                                  json={"note": "test", "expires_in": 3600})["token"]
        return self.token

    # -- the student's own server
    def api(self, method: str, path: str, *, json=None, ok=(200, 201, 204), timeout: float = 60, token=None):
        """The student's server's REST API (``/user/<name>/api/<path>``) with their token (or ``token``)."""
        response = self.http.request(method, f"{self.base}api/{path}", json=json, timeout=timeout,
                                     headers={"Authorization": f"token {token or self.token}"},
                                     allow_redirects=False)
        if response.status_code not in ok:
            raise AssertionError(f"{self.name}: {method} {self.base}api/{path}: {response.status_code} "
                                 f"{response.text[:300]}")
        return response.json() if response.content else None

    def open_notebook(self, path: str) -> dict:
        """What JupyterLab does when a notebook opens: a session (and its kernel) for the file; the session model."""
        return self.api("POST", "sessions", json={"path": path, "name": Path(path).name, "type": "notebook",
                                                  "kernel": {"name": "python3"}})

    def run(self, kernel_id: str, code: str, timeout: float = 120) -> KernelRun:
        """Run code in the kernel through the server's websocket (/api/kernels/<id>/channels), as a
        notebook's cell does; what it printed and returned."""
        import asyncio

        return asyncio.run(asyncio.wait_for(self._run(kernel_id, code), timeout))

    async def _run(self, kernel_id: str, code: str) -> KernelRun:
        import json
        import uuid

        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        started = time.perf_counter()
        url = f"ws{self.base[4:]}api/kernels/{kernel_id}/channels"
        connection = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {self.token}"}))
        try:
            request = _kernel_message("execute_request", {
                "code": code, "silent": False, "store_history": False, "user_expressions": {},
                "allow_stdin": False, "stop_on_error": True}, session=uuid.uuid4().hex)
            msg_id = json.loads(request)["header"]["msg_id"]
            await connection.write_message(request)
            run, idle, replied = KernelRun(), False, False
            while not (idle and replied):
                text = await connection.read_message()
                if text is None:
                    raise ConnectionError(f"{self.name}: the kernel's websocket closed before the cell finished")
                message = json.loads(text)
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = message["msg_type"], message["content"]
                if kind == "stream":
                    setattr(run, content["name"], getattr(run, content["name"]) + content["text"])
                elif kind == "execute_result":
                    run.result = content["data"].get("text/plain", "")
                elif kind == "error":
                    run.error = f"{content['ename']}: {content['evalue']}"
                elif kind == "status" and content["execution_state"] == "idle":
                    idle = True
                elif kind == "execute_reply":
                    replied = True
            run.seconds = time.perf_counter() - started
            return run
        finally:
            connection.close()
