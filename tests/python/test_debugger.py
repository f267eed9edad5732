"""JupyterLab's debugger on Java cells, driven over real ZeroMQ with jupyter_client as JupyterLab drives it.

The kernel is the one `install --debugger` writes (conftest's java-debug).
debug_request on the control channel (a DAP request as content), debug_reply back, debug_event on IOPub. The same
conversation with ipykernel + Debian's python3-debugpy is the reference: test_message_shapes_match_ipykernel checks
that every key JupyterLab may read in ipykernel's replies and events is in ours too, and that a cell's path is the
one ipykernel (and so the front end, which hashes the cell with debugInfo's Murmur2 seed) computes.
"""
import json
import os
import re
import shutil
import time
from pathlib import Path
from queue import Empty

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel

TWICE = "int twice(int n) {\n    int r = n * 2;\n    return r;\n}"
USE_TWICE = 'int a = 3;\nint b = twice(a);\nString s = "x" + b;\nSystem.out.println(s);'
SPIN_CELL = "long spins = 0;\nwhile (true) {\n    spins++;\n}"


class Debugger:
    """A front end's side of one kernel: DAP requests on control, events from IOPub."""

    def __init__(self, kc):
        self.kc = kc
        self.seq = 0
        self.events = []

    def request(self, command, **arguments):
        self.seq += 1
        content = {"type": "request", "seq": self.seq, "command": command, "arguments": arguments}
        msg = self.kc.session.msg("debug_request", content)
        self.kc.control_channel.send(msg)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                reply = self.kc.get_control_msg(timeout=1)
            except Empty:
                continue
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                assert reply["msg_type"] == "debug_reply"
                return reply["content"]
        raise TimeoutError(f"no debug_reply to {command}")

    def ok(self, command, **arguments):
        reply = self.request(command, **arguments)
        assert reply["success"], reply
        return reply.get("body", {})

    def event(self, name, timeout=30):
        """The next debug_event called name (earlier ones of other names are kept in self.events)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=0.5)
            except Empty:
                continue
            if msg["msg_type"] != "debug_event":
                continue
            self.events.append(msg["content"])
            if msg["content"]["event"] == name:
                return msg["content"]
        raise TimeoutError(f"no {name} debug_event within {timeout} s (got {self.events})")

    def start(self):
        info = self.ok("debugInfo")
        self.ok("initialize", clientID="jupyterlab", clientName="JupyterLab", adapterID="java", pathFormat="path",
                linesStartAt1=True, columnsStartAt1=True, supportsVariableType=True, supportsVariablePaging=True)
        self.ok("attach")
        return info

    def dump(self, code):
        return self.ok("dumpCell", code=code)["sourcePath"]

    def breakpoints(self, code, *lines):
        path = self.dump(code)
        body = self.ok("setBreakpoints", source={"path": path}, breakpoints=[{"line": n} for n in lines],
                       sourceModified=False)
        return path, body["breakpoints"]

    def top_frame(self, thread):
        return self.ok("stackTrace", threadId=thread)["stackFrames"][0]

    def scope(self, frame_id, name):
        scopes = self.ok("scopes", frameId=frame_id)["scopes"]
        ref = next(s for s in scopes if s["name"] == name)["variablesReference"]
        return {v["name"]: v for v in self.ok("variables", variablesReference=ref)["variables"]}


def murmur2(text, seed):
    """MurmurHash2, 32 bit, of the UTF-8 bytes: what JupyterLab's debugger hashes a cell with."""
    m = 0x5BD1E995
    data = text.encode("utf-8")
    h = (seed ^ len(data)) & 0xFFFFFFFF
    i = 0
    while len(data) - i >= 4:
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * m) & 0xFFFFFFFF
        h = ((h * m) & 0xFFFFFFFF) ^ k
        i += 4
    rest = len(data) - i
    if rest == 3:
        h ^= data[i + 2] << 16
    if rest >= 2:
        h ^= data[i + 1] << 8
    if rest >= 1:
        h ^= data[i]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h


def start(kernel_name="java-debug"):
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    return start_new_kernel(kernel_name=kernel_name, startup_timeout=90, env=env)


@pytest.fixture
def java():
    km, kc = start()
    yield km, kc, Debugger(kc)
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def run(kc, code, timeout=60):
    reply = kc.execute_interactive(code, timeout=timeout)
    assert reply["content"]["status"] == "ok", reply["content"]
    return reply


