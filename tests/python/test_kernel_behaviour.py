"""What jupyter_kernel_test does not check, driven with jupyter_client's BlockingKernelClient.

Interrupts that really stop a cell, and guard rails: System.exit, OutOfMemoryError and StackOverflowError
end the cell and the kernel lives on with its state; 10 MB of output arrives complete; stdin through
input_request; silent, store_history, stop_on_error and history. One kernel ("java-guard", 1 GB heap)
serves the module, so every test also checks that the kernel survived the ones before it.
"""
import time
from queue import Empty

import pytest

from conftest import GUARD_HEAP_MB

INTERRUPT_DEADLINE_S = 1.0


class Run:
    """A finished execute request: its reply content and the IOPub messages it caused."""

    def __init__(self, reply, messages):
        self.reply = reply
        self.messages = messages

    @property
    def status(self):
        return self.reply["status"]

    def of_type(self, msg_type):
        return [m for m in self.messages if m["msg_type"] == msg_type]

    def stdout(self):
        return "".join(m["content"]["text"] for m in self.of_type("stream") if m["content"]["name"] == "stdout")

    def result(self):
        results = self.of_type("execute_result")
        return results[-1]["content"]["data"].get("text/plain") if results else None

    def error(self):
        errors = self.of_type("error")
        return errors[-1]["content"] if errors else None

    def describe(self):
        err = self.error()
        return f"status={self.status} error={err and (err['ename'], err['evalue'])} stdout={self.stdout()[:300]!r}"


def collect(kc, msg_id, timeout):
    """IOPub messages of msg_id until its idle status, then its execute_reply."""
    deadline = time.monotonic() + timeout
    messages = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no idle status within {timeout} s; got {[m['msg_type'] for m in messages]}")
        try:
            msg = kc.get_iopub_msg(timeout=min(remaining, 1))
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        messages.append(msg)
    return Run(shell_reply(kc, msg_id, max(1, deadline - time.monotonic())), messages)


def shell_reply(kc, msg_id, timeout):
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]


def execute(kc, code, timeout=30, **kwargs):
    return collect(kc, kc.execute(code, **kwargs), timeout)


def check_alive(km, kc, expect_state=None):
    assert km.is_alive(), "the kernel process died"
    run = execute(kc, "1+1")
    assert run.status == "ok" and run.result() == "2", run.describe()
    if expect_state:
        code, value = expect_state
        run = execute(kc, code)
        assert run.result() == value, f"state lost: {code} -> {run.describe()}"


def test_jvm_opt_from_install_reaches_the_kernel(guard_kernel):
    km, kc = guard_kernel
    run = execute(kc, "Runtime.getRuntime().maxMemory() / (1024 * 1024)", timeout=60)
    assert run.status == "ok", run.describe()
    assert GUARD_HEAP_MB * 0.8 <= int(run.result()) <= GUARD_HEAP_MB, run.result()


def interrupt_and_time(km, kc, code):
    """Starts code, interrupts it once it runs; returns (seconds from interrupt to reply, Run)."""
    msg_id = kc.execute(code)
    deadline = time.monotonic() + 30
    while True:  # wait until the cell runs (busy), then a little longer so it is deep in its loop
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status":
            assert msg["content"]["execution_state"] == "busy"
            break
    time.sleep(0.5)
    t0 = time.monotonic()
    km.interrupt_kernel()  # interrupt_mode "message": interrupt_request on the control channel
    reply = shell_reply(kc, msg_id, 30)
    elapsed = time.monotonic() - t0
    return elapsed, reply, collect_rest(kc, msg_id)


def collect_rest(kc, msg_id):
    messages = []
    try:
        while True:
            msg = kc.get_iopub_msg(timeout=2)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return messages
            messages.append(msg)
    except Empty:
        return messages


