# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench`, sourced by init after lib.sh (fd 3 is the
# results port; the host prints it verbatim).
#
# One boot measures three families:
#   AF_UNIX              always there
#   in-kernel vsock      modprobe vsock vsock_loopback ... unload
#   ours                 insmod /etc/vv/modules.list ... unload
# Both vsock families register AF_VSOCK, so they never share the kernel.
# The host's CPUs are shared, so its load drifts: rather than measuring
# one family after the other, every round runs each metric once for each
# family, and the table pools the rounds (sockbench -T).  A family that
# cannot be loaded or measured becomes an "unavailable" column instead of
# failing the run.

bench_rounds=5		# samples per metric and family; the median is shown
bench_secs=2		# seconds per sample
bench_dir=/tmp/bench
# One round of one family: six metrics plus process and socket set-up.
bench_limit=$((6 * (bench_secs + 3) + 30))

bench_log() {
	echo "--- bench: $*" >/dev/console
}

# bench_family FAMILY NAME: one round of every metric, under a time limit.
# A family that hangs once is not run again.
bench_family() {
	local out="$bench_dir/$2" rc=0

	timeout -s KILL "$bench_limit" sockbench -r 1 -t "$bench_secs" \
		-o "$out" -v "$1" >/dev/console 2>&1 || rc=$?
	[ $rc -eq 137 ] && echo "unavailable killed after ${bench_limit}s" >>"$out"
	return 0
}

bench_unavailable() {
	grep -q '^unavailable' "$bench_dir/$1" 2>/dev/null
}

bench_modules() {
	cut -d' ' -f1 /proc/modules
}

# bench_unload BEFORE: unload every module loaded since BEFORE (a list from
# bench_modules), dependencies included.  /proc/modules lists the newest
# first, which is the order to unload in.  A closing socket may pin its
# transport for a while, so each rmmod is retried for a few seconds.
bench_unload() {
	local m n
	for m in $(bench_modules | grep -vxF "$1"); do
		n=0
		until rmmod "$m" 2>/dev/null; do
			n=$((n + 1))
			[ $n -ge 30 ] && { bench_log "cannot unload $m"; return 1; }
			sleep 1
		done
	done
}

# The other vsock family must be gone before one is loaded.
bench_vsock_free() {
	if grep -q '^vsock ' /proc/modules; then
		echo "unavailable a vsock module stayed loaded" >>"$bench_dir/$1"
		return 1
	fi
}

bench_kernel() {
	local before m

	bench_unavailable kernel && return
	bench_vsock_free kernel || return
	before=$(bench_modules)
	for m in $(cat /etc/vv/kernel-modules.list); do
		if ! modprobe "$m" >/dev/console 2>&1; then
			echo "unavailable modprobe $m failed" >>"$bench_dir/kernel"
			break
		fi
	done
	bench_unavailable kernel || bench_family vsock kernel
	bench_unload "$before"
}

# Ours counts only if vsock and vsock_loopback really are ours (out-of-tree
# taint "O"); module autoloading is off meanwhile so that a socket() can
# never pull in the in-kernel family instead.
bench_ours() {
	local before m modprobe

	bench_unavailable ours && return
	bench_vsock_free ours || return
	before=$(bench_modules)
	modprobe=$(cat /proc/sys/kernel/modprobe)
	echo /bin/true >/proc/sys/kernel/modprobe
	VV_IMPL=ours
	load_modules 3>/dev/console
	for m in vsock vsock_loopback; do
		if ! grep -q O "/sys/module/$m/taint" 2>/dev/null; then
			echo "unavailable our $m.ko does not load (built? in modules.list?)" \
				>>"$bench_dir/ours"
			break
		fi
	done
	bench_unavailable ours || bench_family vsock ours
	bench_unload "$before"
	echo "$modprobe" >/proc/sys/kernel/modprobe
}

vv_bench_main() {
	local round=1

	rm -rf "$bench_dir"
	mkdir -p "$bench_dir"
	if ! command -v sockbench >/dev/null; then
		echo "bench: sockbench missing (tests/bench not built)" >&3
		return
	fi
	echo "# vv-bench: kernel $(uname -r), $(nproc) CPUs," \
		"$bench_rounds rounds of ${bench_secs}s per metric and family" >&3
	while [ $round -le $bench_rounds ]; do
		bench_log "round $round of $bench_rounds"
		bench_family unix unix
		bench_kernel
		bench_ours
		round=$((round + 1))
	done
	sockbench -T "$bench_dir/unix" "$bench_dir/kernel" "$bench_dir/ours" >&3
}

[ "$VV_MODE" = bench ] && vv_bench_main
