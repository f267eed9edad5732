#!/usr/bin/env bash
# Builds a "torch bridge": DJL's PyTorch JNI (libdjl_torch.so) compiled from DJL's own sources against the torch
# installed here, plus a manifest naming the exact torch it was built for. The kernel loads it when its
# kernelspec names the folder (install --torch-bridge DIR, or env DJL_KERNEL_TORCH_BRIDGE=DIR) and refuses it
# for any other torch. Used by image/Dockerfile (a build stage) and gpu/verify.sh (on the GPU machine).
#
#   gpu/build-jni.sh [--python PY] [--sources DIR] [--out DIR] [--jobs N] [--cpu-only]
#   gpu/build-jni.sh --torch-include DIR --torch-lib DIR --torch-version V [...]   (a torch without Python)
#
#   --python PY        the Python whose torch to build against (default: python3); its torch/include,
#                      torch/lib, version, CUDA version and C++ ABI flag are read from the package
#   --torch-include/--torch-lib/--torch-version   the same given by hand (e.g. Debian's libtorch-dev)
#   --sources DIR      made by gpu/fetch-djl-sources.sh (default: $DJL_SOURCES or build/djl-native-src)
#   --out DIR          the bridge folder to write (default: build/torch-bridge)
#   --cpu-only         no USE_CUDA even for a CUDA torch (when no CUDA headers are at hand)
#   --prebuilt SO      no compile: put this JNI (DJL's own, for the torch it ships for) in the bridge with the same
#                      manifest, so the kernel checks the exact torch either way (the image does this for 2.7.1)
# Patches: gpu/patches/*.patch, applied in name order to a copy of the sources; a patch whose first line says
# "min-torch: X.Y" applies only to torch >= X.Y. Each says which torch C++ calls changed and why.
# Output folder: djl-bridge.properties (the manifest) and
#   pytorch/<torch>-<flavor>-linux-x86_64/<djl>-libdjl_torch.so   (where DJL 0.36's loader looks in an engine
#   cache folder: the kernel points DJL's ENGINE_CACHE_DIR at the bridge)
# Exit status: 0 built, 1 build failed (the first compiler errors are printed), 64 bad usage.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DJL_VERSION="${DJL_VERSION:-0.36.0}"
PY="${PYTHON:-python3}"
SOURCES="${DJL_SOURCES:-$HERE/build/djl-native-src}"
OUT="${BRIDGE_OUT:-$HERE/build/torch-bridge}"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
CPU_ONLY=0
PREBUILT=""
TORCH_INCLUDE="" TORCH_LIB="" TORCH_VERSION="" CUDA_VERSION="" ABI=""
usage() { sed -n '2,26p' "$0" >&2; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PY="$2"; shift 2 ;;
    --torch-include) TORCH_INCLUDE="$2"; shift 2 ;;
    --torch-lib) TORCH_LIB="$2"; shift 2 ;;
    --torch-version) TORCH_VERSION="$2"; shift 2 ;;
    --sources) SOURCES="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --cpu-only) CPU_ONLY=1; shift ;;
    --prebuilt) PREBUILT="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
say() { printf '[build-jni] %s\n' "$*"; }
die() { printf '[build-jni] error: %s\n' "$*" >&2; exit "${2:-1}"; }

