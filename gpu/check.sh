#!/usr/bin/env bash
# GPU checks for the DJL tensor extension, for a machine with an NVIDIA GPU (CI has none: it runs the CPU tests).
#
#   gpu/check.sh [path/to/djl-kernel.jar]
#
# 1. device discovery: nvidia-smi, NVML (libnvidia-ml.so.1), CUDA_VISIBLE_DEVICES
# 2. readings: the kernel's own NVML and nvidia-smi code, which must agree (%gpu's and the devices panel's data),
#    the cost of one reading each way, the devices panel's payload, and this machine's PyTorch as a baseline
# 3. torch: finds a torch lib folder (python's torch, or TORCH_LIB). DJL 0.36's JNI is built for libtorch 2.7.1:
#    with 2.7.1 (+cu128) it runs %gpu --check (a 1000x1000 matmul on every GPU) through the kernel's classes;
#    with another version (e.g. 2.11+cu130) it says why DJL cannot load it and stops after what it could check.
# Env: JAVA (a jlinked runtime will do), GPU_CHECK_CLASSES (gpu/GpuCheck.java precompiled, when there is no javac),
#      TORCH_LIB, GPU_CHECK_TRY_MISMATCHED=1 (let DJL try a mismatched torch in a throw-away JVM, as an experiment).
# Exit status: 0 all run checks passed, 1 a check failed, 2 no GPU here.
set -u
HERE="$(cd "$(dirname "$0")/.." && pwd)"
JAR="${1:-$HERE/kernel/target/djl-kernel.jar}"
JAVA="${JAVA:-java}"
fail=0
say() { printf '\n== %s\n' "$*"; }

say "1. Device discovery"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi -L || fail=1
  nvidia-smi | grep -E "Driver Version|CUDA Version" || true
else
  echo "nvidia-smi: not found"
fi
NVML=""
for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64 /usr/lib/wsl/lib; do
  [ -e "$d/libnvidia-ml.so.1" ] && NVML="$d/libnvidia-ml.so.1" && break
done
echo "NVML: ${NVML:-not found}"
echo "CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES-<unset>}"
if ! command -v nvidia-smi >/dev/null 2>&1 && [ -z "$NVML" ]; then
  echo "No NVIDIA driver here: nothing GPU-specific to check (run the CPU tests: mvn test)."
  exit 2
fi

[ -f "$JAR" ] || { echo "kernel jar not found: $JAR (mvn -q package -DskipTests)"; exit 1; }
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
# GpuCheck (gpu/GpuCheck.java) runs the kernel's own classes; GPU_CHECK_CLASSES may hold it precompiled, for a
# machine whose Java is a jlinked runtime without javac
CLASSES="${GPU_CHECK_CLASSES:-}"
if [ -z "$CLASSES" ]; then
  CLASSES="$WORK/classes"
  "${JAVAC:-javac}" -d "$CLASSES" -cp "$JAR" "$HERE/gpu/GpuCheck.java" || { echo "cannot compile gpu/GpuCheck.java"; exit 1; }
fi
gpucheck() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR:$CLASSES" GpuCheck "$@"; }

say "2. Readings through the kernel's NVML / nvidia-smi code (what %gpu, %memory and the devices panel show)"
gpucheck readings || fail=1
say "2b. The devices panel's payload (djl.devices comm)"
gpucheck comm || fail=1

say "2c. Baseline: this machine's PyTorch on the same GPU"
for py in python3 /opt/conda/bin/python /usr/bin/python3; do
  command -v "$py" >/dev/null 2>&1 || continue
  "$py" - <<'PY' 2>&1 && break
import time, torch
if not torch.cuda.is_available():
    print("torch", torch.__version__, "sees no GPU"); raise SystemExit(0)
p = torch.cuda.get_device_properties(0)
free, total = torch.cuda.mem_get_info(0)
print(f"torch {torch.__version__}: {torch.cuda.device_count()} GPU(s), {p.name}, cc {p.major}.{p.minor}, "
      f"memory total {total // 2**20} MiB")
a = torch.rand(1000, 1000, device="cuda") * 2 - 1
b = torch.rand(1000, 1000, device="cuda") * 2 - 1
(a @ b).sum().item()
best = 1e9
for _ in range(5):
    t0 = time.perf_counter(); c = a @ b; c[0, 0].item(); best = min(best, time.perf_counter() - t0)
print(f"torch 1000x1000 float32 matmul, best of 5 (timed like %gpu --check): {best*1e3:.3f} ms, "
      f"{2e9 / best / 1e9:.1f} GFLOP/s")
