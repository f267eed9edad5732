#!/usr/bin/env bash
# Issue 16's GPU run, prepared on CPU: the one script to run on a machine with an NVIDIA GPU (no JDK, no network
# needed there). It builds the torch bridge against that machine's torch, then checks through the real kernel
# what a user would do on the GPU, with PyTorch on the same card in the same run as the baseline, and prints a
# summary table (also written to $VERIFY_OUT/summary.md for docs/gpu-verification.md). Each item fails soft.
#
#   gpu/pack.sh                       # on a build machine: build/gpu-pack.tar.xz (~32 MiB; carry it along)
#   gpu/verify.sh [PACK]              # on the GPU machine, from the repository root
#
# Items: pack, GPU discovery, bridge build (gpu/build-jni.sh), the guard refusing a mismatched bridge,
# %gpu / %gpu --check (GFLOP/s vs torch.matmul), notebooks 00/01/04 through the kernel, 4096²/8192² matmul in
# fp32/fp16/bf16 (TFLOP/s vs torch), first GPU cell vs `import torch` + the same, %model load onto gpu(0) and %serve
# /predict (req/s at 16 clients vs Flask on the same GPU), %memory and %memory --free (NVML before/after),
# interrupting a GPU loop (<= 1 s), a restart releasing the CUDA context, the model debugging functions.
# Env: PYTHON (the Python with torch; default: the first of python3, /opt/conda/bin/python that imports torch),
#      VERIFY_OUT (default build/gpu-verify), VERIFY_ITEMS (GpuVerify's items, space-separated), JOBS,
#      VERIFY_SIZES (matmul sizes, default 4096,8192), VERIFY_ALLOW_CPU=1 (no GPU: run the kernel items on cpu() with DJL's own CPU natives, to test this script)
# Exit status: 0 every item passed or was skipped, 1 an item failed, 2 no NVIDIA GPU here (after the pack check).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACK="${1:-$HERE/build/gpu-pack.tar.xz}"
OUT="${VERIFY_OUT:-$HERE/build/gpu-verify}"
mkdir -p "$OUT"
exec > >(tee "$OUT/verify.log") 2>&1
WORK="$(mktemp -d)"
# shellcheck disable=SC2317  # called by the trap
cleanup() { if [ -n "${FLASK_PID:-}" ]; then kill "$FLASK_PID" 2>/dev/null; fi; rm -rf "$WORK"; }
trap cleanup EXIT
ROWS="$OUT/rows.tsv"; : > "$ROWS"
row() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$ROWS"; printf '  -> %-28s %-4s %s\n' "$1" "$2" "$3"; }
say() { printf '\n== %s\n' "$*"; }
metric() { sed -n "s/^METRIC\t$1\t//p" "$OUT"/*.metrics 2>/dev/null | tail -1; }

summary() {
  say "Summary ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  {
    echo "| item | result | detail |"; echo "|---|---|---|"
    awk -F'\t' '{printf "| %s | %s | %s |\n", $1, $2, $3}' "$ROWS"
  } > "$OUT/summary.md"
  awk -F'\t' '{printf "%-30s %-5s %s\n", $1, $2, $3}' "$ROWS"
  echo "(table: $OUT/summary.md, log: $OUT/verify.log)"
}

# ---- 0. the pack (runtime, kernel, DJL sources), unpacked here
say "0. Pack"
if [ ! -f "$PACK" ]; then
  row pack FAIL "no $PACK (make it with gpu/pack.sh where a JDK is)"; summary; exit 1
fi
if command -v xz >/dev/null 2>&1; then xz -dc "$PACK" | tar -C "$WORK" -xf -
else "${PYTHON:-python3}" -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$PACK" "$WORK"; fi
P="$WORK/gpu-pack"
JAVA="$P/jre/bin/java"
if "$JAVA" -version >/dev/null 2>&1; then
  row pack PASS "$(du -h "$PACK" | cut -f1) packed, $(du -sh "$P" | cut -f1) unpacked; $("$JAVA" -version 2>&1 | head -1)"
else
  row pack FAIL "the packed Java runtime does not start here"; summary; exit 1
fi

# ---- 1. GPU discovery
say "1. GPU discovery"
NVML=""
for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64 /usr/lib/wsl/lib; do
  [ -e "$d/libnvidia-ml.so.1" ] && NVML="$d/libnvidia-ml.so.1" && break
done
CPU_MODE=0
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  CARD="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
  nvidia-smi -L
  row "GPU" PASS "$CARD; $(nvidia-smi | grep -o 'CUDA Version: [0-9.]*' | head -1); NVML ${NVML:-not found}"
elif [ "${VERIFY_ALLOW_CPU:-0}" = 1 ]; then
  CPU_MODE=1
  row "GPU" SKIP "none here; VERIFY_ALLOW_CPU=1: kernel items run on cpu() to test this script (not a GPU result)"
else
  row "GPU" SKIP "no NVIDIA GPU here (nvidia-smi: $(command -v nvidia-smi || echo none), NVML: ${NVML:-none})"
  summary
  echo "No GPU: this is where a CPU machine stops (exit 2). Everything above it is ready."
  exit 2
fi

# ---- 2. the machine's torch
say "2. PyTorch here"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for c in python3 /opt/conda/bin/python /usr/bin/python3; do
    command -v "$c" >/dev/null 2>&1 && "$c" -c 'import torch' 2>/dev/null && { PY="$c"; break; }
  done
fi
if [ -z "$PY" ]; then row "torch" FAIL "no Python with torch found (set PYTHON)"; summary; exit 1; fi
TORCH_INFO="$("$PY" -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())')"
row "torch" PASS "$PY: $TORCH_INFO"
SITE="$("$PY" -c 'import os, torch; print(os.path.dirname(os.path.dirname(torch.__file__)))')"
# DJL loads libcudart & co. through the dynamic linker: pip's nvidia/*/lib folders are outside its search path
NV_LIBS="$(find "$SITE/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | tr '\n' ':')"
export LD_LIBRARY_PATH="${NV_LIBS}${LD_LIBRARY_PATH:-}"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true DJL_CACHE_DIR="$WORK/djl-cache"
unset ENGINE_CACHE_DIR PYTORCH_LIBRARY_PATH PYTORCH_VERSION PYTORCH_FLAVOR

