"""Bad input on the kernel's sockets, as a buggy or hostile client sends it: signed requests whose content is
mangled (fields missing, of other JSON types, or not an object at all), unknown message types, and a raw ZeroMQ
peer declaring a frame bigger than the heap. Every request gets an answer, the kernel goes on, and the session's
state is kept."""
import json
import random
import socket
import struct
import time
from queue import Empty

from conftest import GUARD_HEAP_MB

WEIRD = [None, 0, -1, 2**31, 2**63 - 1, -2**63, 1.5, 1e308, "", "x" * 10000, "\u0000", "\ud7ff\ue000", [], [1, 2], {},
         {"a": {"b": [None]}}, True, False, "1+1", "%%%", "%maven", "/*", "\"", "\\"]
REQUESTS = {
    "execute_request": {"code": "1+1", "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
    "complete_request": {"code": "Sys", "cursor_pos": 3},
    "inspect_request": {"code": "String", "cursor_pos": 3, "detail_level": 0},
    "is_complete_request": {"code": "int x = "},
    "history_request": {"output": False, "raw": True, "hist_access_type": "tail", "n": 5},
    "kernel_info_request": {},
    "comm_info_request": {"target_name": "x"},
    "usage_request": {},
    "debug_request": {"seq": 1, "type": "request", "command": "threads", "arguments": {}},
}
# no reply is due to these: unknown types are ignored (as ipykernel does), comm messages answer on IOPub if at all
NO_REPLY = {"comm_open": {"comm_id": "c1", "target_name": "nowhere", "data": {}},
            "comm_msg": {"comm_id": "c1", "data": {}}, "made_up_request": {"x": 1}}


def mangled(rnd, content):
    c = json.loads(json.dumps(content))
    k = rnd.random()
    if k < 0.25 and c:
        c.pop(rnd.choice(list(c)))
    elif k < 0.75 and c:
        c[rnd.choice(list(c))] = rnd.choice(WEIRD)
    elif k < 0.85:
        # content that is no JSON object: a str goes out as the content frame's own bytes (maybe not JSON at all)
        weird = rnd.choice(WEIRD)
        return weird if isinstance(weird, str) else json.dumps(weird)
    else:
        c["extra"] = rnd.choice(WEIRD)
    return c


def reply_to(kc, msg_id, channel, timeout=20):
    get = kc.get_shell_msg if channel == "shell" else kc.get_control_msg
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = get(timeout=max(0.01, deadline - time.monotonic()))
        except Empty:
            return None
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg
    return None


def test_every_mangled_request_is_answered_and_the_session_goes_on(guard_kernel):
    km, kc = guard_kernel
    assert kc.execute_interactive('String kept = "before";', timeout=60)["content"]["status"] == "ok"
    rnd = random.Random(20261206)
    unanswered, not_dap = [], []
    for i in range(600):
        if rnd.random() < 0.1:
            msg_type = rnd.choice(list(NO_REPLY))
            kc.session.send(kc.shell_channel.socket, msg_type, mangled(rnd, NO_REPLY[msg_type]))
            continue
        msg_type = rnd.choice(list(REQUESTS))
        content = mangled(rnd, REQUESTS[msg_type])
        channel = "control" if msg_type == "debug_request" else "shell"
        sock = kc.control_channel.socket if channel == "control" else kc.shell_channel.socket
        msg = kc.session.send(sock, msg_type, content)
        reply = reply_to(kc, msg["header"]["msg_id"], channel)
        if reply is None:
            unanswered.append((i, msg_type, str(content)[:80]))
        elif msg_type == "debug_request" and isinstance(content, dict) and reply["content"].get("type") != "response":
            not_dap.append((i, str(content)[:80], reply["content"]))
    assert not unanswered, f"requests left without a reply: {unanswered[:5]}"
    assert not not_dap, f"debug requests (a JSON object) answered without a DAP response: {not_dap[:3]}"
    run = kc.execute_interactive("kept + \" and after\"", timeout=60)
    assert run["content"]["status"] == "ok"
    assert km.is_alive()


def zmtp_peer(port):
    """A raw ZeroMQ (ZMTP 3.0, NULL security) DEALER that has done its handshake: no signature is needed to get here."""
    peer = socket.create_connection(("127.0.0.1", port), timeout=10)
    peer.sendall(b"\xff" + b"\x00" * 8 + b"\x7f" + bytes([3, 0]) + b"NULL".ljust(20, b"\x00") + b"\x00" * 32)
    got = b""
    while len(got) < 64:
        chunk = peer.recv(64 - len(got))
        assert chunk, "the kernel closed the connection during the greeting"
        got += chunk
    name, value = b"Socket-Type", b"DEALER"
    body = b"\x05READY" + bytes([len(name)]) + name + struct.pack(">I", len(value)) + value
    peer.sendall(bytes([0x04, len(body)]) + body)
    return peer


def test_a_peer_declaring_a_frame_bigger_than_the_heap_is_dropped(guard_kernel):
    km, kc = guard_kernel
    peer = zmtp_peer(km.get_connection_info()["shell_port"])
    try:
        peer.sendall(b"\x02" + struct.pack(">Q", 2 * GUARD_HEAP_MB * 1024 * 1024) + b"x" * 100)
        peer.settimeout(10)
        closed = False
        try:
            while True:
                if not peer.recv(4096):
                    closed = True
                    break
        except ConnectionResetError:
            closed = True
        except socket.timeout:
            pass
        assert closed, "a peer declaring a frame of twice the heap must be disconnected"
    finally:
        peer.close()
    reply = kc.kernel_info(reply=True, timeout=20)
    assert reply["content"]["status"] == "ok"
    assert kc.execute_interactive("new long[16_000_000].length", timeout=60)["content"]["status"] == "ok", \
        "the heap is still the cells' (128 MB allocated)"
