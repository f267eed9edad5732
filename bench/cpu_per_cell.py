#!/usr/bin/env python3
"""CPU a cell costs the kernel process under each `install --jit` mode: quick (C1 only), split, full.

Not a timed test: it prints medians and ratios, and exits 0 unless a kernel fails.

    /usr/bin/python3 bench/cpu_per_cell.py [--warm 10] [--cells 40] [--rounds 2] [--java PATH]

One jar installed three times (--jit quick, split, full), the kernels measured in turns. For each cell kind: --warm
unmeasured cells, then --cells measured ones; reported are the median round trip (until the idle status) and the
process CPU per cell (user + system time of every thread of the kernel, the JIT's compiler threads included, from
/proc), which a busy machine changes far less than wall time. Ratios are against split. The "java loop" cell is a
pure-Java loop, where C2's code is fastest: the price of quick.
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
CELLS = {"1+1": "1+1", "declaration": "int x = 5;", "tensor cell": "var c = a.add(1f);\nc.getShape()",
         "java loop": "long s = 0;\nfor (int i = 0; i < 20_000_000; i++) { s += i % 7; }\ns"}
MODES = ("quick", "split", "full")


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
    for mode in MODES:
        install(prefix, args.java, JAR, f"bench-{mode}", extra=["--jit", mode])
    results = {mode: [] for mode in MODES}
    for _ in range(args.rounds):
        for mode in results:
            results[mode].append(measure(f"bench-{mode}", args.warm, args.cells))
    load = os.getloadavg()[0]
    print(f"process CPU per cell, {args.rounds} rounds in turn, {args.cells} cells after {args.warm}; load {load:.1f}")
    print(f"{'cell':12}" + "".join(f"{mode:>26}" for mode in MODES) + "   wall / CPU vs split")
    for name in CELLS:
        rows = {}
        for mode in results:
            rows[mode] = (statistics.median(r[name][0] for r in results[mode]),
                          statistics.median(r[name][1] for r in results[mode]))
        cols = "".join(f"{w:9.1f} ms, {c:6.1f} ms CPU" for w, c in rows.values())
        ratios = ", ".join(f"{m} {rows[m][0] / rows['split'][0]:.2f}x / {rows[m][1] / rows['split'][1]:.2f}x"
                           for m in MODES if m != "split")
        print(f"{name:12}{cols}   {ratios}")


if __name__ == "__main__":
    main()
