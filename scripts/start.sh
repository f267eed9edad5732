#!/usr/bin/env bash
# The README's start command: builds the kernel (when its sources changed), installs it for this user (kernel
# spec "java") and starts JupyterLab 4 on notebooks/ with our extension. It prints the URL with its token, as
# `jupyter lab` does, and opens nothing; Ctrl-C (or SIGTERM) shuts the kernels down and stops it.
#   scripts/start.sh [--ip ADDR] [--port N]  JupyterLab on 127.0.0.1:8888 (the next free port if that is taken)
#   scripts/start.sh --run [NOTEBOOK]         run NOTEBOOK (default notebooks/getting-started.ipynb) headless,
#                                             print its outputs; executed copy in build/executed-notebooks/
# JupyterLab is a pip-installed JupyterLab 4 where `jupyter lab` is one (DJL_KERNEL_LAB=bundled skips it), else
# the JupyterLab 4.6 front end from npm in lab/ (built on first use, then cached) on Debian's jupyter_server.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
caller_dir=$PWD
cd "$ROOT"

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
mode=lab
IP=127.0.0.1
PORT=8888
NOTEBOOK=notebooks/getting-started.ipynb
while [ $# -gt 0 ]; do
    case $1 in
        --run)
            mode=run
            if [ $# -gt 1 ] && [ "${2#-}" = "$2" ]; then NOTEBOOK=$(cd "$caller_dir" && realpath -m -- "$2"); shift; fi ;;
        --ip) [ $# -gt 1 ] || { echo "start.sh: --ip needs an address" >&2; exit 2; }; IP=$2; shift ;;
        --ip=*) IP=${1#--ip=} ;;
        --port) [ $# -gt 1 ] || { echo "start.sh: --port needs a number" >&2; exit 2; }; PORT=$2; shift ;;
        --port=*) PORT=${1#--port=} ;;
        --lab) ;; # the default now; accepted so older instructions still work
        --notebook) echo "start.sh: --notebook is gone: JupyterLab is the default (--run for no browser)" >&2; exit 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "start.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