# ---- 3. the bridge, built against this torch
KERNEL_JAR="$P/djl-kernel.jar"
if [ "$CPU_MODE" = 0 ]; then
  say "3. Torch bridge (gpu/build-jni.sh)"
  t0=$(date +%s)
  if JOBS="${JOBS:-$(nproc)}" "$HERE/gpu/build-jni.sh" --python "$PY" --sources "$P/djl-native-src" --out "$WORK/bridge" \
      > "$OUT/build-jni.log" 2>&1; then
    row "bridge build" PASS "$(( $(date +%s) - t0 )) s; $(grep -E '^(torch.version|torch.flavor|use_cuda|patches)=' "$WORK/bridge/djl-bridge.properties" | tr '\n' ' ')"
    cp "$WORK/bridge/djl-bridge.properties" "$OUT/"
    export DJL_KERNEL_TORCH_BRIDGE="$WORK/bridge"
  else
    tail -30 "$OUT/build-jni.log"
    row "bridge build" FAIL "$(( $(date +%s) - t0 )) s; $(grep -c 'error:' "$OUT/build-jni.log") compiler errors, first: $(grep -m1 'error:' "$OUT/build-jni.log" | cut -c1-200)"
    summary; exit 1
  fi

  # the guard: the same bridge claiming another torch must be refused before anything loads (no crash)
  say "3b. A mismatched bridge is refused"
  cp -r "$WORK/bridge" "$WORK/bridge-wrong"
  sed -i 's/^torch.version=.*/torch.version=2.7.1+cu128/' "$WORK/bridge-wrong/djl-bridge.properties"
  guard="$(DJL_KERNEL_TORCH_BRIDGE="$WORK/bridge-wrong" "$JAVA" -cp "$KERNEL_JAR:$P/classes" GpuCheck check 2>&1)"
  if grep -q "built for torch 2.7.1+cu128" <<<"$guard"; then row "guard (mismatched bridge)" PASS "refused with its reason"
  else row "guard (mismatched bridge)" FAIL "$(echo "$guard" | grep -m1 -E 'Error|rror' | cut -c1-200)"; fi
else
  # CPU test mode: DJL's own CPU natives from the build tree (the pack has none)
  KERNEL_JAR="$HERE/kernel/target/djl-kernel.jar"
  export VERIFY_DEVICE=cpu
  export VERIFY_SIZES="${VERIFY_SIZES:-256}"
fi
export VERIFY_SIZES="${VERIFY_SIZES:-4096,8192}"

# ---- 4. PyTorch on the same card: the baselines
say "4. PyTorch baselines"
"$PY" - "$CPU_MODE" "$VERIFY_SIZES" > "$OUT/torch.metrics" 2>&1 <<'PY'
import subprocess, sys, time
import torch
cpu = sys.argv[1] == "1"
dev = torch.device("cpu" if cpu else "cuda")
def sync():
    if not cpu: torch.cuda.synchronize()
a = torch.rand(1000, 1000, device=dev) * 2 - 1
(a @ a).sum().item()
best = 1e9
for _ in range(5):
    t0 = time.perf_counter(); c = a @ a; c[0, 0].item(); best = min(best, time.perf_counter() - t0)
print(f"METRIC\ttorch_check_gflops\t{2e9 / best / 1e9:.1f}")
sizes = [int(s) for s in sys.argv[2].split(",")]
for n in sizes:
    for name, dt in (("float32", torch.float32), ("float16", torch.float16), ("bfloat16", torch.bfloat16)):
        if cpu and dt is torch.float16: continue
        x = (torch.rand(n, n, device=dev) * 2 - 1).to(dt); y = (torch.rand(n, n, device=dev) * 2 - 1).to(dt)
        iters = 10 if n >= 8192 else 40
        best = 1e9
        for r in range(4):  # as in GpuVerify: r == 0 warms up
            sync(); t0 = time.perf_counter()
            for _ in range(iters): c = x @ y
            c[0, 0].float().item()
            if r: best = min(best, (time.perf_counter() - t0) / iters)
        print(f"METRIC\ttorch_tflops_{n}_{name}\t{2 * n ** 3 / best / 1e12:.3f}")
        del x, y, c
