"""Installs the kernel from kernel/target/djl-kernel.jar into a temporary prefix for the whole test run.

Jupyter finds it through JUPYTER_PATH, which wins over kernels installed for the user or the system, so
the tests run this build even where another "java" kernel is installed. Two kernel specs:

  java        as `install` writes it by default (with the AppCDS archive), for the protocol suite and notebooks
  java-guard  with --jvm-opt=-Xmx1g, for the guard-rail checks (an OutOfMemoryError comes fast and
              the test shows that --jvm-opt reaches the kernel)
  java-debug  with --debugger (JupyterLab's debugger), for test_debugger.py

Java: $JAVA_HOME/bin/java if JAVA_HOME is set, else `java` on PATH; the kernel runs on that JVM.
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JAR = ROOT / "kernel" / "target" / "djl-kernel.jar"
BUILD = ROOT / "build"
GUARD_HEAP_MB = 1024

_prefix = None


def java_command():
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java") or "java"


def _install(java, prefix, name, *extra):
    cmd = [java, "-jar", str(JAR), "install", "--prefix", str(prefix), "--name", name, *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise pytest.UsageError(f"kernel install failed ({' '.join(cmd)}):\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def pytest_configure(config):
    global _prefix
    if not JAR.is_file():
        raise pytest.UsageError(f"{JAR} not found: build it first (mvn -B package)")
    java = java_command()
    _prefix = Path(tempfile.mkdtemp(prefix="djl-kernel-pytest-"))
    out = _install(java, _prefix, "java")
    _install(java, _prefix, "java-guard", "--no-cds", f"--jvm-opt=-Xmx{GUARD_HEAP_MB}m")
    _install(java, _prefix, "java-debug", "--no-cds", "--debugger")
    os.environ["JUPYTER_PATH"] = str(_prefix / "share" / "jupyter")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(_prefix / "runtime")
    config._djl_install_note = out.strip().splitlines()


def pytest_report_header(config):
    lines = [f"djl-kernel: {JAR} on {java_command()}"]
    lines += ["  " + line for line in getattr(config, "_djl_install_note", [])]
    return lines


def pytest_unconfigure(config):
    if _prefix is not None:
        shutil.rmtree(_prefix, ignore_errors=True)


@pytest.fixture(scope="module")
def guard_kernel():
    """The guard rails' kernel ("java-guard": GUARD_HEAP_MB of heap, no archive), one per test module, so that each
    test also checks that the kernel survived the ones before it. Yields (KernelManager, client)."""
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="java-guard", startup_timeout=60)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
