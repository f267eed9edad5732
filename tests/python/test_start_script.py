"""scripts/start.sh --run [NOTEBOOK]: the headless mode (CI, no browser). It installs the kernel for the user
(here a temporary JUPYTER_DATA_DIR), runs the notebook, prints each cell's output, writes the executed copy to
build/executed-notebooks/ and exits 1 when a cell fails; bad options exit 2. The JupyterLab mode is tested in
the browser (tests/browser/start.test.mjs, run by scripts/test-lab.sh).

start.sh rebuilds the jar only when a source is newer than it, so after `mvn package` this runs no Maven.
"""
import json
import os
import subprocess
import uuid
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
START = ROOT / "scripts" / "start.sh"
EXECUTED = ROOT / "build" / "executed-notebooks"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("start-sh")
    e = dict(os.environ)
    # the kernel start.sh installs must be the one that runs, not the test session's (conftest's JUPYTER_PATH)
    e.pop("JUPYTER_PATH", None)
    e.update(JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
             DJL_KERNEL_LOG_DIR=str(home / "logs"))
    return e


def notebook(tmp_path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "java", "display_name": "Java (DJL)", "language": "java"}
    nb.cells = [nbformat.v4.new_markdown_cell("# a test")] + [nbformat.v4.new_code_cell(s) for s in sources]
    path = tmp_path / f"start-test-{uuid.uuid4().hex[:8]}.ipynb"
    nbformat.write(nb, path)
    return path


def run(env, *args, cwd=ROOT):
    return subprocess.run(["bash", str(START), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def test_run_prints_outputs_and_writes_the_executed_copy(env, tmp_path):
    nb = notebook(tmp_path, 'System.out.println("hello from " + "java");', "1+1")
    # a relative NOTEBOOK is relative to where the user is, not to the repository
    proc = run(env, "--run", nb.name, cwd=tmp_path)
    copy = EXECUTED / nb.name
    try:
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "  | hello from java" in proc.stdout
        assert "  = 2" in proc.stdout
        assert f"Executed copy with outputs: build/executed-notebooks/{nb.name}" in proc.stdout
        assert (Path(env["JUPYTER_DATA_DIR"]) / "kernels" / "java" / "kernel.json").is_file()
        # the second kernel, for JupyterLab's debugger, is what a person picks in the launcher to debug cells
        debug_spec = json.loads((Path(env["JUPYTER_DATA_DIR"]) / "kernels" / "java-debug" / "kernel.json").read_text())
        assert debug_spec["display_name"] == "Java (DJL, debugger)"
        assert debug_spec["metadata"]["debugger"] is True
        done = nbformat.read(copy, as_version=4)
        results = [o for c in done.cells if c.cell_type == "code" for o in c.outputs
                   if o.output_type == "execute_result"]
        assert [r.data["text/plain"] for r in results] == ["2"]
    finally:
        copy.unlink(missing_ok=True)


def test_a_failing_cell_exits_1_and_still_writes_the_copy(env, tmp_path):
    nb = notebook(tmp_path, 'int x = 41;', 'throw new IllegalStateException("boom " + (x + 1));', '"never"')
    installed = (Path(env["JUPYTER_DATA_DIR"]) / "kernels" / "java" / "kernel.json").is_file()
    proc = run(env, "--run", str(nb))
    copy = EXECUTED / nb.name
    try:
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "IllegalStateException" in proc.stdout and "boom 42" in proc.stdout
        assert '"never"' not in json.dumps([o for c in nbformat.read(copy, as_version=4).cells
                                            for o in c.get("outputs", [])])
        if installed:  # by the test before, and the jar unchanged since: no second install
            assert "The kernel is installed for this user" in proc.stdout
    finally:
        copy.unlink(missing_ok=True)


@pytest.mark.parametrize("args, message", [
    (["--bogus"], "unknown option '--bogus'"),
    (["--port", "eighty"], "--port wants a number"),
    (["--port"], "--port needs a number"),
    (["--notebook"], "--notebook is gone: JupyterLab is the default"),
])
def test_bad_options_exit_2_with_a_clear_message(env, args, message):
    proc = run(env, *args)
    assert proc.returncode == 2
    assert message in proc.stderr


def test_a_missing_notebook_is_a_clear_error(env, tmp_path):
    proc = run(env, "--run", str(tmp_path / "nope.ipynb"))
    assert proc.returncode == 1
    assert "nope.ipynb not found" in proc.stderr
