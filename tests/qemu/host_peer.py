#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Host programs for the VMCI model's bridge (uds=PATH), run by tests/run.sh
beside QEMU; the guest side is tests/clients/py_vmci.py.

  PATH_5000         stream echo
  PATH_5002         sends b"bye" and closes
  PATH_5001.dgram   datagram echo (replies to the sender's address)
  PATH              connects into the guest: "CONNECT 6000\\n", then sends
                    256 KiB, checks the echo and sends "VERDICT ok\\n"
  PATH.dgram        every 0.2 s: "6001\\nhi-from-host" from PATH_5003.dgram
  PATH_5004         "CID <n>\\n": sets the device's CID at run time through
                    the QEMU monitor (qom-set), as a migration would
  PATH_5006         "SOCAT <port>\\n": the host's socat connects into the
                    guest's port through PATH and sends "hello from host
                    socat\\n"; what socat printed comes back, then "rc=<n>"
  PATH_5007         the host's socat: each connection is piped through
                    tr a-z A-Z
  PATH_5008         the bridge's controls for a guest test: one reply line
                    per command line
                      STATS          the model's "STATS ..." line
                      NOOFFER P      "CONNECT-NOOFFER P": "PENDING <port>
                                     <id>" once the guest's listener took
                                     it, or "REFUSED"
                      CONNECT P      "OK <port>" (then sends b"hello") or
                                     "REFUSED"
                      CLOSED <id> T  waits up to T s for the model to close
                                     no-offer connection <id>: "CLOSED
                                     <s after PENDING>" or "OPEN"

Usage: host_peer.py PATH LOG [MONITOR]
"""

import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time

path, logpath = sys.argv[1], sys.argv[2]
monitor = sys.argv[3] if len(sys.argv) > 3 else None
log = open(logpath, "w", buffering=1)


def say(*args):
    print(time.strftime("%H:%M:%S"), *args, file=log)


def bound(kind, p):
    """A unix socket of this kind bound to p, replacing a stale one."""
    s = socket.socket(socket.AF_UNIX, kind)
    if os.path.exists(p):
        os.unlink(p)
    s.bind(p)
    return s


def serve(port, handler):
    s = bound(socket.SOCK_STREAM, f"{path}_{port}")
    s.listen(64)

    def loop():
        while True:
            c, _ = s.accept()
            threading.Thread(target=handler, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()


def echo(c):
    n = 0
    with c:
        while True:
            b = c.recv(65536)
            if not b:
                break
            c.sendall(b)
            n += len(b)
    say("echo connection done,", n, "bytes")


def bye(c):
    with c:
        c.sendall(b"bye")


def dgram_echo():
    s = bound(socket.SOCK_DGRAM, f"{path}_5001.dgram")
    while True:
        b, addr = s.recvfrom(70000)
        say("dgram", len(b), "bytes from", addr)
        s.sendto(b, addr)


def recv_exact(c, n):
    buf = b""
    while len(buf) < n:
        b = c.recv(n - len(buf))
        if not b:
            raise EOFError(f"EOF after {len(buf)} of {n}")
        buf += b
    return buf


def connect_in():
    data = hashlib.sha256(b"vmci").digest() * (256 * 1024 // 32)
    while True:
        try:
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.connect(path)
            c.sendall(b"CONNECT 6000\n")
            line = b""
            while not line.endswith(b"\n"):
                b = c.recv(1)
                if not b:
                    raise EOFError("closed before OK")
                line += b
            say("connect-in:", line.strip())
            if not line.startswith(b"OK "):
                raise EOFError(line)
            t = threading.Thread(target=c.sendall, args=(data,), daemon=True)
            t.start()
            back = recv_exact(c, len(data))
            t.join()
            verdict = b"ok" if back == data else b"bad"
            c.sendall(b"VERDICT " + verdict + b"\n")
            say("connect-in verdict", verdict)
            c.close()
            return
        except (OSError, EOFError) as e:
            say("connect-in retry:", e)
            c.close()
            time.sleep(0.5)


def dgram_ingress():
    s = bound(socket.SOCK_DGRAM, f"{path}_5003.dgram")
    while True:
        try:
            s.sendto(b"6001\nhi-from-host", f"{path}.dgram")
        except OSError as e:
            say("ingress:", e)
        time.sleep(0.2)


def read_line(c):
    """One request line from @c, or None if it closed first."""
    line = b""
    while not line.endswith(b"\n"):
        b = c.recv(1)
        if not b:
            return None
        line += b
    return line


def set_cid(c):
    with c:
        line = read_line(c)
        if line is None:
            return
        cid = int(line.split()[1])
        m = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        m.connect(monitor)
        m.sendall(f"qom-set /machine/peripheral/vmci0 cid {cid}\n".encode())
        time.sleep(0.5)
        m.settimeout(0.5)
        try:
            reply = m.recv(65536).replace(b"\r", b"").split(b"\n")
            say("monitor:", [ln for ln in reply if b"\x1b" not in ln])
        except OSError:
            pass
        m.close()
        say("cid set to", cid)


def host_socat(c):
    with c:
        line = read_line(c)
        if line is None:
            return
        port = int(line.split()[1])
        try:
            r = subprocess.run(["socat", "-t", "10", "-", f"UNIX-CONNECT:{path}"],
                               input=f"CONNECT {port}\nhello from host socat\n".encode(),
                               capture_output=True, timeout=30)
            out, rc = r.stdout + r.stderr, r.returncode
        except (OSError, subprocess.TimeoutExpired) as e:
            out, rc = str(e).encode(), -1
        say("host socat into guest port", port, "rc", rc, out)
        c.sendall(out + f"rc={rc}\n".encode())


def socat_listener():
    p = f"{path}_5007"
    if os.path.exists(p):
        os.unlink(p)
    child = subprocess.Popen(["socat", f"UNIX-LISTEN:{p},fork", "SYSTEM:tr a-z A-Z"],
                             stdout=log, stderr=log)

    def stop(signum, frame):
        child.kill()
        sys.exit(0)
    # run.sh ends this program with SIGTERM: the listener goes with it.
    signal.signal(signal.SIGTERM, stop)


def bridge(line):
    """A connection to the bridge that sent line: (socket, reply line)."""
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(path)
    c.sendall(line)
    return c, read_line(c) or b""


def watch_close(c, t0, done):
    """Note when the model closes c (it sends nothing more)."""
    try:
        while c.recv(4096):
            pass
    except OSError:
        pass
    done.append(time.monotonic() - t0)
    c.close()


def drain(c):
    with c:
        try:
            while c.recv(65536):
                pass
        except OSError:
            pass


def controls(c):
    held = []
    with c, c.makefile("rb") as f:
        for line in f:
            cmd = line.split()
            reply = b"?"
            if cmd == [b"STATS"]:
                s, reply = bridge(b"STATS\n")
                s.close()
                reply = reply.strip()
            elif len(cmd) == 2 and cmd[0] == b"NOOFFER":
                s, reply = bridge(b"CONNECT-NOOFFER " + cmd[1] + b"\n")
                if reply.startswith(b"PENDING "):
                    done = []
                    threading.Thread(target=watch_close, daemon=True,
                                     args=(s, time.monotonic(),
                                           done)).start()
                    held.append(done)
                    reply = reply.strip() + b" %d" % (len(held) - 1)
                else:
                    s.close()
                    reply = b"REFUSED"
            elif len(cmd) == 2 and cmd[0] == b"CONNECT":
                s, reply = bridge(b"CONNECT " + cmd[1] + b"\n")
                if reply.startswith(b"OK "):
                    s.sendall(b"hello")
                    threading.Thread(target=drain, args=(s,),
                                     daemon=True).start()
                    reply = reply.strip()
                else:
                    s.close()
                    reply = b"REFUSED"
            elif len(cmd) == 3 and cmd[0] == b"CLOSED":
                done = held[int(cmd[1])]
                deadline = time.monotonic() + float(cmd[2])
                while not done and time.monotonic() < deadline:
                    time.sleep(0.05)
                reply = b"CLOSED %.2f" % done[0] if done else b"OPEN"
            say("controls:", line.strip(), "->", reply)
            c.sendall(reply + b"\n")


serve(5000, echo)
serve(5006, host_socat)
socat_listener()
serve(5008, controls)
if monitor:
    serve(5004, set_cid)
serve(5002, bye)
for fn in (dgram_echo, connect_in, dgram_ingress):
    threading.Thread(target=fn, daemon=True).start()
say("host peer up on", path)
while True:
    time.sleep(3600)
