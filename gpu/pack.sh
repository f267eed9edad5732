#!/usr/bin/env bash
# Packs what gpu/verify.sh needs on a GPU machine that has no JDK and no network, into one file small enough to
# travel beside the working tree (the device tool's carry limit is 64 MiB for everything):
#   jre/              a jlinked Java 17 runtime with JShell and javac (the kernel compiles cells), stripped
#   djl-kernel.jar    the kernel (no libtorch: the bridge built there uses that machine's torch)
#   classes/          gpu/GpuVerify.java and gpu/GpuCheck.java compiled, with the project's Jupyter test client
#   djl-native-src/   DJL's JNI sources + generated header + jni.h (gpu/fetch-djl-sources.sh)
#   pylib/            Debian's Flask and gunicorn (pure Python) for the Flask baseline, when that machine lacks them
# xz over an uncompressed jlink image packs about a third smaller than jlink's own zip compression.
#
#   gpu/pack.sh [OUT]          (default build/gpu-pack.tar.xz; prints the sizes)
# Needs: kernel/target/djl-kernel.jar and kernel/target/test-classes (mvn -pl kernel -am package, then
# test-compile), build/djl-native-src (gpu/fetch-djl-sources.sh), a JDK 17 (JAVA_HOME) with jlink.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$HERE/build/gpu-pack.tar.xz}"
LIMIT_MIB="${PACK_LIMIT_MIB:-60}"   # 64 MiB carry limit, minus room for the working tree
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
JAR="$HERE/kernel/target/djl-kernel.jar"
TEST_CLASSES="$HERE/kernel/target/test-classes"
SRC="${DJL_SOURCES:-$HERE/build/djl-native-src}"
STAGE="$HERE/build/gpu-pack"
die() { echo "[pack] error: $*" >&2; exit 1; }

[ -f "$JAR" ] || die "no $JAR (mvn -B -ntp -q -pl kernel -am package -DskipTests)"
[ -f "$TEST_CLASSES/io/djlkernel/kernel/testing/KernelClient.class" ] \
  || die "no test client classes (mvn -B -ntp -q -pl kernel -am test-compile)"
[ -f "$SRC/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ] || die "no DJL sources in $SRC (gpu/fetch-djl-sources.sh)"
[ -x "$JAVA_HOME/bin/jlink" ] || die "no jlink in JAVA_HOME=$JAVA_HOME"

rm -rf "$STAGE"; mkdir -p "$STAGE/classes"
# Modules: what jdeps reports for the kernel jar, plus java.net.http (GpuVerify's load generator) and jdk.zipfs
MODULES=java.base,java.desktop,java.naming,java.security.jgss,java.sql,jdk.compiler,jdk.jfr,jdk.jshell
MODULES=$MODULES,jdk.management,jdk.unsupported,java.net.http,jdk.zipfs
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=0 \
  --output "$STAGE/jre"
# ct.sym only serves javac --release N (JShell compiles for the running platform); libjvm ships its symbol table
rm -f "$STAGE/jre/lib/ct.sym"
strip --strip-unneeded "$STAGE/jre/lib/server/libjvm.so" 2>/dev/null || true
cp "$JAR" "$STAGE/djl-kernel.jar"
"$JAVA_HOME/bin/javac" -d "$STAGE/classes" -cp "$JAR:$TEST_CLASSES" "$HERE/gpu/GpuVerify.java" "$HERE/gpu/GpuCheck.java"
mkdir -p "$STAGE/classes/io/djlkernel/kernel/testing"
cp "$TEST_CLASSES"/io/djlkernel/kernel/testing/KernelClient*.class \
   "$TEST_CLASSES"/io/djlkernel/kernel/testing/KernelProcess*.class "$STAGE/classes/io/djlkernel/kernel/testing/"
cp -r "$SRC" "$STAGE/djl-native-src"
mkdir -p "$STAGE/pylib"
for p in flask werkzeug jinja2 markupsafe itsdangerous click blinker gunicorn; do
  [ -d "/usr/lib/python3/dist-packages/$p" ] && cp -r "/usr/lib/python3/dist-packages/$p" "$STAGE/pylib/"
done
find "$STAGE/pylib" \( -name '__pycache__' -o -name '*.so' \) -prune -exec rm -rf {} + 2>/dev/null || true

# the runtime must really run the kernel's classes before it travels
probe="$("$STAGE/jre/bin/java" -cp "$STAGE/djl-kernel.jar:$STAGE/classes" GpuVerify "$HERE" no-such-item 2>&1 || true)"
grep -q "^RESULT.no-such-item.FAIL" <<<"$probe" || die "the jlinked runtime does not run GpuVerify: $probe"

mkdir -p "$(dirname "$OUT")"
tar -C "$(dirname "$STAGE")" -cf - "$(basename "$STAGE")" | xz -T1 -6 > "$OUT"
bytes=$(stat -c %s "$OUT")
printf '[pack] unpacked: jre %s, jar %s, classes %s, djl-native-src %s, pylib %s; total %s\n' \
  "$(du -sh "$STAGE/jre" | cut -f1)" "$(du -sh "$STAGE/djl-kernel.jar" | cut -f1)" "$(du -sh "$STAGE/classes" | cut -f1)" \
  "$(du -sh "$STAGE/djl-native-src" | cut -f1)" "$(du -sh "$STAGE/pylib" | cut -f1)" "$(du -sh "$STAGE" | cut -f1)"
printf '[pack] %s: %.1f MiB (limit %s MiB for the pack; the carry limit is 64 MiB with the working tree)\n' \
  "$OUT" "$(echo "$bytes / 1048576" | bc -l)" "$LIMIT_MIB"
[ "$bytes" -le $((LIMIT_MIB * 1048576)) ] || die "the pack is over $LIMIT_MIB MiB"
