#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: static checks with zero findings allowed.
#   1. W=1 and sparse (C=2) build against the 6.12 test kernel;
#   2. checkpatch.pl --strict (from linux-source-6.12) on every C file;
#   3. kernel-doc -none -Wall on every C file and header;
#   4. the QEMU device model (tests/qemu) is QEMU code: QEMU's own
#      checkpatch.pl instead of 2. and 3.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
"$repo/tests/deps.sh"
kdir=$("$repo/tests/kernel.sh" debug)
ksrc=$(readlink -f "$kdir/source")
fail=0

all=$(cd "$repo" && git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^tests/out/' | sort -u)
files=$(echo "$all" | grep -v '^tests/qemu/')
qfiles=$(echo "$all" | grep '^tests/qemu/' || true)

echo ">>> W=1 C=2 build" >&2
log=$(mktemp)
if ! make -C "$kdir" M="$repo" W=1 C=2 -j"$(nproc)" modules >"$log" 2>&1; then
	cat "$log"
	fail=1
fi
if grep -E 'warning:|error:' "$log"; then
	fail=1
fi

# Message types that cannot apply to a kind of file, and only those:
# - include/vv_compat.h is the one place allowed to test the kernel version
#   and to wrap the kernel's export and proto_ops macros, so its macros
#   define functions and exports and its fallbacks ignore arguments;
# - user-space programs have no __printf/__noreturn, strscpy or BIT(), and
#   a signal flag is a volatile sig_atomic_t.
ignore_for() {
	case "$1" in
	include/vv_compat.h)
		echo LINUX_VERSION_CODE,CONSTANT_COMPARISON,EXPORT_SYMBOL,MACRO_ARG_UNUSED,MACRO_WITH_FLOW_CONTROL ;;
	tests/user/* | tests/bench/* | tests/demo/*)
		echo PREFER_DEFINED_ATTRIBUTE_MACRO,STRCPY,STRLCPY,STRNCPY,VOLATILE,BIT_MACRO ;;
	esac
}

echo ">>> checkpatch --strict" >&2
for f in $files; do
	(cd "$repo" && perl "$ksrc/scripts/checkpatch.pl" --no-tree --strict --terse \
		--show-types --quiet --ignore "$(ignore_for "$f")" -f "$f") || fail=1
done

echo ">>> kernel-doc" >&2
for f in $files; do
	out=$(cd "$repo" && perl "$ksrc/scripts/kernel-doc" -none -Wall "$f" 2>&1) || true
	if [ -n "$out" ]; then
		echo "$out"
		fail=1
	fi
done
rm -f "$log"

echo ">>> QEMU checkpatch (tests/qemu)" >&2
qsrc=$("$repo/tests/qemu/build.sh" --source)
for f in $qfiles; do
	out=$(cd "$repo" && perl "$qsrc/scripts/checkpatch.pl" --no-tree -f "$f" 2>&1) ||
		{ echo "$out" | grep -E -A4 '^(ERROR|WARNING)'; fail=1; }
done

if [ $fail -ne 0 ]; then
	echo "check: FAILED" >&2
	exit 1
fi
echo "check: W=1, sparse, checkpatch --strict and kernel-doc clean ($(echo "$files" | wc -w) files; QEMU checkpatch: $(echo "$qfiles" | wc -w) files)"
