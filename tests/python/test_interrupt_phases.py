"""An interrupt reaches the cell whatever phase it is in, driven with jupyter_client as a front end does.

Phases: waiting for the interpreter to start (the first cell right after kernel start), compiling a long cell,
a static initialiser that spins, running, and %maven waiting on a repository that never answers. Each interrupted
cell must answer execute_reply status "error", ename "Interrupted", within REPLY_DEADLINE_S of the
interrupt_request, and the kernel must answer 1+1 afterwards.

Between cells the kernel does what ipykernel does with SIGINT: an interrupt while idle is dropped, and an
interrupt aimed at a running cell does not stop the cell queued behind it.

Start-up is slowed for some tests with the test-only system property djl.kernel.test.startupDelayMs (through
JAVA_TOOL_OPTIONS) so the window is wide on any machine; a plain start is tested too.
"""
import http.server
import os
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty

import pytest
from jupyter_client.manager import start_new_kernel

REPLY_DEADLINE_S = 2.0
SPIN = "long spin = 0; while (true) { spin++; }"


def start_kernel(**java_props):
    env = dict(os.environ)
    if java_props:
        env["JAVA_TOOL_OPTIONS"] = " ".join(f"-D{k}={v}" for k, v in java_props.items())
    return start_new_kernel(kernel_name="java", startup_timeout=60, env=env)


def stop_kernel(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=True)


@pytest.fixture
def kernel_factory():
    started = []

    def make(**java_props):
        km, kc = start_kernel(**java_props)
        started.append((km, kc))
        return km, kc

    yield make
    for km, kc in started:
        stop_kernel(km, kc)


def wait_for_iopub(kc, msg_id, msg_type, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no {msg_type} for {msg_id} within {timeout} s")
        try:
            msg = kc.get_iopub_msg(timeout=min(remaining, 1))
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == msg_type:
            return msg


def shell_reply(kc, msg_id, timeout):
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no execute_reply within {timeout} s")
        try:
            msg = kc.get_shell_msg(timeout=remaining)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]


def interrupt_after(km, kc, code, delay_s, **execute_args):
    """Runs code, interrupts delay_s after its execute_input; returns (seconds interrupt -> reply, reply)."""
    msg_id = kc.execute(code, **execute_args)
    wait_for_iopub(kc, msg_id, "execute_input")
    time.sleep(delay_s)
    t0 = time.monotonic()
    km.interrupt_kernel()
    try:
        reply = shell_reply(kc, msg_id, 30)
    except TimeoutError:
        pytest.fail(f"no reply 30 s after an interrupt sent {delay_s} s after execute_input: the interrupt was lost")
    return time.monotonic() - t0, reply


def assert_interrupted(elapsed, reply, what):
    assert reply["status"] == "error", f"{what}: {reply}"
    assert reply["ename"] == "Interrupted", f"{what}: {reply['ename']}: {reply.get('evalue')}"
    assert elapsed <= REPLY_DEADLINE_S, f"{what}: the reply came {elapsed:.2f} s after interrupt_request"


def assert_answers(kc, code="1+1", expected="2", timeout=60):
    msg_id = kc.execute(code)
    reply = shell_reply(kc, msg_id, timeout)
    assert reply["status"] == "ok", reply
    result = wait_for_iopub(kc, msg_id, "execute_result", timeout=5)
    assert result["content"]["data"]["text/plain"] == expected


def test_interrupts_while_the_first_cells_wait_for_a_slow_start_up(kernel_factory):
    # start-up takes 10 s more than usual: every delay below lands while the interpreter is not there yet
    km, kc = kernel_factory(**{"djl.kernel.test.startupDelayMs": 10000})
    started = time.monotonic()
    for delay in (0.0, 0.5, 1.5):
        elapsed, reply = interrupt_after(km, kc, SPIN, delay)
        assert_interrupted(elapsed, reply, f"interrupt {delay} s into the wait for start-up")
    assert time.monotonic() - started < 10, "the test meant to interrupt during start-up but start-up had ended"
    # the interrupted cells never ran: 1+1 comes once start-up ends, not stuck behind a spinning cell
    assert_answers(kc)


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.7, 1.5])
def test_interrupt_of_the_first_cell_after_a_plain_start(kernel_factory, delay):
    km, kc = kernel_factory()
    elapsed, reply = interrupt_after(km, kc, SPIN, delay)
    assert_interrupted(elapsed, reply, f"first cell interrupted {delay} s after execute_input")
    assert_answers(kc)


