"""Turns a PyTorch state_dict (or a checkpoint dict holding one) into a TorchScript file DJL can load.

Run by the djl-kernel's `%model load NAME weights.pth --arch ...` with the machine's own Python, torch and
(for torchvision architectures) torchvision:

    python3 state_dict_to_torchscript.py --weights best_model.pth --arch torchvision.models.resnet50 \
        [--arch-args "num_classes=10"] [--input-shape 1,3,224,224] --out model.pt

Talks to the kernel through stdout lines: "@@stage I N LABEL" while it works, "@@note TEXT" for things the user
should know, "@@result JSON" at the end, or "@@error KIND JSON-MESSAGE" (exit 2) for a failure it understands.
Anything else (a traceback) goes to stderr, and the kernel shows its tail.
"""
import argparse
import ast
import difflib
import importlib
import importlib.util
import json
import os
import sys
import time

STAGES = ["loading the weights", "building the architecture", "load_state_dict",
          "scripting (or tracing)", "verifying against eager", "saving"]
CHECKPOINT_KEYS = ["state_dict", "model", "model_state_dict", "net", "module"]
SHOWN_KEYS = 5


class Failure(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message


def stage(i):
    print(f"@@stage {i + 1} {len(STAGES)} {STAGES[i]}", flush=True)


def note(text):
    print("@@note " + text.replace("\n", " "), flush=True)


def import_torch():
    try:
        import torch  # noqa: F401
    except ImportError as e:
        raise Failure("no-torch", f"{sys.executable} (Python {sys.version.split()[0]}) cannot import torch ({e}). "
                      "Install it for that Python (pip install torch torchvision, conda install pytorch torchvision, "
                      "or on Debian/Ubuntu apt install python3-torch python3-torchvision), or point DJL_KERNEL_PYTHON "
                      "(or --python) at a Python that has it.")
    return torch


def parse_arch_args(text):
    if not text or not text.strip():
        return {}
    try:
        call = ast.parse("f(" + text + ")", mode="eval").body
        if call.args:
            raise ValueError("positional values are not accepted, write name=value")
        return {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    except (SyntaxError, ValueError) as e:
        raise Failure("arch-args", f"--arch-args '{text}' is not a list of name=value Python literals "
                      f"(e.g. num_classes=10,dropout=0.2): {e}")


def resolve_arch(spec):
    """torchvision.models.resnet50 (a dotted module path + callable) or /path/to/file.py:ClassName."""
    if ".py:" in spec or spec.endswith(".py"):
        path, _, attr = spec.rpartition(":") if ".py:" in spec else (spec, ":", "")
        if not attr:
            raise Failure("unknown-arch", f"--arch {spec}: name the class too, as {spec}:ClassName")
        if not os.path.isfile(path):
            raise Failure("unknown-arch", f"--arch {spec}: no file {path}")
        sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
        module_spec = importlib.util.spec_from_file_location("user_arch", path)
        module = importlib.util.module_from_spec(module_spec)
        try:
            module_spec.loader.exec_module(module)
        except Exception as e:
            raise Failure("unknown-arch", f"--arch {spec}: running {path} failed: {type(e).__name__}: {e}")
        return find_callable(module, attr, spec, path)
    module_name, _, attr = spec.rpartition(".")
    if not module_name:
        raise Failure("unknown-arch", f"--arch {spec}: give a module and a name (torchvision.models.resnet50) "
                      "or a file and a class (my_model.py:Net)")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        top = (e.name or module_name).split(".")[0]
        if top == "torchvision":
            raise Failure("no-torchvision", f"--arch {spec} needs torchvision, which {sys.executable} cannot import. "
                          "Install it for that Python (pip install torchvision, conda install torchvision, or "
                          "apt install python3-torchvision).")
        raise Failure("unknown-arch", f"--arch {spec}: no module {e.name or module_name} in {sys.executable}")
    return find_callable(module, attr, spec, module_name)


def find_callable(module, attr, spec, where):
    target = getattr(module, attr, None)
    if callable(target):
        return target
    names = [n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n, None))]
    close = difflib.get_close_matches(attr, names, n=3, cutoff=0.5)
    hint = f" Closest: {', '.join(close)}." if close else ""
    raise Failure("unknown-arch", f"--arch {spec}: {where} has no model named {attr}.{hint}")


