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
    "03-serve-and-call.ipynb": [
        ("stdout", "Serving colours at http://127.0.0.1:"),
        ("stdout", 'HTTP 200: {"class_id":2,'),                   # POST /predict with the blue picture
        ("stdout", "class id 2 = blue"),
        ("text/plain", '"inputs":[{"name":"image","datatype":"FP32","shape":[-1,3,32,32]}]'),  # V2 metadata
        ("stdout", '"id":"red-1"'),                                # V2 infer echoes the request id
        ("stdout", 'label [1] BYTES: ["red"]'),
        ("stdout", "REQUESTS"),                                    # %serve list while it runs
        # /metrics counted each call, by route
        ("stdout", 'djlkernel_requests_total{code="200",model="colours",route="predict"} 1.0'),
        ("stdout", 'djlkernel_requests_total{code="200",model="colours",route="v2_infer"} 1.0'),
        ("stdout", "serving.properties"),                          # %export's folder
        ("stdout", "engine=PyTorch"),
        ("stdout", "stopped colours"),
        ("stdout", "nothing answers at http://127.0.0.1:"),        # the port is closed after %serve stop
        ("text/plain", "no endpoints"),                            # and %serve list is empty
    ],
    "04-train-on-all-gpus.ipynb": [
        ("stdout", "Training on "),
        ("image/png", None),                                       # data set, chart, decision map
        ("text/plain", "train Accuracy"),                          # the live chart's text form
        ("text/plain", "done in"),                                 # the progress bar finished
        ("stdout", "rings-0006.params"),                           # saved parameters (6 epochs)
        ("stdout", "the same as before saving"),                   # reloaded model scores the same
    ],
    "05-state-dict-to-endpoint.ipynb": [
        ("text/plain", "by torch.jit.script"),  # converted by the machine's Python (now, or earlier: cached)
        ("text/plain", "max abs difference"),                             # checked against eager
        ("text/plain", "cached: converted earlier"),                      # the second load skips Python
        ("stdout", "best: red"),
        ("stdout", '"class":"red"'),                                      # /predict of red.png
        ("stdout", "eager: class 0 (red)"),                               # the seed's code agrees
        ("stdout", "stopped best"),
    ],
    "06-debug-a-model.ipynb": [
        ("text/plain", "03SequentialBlock"),                        # trace: a row per layer, nested
        ("application/vnd.djl-kernel.layers+json", None),           # the layer panel's document
        ("stdout", "/03SequentialBlock/02LambdaBlock (LambdaBlock): output holds"),  # firstNonFinite's summary
        ("stdout", "NaN anywhere: false"),                          # the fixed network
        ("text/plain", "Gradients of SequentialBlock: 6 parameters"),
        ("stdout", "Training stopped."),                            # the monitor stopped at the first NaN loss
        ("text/plain", "Layers every 10 steps"),                    # the monitor's table while training
        ("text/plain", "is opaque to DJL"),                         # a TorchScript model says so
    ],
}
MIN_ACCURACY = 0.9  # notebook 04's test accuracy on its synthetic rings (it reaches ~0.99)


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


class RecordingClient(NotebookClient):
    """NotebookClient that also counts update_display_data messages (nbclient folds them into the output they
    replace, so the executed notebook alone cannot tell an updated display from one drawn once)."""

    def process_message(self, msg, cell, cell_index):
        if msg["msg_type"] == "update_display_data":
            for mime in msg["content"].get("data", {}):
                self.updates[(cell_index, mime)] = self.updates.get((cell_index, mime), 0) + 1
        return super().process_message(msg, cell, cell_index)


def check_serving(nb, seen, updates):
    """03: the calls are answered in order, the endpoint is gone after the stop."""
    stdout = "".join(t for _, k, t in seen if k == "stdout")
    assert stdout.index("stopped colours") < stdout.index("nothing answers at"), "the check ran after %serve stop"
    # what %serve returned as a value is the URL the calls used
    url = re.search(r"Serving colours at (http://127\.0\.0\.1:\d+)", stdout).group(1)
    assert f"nothing answers at {url} " in stdout


def check_training(nb, seen, updates):
    """04: accuracy over the threshold, and the live chart was redrawn in place while it trained."""
    stdout = "".join(t for _, k, t in seen if k == "stdout")
    accuracy = float(re.search(r"test accuracy: ([0-9.]+)", stdout).group(1))
    assert accuracy > MIN_ACCURACY, f"test accuracy {accuracy} <= {MIN_ACCURACY}"
    cell = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and ".fit(train, test)" in c.source)
    charts = [o for o in nb.cells[cell].outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert len(charts) == 1, f"one chart, updated in place, not {len(charts)} outputs"
    epochs = int(re.search(r"\.epochs\((\d+)\)", nb.cells[cell].source).group(1))
    # drawn with "epoch 0" at the start; what is stored is the last redraw
    assert charts[0].data["text/plain"].startswith(f"epoch {epochs} "), charts[0].data["text/plain"]
    assert updates.get((cell, "image/png"), 0) >= epochs, f"chart redrawn {updates.get((cell, 'image/png'), 0)} times"
    bars = [o.data["text/plain"] for o in nb.cells[cell].outputs
            if o.output_type == "display_data" and o.data.get("text/plain", "").startswith("training [")]
    assert len(bars) == 1 and "100%" in bars[0] and "done in" in bars[0], bars
    assert updates.get((cell, "text/html"), 0) >= 2, "the progress bar moved"  # the chart has no HTML


CHECKS = {"03-serve-and-call.ipynb": check_serving, "04-train-on-all-gpus.ipynb": check_training}


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks in notebooks/")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS])
def test_notebook_runs_and_shows_what_it_promises(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == "java", "notebooks name the kernel spec 'java'"
    client = RecordingClient(nb, kernel_name="java", timeout=300, startup_timeout=120,
                             resources={"metadata": {"path": str(path.parent)}})
    client.updates = {}
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
    if path.name in CHECKS:
        CHECKS[path.name](nb, seen, client.updates)
