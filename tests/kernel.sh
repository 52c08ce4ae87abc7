#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) and print the path of a cached x86_64 test kernel.
#
#   tests/kernel.sh debug   ->  KASAN + lockdep + KUnit kernel (make test)
#   tests/kernel.sh bench   ->  same kernel without the debug options (make bench)
#
# The build lives outside the repository, in $VV_CACHE/kernel-<flavour>-<key>,
# where <key> hashes the kernel source version and every config fragment
# applied, so editing a fragment builds a new kernel and leaves the old one.
# The directory is usable as KDIR for out-of-tree modules and holds the
# in-kernel modules, installed under staging/, for side-by-side runs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
flavour=${1:-debug}
cache=${VV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsock-vmci}
tarball=/usr/src/linux-source-6.12.tar.xz

case "$flavour" in
debug) frags=("$here/config/debug.config") ;;
bench) frags=("$here/config/debug.config" "$here/config/bench.config") ;;
*) echo "kernel.sh: unknown flavour '$flavour'" >&2; exit 2 ;;
esac

[ -f "$tarball" ] || { echo "kernel.sh: $tarball missing (run tests/deps.sh)" >&2; exit 1; }

# Comments do not change the kernel, so only the option lines count.
key=$( { stat -c %s "$tarball"; grep -h '^CONFIG_' "${frags[@]}"; } | sha256sum | cut -c1-12)
out=$cache/kernel-$flavour-$key
src=$cache/src/linux-source-6.12

if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache/src"
if [ ! -f "$src/Makefile" ]; then
	echo "kernel.sh: unpacking linux-source-6.12" >&2
	rm -rf "$src"
	tar -C "$cache/src" -xf "$tarball"
fi

log=$cache/kernel-$flavour-$key.log

# set -e does not apply inside a function called from a condition, so
# every step carries its own '|| return'.
build() {
	make -C "$src" O="$out" ARCH=x86_64 tinyconfig || return
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${frags[@]}" || return
	make -C "$src" O="$out" ARCH=x86_64 olddefconfig || return
	# Fail early if Kconfig silently dropped an option we depend on.
	# Only the value that wins (the last fragment setting it) counts.
	local line
	for line in $(cat "${frags[@]}" | grep -E '^CONFIG_[A-Z0-9_]+=' | tac |
		      awk -F= '!seen[$1]++' | grep -E '^CONFIG_[A-Z0-9_]+=[ym]'); do
		grep -qx "$line" "$out/.config" ||
			{ echo "kernel.sh: $line did not survive olddefconfig"; return 1; }
	done
	make -C "$src" O="$out" ARCH=x86_64 -j"$(nproc)" bzImage modules || return
	make -C "$src" O="$out" ARCH=x86_64 INSTALL_MOD_PATH="$out/staging" \
		INSTALL_MOD_STRIP=1 modules_install || return
}

echo "kernel.sh: building $flavour kernel in $out (log: $log)" >&2
rm -rf "$out"
mkdir -p "$out"
if ! build >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "kernel.sh: build failed" >&2
	exit 1
fi
touch "$out/.done"
echo "$out"