def reply_to(kc, msg_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_shell_msg(timeout=1)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg
    raise TimeoutError(f"no reply to {msg_id}")


def stdout_of(kc, msg_id, timeout=10):
    text = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=0.5)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            text += msg["content"]["text"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    return text


def run_on(kc, dbg, msg_id, timeout=30):
    """Reads IOPub until the cell msg_id is idle: its stdout, and the debug events that came meanwhile (kept in
    dbg.events too). Waiting for an event alone would drop the cell's output."""
    text, events = "", []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=0.5)
        except Empty:
            continue
        if msg["msg_type"] == "debug_event":
            events.append(msg["content"])
            dbg.events.append(msg["content"])
        elif msg["parent_header"].get("msg_id") != msg_id:
            continue
        elif msg["msg_type"] == "stream":
            text += msg["content"]["text"]
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return text, events
    raise TimeoutError(f"cell {msg_id} did not end within {timeout} s (debug events: {events})")


def paused_in(dbg, kc, code, path_lines, setup=()):
    """Runs code with breakpoints set beforehand; returns (msg_id, thread id) once it stopped."""
    for cell, lines in path_lines:
        dbg.breakpoints(cell, *lines)
    dbg.ok("configurationDone")
    msg_id = kc.execute(code)
    stopped = dbg.event("stopped")
    return msg_id, stopped


def test_debugger_is_advertised(java):
    km, kc, _ = java
    specs = KernelSpecManager()
    assert specs.get_kernel_spec("java-debug").metadata.get("debugger") is True
    # without --debugger: no agent, and JupyterLab is not told there is a debugger
    plain = specs.get_kernel_spec("java")
    assert "debugger" not in plain.metadata and not any("jdwp" in a for a in plain.argv)
    info = kc.kernel_info(reply=True)["content"]
    assert info["debugger"] is True
    assert "debugger" in info["supported_features"]


def test_breakpoint_step_variables_evaluate_continue(java):
    km, kc, dbg = java
    info = dbg.start()
    assert info["hashMethod"] == "Murmur2" and info["isStarted"] is False
    run(kc, TWICE)
    path, bps = dbg.breakpoints(USE_TWICE, 2)
    assert path == f"{info['tmpFilePrefix']}{murmur2(USE_TWICE, info['hashSeed'])}{info['tmpFileSuffix']}"
    assert bps[0]["verified"] is True and bps[0]["line"] == 2
    dbg.ok("configurationDone")
    msg_id = kc.execute(USE_TWICE)
    stopped = dbg.event("stopped")
    assert stopped["body"]["reason"] == "breakpoint"
    thread = stopped["body"]["threadId"]
    assert dbg.ok("debugInfo")["stoppedThreads"] == [thread]

    frame = dbg.top_frame(thread)
    assert (frame["line"], frame["source"]["path"]) == (2, path)
    globals_ = dbg.scope(frame["id"], "Globals")
    assert globals_["a"]["value"] == "3" and globals_["a"]["type"] == "int"
    assert "b" not in globals_ or globals_["b"]["value"] == "0"

    # into the method an earlier cell declared: its own cell's path and lines
    dbg.ok("stepIn", threadId=thread)
    assert dbg.event("stopped")["body"]["reason"] == "step"
    frames = dbg.ok("stackTrace", threadId=thread)["stackFrames"]
    assert frames[0]["source"]["path"] == dbg.dump(TWICE) and frames[0]["line"] == 2
    assert frames[0]["name"].startswith("twice")
    assert (frames[1]["source"]["path"], frames[1]["line"]) == (path, 2)
    assert dbg.scope(frames[0]["id"], "Locals")["n"]["value"] == "3"

    dbg.ok("next", threadId=thread)
    dbg.event("stopped")
    frame = dbg.top_frame(thread)
    assert frame["line"] == 3
    locals_ = dbg.scope(frame["id"], "Locals")
    assert locals_["r"]["value"] == "6" and locals_["r"]["type"] == "int"

    result = dbg.ok("evaluate", expression="r * 10 + a", frameId=frame["id"], context="repl")
    assert result["result"] == "63"
    bad = dbg.request("evaluate", expression="r +* 1", frameId=frame["id"], context="repl")
    assert bad["success"] is False and "does not compile" in bad["message"]

    dbg.ok("stepOut", threadId=thread)
    dbg.event("stopped")
    assert dbg.top_frame(thread)["source"]["path"] == path

    dbg.ok("continue", threadId=thread)
    assert dbg.event("continued")["body"]["threadId"] == thread
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"
    assert "x6" in stdout_of(kc, msg_id)
    variables = {v["name"]: v for v in dbg.ok("inspectVariables")["variables"]}
    assert variables["s"]["value"] == '"x6"'


