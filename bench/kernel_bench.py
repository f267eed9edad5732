#!/usr/bin/env python3
"""Start-up and latency of the djl-kernel against ipykernel, measured in the same run.

Not a timed test: it prints numbers and the targets, and exits 0 unless a kernel fails to run.

    /usr/bin/python3 bench/kernel_bench.py [--launches 10] [--round-trips 200] [--java PATH]

Measured for each kernel (a fresh process per launch):
  cold start   from asking jupyter_client to start the kernel to receiving kernel_info_reply
               (median of --launches launches)
  first cell   `1+1` sent right after that kernel_info_reply, until its result and idle status arrive
               (median over the same launches; the JVM's JShell warms up here)
  start to first result
               from asking jupyter_client to start the kernel to the first `1+1`'s result: what a user who
               runs a cell at once waits for (a kernel that answers kernel_info sooner, before it can run
               cells, moves time from "cold start" into "first cell"; this sum does not move)
  round trip   `1+1` on a warm kernel, until execute_reply and the idle status have both arrived
               (median and p95 of --round-trips)
The djl-kernel is installed twice into a temporary prefix: as users get it (with the AppCDS archive install
makes) and with --no-cds, to show what the archive is worth. ipykernel runs as /usr/bin/python3 -m
ipykernel_launcher, whatever kernel specs are installed.
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
TARGET_ROUND_TRIP = 3.0
TARGET_COLD_START = 1.5
TIMEOUT = 120


def install_kernels(prefix, java, jar):
    kernels = prefix / "share" / "jupyter" / "kernels"
    ipy = kernels / "bench-ipykernel"
    ipy.mkdir(parents=True)
    (ipy / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "ipykernel (bench)", "language": "python",
        "env": {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}}))
    for name, extra in (("bench-djl", []), ("bench-djl-nocds", ["--no-cds"])):
        cmd = [java, "-jar", str(jar), "install", "--prefix", str(prefix), "--name", name] + extra
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")


def wait_reply(kc, msg_id, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def run_cell(kc, code, timeout=TIMEOUT):
    """Seconds from sending `code` until both execute_reply and the idle status have arrived."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    deadline = time.monotonic() + timeout
    idle = replied = False
    result = None
    seen = []
    while not idle:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        except Empty:
            try:
                reply = kc.get_shell_msg(timeout=1)["msg_type"]
            except Empty:
                reply = "no execute_reply"
            raise RuntimeError(f"{code!r}: no idle status within {timeout} s; IOPub sent {seen}; shell: {reply}")
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        seen.append(msg["msg_type"] + (f"({msg['content'].get('execution_state')})" if msg["msg_type"] == "status" else ""))
        if msg["msg_type"] == "execute_result":
            result = msg["content"]["data"].get("text/plain")
        elif msg["msg_type"] == "error":
            raise RuntimeError(f"{code!r} failed: {msg['content']['ename']}: {msg['content']['evalue']}")
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    reply = wait_reply(kc, msg_id, timeout)
    replied = reply["content"]["status"] == "ok"
    elapsed = time.perf_counter() - t0
    if not replied:
        raise RuntimeError(f"{code!r}: execute_reply status {reply['content']['status']}")
    if result != "2":
        raise RuntimeError(f"{code!r} gave {result!r}, expected '2'")
    return elapsed


def wait_iopub(kc, timeout=30):
    """Until IOPub delivers (its subscription may connect after shell): kernel_info until a status arrives.

    Not counted in any number: a front end does the same before its first cell.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg_id = kc.kernel_info()
        wait_reply(kc, msg_id)
        try:
            while True:
                msg = kc.get_iopub_msg(timeout=0.2)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status":
                    break
        except Empty:
            continue
        # drain the rest (the idle of that kernel_info)
        try:
            while True:
                kc.get_iopub_msg(timeout=0.05)
        except Empty:
            return
    raise RuntimeError("IOPub never delivered a status message")


KERNEL_OUTPUT = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}


def launch(kernel_name):
    """One cold start: (seconds to kernel_info_reply, seconds for the first `1+1`, seconds from the start to its
    result)."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=kernel_name)
    t0 = time.perf_counter()
    km.start_kernel(**KERNEL_OUTPUT)
    kc = km.blocking_client()
    kc.start_channels()
    try:
        msg_id = kc.kernel_info()
        wait_reply(kc, msg_id)
        cold = time.perf_counter() - t0
        wait_iopub(kc)
        first = run_cell(kc, "1+1")
        return cold, first, time.perf_counter() - t0, km, kc
    except BaseException:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        raise


