#!/usr/bin/env bash
# GPU checks for the DJL tensor extension, for a machine with an NVIDIA GPU (CI has none: it runs the CPU tests).
#
#   gpu/check.sh [path/to/djl-kernel.jar]
#
# 1. device discovery: nvidia-smi, NVML (libnvidia-ml.so.1), CUDA_VISIBLE_DEVICES
# 2. readings: the kernel's own nvidia-smi/NVML parsing on this machine's output (%gpu's data)
# 3. torch: finds a torch lib folder (python's torch, or TORCH_LIB). DJL 0.36's JNI is built for libtorch 2.7.1:
#    with 2.7.1 (+cu128) it runs %gpu --check (a 1000x1000 matmul on every GPU) through the kernel's classes;
#    with another version (e.g. 2.11+cu130) it says why DJL cannot load it and stops after what it could check.
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
cat > "$WORK/GpuCheck.java" <<'JAVA'
import io.djlkernel.djl.*;
public class GpuCheck {
    public static void main(String[] a) throws Exception {
        String mode = a[0];
        if (mode.equals("readings")) {
            var r = GpuStatus.readings();
            System.out.println("readings (" + (Nvml.get() != null ? "NVML" : "nvidia-smi") + "): " + r.size() + " GPUs");
            for (var g : r) System.out.println("  " + g.toMap());
            if (r.isEmpty()) { System.out.println("  error: " + GpuStatus.lastError()); System.exit(1); }
            var smi = NvidiaSmi.query();
            System.out.println("nvidia-smi parse: " + smi.size() + " GPUs, first " + (smi.isEmpty() ? "-" : smi.get(0).name()));
            System.exit(smi.size() == r.size() ? 0 : 1);
        }
        Report report = (Report) GpuMagic.run("--check", null);
        System.out.println(report.text());
        boolean cuda = report.get("CUDA available").startsWith("yes");
        System.exit(cuda && report.text().contains("gpu(0)") && !report.text().contains("failed") ? 0 : 1);
    }
}
JAVA

say "2. Readings through the kernel's NVML / nvidia-smi code"
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$WORK/GpuCheck.java" readings || fail=1

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
      "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$WORK/GpuCheck.java" check || fail=1
    ;;
  "")
    echo "No torch found: DJL's GPU path needs torch 2.7.1+cu128 libraries (as in the PyTorch-CUDA 2.7 image)."
    echo "Set TORCH_LIB=/path/to/torch/lib to point at them. Device discovery and readings above are what could be checked."
    ;;
  *)
    echo "torch $TORCH_VERSION here, but DJL 0.36's JNI (pytorch-jni 2.7.1-0.36.0) is built for libtorch 2.7.1 only:"
    echo "loading $TORCH_VERSION could crash the JVM, so the kernel refuses it with a clear error (checked now):"
    PYTORCH_LIBRARY_PATH="$TORCH_LIB" "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$WORK/GpuCheck.java" check 2>&1 \
      | grep -E "Error|CUDA available" || true
    echo "GPU matmul through DJL is verified only in the image (torch 2.7.1+cu128). Checked here: discovery and readings."
    ;;
esac
say "Result: $([ $fail = 0 ] && echo PASS || echo FAIL)"
exit $fail
