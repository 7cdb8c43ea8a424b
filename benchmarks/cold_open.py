"""Cold open of the explorer against the import floor, side by side in one run (issue 11).

Each student's page in Voila starts a fresh kernel that runs the cell of ``app/explorer.ipynb``: import the
toolkit, load and check the data, build the dashboard and render its first charts. This benchmark starts
fresh Python processes, alternating, ``--runs`` times each (default 5):

(a) the floor: ``import pandas, matplotlib.pyplot, ipywidgets`` (what any such dashboard pays);
(b) the explorer's cold open: the code cell(s) of ``app/explorer.ipynb``, read from the notebook, run as a
    kernel runs them (the widgets' state is serialised as they are built, the two charts are drawn to SVG),
    with the dashboard's first charts in the chart cache (toolkit/widgets.py), as every student but the
    first of a class finds them;
(c) the same without the chart cache (the first student, or TOOLKIT_CHART_CACHE=off).

and prints the median CPU time (user + system, from the process's own rusage: what a busy 2-core machine
really pays per student), the median wall time, the peak RSS of each, and the ratio explorer / floor.
Target: ratio of the CPU medians <= 1.3. The two kinds of run alternate so that a neighbour's load
affects both alike; the CPU ratio is the figure to quote (the wall ratio moves with the machine's load).

``--kernel-memory``: RSS/USS/PSS of a real Jupyter kernel (jupyter_client + ipykernel) after it ran the
explorer cell and a few control changes: benchmarks/classroom_load.py's ``kernel_memory``, reused.
Target: RSS <= 150 MiB.

``--root DIR`` measures another checkout (its ``toolkit/``, ``data/`` and ``app/``), e.g. an older commit:
    git archive <commit> toolkit data app | tar -x -C /tmp/before
    .venv/bin/python benchmarks/cold_open.py --root /tmp/before --kernel-memory

``--profile`` prints where the explorer's construction spends its time (cProfile, after the imports and the
data load), by function of toolkit/widgets.py and toolkit/plots.py and the library calls below them.

Run:  .venv/bin/python benchmarks/cold_open.py [--runs 5] [--kernel-memory] [--profile] [--root DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = "import pandas, matplotlib.pyplot, ipywidgets"
TARGET_RATIO = 1.3
TARGET_RSS_MIB = 150
MAX_RUNS = 50
TIMEOUT_S = 120  # per process
MiB = 2 ** 20


def app_code(root: Path) -> str:
    """The code cells of app/explorer.ipynb, as Voila's kernel runs them (the last expression is shown)."""
    notebook = json.loads((root / "app" / "explorer.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    if not cells:
        raise SystemExit(f"{root / 'app' / 'explorer.ipynb'} has no code cell")
    # Run each cell like IPython does: statements executed, a final expression evaluated (kept alive, as the
    # kernel's Out does). ipywidgets serialises each widget's state when it is created, with or without a
    # front end, so the page's cost is paid here too; the charts are drawn while the dashboard is built.
    return "\n".join([
        "import ast",
        f"cells = {cells!r}",
        "namespace = {'__name__': '__main__'}",
        "shown = []",
        "for source in cells:",
        "    tree = ast.parse(source)",
        "    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None",
        "    exec(compile(tree, '<cell>', 'exec'), namespace)",
        "    if last is not None:",
        "        shown.append(eval(compile(ast.Expression(last.value), '<cell>', 'eval'), namespace))",
        "assert shown and shown[-1] is not None, 'the cell shows nothing'",
    ])


def child_env(root: Path) -> dict:
    """The environment of a measured process: this checkout's toolkit first (even over the editable install);
    bytecode cached as an installed package has it (PYTHONDONTWRITEBYTECODE, set in some shells, would make
    every run compile the toolkit's sources again, which no kernel of a real installation does)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return dict(env, MPLBACKEND="Agg", PYTHONPATH=str(root))


def run_once(code: str, root: Path, **extra_env: str) -> dict:
    """One fresh process running ``code`` in ``root``: its CPU (user + system) and wall seconds, peak RSS."""
    env = dict(child_env(root), **extra_env)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = start + TIMEOUT_S
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            raise SystemExit(f"a run took more than {TIMEOUT_S} s: {code[:60]!r}")
        time.sleep(0.005)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"the run failed ({process.returncode}):\n{process.stderr.read().decode()[-2000:]}")
    process.stderr.close()
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "rss": usage.ru_maxrss * 1024 / MiB}


def side_by_side(runs: int, root: Path) -> str:
    code = app_code(root)
    floor, explorer, first = [], [], []
    with tempfile.TemporaryDirectory(prefix="chart-cache-") as cache:
        # One of each first, not counted: the OS file cache, the toolkit's .pyc files, and the dashboard's
        # first charts in a fresh chart cache (toolkit/widgets.py), as the first student of a class leaves them.
        run_once(FLOOR, root)
        run_once(code, root, TOOLKIT_CHART_CACHE=cache)
        for _ in range(runs):
            floor.append(run_once(FLOOR, root))
            explorer.append(run_once(code, root, TOOLKIT_CHART_CACHE=cache))
            first.append(run_once(code, root, TOOLKIT_CHART_CACHE="off"))

    def med(samples, key):
        return statistics.median(s[key] for s in samples)

    ratio_cpu, ratio_wall = med(explorer, "cpu") / med(floor, "cpu"), med(explorer, "wall") / med(floor, "wall")
    verdict = "meets" if ratio_cpu <= TARGET_RATIO else "misses"
    rows = [f"Cold open of the explorer, {runs} runs each, alternating; {machine()}",
            f"checkout: {root}",
            f"{'':<52}{'CPU s':>8}{'wall s':>8}{'peak RSS MiB':>14}",
            f"{'(a) floor: ' + FLOOR[7:]:<52}{med(floor, 'cpu'):8.2f}{med(floor, 'wall'):8.2f}{med(floor, 'rss'):14.0f}",
            f"{'(b) explorer cold open':<52}{med(explorer, 'cpu'):8.2f}{med(explorer, 'wall'):8.2f}"
            f"{med(explorer, 'rss'):14.0f}",
            f"{'(c) ... without the chart cache (the first student)':<52}{med(first, 'cpu'):8.2f}"
            f"{med(first, 'wall'):8.2f}{med(first, 'rss'):14.0f}",
            f"ratio (b)/(a): CPU {ratio_cpu:.2f}, wall {ratio_wall:.2f} (target: CPU <= {TARGET_RATIO}: {verdict})",
            "runs, CPU s: floor " + " ".join(f"{s['cpu']:.2f}" for s in floor)
            + " | explorer " + " ".join(f"{s['cpu']:.2f}" for s in explorer)
            + " | first " + " ".join(f"{s['cpu']:.2f}" for s in first),
            f"ratio (c)/(a): CPU {med(first, 'cpu') / med(floor, 'cpu'):.2f}"]
    return "\n".join(rows)


def kernel_rss(root: Path) -> str:
    """classroom_load.kernel_memory (one real kernel running the explorer cell), in ``root``."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import classroom_load

    classroom_load.ROOT = root  # the kernel starts in root: its toolkit comes first on the kernel's sys.path
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as in child_env: the kernel uses cached bytecode
    return classroom_load.kernel_memory() + f"\ntarget: RSS <= {TARGET_RSS_MIB} MiB after the explorer is shown"


def profile(root: Path, top: int = 25) -> str:
    """cProfile of the explorer's construction alone (imports and data load done first), in a fresh process."""
    code = "\n".join([
        "import cProfile, io, pstats, time",
        "import toolkit", "from toolkit import widgets",
        "data = toolkit.load_dataset()",
        "profiler = cProfile.Profile()",
        "start = time.process_time()",
        "profiler.enable()", "dashboard = widgets.explorer(data)", "profiler.disable()",
        "cpu = time.process_time() - start",
        "out = io.StringIO()",
        "stats = pstats.Stats(profiler, stream=out).sort_stats('cumulative')",
        f"stats.print_stats(r'toolkit/(widgets|plots)\\.py', {top})",
        "stats.sort_stats('tottime').print_stats(15)",
        "print(f'explorer construction: {cpu:.2f} s CPU (without the profiler\\'s overhead: less)')",
        "print(out.getvalue())",
    ])
    env = child_env(root)
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                            timeout=TIMEOUT_S, check=True)
    return result.stdout


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help=f"processes of each kind (1-{MAX_RUNS}; default 5)")
    parser.add_argument("--kernel-memory", action="store_true", help="also the memory of a real kernel")
    parser.add_argument("--profile", action="store_true", help="also where the explorer's construction goes")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= MAX_RUNS:
        parser.error(f"--runs: expected 1 to {MAX_RUNS}")
    root = args.root.resolve()
    print(side_by_side(args.runs, root), flush=True)
    if args.kernel_memory:
        print("\n" + kernel_rss(root), flush=True)
    if args.profile:
        print("\n" + profile(root), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