def measure(kernel_name, launches, round_trips):
    colds, firsts, totals = [], [], []
    for i in range(launches):
        cold, first, total, km, kc = launch(kernel_name)
        colds.append(cold)
        firsts.append(first)
        totals.append(total)
        if i < launches - 1:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    rts = []
    problem = None
    try:
        for _ in range(10):  # warm-up, not counted
            run_cell(kc, "1+1")
        for i in range(round_trips):
            rts.append(run_cell(kc, "1+1"))
    except (RuntimeError, Empty) as e:
        # a kernel bug, reported as such; the numbers measured before it still stand
        problem = f"round trip {len(rts) + 1} of {round_trips} failed: {e}"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    rts.sort()
    result = {"cold start": statistics.median(colds), "first cell": statistics.median(firsts),
              "start to first result": statistics.median(totals),
              "round trip median": statistics.median(rts) if rts else float("nan"),
              "round trip p95": rts[min(len(rts) - 1, int(round(0.95 * len(rts))) - 1)] if rts else float("nan")}
    return result, problem


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--launches", type=int, default=10, help="cold starts per kernel (default 10)")
    ap.add_argument("--round-trips", type=int, default=200, help="warm `1+1` round trips (default 200)")
    ap.add_argument("--java", default=shutil.which("java"), help="java that installs and runs the kernel")
    ap.add_argument("--jar", default=str(JAR), help="kernel jar (default kernel/target/djl-kernel.jar)")
    ap.add_argument("--json", help="also write the numbers to this file")
    ap.add_argument("--kernel-logs", action="store_true", help="let the kernels' own output through")
    args = ap.parse_args()
    if args.launches < 1 or args.round_trips < 1:
        ap.error("--launches and --round-trips must be at least 1")
    if not Path(args.jar).is_file():
        sys.exit(f"kernel jar not found: {args.jar} (build it: mvn -B package)")
    if not args.java:
        sys.exit("no java on PATH; pass --java")

    if args.kernel_logs:
        KERNEL_OUTPUT.clear()
    java_version = subprocess.run([args.java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"java: {args.java} ({java_version})")
    print(f"python: {sys.executable} ({sys.version.split()[0]}); cpus: {os.cpu_count()}")
    print(f"{args.launches} launches per kernel, {args.round_trips} round trips\n", flush=True)

    with tempfile.TemporaryDirectory(prefix="djl-kernel-bench-") as tmp:
        install_kernels(Path(tmp), args.java, args.jar)
        results = {}
        problems = []
        for label, name in (("ipykernel", "bench-ipykernel"), ("djl-kernel", "bench-djl"),
                            ("djl-kernel (no CDS)", "bench-djl-nocds")):
            print(f"measuring {label} ...", flush=True)
            results[label], problem = measure(name, args.launches, args.round_trips)
            print("   " + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in results[label].items()), flush=True)
            if problem:
                problems.append(f"{label}: {problem}")
                print(f"   PROBLEM: {problem}", flush=True)

    base = results["ipykernel"]
    labels = list(results)
    metrics = list(base)
    print()
    print(f"{'ms':<22}" + "".join(f"{lab:>22}" for lab in labels) + f"{'ours/ipykernel':>16}{'target':>9}")
    for m in metrics:
        row = f"{m:<22}" + "".join(f"{results[lab][m] * 1000:>22.1f}" for lab in labels)
        ratio = results["djl-kernel"][m] / base[m]
        target = {"cold start": TARGET_COLD_START, "round trip median": TARGET_ROUND_TRIP}.get(m)
        verdict = "" if target is None else (f"≤{target:g}× " + ("ok" if ratio <= target else "MISSED"))
        print(row + f"{ratio:>15.2f}×  {verdict}")
    print(f"\nAppCDS effect on cold start: {results['djl-kernel (no CDS)']['cold start'] * 1000:.0f} ms → "
          f"{results['djl-kernel']['cold start'] * 1000:.0f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps({"java": java_version, "results": results, "problems": problems},
                                              indent=2))
    if problems:
        print("\nPROBLEMS (round-trip numbers above cover the cells before the failure):")
        for p in problems:
            print("  " + p)
        sys.exit(1)


if __name__ == "__main__":
    main()
