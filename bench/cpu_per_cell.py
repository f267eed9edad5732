#!/usr/bin/env python3
"""CPU a cell costs the kernel process, with the compiler directives `install` writes and without (`--full-jit`).

Not a timed test: it prints medians and ratios, and exits 0 unless a kernel fails.

    /usr/bin/python3 bench/cpu_per_cell.py [--warm 10] [--cells 40] [--rounds 2] [--java PATH]

One jar installed twice (default, and --full-jit), the two kernels measured in turns. For each cell kind: --warm
unmeasured cells, then --cells measured ones; reported are the median round trip (until the idle status) and the
process CPU per cell (user + system time of every thread of the kernel, the JIT's compiler threads included, from
/proc), which a busy machine changes far less than wall time. Ratio = directives / full JIT.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cell_bench import JAR, install, run_cell, start, stop  # noqa: E402

SETUP = "var a = manager.ones(new Shape(1000));"
CELLS = {"1+1": "1+1", "declaration": "int x = 5;", "tensor cell": "var c = a.add(1f);\nc.getShape()"}


def process_cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def measure(kernel, warm, cells):
    km, kc, _ = start(kernel)
    try:
        run_cell(kc, SETUP)
        pid = km.provisioner.process.pid
        out = {}
        for name, code in CELLS.items():
            for _ in range(warm):
                run_cell(kc, code)
            before = process_cpu_ms(pid)
            walls = [run_cell(kc, code) * 1000 for _ in range(cells)]
            out[name] = (statistics.median(walls), (process_cpu_ms(pid) - before) / cells)
        return out
    finally:
        stop(km, kc)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--warm", type=int, default=10)
    p.add_argument("--cells", type=int, default=40)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--java", default="java")
    args = p.parse_args()
    prefix = Path(tempfile.mkdtemp(prefix="cpu-per-cell-"))
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    install(prefix, args.java, JAR, "bench-directives")
    install(prefix, args.java, JAR, "bench-full-jit", extra=["--full-jit"])
    results = {"bench-directives": [], "bench-full-jit": []}
    for _ in range(args.rounds):
        for kernel in results:
            results[kernel].append(measure(kernel, args.warm, args.cells))
    load = os.getloadavg()[0]
    print(f"process CPU per cell, {args.rounds} rounds in turn, {args.cells} cells after {args.warm}; load {load:.1f}")
    print(f"{'cell':14} {'directives':>24} {'full JIT':>24}   CPU ratio")
    for name in CELLS:
        rows = []
        for kernel in results:
            wall = statistics.median(r[name][0] for r in results[kernel])
            cpu = statistics.median(r[name][1] for r in results[kernel])
            rows.append((wall, cpu))
        (w1, c1), (w2, c2) = rows
        print(f"{name:14} {w1:8.1f} ms, {c1:6.1f} ms CPU {w2:8.1f} ms, {c2:6.1f} ms CPU   {c1 / c2:.2f}x")


if __name__ == "__main__":
    main()
