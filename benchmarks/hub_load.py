"""Through JupyterHub: N students arrive within a minute, log in and open notebook 00; time and memory.

What it does (loopback only, bounded in time and count, no browser):

1. starts a real JupyterHub on 127.0.0.1 with deploy/jupyterhub_config.py and the tests' overlay
   (tests/browser_support.py: DummyAuthenticator, SimpleLocalProcessSpawner, temporary homes,
   configurable-http-proxy from node_modules/);
2. N students arrive spread evenly over --arrival seconds (60: "within a minute"); each, in a thread of
   this process, does what a browser does over HTTP and the kernel API:
     * **page**: fills in the login form and follows the redirects (the hub starts their server, which
       clones the lab into their home) until JupyterLab's page for notebook 00 is served;
     * **notebook**: then the notebook itself (the contents API, as JupyterLab asks for it);
     * **kernel**: then opens it as JupyterLab does (a session: a kernel starts) and runs its first code
       cell (import the toolkit, load and validate data/) through the kernel's websocket;
     * **run all**: then runs every other code cell of notebook 00 (the table, the chart, the best clauses);
   each time counted from the moment the login form is sent;
3. with every student's server and kernel still running, reads the memory of each student's server and
   kernel (psutil: RSS, and USS = pages only that process uses), of the hub and of the proxy, and the CPU
   time they all used;
4. prints a table, then stops the hub, every server and kernel (even on error or Ctrl+C).

Limits: at most --students 60 and --budget 900 s for the whole run; every wait has a time-out; a SIGALRM
backstop ends the run if something hangs anyway.

Run:  .venv/bin/python benchmarks/hub_load.py --students 1
      .venv/bin/python benchmarks/hub_load.py --students 10
      .venv/bin/python benchmarks/hub_load.py --students 30
Needs: the test extras (jupyterhub, jupyterhub-idle-culler, requests, psutil) and `make proxy`.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import json
import math
import os
import platform
import signal
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import browser_support as support  # noqa: E402

MAX_STUDENTS = 60
MAX_BUDGET_S = 900
MiB = 2 ** 20
NOTEBOOK_00 = "smm-lab/notebooks/00_start_here.ipynb"
STEPS = ["page", "notebook", "kernel", "run all"]


@dataclass
class Student:
    name: str
    arrival_s: float  # planned, from the start of the run
    times: dict
    failure: str = ""


def code_cells() -> list[str]:
    notebook = json.loads((support.ROOT / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def one_student(hub, name: str, arrival_s: float, start: float, cells: list[str], timeout: float) -> Student:
    record = Student(name, arrival_s, {})
    time.sleep(max(0.0, start + arrival_s - time.monotonic()))
    person = support.HubStudent(hub, name)
    try:
        began = time.perf_counter()
        page = person.log_in(timeout=timeout)
        if not page.url.endswith("/lab/tree/" + NOTEBOOK_00):
            raise AssertionError(f"landed on {page.url}")
        record.times["page"] = time.perf_counter() - began
        served = person.http.get(f"{person.base}api/contents/{NOTEBOOK_00}?content=1", timeout=timeout)
        served.raise_for_status()
        if served.json()["type"] != "notebook":
            raise AssertionError("notebook 00 not served")
        record.times["notebook"] = time.perf_counter() - began
        person.get_token()
        kernel = person.open_notebook(NOTEBOOK_00)["kernel"]["id"]
        for index, source in enumerate(cells):
            run = person.run(kernel, source, timeout=timeout)
            if run.error:
                raise AssertionError(f"cell {index}: {run.error}")
            if index == 0:
                record.times["kernel"] = time.perf_counter() - began
        record.times["run all"] = time.perf_counter() - began
    except Exception as exc:  # noqa: BLE001 - a failed student is a result, not a crash
        record.failure = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
    finally:
        person.close()
    return record


# ------------------------------------------------------------------------------ processes and memory


def hub_processes(hub_pid: int) -> dict:
    """{'hub': [...], 'proxy': [...], 'culler': [...], 'servers': {user: process}, 'kernels': {user: [...]}, 'other': [...]}"""
    import psutil

    found = {"hub": [], "proxy": [], "culler": [], "servers": {}, "kernels": {}, "other": []}
    try:
        hub_process = psutil.Process(hub_pid)
        everyone = [hub_process, *hub_process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return found
    for process in everyone:
        try:
            command = " ".join(process.cmdline())
            if process.pid == hub_pid:
                found["hub"].append(process)
            elif "configurable-http-proxy" in command:
                found["proxy"].append(process)
            elif "jupyterhub_idle_culler" in command:
                found["culler"].append(process)
            elif "jupyterhub-singleuser" in command:
                found["servers"][process.environ().get("JUPYTERHUB_USER", str(process.pid))] = process
            elif "ipykernel_launcher" in command:
                owner = process.parent()
                user = owner.environ().get("JUPYTERHUB_USER", "?") if owner else "?"
                found["kernels"].setdefault(user, []).append(process)
            else:
                found["other"].append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def memory(process) -> tuple[int, int]:
    import psutil

    with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
        info = process.memory_full_info()
        return info.rss, info.uss
    return 0, 0


def cpu_seconds(hub_pid: int) -> float:
    import psutil

    total = 0.0
    with contextlib.suppress(psutil.NoSuchProcess):
        hub_process = psutil.Process(hub_pid)
        for process in [hub_process, *hub_process.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                times = process.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
    return total


# ------------------------------------------------------------------------------ report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def machine_line() -> str:
    import jupyter_server
    import jupyterhub
    import psutil

    cores = psutil.cpu_count()
    gib = psutil.virtual_memory().total / 2 ** 30
    return (f"machine: {cores} cores, {gib:.0f} GiB, {platform.system()} {platform.machine()}, Python "
            f"{platform.python_version()}; jupyterhub {jupyterhub.__version__}, jupyter_server "
            f"{jupyter_server.__version__}, configurable-http-proxy {proxy_version()}")


def proxy_version() -> str:
    import subprocess

    with contextlib.suppress(Exception):
        return subprocess.run([support.proxy_executable(), "--version"], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    return "?"


def report(students: list[Student], arrival: float, wall: float, cpu: float, processes: dict, cores: int,
           load: tuple[float, float]) -> str:
    done = [s for s in students if not s.failure]
    lines = [f"Through JupyterHub, {date.today().isoformat()}: {len(students)} students arriving within "
             f"{arrival:.0f} s, loopback, no browser (HTTP and the kernel API)",
             machine_line(),
             f"load average (1 min) before the run {load[0]:.2f}, after {load[1]:.2f}: other work on the machine "
             "shows here", "",
             "seconds from the login form sent        median      p95      min      max"]
    labels = {"page": "JupyterLab page of notebook 00", "notebook": "+ notebook 00 served (contents)",
              "kernel": "+ kernel started, first cell run", "run all": "+ every cell of notebook 00 run"}
    for step in STEPS:
        values = [s.times[step] for s in done if step in s.times]
        if values:
            lines.append(f"{labels[step]:<38}{statistics.median(values):>8.1f} {percentile(values, 0.95):>8.1f} "
                         f"{min(values):>8.1f} {max(values):>8.1f}")
    lines.append(f"every student done after {wall:.1f} s; failures: {len(students) - len(done)}/{len(students)}")
    lines.append(f"CPU used meanwhile: hub, proxy, servers and kernels {cpu:.0f} s "
                 f"({cpu / max(1, len(students)):.1f} s a student); {cores} cores x {wall:.0f} s = "
                 f"{cores * wall:.0f} s available")
    for student in students:
        if student.failure:
            lines.append(f"  {student.name} (arrived at {student.arrival_s:.0f} s): {student.failure}")

    servers = [memory(p) for p in processes["servers"].values()]
    kernels = [memory(p) for group in processes["kernels"].values() for p in group]
    hub_rss = sum(memory(p)[0] for p in processes["hub"] + processes["culler"])
    hub_uss = sum(memory(p)[1] for p in processes["hub"] + processes["culler"])
    proxy = [memory(p) for p in processes["proxy"]]
    lines += ["", "memory with every student's server and kernel running (psutil)  RSS MiB    USS MiB"]

    def row(label, pairs, mean=False):
        if not pairs:
            return
        rss, uss = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
        if mean:
            rss, uss = rss / len(pairs), uss / len(pairs)
        lines.append(f"{label:<62}{rss / MiB:>9.0f} {uss / MiB:>10.0f}")

    row("hub and idle culler", [(hub_rss, hub_uss)])
    row("proxy (configurable-http-proxy)", proxy)
    row(f"{len(servers)} student servers (jupyterhub-singleuser), total", servers)
    row("one student server, mean", servers, mean=True)
    row(f"{len(kernels)} kernels (notebook 00 run), total", kernels)
    row("one kernel, mean", kernels, mean=True)
    if servers and kernels and len(servers) == len(kernels):
        per_student = [(s[0] + k[0], s[1] + k[1]) for s, k in zip(servers, kernels)]
        row("one student: server + kernel, mean", per_student, mean=True)
        row("everything (hub, proxy, servers, kernels)", [(hub_rss, hub_uss), *proxy, *servers, *kernels])
    return "\n".join(lines)


# ------------------------------------------------------------------------------ main


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10, help=f"how many (1..{MAX_STUDENTS}; default 10)")
    parser.add_argument("--arrival", type=float, default=60.0,
                        help="seconds over which they arrive, evenly spread (default 60; 0: all at once)")
    parser.add_argument("--timeout", type=float, default=240.0, help="per student and step (default 240 s)")
    parser.add_argument("--budget", type=float, default=MAX_BUDGET_S, help=f"whole run (at most {MAX_BUDGET_S} s)")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= MAX_STUDENTS:
        parser.error(f"--students must be 1..{MAX_STUDENTS}")
    budget = min(args.budget, MAX_BUDGET_S)
    reason = support.hub_missing_reason()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2

    def backstop(signum, frame):
        raise TimeoutError(f"the run went over its budget of {budget:.0f} s")

    signal.signal(signal.SIGALRM, backstop)
    signal.alarm(int(budget) + 30)
    cells = code_cells()
    try:
        with support.jupyter_hub() as hub:
            import psutil

            hub_pid = hub.server.process.pid
            cpu_before = cpu_seconds(hub_pid)
            load_before = os.getloadavg()[0]
            spacing = args.arrival / args.students if args.students > 1 else 0.0
            start = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(args.students) as pool:
                futures = [pool.submit(one_student, hub, f"student{i + 1:02d}", i * spacing, start, cells,
                                       args.timeout) for i in range(args.students)]
                students = [future.result(timeout=budget) for future in futures]
            wall = time.monotonic() - start
            time.sleep(2)  # let the servers settle after the last cell
            cpu = cpu_seconds(hub_pid) - cpu_before
            load = (load_before, os.getloadavg()[0])
            print(report(students, args.arrival if args.students > 1 else 0, wall, cpu, hub_processes(hub_pid),
                         psutil.cpu_count(), load), flush=True)
            return 0 if all(not s.failure for s in students) else 1
    finally:
        signal.alarm(0)


if __name__ == "__main__":
    sys.exit(main())
