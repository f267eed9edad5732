#!/usr/bin/env python3
"""What JupyterLab's debugger costs a djl-kernel that is not being debugged, measured in one run.

Not a timed test: it prints medians and ratios, and exits 0 unless a kernel fails to run.

    /usr/bin/python3 bench/debugger_bench.py [--rounds 5] [--round-trips 40] [--java PATH]

Three kernels from the same jar, started side by side and measured in turns (so a busy machine slows them alike):
  no agent   kernel.json as `install` writes it (no JDWP agent)
  dormant    kernel.json as `install --debugger` writes it: the agent loaded, never woken (never attached)
  attached   the same, after debugInfo / initialize / attach / configurationDone, with no breakpoints
Measured on each, --rounds times in turn:
  round trip   `1+1` until execute_reply and the idle status (median of --round-trips per round)
  tensor loop  a cell timing itself over 10,000 NDArray ops (t = t.add(1) on 4 floats, CPU), in ms
The ratios dormant / no agent and attached / no agent are the cost; the target is "within noise" (ratio <= 1.10
on this shared 2-core VM, where the same kernel measured twice differs by a few percent). --no-cds for all three.
"""
import argparse
import json
import os
import re
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
TARGET_RATIO = 1.10
TENSOR_LOOP = """
long started = System.nanoTime();
try (var scope = manager.newSubManager()) {
    var t = scope.ones(new ai.djl.ndarray.types.Shape(4));
    for (int i = 0; i < 10_000; i++) {
        t = t.add(1);
    }
}
System.out.println("loop_ms=" + (System.nanoTime() - started) / 1e6);
"""


def install(prefix, java):
    for name, extra in (("bench-noagent", []), ("bench-debug", ["--debugger"])):
        subprocess.run([java, "-jar", str(JAR), "install", "--prefix", str(prefix), "--name", name, "--no-cds"]
                       + extra, check=True, stdout=subprocess.DEVNULL)
    kernels = prefix / "share" / "jupyter" / "kernels"
    assert any(a.startswith("-agentlib:jdwp") for a in json.loads((kernels / "bench-debug" / "kernel.json").read_text())["argv"])
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")


def wait_reply(kc, msg_id):
    deadline = time.monotonic() + TIMEOUT
    while True:
        msg = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def run_cell(kc, code):
    """Runs code; returns (seconds until reply and idle, stdout)."""
    started = time.perf_counter()
    msg_id = kc.execute(code)
    idle = False
    out = ""
    reply = None
    while reply is None or not idle:
        if reply is None:
            try:
                reply = kc.get_shell_msg(timeout=0.001)
                if reply["parent_header"].get("msg_id") != msg_id:
                    reply = None
            except Empty:
                pass
        try:
            msg = kc.get_iopub_msg(timeout=0.001)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out += msg["content"]["text"]
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    elapsed = time.perf_counter() - started
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"cell failed: {reply['content']}")
    return elapsed, out


def attach(kc):
    for seq, (command, args) in enumerate((("debugInfo", {}),
                                           ("initialize", {"clientID": "bench", "adapterID": "java",
                                                           "linesStartAt1": True}),
                                           ("attach", {}), ("configurationDone", {})), 1):
        msg = kc.session.msg("debug_request", {"type": "request", "seq": seq, "command": command, "arguments": args})
        kc.control_channel.send(msg)
        while True:
            reply = kc.get_control_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                if not reply["content"]["success"]:
                    raise RuntimeError(f"{command} failed: {reply['content']}")
                break


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--round-trips", type=int, default=40)
    parser.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java")
                        if os.environ.get("JAVA_HOME") else shutil.which("java"))
    args = parser.parse_args()
    if not JAR.is_file():
        sys.exit(f"{JAR} not found: build it first (mvn -B package -DskipTests)")
    from jupyter_client.manager import start_new_kernel

    prefix = Path(tempfile.mkdtemp(prefix="djl-debugger-bench-"))
    kernels = {}
    try:
        install(prefix, args.java)
        for name, spec in (("no agent", "bench-noagent"), ("dormant", "bench-debug"), ("attached", "bench-debug")):
            km, kc = start_new_kernel(kernel_name=spec, startup_timeout=TIMEOUT)
            kernels[name] = (km, kc)
            for _ in range(10):
                run_cell(kc, "1+1")  # JShell and the JIT warm
            run_cell(kc, TENSOR_LOOP)
        attach(kernels["attached"][1])
        for name, (_, kc) in kernels.items():
            run_cell(kc, "1+1")

        round_trips = {name: [] for name in kernels}
        loops = {name: [] for name in kernels}
        for _ in range(args.rounds):
            for name, (_, kc) in kernels.items():
                times = [run_cell(kc, "1+1")[0] for _ in range(args.round_trips)]
                round_trips[name].append(statistics.median(times))
                _, out = run_cell(kc, TENSOR_LOOP)
                loops[name].append(float(re.search(r"loop_ms=([\d.]+)", out).group(1)))
    finally:
        for km, kc in kernels.values():
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        shutil.rmtree(prefix, ignore_errors=True)

    java_version = subprocess.run([args.java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"djl-kernel debugger cost, {java_version}, {args.rounds} rounds in turn "
          f"(round trip: median of {args.round_trips} per round)")
    rt = {n: statistics.median(v) * 1000 for n, v in round_trips.items()}
    lp = {n: statistics.median(v) for n, v in loops.items()}
    for name in kernels:
        print(f"  {name:9}  round trip {rt[name]:7.2f} ms   tensor loop (10k ops) {lp[name]:8.1f} ms")
    missed = []
    for name in ("dormant", "attached"):
        for what, values in (("round trip", rt), ("tensor loop", lp)):
            ratio = values[name] / values["no agent"]
            verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
            if verdict == "MISSED":
                missed.append(f"{what} {name}")
            print(f"  ratio {what:11} {name:8} / no agent: {ratio:5.3f}   (target <= {TARGET_RATIO}: {verdict})")
    if missed:
        print("  target missed: " + ", ".join(missed))


if __name__ == "__main__":
    main()
