"""How long the explorer takes to answer a slider in a real browser, in JupyterLab and in Voila.

For each move the horizon slider's handle is dragged with the mouse and released; the time is measured
in the page from the release to (a) the chart's <img> getting its new src and (b) the new picture
having loaded. Prints every move, the medians and the target (<= 500 ms). A benchmark: it asserts
nothing (tests/test_browser.py checks that the chart changes); it exits with 2 when no browser is found.

    .venv/bin/python benchmarks/browser_latency.py [--moves 7] [--only lab|voila]

Needs Debian's Chromium (/usr/bin/chromium or $CHROMIUM) and the test extras (Playwright).
Servers, browser and the timed move come from tests/browser_support.py, shared with the tests.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import browser_support as support  # noqa: E402

EXPLORER_NOTEBOOK = "03_tradeoff_explorer.ipynb"


def measure(page, moves: int):
    explorer = support.Explorer(page)
    explorer.wait_ready()
    warm_up = support.timed_slider_move(explorer, support.MOVE_FRACTIONS[-1])
    return warm_up, support.timed_moves(explorer, moves)


def in_lab(browser, moves: int):
    with support.jupyter_lab() as lab:
        page = support.new_page(browser)
        support.open_in_lab(page, lab, EXPLORER_NOTEBOOK)
        support.run_all_in_lab(page)
        return measure(page, moves)


def in_voila(browser, moves: int):
    with support.voila_app() as app:
        page = support.new_page(browser)
        support.open_app(page, app)
        return measure(page, moves)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=7, help="timed moves per server (at least 5; default 7)")
    parser.add_argument("--only", choices=["lab", "voila"], help="measure one server only")
    args = parser.parse_args(argv)
    moves = max(args.moves, 5)
    reason = support.browser_missing_reason()
    if reason:
        print(f"browser_latency: cannot run: {reason}", file=sys.stderr)
        return 2
    print(f"explorer in a browser: slider released -> new chart; {moves} moves each, after one warm-up move")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"Chromium {support.chromium_executable()}")
    medians = {}
    with support.chromium() as browser:
        print(f"browser: Chromium {browser.version}")
        runs = [("JupyterLab (notebooks/" + EXPLORER_NOTEBOOK + ")", "lab", in_lab),
                ("Voila (make app: app/explorer.ipynb)", "voila", in_voila)]
        for label, key, run in runs:
            if args.only and args.only != key:
                continue
            started = time.monotonic()
            warm_up, timed = run(browser, moves)
            print()
            print(f"  warm-up: horizon {warm_up.before} -> {warm_up.after}: src changed {warm_up.src_ms:.0f} ms, "
                  f"image loaded {warm_up.load_ms:.0f} ms (not counted)")
            print(support.describe_moves(label, timed))
            print(f"  (server start, page and moves: {time.monotonic() - started:.1f} s)")
            medians[key] = (support.median_ms(timed), support.median_ms(timed, "load_ms"))
    print()
    print(f"summary (median, target <= {support.LATENCY_TARGET_MS} ms):")
    for key, (src, load) in medians.items():
        verdict = "ok" if load <= support.LATENCY_TARGET_MS else "OVER TARGET"
        print(f"  {key:6s} src changed {src:5.0f} ms   image loaded {load:5.0f} ms   {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