def test_continue_resumes_every_paused_thread_as_jupyterlab_sends_it(java):
    """JupyterLab 4.6's continue drops the stopped thread from its model before sending, so it names thread 1:
    DAP's continue (no singleThread) resumes every paused thread, whatever threadId says."""
    km, kc, dbg = java
    dbg.start()
    code = "int k = 1;\nk += 1;\nSystem.out.println(k);"
    msg_id, stopped = paused_in(dbg, kc, code, [(code, [2])])
    thread = stopped["body"]["threadId"]
    assert thread != 1
    reply = dbg.ok("continue", threadId=1)
    assert reply["allThreadsContinued"] is True
    assert dbg.event("continued")["body"]["threadId"] == thread
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"
    assert stdout_of(kc, msg_id).strip() == "2"
    assert dbg.ok("debugInfo")["stoppedThreads"] == []


def test_lambda_declared_earlier_stops_in_its_own_cell(java):
    km, kc, dbg = java
    dbg.start()
    lam = "java.util.function.IntUnaryOperator inc = n -> {\n    int m = n + 1;\n    return m;\n};"
    run(kc, lam)
    path, _ = dbg.breakpoints(lam, 2)
    dbg.ok("configurationDone")
    msg_id = kc.execute("int five = inc.applyAsInt(4);")
    thread = dbg.event("stopped")["body"]["threadId"]
    frames = dbg.ok("stackTrace", threadId=thread)["stackFrames"]
    assert (frames[0]["source"]["path"], frames[0]["line"]) == (path, 2)
    assert "lambda" in frames[0]["name"]
    assert dbg.scope(frames[0]["id"], "Locals")["n"]["value"] == "4"
    # the library frame between the lambda and the cell that called it (none here) or none: cells at both ends
    assert frames[-1]["source"]["path"] == dbg.dump("int five = inc.applyAsInt(4);")
    dbg.ok("continue", threadId=thread)
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"


def test_ndarrays_and_objects_in_the_variables_panel(java):
    km, kc, dbg = java
    dbg.start()
    run(kc, "var x = manager.arange(6f).reshape(2, 3);\nint[] xs = {4, 5, 6};")
    # the variables panel without a breakpoint
    variables = {v["name"]: v for v in dbg.ok("inspectVariables")["variables"]}
    assert re.match(r"\(2, 3\) · float32 · cpu\(\) · min 0\.?0* max 5\.?0* mean 2\.50* · \[0\.0, 1\.0",
                    variables["x"]["value"]), variables["x"]
    assert variables["xs"]["variablesReference"] > 0
    children = dbg.ok("variables", variablesReference=variables["xs"]["variablesReference"], start=1, count=2)
    assert [(c["name"], c["value"]) for c in children["variables"]] == [("[1]", "5"), ("[2]", "6")]
    rich = dbg.ok("richInspectVariables", variableName="x")
    assert "text/plain" in rich["data"]

    cell = "double total(ai.djl.ndarray.NDArray t) {\n    var doubled = t.mul(2);\n    return doubled.sum().getFloat();\n}"
    run(kc, cell)
    dbg.breakpoints(cell, 3)
    dbg.ok("configurationDone")
    msg_id = kc.execute("total(x)")
    thread = dbg.event("stopped")["body"]["threadId"]
    locals_ = dbg.scope(dbg.top_frame(thread)["id"], "Locals")
    assert locals_["doubled"]["value"].startswith("(2, 3) · float32 · cpu() · min 0"), locals_["doubled"]
    assert "max 10" in locals_["doubled"]["value"]
    dbg.ok("continue", threadId=thread)
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"