def is_state_dict(obj, torch):
    return isinstance(obj, dict) and len(obj) > 0 and all(torch.is_tensor(v) for v in obj.values())


def weights_from(obj, path, torch):
    """The state_dict in what torch.load returned: the dict itself, or a checkpoint's 'state_dict'/'model' entry."""
    if is_state_dict(obj, torch):
        return obj
    if isinstance(obj, torch.nn.Module):
        note(f"{os.path.basename(path)} holds a whole pickled {type(obj).__name__}: its state_dict was used")
        return obj.state_dict()
    if isinstance(obj, dict):
        for key in CHECKPOINT_KEYS:
            if is_state_dict(obj.get(key), torch):
                others = [str(k) for k in obj if k != key]
                note(f"{os.path.basename(path)} is a checkpoint: the weights were taken from its '{key}' entry"
                     + (f" (other entries, not used: {', '.join(others[:6])})" if others else ""))
                return obj[key]
        raise Failure("not-weights", f"{os.path.basename(path)} holds a dict without weights under "
                      f"{', '.join(repr(k) for k in CHECKPOINT_KEYS)}; its keys: "
                      + ", ".join(repr(k) for k in list(obj)[:10]))
    raise Failure("not-weights", f"{os.path.basename(path)} holds a {type(obj).__module__}.{type(obj).__name__}, "
                  "not a state_dict (a dict of tensors)")


def load_weights(path, torch):
    try:
        return torch.load(path, map_location="cpu")
    except Exception as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise Failure("truncated", f"{os.path.basename(path)} ({os.path.getsize(path)} bytes) could not be read by "
                      f"torch.load: it is truncated or corrupt ({type(e).__name__}: {first}). Copy it again from "
                      "its source; if it is on a mount, check that the upload finished.")


def quoted(keys):
    shown = ", ".join(f'"{k}"' for k in keys[:SHOWN_KEYS])
    return shown + (f", … ({len(keys)} in all)" if len(keys) > SHOWN_KEYS else "")


def check_keys(model, weights, spec, arch_args):
    """load_state_dict's strict check, said the way it says it, plus a hint for a changed head."""
    own = model.state_dict()
    missing = [k for k in own if k not in weights]
    unexpected = [k for k in weights if k not in own]
    stripped = None
    if missing and unexpected and all(k.startswith("module.") for k in weights):
        stripped = {k[len("module."):]: v for k, v in weights.items()}
        if all(k in stripped for k in own):
            note("the weights' keys start with 'module.' (saved from DataParallel/DistributedDataParallel): "
                 "the prefix was removed")
            return check_keys(model, stripped, spec, arch_args)
    mismatched = [(k, tuple(weights[k].shape), tuple(own[k].shape)) for k in own
                  if k in weights and tuple(weights[k].shape) != tuple(own[k].shape)]
    if not (missing or unexpected or mismatched):
        return weights
    lines = [f"the state_dict does not fit --arch {spec}"
             + (f" ({', '.join(f'{k}={v!r}' for k, v in arch_args.items())})" if arch_args else "") + ":"]
    if missing:
        lines.append(f"Missing key(s) in state_dict: {quoted(missing)}.")
    if unexpected:
        lines.append(f"Unexpected key(s) in state_dict: {quoted(unexpected)}.")
    for k, theirs, ours in mismatched[:SHOWN_KEYS]:
        lines.append(f"size mismatch for {k}: copying a param with shape {list(theirs)} from checkpoint, "
                     f"the shape in current model is {list(ours)}.")
    head = [m for m in mismatched if m[0].endswith(".weight") and len(m[1]) == 2]
    if head and not missing and not unexpected and head[-1][1][0] != head[-1][2][0]:
        lines.append(f"The last layer has {head[-1][1][0]} outputs in the checkpoint: try --arch-args "
                     f"num_classes={head[-1][1][0]}.")
    raise Failure("keys", "\n".join(lines))


