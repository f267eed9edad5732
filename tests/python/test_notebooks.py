"""Runs every notebook under notebooks/ on the kernel with nbclient, as `jupyter nbconvert --execute` would.

A notebook passes when no cell errs, no output shows a Java stack trace or floods the page, and the outputs
a reader of it would look for are there (EXPECTED, per notebook). Executed copies go to
build/executed-notebooks/ (the notebooks in the repository stay without outputs).
"""
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import BUILD, ROOT

NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
OUT_DIR = BUILD / "executed-notebooks"
MAX_TEXT = 20_000  # characters in one output: more would flood the page
RAW_ARRAY = re.compile(r"\[(?:[BCDFIJSZ]|L[\w.$]+;)@[0-9a-f]+")  # int[] shown as "[I@6a9b87d4"

# What a reader sees, notebook by notebook: (mime type, text that output must contain; None = any output of it)
EXPECTED = {
    "getting-started.ipynb": [
        ("text/plain", "42"),
        ("text/plain", "HELLO, JUPYTER"),
        ("text/plain", "Hello, Duke!"),
        ("text/plain", "Point[x=3, y=4]"),
        ("stdout", "Line 3"),
        ("stdout", "Hello from the thread worker-1"),
        ("stderr", "This line went to standard error."),
        ("text/html", "Hello from <i>HTML</i>"),
        ("text/markdown", "### A Markdown heading"),
        ("image/png", None),
        ("text/html", "step 5 of 5"),  # updateDisplay replaced the progress output in place
    ],
    "02-models-from-mounted-storage.ipynb": [
        ("text/plain", "classifier/"),          # %models lists the fixtures' model folder
        ("text/plain", "Loaded colours"),
        ("text/plain", "Parameters"),           # %model info
        ("image/png", None),                    # the Java2D picture
        ("stdout", "best: blue"),
        ("text/plain", "Saved colours"),
        ("stdout", "reloaded: blue"),
        ("text/plain", "Unloaded tuned"),
    ],
}


def outputs(nb):
    """(cell index, mime or stream name, text) for every output of every code cell."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                yield index, out.name, out.text
            elif out.output_type in ("execute_result", "display_data"):
                for mime, data in out.data.items():
                    yield index, mime, data if isinstance(data, str) else "\n".join(data)
            elif out.output_type == "error":
                yield index, "error", f"{out.ename}: {out.evalue}"


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks in notebooks/")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS])
def test_notebook_runs_and_shows_what_it_promises(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == "java", "notebooks name the kernel spec 'java'"
    client = NotebookClient(nb, kernel_name="java", timeout=300, startup_timeout=120,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()  # raises CellExecutionError on the first failing cell
    finally:
        target = OUT_DIR / path.relative_to(ROOT / "notebooks")
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)

    seen = list(outputs(nb))
    assert seen, "the notebook produced no output at all"
    for index, kind, text in seen:
        assert kind != "error", f"cell {index}: {text}"
        assert "Exception in thread" not in text and "\tat " not in text, f"cell {index} shows a stack trace: {text[:500]}"
        if kind != "image/png":
            assert len(text) <= MAX_TEXT, f"cell {index}: {len(text)} characters of {kind} flood the page"
            assert not RAW_ARRAY.search(text), f"cell {index} shows an array as Java's identity string: {text[:200]}"
    for kind, needle in EXPECTED.get(path.name, []):
        matching = [t for _, k, t in seen if k == kind]
        assert matching, f"no {kind} output at all"
        if needle is not None:
            assert any(needle in t for t in matching), f"no {kind} output contains {needle!r}"
