# SPDX-License-Identifier: GPL-2.0
"""KTAP output and helpers for the python client tests.

Each test module lists its case functions and calls run(): one KTAP line
per case, a traceback as diagnostic lines on failure, exit status 1 if any
case failed.  A case has 120 s (SIGALRM); its helper threads are daemons,
so a stuck one cannot keep the script alive.
"""

import errno
import itertools
import os
import signal
import socket
import sys
import threading
import time
import traceback

CID_ANY = socket.VMADDR_CID_ANY
CID_LOCAL = getattr(socket, "VMADDR_CID_LOCAL", 1)
KERNEL = os.environ.get("VV_IMPL") == "kernel"


class Skip(Exception):
    """Raised by a case that does not apply: reported as '# SKIP <reason>'."""


class CaseTimeout(Exception):
    """Raised in the main thread when a case overruns its time."""


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def equal(seen, expected, what):
    if seen != expected:
        raise AssertionError(f"{what}: expected {expected!r}, seen {seen!r}")


def raises(err, fn, *args, **kwargs):
    """Call fn; it must fail with OSError errno err. Return the exception."""
    try:
        ret = fn(*args, **kwargs)
    except OSError as e:
        if e.errno != err:
            raise AssertionError(f"{fn.__name__}: expected "
                                 f"{errno.errorcode[err]}, seen {e!r}") from e
        return e
    raise AssertionError(f"{fn.__name__}: expected {errno.errorcode[err]}, "
                         f"returned {ret!r}")


_ports = itertools.count(0)
_base = 20000


def set_port_base(base):
    global _base
    _base = base


def port():
    """A port no other case of this run uses."""
    return _base + next(_ports)


def vsock(kind=socket.SOCK_STREAM):
    return socket.socket(socket.AF_VSOCK, kind)


def listener(kind=socket.SOCK_STREAM, backlog=64, cid=CID_ANY):
    """A listening socket on a fresh port: (socket, port)."""
    s = vsock(kind)
    p = port()
    s.bind((cid, p))
    s.listen(backlog)
    return s, p


def recv_exact(s, n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = s.recv_into(view[got:], n - got)
        if k == 0:
            raise AssertionError(f"EOF after {got} of {n} bytes")
        got += k
    return bytes(buf)


def recv_all(s):
    parts = []
    while True:
        b = s.recv(65536)
        if not b:
            return b"".join(parts)
        parts.append(b)


class Worker(threading.Thread):
    """A daemon thread whose exception is re-raised by result()."""

    def __init__(self, fn, *args):
        super().__init__(daemon=True)
        self.fn, self.args = fn, args
        self.value = self.exc = None

    def run(self):
        try:
            self.value = self.fn(*self.args)
        except BaseException as e:  # reported by result()
            self.exc = e

    def result(self, timeout=60):
        self.join(timeout)
        if self.is_alive():
            raise AssertionError(f"{self.fn.__name__} still running "
                                 f"after {timeout} s")
        if self.exc:
            raise self.exc
        return self.value


def spawn(fn, *args):
    w = Worker(fn, *args)
    w.start()
    return w


def _alarm(signum, frame):
    raise CaseTimeout("case did not finish in time")


def run(cases, timeout=120):
    signal.signal(signal.SIGALRM, _alarm)
    print("KTAP version 1")
    print(f"1..{len(cases)}", flush=True)
    failed = 0
    for i, fn in enumerate(cases, 1):
        name = fn.__name__.removeprefix("test_")
        signal.alarm(timeout)
        t0 = time.monotonic()
        try:
            fn()
            line = f"ok {i} {name}"
        except Skip as e:
            line = f"ok {i} {name} # SKIP {e}"
        except BaseException:  # every failure is a case result
            for tb in traceback.format_exc().splitlines():
                print(f"# {tb}")
            line = f"not ok {i} {name}"
            failed += 1
        finally:
            signal.alarm(0)
        dt = time.monotonic() - t0
        if dt >= 3:
            print(f"# {name}: {dt:.0f} s")
        print(line, flush=True)
    sys.exit(1 if failed else 0)
