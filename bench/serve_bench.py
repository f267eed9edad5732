#!/usr/bin/python3
"""Serving benchmark (not a test): djl-kernel `serve` against Flask + torch under gunicorn, same TorchScript CNN,
CPU, loopback only, `hey` as the load generator, concurrency 1, 16 and 64, bounded in time.

    mvn -o -q package -DskipTests -pl kernel-api,extensions/djl,kernel     # builds kernel/target/djl-kernel.jar
    /usr/bin/python3 bench/serve_bench.py [--seconds 8] [--warmup 3]

Needs: apt-get install -y python3-torch python3-flask gunicorn hey. Prints a table with ratios (ours / Flask);
the targets at concurrency 16 are throughput >= 2x and p99 <= 0.5x.
"""
import argparse
import io
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_DIR = os.path.join(ROOT, "extensions/djl/src/test/resources/models/classifier")
JAR = os.path.join(ROOT, "kernel/target/djl-kernel.jar")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, seconds=90):
    end = time.time() + seconds
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"not ready: {url}")


def png_bytes():
    from PIL import Image
    img = Image.new("RGB", (64, 64), (200, 30, 30))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def multipart(path, data):
    boundary = "djlkernelbench"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"red.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    with open(path, "wb") as f:
        f.write(body)
    return f"multipart/form-data; boundary={boundary}"


def hey(url, body, ctype, conc, seconds):
    out = subprocess.run(["hey", "-z", f"{seconds}s", "-c", str(conc), "-m", "POST", "-T", ctype, "-D", body,
                          "-disable-keepalive=false", url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%+ in ([\d.]+) secs", out)
    p50 = re.search(r"50%+ in ([\d.]+) secs", out)
    codes = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", out))
    return rps, float(p50.group(1)) * 1000 if p50 else float("nan"), float(p99.group(1)) * 1000 if p99 else float("nan"), codes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--concurrency", default="1,16,64")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the table shows medians")
    args = ap.parse_args()
    if not os.path.exists(JAR):
        raise SystemExit(f"build the kernel jar first: {JAR}")
    cores = os.cpu_count() or 2
    concs = [int(c) for c in args.concurrency.split(",")]
    tmp = tempfile.mkdtemp(prefix="serve-bench-")
    body = os.path.join(tmp, "body.bin")
    ctype = multipart(body, png_bytes())
    results = {}
    env = dict(os.environ, DJL_OFFLINE="true", OPT_OUT_TRACKING="true")

    p_ours = free_port()
    # the JVM options the image's `serve` entry uses on this machine (serial GC on 2 CPUs or fewer)
    jvm_opts = subprocess.run(["bash", os.path.join(ROOT, "image/entrypoint.sh"), "serve-jvm-opts"], capture_output=True,
                              text=True, check=True, env={k: v for k, v in os.environ.items() if k != "JAVA_OPTS"}).stdout.split()
    ours = subprocess.Popen(["java", *jvm_opts, "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                             "-jar", JAR, "serve", "--model", MODEL_DIR, "--name", "classifier",
                             "--translator", "image-classification", "--size", "32", "--port", str(p_ours),
                             "--workers", str(cores), "--batch-size", "16", "--max-batch-delay", "1",
                             "--queue-size", "1024"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    p_flask = free_port()
    flask = subprocess.Popen(["gunicorn", "-w", str(cores), "-b", f"127.0.0.1:{p_flask}", "--chdir",
                              os.path.join(ROOT, "bench"), "--log-level", "warning", "serve_flask_app:app"],
                             env=dict(env, MODEL=os.path.join(MODEL_DIR, "classifier.pt"), SIZE="32"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_ready(f"http://127.0.0.1:{p_ours}/ping")
        wait_ready(f"http://127.0.0.1:{p_flask}/ping")
        servers = (("djl-kernel", p_ours), ("flask+gunicorn", p_flask))
        for name, port in servers:
            hey(f"http://127.0.0.1:{port}/predict", body, ctype, 16, args.warmup)  # warm-up (JIT, allocator)
        # interleaved (ours, flask, ours, flask, ...) so that load from other processes hits both alike
        runs = {}
        for _ in range(args.rounds):
            for c in concs:
                for name, port in servers:
                    runs.setdefault((name, c), []).append(hey(f"http://127.0.0.1:{port}/predict", body, ctype, c, args.seconds))
        for key, rs in runs.items():
            med = lambda i: sorted(r[i] for r in rs)[len(rs) // 2]
            codes = {}
            for r in rs:
                for k, v in r[3].items():
                    codes[k] = codes.get(k, 0) + int(v)
            results[key] = (med(0), med(1), med(2), codes)
    finally:
        for p in (ours, flask):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in (ours, flask):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)

    print(f"\nServing benchmark: TorchScript CNN (3x32x32 -> 3 classes), multipart PNG POST /predict, CPU, "
          f"{cores} cores, hey {args.seconds}s per run, median of {args.rounds} interleaved rounds, loopback")
    print(f"ours: djl-kernel serve (Netty, dynamic batching 16/1 ms, workers=cores, 1 torch thread; JVM options of "
          f"the image's serve entry: {' '.join(jvm_opts) or '(none)'})")
    print(f"base: Flask + torch {torch_version()} under gunicorn -w {cores} (1 torch thread per worker)\n")
    print(f"| conc | ours req/s | flask req/s | thr ratio | ours p50 ms | flask p50 ms | ours p99 ms | flask p99 ms | p99 ratio | non-200 |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for c in concs:
        o = results[("djl-kernel", c)]
        f = results[("flask+gunicorn", c)]
        bad = {k: v for k, v in {**{"ours " + a: b for a, b in o[3].items()}, **{"flask " + a: b for a, b in f[3].items()}}.items()
               if not k.endswith("200")}
        print(f"| {c} | {o[0]:.0f} | {f[0]:.0f} | {o[0] / f[0]:.2f}x | {o[1]:.2f} | {f[1]:.2f} | {o[2]:.2f} | {f[2]:.2f} | "
              f"{o[2] / f[2]:.2f}x | {bad or '-'} |")
    if 16 in concs:
        o, f = results[("djl-kernel", 16)], results[("flask+gunicorn", 16)]
        print(f"\nat 16: throughput {o[0] / f[0]:.2f}x (target >= 2x), p99 {o[2] / f[2]:.2f}x (target <= 0.5x)")


def torch_version():
    try:
        out = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True)
        return out.stdout.strip()
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
