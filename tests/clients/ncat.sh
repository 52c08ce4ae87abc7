#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ncat --vsock (nmap's ncat 7.93) over AF_VSOCK loopback (CID 1), or over
# VMCI with VV_PEER_CID=2, as users run it: file transfers both ways, --keep-open --sh-exec servers with
# short and parallel clients, interworking with socat, a refused connect,
# a killed listener and a collector.  KTAP on stdout.
#
# ncat 7.93 quits at EOF of its input without waiting for the reply, and
# its --exec server closes the connection at EOF from the peer without
# waiting for the child's output (TCP as well): so request/reply clients
# use --no-shutdown against a server that ends the connection, or
# --recv-only, and half-close is left to the socat and python tests.
# Listeners are started directly in the background (never through a shell
# function), so that $! is ncat itself.

. "$(dirname "$0")/ktap.sh"

# The CID to reach our own listeners: 1 (loopback), or 2 over VMCI.
peer=${VV_PEER_CID:-1}

plan 8

# started LOG: the listener logging to $dir/LOG listens.
started() { wait_log "$dir/$1" "Listening on"; }
client() { t ncat --vsock "$@"; }

# 1. 1 MiB client to server, SHA-256 compared.
mkdata 1024 "$dir/in"
ncat -v --vsock -l --recv-only 5201 >"$dir/out" 2>"$dir/l1.log" &
lpid=$!
started l1.log
client --send-only $peer 5201 <"$dir/in"
crc=$?
wait $lpid
lrc=$?
if [ $crc -eq 0 ] && [ $lrc -eq 0 ] && same "$dir/in" "$dir/out"; then
	ok ncat_client_to_server_1MiB
else
	echo "# client rc=$crc listener rc=$lrc"
	not_ok ncat_client_to_server_1MiB
fi

# 2. 1 MiB server to client.
rm -f "$dir/out"
ncat -v --vsock -l --send-only 5202 <"$dir/in" 2>"$dir/l2.log" &
lpid=$!
started l2.log
client --recv-only $peer 5202 >"$dir/out"
crc=$?
wait $lpid
lrc=$?
if [ $crc -eq 0 ] && [ $lrc -eq 0 ] && same "$dir/in" "$dir/out"; then
	ok ncat_server_to_client_1MiB
else
	echo "# client rc=$crc listener rc=$lrc"
	not_ok ncat_server_to_client_1MiB
fi

# A --keep-open line echo server for the next cases.
ncat -v --vsock -l -k --sh-exec "head -n 1" 5204 2>"$dir/l4.log" &
echo_pid=$!
started l4.log

# 3. 6 short connections in turn.
expect ncat_6_short_connections short_connections 6 client --no-shutdown $peer 5204

# 4. 4 parallel downloads of 256 KiB from a --keep-open server.
mkdata 256 "$dir/in5"
ncat -v --vsock -l -k --sh-exec "cat $dir/in5" 5205 2>"$dir/l5.log" &
lpid=$!
started l5.log
pids=
i=0
while [ $i -lt 4 ]; do
	client --recv-only $peer 5205 >"$dir/out5.$i" &
	pids="$pids $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086 # one word per pid
wait $pids
kill $lpid
wait $lpid 2>/dev/null
check_parallel() {
	bad=0
	j=0
	while [ $j -lt 4 ]; do
		same "$dir/in5" "$dir/out5.$j" || bad=1
		j=$((j + 1))
	done
	return $bad
}
expect ncat_4_parallel_downloads check_parallel

# 5. ncat client, socat server; socat client, ncat server.
socat -d -d -u VSOCK-LISTEN:5206 "CREATE:$dir/out6a" 2>"$dir/s6.log" &
spid=$!
wait_log "$dir/s6.log" "listening on"
client --send-only $peer 5206 <"$dir/in5"
wait $spid
ncat -v --vsock -l --recv-only 5207 >"$dir/out6b" 2>"$dir/l6.log" &
lpid=$!
started l6.log
t socat -u "OPEN:$dir/in5" VSOCK-CONNECT:$peer:5207
wait $lpid
both() { same "$dir/in5" "$dir/out6a" && same "$dir/in5" "$dir/out6b"; }
expect ncat_socat_interop both

# 6. Nobody listens: ncat fails with ECONNRESET.
msg=$(client $peer 5299 </dev/null 2>&1)
rc=$?
if [ $rc -ne 0 ] && ! hung $rc &&
   echo "$msg" | grep -q "Connection reset by peer"; then
	ok ncat_connect_refused
else
	echo "# rc=$rc: $msg"
	not_ok ncat_connect_refused
fi

# 7. Kill -9 the echo listener while clients connect, once the first echo
# came back: no client hangs or gets foreign data; then the port is
# refused, and free for a new listener.
kill_while_connecting $echo_pid ncat --vsock --no-shutdown $peer 5204
msg=$(client $peer 5204 </dev/null 2>&1)
refused=$?
ncat -v --vsock -l --recv-only 5204 >"$dir/out8" 2>"$dir/l7.log" &
lpid=$!
started l7.log
echo again | client --send-only $peer 5204
wait $lpid
if ! grep -q bad "$dir"/k[0-2] && grep -q echo "$dir"/k[0-2] &&
   [ $refused -ne 0 ] && ! hung $refused &&
   echo "$msg" | grep -q "Connection reset by peer" &&
   [ "$(cat "$dir/out8")" = again ]; then
	ok ncat_listener_killed
else
	echo "# refused rc=$refused ($msg)"
	echo "# relistened: '$(cat "$dir/out8" 2>/dev/null)'"
	not_ok ncat_listener_killed
fi

# 8. A --keep-open collector that several senders write to in turn.
ncat -v --vsock -l -k --recv-only 5208 >"$dir/out9" 2>"$dir/l8.log" &
lpid=$!
started l8.log
i=0
while [ $i -lt 4 ]; do
	echo "sender $i" | client --send-only $peer 5208
	i=$((i + 1))
done
i=0
while [ $i -lt 100 ] && [ "$(wc -l <"$dir/out9")" -lt 4 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill $lpid
wait $lpid 2>/dev/null
want=$(printf 'sender %d\n' 0 1 2 3)
expect ncat_keep_open_4_senders [ "$(sort "$dir/out9")" = "$want" ]

finish