if [ -z "$PREBUILT" ] && { [ ! -d "$SOURCES/native" ] || [ ! -f "$SOURCES/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ]; }; then
  die "no DJL sources in $SOURCES: run gpu/fetch-djl-sources.sh DJL_GIT_DIR first (or set DJL_SOURCES)" 64
fi
[ -n "$PREBUILT" ] || command -v cmake >/dev/null || die "cmake not found"

# ---- the torch to build against
SITE=""
if [ -z "$TORCH_INCLUDE" ]; then
  info="$("$PY" - <<'PY'
import os, torch
d = os.path.dirname(torch.__file__)
print(os.path.join(d, "include")); print(os.path.join(d, "lib")); print(torch.__version__)
print(torch.version.cuda or ""); print(int(torch._C._GLIBCXX_USE_CXX11_ABI)); print(os.path.dirname(d))
PY
)" || die "cannot import torch with $PY (give --python, or --torch-include/--torch-lib/--torch-version)"
  { read -r TORCH_INCLUDE; read -r TORCH_LIB; read -r TORCH_VERSION; read -r CUDA_VERSION; read -r ABI; read -r SITE; } <<<"$info"
fi
[ -n "$TORCH_VERSION" ] || die "--torch-version is required with --torch-include" 64
if [ -z "$PREBUILT" ] && [ ! -f "$TORCH_INCLUDE/torch/csrc/api/include/torch/torch.h" ]; then
  die "no torch C++ headers in $TORCH_INCLUDE (torch/csrc/api/include/torch/torch.h): this torch has no include folder"
fi
[ -f "$TORCH_LIB/libtorch.so" ] || [ -f "$TORCH_LIB/libtorch_cpu.so" ] || die "no libtorch.so in $TORCH_LIB"
if [ -z "$ABI" ]; then
  # no Python: the package's CMake config records the flag (pip torch >= 2.7 builds with the C++11 ABI)
  cfg="$(find "$TORCH_LIB/.." "$TORCH_LIB/cmake" -maxdepth 4 -name TorchConfig.cmake 2>/dev/null | head -1 || true)"
  ABI="$(sed -n 's/.*_GLIBCXX_USE_CXX11_ABI=\([01]\).*/\1/p' "${cfg:-/dev/null}" | head -1)"
  ABI="${ABI:-1}"
fi
BASE="${TORCH_VERSION%%+*}"
case "$TORCH_VERSION" in
  *+cu*) FLAVOR="${TORCH_VERSION##*+}" ;;
  *) if [ -n "$CUDA_VERSION" ]; then FLAVOR="cu$(echo "$CUDA_VERSION" | tr -d .)"; else FLAVOR=cpu; fi ;;
esac
case "$FLAVOR" in cpu|cu[0-9]*) ;; *) FLAVOR=cpu ;; esac   # +rocm / +xpu / local tags: CPU code paths only

# ---- CUDA headers: pip's nvidia/* packages carry them (cu12: nvidia/<part>/include, cu13: nvidia/cu13/include)
CUDA_INCLUDES=""
if [ "$FLAVOR" != cpu ] && [ "$CPU_ONLY" = 0 ] && [ -z "$PREBUILT" ]; then
  cands=()
  [ -n "$SITE" ] && [ -d "$SITE/nvidia" ] && while IFS= read -r d; do cands+=("$d"); done \
    < <(find "$SITE/nvidia" -maxdepth 3 -type d -name include 2>/dev/null | sort)
  for d in "${CUDA_HOME:-/usr/local/cuda}/include" /usr/local/cuda/include /usr/include; do [ -d "$d" ] && cands+=("$d"); done
  have() { for d in "${cands[@]}"; do [ -f "$d/$1" ] && return 0; done; return 1; }
  # ATen/cuda/CUDAContext.h (included by the JNI with USE_CUDA) pulls in these
  missing=""
  for h in cuda_runtime_api.h cublas_v2.h cusparse.h cusolverDn.h; do have "$h" || missing="$missing $h"; done
  if [ -z "$missing" ]; then
    CUDA_INCLUDES="$(IFS=';'; echo "${cands[*]}")"
  else
    say "CUDA headers missing ($missing ): building without USE_CUDA. CUDA tensors still work (torch_cuda is linked);"
    say "  what needs USE_CUDA: torchCudaEmptyCache (%memory --free's cache release) and separate inference streams."
    FLAVOR_NOTE="no-USE_CUDA (headers missing:$missing)"
  fi
fi
PT_VERSION=""
case "$BASE" in 1.13.*|2.0.*|2.1.*) PT_VERSION=V1_13_X ;; esac   # DJL's own switch (its build.sh)
say "torch $TORCH_VERSION (flavor $FLAVOR, C++11 ABI $ABI) at $TORCH_LIB"

if [ -n "$PREBUILT" ]; then
  [ -f "$PREBUILT" ] || die "--prebuilt $PREBUILT: no such file" 64
  SO="$PREBUILT"; applied="(prebuilt: $(basename "$PREBUILT"))"
  say "using the prebuilt JNI $PREBUILT for torch $TORCH_VERSION"
