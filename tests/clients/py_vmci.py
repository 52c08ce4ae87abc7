# SPDX-License-Identifier: GPL-2.0
"""AF_VSOCK over the VMCI device model, guest side: the guest's VMCI driver
and vsock transport against the model, whose host side is bridged to the
host programs of tests/qemu/host_peer.py.

Environment (tests/run.sh, from the boot's device options):
  VV_VMCI_CID   the CID the device was given
  VV_VMCI_IRQ   msix, msi or intx: the interrupt mode the driver must have
                taken
"""

import fcntl
import glob
import hashlib
import os
import select
import signal
import socket
import struct
import time

from ktap import (Skip, check, equal, raises, recv_all, recv_exact, run,
                  spawn, vsock)

HOST = 2
CID = int(os.environ.get("VV_VMCI_CID", "3"))
IRQ = os.environ.get("VV_VMCI_IRQ", "msix")
IOCTL_VM_SOCKETS_GET_LOCAL_CID = 0x7B9
SILENT = 5005   # the model's silent-port: requests there get no answer
CONTROLS = 5008  # host_peer.py: the bridge's controls (STATS, NOOFFER, ...)
ETIMEDOUT = 110
EAGAIN = 11
KERNEL = os.environ.get("VV_IMPL") == "kernel"


def vmci_device():
    for d in glob.glob("/sys/bus/pci/devices/*"):
        with open(f"{d}/vendor") as v, open(f"{d}/device") as p:
            if v.read().strip() == "0x15ad" and p.read().strip() == "0x0740":
                return d
    raise AssertionError("no 15ad:0740 device")


def test_pci_bound():
    d = vmci_device()
    drv = os.path.basename(os.readlink(f"{d}/driver"))
    equal(drv, "vmw_vmci", "driver bound to the VMCI device")


def test_irq_mode():
    with open("/proc/interrupts") as f:
        lines = [ln for ln in f if "vmw_vmci" in ln]
    check(lines, "no vmw_vmci interrupt in /proc/interrupts")
    kinds = {"MSIX" if "MSIX" in ln else "MSI" if "MSI" in ln else "INTx"
             for ln in lines}
    equal({k.upper() for k in kinds}, {IRQ.upper()}, "interrupt kind")
    if IRQ == "msix":
        check(len(lines) >= 2, f"exclusive vectors expected: {lines}")


def test_local_cid():
    with open("/dev/vsock", "rb") as f:
        buf = fcntl.ioctl(f, IOCTL_VM_SOCKETS_GET_LOCAL_CID, b"\0" * 4)
    equal(struct.unpack("I", buf)[0], CID, "IOCTL_VM_SOCKETS_GET_LOCAL_CID")


def connect(port):
    s = vsock()
    s.settimeout(30)
    s.connect((HOST, port))
    return s


class Controls:
    """The bridge's controls, through host_peer.py: a line each way."""

    def __init__(self):
        self.s = connect(CONTROLS)
        self.f = self.s.makefile("rb")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()
        self.s.close()

    def ask(self, cmd):
        self.s.sendall(cmd.encode() + b"\n")
        line = self.f.readline()
        check(line.endswith(b"\n"), f"the host closed on {cmd!r}")
        return line.decode().split()

    def stats(self):
        words = self.ask("STATS")
        equal(words[0], "STATS", "reply to STATS")
        return {k: int(v) for k, v in (w.split("=") for w in words[1:])}


_host_stats = None


def host_has_request2():
    global _host_stats
    if _host_stats is None:
        with Controls() as h:
            _host_stats = h.stats()
    return _host_stats["request2"] == 1


def test_stream_echo():
    with connect(5000) as s:
        equal(s.getpeername(), (HOST, 5000), "peer")
        equal(s.getsockname()[0], CID, "local CID")
        s.sendall(b"hello vmci")
        equal(recv_exact(s, 10), b"hello vmci", "echo")


def test_stream_echo_4mib():
    data = os.urandom(4 << 20)
    with connect(5000) as s:
        w = spawn(s.sendall, data)
        back = recv_exact(s, len(data))
        w.result()
        equal(hashlib.sha256(back).hexdigest(),
              hashlib.sha256(data).hexdigest(), "4 MiB echoed")
        s.shutdown(socket.SHUT_WR)
        equal(recv_all(s), b"", "EOF after the host saw ours")


def test_stream_many_connections():
    for i in range(50):
        with connect(5000) as s:
            msg = f"conn {i}".encode()
            s.sendall(msg)
            equal(recv_exact(s, len(msg)), msg, f"connection {i}")


def test_stream_host_closes():
    with connect(5002) as s:
        equal(recv_all(s), b"bye", "data, then EOF when the host closed")


