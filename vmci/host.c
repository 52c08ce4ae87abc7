// SPDX-License-Identifier: GPL-2.0
/*
 * The host personality: what a Linux host running VMware's hypervisor
 * offers to its own kernel endpoints, as context VMCI_HOST_CONTEXT_ID.
 *
 * It is active unless vmw_vmci.disable_host=1, with or without a guest
 * device (a VM may itself host VMs). Local datagrams and local queue
 * pairs between host endpoints need nothing else; VM contexts will be
 * created by /dev/vmci, which is not implemented yet, so for now no VM
 * context ever exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <vv_compat.h>

#include "vmci_core.h"

static bool disable_host;
module_param(disable_host, bool, 0444);
MODULE_PARM_DESC(disable_host, "Disable the host personality (default: false)");

/**
 * vmci_host_context_exists() - whether a VM context is known to the host
 * @cid: context ID
 *
 * Return: true if a VM with context @cid is registered.
 * Context: any context.
 */
bool vmci_host_context_exists(u32 cid)
{
	return false;
}

int vmci_host_init(void)
{
	if (disable_host) {
		pr_info("host personality disabled\n");
		return 0;
	}
	vmci_personality_set(true, true);
	return 0;
}

void vmci_host_exit(void)
{
	if (vmci_host_active())
		vmci_personality_set(true, false);
}
