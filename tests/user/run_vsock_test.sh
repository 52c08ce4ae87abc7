#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's tools/testing/vsock/vsock_test over loopback in one guest:
# server in the background, client in the foreground, both with
# --peer-cid=1 and a TCP control channel on 127.0.0.1.  The client's
# "<id> - <name>...ok" lines are turned into KTAP, one case per vsock_test
# case.  Extra arguments (e.g. --skip=<id>) go to both sides.
#
#   run_vsock_test.sh [--control-port=<port>] [vsock_test args...]
#
# Exit status 0 only if the client and the server both succeeded, every
# case printed "ok", and no case skipped itself ("Test skipped", which
# vsock_test prints when SIOCOUTQ is missing: loopback must support it).

cport=15432
case "$1" in
--control-port=*) cport=${1#--control-port=}; shift ;;
esac

bin=$(command -v vsock_test) || { echo "vsock_test not found" >&2; exit 1; }
dir=$(mktemp -d /tmp/vsock_test.XXXXXX)
limit=600

run() {
	if command -v timeout >/dev/null 2>&1; then
		timeout "$limit" "$@"
	else
		"$@"
	fi
}

# Same as grep -q "$1" /proc/net/tcp for a listening socket on port $1.
listening() {
	hex=$(printf '%04X' "$1")
	while read -r _ local _ st _; do
		case "$local:$st" in
		*:"$hex":0A) return 0 ;;
		esac
	done < /proc/net/tcp
	return 1
}

"$bin" --list > "$dir/list" 2>&1
ntests=$(grep -c '^[0-9]' "$dir/list")

run "$bin" --mode=server --control-port="$cport" --peer-cid=1 "$@" \
	> "$dir/server" 2>&1 &
spid=$!

i=0
while ! listening "$cport"; do
	i=$((i + 1))
	if [ $i -gt 200 ] || ! kill -0 "$spid" 2>/dev/null; then
		echo "KTAP version 1"
		echo "1..$ntests"
		echo "# server did not start listening on $cport"
		sed 's/^/# server: /' "$dir/server"
		kill "$spid" 2>/dev/null
		exit 1
	fi
	sleep 0.05 2>/dev/null || sleep 1
done

run "$bin" --mode=client --control-host=127.0.0.1 --control-port="$cport" \
	--peer-cid=1 "$@" > "$dir/client" 2>&1
crc=$?
wait "$spid"
src=$?

echo "KTAP version 1"
echo "1..$ntests"
# One record per "<id> - " header; the verdict is the record's last word.
awk -v listf="$dir/list" '
BEGIN {
	while ((getline l < listf) > 0) {
		if (l !~ /^[0-9]+\t/)
			continue
		split(l, f, "\t")
		name[f[1]] = f[2]
		n++
	}
}
/^[0-9]+ - / {
	cur = $1
	rec[cur] = $0
	next
}
/^All tests have been executed/ { cur = ""; next }
cur != "" { rec[cur] = rec[cur] "\n" $0 }
END {
	fails = 0
	for (i = 0; i < n; i++) {
		t = name[i]
		gsub(/[^A-Za-z0-9]+/, "_", t)
		t = i "_" t
		r = rec[i]
		if (r ~ /Test skipped/) {
			print "# " r
			print "not ok " (i + 1) " " t " # skipped itself on loopback"
			fails++
		} else if (r ~ /\.\.\.skipped$/) {
			print "ok " (i + 1) " " t " # SKIP --skip"
		} else if (r ~ /ok$/) {
			print "ok " (i + 1) " " t
		} else {
			gsub(/\n/, "\n# ", r)
			print "# " r
			print "not ok " (i + 1) " " t
			fails++
		}
	}
	exit fails ? 1 : 0
}' "$dir/client"
arc=$?

if [ $crc -ne 0 ] || [ $src -ne 0 ] || [ $arc -ne 0 ]; then
	echo "# client exit $crc, server exit $src"
	sed 's/^/# client: /' "$dir/client" | tail -n 20
	sed 's/^/# server: /' "$dir/server" | tail -n 20
	rm -rf "$dir"
	exit 1
fi
rm -rf "$dir"
exit 0