else
  # ---- sources + our patches, in a scratch copy (DJL's files stay as exported)
  WORK="${BUILD_DIR:-$HERE/build/jni-build/$TORCH_VERSION}"
  rm -rf "$WORK"; mkdir -p "$WORK"
  cp -r "$SOURCES" "$WORK/src"
  applied=""
  ver_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }
  for p in "$HERE"/gpu/patches/*.patch; do
    [ -f "$p" ] || continue
    min="$(sed -n '1s/.*min-torch: *\([0-9.]*\).*/\1/p' "$p")"
    if [ -n "$min" ] && ! ver_ge "$BASE" "$min"; then say "patch $(basename "$p"): for torch >= $min, skipped"; continue; fi
    patch -s -p1 -d "$WORK/src" < "$p" || die "patch $(basename "$p") does not apply to DJL $DJL_VERSION's sources"
    applied="$applied $(basename "$p")"; say "patch $(basename "$p") applied"
  done

  # ---- configure + build
  say "cmake: -j$JOBS, build folder $WORK"
  cmake -S "$HERE/gpu/jni" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release -DDJL_SOURCES="$WORK/src" \
    -DTORCH_INCLUDE="$TORCH_INCLUDE" -DTORCH_LIB="$TORCH_LIB" -DTORCH_CXX11_ABI="$ABI" \
    -DCUDA_INCLUDES="$CUDA_INCLUDES" -DPT_VERSION="$PT_VERSION" > "$WORK/cmake.log" 2>&1 \
    || { tail -30 "$WORK/cmake.log"; die "cmake configure failed (log: $WORK/cmake.log)"; }
  start=$(date +%s)
  if ! cmake --build "$WORK/build" -j "$JOBS" > "$WORK/build.log" 2>&1; then
    grep -E "error:|Error [0-9]" "$WORK/build.log" | head -25
    n="$(grep -c "error:" "$WORK/build.log" || true)"
    die "compile failed after $(( $(date +%s) - start )) s ($n errors; full log: $WORK/build.log). A torch C++ API
    change needs a patch: add gpu/patches/NN-<what>.patch (paths relative to the sources folder, e.g. native/x.cc)"
  fi
  SO="$WORK/build/libdjl_torch.so"
  [ -f "$SO" ] || die "no libdjl_torch.so after the build"
  say "built in $(( $(date +%s) - start )) s: $(du -h "$SO" | cut -f1)"
fi

# ---- the bridge folder
JNI_REL="pytorch/$BASE-$FLAVOR-linux-x86_64/$DJL_VERSION-libdjl_torch.so"
rm -rf "$OUT"; mkdir -p "$(dirname "$OUT/$JNI_REL")"
install -m 0644 "$SO" "$OUT/$JNI_REL"
djl_commit="$(sed -n 's/^djl.commit=//p' "$SOURCES/SOURCE" 2>/dev/null || true)"  # no SOURCE with --prebuilt and no export
{
  echo "# A DJL PyTorch JNI built by gpu/build-jni.sh: the kernel loads it only with exactly this torch"
  echo "djl.version=$DJL_VERSION"
  echo "djl.commit=${djl_commit:-unknown}"
  echo "torch.version=$TORCH_VERSION"
  echo "torch.flavor=$FLAVOR"
  echo "torch.cuda=${CUDA_VERSION}"
  echo "torch.cxx11abi=$ABI"
  echo "torch.lib=$(cd "$TORCH_LIB" && pwd)"
  echo "jni=$JNI_REL"
  if [ -n "$PREBUILT" ]; then
    echo "use_cuda=as DJL built it"
    echo "patches=${applied# }"
    echo "compiler=DJL's release build"
  else
    echo "use_cuda=$([ -n "$CUDA_INCLUDES" ] && echo true || echo false)${FLAVOR_NOTE:+ ($FLAVOR_NOTE)}"
    echo "patches=${applied# }"
    echo "compiler=$("${CXX:-c++}" --version 2>/dev/null | head -1)"
  fi
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$OUT/djl-bridge.properties"
say "bridge: $OUT (manifest djl-bridge.properties, JNI $JNI_REL)"
