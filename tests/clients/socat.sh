#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# socat over AF_VSOCK loopback (CID 1), or over VMCI with VV_PEER_CID=2
# (host-local, or through the device model's hairpin), as users run it:
# an echo server, a 4 MiB file transfer, a half-closed request/reply, many
# short and parallel connections, a UNIX-to-VSOCK relay, a refused connect
# and a listener killed while clients connect.  KTAP on stdout.

. "$(dirname "$0")/ktap.sh"

# The CID to reach our own listeners: 1 (loopback), or 2 over VMCI.
peer=${VV_PEER_CID:-1}

plan 8

# A forking echo server used by several cases.  -t 10: after the client's
# EOF, wait up to 10 s (not 0.5) for cat's last output.
socat -d -d -t 10 VSOCK-LISTEN:5101,fork EXEC:cat 2>"$dir/echo.log" &
echo_pid=$!
wait_log "$dir/echo.log" "listening on" || echo "# echo server did not start"

# 1. One request through the echo server.
out=$(echo "hello over vsock" | t socat -t 10 - VSOCK-CONNECT:$peer:5101)
rc=$?
if [ $rc -eq 0 ] && [ "$out" = "hello over vsock" ]; then
	ok socat_echo
else
	echo "# rc=$rc reply '$out'"
	not_ok socat_echo
fi

# 2. 2 MiB one way, socat -u on both ends, SHA-256 compared.
mkdata 2048 "$dir/in"
socat -d -d -u VSOCK-LISTEN:5102 "CREATE:$dir/out" 2>"$dir/l2.log" &
lpid=$!
wait_log "$dir/l2.log" "listening on"
t socat -u "OPEN:$dir/in" VSOCK-CONNECT:$peer:5102
crc=$?
wait $lpid
lrc=$?
if [ $crc -eq 0 ] && [ $lrc -eq 0 ] && same "$dir/in" "$dir/out"; then
	ok socat_file_2MiB_sha256
else
	echo "# client rc=$crc listener rc=$lrc"
	not_ok socat_file_2MiB_sha256
fi

# 3. Half-close: the client shuts down its write side at EOF of its input;
# the server answers only then, with the checksum of what it read.
mkdata 1024 "$dir/in1"
socat -d -d VSOCK-LISTEN:5103 SYSTEM:sha256sum 2>"$dir/l3.log" &
lpid=$!
wait_log "$dir/l3.log" "listening on"
reply=$(t socat -t 20 - VSOCK-CONNECT:$peer:5103 <"$dir/in1")
crc=$?
wait $lpid
want=$(sha256sum <"$dir/in1")
if [ $crc -eq 0 ] && [ "$reply" = "$want" ]; then
	ok socat_half_close_reply
else
	echo "# rc=$crc reply '$reply', expected '$want'"
	not_ok socat_half_close_reply
fi

# 4. 10 short connections in turn, each with its own token.
expect socat_10_short_connections short_connections 10 t socat -t 10 - VSOCK-CONNECT:$peer:5101

# 5. 4 clients at once, 256 KiB each, through the echo server.
mkdata 256 "$dir/in5"
pids=
i=0
while [ $i -lt 4 ]; do
	t socat -t 20 - VSOCK-CONNECT:$peer:5101 <"$dir/in5" >"$dir/out5.$i" &
	pids="$pids $!"
	i=$((i + 1))
done
wait_clients() {
	bad=0
	j=0
	while [ $j -lt 4 ]; do
		same "$dir/in5" "$dir/out5.$j" || bad=1
		j=$((j + 1))
	done
	return $bad
}
# shellcheck disable=SC2086 # one word per pid
wait $pids
expect socat_4_parallel_clients wait_clients

# 6. A UNIX socket relayed to the VSOCK echo server (an agent proxy).
socat -d -d "UNIX-LISTEN:$dir/relay.sock,fork" VSOCK-CONNECT:$peer:5101 \
	2>"$dir/l6.log" &
rpid=$!
wait_log "$dir/l6.log" "listening on"
out=$(t socat -t 10 - "UNIX-CONNECT:$dir/relay.sock" <"$dir/in5" | sha256sum)
kill $rpid
wait $rpid 2>/dev/null
expect socat_unix_relay [ "$out" = "$(sha256sum <"$dir/in5")" ]

# 7. Nobody listens: the connect fails with ECONNRESET (RST, no retry).
msg=$(t socat - VSOCK-CONNECT:$peer:5199 </dev/null 2>&1)
rc=$?
if [ $rc -ne 0 ] && ! hung $rc &&
   echo "$msg" | grep -q "Connection reset by peer"; then
	ok socat_connect_refused
else
	echo "# rc=$rc: $msg"
	not_ok socat_connect_refused
fi

# 8. Kill -9 a forking listener while 3 client loops connect, once the
# first echo came back.  Every client must end (no hang) with its echo, an
# empty reply (accepted, then closed by the listener's death) or an error;
# then the port must be refused, and free for a new listener.
socat -d -d -t 10 VSOCK-LISTEN:5104,fork EXEC:cat 2>"$dir/l8.log" &
kpid=$!
wait_log "$dir/l8.log" "listening on"
kill_while_connecting $kpid socat -t 5 - VSOCK-CONNECT:$peer:5104
msg=$(t socat - VSOCK-CONNECT:$peer:5104 </dev/null 2>&1)
refused=$?
socat -d -d -u VSOCK-LISTEN:5104 "CREATE:$dir/out8" 2>"$dir/l8b.log" &
lpid=$!
wait_log "$dir/l8b.log" "listening on"
echo again | t socat -u - VSOCK-CONNECT:$peer:5104
wait $lpid
if ! grep -q bad "$dir"/k[0-2] && grep -q echo "$dir"/k[0-2] &&
   [ $refused -ne 0 ] && ! hung $refused &&
   echo "$msg" | grep -q "Connection reset by peer" &&
   [ "$(cat "$dir/out8")" = again ]; then
	ok socat_listener_killed
else
	echo "# refused rc=$refused ($msg)"
	echo "# relistened: '$(cat "$dir/out8" 2>/dev/null)'"
	not_ok socat_listener_killed
fi

kill $echo_pid
wait $echo_pid 2>/dev/null
finish
