"""Serving benchmark (not a test): djl-kernel `serve` against Flask + torch under gunicorn on the same TorchScript
models, CPU, loopback only, `hey` as the load generator, bounded in time. Three fixtures, all made by
extensions/djl/src/test/python/make_model_fixtures.py:
  classifier  the project's own small CNN (3x32x32 -> 3 classes), a 64x64 PNG as multipart to POST /predict
  resnet18    torchvision's resnet18 with random weights (3x224x224 -> 1000), a 224x224 noise PNG to POST /predict
  mlp512      an MLP on 512 floats (-> 10), V2 JSON to POST /v2/models/mlp512/infer
The last two are models the endpoint was not tuned for; they are made on first use (about 45 MiB, under /tmp).

    mvn -B -ntp -q package -DskipTests -pl kernel-api,extensions/djl,kernel -am   # builds kernel/target/djl-kernel.jar
    /usr/bin/python3 bench/serve_bench.py [--fixtures classifier,resnet18,mlp512] [--concurrency 1,16,64]
                                          [--seconds 8] [--warmup 3] [--rounds 3]

Needs: apt-get install -y python3-torch python3-torchvision python3-flask gunicorn hey. Per fixture it prints a table
with ratios (ours / Flask); the targets at concurrency 16 are throughput >= 2x and p99 <= 0.5x. For a before/after in
the same rounds, a third server 'alt': --alt-jar JAR (another build, copied into kernel/target/ so that it finds
kernel/target/lib/), --alt-args "--batch-size 1" (serve options), --alt-jvm-opts=-Dname=value (JVM options).
The numbers and how to read them: docs/benchmarks.md.
"""
import argparse
import hashlib
import io
import json
import os
import random
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
FIXTURE_SCRIPT = os.path.join(ROOT, "extensions/djl/src/test/python/make_model_fixtures.py")
JAR = os.path.join(ROOT, "kernel/target/djl-kernel.jar")
CORES = os.cpu_count() or 2


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, seconds=120):
    """Seconds until url answers 200 (a 503 while the endpoint warms up counts as not yet)."""
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


def png_bytes(side=64, noise=False):
    from PIL import Image
    if noise:  # incompressible, like a photo's PNG of that size
        rnd = random.Random(3)
        img = Image.frombytes("RGB", (side, side), bytes(rnd.getrandbits(8) for _ in range(side * side * 3)))
    else:
        img = Image.new("RGB", (side, side), (200, 30, 30))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def multipart(path, data):
    boundary = "djlkernelbench"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"image.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    with open(path, "wb") as f:
        f.write(body)
    return f"multipart/form-data; boundary={boundary}"


def v2_body(path, n):
    rnd = random.Random(5)
    body = {"inputs": [{"name": "input0", "shape": [1, n], "datatype": "FP32",
                        "data": [round(rnd.uniform(-1, 1), 6) for _ in range(n)]}]}
    with open(path, "w") as f:
        json.dump(body, f)
    return "application/json"


