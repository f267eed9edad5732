"""The image's rules, checked without a Docker engine: the Dockerfile (parsed here, and linted by npm's
dockerfile-utils), the scripts (shellcheck), compose.yaml and the image notebooks.

Run by scripts/test-image.sh (which installs shellcheck, python3-yaml and the linter first).
"""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "image"
DOCKERFILE = IMAGE / "Dockerfile"
LINTER = Path(__file__).resolve().parent / "node_modules" / ".bin" / "dockerfile-utils"
SCRIPTS = [IMAGE / "entrypoint.sh", IMAGE / "healthcheck.sh", IMAGE / "smoke-test.sh", IMAGE / "build.sh",
           ROOT / "scripts" / "test-image.sh", ROOT / "gpu" / "build-jni.sh", ROOT / "gpu" / "fetch-djl-sources.sh",
           ROOT / "gpu" / "verify.sh", ROOT / "gpu" / "pack.sh"]


def instructions(text):
    """(INSTRUCTION, arguments) per instruction: continuation lines joined, comments and parser directives dropped."""
    out, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # comment inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, args = current.partition(" ")
        out.append((keyword.upper(), args.strip()))
        current = ""
    return out


@pytest.fixture(scope="module")
def dockerfile():
    return instructions(DOCKERFILE.read_text())


def args_of(dockerfile):
    return {m.group(1): m.group(2).strip('"') for k, a in dockerfile if k == "ARG"
            for m in [re.match(r"(\w+)(?:=(.*))?$", a)] if m and m.group(2) is not None}


def resolve(value, args):
    return re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), ""), value)


def final_stage(dockerfile):
    last_from = max(i for i, (k, _) in enumerate(dockerfile) if k == "FROM")
    return dockerfile[last_from:]


def test_base_images_pinned_never_latest(dockerfile):
    args = args_of(dockerfile)
    froms = [resolve(a.split()[0], args) for k, a in dockerfile if k == "FROM"]
    assert froms, "no FROM"
    for image in froms:
        name, _, tag = image.partition("@")[0].rpartition(":")
        assert name and tag, f"FROM {image}: no tag"
        assert tag != "latest" and re.search(r"\d+\.\d+", tag), f"FROM {image}: pin a versioned tag"
    assert froms[-1].startswith("pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime"), froms[-1]
    digest = args.get("PYTORCH_DIGEST", "")
    assert re.fullmatch(r"(@sha256:[0-9a-f]{64})?", digest), "PYTORCH_DIGEST is empty or @sha256:<64 hex>"
    assert "${PYTORCH_DIGEST}" in [a for k, a in dockerfile if k == "FROM"][-1], "the digest ARG is used in FROM"


def test_no_latest_anywhere():
    assert not re.search(r":latest\b", DOCKERFILE.read_text()), "':latest' in the Dockerfile"
    assert not re.search(r":latest\b", (IMAGE / "compose.yaml").read_text()), "':latest' in compose.yaml"


def test_versions_pinned(dockerfile):
    args = args_of(dockerfile)
    for keyword, a in dockerfile:
        if keyword != "RUN":
            continue
        for m in re.finditer(r"pip3? install ([^&;|]+)", a):
            pkgs = [p for p in m.group(1).split() if not p.startswith("-")]
            assert pkgs, a
            for p in pkgs:
                assert "==" in resolve(p, args).strip('"'), f"pip package not pinned: {p}"
        for m in re.finditer(r"npm (?:install|i) ([^&;|]+)", a):
            for p in (p for p in m.group(1).split() if not p.startswith("-")):
                assert re.search(r".@\d", p), f"npm package not pinned: {p}"
        assert "curl" not in a.split("|")[0] or "| sh" not in a, "no curl | sh"
    assert re.fullmatch(r"4\.\d+\.\d+", args.get("JUPYTERLAB_VERSION", "")), "JupyterLab 4.x.y pinned"


def test_last_user_is_not_root(dockerfile):
    users = [a for k, a in final_stage(dockerfile) if k == "USER"]
    assert users, "the final stage sets no USER"
    user = resolve(users[-1], args_of(dockerfile)).split(":")[0]
    assert user not in ("root", "0", ""), f"last USER is {users[-1]}"
    assert user in ("1000", "jupyter"), f"last USER {user}: the notebook user is uid 1000"


def test_expose_exactly_8888_and_8080(dockerfile):
    ports = sorted(p.split("/")[0] for k, a in final_stage(dockerfile) if k == "EXPOSE" for p in a.split())
    assert ports == ["8080", "8888"], ports


def test_healthcheck_present(dockerfile):
    checks = [a for k, a in final_stage(dockerfile) if k == "HEALTHCHECK"]
    assert len(checks) == 1 and "CMD" in checks[0] and "NONE" not in checks[0].upper().split(), checks


