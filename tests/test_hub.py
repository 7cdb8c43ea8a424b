"""A real JupyterHub on 127.0.0.1 with the repository's deploy/jupyterhub_config.py, used as a class would.

The hub runs the course's configuration with a test overlay (tests/browser_support.py, ``jupyter_hub``):
DummyAuthenticator, SimpleLocalProcessSpawner, home folders in a temporary folder, loopback ports, and a
clone of this repository's last commit as the shared copy (what /srv/smm-lab is on a server). Students go
through it over HTTP (the login form and the redirects, as a browser without scripts) and through the
REST and kernel APIs. One hub serves every test of this module; it is stopped at the end, and every
process it started is killed, even when a test fails.

Skipped without configurable-http-proxy (``make test`` installs it into node_modules/ with npm) or
without the test extras; failed instead when CI=true. The start script's own tests need no hub.
"""
import concurrent.futures
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_support as support  # noqa: E402

ROOT = support.ROOT
START_SCRIPT = ROOT / "deploy" / "start-student-server"
STUDENTS = [f"student{number}" for number in range(1, 6)]
FOLDER = "smm-lab"  # the student's copy, in their home (deploy/jupyterhub_config.py's STUDENT_FOLDER)
NOTEBOOK_00 = f"{FOLDER}/notebooks/00_start_here.ipynb"
DEFAULT_URL = f"/lab/tree/{NOTEBOOK_00}"

# The culling test: servers idle for CULL_TIMEOUT s are stopped; activity is reported every 2 s.
CULL_TIMEOUT = 8
CULL_GROUP = ["idle-student", "busy-student"]
TEST_OVERLAY = f"""
# Short time-outs for the tests: students' servers report activity every 2 s, the hub reads the proxy's
# every 2 s, and the repository's idle culler (same command) stops servers idle for {CULL_TIMEOUT} s, checking every 2 s.
c.Spawner.environment["JUPYTERHUB_ACTIVITY_INTERVAL"] = "2"
c.JupyterHub.last_activity_interval = 2
culler = next(service for service in c.JupyterHub.services if service["name"] == "idle-culler")
culler["command"] = [arg for arg in culler["command"] if not arg.startswith(("--timeout=", "--cull-every="))]
culler["command"] += ["--timeout={CULL_TIMEOUT}", "--cull-every=2"]
# The culler's role keeps its scopes, narrowed to the culling test's two students, so that it does not
# stop the other tests' servers while they wait for something longer than {CULL_TIMEOUT} s.
role = next(role for role in c.JupyterHub.load_roles if role["name"] == "idle-culler")
role["scopes"] = [scope + "!group=cull-test" for scope in role["scopes"]]
c.JupyterHub.load_groups = {{"cull-test": {{"users": {CULL_GROUP!r}}}}}
"""

pytestmark = pytest.mark.hub


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def hub():
    support.require(support.hub_missing_reason(), "the JupyterHub tests")
    started = time.monotonic()
    with support.jupyter_hub(extra_config=TEST_OVERLAY) as running:
        print(f"\nhub up after {time.monotonic() - started:.1f} s at {running.url}")
        yield running
    print(f"\nhub stopped; {time.monotonic() - started:.1f} s with it running")


@pytest.fixture(scope="module")
def students(hub):
    """The five students, logged in at the same time through the login form; {name: (student, last response)}."""
    logged_in = {}

    def log_in(name):
        student = support.HubStudent(hub, name)
        started = time.perf_counter()
        response = student.log_in()
        student.get_token()
        return name, student, response, time.perf_counter() - started

    with concurrent.futures.ThreadPoolExecutor(len(STUDENTS)) as pool:
        for name, student, response, seconds in pool.map(log_in, STUDENTS):
            print(f"{name}: login -> notebook 00 page in {seconds:.1f} s")
            logged_in[name] = (student, response)
    yield logged_in
    for student, _ in logged_in.values():
        student.close()


def student(students, name) -> support.HubStudent:
    return students[name][0]


def notebook_cells(notebook: dict) -> list[tuple[str, str]]:
    return [(cell["cell_type"], "".join(cell["source"])) for cell in notebook["cells"]]


