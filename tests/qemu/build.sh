#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build (once) and print the path of a qemu-system-x86_64 that has the
# VMware VMCI device model of this directory (-device vmw-vmci).
#
# The model's sources are dropped into Debian 12's QEMU 7.2 source package
# as hw/misc/vmw-vmci/ and a minimal x86_64-softmmu binary is built.  The
# binary is cached outside the repository, in
# $VV_CACHE/qemu-<key>/qemu-system-x86_64, where <key> hashes the model's
# sources, this script and the QEMU package version, so editing the model
# builds a new binary and leaves the old one.  One build tree
# ($VV_CACHE/qemu-build) is reused, so a rebuild after an edit only
# recompiles the model.
#
# tests/qemu/build.sh --source only fetches the source and prints its path
# (make check runs QEMU's checkpatch.pl from it).
#
# Firmware: the Debian source is +dfsg (no prebuilt ROMs), so run the
# binary with -L /usr/share/qemu -L /usr/share/seabios (tests/run.sh does).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${VV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsock-vmci}
srcroot=$cache/qemu-src
build=$cache/qemu-build
model=(vmw-vmci.h vmw-vmci-abi.h vmw-vmci-vsock.h vmw-vmci.c vmw-vmci-dgram.c vmw-vmci-hyp.c
       vmw-vmci-qp.c vmw-vmci-vsock.c vmw-vmci-bridge.c meson.build)
pkgs=(dpkg-dev meson ninja-build pkg-config libglib2.0-dev libpixman-1-dev zlib1g-dev
      libfdt-dev python3 qemu-system-x86 seabios)

need_root() {
	[ "$(id -u)" -eq 0 ] || { echo "qemu/build.sh: $1 (run as root)" >&2; exit 1; }
}

install_deps() {
	local p missing=()
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	need_root "missing packages: ${missing[*]}"
	echo "qemu/build.sh: installing ${missing[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

# A deb-src copy of the machine's Debian entries, then apt-get source.
fetch_source() {
	local list=/etc/apt/sources.list.d/vv-debian-src.sources f
	[ -n "$(ls -d "$srcroot"/qemu-*/ 2>/dev/null)" ] && return
	need_root "the QEMU source package is needed"
	if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
	   ! grep -qs '^deb-src' /etc/apt/sources.list; then
		for f in /etc/apt/sources.list.d/*.sources; do
			# The glob sees the list being written: not a source.
			[ "$f" = "$list" ] && continue
			grep -q 'deb.debian.org' "$f" || continue
			sed 's/^Types: deb$/Types: deb-src/' "$f"
			echo
		done >"$list"
		[ -s "$list" ] || { rm -f "$list"; echo "qemu/build.sh: no Debian apt source" >&2; exit 1; }
	fi
	echo "qemu/build.sh: fetching the qemu source package" >&2
	apt-get update -qq >/dev/null
	rm -rf "$srcroot.tmp"
	mkdir -p "$srcroot.tmp"
	(cd "$srcroot.tmp" && apt-get source -qq qemu >/dev/null 2>&1) ||
		{ echo "qemu/build.sh: apt-get source qemu failed" >&2; exit 1; }
	rm -rf "$srcroot"
	mv "$srcroot.tmp" "$srcroot"
}

# Copy the model into the tree and hook it into hw/misc, once.
add_model() {
	local src=$1 f dst=$1/hw/misc/vmw-vmci
	mkdir -p "$dst"
	for f in "${model[@]}"; do
		# Only changed files: an unchanged mtime keeps ninja from rebuilding.
		cmp -s "$here/$f" "$dst/$f" || cp "$here/$f" "$dst/$f"
	done
	grep -q "subdir('vmw-vmci')" "$src/hw/misc/meson.build" ||
		echo "subdir('vmw-vmci')" >>"$src/hw/misc/meson.build"
	grep -q 'config VMW_VMCI' "$src/hw/misc/Kconfig" ||
		printf '\nconfig VMW_VMCI\n    bool\n    default y if PCI_DEVICES\n    depends on PCI && MSI_NONBROKEN\n' \
			>>"$src/hw/misc/Kconfig"
}

install_deps
fetch_source
src=$(ls -d "$srcroot"/qemu-*/ | head -n 1)
src=${src%/}
if [ "${1-}" = --source ]; then
	echo "$src"
	exit 0
fi
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
key=$( { echo "$version"; cd "$here" && cat "${model[@]}" build.sh; } | sha256sum | cut -c1-12)
out=$cache/qemu-$key

if [ -x "$out/qemu-system-x86_64" ]; then
	echo "$out/qemu-system-x86_64"
	exit 0
fi

# One build tree: two checkouts building at once take turns.
mkdir -p "$cache"
exec 9>"$cache/qemu-build.lock"
flock 9
if [ -x "$out/qemu-system-x86_64" ]; then
	echo "$out/qemu-system-x86_64"
	exit 0
fi

add_model "$src"
log=$cache/qemu-build.log
echo "qemu/build.sh: building QEMU $version with the VMCI model (log: $log)" >&2
: >"$log"
if [ ! -f "$build/build.ninja" ]; then
	rm -rf "$build"
	mkdir -p "$build"
	(cd "$build" && "$src/configure" --target-list=x86_64-softmmu \
		--without-default-features --disable-docs --disable-werror --enable-fdt=system) >"$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; echo "qemu/build.sh: configure failed" >&2; exit 1; }
fi
ninja -C "$build" qemu-system-x86_64 >>"$log" 2>&1 ||
	{ grep -E -A5 'error|FAILED' "$log" | tail -n 60 >&2
	  echo "qemu/build.sh: build failed" >&2; exit 1; }
# The model compiles without a warning (QEMU's own warning flags).
if grep -q 'vmw-vmci/.*warning:' "$log"; then
	grep -A3 'vmw-vmci/.*warning:' "$log" >&2
	touch "$src"/hw/misc/vmw-vmci/*.c
	echo "qemu/build.sh: the model has compiler warnings" >&2
	exit 1
fi
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
cp "$build/qemu-system-x86_64" "$out.tmp/"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out/qemu-system-x86_64"
