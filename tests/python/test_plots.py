"""Tablesaw figures through the Jupyter protocol (extensions/plots): a cell adds tablesaw with %maven (Maven Central
or ~/.m2), and a figure, displayed or left as the cell's last expression, arrives as plotly JSON, an SVG and
text/plain; a renderer the user registers for Figure keeps its own types, with ours beside them."""
import time
import xml.etree.ElementTree as ET
from queue import Empty

import pytest
from jupyter_client.manager import start_new_kernel

PLOTLY = "application/vnd.plotly.v1+json"
SVG = "image/svg+xml"
SVG_NS = "{http://www.w3.org/2000/svg}"

SETUP = """%maven tech.tablesaw:tablesaw-jsplot:0.43.1
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.api.LinePlot;
import tech.tablesaw.plotly.components.Figure;
double[] xs = {0, 1, 2, 3, 4};
double[] ys = {0, 1, 4, 9, 16};
Figure fig = LinePlot.create("Squares", Table.create("t", DoubleColumn.create("n", xs), DoubleColumn.create("n2", ys)), "n", "n2");
"""


@pytest.fixture(scope="module")
def kc():
    km, client = start_new_kernel(kernel_name="java", startup_timeout=60)
    try:
        reply, outputs = run(client, SETUP, timeout=300)
        assert reply["status"] == "ok", outputs
        yield client
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc, code, timeout=60):
    """The execute_reply content and the cell's outputs (stream, display_data, execute_result, error messages)."""
    msg_id = kc.execute(code)
    deadline = time.monotonic() + timeout
    outputs = []
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        except Empty:
            raise TimeoutError(f"cell did not finish in {timeout} s: {code[:60]!r}; got {outputs}")
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        if msg["msg_type"] in ("stream", "display_data", "execute_result", "error"):
            outputs.append(msg)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"], outputs


def bundle(outputs, msg_type):
    found = [m["content"]["data"] for m in outputs if m["msg_type"] == msg_type]
    assert found, f"no {msg_type} in {[m['msg_type'] for m in outputs]}: {outputs}"
    return found[-1]


def check_squares(data, text=True):
    figure = data[PLOTLY]
    trace = figure["data"][0]
    assert trace["type"] == "scatter" and trace["mode"] == "lines"
    assert [float(v) for v in trace["y"]] == [0, 1, 4, 9, 16]
    assert figure["layout"]["title"] == {"text": "Squares"}
    svg = ET.fromstring(data[SVG])
    assert svg.tag == SVG_NS + "svg"
    lines = [e for e in svg.iter(SVG_NS + "path") if "line" in e.get("class", "").split()]
    assert len(lines) == 1 and lines[0].get("d").count("L") == 4
    titles = [e.text for e in svg.iter(SVG_NS + "text") if e.get("class") == "title"]
    assert titles == ["Squares"]
    if text:
        assert data["text/plain"] == '<Figure "Squares": 1 trace (scatter)>'


def test_displayed_figure_carries_plotly_json_svg_and_text(kc):
    reply, outputs = run(kc, "display(fig);")
    assert reply["status"] == "ok"
    check_squares(bundle(outputs, "display_data"))


def test_figure_as_last_expression_is_rendered_the_same(kc):
    reply, outputs = run(kc, "fig")
    assert reply["status"] == "ok"
    check_squares(bundle(outputs, "execute_result"))


def test_asking_for_one_type_sends_only_that_one(kc):
    reply, outputs = run(kc, 'display(fig, "image/svg+xml");')
    assert reply["status"] == "ok"
    data = bundle(outputs, "display_data")
    assert set(data) == {SVG}
    assert ET.fromstring(data[SVG]).tag == SVG_NS + "svg"


def test_asking_for_html_only_brings_the_chart_too(kc):
    # d2l-java's chapters: render(LinePlot.create(...), "text/html") as the cell's value; without a user renderer
    # there is no HTML, but the chart and its SVG still come for front ends that can show them
    reply, outputs = run(kc, 'display(fig, "text/html");')
    assert reply["status"] == "ok"
    data = bundle(outputs, "display_data")
    assert PLOTLY in data and SVG in data
    assert data[PLOTLY]["layout"]["title"] == {"text": "Squares"}


def test_a_users_renderer_for_figure_keeps_its_types_and_ours_join_them(kc):
    # what d2l-java's plot-utils does through IJava's API: its own HTML for every Figure
    reply, outputs = run(kc, 'registerRenderer(Figure.class, (f, out) -> out.put("text/html", "<div>user chart</div>"));\nfig')
    assert reply["status"] == "ok", outputs
    data = bundle(outputs, "execute_result")
    assert data["text/html"] == "<div>user chart</div>"
    check_squares(data)
    reply, outputs = run(kc, 'display(fig, "text/html");')
    data = bundle(outputs, "display_data")
    assert data["text/html"] == "<div>user chart</div>" and PLOTLY in data


def test_saved_notebook_keeps_a_static_chart_for_github_and_nbconvert(tmp_path):
    """A notebook executed with nbclient (as `jupyter nbconvert --execute`) and saved: the stored output carries the
    chart as SVG (what GitHub's viewer and nbconvert 7 show inline, no JavaScript, no network) beside the plotly JSON.
    Not the HTML export: Debian's nbconvert 6.5 passes every SVG output through lxml's cleaner, which drops all SVG
    elements (matplotlib's too); nbconvert 7 does not."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "java", "display_name": "Java", "language": "java"}
    nb.cells.append(nbformat.v4.new_code_cell(SETUP + "fig"))
    NotebookClient(nb, timeout=300, kernel_name="java").execute()
    path = tmp_path / "plot.ipynb"
    nbformat.write(nb, str(path))

    saved = nbformat.read(str(path), as_version=4)
    nbformat.validate(saved)
    output = saved.cells[0].outputs[-1]
    assert output["output_type"] == "execute_result"
    assert {PLOTLY, SVG, "text/plain"} <= set(output["data"])
    svg = ET.fromstring(output["data"][SVG])
    assert [e.text for e in svg.iter(SVG_NS + "text") if e.get("class") == "title"] == ["Squares"]
    assert any("line" in e.get("class", "").split() for e in svg.iter(SVG_NS + "path"))


def test_d2l_plot_utils_ijava_renderer_and_render_as_html_still_bring_the_chart(kc):
    # d2l-java's utils/plot-utils registers its CDN HTML through IJava's API; its chapters end with
    # render(LinePlot.create(...), "text/html"). The HTML stays what d2l made; the chart comes beside it.
    register = """import io.github.spencerpark.ijava.IJava;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
IJava.getKernelInstance().getRenderer().createRegistration(Figure.class).preferring(MIMEType.TEXT_HTML)
    .register((figure, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> "<div id='d2l'>cdn plot</div>"));"""
    reply, outputs = run(kc, register)
    assert reply["status"] == "ok", outputs
    reply, outputs = run(kc, 'render(fig, "text/html")')
    assert reply["status"] == "ok", outputs
    data = bundle(outputs, "execute_result")
    assert data["text/html"] == "<div id='d2l'>cdn plot</div>"
    check_squares(data, text=False)  # text/plain is IJava's DisplayData summary: only text/html was asked for