def test_interrupt_while_a_long_cell_compiles(kernel_factory):
    km, kc = kernel_factory()
    assert_answers(kc)
    # 400 methods: JShell compiles each as its own snippet, several seconds in all, and runs nothing
    code = "\n".join(f"int method{i}(int x) {{ return x + {i}; }}" for i in range(400))
    t0 = time.monotonic()
    elapsed, reply = interrupt_after(km, kc, code, 1.0)
    assert_interrupted(elapsed, reply, "interrupt while compiling")
    assert time.monotonic() - t0 < 6, "compilation ended before the interrupt: make the cell longer"
    assert_answers(kc)


def test_interrupt_of_a_static_initialiser_that_spins(kernel_factory):
    km, kc = kernel_factory()
    assert_answers(kc)
    code = "class Spinner { static long n; static { while (n >= 0) { n++; } } }\nnew Spinner();"
    elapsed, reply = interrupt_after(km, kc, code, 0.5)
    assert_interrupted(elapsed, reply, "interrupt in a static initialiser")
    assert_answers(kc)


def test_interrupt_of_a_running_cell(kernel_factory):
    km, kc = kernel_factory()
    assert_answers(kc, "int kept = 7;\nkept", "7")
    elapsed, reply = interrupt_after(km, kc, SPIN, 0.5)
    assert_interrupted(elapsed, reply, "interrupt while running")
    assert_answers(kc, "kept", "7")


class StallingRepository(http.server.ThreadingHTTPServer):
    """A Maven repository that accepts connections, reads the request and never answers."""
    daemon_threads = True

    def __init__(self):
        self.asked = threading.Event()
        self.release = threading.Event()
        repository = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                repository.asked.set()
                repository.release.wait(120)

            do_HEAD = do_GET

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def test_interrupt_while_maven_waits_on_a_stalled_repository(kernel_factory):
    repo = StallingRepository()
    threading.Thread(target=repo.serve_forever, daemon=True).start()
    home = Path(tempfile.mkdtemp(prefix="djl-kernel-stall-home-"))
    (home / ".m2").mkdir()
    # every repository, Maven Central included, is mirrored to the stalling server; a fresh local repository
    (home / ".m2" / "settings.xml").write_text(f"""<settings>
  <localRepository>{home / 'repository'}</localRepository>
  <mirrors><mirror><id>stall</id><mirrorOf>*</mirrorOf>
    <url>http://127.0.0.1:{repo.server_address[1]}/maven2</url></mirror></mirrors>
</settings>
""")
    try:
        km, kc = kernel_factory(**{"user.home": home})
        assert_answers(kc)
        msg_id = kc.execute("%maven org.example.stall:never-answers:1.0")
        wait_for_iopub(kc, msg_id, "execute_input")
        assert repo.asked.wait(30), "the resolver never asked the stalling repository"
        time.sleep(0.3)
        t0 = time.monotonic()
        km.interrupt_kernel()
        reply = shell_reply(kc, msg_id, 30)
        assert_interrupted(time.monotonic() - t0, reply, "interrupt while %maven waits on a repository")
        assert_answers(kc)
    finally:
        repo.release.set()
        repo.shutdown()


def test_an_interrupt_while_idle_does_not_stop_the_next_cell(kernel_factory):
    km, kc = kernel_factory()
    assert_answers(kc)
    km.interrupt_kernel()
    time.sleep(0.3)  # the interrupt has surely been handled before the next cell starts
    assert_answers(kc, 'Thread.sleep(500); "slept"', 'slept')


def test_an_interrupt_aimed_at_a_running_cell_spares_the_cell_queued_behind_it(kernel_factory):
    km, kc = kernel_factory()
    assert_answers(kc)
    # stop_on_error=False: ipykernel would otherwise abort the queued cell after the interrupted one fails
    running = kc.execute(SPIN, stop_on_error=False)
    queued = kc.execute('Thread.sleep(500); "queued ran"')
    wait_for_iopub(kc, running, "execute_input")
    time.sleep(0.5)
    km.interrupt_kernel()
    reply = shell_reply(kc, running, 10)
    assert reply["status"] == "error" and reply["ename"] == "Interrupted", reply
    reply = shell_reply(kc, queued, 30)
    assert reply["status"] == "ok", f"the queued cell was stopped by an interrupt not aimed at it: {reply}"
    result = wait_for_iopub(kc, queued, "execute_result", timeout=5)
    assert result["content"]["data"]["text/plain"] == 'queued ran'
