"""%maven of DJL's own artifacts in a real kernel, with Maven switched offline.

d2l-java and other DJL notebooks start with `%maven ai.djl:api:0.23.0`, `%maven ai.djl.mxnet:mxnet-engine:0.23.0`,
`%maven ai.djl.mxnet:mxnet-native-auto:1.8.0`. The kernel ships DJL 0.36 on PyTorch: each such line must answer
with one line, add nothing to the cells' class path, download nothing (an offline settings.xml, an empty local
repository and a mirror nothing listens on), and the notebook goes on. DJL libraries the kernel does not ship
(ai.djl:basicdataset) resolve at the kernel's DJL version; that part needs Maven Central.

The kernel reads ~/.m2/settings.xml on every %maven, so the test points user.home (JAVA_TOOL_OPTIONS) to a
folder of its own and rewrites that file between cells.
"""
import os
import re
import urllib.request
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import ROOT

DJL = "0.36.0"
LIBTORCH = "2.7.1"
MXNET_DOC = ROOT / "docs" / "tensors.md"
MXNET_ANCHOR = "notebooks-written-for-djls-mxnet-engine"

OFFLINE_SETTINGS = """<settings>
  <localRepository>{repo}</localRepository>
  <offline>true</offline>
  <mirrors><mirror><id>nowhere</id><mirrorOf>*</mirrorOf><url>http://127.0.0.1:9/maven2</url></mirror></mirrors>
</settings>
"""
ONLINE_SETTINGS = "<settings><localRepository>{repo}</localRepository></settings>\n"

# the cells' own class loader: what %maven, %jars and %classpath added, nothing else
CELL_URLS = ("java.util.Arrays.stream(((java.net.URLClassLoader) new Object(){}.getClass().getClassLoader()).getURLs())"
             ".map(Object::toString).sorted().collect(java.util.stream.Collectors.joining(\"\\n\"))")
# where the DJL classes the cells see come from
DJL_ORIGIN = ("ai.djl.ndarray.NDManager.class.getClassLoader() + \" \" + ai.djl.engine.Engine.class.getProtectionDomain()"
              ".getCodeSource().getLocation()")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    (home / ".m2").mkdir()
    (home / "repository").mkdir()
    return home


def write_settings(home, template):
    (home / ".m2" / "settings.xml").write_text(template.format(repo=home / "repository"))


