#!/usr/bin/python3
"""Writes src/test/resources/fixtures/torch-repr.json: PyTorch's own repr bodies for arrays the Java test rebuilds.

Run with Debian's python3-torch (apt install python3-torch):  /usr/bin/python3 make_repr_fixtures.py
Each case gives a dtype, a shape and either explicit data or arange(n) * scale + offset (exact in float32).
"""
import json
import math
import os
import torch
from torch import _tensor_str

DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "int32": torch.int32,
          "int64": torch.int64, "uint8": torch.uint8, "int8": torch.int8, "boolean": torch.bool}

CASES = [
    ("matrix_int_mode", "float32", [2, 3], {"arange": 6}),
    ("fixed_point", "float32", [3], {"data": [0.1, 2.5, -3.25]}),
    ("elided_sci_matrix", "float32", [100, 100], {"arange": 10000}),
    ("elided_ints", "int64", [2000], {"arange": 2000}),
    ("small_values_sci", "float64", [4], {"data": [1e-5, 0.5, 2.0, 3.0]}),
    ("booleans", "boolean", [2, 2], {"data": [True, False, False, True]}),
    ("cube", "float32", [2, 3, 4], {"arange": 24, "scale": 0.5}),
    ("elided_4d", "float32", [3, 4, 50, 50], {"arange": 30000, "scale": 0.25, "offset": -100}),
    ("non_finite", "float32", [5], {"data": [1.5, float("nan"), float("inf"), float("-inf"), 0.0]}),
    ("scalar", "float32", [], {"data": [3.5]}),
    ("wrapped_row", "float32", [30], {"arange": 30, "scale": 0.125}),
    ("int32", "int32", [3], {"data": [-5, 100, 7]}),
    ("uint8", "uint8", [3], {"data": [0, 255, 3]}),
    ("big_values", "float32", [2], {"data": [1e9, 2.0]}),
    ("negative_tiny", "float64", [3], {"data": [-0.00001, 1.0, -0.0]}),
    ("rounding_half_even", "float64", [3], {"data": [0.00005, 0.12345, 0.99995]}),
    ("wide_matrix", "float32", [4, 40], {"arange": 160, "scale": 1.5, "offset": -7}),
    ("tall_elided", "float64", [1200, 2], {"arange": 2400, "scale": 0.001}),
    ("float16", "float16", [3], {"data": [0.1, 1.0, 65504.0]}),
    ("zeros", "float32", [2, 2], {"data": [0.0, 0.0, 0.0, 0.0]}),
    ("int8_negative", "int8", [4], {"data": [-128, 0, 1, 127]}),
]


def build(dtype, shape, spec):
    if "data" in spec:
        t = torch.tensor(spec["data"], dtype=torch.float64 if dtype != "boolean" else torch.bool)
    else:
        t = torch.arange(spec["arange"], dtype=torch.float64) * spec.get("scale", 1) + spec.get("offset", 0)
    return t.to(DTYPES[dtype]).reshape(shape)


def main():
    out = []
    for name, dtype, shape, spec in CASES:
        t = build(dtype, shape, spec)
        body = _tensor_str._tensor_str(t, len("tensor("))
        entry = {"name": name, "dtype": dtype, "shape": shape, "repr": "tensor(" + body}
        for k, v in spec.items():
            if k == "data":
                v = [x if not (isinstance(x, float) and not math.isfinite(x)) else str(x) for x in v]
            entry[k] = v
        out.append(entry)
    path = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "torch-repr.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, indent=1)
    print("wrote", len(out), "cases to", os.path.normpath(path))


if __name__ == "__main__":
    main()