def flat_tensors(out, torch):
    if torch.is_tensor(out):
        return [out]
    if isinstance(out, dict):
        out = list(out.values())
    if isinstance(out, (list, tuple)):
        return [t for o in out for t in flat_tensors(o, torch)]
    return []


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--weights", required=True)
    p.add_argument("--arch", required=True)
    p.add_argument("--arch-args", default="")
    p.add_argument("--input-shape", default="1,3,224,224")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    started = time.time()

    torch = import_torch()
    try:
        shape = [int(s) for s in a.input_shape.replace("x", ",").split(",") if s.strip()]
    except ValueError:
        raise Failure("input-shape", f"--input-shape {a.input_shape}: whole numbers separated by commas, e.g. 1,3,224,224")

    stage(0)
    weights = weights_from(load_weights(a.weights, torch), a.weights, torch)

    stage(1)
    arch_args = parse_arch_args(a.arch_args)
    factory = resolve_arch(a.arch)
    try:
        model = factory(**arch_args)
    except Exception as e:
        raise Failure("arch-args", f"--arch {a.arch} could not be built with {arch_args or 'no arguments'}: "
                      f"{type(e).__name__}: {e}")
    if not isinstance(model, torch.nn.Module):
        raise Failure("unknown-arch", f"--arch {a.arch} returned a {type(model).__name__}, not a torch.nn.Module")

    stage(2)
    weights = check_keys(model, weights, a.arch, arch_args)
    model.load_state_dict(weights, strict=True)
    model.eval()

    stage(3)
    torch.manual_seed(0)
    example = torch.randn(*shape)
    method = "script"
    try:
        compiled = torch.jit.script(model)
    except Exception as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        note(f"torch.jit.script failed ({reason[:200]}); traced it with a {shape} input instead")
        method = "trace"
        try:
            with torch.no_grad():
                compiled = torch.jit.trace(model, example)
        except Exception as e2:
            raise Failure("trace", f"neither torch.jit.script nor torch.jit.trace with a random {shape} input "
                          f"worked: {type(e2).__name__}: {str(e2).strip()[:400]}. Give --input-shape matching the "
                          "model's input.")

    stage(4)
    try:
        with torch.no_grad():
            eager = flat_tensors(model(example), torch)
            scripted = flat_tensors(compiled(example), torch)
    except Exception as e:
        raise Failure("input-shape", f"the model did not run on a random {shape} input ({type(e).__name__}: "
                      f"{str(e).strip().splitlines()[0][:300]}). Give --input-shape matching the model's input.")
    if not eager or len(eager) != len(scripted) or any(x.shape != y.shape for x, y in zip(eager, scripted)):
        raise Failure("verify", f"TorchScript outputs {[list(t.shape) for t in scripted]} differ in shape from "
                      f"the eager model's {[list(t.shape) for t in eager]}")
    diff = max(float((x.float() - y.float()).abs().max()) for x, y in zip(eager, scripted))
    scale = max(1.0, max(float(x.float().abs().max()) for x in eager))
    if diff > 1e-3 * scale:
        raise Failure("verify", f"the TorchScript model's output differs from the eager model's by up to {diff:.3g} "
                      f"on a random {shape} input ({method}); data-dependent control flow traces wrongly: make the "
                      "model scriptable")

    stage(5)
    tmp = a.out + ".part"
    compiled.save(tmp)
    os.replace(tmp, a.out)
    try:
        import torchvision
        vision = torchvision.__version__
    except ImportError:
        vision = None
    result = {
        "method": method, "max_abs_diff": diff, "input_shape": shape,
        "output_shape": list(eager[0].shape), "parameters": sum(t.numel() for t in model.parameters()),
        "python": sys.executable, "python_version": sys.version.split()[0], "torch": torch.__version__,
        "torchvision": vision, "seconds": round(time.time() - started, 3),
    }
    print("@@result " + json.dumps(result), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Failure as f:
        print(f"@@error {f.kind} {json.dumps(f.message)}", flush=True)
        sys.exit(2)
