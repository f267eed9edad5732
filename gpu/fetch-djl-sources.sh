#!/usr/bin/env bash
# Exports the C++ sources of DJL's PyTorch JNI (libdjl_torch.so) at the tag of the DJL version the kernel ships,
# from a local DJL git checkout, into an ignored folder that gpu/build-jni.sh compiles. DJL's code is never
# committed here: this script is how it reaches a build (and a GPU machine, which has no network and no JDK).
#
#   gpu/fetch-djl-sources.sh DJL_DIR [OUT]      (OUT defaults to build/djl-native-src)
#
# DJL_DIR: a clone of github.com/deepjavalibrary/djl (a bare mirror works) holding tag v$DJL_VERSION, or an
# unpacked source tree of that tag (GitHub's v$DJL_VERSION tarball, what image/Dockerfile fetches).
# What OUT gets (~250 KB):
#   native/      engines/pytorch/pytorch-native/src/main/native/*  (the JNI sources)
#   api/djl/     api/src/main/native/djl/utils.h                  (a header they include)
#   include/     ai_djl_pytorch_jni_PyTorchLibrary.h, made by `javac -h` from DJL's PyTorchLibrary.java,
#                plus jni.h / jni_md.h from this JDK: the build then needs no JDK
#   DJL-CMakeLists.txt  DJL's own CMake file, kept for reference (gpu/jni/CMakeLists.txt is what builds)
#   SOURCE       the tag and commit exported
# Env: DJL_VERSION (default 0.36.0), JAVA_HOME (for javac and jni.h).
set -euo pipefail
DJL_VERSION="${DJL_VERSION:-0.36.0}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 DJL_GIT_DIR [OUT]" >&2; exit 64; }
SRC_GIT="$1"
OUT="${2:-$HERE/build/djl-native-src}"
TAG="v$DJL_VERSION"

if git -C "$SRC_GIT" rev-parse -q --verify "$TAG^{commit}" >/dev/null 2>&1; then
  COMMIT="$(git -C "$SRC_GIT" rev-parse "$TAG^{commit}")"
  show() { git -C "$SRC_GIT" show "$TAG:$1"; }
  export_native() { git -C "$SRC_GIT" archive "$TAG" "$1" | tar -x -C "$2" --strip-components=6; }
elif [ -f "$SRC_GIT/engines/pytorch/pytorch-native/CMakeLists.txt" ]; then
  COMMIT="unknown (source tree $SRC_GIT, taken as $TAG)"
  show() { cat "$SRC_GIT/$1"; }
  export_native() { cp -r "$SRC_GIT/$1/." "$2/"; }
else
  echo "$SRC_GIT: neither a DJL git clone with tag $TAG nor a DJL source tree" >&2; exit 1
fi

JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
[ -f "$JAVA_HOME/include/jni.h" ] || { echo "no jni.h under JAVA_HOME=$JAVA_HOME (a JDK is needed here)" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT/native" "$OUT/api/djl" "$OUT/include" "$OUT/java"
NATIVE=engines/pytorch/pytorch-native
export_native "$NATIVE/src/main/native" "$OUT/native"
show "$NATIVE/CMakeLists.txt" > "$OUT/DJL-CMakeLists.txt"
show "api/src/main/native/djl/utils.h" > "$OUT/api/djl/utils.h"
JNI_JAVA=engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java
mkdir -p "$OUT/java/ai/djl/pytorch/jni"
show "$JNI_JAVA" > "$OUT/java/ai/djl/pytorch/jni/PyTorchLibrary.java"

# The JNI header is generated from the Java declarations, exactly as DJL's build.sh does with `javac -h`
"$JAVA_HOME/bin/javac" -implicit:none -h "$OUT/include" -d "$OUT/java-classes" \
  "$OUT/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
rm -rf "$OUT/java-classes" "$OUT/java"
cp "$JAVA_HOME/include/jni.h" "$JAVA_HOME/include/linux/jni_md.h" "$OUT/include/"

printf 'djl.version=%s\ndjl.tag=%s\ndjl.commit=%s\nexported=%s\n' "$DJL_VERSION" "$TAG" "$COMMIT" \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$OUT/SOURCE"
n="$(find "$OUT/native" -name '*.cc' | wc -l)"
[ "$n" -ge 10 ] || { echo "only $n .cc files exported from $TAG: unexpected layout" >&2; exit 1; }
echo "DJL $TAG ($COMMIT): $n sources, $(du -sh "$OUT" | cut -f1) in $OUT"
