# SPDX-License-Identifier: GPL-2.0
#
# Steps of the test guest, sourced by tests/guest/init.

exec 3>/dev/ttyS1
kver=$(uname -r)

# block KIND NAME CMD...: run CMD, its output going into one result block.
block() {
	local kind=$1 name=$2 rc
	shift 2
	echo "# vv-block $kind $name" >&3
	"$@" >&3 2>&1
	rc=$?
	echo "# vv-end $name rc=$rc" >&3
	return $rc
}

# retry SECS CMD...: run CMD once a second until it succeeds or SECS pass.
# The in-kernel family keeps a module reference for up to 8 s after close
# (VSOCK_CLOSE_TIMEOUT) while a peer still holds data.
retry() {
	local left=$1
	shift
	until "$@"; do
		left=$((left - 1))
		[ $left -gt 0 ] || return 1
		sleep 1
	done
}

# Our modules, or the in-kernel ones when VV_IMPL=kernel (for comparison).
load_modules() {
	local m
	if [ "$VV_IMPL" = kernel ]; then
		for m in $(cat /etc/vv/kernel-modules.list); do
			block load "$m" modprobe "$m"
		done
		return
	fi
	for m in $(cat /etc/vv/modules.list); do
		block load "$(basename "$m" .ko)" insmod "/opt/vv/$m" || return 1
	done
}

# modprobe -r also removes the dependencies nothing else uses, and fails
# when one is still in use (vsock under vsock_diag while vsock_loopback
# goes): a module's step passes once that module is gone.
unload_kernel_module() {
	modprobe -r "$1" 2>/dev/null
	! grep -q "^$1 " /proc/modules
}

unload_modules() {
	local m
	if [ "$VV_IMPL" = kernel ]; then
		for m in $(tac /etc/vv/kernel-modules.list); do
			block unload "$m" retry 10 unload_kernel_module "$m"
		done
		return
	fi
	for m in $(tac /etc/vv/modules.list); do
		block unload "$(basename "$m" .ko)" rmmod "$(basename "$m" .ko)"
	done
}

# A KUnit module runs its suites at load; their KTAP is in debugfs.
# run_kunit KO [PARAM=VALUE...]
run_kunit() {
	local ko=$1 name before s
	shift
	name=$(basename "$ko" .ko)
	before=$(ls /sys/kernel/debug/kunit)
	if ! block load "$name" insmod "$ko" "$@"; then
		return
	fi
	for s in $(ls /sys/kernel/debug/kunit); do
		echo "$before" | grep -qx "$s" && continue
		block kunit "$s" cat "/sys/kernel/debug/kunit/$s/results"
	done
	block unload "$name" rmmod "$name"
}

run_user_tests() {
	local line name cmd
	while IFS= read -r line; do
		case "$line" in ''|'#'*) continue ;; esac
		name=${line%%:*}
		cmd=${line#*:}
		(cd /tmp && block user "$name" sh -c "$cmd")
	done </etc/vv/tests.list
}

kmemleak_check() {
	local f=/sys/kernel/debug/kmemleak
	[ -w $f ] || return 0
	echo scan >$f
	echo scan >$f
	if grep -q . $f; then
		echo "not ok 1 kmemleak found leaks"
		head -n 60 $f
		return 1
	fi
	echo "ok 1 no leaks"
}

vv_test() {
	local ko
	# Leaks from boot are not ours: forget them before anything loads.
	[ -w /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak
	load_modules || return
	if [ -n "$VV_VMCI_LOCAL" ]; then
		# The VMCI transport's suites need it loaded: here, not below.
		for ko in /opt/vv/kunit/vsock_vmci_*_kunit.ko; do
			[ -e "$ko" ] && run_kunit "$ko"
		done
		run_user_tests
	elif [ -n "$VV_VMCI" ]; then
		vv_test_vmci
	elif [ "$VV_IMPL" != kernel ]; then
		for ko in /opt/vv/kunit/*.ko; do
			case "$ko" in */vsock_vmci_*) continue ;; esac
			[ -e "$ko" ] && run_kunit "$ko"
		done
		run_user_tests
	else
		run_user_tests
	fi
	unload_modules
	block leak kmemleak kmemleak_check
}

# A boot with the VMCI device model: our driver's suite against the
# device, the boot's tests, then the suite again (the tests unbind and
# bind the device). The other suites fake a device: not with a real one.
vv_test_vmci() {
	local ko=/opt/vv/kunit/vmci_pci_device_kunit.ko suite=
	# Ours only; and not with hairpin=on, where the model sends our
	# datagrams back to us instead of to the host programs the suite uses.
	[ "$VV_IMPL" != kernel ] && [ -z "$VV_VMCI_HAIRPIN" ] && [ -e $ko ] &&
		suite=1
	[ -n "$suite" ] &&
		run_kunit $ko expected_cid="$VV_VMCI_CID" doorbells="$VV_VMCI_NOTIFY"
	run_user_tests
	[ -n "$suite" ] &&
		run_kunit $ko expected_cid="$VV_VMCI_CID" doorbells="$VV_VMCI_NOTIFY"
	return 0
}

vv_run() {
	load_modules || return
	echo "--- modules loaded: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')" >/dev/console
	if [ -x /usr/bin/vv_demo ]; then
		# With the VMCI device: the peer is the host program.
		[ -n "$VV_VMCI" ] && echo "--- the guest program (CID $VV_VMCI_CID): vv_demo host" >/dev/console
		vv_demo ${VV_VMCI:+host} >/dev/console 2>&1
	else
		echo "--- no demo program yet (tests/user/vv_demo)" >/dev/console
	fi
	unload_modules
}

vv_shell() {
	load_modules
	echo "--- modules loaded; 'reboot -f' leaves the guest" >/dev/console
	setsid cttyhack sh -l </dev/console >/dev/console 2>&1
}

vv_bench() {
	if [ -x /etc/vv/bench.sh ]; then
		. /etc/vv/bench.sh
	else
		echo "--- no tests/guest/bench.sh yet" >/dev/console
	fi
}
