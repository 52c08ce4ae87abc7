# SPDX-License-Identifier: GPL-2.0
#
# KTAP output and helpers for the client test scripts (sourced, busybox sh).
#
#   plan N                  print the KTAP header for N cases
#   ok NAME / not_ok NAME   one result; skip NAME REASON for "# SKIP"
#   expect NAME CMD...      ok if CMD succeeds
#   t CMD...                CMD with a 60 s limit; hung RC: it timed out
#   wait_log FILE REGEX     wait (30 s) until a listener logged that it listens
#   kill_while_connecting PID CMD...  kill a listener while clients connect
#   short_connections N CMD...        N echo round trips, one connection each
#   finish                  exit status: 0 if no case failed

n=0
fails=0
dir=$(mktemp -d /tmp/vv-clients.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT

plan() {
	echo "KTAP version 1"
	echo "1..$1"
}

# A case that took 3 s or more says so, to keep the suite's time in view.
last=$(date +%s)
took() {
	now=$(date +%s)
	[ $((now - last)) -lt 3 ] || echo "# $1: $((now - last)) s"
	last=$now
}

ok() { took "$1"; n=$((n + 1)); echo "ok $n $1"; }
skip() { took "$1"; n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
not_ok() {
	took "$1"
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n $1"
}

expect() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# Every client runs under a time limit: a hang is a failure, not a stuck
# guest.  hung RC: RC is the status of a command that timed out (busybox
# timeout kills it with SIGTERM: 143; coreutils says 124).  The limit is
# generous: a loaded host under TCG + KASAN can take 10 s for 2 MiB.
t() { timeout 60 "$@"; }
hung() { [ "$1" -eq 124 ] || [ "$1" -eq 143 ]; }

# wait_log FILE REGEX: the listeners are started with -d -d (socat) or -v
# (ncat) and log once listen() returned, so no probe connection is needed.
wait_log() {
	w=0
	while [ $w -lt 300 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		w=$((w + 1))
	done
	echo "# no '$2' in $1 after 30 s:"
	sed 's/^/# /' "$1"
	return 1
}

# same FILE1 FILE2: equal SHA-256, reported as a diagnostic when not.
same() {
	a=$(sha256sum <"$1" | cut -d' ' -f1)
	b=$(sha256sum <"$2" 2>/dev/null | cut -d' ' -f1)
	[ "$a" = "$b" ] && return 0
	echo "# $1: $(wc -c <"$1") bytes $a"
	echo "# $2: $(wc -c <"$2" 2>/dev/null) bytes $b"
	return 1
}

# Pseudo-random, incompressible test data: SIZE_KIB KiB into FILE.
mkdata() { dd if=/dev/urandom of="$2" bs=1024 count="$1" 2>/dev/null; }

# short_connections N CMD...: N connections in turn, each sending its own
# "token <i>" line through CMD and expecting it back; fails if any did not.
short_connections() {
	count=$1
	shift
	bad=0
	i=0
	while [ $i -lt "$count" ]; do
		r=$(echo "token $i" | "$@")
		rc=$?
		if [ $rc -ne 0 ] || [ "$r" != "token $i" ]; then
			bad=$((bad + 1))
			echo "# connection $i: rc=$rc '$r'"
		fi
		i=$((i + 1))
	done
	[ $bad -eq 0 ]
}

# kill_while_connecting PID CMD...: three shells each run CMD four times,
# with a line "c<k>-<i>" on its stdin, while the listener PID is killed
# with SIGKILL once the first echo came back. Each try's outcome (echo,
# error, empty, or "bad ...") lands in $dir/k0..k2; the tally is printed
# as diagnostics.
kill_while_connecting() {
	victim=$1
	shift
	pids=
	k=0
	while [ $k -lt 3 ]; do
		(
			i=0
			while [ $i -lt 4 ]; do
				r=$(echo "c$k-$i" | t "$@" 2>/dev/null)
				rc=$?
				if hung $rc || { [ -n "$r" ] && [ "$r" != "c$k-$i" ]; }; then
					echo "bad c$k-$i rc=$rc '$r'"
				elif [ -n "$r" ]; then
					echo echo
				elif [ $rc -ne 0 ]; then
					echo error
				else
					echo empty
				fi
				i=$((i + 1))
			done
		) >"$dir/k$k" &
		pids="$pids $!"
		k=$((k + 1))
	done
	i=0
	while [ $i -lt 200 ] && ! grep -q echo "$dir"/k[0-2]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$victim"
	# shellcheck disable=SC2086 # one word per pid
	wait $pids
	cat "$dir"/k[0-2] | sort | uniq -c | sed 's/^/# /'
}

finish() { [ $fails -eq 0 ]; }
