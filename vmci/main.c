// SPDX-License-Identifier: GPL-2.0
/*
 * VMCI core module: sequences the init and exit of each part.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <vv_compat.h>

#include "vmci_core.h"

static int __init vmci_init(void)
{
	return 0;
}

static void __exit vmci_exit(void)
{
}

module_init(vmci_init);
module_exit(vmci_exit);

MODULE_DESCRIPTION("VMware Virtual Machine Communication Interface (out-of-tree)");
MODULE_LICENSE("GPL");