PY
done

say "3. libtorch for DJL"
TORCH_LIB="${TORCH_LIB:-}"
TORCH_VERSION=""
if [ -z "$TORCH_LIB" ]; then
  for py in python3 /opt/conda/bin/python /usr/bin/python3; do
    command -v "$py" >/dev/null 2>&1 || continue
    out="$("$py" -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"));print(torch.__version__)' 2>/dev/null)" || continue
    TORCH_LIB="$(echo "$out" | sed -n 1p)"; TORCH_VERSION="$(echo "$out" | sed -n 2p)"; break
  done
fi
[ -z "$TORCH_VERSION" ] && [ -n "$TORCH_LIB" ] && [ -f "$TORCH_LIB/../version.py" ] && \
  TORCH_VERSION="$(sed -n "s/^__version__ = '\(.*\)'/\1/p" "$TORCH_LIB/../version.py")"
echo "torch: ${TORCH_VERSION:-not found} ${TORCH_LIB:+at $TORCH_LIB}"
case "$TORCH_VERSION" in
  2.7.1+cu*)
    flavor="${TORCH_VERSION#*+}"; [ "$flavor" = cu128 ] || echo "note: DJL 0.36 ships a cu128 JNI; $flavor may not load"
    # DJL loads libcudart from LD_LIBRARY_PATH: add pip's nvidia/*/lib folders (conda images keep them outside it)
    extra="$(find "$TORCH_LIB/../../nvidia" -maxdepth 2 -name lib -type d 2>/dev/null | tr '\n' ':')"
    say "4. %gpu --check through the kernel (PYTORCH_LIBRARY_PATH=$TORCH_LIB, flavor $flavor)"
    PYTORCH_LIBRARY_PATH="$TORCH_LIB" PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 LD_LIBRARY_PATH="${extra}${LD_LIBRARY_PATH:-}" \
      gpucheck check || fail=1
    ;;
  "")
    echo "No torch found: DJL's GPU path needs torch 2.7.1+cu128 libraries (as in the PyTorch-CUDA 2.7 image)."
    echo "Set TORCH_LIB=/path/to/torch/lib to point at them. Device discovery and readings above are what could be checked."
    ;;
  *)
    echo "torch $TORCH_VERSION here, but DJL 0.36's JNI (pytorch-jni 2.7.1-0.36.0) is built for libtorch 2.7.1 only:"
    echo "loading $TORCH_VERSION could crash the JVM, so the kernel refuses it with a clear error (checked now):"
    out="$(PYTORCH_LIBRARY_PATH="$TORCH_LIB" gpucheck check 2>&1)"
    echo "$out" | grep -E "Error|CUDA available" || true
    echo "$out" | grep -q "built for libtorch 2.7.1" || { echo "FAIL: the mismatch was not refused with its reason"; fail=1; }
    if [ "${GPU_CHECK_TRY_MISMATCHED:-0}" = 1 ]; then
      # An experiment, in a throw-away JVM: hide torch's version.py (a folder of links to its libraries) so the
      # kernel's guard lets DJL try the 2.7.1 JNI against this torch, and record what really happens.
      say "5. Experiment: DJL's cu128 JNI against torch $TORCH_VERSION (guard bypassed, separate JVM)"
      mkdir -p "$WORK/torchlib"
      for f in "$TORCH_LIB"/*; do ln -s "$f" "$WORK/torchlib/"; done
      extra="$(find "$TORCH_LIB/../../nvidia" -maxdepth 3 -name lib -type d 2>/dev/null | tr '\n' ':')"
      PYTORCH_LIBRARY_PATH="$WORK/torchlib" PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 DJL_CACHE_DIR="$WORK/djl" \
        LD_LIBRARY_PATH="$WORK/torchlib:${extra}${LD_LIBRARY_PATH:-}" timeout 240 \
        "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR:$CLASSES" GpuCheck check > "$WORK/exp.log" 2>&1
      rc=$?
      grep -E "CUDA available|Error|gpu\(|cpu\(|undefined symbol|UnsatisfiedLink|SIGSEGV|SIGABRT|terminate" "$WORK/exp.log" | head -20
      echo "experiment exit status: $rc ($( [ $rc -ge 128 ] && echo "killed by signal $((rc-128)): the crash the guard prevents" || echo "no crash"))"
    fi
    echo "GPU matmul through DJL is verified only with torch 2.7.1+cu128 (the image). Checked here: discovery, readings, the guard."
    ;;
esac
say "Result: $([ $fail = 0 ] && echo PASS || echo FAIL)"
exit $fail