def bench_fixture_dir():
    """The bench-only fixtures, made once per version of the fixture script."""
    with open(FIXTURE_SCRIPT, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    out = os.path.join(tempfile.gettempdir(), f"djl-kernel-bench-fixtures-{digest}")
    if not os.path.exists(os.path.join(out, "done")):
        subprocess.run(["/usr/bin/python3", FIXTURE_SCRIPT, "--bench", out], check=True, stdout=subprocess.DEVNULL)
        open(os.path.join(out, "done"), "w").close()
    return out


class Fixture:
    """One model served both ways: what ours is started with, what Flask loads, and the request both get."""

    def __init__(self, name, title, model, ours_args, flask_env, route, make_body):
        self.name, self.title, self.model, self.ours_args = name, title, model, ours_args
        self.flask_env, self.route, self.make_body = flask_env, route, make_body

    def body(self, tmp):
        """(path of the request body, its content type)"""
        path = os.path.join(tmp, f"{self.name}.body")
        return path, self.make_body(path)


def fixtures():
    def bench(name):
        return os.path.join(bench_fixture_dir(), name)
    return {
        "classifier": lambda: Fixture(
            "classifier", "TorchScript CNN (3x32x32 -> 3 classes), multipart 64x64 PNG POST /predict", MODEL_DIR,
            ["--translator", "image-classification", "--size", "32", "--batch-size", "16", "--max-batch-delay", "1"],
            {"MODEL": os.path.join(MODEL_DIR, "classifier.pt"), "SIZE": "32"}, "/predict",
            lambda p: multipart(p, png_bytes())),
        "resnet18": lambda: Fixture(
            "resnet18", "ResNet-18, random weights (3x224x224 -> 1000), multipart 224x224 noise PNG POST /predict",
            bench("resnet18"),
            ["--translator", "image-classification", "--size", "224", "--batch-size", "16", "--max-batch-delay", "1"],
            {"MODEL": os.path.join(bench("resnet18"), "resnet18.pt"), "SIZE": "224"}, "/predict",
            lambda p: multipart(p, png_bytes(224, noise=True))),
        "mlp512": lambda: Fixture(
            "mlp512", "MLP 512 -> 512 -> 256 -> 10, V2 JSON (1x512 FP32) POST /v2/models/mlp512/infer",
            os.path.join(bench("mlp512"), "mlp512.pt"),
            # a .pt file does not record its input: declared, the endpoint checks requests and warms up through V2
            ["--input-shape", "-1,512", "--batch-size", "16", "--max-batch-delay", "1"],
            {"MODEL": os.path.join(bench("mlp512"), "mlp512.pt")}, "/v2/models/mlp512/infer",
            lambda p: v2_body(p, 512)),
    }


def serve_jvm_opts():
    """The JVM options the image's `serve` entry uses on this machine (serial GC on 2 CPUs or fewer)."""
    return subprocess.run(["bash", os.path.join(ROOT, "image/entrypoint.sh"), "serve-jvm-opts"], capture_output=True,
                          text=True, check=True, env={k: v for k, v in os.environ.items() if k != "JAVA_OPTS"}).stdout.split()


def bench_env():
    return dict(os.environ, DJL_OFFLINE="true", OPT_OUT_TRACKING="true")


def start_ours(fx, port, extra=(), jvm_opts=None, jar=None):
    """`djl-kernel serve` on fx with one torch thread per worker and a worker per core, like the Flask side."""
    cmd = ["java", *(serve_jvm_opts() if jvm_opts is None else jvm_opts), "-Dai.djl.pytorch.num_threads=1",
           "-Dai.djl.pytorch.num_interop_threads=1", "-jar", jar or JAR, "serve", "--model", fx.model, "--name", fx.name,
           "--port", str(port), "--workers", str(CORES), "--queue-size", "1024", *fx.ours_args, *extra]
    return subprocess.Popen(cmd, env=bench_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def start_flask(fx, port):
    return subprocess.Popen(["gunicorn", "-w", str(CORES), "-b", f"127.0.0.1:{port}", "--chdir",
                             os.path.join(ROOT, "bench"), "--log-level", "warning", "serve_flask_app:app"],
                            env=dict(bench_env(), **fx.flask_env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def stop(*procs):
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def hey(url, body, ctype, conc, seconds):
    out = subprocess.run(["hey", "-z", f"{seconds}s", "-c", str(conc), "-m", "POST", "-T", ctype, "-D", body,
                          "-disable-keepalive=false", url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    # hey leaves out a percentile it has too few answers for (p99 below 100): then the slowest answer is the p99
    p99 = re.search(r"99%+ in ([\d.]+) secs", out) or re.search(r"Slowest:\s+([\d.]+) secs", out)
    p50 = re.search(r"50%+ in ([\d.]+) secs", out)
    codes = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", out))
    return rps, float(p50.group(1)) * 1000 if p50 else float("nan"), float(p99.group(1)) * 1000 if p99 else float("nan"), codes


def alt_wanted(args):
    return args.alt_args is not None or args.alt_jar or args.alt_jvm_opts


def measure(fx, args, concs, tmp):
    """Medians per (server, concurrency) for one fixture: {(label, conc): (req/s, p50 ms, p99 ms, codes)}."""
    body, ctype = fx.body(tmp)
    servers, procs = [], []
    try:
        port = free_port()
        procs.append(start_ours(fx, port))
        servers.append(("ours", port, "/v2/health/ready"))
        if alt_wanted(args):
            port = free_port()
            procs.append(start_ours(fx, port, extra=(args.alt_args or "").split(), jar=args.alt_jar,
                                    jvm_opts=serve_jvm_opts() + (args.alt_jvm_opts or "").split()))
            servers.append(("alt", port, "/v2/health/ready"))
        port = free_port()
        procs.append(start_flask(fx, port))
        servers.append(("flask", port, "/ping"))
        for _, port, ready in servers:
            wait_ready(f"http://127.0.0.1:{port}{ready}")
        for _, port, _ in servers:
            hey(f"http://127.0.0.1:{port}{fx.route}", body, ctype, 16, args.warmup)  # warm-up (JIT, allocator)
        # interleaved (ours, flask, ours, flask, ...) so that load from other processes hits both alike
        runs = {}
        for _ in range(args.rounds):
            for c in concs:
                for label, port, _ in servers:
                    runs.setdefault((label, c), []).append(hey(f"http://127.0.0.1:{port}{fx.route}", body, ctype, c, args.seconds))
    finally:
        stop(*procs)
    results = {}
    for key, rs in runs.items():
        med = lambda i: sorted(r[i] for r in rs)[len(rs) // 2]
        codes = {}
        for r in rs:
            for k, v in r[3].items():
                codes[k] = codes.get(k, 0) + int(v)
        results[key] = (med(0), med(1), med(2), codes)
    return results


def print_table(fx, results, concs, args):
    labels = ["ours"] + (["alt"] if ("alt", concs[0]) in results else [])
    print(f"\n### {fx.name}: {fx.title}\n")
    print("| server | conc | req/s | flask req/s | thr ratio | p50 ms | flask p50 ms | p99 ms | flask p99 ms | p99 ratio | non-200 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for label in labels:
        for c in concs:
            o, f = results[(label, c)], results[("flask", c)]
            bad = {k: v for k, v in {**{label + " " + a: b for a, b in o[3].items()},
                                     **{"flask " + a: b for a, b in f[3].items()}}.items() if not k.endswith("200")}
            print(f"| {label} | {c} | {o[0]:.0f} | {f[0]:.0f} | {o[0] / f[0]:.2f}x | {o[1]:.2f} | {f[1]:.2f} | {o[2]:.2f} | "
                  f"{f[2]:.2f} | {o[2] / f[2]:.2f}x | {bad or '-'} |")
    if 16 in concs:
        for label in labels:
            o, f = results[(label, 16)], results[("flask", 16)]
            thr, p99 = o[0] / f[0], o[2] / f[2]
            print(f"\n{fx.name} {label} at 16: throughput {thr:.2f}x (target >= 2x: {'met' if thr >= 2 else 'MISSED'}), "
                  f"p99 {p99:.2f}x (target <= 0.5x: {'met' if p99 <= 0.5 else 'MISSED'})")


def main():
    global JAR
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default="classifier,resnet18,mlp512")
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--concurrency", default="1,16,64")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the table shows medians")
    ap.add_argument("--jar", default=JAR, help="the kernel jar of 'ours'")
    ap.add_argument("--alt-args", help="also serve with these extra options (they override) as 'alt', for a before/after")
    ap.add_argument("--alt-jar", help="serve 'alt' from another kernel jar (e.g. the code before a change), copied "
                                      "into kernel/target/ so that it finds the natives in kernel/target/lib/")
    ap.add_argument("--alt-jvm-opts", help="serve 'alt' with these JVM options added, e.g. -Dai.djl.pytorch.graph_optimizer=true")
    args = ap.parse_args()
    JAR = os.path.abspath(args.jar)
    if not os.path.exists(JAR):
        raise SystemExit(f"build the kernel jar first: {JAR}")
    concs = [int(c) for c in args.concurrency.split(",")]
    known = fixtures()
    chosen = args.fixtures.split(",")
    for name in chosen:
        if name not in known:
            raise SystemExit(f"unknown fixture {name}; known: {', '.join(known)}")
    tmp = tempfile.mkdtemp(prefix="serve-bench-")
    jvm_opts = serve_jvm_opts()
    print(f"Serving benchmark, CPU, {CORES} cores, hey {args.seconds} s per run, median of {args.rounds} interleaved "
          f"rounds, loopback")
    print(f"ours: djl-kernel serve (Netty, dynamic batching, workers=cores, 1 torch thread each; JVM options of the "
          f"image's serve entry: {' '.join(jvm_opts) or '(none)'}); ready = /v2/health/ready (after its warm-up)")
    if alt_wanted(args):
        print(f"alt:  ours{' from ' + args.alt_jar if args.alt_jar else ''}{' with ' + args.alt_args if args.alt_args else ''}"
              f"{' with JVM options ' + args.alt_jvm_opts if args.alt_jvm_opts else ''}")
    print(f"base: Flask + torch {torch_version()} under gunicorn -w {CORES} (1 torch thread per worker)", flush=True)
    for name in chosen:
        fx = known[name]()
        print_table(fx, measure(fx, args, concs, tmp), concs, args)
        sys.stdout.flush()


def torch_version():
    try:
        out = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True)
        return out.stdout.strip()
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
