"""The seed article's approach done properly: Flask + torch (Debian's python3-torch) behind gunicorn.

    MODEL=extensions/djl/src/test/resources/models/classifier/classifier.pt SIZE=32 \
        gunicorn -w 2 -b 127.0.0.1:8091 --chdir bench serve_flask_app:app

POST /predict (multipart file) -> {"class_id": N, "probability": p}: decode, resize, ImageNet-normalise,
forward under torch.inference_mode, softmax. POST /v2/models/NAME/infer: one FP32 input of the Open Inference Protocol v2
as JSON -> every output as FP32 JSON (the MLP fixture). One torch thread per worker (workers = cores). DEVICE=cuda:0 puts the
model and the tensors on a GPU (gpu/verify.sh's baseline); GET /ping answers once it is up. Without gunicorn:
python3 bench/serve_flask_app.py PORT.
"""
import io
import os
import sys

import torch
from flask import Flask, jsonify, request
from PIL import Image

torch.set_num_threads(1)
DEVICE = torch.device(os.environ.get("DEVICE", "cpu"))
MODEL = torch.jit.load(os.environ["MODEL"], map_location=DEVICE).eval()
SIZE = int(os.environ.get("SIZE", "224"))
MEAN = torch.tensor([0.485, 0.456, 0.406], device=DEVICE).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225], device=DEVICE).view(3, 1, 1)

app = Flask(__name__)


@app.post("/predict")
def predict():
    f = request.files.get("file")
    if f is None:
        return jsonify(error="no file"), 400
    try:
        img = Image.open(io.BytesIO(f.read())).convert("RGB").resize((SIZE, SIZE), Image.BILINEAR)
    except Exception as e:  # noqa: BLE001 - any decoding failure is the client's
        return jsonify(error=f"not an image: {e}"), 400
    x = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).view(SIZE, SIZE, 3).permute(2, 0, 1)
    x = ((x.to(DEVICE).float() / 255 - MEAN) / STD).unsqueeze(0)
    with torch.inference_mode():
        p = torch.softmax(MODEL(x), dim=1)[0]
    i = int(torch.argmax(p))
    return jsonify(class_id=i, probability=float(p[i]))


@app.post("/v2/models/<name>/infer")
def infer(name):
    body = request.get_json(silent=True)
    try:
        inp = body["inputs"][0]
        x = torch.tensor(inp["data"], dtype=torch.float32, device=DEVICE).view(*inp["shape"])
    except Exception as e:  # noqa: BLE001 - any malformed request is the client's
        return jsonify(error=f"bad V2 request: {e}"), 400
    with torch.inference_mode():
        y = MODEL(x)
    outs = y if isinstance(y, (tuple, list)) else (y,)
    return jsonify(model_name=name, id=body.get("id", ""), outputs=[
        {"name": f"output{i}", "datatype": "FP32", "shape": list(o.shape), "data": o.flatten().tolist()}
        for i, o in enumerate(outs)])


@app.get("/ping")
def ping():
    return jsonify(status="Healthy", device=str(DEVICE))


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
