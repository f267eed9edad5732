#!/usr/bin/env python3
"""Per-cell speed as a notebook user meets it: the installed djl-kernel against ipykernel, same run, as ratios.

Not a timed test: it prints numbers, ratios and the targets of issue 13, and exits 0 unless a kernel fails.

    /usr/bin/python3 bench/cell_bench.py [--launches 5] [--cells 40] [--baseline-jar OLD.jar] [--java PATH]
                                         [--d2l build/d2l-java]

Rows (each kernel a fresh process per launch, driven by jupyter_client over ZeroMQ):
  first cell       `1+1` sent right after kernel_info_reply, until its result and the idle status (median of
                   --launches); ipykernel runs `1+1` too
  start + 1+1      from start_kernel to that `1+1`'s result, same launches: what a user who runs a cell at once
                   waits for (answering kernel_info sooner moves time into "first cell"; this sum does not move)
  1+1              round trip on a warm kernel (after 10 unmeasured cells), median of --cells
  tensor cell      `var c = a.add(1f); c.getShape()` against `c = a + 1; c.shape`, run from the kernel's first
                   cells on (right after one cell that makes `a`), median of --cells
  start + tensor   from start_kernel to the result of the first cell, a 1000x1000 matmul on a fresh engine
                   (`import torch` in Python), median of --launches
  run all          d2l-java's chapter_preliminaries/ndarray.ipynb (30 cells) executed with nbclient on a fresh
                   kernel, median of --launches; only with --d2l (a clone of d2l-java) and only djl kernels
--baseline-jar adds the same rows for an older kernel jar (installed the same way), for before/after ratios.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

ROOT = Path(__file__).resolve().parent.parent
JAR = ROOT / "kernel" / "target" / "djl-kernel.jar"
TIMEOUT = 180
QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}

CELLS = {
    "python": {
        "setup": "import torch\na = torch.ones(1000)",
        "tensor": "c = a + 1\nc.shape",
        "matmul": "import torch\nm = torch.rand(1000, 1000)\n(m @ m).shape",
    },
    "java": {
        "setup": "var a = manager.ones(new Shape(1000));",
        "tensor": "var c = a.add(1f);\nc.getShape()",
        "matmul": "var m = manager.randomUniform(0f, 1f, new Shape(1000, 1000));\nm.matMul(m).getShape()",
    },
}
TARGETS = {"first cell": "<= 0.3 s", "start + 1+1": "report", "1+1": "<= 2x ipykernel", "tensor cell": "<= 3x ipykernel",
           "start + tensor": "<= 1x ipykernel", "run all": ">= 2x faster than the baseline jar"}


def install(prefix, java, jar, name, extra=()):
    subprocess.run([java, "-jar", str(jar), "install", "--prefix", str(prefix), "--name", name, *extra],
                   check=True, stdout=subprocess.DEVNULL)


def install_ipykernel(prefix):
    spec = prefix / "share" / "jupyter" / "kernels" / "bench-ipykernel"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "ipykernel (bench)", "language": "python",
        "env": {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}}))


def run_cell(kc, code):
    """Seconds until execute_reply and the idle status both arrived; raises on an error output."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    deadline = time.monotonic() + TIMEOUT
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            raise RuntimeError(f"{code!r} failed: {msg['content']['ename']}: {msg['content']['evalue']}")
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    while kc.get_shell_msg(timeout=TIMEOUT)["parent_header"].get("msg_id") != msg_id:
        pass
    return time.perf_counter() - t0