@pytest.fixture(scope="module")
def kernel(home):
    write_settings(home, OFFLINE_SETTINGS)
    env = dict(os.environ)
    env["JAVA_TOOL_OPTIONS"] = (env.get("JAVA_TOOL_OPTIONS", "") + f" -Duser.home={home}").strip()
    # the natives stay where the user's kernel extracts them, should anything load the engine
    real_cache = Path.home() / ".djl.ai"
    env.setdefault("DJL_CACHE_DIR", str(real_cache))
    env.setdefault("ENGINE_CACHE_DIR", str(real_cache))
    km, kc = start_new_kernel(kernel_name="java", startup_timeout=90, env=env)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc, code, timeout=60):
    """(status, stdout, text/plain result, error) of one cell."""
    outputs = []
    reply = kc.execute_interactive(code, output_hook=outputs.append, timeout=timeout)["content"]
    stdout = "".join(m["content"]["text"] for m in outputs
                     if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
    results = [m["content"]["data"].get("text/plain") for m in outputs if m["msg_type"] == "execute_result"]
    errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
    error = f"{errors[-1]['ename']}: {errors[-1]['evalue']}" if errors else None
    return reply["status"], stdout, (results[-1] if results else None), error


def value(kc, expression):
    status, _, result, error = run(kc, expression)
    assert status == "ok", error
    return result


def files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


MXNET_LINE = (f"not added: this kernel runs DJL {DJL} on PyTorch {LIBTORCH}, not MXNet; DJL code written for MXNet runs"
              f" on it, a few calls behave differently (see docs/tensors.md#{MXNET_ANCHOR})")
NATIVES_LINE = f"not added: this kernel runs DJL {DJL} on PyTorch and brings its own libtorch {LIBTORCH}"

OFFLINE_LINES = [
    ("%maven ai.djl:api:0.28.0", f"using the kernel's ai.djl:api {DJL} (asked 0.28.0)"),
    ("%maven ai.djl:api:0.23.0", f"using the kernel's ai.djl:api {DJL} (asked 0.23.0)"),
    ("%maven ai.djl.pytorch:pytorch-engine:0.28.0", f"using the kernel's ai.djl.pytorch:pytorch-engine {DJL} (asked 0.28.0)"),
    ("%maven ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0", f"using the kernel's ai.djl.pytorch:pytorch-jni 2.7.1-{DJL}"),
    ("%maven ai.djl.pytorch:pytorch-native-auto:2.7.1", f"ai.djl.pytorch:pytorch-native-auto {NATIVES_LINE}"),
    ("%maven ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64", f"ai.djl.pytorch:pytorch-native-cpu {NATIVES_LINE}"),
    ("%maven ai.djl.mxnet:mxnet-engine:0.23.0", f"ai.djl.mxnet:mxnet-engine {MXNET_LINE}"),
    ("%maven ai.djl.mxnet:mxnet-native-auto:1.8.0", f"ai.djl.mxnet:mxnet-native-auto {MXNET_LINE}"),
]


def test_djl_artifacts_offline_answer_with_one_line_and_add_nothing(kernel, home):
    _, kc = kernel
    urls_before = value(kc, CELL_URLS)
    origin_before = value(kc, DJL_ORIGIN)
    for line, expected in OFFLINE_LINES:
        status, stdout, _, error = run(kc, line)
        assert status == "ok", f"{line}: {error}"
        assert stdout.strip().splitlines() == [expected], f"{line}: {stdout!r}"
    # as an expression, %maven gives what it added: nothing
    assert value(kc, "var added = %maven ai.djl:api:0.23.0 ai.djl.mxnet:mxnet-engine:0.23.0;\nadded") == "[]"
    assert value(kc, CELL_URLS) == urls_before
    assert value(kc, DJL_ORIGIN) == origin_before
    assert files_under(home / "repository") == [], "something was downloaded"


def test_the_notebook_goes_on_on_pytorch(kernel):
    _, kc = kernel
    engines = value(kc, "ai.djl.engine.Engine.getAllEngines()")
    assert "PyTorch" in engines and "MXNet" not in engines, engines
    status, _, _, error = run(kc, 'Class.forName("ai.djl.mxnet.engine.MxEngine")')
    assert status == "error" and "ClassNotFoundException" in error, error
    assert value(kc, "1 + 1") == "2"


def test_the_mxnet_line_points_at_a_docs_section_that_exists():
    headings = [line.lstrip("#").strip() for line in MXNET_DOC.read_text().splitlines() if line.startswith("#")]
    slugs = [re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings]
    assert MXNET_ANCHOR in slugs, slugs


def test_a_djl_library_offline_is_a_clear_error_and_the_kernel_goes_on(kernel, home):
    _, kc = kernel
    write_settings(home, OFFLINE_SETTINGS)
    status, stdout, _, error = run(kc, "%maven ai.djl:basicdataset:0.23.0")
    assert status == "error", stdout
    assert "offline" in error and f"ai.djl:basicdataset:{DJL}" in error, error
    assert files_under(home / "repository") == []
    assert value(kc, "1 + 1") == "2"


def central_reachable():
    pom = "https://repo.maven.apache.org/maven2/ai/djl/basicdataset/0.36.0/basicdataset-0.36.0.pom"
    try:
        with urllib.request.urlopen(urllib.request.Request(pom, method="HEAD"), timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.skipif(not central_reachable(), reason="needs Maven Central")
def test_basicdataset_resolves_at_the_kernels_djl_version_against_its_api(kernel, home):
    _, kc = kernel
    write_settings(home, ONLINE_SETTINGS)
    origin_before = value(kc, DJL_ORIGIN)
    try:
        status, stdout, _, error = run(kc, "%maven ai.djl:basicdataset:0.23.0", timeout=180)
    finally:
        write_settings(home, OFFLINE_SETTINGS)
    assert status == "ok", error
    # commons-csv's own dependencies may meet the kernel's commons-io/commons-codec: those lines are not DJL's
    notices = [line for line in stdout.splitlines() if "ai.djl" in line]
    assert notices == [f"using ai.djl:basicdataset {DJL} (asked 0.23.0) to match the kernel's DJL {DJL};"
                       " to force 0.23.0: %maven ai.djl:basicdataset:[0.23.0]"], stdout
    jars = [Path(u).name for u in re.split(r"\\n|\n", value(kc, CELL_URLS).strip('"'))]
    assert f"basicdataset-{DJL}.jar" in jars, jars
    assert not any(j.startswith("api-") for j in jars), f"a second ai.djl:api was added: {jars}"
    # it compiles and links against the kernel's DJL: no second copy of the API, no dataset download
    # (DJL 0.36's FashionMnist.Builder constructor is package-private: builder() is the public way in)
    builder = value(kc, "var fashion = ai.djl.basicdataset.cv.classification.FashionMnist.builder()"
                        ".optUsage(ai.djl.training.dataset.Dataset.Usage.TEST).setSampling(32, true).build();\n"
                        "fashion.getClass().getName()")
    assert builder == "ai.djl.basicdataset.cv.classification.FashionMnist", builder
    # the dataset is a RandomAccessDataset of the kernel's API, not of a second copy
    assert value(kc, "fashion instanceof ai.djl.training.dataset.RandomAccessDataset") == "true"
    assert value(kc, DJL_ORIGIN) == origin_before
    downloaded = files_under(home / "repository")
    assert not any("/ai/djl/api/" in "/" + f for f in downloaded), downloaded
    assert not any("fashion" in f.lower() for f in files_under(home)), "a dataset was downloaded"


# d2l-java's utils/djl-imports notebook, first cell, as it stands (loaded by 51 of its notebooks)
D2L_IMPORTS_CELL = """%maven ai.djl:basicdataset:0.20.0
%maven ai.djl.mxnet:mxnet-engine:0.20.0
%maven org.slf4j:slf4j-simple:1.7.36"""


@pytest.mark.skipif(not central_reachable(), reason="needs Maven Central")
def test_d2l_imports_cell_runs_and_the_notebook_goes_on(kernel, home):
    _, kc = kernel
    write_settings(home, ONLINE_SETTINGS)
    try:
        status, stdout, _, error = run(kc, D2L_IMPORTS_CELL, timeout=180)
    finally:
        write_settings(home, OFFLINE_SETTINGS)
    assert status == "ok", error
    djl_lines = [line for line in stdout.splitlines() if "ai.djl" in line]
    assert djl_lines == [
        f"using ai.djl:basicdataset {DJL} (asked 0.20.0) to match the kernel's DJL {DJL};"
        " to force 0.20.0: %maven ai.djl:basicdataset:[0.20.0]",
        f"ai.djl.mxnet:mxnet-engine {MXNET_LINE}",
    ], stdout
    jars = [Path(u).name for u in re.split(r"\\n|\n", value(kc, CELL_URLS))]
    assert not any(j.startswith(("api-", "mxnet-")) for j in jars), jars
    assert value(kc, "import ai.djl.ndarray.*;\nimport ai.djl.training.dataset.*;\n"
                     "NDManager.newBaseManager().ones(new ai.djl.ndarray.types.Shape(2)).sum().getFloat()") == "2.0"
