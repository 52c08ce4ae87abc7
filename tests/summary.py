#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise a test-guest run: per-block results, splats, one last line.

The guest writes blocks (tests/guest/lib.sh) to results.log:

    # vv-block <kind> <name>
    ... KTAP ...
    # vv-end <name> rc=<status>

kinds: load/unload (a module step), kunit (a suite's debugfs KTAP, cases
indented by four spaces), user (a program's stdout KTAP, cases at column 0),
leak (kmemleak). A block counts its KTAP cases; a block with none counts as
one case, passed when rc is 0. A non-zero rc with no failed case counts one
failure (a crash or a bad exit). Every splat in console.log is a failure,
and so is a run that never reached '# vv-done'.

--known FILE (VV_IMPL=kernel runs only) names splats of the in-kernel
modules that are known defects of theirs, one per line:
'<header regex><TAB><regex of a line within the next 40>'.  Such a report is
listed as 'known' and does not fail the run.

The last line printed is 'N passed, N failed[, N skipped]'.
"""
import argparse
import re
import sys

SPLAT = re.compile(
    r"BUG:|WARNING:|Oops|KASAN|UBSAN|general protection fault|"
    r"possible circular locking|possible recursive locking|"
    r"inconsistent lock state|suspicious RCU usage|"
    r"DEBUG_LOCKS_WARN_ON|lock held when returning|"
    r"sleeping function called from invalid context|"
    r"blocked for more than|soft lockup|hard LOCKUP|Kernel panic|"
    r"kernel BUG|list_(add|del) corruption|refcount_t:|"
    r"unreferenced object|Call Trace:")

CASE = {"kunit": re.compile(r"^    (not ok|ok) \d+ (.*)$"),
        "user": re.compile(r"^(not ok|ok) \d+ (.*)$")}


def parse_blocks(lines):
    blocks, cur = [], None
    for line in lines:
        m = re.match(r"^# vv-block (\S+) (\S+)", line)
        if m:
            cur = {"kind": m[1], "name": m[2], "lines": [], "rc": None}
            blocks.append(cur)
            continue
        m = re.match(r"^# vv-end (\S+) rc=(\d+)", line)
        if m and cur:
            cur["rc"] = int(m[2])
            cur = None
            continue
        if cur is not None:
            cur["lines"].append(line)
    return blocks


def count(block):
    p = f = s = 0
    bad = []
    pat = CASE.get(block["kind"])
    for line in block["lines"] if pat else []:
        m = pat.match(line)
        if not m:
            continue
        if m[1] == "not ok":
            f += 1
            bad.append(m[2])
        elif re.search(r"#\s*SKIP", m[2], re.I):
            s += 1
        else:
            p += 1
    if block["rc"] is None:
        f += 1
        bad.append("(no end: guest died or hung here)")
    elif block["rc"] != 0 and f == 0:
        f += 1
        bad.append(f"(exit status {block['rc']})")
    elif p + f + s == 0:
        p += 1
    return p, f, s, bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("console")
    ap.add_argument("--qemu-rc", type=int, default=0)
    ap.add_argument("--known")
    a = ap.parse_args()

    def read(path):
        try:
            with open(path, errors="replace") as fh:
                return fh.read().replace("\r", "").splitlines()
        except FileNotFoundError:
            return []

    res, con = read(a.results), read(a.console)
    tp = tf = ts = 0
    for b in parse_blocks(res):
        p, f, s, bad = count(b)
        tp, tf, ts = tp + p, tf + f, ts + s
        tag = "FAIL" if f else "ok"
        extra = f", {s} skipped" if s else ""
        print(f"{tag:4} {b['kind']:6} {b['name']:32} {p} passed, {f} failed{extra}")
        for name in bad:
            print(f"       not ok: {name}")
        if f:
            for line in b["lines"][-40:]:
                print(f"       | {line}")

    known = []
    for ln in read(a.known) if a.known else []:
        if ln.strip() and not ln.startswith("#"):
            head, ctx = ln.split("\t")[:2]
            known.append((re.compile(head), re.compile(ctx)))
    excused = set()
    for i, ln in enumerate(con):
        for head, ctx in known:
            if not head.search(ln):
                continue
            window = range(i, min(i + 40, len(con)))
            if any(ctx.search(con[j]) for j in window):
                print(f"known  splat  in-kernel defect: {ln.strip()}")
                excused.update(j for j in window if SPLAT.search(con[j]))
    splats = [ln for i, ln in enumerate(con)
              if SPLAT.search(ln) and i not in excused]
    if splats:
        tf += 1
        print(f"FAIL splat  {len(splats)} suspicious kernel log lines, first ones:")
        for line in splats[:15]:
            print(f"       | {line}")
    if not any(ln.startswith("# vv-done") for ln in res):
        tf += 1
        why = "timed out" if a.qemu_rc == 124 else f"qemu rc={a.qemu_rc}"
        print(f"FAIL guest   did not finish ({why}); console tail:")
        for line in con[-30:]:
            print(f"       | {line}")
    line = f"{tp} passed, {tf} failed"
    if ts:
        line += f", {ts} skipped"
    print(line)
    return 1 if tf else 0


if __name__ == "__main__":
    sys.exit(main())
