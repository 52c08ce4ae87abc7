#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The host half of `make run` (tests/run.sh run): a program on the host,
context 2, that the guest's `vv_demo host` talks to through the VMCI device
model.  The model's bridge (uds=PATH, tests/qemu/vmw-vmci-bridge.c) maps
host port P to the unix socket PATH_P, datagrams to PATH_P.dgram, and a
connection into the guest to "CONNECT <port>" on PATH.

It prints what it does, prefixed "host:", beside the guest's transcript;
it exits 0 once the host -> guest connection got its answer, 1 on failure
or after 120 s.

Usage: vv_demo_host.py PATH
"""

import os
import re
import socket
import sys
import threading
import time

path = sys.argv[1]
STREAM_PORT, DGRAM_PORT, INBOUND_PORT = 5000, 5001, 6000


def say(text):
    print(f"  host: {text}", flush=True)


def bound(kind, p):
    s = socket.socket(socket.AF_UNIX, kind)
    if os.path.exists(p):
        os.unlink(p)
    s.bind(p)
    return s


def stream_echo(srv):
    while True:
        c, _ = srv.accept()
        with c:
            say(f"the guest connected to port {STREAM_PORT}")
            while True:
                b = c.recv(4096)
                if not b:
                    break
                say(f"echoing {len(b)} bytes")
                c.sendall(b)


def dgram_pong(s):
    while True:
        b, sender = s.recvfrom(65536)
        m = re.search(r"\.guest_(\d+)\.dgram$", sender or "")
        port = m[1] if m else "?"
        say(f'datagram "{b.decode(errors="replace")}" from guest port {port}, '
            'replying "pong"')
        s.sendto(b"pong", sender)


def read_line(c):
    line = b""
    while not line.endswith(b"\n"):
        b = c.recv(1)
        if not b:
            break
        line += b
    return line.decode().strip()


def connect_in(deadline):
    """Connect into the guest once it listens; True when it answered."""
    msg = b"hello guest, this is the host"
    while time.time() < deadline:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            c.connect(path)
            c.sendall(f"CONNECT {INBOUND_PORT}\n".encode())
            line = read_line(c)
            if not line.startswith("OK "):
                raise OSError("not listening yet")
            say(f"connected to the guest's port {INBOUND_PORT} "
                f"from host port {line.split()[1]}")
            say(f'sending "{msg.decode()}"')
            c.sendall(msg)
            c.settimeout(30)
            answer = c.recv(4096).decode(errors="replace")
            say(f'received "{answer}", closing')
            return answer.startswith("hello host")
        except OSError:
            time.sleep(0.2)
        finally:
            c.close()
    say("the guest never listened")
    return False


def main():
    srv = bound(socket.SOCK_STREAM, f"{path}_{STREAM_PORT}")
    srv.listen(4)
    dg = bound(socket.SOCK_DGRAM, f"{path}_{DGRAM_PORT}.dgram")
    for fn, arg in ((stream_echo, srv), (dgram_pong, dg)):
        threading.Thread(target=fn, args=(arg,), daemon=True).start()
    ok = connect_in(time.time() + 120)
    sys.exit(0 if ok else 1)


main()