# first GPU tensor cell's equivalent: a fresh Python, import torch + CUDA context + 1000² matmul
code = ("import time; t0 = time.perf_counter(); import torch; d = '" + str(dev) + "'; "
        "x = torch.rand(1000, 1000, device=d) * 2 - 1; (x @ x)[0, 0].item(); print(time.perf_counter() - t0)")
runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(3)]
print(f"METRIC\tpython_first_cell_s\t{sorted(runs)[1]:.3f}")
PY
cat "$OUT/torch.metrics"

# ---- 5. Flask on the same GPU: the serving baseline
say "5. Flask baseline"
FLASK_PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
MODEL_PT="$HERE/extensions/djl/src/test/resources/models/classifier/classifier.pt"
export PYTHONPATH="$HERE/bench:${PYTHONPATH:+$PYTHONPATH:}$P/pylib"
# bench's Flask app (the seed's approach) with the model on the GPU (on cpu when the kernel items run on cpu)
if [ "${VERIFY_DEVICE:-}" = cpu ]; then export DEVICE=cpu; else export DEVICE=cuda:0; fi
if "$PY" -c 'import flask, PIL' 2>/dev/null; then
  if "$PY" -c 'import gunicorn' 2>/dev/null; then
    MODEL="$MODEL_PT" SIZE=32 "$PY" -m gunicorn -w "$(nproc)" -b "127.0.0.1:$FLASK_PORT" --log-level warning \
      serve_flask_app:app > "$OUT/flask.log" 2>&1 & FLASK_PID=$!; how="gunicorn, $(nproc) workers"
  else
    MODEL="$MODEL_PT" SIZE=32 "$PY" "$HERE/bench/serve_flask_app.py" "$FLASK_PORT" > "$OUT/flask.log" 2>&1 & FLASK_PID=$!
    how="Flask's threaded server (no gunicorn)"
  fi
  for _ in $(seq 120); do
    "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$FLASK_PORT/ping', timeout=1)" 2>/dev/null && break
    sleep 0.5
  done
  export FLASK_URL="http://127.0.0.1:$FLASK_PORT/predict"
  row "Flask baseline" PASS "$how on $("$PY" -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$FLASK_PORT/ping').read().decode())" 2>/dev/null || echo '?')"
else
  row "Flask baseline" SKIP "this Python lacks flask or PIL"
fi

# ---- 6. the kernel: GpuVerify's items through the real kernel process
say "6. Through the kernel"
# shellcheck disable=SC2086
(cd "$HERE" && "$JAVA" -Dverify.jar="$KERNEL_JAR" -cp "$KERNEL_JAR:$P/classes" GpuVerify "$HERE" ${VERIFY_ITEMS:-}) \
  > "$OUT/kernel.metrics" 2>&1
grep -v -E '^(RESULT|METRIC)' "$OUT/kernel.metrics" | tail -20
while IFS=$'\t' read -r _ item verdict detail; do row "$item" "$verdict" "$detail"; done \
  < <(grep '^RESULT' "$OUT/kernel.metrics")

# ---- 7. ratios against PyTorch on the same card, same run
say "7. Ratios (same card, same run)"
ratio() { # name ours theirs target op
  local ours="$2" theirs="$3"
  if [ -z "$ours" ] || [ -z "$theirs" ]; then row "$1" SKIP "missing a measurement (ours '${ours}', baseline '${theirs}')"; return; fi
  local verdict
  verdict="$(awk -v a="$ours" -v b="$theirs" -v t="$4" -v op="$5" 'BEGIN { r = a / b;
    ok = (op == ">=") ? (r >= t) : (r <= t); print (ok ? "PASS" : "FAIL") }')"
  row "$1" "$verdict" "$(awk -v a="$ours" -v b="$theirs" -v t="$4" -v op="$5" \
    'BEGIN { printf "%.3f vs %.3f = %.2fx (target %s %s)", a, b, a / b, op, t }')"
}
ratio "%gpu --check vs torch (GFLOP/s)" "$(metric djl_check_gflops)" "$(metric torch_check_gflops)" 0.5 '>='
for n in ${VERIFY_SIZES//,/ }; do for dt in float32 float16 bfloat16; do
  target=0; [ "$n" = 8192 ] && [ "$dt" != float16 ] && target=0.95
  ratio "matmul $n $dt vs torch" "$(metric "djl_tflops_${n}_$dt")" "$(metric "torch_tflops_${n}_$dt")" "$target" '>='
done; done
ratio "first GPU cell vs python" "$(metric djl_first_cell_s)" "$(metric python_first_cell_s)" 1.2 '<='
summary
grep -q $'\tFAIL\t' "$ROWS" && exit 1
exit 0
