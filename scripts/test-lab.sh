#!/usr/bin/env bash
# The JupyterLab extension's tests (issue 7): installs what is missing (Debian packages as root, npm ci), builds
# the kernel jar if it is missing, the extension (extensions/jupyterlab) and the JupyterLab 4.6 front end from npm
# (lab/app; both cached, the same build scripts/start.sh uses), then runs the front-end unit tests (vitest) and
# the browser tests (playwright-core on Debian's chromium, against Debian's jupyter_server serving that front end
# with our prebuilt extension and the Java kernel; debugger.test.mjs uses JupyterLab's debugger on a kernel
# installed with --debugger), then scripts/start.sh itself in the browser (start.test.mjs). Screenshots go to docs/images/ when UPDATE_SCREENSHOTS=1, else to build/lab-shots/.
# Exits non-zero if anything failed. See docs/jupyterlab.md.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
start=$(date +%s)

ensure_packages python3-jupyter-server python3-jupyterlab-server chromium curl
command -v npm >/dev/null || die "npm not found (Node 20 with npm is needed)"

EXT="$LAB_EXT_SRC"
BROWSER="$ROOT/tests/browser"
WORK="$ROOT/build/lab-test"
failed=()
mkdir -p "$ROOT/build" # the build logs go there, also in a fresh checkout
run_step() { # run_step NAME COMMAND...: runs it, records a failure instead of stopping
    say "$1"
    local name=$1
    shift
    if "$@"; then echo "--- $name: ok"; else echo "--- $name: FAILED"; failed+=("$name"); fi
}

if [ ! -f kernel/target/djl-kernel.jar ] || ! ls kernel-api/target/kernel-api-*.jar > /dev/null 2>&1; then
    say "Building the kernel jar"
    JDK17="$(find_jdk17)" || die "no JDK 17 found"
    JAVA_HOME="$JDK17" mvn -B -q -ntp package -DskipTests
fi

# the front end and the extension come from the same cached build as scripts/start.sh's (lib.sh)
npm_ci_cached "$LAB_APP" "$EXT" "$BROWSER"
build_lab_app
build_lab_extension "$LAB_APP/core"

run_step "unit tests (vitest)" bash -c "cd '$EXT' && npx vitest run"

# A throwaway Jupyter: the kernelspec, the server root, labextensions/ with our prebuilt extension
rm -rf "$WORK"
mkdir -p "$WORK/root" "$WORK/labextensions" "$WORK/runtime"
java -jar kernel/target/djl-kernel.jar install --prefix "$WORK/prefix" --name java > /dev/null
# a second spec with the JDWP agent for JupyterLab's debugger (debugger.test.mjs); the first stays as users get it
java -jar kernel/target/djl-kernel.jar install --prefix "$WORK/prefix" --name java-debug \
    --display-name "Java (debug)" --debugger > /dev/null
cp -r "$LAB_EXTENSIONS/djl-kernel-jupyterlab" "$WORK/labextensions/"
port=$(( 20000 + RANDOM % 20000 ))
say "Starting jupyter_server with the lab app on port $port"
JUPYTER_PATH="$WORK/prefix/share/jupyter" JUPYTER_RUNTIME_DIR="$WORK/runtime/jupyter" \
    "$PY" "$ROOT/lab/serve_lab.py" --no-token --port "$port" --root "$WORK/root" \
    --labextensions "$WORK/labextensions" --settings "$WORK/runtime" > "$WORK/server.log" 2>&1 &
server=$!
stop_server() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap stop_server EXIT
for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$port/api/kernelspecs" > /dev/null && break
    kill -0 "$server" 2>/dev/null || { cat "$WORK/server.log"; die "the server did not start"; }
    sleep 0.5
done

shots="$ROOT/build/lab-shots"
[ "${UPDATE_SCREENSHOTS:-0}" = 1 ] && shots="$ROOT/docs/images"
run_step "browser tests (playwright-core + chromium)" env LAB_URL="http://127.0.0.1:$port" LAB_ROOT="$WORK/root" \
    SHOTS="$shots" MODELS_DIR="$ROOT/extensions/djl/src/test/resources/models" FAIL_SHOTS="$ROOT/build" bash -c "cd '$BROWSER' && node --test --test-concurrency=1 lab.test.mjs debugger.test.mjs"
stop_server
trap - EXIT

# the README's command itself: start.sh started, used in the browser, stopped with SIGINT and SIGTERM
run_step "scripts/start.sh in the browser (start.test.mjs)" env FAIL_SHOTS="$ROOT/build" \
    bash -c "cd '$BROWSER' && node --test --test-concurrency=1 start.test.mjs"

say "test-lab.sh took $(( $(date +%s) - start )) s"
if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}" >&2
    echo "server log: $WORK/server.log" >&2
    exit 1
fi
echo "all JupyterLab tests passed"