def start(kernel):
    from jupyter_client.manager import KernelManager
    km = KernelManager(kernel_name=kernel)
    t0 = time.perf_counter()
    km.start_kernel(**QUIET)
    kc = km.blocking_client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc, t0


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def measure(kernel, language, launches, cells):
    c = CELLS[language]
    rows = {"first cell": [], "start + 1+1": [], "start + tensor": []}
    for _ in range(launches):
        km, kc, t0 = start(kernel)
        try:
            rows["first cell"].append(run_cell(kc, "1+1"))
            rows["start + 1+1"].append(time.perf_counter() - t0)
        finally:
            stop(km, kc)
        km, kc, t0 = start(kernel)
        try:
            run_cell(kc, c["matmul"])
            rows["start + tensor"].append(time.perf_counter() - t0)
        finally:
            stop(km, kc)
    km, kc, _ = start(kernel)
    try:
        run_cell(kc, c["setup"])
        rows["tensor cell"] = [run_cell(kc, c["tensor"]) for _ in range(cells)]
        for _ in range(10):
            run_cell(kc, "1+1")
        rows["1+1"] = [run_cell(kc, "1+1") for _ in range(cells)]
    finally:
        stop(km, kc)
    return {k: statistics.median(v) for k, v in rows.items() if v}


def run_all(kernel, d2l):
    import nbformat
    from nbclient import NotebookClient
    path = Path(d2l) / "chapter_preliminaries" / "ndarray.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel, timeout=TIMEOUT, allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    client.execute()
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--launches", type=int, default=5)
    ap.add_argument("--cells", type=int, default=40)
    ap.add_argument("--java", default=shutil.which("java"))
    ap.add_argument("--jar", default=str(JAR))
    ap.add_argument("--baseline-jar", help="an older djl-kernel.jar (its lib/ folder beside it) for before/after")
    ap.add_argument("--d2l", help="a clone of d2l-java, for the run-all row")
    args = ap.parse_args()
    if not Path(args.jar).is_file():
        sys.exit(f"kernel jar not found: {args.jar} (build it: mvn -B package)")
    java_version = subprocess.run([args.java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"java: {args.java} ({java_version}); python {sys.version.split()[0]}; cpus {os.cpu_count()}; "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="djl-cell-bench-") as tmp:
        prefix = Path(tmp)
        install_ipykernel(prefix)
        kernels = [("ipykernel", "bench-ipykernel", "python")]
        install(prefix, args.java, args.jar, "bench-djl")
        kernels.append(("djl-kernel", "bench-djl", "java"))
        if args.baseline_jar:
            install(prefix, args.java, args.baseline_jar, "bench-djl-baseline")
            kernels.append(("djl-kernel (baseline jar)", "bench-djl-baseline", "java"))
        os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
        results = {}
        for label, name, language in kernels:
            print(f"measuring {label} ...", flush=True)
            results[label] = measure(name, language, args.launches, args.cells)
        if args.d2l:
            # interleaved, so that both jars see the same machine (its load drifts over minutes)
            print("run all: d2l-java's ndarray chapter, kernels in turn ...", flush=True)
            times = {label: [] for label, _, language in kernels if language == "java"}
            for _ in range(args.launches):
                for label, name, language in kernels:
                    if language == "java":
                        times[label].append(run_all(name, args.d2l))
            for label, values in times.items():
                results[label]["run all"] = statistics.median(values)
    ipy = results["ipykernel"]
    print(f"\n{'row':<16}" + "".join(f"{label:>28}" for label in results) + "   ratio to ipykernel / baseline   target")
    for row in ("first cell", "start + 1+1", "1+1", "tensor cell", "start + tensor", "run all"):
        values = [results[label].get(row) for label in results]
        if all(v is None for v in values[1:]):
            continue
        line = f"{row:<16}" + "".join(f"{v * 1000:>25.1f} ms" if v is not None else f"{'-':>28}" for v in values)
        ours = results["djl-kernel"].get(row)
        ratios = []
        if ipy.get(row):
            ratios.append(f"{ours / ipy[row]:.2f}x ipykernel")
        base = results.get("djl-kernel (baseline jar)", {}).get(row)
        if base:
            ratios.append(f"{base / ours:.2f}x faster than baseline")
        print(line + "   " + ", ".join(ratios) + f"   ({TARGETS[row]})")


if __name__ == "__main__":
    main()
