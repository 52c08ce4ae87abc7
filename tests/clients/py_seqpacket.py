#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""AF_VSOCK SOCK_SEQPACKET over loopback (CID 1) with python3's socket
module: message boundaries kept in both directions, truncation and
MSG_TRUNC, MSG_EOR, EMSGSIZE, a message of the buffer's size, EOF, a
message echo service, type checks.

Environment: VV_PEER_CID, the CID both ends use (default 1; 2 for our
VMCI transport on the host personality, or through the device model's
hairpin, VV_VMCI_HAIRPIN=1, where the listener's peer is the host's
relay and its own address the guest's, VV_VMCI_CID).
"""

import errno
import os
import random
import socket

from ktap import (CID_ANY, CID_LOCAL, check, equal, listener, raises, run,
                  set_port_base, spawn, vsock)

set_port_base(22000)
SEQ = socket.SOCK_SEQPACKET
PEER = int(os.environ.get("VV_PEER_CID", CID_LOCAL))
HAIRPIN = os.environ.get("VV_VMCI_HAIRPIN") == "1"
# A child's own CID.
LOCAL = int(os.environ.get("VV_VMCI_CID", "3")) if HAIRPIN else PEER


def pair():
    """A connected SEQPACKET pair (client, server child) on a fresh port."""
    ls, p = listener(SEQ)
    with ls:
        s = vsock(SEQ)
        s.connect((PEER, p))
        c, _ = ls.accept()
    return s, c


SIZES = [1, 2, 100, 4095, 4096, 4097, 65536, 3, 60000, 17]


def test_boundaries_kept():
    """Messages queued back to back come out one per recv()."""
    s, c = pair()
    with s, c:
        msgs = [os.urandom(n) for n in SIZES]
        for m in msgs:
            equal(s.send(m), len(m), "send() count")
        for i, m in enumerate(msgs):
            got = c.recv(1 << 17)
            equal(len(got), len(m), f"message {i} length")
            check(got == m, f"message {i} content")
        raises(errno.EAGAIN, c.recv, 1 << 17, socket.MSG_DONTWAIT)


def test_truncation():
    """A short buffer gets the head, MSG_TRUNC in the flags; the rest of
    that message is gone and the next recv() gets the next message."""
    s, c = pair()
    with s, c:
        s.send(b"A" * 100)
        s.send(b"second")
        data, _, flags, _ = c.recvmsg(16)
        equal(data, b"A" * 16, "truncated data")
        check(flags & socket.MSG_TRUNC, f"MSG_TRUNC not in flags {flags:#x}")
        data, _, flags, _ = c.recvmsg(64)
        equal(data, b"second", "next message")
        check(not flags & socket.MSG_TRUNC, f"MSG_TRUNC in flags {flags:#x}")


def test_msg_trunc_flag_real_length():
    s, c = pair()
    with s, c:
        s.send(b"B" * 300)
        buf = bytearray(10)
        equal(c.recv_into(buf, 10, socket.MSG_TRUNC), 300,
              "recv_into(MSG_TRUNC) returns the message length")
        equal(bytes(buf), b"B" * 10, "head copied")


def test_msg_peek():
    s, c = pair()
    with s, c:
        s.send(b"peek me")
        s.send(b"then me")
        equal(c.recv(64, socket.MSG_PEEK), b"peek me", "peeked")
        equal(c.recv(64), b"peek me", "first message")
        equal(c.recv(64), b"then me", "second message")


def test_msg_eor():
    s, c = pair()
    with s, c:
        s.sendmsg([b"with eor"], [], socket.MSG_EOR)
        data, _, flags, _ = c.recvmsg(64)
        equal(data, b"with eor", "data")
        check(flags & socket.MSG_EOR, f"MSG_EOR not in flags {flags:#x}")
        s.sendmsg([b"without"], [], 0)
        data, _, flags, _ = c.recvmsg(64)
        equal(data, b"without", "data")
        check(not flags & socket.MSG_EOR, f"MSG_EOR in flags {flags:#x}")


def test_emsgsize_over_peer_buffer():
    s, c = pair()
    with s, c:
        raises(errno.EMSGSIZE, s.send, bytes(300 << 10))
        s.send(b"still usable")
        equal(c.recv(64), b"still usable", "message after EMSGSIZE")


def test_message_of_buffer_size():
    """A message of SO_VM_SOCKETS_BUFFER_SIZE bytes fits, one byte more is
    EMSGSIZE."""
    lvl, opt, size = socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_SIZE, 65536
    ls, p = listener(SEQ)
    with ls:
        ls.setsockopt(lvl, opt, size)
        with vsock(SEQ) as s:
            s.setsockopt(lvl, opt, size)
            s.connect((PEER, p))
            c, _ = ls.accept()
            with c:
                s.settimeout(10)
                m = os.urandom(size)
                equal(s.send(m), size, "send() of a full-size message")
                c.settimeout(10)
                got = c.recv(size + 1)
                check(got == m, f"{len(got)} bytes received, not the "
                      f"{size} sent")
                raises(errno.EMSGSIZE, s.send, bytes(size + 1))


def test_names():
    ls, p = listener(SEQ)
    with ls:
        equal(ls.getsockname(), (CID_ANY, p), "listener getsockname")
        with vsock(SEQ) as s:
            s.connect((PEER, p))
            c, addr = ls.accept()
            with c:
                equal(s.getpeername(), (PEER, p), "client getpeername")
                if HAIRPIN:
                    # The host relays from a port of its own.
                    equal(addr[0], PEER, "accept address's CID")
                else:
                    equal(addr, (PEER, s.getsockname()[1]), "accept address")
                equal(c.getsockname(), (LOCAL, p), "child getsockname")
                equal(c.type, SEQ, "child type")


def echo_messages(ls):
    c, _ = ls.accept()
    with c:
        while True:
            m = c.recv(1 << 16)
            if not m:
                return
            c.send(m)


def test_echo_service_500_messages():
    ls, p = listener(SEQ)
    with ls:
        srv = spawn(echo_messages, ls)
        rnd = random.Random(7)
        with vsock(SEQ) as s:
            s.connect((PEER, p))
            for i in range(500):
                m = rnd.randbytes(rnd.randint(1, 8192))
                s.send(m)
                equal(s.recv(1 << 16), m, f"echo of message {i}")
        srv.result()


def test_eof_and_epipe():
    s, c = pair()
    with s:
        c.send(b"last")
        c.close()
        equal(s.recv(64), b"last", "message before close")
        equal(s.recv(64), b"", "EOF")
        raises(errno.EPIPE, s.send, b"x")


def test_half_close():
    s, c = pair()
    with s, c:
        s.send(b"request")
        s.shutdown(socket.SHUT_WR)
        equal(c.recv(64), b"request", "request")
        equal(c.recv(64), b"", "EOF after SHUT_WR")
        c.send(b"reply")
        equal(s.recv(64), b"reply", "reply after SHUT_WR")
        raises(errno.EPIPE, s.send, b"x")


def test_type_mismatch_refused():
    """A SEQPACKET connect to a STREAM listener (and back) is refused."""
    ls, p = listener(socket.SOCK_STREAM)
    with ls, vsock(SEQ) as s:
        raises(errno.ECONNRESET, s.connect, (PEER, p))
    ls, p = listener(SEQ)
    with ls, vsock(socket.SOCK_STREAM) as s:
        raises(errno.ECONNRESET, s.connect, (PEER, p))


run([test_boundaries_kept, test_truncation, test_msg_trunc_flag_real_length,
     test_msg_peek, test_msg_eor, test_emsgsize_over_peer_buffer,
     test_message_of_buffer_size, test_names,
     test_echo_service_500_messages, test_eof_and_epipe, test_half_close,
     test_type_mismatch_refused])
