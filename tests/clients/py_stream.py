#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""AF_VSOCK SOCK_STREAM over loopback (CID 1) with python3's socket module,
the way applications use it: echo, sendall/recv_into, half-close, socket
names, timeouts, errno, many connections, a listener that dies, options,
/dev/vsock, and non-blocking I/O with selectors and asyncio."""

import asyncio
import errno
import fcntl
import hashlib
import os
import selectors
import signal
import socket
import struct
import time

from ktap import (CID_ANY, CID_LOCAL, check, equal, listener, port,
                  raises, recv_all, recv_exact, run, set_port_base, spawn,
                  vsock)

set_port_base(21000)
MiB = 1 << 20


def echo_once(ls):
    """Accept one connection, echo it until EOF, close."""
    c, _ = ls.accept()
    with c:
        while True:
            b = c.recv(65536)
            if not b:
                return
            c.sendall(b)


def connect(p, kind=socket.SOCK_STREAM):
    s = vsock(kind)
    s.connect((CID_LOCAL, p))
    return s


def test_echo_lines():
    ls, p = listener()
    with ls:
        srv = spawn(echo_once, ls)
        with connect(p) as s, s.makefile("rwb") as f:
            for i in range(100):
                line = b"line %d of the python echo client\n" % i
                f.write(line)
                f.flush()
                equal(f.readline(), line, f"echo of line {i}")
        srv.result()


def sink_digest(ls):
    """Read until EOF, then reply with the SHA-256 and byte count."""
    c, _ = ls.accept()
    with c:
        h, n = hashlib.sha256(), 0
        buf = bytearray(65536)
        while True:
            k = c.recv_into(buf)
            if k == 0:
                break
            h.update(memoryview(buf)[:k])
            n += k
        c.sendall(b"%s %d" % (h.hexdigest().encode(), n))


def test_sendall_4MiB_half_close():
    """sendall, shutdown(SHUT_WR), then the reply the server sent after EOF."""
    data = os.urandom(4 * MiB)
    ls, p = listener()
    with ls:
        srv = spawn(sink_digest, ls)
        with connect(p) as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            reply = recv_all(s)
            raises(errno.EPIPE, s.send, b"x")
        srv.result()
    equal(reply, b"%s %d" % (hashlib.sha256(data).hexdigest().encode(),
                             len(data)), "digest reply")


def test_recv_into_partial():
    ls, p = listener()
    with ls, connect(p) as s:
        c, _ = ls.accept()
        with c:
            c.sendall(b"0123456789abcdef")
            buf = bytearray(32)
            equal(s.recv_into(buf, 4), 4, "recv_into(nbytes=4)")
            equal(bytes(buf[:4]), b"0123", "first 4 bytes")
            view = memoryview(buf)[4:]
            got = 4
            while got < 16:
                got += s.recv_into(view[got - 4:], 16 - got)
            equal(bytes(buf[:16]), b"0123456789abcdef", "all 16 bytes")
            raises(errno.EAGAIN, s.recv, 1, socket.MSG_DONTWAIT)


def test_names():
    ls, p = listener()
    with ls:
        equal(ls.getsockname(), (CID_ANY, p), "listener getsockname")
        raises(errno.ENOTCONN, ls.getpeername)
        with connect(p) as s:
            c, addr = ls.accept()
            with c:
                equal(s.getpeername(), (CID_LOCAL, p), "client getpeername")
                cid, cport = s.getsockname()
                check(cid in (CID_ANY, CID_LOCAL), f"client cid {cid}")
                check(1023 < cport < 0xffffffff, f"client port {cport}")
                equal(addr, (CID_LOCAL, cport), "accept() address")
                equal(c.getpeername(), (CID_LOCAL, cport), "child getpeername")
                equal(c.getsockname(), (CID_LOCAL, p), "child getsockname")


def test_bind_cid_local():
    ls, p = listener(cid=CID_LOCAL)
    with ls:
        equal(ls.getsockname(), (CID_LOCAL, p), "getsockname")
        with connect(p) as s:
            c, _ = ls.accept()
            c.close()
            equal(s.recv(1), b"", "EOF after the child closed")


def test_timeouts():
    ls, p = listener()
    with ls:
        ls.settimeout(0.3)
        t0 = time.monotonic()
        try:
            ls.accept()
            raise AssertionError("accept() returned without a client")
        except TimeoutError:
            pass
        dt = time.monotonic() - t0
        check(0.25 < dt < 10, f"accept timed out after {dt:.2f} s")
        with connect(p) as s:
            c, _ = ls.accept()
            with c:
                s.settimeout(0.3)
                t0 = time.monotonic()
                try:
                    s.recv(1)
                    raise AssertionError("recv() returned with nothing sent")
                except TimeoutError:
                    pass
                dt = time.monotonic() - t0
                check(0.25 < dt < 10, f"recv timed out after {dt:.2f} s")
                c.sendall(b"late")
                equal(s.recv(4), b"late", "data after a timeout")


def test_connect_no_listener():
    p = port()
    with vsock() as s:
        raises(errno.ECONNRESET, s.connect, (CID_LOCAL, p))
    with vsock() as s:
        s.settimeout(5)
        raises(errno.ECONNRESET, s.connect, (CID_LOCAL, p))
    with vsock() as s:
        equal(s.connect_ex((CID_LOCAL, p)), errno.ECONNRESET, "connect_ex")


def test_peer_close_eof_epipe():
    ls, p = listener()
    with ls, connect(p) as s:
        c, _ = ls.accept()
        c.sendall(b"bye")
        c.close()
        equal(recv_exact(s, 3), b"bye", "data sent before close")
        equal(s.recv(10), b"", "EOF")
        equal(s.recv(10), b"", "EOF again")
        raises(errno.EPIPE, s.sendall, b"x")


def refused(p):
    """A connect to port p is refused: ECONNRESET, as for TCP's RST."""
    with vsock() as s:
        raises(errno.ECONNRESET, s.connect, (CID_LOCAL, p))


