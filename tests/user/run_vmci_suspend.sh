#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Suspend and resume the guest with the VMCI device bound: the kernel's
# pm_test "devices" level suspends every device (our driver detaches the
# core and resets the device), waits, and resumes them (the driver
# programs the device again and re-attaches).  KTAP: the transition and
# the device still bound; the driver's KUnit suite runs after this
# (tests/guest/lib.sh) to show the device works.

echo "KTAP version 1"
echo "1..2"
if [ ! -w /sys/power/pm_test ] || ! grep -qw freeze /sys/power/state; then
	echo "ok 1 suspend_resume # SKIP kernel without PM_DEBUG and s2idle"
	echo "ok 2 still_bound # SKIP kernel without PM_DEBUG and s2idle"
	exit 0
fi
echo devices >/sys/power/pm_test
if echo freeze >/sys/power/state; then
	echo "ok 1 suspend_resume"
else
	echo "not ok 1 suspend_resume"
fi
echo none >/sys/power/pm_test
dev=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x15ad ] && [ "$(cat "$d/device")" = 0x0740 ] && dev=$d
done
if [ -n "$dev" ] && [ -e "$dev/driver" ]; then
	echo "ok 2 still_bound"
else
	echo "not ok 2 still_bound"
fi
dmesg | grep -i 'vmw_vmci\|vmci' | tail -n 5 | sed 's/^/# /'
