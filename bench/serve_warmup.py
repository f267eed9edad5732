#!/usr/bin/python3
"""Serving warm-up benchmark (not a test): how fast is `djl-kernel serve` in its first 10 s of traffic after
/v2/health/ready says ready, against the same server later (steady state)? Run without and with the warm-up.

    mvn -B -ntp -q -pl kernel -am package -DskipTests     # builds kernel/target/djl-kernel.jar
    /usr/bin/python3 bench/serve_warmup.py [--fixtures classifier,resnet18,mlp512] [--first 10] [--burn 20]
                                           [--steady 10] [--concurrency 16] [--rounds 1] [--alt-jar JAR]

For each fixture of bench/serve_bench.py and each setting (--warmup 0, then the default; with --alt-jar also the
default warm-up of that build): start the server with serve_bench's options, wait until /v2/health/ready answers
200, then `hey` sends the fixture's request for --first seconds, keeps the load on for --burn seconds, and
measures --steady seconds. Prints the first-window and steady throughput and their ratio (target >= 0.8), and how
many C2-compiled methods the JVM threw away in the first window (from its JIT log): code the warm-up compiled for
requests unlike the clients', a count that the machine's load moves much less than the ratio. And the server's
CPU time per answered request in the first window against the steady one (steady/first: 1.0 means the first
seconds cost no more CPU per request than later ones): throughput on a shared machine rises and falls with the
neighbours' load, CPU per request much less.
Needs: apt-get install -y hey; python3-pil for the PNGs; python3-torchvision for the fixtures.
"""
import argparse
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_bench  # noqa: E402
from serve_bench import free_port, hey, start_ours, stop, wait_ready  # noqa: E402


def thrown_away(jit_log, since_s, until_s):
    """Compiled (C2) methods the JVM discarded between two of its uptimes: each is code a request took for the
    first time, which runs slower until it is compiled again."""
    n = 0
    with open(jit_log) as f:
        for line in f:
            m = re.match(r"\[([\d.]+)s\]\s+\d+\s+[%sbn! ]*4\s.*made not entrant", line)
            if m and since_s <= float(m.group(1)) < until_s:
                n += 1
    return n


def cpu_seconds(pid):
    """CPU time the process has used so far (user + system, all its threads: the JIT's compiler threads too)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(server, url, body, ctype, conc, seconds):
    """hey's (req/s, p50, p99, codes) for one window, and the server's CPU milliseconds per answered request."""
    cpu0 = cpu_seconds(server.pid)
    result = hey(url, body, ctype, conc, seconds)
    answered = sum(int(n) for n in result[3].values())
    return result, (cpu_seconds(server.pid) - cpu0) * 1000 / max(1, answered)


def one_run(fx, extra, jar, args, body, ctype, jvm_opts, tmp):
    port = free_port()
    jit_log = os.path.join(tmp, "jit.log")
    server = start_ours(fx, port, extra=extra, jar=jar,
                        jvm_opts=jvm_opts + [f"-Xlog:jit+compilation=debug:file={jit_log}:uptime"])
    try:
        ready_s = wait_ready(f"http://127.0.0.1:{port}/v2/health/ready")
        url = f"http://127.0.0.1:{port}{fx.route}"
        first, first_cpu = measured(server, url, body, ctype, args.concurrency, args.first)
        # the JVM started a little after the clock above did: its uptime at ready is at most ready_s
        discarded = thrown_away(jit_log, ready_s - 0.5, ready_s + args.first)
        hey(url, body, ctype, args.concurrency, args.burn)
        steady, steady_cpu = measured(server, url, body, ctype, args.concurrency, args.steady)
        return ready_s, first, steady, discarded, steady_cpu / first_cpu
    finally:
        stop(server)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default="classifier,resnet18,mlp512")
    ap.add_argument("--first", type=int, default=10)
    ap.add_argument("--burn", type=int, default=20)
    ap.add_argument("--steady", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=1, help="alternating rounds of the settings")
    ap.add_argument("--alt-jar", help="also the default warm-up of another kernel jar (before/after a change)")
    args = ap.parse_args()
    if not os.path.exists(serve_bench.JAR):
        raise SystemExit(f"build the kernel jar first: {serve_bench.JAR}")
    known = serve_bench.fixtures()
    tmp = tempfile.mkdtemp(prefix="serve-warmup-")
    jvm_opts = serve_bench.serve_jvm_opts()
    settings = [("--warmup 0", ["--warmup", "0"], None), ("default warm-up", [], None)]
    if args.alt_jar:
        settings.append(("default warm-up, alt jar", [], os.path.abspath(args.alt_jar)))
    rows = []
    for name in args.fixtures.split(","):
        fx = known[name]()
        body, ctype = fx.body(tmp)
        for _ in range(args.rounds):
            for label, extra, jar in settings:
                t0 = time.time()
                ready_s, first, steady, discarded, cpu_ratio = one_run(fx, extra, jar, args, body, ctype, jvm_opts, tmp)
                rows.append((name, label, ready_s, first, steady, discarded, cpu_ratio))
                print(f"{name}, {label}: ready after {ready_s:.1f} s; first {args.first} s {first[0]:.0f} req/s, "
                      f"steady {steady[0]:.0f} req/s, ratio {first[0] / steady[0]:.2f}; CPU per request steady/first "
                      f"{cpu_ratio:.2f}; {discarded} compiled methods discarded in the first {args.first} s; "
                      f"codes {first[3]} {steady[3]} ({time.time() - t0:.0f} s)", flush=True)
    print(f"\nWarm-up benchmark: serve_bench's fixtures and options, hey -c {args.concurrency}, {os.cpu_count()} cores; "
          f"first {args.first} s after ready vs {args.steady} s after {args.first + args.burn} s of load\n")
    print("| fixture | setting | ready after s | first req/s | steady req/s | first/steady | target >= 0.8 "
          "| CPU per request, steady/first | C2 methods discarded in the first s |")
    print("|---|---|---:|---:|---:|---:|---|---:|---:|")
    for name, label, ready_s, first, steady, discarded, cpu_ratio in rows:
        r = first[0] / steady[0]
        print(f"| {name} | {label} | {ready_s:.1f} | {first[0]:.0f} | {steady[0]:.0f} | {r:.2f} "
              f"| {'met' if r >= 0.8 else 'MISSED'} | {cpu_ratio:.2f} | {discarded} |")


if __name__ == "__main__":
    sys.exit(main())