def echo_until(ls, stop):
    """Echo one message per connection until stop is set."""
    while True:
        c, _ = ls.accept()
        with c:
            if stop:
                return
            c.sendall(c.recv(64))


def test_200_short_connections():
    ls, p = listener()
    stop = []
    srv = spawn(echo_until, ls, stop)
    with ls:
        for i in range(200):
            with connect(p) as s:
                msg = b"conn %d" % i
                s.sendall(msg)
                equal(recv_all(s), msg, f"connection {i}")
        stop.append(True)
        connect(p).close()
        srv.result()
    refused(p)


def listen_child(p, ready_w):
    """Forked process: listen on p, echo one message per connection."""
    ls = vsock()
    ls.bind((CID_ANY, p))
    ls.listen(64)
    os.write(ready_w, b"r")
    while True:
        c, _ = ls.accept()
        b = c.recv(64)
        c.sendall(b)
        c.close()


def test_listener_killed():
    """SIGKILL a listening process while clients connect: every client
    ends (echo, EOF or ECONNRESET, never a hang), and the port is free."""
    p = port()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            listen_child(p, w)
        finally:
            os._exit(0)
    os.close(w)
    equal(os.read(r, 1), b"r", "child listening")
    os.close(r)
    outcomes = {"echo": 0, "eof": 0, "reset": 0}
    for i in range(300):
        if i == 20:
            os.kill(pid, signal.SIGKILL)
        s = vsock()
        s.settimeout(10)
        try:
            s.connect((CID_LOCAL, p))
            msg = b"kill %d" % i
            s.sendall(msg)
            b = s.recv(64)
            check(b in (msg, b""), f"client {i} got {b!r}")
            outcomes["echo" if b else "eof"] += 1
        except (ConnectionResetError, BrokenPipeError):
            outcomes["reset"] += 1
        finally:
            s.close()
    os.waitpid(pid, 0)
    print(f"# outcomes {outcomes}")
    check(outcomes["echo"] >= 20, "the first 20 clients got their echo")
    check(outcomes["reset"] > 0, "no client was refused after the kill")
    refused(p)
    with vsock() as s:
        s.bind((CID_ANY, p))
        s.listen(1)


def test_buffer_size_option():
    """python passes AF_VSOCK-level options as u64, as the family wants."""
    lvl, size = socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_SIZE
    with vsock() as s:
        equal(s.getsockopt(lvl, size), 262144, "default buffer size")
        equal(s.getsockopt(lvl, socket.SO_VM_SOCKETS_BUFFER_MAX_SIZE), 262144,
              "default max size")
        equal(s.getsockopt(lvl, socket.SO_VM_SOCKETS_BUFFER_MIN_SIZE), 128,
              "default min size")
        s.setsockopt(lvl, size, 65536)
        equal(s.getsockopt(lvl, size), 65536, "buffer size after set")
        s.setsockopt(lvl, socket.SO_VM_SOCKETS_BUFFER_MAX_SIZE, 1 << 20)
        s.setsockopt(lvl, size, 1 << 20)
        equal(s.getsockopt(lvl, size), 1 << 20, "buffer size raised to 1 MiB")
        s.setsockopt(lvl, size, 2 << 20)
        equal(s.getsockopt(lvl, size), 1 << 20, "buffer size clamped to max")