def test_tini_is_pid_1(dockerfile):
    entry = [a for k, a in final_stage(dockerfile) if k == "ENTRYPOINT"]
    assert entry, "no ENTRYPOINT"
    argv = json.loads(entry[-1])  # exec form, so tini really is PID 1
    assert Path(argv[0]).name == "tini" and argv[1] == "--", argv


def test_djl_environment(dockerfile):
    env = resolve(" ".join(a for k, a in final_stage(dockerfile) if k == "ENV"), args_of(dockerfile))
    for needle in ["PYTORCH_LIBRARY_PATH=/opt/conda/lib/python3.11/site-packages/torch/lib", "PYTORCH_VERSION=2.7.1", "PYTORCH_FLAVOR=cu128",
                   "nvidia/cuda_runtime/lib", "DJL_OFFLINE=true", "OPT_OUT_TRACKING=true", "DJL_CACHE_DIR=",
                   "MODEL_ROOT=/models"]:
        assert needle in env, f"ENV lacks {needle}"
    install = " ".join(a for k, a in dockerfile if k == "RUN" and "djl-kernel.jar install" in a)
    for var in ["PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "LD_LIBRARY_PATH", "DJL_OFFLINE",
                "OPT_OUT_TRACKING", "DJL_CACHE_DIR", "MODEL_ROOT"]:
        assert f'--env "{var}=' in install, f"kernelspec env lacks {var}"


def stage(dockerfile, name):
    starts = [i for i, (k, a) in enumerate(dockerfile) if k == "FROM"]
    for n, i in enumerate(starts):
        if dockerfile[i][1].split()[-1] == name:
            end = starts[n + 1] if n + 1 < len(starts) else len(dockerfile)
            return dockerfile[i:end]
    raise AssertionError(f"no stage {name}")


def test_any_pytorch_2x_cuda12_13_base_gets_a_torch_bridge(dockerfile):
    args = args_of(dockerfile)
    # one build argument names the base, for the bridge stage and the runtime alike
    assert re.fullmatch(r"pytorch/pytorch:2\.\d+\.\d+-cuda1[23]\.\d+-cudnn\d+-runtime", args["TORCH_BASE"])
    froms = [a.split()[0] for k, a in dockerfile if k == "FROM"]
    assert froms.count("${TORCH_BASE}${PYTORCH_DIGEST}") == 2, froms
    base_version = re.match(r"pytorch/pytorch:(\d+\.\d+\.\d+)-cuda(\d+)\.(\d)", args["TORCH_BASE"])
    assert args["TORCH_VERSION"] == base_version.group(1), "TORCH_VERSION's default is the default base's torch"
    assert args["TORCH_FLAVOR"] == f"cu{base_version.group(2)}{base_version.group(3)}"
    # DJL's JNI sources come from the tag of the DJL we ship, exported by our script (never from the repository)
    sources = " ".join(a for k, a in stage(dockerfile, "djl-sources") if k in ("ADD", "RUN"))
    assert "djl/archive/refs/tags/v${DJL_VERSION}.tar.gz" in sources and "gpu/fetch-djl-sources.sh" in sources
    # torch 2.7.1 + CUDA 12.8: DJL's own JNI (with a manifest); any other torch: built against the base's torch
    build = " ".join(a for k, a in stage(dockerfile, "bridge-build") if k == "RUN")
    assert "('2.7.1', '12.8')" in build and "--prebuilt" in build
    assert re.search(r"else .*apt-get install [^;]*cmake[^;]*g\+\+.*/src/gpu/build-jni.sh --python python --out /out/bridge", build)
    final = final_stage(dockerfile)
    assert any(k == "COPY" and "--from=bridge-build /out/bridge/" in a for k, a in final)
    env = " ".join(a for k, a in final if k == "ENV")
    assert "DJL_KERNEL_TORCH_BRIDGE=/opt/djl-kernel/torch-bridge" in env
    assert "PYTORCH_VERSION=${TORCH_VERSION}" in env and "PYTORCH_FLAVOR=${TORCH_FLAVOR}" in env
    assert "nvidia/cu13/lib" in env, "cu13 wheels keep the CUDA runtime in nvidia/cu13/lib"
    install = " ".join(a for k, a in final if k == "RUN" and "djl-kernel.jar install" in a)
    # the base's torch must be the one the build arguments and the bridge's manifest name, or the build stops
    assert "build with --build-arg TORCH_VERSION=" in install
    assert 'grep -qx "torch.version=$(python -c' in install
    assert '--torch-bridge "${DJL_KERNEL_TORCH_BRIDGE}"' in install
    # the scripts the stages run exist in the build context (not excluded by the .dockerignore)
    ignore = (IMAGE / "Dockerfile.dockerignore").read_text().split()
    for path in ["gpu/build-jni.sh", "gpu/fetch-djl-sources.sh", "gpu/jni/CMakeLists.txt"]:
        assert (ROOT / path).exists() and not any(path.startswith(i) for i in ignore), path


