"""The seed's model: a torchvision ResNet state_dict saved as best_model.pth (issue 14), through a real kernel.

`%model load ... --arch torchvision.models.resnet18` converts it with Debian's python3-torch/torchvision, a second
load reads the cached TorchScript, `%serve` answers the seed's /predict for a known picture with the class and
probability that the same state_dict gives in Python eager with the seed's preprocessing, and every bad input gets
its message while the kernel keeps running. Fixtures: extensions/djl/src/test/python/make_state_dict_fixtures.py
(made into build/, not committed: a ResNet-18 is ~43 MiB).
"""
import json
import os
import socket
import subprocess
import time
import urllib.request
import uuid

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import BUILD, ROOT
from test_kernel_behaviour import execute

PYTHON = "/usr/bin/python3"
FIXTURES = BUILD / "state-dict-fixtures"
MAKER = ROOT / "extensions" / "djl" / "src" / "test" / "python" / "make_state_dict_fixtures.py"

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")


@pytest.fixture(scope="module")
def fixtures():
    if not (FIXTURES / "red.png").exists():
        subprocess.run([PYTHON, str(MAKER), str(FIXTURES)], check=True, timeout=600)
    return FIXTURES


@pytest.fixture(scope="module")
def kernel(fixtures, tmp_path_factory):
    env = dict(os.environ, MODEL_CACHE_DIR=str(tmp_path_factory.mktemp("model-cache") / "models"),
               DJL_KERNEL_PYTHON=PYTHON)
    km, kc = start_new_kernel(kernel_name="java", startup_timeout=90, env=env)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def shown(run):
    """Everything a reader sees: results, displays (the progress bar's last state), streams and the error."""
    parts = [run.stdout()]
    for m in run.messages:
        if m["msg_type"] in ("execute_result", "display_data", "update_display_data"):
            parts.append(m["content"]["data"].get("text/plain", ""))
        elif m["msg_type"] == "stream":
            parts.append(m["content"]["text"])
    err = run.error()
    if err:
        parts.append(err["evalue"])
    return "\n".join(parts)


