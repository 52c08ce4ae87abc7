#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# socat in the guest talking to programs on the host through the VMCI
# device model (tests/qemu/host_peer.py serves them): an echo, 1 MiB
# there and back compared by SHA-256, a port nobody serves.  KTAP.

. "$(dirname "$0")/ktap.sh"

plan 3

out=$(echo "hello host" | t socat -t 10 - VSOCK-CONNECT:2:5000)
rc=$?
if [ $rc -eq 0 ] && [ "$out" = "hello host" ]; then
	ok socat_host_echo
else
	echo "# rc=$rc reply '$out'"
	not_ok socat_host_echo
fi

# socat half-closes at the end of its input; the host echoes all, closes.
mkdata 1024 "$dir/in"
t socat -t 20 - VSOCK-CONNECT:2:5000 <"$dir/in" >"$dir/out"
rc=$?
if [ $rc -eq 0 ] && same "$dir/in" "$dir/out"; then
	ok socat_host_echo_1MiB_sha256
else
	echo "# rc=$rc"
	not_ok socat_host_echo_1MiB_sha256
fi

msg=$(t socat - VSOCK-CONNECT:2:5999 </dev/null 2>&1)
rc=$?
if [ $rc -ne 0 ] && ! hung $rc &&
   echo "$msg" | grep -q "Connection reset by peer"; then
	ok socat_host_port_refused
else
	echo "# rc=$rc: $msg"
	not_ok socat_host_port_refused
fi

finish
