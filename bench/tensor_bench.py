#!/usr/bin/python3
"""DJL in the kernel vs Debian's python3-torch, in the same run (apt install python3-torch; build the kernel jar first).

    /usr/bin/python3 bench/tensor_bench.py [--repeat 3]

Each measurement runs in a fresh process on each side, so both pay the same kind of start:
  first   engine load + a 1000x1000 matmul (Java: inside a running JVM, as a notebook's first tensor cell;
          Python: `import torch` + the same matmul, inside a running interpreter)      target ratio <= 1.0
  loop    a tiny op (add of two 10-element tensors) in a loop, µs per op                target ratio <= 1.3
  matmul  a 1000x1000 float32 matmul, median of 21                                      target ratio <= 1.1
Ratios are Java / Python (lower is better for Java). Both sides use their default thread counts.
"""
import argparse
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "kernel", "target", "djl-kernel.jar")
JAVA_SRC = os.path.join(ROOT, "bench", "TensorBench.java")

PY = {
    "first": """
import time
t = time.perf_counter()
import torch
a = torch.rand(1000, 1000)
b = a @ a
float(b[0, 0])
print((time.perf_counter() - t) * 1000)
""",
    "loop": """
import time, statistics, torch
a = torch.rand(10); b = torch.rand(10)
n = 20000; runs = []
for r in range(7):
    s = time.perf_counter()
    for i in range(n):
        c = a + b
    runs.append((time.perf_counter() - s) * 1e6 / n)
print(statistics.median(runs))
""",
    "matmul": """
import time, statistics, torch
a = torch.rand(1000, 1000); b = torch.rand(1000, 1000)
for i in range(5): a @ b
t = []
for i in range(21):
    s = time.perf_counter(); c = a @ b; t.append((time.perf_counter() - s) * 1000)
print(statistics.median(t))
""",
}
TARGETS = {"first": 1.0, "loop": 1.3, "matmul": 1.1}
UNITS = {"first": "ms", "loop": "µs/op", "matmul": "ms"}


def java(mode):
    env = dict(os.environ, DJL_OFFLINE="true", OPT_OUT_TRACKING="true")
    out = subprocess.run(["java", "--enable-native-access=ALL-UNNAMED", "-Djava.util.logging.config.file=/dev/null",
                          "-cp", JAR, JAVA_SRC, mode], capture_output=True, text=True, env=env, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def python(mode):
    out = subprocess.run(["/usr/bin/python3", "-c", PY[mode]], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    if not os.path.exists(JAR):
        sys.exit("build the kernel first: mvn -q package -DskipTests (no " + JAR + ")")
    torch_version = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"],
                                   capture_output=True, text=True).stdout.strip()
    java(("first"))  # makes sure the natives are extracted (a first-ever run extracts ~430 MB)
    print(f"DJL 0.36.0 / libtorch 2.7.1 (kernel jar) vs python3-torch {torch_version}; "
          f"{os.cpu_count()} CPUs; median of {args.repeat} fresh processes each")
    print(f"{'benchmark':10} {'java':>10} {'python':>10} {'unit':6} {'ratio':>6} {'target':>7}")
    failed = False
    for mode in ("first", "loop", "matmul"):
        j = statistics.median(java(mode) for _ in range(args.repeat))
        py = statistics.median(python(mode) for _ in range(args.repeat))
        ratio = j / py
        ok = ratio <= TARGETS[mode]
        failed |= not ok
        print(f"{mode:10} {j:10.3f} {py:10.3f} {UNITS[mode]:6} {ratio:6.2f} {'<=' + str(TARGETS[mode]):>7} "
              f"{'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