@pytest.mark.parametrize("setup, code", [
    (None, "while (true) {}"),
    (None, "Thread.sleep(60000);"),
    ("long spin(long n) { long s = 0; while (true) { s += n; if (s == 42) break; } return s; }", "spin(0)"),
    (None, "for (long i = 0; ; i++) { Math.sqrt(i); }"),
], ids=["busy-loop", "sleep", "loop-in-user-method", "for-loop"])
def test_interrupt_stops_the_cell_within_a_second_and_keeps_state(guard_kernel, setup, code):
    km, kc = guard_kernel
    assert execute(kc, "int kept = 42;").status == "ok"
    if setup:
        run = execute(kc, setup)
        assert run.status == "ok", run.describe()
    elapsed, reply, messages = interrupt_and_time(km, kc, code)
    assert reply["status"] == "error", reply
    assert elapsed <= INTERRUPT_DEADLINE_S, f"took {elapsed:.2f} s to stop after interrupt_request"
    errors = [m for m in messages if m["msg_type"] == "error"]
    assert errors and "interrupt" in (errors[0]["content"]["ename"] + errors[0]["content"]["evalue"]).lower(), \
        f"the user should see the cell was interrupted: {[m['content'] for m in errors]}"
    check_alive(km, kc, expect_state=("kept", "42"))


def test_system_exit_ends_the_cell_not_the_kernel(guard_kernel):
    km, kc = guard_kernel
    assert execute(kc, 'String survivor = "still here";').status == "ok"
    run = execute(kc, 'System.out.println("before exit"); System.exit(3); System.out.println("after exit");')
    assert run.status == "error", run.describe()
    assert "before exit" in run.stdout() and "after exit" not in run.stdout()
    err = run.error()
    text = (err["ename"] + " " + err["evalue"] + " " + "\n".join(err["traceback"])).lower()
    assert "exit" in text and "3" in text, f"the message should say System.exit(3) was stopped: {err}"
    check_alive(km, kc)
    run = execute(kc, "survivor")
    assert run.status == "ok" and "still here" in run.result(), run.describe()


def test_out_of_memory_ends_the_cell_and_the_kernel_recovers(guard_kernel):
    km, kc = guard_kernel
    run = execute(kc, "{ var hog = new java.util.ArrayList<long[]>(); while (true) hog.add(new long[16_000_000]); }",
                  timeout=120)
    assert run.status == "error", run.describe()
    assert "OutOfMemoryError" in run.error()["ename"] + run.error()["evalue"], run.describe()
    check_alive(km, kc)
    run = execute(kc, "new long[32_000_000].length")  # 256 MB: the heap is usable again
    assert run.status == "ok" and run.result() == "32000000", run.describe()


def test_stack_overflow_ends_the_cell_and_the_kernel_lives(guard_kernel):
    km, kc = guard_kernel
    assert execute(kc, "int down(int n) { return down(n + 1) + 1; }").status == "ok"
    run = execute(kc, "down(0)", timeout=60)
    assert run.status == "error", run.describe()
    err = run.error()
    assert "StackOverflowError" in err["ename"] + err["evalue"], run.describe()
    assert any("down" in line for line in err["traceback"]), "the user's method shows in the traceback"
    check_alive(km, kc)


def test_ten_megabytes_of_output_arrive_complete(guard_kernel):
    km, kc = guard_kernel
    lines = 100_000  # each line is 99 characters + newline: 10,000,000 characters in all
    code = ('String pad = "x".repeat(90);\n'
            f'for (int i = 0; i < {lines}; i++) System.out.println(String.format("%09d", i) + pad);')
    t0 = time.monotonic()
    run = execute(kc, code, timeout=180)
    elapsed = time.monotonic() - t0
    assert run.status == "ok", run.describe()
    out = run.stdout()
    assert len(out) == lines * 100, f"got {len(out)} characters of {lines * 100}"
    got = out.splitlines()
    assert len(got) == lines
    assert all(line[:9] == f"{i:09d}" and len(line) == 99 for i, line in enumerate(got)), "lines lost or out of order"
    print(f"10 MB of output in {elapsed:.1f} s")
    t0 = time.monotonic()
    check_alive(km, kc)
    assert time.monotonic() - t0 < 5, "the kernel stays responsive after a flood of output"


def test_stdin_reads_become_input_requests(guard_kernel):
    km, kc = guard_kernel
    msg_id = kc.execute('String line = new java.util.Scanner(System.in).nextLine();\n'
                        'System.out.println("got [" + line + "]");', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=30)
    assert request["msg_type"] == "input_request"
    assert request["parent_header"]["msg_id"] == msg_id
    kc.input("hello from the front end")
    run = collect(kc, msg_id, 30)
    assert run.status == "ok", run.describe()
    assert "got [hello from the front end]" in run.stdout()
    run = execute(kc, "line")
    assert run.result() == '"hello from the front end"' or "hello from the front end" in run.result()


