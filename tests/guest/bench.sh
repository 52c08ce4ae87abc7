# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench`, sourced by init after lib.sh (fd 3 is the
# results port; the host prints it verbatim).
#
# A boot without the VMCI device measures four families:
#   AF_UNIX              always there
#   in-kernel vsock      modprobe vsock vsock_loopback ... unload (CID 1)
#   ours                 insmod /etc/vv/modules.list ... unload (CID 1)
#   ours-vmci            insmod /etc/vv/vmci-modules.list: our VMCI
#                        transport on the host personality (CID 2)
# A boot with the device model in hairpin mode (VV_VMCI set) measures
# AF_UNIX, the in-kernel VMCI stack and ours, through the device (CID 2).
# Two vsock families both register AF_VSOCK, so they never share the kernel.
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

# bench_family FAMILY NAME [CID]: one round of every metric, under a time
# limit. A family that hangs once is not run again.
bench_family() {
	local out="$bench_dir/$2" rc=0

	timeout -s KILL "$bench_limit" sockbench -r 1 -t "$bench_secs" \
		-c "${3:-1}" -o "$out" -v "$1" >/dev/console 2>&1 || rc=$?
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

# bench_kernel NAME LIST CID: the in-kernel family, modules from LIST.
bench_kernel() {
	local before m

	bench_unavailable "$1" && return
	bench_vsock_free "$1" || return
	before=$(bench_modules)
	for m in $(cat "$2"); do
		if ! modprobe "$m" >/dev/console 2>&1; then
			echo "unavailable modprobe $m failed" >>"$bench_dir/$1"
			break
		fi
	done
	bench_unavailable "$1" || bench_family vsock "$1" "$3"
	bench_unload "$before"
}

# bench_ours NAME LIST CID: ours, modules from LIST (paths under /opt/vv).
# Each module counts only if it really is ours (out-of-tree taint "O");
# module autoloading is off meanwhile so that a socket() can never pull
# in the in-kernel family instead.
bench_ours() {
	local before m name modprobe

	bench_unavailable "$1" && return
	bench_vsock_free "$1" || return
	before=$(bench_modules)
	modprobe=$(cat /proc/sys/kernel/modprobe)
	echo /bin/true >/proc/sys/kernel/modprobe
	for m in $(grep -v '^#' "$2"); do
		name=$(basename "$m" .ko)
		insmod "/opt/vv/$m" >/dev/console 2>&1
		if ! grep -q O "/sys/module/$name/taint" 2>/dev/null; then
			echo "unavailable our $name.ko does not load" >>"$bench_dir/$1"
			break
		fi
	done
	bench_unavailable "$1" || bench_family vsock "$1" "$3"
	bench_unload "$before"
	echo "$modprobe" >/proc/sys/kernel/modprobe
}

# Without a device: the loopbacks (CID 1) and our VMCI transport on the
# host personality (CID 2, local queue pairs; the in-kernel one cannot).
bench_round_local() {
	bench_family unix unix
	bench_kernel kernel /etc/vv/kernel-modules.list 1
	bench_ours ours /etc/vv/modules.list 1
	bench_ours ours-vmci /etc/vv/vmci-modules.list 2
}

bench_table_local() {
	echo "## loopback (CID 1): ours against the in-kernel vsock_loopback and AF_UNIX" >&3
	sockbench -T "ours=$bench_dir/ours" "in-kernel=$bench_dir/kernel" \
		"AF_UNIX=$bench_dir/unix" >&3
	echo >&3
	echo "## host-local VMCI (CID 2, our VMCI transport without a device)" >&3
	sockbench -T "VMCI-local=$bench_dir/ours-vmci" "loopback=$bench_dir/ours" \
		"AF_UNIX=$bench_dir/unix" >&3
}

# With the device model in hairpin mode: a connect() to CID 2 goes out
# through the device and comes back in to this guest's listener, so both
# ends of every metric run the guest stack under test.
bench_round_device() {
	bench_family unix unix
	bench_kernel kernel-vmci /etc/vv/kernel-vmci-modules.list 2
	bench_ours ours-vmci /etc/vv/vmci-modules.list 2
}

bench_table_device() {
	echo "## guest VMCI through the device model (CID 2, hairpin): ours against the in-kernel stack" >&3
	sockbench -T "ours=$bench_dir/ours-vmci" "in-kernel=$bench_dir/kernel-vmci" \
		"AF_UNIX=$bench_dir/unix" >&3
}

vv_bench_main() {
	local round=1 kind=local

	[ -n "$VV_VMCI" ] && kind=device
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
		bench_round_$kind
		round=$((round + 1))
	done
	bench_table_$kind
}

[ "$VV_MODE" = bench ] && vv_bench_main