def test_bad_requests_get_a_message_and_the_session_goes_on(java):
    km, kc, dbg = java
    dbg.start()
    unknown = dbg.request("frobnicate")
    assert unknown["success"] is False and "unknown debug command 'frobnicate'" in unknown["message"]
    no_cell = dbg.request("setBreakpoints", source={"path": "/nowhere/Foo.java"}, breakpoints=[{"line": 1}])
    assert no_cell["success"] is False and "not a cell" in no_cell["message"]
    code = "int q = 1;\n\n// a comment\nq++;"
    path, bps = dbg.breakpoints(code, 2, 3, 4, 9)
    verified = {b["line"]: b["verified"] for b in bps}
    assert verified == {2: False, 3: False, 4: True, 9: False}
    assert all(b.get("message") for b in bps if not b["verified"])
    no_frame = dbg.request("evaluate", expression="q", context="repl")
    assert no_frame["success"] is False and "frameId" in no_frame["message"]
    not_paused = dbg.request("continue", threadId=12345)
    assert not_paused["success"] is False and "not paused" in not_paused["message"]
    # arguments of the wrong JSON type, or missing, as a buggy front end might send them
    for command, arguments in [("continue", {"threadId": "main"}), ("continue", {"threadId": [1, 2]}),
                               ("scopes", {"frameId": {"id": 1}}), ("variables", {"variablesReference": "x"})]:
        bad = dbg.request(command, **arguments)
        assert bad["success"] is False and f"malformed {command} request" in bad["message"], (command, arguments, bad)
    missing = dbg.request("continue")
    assert missing["success"] is False and "needs arguments.threadId" in missing["message"], missing
    # a seq that is not a number still gets a DAP response, not a protocol error
    msg = kc.session.msg("debug_request", {"type": "request", "seq": "one", "command": "threads", "arguments": {}})
    kc.control_channel.send(msg)
    while True:
        reply = kc.get_control_msg(timeout=30)
        if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            break
    assert reply["msg_type"] == "debug_reply" and reply["content"]["type"] == "response", reply["content"]
    assert reply["content"]["request_seq"] == 0 and reply["content"]["command"] == "threads", reply["content"]
    # still debugging: the breakpoint at line 4 stops the cell
    dbg.ok("configurationDone")
    msg_id = kc.execute(code)
    stopped = dbg.event("stopped")
    assert dbg.top_frame(stopped["body"]["threadId"])["line"] == 4
    dbg.ok("continue", threadId=stopped["body"]["threadId"])
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"


def test_disconnect_clears_breakpoints(java):
    km, kc, dbg = java
    dbg.start()
    code = "int k = 1;\nk += 1;"
    dbg.breakpoints(code, 2)
    assert dbg.ok("debugInfo")["breakpoints"][0]["breakpoints"] == [{"line": 2}]
    dbg.ok("disconnect", restart=False, terminateDebuggee=False)
    info = dbg.ok("debugInfo")
    assert info["breakpoints"] == [] and info["isStarted"] is False
    started = time.monotonic()
    run(kc, code)
    assert time.monotonic() - started < 30
    assert not [e for e in dbg.events if e["event"] == "stopped"]


def test_interrupt_while_paused_ends_the_cell(java):
    km, kc, dbg = java
    dbg.start()
    msg_id, stopped = paused_in(dbg, kc, SPIN_CELL, [(SPIN_CELL, [3])])
    # the control channel keeps answering while the cell is paused (the shell waits for the cell, as in ipykernel)
    assert dbg.ok("debugInfo")["stoppedThreads"] == [stopped["body"]["threadId"]]
    km.interrupt_kernel()
    reply = reply_to(kc, msg_id, timeout=15)["content"]
    assert reply["status"] == "error" and reply["ename"] == "Interrupted"
    assert dbg.event("continued")["body"]["threadId"] == stopped["body"]["threadId"]
    assert run(kc, "1 + 1")["content"]["status"] == "ok"


def test_pause_stops_a_running_cell(java):
    km, kc, dbg = java
    dbg.start()
    dbg.ok("configurationDone")
    run(kc, "1 + 1")  # the interpreter has started
    msg_id = kc.execute(SPIN_CELL)
    time.sleep(1.5)
    dbg.ok("pause", threadId=0)
    stopped = dbg.event("stopped")
    assert stopped["body"]["reason"] == "pause"
    assert dbg.top_frame(stopped["body"]["threadId"])["line"] in (2, 3)
    km.interrupt_kernel()
    assert reply_to(kc, msg_id, timeout=15)["content"]["ename"] == "Interrupted"