def kernel_for(person: support.HubStudent, path: str = NOTEBOOK_00) -> str:
    """Open the notebook the way JupyterLab does (a session); the id of its kernel."""
    return person.open_notebook(path)["kernel"]["id"]


# ---------------------------------------------------------------- the class


def test_five_students_log_in_and_land_on_notebook_00(hub, students):
    shared = json.loads((hub.lab_root / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    for name, (person, response) in students.items():
        # The redirects after the login form end at the default URL, served by the student's own server.
        assert response.status_code == 200
        assert urllib.parse.urlsplit(response.url).path == f"/user/{name}{DEFAULT_URL}", response.url
        assert "jupyter-config-data" in response.text, "not JupyterLab's page"
        page_config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                           response.text, flags=re.S).group(1))
        assert page_config["treePath"] == NOTEBOOK_00
        assert hub.server_state(name) == "ready"
        # The notebook itself, as JupyterLab then asks for it: the student's copy of the shared one.
        served = person.api("GET", f"contents/{NOTEBOOK_00}?content=1")
        assert served["type"] == "notebook" and served["writable"]
        assert notebook_cells(served["content"]) == notebook_cells(shared)
        assert (hub.home(name) / NOTEBOOK_00).is_file()


def test_each_student_edits_their_own_copy(hub, students):
    first, second = student(students, "student1"), student(students, "student2")
    shared_file = hub.lab_root / "notebooks" / "00_start_here.ipynb"
    shared_before = shared_file.read_bytes()
    model = first.api("GET", f"contents/{NOTEBOOK_00}?content=1")
    notebook = model["content"]
    notebook["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "student1 was here"})
    first.api("PUT", f"contents/{NOTEBOOK_00}", json={"type": "notebook", "format": "json", "content": notebook})

    assert "student1 was here" in notebook_cells(first.api("GET", f"contents/{NOTEBOOK_00}?content=1")["content"])[0][1]
    for name in STUDENTS[1:]:
        theirs = student(students, name).api("GET", f"contents/{NOTEBOOK_00}?content=1")["content"]
        assert "student1 was here" not in json.dumps(theirs), f"{name} sees student1's edit"
    assert shared_file.read_bytes() == shared_before, "the shared copy changed"
    # Nor can a student reach another's server with their own token.
    response = second.http.get(f"{first.base}api/contents/{NOTEBOOK_00}", allow_redirects=False, timeout=30,
                               headers={"Authorization": f"token {second.token}"})
    assert response.status_code == 403, response.status_code


def test_toolkit_doctor_passes_inside_a_students_server(hub, students):
    person = student(students, "student3")
    kernel = kernel_for(person)
    run = person.run(kernel, "import subprocess, sys\n"
                             "done = subprocess.run([sys.executable, '-m', 'toolkit', 'doctor'], capture_output=True,"
                             " text=True, timeout=180)\n"
                             "print(done.stdout, done.stderr)\n"
                             "print('exit status', done.returncode)", timeout=200)
    assert not run.error, run.error
    assert "exit status 0" in run.stdout, run.stdout + run.stderr
    # The kernel runs in the student's copy, with the shared (read-only) toolkit and data/, and the limits.
    run = person.run(kernel, "import os, toolkit, toolkit.data\n"
                             "print(os.getcwd()); print(toolkit.__file__); print(toolkit.data.BUNDLED_DATA)\n"
                             "print(os.environ.get('MEM_LIMIT'), os.environ.get('CPU_LIMIT'))")
    cwd, toolkit_file, data_folder, limits = run.stdout.splitlines()
    assert Path(cwd) == hub.home("student3") / FOLDER / "notebooks"
    assert not Path(toolkit_file).is_relative_to(hub.homes) and not Path(data_folder).is_relative_to(hub.homes)
    assert limits == f"{1024 ** 3} 1.0"  # deploy/jupyterhub_config.py: mem_limit 1G, cpu_limit 1
    # Notebook 00 runs top to bottom in the student's server.
    shared = json.loads((hub.lab_root / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    for kind, source in notebook_cells(shared):
        if kind == "code":
            run = person.run(kernel, source)
            assert not run.error and not run.stderr.strip(), f"{source[:80]!r}: {run.error or run.stderr}"


def test_a_saved_scenario_survives_the_server_being_stopped_and_started(hub, students):
    name = "student4"
    person = student(students, name)
    saved = person.run(kernel_for(person), "import toolkit\n"
                                           "s = toolkit.Scenario(profile='medium', horizon_months=36, clauses=('nda',))\n"
                                           "s.save('my_scenario.json'); print(s.to_dict())")
    assert not saved.error, saved.error
    hub.api("DELETE", f"users/{name}/server")
    hub.wait_for_state(name, "stopped", timeout=60)
    assert person.http.get(f"{person.base}api/status", timeout=30, allow_redirects=False,
                           headers={"Authorization": f"token {person.token}"}).status_code != 200

    response = person.log_in()  # a new login starts the server again, on the default URL
    assert urllib.parse.urlsplit(response.url).path == f"/user/{name}{DEFAULT_URL}"
    loaded = person.run(kernel_for(person), "import toolkit\n"
                                            "print(toolkit.Scenario.load('my_scenario.json').to_dict())")
    assert not loaded.error, loaded.error
    assert loaded.stdout == saved.stdout
    assert "'medium'" in loaded.stdout and "36" in loaded.stdout


def test_the_idle_culler_stops_a_server_left_idle(hub):
    idle, busy = (support.HubStudent(hub, name) for name in CULL_GROUP)
    stop = threading.Event()

    def keep_busy():  # a student at work: a request to their server every second
        while not stop.wait(1):
            with contextlib.suppress(Exception):  # a failed request shows as the server being culled
                busy.api("GET", f"contents/{FOLDER}/notebooks")

    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:  # both arrive; idle makes no request after
            idle_login, busy_login = pool.submit(idle.log_in), pool.submit(busy.log_in)
            idle_login.result()
            left_idle = time.monotonic()
            busy_login.result()
        busy.get_token()
        busy_since = time.monotonic()
        worker = threading.Thread(target=keep_busy, daemon=True)
        worker.start()
        hub.wait_for_state(idle.name, "stopped", timeout=CULL_TIMEOUT + 30)
        culled_after = time.monotonic() - left_idle
        print(f"\nidle server culled {culled_after:.1f} s after the student's last request (time-out {CULL_TIMEOUT} s)")
        # (The hub may date the last activity from the server's start, a moment before the login ends.)
        assert culled_after >= CULL_TIMEOUT / 2, "stopped long before the time-out: not the idle culler's doing"
        # The busy student keeps their server past the time it would have been culled idle (their login
        # + the time-out + a culler round + an activity report).
        while time.monotonic() < busy_since + CULL_TIMEOUT + 5:
            assert hub.server_state(busy.name) == "ready", "the culler stopped a server in use"
            time.sleep(0.5)
        assert (hub.home(idle.name) / NOTEBOOK_00).is_file(), "culling lost the student's files"
        assert "idle-culler" in hub.log_path.read_text(encoding="utf-8", errors="replace")
    finally:
        stop.set()
        idle.close()
        busy.close()


def test_an_nbgitpuller_link_updates_a_students_copy(hub, students):
    """The link of `python -m toolkit link`, followed the way nbgitpuller's page does it: the update the
    administrator pulled into the shared copy reaches the student, whose own edit stays."""
    from toolkit.link import nbgitpuller_link

    name = "student5"
    person = student(students, name)
    # The student edits notebook 00; the shared copy gets a new commit (a changed notebook 01 and a new file).
    model = person.api("GET", f"contents/{NOTEBOOK_00}?content=1")
    model["content"]["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "my notes"})
    person.api("PUT", f"contents/{NOTEBOOK_00}", json={"type": "notebook", "format": "json",
                                                       "content": model["content"]})
    (hub.lab_root / "notebooks" / "NEW_IN_THIS_UPDATE.md").write_text("new\n", encoding="utf-8")
    git = ["git", "-C", str(hub.lab_root), "-c", "user.name=teacher", "-c", "user.email=teacher@example.org"]
    subprocess.run([*git, "add", "notebooks/NEW_IN_THIS_UPDATE.md"], check=True, timeout=30)
    subprocess.run([*git, "commit", "--quiet", "-m", "update"], check=True, timeout=30)

    link = nbgitpuller_link(hub.url, repo=str(hub.lab_root))
    # The hub sends the logged-in student to nbgitpuller's page in their own server.
    page = person.http.get(link, timeout=60)
    assert page.status_code == 200 and urllib.parse.urlsplit(page.url).path == f"/user/{name}/git-pull", page.url
    body = re.search(r"<body([^>]*)>", page.text, flags=re.S).group(1)
    data = {key: urllib.parse.unquote(value) for key, value in re.findall(r'data-([a-z-]+)="([^"]*)"', body)}
    assert data["repo"] == str(hub.lab_root) and data["targetpath"] == FOLDER
    assert data["path"] == f"lab/tree/{NOTEBOOK_00}"
    # What the page's script then does: the pull (an event stream), then the redirect to the path.
    fields = {"_xsrf": data.get("xsrf"), "repo": data["repo"], "targetpath": data["targetpath"]}
    query = urllib.parse.urlencode({key: value for key, value in fields.items() if value is not None})
    events = []
    with person.http.get(f"{hub.url.rstrip('/')}{data['base-url']}git-pull/api?{query}", stream=True,
                         timeout=120) as stream:
        for line in stream.iter_lines(decode_unicode=True):
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
                if events[-1].get("phase") in ("finished", "error"):
                    break
    assert events and events[-1]["phase"] == "finished", events[-3:]
    opened = person.http.get(f"{hub.url.rstrip('/')}{data['base-url']}{data['path']}", timeout=60)
    assert opened.status_code == 200 and "jupyter-config-data" in opened.text

    assert (hub.home(name) / FOLDER / "notebooks" / "NEW_IN_THIS_UPDATE.md").is_file(), "the update did not arrive"
    mine = person.api("GET", f"contents/{NOTEBOOK_00}?content=1")["content"]
    assert notebook_cells(mine)[-1] == ("markdown", "my notes"), "the student's edit was lost"


# ---------------------------------------------------------------- the start script (no hub needed)


def start(lab_root: Path, home: Path, *command: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "SMM_LAB_ROOT": str(lab_root)}
    return subprocess.run([str(START_SCRIPT), *command], env=env, capture_output=True, text=True, timeout=60)


def test_the_start_script_clones_the_lab_once_then_runs_the_server(tmp_path):
    lab_root = support.shared_clone(tmp_path / "srv" / "smm-lab")
    home = tmp_path / "home"
    home.mkdir()
    done = start(lab_root, home, sys.executable, "-c", "import os, sys; print(os.getcwd(), sys.argv[1:])", "x")
    assert done.returncode == 0, done.stderr
    assert "['x']" in done.stdout  # the command ran, with its arguments
    copy = home / FOLDER
    for folder in ("notebooks", "app", "cases", "data"):
        assert (copy / folder).is_dir(), folder
    assert (copy / ".git").is_dir(), "not a git clone: nbgitpuller links could not update it"
    assert not list(home.glob("*.partial-*"))
    # Later starts leave the student's copy alone.
    (copy / "notebooks" / "00_start_here.ipynb").write_text("{}", encoding="utf-8")
    (copy / "notebooks" / "mine.json").write_text("{}", encoding="utf-8")
    assert start(lab_root, home, "true").returncode == 0
    assert (copy / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8") == "{}"
    assert (copy / "notebooks" / "mine.json").is_file()


def test_the_start_script_copies_when_the_shared_lab_is_not_a_git_clone(tmp_path):
    lab_root = tmp_path / "srv" / "smm-lab"
    for folder in ("notebooks", "app", "cases", "data", "docs"):
        shutil.copytree(ROOT / folder, lab_root / folder)
    home = tmp_path / "home"
    home.mkdir()
    done = start(lab_root, home, "true")
    assert done.returncode == 0, done.stderr
    assert (home / FOLDER / "notebooks" / "00_start_here.ipynb").is_file()
    assert (home / FOLDER / "cases").is_dir() and (home / FOLDER / "docs").is_dir()
    assert not (home / FOLDER / ".git").exists()


def test_the_start_script_fails_when_the_server_program_is_missing(tmp_path):
    lab_root = support.shared_clone(tmp_path / "srv" / "smm-lab")
    done = start(lab_root, tmp_path, "/nonexistent/jupyterhub-singleuser")
    assert done.returncode != 0
