# SPDX-License-Identifier: GPL-2.0
"""Print the host files the python client tests need in the guest.

Run by tests/run.sh with Debian's /usr/bin/python3.11 -I -S, given the
client scripts.  It imports every module they import (and what ktap.py
imports), then prints, one path a line: each standard-library source file
that got loaded, its byte-compiled cache when there is one (so the guest
does not compile at every start), the os.py landmark that tells the
interpreter where its library is, and the shared libraries of the
extension modules.  Nothing from dist-packages is printed.
"""

import ast
import importlib
import importlib.util
import os
import subprocess
import sys
import sysconfig


def imports(path, seen):
    """Top-level names imported by path and by its sibling modules."""
    if path in seen:
        return set()
    seen.add(path)
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names.add(node.module)
    found = set()
    for name in names:
        sibling = os.path.join(os.path.dirname(path), name + ".py")
        if os.path.exists(sibling):
            found |= imports(sibling, seen)
        else:
            found.add(name)
    return found


def main(scripts):
    seen = set()
    names = {"encodings.ascii", "encodings.latin_1"}
    for s in scripts:
        names |= imports(os.path.abspath(s), seen)
    for name in sorted(names):
        importlib.import_module(name)
    stdlib = sysconfig.get_path("stdlib")
    out = {os.path.join(stdlib, "os.py")}
    for mod in list(sys.modules.values()):
        f = getattr(mod, "__file__", None)
        if not f or not f.startswith(stdlib + "/"):
            continue
        out.add(f)
        if f.endswith(".py"):
            pyc = importlib.util.cache_from_source(f)
            if os.path.exists(pyc):
                out.add(pyc)
        elif f.endswith(".so"):
            ldd = subprocess.run(["ldd", f], capture_output=True, text=True,
                                 check=True).stdout
            out.update(w for w in ldd.split() if w.startswith("/"))
    for f in sorted(out):
        print(f)


main(sys.argv[1:])
