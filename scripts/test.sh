#!/usr/bin/env bash
# The README's test command (and CI's, through .ci/run). Installs what is missing (Debian packages, as root),
# then: mvn -B verify on Java 17; mvn -B verify again on Java 25 (Temurin, skipped with a note when absent);
# the Python tests (jupyter_kernel_test suite, guard rails, notebooks) on the Java 17 kernel, and the guard
# rails again on Java 25; the image checks (scripts/test-image.sh); the JupyterLab extension's unit and
# browser tests (scripts/test-lab.sh); shellcheck on the scripts. Exits non-zero
# if anything failed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_packages "${BUILD_PACKAGES[@]}" "${JUPYTER_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
JDK17="$(find_jdk17)" || die "no JDK 17 found (apt-get install openjdk-17-jdk-headless, or set JDK17)"
JDK25="$(find_jdk25)" || JDK25=""

failed=()
run_step() { # run_step NAME COMMAND...: runs it, records a failure instead of stopping
    say "$1"
    local name=$1
    shift
    if "$@"; then echo "--- $name: ok"; else echo "--- $name: FAILED"; failed+=("$name"); fi
}

if [ -n "$JDK25" ]; then
    run_step "mvn verify on Java 25 ($JDK25)" env JAVA_HOME="$JDK25" mvn -B -ntp verify
else
    say "Java 25: no Temurin 25 JDK in /usr/lib/jvm (set JDK25=/path/to/jdk): SKIPPED the Java 25 build and tests"
fi
# Java 17 last, so the jar the Python tests use is the one built by the default JDK
say "mvn verify on Java 17 ($JDK17)"
JAVA_HOME="$JDK17" mvn -B -ntp verify || { failed+=("mvn verify on Java 17"); }

if [ -f kernel/target/djl-kernel.jar ]; then
    run_step "Python tests on the Java 17 kernel" \
        env JAVA_HOME="$JDK17" "$PY" -m pytest tests/python -v -p no:cacheprovider
    if [ -n "$JDK25" ]; then
        run_step "Python guard-rail and debugger tests on the Java 25 kernel" \
            env JAVA_HOME="$JDK25" "$PY" -m pytest tests/python/test_kernel_behaviour.py tests/python/test_debugger.py -v -p no:cacheprovider
    fi
else
    failed+=("Python tests (no kernel jar)")
fi

# the GPU check is run by hand on GPU machines only: keep it compiling, and honest (exit 2) where there is no GPU
gpu_check_here() {
    mkdir -p build/gpucheck && "$JDK17/bin/javac" -d build/gpucheck -cp kernel/target/djl-kernel.jar gpu/GpuCheck.java || return 1
    local rc=0
    bash gpu/check.sh > build/gpucheck/check.log 2>&1 || rc=$?
    if command -v nvidia-smi >/dev/null; then [ $rc -eq 0 ]; else [ $rc -eq 2 ]; fi
}
run_step "GPU check script (gpu/check.sh) compiles and reports this machine" gpu_check_here

run_step "Image checks without a Docker engine (scripts/test-image.sh)" bash scripts/test-image.sh
run_step "JupyterLab extension: unit and browser tests (scripts/test-lab.sh)" bash scripts/test-lab.sh

if command -v shellcheck >/dev/null; then
    run_step "shellcheck" shellcheck -x scripts/*.sh gpu/check.sh .ci/run
fi

if [ ${#failed[@]} -gt 0 ]; then
    say "FAILED: ${failed[*]}"
    exit 1
fi
if [ -n "$JDK25" ]; then
    say "All tests passed (Java 17 and Java 25)"
else
    say "All tests passed (Java 17 only: Java 25 skipped)"
fi
