# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench`, sourced by init after lib.sh (fd 3 is the
# results port; the host prints it verbatim).
#
# One boot measures, one after the other:
#   AF_UNIX              always there
#   in-kernel vsock      modprobe vsock vsock_loopback, measure, unload
#   ours                 insmod /etc/vv/modules.list, measure, unload
# Both vsock families register AF_VSOCK, so they never share the kernel.
# Each family runs under a time limit, and a family that cannot be loaded
# or measured becomes an "unavailable" column instead of failing the run.

bench_runs=5		# median of this many runs per metric
bench_secs=1		# seconds per run
bench_dir=/tmp/bench
# Six metrics, each run bench_runs times, plus process and socket set-up.
bench_limit=$((6 * bench_runs * (bench_secs + 2) + 60))

bench_log() {
	echo "--- bench: $*" >/dev/console
}

# bench_family FAMILY RESULT_FILE: run every metric, under a time limit.
bench_family() {
	local rc=0

	timeout -s KILL "$bench_limit" vv_bench -r "$bench_runs" \
		-t "$bench_secs" -o "$2" -v "$1" >/dev/console 2>&1 || rc=$?
	[ $rc -eq 137 ] && echo "unavailable killed after ${bench_limit}s" >>"$2"
	return 0
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

bench_kernel() {
	local out=$bench_dir/kernel before m

	before=$(bench_modules)
	for m in $(cat /etc/vv/kernel-modules.list); do
		if ! modprobe "$m" >/dev/console 2>&1; then
			echo "unavailable modprobe $m failed" >"$out"
			break
		fi
	done
	if [ ! -e "$out" ]; then
		bench_log "in-kernel vsock"
		bench_family vsock "$out"
	fi
	bench_unload "$before" ||
		echo "unavailable in-kernel vsock stayed loaded" >"$bench_dir/ours"
}

# Ours counts only if vsock and vsock_loopback really are ours (out-of-tree
# taint "O"); module autoloading is off meanwhile so that a socket() can
# never pull in the in-kernel family instead.
bench_ours() {
	local out=$bench_dir/ours before m modprobe

	[ -e "$out" ] && return
	if grep -q '^vsock ' /proc/modules; then
		echo "unavailable another vsock is loaded" >"$out"
		return
	fi
	before=$(bench_modules)
	modprobe=$(cat /proc/sys/kernel/modprobe)
	echo /bin/true >/proc/sys/kernel/modprobe
	VV_IMPL=ours
	load_modules 3>/dev/console
	for m in vsock vsock_loopback; do
		if ! grep -q O "/sys/module/$m/taint" 2>/dev/null; then
			echo "unavailable our $m.ko is not loaded (not built or not in modules.list?)" >"$out"
			break
		fi
	done
	if [ ! -e "$out" ]; then
		bench_log "our vsock"
		bench_family vsock "$out"
	fi
	bench_unload "$before"
	echo "$modprobe" >/proc/sys/kernel/modprobe
}

vv_bench_main() {
	rm -rf "$bench_dir"
	mkdir -p "$bench_dir"
	if ! command -v vv_bench >/dev/null; then
		echo "bench: vv_bench missing (tests/bench not built)" >&3
		return
	fi
	echo "# vv-bench: kernel $(uname -r), $(nproc) CPUs, median of $bench_runs runs of ${bench_secs}s" >&3

	bench_log "AF_UNIX"
	bench_family unix "$bench_dir/unix"
	bench_kernel
	bench_ours
	vv_bench -T "$bench_dir/unix" "$bench_dir/kernel" "$bench_dir/ours" >&3
}

[ "$VV_MODE" = bench ] && vv_bench_main
