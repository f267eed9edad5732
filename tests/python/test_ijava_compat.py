"""Notebooks written for IJava run unchanged (issue 12): a notebook in tests/python/notebooks/ that uses IJava's
runtime API the way d2l-java's plot-utils and public notebooks do (renderer registration through
IJava.getKernelInstance(), DisplayData, registerMagics(Shell.class), evalRaw, lineMagic, JJava's kernel()),
run with nbclient; plus is_complete's verdicts and magics used as values, through jupyter_client."""
import zipfile
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

from conftest import BUILD

HERE = Path(__file__).resolve().parent / "notebooks"


def cell_outputs(nb, needle):
    """The outputs of the one code cell whose source contains needle, as {mime or stream name: text}."""
    cells = [c for c in nb.cells if c.cell_type == "code" and needle in c.source]
    assert len(cells) == 1, f"one cell holds {needle!r}"
    found = {}
    for out in cells[0].outputs:
        if out.output_type == "stream":
            found[out.name] = found.get(out.name, "") + out.text
        elif out.output_type in ("execute_result", "display_data"):
            for mime, data in out.data.items():
                found.setdefault(mime, []).append(data if isinstance(data, str) else str(data))
        elif out.output_type == "error":
            found["error"] = f"{out.ename}: {out.evalue}"
    return found


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(HERE / "ijava-style.ipynb", as_version=4)
    updates = []

    class Client(NotebookClient):
        def process_message(self, msg, cell, cell_index):
            if msg["msg_type"] == "update_display_data":
                updates.append(msg["content"])
            return super().process_message(msg, cell, cell_index)

    client = Client(nb, kernel_name="java", timeout=180, startup_timeout=120,
                    resources={"metadata": {"path": str(HERE)}})
    try:
        client.execute()
    finally:
        out = BUILD / "executed-notebooks" / "ijava-style.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
    return nb, updates


def test_a_renderer_registered_through_ijava_renders_the_next_outputs(executed):
    nb, _ = executed
    shown = cell_outputs(nb, "new Celsius(21.5)")
    assert shown["text/html"] == ["<span class='temp'>21.5 &deg;C</span>"]
    assert shown["text/plain"] == ["Celsius[degrees=21.5]"], "text/plain stays as the fallback"
    assert cell_outputs(nb, "render(new Celsius(-4))")["text/plain"][0] == "<span class='temp'>-4.0 &deg;C</span>"
    jjava = cell_outputs(nb, "kernel().getRenderer()")["text/plain"][0]
    assert "100.0 &deg;C" in jjava


def test_display_data_keeps_every_representation(executed):
    nb, _ = executed
    shown = cell_outputs(nb, "new DisplayData(")
    assert shown["text/html"] == ["<b>rich</b> output"]
    assert shown["text/markdown"] == ["*rich* output"]
    assert shown["text/plain"] == ["a fallback for plain front ends"]


def test_magics_registered_the_ijava_way_run_as_lines_values_and_calls(executed):
    nb, _ = executed
    assert cell_outputs(nb, "%sh echo")["text/plain"] == ["[from-the-shell-magic]"]
    assert cell_outputs(nb, 'lineMagic("sh"')["text/plain"] == ["TWO WORDS"]
    assert cell_outputs(nb, "magic says")["text/plain"] == ["magic says HELLO IJAVA!"], \
        "a line magic inside an expression is a value"


def test_eval_raw_runs_in_the_notebooks_session(executed):
    nb, _ = executed
    assert cell_outputs(nb, "evalRaw")["text/plain"] == ["answer=42"]


def test_display_of_text_as_a_type_shows_that_type(executed):
    nb, updates = executed
    shown = cell_outputs(nb, '"<i>shown as html</i>"')
    assert shown["text/html"] == ["<i>shown as html</i>"]
    assert "text/plain" in shown
    assert any(u["data"].get("text/html") == "<b>final</b>" for u in updates), updates


def test_nothing_in_the_notebook_fails(executed):
    nb, _ = executed
    for cell in nb.cells:
        if cell.cell_type == "code":
            for out in cell.outputs:
                assert out.output_type != "error", f"{cell.source[:60]}: {out.get('evalue')}"
                assert out.get("name") != "stderr", f"{cell.source[:60]}: {out.get('text')}"


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel(kernel_name="java", startup_timeout=120)
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


@pytest.mark.parametrize("code, verdict", [
    ("class {", "invalid"),
    ("int 3x = 1;", "invalid"),
    ("String s = \"unclosed", "invalid"),
    ("foo(", "incomplete"),
    ("for (int i = 0; i < 3; i++) {", "incomplete"),
    ("class A {", "incomplete"),
    ("int x = 1;", "complete"),
    ("%maven g:a:1", "complete"),
])
def test_is_complete_tells_invalid_from_unfinished(kernel, code, verdict):
    msg_id = kernel.is_complete(code)
    reply = kernel.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:  # a reply to an earlier request of this client
        reply = kernel.get_shell_msg(timeout=30)
    assert reply["content"]["status"] == verdict, code


def test_magic_values_in_arguments_and_expressions(kernel, tmp_path):
    with zipfile.ZipFile(tmp_path / "a.jar", "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
    reply = kernel.execute_interactive(
        f'int count(java.util.List<?> l) {{ return l.size(); }}\n'
        f'String s = "n=" + count(%jars {tmp_path}/*.jar) + " home=" + %env HOME;\ns', timeout=60)
    assert reply["content"]["status"] == "ok", reply["content"]
    # the value is checked through user_expressions, which the kernel evaluates after the cell
    check = kernel.execute_interactive("s", timeout=30, user_expressions={"s": "s"})
    text = check["content"]["user_expressions"]["s"]["data"]["text/plain"]
    assert text.startswith("n=1 home=/"), text


def test_a_damaged_jar_is_refused_and_the_session_goes_on(kernel, tmp_path):
    (tmp_path / "broken.jar").write_bytes(b"not a zip")
    reply = kernel.execute_interactive(f"%jars {tmp_path}/broken.jar", timeout=60)
    assert reply["content"]["status"] == "error"
    assert "not a readable jar" in reply["content"]["evalue"], reply["content"]
    assert kernel.execute_interactive("int after = 1 + 1;", timeout=30)["content"]["status"] == "ok"
