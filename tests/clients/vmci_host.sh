#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# socat in the guest talking to programs on the host through the VMCI
# device model (tests/qemu/host_peer.py serves them): an echo, 1 MiB
# there and back compared by SHA-256, a port nobody serves; then socat on
# both ends: the host's socat as a server, and the host's socat
# connecting to a guest socat's listener.  KTAP.

. "$(dirname "$0")/ktap.sh"

plan 5

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

# A host that predates REQUEST2 (the model's STATS says request2=0)
# refuses the REQUEST after its INVALID with an RST the guest ignores
# (very old hosts sent a stray one): the connect times out.
refused="Connection reset by peer"
stats=$(echo STATS | t socat -t 10 - VSOCK-CONNECT:2:5008)
case "$stats" in
*request2=0*) refused="Connection timed out" ;;
esac
msg=$(t socat - VSOCK-CONNECT:2:5999 </dev/null 2>&1)
rc=$?
if [ $rc -ne 0 ] && ! hung $rc && echo "$msg" | grep -q "$refused"; then
	ok socat_host_port_refused
else
	echo "# rc=$rc, expected '$refused': $msg"
	not_ok socat_host_port_refused
fi

# The host's own socat serves port 5007 (through tr a-z A-Z).
out=$(echo "hello host socat" | t socat -t 10 - VSOCK-CONNECT:2:5007)
rc=$?
if [ $rc -eq 0 ] && [ "$out" = "HELLO HOST SOCAT" ]; then
	ok socat_to_host_socat
else
	echo "# rc=$rc reply '$out'"
	not_ok socat_to_host_socat
fi

# The host's socat connects to a socat listening in the guest (which
# answers through tr a-z A-Z): host_peer.py runs it when asked on 5006.
t socat -d -d VSOCK-LISTEN:7000 SYSTEM:"tr a-z A-Z" 2>"$dir/listen.log" &
lpid=$!
wait_log "$dir/listen.log" "listening on"
out=$(echo "SOCAT 7000" | t socat -t 40 - VSOCK-CONNECT:2:5006)
rc=$?
kill $lpid 2>/dev/null
wait $lpid 2>/dev/null
if [ $rc -eq 0 ] && echo "$out" | grep -qx "HELLO FROM HOST SOCAT" &&
   echo "$out" | grep -qx "rc=0"; then
	ok host_socat_to_guest_socat
else
	echo "# rc=$rc reply:"
	echo "$out" | sed 's/^/# /'
	not_ok host_socat_to_guest_socat
fi

finish
