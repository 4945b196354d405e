#!/usr/bin/env python3
"""Times SciPy's linear_sum_assignment on the matrices `flowtune bench assignment --write-matrices DIR`
wrote, and checks that its optimal costs agree with Flowtune's (manifest.json).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy scipy
    /tmp/venv/bin/python Benchmarks/assignment/scipy_reference.py DIR [--repeats 3]

Ineligible pairs are +inf in the matrices; SciPy treats them as forbidden. Every matrix written has
a full assignment of its shorter side, which is what linear_sum_assignment requires.
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory")
    parser.add_argument("--repeats", type=int, default=3, help="solves timed per matrix")
    args = parser.parse_args()

    with open(os.path.join(args.directory, "manifest.json")) as handle:
        manifest = json.load(handle)
    print(f"scipy {scipy.__version__}, numpy {np.__version__}: linear_sum_assignment, {args.repeats} solves per matrix")

    kinds: dict[str, dict[str, list[float]]] = {}
    disagreements = 0
    for entry in manifest:
        matrix = np.load(os.path.join(args.directory, entry["file"]))
        assert matrix.shape == (entry["rows"], entry["columns"]), entry
        wall, cpu = [], []
        for _ in range(max(1, args.repeats)):
            started, cpu_started = time.perf_counter(), time.thread_time()
            rows, columns = linear_sum_assignment(matrix)
            cpu.append(time.thread_time() - cpu_started)
            wall.append(time.perf_counter() - started)
        optimum = float(matrix[rows, columns].sum())
        assigned = len(rows)
        agrees = assigned == entry["assigned"] and abs(optimum - entry["optimum"]) <= 1e-9 * max(1.0, abs(optimum))
        disagreements += not agrees
        print(
            f"  {entry['kind']} seed {entry['seed']}: {matrix.shape[0]}×{matrix.shape[1]}, {assigned} assigned, "
            f"optimum {optimum:.6f} (Flowtune {entry['optimum']:.6f}, {'agrees' if agrees else 'DIFFERS'}), "
            f"solve {statistics.median(wall) * 1e3:.1f} ms"
        )
        times = kinds.setdefault(entry["kind"], {"wall": [], "cpu": []})
        times["wall"] += wall
        times["cpu"] += cpu
    for kind, times in kinds.items():
        wall = sorted(times["wall"])
        print(
            f"  {kind}: median solve {statistics.median(wall) * 1e3:.1f} ms "
            f"(thread CPU {statistics.median(times['cpu']) * 1e3:.1f} ms), fastest {wall[0] * 1e3:.1f} ms, "
            f"slowest {wall[-1] * 1e3:.1f} ms over {len(wall)} solves"
        )
    print("all optima agree" if disagreements == 0 else f"{disagreements} optima differ")
    return 0 if disagreements == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
