// SPDX-License-Identifier: GPL-2.0
/*
 * VMCI core module: sequences the init and exit of each part.
 *
 * Order: the delivery workqueue first (everything may defer to it),
 * then doorbells, then the personalities, which make the API usable,
 * and last the PCI driver, whose probe attaches the guest personality.
 * Exit is the exact reverse; destroying the workqueue last runs the
 * deferred callbacks, which hold their endpoint's reference. Each part's
 * exit frees what clients leaked (and says so), so an unload leaves
 * nothing behind even when a client forgot to destroy its handles.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <vv_compat.h>

#include "vmci_core.h"
#include "pci/vmci_pci.h"

static int __init vmci_init(void)
{
	int ret;

	vmci_event_init();
	ret = vmci_datagram_init();
	if (ret)
		return ret;
	ret = vmci_doorbell_init();
	if (ret)
		goto err_datagram;
	ret = vmci_guest_init();
	if (ret)
		goto err_doorbell;
	ret = vmci_host_init();
	if (ret)
		goto err_guest;
	ret = vmci_pci_init();
	if (ret)
		goto err_host;
	return 0;

err_host:
	vmci_host_exit();
err_guest:
	vmci_guest_exit();
err_doorbell:
	vmci_doorbell_exit();
err_datagram:
	vmci_datagram_exit();
	return ret;
}

static void __exit vmci_exit(void)
{
	vmci_pci_exit();
	vmci_host_exit();
	vmci_guest_exit();
	vmci_doorbell_exit();
	vmci_datagram_exit();
	/* Nothing of the above holds queue pairs or subscriptions. */
	vmci_qp_broker_exit();
	vmci_event_exit();
	WARN_ON_ONCE(!vmci_resource_table_empty());
}

module_init(vmci_init);
module_exit(vmci_exit);

MODULE_DESCRIPTION("VMware Virtual Machine Communication Interface (out-of-tree)");
MODULE_LICENSE("GPL");
