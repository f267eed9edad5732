#!/usr/bin/python3
"""Serving warm-up benchmark (not a test): how fast is `djl-kernel serve` in its first 10 s of traffic after
/v2/health/ready says ready, against the same server later (steady state)? Run without and with the warm-up.

    mvn -B -ntp -q -pl kernel -am package -DskipTests     # builds kernel/target/djl-kernel.jar
    /usr/bin/python3 bench/serve_warmup.py [--first 10] [--burn 20] [--steady 10] [--concurrency 16] [--rounds 1]

For each setting (--warmup 0, then the default): start the server, wait until /v2/health/ready answers 200,
then `hey` POSTs the image fixture to /predict for --first seconds, keeps the load on for --burn seconds, and
measures --steady seconds. Prints the first-window and steady throughput and their ratio (target >= 0.8).
Needs: apt-get install -y hey; python3-pil for the PNG.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_bench import JAR, MODEL_DIR, ROOT, free_port, hey, multipart, png_bytes  # noqa: E402


def wait_ready(url, seconds=120):
    """Seconds until url answers 200 (a 503 while warming up counts as not yet)."""
    t0 = time.time()
    while time.time() - t0 < seconds:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return time.time() - t0
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"not ready: {url}")


def one_run(warmup, args, body, ctype, jvm_opts, env):
    port = free_port()
    cmd = ["java", *jvm_opts, "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
           "-jar", JAR, "serve", "--model", MODEL_DIR, "--name", "classifier", "--translator", "image-classification",
           "--size", "32", "--port", str(port), "--workers", str(os.cpu_count() or 2), "--batch-size", "16",
           "--max-batch-delay", "1", "--queue-size", "1024"]
    if warmup is not None:
        cmd += ["--warmup", warmup]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        started = time.time()
        ready_s = wait_ready(f"http://127.0.0.1:{port}/v2/health/ready")
        url = f"http://127.0.0.1:{port}/predict"
        first = hey(url, body, ctype, args.concurrency, args.first)
        hey(url, body, ctype, args.concurrency, args.burn)
        steady = hey(url, body, ctype, args.concurrency, args.steady)
        return ready_s, first, steady, time.time() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--first", type=int, default=10)
    ap.add_argument("--burn", type=int, default=20)
    ap.add_argument("--steady", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=1, help="alternating rounds of both settings")
    args = ap.parse_args()
    if not os.path.exists(JAR):
        raise SystemExit(f"build the kernel jar first: {JAR}")
    tmp = tempfile.mkdtemp(prefix="serve-warmup-")
    body = os.path.join(tmp, "body.bin")
    ctype = multipart(body, png_bytes())
    env = dict(os.environ, DJL_OFFLINE="true", OPT_OUT_TRACKING="true")
    jvm_opts = subprocess.run(["bash", os.path.join(ROOT, "image/entrypoint.sh"), "serve-jvm-opts"], capture_output=True,
                              text=True, check=True, env={k: v for k, v in os.environ.items() if k != "JAVA_OPTS"}).stdout.split()
    settings = [("--warmup 0", "0"), ("default warm-up", None)]
    rows = []
    for _ in range(args.rounds):
        for label, warmup in settings:
            ready_s, first, steady, _ = one_run(warmup, args, body, ctype, jvm_opts, env)
            rows.append((label, ready_s, first, steady))
            print(f"{label}: ready after {ready_s:.1f} s; first {args.first} s {first[0]:.0f} req/s, "
                  f"steady {steady[0]:.0f} req/s, ratio {first[0] / steady[0]:.2f}; codes {first[3]} {steady[3]}",
                  flush=True)
    print(f"\nWarm-up benchmark: classifier fixture, multipart PNG POST /predict, hey -c {args.concurrency}, "
          f"{os.cpu_count()} cores; first {args.first} s after ready vs {args.steady} s after {args.first + args.burn} s "
          f"of load\n")
    print("| setting | ready after s | first req/s | steady req/s | first/steady |")
    print("|---|---:|---:|---:|---:|")
    for label, ready_s, first, steady in rows:
        print(f"| {label} | {ready_s:.1f} | {first[0]:.0f} | {steady[0]:.0f} | {first[0] / steady[0]:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
