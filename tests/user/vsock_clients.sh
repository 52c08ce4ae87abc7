#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unmodified AF_VSOCK user-space tools over loopback (CID 1): socat and
# ncat, as users run them.  Each tool missing from the guest is a KTAP
# SKIP (the harness copies host programs listed in
# tests/guest/host-programs.list).  Output is KTAP; exit 0 = no failure.

n=0
fails=0
dir=$(mktemp -d /tmp/vsock_clients.XXXXXX)
trap 'rm -rf "$dir"' EXIT

ok() { n=$((n + 1)); echo "ok $n $1${2:+ # SKIP $2}"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }

nap() { sleep 0.25 2>/dev/null || sleep 1; }

# send FILE CMD...: run the client CMD with FILE as stdin, again while it
# fails (up to 5 s): a background listener may still be starting (ncat
# takes a while to initialise), and there is no /proc/net/vsock to watch.
send() {
	f=$1
	shift
	t=0
	until to "$@" <"$f"; do
		t=$((t + 1))
		[ $t -lt 20 ] || return 1
		nap
	done
}

have() { command -v "$1" >/dev/null 2>&1; }

to() {
	if have timeout; then
		timeout 20 "$@"
	else
		"$@"
	fi
}

# bg CMD...: start CMD in the background, its own pid in $! (not that of a
# subshell, so that kill reaches the listener itself).
bg() {
	if have timeout; then
		timeout 20 "$@" &
	else
		"$@" &
	fi
}

# check NAME: compare $dir/out with $dir/in.
check() {
	if cmp -s "$dir/in" "$dir/out"; then
		ok "$1"
	else
		echo "# $1: sent $(wc -c <"$dir/in") bytes, got $(wc -c <"$dir/out" 2>/dev/null)"
		not_ok "$1"
	fi
}

echo "KTAP version 1"
echo "1..4"

# 100 KiB of text, so that the transfer spans several buffers.
i=0
while [ $i -lt 1600 ]; do
	echo "line $i of the vsock client test, 64 bytes long..............."
	i=$((i + 1))
done >"$dir/in"

# 1. socat listener and socat client, one-way transfer.
if have socat; then
	rm -f "$dir/out"
	bg socat -u VSOCK-LISTEN:5001 "OPEN:$dir/out,creat,trunc"
	pid=$!
	send "$dir/in" socat -u - VSOCK-CONNECT:1:5001 2>/dev/null
	wait $pid
	check socat_transfer
else
	ok socat_transfer "socat not in the guest"
fi

# 2. socat echo server (fork per connection), two clients in turn.
if have socat; then
	bg socat VSOCK-LISTEN:5002,fork EXEC:cat
	pid=$!
	r=0
	for k in 1 2; do
		send "$dir/in" socat -t 2 - VSOCK-CONNECT:1:5002 >"$dir/out" 2>/dev/null
		cmp -s "$dir/in" "$dir/out" || r=1
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	if [ $r -eq 0 ]; then ok socat_echo_fork; else not_ok socat_echo_fork; fi
else
	ok socat_echo_fork "socat not in the guest"
fi

# 3. ncat --vsock -l (the listener form that regressed in nmap#2807).
if have ncat && ncat --help 2>&1 | grep -q -- --vsock; then
	rm -f "$dir/out"
	bg ncat --vsock -l 5003 >"$dir/out" 2>/dev/null
	pid=$!
	send "$dir/in" ncat --vsock --send-only 1 5003 2>/dev/null
	wait $pid
	check ncat_transfer
else
	ok ncat_transfer "ncat with --vsock not in the guest"
fi

# 4. ncat client to a socat listener: the tools agree on the protocol.
if have ncat && have socat && ncat --help 2>&1 | grep -q -- --vsock; then
	rm -f "$dir/out"
	bg socat -u VSOCK-LISTEN:5004 "OPEN:$dir/out,creat,trunc"
	pid=$!
	send "$dir/in" ncat --vsock --send-only 1 5004 2>/dev/null
	wait $pid
	check ncat_to_socat
else
	ok ncat_to_socat "ncat or socat not in the guest"
fi

[ $fails -eq 0 ]