@pytest.mark.parametrize("reply_content", [{"value": ["not", "text"]}, "not JSON at all"], ids=["array", "not-json"])
def test_a_malformed_input_reply_ends_the_read_with_an_error(guard_kernel, reply_content):
    km, kc = guard_kernel
    msg_id = kc.execute("new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine()", allow_stdin=True)
    request = kc.get_stdin_msg(timeout=30)
    assert request["msg_type"] == "input_request"
    # the front end has answered (and closed its input box): the cell must not wait for another reply
    kc.session.send(kc.stdin_channel.socket, "input_reply", reply_content, parent=request["header"])
    run = collect(kc, msg_id, 15)
    assert run.status == "error", run.describe()
    err = run.error()
    assert "input_reply" in err["ename"] + " " + err["evalue"] + " " + "\n".join(err["traceback"]), err
    check_alive(km, kc)


def test_stdin_without_allow_stdin_fails_fast(guard_kernel):
    km, kc = guard_kernel
    run = execute(kc, "new java.util.Scanner(System.in).nextLine()", timeout=15, allow_stdin=False)
    assert run.status == "error", "a read with no front end to answer must end the cell, not hang it"
    check_alive(km, kc)


def execution_count(kc):
    run = execute(kc, "0")
    assert run.status == "ok"
    return run.reply["execution_count"]


def test_silent_runs_code_without_output_or_count(guard_kernel):
    km, kc = guard_kernel
    before = execution_count(kc)
    run = execute(kc, 'int quiet = 5; System.out.println("shh"); quiet * 2', silent=True)
    assert run.status == "ok", run.describe()
    types = {m["msg_type"] for m in run.messages}
    assert "execute_input" not in types and "execute_result" not in types, types
    assert execution_count(kc) == before + 1, "a silent cell does not advance the execution count"
    assert execute(kc, "quiet").result() == "5", "silent code still ran"


def test_store_history_false_neither_counts_nor_records(guard_kernel):
    km, kc = guard_kernel
    before = execution_count(kc)
    run = execute(kc, "40 + 2 // not stored", store_history=False)
    assert run.status == "ok" and run.result() == "42", run.describe()
    assert execution_count(kc) == before + 1
    history = history_tail(kc, 20)
    assert not any("not stored" in h[2] for h in history), history


def history_tail(kc, n):
    msg_id = kc.history(hist_access_type="tail", n=n, output=False, raw=True)
    return shell_reply(kc, msg_id, 10)["history"]


def test_history_reply_arrives_with_the_session_cells(guard_kernel):
    km, kc = guard_kernel
    assert execute(kc, 'String remembered = "h1";').status == "ok"
    history = history_tail(kc, 5)
    assert history and history[-1][2] == 'String remembered = "h1";', history
    msg_id = kc.history(hist_access_type="search", pattern="String remembered*", n=10, output=False, raw=True)
    found = shell_reply(kc, msg_id, 10)["history"]
    assert [h[2] for h in found] == ['String remembered = "h1";'], found


def test_stop_on_error_aborts_queued_cells(guard_kernel):
    km, kc = guard_kernel
    # the failing cell runs long enough that the next request is surely queued behind it, even on a busy machine
    failing = kc.execute('Thread.sleep(500); throw new RuntimeException("first fails");')
    queued = kc.execute('String ranAnyway = "yes";')
    assert collect(kc, failing, 30).status == "error"
    assert shell_reply(kc, queued, 30)["status"] == "aborted"
    run = execute(kc, "ranAnyway")
    assert run.status == "error", "the aborted cell must not have run"
    # without stop_on_error the queue goes on
    failing = kc.execute('throw new RuntimeException("fails quietly");', stop_on_error=False)
    queued = kc.execute('String ranAfter = "yes";')
    assert collect(kc, failing, 30).status == "error"
    assert collect(kc, queued, 30).status == "ok"