if ! [[ $PORT =~ ^[0-9]{1,5}$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
    echo "start.sh: --port wants a number from 1 to 65535, not '$PORT'" >&2
    exit 2
fi
[ $mode = lab ] || [ -f "$NOTEBOOK" ] || die "$NOTEBOOK not found"

ensure_packages "${BUILD_PACKAGES[@]}" "${JUPYTER_PACKAGES[@]}"
JDK17="$(find_jdk17)" || die "no JDK 17 found (apt-get install openjdk-17-jdk-headless, or set JDK17)"
export JAVA_HOME="$JDK17"
# The kernel runs on JDK 25 where there is one: its AOT cache (made at install) answers the first cell ~2x sooner
KERNEL_JDK="$(find_jdk25 || echo "$JDK17")"
JAR="$ROOT/kernel/target/djl-kernel.jar"

# Which JupyterLab: a pip-installed one (4 or later) where there is one, else the npm-assembled one in lab/
lab=none
if [ $mode = lab ]; then
    lab=bundled
    pip_lab_version=""
    if [ "${DJL_KERNEL_LAB:-}" != bundled ] && command -v jupyter-lab >/dev/null; then
        pip_lab_version=$(jupyter-lab --version 2>/dev/null || true)
    fi
    if [[ $pip_lab_version =~ ^([0-9]+)\. ]] && [ "${BASH_REMATCH[1]}" -ge 4 ] \
            && jupyter labextension --help > /dev/null 2>&1; then
        lab=pip
    else
        ensure_packages python3-jupyter-server python3-jupyterlab-server
    fi
    command -v npm >/dev/null || ensure_packages nodejs npm
    # npm's downloads and unpacking overlap the Maven build (the first run's npm ci take a minute or two)
    npm_dirs=("$LAB_EXT_SRC")
    [ $lab = bundled ] && npm_dirs+=("$LAB_APP")
    npm_ci_cached "${npm_dirs[@]}" &
    npm_pid=$!
fi

# Maven takes a minute even with nothing to do: build only when a source or pom is newer than the jar
# (a checkout or pull touches the files it changes)
if [ ! -f "$JAR" ] || [ -n "$(find pom.xml kernel-api kernel extensions/djl \( -name target -o -name node_modules \) \
        -prune -o -type f -newer "$JAR" -print -quit)" ]; then
    say "Building the kernel (mvn -B package, tests skipped: scripts/test.sh runs them)"
    mvn -B -q -ntp package -DskipTests
else
    say "The kernel jar is up to date with its sources: no build"
fi

# install writes an AppCDS archive with a training run: skip it when this jar is installed already
kernels="$("$PY" -c 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())')/kernels"
if [ "$kernels/java/kernel.json" -nt "$JAR" ] && grep -qF "\"$JAR\"" "$kernels/java/kernel.json" \
        && grep -qF "\"$KERNEL_JDK/bin/java\"" "$kernels/java/kernel.json"; then
    say "The kernel is installed for this user ($kernels/java)"
else
    say "Installing the kernel for this user (on $KERNEL_JDK)"
    "$KERNEL_JDK/bin/java" -jar "$JAR" install --user
fi
# a second kernel for JupyterLab's debugger: its JDWP agent slows every cell, so it is not the default one
if [ "$kernels/java-debug/kernel.json" -nt "$JAR" ] && grep -qF "\"$JAR\"" "$kernels/java-debug/kernel.json" \
        && grep -qF "\"$KERNEL_JDK/bin/java\"" "$kernels/java-debug/kernel.json"; then
    say "The debugger kernel is installed for this user ($kernels/java-debug)"
else
    "$KERNEL_JDK/bin/java" -jar "$JAR" install --user --name java-debug --display-name "Java (DJL, debugger)" \
        --debugger --no-cds > /dev/null
fi

if [ $lab = pip ]; then
    wait "$npm_pid" || die "npm ci failed"
    # our prebuilt extension, built against that JupyterLab, in the user's labextensions folder (untested in
    # CI, which has no PyPI)
    build_lab_extension jupyter
    dest="$(jupyter --data-dir)/labextensions/djl-kernel-jupyterlab"
    rm -rf "$dest"
    mkdir -p "$(dirname "$dest")"
    cp -r "$LAB_EXTENSIONS/djl-kernel-jupyterlab" "$dest"
    say "JupyterLab $pip_lab_version on notebooks/ (Ctrl-C stops it; the URL with its token follows)"
    ROOT_FLAG=()
    [ "$(id -u)" -eq 0 ] && ROOT_FLAG=(--allow-root)
    exec jupyter lab --no-browser "${ROOT_FLAG[@]}" --ServerApp.ip="$IP" --ServerApp.port="$PORT" \
        --ServerApp.root_dir="$ROOT/notebooks" --ServerApp.answer_yes=True
fi
if [ $lab = bundled ]; then
    wait "$npm_pid" || die "npm ci failed"
    build_lab_app
    build_lab_extension "$LAB_APP/core"
    say "JupyterLab 4.6 (lab/) on notebooks/ (Ctrl-C stops it; the URL with its token follows)"
    exec "$PY" lab/serve_lab.py --root notebooks --labextensions "$LAB_EXTENSIONS" --ip "$IP" --port "$PORT"
fi

say "Running $NOTEBOOK"
exec "$PY" - "$NOTEBOOK" <<'PYEOF'
import sys
import textwrap
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

path = Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)


def show(cell, cell_index, **_):
    if cell.cell_type != "code":
        return
    print(f"\n[{cell.get('execution_count') or ' '}] " + textwrap.indent(cell.source, "    ").lstrip())
    for out in cell.outputs:
        if out.output_type == "stream":
            print(textwrap.indent(out.text.rstrip("\n"), "  | " if out.name == "stdout" else "  ! "))
        elif out.output_type in ("execute_result", "display_data"):
            others = sorted(m for m in out.data if m != "text/plain")
            text = out.data.get("text/plain", "")
            print(textwrap.indent(text, "  = ") + (f"   ({', '.join(others)} in Jupyter)" if others else ""))
        elif out.output_type == "error":
            print(f"  ! {out.ename}: {out.evalue}")


client = NotebookClient(nb, kernel_name="java", timeout=300, startup_timeout=120, on_cell_executed=show,
                        resources={"metadata": {"path": str(path.parent)}})
try:
    client.execute()
    status = 0
except CellExecutionError:
    status = 1
out = Path("build/executed-notebooks") / path.name
out.parent.mkdir(parents=True, exist_ok=True)
nbformat.write(nb, out)
print(f"\nExecuted copy with outputs: {out}")
print("Open it in JupyterLab with scripts/start.sh")
sys.exit(status)
PYEOF