def test_stream_refused():
    """Nothing listens: ECONNRESET.  A host that predates REQUEST2 refuses
    the REQUEST that follows its INVALID with an RST that both stacks
    ignore (very old hosts sent a stray one): the connect times out."""
    s = vsock()
    s.settimeout(30)
    err = 104 if host_has_request2() else ETIMEDOUT
    raises(err, s.connect, (HOST, 5999))


def test_stream_connect_timeout():
    """A host that never answers: connect() fails after the default 2 s."""
    with vsock() as s:
        t0 = time.monotonic()
        raises(ETIMEDOUT, s.connect, (HOST, SILENT))
        dt = time.monotonic() - t0
        check(1.8 <= dt < 10, f"connect() gave up after {dt:.2f} s, not 2")
    # The transport is still fine afterwards.
    with connect(5000) as s:
        s.sendall(b"x")
        equal(recv_exact(s, 1), b"x", "echo after a timed-out connect")


class Interrupted(Exception):
    pass


def test_stream_connect_interrupted():
    """A signal ends a blocked connect() (EINTR), and it can be retried."""
    def alarm(signum, frame):
        raise Interrupted()

    old = signal.signal(signal.SIGALRM, alarm)
    try:
        with vsock() as s:
            t0 = time.monotonic()
            signal.setitimer(signal.ITIMER_REAL, 0.5)
            try:
                s.connect((HOST, SILENT))
                raise AssertionError("connect() to a silent host returned")
            except Interrupted:
                pass
            dt = time.monotonic() - t0
            check(dt < 1.8, f"the signal ended connect() only after {dt:.1f} s")
            # After EINTR the socket may connect again (here: time out).
            raises(ETIMEDOUT, s.connect, (HOST, SILENT))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_stream_connect_nonblocking_timeout():
    """Non-blocking: EINPROGRESS, then poll() reports ETIMEDOUT."""
    with vsock() as s:
        s.setblocking(False)
        equal(s.connect_ex((HOST, SILENT)), 115, "connect_ex: EINPROGRESS")
        p = select.poll()
        p.register(s, select.POLLOUT)
        ev = p.poll(10000)
        check(ev, "poll() saw nothing within 10 s")
        equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), ETIMEDOUT,
              "SO_ERROR")


def test_seqpacket_refused():
    """The host has no SEQPACKET over VMCI: refused, streams unaffected."""
    s = vsock(socket.SOCK_SEQPACKET)
    s.settimeout(30)
    with s:
        # Ours asks with a protocol bit the host does not grant; the
        # in-kernel transport has no SEQPACKET at all.
        err = 94 if os.environ.get("VV_IMPL") == "kernel" else 91
        raises(err, s.connect, (HOST, 5000))
    with connect(5000) as c:
        c.sendall(b"still")
        equal(recv_exact(c, 5), b"still", "stream echo after the refusal")


def test_stream_host_without_request2():
    """A host that predates REQUEST2 (the model's request2=off) answers it
    with INVALID: the guest asks again with REQUEST, the connection uses
    the old protocol and works.  Elsewhere the guest sends no REQUEST."""
    with Controls() as h:
        before = h.stats()
        with connect(5000) as s:
            s.sendall(b"old host")
            equal(recv_exact(s, 8), b"old host", "echo")
        after = h.stats()
    n = 0 if before["request2"] else 1
    equal(after["invalid"] - before["invalid"], n,
          "REQUEST2s the host answered with INVALID")
    equal(after["request"] - before["request"], n,
          "REQUESTs the guest sent")


def test_stream_from_host_backlog_reaper():
    """listen(1) takes two children (as TCP, backlog + 1).  Two host
    connections that never offer a queue pair fill it, so a third is
    refused; once the guest gave up on the two (its pending timeout),
    the listener takes a connection again."""
    ls = vsock()
    ls.bind((socket.VMADDR_CID_ANY, 6002))
    ls.listen(1)
    with ls, Controls() as h:
        held = []
        for i in range(2):
            w = h.ask("NOOFFER 6002")
            equal(w[0], "PENDING", f"no-offer connection {i}")
            held.append(w[2])
        equal(h.ask("CONNECT 6002"), ["REFUSED"],
              "a connection beyond the backlog")
        time.sleep(3)
        w = h.ask("CONNECT 6002")
        equal(w[0], "OK", "a connection after the pending timeout")
        ls.settimeout(30)
        c, peer = ls.accept()
        with c:
            equal(peer, (HOST, int(w[1])), "the child accept() returns")
            equal(recv_exact(c, 5), b"hello", "its data")
        ls.setblocking(False)
        raises(EAGAIN, ls.accept)
        for i in held:
            w = h.ask(f"CLOSED {i} 10")
            equal(w[0], "CLOSED", f"no-offer connection {i} ends")
            t = float(w[1])
            if KERNEL:
                # The in-kernel reaper tells the host nothing: the host's
                # own handshake limit (5 s) ends it.
                check(t >= 4.5, f"ended after {t} s, not by the host")
            else:
                # Ours resets the child after 2 s.
                check(1.5 <= t < 4.5, f"reset after {t} s, not 2")


