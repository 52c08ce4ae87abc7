# SPDX-License-Identifier: GPL-2.0
#
# KTAP output and helpers for the client test scripts (sourced, busybox sh).
#
#   plan N                  print the KTAP header for N cases
#   ok NAME / not_ok NAME   one result; skip NAME REASON for "# SKIP"
#   expect NAME CMD...      ok if CMD succeeds
#   t CMD...                CMD with a 60 s limit; hung RC: it timed out
#   wait_log FILE REGEX     wait (30 s) until a listener logged that it listens
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

finish() { [ $fails -eq 0 ]; }
