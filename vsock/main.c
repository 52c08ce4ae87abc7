// SPDX-License-Identifier: GPL-2.0
/*
 * vsock.ko: the AF_VSOCK address family. Init order: tables, /dev/vsock,
 * then the family (sockets can exist only after that); exit in reverse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/net.h>
#include <vv_compat.h>
#include "vsock.h"

static int __init vsock_init(void)
{
	int err;

	vsock_table_init();
	err = vsock_dev_init();
	if (err)
		return err;
	err = vsock_family_init();
	if (err)
		goto err_dev;
	return 0;

err_dev:
	vsock_dev_exit();
	return err;
}

static void __exit vsock_exit(void)
{
	vsock_family_exit();
	vsock_dev_exit();
}

module_init(vsock_init);
module_exit(vsock_exit);

MODULE_AUTHOR("vsock-vmci project");
MODULE_DESCRIPTION("AF_VSOCK address family (out-of-tree replacement)");
MODULE_LICENSE("GPL");