def test_exception_breakpoint_uncaught(java):
    km, kc, dbg = java
    dbg.start()
    dbg.ok("setExceptionBreakpoints", filters=["uncaught"])
    dbg.ok("configurationDone")
    code = "int[] small = new int[1];\ntry { small[2] = 1; } catch (RuntimeException e) { }\nsmall[3] = 1;"
    dbg.dump(code)
    msg_id = kc.execute(code)
    stopped = dbg.event("stopped")
    assert stopped["body"]["reason"] == "exception"
    assert "ArrayIndexOutOfBounds" in stopped["body"]["text"]
    assert dbg.top_frame(stopped["body"]["threadId"])["line"] == 3  # the caught one on line 2 did not stop
    dbg.ok("continue", threadId=stopped["body"]["threadId"])
    assert reply_to(kc, msg_id)["content"]["ename"].endswith("ArrayIndexOutOfBoundsException")


def test_shutdown_while_paused_ends_cleanly():
    km, kc = start()
    dbg = Debugger(kc)
    dbg.start()
    paused_in(dbg, kc, SPIN_CELL, [(SPIN_CELL, [3])])
    process = km.provisioner.process
    started = time.monotonic()
    kc.shutdown()
    process.wait(timeout=15)  # on its own: jupyter_client would kill it only after 5 s more
    assert time.monotonic() - started < 8
    kc.stop_channels()
    km.cleanup_resources()


# --- the reference: ipykernel + debugpy answering the same conversation ---

IGNORED_REFERENCE_KEYS = {"presentationHint", "preserveFocusHint"}


def keys(obj):
    return set(obj) - IGNORED_REFERENCE_KEYS


def conversation(kernel_name, code, setup, line, expression):
    km, kc = start(kernel_name)
    dbg = Debugger(kc)
    shapes = {}
    try:
        shapes["debugInfo"] = dbg.request("debugInfo")
        shapes["initialize"] = dbg.request("initialize", clientID="jupyterlab", adapterID=kernel_name,
                                           pathFormat="path", linesStartAt1=True, columnsStartAt1=True,
                                           supportsVariableType=True, supportsVariablePaging=True)
        shapes["attach"] = dbg.request("attach")
        if setup:
            run(kc, setup)
        shapes["dumpCell"] = dbg.request("dumpCell", code=code)
        path = shapes["dumpCell"]["body"]["sourcePath"]
        shapes["setBreakpoints"] = dbg.request("setBreakpoints", source={"path": path}, breakpoints=[{"line": line}],
                                               sourceModified=False)
        shapes["configurationDone"] = dbg.request("configurationDone")
        msg_id = kc.execute(code)
        shapes["stopped"] = dbg.event("stopped")
        thread = shapes["stopped"]["body"]["threadId"]
        shapes["stackTrace"] = dbg.request("stackTrace", threadId=thread)
        frame = shapes["stackTrace"]["body"]["stackFrames"][0]["id"]
        shapes["scopes"] = dbg.request("scopes", frameId=frame)
        globals_ref = [s for s in shapes["scopes"]["body"]["scopes"] if s["name"] == "Globals"][0]["variablesReference"]
        shapes["variables"] = dbg.request("variables", variablesReference=globals_ref)
        shapes["evaluate"] = dbg.request("evaluate", expression=expression, frameId=frame, context="repl")
        shapes["continue"] = dbg.request("continue", threadId=thread)
        shapes["continued"] = dbg.event("continued")
        reply_to(kc, msg_id)
        shapes["inspectVariables"] = dbg.request("inspectVariables")
        shapes["richInspectVariables"] = dbg.request("richInspectVariables", variableName="a")
        shapes["disconnect"] = dbg.request("disconnect", restart=False, terminateDebuggee=False)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return shapes


def python_kernel_available():
    try:
        import debugpy  # noqa: F401
        import ipykernel  # noqa: F401
    except ImportError:
        return False
    return "python3" in KernelSpecManager().find_kernel_specs()