def test_dev_vsock_local_cid():
    with open("/dev/vsock", "rb") as f:
        buf = bytearray(4)
        fcntl.ioctl(f, socket.IOCTL_VM_SOCKETS_GET_LOCAL_CID, buf)
        equal(struct.unpack("I", buf)[0], CID_LOCAL, "local CID")


class Conn:
    """A non-blocking socket with its pending output."""

    def __init__(self, sock, out=b"", expect=None):
        self.sock, self.out, self.inp = sock, bytearray(out), bytearray()
        self.expect, self.eof = expect, False


def pump(sel, c, mask):
    """Move what can move on c; return True once c is finished."""
    if mask & selectors.EVENT_WRITE and c.out:
        try:
            k = c.sock.send(c.out)
            del c.out[:k]
        except BlockingIOError:
            pass
        if not c.out and c.expect is not None:
            c.sock.shutdown(socket.SHUT_WR)
    if mask & selectors.EVENT_READ:
        try:
            b = c.sock.recv(65536)
        except BlockingIOError:
            b = None
        if b == b"":
            c.eof = True
        elif b:
            (c.inp if c.expect is not None else c.out).extend(b)
    if c.expect is None and c.eof and not c.out:
        return True
    if c.expect is not None and c.eof:
        return True
    want = selectors.EVENT_READ | (selectors.EVENT_WRITE if c.out else 0)
    sel.modify(c.sock, want, c)
    return False


def test_selectors_nonblocking():
    """One selector loop: a listener, its echo children and 8 non-blocking
    clients sending 256 KiB each, shutting down writes, reading it back."""
    ls, p = listener()
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ, None)
    clients = []
    for _ in range(8):
        s = vsock()
        s.setblocking(False)
        e = s.connect_ex((CID_LOCAL, p))
        check(e in (0, errno.EINPROGRESS), f"connect_ex: {errno.errorcode[e]}")
        data = os.urandom(256 << 10)
        c = Conn(s, data, data)
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
        clients.append(c)
    live = len(clients)
    while live:
        events = sel.select(timeout=20)
        check(events, "no event in 20 s")
        for key, mask in events:
            c = key.data
            if c is None:
                child, _ = ls.accept()
                child.setblocking(False)
                sel.register(child, selectors.EVENT_READ, Conn(child))
                continue
            if pump(sel, c, mask):
                sel.unregister(c.sock)
                c.sock.close()
                if c.expect is not None:
                    live -= 1
    sel.close()
    ls.close()
    for i, c in enumerate(clients):
        equal(len(c.inp), len(c.expect), f"client {i} bytes")
        check(c.inp == c.expect, f"client {i} data differ")


async def async_echo(reader, writer):
    while True:
        b = await reader.read(65536)
        if not b:
            break
        writer.write(b)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def async_client(p, payload):
    loop = asyncio.get_running_loop()
    s = vsock()
    s.setblocking(False)
    await loop.sock_connect(s, (CID_LOCAL, p))
    reader, writer = await asyncio.open_connection(sock=s)

    async def feed():
        writer.write(payload)
        await writer.drain()
        writer.write_eof()

    feeder = asyncio.create_task(feed())
    got = await reader.read(-1)
    await feeder
    writer.close()
    await writer.wait_closed()
    return got


async def async_main():
    ls, p = listener()
    ls.setblocking(False)
    server = await asyncio.start_server(async_echo, sock=ls)
    payloads = [os.urandom(128 << 10) for _ in range(4)]
    async with server:
        got = await asyncio.wait_for(asyncio.gather(
            *(async_client(p, d) for d in payloads)), 30)
    for i, (g, d) in enumerate(zip(got, payloads)):
        equal(len(g), len(d), f"client {i} bytes")
        check(g == d, f"client {i} data differ")


def test_asyncio_streams():
    asyncio.run(async_main())


run([test_echo_lines, test_sendall_4MiB_half_close, test_recv_into_partial,
     test_names, test_bind_cid_local, test_timeouts, test_connect_no_listener,
     test_peer_close_eof_epipe, test_200_short_connections,
     test_listener_killed, test_buffer_size_option, test_dev_vsock_local_cid,
     test_selectors_nonblocking, test_asyncio_streams])
