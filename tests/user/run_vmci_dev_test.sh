#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run vmci_dev_test, which drives the VMCI device from user space, with the
# device unbound from its driver (if one is bound), then bind it again: the
# driver must probe the device afresh after what the test did to it.  The
# KTAP is vmci_dev_test's; the exit status is non-zero if it failed or if
# the device could not be unbound or bound again.

dev=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x15ad ] && [ "$(cat "$d/device")" = 0x0740 ] && dev=$d
done
[ -n "$dev" ] || { echo "no VMCI device" >&2; exit 1; }
bdf=${dev##*/}
drv=
[ -e "$dev/driver" ] && drv=$(readlink -f "$dev/driver")
if [ -n "$drv" ]; then
	echo "$bdf" >"$drv/unbind" || { echo "cannot unbind $bdf" >&2; exit 1; }
fi
vmci_dev_test
rc=$?
if [ -n "$drv" ]; then
	echo "$bdf" >"$drv/bind" || { echo "# cannot bind $bdf again"; exit 1; }
	[ -e "$dev/driver" ] || { echo "# $bdf has no driver after bind"; exit 1; }
	echo "# $bdf bound to ${drv##*/} again"
fi
exit $rc