def test_panel_comms_answer_while_a_cell_runs(guard_kernel):
    """The devices and endpoints panels stay live during a long cell (training, say): their comms are served
    beside the shell queue. Opened here as JupyterLab opens them."""
    km, kc = guard_kernel
    running = kc.execute("Thread.sleep(4000);")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # wait until the cell is really running
        msg = kc.get_iopub_msg(timeout=10)
        if msg["parent_header"].get("msg_id") == running and msg["msg_type"] == "execute_input":
            break
    opened_at = time.monotonic()
    for comm_id, target in (("panel-endpoints", "djl.endpoints"), ("panel-devices", "djl.devices")):
        kc.shell_channel.send(kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": target, "data": {}}))
    answered = {}
    while len(answered) < 2 and time.monotonic() < opened_at + 3:
        try:
            msg = kc.get_iopub_msg(timeout=0.5)
        except Empty:
            continue
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] in ("panel-endpoints", "panel-devices"):
            answered.setdefault(msg["content"]["comm_id"], (time.monotonic() - opened_at, msg["content"]["data"]))
    assert set(answered) == {"panel-endpoints", "panel-devices"}, f"answered: {answered}"
    assert answered["panel-endpoints"][1] == {"endpoints": []}
    assert "devices" in answered["panel-devices"][1] and "host" in answered["panel-devices"][1]
    assert max(t for t, _ in answered.values()) < 2.5, answered  # long before the 4 s cell ends
    reply = shell_reply(kc, running, 20)
    assert reply["status"] == "ok"
    for comm_id in ("panel-endpoints", "panel-devices"):
        kc.shell_channel.send(kc.session.msg("comm_close", {"comm_id": comm_id, "data": {}}))


def usage(kc):
    """A usage_request on the control channel, as JupyterLab's resource panel sends it."""
    msg = kc.session.msg("usage_request", {})
    kc.control_channel.send(msg)
    deadline = time.monotonic() + 10
    while True:
        reply = kc.get_control_msg(timeout=max(0.01, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            return reply["content"]


def test_everyday_cells_compile_in_one_task_and_declarations_go_through_jshell(guard_kernel):
    """The installed kernel (its jar manifest opens javac's task pool) compiles a cell of statements in one task;
    a method goes through JShell and still sees that cell's variables."""
    km, kc = guard_kernel
    cell = "var ordered = new ArrayList<Integer>(List.of(3, 1, 2));\nCollections.sort(ordered);\nordered"
    check_alive(km, kc)  # the interpreter is ready: its fields are in the usage reply
    deadline = time.monotonic() + 30
    while True:  # the one-task compiler warms up after start: until then cells go through JShell
        before = usage(kc)["cells_compiled"]
        run = execute(kc, cell)
        assert run.status == "ok" and run.result() == "[1, 2, 3]", run.describe()
        after = usage(kc)["cells_compiled"]
        if after["in_one_task"] == before["in_one_task"] + 1:
            break
        assert time.monotonic() < deadline, f"no cell compiled in one task: {after}"
        time.sleep(0.5)
    run = execute(kc, "int twiceOf(int v) { return 2 * v; }\ntwiceOf(ordered.get(2))")
    assert run.status == "ok" and run.result() == "6", run.describe()
    assert usage(kc)["cells_compiled"]["through_jshell"] == after["through_jshell"] + 1
    run = execute(kc, "ordered.add(10);\ntwiceOf(ordered.get(3))")
    assert run.status == "ok" and run.result() == "20", run.describe()
    assert usage(kc)["cells_compiled"]["in_one_task"] == after["in_one_task"] + 1
    run = execute(kc, "var missing = (String) null;\nmissing.length()")
    assert run.status == "error" and run.error()["ename"] == "java.lang.NullPointerException", run.describe()
    assert any("cell (line 2)" in line for line in run.error()["traceback"]), run.error()["traceback"]


def test_package_names_complete_once_the_session_is_ready(guard_kernel):
    """JShell's index of the class path (package names for completion) is held back while the kernel starts, so that
    it does not take a core from the start-up the first cell waits for; then it is built, and completes packages of
    the JDK and of the kernel's jars."""
    km, kc = guard_kernel
    check_alive(km, kc)
    wanted = {"import java.util.concu": "concurrent.", "import ai.djl.ndar": "ndarray."}
    deadline = time.monotonic() + 60
    for code, match in wanted.items():
        while True:
            msg_id = kc.complete(code, len(code))
            reply = shell_reply(kc, msg_id, 30)
            assert reply["status"] == "ok", reply
            if match in reply["matches"]:
                break
            assert time.monotonic() < deadline, f"{code!r} never completed to {match!r}: {reply['matches']}"
            time.sleep(0.5)
