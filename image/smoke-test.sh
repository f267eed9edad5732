#!/usr/bin/env bash
# Smoke test of a built djl-kernel image, run inside a container of it:
#
#   docker run --rm --gpus all djl-kernel:0.1.0 smoke-test            # on a GPU host: every check must pass
#   docker run --rm djl-kernel:0.1.0 smoke-test --allow-cpu            # without a GPU: GPU checks become notes
#
# Checks: 1. the NVIDIA driver is visible (nvidia-smi); 2. the kernelspec `java` is installed with DJL's env,
# and the JupyterLab extension; 3. through a real kernel: CUDA visible to DJL, device count and name
# (%gpu), a 1000x1000 matmul on gpu(0) with its time, %gpu --check; 4. the model endpoint: a tiny TorchScript
# model made with the image's torch, served by `djl-kernel.jar serve`, /v2/health/ready, model metadata and
# one inference (ENDPOINT_URL=http://host:8080 checks a running endpoint instead); 5. JupyterLab's /api when
# one runs in this container. Exit 0 when every check passed, 1 otherwise.
set -uo pipefail

ALLOW_CPU=false
[ "${1:-}" = "--allow-cpu" ] && ALLOW_CPU=true
JAR="${DJL_KERNEL_HOME:-/opt/djl-kernel}/djl-kernel.jar"
PY="${PYTHON:-python}"
WORK="$(mktemp -d)"
SERVE_PID=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() { [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
failures=0
pass() { printf '  PASS  %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*"; failures=$((failures + 1)); }
note() { printf '  note  %s\n' "$*"; }
section() { printf '\n== %s\n' "$*"; }

section "1. NVIDIA driver"
GPU=false
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >"$WORK/smi" 2>&1; then
    GPU=true
    pass "nvidia-smi: $(wc -l <"$WORK/smi") GPU(s)"
    sed 's/^/        /' "$WORK/smi"
elif $ALLOW_CPU; then
    note "no NVIDIA driver visible (--allow-cpu): GPU checks are skipped"
else
    fail "no NVIDIA driver visible in the container: run it with --gpus all on a host with the NVIDIA driver and Container Toolkit (docs/troubleshooting.md)"
fi

section "2. Kernel and extension installed"
if spec="$(jupyter kernelspec list --json 2>/dev/null)" && echo "$spec" | "$PY" -c '
import json, sys
spec = json.load(sys.stdin)["kernelspecs"]["java"]
env = spec["spec"]["env"]
need = ["PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "LD_LIBRARY_PATH", "DJL_OFFLINE", "MODEL_ROOT"]
missing = [k for k in need if k not in env]
sys.exit("kernel.json env lacks " + ", ".join(missing) if missing else 0)' ; then
    pass "kernelspec java (with PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR, LD_LIBRARY_PATH, DJL_OFFLINE, MODEL_ROOT)"
else
    fail "kernelspec java missing or without DJL's env"
fi
if [ -f "${PYTORCH_LIBRARY_PATH:-}/0.36.0-libdjl_torch.so" ]; then pass "cu128 JNI next to torch: ${PYTORCH_LIBRARY_PATH:-}/0.36.0-libdjl_torch.so"
else fail "no 0.36.0-libdjl_torch.so in ${PYTORCH_LIBRARY_PATH:-<unset>}"; fi
if ls /opt/conda/share/jupyter/labextensions/*/package.json >/dev/null 2>&1 && jupyter labextension list 2>&1 | grep -q enabled; then
    pass "JupyterLab extension: $(jupyter labextension list 2>&1 | grep -m1 enabled | sed 's/^ *//')"
else
    fail "no prebuilt JupyterLab extension enabled"
fi

section "3. CUDA through DJL, in a real kernel"
cat >"$WORK/kernel_check.py" <<'PYEOF'
import sys
from jupyter_client.manager import start_new_kernel

gpu_expected = sys.argv[1] == "true"
CELLS = [
    ("count", "gpuCount()"),
    ("gpu", "%gpu"),
    ("matmul", "\n".join([
        "Device dev = gpuCount() > 0 ? gpu(0) : cpu();",
        "var a = manager.randomNormal(new Shape(1000, 1000)).toDevice(dev, false);",
        "var b = manager.randomNormal(new Shape(1000, 1000)).toDevice(dev, false);",
        "a.matMul(b).sum().getFloat();",
        "long t0 = System.nanoTime();",
        "var c = a.matMul(b); c.sum().getFloat();",
        "String.format(\"matmul %s on %s in %.2f ms\", c.getShape(), c.getDevice(), (System.nanoTime() - t0) / 1e6)"])),
    ("check", "%gpu --check"),
]
km, kc = start_new_kernel(kernel_name="java", startup_timeout=120)
results, errors = {}, []
try:
    for key, code in CELLS:
        texts = []
        def hook(msg, texts=texts):
            c = msg["content"]
            if msg["msg_type"] in ("execute_result", "display_data"):
                texts.append(c["data"].get("text/plain", ""))
            elif msg["msg_type"] == "stream":
                texts.append(c["text"])
            elif msg["msg_type"] == "error":
                errors.append(f"{key}: {c['ename']}: {c['evalue']}")
        kc.execute_interactive(code, timeout=300, output_hook=hook)
        results[key] = "\n".join(texts)
finally:
    km.shutdown_kernel(now=True)

ok = not errors
count = int(results.get("count", "0").strip() or 0)
print("      device count:", count)
print("\n".join("      " + l for l in results.get("gpu", "").splitlines()))
print("      " + results.get("matmul", "").strip())
print("\n".join("      " + l for l in results.get("check", "").splitlines() if "GFLOP" in l or "gpu(" in l or "cpu()" in l))
if errors:
    print("      errors:", *errors, sep="\n        ")
if gpu_expected:
    ok &= count > 0 and "CUDA available : yes" in results.get("gpu", "") and "gpu(0)" in results.get("matmul", "")
    ok &= "(1000, 1000)" in results.get("matmul", "") and "gpu(0)" in results.get("check", "")
else:
    ok &= "(1000, 1000)" in results.get("matmul", "")
sys.exit(0 if ok else 1)
PYEOF
if "$PY" "$WORK/kernel_check.py" "$GPU"; then
    pass "kernel: $($GPU && echo 'CUDA visible through DJL, matmul on gpu(0)' || echo 'CPU only, matmul on cpu()')"
else
    fail "kernel cells (see above; kernel logs in ${DJL_KERNEL_LOG_DIR:-/tmp/djl-kernel})"
fi

section "4. Model endpoint"
url="${ENDPOINT_URL:-}"
model=smoke
if [ -z "$url" ]; then
    "$PY" -c "import torch; torch.jit.script(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Softmax(dim=1))).save('$WORK/smoke.pt')" \
        || fail "could not make a TorchScript model with the image's torch"
    port="${SMOKE_PORT:-18080}"
    java -jar "$JAR" serve --model "$WORK/smoke.pt" --name "$model" --host 127.0.0.1 --port "$port" >"$WORK/serve.log" 2>&1 &
    SERVE_PID=$!
    url="http://127.0.0.1:$port"
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null "$url/v2/health/ready" 2>/dev/null && break
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.5
    done
fi
if curl -fsS -o /dev/null "$url/v2/health/live" && curl -fsS -o /dev/null "$url/v2/health/ready"; then
    pass "endpoint health: $url/v2/health/live and /ready"
    if [ -z "${ENDPOINT_URL:-}" ]; then
        if curl -fsS "$url/v2/models/$model" >"$WORK/meta.json" && \
           curl -fsS -H 'Content-Type: application/json' -d '{"id":"smoke-1","inputs":[{"name":"input0","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}' \
                "$url/v2/models/$model/infer" >"$WORK/infer.json" && grep -q '"smoke-1"' "$WORK/infer.json"; then
            pass "model metadata and one inference: $(head -c 200 "$WORK/infer.json")"
        else
            fail "model $model: metadata or inference failed ($(head -c 300 "$WORK/infer.json" 2>/dev/null))"
        fi
    fi
else
    fail "endpoint at $url not healthy$( [ -f "$WORK/serve.log" ] && printf '; serve log:\n%s' "$(tail -n 20 "$WORK/serve.log")")"
fi

section "5. JupyterLab"
if curl -fsS -o /dev/null --max-time 3 http://127.0.0.1:8888/api 2>/dev/null; then
    pass "JupyterLab answers on :8888/api"
else
    note "no JupyterLab running in this container (start the container normally to check it; the HEALTHCHECK does)"
fi

section "Result"
if [ "$failures" -eq 0 ]; then echo "PASS"; exit 0; fi
echo "FAIL ($failures check(s))"
exit 1
