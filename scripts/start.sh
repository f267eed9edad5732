#!/usr/bin/env bash
# The README's start command: builds the kernel, installs it for this user (kernel spec "java"), and runs
# notebooks/getting-started.ipynb, printing each cell's output here.
#   scripts/start.sh              run the notebook in the terminal (executed copy: build/executed-notebooks/)
#   scripts/start.sh --notebook   open it in the classic Jupyter Notebook instead (apt: python3-notebook)
#   scripts/start.sh --lab        open it in JupyterLab, where one is installed
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

mode=run
case "${1:-}" in
    "") ;;
    --lab) mode=lab ;;
    --notebook) mode=notebook ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "start.sh: unknown option '$1' (use --lab, --notebook or nothing)" >&2; exit 2 ;;
esac

NOTEBOOK=notebooks/getting-started.ipynb
ensure_packages "${BUILD_PACKAGES[@]}" "${JUPYTER_PACKAGES[@]}"
JDK17="$(find_jdk17)" || die "no JDK 17 found (apt-get install openjdk-17-jdk-headless, or set JDK17)"
export JAVA_HOME="$JDK17"

say "Building (mvn -B package, tests skipped: scripts/test.sh runs them)"
mvn -B -q -ntp package -DskipTests

say "Installing the kernel for this user"
"$JDK17/bin/java" -jar kernel/target/djl-kernel.jar install --user

[ -f "$NOTEBOOK" ] || die "$NOTEBOOK not found"
ROOT_FLAG=()
[ "$(id -u)" -eq 0 ] && ROOT_FLAG=(--allow-root)
case $mode in
    lab)
        command -v jupyter-lab >/dev/null || die "JupyterLab is not installed (Debian has no package for it;
'pip install jupyterlab' where PyPI is reachable). Try: scripts/start.sh --notebook"
        exec jupyter lab "${ROOT_FLAG[@]}" "$NOTEBOOK" ;;
    notebook)
        command -v jupyter-notebook >/dev/null || die "the classic Notebook is not installed: apt-get install python3-notebook"
        exec jupyter notebook "${ROOT_FLAG[@]}" "$NOTEBOOK" ;;
esac

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
print("Open it in Jupyter with the 'Java (DJL)' kernel, or: scripts/start.sh --notebook")
sys.exit(status)
PYEOF
