#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's tools/testing/vsock/vsock_test over loopback in one guest:
# server in the background, client in the foreground, both with
# --peer-cid=1 (or the given one: 2 through the VMCI model's hairpin) and a
# TCP control channel on 127.0.0.1.  The client's
# "<id> - <name>...ok" lines are turned into KTAP, one case per vsock_test
# case.  Extra arguments (e.g. --skip=<id>) go to both sides.
#
#   run_vsock_test.sh [--bin=<suite>] [--control-port=<port>] [--peer-cid=<cid>]
#                     [--skip-name=<regex>] [vsock_test args...]
#
# --bin runs another suite of the same source and options (vsock_diag_test).
# --skip-name skips the cases whose name matches (an extended regex): what
# a transport does not implement, such as SEQPACKET over VMCI.
#
# vsock_test stops at its first failing case; this script then starts a
# new round that skips every case already run, so that one failure does
# not hide the verdict of the cases after it.
#
# Exit status 0 only if every case printed "ok" and none skipped itself
# ("Test skipped", which vsock_test prints when SIOCOUTQ is missing:
# loopback must support it).

cport=15432
peer=1
skipname=
suite=vsock_test
while :; do
	case "$1" in
	--bin=*) suite=${1#--bin=}; shift ;;
	--control-port=*) cport=${1#--control-port=}; shift ;;
	--peer-cid=*) peer=${1#--peer-cid=}; shift ;;
	--skip-name=*) skipname=${1#--skip-name=}; shift ;;
	*) break ;;
	esac
done

bin=$(command -v "$suite") || { echo "$suite not found" >&2; exit 1; }
dir=$(mktemp -d /tmp/vsock_test.XXXXXX)
trap 'rm -rf "$dir"' EXIT

run() {
	if command -v timeout >/dev/null 2>&1; then
		timeout 600 "$@"
	else
		"$@"
	fi
}

# True when a TCP socket listens on port $1 (busybox has no ss/netstat -l).
listening() {
	hex=$(printf '%04X' "$1")
	while read -r _ local _ st _; do
		case "$local:$st" in
		*:"$hex":0A) return 0 ;;
		esac
	done </proc/net/tcp
	return 1
}

# round PORT ARGS...: one server/client run; logs in $dir/{client,server}.
round() {
	port=$1
	shift
	run "$bin" --mode=server --control-port="$port" --peer-cid="$peer" "$@" \
		>"$dir/server" 2>&1 &
	spid=$!
	i=0
	while ! listening "$port"; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$spid" 2>/dev/null; then
			echo "# server did not listen on $port"
			kill "$spid" 2>/dev/null
			return 1
		fi
		sleep 0.05 2>/dev/null || sleep 1
	done
	run "$bin" --mode=client --control-host=127.0.0.1 \
		--control-port="$port" --peer-cid="$peer" "$@" >"$dir/client" 2>&1
	# The server ends on the control socket's EOF; don't wait forever.
	i=0
	while kill -0 "$spid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1 2>/dev/null || sleep 1
		i=$((i + 1))
	done
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	return 0
}

# Print "<id> <ok|skip|fail|none>" per case from this round's client log.
verdicts() {
	awk -v n="$ntests" '
	/^[0-9]+ - / { cur = $1; rec[cur] = $0; next }
	/^All tests have been executed/ { cur = ""; next }
	cur != "" { rec[cur] = rec[cur] "\n" $0 }
	END {
		for (i = 0; i < n; i++) {
			r = rec[i]
			if (r == "")
				v = "none"
			else if (r ~ /Test skipped/)
				v = "fail"
			else if (r ~ /\.\.\.skipped$/)
				v = "skip"
			else if (r ~ /ok$/)
				v = "ok"
			else
				v = "fail"
			print i, v
		}
	}' "$dir/client"
}

"$bin" --list >"$dir/list" 2>&1
ntests=$(grep -c '^[0-9]' "$dir/list")
if [ -n "$skipname" ]; then
	for id in $(awk -F '\t' -v re="$skipname" '$2 ~ re { print $1 }' "$dir/list"); do
		set -- "$@" "--skip=$id"
	done
fi

echo "KTAP version 1"
echo "1..$ntests"

autoskip=""
r=0
while [ $r -lt "$ntests" ]; do
	# shellcheck disable=SC2086
	round $((cport + r)) "$@" $autoskip || break
	failed=""
	verdicts >"$dir/verdicts"
	while read -r id v; do
		[ -f "$dir/v.$id" ] && continue
		case "$v" in
		ok | fail) echo "$v" >"$dir/v.$id" ;;
		skip) case " $autoskip " in
		      *" --skip=$id "*) ;;
		      *) echo skip >"$dir/v.$id" ;;
		      esac ;;
		esac
		if [ "$v" = fail ] && [ -z "$failed" ]; then
			failed=$id
			echo "# round $r: case $id failed; client and server said:"
			awk -v id="$id" '$0 ~ "^" id " - " { p = 1 } p' \
				"$dir/client" | sed 's/^/# client: /' | head -n 20
			awk -v id="$id" '$0 ~ "^" id " - " { p = 1 } p' \
				"$dir/server" | sed 's/^/# server: /' | head -n 20
			# A server that died in the case before breaks this one.
			grep -q "^$id - " "$dir/server" ||
				tail -n 5 "$dir/server" | sed 's/^/# server (end): /'
		fi
	done <"$dir/verdicts"
	[ -n "$failed" ] || break
	# A case that only printed "Test skipped" did not stop the client.
	grep -q '^All tests have been executed' "$dir/client" && break
	autoskip=""
	i=0
	while [ $i -le "$failed" ]; do
		autoskip="$autoskip --skip=$i"
		i=$((i + 1))
	done
	r=$((r + 1))
done

fails=0
i=0
while [ $i -lt "$ntests" ]; do
	name=$(awk -F '\t' -v id="$i" '$1 == id { print $2 }' "$dir/list" |
		sed 's/[^A-Za-z0-9][^A-Za-z0-9]*/_/g')
	v=$(cat "$dir/v.$i" 2>/dev/null)
	case "$v" in
	ok) echo "ok $((i + 1)) ${i}_$name" ;;
	skip) echo "ok $((i + 1)) ${i}_$name # SKIP --skip" ;;
	fail) echo "not ok $((i + 1)) ${i}_$name"; fails=$((fails + 1)) ;;
	*) echo "not ok $((i + 1)) ${i}_$name # never ran"; fails=$((fails + 1)) ;;
	esac
	i=$((i + 1))
done
[ $fails -eq 0 ]