@pytest.mark.skipif(not python_kernel_available(), reason="needs python3-ipykernel and python3-debugpy")
def test_message_shapes_match_ipykernel():
    ours = conversation("java-debug", "int a = 3;\nint b = a * 2;\nSystem.out.println(b);", None, 2, "a * 10 + 1")
    ref = conversation("python3", "a = 3\nb = a * 2\nprint(b)", None, 2, "a * 10 + 1")

    for command, reply in ref.items():
        mine = ours[command]
        # what JupyterLab reads of every reply and event
        assert keys(reply) - {"seq", "sequence_seq"} <= keys(mine), (command, reply, mine)
        assert mine.get("success", True) is True, (command, mine)
        if "body" in reply and command != "initialize":  # capabilities are each adapter's own
            assert keys(reply["body"]) <= keys(mine["body"]), (command, reply["body"], mine["body"])
    assert "exceptionBreakpointFilters" in ours["initialize"]["body"]

    for name in ("stackFrames",):
        assert keys(ref["stackTrace"]["body"][name][0]) <= keys(ours["stackTrace"]["body"][name][0])
        assert keys(ref["stackTrace"]["body"][name][0]["source"]) <= keys(ours["stackTrace"]["body"][name][0]["source"])
    assert keys(ref["setBreakpoints"]["body"]["breakpoints"][0]) <= keys(ours["setBreakpoints"]["body"]["breakpoints"][0])
    for list_name, command in (("scopes", "scopes"), ("variables", "variables"), ("variables", "inspectVariables")):
        ref_item = ref[command]["body"][list_name][-1]
        assert keys(ref_item) <= keys(ours[command]["body"][list_name][-1]), (command, ref_item)
    assert ref["evaluate"]["body"]["result"] == ours["evaluate"]["body"]["result"] == "31"
    assert [s["name"] for s in ours["scopes"]["body"]["scopes"]] == [s["name"] for s in ref["scopes"]["body"]["scopes"]]
    assert ours["stopped"]["body"]["reason"] == ref["stopped"]["body"]["reason"] == "breakpoint"
    assert ours["stackTrace"]["body"]["stackFrames"][0]["line"] == ref["stackTrace"]["body"]["stackFrames"][0]["line"] == 2

    # same hash method and seed: one cell text gets one file name in both kernels, as in the front end
    for name in ("hashMethod", "hashSeed"):
        assert ours["debugInfo"]["body"][name] == ref["debugInfo"]["body"][name]
    info = ours["debugInfo"]["body"]
    java_cell = "int a = 3;\nint b = a * 2;\nSystem.out.println(b);"
    assert ours["dumpCell"]["body"]["sourcePath"] == (
        f"{info['tmpFilePrefix']}{murmur2(java_cell, info['hashSeed'])}{info['tmpFileSuffix']}")
    ref_info = ref["debugInfo"]["body"]
    python_cell = "a = 3\nb = a * 2\nprint(b)"
    assert ref["dumpCell"]["body"]["sourcePath"] == (
        f"{ref_info['tmpFilePrefix']}{murmur2(python_cell, ref_info['hashSeed'])}{ref_info['tmpFileSuffix']}")


# --- stepping from one top-level statement of a cell to the next (each is a JShell snippet on its own thread) ---

STATEMENTS = "int a = 1;\nint b = a + 1;\nSystem.out.println(b);"


def test_next_goes_on_to_the_next_statement_of_the_cell(java):
    km, kc, dbg = java
    dbg.start()
    path, _ = dbg.breakpoints(STATEMENTS, 2)  # none on line 3
    dbg.ok("configurationDone")
    run(kc, "1 + 1")
    # idle for a moment: the javac warm-up's throwaway JShell, in the kernel's JVM, names its classes REPL.$JShell$N
    # too; the step must stop in the cell's class, not in the warm-up's class of the same name
    time.sleep(3)
    msg_id = kc.execute(STATEMENTS)
    first = dbg.event("stopped")["body"]["threadId"]
    assert dbg.top_frame(first)["line"] == 2
    dbg.ok("next", threadId=first)
    stopped = dbg.event("stopped")["body"]
    assert stopped["reason"] == "step"
    thread = stopped["threadId"]
    assert dbg.ok("debugInfo")["stoppedThreads"] == [thread]
    frame = dbg.top_frame(thread)
    assert (frame["line"], frame["source"]["path"]) == (3, path)
    globals_ = dbg.scope(frame["id"], "Globals")
    assert globals_["a"]["value"] == "1" and globals_["b"]["value"] == "2"
    assert stdout_of(kc, msg_id, timeout=1) == ""  # line 3 has not run
    dbg.ok("continue", threadId=thread)
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"
    assert stdout_of(kc, msg_id).strip() == "2"


