#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, with apt, whatever the build and the QEMU harness need and the
# machine lacks. Idempotent: a machine that has everything runs no apt.
set -euo pipefail

pkgs=(make gcc libc6-dev bc bison flex cpio gzip xz-utils kmod libelf-dev libssl-dev
      python3 perl sparse busybox-static qemu-system-x86 linux-source-6.12
      linux-headers-amd64 socat ncat)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]} (run as root, or install them)" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