def test_volumes_and_read_only_models(dockerfile):
    volumes = " ".join(a for k, a in final_stage(dockerfile) if k == "VOLUME")
    assert "/home/jupyter/work" in volumes and "/home/jupyter/.cache" in volumes
    assert "/models" not in volumes, "/models is a read-only mount, not a writable volume"
    assert any("chmod 0555 /models" in a for k, a in dockerfile if k == "RUN")


def test_no_secrets_or_ssh_host_keys_baked_in(dockerfile):
    text = DOCKERFILE.read_text()
    assert "rm -rf /var/lib/apt/lists/* /etc/ssh/ssh_host_*" in text, "host keys are made at start, not baked in"
    assert not re.search(r"(TOKEN|PASSWORD|SECRET)\s*=", text), "no credentials in the image"
    sshd = (IMAGE / "sshd_config").read_text()
    for line in ["PasswordAuthentication no", "PermitRootLogin no", "KbdInteractiveAuthentication no"]:
        assert line in sshd
    assert 'ENABLE_SSH:-false' in (IMAGE / "entrypoint.sh").read_text(), "SSH off by default"


def test_dockerfile_lint():
    if not LINTER.exists():
        pytest.skip("dockerfile-utils not installed (scripts/test-image.sh runs npm ci in tests/image)")
    r = subprocess.run([str(LINTER), "lint", str(DOCKERFILE)], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip(), r.stdout + r.stderr


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shellcheck(script):
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck not installed")
    assert script.exists(), script
    r = subprocess.run(["shellcheck", "-x", str(script)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_compose_proxies_through_nginx_tls():
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((IMAGE / "compose.yaml").read_text())
    services = compose["services"]
    jupyter, nginx = services["jupyter"], services["nginx"]
    assert "ports" not in jupyter, "JupyterLab and the endpoint are reached only through nginx"
    assert sorted(str(p) for p in jupyter.get("expose", [])) == ["8080", "8888"]
    assert any(v.endswith(":/models:ro") for v in jupyter["volumes"]), "/models mounted read-only"
    assert "JUPYTER_TOKEN" in jupyter["environment"]
    assert "443:443" in nginx["ports"]
    conf = (IMAGE / "nginx" / "nginx.conf").read_text()
    assert "listen 443 ssl" in conf and "proxy_set_header Upgrade" in conf and "ssl_protocols       TLSv1.2 TLSv1.3" in conf
    for v in nginx["volumes"]:
        assert v.endswith(":ro"), v


def test_jupyter_settings_keep_the_token_and_stay_offline():
    cfg = json.loads((IMAGE / "jupyter" / "jupyter_server_config.json").read_text())
    server = cfg["ServerApp"]
    assert "token" not in server and "password" not in server and server.get("allow_root") is False
    assert cfg["LabApp"]["news_url"] is None and cfg["LabApp"]["extension_manager"] == "readonly"
    assert "refusing to start JupyterLab without a token" in (IMAGE / "entrypoint.sh").read_text()


@pytest.mark.parametrize("name", ["00-verify-gpu.ipynb", "01-tensors-on-the-gpu.ipynb", "04-train-on-all-gpus.ipynb"])
def test_image_notebooks_stored_clean(name):
    nb = json.loads((ROOT / "notebooks" / name).read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "java"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(not c["outputs"] and c["execution_count"] is None for c in code)
    source = "\n".join("".join(c["source"]) for c in code)
    if name.startswith("00"):
        assert "%gpu" in source and "%gpu --check" in source and "devices()" in source
    elif name.startswith("04"):
        # self-contained: trains on every device, with nothing from the repository or the network
        assert "training(" in source and "devices()" in source and "../" not in source and "%maven" not in source
    else:
        assert "%memory" in source and "matMul" in source and "NDArrays.stack" in source
    assert name in DOCKERFILE.read_text(), "the image ships the tutorial"


def serve_jvm_opts(env_extra, cpus=None):
    env = {k: v for k, v in __import__("os").environ.items() if k != "JAVA_OPTS"}
    env.update(env_extra)
    cmd = ["bash", str(IMAGE / "entrypoint.sh"), "serve-jvm-opts"]
    if cpus is not None:
        cmd = ["taskset", "-c", cpus] + cmd
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30, check=True).stdout.strip()


def test_serve_uses_the_serial_collector_on_small_machines_unless_told_otherwise():
    # what `serve` passes to java: the bench (bench/serve_bench.py) launches ours with the same options
    assert serve_jvm_opts({}, cpus="0") == "-XX:+UseSerialGC -Xmn256m"
    assert serve_jvm_opts({"JAVA_OPTS": "-Xmx2g -XX:+UseZGC"}, cpus="0") == "-Xmx2g -XX:+UseZGC"
    assert serve_jvm_opts({"JAVA_OPTS": ""}, cpus="0") == ""
    text = (IMAGE / "entrypoint.sh").read_text()
    assert 'read -r -a java_opts <<< "$(serve_jvm_opts)"' in text, "serve must launch java with these options"
