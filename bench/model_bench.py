#!/usr/bin/python3
"""%model load against Debian's python3-torch on the same TorchScript file, in the same run.

Not a timed test: it prints the numbers, the ratios and the targets, and exits 0 unless a side fails to run.

    /usr/bin/python3 bench/model_bench.py [--size 64] [--loads 7] [--iters 30] [--threads N] [--java PATH]

Needs kernel/target/djl-kernel.jar and kernel/target/lib/ (mvn -B package -DskipTests). The model is a small
CNN (about 1.2 M parameters, input [N, 3, size, size]) made here with torch.jit.trace and saved by torch 1.13;
both sides read that one file and use the same number of intra-op threads (--threads, default: all cores).
  load      torch.jit.load vs ModelLoader.load (what %model load runs; engine already loaded; no cache)
  batch-32  images/s through the model (torch.inference_mode vs a DJL tensor predictor)
  single    latency of one image, result back in the host language (median and p95)
Targets: load time <= 1.5x Python's, batch-32 throughput >= 0.9x Python's.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn as nn

ROOT = Path(__file__).resolve().parents[1]


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()

        def block(i, o):
            return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(),
                                 nn.Conv2d(o, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(), nn.MaxPool2d(2))

        self.features = nn.Sequential(block(3, 32), block(32, 64), block(64, 128), block(128, 192),
                                      nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(192, 1000)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))]


def python_side(path, size, loads, iters):
    torch.jit.load(path)  # warm the file cache and the loader
    load_ms = []
    for _ in range(loads):
        t = time.perf_counter()
        m = torch.jit.load(path)
        load_ms.append((time.perf_counter() - t) * 1e3)
    m = torch.jit.load(path).eval()
    batch = torch.rand(32, 3, size, size)
    one = torch.rand(1, 3, size, size)
    with torch.inference_mode():
        for _ in range(max(3, iters // 5)):
            m(batch)
        t = time.perf_counter()
        for _ in range(iters):
            m(batch)
        per_s = 32 * iters / (time.perf_counter() - t)
        for _ in range(20):
            m(one)
        single = []
        for _ in range(iters * 4):
            t = time.perf_counter()
            m(one).numpy()
            single.append((time.perf_counter() - t) * 1e3)
    return {"load_ms": statistics.median(load_ms), "batch32_per_s": per_s,
            "single_ms": statistics.median(single), "single_p95_ms": pct(single, 0.95)}


def java_side(java, path, size, loads, iters, threads):
    jar = ROOT / "kernel" / "target" / "djl-kernel.jar"
    lib = ROOT / "kernel" / "target" / "lib"
    if not jar.is_file():
        sys.exit(f"{jar} not found: run mvn -B package -DskipTests first")
    env = dict(os.environ, DJL_OFFLINE="true", OPT_OUT_TRACKING="true")
    cmd = [java, "--enable-native-access=ALL-UNNAMED", f"-Dai.djl.pytorch.num_threads={threads}",
           "-Dai.djl.pytorch.num_interop_threads=1", "-cp", f"{jar}:{lib}/*",
           str(ROOT / "bench" / "ModelBench.java"), path, "3", str(size), str(size), str(loads), str(iters)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    line = [l for l in proc.stdout.splitlines() if l.startswith("load_ms=")]
    if proc.returncode != 0 or not line:
        sys.exit(f"Java side failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
    return {k: float(v) for k, v in (kv.split("=") for kv in line[0].split())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--loads", type=int, default=7)
    ap.add_argument("--iters", type=int, default=30)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--java", default=str(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
                    if os.environ.get("JAVA_HOME") else "java")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cnn.pt")
        net = Cnn().eval()
        torch.jit.trace(net, torch.zeros(1, 3, args.size, args.size)).save(path)
        params = sum(p.numel() for p in net.parameters())
        print(f"model: CNN {params / 1e6:.2f} M parameters, {os.path.getsize(path) / 2**20:.1f} MiB, input [N, 3, "
              f"{args.size}, {args.size}]; {args.threads} threads; torch {torch.__version__} vs DJL 0.36 / libtorch 2.7.1")
        py = python_side(path, args.size, args.loads, args.iters)
        jv = java_side(args.java, path, args.size, args.loads, args.iters, args.threads)
    print(f"{'':22}{'python3-torch':>15}{'djl-kernel':>15}{'ratio':>10}  target")
    rows = [("load (ms, median)", "load_ms", "<= 1.5"), ("batch-32 (images/s)", "batch32_per_s", ">= 0.9"),
            ("single (ms, median)", "single_ms", "report"), ("single (ms, p95)", "single_p95_ms", "report")]
    for label, key, target in rows:
        ratio = jv[key] / py[key]
        print(f"{label:22}{py[key]:15.3f}{jv[key]:15.3f}{ratio:10.2f}  {target}")


if __name__ == "__main__":
    main()
