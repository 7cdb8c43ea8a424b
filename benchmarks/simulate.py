"""Benchmark of the Monte Carlo simulation (prints figures; not a test).

Targets (issue: what-if at scale), measured in the same run on the 2-core machine:
* toolkit.simulate with 100,000 draws for all 9 services: median of 3 runs <= 1 s;
* >= 50x faster than a straightforward per-draw Python loop of the same model (the same
  formulas, toolkit.model._money and _compute, called once per draw, with the random
  multipliers drawn per draw). The loop runs on fewer draws and is scaled per draw.

Before timing, the loop is checked against the vectorised code on the same random
multipliers: both must give the same net benefit and the same decision in every draw.

Run: .venv/bin/python benchmarks/simulate.py [--loop-draws 2000]
"""
from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

import numpy as np

import toolkit
from toolkit.model import _compute, _money, _prepare
from toolkit.whatif import _PER_SERVICE, PERCENTILES, UNCERTAIN_INPUTS, _draw_factors, _with_factors

DRAWS = 100_000
RUNS = 3


def one_draw(inp, factors, columns):
    """The model for one draw: multipliers are numbers (per-service ones: arrays of all services)."""
    inhouse, fee, management, transition = _money(
        inp, volume=factors["volume"], hours=factors["inhouse_hours"][columns], salary=factors["salary"],
        fee=factors["fee"][columns], management=factors["management_hours"])
    if inp.eur_per_risk_point is None:
        risk = dict(chance_factor=np.full((1, 1), factors["likelihood"]), loss_factor=factors["impact"])
    else:
        risk = dict(loss_factor=factors["eur_per_risk_point"])
    one = replace(inp, inhouse_cost=inhouse, fee=fee, management=np.full(len(columns), management),
                  transition=transition, **risk)
    result = _compute(one, inp.base_mask)
    return np.reshape(result["net"], -1), np.reshape(result["outsource"], -1)


def loop_simulate(data, scenario, draws, seed=0):
    """The straightforward way: for each draw, draw its multipliers and run the model once."""
    inp = _prepare(data, scenario)
    every = list(data.services.index)
    columns = [every.index(s) for s in inp.services]
    ranges = {name: tuple(float(data.uncertainty.loc[name, c]) for c in ("min_factor", "mode_factor", "max_factor"))
              for name in UNCERTAIN_INPUTS}
    rng = np.random.default_rng(seed)
    nets, wins = [], []
    for _ in range(draws):
        factors = {}
        for name, (low, mode, high) in ranges.items():
            size = len(every) if name in _PER_SERVICE else None
            factors[name] = rng.triangular(low, mode, high, size) if high > low else (
                np.full(size, mode) if size else mode)
        net, outsource = one_draw(inp, factors, columns)
        nets.append(net)
        wins.append(outsource)
    nets, wins = np.array(nets), np.array(wins)
    return wins.mean(axis=0), np.percentile(nets, PERCENTILES, axis=0)


def check_same_model(data, scenario, draws=500):
    """The loop body and the vectorised code agree draw by draw on the same multipliers."""
    inp = _prepare(data, scenario)
    every = list(data.services.index)
    columns = [every.index(s) for s in inp.services]
    factors = _draw_factors(np.random.default_rng(1), data.uncertainty, draws, len(every))
    vector = _compute(_with_factors(inp, factors, columns), inp.base_mask)
    for d in range(draws):
        row = {name: (values[d] if name in _PER_SERVICE else values[d, 0]) for name, values in factors.items()}
        net, outsource = one_draw(inp, row, columns)
        np.testing.assert_allclose(net, vector["net"][d], rtol=1e-12, atol=1e-9)
        assert (outsource == vector["outsource"][d]).all()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loop-draws", type=int, default=2_000)
    args = parser.parse_args()
    data = toolkit.load_dataset()
    scenario = toolkit.Scenario()  # all 9 services
    check_same_model(data, scenario)
    check_same_model(data, scenario.replace(eur_per_risk_point=100.0, clauses=("nda", "dpa_art28")))

    toolkit.simulate(data, scenario, draws=10_000)  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = toolkit.simulate(data, scenario, draws=DRAWS, seed=0)
        times.append(time.perf_counter() - start)
    vector = statistics.median(times)

    start = time.perf_counter()
    loop_probability, _ = loop_simulate(data, scenario, args.loop_draws, seed=0)
    loop_seconds = time.perf_counter() - start
    per_draw = loop_seconds / args.loop_draws
    loop_scaled = per_draw * DRAWS
    ratio = loop_scaled / vector
    gap = np.abs(loop_probability - result.summary["probability_outsource"].to_numpy()).max()

    print(f"draws: {DRAWS:,} for all {len(result.summary)} services (seed 0)")
    print(f"vectorised toolkit.simulate: median {vector:.3f} s over {RUNS} runs "
          f"(min {min(times):.3f}, max {max(times):.3f}); target <= 1 s -> {'ok' if vector <= 1 else 'MISSED'}")
    print(f"per-draw Python loop of the same model: {loop_seconds:.2f} s for {args.loop_draws:,} draws = "
          f"{per_draw * 1e6:.0f} us a draw -> {loop_scaled:.1f} s for {DRAWS:,} draws (scaled)")
    print(f"speed-up: {ratio:.0f}x; target >= 50x -> {'ok' if ratio >= 50 else 'MISSED'}")
    print(f"same model: the loop and the vectorised code agree draw by draw (checked on 500 draws); "
          f"largest gap in P(outsource) between the two runs' own random draws: {gap:.3f}")


if __name__ == "__main__":
    main()
