#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""AF_VSOCK SOCK_DGRAM over loopback (CID 1) with python3's socket module:
sendto/recvfrom with source addresses, request and reply, boundaries,
truncation, connect()ed senders, errno.  Our loopback carries DGRAM; the
in-kernel family has no loopback DGRAM (socket() fails with ENODEV), so
with VV_IMPL=kernel every case is a SKIP."""

import errno
import os
import socket

from ktap import (CID_ANY, CID_LOCAL, KERNEL, Skip, check, equal, port,
                  raises, run, set_port_base, vsock)

set_port_base(23000)
DG = socket.SOCK_DGRAM


def bound(cid=CID_ANY):
    if KERNEL:
        raise Skip("in-kernel family has no loopback DGRAM")
    s = vsock(DG)
    p = port()
    s.bind((cid, p))
    return s, p


def test_sendto_recvfrom_reply():
    srv, p = bound()
    with srv, vsock(DG) as cli:
        equal(cli.sendto(b"ping", (CID_LOCAL, p)), 4, "sendto count")
        cport = cli.getsockname()[1]
        check(1023 < cport < 0xffffffff, f"autobound port {cport}")
        data, addr = srv.recvfrom(64)
        equal(data, b"ping", "request")
        equal(addr, (CID_LOCAL, cport), "request source")
        equal(srv.sendto(b"pong", addr), 4, "reply count")
        data, addr = cli.recvfrom(64)
        equal(data, b"pong", "reply")
        equal(addr, (CID_LOCAL, p), "reply source")


def test_boundaries_and_order():
    srv, p = bound(CID_LOCAL)
    with srv, vsock(DG) as cli:
        msgs = [os.urandom(n) for n in (1, 1000, 4096, 60000, 7)]
        for m in msgs:
            cli.sendto(m, (CID_LOCAL, p))
        for i, m in enumerate(msgs):
            got = srv.recv(1 << 17)
            equal(len(got), len(m), f"datagram {i} length")
            check(got == m, f"datagram {i} content")
        raises(errno.EAGAIN, srv.recv, 64, socket.MSG_DONTWAIT)


def test_truncation():
    srv, p = bound()
    with srv, vsock(DG) as cli:
        cli.sendto(b"C" * 100, (CID_LOCAL, p))
        cli.sendto(b"next", (CID_LOCAL, p))
        data, _, flags, addr = srv.recvmsg(10)
        equal(data, b"C" * 10, "truncated datagram")
        check(flags & socket.MSG_TRUNC, f"MSG_TRUNC not in flags {flags:#x}")
        equal(addr, (CID_LOCAL, cli.getsockname()[1]), "recvmsg source")
        equal(srv.recv(64), b"next", "next datagram whole")


def test_many_senders():
    srv, p = bound()
    with srv:
        senders = [vsock(DG) for _ in range(20)]
        try:
            for i, s in enumerate(senders):
                s.sendto(b"from %d" % i, (CID_LOCAL, p))
            seen = {}
            for _ in senders:
                data, addr = srv.recvfrom(64)
                seen[addr[1]] = data
            for i, s in enumerate(senders):
                equal(seen.get(s.getsockname()[1]), b"from %d" % i,
                      f"sender {i}")
        finally:
            for s in senders:
                s.close()


def test_connected_sender():
    srv, p = bound()
    with srv, vsock(DG) as cli:
        cli.connect((CID_LOCAL, p))
        equal(cli.getpeername(), (CID_LOCAL, p), "getpeername")
        equal(cli.send(b"via connect"), 11, "send count")
        equal(srv.recv(64), b"via connect", "datagram")


def test_timeout_and_nonblocking():
    srv, _ = bound()
    with srv:
        raises(errno.EAGAIN, srv.recvfrom, 64, socket.MSG_DONTWAIT)
        srv.settimeout(0.2)
        try:
            srv.recvfrom(64)
            raise AssertionError("recvfrom() returned with nothing sent")
        except TimeoutError:
            pass


def test_errors():
    srv, p = bound()
    with srv, vsock(DG) as cli:
        free = port()
        raises(errno.ECONNREFUSED, cli.sendto, b"x", (CID_LOCAL, free))
        raises(errno.EOPNOTSUPP, srv.listen, 1)
        raises(errno.EINVAL, cli.send, b"x")
        raises(errno.EMSGSIZE, cli.sendto, bytes(70000), (CID_LOCAL, p))
        with vsock(DG) as other:
            raises(errno.EADDRINUSE, other.bind, (CID_ANY, p))
        raises(errno.EOPNOTSUPP, srv.getsockopt, socket.AF_VSOCK,
               socket.SO_VM_SOCKETS_BUFFER_SIZE)


run([test_sendto_recvfrom_reply, test_boundaries_and_order, test_truncation,
     test_many_senders, test_connected_sender, test_timeout_and_nonblocking,
     test_errors])
