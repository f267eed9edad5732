"""Kernel shutdown with a live endpoint (issue 6): the request in flight gets its answer, then the port closes
and the kernel process ends. Driven as JupyterLab does it: shutdown_request on the control channel."""
import json
import socket
import threading
import time
import urllib.request

from jupyter_client.manager import start_new_kernel

from test_kernel_behaviour import execute

SLOW_MS = 2500

# A model whose forward pass takes SLOW_MS and doubles its input: long enough to be in flight at shutdown.
SLOW_MODEL = """
import io.djlkernel.djl.serving.*;
import ai.djl.nn.LambdaBlock;
import ai.djl.translate.NoopTranslator;
Model slowModel = Model.newInstance("slow", Device.cpu());
slowModel.setBlock(new LambdaBlock(in -> {
    try { Thread.sleep(%d); } catch (InterruptedException e) { throw new IllegalStateException(e); }
    return new NDList(in.head().mul(2));
}));
ServableModels.register(new ServableModel() {
    public String name() { return "slow"; }
    public Device device() { return Device.cpu(); }
    public java.util.List<IoSpec> inputs() { return java.util.List.of(); }
    public java.util.List<IoSpec> outputs() { return java.util.List.of(); }
    public java.util.List<String> synset() { return java.util.List.of(); }
    public int imageSize() { return -1; }
    public java.nio.file.Path source() { return null; }
    public ai.djl.inference.Predictor<NDList, NDList> newTensorPredictor() { return slowModel.newPredictor(new NoopTranslator()); }
});
""" % SLOW_MS


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def in_flight(port):
    """The endpoint's own count of requests it has read and not yet answered (its /metrics gauge)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("djlkernel_requests_in_flight"):
                return float(line.split()[-1])
    return 0


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except OSError:
        return True


def test_kernel_shutdown_drains_the_request_in_flight_then_closes_the_endpoint():
    km, kc = start_new_kernel(kernel_name="java", startup_timeout=60)
    try:
        port = free_port()
        setup = execute(kc, SLOW_MODEL, timeout=60)
        assert setup.status == "ok", setup.describe()
        served = execute(kc, f"%serve slow --port {port}", timeout=60)
        assert served.status == "ok", served.describe()
        assert f"127.0.0.1:{port}" in served.stdout() + str(served.result()), served.describe()

        answer = {}

        def call():
            body = json.dumps({"id": "in-flight", "inputs": [
                {"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}).encode()
            req = urllib.request.Request(f"http://127.0.0.1:{port}/v2/models/slow/infer", body,
                                         {"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    answer["status"], answer["body"] = r.status, json.loads(r.read())
            except Exception as e:  # noqa: BLE001 - the assertion below reports it
                answer["error"] = repr(e)
            answer["at"] = time.monotonic()

        client = threading.Thread(target=call)
        client.start()
        # shut down once the request is inside the model's forward pass (a fixed sleep was too short on a busy
        # machine: the request had not arrived, so nothing was in flight to drain)
        deadline = time.monotonic() + SLOW_MS / 1000
        while in_flight(port) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert in_flight(port) >= 1, "the request never reached the endpoint"
        shutdown_sent = time.monotonic()
        kc.shutdown()
        reply = kc.get_control_msg(timeout=30)
        assert reply["msg_type"] == "shutdown_reply", reply["msg_type"]
        client.join(30)

        assert "error" not in answer, f"the request in flight was dropped at shutdown: {answer['error']}"
        assert answer["status"] == 200
        assert answer["body"]["id"] == "in-flight"
        assert answer["body"]["outputs"][0]["data"] == [2.0, 4.0, 6.0]
        # the shutdown waited for it: the answer came after the shutdown request, not before
        assert answer["at"] > shutdown_sent

        deadline = time.monotonic() + 20
        while km.is_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not km.is_alive(), "the kernel process did not end after shutdown"
        assert refused(port), "the endpoint still accepts connections after the kernel ended"
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)