def still_usable(kc):
    run = execute(kc, "1+1")
    assert run.status == "ok" and run.result() == "2", run.describe()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_image(url, path):
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def eager_prediction(fixtures):
    """What the seed's Flask app answers: the state_dict in torchvision's ResNet, the seed's preprocessing."""
    from PIL import Image
    from torchvision import transforms
    model = torchvision.models.resnet18(num_classes=3)
    model.load_state_dict(torch.load(fixtures / "best_model.pth", map_location="cpu"))
    model.eval()
    prep = transforms.Compose([transforms.Resize((224, 224)), transforms.ToTensor(),
                               transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    with torch.no_grad():
        p = torch.softmax(model(prep(Image.open(fixtures / "red.png").convert("RGB")).unsqueeze(0)), 1)[0]
    return int(p.argmax()), float(p.max())


LOAD = "%model load {name} {path} --arch torchvision.models.resnet18 --arch-args num_classes=3 --translator image-classification"


def test_resnet_state_dict_converts_and_serves_the_seeds_predict(kernel, fixtures):
    km, kc = kernel
    t0 = time.monotonic()
    run = execute(kc, LOAD.format(name="best", path=fixtures / "best_model.pth"), timeout=600)
    first = time.monotonic() - t0
    text = shown(run)
    assert run.status == "ok", text
    assert "converting best_model.pth" in text and "6/6 stages" in text, text  # the progress bar reached the end
    assert "state_dict → TorchScript by torch.jit.script with /usr/bin/python3" in text, text
    assert "max abs difference 0" in text, text
    assert "synset.txt beside the model (3 names, one per output)" in text, text
    assert "Classes" in text and "red, green, blue" in text, text

    # a second load reads the converted file: no Python, says so, and takes a fraction of the time
    t0 = time.monotonic()
    again = execute(kc, LOAD.format(name="best2", path=fixtures / "best_model.pth"), timeout=600)
    second = time.monotonic() - t0
    assert again.status == "ok", shown(again)
    assert "cached: converted earlier" in shown(again), shown(again)
    print(f"first load {first:.1f} s, cached load {second:.1f} s, ratio {second / first:.2f}")
    assert second < first / 2, (first, second)

    port = free_port()
    served = execute(kc, f"%serve best --port {port}", timeout=120)
    assert served.status == "ok", shown(served)
    answer = post_image(f"http://127.0.0.1:{port}/predict", fixtures / "red.png")
    class_id, probability = eager_prediction(fixtures)
    assert class_id == 0  # the fixture's head makes a red picture class 0 by construction
    assert answer["class_id"] == class_id and answer["class"] == "red", answer
    assert abs(answer["probability"] - probability) < 1e-4, (answer, probability)
    stopped = execute(kc, "%serve stop best", timeout=60)
    assert stopped.status == "ok", shown(stopped)


def test_checkpoint_dict_is_accepted_and_said(kernel, fixtures):
    km, kc = kernel
    run = execute(kc, f"%model load ck {fixtures / 'tiny_checkpoint.pth'} --arch tiny_net.py:TinyNet", timeout=300)
    text = shown(run)
    assert run.status == "ok", text
    assert "weights were taken from its 'state_dict' entry" in text, text
    assert "synset.txt beside the model ignored: it has 3 names and the model gives 4 outputs" in text, text
    out = execute(kc, "ck.predict(ai.djl.ndarray.NDManager.newBaseManager().ones(new ai.djl.ndarray.types.Shape(1, 3, 8, 8))).singletonOrThrow().getShape()")
    assert out.status == "ok" and "(1, 4)" in out.result(), out.describe()


def wrapper(tmp_path, name, body):
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def no_torchvision_python(tmp_path):
    """A Python with torch (and what it imports) but no torchvision: a real environment, not a stub."""
    site = tmp_path / "site"
    site.mkdir()
    for m in ("torch", "typing_extensions.py", "numpy"):
        (site / m).symlink_to(f"/usr/lib/python3/dist-packages/{m}")
    return wrapper(tmp_path, "python-no-vision", f'PYTHONPATH={site} exec {PYTHON} -S "$@"')


@pytest.mark.parametrize("case", ["truncated", "keys", "unknown-arch", "no-python", "no-torch", "no-torchvision"])
def test_bad_inputs_get_clear_errors_and_the_kernel_keeps_running(kernel, fixtures, tmp_path, case):
    km, kc = kernel
    tiny = f"--arch {fixtures / 'tiny_net.py'}:TinyNet"
    fresh = tmp_path / "weights.pth"  # a copy of its own: a new cache key, so Python runs
    fresh.write_bytes((fixtures / "tiny_state_dict.pth").read_bytes())
    load, expected = {
        "truncated": (f"{fixtures / 'tiny_truncated.pth'} {tiny}", ["truncated or corrupt", "torch.load"]),
        "keys": (f"{fresh} --arch torchvision.models.resnet18",
                 ['Missing key(s) in state_dict: "conv1.weight"', 'Unexpected key(s) in state_dict: "conv.weight"']),
        "unknown-arch": (f"{fresh} --arch torchvision.models.resnet51", ["has no model named resnet51", "resnet50"]),
        "no-python": (f"{fresh} {tiny} --python /opt/none/bin/python3", ["cannot run /opt/none/bin/python3", "DJL_KERNEL_PYTHON"]),
        "no-torch": (f"{fresh} {tiny} --python " + str(wrapper(tmp_path, "python-no-torch", f'exec {PYTHON} -S "$@"')),
                     ["cannot import torch", "apt install python3-torch python3-torchvision"]),
        "no-torchvision": (f"{fresh} --arch torchvision.models.resnet18 --python {no_torchvision_python(tmp_path)}",
                           ["needs torchvision", "pip install torchvision"]),
    }[case]
    run = execute(kc, f"%model load bad {load}", timeout=300)
    text = shown(run)
    assert run.status == "error", text
    for e in expected:
        assert e in text, text
    assert "at io.djlkernel" not in text, text  # a message, not a stack trace
    still_usable(kc)
