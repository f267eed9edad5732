"""Model debugging through the kernel, as a notebook uses it (issue 15): trace(...), firstNonFinite(...),
gradients(...) in cells without imports, answered with a text table, an HTML table and the layer panel's JSON."""
import pytest
from jupyter_client.manager import start_new_kernel

from test_kernel_behaviour import check_alive, execute

LAYERS_MIME = "application/vnd.djl-kernel.layers+json"

NET = """
var net = new SequentialBlock()
        .add(Linear.builder().setUnits(8).build())
        .add(Activation.reluBlock())
        .add(new SequentialBlock()
                .add(Linear.builder().setUnits(3).build())
                .add(new LambdaBlock(l -> new NDList(l.head().log()), "log")))
        .add(Linear.builder().setUnits(2).build());
net.initialize(manager, DataType.FLOAT32, new Shape(4, 5));
var x = manager.randomNormal(new Shape(4, 5));
"""


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel(kernel_name="java", startup_timeout=90)
    try:
        setup = execute(kc, NET, timeout=120)
        assert setup.status == "ok", setup.describe()
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def bundle(run):
    results = run.of_type("execute_result")
    assert results, run.describe()
    return results[-1]["content"]["data"]


def test_trace_shows_a_table_and_the_layer_panel_json(kernel):
    km, kc = kernel
    run = execute(kc, "trace(net, x)", timeout=60)
    assert run.status == "ok", run.describe()
    data = bundle(run)
    text = data["text/plain"]
    for column in ("layer", "type", "output", "NaN", "zeros", "ms", "memory"):
        assert column in text.splitlines()[1], text
    assert "01Linear" in text and "(4, 8)" in text and "04Linear" in text and "(4, 2)" in text, text
    assert "<table" in data["text/html"]

    doc = data[LAYERS_MIME]
    assert doc["kind"] == "trace" and doc["version"] == 1
    paths = [r["path"] for r in doc["rows"]]
    assert paths == ["", "/01Linear", "/02LambdaBlock", "/03SequentialBlock", "/03SequentialBlock/01Linear",
                     "/03SequentialBlock/02LambdaBlock", "/04Linear"], paths
    assert [r["depth"] for r in doc["rows"]] == [0, 1, 1, 1, 2, 2, 1]
    relu = doc["rows"][2]
    assert relu["shape"] == "(4, 8)" and relu["dtype"] == "float32" and relu["device"] == "cpu"
    assert relu["min"] >= 0 and len(relu["histogram"]) == 16 and sum(relu["histogram"]) == 32
    # log of a linear map's mixed-sign outputs: NaN appear there and the row is flagged for the panel
    log_row = doc["rows"][5]
    assert log_row["nan_count"] > 0 and log_row["flag"] == "nan", log_row


def test_first_non_finite_names_the_layer(kernel):
    km, kc = kernel
    run = execute(kc, "var found = firstNonFinite(net, x); found.layer()", timeout=60)
    assert run.status == "ok", run.describe()
    assert run.result() == "/03SequentialBlock/02LambdaBlock", run.describe()
    shown = execute(kc, "found", timeout=60)
    data = bundle(shown)
    assert data["text/plain"].startswith("First non-finite output: /03SequentialBlock/02LambdaBlock (LambdaBlock)")
    doc = data[LAYERS_MIME]
    assert doc["kind"] == "non_finite"
    assert [r.get("role") for r in doc["rows"] if r.get("role")] == ["input"], doc["rows"]


def test_gradients_after_a_backward_pass(kernel):
    km, kc = kernel
    code = """
    var fc = Linear.builder().setUnits(2).build();
    fc.initialize(manager, DataType.FLOAT32, new Shape(3, 4));
    fc.getParameters().get("weight").getArray().set(new float[]{1, 2, 3, 4, 0, -1, 0, 1});
    var in = manager.create(new float[]{1, 2, 3, 4, -1, 0, 1, 2, 2, 2, 2, 2}, new Shape(3, 4));
    try (var gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(fc.forward(new ParameterStore(manager, false), new NDList(in), true).head().sum());
    }
    gradients(fc)
    """
    run = execute(kc, code, timeout=60)
    assert run.status == "ok", run.describe()
    doc = bundle(run)[LAYERS_MIME]
    rows = {r["path"]: r for r in doc["rows"]}
    assert abs(rows["weight"]["grad_norm"] - 240 ** 0.5) < 1e-4, rows["weight"]
    assert abs(rows["bias"]["grad_norm"] - 18 ** 0.5) < 1e-4, rows["bias"]


def test_bad_input_is_a_clear_error_and_the_kernel_keeps_running(kernel):
    km, kc = kernel
    run = execute(kc, "trace(new SequentialBlock().add(Linear.builder().setUnits(2).build()), x)", timeout=60)
    assert run.status == "error"
    assert "not initialized" in run.error()["evalue"], run.describe()
    wrong = execute(kc, "trace(net, manager.ones(new Shape(4, 7)))", timeout=60)
    assert wrong.status == "ok", wrong.describe()
    assert "the forward pass failed" in bundle(wrong)["text/plain"].splitlines()[0]
    check_alive(km, kc)
    # the failed pass left the block as it was: the same trace as before
    again = execute(kc, "trace(net, x).rows().size()", timeout=60)
    assert again.result() == "7", again.describe()