def test_stream_from_host():
    s = vsock()
    s.bind((socket.VMADDR_CID_ANY, 6000))
    s.listen(4)
    s.settimeout(60)
    c, peer = s.accept()
    with c, s:
        equal(peer[0], HOST, "peer CID of a host connection")
        c.settimeout(60)
        data = recv_exact(c, 256 * 1024)
        c.sendall(data)
        line = b""
        while not line.endswith(b"\n"):
            b = c.recv(64)
            check(b, "EOF before the host's verdict")
            line += b
        equal(line, b"VERDICT ok\n", "host's verdict on the echo")


def test_dgram_echo():
    with vsock(socket.SOCK_DGRAM) as s:
        s.settimeout(10)
        s.bind((socket.VMADDR_CID_ANY, 7000))
        equal(s.sendto(b"ping", (HOST, 5001)), 4, "sendto's byte count")
        data, addr = s.recvfrom(100)
        equal((data, addr), (b"ping", (HOST, 5001)), "echo and its sender")


def test_dgram_large():
    with vsock(socket.SOCK_DGRAM) as s:
        s.settimeout(10)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind((socket.VMADDR_CID_ANY, 7001))
        msg = os.urandom(60000)
        equal(s.sendto(msg, (HOST, 5001)), len(msg), "sendto's byte count")
        data, _ = s.recvfrom(70000)
        equal(data, msg, "60000-byte datagram echoed")


def test_dgram_from_host():
    with vsock(socket.SOCK_DGRAM) as s:
        s.settimeout(10)
        s.bind((socket.VMADDR_CID_ANY, 6001))
        data, addr = s.recvfrom(100)
        equal((data, addr), (b"hi-from-host", (HOST, 5003)),
              "datagram a host program sent to guest port 6001")


def test_dgram_no_host_port():
    with vsock(socket.SOCK_DGRAM) as s:
        raises(113, s.sendto, b"x", (HOST, 5998))  # EHOSTUNREACH


def local_cid():
    with open("/dev/vsock", "rb") as f:
        buf = fcntl.ioctl(f, IOCTL_VM_SOCKETS_GET_LOCAL_CID, b"\0" * 4)
    return struct.unpack("I", buf)[0]


def set_cid(cid):
    """Ask the host (monitor, qom-set) for a new CID; wait up to 20 s."""
    with connect(5004) as c:
        c.sendall(f"CID {cid}\n".encode())
        deadline = time.monotonic() + 20
        while local_cid() != cid and time.monotonic() < deadline:
            time.sleep(0.1)


def test_cid_change():
    """Last: the host changes our CID (qom-set), as a migration would."""
    new = CID + 100
    old = connect(5000)
    old.sendall(b"before")
    equal(recv_exact(old, 6), b"before", "echo before the change")
    set_cid(new)
    equal(local_cid(), new, "CID after CTX_ID_UPDATE")
    # QP_RESUMED: the pairs of the old host are gone, so is the stream.
    old.settimeout(20)
    try:
        rest = recv_all(old)
    except ConnectionResetError:
        rest = b""
    equal(rest, b"", "the old connection ends")
    old.close()
    with connect(5000) as s:
        equal(s.getsockname()[0], new, "local CID of a new connection")
        s.sendall(b"after")
        equal(recv_exact(s, 5), b"after", "echo after the change")
    # And back, for what runs after (the driver's KUnit suite).
    set_cid(CID)
    equal(local_cid(), CID, "CID changed back")


if __name__ == "__main__":
    run([test_pci_bound, test_irq_mode, test_local_cid, test_stream_echo,
         test_stream_echo_4mib, test_stream_many_connections,
         test_stream_host_closes, test_stream_refused,
         test_stream_connect_timeout, test_stream_connect_interrupted,
         test_stream_connect_nonblocking_timeout, test_seqpacket_refused,
         test_stream_host_without_request2, test_stream_from_host,
         test_stream_from_host_backlog_reaper,
         test_dgram_echo, test_dgram_large, test_dgram_from_host,
         test_dgram_no_host_port, test_cid_change])