def test_step_into_goes_on_to_the_next_statement_and_out_of_a_method(java):
    km, kc, dbg = java
    dbg.start()
    run(kc, TWICE)
    path, _ = dbg.breakpoints(USE_TWICE, 1)
    dbg.ok("configurationDone")
    msg_id = kc.execute(USE_TWICE)
    first = dbg.event("stopped")["body"]["threadId"]
    assert dbg.top_frame(first)["line"] == 1
    # line 1 calls nothing: step into goes on to line 2, the next statement, on its own thread
    dbg.ok("stepIn", threadId=first)
    stopped = dbg.event("stopped")["body"]
    assert stopped["reason"] == "step" and stopped["threadId"] != first
    second = stopped["threadId"]
    frame = dbg.top_frame(second)
    assert (frame["line"], frame["source"]["path"]) == (2, path)
    assert dbg.scope(frame["id"], "Globals")["a"]["value"] == "3"
    # line 2 calls twice, declared in an earlier cell: into it, and out again into the calling cell
    dbg.ok("stepIn", threadId=second)
    dbg.event("stopped")
    frames = dbg.ok("stackTrace", threadId=second)["stackFrames"]
    assert frames[0]["name"].startswith("twice") and frames[0]["source"]["path"] == dbg.dump(TWICE)
    dbg.ok("stepOut", threadId=second)
    assert dbg.event("stopped")["body"]["threadId"] == second
    assert (dbg.top_frame(second)["line"], dbg.top_frame(second)["source"]["path"]) == (2, path)
    # the rest of line 2 (b = twice's result), then line 3 on the next thread
    dbg.ok("next", threadId=second)
    third = dbg.event("stopped")["body"]["threadId"]
    assert third != second
    frame = dbg.top_frame(third)
    assert frame["line"] == 3
    assert dbg.scope(frame["id"], "Globals")["b"]["value"] == "6"
    dbg.ok("continue", threadId=third)
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"
    assert stdout_of(kc, msg_id).strip() == "x6"


def test_step_off_the_last_statement_ends_the_step(java):
    km, kc, dbg = java
    dbg.start()
    dbg.breakpoints(STATEMENTS, 3)
    dbg.ok("configurationDone")
    msg_id = kc.execute(STATEMENTS)
    thread = dbg.event("stopped")["body"]["threadId"]
    assert dbg.top_frame(thread)["line"] == 3
    dbg.ok("next", threadId=thread)
    out, events = run_on(kc, dbg, msg_id)
    assert out.strip() == "2"
    assert [(e["event"], e["body"]["threadId"]) for e in events] == [("continued", thread)]
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"
    # the step ended with the cell: the same cell again, without breakpoints, runs through
    dbg.breakpoints(STATEMENTS)
    msg_id = kc.execute(STATEMENTS)
    out, events = run_on(kc, dbg, msg_id)
    assert out.strip() == "2" and events == []
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"
    assert dbg.ok("debugInfo")["stoppedThreads"] == []


def test_step_out_of_a_statement_and_continue_let_the_cell_run_on(java):
    km, kc, dbg = java
    dbg.start()
    code = "int a = 1;\nint b = a + 1;\nint c = b + 1;\nSystem.out.println(c);"
    dbg.breakpoints(code, 1)
    dbg.ok("configurationDone")
    msg_id = kc.execute(code)
    thread = dbg.event("stopped")["body"]["threadId"]
    # step out of the cell's own code: nothing to return to in the cell, so it runs on
    dbg.ok("stepOut", threadId=thread)
    out, events = run_on(kc, dbg, msg_id)
    assert out.strip() == "3"
    assert [(e["event"], e["body"]["threadId"]) for e in events] == [("continued", thread)]
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"
    assert dbg.ok("debugInfo")["stoppedThreads"] == []


# --- copyToGlobals: JupyterLab's "Copy Variable to Globals" on a paused frame's local ---

def test_copy_to_globals_declares_the_local_with_its_static_type(java):
    km, kc, dbg = java
    info = dbg.start()
    assert info["copyToGlobals"] is True  # what JupyterLab reads to offer "Copy Variable to Globals"
    run(kc, "record Point(int x, int y) { }")
    code = ("for (int i = 7; i < 8; i++) {\n"
            "    java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(\"a\"));\n"
            "    Point p = new Point(1, 2);\n"
            "    System.out.println(p.x());\n"
            "}")
    msg_id, stopped = paused_in(dbg, kc, code, [(code, [4])])
    thread = stopped["body"]["threadId"]
    frame = dbg.top_frame(thread)["id"]

    copied = dbg.ok("copyToGlobals", srcVariableName="i", dstVariableName="k", srcFrameId=frame)
    assert copied["value"] == "7" and copied["type"] == "int"
    assert "when the paused cell" in copied["message"]
    dbg.ok("copyToGlobals", srcVariableName="names", dstVariableName="names", srcFrameId=frame)
    dbg.ok("copyToGlobals", srcVariableName="p", dstVariableName="p", srcFrameId=frame)
    # the variables panel lists them at once, as JupyterLab asks for the scopes again after the copy
    globals_ = dbg.scope(frame, "Globals")
    assert globals_["k"]["value"] == "7" and "p" in globals_ and "names" in globals_

    bad_name = dbg.request("copyToGlobals", srcVariableName="i", dstVariableName="1k", srcFrameId=frame)
    assert bad_name["success"] is False and "Java identifier" in bad_name["message"]
    keyword = dbg.request("copyToGlobals", srcVariableName="i", dstVariableName="class", srcFrameId=frame)
    assert keyword["success"] is False and "not a keyword" in keyword["message"]
    no_local = dbg.request("copyToGlobals", srcVariableName="nope", dstVariableName="nope", srcFrameId=frame)
    assert no_local["success"] is False and "no variable 'nope'" in no_local["message"]
    assert "names" in no_local["message"]  # it lists what the frame has
    no_frame = dbg.request("copyToGlobals", srcVariableName="i", dstVariableName="k2", srcFrameId=9999)
    assert no_frame["success"] is False and "stackTrace" in no_frame["message"]
    missing = dbg.request("copyToGlobals", srcVariableName="i")
    assert missing["success"] is False and "dstVariableName" in missing["message"]

    dbg.ok("continue", threadId=thread)
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"
    assert stdout_of(kc, msg_id).strip() == "1"
    # the next cell uses them with their static types: names is a List<String> (List.of assigns to it, get(0) is a
    # String), p a Point, k an int; the values are the paused frame's
    use = 'names = java.util.List.of(names.get(0) + "b");\nString first = names.get(0);\nint sum = p.x() + p.y() + k;\nSystem.out.println(first + " " + sum);'
    msg_id = kc.execute(use)
    reply = reply_to(kc, msg_id)["content"]
    assert reply["status"] == "ok", reply
    assert stdout_of(kc, msg_id).strip() == "ab 10"
    variables = {v["name"]: v for v in dbg.ok("inspectVariables")["variables"]}
    assert variables["k"]["type"] == "int" and variables["k"]["value"] == "7"
    assert variables["sum"]["value"] == "10"
    # no cell paused: nothing to copy from
    assert dbg.request("copyToGlobals", srcVariableName="i", dstVariableName="k", srcFrameId=frame)["success"] is False


def test_breakpoints_sent_again_while_the_cell_runs_keep_its_later_statements(java):
    """JupyterLab sends dumpCell, debugInfo and setBreakpoints for a cell again while it runs on between two of its
    snippets: a breakpoint on a statement whose snippet is not compiled yet must stay (it used to be refused as a
    line without code, so the cell ran past it)."""
    km, kc, dbg = java
    dbg.start()
    path, bps = dbg.breakpoints(STATEMENTS, 2, 3)
    assert [b["verified"] for b in bps] == [True, True]
    dbg.ok("configurationDone")
    msg_id = kc.execute(STATEMENTS)
    thread = dbg.event("stopped")["body"]["threadId"]
    assert dbg.top_frame(thread)["line"] == 2
    dbg.ok("debugInfo")
    _, again = dbg.breakpoints(STATEMENTS, 2, 3)
    assert [b["verified"] for b in again] == [True, True], again
    dbg.ok("continue", threadId=thread)
    stopped = dbg.event("stopped")["body"]
    assert stopped["reason"] == "breakpoint"
    assert dbg.top_frame(stopped["threadId"])["line"] == 3
    dbg.ok("continue", threadId=stopped["threadId"])
    assert reply_to(kc, msg_id)["content"]["status"] == "ok"
